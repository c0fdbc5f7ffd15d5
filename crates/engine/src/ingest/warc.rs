//! The WARC reader: web archives (`.warc`, `.warc.gz`) of crawled pages.
//!
//! Input: a byte stream of WARC 1.0/1.1 records (gzip, one member per
//! record or not, is undone before this reader). Output: one article per
//! `response` or `resource` record holding HTML (through the HTML reader)
//! or a feed (through the feed reader), with `WARC-Target-URI` as the URL
//! and `WARC-Date` as the fetch time; a diagnostic per record that holds no
//! article; one summary of the records skipped by type; and, when the
//! archive is cut off, a `truncated` diagnostic naming the byte offset.
//! Method: stream record by record, holding one record at a time (capped
//! by the record size limit); HTTP headers are parsed for the status,
//! content type, charset and transfer/content encodings.

use std::collections::BTreeMap;
use std::io::{self, BufRead, Read};

use super::{feed, html, read_error, Item, ReadConfig};
use crate::model::{Diagnostic, DiagnosticKind, Format, Origin};

pub(super) fn read(name: &str, mut reader: impl BufRead, config: &ReadConfig, sink: &mut dyn FnMut(Item)) {
    let mut offset = 0u64;
    let mut number = 0u64;
    let mut skipped: BTreeMap<String, u64> = BTreeMap::new();
    loop {
        // Records are separated by blank lines; EOF here is a clean end.
        match skip_blank_lines(&mut reader, &mut offset) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                sink(Item::Diagnostic(read_error(name, Some(number + 1), &e)));
                break;
            }
        }
        number += 1;
        let start = offset;
        let origin = Origin::record(name, number);
        let headers = match read_headers(&mut reader, &mut offset) {
            Ok(Some(h)) => h,
            Ok(None) => {
                sink(truncated(&origin, start, offset, "in its header"));
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                let msg = format!("not a warc record at byte {start}: {e}; reading stops here");
                sink(Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::Malformed, msg)));
                break;
            }
            Err(e) => {
                sink(Item::Diagnostic(read_error(name, Some(number), &e)));
                break;
            }
        };
        let Some(length) = header(&headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok()) else {
            let msg = format!("warc record at byte {start} has no valid content-length; reading stops here");
            sink(Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::Malformed, msg)));
            break;
        };
        let kind = header(&headers, "warc-type").unwrap_or("").trim().to_ascii_lowercase();
        let wanted = matches!(kind.as_str(), "response" | "resource");
        if !wanted || length > config.max_record_bytes as u64 {
            match io::copy(&mut (&mut reader).take(length), &mut io::sink()) {
                Ok(n) if n == length => offset += n,
                Ok(n) => {
                    sink(truncated(&origin, start, offset + n, "in its content"));
                    break;
                }
                Err(e) => {
                    sink(Item::Diagnostic(read_error(name, Some(number), &e)));
                    break;
                }
            }
            if wanted {
                let msg = format!("record of {length} bytes exceeds the {} byte limit; skipped", config.max_record_bytes);
                sink(Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::TooLarge, msg)));
            } else {
                *skipped.entry(if kind.is_empty() { "untyped".into() } else { kind }).or_default() += 1;
            }
            continue;
        }
        let mut block = Vec::with_capacity(length as usize);
        match (&mut reader).take(length).read_to_end(&mut block) {
            Ok(n) if n as u64 == length => offset += length,
            Ok(n) => {
                sink(truncated(&origin, start, offset + n as u64, "in its content"));
                break;
            }
            Err(e) => {
                sink(Item::Diagnostic(read_error(name, Some(number), &e)));
                break;
            }
        }
        let url = header(&headers, "warc-target-uri").map(|u| u.trim().trim_matches(['<', '>']).to_string());
        let fetched = header(&headers, "warc-date").map(|d| d.trim().to_string());
        let payload = if kind == "response" {
            http_payload(&block)
        } else {
            Some(Payload { content_type: header(&headers, "content-type").unwrap_or("").to_string(), body: block })
        };
        match payload.map(|p| (classify(&p), p)) {
            Some((Some(Kind::Html), p)) => {
                let charset = charset_of(&p.content_type);
                let mut item = html::page_item(origin, Format::Warc, &p.body, charset.as_deref(), url.as_deref());
                if let Item::Article(a) = &mut item {
                    a.fields.fetched = fetched;
                }
                sink(item);
            }
            Some((Some(Kind::Feed), p)) => {
                let feed_name = format!("{name} record {number}");
                feed::read_bytes(&feed_name, &p.body, sink);
            }
            _ => *skipped.entry(format!("{kind} without html")).or_default() += 1,
        }
    }
    if !skipped.is_empty() {
        let parts: Vec<String> = skipped.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let msg = format!("skipped records that hold no article: {}", parts.join(", "));
        sink(Item::Diagnostic(Diagnostic::new(Origin::file(name), DiagnosticKind::Skipped, msg)));
    }
}

