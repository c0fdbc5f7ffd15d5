//! Eval task `timeline`: story timelines on Timeline17.
//!
//! Input: `timeline17/<topic>_<outlet>/InputDocs/<YYYY-MM-DD>/*.txt`
//! (read and processed by the real readers and pipeline, as `storyline
//! ingest` does) and the gold timelines `timelines/*.txt` (a date line,
//! its summary sentences, a line of dashes).
//! Output: per gold timeline and averaged over them: date F1 and the
//! alignment-based ROUGE-1 and ROUGE-2 F (AR1-F, AR2-F).
//! Method: as is standard (tilse, news-tls), each timeline is generated
//! from the articles of its folder with the gold number of dates and the
//! gold mean number of sentences per date (rounded, at least 1), and only
//! days within the gold timeline's first and last date are candidates
//! (figures `date`, `ar1`, `ar2`); `open.*` are the same without that
//! restriction.
//!
//! The metric is the many-to-one alignment ROUGE of Martschat & Markert
//! (2017), as implemented here: tokens are the lowercase runs of letters
//! and digits (no stemming, no stopword removal); a date's summary is its
//! sentences taken together, n-grams counted within sentences. Each
//! predicted date `p` is aligned to the gold date `g` maximizing
//! `w(p,g)·(ROUGE-1-F(p,g) + 0.001)` with `w = 1/(|p−g| in days + 1)`
//! (so with no shared words the nearest date wins); precision is the sum
//! over predicted dates of `w · clipped n-gram matches` over the number of
//! predicted n-grams. Recall aligns each gold date to a predicted date the
//! same way and divides the weighted matches by the number of gold
//! n-grams. F is their harmonic mean per timeline; figures are averaged
//! over timelines. Date F1 compares the predicted and gold date sets.

use std::collections::HashMap;
use std::path::Path;

use chrono::NaiveDate;
use rustc_hash::FxHashMap;

use super::{Prf, Report};
use crate::ingest::{list_inputs, read_input, Item, ReadConfig};
use crate::model::Article;
use crate::pipeline::{process, Config};
use crate::timeline::{timeline, TimelineConfig};

/// A timeline as dates and their sentences.
pub type Dated = Vec<(NaiveDate, Vec<String>)>;

/// One topic folder: its articles and gold timelines.
pub struct Topic {
    /// The folder name (`bpoil_bbc`).
    pub name: String,
    /// Its articles, processed by the pipeline.
    pub articles: Vec<Article>,
    /// Its gold timelines, by file name.
    pub gold: Vec<(String, Dated)>,
}

/// Reads the articles of every topic folder of `datasets/timeline17`
/// whose name passes `keep`.
pub fn load(datasets: &Path, keep: impl Fn(&str) -> bool) -> crate::Result<Vec<Topic>> {
    let root = datasets.join("timeline17");
    let mut names: Vec<String> = std::fs::read_dir(&root)
        .map_err(|e| crate::Error::Config(format!("cannot read {}: {e}", root.display())))?
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("InputDocs").is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| keep(n))
        .collect();
    names.sort();
    let config = Config::default();
    let mut topics = Vec::new();
    for name in names {
        let dir = root.join(&name);
        let (inputs, _) = list_inputs(&[dir.join("InputDocs")]);
        let mut articles = Vec::new();
        for input in &inputs {
            read_input(input, &ReadConfig::default(), &mut |item| {
                if let Item::Article(raw) = item {
                    if let Ok(a) = process(raw, &config) {
                        articles.push(a);
                    }
                }
            });
        }
        let mut gold = Vec::new();
        let mut files: Vec<_> = std::fs::read_dir(dir.join("timelines"))
            .map(|d| d.filter_map(|e| e.ok()).map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        for file in files {
            let text = std::fs::read(&file).map_err(|e| {
                crate::Error::Config(format!("cannot read {}: {e}", file.display()))
            })?;
            let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let timeline = parse_gold(&String::from_utf8_lossy(&text));
            // Skips stray files (`.DS_Store`): a timeline has dates.
            if !name.starts_with('.') && !timeline.is_empty() {
                gold.push((name, timeline));
            }
        }
        topics.push(Topic { name, articles, gold });
    }
    Ok(topics)
}

