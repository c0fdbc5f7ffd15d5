//! Who said what in one article: direct and indirect quotes with speakers.
//!
//! Input: the article text, its tokens, quotation marks, sentences and
//! entities ([`super::tokens`], [`super::entities`]).
//! Output: [`Quote`]s: content span, kind, cue span and [`Speaker`] (the
//! phrase as written, its span, the entity it names or the anonymous
//! description).
//! Method: rules over the cue patterns of news. A quoted passage takes its
//! speaker from the cue after it (`,” X said`, `,” said X, the Y`) or before
//! it (`X said: “`, `adding: "`); a quote that opens a sentence right after
//! another speaker's quote continues that speaker; a short quote inside a
//! sentence is a partial quote and stays inside the indirect content around
//! it. Indirect speech is a cue verb with its subject (`X said (that) …`,
//! `…, X said.`, `according to X`), which also finds quotes whose marks were
//! lost. "He"/"she" resolve to the first person named in the nearest
//! sentence before that names one; descriptions ("a senior US official")
//! stay anonymous.

use std::ops::Range;
use std::sync::LazyLock;

use serde::{Deserialize, Serialize};

use super::entities::{Entities, EntityKind};
use super::gazetteer::{self, Gender};
use super::tokens::{QuoteMark, Token, TokenKind};

/// Whether the words are the speaker's own.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// Between quotation marks: the speaker's words.
    Direct,
    /// Reported speech or belief ("X said that ...", "according to X").
    Indirect,
}

impl QuoteKind {
    /// The lowercase name used in JSON and the store.
    pub fn name(self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
        }
    }
}

/// Who a quote is attributed to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Speaker {
    /// The phrase as written ("he", "Mr. Kerry", "a senior US official").
    pub surface: String,
    /// Its byte span.
    pub span: Range<usize>,
    /// The entity it names, an index into the article's entities (a
    /// pronoun is resolved to the person it stands for).
    pub entity: Option<usize>,
    /// The name to show: the entity's name, or the description for an
    /// anonymous or unresolved speaker.
    pub name: String,
    /// A source the article does not name ("a senior US official").
    pub anonymous: bool,
}

/// One attribution: who said (or thinks) what.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quote {
    /// Byte span of what was said (inside the marks for a direct quote).
    pub content: Range<usize>,
    /// Direct or indirect.
    pub kind: QuoteKind,
    /// Byte span of the cue ("said", "told", "according to").
    pub cue: Option<Range<usize>>,
    /// Who said it; `None` when no cue names anyone.
    pub speaker: Option<Speaker>,
    /// Other places in the article where the same words are quoted again.
    pub repeats: Vec<Range<usize>>,
}

/// Cue words learned from PolNeAR train by `scripts/cue_lexicon.py`: words
/// that head an annotated cue often enough and are a cue in a quarter of
/// their uses or more.
static LEARNED_CUES: LazyLock<gazetteer::WordSet> =
    LazyLock::new(|| include_str!("cues.txt").lines().collect());

/// The verbs and phrases that report speech or thought.
fn is_cue(w: &str) -> bool {
    // Cues are lowercase words of three letters or more.
    if w.len() < 3 || !w.as_bytes()[0].is_ascii_lowercase() {
        return false;
    }
    LEARNED_CUES.contains(w)
        || matches!(
            w,
            "said"
                | "says"
                | "say"
                | "saying"
                | "told"
                | "tells"
                | "tell"
                | "telling"
                | "added"
                | "adds"
                | "adding"
                | "explained"
                | "explains"
                | "explaining"
                | "noted"
                | "notes"
                | "noting"
                | "argued"
                | "argues"
                | "arguing"
                | "argue"
                | "claimed"
                | "claims"
                | "claiming"
                | "claim"
                | "stated"
                | "announced"
                | "announces"
                | "declared"
                | "declares"
                | "wrote"
                | "writes"
                | "tweeted"
                | "tweets"
                | "asked"
                | "asks"
                | "responded"
                | "replied"
                | "insisted"
                | "insists"
                | "warned"
                | "warns"
                | "warning"
                | "acknowledged"
                | "acknowledges"
                | "admitted"
                | "admits"
                | "suggested"
                | "suggests"
                | "suggesting"
                | "reported"
                | "reports"
                | "confirmed"
                | "denied"
                | "denies"
                | "believes"
                | "believe"
                | "believed"
                | "thinks"
                | "think"
                | "thought"
                | "hopes"
                | "hoped"
                | "wants"
                | "wanted"
                | "want"
                | "fears"
                | "feared"
                | "expects"
                | "predicted"
                | "predicts"
                | "recalled"
                | "recalls"
                | "stressed"
                | "emphasized"
                | "emphasised"
                | "urged"
                | "urges"
                | "accused"
                | "accuses"
                | "criticized"
                | "praised"
                | "agreed"
                | "agrees"
                | "concluded"
                | "contended"
                | "contends"
                | "maintained"
                | "maintains"
                | "asserted"
                | "conceded"
                | "complained"
                | "vowed"
                | "vows"
                | "promised"
                | "promises"
                | "pledged"
                | "threatened"
                | "estimated"
                | "showed"
                | "shows"
                | "show"
                | "found"
                | "revealed"
                | "indicated"
                | "indicates"
                | "called"
                | "calls"
                | "described"
                | "describes"
                | "charged"
                | "countered"
                | "observed"
                | "remarked"
                | "worried"
                | "knows"
                | "felt"
                | "feels"
                | "insist"
                | "announcing"
                | "calling"
                | "describing"
                | "boasted"
                | "joked"
                | "quipped"
                | "mused"
                | "testified"
                | "alleged"
                | "alleges"
                | "blamed"
                | "blames"
                | "questioned"
                | "wondered"
                | "explain"
                | "note"
                | "recall"
                | "acknowledge"
                | "admit"
                | "suggest"
                | "deny"
                | "hope"
                | "fear"
                | "expect"
                | "expected"
                | "warn"
                | "continued"
                | "posted"
                | "recounted"
                | "cautioned"
                | "declined"
                | "understands"
                | "knew"
                | "know"
                | "realized"
                | "announce"
                | "demanded"
                | "demands"
                | "proposed"
                | "proposes"
                | "stressing"
                | "emphasizing"
                | "pointed"
        )
}

