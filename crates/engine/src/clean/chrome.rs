//! Site chrome: the lines a scraper keeps that are not the story.
//!
//! Input: one repaired line. Output: whether it is chrome, and of which
//! kind. Method: whole-line patterns, matched case-insensitively, and only
//! on short lines (a long line is prose, whatever words it contains), so
//! that no sentence of the story can be taken for chrome.

use std::sync::LazyLock;

use regex::RegexSet;

/// Why a line is chrome.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Chrome {
    /// Rules, dashes, bullets: no letters at all.
    Decoration,
    /// Log in, sign up, password prompts, subscriptions.
    Account,
    /// Copyright, "All rights reserved", republication terms.
    Rights,
    /// The site's postal address and e-mail.
    Contact,
    /// "Follow us", share bars, "follow @someone on Twitter".
    Social,
    /// "Related Articles", "Back to top", "Read more", "Advertisement".
    Navigation,
    /// "(AFP/Getty Images)", "Photo: Reuters".
    Credit,
    /// "Kaynak/Source:", "Source: Reuters".
    SourceFooter,
}

impl Chrome {
    /// Lowercase name for dumps and diagnostics.
    pub fn name(self) -> &'static str {
        match self {
            Chrome::Decoration => "decoration",
            Chrome::Account => "account",
            Chrome::Rights => "rights",
            Chrome::Contact => "contact",
            Chrome::Social => "social",
            Chrome::Navigation => "navigation",
            Chrome::Credit => "credit",
            Chrome::SourceFooter => "source_footer",
        }
    }

    /// Chrome that marks the start of a page footer, so that everything
    /// short after it belongs to the footer too: rights, a source footer, or
    /// a "related articles"-style list header. `line` is the chrome line.
    pub fn starts_footer(self, line: &str) -> bool {
        const LISTS: [&str; 8] = [
            "related",
            "back to top",
            "more stories",
            "read more",
            "you may also like",
            "recommended",
            "most read",
            "most popular",
        ];
        match self {
            Chrome::Rights | Chrome::SourceFooter => true,
            Chrome::Navigation => {
                let lower = line.to_lowercase();
                LISTS.iter().any(|l| lower.starts_with(l))
            }
            _ => false,
        }
    }
}

/// The word parts of the marks that a long line of chrome holds (see
/// [`has_mark`]), found with one SIMD pass (Teddy) over the line.
static MARK_WORDS: LazyLock<aho_corasick::packed::Searcher> = LazyLock::new(|| {
    let marks = ["ight", "ollow", "rohibit", "itation", "ermission", "(c)", "(C)"];
    aho_corasick::packed::Searcher::new(marks).expect("chrome marks")
});

/// True when a line holds one of the marks of rights, contact or social
/// chrome: "©", "@", "(c)", or a part of "copyright", "follow",
/// "prohibited", "citation", "permission". `ascii_at`: see
/// [`classify_known`].
fn has_mark(line: &str, ascii_at: Option<bool>) -> bool {
    let bytes = line.as_bytes();
    // "©" is C2 A9 in UTF-8; A9 alone ends other letters too ("é"). An
    // ASCII line holds no "©", and the caller knows whether it holds an "@".
    let sign = ascii_at.unwrap_or_else(|| {
        memchr::memchr2_iter(b'@', 0xA9, bytes)
            .any(|at| bytes[at] == b'@' || at > 0 && bytes[at - 1] == 0xC2)
    });
    sign || MARK_WORDS.find(bytes).is_some()
}

/// Longest line (in words) that can be chrome.
const MAX_WORDS: usize = 30;

