//! Normalization: turns what a rule understood ([`Sem`]) into a TimeML
//! value, given the reference date, the tense around the expression and the
//! date the text last talked about.
//!
//! Deictic expressions ("yesterday", "last week", "two days ago") count
//! from the reference date; anaphoric ones ("the day before", "two days
//! later") from the last date mentioned. Without a reference, whatever
//! needs one keeps TimeML's unknown digits (`XXXX-XX-XX`, `XXXX-WXX`).

use chrono::{Datelike, Duration, Months, NaiveDate};

use super::Relative;

/// The year of a partial date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum YearSpec {
    /// Written out ("1990").
    Abs(i32),
    /// Relative to the reference year ("this year" 0, "last year" -1).
    Rel(i64),
    /// Not written ("Oct. 5", "in March"): chosen by tense near the
    /// reference date.
    Auto,
    /// The latest before the reference ("last May", "last summer").
    Past,
    /// The first after the reference ("next March").
    Ahead,
}

/// A calendar unit a shift counts in; it also fixes the granularity of the
/// value written ("last month" is `YYYY-MM`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Unit {
    Day,
    Week,
    Weekend,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
}

impl Unit {
    pub(crate) fn from_code(code: &str) -> Option<Unit> {
        Some(match code {
            "D" => Unit::Day,
            "W" => Unit::Week,
            "WE" => Unit::Weekend,
            "M" => Unit::Month,
            "Q" => Unit::Quarter,
            "Y" => Unit::Year,
            "DE" => Unit::Decade,
            "CE" => Unit::Century,
            _ => return None,
        })
    }
}

/// What a rule understood an expression to mean.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Sem {
    /// A value that needs no reference (durations, sets, `PRESENT_REF`).
    Fixed(String),
    /// A calendar date, month or year (`day`/`month` may be missing).
    Date { year: YearSpec, month: Option<u32>, day: Option<u32> },
    /// A part of a year: `Q3`, `H1`, `SU`.
    Part { year: YearSpec, part: String },
    /// A weekday; `dir` -1 = last, 1 = next, 0 = chosen by tense.
    Weekday { weekday: u32, dir: i64 },
    /// `n` units from the reference date ("last week", "two days ago").
    Shift { unit: Unit, n: i64 },
    /// `n` units from the last date mentioned ("the day before").
    Anaphoric { unit: Unit, n: i64 },
    /// The quarter an earnings report is about, `years_back` years back
    /// ("the quarter", "the year-earlier quarter"): the last quarter the
    /// text named, else the last completed one.
    LastQuarter { years_back: i64 },
    /// "A year ago" near talk of quarters: the report's quarter a year
    /// back if the text has named it, else the year before.
    YearAgoQuarter,
    /// The report's quarter in a given year ("the 1988 period").
    QuarterOf { year: i32 },
    /// A weekday counted from the last day mentioned ("the previous
    /// Friday" -1, "the following Monday" 1).
    AnaphoricWeekday { weekday: u32, dir: i64 },
    /// The weekend before or after the reference date.
    Weekend { dir: i64 },
    /// A holiday on the nth weekday of a month (`THANKSGIVING`, `LABOR`).
    Holiday { year: YearSpec, name: &'static str },
}

/// Tense around an expression.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tense {
    Past,
    Future,
    Unknown,
}

/// What normalization knows about the document.
pub(crate) struct Ctx {
    pub reference: Option<NaiveDate>,
    /// The last day-level date the text mentioned (starts at the reference).
    pub focus: Option<NaiveDate>,
    /// The last month the text mentioned, as its first day ("the following
    /// month").
    pub focus_month: Option<NaiveDate>,
    /// The last year the text mentioned ("that year").
    pub focus_year: Option<i32>,
    /// The quarter an earnings report is about: the last one it named
    /// ("third-quarter profit"), as (year, quarter).
    pub report_quarter: Option<(i32, u32)>,
}

impl Ctx {
    /// A context where nothing has been mentioned yet.
    pub(crate) fn new(reference: Option<NaiveDate>) -> Ctx {
        Ctx {
            reference,
            focus: reference,
            focus_month: reference.and_then(|r| r.with_day(1)),
            focus_year: reference.map(|r| r.year()),
            report_quarter: None,
        }
    }

