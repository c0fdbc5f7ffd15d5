//! Character-level repair of one line, keeping a map back to the input.
//!
//! Input: a slice of the raw text (one line) and its byte offset in the raw.
//! Output: the repaired line appended to the article's one buffer of
//! repaired lines, and its offset runs into the raw appended to the
//! article's one vector of runs (no string or vector per line).
//! Method: one pass over the characters: mojibake (UTF-8 read as
//! Windows-1252 or Latin-1, "â€™") is decoded back, curly and typographic
//! quotes become `"` and `'`, whitespace runs (including no-break spaces)
//! become one space, invisible characters go, Markdown heading and bold
//! markers and backslash escapes go, and Penn Treebank tokenization
//! (`` `` ``, `-LRB-`, ` n't`) is undone when the article uses it. In
//! Treebank text a stretch of plain words, most of the text, is found
//! sixteen bytes at a time (with SSE2 on x86-64: this module's only
//! `unsafe` code, the vector loads and the calls of the two functions
//! that use them) and copied whole, with one offset run.

use std::sync::LazyLock;

/// Maps offsets in the clean text back to offsets in the raw input.
///
/// Stored as runs of constant shift: `(clean_start, raw_start)` pairs sorted
/// by `clean_start`; a clean offset maps to `raw_start + (offset -
/// clean_start)` of the last run starting at or before it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OffsetMap {
    /// `(clean_start, raw_start)` runs.
    pub runs: Vec<(u32, u32)>,
}

impl OffsetMap {
    /// The raw offset of clean offset `clean`.
    pub fn to_raw(&self, clean: usize) -> usize {
        runs_to_raw(&self.runs, clean)
    }

    /// Appends a character at clean offset `clean` that came from raw
    /// offset `raw`, starting a new run only when the shift changes.
    pub(crate) fn push(&mut self, clean: usize, raw: usize) {
        if let Some(&(c, r)) = self.runs.last() {
            if r as i64 - c as i64 == raw as i64 - clean as i64 {
                return;
            }
        }
        self.runs.push((clean as u32, raw as u32));
    }

    /// Composes two maps: `self` maps a text A to raw, `inner` maps a text B
    /// (cleaned from A) to A; the result maps B to raw.
    pub fn compose(&self, inner: &OffsetMap, len_b: usize) -> OffsetMap {
        let mut out = OffsetMap::default();
        let mut bounds: Vec<usize> = inner.runs.iter().map(|&(c, _)| c as usize).collect();
        // A run boundary of `self` at A-offset `a` shows up in B wherever `inner` maps onto it.
        for (k, &(b_start, a_start)) in inner.runs.iter().enumerate() {
            let b_end = inner.runs.get(k + 1).map_or(len_b, |&(c, _)| c as usize);
            let a_end = a_start as usize + (b_end - b_start as usize);
            let lo = self.runs.partition_point(|&(c, _)| (c as usize) <= a_start as usize);
            for &(c, _) in &self.runs[lo..] {
                if c as usize >= a_end {
                    break;
                }
                bounds.push(b_start as usize + (c as usize - a_start as usize));
            }
        }
        bounds.push(0);
        bounds.sort_unstable();
        bounds.dedup();
        for b in bounds {
            if b <= len_b {
                out.push(b, self.to_raw(inner.to_raw(b)));
            }
        }
        out
    }
}

/// [`OffsetMap::to_raw`] over a slice of runs.
fn runs_to_raw(runs: &[(u32, u32)], clean: usize) -> usize {
    let i = runs.partition_point(|&(c, _)| c as usize <= clean);
    match i {
        0 => clean,
        _ => {
            let (c, r) = runs[i - 1];
            r as usize + (clean - c as usize)
        }
    }
}

struct Builder {
    /// The article's repaired lines so far, then this line's from `start` on.
    text: String,
    start: usize,
    /// Offset runs: those of earlier lines, then this line's from `first`
    /// on (`(offset in text, raw offset)` at every change of shift).
    runs: Vec<(u32, u32)>,
    first: usize,
    pending_space: Option<usize>,
}

impl Builder {
    /// The length of this line so far.
    fn len(&self) -> usize {
        self.text.len() - self.start
    }

    fn is_empty(&self) -> bool {
        self.text.len() == self.start
    }

    /// This line so far.
    fn line(&self) -> &str {
        &self.text[self.start..]
    }

    /// A character at text offset `clean` came from raw offset `raw`: a
    /// new run of this line only when the shift changes.
    fn mark(&mut self, clean: usize, raw: usize) {
        if self.runs.len() > self.first {
            let (c, r) = self.runs[self.runs.len() - 1];
            if r as i64 - c as i64 == raw as i64 - clean as i64 {
                return;
            }
        }
        self.runs.push((clean as u32, raw as u32));
    }

    fn push(&mut self, c: char, raw: usize) {
        if let Some(space_raw) = self.pending_space.take() {
            if !self.is_empty() {
                self.mark(self.len(), space_raw);
                self.text.push(' ');
            }
        }
        // A closing quote glued to the next sentence ("there."Kerry) lost its space.
        if c.is_uppercase() && self.line().ends_with('"') {
            let b = self.line().as_bytes();
            if b.len() >= 2 && matches!(b[b.len() - 2], b'.' | b'!' | b'?' | b',') {
                self.mark(self.len(), raw);
                self.text.push(' ');
            }
        }
        self.mark(self.len(), raw);
        self.text.push(c);
    }

