//! Stated years: when an undated event happened, by the years its reports
//! write out, and when two reports cannot be of one event.
//!
//! Input: the headline and clean text of each article. Output: a
//! [`YearProfile`] per article and per event (for each year, in how many
//! members it was the latest year written and in how many it was written
//! at all) and a test, [`YearProfile::conflicts`], between two profiles.
//! Method: a report is written in or after the latest year it mentions
//! (a dateline, "the 2009 season", "since 2005"), so the latest year is an
//! event-time signature where a document carries no date. One article's
//! latest year is weak evidence (a background year, a coming Olympics),
//! but an event whose members mostly agree on their latest year has a
//! core year, and a report that writes out years but never that one is of
//! another event of the same kind (two riots in one city two years apart,
//! two recalls by one maker). An event with no core year, or an article
//! that writes no year, conflicts with nothing.

use serde::{Deserialize, Serialize};

/// Years an article or event states: `(year, members whose latest year it
/// is, members that write it)`, sorted by year, and the members counted.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct YearProfile {
    counts: Vec<(u16, u16, u16)>,
    n: u16,
}

/// Years taken as stated years; outside this range a four-digit number is
/// more likely a count, a model number or a street number.
const YEARS: std::ops::RangeInclusive<u16> = 1900..=2099;

/// The distinct years written in `text`, sorted: four ASCII digits with no
/// letter or digit on either side, not a sum (`$2000`), not part of a
/// larger number (`2,008`, `1.2000`) and not a percentage.
pub fn stated_years(text: &str) -> Vec<u16> {
    let b = text.as_bytes();
    let mut out: Vec<u16> = Vec::new();
    let mut i = 0;
    while i + 4 <= b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i - start != 4 {
            continue;
        }
        let before = start.checked_sub(1).map(|j| b[j]);
        let after = b.get(i).copied();
        let bad_before = before
            .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, b'$' | b'.' | b',' | b'#'));
        let bad_after = after.is_some_and(|c| c.is_ascii_alphabetic() || c == b'%')
            || (matches!(after, Some(b',' | b'.'))
                && b.get(i + 1).is_some_and(|c| c.is_ascii_digit()));
        if bad_before || bad_after {
            continue;
        }
        let year = b[start..i].iter().fold(0u16, |y, &d| y * 10 + u16::from(d - b'0'));
        if YEARS.contains(&year) {
            out.push(year);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

impl YearProfile {
    /// The profile of one article from its sorted, distinct stated years.
    pub fn of_article(years: &[u16]) -> YearProfile {
        let latest = years.last().copied();
        let counts = years.iter().map(|&y| (y, u16::from(Some(y) == latest), 1)).collect();
        YearProfile { counts, n: 1 }
    }

    /// Adds the counts of `other` (another member, or a merged event).
    pub fn add(&mut self, other: &YearProfile) {
        self.counts = super::vector::union_by_id(
            &self.counts,
            &other.counts,
            |c| u32::from(c.0),
            |c| c,
            |(y, l, r), (_, u, v)| (y, l.saturating_add(u), r.saturating_add(v)),
        );
        self.n = self.n.saturating_add(other.n);
    }

    /// Takes out the counts of `other`, a member added before.
    pub fn remove(&mut self, other: &YearProfile) {
        for &(y, l, r) in &other.counts {
            if let Ok(i) = self.counts.binary_search_by_key(&y, |c| c.0) {
                let c = &mut self.counts[i];
                c.1 = c.1.saturating_sub(l);
                c.2 = c.2.saturating_sub(r);
            }
        }
        self.counts.retain(|c| c.2 > 0);
        self.n = self.n.saturating_sub(other.n);
    }

    /// True when no member wrote a year.
    fn is_silent(&self) -> bool {
        self.counts.is_empty()
    }

    /// Members that wrote `year`.
    fn read(&self, year: u16) -> u16 {
        self.counts.binary_search_by_key(&year, |c| c.0).map_or(0, |i| self.counts[i].2)
    }

    /// The core year: the latest year of at least half of all members
    /// (those that write none count against it), in at least `min`
    /// members. Two years can tie only at exactly half; the later wins, as
    /// the later one dates the reports.
    fn core(&self, min: u16) -> Option<u16> {
        self.counts
            .iter()
            .filter(|c| c.1 >= min.max(1) && 2 * c.1 >= self.n)
            .map(|c| c.0)
            .next_back()
    }

    /// True when one side has a core year (held by at least `min`
    /// members) that the other, writing years of its own, never writes.
    pub fn conflicts(&self, other: &YearProfile, min: u16) -> bool {
        let unread = |a: &YearProfile, b: &YearProfile| {
            !b.is_silent() && a.core(min).is_some_and(|y| b.read(y) == 0)
        };
        unread(self, other) || unread(other, self)
    }

    /// Approximate heap size in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.counts.capacity() * std::mem::size_of::<(u16, u16, u16)>()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn years_are_four_digit_numbers_standing_alone() {
        let text = "In 2009, after the 2005 riots (see /2010/04/ page) it cost $2000 \
                    for 1,2000 units, 2008.5 points, 1999% and 20081 votes; route 66; 3000 \
                    fans; flight A2003 left.";
        assert_eq!(stated_years(text), vec![2005, 2009, 2010]);
        assert_eq!(stated_years(""), Vec::<u16>::new());
        assert_eq!(stated_years("2012"), vec![2012]);
    }

    fn event(members: &[&[u16]]) -> YearProfile {
        let mut p = YearProfile::default();
        for years in members {
            p.add(&YearProfile::of_article(years));
        }
        p
    }

    #[test]
    fn a_report_that_never_writes_the_core_year_conflicts() {
        // Three reports of a 2013 event, one with a background year.
        let e = event(&[&[2013], &[2009, 2013], &[]]);
        assert_eq!(e.core(2), Some(2013));
        // A report of the earlier event writes 2009 but not 2013.
        assert!(e.conflicts(&YearProfile::of_article(&[2005, 2009]), 2));
        assert!(YearProfile::of_article(&[2005, 2009]).conflicts(&e, 2));
        // One that writes no year, or writes 2013 among others, does not.
        assert!(!e.conflicts(&YearProfile::of_article(&[]), 2));
        assert!(!e.conflicts(&YearProfile::of_article(&[2012, 2013]), 2));
        // A single article has no core year at a minimum of two members.
        let one = YearProfile::of_article(&[2008]);
        assert!(!one.conflicts(&YearProfile::of_article(&[2013]), 2));
        assert!(one.conflicts(&YearProfile::of_article(&[2013]), 1));
    }

    #[test]
    fn an_event_whose_reports_disagree_has_no_core_year() {
        let e = event(&[&[1999], &[2005], &[], &[2001]]);
        assert_eq!(e.core(2), None);
        assert!(!e.conflicts(&YearProfile::of_article(&[2013]), 2));
        // Counts add up by year.
        assert_eq!(e.counts, vec![(1999, 1, 1), (2001, 1, 1), (2005, 1, 1)]);
        assert_eq!(e.n, 4);
    }
}
