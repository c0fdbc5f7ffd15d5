//! Reconciliation: a bounded second pass over what a window of arrivals
//! started, so that an event does not stay split by the order its articles
//! came in.
//!
//! Input: the events started in the last `reconcile_every` arrivals (the
//! window) and in the window before, and the [`ClusterState`] as it is at
//! the end of the window.
//! Output: the state, with some of those events merged into others of
//! their story, each merge recorded as a [`super::Change`].
//! Method: an article that arrived before the rest of its event had
//! nothing to join and started one of its own; with the centroids the
//! window built, each event of the window still at most `reconcile_max`
//! articles long is compared again with its best candidate of the same
//! story from the index (within `event_days`), and merges with it when it
//! would now pass the threshold an arriving article must pass
//! (`event_threshold`). Each event gets two such looks, at the end of its
//! window and one window later: by then more of its event has arrived and
//! the document frequencies have moved on (the first articles of a stream
//! are read with an IDF from a handful of documents). Stories are left to
//! the merges of `assign`: on ECB+ and Timeline17 a second look at small
//! stories at this point merged stories that are apart (story B-cubed fell
//! by 0.01-0.02).
//! The window is counted in arrivals, not in ingest batches, so ingesting
//! run by run gives the same state as one run; the work per window is at
//! most two index queries per event started in it, so the cost per article
//! does not grow with the store.
//! Re-examination, the other direction: an early article of another event
//! of the same kind joins whatever event is there when it arrives, and
//! merging cannot take it out again. When an open event reaches 4, 8, 16,
//! ... articles (`assign`'s schedule), each member is compared with the
//! rest of its event and with the newest other events of its story, and
//! moves to one that fits it better by `reexamine_margin`; at most
//! `REEXAMINE_SCAN` comparisons per member per doubling, so a constant
//! per article amortised.
//! Conflict split, when there is no other event to move to: two events of
//! one kind that mixed while both were small (in a shuffled stream the
//! first reports of each often arrive together) stay mixed, since each
//! later report reads names of both. At the same doubling sizes a
//! two-means over the members, scored by similarity less the conflict
//! penalty, looks for two sides whose name or year profiles conflict; the
//! smaller side becomes a new event of the story when the two would not
//! pass `event_threshold` as one (`conflict_split`). At most four passes
//! over at most `split_max` members per doubling.

use super::assign::{
    centroid_similarity, conflict_penalty, larger_last, near, similarity_without, widen, Probe,
};
use super::names::NameProfile;
use super::vector::Centroid;
use super::{Change, ClusterConfig, ClusterState, EventId, Member};
use crate::model::ArticleId;

impl ClusterState {
    /// Gives the small events started in this window and the one before
    /// another look, oldest first (ties break by id, as everywhere).
    pub(super) fn reconcile(&mut self, config: &ClusterConfig) {
        let fresh = std::mem::take(&mut self.fresh);
        let before = std::mem::replace(&mut self.fresh_before, fresh.clone());
        for id in before.into_iter().chain(fresh) {
            let event = self.resolve_event(EventId(id)).0;
            let e = &self.events[event as usize];
            if e.is_alive() && e.articles.len() <= config.reconcile_max {
                self.rejoin_event(event, config);
            }
        }
    }

    /// Merges `event` into the most similar other event of its story within
    /// the event window when it passes `event_threshold`.
    fn rejoin_event(&mut self, event: u32, config: &ClusterConfig) {
        let e = &self.events[event as usize];
        let query = e.terms.top(config.query_terms);
        let probe = Probe::centroids(&e.terms, &e.names);
        let best = self.best(&query, config, true, |state, other| {
            let o = &state.events[other as usize];
            let allowed = other != event && o.is_alive() && o.story == e.story;
            (allowed && near((e.first, e.last), (o.first, o.last), config.event_days)).then(|| {
                probe.similarity(&o.terms, &o.names, config.event_name_weight)
                    - conflict_penalty(&e.profile, &o.profile, config)
            })
        });
        drop(probe);
        if let Some((other, _)) = best.filter(|b| b.1 >= config.event_threshold) {
            let (from, into) =
                larger_last(&self.events[event as usize], &self.events[other as usize]);
            self.merge_events(from, into, config);
        }
    }
}

/// Other events of a story a member may move to in a re-examination: the
/// newest ones only, so a look costs the same however long the story runs.
const REEXAMINE_SCAN: usize = 32;

