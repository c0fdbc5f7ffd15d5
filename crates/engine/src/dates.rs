//! Absolute calendar dates written in text, fields, paths and URLs.
//!
//! Input: a string (a line of text, a metadata value, a path, a URL).
//! Output: the calendar dates it spells out, with their byte spans.
//! Method: one regular expression per family of forms — month names in ten
//! languages ("October 5, 2016", "05 October 2016", "5. Oktober 2016",
//! "5 de octubre de 2016"), numeric ("2016-10-05", "06.10.2016",
//! "10/05/2016"), RFC 2822 and RFC 3339 timestamps — validated by the
//! calendar. Relative expressions ("on Tuesday") belong to the temporal
//! tagger, not here. Nothing is guessed: an impossible date is no date.
//! A date folder in an ASCII path is found by hand, with exactly its
//! regex's matches (the regex reads the other paths).

use std::ops::Range;
use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;

/// A date found in text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateMatch {
    /// The calendar date.
    pub date: NaiveDate,
    /// Where it is written, in bytes.
    pub span: Range<usize>,
}

/// Month names and abbreviations, by month number, in English, German,
/// French, Spanish, Italian, Portuguese, Dutch, Turkish, Russian (genitive)
/// and Polish (genitive).
const MONTHS: [&[&str]; 12] = [
    &[
        "january",
        "jan",
        "januar",
        "janvier",
        "enero",
        "gennaio",
        "janeiro",
        "januari",
        "ocak",
        "января",
        "stycznia",
        "jänner",
    ],
    &[
        "february",
        "feb",
        "februar",
        "février",
        "fevrier",
        "febrero",
        "febbraio",
        "fevereiro",
        "februari",
        "şubat",
        "subat",
        "февраля",
        "lutego",
    ],
    &[
        "march",
        "mar",
        "märz",
        "maerz",
        "mars",
        "marzo",
        "março",
        "marco",
        "maart",
        "mart",
        "марта",
        "marca",
    ],
    &["april", "apr", "avril", "abril", "aprile", "nisan", "апреля", "kwietnia"],
    &["may", "mai", "mayo", "maggio", "maio", "mei", "mayıs", "mayis", "мая", "maja"],
    &["june", "jun", "juni", "juin", "junio", "giugno", "junho", "haziran", "июня", "czerwca"],
    &["july", "jul", "juli", "juillet", "julio", "luglio", "julho", "temmuz", "июля", "lipca"],
    &[
        "august",
        "aug",
        "août",
        "aout",
        "agosto",
        "augustus",
        "ağustos",
        "agustos",
        "августа",
        "sierpnia",
    ],
    &[
        "september",
        "sep",
        "sept",
        "septembre",
        "septiembre",
        "settembre",
        "setembro",
        "eylül",
        "eylul",
        "сентября",
        "września",
        "wrzesnia",
    ],
    &[
        "october",
        "oct",
        "oktober",
        "octobre",
        "octubre",
        "ottobre",
        "outubro",
        "ekim",
        "октября",
        "października",
        "pazdziernika",
    ],
    &[
        "november",
        "nov",
        "novembre",
        "noviembre",
        "novembro",
        "kasım",
        "kasim",
        "ноября",
        "listopada",
    ],
    &[
        "december",
        "dec",
        "dezember",
        "décembre",
        "decembre",
        "diciembre",
        "dicembre",
        "dezembro",
        "aralık",
        "aralik",
        "декабря",
        "grudnia",
    ],
];

/// The month number (1-12) of a month name or abbreviation in any of the
/// languages above, with or without a trailing period.
pub fn month_number(name: &str) -> Option<u32> {
    let name = name.trim_end_matches('.').to_lowercase();
    MONTHS.iter().position(|names| names.contains(&name.as_str())).map(|i| i as u32 + 1)
}

fn month_alternation() -> String {
    let mut names: Vec<&str> = MONTHS.iter().flat_map(|m| m.iter().copied()).collect();
    // Longest first, so "sept" is not read as "sep" + "t".
    names.sort_by_key(|n| std::cmp::Reverse(n.chars().count()));
    names.join("|")
}

static MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    // October 5, 2016 / Oct. 5 2016 / October 5th, 2016
    let re = format!(
        r"(?i)\b({})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b",
        month_alternation()
    );
    Regex::new(&re).expect("month-first date regex")
});

