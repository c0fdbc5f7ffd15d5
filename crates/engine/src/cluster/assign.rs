//! The online step: one article in, one event and story out, then repairs.
//!
//! Input: a [`ClusterInput`] and the [`ClusterState`]. Output: an
//! [`Assignment`], with the state updated. Method: retrieve candidate events
//! through the index, keep those within `event_days` of the article, join the
//! most similar above `event_threshold`; otherwise start an event in the most
//! similar story (within `story_gap_days`) above `story_threshold`, or in a
//! new story. Then, on a doubling schedule of each cluster's size (so each
//! cluster is revisited O(log n) times), try to split the event and to merge
//! it with its nearest neighbour; a story looks for a merge on that schedule
//! and every `story_recheck_every` articles. Small new stories are queued for
//! up to `recheck_looks` second looks on a doubling schedule of arrivals.
//! With `kind_link` on, each story also sums its members' event vectors (its
//! subject, read by the kind links in `kind`), and undated articles and
//! stories join and merge at the stricter thresholds `kind` gives. Ties
//! always break by the lower id.

use chrono::NaiveDate;

use super::names::NameProfile;
use super::vector::{Centroid, SparseVec, Spread};
use super::years::{stated_years, YearProfile};
use super::{
    Assignment, Change, ClusterConfig, ClusterInput, ClusterState, Event, EventId, Member, Story,
    StoryId,
};
use crate::model::ArticleId;

/// The weighted similarity of term and name vectors.
fn combine(terms: f32, names: Option<f32>, name_weight: f32) -> f32 {
    match names {
        Some(n) => (1.0 - name_weight) * terms + name_weight * n,
        None => terms,
    }
}

/// The similarity of a member to a cluster's centroids; the reference
/// of [`Probe`] and [`similarity_without`], which give it to the bit.
#[cfg(test)]
pub(super) fn similarity(terms: &Centroid, names: &Centroid, m: &Member, name_weight: f32) -> f32 {
    let n = (!m.names.is_empty() && !names.terms().is_empty()).then(|| names.cosine(&m.names.0));
    combine(terms.cosine(&m.terms.0), n, name_weight)
}

/// `similarity` of a member to its cluster without it: the centroids
/// less the member's vectors, to the bit, without building them (see
/// [`Centroid::cosine_plus`]).
pub(super) fn similarity_without(
    terms: &Centroid,
    names: &Centroid,
    m: &Member,
    name_weight: f32,
) -> f32 {
    let n = if m.names.is_empty() { None } else { names.cosine_plus(&m.names.0, -1.0) };
    combine(terms.cosine_plus(&m.terms.0, -1.0).unwrap_or(0.0), n, name_weight)
}

pub(super) fn centroid_similarity(
    a: (&Centroid, &Centroid),
    b: (&Centroid, &Centroid),
    w: f32,
) -> f32 {
    let n = (!a.1.terms().is_empty() && !b.1.terms().is_empty()).then(|| a.1.cosine_with(b.1));
    combine(a.0.cosine_with(b.0), n, w)
}

/// An article's (or a cluster's) term and name vectors spread over dense
/// arrays (see [`Spread`]), to be scored against many candidates:
/// [`Probe::similarity`] is what `similarity` (for a member) or
/// [`centroid_similarity`] (for a pair of centroids) gives, to the bit,
/// at a fraction of the cost when one side is compared with a dozen.
pub(super) struct Probe<'a> {
    terms: Spread<'a>,
    names: Spread<'a>,
    /// The norms the dot products are divided by on this side: 1 for a
    /// member (a unit vector; `x * 1.0` is `x`), the centroids' own.
    norms: (f32, f32),
}

impl<'a> Probe<'a> {
    /// A probe of an article's vectors (unit length).
    pub(super) fn member(m: &'a Member) -> Probe<'a> {
        Probe { terms: Spread::of(&m.terms.0), names: Spread::of(&m.names.0), norms: (1.0, 1.0) }
    }

    /// A probe of a cluster's centroids.
    pub(super) fn centroids(terms: &'a Centroid, names: &'a Centroid) -> Probe<'a> {
        Probe {
            terms: Spread::of(terms.terms()),
            names: Spread::of(names.terms()),
            norms: (terms.norm(), names.norm()),
        }
    }

    /// The similarity to a cluster's centroids, weighing names by `w`.
    pub(super) fn similarity(&self, terms: &Centroid, names: &Centroid, w: f32) -> f32 {
        self.score((terms.terms(), terms.norm()), (names.terms(), names.norm()), w)
    }

