//! What the server tests share: a store built through `POST /api/ingest`,
//! requests through the router without a socket.

#![allow(dead_code)]

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use storyline_server::{router, Config, State};
use tower::ServiceExt;

/// A served store in a temporary folder.
pub struct Served {
    pub dir: tempfile::TempDir,
    pub state: Arc<State>,
}

/// An empty store served with ingest allowed, bodies up to `max_body`.
pub fn empty(max_body: usize) -> Served {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    drop(storyline::store::Store::open(&db).unwrap());
    let config = Config { allow_ingest: true, max_body, warm: false, ..Config::new(&db) };
    let state = State::open(config).unwrap();
    Served { dir, state }
}

/// A response: status, content type and body.
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Sends one request through the router.
pub async fn send(
    state: &Arc<State>,
    method: &str,
    uri: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let response =
        router(state.clone()).oneshot(req.body(Body::from(body)).unwrap()).await.unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    Answer { status, content_type, body: String::from_utf8_lossy(&bytes).into_owned() }
}

pub async fn get(state: &Arc<State>, uri: &str) -> Answer {
    send(state, "GET", uri, None, Vec::new()).await
}

/// Posts every seed article, as a newsroom tool would.
pub async fn ingest_seeds(state: &Arc<State>) {
    let seeds = storyline::eval::shared_dir().join("seeds");
    let mut files: Vec<_> = std::fs::read_dir(&seeds).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in files {
        let answer =
            send(state, "POST", "/api/ingest", Some("text/plain"), std::fs::read(&f).unwrap())
                .await;
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    }
}

/// The id of the seed whose file name starts with `prefix` ("001"): the
/// same reader and pipeline as the ingest give the same content hash.
pub fn seed_id(prefix: &str) -> String {
    let seeds = storyline::eval::shared_dir().join("seeds");
    let file = std::fs::read_dir(&seeds)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(prefix)))
        .unwrap_or_else(|| panic!("no seed {prefix}"));
    let bytes = std::fs::read(&file).unwrap();
    let mut id = None;
    let read = storyline::ingest::ReadConfig {
        format: Some(storyline::model::Format::Text),
        ..Default::default()
    };
    storyline::ingest::read_bytes("POST /api/ingest", &bytes, &read, &mut |item| {
        if let storyline::ingest::Item::Article(raw) = item {
            let a = storyline::pipeline::process(raw, &Default::default()).unwrap();
            id = Some(a.id.to_string());
        }
    });
    id.unwrap()
}
