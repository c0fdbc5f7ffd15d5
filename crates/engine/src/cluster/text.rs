//! Article text to weighted term and name vectors.
//!
//! Input: a headline and a body. Output: [`Features`]: a TF-IDF vector over
//! Snowball-stemmed content words (headline words count extra), the same
//! words weighted by a stronger IDF for stories, and a vector over
//! capitalised, non-sentence-initial words, a stand-in for named entities
//! until the entity stage exists. Method: one pass over the bytes reads
//! the words (lowercased, with what they are to a sentence), then they
//! are looked up together: a word-to-term cache (keyed by the word's
//! bytes as two integers when it is short, with a small direct-mapped
//! memo of recent short words in front of it, probed for all the words
//! of a text at once) means each distinct word is stemmed once, in the
//! order the words are read; document frequencies grow as articles
//! arrive, so IDF is the one known at arrival.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::vector::SparseVec;

/// Marks a cached word that is a stopword.
const STOP: u32 = u32::MAX;

/// Words too common in news to tell stories apart. Compared lowercase,
/// before stemming.
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "against",
    "ago",
    "all",
    "almost",
    "along",
    "already",
    "also",
    "although",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "are",
    "around",
    "as",
    "at",
    "back",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "don",
    "down",
    "during",
    "each",
    "early",
    "either",
    "even",
    "ever",
    "every",
    "few",
    "first",
    "for",
    "four",
    "from",
    "further",
    "get",
    "go",
    "going",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "including",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "last",
    "later",
    "least",
    "less",
    "like",
    "made",
    "make",
    "many",
    "may",
    "me",
    "might",
    "more",
    "most",
    "mr",
    "mrs",
    "ms",
    "much",
    "must",
    "my",
    "myself",
    "near",
    "never",
    "new",
    "next",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "often",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "others",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "per",
    "put",
    "rather",
    "really",
    "said",
    "same",
    "say",
    "saying",
    "says",
    "second",
    "see",
    "seen",
    "several",
    "she",
    "should",
    "since",
    "so",
    "some",
    "still",
    "such",
    "take",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "third",
    "this",
    "those",
    "though",
    "three",
    "through",
    "thus",
    "to",
    "today",
    "told",
    "too",
    "took",
    "two",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "use",
    "used",
    "very",
    "was",
    "way",
    "we",
    "well",
    "were",
    "what",
    "when",
    "where",
    "whether",
    "which",
    "while",
    "who",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "without",
    "would",
    "year",
    "years",
    "yesterday",
    "yet",
    "you",
    "your",
    "yours",
    "week",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "lrb",
    "rrb",
    "lsb",
    "rsb",
    "lcb",
    "rcb",
    "http",
    "https",
    "www",
    "com",
];

fn stemmer() -> &'static rust_stemmers::Stemmer {
    static STEMMER: OnceLock<rust_stemmers::Stemmer> = OnceLock::new();
    STEMMER.get_or_init(|| rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::English))
}

fn is_stopword(word: &str) -> bool {
    static SET: OnceLock<rustc_hash::FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| STOPWORDS.iter().copied().collect()).contains(word)
}

/// How text becomes vectors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TextConfig {
    /// Only the first `max_words` words of the body are read: the lead of a
    /// news article says what it is about, and the tail is often unrelated.
    pub max_words: usize,
    /// Terms kept in an article's term vector.
    pub max_terms: usize,
    /// Terms kept in an article's name vector.
    pub max_names: usize,
    /// Extra term frequency for each headline word.
    pub title_boost: f32,
    /// Exponent of the IDF in term weights: below 1 the words an article
    /// repeats (its subject) count more against the rare words it mentions.
    pub idf_power: f32,
    /// Exponent of the IDF in name weights.
    pub name_idf_power: f32,
    /// Exponent of the IDF in the topic vector that stories are built
    /// from: a story is told apart by its rarer words, while the words an
    /// article repeats matter more for its event.
    pub topic_idf_power: f32,
    /// Articles seen before the topic vector takes its full IDF exponent.
    pub topic_idf_warmup: u32,
}

