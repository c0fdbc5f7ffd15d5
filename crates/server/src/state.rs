//! What the server holds between requests: read-only SQLite connections,
//! the current snapshot of the store and the views computed from it.
//!
//! Views are computed on read (a 1,000-article timeline takes most of a
//! second), so each [`Generation`] keeps the story cards and pages it has
//! computed, and a background thread computes all of them when a
//! generation starts. A generation is tied to the store's `data_version`:
//! when another process commits (an ingest), the next request notices,
//! a new generation is loaded in the background, and requests keep being
//! answered from the old one until the new one is in place.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock};
use std::time::{Duration, Instant};

use storyline::cluster::StoryId;
use storyline::extract::merge::Merged;
use storyline::search::Index;
use storyline::store::Store;
use storyline::views::{EntityView, QuoteIndex, Snapshot, SpeakerQuotes, StoryCard, StoryPage};

use crate::ApiError;

/// How the server was started.
#[derive(Clone, Debug)]
pub struct Config {
    /// The store.
    pub db: PathBuf,
    /// Accept `POST /api/ingest` (opens the store for writing).
    pub allow_ingest: bool,
    /// The largest request body accepted, in bytes.
    pub max_body: usize,
    /// Compute every story view at startup, in the background.
    pub warm: bool,
}

impl Config {
    /// Serves `db` read-only, 8 MiB bodies, warming the cache.
    pub fn new(db: impl Into<PathBuf>) -> Config {
        Config { db: db.into(), allow_ingest: false, max_body: 8 << 20, warm: true }
    }
}

/// Everything computed from one version of the store.
pub struct Generation {
    /// The store's contents.
    pub snapshot: Snapshot,
    version: i64,
    cards: OnceLock<Vec<StoryCard>>,
    pages: HashMap<StoryId, OnceLock<Arc<StoryPage>>>,
    merged: OnceLock<Merged>,
    speakers: OnceLock<Vec<SpeakerQuotes>>,
    quote_index: OnceLock<QuoteIndex>,
    search: OnceLock<Index>,
    entities: OnceLock<Vec<EntityView>>,
    /// Rendered answers (a page, a JSON document) by request, so a hot
    /// page is sent without serialising it again; bounded.
    rendered: Mutex<Answers>,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Set once the background warm-up computed every view.
    pub warm: AtomicBool,
}

