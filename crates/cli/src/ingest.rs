//! `storyline ingest`: inputs → [`Ingest`] (the pipeline into the store,
//! in batches), with a progress bar and a summary.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use storyline::ingest::{list_inputs, Input, ReadConfig};
use storyline::model::Format;
use storyline::pipeline::{Config, Ingest, IngestConfig};
use storyline::store::Store;

#[derive(Args)]
pub struct IngestArgs {
    /// Files or folders (walked recursively), http(s) URLs of pages or feeds;
    /// `-` reads standard input
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

/// The summary as `--json` prints it.
#[derive(serde::Serialize)]
struct Summary<'a> {
    inputs: usize,
    added: usize,
    already_present: usize,
    not_ingested: usize,
    diagnostics: &'a BTreeMap<&'static str, usize>,
}

pub fn run(args: IngestArgs) -> Result<ExitCode> {
    let db = args.db.clone().unwrap_or_else(crate::default_db);
    let mut store =
        Store::open(&db).with_context(|| format!("cannot open store {}", db.display()))?;
    let (inputs, listing) = list_inputs(&args.paths);
    let config = IngestConfig {
        read: ReadConfig { format: args.format, ..ReadConfig::default() },
        process: Config { published: args.published, ..Config::default() },
        batch: args.batch,
        ..IngestConfig::default()
    };

    let bar = progress(&inputs, args.quiet || args.json);
    let mut ingest = Ingest::new(&mut store, config);
    ingest.add_diagnostics(listing);
    for input in &inputs {
        ingest.read(input)?;
        bar.inc(1);
        bar.set_message(format!("{} articles", ingest.n_articles()));
    }
    let summary = ingest.finish()?;
    bar.finish_and_clear();

    for d in &summary.shown {
        eprintln!("{d}");
    }
    if summary.hidden > 0 {
        eprintln!("... and {} more; see `storyline diagnostics`", summary.hidden);
    }
    if args.json {
        let json = Summary {
            inputs: summary.inputs,
            added: summary.added,
            already_present: summary.already_present,
            not_ingested: summary.not_ingested,
            diagnostics: &summary.diagnostics,
        };
        println!("{}", serde_json::to_string_pretty(&json)?);
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
