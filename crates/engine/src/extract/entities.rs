//! Named entities of one article: people, organizations and places.
//!
//! Input: the article text with its tokens and sentences ([`super::tokens`]).
//! Output: [`Entity`]s, each under its fullest name in the article, with
//! the surface forms seen, the roles given and every mention's byte span.
//! Method: rules, no model. Capitalized spans (joined by "of", "al",
//! "bin", ...) are split into a title ("Secretary of State", "Sen.",
//! "Russian Foreign Minister") and a name; roles are also read from the
//! lowercase words before a name ("State Department spokesman") and from
//! appositives after it (", a former State Department official,",
//! ", D-N.J.,"). A span is a person when it has a title, an honorific or a
//! census first name, a place when GeoNames lists it, an organization when
//! it holds an organization word or is an acronym. Short forms ("Kerry",
//! "Mr. Kerry") then resolve to the full name with the same surname.

use std::collections::HashMap;
use std::ops::Range;

use serde::{Deserialize, Serialize};

use super::gazetteer::{self, Gender};
use super::tokens::{Token, TokenKind};

/// What an entity is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    /// A person.
    Person,
    /// A company, agency, party, outlet, armed group.
    Organization,
    /// A country, state or city.
    Place,
}

impl EntityKind {
    /// The lowercase name used in JSON and the store.
    pub fn name(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
        }
    }
}

/// An entity of one article.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// The fullest name the article gives ("John F. Kerry").
    pub name: String,
    /// Person, organization or place.
    pub kind: EntityKind,
    /// Every distinct surface form ("Kerry", "Mr. Kerry"), `name` included.
    pub aliases: Vec<String>,
    /// Roles and titles given to a person ("Secretary of State").
    pub roles: Vec<String>,
    /// Byte spans of the mentions (the name part, without title).
    pub mentions: Vec<Range<usize>>,
    /// The gender the first name or an honorific suggests (people only).
    #[serde(skip)]
    pub gender: Option<Gender>,
}

/// One candidate mention before resolution.
struct Candidate {
    /// Tokens of the name (title removed).
    name: Range<usize>,
    kind: Option<EntityKind>,
    role: Option<String>,
    honorific: Option<Gender>,
}

/// The entities of an article, and a position index over their mentions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Entities {
    /// The entities, in order of first mention.
    pub entities: Vec<Entity>,
    /// `(mention span, entity index)`, sorted by span start.
    pub index: Vec<(Range<usize>, usize)>,
}

impl Entities {
    /// The entity mentioned inside `span` that ends last (a speaker phrase
    /// "Kremlin spokesman Dmitry Peskov" names Peskov), preferring people.
    pub fn within(&self, span: Range<usize>) -> Option<usize> {
        let lo = self.index.partition_point(|(m, _)| m.start < span.start);
        let inside = self.index[lo..]
            .iter()
            .take_while(|(m, _)| m.start < span.end)
            .filter(|(m, _)| m.end <= span.end);
        let mut best: Option<(bool, usize, usize)> = None;
        for (m, e) in inside {
            let key = (self.entities[*e].kind == EntityKind::Person, m.end, *e);
            if best.is_none_or(|b| (key.0, key.1) > (b.0, b.1)) {
                best = Some(key);
            }
        }
        best.map(|b| b.2)
    }
}

