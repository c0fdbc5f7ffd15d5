//! Task `clustering`: stories and events against ECB+ and Timeline17.
//!
//! Input: `ecbplus/` (docs and `gold.tsv`: story gold = topic, event gold =
//! event; undated), `timeline17/` (story gold = the topic before `_`, date =
//! the folder name) and the five seeds. Output: B-cubed and pairwise P/R/F1
//! in the natural order and over five seeded shuffles (mean and spread), the
//! same on the odd-topic half (the defaults were tuned on the even half), and
//! whether the seeds form one story of their own among all of Timeline17.
//! Method: each corpus is clustered from an empty state with the default
//! [`ClusterConfig`]; only this harness reads files.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{Prf, Report};
use crate::cluster::{ClusterConfig, ClusterInput, ClusterState};
use crate::model::ArticleId;

/// One evaluation document with its gold labels.
#[derive(Clone, Debug)]
pub struct Doc {
    /// File name (ECB+) or path below the dataset folder.
    pub name: String,
    /// Gold story label.
    pub story: String,
    /// Gold event label, where the dataset has one.
    pub event: Option<String>,
    /// A headline guessed from the first lines, if one looks like it.
    pub title: Option<String>,
    /// The text.
    pub text: String,
    /// The publication date, if known.
    pub date: Option<NaiveDate>,
}

fn read(path: &Path) -> crate::Result<String> {
    let bytes =
        std::fs::read(path).map_err(|e| crate::Error::Io { path: path.into(), source: e })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn list(dir: &Path) -> crate::Result<Vec<PathBuf>> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| crate::Error::Io { path: dir.into(), source: e })?;
    // Hidden entries (`.DS_Store`) are not data.
    let mut out: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| !p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with('.')))
        .collect();
    out.sort();
    Ok(out)
}

