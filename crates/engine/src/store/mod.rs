//! The embedded store: SQLite in WAL mode.
//!
//! Input: processed [`Article`]s and ingest [`Diagnostic`]s. Output: the
//! same, read back. Method: one table per kind of record, written in
//! batches, one transaction per batch, so a killed ingest leaves every
//! committed batch intact and readers can read while a writer writes.
//! The raw texts of a store on disk are written once to a file beside it
//! ([`raw_file`]), not into the rows.
//! Articles are keyed by their content hash: inserting the same content
//! twice is a no-op (`INSERT OR IGNORE`). The schema carries a version in
//! the `meta` table; a store from a newer version is refused, not touched,
//! and a store from version 2 to 7 is upgraded in place (version 5 dropped
//! the FTS5 index of version 4: search is [`crate::search::Index`], in
//! memory; version 6 stores offset maps as delta varints, under a third of the
//! bytes, and a clean text as copies from the raw text when that is shorter:
//! a version 5 text, a TEXT value, is read as it is; version 7 saves the
//! clustering state as MessagePack, a BLOB: a version 6 state, JSON text, is
//! read as it is and written anew at the next save; version 8 keeps the raw
//! texts of a store on disk in a file beside it, [`raw_file`]: a row holds
//! where its text is, and a row of version 7, whose raw text is in the row,
//! is read as it is).

mod raw_file;

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};

use crate::clean::OffsetMap;
use crate::cluster::{ClusterInput, ClusterState};
use crate::dedupe;
use crate::error::{Error, Result};
use crate::model::{Article, ArticleId, DateSource, Diagnostic, DiagnosticKind, Format, Origin};
use raw_file::RawFile;

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = 8;

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
    fetched          TEXT,
    raw_at           INTEGER,
    raw_len          INTEGER
);
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

/// The columns [`Store::row_to_article`] reads, of `articles a`.
const ARTICLE_COLUMNS: &str = "a.id, a.input_path, a.input_record, a.format, a.title, a.outlet,
    a.original_outlet, a.author, a.published, a.published_source, a.language, a.url, a.raw, a.text,
    a.offsets, a.diagnostics, a.modified, a.fetched, a.raw_at, a.raw_len";

/// How far the saved clustering state has seen the stored articles (the
/// arrival number of the last one), from [`Store::unclustered`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClusterMark(i64);

/// An open store.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Where the raw texts are, for a store on disk (a memory store keeps
    /// them in its rows).
    raw_file: Option<RawFile>,
}

/// The `meta` key of the committed end of the raw-text file: the bytes
/// the stored rows point to end there.
const RAW_END: &str = "raw_end";

/// The `meta` key of the last article (by arrival number) whose copies
/// were looked for.
const COPIES_THROUGH: &str = "copies_through";
/// The `meta` key of the last article (by arrival number) the saved
/// clustering state has seen.
const CLUSTERED_THROUGH: &str = "clustered_through";

