//! The JSON API under `/api`: stories, articles, quotes, entities, search.
//!
//! Every list takes `offset` and `limit` (at most 100) and answers
//! `{total, offset, limit, <items>}`. Bad parameters are 400, unknown ids
//! 404, always as `{status, message}`.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use axum::extract::{Path, Query, Request, State as AxumState};
use axum::http::{header, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Serialize;
use storyline::cluster::StoryId;
use storyline::model::ArticleId;
use storyline::search::{Hit, Marked, SearchQuery};
use storyline::summarize::CitedSentence;
use storyline::timeline::Timeline;
use storyline::views::{
    EntityView, EventView, QuoteView, SourceGroup, SpeakerQuotes, StoryCard, StoryPage,
};

use crate::state::{Generation, Rendered, State};
use crate::{blocking, json, key, ApiError};

type Shared = AxumState<Arc<State>>;

/// Every route of the application, `(method, path)`, as in `/openapi.json`.
pub const ROUTES: &[(&str, &str)] = &[
    ("get", "/api/stories"),
    ("get", "/api/stories/{id}"),
    ("get", "/api/stories/{id}/speakers"),
    ("get", "/api/stories/{id}/quotes"),
    ("get", "/api/stories/{id}/entities"),
    ("get", "/api/stories/{id}/sources"),
    ("get", "/api/stories/{id}/articles"),
    ("get", "/api/articles"),
    ("get", "/api/articles/{id}"),
    ("get", "/api/quotes"),
    ("get", "/api/entities"),
    ("get", "/api/search"),
    ("get", "/api/status"),
    ("post", "/api/ingest"),
    ("get", "/openapi.json"),
];

pub(crate) fn routes() -> Router<Arc<State>> {
    Router::new()
        .route("/api/stories", get(stories))
        .route("/api/stories/{id}", get(story))
        .route("/api/stories/{id}/speakers", get(story_speakers))
        .route("/api/stories/{id}/quotes", get(story_quotes))
        .route("/api/stories/{id}/entities", get(story_entities))
        .route("/api/stories/{id}/sources", get(story_sources))
        .route("/api/stories/{id}/articles", get(story_articles))
        .route("/api/articles", get(articles))
        .route("/api/articles/{id}", get(article))
        .route("/api/quotes", get(quotes))
        .route("/api/entities", get(entities))
        .route("/api/search", get(search))
        .route("/api/status", get(status))
}

/// Query parameters, parsed by hand so that every mistake gets a message.
pub(crate) struct Params(pub HashMap<String, String>);

impl Params {
    pub(crate) fn text(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
    }

    pub(crate) fn date(&self, key: &str) -> Result<Option<NaiveDate>, ApiError> {
        self.text(key)
            .map(|v| {
                NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| {
                    ApiError::bad_request(format!("{key}: {v:?} is not a date (YYYY-MM-DD)"))
                })
            })
            .transpose()
    }

    pub(crate) fn number(&self, key: &str, default: usize, max: usize) -> Result<usize, ApiError> {
        match self.text(key) {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n <= max => Ok(n),
                _ => Err(ApiError::bad_request(format!(
                    "{key}: {v:?} is not a number from 0 to {max}"
                ))),
            },
        }
    }

    pub(crate) fn story(&self) -> Result<Option<StoryId>, ApiError> {
        self.text("story")
            .map(|v| {
                StoryId::parse(v).ok_or_else(|| {
                    ApiError::bad_request(format!("story: {v:?} is not a story id (s12)"))
                })
            })
            .transpose()
    }

    pub(crate) fn page(&self) -> Result<(usize, usize), ApiError> {
        Ok((self.number("offset", 0, usize::MAX >> 1)?, self.number("limit", 20, 100)?))
    }
}

/// A page of a list.
#[derive(Serialize)]
pub(crate) struct Page<T: Serialize> {
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    #[serde(flatten)]
    pub items: T,
}

/// How stories are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sort {
    Newest,
    Oldest,
    Largest,
}

/// The filters of the story list (API and home page).
pub(crate) struct StoryFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub entity: Option<String>,
    pub outlet: Option<String>,
    pub q: Option<String>,
    pub sort: Sort,
    pub offset: usize,
    pub limit: usize,
}

