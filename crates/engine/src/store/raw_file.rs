//! The raw texts of a store on disk: one append-only file beside the
//! database (`storyline.db` keeps them in `storyline.db.raw`).
//!
//! Input: the raw texts of the articles a batch inserts. Output: the same
//! bytes, read back by position. Method: a row holds where its raw text
//! starts in the file and how long it is; a batch's texts are written one
//! after another from the file's committed end (in blocks of [`BUFFER`]),
//! made durable (`fdatasync`) at the batch's commit, and only then is the
//! batch's transaction, which records the new end in `meta`, committed.
//!
//! Why a file of its own: SQLite writes every byte of a row twice (into
//! the WAL, then the WAL into the database at the checkpoint) and reads it
//! once in between; a raw text is most of a row's bytes and is never
//! updated, so writing it once, outside, cuts the CPU time of storing an
//! article by about a quarter (see `docs/benchmarks.md`, issue 2).
//!
//! Crash rules, which keep every committed batch whole:
//! - the bytes a row points to are durable before the row is committed,
//!   so no committed row points past what the file holds;
//! - a batch killed before its commit may leave bytes past the committed
//!   end: no row points to them, and the next batch writes over them;
//! - the committed end is read inside the batch's write transaction, so
//!   two writers (serialized by SQLite's write lock) never write the same
//!   bytes.

use std::cell::RefCell;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Texts of a batch gathered up to this many bytes before they are
/// written: a few writes a batch, and a buffer small enough to be reused
/// rather than grown (growing one to a whole batch's texts faulted in
/// fresh pages for every batch).
const BUFFER: usize = 256 * 1024;

/// The raw-text file of a store, opened when first needed.
pub(super) struct RawFile {
    path: PathBuf,
    /// Opened on first use: for reading only by a reader, for reading and
    /// writing by a writer (a reader's handle is never used to write).
    file: RefCell<Option<(File, bool)>>,
    /// The open batch, if any.
    batch: Option<Batch>,
    /// Texts of the open batch not written yet (they go at
    /// `batch.at + batch.written`).
    pending: Vec<u8>,
}

/// Where the open batch writes: from `at`, the committed end of the file
/// when it began; `written` bytes of it are in the file.
#[derive(Clone, Copy)]
struct Batch {
    at: u64,
    written: u64,
}

impl RawFile {
    /// The raw-text file of the database at `db`.
    pub(super) fn beside(db: &Path) -> RawFile {
        let mut path = db.as_os_str().to_owned();
        path.push(".raw");
        RawFile {
            path: PathBuf::from(path),
            file: RefCell::new(None),
            batch: None,
            pending: Vec::new(),
        }
    }

    /// The file's path.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// Opens a batch whose texts go from `end`, the file's committed end
    /// (read under the store's write lock); an open batch is abandoned.
    pub(super) fn begin(&mut self, end: u64) {
        self.pending.clear();
        self.batch = Some(Batch { at: end, written: 0 });
    }

    /// Where the next text of the open batch goes, if a batch is open.
    pub(super) fn next_at(&self) -> Option<u64> {
        self.batch.map(|b| b.at + b.written + self.pending.len() as u64)
    }

    /// Adds a text to the open batch (at [`RawFile::next_at`]).
    pub(super) fn push(&mut self, text: &[u8]) -> io::Result<()> {
        self.pending.extend_from_slice(text);
        if self.pending.len() >= BUFFER {
            self.write_pending()?;
        }
        Ok(())
    }

    /// Writes the rest of the open batch and makes all of it durable;
    /// returns the file's new end, or `None` when the batch added nothing.
    /// The batch is closed either way.
    pub(super) fn commit(&mut self) -> io::Result<Option<u64>> {
        let result = self.write_pending().and_then(|()| match self.batch {
            Some(b) if b.written > 0 => {
                self.with_file(true, |f| f.sync_data())?;
                Ok(Some(b.at + b.written))
            }
            _ => Ok(None),
        });
        self.abandon();
        result
    }

    /// Closes the open batch without committing it: what it wrote stays
    /// past the committed end, where no row points.
    pub(super) fn abandon(&mut self) {
        self.batch = None;
        self.pending.clear();
    }

    fn write_pending(&mut self) -> io::Result<()> {
        let Some(batch) = self.batch else { return Ok(()) };
        if self.pending.is_empty() {
            return Ok(());
        }
        self.with_file(true, |mut f| {
            f.seek(SeekFrom::Start(batch.at + batch.written))?;
            f.write_all(&self.pending)
        })?;
        let written = batch.written + self.pending.len() as u64;
        self.batch = Some(Batch { written, ..batch });
        self.pending.clear();
        Ok(())
    }

