//! Dedupe: which articles are the same piece, and which one is the original.
//!
//! Input: clean article texts with outlet, credited original outlet and
//! publication date ([`Input`]). Output: a [`Dedupe`]: a [`Signature`] per
//! article, for each copy the article it duplicates with the [`Relation`]
//! (`exact`, `near`, `contained`) and a similarity, the [`CopyGroup`]s with
//! their canonical article, and the [`SharedPassage`]s (paragraphs reused in
//! otherwise different articles).
//! Method: sign each text ([`Signature::of`]), find and verify copies through an
//! LSH [`Index`] (exact hash, MinHash bands, winnowed fingerprints), join
//! copies into groups (union-find), pick the canonical member (the named
//! original outlet, else the earliest published, else the fullest text),
//! then hash paragraphs to mark shared passages. Headlines are not used:
//! republishers change them, and two reports of one event often share them.

mod groups;
mod index;
mod passages;
mod sketch;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use groups::{copy_groups, detect, group, outlet_key, CopyGroup, Dedupe, Duplicate, Edge};
pub use index::{Index, Match, BANDS, ROWS};
pub use passages::{paragraphs, shared_in, SharedPassage};
pub use sketch::{
    for_each_word, text_hash, Signature, MINHASH_BINS, SHINGLE_WORDS, SIGNATURE_VERSION,
    WINNOW_WINDOW,
};

use crate::model::{Article, ArticleId};

/// How a copy relates to the article it duplicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Relation {
    /// The same words once case, punctuation and whitespace are ignored.
    Exact,
    /// Mostly the same text (estimated Jaccard of shingles at or above
    /// [`Config::near_jaccard`]): chrome added, paragraphs moved.
    Near,
    /// The shorter text lies inside the longer one (a shortened
    /// republication): containment at or above [`Config::containment`].
    Contained,
}

impl Relation {
    /// The lowercase name used in JSON, the store and the CLI.
    pub fn name(self) -> &'static str {
        match self {
            Relation::Exact => "exact",
            Relation::Near => "near",
            Relation::Contained => "contained",
        }
    }

    /// Parses a name written by [`Relation::name`].
    pub fn from_name(name: &str) -> Option<Relation> {
        [Relation::Exact, Relation::Near, Relation::Contained]
            .into_iter()
            .find(|r| r.name() == name)
    }

    /// Strength order: exact before near before contained.
    fn rank(self) -> u8 {
        match self {
            Relation::Exact => 0,
            Relation::Near => 1,
            Relation::Contained => 2,
        }
    }
}

/// Thresholds for calling two texts copies.
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Estimated Jaccard of shingle sets at or above which texts are near
    /// copies.
    pub near_jaccard: f32,
    /// Share of the shorter text's fingerprints found in the longer one at
    /// or above which the shorter is a contained copy.
    pub containment: f32,
    /// Texts shorter than this (in words) are only ever exact copies: a
    /// caption or a one-line note says too little to call it a copy.
    pub min_words: u32,
    /// The shorter text needs at least this many fingerprints for a
    /// containment estimate (one fingerprint is roughly 17 words).
    pub min_fingerprints: usize,
    /// Paragraphs shorter than this (in words) are not shared passages.
    pub min_passage_words: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            near_jaccard: 0.5,
            containment: 0.65,
            min_words: 30,
            min_fingerprints: 3,
            min_passage_words: 12,
        }
    }
}

/// What dedupe needs to know about one article.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Input<'a> {
    /// The article id.
    pub id: ArticleId,
    /// The clean text (paragraphs separated by blank lines).
    pub text: &'a str,
    /// The outlet that published this copy.
    pub outlet: Option<&'a str>,
    /// The outlet the text credits as the original publisher.
    pub original_outlet: Option<&'a str>,
    /// The publication date.
    pub published: Option<NaiveDate>,
}

impl<'a> From<&'a Article> for Input<'a> {
    fn from(article: &'a Article) -> Input<'a> {
        Input {
            id: article.id,
            text: &article.text,
            outlet: article.outlet.as_deref(),
            original_outlet: article.original_outlet.as_deref(),
            published: article.published,
        }
    }
}

/// The evidence about a pair of texts, from full or compact sketches.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pair {
    pub(crate) exact: bool,
    pub(crate) jaccard: f32,
    pub(crate) shared_fingerprints: usize,
    pub(crate) fingerprints: (usize, usize),
    pub(crate) words: (u32, u32),
}

impl Pair {
    /// Estimated shared shingles: from the Jaccard estimate
    /// (`|A∩B| = J(|A|+|B|)/(1+J)`) or from fingerprint containment of the
    /// shorter text, whichever says more.
    pub(crate) fn shared(&self) -> u32 {
        let (a, b) = (self.words.0 as f32, self.words.1 as f32);
        let by_jaccard = self.jaccard * (a + b) / (1.0 + self.jaccard);
        let small = self.fingerprints.0.min(self.fingerprints.1);
        let by_containment =
            if small > 0 { self.shared_fingerprints as f32 / small as f32 * a.min(b) } else { 0.0 };
        by_jaccard.max(by_containment).min(a.min(b)) as u32
    }
}

/// A text with fewer words than this share of the other's is a shortened
/// copy when contained in it, not a near copy.
const SHORTENED: f32 = 0.8;

/// The one place that turns evidence into a verdict, so the index and
/// [`compare`] agree.
pub(crate) fn decide(pair: &Pair, config: &Config) -> Option<(Relation, f32)> {
    if pair.exact {
        return Some((Relation::Exact, 1.0));
    }
    if pair.words.0.min(pair.words.1) < config.min_words {
        return None;
    }
    let small = pair.fingerprints.0.min(pair.fingerprints.1);
    let (short, long) = (pair.words.0.min(pair.words.1), pair.words.0.max(pair.words.1));
    // Few fingerprints make a coarse containment estimate (2 of 3 passes),
    // so the MinHash must agree: if a share `c` of the short text lies in
    // the long one, their Jaccard is about `c·s / (s + l - c·s)`. Half of
    // that, less the noise of 64 bins, is required.
    let consistent = |c: f32| {
        let (s, l) = (short as f32, long as f32);
        let expected = c * s / (s + l - c * s).max(1.0);
        pair.jaccard + 0.05 >= 0.5 * expected
    };
    let contained = (small >= config.min_fingerprints.max(1))
        .then(|| (pair.shared_fingerprints as f32 / small as f32).min(1.0))
        .filter(|&c| c >= config.containment && consistent(c));
    // A text inside one clearly longer is a shortened republication, even
    // when the two still overlap enough to pass as near copies.
    let shortened = (short as f32) < SHORTENED * long as f32;
    match contained {
        Some(c) if shortened => Some((Relation::Contained, c)),
        _ if pair.jaccard >= config.near_jaccard => Some((Relation::Near, pair.jaccard)),
        Some(c) => Some((Relation::Contained, c)),
        None => None,
    }
}

/// Whether two signed texts are copies, and how: the same verdict the
/// index gives for the pair.
pub fn compare(a: &Signature, b: &Signature, config: &Config) -> Option<(Relation, f32)> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    let pair = Pair {
        exact: a.exact == b.exact,
        jaccard: sketch::jaccard(&a.compact(), &b.compact()),
        shared_fingerprints: sketch::shared_fingerprints(&a.fingerprints, &b.fingerprints),
        fingerprints: (a.fingerprints.len(), b.fingerprints.len()),
        words: (a.n_words, b.n_words),
    };
    decide(&pair, config)
}
