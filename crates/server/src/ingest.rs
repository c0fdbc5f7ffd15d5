//! `POST /api/ingest`: articles over HTTP, only with `--allow-ingest`.
//!
//! The body is read up to `--max-body` bytes (413 beyond, as JSON), handed
//! to the same readers and pipeline as `storyline ingest`, and the views
//! are reloaded before the answer, so the new articles are in the stories
//! the next request sees.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State as AxumState};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde::Serialize;
use storyline::model::Format;

use crate::state::State;
use crate::{blocking, ApiError};

pub(crate) fn routes() -> Router<Arc<State>> {
    Router::new().route("/api/ingest", post(ingest))
}

/// What an ingest did.
#[derive(Serialize)]
struct Summary {
    added: usize,
    already_present: usize,
    not_ingested: usize,
    diagnostics: Vec<String>,
}

/// The reader for a request: `?format=` first, else the Content-Type,
/// else sniffed from the bytes (`None`).
fn format(
    params: &HashMap<String, String>,
    headers: &HeaderMap,
) -> Result<Option<Format>, ApiError> {
    if let Some(name) = params.get("format").map(|s| s.trim()).filter(|s| !s.is_empty()) {
        return Format::from_name(name).map(Some).ok_or_else(|| {
            ApiError::bad_request(format!(
                "format: {name:?} is not text, html, jsonl, warc or feed"
            ))
        });
    }
    let Some(ct) = headers.get(header::CONTENT_TYPE) else { return Ok(None) };
    let ct = ct.to_str().unwrap_or("").split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    Ok(match ct.as_str() {
        "text/plain" => Some(Format::Text),
        "text/html" | "application/xhtml+xml" => Some(Format::Html),
        "application/x-ndjson" | "application/jsonl" | "application/x-jsonlines" | "application/json" => {
            Some(Format::Jsonl)
        }
        "application/warc" => Some(Format::Warc),
        "application/rss+xml" | "application/atom+xml" | "application/feed+json" => Some(Format::Feed),
        "application/octet-stream" | "" => None,
        other => {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                format!("content-type {other:?} is not text/plain, text/html or application/x-ndjson (or pass ?format=)"),
            ))
        }
    })
}

fn too_large(max: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the body is larger than the limit of {max} bytes"),
    )
}

async fn ingest(
    AxumState(state): AxumState<Arc<State>>,
    Query(params): Query<HashMap<String, String>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if state.writer().is_none() {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "ingest is not allowed on this server (start it with --allow-ingest)",
        ));
    }
    let format = format(&params, &headers)?;
    let max = state.config.max_body;
    // A declared length over the limit is refused before reading anything.
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > max as u64) {
        return Err(too_large(max));
    }
    let bytes = axum::body::to_bytes(body, max).await.map_err(|_| too_large(max))?;
    if bytes.is_empty() {
        return Err(ApiError::bad_request("the body is empty"));
    }
    blocking(move || {
        let summary = {
            let mut store = state.writer().expect("checked").lock().expect("writer");
            run(&mut store, format, &bytes)?
        };
        state.reload()?;
        Ok(Json(summary).into_response())
    })
    .await
}

/// Reads, processes and stores one body, then finds copies and clusters:
/// the engine's ingest run, as `storyline ingest` does it for one input.
fn run(
    store: &mut storyline::store::Store,
    format: Option<Format>,
    bytes: &[u8],
) -> storyline::Result<Summary> {
    use storyline::ingest::ReadConfig;
    use storyline::pipeline::{Ingest, IngestConfig};
    let config = IngestConfig {
        read: ReadConfig { format, ..ReadConfig::default() },
        ..IngestConfig::default()
    };
    let mut ingest = Ingest::new(store, config);
    ingest.read_bytes("POST /api/ingest", bytes)?;
    let summary = ingest.finish()?;
    let mut diagnostics: Vec<String> = summary.shown.iter().map(|d| d.to_string()).collect();
    if summary.hidden > 0 {
        diagnostics.push(format!("... and {} more", summary.hidden));
    }
    Ok(Summary {
        added: summary.added,
        already_present: summary.already_present,
        not_ingested: summary.not_ingested,
        diagnostics,
    })
}
