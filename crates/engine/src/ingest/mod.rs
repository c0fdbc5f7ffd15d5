//! Ingest: paths, folders, gzip and standard input to [`RawArticle`]s.
//!
//! Input: paths given by the user (files, folders walked recursively in
//! sorted order, `-` for stdin), or bytes already in memory.
//! Output: a stream of [`Item`]s, each a raw article or a [`Diagnostic`]
//! naming the file and record, handed to a callback so nothing is buffered.
//! Method: pick the reader by extension (after stripping `.gz`), else by
//! sniffing the first bytes; gzip is detected by its magic number. Only this
//! module and the store do IO.

mod feed;
#[cfg(feature = "fetch")]
pub mod fetch;
pub mod html;
mod jsonl;
mod text;
mod warc;

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::model::{Diagnostic, DiagnosticKind, Format, Origin, RawArticle};

/// Options for reading input.
#[derive(Clone, Debug)]
pub struct ReadConfig {
    /// Force one format instead of detecting it.
    pub format: Option<Format>,
    /// The largest record (a text file, a JSONL line) accepted, in bytes.
    pub max_record_bytes: usize,
}

impl Default for ReadConfig {
    fn default() -> ReadConfig {
        ReadConfig { format: None, max_record_bytes: 16 << 20 }
    }
}

/// What a reader hands out: an article, or a problem it found.
// Articles are the common case: boxing them would allocate once more per
// article to save space on the rarer diagnostics.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    /// A record that holds an article.
    Article(RawArticle),
    /// A record or file that could not be read.
    Diagnostic(Diagnostic),
}

/// One input to read: a file, a pipe, standard input or a URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A regular file on disk.
    File(PathBuf),
    /// A pipe or device named by a path the user gave, such as bash's
    /// `<(zcat feed.jsonl.gz)` (`/dev/fd/63`): read as a stream, and, like
    /// standard input, it may block.
    Stream(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// A page or feed to fetch over HTTP(S).
    Url(String),
}

impl Input {
    /// The name used in origins and diagnostics.
    pub fn name(&self) -> String {
        match self {
            // `display` goes through a lossy UTF-8 formatter even for a
            // valid path: the plain copy is the common case.
            Input::File(p) | Input::Stream(p) => {
                p.to_str().map_or_else(|| p.display().to_string(), str::to_string)
            }
            Input::Stdin => "-".to_string(),
            Input::Url(url) => url.clone(),
        }
    }
}

/// Expands user paths into the inputs to read: folders are walked
/// recursively in file-name order (hidden entries skipped, symlinked folders
/// not followed); paths that cannot be read become diagnostics. A path
/// given that is neither a folder nor a regular file (a pipe, a device) is
/// read as a stream; inside folders only regular files are read.
pub fn list_inputs(paths: &[PathBuf]) -> (Vec<Input>, Vec<Diagnostic>) {
    let mut inputs = Vec::new();
    let mut diagnostics = Vec::new();
    for path in paths {
        if path.as_os_str() == "-" {
            inputs.push(Input::Stdin);
            continue;
        }
        if let Some(url) = path.to_str().filter(|p| is_url(p)) {
            inputs.push(Input::Url(url.to_string()));
            continue;
        }
        // Symlinks are followed (walkdir reports loops and dangling links as errors).
        let walker = walkdir::WalkDir::new(path).follow_links(true).sort_by_file_name().into_iter();
        let walker = walker.filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
        for entry in walker {
            match entry {
                Ok(e) if e.file_type().is_file() => inputs.push(Input::File(e.into_path())),
                Ok(e) if e.depth() == 0 && !e.file_type().is_dir() => {
                    inputs.push(Input::Stream(e.into_path()))
                }
                Ok(_) => {}
                Err(err) => {
                    let at = err.path().unwrap_or(path).display().to_string();
                    let msg = err.io_error().map_or_else(|| err.to_string(), |e| e.to_string());
                    diagnostics.push(unreadable(&at, &msg));
                }
            }
        }
    }
    (inputs, diagnostics)
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|s| s.starts_with('.'))
}

fn unreadable(path: &str, msg: &str) -> Diagnostic {
    Diagnostic::new(Origin::file(path), DiagnosticKind::Unreadable, lowercase_first(msg))
}