/// Cues that take the listener as object ("told reporters that ...").
fn takes_listener(w: &str) -> bool {
    matches!(
        w,
        "told"
            | "tells"
            | "tell"
            | "telling"
            | "asked"
            | "asks"
            | "warned"
            | "warns"
            | "urged"
            | "urges"
            | "reminded"
            | "assured"
            | "informed"
            | "accused"
            | "called"
            | "praised"
            | "criticized"
            | "blamed"
    )
}

/// Participles that continue the sentence's speaker ("..., adding:").
fn is_participle(w: &str) -> bool {
    w.ends_with("ing")
}

/// Words skipped between a subject and its verb ("has also said").
fn is_aux(w: &str) -> bool {
    matches!(
        w,
        "has"
            | "have"
            | "had"
            | "also"
            | "later"
            | "previously"
            | "then"
            | "repeatedly"
            | "once"
            | "often"
            | "again"
            | "recently"
            | "would"
            | "will"
            | "did"
            | "does"
            | "do"
            | "reportedly"
            | "just"
            | "already"
            | "further"
            | "earlier"
            | "never"
            | "not"
            | "always"
            | "still"
            | "even"
            | "has,"
            | "is"
            | "was"
            | "were"
            | "are"
            | "could"
            | "may"
            | "might"
            | "must"
            | "should"
            | "can"
            | "first"
    ) || (w.len() > 4 && w.ends_with("ly") && w.chars().all(|c| c.is_ascii_lowercase()))
}

/// Lowercase words that end a subject phrase read leftwards.
fn bounds_phrase(w: &str) -> bool {
    matches!(
        w,
        "in" | "on"
            | "at"
            | "during"
            | "for"
            | "into"
            | "over"
            | "under"
            | "against"
            | "through"
            | "despite"
            | "without"
            | "by"
            | "from"
            | "Unless"
            | "While"
            | "If"
            | "After"
            | "Before"
            | "When"
            | "Although"
            | "Though"
            | "Because"
            | "Since"
            | "As"
            | "Do"
            | "Does"
            | "Did"
            | "In"
            | "On"
            | "At"
            | "For"
            | "During"
            | "whose"
            | "him"
            | "them"
            | "us"
            | "me"
            | "Whether"
            | "Once"
            | "Until"
            | "With"
            | "From"
            | "To"
            | "By"
            | "Under"
            | "Over"
            | "Despite"
            | "Without"
            | "Asked"
            | "Like"
            | "Unlike"
    ) || matches!(
        w,
        "that"
            | "which"
            | "who"
            | "whom"
            | "and"
            | "but"
            | "because"
            | "while"
            | "when"
            | "if"
            | "as"
            | "where"
            | "after"
            | "before"
            | "since"
            | "than"
            | "so"
            | "or"
            | "said"
            | "says"
            | "though"
            | "although"
            | "whether"
            | "what"
            | "how"
            | "why"
            | "until"
            | "unless"
            | "says,"
            | "to"
            | "nor"
            | "once"
            | "then"
    )
}

fn is_pronoun(w: &str) -> Option<Option<Gender>> {
    match w.to_ascii_lowercase().as_str() {
        "he" => Some(Some(Gender::Male)),
        "she" => Some(Some(Gender::Female)),
        "they" | "we" | "i" | "you" | "it" => Some(None),
        _ => None,
    }
}

/// Description heads that make a speaker anonymous.
fn is_anonymous_head(w: &str) -> bool {
    matches!(
        w,
        "official"
            | "officials"
            | "source"
            | "sources"
            | "aide"
            | "aides"
            | "diplomat"
            | "diplomats"
            | "person"
            | "people"
            | "spokesman"
            | "spokeswoman"
            | "spokesperson"
            | "adviser"
            | "advisers"
            | "staffer"
            | "staffers"
            | "insider"
            | "insiders"
            | "analyst"
            | "analysts"
            | "expert"
            | "experts"
            | "observer"
            | "observers"
            | "critics"
            | "supporters"
            | "residents"
            | "witnesses"
            | "lawmakers"
            | "officer"
            | "officers"
            | "member"
            | "members"
            | "activist"
            | "activists"
            | "leader"
            | "leaders"
    )
}

/// What the quote finder works on.
pub struct Context<'a> {
    /// The article text.
    pub text: &'a str,
    /// Its tokens.
    pub tokens: &'a [Token],
    /// Its quotation marks.
    pub marks: &'a [QuoteMark],
    /// Its sentences, as token ranges.
    pub sentences: &'a [Range<usize>],
    /// Its entities.
    pub entities: &'a Entities,
}

impl Context<'_> {
    fn word(&self, i: usize) -> &str {
        &self.text[self.tokens[i].span.clone()]
    }

    fn is_word(&self, i: usize) -> bool {
        self.tokens[i].kind == TokenKind::Word
    }

    /// The token starting at byte `at`, or the first after it.
    fn token_at(&self, at: usize) -> usize {
        self.tokens.partition_point(|t| t.span.start < at)
    }

    fn bytes(&self, r: Range<usize>) -> Range<usize> {
        if r.is_empty() {
            let at = self.tokens.get(r.start).map_or(self.text.len(), |t| t.span.start);
            return at..at;
        }
        self.tokens[r.start].span.start..self.tokens[r.end - 1].span.end
    }
}

/// A subject or speaker phrase found around a cue (token range).
type Phrase = Range<usize>;

