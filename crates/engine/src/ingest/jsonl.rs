//! The JSONL reader: one JSON article per line (or one JSON array of them).
//!
//! Input: a byte stream. Output: a [`RawArticle`] per line that holds text,
//! a diagnostic per line that does not (bad JSON, no text, too long).
//! Method: stream line by line with a size cap (an over-long line is skipped
//! without being held in memory), then map the field names people already
//! use: news-please / CC-News (`maintext`, `date_publish`, `source_domain`,
//! `authors`), trafilatura (`text`, `date`, `hostname`, `author`) and ours
//! (`text`, `published`, `outlet`). A record with raw `html` and no text
//! goes through the HTML reader. Record numbers are 1-based line numbers.

use std::io::{BufRead, Read};

use serde_json::{Map, Value};

use super::{decode, read_error, Item, ReadConfig};
use crate::model::{Diagnostic, DiagnosticKind, Fields, Format, Origin, RawArticle};

/// Field names accepted for each slot, in order of preference.
const TEXT: &[&str] = &["text", "maintext", "content", "body", "article"];
const TITLE: &[&str] = &["title", "headline"];
const DATE: &[&str] = &["published", "date_publish", "date", "datePublished", "pubdate"];
const OUTLET: &[&str] = &["outlet", "source_domain", "sitename", "hostname", "source", "publisher"];
const URL: &[&str] = &["url", "link", "source_url"];
const AUTHOR: &[&str] = &["author", "authors", "byline"];

pub(super) fn read(
    name: &str,
    mut reader: impl BufRead,
    config: &ReadConfig,
    sink: &mut dyn FnMut(Item),
) {
    let starts_array = reader.fill_buf().map(|b| first_byte(b) == Some(b'[')).unwrap_or(false);
    if starts_array {
        return read_array(name, reader, config, sink);
    }
    let mut line = Vec::new();
    let mut number = 0u64;
    loop {
        number += 1;
        line.clear();
        match read_capped_line(&mut reader, &mut line, config.max_record_bytes) {
            Ok(LineRead::Eof) => break,
            Ok(LineRead::TooLong(n)) => {
                let msg = format!(
                    "line of {n} bytes exceeds the {} byte limit; skipped",
                    config.max_record_bytes
                );
                sink(Item::Diagnostic(Diagnostic::new(
                    Origin::record(name, number),
                    DiagnosticKind::TooLarge,
                    msg,
                )));
            }
            Ok(LineRead::Line) => {
                if line.iter().all(u8::is_ascii_whitespace) {
                    continue;
                }
                sink(record(name, number, &line));
            }
            Err(e) => {
                sink(Item::Diagnostic(read_error(name, Some(number), &e)));
                break;
            }
        }
    }
}

fn first_byte(b: &[u8]) -> Option<u8> {
    let b = b.strip_prefix(b"\xef\xbb\xbf").unwrap_or(b);
    b.iter().copied().find(|c| !c.is_ascii_whitespace())
}

/// A whole-file JSON array of articles; records are 1-based array indexes.
fn read_array(name: &str, reader: impl Read, config: &ReadConfig, sink: &mut dyn FnMut(Item)) {
    let limit = config.max_record_bytes as u64 * 16;
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(limit + 1).read_to_end(&mut bytes) {
        return sink(Item::Diagnostic(read_error(name, None, &e)));
    }
    let origin = Origin::file(name);
    if bytes.len() as u64 > limit {
        let msg = format!("json array larger than {limit} bytes; use JSONL instead");
        return sink(Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::TooLarge, msg)));
    }
    match serde_json::from_slice::<Vec<Value>>(&bytes) {
        Ok(values) => {
            for (i, value) in values.into_iter().enumerate() {
                sink(from_value(Origin::record(name, i as u64 + 1), value, Vec::new()));
            }
        }
        Err(e) => {
            let msg = format!("invalid json array: {e}");
            sink(Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::Malformed, msg)));
        }
    }
}

enum LineRead {
    Line,
    TooLong(usize),
    Eof,
}

