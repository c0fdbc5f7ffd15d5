//! Words, punctuation, quotation marks and sentences of one article.
//!
//! Input: the article text (raw, cleaned, or Penn Treebank tokenized).
//! Output: [`Token`]s with byte spans, the quoted passages ([`QuoteMark`]
//! pairs) and sentences as token ranges.
//! Method: one pass over the characters. Words keep their inner dots,
//! hyphens and apostrophes ("U.S.", "Ki-moon", "can’t") and the final dot
//! of abbreviations ("Sen.", "D-N.J."); quotation marks of every family
//! (“…”, "…", «…», „…“, `` … '', ‘…’) are paired per paragraph, a quote left
//! open at a paragraph end either continues into the next paragraph (when
//! that one opens with a mark, the news convention) or ends there. Sentences
//! end at `.`, `!` or `?` (with the marks that close after them) unless a
//! lowercase word follows, and at every line break.

use std::ops::Range;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters and digits, with inner `.`, `-` and apostrophes.
    Word,
    /// One punctuation character, or `` `` `` / `''`.
    Punct,
    /// A line break (paragraph boundary).
    Break,
}

/// A token and its byte span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte span in the text.
    pub span: Range<usize>,
    /// What it is.
    pub kind: TokenKind,
}

/// A quoted passage: the marks and what lies between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuoteMark {
    /// Byte span of the opening mark.
    pub open: Range<usize>,
    /// Byte span of the closing mark; `None` when the quote was never closed.
    pub close: Option<Range<usize>>,
    /// What is quoted, from after the opening mark to before the closing one
    /// (across paragraphs for a multi-paragraph quote).
    pub content: Range<usize>,
}

/// Abbreviations that keep their final dot (lowercase, without the dot).
const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "capt", "sgt", "adm",
    "rev", "st", "jr", "sr", "inc", "corp", "co", "ltd", "no", "vs", "jan", "feb", "mar", "apr",
    "aug", "sept", "sep", "oct", "nov", "dec", "mt", "ft", "pres", "sec", "maj", "cmdr", "messrs",
];

/// Tokenizes `text`.
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::with_capacity(text.len() / 5);
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '\n' {
            if tokens.last().map(|t: &Token| t.kind) != Some(TokenKind::Break) {
                tokens.push(Token { span: i..i + 1, kind: TokenKind::Break });
            }
        } else if c.is_whitespace() {
        } else if c.is_alphanumeric() {
            let mut end = i + c.len_utf8();
            while let Some(&(j, d)) = chars.peek() {
                if d.is_alphanumeric() {
                    end = j + d.len_utf8();
                    chars.next();
                } else if matches!(d, '.' | '-' | '\'' | '’' | '&')
                    && text[j + d.len_utf8()..].chars().next().is_some_and(char::is_alphanumeric)
                {
                    chars.next();
                    end = j + d.len_utf8();
                } else {
                    break;
                }
            }
            if bytes.get(end) == Some(&b'.') && keeps_dot(&text[i..end]) {
                chars.next();
                end += 1;
            }
            tokens.push(Token { span: i..end, kind: TokenKind::Word });
        } else {
            let mut end = i + c.len_utf8();
            if (c == '`' || c == '\'') && bytes.get(end) == Some(&(c as u8)) {
                chars.next();
                end += 1;
            }
            tokens.push(Token { span: i..end, kind: TokenKind::Punct });
        }
    }
    tokens
}

/// Whether a word followed by a dot keeps it: abbreviations, initials and
/// dotted forms ("U.S", "D-N.J").
fn keeps_dot(word: &str) -> bool {
    if word.chars().count() == 1 {
        return word.chars().all(char::is_uppercase);
    }
    if word.contains('.') {
        return true;
    }
    let lower = word.to_ascii_lowercase();
    ABBREVIATIONS.contains(&lower.as_str())
}

/// Which family a mark belongs to, and whether it can open or close.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Family {
    Double,
    Single,
}

