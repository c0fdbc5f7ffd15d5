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

pub(super) fn read(
    name: &str,
    mut reader: impl BufRead,
    config: &ReadConfig,
    sink: &mut dyn FnMut(Item),
) {
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
        let Some(length) =
            header(&headers, "content-length").and_then(|v| v.trim().parse::<u64>().ok())
        else {
            let msg = format!(
                "warc record at byte {start} has no valid content-length; reading stops here"
            );
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
                let msg = format!(
                    "record of {length} bytes exceeds the {} byte limit; skipped",
                    config.max_record_bytes
                );
                sink(Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::TooLarge, msg)));
            } else {
                *skipped
                    .entry(if kind.is_empty() { "untyped".into() } else { kind })
                    .or_default() += 1;
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
        let url = header(&headers, "warc-target-uri")
            .map(|u| u.trim().trim_matches(['<', '>']).to_string());
        let fetched = header(&headers, "warc-date").map(|d| d.trim().to_string());
        let payload = if kind == "response" {
            http_payload(&block)
        } else {
            Some(Payload {
                content_type: header(&headers, "content-type").unwrap_or("").to_string(),
                body: block,
            })
        };
        match payload.map(|p| (classify(&p), p)) {
            Some((Some(Kind::Html), p)) => {
                let charset = charset_of(&p.content_type);
                let mut item = html::page_item(
                    origin,
                    Format::Warc,
                    &p.body,
                    charset.as_deref(),
                    url.as_deref(),
                );
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
    let msg =
        format!("archive ends early at byte {at}, in the record starting at byte {start} ({part})");
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
fn read_headers(
    reader: &mut impl BufRead,
    offset: &mut u64,
) -> io::Result<Option<Vec<(String, String)>>> {
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
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("expected WARC/1.x, found {shown:?}"),
                ));
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
    let end = memchr::memmem::find(block, b"\r\n\r\n")
        .map(|p| (p, p + 4))
        .or_else(|| memchr::memmem::find(block, b"\n\n").map(|p| (p, p + 2)))?;
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
        data = data[size..]
            .strip_prefix(b"\r\n")
            .or_else(|| data[size..].strip_prefix(b"\n"))
            .unwrap_or(&data[size..]);
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
    let sniffable = ct.is_empty()
        || ct.contains("xml")
        || ct.contains("text/plain")
        || ct.contains("octet-stream");
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
    let value: String =
        value.chars().take_while(|c| c.is_ascii_alphanumeric() || "-_.:".contains(*c)).collect();
    (!value.is_empty()).then_some(value)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::super::{html, read_bytes, Item, ReadConfig};
    use crate::model::{DiagnosticKind, Format, Origin};

    /// One WARC record; `gzip` wraps it in its own gzip member.
    fn record(kind: &str, uri: &str, content_type: &str, block: &[u8], gzip: bool) -> Vec<u8> {
        let mut rec = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2023-01-02T03:04:05Z\r\n\
             Content-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        rec.extend_from_slice(block);
        rec.extend_from_slice(b"\r\n\r\n");
        if !gzip {
            return rec;
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&rec).unwrap();
        enc.finish().unwrap()
    }

    fn http(body: &[u8]) -> Vec<u8> {
        let mut r = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nServer: test\r\n\r\n".to_vec();
        r.extend_from_slice(body);
        r
    }

    /// Pages of the trafilatura benchmark, as `(url, bytes)`.
    fn pages(n: usize) -> Vec<(String, Vec<u8>)> {
        let cases =
            crate::eval::html::load(&crate::eval::datasets_dir()).expect("trafilatura-eval");
        cases
            .iter()
            .step_by(97)
            .take(n)
            .map(|(url, _, path)| (url.clone(), std::fs::read(path).unwrap()))
            .collect()
    }

    fn archive(pages: &[(String, Vec<u8>)], gzip: bool) -> Vec<u8> {
        let mut warc =
            record("warcinfo", "", "application/warc-fields", b"software: test\r\n", gzip);
        for (url, bytes) in pages {
            warc.extend(record(
                "request",
                url,
                "application/http;msgtype=request",
                b"GET / HTTP/1.1\r\n\r\n",
                gzip,
            ));
            warc.extend(record(
                "response",
                url,
                "application/http;msgtype=response",
                &http(bytes),
                gzip,
            ));
        }
        warc
    }

    fn read(name: &str, bytes: &[u8]) -> Vec<Item> {
        let mut items = Vec::new();
        read_bytes(name, bytes, &ReadConfig::default(), &mut |i| items.push(i));
        items
    }

    #[test]
    fn a_warc_of_pages_round_trips() {
        let pages = pages(6);
        for (name, gzip) in [("crawl.warc", false), ("crawl.warc.gz", true)] {
            let items = read(name, &archive(&pages, gzip));
            let articles: Vec<_> = items
                .iter()
                .filter_map(|i| match i {
                    Item::Article(a) => Some(a),
                    _ => None,
                })
                .collect();
            assert_eq!(articles.len(), pages.len(), "{name}: {items:?}");
            for (k, (a, (url, bytes))) in articles.iter().zip(&pages).enumerate() {
                let Item::Article(direct) =
                    html::page_item(Origin::file(url), Format::Html, bytes, None, Some(url))
                else {
                    panic!("page {url} has no text")
                };
                assert_eq!(a.body, direct.body, "{url}");
                assert_eq!(a.fields.url.as_deref(), Some(url.as_str()));
                assert_eq!(a.fields.title, direct.fields.title);
                assert_eq!(a.fields.published, direct.fields.published);
                assert_eq!(a.fields.fetched.as_deref(), Some("2023-01-02T03:04:05Z"));
                assert_eq!(a.format, Format::Warc);
                // warcinfo is record 1, then request/response pairs.
                assert_eq!(a.origin.record, Some(3 + 2 * k as u64));
            }
            let Some(Item::Diagnostic(summary)) = items.last() else { panic!("no summary") };
            assert_eq!(summary.kind, DiagnosticKind::Skipped);
            assert_eq!(
                summary.message,
                "skipped records that hold no article: 6 request, 1 warcinfo"
            );
        }
    }

    #[test]
    fn a_truncated_warc_keeps_the_whole_records_and_names_the_break() {
        let pages = pages(4);
        let warc = archive(&pages, false);
        // Cut in the middle of the third response (record 7).
        let third = memchr::memmem::find_iter(&warc, b"WARC/1.1").nth(6).unwrap();
        let cut = third + 900;
        let items = read("cut.warc", &warc[..cut]);
        let n_articles = items.iter().filter(|i| matches!(i, Item::Article(_))).count();
        assert_eq!(n_articles, 2);
        let truncated: Vec<_> = items
            .iter()
            .filter_map(|i| match i {
                Item::Diagnostic(d) if d.kind == DiagnosticKind::Truncated => Some(d),
                _ => None,
            })
            .collect();
        assert_eq!(truncated.len(), 1);
        assert_eq!(truncated[0].origin.record, Some(7));
        let expected = format!("archive ends early at byte {cut}, in the record starting at byte {third} (in its content)");
        assert_eq!(truncated[0].message, expected);

        // The same cut inside a gzip member: the records before it survive.
        let gz = archive(&pages, true);
        let items = read("cut.warc.gz", &gz[..gz.len() * 2 / 3]);
        assert!(items.iter().filter(|i| matches!(i, Item::Article(_))).count() >= 1);
        assert!(items
            .iter()
            .any(|i| matches!(i, Item::Diagnostic(d) if d.kind == DiagnosticKind::Truncated)));
    }

    #[test]
    fn resource_records_chunked_bodies_and_non_html_are_handled() {
        let page = b"<html><body><article><p>The lighthouse keeper retired after forty years, and the town held a small party in the square, with music and cake for everyone who came.</p><p>Her successor starts next month.</p></article></body></html>";
        let mut chunked = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
        chunked.extend_from_slice(format!("{:x}\r\n", 40).as_bytes());
        chunked.extend_from_slice(&page[..40]);
        chunked.extend_from_slice(format!("\r\n{:x}\r\n", page.len() - 40).as_bytes());
        chunked.extend_from_slice(&page[40..]);
        chunked.extend_from_slice(b"\r\n0\r\n\r\n");
        let mut warc = record("resource", "https://a.example/p", "text/html", page, false);
        warc.extend(record("response", "https://a.example/q", "application/http", &chunked, false));
        warc.extend(record(
            "response",
            "https://a.example/i.png",
            "application/http",
            b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
            false,
        ));
        warc.extend(record(
            "response",
            "https://a.example/404",
            "application/http",
            b"HTTP/1.1 404 Not Found\r\n\r\n",
            false,
        ));
        let items = read("mixed.warc", &warc);
        let bodies: Vec<&str> = items
            .iter()
            .filter_map(|i| match i {
                Item::Article(a) => Some(a.body.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(bodies.len(), 2);
        assert_eq!(bodies[0], bodies[1]);
        let Some(Item::Diagnostic(d)) = items.last() else { panic!() };
        assert_eq!(d.message, "skipped records that hold no article: 2 response without html");
    }

    proptest::proptest! {
        #[test]
        fn never_panics_on_arbitrary_bytes(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..2000)) {
            let mut warc = b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 40\r\n\r\n".to_vec();
            warc.extend_from_slice(&bytes);
            read("x.warc", &warc);
            read("y.warc", &bytes);
        }
    }
}
