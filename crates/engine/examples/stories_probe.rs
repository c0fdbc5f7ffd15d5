//! Review aid for story clustering on ECB+, Timeline17 and the seeds.
//!
//! `cargo run --release -p storyline-engine --example stories_probe`
//! prints the story B-cubed F1 of ECB+ and Timeline17 (all, even and odd
//! topics) in arrival order and over five seeded shuffles (mean, min,
//! spread), the ECB+ event F1 beside it, and the seeds check, under config
//! overrides from the environment (`CFG='story_threshold=0.2'`;
//! the kind links, on by default, are settled once at the end of each
//! run; `CFG='kind_link=false'` turns them off). `T17=0`
//! skips Timeline17, `TOPICS=1` prints each topic's predicted stories (in the order of
//! shuffle `SEED`, arrival order by default; and
//! `MIS=1` the misplaced Timeline17 articles; `KIND=1` each ECB+ base
//! story of 4+ articles with its gold mix, event sizes, kind-link
//! eligibility and nearest stories by subject cosine), `PR=1` each
//! shuffle's P/R, `SEEDS=N` N shuffles instead of 5 (seeds 1..=N).
use std::collections::BTreeMap;

use storyline::cluster::ClusterConfig;
use storyline::eval::clustering::{
    bcubed, cluster_docs, cluster_state, half, load_ecbplus, load_seeds, load_timeline17,
    seeds_check, shuffled, Doc,
};
use storyline::model::ArticleId;

fn config() -> ClusterConfig {
    let spec = std::env::var("CFG").unwrap_or_default();
    ClusterConfig::default().with_overrides(&spec).expect("CFG")
}

/// Story and event B-cubed F1 (event only where the gold has events),
/// with the story precision and recall.
fn scores_pr(
    docs: &[Doc],
    config: &ClusterConfig,
    order: &[usize],
) -> (f64, Option<f64>, (f64, f64)) {
    let labels = cluster_docs(docs, order, config);
    let s: Vec<u32> = labels.iter().map(|l| l.0).collect();
    let e: Vec<u32> = labels.iter().map(|l| l.1).collect();
    let gs: Vec<&str> = docs.iter().map(|d| d.story.as_str()).collect();
    let ge: Option<Vec<&str>> = docs.iter().map(|d| d.event.as_deref()).collect();
    let b = bcubed(&s, &gs);
    (b.f, ge.map(|g| bcubed(&e, &g).f), (b.p, b.r))
}

fn line(name: &str, set: &[Doc], config: &ClusterConfig) {
    let order: Vec<usize> = (0..set.len()).collect();
    let (s, e, (p, r)) = scores_pr(set, config, &order);
    let (mut ss, mut es) = (Vec::new(), Vec::new());
    let seeds: u64 = std::env::var("SEEDS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    for seed in 1..=seeds {
        let (s, e, pr) = scores_pr(set, config, &shuffled(set.len(), seed));
        if std::env::var("PR").is_ok() {
            println!("  {name} shuffle {seed}: F {s:.3} P {:.3} R {:.3}", pr.0, pr.1);
        }
        ss.push(s);
        es.extend(e);
    }
    let min = |v: &[f64]| v.iter().cloned().fold(f64::MAX, f64::min);
    let max = |v: &[f64]| v.iter().cloned().fold(f64::MIN, f64::max);
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    print!(
        "{name:10} story {s:.3} (P {p:.3} R {r:.3}) | shuf mean {:.3} min {:.3} spread {:.3}",
        mean(&ss),
        min(&ss),
        max(&ss) - min(&ss)
    );
    if let Some(e) = e {
        print!(
            " || event {e:.3} | shuf mean {:.3} min {:.3} spread {:.3}",
            mean(&es),
            min(&es),
            max(&es) - min(&es)
        );
    }
    println!();
}