/// Parses a gold timeline: a `YYYY-MM-DD` line starts a date, the lines
/// after it are its sentences, a line of dashes ends it.
pub fn parse_gold(text: &str) -> Dated {
    let mut out: Dated = Vec::new();
    let mut open = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            continue;
        }
        if line.starts_with("-----") && line.chars().all(|c| c == '-') {
            open = false;
        } else if let (false, Ok(d)) =
            (open, NaiveDate::parse_from_str(line.get(..10).unwrap_or(""), "%Y-%m-%d"))
        {
            out.push((d, Vec::new()));
            open = true;
        } else if let Some(last) = out.last_mut().filter(|_| open) {
            last.1.push(line.to_string());
        }
    }
    // One date may be written as several blocks.
    let mut merged: Dated = Vec::new();
    out.sort_by_key(|e| e.0);
    for (d, s) in out {
        match merged.last_mut() {
            Some(last) if last.0 == d => last.1.extend(s),
            _ => merged.push((d, s)),
        }
    }
    merged
}

/// The scores of one predicted timeline against one gold timeline.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scores {
    /// Date F1.
    pub date: Prf,
    /// Alignment-based ROUGE-1.
    pub ar1: Prf,
    /// Alignment-based ROUGE-2.
    pub ar2: Prf,
}

/// Scores `predicted` against `gold` (see the module header).
pub fn score(predicted: &Dated, gold: &Dated) -> Scores {
    let pd: Vec<NaiveDate> = predicted.iter().map(|e| e.0).collect();
    let gd: Vec<NaiveDate> = gold.iter().map(|e| e.0).collect();
    let tp = pd.iter().filter(|d| gd.contains(d)).count();
    let date = Prf::from_counts(tp as f64, pd.len() as f64, gd.len() as f64);
    let grams = |t: &Dated, n| t.iter().map(|e| ngrams(&e.1, n)).collect::<Vec<_>>();
    let (p1, g1, p2, g2) =
        (grams(predicted, 1), grams(gold, 1), grams(predicted, 2), grams(gold, 2));
    // Alignments: predicted → gold for precision, gold → predicted for recall.
    let align = |from: &[NaiveDate], f1: &[Counts], to: &[NaiveDate], t1: &[Counts]| {
        (0..from.len())
            .map(|i| {
                (0..to.len())
                    .map(|j| {
                        let w = weight(from[i], to[j]);
                        (w * (rouge_f(&f1[i], &t1[j]) + 0.001), j)
                    })
                    .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)))
                    .map(|(_, j)| j)
            })
            .collect::<Vec<_>>()
    };
    let to_gold = align(&pd, &p1, &gd, &g1);
    let to_pred = align(&gd, &g1, &pd, &p1);
    let ar = |p: &[Counts], g: &[Counts]| {
        let (mut num_p, mut num_r) = (0.0, 0.0);
        for (i, j) in to_gold.iter().enumerate() {
            if let Some(j) = *j {
                num_p += weight(pd[i], gd[j]) * matches(&p[i], &g[j]);
            }
        }
        for (j, i) in to_pred.iter().enumerate() {
            if let Some(i) = *i {
                num_r += weight(gd[j], pd[i]) * matches(&p[i], &g[j]);
            }
        }
        let den_p: f64 = p.iter().map(total).sum();
        let den_r: f64 = g.iter().map(total).sum();
        Prf::from_pr(
            if den_p > 0.0 { num_p / den_p } else { 0.0 },
            if den_r > 0.0 { num_r / den_r } else { 0.0 },
        )
    };
    Scores { date, ar1: ar(&p1, &g1), ar2: ar(&p2, &g2) }
}