impl StoryFilter {
    pub(crate) fn parse(p: &Params) -> Result<StoryFilter, ApiError> {
        let sort = match p.text("sort") {
            None | Some("newest") => Sort::Newest,
            Some("oldest") => Sort::Oldest,
            Some("largest") => Sort::Largest,
            Some(other) => {
                return Err(ApiError::bad_request(format!(
                    "sort: {other:?} is not one of newest, oldest, largest"
                )))
            }
        };
        let (offset, limit) = p.page()?;
        Ok(StoryFilter {
            from: p.date("from")?,
            to: p.date("to")?,
            entity: p.text("entity").map(str::to_lowercase),
            outlet: p.text("outlet").map(str::to_lowercase),
            q: p.text("q").map(str::to_string),
            sort,
            offset,
            limit,
        })
    }
}

/// The stories that pass `filter`, sorted, and their total. The page's
/// cards are borrowed: a card holds every entity name and article id of
/// its story (for these filters), and cloning them was most of the cost
/// of a list.
pub(crate) fn filter_stories<'g>(
    generation: &'g Generation,
    filter: &StoryFilter,
) -> Result<(usize, Vec<&'g StoryCard>), ApiError> {
    let matching: Option<HashSet<ArticleId>> = filter
        .q
        .as_ref()
        .map(|q| generation.search_index().matching_ids(&generation.snapshot.articles, q));
    let mut cards: Vec<&StoryCard> = generation
        .cards()
        .iter()
        .filter(|c| filter.from.is_none_or(|from| c.last.is_some_and(|l| l >= from)))
        .filter(|c| filter.to.is_none_or(|to| c.first.is_some_and(|f| f <= to)))
        .filter(|c| {
            filter
                .entity
                .as_ref()
                .is_none_or(|e| c.entity_names.iter().any(|n| n.contains(e.as_str())))
        })
        .filter(|c| {
            filter
                .outlet
                .as_ref()
                .is_none_or(|o| c.outlets.iter().any(|n| n.to_lowercase().contains(o.as_str())))
        })
        .filter(|c| matching.as_ref().is_none_or(|m| c.article_ids.iter().any(|a| m.contains(a))))
        .collect();
    let story_number = |c: &StoryCard| StoryId::parse(&c.id).map_or(0, |s| s.0);
    match filter.sort {
        Sort::Newest => {
            cards.sort_by_key(|c| (c.last.is_none(), std::cmp::Reverse(c.last), story_number(c)))
        }
        Sort::Oldest => cards.sort_by_key(|c| (c.first.is_none(), c.first, story_number(c))),
        Sort::Largest => cards.sort_by_key(|c| (std::cmp::Reverse(c.n_articles), story_number(c))),
    }
    let total = cards.len();
    Ok((total, cards.into_iter().skip(filter.offset).take(filter.limit).collect()))
}

#[derive(Serialize)]
struct Stories<'a> {
    stories: Vec<&'a StoryCard>,
}

async fn stories(
    AxumState(state): Shared,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let filter = StoryFilter::parse(&Params(q))?;
    if let Some(answer) = state.generation().cached(&key(&uri)) {
        return Ok(answer.into_response());
    }
    blocking(move || {
        let generation = state.generation();
        let answer = generation.rendered(&key(&uri), || {
            let (total, stories) = filter_stories(&generation, &filter)?;
            json(&Page {
                total,
                offset: filter.offset,
                limit: filter.limit,
                items: Stories { stories },
            })
        })?;
        Ok(answer.into_response())
    })
    .await
}

pub(crate) fn parse_story_id(id: &str) -> Result<StoryId, ApiError> {
    StoryId::parse(id)
        .ok_or_else(|| ApiError::bad_request(format!("{id:?} is not a story id (s12)")))
}

pub(crate) fn parse_article_id(id: &str) -> Result<ArticleId, ApiError> {
    ArticleId::parse(id).ok_or_else(|| {
        ApiError::bad_request(format!("{id:?} is not an article id (16 hex digits)"))
    })
}

/// One story's page from the cache (computing it the first time).
pub(crate) fn story_page(state: &Arc<State>, id: &str) -> Result<Arc<StoryPage>, ApiError> {
    page_of(&state.generation(), parse_story_id(id)?)
}

