//! Merge: one entity per person, organization or place and one quote per
//! utterance, across articles.
//!
//! Input: the [`Extraction`] of each article with its id, publication date
//! and, for a copy found by the duplicates stage, the article it copies.
//! Output: [`Merged`]: canonical [`CanonicalEntity`]s (name, aliases,
//! dated roles, mentions) and [`MergedQuote`]s (speaker, words, kind, every
//! source with its offsets, first-seen date).
//! Method: people merge on the folded surname when their first names agree
//! ("John Kerry" = "John F. Kerry", "Sergei" = "Sergey Lavrov") and never
//! when they differ ("Barack" ≠ "Michelle Obama"); a bare surname joins the
//! only person with it. Other entities merge on their folded name. Quotes
//! merge when their speakers agree and most word trigrams of one occur in
//! the other; copies count once.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use chrono::NaiveDate;
use serde::Serialize;

use super::entities::{fold, EntityKind};
use super::quotes::{normalize, same_words, trigram, QuoteKind};
use super::Extraction;
use crate::model::ArticleId;

/// One article's extraction, as [`merge`] takes it.
#[derive(Clone, Copy, Debug)]
pub struct Source<'a> {
    /// The article.
    pub article: ArticleId,
    /// Its publication date, if known.
    pub published: Option<NaiveDate>,
    /// The article it is a copy of, when the duplicates stage found one.
    pub copy_of: Option<ArticleId>,
    /// The text the extraction's offsets point into.
    pub text: &'a str,
    /// What [`super::extract`] found.
    pub extraction: &'a Extraction,
}

/// A role of a person, with the first date it was seen.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Role {
    /// "Secretary of State".
    pub role: String,
    /// The earliest publication date of an article giving it.
    pub since: Option<NaiveDate>,
}

/// One mention of an entity in one article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Mention {
    /// The article.
    #[serde(serialize_with = "ser_id")]
    pub article: ArticleId,
    /// Byte span in its text.
    pub span: Range<usize>,
}

/// An entity across articles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CanonicalEntity {
    /// Its index in [`Merged::entities`].
    pub id: usize,
    /// The most used full name.
    pub name: String,
    /// Person, organization or place.
    pub kind: EntityKind,
    /// Every other form seen.
    pub aliases: Vec<String>,
    /// Roles, each with the first date seen.
    pub roles: Vec<Role>,
    /// Every mention.
    pub mentions: Vec<Mention>,
}

/// One place where a quote was reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct QuoteSource {
    /// The article.
    #[serde(serialize_with = "ser_id")]
    pub article: ArticleId,
    /// Byte span of the content in its text.
    pub content: Range<usize>,
    /// Byte span of the speaker phrase, if any.
    pub speaker: Option<Range<usize>>,
    /// The article's publication date.
    pub published: Option<NaiveDate>,
    /// Whether the article is a copy of another one (it does not count as
    /// a separate report).
    pub copy: bool,
}

/// A quote across articles.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MergedQuote {
    /// Its index in [`Merged::quotes`].
    pub id: usize,
    /// The speaker's name or description, if any.
    pub speaker: Option<String>,
    /// The speaker's canonical entity, if named.
    pub speaker_entity: Option<usize>,
    /// Whether the speaker is an unnamed source.
    pub anonymous: bool,
    /// The cue of the first report ("said").
    pub cue: Option<String>,
    /// The words, from the first direct report (else the first report).
    pub text: String,
    /// Direct if any report quotes it directly.
    pub kind: QuoteKind,
    /// Every report.
    pub sources: Vec<QuoteSource>,
    /// Number of distinct reports: an article and its copies count once.
    pub n_reports: usize,
    /// The earliest publication date among the reports.
    pub first_seen: Option<NaiveDate>,
}

/// Entities and quotes across articles.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Merged {
    /// Canonical entities.
    pub entities: Vec<CanonicalEntity>,
    /// Merged quotes.
    pub quotes: Vec<MergedQuote>,
}

fn ser_id<S: serde::Serializer>(id: &ArticleId, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&id.to_string())
}