fn lowercase_first(msg: &str) -> String {
    let mut chars = msg.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// True when a path given by the user is an `http://` or `https://` URL.
pub fn is_url(path: &str) -> bool {
    let head = path.get(..8).unwrap_or(path).to_ascii_lowercase();
    head.starts_with("http://") || head.starts_with("https://")
}

/// Reads one input and hands every article and diagnostic to `sink`.
pub fn read_input(input: &Input, config: &ReadConfig, sink: &mut dyn FnMut(Item)) {
    let name = input.name();
    let reader: Box<dyn Read> = match input {
        #[cfg(feature = "fetch")]
        Input::Url(url) => {
            return fetch::read_url(url, config, &fetch::FetchConfig::default(), sink)
        }
        #[cfg(not(feature = "fetch"))]
        Input::Url(url) => {
            let msg = format!("cannot fetch {url}: built without the `fetch` feature");
            return sink(Item::Diagnostic(unreadable(url, &msg)));
        }
        Input::Stdin => Box::new(io::stdin().lock()),
        Input::File(path) | Input::Stream(path) => match File::open(path) {
            Ok(f) => match whole_file(&f, config) {
                Some(Ok(bytes)) => return read_owned(&name, path, bytes, config, sink),
                Some(Err(e)) => return sink(Item::Diagnostic(read_error(&name, None, &e))),
                None => Box::new(f),
            },
            Err(e) => return sink(Item::Diagnostic(unreadable(&name, &e.to_string()))),
        },
    };
    let path = match input {
        Input::File(p) | Input::Stream(p) => Some(p.as_path()),
        Input::Stdin | Input::Url(_) => None,
    };
    read_stream(&name, path, reader, config, sink);
}

/// A regular file no larger than one record, read whole into a buffer of
/// its size (one `read` call); `None` for anything else (a large file, a
/// pipe, a file whose size is unknown), which is streamed.
///
/// Why: most inputs are one small article a file. Streamed, each went
/// through a 64 KiB buffer, was copied out of it into a vector grown by
/// doubling, and the vector copied again on every growth.
fn whole_file(file: &File, config: &ReadConfig) -> Option<io::Result<Vec<u8>>> {
    let meta = file.metadata().ok()?;
    let size = meta.len();
    if !meta.is_file() || size > config.max_record_bytes as u64 {
        return None;
    }
    // Up to the size the file has now: one `read` fills the buffer and the
    // `take` ends the reading there. Reading on to the end of the file cost
    // a second `read` a file, only to see it return 0. So a file that grows
    // while it is read is read as it was when sized (a file that shrinks,
    // as it is). A size of 0 (an empty file, or one of `/proc` whose size
    // is not known) is read to its end, up to the record limit.
    let limit = if size == 0 { config.max_record_bytes as u64 + 1 } else { size };
    let mut bytes = Vec::with_capacity(size as usize);
    Some(file.take(limit).read_to_end(&mut bytes).map(|_| bytes))
}

/// Reads a whole input already in memory and owned: a plain text file
/// becomes its article without another copy; gzip and the other formats
/// are read from the bytes as from a stream.
fn read_owned(
    name: &str,
    path: &Path,
    bytes: Vec<u8>,
    config: &ReadConfig,
    sink: &mut dyn FnMut(Item),
) {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return read_stream(name, Some(path), &bytes[..], config, sink);
    }
    match config.format.unwrap_or_else(|| detect(Some(path), &bytes)) {
        Format::Text => text::read_owned(name, bytes, config, sink),
        _ => read_plain(name, Some(path), &bytes[..], config, sink),
    }
}

/// Reads articles from bytes in memory (used by `extract` on stdin, tests,
/// fuzzing and the HTTP API). `name` names the input in origins.
pub fn read_bytes(name: &str, bytes: &[u8], config: &ReadConfig, sink: &mut dyn FnMut(Item)) {
    let path = Path::new(name);
    read_stream(name, Some(path), bytes, config, sink);
}