    /// Pushes a run of characters that came from consecutive raw bytes
    /// starting at `raw` (an unrepaired ASCII token).
    fn push_run(&mut self, run: &str, raw: usize) {
        let mut chars = run.chars();
        let Some(first) = chars.next() else { return };
        self.push(first, raw);
        let rest = chars.as_str();
        if rest.contains('"') {
            let at = run.len() - rest.len();
            rest.char_indices().for_each(|(i, c)| self.push(c, raw + at + i));
        } else if !rest.is_empty() {
            self.mark(self.len(), raw + (run.len() - rest.len()));
            self.text.push_str(rest);
        }
    }

    /// [`Builder::push_run`] for a run of printable ASCII (most tokens):
    /// the same checks on its first byte, then one copy.
    fn push_ascii_run(&mut self, run: &str, raw: usize) {
        if run.as_bytes().get(1..).is_some_and(|rest| rest.contains(&b'"')) {
            return self.push_run(run, raw);
        }
        self.push_plain_run(run, raw);
    }

    /// [`Builder::push_ascii_run`] for a run known to hold no `"`.
    fn push_plain_run(&mut self, run: &str, raw: usize) {
        let Some(&first) = run.as_bytes().first() else { return };
        if let Some(space_raw) = self.pending_space.take() {
            if !self.is_empty() {
                self.mark(self.len(), space_raw);
                self.text.push(' ');
            }
        }
        if first.is_ascii_uppercase() && self.line().ends_with('"') {
            let b = self.line().as_bytes();
            if b.len() >= 2 && matches!(b[b.len() - 2], b'.' | b'!' | b'?' | b',') {
                self.mark(self.len(), raw);
                self.text.push(' ');
            }
        }
        self.mark(self.len(), raw);
        self.text.push_str(run);
    }

    fn space(&mut self, raw: usize) {
        if self.pending_space.is_none() {
            self.pending_space = Some(raw);
        }
    }
}

/// Repairs one line. `base` is the raw offset of `line`; `ptb` turns on
/// Penn Treebank detokenization. Appends the repaired line to `out` and
/// its offset runs (offsets into the repaired line) to `runs`.
pub(crate) fn normalize_line(
    line: &str,
    base: usize,
    ptb: bool,
    runs: &mut Vec<(u32, u32)>,
    out: &mut String,
) {
    // Most lines need no repair at all: copy them in one run.
    if !ptb && is_plain(line.as_bytes()) {
        if !line.is_empty() {
            runs.push((0, base as u32));
        }
        out.push_str(line);
        return;
    }
    let first = runs.len();
    let start = out.len();
    let mut b = Builder {
        text: std::mem::take(out),
        start,
        runs: std::mem::take(runs),
        first,
        pending_space: None,
    };
    // A line that starts with a letter or digit has no heading markers.
    let body = match line.as_bytes().first() {
        Some(c) if c.is_ascii_alphanumeric() => line,
        _ => strip_markdown_heading(line),
    };
    let start = base + (line.len() - body.len());
    if ptb {
        detokenize(body, start, &mut b);
    } else {
        push_chars(body, start, &mut b);
    }
    *runs = b.runs;
    *out = b.text;
}

/// True when a line is printable ASCII that no repair would change: no
/// control, Markdown or escape characters, single spaces inside only, and
/// no closing quote glued to a capital.
fn is_plain(line: &[u8]) -> bool {
    let (Some(&first), Some(&last)) = (line.first(), line.last()) else { return true };
    if first == b' ' || last == b' ' || first == b'#' {
        return false;
    }
    let mut prev = 0u8;
    for (i, &c) in line.iter().enumerate() {
        let ok = match c {
            b' ' => prev != b' ',
            b'"' => {
                !(matches!(prev, b'.' | b'!' | b'?' | b',')
                    && line.get(i + 1).is_some_and(u8::is_ascii_uppercase))
            }
            b'*' | b'\\' | b'`' => false,
            0x21..=0x7e => true,
            _ => false,
        };
        if !ok {
            return false;
        }
        prev = c;
    }
    true
}

fn strip_markdown_heading(mut line: &str) -> &str {
    loop {
        let t = line.trim_start();
        if let Some(rest) = t.strip_prefix("**") {
            line = rest;
            continue;
        }
        let hashes = t.bytes().take_while(|&c| c == b'#').count();
        if !(1..=6).contains(&hashes) || !t[hashes..].starts_with(' ') {
            return line;
        }
        line = &t[hashes..];
    }
}

fn push_chars(s: &str, base: usize, b: &mut Builder) {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < s.len() {
        // A run of printable ASCII that no repair below changes is pushed
        // whole, as pushing it char by char would (no `"` inside it, so
        // the glued-quote rule can only apply to its first char). Single
        // spaces between such runs are taken in too: pushed one by one, a
        // space would become pending and the next run would push it right
        // away, at the same shift.
        let mut run = plain_len(bytes, i);
        if run > 0 {
            while bytes.get(i + run) == Some(&b' ') {
                let more = plain_len(bytes, i + run + 1);
                if more == 0 {
                    break;
                }
                run += 1 + more;
            }
            b.push_plain_run(&s[i..i + run], base + i);
            i += run;
            continue;
        }
        let c = s[i..].chars().next().expect("i is on a char boundary");
        let (raw, next) = (base + i, i + c.len_utf8());
        match c {
            '\u{C2}'..='\u{F4}' => {
                if let Some((decoded, n_more)) = mojibake(&s[i..]) {
                    let more: usize = s[next..].chars().take(n_more).map(char::len_utf8).sum();
                    push_repaired(decoded, raw, b);
                    i = next + more;
                    continue;
                }
                b.push(c, raw);
            }
            // "**": both go; the char after is looked at afresh.
            '*' if s[next..].starts_with('*') => {
                i = next + 1;
                continue;
            }
            '\\' if s[next..].chars().next().is_some_and(|n| n.is_ascii_punctuation()) => {}
            _ => push_repaired(c, raw, b),
        }
        i = next;
    }
}

