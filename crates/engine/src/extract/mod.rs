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