fn read_stream(
    name: &str,
    path: Option<&Path>,
    reader: impl Read,
    config: &ReadConfig,
    sink: &mut dyn FnMut(Item),
) {
    let mut reader = BufReader::with_capacity(64 << 10, reader);
    let head = match reader.fill_buf() {
        Ok(head) => head,
        Err(e) => return sink(Item::Diagnostic(unreadable(name, &e.to_string()))),
    };
    if head.starts_with(&[0x1f, 0x8b]) {
        let decoder = flate2::bufread::MultiGzDecoder::new(reader);
        let stem = path.map(|p| p.with_extension(""));
        let decoder = BufReader::with_capacity(64 << 10, decoder);
        return read_plain(name, stem.as_deref(), decoder, config, sink);
    }
    // Already buffered: a second buffer would copy every byte once more.
    read_plain(name, path, reader, config, sink)
}

fn read_plain(
    name: &str,
    path: Option<&Path>,
    mut reader: impl BufRead,
    config: &ReadConfig,
    sink: &mut dyn FnMut(Item),
) {
    let head = match reader.fill_buf() {
        Ok(head) => head,
        Err(e) => return sink(Item::Diagnostic(read_error(name, None, &e))),
    };
    let format = config.format.unwrap_or_else(|| detect(path, head));
    match format {
        Format::Text => text::read(name, reader, config, sink),
        Format::Jsonl => jsonl::read(name, reader, config, sink),
        Format::Html => html::read(name, reader, config, sink),
        Format::Warc => warc::read(name, reader, config, sink),
        Format::Feed => feed::read(name, reader, config, sink),
    }
}

/// Picks a format from the file name, else from the first bytes.
pub fn detect(path: Option<&Path>, head: &[u8]) -> Format {
    let ext = path.and_then(|p| p.extension()).and_then(|e| e.to_str());
    let ext = ext.map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("jsonl" | "ndjson") => return Format::Jsonl,
        Some("txt" | "text") => return Format::Text,
        Some("html" | "htm" | "xhtml" | "shtml") => return Format::Html,
        Some("warc" | "arc") => return Format::Warc,
        Some("rss" | "atom") => return Format::Feed,
        _ => {}
    }
    sniff(head)
}

/// Recognises a format by its first bytes: `WARC/`, a feed's root element,
/// an HTML document, a JSON Feed, JSON, else text.
fn sniff(head: &[u8]) -> Format {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let head = &head[start..];
    if head.starts_with(b"WARC/") {
        return Format::Warc;
    }
    let window = &head[..head.len().min(2048)];
    let lower = window.to_ascii_lowercase();
    let has = |needle: &[u8]| memchr::memmem::find(&lower, needle).is_some();
    match head.first() {
        Some(b'<') => {
            if has(b"<rss") || has(b"<feed") || has(b"<rdf:rdf") {
                Format::Feed
            } else if has(b"<html") || has(b"<!doctype html") || has(b"<head") || has(b"<body") {
                Format::Html
            } else {
                Format::Text
            }
        }
        Some(b'{') if has(b"jsonfeed.org/version") => Format::Feed,
        Some(b'{') | Some(b'[') => Format::Jsonl,
        _ => Format::Text,
    }
}

/// A diagnostic for an IO error in the middle of a stream: a broken gzip
/// member is `truncated`, anything else `unreadable`.
fn read_error(name: &str, record: Option<u64>, err: &io::Error) -> Diagnostic {
    let origin = Origin { path: name.to_string(), record };
    let truncated =
        matches!(err.kind(), io::ErrorKind::UnexpectedEof | io::ErrorKind::InvalidInput)
            || err.to_string().contains("corrupt deflate");
    if truncated {
        Diagnostic::new(origin, DiagnosticKind::Truncated, format!("stream ends early: {err}"))
    } else {
        Diagnostic::new(origin, DiagnosticKind::Unreadable, lowercase_first(&err.to_string()))
    }
}

