//! Full-text search over articles: our own in-memory inverted index.
//!
//! Input: the articles (headline, clean text, date, outlet), in arrival
//! order, and a query as a reader types it (`oil spill`, `"no-fly zone"`,
//! `kerr*`, `ceasefire OR truce`) with filters (dates, outlet, a set of
//! articles). Output: a [`SearchPage`]: the total and one page of [`Hit`]s,
//! best first, each with its headline and a snippet marked where it matched.
//!
//! Method: an [`Index`] built in memory from the articles: every word of
//! the headline and the text (runs of letters and digits), lowercased,
//! common Latin diacritics folded and stemmed (Snowball English), becomes
//! a term with a sorted postings list of (article, weighted frequency,
//! positions). A query is read as FTS5 read it before (what the store
//! used until schema version 5): words and `"phrases"` are ANDed, `OR`
//! between two terms joins alternatives and binds loosest (`a b OR c` is
//! `(a AND b) OR c`), a trailing `*` takes every term starting with the
//! word (a range of the sorted term dictionary). AND intersects sorted
//! postings; a phrase is verified on the positions. Ranking is FTS5's
//! BM25 (k1 1.2, b 0.75, the headline's occurrences weighted 4×, the
//! length of a row is headline plus text), the page chosen with a bounded
//! heap, not by sorting every match. Marks come from the same positions,
//! so a marked word is always one the index matched; a snippet window is
//! re-tokenized from a checkpoint kept every 16 words, never from the start
//! of the text. FTS5 cost 3–7 ms of CPU per new search and half of the
//! ingest stage's CPU (see docs/benchmarks.md); this costs a fraction of
//! a millisecond per search and nothing at ingest.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};
use std::ops::Range;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::model::{Article, ArticleId};

/// What to search for.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    /// The words, as typed.
    pub text: String,
    /// Only articles published on or after this day.
    pub from: Option<NaiveDate>,
    /// Only articles published on or before this day.
    pub to: Option<NaiveDate>,
    /// Only articles of this outlet (any case).
    pub outlet: Option<String>,
    /// Only these articles (a story's, an entity's), when set.
    pub only: Option<HashSet<ArticleId>>,
    /// Hits to skip.
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
}

/// A piece of text with the byte ranges that matched the query.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Marked {
    /// The text.
    pub text: String,
    /// Byte ranges of `text` that matched, in order, not overlapping.
    pub marks: Vec<Range<usize>>,
}

/// One article that matched.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Hit {
    /// The article id (16 hex digits in JSON).
    #[serde(serialize_with = "hex_id")]
    pub id: ArticleId,
    /// BM25 score: lower is better (the sign convention of SQLite FTS5,
    /// which ranked searches before), rounded to 3 decimals.
    pub score: f64,
    /// `YYYY-MM-DD` or null.
    pub published: Option<NaiveDate>,
    /// The outlet.
    pub outlet: Option<String>,
    /// The headline, marked where it matched.
    pub title: Option<Marked>,
    /// About 32 words of the text around the best matches, marked.
    pub snippet: Marked,
}

/// One page of hits.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SearchPage {
    /// Every article that matched, over all pages.
    pub total: usize,
    /// This page, best first.
    pub hits: Vec<Hit>,
}

fn hex_id<S: serde::Serializer>(id: &ArticleId, s: S) -> std::result::Result<S::Ok, S::Error> {
    s.collect_str(id)
}

/// BM25's term-frequency saturation (FTS5's value).
const K1: f64 = 1.2;
/// BM25's length normalisation (FTS5's value).
const B: f64 = 0.75;
/// An occurrence in the headline counts this many times one in the text.
const TITLE_WEIGHT: u32 = 4;
/// A snippet-window checkpoint every this many words of a text (a window
/// is re-tokenized from the one before it: at most 15 words skipped).
const CHECKPOINT: usize = 16;
/// Words in a hit's snippet.
const SNIPPET_WORDS: usize = 32;

/// One article in a term's postings.
#[derive(Clone, Copy, Debug)]
struct Posting {
    /// The article's ordinal (its place in the indexed slice).
    doc: u32,
    /// Occurrences, the headline's counted [`TITLE_WEIGHT`] times.
    freq: u32,
    /// Where its positions start in the term's `positions`.
    at: u32,
}

/// A term's postings, by article ordinal, and the positions of every
/// occurrence, article after article.
#[derive(Clone, Debug, Default)]
struct Postings {
    list: Vec<Posting>,
    positions: Vec<u32>,
}

impl Postings {
    /// The positions of the term in article `doc`, if it holds it.
    fn positions_in(&self, doc: u32) -> Option<&[u32]> {
        let i = self.list.binary_search_by_key(&doc, |p| p.doc).ok()?;
        let end = self.list.get(i + 1).map_or(self.positions.len(), |p| p.at as usize);
        Some(&self.positions[self.list[i].at as usize..end])
    }
}

