//! `storyline eval timex`: the temporal tagger on TempEval-3's training
//! data (TimeBank + AQUAINT, `tempeval3/TBAQ-cleaned/*/*.tml`).
//!
//! Input: the `.tml` files. Output: strict and relaxed span P/R/F1, value
//! and type accuracy over relaxed matches, and value and type F1; over all
//! documents, over TimeBank and over AQUAINT, and over the held-out half of
//! AQUAINT, whose errors were never looked at when writing rules (so
//! overfitting to the habits of the rest shows).
//! Method: the `<TEXT>` section is stripped of its tags (entities decoded)
//! and tagged with the document creation time as the reference date; the
//! gold TIMEX3s inside it are compared by character offsets. The creation
//! time itself sits outside `<TEXT>` and is not scored. Scoring follows the
//! TempEval-3 scorer: gold and system expressions are paired one to one by
//! overlap (relaxed match); an attribute counts for a pair whose values are
//! the same string, and attribute F1 divides those pairs by the system
//! count (precision) and the gold count (recall), which equals relaxed F1
//! times attribute accuracy.

use std::ops::Range;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::{Prf, Report};
use crate::timex::{tag, TimexConfig};
use crate::Error;

/// One gold expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GoldTimex {
    /// Byte span in [`TmlDoc::text`].
    pub span: Range<usize>,
    /// `DATE`, `TIME`, `DURATION` or `SET`.
    pub kind: String,
    /// The TimeML value.
    pub value: String,
}

/// A TimeML document: its text, creation date and gold expressions.
#[derive(Clone, Debug)]
pub struct TmlDoc {
    /// The file name without extension.
    pub id: String,
    /// The sub-corpus: `TimeBank` or `AQUAINT` (empty when parsed alone).
    pub corpus: String,
    /// The `<TEXT>` section without tags.
    pub text: String,
    /// The document creation time (the date part).
    pub dct: Option<NaiveDate>,
    /// The gold TIMEX3s in the text.
    pub gold: Vec<GoldTimex>,
}

fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let len = tag[start..].find('"')?;
    Some(&tag[start..start + len])
}

