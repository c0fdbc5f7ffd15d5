//! The web pages: home (stories), story, article, search; one stylesheet.
//!
//! Rendered on the server with minijinja, auto-escaping on for every
//! template: third-party text (titles, outlets, text, URLs) is only ever
//! inserted as an escaped value, highlighting is built from offsets as a
//! list of text pieces each escaped on its own, and a URL becomes a link
//! only when it is http or https. No script is served at all.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use axum::extract::{Path, Query, State as AxumState};
use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use minijinja::{context, Environment, UndefinedBehavior, Value};
use serde::Serialize;
use storyline::views::{ArticlePage, EntitySpan, QuoteSpan};

use crate::api::{self, Params, StoryFilter};
use crate::state::Rendered;
use crate::state::State;
use crate::{blocking, key, ApiError};

type Shared = AxumState<Arc<State>>;

const STYLE: &str = include_str!("../static/style.css");

static ENV: LazyLock<Environment<'static>> = LazyLock::new(|| {
    let mut env = Environment::new();
    env.set_undefined_behavior(UndefinedBehavior::Chainable);
    // Auto-escaping is on for `.html` names (minijinja's default); every
    // template here is one.
    for (name, source) in [
        ("base.html", include_str!("../templates/base.html")),
        ("macros.html", include_str!("../templates/macros.html")),
        ("home.html", include_str!("../templates/home.html")),
        ("story.html", include_str!("../templates/story.html")),
        ("story_list.html", include_str!("../templates/story_list.html")),
        ("article.html", include_str!("../templates/article.html")),
        ("search.html", include_str!("../templates/search.html")),
        ("error.html", include_str!("../templates/error.html")),
    ] {
        env.add_template(name, source).expect("templates parse");
    }
    env.add_filter("http_url", http_url);
    env.add_filter("day", day);
    env.add_filter("urlencode", |s: String| encode(&s));
    env.add_filter("unique", |v: Vec<String>| {
        let mut out: Vec<String> = Vec::new();
        for s in v {
            if !out.contains(&s) {
                out.push(s);
            }
        }
        out
    });
    env
});

/// The URL itself when it is an absolute http(s) URL, else nothing: a
/// `javascript:` or `data:` URL is never written into an `href`.
pub(crate) fn http_url(url: Option<String>) -> Option<String> {
    let url = url?;
    let trimmed = url.trim();
    let lower = trimmed.get(..8).unwrap_or(trimmed).to_ascii_lowercase();
    let ok = (lower.starts_with("http://") || lower.starts_with("https://"))
        && !trimmed.chars().any(|c| c.is_control() || c.is_whitespace());
    ok.then(|| trimmed.to_string())
}

/// `2016-10-05` as `5 Oct 2016`.
fn day(value: String) -> String {
    chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d")
        .map_or(value, |d| d.format("%-d %b %Y").to_string())
}

pub(crate) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/", get(home))
        .route("/stories/{id}", get(story))
        .route("/stories/{id}/{list}", get(story_list))
        .route("/articles/{id}", get(article))
        .route("/search", get(search))
        .route("/static/{file}", get(static_file))
}

fn render(name: &str, ctx: Value) -> Result<Rendered, ApiError> {
    let html = ENV.get_template(name).and_then(|t| t.render(ctx)).map_err(|e| {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("template {name}: {e}"))
    })?;
    Ok(Rendered { content_type: "text/html; charset=utf-8", body: html.into() })
}

/// An error as a page.
fn error_page(status: StatusCode, message: &str) -> Response {
    let html = ENV
        .get_template("error.html")
        .and_then(|t| t.render(context! { status => status.as_u16(), message }))
        .unwrap_or_else(|_| "error".to_string());
    (status, Html(html)).into_response()
}

