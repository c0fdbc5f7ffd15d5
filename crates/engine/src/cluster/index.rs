//! Candidate retrieval: an inverted index from terms to clusters.
//!
//! Input: the heaviest terms of each cluster centroid, re-posted every time
//! the cluster changes. Output: the clusters that share heavy terms with a
//! query, with a rough score. Method: each posting list is kept in recency
//! order and only its newest `scan` entries are read; a list is compacted
//! to its newest distinct entries when it doubles, so the cost of a query
//! and the size of a list stay bounded however large the store grows.

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

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

    /// Adds the weight of each query term to the score of every cluster in
    /// the newest `scan` entries of its list (`scores` starts empty).
    pub fn query(&self, terms: &[(u32, f32)], scores: &mut FxHashMap<u32, (f32, u32)>) {
        for (q, &(t, w)) in terms.iter().enumerate() {
            let Some(list) = self.postings.get(t as usize) else { continue };
            let from = list.len().saturating_sub(self.scan as usize);
            // The second field remembers the last query term that scored the
            // cluster, so a cluster posted twice in the window counts once.
            let q = q as u32 + 1;
            for &c in &list[from..] {
                let entry = scores.entry(c).or_insert((0.0, 0));
                if entry.1 != q {
                    *entry = (entry.0 + w, q);
                }
            }
        }
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

    #[test]
    fn query_reads_only_newest_entries() {
        let mut index = Index::new(2);
        for c in 0..5 {
            index.post(c, &[(7, 1.0)]);
        }
        let mut scores = FxHashMap::default();
        index.query(&[(7, 0.5)], &mut scores);
        assert_eq!(scores[&4], (0.5, 1));
        let mut found: Vec<u32> = scores.keys().copied().collect();
        found.sort();
        assert_eq!(found, vec![3, 4]);
        assert!(index.postings[7].len() < 4);
    }
}
