//! The embedded store: SQLite in WAL mode.
//!
//! Input: processed [`Article`]s and ingest [`Diagnostic`]s. Output: the
//! same, read back. Method: one table per kind of record, written in
//! batches, one transaction per batch, so a killed ingest leaves every
//! committed batch intact and readers can read while a writer writes.
//! Articles are keyed by their content hash: inserting the same content
//! twice is a no-op (`INSERT OR IGNORE`). The schema carries a version in
//! the `meta` table; a store from a newer version is refused, not touched.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use crate::clean::OffsetMap;
use crate::cluster::ClusterState;
use crate::dedupe;
use crate::error::{Error, Result};
use crate::model::{Article, ArticleId, DateSource, Diagnostic, DiagnosticKind, Format, Origin};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 2;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS articles (
    seq              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    input_path       TEXT NOT NULL,
    input_record     INTEGER,
    format           TEXT NOT NULL,
    title            TEXT,
    outlet           TEXT,
    original_outlet  TEXT,
    author           TEXT,
    published        TEXT,
    published_source TEXT,
    language         TEXT,
    url              TEXT,
    raw              TEXT NOT NULL,
    text             TEXT NOT NULL,
    offsets          BLOB NOT NULL,
    diagnostics      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_published ON articles (published);
CREATE TABLE IF NOT EXISTS copies (
    article      TEXT PRIMARY KEY,
    signature    BLOB NOT NULL,
    duplicate_of TEXT,
    relation     TEXT,
    similarity   REAL
);
CREATE TABLE IF NOT EXISTS copy_edges (
    a          TEXT NOT NULL,
    b          TEXT NOT NULL,
    relation   TEXT NOT NULL,
    similarity REAL NOT NULL,
    PRIMARY KEY (a, b)
);
CREATE TABLE IF NOT EXISTS cluster_state (
    id    INTEGER PRIMARY KEY CHECK (id = 0),
    state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS diagnostics (
    seq          INTEGER PRIMARY KEY,
    input_path   TEXT NOT NULL,
    input_record INTEGER,
    kind         TEXT NOT NULL,
    message      TEXT NOT NULL
);
";

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// What a batch insert did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Inserted {
    /// Articles new to the store.
    pub added: usize,
    /// Articles whose content was already stored.
    pub present: usize,
}

impl Store {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path).map_err(|e| store_err(path, e))?;
        let store = Store { conn, path: path.to_path_buf() };
        store.init()?;
        Ok(store)
    }

    /// An in-memory store, for tests and `extract`.
    pub fn in_memory() -> Result<Store> {
        let path = Path::new(":memory:");
        let conn = Connection::open_in_memory().map_err(|e| store_err(path, e))?;
        let store = Store { conn, path: path.to_path_buf() };
        store.init()?;
        Ok(store)
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        store_err(&self.path, e)
    }

    fn init(&self) -> Result<()> {
        let c = &self.conn;
        // WAL: readers never block the writer; NORMAL sync is durable at
        // every checkpoint and never corrupts the file on a crash.
        c.pragma_update(None, "journal_mode", "WAL").map_err(|e| self.err(e))?;
        c.pragma_update(None, "synchronous", "NORMAL").map_err(|e| self.err(e))?;
        c.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| self.err(e))?;
        let found: Option<String> = c
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .optional()
            .or_else(|e| match e {
                rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.contains("no such table") => {
                    Ok(None)
                }
                e => Err(e),
            })
            .map_err(|e| self.err(e))?;
        if let Some(found) = found {
            let found: i64 = found.parse().unwrap_or(-1);
            if found != SCHEMA_VERSION {
                return Err(Error::SchemaVersion {
                    path: self.path.clone(),
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
        }
        c.execute_batch(SCHEMA).map_err(|e| self.err(e))?;
        c.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?1)",
            [SCHEMA_VERSION.to_string()],
        )
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Stores a batch of articles and diagnostics in one transaction.
    pub fn insert_batch(
        &mut self,
        articles: &[Article],
        diagnostics: &[Diagnostic],
    ) -> Result<Inserted> {
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| store_err(&path, e))?;
        let mut inserted = Inserted::default();
        {
            let mut insert = tx
                .prepare_cached(
                    "INSERT OR IGNORE INTO articles (id, input_path, input_record, format, title, outlet,
                     original_outlet, author, published, published_source, language, url, raw, text,
                     offsets, diagnostics)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
                )
                .map_err(|e| store_err(&path, e))?;
            for a in articles {
                let diags = serde_json::to_string(&a.diagnostics)?;
                let n = insert
                    .execute(params![
                        a.id.to_string(),
                        a.origin.path,
                        a.origin.record.map(|r| r as i64),
                        a.format.name(),
                        a.title,
                        a.outlet,
                        a.original_outlet,
                        a.author,
                        a.published.map(|d| d.to_string()),
                        a.published_source.map(DateSource::name),
                        a.language,
                        a.url,
                        a.raw,
                        a.text,
                        encode_offsets(&a.offsets),
                        diags,
                    ])
                    .map_err(|e| store_err(&path, e))?;
                if n == 1 {
                    inserted.added += 1;
                } else {
                    inserted.present += 1;
                }
            }
            let mut insert_diag = tx
                .prepare_cached(
                    "INSERT INTO diagnostics (input_path, input_record, kind, message) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(|e| store_err(&path, e))?;
            for d in diagnostics {
                insert_diag
                    .execute(params![
                        d.origin.path,
                        d.origin.record.map(|r| r as i64),
                        d.kind.name(),
                        d.message
                    ])
                    .map_err(|e| store_err(&path, e))?;
            }
        }
        tx.commit().map_err(|e| store_err(&path, e))?;
        Ok(inserted)
    }

    /// Finds the copies of newly stored articles and regroups the store.
    ///
    /// Incremental: signatures and verified copy pairs are stored (tables
    /// `copies`, `copy_edges`), so only articles without a signature are
    /// signed and queried, against an index built from the stored
    /// signatures; nothing is compared twice. Groups are then rebuilt from
    /// all stored pairs (cheap), since a new article can join groups or be
    /// the earlier original, and each article's `duplicate_of`, relation
    /// and similarity are rewritten. One transaction.
    pub fn refresh_copies(&mut self, config: &dedupe::Config) -> Result<dedupe::Dedupe> {
        let articles = self.articles()?;
        let position: std::collections::HashMap<ArticleId, usize> =
            articles.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        let mut signatures: Vec<Option<dedupe::Signature>> = vec![None; articles.len()];
        let mut edges: Vec<dedupe::Edge> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached("SELECT article, signature FROM copies")
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))
                .map_err(|e| self.err(e))?;
            for row in rows {
                let (id, bytes) = row.map_err(|e| self.err(e))?;
                // A signature of another version is re-signed below.
                if let (Some(&i), Some(sig)) = (
                    ArticleId::parse(&id).and_then(|id| position.get(&id)),
                    dedupe::Signature::from_bytes(&bytes),
                ) {
                    signatures[i] = Some(sig);
                }
            }
            let mut stmt = self
                .conn
                .prepare_cached("SELECT a, b, relation, similarity FROM copy_edges")
                .map_err(|e| self.err(e))?;
            let rows = stmt
                .query_map([], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, f64>(3)?,
                    ))
                })
                .map_err(|e| self.err(e))?;
            for row in rows {
                let (a, b, relation, similarity) = row.map_err(|e| self.err(e))?;
                let pos = |s: &str| ArticleId::parse(s).and_then(|id| position.get(&id).copied());
                if let (Some(a), Some(b), Some(relation)) =
                    (pos(&a), pos(&b), dedupe::Relation::from_name(&relation))
                {
                    edges.push(dedupe::Edge { a, b, relation, similarity: similarity as f32 });
                }
            }
        }
        let known: Vec<usize> = (0..articles.len()).filter(|&i| signatures[i].is_some()).collect();
        let mut index = dedupe::Index::build(
            known.iter().map(|&i| (ArticleId(i as u64), signatures[i].as_ref().expect("known"))),
        );
        let mut new_edges = Vec::new();
        let fresh: Vec<usize> = (0..articles.len()).filter(|&i| signatures[i].is_none()).collect();
        for &i in &fresh {
            let sig = dedupe::Signature::of(&articles[i].text);
            for m in index.query(&sig, config) {
                new_edges.push(dedupe::Edge {
                    a: m.id.0 as usize,
                    b: i,
                    relation: m.relation,
                    similarity: m.similarity,
                });
            }
            index.insert(ArticleId(i as u64), &sig);
            signatures[i] = Some(sig);
        }
        edges.extend_from_slice(&new_edges);
        let signatures: Vec<dedupe::Signature> =
            signatures.into_iter().map(|s| s.expect("signed")).collect();
        let inputs: Vec<dedupe::Input<'_>> = articles.iter().map(dedupe::Input::from).collect();
        let found = dedupe::group(&inputs, signatures, &edges, config);

        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| store_err(&path, e))?;
        {
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO copies (article, signature, duplicate_of, relation, similarity)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (article) DO UPDATE SET signature = ?2, duplicate_of = ?3,
                     relation = ?4, similarity = ?5",
                )
                .map_err(|e| store_err(&path, e))?;
            for ((a, sig), dup) in articles.iter().zip(&found.signatures).zip(&found.duplicates) {
                upsert
                    .execute(params![
                        a.id.to_string(),
                        sig.to_bytes(),
                        dup.map(|d| d.duplicate_of.to_string()),
                        dup.map(|d| d.relation.name()),
                        dup.map(|d| f64::from(d.similarity)),
                    ])
                    .map_err(|e| store_err(&path, e))?;
            }
            let mut insert_edge = tx
                .prepare_cached(
                    "INSERT OR REPLACE INTO copy_edges (a, b, relation, similarity) VALUES (?1, ?2, ?3, ?4)",
                )
                .map_err(|e| store_err(&path, e))?;
            for e in &new_edges {
                insert_edge
                    .execute(params![
                        articles[e.a].id.to_string(),
                        articles[e.b].id.to_string(),
                        e.relation.name(),
                        f64::from(e.similarity),
                    ])
                    .map_err(|e| store_err(&path, e))?;
            }
        }
        tx.commit().map_err(|e| store_err(&path, e))?;
        Ok(found)
    }

    /// The stored copies: for every article that duplicates another, in
    /// arrival order, its id and how it copies its canonical article.
    pub fn duplicates(&self) -> Result<Vec<(ArticleId, dedupe::Duplicate)>> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT c.article, c.duplicate_of, c.relation, c.similarity FROM copies c
                 JOIN articles a ON a.id = c.article
                 WHERE c.duplicate_of IS NOT NULL ORDER BY a.seq",
            )
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, f64>(3)?,
                ))
            })
            .map_err(|e| self.err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (id, of, relation, similarity) = row.map_err(|e| self.err(e))?;
            // Rows this build wrote always parse; anything else is skipped
            // rather than failing a listing.
            if let (Some(id), Some(of), Some(relation)) = (
                ArticleId::parse(&id),
                ArticleId::parse(&of),
                dedupe::Relation::from_name(&relation),
            ) {
                out.push((
                    id,
                    dedupe::Duplicate { duplicate_of: of, relation, similarity: similarity as f32 },
                ));
            }
        }
        Ok(out)
    }

    /// Number of stored articles.
    pub fn count(&self) -> Result<usize> {
        let n: i64 = self
            .conn
            .query_row("SELECT count(*) FROM articles", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        Ok(n as usize)
    }

    /// Every article, in arrival order.
    pub fn articles(&self) -> Result<Vec<Article>> {
        self.query_articles("", [])
    }

    /// One article by id.
    pub fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        Ok(self.query_articles("WHERE id = ?1", [id.to_string()])?.pop())
    }

    fn query_articles<P: rusqlite::Params>(&self, filter: &str, params: P) -> Result<Vec<Article>> {
        let sql = format!(
            "SELECT id, input_path, input_record, format, title, outlet, original_outlet, author, published,
             published_source, language, url, raw, text, offsets, diagnostics FROM articles {filter} ORDER BY seq"
        );
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt.query_map(params, row_to_article).map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// The clustering state saved by the last ingest, if any.
    pub fn cluster_state(&self) -> Result<Option<ClusterState>> {
        let json: Option<String> = self
            .conn
            .query_row("SELECT state FROM cluster_state WHERE id = 0", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        json.map(|j| serde_json::from_str(&j).map_err(Error::from)).transpose()
    }

    /// Saves the clustering state (one JSON document, replaced whole).
    pub fn save_cluster_state(&mut self, state: &ClusterState) -> Result<()> {
        let json = serde_json::to_string(state)?;
        self.conn
            .execute("INSERT OR REPLACE INTO cluster_state (id, state) VALUES (0, ?1)", [json])
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Every stored ingest diagnostic, in order.
    pub fn diagnostics(&self) -> Result<Vec<Diagnostic>> {
        let mut stmt = self
            .conn
            .prepare("SELECT input_path, input_record, kind, message FROM diagnostics ORDER BY seq")
            .map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let kind: String = r.get(2)?;
                Ok(Diagnostic {
                    origin: Origin {
                        path: r.get(0)?,
                        record: r.get::<_, Option<i64>>(1)?.map(|n| n as u64),
                    },
                    kind: DiagnosticKind::from_name(&kind).unwrap_or(DiagnosticKind::Malformed),
                    message: r.get(3)?,
                })
            })
            .map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }
}

