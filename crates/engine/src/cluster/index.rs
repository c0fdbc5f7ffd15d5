//! Candidate retrieval: an inverted index from terms to clusters.
//!
//! Input: the heaviest terms of each cluster centroid, re-posted every time
//! the cluster changes. Output: the clusters that share heavy terms with a
//! query, with a rough score. Method: each posting list is kept in recency
//! order and only its newest `scan` entries are read; a list is compacted
//! to its newest distinct entries when it doubles, so the cost of a query
//! and the size of a list stay bounded however large the store grows.

use std::cell::RefCell;

use serde::{Deserialize, Serialize};

use super::vector::heavy_key;

/// Per-thread scores of the query being run, dense by cluster id: summing
/// into a plain array is several times cheaper than into a hash map, and
/// only the entries a query touched are reset after it.
struct Scratch {
    scores: Vec<(f32, u32)>,
    touched: Vec<u32>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> =
        const { RefCell::new(Scratch { scores: Vec::new(), touched: Vec::new() }) };
}

/// Term id to cluster ids, newest last (may hold repeats until compacted).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Index {
    postings: Vec<Vec<u32>>,
    /// Entries read per posting list by a query.
    scan: u32,
}

impl Index {
    /// An index whose queries read `scan` entries per term.
    pub fn new(scan: usize) -> Index {
        Index { postings: Vec::new(), scan: scan as u32 }
    }

    /// Posts `cluster` under each term, as the most recent entry.
    pub fn post(&mut self, cluster: u32, terms: &[(u32, f32)]) {
        let cap = self.scan as usize;
        for &(t, _) in terms {
            let t = t as usize;
            if t >= self.postings.len() {
                self.postings.resize_with(t + 1, Vec::new);
            }
            let list = &mut self.postings[t];
            if list.last() == Some(&cluster) {
                continue;
            }
            list.push(cluster);
            if list.len() >= 2 * cap {
                compact(list, cap);
            }
        }
    }

    /// The clusters in the newest `scan` entries of the lists of the query
    /// terms, each with the summed weight of the terms that list it (a
    /// cluster posted twice in one window counts once per term), in the
    /// order first met.
    #[cfg(test)]
    pub fn query(&self, terms: &[(u32, f32)]) -> Vec<(u32, f32)> {
        self.query_keys(terms).into_iter().map(super::vector::from_heavy_key).collect()
    }

    /// What [`Index::query`] finds, each hit as its [`heavy_key`], which
    /// is what the ranking of hits selects and sorts.
    pub fn query_keys(&self, terms: &[(u32, f32)]) -> Vec<u64> {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let Scratch { scores, touched } = &mut *scratch;
            let window = |t: u32| {
                let list = self.postings.get(t as usize)?;
                Some(&list[list.len().saturating_sub(self.scan as usize)..])
            };
            // The scratch is grown once for the largest cluster id of all
            // the windows, so the loop below works on two slices whose
            // lengths stay in registers (a check against the vectors'
            // lengths inside it reloaded them after every store). Reading
            // every window for it before scoring any also brings them all
            // into the cache at once: their loads do not wait on each
            // other, where the scoring loop waited on each window's first
            // read in turn (most of a query's time went there).
            let top = terms
                .iter()
                .filter_map(|&(t, _)| window(t))
                .fold(0, |top, window| top.max(window.iter().copied().max().unwrap_or(0) as usize));
            if top >= scores.len() {
                scores.resize(top + 1, (0.0, 0));
                touched.resize(top + 2, 0);
            }
            let (scores, touched) = (&mut scores[..], &mut touched[..]);
            // Clusters met so far, at the front of `touched`.
            let mut n = 0;
            for (q, &(t, w)) in terms.iter().enumerate() {
                let Some(window) = window(t) else { continue };
                // The second field remembers the last query term that scored
                // the cluster, so a cluster posted twice in the window counts
                // once; 0 marks a cluster not met yet. No branch depends on
                // the entry (whether a cluster was met is a coin toss, and
                // those misses were most of a query's time): a cluster is
                // written to `touched` always and kept only when new, and
                // `w` or 0 is added (scores are sums of positive weights, so
                // adding 0 changes no bit). `touched` is kept one longer than
                // `scores`, so the write past the clusters kept so far always
                // has a slot: no resize per term.
                let q = q as u32 + 1;
                for &c in window {
                    let entry = &mut scores[c as usize];
                    touched[n] = c;
                    n += usize::from(entry.1 == 0);
                    entry.0 += if entry.1 != q { w } else { 0.0 };
                    entry.1 = q;
                }
            }
            let hits = touched[..n].iter().map(|&c| heavy_key((c, scores[c as usize].0))).collect();
            for &c in &touched[..n] {
                scores[c as usize] = (0.0, 0);
            }
            hits
        })
    }

    /// Approximate heap size in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.postings.capacity() * std::mem::size_of::<Vec<u32>>()
            + self.postings.iter().map(|l| l.capacity() * 4).sum::<usize>()
    }
}

