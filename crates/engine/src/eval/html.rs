//! Evaluation of main-content extraction on trafilatura's benchmark.
//!
//! Input: `trafilatura-eval/evaldata.json` (URL -> `{file, with, without}`)
//! and the pages under `eval/` and `cache/`. Output: snippet precision,
//! recall and F overall and for the English pages, the median page size,
//! and a date check.
//! Method: as trafilatura's own evaluation (`evaluate_result` in its
//! `tests/comparison.py`): each `with` snippet found in the extracted text
//! is a true positive, missing a false negative; each `without` snippet
//! found is a false positive; P = tp/(tp+fp), R = tp/(tp+fn) and F their
//! harmonic mean (micro-averaged over all snippets). The snippet is
//! matched as written (`snippet in text`) against our text in
//! trafilatura's shape: one line per paragraph, whitespace inside a line
//! collapsed. This is the headline figure (`snippets.*`). A lenient
//! variant that also collapses the snippet's own whitespace (so a snippet
//! with a leading space, or one across a line break, can match) is
//! reported as `snippets_lenient.*`; it reads about .001 higher. A page
//! is English when whatlang reads its `with` snippets as English.
//!
//! Honest tuning: the pages whose file name hashes odd ([`held_out`]) are
//! scored apart (`snippets.held_out.*`) and never looked at while tuning;
//! the worst pages of the other half (`snippets.tuning.*`) are listed in
//! the notes for error analysis.
//!
//! The metadata check: on the pages whose JSON-LD or Open Graph carries a
//! publication date (read here independently of the reader, straight
//! from the page), the date the reader settled on must be that date; every
//! page where it is not is listed in the notes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::sync::LazyLock;

use chrono::NaiveDate;
use regex::Regex;
use serde::Deserialize;

use super::{Prf, Report};
use crate::ingest::html::extract_page;
use crate::{dates, Error};

/// One page of the benchmark.
#[derive(Debug, Deserialize)]
pub struct Case {
    /// The file name under `eval/` or `cache/`.
    pub file: String,
    /// Snippets that must appear.
    #[serde(default)]
    pub with: Vec<String>,
    /// Snippets that must not appear.
    #[serde(default)]
    pub without: Vec<String>,
}

/// Loads the benchmark: `(url, case, path of the page)`, in URL order.
pub fn load(datasets: &Path) -> crate::Result<Vec<(String, Case, PathBuf)>> {
    let dir = datasets.join("trafilatura-eval");
    let index = dir.join("evaldata.json");
    let bytes =
        std::fs::read(&index).map_err(|source| Error::Io { path: index.clone(), source })?;
    let cases: BTreeMap<String, Case> = serde_json::from_slice(&bytes)?;
    Ok(cases
        .into_iter()
        .map(|(url, case)| {
            let eval = dir.join("eval").join(&case.file);
            let path = if eval.exists() { eval } else { dir.join("cache").join(&case.file) };
            (url, case, path)
        })
        .collect())
}

#[derive(Default)]
struct Counts {
    tp: f64,
    fn_: f64,
    fp: f64,
}

