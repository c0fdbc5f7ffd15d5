//! Page metadata: headline, date, author, outlet and URL of an HTML page.
//!
//! Input: a [`Dom`] and the page URL if known. Output: [`Fields`].
//! Method: structured sources first, in order of trust: JSON-LD (read
//! leniently, see [`json_ld`]), Open Graph and `article:*` properties,
//! named `<meta>` tags (Dublin Core, `pubdate`, `parsely-pub-date`, ...),
//! microdata `itemprop`, then a `<time>` element that says it is the
//! publication time, then a date in the URL path. A date is taken only
//! from these: never from scripts other than JSON-LD, comments (the parser
//! drops them), copyright lines or "updated" widgets, and only when
//! [`crate::dates::parse_date_in`] reads it, slashed dates in the order of
//! the page's language. A timestamp's calendar day is the one written (the
//! outlet's local day), not shifted to UTC: on the 13 benchmark pages
//! where the two differ, 12 show the local day on the page.

use serde_json::Value;

use std::sync::LazyLock;

use regex::Regex;

use super::dom::{Dom, NodeId};
use crate::dates::{self, SlashOrder};
use crate::model::{DateSource, Fields};

/// JSON-LD types that describe an article.
const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "BlogPosting",
    "ReportageNewsArticle",
    "AnalysisNewsArticle",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
    "LiveBlogPosting",
    "TechArticle",
    "Report",
    "ScholarlyArticle",
    "SocialMediaPosting",
    "DiscussionForumPosting",
    "WebPage",
];

/// JSON-LD types whose `datePublished` is not the page's: a photo, a
/// video clip or a reader's review inside the page has a date of its own.
const NOT_PAGE_TYPES: &[&str] = &[
    "ImageObject",
    "VideoObject",
    "AudioObject",
    "MediaObject",
    "Review",
    "Comment",
    "Rating",
    "AggregateRating",
];

/// `<meta>` names and properties holding the publication date, by trust.
const DATE_METAS: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "datepublished",
    "publishdate",
    "publish-date",
    "publish_date",
    "pubdate",
    "date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "dcterms.date",
    "dcterms.created",
    "dc.date.created",
    "parsely-pub-date",
    "sailthru.date",
    "article.published",
    "created",
    "citation_publication_date",
    "citation_date",
    "originalpublicationdate",
    "datecreated",
];

/// Ancestor class/id words that disqualify a `<time>`: comments, updates,
/// footers and copyright lines are not the article's date.
const NOT_PUBLISHED: &[&str] = &[
    "comment",
    "update",
    "updated",
    "modified",
    "footer",
    "copyright",
    "related",
    "sidebar",
    "teaser",
];

/// What the metadata pass found.
#[derive(Clone, Debug, Default)]
pub(crate) struct Found {
    /// The fields.
    pub fields: Fields,
    /// Where the date came from (`json-ld datePublished`, `meta ...`).
    pub date_evidence: Option<String>,
}

