//! Story narratives: `storyline timeline STORY` and `storyline report`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use storyline::cluster::{ClusterState, StoryId, StoryView};
use storyline::dedupe::Duplicate;
use storyline::export::{story_articles, StoryJson};
use storyline::model::{Article, ArticleId};
use storyline::summarize::CitedSentence;

use crate::show::open_store;

#[derive(Args)]
pub struct TimelineArgs {
    /// The story id (`s12` or `12`)
    id: String,
    /// The store [default: ./storyline.db, or $STORYLINE_DB]
    #[arg(long)]
    db: Option<PathBuf>,
    /// Print JSON (the `timeline` of a story in docs/json.md)
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ReportArgs {
    /// Only this story (`s12` or `12`) [default: every story, largest first]
    #[arg(long)]
    story: Option<String>,
    /// The store [default: ./storyline.db, or $STORYLINE_DB]
    #[arg(long)]
    db: Option<PathBuf>,
}

/// What the narrative commands read from the store.
struct Loaded {
    articles: Vec<Article>,
    duplicates: Vec<(ArticleId, Duplicate)>,
    clusters: ClusterState,
}

fn load(db: Option<PathBuf>) -> Result<Option<Loaded>> {
    let store = open_store(db)?;
    let Some(clusters) = store.cluster_state()? else { return Ok(None) };
    Ok(Some(Loaded { articles: store.articles()?, duplicates: store.duplicates()?, clusters }))
}

fn parse_story(id: &str) -> Result<StoryId> {
    StoryId::parse(id).with_context(|| format!("bad story id {id:?} (expected s12 or 12)"))
}

/// `storyline timeline STORY`: the dated, cited timeline of one story.
pub fn timeline(args: TimelineArgs) -> Result<ExitCode> {
    let id = parse_story(&args.id)?;
    let Some(loaded) = load(args.db)? else {
        eprintln!("storyline: no stories yet");
        return Ok(ExitCode::from(1));
    };
    let Some(view) = loaded.clusters.story(id) else {
        eprintln!("storyline: no story {}", args.id);
        return Ok(ExitCode::from(1));
    };
    let by_id: HashMap<ArticleId, &Article> = loaded.articles.iter().map(|a| (a.id, a)).collect();
    let story = StoryJson::new(&view).narrate(&view, &by_id, &loaded.duplicates);
    let tl = story.timeline.unwrap_or_default();
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&tl)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    for e in &tl.dates {
        for (i, s) in e.sentences.iter().enumerate() {
            let date = if i == 0 { e.date.to_string() } else { String::new() };
            writeln!(out, "{date:<10}  {}  [{}]", s.text, ids(s))?;
        }
    }
    for s in &tl.undated {
        writeln!(out, "{:<10}  {}  [{}]", "undated", s.text, ids(s))?;
    }
    Ok(if tl.dates.is_empty() && tl.undated.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `storyline report`: Markdown, per story its summary, timeline and
/// sources with their copies.
pub fn report(args: ReportArgs) -> Result<ExitCode> {
    let only = args.story.as_deref().map(parse_story).transpose()?;
    let Some(loaded) = load(args.db)? else {
        eprintln!("storyline: no stories yet");
        return Ok(ExitCode::from(1));
    };
    let mut views: Vec<StoryView> = match only {
        Some(id) => loaded.clusters.story(id).into_iter().collect(),
        None => loaded.clusters.stories().collect(),
    };
    if views.is_empty() {
        eprintln!("storyline: no story {}", args.story.unwrap_or_default());
        return Ok(ExitCode::from(1));
    }
    views.sort_by_key(|s| (std::cmp::Reverse(s.n_articles), s.id));
    let by_id: HashMap<ArticleId, &Article> = loaded.articles.iter().map(|a| (a.id, a)).collect();
    let mut out = io::BufWriter::new(io::stdout().lock());
    for view in &views {
        out.write_all(story_markdown(view, &by_id, &loaded.duplicates).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One story as Markdown.
/// The story's most reported direct quotes with a named speaker: one
/// Markdown line each, citing every article that carries it.
fn key_quotes(articles: &[&Article], duplicates: &[(ArticleId, Duplicate)]) -> Vec<String> {
    let owned: Vec<Article> = articles.iter().map(|a| (*a).clone()).collect();
    let merged = storyline::pipeline::quotes(&owned, duplicates);
    let mut quotes: Vec<_> = merged
        .quotes
        .iter()
        .filter(|q| q.kind == storyline::extract::QuoteKind::Direct && q.speaker.is_some())
        .collect();
    // Most reported first (every carrying article, copies included), then
    // in order of appearance; at most two per speaker so more voices show.
    quotes.sort_by_key(|q| {
        (std::cmp::Reverse(q.sources.len()), std::cmp::Reverse(q.n_reports), q.id)
    });
    let mut per_speaker: HashMap<&str, usize> = HashMap::new();
    quotes.retain(|q| {
        let n = per_speaker.entry(q.speaker.as_deref().unwrap_or("")).or_default();
        *n += 1;
        *n <= 2
    });
    quotes
        .iter()
        .take(8)
        .map(|q| {
            let mut ids: Vec<String> = q.sources.iter().map(|s| s.article.to_string()).collect();
            ids.dedup();
            let who = q.speaker.as_deref().unwrap_or("?");
            format!("- **{who}**: \"{}\" [{}]", q.text, ids.join(", "))
        })
        .collect()
}

fn story_markdown(
    view: &StoryView<'_>,
    by_id: &HashMap<ArticleId, &Article>,
    duplicates: &[(ArticleId, Duplicate)],
) -> String {
    let story = StoryJson::new(view).narrate(view, by_id, duplicates);
    let mut md = String::new();
    let _ = writeln!(md, "# {}: {}\n", story.id, story.title.unwrap_or("(untitled)"));
    let span = format!(
        "{}..{}",
        story.first.as_deref().unwrap_or("?"),
        story.last.as_deref().unwrap_or("?")
    );
    let _ = writeln!(md, "{} articles, {span}\n", story.n_articles);
    let _ = writeln!(md, "## Summary\n");
    for s in story.summary.iter().flatten() {
        let _ = writeln!(md, "- {} [{}]", s.text, ids(s));
    }
    let _ = writeln!(md, "\n## Timeline\n");
    let tl = story.timeline.unwrap_or_default();
    for e in &tl.dates {
        for s in &e.sentences {
            let _ = writeln!(md, "- **{}** {} [{}]", e.date, s.text, ids(s));
        }
    }
    for s in &tl.undated {
        let _ = writeln!(md, "- **undated** {} [{}]", s.text, ids(s));
    }
    let (articles, copies) = story_articles(view, by_id, duplicates);
    let _ = writeln!(md, "\n## Key quotes\n");
    for line in key_quotes(&articles, duplicates) {
        let _ = writeln!(md, "{line}");
    }
    let _ = writeln!(md, "\n## Sources\n");
    let in_story: HashMap<ArticleId, &Article> = articles.iter().map(|a| (a.id, *a)).collect();
    // A copy is listed under its original when that is in the story.
    let original = |a: &Article| copies.get(&a.id).filter(|o| in_story.contains_key(o)).copied();
    let mut copies_of: HashMap<ArticleId, Vec<ArticleId>> = HashMap::new();
    for a in &articles {
        if let Some(orig) = original(a) {
            copies_of.entry(orig).or_default().push(a.id);
        }
    }
    for a in articles.iter().filter(|a| original(a).is_none()) {
        let _ = writeln!(md, "- {}", source_line(a));
        for c in copies_of.get(&a.id).into_iter().flatten() {
            let _ = writeln!(md, "  - copy: {}", source_line(in_story[c]));
        }
    }
    md.push('\n');
    md
}

fn source_line(a: &Article) -> String {
    let date = a.published.map_or_else(|| "undated".to_string(), |d| d.to_string());
    let title = a.title.as_deref().unwrap_or("(untitled)");
    let outlet = a.outlet.as_deref().map(|o| format!(", {o}")).unwrap_or_default();
    format!("`{}` {title} ({date}{outlet}) {}", a.id, a.origin)
}

fn ids(s: &CitedSentence) -> String {
    s.sources.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", ")
}
