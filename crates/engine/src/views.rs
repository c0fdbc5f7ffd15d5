//! Views: what a reader sees of a story or an article, built from the store.
//!
//! Input: a [`Snapshot`] of the store (articles, copies, clustering state).
//! Output: plain, serialisable views: a [`StoryCard`] per story (for lists),
//! a [`StoryPage`] (summary, timeline, quotes by speaker, entities, sources
//! in copy groups with the original marked), an [`ArticlePage`] (clean text
//! with quote and entity spans, metadata, its copies).
//! Method: the same code serves the CLI report, the JSON API and the web
//! pages, so they never disagree. Quotes and entities are derived on read:
//! each article's extraction is computed once per snapshot and kept, and a
//! story merges the extractions of its articles (copies count once).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Serialize;

use crate::cluster::{ClusterState, StoryId, StoryView};
use crate::dedupe::Duplicate;
use crate::extract::merge::{self, Merged, Role};
use crate::extract::{self, EntityKind, Extraction, QuoteKind};
use crate::model::{Article, ArticleId};
use crate::search::Marked;
use crate::store::Store;
use crate::summarize::{summarize, CitedSentence, SummaryConfig};
use crate::timeline::{timeline, Timeline, TimelineConfig};

/// The store's contents, read once, with each article's extraction
/// computed on first use. Cheap to share between threads.
pub struct Snapshot {
    /// Every article, in arrival order.
    pub articles: Vec<Article>,
    /// Every copy and the canonical article of its group.
    pub duplicates: Vec<(ArticleId, Duplicate)>,
    /// Stories and events, when the store was clustered.
    pub clusters: Option<ClusterState>,
    index: HashMap<ArticleId, usize>,
    copy_of: HashMap<ArticleId, ArticleId>,
    duplicate: HashMap<ArticleId, Duplicate>,
    copies: HashMap<ArticleId, Vec<ArticleId>>,
    extractions: Vec<OnceLock<Extraction>>,
}

impl Snapshot {
    /// Reads what the views need from `store`.
    pub fn load(store: &Store) -> crate::Result<Snapshot> {
        Ok(Snapshot::new(store.articles()?, store.duplicates()?, store.cluster_state()?))
    }

    /// What the views need from `store` without the articles' raw texts
    /// and offset maps, which no view shows (what the server holds).
    pub fn load_without_raw(store: &Store) -> crate::Result<Snapshot> {
        Ok(Snapshot::new(
            store.articles_without_raw()?,
            store.duplicates()?,
            store.cluster_state()?,
        ))
    }

    /// A snapshot of the given contents.
    pub fn new(
        articles: Vec<Article>,
        duplicates: Vec<(ArticleId, Duplicate)>,
        clusters: Option<ClusterState>,
    ) -> Snapshot {
        let index = articles.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
        let copy_of: HashMap<ArticleId, ArticleId> =
            duplicates.iter().map(|(id, d)| (*id, d.duplicate_of)).collect();
        let duplicate = duplicates.iter().map(|(id, d)| (*id, *d)).collect();
        let mut copies: HashMap<ArticleId, Vec<ArticleId>> = HashMap::new();
        for (id, d) in &duplicates {
            copies.entry(d.duplicate_of).or_default().push(*id);
        }
        let extractions = articles.iter().map(|_| OnceLock::new()).collect();
        Snapshot { articles, duplicates, clusters, index, copy_of, duplicate, copies, extractions }
    }

    /// One article by id.
    pub fn article(&self, id: ArticleId) -> Option<&Article> {
        self.index.get(&id).map(|&i| &self.articles[i])
    }

    /// The entities and quotes of one article, computed once.
    pub fn extraction(&self, id: ArticleId) -> Option<&Extraction> {
        let i = *self.index.get(&id)?;
        Some(self.extractions[i].get_or_init(|| extract::extract(&self.articles[i].text)))
    }

    /// Live story ids, in id order.
    pub fn story_ids(&self) -> Vec<StoryId> {
        self.clusters.as_ref().map_or_else(Vec::new, |c| c.stories().map(|s| s.id).collect())
    }

