//! Temporal tagging: finds the temporal expressions of an English news text
//! and normalizes them to TimeML TIMEX3 values.
//!
//! Input: a text and its reference date (the publication date, if known).
//! Output: [`Timex`]es — byte span, TimeML type (DATE, TIME, DURATION,
//! SET), value (`2016-10-04`, `2015-SU`, `P3Y`, `PRESENT_REF`) and `mod`.
//! Method: rules ([`rules`]) propose overlapping candidates, each with what
//! it means; the longest win; [`resolve`] then reads each one in text order
//! against the reference date, the tense around it (weekdays and bare
//! months) and the last date mentioned ("the day before"). Without a
//! reference nothing is invented: relative values keep TimeML's unknown
//! digits (`XXXX-XX-XX`) and [`Timex::relative`] says how to resolve them.

mod dating;
mod lexicon;
mod resolve;
mod rules;

use std::ops::Range;

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

pub use dating::date_sentences;
pub(crate) use dating::reports_recent;
use resolve::{Ctx, Sem, Tense, YearSpec};

/// TimeML's TIMEX3 types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TimexKind {
    /// A calendar date or period of the calendar ("Tuesday", "last week").
    Date,
    /// A time of day ("4:32 PM", "this morning").
    Time,
    /// A length of time ("three years").
    Duration,
    /// A recurrence ("every week").
    Set,
}

impl TimexKind {
    /// The TimeML name (`DATE`, `TIME`, `DURATION`, `SET`).
    pub fn name(self) -> &'static str {
        match self {
            TimexKind::Date => "DATE",
            TimexKind::Time => "TIME",
            TimexKind::Duration => "DURATION",
            TimexKind::Set => "SET",
        }
    }
}

/// How a value depends on the reference date, so a text without one can
/// be resolved later against another anchor ("two days ago" in an undated
/// article that follows a dated one).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Relative {
    /// `n` days from the reference ("yesterday" is -1).
    Days(i64),
    /// `n` weeks from the reference ("last week" is -1).
    Weeks(i64),
    /// `n` months from the reference.
    Months(i64),
    /// `n` years from the reference.
    Years(i64),
    /// A weekday (Monday = 0), the last one on or before the reference or
    /// the next one on or after it.
    Weekday {
        /// Monday = 0.
        weekday: u32,
        /// Whether it lies ahead of the reference.
        ahead: bool,
    },
}

/// A temporal expression.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Timex {
    /// Where it is written, in bytes (on char boundaries).
    pub span: Range<usize>,
    /// The TimeML type.
    pub kind: TimexKind,
    /// The TimeML value (`2016-10-04`, `2016-W40`, `P3Y`, `XXXX-XX-XX`).
    pub value: String,
    /// The TimeML `mod` (`START`, `APPROX`, ...), if any.
    pub modifier: Option<&'static str>,
    /// How the value depends on the reference date, for deictic ones.
    pub relative: Option<Relative>,
}

/// Options of the tagger.
#[derive(Clone, Debug)]
pub struct TimexConfig {
    /// Resolve weekdays and bare months by the tense around them ("will
    /// meet on Tuesday" is ahead); if false they are always the last one.
    pub use_tense: bool,
    /// Resolve "the day before", "that day" against the last date the text
    /// mentioned; if false, against the reference date.
    pub anaphora: bool,
}

impl Default for TimexConfig {
    fn default() -> TimexConfig {
        TimexConfig { use_tense: true, anaphora: true }
    }
}

/// Finds and normalizes the temporal expressions of `text`, in order.
pub fn tag(text: &str, reference: Option<NaiveDate>, config: &TimexConfig) -> Vec<Timex> {
    let mut cands = rules::candidates(text);
    // The longest candidate wins; among equals, the earlier rule.
    cands.sort_by_key(|c| (std::cmp::Reverse(c.span.len()), c.span.start));
    let mut kept: Vec<rules::Cand> = Vec::new();
    for c in cands {
        if kept.iter().all(|k| c.span.end <= k.span.start || c.span.start >= k.span.end) {
            kept.push(c);
        }
    }
    kept.sort_by_key(|c| c.span.start);
    let mut ctx = Ctx::new(reference);
    let mut out = Vec::with_capacity(kept.len());
    for c in kept {
        let tense = if config.use_tense { resolve::tense_at(text, &c.span) } else { Tense::Past };
        if !config.anaphora {
            ctx = Ctx::new(reference);
        }
        let (mut value, relative) = resolve::resolve(&c.sem, tense, &ctx);
        if value.is_empty() {
            continue;
        }
        if let Some(t) = &c.time {
            value.push_str(t);
        }
        if c.kind != TimexKind::Duration && c.kind != TimexKind::Set {
            ctx.mention(&value);
        }
        // An earnings report names its quarter ("third-quarter profit");
        // "a year earlier" and "the year-ago period" then mean that
        // quarter: the first of this year it names, or a later one that a
        // company is said to report on (a second report in the same text),
        // but never the current one if it only looks ahead to it.
        if let Some(q) = report_quarter(&c.sem, &value, reference) {
            let current = reference.is_some_and(|r| q == resolve::quarter_of(r));
            let first_or_reported = ctx.report_quarter.is_none() || reports_on(text, c.span.start);
            if first_or_reported && !(current && tense == Tense::Future) {
                ctx.report_quarter = Some(q);
            }
        }
        out.push(Timex { span: c.span, kind: c.kind, value, modifier: c.modifier, relative });
    }
    out
}