/// Clean texts of articles just inserted, by id, that an ingest run hands
/// to [`Store::refresh_copies_with`] and [`Store::unclustered_with`]: a
/// text found here is not decoded from the store again. An id is the hash
/// of its clean text, so a text here is the one stored under its id.
pub type FreshTexts = HashMap<ArticleId, String>;

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
        let store = Store::with(conn, path, Some(RawFile::beside(path)));
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
        let store = Store::with(conn, path, Some(RawFile::beside(path)));
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
        let store = Store::with(conn, path, None);
        store.init()?;
        Ok(store)
    }

    fn with(conn: Connection, path: &Path, raw_file: Option<RawFile>) -> Store {
        Store { conn, path: path.to_path_buf(), raw_file }
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        store_err(&self.path, e)
    }

    fn init(&self) -> Result<()> {
        let c = &self.conn;
        // First: opening a store while an ingest has a batch open waits
        // for its commit (the pragmas below may need the lock too).
        c.busy_timeout(std::time::Duration::from_secs(10)).map_err(|e| self.err(e))?;
        // Large pages for a new store (a no-op on an existing one): an
        // article is about 14 KB of raw and clean text, which on 4 KiB pages
        // spills over a chain of overflow pages, each allocated, zeroed,
        // checksummed and framed in the WAL. 32 KiB pages cut the CPU time
        // of inserting Timeline17 by about 40%, 64 KiB (the largest) by 8%
        // more once a row shrank to ≈ 9 KB (schema 6): fewer pages framed,
        // checksummed and half-filled (see docs/benchmarks.md).
        c.pragma_update(None, "page_size", 65536).map_err(|e| self.err(e))?;
        // A new store's tables and version are written straight into the
        // file, in one transaction, before WAL is switched on: in WAL each
        // table is a transaction of its own that frames page 1 and its new
        // pages (22 frames of 64 KiB), copied again into the file at the
        // close. A second process creating the same store waits for the
        // lock and finds the tables made.
        let pages: i64 =
            c.query_row("PRAGMA page_count", [], |r| r.get(0)).map_err(|e| self.err(e))?;
        let new = pages == 0;
        if new {
            c.execute_batch(&format!(
                "BEGIN IMMEDIATE; {SCHEMA}
                 INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '{SCHEMA_VERSION}');
                 COMMIT;"
            ))
            .map_err(|e| self.err(e))?;
        }
        // WAL: readers never block the writer; NORMAL sync is durable at
        // every checkpoint and never corrupts the file on a crash.
        c.pragma_update(None, "journal_mode", "WAL").map_err(|e| self.err(e))?;
        c.pragma_update(None, "synchronous", "NORMAL").map_err(|e| self.err(e))?;
        if new {
            // Made above at this version: nothing to check or upgrade.
            return Ok(());
        }
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
        if let Some(found) = found.filter(|&v| v < SCHEMA_VERSION) {
            self.upgrade_from(found)?;
        }
        c.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?1)",
            [SCHEMA_VERSION.to_string()],
        )
        .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Brings a store of version 3 to 7 (2 was migrated to 3 before) to
    /// this version, in one transaction: a killed upgrade leaves the store
    /// as it was.
    fn upgrade_from(&self, found: i64) -> Result<()> {
        let tx = self.conn.unchecked_transaction().map_err(|e| self.err(e))?;
        // Version 4 added an FTS5 index (`articles_fts`), version 5 dropped
        // it: search builds its own index in memory, which costs nothing at
        // ingest and a fraction of FTS5's time per query. An older store
        // loses the table (and its shadow tables) with the version bump.
        tx.execute_batch("DROP TABLE IF EXISTS articles_fts;").map_err(|e| self.err(e))?;
        // Version 6 stores the offset maps as delta varints: every blob is
        // rewritten, a thousand articles at a time (only the offsets are
        // held in memory, never the texts).
        if found < 6 {
            // No query looks articles up by date (views sort in memory): an
            // index written at every insert and never read.
            tx.execute_batch("DROP INDEX IF EXISTS articles_published;")
                .map_err(|e| self.err(e))?;
            let mut after = 0i64;
            loop {
                let rows: Vec<(i64, Vec<u8>)> = {
                    let mut stmt = tx
                        .prepare_cached(
                            "SELECT seq, offsets FROM articles WHERE seq > ?1 ORDER BY seq LIMIT 1000",
                        )
                        .map_err(|e| self.err(e))?;
                    let rows = stmt
                        .query_map([after], |r| Ok((r.get(0)?, r.get(1)?)))
                        .map_err(|e| self.err(e))?;
                    rows.collect::<rusqlite::Result<_>>().map_err(|e| self.err(e))?
                };
                let Some(&(last, _)) = rows.last() else { break };
                let mut update = tx
                    .prepare_cached("UPDATE articles SET offsets = ?2 WHERE seq = ?1")
                    .map_err(|e| self.err(e))?;
                for (seq, old) in rows {
                    let new = encode_offsets(&decode_offsets_v5(&old));
                    update.execute(params![seq, new]).map_err(|e| self.err(e))?;
                }
                after = last;
            }
        }
        // Version 7 saves the clustering state as MessagePack: nothing is
        // rewritten, a JSON state (TEXT) is read as it is until the next
        // ingest saves the state again.
        // Version 8 keeps new raw texts in the raw-text file: the rows gain
        // where their text is there, null for the rows already stored,
        // whose text stays in the row (nothing is moved).
        // (A store made by this version and marked older, as the upgrade
        // tests do, has them already.)
        let has_raw_at: bool = tx
            .query_row(
                "SELECT count(*) > 0 FROM pragma_table_info('articles') WHERE name = 'raw_at'",
                [],
                |r| r.get(0),
            )
            .map_err(|e| self.err(e))?;
        if !has_raw_at {
            tx.execute_batch(
                "ALTER TABLE articles ADD COLUMN raw_at INTEGER;
                 ALTER TABLE articles ADD COLUMN raw_len INTEGER;",
            )
            .map_err(|e| self.err(e))?;
        }
        tx.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
            [SCHEMA_VERSION.to_string()],
        )
        .map_err(|e| self.err(e))?;
        tx.commit().map_err(|e| self.err(e))
    }

    /// Stores a batch of articles and diagnostics in one transaction.
    pub fn insert_batch(
        &mut self,
        articles: &[Article],
        diagnostics: &[Diagnostic],
    ) -> Result<Inserted> {
        self.begin_batch()?;
        let mut inserted = Inserted::default();
        let result = (|| {
            for a in articles {
                if self.insert_article(a)? {
                    inserted.added += 1;
                } else {
                    inserted.present += 1;
                }
            }
            for d in diagnostics {
                self.insert_diagnostic(d)?;
            }
            self.commit_batch()
        })();
        match result {
            Ok(()) => Ok(inserted),
            Err(e) => {
                self.rollback_batch();
                Err(e)
            }
        }
    }

    /// Opens a write transaction for [`Store::insert_article`] and
    /// [`Store::insert_diagnostic`]; [`Store::commit_batch`] commits it. A
    /// store dropped (or a process killed) with a batch open loses only
    /// that batch.
    pub fn begin_batch(&mut self) -> Result<()> {
        // IMMEDIATE: the write lock is taken now, so the end of the
        // raw-text file read next stays this batch's until it commits.
        self.conn.execute_batch("BEGIN IMMEDIATE").map_err(|e| self.err(e))?;
        match self.meta_i64(RAW_END) {
            Ok(end) => {
                if let Some(file) = &mut self.raw_file {
                    file.begin(end.unwrap_or(0).max(0) as u64);
                }
                Ok(())
            }
            Err(e) => {
                self.rollback_batch();
                Err(e)
            }
        }
    }

    /// Commits the batch opened by [`Store::begin_batch`]: its raw texts
    /// are written to the raw-text file and made durable first, then the
    /// rows pointing to them are committed with the file's new end.
    pub fn commit_batch(&mut self) -> Result<()> {
        if let Some(file) = &mut self.raw_file {
            let end = file
                .commit()
                .map_err(|source| Error::Io { path: file.path().to_path_buf(), source })?;
            if let Some(end) = end {
                self.conn
                    .execute(
                        "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                        params![RAW_END, end.to_string()],
                    )
                    .map_err(|e| self.err(e))?;
            }
        }
        self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))
    }

    /// Drops the open batch, if any (after an error inside it).
    pub fn rollback_batch(&mut self) {
        if let Some(file) = &mut self.raw_file {
            file.abandon();
        }
        if !self.conn.is_autocommit() {
            // Nothing to add to the error that ended the batch.
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    /// Stores one article inside the open batch; false when its content
    /// was stored already (ingest is idempotent).
    pub fn insert_article(&mut self, a: &Article) -> Result<bool> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        let mut insert = self
            .conn
            // Without spaces: the statement cache hashes, compares and
            // copies this text at every insert.
            .prepare_cached(
                "INSERT OR IGNORE INTO articles(id,input_path,input_record,format,title,outlet,\
                 original_outlet,author,published,published_source,language,url,raw,text,offsets,\
                 diagnostics,modified,fetched,raw_at,raw_len)\
                 VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            )
            .map_err(|e| store_err(&self.path, e))?;
        // Nearly every article has no diagnostic: its list is written
        // without serde_json.
        let diags = if a.diagnostics.is_empty() {
            std::borrow::Cow::Borrowed("[]")
        } else {
            std::borrow::Cow::Owned(serde_json::to_string(&a.diagnostics)?)
        };
        let patch = encode_text(&a.raw, &a.text, &a.offsets);
        let text = match &patch {
            Some(patch) => ToSqlOutput::Borrowed(ValueRef::Blob(patch)),
            None => ToSqlOutput::Borrowed(ValueRef::Text(a.text.as_bytes())),
        };
        // In a batch of a store on disk the raw text goes to the raw-text
        // file (the row keeps an empty one and where it is); anywhere else,
        // in the row.
        let in_file = self.raw_file.as_ref().and_then(RawFile::next_at);
        let (raw, raw_at, raw_len) = match in_file {
            Some(at) => ("", Some(at as i64), Some(a.raw.len() as i64)),
            None => (a.raw.as_str(), None, None),
        };
        let n = insert
            .execute(params![
                id_text(a.id),
                a.origin.path,
                a.origin.record.map(|r| r as i64),
                a.format.name(),
                a.title,
                a.outlet,
                a.original_outlet,
                a.author,
                a.published.map(date_text),
                a.published_source.map(DateSource::name),
                a.language,
                a.url,
                raw,
                text,
                encode_offsets(&a.offsets),
                &*diags,
                a.modified.map(date_text),
                a.fetched.map(date_text),
                raw_at,
                raw_len,
            ])
            .map_err(|e| store_err(&self.path, e))?;
        if let (1, Some(_), Some(file)) = (n, in_file, &mut self.raw_file) {
            file.push(a.raw.as_bytes())
                .map_err(|source| Error::Io { path: file.path().to_path_buf(), source })?;
        }
        Ok(n == 1)
    }

    /// Stores one diagnostic inside the open batch.
    pub fn insert_diagnostic(&mut self, d: &Diagnostic) -> Result<()> {
        let mut insert = self
            .conn
            .prepare_cached(
                "INSERT INTO diagnostics (input_path, input_record, kind, message) VALUES (?1, ?2, ?3, ?4)",
            )
            .map_err(|e| store_err(&self.path, e))?;
        insert
            .execute(params![
                d.origin.path,
                d.origin.record.map(|r| r as i64),
                d.kind.name(),
                d.message
            ])
            .map_err(|e| store_err(&self.path, e))?;
        Ok(())
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
        self.refresh_copies_with(config, &FreshTexts::default())
    }

    /// [`Store::refresh_copies`], reading the clean text of an article in
    /// `fresh` from there instead of decoding it from its row again (an
    /// ingest run hands over the texts it has just inserted).
    pub fn refresh_copies_with(
        &mut self,
        config: &dedupe::Config,
        fresh_texts: &FreshTexts,
    ) -> Result<CopiesFound> {
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
        // and those with a valid signature skipped. (Whether to look again
        // is `resign`, not whether some signature is valid: after a version
        // bump none is.)
        let resign = !stale.is_empty();
        let signed: HashSet<ArticleId> = if resign {
            through = 0;
            stored.iter().map(|(id, _)| *id).collect()
        } else {
            HashSet::new()
        };
        let mut index = dedupe::Index::build(stored.iter().map(|(id, sig)| (*id, sig)));
        drop(stored);

        // The new articles, in arrival order, signed. Only their ids are
        // read from the table unless the run does not hold the clean text:
        // selecting the raw and clean text of every row made SQLite copy
        // them (and read their overflow pages) for nothing.
        let mut fresh: Vec<(ArticleId, dedupe::Signature)> = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare_cached(
                    "SELECT a.seq, a.id FROM articles a WHERE a.seq > ?1 AND a.seq <= ?2
                     AND (?3 OR NOT EXISTS (SELECT 1 FROM copies c WHERE c.article = a.id))
                     ORDER BY a.seq",
                )
                .map_err(|e| self.err(e))?;
            let mut rows = stmt.query(params![through, last, resign]).map_err(|e| self.err(e))?;
            while let Some(row) = rows.next().map_err(|e| self.err(e))? {
                let id = str_column(row, 1).map_err(|e| self.err(e))?.and_then(ArticleId::parse);
                let Some(id) = id.filter(|id| !signed.contains(id)) else {
                    continue;
                };
                let sig = match fresh_texts.get(&id) {
                    Some(text) => dedupe::Signature::of(text),
                    None => {
                        let seq: i64 = row.get(0).map_err(|e| self.err(e))?;
                        dedupe::Signature::of(&self.clean_text_at(seq)?)
                    }
                };
                fresh.push((id, sig));
            }
        }
        // Indexed at once (one sort and merge per posting list, not one
        // insert per article), then each new article is compared with the
        // stored ones and the new ones before it, as if inserted in turn.
        let n_stored = index.len();
        index.extend(fresh.iter().map(|(id, sig)| (*id, sig)));
        let mut new_edges: Vec<(ArticleId, ArticleId, dedupe::Relation, f32)> = Vec::new();
        for (i, (id, sig)) in fresh.iter().enumerate() {
            for m in index.query_first(n_stored + i, sig, config) {
                new_edges.push((m.id, *id, m.relation, m.similarity));
            }
        }
        drop(index);

        // The groups the new pairs touch: union-find over every stored and
        // new pair, then the members of the components of new pairs.
        let mut edges = self.copy_edges()?;
        // A pair found with a stale signature was scored with other hashes:
        // it is dropped, and a re-signed article's pairs are all found
        // again (it was queried against every stored signature, and a later
        // re-signed article queries it), so the store ends as if it had
        // been signed with this version from the start (a version bump
        // leaves every signature stale, so every row is reset and
        // regrouped too).
        let stale: HashSet<ArticleId> =
            stale.iter().filter_map(|id| ArticleId::parse(id)).collect();
        let is_stale = |&(a, b, _, _): &(ArticleId, ArticleId, dedupe::Relation, f32)| {
            stale.contains(&a) || stale.contains(&b)
        };
        let dropped: Vec<(ArticleId, ArticleId)> = if stale.is_empty() {
            Vec::new()
        } else {
            let dropped =
                edges.iter().filter(|e| is_stale(e)).map(|&(a, b, _, _)| (a, b)).collect();
            edges.retain(|e| !is_stale(e));
            dropped
        };
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
            let mut delete_edge = tx
                .prepare_cached("DELETE FROM copy_edges WHERE a = ?1 AND b = ?2")
                .map_err(|e| store_err(&path, e))?;
            for (a, b) in &dropped {
                delete_edge
                    .execute(params![a.to_string(), b.to_string()])
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
        let columns = ARTICLE_COLUMNS.replace("a.offsets,", "X'' AS offsets,");
        let sql = format!("SELECT {columns} FROM articles a ORDER BY seq");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows =
            stmt.query_map([], |r| self.row_to_article(r, false)).map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// One article by id.
    pub fn article(&self, id: ArticleId) -> Result<Option<Article>> {
        Ok(self.query_articles("WHERE id = ?1", [id.to_string()])?.pop())
    }

    fn query_articles<P: rusqlite::Params>(&self, filter: &str, params: P) -> Result<Vec<Article>> {
        let sql = format!("SELECT {ARTICLE_COLUMNS} FROM articles a {filter} ORDER BY seq");
        let mut stmt = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let rows =
            stmt.query_map(params, |r| self.row_to_article(r, true)).map_err(|e| self.err(e))?;
        rows.collect::<std::result::Result<Vec<_>, _>>().map_err(|e| self.err(e))
    }

    /// Hands `place` every stored article the saved clustering state has
    /// not seen yet, in arrival order, as the clustering reads it (id,
    /// headline, clean text, date, and the article it copies, if any);
    /// returns the mark to save with the updated state
    /// ([`Store::save_cluster_state_through`]). Only those articles are
    /// read, and of them only these columns (the raw text is read to
    /// rebuild the clean text, stored as copies from it; the offset map and
    /// diagnostics are never decoded): the cost follows what was added, not
    /// the size of the store.
    pub fn unclustered(&self, place: impl FnMut(&ClusterInput<'_>)) -> Result<ClusterMark> {
        self.unclustered_with(&FreshTexts::default(), place)
    }

    /// [`Store::unclustered`], taking the clean text of an article in
    /// `fresh_texts` from there instead of decoding it from its row.
    pub fn unclustered_with(
        &self,
        fresh_texts: &FreshTexts,
        mut place: impl FnMut(&ClusterInput<'_>),
    ) -> Result<ClusterMark> {
        let through = self.meta_i64(CLUSTERED_THROUGH)?.unwrap_or(0);
        let mut last = through;
        // The texts are not selected: the run that stored them usually
        // holds them, and the rest are read one by one (decoding every row's
        // texts in the scan cost ≈ 1% of an ingest for nothing).
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT a.id, a.title, a.published, a.seq, c.duplicate_of
                 FROM articles a LEFT JOIN copies c ON c.article = a.id
                 WHERE a.seq > ?1 ORDER BY a.seq",
            )
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([through]).map_err(|e| self.err(e))?;
        while let Some(row) = rows.next().map_err(|e| self.err(e))? {
            let text_at = |i: usize| str_column(row, i);
            let id = text_at(0).map_err(|e| self.err(e))?.and_then(ArticleId::parse);
            let seq: i64 = row.get(3).map_err(|e| self.err(e))?;
            // The clean text may be stored as copies from the raw text, so
            // it is decoded, not borrowed, unless the run that inserted it
            // still holds it.
            let decoded;
            let text = match id.and_then(|id| fresh_texts.get(&id)) {
                Some(text) => text.as_str(),
                None => {
                    decoded = self.clean_text_at(seq)?;
                    decoded.as_str()
                }
            };
            let published = text_at(2).map_err(|e| self.err(e))?;
            let copy_of = text_at(4).map_err(|e| self.err(e))?;
            let input = ClusterInput {
                article: id.unwrap_or(ArticleId(0)),
                title: text_at(1).map_err(|e| self.err(e))?,
                text,
                // Stored as `YYYY-MM-DD` (`NaiveDate`'s own format, read by
                // its `FromStr` without interpreting a format string).
                published: published.and_then(|d| d.parse::<NaiveDate>().ok()),
                duplicate_of: copy_of.and_then(ArticleId::parse),
            };
            last = seq;
            place(&input);
        }
        Ok(ClusterMark(last))
    }

    /// The clean text of the article stored at arrival number `seq`,
    /// decoded (it may be stored as copies from the raw text): what the
    /// copies and clustering passes read of an article whose text the
    /// run does not hold.
    fn clean_text_at(&self, seq: i64) -> Result<String> {
        self.conn
            .prepare_cached("SELECT raw, text, raw_at, raw_len FROM articles WHERE seq = ?1")
            .and_then(|mut stmt| {
                stmt.query_row([seq], |r| clean_text_column(r, &self.raw_column(r, 0, 2)?, 1))
            })
            .map_err(|e| self.err(e))
    }

    /// Saves the clustering state and the mark of the last article it
    /// has seen, in one transaction.
    pub fn save_cluster_state_through(
        &mut self,
        state: &ClusterState,
        mark: ClusterMark,
    ) -> Result<()> {
        let bytes = encode_state(state)?;
        let path = self.path.clone();
        let tx = self.conn.transaction().map_err(|e| store_err(&path, e))?;
        tx.execute("INSERT OR REPLACE INTO cluster_state (id, state) VALUES (0, ?1)", [bytes])
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
        use rusqlite::types::ValueRef;
        let mut stmt = self
            .conn
            .prepare_cached("SELECT state FROM cluster_state WHERE id = 0")
            .map_err(|e| self.err(e))?;
        let mut rows = stmt.query([]).map_err(|e| self.err(e))?;
        let Some(row) = rows.next().map_err(|e| self.err(e))? else { return Ok(None) };
        match row.get_ref(0).map_err(|e| self.err(e))? {
            // Schema 7: MessagePack.
            ValueRef::Blob(bytes) => {
                rmp_serde::from_slice(bytes).map(Some).map_err(|e| Error::State(e.to_string()))
            }
            // Schema 6 and before: JSON.
            ValueRef::Text(json) => Ok(Some(serde_json::from_slice(json)?)),
            other => Err(self.err(rusqlite::Error::InvalidColumnType(
                0,
                "state".into(),
                other.data_type(),
            ))),
        }
    }

    /// Saves the clustering state (one MessagePack document, replaced whole).
    pub fn save_cluster_state(&mut self, state: &ClusterState) -> Result<()> {
        let bytes = encode_state(state)?;
        self.conn
            .execute("INSERT OR REPLACE INTO cluster_state (id, state) VALUES (0, ?1)", [bytes])
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// An article from a row of [`ARTICLE_COLUMNS`], with `raw` left
    /// empty unless `keep_raw` (the raw text is read all the same: the
    /// clean text may be stored as copies from it).
    fn row_to_article(&self, r: &rusqlite::Row<'_>, keep_raw: bool) -> rusqlite::Result<Article> {
        let raw_bytes = self.raw_column(r, 12, 18)?;
        let text = clean_text_column(r, &raw_bytes, 13)?;
        let raw = if keep_raw {
            String::from_utf8(raw_bytes.into_owned()).map_err(|e| {
                rusqlite::Error::FromSqlConversionFailure(12, rusqlite::types::Type::Text, e.into())
            })?
        } else {
            String::new()
        };
        let id: String = r.get(0)?;
        let format: String = r.get(3)?;
        let published: Option<String> = r.get(8)?;
        let source: Option<String> = r.get(9)?;
        let offsets: Vec<u8> = r.get(14)?;
        let diagnostics: String = r.get(15)?;
        Ok(Article {
            id: ArticleId::parse(&id).unwrap_or(ArticleId(0)),
            origin: Origin {
                path: r.get(1)?,
                record: r.get::<_, Option<i64>>(2)?.map(|n| n as u64),
            },
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
            raw,
            text,
            offsets: decode_offsets(&offsets),
            diagnostics: serde_json::from_str(&diagnostics).unwrap_or_default(),
        })
    }

    /// The raw text of a row whose columns `raw`, `raw_at` and `raw_len`
    /// are at `raw`, `at` and `at + 1`: in the row (a memory store, or a
    /// row stored before schema version 8), else in the raw-text file (or
    /// in the open batch, not written there yet).
    fn raw_column<'r>(
        &self,
        r: &'r rusqlite::Row<'_>,
        raw: usize,
        at: usize,
    ) -> rusqlite::Result<std::borrow::Cow<'r, [u8]>> {
        use std::borrow::Cow;
        let Some(start) = r.get::<_, Option<i64>>(at)? else {
            return Ok(Cow::Borrowed(r.get_ref(raw)?.as_bytes()?));
        };
        let len: i64 = r.get(at + 1)?;
        let damaged = |why: String| {
            rusqlite::Error::FromSqlConversionFailure(
                at,
                rusqlite::types::Type::Integer,
                why.into(),
            )
        };
        let (Ok(start), Ok(len)) = (u64::try_from(start), usize::try_from(len)) else {
            return Err(damaged(format!("damaged raw text position {start}+{len}")));
        };
        match &self.raw_file {
            Some(file) => file.read(start, len).map(Cow::Owned).map_err(|e| {
                damaged(format!("raw text at {start}+{len} in {}: {e}", file.path().display()))
            }),
            None => Err(damaged("a raw text outside a memory store".into())),
        }
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

/// The clustering state as saved since schema version 7: MessagePack with
/// field names (so a field added later still defaults when an older state
/// is read, as with JSON). Floats are written as their four bytes rather
/// than printed as shortest decimals, which made saving the JSON state of
/// Timeline17 cost as much as clustering 300 of its articles.
fn encode_state(state: &ClusterState) -> Result<Vec<u8>> {
    rmp_serde::to_vec_named(state).map_err(|e| Error::State(e.to_string()))
}

fn store_err(path: &Path, source: rusqlite::Error) -> Error {
    Error::Store { path: path.to_path_buf(), source }
}

/// Column `i` of `row` as text borrowed from the row (`None` for NULL).
fn str_column<'r>(row: &'r rusqlite::Row<'_>, i: usize) -> rusqlite::Result<Option<&'r str>> {
    row.get_ref(i)?.as_str_or_null().map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Text, e.into())
    })
}

/// An id as stored: its 16 hex digits, as `Display` writes them, without
/// `core::fmt` (which cost more than the rest of the id's binding).
fn id_text(id: ArticleId) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    (0..16).map(|i| char::from(HEX[(id.0 >> (60 - 4 * i)) as usize & 15])).collect()
}

