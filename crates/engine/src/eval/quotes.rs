//! Task `quotes`: attribution extraction on PolNeAR.
//!
//! Input: `polnear/data/{train,dev}/text/*.txt` and their brat standoff
//! annotations `attributions/*.ann` (one annotator per text: the first file
//! by name).
//! Output: content-span precision, recall and F1 (a predicted content
//! overlapping a gold content is a match), and speaker accuracy among the
//! matched gold attributions (the predicted speaker span overlaps the gold
//! source, or names the same person), overall and for direct (gold content
//! holds a quotation mark) and indirect attributions; on dev, with train
//! reported alongside since the rules were tuned on it.
//! Method: brat character offsets are compared with the extractor's byte
//! offsets converted to characters.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use super::{Prf, Report};
use crate::extract::{extract, QuoteKind};

/// One gold attribution.
struct Gold {
    content: Range<usize>,
    source: Option<Range<usize>>,
    source_text: String,
    cue_text: String,
    cue: Option<Range<usize>>,
    direct: bool,
}

/// Counts for one split.
#[derive(Default)]
struct Counts {
    /// Gold attributions, direct and indirect.
    gold: [usize; 2],
    /// Gold attributions matched by a prediction.
    gold_hit: [usize; 2],
    /// Predictions, direct and indirect.
    pred: [usize; 2],
    /// Predictions overlapping a gold content.
    pred_hit: [usize; 2],
    /// Matched gold attributions with a source, and those whose speaker is right.
    speaker: [usize; 2],
    speaker_ok: [usize; 2],
}

/// Runs the task on dev (and train, for reference).
pub fn run(datasets: &Path) -> crate::Result<Report> {
    let root = datasets.join("polnear/data");
    let mut report = Report::new("quotes");
    for split in ["dev", "train"] {
        let counts = evaluate(&root, split, &mut Vec::new())?;
        add(&mut report, split, &counts);
    }
    Ok(report)
}

fn add(report: &mut Report, split: &str, c: &Counts) {
    let prf = |i: Option<usize>| {
        let sum = |a: &[usize; 2]| i.map_or(a[0] + a[1], |i| a[i]) as f64;
        let p = if sum(&c.pred) > 0.0 { sum(&c.pred_hit) / sum(&c.pred) } else { 0.0 };
        let r = if sum(&c.gold) > 0.0 { sum(&c.gold_hit) / sum(&c.gold) } else { 0.0 };
        let acc = if sum(&c.speaker) > 0.0 { sum(&c.speaker_ok) / sum(&c.speaker) } else { 0.0 };
        (Prf::from_pr(p, r), acc)
    };
    for (name, i) in [("all", None), ("direct", Some(0)), ("indirect", Some(1))] {
        let (content, speaker) = prf(i);
        report.add_prf(&format!("{split}.{name}.content"), content);
        report.add(format!("{split}.{name}.speaker_accuracy"), speaker);
    }
    report.notes.push(format!(
        "{split}: gold {} direct / {} indirect, predicted {} direct / {} indirect",
        c.gold[0], c.gold[1], c.pred[0], c.pred[1]
    ));
}

/// Evaluates one split; `errors` collects lines describing misses (for
/// looking at errors while tuning).
fn evaluate(root: &Path, split: &str, errors: &mut Vec<String>) -> crate::Result<Counts> {
    let dir = root.join(split);
    let ann_dir = dir.join("attributions");
    let io = |path: &Path, source| crate::Error::Io { path: path.to_path_buf(), source };
    let mut first_ann: BTreeMap<String, String> = BTreeMap::new();
    for entry in std::fs::read_dir(&ann_dir).map_err(|e| io(&ann_dir, e))? {
        let name = entry.map_err(|e| io(&ann_dir, e))?.file_name().to_string_lossy().into_owned();
        let Some(stem) = name.strip_suffix(".ann") else { continue };
        let Some((base, _annotator)) = stem.rsplit_once('_') else { continue };
        let slot = first_ann.entry(base.to_string()).or_insert_with(|| name.clone());
        if name < *slot {
            *slot = name;
        }
    }
    let mut c = Counts::default();
    for (base, ann) in &first_ann {
        let text_path = dir.join("text").join(format!("{base}.txt"));
        let ann_path = ann_dir.join(ann);
        let text = std::fs::read_to_string(&text_path).map_err(|e| io(&text_path, e))?;
        let ann_text = std::fs::read_to_string(&ann_path).map_err(|e| io(&ann_path, e))?;
        let gold = parse_ann(&ann_text);
        score(base, &text, &gold, &mut c, errors);
    }
    Ok(c)
}