    /// The similarity of a probe of centroids to a member's vectors: what
    /// `similarity` of those centroids and the member gives.
    pub(super) fn similarity_to_member(&self, m: &Member, w: f32) -> f32 {
        self.score((&m.terms.0, 1.0), (&m.names.0, 1.0), w)
    }

    /// Term and name cosines with the other side's vectors and norms.
    fn score(&self, terms: (&[(u32, f32)], f32), names: (&[(u32, f32)], f32), w: f32) -> f32 {
        let cosine = |spread: &Spread<'_>, norm: f32, (v, v_norm): (&[(u32, f32)], f32)| {
            let n = norm * v_norm;
            if n == 0.0 {
                0.0
            } else {
                spread.dot(v) / n
            }
        };
        let n = (!self.names.terms().is_empty() && !names.0.is_empty())
            .then(|| cosine(&self.names, self.norms.1, names));
        combine(cosine(&self.terms, self.norms.0, terms), n, w)
    }
}

/// True when `a` and `b` are within `days` of each other (or undated).
pub(super) fn near(
    a: (Option<NaiveDate>, Option<NaiveDate>),
    b: (Option<NaiveDate>, Option<NaiveDate>),
    days: i64,
) -> bool {
    match (a, b) {
        ((Some(a0), Some(a1)), (Some(b0), Some(b1))) => {
            (b0 - a1).num_days() <= days && (a0 - b1).num_days() <= days
        }
        _ => true,
    }
}

/// The similarity an article or event loses against an event whose
/// participants conflict with its own (see `names`).
pub(super) fn conflict_penalty(a: &NameProfile, b: &NameProfile, config: &ClusterConfig) -> f32 {
    let names =
        if config.conflict_margin > 0.0 && a.conflicts(b) { config.conflict_margin } else { 0.0 };
    let years = if config.year_margin > 0.0 && a.years_conflict(b, config.year_core_min) {
        config.year_margin
    } else {
        0.0
    };
    names + years
}

/// Events of a candidate story (newest first) that a second look checks
/// for one running at the same time as the small story.
const RUNNING_SCAN: usize = 256;

/// Sizes at which a cluster is revisited: 2, 4, 8, ...
fn on_schedule(n: usize) -> bool {
    n >= 2 && n.is_power_of_two()
}

