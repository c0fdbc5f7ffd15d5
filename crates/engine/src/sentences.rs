//! English sentence splitting for clean article text.
//!
//! Input: a clean text (paragraphs separated by blank lines).
//! Output: the byte span of each sentence, trimmed, in order; spans never
//! cross a paragraph break.
//! Method: a sentence ends at `.`, `!` or `?` (with any closing quotes or
//! brackets after it) followed by white space and a plausible sentence
//! start (a capital, a digit, an opening quote). A period does not end a
//! sentence after a known abbreviation ("Mr.", "Sen.", "Jan."), a single
//! capital (an initial, "John F. Kennedy") or a dotted acronym ("U.S.")
//! unless what follows is a word that usually starts a sentence ("The",
//! "He"). A line break inside a paragraph ends a sentence only when the
//! line before it ends like one (tokenized corpora put one per line).

use std::ops::Range;

/// Abbreviations after which a period does not end a sentence (compared
/// lowercase, without the period).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "cpl",
    "maj", "adm", "cmdr", "st", "jr", "sr", "rev", "hon", "pres", "supt", "insp", "det", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mon", "tue",
    "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "no", "nos", "vs", "v", "inc", "corp",
    "co", "ltd", "bros", "dept", "univ", "assn", "ave", "blvd", "rd", "mt", "ft", "approx", "est",
    "fig", "e.g", "i.e", "al", "cf", "ca", "pp", "vol", "op", "ed", "calif", "mass", "conn", "fla",
    "ill", "mich", "minn", "tenn", "wash", "ariz", "colo", "okla", "penn", "pa", "va", "md", "ga",
];

/// Words that, after a dotted acronym ("U.S."), start a new sentence.
const STARTERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "This",
    "That",
    "These",
    "Those",
    "But",
    "And",
    "In",
    "On",
    "At",
    "His",
    "Her",
    "Its",
    "Their",
    "There",
    "Officials",
    "Mr",
    "Mrs",
    "Ms",
    "When",
    "While",
    "After",
    "Before",
    "As",
    "If",
    "Some",
    "Many",
    "Most",
];

/// The sentences of `text` as byte spans (see the module header).
pub fn split(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    for para in paragraphs(text) {
        let mut start = para.start;
        let bytes = text.as_bytes();
        let mut i = para.start;
        while i < para.end {
            let b = bytes[i];
            if b == b'\n' {
                // A line break ends a sentence when the line ends like one.
                let line = text[start..i].trim_end();
                if line.ends_with(['.', '!', '?', '"', '\'', ')', '”', '’', ':'])
                    || line.ends_with("''")
                {
                    push(text, start..i, &mut out);
                    start = i + 1;
                }
                i += 1;
                continue;
            }
            if !matches!(b, b'.' | b'!' | b'?') {
                i += 1;
                continue;
            }
            // Swallow repeated terminators and closing quotes / brackets.
            let mut end = i + 1;
            while end < para.end {
                let rest = &text[end..];
                let c = rest.chars().next().unwrap_or(' ');
                if matches!(c, '.' | '!' | '?' | '"' | '\'' | ')' | ']' | '”' | '’') {
                    end += c.len_utf8();
                } else if rest.starts_with(" ''") || rest.starts_with(" -RRB-") {
                    // PTB-tokenized closing quote or bracket after the period.
                    end += if rest.starts_with(" ''") { 3 } else { 6 };
                } else {
                    break;
                }
            }
            if end < para.end && !text[end..].starts_with(char::is_whitespace) {
                i = end;
                continue;
            }
            let next = text[end..para.end].trim_start();
            if next.is_empty() {
                i = end;
                continue;
            }
            if b == b'.' && !ends_sentence(&text[start..i], next) {
                i = end;
                continue;
            }
            if !starts_sentence(next) {
                i = end;
                continue;
            }
            push(text, start..end, &mut out);
            start = end;
            i = end;
        }
        push(text, start..para.end, &mut out);
    }
    out
}

