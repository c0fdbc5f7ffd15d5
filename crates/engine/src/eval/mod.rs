//! Evaluation harness: runs the engine over the external datasets in
//! `../shared/datasets/` and computes their metrics.
//!
//! Input: the dataset folders (read, never copied into the repository).
//! Output: a [`Report`] of named figures, printed by `storyline eval TASK`
//! and asserted against the issue bars by the tests.
//! Method: each task is a submodule with a `run(&Path) -> Result<Report>`;
//! this module holds what they share (locating the data, P/R/F). Like
//! ingest, this harness reads files; the stages it calls do not.

pub mod clustering;
pub mod copies;
pub mod dating;
pub mod html;
pub mod quotes;
pub mod timeline;
pub mod timex;

use std::fmt;
use std::path::{Path, PathBuf};

/// The tasks `storyline eval` knows, with a line about each.
pub const TASKS: &[(&str, &str)] = &[
    ("clustering", "ECB+ and Timeline17: story and event B-cubed / pairwise P/R/F1"),
    ("copies", "Timeline17 edited copies: find the original; ECB+: same-event pairs not copies"),
    ("dating", "Timeline17: every article dated from its folder"),
    ("timeline", "Timeline17: story timelines, date F1 and alignment ROUGE-1/2"),
    ("timex", "TempEval-3 (TimeBank + AQUAINT): temporal expressions, spans and values"),
    ("html", "trafilatura-eval: main-content extraction, snippet P/R/F over 990 pages"),
    ("quotes", "PolNeAR: attribution content F1 and speaker accuracy"),
];

/// Runs the task named `task` over the datasets in `datasets`.
pub fn run(task: &str, datasets: &Path) -> crate::Result<Report> {
    match task {
        "clustering" => clustering::run(datasets),
        "copies" => copies::run(datasets),
        "dating" => dating::run(datasets),
        "timeline" => timeline::run(datasets),
        "timex" => timex::run(datasets),
        "html" => html::run(datasets),
        "quotes" => quotes::run(datasets),
        other => {
            let known: Vec<&str> = TASKS.iter().map(|(n, _)| *n).collect();
            Err(crate::Error::Config(format!(
                "unknown eval task {other:?}; known: {}",
                known.join(", ")
            )))
        }
    }
}

/// The `shared/` folder: `$STORYLINE_SHARED` if set, else `../shared`
/// beside the workspace root (where CI and the developers have it),
/// canonicalized when it exists: written from this crate's folder it is
/// `…/crates/engine/../../../shared`, and the kernel walks those `..`
/// again on every open of every file under it (the bench's read pass took
/// ≈ 14% longer that way).
pub fn shared_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("STORYLINE_SHARED") {
        return PathBuf::from(dir);
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    std::fs::canonicalize(&dir).unwrap_or(dir)
}

/// The datasets folder inside [`shared_dir`].
pub fn datasets_dir() -> PathBuf {
    shared_dir().join("datasets")
}

/// Precision, recall and F1 from counts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Prf {
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// Harmonic mean of precision and recall.
    pub f: f64,
}

impl Prf {
    /// From true positives, predicted count and gold count.
    pub fn from_counts(tp: f64, predicted: f64, gold: f64) -> Prf {
        let p = if predicted > 0.0 { tp / predicted } else { 0.0 };
        let r = if gold > 0.0 { tp / gold } else { 0.0 };
        Prf::from_pr(p, r)
    }

    /// From precision and recall.
    pub fn from_pr(p: f64, r: f64) -> Prf {
        let f = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        Prf { p, r, f }
    }
}

impl fmt::Display for Prf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "P {:.3} R {:.3} F {:.3}", self.p, self.r, self.f)
    }
}

/// The figures of one evaluation run, in the order they were added.
#[derive(Clone, Debug, Default, serde::Serialize)]
pub struct Report {
    /// The task name (`clustering`, `timex`, ...).
    pub task: String,
    /// `(name, value)` pairs.
    pub figures: Vec<(String, f64)>,
    /// Free-form lines (per-topic tables, notes).
    pub notes: Vec<String>,
}

impl Report {
    /// An empty report for `task`.
    pub fn new(task: &str) -> Report {
        Report { task: task.to_string(), ..Report::default() }
    }

    /// Adds a figure.
    pub fn add(&mut self, name: impl Into<String>, value: f64) {
        self.figures.push((name.into(), value));
    }

    /// Adds P, R and F under `name.p`, `name.r`, `name.f`.
    pub fn add_prf(&mut self, name: &str, prf: Prf) {
        self.add(format!("{name}.p"), prf.p);
        self.add(format!("{name}.r"), prf.r);
        self.add(format!("{name}.f"), prf.f);
    }

    /// The value of a figure by name.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.figures.iter().find(|(n, _)| n == name).map(|&(_, v)| v)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "eval {}", self.task)?;
        for (name, value) in &self.figures {
            writeln!(f, "  {name:<40} {value:.4}")?;
        }
        for note in &self.notes {
            writeln!(f, "  {note}")?;
        }
        Ok(())
    }
}