/// The inverted index over the headlines and clean texts of a slice of
/// articles (see the module header). Positions number the headline's
/// words from 0 and the text's from the headline's length plus one, so
/// that no phrase spans both.
#[derive(Clone, Debug, Default)]
pub struct Index {
    /// Term id by term (a folded, stemmed word).
    terms: FxHashMap<Box<str>, u32>,
    /// Term id by folded word as written, so each spelling is stemmed once.
    spellings: FxHashMap<Box<str>, u32>,
    /// Every term with its id, sorted: a prefix is a range of it.
    sorted: Vec<(Box<str>, u32)>,
    postings: Vec<Postings>,
    /// Per article: words in the headline.
    title_len: Vec<u32>,
    /// Per article: words in the text.
    text_len: Vec<u32>,
    /// Per article: where its checkpoints start in `checkpoints` (one more
    /// entry than articles).
    checkpoint_at: Vec<u32>,
    /// The byte offset of every [`CHECKPOINT`]th word of each text.
    checkpoints: Vec<u32>,
    /// Words in every headline and text.
    total_len: u64,
}

impl Index {
    /// Indexes `articles`; their ordinals in the slice are the index's.
    pub fn build(articles: &[Article]) -> Index {
        let mut index = Index { checkpoint_at: vec![0], ..Index::default() };
        index.extend(articles);
        index
    }

    /// Adds `more` articles after those indexed (a store only grows by
    /// appending, so the index of a longer slice is this one extended).
    pub fn extend(&mut self, more: &[Article]) {
        let mut fold_buf = String::new();
        // (term, position) of one article's words, sorted then grouped.
        let mut occurrences: Vec<(u32, u32)> = Vec::new();
        for a in more {
            let doc = self.title_len.len() as u32;
            occurrences.clear();
            let title = a.title.as_deref().unwrap_or("");
            let mut pos = 0u32;
            for (s, e) in tokens(title) {
                occurrences.push((self.term_of(&title[s..e], &mut fold_buf), pos));
                pos += 1;
            }
            let title_len = pos;
            pos += 1;
            for (k, (s, e)) in tokens(&a.text).enumerate() {
                if k % CHECKPOINT == 0 {
                    self.checkpoints.push(s as u32);
                }
                occurrences.push((self.term_of(&a.text[s..e], &mut fold_buf), pos));
                pos += 1;
            }
            let text_len = pos - title_len - 1;
            self.title_len.push(title_len);
            self.text_len.push(text_len);
            self.checkpoint_at.push(self.checkpoints.len() as u32);
            self.total_len += u64::from(title_len + text_len);
            occurrences.sort_unstable();
            for group in occurrences.chunk_by(|a, b| a.0 == b.0) {
                let postings = &mut self.postings[group[0].0 as usize];
                let in_title = group.iter().filter(|&&(_, p)| p < title_len).count() as u32;
                let freq = in_title * TITLE_WEIGHT + (group.len() as u32 - in_title);
                let at = postings.positions.len() as u32;
                postings.list.push(Posting { doc, freq, at });
                postings.positions.extend(group.iter().map(|&(_, p)| p));
            }
        }
        self.sorted = self.terms.iter().map(|(t, &id)| (t.clone(), id)).collect();
        self.sorted.sort_unstable();
    }

    /// The id of the term of `word` (as written), created if new.
    fn term_of(&mut self, word: &str, buf: &mut String) -> u32 {
        fold_into(word, buf);
        if let Some(&id) = self.spellings.get(buf.as_str()) {
            return id;
        }
        let stem = stemmer().stem(buf);
        let id = match self.terms.get(stem.as_ref()) {
            Some(&id) => id,
            None => {
                let id = self.postings.len() as u32;
                self.postings.push(Postings::default());
                self.terms.insert(stem.as_ref().into(), id);
                id
            }
        };
        self.spellings.insert(buf.as_str().into(), id);
        id
    }

    /// Articles indexed.
    pub fn len(&self) -> usize {
        self.title_len.len()
    }

    /// Whether no article is indexed.
    pub fn is_empty(&self) -> bool {
        self.title_len.is_empty()
    }

    /// Bytes held (postings, positions, dictionaries), roughly.
    pub fn heap_bytes(&self) -> usize {
        let strings: usize = self.sorted.iter().map(|(t, _)| t.len()).sum::<usize>() * 2
            + self.spellings.keys().map(|k| k.len()).sum::<usize>();
        let entry = std::mem::size_of::<(Box<str>, u32)>();
        let postings: usize = self
            .postings
            .iter()
            .map(|p| {
                p.list.capacity() * std::mem::size_of::<Posting>() + p.positions.capacity() * 4
            })
            .sum();
        strings
            + (self.terms.capacity() + self.spellings.capacity() + self.sorted.len()) * (entry + 8)
            + self.postings.len() * std::mem::size_of::<Postings>()
            + postings
            + (self.title_len.len() * 3 + self.checkpoints.len()) * 4
    }