impl ClusterState {
    /// Looks again at each member of an open event that has grown: one
    /// that now fits another event of its story better than the rest of its
    /// own (by `reexamine_margin`, and above `event_threshold`) moves there.
    /// The first members of an event joined when it was small and its
    /// participants barely known; an article of another event of the same
    /// kind that came early stays where it landed unless looked at again.
    pub(super) fn reexamine(&mut self, event: u32, config: &ClusterConfig) {
        let e = &self.events[event as usize];
        if config.reexamine_margin <= 0.0
            || e.members.len() != e.articles.len()
            || e.members.len() < 3
        {
            return;
        }
        let w = config.event_name_weight;
        let others: Vec<u32> = self.stories[e.story.0 as usize]
            .events
            .iter()
            .rev()
            .map(|o| o.0)
            .filter(|&o| o != event && self.events[o as usize].is_alive())
            .take(REEXAMINE_SCAN)
            .collect();
        if others.is_empty() {
            return;
        }
        let mut moves: Vec<(usize, u32)> = Vec::new();
        for (i, m) in e.members.iter().enumerate() {
            // The rest of its own event, without it.
            let mut profile = e.profile.clone();
            profile.remove(&m.profile);
            let own = similarity_without(&e.terms, &e.names, m, w)
                - conflict_penalty(&profile, &m.profile, config);
            let date = (e.dates[i], e.dates[i]);
            let probe = Probe::member(m);
            let best = others
                .iter()
                .filter(|&&o| {
                    let o = &self.events[o as usize];
                    near((o.first, o.last), date, config.event_days)
                })
                .map(|&o| {
                    let o_ev = &self.events[o as usize];
                    let s = probe.similarity(&o_ev.terms, &o_ev.names, w)
                        - conflict_penalty(&o_ev.profile, &m.profile, config);
                    (o, s)
                })
                .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
            if let Some((o, s)) = best {
                if s >= config.event_threshold && s >= own + config.reexamine_margin {
                    moves.push((i, o));
                }
            }
        }
        // An event is never emptied by its own re-examination.
        if moves.is_empty() || moves.len() >= e.members.len() {
            return;
        }
        for &(i, into) in moves.iter().rev() {
            self.move_member(event, i, into, config);
        }
        let top = self.events[event as usize].terms.heaviest(config.index_terms);
        self.event_index.post(event, &top);
    }

    /// Moves member `i` of `from` into `into` (same story).
    fn move_member(&mut self, from: u32, i: usize, into: u32, config: &ClusterConfig) {
        let e = &mut self.events[from as usize];
        let member = e.members.remove(i);
        let article = e.articles.remove(i);
        let date = e.dates.remove(i);
        e.terms.add(&member.terms.0, -1.0);
        e.names.add(&member.names.0, -1.0);
        e.profile.remove(&member.profile);
        e.first = e.dates.iter().flatten().min().copied();
        e.last = e.dates.iter().flatten().max().copied();
        let o = &mut self.events[into as usize];
        o.terms.add(&member.terms.0, 1.0);
        o.names.add(&member.names.0, 1.0);
        if o.members.len() == o.articles.len() {
            o.profile.add(&member.profile);
            o.members.push(member);
        }
        o.articles.push(article);
        o.dates.push(date);
        widen(o, date);
        let top = o.terms.heaviest(config.index_terms);
        self.event_index.post(into, &top);
        self.article_event.insert(article, into);
        // The story's one-event share changed (see `kind`).
        self.touch(self.events[into as usize].story.0, config);
        self.changes.push(Change::EventSplit {
            from: EventId(from),
            into: EventId(into),
            articles: vec![ArticleId(article).to_string()],
        });
    }
}

/// One side of a trial split: the sums of its members' vectors and names.
struct Side {
    terms: Centroid,
    names: Centroid,
    profile: NameProfile,
    n: usize,
}

impl Side {
    fn new(config: &ClusterConfig) -> Side {
        Side {
            terms: Centroid::new(config.event_terms),
            names: Centroid::new(config.event_terms / 3),
            profile: NameProfile::default(),
            n: 0,
        }
    }

    fn of(members: &[Member], side: &[bool], which: bool, config: &ClusterConfig) -> Side {
        let mut s = Side::new(config);
        for (m, _) in members.iter().zip(side).filter(|(_, &x)| x == which) {
            s.terms.add(&m.terms.0, 1.0);
            s.names.add(&m.names.0, 1.0);
            s.profile.add(&m.profile);
            s.n += 1;
        }
        s
    }

    /// How well `m` fits this side, less the conflict penalty; `inside`
    /// when `m` is one of its members (it is taken out first, or its own
    /// names would count as read). `probe` is this side's centroids
    /// spread, for scoring every member against it.
    fn fit(&self, probe: &Probe<'_>, m: &Member, inside: bool, config: &ClusterConfig) -> f32 {
        let w = config.event_name_weight;
        if !inside {
            return probe.similarity_to_member(m, w)
                - conflict_penalty(&self.profile, &m.profile, config);
        }
        if self.n <= 1 {
            return f32::MIN;
        }
        let mut profile = self.profile.clone();
        profile.remove(&m.profile);
        similarity_without(&self.terms, &self.names, m, w)
            - conflict_penalty(&profile, &m.profile, config)
    }
}