/// Keeps the newest `cap` distinct entries, in recency order.
fn compact(list: &mut Vec<u32>, cap: usize) {
    let mut seen = rustc_hash::FxHashSet::default();
    let mut kept: Vec<u32> = Vec::with_capacity(cap);
    for &c in list.iter().rev() {
        if kept.len() == cap {
            break;
        }
        if seen.insert(c) {
            kept.push(c);
        }
    }
    kept.reverse();
    *list = kept;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query as plainly as it can be written: per term, each distinct
    /// cluster of the window adds the term's weight, clusters in the order
    /// first met.
    fn query_reference(index: &Index, terms: &[(u32, f32)]) -> Vec<(u32, f32)> {
        let mut hits: Vec<(u32, f32)> = Vec::new();
        for &(t, w) in terms {
            let Some(list) = index.postings.get(t as usize) else { continue };
            let window = &list[list.len().saturating_sub(index.scan as usize)..];
            let mut counted: Vec<u32> = Vec::new();
            for &c in window {
                if counted.contains(&c) {
                    continue;
                }
                counted.push(c);
                match hits.iter_mut().find(|h| h.0 == c) {
                    Some(h) => h.1 += w,
                    None => hits.push((c, w)),
                }
            }
        }
        hits
    }

    proptest::proptest! {
        /// The branch-free query with its fixed scratch finds the plain
        /// query's clusters in its order with its scores, to the bit, over
        /// queries run one after another on one thread's scratch (and
        /// cluster ids that grow it).
        #[test]
        fn query_is_the_plain_query(
            posts in proptest::collection::vec(
                (0u32..60, proptest::collection::vec(0u32..40, 1..20)), 0..120),
            queries in proptest::collection::vec(
                proptest::collection::btree_map(0u32..45, 0.01f32..3.0, 0..12), 1..4),
            scan in 1usize..10,
        ) {
            let mut index = Index::new(scan);
            for (cluster, terms) in &posts {
                let terms: Vec<(u32, f32)> = terms.iter().map(|&t| (t, 1.0)).collect();
                index.post(*cluster, &terms);
            }
            for query in &queries {
                let query: Vec<(u32, f32)> = query.iter().map(|(&t, &w)| (t, w)).collect();
                let bits = |v: Vec<(u32, f32)>| {
                    v.into_iter().map(|h| (h.0, h.1.to_bits())).collect::<Vec<_>>()
                };
                proptest::prop_assert_eq!(
                    bits(index.query(&query)),
                    bits(query_reference(&index, &query))
                );
            }
        }
    }

    #[test]
    fn query_reads_only_newest_entries() {
        let mut index = Index::new(2);
        for c in 0..5 {
            index.post(c, &[(7, 1.0)]);
        }
        let mut found = index.query(&[(7, 0.5)]);
        found.sort_by_key(|h| h.0);
        assert_eq!(found, vec![(3, 0.5), (4, 0.5)]);
        assert!(index.postings[7].len() < 4);
    }
}
