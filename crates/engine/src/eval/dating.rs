//! Eval task `dating`: every Timeline17 article is dated from its folder.
//!
//! Input: `timeline17/*/InputDocs/<YYYY-MM-DD>/*.txt`. Output: how many
//! articles were read, kept, dated, and dated to their folder's date.
//! Method: the real readers and pipeline, exactly as `storyline ingest`.

use std::path::Path;

use super::Report;
use crate::dates::path_date;
use crate::ingest::{list_inputs, read_input, Item, ReadConfig};
use crate::pipeline::{process, Config};

/// Runs the task over `datasets/timeline17`.
pub fn run(datasets: &Path) -> crate::Result<Report> {
    let root = datasets.join("timeline17");
    let (inputs, listing_problems) = list_inputs(&[root]);
    let inputs: Vec<_> = inputs.into_iter().filter(|i| i.name().contains("/InputDocs/")).collect();
    let config = Config::default();
    let (mut n_articles, mut n_dated, mut n_folder, mut n_dropped) =
        (0, 0, 0, listing_problems.len());
    for input in &inputs {
        read_input(input, &ReadConfig::default(), &mut |item| match item {
            Item::Article(raw) => match process(raw, &config) {
                Ok(a) => {
                    n_articles += 1;
                    n_dated += usize::from(a.published.is_some());
                    n_folder += usize::from(
                        a.published.is_some() && a.published == path_date(&a.origin.path),
                    );
                }
                Err(_) => n_dropped += 1,
            },
            Item::Diagnostic(_) => n_dropped += 1,
        });
    }
    let mut report = Report::new("dating");
    report.add("files", inputs.len() as f64);
    report.add("articles", n_articles as f64);
    report.add("not_ingested", n_dropped as f64);
    report.add("dated", n_dated as f64 / n_articles.max(1) as f64);
    report.add("dated_from_folder", n_folder as f64 / n_articles.max(1) as f64);
    Ok(report)
}