/// A story's page in `generation`, or a 404 naming the story.
fn page_of(generation: &Generation, id: StoryId) -> Result<Arc<StoryPage>, ApiError> {
    generation.page(id).ok_or_else(|| ApiError::not_found(format!("no story {id}")))
}

/// How much of each long list `/api/stories/{id}` holds; the rest is paged
/// under `/api/stories/{id}/…`.
pub(crate) const DOC_SPEAKERS: usize = 20;
/// Quotes shown per speaker in the story document.
pub(crate) const DOC_QUOTES: usize = 5;
/// Entities in the story document.
pub(crate) const DOC_ENTITIES: usize = 50;
/// Copy groups in the story document.
pub(crate) const DOC_SOURCES: usize = 50;

/// A speaker of a story with their first quotes.
#[derive(Serialize)]
pub(crate) struct SpeakerBrief<'a> {
    speaker: Option<&'a str>,
    entity: Option<usize>,
    anonymous: bool,
    /// All of the speaker's quotes in the story.
    n_quotes: usize,
    /// Reports of those quotes.
    n_reports: usize,
    quotes: &'a [QuoteView],
}

impl<'a> SpeakerBrief<'a> {
    fn new(g: &'a SpeakerQuotes, n: usize) -> SpeakerBrief<'a> {
        SpeakerBrief {
            speaker: g.speaker.as_deref(),
            entity: g.entity,
            anonymous: g.anonymous,
            n_quotes: g.quotes.len(),
            n_reports: g.quotes.iter().map(|q| q.n_reports).sum(),
            quotes: &g.quotes[..g.quotes.len().min(n)],
        }
    }
}

/// How much of a long list a story document holds, and where the rest is.
#[derive(Serialize)]
pub(crate) struct More {
    total: usize,
    shown: usize,
    /// The paged list (every item, `offset` and `limit` as in any list).
    href: String,
}

#[derive(Serialize)]
struct MoreLists {
    speakers: More,
    quotes: More,
    entities: More,
    sources: More,
    articles: More,
}

/// What `/api/stories/{id}` answers: the story with its first speakers,
/// entities and copy groups; `more` says how many there are in all.
#[derive(Serialize)]
struct StoryDoc<'a> {
    #[serde(flatten)]
    card: &'a StoryCard,
    events: &'a [EventView],
    summary: &'a [CitedSentence],
    timeline: &'a Timeline,
    speakers: Vec<SpeakerBrief<'a>>,
    entities: &'a [EntityView],
    sources: &'a [SourceGroup],
    more: MoreLists,
}

impl<'a> StoryDoc<'a> {
    fn new(s: &'a StoryPage) -> StoryDoc<'a> {
        let id = &s.card.id;
        let more = |list: &str, total: usize, shown: usize| More {
            total,
            shown,
            href: format!("/api/stories/{id}/{list}"),
        };
        let speakers: Vec<SpeakerBrief> = s
            .speakers
            .iter()
            .take(DOC_SPEAKERS)
            .map(|g| SpeakerBrief::new(g, DOC_QUOTES))
            .collect();
        let n_quotes = s.speakers.iter().map(|g| g.quotes.len()).sum();
        let shown_quotes = speakers.iter().map(|g| g.quotes.len()).sum();
        let entities = &s.entities[..s.entities.len().min(DOC_ENTITIES)];
        let sources = &s.sources[..s.sources.len().min(DOC_SOURCES)];
        let shown_articles = sources.iter().map(|g| g.articles.len()).sum();
        StoryDoc {
            card: &s.card,
            events: &s.events,
            summary: &s.summary,
            timeline: &s.timeline,
            more: MoreLists {
                speakers: more("speakers", s.speakers.len(), speakers.len()),
                quotes: more("quotes", n_quotes, shown_quotes),
                entities: more("entities", s.entities.len(), entities.len()),
                sources: more("sources", s.sources.len(), sources.len()),
                articles: more("articles", s.card.n_articles, shown_articles),
            },
            speakers,
            entities,
            sources,
        }
    }
}

async fn story(
    AxumState(state): Shared,
    uri: Uri,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    blocking(move || {
        let generation = state.generation();
        let answer = generation.rendered(&key(&uri), || story_json(&state, &id))?;
        Ok(answer.into_response())
    })
    .await
}

/// The story document as JSON (also rendered ahead by the warm-up).
pub(crate) fn story_json(state: &Arc<State>, id: &str) -> Result<Rendered, ApiError> {
    json(&StoryDoc::new(&*story_page(state, id)?))
}

#[derive(Serialize)]
struct SpeakerItem<'a> {
    speaker: Option<&'a str>,
    entity: Option<usize>,
    anonymous: bool,
    n_quotes: usize,
    n_reports: usize,
}