    /// The ids of the terms a query word matches: its stem, or for a
    /// prefix every term starting with the word or with its stem.
    fn word_terms(&self, w: &QueryWord) -> Vec<u32> {
        if !w.prefix {
            return self.terms.get(w.stem.as_str()).map(|&id| vec![id]).unwrap_or_default();
        }
        let mut ids: Vec<u32> = Vec::new();
        for p in [&w.folded, &w.stem] {
            let from = self.sorted.partition_point(|(t, _)| t.as_ref() < p.as_str());
            ids.extend(
                self.sorted[from..]
                    .iter()
                    .take_while(|(t, _)| t.starts_with(p.as_str()))
                    .map(|&(_, id)| id),
            );
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The articles holding `atom`, by ordinal, with its weighted
    /// frequency in each.
    fn atom_docs(&self, atom: &[QueryWord]) -> Vec<(u32, u32)> {
        let words: Vec<Vec<u32>> = atom.iter().map(|w| self.word_terms(w)).collect();
        if words.iter().any(Vec::is_empty) {
            return Vec::new();
        }
        let docs: Vec<Vec<(u32, u32)>> = words.iter().map(|ids| self.union(ids)).collect();
        if atom.len() == 1 {
            return docs.into_iter().next().unwrap_or_default();
        }
        // A phrase: the articles holding every word, then its occurrences
        // counted on the positions.
        let candidates = intersect(docs.iter().map(|d| d.iter().map(|&(doc, _)| doc)));
        let mut out = Vec::new();
        let mut lists: Vec<Vec<u32>> = vec![Vec::new(); words.len()];
        for doc in candidates {
            for (ids, list) in words.iter().zip(&mut lists) {
                self.positions_into(ids, doc, list);
            }
            let title_len = self.title_len[doc as usize];
            let freq: u32 =
                phrase_starts(&lists).map(|p| if p < title_len { TITLE_WEIGHT } else { 1 }).sum();
            if freq > 0 {
                out.push((doc, freq));
            }
        }
        out
    }

    /// The postings of several terms merged: (article, summed frequency).
    fn union(&self, ids: &[u32]) -> Vec<(u32, u32)> {
        if let [id] = ids {
            return self.postings[*id as usize].list.iter().map(|p| (p.doc, p.freq)).collect();
        }
        let mut all: Vec<(u32, u32)> = ids
            .iter()
            .flat_map(|&id| self.postings[id as usize].list.iter().map(|p| (p.doc, p.freq)))
            .collect();
        all.sort_unstable_by_key(|&(doc, _)| doc);
        let mut out: Vec<(u32, u32)> = Vec::with_capacity(all.len());
        for (doc, freq) in all {
            match out.last_mut() {
                Some(last) if last.0 == doc => last.1 += freq,
                _ => out.push((doc, freq)),
            }
        }
        out
    }

    /// The sorted positions in `doc` of any of the terms `ids`, into `out`.
    fn positions_into(&self, ids: &[u32], doc: u32, out: &mut Vec<u32>) {
        out.clear();
        for &id in ids {
            out.extend_from_slice(self.postings[id as usize].positions_in(doc).unwrap_or(&[]));
        }
        if ids.len() > 1 {
            out.sort_unstable();
        }
    }

    /// The positions in `doc` that `query` marks: every occurrence of a
    /// word or prefix, every word of a phrase occurrence; as (position,
    /// atom number), sorted.
    fn marks_in(&self, query: &ParsedQuery, doc: u32) -> Vec<(u32, usize)> {
        let mut out = Vec::new();
        let mut lists: Vec<Vec<u32>> = Vec::new();
        for (n, atom) in query.atoms.iter().enumerate() {
            lists.resize(atom.len(), Vec::new());
            for (w, list) in atom.iter().zip(&mut lists) {
                self.positions_into(&self.word_terms(w), doc, list);
            }
            if atom.len() == 1 {
                out.extend(lists[0].iter().map(|&p| (p, n)));
            } else {
                for start in phrase_starts(&lists[..atom.len()]) {
                    out.extend((start..start + atom.len() as u32).map(|p| (p, n)));
                }
            }
        }
        out.sort_unstable();
        out.dedup_by_key(|&mut (p, _)| p);
        out
    }

    /// The ordinals of the articles that match `text`, sorted (no filter,
    /// no ranking): what a list filtered by words needs.
    pub fn matching(&self, text: &str) -> Vec<u32> {
        let query = parse(text);
        let docs: Vec<Vec<(u32, u32)>> = query.atoms.iter().map(|a| self.atom_docs(a)).collect();
        query.matches(&docs)
    }

    /// The ids of the articles of `articles` (the indexed slice) that match
    /// `text`.
    pub fn matching_ids(&self, articles: &[Article], text: &str) -> HashSet<ArticleId> {
        self.matching(text)
            .into_iter()
            .filter_map(|d| articles.get(d as usize))
            .map(|a| a.id)
            .collect()
    }

    /// Searches `articles`, the slice this index was built from: the
    /// matches that pass the filters, ranked, and the page asked for,
    /// marked. An empty page when the query has no words.
    pub fn search(&self, articles: &[Article], query: &SearchQuery) -> SearchPage {
        debug_assert_eq!(articles.len(), self.len(), "the index is of another slice");
        let parsed = parse(&query.text);
        let docs: Vec<Vec<(u32, u32)>> = parsed.atoms.iter().map(|a| self.atom_docs(a)).collect();
        let matched = parsed.matches(&docs);
        let n = self.len() as f64;
        let idf: Vec<f64> = docs
            .iter()
            .map(|d| {
                let hits = d.len() as f64;
                let idf = ((n - hits + 0.5) / (hits + 0.5)).ln();
                if idf <= 0.0 {
                    1e-6
                } else {
                    idf
                }
            })
            .collect();
        let avg_len = if n > 0.0 { self.total_len as f64 / n } else { 1.0 };
        let outlet = query.outlet.as_deref();
        let keep = |a: &Article| {
            query.from.is_none_or(|f| a.published.is_some_and(|d| d >= f))
                && query.to.is_none_or(|t| a.published.is_some_and(|d| d <= t))
                && outlet
                    .is_none_or(|o| a.outlet.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(o)))
                && query.only.as_ref().is_none_or(|only| only.contains(&a.id))
        };
        // The best `offset + limit` by (score, arrival): a max-heap whose
        // top is the worst kept.
        let want = query.offset.saturating_add(query.limit);
        let mut heap: BinaryHeap<Ranked> = BinaryHeap::with_capacity(want.min(matched.len()) + 1);
        let mut total = 0;
        // Where each atom's list was last read: matches come in order.
        let mut cursor = vec![0usize; docs.len()];
        for &doc in &matched {
            let Some(article) = articles.get(doc as usize) else { continue };
            if !keep(article) {
                continue;
            }
            total += 1;
            if want == 0 {
                continue;
            }
            let len = f64::from(self.title_len[doc as usize] + self.text_len[doc as usize]);
            let norm = K1 * (1.0 - B + B * len / avg_len);
            let mut score = 0.0;
            for ((list, at), idf) in docs.iter().zip(&mut cursor).zip(&idf) {
                *at += list[*at..].partition_point(|&(d, _)| d < doc);
                if let Some(&(d, freq)) = list.get(*at) {
                    if d == doc {
                        let f = f64::from(freq);
                        score += idf * f * (K1 + 1.0) / (f + norm);
                    }
                }
            }
            let ranked = Ranked { score: -score, doc };
            if heap.len() < want {
                heap.push(ranked);
            } else if heap.peek().is_some_and(|worst| ranked < *worst) {
                heap.pop();
                heap.push(ranked);
            }
        }
        let page: Vec<Ranked> =
            heap.into_sorted_vec().into_iter().skip(query.offset).take(query.limit).collect();
        let hits = page
            .into_iter()
            .map(|r| {
                let a = &articles[r.doc as usize];
                let marks = self.marks_in(&parsed, r.doc);
                Hit {
                    id: a.id,
                    score: (r.score * 1000.0).round() / 1000.0,
                    published: a.published,
                    outlet: a.outlet.clone(),
                    title: a.title.as_deref().map(|t| self.title_marked(t, r.doc, &marks)),
                    snippet: self.snippet(&a.text, r.doc, &marks, SNIPPET_WORDS),
                }
            })
            .collect();
        SearchPage { total, hits }
    }

    /// The headline with the words at the marked positions marked.
    fn title_marked(&self, title: &str, doc: u32, marks: &[(u32, usize)]) -> Marked {
        let title_len = self.title_len[doc as usize];
        let marked: Vec<u32> =
            marks.iter().map(|&(p, _)| p).take_while(|&p| p < title_len).collect();
        let ranges = tokens(title)
            .enumerate()
            .filter(|(i, _)| marked.binary_search(&(*i as u32)).is_ok())
            .map(|(_, (a, b))| a..b)
            .collect();
        Marked { text: title.to_string(), marks: joined(title, ranges) }
    }

    /// About `n` words of `text` (article `doc`'s) around its best marks:
    /// the window of `n` words holding the most different atoms (then the
    /// most marks), starting two words before its first mark; `…` where
    /// the text is cut. The start of the text when nothing is marked there.
    fn snippet(&self, text: &str, doc: u32, marks: &[(u32, usize)], n: usize) -> Marked {
        let d = doc as usize;
        let text_len = self.text_len[d] as usize;
        if text_len == 0 || n == 0 {
            return Marked::default();
        }
        // Text word numbers of the marks.
        let first_text = self.title_len[d] + 1;
        let hits: Vec<(usize, usize)> = marks
            .iter()
            .filter(|&&(p, _)| p >= first_text)
            .map(|&(p, atom)| ((p - first_text) as usize, atom))
            .collect();
        let mut best: Option<(usize, usize, usize)> = None; // (distinct, count, first word)
        let mut seen: Vec<usize> = Vec::new();
        for (k, &(first, _)) in hits.iter().enumerate() {
            let start = first.saturating_sub(2);
            seen.clear();
            let mut count = 0;
            for &(_, atom) in hits[k..].iter().take_while(|&&(i, _)| i < start + n) {
                count += 1;
                if !seen.contains(&atom) {
                    seen.push(atom);
                }
            }
            if best.is_none_or(|(d, c, _)| (seen.len(), count) > (d, c)) {
                best = Some((seen.len(), count, start));
            }
        }
        let start = best.map_or(0, |(_, _, s)| s.min(text_len.saturating_sub(n)));
        let end = (start + n).min(text_len);
        // The window's words, tokenized from the checkpoint before it.
        let checkpoint = start / CHECKPOINT;
        let base = self.checkpoints[self.checkpoint_at[d] as usize + checkpoint] as usize;
        let words: Vec<(usize, usize)> = tokens(&text[base..])
            .skip(start - checkpoint * CHECKPOINT)
            .take(end - start)
            .map(|(a, b)| (base + a, base + b))
            .collect();
        let (Some(&(from, _)), Some(&(_, to))) = (words.first(), words.last()) else {
            return Marked::default();
        };
        let mut out = Marked::default();
        if start > 0 {
            out.text.push('…');
        }
        let shift = out.text.len();
        out.text.push_str(&text[from..to]);
        if end < text_len {
            out.text.push('…');
        }
        let marks = hits.iter().filter(|&&(i, _)| (start..end).contains(&i)).map(|&(i, _)| {
            let (a, b) = words[i - start];
            a - from + shift..b - from + shift
        });
        out.marks = joined(&out.text, marks.collect());
        out
    }
}

/// A ranked match: lower score first, then arrival order.
#[derive(Clone, Copy, Debug)]
struct Ranked {
    score: f64,
    doc: u32,
}

impl PartialEq for Ranked {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Ranked {}
impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then(self.doc.cmp(&other.doc))
    }
}

