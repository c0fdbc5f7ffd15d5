//! Clean: text repair for articles that arrive already stripped of HTML.
//!
//! Input: the raw article text. Output: [`Clean`] — the story text
//! (paragraphs separated by one blank line), an [`OffsetMap`] back into the
//! raw text, the title, the dateline prefix, the detected language, and the
//! fate of every raw line ([`Fate`]) so that nothing disappears unexplained.
//! Method: repair each line's characters ([`normalize`]), then classify the
//! lines: chrome by whole-line patterns ([`chrome`]); the head block (short
//! lines before the first sentence) gives the title, section labels and
//! date/source lines; a footer starts at a strong footer marker; trailing
//! non-sentences are unrelated headlines; lines broken mid-sentence are
//! joined; a paragraph equal to or contained in another is a repeat (the
//! longer is kept). Conservative by construction: a line that reads as a
//! sentence is never dropped except as a repeat.

pub(crate) mod chrome;
mod normalize;

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
    /// The repaired line (characters fixed, whitespace collapsed).
    pub content: String,
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
}

impl Clean {
    /// The lines with a given fate.
    pub fn lines_with(&self, fate: Fate) -> impl Iterator<Item = &Line> {
        self.lines.iter().filter(move |l| l.fate == fate)
    }
}

/// Cleans raw article text. Deterministic and idempotent on its own output.
pub fn clean(raw: &str, config: &CleanConfig) -> Clean {
    let ptb = normalize::looks_ptb(raw);
    let mut lines = Vec::new();
    let mut runs = Vec::new();
    let mut offset = 0;
    for (i, piece) in raw.split_inclusive('\n').enumerate() {
        let body = piece.trim_end_matches(['\n', '\r']);
        let norm = normalize::normalize_line(body, offset, ptb);
        let fate = if norm.text.is_empty() { Fate::Blank } else { Fate::Body };
        lines.push(Line {
            number: i as u32 + 1,
            span: offset..offset + body.len(),
            fate,
            content: norm.text,
        });
        runs.push(norm.runs);
        offset += piece.len();
    }
    let mut starts = vec![0usize; lines.len()];
    let facts: Vec<LineFacts> = lines.iter().map(|l| LineFacts::of(&l.content)).collect();

    mark_chrome(&mut lines, &facts);
    mark_joins(&mut lines, &facts);
    let paras = paragraphs(&lines, &facts);
    let title = mark_head(&mut lines, &paras, raw);
    let dateline = cut_dateline(&lines, &mut starts);
    mark_footer(&mut lines, &paras);
    let line_keys: Vec<String> = lines
        .iter()
        .zip(&starts)
        .map(|(l, &start)| match l.fate {
            Fate::Body | Fate::Joined => repeat_key(&l.content[start..]),
            _ => String::new(),
        })
        .collect();
    // Each rule below only drops paragraphs, and a drop can expose more
    // work for another (a repeat removed makes a new last paragraph), so
    // they run until nothing changes: then the text is a fixed point and
    // cleaning it again changes nothing.
    // A drop can also bring two lines together that a join now applies to,
    // so joins and paragraphs are found again on each round.
    let mut paras = paras;
    loop {
        let n_kept = lines.iter().filter(|l| l.fate == Fate::Body).count();
        mark_edges(&mut lines, &paras);
        mark_repeats(&mut lines, &line_keys);
        mark_joins(&mut lines, &facts);
        if lines.iter().filter(|l| l.fate == Fate::Body).count() == n_kept {
            break;
        }
        paras = paragraphs(&lines, &facts);
    }

    let (text, offsets) = assemble(&lines, &runs, &starts);
    let language = if config.detect_language { detect_language(&text) } else { None };
    Clean { text, offsets, title, dateline, language, lines }
}

/// Cheap facts about a line, computed once.
struct LineFacts {
    n_words: usize,
    /// Ends with sentence punctuation.
    terminal: bool,
    n_commas: usize,
}

impl LineFacts {
    fn of(content: &str) -> LineFacts {
        // Repaired lines are trimmed and hold single spaces only.
        let n_words = if content.is_empty() {
            0
        } else {
            memchr::memchr_iter(b' ', content.as_bytes()).count() + 1
        };
        let last = content.trim_end().chars().last();
        let terminal =
            matches!(last, Some('.' | '!' | '?' | '"' | '\'' | ')' | ':' | ';' | '…' | '»'));
        let n_commas = memchr::memchr_iter(b',', content.as_bytes()).count();
        LineFacts { n_words, terminal, n_commas }
    }
}

