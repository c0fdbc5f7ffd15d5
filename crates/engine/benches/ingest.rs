//! Text ingest on Timeline17: clean + metadata alone, read + clean +
//! metadata + store insert, and the whole ingest run (copies, clustering).
//!
//! `cargo bench -p storyline-engine --bench ingest`. One thread: the figure
//! the issue asks for is articles per second on one core. Before the divan
//! cases run, one pass of each stage is timed in CPU time of this thread
//! (`CLOCK_THREAD_CPUTIME_ID`, so other processes on a loaded machine
//! do not count) and printed as articles per CPU-second.
//! `STORYLINE_INGEST_PASSES=clean` runs only that pass (`read`: the files
//! alone; `insert`: the store alone; `store`: read + clean + metadata +
//! store; `whole`; or a comma-separated list), for a profiler:
//! `STORYLINE_INGEST_PASSES=clean valgrind --tool=callgrind target/release/deps/ingest-*`.
//! `STORYLINE_INGEST_LIMIT=10` runs the passes on the first ten files only:
//! what a pass costs whatever the number of articles (opening the store,
//! compiling patterns) is what it takes then. `STORYLINE_INGEST_REPEAT=5`
//! times each chosen pass five times in the one process.

use std::path::{Path, PathBuf};
use std::time::Duration;

use divan::counter::ItemsCount;
use storyline::ingest::{list_inputs, read_input, Input, Item, ReadConfig};
use storyline::model::{Article, RawArticle};
use storyline::pipeline::{process, Config, Ingest, IngestConfig};
use storyline::store::Store;

fn main() {
    // `STORYLINE_INGEST_PASSES=clean` (or `store`, `whole`, comma-separated)
    // times only those passes, for a profiler; the divan cases run only when
    // no pass is chosen.
    let chosen = std::env::var("STORYLINE_INGEST_PASSES").ok();
    let runs = |pass: &str| chosen.as_deref().is_none_or(|c| c.split(',').any(|p| p == pass));
    let inputs = inputs();
    for _ in 0..repeat() {
        timed_passes(&runs, &inputs);
    }
    if chosen.is_none() {
        divan::main();
    }
}

/// One timed pass of each chosen stage, each printed as articles per
/// CPU-second.
fn timed_passes(runs: &impl Fn(&str) -> bool, inputs: &[Input]) {
    if runs("clean") {
        let raws = raws(inputs);
        // Processing consumes its input, as ingest does: the pass gets the
        // articles as read, not copies made inside the timed pass.
        let (n, cpu) = cpu_time(move || clean_and_metadata_pass(raws));
        report("clean + metadata", n, cpu);
    }
    if runs("read") {
        let (n, cpu) = cpu_time(|| raws(inputs).len());
        report("read", n, cpu);
    }
    if runs("insert") {
        let config = Config::default();
        let articles: Vec<Article> =
            raws(inputs).into_iter().filter_map(|raw| process(raw, &config).ok()).collect();
        let dir = tempfile::tempdir().expect("temp dir");
        let (n, cpu) = cpu_time(|| insert_pass(&dir.path().join("insert.db"), &articles));
        report("store insert (checkpoint and close included)", n, cpu);
    }
    if runs("store") {
        let dir = tempfile::tempdir().expect("temp dir");
        let (n, cpu) = cpu_time(|| read_and_store_pass(&dir.path().join("store.db"), inputs));
        report("read + clean + metadata + store insert", n, cpu);
    }
    if runs("whole") {
        let (n, cpu) = cpu_time(|| full_run_pass(inputs));
        report("the whole ingest run (+ copies + clustering)", n, cpu);
    }
}

/// `STORYLINE_INGEST_REPEAT`: how many times each chosen pass is timed in
/// this process (default 1). On a shared virtual machine the host's load
/// slows whole stretches of seconds; the best of several passes, and the
/// spread between them, show what a change does better than one pass.
fn repeat() -> usize {
    std::env::var("STORYLINE_INGEST_REPEAT").ok().and_then(|v| v.parse().ok()).unwrap_or(1)
}

/// The Timeline17 article files (the inputs of `storyline ingest` on the
/// dataset, without its timelines).
fn inputs() -> Vec<Input> {
    let root: PathBuf = storyline::eval::datasets_dir().join("timeline17");
    let (inputs, _) = list_inputs(&[root]);
    let inputs: Vec<Input> =
        inputs.into_iter().filter(|i| i.name().contains("/InputDocs/")).collect();
    assert!(inputs.len() > 3000, "timeline17 has {} inputs", inputs.len());
    inputs.into_iter().take(limit().unwrap_or(usize::MAX)).collect()
}

/// `STORYLINE_INGEST_LIMIT`: how many input files the passes read.
fn limit() -> Option<usize> {
    std::env::var("STORYLINE_INGEST_LIMIT").ok().and_then(|v| v.parse().ok())
}