impl Default for TextConfig {
    fn default() -> TextConfig {
        TextConfig {
            max_words: 200,
            max_terms: 100,
            max_names: 16,
            title_boost: 2.0,
            idf_power: 0.1,
            name_idf_power: 1.0,
            topic_idf_power: 1.0,
            topic_idf_warmup: 100,
        }
    }
}

/// The vectors of one article.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Features {
    /// Unit TF-IDF vector over stemmed content words.
    pub terms: SparseVec,
    /// Unit TF-IDF vector over capitalised words (a named-entity proxy).
    pub names: SparseVec,
    /// The terms again, weighted by `topic_idf_power`.
    pub topic: SparseVec,
    /// Every name read (not only the `max_names` heaviest), sorted.
    pub read_names: Vec<u32>,
    /// The names read at least twice (a headline word counts
    /// `title_boost`), sorted: the participants the article is about.
    pub salient_names: Vec<u32>,
}

/// The vocabulary and document frequencies seen so far.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Lexicon {
    /// Stem to term id.
    #[serde(with = "super::sorted_map")]
    stems: FxHashMap<String, u32>,
    /// Document frequency by term id.
    df: Vec<u32>,
    /// Documents counted in `df`.
    n_docs: u32,
    /// Lowercased word of at most 16 bytes, packed by [`short_key`], to
    /// term id (or [`STOP`]); rebuilt on demand. Nearly every word is this
    /// short, and a key of two integers is hashed and compared without the
    /// string compare a `str` key costs at every lookup.
    #[serde(skip)]
    short: FxHashMap<(u64, u64), u32>,
    /// Longer lowercased words to term id (or [`STOP`]); rebuilt on demand.
    #[serde(skip)]
    words: FxHashMap<Box<str>, u32>,
    /// A direct-mapped memo in front of `short`: [`FRONT`] slots of a
    /// short word's key and term id, the slot picked by [`front_slot`],
    /// the last word to land there kept. Looking a word up in `short` missed
    /// the processor's caches most of the time (its entries are spread over
    /// a couple of megabytes, one word to a cache line), and that miss was
    /// most of the cost of reading a word; the frequent words of news share
    /// this table's few hundred kilobytes. A vacant slot holds the key of
    /// the empty word with [`STOP`], which is what the empty word is (it
    /// is never looked up: words shorter than two characters are skipped).
    #[serde(skip)]
    front: Vec<((u64, u64), u32)>,
    /// The words of the text being scanned (see [`Lexicon::scan`]), kept
    /// between articles for its allocation.
    #[serde(skip)]
    read: Vec<Word>,
    /// The lowercased words of over 16 bytes of the text being scanned.
    #[serde(skip)]
    long: Vec<String>,
}

/// A word read by [`Lexicon::scan`], before its term is looked up.
#[derive(Clone, Debug)]
struct Word {
    /// Its [`short_key`], or [`LONG`] and its index in `Lexicon::long`.
    key: (u64, u64),
    /// Its term id once looked up, [`MISS`] before.
    id: u32,
    /// [`NAME`] and [`PARTICIPANT`].
    flags: u8,
    /// The byte offset of its line (for the title-case test).
    line: usize,
}

/// The first half of the key of a word of over 16 bytes: no word has a
/// 0xff byte in UTF-8, so no short key starts so.
const LONG: u64 = u64::MAX;
/// [`Word::id`] not yet looked up (term ids stay far below it; [`STOP`]
/// is the one above).
const MISS: u32 = u32::MAX - 1;
/// A capitalised word that does not start a sentence (or a short
/// acronym that does): a name.
const NAME: u8 = 1;
/// A name that is a participant unless its line is in title case: not
/// in capitals, not a month.
const PARTICIPANT: u8 = 2;

/// Slots in [`Lexicon`]'s front memo (`1 << FRONT_BITS`).
const FRONT_BITS: u32 = 13;
const FRONT: usize = 1 << FRONT_BITS;

