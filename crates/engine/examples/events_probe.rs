//! Review aid for event clustering on ECB+.
//!
//! `cargo run --release -p storyline-engine --example events_probe`
//! prints story and event B-cubed F1 on all, even and odd topics under
//! config overrides from the environment (`CFG='event_threshold=0.4,
//! text.max_words=300'`); `SHUF=1` adds the mean, min and spread over five
//! seeded shuffles, `TOPICS=1` (and `V=1`) each topic's predicted events
//! with their mix of the two gold events (in the shuffled order of seed N
//! with `SEED=N`), `DATED=1` dates each document by
//! the first date in its head, `SPEED=1` times clustering all of
//! Timeline17 five times in CPU time instead.
use std::collections::BTreeMap;
use storyline::cluster::ClusterConfig;
use storyline::eval::clustering::{bcubed, cluster_docs, half, load_ecbplus, shuffled, Doc};

/// Documents of one predicted event: how many of each gold event (`ecb`,
/// `ecbplus`) and their names.
type Mix = (usize, usize, Vec<String>);

fn config() -> ClusterConfig {
    let spec = std::env::var("CFG").unwrap_or_default();
    ClusterConfig::default().with_overrides(&spec).expect("CFG")
}

fn scores(docs: &[Doc], config: &ClusterConfig, order: &[usize]) -> (f64, f64) {
    let labels = cluster_docs(docs, order, config);
    let s: Vec<u32> = labels.iter().map(|l| l.0).collect();
    let e: Vec<u32> = labels.iter().map(|l| l.1).collect();
    let gs: Vec<&str> = docs.iter().map(|d| d.story.as_str()).collect();
    let ge: Vec<&str> = docs.iter().map(|d| d.event.as_deref().unwrap()).collect();
    (bcubed(&s, &gs).f, bcubed(&e, &ge).f)
}

/// CPU seconds of this process (user + system), from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    let after = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = after.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / 100.0
}

fn main() {
    let datasets = storyline::eval::datasets_dir();
    if std::env::var("SPEED").is_ok() {
        let t17 = storyline::eval::clustering::load_timeline17(&datasets).unwrap();
        let config = config();
        let order: Vec<usize> = (0..t17.len()).collect();
        let start = cpu_seconds();
        for _ in 0..5 {
            std::hint::black_box(cluster_docs(&t17, &order, &config));
        }
        let cpu = cpu_seconds() - start;
        println!("timeline17 x5: {:.0} articles per CPU-second", 5.0 * t17.len() as f64 / cpu);
        return;
    }
    let mut docs = load_ecbplus(&datasets).unwrap();
    if std::env::var("DATED").is_ok() {
        for d in &mut docs {
            let head: String = d.text.chars().take(600).collect();
            d.date = storyline::dates::find_dates(&head).first().map(|m| m.date);
        }
        let n = docs.iter().filter(|d| d.date.is_some()).count();
        println!("dated {n} of {}", docs.len());
    }
    let config = config();
    for (name, set) in
        [("all", docs.clone()), ("even", half(&docs, false)), ("odd", half(&docs, true))]
    {
        let order: Vec<usize> = (0..set.len()).collect();
        let (s, e) = scores(&set, &config, &order);
        print!("{name}: story {s:.3} event {e:.3}");
        if std::env::var("SHUF").is_ok() {
            let (mut ss, mut es) = (vec![s], vec![e]);
            for seed in 1..=5 {
                let (s, e) = scores(&set, &config, &shuffled(set.len(), seed));
                ss.push(s);
                es.push(e);
            }
            let spread = |v: &[f64]| {
                v.iter().cloned().fold(f64::MIN, f64::max)
                    - v.iter().cloned().fold(f64::MAX, f64::min)
            };
            let min = |v: &[f64]| v.iter().cloned().fold(f64::MAX, f64::min);
            let mean = |v: &[f64]| v[1..].iter().sum::<f64>() / 5.0;
            print!(" | mean story {:.3} event {:.3}", mean(&ss), mean(&es));
            print!(
                " | shuf story min {:.3} spread {:.3} event min {:.3} spread {:.3}",
                min(&ss[1..]),
                spread(&ss[1..]),
                min(&es[1..]),
                spread(&es[1..])
            );
        }
        println!();
    }
    if std::env::var("TOPICS").is_err() {
        return;
    }
    let order: Vec<usize> = match std::env::var("SEED") {
        Ok(seed) => shuffled(docs.len(), seed.parse().unwrap()),
        Err(_) => (0..docs.len()).collect(),
    };
    let labels = cluster_docs(&docs, &order, &config);
    let mut by_topic: BTreeMap<u32, BTreeMap<(u32, u32), Mix>> = BTreeMap::new();
    for (d, l) in docs.iter().zip(&labels) {
        let t: u32 = d.story.parse().unwrap();
        let e = by_topic.entry(t).or_default().entry(*l).or_default();
        if d.event.as_deref().unwrap().ends_with("ecbplus") {
            e.1 += 1
        } else {
            e.0 += 1
        }
        e.2.push(d.name.clone());
    }
    for (t, evs) in by_topic {
        let line: Vec<String> =
            evs.iter().map(|((s, e), (a, b, _))| format!("s{s}e{e}:{a}/{b}")).collect();
        println!("topic {t}: {}", line.join(" "));
        if std::env::var("V").is_ok() {
            for ((s, e), (_, _, names)) in &evs {
                println!("   s{s}e{e}: {}", names.join(" "));
            }
        }
    }
}
