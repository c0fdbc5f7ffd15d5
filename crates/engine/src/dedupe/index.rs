//! The copy index: finds the stored articles a new one copies, without
//! rescanning them.
//!
//! Input: [`Signature`]s, added one at a time ([`Index::insert`]) or in bulk
//! ([`Index::build`], [`Index::extend`]). Output: for a query signature, the
//! verified [`Match`]es, best first, against every indexed article or only
//! the first `n` added ([`Index::query_first`], so a batch indexed at once
//! can be compared in arrival order).
//! Method: three posting lists map a 32-bit key to article slots: the exact
//! hash, the MinHash bands ([`BANDS`] bands of [`ROWS`] bins, the LSH
//! banding of Indyk and Motwani) and the winnowed fingerprints. Candidates
//! from any of them are verified on the compact sketch kept per slot
//! (16-bit MinHash bins, fingerprint count), so only estimated copies come
//! back. Posting lists are a sorted array plus a small delta (a chain of
//! slots per key behind a hash map) merged geometrically, which keeps
//! memory at 8 bytes a posting and inserts cheap.

use super::sketch::{jaccard, mix64, Reader, Signature, MINHASH_BINS, SIGNATURE_VERSION};
use super::{decide, Config, Relation};
use crate::model::ArticleId;

/// LSH bands over the MinHash bins.
pub const BANDS: usize = 16;
/// Bins per band: with 16 bands of 4, a pair with Jaccard 0.5 becomes a
/// candidate with probability 0.64, 0.7 with 0.99 (`1 - (1 - J^4)^16`).
pub const ROWS: usize = MINHASH_BINS / BANDS;
/// At most this many postings are read per key: a key shared by more
/// articles is boilerplate, not a copy signal (and bounds query time).
const MAX_POSTINGS: usize = 2000;
const INDEX_VERSION: u8 = 1;
const MAGIC: &[u8; 4] = b"SLDX";

/// A stored article the query copies (or is copied by).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Match {
    /// The stored article.
    pub id: ArticleId,
    /// How it relates to the query.
    pub relation: Relation,
    /// Estimated Jaccard (near), containment of the shorter text in the
    /// longer (contained) or 1 (exact).
    pub similarity: f32,
    /// Estimated number of shingles the two texts share: how much text the
    /// match accounts for, which ranks a long source above a short text
    /// that happens to be quoted whole.
    pub shared: u32,
}

/// Key-to-slot postings: a sorted base and a delta of recent postings,
/// merged into the base when the delta reaches an eighth of it, so each
/// posting is copied O(1) times amortised.
#[derive(Clone, Debug, Default)]
struct Postings {
    base: Vec<u64>,
    delta: Delta,
    /// `dir[b]` is the first base position whose key's top `dir_bits` bits
    /// are at least `b`: a lookup reads one small bucket instead of binary
    /// searching the whole array (which cost most of the query time in
    /// cache misses). About half a byte a posting.
    dir: Vec<u32>,
    dir_bits: u32,
}

/// The recent postings: one chain of slots per key, in the order added
/// (slots only grow, so a chain is sorted, and the newest postings of a
/// key follow its base postings as in a sorted merge). A hash lookup and
/// a push per posting, where a B-tree set cost a search with a cache miss
/// at every level (most of the time of signing and indexing a batch).
#[derive(Clone, Debug, Default)]
struct Delta {
    /// Key to the first and last entry of its chain.
    chains: rustc_hash::FxHashMap<u32, (u32, u32)>,
    /// `(key, slot, next entry of the chain or NONE)`, in the order added.
    entries: Vec<(u32, u32, u32)>,
}

const NONE: u32 = u32::MAX;