/// The front memo slot of a short word's key: the key's bits mixed by a
/// multiplication, the top bits taken.
fn front_slot((lo, hi): (u64, u64)) -> usize {
    let mixed = (lo ^ hi.rotate_left(29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (mixed >> (64 - FRONT_BITS)) as usize
}

/// A word of at most 16 bytes as two integers: its bytes, zero padded. No
/// letter or digit has a zero byte in UTF-8, so two words have one key
/// only when they are the same word.
fn short_key(word: &str) -> Option<(u64, u64)> {
    let bytes = word.as_bytes();
    let mut key = [0u8; 16];
    key.get_mut(..bytes.len())?.copy_from_slice(bytes);
    let (lo, hi) = key.split_at(8);
    // Two `u64`s, not a `u128`: an entry of the map is then 24 bytes, not
    // 32 (a `u128` is 16-aligned), so more of the cache stays in cache.
    Some((
        u64::from_le_bytes(lo.try_into().expect("8 bytes")),
        u64::from_le_bytes(hi.try_into().expect("8 bytes")),
    ))
}

impl Lexicon {
    /// The term id of a lowercased word, interning its stem if new.
    fn term(&mut self, word: &str) -> u32 {
        let Some(key) = short_key(word) else {
            if let Some(&id) = self.words.get(word) {
                return id;
            }
            let id = self.intern(word);
            self.words.insert(word.into(), id);
            return id;
        };
        if let Some(&(k, id)) = self.front.get(front_slot(key)) {
            if k == key {
                return id;
            }
        }
        self.term_past_front(key)
    }

    /// The term id of a short word (by its [`short_key`]) that the front
    /// memo did not hold: from the short-word map, interned if new, and
    /// written to the memo.
    fn term_past_front(&mut self, key: (u64, u64)) -> u32 {
        let id = match self.short.get(&key) {
            Some(&id) => id,
            None => {
                let id = self.intern(key_word(&mut [0; 16], key));
                self.short.insert(key, id);
                id
            }
        };
        if self.front.is_empty() {
            self.front = vec![((0, 0), STOP); FRONT];
        }
        self.front[front_slot(key)] = (key, id);
        id
    }

    /// The term id of a word not in the caches: [`STOP`] for a stopword or
    /// a number, else its stem's id, interned if new.
    fn intern(&mut self, word: &str) -> u32 {
        if is_stopword(word) || word.bytes().all(|b| b.is_ascii_digit()) {
            return STOP;
        }
        let stem = stemmer().stem(word);
        match self.stems.get(stem.as_ref()) {
            Some(&id) => id,
            None => {
                let id = self.df.len() as u32;
                self.stems.insert(stem.into_owned(), id);
                self.df.push(0);
                id
            }
        }
    }

    /// Approximate heap size in bytes (the word cache included).
    pub fn heap_bytes(&self) -> usize {
        let stems: usize = self.stems.keys().map(|k| k.capacity() + 24 + 4 + 1).sum();
        let words: usize = self.words.keys().map(|k| k.len() + 16 + 4 + 1).sum();
        let short = self.short.len() * (16 + 8 + 1);
        let front = self.front.capacity() * std::mem::size_of::<((u64, u64), u32)>();
        stems + words + short + front + self.df.capacity() * 4
    }

    fn idf(&self, term: u32) -> f32 {
        let df = self.df[term as usize] as f32;
        ((self.n_docs as f32 + 1.0) / (df + 0.5)).ln().max(0.05)
    }

    /// Reads an article, counts it into the document frequencies and returns
    /// its vectors weighted by the IDF known after counting it.
    pub fn features(&mut self, title: Option<&str>, body: &str, config: &TextConfig) -> Features {
        let mut terms: Vec<(u32, f32)> = Vec::new();
        let mut names: Vec<(u32, f32)> = Vec::new();
        let mut participants: Vec<(u32, f32)> = Vec::new();
        if let Some(title) = title {
            let (t, n, p) = (&mut terms, &mut names, &mut participants);
            self.scan(title, usize::MAX, config.title_boost, t, n, p);
        }
        self.scan(body, config.max_words, 1.0, &mut terms, &mut names, &mut participants);
        let terms = merge_counts(terms);
        let names = merge_counts(names);
        let participants = merge_counts(participants);
        self.n_docs += 1;
        for &(t, _) in &terms {
            self.df[t as usize] += 1;
        }
        // `x.powf(1.0)` is `x` exactly, and the names and (after the
        // warm-up) the topic weigh by the plain IDF: the call is skipped.
        let pow = |x: f32, p: f32| if p == 1.0 { x } else { x.powf(p) };
        let weigh = |pairs: Vec<(u32, f32)>, lex: &Lexicon, p: f32| -> Vec<(u32, f32)> {
            pairs.into_iter().map(|(t, tf)| (t, (1.0 + tf.ln()) * pow(lex.idf(t), p))).collect()
        };
        // Document frequencies from a handful of articles say little: a
        // word every one of them shares (the story's own subject) would get
        // no weight at all. The topic IDF exponent grows from the event one
        // to its own value over the first `topic_idf_warmup` articles.
        let read_names: Vec<u32> = participants.iter().map(|p| p.0).collect();
        let salient_names: Vec<u32> =
            participants.iter().filter(|p| p.1 >= 2.0).map(|p| p.0).collect();
        let warm = (self.n_docs as f32 / config.topic_idf_warmup.max(1) as f32).min(1.0);
        let topic_power = config.idf_power + (config.topic_idf_power - config.idf_power) * warm;
        Features {
            topic: SparseVec::from_weights(
                weigh(terms.clone(), self, topic_power),
                config.max_terms,
            ),
            terms: SparseVec::from_weights(weigh(terms, self, config.idf_power), config.max_terms),
            names: SparseVec::from_weights(
                weigh(names, self, config.name_idf_power),
                config.max_names,
            ),
            read_names,
            salient_names,
        }
    }

    /// Tokenises `text`: every content word goes to `terms`, capitalised ones
    /// that do not start a sentence also to `names`. One pass over the
    /// bytes: ASCII through a table, other characters decoded one by one;
    /// a word is lowercased as it is read, an ASCII word of up to 16 bytes
    /// straight into its [`short_key`] (in registers, where a string and a
    /// copy into the key cost a stall on every word). The words are read
    /// first and looked up after, the front memo for all of them in one
    /// loop without a branch on what it finds: those loads (often misses
    /// of the processor's caches) then overlap, where looking each word up
    /// as it was read waited on each in turn. The words the memo does not
    /// hold are then looked up in order, so stems are interned in the
    /// order they are read, as before.
    fn scan(
        &mut self,
        text: &str,
        max_words: usize,
        weight: f32,
        terms: &mut Vec<(u32, f32)>,
        names: &mut Vec<(u32, f32)>,
        participants: &mut Vec<(u32, f32)>,
    ) {
        let mut words = std::mem::take(&mut self.read);
        let mut long = std::mem::take(&mut self.long);
        words.clear();
        long.clear();
        read_words(text, max_words, &mut words, &mut long);
        // The front memo, every word at once (a vacant memo holds nothing).
        if let Some(front) = (!self.front.is_empty()).then_some(&self.front[..]) {
            for w in words.iter_mut() {
                let (k, id) = front[front_slot(w.key)];
                w.id = if k == w.key { id } else { MISS };
            }
        }
        // The rest, in reading order.
        for w in words.iter_mut().filter(|w| w.id == MISS) {
            w.id = match w.key {
                (LONG, i) => self.term(&long[i as usize]),
                key => self.term_past_front(key),
            };
        }
        // Whether a line is in title case is asked only when a participant
        // needs it, once per line.
        let mut title_case: Option<(usize, bool)> = None;
        for w in &words {
            if w.id == STOP {
                continue;
            }
            terms.push((w.id, weight));
            if w.flags & NAME != 0 {
                names.push((w.id, weight));
                // Participants are people, places and organisations named
                // in running text: not the capitals of a headline in title
                // case, not acronyms and abbreviations (time zones, TV, a
                // league), not months.
                if w.flags & PARTICIPANT != 0 {
                    let title = match title_case {
                        Some((line, title)) if line == w.line => title,
                        _ => {
                            let title = is_title_case(&text[w.line..]);
                            title_case = Some((w.line, title));
                            title
                        }
                    };
                    if !title {
                        participants.push((w.id, weight));
                    }
                }
            }
        }
        self.read = words;
        self.long = long;
    }
}

/// The words of `text` [`Lexicon::scan`] looks up, in order: each of at
/// least two characters among the first `max_words`, lowercased, with
/// whether it is a name and may be a participant.
fn read_words(text: &str, max_words: usize, words: &mut Vec<Word>, long: &mut Vec<String>) {
    let bytes = text.as_bytes();
    let mut lower = String::new();
    let mut sentence_start = true;
    let mut n_words = 0;
    let mut line = 0;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let c = if b < 0x80 { char::from(b) } else { next_char(text, i) };
        let alphanumeric =
            if b < 0x80 { ASCII_KIND[usize::from(b)] == WORD } else { c.is_alphanumeric() };
        if !alphanumeric {
            i += c.len_utf8();
            if (b < 0x80 && ASCII_KIND[usize::from(b)] == STOP_MARK) || c == '“' {
                sentence_start = true;
                if b == b'\n' {
                    line = i;
                }
            }
            continue;
        }
        // The word: the run of letters and digits from `start`, its ASCII
        // bytes lowercased into `key` (the first 16) as they are read.
        let start = i;
        let capital = c.is_uppercase();
        let mut all_caps = true;
        let mut ascii = true;
        let mut n_chars = 0;
        let mut key: u128 = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                if ASCII_KIND[usize::from(b)] != WORD {
                    break;
                }
                all_caps &= !b.is_ascii_lowercase();
                let at = i - start;
                if at < 16 {
                    key |= u128::from(b.to_ascii_lowercase()) << (8 * at);
                }
                i += 1;
            } else {
                let c = next_char(text, i);
                if !c.is_alphanumeric() {
                    break;
                }
                all_caps &= !c.is_lowercase();
                ascii = false;
                i += c.len_utf8();
            }
            n_chars += 1;
        }
        let at_start = std::mem::replace(&mut sentence_start, false);
        n_words += 1;
        if n_words > max_words {
            break;
        }
        if n_chars < 2 {
            continue;
        }
        // A word outside ASCII is lowercased as a string (a capital may
        // lowercase to more bytes, or fewer); so is a long word.
        let key = if ascii && i - start <= 16 {
            (key as u64, (key >> 64) as u64)
        } else {
            lower.clear();
            lower.extend(text[start..i].chars().flat_map(char::to_lowercase));
            short_key(&lower).unwrap_or_else(|| {
                long.push(lower.clone());
                (LONG, long.len() as u64 - 1)
            })
        };
        let mut flags = 0;
        if capital && (!at_start || (all_caps && i - start <= 5)) {
            flags |= NAME;
            if !all_caps && !is_month_key(key) {
                flags |= PARTICIPANT;
            }
        }
        words.push(Word { key, id: MISS, flags, line });
    }
}