/// Page handlers answer errors as pages, not JSON. A page is rendered
/// once per store generation and request (path and query).
async fn page(
    state: Arc<State>,
    uri: Uri,
    f: impl FnOnce(&Arc<State>) -> Result<Rendered, ApiError> + Send + 'static,
) -> Response {
    if let Some(answer) = state.generation().cached(&key(&uri)) {
        return answer.into_response();
    }
    let answer = blocking(move || {
        let generation = state.generation();
        generation.rendered(&key(&uri), || f(&state))
    })
    .await;
    match answer {
        Ok(r) => r.into_response(),
        Err(e) => error_page(e.status, &e.message),
    }
}

/// Counts shown in every page's footer.
fn base(state: &Arc<State>) -> Value {
    let generation = state.generation();
    context! {
        n_articles => generation.snapshot.articles.len(),
        // The cached cards, one per live story: `story_ids` would build a
        // view of every story on each page.
        n_stories => generation.cards().len(),
    }
}

/// The same page with `offset` changed, for the pager links.
fn with_offset(path: &str, params: &HashMap<String, String>, offset: usize) -> String {
    let mut pairs: Vec<(&String, &String)> =
        params.iter().filter(|(k, v)| k.as_str() != "offset" && !v.is_empty()).collect();
    pairs.sort();
    let mut out = format!("{path}?");
    for (k, v) in pairs {
        out.push_str(&format!("{}={}&", encode(k), encode(v)));
    }
    out.push_str(&format!("offset={offset}"));
    out
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn pager(
    path: &str,
    params: &HashMap<String, String>,
    offset: usize,
    limit: usize,
    total: usize,
) -> (Option<String>, Option<String>) {
    let prev = (offset > 0).then(|| with_offset(path, params, offset.saturating_sub(limit)));
    let next = (offset + limit < total).then(|| with_offset(path, params, offset + limit));
    (prev, next)
}

async fn home(
    AxumState(state): Shared,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    page(state, uri, move |state| {
        let p = Params(q);
        let filter = StoryFilter::parse(&p)?;
        let generation = state.generation();
        let (total, stories) = api::filter_stories(&generation, &filter)?;
        let (prev, next) = pager("/", &p.0, filter.offset, filter.limit, total);
        let f = context! {
            q => p.text("q"), entity => p.text("entity"), outlet => p.text("outlet"),
            from => p.text("from"), to => p.text("to"), sort => p.text("sort").unwrap_or("newest"),
        };
        render("home.html", context! { f, total, stories, prev, next, ..base(state) })
    })
    .await
}

#[derive(Serialize)]
struct Label<'a> {
    outlet: Option<&'a str>,
    title: Option<&'a str>,
}

/// Citation labels: the outlet and headline of each of `ids`.
fn labels<'a>(
    snapshot: &'a storyline::views::Snapshot,
    ids: &[storyline::model::ArticleId],
) -> HashMap<String, Label<'a>> {
    ids.iter()
        .filter_map(|id| {
            let a = snapshot.article(*id)?;
            Some((id.to_string(), Label { outlet: a.outlet.as_deref(), title: a.title.as_deref() }))
        })
        .collect()
}

async fn story(AxumState(state): Shared, uri: Uri, Path(id): Path<String>) -> Response {
    page(state, uri, move |state| story_html(state, &id)).await
}

/// The story page (also rendered ahead by the warm-up).
pub(crate) fn story_html(state: &Arc<State>, id: &str) -> Result<Rendered, ApiError> {
    let s = api::story_page(state, id)?;
    let generation = state.generation();
    let labels = labels(&generation.snapshot, &s.card.article_ids);
    render("story.html", context! { s => &*s, labels, ..base(state) })
}

/// Items of a story's list shown per page.
const LIST_PAGE: usize = 50;

