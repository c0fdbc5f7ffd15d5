//! Kind links: two base stories of one kind of happening shown as one.
//!
//! Input: the base stories the online step made (never changed here) and
//! their subject vectors (the sum of their members' event vectors: the words
//! each article repeats). Output: a set of links, each joining two base
//! stories; a reader sees a linked pair as one story under the older id,
//! and the younger id resolves to it while the link holds. Method: a base
//! story is eligible when it holds `kind_min_articles` and most of it is one
//! event (`kind_event_share`); its nearest is the eligible candidate story
//! (from the story index, within `story_gap_days`) with the highest subject
//! cosine. Two eligible stories that are each other's nearest at
//! `kind_threshold` or more are linked. The links are derived, not
//! decided: [`ClusterState::settle`] brings them up to date at the end of a
//! batch from the base stories as they are then, so a link breaks when a
//! nearer partner arrives or a story gains a second big event, and the
//! links depend on the base stories, not on when they were looked at.
//! Mutual nearness is a matching: a story has one partner at most, so
//! families of similar stories cannot chain into one.
//! Incremental: the stories the online step touched since the last settle
//! are marked; each gets its nearest again (one index query), takes the
//! place of the nearest of the candidates it now beats (they look again),
//! and the stories whose nearest it was look again too (a reverse map);
//! then the links of every story looked at are fixed. The cost of a settle
//! follows the stories touched, not the size of the store.

use std::collections::BTreeSet;

use super::assign::near;
use super::{ClusterConfig, ClusterState, StoryId};

impl ClusterState {
    /// Marks a base story as changed since the last settle.
    pub(super) fn touch(&mut self, story: u32) {
        self.kind_dirty.insert(story);
    }

    /// Brings the kind links up to date with the current base stories (with
    /// `kind_link` off it drops whatever a saved state held). Call it at the
    /// end of a batch; what a reader sees follows.
    pub fn settle(&mut self, config: &ClusterConfig) {
        let dirty = std::mem::take(&mut self.kind_dirty);
        if !config.kind_link {
            self.kind_links.clear();
            self.kind_near.clear();
            self.kind_pointed.clear();
            return;
        }
        // Stories to look at again: the touched ones, then those whose
        // nearest a touched one was or may now be.
        let mut again: BTreeSet<u32> = BTreeSet::new();
        for &d in &dirty {
            self.set_near(d, None);
            if let Some(from) = self.kind_pointed.get(&d) {
                again.extend(from.iter().copied());
            }
        }
        for &d in &dirty {
            if !self.kind_eligible(d, config) {
                continue;
            }
            let (nearest, beaten) = self.kind_nearest(d, config);
            self.set_near(d, nearest);
            again.extend(beaten.into_iter().filter(|c| !dirty.contains(c)));
        }
        for &r in again.difference(&dirty) {
            let nearest =
                if self.kind_eligible(r, config) { self.kind_nearest(r, config).0 } else { None };
            self.set_near(r, nearest);
        }
        // Fix the links of every story looked at, and of its old partner.
        let looked: BTreeSet<u32> = dirty.union(&again).copied().collect();
        for &a in &looked {
            if let Some(p) = self.kind_links.remove(&a) {
                if self.kind_links.get(&p) == Some(&a) {
                    self.kind_links.remove(&p);
                }
            }
        }
        for &a in &looked {
            let Some(&(b, sim)) = self.kind_near.get(&a) else { continue };
            let mutual = self.kind_near.get(&b).map(|n| n.0) == Some(a);
            if mutual && sim >= config.kind_threshold {
                self.kind_links.insert(a, b);
                self.kind_links.insert(b, a);
            }
        }
    }

    /// Sets (or clears) the nearest of `story`, keeping the reverse map.
    fn set_near(&mut self, story: u32, nearest: Option<(u32, f32)>) {
        if let Some((old, _)) = self.kind_near.remove(&story) {
            if let Some(from) = self.kind_pointed.get_mut(&old) {
                from.remove(&story);
                if from.is_empty() {
                    self.kind_pointed.remove(&old);
                }
            }
        }
        if let Some((to, sim)) = nearest {
            self.kind_near.insert(story, (to, sim));
            self.kind_pointed.entry(to).or_default().insert(story);
        }
    }

    /// True when the base story may take part in a kind link: live, large
    /// enough and mostly one event.
    fn kind_eligible(&self, story: u32, config: &ClusterConfig) -> bool {
        let s = &self.stories[story as usize];
        if s.n_articles == 0 || s.n_articles < config.kind_min_articles || s.events.len() > 16 {
            return false;
        }
        let largest =
            s.events.iter().map(|e| self.events[e.0 as usize].articles.len()).max().unwrap_or(0);
        largest as f32 >= config.kind_event_share * s.n_articles as f32
    }

    /// The eligible candidate story nearest to `story` by subject cosine,
    /// within `story_gap_days` (ties by the lower id), and the candidates
    /// whose own nearest `story` now beats.
    fn kind_nearest(&self, story: u32, config: &ClusterConfig) -> (Option<(u32, f32)>, Vec<u32>) {
        let s = &self.stories[story as usize];
        let query = s.terms.top(config.query_terms);
        let mut best: Option<(u32, f32)> = None;
        let mut beaten = Vec::new();
        for other in self.candidates(&query, config, false) {
            let o = &self.stories[other as usize];
            if other == story
                || !self.kind_eligible(other, config)
                || !near((s.first, s.last), (o.first, o.last), config.story_gap_days)
            {
                continue;
            }
            let sim = s.subject.cosine_with(&o.subject);
            if best.is_none_or(|(b, bs)| sim > bs || (sim == bs && other < b)) {
                best = Some((other, sim));
            }
            let beats = match self.kind_near.get(&other) {
                Some(&(b, bs)) => b != story && (sim > bs || (sim == bs && story < b)),
                None => true,
            };
            if beats {
                beaten.push(other);
            }
        }
        (best, beaten)
    }

    /// The partner of a (current) base story, if it is linked.
    pub(super) fn kind_partner(&self, base: StoryId) -> Option<StoryId> {
        let p = self.kind_links.get(&base.0).map(|&p| self.resolve_base_story(StoryId(p)))?;
        (p != base && self.stories[p.0 as usize].n_articles > 0).then_some(p)
    }

    /// The id a reader sees for a (current) base story: the older of a
    /// linked pair.
    pub(super) fn exposed(&self, base: StoryId) -> StoryId {
        self.kind_partner(base).map_or(base, |p| p.min(base))
    }
}