impl Delta {
    /// Adds a posting; one already there (the same key twice for a slot,
    /// necessarily the newest of its chain) is kept once, as a set would.
    fn push(&mut self, key: u32, slot: u32) {
        let at = self.entries.len() as u32;
        match self.chains.entry(key) {
            std::collections::hash_map::Entry::Occupied(mut chain) => {
                let (_, last) = chain.get_mut();
                if self.entries[*last as usize].1 == slot {
                    return;
                }
                self.entries[*last as usize].2 = at;
                *last = at;
            }
            std::collections::hash_map::Entry::Vacant(chain) => {
                chain.insert((at, at));
            }
        }
        self.entries.push((key, slot, NONE));
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Calls `f` with the slots of `key`, oldest first, until it says stop.
    fn for_each(&self, key: u32, mut f: impl FnMut(u32) -> bool) {
        let Some(&(mut at, _)) = self.chains.get(&key) else { return };
        while at != NONE {
            let (_, slot, next) = self.entries[at as usize];
            if !f(slot) {
                return;
            }
            at = next;
        }
    }

    /// The postings as sorted `key << 32 | slot` values.
    fn sorted(&self) -> Vec<u64> {
        let mut out: Vec<u64> =
            self.entries.iter().map(|&(k, s, _)| (u64::from(k) << 32) | u64::from(s)).collect();
        out.sort_unstable();
        out
    }
}

impl Postings {
    fn insert(&mut self, key: u32, slot: u32) {
        self.delta.push(key, slot);
        if self.delta.len() > self.delta_limit() {
            self.merge();
        }
    }

    /// The most postings the delta holds before it is merged.
    fn delta_limit(&self) -> usize {
        4096.max(self.base.len() / 8)
    }

    fn merge(&mut self) {
        if self.delta.is_empty() {
            return;
        }
        let delta = std::mem::take(&mut self.delta).sorted();
        self.base = merge_sorted(&self.base, &delta);
        self.index_base();
    }

    /// Adds many postings at once (sorted, unique, every slot above those
    /// already posted): one merge, or into the delta when they are few
    /// next to the base, as inserts would (a merge copies the whole base:
    /// a small batch into a large store would double its memory for a
    /// moment).
    fn extend_sorted(&mut self, mut postings: Vec<u64>) {
        if !self.base.is_empty() && self.delta.len() + postings.len() <= self.delta_limit() {
            for p in postings {
                self.delta.push((p >> 32) as u32, p as u32);
            }
            return;
        }
        self.merge();
        self.base = if self.base.is_empty() {
            postings.shrink_to_fit();
            postings
        } else {
            merge_sorted(&self.base, &postings)
        };
        self.index_base();
    }

    /// Rebuilds the bucket directory over `base`.
    fn index_base(&mut self) {
        let bits = (self.base.len() / 8).max(1).ilog2().clamp(4, 24);
        let mut dir = vec![0u32; (1usize << bits) + 1];
        let mut pos = 0usize;
        for (b, slot) in dir.iter_mut().enumerate() {
            while pos < self.base.len() && ((self.base[pos] >> 32) >> (32 - bits)) < b as u64 {
                pos += 1;
            }
            *slot = pos as u32;
        }
        self.dir = dir;
        self.dir_bits = bits;
    }

    /// Calls `f` with the slots below `limit` posted under `key`, at most
    /// [`MAX_POSTINGS`]. Slots come in the order added (base, then delta),
    /// so these are the postings the list held when it had `limit` slots.
    fn for_each(&self, key: u32, limit: u32, mut f: impl FnMut(u32)) {
        if limit == 0 {
            return;
        }
        let lo = u64::from(key) << 32;
        let hi = lo | u64::from(limit - 1);
        let bucket = if self.dir.is_empty() {
            &self.base[..]
        } else {
            let b = (key >> (32 - self.dir_bits)) as usize;
            &self.base[self.dir[b] as usize..self.dir[b + 1] as usize]
        };
        let start = bucket.partition_point(|&p| p < lo);
        let mut n = 0;
        for &p in bucket[start..].iter().take_while(|&&p| p <= hi) {
            if n == MAX_POSTINGS {
                return;
            }
            f(p as u32);
            n += 1;
        }
        self.delta.for_each(key, |slot| {
            if n == MAX_POSTINGS || slot >= limit {
                return false;
            }
            f(slot);
            n += 1;
            true
        });
    }

    fn len(&self) -> usize {
        self.base.len() + self.delta.len()
    }

