//! The dateline at the start of a first paragraph, matched by hand.
//!
//! Input: a repaired line. Output: where its dateline ("WASHINGTON
//! (Reuters)") ends and where the story text after it starts. Method: the
//! regex
//! `^(\p{Lu}[\p{Lu}\d.,'’ ]{1,40}?(?:\s*\([^()]{2,40}\))?)\s+[-–—]+\s+(?:((?:\p{Ll}[\p{Ll}'-]*\s+){1,3})(\p{Lu}))?`
//! followed step by step, in the order its backtracking tries things.
//! Compiling that regex (40 copies of Unicode's uppercase class, 40 of
//! "not a parenthesis") cost about 60 M instructions, more than cleaning
//! 300 articles; the classes here are the regex crate's own tables, read
//! once, so the match is the same.

use std::sync::LazyLock;

use regex_syntax::hir::{Class, HirKind};

/// A Unicode class as sorted ranges, from the regex crate's own tables.
struct CharClass(Vec<(char, char)>);

impl CharClass {
    fn of(pattern: &str) -> CharClass {
        let hir = regex_syntax::Parser::new().parse(pattern).expect("a Unicode class");
        let HirKind::Class(Class::Unicode(class)) = hir.kind() else {
            panic!("{pattern} is not a Unicode class")
        };
        CharClass(class.ranges().iter().map(|r| (r.start(), r.end())).collect())
    }

    fn contains(&self, c: char) -> bool {
        self.0
            .binary_search_by(|&(lo, hi)| {
                if hi < c {
                    std::cmp::Ordering::Less
                } else if lo > c {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            })
            .is_ok()
    }
}

static UPPER: LazyLock<CharClass> = LazyLock::new(|| CharClass::of(r"\p{Lu}"));
static LOWER: LazyLock<CharClass> = LazyLock::new(|| CharClass::of(r"\p{Ll}"));
static DIGIT: LazyLock<CharClass> = LazyLock::new(|| CharClass::of(r"\d"));
static SPACE: LazyLock<CharClass> = LazyLock::new(|| CharClass::of(r"\s"));

fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_uppercase()
    } else {
        UPPER.contains(c)
    }
}

fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_lowercase()
    } else {
        LOWER.contains(c)
    }
}

fn is_space(c: char) -> bool {
    if c.is_ascii() {
        matches!(c, ' ' | '\t' | '\n' | '\x0B' | '\x0C' | '\r')
    } else {
        SPACE.contains(c)
    }
}

/// `[\p{Lu}\d.,'’ ]`
fn is_head_char(c: char) -> bool {
    matches!(c, '.' | ',' | '\'' | '’' | ' ')
        || is_upper(c)
        || if c.is_ascii() { c.is_ascii_digit() } else { DIGIT.contains(c) }
}

/// The end of a run of at least one char of `class` at `at`.
fn run(s: &str, at: usize, class: impl Fn(char) -> bool) -> Option<usize> {
    let len: usize = s[at..].chars().take_while(|&c| class(c)).map(char::len_utf8).sum();
    (len > 0).then_some(at + len)
}

/// A dateline at the start of `s`: the end of the dateline (the regex's
/// group 1) and where the story starts (group 3, the capital after up to
/// three lowercase tag words, else the end of the match).
pub(crate) fn find(s: &str) -> Option<(usize, usize)> {
    let mut chars = s.char_indices();
    let (_, first) = chars.next()?;
    if !is_upper(first) {
        return None;
    }
    // `{1,40}?`: the shortest head first.
    for _ in 0..40 {
        let (at, c) = chars.next()?;
        if !is_head_char(c) {
            return None;
        }
        let head_end = at + c.len_utf8();
        // The parenthesis is tried first, then without it.
        if let Some(end) = parenthesis(s, head_end) {
            if let Some(text) = after_head(s, end) {
                return Some((end, text));
            }
        }
        if let Some(text) = after_head(s, head_end) {
            return Some((head_end, text));
        }
    }
    None
}