impl Counts {
    fn prf(&self) -> Prf {
        let p = if self.tp + self.fp > 0.0 { self.tp / (self.tp + self.fp) } else { 0.0 };
        let r = if self.tp + self.fn_ > 0.0 { self.tp / (self.tp + self.fn_) } else { 0.0 };
        Prf::from_pr(p, r)
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Our text in the shape of trafilatura's: one line per paragraph (or
/// line break), whitespace inside a line collapsed, no blank lines.
fn one_line_per_paragraph(text: &str) -> String {
    let lines = text.lines().map(collapse).filter(|l| !l.is_empty());
    lines.collect::<Vec<_>>().join("\n")
}

/// The publication dates a page's structured data gives, read straight
/// from the HTML with patterns of their own (independently of
/// `ingest::html::metadata`): the first JSON-LD `datePublished`, and Open
/// Graph `article:published_time` / `og:published_time`, outside HTML
/// comments (a commented-out tag is not part of the page). Slashed numeric
/// dates are read in the order of the page's language (`<html lang>`,
/// else `og:locale`), as [`dates::SlashOrder::for_language`] says.
fn structured_dates(html: &str) -> (Option<NaiveDate>, Option<NaiveDate>) {
    static COMMENT: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?s)<!--.*?-->").expect("comment"));
    static LD: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#""datePublished"\s*:\s*"([^"]{6,40})""#).expect("ld"));
    static META: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)<meta\s[^>]*(?:property|name)\s*=\s*["'](?:article|og):published_time["'][^>]*>"#)
            .expect("meta")
    });
    static CONTENT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)content\s*=\s*["']([^"']{6,40})["']"#).expect("content")
    });
    static LANG: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r#"(?i)<html\s[^>]*\blang\s*=\s*["']?([a-z_-]+)|<meta\s[^>]*property\s*=\s*["']og:locale["'][^>]*content\s*=\s*["']([a-z_-]+)"#)
            .expect("lang")
    });
    let html = COMMENT.replace_all(html, "");
    let html = html.as_ref();
    let lang = LANG.captures(html).and_then(|c| c.get(1).or(c.get(2))).map(|m| m.as_str());
    let order = dates::SlashOrder::for_language(lang);
    let in_ld = |m: &regex::Match| {
        // Only inside a JSON-LD script: the nearest script tag before it.
        let before = &html[..m.start()];
        before.rfind("<script").is_some_and(|i| before[i..].contains("ld+json"))
            && before.rfind("<script") > before.rfind("</script")
    };
    let ld = LD
        .captures_iter(html)
        .find(|c| c.get(0).is_some_and(|m| in_ld(&m)))
        .and_then(|c| dates::parse_date_in(&c[1], order));
    let og = META
        .find(html)
        .and_then(|m| CONTENT.captures(m.as_str()))
        .and_then(|c| dates::parse_date_in(&c[1], order));
    (ld, og)
}

/// True for the held-out half of the pages: those whose file name hashes
/// (64-bit FNV-1a) to an odd number. Extraction rules are tuned by looking
/// at the other half only, so the held-out figure says what to expect on
/// unseen pages.
pub fn held_out(file: &str) -> bool {
    let hash = file.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    hash % 2 == 1
}

/// How many of the worst tuning pages the report lists.
const WORST_LISTED: usize = 25;

