//! The engine's one error type.
//!
//! Bad input is never an [`Error`]: readers and stages turn it into a
//! [`crate::model::Diagnostic`] and the batch goes on. An `Error` is for what
//! stops the work itself: the store cannot be opened or written, a
//! configuration is wrong, an output cannot be written.

use std::path::PathBuf;

/// Everything that can stop the engine.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The store (SQLite) failed.
    #[error("store {path}: {source}")]
    Store {
        /// The database file.
        path: PathBuf,
        /// What SQLite said.
        source: rusqlite::Error,
    },
    /// The store was written by a newer or unknown schema version.
    #[error(
        "store {path}: schema version {found} is not supported (this build reads {supported})"
    )]
    SchemaVersion {
        /// The database file.
        path: PathBuf,
        /// The version found in the file.
        found: i64,
        /// The version this build writes.
        supported: i64,
    },
    /// An IO error outside of reading input (input problems are diagnostics).
    #[error("{path}: {source}")]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A bad option or argument.
    #[error("configuration: {0}")]
    Config(String),
    /// The saved clustering state could not be encoded or decoded.
    #[error("clustering state: {0}")]
    State(String),
    /// A JSON value could not be encoded or decoded.
    #[error("json: {0}")]
    Json(#[from] serde_json::Error),
}

/// `Result` with the engine's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