impl ClusterState {
    /// Assigns one article. An article already assigned keeps its place; a
    /// copy of a known article joins its original's event.
    pub fn assign(&mut self, input: &ClusterInput<'_>, config: &ClusterConfig) -> Assignment {
        if let Some(done) = self.assignment_of(input.article) {
            return done;
        }
        if let Some(event) = input.duplicate_of.and_then(|orig| self.event_of(orig)) {
            self.add_copy(event, input, config);
            return self.assignment_of(input.article).expect("just assigned");
        }
        let f = self.lexicon.features(input.title, input.text, &config.text);
        // The years an article writes stand in for a date only where it has
        // none: a dated article is bounded in time by `event_days` already.
        let years = match input.published {
            Some(_) => YearProfile::default(),
            None => {
                let mut years = stated_years(input.title.unwrap_or_default());
                years.extend(stated_years(input.text));
                years.sort_unstable();
                years.dedup();
                YearProfile::of_article(&years)
            }
        };
        let profile = NameProfile::of_article(&f.read_names, &f.salient_names).with_years(years);
        let topic = Member { terms: f.topic, names: f.names.clone(), ..Member::default() };
        let member = Member { terms: f.terms, names: f.names, profile };
        let query = member.terms.top(config.query_terms);
        let dates = (input.published, input.published);
        // Every candidate event is scored once, in or out of the time window:
        // the window decides which event the article may join, and a close
        // event of any date is a bridge between stories (below). An article
        // that starts an event picks its story by the story score alone: a
        // link to whichever old event is close made the story depend on the
        // order the articles came in (Timeline17 spread over 5 shuffles of
        // the arrival order 0.015 with it, 0.010 without).
        let scored = self.scored_events(&query, config, &member);
        // Joining, an event whose participants contradict the article's
        // counts `conflict_margin` less; linking a story, it does not.
        let in_window = |e: &Event| near((e.first, e.last), dates, config.event_days);
        let best_event = scored
            .iter()
            .filter(|&&(e, _)| in_window(&self.events[e as usize]))
            .map(|&(e, score)| {
                (
                    e,
                    score
                        - conflict_penalty(
                            &self.events[e as usize].profile,
                            &member.profile,
                            config,
                        ),
                )
            })
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        let (event, score) = match best_event {
            Some((e, score)) if score >= config.event_threshold => (e, score),
            _ => {
                // Only an article that starts an event asks for a story.
                let topic_query = topic.terms.top(config.query_terms);
                let probe = Probe::member(&topic);
                let best_story = self.best(&topic_query, config, false, |state, id| {
                    let story = &state.stories[id as usize];
                    near((story.first, story.last), dates, config.story_gap_days).then_some(())?;
                    Some(probe.similarity(&story.terms, &story.names, config.story_name_weight))
                });
                drop(probe);
                let story = match best_story {
                    Some((s, score)) if score >= config.story_join_threshold(dates.0.is_some()) => {
                        s
                    }
                    _ => {
                        let s = self.new_story(config);
                        let due = self.arrivals + config.recheck_after as u64;
                        self.recheck.insert((due, s, 0));
                        s
                    }
                };
                (self.new_event(story, config), config.event_threshold)
            }
        };
        // An article close to events of several stories shows they are one.
        let story = self.events[event as usize].story;
        let bridged: Vec<u32> = scored
            .iter()
            .filter(|l| l.1 >= config.bridge_threshold)
            .map(|l| self.events[l.0 as usize].story.0)
            .filter(|&s| s != story.0)
            .filter(|&s| {
                let s = &self.stories[s as usize];
                near((s.first, s.last), dates, config.story_gap_days)
            })
            .collect();
        self.add_member(event, input, member, &topic.terms, score, config);
        for other in bridged {
            let (a, b) =
                (self.resolve_base_story(StoryId(other)).0, self.events[event as usize].story.0);
            let (sa, sb) = (&self.stories[a as usize], &self.stories[b as usize]);
            // A bridge only proposes a merge; the stories as wholes must agree,
            // or one stray article would chain two large stories together.
            let agree = centroid_similarity(
                (&sa.terms, &sa.names),
                (&sb.terms, &sb.names),
                config.story_name_weight,
            ) >= config.story_merge_at(sa, sb)
                && near((sa.first, sa.last), (sb.first, sb.last), config.story_gap_days);
            if a != b && agree {
                let (from, into) =
                    smaller_first(&self.stories[a as usize], &self.stories[b as usize]);
                self.merge_stories(from, into, config);
            }
        }
        self.revise(event, config);
        self.arrivals += 1;
        self.second_look(config);
        if config.reconcile_every > 0 && self.arrivals.is_multiple_of(config.reconcile_every as u64)
        {
            self.reconcile(config);
        }
        self.assignment_of(input.article).expect("just assigned")
    }

    /// Gives small stories another look when due: one that is still small
    /// joins the most similar larger story above `recheck_threshold`, else
    /// it is looked at again after twice the wait, at most `recheck_looks`
    /// times, so the cost per article stays bounded. Only a larger story
    /// may take it, so small stories do not chain into one another.
    fn second_look(&mut self, config: &ClusterConfig) {
        while let Some(&(due, story, looks)) = self.recheck.first() {
            if self.arrivals < due {
                break;
            }
            self.recheck.pop_first();
            let story = self.resolve_base_story(StoryId(story)).0;
            let s = &self.stories[story as usize];
            // An undated story has no time to confine its second look to the
            // stories running then, and a low threshold alone is not safe.
            if s.n_articles == 0 || s.n_articles > config.recheck_max || s.first.is_none() {
                continue;
            }
            let query = s.terms.top(config.query_terms);
            // Only a story running at the same time (one of its events
            // within `event_days`) and larger than a small one may take it,
            // and only if no small story running then is closer: that one
            // may yet grow into the right home, so the decision waits.
            let dates = (s.first, s.last);
            let mut best: Option<(u32, f32)> = None;
            let mut closest_small = 0.0f32;
            let probe = Probe::centroids(&s.terms, &s.names);
            for other in self.candidates(&query, config, false) {
                let o = &self.stories[other as usize];
                // Only the newest events are looked at, so a look costs the
                // same however many events a long story has gathered.
                let running = || {
                    near((o.first, o.last), dates, config.event_days)
                        && o.events.iter().rev().take(RUNNING_SCAN).any(|e| {
                            let e = &self.events[e.0 as usize];
                            e.first.is_some() && near((e.first, e.last), dates, config.event_days)
                        })
                };
                if other == story || o.n_articles == 0 || !running() {
                    continue;
                }
                let sim = probe.similarity(&o.terms, &o.names, config.story_name_weight);
                if o.n_articles <= config.recheck_max {
                    closest_small = closest_small.max(sim);
                } else if best.is_none_or(|(b, bs)| sim > bs || (sim == bs && other < b)) {
                    best = Some((other, sim));
                }
            }
            drop(probe);
            let clear = |&(_, b): &(u32, f32)| b >= config.recheck_threshold && b >= closest_small;
            match best.filter(clear) {
                Some((other, _)) => self.merge_stories(story, other, config),
                None if looks + 1 < config.recheck_looks => {
                    let wait = (config.recheck_after as u64) << (looks + 1);
                    self.recheck.insert((self.arrivals + wait, story, looks + 1));
                }
                None => {}
            }
        }
    }