/// `/stories/{id}/quotes|sources|entities`: a story's long list, paged.
async fn story_list(
    AxumState(state): Shared,
    uri: Uri,
    Path((id, list)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    page(state, uri, move |state| {
        let p = Params(q);
        let offset = p.number("offset", 0, usize::MAX >> 1)?;
        let limit = p.number("limit", LIST_PAGE, 100)?;
        let s = api::story_page(state, &id)?;
        let generation = state.generation();
        let path = format!("/stories/{}/{list}", s.card.id);
        let speaker = p.text("speaker").map(str::to_lowercase);
        let (heading, total, items) = match list.as_str() {
            "quotes" => {
                let kind = api::quote_kind(&p)?;
                let (total, items) =
                    api::quote_items(&s.speakers, speaker.as_deref(), kind, offset, limit);
                ("Quotes", total, Value::from_serialize(&items))
            }
            "sources" => {
                let page = s.sources.iter().skip(offset).take(limit).collect::<Vec<_>>();
                ("Sources", s.sources.len(), Value::from_serialize(&page))
            }
            "entities" => {
                let page = s.entities.iter().skip(offset).take(limit).collect::<Vec<_>>();
                ("People, organizations, places", s.entities.len(), Value::from_serialize(&page))
            }
            _ => return Err(ApiError::not_found("there is no such list of a story")),
        };
        let labels = labels(&generation.snapshot, &s.card.article_ids);
        let (prev, next) = pager(&path, &p.0, offset, limit, total);
        render(
            "story_list.html",
            context! {
                s => s.card.clone(), kind => list, heading, speaker, total, offset, limit, items,
                labels, prev, next, ..base(state)
            },
        )
    })
    .await
}

/// A run of article text with how to show it.
#[derive(Debug, PartialEq, Eq, Serialize)]
pub(crate) struct Piece {
    pub text: String,
    /// CSS classes: `q` inside a quote, `ent ent-KIND` on a name.
    pub class: String,
    /// The hover text: the speaker of a quote, the entity's name.
    pub title: String,
}

/// The article's text in paragraphs of pieces, cut at every quote and
/// entity boundary. Offsets that are not on a character boundary are
/// ignored (they cannot be, but a bad span must not panic a page).
pub(crate) fn paragraphs(
    text: &str,
    quotes: &[QuoteSpan],
    entities: &[EntitySpan],
) -> Vec<Vec<Piece>> {
    let ok = |i: usize| i <= text.len() && text.is_char_boundary(i);
    let quotes: Vec<&QuoteSpan> =
        quotes.iter().filter(|q| q.start < q.end && ok(q.start) && ok(q.end)).collect();
    let entities: Vec<&EntitySpan> =
        entities.iter().filter(|e| e.start < e.end && ok(e.start) && ok(e.end)).collect();
    let mut out = Vec::new();
    let mut start = 0;
    for para in text.split("\n\n") {
        let end = start + para.len();
        let mut cuts: Vec<usize> = vec![start, end];
        for q in &quotes {
            cuts.extend([q.start, q.end]);
        }
        for e in &entities {
            cuts.extend([e.start, e.end]);
        }
        cuts.retain(|&c| c >= start && c <= end);
        cuts.sort_unstable();
        cuts.dedup();
        let mut pieces = Vec::new();
        for w in cuts.windows(2) {
            let (a, b) = (w[0], w[1]);
            let quote = quotes.iter().find(|q| q.start <= a && b <= q.end);
            let entity = entities.iter().find(|e| e.start <= a && b <= e.end);
            let mut class = Vec::new();
            let mut title = Vec::new();
            if let Some(q) = quote {
                class.push("q".to_string());
                title.push(match &q.speaker {
                    Some(s) => format!("quote: {s}"),
                    None => "quote".to_string(),
                });
            }
            if let Some(e) = entity {
                class.push(format!("ent ent-{}", e.kind.name()));
                title.push(format!("{} ({})", e.name, e.kind.name()));
            }
            pieces.push(Piece {
                text: text[a..b].to_string(),
                class: class.join(" "),
                title: title.join("; "),
            });
        }
        out.push(pieces);
        start = end + 2;
    }
    out
}

async fn article(AxumState(state): Shared, uri: Uri, Path(id): Path<String>) -> Response {
    page(state, uri, move |state| {
        let aid = api::parse_article_id(&id)?;
        let generation = state.generation();
        let a: ArticlePage = generation
            .snapshot
            .article_page(aid)
            .ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
        let paragraphs = paragraphs(&a.text, &a.quotes, &a.entities);
        render("article.html", context! { a, paragraphs, ..base(state) })
    })
    .await
}

async fn search(
    AxumState(state): Shared,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    page(state, uri, move |state| {
        let p = Params(q);
        let query = p.text("q").map(str::to_string);
        let Some(query) = query else {
            return render("search.html", context! { query => Value::from(()), ..base(state) });
        };
        let r = api::run_search(state, &p)?;
        let hits: Vec<Value> = r
            .hits
            .iter()
            .map(|h| {
                context! {
                    id => h.hit.id.to_string(), outlet => h.hit.outlet, published => h.hit.published,
                    story => h.story, pieces => api::pieces(&h.hit.snippet),
                    title_pieces => h.hit.title.as_ref().map(api::pieces),
                }
            })
            .collect();
        let quotes: Vec<Value> = r
            .quotes
            .iter()
            .map(|q| {
                context! { speaker => q.speaker, first_seen => q.first_seen, sources => q.sources, pieces => api::pieces(&q.text) }
            })
            .collect();
        let (prev, next) = pager("/search", &p.0, r.offset, r.limit, r.total);
        let r = context! { total => r.total, hits, quotes };
        render("search.html", context! { query, r, prev, next, ..base(state) })
    })
    .await
}

/// The one static file. Any other name, `..` included (raw or encoded),
/// is 404: nothing is read from disk.
async fn static_file(Path(file): Path<String>) -> Response {
    if file == "style.css" {
        return (
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            STYLE,
        )
            .into_response();
    }
    error_page(StatusCode::NOT_FOUND, "no such file")
}

/// Anything no route matched: JSON under `/api` (see `api::json_errors`),
/// a page elsewhere.
pub(crate) async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api") {
        return ApiError::not_found("no such endpoint (see /openapi.json)").into_response();
    }
    error_page(StatusCode::NOT_FOUND, "there is no page here")
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline::extract::{EntityKind, QuoteKind};

    #[test]
    fn only_http_urls_become_links() {
        let f = |s: &str| http_url(Some(s.to_string()));
        assert_eq!(f("https://example.org/a?b=1").as_deref(), Some("https://example.org/a?b=1"));
        assert_eq!(f(" HTTP://x.org ").as_deref(), Some("HTTP://x.org"));
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "JaVaScRiPt:x",
            "data:text/html,x",
            "//evil.org",
            "http://a b",
            "http://x\ny",
        ] {
            assert_eq!(f(bad), None, "{bad}");
        }
    }

    #[test]
    fn pieces_cover_the_text_and_nest_names_in_quotes() {
        let text = "Ann Lee said “we will go”.\n\nThen Paris.";
        let q = QuoteSpan {
            start: 16,
            end: 26,
            kind: QuoteKind::Direct,
            speaker: Some("Ann Lee".into()),
            speaker_span: None,
        };
        let e = |s, t, n: &str, kind| EntitySpan { start: s, end: t, name: n.into(), kind };
        let ents = [
            e(0, 7, "Ann Lee", EntityKind::Person),
            e(37, 42, "Paris", EntityKind::Place),
            e(3, 99, "bad", EntityKind::Place),
        ];
        let paras = paragraphs(text, &[q], &ents);
        assert_eq!(paras.len(), 2);
        let joined: Vec<String> =
            paras.iter().map(|p| p.iter().map(|x| x.text.as_str()).collect()).collect();
        assert_eq!(joined.join("\n\n"), text);
        assert_eq!(paras[0][0].class, "ent ent-person");
        assert!(paras[0].iter().any(|p| p.class == "q" && p.text == "we will go"));
        assert_eq!(paras[1].iter().find(|p| p.text == "Paris").unwrap().class, "ent ent-place");
    }
}