/// Undoes the PTB bracket and quote tokens so they do not become words.
pub fn undo_ptb(text: &str) -> String {
    let mut out = text.to_string();
    for (from, to) in [
        ("-LRB-", "("),
        ("-RRB-", ")"),
        ("-LSB-", "["),
        ("-RSB-", "]"),
        ("-LCB-", "{"),
        ("-RCB-", "}"),
        ("``", "\""),
        ("''", "\""),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// The first of the first three lines that looks like a headline: 3 to 14
/// words, not a URL, no date.
pub fn guess_title(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
        .find(|l| {
            let n = l.split_whitespace().count();
            (3..=14).contains(&n)
                && !l.starts_with("http")
                && crate::dates::find_dates(l).is_empty()
        })
        .map(|l| l.trim_matches(|c: char| !c.is_alphanumeric()).to_string())
}

/// ECB+ documents in file-name order.
pub fn load_ecbplus(datasets: &Path) -> crate::Result<Vec<Doc>> {
    let dir = datasets.join("ecbplus");
    let gold = read(&dir.join("gold.tsv"))?;
    let mut docs = Vec::new();
    for line in gold.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 3 {
            continue;
        }
        let text = read(&dir.join("docs").join(format!("{}.txt", f[0])))?;
        docs.push(Doc {
            name: f[0].to_string(),
            story: f[1].to_string(),
            event: Some(f[2].to_string()),
            title: guess_title(&text),
            text,
            date: None,
        });
    }
    docs.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(docs)
}

/// Timeline17 documents by date, then path.
pub fn load_timeline17(datasets: &Path) -> crate::Result<Vec<Doc>> {
    let mut docs = Vec::new();
    for topic_dir in list(&datasets.join("timeline17"))? {
        let folder = topic_dir.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        let Some((topic, _outlet)) = folder.split_once('_') else { continue };
        let inputs = topic_dir.join("InputDocs");
        if !inputs.is_dir() {
            continue;
        }
        for day_dir in list(&inputs)?.into_iter().filter(|p| p.is_dir()) {
            let day = day_dir.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let date = NaiveDate::parse_from_str(day, "%Y-%m-%d").ok();
            for file in list(&day_dir)? {
                let text = undo_ptb(&read(&file)?);
                let name = format!(
                    "{folder}/{day}/{}",
                    file.file_name().and_then(|n| n.to_str()).unwrap_or("")
                );
                docs.push(Doc {
                    name,
                    story: topic.to_string(),
                    event: None,
                    title: None,
                    text,
                    date,
                });
            }
        }
    }
    docs.sort_by(|a, b| (a.date, &a.name).cmp(&(b.date, &b.name)));
    Ok(docs)
}

/// The five seeds, dated by the first absolute date in their opening lines.
pub fn load_seeds(seeds: &Path) -> crate::Result<Vec<Doc>> {
    let mut docs = Vec::new();
    for file in list(seeds)? {
        let text = read(&file)?;
        let head: String = text.chars().take(600).collect();
        let date = crate::dates::find_dates(&head).first().map(|d| d.date);
        let name = file.file_name().and_then(|n| n.to_str()).unwrap_or("").to_string();
        docs.push(Doc {
            name,
            story: "seeds".into(),
            event: None,
            title: guess_title(&text),
            text,
            date,
        });
    }
    Ok(docs)
}

/// Clusters `docs` in the order of `order` from an empty state, document
/// `i` as article id `i`, as one batch (settled at its end); returns the
/// state.
pub fn cluster_state(docs: &[Doc], order: &[usize], config: &ClusterConfig) -> ClusterState {
    let mut state = ClusterState::new(config);
    for &i in order {
        let d = &docs[i];
        let input = ClusterInput {
            article: ArticleId(i as u64),
            title: d.title.as_deref(),
            text: &d.text,
            published: d.date,
            duplicate_of: None,
        };
        state.assign(&input, config);
    }
    state.settle(config);
    state
}

/// Clusters `docs` in the order of `order` from an empty state; returns
/// `(story, event)` labels per document index (final, resolved ids).
pub fn cluster_docs(docs: &[Doc], order: &[usize], config: &ClusterConfig) -> Vec<(u32, u32)> {
    let state = cluster_state(docs, order, config);
    (0..docs.len())
        .map(|i| {
            let a = state.assignment_of(ArticleId(i as u64)).expect("every document was assigned");
            (a.story.0, a.event.0)
        })
        .collect()
}

/// A seeded permutation of `0..n` (SplitMix64 and Fisher–Yates).
pub fn shuffled(n: usize, seed: u64) -> Vec<usize> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut order: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        order.swap(i, (next() % (i as u64 + 1)) as usize);
    }
    order
}

/// B-cubed precision, recall and F1 of `pred` against `gold`.
pub fn bcubed<P: Ord, G: Ord>(pred: &[P], gold: &[G]) -> Prf {
    let n = pred.len();
    if n == 0 {
        return Prf::default();
    }
    let mut joint: BTreeMap<(&P, &G), f64> = BTreeMap::new();
    let mut by_pred: BTreeMap<&P, f64> = BTreeMap::new();
    let mut by_gold: BTreeMap<&G, f64> = BTreeMap::new();
    for (p, g) in pred.iter().zip(gold) {
        *joint.entry((p, g)).or_default() += 1.0;
        *by_pred.entry(p).or_default() += 1.0;
        *by_gold.entry(g).or_default() += 1.0;
    }
    // Each item in cell (p, g) has precision |p∩g|/|p| and recall |p∩g|/|g|.
    let (mut p_sum, mut r_sum) = (0.0, 0.0);
    for (&(p, g), &c) in &joint {
        p_sum += c * c / by_pred[p];
        r_sum += c * c / by_gold[g];
    }
    Prf::from_pr(p_sum / n as f64, r_sum / n as f64)
}

