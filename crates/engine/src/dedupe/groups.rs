//! Copy groups: joins verified copies and picks each group's original.
//!
//! Input: [`Input`] articles. Output: a [`Dedupe`] with one optional
//! [`Duplicate`] per article and the [`CopyGroup`]s.
//! Method: each article queries an [`Index`] of the ones before it and is
//! then added, so every copy pair is found once without comparing all
//! pairs; pairs are joined with union-find (the verdicts are symmetric, so
//! the groups do not depend on input order). The canonical member is the
//! one published by the outlet the group credits as original, else one
//! that carries that credit, else the earliest published, else the one
//! with most words, else the smallest id.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::passages::{shared_passages, SharedPassage};
use super::{compare, Config, Index, Input, Relation, Signature};
use crate::model::ArticleId;

/// How one article copies its group's canonical article.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Duplicate {
    /// The canonical article of the group.
    pub duplicate_of: ArticleId,
    /// How this article relates to it.
    pub relation: Relation,
    /// The similarity behind the relation (see [`super::Match`]).
    pub similarity: f32,
}

/// Articles that are one piece.
#[derive(Clone, Debug, PartialEq)]
pub struct CopyGroup {
    /// The article taken as the original.
    pub canonical: ArticleId,
    /// The outlet the members credit as the original publisher, else the
    /// canonical article's outlet.
    pub original_outlet: Option<String>,
    /// Every member, the canonical one first, then by id.
    pub members: Vec<ArticleId>,
}

/// Everything dedupe found in a batch.
#[derive(Clone, Debug, PartialEq)]
pub struct Dedupe {
    /// The signature of each input, in input order (for the store).
    pub signatures: Vec<Signature>,
    /// For each input, the article it duplicates (`None` for canonical and
    /// unique articles).
    pub duplicates: Vec<Option<Duplicate>>,
    /// The groups of two or more articles, ordered by canonical id.
    pub groups: Vec<CopyGroup>,
    /// Paragraphs shared by articles of different groups.
    pub passages: Vec<SharedPassage>,
}

/// A verified copy pair: positions in the inputs, how and how much.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Edge {
    /// The earlier input.
    pub a: usize,
    /// The later input.
    pub b: usize,
    /// The verdict.
    pub relation: Relation,
    /// Its similarity.
    pub similarity: f32,
}