/// Reads the attributions of a brat standoff file.
fn parse_ann(ann: &str) -> Vec<Gold> {
    let mut spans: BTreeMap<&str, (Range<usize>, &str)> = BTreeMap::new();
    let mut out = Vec::new();
    for line in ann.lines() {
        let mut parts = line.split('\t');
        let (Some(id), Some(body)) = (parts.next(), parts.next()) else { continue };
        let surface = parts.next().unwrap_or("");
        if id.starts_with('T') {
            let Some((_, offsets)) = body.split_once(' ') else { continue };
            let nums: Vec<usize> =
                offsets.split([' ', ';']).filter_map(|n| n.parse().ok()).collect();
            if let (Some(&lo), Some(&hi)) = (nums.iter().min(), nums.iter().max()) {
                spans.insert(id, (lo..hi, surface));
            }
        } else if id.starts_with('E') {
            let mut content = None;
            let mut source = None;
            let mut cue = "";
            let mut cue_span = None;
            for arg in body.split(' ') {
                match arg.split_once(':') {
                    Some(("Content", t)) => content = spans.get(t).cloned(),
                    Some(("Source", t)) => source = spans.get(t).cloned(),
                    Some(("Cue", t)) => {
                        cue = spans.get(t).map_or("", |c| c.1);
                        cue_span = spans.get(t).map(|c| c.0.clone());
                    }
                    _ => {}
                }
            }
            if let Some((content, content_text)) = content {
                let direct = content_text.contains(['"', '“', '”', '«', '»']);
                out.push(Gold {
                    content,
                    source: source.as_ref().map(|s| s.0.clone()),
                    source_text: source.map_or(String::new(), |s| s.1.to_string()),
                    cue_text: cue.to_string(),
                    cue: cue_span,
                    direct,
                });
            }
        }
    }
    out
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

fn score(base: &str, text: &str, gold: &[Gold], c: &mut Counts, errors: &mut Vec<String>) {
    // Byte offset -> character offset (brat counts characters).
    let mut char_at = vec![0usize; text.len() + 1];
    let mut n = 0;
    for (b, ch) in text.char_indices() {
        for slot in &mut char_at[b..b + ch.len_utf8()] {
            *slot = n;
        }
        n += 1;
    }
    char_at[text.len()] = n;
    let chars = |r: &Range<usize>| char_at[r.start]..char_at[r.end];
    let x = extract(text);
    let pred: Vec<_> = x.quotes.iter().map(|q| (chars(&q.content), q)).collect();
    for (p, q) in &pred {
        let k = usize::from(q.kind == QuoteKind::Indirect);
        c.pred[k] += 1;
        if gold.iter().any(|g| overlaps(&g.content, p)) {
            c.pred_hit[k] += 1;
            let cue = q.cue.as_ref().map_or("-", |c| &text[c.clone()]);
            errors.push(format!("{base} HIT {} cue [{cue}]", q.kind.name()));
        } else {
            let cue = q.cue.as_ref().map_or("-", |c| &text[c.clone()]);
            errors.push(format!(
                "{base} FP {} cue [{cue}]: {:.80}",
                q.kind.name(),
                &text[q.content.clone()]
            ));
        }
    }
    for g in gold {
        let k = usize::from(!g.direct);
        c.gold[k] += 1;
        // The prediction of the same attribution: the one whose cue is the
        // gold cue, else the one overlapping the gold content most.
        let same_cue = |q: &&crate::extract::Quote| {
            g.cue.as_ref().zip(q.cue.as_ref()).is_some_and(|(gc, qc)| overlaps(gc, &chars(qc)))
        };
        let best = pred.iter().filter(|(p, _)| overlaps(&g.content, p)).max_by_key(|(p, q)| {
            (same_cue(q), p.end.min(g.content.end) - p.start.max(g.content.start))
        });
        let Some((_, q)) = best else {
            let lo = text.char_indices().nth(g.content.start).map_or(0, |(b, _)| b);
            errors.push(format!(
                "{base} FN {} cue [{}] source [{}]: {:.80}",
                if g.direct { "direct" } else { "indirect" },
                g.cue_text,
                g.source_text,
                &text[lo..]
            ));
            continue;
        };
        c.gold_hit[k] += 1;
        let Some(source) = &g.source else { continue };
        c.speaker[k] += 1;
        let ok = q.speaker.as_ref().is_some_and(|s| {
            overlaps(&chars(&s.span), source) || {
                let last = s.name.rsplit(' ').next().unwrap_or("");
                last.len() > 2 && g.source_text.contains(last)
            }
        });
        if ok {
            c.speaker_ok[k] += 1;
        } else {
            let lo = text.char_indices().nth(g.content.start).map_or(0, |(b, _)| b);
            let hi = text.char_indices().nth(g.content.end).map_or(text.len(), |(b, _)| b);
            errors.push(format!(
                "{base} SPEAKER gold [{}] got [{}] cue [{}] content: {:.100}",
                g.source_text,
                q.speaker.as_ref().map_or("-".into(), |s| format!("{} = {}", s.surface, s.name)),
                g.cue_text,
                &text[lo..hi]
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bars on PolNeAR dev. Writes the misses of dev to
    /// `$STORYLINE_QUOTES_ERRORS` when set, for tuning.
    #[test]
    fn polnear_dev_bars() {
        let root = crate::eval::datasets_dir().join("polnear/data");
        let mut errors = Vec::new();
        let split = std::env::var("STORYLINE_QUOTES_SPLIT").unwrap_or_else(|_| "dev".into());
        let c = evaluate(&root, &split, &mut errors).expect("polnear is readable");
        let mut report = Report::new("quotes");
        add(&mut report, &split, &c);
        eprintln!("{report}");
        if let Ok(path) = std::env::var("STORYLINE_QUOTES_ERRORS") {
            let lines: Vec<String> = errors.iter().map(|e| e.replace('\n', " ")).collect();
            std::fs::write(path, lines.join("\n")).expect("errors file is writable");
        }
        let f = report.get(&format!("{split}.all.content.f")).unwrap_or(0.0);
        let acc = report.get(&format!("{split}.all.speaker_accuracy")).unwrap_or(0.0);
        let direct_f = report.get(&format!("{split}.direct.content.f")).unwrap_or(0.0);
        // The bars of #6: content F1 >= 0.80 and speaker accuracy >= 0.85
        // on dev (direct quotes, about 0.94, are asserted to catch a
        // regression hidden by the indirect ones).
        assert!(f >= 0.80 && acc >= 0.85 && direct_f >= 0.93, "{report}");
    }
}