static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    // 05 October 2016 / 5. Oktober 2016 / 5 de octubre de 2016 / Wed, 05 Oct 2016
    let re = format!(
        r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th|\.|º)?\s+(?:de\s+)?({})\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})\b",
        month_alternation()
    );
    Regex::new(&re).expect("day-first date regex")
});

static NUMERIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})([./-])(\d{1,2})([./-])(\d{4}))(?:\b|T)")
        .expect("numeric date regex")
});

fn ymd(y: &str, m: u32, d: &str) -> Option<NaiveDate> {
    let y: i32 = y.parse().ok()?;
    let d: u32 = d.parse().ok()?;
    if !(1900..=2100).contains(&y) {
        return None;
    }
    NaiveDate::from_ymd_opt(y, m, d)
}

/// How a numeric date with slashes (`10/05/2022`) reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SlashOrder {
    /// Month first, as in the United States (the default when the
    /// language is unknown).
    #[default]
    MonthFirst,
    /// Day first, as nearly everywhere else.
    DayFirst,
}

impl SlashOrder {
    /// The order for a page in language `tag` (`<html lang>`): month first
    /// for `en`, `en-US` and no language at all, day first for any other
    /// (`es`, `en-GB`, `de-DE`), since only US English writes the month
    /// first.
    pub fn for_language(tag: Option<&str>) -> SlashOrder {
        let tag = tag.map(|t| t.trim().to_ascii_lowercase().replace('_', "-"));
        match tag.as_deref() {
            None | Some("" | "en" | "en-us") => SlashOrder::MonthFirst,
            Some(_) => SlashOrder::DayFirst,
        }
    }
}

/// Every absolute date written in `text`, in order of position; where two
/// forms overlap, the one that starts first (then the longer) wins.
/// Slashed numeric dates read month first ([`find_dates_in`] chooses).
pub fn find_dates(text: &str) -> Vec<DateMatch> {
    find_dates_in(text, SlashOrder::MonthFirst)
}

/// [`find_dates`] with slashed numeric dates read in `order`.
pub fn find_dates_in(text: &str, order: SlashOrder) -> Vec<DateMatch> {
    let mut found = Vec::new();
    for c in MONTH_FIRST.captures_iter(text) {
        if let Some(date) = month_number(&c[1]).and_then(|m| ymd(&c[3], m, &c[2])) {
            found.push(DateMatch { date, span: c.get(0).map_or(0..0, |m| m.range()) });
        }
    }
    for c in DAY_FIRST.captures_iter(text) {
        if let Some(date) = month_number(&c[2]).and_then(|m| ymd(&c[3], m, &c[1])) {
            found.push(DateMatch { date, span: c.get(0).map_or(0..0, |m| m.range()) });
        }
    }
    for c in NUMERIC.captures_iter(text) {
        let date = if let Some(y) = c.get(1) {
            c[2].parse().ok().and_then(|m| ymd(y.as_str(), m, &c[3]))
        } else {
            if c[5] != c[7] {
                continue;
            }
            numeric_dmy(&c[4], &c[5], &c[6], &c[8], order)
        };
        if let Some(date) = date {
            let m = c.get(0).expect("group 0");
            let end = if m.as_str().ends_with('T') { m.end() - 1 } else { m.end() };
            found.push(DateMatch { date, span: m.start()..end });
        }
    }
    found.sort_by_key(|d| (d.span.start, std::cmp::Reverse(d.span.end)));
    let mut out: Vec<DateMatch> = Vec::with_capacity(found.len());
    for d in found {
        if out.last().is_none_or(|last| d.span.start >= last.span.end) {
            out.push(d);
        }
    }
    out
}

/// `a SEP b SEP year`: day-first with `.` and `-` (European); with `/` in
/// `order`; either way the other reading when only it is a valid date.
fn numeric_dmy(a: &str, sep: &str, b: &str, y: &str, order: SlashOrder) -> Option<NaiveDate> {
    let (a_n, b_n): (u32, u32) = (a.parse().ok()?, b.parse().ok()?);
    let day_first =
        if sep == "/" && order == SlashOrder::MonthFirst { a_n > 12 } else { b_n <= 12 };
    if day_first {
        ymd(y, b_n, a)
    } else {
        ymd(y, a_n, b)
    }
}

/// The date of a metadata value ("2016-10-05T16:32:00Z", "Wed, 05 Oct 2016
/// 16:32:00 +0000", "October 5, 2016"): the first date written in it.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    parse_date_in(value, SlashOrder::MonthFirst)
}