/// Pairwise precision, recall and F1: over all pairs of items, whether the
/// prediction puts them together as the gold does.
pub fn pairwise<P: Ord, G: Ord>(pred: &[P], gold: &[G]) -> Prf {
    let pairs = |c: f64| c * (c - 1.0) / 2.0;
    let mut joint: BTreeMap<(&P, &G), f64> = BTreeMap::new();
    let mut by_pred: BTreeMap<&P, f64> = BTreeMap::new();
    let mut by_gold: BTreeMap<&G, f64> = BTreeMap::new();
    for (p, g) in pred.iter().zip(gold) {
        *joint.entry((p, g)).or_default() += 1.0;
        *by_pred.entry(p).or_default() += 1.0;
        *by_gold.entry(g).or_default() += 1.0;
    }
    let tp: f64 = joint.values().map(|&c| pairs(c)).sum();
    let predicted: f64 = by_pred.values().map(|&c| pairs(c)).sum();
    let gold_pairs: f64 = by_gold.values().map(|&c| pairs(c)).sum();
    Prf::from_counts(tp, predicted, gold_pairs)
}

/// Figures of one clustering of a corpus.
struct Scores {
    story_b3: Prf,
    story_pw: Prf,
    event_b3: Option<Prf>,
    event_pw: Option<Prf>,
    n_stories: usize,
}

fn score(docs: &[Doc], labels: &[(u32, u32)]) -> Scores {
    let stories: Vec<u32> = labels.iter().map(|l| l.0).collect();
    let events: Vec<u32> = labels.iter().map(|l| l.1).collect();
    let gold_story: Vec<&str> = docs.iter().map(|d| d.story.as_str()).collect();
    let gold_event: Option<Vec<&str>> = docs.iter().map(|d| d.event.as_deref()).collect();
    let mut distinct = stories.clone();
    distinct.sort_unstable();
    distinct.dedup();
    Scores {
        story_b3: bcubed(&stories, &gold_story),
        story_pw: pairwise(&stories, &gold_story),
        event_b3: gold_event.as_ref().map(|g| bcubed(&events, g)),
        event_pw: gold_event.as_ref().map(|g| pairwise(&events, g)),
        n_stories: distinct.len(),
    }
}

/// Adds the figures of `docs` under `name`: natural order, and the mean and
/// spread (max − min) of the B-cubed F1 over five seeded shuffles.
fn evaluate(report: &mut Report, name: &str, docs: &[Doc], config: &ClusterConfig) {
    let natural: Vec<usize> = (0..docs.len()).collect();
    let s = score(docs, &cluster_docs(docs, &natural, config));
    report.add(format!("{name}.docs"), docs.len() as f64);
    report.add(format!("{name}.stories"), s.n_stories as f64);
    report.add_prf(&format!("{name}.story.bcubed"), s.story_b3);
    report.add_prf(&format!("{name}.story.pairwise"), s.story_pw);
    if let (Some(b3), Some(pw)) = (s.event_b3, s.event_pw) {
        report.add_prf(&format!("{name}.event.bcubed"), b3);
        report.add_prf(&format!("{name}.event.pairwise"), pw);
    }
    let mut story_f = Vec::new();
    let mut event_f = Vec::new();
    for seed in 1..=5 {
        let s = score(docs, &cluster_docs(docs, &shuffled(docs.len(), seed), config));
        story_f.push(s.story_b3.f);
        event_f.extend(s.event_b3.map(|p| p.f));
    }
    let mut spread = |label: &str, f: &[f64]| {
        if f.is_empty() {
            return;
        }
        let mean = f.iter().sum::<f64>() / f.len() as f64;
        let max = f.iter().cloned().fold(f64::MIN, f64::max);
        let min = f.iter().cloned().fold(f64::MAX, f64::min);
        report.add(format!("{name}.shuffled.{label}.bcubed.f.mean"), mean);
        report.add(format!("{name}.shuffled.{label}.bcubed.f.min"), min);
        report.add(format!("{name}.shuffled.{label}.bcubed.f.spread"), max - min);
    };
    spread("story", &story_f);
    spread("event", &event_f);
}