type Counts = FxHashMap<Vec<String>, u32>;

fn weight(a: NaiveDate, b: NaiveDate) -> f64 {
    1.0 / ((a - b).num_days().abs() as f64 + 1.0)
}

/// The n-gram counts of some sentences (n-grams do not cross sentences).
fn ngrams(sentences: &[String], n: usize) -> Counts {
    let mut out = Counts::default();
    for s in sentences {
        let toks: Vec<String> = s
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect();
        for w in toks.windows(n) {
            *out.entry(w.to_vec()).or_default() += 1;
        }
    }
    out
}

fn total(c: &Counts) -> f64 {
    c.values().map(|&v| v as f64).sum()
}

fn matches(a: &Counts, b: &Counts) -> f64 {
    a.iter().map(|(k, &v)| v.min(b.get(k).copied().unwrap_or(0)) as f64).sum()
}

fn rouge_f(a: &Counts, b: &Counts) -> f64 {
    let m = matches(a, b);
    Prf::from_counts(m, total(a), total(b)).f
}

/// The config for generating a timeline comparable to `gold`.
pub fn config_for(gold: &Dated) -> TimelineConfig {
    let n_sents: usize = gold.iter().map(|e| e.1.len()).sum();
    let per_date = (n_sents as f64 / gold.len().max(1) as f64).round().max(1.0) as usize;
    TimelineConfig {
        dates: gold.len(),
        per_date,
        undated: 0,
        range: gold.first().zip(gold.last()).map(|(a, b)| (a.0, b.0)),
    }
}