/// A date as stored, `YYYY-MM-DD`, as chrono's `Display` writes it, without
/// `core::fmt` for the years 0 to 9999 (chrono's own for the rest).
fn date_text(date: NaiveDate) -> String {
    use chrono::Datelike;
    let (year, month, day) = (date.year(), date.month(), date.day());
    if !(0..=9999).contains(&year) {
        return date.to_string();
    }
    let digit = |n: u32| char::from(b'0' + n as u8);
    let year = year as u32;
    let mut out = String::with_capacity(10);
    out.extend([year / 1000, year / 100 % 10, year / 10 % 10, year % 10].map(digit));
    out.extend(['-', digit(month / 10), digit(month % 10), '-', digit(day / 10), digit(day % 10)]);
    out
}

fn date_column(value: Option<String>) -> Option<NaiveDate> {
    value.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
}

/// The clean text of a row from its `text` column (index) and its raw
/// text: a TEXT value is the text itself, a BLOB the text as copies from
/// the raw text ([`encode_text`]).
fn clean_text_column(r: &rusqlite::Row<'_>, raw: &[u8], text: usize) -> rusqlite::Result<String> {
    use rusqlite::types::{Type, ValueRef};
    let damaged = |i, t, what: &str| {
        rusqlite::Error::FromSqlConversionFailure(i, t, format!("damaged {what}").into())
    };
    match r.get_ref(text)? {
        ValueRef::Text(t) => std::str::from_utf8(t)
            .map(str::to_string)
            .map_err(|_| damaged(text, Type::Text, "clean text")),
        ValueRef::Blob(patch) => {
            decode_text(raw, patch).ok_or_else(|| damaged(text, Type::Blob, "clean text"))
        }
        other => Err(rusqlite::Error::InvalidColumnType(text, "text".into(), other.data_type())),
    }
}

