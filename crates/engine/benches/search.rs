//! The full-text index over Timeline17 (its articles through the pipeline,
//! as a store holds them): building it, and one search at a time, first
//! page of 20 hits with their marked headlines and snippets, as the server
//! answers a search it has not cached. One core.

use std::path::PathBuf;
use std::sync::OnceLock;

use storyline::model::{Article, Fields, Format, Origin, RawArticle};
use storyline::search::{Index, SearchQuery};

fn main() {
    divan::main();
}

/// Every Timeline17 article, cleaned (once per run).
fn articles() -> &'static [Article] {
    static ARTICLES: OnceLock<Vec<Article>> = OnceLock::new();
    ARTICLES.get_or_init(|| {
        let root = storyline::eval::datasets_dir().join("timeline17");
        let mut paths: Vec<PathBuf> = Vec::new();
        for topic in std::fs::read_dir(&root).into_iter().flatten().flatten() {
            let days = std::fs::read_dir(topic.path().join("InputDocs"));
            for day in days.into_iter().flatten().flatten() {
                for doc in std::fs::read_dir(day.path()).into_iter().flatten().flatten() {
                    paths.push(doc.path());
                }
            }
        }
        paths.sort();
        let config = storyline::pipeline::Config::default();
        let articles: Vec<Article> = paths
            .iter()
            .filter_map(|p| {
                let body = std::fs::read_to_string(p).ok()?;
                let raw = RawArticle {
                    origin: Origin::file(p.display().to_string()),
                    format: Format::Text,
                    body,
                    fields: Fields::default(),
                    diagnostics: vec![],
                };
                storyline::pipeline::process(raw, &config).ok()
            })
            .collect();
        assert!(articles.len() >= 3000, "timeline17 articles: {}", articles.len());
        articles
    })
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let index = Index::build(articles());
        eprintln!("index of {} articles: {} MB", index.len(), index.heap_bytes() >> 20);
        index
    })
}

#[divan::bench(sample_count = 5, sample_size = 1)]
fn build(bencher: divan::Bencher) {
    let articles = articles();
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    bencher.counter(divan::counter::BytesCount::new(bytes)).bench(|| {
        let index = Index::build(divan::black_box(articles));
        assert_eq!(index.len(), articles.len());
        index.heap_bytes()
    });
}

/// Queries like the load test's (names the articles mention, one or two),
/// a common word, a prefix and a phrase.
#[divan::bench(args = ["us", "gulf mexico", "tony hayward", "egypt mubarak", "the", "kerr*", "\"oil spill\""])]
fn search(bencher: divan::Bencher, text: &str) {
    let (articles, index) = (articles(), index());
    let query = SearchQuery { text: text.into(), limit: 20, ..Default::default() };
    bencher.bench(|| {
        let page = index.search(articles, divan::black_box(&query));
        assert!(page.total > 0, "{text}");
        page
    });
}

/// The ids a list filtered by words needs (`?q=`).
#[divan::bench(args = ["us", "tony hayward"])]
fn matching(bencher: divan::Bencher, text: &str) {
    let (articles, index) = (articles(), index());
    bencher.bench(|| index.matching_ids(articles, divan::black_box(text)).len());
}