/// [`parse_date`] with slashed numeric dates read in `order`. A timestamp
/// with an offset gives the calendar day as written there (the outlet's
/// local day), never the day shifted to UTC.
pub fn parse_date_in(value: &str, order: SlashOrder) -> Option<NaiveDate> {
    find_dates_in(value, order).into_iter().next().map(|d| d.date)
}

/// What [`path_date`] looks for, used as such only for a path that is not
/// ASCII (`\d` takes any Unicode digit, which [`path_date_ascii`] does
/// not read); compiling it costs ≈ 2.5 M instructions (≈ 0.45 ms), which
/// an ingest of ASCII paths no longer pays.
static PATH_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:^|[/\\])((?:19|20)\d\d)-(\d\d)-(\d\d)(?:[/\\])").expect("path date regex")
});

static URL_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"/((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:/|$|\.|-)").expect("url date regex")
});

/// A date folder in a path (`.../2010-05-24/1036.htm.txt`): the last one.
pub fn path_date(path: &str) -> Option<NaiveDate> {
    let (y, m, d) = if path.is_ascii() {
        path_date_ascii(path)?
    } else {
        let c = PATH_DATE.captures_iter(path).last()?;
        let (y, m, d) = (c.get(1)?, c.get(2)?, c.get(3)?);
        (&path[y.range()], &path[m.range()], &path[d.range()])
    };
    ymd(y, m.parse().ok()?, d)
}

/// The groups of the last match of [`PATH_DATE`] in an ASCII path, found
/// by hand (the regex's captures cost ≈ 4 k instructions a call, every
/// article of a folder of files pays one): matches are taken as
/// `captures_iter` takes them, leftmost first and not overlapping, so a
/// date folder right after another one (`/2010-05-24/2010-05-25/`) is not
/// a match (its leading `/` ended the first). On ASCII text `\d` is
/// `[0-9]`.
fn path_date_ascii(path: &str) -> Option<(&str, &str, &str)> {
    let bytes = path.as_bytes();
    // `YYYY-MM-DD` then a separator, at `at`.
    let date_at = |at: usize| {
        let b = bytes.get(at..at + 11)?;
        let digits = [0, 1, 2, 3, 5, 6, 8, 9].iter().all(|&i| b[i].is_ascii_digit());
        let ok = digits
            && matches!(&b[..2], b"19" | b"20")
            && b[4] == b'-'
            && b[7] == b'-'
            && matches!(b[10], b'/' | b'\\');
        ok.then_some(at)
    };
    let mut last = None;
    // Where the next match may start: just past the last one's separator.
    let mut from = 0;
    // `^` then the date: only at the very start.
    if let Some(at) = date_at(0) {
        last = Some(at);
        from = at + 11;
    }
    // A byte at a time: paths are short and have a dozen separators, each
    // a `memchr2` call cost more than the bytes it skipped.
    while let Some(&b) = bytes.get(from) {
        from += 1;
        if matches!(b, b'/' | b'\\') {
            if let Some(at) = date_at(from) {
                last = Some(at);
                from = at + 11;
            }
        }
    }
    let at = last?;
    Some((&path[at..at + 4], &path[at + 5..at + 7], &path[at + 8..at + 10]))
}

