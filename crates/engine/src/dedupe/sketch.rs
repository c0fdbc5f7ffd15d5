//! Signatures: what dedupe remembers about one article's text.
//!
//! Input: clean text. Output: a [`Signature`] holding an exact hash of the
//! normalised words, a one-permutation MinHash of word shingles and the
//! winnowed shingle fingerprints.
//! Method: normalise (lowercase, apostrophes deleted so "didn't" = "didnt",
//! every other non-alphanumeric character a word break), hash each word
//! from 8-byte chunks of its lowercase bytes (a folded multiply per chunk,
//! a splitmix64 finaliser per word), combine [`SHINGLE_WORDS`] word hashes
//! into a shingle hash, then (a) keep the minimum per bin over [`MINHASH_BINS`] bins and
//! densify empty bins, (b) winnow the shingle hashes with a window of
//! [`WINNOW_WINDOW`]. Every constant is fixed here, so a signature written by
//! one run or version of the program is comparable with the next one; a test
//! pins a signature value.

/// Words per shingle. Five words survive lost punctuation (normalised away)
/// while two different reports of one event rarely share five-word runs
/// outside quotes.
pub const SHINGLE_WORDS: usize = 5;
/// MinHash bins (one-permutation hashing: each shingle is hashed once).
pub const MINHASH_BINS: usize = 64;
/// Winnowing window, in shingles: any shared run of at least
/// `WINNOW_WINDOW + SHINGLE_WORDS - 1` words yields a shared fingerprint.
pub const WINNOW_WINDOW: usize = 32;

const SEED_WORD: u64 = 0x5354_4f52_594c_494e; // "STORYLIN"
const SEED_DENSIFY: u64 = 0x4445_4455_5045_0001;
const MIX_K: u64 = 0x9e37_79b9_7f4a_7c15;

/// What dedupe keeps about one text. Plain data, serialisable with
/// [`Signature::to_bytes`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// Hash of the normalised word sequence: equal for exact copies.
    pub exact: u64,
    /// Number of normalised words.
    pub n_words: u32,
    /// One-permutation MinHash over shingles, densified; all `u32::MAX`
    /// for a text without words.
    pub minhash: [u32; MINHASH_BINS],
    /// Winnowed shingle fingerprints, sorted and unique.
    pub fingerprints: Vec<u32>,
}

/// Calls `word` with the hash of every normalised word of `text`, in order.
///
/// Lowercases, deletes apostrophes (so a copy that lost them still matches)
/// and treats every other character that is not a letter or digit as a
/// break, which also drops quotation marks and punctuation. A word's hash
/// reads its lowercase UTF-8 bytes as little-endian 8-byte chunks: each
/// full chunk is folded into the state with one 64x64->128-bit multiply,
/// and the word's end mixes in the last, zero-padded chunk and the length
/// with the splitmix64 finaliser. That is one multiply per 8 bytes instead
/// of FNV-1a's one per byte (signature version 1), and because letters and
/// digits are never a zero byte, words of up to 7 bytes (most words) are
/// told apart by their padded chunk alone and never collide.
///
/// ASCII is read 8 bytes at a time: one bit trick finds how many leading
/// bytes are letters or digits and lowercases them all at once (ASCII
/// letters and digits become lowercase by setting bit 5), so a word costs
/// about one such step instead of a table lookup and a branch per byte.
pub fn for_each_word(text: &str, mut word: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut w = WordHasher::new();
    let mut utf8 = [0u8; 4];
    let mut i = 0;
    while i < n {
        let chunk = load_le(bytes, i);
        let k = leading_alnum_bytes(chunk);
        if k > 0 {
            w.absorb((chunk | LOWER) & low_bytes(k), k);
            i += k;
            if k == 8 {
                continue;
            }
            if i >= n {
                break;
            }
        }
        // `bytes[i]` is not an ASCII letter or digit.
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            if b != b'\'' && b != b'`' && w.len > 0 {
                word(w.finish());
            }
            continue;
        }
        let c = text[i..].chars().next().expect("i is on a char boundary");
        i += c.len_utf8();
        if is_apostrophe(c) {
            continue;
        }
        if c.is_alphanumeric() {
            for l in c.to_lowercase() {
                let encoded = l.encode_utf8(&mut utf8).as_bytes();
                let mut v = 0u64;
                for (j, &byte) in encoded.iter().enumerate() {
                    v |= u64::from(byte) << (8 * j);
                }
                w.absorb(v, encoded.len());
            }
        } else if w.len > 0 {
            word(w.finish());
        }
    }
    if w.len > 0 {
        word(w.finish());
    }
}