/// Finds the entities of `text`.
pub fn entities(text: &str, tokens: &[Token], sentences: &[Range<usize>]) -> Entities {
    let word = |i: usize| &text[tokens[i].span.clone()];
    let is_word = |i: usize| tokens[i].kind == TokenKind::Word;
    let capitalized =
        |i: usize| is_word(i) && word(i).chars().next().is_some_and(char::is_uppercase);
    // Capitalized words seen inside sentences: a sentence-initial word is a
    // name only if it also appears capitalized elsewhere.
    let mut mid: HashMap<&str, u32, xxhash_rust::xxh3::Xxh3DefaultBuilder> = HashMap::default();
    for s in sentences {
        for i in s.start + 1..s.end {
            if capitalized(i) && !(i > 0 && is_opening_punct(word(i - 1))) {
                *mid.entry(strip_possessive(word(i))).or_default() += 1;
            }
        }
    }
    let mut candidates = Vec::new();
    for s in sentences {
        let n_words = (s.start..s.end).filter(|&i| is_word(i)).count();
        let n_caps = (s.start..s.end)
            .filter(|&i| {
                is_word(i) && word(i).len() > 1 && word(i).chars().all(|c| !c.is_lowercase())
            })
            .count();
        if n_words > 3 && n_caps * 2 > n_words {
            continue; // A headline in capitals: every word looks like a name.
        }
        let mut i = s.start;
        while i < s.end {
            if !capitalized(i) {
                i += 1;
                continue;
            }
            let start = i;
            let mut end = i + 1;
            while end < s.end {
                if capitalized(end) && !ends_with_possessive(word(end - 1)) {
                    end += 1;
                } else if end + 1 < s.end
                    && matches!(
                        word(end),
                        "of" | "al"
                            | "al-"
                            | "bin"
                            | "de"
                            | "van"
                            | "von"
                            | "der"
                            | "du"
                            | "da"
                            | "del"
                            | "la"
                            | "&"
                    )
                    && capitalized(end + 1)
                    && !ends_with_possessive(word(end - 1))
                {
                    end += 2;
                } else {
                    break;
                }
            }
            i = end;
            let mut first = start;
            while first < end && gazetteer::is_capitalized_function_word(word(first)) {
                first += 1;
            }
            if first == end {
                continue;
            }
            let at_sentence_start = first == s.start
                || (first > s.start && is_opening_punct(word(first - 1)) && first - 1 == s.start);
            if at_sentence_start && end - first == 1 {
                let w = strip_possessive(word(first));
                if !mid.contains_key(w) && !gazetteer::is_place(w) && !gazetteer::is_org_word(w) {
                    continue;
                }
            }
            if let Some(c) = candidate(text, tokens, s, first..end) {
                candidates.push(c);
            }
        }
    }
    resolve(text, tokens, candidates)
}

fn is_opening_punct(w: &str) -> bool {
    matches!(w, "“" | "\"" | "``" | "‘" | "'" | "(" | "[" | "«" | "—" | "-" | ":")
}

fn ends_with_possessive(w: &str) -> bool {
    w.ends_with("’s") || w.ends_with("'s") || w.ends_with("s’")
}

fn strip_possessive(w: &str) -> &str {
    w.strip_suffix("’s").or_else(|| w.strip_suffix("'s")).unwrap_or(w)
}

/// Splits a capitalized run into title and name, reads the roles around it
/// and guesses the kind.
fn candidate(
    text: &str,
    tokens: &[Token],
    sentence: &Range<usize>,
    run: Range<usize>,
) -> Option<Candidate> {
    let word = |i: usize| &text[tokens[i].span.clone()];
    let mut name = run.clone();
    let mut title: Option<Range<usize>> = None;
    let mut honorific = None;
    if let Some(h) = (run.start..run.end).rev().find(|&i| gazetteer::is_title(word(i))) {
        if gazetteer::is_honorific(word(h)) {
            honorific = Some(if word(h).starts_with("Mr") && !word(h).starts_with("Mrs") {
                Gender::Male
            } else if word(h) == "Messrs." {
                Gender::Unknown
            } else {
                Gender::Female
            });
            name = h + 1..run.end;
            if h > run.start {
                title = Some(run.start..h);
            }
        } else {
            let mut name_start = h + 1;
            if name_start < run.end && word(name_start) == "of" {
                // "Secretary of State John Kerry": the complement runs up to
                // a first name, else it is one word.
                let first =
                    (name_start + 2..run.end).find(|&k| gazetteer::first_name(word(k)).is_some());
                name_start = first.unwrap_or((name_start + 2).min(run.end));
            }
            title = Some(run.start..name_start);
            name = name_start..run.end;
        }
    }
    if name.is_empty() {
        return None;
    }
    // Lowercase role words right before the name: "State Department
    // spokesman Mark Toner", "White House press secretary Josh Earnest".
    let mut role = title.clone().map(|t| span_text(text, tokens, t));
    if title.is_none() || title.as_ref().is_some_and(|t| t.start == run.start) {
        let mut k = run.start;
        let mut has_role_word = false;
        while k > sentence.start {
            let w = word(k - 1);
            let lower = w.chars().next().is_some_and(char::is_lowercase);
            if lower && gazetteer::is_role_word(w) {
                has_role_word = true;
            } else if !(lower && gazetteer::is_role_modifier(w)
                || !lower
                    && tokens[k - 1].kind == TokenKind::Word
                    && !gazetteer::is_capitalized_function_word(w))
            {
                break;
            }
            k -= 1;
        }
        if has_role_word {
            let start = k;
            role = Some(span_text(text, tokens, start..title.map_or(run.start, |t| t.end)));
        }
    }
    // An appositive role: "Stephen Sestanovich, a former State Department
    // official," or "Sen. Bob Menendez, D-N.J.,".
    if name.end + 1 < sentence.end && word(name.end) == "," {
        let mut k = name.end + 1;
        if matches!(word(k), "a" | "an" | "the") {
            k += 1;
        }
        let app_start = k;
        let stop = (k..sentence.end.min(k + 9))
            .find(|&j| matches!(word(j), "," | "." | ";" | "who" | "which" | "said" | "says"));
        if let Some(stop) = stop {
            let words: Vec<&str> = (app_start..stop).map(word).collect();
            let party = words.len() == 1 && is_party_tag(words[0]);
            if party
                || (!words.is_empty()
                    && words.iter().any(|w| gazetteer::is_role_word(w) || gazetteer::is_title(w)))
            {
                role = Some(span_text(text, tokens, app_start..stop));
            }
        }
    }
    let words: Vec<&str> = (name.start..name.end).map(|i| strip_possessive(word(i))).collect();
    let full = words.join(" ");
    let kind = if words.iter().any(|w| gazetteer::is_org_word(w)) {
        Some(EntityKind::Organization)
    } else if gazetteer::is_place(&full) {
        Some(EntityKind::Place)
    } else if role.is_some()
        || honorific.is_some()
        || words.len() >= 2 && gazetteer::first_name(words[0]).is_some()
    {
        Some(EntityKind::Person)
    } else if words.len() == 1 && is_acronym(words[0]) {
        Some(EntityKind::Organization)
    } else if words.len() == 2 && !words.iter().any(|w| gazetteer::is_nationality(w)) {
        Some(EntityKind::Person)
    } else if words.len() >= 3 {
        Some(EntityKind::Organization)
    } else {
        None
    };
    if words.len() == 1 && gazetteer::is_nationality(words[0]) {
        return None;
    }
    Some(Candidate { name, kind, role, honorific })
}

