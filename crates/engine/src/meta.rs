//! Metadata: title, outlet, original outlet, author and publication date,
//! each with where it came from.
//!
//! Input: the [`RawArticle`] (its fields and origin path) and its [`Clean`]
//! (the fates of its lines). Output: [`Meta`] and diagnostics for values
//! that were present but unusable.
//! Method: fields given by the reader win; the text fills the gaps: the
//! head block's title and date/source lines, a byline, the copyright line
//! (the outlet), a source line "Outlet, date" or "according to Outlet" in
//! the lead (the original outlet of a republication), a social-media plug
//! (the author's handle); then a date in the URL, then a date folder in the
//! path. Nothing is guessed: an unknown value is `None`.

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

use crate::clean::{Chrome, Clean, Fate};
use crate::dates;
use crate::model::{DateSource, Diagnostic, DiagnosticKind, RawArticle};

/// Metadata of one article.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The headline.
    pub title: Option<String>,
    /// The outlet of this copy.
    pub outlet: Option<String>,
    /// The outlet that first published the piece, when this is a republication.
    pub original_outlet: Option<String>,
    /// The byline.
    pub author: Option<String>,
    /// The publication date of the piece.
    pub published: Option<NaiveDate>,
    /// Where `published` came from.
    pub published_source: Option<DateSource>,
    /// The URL.
    pub url: Option<String>,
}

/// News outlets and agencies that other sites cite as the origin of a
/// piece ("according to The Wall Street Journal", "(Reuters) -").
const OUTLETS: &[&str] = &[
    "The Wall Street Journal",
    "Wall Street Journal",
    "The New York Times",
    "New York Times",
    "The Washington Post",
    "Washington Post",
    "Reuters",
    "The Associated Press",
    "Associated Press",
    "AP",
    "AFP",
    "Agence France-Presse",
    "Bloomberg",
    "The Guardian",
    "BBC",
    "CNN",
    "Financial Times",
    "The Financial Times",
    "The Times",
    "Le Monde",
    "Der Spiegel",
    "Interfax",
    "TASS",
    "RIA Novosti",
    "Xinhua",
    "Al Jazeera",
    "The Economist",
    "Politico",
    "NPR",
    "Fox News",
    "NBC News",
    "CBS News",
    "ABC News",
    "USA Today",
    "Los Angeles Times",
    "The Los Angeles Times",
    "Anadolu Agency",
    "dpa",
    "EFE",
    "ANSA",
    "Kyodo",
    "Yonhap",
    "The Independent",
    "The Telegraph",
    "Daily Mail",
    "Axios",
];

static SOURCE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*[-*•]?\s*((?:The\s+)?\p{Lu}[\p{L}&.'’-]*(?:\s+\p{Lu}[\p{L}&.'’-]*){0,6})\s*[,|–—-]\s*").expect("source line regex")
});

/// The phrases that name the outlet a lead cites: "according to",
/// "reported by", "citing" ("first reported by" holds "reported by", and
/// cites the same outlet). See [`cited_outlet`].
static CITING: LazyLock<aho_corasick::packed::Searcher> = LazyLock::new(|| {
    aho_corasick::packed::Searcher::new(["according to", "reported by", "citing"])
        .expect("citing phrases")
});

static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*)?(\p{L}[^,.©]*?)\s*(?:[-–,.]\s*\d{4}.*|[-–,.]?\s*all rights reserved.*|\.)?$")
        .expect("copyright regex")
});

/// [`COPYRIGHT`] for ASCII lines (most of them), with Unicode off: `\p{L}`
/// is `[a-z]` (any case), `[^,.©]` is `[^,.]` and the dashes' classes are
/// alternatives, which match the same on ASCII text (no char outside ASCII
/// to case-fold into either). Compiling it costs a tenth of the Unicode
/// regex's ≈ 6.6 M instructions, which Timeline17 paid for its one
/// copyright line.
static COPYRIGHT_ASCII: LazyLock<regex::bytes::Regex> = LazyLock::new(|| {
    regex::bytes::RegexBuilder::new(r"(?i)^(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*(?:-|–)\s*\d{4})?\s*)?([a-z][^,.]*?)\s*(?:(?:[-,.]|–)\s*\d{4}.*|(?:[-,.]|–)?\s*all rights reserved.*|\.)?$")
        .unicode(false)
        .build()
        .expect("copyright regex, ASCII")
});