/// [`is_month`] of a word by its key (a long word is no month).
fn is_month_key(key: (u64, u64)) -> bool {
    key.0 != LONG && is_month(key_word(&mut [0; 16], key))
}

/// The word a [`short_key`] holds, written out in `bytes`.
fn key_word(bytes: &mut [u8; 16], key: (u64, u64)) -> &str {
    bytes[..8].copy_from_slice(&key.0.to_le_bytes());
    bytes[8..].copy_from_slice(&key.1.to_le_bytes());
    let len = bytes.iter().position(|&b| b == 0).unwrap_or(16);
    std::str::from_utf8(&bytes[..len]).expect("a key holds a word")
}

/// The character at byte `i` of `text`, a char boundary.
fn next_char(text: &str, i: usize) -> char {
    text[i..].chars().next().unwrap_or(' ')
}

/// [`ASCII_KIND`] of a letter or digit.
const WORD: u8 = 1;
/// [`ASCII_KIND`] of a character after which a sentence starts (as after
/// `“`, the one such character outside ASCII).
const STOP_MARK: u8 = 2;

/// What each ASCII byte is to the tokeniser: part of a word, a mark after
/// which a sentence starts, or neither (0).
const ASCII_KIND: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            table[b] = WORD;
        } else if matches!(c, b'.' | b'!' | b'?' | b'\n' | b'"' | b':') {
            table[b] = STOP_MARK;
        }
        b += 1;
    }
    table
};