fn truncated(origin: &Origin, start: u64, at: u64, part: &str) -> Item {
    let msg = format!("archive ends early at byte {at}, in the record starting at byte {start} ({part})");
    Item::Diagnostic(Diagnostic::new(origin.clone(), DiagnosticKind::Truncated, msg))
}

/// Consumes blank lines; false at a clean end of the stream.
fn skip_blank_lines(reader: &mut impl BufRead, offset: &mut u64) -> io::Result<bool> {
    loop {
        let buf = reader.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let n = buf.iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        if n == 0 {
            return Ok(true);
        }
        reader.consume(n);
        *offset += n as u64;
    }
}

/// Reads the version line and the named fields up to the blank line; `None`
/// when the stream ends first.
fn read_headers(reader: &mut impl BufRead, offset: &mut u64) -> io::Result<Option<Vec<(String, String)>>> {
    let mut line = Vec::new();
    let mut headers = Vec::new();
    let mut first = true;
    loop {
        line.clear();
        let n = reader.by_ref().take(64 << 10).read_until(b'\n', &mut line)?;
        *offset += n as u64;
        if n == 0 || line.last() != Some(&b'\n') {
            return Ok(None);
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\r', '\n']);
        if first {
            if !text.starts_with("WARC/") {
                let shown: String = text.chars().take(40).collect();
                return Err(io::Error::new(io::ErrorKind::InvalidData, format!("expected WARC/1.x, found {shown:?}")));
            }
            first = false;
            continue;
        }
        if text.is_empty() {
            return Ok(Some(headers));
        }
        if let Some((k, v)) = text.split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
        if headers.len() > 1000 {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "more than 1000 header fields"));
        }
    }
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

struct Payload {
    content_type: String,
    body: Vec<u8>,
}

/// The body of an HTTP response with its content type, transfer and content
/// encodings undone; `None` for a response that is not a success.
fn http_payload(block: &[u8]) -> Option<Payload> {
    let end = memchr::memmem::find(block, b"\r\n\r\n").map(|p| (p, p + 4)).or_else(|| memchr::memmem::find(block, b"\n\n").map(|p| (p, p + 2)))?;
    let head = String::from_utf8_lossy(&block[..end.0]);
    let mut lines = head.lines();
    let status = lines.next()?;
    let code: u16 = status.split_whitespace().nth(1)?.parse().ok()?;
    if !(200..300).contains(&code) {
        return None;
    }
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let mut body = block[end.1..].to_vec();
    if header(&headers, "transfer-encoding").is_some_and(|v| v.eq_ignore_ascii_case("chunked")) {
        body = dechunk(&body);
    }
    if header(&headers, "content-encoding").is_some_and(|v| v.contains("gzip")) {
        let mut out = Vec::new();
        // A body that does not decompress is kept as it came.
        if flate2::read::MultiGzDecoder::new(&body[..]).read_to_end(&mut out).is_ok() {
            body = out;
        }
    }
    Some(Payload { content_type: header(&headers, "content-type").unwrap_or("").to_string(), body })
}

/// Undoes HTTP chunked transfer encoding; stops at the first bad chunk.
fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len());
    while let Some(nl) = memchr::memchr(b'\n', data) {
        let size_text = String::from_utf8_lossy(&data[..nl]);
        let size_text = size_text.trim().split(';').next().unwrap_or("");
        let Ok(size) = usize::from_str_radix(size_text, 16) else { break };
        data = &data[nl + 1..];
        if size == 0 || size > data.len() {
            out.extend_from_slice(&data[..size.min(data.len())]);
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = data[size..].strip_prefix(b"\r\n").or_else(|| data[size..].strip_prefix(b"\n")).unwrap_or(&data[size..]);
    }
    out
}

enum Kind {
    Html,
    Feed,
}

/// HTML or a feed, by content type, else by sniffing the body.
fn classify(p: &Payload) -> Option<Kind> {
    let ct = p.content_type.to_ascii_lowercase();
    if ct.contains("html") {
        return Some(Kind::Html);
    }
    if ct.contains("rss") || ct.contains("atom") || ct.contains("feed+json") {
        return Some(Kind::Feed);
    }
    let sniffable = ct.is_empty() || ct.contains("xml") || ct.contains("text/plain") || ct.contains("octet-stream");
    if !sniffable {
        return None;
    }
    match super::sniff(&p.body[..p.body.len().min(4096)]) {
        Format::Html => Some(Kind::Html),
        Format::Feed => Some(Kind::Feed),
        _ => None,
    }
}

fn charset_of(content_type: &str) -> Option<String> {
    let lower = content_type.to_ascii_lowercase();
    let at = lower.find("charset=")?;
    let value = lower[at + 8..].trim_start_matches(['"', '\'']);
    let value: String = value.chars().take_while(|c| c.is_ascii_alphanumeric() || "-_.:".contains(*c)).collect();
    (!value.is_empty()).then_some(value)
}