/// The subject phrase left of cue token `v`, within sentence `s`; skips an
/// appositive between commas ("Sen. Bob Menendez, D-N.J., said").
fn left_phrase(cx: &Context, s: &Range<usize>, v: usize) -> (Phrase, bool) {
    let mut end = v;
    loop {
        while end > s.start && cx.is_word(end - 1) && is_aux(cx.word(end - 1)) {
            end -= 1;
        }
        // A time or occasion between subject and verb: "Clinton on Tuesday
        // said", "Obama last week said", "Ryan in a statement said".
        let skip = time_adjunct_before(cx, s.start, end);
        if skip == end {
            break;
        }
        end = skip;
    }
    let mut start = end;
    let mut stopped_at_comma = false;
    while start > s.start && end - start < 14 {
        let i = start - 1;
        let w = cx.word(i);
        if w == ")" {
            // A parenthesis inside the phrase: "Sen. Chuck Schumer (D-N.Y.)".
            if let Some(open) = (s.start..i).rev().take(8).find(|&k| cx.word(k) == "(") {
                if end == start {
                    end = open;
                }
                start = open;
                continue;
            }
        }
        if matches!(w, "-" | "—" | "--") && start == end {
            // A subject interrupted by dashes: "The three scholars - Mr.
            // Tribe, Ms. Epstein and Mr. Amar - agreed".
            if let Some(open) =
                (s.start + 1..i).rev().take(16).find(|&k| cx.word(k) == w && cx.is_word(k - 1))
            {
                end = open;
                start = open;
                continue;
            }
        }
        if !cx.is_word(i) {
            stopped_at_comma = w == ",";
            break;
        }
        if bounds_phrase(w) || is_cue(w) {
            break;
        }
        start -= 1;
    }
    if start == end && stopped_at_comma {
        // Appositive: look for the comma that opens it.
        let comma = (s.start..end - 1)
            .rev()
            .take(40)
            .find(|&k| {
                cx.word(k) == ","
                    && (k == s.start || cx.is_word(k - 1))
                    && (appositive_opener(cx, k + 1) || parenthetical_opener(cx.word(k + 1)))
            })
            .or_else(|| {
                // Any short description between commas after a name:
                // "Vikram Amar, dean of the law school, said".
                (s.start + 1..end - 1).rev().take(14).find(|&k| {
                    cx.word(k) == ","
                        && cx.word(k - 1).starts_with(|c: char| c.is_uppercase())
                        && (k + 1..end - 1)
                            .all(|j| cx.is_word(j) && !is_aux(cx.word(j)) && !is_cue(cx.word(j)))
                })
            });
        if let Some(c) = comma {
            let (mut p, _) = left_phrase_plain(cx, s, c);
            // Appositives in a row: "Hogan Gidley, a former director, whose
            // roots are ..., said": the name before the first.
            for _ in 0..3 {
                if p.is_empty() || p.start < s.start + 2 || cx.word(p.start - 1) != "," {
                    break;
                }
                let first = cx.word(p.start);
                if !(first.starts_with(|c: char| c.is_lowercase())
                    && appositive_opener(cx, p.start))
                {
                    break;
                }
                let (q, _) = left_phrase_plain(cx, s, p.start - 1);
                if q.is_empty() {
                    break;
                }
                p = q;
            }
            if !p.is_empty() {
                return (p, false);
            }
        }
        return (end..end, true);
    }
    while start + 1 < end
        && matches!(
            cx.word(start),
            "But"
                | "And"
                | "So"
                | "Yet"
                | "Then"
                | "Still"
                | "Now"
                | "Also"
                | "Meanwhile"
                | "However"
        )
    {
        start += 1;
    }
    (start..end, stopped_at_comma)
}

/// Words opening a parenthetical between a subject and its verb ("Trump,
/// in a statement, said", "Cruz, however, said").
fn parenthetical_opener(w: &str) -> bool {
    matches!(
        w,
        "in" | "on"
            | "at"
            | "during"
            | "speaking"
            | "writing"
            | "after"
            | "while"
            | "however"
            | "meanwhile"
            | "too"
            | "though"
            | "for"
            | "asked"
            | "when"
            | "like"
    )
}

/// The start of a time or occasion phrase ending at token `end` (after a
/// subject, before its verb), or `end` when there is none.
fn time_adjunct_before(cx: &Context, lo: usize, end: usize) -> usize {
    if end < lo + 2 || !cx.is_word(end - 1) {
        return end;
    }
    let last = cx.word(end - 1);
    let day = matches!(
        last,
        "Monday"
            | "Tuesday"
            | "Wednesday"
            | "Thursday"
            | "Friday"
            | "Saturday"
            | "Sunday"
            | "yesterday"
            | "today"
            | "tonight"
    );
    let period =
        matches!(last, "week" | "month" | "year" | "night" | "weekend" | "morning" | "evening");
    let prev = cx.word(end - 2);
    if (day || period) && matches!(prev, "on" | "last" | "this" | "late" | "early" | "earlier") {
        let k = end - 2;
        // "earlier this week".
        if k > lo + 1 && matches!(cx.word(k - 1), "earlier" | "later") {
            return k - 1;
        }
        return if k > lo { k } else { end };
    }
    if day {
        return end - 1;
    }
    // "in a statement", "in an interview", "in his speech".
    if end >= lo + 4
        && cx.word(end - 3) == "in"
        && matches!(cx.word(end - 2), "a" | "an" | "his" | "her" | "their" | "its" | "the")
        && matches!(
            last,
            "statement"
                | "interview"
                | "speech"
                | "tweet"
                | "email"
                | "letter"
                | "release"
                | "post"
        )
    {
        return end - 3;
    }
    end
}

/// Whether the words after a comma open an appositive ("a former aide",
/// "who ...", "the head of ...", "D-N.J.", "31,").
fn appositive_opener(cx: &Context, i: usize) -> bool {
    i < cx.tokens.len() && {
        let w = cx.word(i);
        matches!(
            w,
            "a" | "an"
                | "the"
                | "who"
                | "whose"
                | "which"
                | "one"
                | "another"
                | "also"
                | "now"
                | "then"
                | "both"
                | "himself"
                | "herself"
                | "his"
                | "her"
                | "its"
                | "their"
        ) || w.chars().next().is_some_and(|c| c.is_ascii_digit())
            || w.chars().next().is_some_and(char::is_uppercase)
            || gazetteer::is_role_word(w)
            || gazetteer::is_role_modifier(w)
    }
}