    /// The current id of a story (merged-away ids resolve), if it exists.
    pub fn resolve_story(&self, id: StoryId) -> Option<StoryId> {
        self.clusters.as_ref().and_then(|c| c.story(id)).map(|s| s.id)
    }

    /// The articles of a story, in id order (the order the summary and
    /// timeline are built in).
    fn story_articles(&self, view: &StoryView<'_>) -> Vec<&Article> {
        let mut story: Vec<&Article> = view
            .events
            .iter()
            .flat_map(|e| e.articles())
            .filter_map(|id| self.article(id))
            .collect();
        story.sort_by_key(|a| a.id);
        story.dedup_by_key(|a| a.id);
        story
    }

    /// Entities and quotes merged over `articles` (copies count once).
    pub fn merged(&self, articles: &[&Article]) -> Merged {
        let sources: Vec<merge::Source> = articles
            .iter()
            .filter_map(|a| {
                Some(merge::Source {
                    article: a.id,
                    published: a.published,
                    copy_of: self.copy_of.get(&a.id).copied(),
                    text: &a.text,
                    extraction: self.extraction(a.id)?,
                })
            })
            .collect();
        merge::merge(&sources)
    }

    /// Entities and quotes merged over every article, in arrival order.
    pub fn merged_all(&self) -> Merged {
        let all: Vec<&Article> = self.articles.iter().collect();
        self.merged(&all)
    }

    /// The card of one story.
    pub fn story_card(&self, id: StoryId) -> Option<StoryCard> {
        let view = self.clusters.as_ref()?.story(id)?;
        let articles = self.story_articles(&view);
        let merged = self.merged(&articles);
        Some(self.card(&view, &articles, &merged))
    }

    fn card(&self, view: &StoryView<'_>, articles: &[&Article], merged: &Merged) -> StoryCard {
        let mut outlets: BTreeMap<&str, usize> = BTreeMap::new();
        for a in articles {
            if let Some(o) = a.outlet.as_deref() {
                *outlets.entry(o).or_default() += 1;
            }
        }
        let mut outlets: Vec<(&str, usize)> = outlets.into_iter().collect();
        outlets.sort_by_key(|&(o, n)| (std::cmp::Reverse(n), o));
        let entities = entity_views(merged);
        let mut names: Vec<String> = Vec::new();
        for e in &merged.entities {
            names.push(e.name.to_lowercase());
            names.extend(e.aliases.iter().map(|a| a.to_lowercase()));
        }
        StoryCard {
            id: view.id.to_string(),
            title: view.title.map(str::to_string),
            first: view.first,
            last: view.last,
            n_articles: view.n_articles,
            n_outlets: outlets.len(),
            n_events: view.events.len(),
            outlets: outlets.iter().map(|(o, _)| o.to_string()).collect(),
            top_entities: entities
                .iter()
                .take(6)
                .map(|e| EntityBrief { id: e.id, name: e.name.clone(), kind: e.kind })
                .collect(),
            entity_names: names,
            article_ids: articles.iter().map(|a| a.id).collect(),
        }
    }

    /// The full page of one story.
    pub fn story_page(&self, id: StoryId) -> Option<StoryPage> {
        let view = self.clusters.as_ref()?.story(id)?;
        let articles = self.story_articles(&view);
        let merged = self.merged(&articles);
        Some(StoryPage {
            card: self.card(&view, &articles, &merged),
            events: event_views(&view),
            summary: summarize(&articles, &self.copy_of, &SummaryConfig::default()),
            timeline: timeline(&articles, &self.copy_of, &TimelineConfig::default()),
            speakers: speakers(&merged),
            entities: entity_views(&merged),
            sources: self.sources(&articles),
        })
    }

    /// The summary and timeline of a story, built from its articles in id
    /// order (copies are cited, not counted): what the export holds of a
    /// story besides its events, without the rest of its page.
    pub fn narrative(&self, view: &StoryView<'_>) -> (Vec<CitedSentence>, Timeline) {
        let articles = self.story_articles(view);
        (
            summarize(&articles, &self.copy_of, &SummaryConfig::default()),
            timeline(&articles, &self.copy_of, &TimelineConfig::default()),
        )
    }