/// Decodes bytes to text: UTF-8 (a BOM is dropped), else Windows-1252 when
/// the bytes hold no valid multi-byte UTF-8 sequence at all (a legacy file),
/// else UTF-8 with replacement characters. Says what it did in a diagnostic.
pub(crate) fn decode(bytes: &[u8], origin: &Origin) -> (String, Option<Diagnostic>) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), None),
        Err(_) => {
            let lossy = String::from_utf8_lossy(bytes);
            let any_multibyte = lossy.chars().any(|c| c as u32 >= 0x80 && c != '\u{FFFD}');
            let n_bad = lossy.matches('\u{FFFD}').count();
            if !any_multibyte {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                let msg = "not utf-8; decoded as windows-1252";
                (
                    text.into_owned(),
                    Some(Diagnostic::new(origin.clone(), DiagnosticKind::InvalidUtf8, msg)),
                )
            } else {
                let msg = format!("{n_bad} invalid utf-8 sequences replaced");
                (
                    lossy.into_owned(),
                    Some(Diagnostic::new(origin.clone(), DiagnosticKind::InvalidUtf8, msg)),
                )
            }
        }
    }
}

/// [`decode`] for bytes the caller owns: valid UTF-8 (the common case)
/// becomes the string without a copy.
pub(crate) fn decode_owned(bytes: Vec<u8>, origin: &Origin) -> (String, Option<Diagnostic>) {
    if bytes.starts_with(b"\xef\xbb\xbf") {
        return decode(&bytes, origin);
    }
    match String::from_utf8(bytes) {
        Ok(s) => (s, None),
        Err(e) => decode(e.as_bytes(), origin),
    }
}

/// True when bytes look like binary data rather than text: a NUL byte, or
/// more than 1 in 10 bytes a control character other than whitespace.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(8192)];
    // Nearly every text holds no control character at all (a NUL is one
    // too): a look for any, about half the work of counting, settles it.
    any_control(sample) && many_controls(sample)
}