    /// Live candidate events from the index with their similarity to
    /// `member`, most similar first (ties by id).
    fn scored_events(
        &self,
        query: &[(u32, f32)],
        config: &ClusterConfig,
        member: &Member,
    ) -> Vec<(u32, f32)> {
        let ranked = ranked_hits(self.event_index.query_keys(query), config.candidates);
        let probe = Probe::member(member);
        let mut out: Vec<(u32, f32)> = Vec::new();
        for &c in &ranked {
            if out.len() == config.candidates {
                break;
            }
            let c = self.resolve_event(EventId(c)).0;
            if out.iter().any(|o| o.0 == c) {
                continue;
            }
            let e = &self.events[c as usize];
            out.push((c, probe.similarity(&e.terms, &e.names, config.event_name_weight)));
        }
        out.sort_unstable_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    /// The best-scoring live candidate from the event (or story) index.
    pub(super) fn best(
        &self,
        query: &[(u32, f32)],
        config: &ClusterConfig,
        events: bool,
        score: impl Fn(&ClusterState, u32) -> Option<f32>,
    ) -> Option<(u32, f32)> {
        let mut best: Option<(u32, f32)> = None;
        for c in self.candidates(query, config, events) {
            if let Some(s) = score(self, c) {
                if best.is_none_or(|(b, bs)| s > bs || (s == bs && c < b)) {
                    best = Some((c, s));
                }
            }
        }
        best
    }

    /// The live candidates the index proposes for `query`, best first,
    /// at most `candidates` of them, merged-away ids resolved.
    pub(super) fn candidates(
        &self,
        query: &[(u32, f32)],
        config: &ClusterConfig,
        events: bool,
    ) -> Vec<u32> {
        let index = if events { &self.event_index } else { &self.story_index };
        let hits = index.query_keys(query);
        let mut seen: Vec<u32> = Vec::new();
        for c in ranked_hits(hits, config.candidates) {
            if seen.len() == config.candidates {
                break;
            }
            let c = if events {
                self.resolve_event(EventId(c)).0
            } else {
                self.resolve_base_story(StoryId(c)).0
            };
            if !seen.contains(&c) {
                seen.push(c);
            }
        }
        seen
    }

    fn new_story(&mut self, config: &ClusterConfig) -> u32 {
        let id = self.stories.len() as u32;
        self.stories.push(Story {
            id: StoryId(id),
            events: Vec::new(),
            n_articles: 0,
            first: None,
            last: None,
            terms: Centroid::new(config.story_terms),
            names: Centroid::new(config.story_terms / 4),
            subject: Centroid::new(config.event_terms),
        });
        id
    }

    fn new_event(&mut self, story: u32, config: &ClusterConfig) -> u32 {
        let id = self.events.len() as u32;
        self.events.push(Event {
            id: EventId(id),
            story: StoryId(story),
            title: None,
            first: None,
            last: None,
            articles: Vec::new(),
            dates: Vec::new(),
            members: Vec::new(),
            title_score: f32::MIN,
            terms: Centroid::new(config.event_terms),
            names: Centroid::new(config.event_terms / 3),
            profile: NameProfile::default(),
        });
        self.stories[story as usize].events.push(EventId(id));
        self.touch(story, config);
        self.open_events.push(id);
        self.fresh.push(id);
        id
    }

    fn add_member(
        &mut self,
        event: u32,
        input: &ClusterInput<'_>,
        member: Member,
        topic: &SparseVec,
        score: f32,
        config: &ClusterConfig,
    ) {
        self.article_event.insert(input.article.0, event);
        if let Some(d) = input.published {
            self.latest = self.latest.max(Some(d));
        }
        let e = &mut self.events[event as usize];
        let story = &mut self.stories[e.story.0 as usize];
        story.terms.add(&topic.0, 1.0);
        story.names.add(&member.names.0, 1.0);
        if config.kind_link {
            story.subject.add(&member.terms.0, 1.0);
        }
        story.n_articles += 1;
        story.first = min_opt(story.first, input.published);
        story.last = story.last.max(input.published);
        e.terms.add(&member.terms.0, 1.0);
        e.names.add(&member.names.0, 1.0);
        if let Some(title) = input.title.filter(|t| !t.trim().is_empty()) {
            if score > e.title_score {
                e.title = Some(title.trim().to_string());
                e.title_score = score;
            }
        }
        let keep = e.members.len() == e.articles.len();
        e.articles.push(input.article.0);
        e.dates.push(input.published);
        if keep {
            e.profile.add(&member.profile);
            e.members.push(member);
        }
        widen(e, input.published);
        let top_e = e.terms.heaviest(config.index_terms);
        // A large story's heaviest terms change slowly: re-posting it every
        // 8th article keeps it fresh in the index at an eighth of the cost.
        let top_s = (story.n_articles < 8 || story.n_articles & 7 == 0)
            .then(|| story.terms.heaviest(config.index_terms));
        let sid = story.id.0;
        self.touch(sid, config);
        self.event_index.post(event, &top_e);
        if let Some(top_s) = top_s {
            self.story_index.post(sid, &top_s);
        }
    }

    fn add_copy(&mut self, event: EventId, input: &ClusterInput<'_>, config: &ClusterConfig) {
        self.article_event.insert(input.article.0, event.0);
        let e = &mut self.events[event.0 as usize];
        if e.members.len() == e.articles.len() {
            // A copy moves with its original if the event is ever split.
            let orig = input.duplicate_of.and_then(|o| e.articles.iter().position(|&a| a == o.0));
            let member = orig.map(|i| e.members[i].clone()).unwrap_or_default();
            e.profile.add(&member.profile);
            e.members.push(member);
        }
        e.articles.push(input.article.0);
        e.dates.push(input.published);
        widen(e, input.published);
        let story = &mut self.stories[e.story.0 as usize];
        story.n_articles += 1;
        story.first = min_opt(story.first, input.published);
        story.last = story.last.max(input.published);
        let sid = story.id.0;
        self.touch(sid, config);
    }

    /// Splits, merges and closes after `event` grew.
    fn revise(&mut self, event: u32, config: &ClusterConfig) {
        let n = self.events[event as usize].articles.len();
        if on_schedule(n) {
            self.try_split(event, config);
            self.split_on_conflict(self.resolve_event(EventId(event)).0, config);
            self.reexamine(self.resolve_event(EventId(event)).0, config);
            self.try_merge_event(self.resolve_event(EventId(event)).0, config);
        }
        let story = self.events[self.resolve_event(EventId(event)).0 as usize].story.0;
        let n = self.stories[story as usize].n_articles;
        if on_schedule(n) || n.is_multiple_of(config.story_recheck_every) {
            self.try_merge_story(story, config);
        }
        if self.article_event.len() & 255 == 0 {
            self.close_events(config);
        }
    }

    /// Drops member vectors of events that can no longer split: too large,
    /// or ended more than two event windows before the newest date seen.
    fn close_events(&mut self, config: &ClusterConfig) {
        let latest = self.latest;
        let events = &mut self.events;
        self.open_events.retain(|&id| {
            let e = &mut events[id as usize];
            let old = match (e.last, latest) {
                (Some(last), Some(latest)) => (latest - last).num_days() > 2 * config.event_days,
                _ => false,
            };
            let open = e.is_alive() && e.articles.len() <= config.split_max && !old;
            if !open {
                e.members = Vec::new();
                e.profile = NameProfile::default();
            }
            open
        });
    }

    fn try_merge_event(&mut self, event: u32, config: &ClusterConfig) {
        let e = &self.events[event as usize];
        let query = e.terms.top(config.query_terms);
        let probe = Probe::centroids(&e.terms, &e.names);
        let best = self.best(&query, config, true, |state, other| {
            let o = &state.events[other as usize];
            (other != event
                && o.story == e.story
                && near((e.first, e.last), (o.first, o.last), config.event_days))
            .then(|| {
                probe.similarity(&o.terms, &o.names, config.event_name_weight)
                    - conflict_penalty(&e.profile, &o.profile, config)
            })
        });
        drop(probe);
        if let Some((other, _)) = best.filter(|b| b.1 >= config.event_merge_threshold) {
            let (from, into) =
                larger_last(&self.events[event as usize], &self.events[other as usize]);
            self.merge_events(from, into, config);
        }
    }

    pub(super) fn merge_events(&mut self, from: u32, into: u32, config: &ClusterConfig) {
        let moved = std::mem::replace(&mut self.events[from as usize], placeholder(from, config));
        let story = moved.story;
        self.events[from as usize].story = story;
        for &a in &moved.articles {
            self.article_event.insert(a, into);
        }
        let e = &mut self.events[into as usize];
        let both_open =
            e.members.len() == e.articles.len() && moved.members.len() == moved.articles.len();
        if both_open {
            e.members.extend(moved.members);
            e.profile.add(&moved.profile);
        } else {
            e.members = Vec::new();
            e.profile = NameProfile::default();
        }
        e.articles.extend(&moved.articles);
        e.dates.extend(&moved.dates);
        e.terms.add(moved.terms.terms(), 1.0);
        e.names.add(moved.names.terms(), 1.0);
        e.first = min_opt(e.first, moved.first);
        e.last = e.last.max(moved.last);
        if moved.title_score > e.title_score {
            e.title = moved.title;
            e.title_score = moved.title_score;
        }
        let top = e.terms.heaviest(config.index_terms);
        self.event_index.post(into, &top);
        self.stories[story.0 as usize].events.retain(|&x| x.0 != from);
        self.touch(story.0, config);
        self.event_redirects.insert(from, into);
        self.changes.push(Change::EventMerged { from: EventId(from), into: EventId(into) });
    }

    fn try_merge_story(&mut self, story: u32, config: &ClusterConfig) {
        let s = &self.stories[story as usize];
        let query = s.terms.top(config.query_terms);
        let probe = Probe::centroids(&s.terms, &s.names);
        let best = self.best(&query, config, false, |state, other| {
            let o = &state.stories[other as usize];
            (other != story && near((s.first, s.last), (o.first, o.last), config.story_gap_days))
                .then(|| probe.similarity(&o.terms, &o.names, config.story_name_weight))
        });
        drop(probe);
        let s = &self.stories[story as usize];
        let best = best.filter(|b| b.1 >= config.story_merge_at(s, &self.stories[b.0 as usize]));
        if let Some((other, _)) = best {
            let (from, into) =
                smaller_first(&self.stories[story as usize], &self.stories[other as usize]);
            self.merge_stories(from, into, config);
        }
    }

    pub(super) fn merge_stories(&mut self, from: u32, into: u32, config: &ClusterConfig) {
        let moved = std::mem::replace(
            &mut self.stories[from as usize],
            Story {
                id: StoryId(from),
                events: Vec::new(),
                n_articles: 0,
                first: None,
                last: None,
                terms: Centroid::new(0),
                names: Centroid::new(0),
                subject: Centroid::new(0),
            },
        );
        for &e in &moved.events {
            self.events[e.0 as usize].story = StoryId(into);
        }
        let s = &mut self.stories[into as usize];
        s.events.extend(moved.events);
        s.n_articles += moved.n_articles;
        s.first = min_opt(s.first, moved.first);
        s.last = s.last.max(moved.last);
        s.terms.add(moved.terms.terms(), 1.0);
        s.names.add(moved.names.terms(), 1.0);
        s.subject.add(moved.subject.terms(), 1.0);
        let top = s.terms.heaviest(config.index_terms);
        self.story_index.post(into, &top);
        self.story_redirects.insert(from, into);
        self.touch(from, config);
        self.touch(into, config);
        self.changes.push(Change::StoryMerged { from: StoryId(from), into: StoryId(into) });
    }

    /// Splits an event in two when 2-means finds halves less similar than
    /// `split_threshold`; the smaller half becomes a new event of the story.
    fn try_split(&mut self, event: u32, config: &ClusterConfig) {
        let e = &self.events[event as usize];
        if e.members.len() != e.articles.len() || e.members.len() < 4 {
            return;
        }
        let Some(part) = two_means(e, config) else { return };
        let n_moved = part.iter().filter(|&&p| p).count();
        if n_moved == 0 || n_moved == part.len() {
            return;
        }
        // The new event takes the smaller half (the first member stays).
        let take = n_moved * 2 <= part.len();
        let moving: Vec<bool> = part.iter().map(|&p| p == take).collect();
        self.split_off(event, &moving, config);
    }

    /// Moves the members of `event` marked in `moving` to a new event of
    /// its story, recorded as an [`Change::EventSplit`]. The event must be
    /// open (it holds a member vector per article).
    pub(super) fn split_off(&mut self, event: u32, moving: &[bool], config: &ClusterConfig) -> u32 {
        let story = self.events[event as usize].story.0;
        let new = self.new_event(story, config);
        let old = std::mem::replace(&mut self.events[event as usize], placeholder(event, config));
        let mut keep = placeholder(event, config);
        keep.story = old.story;
        keep.title = old.title.clone();
        keep.title_score = old.title_score;
        // The new half starts with the old headline until one of its own
        // later members brings a better one.
        self.events[new as usize].title = old.title.clone();
        let mut moved_ids = Vec::new();
        for (i, member) in old.members.into_iter().enumerate() {
            let dest = if moving[i] { new } else { event };
            let target = if dest == event { &mut keep } else { &mut self.events[new as usize] };
            target.terms.add(&member.terms.0, 1.0);
            target.names.add(&member.names.0, 1.0);
            target.profile.add(&member.profile);
            target.articles.push(old.articles[i]);
            target.dates.push(old.dates[i]);
            widen(target, old.dates[i]);
            target.members.push(member);
            if dest == new {
                moved_ids.push(ArticleId(old.articles[i]).to_string());
                self.article_event.insert(old.articles[i], new);
            }
        }
        self.events[event as usize] = keep;
        for id in [event, new] {
            let top = self.events[id as usize].terms.heaviest(config.index_terms);
            self.event_index.post(id, &top);
        }
        self.changes.push(Change::EventSplit {
            from: EventId(event),
            into: EventId(new),
            articles: moved_ids,
        });
        new
    }
}

/// Two-means over an event's members, seeded by the member least like the
/// centroid and the member least like that one. Returns the side of each
/// member when the halves are less similar than `split_threshold`.
fn two_means(e: &Event, config: &ClusterConfig) -> Option<Vec<bool>> {
    let w = config.event_name_weight;
    // The member scoring least against a probe (the lowest index on a tie).
    let least = |probe: Probe<'_>| {
        let scores: Vec<f32> = e.members.iter().map(|m| probe.similarity_to_member(m, w)).collect();
        (0..scores.len()).min_by(|&a, &b| scores[a].total_cmp(&scores[b]).then(a.cmp(&b)))
    };
    let far = least(Probe::centroids(&e.terms, &e.names))?;
    let mut seed = [Centroid::new(config.event_terms), Centroid::new(config.event_terms)];
    let mut seed_names =
        [Centroid::new(config.event_terms / 3), Centroid::new(config.event_terms / 3)];
    seed[1].add(&e.members[far].terms.0, 1.0);
    seed_names[1].add(&e.members[far].names.0, 1.0);
    let other = least(Probe::centroids(&seed[1], &seed_names[1]))?;
    seed[0].add(&e.members[other].terms.0, 1.0);
    seed_names[0].add(&e.members[other].names.0, 1.0);
    let mut side = vec![false; e.members.len()];
    for _ in 0..3 {
        let probes = [
            Probe::centroids(&seed[0], &seed_names[0]),
            Probe::centroids(&seed[1], &seed_names[1]),
        ];
        for (i, m) in e.members.iter().enumerate() {
            side[i] = probes[1].similarity_to_member(m, w) > probes[0].similarity_to_member(m, w);
        }
        drop(probes);
        seed = [Centroid::new(config.event_terms), Centroid::new(config.event_terms)];
        seed_names = [Centroid::new(config.event_terms / 3), Centroid::new(config.event_terms / 3)];
        for (i, m) in e.members.iter().enumerate() {
            seed[side[i] as usize].add(&m.terms.0, 1.0);
            seed_names[side[i] as usize].add(&m.names.0, 1.0);
        }
    }
    let apart = centroid_similarity((&seed[0], &seed_names[0]), (&seed[1], &seed_names[1]), w);
    (apart < config.split_threshold).then_some(side)
}