    /// A source line for `a`.
    fn source(&self, a: &Article) -> SourceRef {
        let dup = self.duplicate.get(&a.id);
        SourceRef {
            id: a.id.to_string(),
            title: a.title.clone(),
            outlet: a.outlet.clone(),
            published: a.published,
            url: a.url.clone(),
            original: dup.is_none() && self.copies.contains_key(&a.id),
            relation: dup.map(|d| d.relation.name()),
            similarity: dup.map(|d| (f64::from(d.similarity) * 1000.0).round() / 1000.0),
        }
    }

    /// The story's articles in copy groups: each canonical article (marked
    /// original when it has copies) with its copies in the story; groups by
    /// date, undated last.
    fn sources(&self, articles: &[&Article]) -> Vec<SourceGroup> {
        let in_story: HashMap<ArticleId, &Article> = articles.iter().map(|a| (a.id, *a)).collect();
        let head =
            |a: &Article| self.copy_of.get(&a.id).copied().filter(|c| in_story.contains_key(c));
        let mut groups: Vec<SourceGroup> = Vec::new();
        for a in articles.iter().filter(|a| head(a).is_none()) {
            let mut members = vec![self.source(a)];
            let mut original_outlet = a.original_outlet.clone();
            for c in self.copies.get(&a.id).into_iter().flatten() {
                if let Some(copy) = in_story.get(c) {
                    members.push(self.source(copy));
                    original_outlet = original_outlet.or_else(|| copy.original_outlet.clone());
                }
            }
            groups.push(SourceGroup { original_outlet, articles: members });
        }
        groups.sort_by(|a, b| {
            let key =
                |g: &SourceGroup| (g.articles[0].published.is_none(), g.articles[0].published);
            key(a).cmp(&key(b)).then_with(|| a.articles[0].id.cmp(&b.articles[0].id))
        });
        groups
    }

    /// The page of one article.
    pub fn article_page(&self, id: ArticleId) -> Option<ArticlePage> {
        let a = self.article(id)?;
        let x = self.extraction(id)?;
        let place = self.clusters.as_ref().and_then(|c| c.assignment_of(id));
        let story_title = place
            .and_then(|p| self.clusters.as_ref()?.story(p.story))
            .and_then(|s| s.title.map(str::to_string));
        let canonical = self.copy_of.get(&id).copied().unwrap_or(id);
        let mut copies = Vec::new();
        if let Some(members) = self.copies.get(&canonical) {
            for m in std::iter::once(&canonical).chain(members) {
                if *m != id {
                    if let Some(other) = self.article(*m) {
                        copies.push(self.source(other));
                    }
                }
            }
        }
        let mut entities: Vec<EntitySpan> = x
            .entities
            .iter()
            .flat_map(|e| {
                e.mentions.iter().map(|m| EntitySpan {
                    start: m.start,
                    end: m.end,
                    name: e.name.clone(),
                    kind: e.kind,
                })
            })
            .collect();
        entities.sort_by_key(|e| (e.start, e.end));
        let quotes = x
            .quotes
            .iter()
            .map(|q| QuoteSpan {
                start: q.content.start,
                end: q.content.end,
                kind: q.kind,
                speaker: q.speaker.as_ref().map(|s| s.name.clone()),
                speaker_span: q.speaker.as_ref().map(|s| [s.span.start, s.span.end]),
            })
            .collect();
        let own = self.source(a);
        Some(ArticlePage {
            id: a.id.to_string(),
            title: a.title.clone(),
            outlet: a.outlet.clone(),
            original_outlet: a.original_outlet.clone(),
            author: a.author.clone(),
            published: a.published,
            published_source: a.published_source.map(|s| s.name()),
            language: a.language.clone(),
            url: a.url.clone(),
            format: a.format.name(),
            input: a.origin.to_string(),
            story: place.map(|p| p.story.to_string()),
            story_title,
            event: place.map(|p| p.event.to_string()),
            original: own.original,
            duplicate_of: self.copy_of.get(&id).map(|d| d.to_string()),
            relation: own.relation,
            similarity: own.similarity,
            copies,
            text: a.text.clone(),
            quotes,
            entities,
        })
    }
}