/// The holder a copyright line names (the group of [`COPYRIGHT`]).
fn copyright_name(line: &str) -> Option<&str> {
    let range = if line.is_ascii() {
        COPYRIGHT_ASCII.captures(line.as_bytes())?.get(1)?.range()
    } else {
        COPYRIGHT.captures(line)?.get(1)?.range()
    };
    Some(&line[range])
}

/// The handle after the first `@` followed by three word characters or
/// more, up to 30 of them: what the regex `@(\w{3,30})` captures, found by
/// hand (that regex costs more to compile, 30 copies of Unicode's word
/// class, than a whole article costs to clean).
fn handle(line: &str) -> Option<&str> {
    for (at, _) in line.match_indices('@') {
        let rest = &line[at + 1..];
        let (mut n, mut end) = (0, 0);
        for (i, c) in rest.char_indices() {
            if n == 30 || !regex_syntax::is_word_character(c) {
                break;
            }
            (n, end) = (n + 1, i + c.len_utf8());
        }
        if n >= 3 {
            return Some(&rest[..end]);
        }
    }
    None
}

/// Finds the metadata of an article. `user_date` is a date given on the
/// command line, which wins over everything.
pub fn metadata(
    raw: &RawArticle,
    clean: &Clean,
    user_date: Option<NaiveDate>,
) -> (Meta, Vec<Diagnostic>) {
    let mut diagnostics = Vec::new();
    let fields = &raw.fields;
    // The kinds of line read below, looked for in one pass over the lines
    // rather than one pass for each reader (five in all); most articles
    // have none of them.
    let (mut has_meta, mut has_social, mut has_rights) = (false, false, false);
    for line in &clean.lines {
        match line.fate {
            Fate::Meta => has_meta = true,
            Fate::Chrome(Chrome::Social) => has_social = true,
            Fate::Chrome(Chrome::Rights) => has_rights = true,
            _ => {}
        }
    }
    let mut meta = Meta {
        title: fields.title.clone().or_else(|| clean.title.clone()),
        url: fields.url.clone(),
        author: fields
            .author
            .clone()
            .or_else(|| has_meta.then(|| byline(clean)).flatten())
            .or_else(|| has_social.then(|| social_author(clean)).flatten()),
        outlet: fields
            .outlet
            .clone()
            .or_else(|| fields.url.as_deref().and_then(host))
            .or_else(|| has_rights.then(|| copyright_holder(clean)).flatten()),
        ..Meta::default()
    };

    // A source line in the head: "The Wall Street Journal, 05 October 2016".
    let mut source_date = None;
    for line in has_meta.then(|| clean.lines_with(Fate::Meta)).into_iter().flatten() {
        let content = line.content(clean);
        let found = dates::find_dates(content);
        let Some(first) = found.first() else { continue };
        if let Some(c) = SOURCE_LINE.captures(content) {
            let name = c[1].trim().to_string();
            if c.get(0).is_some_and(|m| m.end() == first.span.start) && looks_like_outlet(&name) {
                meta.original_outlet = Some(name);
                source_date = Some(first.date);
            }
        }
    }
    if meta.original_outlet.is_none() {
        meta.original_outlet = lead_attribution(clean).or_else(|| dateline_agency(clean));
    }
    if meta.original_outlet.is_some() && meta.original_outlet == meta.outlet {
        meta.original_outlet = None;
    }

    let field_date = fields.published.as_deref().and_then(|value| {
        let date = dates::parse_date(value);
        if date.is_none() {
            let msg = format!("unreadable publication date {value:?}; ignored");
            diagnostics.push(Diagnostic::new(raw.origin.clone(), DiagnosticKind::BadValue, msg));
        }
        date
    });
    let head_date = || {
        has_meta.then_some(())?;
        clean
            .lines_with(Fate::Meta)
            .find_map(|l| dates::find_dates(l.content(clean)).first().map(|d| d.date))
    };
    // The first source that has a date wins; the later ones are not read
    // at all (the field date is, above: an unreadable one is reported).
    let found = user_date
        .map(|d| (d, DateSource::User))
        // A reader may know better (an HTML page dated only by its URL).
        .or_else(|| field_date.map(|d| (d, fields.published_source.unwrap_or(DateSource::Field))))
        .or_else(|| source_date.or_else(head_date).map(|d| (d, DateSource::Dateline)))
        .or_else(|| fields.url.as_deref().and_then(dates::url_date).map(|d| (d, DateSource::Url)))
        .or_else(|| dates::path_date(&raw.origin.path).map(|d| (d, DateSource::Path)));
    if let Some((date, source)) = found {
        meta.published = Some(date);
        meta.published_source = Some(source);
    }
    (meta, diagnostics)
}

