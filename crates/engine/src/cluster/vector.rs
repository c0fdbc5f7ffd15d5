//! Sparse term vectors and cluster centroids.
//!
//! Input: `(term, weight)` pairs. Output: [`SparseVec`] (sorted by term,
//! unit length) and [`Centroid`] (a running sum of member vectors, capped to
//! its heaviest terms). Method: both are sorted `Vec`s so a dot product is one
//! merge-join, or, when one vector is compared with many, one lookup per
//! term of the other in the first spread over a dense array ([`Spread`],
//! the same float to the bit); a centroid is updated in place, keeps its
//! exact norm and is truncated only when it holds twice its cap, so the
//! cost of an update is amortised O(cap). The heaviest terms are picked by
//! selecting and sorting one integer per pair ([`heavy_key`]), in the same
//! total order as comparing the pairs. A member's cosine with its cluster
//! less itself is one merge that builds no centroid
//! ([`Centroid::cosine_plus`]).

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
            // order the pairs came in (see `heaviest_keys`).
            keep_heaviest(&mut pairs, keep);
        }
        // The pairs usually come sorted already, which the sort sees in
        // one pass.
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
    let mut keys = heaviest_keys(pairs, n);
    keys.sort_unstable();
    keys.into_iter().map(from_heavy_key).collect()
}

/// A pair as one integer whose ascending order is the order "heaviest
/// first, ties by lower term id" (`b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))`
/// on pairs): the weight's bits mapped as `f32::total_cmp` maps them, made
/// unsigned and inverted, above the term id. Selecting and sorting these
/// compares one integer where the pair order took two compares and the
/// float's bit map at every step; that order is total, so the result is
/// the same whichever algorithm gets there. [`from_heavy_key`] undoes it.
#[inline]
pub(crate) fn heavy_key((id, w): (u32, f32)) -> u64 {
    let bits = w.to_bits();
    // What `total_cmp` does: flip all but the sign of a negative, so the
    // bits compare as an `i32` in total order; flipping the sign then
    // makes them compare as a `u32`.
    let ordered = (bits ^ ((((bits as i32) >> 31) as u32) >> 1)) ^ 0x8000_0000;
    (u64::from(!ordered) << 32) | u64::from(id)
}

/// The pair a [`heavy_key`] was made from, to the bit.
#[inline]
pub(crate) fn from_heavy_key(key: u64) -> (u32, f32) {
    let ordered = !((key >> 32) as u32) ^ 0x8000_0000;
    // The flip keeps the sign bit, so it is its own inverse.
    let bits = ordered ^ ((((ordered as i32) >> 31) as u32) >> 1);
    (key as u32, f32::from_bits(bits))
}

/// Keeps the `n` heaviest pairs (ties by term id) where they are, so a
/// list sorted by id stays sorted without sorting it again: the key
/// selected `n`th is the largest kept, and the keys are distinct when the
/// ids are, so exactly `n` pairs have a key up to it.
fn keep_heaviest(pairs: &mut Vec<(u32, f32)>, n: usize) {
    if pairs.len() <= n {
        return;
    }
    if n == 0 {
        pairs.clear();
        return;
    }
    let mut keys: Vec<u64> = pairs.iter().map(|&p| heavy_key(p)).collect();
    let (_, &mut last, _) = keys.select_nth_unstable(n - 1);
    pairs.retain(|&p| heavy_key(p) <= last);
    debug_assert_eq!(pairs.len(), n, "term ids are distinct");
}

