//! The JSON shape of the store, shared by `storyline export`, the listings'
//! `--json` and the HTTP API. Documented in `docs/json.md`.
//!
//! Input: stored records. Output: serde-serialisable views of them.
//! Method: borrowed views, so exporting does not copy article texts.

use serde::Serialize;

use std::collections::HashMap;

use crate::dedupe::Duplicate;
use crate::model::{Article, ArticleId, Diagnostic};
use crate::store::SCHEMA_VERSION;

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
    /// Where `published` came from: field, dateline, path, url, user.
    pub published_source: Option<&'static str>,
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
            language: a.language.as_deref(),
            url: a.url.as_deref(),
            text: &a.text,
            diagnostics: &a.diagnostics,
            duplicate_of: None,
            relation: None,
            similarity: None,
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
}

impl<'a> ExportJson<'a> {
    /// A view of the store's contents; `duplicates` as from
    /// [`crate::store::Store::duplicates`].
    pub fn new(
        articles: &'a [Article],
        diagnostics: &'a [Diagnostic],
        duplicates: &[(ArticleId, Duplicate)],
        with_raw: bool,
    ) -> ExportJson<'a> {
        let by_id: HashMap<ArticleId, &Duplicate> =
            duplicates.iter().map(|(id, d)| (*id, d)).collect();
        ExportJson {
            schema_version: SCHEMA_VERSION,
            articles: articles
                .iter()
                .map(|a| ArticleJson::new(a, with_raw).with_duplicate(by_id.get(&a.id).copied()))
                .collect(),
            diagnostics,
        }
    }
}