/// Reads the metadata of `dom`; `url` is the page URL if known.
pub(crate) fn read(dom: &Dom, url: Option<&str>) -> Found {
    let mut found = Found::default();
    let objects = json_ld(dom);
    let ld = article(&objects);
    let ld_date = dated(&objects);
    let metas = metas(dom);
    let order = SlashOrder::for_language(language(dom, &metas).as_deref());
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| metas.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    };
    let f = &mut found.fields;

    f.title = ld
        .and_then(|a| str_of(a.get("headline")))
        .or_else(|| meta(&["og:title", "twitter:title", "dc.title"]))
        .or_else(|| title_text(dom));
    f.author = ld
        .and_then(|a| names(a.get("author")))
        .or_else(|| {
            meta(&["author", "article:author", "dc.creator", "parsely-author", "sailthru.author"])
        })
        .filter(|a| !a.starts_with("http"));
    f.outlet = meta(&["og:site_name", "application-name"])
        .or_else(|| ld.and_then(|a| names(a.get("publisher"))))
        .or_else(|| url.and_then(host));
    f.url = url.map(str::to_string).or_else(|| canonical(dom)).or_else(|| meta(&["og:url"]));
    // `og:updated_time` says when the page changed, so it is only ever
    // the modification date.
    f.modified = ld_date
        .as_ref()
        .and_then(|d| str_of(d.object.get("dateModified")))
        .or_else(|| ld.and_then(|a| str_of(a.get("dateModified"))))
        .or_else(|| meta(&["article:modified_time", "og:updated_time", "datemodified"]));

    // The publication date: the first trusted source that is a real date.
    let mut candidates: Vec<(String, String, DateSource)> = Vec::new();
    if let Some(d) = ld_date {
        candidates.push((d.value, d.evidence, DateSource::JsonLd));
    }
    for key in DATE_METAS {
        if let Some((_, v)) = metas.iter().find(|(n, _)| n == key) {
            let source = if key.ends_with("published_time") {
                DateSource::OpenGraph
            } else {
                DateSource::Meta
            };
            candidates.push((v.clone(), format!("meta {key}"), source));
        }
    }
    if let Some(t) = time_element(dom) {
        candidates.push((t, "time element".into(), DateSource::Time));
    }
    for (value, evidence, source) in candidates {
        if let Some(day) = dates::parse_date_in(&value, order) {
            // A slashed date read day first is kept as the day itself, so
            // that later readers of the field cannot read it month first.
            let value =
                if dates::parse_date(&value) == Some(day) { value } else { day.to_string() };
            f.published = Some(value);
            f.published_source = Some(source);
            found.date_evidence = Some(evidence);
            break;
        }
    }
    if f.published.is_none() {
        if let Some(d) = f.url.as_deref().and_then(dates::url_date) {
            f.published = Some(d.to_string());
            f.published_source = Some(DateSource::Url);
            found.date_evidence = Some("url path".into());
        }
    }
    found
}

/// Every `<meta>` as `(lowercase name or property or itemprop, content)`,
/// plus microdata `itemprop` dates on other elements.
fn metas(dom: &Dom) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for node in &dom.nodes {
        if &*node.tag == "meta" {
            let key = node.attr("property").or(node.attr("name")).or(node.attr("itemprop"));
            if let (Some(k), Some(v)) = (key, node.attr("content")) {
                let v = v.trim();
                if !v.is_empty() {
                    out.push((k.trim().to_ascii_lowercase(), v.to_string()));
                }
            }
        } else if let Some(prop @ ("datePublished" | "dateModified")) = node.attr("itemprop") {
            if let Some(v) = node.attr("datetime").or(node.attr("content")) {
                out.push((prop.to_ascii_lowercase(), v.trim().to_string()));
            }
        }
    }
    out
}

fn title_text(dom: &Dom) -> Option<String> {
    let id = dom.find("title")?;
    let text: String = dom.children(id).map(|c| dom.node(c).text.to_string()).collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!text.is_empty()).then_some(text)
}

fn canonical(dom: &Dom) -> Option<String> {
    dom.nodes
        .iter()
        .find(|n| {
            &*n.tag == "link" && n.attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical"))
        })
        .and_then(|n| n.attr("href"))
        .filter(|h| h.starts_with("http"))
        .map(str::to_string)
}

/// The host of a URL, without `www.`.
pub(crate) fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// A `<time>` element that marks the publication: `itemprop=datePublished`,
/// `pubdate`, or a class saying so; never one inside comments, footers or
/// "updated" notices.
fn time_element(dom: &Dom) -> Option<String> {
    let mut fallback = None;
    for (i, node) in dom.nodes.iter().enumerate() {
        if &*node.tag != "time" {
            continue;
        }
        let Some(value) = node.attr("datetime") else { continue };
        if excluded(dom, i as NodeId) {
            continue;
        }
        let class = node.attr("class").unwrap_or("").to_ascii_lowercase();
        if node.attr("itemprop") == Some("datePublished")
            || class.contains("publish")
            || node.attr("pubdate").is_some()
        {
            return Some(value.to_string());
        }
        fallback.get_or_insert_with(|| value.to_string());
    }
    fallback
}