fn looks_like_outlet(name: &str) -> bool {
    let n_words = name.split_whitespace().count();
    (1..=7).contains(&n_words) && !name.chars().any(|c| c.is_ascii_digit())
}

/// "..., according to The Wall Street Journal." in the first paragraph.
fn lead_attribution(clean: &Clean) -> Option<String> {
    let lead = &clean.text[..lead_end(&clean.text)];
    cited_outlet(lead).map(canonical_outlet)
}

/// The outlet named after the first citing phrase that names one: what
/// the regex
/// `\b(?:according to|reported by|citing|first reported by)\s+(?:the\s+)?(OUTLETS)\b`
/// (the [`OUTLETS`] in their order) captures, found by hand. That regex
/// cost ≈ 4 M instructions (≈ 1 ms) to compile, more than its searches
/// over a whole run. The regex's choices, leftmost first: the earliest
/// phrase after a word boundary (the phrases cannot overlap, and
/// "first reported by" matches where its "reported by" does, with the
/// same outlet after it); all the white space after it (no outlet starts
/// with white space, so taking less fails); "the" and its white space if
/// an outlet follows them, else an outlet right there; the first outlet
/// in the list followed by a word boundary. `\s` is Unicode's White_Space
/// (`char::is_whitespace`), `\b` uses Unicode's word characters, as the
/// regex does by default.
fn cited_outlet(lead: &str) -> Option<&'static str> {
    let is_word = |c: Option<char>| c.is_some_and(regex_syntax::is_word_character);
    let boundary =
        |at: usize| is_word(lead[..at].chars().next_back()) != is_word(lead[at..].chars().next());
    // The end of the white space from `at`, if there is some.
    let spaces = |at: usize| {
        let rest = &lead[at..];
        let end = rest.len() - rest.trim_start_matches(char::is_whitespace).len();
        (end > 0).then_some(at + end)
    };
    let outlet_at = |at: usize| {
        let rest = &lead[at..];
        OUTLETS.iter().copied().find(|o| rest.starts_with(o) && boundary(at + o.len()))
    };
    CITING.find_iter(lead.as_bytes()).find_map(|phrase| {
        if !boundary(phrase.start()) {
            return None;
        }
        let at = spaces(phrase.end())?;
        let after_the =
            lead[at..].starts_with("the").then(|| spaces(at + 3)).flatten().and_then(outlet_at);
        after_the.or_else(|| outlet_at(at))
    })
}

/// The end of the first paragraph: the first "\n\n" (what
/// `split("\n\n").next()` ends at), found from the line feeds with
/// memchr (the two-way substring search cost ≈ 1.6 k instructions an
/// article), else the end of the text.
fn lead_end(text: &str) -> usize {
    let bytes = text.as_bytes();
    memchr::memchr_iter(b'\n', bytes)
        .find(|&at| bytes.get(at + 1) == Some(&b'\n'))
        .unwrap_or(bytes.len())
}

/// "WASHINGTON (Reuters) -": an agency named in the dateline.
fn dateline_agency(clean: &Clean) -> Option<String> {
    let dateline = clean.dateline.as_deref()?;
    let inner = dateline.split_once('(')?.1.trim_end_matches(')');
    OUTLETS.iter().find(|o| o.eq_ignore_ascii_case(inner.trim())).map(|o| canonical_outlet(o))
}

fn canonical_outlet(name: &str) -> String {
    match name {
        "Wall Street Journal" => "The Wall Street Journal",
        "New York Times" => "The New York Times",
        "Washington Post" => "The Washington Post",
        "AP" | "The Associated Press" => "Associated Press",
        other => other,
    }
    .to_string()
}

fn byline(clean: &Clean) -> Option<String> {
    clean.lines_with(Fate::Meta).find_map(|l| {
        let rest = l.content(clean).split_once(' ').filter(|(by, _)| {
            matches!(by.to_lowercase().as_str(), "by" | "von" | "par" | "por" | "di")
        })?;
        Some(rest.1.trim().to_string())
    })
}