/// The articles a pass gets through: all of Timeline17's but for a limit.
fn check_count(n: usize) {
    assert!(n > 3000 || limit().is_some(), "{n} articles");
}

fn raws(inputs: &[Input]) -> Vec<RawArticle> {
    let mut raws = Vec::new();
    for input in inputs {
        read_input(input, &ReadConfig::default(), &mut |item| {
            if let Item::Article(raw) = item {
                raws.push(raw);
            }
        });
    }
    raws
}

fn clean_and_metadata_pass(raws: Vec<RawArticle>) -> usize {
    let config = Config::default();
    let n = raws.into_iter().filter_map(|raw| process(raw, &config).ok()).count();
    check_count(n);
    n
}

/// Reads every file, cleans it, finds its metadata and stores it, in
/// transactions of 1,000 articles, each article inserted as soon as it is
/// processed (as [`Ingest`] does): the ingest stage alone. The store is
/// closed (the WAL checkpointed) inside the pass; deleting it is not.
fn read_and_store_pass(db: &Path, inputs: &[Input]) -> usize {
    let _ = std::fs::remove_file(db);
    let mut store = Store::open(db).expect("store");
    let config = Config::default();
    let mut open = 0;
    for input in inputs {
        read_input(input, &ReadConfig::default(), &mut |item| {
            if let Item::Article(raw) = item {
                if let Ok(a) = process(raw, &config) {
                    if open == 0 {
                        store.begin_batch().expect("begin");
                    }
                    store.insert_article(&a).expect("insert");
                    open += 1;
                    if open == 1000 {
                        store.commit_batch().expect("commit");
                        open = 0;
                    }
                }
            }
        });
    }
    if open > 0 {
        store.commit_batch().expect("commit");
    }
    let n = store.count().expect("count");
    drop(store);
    check_count(n);
    n
}

/// Stores processed articles in transactions of 1,000, then closes the
/// store (which checkpoints the WAL into the database file): what the
/// store costs an ingest, without reading or cleaning. Deleting the file
/// afterwards is not timed.
fn insert_pass(db: &Path, articles: &[Article]) -> usize {
    let _ = std::fs::remove_file(db);
    let mut store = Store::open(db).expect("store");
    for batch in articles.chunks(1000) {
        store.insert_batch(batch, &[]).expect("insert");
    }
    let n = store.count().expect("count");
    drop(store);
    check_count(n);
    n
}

/// What `storyline ingest` does: [`Ingest`], copies and clustering included.
fn full_run_pass(inputs: &[Input]) -> usize {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open(&dir.path().join("bench.db")).expect("store");
    let mut run = Ingest::new(&mut store, IngestConfig::default());
    for input in inputs {
        run.read(input).expect("read");
    }
    let summary = run.finish().expect("finish");
    check_count(summary.added);
    summary.added
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn clean_and_metadata(bencher: divan::Bencher) {
    let raws = raws(&inputs());
    bencher
        .counter(ItemsCount::new(raws.len()))
        .with_inputs(|| raws.clone())
        .bench_values(clean_and_metadata_pass);
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn read_clean_metadata_store(bencher: divan::Bencher) {
    let inputs = inputs();
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("store.db");
    bencher.counter(ItemsCount::new(inputs.len())).bench(|| read_and_store_pass(&db, &inputs));
}

#[divan::bench(sample_count = 3, sample_size = 1)]
fn whole_ingest_run(bencher: divan::Bencher) {
    let inputs = inputs();
    bencher.counter(ItemsCount::new(inputs.len())).bench(|| full_run_pass(&inputs));
}

/// Runs `f` and returns its result with the CPU time this thread spent.
fn cpu_time(f: impl FnOnce() -> usize) -> (usize, Option<Duration>) {
    let before = thread_cpu();
    let n = f();
    let after = thread_cpu();
    (n, before.zip(after).map(|(b, a)| a.saturating_sub(b)))
}

/// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`), `None`
/// where the clock fails. Not `/proc/thread-self/schedstat`: on this
/// virtual machine its sum is brought up to date only at scheduler ticks
/// (4 ms, ≈ 3% of a clean pass), while this clock adds the time since the
/// last tick, to the nanosecond.
fn thread_cpu() -> Option<Duration> {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid, writable timespec for the call's duration.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    (rc == 0).then(|| Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32))
}

fn report(what: &str, n: usize, cpu: Option<Duration>) {
    match cpu {
        Some(cpu) => println!(
            "{what}: {n} articles in {:.3} s of CPU time = {:.0} articles per CPU-second",
            cpu.as_secs_f64(),
            n as f64 / cpu.as_secs_f64()
        ),
        None => println!("{what}: {n} articles (no per-thread CPU clock on this system)"),
    }
}
