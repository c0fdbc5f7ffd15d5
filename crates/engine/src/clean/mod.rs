//! Clean: text repair for articles that arrive already stripped of HTML.
//!
//! Input: the raw article text. Output: [`Clean`] — the story text
//! (paragraphs separated by one blank line), an [`OffsetMap`] back into the
//! raw text, the title, the dateline prefix, the detected language, and the
//! fate of every raw line ([`Fate`]) so that nothing disappears unexplained
//! (the repaired lines in one buffer, [`Clean::repaired`]).
//! Method: repair each line's characters ([`normalize`]) into that buffer
//! and, in one pass over the repaired bytes while they are in the cache,
//! count the line's facts and hash its words; then classify the lines: chrome by whole-line patterns ([`chrome`]); the head block (short
//! lines before the first sentence) gives the title, section labels and
//! date/source lines; a footer starts at a strong footer marker; trailing
//! non-sentences are unrelated headlines; lines broken mid-sentence are
//! joined; a paragraph equal to or contained in another is a repeat (the
//! longer is kept). Conservative by construction: a line that reads as a
//! sentence is never dropped except as a repeat.

pub(crate) mod chrome;
mod dateline;
mod normalize;

use std::cell::RefCell;
use std::collections::hash_map::Entry;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;
use rustc_hash::FxHashMap;

pub use chrome::Chrome;
pub use normalize::OffsetMap;

/// Options for cleaning.
#[derive(Clone, Debug)]
pub struct CleanConfig {
    /// Detect the language of the clean text.
    pub detect_language: bool,
}

impl Default for CleanConfig {
    fn default() -> CleanConfig {
        CleanConfig { detect_language: true }
    }
}

/// What happened to a raw line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Fate {
    /// Empty.
    Blank,
    /// Kept as (the start of) a paragraph of the story.
    Body,
    /// Kept, joined to the paragraph before it (it was broken mid-sentence).
    Joined,
    /// The headline.
    Title,
    /// A date, dateline, byline or source line in the head: read by the
    /// metadata stage, not part of the text.
    Meta,
    /// A section or navigation label, or a subheading.
    Label,
    /// Site chrome.
    Chrome(Chrome),
    /// An unrelated headline after the end of the story.
    Headline,
    /// A paragraph equal to, or contained in, the paragraph on that line.
    Repeat(u32),
}

impl Fate {
    /// Lowercase name for dumps.
    pub fn name(self) -> String {
        match self {
            Fate::Blank => "blank".into(),
            Fate::Body => "body".into(),
            Fate::Joined => "joined".into(),
            Fate::Title => "title".into(),
            Fate::Meta => "meta".into(),
            Fate::Label => "label".into(),
            Fate::Chrome(c) => format!("chrome:{}", c.name()),
            Fate::Headline => "headline".into(),
            Fate::Repeat(of) => format!("repeat-of:L{of}"),
        }
    }
}

/// One raw line and what became of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number in the raw text.
    pub number: u32,
    /// Byte range of the line in the raw text.
    pub span: Range<usize>,
    /// Its fate.
    pub fate: Fate,
    /// Byte range of the repaired line (characters fixed, whitespace
    /// collapsed) in [`Clean::repaired`]; read it with [`Line::content`].
    pub repaired: Range<usize>,
}

impl Line {
    /// The repaired line (characters fixed, whitespace collapsed).
    pub fn content<'a>(&self, clean: &'a Clean) -> &'a str {
        &clean.repaired[self.repaired.clone()]
    }

    /// [`Line::content`] in the buffer of repaired lines itself.
    fn in_buf<'a>(&self, repaired: &'a str) -> &'a str {
        &repaired[self.repaired.clone()]
    }
}

/// The result of cleaning.
#[derive(Clone, Debug, PartialEq)]
pub struct Clean {
    /// The story text.
    pub text: String,
    /// Offsets in `text` back to the raw text.
    pub offsets: OffsetMap,
    /// The headline found in the head block.
    pub title: Option<String>,
    /// A dateline prefix cut from the first paragraph ("WASHINGTON (Reuters)").
    pub dateline: Option<String>,
    /// ISO 639-3 code of the language, when detected reliably.
    pub language: Option<String>,
    /// Every raw line with its fate.
    pub lines: Vec<Line>,
    /// Every line repaired, one after the other with nothing between
    /// (one buffer rather than a string per line); [`Line::content`] is a
    /// line's part.
    pub repaired: String,
}

impl Clean {
    /// The lines with a given fate.
    pub fn lines_with(&self, fate: Fate) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(move |l| l.fate == fate)
    }
}

/// Cleans raw article text. Deterministic and idempotent on its own output.
///
/// The working vectors (line facts, offset runs, word hashes, the repeat
/// tables) are kept between calls on a thread, so that cleaning article
/// after article allocates little besides its output.
pub fn clean(raw: &str, config: &CleanConfig) -> Clean {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let clean = clean_with(raw, config, &mut scratch);
            scratch.trim();
            clean
        }
        // Only when called from inside itself, which it never is.
        Err(_) => clean_with(raw, config, &mut Scratch::default()),
    })
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// The working vectors of one [`clean`] call, cleared before use.
#[derive(Default)]
struct Scratch {
    facts: Vec<LineFacts>,
    /// Every line's offset runs in one vector; `line_runs[i]..line_runs[i + 1]`
    /// are line i's.
    runs: Vec<(u32, u32)>,
    line_runs: Vec<u32>,
    /// Where each line's text starts (after a dateline).
    starts: Vec<usize>,
    words: RepeatWords,
    key_bytes: Vec<u8>,
    repeats: RepeatTables,
    paras: Paras,
}

impl Scratch {
    /// Lets go of vectors that a huge input (a 50 MB line) grew, so that a
    /// thread does not keep them for the rest of its life.
    fn trim(&mut self) {
        const MAX_BYTES: usize = 4 << 20;
        let bytes = self.runs.capacity() * 8
            + self.words.hashes.capacity() * 8
            + self.key_bytes.capacity()
            + self.paras.list.capacity() * std::mem::size_of::<Para>();
        if bytes > MAX_BYTES {
            *self = Scratch::default();
        }
    }
}