fn is_party_tag(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 4 && matches!(b[0], b'D' | b'R' | b'I') && b[1] == b'-' && b[2].is_ascii_uppercase()
}

fn is_acronym(w: &str) -> bool {
    let letters = w.chars().filter(|c| c.is_alphabetic()).count();
    (2..=6).contains(&letters) && w.chars().all(|c| c.is_uppercase() || c == '.' || c == '&')
}

fn span_text(text: &str, tokens: &[Token], r: Range<usize>) -> String {
    let mut out = String::new();
    for i in r {
        let w = &text[tokens[i].span.clone()];
        if !out.is_empty() && w != "," {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

/// A name folded for comparison: lowercase, basic Latin, with the common
/// transliteration variants of Russian and Arabic names made one
/// ("Sergey"/"Sergei", "Dmitry"/"Dmitri").
pub fn fold(name: &str) -> String {
    let mut s: String = name
        .chars()
        .filter_map(|c| {
            let c = match c {
                'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'Á' | 'À' | 'Â' | 'Ä' => 'a',
                'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' => 'e',
                'í' | 'ì' | 'î' | 'ï' | 'Í' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'Ó' | 'Ö' => 'o',
                'ú' | 'ù' | 'û' | 'ü' | 'Ú' | 'Ü' => 'u',
                'ñ' => 'n',
                'ç' => 'c',
                '-' | ' ' => ' ',
                c if c.is_alphanumeric() => c,
                _ => return None,
            };
            Some(c.to_ascii_lowercase())
        })
        .collect();
    for (from, to) in
        [("ks", "x"), ("kh", "h"), ("yu", "iu"), ("ya", "ia"), ("ey ", "ei "), ("iy ", "i ")]
    {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    if s.ends_with("ey") {
        s.truncate(s.len() - 2);
        s.push_str("ei");
    } else if s.ends_with("iy") {
        s.truncate(s.len() - 2);
        s.push('i');
    }
    s
}

/// Groups candidates into entities: full names first, then short forms by
/// surname.
fn resolve(text: &str, tokens: &[Token], candidates: Vec<Candidate>) -> Entities {
    let name_of = |c: &Candidate| -> String {
        let words: Vec<&str> = (c.name.start..c.name.end)
            .map(|i| strip_possessive(&text[tokens[i].span.clone()]))
            .collect();
        words.join(" ")
    };
    let span_of = |c: &Candidate| -> Range<usize> {
        let start = tokens[c.name.start].span.start;
        let last = &text[tokens[c.name.end - 1].span.clone()];
        let end = tokens[c.name.end - 1].span.end - (last.len() - strip_possessive(last).len());
        start..end
    };
    let mut out = Entities::default();
    let mut by_key: HashMap<(EntityKind, String), usize> = HashMap::new();
    // People with full names, by folded surname.
    let mut surnames: HashMap<String, Vec<usize>> = HashMap::new();
    let mut firsts: HashMap<String, Vec<usize>> = HashMap::new();
    let mut pending = Vec::new();
    for c in candidates {
        let name = name_of(&c);
        let n_words = c.name.len();
        if c.kind == Some(EntityKind::Person) && n_words >= 2 {
            let words: Vec<&str> = name.split(' ').collect();
            let surname = fold(words[words.len() - 1]);
            let first = fold(words[0]);
            // The same person under a fuller or shorter form ("John Kerry",
            // "John F. Kerry"): same surname, same first name.
            let existing = surnames.get(&surname).and_then(|ids| {
                ids.iter().copied().find(|&e| {
                    let n = &out.entities[e].name;
                    fold(n.split(' ').next().unwrap_or("")) == first
                })
            });
            let e = match existing {
                Some(e) => e,
                None => {
                    out.entities.push(Entity {
                        name: name.clone(),
                        kind: EntityKind::Person,
                        aliases: vec![],
                        roles: vec![],
                        mentions: vec![],
                        gender: None,
                    });
                    let e = out.entities.len() - 1;
                    surnames.entry(surname).or_default().push(e);
                    firsts.entry(first).or_default().push(e);
                    e
                }
            };
            add_mention(
                &mut out,
                e,
                &name,
                span_of(&c),
                c.role,
                c.honorific.or(gazetteer::first_name(words[0])),
            );
            if words.len() > out.entities[e].name.split(' ').count() {
                out.entities[e].name = name;
            }
        } else {
            pending.push(c);
        }
    }
    for c in pending {
        let name = name_of(&c);
        let key = fold(&name);
        let mut target = None;
        if c.name.len() == 1 && c.kind != Some(EntityKind::Organization) || c.honorific.is_some() {
            let last = fold(name.split(' ').next_back().unwrap_or(""));
            // "Mr." and "Ms." never name the same person.
            let fits = |e: &usize| match (c.honorific, out.entities[*e].gender) {
                (
                    Some(a @ (Gender::Male | Gender::Female)),
                    Some(b @ (Gender::Male | Gender::Female)),
                ) => a == b,
                _ => true,
            };
            let ids: Option<Vec<usize>> = surnames
                .get(&last)
                .map(|ids| ids.iter().copied().filter(fits).collect::<Vec<_>>())
                .filter(|ids| !ids.is_empty());
            if let Some(ids) = ids {
                // The most recent full name with that surname, else the first.
                target = ids
                    .iter()
                    .copied()
                    .rfind(|&e| {
                        out.entities[e]
                            .mentions
                            .first()
                            .is_some_and(|m| m.start < tokens[c.name.start].span.start)
                    })
                    .or(ids.first().copied());
            } else if c.honorific.is_some() {
                // "Mr. Ban" for "Ban Ki-moon": family name first.
                target = firsts.get(&key).and_then(|ids| ids.first().copied());
            }
        }
        let e = match target {
            Some(e) => e,
            None => {
                let Some(kind) = c.kind.or(c.honorific.map(|_| EntityKind::Person)) else {
                    continue;
                };
                // "Mr. Johnson" and "Ms. Johnson" are two people.
                let key = match c.honorific {
                    Some(g @ (Gender::Male | Gender::Female)) => format!("{key}#{g:?}"),
                    _ => key,
                };
                match by_key.get(&(kind, key.clone())) {
                    Some(&e) => e,
                    None => {
                        out.entities.push(Entity {
                            name: name.clone(),
                            kind,
                            aliases: vec![],
                            roles: vec![],
                            mentions: vec![],
                            gender: None,
                        });
                        let e = out.entities.len() - 1;
                        by_key.insert((kind, key), e);
                        if kind == EntityKind::Person {
                            surnames
                                .entry(fold(name.split(' ').next_back().unwrap_or("")))
                                .or_default()
                                .push(e);
                        }
                        e
                    }
                }
            }
        };
        let surface = match c.honorific {
            Some(_) if c.name.start > 0 => {
                format!("{} {}", &text[tokens[c.name.start - 1].span.clone()], name)
            }
            _ => name,
        };
        add_mention(&mut out, e, &surface, span_of(&c), c.role, c.honorific);
    }
    for e in &mut out.entities {
        e.aliases.sort();
        e.aliases.dedup();
        e.mentions.sort_by_key(|m| m.start);
    }
    let mut index: Vec<(Range<usize>, usize)> = out
        .entities
        .iter()
        .enumerate()
        .flat_map(|(i, e)| e.mentions.iter().map(move |m| (m.clone(), i)))
        .collect();
    index.sort_by_key(|(m, _)| (m.start, m.end));
    out.index = index;
    // Entities in order of first mention.
    let mut order: Vec<usize> = (0..out.entities.len()).collect();
    order.sort_by_key(|&i| out.entities[i].mentions.first().map_or(usize::MAX, |m| m.start));
    let mut remap = vec![0; order.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new;
    }
    let mut sorted: Vec<Option<Entity>> = out.entities.into_iter().map(Some).collect();
    out.entities =
        order.iter().map(|&i| sorted[i].take().unwrap_or_else(|| unreachable!())).collect();
    for (_, e) in &mut out.index {
        *e = remap[*e];
    }
    out
}

fn add_mention(
    out: &mut Entities,
    e: usize,
    surface: &str,
    span: Range<usize>,
    role: Option<String>,
    gender: Option<Gender>,
) {
    let entity = &mut out.entities[e];
    if !entity.aliases.iter().any(|a| a == surface) {
        entity.aliases.push(surface.to_string());
    }
    // Only people have roles; an appositive after a place or an
    // organization describes it, it is not a title.
    if let Some(role) = role.filter(|_| entity.kind == EntityKind::Person) {
        if !entity.roles.contains(&role) {
            entity.roles.push(role);
        }
    }
    if entity.gender.is_none_or(|g| g == Gender::Unknown) {
        if let Some(g) = gender {
            entity.gender = Some(g);
        }
    }
    entity.mentions.push(span);
}

#[cfg(test)]
mod tests {
    use super::super::tokens::{quote_marks, sentences, tokenize};
    use super::*;

    fn check(text: &str) -> String {
        let tokens = tokenize(text);
        let closers: Vec<usize> =
            quote_marks(text).iter().filter_map(|q| q.close.as_ref().map(|c| c.start)).collect();
        let sents = sentences(text, &tokens, &closers);
        let ents = entities(text, &tokens, &sents);
        ents.entities
            .iter()
            .map(|e| {
                format!(
                    "{} {} [{}] roles [{}] x{}\n",
                    e.kind.name(),
                    e.name,
                    e.aliases.join("; "),
                    e.roles.join("; "),
                    e.mentions.len()
                )
            })
            .collect()
    }

    #[test]
    fn names_titles_and_short_forms() {
        let got = check(
            "Secretary of State John Kerry met Russian Foreign Minister Sergey Lavrov in Geneva. \
             Mr. Kerry said little. Later, Kerry and Lavrov left, State Department spokesman Mark Toner said. \
             Toner spoke. Sen. Bob Menendez, D-N.J., disagreed with the Pentagon and NATO.",
        );
        expect_test::expect![[r#"
            person John Kerry [John Kerry; Kerry; Mr. Kerry] roles [Secretary of State] x3
            person Sergey Lavrov [Lavrov; Sergey Lavrov] roles [Russian Foreign Minister] x2
            place Geneva [Geneva] roles [] x1
            organization State Department [State Department] roles [] x1
            person Mark Toner [Mark Toner; Toner] roles [State Department spokesman] x2
            person Bob Menendez [Bob Menendez] roles [D-N.J.] x1
            organization Pentagon [Pentagon] roles [] x1
            organization NATO [NATO] roles [] x1
        "#]]
        .assert_eq(&got);
    }

    #[test]
    fn same_surname_different_people_stay_apart() {
        let got = check("Barack Obama spoke. Michelle Obama smiled. Obama left.");
        expect_test::expect![[r#"
            person Barack Obama [Barack Obama] roles [] x1
            person Michelle Obama [Michelle Obama; Obama] roles [] x2
        "#]]
        .assert_eq(&got);
    }

    #[test]
    fn fold_merges_transliterations() {
        assert_eq!(fold("Sergey"), fold("Sergei"));
        assert_eq!(fold("Dmitriy"), fold("Dmitri"));
        assert_ne!(fold("Kerry"), fold("Kelly"));
    }
}
