//! Read-only commands: extract, articles, duplicates, diagnostics, quotes,
//! entities, export, eval.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use storyline::export::{ArticleJson, ExportJson};
use storyline::ingest::{read_input, Input, Item, ReadConfig};
use storyline::model::{Article, Diagnostic, Format};
use storyline::pipeline::{process, Config};
use storyline::store::Store;

#[derive(Args)]
pub struct ExtractArgs {
    /// The input file, or `-` for standard input
    path: PathBuf,
    /// Force an input format: text, jsonl, html, warc, feed
    #[arg(long, value_parser = crate::ingest::parse_format)]
    format: Option<Format>,
    /// Print JSON (the article shape of docs/json.md)
    #[arg(long)]
    json: bool,
    /// With --json, include the raw input and the offset map
    #[arg(long)]
    raw: bool,
}

#[derive(Args)]
pub struct ListArgs {
    /// The store [default: ./storyline.db, or $STORYLINE_DB]
    #[arg(long)]
    db: Option<PathBuf>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

/// Options of `storyline quotes`.
#[derive(Args)]
pub struct QuotesArgs {
    /// The store [default: ./storyline.db, or $STORYLINE_DB]
    #[arg(long)]
    db: Option<PathBuf>,
    /// Only quotes whose speaker's name or one of its aliases contains NAME
    /// (any case): "Sergei Lavrov" finds the quotes of "Sergey Lavrov"
    #[arg(long, value_name = "NAME")]
    speaker: Option<String>,
    /// Only quotes reported by an article of story ID (`s12` or `12`)
    #[arg(long, value_name = "ID")]
    story: Option<String>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ExportArgs {
    /// The store [default: ./storyline.db, or $STORYLINE_DB]
    #[arg(long)]
    db: Option<PathBuf>,
    /// JSON output (the only export format, accepted for clarity)
    #[arg(long)]
    json: bool,
    /// Include each article's raw input and offset map
    #[arg(long)]
    raw: bool,
}

#[derive(Args)]
pub struct EvalArgs {
    /// The task; `storyline eval list` lists them
    task: String,
    /// The datasets folder [default: ../shared/datasets beside the workspace, or $STORYLINE_SHARED/datasets]
    #[arg(long)]
    datasets: Option<PathBuf>,
    /// Print JSON
    #[arg(long)]
    json: bool,
}

pub(crate) fn open_store(db: Option<PathBuf>) -> Result<Store> {
    let db = db.unwrap_or_else(crate::default_db);
    if !db.exists() {
        anyhow::bail!("no store at {} (run `storyline ingest` first, or pass --db)", db.display());
    }
    Store::open(&db).with_context(|| format!("cannot open store {}", db.display()))
}

pub fn extract(args: ExtractArgs) -> Result<ExitCode> {
    let input =
        if args.path.as_os_str() == "-" { Input::Stdin } else { Input::File(args.path.clone()) };
    let read_config = ReadConfig { format: args.format, ..ReadConfig::default() };
    let mut articles = Vec::new();
    let mut problems = Vec::new();
    // How an HTML reader found each body, shown with --json.
    let mut extractions = Vec::new();
    read_input(&input, &read_config, &mut |item| match item {
        Item::Article(raw) => {
            let f = &raw.fields;
            let extraction = f
                .extraction
                .clone()
                .map(|m| (m, f.extraction_why.clone(), f.date_evidence.clone()));
            match process(raw, &Config::default()) {
                Ok(a) => {
                    articles.push(a);
                    extractions.push(extraction);
                }
                Err(d) => problems.push(d),
            }
        }
        Item::Diagnostic(d) => problems.push(d),
    });
    let mut out = io::stdout().lock();
    if args.json {
        let mut views = Vec::new();
        for (a, extraction) in articles.iter().zip(&extractions) {
            let mut view = serde_json::to_value(ArticleJson::new(a, args.raw))?;
            if let (Some((method, why, evidence)), Some(obj)) = (extraction, view.as_object_mut()) {
                obj.insert("extraction".into(), method.clone().into());
                obj.insert("extraction_why".into(), why.clone().into());
                obj.insert("date_evidence".into(), evidence.clone().into());
            }
            views.push(view);
        }
        let doc = serde_json::json!({ "articles": views, "diagnostics": problems });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        for a in &articles {
            print_article(&mut out, a)?;
        }
        for d in &problems {
            eprintln!("{d}");
        }
    }
    Ok(exit_for(articles.is_empty(), !problems.is_empty()))
}

fn exit_for(nothing: bool, problems: bool) -> ExitCode {
    match (nothing, problems) {
        (true, true) => ExitCode::from(2),
        (true, false) => ExitCode::from(1),
        (false, true) => ExitCode::from(3),
        (false, false) => ExitCode::SUCCESS,
    }
}

fn print_article(out: &mut impl Write, a: &Article) -> io::Result<()> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "== {} ({})", a.origin, a.id)?;
    writeln!(out, "title:           {}", opt(&a.title))?;
    writeln!(out, "outlet:          {}", opt(&a.outlet))?;
    writeln!(out, "original outlet: {}", opt(&a.original_outlet))?;
    writeln!(out, "author:          {}", opt(&a.author))?;
    let source = a.published_source.map_or(String::new(), |s| format!(" ({})", s.name()));
    writeln!(
        out,
        "published:       {}{source}",
        a.published.map_or("-".into(), |d| d.to_string())
    )?;
    writeln!(out, "language:        {}", opt(&a.language))?;
    writeln!(out, "url:             {}", opt(&a.url))?;
    for d in &a.diagnostics {
        writeln!(out, "diagnostic:      {}: {}", d.kind.name(), d.message)?;
    }
    writeln!(out)?;
    writeln!(out, "{}", a.text)?;
    writeln!(out)
}