/// "follow @TracyKWilkinson on Twitter": the handle split at its capitals,
/// when it reads as a name of two or three parts.
fn social_author(clean: &Clean) -> Option<String> {
    let handle =
        clean.lines_with(Fate::Chrome(Chrome::Social)).find_map(|l| handle(l.content(clean)))?;
    let mut parts: Vec<String> = Vec::new();
    for c in handle.chars() {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        if c.is_uppercase() || parts.is_empty() {
            parts.push(String::new());
        }
        parts.last_mut()?.push(c);
    }
    let is_name = (2..=3).contains(&parts.len())
        && parts.iter().all(|p| p.starts_with(|c: char| c.is_uppercase()))
        && parts.first().is_some_and(|p| p.len() >= 2)
        && parts.last().is_some_and(|p| p.len() >= 2);
    if !is_name {
        return None;
    }
    let parts: Vec<String> =
        parts.into_iter().map(|p| if p.len() == 1 { format!("{p}.") } else { p }).collect();
    Some(parts.join(" "))
}

fn copyright_holder(clean: &Clean) -> Option<String> {
    clean.lines_with(Fate::Chrome(Chrome::Rights)).find_map(|l| {
        let name = copyright_name(l.content(clean).trim())?.trim();
        let ok = looks_like_outlet(name) && !name.to_lowercase().contains("rights");
        ok.then(|| name.to_string())
    })
}