/// The chrome patterns, matched against the lowercased line, each anchored
/// at its start; with [`ANYWHERE`], the rest of a kind's pattern. Every one
/// is written so that it compiles with Unicode off too (no non-ASCII char
/// inside a class: "»" and "›" are alternatives of their own), see
/// [`ASCII_PATTERNS`].
const TABLE: &[(Chrome, &str)] = &[
    (
        Chrome::Account,
        r"^(log ?in|log ?out|sign[ -]?in|sign[ -]?up|sign out|register( now)?|subscribe( now| today)?|password recovery|my account|create (an|your) account|newsletter)[.!]?$",
    ),
    (
        Chrome::Account,
        r"^(forgot (your )?password|not registered( yet)?|i have an account|already (have an account|a subscriber)|don'?t have an account|subscribe to|sign up (for|to)|log ?in to|register to)\b",
    ),
    (
        Chrome::Rights,
        r"^(©|\(c\)|copyright\b)|^(republication|reproduction|redistribution|reprinting)\b.*\b(prohibited|permission|agreement|forbidden)\b|^any (citation|use|reproduction)\b.*\b(hyperlink|permission|link)\b",
    ),
    (
        Chrome::Contact,
        r"^(our )?(address|contacts?|contact us|phone|tel\.?|fax|e-?mail)\s*:|^[\w.+-]+@[\w-]+\.[\w.]+[,;]?$",
    ),
    (
        Chrome::Social,
        r"^(follow us|share (this|on|via|article|story)|share$|tweet$|like us on|join us on|connect with us)|^follow @\w+",
    ),
    (
        Chrome::Navigation,
        r"^(related( articles| stories| posts| news| content| links| coverage| topics)?|read more|read also|see also|more (stories|news|on this story)|recommended( for you)?|most (read|popular|viewed)|you may also like|trending( now)?|top stories|latest news|back to top( button)?|advertisement|sponsored( content)?|skip to (main )?content|print( this)?( article| page)?|comments?|leave a comment|show comments|click here\b.*|scroll to continue.*|continue reading|next article|previous article|loading\.*|listen to (this )?article)(?:[.:!>]|»|›)*$",
    ),
    (
        Chrome::Credit,
        r"^\(?(photo|image|picture|foto|video|graphic|credit|photograph)s?( credit)?\s*[:/|]|^\((afp|ap|reuters|epa|getty|bloomberg|xinhua|anadolu|ria|tass)\b[^()]*\)$|^\([^()]{2,60}/(getty images|afp|ap|reuters|epa|shutterstock|associated press|bloomberg)[^()]*\)$|^(getty images|shutterstock|afp via getty images)$",
    ),
    (
        Chrome::SourceFooter,
        r"^(kaynak|source|sources|quelle|fuente|fonte|источник|źródło|bron)(\s*/\s*\w+)?\s*:\s*(\S+(\s\S+){0,4})?$",
    ),
];

/// The alternatives of [`TABLE`]'s patterns that match anywhere in the
/// line: the index of the pattern they belong to, a word they need, and
/// the alternative. Kept apart because they made the set's lazy DFA build
/// most of its states (it follows every anchored pattern and these at
/// once, ≈ 4,000 states over Timeline17), and because they need a word
/// that few lines hold: the set of them runs only on those.
const ANYWHERE: &[(usize, &str, &str)] = &[
    (2, "all rights reserved", r"all rights reserved"),
    (
        4,
        "follow",
        r"\bfollow (@\w+|us|him|her|them|me)\b.*\b(on )?(twitter|facebook|instagram|linkedin|x|threads|telegram)\b",
    ),
];

/// Searchers for the words of [`ANYWHERE`], built once (`memmem::find`
/// builds one on every call: two calls a line that reaches the patterns
/// cost more than the search).
static ANYWHERE_FINDERS: LazyLock<Vec<memchr::memmem::Finder<'static>>> = LazyLock::new(|| {
    ANYWHERE.iter().map(|(_, word, _)| memchr::memmem::Finder::new(word.as_bytes())).collect()
});

/// [`ANYWHERE`] as a set, for lines with a char outside ASCII.
static ANYWHERE_PATTERNS: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(ANYWHERE.iter().map(|(_, _, re)| *re)).expect("chrome patterns, anywhere")
});

/// [`ANYWHERE`] with Unicode off, for ASCII lines (see [`ASCII_PATTERNS`]).
static ANYWHERE_ASCII: LazyLock<regex::bytes::RegexSet> = LazyLock::new(|| {
    regex::bytes::RegexSetBuilder::new(ANYWHERE.iter().map(|(_, _, re)| *re))
        .unicode(false)
        .build()
        .expect("chrome patterns, anywhere, ASCII")
});