/// True for an English month name or its abbreviation, lowercased.
fn is_month(word: &str) -> bool {
    // A `match` compiles to a switch on the length and integer compares,
    // where a list of strings is a string compare per entry.
    matches!(
        word,
        "jan"
            | "january"
            | "feb"
            | "february"
            | "mar"
            | "march"
            | "apr"
            | "april"
            | "may"
            | "jun"
            | "june"
            | "jul"
            | "july"
            | "aug"
            | "august"
            | "sep"
            | "sept"
            | "september"
            | "oct"
            | "october"
            | "nov"
            | "november"
            | "dec"
            | "december"
    )
}

/// True when the line that `text` starts with is in title case (at least
/// half of its words of four letters or more after the first are
/// capitalised, and there are two or more): its capitals say nothing about
/// names.
///
/// One pass over the bytes, ASCII through [`ASCII_KIND`] and other
/// characters decoded, as [`Lexicon::scan`] reads: a line is often a whole
/// paragraph, and splitting it as a `str` decoded every character through
/// a closure (a quarter of the tokeniser's time). A word's length is
/// counted in bytes, as `str::len` counts it.
fn is_title_case(text: &str) -> bool {
    let bytes = text.as_bytes();
    let (mut long, mut capital) = (0usize, 0usize);
    // Words of four bytes or more so far, the first of which is skipped.
    let mut seen_first = false;
    // The current word: its first byte's index and whether it starts
    // with a capital, or `None` between words.
    let mut word: Option<(usize, bool)> = None;
    let mut i = 0;
    let mut end_word = |word: &mut Option<(usize, bool)>, at: usize| {
        if let Some((start, upper)) = word.take() {
            if at - start >= 4 {
                if seen_first {
                    long += 1;
                    capital += usize::from(upper);
                }
                seen_first = true;
            }
        }
    };
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'\n' {
            break;
        }
        let (alphanumeric, upper, len) = if b < 0x80 {
            (ASCII_KIND[usize::from(b)] == WORD, b.is_ascii_uppercase(), 1)
        } else {
            let c = next_char(text, i);
            (c.is_alphanumeric(), c.is_uppercase(), c.len_utf8())
        };
        if alphanumeric {
            word.get_or_insert((i, upper));
        } else {
            end_word(&mut word, i);
        }
        i += len;
    }
    end_word(&mut word, i);
    long >= 2 && 2 * capital >= long
}

