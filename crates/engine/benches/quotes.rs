//! Entities plus quotes over Timeline17 articles (PTB-tokenized), one core.
//! The bar: 2,000 articles a second or more.

use std::path::PathBuf;

fn main() {
    divan::main();
}

/// Up to 2,000 Timeline17 article texts.
fn articles() -> Vec<String> {
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
    paths.iter().take(2000).filter_map(|p| std::fs::read_to_string(p).ok()).collect()
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn extract_2000_articles(bencher: divan::Bencher) {
    let texts = articles();
    assert!(texts.len() >= 1000, "timeline17 articles found: {}", texts.len());
    bencher.counter(divan::counter::ItemsCount::new(texts.len())).bench(|| {
        let mut n_found = 0;
        for t in &texts {
            let x = storyline::extract::extract(divan::black_box(t));
            n_found += x.quotes.len() + x.entities.len();
        }
        assert!(n_found > 0);
        n_found
    });
}