#[derive(Serialize)]
struct Speakers<'a> {
    speakers: Vec<SpeakerItem<'a>>,
}

/// `/api/stories/{id}/speakers`: who speaks in the story, most reported
/// first (their quotes: `/api/stories/{id}/quotes?speaker=`).
async fn story_speakers(
    AxumState(state): Shared,
    uri: Uri,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let (offset, limit) = Params(q).page()?;
    blocking(move || {
        let generation = state.generation();
        let answer = generation.rendered(&key(&uri), || {
            let s = story_page(&state, &id)?;
            let speakers = s
                .speakers
                .iter()
                .skip(offset)
                .take(limit)
                .map(|g| {
                    let b = SpeakerBrief::new(g, 0);
                    SpeakerItem {
                        speaker: b.speaker,
                        entity: b.entity,
                        anonymous: b.anonymous,
                        n_quotes: b.n_quotes,
                        n_reports: b.n_reports,
                    }
                })
                .collect();
            json(&Page { total: s.speakers.len(), offset, limit, items: Speakers { speakers } })
        })?;
        Ok(answer.into_response())
    })
    .await
}

#[derive(Serialize)]
struct Sources<'a> {
    sources: &'a [SourceGroup],
}

/// `/api/stories/{id}/sources`: the story's copy groups, by date.
async fn story_sources(
    AxumState(state): Shared,
    uri: Uri,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let (offset, limit) = Params(q).page()?;
    blocking(move || {
        let generation = state.generation();
        let answer = generation.rendered(&key(&uri), || {
            let s = story_page(&state, &id)?;
            let total = s.sources.len();
            let sources = &s.sources[offset.min(total)..(offset.saturating_add(limit)).min(total)];
            json(&Page { total, offset, limit, items: Sources { sources } })
        })?;
        Ok(answer.into_response())
    })
    .await
}

/// The story's id as the `story` filter of a list, checked first so that
/// an unknown story is a 404 like the story itself.
fn with_story(
    state: &Arc<State>,
    id: &str,
    mut q: HashMap<String, String>,
) -> Result<Params, ApiError> {
    story_page(state, id)?;
    q.insert("story".into(), id.to_string());
    Ok(Params(q))
}

/// A list of the whole store narrowed to one story: `answer` is the list's
/// handler body, given the query with `story={id}` added.
async fn story_list<F, Fut>(
    state: Arc<State>,
    id: String,
    q: HashMap<String, String>,
    answer: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(Arc<State>, Params) -> Fut,
    Fut: std::future::Future<Output = Result<Response, ApiError>>,
{
    let p = blocking({
        let state = state.clone();
        move || with_story(&state, &id, q)
    })
    .await?;
    answer(state, p).await
}

/// `/api/stories/{id}/quotes`: as `/api/quotes?story={id}`.
async fn story_quotes(
    AxumState(state): Shared,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    story_list(state, id, q, quotes_answer).await
}

/// `/api/stories/{id}/entities`: as `/api/entities?story={id}`.
async fn story_entities(
    AxumState(state): Shared,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    story_list(state, id, q, entities_answer).await
}

/// `/api/stories/{id}/articles`: as `/api/articles?story={id}`.
async fn story_articles(
    AxumState(state): Shared,
    Path(id): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    story_list(state, id, q, articles_answer).await
}

/// An article in a list.
#[derive(Serialize)]
struct ArticleItem<'a> {
    id: String,
    title: Option<&'a str>,
    outlet: Option<&'a str>,
    published: Option<NaiveDate>,
    url: Option<&'a str>,
    story: Option<String>,
    event: Option<String>,
    duplicate_of: Option<String>,
}