fn excluded(dom: &Dom, id: NodeId) -> bool {
    let mut x = id;
    for _ in 0..32 {
        let node = dom.node(x);
        let words = [node.attr("class"), node.attr("id"), node.attr("itemprop")];
        let hit = words.into_iter().flatten().any(|w| {
            let w = w.to_ascii_lowercase();
            NOT_PUBLISHED.iter().any(|n| w.contains(n))
        });
        if hit || matches!(&*node.tag, "footer" | "aside") {
            return true;
        }
        if x == 0 {
            break;
        }
        x = node.parent;
    }
    false
}

/// The language of the page: `<html lang>`, else `og:locale`, else the
/// `content-language` header in a `<meta http-equiv>`.
fn language(dom: &Dom, metas: &[(String, String)]) -> Option<String> {
    let html = dom.find("html").and_then(|id| dom.node(id).attr("lang"));
    let from_meta = || {
        let equiv = dom.nodes.iter().find(|n| {
            &*n.tag == "meta"
                && n.attr("http-equiv").is_some_and(|h| h.eq_ignore_ascii_case("content-language"))
        });
        equiv.and_then(|n| n.attr("content")).map(str::to_string)
    };
    html.map(str::to_string)
        .or_else(|| metas.iter().find(|(k, _)| k == "og:locale").map(|(_, v)| v.clone()))
        .or_else(from_meta)
        .filter(|l| !l.trim().is_empty())
}

/// The objects of the page's JSON-LD scripts, in document order: top-level
/// objects, the items of arrays and `@graph`, and the `mainEntity` or
/// `mainEntityOfPage` object of each (a `WebPage` often wraps the article
/// that way). Other nested objects (authors, reviews, images) are left in
/// place: their dates are not the page's.
///
/// Scripts are read leniently, because outlets hand-write them: as JSON;
/// else with raw control characters made spaces and trailing commas
/// dropped, keeping every whole value before a stray `;` or a second
/// value; else, when even that fails (unescaped quotes, unquoted values),
/// by picking the few keys the metadata needs (`@type`, `headline`,
/// `datePublished`, `dateCreated`, `dateModified`) straight out of the text.
fn json_ld(dom: &Dom) -> Vec<Value> {
    let mut objects = Vec::new();
    for node in &dom.nodes {
        let is_ld = node.attr("type").is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
        if &*node.tag != "script" || !is_ld {
            continue;
        }
        let Some(child) = node.first_child else { continue };
        for value in parse_lenient(&dom.node(child).text) {
            collect(value, &mut objects, 0);
        }
    }
    objects
}

