//! Participants: which names an event is about, and when two name sets
//! show two different events of one kind.
//!
//! Input: the names of each article (capitalised words from `text`: every
//! one read, and the salient ones, named at least twice or in the
//! headline). Output: a [`NameProfile`] per event (for each name, in how
//! many members it was read and in how many it was salient) and a test,
//! [`NameProfile::conflicts`], between two profiles (an article is a
//! profile of one member).
//! Method: two title fights of one boxer, two arrests of players of one
//! club, share the words of their kind and the name of the recurring
//! participant, so their term vectors agree; what tells them apart is the
//! other participant (the opponent, the player). Two profiles conflict when
//! each has a core name (salient in one of its members and read in at least
//! half of them) that the other never read at all, and one side at least
//! two: each names a participant the other does not know, one of them in
//! full (a first name and a surname, a place and its region). A mere
//! absence is no conflict (a short report leaves names out), nor is one new
//! name (a report adds a spokesman); on ECB+ a single unknown name on each
//! side was as often a detail as another participant.

use serde::{Deserialize, Serialize};

use super::years::YearProfile;

/// Name counts of an event: `(name term, members that read it, members in
/// which it was salient)`, sorted by term; and the years its members write
/// (see `years`), kept and dropped with the names.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NameProfile {
    counts: Vec<(u32, u16, u16)>,
    /// Members counted.
    n: u16,
    #[serde(default)]
    years: YearProfile,
}

impl NameProfile {
    /// The profile of one article: `read` and `salient` are sorted,
    /// distinct name terms, `salient` a subset of `read`.
    pub fn of_article(read: &[u32], salient: &[u32]) -> NameProfile {
        let counts =
            read.iter().map(|&t| (t, 1, u16::from(salient.binary_search(&t).is_ok()))).collect();
        NameProfile { counts, n: 1, years: YearProfile::default() }
    }

    /// This profile with the years stated by its (one) article.
    pub fn with_years(self, years: YearProfile) -> NameProfile {
        NameProfile { years, ..self }
    }

    /// True when nothing was counted (a closed event drops its profile).
    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// Adds the counts of `other` (another member, or a merged event).
    pub fn add(&mut self, other: &NameProfile) {
        self.counts = super::vector::union_by_id(
            &self.counts,
            &other.counts,
            |c| c.0,
            |c| c,
            |(id, x, y), (_, u, v)| (id, x.saturating_add(u), y.saturating_add(v)),
        );
        self.n = self.n.saturating_add(other.n);
        self.years.add(&other.years);
    }

    /// Takes out the counts of `other`, a member added before (it moves to
    /// another event).
    pub fn remove(&mut self, other: &NameProfile) {
        for &(t, r, sal) in &other.counts {
            if let Ok(i) = self.counts.binary_search_by_key(&t, |c| c.0) {
                let c = &mut self.counts[i];
                c.1 = c.1.saturating_sub(r);
                c.2 = c.2.saturating_sub(sal);
            }
        }
        self.counts.retain(|c| c.1 > 0);
        self.n = self.n.saturating_sub(other.n);
        self.years.remove(&other.years);
    }

    /// Members in which `term` was read.
    fn read(&self, term: u32) -> u16 {
        self.counts.binary_search_by_key(&term, |c| c.0).map_or(0, |i| self.counts[i].1)
    }

    /// The core names: salient in some member and read in at least half.
    fn core(&self) -> impl Iterator<Item = u32> + '_ {
        self.counts.iter().filter(|c| c.2 > 0 && 2 * c.1 >= self.n).map(|c| c.0)
    }

    /// True when each profile has a core name the other never read, and
    /// one of them two. An empty profile conflicts with nothing.
    pub fn conflicts(&self, other: &NameProfile) -> bool {
        if self.is_empty() || other.is_empty() {
            return false;
        }
        let a = self.core().filter(|&t| other.read(t) == 0).count();
        // No core name of this side unread by the other: no conflict,
        // whatever the other side's count (most pairs stop here).
        if a == 0 {
            return false;
        }
        let b = other.core().filter(|&t| self.read(t) == 0).count();
        a.min(b) >= 1 && a.max(b) >= 2
    }

    /// True when the years the two sides write show two events (see
    /// [`YearProfile::conflicts`]).
    pub fn years_conflict(&self, other: &NameProfile, min: u16) -> bool {
        !self.is_empty() && !other.is_empty() && self.years.conflicts(&other.years, min)
    }

    /// Approximate heap size in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.counts.capacity() * std::mem::size_of::<(u32, u16, u16)>() + self.years.heap_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Names as term ids: 1 the champion, 2 one opponent, 3 and 7 the first
    // name and surname of another, 4 a city, 5 a referee named once.
    fn event(members: &[(&[u32], &[u32])]) -> NameProfile {
        let mut p = NameProfile::default();
        for (read, salient) in members {
            p.add(&NameProfile::of_article(read, salient));
        }
        p
    }

    #[test]
    fn a_different_opponent_conflicts_and_a_missing_name_does_not() {
        let first = event(&[(&[1, 2, 4], &[1, 2]), (&[1, 2], &[1, 2]), (&[1, 2, 4, 5], &[1])]);
        let other_fight = NameProfile::of_article(&[1, 3, 7], &[1, 3, 7]);
        assert!(first.conflicts(&other_fight));
        assert!(other_fight.conflicts(&first));
        // One unknown name on each side is not enough.
        assert!(!first.conflicts(&NameProfile::of_article(&[1, 3], &[1, 3])));
        // A short report naming only the champion is no conflict.
        assert!(!first.conflicts(&NameProfile::of_article(&[1], &[1])));
        // Nor one that adds a new name but keeps the opponent.
        assert!(!first.conflicts(&NameProfile::of_article(&[1, 2, 6], &[2, 6])));
        // Nor one that names a new participant when the event's other names
        // were read in it, however briefly.
        assert!(!first.conflicts(&NameProfile::of_article(&[1, 2, 3, 7], &[3, 7])));
        assert!(!first.conflicts(&NameProfile::default()));
    }

    #[test]
    fn counts_add_up_in_term_order() {
        let p = event(&[(&[1, 4], &[]), (&[1, 2], &[2])]);
        assert_eq!(p.counts, vec![(1, 2, 0), (2, 1, 1), (4, 1, 0)]);
        assert_eq!(p.n, 2);
    }
}
