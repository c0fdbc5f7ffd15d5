//! The data model shared by every stage.
//!
//! Input: nothing; this module only defines plain data.
//! Output: [`RawArticle`] (what a reader found), [`Article`] (cleaned, dated,
//! with metadata and provenance) and [`Diagnostic`] (what was wrong with the
//! input, naming the file and record).
//! Method: plain structs with public fields, serialisable with serde so the
//! store and the JSON export share one shape.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where a record came from: the path or URL of the input and, inside a
/// multi-record file (JSONL, WARC, feed), the 1-based record number.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Origin {
    /// The path as given (or `-` for standard input, or a URL).
    pub path: String,
    /// The record number inside the file, `None` for a one-article file.
    pub record: Option<u64>,
}

impl Origin {
    /// An origin for a one-article file.
    pub fn file(path: impl Into<String>) -> Origin {
        Origin { path: path.into(), record: None }
    }

    /// An origin for record `record` (1-based) of a multi-record file.
    pub fn record(path: impl Into<String>, record: u64) -> Origin {
        Origin { path: path.into(), record: Some(record) }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.record {
            Some(n) => write!(f, "{} record {n}", self.path),
            None => f.write_str(&self.path),
        }
    }
}

/// The input formats storyline reads. A closed set, dispatched by `match`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Plain text as scraped, one article per file.
    Text,
    /// One JSON article per line.
    Jsonl,
    /// A web page.
    Html,
    /// A web archive (`.warc`, `.warc.gz`) of pages.
    Warc,
    /// An RSS, Atom or JSON Feed file: one article per item.
    Feed,
}

impl Format {
    /// The lowercase name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Jsonl => "jsonl",
            Format::Html => "html",
            Format::Warc => "warc",
            Format::Feed => "feed",
        }
    }

    /// Parses a `--format` value.
    pub fn from_name(name: &str) -> Option<Format> {
        match name {
            "text" | "txt" => Some(Format::Text),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "html" | "htm" => Some(Format::Html),
            "warc" => Some(Format::Warc),
            "feed" | "rss" | "atom" => Some(Format::Feed),
            _ => None,
        }
    }
}

/// Metadata a reader found next to the body (JSONL fields, later HTML meta
/// tags and WARC headers). Every field is as given, not yet validated.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fields {
    /// The headline.
    pub title: Option<String>,
    /// The publication date or timestamp, as written.
    pub published: Option<String>,
    /// The outlet (site name or host).
    pub outlet: Option<String>,
    /// The article URL.
    pub url: Option<String>,
    /// The byline.
    pub author: Option<String>,
    /// Where `published` came from, when the reader knows (an HTML meta
    /// tag is [`DateSource::Field`], a date in the URL [`DateSource::Url`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_source: Option<DateSource>,
    /// The last-modified date or timestamp, as written (never used as the
    /// publication date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
    /// When a crawler fetched the page (WARC-Date), as written: an upper
    /// bound of the publication date, never the publication date itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched: Option<String>,
    /// How an HTML reader found the body (`marked`, `scored`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extraction: Option<String>,
    /// Why: the container the HTML reader chose and the rule that chose it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extraction_why: Option<String>,
    /// The exact source of `published` in a page (`json-ld NewsArticle datePublished`,
    /// `meta article:published_time`, `time element`, `url path`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_evidence: Option<String>,
}

/// One article as a reader found it, before any cleaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawArticle {
    /// The file (and record) it came from.
    pub origin: Origin,
    /// The reader that produced it.
    pub format: Format,
    /// The article body as text (for text input, the whole file).
    pub body: String,
    /// Metadata fields that came with the body.
    pub fields: Fields,
    /// Problems the reader found but could work around (e.g. invalid UTF-8).
    pub diagnostics: Vec<Diagnostic>,
}

/// Where a publication date came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// A metadata field of the input (JSONL `date_publish`, `published`, ...).
    Field,
    /// A dateline or date line in the text ("October 5, 2016 / 04:32 PM").
    Dateline,
    /// A date folder in the input path (`.../2010-05-24/1036.htm.txt`).
    Path,
    /// A date in the URL (`/2016/10/05/`).
    Url,
    /// Given by the user on the command line.
    User,
    /// An HTML page's JSON-LD (`datePublished` of its `NewsArticle`).
    #[serde(rename = "json-ld")]
    JsonLd,
    /// An HTML page's Open Graph `article:published_time`.
    #[serde(rename = "og")]
    OpenGraph,
    /// Another `<meta>` tag of an HTML page (`pubdate`, Dublin Core, ...).
    Meta,
    /// A `<time>` element that marks the publication.
    Time,
}

