//! Signatures: what dedupe remembers about one article's text.
//!
//! Input: clean text. Output: a [`Signature`] holding an exact hash of the
//! normalised words, a one-permutation MinHash of word shingles and the
//! winnowed shingle fingerprints.
//! Method: normalise (lowercase, apostrophes deleted so "didn't" = "didnt",
//! every other non-alphanumeric character a word break), hash each word with
//! fixed-seed FNV-1a and a finaliser, combine [`SHINGLE_WORDS`] word hashes into a shingle
//! hash, then (a) keep the minimum per bin over [`MINHASH_BINS`] bins and
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
/// is FNV-1a over its lowercase UTF-8 bytes, finished with a splitmix64 mix: one
/// multiply a byte, inline, because signing speed is a bar.
pub fn for_each_word(text: &str, mut word: impl FnMut(u64)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut h = SEED_WORD;
    // Bytes hashed into the current word. Runs of ASCII letters and digits
    // are hashed by a tight inner loop that carries only `h` and `i` (the
    // run's length is added once at its end), because this loop is most of
    // the cost of signing.
    let mut len = 0u64;
    let mut i = 0;
    let mut utf8 = [0u8; 4];
    while i < n {
        let run = i;
        // One table lookup and one test a byte: every byte outside ASCII
        // is `NOT_ASCII`, which stops the run like a break or a skip.
        while i < n {
            let class = BYTE_CLASS[bytes[i] as usize];
            if class <= NOT_ASCII {
                break;
            }
            h = (h ^ u64::from(class)).wrapping_mul(FNV_PRIME);
            i += 1;
        }
        len += (i - run) as u64;
        if i >= n {
            break;
        }
        let class = BYTE_CLASS[bytes[i] as usize];
        if class != NOT_ASCII {
            i += 1;
            if class == BREAK && len > 0 {
                word(mix64(h ^ len));
                h = SEED_WORD;
                len = 0;
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
                for &byte in l.encode_utf8(&mut utf8).as_bytes() {
                    h = (h ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
                    len += 1;
                }
            }
        } else if len > 0 {
            word(mix64(h ^ len));
            h = SEED_WORD;
            len = 0;
        }
    }
    if len > 0 {
        word(mix64(h ^ len));
    }
}

const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
const BREAK: u8 = 0;
const SKIP: u8 = 1;

/// For each ASCII byte: its lowercase form if it is a letter or digit,
/// [`SKIP`] for apostrophes and backquotes, else [`BREAK`].
const ASCII_CLASS: [u8; 128] = {
    let mut table = [BREAK; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] = c.to_ascii_lowercase();
        } else if c == b'\'' || c == b'`' {
            table[b] = SKIP;
        }
        b += 1;
    }
    table
};

/// A byte outside ASCII in [`BYTE_CLASS`]: its character is decoded.
const NOT_ASCII: u8 = 2;

/// [`ASCII_CLASS`] over all 256 byte values, [`NOT_ASCII`] above 0x7f
/// (letters and digits are `'0'` or above, so above every mark).
const BYTE_CLASS: [u8; 256] = {
    let mut table = [NOT_ASCII; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = ASCII_CLASS[b];
        b += 1;
    }
    table
};

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
/// [`Signature::of`] rolls the same sum from one shingle to the next.
fn shingle_hash(words: &[u64]) -> u64 {
    let mut acc = words.len() as u64;
    for (j, &w) in words.iter().enumerate() {
        acc ^= w.rotate_left(SHINGLE_ROTATE * j as u32);
    }
    mix64(acc)
}

/// Word and shingle hashes of the text being signed, kept from one
/// signature to the next so signing a batch allocates only its results.
#[derive(Default)]
struct Scratch {
    words: Vec<u64>,
    shingles: Vec<u64>,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// The hash of the normalised word sequence of `text`; `None` without words.
pub fn text_hash(text: &str) -> Option<u64> {
    let mut acc = 0u64;
    let mut n = 0usize;
    for_each_word(text, |w| {
        acc = (acc.rotate_left(5) ^ w).wrapping_mul(MIX_K);
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
            // A huge text's buffers are let go rather than kept.
            if scratch.words.capacity() > 1 << 20 {
                *scratch = Scratch::default();
            }
            signature
        })
    }

