//! Sparse term vectors and cluster centroids.
//!
//! Input: `(term, weight)` pairs. Output: [`SparseVec`] (sorted by term,
//! unit length) and [`Centroid`] (a running sum of member vectors, capped to
//! its heaviest terms). Method: both are sorted `Vec`s so a dot product is one
//! merge-join, or, when one vector is compared with many, one lookup per
//! term of the other in the first spread over a dense array ([`Spread`],
//! the same float to the bit); a centroid keeps its exact norm and is
//! truncated only when it holds twice its cap, so the cost of an update is
//! amortised O(cap).

use serde::{Deserialize, Serialize};

/// A sparse vector sorted by term id. Article vectors are unit length.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SparseVec(pub Vec<(u32, f32)>);

impl SparseVec {
    /// Builds a unit vector from unsorted `(term, weight)` pairs (terms
    /// distinct), keeping the `keep` heaviest terms.
    pub fn from_weights(mut pairs: Vec<(u32, f32)>, keep: usize) -> SparseVec {
        if pairs.len() > keep {
            // Ties are broken by term id so the result never depends on the
            // order the pairs came in.
            pairs.select_nth_unstable_by(keep - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            pairs.truncate(keep);
        }
        pairs.sort_unstable_by_key(|p| p.0);
        let norm = pairs.iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            pairs.iter_mut().for_each(|p| p.1 /= norm);
        }
        SparseVec(pairs)
    }

    /// True when the vector has no terms.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The `n` heaviest terms, heaviest first.
    pub fn top(&self, n: usize) -> Vec<(u32, f32)> {
        top_terms(&self.0, n)
    }
}

/// The `n` heaviest pairs of a slice, heaviest first (ties by term id).
pub fn top_terms(pairs: &[(u32, f32)], n: usize) -> Vec<(u32, f32)> {
    let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
    let mut top = pairs.to_vec();
    if n == 0 {
        return Vec::new();
    }
    // Selecting first keeps this linear in the centroid size.
    if top.len() > n {
        top.select_nth_unstable_by(n - 1, order);
        top.truncate(n);
    }
    top.sort_unstable_by(order);
    top
}

/// Dot product of two term-sorted slices. The merge steps without a
/// branch on which side is behind (that branch is a coin toss, and its
/// misses were most of the cost); products are summed in term order, as
/// a plain merge does.
pub fn dot(a: &[(u32, f32)], b: &[(u32, f32)]) -> f32 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while i < a.len() && j < b.len() {
        let (x, y) = (a[i], b[j]);
        if x.0 == y.0 {
            sum += x.1 * y.1;
        }
        i += usize::from(x.0 <= y.0);
        j += usize::from(y.0 <= x.0);
    }
    sum
}

/// A vector spread over a dense array by term id, for the loops that
/// compare one vector with many (an article with its candidate events, an
/// event with its candidate merges). A dot product with it reads one slot
/// per term of the other side instead of merging two sorted lists, whose
/// every step waits on the compare of the step before. It sums the same
/// products in the same term order as [`dot`], so the result is the same
/// float to the bit: a term of weight 0 in the spread vector is skipped,
/// where `dot` adds ±0, which changes no sum (a sum that starts at +0
/// never becomes −0). The dense arrays come from a per-thread pool and
/// are handed back cleared when the spread is dropped.
pub struct Spread<'a> {
    dense: Vec<f32>,
    terms: &'a [(u32, f32)],
}

thread_local! {
    static DENSE: std::cell::RefCell<Vec<Vec<f32>>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl<'a> Spread<'a> {
    /// Spreads `terms` (sorted by term id, distinct).
    pub fn of(terms: &'a [(u32, f32)]) -> Spread<'a> {
        let mut dense = DENSE.with(|pool| pool.borrow_mut().pop()).unwrap_or_default();
        if let Some(&(last, _)) = terms.last() {
            if dense.len() <= last as usize {
                dense.resize(last as usize + 1, 0.0);
            }
        }
        for &(t, w) in terms {
            dense[t as usize] = w;
        }
        Spread { dense, terms }
    }

    /// The dot product with `other` (sorted by term id): the same value as
    /// `dot(spread terms, other)`. The products of matching terms are
    /// gathered a block at a time without a branch (each is written, and
    /// kept by moving on only when the term is in the spread vector), then
    /// summed in term order.
    pub fn dot(&self, other: &[(u32, f32)]) -> f32 {
        const BLOCK: usize = 64;
        // Terms past the dense array are not in the spread vector.
        let end = other.partition_point(|p| (p.0 as usize) < self.dense.len());
        let mut sum = 0.0;
        let mut kept = [0.0f32; BLOCK];
        for block in other[..end].chunks(BLOCK) {
            let mut k = 0;
            for &(t, w) in block {
                let d = self.dense[t as usize];
                kept[k] = d * w;
                k += usize::from(d != 0.0);
            }
            for &p in &kept[..k] {
                sum += p;
            }
        }
        sum
    }

    /// The spread terms.
    pub fn terms(&self) -> &'a [(u32, f32)] {
        self.terms
    }
}

impl Drop for Spread<'_> {
    fn drop(&mut self) {
        for &(t, _) in self.terms {
            self.dense[t as usize] = 0.0;
        }
        let dense = std::mem::take(&mut self.dense);
        DENSE.with(|pool| pool.borrow_mut().push(dense));
    }
}