fn clean_with(raw: &str, config: &CleanConfig, scratch: &mut Scratch) -> Clean {
    let Scratch { facts, runs, line_runs, starts, words, key_bytes, repeats, paras } = scratch;
    let ptb = normalize::looks_ptb(raw);
    // Sized for news lines (about 125 bytes on average), so that most
    // articles grow none of these.
    let n_lines = raw.len() / 64 + 8;
    let mut lines = Vec::with_capacity(n_lines);
    let mut buf = String::with_capacity(raw.len() + 16);
    facts.clear();
    facts.reserve(n_lines);
    runs.clear();
    runs.reserve(raw.len() / 8 + 8);
    line_runs.clear();
    line_runs.reserve(n_lines + 1);
    line_runs.push(0);
    words.hashes.clear();
    words.hashes.reserve(raw.len() / 5);
    words.lines.clear();
    words.lines.reserve(n_lines);
    let mut offset = 0;
    // The pieces of `raw.split_inclusive('\n')`, found with memchr.
    let ends = memchr::memchr_iter(b'\n', raw.as_bytes()).map(|at| at + 1);
    let last = (!raw.ends_with('\n') && !raw.is_empty()).then_some(raw.len());
    for (i, end) in ends.chain(last).enumerate() {
        let piece = &raw[offset..end];
        let body = trim_line_end(piece);
        let from = buf.len();
        normalize::normalize_line(body, offset, ptb, runs, &mut buf);
        line_runs.push(runs.len() as u32);
        // The line's facts and repeat-key words while it is fresh in the
        // cache, in one pass over its bytes. Every line's words are hashed,
        // though only the kept lines' are compared: nearly every line is
        // kept, and a line's fate is known only once all are read.
        let first_word = words.hashes.len() as u32;
        facts.push(LineFacts::scan(&buf[from..], key_bytes, &mut words.hashes));
        words.lines.push(first_word..words.hashes.len() as u32);
        let fate = if buf.len() == from { Fate::Blank } else { Fate::Body };
        let (number, span) = (i as u32 + 1, offset..offset + body.len());
        lines.push(Line { number, span, fate, repaired: from..buf.len() });
        offset += piece.len();
    }
    starts.clear();
    starts.resize(lines.len(), 0);
    let facts = &facts[..];

    let repaired = buf.as_str();
    mark_chrome(&mut lines, facts, repaired);
    mark_joins(&mut lines, facts, repaired);
    paragraphs(&lines, facts, paras);
    let title = mark_head(&mut lines, paras, raw, repaired);
    let dateline = cut_dateline(&lines, starts, repaired);
    mark_footer(&mut lines, paras, repaired);
    // The line a dateline was cut from counts the words after it only.
    if let Some(i) = starts.iter().position(|&start| start > 0) {
        let from = words.hashes.len() as u32;
        key_words(&lines[i].in_buf(repaired)[starts[i]..], key_bytes, &mut words.hashes);
        words.lines[i] = from..words.hashes.len() as u32;
    }
    // Each rule below only drops paragraphs, and a drop can expose more
    // work for another (a repeat removed makes a new last paragraph), so
    // they run until nothing changes: then the text is a fixed point and
    // cleaning it again changes nothing.
    // A drop can also bring two lines together that a join now applies to,
    // so joins and paragraphs are found again on each round.
    // Every change takes a `Body` line (and its joined lines) out, so
    // counting them tells whether a rule changed anything.
    // The repeat search and the joins each change nothing when run again
    // on their own result (a kept paragraph was compared with every other
    // kept one; a join leaves the kept lines kept): so a round whose edges
    // change nothing after a round whose joins changed nothing would
    // change nothing, and is not run (it was the whole second round of
    // most articles that have one, a repeat found in the first).
    let n_body = |lines: &[Line]| lines.iter().filter(|l| l.fate == Fate::Body).count();
    let mut joined = true;
    loop {
        let n_kept = n_body(&lines);
        mark_edges(&mut lines, paras);
        let n_edged = n_body(&lines);
        if !joined && n_edged == n_kept {
            break;
        }
        mark_repeats(&mut lines, words, repeats);
        let n_repeated = n_body(&lines);
        mark_joins(&mut lines, facts, repaired);
        let n_joined = n_body(&lines);
        if n_joined == n_kept {
            break;
        }
        joined = n_joined != n_repeated;
        paragraphs(&lines, facts, paras);
    }

    let (text, offsets) = assemble(&lines, runs, line_runs, starts, repaired);
    let language = if config.detect_language { detect_language(&text) } else { None };
    Clean { text, offsets, title, dateline, language, lines, repaired: buf }
}

/// Cheap facts about a line, computed once.
struct LineFacts {
    n_words: usize,
    /// Ends with sentence punctuation.
    terminal: bool,
    n_commas: usize,
    /// For an ASCII line, whether it holds an "@" (chrome's marks: see
    /// [`chrome::classify_known`]); `None` for a line with other chars.
    ascii_at: Option<bool>,
}

impl LineFacts {
    /// The facts of a repaired line, and the hashes of its repeat-key
    /// words appended to `hashes` (see [`key_words`]): one pass over the
    /// bytes counts spaces and commas and writes the key bytes together
    /// ([`scan_ascii`]); then the words are read from the key bytes.
    fn scan(content: &str, scratch: &mut Vec<u8>, hashes: &mut Vec<u64>) -> LineFacts {
        if content.is_empty() {
            return LineFacts { n_words: 0, terminal: false, n_commas: 0, ascii_at: Some(false) };
        }
        let bytes = content.as_bytes();
        // `scan_ascii` writes every key byte of the line: only the [`PAD`]
        // zeros after them are written here (was: the whole buffer zeroed
        // first, line after line).
        scratch.resize(bytes.len() + PAD, 0);
        scratch[bytes.len()..].fill(0);
        let counts = scan_ascii(bytes, &mut scratch[..bytes.len() + 16]);
        let n = if !counts.ascii {
            key_bytes(content, scratch)
        } else if counts.apostrophe {
            close_apostrophes(bytes, scratch)
        } else {
            bytes.len()
        };
        hash_words(scratch, n, counts.ascii, hashes);
        // Repaired lines are trimmed and hold single spaces only.
        let last = last_char(content);
        let terminal =
            matches!(last, Some('.' | '!' | '?' | '"' | '\'' | ')' | ':' | ';' | '…' | '»'));
        let ascii_at = counts.ascii.then_some(counts.at);
        LineFacts { n_words: counts.spaces + 1, terminal, n_commas: counts.commas, ascii_at }
    }
}

/// A raw line without the line feeds and carriage returns at its end:
/// `trim_end_matches(['\n', '\r'])` on the bytes (both are ASCII, no
/// other char holds their bytes), which the char pattern's searcher did
/// at several times the cost.
fn trim_line_end(piece: &str) -> &str {
    let bytes = piece.as_bytes();
    let mut end = bytes.len();
    while end > 0 && matches!(bytes[end - 1], b'\n' | b'\r') {
        end -= 1;
    }
    &piece[..end]
}

/// `content.trim_end().chars().last()`, read from the last byte when it
/// is an ASCII char other than whitespace (nearly every line: a repaired
/// line is trimmed), else as written (a char decoded backwards, and
/// Unicode's whitespace tested, on every line).
fn last_char(content: &str) -> Option<char> {
    match content.as_bytes().last() {
        Some(&b) if b.is_ascii() && !char::from(b).is_whitespace() => Some(char::from(b)),
        _ => content.trim_end().chars().last(),
    }
}

/// What [`scan_ascii`] counted.
struct Counts {
    spaces: usize,
    commas: usize,
    /// Every byte is ASCII.
    ascii: bool,
    /// Some byte is an apostrophe.
    apostrophe: bool,
    /// Some byte is an "@".
    at: bool,
}

/// The key byte of an ASCII byte: a letter lowercased, a digit as it is,
/// anything else 0. Arithmetic rather than a table, so that the compiler
/// does sixteen bytes at a time.
fn key_byte(c: u8) -> u8 {
    let lower = c | 0x20;
    let letter = if lower.wrapping_sub(b'a') < 26 { lower } else { 0 };
    let digit = if c.wrapping_sub(b'0') < 10 { c } else { 0 };
    letter | digit
}