/// The number of bytes from `at` on that [`is_plain_byte`] takes.
fn plain_len(bytes: &[u8], at: usize) -> usize {
    bytes[at..].iter().position(|&c| !is_plain_byte(c)).unwrap_or(bytes.len() - at)
}

/// A byte that [`push_chars`] pushes as it is: printable ASCII other than
/// the `"` of the glued-quote rule and the `*` and `\\` of Markdown.
fn is_plain_byte(c: u8) -> bool {
    (0x21..=0x7e).contains(&c) && c != b'"' && c != b'*' && c != b'\\'
}

fn push_repaired(c: char, raw: usize, b: &mut Builder) {
    match c {
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' => b.push('\'', raw),
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' => b.push('"', raw),
        '\u{200B}'..='\u{200D}' | '\u{2060}' | '\u{FEFF}' | '\u{00AD}' => {}
        c if c.is_whitespace() => b.space(raw),
        c if c.is_control() => {}
        c => b.push(c, raw),
    }
}

/// Characters Windows-1252 puts at bytes 0x80..=0x9F (0 where undefined,
/// in which case Latin-1's C1 control character stands in).
const CP1252_HIGH: [u16; 32] = [
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039,
    0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC,
    0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
];

/// The byte a character stands for when UTF-8 was misread as
/// Windows-1252 or Latin-1.
fn as_cp1252_byte(c: char) -> Option<u8> {
    let u = c as u32;
    if (0x80..=0xFF).contains(&u) {
        return Some(u as u8);
    }
    CP1252_HIGH.iter().position(|&h| h as u32 == u).map(|i| 0x80 + i as u8)
}

/// Decodes mojibake at the start of `s` (whose first char is a UTF-8 lead
/// byte misread as a letter): returns the real character and how many more
/// characters of `s` it consumed.
fn mojibake(s: &str) -> Option<(char, usize)> {
    let mut chars = s.chars();
    let lead = as_cp1252_byte(chars.next()?)?;
    let n = match lead {
        0xC2..=0xDF => 1,
        0xE0..=0xEF => 2,
        0xF0..=0xF4 => 3,
        _ => return None,
    };
    let mut bytes = [lead, 0, 0, 0];
    for slot in bytes.iter_mut().skip(1).take(n) {
        let b = as_cp1252_byte(chars.next()?)?;
        if !(0x80..=0xBF).contains(&b) {
            return None;
        }
        *slot = b;
    }
    let decoded = std::str::from_utf8(&bytes[..=n]).ok()?.chars().next()?;
    Some((decoded, n))
}

