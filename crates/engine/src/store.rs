//! The embedded store: SQLite in WAL mode.
//!
//! Input: processed [`Article`]s and ingest [`Diagnostic`]s. Output: the
//! same, read back. Method: one table per kind of record, written in
//! batches, one transaction per batch, so a killed ingest leaves every
//! committed batch intact and readers can read while a writer writes.
//! Articles are keyed by their content hash: inserting the same content
//! twice is a no-op (`INSERT OR IGNORE`). The schema carries a version in
//! the `meta` table; a store from a newer version is refused, not touched,
//! and a store from version 2 to 4 is upgraded in place (version 5 dropped
//! the FTS5 index of version 4: search is [`crate::search::Index`], in
//! memory).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use crate::clean::OffsetMap;
use crate::cluster::{ClusterInput, ClusterState};
use crate::dedupe;
use crate::error::{Error, Result};
use crate::model::{Article, ArticleId, DateSource, Diagnostic, DiagnosticKind, Format, Origin};

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 5;

/// The oldest schema version this build upgrades in place.
const OLDEST_UPGRADABLE: i64 = 2;

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
    diagnostics      TEXT NOT NULL,
    modified         TEXT,
    fetched          TEXT
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

/// The columns [`row_to_article`] reads, of `articles a`.
const ARTICLE_COLUMNS: &str = "a.id, a.input_path, a.input_record, a.format, a.title, a.outlet,
    a.original_outlet, a.author, a.published, a.published_source, a.language, a.url, a.raw, a.text,
    a.offsets, a.diagnostics, a.modified, a.fetched";

/// How far the saved clustering state has seen the stored articles (the
/// arrival number of the last one), from [`Store::unclustered`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClusterMark(i64);

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// The `meta` key of the last article (by arrival number) whose copies
/// were looked for.
const COPIES_THROUGH: &str = "copies_through";
/// The `meta` key of the last article (by arrival number) the saved
/// clustering state has seen.
const CLUSTERED_THROUGH: &str = "clustered_through";

/// What [`Store::refresh_copies`] did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CopiesFound {
    /// Articles signed (new ones, or ones with a signature of another
    /// version).
    pub signed: usize,
    /// New verified copy pairs.
    pub pairs: usize,
    /// The copy groups created or changed, ordered by canonical id.
    pub groups: Vec<dedupe::CopyGroup>,
}

/// The metadata grouping needs of a stored article.
#[derive(Clone)]
struct MemberRow {
    outlet: Option<String>,
    original_outlet: Option<String>,
    published: Option<NaiveDate>,
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