/// Sums the weights of equal terms.
fn merge_counts(mut pairs: Vec<(u32, f32)>) -> Vec<(u32, f32)> {
    pairs.sort_unstable_by_key(|p| p.0);
    let mut out: Vec<(u32, f32)> = Vec::with_capacity(pairs.len());
    for (t, w) in pairs {
        match out.last_mut() {
            Some(last) if last.0 == t => last.1 += w,
            _ => out.push((t, w)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The tokeniser as it was before the byte-table pass, kept to check
    /// that the two agree.
    fn scan_reference(
        lex: &mut Lexicon,
        text: &str,
        max_words: usize,
        weight: f32,
        terms: &mut Vec<(u32, f32)>,
        names: &mut Vec<(u32, f32)>,
        participants: &mut Vec<(u32, f32)>,
    ) {
        let mut lower = String::new();
        let mut sentence_start = true;
        let mut n_words = 0;
        let mut rest = text;
        let mut title_case = is_title_case(rest);
        while let Some(start) = rest.find(|c: char| c.is_alphanumeric() || ".!?\n\"“:".contains(c))
        {
            rest = &rest[start..];
            let c = rest.chars().next().unwrap_or(' ');
            if !c.is_alphanumeric() {
                sentence_start = true;
                rest = &rest[c.len_utf8()..];
                if c == '\n' {
                    title_case = is_title_case(rest);
                }
                continue;
            }
            let end = rest.find(|c: char| !c.is_alphanumeric()).unwrap_or(rest.len());
            let word = &rest[..end];
            rest = &rest[end..];
            let capital = c.is_uppercase();
            let all_caps = word.chars().all(|c| !c.is_lowercase());
            let at_start = std::mem::replace(&mut sentence_start, false);
            n_words += 1;
            if n_words > max_words {
                break;
            }
            if word.chars().count() < 2 {
                continue;
            }
            lower.clear();
            lower.extend(word.chars().flat_map(char::to_lowercase));
            let id = lex.term(&lower);
            if id == STOP {
                continue;
            }
            terms.push((id, weight));
            if capital && (!at_start || (all_caps && word.len() <= 5)) {
                names.push((id, weight));
                // Participants are people, places and organisations named
                // in running text: not the capitals of a headline in title
                // case, not acronyms and abbreviations (time zones, TV, a
                // league), not months.
                if !title_case && !all_caps && !is_month(&lower) {
                    participants.push((id, weight));
                }
            }
        }
    }

    fn scanned(
        text: &str,
        max_words: usize,
        scan: impl Fn(
            &mut Lexicon,
            &str,
            usize,
            &mut Vec<(u32, f32)>,
            &mut Vec<(u32, f32)>,
            &mut Vec<(u32, f32)>,
        ),
    ) -> String {
        let mut lex = Lexicon::default();
        let (mut t, mut n, mut p) = (Vec::new(), Vec::new(), Vec::new());
        scan(&mut lex, text, max_words, &mut t, &mut n, &mut p);
        let mut stems: Vec<(&String, &u32)> = lex.stems.iter().collect();
        stems.sort();
        format!("{t:?} {n:?} {p:?} {stems:?}")
    }

    fn agree(text: &str, max_words: usize) {
        let fast = scanned(text, max_words, |l, s, m, t, n, p| l.scan(s, m, 1.0, t, n, p));
        let slow =
            scanned(text, max_words, |l, s, m, t, n, p| scan_reference(l, s, m, 1.0, t, n, p));
        assert_eq!(fast, slow, "{text:?}");
    }

    #[test]
    fn scan_agrees_with_the_reference_on_news_like_text() {
        agree("Ferry Strike Halts Crossings\nThe ferry crews of Calais walked out. \"Mr. Dupont\" said: \
               NATO and the EU met in Zürich; Ærø's mayor ÉLISE met İstanbul officials.\n\
               A Day Of Chaos In Dover\nIn March the ŞİRKET talks resumed “Maybe Jean” 42 times.", 200);
        agree("Short words a b C D. OK TV HBO", 3);
    }

    /// A word's term id as it was looked up before the front memo: no
    /// cache at all, the stem interned if new.
    fn term_reference(lex: &mut Lexicon, word: &str) -> u32 {
        if is_stopword(word) || word.bytes().all(|b| b.is_ascii_digit()) {
            return STOP;
        }
        let stem = stemmer().stem(word).into_owned();
        let next = lex.df.len() as u32;
        let id = *lex.stems.entry(stem).or_insert(next);
        if id == next {
            lex.df.push(0);
        }
        id
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// Through the front memo, the short-word map and the long-word
        /// map, a word gets the id it gets uncached, in a stream of some
        /// thousands of words (more than the memo has slots, so words
        /// evict each other), with repeats, stopwords, numbers, long words
        /// and the empty word.
        #[test]
        fn term_through_the_caches_is_term_uncached(
            picks in proptest::collection::vec(0usize..6000, 1..20000),
        ) {
            let word = |n: usize| match n % 7 {
                0 => String::new(),
                1 => ["the", "said", "2011", "of"][n % 4].to_string(),
                2 => format!("internationalisation{n}"),
                3 => format!("{n}"),
                _ => format!("w{n}ing"),
            };
            let (mut cached, mut plain) = (Lexicon::default(), Lexicon::default());
            for &n in &picks {
                let w = word(n);
                prop_assert_eq!(cached.term(&w), term_reference(&mut plain, &w), "{}", w);
            }
        }
    }

    /// `is_title_case` as it was before the byte pass.
    fn is_title_case_reference(text: &str) -> bool {
        let line = &text[..text.find('\n').unwrap_or(text.len())];
        let (mut long, mut capital) = (0, 0);
        for word in line.split(|c: char| !c.is_alphanumeric()).filter(|w| w.len() >= 4).skip(1) {
            long += 1;
            capital += usize::from(word.starts_with(char::is_uppercase));
        }
        long >= 2 && 2 * capital >= long
    }

    proptest! {
        /// The byte pass finds title case where splitting the line did,
        /// with words of mixed scripts, capitals outside ASCII, letters
        /// of two to four bytes and lines that end early.
        #[test]
        fn is_title_case_is_the_split_reference(
            text in "([A-Z][a-z]{0,6}|[a-z]{1,7}|[0-9]{1,5}|[ .,!?:\"\n'-]|[ÄäÉéİıŞşßÆæØø“”’–]|Ωμέγα|日本語|𝐀𝐁𝐂|\\PC){0,40}",
        ) {
            prop_assert_eq!(is_title_case(&text), is_title_case_reference(&text), "{:?}", text);
        }

        #[test]
        fn scan_agrees_with_the_reference(
            text in "([A-Za-z0-9]{1,8}|[ .,!?:\"\n']|[ÄäÉéİıŞşßÆæØø“”’–]|\\PC){0,60}",
            max_words in 0usize..40,
        ) {
            agree(&text, max_words);
        }
    }

    fn term_names(lex: &Lexicon, v: &SparseVec) -> Vec<String> {
        let mut by_id: Vec<(&String, &u32)> = lex.stems.iter().collect();
        by_id.sort_by_key(|p| p.1);
        let mut out: Vec<String> = v.0.iter().map(|p| by_id[p.0 as usize].0.clone()).collect();
        out.sort();
        out
    }

    #[test]
    fn stems_drops_stopwords_and_finds_names() {
        let mut lex = Lexicon::default();
        let text = "Rescuers searched the flooded valleys. Officials in Lisbon said rescuers \
                    would keep searching.";
        let f = lex.features(None, text, &TextConfig::default());
        expect_test::expect![[
            r#"["flood", "keep", "lisbon", "offici", "rescuer", "search", "valley"]"#
        ]]
        .assert_eq(&format!("{:?}", term_names(&lex, &f.terms)));
        expect_test::expect![[r#"["lisbon"]"#]]
            .assert_eq(&format!("{:?}", term_names(&lex, &f.names)));
    }

    #[test]
    fn document_frequency_lowers_weight_of_common_terms() {
        let mut lex = Lexicon::default();
        let config = TextConfig::default();
        lex.features(None, "harbour strike", &config);
        let f = lex.features(None, "harbour ferry", &config);
        let w = |word: &str| {
            let id = lex.stems[word];
            f.terms.0.iter().find(|p| p.0 == id).map(|p| p.1).unwrap_or(0.0)
        };
        assert!(w("ferri") > w("harbour"));
    }
}
