//! Story summaries: a few cited sentences that say what the story is.
//!
//! Input: the articles of one story and which of them are copies of which
//! (`copy → original`), so a copy is cited but not counted twice.
//! Output: 3–5 [`CitedSentence`]s, most central first, each naming the
//! article it is taken from and every article (copies included) that
//! reports the same thing.
//! Method: extractive, centroid-based. Every sentence of an original
//! article is a TF-IDF vector (content words, IDF over the story's
//! articles); the story centroid is the sum of them. A sentence scores its
//! cosine to the centroid plus a small bonus for coming early in its
//! article (news leads carry the gist); sentences are taken greedily by
//! score, skipping any too close to one already taken (cosine > 0.5 or
//! content-word overlap ≥ 0.5). A near-duplicate elsewhere in the story
//! (content-word Jaccard ≥ 0.5) adds its article to the citation.
//! A paragraph reused word for word by several originals (a shared wire
//! passage) counts once: its later occurrences are cited, never scored.
//! [`Corpus`] is the shared sentence table the timeline builds on too.

use std::collections::HashMap;
use std::ops::Range;

use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::dedupe;
use crate::model::{Article, ArticleId};
use crate::sentences;

/// A sentence taken from a story, with its sources.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CitedSentence {
    /// The sentence as written (white space runs folded to one space).
    pub text: String,
    /// The article the text is taken from.
    #[serde(serialize_with = "hex_id")]
    pub article: ArticleId,
    /// Every article that reports it: `article` first, then the others in
    /// id order, copies included.
    #[serde(serialize_with = "hex_ids")]
    pub sources: Vec<ArticleId>,
}

/// Article ids in JSON are their 16-hex-digit form, as in the export.
fn hex_id<S: serde::Serializer>(id: &ArticleId, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(id)
}

fn hex_ids<S: serde::Serializer>(ids: &[ArticleId], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(ids.iter().map(|id| id.to_string()))
}

/// Options of the summarizer.
#[derive(Clone, Debug)]
pub struct SummaryConfig {
    /// How many sentences at most (the issue asks for 3–5).
    pub sentences: usize,
}

impl Default for SummaryConfig {
    fn default() -> SummaryConfig {
        SummaryConfig { sentences: 5 }
    }
}

/// Content-word Jaccard at or above which two sentences say the same thing.
pub(crate) const SAME: f32 = 0.5;

/// Words too common to carry content.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "between", "both", "but", "by", "can",
    "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "just", "me",
    "more", "most", "my", "no", "nor", "not", "now", "of", "off", "on", "once", "only", "or",
    "other", "our", "ours", "out", "over", "own", "s", "said", "same", "says", "she", "should",
    "so", "some", "such", "than", "that", "the", "their", "them", "then", "there", "these", "they",
    "this", "those", "through", "to", "too", "under", "until", "up", "very", "was", "we", "were",
    "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with", "would",
    "you", "your", "n't", "t", "lrb", "rrb", "mr", "mrs", "ms", "one", "two", "new", "told", "say",
    "year", "years", "last", "first", "week", "day", "may", "like", "get", "go",
];

/// One sentence of the story.
#[derive(Clone, Debug)]
pub(crate) struct Unit {
    /// Index of its article in the story slice.
    pub article: usize,
    /// Its byte span in the article text.
    pub span: Range<usize>,
    /// Its position among the article's sentences (0 = lead).
    pub position: usize,
    /// How many words it has (all of them).
    pub n_words: usize,
    /// Its content words, sorted, without repeats.
    pub words: Vec<u32>,
    /// Its TF-IDF vector, unit length, sorted by word.
    pub vector: Vec<(u32, f32)>,
}

/// The sentence table of a story.
pub(crate) struct Corpus<'a> {
    /// The story's articles.
    pub articles: &'a [&'a Article],
    /// For each article, the ids of its copies in the story.
    pub copies: Vec<Vec<ArticleId>>,
    /// For each article, whether it is a copy of another one in the story
    /// (its sentences are then not in `units`).
    pub is_copy: Vec<bool>,
    /// The sentences of the original articles.
    pub units: Vec<Unit>,
    /// For each article, the range of its units.
    pub by_article: Vec<Range<usize>>,
    /// For each unit, whether it lies in a shared passage already seen in
    /// an earlier original of the story (a reused wire paragraph): it is
    /// cited but not counted again, nor offered as a candidate.
    pub repeated: Vec<bool>,
}