/// The items present in every one of the sorted `lists`.
fn intersect<I: Iterator<Item = u32>>(lists: impl Iterator<Item = I>) -> Vec<u32> {
    let mut lists: Vec<Vec<u32>> = lists.map(Iterator::collect).collect();
    lists.sort_by_key(Vec::len);
    let Some((first, rest)) = lists.split_first() else { return Vec::new() };
    let mut at = vec![0usize; rest.len()];
    first
        .iter()
        .copied()
        .filter(|&x| {
            rest.iter().zip(&mut at).all(|(list, i)| {
                *i += list[*i..].partition_point(|&y| y < x);
                list.get(*i) == Some(&x)
            })
        })
        .collect()
}

/// The positions where a phrase starts, given the sorted positions of each
/// of its words: `p` such that word `j` is at `p + j`.
fn phrase_starts(lists: &[Vec<u32>]) -> impl Iterator<Item = u32> + '_ {
    let (first, rest) = lists.split_first().map_or((&[][..], &[][..]), |(f, r)| (&f[..], r));
    first.iter().copied().filter(move |&p| {
        rest.iter().enumerate().all(|(j, list)| list.binary_search(&(p + j as u32 + 1)).is_ok())
    })
}

/// A word of a query: folded as written, its stem, and whether it is a
/// prefix (`word*`).
#[derive(Clone, Debug, PartialEq, Eq)]
struct QueryWord {
    folded: String,
    stem: String,
    prefix: bool,
}