fn mark_chrome(lines: &mut [Line], facts: &[LineFacts]) {
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
        if let Some(kind) = chrome::classify(&line.content, f.n_words) {
            after_address = kind == Chrome::Contact && line.content.trim_end().ends_with(':');
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

/// A paragraph: a `Body` line and the `Joined` lines after it.
struct Para {
    /// Index of the `Body` line.
    first: usize,
    /// Indexes of its `Joined` lines.
    joined: Vec<usize>,
    n_words: usize,
    n_commas: usize,
    /// Ends like a sentence, or is too long or busy to be anything else.
    sentence: bool,
}

fn paragraphs(lines: &[Line], facts: &[LineFacts]) -> Vec<Para> {
    let mut paras: Vec<Para> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match line.fate {
            Fate::Body => paras.push(Para {
                first: i,
                joined: Vec::new(),
                n_words: 0,
                n_commas: 0,
                sentence: false,
            }),
            Fate::Joined => match paras.last_mut() {
                Some(p) => p.joined.push(i),
                None => continue,
            },
            _ => continue,
        }
        let p = paras.last_mut().expect("a paragraph was just pushed");
        p.n_words += facts[i].n_words;
        p.n_commas += facts[i].n_commas;
        // Headlines are short and rarely hold two commas; anything longer
        // or busier is prose even when its final stop was lost.
        p.sentence = facts[i].terminal || p.n_words > 20 || (p.n_words > 8 && p.n_commas >= 2);
    }
    paras
}

fn set_fate(lines: &mut [Line], para: &Para, fate: Fate) {
    lines[para.first].fate = fate;
    for &j in &para.joined {
        lines[j].fate = fate;
    }
}

/// The head block: the paragraphs before the first sentence. Its short
/// lines are the title (a Markdown heading, else the first of four words
/// or more, else the longest of three), labels, and meta lines. Returns
/// the title.
fn mark_head(lines: &mut [Line], paras: &[Para], raw: &str) -> Option<String> {
    let first_sentence = paras.iter().position(|p| p.sentence)?;
    let mut best: Option<(usize, (bool, bool, usize))> = None;
    for para in &paras[..first_sentence] {
        let i = para.first;
        if para.joined.is_empty() && is_meta_line(&lines[i].content) {
            lines[i].fate = Fate::Meta;
            continue;
        }
        set_fate(lines, para, Fate::Label);
        let heading = raw[lines[i].span.clone()].trim_start().starts_with('#');
        // Section labels are one to three words; the headline is the first longer line.
        let rank = (heading, para.n_words >= 4, if para.n_words >= 4 { 0 } else { para.n_words });
        if para.joined.is_empty() && para.n_words >= 3 && best.is_none_or(|(_, r)| rank > r) {
            best = Some((i, rank));
        }
    }
    let (i, _) = best?;
    lines[i].fate = Fate::Title;
    Some(lines[i].content.clone())
}

static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\p{Lu}[\p{Lu}\d.,'’ ]{1,40}?(?:\s*\([^()]{2,40}\))?)\s+[-–—]+\s+(?:((?:\p{Ll}[\p{Ll}'-]*\s+){1,3})(\p{Lu}))?")
        .expect("dateline regex")
});

/// Cuts a dateline prefix ("WASHINGTON (Reuters) - ", "AKIPRESS.COM - ")
/// from the first paragraph, with the lowercase tag words some sites put
/// right after it. Returns the dateline.
fn cut_dateline(lines: &[Line], starts: &mut [usize]) -> Option<String> {
    let i = lines.iter().position(|l| l.fate == Fate::Body)?;
    let caps = DATELINE.captures(&lines[i].content)?;
    let head = caps.get(1)?.as_str().trim();
    // A dateline is mostly capitals: "AKIPRESS.COM", "WASHINGTON (Reuters)".
    let letters: Vec<char> =
        head.chars().take_while(|&c| c != '(').filter(|c| c.is_alphabetic()).collect();
    if letters.len() < 2 || letters.iter().any(|c| c.is_lowercase()) {
        return None;
    }
    starts[i] = match caps.get(3) {
        Some(m) => m.start(),
        None => caps.get(0)?.end(),
    };
    Some(head.to_string())
}

fn starts_lowercase(content: &str) -> bool {
    content.chars().next().is_some_and(char::is_lowercase)
}