pub fn articles(args: ListArgs) -> Result<ExitCode> {
    let store = open_store(args.db)?;
    let articles = store.articles()?;
    let mut out = io::stdout().lock();
    if args.json {
        let clusters = store.cluster_state()?;
        let views: Vec<ArticleJson> = articles
            .iter()
            .map(|a| ArticleJson::new(a, false).place(clusters.as_ref(), a.id))
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&views)?)?;
    } else {
        for a in &articles {
            let date = a.published.map_or("-".to_string(), |d| d.to_string());
            let outlet = a.outlet.as_deref().unwrap_or("-");
            let title = a.title.as_deref().unwrap_or_else(|| first_words(&a.text));
            writeln!(
                out,
                "{}  {date:<10}  {:<24}  {}",
                a.id,
                truncate(outlet, 24),
                truncate(title, 90)
            )?;
        }
    }
    Ok(if articles.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn first_words(text: &str) -> &str {
    let end = text.char_indices().nth(80).map_or(text.len(), |(i, _)| i);
    &text[..end]
}

fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n - 1).collect();
        t.push('…');
        t
    }
}

/// `storyline duplicates`: each copy group, canonical article first, then
/// its copies with relation and similarity.
pub fn duplicates(args: ListArgs) -> Result<ExitCode> {
    let store = open_store(args.db)?;
    let articles = store.articles()?;
    let by_id: std::collections::HashMap<_, &Article> =
        articles.iter().map(|a| (a.id, a)).collect();
    let mut groups: Vec<(storyline::model::ArticleId, Vec<_>)> = Vec::new();
    for (id, dup) in store.duplicates()? {
        match groups.iter_mut().find(|(c, _)| *c == dup.duplicate_of) {
            Some((_, members)) => members.push((id, dup)),
            None => groups.push((dup.duplicate_of, vec![(id, dup)])),
        }
    }
    let mut out = io::stdout().lock();
    let line = |a: Option<&&Article>| {
        let outlet = a.and_then(|a| a.outlet.as_deref()).unwrap_or("-");
        let title = a.map_or("-", |a| a.title.as_deref().unwrap_or_else(|| first_words(&a.text)));
        format!("{:<24}  {}", truncate(outlet, 24), truncate(title, 80))
    };
    if args.json {
        let doc: Vec<serde_json::Value> = groups
            .iter()
            .map(|(canonical, members)| {
                serde_json::json!({
                    "canonical": canonical.to_string(),
                    "copies": members.iter().map(|(id, d)| serde_json::json!({
                        "id": id.to_string(),
                        "duplicate_of": d.duplicate_of.to_string(),
                        "relation": d.relation.name(),
                        "similarity": (f64::from(d.similarity) * 1000.0).round() / 1000.0,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        for (canonical, members) in &groups {
            writeln!(out, "{canonical}  original   {}", line(by_id.get(canonical)))?;
            for (id, d) in members {
                writeln!(
                    out,
                    "  {id}  {:<9} {:.2}  {}",
                    d.relation.name(),
                    d.similarity,
                    line(by_id.get(id))
                )?;
            }
        }
    }
    Ok(if groups.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn diagnostics(args: ListArgs) -> Result<ExitCode> {
    let store = open_store(args.db)?;
    let mut all: Vec<Diagnostic> = store.diagnostics()?;
    for a in store.articles()? {
        all.extend(a.diagnostics);
    }
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&all)?)?;
    } else {
        for d in &all {
            writeln!(out, "{d}")?;
        }
    }
    Ok(if all.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn quotes(args: QuotesArgs) -> Result<ExitCode> {
    let store = open_store(args.db)?;
    let articles = store.articles()?;
    let duplicates = store.duplicates()?;
    // The articles of the story asked for, from the stored cluster state.
    let in_story: Option<std::collections::HashSet<storyline::model::ArticleId>> = match &args.story
    {
        None => None,
        Some(story) => {
            let id = storyline::cluster::StoryId::parse(story)
                .with_context(|| format!("bad story id {story:?} (expected s12 or 12)"))?;
            let clusters = store.cluster_state()?;
            let Some(view) = clusters.as_ref().and_then(|c| c.story(id)) else {
                eprintln!("storyline: no story {story}");
                return Ok(ExitCode::from(1));
            };
            Some(view.events.iter().flat_map(|e| e.articles()).collect())
        }
    };
    let merged = storyline::pipeline::quotes(&articles, &duplicates);
    let wanted = args.speaker.map(|s| s.to_lowercase());
    let quotes: Vec<_> = merged
        .quotes
        .iter()
        .filter(|q| wanted.as_ref().is_none_or(|w| speaker_matches(&merged, q, w)))
        .filter(|q| {
            in_story.as_ref().is_none_or(|ids| q.sources.iter().any(|s| ids.contains(&s.article)))
        })
        .collect();
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&quotes)?)?;
    } else {
        for q in &quotes {
            let date = q.first_seen.map_or("-".to_string(), |d| d.to_string());
            let speaker = q.speaker.as_deref().unwrap_or("-");
            let text: String = q.text.split_whitespace().collect::<Vec<_>>().join(" ");
            writeln!(
                out,
                "{date:<10}  {:<24}  {:<8}  x{}  {}",
                truncate(speaker, 24),
                q.kind.name(),
                q.n_reports,
                truncate(&text, 100)
            )?;
        }
    }
    Ok(if quotes.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Whether the speaker of `q` is named `wanted` (lowercase) in part: its
/// name as shown, or the name or any alias of its entity.
fn speaker_matches(
    merged: &storyline::extract::merge::Merged,
    q: &storyline::extract::merge::MergedQuote,
    wanted: &str,
) -> bool {
    let has = |name: &str| name.to_lowercase().contains(wanted);
    q.speaker.as_deref().is_some_and(has)
        || q.speaker_entity
            .and_then(|e| merged.entities.get(e))
            .is_some_and(|e| has(&e.name) || e.aliases.iter().any(|a| has(a)))
}

pub fn entities(args: ListArgs) -> Result<ExitCode> {
    let store = open_store(args.db)?;
    let articles = store.articles()?;
    let duplicates = store.duplicates()?;
    let merged = storyline::pipeline::quotes(&articles, &duplicates);
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&merged.entities)?)?;
    } else {
        let mut entities: Vec<_> = merged.entities.iter().collect();
        entities.sort_by_key(|e| (std::cmp::Reverse(e.mentions.len()), e.name.clone()));
        for e in entities {
            // Each role with the dates of the articles that gave it.
            let roles: Vec<String> = e
                .roles
                .iter()
                .map(|r| match (r.since, r.until) {
                    (Some(a), Some(b)) if a == b => format!("{} {a}", r.role),
                    (Some(a), Some(b)) => format!("{} {a}..{b}", r.role),
                    _ => r.role.clone(),
                })
                .collect();
            writeln!(
                out,
                "{:<13} {:>4}  {:<28}  {}{}",
                e.kind.name(),
                e.mentions.len(),
                truncate(&e.name, 28),
                if e.aliases.is_empty() {
                    String::new()
                } else {
                    format!("aka {}", e.aliases.join("; "))
                },
                if roles.is_empty() { String::new() } else { format!("  [{}]", roles.join("; ")) }
            )?;
        }
    }
    Ok(if merged.entities.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn export(args: ExportArgs) -> Result<ExitCode> {
    let store = open_store(args.db)?;
    let snapshot = storyline::views::Snapshot::load(&store)?;
    let diagnostics = store.diagnostics()?;
    let doc = ExportJson::new(&snapshot, &diagnostics, args.raw);
    let mut out = io::BufWriter::new(io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, &doc)?;
    writeln!(out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn eval(args: EvalArgs) -> Result<ExitCode> {
    if args.task == "list" {
        for (name, about) in storyline::eval::TASKS {
            println!("{name:<12} {about}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    let datasets = args.datasets.unwrap_or_else(storyline::eval::datasets_dir);
    if !datasets.is_dir() {
        anyhow::bail!("no datasets folder at {} (pass --datasets)", datasets.display());
    }
    let report = storyline::eval::run(&args.task, &datasets)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{report}");
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct StoryArgs {
    /// The story id (`s12` or `12`); a merged-away id shows the story it became part of
    id: String,
    /// The store [default: ./storyline.db, or $STORYLINE_DB]
    #[arg(long)]
    db: Option<PathBuf>,
    /// Print JSON (the story shape of docs/json.md)
    #[arg(long)]
    json: bool,
}

pub fn stories(args: ListArgs) -> Result<ExitCode> {
    let store = open_store(args.db)?;
    let Some(clusters) = store.cluster_state()? else { return Ok(ExitCode::from(1)) };
    let stories = storyline::export::stories_json(&clusters);
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&stories)?)?;
    } else {
        for s in &stories {
            let span = format!(
                "{}..{}",
                s.first.as_deref().unwrap_or("-"),
                s.last.as_deref().unwrap_or("-")
            );
            let title = s.title.unwrap_or("-");
            writeln!(
                out,
                "{:<7} {:>5} articles {:>4} events  {span:<22}  {}",
                s.id,
                s.n_articles,
                s.events.len(),
                truncate(title, 80)
            )?;
        }
    }
    Ok(if stories.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn story(args: StoryArgs) -> Result<ExitCode> {
    let store = open_store(args.db)?;
    let id = storyline::cluster::StoryId::parse(&args.id)
        .with_context(|| format!("bad story id {:?} (expected s12 or 12)", args.id))?;
    let clusters = store.cluster_state()?;
    let Some(view) = clusters.as_ref().and_then(|c| c.story(id)) else {
        eprintln!("storyline: no story {}", args.id);
        return Ok(ExitCode::from(1));
    };
    let story = storyline::export::StoryJson::new(&view);
    let mut out = io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&story)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    writeln!(out, "{}  {}", story.id, story.title.unwrap_or("-"))?;
    for e in &story.events {
        let span = format!("{}..{}", day_or_dash(e.first), day_or_dash(e.last));
        writeln!(
            out,
            "  {:<7} {span:<22}  {}",
            e.id,
            truncate(e.title.as_deref().unwrap_or("-"), 80)
        )?;
        for a in &e.articles {
            let title = store
                .article(
                    storyline::model::ArticleId::parse(a).unwrap_or(storyline::model::ArticleId(0)),
                )?
                .and_then(|a| a.title)
                .unwrap_or_default();
            writeln!(out, "    {a}  {}", truncate(&title, 80))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `YYYY-MM-DD`, or `-` when unknown.
fn day_or_dash(d: Option<chrono::NaiveDate>) -> String {
    d.map_or_else(|| "-".to_string(), |d| d.to_string())
}