impl Generation {
    fn new(snapshot: Snapshot, version: i64) -> Generation {
        let pages = snapshot.story_ids().into_iter().map(|id| (id, OnceLock::new())).collect();
        Generation {
            snapshot,
            version,
            cards: OnceLock::new(),
            pages,
            merged: OnceLock::new(),
            speakers: OnceLock::new(),
            quote_index: OnceLock::new(),
            search: OnceLock::new(),
            entities: OnceLock::new(),
            rendered: Mutex::new(Answers::default()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            warm: AtomicBool::new(false),
        }
    }

    /// Every story's card, in id order (computed once).
    pub fn cards(&self) -> &[StoryCard] {
        self.cards.get_or_init(|| {
            self.snapshot
                .story_ids()
                .into_iter()
                .filter_map(|id| self.snapshot.story_card(id))
                .collect()
        })
    }

    /// One story's page (computed once); merged-away ids resolve.
    pub fn page(&self, id: StoryId) -> Option<Arc<StoryPage>> {
        let id = self.snapshot.resolve_story(id)?;
        let cell = self.pages.get(&id)?;
        Some(
            cell.get_or_init(|| Arc::new(self.snapshot.story_page(id).expect("live story")))
                .clone(),
        )
    }

    /// Entities and quotes over every article (computed once).
    pub fn merged(&self) -> &Merged {
        self.merged.get_or_init(|| self.snapshot.merged_all())
    }

    /// Quotes over every article by speaker (computed once).
    pub fn speakers(&self) -> &[SpeakerQuotes] {
        self.speakers.get_or_init(|| storyline::views::speakers(self.merged()))
    }

    /// The words of every quote (computed once), for search.
    pub fn quote_index(&self) -> &QuoteIndex {
        self.quote_index.get_or_init(|| QuoteIndex::new(self.merged()))
    }

    /// The full-text index of the snapshot's articles (built once, or
    /// handed over extended from the previous generation).
    pub fn search_index(&self) -> &Index {
        self.search.get_or_init(|| Index::build(&self.snapshot.articles))
    }

    /// Takes over `older`'s full-text index when this snapshot holds the
    /// same articles and more after them (what an ingest does: the store
    /// only appends), indexing only the new ones.
    fn extend_index_of(&self, older: &Generation) {
        let Some(index) = older.search.get() else { return };
        let (old, new) = (&older.snapshot.articles, &self.snapshot.articles);
        if new.len() < old.len() || old.iter().zip(new).any(|(a, b)| a.id != b.id) {
            return;
        }
        let mut index = index.clone();
        index.extend(&new[old.len()..]);
        let _ = self.search.set(index);
    }

    /// Entities over every article (computed once).
    pub fn entities(&self) -> &[EntityView] {
        self.entities.get_or_init(|| storyline::views::entity_views(self.merged()))
    }

    /// The answer rendered for `key` (a request's path and query), rendering
    /// it with `render` the first time; concurrent requests for the same key
    /// wait for that one rendering instead of each doing it. Answers that
    /// failed are kept too (they are as deterministic as the others). The
    /// cache is a bounded LRU ([`Answers`]).
    pub fn rendered(
        &self,
        key: &str,
        render: impl FnOnce() -> Result<Rendered, ApiError>,
    ) -> Result<Rendered, ApiError> {
        let (cell, hit) = self.rendered.lock().expect("rendered").cell(key);
        if hit {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return cell.get_or_init(render).clone();
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let answer = cell.get_or_init(render).clone();
        let size = answer.as_ref().map_or(64, |r| r.body.len()) + key.len();
        self.rendered.lock().expect("rendered").sized(key, size);
        answer
    }

    /// The answer cached for `key`, if it is rendered (counted as a hit):
    /// handlers look here before they hand a request to a blocking
    /// thread, so that a cached answer never queues behind renderings.
    pub fn cached(&self, key: &str) -> Option<Rendered> {
        let answer = self.rendered.lock().expect("rendered").rendered(key)?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(answer)
    }

    /// Requests answered from the cache and rendered, since the start of
    /// this generation.
    pub fn cache_counts(&self) -> (u64, u64) {
        (self.hits.load(Ordering::Relaxed), self.misses.load(Ordering::Relaxed))
    }

    /// Computes every view: cards, story pages (largest first), the merged
    /// quotes and entities.
    fn compute_views(&self) {
        self.search_index();
        self.cards();
        // Largest stories first: they are the slow ones and the likeliest read.
        for id in self.story_ids_largest_first() {
            self.page(id);
        }
        self.speakers();
        self.entities();
        self.quote_index();
    }

    /// Live story ids, most articles first.
    pub fn story_ids_largest_first(&self) -> Vec<StoryId> {
        let mut ids: Vec<(usize, StoryId)> = self
            .cards()
            .iter()
            .filter_map(|c| Some((c.n_articles, StoryId::parse(&c.id)?)))
            .collect();
        ids.sort_by_key(|&(n, id)| (std::cmp::Reverse(n), id));
        ids.into_iter().map(|(_, id)| id).collect()
    }
}

/// The rendered answers of a generation: a least-recently-used cache
/// bounded by count and by bytes. Eviction drops the older half at once
/// (sorting by last use), so its cost is spread over many insertions.
#[derive(Default)]
pub(crate) struct Answers {
    map: HashMap<String, Slot>,
    tick: u64,
    bytes: usize,
}

struct Slot {
    cell: Arc<OnceLock<Answer>>,
    used: u64,
    size: usize,
}

/// How many rendered answers a generation keeps at most.
const ANSWERS_MAX: usize = 8192;
/// How many bytes of rendered answers a generation keeps at most.
const ANSWER_BYTES_MAX: usize = 96 << 20;

impl Answers {
    /// The cell of `key` and whether it was there.
    fn cell(&mut self, key: &str) -> (Arc<OnceLock<Answer>>, bool) {
        self.tick += 1;
        if let Some(slot) = self.map.get_mut(key) {
            slot.used = self.tick;
            return (slot.cell.clone(), true);
        }
        if self.map.len() >= ANSWERS_MAX || self.bytes >= ANSWER_BYTES_MAX {
            self.evict();
        }
        let cell = Arc::new(OnceLock::new());
        self.map.insert(key.to_string(), Slot { cell: cell.clone(), used: self.tick, size: 0 });
        (cell, false)
    }

    /// The answer rendered for `key`, if there is one (not an error),
    /// marked as used.
    fn rendered(&mut self, key: &str) -> Option<Rendered> {
        let slot = self.map.get_mut(key)?;
        let answer = slot.cell.get()?.as_ref().ok()?.clone();
        self.tick += 1;
        slot.used = self.tick;
        Some(answer)
    }

    /// Records the size of the answer rendered for `key`.
    fn sized(&mut self, key: &str, size: usize) {
        if let Some(slot) = self.map.get_mut(key) {
            self.bytes = self.bytes - slot.size + size;
            slot.size = size;
        }
    }

    /// Drops the less recently used half.
    fn evict(&mut self) {
        let mut used: Vec<u64> = self.map.values().map(|s| s.used).collect();
        let mid = used.len() / 2;
        let (_, &mut cut, _) = used.select_nth_unstable(mid);
        self.map.retain(|_, s| s.used >= cut);
        self.bytes = self.map.values().map(|s| s.size).sum();
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.len()
    }
}

/// A rendered answer: its content type and bytes (cheap to clone).
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The `Content-Type`.
    pub content_type: &'static str,
    /// The body.
    pub body: axum::body::Bytes,
}

/// A rendered answer or the error it gave.
type Answer = Result<Rendered, ApiError>;

/// Shared server state.
pub struct State {
    /// How it was started.
    pub config: Config,
    readers: Mutex<Vec<Store>>,
    /// The connection whose `data_version` is watched (the counter is
    /// per connection, so it is always read on the same one).
    watch: Mutex<Store>,
    writer: Option<Mutex<Store>>,
    current: RwLock<Arc<Generation>>,
    reloading: AtomicBool,
    started: Instant,
    checked_ms: AtomicU64,
    /// Views of the previous generations are dropped with them; this counts
    /// generations loaded, for the status endpoint and tests.
    pub loads: AtomicU64,
}

/// How often the store's version is compared at most.
const CHECK_EVERY: Duration = Duration::from_millis(250);

impl State {
    /// Opens the store (upgrading an older one first) and loads the first
    /// generation; warming happens in the background.
    pub fn open(config: Config) -> storyline::Result<Arc<State>> {
        if !config.db.exists() {
            return Err(storyline::Error::Config(format!(
                "no store at {} (run `storyline ingest` first, or pass --db)",
                config.db.display()
            )));
        }
        // Opening for writing once upgrades a store of an older version
        // (and is the writer when ingest is allowed).
        let writer = Store::open(&config.db)?;
        let writer = if config.allow_ingest { Some(Mutex::new(writer)) } else { None };
        let watch = Store::open_read_only(&config.db)?;
        let version = watch.data_version()?;
        let reader = Store::open_read_only(&config.db)?;
        let generation = Arc::new(Generation::new(Snapshot::load_without_raw(&reader)?, version));
        let state = Arc::new(State {
            config,
            readers: Mutex::new(vec![reader]),
            watch: Mutex::new(watch),
            writer,
            current: RwLock::new(generation.clone()),
            reloading: AtomicBool::new(false),
            started: Instant::now(),
            checked_ms: AtomicU64::new(0),
            loads: AtomicU64::new(1),
        });
        if state.config.warm {
            let warm = state.clone();
            std::thread::spawn(move || warm.warm(&generation));
        }
        Ok(state)
    }

