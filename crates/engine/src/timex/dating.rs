//! Sentence dating: the day each sentence of an article reports on.
//!
//! Input: a text, its sentence spans and its reference (publication) date.
//! Output: one `Option<NaiveDate>` per sentence.
//! Method: a sentence that names a day ("on Tuesday", "Oct. 3") gets the
//! first such day; else a sentence in the present perfect ("has agreed")
//! or built on a past-tense reporting verb ("said", "told") reports what
//! happened by the publication day and gets the reference date; else none.
//! Nothing is dated without a reference or an explicit day.

use std::ops::Range;

use chrono::NaiveDate;

use super::{tag, TimexConfig, TimexKind};

/// Past-tense reporting verbs: a sentence built on one tells what someone
/// said around the publication day.
const REPORTING: &[&str] = &[
    "said",
    "told",
    "announced",
    "reported",
    "added",
    "stated",
    "declared",
    "confirmed",
    "denied",
    "warned",
    "wrote",
    "tweeted",
    "insisted",
    "explained",
    "acknowledged",
    "noted",
    "claimed",
    "urged",
    "called",
    "accused",
    "admitted",
    "argued",
    "asked",
];

/// Past participles that do not end in "-ed".
const PARTICIPLES: &[&str] = &[
    "been", "done", "made", "said", "told", "taken", "given", "gone", "come", "become", "begun",
    "seen", "shown", "known", "held", "left", "met", "won", "lost", "sent", "spent", "struck",
    "broken", "chosen", "spoken", "written", "fallen", "risen", "grown", "brought", "bought",
    "fought", "led", "put", "set", "hit", "cut", "kept", "found", "got", "gotten", "paid",
];

/// The date of each sentence of `text` (see the module header).
pub fn date_sentences(
    text: &str,
    sentences: &[Range<usize>],
    reference: Option<NaiveDate>,
) -> Vec<Option<NaiveDate>> {
    let timexes = tag(text, reference, &TimexConfig::default());
    sentences
        .iter()
        .map(|s| {
            let explicit = timexes
                .iter()
                .filter(|t| t.span.start >= s.start && t.span.end <= s.end)
                .filter(|t| matches!(t.kind, TimexKind::Date | TimexKind::Time))
                .find_map(|t| t.day());
            explicit
                .or_else(|| reference.filter(|_| reports_recent(text.get(s.clone()).unwrap_or(""))))
        })
        .collect()
}

/// Whether a sentence is in the present perfect or built on a past-tense
/// reporting verb.
pub(crate) fn reports_recent(sentence: &str) -> bool {
    let words: Vec<String> = sentence
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let perfect = words.windows(2).any(|w| {
        matches!(w[0].as_str(), "has" | "have" | "hasn't" | "haven't" | "has't")
            && (w[1].ends_with("ed") || PARTICIPLES.contains(&w[1].as_str()))
    }) || words.windows(3).any(|w| {
        matches!(w[0].as_str(), "has" | "have")
            && matches!(
                w[1].as_str(),
                "not" | "now" | "already" | "also" | "just" | "since" | "still"
            )
            && (w[2].ends_with("ed") || PARTICIPLES.contains(&w[2].as_str()))
    });
    perfect || words.iter().any(|w| REPORTING.contains(&w.as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_days_then_reporting_then_nothing() {
        let text = "The envoy met the minister on Tuesday. Officials have suspended the talks. \
                    A spokesman said more meetings were possible. The region is mountainous.";
        let mut sentences = Vec::new();
        let mut start = 0;
        for (i, _) in text.match_indices(". ") {
            sentences.push(start..i + 1);
            start = i + 2;
        }
        sentences.push(start..text.len());
        let reference = NaiveDate::from_ymd_opt(2016, 10, 5);
        let got: Vec<String> = date_sentences(text, &sentences, reference)
            .iter()
            .map(|d| d.map_or("-".to_string(), |d| d.to_string()))
            .collect();
        assert_eq!(got, ["2016-10-04", "2016-10-05", "2016-10-05", "-"]);
        let undated = date_sentences(text, &sentences, None);
        assert_eq!(undated, vec![None; 4]);
    }
}