/// [`TABLE`] as one set, for lines with a char outside ASCII.
static PATTERNS: LazyLock<RegexSet> =
    LazyLock::new(|| RegexSet::new(TABLE.iter().map(|(_, re)| *re)).expect("chrome patterns"));

/// [`TABLE`] with Unicode off, for ASCII lines (all of them in most
/// inputs). On ASCII text it matches what [`PATTERNS`] matches: `\w`, `\s`,
/// `\S`, `\b`, `.` and `[^()]` take the same ASCII chars either way, and a
/// non-ASCII literal can match neither. Unicode's classes made the set cost
/// four times as much to compile (≈ 22 M instructions, 7 k an article on
/// Timeline17) and its lazy DFA's states as much more to build.
static ASCII_PATTERNS: LazyLock<regex::bytes::RegexSet> = LazyLock::new(|| {
    regex::bytes::RegexSetBuilder::new(TABLE.iter().map(|(_, re)| *re))
        .unicode(false)
        .build()
        .expect("chrome patterns, ASCII")
});

/// The first of [`TABLE`]'s patterns that matches `lower` (a lowercased
/// line), its alternatives in [`ANYWHERE`] included.
fn first_match(lower: &str) -> Option<usize> {
    let ascii = lower.is_ascii();
    // Most lines that get here match nothing: a plain test stops early,
    // where the set's overlapping search runs every pattern to the end.
    let anchored = if ascii {
        let set = &*ASCII_PATTERNS;
        set.is_match(lower.as_bytes()).then(|| set.matches(lower.as_bytes()).iter().next())
    } else {
        let set = &*PATTERNS;
        set.is_match(lower).then(|| set.matches(lower).iter().next())
    };
    let anchored = anchored.flatten();
    let bytes = lower.as_bytes();
    let worth = |(&(i, _, _), finder): (&(usize, &str, &str), &memchr::memmem::Finder)| {
        anchored.is_none_or(|a| i < a) && finder.find(bytes).is_some()
    };
    if !ANYWHERE.iter().zip(&*ANYWHERE_FINDERS).any(worth) {
        return anchored;
    }
    let anywhere = if ascii {
        ANYWHERE_ASCII.matches(bytes).iter().next()
    } else {
        ANYWHERE_PATTERNS.matches(lower).iter().next()
    };
    match (anchored, anywhere.map(|k| ANYWHERE[k].0)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// The kind of chrome `line` is, if any. `n_words` is its word count.
pub fn classify(line: &str, n_words: usize) -> Option<Chrome> {
    classify_known(line, n_words, None)
}

/// [`classify`], for a caller that has already looked at the line's
/// bytes: `ascii_at` is `Some` for a line all ASCII, with whether it holds
/// an "@" (the cleaner's line scan notes both, and spares the two byte
/// searches for "@" and "©" on every line of 11 to 30 words), else `None`.
pub(crate) fn classify_known(line: &str, n_words: usize, ascii_at: Option<bool>) -> Option<Chrome> {
    debug_assert!(ascii_at.is_none_or(|at| line.is_ascii() && at == line.contains('@')));
    if !line.chars().any(char::is_alphanumeric) {
        return Some(Chrome::Decoration);
    }
    // A bare link, however the scraper spaced it ("http: / / example. com / a").
    let t = line.trim_start();
    if t.starts_with("http:") || t.starts_with("https:") || t.starts_with("www.") {
        return Some(Chrome::Navigation);
    }
    if n_words > MAX_WORDS {
        return None;
    }
    // Long lines are chrome only with one of the MARKS; most prose is
    // ruled out without running the patterns.
    if n_words > 10 && !has_mark(line, ascii_at) {
        return None;
    }
    let line = line.trim();
    if !may_match(line, ascii_at) {
        return None;
    }
    first_match(&line.to_lowercase()).map(|i| TABLE[i].0)
}

/// The first words (lowercase, ASCII letters) that a line matched by one
/// of the [`PATTERNS`] anchored at its start can have, sorted.
const FIRST_WORDS: &[&str] = &[
    "address",
    "advertisement",
    "afp",
    "already",
    "any",
    "back",
    "bron",
    "click",
    "comment",
    "comments",
    "connect",
    "contact",
    "contacts",
    "continue",
    "copyright",
    "create",
    "credit",
    "credits",
    "don",
    "dont",
    "e",
    "email",
    "fax",
    "fonte",
    "forgot",
    "foto",
    "fotos",
    "fuente",
    "getty",
    "graphic",
    "graphics",
    "i",
    "image",
    "images",
    "join",
    "kaynak",
    "latest",
    "leave",
    "like",
    "listen",
    "loading",
    "log",
    "login",
    "logout",
    "more",
    "most",
    "my",
    "newsletter",
    "next",
    "not",
    "our",
    "password",
    "phone",
    "photo",
    "photograph",
    "photographs",
    "photos",
    "picture",
    "pictures",
    "previous",
    "print",
    "quelle",
    "read",
    "recommended",
    "redistribution",
    "register",
    "related",
    "reprinting",
    "reproduction",
    "republication",
    "scroll",
    "see",
    "share",
    "show",
    "shutterstock",
    "sign",
    "signin",
    "signup",
    "skip",
    "source",
    "sources",
    "sponsored",
    "subscribe",
    "tel",
    "top",
    "trending",
    "tweet",
    "video",
    "videos",
    "you",
];

/// [`FIRST_WORDS`] as numbers, in the same order: each word's bytes,
/// zero-padded to sixteen, read big-endian (a lookup then compares
/// numbers, where comparing strings called `memcmp` at every step of the
/// search, a tenth of the time of `classify`).
static FIRST_KEYS: [u128; FIRST_WORDS.len()] = {
    let mut keys = [0; FIRST_WORDS.len()];
    let mut i = 0;
    while i < keys.len() {
        let word = FIRST_WORDS[i].as_bytes();
        let mut bytes = [0u8; 16];
        let mut j = 0;
        while j < word.len() {
            bytes[j] = word[j];
            j += 1;
        }
        keys[i] = u128::from_be_bytes(bytes);
        i += 1;
    }
    keys
};

/// True when the line holds one of the words the unanchored patterns
/// need somewhere, "follow" or "rights reserved" (any ASCII case). Each
/// holds a "w" or a "v" (rare letters) at a known place: those bytes are
/// found eight at a time ([`vw_bytes`]) and the word looked for around
/// them. Was: a look at every byte for an "f" or an "r" (common letters),
/// a branch a byte, ≈ 2% of the cleaner's instructions.
fn has_anywhere_word(line: &str) -> bool {
    const FOLLOW: &[u8] = b"follow";
    const RIGHTS: &[u8] = b"rights reserved";
    // Where the "w" of "follow" and the "v" of "rights reserved" are.
    const W_AT: usize = FOLLOW.len() - 1;
    const V_AT: usize = 12;
    const _: () = assert!(FOLLOW[W_AT] == b'w' && RIGHTS[V_AT] == b'v');
    let b = line.as_bytes();
    // Whether a word ends (or holds) the "v" or "w" at `at`.
    let word_at = |at: usize| {
        if b[at] | 0x20 == b'w' {
            at >= W_AT && b[at - W_AT..=at].eq_ignore_ascii_case(FOLLOW)
        } else {
            at >= V_AT
                && b[at - V_AT..]
                    .get(..RIGHTS.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(RIGHTS))
        }
    };
    let in_eight = |eight: u64, base: usize| {
        let mut found = vw_bytes(eight);
        while found != 0 {
            if word_at(base + found.trailing_zeros() as usize / 8) {
                return true;
            }
            found &= found - 1;
        }
        false
    };
    let mut chunks = b.chunks_exact(8);
    for (k, chunk) in (&mut chunks).enumerate() {
        if in_eight(u64::from_le_bytes(chunk.try_into().expect("8 bytes")), 8 * k) {
            return true;
        }
    }
    // The last bytes, padded with zeros (never a "v" or "w").
    let rest = chunks.remainder();
    let mut last = [0u8; 8];
    last[..rest.len()].copy_from_slice(rest);
    in_eight(u64::from_le_bytes(last), b.len() - rest.len())
}

/// Bit 7 of each byte of `x` that is "v", "w", "V" or "W" set, every other
/// bit 0. Setting bits 5 and 0 makes exactly those four bytes 0x77; the
/// zero bytes of `x`'s difference from 0x77 are then found exactly (no
/// carry crosses a byte: the low seven bits are added apart).
fn vw_bytes(x: u64) -> u64 {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let t = (x | 0x2121_2121_2121_2121) ^ 0x7777_7777_7777_7777;
    !(((t & LOW7) + LOW7) | t) & !LOW7
}

/// False only when the line starts with `first` (its first word,
/// lowercase) and not with the one phrase every alternative of the
/// [`PATTERNS`] that starts with that word needs, for the common first
/// words that have one: "I" ("i have an account"), "you" ("you may also
/// like"), "my" ("my account") and "not" ("not registered"). Prose lines
/// start with "I" and "You" often: they were a third of the lines the
/// patterns ran on, each a lowercased copy and a search. The phrase is
/// compared in ASCII case only: on a line with other chars (the Kelvin
/// sign lowercases to "k"), unsure. `ascii`: the line is known to be ASCII.
fn phrase_may_follow(first: &[u8], line: &[u8], ascii: bool) -> bool {
    let phrase: &[u8] = match first {
        b"i" => b"i have an account",
        b"you" => b"you may also like",
        b"my" => b"my account",
        b"not" => b"not registered",
        _ => return true,
    };
    line.get(..phrase.len()).is_some_and(|start| start.eq_ignore_ascii_case(phrase))
        || !(ascii || line.is_ascii())
}

/// False only when none of the [`PATTERNS`] can match the (trimmed) line,
/// decided without lowercasing it: most short lines of a story (headlines,
/// short paragraphs) start with a word no pattern starts with. Every
/// pattern is anchored at the start of the line except those that need
/// "follow", "all rights reserved" or an "@" ([`has_anywhere_word`]); those anchored start with one
/// of [`FIRST_WORDS`], with "(" or "©", or (in other scripts) with a
/// letter that is not ASCII; after some first words, with one phrase
/// ([`phrase_may_follow`]). `ascii_at`: see [`classify_known`]. Anything
/// unsure runs the patterns.
fn may_match(line: &str, ascii_at: Option<bool>) -> bool {
    let bytes = line.as_bytes();
    let Some(&first) = bytes.first() else { return true };
    if !first.is_ascii_alphabetic() {
        // "(", "©" and other scripts may match; other ASCII cannot unless
        // the line has an "@" or one of the unanchored words.
        if first == b'(' || !first.is_ascii() {
            return true;
        }
    } else {
        let n = bytes.iter().take_while(|c| c.is_ascii_alphabetic()).count();
        // A letter outside ASCII right after the word could lowercase into
        // it (the Kelvin sign is a "k"): unsure.
        if bytes.get(n).is_some_and(|c| !c.is_ascii()) {
            return true;
        }
        let mut word = [0u8; 16];
        if n <= word.len() {
            word[..n].copy_from_slice(&bytes[..n]);
            word.make_ascii_lowercase();
            if FIRST_KEYS.binary_search(&u128::from_be_bytes(word)).is_ok()
                && phrase_may_follow(&word[..n], bytes, ascii_at.is_some())
            {
                return true;
            }
        }
    }
    // (Trimming took no "@" away: `ascii_at` holds for the trimmed line.)
    ascii_at.unwrap_or_else(|| memchr::memchr(b'@', bytes).is_some()) || has_anywhere_word(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(line: &str) -> &'static str {
        classify(line, line.split_whitespace().count()).map_or("-", Chrome::name)
    }

    #[test]
    fn chrome_lines() {
        let lines = [
            "Log in",
            "Forgot your password? - recover",
            "Not registered yet? - sign-up",
            "All rights reserved",
            "© Some Agency - 2001-2024.",
            "Republication of any material is prohibited without a written agreement with Some Agency.",
            "e-mail: desk@example.org, other@example.com;",
            "Follow us:",
            "For more on world news, follow @SomeReporter on Twitter",
            "Related Articles",
            "Back to top button",
            "(AFP/Getty Images)",
            "Kaynak/Source:",
            "---",
        ];
        let kinds: Vec<&str> = lines.iter().map(|l| kind(l)).collect();
        expect_test::expect![[r#"
            [
                "account",
                "account",
                "account",
                "rights",
                "rights",
                "rights",
                "contact",
                "social",
                "social",
                "navigation",
                "navigation",
                "credit",
                "source_footer",
                "decoration",
            ]
        "#]]
        .assert_debug_eq(&kinds);
    }

    #[test]
    fn first_words_are_sorted() {
        assert!(FIRST_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(FIRST_WORDS.iter().all(|w| w.len() <= 16 && w.bytes().all(|c| c != 0)));
        assert!(FIRST_KEYS.windows(2).all(|k| k[0] < k[1]));
        for word in FIRST_WORDS {
            let mut bytes = [0u8; 16];
            bytes[..word.len()].copy_from_slice(word.as_bytes());
            assert!(FIRST_KEYS.binary_search(&u128::from_be_bytes(bytes)).is_ok(), "{word}");
        }
    }

    proptest::proptest! {
        /// The numbers find what the strings find (the words of the
        /// table: see `first_words_are_sorted`).
        #[test]
        fn first_keys_are_first_words(word in "[a-z]{1,16}") {
            let mut bytes = [0u8; 16];
            bytes[..word.len()].copy_from_slice(word.as_bytes());
            proptest::prop_assert_eq!(
                FIRST_KEYS.binary_search(&u128::from_be_bytes(bytes)).is_ok(),
                FIRST_WORDS.binary_search(&word.as_str()).is_ok()
            );
        }
    }

    proptest::proptest! {
        /// The shortcut never hides a line the patterns match: lines made
        /// of the patterns' own words, in any case, with punctuation and
        /// other scripts.
        #[test]
        fn may_match_never_hides_a_match(
            words in proptest::collection::vec(
                proptest::sample::select(vec![
                    "log", "in", "Sign", "UP", "sign-up", "Register", "now", "follow", "Follow",
                    "us", "@desk", "desk@example.org", "on", "Twitter", "All", "Rights", "RESERVED",
                    "reserved", "©", "(c)", "copyright", "Republication", "prohibited", "any",
                    "use", "hyperlink", "related", "Articles", "back", "to", "top", "Photo:",
                    "(AFP/Getty Images)", "(Reuters)", "getty", "images", "Kaynak/Source:",
                    "source:", "источник:", "Źródło:", "e-mail:", "Contact", "us:", "Read",
                    "more", "the", "minister", "said", ".", "!", "»", "-", "2016", "café",
                    "\u{212A}", "loading...", "Listen", "article", "Share", "Tweet", "fax:",
                    "I", "i", "have", "an", "account", "ACCOUNT", "you", "You", "may", "also",
                    "like", "LI\u{212A}E", "my", "My", "not", "Not", "registered", "yet",
                    "\u{130}", "i\u{307}", "\u{e9}", "mY",
                ]),
                1..8,
            ),
            glue in proptest::collection::vec(proptest::sample::select(vec![" ", "", "  "]), 8),
        ) {
            let mut line = String::new();
            for (i, w) in words.iter().enumerate() {
                line.push_str(w);
                line.push_str(glue[i % glue.len()]);
            }
            let line = line.trim();
            if first_match(&line.to_lowercase()).is_some() {
                proptest::prop_assert!(may_match(line, None), "{line:?}");
                let ascii_at = line.is_ascii().then(|| line.contains('@'));
                proptest::prop_assert!(may_match(line, ascii_at), "{line:?}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The phrases of [`phrase_may_follow`], in any case, a letter
        /// swapped for a Kelvin sign or a dotted "İ", cut, with what may
        /// end the line: a line they make that the patterns match is never
        /// hidden.
        #[test]
        fn may_match_keeps_the_phrases(
            phrase in proptest::sample::select(vec![
                "i have an account", "you may also like", "my account", "not registered",
                "not registered yet", "i have an accounts", "my account.", "you may also like:",
                "you may also like »", "not registered yet!", "i", "you", "my", "not",
            ]),
            upper in proptest::collection::vec(proptest::bool::ANY, 20),
            swap in proptest::option::of((0..20usize, proptest::sample::select(vec!["\u{212A}", "\u{130}", "", "  "]))),
            cut in 0..21usize,
            end in proptest::sample::select(vec!["", ".", " here", "!", " - sign up", "\u{e9}", " @x"]),
        ) {
            let mut line: String = phrase
                .chars()
                .zip(upper.iter().cycle())
                .map(|(c, &up)| if up { c.to_ascii_uppercase() } else { c })
                .collect();
            if let Some((at, with)) = swap {
                if let Some((i, c)) = line.char_indices().nth(at) {
                    line.replace_range(i..i + c.len_utf8(), with);
                }
            }
            let cut = super::super::normalize::floor_char_boundary(&line, cut.max(1));
            for text in [format!("{line}{end}"), format!("{}{end}", &line[..cut])] {
                let text = text.trim();
                if first_match(&text.to_lowercase()).is_some() {
                    let ascii_at = text.is_ascii().then(|| text.contains('@'));
                    proptest::prop_assert!(may_match(text, None), "{text:?}");
                    proptest::prop_assert!(may_match(text, ascii_at), "{text:?}");
                }
            }
        }
    }

    /// [`has_anywhere_word`] as it was: a look at every byte.
    fn reference_has_anywhere_word(line: &str) -> bool {
        let b = line.as_bytes();
        (0..b.len()).any(|i| match b[i] | 0x20 {
            b'f' => b[i..].get(..6).is_some_and(|w| w.eq_ignore_ascii_case(b"follow")),
            b'r' => b[i..].get(..15).is_some_and(|w| w.eq_ignore_ascii_case(b"rights reserved")),
            _ => false,
        })
    }

    #[test]
    fn vw_bytes_finds_exactly_v_and_w() {
        for c in 0..=255u8 {
            for at in 0..8 {
                let mut eight = [b'a'; 8];
                eight[at] = c;
                let expect =
                    if matches!(c, b'v' | b'w' | b'V' | b'W') { 0x80 << (8 * at) } else { 0 };
                assert_eq!(vw_bytes(u64::from_le_bytes(eight)), expect, "{c} at {at}");
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The search by "v" and "w" finds what the look at every byte
        /// found: the words in any case, cut, glued to others and to
        /// chars outside ASCII, at any place of lines of any length.
        #[test]
        fn has_anywhere_word_is_the_reference(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "follow", "FOLLOW", "FoLLoW", "follo", "ollow", "fol", "low", "rights reserved",
                    "RIGHTS RESERVED", "Rights Reserved", "rights  reserved", "rights reserve",
                    "ights reserved", "rights", "reserved", "v", "w", "V", "W", "f", "r", " ", "é",
                    "\u{212A}", "ß", "x", "abcdefg", "\0",
                ]),
                0..12,
            ),
            any in "\\PC{0,40}",
            pad in 0..9usize,
        ) {
            let line = format!("{}{}", "a".repeat(pad), parts.concat());
            for text in [line.as_str(), any.as_str(), &line.repeat(20)] {
                proptest::prop_assert_eq!(
                    has_anywhere_word(text),
                    reference_has_anywhere_word(text),
                    "{:?}",
                    text
                );
            }
        }
    }

    /// The set as it was before [`ASCII_PATTERNS`] and [`ANYWHERE`]: one
    /// Unicode set, the navigation pattern's closing punctuation a class.
    fn reference_first_match(lower: &str) -> Option<usize> {
        static REFERENCE: LazyLock<RegexSet> = LazyLock::new(|| {
            let mut patterns: Vec<String> =
                TABLE.iter().map(|(_, re)| re.replace("(?:[.:!>]|»|›)*$", "[.:!»›>]*$")).collect();
            assert!(patterns.iter().any(|p| p.ends_with("[.:!»›>]*$")));
            // The two patterns as they were, anywhere alternatives included.
            patterns[2] = r"all rights reserved|^(©|\(c\)|copyright\b)|^(republication|reproduction|redistribution|reprinting)\b.*\b(prohibited|permission|agreement|forbidden)\b|^any (citation|use|reproduction)\b.*\b(hyperlink|permission|link)\b".into();
            patterns[4] = r"^(follow us|share (this|on|via|article|story)|share$|tweet$|like us on|join us on|connect with us)|\bfollow (@\w+|us|him|her|them|me)\b.*\b(on )?(twitter|facebook|instagram|linkedin|x|threads|telegram)\b|^follow @\w+".into();
            RegexSet::new(patterns).expect("reference patterns")
        });
        REFERENCE.matches(lower).iter().next()
    }

    /// Words of the patterns, in both cases, with what sits around them.
    fn chrome_words() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::strategy::Strategy;
        let words = proptest::sample::select(vec![
            "log",
            "in",
            "sign",
            "up",
            "sign-up",
            "register",
            "now",
            "follow",
            "us",
            "@desk",
            "desk@example.org",
            "a_b@x-y.co",
            "on",
            "twitter",
            "x",
            "all",
            "rights",
            "reserved",
            "©",
            "(c)",
            "copyright",
            "republication",
            "prohibited",
            "any",
            "use",
            "hyperlink",
            "related",
            "articles",
            "back",
            "to",
            "top",
            "photo:",
            "photos",
            "credit",
            "|",
            "/",
            "(afp/getty images)",
            "(reuters)",
            "(",
            ")",
            "getty",
            "images",
            "kaynak/source:",
            "source",
            ":",
            "источник:",
            "źródło:",
            "e-mail:",
            "contact",
            "us:",
            "read",
            "more",
            "the",
            "said",
            ".",
            "!",
            "»",
            "›",
            ">",
            "-",
            "2016",
            "café",
            "\u{212A}",
            "loading...",
            "listen",
            "article",
            "share",
            "tweet",
            "fax:",
            "tel.",
            "\t",
            "\u{a0}",
            "\u{2003}",
            "é",
            "ß",
            "_",
            "don't",
            "i",
            "have",
            "an",
            "account",
            "click",
            "here",
            "x1",
            "\n",
            "all rights reserved",
            "rights reserved",
            "follow us",
            "follow @x",
            "on twitter",
            "telegram",
            "republication of",
            "is prohibited",
        ]);
        let glue =
            proptest::sample::select(vec![" ", "", "  ", "\t", "é", "ß", "\u{a0}", "_", "1"]);
        proptest::collection::vec((words, glue), 0..10)
            .prop_map(|parts| parts.into_iter().flat_map(|(w, g)| [w, g]).collect())
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The two sets find the first pattern the reference finds, on
        /// lines of the patterns' own words and on any text.
        #[test]
        fn first_match_is_the_reference(line in chrome_words(), any in "\\PC{0,40}") {
            let long = line.repeat(100);
            for text in [line.as_str(), any.as_str(), long.as_str()] {
                let lower = text.to_lowercase();
                proptest::prop_assert_eq!(first_match(&lower), reference_first_match(&lower), "{:?}", lower);
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// What the caller knows of a line ("@" in an ASCII line) changes
        /// no answer: lines of the patterns' words, and of 11 to 30 words
        /// (where the marks are looked for), with "@", "©" and "(c)".
        #[test]
        fn classify_known_is_classify(line in chrome_words(), any in "\\PC{0,40}", pad in 0..30usize) {
            let long = format!("{} {}", "word ".repeat(pad), line);
            for text in [line.as_str(), any.as_str(), long.as_str(), &format!("{line} @x {line}")] {
                // The cleaner's lines: repaired, so trimmed, one space between words.
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                let n_words = text.split(' ').count();
                let ascii_at = text.is_ascii().then(|| text.contains('@'));
                proptest::prop_assert_eq!(
                    classify_known(&text, n_words, ascii_at),
                    classify(&text, n_words),
                    "{:?}",
                    text
                );
            }
        }
    }

    #[test]
    fn prose_is_never_chrome() {
        for line in [
            "The minister said he would register his protest with the council.",
            "Source: the ministry said talks would resume on Monday and that no deal had been reached yet, officials added.",
            "Comments from the senator drew criticism.",
            "He told reporters to follow the money.",
        ] {
            assert_eq!(kind(line), "-", "{line}");
        }
    }
}