    /// Takes note of a date value the text just mentioned, at its own
    /// granularity: a day moves every focus, a month the month and year, a
    /// year the year.
    pub(crate) fn mention(&mut self, value: &str) {
        let Some(year) = value.get(..4).and_then(|y| y.parse::<i32>().ok()) else { return };
        if value.len() > 4 && !value[4..].starts_with('-') {
            return;
        }
        if let Some(day) =
            value.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        {
            self.focus = Some(day);
        }
        let month = value.get(5..7).and_then(|m| m.parse::<u32>().ok());
        if let Some(first) = month.and_then(|m| NaiveDate::from_ymd_opt(year, m, 1)) {
            if value.len() == 7 || value.as_bytes().get(7) == Some(&b'-') {
                self.focus_month = Some(first);
            }
        }
        self.focus_year = Some(year);
    }

    /// The day an anaphoric expression in `unit` counts from.
    fn anchor(&self, unit: Unit) -> Option<NaiveDate> {
        match unit {
            Unit::Month => self.focus_month.or(self.focus),
            Unit::Year | Unit::Decade | Unit::Century => {
                self.focus_year.and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1)).or(self.focus)
            }
            _ => self.focus,
        }
        .or(self.reference)
    }

    /// The quarter of the report, `years_back` years back.
    fn report_quarter(&self, years_back: i64) -> Option<(i32, u32)> {
        let (y, q) = match self.report_quarter {
            Some(yq) => yq,
            None => {
                let (y, q) = quarter_of(self.reference?);
                if q == 1 {
                    (y - 1, 4)
                } else {
                    (y, q - 1)
                }
            }
        };
        Some((y - years_back as i32, q))
    }
}

