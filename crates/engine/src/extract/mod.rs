//! Extract: people, organizations, places and who said what.
//!
//! Input: an article's text (raw or cleaned: straight or curly quotes,
//! Penn Treebank `` `` ``/`''` included).
//! Output: an [`Extraction`]: the article's [`Entity`]s and [`Quote`]s,
//! with byte spans into the text; [`merge`] then joins the extractions of
//! many articles into canonical entities and quotes with their sources.
//! Method: rules and built-in name lists, no model: [`tokens`] finds words,
//! quotation marks and sentences, [`entities`] names and roles, [`quotes`]
//! cues and speakers. Deterministic, no IO.

pub mod entities;
mod gazetteer;
pub mod merge;
pub mod quotes;
pub mod tokens;

pub use entities::{Entity, EntityKind};
pub use gazetteer::Gender;
pub use quotes::{Quote, QuoteKind, Speaker};

/// What one article yields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extraction {
    /// People, organizations and places, in order of first mention.
    pub entities: Vec<Entity>,
    /// Attributions, in text order.
    pub quotes: Vec<Quote>,
}

/// Extracts the entities and quotes of `text`.
pub fn extract(text: &str) -> Extraction {
    let tokens = tokens::tokenize(text);
    let marks = tokens::quote_marks(text);
    let mut closers: Vec<usize> =
        marks.iter().filter_map(|m| m.close.as_ref().map(|c| c.start)).collect();
    closers.sort_unstable();
    let sentences = tokens::sentences(text, &tokens, &closers);
    let found = entities::entities(text, &tokens, &sentences);
    let cx = quotes::Context {
        text,
        tokens: &tokens,
        marks: &marks,
        sentences: &sentences,
        entities: &found,
    };
    let quotes = quotes::quotes(&cx);
    Extraction { entities: found.entities, quotes }
}

/// A line-per-fact dump of an extraction: entities, then quotes with
/// speaker, kind, offsets and the first words of the content.
pub fn dump(text: &str, extraction: &Extraction) -> String {
    let mut out = String::new();
    for e in &extraction.entities {
        out.push_str(&format!(
            "entity {} {:?} aliases {:?} roles {:?} mentions {}\n",
            e.kind.name(),
            e.name,
            e.aliases,
            e.roles,
            e.mentions.len()
        ));
    }
    for q in &extraction.quotes {
        let words: Vec<&str> = text[q.content.clone()].split_whitespace().take(5).collect();
        let speaker = q.speaker.as_ref().map_or("-".to_string(), |s| {
            format!(
                "{:?}{} ({:?} {}..{})",
                s.name,
                if s.anonymous { " anonymous" } else { "" },
                s.surface,
                s.span.start,
                s.span.end
            )
        });
        let cue = q.cue.as_ref().map_or("-", |c| &text[c.clone()]);
        out.push_str(&format!(
            "quote {} {}..{} {} cue {:?} \"{}\"{}\n",
            q.kind.name(),
            q.content.start,
            q.content.end,
            speaker,
            cue,
            words.join(" "),
            if q.repeats.is_empty() {
                String::new()
            } else {
                format!(" repeated {}", q.repeats.len())
            }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `speaker | kind | content` per quote, in text order.
    fn check(text: &str) -> String {
        let x = extract(text);
        x.quotes
            .iter()
            .map(|q| {
                let who = q.speaker.as_ref().map_or("-".to_string(), |s| {
                    format!("{}{}", s.name, if s.anonymous { " (anonymous)" } else { "" })
                });
                format!("{who} | {} | {}\n", q.kind.name(), &text[q.content.clone()])
            })
            .collect()
    }

    #[test]
    fn direct_quotes_in_every_style() {
        let got = check(
            "Mayor Ann Trout spoke at noon.\n\
             “The bridge will open in May,” Trout said.\n\
             \"We have the money,\" said Paul Wren, the city treasurer.\n\
             « The bridge is safe », Wren said.\n\
             `` The vote is close , '' Trout told reporters .\n",
        );
        expect_test::expect![[r#"
            Ann Trout | direct | The bridge will open in May,
            Paul Wren | direct | We have the money,
            Paul Wren | direct |  The bridge is safe 
            Ann Trout | direct |  The vote is close , 
        "#]]
        .assert_eq(&got);
    }

    #[test]
    fn split_quotes_pronouns_and_paragraphs() {
        let got = check(
            "Governor Lena Marsh visited the dam on Monday.\n\
             “The water is high,” she said. “We are ready.\n\
             “Nobody will be hurt.”\n\
             A senior state official said the plan was sound.\n\
             “It is a good plan,” the official told reporters.",
        );
        expect_test::expect![[r#"
            Lena Marsh | direct | The water is high,
            Lena Marsh | direct | We are ready.
            “Nobody will be hurt.
            A senior state official (anonymous) | indirect | the plan was sound
            A senior state official (anonymous) | direct | It is a good plan,
        "#]]
        .assert_eq(&got);
    }

    #[test]
    fn indirect_speech_and_lost_marks() {
        let got = check(
            "Tom Reed said that the budget was late. \
             According to the ministry, the roads are safe. \
             The harvest will be poor this year, Mr. Reed said, as he left.",
        );
        expect_test::expect![[r#"
            Tom Reed | indirect | the budget was late
            the ministry | indirect | the roads are safe
            Tom Reed | indirect | The harvest will be poor this year
        "#]]
        .assert_eq(&got);
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_are_char_boundaries(text in "(\\PC|[\"“”«»'‘’`\\n ,.:])*") {
            let x = extract(&text);
            for q in &x.quotes {
                prop_assert!(q.content.start <= q.content.end && q.content.end <= text.len());
                prop_assert!(text.is_char_boundary(q.content.start) && text.is_char_boundary(q.content.end));
                if let Some(s) = &q.speaker {
                    prop_assert!(text.is_char_boundary(s.span.start) && text.is_char_boundary(s.span.end));
                }
            }
            for e in &x.entities {
                for m in &e.mentions {
                    prop_assert!(text.is_char_boundary(m.start) && text.is_char_boundary(m.end));
                }
            }
        }

        #[test]
        fn curly_and_straight_quotes_give_the_same_speakers(n in 0usize..3) {
            let speakers = ["Ann Trout", "Paul Wren", "Lena Marsh"];
            let curly = format!("“The river is rising fast,” {} said.", speakers[n]);
            let straight = curly.replace(['“', '”'], "\"");
            let a: Vec<_> = extract(&curly).quotes.into_iter().map(|q| q.speaker.map(|s| s.name)).collect();
            let b: Vec<_> = extract(&straight).quotes.into_iter().map(|q| q.speaker.map(|s| s.name)).collect();
            prop_assert_eq!(a, b);
        }
    }
}
