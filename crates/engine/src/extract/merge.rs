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
use super::gazetteer::Gender;
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

/// A role of a person, with the dates of the articles that gave it: a
/// person's roles change ("Senator", then "Secretary of State").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Role {
    /// "Secretary of State".
    pub role: String,
    /// The earliest publication date of an article giving it.
    pub since: Option<NaiveDate>,
    /// The latest publication date of an article giving it.
    pub until: Option<NaiveDate>,
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
    // Folded surname -> (folded first name, gender, canonical id).
    let mut people: HashMap<String, Vec<(String, Option<Gender>, usize)>> = HashMap::new();
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
            let gender = e.gender.filter(|&g| g != Gender::Unknown);
            let found = people.get(&surname).and_then(|list| {
                if first.is_empty() {
                    // A bare surname ("Mr. Obama") joins the only person
                    // with it whose gender does not contradict its own.
                    let pick = |keep: &dyn Fn(Option<Gender>) -> bool| {
                        let ids: Vec<usize> = list
                            .iter()
                            .filter(|(_, g, _)| keep(*g))
                            .map(|&(_, _, id)| id)
                            .collect();
                        (ids.len() == 1).then(|| ids[0])
                    };
                    // The one person of that gender, else the one person
                    // whose gender does not contradict it.
                    gender
                        .and_then(|_| pick(&|g| g == gender))
                        .or_else(|| pick(&|g| gender.is_none() || g.is_none() || g == gender))
                } else {
                    list.iter().find(|(f, _, _)| *f == first).map(|&(_, _, id)| id)
                }
            });
            match found {
                Some(id) => id,
                None => {
                    let id = new_entity(&mut merged, &mut names, e.kind);
                    people.entry(surname).or_default().push((first, gender, id));
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
                Some(x) => {
                    x.since = min_date(x.since, sources[si].published);
                    x.until = max_date(x.until, sources[si].published);
                }
                None => c.roles.push(Role {
                    role: r.clone(),
                    since: sources[si].published,
                    until: sources[si].published,
                }),
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
        // Roles in the order they were first seen (undated last).
        c.roles.sort_by(|a, b| {
            (a.since.is_none(), a.since, &a.role).cmp(&(b.since.is_none(), b.since, &b.role))
        });
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

fn max_date(a: Option<NaiveDate>, b: Option<NaiveDate>) -> Option<NaiveDate> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::extract;

    fn merged(articles: &[(&str, &str)]) -> (Vec<String>, Merged) {
        let texts: Vec<String> = articles.iter().map(|(_, t)| t.to_string()).collect();
        let extractions: Vec<Extraction> = texts.iter().map(|t| extract(t)).collect();
        let sources: Vec<Source> = texts
            .iter()
            .zip(&extractions)
            .zip(articles)
            .enumerate()
            .map(|(i, ((text, x), (date, _)))| Source {
                article: ArticleId(i as u64),
                published: NaiveDate::parse_from_str(date, "%Y-%m-%d").ok(),
                copy_of: None,
                text,
                extraction: x,
            })
            .collect();
        let m = merge(&sources);
        (texts, m)
    }

    /// `name [aliases] roles` per person, sorted.
    fn people(m: &Merged) -> String {
        let mut lines: Vec<String> = m
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person)
            .map(|e| {
                let roles: Vec<String> = e
                    .roles
                    .iter()
                    .map(|r| {
                        let d = |d: Option<NaiveDate>| d.map_or("-".to_string(), |d| d.to_string());
                        format!("{} {}..{}", r.role, d(r.since), d(r.until))
                    })
                    .collect();
                format!("{} [{}] {{{}}}\n", e.name, e.aliases.join("; "), roles.join("; "))
            })
            .collect();
        lines.sort();
        lines.concat()
    }

    #[test]
    fn transliterations_and_middle_initials_are_one_person() {
        let (_, m) = merged(&[
            ("2016-10-01", "Russian Foreign Minister Sergey Lavrov met John Kerry in Geneva."),
            ("2016-10-03", "Sergei Lavrov said little. Secretary of State John F. Kerry left."),
            ("2016-10-04", "Mr. Lavrov spoke again. Mr. Kerry listened."),
        ]);
        expect_test::expect![[r#"
            John Kerry [John F. Kerry; Kerry; Mr. Kerry] {Secretary of State 2016-10-03..2016-10-03}
            Sergey Lavrov [Lavrov; Mr. Lavrov; Sergei Lavrov] {Russian Foreign Minister 2016-10-01..2016-10-01}
        "#]]
        .assert_eq(&people(&m));
    }

    #[test]
    fn people_sharing_a_surname_stay_apart() {
        let (_, m) = merged(&[
            ("2016-01-01", "Barack Obama spoke in Ohio."),
            ("2016-01-02", "Michelle Obama spoke in Iowa."),
            // A bare surname joins the one of them its honorific fits.
            ("2016-01-03", "On Monday, Mrs. Obama spoke again."),
            ("2016-01-04", "Bill Johnson and Sarah Johnson met Mr. Smith."),
            ("2016-01-05", "Ms. Johnson left after Mr. Johnson."),
        ]);
        let obamas: Vec<&str> = m
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person && e.name.contains("Obama"))
            .map(|e| e.name.as_str())
            .collect();
        assert_eq!(obamas, ["Barack Obama", "Michelle Obama"]);
        let michelle = m.entities.iter().find(|e| e.name == "Michelle Obama").expect("Michelle");
        assert!(michelle.aliases.contains(&"Mrs. Obama".to_string()), "{:?}", michelle.aliases);
        expect_test::expect![[r#"
            Barack Obama [] {}
            Bill Johnson [Johnson; Mr. Johnson] {}
            Michelle Obama [Mrs. Obama; Obama] {}
            Sarah Johnson [Johnson; Ms. Johnson] {}
            Smith [Mr. Smith] {}
        "#]]
        .assert_eq(&people(&m));
    }

    #[test]
    fn roles_keep_the_dates_they_were_seen() {
        let (_, m) = merged(&[
            ("2013-01-10", "Senator John Kerry spoke on Monday."),
            ("2016-10-03", "Secretary of State John Kerry spoke on Monday."),
            ("2016-10-05", "Secretary of State John Kerry spoke again."),
        ]);
        expect_test::expect![[r#"
            John Kerry [] {Senator 2013-01-10..2013-01-10; Secretary of State 2016-10-03..2016-10-05}
        "#]]
        .assert_eq(&people(&m));
    }

    #[test]
    fn a_quote_reported_twice_is_one_quote_with_its_first_date() {
        let (_, m) = merged(&[
            ("2016-10-04", "“The talks are over for now,” Mark Toner told reporters."),
            (
                "2016-10-03",
                "“The talks are over for now,” State Department spokesman Mark Toner said.",
            ),
        ]);
        assert_eq!(m.quotes.len(), 1, "{:?}", m.quotes);
        let q = &m.quotes[0];
        assert_eq!(q.speaker.as_deref(), Some("Mark Toner"));
        assert_eq!(q.n_reports, 2);
        assert_eq!(q.first_seen, NaiveDate::from_ymd_opt(2016, 10, 3));
    }
}