/// Finds the copies, groups and shared passages among `inputs`.
pub fn detect(inputs: &[Input<'_>], config: &Config) -> Dedupe {
    let signatures: Vec<Signature> = inputs.iter().map(|i| Signature::of(i.text)).collect();
    // Index positions stand in for ids, so equal ids in the input (the same
    // text twice) stay two entries.
    // Each input is compared with those before it.
    let index = Index::build(signatures.iter().enumerate().map(|(i, s)| (ArticleId(i as u64), s)));
    let mut edges = Vec::new();
    for (i, sig) in signatures.iter().enumerate() {
        edges.extend(index.query_first(i, sig, config).into_iter().map(|m| Edge {
            a: m.id.0 as usize,
            b: i,
            relation: m.relation,
            similarity: m.similarity,
        }));
    }
    group(inputs, signatures, &edges, config)
}

/// Groups `inputs` from their verified copy pairs (found earlier, for
/// instance partly stored and partly new) and marks shared passages.
/// `signatures[i]` is the signature of `inputs[i]`.
pub fn group(
    inputs: &[Input<'_>],
    signatures: Vec<Signature>,
    edges: &[Edge],
    config: &Config,
) -> Dedupe {
    let (duplicates, groups, group_of) = copy_groups(inputs, &signatures, edges, config);
    let passages = shared_passages(inputs, &group_of, config);
    Dedupe { signatures, duplicates, groups, passages }
}

/// The copies and groups of [`group`], without shared passages (which
/// read every text): each article's [`Duplicate`], the groups ordered by
/// canonical id, and each input's group number (`usize::MAX - i` when in
/// none). A group depends only on its own members and their pairs, so the
/// store regroups just the groups a new pair touches, passing their
/// members in arrival order (`text` may then be empty).
pub fn copy_groups(
    inputs: &[Input<'_>],
    signatures: &[Signature],
    edges: &[Edge],
    config: &Config,
) -> (Vec<Option<Duplicate>>, Vec<CopyGroup>, Vec<usize>) {
    let edges: Vec<(usize, usize, Relation, f32)> =
        edges.iter().map(|e| (e.a, e.b, e.relation, e.similarity)).collect();
    let mut parent: Vec<usize> = (0..inputs.len()).collect();
    for &(a, b, _, _) in &edges {
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut components: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..inputs.len() {
        let root = find(&mut parent, i);
        components.entry(root).or_default().push(i);
    }

    let mut duplicates: Vec<Option<Duplicate>> = vec![None; inputs.len()];
    let mut groups = Vec::new();
    let mut group_of: Vec<usize> = (0..inputs.len()).map(|i| usize::MAX - i).collect();
    for members in components.into_values().filter(|m| m.len() > 1) {
        let original = named_original(inputs, &members);
        let canonical = *members
            .iter()
            .min_by_key(|&&m| canonical_rank(&inputs[m], &signatures[m], original.as_deref()))
            .expect("a component has members");
        for &m in &members {
            group_of[m] = groups.len();
            if m == canonical {
                continue;
            }
            // The direct verdict against the canonical article; a member
            // that joined through another copy keeps its best own edge.
            let verdict = compare(&signatures[m], &signatures[canonical], config).or_else(|| {
                edges
                    .iter()
                    .filter(|e| e.0 == m || e.1 == m)
                    .min_by(|x, y| x.2.rank().cmp(&y.2.rank()).then(y.3.total_cmp(&x.3)))
                    .map(|e| (e.2, e.3))
            });
            let (relation, similarity) = verdict.expect("a member has an edge");
            duplicates[m] =
                Some(Duplicate { duplicate_of: inputs[canonical].id, relation, similarity });
        }
        let mut ids: Vec<ArticleId> =
            members.iter().filter(|&&m| m != canonical).map(|&m| inputs[m].id).collect();
        ids.sort();
        ids.insert(0, inputs[canonical].id);
        let original_outlet =
            original.or_else(|| inputs[canonical].outlet.map(|o| o.trim().to_string()));
        groups.push(CopyGroup { canonical: inputs[canonical].id, original_outlet, members: ids });
    }
    // Order groups by canonical id and renumber the membership to match.
    let mut order: Vec<usize> = (0..groups.len()).collect();
    order.sort_by_key(|&g| groups[g].canonical);
    let mut renumber = vec![0; groups.len()];
    for (new, &old) in order.iter().enumerate() {
        renumber[old] = new;
    }
    for g in group_of.iter_mut().filter(|g| **g < groups.len()) {
        *g = renumber[*g];
    }
    let mut sorted: Vec<Option<CopyGroup>> = groups.into_iter().map(Some).collect();
    let groups: Vec<CopyGroup> = order.iter().filter_map(|&g| sorted[g].take()).collect();
    (duplicates, groups, group_of)
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

/// An outlet name reduced for comparison: lowercase words, a leading
/// "the" dropped ("The Wall Street Journal" = "wall street journal").
pub fn outlet_key(outlet: &str) -> String {
    let words: Vec<String> = outlet
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .collect();
    let start = usize::from(words.first().is_some_and(|w| w == "the") && words.len() > 1);
    words[start..].join(" ")
}

/// The original outlet most members credit (ties: the smallest key), as
/// first written by a member in input order.
fn named_original(inputs: &[Input<'_>], members: &[usize]) -> Option<String> {
    let mut counts: BTreeMap<String, (usize, &str)> = BTreeMap::new();
    for &m in members {
        if let Some(o) = inputs[m].original_outlet.filter(|o| !outlet_key(o).is_empty()) {
            counts.entry(outlet_key(o)).or_insert((0, o)).0 += 1;
        }
    }
    let best = counts.values().map(|&(n, _)| n).max()?;
    counts.values().find(|&&(n, _)| n == best).map(|&(_, o)| o.trim().to_string())
}

/// Smaller is more likely the original.
fn canonical_rank(
    input: &Input<'_>,
    sig: &Signature,
    original: Option<&str>,
) -> (bool, bool, bool, Option<NaiveDate>, std::cmp::Reverse<u32>, ArticleId) {
    let key = original.map(outlet_key);
    let is = |o: Option<&str>| key.as_ref().is_some_and(|k| o.is_some_and(|o| outlet_key(o) == *k));
    (
        !is(input.outlet),
        !is(input.original_outlet),
        input.published.is_none(),
        input.published,
        std::cmp::Reverse(sig.n_words),
        input.id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "Rescue teams reached the flooded village late on Sunday, two days after \
        the river burst its banks, and began moving families to a school on higher ground.\n\n\
        The regional governor said about four hundred homes were damaged and that the army \
        would send boats and field kitchens before the next rain arrives on Wednesday.\n\n\
        Farmers said most of the harvest was lost, and asked the government for emergency \
        loans; the agriculture ministry promised an answer by the end of the month.\n\n\
        Weather services warned that more storms could follow, and schools in three districts \
        will stay closed until the water level falls below the warning mark.\n\n\
        Volunteers from neighbouring towns collected blankets, bottled water and tinned food, \
        and a football club opened its stadium as a shelter for people who lost their homes.\n\n\
        Engineers will inspect the dam upstream next week; the last full inspection was done \
        eleven years ago, and local councillors have asked why it took so long.";

    const OTHER: &str = "The city orchestra opened its season with a new symphony by a young \
        local composer, drawing a full house and a standing ovation on Friday night.\n\n\
        Critics praised the brass section and the conductor, who took over the orchestra last \
        spring after a long search, and said the hall's new seats improved the sound.";

    fn input<'a>(id: u64, text: &'a str, outlet: &'a str, day: u32) -> Input<'a> {
        Input {
            id: ArticleId(id),
            text,
            outlet: Some(outlet),
            original_outlet: None,
            published: NaiveDate::from_ymd_opt(2020, 5, day),
        }
    }

    #[test]
    fn groups_copies_and_picks_the_original() {
        let chrome =
            format!("Share | Print\n\n{STORY}\n\nCopyright the Daily Echo. Subscribe now.");
        let short = STORY.split("\n\n").take(4).collect::<Vec<_>>().join("\n\n");
        let damaged = STORY.replace('\'', "").replace(';', ",").to_uppercase();
        let mut credited = input(5, &chrome, "Echo", 3);
        credited.original_outlet = Some("River Wire");
        let inputs = [
            input(9, &short, "Gazette", 1),
            input(3, OTHER, "Arts Daily", 1),
            credited,
            input(4, &damaged, "River Wire", 4),
            input(7, STORY, "Herald", 2),
        ];
        let out = detect(&inputs, &Config::default());
        assert_eq!(out.groups.len(), 1);
        let group = &out.groups[0];
        // The outlet the copies credit wins over earlier dates.
        assert_eq!(group.canonical, ArticleId(4));
        assert_eq!(group.original_outlet.as_deref(), Some("River Wire"));
        assert_eq!(group.members, [ArticleId(4), ArticleId(5), ArticleId(7), ArticleId(9)]);
        let rel = |i: usize| out.duplicates[i].map(|d| (d.duplicate_of.0, d.relation));
        assert_eq!(rel(0), Some((4, Relation::Contained)));
        assert_eq!(rel(1), None);
        assert_eq!(rel(2), Some((4, Relation::Near)));
        assert_eq!(rel(3), None);
        assert_eq!(rel(4), Some((4, Relation::Exact)));

        // Without any credit, the earliest published wins.
        let plain: Vec<Input<'_>> =
            inputs.iter().map(|i| Input { original_outlet: None, ..*i }).collect();
        let out = detect(&plain, &Config::default());
        assert_eq!(out.groups[0].canonical, ArticleId(9));
        assert_eq!(out.groups[0].original_outlet.as_deref(), Some("Gazette"));
    }

    #[test]
    fn outlet_keys() {
        assert_eq!(outlet_key("The Wall Street Journal"), outlet_key("wall street journal"));
        assert_eq!(outlet_key("The"), "the");
        assert_eq!(outlet_key(" -- "), "");
    }

    proptest::proptest! {
        #[test]
        fn order_does_not_change_groups(rotate in 0usize..5, cut in 1usize..4) {
            let short = STORY.split("\n\n").take(cut).collect::<Vec<_>>().join("\n\n");
            let mut inputs = vec![
                input(1, STORY, "A", 1),
                input(2, &short, "B", 2),
                input(3, OTHER, "C", 3),
                input(4, STORY, "D", 4),
                input(5, OTHER, "E", 5),
            ];
            let a = detect(&inputs, &Config::default());
            inputs.rotate_left(rotate);
            let b = detect(&inputs, &Config::default());
            proptest::prop_assert_eq!(a.groups, b.groups);
        }
    }
}