/// Normalizes `sem` into a TimeML value; with it, how the value depends on
/// the reference (for undated texts) and the day it denotes, if any.
pub(crate) fn resolve(sem: &Sem, tense: Tense, ctx: &Ctx) -> (String, Option<Relative>) {
    let reference = ctx.reference;
    match sem {
        Sem::Fixed(v) => (v.clone(), None),
        Sem::Date { year, month, day } => {
            let rel = match year {
                YearSpec::Rel(n) => Some(Relative::Years(*n)),
                _ => None,
            };
            let y = match (year, reference) {
                (YearSpec::Abs(y), _) => Some(*y),
                (YearSpec::Rel(n), Some(r)) => Some(r.year() + *n as i32),
                (YearSpec::Auto, Some(r)) => Some(infer_year(r, month.unwrap_or(1), *day, tense)),
                // "last May": this year's if it ended before last month
                // (which would be "last month"), else last year's.
                (YearSpec::Past, Some(r)) => {
                    Some(r.year() - i32::from(month.unwrap_or(1) + 2 > r.month()))
                }
                (YearSpec::Ahead, Some(r)) => {
                    Some(r.year() + i32::from(month.unwrap_or(12) <= r.month()))
                }
                (_, None) => None,
            };
            let ys = y.map_or("XXXX".to_string(), |y| format!("{y:04}"));
            let v = match (month, day) {
                (Some(m), Some(d)) => format!("{ys}-{m:02}-{d:02}"),
                (Some(m), None) => format!("{ys}-{m:02}"),
                _ => ys,
            };
            (v, rel)
        }
        Sem::Part { year, part } => {
            let y = match (year, reference) {
                (YearSpec::Abs(y), _) => Some(*y),
                (YearSpec::Rel(n), Some(r)) => Some(r.year() + *n as i32),
                (YearSpec::Auto, Some(r)) => Some(infer_part_year(r, part, tense)),
                (YearSpec::Past, Some(r)) => {
                    Some(r.year() - i32::from(part_start(part) >= r.month()))
                }
                (YearSpec::Ahead, Some(r)) => {
                    Some(r.year() + i32::from(part_start(part) <= r.month()))
                }
                (_, None) => None,
            };
            (format!("{}-{part}", y.map_or("XXXX".to_string(), |y| format!("{y:04}"))), None)
        }
        Sem::Weekday { weekday, dir } => {
            let rel = Relative::Weekday { weekday: *weekday, ahead: weekday_ahead(*dir, tense) };
            match reference {
                Some(r) => (day_value(weekday_date(r, *weekday, *dir, tense)), Some(rel)),
                None => (format!("XXXX-WXX-{}", weekday + 1), Some(rel)),
            }
        }
        Sem::Shift { unit, n } => {
            let rel = match unit {
                Unit::Day => Some(Relative::Days(*n)),
                Unit::Week => Some(Relative::Weeks(*n)),
                Unit::Month => Some(Relative::Months(*n)),
                Unit::Year => Some(Relative::Years(*n)),
                _ => None,
            };
            (shifted(reference, *unit, *n), rel)
        }
        Sem::Anaphoric { unit, n } => (shifted(ctx.anchor(*unit), *unit, *n), None),
        Sem::LastQuarter { years_back } => match ctx.report_quarter(*years_back) {
            Some((y, q)) => (format!("{y:04}-Q{q}"), None),
            None => ("XXXX-QX".to_string(), None),
        },
        Sem::YearAgoQuarter => match ctx.report_quarter {
            Some((y, q)) => (format!("{:04}-Q{q}", y - 1), None),
            None => (shifted(reference, Unit::Year, -1), Some(Relative::Years(-1))),
        },
        Sem::QuarterOf { year } => match ctx.report_quarter(0) {
            Some((_, q)) => (format!("{year:04}-Q{q}"), None),
            None => (format!("{year:04}-QX"), None),
        },
        Sem::AnaphoricWeekday { weekday, dir } => match ctx.focus.or(reference) {
            Some(f) => (day_value(weekday_date(f, *weekday, *dir, Tense::Unknown)), None),
            None => (format!("XXXX-WXX-{}", weekday + 1), None),
        },
        Sem::Weekend { dir } => match reference {
            Some(r) => {
                let dir = if *dir == 0 {
                    if tense == Tense::Future {
                        1
                    } else {
                        -1
                    }
                } else {
                    *dir
                };
                let sat = weekday_date(r, 5, dir, Tense::Unknown);
                let w = sat.iso_week();
                (format!("{:04}-W{:02}-WE", w.year(), w.week()), None)
            }
            None => ("XXXX-WXX-WE".to_string(), None),
        },
        Sem::Holiday { year, name } => {
            let (month, weekday, nth) = match *name {
                "THANKSGIVING" => (11, 3, 4),
                "ELECTION" => (11, 0, 1),
                "LABOR" => (9, 0, 1),
                _ => (5, 0, -1),
            };
            let y = match (year, reference) {
                (YearSpec::Abs(y), _) => *y,
                (YearSpec::Rel(n), Some(r)) => r.year() + *n as i32,
                (_, Some(r)) => infer_year(r, month, Some(20), tense),
                (_, None) => return ("XXXX-XX-XX".to_string(), None),
            };
            let Some(mut d) = NaiveDate::from_ymd_opt(y, month, 1) else {
                return ("XXXX-XX-XX".to_string(), None);
            };
            if nth < 0 {
                // The last such weekday: count back from the month's end.
                d = add_months(d, 1) - Duration::days(1);
                while d.weekday().num_days_from_monday() != weekday {
                    d -= Duration::days(1);
                }
            } else {
                while d.weekday().num_days_from_monday() != weekday {
                    d += Duration::days(1);
                }
                d += Duration::weeks(nth - 1);
                // Election Day is the Tuesday after the first Monday.
                if *name == "ELECTION" {
                    d += Duration::days(1);
                }
            }
            (day_value(d), None)
        }
    }
}

