//! The pipeline: the one place that puts the stages in order.
//!
//! Input: [`RawArticle`]s from [`crate::ingest`]. Output: [`Article`]s
//! ready for the store, or a diagnostic when nothing of the story is left.
//! Method: clean → metadata → identity (a fixed-seed hash of the clean
//! text, so the same content is one article wherever it came from).
//! Stories: [`cluster`] places each stored article, in arrival order, into
//! an event and a story of a [`ClusterState`] the store keeps. Quotes:
//! [`quotes`] extracts the entities and quotes of each article and merges
//! them across articles. Later stages (timelines) are added here in their
//! order. An ingest run into the store, as `storyline ingest` and the HTTP
//! API do it, is an [`Ingest`] session: articles in batches, then copies,
//! then clustering.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use crate::clean::{self, CleanConfig};
use crate::cluster::{Assignment, ClusterConfig, ClusterInput, ClusterState};
use crate::dedupe::{self, Duplicate};
use crate::extract::{self, merge};
use crate::ingest::{read_bytes, read_input, Input, Item, ReadConfig};
use crate::meta;
use crate::model::{Article, ArticleId, Diagnostic, DiagnosticKind, RawArticle};
use crate::store::{FreshTexts, Inserted, Store};

/// Options for processing articles.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// Cleaning options.
    pub clean: CleanConfig,
    /// A publication date given by the user for every article of the run.
    pub published: Option<NaiveDate>,
}