/// Undoes Penn Treebank tokenization: tokens are space-separated; brackets
/// and quotes are spelled out; punctuation and clitics stand alone.
///
/// Every path below leaves `pos` just after a space (or past the end) and
/// pushes the space it makes pending: no space is pending between tokens,
/// and the byte before a token that is not the line's first is a space.
fn detokenize(s: &str, base: usize, b: &mut Builder) {
    let bytes = s.as_bytes();
    let n = bytes.len();
    let mut glue_next = false;
    let mut pos = 0;
    while pos < n {
        debug_assert!(b.pending_space.is_none() && (pos == 0 || bytes[pos - 1] == b' '));
        let c = bytes[pos];
        // An empty token (two spaces in a row).
        if c == b' ' {
            pos += 1;
            continue;
        }
        let raw = base + pos;
        // A space goes before this token unless it is the line's first,
        // the token before glues to it, or (below) it glues to that one.
        let owed = !b.is_empty() && !glue_next;
        // Fast path, most of the text: a stretch of plain words one space
        // apart, which no Treebank rule below matches (those start with
        // punctuation or a quote, or are "n't"), comes out exactly as it
        // is in the raw: one scan, one copy and one offset run for the
        // whole stretch up to the next Treebank token.
        if c.is_ascii_alphanumeric() {
            let end = plain_stretch_end(bytes, pos);
            if end > pos {
                if owed {
                    // The space before the stretch is the raw byte before
                    // it: one offset run and one copy for both; and a space
                    // before it rules out the glued-quote rule.
                    b.mark(b.len(), raw - 1);
                    b.text.push_str(&s[pos - 1..end]);
                } else if b.is_empty() {
                    // The line's first text: nothing before it to glue to.
                    b.mark(0, raw);
                    b.text.push_str(&s[pos..end]);
                } else {
                    b.push_plain_run(&s[pos..end], raw);
                }
                glue_next = false;
                pos = end + 1;
                // Most often a stretch ends at the punctuation below: it
                // is taken here, one trip round the loop fewer. The space
                // before it is dropped, so its shift is not the stretch's:
                // always a new offset run.
                if glue_punct(bytes, pos) {
                    debug_assert!(b.runs.last().is_some_and(|&(c, r)| {
                        r as i64 - c as i64 != (base + pos) as i64 - b.len() as i64
                    }));
                    b.runs.push((b.len() as u32, (base + pos) as u32));
                    b.text.push(char::from(bytes[pos]));
                    pos += 2;
                }
                continue;
            }
        }
        // The commonest Treebank token, punctuation of one byte that
        // glues to the word before (a third of all tokens that are not
        // plain words): what the general path below does with it.
        if glue_punct(bytes, pos) {
            let (c, raw) = (bytes[pos], base + pos);
            b.mark(b.len(), raw);
            b.text.push(char::from(c));
            glue_next = false;
            pos += 2;
            continue;
        }
        // Tokens are what `s.split(' ')` gives; most are a few bytes long.
        // Plain: printable ASCII with no character a repair changes.
        let mut tok_end = pos;
        let mut plain = true;
        while let Some(&t) = bytes.get(tok_end).filter(|&&t| t != b' ') {
            plain &= t.is_ascii_graphic() && t != b'*' && t != b'\\';
            tok_end += 1;
        }
        let token = &s[pos..tok_end];
        pos = tok_end + 1;
        if plain {
            // A plain word that the stretch above did not take (it holds
            // a `"`): pushed as it is, then the plain words after it.
            if c.is_ascii_alphanumeric() && token != "n't" && token != "N'T" {
                if owed {
                    b.space(raw - 1);
                }
                b.push_ascii_run(token, raw);
                glue_next = false;
                let run_end = plain_run_end(bytes, tok_end);
                if run_end > tok_end {
                    b.mark(b.len(), base + tok_end);
                    b.text.push_str(&s[tok_end..run_end]);
                    pos = run_end + 1;
                }
                continue;
            }
            // A Treebank token: what the general path below does with a
            // plain one, without the pending space in between.
            let (out, glue_before, glue_after) = ptb_token(token.as_bytes());
            let space = owed && !glue_before;
            match out {
                // `"`, brackets: no capital, so no glued-quote rule; after
                // a space, the raw byte after it (one offset run).
                Some(out) => {
                    if space {
                        b.mark(b.len(), raw - 1);
                        b.text.push(' ');
                    } else {
                        b.mark(b.len(), raw);
                    }
                    b.text.push(char::from(out));
                }
                // A clitic ("'s", "n't"): no space, no capital, no `"`.
                None if !space && !c.is_ascii_uppercase() && !token.contains('"') => {
                    b.mark(b.len(), raw);
                    b.text.push_str(token);
                }
                None => {
                    if space {
                        b.space(raw - 1);
                    }
                    b.push_ascii_run(token, raw);
                }
            }
            glue_next = glue_after;
            continue;
        }
        // Repair the token's characters first, so a curly "’s" is read as
        // "'s".
        let mut tb = Builder {
            text: String::new(),
            start: 0,
            runs: Vec::new(),
            first: 0,
            pending_space: None,
        };
        push_chars(token, raw, &mut tb);
        let t = tb.text.as_str();
        if t.is_empty() {
            continue;
        }
        let (out, glue_before, glue_after) = ptb_token(t.as_bytes());
        if owed && !glue_before {
            b.space(raw - 1);
        }
        match out {
            Some(out) => b.push(char::from(out), raw),
            None => {
                for (i, c) in t.char_indices() {
                    b.push(c, runs_to_raw(&tb.runs, i));
                }
            }
        }
        glue_next = glue_after;
    }
}

/// Whether the token at `at` is punctuation of one byte that glues to the
/// word before (",", ".", ";", ":", "!", "?", "%").
fn glue_punct(bytes: &[u8], at: usize) -> bool {
    matches!(bytes.get(at), Some(b',' | b'.' | b';' | b':' | b'!' | b'?' | b'%'))
        && bytes.get(at + 1).is_none_or(|&next| next == b' ')
}

/// What a Treebank token stands for: the character it spells out (`-LRB-`
/// is `(`), if any, and whether it glues to the token before and to the
/// one after. Matched on its bytes by length and first byte (a `match` on
/// strings compares them one literal after the other).
fn ptb_token(t: &[u8]) -> (Option<u8>, bool, bool) {
    match t {
        b"``" => (Some(b'"'), false, true),
        b"''" => (Some(b'"'), true, false),
        [b'-', b'L' | b'R', b'R' | b'S' | b'C', b'B', b'-'] => {
            let open = t[1] == b'L';
            let c = match (t[2], open) {
                (b'R', true) => b'(',
                (b'R', false) => b')',
                (b'S', true) => b'[',
                (b'S', false) => b']',
                (_, true) => b'{',
                (_, false) => b'}',
            };
            (Some(c), !open, open)
        }
        b"$" | b"#" => (None, false, true),
        b"," | b"." | b";" | b":" | b"!" | b"?" | b"%" | b"..." => (None, true, false),
        [b'\'', rest @ ..]
            if (1..=2).contains(&rest.len()) && rest.iter().all(u8::is_ascii_alphabetic) =>
        {
            (None, true, false)
        }
        b"n't" | b"N'T" => (None, true, false),
        _ => (None, false, false),
    }
}