/// Reads one line into `buf` unless it is longer than `max`, in which case
/// the rest of the line is consumed and dropped.
fn read_capped_line(
    reader: &mut impl BufRead,
    buf: &mut Vec<u8>,
    max: usize,
) -> std::io::Result<LineRead> {
    let mut seen = 0usize;
    let mut any = false;
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            return Ok(match (any, seen > max) {
                (false, _) => LineRead::Eof,
                (true, true) => LineRead::TooLong(seen),
                (true, false) => LineRead::Line,
            });
        }
        any = true;
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        if seen + take <= max + 1 {
            buf.extend_from_slice(&chunk[..take]);
        } else {
            buf.clear();
        }
        seen += take;
        reader.consume(take);
        if done {
            return Ok(if seen > max + 1 { LineRead::TooLong(seen) } else { LineRead::Line });
        }
    }
}

fn record(name: &str, number: u64, line: &[u8]) -> Item {
    let origin = Origin::record(name, number);
    let (text, decode_diag) = decode(line, &origin);
    match serde_json::from_str::<Value>(text.trim()) {
        Ok(value) => from_value(origin, value, decode_diag.into_iter().collect()),
        Err(e) => Item::Diagnostic(Diagnostic::new(
            origin,
            DiagnosticKind::Malformed,
            format!("invalid json: {e}"),
        )),
    }
}

fn from_value(origin: Origin, value: Value, diagnostics: Vec<Diagnostic>) -> Item {
    let Value::Object(obj) = value else {
        let msg = "expected a json object";
        return Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::Malformed, msg));
    };
    let body = string_field(&obj, TEXT).unwrap_or_default();
    if body.trim().is_empty() {
        if let Some(html) = obj.get("html").and_then(Value::as_str).filter(|h| !h.trim().is_empty())
        {
            return from_html(origin, &obj, html, diagnostics);
        }
        let msg = format!("no article text (looked for fields {})", TEXT.join(", "));
        return Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::Empty, msg));
    }
    let fields = Fields {
        title: string_field(&obj, TITLE),
        published: string_field(&obj, DATE),
        outlet: string_field(&obj, OUTLET),
        url: string_field(&obj, URL),
        author: string_field(&obj, AUTHOR),
        ..Fields::default()
    };
    Item::Article(RawArticle { origin, format: Format::Jsonl, body, fields, diagnostics })
}

/// A record with raw HTML and no text: the HTML reader extracts the body
/// and metadata; the record's own fields, when present, take precedence.
fn from_html(
    origin: Origin,
    obj: &Map<String, Value>,
    html: &str,
    diagnostics: Vec<Diagnostic>,
) -> Item {
    let url = string_field(obj, URL);
    let item = super::html::page_item(
        origin,
        Format::Jsonl,
        html.as_bytes(),
        Some("utf-8"),
        url.as_deref(),
    );
    let Item::Article(mut article) = item else { return item };
    let f = &mut article.fields;
    let given = [
        (&mut f.title, string_field(obj, TITLE)),
        (&mut f.outlet, string_field(obj, OUTLET)),
        (&mut f.url, url),
        (&mut f.author, string_field(obj, AUTHOR)),
    ];
    for (slot, value) in given {
        if value.is_some() {
            *slot = value;
        }
    }
    if let Some(date) = string_field(obj, DATE) {
        f.published = Some(date);
        f.published_source = Some(crate::model::DateSource::Field);
    }
    article.diagnostics.extend(diagnostics);
    Item::Article(article)
}

/// The first non-empty value among `names`: a string, a number, or a list
/// of strings joined by ", " (news-please `authors`).
fn string_field(obj: &Map<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().filter_map(|n| obj.get(*n)).find_map(|v| {
        let s = match v {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) => {
                let parts: Vec<&str> =
                    items.iter().filter_map(Value::as_str).map(str::trim).collect();
                parts.join(", ")
            }
            Value::Object(o) => {
                o.get("name").and_then(Value::as_str).unwrap_or("").trim().to_string()
            }
            _ => String::new(),
        };
        (!s.is_empty()).then_some(s)
    })
}

#[cfg(test)]
mod tests {
    use super::super::{read_bytes, Item, ReadConfig};
    use crate::model::DiagnosticKind;