/// A story in a list.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryCard {
    /// `s12`.
    pub id: String,
    /// The headline of its largest event.
    pub title: Option<String>,
    /// Its earliest article's date.
    pub first: Option<NaiveDate>,
    /// Its latest article's date.
    pub last: Option<NaiveDate>,
    /// Number of articles, copies included.
    pub n_articles: usize,
    /// Number of distinct outlets.
    pub n_outlets: usize,
    /// Number of events.
    pub n_events: usize,
    /// The outlets, most articles first.
    pub outlets: Vec<String>,
    /// The entities named in most of its articles (at most six).
    pub top_entities: Vec<EntityBrief>,
    /// Every entity name and alias, lowercased (for filters).
    #[serde(skip)]
    pub entity_names: Vec<String>,
    /// Its articles (for filters).
    #[serde(skip)]
    pub article_ids: Vec<ArticleId>,
}

/// An entity named in a list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntityBrief {
    /// Its id among the story's entities.
    pub id: usize,
    /// Its canonical name.
    pub name: String,
    /// Person, organization or place.
    pub kind: EntityKind,
}

/// One event of a story.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EventView {
    /// `e34`.
    pub id: String,
    /// Its most representative headline.
    pub title: Option<String>,
    /// Its earliest article's date.
    pub first: Option<NaiveDate>,
    /// Its latest article's date.
    pub last: Option<NaiveDate>,
    /// Its article ids, in arrival order.
    pub articles: Vec<String>,
}

/// Everything shown of one story.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryPage {
    /// What a list shows of it.
    #[serde(flatten)]
    pub card: StoryCard,
    /// Its events, by first date (undated last).
    pub events: Vec<EventView>,
    /// 3–5 cited sentences, most central first.
    pub summary: Vec<CitedSentence>,
    /// Dated, cited sentences.
    pub timeline: Timeline,
    /// Quotes grouped by speaker, most reported speaker first.
    pub speakers: Vec<SpeakerQuotes>,
    /// Its people, organizations and places, most mentioned first.
    pub entities: Vec<EntityView>,
    /// Its articles in copy groups, by date.
    pub sources: Vec<SourceGroup>,
}

impl StoryPage {
    /// The most reported direct quotes with a named speaker, at most two per
    /// speaker and `n` in all: the "key quotes" of a report.
    pub fn key_quotes(&self, n: usize) -> Vec<(&str, &QuoteView)> {
        let mut quotes: Vec<(&str, &QuoteView)> = self
            .speakers
            .iter()
            .filter(|s| !s.anonymous)
            .filter_map(|s| Some((s.speaker.as_deref()?, s)))
            .flat_map(|(name, s)| {
                s.quotes
                    .iter()
                    .filter(|q| q.kind == QuoteKind::Direct)
                    .take(2)
                    .map(move |q| (name, q))
            })
            .collect();
        quotes.sort_by_key(|(_, q)| {
            (std::cmp::Reverse(q.sources.len()), std::cmp::Reverse(q.n_reports), q.id)
        });
        quotes.truncate(n);
        quotes
    }
}

/// A speaker and what they said.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SpeakerQuotes {
    /// The name or description ("a senior US official"); null when no one
    /// is named.
    pub speaker: Option<String>,
    /// The speaker's id among the story's entities, when named.
    pub entity: Option<usize>,
    /// An unnamed source.
    pub anonymous: bool,
    /// The quotes, most reported first.
    pub quotes: Vec<QuoteView>,
}

/// One quote of a story.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuoteView {
    /// Its id among the story's quotes.
    pub id: usize,
    /// The words.
    pub text: String,
    /// Direct or indirect.
    pub kind: QuoteKind,
    /// The cue of its first report ("said").
    pub cue: Option<String>,
    /// Reports by distinct articles that are not copies.
    pub n_reports: usize,
    /// The earliest date it was reported.
    pub first_seen: Option<NaiveDate>,
    /// Every report: article and byte span of the words in its text.
    pub sources: Vec<QuoteSourceView>,
}

