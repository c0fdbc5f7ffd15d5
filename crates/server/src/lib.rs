//! storyline over HTTP: a JSON API under `/api`, its OpenAPI document at
//! `/openapi.json`, and server-rendered web pages.
//!
//! Input: a store (opened read-only unless ingest is allowed) and HTTP
//! requests. Output: JSON views and HTML pages built by
//! [`storyline::views`], the same code the CLI report uses.
//! Method: axum on tokio; every handler that reads the store or computes a
//! view runs on the blocking pool; computed views are cached per store
//! generation ([`state`]). All third-party text reaches HTML through
//! minijinja's auto-escaping; links are written only for http(s) URLs.

#![recursion_limit = "512"]

pub mod api;
mod ingest;
pub mod openapi;
mod pages;
pub mod state;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde::Serialize;

pub use state::{Config, State};

/// An error answered as JSON `{status, message}` (under `/api`) or as an
/// HTML page (elsewhere).
#[derive(Clone, Debug)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// A lowercase message for the client.
    pub message: String,
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    status: u16,
    message: &'a str,
}

impl ApiError {
    /// An error with `status` and `message`.
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }

    /// 400.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    /// 404.
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, message)
    }
}

impl From<storyline::Error> for ApiError {
    fn from(e: storyline::Error) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody { status: self.status.as_u16(), message: &self.message };
        let mut response = (self.status, axum::Json(body)).into_response();
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

impl IntoResponse for state::Rendered {
    fn into_response(self) -> Response {
        ([(header::CONTENT_TYPE, self.content_type)], self.body).into_response()
    }
}

/// `value` as a JSON answer.
pub(crate) fn json<T: Serialize + ?Sized>(value: &T) -> Result<state::Rendered, ApiError> {
    let body = serde_json::to_vec(value)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
    Ok(state::Rendered { content_type: "application/json", body: body.into() })
}

/// The cache key of a request: its path and query.
pub(crate) fn key(uri: &axum::http::Uri) -> String {
    uri.path_and_query().map_or_else(|| uri.path().to_string(), |p| p.as_str().to_string())
}

/// How many threads the blocking pool should have: what `storyline serve`
/// gives tokio. Requests past that wait in tokio's queue.
pub const BLOCKING_THREADS: usize = 8;

/// Runs `f` on the blocking pool (views can take a while the first time).
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .unwrap_or_else(|e| Err(ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())))
}

/// The whole application: API, OpenAPI document, pages, static files.
pub fn router(state: Arc<State>) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(ingest::routes())
        .merge(pages::routes())
        .route("/openapi.json", axum::routing::get(openapi::document))
        .fallback(pages::not_found)
        .layer(axum::middleware::from_fn(api::json_errors))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state)
}

/// Headers that keep a page inert even if something slipped through the
/// escaping: no scripts at all, no framing, no MIME sniffing.
async fn security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// Serves `state` on `addr` until Ctrl-C.
pub async fn serve(state: Arc<State>, addr: SocketAddr) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}