/// The spans of the paragraphs of `text` (split at blank lines).
fn paragraphs(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut pos = 0;
    for line in text.split_inclusive('\n') {
        let end = pos + line.len();
        if line.trim().is_empty() {
            if pos > start {
                out.push(start..pos);
            }
            start = end;
        }
        pos = end;
    }
    if pos > start {
        out.push(start..pos);
    }
    out
}

/// Pushes `span` trimmed, if anything is left.
fn push(text: &str, span: Range<usize>, out: &mut Vec<Range<usize>>) {
    let s = &text[span.clone()];
    let lead = s.len() - s.trim_start().len();
    let trimmed = s.trim();
    if !trimmed.is_empty() {
        out.push(span.start + lead..span.start + lead + trimmed.len());
    }
}

/// Whether a period after `before` ends the sentence, given what follows.
fn ends_sentence(before: &str, next: &str) -> bool {
    let word = before.rsplit(|c: char| c.is_whitespace() || c == '(' || c == '"').next();
    let Some(word) = word.filter(|w| !w.is_empty()) else {
        // A period standing alone (tokenized text: "end .").
        return true;
    };
    let word = word.trim_start_matches(['“', '‘', '\'']);
    let lower = word.to_lowercase();
    if ABBREVIATIONS.contains(&lower.as_str()) {
        return false;
    }
    let mut chars = word.chars();
    // An initial: "John F. Kennedy".
    if let (Some(c), None) = (chars.next(), chars.next()) {
        if c.is_uppercase() {
            return false;
        }
    }
    // A dotted acronym: "U.S", "U.N", "a.m" — ends only before a usual
    // sentence starter.
    if word.contains('.') && word.split('.').all(|p| p.chars().count() <= 2) {
        let first = next.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
        return STARTERS.contains(&first);
    }
    true
}

/// Whether `next` can begin a sentence.
fn starts_sentence(next: &str) -> bool {
    let c = next.chars().next().unwrap_or(' ');
    c.is_uppercase()
        || c.is_ascii_digit()
        || matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '`' | '-' | '—')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sents(text: &str) -> Vec<&str> {
        split(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn abbreviations_initials_and_acronyms() {
        let text = "Mr. Smith met Sen. Jones on Jan. 5 in Washington. The U.S. Senate voted. \
                    John F. Kennedy was there. He left the U.S. The talks ended.\n\n\
                    \"We are done,\" she said. Is it over? Yes!";
        assert_eq!(
            sents(text),
            [
                "Mr. Smith met Sen. Jones on Jan. 5 in Washington.",
                "The U.S. Senate voted.",
                "John F. Kennedy was there.",
                "He left the U.S.",
                "The talks ended.",
                "\"We are done,\" she said.",
                "Is it over?",
                "Yes!",
            ]
        );
    }

    #[test]
    fn tokenized_lines_and_lowercase_continuations() {
        let text = "Oil spilled into the gulf .\nBP said it was sorry .\nThe cost was 3.5 bn. \
                    dollars according to e.g. analysts";
        assert_eq!(
            sents(text),
            [
                "Oil spilled into the gulf .",
                "BP said it was sorry .",
                "The cost was 3.5 bn. dollars according to e.g. analysts"
            ]
        );
    }

    #[test]
    fn quotes_close_the_sentence() {
        let text = "He said: \"It is over.\" Then he left. `` We won . '' The crowd cheered.";
        assert_eq!(
            sents(text),
            ["He said: \"It is over.\"", "Then he left.", "`` We won . ''", "The crowd cheered."]
        );
    }

    proptest::proptest! {
        #[test]
        fn spans_are_ordered_trimmed_and_on_boundaries(text in "\\PC{0,200}") {
            let spans = split(&text);
            let mut last = 0;
            for s in spans {
                proptest::prop_assert!(s.start >= last && s.start < s.end);
                proptest::prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                let t = &text[s.clone()];
                proptest::prop_assert_eq!(t, t.trim());
                last = s.end;
            }
        }
    }
}
