//! Prints how often each line fate occurs over a folder, with a sample of
//! the lines dropped: `cargo run --example fates -- PATH`. A review aid for
//! cleaning rules on real data.

use std::collections::BTreeMap;
use std::path::PathBuf;

use storyline::clean::{clean, CleanConfig, Fate};
use storyline::ingest::{list_inputs, read_input, Item, ReadConfig};

fn main() {
    let paths: Vec<PathBuf> = std::env::args().skip(1).map(PathBuf::from).collect();
    let (inputs, _) = list_inputs(&paths);
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let mut samples: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for input in &inputs {
        read_input(input, &ReadConfig::default(), &mut |item| {
            let Item::Article(raw) = item else { return };
            let c = clean(&raw.body, &CleanConfig { detect_language: false });
            for l in &c.lines {
                let kind = l.fate.name();
                let kind =
                    if matches!(l.fate, Fate::Repeat(_)) { "repeat".to_string() } else { kind };
                *counts.entry(kind.clone()).or_default() += 1;
                if !matches!(l.fate, Fate::Body | Fate::Blank | Fate::Joined) {
                    let s = samples.entry(kind).or_default();
                    if s.len() < 12 {
                        let text: String = l.content(&c).chars().take(100).collect();
                        s.push(format!("{}:{} {text}", raw.origin, l.number));
                    }
                }
            }
        });
    }
    for (kind, n) in &counts {
        println!("{kind:<24} {n}");
    }
    for (kind, lines) in &samples {
        println!("\n== {kind}");
        for l in lines {
            println!("  {l}");
        }
    }
}