/// The format byte that starts a stored text patch.
const PATCH_V1: u8 = 1;

/// A copy from the raw text shorter than this is stored as literal bytes:
/// its op (a length and a position) would take about as many bytes.
const MIN_COPY: usize = 6;

/// The clean text as stored (schema version 6) when that is shorter than
/// the text: a blob of copies from the raw text and literal bytes, else
/// `None` (the text is stored as it is).
///
/// Why: the raw text is stored anyway (spans point into it), and the clean
/// text is mostly a copy of it (Timeline17: ≈ 6.6 KB of clean text, ≈ 0.9
/// KB as a patch), and writing a byte to the store (a WAL frame, then the
/// checkpoint) costs far more than comparing it here. The offset map says
/// where each run of the clean text came from, so no diff is searched:
/// each run is compared with its raw bytes, equal stretches of at least
/// [`MIN_COPY`] bytes become copies, the rest literals (a run shorter than
/// that is a literal without being compared).
///
/// Layout: [`PATCH_V1`], then ops, each an LEB128 header `len << 1 | copy`;
/// a literal's `len` bytes follow it, a copy's source follows as the
/// zigzag LEB128 of its distance from the end of the previous copy.
fn encode_text(raw: &str, text: &str, offsets: &OffsetMap) -> Option<Vec<u8>> {
    let (raw, text) = (raw.as_bytes(), text.as_bytes());
    let mut out = Vec::with_capacity(text.len() / 4 + 16);
    out.push(PATCH_V1);
    let mut literal = 0; // where the pending literal starts, in `text`
    let mut next_raw = 0i64; // where the last copy ended, in `raw`
    let runs = &offsets.runs;
    for (k, &(c, r)) in runs.iter().enumerate() {
        let end = runs.get(k + 1).map_or(text.len(), |n| n.0 as usize).min(text.len());
        // Runs start in increasing order; a damaged map that goes back
        // is read from where the text is written up to.
        let (c, r) = (c as usize, r as usize);
        let mut i = c.max(literal);
        // A run shorter than a copy holds none: its bytes join the pending
        // literal unread. Nearly half of Timeline17's runs are one byte (a
        // full stop or line break next to a removed space).
        if end.saturating_sub(i) < MIN_COPY {
            continue;
        }
        // Most runs are copied whole (one compare of the run, no branch per
        // stretch).
        if i == c && raw.get(r..r + (end - c)) == Some(&text[c..end]) {
            put_literal(&mut out, text, literal, c);
            put_uvarint(&mut out, ((end - c) as u64) << 1 | 1);
            put_zigzag(&mut out, r as i64 - next_raw);
            next_raw = (r + (end - c)) as i64;
            literal = end;
        } else {
            // Equal stretches, up to where too few bytes are left for one.
            while end - i >= MIN_COPY {
                let from = r + (i - c);
                let same = common_prefix(&text[i..end], raw.get(from..).unwrap_or_default());
                if same >= MIN_COPY {
                    put_literal(&mut out, text, literal, i);
                    put_uvarint(&mut out, (same as u64) << 1 | 1);
                    put_zigzag(&mut out, from as i64 - next_raw);
                    next_raw = (from + same) as i64;
                    literal = i + same;
                }
                i += same.max(1);
            }
        }
        if out.len() >= text.len() {
            return None;
        }
    }
    put_literal(&mut out, text, literal, text.len());
    (out.len() < text.len()).then_some(out)
}