/// The identity of an article: xxh3 (seed 0) of its clean text. Stable
/// across runs, machines and program versions as long as cleaning is.
pub fn article_id(text: &str) -> ArticleId {
    ArticleId(xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

/// Cleans one raw article and finds its metadata.
pub fn process(raw: RawArticle, config: &Config) -> Result<Article, Diagnostic> {
    let clean = clean::clean(&raw.body, &config.clean);
    if clean.text.is_empty() {
        let msg = "no story text left after cleaning (only chrome, labels or blank lines)";
        return Err(Diagnostic::new(raw.origin, DiagnosticKind::Empty, msg));
    }
    let (meta, meta_diagnostics) = meta::metadata(&raw, &clean, config.published);
    let mut diagnostics = raw.diagnostics;
    diagnostics.extend(meta_diagnostics);
    Ok(Article {
        id: article_id(&clean.text),
        origin: raw.origin,
        format: raw.format,
        title: meta.title,
        outlet: meta.outlet,
        original_outlet: meta.original_outlet,
        author: meta.author,
        published: meta.published,
        published_source: meta.published_source,
        modified: raw.fields.modified.as_deref().and_then(crate::dates::parse_date),
        fetched: raw.fields.fetched.as_deref().and_then(crate::dates::parse_date),
        language: clean.language,
        url: meta.url,
        raw: raw.body,
        text: clean.text,
        offsets: clean.offsets,
        diagnostics,
    })
}

/// Places one article into an event and a story (a no-op for an article
/// already placed); a copy (`duplicate_of`, from the copies stage) joins its
/// original's event when the original is placed already.
pub fn cluster(
    state: &mut ClusterState,
    article: &Article,
    duplicate_of: Option<ArticleId>,
    config: &ClusterConfig,
) -> Assignment {
    let input = ClusterInput {
        article: article.id,
        title: article.title.as_deref(),
        text: &article.text,
        published: article.published,
        duplicate_of,
    };
    state.assign(&input, config)
}

/// Entities and quotes of stored articles, merged across them: one entity
/// per person, organization or place, one quote per utterance with every
/// article that reported it. Offsets point into each article's clean text.
/// Deterministic for a given list of articles.
/// `duplicates` are the copies found by the duplicates stage: a quote
/// reported by an article and its copy counts once.
pub fn quotes(articles: &[Article], duplicates: &[(ArticleId, Duplicate)]) -> merge::Merged {
    let copy_of: HashMap<ArticleId, ArticleId> =
        duplicates.iter().map(|(id, d)| (*id, d.duplicate_of)).collect();
    let extractions: Vec<extract::Extraction> =
        articles.iter().map(|a| extract::extract(&a.text)).collect();
    let sources: Vec<merge::Source> = articles
        .iter()
        .zip(&extractions)
        .map(|(a, x)| merge::Source {
            article: a.id,
            published: a.published,
            copy_of: copy_of.get(&a.id).copied(),
            text: &a.text,
            extraction: x,
        })
        .collect();
    merge::merge(&sources)
}

/// The clean text an ingest run keeps of the articles it committed, for
/// its copies and clustering passes (Timeline17 is 22 MB of clean text).
const FRESH_TEXT_BYTES: usize = 64 << 20;

/// Options of an ingest run into the store.
#[derive(Clone, Debug)]
pub struct IngestConfig {
    /// How inputs are read.
    pub read: ReadConfig,
    /// How articles are processed.
    pub process: Config,
    /// Articles per transaction.
    pub batch: usize,
    /// How copies are found.
    pub copies: dedupe::Config,
    /// How articles are placed into events and stories.
    pub cluster: ClusterConfig,
}

impl Default for IngestConfig {
    fn default() -> IngestConfig {
        IngestConfig {
            read: ReadConfig::default(),
            process: Config::default(),
            batch: 1000,
            copies: dedupe::Config::default(),
            cluster: ClusterConfig::default(),
        }
    }
}

/// What an ingest run did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IngestSummary {
    /// Inputs read (files, standard input, request bodies).
    pub inputs: usize,
    /// Articles new to the store.
    pub added: usize,
    /// Articles whose content was stored already.
    pub already_present: usize,
    /// Records (or whole inputs) that gave no article.
    pub not_ingested: usize,
    /// Diagnostics by kind name, those of stored articles included.
    pub diagnostics: BTreeMap<&'static str, usize>,
    /// The first [`IngestSummary::N_SHOWN`] records not ingested, to show
    /// the user; every one of them is in the store.
    pub shown: Vec<Diagnostic>,
    /// How many more records were not ingested than `shown` holds.
    pub hidden: usize,
}

impl IngestSummary {
    /// How many diagnostics of records not ingested a summary keeps.
    pub const N_SHOWN: usize = 20;
}

/// One ingest run into the store: feed it inputs, items or diagnostics,
/// then [`Ingest::finish`] it. Articles are committed in batches of
/// [`IngestConfig::batch`], so a killed run leaves every committed batch
/// intact; copies and clustering run once, at the end, over what the run
/// stored (and whatever an earlier killed run left unplaced).
///
/// Each article is inserted into the open batch as soon as it is
/// processed, while its texts are still in the CPU's cache, and its
/// buffers are then free for the next article (rather than a thousand
/// articles held and inserted at once). The batch's write transaction is
/// committed before reading an input that may block (standard input, a
/// URL, a pipe), so a slow source never holds the store's write lock.
pub struct Ingest<'s> {
    store: &'s mut Store,
    config: IngestConfig,
    /// Articles in the open batch (none open at 0), and how many of them
    /// were new or present; counted into the summary when committed.
    open: usize,
    open_inserted: Inserted,
    diagnostics: Vec<Diagnostic>,
    /// The clean texts of the articles this run committed, up to
    /// [`FRESH_TEXT_BYTES`], handed to the copies and clustering passes so
    /// they need not decode them from the store again.
    fresh_texts: FreshTexts,
    fresh_bytes: usize,
    summary: IngestSummary,
    /// The first store error met inside a reader's callback, returned once
    /// the reader is done.
    failure: Option<crate::Error>,
}