/// One pass over a line's bytes: counts its spaces and commas, tells
/// whether it is all ASCII and holds an apostrophe, and writes each byte's
/// [`key_byte`] to `key` (sixteen bytes longer than `bytes`; those may be
/// written with zeros). Sixteen lanes of byte counters, added up every 255
/// chunks before they could overflow, with no branch per byte: the
/// compiler turns the inner loop into vector compares.
/// The last bytes of the line are the end of its last sixteen, the bytes
/// before them (already counted) masked to zeros for the counters (a zero
/// byte counts for nothing) and their key bytes written again, the same;
/// a line shorter than sixteen goes through the lanes in a copy padded
/// with zeros (which key to 0). Was: every line's last bytes copied into a
/// padded chunk and their key bytes copied back, two `memcpy` calls.
fn scan_ascii(bytes: &[u8], key: &mut [u8]) -> Counts {
    const BLOCK: usize = 16 * 255;
    let mut counts = Counts { spaces: 0, commas: 0, ascii: true, apostrophe: false, at: false };
    let (mut high, mut quote) = (0u8, 0u8);
    for (block, key) in bytes.chunks(BLOCK).zip(key.chunks_mut(BLOCK)) {
        let mut lanes = Lanes::default();
        let mut chunks = block.chunks_exact(16);
        let mut keys = key.chunks_exact_mut(16);
        for (chunk, key) in (&mut chunks).zip(&mut keys) {
            lanes.add(chunk.try_into().expect("16 bytes"), key.try_into().expect("16 bytes"));
        }
        // Only the last block has a remainder, and fewer than 255 chunks
        // before it: its last chunk cannot overflow a counter.
        let rest = chunks.remainder();
        let n = block.len();
        if !rest.is_empty() && n >= 16 {
            let last: &[u8; 16] = block[n - 16..].try_into().expect("16 bytes");
            let keep = &TAIL[rest.len()..rest.len() + 16];
            let mut chunk = [0u8; 16];
            for i in 0..16 {
                chunk[i] = last[i] & keep[i];
            }
            lanes.count(&chunk);
            write_keys(last, (&mut key[n - 16..n]).try_into().expect("16 bytes"));
        } else if !rest.is_empty() {
            // `key` has sixteen bytes from the block's start: `n` and the
            // sixteen after `bytes`.
            let mut chunk = [0u8; 16];
            chunk[..n].copy_from_slice(rest);
            lanes.add(&chunk, (&mut key[..16]).try_into().expect("16 bytes"));
        }
        counts.spaces += lanes.spaces.iter().map(|&n| usize::from(n)).sum::<usize>();
        counts.commas += lanes.commas.iter().map(|&n| usize::from(n)).sum::<usize>();
        high |= lanes.high.iter().fold(0, |a, &b| a | b);
        quote |= lanes.quote.iter().fold(0, |a, &b| a | b);
    }
    counts.ascii = high < 0x80;
    counts.apostrophe = quote & 1 != 0;
    counts.at = quote & 2 != 0;
    counts
}

/// The sixteen byte lanes of [`scan_ascii`].
#[derive(Default)]
struct Lanes {
    spaces: [u8; 16],
    commas: [u8; 16],
    high: [u8; 16],
    quote: [u8; 16],
}

impl Lanes {
    /// Counts sixteen bytes and writes their key bytes.
    #[inline(always)]
    fn add(&mut self, chunk: &[u8; 16], key: &mut [u8; 16]) {
        self.count(chunk);
        write_keys(chunk, key);
    }

    /// Counts sixteen bytes.
    #[inline(always)]
    fn count(&mut self, chunk: &[u8; 16]) {
        for (i, &c) in chunk.iter().enumerate() {
            self.spaces[i] += u8::from(c == b' ');
            self.commas[i] += u8::from(c == b',');
            self.high[i] |= c;
            // Bit 0: an apostrophe; bit 1: an "@".
            self.quote[i] |= u8::from(c == b'\'') | u8::from(c == b'@') << 1;
        }
    }
}

/// Writes the [`key_byte`] of sixteen bytes.
#[inline(always)]
fn write_keys(chunk: &[u8; 16], key: &mut [u8; 16]) {
    for i in 0..16 {
        key[i] = key_byte(chunk[i]);
    }
}

/// Sixteen zeros then sixteen 0xff: from `16 - k` on, the mask that keeps
/// the last `k` bytes of sixteen.
static TAIL: [u8; 32] = {
    let mut tail = [0u8; 32];
    let mut i = 16;
    while i < 32 {
        tail[i] = 0xff;
        i += 1;
    }
    tail
};

fn mark_chrome(lines: &mut [Line], facts: &[LineFacts], repaired: &str) {
    let mut after_address = false;
    for (line, f) in lines.iter_mut().zip(facts) {
        if line.fate == Fate::Blank {
            continue;
        }
        if after_address && f.n_words <= 15 {
            line.fate = Fate::Chrome(Chrome::Contact);
            after_address = false;
            continue;
        }
        let content = line.in_buf(repaired);
        if let Some(kind) = chrome::classify_known(content, f.n_words, f.ascii_at) {
            after_address = kind == Chrome::Contact && content.trim_end().ends_with(':');
            line.fate = Fate::Chrome(kind);
        }
    }
}

static DATE_LIKE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b\d{1,2}:\d{2}(\s*[ap]\.?m\.?)?\b|\b(gmt|utc|[ecmp][sd]t|cet|cest|msk|updated|published|posted|last)\b|[|/·•,:–—-]")
        .expect("date-like regex")
});

/// A head line that holds a date and little else: a dateline, a
/// publication stamp, or a source line ("The Wall Street Journal, 05 October 2016").
fn is_meta_line(content: &str) -> bool {
    let content = content.trim_start_matches(['-', '*', '•', ' ']);
    let found = crate::dates::find_dates(content);
    if found.is_empty() {
        return is_byline(content);
    }
    let mut rest = String::new();
    let mut at = 0;
    for d in &found {
        rest.push_str(&content[at..d.span.start]);
        rest.push(' ');
        at = d.span.end;
    }
    rest.push_str(&content[at..]);
    DATE_LIKE.replace_all(&rest, " ").split_whitespace().count() <= 6
}

static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:by|von|par|por|di)\s+\p{Lu}[\p{L}.'-]*(\s+\p{Lu}[\p{L}.'-]*){0,3}(\s*(,|and|&)\s*\p{Lu}[\p{L}.'-]*(\s+\p{Lu}[\p{L}.'-]*){0,3})*$")
        .expect("byline regex")
});

fn is_byline(content: &str) -> bool {
    BYLINE.is_match(content.trim())
}

/// The paragraphs of an article, kept in the scratch between articles
/// with their `Joined` lines in one vector (was: a vector of paragraphs
/// and one for each paragraph with joined lines, allocated on every round).
#[derive(Default)]
struct Paras {
    list: Vec<Para>,
    /// Every paragraph's `Joined` lines, one paragraph's after another's.
    joined: Vec<usize>,
}

impl Paras {
    /// The indexes of the `Joined` lines of `para`.
    fn joined(&self, para: &Para) -> &[usize] {
        &self.joined[para.joined.clone()]
    }

    /// Gives every line of `para` the fate `fate`.
    fn set_fate(&self, lines: &mut [Line], para: &Para, fate: Fate) {
        lines[para.first].fate = fate;
        for &j in self.joined(para) {
            lines[j].fate = fate;
        }
    }
}

/// A paragraph: a `Body` line and the `Joined` lines after it.
struct Para {
    /// Index of the `Body` line.
    first: usize,
    /// Where the indexes of its `Joined` lines are in [`Paras::joined`].
    joined: Range<usize>,
    n_words: usize,
    n_commas: usize,
    /// Ends like a sentence, or is too long or busy to be anything else.
    sentence: bool,
}

/// Finds the paragraphs of `lines` into `paras`.
fn paragraphs(lines: &[Line], facts: &[LineFacts], paras: &mut Paras) {
    let Paras { list, joined } = paras;
    list.clear();
    joined.clear();
    // Sized once: at most one paragraph a line (growing it cost more than
    // finding the paragraphs).
    list.reserve(lines.len());
    for (i, line) in lines.iter().enumerate() {
        match line.fate {
            Fate::Body => list.push(Para {
                first: i,
                joined: joined.len()..joined.len(),
                n_words: 0,
                n_commas: 0,
                sentence: false,
            }),
            Fate::Joined => match list.last_mut() {
                // The last paragraph's joined lines are the last ones.
                Some(p) => {
                    joined.push(i);
                    p.joined.end = joined.len();
                }
                None => continue,
            },
            _ => continue,
        }
        let p = list.last_mut().expect("a paragraph was just pushed");
        p.n_words += facts[i].n_words;
        p.n_commas += facts[i].n_commas;
        // Headlines are short and rarely hold two commas; anything longer
        // or busier is prose even when its final stop was lost.
        p.sentence = facts[i].terminal || p.n_words > 20 || (p.n_words > 8 && p.n_commas >= 2);
    }
}