/// The state of the word being hashed by [`for_each_word`].
struct WordHasher {
    /// [`SEED_WORD`] with every full chunk folded in.
    h: u64,
    /// The bytes after the last full chunk, little-endian, zero above.
    acc: u64,
    /// Bytes in `acc` (0 to 7).
    fill: usize,
    /// Bytes in the word.
    len: u64,
}

impl WordHasher {
    fn new() -> WordHasher {
        WordHasher { h: SEED_WORD, acc: 0, fill: 0, len: 0 }
    }

    /// Appends `k` (1 to 8) bytes, little-endian in `v` and zero above.
    #[inline(always)]
    fn absorb(&mut self, v: u64, k: usize) {
        // `fill` is at most 7, so the shift is in range.
        self.acc |= v << (8 * self.fill);
        self.len += k as u64;
        let filled = self.fill + k;
        if filled >= 8 {
            self.h = fold(self.h ^ self.acc);
            // The bytes of `v` that did not fit: `v >> (64 - 8 * fill)`,
            // written in two shifts because a shift by 64 is out of range.
            self.acc = (v >> 8) >> (8 * (7 - self.fill));
            self.fill = filled - 8;
        } else {
            self.fill = filled;
        }
    }

    /// The word's hash; resets for the next word.
    #[inline(always)]
    fn finish(&mut self) -> u64 {
        let out = finish(self.h, self.acc, self.len);
        *self = WordHasher::new();
        out
    }
}

/// The end of a word: state, last partial chunk and length, finalised.
/// The length's low byte lands in the top byte, which a partial chunk
/// (at most 7 bytes) leaves zero.
#[inline(always)]
fn finish(h: u64, acc: u64, len: u64) -> u64 {
    mix64(h ^ acc ^ len.rotate_right(8))
}

/// A folded multiply (as in wyhash and foldhash): the 128-bit product's
/// halves xor-ed, so every input bit reaches both halves in one multiply.
#[inline(always)]
fn fold(x: u64) -> u64 {
    let p = u128::from(x) * u128::from(FOLD_K);
    (p as u64) ^ ((p >> 64) as u64)
}

/// An odd constant with well-spread bits (wyhash's first secret).
const FOLD_K: u64 = 0xa076_1d64_78bd_642f;

