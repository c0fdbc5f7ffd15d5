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

use super::assign::{centroid_similarity, conflict_penalty, larger_last, near, similarity, widen};
use super::{Change, ClusterConfig, ClusterState, EventId};
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
        let best = self.best(&query, config, true, |state, other| {
            let o = &state.events[other as usize];
            let allowed = other != event && o.is_alive() && o.story == e.story;
            (allowed && near((e.first, e.last), (o.first, o.last), config.event_days)).then(|| {
                centroid_similarity(
                    (&e.terms, &e.names),
                    (&o.terms, &o.names),
                    config.event_name_weight,
                ) - conflict_penalty(&e.profile, &o.profile, config)
            })
        });
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
            let (mut terms, mut names, mut profile) =
                (e.terms.clone(), e.names.clone(), e.profile.clone());
            terms.add(&m.terms.0, -1.0);
            names.add(&m.names.0, -1.0);
            profile.remove(&m.profile);
            let own =
                similarity(&terms, &names, m, w) - conflict_penalty(&profile, &m.profile, config);
            let date = (e.dates[i], e.dates[i]);
            let best = others
                .iter()
                .filter(|&&o| {
                    let o = &self.events[o as usize];
                    near((o.first, o.last), date, config.event_days)
                })
                .map(|&o| {
                    let o_ev = &self.events[o as usize];
                    let s = similarity(&o_ev.terms, &o_ev.names, m, w)
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
        let top = self.events[event as usize].terms.top(config.index_terms);
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
        let top = o.terms.top(config.index_terms);
        self.event_index.post(into, &top);
        self.article_event.insert(article, into);
        self.changes.push(Change::EventSplit {
            from: EventId(from),
            into: EventId(into),
            articles: vec![ArticleId(article).to_string()],
        });
    }
}