/// A date in a URL path (`/2016/10/05/` or `/2016-10-05-`).
pub fn url_date(url: &str) -> Option<NaiveDate> {
    let c = URL_DATE.captures(url)?;
    ymd(&c[1], c[2].parse().ok()?, &c[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<String> {
        find_dates(text).iter().map(|d| format!("{} {:?}", d.date, &text[d.span.clone()])).collect()
    }

    #[test]
    fn the_forms_of_the_seeds_and_other_languages() {
        expect_test::expect![[r#"
            [
                "2016-10-05 \"October 5, 2016\"",
                "2016-10-06 \"06.10.2016\"",
                "2016-10-05 \"05 October 2016\"",
                "2016-10-05 \"5. Oktober 2016\"",
                "2016-10-05 \"5 de octubre de 2016\"",
                "2016-10-05 \"5 octobre 2016\"",
                "2016-10-05 \"5 Ekim 2016\"",
                "2016-10-05 \"5 октября 2016\"",
                "2016-10-05 \"2016-10-05\"",
                "2016-10-05 \"Oct. 5th, 2016\"",
                "2016-10-05 \"10/05/2016\"",
                "2016-10-05 \"05 Oct 2016\"",
            ]
        "#]]
        .assert_debug_eq(&all(
            "World|politics|October 5, 2016 / 04:32 PM; - 06.10.2016; The Wall Street Journal, 05 October 2016; \
             5. Oktober 2016; 5 de octubre de 2016; 5 octobre 2016; 5 Ekim 2016; 5 октября 2016; \
             2016-10-05T16:32:00Z; Oct. 5th, 2016; 10/05/2016; Wed, 05 Oct 2016 16:32:00 +0000",
        ));
    }

    #[test]
    fn impossible_dates_are_no_dates() {
        assert!(find_dates("February 30, 2016 and 31.04.2016 and 1 May 1066").is_empty());
        assert_eq!(parse_date("not a date"), None);
    }

    #[test]
    fn slashed_dates_follow_the_language_and_offsets_are_not_shifted() {
        let may = NaiveDate::from_ymd_opt(2022, 5, 10);
        let oct = NaiveDate::from_ymd_opt(2022, 10, 5);
        let es = SlashOrder::for_language(Some("es"));
        assert_eq!(parse_date_in("10/05/2022 05:22 pm", es), may);
        assert_eq!(parse_date_in("10/05/2022 05:22 pm", SlashOrder::for_language(None)), oct);
        assert_eq!(parse_date_in("10/05/2022", SlashOrder::for_language(Some("en-US"))), oct);
        assert_eq!(SlashOrder::for_language(Some("en_GB")), SlashOrder::DayFirst);
        // Only one reading is a date: it is taken whatever the order.
        assert_eq!(parse_date_in("5/25/2022", es), NaiveDate::from_ymd_opt(2022, 5, 25));
        assert_eq!(parse_date("25/05/2022"), NaiveDate::from_ymd_opt(2022, 5, 25));
        // 23:00 at UTC-5 is the next day in UTC; the day as written stands.
        assert_eq!(parse_date("2022-05-05T23:00:00-05:00"), NaiveDate::from_ymd_opt(2022, 5, 5));
    }

    /// What `path_date` was: the regex's last match, on any path.
    fn path_date_reference(path: &str) -> Option<NaiveDate> {
        let c = PATH_DATE.captures_iter(path).last()?;
        ymd(&c[1], c[2].parse().ok()?, &c[3])
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4096))]
        /// The hand scan finds the groups of the regex's last match, and
        /// `path_date` its date, on paths of date-like pieces, and on any
        /// text (ASCII or not, Unicode digits included).
        #[test]
        fn path_date_is_the_regex(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "/", "\\", "//", "2010-05-24", "1999-12-31", "2010-13-40", "1899-01-01",
                "2100-02-29", "19", "20", "21", "0", "7", "-", "--", "05", "24", "a", "x.txt",
                "é", "\u{665}", "٢٠١٠", "/2010-05-24/", "\\2016-10-05\\", "2010-05-2", " ",
            ]), 0..12),
            any in "\\PC{0,40}",
            ascii in "[/\\\\0-9a-]{0,40}",
            repeat in 1usize..200,
        ) {
            let long = parts.concat().repeat(repeat);
            for path in [parts.concat(), any, ascii, long] {
                proptest::prop_assert_eq!(path_date(&path), path_date_reference(&path), "{:?}", path);
                if path.is_ascii() {
                    let reference = PATH_DATE.captures_iter(&path).last().map(|c| {
                        (c.get(1).unwrap().as_str(), c.get(2).unwrap().as_str(), c.get(3).unwrap().as_str())
                    });
                    proptest::prop_assert_eq!(path_date_ascii(&path), reference, "{:?}", path);
                }
            }
        }
    }

    #[test]
    fn paths_and_urls() {
        let d = NaiveDate::from_ymd_opt(2010, 5, 24);
        assert_eq!(path_date("t17/bpoil_bbc/InputDocs/2010-05-24/1036.htm.txt"), d);
        assert_eq!(path_date("notes/2010-05-24.txt"), None);
        // Matches do not overlap: the second date has no separator left.
        assert_eq!(path_date("a/2010-05-24/2010-05-25/x"), d);
        assert_eq!(path_date("2010-05-24\\x"), d);
        assert_eq!(url_date("https://example.com/world/2010/05/24/story.html"), d);
    }
}