/// Where a stretch of plain words that starts with the word at `at` ends
/// (`at` when that word is not plain): the words of [`plain_run_end`], the
/// first one included. `bytes[at]` is a letter or digit.
///
/// The bytes are looked at sixteen at a time ([`stop_lanes`]) for the few
/// that can end a stretch, so that there is no branch per word (a word
/// end is a branch the processor cannot predict).
fn plain_stretch_end(bytes: &[u8], at: usize) -> usize {
    let mut from = at;
    loop {
        let p = next_stop(bytes, from);
        if p == bytes.len() {
            return p;
        }
        match bytes[p] {
            // Followed by no letter or digit: the stretch ends at the space.
            b' ' => return p,
            b'\'' => {
                let clitic = p > at
                    && (p - 1 == at || bytes[p - 2] == b' ')
                    && matches!(&bytes[p - 1..], [b'n', b'\'', b't', ..] | [b'N', b'\'', b'T', ..])
                    && bytes.get(p + 2).is_none_or(|&c| c == b' ');
                if clitic {
                    // "n't" is a Treebank token: the stretch ends before it.
                    return if p - 1 == at { at } else { p - 2 };
                }
                from = p + 1;
            }
            // A byte no plain word holds: the stretch ends before its word.
            _ => return memchr::memrchr(b' ', &bytes[at..p]).map_or(at, |k| at + k),
        }
    }
}

/// Which of sixteen bytes may end a stretch of plain words, `b[16]` being
/// the byte after them: a byte no plain word holds (not printable ASCII,
/// or `"`, `*`, `\\`), an apostrophe (the "n't" token), or a space not
/// followed by a letter or digit. Every lane is decided with no branch and
/// no dependency on the others, so the compiler does the sixteen with
/// vector compares; lane `i` is byte `i` of the result (1 or 0).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn stop_lanes(b: &[u8; 17]) -> u128 {
    let mut flags = [0u8; 16];
    for (i, flag) in flags.iter_mut().enumerate() {
        let (c, next) = (b[i], b[i + 1]);
        let bad = !(0x20..0x7f).contains(&c) || c == b'"' || c == b'*' || c == b'\\' || c == b'\'';
        let next_alnum = (next | 0x20).wrapping_sub(b'a') < 26 || next.wrapping_sub(b'0') < 10;
        *flag = u8::from(bad | (c == b' ' && !next_alnum));
    }
    u128::from_le_bytes(flags)
}

/// [`stop_lanes`] as bits: bit `i` is lane `i`.
fn stop_mask(b: &[u8; 17]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::stop_mask(b)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        lanes_to_bits(stop_lanes(b))
    }
}

/// [`stop_mask`] of sixteen bytes followed by a zero (a line's last
/// sixteen: the zero stops a stretch as the line's end does).
fn stop_mask_last(b: &[u8; 16]) -> u32 {
    #[cfg(target_arch = "x86_64")]
    {
        sse2::stop_mask_last(b)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut padded = [0u8; 17];
        padded[..16].copy_from_slice(b);
        lanes_to_bits(stop_lanes(&padded))
    }
}

/// Sixteen lanes of 1 or 0 (bytes of a `u128`) as sixteen bits: a multiply
/// gathers the eight lanes of a word into its top byte (bit `56 + i` is
/// lane `i`, and no two products overlap, so nothing carries).
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn lanes_to_bits(lanes: u128) -> u32 {
    const GATHER: u64 = 0x0102_0408_1020_4080;
    let low = (lanes as u64).wrapping_mul(GATHER) >> 56;
    let high = ((lanes >> 64) as u64).wrapping_mul(GATHER) >> 56;
    (low | high << 8) as u32
}

/// [`stop_lanes`] with SSE2, which every x86-64 processor has: the same
/// tests as byte compares, and the lanes gathered into bits by one
/// `pmovmskb` (the compiler does not find that instruction for the
/// portable code, which costs ≈ 40 instructions a chunk against ≈ 25).
#[cfg(target_arch = "x86_64")]
mod sse2 {
    use std::arch::x86_64::{
        __m128i, _mm_add_epi8, _mm_andnot_si128, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128,
        _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8, _mm_srli_si128,
    };

    pub(super) fn stop_mask(b: &[u8; 17]) -> u32 {
        // SAFETY: SSE2 is part of the x86-64 baseline (every x86-64
        // processor has it, and the target enables it), so calling a
        // function that needs it is sound; the function reads only `b`.
        unsafe { stop_mask_sse2(b) }
    }

    pub(super) fn stop_mask_last(b: &[u8; 16]) -> u32 {
        // SAFETY: as in `stop_mask`; the function reads only `b`.
        unsafe { stop_mask_last_sse2(b) }
    }

    #[target_feature(enable = "sse2")]
    fn stop_mask_sse2(b: &[u8; 17]) -> u32 {
        // SAFETY: both loads read sixteen bytes inside `b`, which has
        // seventeen (at 0 and at 1); `loadu` allows any alignment.
        let (x, y): (__m128i, __m128i) = unsafe {
            (_mm_loadu_si128(b.as_ptr().cast()), _mm_loadu_si128(b[1..].as_ptr().cast()))
        };
        stops(x, y)
    }

    /// The byte after the sixteen is a zero: `y` is `x` moved down one
    /// byte, in a register (a padded copy on the stack, loaded again one
    /// byte further on, waits for the copy's store to retire).
    #[target_feature(enable = "sse2")]
    fn stop_mask_last_sse2(b: &[u8; 16]) -> u32 {
        // SAFETY: the load reads the sixteen bytes of `b`; `loadu` allows
        // any alignment.
        let x = unsafe { _mm_loadu_si128(b.as_ptr().cast()) };
        stops(x, _mm_srli_si128::<1>(x))
    }