/// Bit 5 of every byte: sets ASCII letters to lowercase and leaves digits
/// (which have it set) unchanged.
const LOWER: u64 = 0x2020_2020_2020_2020;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// Every byte `b` of the word.
const fn bytes_of(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// The 8 bytes of `bytes` from `i`, little-endian, zero past the end.
#[inline(always)]
fn load_le(bytes: &[u8], i: usize) -> u64 {
    match bytes.get(i..i + 8) {
        Some(chunk) => u64::from_le_bytes(chunk.try_into().expect("8 bytes")),
        None => {
            let mut padded = [0u8; 8];
            let rest = &bytes[i..];
            padded[..rest.len()].copy_from_slice(rest);
            u64::from_le_bytes(padded)
        }
    }
}

/// How many of the first bytes of `chunk` (little-endian, so from the
/// low byte up) are ASCII letters or digits: 0 to 8.
///
/// Per byte, with the top bit cleared so adding a constant below 0x81
/// cannot carry into the next byte: `x + (0x80 - lo)` has the top bit set
/// when `x >= lo`, and `x + (0x7f - hi)` has it clear when `x <= hi`. A
/// letter is a byte whose bit-5-set form is in `a..=z`; a digit is in
/// `0..=9`; a byte with its top bit set is neither.
#[inline(always)]
fn leading_alnum_bytes(chunk: u64) -> usize {
    let x = chunk & !HIGH;
    let l = x | LOWER;
    let letter = l.wrapping_add(bytes_of(0x80 - b'a')) & !l.wrapping_add(bytes_of(0x7f - b'z'));
    let digit = x.wrapping_add(bytes_of(0x80 - b'0')) & !x.wrapping_add(bytes_of(0x7f - b'9'));
    let alnum = (letter | digit) & !chunk & HIGH;
    ((!alnum & HIGH).trailing_zeros() / 8) as usize
}

/// A mask of the low `k` (1 to 8) bytes.
#[inline(always)]
fn low_bytes(k: usize) -> u64 {
    u64::MAX >> (64 - 8 * k)
}

fn is_apostrophe(c: char) -> bool {
    matches!(c, '\u{2019}' | '\u{2018}' | '\u{02bc}' | '\u{00b4}' | '\u{2032}')
}

/// A 64-bit finaliser (from splitmix64): spreads every input bit.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Order-sensitive combination of word hashes (a shingle, a passage).
fn combine(acc: u64, w: u64) -> u64 {
    mix64(acc.rotate_left(23) ^ w.wrapping_mul(MIX_K))
}

/// The rotation of a word hash per position in its shingle.
const SHINGLE_ROTATE: u32 = 13;

/// A shingle hash: word hashes rotated by position (so order matters),
/// xor-ed, then one finaliser; one mix per shingle keeps signing fast.
/// [`Signature::of`] rolls the same sum from one shingle to the next (this
/// definition is what the tests check it against).
#[cfg(test)]
fn shingle_hash(words: &[u64]) -> u64 {
    let mut acc = words.len() as u64;
    for (j, &w) in words.iter().enumerate() {
        acc ^= w.rotate_left(SHINGLE_ROTATE * j as u32);
    }
    mix64(acc)
}

/// The shingle fingerprints of the text being signed (the top 32 bits of
/// each shingle hash, what winnowing compares), kept from one signature to
/// the next so signing a batch allocates only its results.
#[derive(Default)]
struct Scratch {
    fingerprints: Vec<u32>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// One step of the exact hash of a word sequence (see [`text_hash`]).
#[inline(always)]
fn exact_step(acc: u64, w: u64) -> u64 {
    (acc.rotate_left(5) ^ w).wrapping_mul(MIX_K)
}

/// The hash of the normalised word sequence of `text`; `None` without words.
pub fn text_hash(text: &str) -> Option<u64> {
    let mut acc = 0u64;
    let mut n = 0usize;
    for_each_word(text, |w| {
        acc = exact_step(acc, w);
        n += 1;
    });
    (n > 0).then(|| combine(acc, n as u64))
}

impl Signature {
    /// Computes the signature of `text`.
    pub fn of(text: &str) -> Signature {
        SCRATCH.with(|scratch| {
            let mut scratch = scratch.borrow_mut();
            let signature = Signature::of_with(text, &mut scratch);
            // A huge text's buffer is let go rather than kept.
            if scratch.fingerprints.capacity() > 1 << 20 {
                *scratch = Scratch::default();
            }
            signature
        })
    }

    /// [`Signature::of`] with the fingerprint buffer of `scratch`.
    ///
    /// One pass over the words: each word hash goes into the exact hash
    /// and into a rolling shingle sum as it comes, so no word list is kept.
    fn of_with(text: &str, scratch: &mut Scratch) -> Signature {
        let fingerprints = &mut scratch.fingerprints;
        fingerprints.clear();
        // One-permutation MinHash: the top bits choose the bin, the low 32
        // bits are the value kept. Empty bins borrow from a bin chosen by a
        // fixed hash chain (optimal densification, Shrivastava 2017), so two
        // texts with the same shingle set get the same signature.
        let mut bins = [u32::MAX; MINHASH_BINS];
        let mut filled = 0u64; // bit `b`: bin `b` holds a shingle
        let mut add = |h: u64| {
            let bin = (h >> 58) as usize; // 64 bins = 6 bits
                                          // An empty bin holds u32::MAX, so the minimum is the value.
            bins[bin] = bins[bin].min(h as u32);
            filled |= 1 << bin;
            fingerprints.push((h >> 32) as u32);
        };

        // Shingles: every run of SHINGLE_WORDS words. The words of a shingle
        // are rotated by position and xor-ed (`shingle_hash`), so the next
        // shingle's sum is this one's without its first word, rotated back
        // one position, with the new word at the last. The first words roll
        // in the same way (leaving a zero word is a no-op), so the sum needs
        // no special start. `recent[j % RECENT]` is word `j`, for the last
        // RECENT words (zero before the first).
        const RECENT: usize = 8;
        const { assert!(RECENT > SHINGLE_WORDS && RECENT.is_power_of_two()) };
        let mut exact = 0u64;
        let mut n = 0usize;
        let mut acc = 0u64;
        let mut recent = [0u64; RECENT];
        let seed = SHINGLE_WORDS as u64;
        for_each_word(text, |w| {
            exact = exact_step(exact, w);
            let out = recent[n.wrapping_sub(SHINGLE_WORDS) % RECENT];
            recent[n % RECENT] = w;
            acc = (acc ^ out).rotate_right(SHINGLE_ROTATE)
                ^ w.rotate_left(SHINGLE_ROTATE * (SHINGLE_WORDS as u32 - 1));
            n += 1;
            if n >= SHINGLE_WORDS {
                add(mix64(seed ^ acc));
            }
        });
        // A text shorter than a shingle is one shingle, so it still has a
        // signature: its `n` words sit `SHINGLE_WORDS - n` positions too
        // far left in the sum, and the seed is its length.
        if n > 0 && n < SHINGLE_WORDS {
            let short = SHINGLE_WORDS - n;
            add(mix64(n as u64 ^ acc.rotate_right(SHINGLE_ROTATE * short as u32)));
        }
        let minhash = if n == 0 { bins } else { densify(&bins, filled) };

        Signature {
            exact: combine(exact, n as u64),
            n_words: n.min(u32::MAX as usize) as u32,
            minhash,
            fingerprints: winnow(fingerprints),
        }
    }

    /// True when the text had no words.
    pub fn is_empty(&self) -> bool {
        self.n_words == 0
    }

    /// The compact MinHash kept in the index: the top 16 bits of each bin.
    pub fn compact(&self) -> [u16; MINHASH_BINS] {
        let mut out = [0u16; MINHASH_BINS];
        for (o, v) in out.iter_mut().zip(self.minhash.iter()) {
            *o = (v >> 16) as u16;
        }
        out
    }

    /// Encodes as bytes for the store: a version byte, then little-endian
    /// fields. [`Signature::from_bytes`] reads it back.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out =
            Vec::with_capacity(1 + 8 + 4 + 4 * MINHASH_BINS + 4 + 4 * self.fingerprints.len());
        out.push(SIGNATURE_VERSION);
        out.extend_from_slice(&self.exact.to_le_bytes());
        out.extend_from_slice(&self.n_words.to_le_bytes());
        for v in &self.minhash {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out.extend_from_slice(&(self.fingerprints.len() as u32).to_le_bytes());
        for v in &self.fingerprints {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    /// Decodes bytes written by [`Signature::to_bytes`]; `None` when they
    /// are truncated, of another version, or not sorted.
    pub fn from_bytes(bytes: &[u8]) -> Option<Signature> {
        let mut r = Reader { bytes, pos: 0 };
        if r.u8()? != SIGNATURE_VERSION {
            return None;
        }
        let exact = r.u64()?;
        let n_words = r.u32()?;
        let mut minhash = [0u32; MINHASH_BINS];
        for v in &mut minhash {
            *v = r.u32()?;
        }
        let n = r.u32()? as usize;
        if n > bytes.len() / 4 {
            return None;
        }
        let mut fingerprints = Vec::with_capacity(n);
        for _ in 0..n {
            fingerprints.push(r.u32()?);
        }
        let sorted = fingerprints.windows(2).all(|w| w[0] < w[1]);
        (sorted && r.pos == bytes.len()).then_some(Signature {
            exact,
            n_words,
            minhash,
            fingerprints,
        })
    }
}

/// The format version of [`Signature::to_bytes`]; bump it when any constant
/// or hash above changes, since old signatures are then not comparable.
/// Version 1 hashed words with FNV-1a a byte at a time; version 2 hashes
/// them in 8-byte chunks ([`for_each_word`]). A store re-signs the articles
/// whose signature is of another version.
pub const SIGNATURE_VERSION: u8 = 2;

/// Fills every empty bin (bit clear in `filled`) from a filled one.
fn densify(bins: &[u32; MINHASH_BINS], filled: u64) -> [u32; MINHASH_BINS] {
    let is_filled = |b: usize| filled & (1 << b) != 0;
    let mut out = *bins;
    for (i, o) in out.iter_mut().enumerate() {
        if is_filled(i) {
            continue;
        }
        let mut attempt = 0u64;
        loop {
            let h = mix64(SEED_DENSIFY ^ ((i as u64) << 32) ^ attempt);
            let j = (h >> 58) as usize;
            if is_filled(j) {
                *o = bins[j];
                break;
            }
            attempt += 1;
        }
    }
    out
}

/// Winnowing (Schleimer et al. 2003): the minimum of every window of
/// shingle hashes, each position recorded once. Windows inside a shared
/// passage pick the same fingerprints in both texts, so a shortened copy
/// keeps most of the fingerprints of the part it kept.
fn winnow(fps: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = Vec::with_capacity(2 * fps.len() / (WINNOW_WINDOW + 1) + 2);
    if fps.len() <= WINNOW_WINDOW {
        if let Some(&m) = fps.iter().min() {
            out.push(m);
        }
        return out;
    }
    // Keep the position of the current window minimum (the rightmost one
    // on ties); rescan the window only when it slides out, which happens
    // about once per half window, so the cost stays linear.
    let mut m = rightmost_min(&fps[..WINNOW_WINDOW]);
    out.push(fps[m]);
    for i in WINNOW_WINDOW..fps.len() {
        let start = i + 1 - WINNOW_WINDOW;
        if m < start {
            m = start + rightmost_min(&fps[start..=i]);
            out.push(fps[m]);
        } else if fps[i] <= fps[m] {
            m = i;
            out.push(fps[m]);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The position of the last minimum of a window of [`WINNOW_WINDOW`]
/// fingerprints. Written as a minimum, then a mask of the positions
/// holding it, both of fixed length, so the compiler makes them vector
/// code without branches: a scan keeping the position was a branch per
/// fingerprint, mispredicted at each new minimum.
#[inline(always)]
fn rightmost_min(window: &[u32]) -> usize {
    const { assert!(WINNOW_WINDOW <= u32::BITS as usize) };
    let window: &[u32; WINNOW_WINDOW] = window.try_into().expect("a whole window");
    let min = window.iter().fold(u32::MAX, |a, &b| a.min(b));
    let mut at = 0u32; // bit `j`: `window[j]` is the minimum
    for (j, &f) in window.iter().enumerate() {
        at |= u32::from(f == min) << j;
    }
    (u32::BITS - 1 - at.leading_zeros()) as usize
}

/// The estimated Jaccard similarity of two compact MinHashes.
pub fn jaccard(a: &[u16; MINHASH_BINS], b: &[u16; MINHASH_BINS]) -> f32 {
    let same = a.iter().zip(b.iter()).filter(|(x, y)| x == y).count();
    same as f32 / MINHASH_BINS as f32
}

/// The number of fingerprints two sorted lists share.
pub fn shared_fingerprints(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// A little-endian cursor over bytes.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) pos: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Option<[u8; N]> {
        let end = self.pos.checked_add(N)?;
        let out = self.bytes.get(self.pos..end)?.try_into().ok()?;
        self.pos = end;
        Some(out)
    }
    pub(crate) fn u8(&mut self) -> Option<u8> {
        self.take::<1>().map(|b| b[0])
    }
    pub(crate) fn u16(&mut self) -> Option<u16> {
        self.take().map(u16::from_le_bytes)
    }
    pub(crate) fn u32(&mut self) -> Option<u32> {
        self.take().map(u32::from_le_bytes)
    }
    pub(crate) fn u64(&mut self) -> Option<u64> {
        self.take().map(u64::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use expect_test::expect;

    fn words(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        for_each_word(text, |w| out.push(w));
        out
    }

    #[test]
    fn normalisation_ignores_apostrophes_quotes_and_case() {
        assert_eq!(words("Moscow's “deal” didn't"), words("MOSCOWS deal didnt"));
        assert_eq!(words("Moscow’s \"deal\" didn’t"), words("moscows  deal\n didnt"));
        assert_ne!(words("cease-fire"), words("ceasefire"));
        assert_eq!(words("cease-fire"), words("cease fire"));
        assert!(words(" ,.;-- ").is_empty());
    }

    #[test]
    fn signature_is_pinned() {
        // A change here means signatures in existing stores no longer
        // compare with new ones: bump SIGNATURE_VERSION and re-sign.
        let s = Signature::of(
            "The talks were suspended on Monday after the ceasefire collapsed in the north.",
        );
        let dump = format!(
            "exact {:016x} words {} bins {:08x} {:08x} {:08x} fps {:?}",
            s.exact, s.n_words, s.minhash[0], s.minhash[1], s.minhash[63], s.fingerprints
        );
        expect!["exact ec76d81b96f070fd words 13 bins bd7a611d 641208c5 31935e66 fps [131986407]"]
            .assert_eq(&dump);
    }

    #[test]
    fn exact_hash_survives_damage_but_not_edits() {
        let a = Signature::of("He said: \"We didn't agree.\"\n\nMoscow's envoy left.");
        let b = Signature::of("he said   we didnt agree  moscows envoy left");
        let c = Signature::of("he said we did agree moscows envoy left");
        assert_eq!(a.exact, b.exact);
        assert_ne!(a.exact, c.exact);
        assert_eq!(text_hash("Moscow's envoy"), text_hash("moscows ENVOY"));
        assert_eq!(text_hash("--"), None);
    }

    #[test]
    fn empty_and_short_texts() {
        let e = Signature::of("  ... ");
        assert!(e.is_empty());
        assert!(e.fingerprints.is_empty());
        let s = Signature::of("two words");
        assert_eq!(s.n_words, 2);
        assert_eq!(s.fingerprints.len(), 1);
        assert!(s.minhash.iter().all(|&v| v == s.minhash[0]));
    }

    #[test]
    fn bytes_round_trip_and_reject_garbage() {
        let s = Signature::of(
            "Officials met in Geneva on Tuesday to discuss a new truce for the city.",
        );
        let bytes = s.to_bytes();
        assert_eq!(Signature::from_bytes(&bytes), Some(s));
        assert_eq!(Signature::from_bytes(&bytes[..bytes.len() - 1]), None);
        assert_eq!(Signature::from_bytes(&[]), None);
        let mut bad = bytes.clone();
        bad[0] = 99;
        assert_eq!(Signature::from_bytes(&bad), None);
    }

    /// [`for_each_word`] written the simple way: normalise char by char
    /// into a buffer, then hash each word's bytes one at a time, a chunk
    /// folded in after every 8th byte. The fast one must equal it.
    fn words_reference(text: &str) -> Vec<u64> {
        fn hash(word: &[u8]) -> u64 {
            let (mut h, mut chunk) = (SEED_WORD, 0u64);
            for (j, &b) in word.iter().enumerate() {
                chunk |= u64::from(b) << (8 * (j % 8));
                if j % 8 == 7 {
                    h = fold(h ^ chunk);
                    chunk = 0;
                }
            }
            mix64(h ^ chunk ^ (word.len() as u64).rotate_right(8))
        }
        let mut out = Vec::new();
        let mut word = Vec::new();
        let mut utf8 = [0u8; 4];
        for c in text.chars() {
            if matches!(
                c,
                '\'' | '`' | '\u{2019}' | '\u{2018}' | '\u{02bc}' | '\u{00b4}' | '\u{2032}'
            ) {
                continue;
            }
            if c.is_alphanumeric() {
                for l in c.to_lowercase() {
                    word.extend_from_slice(l.encode_utf8(&mut utf8).as_bytes());
                }
            } else if !word.is_empty() {
                out.push(hash(&word));
                word.clear();
            }
        }
        if !word.is_empty() {
            out.push(hash(&word));
        }
        out
    }

    #[test]
    fn word_hashes_do_not_collide() {
        // Words of 1 to 24 bytes (so 0 to 3 full chunks and every padding),
        // from a small alphabet so that many share prefixes and chunks:
        // distinct words must get distinct hashes.
        let alphabet = b"aeinorst0";
        let mut rng = 0x1234_5678_9abc_def0u64;
        let mut texts = std::collections::HashSet::new();
        for len in 1..=24 {
            for _ in 0..4000 {
                let word: String = (0..len)
                    .map(|_| {
                        rng = mix64(rng.wrapping_add(MIX_K));
                        alphabet[(rng % alphabet.len() as u64) as usize] as char
                    })
                    .collect();
                texts.insert(word);
            }
        }
        let hashes: std::collections::HashSet<u64> = texts.iter().map(|t| words(t)[0]).collect();
        assert!(texts.len() > 80_000);
        assert_eq!(hashes.len(), texts.len());
    }

    /// Signing as it was before the rolling shingle sums, the scratch
    /// buffers and the one-pass word loop: the word list first, every
    /// shingle hashed from its words, then the bins, then winnowing with a
    /// rescan of every window.
    fn of_reference(text: &str) -> Signature {
        let words = words(text);
        let exact = words.iter().fold(0u64, |acc, &w| (acc.rotate_left(5) ^ w).wrapping_mul(MIX_K));
        let n_shingles = match words.len() {
            0 => 0,
            n if n < SHINGLE_WORDS => 1,
            n => n - SHINGLE_WORDS + 1,
        };
        let width = SHINGLE_WORDS.min(words.len());
        let shingles: Vec<u64> =
            (0..n_shingles).map(|s| shingle_hash(&words[s..s + width])).collect();
        let mut bins = [u32::MAX; MINHASH_BINS];
        let mut filled = 0u64;
        for &h in &shingles {
            let (bin, v) = ((h >> 58) as usize, h as u32);
            if filled & (1 << bin) == 0 || v < bins[bin] {
                bins[bin] = v;
                filled |= 1 << bin;
            }
        }
        Signature {
            exact: combine(exact, words.len() as u64),
            n_words: words.len() as u32,
            minhash: if shingles.is_empty() { bins } else { densify(&bins, filled) },
            fingerprints: winnow_reference(&shingles),
        }
    }

    /// Winnowing by the definition: the minimum fingerprint of every
    /// window, sorted and unique.
    fn winnow_reference(shingles: &[u64]) -> Vec<u32> {
        let fps: Vec<u32> = shingles.iter().map(|&h| (h >> 32) as u32).collect();
        winnow_fps_reference(&fps)
    }

    fn winnow_fps_reference(fps: &[u32]) -> Vec<u32> {
        let mut out: Vec<u32> = Vec::new();
        if fps.len() <= WINNOW_WINDOW {
            out.extend(fps.iter().min());
        } else {
            out.extend(fps.windows(WINNOW_WINDOW).map(|w| *w.iter().min().expect("a window")));
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    proptest::proptest! {
        #[test]
        fn signatures_equal_the_reference_version(text in "(\\PC|[a-e]{1,3}|[ ,.]){0,400}") {
            proptest::prop_assert_eq!(Signature::of(&text), of_reference(&text));
        }

        #[test]
        fn long_signatures_equal_the_reference_version(
            text in "([a-z]{1,9}[ ,.]{1,2}){0,400}"
        ) {
            proptest::prop_assert_eq!(Signature::of(&text), of_reference(&text));
        }

        #[test]
        fn winnowing_equals_the_definition(
            fps in proptest::collection::vec(0u32..40, 0..300)
        ) {
            // Few distinct values: many ties, minima sliding out often.
            proptest::prop_assert_eq!(winnow(&fps), winnow_fps_reference(&fps));
        }

        #[test]
        fn word_hashes_equal_the_reference_version(
            text in "(\\PC|[a-zA-Z0-9'`’ ,.]|[a-z]{6,20}|\\PC{1,3}[a-z]{5,9}){0,200}"
        ) {
            proptest::prop_assert_eq!(words(&text), words_reference(&text));
        }

        #[test]
        fn never_panics_and_round_trips(text in "\\PC{0,400}") {
            let s = Signature::of(&text);
            proptest::prop_assert_eq!(Signature::from_bytes(&s.to_bytes()), Some(s));
        }

        #[test]
        fn from_bytes_never_panics(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..600)) {
            let _ = Signature::from_bytes(&bytes);
        }
    }
}