    /// Runs `f` with a read-only connection from the pool.
    pub fn with_reader<T>(
        &self,
        f: impl FnOnce(&Store) -> storyline::Result<T>,
    ) -> storyline::Result<T> {
        let store = self.readers.lock().expect("pool").pop();
        let store = match store {
            Some(s) => s,
            None => Store::open_read_only(&self.config.db)?,
        };
        let out = f(&store);
        self.readers.lock().expect("pool").push(store);
        out
    }

    /// The current generation. Every [`CHECK_EVERY`] a request compares the
    /// store's version; when it moved, a new generation is loaded in the
    /// background and this one keeps serving until it is ready.
    pub fn generation(self: &Arc<Self>) -> Arc<Generation> {
        let now = self.started.elapsed().as_millis() as u64;
        let last = self.checked_ms.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= CHECK_EVERY.as_millis() as u64
            && self
                .checked_ms
                .compare_exchange(last, now, Ordering::AcqRel, Ordering::Relaxed)
                .is_ok()
        {
            let current = self.current.read().expect("generation").version;
            let version = self.version().unwrap_or(current);
            if version != current && !self.reloading.swap(true, Ordering::AcqRel) {
                let state = self.clone();
                std::thread::spawn(move || {
                    let _ = state.reload();
                    state.reloading.store(false, Ordering::Release);
                });
            }
        }
        self.current.read().expect("generation").clone()
    }