/// Merges the extractions of many articles.
pub fn merge(sources: &[Source]) -> Merged {
    let mut merged = Merged::default();
    // Canonical entity of (source index, article entity index).
    let mut canonical: HashMap<(usize, usize), usize> = HashMap::new();
    let mut names: Vec<BTreeMap<String, usize>> = Vec::new();
    let mut people: HashMap<String, Vec<(String, usize)>> = HashMap::new(); // surname -> (first, id)
    let mut others: HashMap<(EntityKind, String), usize> = HashMap::new();
    // Full names first, so bare surnames find them whatever the order.
    let mut order: Vec<(usize, usize)> = Vec::new();
    for (si, s) in sources.iter().enumerate() {
        for (ei, _) in s.extraction.entities.iter().enumerate() {
            order.push((si, ei));
        }
    }
    order.sort_by_key(|&(si, ei)| {
        (sources[si].extraction.entities[ei].name.split(' ').count() < 2, si, ei)
    });
    for (si, ei) in order {
        let e = &sources[si].extraction.entities[ei];
        let words: Vec<&str> = e.name.split(' ').filter(|w| !is_initial(w)).collect();
        let id = if e.kind == EntityKind::Person {
            let surname = fold(words.last().copied().unwrap_or(""));
            let first = if words.len() >= 2 { fold(words[0]) } else { String::new() };
            let found = people.get(&surname).and_then(|list| {
                if first.is_empty() {
                    (list.len() == 1).then(|| list[0].1)
                } else {
                    list.iter().find(|(f, _)| *f == first).map(|&(_, id)| id)
                }
            });
            match found {
                Some(id) => id,
                None => {
                    let id = new_entity(&mut merged, &mut names, e.kind);
                    people.entry(surname).or_default().push((first, id));
                    id
                }
            }
        } else {
            let key = fold(e.name.strip_prefix("the ").unwrap_or(&e.name));
            *others
                .entry((e.kind, key))
                .or_insert_with(|| new_entity(&mut merged, &mut names, e.kind))
        };
        canonical.insert((si, ei), id);
        let c = &mut merged.entities[id];
        *names[id].entry(e.name.clone()).or_default() += e.mentions.len();
        for a in &e.aliases {
            names[id].entry(a.clone()).or_default();
        }
        for r in &e.roles {
            match c.roles.iter_mut().find(|x| &x.role == r) {
                Some(x) => x.since = min_date(x.since, sources[si].published),
                None => c.roles.push(Role { role: r.clone(), since: sources[si].published }),
            }
        }
        c.mentions.extend(
            e.mentions.iter().map(|m| Mention { article: sources[si].article, span: m.clone() }),
        );
    }
    for (id, c) in merged.entities.iter_mut().enumerate() {
        // The most mentioned full name (two words or more) is the name.
        let best = names[id]
            .iter()
            .max_by_key(|(n, &k)| {
                (
                    n.split(' ').count() >= 2 && !n.starts_with("Mr") && !n.starts_with("Ms"),
                    k,
                    std::cmp::Reverse(n.len()),
                )
            })
            .map(|(n, _)| n.clone());
        c.name = best.unwrap_or_default();
        c.aliases = names[id].keys().filter(|n| **n != c.name).cloned().collect();
        c.mentions.sort_by_key(|m| (m.article, m.span.start));
    }
    merge_quotes(sources, &canonical, &mut merged);
    merged
}

fn new_entity(
    merged: &mut Merged,
    names: &mut Vec<BTreeMap<String, usize>>,
    kind: EntityKind,
) -> usize {
    let id = merged.entities.len();
    merged.entities.push(CanonicalEntity {
        id,
        name: String::new(),
        kind,
        aliases: vec![],
        roles: vec![],
        mentions: vec![],
    });
    names.push(BTreeMap::new());
    id
}

fn is_initial(w: &str) -> bool {
    w.len() == 2 && w.ends_with('.') && w.starts_with(|c: char| c.is_uppercase())
}

fn min_date(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn merge_quotes(
    sources: &[Source],
    canonical: &HashMap<(usize, usize), usize>,
    merged: &mut Merged,
) {
    let mut words: Vec<Vec<u64>> = Vec::new();
    // Merged quote -> the original articles that reported it.
    let mut reports: HashMap<usize, Vec<ArticleId>> = HashMap::new();
    // Word trigram -> merged quotes holding it, to find candidates fast.
    let mut by_gram: HashMap<u64, Vec<usize>> = HashMap::new();
    for (si, s) in sources.iter().enumerate() {
        for q in &s.extraction.quotes {
            let w = normalize(&s.text[q.content.clone()]);
            let entity = q
                .speaker
                .as_ref()
                .and_then(|sp| sp.entity)
                .and_then(|e| canonical.get(&(si, e)).copied());
            let speaker_name = q.speaker.as_ref().map(|sp| {
                entity.map_or_else(|| sp.name.clone(), |e| merged.entities[e].name.clone())
            });
            let source = QuoteSource {
                article: s.article,
                content: q.content.clone(),
                speaker: q.speaker.as_ref().map(|sp| sp.span.clone()),
                published: s.published,
                copy: s.copy_of.is_some(),
            };
            let mut candidates: Vec<usize> =
                w.windows(3).filter_map(|g| by_gram.get(&trigram(g))).flatten().copied().collect();
            candidates.sort_unstable();
            candidates.dedup();
            let found = candidates.into_iter().find(|&id| {
                let m = &merged.quotes[id];
                let speakers_agree = match (m.speaker_entity, entity) {
                    (Some(a), Some(b)) => a == b,
                    _ => m.speaker.is_none() || speaker_name.is_none() || m.speaker == speaker_name,
                };
                speakers_agree && same_words(&words[id], &w)
            });
            let id = match found {
                Some(id) => id,
                None => {
                    let id = merged.quotes.len();
                    merged.quotes.push(MergedQuote {
                        id,
                        speaker: speaker_name.clone(),
                        speaker_entity: entity,
                        anonymous: q.speaker.as_ref().is_some_and(|sp| sp.anonymous),
                        cue: q.cue.as_ref().map(|c| s.text[c.clone()].to_string()),
                        text: s.text[q.content.clone()].to_string(),
                        kind: q.kind,
                        sources: vec![],
                        n_reports: 0,
                        first_seen: None,
                    });
                    for g in w.windows(3) {
                        by_gram.entry(trigram(g)).or_default().push(id);
                    }
                    words.push(w);
                    id
                }
            };
            let m = &mut merged.quotes[id];
            if m.kind == QuoteKind::Indirect && q.kind == QuoteKind::Direct {
                m.kind = QuoteKind::Direct;
                m.text = s.text[q.content.clone()].to_string();
            }
            if m.speaker_entity.is_none() && entity.is_some() {
                m.speaker_entity = entity;
                m.speaker = speaker_name;
            }
            // A copy reports for the article it copies.
            let original = s.copy_of.unwrap_or(s.article);
            let seen = reports.entry(id).or_default();
            if !seen.contains(&original) {
                seen.push(original);
                m.n_reports += 1;
            }
            m.first_seen = min_date(m.first_seen, s.published);
            m.sources.push(source);
        }
    }
}