fn left_phrase_plain(cx: &Context, s: &Range<usize>, end: usize) -> (Phrase, bool) {
    let mut start = end;
    while start > s.start && end - start < 10 {
        let i = start - 1;
        let w = cx.word(i);
        if !cx.is_word(i) || bounds_phrase(w) || is_cue(w) {
            break;
        }
        start -= 1;
    }
    (start..end, false)
}

/// The speaker phrase right of an inverted cue ("said Kirby, who ...").
fn right_phrase(cx: &Context, s: &Range<usize>, v: usize) -> Phrase {
    let start = v + 1;
    let mut end = start;
    while end < s.end && end - start < 9 {
        let w = cx.word(end);
        if !cx.is_word(end)
            || (end > start
                && matches!(
                    w,
                    "who"
                        | "in"
                        | "on"
                        | "at"
                        | "during"
                        | "after"
                        | "before"
                        | "when"
                        | "while"
                        | "as"
                        | "that"
                        | "to"
                        | "of"
                        | "about"
                        | "referring"
                        | "speaking"
                        | "adding"
                        | "via"
                        | "with"
                        | "from"
                        | "for"
                ))
        {
            break;
        }
        end += 1;
    }
    start..end
}

/// Whether a phrase can be a speaker: a pronoun, or holds a capitalized word
/// or a noun-like description.
fn plausible_speaker(cx: &Context, p: &Phrase) -> bool {
    if p.is_empty() || p.len() > 12 {
        return false;
    }
    let first = cx.word(p.start);
    if p.len() == 1 && is_pronoun(first).is_some() {
        return true;
    }
    // A phrase opening with a lowercase preposition or verb form is not a
    // subject ("of suspending talks").
    if first.starts_with(|c: char| c.is_lowercase())
        && (matches!(
            first,
            "of" | "with"
                | "to"
                | "and"
                | "or"
                | "than"
                | "about"
                | "among"
                | "between"
                | "like"
                | "per"
        ) || first.ends_with("ing")
            || first.ends_with("ed") && p.len() > 1)
    {
        return false;
    }
    let last = cx.word(p.end - 1);
    if last.ends_with("’s") || last.ends_with("'s") || last.ends_with("s’") {
        return false;
    }
    if (p.start..p.end)
        .any(|i| is_aux(cx.word(i)) || cx.word(i).contains("n’t") || cx.word(i).contains("n't"))
    {
        return false;
    }
    // Anything but function words: "The company", "The ad", "Several".
    (p.start..p.end).any(|i| {
        let w = cx.word(i);
        !gazetteer::is_capitalized_function_word(w)
            && !matches!(
                w,
                "the"
                    | "a"
                    | "an"
                    | "this"
                    | "that"
                    | "these"
                    | "those"
                    | "its"
                    | "his"
                    | "her"
                    | "their"
            )
    }) && !matches!(first, "it" | "this" | "there" | "which" | "what")
}