/// The head block: the paragraphs before the first sentence. Its short
/// lines are the title (a Markdown heading, else the first of four words
/// or more, else the longest of three), labels, and meta lines. Returns
/// the title.
fn mark_head(lines: &mut [Line], paras: &Paras, raw: &str, repaired: &str) -> Option<String> {
    let first_sentence = paras.list.iter().position(|p| p.sentence)?;
    let mut best: Option<(usize, (bool, bool, usize))> = None;
    for para in &paras.list[..first_sentence] {
        let i = para.first;
        if para.joined.is_empty() && is_meta_line(lines[i].in_buf(repaired)) {
            lines[i].fate = Fate::Meta;
            continue;
        }
        paras.set_fate(lines, para, Fate::Label);
        let heading = raw[lines[i].span.clone()].trim_start().starts_with('#');
        // Section labels are one to three words; the headline is the first longer line.
        let rank = (heading, para.n_words >= 4, if para.n_words >= 4 { 0 } else { para.n_words });
        if para.joined.is_empty() && para.n_words >= 3 && best.is_none_or(|(_, r)| rank > r) {
            best = Some((i, rank));
        }
    }
    let (i, _) = best?;
    lines[i].fate = Fate::Title;
    Some(lines[i].in_buf(repaired).to_string())
}

/// Cuts a dateline prefix ("WASHINGTON (Reuters) - ", "AKIPRESS.COM - ")
/// from the first paragraph, with the lowercase tag words some sites put
/// right after it. Returns the dateline.
fn cut_dateline(lines: &[Line], starts: &mut [usize], repaired: &str) -> Option<String> {
    let i = lines.iter().position(|l| l.fate == Fate::Body)?;
    let content = lines[i].in_buf(repaired);
    let (head_end, text_start) = dateline::find(content)?;
    let head = content[..head_end].trim();
    // A dateline is mostly capitals: "AKIPRESS.COM", "WASHINGTON (Reuters)".
    let letters: Vec<char> =
        head.chars().take_while(|&c| c != '(').filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 || letters.iter().any(|c| c.is_lowercase()) {
        return None;
    }
    starts[i] = text_start;
    Some(head.to_string())
}

fn starts_lowercase(content: &str) -> bool {
    content.chars().next().is_some_and(char::is_lowercase)
}

/// Joins lines broken mid-sentence: a kept line that does not end with
/// sentence punctuation, then one that starts in lowercase, whatever was
/// dropped between.
fn mark_joins(lines: &mut [Line], facts: &[LineFacts], repaired: &str) {
    let mut prev: Option<usize> = None;
    for (i, line) in lines.iter_mut().enumerate() {
        match line.fate {
            Fate::Body => {
                if prev.is_some_and(|p| !facts[p].terminal)
                    && starts_lowercase(line.in_buf(repaired))
                {
                    line.fate = Fate::Joined;
                }
            }
            Fate::Joined => {}
            _ => continue,
        }
        prev = Some(i);
    }
}

/// A footer starts at a strong footer marker once the story has begun;
/// everything short after it is chrome.
fn mark_footer(lines: &mut [Line], paras: &Paras, repaired: &str) {
    let list = &paras.list;
    let mut seen_sentence = false;
    let mut k = 0;
    for i in 0..lines.len() {
        while k < list.len() && list[k].first < i {
            k += 1;
        }
        if k < list.len() && list[k].first == i && list[k].sentence {
            seen_sentence = true;
        }
        if let Fate::Chrome(c) = lines[i].fate {
            if c.starts_footer(lines[i].in_buf(repaired)) && seen_sentence {
                for para in list.iter().filter(|p| p.first > i && p.n_words <= 30) {
                    paras.set_fate(lines, para, Fate::Chrome(Chrome::Navigation));
                }
                return;
            }
        }
    }
}

/// Kept non-sentences before the first kept sentence are labels. After the
/// last sentence, non-sentences that follow a line of chrome (a social
/// plug, a footer) are unrelated headlines; without chrome between, they
/// may be the story's last line that lost its final stop, and stay.
///
/// A paragraph is kept while its `Body` line is, and its fate changes
/// only its own lines: so whether one is kept can be asked as it is reached
/// (was: the kept ones collected in a vector first).
fn mark_edges(lines: &mut [Line], paras: &Paras) {
    let kept = |lines: &[Line], p: &Para| lines[p.first].fate == Fate::Body;
    let list = &paras.list;
    let Some(first) = list.iter().position(|p| kept(lines, p) && p.sentence) else { return };
    let last = list.iter().rposition(|p| kept(lines, p) && p.sentence).unwrap_or(first);
    for para in &list[..first] {
        if kept(lines, para) {
            paras.set_fate(lines, para, Fate::Label);
        }
    }
    let story_end = paras.joined(&list[last]).last().copied().unwrap_or(list[last].first);
    for para in &list[last + 1..] {
        if !kept(lines, para) {
            continue;
        }
        let chrome_between =
            lines[story_end + 1..para.first].iter().any(|l| matches!(l.fate, Fate::Chrome(_)));
        if chrome_between {
            paras.set_fate(lines, para, Fate::Headline);
        }
    }
}

/// The words of every line, for repeat detection, hashed (only the kept
/// lines' words are compared).
#[derive(Default)]
struct RepeatWords {
    /// Word hashes of every line, line after line.
    hashes: Vec<u64>,
    /// The range of `hashes` of each line.
    lines: Vec<Range<u32>>,
}

/// The tables of [`mark_repeats`], kept between articles.
#[derive(Default)]
struct RepeatTables {
    /// Each kept paragraph's first line and range of [`RepeatWords::hashes`].
    keys: Vec<(usize, Range<usize>)>,
    first_seen: FxHashMap<u64, usize>,
    repeat_of: Vec<Option<usize>>,
    needles: FxHashMap<u64, (usize, usize)>,
    next_needle: Vec<usize>,
    /// Whether another needle has the same first trigram as this one.
    shared: Vec<bool>,
}

/// How a byte counts in a repeat key: a letter or digit stands for itself
/// in lowercase, an apostrophe for nothing (`we're` is `were`), anything
/// else (0) ends a word.
static KEY_BYTE: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() {
            table[c] = b.to_ascii_lowercase();
        } else if b == b'\'' {
            table[c] = 1;
        }
        c += 1;
    }
    table
};

fn fold_word(h: u64, word: u64) -> u64 {
    (h.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95)
}

/// Appends the hashes of the words of `text` for repeat detection: runs of
/// letters and digits, lowercased, apostrophes and punctuation not
/// counting. Two paragraphs repeat each other when their word hashes are
/// equal (64-bit hashes of the lowercased words: two different words of an
/// article sharing one is a chance of about 2^-44 at most; two different
/// words of eight bytes or less never share one).
///
/// Two steps, so that no step branches on every byte: the key bytes of
/// the line are written to `scratch` (other bytes as 0), then the words
/// are found from a bit mask of the nonzero bytes and hashed eight bytes
/// at a time, each eight folded in with one multiply ([`hash_words`]).
fn key_words(text: &str, scratch: &mut Vec<u8>, out: &mut Vec<u64>) {
    let ascii = text.is_ascii();
    let n =
        if ascii { key_bytes_ascii(text.as_bytes(), scratch) } else { key_bytes(text, scratch) };
    hash_words(scratch, n, ascii, out);
}