fn store_err(path: &Path, source: rusqlite::Error) -> Error {
    Error::Store { path: path.to_path_buf(), source }
}

fn row_to_article(r: &rusqlite::Row<'_>) -> rusqlite::Result<Article> {
    let id: String = r.get(0)?;
    let format: String = r.get(3)?;
    let published: Option<String> = r.get(8)?;
    let source: Option<String> = r.get(9)?;
    let offsets: Vec<u8> = r.get(14)?;
    let diagnostics: String = r.get(15)?;
    Ok(Article {
        id: ArticleId::parse(&id).unwrap_or(ArticleId(0)),
        origin: Origin { path: r.get(1)?, record: r.get::<_, Option<i64>>(2)?.map(|n| n as u64) },
        format: Format::from_name(&format).unwrap_or(Format::Text),
        title: r.get(4)?,
        outlet: r.get(5)?,
        original_outlet: r.get(6)?,
        author: r.get(7)?,
        published: published.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
        published_source: source.as_deref().and_then(DateSource::from_name),
        language: r.get(10)?,
        url: r.get(11)?,
        raw: r.get(12)?,
        text: r.get(13)?,
        offsets: decode_offsets(&offsets),
        diagnostics: serde_json::from_str(&diagnostics).unwrap_or_default(),
    })
}

