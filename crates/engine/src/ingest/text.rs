//! The plain-text reader: one article per file, as scraped.
//!
//! Input: a byte stream. Output: one [`RawArticle`] whose body is the whole
//! decoded text, or a diagnostic (empty, binary, too large, unreadable).
//! Method: read up to the size limit, refuse binary, decode (see
//! [`super::decode`]). Metadata is found later, by the metadata stage.

use std::io::Read;

use super::{decode_owned, looks_binary, read_error, Item, ReadConfig};
use crate::model::{Diagnostic, DiagnosticKind, Fields, Format, Origin, RawArticle};

pub(super) fn read(name: &str, reader: impl Read, config: &ReadConfig, sink: &mut dyn FnMut(Item)) {
    let limit = config.max_record_bytes as u64;
    let mut bytes = Vec::new();
    if let Err(e) = reader.take(limit + 1).read_to_end(&mut bytes) {
        sink(Item::Diagnostic(read_error(name, None, &e)));
        return;
    }
    read_owned(name, bytes, config, sink);
}

/// [`read`] for a whole file already in memory.
pub(super) fn read_owned(
    name: &str,
    bytes: Vec<u8>,
    config: &ReadConfig,
    sink: &mut dyn FnMut(Item),
) {
    let origin = Origin::file(name);
    let limit = config.max_record_bytes as u64;
    let diag = |kind, msg: String| Item::Diagnostic(Diagnostic::new(origin.clone(), kind, msg));
    if bytes.len() as u64 > limit {
        return sink(diag(DiagnosticKind::TooLarge, format!("larger than {limit} bytes; skipped")));
    }
    if looks_binary(&bytes) {
        return sink(diag(DiagnosticKind::Binary, "binary data, not text; skipped".into()));
    }
    let (body, decode_diag) = decode_owned(bytes, &origin);
    if body.trim().is_empty() {
        return sink(diag(DiagnosticKind::Empty, "no text".into()));
    }
    let diagnostics = decode_diag.into_iter().collect();
    sink(Item::Article(RawArticle {
        origin,
        format: Format::Text,
        body,
        fields: Fields::default(),
        diagnostics,
    }));
}