/// The zero bytes after a line's key bytes: [`hash_words`] reads a line
/// in blocks of 64 bytes and the sixteen after each (a word's hash reads
/// sixteen bytes from its start), the last block starting before the end.
const PAD: usize = 80;

/// The second step of [`key_words`]: `scratch[..n]` holds the key bytes
/// of a line, words between runs of zero bytes, followed by at least
/// [`PAD`] zero bytes; appends the hash of each word to `out`: its bytes
/// eight at a time, the last eight cut to the word, each folded in with
/// one multiply ([`fold_word`]).
///
/// The words are found in a bit mask of the nonzero bytes, 64 bytes at a
/// time: a word starts at a set bit after a clear one, and its length is
/// the run of set bits from there. Every word up to sixteen bytes (nearly
/// every word) then takes the same steps, with no branch on its length:
/// reading the bytes word by word until a zero byte branched once a word,
/// unpredictably, and mispredicted about once a word.
fn hash_words(scratch: &[u8], n: usize, ascii: bool, out: &mut Vec<u64>) {
    if ascii {
        hash_words_in::<true>(scratch, n, out);
    } else {
        hash_words_in::<false>(scratch, n, out);
    }
}

/// [`hash_words`], with `ASCII` when every key byte is below 0x80 (a
/// cheaper test of nonzero bytes).
fn hash_words_in<const ASCII: bool>(scratch: &[u8], n: usize, out: &mut Vec<u64>) {
    let buf = &scratch[..n + PAD];
    // Bit i set when byte `base + i` is nonzero (in a word).
    let mask_at = |base: usize| {
        if base >= n {
            return 0;
        }
        nonzero_mask::<ASCII>(buf[base..base + 64].try_into().expect("64 bytes"))
    };
    // At most a word every two bytes: no push below grows the vector.
    out.reserve(n / 2 + 1);
    let mut mask = mask_at(0);
    // Whether the last byte of the block before was in a word.
    let mut carry = 0u64;
    let mut base = 0;
    while base < n {
        let next = mask_at(base + 64);
        // The block and the sixteen bytes after it, read by the words
        // that start in it (one bounds check, not one a word).
        let bytes: &[u8; 80] = buf[base..base + 80].try_into().expect("80 bytes");
        let mut starts = mask & !((mask << 1) | carry);
        carry = mask >> 63;
        while starts != 0 {
            let bit = starts.trailing_zeros();
            starts &= starts - 1;
            let len = run_len(mask, next, bit);
            let at = bit as usize;
            out.push(if len > 16 {
                long_word_hash(buf, base + at)
            } else {
                word_hash(bytes[at..at + 16].try_into().expect("16 bytes"), len)
            });
        }
        mask = next;
        base += 64;
    }
}

/// Bit i set when byte i of `block` is nonzero. Each eight's bits go in at
/// the top, the earlier ones moving down: a chain, which the compiler does
/// not vectorize (a sum of shifted terms it did, emulating the multiplies
/// lane by lane).
#[inline(always)]
fn nonzero_mask<const ASCII: bool>(block: &[u8; 64]) -> u64 {
    let mut mask = 0u64;
    for eight in block.chunks_exact(8) {
        let eight = u64::from_le_bytes(eight.try_into().expect("8 bytes"));
        mask = (mask >> 8) | nonzero_top::<ASCII>(eight);
    }
    mask
}

/// How many set bits run from bit `bit` of a block's `mask` on, into the
/// next block's `next`: the length of the word that starts there. The 64
/// bits from the word's start are this block's then the next's (shifted in
/// two steps: by 64 when `bit` is 0 is no shift).
#[inline(always)]
fn run_len(mask: u64, next: u64, bit: u32) -> u32 {
    let run = (mask >> bit) | ((next << 1) << (63 - bit));
    (!run).trailing_zeros()
}

/// Bit 56 + k set when byte k of `x` is nonzero, the lower bits 0: each
/// byte's high bit is set by adding 0x7f to its low seven bits (no carry
/// leaves a byte; with `ASCII`, bytes below 0x80, to the whole byte), then
/// the eight high bits are gathered into the top byte by one multiply (the
/// partial products never overlap, so no carry).
fn nonzero_top<const ASCII: bool>(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let high = if ASCII { (x + LOW7) & !LOW7 } else { (x | ((x & LOW7) + LOW7)) & !LOW7 };
    high.wrapping_mul(0x0002_0408_1020_4081) & 0xff00_0000_0000_0000
}

/// The hash of the word of `len` bytes, 1 to 16, at the start of
/// `sixteen`: its eights folded in, the last one cut to the word. Both
/// eights are folded and the one that ends the word picked, so that no
/// branch depends on the length.
fn word_hash(sixteen: &[u8; 16], len: u32) -> u64 {
    let (a, b) = sixteen.split_at(8);
    let a = u64::from_le_bytes(a.try_into().expect("8 bytes"));
    let b = u64::from_le_bytes(b.try_into().expect("8 bytes"));
    // The first eight cut to the word's bytes (all of it from eight on),
    // the second to the bytes after eight (what it keeps when the word is
    // eight bytes or less does not matter: it is not picked). The masks
    // are looked up: computing them from the length took eight
    // instructions a word, the lookups two loads.
    let (low, high) = WORD_MASKS[len as usize];
    let first = fold_word(0, a & low);
    let second = fold_word(first, b & high);
    if len > 8 {
        second
    } else {
        first
    }
}

/// For a word of `len` bytes, 0 to 16: the masks of its bytes in its
/// first eight and in its second eight (all ones from eight on in the
/// first; the second's mask for eight or less is never used).
static WORD_MASKS: [(u64, u64); 17] = {
    let mut masks = [(0, 0); 17];
    let mut len = 0;
    while len <= 16 {
        let low = if len >= 8 { u64::MAX } else { !(u64::MAX << (8 * len)) };
        let high = if len <= 8 { 0 } else { u64::MAX >> (128 - 8 * len) };
        masks[len] = (low, high);
        len += 1;
    }
    masks
};

/// The hash of the word of more than sixteen bytes at `at` in `buf`, its
/// end found here ([`word_hash`] for longer words).
#[cold]
fn long_word_hash(buf: &[u8], at: usize) -> u64 {
    let end = at + memchr::memchr(0, &buf[at..]).expect("zeros after the words");
    let eight_at = |at: usize| u64::from_le_bytes(buf[at..at + 8].try_into().expect("8 bytes"));
    let mut h = 0;
    let mut from = at;
    while end - from > 8 {
        h = fold_word(h, eight_at(from));
        from += 8;
    }
    fold_word(h, eight_at(from) & (u64::MAX >> (64 - 8 * (end - from))))
}

/// The key bytes of an ASCII line into `scratch`: each letter or digit
/// lowercased, apostrophes dropped, any other byte a 0; then zeros.
/// Returns the length of the words part. Every byte is mapped with no
/// branch and no dependency from one byte to the next ([`key_byte`]); then
/// the apostrophes, if any, are closed up.
fn key_bytes_ascii(bytes: &[u8], scratch: &mut Vec<u8>) -> usize {
    scratch.clear();
    scratch.resize(bytes.len() + PAD, 0);
    for (key, &c) in scratch.iter_mut().zip(bytes) {
        *key = key_byte(c);
    }
    close_apostrophes(bytes, scratch)
}