/// A running sum of member vectors, capped to its heaviest terms.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Centroid {
    terms: Vec<(u32, f32)>,
    cap: u32,
    /// The Euclidean norm, kept current by every change.
    norm: f32,
}

impl Centroid {
    /// An empty centroid that keeps at most `cap` terms.
    pub fn new(cap: usize) -> Centroid {
        Centroid { terms: Vec::new(), cap: cap as u32, norm: 0.0 }
    }

    /// The terms, sorted by id.
    pub fn terms(&self) -> &[(u32, f32)] {
        &self.terms
    }

    /// Adds `weight` times `v`.
    pub fn add(&mut self, v: &[(u32, f32)], weight: f32) {
        self.terms = union_by_id(
            &self.terms,
            v,
            |p| p.0,
            |(id, w)| (id, w * weight),
            |(id, x), (_, w)| (id, x + w * weight),
        );
        if self.terms.len() > 2 * self.cap as usize {
            self.truncate();
        }
        self.norm = self.terms.iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
    }

    /// Drops all but the `cap` heaviest terms.
    fn truncate(&mut self) {
        let cap = self.cap as usize;
        if self.terms.len() > cap {
            self.terms
                .select_nth_unstable_by(cap - 1, |a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            self.terms.truncate(cap);
            self.terms.sort_unstable_by_key(|p| p.0);
        }
    }

    /// The Euclidean norm.
    pub fn norm(&self) -> f32 {
        self.norm
    }

    /// Cosine between a unit vector and this centroid.
    pub fn cosine(&self, v: &[(u32, f32)]) -> f32 {
        let norm = self.norm();
        if norm == 0.0 {
            return 0.0;
        }
        dot(v, &self.terms) / norm
    }

    /// Cosine between two centroids.
    pub fn cosine_with(&self, other: &Centroid) -> f32 {
        let n = self.norm() * other.norm();
        if n == 0.0 {
            return 0.0;
        }
        dot(&self.terms, &other.terms) / n
    }

    /// The `n` heaviest terms, heaviest first.
    pub fn top(&self, n: usize) -> Vec<(u32, f32)> {
        top_terms(&self.terms, n)
    }

    /// Approximate heap size in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.terms.capacity() * std::mem::size_of::<(u32, f32)>()
    }
}

/// The union of two lists sorted by a `u32` id, in id order: an entry only
/// in `a` is kept, one only in `b` goes through `only_b`, and two of one id
/// are combined by `both` (the vectors' terms and the name profiles' counts
/// are merged this way).
pub(crate) fn union_by_id<T: Copy>(
    a: &[T],
    b: &[T],
    id: impl Fn(&T) -> u32,
    only_b: impl Fn(T) -> T,
    both: impl Fn(T, T) -> T,
) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        if j == b.len() || (i < a.len() && id(&a[i]) < id(&b[j])) {
            out.push(a[i]);
            i += 1;
        } else if i == a.len() || id(&b[j]) < id(&a[i]) {
            out.push(only_b(b[j]));
            j += 1;
        } else {
            out.push(both(a[i], b[j]));
            i += 1;
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_weights_keeps_heaviest_and_normalises() {
        let v = SparseVec::from_weights(vec![(5, 1.0), (2, 3.0), (9, 4.0)], 2);
        assert_eq!(v.0.iter().map(|p| p.0).collect::<Vec<_>>(), vec![2, 9]);
        assert!((dot(&v.0, &v.0) - 1.0).abs() < 1e-6);
    }

    proptest::proptest! {
        /// A spread dot product is the merge's, bit for bit, whatever the
        /// overlap, with zero and negative weights (a centroid after a
        /// member is taken out) and terms past either side's last.
        #[test]
        fn spread_dot_is_the_merge_dot(
            a in proptest::collection::btree_map(0u32..400, -2.0f32..2.0, 0..120),
            b in proptest::collection::btree_map(0u32..400, -2.0f32..2.0, 0..300),
            zero in 0u32..400,
        ) {
            let mut a: Vec<(u32, f32)> = a.into_iter().collect();
            let b: Vec<(u32, f32)> = b.into_iter().collect();
            a.iter_mut().filter(|p| p.0 % 7 == zero % 7).for_each(|p| p.1 = 0.0);
            let spread = Spread::of(&a);
            proptest::prop_assert_eq!(spread.dot(&b).to_bits(), dot(&a, &b).to_bits());
            drop(spread);
            // The pooled array comes back cleared for the next spread.
            let spread = Spread::of(&b);
            proptest::prop_assert_eq!(spread.dot(&a).to_bits(), dot(&b, &a).to_bits());
        }
    }

    #[test]
    fn centroid_sums_and_truncates() {
        let mut c = Centroid::new(1);
        c.add(&[(1, 1.0)], 1.0);
        c.add(&[(1, 1.0), (2, 0.5)], 1.0);
        assert_eq!(c.terms(), &[(1, 2.0), (2, 0.5)]);
        c.add(&[(3, 0.1)], 1.0);
        assert_eq!(c.terms(), &[(1, 2.0)]);
        assert!((c.cosine(&[(1, 1.0)]) - 1.0).abs() < 1e-6);
    }
}
