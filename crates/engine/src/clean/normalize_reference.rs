//! The line repair as it was before the Treebank path was reworked (session
//! 11, branch `norm`), kept as the reference that the proptests of
//! `normalize` compare the new code with. Test-only; not used otherwise.

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
pub(super) fn normalize_line(
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
    let body = strip_markdown_heading(line);
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
        // the glued-quote rule can only apply to its first char).
        let run = bytes[i..].iter().position(|&c| !is_plain_byte(c)).unwrap_or(s.len() - i);
        if run > 0 {
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
fn detokenize(s: &str, base: usize, b: &mut Builder) {
    let bytes = s.as_bytes();
    let mut glue_next = false;
    let mut pos = 0;
    while pos <= s.len() {
        let tok_start = pos;
        let raw = base + tok_start;
        // Fast path, most of the text: a stretch of plain words one space
        // apart, which no Treebank rule below matches (those start with
        // punctuation or a quote, or are "n't"), comes out exactly as it
        // is in the raw: one scan, one copy and one offset run for the
        // whole stretch up to the next Treebank token.
        if bytes.get(pos).is_some_and(u8::is_ascii_alphanumeric) {
            let end = plain_stretch_end(bytes, pos);
            if end > pos {
                if !b.is_empty() && !glue_next && b.pending_space.is_none() {
                    // The space before the stretch is the raw byte before
                    // it, so both share one offset run; and a space before
                    // it rules out the glued-quote rule.
                    b.mark(b.len(), raw.saturating_sub(1));
                    b.text.push(' ');
                    b.text.push_str(&s[pos..end]);
                } else {
                    if !b.is_empty() && !glue_next {
                        b.space(raw.saturating_sub(1));
                    }
                    b.push_plain_run(&s[pos..end], raw);
                }
                glue_next = false;
                pos = end + 1;
                continue;
            }
        }
        // The commonest Treebank token, punctuation of one byte that
        // glues to the word before (a third of all tokens that are not
        // plain words): what the general path below does with it, with
        // none of its checks (when no space is pending, as between tokens).
        if let Some(&c @ (b',' | b'.' | b';' | b':' | b'!' | b'?' | b'%')) = bytes.get(pos) {
            if bytes.get(pos + 1).is_none_or(|&next| next == b' ') && b.pending_space.is_none() {
                b.mark(b.len(), raw);
                b.text.push(char::from(c));
                glue_next = false;
                pos += 2;
                continue;
            }
        }
        // Tokens are what `s.split(' ')` gives; most are a few bytes long.
        let tok_end = bytes[pos..].iter().position(|&c| c == b' ').map_or(s.len(), |i| pos + i);
        let token = &s[tok_start..tok_end];
        pos = tok_end + 1;
        if token.is_empty() {
            continue;
        }
        // Printable ASCII with no character a repair changes.
        let plain = token.bytes().all(|c| c.is_ascii_graphic() && c != b'*' && c != b'\\');
        // A plain word that the stretch above did not take (it holds a
        // `"`): pushed as it is, then the plain words after it.
        let first = token.as_bytes()[0];
        if plain && first.is_ascii_alphanumeric() && token != "n't" && token != "N'T" {
            if !b.is_empty() && !glue_next {
                b.space(raw.saturating_sub(1));
            }
            b.push_ascii_run(token, raw);
            glue_next = false;
            let run_end = plain_run_end(s.as_bytes(), tok_end);
            if run_end > tok_end {
                b.mark(b.len(), base + tok_end);
                b.text.push_str(&s[tok_end..run_end]);
                pos = run_end + 1;
            }
            continue;
        }
        // Repair the token's characters first, so a curly "’s" is read as
        // "'s"; a plain ASCII token needs no repair.
        let mut tb = Builder {
            text: String::new(),
            start: 0,
            runs: Vec::new(),
            first: 0,
            pending_space: None,
        };
        let t = if plain {
            token
        } else {
            push_chars(token, raw, &mut tb);
            tb.text.as_str()
        };
        if t.is_empty() {
            continue;
        }
        let (out, glue_before, glue_after) = ptb_token(t.as_bytes());
        if !b.is_empty() && !glue_before && !glue_next {
            b.space(raw.saturating_sub(1));
        }
        match out {
            Some(out) => b.push(char::from(out), raw),
            None if plain => b.push_ascii_run(t, raw),
            None => {
                for (i, c) in t.char_indices() {
                    b.push(c, runs_to_raw(&tb.runs, i));
                }
            }
        }
        glue_next = glue_after;
    }
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
/// The bytes are looked at sixteen at a time ([`first_stop`]) for the few
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

/// Where the first of sixteen bytes that may end a stretch of plain words
/// is, `b[16]` being the byte after them: a byte no plain word holds (not
/// printable ASCII, or `"`, `*`, `\\`), an apostrophe (the "n't" token), or
/// a space not followed by a letter or digit. Every lane is decided with no
/// branch and no dependency on the others, so the compiler does the sixteen
/// with vector compares; the flags are then read as two words.
fn first_stop(b: &[u8; 17]) -> Option<usize> {
    let mut flags = [0u8; 16];
    for (i, flag) in flags.iter_mut().enumerate() {
        let (c, next) = (b[i], b[i + 1]);
        let bad = !(0x20..0x7f).contains(&c) || c == b'"' || c == b'*' || c == b'\\' || c == b'\'';
        let next_alnum = (next | 0x20).wrapping_sub(b'a') < 26 || next.wrapping_sub(b'0') < 10;
        *flag = u8::from(bad | (c == b' ' && !next_alnum));
    }
    let low = u64::from_le_bytes(flags[..8].try_into().expect("8 bytes"));
    let high = u64::from_le_bytes(flags[8..].try_into().expect("8 bytes"));
    if low != 0 {
        Some((low.trailing_zeros() / 8) as usize)
    } else if high != 0 {
        Some(8 + (high.trailing_zeros() / 8) as usize)
    } else {
        None
    }
}

/// The first position at or after `from` that may end a stretch of plain
/// words (see [`first_stop`]), or the length of `bytes`. The last bytes
/// are looked at in a copy padded with zeros, which stop a stretch as the
/// end of the line does.
fn next_stop(bytes: &[u8], mut from: usize) -> usize {
    let n = bytes.len();
    while from + 17 <= n {
        let chunk: &[u8; 17] = bytes[from..from + 17].try_into().expect("17 bytes");
        if let Some(i) = first_stop(chunk) {
            return from + i;
        }
        from += 16;
    }
    if from >= n {
        return n;
    }
    let mut padded = [0u8; 17];
    padded[..n - from].copy_from_slice(&bytes[from..]);
    from + first_stop(&padded).unwrap_or(n - from)
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