/// The year of "Oct. 5" or "in March": of the dates in the reference
/// year and its neighbours, the nearest to the reference, where a date on
/// the side the tense rules out counts as ten times as far, and one ahead
/// of an unknown tense twice as far (news mostly reports what happened). A
/// month counts from the nearer of its ends.
fn infer_year(r: NaiveDate, month: u32, day: Option<u32>, tense: Tense) -> i32 {
    let y = r.year();
    let mut best = (i64::MAX, y);
    for year in [y - 1, y, y + 1] {
        let Some(first) = NaiveDate::from_ymd_opt(year, month, day.unwrap_or(1)) else { continue };
        let last = match day {
            Some(_) => first,
            None => add_months(first, 1) - Duration::days(1),
        };
        let days = if last < r {
            (last - r).num_days()
        } else if first > r {
            (first - r).num_days()
        } else {
            0
        };
        let penalty = match tense {
            Tense::Past if days > 0 => 10,
            Tense::Future if days < 0 => 10,
            Tense::Unknown if days > 0 => 2,
            _ => 1,
        };
        let cost = days.abs() * penalty;
        if cost < best.0 {
            best = (cost, year);
        }
    }
    best.1
}

/// The first month of a part of a year.
fn part_start(part: &str) -> u32 {
    match part {
        "Q2" => 4,
        "Q3" | "H2" => 7,
        "Q4" => 10,
        "SP" => 3,
        "SU" => 6,
        "FA" => 9,
        "WI" => 12,
        _ => 1,
    }
}

/// The year of "the fourth quarter" or "the summer" without a year.
fn infer_part_year(r: NaiveDate, part: &str, tense: Tense) -> i32 {
    let (y, q) = quarter_of(r);
    let part_q = (part_start(part) - 1) / 3 + 1;
    if tense == Tense::Past && part_q > q + 1 {
        y - 1
    } else {
        y
    }
}

pub(crate) fn quarter_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), (d.month() - 1) / 3 + 1)
}

fn weekday_ahead(dir: i64, tense: Tense) -> bool {
    dir > 0 || (dir == 0 && tense == Tense::Future)
}

/// The date of a weekday near `r`: the last one on or before it, or the
/// next one on or after it when the text looks ahead. "last Friday" on a
/// Friday is a week back; "next Friday" a week ahead.
fn weekday_date(r: NaiveDate, weekday: u32, dir: i64, tense: Tense) -> NaiveDate {
    let today = r.weekday().num_days_from_monday() as i64;
    let wd = weekday as i64;
    if weekday_ahead(dir, tense) {
        let mut ahead = (wd - today).rem_euclid(7);
        if dir > 0 && ahead == 0 {
            ahead = 7;
        }
        r + Duration::days(ahead)
    } else {
        let mut back = (today - wd).rem_euclid(7);
        if dir < 0 && back == 0 {
            back = 7;
        }
        r - Duration::days(back)
    }
}

