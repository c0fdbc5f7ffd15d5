//! Kind links: two base stories of one kind of happening shown as one.
//!
//! Input: the base stories the online step made (never changed here) and
//! their subject vectors (the sum of their members' event vectors: the words
//! each article repeats). Output: a set of links, each joining two base
//! stories; a reader sees a linked pair as one story under the older id,
//! and the younger id resolves to it while the link holds. Method: each
//! base story of `kind_min_articles` or more has a nearest: the candidate
//! story of that size (from the story index, within `story_gap_days`) with
//! the highest subject cosine. A story is eligible when its largest event
//! holds `kind_min_articles` articles and `kind_event_share` of the
//! articles in its events of two or more (an event of one article is not
//! a second event yet). Two eligible
//! stories that are each other's nearest at `kind_threshold` or more are
//! linked; a story that is not eligible (it holds two events already: a
//! whole pair of one kind) and nearer than the nearest eligible one by
//! `kind_block_margin` blocks the link, so two stories that each sit
//! nearest to some third pair are not joined to each other.
//! With the links on, the online step keeps undated stories apart a
//! little longer (`ClusterConfig::story_join_threshold`,
//! `story_merge_at`): without dates, two events of one kind merge early
//! on a few articles' evidence, and which ones do depends on arrival
//! order; the links pair them once grown. The links are derived, not
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
//! Review aid: [`ClusterState::kind_neighbours`] lists each base story's
//! eligibility and nearest stories, as the links see them.

use std::collections::BTreeSet;

use super::assign::near;
use super::{ClusterConfig, ClusterState, Story, StoryId};

impl ClusterConfig {
    /// The story score at which an article that starts an event joins a
    /// story: stricter for an undated article with the links on.
    pub(super) fn story_join_threshold(&self, dated: bool) -> f32 {
        if self.kind_link && !dated {
            self.story_threshold.max(self.kind_undated_story_threshold)
        } else {
            self.story_threshold
        }
    }

    /// The similarity at which two stories merge: stricter with the links
    /// on when either is undated.
    pub(super) fn story_merge_at(&self, a: &Story, b: &Story) -> f32 {
        if self.kind_link && (a.first.is_none() || b.first.is_none()) {
            self.story_merge_threshold.max(self.kind_undated_merge_threshold)
        } else {
            self.story_merge_threshold
        }
    }
}

/// A base story as the kind links see it (a review aid, see
/// [`ClusterState::kind_neighbours`]).
#[derive(Clone, Debug, PartialEq)]
pub struct KindNeighbours {
    /// The base story.
    pub story: StoryId,
    /// The sizes of its events, in creation order.
    pub event_sizes: Vec<usize>,
    /// Whether it may take part in a link (large enough, mostly one event).
    pub eligible: bool,
    /// Its nearest candidate stories by subject cosine, nearest first.
    pub nearest: Vec<(StoryId, f32)>,
}