/// Runs the task over `datasets/timeline17`.
pub fn run(datasets: &Path) -> crate::Result<Report> {
    let topics = load(datasets, |_| true)?;
    let mut report = Report::new("timeline");
    let articles: usize = topics.iter().map(|t| t.articles.len()).sum();
    report.add("articles", articles as f64);
    // The standard setting (days within the gold span), then the same
    // without that restriction, for reference.
    for (prefix, restrict) in [("", true), ("open.", false)] {
        let (mut sum, mut n) = (Scores::default(), 0usize);
        for topic in &topics {
            let story: Vec<&Article> = topic.articles.iter().collect();
            for (file, gold) in &topic.gold {
                let mut config = config_for(gold);
                if !restrict {
                    config.range = None;
                }
                let tl = timeline(&story, &HashMap::new(), &config);
                let predicted: Dated = tl
                    .dates
                    .iter()
                    .map(|e| (e.date, e.sentences.iter().map(|s| s.text.clone()).collect()))
                    .collect();
                let s = score(&predicted, gold);
                if restrict {
                    report.notes.push(format!(
                        "{}/{file}: {} articles, {} gold dates, date F1 {:.3}, AR1-F {:.3}, \
                         AR2-F {:.3}",
                        topic.name,
                        topic.articles.len(),
                        gold.len(),
                        s.date.f,
                        s.ar1.f,
                        s.ar2.f
                    ));
                }
                for (acc, x) in
                    [(&mut sum.date, s.date), (&mut sum.ar1, s.ar1), (&mut sum.ar2, s.ar2)]
                {
                    acc.p += x.p;
                    acc.r += x.r;
                    acc.f += x.f;
                }
                n += 1;
            }
        }
        let avg = |x: Prf| {
            let k = n.max(1) as f64;
            Prf { p: x.p / k, r: x.r / k, f: x.f / k }
        };
        if restrict {
            report.add("timelines", n as f64);
        }
        report.add_prf(&format!("{prefix}date"), avg(sum.date));
        report.add_prf(&format!("{prefix}ar1"), avg(sum.ar1));
        report.add_prf(&format!("{prefix}ar2"), avg(sum.ar2));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::timex::{tag, TimexConfig};

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// The Timeline17 bars of issue 7, averaged over the 13 timelines.
    #[test]
    fn timeline17_bars() {
        let report = run(&super::super::datasets_dir()).expect("timeline17 data");
        println!("{report}");
        assert_eq!(report.get("timelines"), Some(13.0));
        let date_f = report.get("date.f").unwrap_or(0.0);
        let ar1_f = report.get("ar1.f").unwrap_or(0.0);
        assert!(date_f >= 0.56, "date F1 {date_f:.3} < 0.56");
        assert!(ar1_f >= 0.13, "AR1-F {ar1_f:.3} < 0.13");
    }

    #[test]
    fn gold_parsing_and_alignment_rouge() {
        let gold = parse_gold(
            "2010-04-20\nThe rig explodes .\nEleven workers die .\n----------\n\
             2010-07-15\nThe well is capped .\n----------\n",
        );
        assert_eq!(gold.len(), 2);
        assert_eq!(gold[0].1.len(), 2);
        let perfect = score(&gold, &gold);
        assert!((perfect.ar1.f - 1.0).abs() < 1e-9 && (perfect.date.f - 1.0).abs() < 1e-9);
        // One day off: half the weight, no date match.
        let shifted: Dated =
            gold.iter().map(|(d, s)| (*d + chrono::Days::new(1), s.clone())).collect();
        let s = score(&shifted, &gold);
        assert_eq!(s.date.f, 0.0);
        assert!((s.ar1.f - 0.5).abs() < 1e-9, "{s:?}");
        let config = config_for(&gold);
        assert_eq!((config.dates, config.per_date), (2, 2));
        assert_eq!(config.range, Some((day("2010-04-20"), day("2010-07-15"))));
    }

    /// The seeds as one story: Monday's walk-away and Tuesday's Brussels
    /// remarks are on the timeline citing 001 and 003, and every dated
    /// line's day is named by a cited article (or is its publication day).
    #[test]
    fn seeds_timeline() {
        let dir = super::super::shared_dir().join("seeds");
        let (inputs, _) = list_inputs(&[dir]);
        let mut articles = Vec::new();
        for input in &inputs {
            read_input(input, &ReadConfig::default(), &mut |item| {
                if let Item::Article(raw) = item {
                    articles.push(process(raw, &Config::default()).expect("seed article"));
                }
            });
        }
        assert_eq!(articles.len(), 5);
        let name = |a: &Article| a.origin.path.rsplit('/').next().unwrap_or("")[..3].to_string();
        let story: Vec<&Article> = articles.iter().collect();
        let tl = timeline(&story, &HashMap::new(), &TimelineConfig::default());
        let names: HashMap<_, _> = articles.iter().map(|a| (a.id, name(a))).collect();
        for e in &tl.dates {
            for s in &e.sentences {
                let cited: Vec<&str> = s.sources.iter().map(|id| names[id].as_str()).collect();
                println!("{} {:?} {}", e.date, cited, s.text);
            }
        }
        for s in &tl.undated {
            println!(
                "undated {:?} {}",
                s.sources.iter().map(|i| &names[i]).collect::<Vec<_>>(),
                s.text
            );
        }
        for want in ["2016-10-03", "2016-10-04"] {
            let entry = tl.dates.iter().find(|e| e.date == day(want)).expect(want);
            let cited: Vec<&str> = entry
                .sentences
                .iter()
                .flat_map(|s| &s.sources)
                .map(|id| names[id].as_str())
                .collect();
            assert!(cited.contains(&"001") && cited.contains(&"003"), "{want}: {cited:?}");
        }
        let by_id: HashMap<_, _> = articles.iter().map(|a| (a.id, a)).collect();
        for e in &tl.dates {
            for s in &e.sentences {
                let supported = s.sources.iter().any(|id| {
                    let a = by_id[id];
                    a.published == Some(e.date)
                        || tag(&a.text, a.published, &TimexConfig::default())
                            .iter()
                            .any(|t| t.day() == Some(e.date))
                });
                assert!(supported, "{} is not supported by {:?}", e.date, s.sources);
            }
        }
    }
}