/// Appends a literal op of `text[from..to]` (none for no bytes). Most
/// literals are a byte or two: one of up to eight bytes is copied as eight
/// (one store, not a call to `memcpy`) and the vector cut back.
#[inline(always)]
fn put_literal(out: &mut Vec<u8>, text: &[u8], from: usize, to: usize) {
    let len = to - from;
    if len == 0 {
        return;
    }
    put_uvarint(out, (len as u64) << 1);
    match text.get(from..from + 8) {
        Some(eight) if len <= 8 => {
            let at = out.len();
            out.extend_from_slice(&<[u8; 8]>::try_from(eight).expect("8 bytes"));
            out.truncate(at + len);
        }
        _ => out.extend_from_slice(&text[from..to]),
    }
}

/// How many bytes `a` and `b` share from their start, eight at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let n = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= n {
        let x = u64::from_le_bytes(a[i..i + 8].try_into().expect("8 bytes"));
        let y = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        if x != y {
            return i + ((x ^ y).trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < n && a[i] == b[i] {
        i += 1;
    }
    i
}

/// The inverse of [`encode_text`]; `None` for a blob it did not write (a
/// copy outside the raw text, a truncated op, bytes that are not UTF-8).
fn decode_text(raw: &[u8], patch: &[u8]) -> Option<String> {
    let (&PATCH_V1, mut ops) = patch.split_first()? else { return None };
    let mut out = Vec::with_capacity(raw.len());
    let mut next_raw = 0i64;
    while !ops.is_empty() {
        let mut at = 0;
        let header = get_uvarint(ops, &mut at)?;
        let len = usize::try_from(header >> 1).ok()?;
        if header & 1 == 0 {
            out.extend_from_slice(ops.get(at..at.checked_add(len)?)?);
            at += len;
        } else {
            let from = next_raw.checked_add(get_zigzag(ops, &mut at)?)?;
            let from = usize::try_from(from).ok()?;
            out.extend_from_slice(raw.get(from..from.checked_add(len)?)?);
            next_raw = (from + len) as i64;
        }
        ops = &ops[at..];
    }
    String::from_utf8(out).ok()
}

/// Offsets as delta varints (schema version 6): per run, the zigzag
/// LEB128 of the change of the clean start, then of the change of the shift
/// (raw start minus clean start). A Timeline17 article's ≈ 270 runs take
/// ≈ 2 bytes each instead of 8: the clean starts are a few dozen bytes
/// apart and the shift moves by a byte or two (a removed space, a
/// replaced quote). Version 5 stored little-endian `u32` pairs; an upgrade
/// rewrites them ([`decode_offsets_v5`]).
fn encode_offsets(map: &OffsetMap) -> Vec<u8> {
    let mut out = Vec::with_capacity(map.runs.len() * 3);
    let (mut clean, mut shift) = (0i64, 0i64);
    for &(c, r) in &map.runs {
        let (c, s) = (i64::from(c), i64::from(r) - i64::from(c));
        let (dc, ds) = (zigzag(c - clean), zigzag(s - shift));
        // Most runs are under 64 bytes and move the shift by a few bytes:
        // both varints are one byte, stored together.
        if dc < 0x80 && ds < 0x80 {
            out.extend_from_slice(&[dc as u8, ds as u8]);
        } else {
            put_uvarint(&mut out, dc);
            put_uvarint(&mut out, ds);
        }
        (clean, shift) = (c, s);
    }
    out
}

/// The inverse of [`encode_offsets`]. Bytes it did not write (a damaged
/// blob) give the runs decoded up to the damage, never a panic.
fn decode_offsets(bytes: &[u8]) -> OffsetMap {
    let mut runs = Vec::with_capacity(bytes.len() / 2);
    let (mut clean, mut shift) = (0i64, 0i64);
    let mut at = 0;
    while at < bytes.len() {
        let (Some(dc), Some(ds)) = (get_zigzag(bytes, &mut at), get_zigzag(bytes, &mut at)) else {
            break;
        };
        clean = clean.wrapping_add(dc);
        shift = shift.wrapping_add(ds);
        let (Ok(c), Ok(r)) = (u32::try_from(clean), u32::try_from(clean.wrapping_add(shift)))
        else {
            break;
        };
        runs.push((c, r));
    }
    OffsetMap { runs }
}

fn put_uvarint(out: &mut Vec<u8>, mut z: u64) {
    while z >= 0x80 {
        out.push(z as u8 | 0x80);
        z >>= 7;
    }
    out.push(z as u8);
}

fn get_uvarint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut z = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        z |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(z);
        }
    }
    None
}