/// Finds the quoted passages of `text`.
pub fn quote_marks(text: &str) -> Vec<QuoteMark> {
    let mut out = Vec::new();
    // A double quote left open at the end of the previous paragraph whose
    // next paragraph opens with a mark again: it goes on there.
    let mut carried: Option<QuoteMark> = None;
    let mut line_start = 0;
    let lines: Vec<Range<usize>> = text
        .split_inclusive('\n')
        .map(|l| {
            let r = line_start..line_start + l.trim_end_matches(['\n', '\r']).len();
            line_start += l.len();
            r
        })
        .collect();
    for (li, line) in lines.iter().enumerate() {
        let s = &text[line.clone()];
        let mut open: Option<(Range<usize>, Family)> = None;
        let mut current = carried.take();
        if let Some(q) = &current {
            // Skip the continuation mark that opens this paragraph.
            let lead = s.len() - s.trim_start().len();
            let after = &s[lead..];
            let mark_len = opening_len(after).unwrap_or(0);
            open = Some((line.start + lead..line.start + lead + mark_len, Family::Double));
            let _ = q;
        }
        let mut iter = s.char_indices().peekable();
        let mut prev: Option<char> = None;
        while let Some((k, c)) = iter.next() {
            let at = line.start + k;
            if current.is_some() && at < open.as_ref().map_or(0, |o| o.0.end) {
                prev = Some(c);
                continue;
            }
            let next = s[k + c.len_utf8()..].chars().next();
            let two = s[k..].starts_with("``") || s[k..].starts_with("''");
            let mark_len = if two { 2 } else { c.len_utf8() };
            match &open {
                None => {
                    // French quotes take a space inside: « … ».
                    let opens_double = c == '«'
                        || matches!(c, '“' | '„' | '"') && next.is_some_and(|n| !n.is_whitespace())
                        || s[k..].starts_with("``")
                        || s[k..].starts_with("''")
                            && s[k + 2..].chars().next().is_some_and(|n| !n.is_whitespace())
                            && !prev.is_some_and(char::is_alphanumeric);
                    let opens_single = matches!(c, '‘' | '`' | '\'')
                        && !two
                        && !prev.is_some_and(char::is_alphanumeric)
                        && next.is_some_and(char::is_alphanumeric)
                        && !is_contraction(&s[k + c.len_utf8()..]);
                    if opens_double {
                        open = Some((at..at + mark_len, Family::Double));
                    } else if opens_single {
                        open = Some((at..at + mark_len, Family::Single));
                    }
                }
                Some((o, fam)) => {
                    let closes = match fam {
                        Family::Double => {
                            matches!(c, '”' | '"' | '»')
                                || (c == '“' && text[o.clone()].starts_with('„'))
                                || s[k..].starts_with("''")
                        }
                        Family::Single => {
                            matches!(c, '’' | '\'')
                                && !two
                                && !prev.is_some_and(char::is_whitespace)
                                && !next.is_some_and(char::is_alphanumeric)
                        }
                    };
                    if closes {
                        let start = current.as_ref().map_or(o.end, |q| q.content.start);
                        let open_span = current.as_ref().map_or(o.clone(), |q| q.open.clone());
                        out.push(QuoteMark {
                            open: open_span,
                            close: Some(at..at + mark_len),
                            content: start..at,
                        });
                        current = None;
                        open = None;
                    } else if *fam == Family::Double && c == '“' && current.is_none() {
                        // A new opening mark while one is open: the first
                        // was never closed.
                        let end = trim_end(text, o.end, at);
                        out.push(QuoteMark { open: o.clone(), close: None, content: o.end..end });
                        open = Some((at..at + mark_len, Family::Double));
                    }
                }
            }
            if two {
                iter.next();
            }
            prev = Some(c);
        }
        if let Some((o, Family::Double)) = open {
            let start = current.as_ref().map_or(o.end, |q| q.content.start);
            let open_span = current.as_ref().map_or(o.clone(), |q| q.open.clone());
            let end = trim_end(text, start, line.end);
            let continues = lines[li + 1..]
                .iter()
                .find(|l| !text[(*l).clone()].trim().is_empty())
                .is_some_and(|l| opening_len(text[l.clone()].trim_start()).is_some());
            let q = QuoteMark { open: open_span, close: None, content: start..end };
            if continues {
                carried = Some(q);
            } else if end > start {
                out.push(q);
            }
        }
    }
    if let Some(q) = carried {
        out.push(q);
    }
    out
}

