//! The HTML reader: a web page to one [`RawArticle`].
//!
//! Input: the bytes of a page, with the charset and URL when a transport
//! (HTTP, WARC) gave them. Output: the main text as plain text (paragraphs
//! separated by blank lines) and the page metadata in [`Fields`], or a
//! diagnostic when the page holds no article text.
//! Method: decode (transport charset, BOM, `<meta charset>`, then
//! detection with chardetng), parse with our own forgiving parser
//! ([`dom`]), extract the main content ([`extract`]) and read the metadata
//! ([`metadata`]). The choice of extractor and its figures are in
//! ARCHITECTURE.md.

mod dom;
mod entities;
mod extract;
mod metadata;

use std::io::Read;

use encoding_rs::Encoding;

pub use extract::Method;

use super::{looks_binary, read_error, Item, ReadConfig};
use crate::model::{Diagnostic, DiagnosticKind, Fields, Format, Origin, RawArticle};

/// What was extracted from one page and how (for `storyline extract`).
#[derive(Clone, Debug)]
pub struct Page {
    /// The main text, paragraphs separated by blank lines.
    pub text: String,
    /// The metadata found.
    pub fields: Fields,
    /// How the main text was found.
    pub method: Method,
    /// The character encoding used to decode the bytes.
    pub encoding: &'static str,
    /// Where the encoding came from (`transport`, `bom`, `meta`, `utf-8`,
    /// `detected`).
    pub encoding_source: &'static str,
    /// Where the publication date came from, if one was found.
    pub date_evidence: Option<String>,
}

/// Extracts text and metadata from the bytes of a page. `charset` is the
/// transport's (HTTP `Content-Type`) and `url` the page's address, if known.
pub fn extract_page(bytes: &[u8], charset: Option<&str>, url: Option<&str>) -> Page {
    let (html, encoding, encoding_source) = decode(bytes, charset, url);
    let dom = dom::parse(&html);
    let found = metadata::read(&dom, url);
    let extraction = extract::extract(&dom);
    let mut fields = found.fields;
    fields.extraction = Some(extraction.method.name().to_string());
    fields.extraction_why = Some(extraction.why);
    fields.date_evidence = found.date_evidence.clone();
    Page {
        text: extraction.text,
        fields,
        method: extraction.method,
        encoding: encoding.name(),
        encoding_source,
        date_evidence: found.date_evidence,
    }
}

/// The text of an HTML fragment (a feed item's content), paragraphs
/// separated by blank lines, with no boilerplate removal.
pub fn fragment_text(html: &str) -> String {
    extract::fragment_text(&dom::parse(html))
}

/// Turns a page into an [`Item`]: an article, or a diagnostic when it has
/// no text. Used by this reader, the WARC and feed readers and JSONL.
pub(crate) fn page_item(
    origin: Origin,
    format: Format,
    bytes: &[u8],
    charset: Option<&str>,
    url: Option<&str>,
) -> Item {
    let page = extract_page(bytes, charset, url);
    if page.text.trim().is_empty() {
        let msg = "no article text found in the html";
        return Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::Empty, msg));
    }
    Item::Article(RawArticle {
        origin,
        format,
        body: page.text,
        fields: page.fields,
        diagnostics: Vec::new(),
    })
}

pub(super) fn read(name: &str, reader: impl Read, config: &ReadConfig, sink: &mut dyn FnMut(Item)) {
    let origin = Origin::file(name);
    let limit = config.max_record_bytes as u64;
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(limit + 1).read_to_end(&mut bytes) {
        return sink(Item::Diagnostic(read_error(name, None, &e)));
    }
    if bytes.len() as u64 > limit {
        let msg = format!("larger than {limit} bytes; skipped");
        return sink(Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::TooLarge, msg)));
    }
    if looks_binary(&bytes) && Encoding::for_bom(&bytes).is_none() {
        let msg = "binary data, not html; skipped";
        return sink(Item::Diagnostic(Diagnostic::new(origin, DiagnosticKind::Binary, msg)));
    }
    sink(page_item(origin, Format::Html, &bytes, None, None));
}

/// Decodes a page: the transport's charset, else a byte-order mark, else
/// `<meta charset>` in the first 4 KiB, else UTF-8 if the bytes are valid
/// UTF-8, else chardetng's guess (told the URL's top-level domain).
///
/// A declared legacy charset is overridden when the bytes are valid UTF-8
/// and hold non-ASCII text: valid multi-byte UTF-8 is practically never
/// legacy text, while mislabelled pages are common.
fn decode(
    bytes: &[u8],
    charset: Option<&str>,
    url: Option<&str>,
) -> (String, &'static Encoding, &'static str) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), enc, "bom");
    }
    let declared = charset
        .and_then(|c| Encoding::for_label(c.trim().as_bytes()).map(|e| (e, "transport")))
        .or_else(|| meta_charset(bytes).map(|e| (e, "meta")));
    let utf8 = std::str::from_utf8(bytes).ok();
    if let Some((enc, source)) = declared {
        // UTF-16 declared in an ASCII-compatible document means UTF-8.
        let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
            encoding_rs::UTF_8
        } else {
            enc
        };
        match utf8 {
            Some(s) if enc != encoding_rs::UTF_8 && !s.is_ascii() => {
                return (s.to_string(), encoding_rs::UTF_8, "utf-8")
            }
            _ => {
                let (text, _) = enc.decode_without_bom_handling(bytes);
                return (text.into_owned(), enc, source);
            }
        }
    }
    if let Some(s) = utf8 {
        return (s.to_string(), encoding_rs::UTF_8, "utf-8");
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let tld = url.and_then(metadata::host).and_then(|h| h.rsplit('.').next().map(str::to_string));
    let enc = detector.guess(tld.as_deref().map(str::as_bytes), chardetng::Utf8Detection::Allow);
    let (text, _) = enc.decode_without_bom_handling(bytes);
    (text.into_owned(), enc, "detected")
}

/// The charset a `<meta>` declares in the first 4 KiB (`<meta charset=x>`
/// or `<meta http-equiv="content-type" content="...; charset=x">`).
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(p) = memchr::memmem::find(&lower[from..], b"<meta").map(|p| p + from) {
        let end = memchr::memchr(b'>', &lower[p..]).map_or(lower.len(), |e| p + e);
        let tag = &lower[p..end];
        if let Some(c) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[c + 7..];
            let rest = rest.iter().position(|&b| b == b'=').map(|i| &rest[i + 1..]).unwrap_or(&[]);
            let rest: &[u8] =
                trim_start(rest, |b| b.is_ascii_whitespace() || b == b'"' || b == b'\'');
            let len = rest
                .iter()
                .position(|&b| !(b.is_ascii_alphanumeric() || b"-_.:".contains(&b)))
                .unwrap_or(rest.len());
            if let Some(enc) = Encoding::for_label(&rest[..len]) {
                return Some(enc);
            }
        }
        from = end;
    }
    None
}

fn trim_start(s: &[u8], f: impl Fn(u8) -> bool) -> &[u8] {
    let n = s.iter().position(|&b| !f(b)).unwrap_or(s.len());
    &s[n..]
}

#[cfg(test)]
mod tests;
