//! Story timelines: the key dates of a story and, for each, the sentences
//! that say what happened, each citing every article that reports it.
//!
//! Input: the articles of one story, which of them are copies of which
//! (`copy → original`: a copy is cited, never counted twice) and a
//! [`TimelineConfig`].
//! Output: a [`Timeline`]: dated entries in date order, each with 1–3
//! [`CitedSentence`]s, and the sentences of undated articles that nothing
//! dates, listed apart.
//! Method: (1) event dating: every sentence of an original article gets
//! the first day its temporal expressions name ([`crate::timex::tag`]
//! against the article's publication date), else the publication date
//! when it reports what happened by then (present perfect or a past
//! reporting verb, [`crate::timex::date_sentences`]' rule), else none. An
//! undated article is tagged with no reference, so only absolute dates
//! ("Oct. 3, 2016") date its sentences. (2) date ranking, DATEWISE-style:
//! a day's importance is how often the story refers to it — each sentence
//! naming the day counts one, each article published on it a half.
//! (3) per key day, the candidate sentences (dated to it) are scored by
//! cosine to the day's TF-IDF centroid, with a bonus for naming the day
//! explicitly; the best are taken greedily, skipping any near-duplicate of
//! a sentence already in the timeline. (4) every line cites the articles
//! with a near-duplicate sentence (content-word Jaccard ≥ 0.5) that is
//! dated the same day or not dated at all, and their copies.

use std::collections::HashMap;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;
use serde::Serialize;

use crate::model::{Article, ArticleId};
use crate::summarize::{CitedSentence, Corpus, SAME};
use crate::timex::{reports_recent, tag, TimexConfig, TimexKind};

/// Options of the timeline builder.
#[derive(Clone, Debug)]
pub struct TimelineConfig {
    /// How many dates at most.
    pub dates: usize,
    /// How many sentences per date at most.
    pub per_date: usize,
    /// How many undated sentences at most.
    pub undated: usize,
    /// Only days in this range (inclusive) are kept, when set.
    pub range: Option<(NaiveDate, NaiveDate)>,
}

impl Default for TimelineConfig {
    fn default() -> TimelineConfig {
        TimelineConfig { dates: 10, per_date: 2, undated: 3, range: None }
    }
}

/// One date of a timeline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// The day.
    pub date: NaiveDate,
    /// What happened that day, with sources.
    pub sentences: Vec<CitedSentence>,
}

/// A story timeline.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Timeline {
    /// The key dates, in date order.
    pub dates: Vec<TimelineEntry>,
    /// Sentences of undated articles that nothing in their text dates.
    pub undated: Vec<CitedSentence>,
}

/// How a sentence got its date.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dating {
    /// It names the day.
    Explicit(NaiveDate),
    /// It reports what happened by its article's publication day.
    Published(NaiveDate),
    /// Nothing dates it.
    None,
}

impl Dating {
    fn day(self) -> Option<NaiveDate> {
        match self {
            Dating::Explicit(d) | Dating::Published(d) => Some(d),
            Dating::None => None,
        }
    }
}