/// A control byte other than whitespace (NUL included): 1, else 0.
fn is_control(b: u8) -> u8 {
    u8::from(b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
}

/// True when `sample` holds a control byte other than whitespace: the
/// bytes' flags OR-ed in 32 byte-wide lanes, which the compiler turns into
/// vector compares.
fn any_control(sample: &[u8]) -> bool {
    let mut any = [0u8; 32];
    let mut chunks = sample.chunks_exact(32);
    for chunk in &mut chunks {
        for i in 0..32 {
            any[i] |= is_control(chunk[i]);
        }
    }
    any.iter().any(|&f| f != 0) || chunks.remainder().iter().any(|&b| is_control(b) == 1)
}

/// [`looks_binary`]'s count: a NUL, or more than 1 in 10 bytes a control.
fn many_controls(sample: &[u8]) -> bool {
    // One pass, NULs and controls counted in 32 byte-wide lanes the
    // compiler turns into vector compares and adds (a lane holds at most
    // 255 before it is summed); a sum per 32 bytes, or a separate search
    // for NUL, cost more than the compares.
    let (mut controls, mut nuls) = (0usize, 0usize);
    for block in sample.chunks(32 * 255) {
        let (mut c, mut z) = ([0u8; 32], [0u8; 32]);
        let mut chunks = block.chunks_exact(32);
        for chunk in &mut chunks {
            for i in 0..32 {
                c[i] += is_control(chunk[i]);
                z[i] += u8::from(chunk[i] == 0);
            }
        }
        for &b in chunks.remainder() {
            controls += usize::from(is_control(b));
            nuls += usize::from(b == 0);
        }
        controls += c.iter().map(|&n| usize::from(n)).sum::<usize>();
        nuls += z.iter().map(|&n| usize::from(n)).sum::<usize>();
    }
    nuls > 0 || controls * 10 > sample.len().max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(name: &str, bytes: &[u8]) -> Vec<Item> {
        let mut items = Vec::new();
        read_bytes(name, bytes, &ReadConfig::default(), &mut |i| items.push(i));
        items
    }

    /// A pipe named on the command line (bash's `<(...)`) is read as a
    /// stream; a pipe inside a folder is not read (it could block the walk).
    #[test]
    fn a_named_pipe_given_is_read_as_a_stream() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("feed");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if !made.is_ok_and(|s| s.success()) {
            eprintln!("no mkfifo here: skipped");
            return;
        }
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "Ferry strike halts crossings\n\nThe crews walked out.\n").unwrap();
        let (inputs, diagnostics) = list_inputs(&[fifo.clone(), dir.path().to_path_buf()]);
        assert!(diagnostics.is_empty(), "{diagnostics:?}");
        assert_eq!(inputs, vec![Input::Stream(fifo.clone()), Input::File(file)]);
        assert_eq!(inputs[0].name(), fifo.to_str().unwrap());

        let writer = std::thread::spawn({
            let fifo = fifo.clone();
            move || std::fs::write(fifo, "Council approves the budget\n\nThe vote came late.\n")
        });
        let mut items = Vec::new();
        read_input(&inputs[0], &ReadConfig::default(), &mut |i| items.push(i));
        writer.join().unwrap().unwrap();
        let [Item::Article(raw)] = &items[..] else { panic!("{items:?}") };
        assert!(raw.body.starts_with("Council approves the budget"));
        assert_eq!(raw.origin.path, fifo.to_str().unwrap());
    }

    #[test]
    fn gzip_is_transparent_and_truncation_is_named() {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let line = "{\"title\":\"A headline\",\"text\":\"Some words in a sentence.\"}\n";
        for _ in 0..2000 {
            enc.write_all(line.as_bytes()).unwrap();
        }
        let gz = enc.finish().unwrap();
        let items = read_all("feed.jsonl.gz", &gz);
        assert_eq!(items.len(), 2000);
        assert!(items.iter().all(|i| matches!(i, Item::Article(_))));

        let cut = &gz[..gz.len() / 2];
        let items = read_all("feed.jsonl.gz", cut);
        let n_articles = items.iter().filter(|i| matches!(i, Item::Article(_))).count();
        assert!(n_articles > 100 && n_articles < 2000, "{n_articles}");
        let Some(Item::Diagnostic(d)) = items.last() else { panic!("no diagnostic") };
        assert_eq!(d.kind, DiagnosticKind::Truncated);
        assert_eq!(d.origin.path, "feed.jsonl.gz");
    }

    #[test]
    fn detects_by_extension_then_content() {
        assert_eq!(detect(Some(Path::new("a.jsonl")), b"hello"), Format::Jsonl);
        assert_eq!(detect(Some(Path::new("a.txt")), b"{}"), Format::Text);
        assert_eq!(detect(None, b"  {\"text\": 1}"), Format::Jsonl);
        assert_eq!(detect(None, b"Plain words."), Format::Text);
        assert_eq!(detect(Some(Path::new("a.json")), b"{\"a\":1}"), Format::Jsonl);
        assert_eq!(detect(Some(Path::new("page.htm")), b"x"), Format::Html);
        assert_eq!(detect(None, b"\n<!DOCTYPE html><html>"), Format::Html);
        assert_eq!(detect(None, b"WARC/1.1\r\n"), Format::Warc);
        assert_eq!(detect(None, b"<?xml version=\"1.0\"?><rss version=\"2.0\">"), Format::Feed);
        assert_eq!(
            detect(Some(Path::new("x.xml")), b"<feed xmlns=\"http://www.w3.org/2005/Atom\">"),
            Format::Feed
        );
        assert_eq!(
            detect(None, b"{\"version\": \"https://jsonfeed.org/version/1.1\"}"),
            Format::Feed
        );
    }

    #[test]
    fn legacy_bytes_decode_as_windows_1252() {
        let (text, diag) = decode(b"caf\xe9 \x93quoted\x94", &Origin::file("x"));
        assert_eq!(text, "café “quoted”");
        assert_eq!(diag.unwrap().kind, DiagnosticKind::InvalidUtf8);
    }

    #[test]
    fn binary_is_recognised() {
        assert!(looks_binary(b"\x7fELF\x02\x01\x01\x00\x00"));
        assert!(!looks_binary("Plain text.\nWith lines.\t".as_bytes()));
        // A NUL or the control share decides wherever it falls in the
        // 8 KiB sample: in a full lane block, in the remainder.
        let text = "Words of a story, line after line.\n".repeat(300);
        assert!(!looks_binary(text.as_bytes()));
        for at in [0, 31, 32, 8159, 8191] {
            let mut bytes = text.clone().into_bytes();
            bytes[at] = 0;
            assert!(looks_binary(&bytes), "NUL at {at}");
        }
        let mut bytes = text.into_bytes();
        bytes[8192] = 0; // past the sample
        assert!(!looks_binary(&bytes));
        let controls: Vec<u8> = (0..8192).map(|i| if i % 9 == 0 { 0x01 } else { b'a' }).collect();
        assert!(looks_binary(&controls));
        let fewer: Vec<u8> = (0..8192).map(|i| if i % 11 == 0 { 0x01 } else { b'a' }).collect();
        assert!(!looks_binary(&fewer));
    }

    #[test]
    fn a_file_is_read_whole_or_streamed_to_the_same_items() {
        let dir = tempfile::tempdir().unwrap();
        let text = "Ferry crews strike\n\nThe harbour ferries stopped on Monday.\n";
        let cases: [(&str, Vec<u8>); 4] = [
            ("a.txt", text.as_bytes().to_vec()),
            ("b.jsonl", b"{\"title\":\"T\",\"text\":\"Some words here.\"}\nnot json\n".to_vec()),
            ("c.txt", vec![0x7f, b'E', b'L', b'F', 0, 1, 2]),
            ("d.txt", Vec::new()),
        ];
        for (file, bytes) in cases {
            let path = dir.path().join(file);
            std::fs::write(&path, &bytes).unwrap();
            let name = path.display().to_string();
            let mut whole = Vec::new();
            read_input(&Input::File(path.clone()), &ReadConfig::default(), &mut |i| whole.push(i));
            // The same bytes through the streaming path.
            let mut streamed = Vec::new();
            read_bytes(&name, &bytes, &ReadConfig::default(), &mut |i| streamed.push(i));
            assert_eq!(whole, streamed, "{file}");
            assert!(!whole.is_empty(), "{file}");
        }
        // Larger than the limit: streamed, and refused as too large.
        let path = dir.path().join("big.txt");
        std::fs::write(&path, "word ".repeat(100)).unwrap();
        let config = ReadConfig { max_record_bytes: 64, ..ReadConfig::default() };
        let mut items = Vec::new();
        read_input(&Input::File(path), &config, &mut |i| items.push(i));
        let [Item::Diagnostic(d)] = &items[..] else { panic!("{items:?}") };
        assert_eq!(d.kind, DiagnosticKind::TooLarge);
    }
}