/// Where a quote was reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuoteSourceView {
    /// The article id.
    pub article: String,
    /// Byte offset of the words in the article's text.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
    /// The article is a copy of another report.
    pub copy: bool,
}

/// One entity of a story.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct EntityView {
    /// Its id among the story's entities.
    pub id: usize,
    /// The most used full name.
    pub name: String,
    /// Person, organization or place.
    pub kind: EntityKind,
    /// Other forms seen.
    pub aliases: Vec<String>,
    /// People: roles with the first date seen.
    pub roles: Vec<Role>,
    /// Number of mentions.
    pub n_mentions: usize,
    /// Number of articles mentioning it.
    pub n_articles: usize,
}

/// A copy group among a story's sources (a group of one for a unique article).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceGroup {
    /// The outlet the group credits as first publisher, when known.
    pub original_outlet: Option<String>,
    /// The canonical article first, then its copies.
    pub articles: Vec<SourceRef>,
}

/// An article as listed among sources or copies.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SourceRef {
    /// 16 hex digits.
    pub id: String,
    /// The headline.
    pub title: Option<String>,
    /// The outlet of this copy.
    pub outlet: Option<String>,
    /// Its publication date.
    pub published: Option<NaiveDate>,
    /// Its URL, as given (not checked: shown only when it is http or https).
    pub url: Option<String>,
    /// The canonical article of a copy group that has copies.
    pub original: bool,
    /// For a copy: `exact`, `near` or `contained`.
    pub relation: Option<&'static str>,
    /// For a copy: the similarity behind the relation.
    pub similarity: Option<f64>,
}

/// Everything shown of one article.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ArticlePage {
    /// 16 hex digits.
    pub id: String,
    /// The headline.
    pub title: Option<String>,
    /// The outlet of this copy.
    pub outlet: Option<String>,
    /// The outlet that first published it.
    pub original_outlet: Option<String>,
    /// The byline.
    pub author: Option<String>,
    /// Its publication date.
    pub published: Option<NaiveDate>,
    /// Where the date came from.
    pub published_source: Option<&'static str>,
    /// ISO 639-3 code.
    pub language: Option<String>,
    /// Its URL, as given.
    pub url: Option<String>,
    /// The reader that read it.
    pub format: &'static str,
    /// The input file (and record).
    pub input: String,
    /// Its story, once clustered.
    pub story: Option<String>,
    /// The story's headline.
    pub story_title: Option<String>,
    /// Its event, once clustered.
    pub event: Option<String>,
    /// It is the canonical article of a copy group.
    pub original: bool,
    /// The canonical article, when this is a copy.
    pub duplicate_of: Option<String>,
    /// How it copies it.
    pub relation: Option<&'static str>,
    /// The similarity behind the relation.
    pub similarity: Option<f64>,
    /// The other members of its copy group (the original marked).
    pub copies: Vec<SourceRef>,
    /// The clean text.
    pub text: String,
    /// Quotes: byte spans into `text`, with the speaker.
    pub quotes: Vec<QuoteSpan>,
    /// Entity mentions: byte spans into `text`, by start.
    pub entities: Vec<EntitySpan>,
}

/// A quote in an article's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuoteSpan {
    /// Byte offset of the words.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
    /// Direct or indirect.
    pub kind: QuoteKind,
    /// Who said it, as the article names them.
    pub speaker: Option<String>,
    /// Byte span of the speaker phrase.
    pub speaker_span: Option<[usize; 2]>,
}

/// A mention of an entity in an article's text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntitySpan {
    /// Byte offset.
    pub start: usize,
    /// End byte offset.
    pub end: usize,
    /// The entity's name in this article.
    pub name: String,
    /// Person, organization or place.
    pub kind: EntityKind,
}