/// The odd (`odd = true`) or even half of the topics: ECB+ by topic number,
/// Timeline17 by the position of the topic in name order.
pub fn half(docs: &[Doc], odd: bool) -> Vec<Doc> {
    let mut topics: Vec<&str> = docs.iter().map(|d| d.story.as_str()).collect();
    topics.sort_unstable();
    topics.dedup();
    let parity = |topic: &str| match topic.parse::<usize>() {
        Ok(n) => n % 2 == 1,
        Err(_) => topics.iter().position(|t| *t == topic).unwrap_or(0) % 2 == 1,
    };
    docs.iter().filter(|d| parity(&d.story) == odd).cloned().collect()
}

/// Clusters all of Timeline17 followed by the seeds; returns the number of
/// stories holding seeds and the number of other articles in them.
pub fn seeds_check(t17: &[Doc], seeds: &[Doc], config: &ClusterConfig) -> (usize, usize) {
    let docs: Vec<Doc> = t17.iter().chain(seeds).cloned().collect();
    let order: Vec<usize> = (0..docs.len()).collect();
    let labels = cluster_docs(&docs, &order, config);
    let seed_stories: std::collections::BTreeSet<u32> =
        labels[t17.len()..].iter().map(|l| l.0).collect();
    let intruders = labels[..t17.len()].iter().filter(|l| seed_stories.contains(&l.0)).count();
    (seed_stories.len(), intruders)
}

/// Per-article cost and memory at one store size of a [`scale_run`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScalePoint {
    /// Articles stored before the timed batch.
    pub stored: usize,
    /// Mean assignment time over the batch, in nanoseconds (wall clock).
    pub ns_per_article: f64,
    /// Mean CPU time of the assigning thread over the batch, in nanoseconds,
    /// where `/proc/thread-self/schedstat` exists: on a shared machine the
    /// wall clock also counts the other jobs.
    pub cpu_ns_per_article: Option<f64>,
    /// Approximate state size per stored article, in bytes.
    pub bytes_per_article: f64,
}

/// A resampled article: copy `i` of the stream. Pass `i / n` renames every
/// capitalised word with a pass suffix (new people and places), shifts the
/// date by 20 days per pass and drops about one sentence in ten, so passes
/// form new events and stories instead of piling onto the old ones.
pub fn perturbed(docs: &[Doc], i: usize, seed: u64) -> (String, Option<NaiveDate>) {
    let pick = shuffled_index(i as u64, seed, docs.len());
    let pass = i / docs.len();
    let doc = &docs[pick];
    let mut suffix = String::new();
    let mut p = pass;
    while p > 0 {
        suffix.push((b'a' + (p % 26) as u8) as char);
        p /= 26;
    }
    let mut text = String::with_capacity(doc.text.len() + 64);
    for (k, sentence) in doc.text.split_inclusive(". ").enumerate() {
        if pass > 0 && shuffled_index((i * 131 + k) as u64, seed ^ 7, 10) == 0 {
            continue;
        }
        for word in sentence.split_inclusive(' ') {
            text.push_str(word.trim_end());
            if word.starts_with(|c: char| c.is_uppercase()) {
                text.push_str(&suffix);
            }
            text.push(' ');
        }
    }
    let date = doc.date.map(|d| d + chrono::Days::new(20 * pass as u64));
    (text, date)
}

/// A seeded value in `0..n` for position `i`.
fn shuffled_index(i: u64, seed: u64, n: usize) -> usize {
    let mut z = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ seed.wrapping_mul(0xD1B5_4A32_D192_ED03);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) % n.max(1) as u64) as usize
}