/// `\s*\([^()]{2,40}\)` at `at`: its end. No backtracking can help it:
/// the spaces cannot be the "(", the other chars cannot be the ")".
fn parenthesis(s: &str, at: usize) -> Option<usize> {
    let at = run(s, at, is_space).unwrap_or(at);
    let inner = s[at..].strip_prefix('(')?;
    let (n, len) = inner
        .chars()
        .take_while(|&c| c != '(' && c != ')')
        .fold((0, 0), |(n, len), c| (n + 1, len + c.len_utf8()));
    ((2..=40).contains(&n) && inner[len..].starts_with(')'))
        .then(|| s.len() - inner.len() + len + 1)
}

/// `\s+[-–—]+\s+(?:((?:\p{Ll}[\p{Ll}'-]*\s+){1,3})(\p{Lu}))?` at `at`:
/// where the story starts. Every run is greedy and what follows it can
/// never match its chars, so there is nothing to backtrack into.
fn after_head(s: &str, at: usize) -> Option<usize> {
    let at = run(s, at, is_space)?;
    let at = run(s, at, |c| matches!(c, '-' | '–' | '—'))?;
    let end = run(s, at, is_space)?;
    // Up to three lowercase words, then a capital; with fewer words the
    // next char starts a lowercase word, never a capital.
    let mut word_end = end;
    let mut n_words = 0;
    while n_words < 3 {
        let Some(c) = s[word_end..].chars().next().filter(|&c| is_lower(c)) else { break };
        let rest = run(s, word_end + c.len_utf8(), |c| is_lower(c) || c == '\'' || c == '-')
            .unwrap_or(word_end + c.len_utf8());
        let Some(next) = run(s, rest, is_space) else { break };
        (word_end, n_words) = (next, n_words + 1);
    }
    let capital = n_words > 0 && s[word_end..].chars().next().is_some_and(is_upper);
    Some(if capital { word_end } else { end })
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use regex::Regex;

    use super::*;

    /// The regex this module follows, compiled for the tests only.
    static RE: LazyLock<Regex> = LazyLock::new(|| Regex::new(PATTERN).unwrap());

    fn regex_find(s: &str) -> Option<(usize, usize)> {
        let caps = RE.captures(s)?;
        let head = caps.get(1)?.end();
        Some((head, caps.get(3).map_or_else(|| caps.get(0).map_or(0, |m| m.end()), |m| m.start())))
    }

    static PATTERN: &str = r"^(\p{Lu}[\p{Lu}\d.,'’ ]{1,40}?(?:\s*\([^()]{2,40}\))?)\s+[-–—]+\s+(?:((?:\p{Ll}[\p{Ll}'-]*\s+){1,3})(\p{Lu}))?";

    #[test]
    fn datelines() {
        for s in [
            "WASHINGTON (Reuters) - Officials said on Monday.",
            "AKIPRESS.COM - the news agency reports Bishkek is calm.",
            "LILLE (Wire) -- Bakers closed their shops.",
            "NEW YORK, May 3 - shares rose.",
            "ÉVRY — Le maire a dit.",
            "Washington - not a dateline head",
            "A  (xy) - b c d E",
            "BERLIN (dpa) – in short Merkel said",
        ] {
            assert_eq!(find(s), regex_find(s), "{s}");
        }
        assert_eq!(find("WASHINGTON (Reuters) - Officials said."), Some((20, 23)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2048))]

        /// The same answer as the regex on lines made of the pieces it looks at.
        #[test]
        fn same_as_the_regex(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "WASHINGTON", "A", "É", "ß", "ǅ", "Ⅳ", "ª", "1", "٣", ".", ",", "'", "’", " ", "  ",
                "\u{a0}", "\t", "(", ")", "(Reuters)", "(a)", "-", "–", "—", "--", "in", "short",
                "a'b-c", "Officials", "x", "dpa", "ABCDEFGHIJKLMNOPQRST",
            ]),
            0..16,
        )) {
            let s: String = parts.concat();
            prop_assert_eq!(find(&s), regex_find(&s), "{:?}", s);
        }
    }
}