    /// `len` bytes at `at`: from the file, or from the open batch's
    /// texts not written yet (a text is pushed and written whole, so it is
    /// all in one or the other).
    pub(super) fn read(&self, at: u64, len: usize) -> io::Result<Vec<u8>> {
        if let Some(b) = self.batch.filter(|b| at >= b.at + b.written) {
            let from = (at - b.at - b.written) as usize;
            return match self.pending.get(from..from.saturating_add(len)) {
                Some(bytes) => Ok(bytes.to_vec()),
                None => Err(io::Error::new(io::ErrorKind::UnexpectedEof, "past the batch's texts")),
            };
        }
        let mut buf = vec![0; len];
        self.with_file(false, |mut f| {
            f.seek(SeekFrom::Start(at))?;
            f.read_exact(&mut buf)
        })?;
        Ok(buf)
    }

    fn with_file<T>(&self, write: bool, f: impl FnOnce(&File) -> io::Result<T>) -> io::Result<T> {
        let mut slot = self.file.borrow_mut();
        if slot.as_ref().is_none_or(|&(_, writable)| write && !writable) {
            let file = if write {
                OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(&self.path)?
            } else {
                File::open(&self.path)?
            };
            *slot = Some((file, write));
        }
        f(&slot.as_ref().expect("opened above").0)
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::article;
    use super::super::Store;
    use crate::model::Article;
    use rusqlite::Connection;

    fn articles(tag: &str, n: usize) -> Vec<Article> {
        (0..n)
            .map(|i| {
                article(
                    &format!("{tag}/{i}.txt"),
                    &format!(
                        "Harbour {tag} item {i}\n\nThe “ferry” crews of pier {i} met on Tuesday, \
                         the {tag} union said.\n\nTalks go on.\n"
                    ),
                )
            })
            .collect()
    }

    /// What a row holds of its raw text: the text in the row, and where
    /// it is in the file.
    fn rows(db: &std::path::Path) -> Vec<(String, Option<i64>, Option<i64>)> {
        let conn = Connection::open(db).unwrap();
        let mut stmt =
            conn.prepare("SELECT raw, raw_at, raw_len FROM articles ORDER BY seq").unwrap();
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
        rows.collect::<rusqlite::Result<_>>().unwrap()
    }

    #[test]
    fn raw_texts_are_written_once_to_the_file_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let (first, second) = (articles("a", 3), articles("b", 2));
        let mut store = Store::open(&db).unwrap();
        store.insert_batch(&first, &[]).unwrap();
        store.insert_batch(&second, &[]).unwrap();
        // The same content again adds neither a row nor bytes.
        store.insert_batch(&first[..1], &[]).unwrap();
        let all: Vec<Article> = first.iter().chain(&second).cloned().collect();
        let raw_bytes: usize = all.iter().map(|a| a.raw.len()).sum();
        assert_eq!(std::fs::metadata(dir.path().join("s.db.raw")).unwrap().len(), raw_bytes as u64);
        let mut at = 0;
        for ((raw, raw_at, raw_len), a) in rows(&db).into_iter().zip(&all) {
            assert_eq!((raw.as_str(), raw_at, raw_len), ("", Some(at), Some(a.raw.len() as i64)));
            at += a.raw.len() as i64;
        }
        assert_eq!(store.articles().unwrap(), all);
        drop(store);
        let reader = Store::open_read_only(&db).unwrap();
        assert_eq!(reader.articles().unwrap(), all);
        assert_eq!(reader.article(all[4].id).unwrap().as_ref(), Some(&all[4]));
        let light = reader.articles_without_raw().unwrap();
        assert_eq!(light.len(), all.len());
        assert!(light.iter().zip(&all).all(|(l, a)| l.raw.is_empty() && l.text == a.text));
    }