    /// The stop lanes of the sixteen bytes `x`, `y` being the sixteen one
    /// byte further on.
    #[target_feature(enable = "sse2")]
    fn stops(x: __m128i, y: __m128i) -> u32 {
        // A vector of sixteen copies of a byte.
        macro_rules! byte {
            ($c:expr) => {
                _mm_set1_epi8($c as i8)
            };
        }
        // Not printable ASCII: below 0x20 as a signed byte (0x80 and up
        // are negative), or 0x7f.
        let bad = _mm_or_si128(_mm_cmplt_epi8(x, byte!(0x20)), _mm_cmpeq_epi8(x, byte!(0x7f)));
        let marks = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(x, byte!(b'"')), _mm_cmpeq_epi8(x, byte!(b'*'))),
            _mm_or_si128(_mm_cmpeq_epi8(x, byte!(b'\\')), _mm_cmpeq_epi8(x, byte!(b'\''))),
        );
        // A letter or digit after: the range moved to the bottom of the
        // signed bytes, then one signed compare each.
        let folded = _mm_or_si128(y, byte!(0x20));
        let letter = _mm_cmplt_epi8(_mm_add_epi8(folded, byte!(0x80 - b'a')), byte!(0x80 + 26));
        let digit = _mm_cmplt_epi8(_mm_add_epi8(y, byte!(0x80 - b'0')), byte!(0x80 + 10));
        let lone_space =
            _mm_andnot_si128(_mm_or_si128(letter, digit), _mm_cmpeq_epi8(x, byte!(b' ')));
        let stop = _mm_or_si128(_mm_or_si128(bad, marks), lone_space);
        _mm_movemask_epi8(stop) as u32
    }
}

/// The position of the lowest bit of a [`stop_mask`], if any.
fn first_lane(mask: u32) -> Option<usize> {
    (mask != 0).then(|| mask.trailing_zeros() as usize)
}

/// The first position at or after `from` that may end a stretch of plain
/// words (see [`stop_lanes`]), or the length of `bytes`. The last bytes
/// are looked at as the line's last sixteen followed by a zero, which
/// stops a stretch as the end of the line does, the lanes before `from`
/// masked off (a shorter line: a copy padded with zeros).
fn next_stop(bytes: &[u8], mut from: usize) -> usize {
    let n = bytes.len();
    while from + 17 <= n {
        let chunk: &[u8; 17] = bytes[from..from + 17].try_into().expect("17 bytes");
        if let Some(i) = first_lane(stop_mask(chunk)) {
            return from + i;
        }
        from += 16;
    }
    if from >= n {
        return n;
    }
    let (at, mask) = if n >= 16 {
        let last: &[u8; 16] = bytes[n - 16..].try_into().expect("16 bytes");
        let before = from - (n - 16);
        (n - 16, stop_mask_last(last) & (u32::MAX << before))
    } else {
        let mut padded = [0u8; 17];
        padded[..n - from].copy_from_slice(&bytes[from..]);
        (from, stop_mask(&padded))
    };
    first_lane(mask).map_or(n, |i| at + i)
}

/// The length of the run of plain-word bytes at `at` ([`RUN_BYTE`]).
fn word_len(bytes: &[u8], at: usize) -> usize {
    bytes[at..].iter().position(|&c| RUN_BYTE[c as usize] != RUN_WORD).unwrap_or(bytes.len() - at)
}

/// Where a stretch of plain words that starts at `at` (the space after a
/// word) ends: each word one space after the last, starting with a letter
/// or digit, of printable ASCII without the characters a repair or a
/// Treebank rule looks at (`"`, `*`, `\`), and not a clitic `n't`. Such a
/// word is pushed as it is after one space, so the stretch equals the raw.
fn plain_run_end(bytes: &[u8], mut at: usize) -> usize {
    loop {
        let word = at + 1;
        if bytes.get(at) != Some(&b' ') || !bytes.get(word).is_some_and(u8::is_ascii_alphanumeric) {
            return at;
        }
        // The word's bytes, through the table without bounds checks.
        let len = word_len(bytes, word);
        let end = word + len;
        if bytes.get(end).is_some_and(|&c| RUN_BYTE[c as usize] != RUN_SPACE) {
            return at;
        }
        if len == 3 && matches!(&bytes[word..end], b"n't" | b"N'T") {
            return at;
        }
        at = end;
    }
}

const RUN_WORD: u8 = 1;
const RUN_SPACE: u8 = 2;

/// What a byte is to [`plain_run_end`]: part of a plain word, the space
/// between two, or (0) the end of the stretch.
static RUN_BYTE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut c = 0x21;
    while c <= 0x7e {
        if c != b'"' as usize && c != b'*' as usize && c != b'\\' as usize {
            table[c] = RUN_WORD;
        }
        c += 1;
    }
    table[b' ' as usize] = RUN_SPACE;
    table
};

/// The marks of Penn Treebank tokenization, searchers built once (building
/// one per mark and article cost more than the search).
static PTB_MARKS: LazyLock<[memchr::memmem::Finder<'static>; 6]> = LazyLock::new(|| {
    [b"``".as_slice(), b"''", b"-LRB-", b"-RRB-", b"n't", b"'s"].map(memchr::memmem::Finder::new)
});