fn parse_lenient(raw: &str) -> Vec<Value> {
    let raw = raw.trim();
    let raw = raw.strip_prefix("<!--").unwrap_or(raw);
    let raw = raw.strip_suffix("-->").unwrap_or(raw).trim();
    if let Ok(value) = serde_json::from_str::<Value>(raw) {
        return vec![value];
    }
    let repaired = repair(raw);
    let values: Vec<Value> = serde_json::Deserializer::from_str(&repaired)
        .into_iter::<Value>()
        .map_while(Result::ok)
        .collect();
    if !values.is_empty() {
        return values;
    }
    static KEY: LazyLock<Regex> = LazyLock::new(|| {
        let keys = "@type|headline|datePublished|dateCreated|dateModified";
        Regex::new(&format!(r#""({keys})"\s*:\s*"((?:[^"\\]|\\.)*)""#)).expect("json-ld key")
    });
    let mut map = serde_json::Map::new();
    for c in KEY.captures_iter(raw) {
        let value = c[2].replace("\\/", "/");
        map.entry(&c[1]).or_insert(Value::String(value));
    }
    if map.is_empty() {
        Vec::new()
    } else {
        vec![Value::Object(map)]
    }
}

/// Raw control characters (tabs and newlines inside strings) become
/// spaces and commas before a closing bracket are dropped.
fn repair(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut pending_comma = None;
    for c in raw.chars() {
        let c = if c.is_control() { ' ' } else { c };
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        if let Some(at) = pending_comma {
            if c == '}' || c == ']' {
                out.remove(at);
                pending_comma = None;
            } else if !c.is_whitespace() {
                pending_comma = None;
            }
        }
        match c {
            '"' => in_string = true,
            ',' => pending_comma = Some(out.len()),
            _ => {}
        }
        out.push(c);
    }
    out
}

fn collect(value: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 6 {
        return;
    }
    match value {
        Value::Array(items) => items.into_iter().for_each(|v| collect(v, out, depth + 1)),
        Value::Object(mut map) => {
            let graph = map.remove("@graph");
            let main = ["mainEntity", "mainEntityOfPage"].map(|k| match map.get(k) {
                Some(Value::Object(_) | Value::Array(_)) => map.remove(k),
                _ => None,
            });
            if let Some(graph) = graph {
                collect(graph, out, depth + 1);
            }
            out.push(Value::Object(map));
            for entity in main.into_iter().flatten() {
                collect(entity, out, depth + 1);
            }
        }
        _ => {}
    }
}

/// The `@type` (or a bare `type`) of an object, without a vocabulary
/// prefix (`schema:NewsArticle`, `http://schema.org/NewsArticle`).
fn types(v: &Value) -> Vec<&str> {
    let raw: Vec<&str> = match v.get("@type").or_else(|| v.get("type")) {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    raw.into_iter().map(|t| t.rsplit(['/', ':']).next().unwrap_or(t).trim()).collect()
}

/// The article object: the first object of the best article type
/// (`WebPage` only if nothing better).
fn article(objects: &[Value]) -> Option<&Value> {
    let rank =
        |v: &Value| types(v).iter().filter_map(|t| ARTICLE_TYPES.iter().position(|a| a == t)).min();
    let best = objects.iter().enumerate().filter_map(|(i, v)| Some((rank(v)?, i))).min()?;
    objects.get(best.1)
}

/// The page's date in its JSON-LD.
struct LdDate<'a> {
    /// The object it was read from.
    object: &'a Value,
    /// The value as written.
    value: String,
    /// `json-ld TYPE datePublished` (or `dateCreated`).
    evidence: String,
}

/// The publication date of the page's JSON-LD: from an article-type
/// object, else a `WebPage`, else any other object with a date (a recipe,
/// a how-to, a forum post) unless it is a picture, a clip or a review;
/// the first in document order within each class. `datePublished` first,
/// then `dateCreated`; a value no date can be read from does not count.
fn dated(objects: &[Value]) -> Option<LdDate<'_>> {
    let class = |v: &Value| {
        let types = types(v);
        if types.iter().any(|t| NOT_PAGE_TYPES.contains(t)) {
            None
        } else if types.iter().any(|t| ARTICLE_TYPES.contains(t) && *t != "WebPage") {
            Some(0)
        } else if types.contains(&"WebPage") {
            Some(1)
        } else {
            Some(2)
        }
    };
    let mut ranked: Vec<(usize, usize)> =
        objects.iter().enumerate().filter_map(|(i, v)| Some((class(v)?, i))).collect();
    ranked.sort_unstable();
    ranked.into_iter().find_map(|(_, i)| {
        let object = &objects[i];
        ["datePublished", "dateCreated"].into_iter().find_map(|key| {
            let value = str_of(object.get(key))?;
            dates::parse_date(&value)?;
            let kind = types(object).first().map_or("object".to_string(), |t| t.to_string());
            Some(LdDate { object, value, evidence: format!("json-ld {kind} {key}") })
        })
    })
}

fn str_of(v: Option<&Value>) -> Option<String> {
    let s = match v? {
        Value::String(s) => s.trim().to_string(),
        Value::Array(a) => return str_of(a.first()),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// A name or a list of names (`"author": [{"name": ...}]`), joined by ", ".
fn names(v: Option<&Value>) -> Option<String> {
    let one = |v: &Value| -> Option<String> {
        match v {
            Value::String(s) => Some(s.trim().to_string()),
            Value::Object(o) => o.get("name").and_then(Value::as_str).map(|s| s.trim().to_string()),
            _ => None,
        }
    };
    let list: Vec<String> = match v? {
        Value::Array(a) => a.iter().filter_map(one).collect(),
        other => one(other).into_iter().collect(),
    };
    let list: Vec<String> = list.into_iter().filter(|s| !s.is_empty()).collect();
    (!list.is_empty()).then(|| list.join(", "))
}