/// A story's events, by first date (undated last), as every view of a
/// story lists them.
pub fn event_views(view: &StoryView<'_>) -> Vec<EventView> {
    view.events
        .iter()
        .map(|e| EventView {
            id: e.id.to_string(),
            title: e.title.clone(),
            first: e.first,
            last: e.last,
            articles: e.articles().map(|a| a.to_string()).collect(),
        })
        .collect()
}

/// Entities, named in most articles first.
pub fn entity_views(merged: &Merged) -> Vec<EntityView> {
    let mut out: Vec<EntityView> = merged
        .entities
        .iter()
        .map(|e| {
            let mut articles: Vec<ArticleId> = e.mentions.iter().map(|m| m.article).collect();
            articles.sort();
            articles.dedup();
            EntityView {
                id: e.id,
                name: e.name.clone(),
                kind: e.kind,
                aliases: e.aliases.clone(),
                roles: e.roles.clone(),
                n_mentions: e.mentions.len(),
                n_articles: articles.len(),
            }
        })
        .collect();
    out.sort_by(|a, b| {
        (b.n_articles, b.n_mentions).cmp(&(a.n_articles, a.n_mentions)).then(a.id.cmp(&b.id))
    });
    out
}

/// Quotes grouped by speaker; speakers with the most reports first, each
/// speaker's quotes most reported first; quotes with no speaker last.
pub fn speakers(merged: &Merged) -> Vec<SpeakerQuotes> {
    let mut groups: Vec<SpeakerQuotes> = Vec::new();
    let mut at: HashMap<Option<&str>, usize> = HashMap::new();
    for q in &merged.quotes {
        let i = *at.entry(q.speaker.as_deref()).or_insert_with(|| {
            groups.push(SpeakerQuotes {
                speaker: q.speaker.clone(),
                entity: q.speaker_entity,
                anonymous: q.anonymous,
                quotes: Vec::new(),
            });
            groups.len() - 1
        });
        groups[i].quotes.push(QuoteView {
            id: q.id,
            text: q.text.clone(),
            kind: q.kind,
            cue: q.cue.clone(),
            n_reports: q.n_reports,
            first_seen: q.first_seen,
            sources: q
                .sources
                .iter()
                .map(|s| QuoteSourceView {
                    article: s.article.to_string(),
                    start: s.content.start,
                    end: s.content.end,
                    copy: s.copy,
                })
                .collect(),
        });
    }
    for g in &mut groups {
        g.quotes.sort_by_key(|q| (std::cmp::Reverse(q.n_reports), q.id));
    }
    let weight = |g: &SpeakerQuotes| g.quotes.iter().map(|q| q.n_reports).sum::<usize>();
    groups.sort_by(|a, b| {
        (a.speaker.is_none(), std::cmp::Reverse(weight(a)), &a.speaker).cmp(&(
            b.speaker.is_none(),
            std::cmp::Reverse(weight(b)),
            &b.speaker,
        ))
    });
    groups
}

/// A quote that matched a search.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QuoteHit {
    /// Who said it.
    pub speaker: Option<String>,
    /// The words, marked where they matched.
    pub text: Marked,
    /// Direct or indirect.
    pub kind: QuoteKind,
    /// The earliest date it was reported.
    pub first_seen: Option<NaiveDate>,
    /// Reports by distinct articles that are not copies.
    pub n_reports: usize,
    /// The articles that report it.
    pub sources: Vec<String>,
    /// The story of its first report (filled by the caller, which knows the
    /// stories).
    pub story: Option<String>,
}

/// The quotes of a [`Merged`] by the words of their text and speaker
/// (lowercased), so that a search does not read every quote: built once
/// per snapshot, it answers [`quote_hits`] in the time of the postings it
/// reads.
pub struct QuoteIndex {
    words: BTreeMap<String, Vec<u32>>,
}

impl QuoteIndex {
    /// Indexes every quote of `merged`.
    pub fn new(merged: &Merged) -> QuoteIndex {
        let mut words: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for (i, q) in merged.quotes.iter().enumerate() {
            let speaker = q.speaker.as_deref().unwrap_or("");
            for w in query_words(&q.text).into_iter().chain(query_words(speaker)) {
                let list = words.entry(w).or_default();
                if list.last() != Some(&(i as u32)) {
                    list.push(i as u32);
                }
            }
        }
        QuoteIndex { words }
    }

