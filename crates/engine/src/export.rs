//! The JSON shape of the store, shared by `storyline export`, the listings'
//! `--json` and the HTTP API. Documented in `docs/json.md`.
//!
//! Input: stored records, as a [`Snapshot`]. Output: serde-serialisable
//! views of them.
//! Method: borrowed views, so exporting does not copy article texts;
//! stories (events, summary, timeline), quotes and entities are built by
//! [`crate::views`], the one way a story is built for the CLI, the API
//! and the pages.

use serde::Serialize;

use std::collections::HashMap;

use crate::cluster::{ClusterState, StoryView};
use crate::dedupe::Duplicate;
use crate::extract::merge::{CanonicalEntity, MergedQuote};
use crate::model::{Article, ArticleId, Diagnostic};
use crate::store::SCHEMA_VERSION;
use crate::summarize::CitedSentence;
use crate::timeline::Timeline;
use crate::views::{event_views, EventView, Snapshot};

/// Where an article came from, as in JSON.
#[derive(Debug, Serialize)]
pub struct InputJson<'a> {
    /// The path or URL.
    pub path: &'a str,
    /// The 1-based record number inside the file, if it holds several.
    pub record: Option<u64>,
}

/// One article, as in JSON.
#[derive(Debug, Serialize)]
pub struct ArticleJson<'a> {
    /// 16 hex digits: the hash of the clean text.
    pub id: String,
    /// Where it came from.
    pub input: InputJson<'a>,
    /// The reader that read it.
    pub format: &'static str,
    /// The headline.
    pub title: Option<&'a str>,
    /// The outlet of this copy.
    pub outlet: Option<&'a str>,
    /// The outlet that first published it.
    pub original_outlet: Option<&'a str>,
    /// The byline.
    pub author: Option<&'a str>,
    /// `YYYY-MM-DD` or null.
    pub published: Option<String>,
    /// Where `published` came from: field, dateline, path, url, user,
    /// json-ld, og, meta, time.
    pub published_source: Option<&'static str>,
    /// The last-modified date a page declares, `YYYY-MM-DD` or null.
    pub modified: Option<String>,
    /// When a crawler fetched the page (WARC-Date), `YYYY-MM-DD` or null.
    pub fetched: Option<String>,
    /// ISO 639-3 code.
    pub language: Option<&'a str>,
    /// The URL.
    pub url: Option<&'a str>,
    /// The clean text.
    pub text: &'a str,
    /// Problems found with this article's input.
    pub diagnostics: &'a [Diagnostic],
    /// The canonical article of its copy group, when this is a copy.
    pub duplicate_of: Option<String>,
    /// How it copies it: exact, near, contained.
    pub relation: Option<&'static str>,
    /// The similarity behind the relation (0..1, three decimals).
    pub similarity: Option<f64>,
    /// The story id (`s12`), or null before clustering.
    pub story: Option<String>,
    /// The event id (`e34`), or null before clustering.
    pub event: Option<String>,
    /// The raw input text, with `--raw`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub raw: Option<&'a str>,
    /// `[clean_start, raw_start]` runs mapping text offsets to raw offsets, with `--raw`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offsets: Option<&'a [(u32, u32)]>,
}

impl<'a> ArticleJson<'a> {
    /// A view of `a`; `with_raw` adds the raw text and the offset map.
    pub fn new(a: &'a Article, with_raw: bool) -> ArticleJson<'a> {
        ArticleJson {
            id: a.id.to_string(),
            input: InputJson { path: &a.origin.path, record: a.origin.record },
            format: a.format.name(),
            title: a.title.as_deref(),
            outlet: a.outlet.as_deref(),
            original_outlet: a.original_outlet.as_deref(),
            author: a.author.as_deref(),
            published: a.published.map(|d| d.to_string()),
            published_source: a.published_source.map(|s| s.name()),
            modified: a.modified.map(|d| d.to_string()),
            fetched: a.fetched.map(|d| d.to_string()),
            language: a.language.as_deref(),
            url: a.url.as_deref(),
            text: &a.text,
            diagnostics: &a.diagnostics,
            duplicate_of: None,
            relation: None,
            similarity: None,
            story: None,
            event: None,
            raw: with_raw.then_some(a.raw.as_str()),
            offsets: with_raw.then_some(a.offsets.runs.as_slice()),
        }
    }
}

impl ArticleJson<'_> {
    /// Adds the copy fields from [`crate::store::Store::duplicates`].
    pub fn with_duplicate(mut self, duplicate: Option<&crate::dedupe::Duplicate>) -> Self {
        if let Some(d) = duplicate {
            self.duplicate_of = Some(d.duplicate_of.to_string());
            self.relation = Some(d.relation.name());
            self.similarity = Some((f64::from(d.similarity) * 1000.0).round() / 1000.0);
        }
        self
    }

    /// Fills in `story` and `event` from the clustering state.
    pub fn place(mut self, clusters: Option<&ClusterState>, id: ArticleId) -> Self {
        if let Some(a) = clusters.and_then(|c| c.assignment_of(id)) {
            self.story = Some(a.story.to_string());
            self.event = Some(a.event.to_string());
        }
        self
    }
}