fn main() {
    let datasets = storyline::eval::datasets_dir();
    let config = config();
    let ecb = load_ecbplus(&datasets).unwrap();
    for (name, set) in
        [("ecb", ecb.clone()), ("ecb.even", half(&ecb, false)), ("ecb.odd", half(&ecb, true))]
    {
        line(name, &set, &config);
    }
    if std::env::var("TOPICS").is_ok() {
        let seed: u64 = std::env::var("SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0);
        let order: Vec<usize> =
            if seed == 0 { (0..ecb.len()).collect() } else { shuffled(ecb.len(), seed) };
        let labels = cluster_docs(&ecb, &order, &config);
        let mut by_topic: BTreeMap<u32, BTreeMap<u32, (usize, usize)>> = BTreeMap::new();
        for (d, l) in ecb.iter().zip(&labels) {
            let t: u32 = d.story.parse().unwrap();
            let e = by_topic.entry(t).or_default().entry(l.0).or_default();
            if d.event.as_deref().unwrap().ends_with("ecbplus") {
                e.1 += 1
            } else {
                e.0 += 1
            }
        }
        for (t, stories) in by_topic {
            let parts: Vec<String> =
                stories.iter().map(|(s, (a, b))| format!("s{s}:{a}/{b}")).collect();
            println!("topic {t}: {}", parts.join(" "));
        }
        if std::env::var("KIND").is_ok() {
            let state = cluster_state(&ecb, &order, &config);
            let mut comp: BTreeMap<u32, BTreeMap<String, usize>> = BTreeMap::new();
            for (i, d) in ecb.iter().enumerate() {
                let base = state.event(state.event_of(ArticleId(i as u64)).unwrap()).unwrap().story;
                let half = if d.event.as_deref().unwrap().ends_with("ecbplus") { "b" } else { "a" };
                *comp
                    .entry(base.0)
                    .or_default()
                    .entry(format!("{}{half}", d.story))
                    .or_default() += 1;
            }
            let name = |s: u32| {
                comp.get(&s).map_or(String::new(), |m| {
                    m.iter().map(|(k, v)| format!("{k}:{v}")).collect::<Vec<_>>().join("+")
                })
            };
            for k in state.kind_neighbours(&config) {
                let near: Vec<String> =
                    k.nearest.iter().map(|(o, c)| format!("{o}[{}] {c:.3}", name(o.0))).collect();
                println!(
                    "  {}[{}] {:?} {} -> {}",
                    k.story,
                    name(k.story.0),
                    k.event_sizes,
                    if k.eligible { "E" } else { "-" },
                    near.join(", ")
                );
            }
        }
    }
    if std::env::var("T17").is_ok_and(|v| v == "0") {
        return;
    }
    let t17 = load_timeline17(&datasets).unwrap();
    for (name, set) in
        [("t17", t17.clone()), ("t17.even", half(&t17, false)), ("t17.odd", half(&t17, true))]
    {
        line(name, &set, &config);
    }
    if std::env::var("TOPICS").is_ok() {
        for seed in [0u64, 1, 2] {
            let order: Vec<usize> =
                if seed == 0 { (0..t17.len()).collect() } else { shuffled(t17.len(), seed) };
            let labels = cluster_docs(&t17, &order, &config);
            let mut by_topic: BTreeMap<&str, BTreeMap<u32, usize>> = BTreeMap::new();
            for (d, l) in t17.iter().zip(&labels) {
                *by_topic.entry(d.story.as_str()).or_default().entry(l.0).or_default() += 1;
            }
            println!("t17 order {seed}:");
            if std::env::var("MIS").is_ok() {
                let mut major: BTreeMap<u32, BTreeMap<&str, usize>> = BTreeMap::new();
                for (d, l) in t17.iter().zip(&labels) {
                    *major.entry(l.0).or_default().entry(d.story.as_str()).or_default() += 1;
                }
                for (d, l) in t17.iter().zip(&labels) {
                    let m = &major[&l.0];
                    let top = m.iter().max_by_key(|p| p.1).unwrap();
                    if *top.0 != d.story && *top.1 > 5 {
                        let head: String = d.text.chars().take(90).collect();
                        println!(
                            "    {} in s{} ({}): {}",
                            d.name,
                            l.0,
                            top.0,
                            head.replace('\n', " ")
                        );
                    }
                }
            }
            for (t, stories) in by_topic {
                let mut parts: Vec<(u32, usize)> = stories.into_iter().collect();
                parts.sort_by_key(|p| std::cmp::Reverse(p.1));
                let parts: Vec<String> = parts.iter().map(|(s, n)| format!("s{s}:{n}")).collect();
                println!("  {t}: {}", parts.join(" "));
            }
        }
    }
    let seeds = load_seeds(&datasets.join("../seeds")).unwrap();
    println!("seeds (stories, intruders): {:?}", seeds_check(&t17, &seeds, &config));
}