#[derive(Serialize)]
struct Articles<'a> {
    articles: Vec<ArticleItem<'a>>,
}

async fn articles(
    AxumState(state): Shared,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    articles_answer(state, Params(q)).await
}

async fn articles_answer(state: Arc<State>, p: Params) -> Result<Response, ApiError> {
    let (from, to, story, (offset, limit)) =
        (p.date("from")?, p.date("to")?, p.story()?, p.page()?);
    let outlet = p.text("outlet").map(str::to_lowercase);
    let text = p.text("q").map(str::to_string);
    blocking(move || {
        let generation = state.generation();
        let snap = &generation.snapshot;
        let clusters = snap.clusters.as_ref();
        let story = story.map(|s| clusters.map(|c| c.resolve_story(s)));
        let matching: Option<HashSet<ArticleId>> =
            text.map(|text| generation.search_index().matching_ids(&snap.articles, &text));
        let copy_of: HashMap<ArticleId, ArticleId> =
            snap.duplicates.iter().map(|(id, d)| (*id, d.duplicate_of)).collect();
        let mut list: Vec<_> = snap
            .articles
            .iter()
            .filter(|a| from.is_none_or(|f| a.published.is_some_and(|d| d >= f)))
            .filter(|a| to.is_none_or(|t| a.published.is_some_and(|d| d <= t)))
            .filter(|a| {
                outlet.as_ref().is_none_or(|o| {
                    a.outlet.as_ref().is_some_and(|x| x.to_lowercase().contains(o.as_str()))
                })
            })
            .filter(|a| story.is_none_or(|s| s == clusters.and_then(|c| c.story_of(a.id))))
            .filter(|a| matching.as_ref().is_none_or(|m| m.contains(&a.id)))
            .collect();
        // Newest first, undated last, then arrival order.
        list.sort_by_key(|a| (a.published.is_none(), std::cmp::Reverse(a.published)));
        let total = list.len();
        let items = list
            .into_iter()
            .skip(offset)
            .take(limit)
            .map(|a| {
                let place = clusters.and_then(|c| c.assignment_of(a.id));
                ArticleItem {
                    id: a.id.to_string(),
                    title: a.title.as_deref(),
                    outlet: a.outlet.as_deref(),
                    published: a.published,
                    url: a.url.as_deref(),
                    story: place.map(|p| p.story.to_string()),
                    event: place.map(|p| p.event.to_string()),
                    duplicate_of: copy_of.get(&a.id).map(|d| d.to_string()),
                }
            })
            .collect();
        Ok(Json(Page { total, offset, limit, items: Articles { articles: items } }).into_response())
    })
    .await
}

async fn article(AxumState(state): Shared, Path(id): Path<String>) -> Result<Response, ApiError> {
    let aid = parse_article_id(&id)?;
    blocking(move || {
        let generation = state.generation();
        let page = generation
            .snapshot
            .article_page(aid)
            .ok_or_else(|| ApiError::not_found(format!("no article {id}")))?;
        Ok(Json(page).into_response())
    })
    .await
}

/// A quote in a list: its speaker with the quote.
#[derive(Serialize)]
pub(crate) struct QuoteItem<'a> {
    pub speaker: Option<&'a str>,
    pub anonymous: bool,
    #[serde(flatten)]
    pub quote: &'a QuoteView,
}

#[derive(Serialize)]
struct Quotes<'a> {
    quotes: Vec<QuoteItem<'a>>,
}

/// The quotes of `groups` whose speaker's name contains `speaker`
/// (lowercase) and of `kind`, in group order: their number and the page
/// `offset..offset + limit`.
pub(crate) fn quote_items<'a>(
    groups: &'a [SpeakerQuotes],
    speaker: Option<&str>,
    kind: Option<storyline::extract::QuoteKind>,
    offset: usize,
    limit: usize,
) -> (usize, Vec<QuoteItem<'a>>) {
    let mut total = 0;
    let mut items = Vec::new();
    let groups = groups.iter().filter(|g| {
        speaker.is_none_or(|w| g.speaker.as_ref().is_some_and(|s| s.to_lowercase().contains(w)))
    });
    for g in groups {
        for quote in g.quotes.iter().filter(|q| kind.is_none_or(|k| q.kind == k)) {
            if total >= offset && items.len() < limit {
                items.push(QuoteItem {
                    speaker: g.speaker.as_deref(),
                    anonymous: g.anonymous,
                    quote,
                });
            }
            total += 1;
        }
    }
    (total, items)
}