/// The length of the double opening mark `s` starts with, if any.
fn opening_len(s: &str) -> Option<usize> {
    if s.starts_with("``") || s.starts_with("''") {
        return Some(2);
    }
    let c = s.chars().next()?;
    matches!(c, '“' | '«' | '„' | '"').then(|| c.len_utf8())
}

/// Whether `s` (the text right after an apostrophe) is a clitic ("s", "re",
/// "ll", ...) split off by tokenization rather than quoted text.
fn is_contraction(s: &str) -> bool {
    let word: String = s.chars().take_while(|c| c.is_alphanumeric()).collect();
    matches!(
        word.to_ascii_lowercase().as_str(),
        "s" | "re"
            | "ll"
            | "ve"
            | "d"
            | "m"
            | "t"
            | "em"
            | "n"
            | "til"
            | "cause"
            | "90s"
            | "80s"
            | "70s"
            | "60s"
    )
}

/// `end` moved left over whitespace, not before `start`.
fn trim_end(text: &str, start: usize, end: usize) -> usize {
    start + text[start..end].trim_end().len()
}

/// Splits tokens into sentences (token index ranges). `closers` are the
/// byte offsets of closing quotation marks, which stay with the sentence
/// they end.
pub fn sentences(text: &str, tokens: &[Token], closers: &[usize]) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i];
        if t.kind == TokenKind::Break {
            if i > start {
                out.push(start..i);
            }
            start = i + 1;
            i += 1;
            continue;
        }
        let ends = t.kind == TokenKind::Punct && matches!(&text[t.span.clone()], "." | "!" | "?");
        if ends {
            let mut j = i + 1;
            while j < tokens.len()
                && tokens[j].kind == TokenKind::Punct
                && (closers.binary_search(&tokens[j].span.start).is_ok()
                    || matches!(&text[tokens[j].span.clone()], ")" | "]"))
            {
                j += 1;
            }
            let next_lower = tokens.get(j).is_some_and(|n| {
                n.kind == TokenKind::Word
                    && text[n.span.clone()].chars().next().is_some_and(char::is_lowercase)
            });
            if !next_lower {
                out.push(start..j);
                start = j;
                i = j;
                continue;
            }
        }
        i += 1;
    }
    if start < tokens.len() {
        out.push(start..tokens.len());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quotes(text: &str) -> Vec<String> {
        quote_marks(text)
            .iter()
            .map(|q| {
                format!(
                    "{}{}",
                    &text[q.content.clone()],
                    if q.close.is_some() { "" } else { " (open)" }
                )
            })
            .collect()
    }

    #[test]
    fn pairs_every_family() {
        assert_eq!(quotes("“A b,” he said. “C d.”"), ["A b,", "C d."]);
        assert_eq!(quotes("\"A b,\" he said."), ["A b,"]);
        assert_eq!(quotes("« A b » dit-il"), [" A b "]);
        assert_eq!(quotes("`` A b , '' he said ."), [" A b , "]);
        assert_eq!(quotes("She called it ‘a farce’ today."), ["a farce"]);
        assert_eq!(quotes("Obama 's plan , did n't work"), Vec::<String>::new());
    }

    #[test]
    fn open_quotes_end_or_continue_at_paragraphs() {
        assert_eq!(quotes("“One two.\nNext para."), ["One two. (open)"]);
        let text = "“One two.\n“Three four.”";
        assert_eq!(quotes(text), ["One two.\n“Three four."]);
    }

    #[test]
    fn words_keep_abbreviations() {
        let text = "Sen. Bob Menendez, D-N.J., said it's U.S. policy.";
        let words: Vec<&str> = tokenize(text).iter().map(|t| &text[t.span.clone()]).collect();
        assert_eq!(
            words,
            ["Sen.", "Bob", "Menendez", ",", "D-N.J.", ",", "said", "it's", "U.S.", "policy", "."]
        );
    }
}