    /// A batch killed after its texts reached the file but before its
    /// commit leaves bytes no row points to: the next batch writes over
    /// them, and every committed article reads back whole.
    #[test]
    fn bytes_of_a_batch_that_never_committed_are_written_over() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let (first, second) = (articles("a", 2), articles("b", 2));
        let mut store = Store::open(&db).unwrap();
        store.insert_batch(&first, &[]).unwrap();
        drop(store);
        let committed = std::fs::metadata(dir.path().join("s.db.raw")).unwrap().len();
        // What a killed batch leaves: texts past the committed end.
        let mut f =
            std::fs::OpenOptions::new().append(true).open(dir.path().join("s.db.raw")).unwrap();
        std::io::Write::write_all(&mut f, &[b'#'; 10_000]).unwrap();
        drop(f);
        let mut store = Store::open(&db).unwrap();
        store.insert_batch(&second, &[]).unwrap();
        let stored = rows(&db);
        assert_eq!(stored[2].1, Some(committed as i64));
        let all: Vec<Article> = first.iter().chain(&second).cloned().collect();
        assert_eq!(store.articles().unwrap(), all);
    }

    /// A batch rolled back stores neither rows nor an end past its start;
    /// an article read inside an open batch comes from the batch.
    #[test]
    fn a_rolled_back_batch_leaves_no_trace_and_an_open_one_reads_its_own() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let (first, second) = (articles("a", 2), articles("b", 2));
        let mut store = Store::open(&db).unwrap();
        store.begin_batch().unwrap();
        for a in &first {
            assert!(store.insert_article(a).unwrap());
        }
        assert_eq!(store.article(first[1].id).unwrap().as_ref(), Some(&first[1]));
        store.rollback_batch();
        assert_eq!(store.count().unwrap(), 0);
        store.insert_batch(&second, &[]).unwrap();
        assert_eq!(rows(&db)[0].1, Some(0));
        assert_eq!(store.articles().unwrap(), second);
    }

    /// A batch larger than the write buffer is written in several blocks;
    /// inside the batch, a text already written and one still buffered
    /// both read back.
    #[test]
    fn a_batch_larger_than_the_buffer_reads_back_inside_and_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let long: Vec<Article> = (0..6)
            .map(|i| {
                let body =
                    format!("The ferry crews of pier {i} met again on Tuesday. ").repeat(3000);
                article(&format!("long/{i}.txt"), &format!("Harbour talks {i}\n\n{body}\n"))
            })
            .collect();
        let total: usize = long.iter().map(|a| a.raw.len()).sum();
        assert!(total > 2 * super::BUFFER && long[0].raw.len() < super::BUFFER);
        let mut store = Store::open(&db).unwrap();
        store.begin_batch().unwrap();
        for a in &long {
            assert!(store.insert_article(a).unwrap());
        }
        assert_eq!(store.article(long[0].id).unwrap().as_ref(), Some(&long[0]));
        assert_eq!(store.article(long[5].id).unwrap().as_ref(), Some(&long[5]));
        store.commit_batch().unwrap();
        assert_eq!(Store::open_read_only(&db).unwrap().articles().unwrap(), long);
    }

    /// Two writers on one store take turns: each batch reads the committed
    /// end under the write lock, so neither writes over the other's texts.
    #[test]
    fn two_writers_never_write_over_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let (mut one, mut two) = (Store::open(&db).unwrap(), Store::open(&db).unwrap());
        let batches = [articles("a", 2), articles("b", 3), articles("c", 1), articles("d", 2)];
        for (i, batch) in batches.iter().enumerate() {
            let writer = if i % 2 == 0 { &mut one } else { &mut two };
            writer.insert_batch(batch, &[]).unwrap();
        }
        let all: Vec<Article> = batches.concat();
        assert_eq!(Store::open_read_only(&db).unwrap().articles().unwrap(), all);
    }

    /// A store of schema version 7 keeps its raw texts in the rows: it is
    /// upgraded without moving them, reads the same, and new articles go to
    /// the file.
    #[test]
    fn a_version_7_store_keeps_its_rows_and_stores_new_texts_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let (old, new) = (articles("a", 2), articles("b", 2));
        // Inserted outside a batch, an article keeps its raw text in its
        // row, as version 7 stored every article.
        let mut store = Store::open(&db).unwrap();
        for a in &old {
            store.insert_article(a).unwrap();
        }
        drop(store);
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(
            "ALTER TABLE articles DROP COLUMN raw_at;
             ALTER TABLE articles DROP COLUMN raw_len;
             UPDATE meta SET value = '7' WHERE key = 'schema_version';",
        )
        .unwrap();
        drop(conn);
        assert!(Store::open_read_only(&db).is_err(), "an old store is upgraded first");
        let mut store = Store::open(&db).unwrap();
        assert_eq!(store.articles().unwrap(), old);
        store.insert_batch(&new, &[]).unwrap();
        let stored = rows(&db);
        assert!(stored[..2].iter().zip(&old).all(|(r, a)| r.0 == a.raw && r.1.is_none()));
        assert!(stored[2..].iter().all(|r| r.0.is_empty() && r.1.is_some()));
        let all: Vec<Article> = old.iter().chain(&new).cloned().collect();
        assert_eq!(store.articles().unwrap(), all);
    }

    /// A missing or cut raw-text file is an error naming it, not a panic
    /// and not a wrong text.
    #[test]
    fn a_missing_raw_text_file_is_an_error_naming_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let mut store = Store::open(&db).unwrap();
        store.insert_batch(&articles("a", 2), &[]).unwrap();
        drop(store);
        let raw = dir.path().join("s.db.raw");
        let len = std::fs::metadata(&raw).unwrap().len();
        std::fs::OpenOptions::new().write(true).open(&raw).unwrap().set_len(len - 1).unwrap();
        let err = Store::open(&db).unwrap().articles().unwrap_err().to_string();
        assert!(err.contains("s.db.raw"), "{err}");
        std::fs::remove_file(&raw).unwrap();
        let err = Store::open(&db).unwrap().articles().unwrap_err().to_string();
        assert!(err.contains("s.db.raw"), "{err}");
    }
}