    /// Opens an existing store for reading only (what `storyline serve`
    /// uses unless ingest over HTTP is allowed). A store of an older
    /// version is refused: opening it with [`Store::open`] upgrades it.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        use rusqlite::OpenFlags;
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| store_err(path, e))?;
        let store = Store { conn, path: path.to_path_buf() };
        store.conn.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| store.err(e))?;
        match store.schema_version()? {
            Some(SCHEMA_VERSION) => Ok(store),
            found => Err(Error::SchemaVersion {
                path: path.to_path_buf(),
                found: found.unwrap_or(0),
                supported: SCHEMA_VERSION,
            }),
        }
    }

    /// The file this store was opened from (`:memory:` for a memory store).
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// A number that changes whenever another connection commits a write
    /// (SQLite's `data_version`): a reader compares it to know when its
    /// cached views are stale.
    pub fn data_version(&self) -> Result<i64> {
        self.conn.query_row("PRAGMA data_version", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    fn schema_version(&self) -> Result<Option<i64>> {
        let found: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .optional()
            .or_else(|e| match e {
                rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.contains("no such table") => {
                    Ok(None)
                }
                e => Err(e),
            })
            .map_err(|e| self.err(e))?;
        Ok(found.map(|v| v.parse().unwrap_or(-1)))
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
        // Large pages for a new store (a no-op on an existing one): an
        // article is about 14 KB of raw and clean text, which on 4 KiB pages
        // spills over a chain of overflow pages, each allocated, zeroed,
        // checksummed and framed in the WAL. 32 KiB pages cut the CPU time
        // of inserting Timeline17 by about 40% (see docs/benchmarks.md).
        c.pragma_update(None, "page_size", 32768).map_err(|e| self.err(e))?;
        // WAL: readers never block the writer; NORMAL sync is durable at
        // every checkpoint and never corrupts the file on a crash.
        c.pragma_update(None, "journal_mode", "WAL").map_err(|e| self.err(e))?;
        c.pragma_update(None, "synchronous", "NORMAL").map_err(|e| self.err(e))?;
        c.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| self.err(e))?;
        let found = self.schema_version()?;
        if let Some(found) = found {
            if !(OLDEST_UPGRADABLE..=SCHEMA_VERSION).contains(&found) {
                return Err(Error::SchemaVersion {
                    path: self.path.clone(),
                    found,
                    supported: SCHEMA_VERSION,
                });
            }
            if found == 2 {
                // Version 3 added two nullable columns: a version-2 store
                // is migrated in place, its articles keep null there.
                c.execute_batch(
                    "BEGIN;
                     ALTER TABLE articles ADD COLUMN modified TEXT;
                     ALTER TABLE articles ADD COLUMN fetched TEXT;
                     UPDATE meta SET value = '3' WHERE key = 'schema_version';
                     COMMIT;",
                )
                .map_err(|e| self.err(e))?;
            }
        }
        c.execute_batch(SCHEMA).map_err(|e| self.err(e))?;
        // Version 4 added an FTS5 index (`articles_fts`), version 5 dropped
        // it: search builds its own index in memory, which costs nothing at
        // ingest and a fraction of FTS5's time per query. An older store
        // loses the table (and its shadow tables) with the version bump.
        if found.is_some_and(|v| v < SCHEMA_VERSION) {
            c.execute_batch(&format!(
                "BEGIN; DROP TABLE IF EXISTS articles_fts;
                 UPDATE meta SET value = '{SCHEMA_VERSION}' WHERE key = 'schema_version'; COMMIT;"
            ))
            .map_err(|e| self.err(e))?;
        }
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
                     offsets, diagnostics, modified, fetched)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16,
                     ?17, ?18)",
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
                        a.modified.map(|d| d.to_string()),
                        a.fetched.map(|d| d.to_string()),
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

    /// Finds the copies of newly stored articles and regroups what they
    /// touch.
    ///
    /// Incremental: signatures and verified copy pairs are stored (tables
    /// `copies`, `copy_edges`), and `meta.copies_through` records the last
    /// article (by arrival) already looked at. Only articles after it, and
    /// without a signature, are read, signed and queried against an index
    /// built from the stored signatures; nothing is compared twice and no
    /// stored text is re-read. Then only the groups that a new pair
    /// touches are regrouped (a group depends only on its members and
    /// their pairs), from their members' metadata and signatures, and only
    /// their rows rewritten. One transaction.
    pub fn refresh_copies(&mut self, config: &dedupe::Config) -> Result<CopiesFound> {
        let mut through = self.meta_i64(COPIES_THROUGH)?.unwrap_or(0);
        let last: i64 = self
            .conn
            .query_row("SELECT coalesce(max(seq), 0) FROM articles", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        // The stored signatures, into an index. A signature of another
        // version is dropped, and its article signed again like a new one.
        let mut stored: Vec<(ArticleId, dedupe::Signature)> = Vec::new();
        let mut stale: Vec<String> = Vec::new();
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
                match (ArticleId::parse(&id), dedupe::Signature::from_bytes(&bytes)) {
                    (Some(id), Some(sig)) => stored.push((id, sig)),
                    _ => stale.push(id),
                }
            }
        }
        // Rare (a new signature version): every article is looked at again,
        // and those with a valid signature skipped.
        let signed: HashSet<ArticleId> = if stale.is_empty() {
            HashSet::new()
        } else {
            through = 0;
            stored.iter().map(|(id, _)| *id).collect()
        };
        let mut index = dedupe::Index::build(stored.iter().map(|(id, sig)| (*id, sig)));
        drop(stored);

        // The new articles, in arrival order: sign, query, index.
        let mut fresh: Vec<(ArticleId, dedupe::Signature)> = Vec::new();
        let mut new_edges: Vec<(ArticleId, ArticleId, dedupe::Relation, f32)> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT a.id, a.text FROM articles a WHERE a.seq > ?1 AND a.seq <= ?2
                     AND (?3 OR NOT EXISTS (SELECT 1 FROM copies c WHERE c.article = a.id))
                     ORDER BY a.seq",
                )
                .map_err(|e| self.err(e))?;
            let mut rows =
                stmt.query(params![through, last, !signed.is_empty()]).map_err(|e| self.err(e))?;
            while let Some(row) = rows.next().map_err(|e| self.err(e))? {
                let id: String = row.get(0).map_err(|e| self.err(e))?;
                let Some(id) = ArticleId::parse(&id).filter(|id| !signed.contains(id)) else {
                    continue;
                };
                let text: String = row.get(1).map_err(|e| self.err(e))?;
                let sig = dedupe::Signature::of(&text);
                for m in index.query(&sig, config) {
                    new_edges.push((m.id, id, m.relation, m.similarity));
                }
                index.insert(id, &sig);
                fresh.push((id, sig));
            }
        }
        drop(index);

        // The groups the new pairs touch: union-find over every stored and
        // new pair, then the members of the components of new pairs.
        let mut edges = self.copy_edges()?;
        edges.extend_from_slice(&new_edges);
        let mut parent: HashMap<ArticleId, ArticleId> = HashMap::new();
        fn root(parent: &mut HashMap<ArticleId, ArticleId>, mut id: ArticleId) -> ArticleId {
            while let Some(&p) = parent.get(&id).filter(|&&p| p != id) {
                // Path halving keeps the trees flat.
                let grand = parent[&p];
                parent.insert(id, grand);
                id = grand;
            }
            id
        }
        for &(a, b, _, _) in &edges {
            parent.entry(a).or_insert(a);
            parent.entry(b).or_insert(b);
            let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
            if ra != rb {
                parent.insert(ra.max(rb), ra.min(rb));
            }
        }
        // A re-signed article's group is regrouped too: its row was reset.
        let mut touched: HashSet<ArticleId> = HashSet::new();
        for (id, _) in &fresh {
            if parent.contains_key(id) {
                touched.insert(root(&mut parent, *id));
            }
        }
        let mut members: Vec<ArticleId> = parent.keys().copied().collect();
        members.retain(|&id| touched.contains(&root(&mut parent, id)));

        let fresh_sig: HashMap<ArticleId, &dedupe::Signature> =
            fresh.iter().map(|(id, sig)| (*id, sig)).collect();
        let mut rows: Vec<(i64, MemberRow)> = Vec::with_capacity(members.len());
        let mut signatures: Vec<dedupe::Signature> = Vec::with_capacity(members.len());
        for &id in &members {
            rows.push(self.member_row(id)?);
        }
        // Arrival order, as a one-pass grouping sees the members.
        let mut order: Vec<usize> = (0..members.len()).collect();
        order.sort_by_key(|&i| rows[i].0);
        let members: Vec<ArticleId> = order.iter().map(|&i| members[i]).collect();
        let rows: Vec<MemberRow> = order.iter().map(|&i| rows[i].1.clone()).collect();
        for &id in &members {
            signatures.push(match fresh_sig.get(&id) {
                Some(&sig) => sig.clone(),
                None => self.signature(id)?,
            });
        }
        let position: HashMap<ArticleId, usize> =
            members.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let inputs: Vec<dedupe::Input<'_>> = members
            .iter()
            .zip(&rows)
            .map(|(&id, row)| dedupe::Input {
                id,
                text: "",
                outlet: row.outlet.as_deref(),
                original_outlet: row.original_outlet.as_deref(),
                published: row.published,
            })
            .collect();
        let group_edges: Vec<dedupe::Edge> = edges
            .iter()
            .filter_map(|&(a, b, relation, similarity)| {
                let (a, b) = (*position.get(&a)?, *position.get(&b)?);
                Some(dedupe::Edge { a, b, relation, similarity })
            })
            .collect();
        let (duplicates, groups, _) =
            dedupe::copy_groups(&inputs, &signatures, &group_edges, config);

        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| store_err(&path, e))?;
        {
            let mut upsert = tx
                .prepare_cached(
                    "INSERT INTO copies (article, signature, duplicate_of, relation, similarity)
                     VALUES (?1, ?2, NULL, NULL, NULL)
                     ON CONFLICT (article) DO UPDATE SET signature = ?2, duplicate_of = NULL,
                     relation = NULL, similarity = NULL",
                )
                .map_err(|e| store_err(&path, e))?;
            for (id, sig) in &fresh {
                upsert
                    .execute(params![id.to_string(), sig.to_bytes()])
                    .map_err(|e| store_err(&path, e))?;
            }
            let mut update = tx
                .prepare_cached(
                    "UPDATE copies SET duplicate_of = ?2, relation = ?3, similarity = ?4 WHERE article = ?1",
                )
                .map_err(|e| store_err(&path, e))?;
            for (id, dup) in members.iter().zip(&duplicates) {
                update
                    .execute(params![
                        id.to_string(),
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
            for (a, b, relation, similarity) in &new_edges {
                insert_edge
                    .execute(params![
                        a.to_string(),
                        b.to_string(),
                        relation.name(),
                        f64::from(*similarity),
                    ])
                    .map_err(|e| store_err(&path, e))?;
            }
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![COPIES_THROUGH, last.max(through).to_string()],
            )
            .map_err(|e| store_err(&path, e))?;
        }
        tx.commit().map_err(|e| store_err(&path, e))?;
        Ok(CopiesFound { signed: fresh.len(), pairs: new_edges.len(), groups })
    }

    /// Every stored copy pair, in the order found.
    fn copy_edges(&self) -> Result<Vec<(ArticleId, ArticleId, dedupe::Relation, f32)>> {
        self.copy_pairs("SELECT a, b, relation, similarity FROM copy_edges")
    }

    /// Rows of `(article, article, relation, similarity)` selected by `sql`,
    /// in its order. Rows this build wrote always parse; anything else is
    /// skipped rather than failing a listing.
    fn copy_pairs(&self, sql: &str) -> Result<Vec<(ArticleId, ArticleId, dedupe::Relation, f32)>> {
        let mut stmt = self.conn.prepare_cached(sql).map_err(|e| self.err(e))?;
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
            let (a, b, relation, similarity) = row.map_err(|e| self.err(e))?;
            if let (Some(a), Some(b), Some(relation)) =
                (ArticleId::parse(&a), ArticleId::parse(&b), dedupe::Relation::from_name(&relation))
            {
                out.push((a, b, relation, similarity as f32));
            }
        }
        Ok(out)
    }

    /// What grouping needs of a stored article: its arrival number and
    /// metadata.
    fn member_row(&self, id: ArticleId) -> Result<(i64, MemberRow)> {
        self.conn
            .prepare_cached(
                "SELECT seq, outlet, original_outlet, published FROM articles WHERE id = ?1",
            )
            .and_then(|mut stmt| {
                stmt.query_row([id.to_string()], |r| {
                    let published: Option<String> = r.get(3)?;
                    Ok((
                        r.get(0)?,
                        MemberRow {
                            outlet: r.get(1)?,
                            original_outlet: r.get(2)?,
                            published: published
                                .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok()),
                        },
                    ))
                })
            })
            .map_err(|e| self.err(e))
    }

    /// The stored signature of an article that has one.
    fn signature(&self, id: ArticleId) -> Result<dedupe::Signature> {
        let bytes: Vec<u8> = self
            .conn
            .prepare_cached("SELECT signature FROM copies WHERE article = ?1")
            .and_then(|mut stmt| stmt.query_row([id.to_string()], |r| r.get(0)))
            .map_err(|e| self.err(e))?;
        // Every stored signature was checked when the index was built.
        dedupe::Signature::from_bytes(&bytes).ok_or_else(|| {
            self.err(rusqlite::Error::InvalidColumnType(
                0,
                "signature".into(),
                rusqlite::types::Type::Blob,
            ))
        })
    }

    /// The stored copies: for every article that duplicates another, in
    /// arrival order, its id and how it copies its canonical article.
    pub fn duplicates(&self) -> Result<Vec<(ArticleId, dedupe::Duplicate)>> {
        let pairs = self.copy_pairs(
            "SELECT c.article, c.duplicate_of, c.relation, c.similarity FROM copies c
             JOIN articles a ON a.id = c.article
             WHERE c.duplicate_of IS NOT NULL ORDER BY a.seq",
        )?;
        Ok(pairs
            .into_iter()
            .map(|(id, of, relation, similarity)| {
                (id, dedupe::Duplicate { duplicate_of: of, relation, similarity })
            })
            .collect())
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

    /// Every article, in arrival order, without its raw text and offset
    /// map (`raw` empty, no offset runs): for readers that show only the
    /// clean text, such as the server, which then holds half the bytes.
    pub fn articles_without_raw(&self) -> Result<Vec<Article>> {
        let columns = ARTICLE_COLUMNS
            .replace("a.raw,", "'' AS raw,")
            .replace("a.offsets,", "X'' AS offsets,");
        let sql = format!("SELECT {columns} FROM articles a ORDER BY seq");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt.query_map([], row_to_article).map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// One article by id.
    pub fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        Ok(self.query_articles("WHERE id = ?1", [id.to_string()])?.pop())
    }

    fn query_articles<P: rusqlite::Params>(&self, filter: &str, params: P) -> Result<Vec<Article>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles a {filter} ORDER BY seq");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows = stmt.query_map(params, row_to_article).map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Hands `place` every stored article the saved clustering state has
    /// not seen yet, in arrival order, as the clustering reads it (id,
    /// headline, clean text, date, and the article it copies, if any);
    /// returns the mark to save with the updated state
    /// ([`Store::save_cluster_state_through`]). Only those articles are
    /// read, and of them only these columns, borrowed from the row (the
    /// raw text and offset map, most of a row, are never copied): the cost
    /// follows what was added, not the size of the store.
    pub fn unclustered(&self, mut place: impl FnMut(&ClusterInput<'_>)) -> Result<ClusterMark> {
        let through = self.meta_i64(CLUSTERED_THROUGH)?.unwrap_or(0);
        let mut last = through;
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.title, a.text, a.published, a.seq, c.duplicate_of FROM articles a
                 LEFT JOIN copies c ON c.article = a.id WHERE a.seq > ?1 ORDER BY a.seq",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([through]).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let text_at = |i: usize| text_column(row, i);
            let id = text_at(0).map_err(|e| self.err(e))?.and_then(ArticleId::parse);
            let published = text_at(3).map_err(|e| self.err(e))?;
            let copy_of = text_at(5).map_err(|e| self.err(e))?;
            let input = ClusterInput {
                article: id.unwrap_or(ArticleId(0)),
                title: text_at(1).map_err(|e| self.err(e))?,
                text: text_at(2).map_err(|e| self.err(e))?.unwrap_or(""),
                published: published.and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                duplicate_of: copy_of.and_then(ArticleId::parse),
            };
            last = row.get(4).map_err(|e| self.err(e))?;
            place(&input);
        }
        Ok(ClusterMark(last))
    }

    /// Saves the clustering state and the mark of the last article it
    /// has seen, in one transaction.
    pub fn save_cluster_state_through(
        &mut self,
        state: &ClusterState,
        mark: ClusterMark,
    ) -> Result<()> {
        let json = serde_json::to_string(state)?;
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| store_err(&path, e))?;
        tx.execute("INSERT OR REPLACE INTO cluster_state (id, state) VALUES (0, ?1)", [json])
            .map_err(|e| store_err(&path, e))?;
        tx.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
            params![CLUSTERED_THROUGH, mark.0.to_string()],
        )
        .map_err(|e| store_err(&path, e))?;
        tx.commit().map_err(|e| store_err(&path, e))
    }

    fn meta_i64(&self, key: &str) -> Result<Option<i64>> {
        let value: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        Ok(value.and_then(|v| v.parse().ok()))
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

/// Column `i` of `row` as text borrowed from the row (`None` for NULL).
fn text_column<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    row.get_ref(i)?.as_str_or_null().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}