/// Closes up the apostrophes of an ASCII line in its key bytes
/// (`scratch`, as long as the line and [`PAD`] zeros): the bytes after each are
/// moved back over it, zeros fill the end. Returns the length of the
/// words part.
///
/// The bytes before the first apostrophe stay where they are (was: moved
/// onto themselves, a `memmove` call on most lines of Treebank text,
/// whose closing quotes are two apostrophes).
fn close_apostrophes(bytes: &[u8], scratch: &mut [u8]) -> usize {
    let buf = scratch;
    let Some(first) = memchr::memchr(b'\'', bytes) else { return bytes.len() };
    let mut j = first;
    let mut from = first + 1;
    for at in memchr::memchr_iter(b'\'', &bytes[from..]).map(|at| at + first + 1) {
        buf.copy_within(from..at, j);
        j += at - from;
        from = at + 1;
    }
    buf.copy_within(from..bytes.len(), j);
    j += bytes.len() - from;
    buf[j..bytes.len()].fill(0);
    j
}

/// [`key_bytes_ascii`] for a line with other characters: letters and
/// digits of any script, lowercased, in UTF-8.
fn key_bytes(text: &str, scratch: &mut Vec<u8>) -> usize {
    scratch.clear();
    for ch in text.chars() {
        if ch.is_ascii() {
            match KEY_BYTE[ch as usize] {
                1 => {}
                class => scratch.push(class),
            }
        } else if ch.is_alphanumeric() {
            let mut buf = [0u8; 4];
            for lower in ch.to_lowercase() {
                scratch.extend_from_slice(lower.encode_utf8(&mut buf).as_bytes());
            }
        } else {
            scratch.push(0);
        }
    }
    let n = scratch.len();
    scratch.extend_from_slice(&[0; PAD]);
    n
}

/// Marks paragraphs with the same words as an earlier one, or whose words
/// run inside a longer one (six words or more), as repeats; the first, or
/// the longer, is kept.
///
/// A paragraph's words are a range of `words.hashes`: most paragraphs are
/// one line, or lines whose words lie one after the other there, and need
/// no copy (copying every kept word was about a tenth of the repeat
/// search's time). The words of a paragraph whose lines do not (a line dropped
/// between them, or a dateline's words hashed again at the end) are
/// copied after all the lines' words, and taken off again at the end.
fn mark_repeats(lines: &mut [Line], words: &mut RepeatWords, tables: &mut RepeatTables) {
    let RepeatTables { keys, first_seen, repeat_of, needles, next_needle, shared } = tables;
    let n_hashes = words.hashes.len();
    keys.clear();
    // Whether the last paragraph's words are a copy at the end of `hashes`.
    let mut copied = false;
    for (i, line) in lines.iter().enumerate() {
        let own = words.lines[i].start as usize..words.lines[i].end as usize;
        match line.fate {
            Fate::Body => {
                keys.push((i, own));
                copied = false;
            }
            Fate::Joined => {
                let Some((_, key)) = keys.last_mut() else { continue };
                if own.is_empty() {
                    // No words to add.
                } else if !copied && key.end == own.start {
                    // The line's words follow the paragraph's in place.
                    key.end = own.end;
                } else {
                    if !copied {
                        // The paragraph so far goes to the end.
                        let start = words.hashes.len();
                        words.hashes.extend_from_within(key.clone());
                        *key = start..words.hashes.len();
                        copied = true;
                    }
                    // The copied paragraph is the last thing in `hashes`.
                    words.hashes.extend_from_within(own);
                    key.end = words.hashes.len();
                }
            }
            _ => {}
        }
    }
    let hashes = &words.hashes[..];
    let key = |k: usize| &hashes[keys[k].1.clone()];
    // Equal paragraphs: keyed by a hash of their words, checked word by word.
    empty_sized(first_seen, keys.len());
    repeat_of.clear();
    repeat_of.resize(keys.len(), None);
    for (k, of) in repeat_of.iter_mut().enumerate() {
        let words = key(k);
        if words.is_empty() {
            continue;
        }
        let hash = paragraph_hash(words);
        match first_seen.entry(hash) {
            Entry::Occupied(first) => {
                let first = *first.get();
                // Another paragraph with the same hash is a chance of 2^-64:
                // then the first equal one is looked for word by word.
                let first = if key(first) == words {
                    Some(first)
                } else {
                    (0..k).find(|&j| key(j) == words)
                };
                *of = first.map(|j| keys[j].0);
            }
            Entry::Vacant(slot) => {
                slot.insert(k);
            }
        }
    }
    // Containment: a paragraph of six words or more inside a longer one.
    // Index the needles by their first word trigram, then walk every
    // paragraph's trigrams once: near-linear in the length of the article.
    // A trigram is looked up only when its bit is set in a filter of 16,384
    // bits of the needles' trigrams (with 4,096, 56% of Timeline17's
    // lookups were false hits, a long article's most); the needles of one
    // trigram are chained in order.
    let trigram = |a: u64, b: u64, c: u64| a ^ b.rotate_left(21) ^ c.rotate_left(42);
    empty_sized(needles, keys.len());
    next_needle.clear();
    next_needle.resize(keys.len(), usize::MAX);
    shared.clear();
    shared.resize(keys.len(), false);
    let mut filter = [0u64; FILTER_WORDS];
    for (a, of) in repeat_of.iter().enumerate() {
        if of.is_none() && key(a).len() >= MIN_NEEDLE {
            let t = trigram(key(a)[0], key(a)[1], key(a)[2]);
            filter[filter_word(t)] |= 1 << (t & 63);
            match needles.entry(t) {
                Entry::Occupied(mut chain) => {
                    next_needle[chain.get().1] = a;
                    chain.get_mut().1 = a;
                    shared[chain.get().0] = true;
                    shared[a] = true;
                }
                Entry::Vacant(slot) => {
                    slot.insert((a, a));
                }
            }
        }
    }
    if !needles.is_empty() {
        for b in 0..keys.len() {
            if repeat_of[b].is_some() {
                continue;
            }
            let key_b = key(b);
            // Only a paragraph longer than a needle can hold one.
            if key_b.len() <= MIN_NEEDLE {
                continue;
            }
            // A needle fits only where MIN_NEEDLE words or more follow, and
            // the words are read as three zipped slices: no bounds check
            // per position (this loop sees every word of the article).
            let n = key_b.len().saturating_sub(MIN_NEEDLE - 1);
            // Paragraph b is a needle: its first trigram is its own, and
            // is looked up only when another needle shares it.
            let from = usize::from(!shared[b]);
            let words = key_b[from..n].iter().zip(&key_b[from + 1..]).zip(&key_b[from + 2..]);
            for (at, ((&w0, &w1), &w2)) in words.enumerate() {
                let at = at + from;
                let t = trigram(w0, w1, w2);
                if filter[filter_word(t)] & (1 << (t & 63)) == 0 {
                    continue;
                }
                let Some(&(mut a, _)) = needles.get(&t) else { continue };
                while a != usize::MAX {
                    let key_a = key(a);
                    // The needle must follow from this word on; the words
                    // are compared last (a paragraph meets its own trigram).
                    if a != b
                        && repeat_of[a].is_none()
                        && key_b.len() > key_a.len()
                        && key_b[at..].starts_with(key_a)
                    {
                        repeat_of[a] = Some(keys[b].0);
                    }
                    a = next_needle[a];
                }
            }
        }
    }
    for (k, &of) in repeat_of.iter().enumerate() {
        if let Some(of) = of {
            let line = keys[k].0;
            let of_number = lines[of].number;
            lines[line].fate = Fate::Repeat(of_number);
            for next in lines[line + 1..].iter_mut() {
                match next.fate {
                    Fate::Joined => next.fate = Fate::Repeat(of_number),
                    Fate::Body => break,
                    _ => {}
                }
            }
        }
    }
    words.hashes.truncate(n_hashes);
}