/// The ids of the index hits most worth a full comparison, best first
/// (ties by id): a few more than `candidates`, since merged-away ids
/// collapse. The hits come as `heavy_key`s of `(id, score)`
/// (`Index::query_keys`), selected and sorted one integer compare a step,
/// the same order as on the pairs.
fn ranked_hits(mut keys: Vec<u64>, candidates: usize) -> Vec<u32> {
    let keep = 2 * candidates;
    if keys.len() > keep && keep > 0 {
        keys.select_nth_unstable(keep - 1);
        keys.truncate(keep);
    }
    keys.sort_unstable();
    // The low half of a key is the id.
    keys.into_iter().map(|k| k as u32).collect()
}

/// `(from, into)`: the smaller cluster merges into the larger (ties: into
/// the lower id).
pub(super) fn larger_last(a: &Event, b: &Event) -> (u32, u32) {
    if (a.articles.len(), std::cmp::Reverse(a.id)) > (b.articles.len(), std::cmp::Reverse(b.id)) {
        (b.id.0, a.id.0)
    } else {
        (a.id.0, b.id.0)
    }
}

/// `(from, into)` for two stories: the smaller merges into the larger.
fn smaller_first(a: &Story, b: &Story) -> (u32, u32) {
    if (a.n_articles, std::cmp::Reverse(a.id)) > (b.n_articles, std::cmp::Reverse(b.id)) {
        (b.id.0, a.id.0)
    } else {
        (a.id.0, b.id.0)
    }
}