    /// [`Signature::of`] with the word and shingle buffers of `scratch`.
    fn of_with(text: &str, scratch: &mut Scratch) -> Signature {
        let Scratch { words, shingles } = scratch;
        words.clear();
        shingles.clear();
        for_each_word(text, |w| words.push(w));
        let exact = words.iter().fold(0u64, |acc, &w| (acc.rotate_left(5) ^ w).wrapping_mul(MIX_K));
        let exact = combine(exact, words.len() as u64);

        // One-permutation MinHash: the top bits choose the bin, the low 32
        // bits are the value kept. Empty bins borrow from a bin chosen by a
        // fixed hash chain (optimal densification, Shrivastava 2017), so two
        // texts with the same shingle set get the same signature.
        let mut bins = [u32::MAX; MINHASH_BINS];
        let mut filled = [false; MINHASH_BINS];
        let mut add = |h: u64| {
            let bin = (h >> 58) as usize; // 64 bins = 6 bits
                                          // An empty bin holds u32::MAX, so the minimum is the value.
            bins[bin] = bins[bin].min(h as u32);
            filled[bin] = true;
            shingles.push(h);
        };
        // Shingles: every run of SHINGLE_WORDS words; a shorter text is one
        // shingle, so it still has a signature.
        if words.len() < SHINGLE_WORDS {
            if !words.is_empty() {
                add(shingle_hash(words));
            }
        } else {
            // The words of a shingle are rotated by position and xor-ed, so
            // the next shingle's sum is this one's without its first word,
            // rotated back one position, with the new word at the last.
            let mut acc = 0u64;
            for (j, &w) in words[..SHINGLE_WORDS].iter().enumerate() {
                acc ^= w.rotate_left(SHINGLE_ROTATE * j as u32);
            }
            let seed = SHINGLE_WORDS as u64;
            add(mix64(seed ^ acc));
            for (&out, &new) in words.iter().zip(&words[SHINGLE_WORDS..]) {
                acc = (acc ^ out).rotate_right(SHINGLE_ROTATE)
                    ^ new.rotate_left(SHINGLE_ROTATE * (SHINGLE_WORDS as u32 - 1));
                add(mix64(seed ^ acc));
            }
        }
        let minhash = if shingles.is_empty() { bins } else { densify(&bins, &filled) };

        Signature {
            exact,
            n_words: words.len().min(u32::MAX as usize) as u32,
            minhash,
            fingerprints: winnow(shingles),
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
pub const SIGNATURE_VERSION: u8 = 1;

fn densify(bins: &[u32; MINHASH_BINS], filled: &[bool; MINHASH_BINS]) -> [u32; MINHASH_BINS] {
    let mut out = *bins;
    for i in 0..MINHASH_BINS {
        if filled[i] {
            continue;
        }
        let mut attempt = 0u64;
        loop {
            let h = mix64(SEED_DENSIFY ^ ((i as u64) << 32) ^ attempt);
            let j = (h >> 58) as usize;
            if filled[j] {
                out[i] = bins[j];
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
fn winnow(shingles: &[u64]) -> Vec<u32> {
    let fp = |h: u64| (h >> 32) as u32;
    let mut out: Vec<u32> = Vec::with_capacity(2 * shingles.len() / (WINNOW_WINDOW + 1) + 2);
    if shingles.len() <= WINNOW_WINDOW {
        if let Some(&m) = shingles.iter().min_by_key(|&&h| fp(h)) {
            out.push(fp(m));
        }
        return out;
    }
    // Keep the position of the current window minimum (the rightmost one
    // on ties); rescan the window only when it slides out, which happens
    // about once per half window, so the cost stays linear.
    let mut m = 0;
    for i in 1..WINNOW_WINDOW {
        if fp(shingles[i]) <= fp(shingles[m]) {
            m = i;
        }
    }
    out.push(fp(shingles[m]));
    for i in WINNOW_WINDOW..shingles.len() {
        let start = i + 1 - WINNOW_WINDOW;
        if m < start {
            m = start;
            for j in start + 1..=i {
                if fp(shingles[j]) <= fp(shingles[m]) {
                    m = j;
                }
            }
            out.push(fp(shingles[m]));
        } else if fp(shingles[i]) <= fp(shingles[m]) {
            m = i;
            out.push(fp(shingles[m]));
        }
    }
    out.sort_unstable();
    out.dedup();
    out
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
        expect!["exact 027fe5fb5c67d77d words 13 bins 30bc6589 c210c169 9175a024 fps [735832293]"]
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

    /// The first, byte-at-a-time version of [`for_each_word`]: the
    /// fast one must give the same hashes.
    fn for_each_word_bytewise(text: &str, mut word: impl FnMut(u64)) {
        let bytes = text.as_bytes();
        let mut h = SEED_WORD;
        let mut len = 0u64;
        let mut i = 0;
        let mut utf8 = [0u8; 4];
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                i += 1;
                match ASCII_CLASS[b as usize] {
                    BREAK => {
                        if len > 0 {
                            word(mix64(h ^ len));
                            h = SEED_WORD;
                            len = 0;
                        }
                    }
                    SKIP => {}
                    lower => {
                        h = (h ^ u64::from(lower)).wrapping_mul(FNV_PRIME);
                        len += 1;
                    }
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
                    for &byte in l.encode_utf8(&mut utf8).as_bytes() {
                        h = (h ^ u64::from(byte)).wrapping_mul(FNV_PRIME);
                        len += 1;
                    }
                }
            } else if len > 0 {
                word(mix64(h ^ len));
                h = SEED_WORD;
                len = 0;
            }
        }
        if len > 0 {
            word(mix64(h ^ len));
        }
    }

    /// Signing as it was before the rolling shingle sums and the scratch
    /// buffers: every shingle hashed from its words, then the bins.
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
        let mut filled = [false; MINHASH_BINS];
        for &h in &shingles {
            let (bin, v) = ((h >> 58) as usize, h as u32);
            if !filled[bin] || v < bins[bin] {
                bins[bin] = v;
                filled[bin] = true;
            }
        }
        Signature {
            exact: combine(exact, words.len() as u64),
            n_words: words.len() as u32,
            minhash: if shingles.is_empty() { bins } else { densify(&bins, &filled) },
            fingerprints: winnow(&shingles),
        }
    }

    proptest::proptest! {
        #[test]
        fn signatures_equal_the_reference_version(text in "(\\PC|[a-e]{1,3}|[ ,.]){0,400}") {
            proptest::prop_assert_eq!(Signature::of(&text), of_reference(&text));
        }

        #[test]
        fn word_hashes_equal_the_bytewise_version(text in "(\\PC|[a-z' ,.]){0,300}") {
            let mut slow = Vec::new();
            for_each_word_bytewise(&text, |w| slow.push(w));
            proptest::prop_assert_eq!(words(&text), slow);
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