/// The hash of a paragraph's words and their number: four words at a time
/// in four lanes, so that the steps of one word do not wait for those of
/// the word before (a single chain through every word of the article was
/// a tenth of the repeat search's time). The words are hashes already, so
/// a lane only rotates and adds each in; the lanes are mixed with a
/// multiply at the end (was: a multiply a word). Its quality only matters
/// for speed: paragraphs with equal hashes are compared word by word.
fn paragraph_hash(words: &[u64]) -> u64 {
    let step = |lane: u64, w: u64| lane.rotate_left(7) ^ w;
    let mut lanes = [words.len() as u64, 1, 2, 3];
    let mut fours = words.chunks_exact(4);
    for four in &mut fours {
        for (lane, &w) in lanes.iter_mut().zip(four) {
            *lane = step(*lane, w);
        }
    }
    for (lane, &w) in lanes.iter_mut().zip(fours.remainder()) {
        *lane = step(*lane, w);
    }
    lanes.iter().fold(0, |h, &lane| fold_word(h, lane))
}

/// The `u64` words of [`mark_repeats`]' trigram filter.
const FILTER_WORDS: usize = 256;

/// The word of the trigram filter that holds trigram `t`'s bit (bit
/// `t & 63`): its top bits.
fn filter_word(t: u64) -> usize {
    (t >> (64 - FILTER_WORDS.trailing_zeros())) as usize
}

/// The fewest words of a paragraph that can be a repeat inside a longer one.
const MIN_NEEDLE: usize = 6;

/// Empties a table kept between articles and makes room for `n` entries.
/// Emptying a hash table writes every slot it has, so one that a long
/// article grew is shrunk back to about what this article needs: else
/// every short article after it pays for the long one (it cost a quarter
/// of the repeat search on Timeline17). A table of up to about a thousand
/// entries is kept (a write of 2 KB at most): shrinking those let the next
/// longer article grow it again, 1,093 times on Timeline17, each growth an
/// allocation and, for the needles, a move of those already in.
fn empty_sized<V>(map: &mut FxHashMap<u64, V>, n: usize) {
    map.clear();
    if map.capacity() > 4 * n + 1024 {
        map.shrink_to(2 * n);
    }
    map.reserve(n);
}

/// Builds the text from kept lines: a paragraph per `Body` line, `Joined`
/// lines appended with a space; paragraphs separated by a blank line.
/// `runs[line_runs[i] as usize..line_runs[i + 1] as usize]` are line i's
/// offset runs.
fn assemble(
    lines: &[Line],
    runs: &[(u32, u32)],
    line_runs: &[u32],
    starts: &[usize],
    repaired: &str,
) -> (String, OffsetMap) {
    // Sized once: the kept lines and their separators, at most every run.
    let kept = |l: &&Line| matches!(l.fate, Fate::Body | Fate::Joined);
    let len: usize = lines.iter().filter(kept).map(|l| l.repaired.len() + 2).sum();
    let mut text = String::with_capacity(len);
    let mut map = OffsetMap { runs: Vec::with_capacity(runs.len() + lines.len()) };
    let mut raw_end = 0;
    for (i, line) in lines.iter().enumerate() {
        let prev_end = raw_end;
        if line.fate != Fate::Blank {
            raw_end = line.span.end;
        }
        let sep = match line.fate {
            Fate::Body if !text.is_empty() => "\n\n",
            Fate::Joined if !text.is_empty() => " ",
            Fate::Body | Fate::Joined => "",
            _ => continue,
        };
        for _ in sep.chars() {
            // Separators map to the end of the raw line before.
            map.push(text.len(), prev_end);
            text.push(if sep == " " { ' ' } else { '\n' });
        }
        let start = starts[i];
        let base = text.len();
        let line_runs = &runs[line_runs[i] as usize..line_runs[i + 1] as usize];
        // The run holding `start`: the first one but after a dateline, so
        // counted from the front (a binary search's unpredictable branches
        // cost more over a line's few runs).
        let first =
            line_runs.iter().take_while(|&&(c, _)| c as usize <= start).count().saturating_sub(1);
        for (k, &(c, r)) in line_runs.iter().enumerate().skip(first) {
            let c = c as usize;
            let (c, r) =
                if k == first { (start, r as usize + (start - c)) } else { (c, r as usize) };
            map.push(base + c - start, r);
        }
        text.push_str(&line.in_buf(repaired)[start..]);
    }
    (text, map)
}

fn detect_language(text: &str) -> Option<String> {
    let sample = &text[..normalize::floor_char_boundary(text, 600)];
    // Fast path: English news is most of the input, and its commonest
    // words make up a third of any English text; whatlang decides the rest.
    // The first 80 words are read, or fewer: once common words are a fourth
    // of the most words there can be, the test below holds whatever the rest
    // of the sample is (most English articles get there after about 60 words).
    const MAX_WORDS: usize = 80;
    let (n_words, n_common) = count_common_words(sample.as_bytes(), MAX_WORDS, MAX_WORDS / 4);
    if n_common * 4 >= MAX_WORDS {
        return Some("eng".to_string());
    }
    if n_words >= 8 && n_common * 4 >= n_words {
        return Some("eng".to_string());
    }
    // English leads heavy with headlines (a transcript's segment titles, a
    // wire's bullet summary) hold fewer of them, 15 to 25% of 80 words (a
    // tenth of Timeline17), but still several times what any other
    // language's text does: in German, Dutch or French the few that are
    // also words there ("in", "was", "a") make up about 5%.
    if n_words >= 20 && n_common * 20 >= n_words * 3 {
        return Some("eng".to_string());
    }
    // Too little text for whatlang's trigrams to be trusted.
    if n_words < 20 {
        return None;
    }
    let info = whatlang::detect(sample)?;
    info.is_reliable().then(|| info.lang().code().to_string())
}

/// Whether a whitespace-separated word, its ASCII punctuation trimmed, is
/// one of the commonest English words (any case), the fast path of
/// [`detect_language`].
fn is_common_english(w: &[u8]) -> bool {
    let start = w.iter().position(|c| !c.is_ascii_punctuation()).unwrap_or(w.len());
    let end = w.iter().rposition(|c| !c.is_ascii_punctuation()).map_or(start, |e| e + 1);
    let w = &w[start..end.max(start)];
    if w.len() > 5 || w.iter().any(|c| !c.is_ascii_alphabetic()) {
        return false;
    }
    let mut buf = [0u8; 5];
    buf[..w.len()].copy_from_slice(w);
    buf.make_ascii_lowercase();
    matches!(
        &buf[..w.len()],
        b"the"
            | b"of"
            | b"and"
            | b"to"
            | b"in"
            | b"a"
            | b"is"
            | b"that"
            | b"for"
            | b"on"
            | b"said"
            | b"with"
            | b"was"
            | b"as"
            | b"by"
            | b"it"
            | b"at"
            | b"from"
            | b"his"
            | b"he"
            | b"has"
            | b"have"
            | b"be"
            | b"are"
            | b"an"
            | b"were"
            | b"had"
            | b"which"
            | b"not"
            | b"but"
            | b"this"
            | b"its"
            | b"their"
            | b"they"
            | b"after"
    )
}

/// The words of [`is_common_english`], for [`COMMON_TABLE`].
const COMMON_ENGLISH: [&str; 35] = [
    "the", "of", "and", "to", "in", "a", "is", "that", "for", "on", "said", "with", "was", "as",
    "by", "it", "at", "from", "his", "he", "has", "have", "be", "are", "an", "were", "had",
    "which", "not", "but", "this", "its", "their", "they", "after",
];

/// The multiplier of [`common_slot`]: no two of [`COMMON_ENGLISH`] share a
/// slot (found by trying random odd numbers; the table's build checks it).
const COMMON_MUL: u64 = 0x8bb9_2534_8901_a10d;