impl QueryWord {
    /// Whether this word matches an indexed term: the same stem, or for a
    /// prefix a term starting with the word or its stem.
    #[cfg(test)]
    fn matches(&self, term: &str) -> bool {
        if self.prefix {
            term.starts_with(self.folded.as_str()) || term.starts_with(self.stem.as_str())
        } else {
            term == self.stem
        }
    }
}

/// A query read into atoms (a word, a prefix or a phrase: its words) and
/// groups of atoms: an article matches when it holds every atom of some
/// group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct ParsedQuery {
    atoms: Vec<Vec<QueryWord>>,
    /// Atom numbers, per group.
    groups: Vec<Vec<usize>>,
}

impl ParsedQuery {
    /// The sorted ordinals matching some group, given each atom's articles.
    fn matches(&self, docs: &[Vec<(u32, u32)>]) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        for group in &self.groups {
            let found = intersect(group.iter().map(|&a| docs[a].iter().map(|&(d, _)| d)));
            if out.is_empty() {
                out = found;
            } else {
                out.extend(found);
                out.sort_unstable();
                out.dedup();
            }
        }
        out
    }
}

/// Reads a typed query: every word or `"phrase"` is a term (its words: a
/// word such as `no-fly` is a phrase of two), a trailing `*` makes the last
/// word a prefix, `OR` between two terms starts another group (elsewhere it
/// is the word "or"); a term with no letter or digit is dropped. No input
/// is an error.
fn parse(text: &str) -> ParsedQuery {
    let mut query = ParsedQuery::default();
    let mut group: Vec<usize> = Vec::new();
    let mut buf = String::new();
    for (term, prefix, last) in typed_terms(text) {
        if term == "OR" && !group.is_empty() && !last {
            query.groups.push(std::mem::take(&mut group));
            continue;
        }
        let parts: Vec<(usize, usize)> = tokens(term).collect();
        if parts.is_empty() {
            continue;
        }
        let words = parts
            .iter()
            .enumerate()
            .map(|(i, &(a, b))| {
                fold_into(&term[a..b], &mut buf);
                QueryWord {
                    stem: stemmer().stem(&buf).into_owned(),
                    folded: buf.clone(),
                    // Only the last word of `word*` is a prefix.
                    prefix: prefix && i + 1 == parts.len(),
                }
            })
            .collect();
        group.push(query.atoms.len());
        query.atoms.push(words);
    }
    if !group.is_empty() {
        query.groups.push(group);
    }
    query
}