impl DateSource {
    /// The lowercase name used in JSON and in the store.
    pub fn name(self) -> &'static str {
        match self {
            DateSource::Field => "field",
            DateSource::Dateline => "dateline",
            DateSource::Path => "path",
            DateSource::Url => "url",
            DateSource::User => "user",
            DateSource::JsonLd => "json-ld",
            DateSource::OpenGraph => "og",
            DateSource::Meta => "meta",
            DateSource::Time => "time",
        }
    }

    /// Parses a name written by [`DateSource::name`].
    pub fn from_name(name: &str) -> Option<DateSource> {
        [
            Self::Field,
            Self::Dateline,
            Self::Path,
            Self::Url,
            Self::User,
            Self::JsonLd,
            Self::OpenGraph,
            Self::Meta,
            Self::Time,
        ]
        .into_iter()
        .find(|s| s.name() == name)
    }
}

/// A stable article identifier: a fixed-seed hash of the clean text, so the
/// same content ingested twice, from anywhere, is one article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ArticleId(pub u64);

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl ArticleId {
    /// Parses the 16-hex-digit form written by `Display`.
    pub fn parse(s: &str) -> Option<ArticleId> {
        if s.len() != 16 {
            return None;
        }
        u64::from_str_radix(s, 16).ok().map(ArticleId)
    }
}

/// A cleaned article with its metadata.
#[derive(Clone, Debug, PartialEq)]
pub struct Article {
    /// Content hash of `text`.
    pub id: ArticleId,
    /// Where it came from.
    pub origin: Origin,
    /// The reader that produced it.
    pub format: Format,
    /// The headline, if one was found.
    pub title: Option<String>,
    /// The outlet that published this copy.
    pub outlet: Option<String>,
    /// The outlet the text says it was first published by, when it is a
    /// republication ("The Wall Street Journal, 05 October 2016").
    pub original_outlet: Option<String>,
    /// The byline.
    pub author: Option<String>,
    /// The publication date; `None` when unknown (never guessed).
    pub published: Option<NaiveDate>,
    /// Where `published` came from.
    pub published_source: Option<DateSource>,
    /// The last-modified date a page declares (JSON-LD `dateModified`,
    /// `article:modified_time`); never used as the publication date.
    pub modified: Option<NaiveDate>,
    /// When a crawler fetched the page (WARC-Date): an upper bound of the
    /// publication date, never the publication date itself.
    pub fetched: Option<NaiveDate>,
    /// ISO 639-3 code of the detected language (`eng`, `deu`, ...).
    pub language: Option<String>,
    /// The article URL.
    pub url: Option<String>,
    /// The input text the article was cleaned from (offsets point into it).
    pub raw: String,
    /// The clean text: paragraphs separated by one blank line.
    pub text: String,
    /// Maps offsets in `text` back to offsets in `raw`.
    pub offsets: crate::clean::OffsetMap,
    /// What was wrong with the input or removed from it.
    pub diagnostics: Vec<Diagnostic>,
}

/// The kinds of problems found in input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagnosticKind {
    /// A path could not be opened or read.
    Unreadable,
    /// The bytes look like binary data, not text.
    Binary,
    /// Bytes that are not UTF-8 were replaced.
    InvalidUtf8,
    /// A compressed stream ended early.
    Truncated,
    /// A record is larger than the size limit.
    TooLarge,
    /// A record could not be parsed (bad JSON, missing fields).
    Malformed,
    /// A file or record had no article text.
    Empty,
    /// A value was present but unusable (e.g. an unparseable date).
    BadValue,
    /// Records that hold no article were skipped (a count per kind, e.g.
    /// WARC `request` and `metadata` records).
    Skipped,
}

impl DiagnosticKind {
    /// The snake_case name used in JSON, the store and summaries.
    pub fn name(self) -> &'static str {
        match self {
            DiagnosticKind::Unreadable => "unreadable",
            DiagnosticKind::Binary => "binary",
            DiagnosticKind::InvalidUtf8 => "invalid_utf8",
            DiagnosticKind::Truncated => "truncated",
            DiagnosticKind::TooLarge => "too_large",
            DiagnosticKind::Malformed => "malformed",
            DiagnosticKind::Empty => "empty",
            DiagnosticKind::BadValue => "bad_value",
            DiagnosticKind::Skipped => "skipped",
        }
    }

    /// Parses a name written by [`DiagnosticKind::name`].
    pub fn from_name(name: &str) -> Option<DiagnosticKind> {
        use DiagnosticKind::*;
        [Unreadable, Binary, InvalidUtf8, Truncated, TooLarge, Malformed, Empty, BadValue, Skipped]
            .into_iter()
            .find(|k| k.name() == name)
    }
}

/// A problem with the input, naming where it is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// The file and record.
    pub origin: Origin,
    /// What kind of problem.
    pub kind: DiagnosticKind,
    /// A lowercase message without trailing period.
    pub message: String,
}

impl Diagnostic {
    /// A new diagnostic.
    pub fn new(origin: Origin, kind: DiagnosticKind, message: impl Into<String>) -> Diagnostic {
        Diagnostic { origin, kind, message: message.into() }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.origin, self.kind.name(), self.message)
    }
}