/// The host of a URL, without `www.`.
fn host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let host = rest.split(['/', '?', '#', ':']).next()?;
    let host = host.strip_prefix("www.").unwrap_or(host);
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The lead ends where `split("\n\n")` ends it, on text of line
        /// feeds, spaces, letters and chars outside ASCII.
        #[test]
        fn lead_end_is_split(text in "[a\n é]{0,40}") {
            let expected = text.split("\n\n").next().unwrap_or("").len();
            proptest::prop_assert_eq!(lead_end(&text), expected);
        }
    }

    /// What `cited_outlet` replaced: the regex, as it was.
    static ACCORDING_TO: LazyLock<Regex> = LazyLock::new(|| {
        let names: Vec<String> = OUTLETS.iter().map(|o| regex::escape(o)).collect();
        Regex::new(&format!(
            r"\b(?:according to|reported by|citing|first reported by)\s+(?:the\s+)?({})\b",
            names.join("|")
        ))
        .expect("according-to regex")
    });

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The hand search names the outlet the regex captures, on leads of
        /// its phrases, outlets, white space and word characters (ASCII or
        /// not), on any text, and on long leads.
        #[test]
        fn cited_outlet_is_the_regex(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "according to", "reported by", "first reported by", "citing", "citing ",
                "according to ", "the", "the ", "The ", "Reuters", "AP", "AFP", "APx", "Agence France-Presse",
                "The Times", "The Telegraph", "Times", "Wall Street Journal", "The Wall Street Journal",
                "New York Times", "dpa", "Los Angeles Times", "The Los Angeles Times", " ", "  ",
                "\t", "\n", "\u{a0}", "\u{2003}", "\u{85}", "\u{180e}", "\u{200b}", "\u{3000}",
                "é", "ß", "_", "1", ",", ".", "-", "'", "x", "s", "xciting", "Reutersé",
            ]), 0..12),
            any in "\\PC{0,60}",
            repeat in 1usize..100,
        ) {
            let long = parts.concat().repeat(repeat);
            for lead in [parts.concat(), any, long] {
                let reference = ACCORDING_TO.captures(&lead).map(|c| c.get(1).unwrap().as_str());
                proptest::prop_assert_eq!(cited_outlet(&lead), reference, "{:?}", lead);
            }
        }
    }

    #[test]
    fn cited_outlet_examples() {
        for (lead, outlet) in [
            (
                "Bakers struck, according to The Wall Street Journal.",
                Some("The Wall Street Journal"),
            ),
            ("as first reported by the\u{a0}Financial Times", Some("Financial Times")),
            ("citing AFP, citing AP", Some("AFP")),
            ("citing APx, then reported by Reuters", Some("Reuters")),
            ("reciting Reuters", None),
            ("according to Reutersé", None),
            ("according to the theory", None),
        ] {
            assert_eq!(cited_outlet(lead), outlet, "{lead}");
            let reference = ACCORDING_TO.captures(lead).map(|c| c.get(1).unwrap().as_str());
            assert_eq!(outlet, reference, "{lead}");
        }
    }

    use crate::clean::{clean, CleanConfig};
    use crate::model::{Fields, Format, Origin};

    fn meta_of(path: &str, body: &str, fields: Fields) -> Meta {
        let raw = RawArticle {
            origin: Origin::file(path),
            format: Format::Text,
            body: body.to_string(),
            fields,
            diagnostics: vec![],
        };
        let c = clean(body, &CleanConfig { detect_language: false });
        metadata(&raw, &c, None).0
    }

    /// See: `handle`, which does by hand what this regex does.
    #[test]
    fn handle_is_what_the_regex_captures() {
        let re = Regex::new(r"@(\w{3,30})").unwrap();
        for line in [
            "follow @JaneQDoe on Twitter",
            "a@b @ab @abc_1",
            "@x @Zoë_Müller",
            "@aaaaaaaaaabbbbbbbbbbccccccccccdddd and more",
            "mail me@example.org",
            "no handle @ here",
            "@",
        ] {
            assert_eq!(
                handle(line),
                re.captures(line).map(|c| c.get(1).unwrap().as_str()),
                "{line}"
            );
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2048))]
        /// The ASCII regex captures what the Unicode one does, on lines of
        /// its parts and on any text (ASCII or not).
        #[test]
        fn copyright_name_is_the_regex_group(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "©", "(c)", "(C)", "copyright", "COPYRIGHT", "Copyright", " ", "  ", "\t", "2016",
                "1999", "-", "–", " - ", "Example", "news", "AGENCY", "x", ",", ".", "©",
                "all rights reserved", "All Rights Reserved.", "\u{212A}", "é", "(", "ſ", "_",
            ]), 0..9),
            any in "\\PC{0,30}",
            start in proptest::sample::select(vec!["©", "(c)", "(C)", "Copyright", "COPYRIGHT", "© ", ""]),
            ascii in "[ -~\t]{0,40}",
        ) {
            let long = format!("{start}{}", ascii.repeat(100));
            for line in [parts.concat(), any, format!("{start}{ascii}"), long] {
                let reference = COPYRIGHT.captures(&line).map(|c| c.get(1).unwrap().as_str());
                proptest::prop_assert_eq!(copyright_name(&line), reference, "{:?}", line);
            }
        }
    }

    #[test]
    fn republication_with_source_line() {
        let body = "## **BAKERS STRIKE IN THE NORTH**\n- 07.03.2021\n---\nThe Daily Courier, 06 March 2021\n\nBakers closed their shops on Friday, the union said.\n";
        let m = meta_of("x.txt", body, Fields::default());
        assert_eq!(m.title.as_deref(), Some("BAKERS STRIKE IN THE NORTH"));
        assert_eq!(m.original_outlet.as_deref(), Some("The Daily Courier"));
        assert_eq!(m.published, NaiveDate::from_ymd_opt(2021, 3, 6));
        assert_eq!(m.published_source, Some(DateSource::Dateline));
    }

    #[test]
    fn lead_attribution_copyright_and_social_author() {
        let body = "Bakers closed their shops on Friday, according to The Wall Street Journal.\n\nThe union said talks would resume.\n\nFor more news, follow @JaneQDoe on Twitter\n\nAll rights reserved\n\n© Example News Agency - 2001-2024.\n";
        let m = meta_of("x.txt", body, Fields::default());
        assert_eq!(m.original_outlet.as_deref(), Some("The Wall Street Journal"));
        assert_eq!(m.outlet.as_deref(), Some("Example News Agency"));
        assert_eq!(m.author.as_deref(), Some("Jane Q. Doe"));
        assert_eq!(m.published, None, "no date anywhere: unknown, not guessed");
    }

    #[test]
    fn fields_then_url_then_path() {
        let body = "Bakers closed their shops on Friday.\n";
        let f = Fields {
            published: Some("2021-03-05T10:00:00Z".into()),
            url: Some("https://www.example.com/2021/03/04/a".into()),
            ..Fields::default()
        };
        let m = meta_of("c/2021-03-01/1.txt", body, f);
        assert_eq!(
            (m.published, m.published_source),
            (NaiveDate::from_ymd_opt(2021, 3, 5), Some(DateSource::Field))
        );
        assert_eq!(m.outlet.as_deref(), Some("example.com"));
        let f =
            Fields { url: Some("https://example.com/2021/03/04/a".into()), ..Fields::default() };
        let m = meta_of("c/2021-03-01/1.txt", body, f);
        assert_eq!(m.published_source, Some(DateSource::Url));
        let m = meta_of("c/2021-03-01/1.txt", body, Fields::default());
        assert_eq!(
            (m.published, m.published_source),
            (NaiveDate::from_ymd_opt(2021, 3, 1), Some(DateSource::Path))
        );
    }
}
