//! Full-text search over the stored articles.
//!
//! Input: a query as a reader types it (`oil spill`, `"no-fly zone"`,
//! `kerr*`, `ceasefire OR truce`) and filters (dates, outlet, a set of
//! articles). Output: a [`SearchPage`]: the total and one page of [`Hit`]s,
//! best first, each with its headline and a snippet marked where it matched.
//! Method: an SQLite FTS5 index over headline and clean text (Porter
//! stemming, diacritics folded), filled by the store as articles are
//! inserted (external content: the text is stored once, in `articles`).
//! Ranking is BM25 with the headline weighted 4×. The query is rewritten
//! into quoted FTS5 terms, so no input can be an FTS5 syntax error.

use std::collections::HashSet;
use std::ops::Range;

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use crate::error::Result;
use crate::model::{Article, ArticleId};
use crate::store::Store;

/// The index, created with the rest of the schema (version 3).
pub(crate) const SCHEMA: &str = "
CREATE VIRTUAL TABLE IF NOT EXISTS articles_fts USING fts5(
    title, text,
    content = 'articles', content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);";

/// Builds the index over every stored article (the upgrade from version 2).
pub(crate) const REBUILD: &str = "INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');";

/// Indexes one article just inserted as row `seq`.
pub(crate) fn index_article(conn: &Connection, seq: i64, a: &Article) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO articles_fts (rowid, title, text) VALUES (?1, ?2, ?3)")?
        .execute(params![seq, a.title, a.text])?;
    Ok(())
}

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
    /// BM25 score: lower is better (SQLite's sign convention), rounded.
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

/// Rewrites a typed query into FTS5 syntax: every word or `"phrase"`
/// becomes a quoted string (so `-`, `:` or a stray quote are never
/// operators), a trailing `*` stays a prefix search, and `OR` between two
/// terms stays an OR (elsewhere it is a word); everything else is ANDed. `None` when no word is left.
pub fn fts_query(text: &str) -> Option<String> {
    let mut terms: Vec<String> = Vec::new();
    for (term, prefix, last) in typed_terms(text) {
        if term == "OR" && !terms.is_empty() && !last {
            terms.push("OR".into());
            continue;
        }
        // Only words count: a term of punctuation alone matches nothing.
        if !term.chars().any(char::is_alphanumeric) {
            continue;
        }
        let quoted = format!("\"{}\"{}", term.replace('"', "\"\""), if prefix { "*" } else { "" });
        terms.push(quoted);
    }
    (!terms.is_empty()).then(|| terms.join(" "))
}

/// The terms of a typed query in order, as `(term, prefix, last)`: a
/// `"phrase"` (without its quotes) or a whitespace-separated word with its
/// trailing `*`s cut (`prefix` then), and whether nothing follows it.
/// [`fts_query`] and [`Terms::new`] read a query the same way through it.
fn typed_terms(text: &str) -> impl Iterator<Item = (&str, bool, bool)> {
    let mut rest = text.trim();
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let (term, prefix, after) = if let Some(inner) = rest.strip_prefix('"') {
            let end = inner.find('"').unwrap_or(inner.len());
            (&inner[..end], false, inner.get(end + 1..).unwrap_or(""))
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

/// The words of a typed query, folded, for marking matches in text: each
/// term is one word or the words of a phrase; `prefix` for `word*`.
#[derive(Clone, Debug, Default)]
pub struct Terms {
    words: Vec<TermWord>,
}

#[derive(Clone, Debug)]
struct TermWord {
    /// The term number (the words of a phrase share it).
    term: usize,
    folded: String,
    stem: String,
    prefix: bool,
}

impl Terms {
    /// The terms of `text`, read as [`fts_query`] reads them.
    pub fn new(text: &str) -> Terms {
        let mut words = Vec::new();
        let mut term = 0;
        for (phrase, prefix, _) in typed_terms(text) {
            if phrase == "OR" {
                continue;
            }
            let mut any = false;
            let parts: Vec<(usize, usize)> = tokens(phrase).collect();
            for (i, &(a, b)) in parts.iter().enumerate() {
                let folded = fold(&phrase[a..b]);
                let stem = stemmer().stem(&folded).into_owned();
                // Only the last word of `word*` is a prefix.
                let prefix = prefix && i + 1 == parts.len();
                words.push(TermWord { term, folded, stem, prefix });
                any = true;
            }
            term += usize::from(any);
        }
        Terms { words }
    }

    /// The term a folded word of the text matches, if any: the same word,
    /// the same stem, or a word the prefix starts.
    fn matches(&self, word: &str) -> Option<usize> {
        let folded = fold(word);
        let mut stem: Option<String> = None;
        for t in &self.words {
            if folded == t.folded || (t.prefix && folded.starts_with(&t.folded)) {
                return Some(t.term);
            }
            // Words of one stem share all but its last letter ("ferri" is
            // the stem of "ferry" and "ferries"): a cheap test first.
            let key = t.stem.char_indices().last().map_or(0, |(i, _)| i).max(1);
            if folded.len() >= key && folded.as_bytes().starts_with(&t.stem.as_bytes()[..key]) {
                let s = stem.get_or_insert_with(|| stemmer().stem(&folded).into_owned());
                if *s == t.stem {
                    return Some(t.term);
                }
            }
        }
        None
    }

    /// Whether no word was found in the query.
    pub fn is_empty(&self) -> bool {
        self.words.is_empty()
    }
}

fn stemmer() -> &'static rust_stemmers::Stemmer {
    static STEMMER: std::sync::OnceLock<rust_stemmers::Stemmer> = std::sync::OnceLock::new();
    STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
}

/// Byte spans of the words of `text` (runs of letters and digits), as the
/// index's `unicode61` tokenizer cuts them.
fn tokens(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        let rest = &text[at..];
        let start = at + rest.find(char::is_alphanumeric)?;
        let len = text[start..].find(|c: char| !c.is_alphanumeric()).unwrap_or(text.len() - start);
        at = start + len;
        Some((start, at))
    })
}