/// A word's slot in [`COMMON_TABLE`]: the word as a number (its bytes,
/// little-endian, zero-padded), multiplied, top six bits.
const fn common_slot(key: u64) -> usize {
    (key.wrapping_mul(COMMON_MUL) >> 58) as usize
}

/// [`COMMON_ENGLISH`] as numbers in 64 slots ([`common_slot`]); an empty
/// slot holds `u64::MAX`, which no word of five letters or fewer is.
static COMMON_TABLE: [u64; 64] = {
    let mut table = [u64::MAX; 64];
    let mut i = 0;
    while i < COMMON_ENGLISH.len() {
        let word = COMMON_ENGLISH[i].as_bytes();
        assert!(!word.is_empty() && word.len() <= 5);
        let mut key = 0u64;
        let mut j = 0;
        while j < word.len() {
            key |= (word[j] as u64) << (8 * j);
            j += 1;
        }
        let slot = common_slot(key);
        assert!(table[slot] == u64::MAX, "two common words share a slot");
        table[slot] = key;
        i += 1;
    }
    table
};

/// How [`count_common_words`] sees a byte: ASCII whitespace (where
/// `split(u8::is_ascii_whitespace)` cuts) 0, ASCII punctuation 1, an ASCII
/// letter in lowercase, anything else (digits, other controls, bytes of
/// other chars) 0x7f: letters and 0x7f are the bytes of 0x61 or more.
/// Arithmetic, so that the compiler does sixteen bytes at a time.
fn language_class(c: u8) -> u8 {
    let lower = c | 0x20;
    let letter = lower.wrapping_sub(b'a') < 26;
    // '\t' '\n' '\x0c' '\r' and ' ' (not '\x0b').
    let space = (c == b' ') | ((c.wrapping_sub(b'\t') < 5) & (c != 0x0b));
    let punct = (c.wrapping_sub(b'!') < 15)
        | (c.wrapping_sub(b':') < 7)
        | (c.wrapping_sub(b'[') < 6)
        | (c.wrapping_sub(b'{') < 4);
    // Selected with masks (0 or 0xff), not branches, so that the loop
    // vectorizes.
    let mask = |b: bool| 0u8.wrapping_sub(b.into());
    let (letter, space, punct) = (mask(letter), mask(space), mask(punct));
    let other = (0x7f & !(space | punct)) | (1 & punct);
    (lower & letter) | (other & !letter)
}

/// The words of `sample` (600 bytes at most) split at ASCII whitespace,
/// read in order until `max_words` words or `enough` common ones
/// ([`is_common_english`]): how many words were read, and how many of
/// them were common.
///
/// Was: `split` and `is_common_english` word by word, which branched at
/// every byte (is it whitespace?) and several times a word (trimming,
/// its length, the word compares), mispredicting at nearly every word's
/// end: ≈ 4% of the cleaner's time for ≈ 5 k instructions an article.
/// Here the bytes are classed 64 at a time ([`language_class`]), the words
/// found in a bit mask of the bytes that are not whitespace (as
/// [`hash_words`] finds its words), and a word of up to 16 bytes classed
/// with no branch ([`is_common_token`]).
fn count_common_words(sample: &[u8], max_words: usize, enough: usize) -> (usize, usize) {
    const MAX: usize = 600;
    // Blocks of 64 up to the one holding byte 599, then sixteen bytes a
    // word at its end may read.
    const LEN: usize = MAX.div_ceil(64) * 64 + 64;
    if sample.len() > MAX {
        // Never: the sample is cut at 600 bytes.
        return count_common_words_slow(sample, max_words, enough);
    }
    let n = sample.len();
    let mut raw = [0u8; LEN];
    raw[..n].copy_from_slice(sample);
    // The classes of the bytes, then zeros (whitespace), one block ahead.
    let mut class = [0u8; LEN];
    // Classes block `base` and returns its bit mask: bit i set when byte
    // `base + i` is not whitespace.
    let block_at = |class: &mut [u8; LEN], base: usize| {
        if base >= n {
            return 0;
        }
        let from: &[u8; 64] = raw[base..base + 64].try_into().expect("64 bytes");
        let to: &mut [u8; 64] = (&mut class[base..base + 64]).try_into().expect("64 bytes");
        for (to, &from) in to.iter_mut().zip(from) {
            *to = language_class(from);
        }
        if base + 64 > n {
            // Past the sample, whitespace (a zero byte of the sample is not).
            to[n - base..].fill(0);
        }
        nonzero_mask::<true>(to)
    };
    let (mut n_words, mut n_common) = (0, 0);
    let mut mask = block_at(&mut class, 0);
    let mut carry = 0u64;
    let mut base = 0;
    while base < n {
        let next = block_at(&mut class, base + 64);
        let mut starts = mask & !((mask << 1) | carry);
        carry = mask >> 63;
        while starts != 0 {
            let bit = starts.trailing_zeros();
            starts &= starts - 1;
            let len = run_len(mask, next, bit) as usize;
            let at = base + bit as usize;
            let common = if len <= 16 {
                is_common_token(class[at..at + 16].try_into().expect("16 bytes"), len)
            } else {
                // Rare: a long word, read to its end as it was.
                let end =
                    sample[at..].iter().position(u8::is_ascii_whitespace).map_or(n, |e| at + e);
                is_common_english(&sample[at..end])
            };
            n_words += 1;
            n_common += usize::from(common);
            if n_words >= max_words || n_common >= enough {
                return (n_words, n_common);
            }
        }
        mask = next;
        base += 64;
    }
    (n_words, n_common)
}

/// [`count_common_words`] word by word, for a sample longer than it takes.
#[cold]
fn count_common_words_slow(sample: &[u8], max_words: usize, enough: usize) -> (usize, usize) {
    let (mut n_words, mut n_common) = (0, 0);
    for w in sample.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty()) {
        n_words += 1;
        n_common += usize::from(is_common_english(w));
        if n_words >= max_words || n_common >= enough {
            break;
        }
    }
    (n_words, n_common)
}

/// [`is_common_english`] for a word of `len` bytes, 1 to 16, given as the
/// [`language_class`] of its bytes (and of any bytes after it). The word
/// is common when its bytes of 0x61 or more (letters, and others, which no
/// common word holds) are one run of one to five, with punctuation only
/// around it, and that run is in [`COMMON_TABLE`]; every test is
/// arithmetic, with no branch.
fn is_common_token(class: &[u8; 16], len: usize) -> bool {
    let t = u128::from_le_bytes(*class) & (u128::MAX >> (128 - 8 * len));
    // Bit 7 of each byte of 0x61 or more (bytes are 0x7f at most: adding
    // 0x1f carries out of no byte).
    let high =
        (t + 0x1f1f_1f1f_1f1f_1f1f_1f1f_1f1f_1f1f_1f1f) & 0x8080_8080_8080_8080_8080_8080_8080_8080;
    let gather = |x: u64| (x.wrapping_mul(0x0002_0408_1020_4081) >> 56) as u32;
    let letters = gather(high as u64) | gather((high >> 64) as u64) << 8;
    // The run of letters from the first (none: `letters` is 0 and so is
    // the run: `& 15` only keeps the shift in range).
    let first = letters.trailing_zeros() & 15;
    let run = letters >> first;
    let run_len = (!run).trailing_zeros();
    let one_run = run >> run_len == 0;
    let key = (t >> (8 * first)) as u64 & (u64::MAX >> (64 - 8 * run_len.clamp(1, 5)));
    one_run & (run_len <= 5) & (COMMON_TABLE[common_slot(key)] == key)
}

#[cfg(test)]
mod tests;