/// The keys of the `n` heaviest pairs (ties by term id), in no order.
/// Selecting first keeps this linear in the centroid size.
fn heaviest_keys(pairs: &[(u32, f32)], n: usize) -> Vec<u64> {
    if n == 0 {
        return Vec::new();
    }
    let mut keys: Vec<u64> = pairs.iter().map(|&p| heavy_key(p)).collect();
    if keys.len() > n {
        keys.select_nth_unstable(n - 1);
        keys.truncate(n);
    }
    keys
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
                // Room to the next power of two: the other side of a dot
                // product (a centroid, whose terms are as new as the
                // vocabulary) then nearly always ends inside the array,
                // and `dot` skips its search for where it leaves it.
                dense.resize((last as usize + 1).next_power_of_two(), 0.0);
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
        // Terms past the dense array are not in the spread vector; the
        // search for the first is needed only when the last is past it.
        let len = self.dense.len();
        let end = match other.last() {
            Some(&(t, _)) if (t as usize) < len => other.len(),
            _ => other.partition_point(|p| (p.0 as usize) < len),
        };
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
        add_in_place(&mut self.terms, v, weight);
        self.settle();
    }

    /// This centroid with `weight` times `v` added: what a clone and
    /// [`Centroid::add`] give, in one allocation (a clone is exactly as
    /// long as the terms, so the update would move them again).
    pub fn plus(&self, v: &[(u32, f32)], weight: f32) -> Centroid {
        let mut terms = Vec::with_capacity(self.terms.len() + v.len());
        terms.extend_from_slice(&self.terms);
        add_in_place(&mut terms, v, weight);
        let mut c = Centroid { terms, cap: self.cap, norm: 0.0 };
        c.settle();
        c
    }

    /// The cosine of the unit vector `v` with this centroid plus `weight`
    /// times `v` (less `v`, for `weight` -1: a member against the rest of
    /// its cluster), or `None` when that sum has no terms: what
    /// `self.plus(v, weight).cosine(v)` gives, to the bit, in one merge
    /// that builds nothing. The sum's terms come in id order, as
    /// [`add_in_place`] makes them, and its norm and the dot product add
    /// them up in that order, as [`Centroid::settle`] and [`dot`] do; a sum
    /// long enough to be truncated is built as `plus` builds it.
    pub fn cosine_plus(&self, v: &[(u32, f32)], weight: f32) -> Option<f32> {
        let a = &self.terms;
        let (mut i, mut j, mut len) = (0, 0, 0usize);
        // `Iterator::sum` of floats starts at -0, `dot` at +0.
        let (mut squares, mut dot) = (-0.0f32, 0.0f32);
        while i < a.len() || j < v.len() {
            let u = if j == v.len() || (i < a.len() && a[i].0 < v[j].0) {
                i += 1;
                a[i - 1].1
            } else {
                let (t, w) = v[j];
                j += 1;
                let u = if i < a.len() && a[i].0 == t {
                    i += 1;
                    a[i - 1].1 + w * weight
                } else {
                    w * weight
                };
                dot += w * u;
                u
            };
            squares += u * u;
            len += 1;
        }
        if len > 2 * self.cap as usize {
            let sum = self.plus(v, weight);
            return (!sum.terms.is_empty()).then(|| sum.cosine(v));
        }
        if len == 0 {
            return None;
        }
        let norm = squares.sqrt();
        Some(if norm == 0.0 { 0.0 } else { dot / norm })
    }

    /// Truncates when the terms reach twice the cap, and recomputes the
    /// norm (in term order, as it always was).
    fn settle(&mut self) {
        if self.terms.len() > 2 * self.cap as usize {
            self.truncate();
        }
        self.norm = self.terms.iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
    }

    /// Drops all but the `cap` heaviest terms.
    fn truncate(&mut self) {
        let cap = self.cap as usize;
        if self.terms.len() > cap {
            keep_heaviest(&mut self.terms, cap);
        }
    }

    /// The `n` heaviest terms in no particular order, for posting in an
    /// index, where the order does not matter: the same terms as
    /// [`Centroid::top`] without its sort.
    pub fn heaviest(&self, n: usize) -> Vec<(u32, f32)> {
        heaviest_keys(&self.terms, n).into_iter().map(from_heavy_key).collect()
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

/// Adds `weight` times `v` to `terms` (both sorted by term id, distinct),
/// in place: what `union_by_id` makes of them (a term in both is
/// `x + w * weight`, one only in `v` is `w * weight`), without a new
/// vector at every update. The merge runs from the back into room made at
/// the end, so no entry is overwritten before it is read; when terms were
/// in both, the merged tail then moves down over the gap.
pub(crate) fn add_in_place(terms: &mut Vec<(u32, f32)>, v: &[(u32, f32)], weight: f32) {
    let (n, m) = (terms.len(), v.len());
    if m == 0 {
        return;
    }
    if terms.capacity() < n + m {
        // Room for this update and one more like it: growing by doubling
        // would keep up to twice the terms' memory in every centroid. A
        // first update gets exactly its size, since most centroids (one
        // article's events) never see a second one, and the slack would
        // stay in memory for as long as the store lives.
        terms.reserve_exact(if n == 0 { m } else { 2 * m });
    }
    terms.resize(n + m, (0, 0.0));
    let (mut i, mut j, mut k) = (n, m, n + m);
    // A write lands at `k - 1 >= i` (`k - i` is `j` plus the terms met in
    // both), so `terms[..i]` still holds the centroid's own terms. The
    // branches stay: most steps take a centroid term, which predicts well
    // (a branch-free step was a third slower on Timeline17).
    while j > 0 {
        let (id, w) = v[j - 1];
        // The run of centroid terms above `id` moves up in a loop of its
        // own, `id` kept in a register.
        while i > 0 && terms[i - 1].0 > id {
            k -= 1;
            i -= 1;
            terms[k] = terms[i];
        }
        k -= 1;
        if i > 0 && terms[i - 1].0 == id {
            i -= 1;
            terms[k] = (id, terms[i].1 + w * weight);
        } else {
            terms[k] = (id, w * weight);
        }
        j -= 1;
    }
    // `terms[..i]` is in place; the merged rest starts at `k`.
    if k > i {
        terms.copy_within(k.., i);
        terms.truncate(n + m - (k - i));
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
        /// The cosine with a centroid plus a vector is the one with the
        /// centroid `plus` builds, bit for bit: the vector a member of the
        /// centroid or not, weights that cancel to 0, sums that are empty
        /// and sums long enough to be truncated.
        #[test]
        fn cosine_plus_is_plus_then_cosine(
            adds in proptest::collection::vec(
                proptest::collection::btree_map(0u32..200, -2.0f32..2.0, 0..40), 0..5),
            v in proptest::collection::btree_map(0u32..200, -2.0f32..2.0, 0..40),
            member in proptest::bool::ANY,
            cap in 0usize..40,
            weight in proptest::sample::select(vec![-1.0f32, 1.0, 0.5]),
        ) {
            let v: Vec<(u32, f32)> = v.into_iter().collect();
            let mut c = Centroid::new(cap);
            for add in &adds {
                c.add(&add.iter().map(|(&t, &w)| (t, w)).collect::<Vec<_>>(), 1.0);
            }
            if member {
                c.add(&v, 1.0);
            }
            let sum = c.plus(&v, weight);
            let expected = (!sum.terms().is_empty()).then(|| sum.cosine(&v).to_bits());
            proptest::prop_assert_eq!(c.cosine_plus(&v, weight).map(f32::to_bits), expected);
        }

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

    /// The pair order the keys stand for, as the code compared pairs
    /// before them.
    fn heaviest_first(a: &(u32, f32), b: &(u32, f32)) -> std::cmp::Ordering {
        b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
    }

    /// `top_terms` as it was before the keys: select and sort the pairs.
    fn top_terms_reference(pairs: &[(u32, f32)], n: usize) -> Vec<(u32, f32)> {
        let mut top = pairs.to_vec();
        if n == 0 {
            return Vec::new();
        }
        if top.len() > n {
            top.select_nth_unstable_by(n - 1, heaviest_first);
            top.truncate(n);
        }
        top.sort_unstable_by(heaviest_first);
        top
    }

    /// `SparseVec::from_weights` as it was before the keys.
    fn from_weights_reference(mut pairs: Vec<(u32, f32)>, keep: usize) -> SparseVec {
        if pairs.len() > keep {
            pairs.select_nth_unstable_by(keep - 1, heaviest_first);
            pairs.truncate(keep);
        }
        pairs.sort_unstable_by_key(|p| p.0);
        let norm = pairs.iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
        if norm > 0.0 {
            pairs.iter_mut().for_each(|p| p.1 /= norm);
        }
        SparseVec(pairs)
    }

    /// `Centroid::add` as it was before the update in place: a new union
    /// every time, truncated by selecting pairs.
    fn add_reference(terms: &mut Vec<(u32, f32)>, cap: usize, v: &[(u32, f32)], weight: f32) {
        *terms = union_by_id(
            terms,
            v,
            |p| p.0,
            |(id, w)| (id, w * weight),
            |(id, x), (_, w)| (id, x + w * weight),
        );
        if terms.len() > 2 * cap && terms.len() > cap {
            terms.select_nth_unstable_by(cap - 1, heaviest_first);
            terms.truncate(cap);
            terms.sort_unstable_by_key(|p| p.0);
        }
    }

    /// Weights from a small set, with both zeros, negatives and
    /// infinities, so ties and every branch of the bit map are common.
    fn weight() -> impl proptest::strategy::Strategy<Value = f32> {
        use proptest::prelude::*;
        prop_oneof![
            proptest::sample::select(vec![
                0.0f32,
                -0.0,
                1.0,
                -1.0,
                0.5,
                2.0,
                f32::INFINITY,
                f32::NEG_INFINITY,
                f32::MIN_POSITIVE,
                -f32::MIN_POSITIVE,
            ]),
            -3.0f32..3.0,
        ]
    }

    /// Pairs sorted by distinct term id.
    fn sorted_pairs(max: usize) -> impl proptest::strategy::Strategy<Value = Vec<(u32, f32)>> {
        use proptest::prelude::*;
        proptest::collection::btree_map(0u32..300, weight(), 0..max)
            .prop_map(|m| m.into_iter().collect())
    }

    proptest::proptest! {
        /// A key orders as the pair order and gives its pair back, to the
        /// bit (NaNs of either sign included).
        #[test]
        fn heavy_keys_order_as_the_pairs(
            a in (any_u32(), proptest::num::f32::ANY),
            b in (any_u32(), proptest::num::f32::ANY),
            nan_bits in any_u32(),
        ) {
            for p in [a, b, (a.0, f32::from_bits(nan_bits | 0x7f80_0001))] {
                let back = from_heavy_key(heavy_key(p));
                proptest::prop_assert_eq!((back.0, back.1.to_bits()), (p.0, p.1.to_bits()));
            }
            proptest::prop_assert_eq!(heavy_key(a).cmp(&heavy_key(b)), heaviest_first(&a, &b));
        }

        /// The heaviest terms by keys are the ones the pair sort picked, in
        /// the same order, to the bit; unordered, the same set.
        #[test]
        fn top_terms_is_the_pair_sort(pairs in sorted_pairs(200), n in 0usize..80) {
            let bits = |v: &[(u32, f32)]| v.iter().map(|p| (p.0, p.1.to_bits())).collect::<Vec<_>>();
            let top = top_terms(&pairs, n);
            proptest::prop_assert_eq!(bits(&top), bits(&top_terms_reference(&pairs, n)));
            let mut centroid = Centroid::new(1000);
            centroid.add(&pairs, 1.0);
            let mut heaviest = centroid.heaviest(n);
            heaviest.sort_unstable_by(heaviest_first);
            proptest::prop_assert_eq!(bits(&heaviest), bits(&top_terms_reference(centroid.terms(), n)));
        }

        /// `from_weights` picks and normalises as before, to the bit.
        #[test]
        fn from_weights_is_the_pair_sort(pairs in sorted_pairs(200), keep in 1usize..120) {
            let mut shuffled = pairs.clone();
            shuffled.reverse();
            let bits = |v: SparseVec| v.0.iter().map(|p| (p.0, p.1.to_bits())).collect::<Vec<_>>();
            proptest::prop_assert_eq!(
                bits(SparseVec::from_weights(shuffled.clone(), keep)),
                bits(from_weights_reference(shuffled, keep))
            );
        }

        /// Updates in place give the union the code made before, through
        /// truncations, removals (weight -1) and vectors that share all,
        /// some or none of the centroid's terms; the norm is the one of
        /// those terms.
        #[test]
        fn add_in_place_is_the_union(
            adds in proptest::collection::vec((sorted_pairs(120), weight()), 1..12),
            cap in 1usize..60,
        ) {
            let mut centroid = Centroid::new(cap);
            let mut reference: Vec<(u32, f32)> = Vec::new();
            for (v, w) in &adds {
                let plus = centroid.plus(v, *w);
                centroid.add(v, *w);
                let bits = |v: &[(u32, f32)]| v.iter().map(|p| (p.0, p.1.to_bits())).collect::<Vec<_>>();
                proptest::prop_assert_eq!(bits(plus.terms()), bits(centroid.terms()));
                proptest::prop_assert_eq!(plus.norm().to_bits(), centroid.norm().to_bits());
                add_reference(&mut reference, cap, v, *w);
                let bits = |v: &[(u32, f32)]| v.iter().map(|p| (p.0, p.1.to_bits())).collect::<Vec<_>>();
                proptest::prop_assert_eq!(bits(centroid.terms()), bits(&reference));
                let norm = reference.iter().map(|p| p.1 * p.1).sum::<f32>().sqrt();
                proptest::prop_assert_eq!(centroid.norm().to_bits(), norm.to_bits());
                // Adding the centroid to itself doubles every term.
                let mut twice = reference.clone();
                add_in_place(&mut twice, &reference, 1.0);
                let doubled: Vec<(u32, f32)> = reference.iter().map(|p| (p.0, p.1 + p.1)).collect();
                proptest::prop_assert_eq!(bits(&twice), bits(&doubled));
            }
        }
    }

    fn any_u32() -> impl proptest::strategy::Strategy<Value = u32> {
        proptest::num::u32::ANY
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
