//! Clustering throughput on Timeline17 (`cargo bench --bench cluster`).
//!
//! Clusters all of Timeline17 from an empty state, one core: `timeline17`
//! times the clustering stage alone (tokenising and stemming included),
//! `timeline17_clean_and_cluster` cleans each text first, as ingest does.
//! With `STORYLINE_SCALE=N` set, also streams N resampled articles through
//! one state and prints the per-article time and memory at 10k, 100k, 1M.

use storyline::cluster::{ClusterConfig, ClusterInput, ClusterState};
use storyline::eval::clustering::{load_timeline17, scale_run, Doc};
use storyline::model::ArticleId;

fn main() {
    if let Some(total) = std::env::var("STORYLINE_SCALE").ok().and_then(|v| v.parse::<usize>().ok())
    {
        let docs = load_timeline17(&storyline::eval::datasets_dir()).expect("timeline17");
        let checkpoints = [10_000, 100_000, 300_000, 1_000_000];
        let checkpoints: Vec<usize> = checkpoints.into_iter().filter(|&c| c < total).collect();
        scale_run(&docs, total, &checkpoints, 10_000, 42, &mut |p| {
            let cpu =
                p.cpu_ns_per_article.map_or("n/a".to_string(), |ns| format!("{:.1}", ns / 1000.0));
            println!(
                "stored {:>8}  {:>8.1} us/article wall  {cpu:>8} us/article CPU  {:>6.0} bytes/article",
                p.stored,
                p.ns_per_article / 1000.0,
                p.bytes_per_article
            );
        });
    }
    divan::main();
}

fn docs() -> &'static [Doc] {
    static DOCS: std::sync::OnceLock<Vec<Doc>> = std::sync::OnceLock::new();
    DOCS.get_or_init(|| load_timeline17(&storyline::eval::datasets_dir()).expect("timeline17"))
}

#[divan::bench(sample_count = 5)]
fn timeline17(bencher: divan::Bencher) {
    let docs = docs();
    let config = ClusterConfig::default();
    bencher.counter(divan::counter::ItemsCount::new(docs.len())).bench(|| {
        let mut state = ClusterState::new(&config);
        for (i, d) in docs.iter().enumerate() {
            let input = ClusterInput {
                article: ArticleId(i as u64),
                title: None,
                text: &d.text,
                published: d.date,
                duplicate_of: None,
            };
            state.assign(&input, &config);
        }
        // Keeps the bench honest: every document was placed.
        assert_eq!(state.n_articles(), docs.len());
        state.stories().count()
    });
}

#[divan::bench(sample_count = 5)]
fn timeline17_clean_and_cluster(bencher: divan::Bencher) {
    let docs = docs();
    let config = ClusterConfig::default();
    let clean_config = storyline::clean::CleanConfig::default();
    bencher.counter(divan::counter::ItemsCount::new(docs.len())).bench(|| {
        let mut state = ClusterState::new(&config);
        for (i, d) in docs.iter().enumerate() {
            let clean = storyline::clean::clean(&d.text, &clean_config);
            let input = ClusterInput {
                article: ArticleId(i as u64),
                title: None,
                text: &clean.text,
                published: d.date,
                duplicate_of: None,
            };
            state.assign(&input, &config);
        }
        assert_eq!(state.n_articles(), docs.len());
        state.stories().count()
    });
}
