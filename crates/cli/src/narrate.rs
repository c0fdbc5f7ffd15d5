//! Story narratives: `storyline timeline STORY` and `storyline report`.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use storyline::cluster::StoryId;
use storyline::model::ArticleId;
use storyline::summarize::CitedSentence;
use storyline::views::{Snapshot, SourceRef, StoryPage};

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

/// The store as the views read it, or `None` before any clustering.
fn load(db: Option<PathBuf>) -> Result<Option<Snapshot>> {
    let store = open_store(db)?;
    let snapshot = Snapshot::load(&store)?;
    Ok(snapshot.clusters.is_some().then_some(snapshot))
}

fn parse_story(id: &str) -> Result<StoryId> {
    StoryId::parse(id).with_context(|| format!("bad story id {id:?} (expected s12 or 12)"))
}

/// `storyline timeline STORY`: the dated, cited timeline of one story.
pub fn timeline(args: TimelineArgs) -> Result<ExitCode> {
    let id = parse_story(&args.id)?;
    let Some(snapshot) = load(args.db)? else {
        eprintln!("storyline: no stories yet");
        return Ok(ExitCode::from(1));
    };
    let Some(story) = snapshot.story_page(id) else {
        eprintln!("storyline: no story {}", args.id);
        return Ok(ExitCode::from(1));
    };
    let tl = story.timeline;
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

/// `storyline report`: Markdown, per story its summary, timeline, key
/// quotes and sources with their copies (the story page of the web UI).
pub fn report(args: ReportArgs) -> Result<ExitCode> {
    let only = args.story.as_deref().map(parse_story).transpose()?;
    let Some(snapshot) = load(args.db)? else {
        eprintln!("storyline: no stories yet");
        return Ok(ExitCode::from(1));
    };
    let ids: Vec<StoryId> = match only {
        Some(id) => snapshot.resolve_story(id).into_iter().collect(),
        None => snapshot.story_ids(),
    };
    let mut pages: Vec<StoryPage> =
        ids.into_iter().filter_map(|id| snapshot.story_page(id)).collect();
    if pages.is_empty() {
        eprintln!("storyline: no story {}", args.story.unwrap_or_default());
        return Ok(ExitCode::from(1));
    }
    pages.sort_by_key(|p| (std::cmp::Reverse(p.card.n_articles), StoryId::parse(&p.card.id)));
    let mut out = io::BufWriter::new(io::stdout().lock());
    for page in &pages {
        out.write_all(story_markdown(page, &snapshot).as_bytes())?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// One story as Markdown.
fn story_markdown(story: &StoryPage, snapshot: &Snapshot) -> String {
    let card = &story.card;
    let mut md = String::new();
    let _ = writeln!(md, "# {}: {}\n", card.id, card.title.as_deref().unwrap_or("(untitled)"));
    let day = |d: Option<chrono::NaiveDate>| d.map_or_else(|| "?".to_string(), |d| d.to_string());
    let _ = writeln!(md, "{} articles, {}..{}\n", card.n_articles, day(card.first), day(card.last));
    let _ = writeln!(md, "## Summary\n");
    for s in &story.summary {
        let _ = writeln!(md, "- {} [{}]", s.text, ids(s));
    }
    let _ = writeln!(md, "\n## Timeline\n");
    for e in &story.timeline.dates {
        for s in &e.sentences {
            let _ = writeln!(md, "- **{}** {} [{}]", e.date, s.text, ids(s));
        }
    }
    for s in &story.timeline.undated {
        let _ = writeln!(md, "- **undated** {} [{}]", s.text, ids(s));
    }
    let _ = writeln!(md, "\n## Key quotes\n");
    for (who, q) in story.key_quotes(8) {
        let mut cited: Vec<&str> = q.sources.iter().map(|s| s.article.as_str()).collect();
        cited.dedup();
        let _ = writeln!(md, "- **{who}**: \"{}\" [{}]", q.text, cited.join(", "));
    }
    let _ = writeln!(md, "\n## Sources\n");
    for group in &story.sources {
        for (i, a) in group.articles.iter().enumerate() {
            let line = source_line(snapshot, a);
            if i == 0 {
                let _ = writeln!(md, "- {line}");
            } else {
                let _ = writeln!(md, "  - copy: {line}");
            }
        }
    }
    md.push('\n');
    md
}

fn source_line(snapshot: &Snapshot, a: &SourceRef) -> String {
    let date = a.published.map_or_else(|| "undated".to_string(), |d| d.to_string());
    let title = a.title.as_deref().unwrap_or("(untitled)");
    let outlet = a.outlet.as_deref().map(|o| format!(", {o}")).unwrap_or_default();
    let origin = ArticleId::parse(&a.id)
        .and_then(|id| snapshot.article(id))
        .map(|x| x.origin.to_string())
        .unwrap_or_default();
    format!("`{}` {title} ({date}{outlet}) {origin}", a.id)
}

fn ids(s: &CitedSentence) -> String {
    s.sources.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", ")
}