fn decode_entity(entity: &str) -> Option<char> {
    Some(match entity {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => {
            let num = entity.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

/// Parses a `.tml` file's content.
pub fn parse_tml(id: &str, xml: &str) -> TmlDoc {
    let dct = xml
        .find("functionInDocument=\"CREATION_TIME\"")
        .and_then(|i| xml[..i].rfind("<TIMEX3").map(|s| &xml[s..]))
        .and_then(|t| attr(t, "value"))
        .and_then(|v| NaiveDate::parse_from_str(v.get(..10)?, "%Y-%m-%d").ok());
    let body = match (xml.find("<TEXT>"), xml.find("</TEXT>")) {
        (Some(a), Some(b)) if a < b => &xml[a + "<TEXT>".len()..b],
        _ => "",
    };
    let mut text = String::with_capacity(body.len());
    let mut gold = Vec::new();
    let mut open: Option<(usize, String, String)> = None;
    let mut rest = body;
    while !rest.is_empty() {
        if rest.starts_with('<') {
            let Some(end) = rest.find('>') else { break };
            let tag = &rest[..=end];
            if tag.starts_with("<TIMEX3") {
                let kind = attr(tag, "type").unwrap_or("").to_string();
                let value = attr(tag, "value").unwrap_or("").to_string();
                if tag.ends_with("/>") {
                    // An empty (non-consuming) TIMEX3 has no text to find.
                } else {
                    open = Some((text.len(), kind, value));
                }
            } else if tag.starts_with("</TIMEX3") {
                if let Some((start, kind, value)) = open.take() {
                    gold.push(GoldTimex { span: start..text.len(), kind, value });
                }
            }
            rest = &rest[end + 1..];
        } else if rest.starts_with('&') {
            let decoded = rest[1..]
                .find(';')
                .filter(|&i| i < 10)
                .and_then(|i| Some((decode_entity(&rest[1..1 + i])?, i)));
            match decoded {
                Some((c, i)) => {
                    text.push(c);
                    rest = &rest[i + 2..];
                }
                None => {
                    text.push('&');
                    rest = &rest[1..];
                }
            }
        } else {
            let n = rest.find(['<', '&']).unwrap_or(rest.len());
            text.push_str(&rest[..n]);
            rest = &rest[n..];
        }
    }
    TmlDoc { id: id.to_string(), corpus: String::new(), text, dct, gold }
}

/// The `.tml` files of the training data, sorted.
fn tml_files(datasets: &Path) -> crate::Result<Vec<PathBuf>> {
    let root = datasets.join("tempeval3/TBAQ-cleaned");
    let mut files = Vec::new();
    for sub in ["TimeBank", "AQUAINT"] {
        let dir = root.join(sub);
        let entries =
            std::fs::read_dir(&dir).map_err(|source| Error::Io { path: dir.clone(), source })?;
        for entry in entries {
            let path = entry.map_err(|source| Error::Io { path: dir.clone(), source })?.path();
            if path.extension().is_some_and(|e| e == "tml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Reads every training document.
pub fn load(datasets: &Path) -> crate::Result<Vec<TmlDoc>> {
    tml_files(datasets)?
        .iter()
        .map(|path| {
            let xml = std::fs::read_to_string(path)
                .map_err(|source| Error::Io { path: path.clone(), source })?;
            let id = path.file_stem().map_or(String::new(), |s| s.to_string_lossy().into_owned());
            let mut doc = parse_tml(&id, &xml);
            doc.corpus = path
                .parent()
                .and_then(|p| p.file_name())
                .map_or(String::new(), |s| s.to_string_lossy().into_owned());
            Ok(doc)
        })
        .collect()
}

/// Counts of one scoring run.
#[derive(Clone, Copy, Debug, Default)]
pub struct Counts {
    /// Gold expressions.
    pub gold: usize,
    /// System expressions.
    pub system: usize,
    /// Exact span matches.
    pub strict: usize,
    /// Overlapping matches (one to one).
    pub relaxed: usize,
    /// Relaxed matches with the gold value.
    pub value: usize,
    /// Relaxed matches with the gold type.
    pub kind: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.gold += o.gold;
        self.system += o.system;
        self.strict += o.strict;
        self.relaxed += o.relaxed;
        self.value += o.value;
        self.kind += o.kind;
    }

    fn report(&self, report: &mut Report, prefix: &str) {
        let (s, g) = (self.system as f64, self.gold as f64);
        report.add_prf(&format!("{prefix}strict"), Prf::from_counts(self.strict as f64, s, g));
        report.add_prf(&format!("{prefix}relaxed"), Prf::from_counts(self.relaxed as f64, s, g));
        report.add(format!("{prefix}value.f"), Prf::from_counts(self.value as f64, s, g).f);
        report.add(format!("{prefix}type.f"), Prf::from_counts(self.kind as f64, s, g).f);
        let per_match =
            |n: usize| if self.relaxed > 0 { n as f64 / self.relaxed as f64 } else { 0.0 };
        report.add(format!("{prefix}value.accuracy"), per_match(self.value));
        report.add(format!("{prefix}type.accuracy"), per_match(self.kind));
    }
}

/// Scores one document; `errors` receives a line per mistake.
pub fn score(doc: &TmlDoc, errors: Option<&mut Vec<String>>) -> Counts {
    let system = tag(&doc.text, doc.dct, &TimexConfig::default());
    let mut counts = Counts { gold: doc.gold.len(), system: system.len(), ..Counts::default() };
    let mut used = vec![false; system.len()];
    let mut lines = Vec::new();
    for g in &doc.gold {
        let found = system
            .iter()
            .enumerate()
            .filter(|(i, s)| !used[*i] && s.span.start < g.span.end && g.span.start < s.span.end)
            .max_by_key(|(_, s)| {
                (s.span == g.span, s.span.end.min(g.span.end) - s.span.start.max(g.span.start))
            });
        let Some((i, s)) = found else {
            lines.push(format!(
                "{} MISS {:?} {} {}",
                doc.id,
                &doc.text[g.span.clone()],
                g.kind,
                g.value
            ));
            continue;
        };
        used[i] = true;
        counts.relaxed += 1;
        counts.strict += usize::from(s.span == g.span);
        counts.value += usize::from(s.value == g.value);
        counts.kind += usize::from(s.kind.name() == g.kind);
        if s.span != g.span || s.value != g.value || s.kind.name() != g.kind {
            lines.push(format!(
                "{} DIFF {:?} {} {} | sys {:?} {} {} | dct {} in {:?}",
                doc.id,
                &doc.text[g.span.clone()],
                g.kind,
                g.value,
                &doc.text[s.span.clone()],
                s.kind.name(),
                s.value,
                doc.dct.map_or("-".to_string(), |d| d.to_string()),
                context(&doc.text, &g.span, 60)
            ));
        }
    }
    for (s, _) in system.iter().zip(&used).filter(|(_, u)| !**u) {
        lines.push(format!(
            "{} EXTRA {:?} {} {} in {:?}",
            doc.id,
            &doc.text[s.span.clone()],
            s.kind.name(),
            s.value,
            context(&doc.text, &s.span, 30)
        ));
    }
    if let Some(e) = errors {
        e.extend(lines);
    }
    counts
}

/// `span` with `n` bytes of text around it, on one line.
fn context(text: &str, span: &Range<usize>, n: usize) -> String {
    let mut start = span.start.saturating_sub(n);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (span.end + n).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    text[start..end].replace('\n', " ")
}

/// Whether the `aquaint_idx`-th AQUAINT document (in file-name order) is
/// in the held-out half: never looked at when writing rules, so its score
/// says how well they carry over to new text.
pub fn held_out(aquaint_idx: usize) -> bool {
    aquaint_idx.is_multiple_of(2)
}

/// Runs the evaluation. With `STORYLINE_EVAL_ERRORS=TimeBank` (or
/// `AQUAINT`) set, the notes list every error in that sub-corpus, except in
/// the held-out half of AQUAINT.
pub fn run(datasets: &Path) -> crate::Result<Report> {
    let docs = load(datasets)?;
    let verbose = std::env::var("STORYLINE_EVAL_ERRORS").ok();
    let mut all = Counts::default();
    let (mut timebank, mut aquaint, mut aquaint_held) =
        (Counts::default(), Counts::default(), Counts::default());
    let mut errors = Vec::new();
    let mut aquaint_idx = 0;
    for doc in &docs {
        let is_aquaint = doc.corpus == "AQUAINT";
        let held = is_aquaint && held_out(aquaint_idx);
        let shown = verbose.as_deref().is_some_and(|v| v == doc.corpus) && !held;
        let c = score(doc, shown.then_some(&mut errors));
        all.add(c);
        if is_aquaint {
            aquaint.add(c);
            if held {
                aquaint_held.add(c);
            }
            aquaint_idx += 1;
        } else {
            timebank.add(c);
        }
    }
    let mut report = Report::new("timex");
    report.add("documents", docs.len() as f64);
    report.add("gold", all.gold as f64);
    report.add("system", all.system as f64);
    all.report(&mut report, "");
    timebank.report(&mut report, "timebank.");
    aquaint.report(&mut report, "aquaint.");
    aquaint_held.report(&mut report, "aquaint.heldout.");
    report.notes = errors;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_text_offsets_and_entities() {
        let xml = r#"<DCT><TIMEX3 tid="t0" type="DATE" value="1998-08-07T10:00" functionInDocument="CREATION_TIME">x</TIMEX3></DCT>
<TEXT>A &amp; B <EVENT eid="e1">met</EVENT> <TIMEX3 tid="t1" type="DATE" value="1998-08-06">yesterday</TIMEX3>.</TEXT>"#;
        let doc = parse_tml("d", xml);
        assert_eq!(doc.text, "A & B met yesterday.");
        assert_eq!(doc.dct, NaiveDate::from_ymd_opt(1998, 8, 7));
        assert_eq!(doc.gold.len(), 1);
        assert_eq!(&doc.text[doc.gold[0].span.clone()], "yesterday");
        let c = score(&doc, None);
        assert_eq!((c.strict, c.value, c.kind), (1, 1, 1));
    }

    /// Value F1 is TempEval-3's attribute F1: relaxed matches with the
    /// gold value over the system and gold counts, which is relaxed F1
    /// times value accuracy.
    #[test]
    fn value_f1_is_relaxed_f1_times_value_accuracy() {
        let xml = r#"<DCT><TIMEX3 tid="t0" type="DATE" value="1998-08-07" functionInDocument="CREATION_TIME">x</TIMEX3></DCT>
<TEXT>They met <TIMEX3 tid="t1" type="DATE" value="1998-08-06">yesterday</TIMEX3> and <TIMEX3 tid="t2" type="DATE" value="1998-07-28">on Tuesday</TIMEX3>, not <TIMEX3 tid="t3" type="DATE" value="XXXX">then</TIMEX3>, and will meet next week.</TEXT>"#;
        let doc = parse_tml("d", xml);
        let c = score(&doc, None);
        // "yesterday" is right; "Tuesday" overlaps "on Tuesday" but is a
        // week off (the 4th); "then" is missed; "next week" is extra.
        assert_eq!((c.gold, c.system, c.relaxed, c.strict, c.value), (3, 3, 2, 1, 1));
        let mut report = Report::new("t");
        c.report(&mut report, "");
        let (value_f, relaxed_f, accuracy) = (
            report.get("value.f").unwrap_or(0.0),
            report.get("relaxed.f").unwrap_or(0.0),
            report.get("value.accuracy").unwrap_or(0.0),
        );
        assert!((value_f - 1.0 / 3.0).abs() < 1e-9, "{value_f}");
        assert!((value_f - relaxed_f * accuracy).abs() < 1e-9);
    }

    /// The bars of issue 7 on all 256 documents.
    #[test]
    fn tempeval3_bars() {
        let report = run(&super::super::datasets_dir()).expect("tempeval3 data");
        println!("{report}");
        assert_eq!(report.get("documents"), Some(256.0));
        assert_eq!(report.get("gold"), Some(1822.0));
        let value_f = report.get("value.f").unwrap_or(0.0);
        let strict_f = report.get("strict.f").unwrap_or(0.0);
        assert!(strict_f >= 0.85, "strict span F1 {strict_f:.3} < 0.85");
        assert!(value_f >= 0.82, "value F1 {value_f:.3} < 0.82");
    }
}
