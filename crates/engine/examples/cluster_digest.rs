//! A digest of what clustering and the copies stage output, one line per
//! run, to show that a change for speed changed none of their outputs.
//!
//! `cargo run --release -p storyline-engine --example cluster_digest > before.txt`,
//! change the code, run it again and `diff` the two files. Runs: Timeline17
//! and ECB+ in arrival order and in two seeded shuffles (an xxh3 of every
//! document's story and event id, and of the whole serialised state), 20,000
//! resampled Timeline17 articles through one state (as the scale bench
//! streams them), and the whole ingest (`pipeline::Ingest`) of the seeds and
//! Timeline17 into a fresh store (the saved state and the copies found).

use storyline::cluster::{ClusterConfig, ClusterInput, ClusterState};
use storyline::eval::clustering::{
    cluster_state, load_ecbplus, load_seeds, load_timeline17, perturbed, shuffled,
};
use storyline::ingest::list_inputs;
use storyline::model::ArticleId;
use storyline::pipeline::{Ingest, IngestConfig};
use storyline::store::Store;

fn main() {
    let datasets = storyline::eval::datasets_dir();
    let config = ClusterConfig::default();
    let sets = [
        ("timeline17", load_timeline17(&datasets).expect("timeline17")),
        ("ecbplus", load_ecbplus(&datasets).expect("ecbplus")),
    ];
    let seeds = load_seeds(&storyline::eval::shared_dir().join("seeds")).expect("seeds");
    for (name, docs) in &sets {
        for seed in [0, 1, 2] {
            let order: Vec<usize> =
                if seed == 0 { (0..docs.len()).collect() } else { shuffled(docs.len(), seed) };
            let state = cluster_state(docs, &order, &config);
            println!("{name} order {seed} {}", digest(&state, docs.len()));
        }
    }
    let mut with_seeds = sets[0].1.clone();
    with_seeds.extend(seeds);
    let order: Vec<usize> = (0..with_seeds.len()).collect();
    println!(
        "timeline17+seeds {}",
        digest(&cluster_state(&with_seeds, &order, &config), with_seeds.len())
    );

    let t17 = &sets[0].1;
    let mut state = ClusterState::new(&config);
    let n = 20_000;
    for i in 0..n {
        let (text, date) = perturbed(t17, i, 42);
        let input = ClusterInput {
            article: ArticleId(i as u64),
            title: None,
            text: &text,
            published: date,
            duplicate_of: None,
        };
        state.assign(&input, &config);
    }
    println!("resampled {n} {}", digest(&state, n));

    let shared = storyline::eval::shared_dir();
    let (inputs, _) = list_inputs(&[shared.join("seeds"), datasets.join("timeline17")]);
    let mut store = Store::in_memory().expect("store");
    let mut ingest = Ingest::new(&mut store, IngestConfig::default());
    for input in inputs.iter().filter(|i| !i.name().contains("/timelines/")) {
        ingest.read(input).expect("read");
    }
    ingest.finish().expect("finish");
    let state = store.cluster_state().expect("state").expect("a saved state");
    let json = serde_json::to_string(&state).expect("json");
    let copies = format!("{:?}", store.duplicates().expect("copies"));
    println!(
        "ingest seeds+timeline17 articles {} state {:016x} copies {:016x}",
        state.n_articles(),
        xxhash_rust::xxh3::xxh3_64(json.as_bytes()),
        xxhash_rust::xxh3::xxh3_64(copies.as_bytes())
    );
}

/// The labels (story and event of each document, by id) and the whole
/// serialised state, hashed apart: a change of representation moves the
/// second but must never move the first.
fn digest(state: &ClusterState, n: usize) -> String {
    let mut labels = String::new();
    for i in 0..n {
        let a = state.assignment_of(ArticleId(i as u64)).expect("every document was assigned");
        labels.push_str(&format!("{} {}\n", a.story, a.event));
    }
    let json = serde_json::to_string(state).expect("json");
    format!(
        "labels {:016x} state {:016x} changes {}",
        xxhash_rust::xxh3::xxh3_64(labels.as_bytes()),
        xxhash_rust::xxh3::xxh3_64(json.as_bytes()),
        state.changes().len()
    )
}