/// Finds the quotes of an article.
pub fn quotes(cx: &Context) -> Vec<Quote> {
    let n_tokens = cx.tokens.len();
    let mut sentence_of = vec![0usize; n_tokens];
    for (k, s) in cx.sentences.iter().enumerate() {
        for t in s.clone() {
            sentence_of[t] = k;
        }
    }
    // Direct quote contents, to keep pronoun antecedents and indirect cues
    // out of them.
    let mut inside = vec![false; n_tokens];
    for m in cx.marks {
        let a = cx.token_at(m.content.start);
        let b = cx.token_at(m.content.end);
        for f in inside.iter_mut().take(b).skip(a) {
            *f = true;
        }
    }
    let mut out: Vec<Quote> = Vec::new();
    let mut used_cues: Vec<usize> = Vec::new();
    // Direct quotes after a participle cue ("..., adding: “"), by index in
    // `out`, with the cue token: their speaker is the sentence's.
    let mut participles: Vec<(usize, usize)> = Vec::new();
    // The last attributed direct quote: (speaker, sentence index of its end).
    let mut last: Option<(Option<Speaker>, usize)> = None;
    for m in cx.marks {
        let o = cx.token_at(m.open.start);
        let content_tokens = cx.token_at(m.content.start)..cx.token_at(m.content.end);
        let n_words = content_tokens.clone().filter(|&i| cx.is_word(i)).count();
        if n_words == 0 || o >= n_tokens {
            continue;
        }
        let s_open = &cx.sentences[sentence_of[o]];
        let after = m.close.as_ref().map(|c| cx.token_at(c.start) + 1);
        let mut found: Option<(Option<Speaker>, usize, usize)> = None; // speaker, cue token, sentence
        if let Some(a) = after.filter(|&a| a < n_tokens) {
            let s = &cx.sentences[sentence_of[a - 1]];
            // A quote followed by its cue ends a clause: `,”` `.”` `?”` or `”,`.
            // A nested quote may close first: `… ‘Let’s see?’” Renteria told`.
            let content_end =
                cx.text[..m.content.end].trim_end().trim_end_matches(['’', '\'', '"', '”']);
            let ends_clause =
                content_end.ends_with([',', '.', '?', '!', '—', ':', ';']) || cx.word(a) == ",";
            // `“…?” Maher replied.`: the cue sentence starts after the
            // closing mark; it counts when it is short (a cue, not a new
            // statement) or opens with its cue (`“…?” Trump said of Apple`).
            let next_sentence = sentence_of[a] != sentence_of[a - 1] && {
                let ns = &cx.sentences[sentence_of[a]];
                let n_words = (ns.start..ns.end).filter(|&j| cx.is_word(j)).count();
                let opens_with_cue = (a..ns.end.min(a + 4))
                    .take_while(|&j| cx.is_word(j))
                    .position(|j| is_cue(cx.word(j)))
                    .is_some_and(|p| {
                        (a..a + p).all(|j| cx.word(j).starts_with(|c: char| c.is_uppercase()))
                            || p == 1 && is_pronoun(cx.word(a)).is_some()
                    });
                (content_end.ends_with(['?', '!']) && n_words <= 12)
                    || (content_end.ends_with('.') && n_words <= 5)
                    || opens_with_cue
            };
            let s = if next_sentence { &cx.sentences[sentence_of[a]] } else { s };
            if (sentence_of[a] == sentence_of[a - 1] || next_sentence) && ends_clause {
                let mut k = a;
                if cx.word(k) == "," {
                    k += 1;
                }
                let v = (k..s.end.min(k + 12))
                    .take_while(|&j| {
                        cx.is_word(j) || matches!(cx.word(j), "," | "-" | "(" | ")" | "’" | "'")
                    })
                    .find(|&j| is_cue(cx.word(j)) && !inside[j]);
                if let Some(v) = v {
                    let phrase =
                        if v == k { right_phrase(cx, s, v) } else { left_phrase(cx, s, v).0 };
                    let phrase = if phrase.start < k { k..phrase.end } else { phrase };
                    if plausible_speaker(cx, &phrase) {
                        found = Some((
                            speaker(cx, &phrase, &sentence_of, &inside, &out),
                            v,
                            sentence_of[v],
                        ));
                    }
                }
            }
        }
        if found.is_none() && o == s_open.start {
            // `“…” to drive up the price, she said.`: a quote opening the
            // sentence, its cue at the end after a comma.
            if let Some(a) = after.filter(|&a| a < n_tokens && sentence_of[a] == sentence_of[o]) {
                let s = s_open;
                let end = trim_final(cx, s.end);
                let v = (a..end).filter(|&j| is_cue(cx.word(j)) && !inside[j]).find(|&j| {
                    let tail = (j + 1..end).take_while(|&t| cx.word(t) != ",").count();
                    tail <= 3 || starts_adjunct(cx, j + 1)
                });
                if let Some(v) = v {
                    let (phrase, _) = left_phrase(cx, s, v);
                    if !phrase.is_empty()
                        && phrase.start > a
                        && cx.word(phrase.start - 1) == ","
                        && plausible_speaker(cx, &phrase)
                    {
                        found = Some((
                            speaker(cx, &phrase, &sentence_of, &inside, &out),
                            v,
                            sentence_of[v],
                        ));
                    }
                }
            }
        }
        if found.is_none() && o > s_open.start {
            // A cue before the quote: "X said: “...", "X said, “...", "adding: “".
            let before = cx.word(o - 1);
            let lead = if matches!(before, ":" | "," | "that") { o - 1 } else { o };
            let v = (s_open.start..lead).rev().take(14).find(|&j| is_cue(cx.word(j)) && !inside[j]);
            if let Some(v) = v.filter(|&v| lead - v <= 8 && (lead < o || v + 1 == lead)) {
                let (phrase, _) = left_phrase(cx, s_open, v);
                if plausible_speaker(cx, &phrase) {
                    found = Some((
                        speaker(cx, &phrase, &sentence_of, &inside, &out),
                        v,
                        sentence_of[v],
                    ));
                } else if is_participle(cx.word(v)) {
                    let prev = out
                        .iter()
                        .rev()
                        .find(|q| q.content.end <= m.open.start && q.speaker.is_some());
                    found = Some((prev.and_then(|q| q.speaker.clone()), v, sentence_of[v]));
                    participles.push((out.len(), v));
                }
            }
        }
        let starts_sentence = o == s_open.start || (o > s_open.start && cx.word(o - 1) == "(");
        let speaker_and_cue = match found {
            Some((sp, v, k)) => {
                used_cues.push(v);
                last = Some((
                    sp.clone(),
                    k.max(sentence_of[content_tokens.end.saturating_sub(1).max(o)]),
                ));
                Some((sp, Some(cx.tokens[v].span.clone())))
            }
            None if starts_sentence => {
                let k = sentence_of[o];
                let inherit = last.as_ref().filter(|(_, lk)| k <= lk + 1).map(|(sp, _)| sp.clone());
                let end_sentence = sentence_of[content_tokens.end.saturating_sub(1).max(o)];
                match inherit {
                    Some(sp) => {
                        last = Some((sp.clone(), end_sentence));
                        Some((sp, None))
                    }
                    None if n_words >= 4 => Some((None, None)),
                    None => None,
                }
            }
            None => None,
        };
        if let Some((sp, cue)) = speaker_and_cue {
            out.push(Quote {
                content: m.content.clone(),
                kind: QuoteKind::Direct,
                cue,
                speaker: sp,
                repeats: vec![],
            });
        }
    }
    let direct: Vec<Range<usize>> = out.iter().map(|q| q.content.clone()).collect();
    indirect(cx, &sentence_of, &inside, &used_cues, &direct, &mut out);
    for (i, v) in participles {
        let s = &cx.sentences[sentence_of[v]];
        let lo = cx.tokens[s.start].span.start;
        let at = cx.tokens[v].span.start;
        let same = out
            .iter()
            .filter(|q| {
                q.speaker.is_some() && q.cue.as_ref().is_some_and(|c| c.start >= lo && c.start < at)
            })
            .max_by_key(|q| q.cue.as_ref().map(|c| c.start))
            .and_then(|q| q.speaker.clone());
        if let Some(sp) = same {
            out[i].speaker = Some(sp);
        }
    }
    out.sort_by_key(|q| q.content.start);
    name_anonymous(&mut out);
    dedupe(cx.text, out)
}