impl<'a> Corpus<'a> {
    /// Splits and vectorizes the story.
    pub fn new(articles: &'a [&'a Article], copies: &HashMap<ArticleId, ArticleId>) -> Corpus<'a> {
        let index: FxHashMap<ArticleId, usize> =
            articles.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        let mut copy_lists = vec![Vec::new(); articles.len()];
        let mut is_copy = vec![false; articles.len()];
        for (i, a) in articles.iter().enumerate() {
            // Follow the chain to the first original in the story.
            let mut target = copies.get(&a.id).copied();
            let mut hops = 0;
            while let Some(t) = target.filter(|t| *t != a.id) {
                match copies.get(&t).copied().filter(|_| hops < 8) {
                    Some(next) if index.contains_key(&next) => target = Some(next),
                    _ => break,
                }
                hops += 1;
            }
            if let Some(&orig) = target.and_then(|t| index.get(&t)).filter(|&&o| o != i) {
                is_copy[i] = true;
                copy_lists[orig].push(a.id);
            }
        }
        let mut vocab: FxHashMap<String, u32> = FxHashMap::default();
        let mut df: Vec<u32> = Vec::new();
        let mut units = Vec::new();
        let mut by_article = Vec::with_capacity(articles.len());
        let mut counts: Vec<(u32, u32)> = Vec::new();
        let mut repeated = Vec::new();
        let mut passages: FxHashMap<u64, usize> = FxHashMap::default();
        for (i, a) in articles.iter().enumerate() {
            let first = units.len();
            if !is_copy[i] {
                let shared = repeated_passages(&a.text, i, &mut passages);
                let mut seen_in_article: Vec<u32> = Vec::new();
                for (position, span) in sentences::split(&a.text).into_iter().enumerate() {
                    counts.clear();
                    let mut n_words = 0;
                    for w in tokens(&a.text[span.clone()]) {
                        n_words += 1;
                        if is_stopword(&w) {
                            continue;
                        }
                        let next = vocab.len() as u32;
                        let id = *vocab.entry(w).or_insert(next);
                        if id as usize == df.len() {
                            df.push(0);
                        }
                        match counts.iter_mut().find(|(w, _)| *w == id) {
                            Some(c) => c.1 += 1,
                            None => counts.push((id, 1)),
                        }
                    }
                    counts.sort_unstable();
                    repeated
                        .push(shared.iter().any(|p| p.start <= span.start && span.end <= p.end));
                    seen_in_article.extend(counts.iter().map(|c| c.0));
                    units.push(Unit {
                        article: i,
                        span,
                        position,
                        n_words,
                        words: counts.iter().map(|c| c.0).collect(),
                        vector: counts.iter().map(|&(w, c)| (w, c as f32)).collect(),
                    });
                }
                seen_in_article.sort_unstable();
                seen_in_article.dedup();
                for w in seen_in_article {
                    df[w as usize] += 1;
                }
            }
            by_article.push(first..units.len());
        }
        let n_docs = is_copy.iter().filter(|c| !**c).count().max(1) as f32;
        for u in &mut units {
            for (w, x) in &mut u.vector {
                *x *= (n_docs / df[*w as usize] as f32).ln() + 1.0;
            }
            normalize(&mut u.vector);
        }
        Corpus { articles, copies: copy_lists, is_copy, units, by_article, repeated }
    }

    /// The text of a unit, white space folded.
    pub fn text(&self, u: usize) -> String {
        let unit = &self.units[u];
        let raw = &self.articles[unit.article].text[unit.span.clone()];
        raw.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// Whether a unit reads as a statement worth showing: neither a
    /// fragment nor a run-on, and not a question.
    /// A sentence of a repeated shared passage is not: its first
    /// occurrence stands for it.
    pub fn usable(&self, u: usize) -> bool {
        let unit = &self.units[u];
        if self.repeated[u] {
            return false;
        }
        let text = &self.articles[unit.article].text[unit.span.clone()];
        (8..=60).contains(&unit.n_words)
            && !text.trim_end().ends_with('?')
            && !text.trim_end().ends_with(':')
            && text.chars().next().is_some_and(|c| !c.is_lowercase())
    }

    /// The sum of the vectors of `units`, as a dense vector.
    pub fn centroid(&self, units: impl Iterator<Item = usize>) -> Vec<f32> {
        let dim = self.units.iter().flat_map(|u| u.words.last()).max().map_or(0, |m| *m + 1);
        let mut c = vec![0.0f32; dim as usize];
        for u in units {
            for &(w, x) in &self.units[u].vector {
                c[w as usize] += x;
            }
        }
        let norm = c.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            c.iter_mut().for_each(|x| *x /= norm);
        }
        c
    }

    /// Cosine of a unit to a dense unit-length vector.
    pub fn cosine_dense(&self, u: usize, dense: &[f32]) -> f32 {
        self.units[u].vector.iter().map(|&(w, x)| x * dense.get(w as usize).unwrap_or(&0.0)).sum()
    }

    /// Cosine of two units.
    pub fn cosine(&self, a: usize, b: usize) -> f32 {
        let (a, b) = (&self.units[a].vector, &self.units[b].vector);
        let (mut i, mut j, mut dot) = (0, 0, 0.0);
        while i < a.len() && j < b.len() {
            match a[i].0.cmp(&b[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += a[i].1 * b[j].1;
                    i += 1;
                    j += 1;
                }
            }
        }
        dot
    }

    /// Content-word Jaccard of two units.
    pub fn jaccard(&self, a: usize, b: usize) -> f32 {
        let (a, b) = (&self.units[a].words, &self.units[b].words);
        let (mut i, mut j, mut common) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    common += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        jaccard_of(common, a.len(), b.len())
    }

    /// For each of `chosen`, the units elsewhere in the story that say the
    /// same thing (content-word Jaccard ≥ [`SAME`]) and that `accept`
    /// allows. One pass over the story through an inverted index, so it
    /// stays linear in the story size.
    pub fn near_duplicates(
        &self,
        chosen: &[usize],
        accept: impl Fn(usize, usize) -> bool,
    ) -> Vec<Vec<usize>> {
        let mut index: FxHashMap<u32, Vec<usize>> = FxHashMap::default();
        for (k, &c) in chosen.iter().enumerate() {
            for &w in &self.units[c].words {
                index.entry(w).or_default().push(k);
            }
        }
        let mut out = vec![Vec::new(); chosen.len()];
        let mut overlap: FxHashMap<usize, usize> = FxHashMap::default();
        for (u, unit) in self.units.iter().enumerate() {
            overlap.clear();
            for w in &unit.words {
                for &k in index.get(w).map_or(&[][..], |v| v.as_slice()) {
                    *overlap.entry(k).or_default() += 1;
                }
            }
            for (&k, &common) in &overlap {
                let c = chosen[k];
                if c != u
                    && jaccard_of(common, unit.words.len(), self.units[c].words.len()) >= SAME
                    && accept(c, u)
                {
                    out[k].push(u);
                }
            }
        }
        out
    }

    /// The citation of unit `u` with the near-duplicates `dups`: its
    /// article first, then every other article and copy, in id order.
    pub fn cite(&self, u: usize, dups: &[usize]) -> CitedSentence {
        let own = self.units[u].article;
        let mut others: Vec<ArticleId> = self.copies[own].clone();
        for &d in dups {
            let a = self.units[d].article;
            others.push(self.articles[a].id);
            others.extend(self.copies[a].iter().copied());
        }
        let id = self.articles[own].id;
        others.retain(|o| *o != id);
        others.sort_unstable();
        others.dedup();
        let mut sources = vec![id];
        sources.extend(others);
        CitedSentence { text: self.text(u), article: id, sources }
    }
}