fn placeholder(id: u32, config: &ClusterConfig) -> Event {
    Event {
        id: EventId(id),
        story: StoryId(0),
        title: None,
        first: None,
        last: None,
        articles: Vec::new(),
        dates: Vec::new(),
        members: Vec::new(),
        title_score: f32::MIN,
        terms: Centroid::new(config.event_terms),
        names: Centroid::new(config.event_terms / 3),
        profile: NameProfile::default(),
    }
}

fn min_opt(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

pub(super) fn widen(e: &mut Event, date: Option<NaiveDate>) {
    e.first = min_opt(e.first, date);
    e.last = e.last.max(date);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ranked_hits` as it was before the keys: select and sort the pairs.
    fn ranked_hits_reference(mut ranked: Vec<(u32, f32)>, candidates: usize) -> Vec<(u32, f32)> {
        let order = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
        let keep = 2 * candidates;
        if ranked.len() > keep && keep > 0 {
            ranked.select_nth_unstable_by(keep - 1, order);
            ranked.truncate(keep);
        }
        ranked.sort_unstable_by(order);
        ranked
    }

    proptest::proptest! {
        /// A member's similarity to its cluster without it, unbuilt, is the
        /// one to the centroids less its vectors, bit for bit, with names
        /// on either side or neither.
        #[test]
        fn similarity_without_is_similarity_to_the_rest(
            rest in proptest::collection::vec(
                (proptest::collection::btree_map(0u32..150, 0.0f32..1.0, 0..30),
                 proptest::collection::btree_map(0u32..60, 0.0f32..1.0, 0..6)), 0..6),
            terms in proptest::collection::btree_map(0u32..150, 0.0f32..1.0, 0..30),
            names in proptest::collection::btree_map(0u32..60, 0.0f32..1.0, 0..6),
            cap in 1usize..60,
        ) {
            let member = Member {
                terms: SparseVec::from_weights(terms.into_iter().collect(), usize::MAX),
                names: SparseVec::from_weights(names.into_iter().collect(), usize::MAX),
                ..Member::default()
            };
            let (mut t, mut n) = (Centroid::new(cap), Centroid::new(cap / 3));
            for (rt, rn) in &rest {
                t.add(&rt.iter().map(|(&a, &b)| (a, b)).collect::<Vec<_>>(), 1.0);
                n.add(&rn.iter().map(|(&a, &b)| (a, b)).collect::<Vec<_>>(), 1.0);
            }
            t.add(&member.terms.0, 1.0);
            n.add(&member.names.0, 1.0);
            let expected =
                similarity(&t.plus(&member.terms.0, -1.0), &n.plus(&member.names.0, -1.0), &member, 0.4);
            proptest::prop_assert_eq!(
                similarity_without(&t, &n, &member, 0.4).to_bits(),
                expected.to_bits()
            );
        }

        /// The hits ranked by keys are the ones the pair sort ranked, in
        /// the same order, with scores that tie often (sums of a few
        /// query weights) and ids in any order.
        #[test]
        fn ranked_hits_is_the_pair_sort(
            hits in proptest::collection::btree_map(0u32..500, 0u8..6, 0..200),
            candidates in 0usize..40,
            reverse: bool,
        ) {
            let mut hits: Vec<(u32, f32)> =
                hits.into_iter().map(|(c, s)| (c, f32::from(s) * 0.25)).collect();
            if reverse {
                hits.reverse();
            }
            let expected: Vec<u32> =
                ranked_hits_reference(hits.clone(), candidates).into_iter().map(|h| h.0).collect();
            let keys = hits.into_iter().map(super::super::vector::heavy_key).collect();
            proptest::prop_assert_eq!(ranked_hits(keys, candidates), expected);
        }
    }
}