/// Reported speech: cue verbs outside direct quotes with their subjects.
fn indirect(
    cx: &Context,
    sentence_of: &[usize],
    inside: &[bool],
    used: &[usize],
    direct: &[Range<usize>],
    out: &mut Vec<Quote>,
) {
    let overlaps_direct =
        |r: &Range<usize>| direct.iter().any(|d| d.start < r.end && r.start < d.end);
    for s in cx.sentences {
        let mut v = s.start;
        while v < s.end {
            let w = cx.word(v);
            if inside[v] || used.contains(&v) || !cx.is_word(v) {
                v += 1;
                continue;
            }
            // "according to X, ..." / "..., according to X."
            if (w == "according" || w == "According") && v + 1 < s.end && cx.word(v + 1) == "to" {
                let phrase = right_phrase(cx, s, v + 1);
                let cue = cx.tokens[v].span.start..cx.tokens[v + 1].span.end;
                let content =
                    if v == s.start || (v > s.start && !cx.is_word(v - 1) && v - 1 == s.start) {
                        let c = (phrase.end..s.end)
                            .find(|&j| cx.word(j) == ",")
                            .map_or(phrase.end, |c| c + 1);
                        c..trim_final(cx, s.end)
                    } else {
                        let e = if v > s.start && cx.word(v - 1) == "," { v - 1 } else { v };
                        s.start..e
                    };
                push(cx, out, content, cue, &phrase, sentence_of, inside, overlaps_direct);
                v = phrase.end.max(v + 2);
                continue;
            }
            // A headline in title case: "Trump Says He Will Win".
            let lowered;
            let headline = v > s.start
                && matches!(
                    w,
                    "Says"
                        | "Said"
                        | "Tells"
                        | "Told"
                        | "Warns"
                        | "Urges"
                        | "Vows"
                        | "Admits"
                        | "Claims"
                        | "Denies"
                        | "Insists"
                        | "Predicts"
                )
                && cx.word(v - 1).starts_with(|c: char| c.is_uppercase());
            let w = if headline {
                lowered = w.to_ascii_lowercase();
                lowered.as_str()
            } else {
                w
            };
            if !is_cue(w) || w.chars().next().is_some_and(char::is_uppercase) {
                v += 1;
                continue;
            }
            let (mut phrase, after_comma) = left_phrase(cx, s, v);
            let cue = cx.tokens[v].span.clone();
            // Words after the cue before the sentence or clause ends.
            let tail_words = (v + 1..s.end)
                .take_while(|&j| cx.word(j) != "," && !matches!(cx.word(j), "." | ";"))
                .count();
            // The word before the verb group ("who", "and").
            let before = (s.start..v).rev().find(|&j| !(cx.is_word(j) && is_aux(cx.word(j))));
            let mut content: Option<Range<usize>> = None;
            // A speaker found otherwise than by the phrase left of the cue.
            let mut given: Option<Option<Speaker>> = None;
            if phrase.is_empty() && after_comma && !is_participle(w) {
                // Inverted: "..., said Stephen Sestanovich, a former official."
                phrase = right_phrase(cx, s, v);
                let comma = (s.start..v).rev().find(|&j| cx.word(j) == ",");
                if let Some(c) = comma {
                    content = Some(s.start..c);
                }
            } else if !phrase.is_empty()
                && phrase.start > s.start
                && cx.word(phrase.start - 1) == ","
                && (tail_words == 0
                    || starts_adjunct(cx, v + 1)
                    || takes_listener(w) && tail_words <= 2)
                && !has_that(cx, s, v)
            {
                // "Content, X said." (also where quote marks were lost), or
                // a parenthetical cue: "And yet, his aides say, the plan
                // stands": the content is the longer side of the cue.
                let n_before = (s.start..phrase.start - 1).filter(|&j| cx.is_word(j)).count();
                let rest = v + 1 + tail_words;
                let after = if rest < s.end && cx.word(rest) == "," { rest + 1 } else { rest };
                let n_after = (after..trim_final(cx, s.end)).filter(|&j| cx.is_word(j)).count();
                content = Some(if n_before <= 3 && n_after >= 3 {
                    after..trim_final(cx, s.end)
                } else {
                    s.start..phrase.start - 1
                });
            } else if phrase.is_empty()
                || is_participle(w) && before.is_some_and(|b| cx.word(b) == ",")
            {
                // No subject left of the cue: a relative clause ("Mr. Porter,
                // who said ..."), a second verb of the same subject ("She
                // declared ... and said that ..."), or a participle ("...,
                // adding that ...").
                let b = before.filter(|&b| b >= s.start);
                if let Some(b) = b.filter(|&b| cx.word(b) == "who" && b > s.start + 1) {
                    // "Mr. Porter, who said", "voters who said".
                    let np_end = if cx.word(b - 1) == "," { b - 1 } else { b };
                    if cx.is_word(np_end - 1) {
                        let (np, _) = left_phrase_plain(cx, s, np_end);
                        if plausible_speaker(cx, &np) {
                            given =
                                Some(speaker(cx, &np, sentence_of, inside, out).map(|mut sp| {
                                    sp.span = cx.tokens[b].span.clone();
                                    sp.surface = cx.word(b).to_string();
                                    sp
                                }));
                        }
                    }
                } else if is_participle(w)
                    || b.is_some_and(|b| matches!(cx.word(b), "and" | "but" | "or"))
                {
                    given = Some(subject_of_sentence(cx, s, v, sentence_of, inside, out));
                }
                if given.as_ref().is_some_and(Option::is_some) {
                    content = cue_object(cx, s, v, w);
                }
            } else {
                content = cue_object(cx, s, v, w);
                if content.is_none() {
                    v += 1;
                    continue;
                }
            }
            if let Some(content) = content {
                match given {
                    Some(sp) => {
                        push_speaker(cx, out, content, cue, sp, overlaps_direct);
                    }
                    None if plausible_speaker(cx, &phrase) => {
                        let sp = speaker(cx, &phrase, sentence_of, inside, out);
                        push_speaker(cx, out, content, cue, sp, overlaps_direct);
                    }
                    None => {}
                }
            }
            v += 1;
        }
    }
}

/// Whether the words at `i` are an adjunct of a cue, not its content
/// ("in a statement", "on Tuesday").
fn starts_adjunct(cx: &Context, i: usize) -> bool {
    i < cx.tokens.len()
        && matches!(
            cx.word(i),
            "in" | "on"
                | "at"
                | "during"
                | "after"
                | "before"
                | "while"
                | "from"
                | "to"
                | "via"
                | "late"
                | "earlier"
                | "last"
                | "this"
                | "Monday"
                | "Tuesday"
                | "Wednesday"
                | "Thursday"
                | "Friday"
                | "Saturday"
                | "Sunday"
        )
}

fn has_that(cx: &Context, s: &Range<usize>, v: usize) -> bool {
    (v + 1..s.end.min(v + 10)).take_while(|&j| cx.is_word(j)).any(|j| cx.word(j) == "that")
}

/// The end of a sentence without its final punctuation.
fn trim_final(cx: &Context, end: usize) -> usize {
    let mut e = end;
    while e > 0 && !cx.is_word(e - 1) && matches!(cx.word(e - 1), "." | "!" | "?" | ";" | ",") {
        e -= 1;
    }
    e
}

