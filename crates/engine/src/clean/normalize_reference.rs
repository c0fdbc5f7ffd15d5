//! The line repair as it was before the Treebank path was reworked (session
//! 11, branch `norm`), kept as the reference that the proptests of
//! `normalize` compare the new code with. Test-only; not used otherwise.
//! Only the functions that changed are here; the rest are `normalize`'s own.

use super::{
    is_plain, is_plain_byte, mojibake, plain_run_end, ptb_token, push_repaired, runs_to_raw,
    strip_markdown_heading, Builder,
};

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
