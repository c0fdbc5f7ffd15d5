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

use super::assign::{centroid_similarity, conflict_penalty, larger_last, near};
use super::{ClusterConfig, ClusterState, EventId};

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
