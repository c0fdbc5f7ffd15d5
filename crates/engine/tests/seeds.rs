//! Golden test over the five seed articles (`../shared/seeds`): metadata,
//! the fate of every raw line, and a hash of the full clean text. The dump
//! holds facts (line numbers, fates, the first words of a line), never
//! passages. `UPDATE_EXPECT=1 cargo test --test seeds` rewrites it.

use std::fmt::Write;
use std::path::PathBuf;

use storyline::clean::{clean, CleanConfig, Fate};
use storyline::ingest::{list_inputs, read_input, Item, ReadConfig};
use storyline::model::Article;
use storyline::pipeline::{process, Config};

fn seeds_dir() -> PathBuf {
    storyline::eval::shared_dir().join("seeds")
}

fn seed_articles() -> Vec<Article> {
    let (inputs, problems) = list_inputs(&[seeds_dir()]);
    assert!(problems.is_empty(), "{problems:?}");
    let mut articles = Vec::new();
    for input in &inputs {
        read_input(input, &ReadConfig::default(), &mut |item| match item {
            Item::Article(raw) => {
                articles.push(process(raw, &Config::default()).expect("a seed has text"))
            }
            Item::Diagnostic(d) => panic!("{d}"),
        });
    }
    articles
}

fn name(a: &Article) -> String {
    let file = a.origin.path.rsplit('/').next().unwrap_or_default();
    file[..3].to_string()
}

fn first_words(s: &str, n: usize) -> String {
    let words: Vec<&str> = s.split_whitespace().take(n).collect();
    let more = if s.split_whitespace().count() > n { " …" } else { "" };
    format!("{}{more}", words.join(" "))
}

fn dump(articles: &[Article]) -> String {
    let mut out = String::new();
    for a in articles {
        let opt = |v: &Option<String>| v.as_deref().map_or("-".to_string(), |s| first_words(s, 6));
        writeln!(out, "== {}", name(a)).unwrap();
        writeln!(out, "title: {}", opt(&a.title)).unwrap();
        writeln!(
            out,
            "outlet: {} | original: {} | author: {}",
            opt(&a.outlet),
            opt(&a.original_outlet),
            opt(&a.author)
        )
        .unwrap();
        let src = a.published_source.map_or("-", |s| s.name());
        writeln!(
            out,
            "published: {} ({src}) | language: {}",
            a.published.map_or("-".into(), |d| d.to_string()),
            opt(&a.language)
        )
        .unwrap();
        let n_paras = a.text.split("\n\n").count();
        let hash = xxhash(&a.text);
        writeln!(out, "text: {} bytes, {n_paras} paragraphs, xxh3 {hash:016x}", a.text.len())
            .unwrap();
        let c = clean(&a.raw, &CleanConfig { detect_language: false });
        for l in c.lines.iter().filter(|l| l.fate != Fate::Blank) {
            writeln!(
                out,
                "  L{:<3} {:<22} {}",
                l.number,
                l.fate.name(),
                first_words(l.content(&c), 4)
            )
            .unwrap();
        }
    }
    out
}

fn xxhash(s: &str) -> u64 {
    storyline::pipeline::article_id(s).0
}

#[test]
fn seeds_golden() {
    let articles = seed_articles();
    expect_test::expect_file!["seeds.golden.txt"].assert_eq(&dump(&articles));
}

/// The bars, checked directly rather than through the dump.
#[test]
fn seeds_meet_the_cleaning_bars() {
    let articles = seed_articles();
    assert_eq!(articles.len(), 5);
    let by_name = |n: &str| articles.iter().find(|a| name(a) == n).expect("seed present");
    for n in ["001", "002", "003", "004"] {
        assert!(by_name(n).title.is_some(), "{n} has a title");
    }
    for n in ["001", "003"] {
        let a = by_name(n);
        assert_eq!(a.published.map(|d| d.to_string()).as_deref(), Some("2016-10-05"), "{n}");
        assert_eq!(a.original_outlet.as_deref(), Some("The Wall Street Journal"), "{n}");
    }
    for n in ["000", "002", "004"] {
        assert_eq!(by_name(n).published, None, "{n} carries no date: none is invented");
    }

    // None of the chrome the issue lists is left.
    let chrome = [
        "Log in",
        "log in",
        "Sign-up",
        "sign-up",
        "password",
        "All rights reserved",
        "©",
        "Our address",
        "e-mail:",
        "@",
        "Follow us",
        "Related Articles",
        "Back to top",
        "COVID-19 Latest",
        "Middle East\n",
        "World|politics",
        "(AFP/Getty Images)",
        "Kaynak/Source",
        "follow @",
        "Republication",
        "Pentagon to send about",
        "Trade ban approved",
        "In a first for post-Taliban",
        "AKIPRESS.COM",
    ];
    for a in &articles {
        for c in chrome {
            assert!(!a.text.contains(c), "{}: {c:?} left in the text", name(a));
        }
        assert!(!a.text.starts_with("Middle East"));
    }

    // No paragraph repeated, nor contained in another.
    for a in &articles {
        let keys: Vec<String> = a.text.split("\n\n").map(words).collect();
        for (i, k) in keys.iter().enumerate() {
            for (j, other) in keys.iter().enumerate() {
                if i != j && k.split(' ').count() >= 6 {
                    assert!(
                        !other.contains(k.as_str()),
                        "{}: paragraph {i} repeated in {j}",
                        name(a)
                    );
                }
            }
        }
    }

    // Every sentence of the stories is kept: each raw line that reads as prose
    // (eight words or more, ending like a sentence) is in the clean text, but
    // for the site's own terms of use.
    let not_story = ["Republication of any material", "Any citation must be"];
    for a in &articles {
        let text = words(&a.text);
        for line in a.raw.lines() {
            let line = line.trim();
            let prose = line.split_whitespace().count() >= 8
                && line.ends_with(['.', '"', '\u{201d}', '?', '!'])
                && !not_story.iter().any(|p| line.starts_with(p));
            if prose {
                let w = words(line);
                let w = w.strip_prefix("akipress com john kerry ").unwrap_or(&w);
                assert!(text.contains(w), "{}: lost {:?}", name(a), first_words(line, 6));
            }
        }
    }
}

fn words(s: &str) -> String {
    let mut out = String::new();
    for w in s.split(|c: char| !c.is_alphanumeric() && c != '\'' && c != '\u{2019}') {
        let w: String =
            w.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect();
        if !w.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&w);
        }
    }
    out
}
