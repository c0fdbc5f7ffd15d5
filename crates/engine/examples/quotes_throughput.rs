//! Entities plus quotes over every Timeline17 article, timed in CPU time of
//! this thread (the bar is per core: 2,000 articles a second).
//!
//! `cargo run --release -p storyline-engine --example quotes_throughput`
//! Reads the articles first, then extracts them `ROUNDS` times; the CPU
//! time comes from `/proc/thread-self/schedstat` (nanoseconds on a CPU), so
//! other builds sharing the machine do not count against it.

use std::path::PathBuf;
use std::time::Instant;

const ROUNDS: usize = 3;

fn main() {
    let root = storyline::eval::datasets_dir().join("timeline17");
    let mut paths: Vec<PathBuf> = Vec::new();
    for topic in std::fs::read_dir(&root).into_iter().flatten().flatten() {
        for day in std::fs::read_dir(topic.path().join("InputDocs")).into_iter().flatten().flatten()
        {
            for doc in std::fs::read_dir(day.path()).into_iter().flatten().flatten() {
                paths.push(doc.path());
            }
        }
    }
    paths.sort();
    let texts: Vec<String> = paths.iter().filter_map(|p| std::fs::read_to_string(p).ok()).collect();
    assert!(!texts.is_empty(), "no Timeline17 articles under {}", root.display());
    let (mut n_quotes, mut n_entities) = (0usize, 0usize);
    let wall = Instant::now();
    let cpu = cpu_ns();
    for _ in 0..ROUNDS {
        for t in &texts {
            let x = storyline::extract::extract(std::hint::black_box(t));
            n_quotes += x.quotes.len();
            n_entities += x.entities.len();
        }
    }
    let cpu = cpu_ns().zip(cpu).map(|(b, a)| (b - a) as f64 / 1e9);
    let wall = wall.elapsed().as_secs_f64();
    let n = (texts.len() * ROUNDS) as f64;
    println!(
        "{} articles x {ROUNDS} rounds: {} quotes, {} entities per round",
        texts.len(),
        n_quotes / ROUNDS,
        n_entities / ROUNDS
    );
    println!("wall clock: {wall:.2} s, {:.0} articles/s", n / wall);
    match cpu {
        Some(cpu) => println!("CPU time:   {cpu:.2} s, {:.0} articles per CPU-second", n / cpu),
        None => println!("CPU time:   unavailable (no /proc/thread-self/schedstat)"),
    }
}

/// Nanoseconds this thread has spent on a CPU.
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}