    fn memory_bytes(&self) -> usize {
        // A hash map entry is its 12 bytes and a control byte.
        self.base.capacity() * 8
            + self.delta.entries.capacity() * 12
            + self.delta.chains.capacity() * 13
            + self.dir.capacity() * 4
    }
}

/// The sorted union of two sorted lists.
fn merge_sorted(a: &[u64], b: &[u64]) -> Vec<u64> {
    let mut merged = Vec::with_capacity(a.len() + b.len());
    let mut a = a.iter().copied().peekable();
    for &d in b {
        while let Some(&x) = a.peek() {
            if x < d {
                merged.push(x);
                a.next();
            } else {
                break;
            }
        }
        merged.push(d);
    }
    merged.extend(a);
    merged
}

/// Per-slot data kept for verification.
#[derive(Clone, Debug)]
struct Slot {
    id: ArticleId,
    exact: u64,
    n_words: u32,
    n_fingerprints: u16,
    minhash: [u16; MINHASH_BINS],
}

/// An incremental LSH index over article signatures.
#[derive(Clone, Debug, Default)]
pub struct Index {
    slots: Vec<Slot>,
    exact: Postings,
    bands: Postings,
    fingerprints: Postings,
}

/// The 32-bit key of band `band` of a MinHash (full 32-bit bins, so band
/// collisions are not inflated by the 16-bit compaction).
fn band_key(minhash: &[u32; MINHASH_BINS], band: usize) -> u32 {
    let mut acc = mix64(band as u64 + 1);
    for &v in &minhash[band * ROWS..(band + 1) * ROWS] {
        acc = mix64(acc ^ u64::from(v));
    }
    acc as u32
}

impl Index {
    /// An empty index.
    pub fn new() -> Index {
        Index::default()
    }