#[allow(clippy::too_many_arguments)]
fn push(
    cx: &Context,
    out: &mut Vec<Quote>,
    content: Range<usize>,
    cue: Range<usize>,
    phrase: &Phrase,
    sentence_of: &[usize],
    inside: &[bool],
    overlaps_direct: impl Fn(&Range<usize>) -> bool,
) {
    let sp = speaker(cx, phrase, sentence_of, inside, out);
    push_speaker(cx, out, content, cue, sp, overlaps_direct);
}

/// Adds an indirect quote of tokens `content`; a content running into a
/// direct quote ("X said the talks failed, adding: “…”") stops before it.
fn push_speaker(
    cx: &Context,
    out: &mut Vec<Quote>,
    content: Range<usize>,
    cue: Range<usize>,
    sp: Option<Speaker>,
    overlaps_direct: impl Fn(&Range<usize>) -> bool,
) {
    let mut content = content;
    let overlapping = !content.is_empty() && overlaps_direct(&cx.bytes(content.clone()));
    if let Some(k) =
        content.clone().filter(|_| overlapping).find(|&k| overlaps_direct(&cx.tokens[k].span))
    {
        let mut e = k;
        while e > content.start
            && (!cx.is_word(e - 1)
                || is_participle(cx.word(e - 1))
                || matches!(cx.word(e - 1), "and" | "but" | "that"))
        {
            e -= 1;
        }
        content.end = e;
    }
    let n_words = content.clone().filter(|&i| cx.is_word(i)).count();
    if n_words < 2 {
        return;
    }
    let r = cx.bytes(content);
    if overlaps_direct(&r) {
        return;
    }
    out.push(Quote {
        content: r,
        kind: QuoteKind::Indirect,
        cue: Some(cue),
        speaker: sp,
        repeats: vec![],
    });
}

/// What follows cue `v` as its content: after "that", after the listener
/// of "told reporters", to the end of the sentence; `None` when the cue is
/// followed by a short adjunct only ("spoke at noon").
fn cue_object(cx: &Context, s: &Range<usize>, v: usize, w: &str) -> Option<Range<usize>> {
    let mut c = v + 1;
    if let Some(t) = (v + 1..s.end.min(v + 10))
        .take_while(|&j| cx.is_word(j) || cx.word(j) == ",")
        .find(|&j| cx.word(j) == "that")
    {
        c = t + 1;
    } else if takes_listener(w) {
        // Skip the listener: "told reporters", "told Reuters".
        while c < s.end
            && cx.is_word(c)
            && c - v <= 3
            && !matches!(cx.word(c), "to" | "about" | "on" | "that")
        {
            if cx.word(c).chars().next().is_some_and(char::is_lowercase) && c > v + 1 {
                break;
            }
            c += 1;
        }
    }
    while c < s.end && matches!(cx.word(c), "," | ":") {
        c += 1;
    }
    if c == v + 1 && starts_adjunct(cx, c) && (c..s.end).filter(|&j| cx.is_word(j)).count() < 4 {
        return None;
    }
    // A participle cue after a comma starts an attribution of its own:
    // "attacked Rubio, saying he is weak".
    let end = trim_final(cx, s.end);
    let end = (c + 2..end)
        .find(|&j| cx.word(j - 1) == "," && is_participle(cx.word(j)) && is_cue(cx.word(j)))
        .map_or(end, |j| j - 1);
    Some(c..end)
}

/// The speaker of a cue with no subject of its own in sentence `s`: the
/// speaker of an earlier attribution in the sentence ("She declared “…”
/// and said that …"), else the person or pronoun opening the sentence.
fn subject_of_sentence(
    cx: &Context,
    s: &Range<usize>,
    v: usize,
    sentence_of: &[usize],
    inside: &[bool],
    out: &[Quote],
) -> Option<Speaker> {
    let lo = cx.tokens[s.start].span.start;
    let at = cx.tokens[v].span.start;
    let earlier = out.iter().rev().find(|q| {
        q.speaker.is_some() && q.cue.as_ref().is_some_and(|c| c.start >= lo && c.start < at)
    });
    if let Some(q) = earlier {
        return q.speaker.clone();
    }
    let mut i = s.start;
    while i < v && matches!(cx.word(i), "But" | "And" | "So" | "Yet" | "Then" | "Still" | "Now") {
        i += 1;
    }
    if i >= v {
        return None;
    }
    if is_pronoun(cx.word(i)).is_some() {
        return speaker(cx, &(i..i + 1), sentence_of, inside, out);
    }
    // A name (with its title) opening the sentence and followed by a verb.
    let start = cx.tokens[i].span.start;
    let from = cx.entities.index.partition_point(|(m, _)| m.start < start);
    let (m, _) = cx.entities.index.get(from).filter(|(m, _)| m.start < at)?;
    let end = cx.token_at(m.end);
    let opens = (i..cx.token_at(m.start)).all(|k| {
        cx.word(k).starts_with(|c: char| c.is_uppercase()) || gazetteer::is_role_word(cx.word(k))
    });
    if !opens || end >= v || !cx.is_word(end) {
        return None;
    }
    speaker(cx, &(i..end), sentence_of, inside, out)
}

/// Resolves a speaker phrase: an entity inside it, a pronoun's antecedent,
/// or an anonymous description.
fn speaker(
    cx: &Context,
    phrase: &Phrase,
    sentence_of: &[usize],
    inside: &[bool],
    earlier: &[Quote],
) -> Option<Speaker> {
    if phrase.is_empty() {
        return None;
    }
    let span = cx.bytes(phrase.clone());
    let surface = cx.text[span.clone()].to_string();
    if phrase.len() == 1 {
        if let Some(gender) = is_pronoun(&surface) {
            let entity = gender.and_then(|g| antecedent(cx, phrase.start, g, sentence_of, inside));
            let name =
                entity.map_or_else(|| surface.clone(), |e| cx.entities.entities[e].name.clone());
            return Some(Speaker { surface, span, entity, name, anonymous: false });
        }
    }
    if let Some(e) = cx.entities.within(span.clone()) {
        let entity = &cx.entities.entities[e];
        // A person named in the phrase is the speaker; an organization only
        // when the phrase is not a description around it ("a Kremlin aide").
        let description = (phrase.start..phrase.end).any(|i| is_anonymous_head(cx.word(i)));
        if entity.kind == EntityKind::Person || !description {
            return Some(Speaker {
                surface,
                span,
                entity: Some(e),
                name: entity.name.clone(),
                anonymous: false,
            });
        }
    }
    let anonymous = (phrase.start..phrase.end).any(|i| is_anonymous_head(cx.word(i)));
    let _ = earlier;
    Some(Speaker { name: surface.clone(), surface, span, entity: None, anonymous })
}