#[cfg(test)]
mod proptests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Every reader, fed arbitrary bytes (also behind a gzip header),
        /// returns items and never panics.
        #[test]
        fn readers_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048), format in 0..3u8) {
            let format = [None, Some(Format::Text), Some(Format::Jsonl)][format as usize];
            let config = ReadConfig { format, max_record_bytes: 512 };
            let mut n = 0;
            read_bytes("fuzz.in", &bytes, &config, &mut |_| n += 1);
            let mut gz = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
            gz.extend_from_slice(&bytes);
            read_bytes("fuzz.gz", &gz, &config, &mut |_| n += 1);
            prop_assert!(n >= 1);
        }

        /// [`looks_binary`] with its look for any control first says what
        /// the count alone said (the old function), on bytes with few or many
        /// controls and NULs, anywhere in and past the 8 KiB sample.
        #[test]
        fn looks_binary_is_the_count_alone(
            len in 0..9000usize,
            controls in prop::collection::vec((any::<prop::sample::Index>(), 0..0x20u8), 0..40),
            every in prop::option::of(2..20usize),
        ) {
            let mut bytes: Vec<u8> = (0..len).map(|i| b"ab \n\tc\r.\x0c"[i % 9]).collect();
            if let Some(every) = every {
                for i in (0..len).step_by(every) {
                    bytes[i] = 0x01;
                }
            }
            if len > 0 {
                for (at, b) in &controls {
                    bytes[at.index(len)] = *b;
                }
            }
            let sample = &bytes[..len.min(8192)];
            prop_assert_eq!(looks_binary(&bytes), many_controls(sample));
        }

        #[test]
        fn jsonl_lines_of_arbitrary_json_never_panic(lines in prop::collection::vec("[{}\\[\\]\":,a-z0-9 \\\\]{0,40}", 0..20)) {
            let text = lines.join("\n");
            let config = ReadConfig { format: Some(Format::Jsonl), ..ReadConfig::default() };
            read_bytes("fuzz.jsonl", text.as_bytes(), &config, &mut |_| {});
        }
    }
}