pub(crate) fn day_value(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `n` units from `base`, written at the granularity of the unit.
fn shifted(base: Option<NaiveDate>, unit: Unit, n: i64) -> String {
    let Some(r) = base else {
        return match unit {
            Unit::Day => "XXXX-XX-XX",
            Unit::Week => "XXXX-WXX",
            Unit::Weekend => "XXXX-WXX-WE",
            Unit::Month => "XXXX-XX",
            Unit::Quarter => "XXXX-QX",
            Unit::Year => "XXXX",
            Unit::Decade => "XXX",
            Unit::Century => "XX",
        }
        .to_string();
    };
    match unit {
        Unit::Day => day_value(r + Duration::days(n)),
        Unit::Week | Unit::Weekend => {
            let w = (r + Duration::weeks(n)).iso_week();
            let we = if unit == Unit::Weekend { "-WE" } else { "" };
            format!("{:04}-W{:02}{we}", w.year(), w.week())
        }
        Unit::Month => {
            let d = add_months(r, n);
            format!("{:04}-{:02}", d.year(), d.month())
        }
        Unit::Quarter => {
            let d = add_months(r, 3 * n);
            let (y, q) = quarter_of(d);
            format!("{y:04}-Q{q}")
        }
        Unit::Year => format!("{:04}", r.year() + n as i32),
        Unit::Decade => format!("{:03}", (r.year() + 10 * n as i32) / 10),
        Unit::Century => format!("{:02}", (r.year() + 100 * n as i32) / 100),
    }
}

fn add_months(d: NaiveDate, n: i64) -> NaiveDate {
    let first = d.with_day(1).unwrap_or(d);
    if n >= 0 {
        first.checked_add_months(Months::new(n as u32)).unwrap_or(first)
    } else {
        first.checked_sub_months(Months::new(n.unsigned_abs() as u32)).unwrap_or(first)
    }
}

/// Words that put what follows them ahead of the reference date.
const FUTURE_CUES: &[&str] = &[
    "will",
    "'ll",
    "shall",
    "won't",
    "wo",
    "going",
    "scheduled",
    "expected",
    "expects",
    "planning",
    "upcoming",
    "next",
    "due",
    "payable",
    "slated",
    "tomorrow",
    "soon",
    "intends",
    "effective",
    "would",
];

/// Words that put what they speak of before the reference date.
const PAST_CUES: &[&str] = &[
    "said",
    "was",
    "were",
    "had",
    "did",
    "has",
    "have",
    "told",
    "met",
    "went",
    "came",
    "gave",
    "took",
    "made",
    "left",
    "began",
    "saw",
    "found",
    "got",
    "held",
    "fell",
    "rose",
    "won",
    "lost",
    "sold",
    "hit",
    "struck",
    "spoke",
    "wrote",
    "flew",
    "ran",
    "fought",
    "led",
    "sent",
    "paid",
    "became",
    "brought",
    "bought",
    "built",
    "caught",
    "chose",
    "drew",
    "drove",
    "felt",
    "heard",
    "kept",
    "knew",
    "meant",
    "rode",
    "shot",
    "sat",
    "stood",
    "swore",
    "taught",
    "thought",
    "threw",
    "understood",
    "woke",
    "ago",
    "last",
    "yesterday",
    "earlier",
];

/// The tense of the clause around `span`: the nearest tense cue before it
/// in the sentence ("will meet on Tuesday", "met on Tuesday"), else the
/// nearest after it ("On Tuesday, they met").
pub(crate) fn tense_at(text: &str, span: &std::ops::Range<usize>) -> Tense {
    let start = text[..span.start].rfind(['.', '!', '?', '\n', ';']).map_or(0, |i| i + 1);
    let end =
        text[span.end..].find(['.', '!', '?', '\n', ';']).map_or(text.len(), |i| span.end + i);
    let before = &text[start..span.start];
    // "as early as Tuesday", "as soon as Friday", "ahead of the weekend"
    // look ahead.
    let lower = before.trim_end().to_lowercase();
    if lower.ends_with("as early as")
        || lower.ends_with("as soon as")
        || lower.ends_with("in time for")
        || lower.ends_with("ahead of")
    {
        return Tense::Future;
    }
    // A deadline ("extended until Tuesday") lies ahead; a sentence that
    // opens with "Until Tuesday," looks back.
    // "Wednesday's ruling": news names what already happened this way.
    let after = &text[span.end..];
    if (after.starts_with("'s") || after.starts_with("\u{2019}s")) && !lower.ends_with("next") {
        return Tense::Past;
    }
    let opener = matches!(lower.trim(), "until" | "till");
    if !opener && (lower.ends_with(" until") || lower.ends_with(" till")) {
        return Tense::Future;
    }
    // "is to resume Tuesday" looks ahead.
    if lower.contains(" is to ") || lower.contains(" are to ") {
        return Tense::Future;
    }
    let before: Vec<String> = words(before).map(|(_, w)| w.to_lowercase()).collect();
    let last_before = (0..before.len()).rev().find_map(|i| cue(&before, i));
    // "by Dec. 15", "through January": a deadline lies ahead, unless the
    // clause is in the past ("had filed reports by Wednesday").
    if (lower.ends_with(" by") || lower.ends_with(" through")) && last_before != Some(Tense::Past) {
        return Tense::Future;
    }
    last_before
        .or_else(|| {
            let after: Vec<String> =
                words(&text[span.end..end]).map(|(_, w)| w.to_lowercase()).collect();
            (0..after.len()).find_map(|i| cue(&after, i))
        })
        .unwrap_or(Tense::Unknown)
}

/// The tense word `i` of a clause marks, if any. A plan in the past
/// perfect ("had been scheduled to expire Friday") was for a day gone
/// by; "set to" and "poised to" look ahead like "due to".
fn cue(words: &[String], i: usize) -> Option<Tense> {
    let w = words[i].as_str();
    let next = words.get(i + 1).map(String::as_str);
    let prev = |k: usize| if i >= k { words[i - k].as_str() } else { "" };
    let plan = matches!(w, "due" | "scheduled" | "expected" | "set" | "slated" | "planned");
    if plan && (prev(1) == "had" || (prev(2) == "had" && prev(1) == "been")) {
        return Some(Tense::Past);
    }
    // "plans to", "hopes to", "set to": a noun or a past without "to".
    if matches!(w, "set" | "poised" | "plan" | "plans" | "hope" | "hopes" | "intend" | "expect")
        && next == Some("to")
    {
        return Some(Tense::Future);
    }
    if FUTURE_CUES.contains(&w) {
        return Some(Tense::Future);
    }
    // The present ("is payable Jan. 2", "is calling for") says nothing.
    if matches!(w, "is" | "are" | "am") {
        return Some(Tense::Unknown);
    }
    // "unspecified", "unexpected": adjectives.
    let participle = w.len() > 4 && w.ends_with("ed") && !w.starts_with("un");
    if PAST_CUES.contains(&w) || participle {
        // "to be published", "will be paid" look ahead; after another form
        // of "be" the auxiliary has said the tense, and after a determiner
        // it is an adjective ("the reduced dividend").
        return match prev(1) {
            "be" if matches!(prev(2), "to" | "will" | "would" | "shall" | "'ll") => {
                Some(Tense::Future)
            }
            "be" | "is" | "are" | "been" | "being" | "the" | "a" | "an" | "its" | "their" => None,
            _ => Some(Tense::Past),
        };
    }
    None
}

/// The words of `s` (letters, digits, apostrophes) with their offsets.
fn words(s: &str) -> impl Iterator<Item = (usize, &str)> {
    let is_word = |c: char| c.is_alphanumeric() || c == '\'';
    let mut rest = s.char_indices().peekable();
    std::iter::from_fn(move || {
        while rest.next_if(|&(_, c)| !is_word(c)).is_some() {}
        let (start, _) = *rest.peek()?;
        let mut end = start;
        while let Some((i, c)) = rest.next_if(|&(_, c)| is_word(c)) {
            end = i + c.len_utf8();
        }
        Some((start, &s[start..end]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
    }

    #[test]
    fn weekdays_follow_the_tense() {
        // 2016-10-05 is a Wednesday.
        let r = d("2016-10-05");
        assert_eq!(weekday_date(r, 1, 0, Tense::Past), d("2016-10-04"));
        assert_eq!(weekday_date(r, 1, 0, Tense::Future), d("2016-10-11"));
        assert_eq!(weekday_date(r, 2, 0, Tense::Past), r);
        assert_eq!(weekday_date(r, 2, -1, Tense::Past), d("2016-09-28"));
        assert_eq!(weekday_date(r, 4, 0, Tense::Future), d("2016-10-07"));
    }

    #[test]
    fn tense_cues() {
        let t = "Kerry said on Tuesday that they will meet on Friday.";
        assert_eq!(tense_at(t, &(14..21)), Tense::Past);
        assert_eq!(tense_at(t, &(44..50)), Tense::Future);
        assert_eq!(tense_at("On Friday", &(3..9)), Tense::Unknown);
        // A sentence that opens with "Until" looks back; a possessive names the past.
        assert_ne!(tense_at("Until Thursday, they had not named him.", &(6..14)), Tense::Future);
        let t = "They would look for ways around Wednesday's ruling.";
        assert_eq!(tense_at(t, &(32..41)), Tense::Past);
    }

    #[test]
    fn shifts_at_the_granularity_of_their_unit() {
        let r = Some(d("2016-10-05"));
        assert_eq!(shifted(r, Unit::Week, -1), "2016-W39");
        assert_eq!(shifted(r, Unit::Month, -10), "2015-12");
        assert_eq!(shifted(r, Unit::Quarter, 1), "2017-Q1");
        assert_eq!(shifted(r, Unit::Decade, 0), "201");
        assert_eq!(shifted(None, Unit::Day, -2), "XXXX-XX-XX");
    }
}