/// One story, as in JSON.
#[derive(Debug, Serialize)]
pub struct StoryJson<'a> {
    /// `s12`.
    pub id: String,
    /// The headline of its largest event.
    pub title: Option<&'a str>,
    /// `YYYY-MM-DD` of its earliest article, or null.
    pub first: Option<String>,
    /// `YYYY-MM-DD` of its latest article, or null.
    pub last: Option<String>,
    /// Number of articles.
    pub n_articles: usize,
    /// Its events, by first date (undated last).
    pub events: Vec<EventView>,
    /// Its 3–5 sentence summary, when computed ([`StoryJson::narrated`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<Vec<CitedSentence>>,
    /// Its timeline, when computed ([`StoryJson::narrated`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
}

impl<'a> StoryJson<'a> {
    /// A view of `s`: its events, as the story pages list them.
    pub fn new(s: &StoryView<'a>) -> StoryJson<'a> {
        StoryJson {
            id: s.id.to_string(),
            title: s.title,
            first: s.first.map(|d| d.to_string()),
            last: s.last.map(|d| d.to_string()),
            n_articles: s.n_articles,
            events: event_views(s),
            summary: None,
            timeline: None,
        }
    }

    /// A view of `s` with its summary and timeline, built by `snapshot`
    /// as for the story's page.
    pub fn narrated(s: &StoryView<'a>, snapshot: &Snapshot) -> StoryJson<'a> {
        let (summary, timeline) = snapshot.narrative(s);
        StoryJson { summary: Some(summary), timeline: Some(timeline), ..StoryJson::new(s) }
    }
}

/// The whole store as one document.
#[derive(Debug, Serialize)]
pub struct ExportJson<'a> {
    /// The store's schema version.
    pub schema_version: i64,
    /// Every article, in arrival order.
    pub articles: Vec<ArticleJson<'a>>,
    /// Diagnostics of inputs that produced no article.
    pub diagnostics: &'a [Diagnostic],
    /// Every story with its events, largest first.
    pub stories: Vec<StoryJson<'a>>,
    /// Quotes across articles, with their speakers and sources.
    pub quotes: Vec<MergedQuote>,
    /// People, organizations and places across articles.
    pub entities: Vec<CanonicalEntity>,
    /// Paragraphs reused word for word by articles of different copy
    /// groups (wire paragraphs): summaries, timelines and quote merging
    /// count each once.
    pub shared_passages: Vec<SharedPassageJson>,
}

/// A shared passage, as in JSON.
#[derive(Debug, Serialize)]
pub struct SharedPassageJson {
    /// 16 hex digits: the hash of the paragraph's normalised words.
    pub id: String,
    /// Its length in words.
    pub words: u32,
    /// Where it occurs, by article id.
    pub occurrences: Vec<PassageOccurrenceJson>,
}

/// One occurrence of a shared passage.
#[derive(Debug, Serialize)]
pub struct PassageOccurrenceJson {
    /// The article id.
    pub article: String,
    /// The 0-based paragraph number in the article's clean text (paragraphs
    /// are separated by blank lines, or lines when the text has none).
    pub paragraph: u32,
}

impl From<&crate::dedupe::SharedPassage> for SharedPassageJson {
    fn from(p: &crate::dedupe::SharedPassage) -> SharedPassageJson {
        SharedPassageJson {
            id: format!("{:016x}", p.hash),
            words: p.n_words,
            occurrences: p
                .occurrences
                .iter()
                .map(|(a, n)| PassageOccurrenceJson { article: a.to_string(), paragraph: *n })
                .collect(),
        }
    }
}

impl<'a> ExportJson<'a> {
    /// A view of the store's contents as `snapshot` holds them (built
    /// from the store with [`Snapshot::load`]), with the store's
    /// `diagnostics`; stories, quotes and entities come from the same
    /// views as the story pages.
    pub fn new(
        snapshot: &'a Snapshot,
        diagnostics: &'a [Diagnostic],
        with_raw: bool,
    ) -> ExportJson<'a> {
        let by_id: HashMap<ArticleId, &Duplicate> =
            snapshot.duplicates.iter().map(|(id, d)| (*id, d)).collect();
        let clusters = snapshot.clusters.as_ref();
        let merged = snapshot.merged_all();
        ExportJson {
            schema_version: SCHEMA_VERSION,
            articles: snapshot
                .articles
                .iter()
                .map(|a| {
                    ArticleJson::new(a, with_raw)
                        .with_duplicate(by_id.get(&a.id).copied())
                        .place(clusters, a.id)
                })
                .collect(),
            diagnostics,
            stories: clusters.map_or_else(Vec::new, |c| {
                let mut views: Vec<StoryView> = c.stories().collect();
                views.sort_by_key(|s| (std::cmp::Reverse(s.n_articles), s.id));
                views.iter().map(|v| StoryJson::narrated(v, snapshot)).collect()
            }),
            quotes: merged.quotes,
            entities: merged.entities,
            shared_passages: crate::dedupe::shared_in(
                &snapshot.articles,
                &snapshot.duplicates.iter().map(|(id, d)| (*id, d.duplicate_of)).collect(),
                &crate::dedupe::Config::default(),
            )
            .iter()
            .map(SharedPassageJson::from)
            .collect(),
        }
    }
}

/// Every live story of `clusters`, largest first (ties by id).
pub fn stories_json(clusters: &ClusterState) -> Vec<StoryJson<'_>> {
    let mut stories: Vec<StoryView> = clusters.stories().collect();
    stories.sort_by_key(|s| (std::cmp::Reverse(s.n_articles), s.id));
    stories.iter().map(StoryJson::new).collect()
}