/// The `kind` parameter of a quote list.
pub(crate) fn quote_kind(p: &Params) -> Result<Option<storyline::extract::QuoteKind>, ApiError> {
    match p.text("kind") {
        None => Ok(None),
        Some("direct") => Ok(Some(storyline::extract::QuoteKind::Direct)),
        Some("indirect") => Ok(Some(storyline::extract::QuoteKind::Indirect)),
        Some(other) => {
            Err(ApiError::bad_request(format!("kind: {other:?} is not direct or indirect")))
        }
    }
}

async fn quotes(
    AxumState(state): Shared,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    quotes_answer(state, Params(q)).await
}

async fn quotes_answer(state: Arc<State>, p: Params) -> Result<Response, ApiError> {
    let (story, (offset, limit)) = (p.story()?, p.page()?);
    let speaker = p.text("speaker").map(str::to_lowercase);
    let kind = quote_kind(&p)?;
    blocking(move || {
        let generation = state.generation();
        let page;
        let groups = match story {
            Some(id) => {
                page = page_of(&generation, id)?;
                &page.speakers
            }
            None => generation.speakers(),
        };
        let (total, quotes) = quote_items(groups, speaker.as_deref(), kind, offset, limit);
        Ok(Json(Page { total, offset, limit, items: Quotes { quotes } }).into_response())
    })
    .await
}

#[derive(Serialize)]
struct Entities<'a> {
    entities: Vec<&'a EntityView>,
}

async fn entities(
    AxumState(state): Shared,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    entities_answer(state, Params(q)).await
}

async fn entities_answer(state: Arc<State>, p: Params) -> Result<Response, ApiError> {
    let (story, (offset, limit)) = (p.story()?, p.page()?);
    let name = p.text("q").map(str::to_lowercase);
    let kind = p.text("kind").map(str::to_string);
    if let Some(k) = &kind {
        if !["person", "organization", "place"].contains(&k.as_str()) {
            return Err(ApiError::bad_request(format!(
                "kind: {k:?} is not person, organization or place"
            )));
        }
    }
    blocking(move || {
        let generation = state.generation();
        let page;
        let all = match story {
            Some(id) => {
                page = page_of(&generation, id)?;
                &page.entities
            }
            None => generation.entities(),
        };
        let list: Vec<&EntityView> = all
            .iter()
            .filter(|e| kind.as_ref().is_none_or(|k| e.kind.name() == k))
            .filter(|e| {
                name.as_ref().is_none_or(|n| {
                    e.name.to_lowercase().contains(n.as_str())
                        || e.aliases.iter().any(|a| a.to_lowercase().contains(n.as_str()))
                })
            })
            .collect();
        let total = list.len();
        let entities = list.into_iter().skip(offset).take(limit).collect();
        Ok(Json(Page { total, offset, limit, items: Entities { entities } }).into_response())
    })
    .await
}

/// A search hit with its story.
#[derive(Serialize)]
pub(crate) struct HitItem {
    #[serde(flatten)]
    pub hit: Hit,
    pub story: Option<String>,
}

/// What `/api/search` answers.
#[derive(Serialize)]
pub(crate) struct SearchResult {
    pub query: String,
    pub total: usize,
    pub offset: usize,
    pub limit: usize,
    pub hits: Vec<HitItem>,
    pub quotes: Vec<storyline::views::QuoteHit>,
}

