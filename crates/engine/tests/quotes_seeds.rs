//! The quote and entity bars of issue 6 on the five seed articles.
//!
//! Reads `../shared/seeds/`; the golden dump keeps facts only (speaker,
//! offsets, the first words of each quote).

use std::path::PathBuf;

use storyline::extract::merge::{merge, Source};
use storyline::extract::{dump, extract, EntityKind, Extraction};
use storyline::model::ArticleId;

fn seeds() -> Vec<(String, String)> {
    let dir = storyline::eval::shared_dir().join("seeds");
    let mut paths: Vec<PathBuf> =
        std::fs::read_dir(&dir).expect("seeds folder").map(|e| e.expect("entry").path()).collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            (
                p.file_name().unwrap_or_default().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).expect("seed text"),
            )
        })
        .collect()
}

/// The speaker of the quote whose content starts with `prefix`.
fn speaker_of(text: &str, x: &Extraction, prefix: &str) -> Option<String> {
    let q = x
        .quotes
        .iter()
        .find(|q| text[q.content.clone()].trim_start_matches(['"', '“']).starts_with(prefix))?;
    Some(q.speaker.as_ref().map_or("-".into(), |s| s.name.clone()))
}

#[test]
fn seeds_quotes_speakers_and_merging() {
    let seeds = seeds();
    assert_eq!(seeds.len(), 5);
    let extractions: Vec<Extraction> = seeds.iter().map(|(_, t)| extract(t)).collect();
    let mut golden = String::new();
    for ((name, text), x) in seeds.iter().zip(&extractions) {
        golden.push_str(&format!("== {}\n{}", &name[..3], dump(text, x)));
    }
    expect_test::expect_file!["../test_data/quotes/seeds.txt"].assert_eq(&golden);

    // Every direct quote (marks lost in 003) with its speaker.
    let expected: &[(usize, &str, &str)] = &[
        (0, "We are at the same place", "Mark Toner"),
        (0, "We have not definitely", "Mark Toner"),
        (0, "I can’t speak to whether", "Mark Toner"),
        (0, "Many of them are not", "Mark Toner"),
        (0, "I think that the temporary truce", "Bob Menendez"),
        (0, "[T]he current effort", "Jeanne Shaheen"),
        (0, "Sanctions can be very effective", "Mark Toner"),
        (0, "But we also want to weigh", "Mark Toner"),
        (1, "Russia knows exactly", "John Kerry"),
        (1, "Contact is continuing", "Dmitry Peskov"),
        (1, "This unfortunately does not", "Dmitry Peskov"),
        (1, "We will continue, as we have", "John Kerry"),
        (1, "And that includes the grounding", "John Kerry"),
        (2, "We believe this approach", "John Kirby"),
        (2, "But it remains to be seen", "John Kirby"),
        (2, "We've been very concerned", "John Kirby"),
        (2, "Discussions will likely continue", "another US official"),
        (2, "I'm not confident", "Barack Obama"),
        (2, "We have to test whether", "Barack Obama"),
        (2, "There was an acknowledgement", "A senior US official"),
        (2, "No doors are closed", "A senior US official"),
        (2, "The test is to see", "John Kirby"),
        (3, "Russia knows exactly", "John Kerry"),
        (3, "Contact is continuing", "Dmitry Peskov"),
        (3, "Were largely trying", "a senior Arab official"),
        (3, "Kerry is a congenial", "Stephen Sestanovich"),
        (3, "The president, as he thinks", "Josh Earnest"),
        (3, "We will continue, as we have", "John Kerry"),
        (3, "My government is absolutely", "John Kerry"),
        (3, "Together, the Syrian regime", "John Kerry"),
        (3, "I strongly urge", "Ban Ki-moon"),
        (4, "If we hadn’t had the conversations", "John F. Kerry"),
    ];
    let mut wrong = Vec::new();
    for &(i, prefix, speaker) in expected {
        let got = speaker_of(&seeds[i].1, &extractions[i], prefix);
        if got.as_deref() != Some(speaker) {
            wrong.push(format!("{i} {prefix:?}: want {speaker:?}, got {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));

    // The repeated Toner paragraph in 000 counts once.
    let toner: Vec<_> = extractions[0]
        .quotes
        .iter()
        .filter(|q| seeds[0].1[q.content.clone()].starts_with("Many of them are not"))
        .collect();
    assert_eq!(toner.len(), 1);
    assert_eq!(toner[0].repeats.len(), 1);

    // Across articles: 001 and 003 share quotes; Kerry and Lavrov are one
    // entity each.
    let sources: Vec<Source> = seeds
        .iter()
        .zip(&extractions)
        .enumerate()
        .map(|(i, ((_, text), x))| Source {
            article: ArticleId(i as u64),
            published: None,
            copy_of: None,
            text,
            extraction: x,
        })
        .collect();
    let merged = merge(&sources);
    for prefix in ["Russia knows exactly", "Contact is continuing", "We will continue, as we have"]
    {
        let q = merged
            .quotes
            .iter()
            .find(|q| q.text.trim_start_matches(['"', '“']).starts_with(prefix))
            .expect("merged quote");
        let articles: Vec<u64> = q.sources.iter().map(|s| s.article.0).collect();
        assert_eq!(articles, [1, 3], "{prefix}");
        assert_eq!(q.n_reports, 2);
    }
    let people = |surname: &str| {
        merged
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Person && e.name.ends_with(surname))
            .collect::<Vec<_>>()
    };
    let kerry = people("Kerry");
    assert_eq!(kerry.len(), 1, "{kerry:?}");
    assert_eq!(kerry[0].name, "John Kerry");
    assert!(
        kerry[0].aliases.contains(&"John F. Kerry".to_string())
            && kerry[0].aliases.contains(&"Mr. Kerry".to_string()),
        "{:?}",
        kerry[0].aliases
    );
    assert!(kerry[0].roles.iter().any(|r| r.role.ends_with("Secretary of State")));
    let lavrov = people("Lavrov");
    assert_eq!(lavrov.len(), 1, "{lavrov:?}");
    assert!(lavrov[0].aliases.iter().chain([&lavrov[0].name]).any(|a| a == "Sergey Lavrov"));
    assert!(lavrov[0].aliases.iter().chain([&lavrov[0].name]).any(|a| a == "Sergei Lavrov"));
    let obamas = people("Obama");
    assert_eq!(obamas.len(), 1, "{obamas:?}");
}