    fn read(bytes: &[u8], max: usize) -> Vec<Item> {
        let config = ReadConfig { max_record_bytes: max, ..ReadConfig::default() };
        let mut items = Vec::new();
        read_bytes("in.jsonl", bytes, &config, &mut |i| items.push(i));
        items
    }

    #[test]
    fn maps_the_field_names_people_have() {
        let input = concat!(
            r#"{"title":"T1","maintext":"Body one.","date_publish":"2016-10-05 16:32:00","source_domain":"example.com","authors":["A B","C D"],"url":"https://example.com/a"}"#,
            "\n",
            r#"{"title":"T2","text":"Body two.","date":"2016-10-06","hostname":"example.org","author":"E F"}"#,
            "\n\n",
            r#"{"id":"x","title":"T3","text":"Body three.","published":"2016-10-07","outlet":"Example News"}"#,
        );
        let items = read(input.as_bytes(), 1 << 20);
        let fields: Vec<String> = items
            .iter()
            .map(|i| match i {
                Item::Article(a) => format!(
                    "{} {:?} {:?} {:?} {:?} {:?}",
                    a.origin,
                    a.fields.title,
                    a.fields.published,
                    a.fields.outlet,
                    a.fields.author,
                    a.body
                ),
                Item::Diagnostic(d) => d.to_string(),
            })
            .collect();
        expect_test::expect![[r#"
            [
                "in.jsonl record 1 Some(\"T1\") Some(\"2016-10-05 16:32:00\") Some(\"example.com\") Some(\"A B, C D\") \"Body one.\"",
                "in.jsonl record 2 Some(\"T2\") Some(\"2016-10-06\") Some(\"example.org\") Some(\"E F\") \"Body two.\"",
                "in.jsonl record 4 Some(\"T3\") Some(\"2016-10-07\") Some(\"Example News\") None \"Body three.\"",
            ]
        "#]]
        .assert_debug_eq(&fields);
    }

    #[test]
    fn bad_lines_are_diagnostics_and_the_rest_reads() {
        let long = format!("{{\"text\":\"{}\"}}", "x".repeat(5000));
        let input = format!("{{\"text\":\"ok one.\"}}\nnot json\n{long}\n[1]\n{{\"title\":\"no body\"}}\n{{\"text\":\"ok two.\"}}\n");
        let items = read(input.as_bytes(), 1000);
        let summary: Vec<String> = items
            .iter()
            .map(|i| match i {
                Item::Article(a) => format!("article {}", a.origin),
                Item::Diagnostic(d) => format!("{} {}", d.kind.name(), d.origin),
            })
            .collect();
        assert_eq!(
            summary,
            [
                "article in.jsonl record 1",
                "malformed in.jsonl record 2",
                "too_large in.jsonl record 3",
                "malformed in.jsonl record 4",
                "empty in.jsonl record 5",
                "article in.jsonl record 6",
            ]
        );
        assert!(matches!(&items[2], Item::Diagnostic(d) if d.kind == DiagnosticKind::TooLarge));
    }

    #[test]
    fn raw_html_goes_through_the_html_reader() {
        let line = r#"{"url":"https://b.example/2020/03/04/x","title":"Given title","html":"<html><head><title>Page title</title></head><body><nav><a href='/'>Home</a></nav><article><p>The ferry service resumes on Monday, the operator said, after the storm damaged the pier.</p></article></body></html>"}"#;
        let items = read(line.as_bytes(), 1 << 20);
        let [Item::Article(a)] = items.as_slice() else { panic!("{items:?}") };
        assert_eq!(a.body, "The ferry service resumes on Monday, the operator said, after the storm damaged the pier.");
        assert_eq!(a.fields.title.as_deref(), Some("Given title"));
        assert_eq!(a.fields.published.as_deref(), Some("2020-03-04"));
        assert!(a.fields.extraction.is_some());
    }

    #[test]
    fn a_json_array_is_read_too() {
        let items = read(br#"[{"text":"One."},{"text":"Two."}]"#, 1 << 20);
        assert_eq!(items.len(), 2);
    }
}
