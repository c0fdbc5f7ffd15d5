//! Timeline of a 1,000-article story: the first 1,000 Timeline17 `bpoil_*`
//! articles (read from `../shared/datasets` and processed by the real
//! pipeline before timing), as one story. The issue asks for < 1 s.

use std::collections::HashMap;

use divan::Bencher;
use storyline::eval::timeline::load;
use storyline::model::Article;
use storyline::summarize::{summarize, SummaryConfig};
use storyline::timeline::{timeline, TimelineConfig};

fn main() {
    divan::main();
}

fn story() -> Vec<Article> {
    let topics = load(&storyline::eval::datasets_dir(), |name| name.starts_with("bpoil_"))
        .expect("timeline17 data in ../shared/datasets");
    let articles: Vec<Article> = topics.into_iter().flat_map(|t| t.articles).take(1000).collect();
    assert_eq!(articles.len(), 1000);
    articles
}

#[divan::bench(sample_count = 5)]
fn timeline_1000_articles(bencher: Bencher) {
    let articles = story();
    let story: Vec<&Article> = articles.iter().collect();
    let config = TimelineConfig::default();
    bencher.bench(|| {
        let tl = timeline(&story, &HashMap::new(), &config);
        // Keep the bench honest: a full timeline comes out.
        assert_eq!(tl.dates.len(), config.dates);
        tl
    });
}

#[divan::bench(sample_count = 5)]
fn summary_1000_articles(bencher: Bencher) {
    let articles = story();
    let story: Vec<&Article> = articles.iter().collect();
    bencher.bench(|| {
        let summary = summarize(&story, &HashMap::new(), &SummaryConfig::default());
        assert_eq!(summary.len(), 5);
        summary
    });
}