    fn version(&self) -> storyline::Result<i64> {
        self.watch.lock().expect("watch").data_version()
    }

    /// Computes every view of `generation`, then renders each story's
    /// page and JSON document into its answers, so that no reader waits
    /// for the largest story; sets `warm` at the end.
    fn warm(self: &Arc<Self>, generation: &Arc<Generation>) {
        generation.compute_views();
        for id in generation.story_ids_largest_first() {
            let id = id.to_string();
            let _ = generation
                .rendered(&format!("/stories/{id}"), || crate::pages::story_html(self, &id));
            let _ = generation
                .rendered(&format!("/api/stories/{id}"), || crate::api::story_json(self, &id));
        }
        generation.warm.store(true, Ordering::Release);
    }

    /// Loads a new generation now and warms it in the background.
    pub fn reload(self: &Arc<Self>) -> storyline::Result<Arc<Generation>> {
        // The version is read before the contents: a commit in between
        // only makes the next check load once more.
        let version = self.version()?;
        let snapshot = self.with_reader(Snapshot::load_without_raw)?;
        let generation = Arc::new(Generation::new(snapshot, version));
        let older = self.current.read().expect("generation").clone();
        generation.extend_index_of(&older);
        *self.current.write().expect("generation") = generation.clone();
        self.loads.fetch_add(1, Ordering::Relaxed);
        if self.config.warm {
            let (state, warm) = (self.clone(), generation.clone());
            std::thread::spawn(move || state.warm(&warm));
        }
        Ok(generation)
    }

    /// The writable store, when ingest is allowed.
    pub fn writer(&self) -> Option<&Mutex<Store>> {
        self.writer.as_ref()
    }

    /// The store's file.
    pub fn db(&self) -> &Path {
        &self.config.db
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(n: usize) -> Answer {
        Ok(Rendered { content_type: "text/plain", body: vec![b'x'; n].into() })
    }

    #[test]
    fn the_answer_cache_keeps_what_was_used_last_within_its_bounds() {
        let mut answers = Answers::default();
        for i in 0..ANSWERS_MAX {
            let key = format!("/k{i}");
            let (cell, hit) = answers.cell(&key);
            assert!(!hit);
            let _ = cell.get_or_init(|| answer(1));
            answers.sized(&key, 1);
        }
        // The first key is used again: it survives the eviction that the
        // next new key causes, while the other old half goes.
        assert!(answers.cell("/k0").1);
        let (_, hit) = answers.cell("/new");
        assert!(!hit);
        assert!(answers.len() <= ANSWERS_MAX / 2 + 2, "{}", answers.len());
        assert!(answers.cell("/k0").1);
        assert!(!answers.cell("/k1").1);
        assert!(answers.cell(&format!("/k{}", ANSWERS_MAX - 1)).1);
        // Bytes bound the cache too.
        let mut answers = Answers::default();
        for i in 0..4 {
            let key = format!("/big{i}");
            answers.cell(&key);
            answers.sized(&key, ANSWER_BYTES_MAX / 2);
        }
        assert!(answers.bytes <= ANSWER_BYTES_MAX, "{}", answers.bytes);
        assert!(answers.len() < 4);
    }
}