/// The timeline of a story (see the module header).
pub fn timeline(
    articles: &[&Article],
    copies: &HashMap<ArticleId, ArticleId>,
    config: &TimelineConfig,
) -> Timeline {
    let corpus = Corpus::new(articles, copies);
    let in_range = |d: NaiveDate| config.range.is_none_or(|(first, last)| first <= d && d <= last);

    // (1) Event dating, and the references each day gets.
    let mut dating = vec![Dating::None; corpus.units.len()];
    let mut weight: FxHashMap<NaiveDate, f64> = FxHashMap::default();
    let timex_config = TimexConfig::default();
    for (i, article) in articles.iter().enumerate() {
        if corpus.is_copy[i] {
            continue;
        }
        if let Some(p) = article.published {
            *weight.entry(p).or_default() += 0.5;
        }
        let timexes = tag(&article.text, article.published, &timex_config);
        let mut t = 0;
        for u in corpus.by_article[i].clone() {
            let span = corpus.units[u].span.clone();
            let mut days: Vec<NaiveDate> = Vec::new();
            while t < timexes.len() && timexes[t].span.start < span.end {
                let x = &timexes[t];
                if x.span.start >= span.start && matches!(x.kind, TimexKind::Date | TimexKind::Time)
                {
                    days.extend(x.day());
                }
                t += 1;
            }
            days.dedup();
            // A reused wire paragraph counts once, where it first appears.
            if !corpus.repeated[u] {
                for &d in &days {
                    *weight.entry(d).or_default() += 1.0;
                }
            }
            dating[u] = match (days.first(), article.published) {
                (Some(&d), _) => Dating::Explicit(d),
                (None, Some(p)) if reports_recent(&article.text[span]) => Dating::Published(p),
                _ => Dating::None,
            };
        }
    }

    // (2) Date ranking: by references, among days with something to say.
    let mut candidates: FxHashMap<NaiveDate, Vec<usize>> = FxHashMap::default();
    for (u, d) in dating.iter().enumerate() {
        if let Some(day) = d.day().filter(|&d| in_range(d)) {
            if corpus.usable(u) {
                candidates.entry(day).or_default().push(u);
            }
        }
    }
    let mut days: Vec<(f64, NaiveDate)> =
        candidates.keys().map(|&d| (weight.get(&d).copied().unwrap_or(0.0), d)).collect();
    days.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));

    // (3) Sentences per day, without repeating the timeline.
    let mut chosen: Vec<usize> = Vec::new();
    let mut entries: Vec<(NaiveDate, Vec<usize>)> = Vec::new();
    for &(_, day) in &days {
        if entries.len() >= config.dates {
            break;
        }
        let cands = &candidates[&day];
        let centroid = corpus.centroid(cands.iter().copied());
        let mut scored: Vec<(f32, usize)> = cands
            .iter()
            .map(|&u| {
                let explicit = if matches!(dating[u], Dating::Explicit(_)) { 0.1 } else { 0.0 };
                let lead = 0.05 / (1.0 + corpus.units[u].position as f32);
                (corpus.cosine_dense(u, &centroid) + explicit + lead, u)
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut picked = Vec::new();
        for &(_, u) in &scored {
            if picked.len() >= config.per_date {
                break;
            }
            if chosen.iter().chain(&picked).all(|&c| corpus.jaccard(c, u) < SAME) {
                picked.push(u);
            }
        }
        if !picked.is_empty() {
            chosen.extend(&picked);
            entries.push((day, picked));
        }
    }
    entries.sort_by_key(|e| e.0);

    // (4) Citations: near-duplicates dated the same day or not at all.
    let dups = corpus.near_duplicates(&chosen, |c, u| {
        dating[u].day().is_none() || dating[u].day() == dating[c].day()
    });
    let dups_of: FxHashMap<usize, &Vec<usize>> = chosen.iter().copied().zip(&dups).collect();
    let mut cited_units = vec![false; corpus.units.len()];
    let dates = entries
        .iter()
        .map(|(date, units)| TimelineEntry {
            date: *date,
            sentences: units
                .iter()
                .map(|&u| {
                    cited_units[u] = true;
                    for &d in dups_of[&u] {
                        cited_units[d] = true;
                    }
                    corpus.cite(u, dups_of[&u])
                })
                .collect(),
        })
        .collect();

    Timeline { dates, undated: undated(&corpus, &dating, &cited_units, config.undated) }
}

/// The most central sentence of each undated article among those nothing
/// dates and the timeline does not already cite, near-duplicates merged.
fn undated(corpus: &Corpus, dating: &[Dating], cited: &[bool], limit: usize) -> Vec<CitedSentence> {
    if limit == 0 {
        return Vec::new();
    }
    let undated_units = (0..corpus.units.len()).filter(|&u| {
        let a = corpus.units[u].article;
        corpus.articles[a].published.is_none() && dating[u] == Dating::None
    });
    let centroid = corpus.centroid(undated_units.clone());
    let mut best: FxHashMap<usize, (f32, usize)> = FxHashMap::default();
    for u in undated_units.filter(|&u| corpus.usable(u) && !cited[u]) {
        let lead = 0.15 / (1.0 + corpus.units[u].position as f32);
        let score = corpus.cosine_dense(u, &centroid) + lead;
        let slot = best.entry(corpus.units[u].article).or_insert((f32::MIN, u));
        if score > slot.0 {
            *slot = (score, u);
        }
    }
    let mut ranked: Vec<(f32, usize)> = best.into_values().collect();
    ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen: Vec<usize> = Vec::new();
    for (_, u) in ranked {
        if chosen.len() >= limit {
            break;
        }
        if chosen.iter().all(|&c| corpus.jaccard(c, u) < SAME) {
            chosen.push(u);
        }
    }
    let dups = corpus.near_duplicates(&chosen, |_, u| dating[u] == Dating::None);
    chosen.iter().zip(&dups).map(|(&u, d)| corpus.cite(u, d)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summarize::tests::article;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn dated_cited_and_undated_apart() {
        let a = article(
            1,
            Some(day("2016-10-05")),
            "The agency closed the northern border crossing on Monday after heavy shelling.\n\n\
             On Tuesday the foreign minister met his counterpart in Geneva for two hours.\n\n\
             Officials have reopened the southern road to aid convoys this morning at dawn.",
        );
        let b = article(
            2,
            Some(day("2016-10-06")),
            "The agency closed the northern border crossing after heavy shelling on Monday.\n\n\
             The foreign minister met his counterpart on Tuesday and talked for two hours.",
        );
        let copy = article(3, Some(day("2016-10-06")), &b.text.clone());
        let undated = article(
            4,
            None,
            "Farmers in the valley are planting a new kind of drought resistant wheat.\n\n\
             The northern border crossing was closed after heavy shelling on Monday.",
        );
        let story = [&a, &b, &copy, &undated];
        let copies = HashMap::from([(ArticleId(3), ArticleId(2))]);
        let got = timeline(&story, &copies, &TimelineConfig { per_date: 1, ..Default::default() });
        let dates: Vec<String> = got.dates.iter().map(|e| e.date.to_string()).collect();
        assert_eq!(dates, ["2016-10-03", "2016-10-04", "2016-10-05"]);
        let monday = &got.dates[0].sentences[0];
        assert!(monday.text.contains("border crossing"));
        let mut sources = monday.sources.clone();
        sources.sort();
        assert_eq!(sources, [ArticleId(1), ArticleId(2), ArticleId(3), ArticleId(4)]);
        // The undated article's other sentence is listed apart, undated.
        assert_eq!(got.undated.len(), 1, "{got:?}");
        assert!(got.undated[0].text.starts_with("Farmers"));
        assert_eq!(got.undated[0].sources, [ArticleId(4)]);
        let lone =
            article(5, None, "Farmers in the valley are planting a new kind of wheat today.");
        let story = [&a, &lone];
        let got = timeline(&story, &HashMap::new(), &TimelineConfig::default());
        assert_eq!(got.undated.len(), 1);
        assert_eq!(got.undated[0].sources, [ArticleId(5)]);
        assert!(got.dates.iter().flat_map(|e| &e.sentences).all(|s| s.article == ArticleId(1)));
    }

    #[test]
    fn undated_articles_get_only_absolute_dates() {
        let a = article(
            1,
            None,
            "The dam was finished on March 3, 2014 after a decade of building work.\n\n\
             Engineers inspected the dam on Monday and found two small cracks in it.",
        );
        let got = timeline(&[&a], &HashMap::new(), &TimelineConfig::default());
        let dates: Vec<String> = got.dates.iter().map(|e| e.date.to_string()).collect();
        assert_eq!(dates, ["2014-03-03"]);
        assert!(got.undated[0].text.starts_with("Engineers"));
    }

    proptest::proptest! {
        /// Whatever the text, every dated line's day is named by an
        /// expression in a cited article read against that article's
        /// publication date, or is that publication date.
        #[test]
        fn dates_are_always_supported(
            pieces in proptest::collection::vec(proptest::sample::select(vec![
                "The council met on Monday and approved the new budget for schools.",
                "Officials have closed the bridge after the storm damaged it badly.",
                "On March 3, 2014 the old dam was finished after years of work.",
                "Two days ago the minister resigned over the scandal, aides said.",
                "Farmers planted a new kind of wheat in the northern valley.",
                "The mayor will visit the flooded district on Friday with engineers.",
                "\n\n", "Dr. Smith", "Jan. 5", "U.S.", " yesterday ", "last week",
            ]), 1..30),
            published in proptest::option::of(0i64..3000),
        ) {
            let text: String = pieces.concat();
            let published = published.map(|d| day("2010-01-01") + chrono::Duration::days(d));
            let a = article(1, published, &text);
            let b = article(2, None, &text.replace("Monday", "Tuesday"));
            let story = [&a, &b];
            let tl = timeline(&story, &HashMap::new(), &TimelineConfig::default());
            for e in &tl.dates {
                for s in &e.sentences {
                    let supported = s.sources.iter().any(|id| {
                        let art = if *id == a.id { &a } else { &b };
                        art.published == Some(e.date)
                            || tag(&art.text, art.published, &TimexConfig::default())
                                .iter()
                                .any(|t| t.day() == Some(e.date))
                    });
                    proptest::prop_assert!(supported, "{} {:?}", e.date, s);
                }
            }
        }
    }
}