/// Runs a search with the API's filters (shared with the search page).
pub(crate) fn run_search(state: &Arc<State>, p: &Params) -> Result<SearchResult, ApiError> {
    let text = p.text("q").unwrap_or("").to_string();
    let (offset, limit) = p.page()?;
    let generation = state.generation();
    let snap = &generation.snapshot;
    let mut only: Option<HashSet<ArticleId>> = None;
    if let Some(id) = p.story()? {
        let page = page_of(&generation, id)?;
        only = Some(page.card.article_ids.iter().copied().collect());
    }
    if let Some(entity) = p.text("entity").map(str::to_lowercase) {
        let ids: HashSet<ArticleId> = generation
            .merged()
            .entities
            .iter()
            .filter(|e| {
                e.name.to_lowercase().contains(&entity)
                    || e.aliases.iter().any(|a| a.to_lowercase().contains(&entity))
            })
            .flat_map(|e| e.mentions.iter().map(|m| m.article))
            .collect();
        only = Some(match only {
            Some(o) => o.intersection(&ids).copied().collect(),
            None => ids,
        });
    }
    let query = SearchQuery {
        text: text.clone(),
        from: p.date("from")?,
        to: p.date("to")?,
        outlet: p.text("outlet").map(str::to_string),
        only: only.clone(),
        offset,
        limit,
    };
    let page = generation.search_index().search(&snap.articles, &query);
    let clusters = snap.clusters.as_ref();
    let quotes = storyline::views::quote_hits(
        generation.merged(),
        generation.quote_index(),
        &text,
        only.as_ref(),
        (query.from, query.to),
        10,
    );
    Ok(SearchResult {
        query: text,
        total: page.total,
        offset,
        limit,
        hits: page
            .hits
            .into_iter()
            .map(|hit| HitItem {
                story: clusters.and_then(|c| c.story_of(hit.id)).map(|s| s.to_string()),
                hit,
            })
            .collect(),
        quotes: quotes
            .into_iter()
            .map(|mut q| {
                q.story = q
                    .sources
                    .first()
                    .and_then(|a| ArticleId::parse(a))
                    .and_then(|a| clusters.and_then(|c| c.story_of(a)))
                    .map(|s| s.to_string());
                q
            })
            .collect(),
    })
}

async fn search(
    AxumState(state): Shared,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let p = Params(q);
    if p.text("q").is_none() {
        return Err(ApiError::bad_request("q: a search needs some words"));
    }
    if let Some(answer) = state.generation().cached(&key(&uri)) {
        return Ok(answer.into_response());
    }
    blocking(move || {
        let generation = state.generation();
        let answer = generation.rendered(&key(&uri), || json(&run_search(&state, &p)?))?;
        Ok(answer.into_response())
    })
    .await
}

#[derive(Serialize)]
struct Status {
    articles: usize,
    stories: usize,
    warm: bool,
    generations: u64,
    ingest: bool,
    /// Answers of this generation sent from the cache and rendered.
    cache_hits: u64,
    cache_misses: u64,
}

async fn status(AxumState(state): Shared) -> Result<Response, ApiError> {
    blocking(move || {
        let generation = state.generation();
        Ok(Json(Status {
            articles: generation.snapshot.articles.len(),
            stories: generation.snapshot.story_ids().len(),
            warm: generation.warm.load(std::sync::atomic::Ordering::Acquire),
            generations: state.loads.load(std::sync::atomic::Ordering::Relaxed),
            ingest: state.writer().is_some(),
            cache_hits: generation.cache_counts().0,
            cache_misses: generation.cache_counts().1,
        })
        .into_response())
    })
    .await
}

/// Under `/api`, every error is JSON `{status, message}`: the router's own
/// answers (unknown path, wrong method, a query string that does not
/// parse) are rewritten here.
pub(crate) async fn json_errors(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api");
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if !api || is_json || !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let body = axum::body::to_bytes(response.into_body(), 64 << 10).await.unwrap_or_default();
    let text = String::from_utf8_lossy(&body);
    let message = match (status, text.trim()) {
        (StatusCode::NOT_FOUND, _) => "no such endpoint (see /openapi.json)".to_string(),
        (StatusCode::METHOD_NOT_ALLOWED, _) => "method not allowed on this endpoint".to_string(),
        (_, "") => status.canonical_reason().unwrap_or("error").to_lowercase(),
        (_, t) => lowercase_first(t),
    };
    ApiError::new(status, message).into_response()
}

fn lowercase_first(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_lowercase().chain(c).collect()).unwrap_or_default()
}