/// Joins lines broken mid-sentence: a kept line that does not end with
/// sentence punctuation, then one that starts in lowercase, whatever was
/// dropped between.
fn mark_joins(lines: &mut [Line], facts: &[LineFacts]) {
    let mut prev: Option<usize> = None;
    for (i, line) in lines.iter_mut().enumerate() {
        match line.fate {
            Fate::Body => {
                if prev.is_some_and(|p| !facts[p].terminal) && starts_lowercase(&line.content) {
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
fn mark_footer(lines: &mut [Line], paras: &[Para]) {
    let mut seen_sentence = false;
    let mut k = 0;
    for i in 0..lines.len() {
        while k < paras.len() && paras[k].first < i {
            k += 1;
        }
        if k < paras.len() && paras[k].first == i && paras[k].sentence {
            seen_sentence = true;
        }
        if let Fate::Chrome(c) = lines[i].fate {
            if c.starts_footer(&lines[i].content) && seen_sentence {
                for para in paras.iter().filter(|p| p.first > i && p.n_words <= 30) {
                    set_fate(lines, para, Fate::Chrome(Chrome::Navigation));
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
fn mark_edges(lines: &mut [Line], paras: &[Para]) {
    let kept: Vec<&Para> = paras.iter().filter(|p| lines[p.first].fate == Fate::Body).collect();
    let Some(first) = kept.iter().position(|p| p.sentence) else { return };
    let last = kept.iter().rposition(|p| p.sentence).unwrap_or(first);
    for para in &kept[..first] {
        set_fate(lines, para, Fate::Label);
    }
    let story_end = kept[last].joined.last().copied().unwrap_or(kept[last].first);
    for para in &kept[last + 1..] {
        let chrome_between =
            lines[story_end + 1..para.first].iter().any(|l| matches!(l.fate, Fate::Chrome(_)));
        if chrome_between {
            set_fate(lines, para, Fate::Headline);
        }
    }
}

/// Lowercase words of a paragraph, for repeat detection: quote marks,
/// apostrophes and punctuation do not count.
fn repeat_key(text: &str) -> String {
    if text.is_ascii() {
        // Every line goes through here: written into a buffer of the final
        // bound (a key is never longer than its text: a space stands for
        // at least one dropped byte), without a capacity check per byte.
        let mut key = vec![0u8; text.len()];
        let mut n = 0;
        let mut in_word = false;
        for &c in text.as_bytes() {
            if c.is_ascii_alphanumeric() {
                if !in_word && n > 0 {
                    key[n] = b' ';
                    n += 1;
                }
                in_word = true;
                key[n] = c.to_ascii_lowercase();
                n += 1;
            } else if c != b'\'' {
                in_word = false;
            }
        }
        key.truncate(n);
        return String::from_utf8(key).unwrap_or_default();
    }
    let mut key = String::with_capacity(text.len());
    let mut in_word = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if !in_word && !key.is_empty() {
                key.push(' ');
            }
            in_word = true;
            if c.is_ascii() {
                key.push(c.to_ascii_lowercase());
            } else {
                key.extend(c.to_lowercase());
            }
        } else if c != '\'' {
            in_word = false;
        }
    }
    key
}

/// Marks paragraphs equal to an earlier one, or contained in a longer one
/// (at least six words), as repeats; the first, or the longer, is kept.
fn mark_repeats(lines: &mut [Line], line_keys: &[String]) {
    let mut keys: Vec<(usize, String)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        match line.fate {
            Fate::Body => keys.push((i, line_keys[i].clone())),
            Fate::Joined => {
                if let Some((_, key)) = keys.last_mut() {
                    if !key.is_empty() && !line_keys[i].is_empty() {
                        key.push(' ');
                    }
                    key.push_str(&line_keys[i]);
                }
            }
            _ => {}
        }
    }
    let mut first_seen: FxHashMap<&str, usize> = FxHashMap::default();
    let mut repeat_of: Vec<Option<usize>> = vec![None; keys.len()];
    for (k, (line, key)) in keys.iter().enumerate() {
        if key.is_empty() {
            continue;
        }
        match first_seen.get(key.as_str()) {
            Some(&first) => repeat_of[k] = Some(first),
            None => {
                first_seen.insert(key, *line);
            }
        }
    }
    // Containment: a paragraph of six words or more inside a longer one.
    // Index the needles by their first word trigram, then walk every
    // paragraph's trigrams once: near-linear in the length of the article.
    let mut needles: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (a, (_, key)) in keys.iter().enumerate() {
        if repeat_of[a].is_none() && key.bytes().filter(|&b| b == b' ').count() >= 5 {
            if let Some((_, first)) = word_trigrams(key).next() {
                needles.entry(first).or_default().push(a);
            }
        }
    }
    if !needles.is_empty() {
        for (b, (line_b, key_b)) in keys.iter().enumerate() {
            if repeat_of[b].is_some() {
                continue;
            }
            for (at, t) in word_trigrams(key_b) {
                let Some(candidates) = needles.get(t) else { continue };
                for &a in candidates {
                    let key_a = &keys[a].1;
                    // The trigram starts a word of `key_b`: the needle must follow from here.
                    let rest = &key_b[at..];
                    let fits = rest.starts_with(key_a.as_str())
                        && (rest.len() == key_a.len() || rest.as_bytes()[key_a.len()] == b' ');
                    if a != b && repeat_of[a].is_none() && key_b.len() > key_a.len() && fits {
                        repeat_of[a] = Some(*line_b);
                    }
                }
            }
        }
    }
    for (k, of) in repeat_of.into_iter().enumerate() {
        if let Some(of) = of {
            let line = keys[k].0;
            let of_number = lines[of].number;
            lines[line].fate = Fate::Repeat(of_number);
            for next in lines[line + 1..].iter_mut() {
                match next.fate {
                    Fate::Joined => next.fate = Fate::Repeat(of_number),
                    Fate::Blank => {}
                    _ => break,
                }
            }
        }
    }
}

/// The runs of three consecutive words of a space-separated key.
fn word_trigrams(key: &str) -> impl Iterator<Item = (usize, &str)> {
    let bytes = key.as_bytes();
    let mut spaces = memchr::memchr_iter(b' ', bytes);
    let mut bounds = [0usize; 3];
    let (b1, b2) = (spaces.next(), spaces.next());
    let mut ok = b1.is_some() && b2.is_some();
    if let (Some(b1), Some(b2)) = (b1, b2) {
        bounds = [0, b1 + 1, b2 + 1];
    }
    std::iter::from_fn(move || {
        if !ok {
            return None;
        }
        let end = match spaces.next() {
            Some(sp) => sp,
            None => {
                ok = false;
                key.len()
            }
        };
        let t = (bounds[0], &key[bounds[0]..end]);
        bounds = [bounds[1], bounds[2], end + 1];
        Some(t)
    })
}

/// Builds the text from kept lines: a paragraph per `Body` line, `Joined`
/// lines appended with a space; paragraphs separated by a blank line.
fn assemble(lines: &[Line], runs: &[Vec<(u32, u32)>], starts: &[usize]) -> (String, OffsetMap) {
    let mut text = String::new();
    let mut map = OffsetMap::default();
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
        let line_runs = &runs[i];
        let first = line_runs.partition_point(|&(c, _)| c as usize <= start).saturating_sub(1);
        for (k, &(c, r)) in line_runs.iter().enumerate().skip(first) {
            let c = c as usize;
            let (c, r) =
                if k == first { (start, r as usize + (start - c)) } else { (c, r as usize) };
            map.push(base + c - start, r);
        }
        text.push_str(&line.content[start..]);
    }
    (text, map)
}

fn detect_language(text: &str) -> Option<String> {
    let sample = &text[..normalize::floor_char_boundary(text, 600)];
    // Fast path: English news is most of the input, and its commonest
    // words make up a third of any English text; whatlang decides the rest.
    let (mut n_words, mut n_common) = (0usize, 0usize);
    for w in sample.split_ascii_whitespace().take(80) {
        n_words += 1;
        let w = w.trim_matches(|c: char| c.is_ascii_punctuation());
        if w.len() > 5 || w.bytes().any(|c| !c.is_ascii_alphabetic()) {
            continue;
        }
        let mut buf = [0u8; 5];
        buf[..w.len()].copy_from_slice(w.as_bytes());
        buf.make_ascii_lowercase();
        let w = std::str::from_utf8(&buf[..w.len()]).unwrap_or("");
        n_common += usize::from(matches!(
            w,
            "the"
                | "of"
                | "and"
                | "to"
                | "in"
                | "a"
                | "is"
                | "that"
                | "for"
                | "on"
                | "said"
                | "with"
                | "was"
                | "as"
                | "by"
                | "it"
                | "at"
                | "from"
                | "his"
                | "he"
                | "has"
                | "have"
                | "be"
                | "are"
                | "an"
                | "were"
                | "had"
                | "which"
                | "not"
                | "but"
                | "this"
                | "its"
                | "their"
                | "they"
                | "after"
        ));
    }
    if n_words >= 8 && n_common * 4 >= n_words {
        return Some("eng".to_string());
    }
    // Too little text for whatlang's trigrams to be trusted.
    if n_words < 20 {
        return None;
    }
    let info = whatlang::detect(sample)?;
    info.is_reliable().then(|| info.lang().code().to_string())
}

#[cfg(test)]
mod tests;
