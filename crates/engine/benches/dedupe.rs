//! Dedupe throughput and scaling.
//!
//! `sign`: the signature of every Timeline17 article, alone (the part of
//! ingest that dedupe adds per article). `sign_and_query`: signature plus index query for every Timeline17
//! article against an index of all of them (the issue bar: at least 20,000
//! articles a second on one core). `query_at_scale`: the same query for
//! edited copies against indexes of 10k to 1M articles resampled from
//! Timeline17, each word replaced by a random corpus word with probability
//! 0.3 (seeded), so that the articles are distinct but have the real
//! length and vocabulary. Index memory per article is printed for each size.

use std::sync::OnceLock;

use divan::counter::ItemsCount;
use divan::Bencher;
use storyline::dedupe::{Config, Index, Signature};
use storyline::eval::copies::{load_timeline17, make_copy, Rng, Source};
use storyline::model::ArticleId;

fn main() {
    divan::main();
}

fn sources() -> &'static Vec<Source> {
    static SOURCES: OnceLock<Vec<Source>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        load_timeline17(&storyline::eval::datasets_dir()).expect("Timeline17 in ../shared/datasets")
    })
}

fn texts() -> &'static Vec<String> {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| sources().iter().map(Source::text).collect())
}

#[divan::bench(sample_count = 20, sample_size = 1)]
fn sign(bencher: Bencher) {
    let texts = texts();
    let bytes: usize = texts.iter().map(String::len).sum();
    // CPU time, as for `sign_and_query`: median of seven passes.
    if cpu_ns().is_some() {
        let mut per_pass: Vec<u64> = (0..7)
            .map(|_| {
                let start = cpu_ns().unwrap_or(0);
                for text in texts {
                    divan::black_box(Signature::of(divan::black_box(text)));
                }
                cpu_ns().unwrap_or(start) - start
            })
            .collect();
        per_pass.sort_unstable();
        let cpu = per_pass[3] as f64 / 1e9;
        eprintln!(
            "sign: {:.0} articles per CPU-second ({:.1} us each, {:.0} MB/s; passes {:.1}..{:.1} ms)",
            texts.len() as f64 / cpu,
            cpu * 1e6 / texts.len() as f64,
            bytes as f64 / cpu / 1e6,
            per_pass[0] as f64 / 1e6,
            per_pass[6] as f64 / 1e6,
        );
    }
    bencher.counter(ItemsCount::new(texts.len())).bench(|| {
        let mut words = 0u64;
        for text in texts {
            words += u64::from(Signature::of(divan::black_box(text)).n_words);
        }
        // Timeline17 articles are a few hundred words each.
        assert!(words as usize > bytes / 20);
        words
    });
}

#[divan::bench(sample_count = 10, sample_size = 1)]
fn sign_and_query(bencher: Bencher) {
    let texts = texts();
    let sigs: Vec<Signature> = texts.iter().map(|t| Signature::of(t)).collect();
    let index = Index::build(sigs.iter().enumerate().map(|(i, s)| (ArticleId(i as u64), s)));
    let config = Config::default();
    let bytes: usize = texts.iter().map(String::len).sum();
    eprintln!(
        "timeline17: {} articles, {:.1} KiB each, index {:.0} bytes per article",
        texts.len(),
        bytes as f64 / texts.len() as f64 / 1024.0,
        index.memory_bytes() as f64 / index.len() as f64
    );
    // The machine is shared, so wall time undercounts a core; report the
    // thread's CPU time per pass as well (median of five passes, the
    // first, colder one included).
    if cpu_ns().is_some() {
        let mut per_pass: Vec<u64> = (0..5)
            .map(|_| {
                let start = cpu_ns().unwrap_or(0);
                for text in texts {
                    divan::black_box(index.query(&Signature::of(text), &config));
                }
                cpu_ns().unwrap_or(start) - start
            })
            .collect();
        per_pass.sort_unstable();
        let cpu = per_pass[2];
        eprintln!(
            "sign_and_query: {:.0} articles per CPU-second ({:.1} us each; passes {:.0}..{:.0}/s)",
            texts.len() as f64 / (cpu as f64 / 1e9),
            cpu as f64 / 1e3 / texts.len() as f64,
            texts.len() as f64 / (per_pass[4] as f64 / 1e9),
            texts.len() as f64 / (per_pass[0] as f64 / 1e9),
        );
    }
    bencher.counter(ItemsCount::new(texts.len())).bench(|| {
        let mut found = 0usize;
        for text in texts {
            let sig = Signature::of(divan::black_box(text));
            found += usize::from(!index.query(&sig, &config).is_empty());
        }
        // Every article finds at least itself.
        assert_eq!(found, texts.len());
        found
    });
}

/// CPU time of this thread in nanoseconds (Linux `schedstat`).
fn cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    stat.split_whitespace().next()?.parse().ok()
}

/// A resampled article: a random Timeline17 article with each word
/// replaced, with probability 0.3, by a random word of the corpus.
fn resampled(rng: &mut Rng, vocabulary: &[&str]) -> String {
    let texts = texts();
    let text = &texts[rng.below(texts.len())];
    let mut out = String::with_capacity(text.len() + 16);
    for word in text.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        if rng.chance(0.3) {
            out.push_str(vocabulary[rng.below(vocabulary.len())]);
        } else {
            out.push_str(word);
        }
    }
    out
}

#[divan::bench(args = [10_000, 100_000, 1_000_000], sample_count = 5, sample_size = 1)]
fn query_at_scale(bencher: Bencher, n: usize) {
    let texts = texts();
    let vocabulary: Vec<&str> = texts.iter().flat_map(|t| t.split_whitespace()).collect();
    let mut rng = Rng::new(n as u64);
    let mut index = Index::new();
    // Bulk-build in chunks so the texts are never all in memory.
    let mut sigs: Vec<Signature> = Vec::with_capacity(n);
    for _ in 0..n {
        sigs.push(Signature::of(&resampled(&mut rng, &vocabulary)));
    }
    if n > 0 {
        index = Index::build(sigs.iter().enumerate().map(|(i, s)| (ArticleId(i as u64), s)));
    }
    drop(sigs);
    eprintln!(
        "n = {n}: index {:.0} bytes per article, postings {:?}",
        index.memory_bytes() as f64 / n as f64,
        index.postings()
    );
    // Queries: edited copies of real articles, pre-signed so the time is
    // the index query alone.
    let sources = sources();
    let queries: Vec<Signature> = (0..1000)
        .map(|i| {
            let s = &sources[(i * 7) % sources.len()];
            Signature::of(&make_copy(&s.paragraphs, "An added note.", &mut rng).text)
        })
        .collect();
    let config = Config::default();
    if let Some(start) = cpu_ns() {
        let found: usize = queries.iter().map(|q| index.query(q, &config).len()).sum();
        let cpu = cpu_ns().unwrap_or(start) - start;
        eprintln!(
            "n = {n}: query {:.1} us CPU each, {found} matches for {} queries",
            cpu as f64 / 1e3 / queries.len() as f64,
            queries.len()
        );
    }
    bencher.counter(ItemsCount::new(queries.len())).bench(|| {
        queries.iter().map(|q| index.query(divan::black_box(q), &config).len()).sum::<usize>()
    });
}
