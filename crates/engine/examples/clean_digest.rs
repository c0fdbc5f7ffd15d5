//! A digest of what cleaning outputs, one line per input, to show that a
//! change to the cleaner's speed changed none of its outputs.
//!
//! `cargo run --release -p storyline-engine --example clean_digest > before.txt`,
//! change the cleaner, run it again and `diff` the two files. Inputs: the
//! seeds, every text of Timeline17, ECB+ and PolNeAR, and 200,000 generated
//! articles (a fixed-seed mix of Treebank tokens, mojibake, quotes, chrome
//! and repeats). Each line is the input's name and an xxh3 of the full
//! `Clean` (text, offset runs, title, dateline, language, every line's fate
//! and content, printed as `{:?}` printed it when a line held its content
//! as a string), then an xxh3 of what `pipeline::process` makes of it as a
//! text file of that path (clean + metadata: the whole `Article`, or the
//! diagnostic when nothing is left).

use std::path::{Path, PathBuf};

use storyline::clean::{clean, Clean, CleanConfig};
use storyline::model::{Fields, Format, Origin, RawArticle};
use storyline::pipeline::{process, Config};

fn main() {
    let config = CleanConfig::default();
    let shared = storyline::eval::shared_dir();
    let datasets = storyline::eval::datasets_dir();
    let mut files: Vec<PathBuf> = Vec::new();
    collect(&shared.join("seeds"), &mut files);
    collect(&datasets.join("timeline17"), &mut files);
    collect(&datasets.join("ecbplus/docs"), &mut files);
    collect(&datasets.join("polnear/data"), &mut files);
    files.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    files.sort();
    for path in &files {
        let Ok(raw) = std::fs::read_to_string(path) else { continue };
        let name = path.display().to_string();
        println!("{name} {:016x} {:016x}", digest(&raw, &config), processed(&name, &raw));
    }
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    for i in 0..200_000 {
        let raw = generated(&mut rng);
        let name = format!("gen{i}");
        println!("{name} {:016x} {:016x}", digest(&raw, &config), processed(&name, &raw));
    }
}

fn digest(raw: &str, config: &CleanConfig) -> u64 {
    let c = clean(raw, config);
    xxhash_rust::xxh3::xxh3_64(debug(&c).as_bytes())
}

/// What `{:?}` printed for `Clean` when each `Line` held its repaired
/// content as a `String` (before the lines became ranges into
/// `Clean::repaired`): the same content in the same order, so that digests
/// made before and after that change stay comparable.
fn debug(c: &Clean) -> String {
    let lines: Vec<String> = c
        .lines
        .iter()
        .map(|l| {
            format!(
                "Line {{ number: {:?}, span: {:?}, fate: {:?}, content: {:?} }}",
                l.number,
                l.span,
                l.fate,
                l.content(c)
            )
        })
        .collect();
    format!(
        "Clean {{ text: {:?}, offsets: {:?}, title: {:?}, dateline: {:?}, language: {:?}, lines: [{}] }}",
        c.text,
        c.offsets,
        c.title,
        c.dateline,
        c.language,
        lines.join(", ")
    )
}

fn processed(name: &str, raw: &str) -> u64 {
    let raw = RawArticle {
        origin: Origin::file(name),
        format: Format::Text,
        body: raw.to_string(),
        fields: Fields::default(),
        diagnostics: Vec::new(),
    };
    let article = process(raw, &Config::default());
    xxhash_rust::xxh3::xxh3_64(format!("{article:?}").as_bytes())
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

fn next(rng: &mut u64) -> u64 {
    *rng ^= *rng << 13;
    *rng ^= *rng >> 7;
    *rng ^= *rng << 17;
    *rng
}

const WORDS: &[&str] = &[
    "the",
    "Minister",
    "said",
    "talks",
    "on",
    "Tuesday",
    "\u{201c}",
    "\u{201d}",
    "we're",
    "Log in",
    "All rights reserved",
    "(AFP/Getty Images)",
    "October 5, 2016",
    "-",
    "|",
    "---",
    "##",
    "**",
    "\u{e2}\u{20ac}\u{2122}",
    "``",
    "''",
    "-LRB-",
    "-RRB-",
    ",",
    ".",
    "?",
    "Related Articles",
    "é",
    "\u{a0}",
    "n't",
    "'s",
    "$",
    "#",
    "%",
    "...",
    "it",
    "there.\"Kerry",
    "said.\"",
    "Kerry",
    "\\*",
    "*",
    "WASHINGTON (Reuters) -",
    "Follow us on Twitter",
    "caf\u{c3}\u{a9}",
    "’s",
    "N'T",
    "'ll",
    "  ",
    "\t",
    "x@y.com",
    "Copyright 2020",
    "\u{200b}",
    "Ärger",
    "ÖL",
    "'",
    "\"",
    "--",
    ";",
    ":",
    "!",
    "-LSB-",
    "-RSB-",
    "-LCB-",
    "-RCB-",
    "The",
    "council",
    "voted",
    "to",
    "raise",
    "budget",
    "a",
    "photo",
    "shows",
    "mayor",
    "bridge",
    "by",
    "John",
    "Smith",
    "5",
    "2016",
    "http://x.y/z",
    "Source:",
    "Read more",
    "\r",
    "I",
    "\u{feff}",
    "\u{2019}",
    "\u{2014}",
    "\u{85}",
    "\u{1f600}",
];

fn generated(rng: &mut u64) -> String {
    let mut out = String::new();
    let n_lines = next(rng) % 14;
    for _ in 0..n_lines {
        let n_words = next(rng) % 16;
        for w in 0..n_words {
            if w > 0 {
                out.push(if next(rng).is_multiple_of(9) { '\u{a0}' } else { ' ' });
            }
            if next(rng).is_multiple_of(40) {
                out.push(char::from_u32((next(rng) % 0x3000) as u32).unwrap_or('?'));
            }
            out.push_str(WORDS[(next(rng) % WORDS.len() as u64) as usize]);
        }
        out.push_str(["\n", "\n\n", ".\n", "\r\n", " \n", " . \n"][(next(rng) % 6) as usize]);
    }
    out
}
