//! The pipeline: the one place that puts the stages in order.
//!
//! Input: [`RawArticle`]s from [`crate::ingest`]. Output: [`Article`]s
//! ready for the store, or a diagnostic when nothing of the story is left.
//! Method: clean → metadata → identity (a fixed-seed hash of the clean
//! text, so the same content is one article wherever it came from).
//! Stories: [`cluster`] places each stored article, in arrival order, into
//! an event and a story of a [`ClusterState`] the store keeps. Quotes:
//! [`quotes`] extracts the entities and quotes of each article and merges
//! them across articles. Later stages (timelines) are added here in their
//! order.

use chrono::NaiveDate;

use crate::clean::{self, CleanConfig};
use crate::cluster::{Assignment, ClusterConfig, ClusterInput, ClusterState};
use crate::dedupe::Duplicate;
use crate::extract::{self, merge};
use crate::meta;
use crate::model::{Article, ArticleId, Diagnostic, DiagnosticKind, RawArticle};

/// Options for processing articles.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Cleaning options.
    pub clean: CleanConfig,
    /// A publication date given by the user for every article of the run.
    pub published: Option<NaiveDate>,
}

/// The identity of an article: xxh3 (seed 0) of its clean text. Stable
/// across runs, machines and program versions as long as cleaning is.
pub fn article_id(text: &str) -> ArticleId {
    ArticleId(xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// Cleans one raw article and finds its metadata.
pub fn process(raw: RawArticle, config: &Config) -> Result<Article, Diagnostic> {
    let clean = clean::clean(&raw.body, &config.clean);
    if clean.text.is_empty() {
        let msg = "no story text left after cleaning (only chrome, labels or blank lines)";
        return Err(Diagnostic::new(raw.origin, DiagnosticKind::Empty, msg));
    }
    let (meta, meta_diagnostics) = meta::metadata(&raw, &clean, config.published);
    let mut diagnostics = raw.diagnostics;
    diagnostics.extend(meta_diagnostics);
    Ok(Article {
        id: article_id(&clean.text),
        origin: raw.origin,
        format: raw.format,
        title: meta.title,
        outlet: meta.outlet,
        original_outlet: meta.original_outlet,
        author: meta.author,
        published: meta.published,
        published_source: meta.published_source,
        language: clean.language,
        url: meta.url,
        raw: raw.body,
        text: clean.text,
        offsets: clean.offsets,
        diagnostics,
    })
}

/// Places one article into an event and a story (a no-op for an article
/// already placed); a copy (`duplicate_of`, from the copies stage) joins its
/// original's event when the original is placed already.
pub fn cluster(
    state: &mut ClusterState,
    article: &Article,
    duplicate_of: Option<ArticleId>,
    config: &ClusterConfig,
) -> Assignment {
    let input = ClusterInput {
        article: article.id,
        title: article.title.as_deref(),
        text: &article.text,
        published: article.published,
        duplicate_of,
    };
    state.assign(&input, config)
}

/// Entities and quotes of stored articles, merged across them: one entity
/// per person, organization or place, one quote per utterance with every
/// article that reported it. Offsets point into each article's clean text.
/// Deterministic for a given list of articles.
/// `duplicates` are the copies found by the duplicates stage: a quote
/// reported by an article and its copy counts once.
pub fn quotes(articles: &[Article], duplicates: &[(ArticleId, Duplicate)]) -> merge::Merged {
    let copy_of: std::collections::HashMap<ArticleId, ArticleId> =
        duplicates.iter().map(|(id, d)| (*id, d.duplicate_of)).collect();
    let extractions: Vec<extract::Extraction> =
        articles.iter().map(|a| extract::extract(&a.text)).collect();
    let sources: Vec<merge::Source> = articles
        .iter()
        .zip(&extractions)
        .map(|(a, x)| merge::Source {
            article: a.id,
            published: a.published,
            copy_of: copy_of.get(&a.id).copied(),
            text: &a.text,
            extraction: x,
        })
        .collect();
    merge::merge(&sources)
}
