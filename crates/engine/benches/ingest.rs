//! Text ingest on Timeline17: clean + metadata alone, and into the store.
//!
//! `cargo bench -p storyline-engine --bench ingest`. One thread: the figure
//! the issue asks for is articles per second on one core.

use std::path::PathBuf;

use divan::counter::ItemsCount;
use storyline::ingest::{list_inputs, read_input, Item, ReadConfig};
use storyline::model::RawArticle;
use storyline::pipeline::{process, Config};
use storyline::store::Store;

fn main() {
    divan::main();
}

fn timeline17() -> Vec<RawArticle> {
    let root: PathBuf = storyline::eval::datasets_dir().join("timeline17");
    let (inputs, _) = list_inputs(&[root]);
    let mut raws = Vec::new();
    for input in inputs.iter().filter(|i| i.name().contains("/InputDocs/")) {
        read_input(input, &ReadConfig::default(), &mut |item| {
            if let Item::Article(raw) = item {
                raws.push(raw);
            }
        });
    }
    assert!(raws.len() > 3000, "timeline17 has {} articles", raws.len());
    raws
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn clean_and_metadata(bencher: divan::Bencher) {
    let raws = timeline17();
    let config = Config::default();
    bencher.counter(ItemsCount::new(raws.len())).bench(|| {
        let n = raws.iter().filter(|raw| process((*raw).clone(), &config).is_ok()).count();
        assert!(n > 3000);
    });
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn ingest_into_store(bencher: divan::Bencher) {
    let raws = timeline17();
    let config = Config::default();
    bencher.counter(ItemsCount::new(raws.len())).bench(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut store = Store::open(&dir.path().join("bench.db")).expect("store");
        let mut batch = Vec::with_capacity(1000);
        for raw in &raws {
            if let Ok(a) = process(raw.clone(), &config) {
                batch.push(a);
            }
            if batch.len() == 1000 {
                store.insert_batch(&batch, &[]).expect("insert");
                batch.clear();
            }
        }
        store.insert_batch(&batch, &[]).expect("insert");
        assert!(store.count().expect("count") > 3000);
    });
}