/// The marked text of a search snippet, split for rendering.
pub(crate) fn pieces(m: &Marked) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    let mut at = 0;
    for r in &m.marks {
        if r.start > at {
            out.push((m.text[at..r.start].to_string(), false));
        }
        out.push((m.text[r.clone()].to_string(), true));
        at = r.end;
    }
    if at < m.text.len() {
        out.push((m.text[at..].to_string(), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use storyline::extract::{EntityKind, QuoteKind};
    use storyline::views::{SourceRef, StoryCard};

    /// A story larger than the document holds: 30 speakers of 8 quotes,
    /// 60 entities, 70 single-article source groups.
    fn big_page() -> StoryPage {
        let quote = |id| QuoteView {
            id,
            text: format!("words {id}"),
            kind: QuoteKind::Direct,
            cue: None,
            n_reports: 1,
            first_seen: None,
            sources: vec![],
        };
        let source = |i: usize| SourceGroup {
            original_outlet: None,
            articles: vec![SourceRef {
                id: format!("{i:016x}"),
                title: None,
                outlet: None,
                published: None,
                url: None,
                original: false,
                relation: None,
                similarity: None,
            }],
        };
        StoryPage {
            card: StoryCard {
                id: "s7".into(),
                title: None,
                first: None,
                last: None,
                n_articles: 70,
                n_outlets: 0,
                n_events: 0,
                outlets: vec![],
                top_entities: vec![],
                entity_names: vec![],
                article_ids: vec![],
            },
            events: vec![],
            summary: vec![],
            timeline: Default::default(),
            speakers: (0..30)
                .map(|s| SpeakerQuotes {
                    speaker: Some(format!("Speaker {s}")),
                    entity: None,
                    anonymous: false,
                    quotes: (0..8).map(|q| quote(s * 8 + q)).collect(),
                })
                .collect(),
            entities: (0..60)
                .map(|i| EntityView {
                    id: i,
                    name: format!("Name {i}"),
                    kind: EntityKind::Person,
                    aliases: vec![],
                    roles: vec![],
                    n_mentions: 1,
                    n_articles: 1,
                })
                .collect(),
            sources: (0..70).map(source).collect(),
        }
    }

    #[test]
    fn the_story_document_holds_the_head_of_each_list_and_says_where_the_rest_is() {
        let page = big_page();
        let doc = serde_json::to_value(StoryDoc::new(&page)).unwrap();
        assert_eq!(doc["speakers"].as_array().unwrap().len(), DOC_SPEAKERS);
        assert_eq!(doc["speakers"][0]["quotes"].as_array().unwrap().len(), DOC_QUOTES);
        assert_eq!(doc["speakers"][0]["n_quotes"], 8);
        assert_eq!(doc["entities"].as_array().unwrap().len(), DOC_ENTITIES);
        assert_eq!(doc["sources"].as_array().unwrap().len(), DOC_SOURCES);
        let more = &doc["more"];
        assert_eq!(
            (more["speakers"]["total"].as_u64(), more["speakers"]["shown"].as_u64()),
            (Some(30), Some(20))
        );
        assert_eq!(
            (more["quotes"]["total"].as_u64(), more["quotes"]["shown"].as_u64()),
            (Some(240), Some(100))
        );
        assert_eq!(
            (more["sources"]["total"].as_u64(), more["sources"]["shown"].as_u64()),
            (Some(70), Some(50))
        );
        assert_eq!(
            (more["articles"]["total"].as_u64(), more["articles"]["shown"].as_u64()),
            (Some(70), Some(50))
        );
        assert_eq!(more["entities"]["href"], "/api/stories/s7/entities");
    }

    #[test]
    fn quote_items_page_through_every_quote_in_speaker_order() {
        let page = big_page();
        let (total, items) = quote_items(&page.speakers, None, None, 6, 4);
        assert_eq!(total, 240);
        let ids: Vec<usize> = items.iter().map(|q| q.quote.id).collect();
        assert_eq!(ids, [6, 7, 8, 9]);
        assert_eq!(items[2].speaker, Some("Speaker 1"));
        let (total, items) = quote_items(&page.speakers, Some("speaker 2"), None, 0, 100);
        // "Speaker 2" and "Speaker 20".."Speaker 29".
        assert_eq!((total, items.len()), (88, 88));
        assert_eq!(quote_items(&page.speakers, None, Some(QuoteKind::Indirect), 0, 10).0, 0);
    }
}