fn date_column(value: Option<String>) -> Option<NaiveDate> {
    value.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
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
        modified: date_column(r.get(16)?),
        fetched: date_column(r.get(17)?),
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
pub(crate) mod tests {
    use super::*;
    use crate::model::{Fields, RawArticle};
    use crate::pipeline::{process, Config};

    /// A text article through the real pipeline (shared with the search
    /// tests).
    pub(crate) fn article(path: &str, body: &str) -> Article {
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
    fn articles_without_raw_are_the_articles_less_raw_and_offsets() {
        let mut store = Store::in_memory().unwrap();
        let articles = vec![
            article(
                "a/1.txt",
                "Ferry crews strike\n\nThe harbour ferries stopped, the union said.\n",
            ),
            article(
                "b/2.txt",
                "Bridge approved\n\nThe council voted for a new bridge on Tuesday.\n",
            ),
        ];
        store.insert_batch(&articles, &[]).unwrap();
        let light = store.articles_without_raw().unwrap();
        let full = store.articles().unwrap();
        assert_eq!(light.len(), 2);
        for (l, mut f) in light.into_iter().zip(full) {
            assert!(!f.raw.is_empty() && !f.offsets.runs.is_empty());
            assert!(l.raw.is_empty() && l.offsets.runs.is_empty());
            f.raw.clear();
            f.offsets.runs.clear();
            assert_eq!(l, f);
        }
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
        // Each step reports the groups it changed; the last report of each
        // group is the group.
        let mut stepwise = Store::in_memory().unwrap();
        let mut groups = std::collections::BTreeMap::new();
        for a in articles.iter().rev() {
            stepwise.insert_batch(std::slice::from_ref(a), &[]).unwrap();
            let found = stepwise.refresh_copies(&config).unwrap();
            assert_eq!(found.signed, 1);
            for g in found.groups {
                groups.retain(|_, old: &mut dedupe::CopyGroup| {
                    !old.members.iter().any(|m| g.members.contains(m))
                });
                groups.insert(g.canonical, g);
            }
        }
        assert_eq!(groups.into_values().collect::<Vec<_>>(), all.groups);
        assert_eq!(stepwise.duplicates().unwrap(), once.duplicates().unwrap());
        // Nothing new: nothing is signed again.
        assert_eq!(stepwise.refresh_copies(&config).unwrap(), CopiesFound::default());
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

    #[test]
    fn a_version_2_store_is_migrated_and_keeps_its_articles() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let a = article("a.txt", "Headline words here\n\nThe council met on Monday.\n");
        {
            let mut store = Store::open(&path).unwrap();
            store.insert_batch(std::slice::from_ref(&a), &[]).unwrap();
        }
        // Turn it back into a version-2 store: no `modified`, `fetched`.
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "ALTER TABLE articles DROP COLUMN modified; ALTER TABLE articles DROP COLUMN fetched;
             UPDATE meta SET value = '2' WHERE key = 'schema_version';",
        )
        .unwrap();
        drop(conn);
        let mut store = Store::open(&path).unwrap();
        assert_eq!(store.articles().unwrap(), vec![a]);
        let mut dated = article("b.txt", "Another headline\n\nThe quay reopened on Tuesday.\n");
        dated.modified = chrono::NaiveDate::from_ymd_opt(2016, 10, 7);
        dated.fetched = chrono::NaiveDate::from_ymd_opt(2016, 10, 8);
        store.insert_batch(&[dated.clone()], &[]).unwrap();
        assert_eq!(store.article(dated.id).unwrap(), Some(dated));
        drop(store);
        let conn = Connection::open(&path).unwrap();
        let version: String = conn
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION.to_string());
    }

    #[test]
    fn version_3_and_4_stores_are_upgraded_and_lose_the_fts5_index() {
        for version in [3, 4] {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("s.db");
            let a = article("a.txt", "Ferry crews strike\n\nThe harbour ferries stopped.\n");
            {
                let mut store = Store::open(&path).unwrap();
                store.insert_batch(std::slice::from_ref(&a), &[]).unwrap();
            }
            // What version 4 wrote besides: the FTS5 table over the
            // articles, filled (version 3 had none).
            let conn = Connection::open(&path).unwrap();
            if version == 4 {
                conn.execute_batch(
                    "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text,
                     content = 'articles', content_rowid = 'seq',
                     tokenize = 'porter unicode61 remove_diacritics 2');
                     INSERT INTO articles_fts (articles_fts) VALUES ('rebuild');",
                )
                .unwrap();
            }
            conn.execute(
                "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
                [version.to_string()],
            )
            .unwrap();
            drop(conn);
            let err = Store::open_read_only(&path).err().unwrap();
            assert!(err.to_string().contains(&format!("schema version {version}")), "{err}");
            let mut store = Store::open(&path).unwrap();
            assert_eq!(store.articles().unwrap(), vec![a.clone()]);
            let b = article("b.txt", "Bridge approved\n\nThe council voted for a bridge.\n");
            store.insert_batch(std::slice::from_ref(&b), &[]).unwrap();
            drop(store);
            let conn = Connection::open(&path).unwrap();
            let tables: i64 = conn
                .query_row(
                    "SELECT count(*) FROM sqlite_master WHERE name LIKE 'articles_fts%'",
                    [],
                    |r| r.get(0),
                )
                .unwrap();
            assert_eq!(tables, 0, "version {version}");
            drop(conn);
            let read_only = Store::open_read_only(&path).unwrap();
            assert_eq!(read_only.articles().unwrap(), vec![a, b]);
        }
    }
}
