use proptest::prelude::*;

use super::*;

/// A line-per-fact dump: line number, fate, and the line's first words.
fn dump(raw: &str) -> String {
    let c = clean(raw, &CleanConfig { detect_language: false });
    let mut out = String::new();
    for l in &c.lines {
        if l.fate != Fate::Blank {
            out.push_str(&format!("L{} {} {}\n", l.number, l.fate.name(), l.content(&c)));
        }
    }
    out.push_str(&format!("title: {:?}\ndateline: {:?}\ntext:\n{}\n", c.title, c.dateline, c.text));
    out
}

#[test]
fn head_block_gives_title_labels_and_meta() {
    let raw = "Business\nMarkets|Europe|March 3, 2021 / 10:15 AM\nBakers in the north strike over flour prices\n\nLILLE (Wire) - Bakers across the region closed their shops on Wednesday.\n\nThe union said talks would resume.\n";
    expect_test::expect![[r#"
        L1 label Business
        L2 meta Markets|Europe|March 3, 2021 / 10:15 AM
        L3 title Bakers in the north strike over flour prices
        L5 body LILLE (Wire) - Bakers across the region closed their shops on Wednesday.
        L7 body The union said talks would resume.
        title: Some("Bakers in the north strike over flour prices")
        dateline: Some("LILLE (Wire)")
        text:
        Bakers across the region closed their shops on Wednesday.

        The union said talks would resume.
    "#]]
    .assert_eq(&dump(raw));
}

#[test]
fn footer_chrome_repeats_and_headlines_go() {
    let raw = "The mayor opened the new bridge on Sunday.\n\
        A photo shows the mayor cutting a ribbon at the bridge.\n\
        A photo shows the mayor cutting a ribbon at the bridge.\n\
        (Some Photographer/Getty Images)\n\
        Traffic will flow from Monday, the city said.\n\
        Subheading here\n\
        Officials expect fewer jams downtown and a shorter commute for\n\
        \n\
        most residents of the eastern districts.\n\
        Traffic will flow from Monday, the city said, adding that buses would follow.\n\
        Follow us:\n\
        Copyright 2021 Example Media. All rights reserved.\n\
        Terms of use\n\
        Storms hit the coast as the season turns early\n\
        Local team wins the cup after a long drought\n";
    expect_test::expect![[r#"
        L1 body The mayor opened the new bridge on Sunday.
        L2 body A photo shows the mayor cutting a ribbon at the bridge.
        L3 repeat-of:L2 A photo shows the mayor cutting a ribbon at the bridge.
        L4 chrome:credit (Some Photographer/Getty Images)
        L5 repeat-of:L10 Traffic will flow from Monday, the city said.
        L6 body Subheading here
        L7 body Officials expect fewer jams downtown and a shorter commute for
        L9 joined most residents of the eastern districts.
        L10 body Traffic will flow from Monday, the city said, adding that buses would follow.
        L11 chrome:social Follow us:
        L12 chrome:rights Copyright 2021 Example Media. All rights reserved.
        L13 chrome:navigation Terms of use
        L14 chrome:navigation Storms hit the coast as the season turns early
        L15 chrome:navigation Local team wins the cup after a long drought
        title: None
        dateline: None
        text:
        The mayor opened the new bridge on Sunday.

        A photo shows the mayor cutting a ribbon at the bridge.

        Subheading here

        Officials expect fewer jams downtown and a shorter commute for most residents of the eastern districts.

        Traffic will flow from Monday, the city said, adding that buses would follow.
    "#]]
    .assert_eq(&dump(raw));
}

#[test]
fn trailing_non_sentences_go_only_after_chrome() {
    // Without chrome between, a last line that lost its final stop stays.
    let raw = "The council voted to raise the budget.\n\nIt passed by nine votes to four.\n\nFarmers protest new water rules in the valley\nA quiet village celebrates its oldest resident\n";
    let c = clean(raw, &CleanConfig::default());
    assert_eq!(c.lines[4].fate, Fate::Body);
    assert_eq!(c.language.as_deref(), Some("eng"));
    assert_eq!(
        clean("Bonjour à tous.", &CleanConfig::default()).language,
        None,
        "too short to tell"
    );
    // After a social plug, they are the site's other headlines.
    let raw = "The council voted to raise the budget.\n\nIt passed by nine votes to four.\n\nFollow us on Twitter\n\nFarmers protest new water rules in the valley\nA quiet village celebrates its oldest resident\n";
    let c = clean(raw, &CleanConfig::default());
    assert_eq!(
        c.text,
        "The council voted to raise the budget.\n\nIt passed by nine votes to four."
    );
    assert_eq!(c.lines[6].fate, Fate::Headline);
    let long = "The council voted on Tuesday to raise the budget for schools and roads, \
        and the mayor said the money would arrive before the winter.";
    assert_eq!(clean(long, &CleanConfig::default()).language.as_deref(), Some("eng"));
}

#[test]
fn offsets_map_clean_text_into_raw() {
    let raw = "Title of the piece here\n\nHe said \u{201c}we\u{2019}ll see\u{201d} today.\n\nSecond  paragraph\u{a0}ends.\n";
    let c = clean(raw, &CleanConfig::default());
    assert_eq!(c.text, "He said \"we'll see\" today.\n\nSecond paragraph ends.");
    for word in ["see", "today", "Second", "paragraph", "ends"] {
        let at = c.text.find(word).unwrap();
        let raw_at = c.offsets.to_raw(at);
        assert_eq!(&raw[raw_at..raw_at + word.len()], word, "{word}");
    }
}

/// See: the cluster branch's proptest run; a repeat removed between two
/// lines made them joinable only on the second pass.
#[test]
fn a_removed_repeat_lets_lines_join_in_one_pass() {
    let raw = "the (AFP/Getty Images)\nwe're\n\u{201c} we're \u{e2}\u{20ac}\u{2122}\nsaid\n";
    let config = CleanConfig { detect_language: false };
    let once = clean(raw, &config);
    assert_eq!(clean(&once.text, &config).text, once.text);
}

fn arbitrary_article() -> impl Strategy<Value = String> {
    let word = prop::sample::select(vec![
        "the",
        "Minister",
        "said",
        "talks",
        "on",
        "Tuesday",
        "\u{201c}",
        "\u{201d}",
        "we're",
        "Log in",
        "All rights reserved",
        "(AFP/Getty Images)",
        "October 5, 2016",
        "-",
        "|",
        "---",
        "##",
        "**",
        "\u{e2}\u{20ac}\u{2122}",
        "``",
        "''",
        "-LRB-",
        ",",
        ".",
        "?",
        "Related Articles",
        "é",
        "\u{a0}",
    ]);
    let line = prop::collection::vec(word, 0..14).prop_map(|w| w.join(" "));
    let sep = prop::sample::select(vec!["\n", "\n\n", ".\n", "\r\n"]);
    prop::collection::vec((line, sep), 0..12)
        .prop_map(|parts| parts.into_iter().map(|(l, s)| format!("{l}{s}")).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn cleaning_is_idempotent(raw in arbitrary_article()) {
        let config = CleanConfig { detect_language: false };
        let once = clean(&raw, &config);
        let twice = clean(&once.text, &config);
        prop_assert_eq!(&twice.text, &once.text);
    }

    #[test]
    fn never_panics_and_offsets_stay_in_bounds(raw in any::<String>()) {
        let c = clean(&raw, &CleanConfig::default());
        for (i, _) in c.text.char_indices() {
            let r = c.offsets.to_raw(i);
            prop_assert!(r <= raw.len());
        }
    }
}

proptest! {
    /// The lanes of `scan_ascii`, the last bytes padded, count and key
    /// every byte as a plain loop over the bytes does.
    #[test]
    fn scan_ascii_sees_every_byte(
        bytes in prop::collection::vec(
            prop::sample::select(vec![b'a', b'Z', b'7', b' ', b',', b'\'', b'.', b'@', 0xC3, 0xA9]),
            0..9000,
        ),
    ) {
        let mut key = vec![0xFF; bytes.len() + 16];
        let counts = scan_ascii(&bytes, &mut key);
        prop_assert_eq!(counts.spaces, bytes.iter().filter(|&&c| c == b' ').count());
        prop_assert_eq!(counts.commas, bytes.iter().filter(|&&c| c == b',').count());
        prop_assert_eq!(counts.ascii, bytes.is_ascii());
        prop_assert_eq!(counts.apostrophe, bytes.contains(&b'\''));
        prop_assert_eq!(counts.at, bytes.contains(&b'@'));
        let plain: Vec<u8> = bytes.iter().map(|&c| key_byte(c)).collect();
        prop_assert_eq!(&key[..bytes.len()], &plain[..]);
        // After the line: left as it was, or zeros.
        prop_assert!(key[bytes.len()..].iter().all(|&k| k == 0 || k == 0xFF));
    }

    /// Lines of one byte, long enough to fill every lane 255 times and
    /// more: the counters are added up before they overflow.
    #[test]
    fn scan_ascii_counts_long_runs(
        c in prop::sample::select(vec![b' ', b',', b'\'', b'@', b'a', 0xC3]),
        len in 0usize..9000,
    ) {
        let bytes = vec![c; len];
        let mut key = vec![0xFF; len + 16];
        let counts = scan_ascii(&bytes, &mut key);
        key.truncate(len);
        prop_assert_eq!(counts.spaces, if c == b' ' { len } else { 0 });
        prop_assert_eq!(counts.commas, if c == b',' { len } else { 0 });
        prop_assert_eq!(counts.ascii, c < 0x80 || len == 0);
        prop_assert_eq!(counts.apostrophe, c == b'\'' && len > 0);
        prop_assert_eq!(counts.at, c == b'@' && len > 0);
        prop_assert!(key.iter().all(|&k| k == key_byte(c)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]
    /// The byte-wise line end and last char are those of the str methods
    /// they stand for, on lines of line ends, whitespace of every kind,
    /// punctuation and chars outside ASCII.
    #[test]
    fn line_ends_are_the_str_methods(
        parts in prop::collection::vec(
            prop::sample::select(vec![
                "a", ".", "\n", "\r", " ", "\t", "\u{b}", "\u{c}", "\u{85}", "\u{a0}", "\u{2028}",
                "\u{3000}", "…", "»", "é", "\u{0}", "'",
            ]),
            0..8,
        ),
        any in "\\PC{0,10}",
    ) {
        for text in [parts.concat(), any.clone(), format!("{any}{}", parts.concat())] {
            prop_assert_eq!(trim_line_end(&text), text.trim_end_matches(['\n', '\r']));
            prop_assert_eq!(last_char(&text), text.trim_end().chars().last());
        }
    }
}

/// Word hashing as it was on main before session 11 (each word read eight
/// bytes at a time until a zero byte), the reference of
/// `hash_words_is_the_reference`: `scratch[..n]` then at least 9 zeros.
fn hash_words_reference(scratch: &[u8], n: usize, out: &mut Vec<u64>) {
    let buf = &scratch[..n + 9];
    let eight_at = |at: usize| {
        let mut eight = [0u8; 8];
        eight.copy_from_slice(&buf[at..at + 8]);
        u64::from_le_bytes(eight)
    };
    let mut at = 0;
    while at < n {
        let mut x = eight_at(at);
        if x & 0xff == 0 {
            at += if x == 0 { 8 } else { (x.trailing_zeros() / 8) as usize };
            continue;
        }
        let mut h = 0u64;
        loop {
            let zeros = x.wrapping_sub(0x0101_0101_0101_0101) & !x & 0x8080_8080_8080_8080;
            if zeros != 0 {
                let len = (zeros.trailing_zeros() / 8) as usize;
                if len > 0 {
                    h = fold_word(h, x & ((1u64 << (8 * len)) - 1));
                }
                out.push(h);
                at += len + 1;
                break;
            }
            h = fold_word(h, x);
            at += 8;
            x = eight_at(at);
        }
    }
}

/// Key bytes: words of 1 to `max_word` nonzero bytes up to `max_byte`
/// (any of them, so that the bit mask sees every high bit; up to 127 for
/// an ASCII line's) between runs of 1 to 3 zeros, maybe starting with zeros.
fn key_line(max_word: usize, max_byte: u8) -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        prop::collection::vec(
            (prop::collection::vec(1..=max_byte, 1..=max_word), 1..4usize),
            0..40,
        ),
    )
        .prop_map(|(lead, words)| {
            let mut key = if lead { vec![0] } else { Vec::new() };
            for (word, gap) in words {
                key.extend_from_slice(&word);
                key.extend(std::iter::repeat_n(0, gap));
            }
            // Ends with a word or with zeros, as a line's key bytes may.
            if key.len() % 3 == 0 {
                while key.last() == Some(&0) {
                    key.pop();
                }
            }
            key
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// The word hashes from the bit mask are those of the word-by-word
    /// reading, for words of every length (up to several 64-byte blocks)
    /// anywhere in a line.
    #[test]
    fn hash_words_is_the_reference(
        key in prop_oneof![key_line(20, 255), key_line(200, 255), key_line(20, 127)],
        start in 0..3usize,
    ) {
        let n = key.len();
        let mut scratch = key.clone();
        scratch.extend_from_slice(&[0; PAD]);
        let (mut new, mut old) = (vec![start as u64], vec![start as u64]);
        hash_words(&scratch, n, false, &mut new);
        hash_words_reference(&scratch, n, &mut old);
        prop_assert_eq!(&new, &old);
        if key.is_ascii() {
            let mut ascii = vec![start as u64];
            hash_words(&scratch, n, true, &mut ascii);
            prop_assert_eq!(ascii, old);
        }
    }
}

/// Words of every length from 1 to 300 at every offset of a 64-byte block
/// hash as the reference does.
#[test]
fn hash_words_every_length_and_offset() {
    for len in 1..300 {
        for lead in 0..70 {
            let mut key = vec![0u8; lead];
            key.extend((0..len).map(|i| (i % 251 + 1) as u8));
            key.push(0);
            key.extend((0..len).map(|i| (i % 7 + b'a' as usize) as u8));
            let n = key.len();
            key.extend_from_slice(&[0; PAD]);
            let (mut new, mut old) = (Vec::new(), Vec::new());
            hash_words(&key, n, key.is_ascii(), &mut new);
            hash_words_reference(&key, n, &mut old);
            assert_eq!(new, old, "len {len} lead {lead}");
            assert_eq!(new.len(), 2);
        }
    }
}

/// The repeat search as it was on main before session 10 (the paragraphs'
/// words copied into one vector, one hash chain through every word, hash
/// maps), the reference of `mark_repeats_is_the_reference`.
fn mark_repeats_reference(lines: &mut [Line], words: &RepeatWords) {
    use std::collections::hash_map::Entry;
    use std::collections::HashMap;
    let mut para_words: Vec<u64> = Vec::new();
    let mut keys: Vec<(usize, Range<usize>)> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let own = &words.hashes[words.lines[i].start as usize..words.lines[i].end as usize];
        match line.fate {
            Fate::Body => {
                let start = para_words.len();
                para_words.extend_from_slice(own);
                keys.push((i, start..para_words.len()));
            }
            Fate::Joined => {
                if let Some((_, key)) = keys.last_mut() {
                    para_words.extend_from_slice(own);
                    key.end = para_words.len();
                }
            }
            _ => {}
        }
    }
    let key = |k: usize| &para_words[keys[k].1.clone()];
    let mut first_seen: HashMap<u64, usize> = HashMap::new();
    let mut repeat_of: Vec<Option<usize>> = vec![None; keys.len()];
    for (k, of) in repeat_of.iter_mut().enumerate() {
        let words = key(k);
        if words.is_empty() {
            continue;
        }
        let hash = words.iter().fold(words.len() as u64, |h, &w| fold_word(h, w));
        match first_seen.entry(hash) {
            Entry::Occupied(first) => {
                let first = *first.get();
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
    let trigram = |a: u64, b: u64, c: u64| a ^ b.rotate_left(21) ^ c.rotate_left(42);
    let mut needles: HashMap<u64, Vec<usize>> = HashMap::new();
    for (a, of) in repeat_of.iter().enumerate() {
        if of.is_none() && key(a).len() >= MIN_NEEDLE {
            needles.entry(trigram(key(a)[0], key(a)[1], key(a)[2])).or_default().push(a);
        }
    }
    for b in 0..keys.len() {
        if repeat_of[b].is_some() || key(b).len() <= MIN_NEEDLE {
            continue;
        }
        let key_b = key(b);
        for at in 0..=key_b.len() - MIN_NEEDLE {
            let t = trigram(key_b[at], key_b[at + 1], key_b[at + 2]);
            for &a in needles.get(&t).map_or(&[][..], |v| v.as_slice()) {
                let key_a = key(a);
                if a != b
                    && repeat_of[a].is_none()
                    && key_b.len() > key_a.len()
                    && key_b[at..].starts_with(key_a)
                {
                    repeat_of[a] = Some(keys[b].0);
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
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    /// The repeat search finds what the reference finds, on lines of few
    /// distinct words (so that equal and contained paragraphs are common),
    /// with dropped lines between joined ones, and one line's words moved
    /// to the end as a dateline's are.
    #[test]
    fn mark_repeats_is_the_reference(
        spec in proptest::collection::vec(
            (0..5u8, proptest::collection::vec(1..4u64, 0..12)),
            1..24,
        ),
        moved in proptest::option::of(0..24usize),
    ) {
        let fates = [Fate::Body, Fate::Body, Fate::Joined, Fate::Blank, Fate::Label];
        let mut words = RepeatWords::default();
        let mut lines = Vec::new();
        for (i, (fate, line_words)) in spec.iter().enumerate() {
            let start = words.hashes.len() as u32;
            words.hashes.extend(line_words.iter().map(|&w| w.wrapping_mul(0x9e37_79b9_7f4a_7c15)));
            words.lines.push(start..words.hashes.len() as u32);
            let fate = fates[*fate as usize];
            lines.push(Line { number: i as u32 + 1, span: 0..0, fate, repaired: 0..0 });
        }
        if let Some(i) = moved.filter(|&i| i < lines.len()) {
            // A dateline's words: the line's words after its first, again at the end.
            let own = words.lines[i].clone();
            let from = words.hashes.len() as u32;
            let tail: Vec<u64> =
                words.hashes[own.start as usize..own.end as usize].iter().skip(1).copied().collect();
            words.hashes.extend(tail);
            words.lines[i] = from..words.hashes.len() as u32;
        }
        let mut expected = lines.clone();
        mark_repeats_reference(&mut expected, &words);
        let n_hashes = words.hashes.len();
        mark_repeats(&mut lines, &mut words, &mut RepeatTables::default());
        prop_assert_eq!(words.hashes.len(), n_hashes);
        let fates = |ls: &[Line]| ls.iter().map(|l| l.fate).collect::<Vec<_>>();
        prop_assert_eq!(fates(&lines), fates(&expected));
        // Run again on its own result, it finds nothing more: what lets
        // `clean_with` skip a round (see there).
        let once = fates(&lines);
        mark_repeats(&mut lines, &mut words, &mut RepeatTables::default());
        prop_assert_eq!(fates(&lines), once);
    }

    /// The joins, run again on their own result, change nothing (with
    /// other fates and blank lines between the kept lines): what lets
    /// `clean_with` skip a round (see there).
    #[test]
    fn mark_joins_changes_nothing_twice(
        spec in proptest::collection::vec(
            (0..4u8, prop::sample::select(vec!["The end.", "the middle", "and so on", "A head", "", "x"])),
            1..24,
        ),
    ) {
        let fates = [Fate::Body, Fate::Joined, Fate::Blank, Fate::Label];
        let mut repaired = String::new();
        let mut lines = Vec::new();
        let mut facts = Vec::new();
        let (mut key, mut hashes) = (Vec::new(), Vec::new());
        for (i, (fate, text)) in spec.iter().enumerate() {
            let from = repaired.len();
            repaired.push_str(text);
            facts.push(LineFacts::scan(text, &mut key, &mut hashes));
            let fate = if text.is_empty() { Fate::Blank } else { fates[*fate as usize] };
            lines.push(Line { number: i as u32 + 1, span: 0..0, fate, repaired: from..repaired.len() });
        }
        let fates = |ls: &[Line]| ls.iter().map(|l| l.fate).collect::<Vec<_>>();
        mark_joins(&mut lines, &facts, &repaired);
        let once = fates(&lines);
        mark_joins(&mut lines, &facts, &repaired);
        prop_assert_eq!(fates(&lines), once);
    }
}

/// The language detection as it was on main before session 10 (the fast
/// path always reads its 80 words), the reference of
/// `detect_language_is_the_reference`; why each test: see
/// [`super::detect_language`].
fn detect_language_reference(text: &str) -> Option<String> {
    let sample = &text[..super::normalize::floor_char_boundary(text, 600)];
    let (mut n_words, mut n_common) = (0usize, 0usize);
    for w in sample.as_bytes().split(u8::is_ascii_whitespace).filter(|w| !w.is_empty()).take(80) {
        n_words += 1;
        n_common += usize::from(super::is_common_english(w));
    }
    if n_words >= 8 && n_common * 4 >= n_words {
        return Some("eng".to_string());
    }
    if n_words >= 20 && n_common * 20 >= n_words * 3 {
        return Some("eng".to_string());
    }
    if n_words < 20 {
        return None;
    }
    let info = whatlang::detect(sample)?;
    info.is_reliable().then(|| info.lang().code().to_string())
}

proptest! {
    /// The fast path that stops once enough common words are seen answers
    /// as the one that reads all 80 words.
    #[test]
    fn detect_language_is_the_reference(
        words in proptest::collection::vec(
            proptest::sample::select(vec![
                "the", "The", "of", "said,", "(and", "it.", "minister", "Bakers", "in",
                "Regierung", "und", "der", "le", "gouvernement", "a", "\u{e9}t\u{e9}", "2016",
                "--", "was", "THEIR", "after", "x",
            ]),
            0..140,
        ),
        glue in proptest::sample::select(vec![" ", "\n", "  ", "\t"]),
    ) {
        let text = words.join(glue);
        prop_assert_eq!(detect_language(&text), detect_language_reference(&text));
    }
}

/// The common-word count as it was (`split` and `is_common_english` word
/// by word), the reference of `count_common_words_is_the_reference`.
fn count_common_words_reference(sample: &[u8], max_words: usize, enough: usize) -> (usize, usize) {
    let (mut n_words, mut n_common) = (0, 0);
    for w in sample.split(u8::is_ascii_whitespace).filter(|w| !w.is_empty()).take(max_words) {
        n_words += 1;
        n_common += usize::from(is_common_english(w));
        if n_common >= enough {
            break;
        }
    }
    (n_words, n_common)
}

/// Words for the language tests: the common words in every case, cut,
/// glued to punctuation, digits, other chars and controls; long words
/// (past 16 and 64 bytes) with a common word inside.
fn language_words() -> impl Strategy<Value = String> {
    let words = proptest::sample::select(vec![
        "the",
        "The",
        "THE",
        "tHe",
        "of",
        "and",
        "to",
        "In",
        "a",
        "A",
        "is",
        "that",
        "for",
        "on",
        "said",
        "with",
        "was",
        "as",
        "by",
        "it",
        "at",
        "from",
        "his",
        "he",
        "has",
        "have",
        "be",
        "are",
        "an",
        "were",
        "had",
        "which",
        "WHICH",
        "not",
        "but",
        "this",
        "its",
        "their",
        "they",
        "after",
        "After",
        "thee",
        "th",
        "whic",
        "afte",
        "theirs",
        "the'",
        "'the",
        "it's",
        "(and",
        "said,",
        "it.",
        "\"the\"",
        "--the--",
        "the.of",
        "the1",
        "1the",
        "the\u{e9}",
        "\u{e9}the",
        "the\0",
        "the\u{b}",
        "\u{b}",
        "\0",
        "\u{7f}",
        "the\u{7f}",
        "`a`",
        "~a~",
        "{a}",
        "[a]",
        "a@",
        "@a",
        "a_",
        "_a",
        "a|a",
        ".",
        ",,",
        "--",
        "2016",
        "minister",
        "gouvernement",
        "\u{e9}t\u{e9}",
        "\u{212a}",
        "\u{a0}",
        "---------------the",
        "-------------------------------------------------------------------the",
        "the-------------------------------------------------------------------",
        "abcdefghijklmnopq",
        "abcdefghijklmnop",
        "abcdefghijklmno",
        "................the",
    ]);
    let glue = proptest::sample::select(vec![
        " ", "  ", "\n", "\t", "\r\n", "\u{c}", "\u{b}", "\u{a0}", "", " \u{85} ",
    ]);
    proptest::collection::vec((words, glue), 0..160)
        .prop_map(|parts| parts.into_iter().flat_map(|(w, g)| [w, g]).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]
    /// The bit-mask count reads the words the `split` loop read, and finds
    /// the same common ones, on samples of every length up to 600 bytes
    /// (cut at a char boundary, as `detect_language` cuts them), and on
    /// any text.
    #[test]
    fn count_common_words_is_the_reference(
        text in language_words(),
        any in "\\PC{0,700}",
        max_words in 1..100usize,
        enough in 1..30usize,
    ) {
        for t in [text.as_str(), any.as_str()] {
            let sample = &t[..super::normalize::floor_char_boundary(t, 600)];
            for sample in [sample, &sample[..super::normalize::floor_char_boundary(sample, 64)]] {
                prop_assert_eq!(
                    count_common_words(sample.as_bytes(), max_words, enough),
                    count_common_words_reference(sample.as_bytes(), max_words, enough),
                    "{:?}",
                    sample
                );
            }
            prop_assert_eq!(detect_language(t), detect_language_reference(t));
        }
    }

    /// A word of up to 16 bytes is classed as `is_common_english` classes
    /// it, whatever its bytes.
    #[test]
    fn is_common_token_is_is_common_english(
        word in proptest::collection::vec(
            prop_oneof![
                proptest::sample::select(b"thofandisaw!\"'(),.-:;?[]`{}~\x7f\x0b\x00\x80\xc3\xa9".to_vec()),
                any::<u8>(),
            ],
            1..=16,
        ),
        after in any::<[u8; 16]>(),
    ) {
        let mut class = [0u8; 16];
        for (k, &c) in class.iter_mut().zip(word.iter().chain(&after)) {
            *k = super::language_class(c);
        }
        // A word holds no whitespace.
        prop_assume!(class[..word.len()].iter().all(|&k| k != 0));
        prop_assert_eq!(
            super::is_common_token(&class, word.len()),
            is_common_english(&word),
            "{:?}",
            word
        );
    }
}

#[test]
fn common_table_holds_the_common_words() {
    for word in COMMON_ENGLISH {
        assert!(is_common_english(word.as_bytes()), "{word}");
        let mut class = [0u8; 16];
        for (k, c) in class.iter_mut().zip(word.bytes()) {
            *k = language_class(c);
        }
        assert!(is_common_token(&class, word.len()), "{word}");
    }
    for c in 0..=255u8 {
        let expect = if c.is_ascii_whitespace() {
            0
        } else if c.is_ascii_punctuation() {
            1
        } else if c.is_ascii_alphabetic() {
            c.to_ascii_lowercase()
        } else {
            0x7f
        };
        assert_eq!(language_class(c), expect, "{c}");
    }
}

/// [`close_apostrophes`] as it was (every byte before each apostrophe
/// moved, the first ones onto themselves), the reference of
/// `close_apostrophes_is_the_reference`.
fn close_apostrophes_reference(bytes: &[u8], scratch: &mut [u8]) -> usize {
    let buf = scratch;
    let mut j = 0;
    let mut from = 0;
    for at in memchr::memchr_iter(b'\'', bytes) {
        buf.copy_within(from..at, j);
        j += at - from;
        from = at + 1;
    }
    if from == 0 {
        return bytes.len();
    }
    buf.copy_within(from..bytes.len(), j);
    j += bytes.len() - from;
    buf[j..bytes.len()].fill(0);
    j
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]
    /// The closing writes the key bytes (and the zeros after them) it
    /// wrote before: apostrophes anywhere, in runs, first and last.
    #[test]
    fn close_apostrophes_is_the_reference(
        bytes in prop::collection::vec(
            prop::sample::select(vec![b'\'', b'a', b'Z', b'7', b' ', b',', b'.']),
            0..400,
        ),
    ) {
        let keyed = |bytes: &[u8]| {
            let mut scratch: Vec<u8> = bytes.iter().map(|&c| key_byte(c)).collect();
            scratch.extend_from_slice(&[0; PAD]);
            scratch
        };
        let (mut new, mut old) = (keyed(&bytes), keyed(&bytes));
        let n = close_apostrophes(&bytes, &mut new);
        prop_assert_eq!(n, close_apostrophes_reference(&bytes, &mut old));
        prop_assert_eq!(new, old);
    }
}