impl ClusterState {
    /// Splits an open event whose members fall into two groups that
    /// contradict each other (see `names` and `years`): a two-means over
    /// the members that scores each side by similarity less the conflict
    /// penalty, seeded by the member that fits the rest of its event least
    /// and the member that fits that one least. The split stands when both
    /// sides hold at least two members, their profiles conflict, and the
    /// two sides as events would not pass `event_threshold` (the score an
    /// arriving article needs to join, so neither a join test nor a merge
    /// would put them together again). Once two events of one kind have
    /// mixed, each later report of either reads the names of both, and
    /// nothing else takes the mix apart; this looks at it again as it
    /// grows (on `assign`'s doubling schedule, so at most O(log n) looks
    /// of O(n) comparisons each, n ≤ `split_max`).
    pub(super) fn split_on_conflict(&mut self, event: u32, config: &ClusterConfig) {
        let e = &self.events[event as usize];
        let n = e.members.len();
        if !config.conflict_split || n != e.articles.len() || n < 4 {
            return;
        }
        let whole =
            Side { terms: e.terms.clone(), names: e.names.clone(), profile: e.profile.clone(), n };
        let order = |a: &(usize, f32), b: &(usize, f32)| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0));
        let least = |scores: Vec<(usize, f32)>| scores.into_iter().min_by(order).map(|x| x.0);
        let whole_probe = Probe::centroids(&whole.terms, &whole.names);
        let Some(a) = least(
            e.members
                .iter()
                .enumerate()
                .map(|(i, m)| (i, whole.fit(&whole_probe, m, true, config)))
                .collect(),
        ) else {
            return;
        };
        drop(whole_probe);
        let mut seed_a = Side::new(config);
        seed_a.terms.add(&e.members[a].terms.0, 1.0);
        seed_a.names.add(&e.members[a].names.0, 1.0);
        seed_a.profile.add(&e.members[a].profile);
        seed_a.n = 1;
        let probe_a = Probe::centroids(&seed_a.terms, &seed_a.names);
        let Some(b) = least(
            e.members
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != a)
                .map(|(i, m)| (i, seed_a.fit(&probe_a, m, false, config)))
                .collect(),
        ) else {
            return;
        };
        let mut side = vec![false; n];
        side[a] = true;
        let seed_b = Side::of(
            &e.members,
            &side.iter().enumerate().map(|(i, _)| i == b).collect::<Vec<_>>(),
            true,
            config,
        );
        let probe_b = Probe::centroids(&seed_b.terms, &seed_b.names);
        for (i, m) in e.members.iter().enumerate() {
            if i != a && i != b {
                side[i] =
                    seed_a.fit(&probe_a, m, false, config) > seed_b.fit(&probe_b, m, false, config);
            }
        }
        drop((probe_a, probe_b));
        for _ in 0..3 {
            let sides = [
                Side::of(&e.members, &side, false, config),
                Side::of(&e.members, &side, true, config),
            ];
            let probes = [
                Probe::centroids(&sides[0].terms, &sides[0].names),
                Probe::centroids(&sides[1].terms, &sides[1].names),
            ];
            let next: Vec<bool> = e
                .members
                .iter()
                .zip(&side)
                .map(|(m, &s)| {
                    // Each side's fit once: a fit inside a side builds its
                    // centroids less the member, so asking twice cost twice.
                    let on =
                        |t: bool| sides[t as usize].fit(&probes[t as usize], m, s == t, config);
                    let (yes, no) = (on(true), on(false));
                    if yes == no {
                        s
                    } else {
                        yes > no
                    }
                })
                .collect();
            if next == side {
                break;
            }
            side = next;
        }
        let sides =
            [Side::of(&e.members, &side, false, config), Side::of(&e.members, &side, true, config)];
        if sides[0].n < 2 || sides[1].n < 2 {
            return;
        }
        let penalty = conflict_penalty(&sides[0].profile, &sides[1].profile, config);
        let apart = centroid_similarity(
            (&sides[0].terms, &sides[0].names),
            (&sides[1].terms, &sides[1].names),
            config.event_name_weight,
        ) - penalty;
        if penalty <= 0.0 || apart >= config.event_threshold {
            return;
        }
        // The smaller side moves out (on a tie, the side without the first
        // member), as in `assign`'s split.
        let take = if sides[0].n == sides[1].n { !side[0] } else { sides[1].n < sides[0].n };
        let moving: Vec<bool> = side.iter().map(|&s| s == take).collect();
        self.split_off(event, &moving, config);
    }
}