/// The terms of a typed query in order, as `(term, prefix, last)`: a
/// `"phrase"` (without its quotes) or a whitespace-separated word with its
/// trailing `*`s cut (`prefix` then), and whether nothing follows it.
fn typed_terms(text: &str) -> impl Iterator<Item = (&str, bool, bool)> {
    let mut rest = text.trim();
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (term, prefix, after) = if let Some(inner) = rest.strip_prefix('"') {
            let end = inner.find('"').unwrap_or(inner.len());
            let after = inner.get(end + 1..).unwrap_or("");
            // `"kerr"*` is a prefix too.
            let stripped = after.trim_start_matches('*');
            (&inner[..end], stripped.len() < after.len(), stripped)
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            let word = &rest[..end];
            let stripped = word.trim_end_matches('*');
            (stripped, stripped.len() < word.len(), &rest[end..])
        };
        rest = after.trim_start();
        Some((term, prefix, rest.is_empty()))
    })
}

fn stemmer() -> &'static rust_stemmers::Stemmer {
    static STEMMER: std::sync::OnceLock<rust_stemmers::Stemmer> = std::sync::OnceLock::new();
    STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
}

/// Byte spans of the words of `text`: runs of letters and digits (any
/// script), ASCII read a byte at a time.
fn tokens(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let bytes = text.as_bytes();
    let mut at = 0;
    // Whether a letter or digit starts at `i`, and its length.
    let word_char = move |i: usize| -> (bool, usize) {
        let b = bytes[i];
        if b < 0x80 {
            (b.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[i..].chars().next().unwrap_or(' ');
            (c.is_alphanumeric(), c.len_utf8())
        }
    };
    std::iter::from_fn(move || {
        while at < bytes.len() {
            let (is_word, len) = word_char(at);
            if is_word {
                break;
            }
            at += len;
        }
        if at >= bytes.len() {
            return None;
        }
        let start = at;
        while at < bytes.len() {
            let (is_word, len) = word_char(at);
            if !is_word {
                break;
            }
            at += len;
        }
        Some((start, at))
    })
}

/// `word` lowercased with the common Latin diacritics removed, into `out`.
fn fold_into(word: &str, out: &mut String) {
    out.clear();
    if word.is_ascii() {
        out.push_str(word);
        out.make_ascii_lowercase();
    } else {
        out.extend(word.chars().flat_map(char::to_lowercase).map(fold_char));
    }
}

/// One lowercase character with its diacritic removed.
fn fold_char(c: char) -> char {
    match c {
        'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ā' => 'a',
        'é' | 'è' | 'ê' | 'ë' | 'ē' => 'e',
        'í' | 'ì' | 'î' | 'ï' => 'i',
        'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' => 'o',
        'ú' | 'ù' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ý' | 'ÿ' => 'y',
        c => c,
    }
}

/// Marks joined across what joins words without a space ("cease-fire",
/// "U.S."), so a hyphenated word reads as one mark.
fn joined(text: &str, marks: Vec<Range<usize>>) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::with_capacity(marks.len());
    for m in marks {
        match out.last_mut() {
            Some(last)
                if text[last.end..m.start]
                    .chars()
                    .all(|c| !c.is_whitespace() && !c.is_alphanumeric()) =>
            {
                last.end = m.end
            }
            _ => out.push(m),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Format, Origin};

    /// An article with exactly this headline and text (no pipeline).
    fn doc(n: u64, title: Option<&str>, text: &str) -> Article {
        Article {
            id: ArticleId(n),
            origin: Origin::file(format!("{n}.txt")),
            format: Format::Text,
            title: title.map(str::to_string),
            outlet: None,
            original_outlet: None,
            author: None,
            published: None,
            published_source: None,
            modified: None,
            fetched: None,
            language: None,
            url: None,
            raw: String::new(),
            text: text.to_string(),
            offsets: Default::default(),
            diagnostics: vec![],
        }
    }

    fn fixtures() -> Vec<Article> {
        let mut a = vec![
            doc(
                1,
                Some("Ferry crews strike over pay"),
                "The harbour ferries stopped on Monday as crews walked out, the union said.",
            ),
            doc(
                2,
                Some("Council approves new bridge"),
                "The council voted for a bridge that will replace the ferry crossing by 2025.",
            ),
            doc(
                3,
                Some("Orchard harvest falls"),
                "Apple growers picked a third less fruit after the late frost.",
            ),
        ];
        for (a, (outlet, day)) in
            a.iter_mut().zip([("Harbour News", 1), ("Gazette", 4), ("Gazette", 9)])
        {
            a.outlet = Some(outlet.into());
            a.published = NaiveDate::from_ymd_opt(2021, 3, day);
        }
        a
    }

    fn query(text: &str) -> SearchQuery {
        SearchQuery { text: text.into(), limit: 10, ..Default::default() }
    }

    fn ids(page: &SearchPage) -> Vec<u64> {
        page.hits.iter().map(|h| h.id.0).collect()
    }

    fn sorted(page: &SearchPage) -> Vec<u64> {
        let mut ids = ids(page);
        ids.sort_unstable();
        ids
    }

    fn marked_words(m: &Marked) -> Vec<&str> {
        m.marks.iter().map(|r| &m.text[r.clone()]).collect()
    }

    #[test]
    fn ranks_as_fts5_bm25_did_with_the_headline_weighted_four_times() {
        // Words that Porter (FTS5) and Snowball stem alike, so both indexes
        // hold the same terms; SQLite's own BM25 is the reference.
        let articles = vec![
            doc(1, Some("Harbour strike"), "The crews walked out of the harbour at dawn."),
            doc(2, None, "A strike closed the harbour, and the strike spread to the docks."),
            doc(3, Some("Docks"), "The harbour was quiet."),
            doc(
                4,
                Some("Weather"),
                "Rain over the hills and a cold wind from the sea all day long.",
            ),
            doc(5, None, "Strike talks failed again today at the port."),
        ];
        let index = Index::build(&articles);
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.execute_batch(
            "CREATE VIRTUAL TABLE t USING fts5(title, text,
             tokenize = 'porter unicode61 remove_diacritics 2');",
        )
        .unwrap();
        for a in &articles {
            conn.execute(
                "INSERT INTO t (rowid, title, text) VALUES (?1, ?2, ?3)",
                rusqlite::params![a.id.0 as i64, a.title, a.text],
            )
            .unwrap();
        }
        for q in ["harbour", "strike", "harbour strike", "strike OR docks", "\"the harbour\""] {
            let fts = q.replace("strike", "\"strike\"").replace("harbour", "\"harbour\"");
            let fts = if q.starts_with('"') { q.to_string() } else { fts };
            let mut stmt = conn
                .prepare(
                    "SELECT rowid, bm25(t, 4.0, 1.0) AS s FROM t WHERE t MATCH ?1 ORDER BY s, rowid",
                )
                .unwrap();
            let want: Vec<(u64, f64)> = stmt
                .query_map([fts], |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, f64>(1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            let page = index.search(&articles, &query(q));
            let got: Vec<(u64, f64)> = page.hits.iter().map(|h| (h.id.0, h.score)).collect();
            assert_eq!(got.len(), want.len(), "{q}: {got:?} vs {want:?}");
            for ((gid, gs), (wid, ws)) in got.iter().zip(&want) {
                assert_eq!(gid, wid, "{q}: {got:?} vs {want:?}");
                assert!((gs - ws).abs() < 1e-3, "{q}: {got:?} vs {want:?}");
            }
        }
        // The headline counts 4×: the article with "strike" in its headline
        // beats the one saying it twice in a longer text.
        assert_eq!(ids(&index.search(&articles, &query("strike")))[0], 1);
    }

    #[test]
    fn words_stems_prefixes_phrases_and_or() {
        let articles = fixtures();
        let index = Index::build(&articles);
        let search = |q: &str| index.search(&articles, &query(q));
        // Stemming: "ferry" matches "ferries"; the headline hit ranks first.
        let page = search("ferry");
        assert_eq!(ids(&page), [1, 2]);
        assert_eq!(marked_words(page.hits[0].title.as_ref().unwrap()), ["Ferry"]);
        assert_eq!(marked_words(&page.hits[0].snippet), ["ferries"]);
        assert_eq!(marked_words(&page.hits[1].snippet), ["ferry"]);
        // AND, OR (loosest), prefixes, diacritics.
        assert_eq!(search("ferry council").total, 1);
        assert_eq!(ids(&search("frost OR strike")), [1, 3]);
        assert_eq!(ids(&search("ferry council OR frost")), [2, 3]);
        assert_eq!(ids(&search("orch*")), [3]);
        assert_eq!(ids(&search("\"harb\"*")), [1]);
        assert_eq!(search("ORCHÁRD").total, 1);
        // Phrases match words in a row, not anywhere.
        assert_eq!(ids(&search("\"ferry crossing\"")), [2]);
        assert_eq!(search("\"crossing ferry\"").total, 0);
        let phrase = search("\"crews walked\"");
        assert_eq!(marked_words(&phrase.hits[0].snippet), ["crews", "walked"]);
        assert_eq!(marked_words(phrase.hits[0].title.as_ref().unwrap()), Vec::<&str>::new());
        // A phrase never spans the headline and the text.
        assert_eq!(search("\"pay the\"").total, 0);
        // Hostile input is words, never syntax; OR at an end is a word.
        assert_eq!(search("\"ferry)(* NEAR/ -").total, 0);
        assert_eq!(search("OR").total, 0);
        assert_eq!(search("  - : * ").total, 0);
        assert_eq!(parse("a OR"), parse("a or"));
    }

    #[test]
    fn filters_and_paging() {
        let articles = fixtures();
        let index = Index::build(&articles);
        let with = |f: &dyn Fn(&mut SearchQuery)| {
            let mut q = query("ferry OR frost");
            f(&mut q);
            index.search(&articles, &q)
        };
        assert_eq!(with(&|_| ()).total, 3);
        assert_eq!(sorted(&with(&|q| q.from = NaiveDate::from_ymd_opt(2021, 3, 2))), [2, 3]);
        assert_eq!(sorted(&with(&|q| q.to = NaiveDate::from_ymd_opt(2021, 3, 4))), [1, 2]);
        assert_eq!(sorted(&with(&|q| q.outlet = Some("gazette".into()))), [2, 3]);
        assert_eq!(sorted(&with(&|q| q.only = Some([ArticleId(3)].into_iter().collect()))), [3]);
        // Paging keeps the total and the order.
        let all = ids(&with(&|_| ()));
        let second = with(&|q| (q.offset, q.limit) = (1, 1));
        assert_eq!((second.total, ids(&second)), (3, vec![all[1]]));
        assert_eq!(with(&|q| q.offset = 5).hits.len(), 0);
        assert_eq!(with(&|q| q.limit = 0).total, 3);
        // The ids of a word filter.
        let expected: HashSet<ArticleId> = [ArticleId(1), ArticleId(2)].into_iter().collect();
        assert_eq!(index.matching_ids(&articles, "ferries"), expected);
    }

    #[test]
    fn an_extended_index_equals_one_built_at_once() {
        let articles = fixtures();
        let mut index = Index::build(&articles[..1]);
        index.extend(&articles[1..]);
        let whole = Index::build(&articles);
        for q in ["ferry", "the", "orch*", "\"the council\"", "ferry OR apple"] {
            assert_eq!(index.search(&articles, &query(q)), whole.search(&articles, &query(q)));
        }
    }

    #[test]
    fn snippets_show_the_window_with_the_most_terms() {
        // Forty filler words, then both terms close together: the window
        // holding both wins over an earlier lone match. The window lies
        // past the first checkpoint, so it is re-read from there.
        let filler = "word ".repeat(40);
        let text = format!(
            "A ferry left. {filler}The strike stopped every ferry today. {filler}{filler}End."
        );
        let articles = vec![doc(1, Some("Ferries halted as strikers walk out"), &text)];
        let index = Index::build(&articles);
        let hit = &index.search(&articles, &query("ferry strike*")).hits[0];
        assert_eq!(marked_words(hit.title.as_ref().unwrap()), ["Ferries", "strikers"]);
        assert_eq!(
            hit.snippet.text,
            format!(
                "…word The strike stopped every ferry today. {}…",
                "word ".repeat(25).trim_end()
            )
        );
        assert_eq!(marked_words(&hit.snippet), ["strike", "ferry"]);
        // Only a headline match: the text's start.
        let hit = &index.search(&articles, &query("halted")).hits[0];
        assert!(hit.snippet.text.starts_with("A ferry left. word") && hit.snippet.marks.is_empty());
        // A hyphenated word is one mark.
        let articles = vec![doc(1, None, "A cease-fire holds.")];
        let index = Index::build(&articles);
        let hit = &index.search(&articles, &query("cease-fire")).hits[0];
        assert_eq!(marked_words(&hit.snippet), ["cease-fire"]);
    }

    /// Texts of a few words that stem, fold and join in different ways.
    const WORDS: &str =
        "((ferry|ferries|strike|striker|crew|café|the|or|OR|a|x2|über)[ ,.\\-\"]{1,2}){0,30}";

    proptest::proptest! {
        #[test]
        fn queries_never_panic_and_every_hit_holds_a_query_term(
            docs in proptest::collection::vec((WORDS, WORDS), 1..6),
            q in "[a-zé*\" OR\\-]{0,24}",
            any in "\\PC{0,40}",
        ) {
            let articles: Vec<Article> = docs
                .iter()
                .enumerate()
                .map(|(i, (title, text))| doc(i as u64, Some(title), text))
                .collect();
            let index = Index::build(&articles);
            let _ = index.search(&articles, &query(&any));
            let parsed = parse(&q);
            let page = index.search(&articles, &query(&q));
            proptest::prop_assert_eq!(page.total, index.matching(&q).len());
            let words: Vec<&QueryWord> = parsed.atoms.iter().flatten().collect();
            for hit in &page.hits {
                let marks: Vec<&str> = hit
                    .title
                    .iter()
                    .chain([&hit.snippet])
                    .flat_map(|m| m.marks.iter().map(|r| &m.text[r.clone()]))
                    .collect();
                proptest::prop_assert!(!marks.is_empty(), "a hit of {:?} with nothing marked", q);
                for mark in marks {
                    for (a, b) in tokens(mark) {
                        let mut folded = String::new();
                        fold_into(&mark[a..b], &mut folded);
                        let stem = stemmer().stem(&folded);
                        proptest::prop_assert!(
                            words.iter().any(|w| w.matches(&stem)),
                            "{mark:?} in a hit of {q:?}"
                        );
                    }
                }
            }
        }
    }
}
