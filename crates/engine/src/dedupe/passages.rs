//! Shared passages: paragraphs reused by otherwise different articles.
//!
//! Input: the articles and the copy group of each. Output: the
//! [`SharedPassage`]s, each a paragraph hash with where it occurs.
//! Method: split each text into paragraphs (blank lines; a text without
//! any is split at line breaks), hash each paragraph's normalised words, and
//! keep the hashes found in articles of at least two different groups (a
//! copy repeating its original is not a shared passage, it is a copy).
//! Later stages count such a paragraph, or a quote inside it, once.

use std::collections::BTreeMap;

use super::sketch::text_hash;
use super::{Config, Input};
use crate::model::{Article, ArticleId};

/// A paragraph that appears in articles of different copy groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SharedPassage {
    /// The hash of its normalised words ([`super::text_hash`]).
    pub hash: u64,
    /// Its length in words.
    pub n_words: u32,
    /// Where it occurs: article and 0-based paragraph number, by article id.
    pub occurrences: Vec<(ArticleId, u32)>,
}

/// The paragraphs of a clean text: split at blank lines, or at line breaks
/// when the text has no blank line (one sentence or paragraph a line).
pub fn paragraphs(text: &str) -> Vec<&str> {
    let has_blank = text.lines().any(|l| l.trim().is_empty())
        && text.lines().filter(|l| !l.trim().is_empty()).count() > 1;
    if has_blank {
        let mut out = Vec::new();
        let mut start: Option<usize> = None;
        let mut end = 0;
        let mut pos = 0;
        for line in text.split_inclusive('\n') {
            if line.trim().is_empty() {
                if let Some(s) = start.take() {
                    out.push(&text[s..end]);
                }
            } else {
                start.get_or_insert(pos);
                end = pos + line.trim_end().len();
            }
            pos += line.len();
        }
        if let Some(s) = start {
            out.push(&text[s..end]);
        }
        out
    } else {
        text.lines().map(str::trim).filter(|l| !l.is_empty()).collect()
    }
}

/// The passages shared across copy groups of stored articles, from each
/// copy's canonical article (`duplicate_of`): what the export marks.
pub fn shared_in(
    articles: &[Article],
    duplicate_of: &std::collections::HashMap<ArticleId, ArticleId>,
    config: &Config,
) -> Vec<SharedPassage> {
    let inputs: Vec<Input<'_>> = articles.iter().map(Input::from).collect();
    let position: std::collections::HashMap<ArticleId, usize> =
        articles.iter().enumerate().map(|(i, a)| (a.id, i)).collect();
    // A group is named by its canonical article's position; an article in
    // no group by a value no position takes.
    let group_of: Vec<usize> = articles
        .iter()
        .enumerate()
        .map(|(i, a)| match duplicate_of.get(&a.id).and_then(|c| position.get(c)) {
            Some(&canonical) => canonical,
            None => i,
        })
        .collect();
    shared_passages(&inputs, &group_of, config)
}

/// The passages shared across groups; `group_of[i]` is the copy group of
/// input `i` (or any value unique to it when it has none).
pub(crate) fn shared_passages(
    inputs: &[Input<'_>],
    group_of: &[usize],
    config: &Config,
) -> Vec<SharedPassage> {
    let mut seen: BTreeMap<u64, (u32, Vec<(usize, u32)>)> = BTreeMap::new();
    for (i, input) in inputs.iter().enumerate() {
        for (p, para) in paragraphs(input.text).into_iter().enumerate() {
            let mut n_words = 0u32;
            super::for_each_word(para, |_| n_words += 1);
            if n_words < config.min_passage_words {
                continue;
            }
            let Some(hash) = text_hash(para) else { continue };
            let entry = seen.entry(hash).or_insert((n_words, Vec::new()));
            // A paragraph repeated inside one article counts once there.
            if entry.1.last().is_none_or(|&(j, _)| j != i) {
                entry.1.push((i, p as u32));
            }
        }
    }
    let mut out: Vec<SharedPassage> = seen
        .into_iter()
        .filter(|(_, (_, occ))| occ.iter().any(|&(i, _)| group_of[i] != group_of[occ[0].0]))
        .map(|(hash, (n_words, occ))| {
            let mut occurrences: Vec<(ArticleId, u32)> =
                occ.into_iter().map(|(i, p)| (inputs[i].id, p)).collect();
            occurrences.sort();
            SharedPassage { hash, n_words, occurrences }
        })
        .collect();
    out.sort_by(|a, b| a.occurrences[0].cmp(&b.occurrences[0]).then(a.hash.cmp(&b.hash)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_paragraphs() {
        assert_eq!(paragraphs("a b\nc\n\n  \nd e\n"), ["a b\nc", "d e"]);
        assert_eq!(paragraphs("one\ntwo\n"), ["one", "two"]);
        assert_eq!(paragraphs("\n\nonly\n\n"), ["only"]);
        assert!(paragraphs("").is_empty());
    }

    #[test]
    fn marks_wire_paragraphs_reused_across_groups() {
        let wire = "The agency said the ship was carrying grain and fertiliser when it \
            ran aground near the port entrance early on Monday.";
        let a = format!("Our reporter saw the harbour closed all day.\n\n{wire}");
        let b = format!(
            "Traders worried about prices and delays for farmers.\n\n{}",
            wire.replace(',', "")
        );
        let c =
            "Nothing in common with the others here at all, just a long enough paragraph of words.";
        let inputs: Vec<Input<'_>> = [a.as_str(), b.as_str(), c]
            .iter()
            .enumerate()
            .map(|(i, t)| Input {
                id: ArticleId(10 - i as u64),
                text: t,
                outlet: None,
                original_outlet: None,
                published: None,
            })
            .collect();
        let shared = shared_passages(&inputs, &[0, 1, 2], &Config::default());
        assert_eq!(shared.len(), 1);
        assert_eq!(shared[0].occurrences, [(ArticleId(9), 1), (ArticleId(10), 1)]);
        // Within one copy group the paragraph is a copy, not a shared passage.
        assert!(shared_passages(&inputs, &[0, 0, 2], &Config::default()).is_empty());
    }

    #[test]
    fn stored_articles_share_a_passage_unless_they_are_copies() {
        let wire = "Engineers from the rail company said the bridge would stay closed \
            to freight trains until the inspection of its piers is finished.";
        let mut articles: Vec<Article> = [
            format!("Commuters waited for buses in the cold.\n\n{wire}"),
            format!("{wire}\n\nThe mayor promised a temporary ferry service across the river for workers and pupils."),
            format!("{wire}\n\nThe mayor promised a temporary ferry service across the river for workers and pupils!"),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, text)| crate::summarize::tests::article(i as u64 + 1, None, &text))
        .collect();
        let mut copies = std::collections::HashMap::new();
        let shared = shared_in(&articles, &copies, &Config::default());
        assert_eq!(shared.len(), 2, "{shared:?}");
        // Article 3 is a copy of 2: the ferry line is then a copy's, and the
        // wire paragraph is shared by two groups, {1} and {2, 3}.
        copies.insert(ArticleId(3), ArticleId(2));
        let shared = shared_in(&articles, &copies, &Config::default());
        assert_eq!(shared.len(), 1, "{shared:?}");
        assert_eq!(
            shared[0].occurrences,
            [(ArticleId(1), 1), (ArticleId(2), 0), (ArticleId(3), 0)]
        );
        articles.truncate(1);
        assert!(shared_in(&articles, &copies, &Config::default()).is_empty());
    }
}