impl<'s> Ingest<'s> {
    /// Starts a run into `store`.
    pub fn new(store: &'s mut Store, config: IngestConfig) -> Ingest<'s> {
        Ingest {
            store,
            config,
            open: 0,
            open_inserted: Inserted::default(),
            diagnostics: Vec::new(),
            fresh_texts: FreshTexts::default(),
            fresh_bytes: 0,
            summary: IngestSummary::default(),
            failure: None,
        }
    }

    /// Reads one input (a file or standard input) into the run.
    pub fn read(&mut self, input: &Input) -> crate::Result<()> {
        self.summary.inputs += 1;
        if self.open > 0 && !may_not_block(input) {
            self.flush()?;
        }
        let read = self.config.read.clone();
        read_input(input, &read, &mut |item| self.add_in_reader(item));
        self.failure.take().map_or(Ok(()), Err)
    }

    /// Reads input bytes already in memory (a request body); `name` names
    /// the input in origins and diagnostics.
    pub fn read_bytes(&mut self, name: &str, bytes: &[u8]) -> crate::Result<()> {
        self.summary.inputs += 1;
        let read = self.config.read.clone();
        read_bytes(name, bytes, &read, &mut |item| self.add_in_reader(item));
        self.failure.take().map_or(Ok(()), Err)
    }

    /// Adds one reader item: an article is processed and batched, a
    /// diagnostic counted and stored.
    pub fn add(&mut self, item: Item) -> crate::Result<()> {
        self.add_in_reader(item);
        self.failure.take().map_or(Ok(()), Err)
    }

    /// Adds records that could not be read (for instance paths that
    /// [`crate::ingest::list_inputs`] could not list).
    pub fn add_diagnostics(&mut self, diagnostics: Vec<Diagnostic>) {
        for d in diagnostics {
            self.not_ingested(d);
        }
    }

    /// Articles processed so far, stored or waiting for the next batch.
    pub fn n_articles(&self) -> usize {
        self.summary.added + self.summary.already_present + self.open
    }

    fn add_in_reader(&mut self, item: Item) {
        match item {
            Item::Article(raw) => match process(raw, &self.config.process) {
                Ok(article) => {
                    for d in &article.diagnostics {
                        *self.summary.diagnostics.entry(d.kind.name()).or_default() += 1;
                    }
                    // After a failure nothing more is written.
                    if self.failure.is_none() {
                        if let Err(e) = self.insert(article) {
                            self.abandon_batch();
                            self.failure = Some(e);
                        }
                    }
                }
                Err(d) => self.not_ingested(d),
            },
            Item::Diagnostic(d) => self.not_ingested(d),
        }
    }

    /// Inserts one article into the open batch (opening one if needed),
    /// keeps its clean text for the copies and clustering passes, and
    /// commits the batch when it is full: a large JSONL file commits batch
    /// by batch.
    fn insert(&mut self, article: Article) -> crate::Result<()> {
        if self.open == 0 {
            self.store.begin_batch()?;
        }
        self.open += 1;
        if self.store.insert_article(&article)? {
            self.open_inserted.added += 1;
        } else {
            self.open_inserted.present += 1;
        }
        // Past the budget the texts are let go, and read back from the
        // store: a run of millions of articles must not hold them all.
        if self.fresh_bytes + article.text.len() <= FRESH_TEXT_BYTES {
            self.fresh_bytes += article.text.len();
            self.fresh_texts.insert(article.id, article.text);
        }
        if self.open >= self.config.batch {
            self.flush()?;
        }
        Ok(())
    }

    fn not_ingested(&mut self, d: Diagnostic) {
        let summary = &mut self.summary;
        summary.not_ingested += 1;
        *summary.diagnostics.entry(d.kind.name()).or_default() += 1;
        if summary.shown.len() < IngestSummary::N_SHOWN {
            summary.shown.push(d.clone());
        } else {
            summary.hidden += 1;
        }
        self.diagnostics.push(d);
    }

    /// Rolls the open batch back after an error: none of it is stored or
    /// counted.
    fn abandon_batch(&mut self) {
        self.store.rollback_batch();
        self.open = 0;
        self.open_inserted = Inserted::default();
    }

    /// Commits the open batch, with the diagnostics gathered since the
    /// last one.
    fn flush(&mut self) -> crate::Result<()> {
        if self.open == 0 && self.diagnostics.is_empty() {
            return Ok(());
        }
        let result = (|| {
            if self.open == 0 {
                self.store.begin_batch()?;
            }
            for d in &self.diagnostics {
                self.store.insert_diagnostic(d)?;
            }
            self.store.commit_batch()
        })();
        if let Err(e) = result {
            self.abandon_batch();
            return Err(e);
        }
        let Inserted { added, present } = std::mem::take(&mut self.open_inserted);
        self.summary.added += added;
        self.summary.already_present += present;
        self.open = 0;
        self.diagnostics.clear();
        Ok(())
    }

    /// Commits the last batch, finds the copies of the new articles among
    /// everything stored, places them into events and stories, and says
    /// what the run did.
    pub fn finish(mut self) -> crate::Result<IngestSummary> {
        self.flush()?;
        // Copies are found over the whole store, so a new article is
        // compared with everything ingested before.
        self.store.refresh_copies_with(&self.config.copies, &self.fresh_texts)?;
        cluster_stored(self.store, &self.config.cluster, &self.fresh_texts)?;
        Ok(std::mem::take(&mut self.summary))
    }
}

impl Drop for Ingest<'_> {
    /// A run dropped before [`Ingest::finish`] (after an error) stores
    /// nothing of its open batch, and leaves the store usable.
    fn drop(&mut self) {
        if self.open > 0 {
            self.store.rollback_batch();
        }
    }
}