/// Streams `total` resampled articles through one state and times a batch
/// of `batch` articles at each store size in `checkpoints` (text generation
/// is not timed), handing each point to `report` as soon as it is measured.
/// Each batch ends with [`ClusterState::settle`], as an ingest batch does,
/// so the kind links' cost is timed with the batch it follows. The scale
/// figures of the issue come from this.
pub fn scale_run(
    docs: &[Doc],
    total: usize,
    checkpoints: &[usize],
    batch: usize,
    seed: u64,
    report: &mut dyn FnMut(ScalePoint),
) {
    let config = ClusterConfig::default();
    let mut state = ClusterState::new(&config);
    let mut i = 0;
    while i < total {
        let n = batch.min(total - i);
        let chunk: Vec<(String, Option<NaiveDate>)> =
            (i..i + n).map(|k| perturbed(docs, k, seed)).collect();
        let timed =
            checkpoints.iter().any(|&c| c >= i && c < i + n.max(1)) || checkpoints.contains(&i);
        let start = std::time::Instant::now();
        let cpu_start = thread_cpu_ns();
        for (k, (text, date)) in chunk.iter().enumerate() {
            let input = ClusterInput {
                article: ArticleId((i + k) as u64),
                title: None,
                text,
                published: *date,
                duplicate_of: None,
            };
            state.assign(&input, &config);
        }
        state.settle(&config);
        if timed {
            report(ScalePoint {
                stored: i,
                ns_per_article: start.elapsed().as_nanos() as f64 / n as f64,
                cpu_ns_per_article: cpu_start
                    .zip(thread_cpu_ns())
                    .map(|(a, b)| b.saturating_sub(a) as f64 / n as f64),
                bytes_per_article: state.heap_bytes() as f64 / state.n_articles() as f64,
            });
        }
        i += n;
    }
}

