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
use rusqlite::{params, Connection};
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
    let mut rest = text.trim();
    while !rest.is_empty() {
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
        if term == "OR" && !terms.is_empty() && !rest.is_empty() {
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

/// Marks around matches in `snippet()` output: control characters that
/// clean text never holds.
const OPEN: char = '\u{2}';
const CLOSE: char = '\u{3}';

fn marked(raw: &str) -> Marked {
    let mut out = Marked { text: String::with_capacity(raw.len()), marks: Vec::new() };
    let mut start = None;
    for c in raw.chars() {
        match c {
            OPEN => start = Some(out.text.len()),
            CLOSE => {
                if let Some(s) = start.take() {
                    out.marks.push(s..out.text.len());
                }
            }
            c => out.text.push(c),
        }
    }
    out
}

impl Store {
    /// Searches the stored articles; an empty page when the query has no
    /// words.
    pub fn search(&self, query: &SearchQuery) -> Result<SearchPage> {
        let Some(fts) = fts_query(&query.text) else { return Ok(SearchPage::default()) };
        let conn = self.conn();
        let err = |e| crate::Error::Store { path: self.path().to_path_buf(), source: e };
        // Ranked ids first, without snippets: the filters that live outside
        // SQL (`only`) can then cut the list before paging.
        let mut stmt = conn
            .prepare_cached(
                "SELECT articles.seq, articles.id FROM articles_fts
                 JOIN articles ON articles.seq = articles_fts.rowid
                 WHERE articles_fts MATCH ?1
                   AND (?2 IS NULL OR articles.published >= ?2)
                   AND (?3 IS NULL OR articles.published <= ?3)
                   AND (?4 IS NULL OR lower(articles.outlet) = lower(?4))
                 ORDER BY bm25(articles_fts, 4.0, 1.0), articles.seq",
            )
            .map_err(err)?;
        let rows = stmt
            .query_map(
                params![
                    fts,
                    query.from.map(|d| d.to_string()),
                    query.to.map(|d| d.to_string()),
                    query.outlet
                ],
                |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)),
            )
            .map_err(err)?;
        let mut ranked = Vec::new();
        for row in rows {
            let (seq, id) = row.map_err(err)?;
            let Some(id) = ArticleId::parse(&id) else { continue };
            if query.only.as_ref().is_none_or(|only| only.contains(&id)) {
                ranked.push((seq, id));
            }
        }
        let mut page = SearchPage { total: ranked.len(), hits: Vec::new() };
        let mut detail = conn
            .prepare_cached(
                "SELECT bm25(articles_fts, 4.0, 1.0),
                        highlight(articles_fts, 0, char(2), char(3)),
                        snippet(articles_fts, 1, char(2), char(3), '…', 32),
                        articles.published, articles.outlet
                 FROM articles_fts JOIN articles ON articles.seq = articles_fts.rowid
                 WHERE articles_fts MATCH ?1 AND articles_fts.rowid = ?2",
            )
            .map_err(err)?;
        for &(seq, id) in ranked.iter().skip(query.offset).take(query.limit) {
            let hit = detail
                .query_row(params![fts, seq], |r| {
                    let published: Option<String> = r.get(3)?;
                    Ok(Hit {
                        id,
                        score: (r.get::<_, f64>(0)? * 1000.0).round() / 1000.0,
                        title: r.get::<_, Option<String>>(1)?.map(|t| marked(&t)),
                        snippet: marked(&r.get::<_, String>(2)?),
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
}

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