/// True for an input whose reading cannot stall: a regular file, not
/// standard input, a URL, or a pipe or device named by its path
/// ([`crate::ingest::list_inputs`] tells them apart as it lists them).
fn may_not_block(input: &Input) -> bool {
    matches!(input, Input::File(_))
}

/// Places every stored article that the saved clustering state does not
/// hold yet (this run's, or those of an earlier run that was killed), in
/// arrival order, copies with their originals, and saves the state. Only
/// those articles are read, and only what clustering reads of them; the
/// state is loaded and saved once. A text in `fresh_texts` is taken from
/// there rather than decoded from the store.
fn cluster_stored(
    store: &mut Store,
    config: &ClusterConfig,
    fresh_texts: &FreshTexts,
) -> crate::Result<()> {
    let mut state = store.cluster_state()?.unwrap_or_else(|| ClusterState::new(config));
    let mut placed = 0;
    let mark = store.unclustered_with(fresh_texts, |input| {
        state.assign(input, config);
        placed += 1;
    })?;
    if placed > 0 {
        state.settle(config);
        store.save_cluster_state_through(&state, mark)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::list_inputs;
    use crate::model::DiagnosticKind;

    /// The seeds (with a copy pair) and every 25th Timeline17 article.
    fn sample() -> Vec<Input> {
        let shared = crate::eval::shared_dir();
        let (mut inputs, _) = list_inputs(&[shared.join("seeds")]);
        let (t17, _) = list_inputs(&[crate::eval::datasets_dir().join("timeline17")]);
        inputs.extend(t17.into_iter().filter(|i| i.name().contains("/InputDocs/")).step_by(25));
        assert!(inputs.len() > 100, "{} inputs", inputs.len());
        inputs
    }

    #[test]
    fn clustering_run_by_run_equals_one_run() {
        run_by_run_equals_one_run(IngestConfig::default());
    }

    /// With kind links on, each run settles them at its end: the links are
    /// derived from the stories, so many runs still equal one.
    #[test]
    fn clustering_with_kind_links_run_by_run_equals_one_run() {
        let mut config = IngestConfig::default();
        config.cluster.kind_link = true;
        run_by_run_equals_one_run(config);
    }

    fn run_by_run_equals_one_run(config: IngestConfig) {
        let inputs = sample();
        let ingest = |store: &mut Store, inputs: &[Input]| {
            let mut run = Ingest::new(store, config.clone());
            for input in inputs {
                run.read(input).unwrap();
            }
            run.finish().unwrap()
        };
        let mut once = Store::in_memory().unwrap();
        ingest(&mut once, &inputs);
        let mut runs = Store::in_memory().unwrap();
        // Two inputs a run: the seeds' copy pair (001, 003) is split.
        for chunk in inputs.chunks(2) {
            ingest(&mut runs, chunk);
        }
        assert!(!once.duplicates().unwrap().is_empty());
        assert_eq!(runs.duplicates().unwrap(), once.duplicates().unwrap());
        let state = |store: &Store| serde_json::to_string(&store.cluster_state().unwrap()).unwrap();
        assert_eq!(state(&runs), state(&once));
        assert_eq!(once.cluster_state().unwrap().unwrap().n_articles(), once.count().unwrap());
    }

    #[test]
    fn texts_handed_over_give_what_the_store_gives() {
        let inputs = sample();
        let config = IngestConfig::default();
        let mut handed = Store::in_memory().unwrap();
        let mut run = Ingest::new(&mut handed, config.clone());
        for input in &inputs {
            run.read(input).unwrap();
        }
        run.finish().unwrap();
        // The same run, with copies and clustering reading every text
        // back from the store.
        let mut read_back = Store::in_memory().unwrap();
        let mut run = Ingest::new(&mut read_back, config.clone());
        for input in &inputs {
            run.read(input).unwrap();
        }
        run.flush().unwrap();
        assert!(!run.fresh_texts.is_empty());
        drop(run);
        read_back.refresh_copies(&config.copies).unwrap();
        cluster_stored(&mut read_back, &config.cluster, &FreshTexts::default()).unwrap();
        assert!(!handed.duplicates().unwrap().is_empty());
        assert_eq!(handed.duplicates().unwrap(), read_back.duplicates().unwrap());
        let state = |store: &Store| serde_json::to_string(&store.cluster_state().unwrap()).unwrap();
        assert_eq!(state(&handed), state(&read_back));
    }

    fn run(store: &mut Store, inputs: &[(&str, &str)]) -> IngestSummary {
        let mut ingest = Ingest::new(store, IngestConfig { batch: 2, ..IngestConfig::default() });
        for (name, body) in inputs {
            ingest.read_bytes(name, body.as_bytes()).unwrap();
        }
        ingest.finish().unwrap()
    }

    #[test]
    fn only_regular_files_are_read_with_a_batch_open() {
        assert!(may_not_block(&Input::File("a.txt".into())));
        assert!(!may_not_block(&Input::Stream("/dev/fd/63".into())));
        assert!(!may_not_block(&Input::Stdin));
        assert!(!may_not_block(&Input::Url("https://example.org/feed".into())));
    }

    /// The open batch is committed before an input that may block is read,
    /// so another connection sees it (and may write) meanwhile; a run
    /// dropped unfinished stores nothing of its open batch.
    #[test]
    fn a_batch_is_committed_before_a_blocking_input_and_dropped_with_the_run() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("s.db");
        let mut store = Store::open(&db).unwrap();
        let mut ingest = Ingest::new(&mut store, IngestConfig::default());
        ingest
            .read_bytes("a.txt", b"Ferry strike halts crossings\n\nThe crews walked out.\n")
            .unwrap();
        assert_eq!(Store::open_read_only(&db).unwrap().count().unwrap(), 0, "the batch is open");
        ingest.read(&Input::Stream("/dev/null".into())).unwrap();
        assert_eq!(Store::open_read_only(&db).unwrap().count().unwrap(), 1, "committed first");
        ingest
            .read_bytes("b.txt", b"Council approves the budget\n\nThe vote came late.\n")
            .unwrap();
        drop(ingest);
        assert_eq!(store.count().unwrap(), 1, "the open batch went with the run");
        let summary = run(&mut store, &[("c.txt", "Mayor opens the library\n\nReaders queued.\n")]);
        assert_eq!(summary.added, 1);
        assert_eq!(store.count().unwrap(), 2);
    }

    #[test]
    fn ingest_stores_counts_and_places_every_article() {
        let mut store = Store::in_memory().unwrap();
        let inputs = [
            ("a.txt", "Ferry strike halts crossings\n\nThe ferry crews walked out on Monday.\n"),
            ("b.txt", "Council approves the budget\n\nThe council voted late at night.\n"),
            ("c.txt", "Mayor opens the new library\n\nReaders queued before dawn.\n"),
            ("empty.txt", ""),
        ];
        let summary = run(&mut store, &inputs);
        assert_eq!((summary.inputs, summary.added, summary.already_present), (4, 3, 0));
        assert_eq!(summary.not_ingested, 1);
        assert_eq!(summary.shown.len(), 1);
        assert_eq!(summary.shown[0].kind, DiagnosticKind::Empty);
        assert_eq!(store.count().unwrap(), 3);
        assert_eq!(store.diagnostics().unwrap().len(), 1);
        let state = store.cluster_state().unwrap().unwrap();
        assert_eq!(state.n_articles(), 3);

        // The same content again is already present and placed once.
        let again = run(&mut store, &inputs[..1]);
        assert_eq!((again.added, again.already_present), (0, 1));
        assert_eq!(store.cluster_state().unwrap().unwrap().n_articles(), 3);
    }
}
