//! `storyline serve` (the HTTP server) and `storyline search`.

use std::collections::HashSet;
use std::io::{self, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Args;
use storyline::cluster::StoryId;
use storyline::model::{Article, ArticleId};
use storyline::search::{Marked, SearchQuery};
use storyline::views::Snapshot;

use crate::show::open_store;

#[derive(Args)]
pub struct ServeArgs {
    /// The store [default: ./storyline.db, or $STORYLINE_DB]
    #[arg(long)]
    db: Option<PathBuf>,
    /// Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Accept POST /api/ingest (opens the store for writing)
    #[arg(long)]
    allow_ingest: bool,
    /// The largest request body accepted, in bytes
    #[arg(long, default_value_t = 8 << 20, value_name = "BYTES")]
    max_body: usize,
}

pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    let db = args.db.unwrap_or_else(crate::default_db);
    let config = storyline_server::Config {
        allow_ingest: args.allow_ingest,
        max_body: args.max_body,
        ..storyline_server::Config::new(&db)
    };
    let state = storyline_server::State::open(config)
        .with_context(|| format!("cannot serve {}", db.display()))?;
    // Views and SQLite reads run on the blocking pool. A few threads keep
    // the cores busy; more would only take turns on them, each with its
    // own connection and page cache (tokio's default is 512).
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(storyline_server::BLOCKING_THREADS)
        .build()
        .context("cannot start the async runtime")?;
    eprintln!(
        "storyline: serving {} on http://{}/ ({}; Ctrl-C stops)",
        db.display(),
        args.addr,
        if args.allow_ingest { "ingest allowed" } else { "read-only" }
    );
    runtime
        .block_on(storyline_server::serve(state, args.addr))
        .with_context(|| format!("cannot listen on {}", args.addr))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Args)]
pub struct SearchArgs {
    /// Words (all must match), "a phrase", word* for a prefix, OR between alternatives
    query: String,
    /// The store [default: ./storyline.db, or $STORYLINE_DB]
    #[arg(long)]
    db: Option<PathBuf>,
    /// Only articles published on or after this day (YYYY-MM-DD)
    #[arg(long)]
    from: Option<chrono::NaiveDate>,
    /// Only articles published on or before this day
    #[arg(long)]
    to: Option<chrono::NaiveDate>,
    /// Only articles of this outlet (any case)
    #[arg(long)]
    outlet: Option<String>,
    /// Only articles of this story (s12)
    #[arg(long)]
    story: Option<String>,
    /// Hits to show
    #[arg(long, default_value_t = 20)]
    limit: usize,
    /// Hits to skip
    #[arg(long, default_value_t = 0)]
    offset: usize,
    /// Print JSON (the shape of GET /api/search)
    #[arg(long)]
    json: bool,
}

pub fn search(args: SearchArgs) -> Result<ExitCode> {
    let store = open_store(args.db)?;
    let clusters = store.cluster_state()?;
    let only: Option<HashSet<ArticleId>> = match &args.story {
        Some(s) => {
            let id = StoryId::parse(s)
                .with_context(|| format!("bad story id {s:?} (expected s12 or 12)"))?;
            let view = clusters.as_ref().and_then(|c| c.story(id));
            let Some(view) = view else {
                eprintln!("storyline: no story {s}");
                return Ok(ExitCode::from(1));
            };
            Some(view.events.iter().flat_map(|e| e.articles()).collect())
        }
        None => None,
    };
    let query = SearchQuery {
        text: args.query.clone(),
        from: args.from,
        to: args.to,
        outlet: args.outlet.clone(),
        only: only.clone(),
        offset: args.offset,
        limit: args.limit,
    };
    // The index is built on each call (about 0.8 s of CPU for Timeline17's
    // 22 MB of text, linear in the text): the store keeps no search index
    // since schema version 5, which keeps ingest cheap.
    let articles = store.articles_without_raw()?;
    let page = storyline::search::Index::build(&articles).search(&articles, &query);
    drop(articles);
    // Quotes: those of the hit articles whose words hold the query.
    let hits: Vec<Article> = page
        .hits
        .iter()
        .filter_map(|h| store.article(h.id).transpose())
        .collect::<Result<_, _>>()?;
    let snapshot = Snapshot::new(hits, store.duplicates()?, None);
    let articles: Vec<&Article> = snapshot.articles.iter().collect();
    let merged = snapshot.merged(&articles);
    let quotes = storyline::views::quote_hits(
        &merged,
        &storyline::views::QuoteIndex::new(&merged),
        &args.query,
        only.as_ref(),
        (args.from, args.to),
        10,
    );
    let story_of =
        |id: ArticleId| clusters.as_ref().and_then(|c| c.story_of(id)).map(|s| s.to_string());
    let mut out = io::stdout().lock();
    if args.json {
        let hits: Vec<serde_json::Value> = page
            .hits
            .iter()
            .map(|h| {
                let mut v = serde_json::to_value(h).unwrap_or_default();
                v["story"] = story_of(h.id).into();
                v
            })
            .collect();
        let doc = serde_json::json!({
            "query": args.query, "total": page.total, "offset": args.offset, "limit": args.limit,
            "hits": hits, "quotes": quotes,
        });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        writeln!(out, "{} articles match", page.total)?;
        for h in &page.hits {
            let date = h.published.map_or("-".to_string(), |d| d.to_string());
            let title = h.title.as_ref().map_or_else(|| "(untitled)".to_string(), bracket);
            let story = story_of(h.id).unwrap_or_else(|| "-".into());
            writeln!(
                out,
                "{}  {date:<10}  {:<6} {}  {title}",
                h.id,
                story,
                h.outlet.as_deref().unwrap_or("-")
            )?;
            writeln!(out, "    {}", bracket(&h.snippet))?;
        }
        for q in &quotes {
            writeln!(
                out,
                "quote  {}: \"{}\"",
                q.speaker.as_deref().unwrap_or("?"),
                bracket(&q.text)
            )?;
        }
    }
    Ok(if page.total == 0 && quotes.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Matches shown as `[word]` in a terminal.
fn bracket(m: &Marked) -> String {
    let mut out = String::new();
    let mut at = 0;
    for r in &m.marks {
        out.push_str(&m.text[at..r.start]);
        out.push('[');
        out.push_str(&m.text[r.clone()]);
        out.push(']');
        at = r.end;
    }
    out.push_str(&m.text[at..]);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}