/// Offsets as little-endian `u32` pairs: compact and fast to read back.
fn encode_offsets(map: &OffsetMap) -> Vec<u8> {
    let mut out = Vec::with_capacity(map.runs.len() * 8);
    for &(c, r) in &map.runs {
        out.extend_from_slice(&c.to_le_bytes());
        out.extend_from_slice(&r.to_le_bytes());
    }
    out
}

fn decode_offsets(bytes: &[u8]) -> OffsetMap {
    let runs = bytes
        .chunks_exact(8)
        .map(|c| {
            let a = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
            let b = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
            (a, b)
        })
        .collect();
    OffsetMap { runs }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Fields, RawArticle};
    use crate::pipeline::{process, Config};

    fn article(path: &str, body: &str) -> Article {
        let raw = RawArticle {
            origin: Origin::file(path),
            format: Format::Text,
            body: body.into(),
            fields: Fields::default(),
            diagnostics: vec![],
        };
        process(raw, &Config::default()).unwrap()
    }

    #[test]
    fn seeds_001_and_003_are_one_copy_group_with_the_wsj_original() {
        let seeds = crate::eval::copies::seeds(&crate::eval::shared_dir()).unwrap();
        let articles: Vec<Article> = seeds.iter().map(|(name, text)| article(name, text)).collect();
        let mut store = Store::in_memory().unwrap();
        store.insert_batch(&articles, &[]).unwrap();
        let found = store.refresh_copies(&dedupe::Config::default()).unwrap();
        assert_eq!(found.groups.len(), 1, "{:?}", found.groups);
        let group = &found.groups[0];
        let name = |id: ArticleId| {
            let i = articles.iter().position(|a| a.id == id).unwrap();
            seeds[i].0[..3].to_string()
        };
        let mut members: Vec<String> = group.members.iter().map(|&id| name(id)).collect();
        members.sort();
        assert_eq!(members, ["001", "003"]);
        let original = group.original_outlet.as_deref().map(crate::dedupe::outlet_key);
        assert_eq!(original.as_deref(), Some("wall street journal"));
        let stored = store.duplicates().unwrap();
        assert_eq!(stored.len(), 1);
        assert_eq!(stored[0].1.duplicate_of, group.canonical);
    }

    #[test]
    fn copies_found_incrementally_equal_one_pass() {
        let seeds = crate::eval::copies::seeds(&crate::eval::shared_dir()).unwrap();
        let articles: Vec<Article> = seeds.iter().map(|(name, text)| article(name, text)).collect();
        let config = dedupe::Config::default();
        let mut once = Store::in_memory().unwrap();
        once.insert_batch(&articles, &[]).unwrap();
        let all = once.refresh_copies(&config).unwrap();
        // One article at a time, the shortened copy first.
        let mut stepwise = Store::in_memory().unwrap();
        let mut last = None;
        for a in articles.iter().rev() {
            stepwise.insert_batch(std::slice::from_ref(a), &[]).unwrap();
            last = Some(stepwise.refresh_copies(&config).unwrap());
        }
        assert_eq!(last.unwrap().groups, all.groups);
        assert_eq!(stepwise.duplicates().unwrap(), once.duplicates().unwrap());
    }

    #[test]
    fn round_trip_and_idempotent_insert() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let a =
            article("a/2020-01-02/1.txt", "Headline words here\n\nThe council met on “Monday”.\n");
        let b = article("b.txt", "Another story entirely, told in one line.\n");
        {
            let mut store = Store::open(&path).unwrap();
            let d = Diagnostic::new(
                Origin::record("x.jsonl", 3),
                DiagnosticKind::Malformed,
                "invalid json",
            );
            assert_eq!(
                store.insert_batch(&[a.clone(), b.clone()], &[d]).unwrap(),
                Inserted { added: 2, present: 0 }
            );
        }
        let mut store = Store::open(&path).unwrap();
        let again =
            article("elsewhere.txt", "Headline words here\n\nThe council met on “Monday”.\n");
        assert_eq!(store.insert_batch(&[again], &[]).unwrap(), Inserted { added: 0, present: 1 });
        let back = store.articles().unwrap();
        assert_eq!(back, vec![a.clone(), b]);
        assert_eq!(store.article(a.id).unwrap(), Some(a));
        assert_eq!(store.diagnostics().unwrap().len(), 1);
    }

    #[test]
    fn cluster_state_round_trips() {
        use crate::cluster::{ClusterConfig, ClusterState};
        let mut store = Store::in_memory().unwrap();
        assert!(store.cluster_state().unwrap().is_none());
        let config = ClusterConfig::default();
        let mut state = ClusterState::new(&config);
        let a = article("a.txt", "Ferry strike halts crossings\n\nThe ferry crews walked out.\n");
        let got = crate::pipeline::cluster(&mut state, &a, None, &config);
        store.save_cluster_state(&state).unwrap();
        let back = store.cluster_state().unwrap().unwrap();
        assert_eq!(back.assignment_of(a.id), Some(got));
    }

    #[test]
    fn refuses_a_newer_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        drop(Store::open(&path).unwrap());
        let conn = Connection::open(&path).unwrap();
        conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'", []).unwrap();
        drop(conn);
        let err = Store::open(&path).err().unwrap();
        assert!(err.to_string().contains("schema version 99"), "{err}");
    }
}