/// Names "the official" after "a senior US official" by that first
/// description: the same unnamed source. Quotes are in text order.
fn name_anonymous(quotes: &mut [Quote]) {
    let mut seen: Vec<(usize, String, String)> = Vec::new(); // (position, head, name)
    let mut by_position: Vec<usize> = (0..quotes.len()).collect();
    by_position.sort_by_key(|&i| quotes[i].speaker.as_ref().map_or(usize::MAX, |s| s.span.start));
    for i in by_position {
        let Some(s) = quotes[i].speaker.as_mut().filter(|s| s.anonymous) else { continue };
        let head = s.surface.rsplit(' ').next().unwrap_or("").to_string();
        let lower = s.surface.to_ascii_lowercase();
        if lower.starts_with("the ") {
            if let Some((_, _, name)) =
                seen.iter().rev().find(|(p, h, _)| *h == head && *p < s.span.start)
            {
                s.name = name.clone();
            }
        } else {
            seen.push((s.span.start, head, s.name.clone()));
        }
    }
}

/// The person a "he"/"she" at token `at` stands for: the first person
/// named in the nearest sentence before it that names one (its own
/// sentence first, up to the pronoun), outside quotes.
fn antecedent(
    cx: &Context,
    at: usize,
    gender: Gender,
    sentence_of: &[usize],
    inside: &[bool],
) -> Option<usize> {
    let at_byte = cx.tokens[at].span.start;
    let mut k = sentence_of[at];
    let fits = |e: usize| {
        let entity = &cx.entities.entities[e];
        entity.kind == EntityKind::Person
            && entity.gender.is_none_or(|g| g == Gender::Unknown || g == gender)
    };
    for _ in 0..6 {
        let s = &cx.sentences[k];
        let lo = cx.tokens[s.start].span.start;
        let hi = if k == sentence_of[at] { at_byte } else { cx.tokens[s.end - 1].span.end };
        let from = cx.entities.index.partition_point(|(m, _)| m.start < lo);
        let first =
            cx.entities.index[from..].iter().take_while(|(m, _)| m.start < hi).find(|(m, e)| {
                m.end <= hi && fits(*e) && !inside[cx.token_at(m.start).min(inside.len() - 1)]
            });
        if let Some((_, e)) = first {
            return Some(*e);
        }
        if k == 0 {
            break;
        }
        k -= 1;
    }
    None
}

/// Normalized words of a passage, hashed, for comparing quotes: lowercase
/// letters and digits, apostrophes dropped ("didn't" and "didnt" are one
/// word).
pub fn normalize(text: &str) -> Vec<u64> {
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut word = String::with_capacity(24);
    let mut flush = |word: &mut String| {
        if !word.is_empty() {
            out.push(xxhash_rust::xxh3::xxh3_64(word.as_bytes()));
            word.clear();
        }
    };
    for c in text.chars() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !matches!(c, '\'' | '’') {
            flush(&mut word);
        }
    }
    flush(&mut word);
    out
}

/// The key of a word trigram.
pub fn trigram(g: &[u64]) -> u64 {
    g[0] ^ g[1].rotate_left(21) ^ g[2].rotate_left(42)
}

/// Whether two passages are the same words, allowing one to be a part of
/// the other and small differences: most word trigrams of the shorter one
/// occur in the longer.
pub fn same_words(a: &[u64], b: &[u64]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if short.len() < 3 {
        return !short.is_empty() && short == long;
    }
    let mut grams: Vec<u64> = long.windows(3).map(trigram).collect();
    grams.sort_unstable();
    let n = short.len() - 2;
    let hits = short.windows(3).filter(|g| grams.binary_search(&trigram(g)).is_ok()).count();
    hits * 10 >= n * 7
}

/// Keeps one of each quote repeated in the article (same speaker, same
/// words), noting where it was repeated.
fn dedupe(text: &str, quotes: Vec<Quote>) -> Vec<Quote> {
    let mut out: Vec<(Quote, Vec<u64>)> = Vec::with_capacity(quotes.len());
    // Word trigram -> kept quotes holding it: only quotes sharing a trigram
    // are compared.
    let mut by_gram: std::collections::HashMap<
        u64,
        Vec<usize>,
        xxhash_rust::xxh3::Xxh3DefaultBuilder,
    > = Default::default();
    for q in quotes {
        let words = normalize(&text[q.content.clone()]);
        if words.len() < 4 {
            out.push((q, words));
            continue;
        }
        let mut candidates: Vec<usize> =
            words.windows(3).filter_map(|g| by_gram.get(&trigram(g))).flatten().copied().collect();
        candidates.sort_unstable();
        candidates.dedup();
        let same_speaker = |p: &Quote| {
            p.speaker.as_ref().map(|s| &s.name) == q.speaker.as_ref().map(|s| &s.name)
                || p.speaker.is_none()
                || q.speaker.is_none()
        };
        if let Some(&i) = candidates.iter().find(|&&i| {
            out[i].0.kind == q.kind && same_speaker(&out[i].0) && same_words(&out[i].1, &words)
        }) {
            out[i].0.repeats.push(q.content.clone());
            continue;
        }
        for g in words.windows(3) {
            by_gram.entry(trigram(g)).or_default().push(out.len());
        }
        out.push((q, words));
    }
    out.into_iter().map(|(q, _)| q).collect()
}