impl ClusterState {
    /// Marks a base story as changed since the last settle (with links
    /// on; off, nothing is kept).
    pub(super) fn touch(&mut self, story: u32, config: &ClusterConfig) {
        if config.kind_link {
            self.kind_dirty.insert(story);
        }
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
            if !self.kind_candidate(d, config) {
                continue;
            }
            let (nearest, beaten) = self.kind_nearest(d, config);
            self.set_near(d, nearest);
            again.extend(beaten.into_iter().filter(|c| !dirty.contains(c)));
        }
        for &r in again.difference(&dirty) {
            let nearest =
                if self.kind_candidate(r, config) { self.kind_nearest(r, config).0 } else { None };
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
            let eligible = self.kind_eligible(a, config) && self.kind_eligible(b, config);
            if mutual && eligible && sim >= config.kind_threshold {
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

    /// True when the base story is live and large enough to be some
    /// story's nearest.
    fn kind_candidate(&self, story: u32, config: &ClusterConfig) -> bool {
        let n = self.stories[story as usize].n_articles;
        n > 0 && n >= config.kind_min_articles
    }

    /// True when the base story may take part in a kind link: a candidate
    /// and mostly one event, that event of `kind_min_articles` or more.
    fn kind_eligible(&self, story: u32, config: &ClusterConfig) -> bool {
        let s = &self.stories[story as usize];
        if !self.kind_candidate(story, config) || s.events.len() > 16 {
            return false;
        }
        // Events of one article are not counted: an article that matched
        // no event yet (a stray, or a report of the main event worded
        // apart) does not make a second event.
        let sizes = s.events.iter().map(|e| self.events[e.0 as usize].articles.len());
        let largest = sizes.clone().max().unwrap_or(0);
        let counted: usize = sizes.filter(|&n| n > 1).sum();
        largest >= config.kind_min_articles
            && largest as f32 >= config.kind_event_share * counted as f32
    }

    /// Review aid (`stories_probe` with `KIND=1`): each live base story of
    /// `kind_min_articles` or more with its event sizes, whether it is
    /// eligible for a link, and its four nearest candidate stories of that
    /// size (eligible or not) by subject cosine, nearest first. It reads
    /// the state only; one index query per story listed.
    pub fn kind_neighbours(&self, config: &ClusterConfig) -> Vec<KindNeighbours> {
        let mut out = Vec::new();
        for s in self.stories.iter().filter(|s| s.n_articles >= config.kind_min_articles) {
            let query = s.terms.top(config.query_terms);
            let mut nearest: Vec<(StoryId, f32)> = self
                .candidates(&query, config, false)
                .into_iter()
                .filter(|&o| {
                    o != s.id.0 && self.stories[o as usize].n_articles >= config.kind_min_articles
                })
                .map(|o| (StoryId(o), s.subject.cosine_with(&self.stories[o as usize].subject)))
                .collect();
            nearest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            nearest.truncate(4);
            out.push(KindNeighbours {
                story: s.id,
                event_sizes: s
                    .events
                    .iter()
                    .map(|e| self.events[e.0 as usize].articles.len())
                    .collect(),
                eligible: self.kind_eligible(s.id.0, config),
                nearest,
            });
        }
        out
    }

    /// The candidate story nearest to `story` by subject cosine, eligible
    /// or not (a nearer story that already holds two events is `story`'s
    /// closest kin, and a link to a farther one would be a wrong pair),
    /// within `story_gap_days` (ties by the lower id), and the candidates
    /// whose own nearest `story` now beats.
    fn kind_nearest(&self, story: u32, config: &ClusterConfig) -> (Option<(u32, f32)>, Vec<u32>) {
        let s = &self.stories[story as usize];
        let query = s.terms.top(config.query_terms);
        let mut best: Option<(u32, f32)> = None;
        let mut best_eligible: Option<(u32, f32)> = None;
        let mut beaten = Vec::new();
        let margin = config.kind_block_margin;
        for other in self.candidates(&query, config, false) {
            let o = &self.stories[other as usize];
            if other == story
                || !self.kind_candidate(other, config)
                || !near((s.first, s.last), (o.first, o.last), config.story_gap_days)
            {
                continue;
            }
            let sim = s.subject.cosine_with(&o.subject);
            let better = |b: Option<(u32, f32)>| {
                b.is_none_or(|(b, bs)| sim > bs || (sim == bs && other < b))
            };
            if better(best) {
                best = Some((other, sim));
            }
            if better(best_eligible) && self.kind_eligible(other, config) {
                best_eligible = Some((other, sim));
            }
            let beats = match self.kind_near.get(&other) {
                Some(&(b, bs)) => {
                    b != story
                        && (sim > bs
                            || (sim == bs && story < b)
                            || (!self.kind_eligible(b, config) && sim > bs - margin))
                }
                None => true,
            };
            if beats {
                beaten.push(other);
            }
        }
        // An ineligible nearest blocks only when it is nearer than the
        // nearest eligible story by `kind_block_margin`.
        let nearest = match (best, best_eligible) {
            (Some((b, bs)), Some(e)) if !self.kind_eligible(b, config) && bs - e.1 < margin => {
                Some(e)
            }
            _ => best,
        };
        (nearest, beaten)
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

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::cluster::ClusterInput;
    use crate::model::ArticleId;

    fn input(id: u64, title: &'static str, text: &'static str) -> ClusterInput<'static> {
        ClusterInput {
            article: ArticleId(id),
            title: Some(title),
            text,
            published: NaiveDate::from_ymd_opt(2021, 3, 1),
            duplicate_of: None,
        }
    }

    const FLOOD: &str = "Heavy rain flooded the river valley near Porto. Rescuers evacuated \
        villagers from flooded homes as the Douro river burst its banks.";
    const CHESS: &str = "The chess olympiad opened in Tallinn with teams from ninety \
        countries; grandmasters played the first round of the tournament.";

    /// Two base stories and the ids a reader sees, linked or not.
    #[test]
    fn a_linked_pair_reads_as_one_story_under_the_older_id_until_unlinked() {
        let config = ClusterConfig { kind_link: true, ..ClusterConfig::default() };
        let mut state = ClusterState::new(&config);
        let a = state.assign(&input(1, "Douro floods homes", FLOOD), &config);
        let b = state.assign(&input(2, "Chess olympiad opens", CHESS), &config);
        assert_ne!(a.story, b.story);
        state.settle(&config);
        // Unrelated stories share no candidate terms: no link.
        assert!(state.kind_links.is_empty());
        // The review aid sees the same: both one-event stories, eligible
        // at a minimum size of one, neither near the other.
        let one = ClusterConfig { kind_min_articles: 1, ..config.clone() };
        let seen = state.kind_neighbours(&one);
        assert_eq!(seen.iter().map(|k| k.story).collect::<Vec<_>>(), vec![a.story, b.story]);
        assert!(seen.iter().all(|k| k.eligible && k.event_sizes == [1] && k.nearest.is_empty()));
        assert!(state.kind_neighbours(&config).is_empty());
        assert_eq!(state.stories().count(), 2);
        // Linked (as a settle links a mutual nearest pair), the younger id
        // resolves to the older and the view holds both events.
        state.kind_links.insert(a.story.0, b.story.0);
        state.kind_links.insert(b.story.0, a.story.0);
        let older = a.story.min(b.story);
        assert_eq!(state.resolve_story(a.story.max(b.story)), older);
        assert_eq!(state.story_of(ArticleId(2)), Some(older));
        assert_eq!(state.assignment_of(ArticleId(1)).map(|x| x.story), Some(older));
        let views: Vec<_> = state.stories().collect();
        assert_eq!(views.len(), 1);
        assert_eq!((views[0].id, views[0].n_articles, views[0].events.len()), (older, 2, 2));
        // A settle derives the links again from the base stories: the pair
        // is not one, so the link breaks and both ids are their own again.
        state.touch(a.story.0, &config);
        state.settle(&config);
        assert_eq!(state.story_of(ArticleId(2)), Some(b.story));
        assert_eq!(state.stories().count(), 2);
        // With the links off, a saved state's links are dropped.
        state.kind_links.insert(a.story.0, b.story.0);
        state.settle(&ClusterConfig { kind_link: false, ..ClusterConfig::default() });
        assert!(state.kind_links.is_empty() && state.kind_near.is_empty());
    }
}
