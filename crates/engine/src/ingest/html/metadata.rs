//! Page metadata: headline, date, author, outlet and URL of an HTML page.
//!
//! Input: a [`Dom`] and the page URL if known. Output: [`Fields`].
//! Method: structured sources first, in order of trust: JSON-LD
//! (`NewsArticle`, `Article`, `BlogPosting`, also inside `@graph`), Open
//! Graph and `article:*` properties, named `<meta>` tags (Dublin Core,
//! `pubdate`, `parsely-pub-date`, ...), microdata `itemprop`, then a
//! `<time>` element that says it is the publication time, then a date in
//! the URL path. A date is taken only from these: never from scripts other
//! than JSON-LD, comments (the parser drops them), copyright lines or
//! "updated" widgets, and only when [`crate::dates::parse_date`] reads it.

use serde_json::Value;

use super::dom::{Dom, NodeId};
use crate::dates;
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
    "WebPage",
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
    let ld = json_ld(dom);
    let metas = metas(dom);
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| metas.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()))
    };
    let f = &mut found.fields;

    f.title = ld
        .as_ref()
        .and_then(|a| str_of(a.get("headline")))
        .or_else(|| meta(&["og:title", "twitter:title", "dc.title"]))
        .or_else(|| title_text(dom));
    f.author = ld
        .as_ref()
        .and_then(|a| names(a.get("author")))
        .or_else(|| {
            meta(&["author", "article:author", "dc.creator", "parsely-author", "sailthru.author"])
        })
        .filter(|a| !a.starts_with("http"));
    f.outlet = meta(&["og:site_name", "application-name"])
        .or_else(|| ld.as_ref().and_then(|a| names(a.get("publisher"))))
        .or_else(|| url.and_then(host));
    f.url = url.map(str::to_string).or_else(|| canonical(dom)).or_else(|| meta(&["og:url"]));
    f.modified = ld
        .as_ref()
        .and_then(|a| str_of(a.get("dateModified")))
        .or_else(|| meta(&["article:modified_time", "og:updated_time", "dateModified"]));

    // The publication date: the first trusted source that is a real date.
    let mut candidates: Vec<(String, String, DateSource)> = Vec::new();
    if let Some(d) = ld
        .as_ref()
        .and_then(|a| str_of(a.get("datePublished")).or_else(|| str_of(a.get("dateCreated"))))
    {
        candidates.push((d, "json-ld datePublished".into(), DateSource::JsonLd));
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
        if dates::parse_date(&value).is_some() {
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

/// The article object of the page's JSON-LD, if any: the first object whose
/// `@type` is an article type (`WebPage` only if nothing better).
fn json_ld(dom: &Dom) -> Option<Value> {
    let mut objects = Vec::new();
    for node in &dom.nodes {
        if &*node.tag != "script" {
            continue;
        }
        let Some(child) = node.first_child else { continue };
        let raw = dom.node(child).text.trim();
        let Ok(value) = serde_json::from_str::<Value>(raw) else { continue };
        collect(value, &mut objects, 0);
    }
    let rank = |v: &Value| -> Option<usize> {
        let types: Vec<&str> = match v.get("@type") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        types.iter().filter_map(|t| ARTICLE_TYPES.iter().position(|a| a == t)).min()
    };
    let best = objects.iter().enumerate().filter_map(|(i, v)| Some((rank(v)?, i))).min()?;
    Some(objects.swap_remove(best.1))
}

fn collect(value: Value, out: &mut Vec<Value>, depth: usize) {
    if depth > 4 {
        return;
    }
    match value {
        Value::Array(items) => items.into_iter().for_each(|v| collect(v, out, depth + 1)),
        Value::Object(mut map) => {
            if let Some(graph) = map.remove("@graph") {
                collect(graph, out, depth + 1);
            }
            out.push(Value::Object(map));
        }
        _ => {}
    }
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
