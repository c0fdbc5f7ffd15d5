//! `storyline ingest`: inputs → pipeline → store, in batches, with a
//! progress bar and a summary.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use storyline::cluster::{ClusterConfig, ClusterState};
use storyline::ingest::{list_inputs, read_input, Input, Item, ReadConfig};
use storyline::model::{Article, Diagnostic, Format};
use storyline::pipeline::{cluster, process, Config};
use storyline::store::{Inserted, Store};

#[derive(Args)]
pub struct IngestArgs {
    /// Files or folders (walked recursively); `-` reads standard input
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// The store [default: ./storyline.db, or $STORYLINE_DB]
    #[arg(long)]
    db: Option<PathBuf>,
    /// Force an input format instead of detecting it: text, jsonl
    #[arg(long, value_parser = parse_format)]
    format: Option<Format>,
    /// Publication date (YYYY-MM-DD) for every article of this run
    #[arg(long)]
    published: Option<chrono::NaiveDate>,
    /// Articles per transaction
    #[arg(long, default_value_t = 1000)]
    batch: usize,
    /// Print the summary as JSON
    #[arg(long)]
    json: bool,
    /// No progress bar
    #[arg(long, short)]
    quiet: bool,
}

pub fn parse_format(s: &str) -> Result<Format, String> {
    Format::from_name(s)
        .ok_or_else(|| format!("unknown format {s:?} (text, jsonl, html, warc, feed)"))
}

#[derive(Default, serde::Serialize)]
struct Summary {
    inputs: usize,
    added: usize,
    already_present: usize,
    not_ingested: usize,
    diagnostics: BTreeMap<&'static str, usize>,
}

pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let db = args.db.clone().unwrap_or_else(crate::default_db);
    let mut store =
        Store::open(&db).with_context(|| format!("cannot open store {}", db.display()))?;
    let (inputs, listing) = list_inputs(&args.paths);
    let read_config = ReadConfig { format: args.format, ..ReadConfig::default() };
    let config = Config { published: args.published, ..Config::default() };

    let bar = progress(&inputs, args.quiet || args.json);
    let mut summary = Summary { inputs: inputs.len(), ..Summary::default() };
    let mut batch = Batch::default();
    batch.add_diagnostics(listing, &mut summary);
    let mut failure: Option<anyhow::Error> = None;
    for input in &inputs {
        read_input(input, &read_config, &mut |item| {
            match item {
                Item::Article(raw) => match process(raw, &config) {
                    Ok(article) => {
                        for d in &article.diagnostics {
                            *summary.diagnostics.entry(d.kind.name()).or_default() += 1;
                        }
                        batch.articles.push(article);
                    }
                    Err(d) => batch.add_diagnostics(vec![d], &mut summary),
                },
                Item::Diagnostic(d) => batch.add_diagnostics(vec![d], &mut summary),
            }
            // Flush inside the reader's loop: a large JSONL file commits batch by batch.
            if batch.articles.len() >= args.batch && failure.is_none() {
                if let Err(e) = batch.flush(&mut store, &mut summary) {
                    failure = Some(e);
                }
            }
        });
        if let Some(e) = failure.take() {
            return Err(e);
        }
        bar.inc(1);
        bar.set_message(format!(
            "{} articles",
            summary.added + summary.already_present + batch.articles.len()
        ));
    }
    batch.flush(&mut store, &mut summary)?;
    // Copies are found over the whole store, so a new article is compared
    // with everything ingested before.
    store.refresh_copies(&storyline::dedupe::Config::default()).context("finding copies")?;
    cluster_stored(&mut store)?;
    bar.finish_and_clear();

    for d in &batch.shown {
        eprintln!("{d}");
    }
    if batch.hidden > 0 {
        eprintln!("... and {} more; see `storyline diagnostics`", batch.hidden);
    }
    if args.json {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        let kinds: Vec<String> =
            summary.diagnostics.iter().map(|(k, n)| format!("{k} {n}")).collect();
        println!(
            "{}: {} inputs, {} articles added, {} already present, {} records not ingested{}",
            db.display(),
            summary.inputs,
            summary.added,
            summary.already_present,
            summary.not_ingested,
            if kinds.is_empty() {
                String::new()
            } else {
                format!("; diagnostics: {}", kinds.join(", "))
            }
        );
    }
    Ok(if summary.not_ingested > 0 { ExitCode::from(3) } else { ExitCode::SUCCESS })
}

fn progress(inputs: &[Input], hidden: bool) -> ProgressBar {
    if hidden {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(inputs.len() as u64);
    let style = ProgressStyle::with_template(
        "{bar:30} {pos}/{len} inputs, {msg} [{elapsed_precise}, eta {eta}]",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

/// Articles and diagnostics waiting for the next transaction.
#[derive(Default)]
struct Batch {
    articles: Vec<Article>,
    diagnostics: Vec<Diagnostic>,
    /// The first diagnostics, printed at the end.
    shown: Vec<Diagnostic>,
    hidden: usize,
}

impl Batch {
    fn add_diagnostics(&mut self, diagnostics: Vec<Diagnostic>, summary: &mut Summary) {
        for d in diagnostics {
            summary.not_ingested += 1;
            *summary.diagnostics.entry(d.kind.name()).or_default() += 1;
            if self.shown.len() < 20 {
                self.shown.push(d.clone());
            } else {
                self.hidden += 1;
            }
            self.diagnostics.push(d);
        }
    }

    fn flush(&mut self, store: &mut Store, summary: &mut Summary) -> Result<()> {
        let Inserted { added, present } = store.insert_batch(&self.articles, &self.diagnostics)?;
        summary.added += added;
        summary.already_present += present;
        self.articles.clear();
        self.diagnostics.clear();
        Ok(())
    }
}

/// Places every stored article that the saved clustering state does not
/// hold yet (this run's, or those of an earlier run that was killed), in
/// arrival order, copies with their originals, and saves the state.
fn cluster_stored(store: &mut Store) -> Result<()> {
    let config = ClusterConfig::default();
    let mut state = store.cluster_state()?.unwrap_or_else(|| ClusterState::new(&config));
    let before = state.n_articles();
    let copies: std::collections::HashMap<_, _> =
        store.duplicates()?.into_iter().map(|(id, d)| (id, d.duplicate_of)).collect();
    for article in store.articles()? {
        cluster(&mut state, &article, copies.get(&article.id).copied(), &config);
    }
    if state.n_articles() != before {
        store.save_cluster_state(&state)?;
    }
    Ok(())
}