/// True when a text looks Penn-Treebank tokenized: two of its marks, each
/// a token of its own.
pub(crate) fn looks_ptb(text: &str) -> bool {
    let head = &text.as_bytes()[..floor_char_boundary(text, 20_000)];
    let is_token = |at: usize, len: usize| {
        (at == 0 || head[at - 1].is_ascii_whitespace())
            && head.get(at + len).is_none_or(|c| c.is_ascii_whitespace())
    };
    // Stops at the second mark found: Treebank text has "``" and "''"
    // in most articles, so the other four searches are skipped.
    let mut seen =
        PTB_MARKS.iter().filter(|m| m.find_iter(head).any(|at| is_token(at, m.needle().len())));
    seen.nth(1).is_some()
}

pub(crate) fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
#[path = "normalize_reference.rs"]
mod reference;

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A repaired line after an earlier one, and all their offset runs.
    type Repaired = (String, Vec<(u32, u32)>);

    /// [`normalize_line`]'s signature.
    type Repair = fn(&str, usize, bool, &mut Vec<(u32, u32)>, &mut String);

    /// A line's repair by the new code and by the reference, each appended
    /// after an earlier line (text and runs that must be left alone).
    fn both(line: &str, base: usize, ptb: bool) -> (Repaired, Repaired) {
        let run = |f: Repair| {
            let mut text = "earlier.\"".to_string();
            let mut runs = vec![(0, 3), (4, 9)];
            f(line, base, ptb, &mut runs, &mut text);
            (text, runs)
        };
        (run(normalize_line), run(reference::normalize_line))
    }

    /// Pieces of Treebank text and of the characters the repairs look at.
    fn ptb_piece() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => proptest::sample::select(vec![
                "a", "Z", "7", "word", "Treebank", "The", "n't", "N'T", "'s", "'S", "'re", "'",
                "``", "''", "`", "-LRB-", "-RRB-", "-LSB-", "-RSB-", "-LCB-", "-RCB-", "$", "#",
                ",", ".", ";", ":", "!", "?", "%", "...", "-", "--", "\"", ".\"", "*", "**",
                "\\", "\\*", "## ", "\t", "\u{a0}", "\u{200b}", "é", "’", "’s", "“", "”",
                "\u{e2}\u{20ac}\u{2122}", "\u{c3}\u{a9}", "\u{7f}", "\u{1}", "O'Reilly",
                "don't", "9\\/11",
            ])
            .prop_map(str::to_string),
            1 => "\\PC{0,3}",
        ]
    }

    /// A line of pieces joined by one space (sometimes two, or none).
    fn ptb_line() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            (ptb_piece(), proptest::sample::select(vec![" ", " ", " ", " ", "  ", ""])),
            0..40,
        )
        .prop_map(|parts| parts.into_iter().map(|(p, sep)| p + sep).collect())
    }

    proptest! {
        /// The stop mask (SSE2 on x86-64) is the portable lanes as bits,
        /// on bytes of every kind (the letters' and digits' edges, the
        /// marks, non-ASCII, control).
        #[test]
        fn stop_mask_is_the_lanes(
            chunk in proptest::array::uniform17(prop_oneof![
                any::<u8>(),
                proptest::sample::select(b" \"'*\\\x7f\x1f\x20\x7e/09:@AZ[`az{\x80\xc0\xff".to_vec()),
            ])
        ) {
            let lanes = super::stop_lanes(&chunk);
            let bits: u32 = (0..16).map(|i| ((lanes >> (8 * i)) as u32 & 1) << i).sum();
            prop_assert_eq!(stop_mask(&chunk), bits);
            prop_assert_eq!(lanes_to_bits(lanes), bits);
            // The same sixteen followed by a zero.
            let mut last = chunk;
            last[16] = 0;
            let sixteen: &[u8; 16] = chunk[..16].try_into().unwrap();
            prop_assert_eq!(stop_mask_last(sixteen), stop_mask(&last));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Treebank-like lines come out as the reference makes them: the
        /// text and every offset run.
        #[test]
        fn treebank_lines_are_the_reference(line in ptb_line(), base in 0usize..1000, ptb: bool) {
            let (new, old) = both(&line, base, ptb);
            prop_assert_eq!(new, old);
        }

        /// Any text at all (one line: the cleaner splits at newlines).
        #[test]
        fn any_line_is_the_reference(line in "[^\n]{0,200}", base in 0usize..1000, ptb: bool) {
            let (new, old) = both(&line, base, ptb);
            prop_assert_eq!(new, old);
        }
    }

    /// A long Treebank line (stretches of many chunks, the tail) and an
    /// empty one.
    #[test]
    fn long_and_empty_lines_are_the_reference() {
        let long =
            "The well is `` effectively dead '' , says Adm Allen -LRB- US -RRB- . ".repeat(2000);
        for line in [long.as_str(), "", " ", "  a", "a ", "word"] {
            for ptb in [false, true] {
                let (new, old) = both(line, 17, ptb);
                assert_eq!(new, old, "{line:?}");
            }
        }
    }

    fn norm(s: &str, ptb: bool) -> String {
        // A line before it in the buffer, which the repair must not look at.
        let mut out = "earlier.\"".to_string();
        normalize_line(s, 0, ptb, &mut Vec::new(), &mut out);
        out["earlier.\"".len()..].to_string()
    }

    const LANES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

    /// The lanes of `x` whose byte equals `c` (the high bit of each such lane).
    fn lanes_eq(x: u64, c: u8) -> u64 {
        let t = x ^ (LANES * u64::from(c));
        !(((t & LOW7) + LOW7) | t) & HIGH
    }

    /// The lanes whose low seven bits are `n` (1..=0x80) or more.
    fn lanes_ge(low7: u64, n: u8) -> u64 {
        (low7 + LANES * u64::from(0x80 - n)) & HIGH
    }

    /// The lanes of the eight bytes `x` that may end a stretch of plain
    /// words, `y` being the eight bytes one further on: a byte no plain word
    /// holds (not printable ASCII, or `"`, `*`, `\\`), an apostrophe (the
    /// "n't" token), or a space not followed by a letter or digit. Exact per
    /// lane, no carries between lanes.
    fn stop_lanes(x: u64, y: u64) -> u64 {
        let low7 = x & LOW7;
        let bad = (x & HIGH)
            | (!lanes_ge(low7, 0x20) & HIGH)
            | lanes_eq(x, 0x7f)
            | lanes_eq(x, b'"')
            | lanes_eq(x, b'*')
            | lanes_eq(x, b'\\')
            | lanes_eq(x, b'\'');
        let y_low7 = y & LOW7;
        let folded = (y | (LANES * 0x20)) & LOW7;
        let digit = lanes_ge(y_low7, b'0') & !lanes_ge(y_low7, b'9' + 1);
        let letter = lanes_ge(folded, b'a') & !lanes_ge(folded, b'z' + 1);
        let alnum = (digit | letter) & !(y & HIGH);
        bad | (lanes_eq(x, b' ') & !alnum)
    }

    /// The first position at or after `from` that may end a stretch of plain
    /// words, or the length of `bytes`: eight bytes at a time in a `u64`,
    /// as it was done before [`stop_lanes`].
    fn next_stop_swar(bytes: &[u8], mut from: usize) -> usize {
        let n = bytes.len();
        let eight_at = |at: usize| {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(eight)
        };
        while from + 9 <= n {
            let stops = stop_lanes(eight_at(from), eight_at(from + 1));
            if stops != 0 {
                return from + (stops.trailing_zeros() / 8) as usize;
            }
            from += 8;
        }
        while from < n {
            let c = bytes[from];
            let stop = match RUN_BYTE[c as usize] {
                RUN_WORD => c == b'\'',
                RUN_SPACE => !bytes.get(from + 1).is_some_and(u8::is_ascii_alphanumeric),
                _ => true,
            };
            if stop {
                return from;
            }
            from += 1;
        }
        n
    }

    proptest::proptest! {
        /// The stops found sixteen bytes at a time are those found eight
        /// at a time, on lines of the bytes that matter.
        #[test]
        fn next_stop_is_the_swar_one(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "a", "Z", "7", " ", "  ", "'", "n't", "\"", "*", "\\", "\u{7f}", "\t", "é",
                    ",", ".", "-LRB-", "word", "Treebank", "``",
                ]),
                0..40,
            ),
            from in 0usize..64,
        ) {
            let line: String = parts.concat();
            let from = from.min(line.len());
            proptest::prop_assert_eq!(
                next_stop(line.as_bytes(), from),
                next_stop_swar(line.as_bytes(), from)
            );
        }
    }

    #[test]
    fn repairs_characters() {
        assert_eq!(
            norm("It\u{e2}\u{20ac}\u{2122}s \u{e2}\u{20ac}\u{153}here\u{e2}\u{20ac}\u{9d}", false),
            "It's \"here\""
        );
        assert_eq!(norm("caf\u{c3}\u{a9}  au\u{a0}lait\t ", false), "café au lait");
        assert_eq!(norm("## **Big NEWS**", false), "Big NEWS");
        assert_eq!(norm("use of \\*gas", false), "use of *gas");
        assert_eq!(norm("“We can,” she said.“Next", false), "\"We can,\" she said.\" Next");
        // Real Latin letters that are not mojibake stay.
        assert_eq!(norm("Ärger über Öl", false), "Ärger über Öl");
    }

    #[test]
    fn undoes_treebank_tokens() {
        let s = "The well is `` effectively dead '' , says Adm Allen -LRB- US -RRB- . It cost $ 8bn , BP 's figures do n't lie .";
        assert_eq!(
            norm(s, true),
            "The well is \"effectively dead\", says Adm Allen (US). It cost $8bn, BP's figures don't lie."
        );
    }

    #[test]
    fn offsets_point_back_into_the_input() {
        let raw = "ab  \u{e2}\u{20ac}\u{153}cd\u{e2}\u{20ac}\u{9d} e";
        // Runs of an earlier line are left as they are.
        let mut runs = vec![(0, 0)];
        let mut text = String::new();
        normalize_line(raw, 100, false, &mut runs, &mut text);
        assert_eq!(text, "ab \"cd\" e");
        assert_eq!(runs[0], (0, 0));
        let map = OffsetMap { runs: runs[1..].to_vec() };
        let c = text.find("cd").unwrap();
        assert_eq!(&raw[map.to_raw(c) - 100..][..2], "cd");
        let e = text.find('e').unwrap();
        assert_eq!(&raw[map.to_raw(e) - 100..], "e");
    }
}