fn put_zigzag(out: &mut Vec<u8>, v: i64) {
    put_uvarint(out, zigzag(v));
}

/// `v` with its sign in the low bit, so small negative numbers are small.
fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn get_zigzag(bytes: &[u8], at: &mut usize) -> Option<i64> {
    let z = get_uvarint(bytes, at)?;
    Some((z >> 1) as i64 ^ -((z & 1) as i64))
}

/// Offsets as version 5 stored them: little-endian `u32` pairs.
fn decode_offsets_v5(bytes: &[u8]) -> OffsetMap {
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

/// [`encode_text`] as it was before it skipped short runs unread, and
/// [`encode_offsets`] before it stored two one-byte varints at once
/// (session 13): the references they must match byte for byte.
#[cfg(test)]
mod reference {
    // The varint writers and `common_prefix` are the store's own: the
    // change was in what the encoders do around them.
    use super::{common_prefix, put_uvarint, put_zigzag, OffsetMap, MIN_COPY, PATCH_V1};

    pub(super) fn encode_text(raw: &str, text: &str, offsets: &OffsetMap) -> Option<Vec<u8>> {
        let (raw, text) = (raw.as_bytes(), text.as_bytes());
        let mut out = Vec::with_capacity(text.len() / 4 + 16);
        out.push(PATCH_V1);
        let mut literal = 0;
        let mut next_raw = 0i64;
        let runs = &offsets.runs;
        for (k, &(c, r)) in runs.iter().enumerate() {
            let end = runs.get(k + 1).map_or(text.len(), |n| n.0 as usize).min(text.len());
            let (c, r) = (c as usize, r as usize);
            let mut i = c.max(literal);
            if i == c && end >= c + MIN_COPY && raw.get(r..r + (end - c)) == Some(&text[c..end]) {
                put_op(&mut out, &text[literal..c]);
                put_uvarint(&mut out, ((end - c) as u64) << 1 | 1);
                put_zigzag(&mut out, r as i64 - next_raw);
                next_raw = (r + (end - c)) as i64;
                literal = end;
                i = end;
            }
            while i < end {
                let from = r + (i - c);
                let same = common_prefix(&text[i..end], raw.get(from..).unwrap_or_default());
                if same >= MIN_COPY {
                    put_op(&mut out, &text[literal..i]);
                    put_uvarint(&mut out, (same as u64) << 1 | 1);
                    put_zigzag(&mut out, from as i64 - next_raw);
                    next_raw = (from + same) as i64;
                    literal = i + same;
                }
                i += same.max(1);
            }
            if out.len() >= text.len() {
                return None;
            }
        }
        put_op(&mut out, &text[literal..]);
        (out.len() < text.len()).then_some(out)
    }

    fn put_op(out: &mut Vec<u8>, literal: &[u8]) {
        if !literal.is_empty() {
            put_uvarint(out, (literal.len() as u64) << 1);
            out.extend_from_slice(literal);
        }
    }

    pub(super) fn encode_offsets(map: &OffsetMap) -> Vec<u8> {
        let mut out = Vec::with_capacity(map.runs.len() * 3);
        let (mut clean, mut shift) = (0i64, 0i64);
        for &(c, r) in &map.runs {
            let (c, s) = (i64::from(c), i64::from(r) - i64::from(c));
            put_zigzag(&mut out, c - clean);
            put_zigzag(&mut out, s - shift);
            (clean, shift) = (c, s);
        }
        out
    }
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
    fn a_store_with_version_1_signatures_is_signed_again() {
        let seeds = crate::eval::copies::seeds(&crate::eval::shared_dir()).unwrap();
        let articles: Vec<Article> = seeds.iter().map(|(name, text)| article(name, text)).collect();
        let config = dedupe::Config::default();
        let mut fresh = Store::in_memory().unwrap();
        fresh.insert_batch(&articles, &[]).unwrap();
        let expected = fresh.refresh_copies(&config).unwrap();
        assert!(!expected.groups.is_empty());

        // The same store as version 1 left it: every signature in the
        // version 1 layout with other hash values (here, another text's),
        // and a pair the old hashes found that the new ones do not.
        let mut old = Store::in_memory().unwrap();
        old.insert_batch(&articles, &[]).unwrap();
        old.refresh_copies(&config).unwrap();
        for (i, a) in articles.iter().enumerate() {
            let mut bytes = dedupe::Signature::of(&format!("another text number {i}")).to_bytes();
            assert_eq!(bytes[0], dedupe::SIGNATURE_VERSION);
            bytes[0] = 1;
            old.conn
                .execute(
                    "UPDATE copies SET signature = ?2 WHERE article = ?1",
                    params![a.id.to_string(), bytes],
                )
                .unwrap();
        }
        let grouped: HashSet<ArticleId> =
            expected.groups.iter().flat_map(|g| g.members.iter().copied()).collect();
        let loners: Vec<ArticleId> =
            articles.iter().map(|a| a.id).filter(|id| !grouped.contains(id)).collect();
        assert!(loners.len() >= 2);
        old.conn
            .execute(
                "INSERT INTO copy_edges (a, b, relation, similarity) VALUES (?1, ?2, 'near', 0.9)",
                params![loners[0].to_string(), loners[1].to_string()],
            )
            .unwrap();

        // Every article is signed again, and the copies, pairs and
        // signatures are those of a store signed with this version.
        let found = old.refresh_copies(&config).unwrap();
        assert_eq!(found.signed, articles.len());
        assert_eq!(old.duplicates().unwrap(), fresh.duplicates().unwrap());
        assert_eq!(old.copy_edges().unwrap(), fresh.copy_edges().unwrap());
        for a in &articles {
            assert_eq!(old.signature(a.id).unwrap(), fresh.signature(a.id).unwrap());
        }
        assert_eq!(old.refresh_copies(&config).unwrap(), CopiesFound::default());
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
    fn a_version_6_json_state_is_read_and_saved_anew_as_messagepack() {
        use crate::cluster::{ClusterConfig, ClusterState};
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        let config = ClusterConfig::default();
        let mut state = ClusterState::new(&config);
        let a = article("a.txt", "Ferry strike halts crossings\n\nThe ferry crews walked out.\n");
        let b =
            article("b.txt", "Ferry strike goes on\n\nThe ferry crews stayed out on Tuesday.\n");
        for x in [&a, &b] {
            crate::pipeline::cluster(&mut state, x, None, &config);
        }
        let json = serde_json::to_string(&state).unwrap();
        drop(Store::open(&path).unwrap());
        // What a version 6 store holds: the state as JSON text.
        let conn = Connection::open(&path).unwrap();
        conn.execute("INSERT INTO cluster_state (id, state) VALUES (0, ?1)", [&json]).unwrap();
        conn.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'", []).unwrap();
        drop(conn);
        let mut store = Store::open(&path).unwrap();
        let read = store.cluster_state().unwrap().unwrap();
        assert_eq!(serde_json::to_string(&read).unwrap(), json);
        store.save_cluster_state(&read).unwrap();
        let kind: String = store
            .conn
            .query_row("SELECT typeof(state) FROM cluster_state", [], |r| r.get(0))
            .unwrap();
        assert_eq!(kind, "blob");
        let again = store.cluster_state().unwrap().unwrap();
        assert_eq!(serde_json::to_string(&again).unwrap(), json);
        assert_eq!(again.assignment_of(b.id), state.assignment_of(b.id));
        let version: String = store
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, SCHEMA_VERSION.to_string());
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

    /// Rewrites a store's offset maps as version 5 and older wrote them
    /// (little-endian `u32` pairs), adds their index on `published` and
    /// sets the version: what an older build left on disk.
    fn make_old(conn: &Connection, version: i64) {
        conn.execute_batch("CREATE INDEX articles_published ON articles (published);").unwrap();
        let rows: Vec<(i64, Vec<u8>)> = {
            let mut stmt = conn.prepare("SELECT seq, offsets FROM articles").unwrap();
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
            rows.collect::<rusqlite::Result<_>>().unwrap()
        };
        for (seq, blob) in rows {
            let mut old = Vec::new();
            for (c, r) in decode_offsets(&blob).runs {
                old.extend_from_slice(&c.to_le_bytes());
                old.extend_from_slice(&r.to_le_bytes());
            }
            conn.execute("UPDATE articles SET offsets = ?2 WHERE seq = ?1", params![seq, old])
                .unwrap();
        }
        conn.execute(
            "UPDATE meta SET value = ?1 WHERE key = 'schema_version'",
            [version.to_string()],
        )
        .unwrap();
    }

    #[test]
    fn a_version_5_store_is_upgraded_and_exports_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.db");
        // More articles than one upgrade step of 1,000 rewrites.
        let articles: Vec<Article> = (0..1203)
            .map(|i| {
                let body = format!(
                    "Ferry strike, day {i}\n\nThe  harbour ferries stopped for “day {i}” , \
                     the union said ( again ) .\n"
                );
                article(&format!("a/{i}.txt"), &body)
            })
            .collect();
        assert!(articles.iter().all(|a| a.offsets.runs.len() > 2));
        let export = |store: &Store| {
            let snapshot = crate::views::Snapshot::load(store).unwrap();
            let diagnostics = store.diagnostics().unwrap();
            let doc = crate::export::ExportJson::new(&snapshot, &diagnostics, true);
            serde_json::to_string(&doc).unwrap()
        };
        let before = {
            let mut store = Store::open(&path).unwrap();
            store.insert_batch(&articles, &[]).unwrap();
            store.refresh_copies(&dedupe::Config::default()).unwrap();
            export(&store)
        };
        let conn = Connection::open(&path).unwrap();
        make_old(&conn, 5);
        drop(conn);
        let err = Store::open_read_only(&path).err().unwrap();
        assert!(err.to_string().contains("schema version 5"), "{err}");
        let store = Store::open(&path).unwrap();
        assert_eq!(store.articles().unwrap(), articles);
        assert_eq!(export(&store), before);
        drop(store);
        let conn = Connection::open(&path).unwrap();
        let index: i64 = conn
            .query_row(
                "SELECT count(*) FROM sqlite_master WHERE name = 'articles_published'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(index, 0);
        drop(conn);
        // Upgraded once: opening again changes nothing.
        let read_only = Store::open_read_only(&path).unwrap();
        assert_eq!(read_only.articles().unwrap(), articles);
    }

    #[test]
    fn clean_texts_are_stored_as_copies_from_the_raw_text() {
        let seeds = crate::eval::copies::seeds(&crate::eval::shared_dir()).unwrap();
        let (t17, _) =
            crate::ingest::list_inputs(&[crate::eval::datasets_dir().join("timeline17")]);
        let mut bodies: Vec<(String, String)> = seeds;
        for input in t17.iter().filter(|i| i.name().contains("/InputDocs/")).step_by(100) {
            let crate::ingest::Input::File(path) = input else { continue };
            let body = std::fs::read_to_string(path).unwrap();
            if !body.trim().is_empty() {
                bodies.push((input.name(), body));
            }
        }
        assert!(bodies.len() > 30, "{} articles", bodies.len());
        let (mut text, mut stored) = (0, 0);
        for (name, body) in &bodies {
            let a = article(name, body);
            let patch = encode_text(&a.raw, &a.text, &a.offsets);
            if let Some(patch) = &patch {
                assert_eq!(decode_text(a.raw.as_bytes(), patch).as_deref(), Some(&a.text[..]));
            }
            text += a.text.len();
            stored += patch.map_or(a.text.len(), |p| p.len());
        }
        // Timeline17 is Treebank-tokenized, so a patch holds a literal at
        // every rejoined punctuation mark; still under a fifth of the text
        // (8% when written).
        assert!(stored * 5 < text, "{stored} bytes stored for {text} bytes of text");
        // A text equal to its raw text is one copy: format, header, source.
        let same = "The council voted for a bridge.";
        let patch = encode_text(same, same, &OffsetMap { runs: vec![(0, 0)] }).unwrap();
        assert_eq!(patch.len(), 3);
        assert_eq!(decode_text(same.as_bytes(), &patch).as_deref(), Some(same));
    }

    #[test]
    fn offsets_take_under_a_third_of_the_bytes_of_u32_pairs() {
        let seeds = crate::eval::copies::seeds(&crate::eval::shared_dir()).unwrap();
        let (mut runs, mut bytes) = (0, 0);
        for (name, text) in &seeds {
            let a = article(name, text);
            assert_eq!(decode_offsets(&encode_offsets(&a.offsets)), a.offsets);
            runs += a.offsets.runs.len();
            bytes += encode_offsets(&a.offsets).len();
        }
        assert!(runs > 100, "{runs} runs");
        assert!(bytes * 3 <= runs * 8, "{bytes} bytes for {runs} runs");
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
",
        )
        .unwrap();
        make_old(&conn, 2);
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
    fn version_3_and_4_stores_are_upgraded_and_lose_the_fts5_index_and_u32_offsets() {
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
            make_old(&conn, version);
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

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// Any runs (decreasing ones too) come back as they were stored.
        #[test]
        fn offsets_round_trip(runs in prop::collection::vec((any::<u32>(), any::<u32>()), 0..64)) {
            let map = OffsetMap { runs };
            prop_assert_eq!(decode_offsets(&encode_offsets(&map)), map);
        }

        /// Any text with any offset map (a wrong one too) is stored as a
        /// patch only when that is shorter, and decodes to itself.
        #[test]
        fn texts_round_trip(
            raw in "[a-c \n“é]{0,80}",
            edits in prop::collection::vec((0..80usize, "[a-c ”]{0,3}"), 0..6),
            runs in prop::collection::vec((0..100u32, 0..100u32), 0..8),
        ) {
            let mut text = raw.clone();
            for (at, insert) in edits {
                let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                text.insert_str(at, &insert);
            }
            let mut offsets = OffsetMap { runs };
            offsets.runs.sort_unstable();
            for map in [OffsetMap { runs: vec![(0, 0)] }, offsets] {
                if let Some(patch) = encode_text(&raw, &text, &map) {
                    prop_assert!(patch.len() < text.len());
                    prop_assert_eq!(decode_text(raw.as_bytes(), &patch), Some(text.clone()));
                }
            }
        }

        /// The encoder writes the bytes of the reference encoder for any text
        /// and any map: maps whose runs mostly line up with the raw text
        /// (`shift` near the start, as the cleaner's do), arbitrary ones, and
        /// damaged ones that go back.
        #[test]
        fn texts_encode_as_the_reference(
            raw in "[ab \n“]{0,160}",
            edits in prop::collection::vec((0..160usize, "[ab ”]{0,3}"), 0..8),
            near in prop::collection::vec((0..180u32, 0..6u32), 0..24),
            far in prop::collection::vec((0..200u32, 0..200u32), 0..4),
            flips in prop::collection::vec(0..200usize, 0..12),
            sort in any::<bool>(),
        ) {
            let mut text = raw.clone();
            for (at, insert) in edits {
                let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                text.insert_str(at, &insert);
            }
            // Bytes replaced in place: runs that are copies but for a byte.
            let mut bytes = text.into_bytes();
            for at in flips {
                if let Some(b) = bytes.get_mut(at).filter(|b| b.is_ascii()) {
                    *b = if *b == b'a' { b'b' } else { b'a' };
                }
            }
            let text = String::from_utf8(bytes).expect("ASCII replaced by ASCII");
            let mut runs: Vec<(u32, u32)> = near.into_iter().map(|(c, d)| (c, c.saturating_sub(d))).collect();
            runs.extend(far);
            if sort {
                runs.sort_unstable();
            }
            for map in [OffsetMap { runs: vec![(0, 0)] }, OffsetMap { runs }] {
                prop_assert_eq!(
                    encode_text(&raw, &text, &map),
                    reference::encode_text(&raw, &text, &map)
                );
            }
        }

        /// The offsets encoder writes the bytes of the reference encoder, for
        /// runs as the cleaner makes them and arbitrary ones.
        #[test]
        fn offsets_encode_as_the_reference(
            any_runs in prop::collection::vec((any::<u32>(), any::<u32>()), 0..64),
            steps in prop::collection::vec((0..200u32, 0..8u32, any::<bool>()), 0..64),
        ) {
            let (mut c, mut r) = (0u32, 0u32);
            let near: Vec<(u32, u32)> = steps
                .into_iter()
                .map(|(len, moved, back)| {
                    c += len;
                    r = if back { (r + len).saturating_sub(moved) } else { r + len + moved };
                    (c, r)
                })
                .collect();
            for runs in [any_runs, near] {
                let map = OffsetMap { runs };
                prop_assert_eq!(encode_offsets(&map), reference::encode_offsets(&map));
            }
        }

        /// Ids and dates are written as their `Display` writes them.
        #[test]
        fn ids_and_dates_are_written_as_displayed(
            id in any::<u64>(),
            day in any::<i32>(),
        ) {
            prop_assert_eq!(id_text(ArticleId(id)), ArticleId(id).to_string());
            let date = NaiveDate::from_num_days_from_ce_opt(day % 4_000_000)
                .or(NaiveDate::from_ymd_opt(2016, 10, 7))
                .unwrap();
            prop_assert_eq!(date_text(date), date.to_string());
        }

        /// A damaged text blob decodes to `None` or some text, never a
        /// panic.
        #[test]
        fn texts_decode_never_panics(patch in prop::collection::vec(any::<u8>(), 0..64)) {
            let mut patch = patch;
            patch.insert(0, PATCH_V1);
            let _ = decode_text(b"some raw text to copy from", &patch);
        }

        /// A damaged blob decodes to some runs, never a panic.
        #[test]
        fn offsets_decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            let map = decode_offsets(&bytes);
            prop_assert!(map.runs.len() <= bytes.len() / 2);
        }
    }
}