    /// Builds an index from many signatures at once (one sort per posting
    /// list instead of incremental merges).
    pub fn build<'a>(items: impl IntoIterator<Item = (ArticleId, &'a Signature)>) -> Index {
        let mut index = Index::new();
        index.extend(items);
        index.slots.shrink_to_fit();
        index
    }

    /// Adds many articles at once, in order, as [`Index::insert`] would one
    /// by one: their postings are sorted and merged in once per list.
    pub fn extend<'a>(&mut self, items: impl IntoIterator<Item = (ArticleId, &'a Signature)>) {
        let mut exact = Vec::new();
        let mut bands = Vec::new();
        let mut fps = Vec::new();
        for (id, sig) in items {
            let slot = self.push_slot(id, sig);
            postings_of(sig, |list, key| {
                let p = (u64::from(key) << 32) | u64::from(slot);
                match list {
                    List::Exact => exact.push(p),
                    List::Bands => bands.push(p),
                    List::Fingerprints => fps.push(p),
                }
            });
        }
        for (postings, mut v) in
            [(&mut self.exact, exact), (&mut self.bands, bands), (&mut self.fingerprints, fps)]
        {
            v.sort_unstable();
            // A key twice for one slot (two bands alike) is posted once, as
            // `insert` does.
            v.dedup();
            postings.extend_sorted(v);
        }
    }

    fn push_slot(&mut self, id: ArticleId, sig: &Signature) -> u32 {
        let slot = self.slots.len() as u32;
        self.slots.push(Slot {
            id,
            exact: sig.exact,
            n_words: sig.n_words,
            n_fingerprints: sig.fingerprints.len().min(u16::MAX as usize) as u16,
            minhash: sig.compact(),
        });
        slot
    }

    /// Adds an article. Adding the same id twice stores it twice.
    pub fn insert(&mut self, id: ArticleId, sig: &Signature) {
        let slot = self.push_slot(id, sig);
        postings_of(sig, |list, key| match list {
            List::Exact => self.exact.insert(key, slot),
            List::Bands => self.bands.insert(key, slot),
            List::Fingerprints => self.fingerprints.insert(key, slot),
        });
    }

    /// The number of articles indexed.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The stored articles `sig` copies or is copied by, verified on the
    /// compact sketches, best first (exact, then near, then contained; by
    /// similarity; by id).
    pub fn query(&self, sig: &Signature, config: &Config) -> Vec<Match> {
        self.query_first(self.slots.len(), sig, config)
    }

    /// [`Index::query`] against the first `n` articles added only: what
    /// the query returned when the index held them. So a batch can be
    /// indexed at once ([`Index::build`], one sort instead of many merges)
    /// and each article then queried against those that came before it.
    pub fn query_first(&self, n: usize, sig: &Signature, config: &Config) -> Vec<Match> {
        if sig.is_empty() {
            return Vec::new();
        }
        let limit = n.min(self.slots.len()) as u32;
        // Slots seen per list; fingerprint hits are counted by sorting.
        let mut candidates: Vec<u32> = Vec::new();
        self.exact.for_each(sig.exact as u32, limit, |s| candidates.push(s));
        for band in 0..BANDS {
            self.bands.for_each(band_key(&sig.minhash, band), limit, |s| candidates.push(s));
        }
        let mut hits: Vec<u32> = Vec::new();
        for &fp in &sig.fingerprints {
            self.fingerprints.for_each(fp, limit, |s| hits.push(s));
        }
        hits.sort_unstable();
        candidates.extend_from_slice(&hits);
        candidates.sort_unstable();
        candidates.dedup();

        let compact = sig.compact();
        let n_fps = sig.fingerprints.len();
        let mut out = Vec::new();
        for slot in candidates {
            let stored = &self.slots[slot as usize];
            let shared = {
                let start = hits.partition_point(|&h| h < slot);
                hits[start..].iter().take_while(|&&h| h == slot).count()
            };
            let pair = super::Pair {
                exact: sig.exact == stored.exact,
                jaccard: jaccard(&compact, &stored.minhash),
                shared_fingerprints: shared,
                fingerprints: (n_fps, usize::from(stored.n_fingerprints)),
                words: (sig.n_words, stored.n_words),
            };
            if let Some((relation, similarity)) = decide(&pair, config) {
                out.push(Match { id: stored.id, relation, similarity, shared: pair.shared() });
            }
        }
        sort_matches(&mut out);
        out
    }

    /// Merges pending postings into the sorted arrays and frees slack; call
    /// before measuring memory or after a bulk of inserts.
    pub fn compact(&mut self) {
        for p in [&mut self.exact, &mut self.bands, &mut self.fingerprints] {
            p.merge();
            p.base.shrink_to_fit();
        }
        self.slots.shrink_to_fit();
    }

    /// The heap memory the index holds, in bytes.
    pub fn memory_bytes(&self) -> usize {
        self.slots.capacity() * std::mem::size_of::<Slot>()
            + self.exact.memory_bytes()
            + self.bands.memory_bytes()
            + self.fingerprints.memory_bytes()
    }

    /// The number of postings (exact, bands, fingerprints).
    pub fn postings(&self) -> (usize, usize, usize) {
        (self.exact.len(), self.bands.len(), self.fingerprints.len())
    }

    /// Encodes the index for the store: magic, versions, slots, then the
    /// three posting arrays, all little-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.memory_bytes() + 64);
        out.extend_from_slice(MAGIC);
        out.push(INDEX_VERSION);
        out.push(SIGNATURE_VERSION);
        out.extend_from_slice(&(self.slots.len() as u64).to_le_bytes());
        for s in &self.slots {
            out.extend_from_slice(&s.id.0.to_le_bytes());
            out.extend_from_slice(&s.exact.to_le_bytes());
            out.extend_from_slice(&s.n_words.to_le_bytes());
            out.extend_from_slice(&s.n_fingerprints.to_le_bytes());
            for v in &s.minhash {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        for p in [&self.exact, &self.bands, &self.fingerprints] {
            out.extend_from_slice(&(p.len() as u64).to_le_bytes());
            let mut merged = p.clone();
            merged.merge();
            for v in &merged.base {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        out
    }

    /// Decodes bytes written by [`Index::to_bytes`]; `None` when they are
    /// truncated, of another version, or inconsistent.
    pub fn from_bytes(bytes: &[u8]) -> Option<Index> {
        let mut r = Reader { bytes, pos: 4 };
        if bytes.get(..4)? != MAGIC || r.u8()? != INDEX_VERSION || r.u8()? != SIGNATURE_VERSION {
            return None;
        }
        let n = usize::try_from(r.u64()?).ok()?;
        let slot_bytes = 8 + 8 + 4 + 2 + 2 * MINHASH_BINS;
        if n > bytes.len() / slot_bytes {
            return None;
        }
        let mut index = Index::new();
        for _ in 0..n {
            let id = ArticleId(r.u64()?);
            let exact = r.u64()?;
            let n_words = r.u32()?;
            let n_fingerprints = r.u16()?;
            let mut minhash = [0u16; MINHASH_BINS];
            for v in &mut minhash {
                *v = r.u16()?;
            }
            index.slots.push(Slot { id, exact, n_words, n_fingerprints, minhash });
        }
        for p in [&mut index.exact, &mut index.bands, &mut index.fingerprints] {
            let len = usize::try_from(r.u64()?).ok()?;
            if len > (bytes.len() - r.pos) / 8 {
                return None;
            }
            let mut base = Vec::with_capacity(len);
            for _ in 0..len {
                let v = r.u64()?;
                if (v as u32) as usize >= n || base.last().is_some_and(|&l| l >= v) {
                    return None;
                }
                base.push(v);
            }
            p.base = base;
            p.index_base();
        }
        (r.pos == bytes.len()).then_some(index)
    }
}

/// Calls `f` with the postings of a signature: its exact hash, its band
/// keys and its fingerprints (none for a text without words).
fn postings_of(sig: &Signature, mut f: impl FnMut(List, u32)) {
    if sig.is_empty() {
        return;
    }
    f(List::Exact, sig.exact as u32);
    for band in 0..BANDS {
        f(List::Bands, band_key(&sig.minhash, band));
    }
    for &fp in &sig.fingerprints {
        f(List::Fingerprints, fp);
    }
}

#[derive(Clone, Copy)]
enum List {
    Exact,
    Bands,
    Fingerprints,
}

/// Best first: exact copies, then the most shared text, then higher
/// similarity, then id.
pub(crate) fn sort_matches(matches: &mut [Match]) {
    matches.sort_by(|a, b| {
        (b.relation == Relation::Exact)
            .cmp(&(a.relation == Relation::Exact))
            .then(b.shared.cmp(&a.shared))
            .then(b.similarity.total_cmp(&a.similarity))
            .then(a.id.cmp(&b.id))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "The mayor announced on Friday that the old harbour bridge will close for \
        repairs next spring, after engineers found rust in the main cables. Traffic will be sent \
        over the river road, which the city plans to widen before the work starts. Shop owners on \
        the east bank said they fear losing customers for most of the year, while cyclists asked \
        for a temporary ferry. The council will vote on the budget for the repairs in March, and \
        a second vote on the ferry is expected later. Engineers said the bridge is safe for now \
        but that the cables cannot wait another winter without work. The harbour authority \
        said ships will still pass under the bridge during the repairs, though only at night \
        and with a pilot on board. A local school has asked for a safe crossing for children \
        who walk over the bridge every morning. The mayor promised a plan for them by the end \
        of the month. The last major repair of the bridge was finished almost thirty years ago, \
        when the deck was replaced and the lamps were moved.";

    fn sig(text: &str) -> Signature {
        Signature::of(text)
    }

    #[test]
    fn finds_exact_near_and_contained_copies() {
        let other = "A storm closed schools across the valley on Monday as rivers rose and \
            several roads were washed away, and officials told residents to stay home while crews \
            cleared fallen trees and restored power to thousands of homes in the north.";
        let mut index = Index::new();
        index.insert(ArticleId(1), &sig(BASE));
        index.insert(ArticleId(2), &sig(other));
        let config = Config::default();

        let exact = index.query(&sig(&BASE.to_uppercase().replace('.', " ")), &config);
        assert_eq!(exact[0].id, ArticleId(1));
        assert_eq!(exact[0].relation, Relation::Exact);

        let near = format!("Local news | Share this\n\n{BASE}\n\nAll rights reserved.");
        let near = index.query(&sig(&near), &config);
        assert_eq!(near.len(), 1);
        assert_eq!((near[0].id, near[0].relation), (ArticleId(1), Relation::Near));

        let cut = BASE.split(". ").take(6).collect::<Vec<_>>().join(". ");
        let cut = index.query(&sig(&cut), &config);
        assert_eq!(cut.len(), 1);
        assert_eq!((cut[0].id, cut[0].relation), (ArticleId(1), Relation::Contained));

        assert!(index
            .query(&sig("Nothing like the others at all, a short note."), &config)
            .is_empty());
    }

    #[test]
    fn bulk_incremental_and_bytes_agree() {
        let texts: Vec<String> = (0..300)
            .map(|i| format!("{BASE} Item {i} follows with {} more words here.", i * 7))
            .chain(
                (0..200).map(|i| format!("Unrelated report number {i} about weather {}.", i * 3)),
            )
            .collect();
        let sigs: Vec<Signature> = texts.iter().map(|t| sig(t)).collect();
        let bulk = Index::build(sigs.iter().enumerate().map(|(i, s)| (ArticleId(i as u64), s)));
        let mut incremental = Index::new();
        for (i, s) in sigs.iter().enumerate() {
            incremental.insert(ArticleId(i as u64), s);
        }
        let decoded = Index::from_bytes(&incremental.to_bytes()).unwrap();
        let config = Config::default();
        for s in sigs.iter().step_by(37) {
            let a = bulk.query(s, &config);
            assert!(!a.is_empty());
            assert_eq!(a, incremental.query(s, &config));
            assert_eq!(a, decoded.query(s, &config));
        }
        assert_eq!(bulk.to_bytes(), incremental.to_bytes());
        assert!(Index::from_bytes(&bulk.to_bytes()[..100]).is_none());
        assert!(Index::from_bytes(b"nope").is_none());
    }

    #[test]
    fn query_first_is_the_query_of_the_index_as_it_was() {
        // 2,100 copies of one text share an exact key past MAX_POSTINGS,
        // so the cap must count only the earlier slots.
        let texts: Vec<String> = (0..2100)
            .map(|_| BASE.to_string())
            .chain((0..150).map(|i| format!("{BASE} Item {i} follows with {} more words.", i * 7)))
            .chain((0..50).map(|i| format!("Unrelated report number {i} about weather {}.", i * 3)))
            .collect();
        let sigs: Vec<Signature> = texts.iter().map(|t| sig(t)).collect();
        let bulk = Index::build(sigs.iter().enumerate().map(|(i, s)| (ArticleId(i as u64), s)));
        let config = Config::default();
        let mut incremental = Index::new();
        for (i, s) in sigs.iter().enumerate() {
            if i % 97 == 0 || (2095..2110).contains(&i) || i >= 2250 {
                assert_eq!(bulk.query_first(i, s, &config), incremental.query(s, &config), "{i}");
            }
            incremental.insert(ArticleId(i as u64), s);
        }
        assert_eq!(bulk.query_first(usize::MAX, &sigs[5], &config), bulk.query(&sigs[5], &config));
        // Built in two parts (stored, then a batch), the same index.
        let mut parts = Index::build((0..1000).map(|i| (ArticleId(i as u64), &sigs[i])));
        parts.insert(ArticleId(1000), &sigs[1000]);
        parts.extend((1001..sigs.len()).map(|i| (ArticleId(i as u64), &sigs[i])));
        assert_eq!(parts.to_bytes(), bulk.to_bytes());
        assert_eq!(parts.to_bytes(), incremental.to_bytes());
        // A small batch onto a large base goes to the delta.
        let mut small = Index::build((0..2290).map(|i| (ArticleId(i as u64), &sigs[i])));
        small.extend((2290..sigs.len()).map(|i| (ArticleId(i as u64), &sigs[i])));
        assert!(!small.fingerprints.delta.is_empty());
        assert_eq!(small.to_bytes(), bulk.to_bytes());
        for i in [2289, 2290, 2295, sigs.len() - 1] {
            assert_eq!(
                small.query_first(i, &sigs[i], &config),
                bulk.query_first(i, &sigs[i], &config)
            );
        }
        assert!(bulk.query_first(0, &sigs[5], &config).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn from_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..400)) {
            let mut b = MAGIC.to_vec();
            b.extend_from_slice(&bytes);
            let _ = Index::from_bytes(&b);
        }
    }
}