/// Runs the evaluation.
pub fn run(datasets: &Path) -> crate::Result<Report> {
    let cases = load(datasets)?;
    let (mut all, mut english, mut lenient) =
        (Counts::default(), Counts::default(), Counts::default());
    let mut sizes = Vec::new();
    let (mut n_english, mut structured, mut right) = (0, 0, 0);
    let mut wrong = Vec::new();
    let mut methods: BTreeMap<&'static str, usize> = BTreeMap::new();
    let (mut tuning, mut unseen) = (Counts::default(), Counts::default());
    let mut n_held_out = 0;
    let mut worst: Vec<(f64, &str, Counts)> = Vec::new();
    for (url, case, path) in &cases {
        let bytes =
            std::fs::read(path).map_err(|source| Error::Io { path: path.clone(), source })?;
        sizes.push(bytes.len());
        let page = extract_page(&bytes, None, Some(url));
        *methods.entry(page.method.name()).or_default() += 1;
        let strict = one_line_per_paragraph(&page.text);
        let loose = collapse(&page.text);
        let mut counts = Counts::default();
        for s in &case.with {
            if strict.contains(s.as_str()) {
                counts.tp += 1.0;
            } else {
                counts.fn_ += 1.0;
            }
            if loose.contains(&collapse(s)) {
                lenient.tp += 1.0;
            } else {
                lenient.fn_ += 1.0;
            }
        }
        for s in &case.without {
            counts.fp += f64::from(u8::from(strict.contains(s.as_str())));
            lenient.fp += f64::from(u8::from(loose.contains(&collapse(s))));
        }
        let is_english = whatlang::detect_lang(&case.with.join(" ")) == Some(whatlang::Lang::Eng);
        for c in [&mut all].into_iter().chain(is_english.then_some(&mut english)) {
            c.tp += counts.tp;
            c.fn_ += counts.fn_;
            c.fp += counts.fp;
        }
        n_english += usize::from(is_english);
        let is_held_out = held_out(&case.file);
        n_held_out += usize::from(is_held_out);
        let half = if is_held_out { &mut unseen } else { &mut tuning };
        half.tp += counts.tp;
        half.fn_ += counts.fn_;
        half.fp += counts.fp;
        if !is_held_out {
            worst.push((counts.fn_ + counts.fp, &case.file, counts));
        }

        let (ld, og) = structured_dates(&String::from_utf8_lossy(&bytes));
        if let Some(truth) = ld.or(og) {
            structured += 1;
            let ours = page.fields.published.as_deref().and_then(dates::parse_date);
            if ours == Some(truth) {
                right += 1;
            } else {
                wrong.push(format!("{} ours {ours:?} structured {truth}", case.file));
            }
        }
    }
    sizes.sort_unstable();
    let mut report = Report::new("html");
    report.add("pages", cases.len() as f64);
    report.add_prf("snippets", all.prf());
    report.add("pages.english", n_english as f64);
    report.add_prf("snippets.english", english.prf());
    report.add_prf("snippets_lenient", lenient.prf());
    report.add("pages.held_out", n_held_out as f64);
    report.add_prf("snippets.tuning", tuning.prf());
    report.add_prf("snippets.held_out", unseen.prf());
    report.add("page_bytes.median", sizes.get(sizes.len() / 2).copied().unwrap_or(0) as f64);
    report.add("dates.structured_pages", structured as f64);
    report.add("dates.structured_right", right as f64);
    report.add("dates.structured_accuracy", right as f64 / f64::from(structured.max(1)));
    report.notes.push(format!(
        "counts: tp {} fn {} fp {}; methods: {}",
        all.tp,
        all.fn_,
        all.fp,
        methods.iter().map(|(m, n)| format!("{m} {n}")).collect::<Vec<_>>().join(", ")
    ));
    worst.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    for (_, file, c) in worst.iter().take(WORST_LISTED) {
        report
            .notes
            .push(format!("worst tuning page: {file} tp {} fn {} fp {}", c.tp, c.fn_, c.fp));
    }
    if wrong.is_empty() {
        report.notes.push(format!("structured dates: all {structured} right"));
    }
    for w in &wrong {
        report.notes.push(format!("date differs: {w}"));
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    #[test]
    fn extraction_quality_on_trafilatura_eval() {
        let report =
            super::run(&crate::eval::datasets_dir()).expect("trafilatura-eval is readable");
        assert_eq!(report.get("pages"), Some(990.0));
        // The bar of issue 3: snippet F >= 0.93, scored as trafilatura does.
        let f = report.get("snippets.f").unwrap_or(0.0);
        assert!(f >= 0.93, "snippet F {f:.4} is below the bar of 0.93\n{report}");
        // The held-out half, never looked at while tuning, measured .929:
        // a floor against regressions, not the bar.
        let held_out = report.get("snippets.held_out.f").unwrap_or(0.0);
        assert!(held_out >= 0.925, "held-out snippet F {held_out:.4}\n{report}");
        assert_eq!(report.get("pages.held_out"), Some(490.0));
        // Metadata bar: on the pages whose JSON-LD or Open Graph carries a
        // publication date, our date is that date, on every one of them.
        // 534 pages: 535 before the check stopped reading a commented-out
        // Open Graph tag (chocolate.com.pregnant.html).
        assert_eq!(report.get("dates.structured_pages"), Some(534.0), "{report}");
        assert_eq!(report.get("dates.structured_right"), Some(534.0), "{report}");
    }

    #[test]
    fn structured_dates_are_read_from_json_ld_scripts_and_open_graph_only() {
        let html = r#"<!-- <meta content="2016-10-03" property="article:published_time"> -->
            <script>var x = {"datePublished": "2001-01-01"};</script>
            <script type="application/ld+json">{"datePublished": "2016-10-05T16:32:00+02:00"}</script>
            <meta content="2016-10-04" property="article:published_time">"#;
        let (ld, og) = super::structured_dates(html);
        assert_eq!(ld.map(|d| d.to_string()).as_deref(), Some("2016-10-05"));
        assert_eq!(og.map(|d| d.to_string()).as_deref(), Some("2016-10-04"));
        assert_eq!(super::structured_dates("<p>datePublished 2016-10-05</p>"), (None, None));
        let es = r#"<html lang="es"><meta property="og:published_time" content="10/05/2022">"#;
        assert_eq!(
            super::structured_dates(es).1.map(|d| d.to_string()).as_deref(),
            Some("2022-05-10")
        );
    }

    #[test]
    fn snippets_match_as_written_against_one_line_per_paragraph() {
        let text = "First  paragraph here.\n\nSecond one.";
        let lines = super::one_line_per_paragraph(text);
        assert_eq!(lines, "First paragraph here.\nSecond one.");
        assert!(!lines.contains("here. Second"));
    }
}