/// Nanoseconds the calling thread has spent on a CPU (Linux).
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// Runs the task.
pub fn run(datasets: &Path) -> crate::Result<Report> {
    let config = ClusterConfig::default();
    let mut report = Report::new("clustering");
    let ecb = load_ecbplus(datasets)?;
    let t17 = load_timeline17(datasets)?;
    evaluate(&mut report, "ecbplus", &ecb, &config);
    evaluate(&mut report, "timeline17", &t17, &config);
    evaluate(&mut report, "ecbplus.odd", &half(&ecb, true), &config);
    evaluate(&mut report, "timeline17.odd", &half(&t17, true), &config);
    let seeds = load_seeds(&datasets.join("../seeds"))?;
    let (n_stories, intruders) = seeds_check(&t17, &seeds, &config);
    report.add("seeds.stories", n_stories as f64);
    report.add("seeds.other_articles", intruders as f64);
    report.notes.push(
        "odd = odd-numbered ECB+ topics / odd-position Timeline17 topics, held out from tuning"
            .into(),
    );
    report
        .notes
        .push("shuffled = mean, min and max-min of 5 seeded shuffles of the arrival order".into());
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bcubed_and_pairwise_on_a_small_case() {
        // Gold {a,b,c},{d}; predicted {a,b},{c,d}.
        let gold = ["x", "x", "x", "y"];
        let pred = [1, 1, 2, 2];
        let b3 = bcubed(&pred, &gold);
        assert!((b3.p - 0.75).abs() < 1e-9);
        assert!((b3.r - 2.0 / 3.0).abs() < 1e-9);
        let pw = pairwise(&pred, &gold);
        assert!((pw.p - 0.5).abs() < 1e-9);
        assert!((pw.r - 1.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn shuffles_are_seeded_permutations() {
        let a = shuffled(50, 3);
        assert_eq!(a, shuffled(50, 3));
        assert_ne!(a, shuffled(50, 4));
        let mut sorted = a.clone();
        sorted.sort();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
    }

    /// Story B-cubed F1 over the five seeded shuffles of `evaluate`.
    fn shuffled_story_f(docs: &[Doc], config: &ClusterConfig) -> Vec<f64> {
        shuffled_scores(docs, config).into_iter().map(|s| s.story_b3.f).collect()
    }

    fn shuffled_scores(docs: &[Doc], config: &ClusterConfig) -> Vec<Scores> {
        (1..=5)
            .map(|seed| score(docs, &cluster_docs(docs, &shuffled(docs.len(), seed), config)))
            .collect()
    }

    fn spread(f: &[f64]) -> f64 {
        f.iter().cloned().fold(f64::MIN, f64::max) - f.iter().cloned().fold(f64::MAX, f64::min)
    }

    /// The issue bars, on the real data, with the default config (kind
    /// links on): the ECB+ story bar (B-cubed F1 >= 0.95 in arrival order,
    /// on the held-out odd topics too), the ECB+ event bar (>= 0.90, odd
    /// topics too), the Timeline17 story bar (>= 0.95, natural order), the
    /// seeds bar and the order bar (F1 spread <= 0.01 over 5 shuffles: ECB+
    /// stories and events, Timeline17 stories) are met and asserted, some
    /// by thin margins (ECB+ story 0.951, spread 0.008; events 0.901).
    /// FIXME(#5): the spreads hold on the five seeds of the bar, not in
    /// general: over 20 shuffles (seeds 1-20, `SEEDS=20` in
    /// `stories_probe`) ECB+ story F1 spreads 0.031, ECB+ events 0.040
    /// and Timeline17 stories 0.025. Timeline17 in shuffled order stays
    /// below 0.95.
    #[test]
    fn bars_on_ecbplus_timeline17_and_seeds() {
        let datasets = crate::eval::datasets_dir();
        let config = ClusterConfig::default();
        let ecb = load_ecbplus(&datasets).unwrap();
        let s = score(&ecb, &cluster_docs(&ecb, &(0..ecb.len()).collect::<Vec<_>>(), &config));
        assert!(s.story_b3.f >= 0.95, "ecb+ story {}", s.story_b3);
        assert!(s.event_b3.unwrap().f >= 0.90, "ecb+ event {}", s.event_b3.unwrap());
        let shuffles = shuffled_scores(&ecb, &config);
        let f: Vec<f64> = shuffles.iter().map(|s| s.story_b3.f).collect();
        assert!(spread(&f) <= 0.01, "ecb+ story F1 over shuffles {f:?}");
        let f: Vec<f64> = shuffles.iter().map(|s| s.event_b3.unwrap().f).collect();
        assert!(spread(&f) <= 0.01, "ecb+ event F1 over shuffles {f:?}");
        let odd = half(&ecb, true);
        let s = score(&odd, &cluster_docs(&odd, &(0..odd.len()).collect::<Vec<_>>(), &config));
        assert!(s.story_b3.f >= 0.95, "ecb+ odd topics story {}", s.story_b3);
        assert!(s.event_b3.unwrap().f >= 0.90, "ecb+ odd topics event {}", s.event_b3.unwrap());
        let t17 = load_timeline17(&datasets).unwrap();
        let seeds = load_seeds(&datasets.join("../seeds")).unwrap();
        assert_eq!(seeds.len(), 5);
        assert_eq!(seeds_check(&t17, &seeds, &config), (1, 0));
        let s = score(&t17, &cluster_docs(&t17, &(0..t17.len()).collect::<Vec<_>>(), &config));
        assert!(s.story_b3.f >= 0.95, "timeline17 story {}", s.story_b3);
        let f = shuffled_story_f(&t17, &config);
        assert!(spread(&f) <= 0.01, "timeline17 story F1 over shuffles {f:?}");
        assert!(f.iter().all(|&f| f >= 0.93), "timeline17 story F1 over shuffles {f:?}");
    }

    /// What the kind links (`ClusterConfig::kind_link`, on by default)
    /// add: with them off, ECB+ stories fall to about 0.89 (each topic's
    /// two events in two stories) while the ECB+ events, Timeline17 and the
    /// seeds stay as they are (undated stories start and merge at the
    /// plain thresholds then; Timeline17 is dated). Every shuffled order
    /// is better with the links (0.944-0.952) than any without (at most
    /// 0.897).
    #[test]
    fn without_kind_links_ecbplus_stories_fall_and_the_rest_stays() {
        let datasets = crate::eval::datasets_dir();
        let on = ClusterConfig::default();
        let off = ClusterConfig { kind_link: false, ..ClusterConfig::default() };
        let ecb = load_ecbplus(&datasets).unwrap();
        let natural: Vec<usize> = (0..ecb.len()).collect();
        let s = score(&ecb, &cluster_docs(&ecb, &natural, &off));
        assert!((0.87..0.92).contains(&s.story_b3.f), "ecb+ story without links {}", s.story_b3);
        assert!(s.event_b3.unwrap().f >= 0.89, "ecb+ event {}", s.event_b3.unwrap());
        let with = shuffled_story_f(&ecb, &on);
        let without = shuffled_story_f(&ecb, &off);
        let best_without = without.iter().cloned().fold(f64::MIN, f64::max);
        assert!(with.iter().all(|&f| f > best_without + 0.03), "{with:?} against {without:?}");
        let t17 = load_timeline17(&datasets).unwrap();
        let natural: Vec<usize> = (0..t17.len()).collect();
        assert_eq!(cluster_docs(&t17, &natural, &off), cluster_docs(&t17, &natural, &on));
        let seeds = load_seeds(&datasets.join("../seeds")).unwrap();
        assert_eq!(seeds_check(&t17, &seeds, &off), (1, 0));
    }

    /// The kind links are a function of the base stories: settling after
    /// every few articles gives the stories one settle at the end gives,
    /// in arrival order and shuffled.
    #[test]
    fn kind_links_settled_in_batches_equal_one_settle() {
        let datasets = crate::eval::datasets_dir();
        let config = ClusterConfig { kind_link: true, ..ClusterConfig::default() };
        let ecb = load_ecbplus(&datasets).unwrap();
        for (order, every) in
            [((0..ecb.len()).collect::<Vec<_>>(), 7), (shuffled(ecb.len(), 2), 50)]
        {
            let once = cluster_state(&ecb, &order, &config);
            let mut batched = ClusterState::new(&config);
            // (article, story shown) pairs of linked stories at each settle.
            let mut seen_linked = std::collections::BTreeSet::new();
            let linked_now = |s: &ClusterState| -> std::collections::BTreeSet<(u64, u32)> {
                order
                    .iter()
                    .map(|&i| ArticleId(i as u64))
                    .filter_map(|a| {
                        let base = s.event(s.event_of(a)?)?.story;
                        let shown = s.story_of(a)?;
                        (shown != base).then_some((a.0, shown.0))
                    })
                    .collect()
            };
            for (k, &i) in order.iter().enumerate() {
                let d = &ecb[i];
                let input = ClusterInput {
                    article: ArticleId(i as u64),
                    title: d.title.as_deref(),
                    text: &d.text,
                    published: d.date,
                    duplicate_of: None,
                };
                batched.assign(&input, &config);
                if k % every == every - 1 {
                    batched.settle(&config);
                    seen_linked.extend(linked_now(&batched));
                }
            }
            batched.settle(&config);
            // Links are undone as well as made: some article shown in a
            // linked story at a settle on the way is not at the end.
            let end = linked_now(&batched);
            assert!(seen_linked.iter().any(|p| !end.contains(p)), "no link was undone");
            let stories = |s: &ClusterState| -> Vec<u32> {
                (0..ecb.len()).map(|i| s.story_of(ArticleId(i as u64)).unwrap().0).collect()
            };
            assert_eq!(stories(&batched), stories(&once), "settled every {every}");
            let linked = (0..ecb.len())
                .filter(|&i| {
                    let a = ArticleId(i as u64);
                    once.story_of(a) != once.event(once.event_of(a).unwrap()).map(|e| e.story)
                })
                .count();
            assert!(linked > 50, "{linked} articles shown in a linked story");
        }
    }

    #[test]
    fn ptb_brackets_and_quotes_are_undone() {
        assert_eq!(undo_ptb("`` Hi '' -LRB- x -RRB-"), "\" Hi \" ( x )");
    }
}