/// The quarter an expression names, if it is one of the reference year
/// that has begun ("third-quarter", "the fourth quarter of 1989").
fn report_quarter(sem: &Sem, value: &str, reference: Option<NaiveDate>) -> Option<(i32, u32)> {
    let r = reference?;
    let Sem::Part { year, part } = sem else { return None };
    let this_year = match year {
        YearSpec::Auto | YearSpec::Rel(0) => true,
        YearSpec::Abs(y) => *y == r.year(),
        _ => false,
    };
    let q: u32 = part.strip_prefix('Q')?.parse().ok()?;
    let y: i32 = value.get(..4)?.parse().ok()?;
    (this_year && (y, q) <= resolve::quarter_of(r)).then_some((y, q))
}

/// Whether the sentence before `at` has a company report results
/// ("America West reported third-quarter profit").
fn reports_on(text: &str, at: usize) -> bool {
    let start = text[..at].rfind(['.', '\n']).map_or(0, |i| i + 1);
    let before = text[start..at].to_lowercase();
    ["reported", "posted", "earned", "announced"].iter().any(|w| before.contains(w))
}

/// The day a value names (`2016-10-04`, `2016-10-04TMO`), if it is one.
fn day_of_value(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value.get(..10)?, "%Y-%m-%d").ok()
}

impl Timex {
    /// The day this expression denotes, when it denotes one (a DATE or
    /// TIME whose value has a year, month and day).
    pub fn day(&self) -> Option<NaiveDate> {
        match self.kind {
            TimexKind::Date | TimexKind::Time => day_of_value(&self.value),
            _ => None,
        }
    }

    /// The first and last day of the period this expression denotes: a
    /// day, an ISO week, a month, a quarter, a half, a season or a year.
    pub fn days(&self) -> Option<(NaiveDate, NaiveDate)> {
        if !matches!(self.kind, TimexKind::Date | TimexKind::Time) {
            return None;
        }
        value_range(&self.value)
    }
}

/// The days a TimeML date value covers.
pub fn value_range(value: &str) -> Option<(NaiveDate, NaiveDate)> {
    if let Some(d) = day_of_value(value) {
        return Some((d, d));
    }
    let year: i32 = value.get(..4)?.parse().ok()?;
    let rest = &value[4..];
    let months = |a: u32, b: u32| {
        let first = NaiveDate::from_ymd_opt(year, a, 1)?;
        let next = if b == 12 {
            NaiveDate::from_ymd_opt(year + 1, 1, 1)?
        } else {
            NaiveDate::from_ymd_opt(year, b + 1, 1)?
        };
        Some((first, next.pred_opt()?))
    };
    match rest {
        "" => months(1, 12),
        "-Q1" => months(1, 3),
        "-Q2" => months(4, 6),
        "-Q3" => months(7, 9),
        "-Q4" => months(10, 12),
        "-H1" => months(1, 6),
        "-H2" => months(7, 12),
        "-SP" => months(3, 5),
        "-SU" => months(6, 8),
        "-FA" => months(9, 11),
        "-WI" => {
            let first = NaiveDate::from_ymd_opt(year, 12, 1)?;
            let last = NaiveDate::from_ymd_opt(year + 1, 3, 1)?.pred_opt()?;
            Some((first, last))
        }
        _ if rest.starts_with("-W") => {
            let week: u32 = rest.get(2..4)?.parse().ok()?;
            let monday = NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Mon)?;
            let sunday = NaiveDate::from_isoywd_opt(year, week, chrono::Weekday::Sun)?;
            if rest.ends_with("-WE") {
                Some((monday + chrono::Duration::days(5), sunday))
            } else {
                Some((monday, sunday))
            }
        }
        _ => {
            let m: u32 = rest.strip_prefix('-')?.get(..2)?.parse().ok()?;
            if rest.len() != 3 {
                return None;
            }
            months(m, m).filter(|(a, _)| a.year() == year)
        }
    }
}

#[cfg(test)]
mod tests;