/// A word lowercased with the common Latin diacritics removed (the index
/// folds them too).
fn fold(word: &str) -> String {
    word.chars().flat_map(char::to_lowercase).map(fold_char).collect()
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

/// `text` with every word that matches `terms` marked (a headline).
pub fn highlight(text: &str, terms: &Terms) -> Marked {
    let marks = tokens(text).filter(|&(a, b)| terms.matches(&text[a..b]).is_some());
    let marks = joined(text, marks.map(|(a, b)| a..b).collect());
    Marked { text: text.to_string(), marks }
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

/// About `n` words of `text` around its best matches of `terms`, marked:
/// the window of `n` words holding the most different terms (then the most
/// matches), starting two words before its first match; `…` where the text
/// is cut. The start of the text when nothing matches.
pub fn snippet(text: &str, terms: &Terms, n: usize) -> Marked {
    let words: Vec<(usize, usize)> = tokens(text).collect();
    if words.is_empty() || n == 0 {
        return Marked::default();
    }
    // Only words whose first letter starts some term can match.
    let firsts: Vec<char> = terms.words.iter().filter_map(|t| t.folded.chars().next()).collect();
    let hits: Vec<(usize, usize)> = words
        .iter()
        .enumerate()
        .filter(|(_, &(a, _))| {
            let first = text[a..].chars().next().and_then(|c| c.to_lowercase().next());
            first.is_some_and(|c| firsts.contains(&fold_char(c)))
        })
        .filter_map(|(i, &(a, b))| Some((i, terms.matches(&text[a..b])?)))
        .collect();
    let mut best: Option<(usize, usize, usize)> = None; // (distinct, count, first word)
    for (k, &(first, _)) in hits.iter().enumerate() {
        let start = first.saturating_sub(2);
        let mut seen: Vec<usize> = Vec::new();
        let mut count = 0;
        for &(i, term) in hits[k..].iter().take_while(|&&(i, _)| i < start + n) {
            let _ = i;
            count += 1;
            if !seen.contains(&term) {
                seen.push(term);
            }
        }
        if best.is_none_or(|(d, c, _)| (seen.len(), count) > (d, c)) {
            best = Some((seen.len(), count, start));
        }
    }
    let start = best.map_or(0, |(_, _, s)| s.min(words.len().saturating_sub(n)));
    let end = (start + n).min(words.len());
    let (from, to) = (words[start].0, words[end - 1].1);
    let mut out = Marked::default();
    if start > 0 {
        out.text.push('…');
    }
    let shift = out.text.len();
    out.text.push_str(&text[from..to]);
    if end < words.len() {
        out.text.push('…');
    }
    let marks = hits.iter().filter(|&&(i, _)| (start..end).contains(&i)).map(|&(i, _)| {
        let (a, b) = words[i];
        a - from + shift..b - from + shift
    });
    out.marks = joined(&out.text, marks.collect());
    out
}

impl Store {
    /// Searches the stored articles; an empty page when the query has no
    /// words. Only the page shown is read and marked.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchPage> {
        let Some(fts) = fts_query(&query.text) else { return Ok(SearchPage::default()) };
        let conn = self.conn();
        let err = |e| crate::Error::Store { path: self.path().to_path_buf(), source: e };
        let filtered = query.from.is_some() || query.to.is_some() || query.outlet.is_some();
        let dates = (query.from.map(|d| d.to_string()), query.to.map(|d| d.to_string()));
        // The filters on the articles table; the join is made only when one
        // is set, as it reads every matching article's row.
        let join = if filtered {
            "JOIN articles ON articles.seq = articles_fts.rowid
             WHERE articles_fts MATCH ?1
               AND (?2 IS NULL OR articles.published >= ?2)
               AND (?3 IS NULL OR articles.published <= ?3)
               AND (?4 IS NULL OR lower(articles.outlet) = lower(?4))"
        } else {
            "WHERE articles_fts MATCH ?1 AND ?2 IS ?2 AND ?3 IS ?3 AND ?4 IS ?4"
        };
        let args = params![fts, dates.0, dates.1, query.outlet];
        let ranked_sql = format!(
            "SELECT articles_fts.rowid, bm25(articles_fts, 4.0, 1.0) AS score FROM articles_fts
             {join} ORDER BY score, articles_fts.rowid"
        );
        let row = |r: &rusqlite::Row<'_>| Ok((r.get::<_, i64>(0)?, r.get::<_, f64>(1)?));
        let (total, ranked): (usize, Vec<(i64, f64)>) = match &query.only {
            // A set of articles: rank every match, keep the set's.
            Some(only) => {
                let mut seq_of =
                    conn.prepare_cached("SELECT seq FROM articles WHERE id = ?1").map_err(err)?;
                let mut seqs = HashSet::new();
                for id in only {
                    if let Some(seq) = seq_of
                        .query_row([id.to_string()], |r| r.get::<_, i64>(0))
                        .optional()
                        .map_err(err)?
                    {
                        seqs.insert(seq);
                    }
                }
                let mut stmt = conn.prepare_cached(&ranked_sql).map_err(err)?;
                let all = stmt.query_map(args, row).map_err(err)?;
                let mut kept = Vec::new();
                for r in all {
                    let r = r.map_err(err)?;
                    if seqs.contains(&r.0) {
                        kept.push(r);
                    }
                }
                let total = kept.len();
                (total, kept.into_iter().skip(query.offset).take(query.limit).collect())
            }
            // Otherwise SQLite counts, and keeps only the page while ranking.
            None => {
                let total: i64 = conn
                    .prepare_cached(&format!("SELECT count(*) FROM articles_fts {join}"))
                    .map_err(err)?
                    .query_row(args, |r| r.get(0))
                    .map_err(err)?;
                let limit = i64::try_from(query.limit).unwrap_or(i64::MAX);
                let offset = i64::try_from(query.offset).unwrap_or(i64::MAX);
                let mut stmt = conn
                    .prepare_cached(&format!("{ranked_sql} LIMIT ?5 OFFSET ?6"))
                    .map_err(err)?;
                let page = stmt
                    .query_map(params![fts, dates.0, dates.1, query.outlet, limit, offset], row)
                    .map_err(err)?;
                (total as usize, page.collect::<rusqlite::Result<_>>().map_err(err)?)
            }
        };
        let terms = Terms::new(&query.text);
        let mut page = SearchPage { total, hits: Vec::with_capacity(ranked.len()) };
        let mut detail = conn
            .prepare_cached(
                "SELECT id, title, text, published, outlet FROM articles WHERE seq = ?1",
            )
            .map_err(err)?;
        for (seq, score) in ranked {
            let hit = detail
                .query_row([seq], |r| {
                    let id: String = r.get(0)?;
                    let title: Option<String> = r.get(1)?;
                    let text: String = r.get(2)?;
                    let published: Option<String> = r.get(3)?;
                    Ok(Hit {
                        id: ArticleId::parse(&id).unwrap_or(ArticleId(0)),
                        score: (score * 1000.0).round() / 1000.0,
                        title: title.map(|t| highlight(&t, &terms)),
                        snippet: snippet(&text, &terms, SNIPPET_WORDS),
                        published: published
                            .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                        outlet: r.get(4)?,
                    })
                })
                .map_err(err)?;
            page.hits.push(hit);
        }
        Ok(page)
    }

    /// Every article that matches `text` (no ranking, no snippets): what a
    /// list filtered by words needs. The index gives row numbers; they are
    /// turned into ids through the id index, as reading the matching rows
    /// themselves would read their texts (50 ms for a common word).
    pub fn search_ids(&self, text: &str) -> Result<HashSet<ArticleId>> {
        let Some(fts) = fts_query(text) else { return Ok(HashSet::new()) };
        let conn = self.conn();
        let err = |e| crate::Error::Store { path: self.path().to_path_buf(), source: e };
        let mut stmt = conn
            .prepare_cached("SELECT rowid FROM articles_fts WHERE articles_fts MATCH ?1")
            .map_err(err)?;
        let seqs = stmt
            .query_map([fts], |r| r.get::<_, i64>(0))
            .map_err(err)?
            .collect::<rusqlite::Result<HashSet<i64>>>()
            .map_err(err)?;
        let mut out = HashSet::with_capacity(seqs.len());
        if seqs.is_empty() {
            return Ok(out);
        }
        // A scan of the covering index on `id` (it holds `seq` too).
        let mut all = conn.prepare_cached("SELECT seq, id FROM articles").map_err(err)?;
        let rows = all
            .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
            .map_err(err)?;
        for row in rows {
            let (seq, id) = row.map_err(err)?;
            if seqs.contains(&seq) {
                out.extend(ArticleId::parse(&id));
            }
        }
        Ok(out)
    }
}

/// Words in a hit's snippet.
const SNIPPET_WORDS: usize = 32;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tests::article;

    fn fixtures() -> Vec<Article> {
        vec![
            article(
                "a/2021-03-01/1.txt",
                "Ferry crews strike over pay\n\nThe harbour ferries stopped on Monday as crews walked out, the union said.\n",
            ),
            article(
                "b/2021-03-04/2.txt",
                "Council approves new bridge\n\nThe council voted for a bridge that will replace the ferry crossing by 2025.\n",
            ),
            article(
                "c/2021-03-09/3.txt",
                "Orchard harvest falls\n\nApple growers picked a third less fruit after the late frost.\n",
            ),
        ]
    }

    fn search(store: &Store, text: &str) -> SearchPage {
        store.search(&SearchQuery { text: text.into(), limit: 10, ..Default::default() }).unwrap()
    }

    fn marked_words(m: &Marked) -> Vec<&str> {
        m.marks.iter().map(|r| &m.text[r.clone()]).collect()
    }

    #[test]
    fn snippets_mark_words_stems_and_prefixes_in_the_best_window() {
        let terms = Terms::new("ferry strike*");
        let title = highlight("Ferries halted as strikers walk out", &terms);
        assert_eq!(marked_words(&title), ["Ferries", "strikers"]);
        // Forty filler words, then both terms close together: the window
        // holding both wins over an earlier lone match.
        let filler = "word ".repeat(40);
        let text =
            format!("A ferry left. {filler}The strike stopped every ferry today. {filler}End.");
        let s = snippet(&text, &terms, 8);
        assert_eq!(marked_words(&s), ["strike", "ferry"]);
        assert!(s.text.starts_with('…') && s.text.ends_with('…'), "{}", s.text);
        assert_eq!(s.text, "…word The strike stopped every ferry today. word…");
        // Diacritics and case fold; no match gives the start of the text.
        assert_eq!(marked_words(&snippet("Café CAFÉ cafe", &Terms::new("cafe"), 32)).len(), 3);
        let none = snippet("Nothing here at all", &terms, 2);
        assert_eq!((none.text.as_str(), none.marks.len()), ("Nothing here…", 0));
        assert!(Terms::new(" - : ").is_empty());
        let hyphen = highlight("A cease-fire holds", &Terms::new("cease-fire"));
        assert_eq!(marked_words(&hyphen), ["cease-fire"]);
    }

    proptest::proptest! {
        #[test]
        fn snippets_never_panic_and_mark_inside_their_text(
            text in "\\PC{0,300}",
            query in "[a-zé*\" ]{0,20}",
            n in 0usize..40,
        ) {
            let terms = Terms::new(&query);
            for m in [snippet(&text, &terms, n), highlight(&text, &terms)] {
                for r in &m.marks {
                    proptest::prop_assert!(r.start < r.end && m.text.get(r.clone()).is_some());
                }
            }
        }
    }

    #[test]
    fn queries_are_rewritten_into_safe_terms() {
        assert_eq!(fts_query("oil spill").as_deref(), Some("\"oil\" \"spill\""));
        assert_eq!(
            fts_query("\"no-fly zone\" kerr*").as_deref(),
            Some("\"no-fly zone\" \"kerr\"*")
        );
        assert_eq!(fts_query("a OR b").as_deref(), Some("\"a\" OR \"b\""));
        // An OR with nothing on one side is a word.
        assert_eq!(fts_query("OR x OR").as_deref(), Some("\"OR\" \"x\" \"OR\""));
        assert_eq!(fts_query("\"unclosed phrase").as_deref(), Some("\"unclosed phrase\""));
        assert_eq!(fts_query("  - : * "), None);
    }

    #[test]
    fn finds_ranks_marks_and_filters() {
        let mut store = Store::in_memory().unwrap();
        let articles = fixtures();
        store.insert_batch(&articles, &[]).unwrap();
        // Stemming: "ferry" matches "ferries"; the headline hit ranks first.
        let page = search(&store, "ferry");
        assert_eq!(page.total, 2);
        assert_eq!(page.hits[0].id, articles[0].id);
        let title = page.hits[0].title.as_ref().unwrap();
        assert_eq!(&title.text[title.marks[0].clone()], "Ferry");
        let snippet = &page.hits[1].snippet;
        assert!(snippet.marks.iter().any(|m| &snippet.text[m.clone()] == "ferry"), "{snippet:?}");
        // Filters.
        let q = |from: Option<&str>, only: Option<ArticleId>| SearchQuery {
            text: "ferry".into(),
            from: from.map(|d| d.parse().unwrap()),
            only: only.map(|id| [id].into_iter().collect()),
            limit: 10,
            ..Default::default()
        };
        assert_eq!(store.search(&q(Some("2021-03-02"), None)).unwrap().total, 1);
        assert_eq!(store.search(&q(None, Some(articles[2].id))).unwrap().total, 0);
        // Paging keeps the total.
        let second = store.search(&SearchQuery { offset: 1, limit: 1, ..q(None, None) }).unwrap();
        assert_eq!((second.total, second.hits.len()), (2, 1));
        assert_eq!(second.hits[0].id, articles[1].id);
        // Hostile input is words, never syntax.
        assert_eq!(search(&store, "\"ferry)(* NEAR/ -").total, 0);
        assert_eq!(search(&store, "frost OR strike").total, 2);
    }

    #[test]
    fn older_stores_are_upgraded_with_their_index_built() {
        // What versions 2 and 3 wrote: the same tables without the index,
        // and for version 2 without the `modified` and `fetched` columns.
        for (version, downgrade) in [
            (
                "2",
                "DROP TABLE articles_fts; ALTER TABLE articles DROP COLUMN modified; \
                 ALTER TABLE articles DROP COLUMN fetched;",
            ),
            ("3", "DROP TABLE articles_fts;"),
        ] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("old.db");
            let articles = fixtures();
            {
                let mut store = Store::open(&path).unwrap();
                store.insert_batch(&articles, &[]).unwrap();
            }
            {
                let conn = Connection::open(&path).unwrap();
                conn.execute_batch(&format!(
                    "{downgrade} UPDATE meta SET value = '{version}' WHERE key = 'schema_version';"
                ))
                .unwrap();
            }
            let err = Store::open_read_only(&path).err().unwrap();
            assert!(err.to_string().contains(&format!("schema version {version}")), "{err}");
            let store = Store::open(&path).unwrap();
            assert_eq!(search(&store, "orchard").total, 1);
            assert_eq!(search(&store, "ferry").total, 2);
            drop(store);
            let read_only = Store::open_read_only(&path).unwrap();
            assert_eq!(search(&read_only, "bridge").hits[0].id, articles[1].id);
        }
    }
}