/// The 3–5 sentence summary of a story (see the module header).
pub fn summarize(
    articles: &[&Article],
    copies: &HashMap<ArticleId, ArticleId>,
    config: &SummaryConfig,
) -> Vec<CitedSentence> {
    let corpus = Corpus::new(articles, copies);
    let centroid = corpus.centroid((0..corpus.units.len()).filter(|&u| !corpus.repeated[u]));
    let mut scored: Vec<(f32, usize)> = (0..corpus.units.len())
        .filter(|&u| corpus.usable(u))
        .map(|u| {
            let lead = 0.15 / (1.0 + corpus.units[u].position as f32);
            (corpus.cosine_dense(u, &centroid) + lead, u)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = Vec::new();
    for &(_, u) in &scored {
        if chosen.len() >= config.sentences {
            break;
        }
        if chosen.iter().all(|&c| corpus.cosine(c, u) <= 0.5 && corpus.jaccard(c, u) < SAME) {
            chosen.push(u);
        }
    }
    let dups = corpus.near_duplicates(&chosen, |_, _| true);
    chosen.iter().zip(&dups).map(|(&u, d)| corpus.cite(u, d)).collect()
}

/// The byte ranges of the paragraphs of `text` (article `i` of the story)
/// that an earlier article already holds word for word: shared passages,
/// as the dedupe stage defines them ([`dedupe::paragraphs`], at least
/// [`dedupe::Config::min_passage_words`] words). `first` maps a paragraph
/// hash to the article that had it first.
fn repeated_passages(text: &str, i: usize, first: &mut FxHashMap<u64, usize>) -> Vec<Range<usize>> {
    let min_words = dedupe::Config::default().min_passage_words;
    let base = text.as_ptr() as usize;
    let mut out = Vec::new();
    for para in dedupe::paragraphs(text) {
        let mut n_words = 0u32;
        dedupe::for_each_word(para, |_| n_words += 1);
        if n_words < min_words {
            continue;
        }
        let Some(hash) = dedupe::text_hash(para) else { continue };
        if *first.entry(hash).or_insert(i) != i {
            // `paragraphs` returns slices of `text`, so the offset is exact.
            let start = para.as_ptr() as usize - base;
            out.push(start..start + para.len());
        }
    }
    out
}

/// Lowercase word tokens: runs of letters and digits (apostrophes kept
/// inside, so "n't" and "'s" from tokenized text stay one token).
pub(crate) fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

fn is_stopword(w: &str) -> bool {
    STOPWORDS.contains(&w) || (w.chars().count() == 1 && !w.chars().all(|c| c.is_ascii_digit()))
}

fn jaccard_of(common: usize, a: usize, b: usize) -> f32 {
    let union = a + b - common;
    if union == 0 {
        0.0
    } else {
        common as f32 / union as f32
    }
}

fn normalize(v: &mut [(u32, f32)]) {
    let norm = v.iter().map(|x| x.1 * x.1).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| x.1 /= norm);
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Format, Origin};
    use chrono::NaiveDate;

    /// A hand-made article for tests.
    pub(crate) fn article(id: u64, published: Option<NaiveDate>, text: &str) -> Article {
        Article {
            id: ArticleId(id),
            origin: Origin::file(format!("{id}.txt")),
            format: Format::Text,
            title: None,
            outlet: None,
            original_outlet: None,
            author: None,
            published,
            published_source: None,
            modified: None,
            fetched: None,
            language: None,
            url: None,
            raw: text.to_string(),
            text: text.to_string(),
            offsets: Default::default(),
            diagnostics: Vec::new(),
        }
    }

    #[test]
    fn central_sentences_cited_by_every_reporter_and_copy() {
        let a = article(
            1,
            None,
            "The river burst its banks and flooded the old town center overnight.\n\n\
             Rescue teams evacuated hundreds of residents from flooded homes near the river.\n\n\
             The mayor, a keen cyclist, opened a bakery festival last spring in the park.",
        );
        let b = article(
            2,
            None,
            "The river burst its banks overnight and flooded the old town center.\n\n\
             Hundreds of residents were evacuated by rescue teams from their flooded homes.",
        );
        let copy = article(3, None, &b.text.clone());
        let story = [&a, &b, &copy];
        let copies = HashMap::from([(ArticleId(3), ArticleId(2))]);
        let got = summarize(&story, &copies, &SummaryConfig { sentences: 2 });
        assert_eq!(got.len(), 2);
        assert!(got[0].text.contains("burst its banks"), "{got:?}");
        let mut sources = got[0].sources.clone();
        sources.sort();
        assert_eq!(sources, [ArticleId(1), ArticleId(2), ArticleId(3)]);
        assert!(got.iter().all(|s| !s.text.contains("bakery")), "{got:?}");
    }

    #[test]
    fn a_reused_wire_paragraph_counts_once_and_cites_every_outlet() {
        let wire = "Inspectors from the agency reached the dam on Thursday and found \
                    cracks along the eastern spillway wall.";
        let a = article(1, None, &format!("{wire}\n\nThe regional paper spoke to farmers downstream who fear for their fields."));
        let b = article(2, None, &format!("Local officials met late into the night.\n\n{wire}"));
        let c = article(
            3,
            None,
            &format!("{wire}\n\nA television crew filmed the spillway from a boat."),
        );
        let story = [&a, &b, &c];
        let corpus = Corpus::new(&story, &HashMap::new());
        let repeated: Vec<u64> = (0..corpus.units.len())
            .filter(|&u| corpus.repeated[u])
            .map(|u| corpus.articles[corpus.units[u].article].id.0)
            .collect();
        assert_eq!(repeated, [2, 3]);
        let got = summarize(&story, &HashMap::new(), &SummaryConfig { sentences: 3 });
        let wire_lines: Vec<_> = got.iter().filter(|s| s.text.contains("spillway wall")).collect();
        assert_eq!(wire_lines.len(), 1, "{got:?}");
        assert_eq!(wire_lines[0].article, ArticleId(1));
        assert_eq!(wire_lines[0].sources, [ArticleId(1), ArticleId(2), ArticleId(3)]);
    }
}