    /// The quotes holding a word that starts with `term` (a term of one or
    /// two letters must be the whole word), in quote order; borrowed when
    /// one word matches (a common name is in thousands of quotes).
    fn postings(&self, term: &str) -> std::borrow::Cow<'_, [u32]> {
        use std::borrow::Cow;
        if term.chars().count() <= 2 {
            return self.words.get(term).map_or(Cow::Borrowed(&[][..]), |l| Cow::Borrowed(&l[..]));
        }
        let mut lists = self
            .words
            .range::<str, _>((std::ops::Bound::Included(term), std::ops::Bound::Unbounded))
            .take_while(|(w, _)| w.starts_with(term))
            .map(|(_, list)| list);
        let Some(first) = lists.next() else { return Cow::Borrowed(&[]) };
        let Some(second) = lists.next() else { return Cow::Borrowed(&first[..]) };
        let mut out: Vec<u32> =
            first.iter().chain(second).chain(lists.flatten()).copied().collect();
        out.sort_unstable();
        out.dedup();
        Cow::Owned(out)
    }
}

/// The lowercased words of `text` (`OR` is an operator, not a word).
fn query_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "OR")
        .map(str::to_lowercase)
        .collect()
}

/// The quotes of `merged` whose words (or speaker's) start with every word
/// of `query` (any case, `OR` ignored), most reported first, at most
/// `limit`; only quotes reported by one of `only` and first seen within
/// `dates`. `index` is [`QuoteIndex::new`] of `merged`.
pub fn quote_hits(
    merged: &Merged,
    index: &QuoteIndex,
    query: &str,
    only: Option<&HashSet<ArticleId>>,
    dates: (Option<NaiveDate>, Option<NaiveDate>),
    limit: usize,
) -> Vec<QuoteHit> {
    let terms = query_words(query);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut lists: Vec<std::borrow::Cow<'_, [u32]>> =
        terms.iter().map(|t| index.postings(t)).collect();
    lists.sort_by_key(|l| l.len());
    // The shortest list walked, the others searched forward from where
    // the last quote was found (all are sorted).
    let (first, rest) = lists.split_first().expect("a term");
    let mut at = vec![0usize; rest.len()];
    let mut hits: Vec<&merge::MergedQuote> = first
        .iter()
        .filter(|&&i| {
            rest.iter().zip(&mut at).all(|(list, at)| {
                *at += list[*at..].partition_point(|&j| j < i);
                list.get(*at) == Some(&i)
            })
        })
        .filter_map(|&i| merged.quotes.get(i as usize))
        .filter(|q| only.is_none_or(|o| q.sources.iter().any(|s| o.contains(&s.article))))
        .filter(|q| dates.0.is_none_or(|f| q.first_seen.is_some_and(|d| d >= f)))
        .filter(|q| dates.1.is_none_or(|t| q.first_seen.is_some_and(|d| d <= t)))
        .collect();
    // The first `limit` in order, without sorting every candidate (a
    // common word is in thousands of quotes).
    let key = |q: &&merge::MergedQuote| (std::cmp::Reverse(q.n_reports), q.id);
    if hits.len() > limit && limit > 0 {
        hits.select_nth_unstable_by_key(limit - 1, key);
        hits.truncate(limit);
    }
    hits.sort_unstable_by_key(key);
    hits.into_iter()
        .take(limit)
        .map(|q| {
            let lower = q.text.to_lowercase();
            let mut marks = Vec::new();
            // Offsets carry over only when lowercasing kept every length.
            if lower.len() == q.text.len() {
                for t in &terms {
                    marks.extend(lower.match_indices(t.as_str()).map(|(i, m)| i..i + m.len()));
                }
                marks.sort_by_key(|r| (r.start, std::cmp::Reverse(r.end)));
                let mut merged_marks: Vec<std::ops::Range<usize>> = Vec::new();
                for r in marks {
                    match merged_marks.last_mut() {
                        Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                        _ => merged_marks.push(r),
                    }
                }
                marks = merged_marks;
            }
            let mut sources: Vec<String> =
                q.sources.iter().map(|s| s.article.to_string()).collect();
            sources.dedup();
            QuoteHit {
                speaker: q.speaker.clone(),
                text: Marked { text: q.text.clone(), marks },
                kind: q.kind,
                first_seen: q.first_seen,
                n_reports: q.n_reports,
                sources,
                story: None,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seeds through ingest, copies and clustering, as the CLI does it.
    pub(crate) fn seeds_snapshot() -> Snapshot {
        use crate::cluster::ClusterConfig;
        use crate::pipeline::{cluster, process, Config};
        let seeds = crate::eval::copies::seeds(&crate::eval::shared_dir()).unwrap();
        let articles: Vec<Article> = seeds
            .iter()
            .map(|(name, text)| {
                let raw = crate::model::RawArticle {
                    origin: crate::model::Origin::file(name.as_str()),
                    format: crate::model::Format::Text,
                    body: text.clone(),
                    fields: Default::default(),
                    diagnostics: vec![],
                };
                process(raw, &Config::default()).unwrap()
            })
            .collect();
        let mut store = Store::in_memory().unwrap();
        store.insert_batch(&articles, &[]).unwrap();
        store.refresh_copies(&crate::dedupe::Config::default()).unwrap();
        let config = ClusterConfig::default();
        let mut state = ClusterState::new(&config);
        let copies: HashMap<_, _> =
            store.duplicates().unwrap().into_iter().map(|(id, d)| (id, d.duplicate_of)).collect();
        for a in store.articles().unwrap() {
            cluster(&mut state, &a, copies.get(&a.id).copied(), &config);
        }
        store.save_cluster_state(&state).unwrap();
        Snapshot::load(&store).unwrap()
    }

    #[test]
    fn the_seed_story_page() {
        let snap = seeds_snapshot();
        let ids = snap.story_ids();
        assert_eq!(ids.len(), 1);
        let page = snap.story_page(ids[0]).unwrap();
        assert_eq!(page.card.n_articles, 5);
        assert!((3..=5).contains(&page.summary.len()));
        assert!(!page.timeline.dates.is_empty());
        let names: Vec<&str> = page.speakers.iter().filter_map(|s| s.speaker.as_deref()).collect();
        assert!(names.contains(&"Mark Toner") && names.contains(&"Dmitry Peskov"), "{names:?}");
        // One copy group of two (001 and 003), the original marked, and
        // three articles alone.
        let sizes: Vec<usize> = page.sources.iter().map(|g| g.articles.len()).collect();
        assert_eq!(sizes.iter().filter(|&&n| n == 2).count(), 1, "{sizes:?}");
        assert_eq!(sizes.iter().sum::<usize>(), 5);
        let group = page.sources.iter().find(|g| g.articles.len() == 2).unwrap();
        assert!(group.articles[0].original && group.articles[1].relation.is_some());
        assert!(!page.key_quotes(8).is_empty());
        assert!(page.card.top_entities.iter().any(|e| e.name.contains("Kerry")));
        assert_eq!(snap.story_card(ids[0]).unwrap(), page.card);
    }

    #[test]
    fn an_article_page_has_spans_on_char_boundaries_and_its_copies() {
        let snap = seeds_snapshot();
        for a in &snap.articles {
            let page = snap.article_page(a.id).unwrap();
            for (s, e) in page
                .quotes
                .iter()
                .map(|q| (q.start, q.end))
                .chain(page.entities.iter().map(|m| (m.start, m.end)))
            {
                assert!(s < e && page.text.get(s..e).is_some(), "{s}..{e}");
            }
            let in_group = snap.copy_of.contains_key(&a.id) || snap.copies.contains_key(&a.id);
            assert_eq!(page.copies.len(), usize::from(in_group), "{}", a.origin);
        }
    }
}
