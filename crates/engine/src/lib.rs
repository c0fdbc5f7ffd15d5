//! storyline turns a flood of news articles into clean, deduplicated,
//! sourced stories.
#![warn(missing_docs)]

pub mod clean;
pub mod cluster;
pub mod dates;
pub mod dedupe;
pub mod error;
pub mod eval;
pub mod export;
pub mod extract;
pub mod ingest;
pub mod meta;
pub mod model;
pub mod pipeline;
pub mod search;
pub mod sentences;
pub mod store;
pub mod summarize;
pub mod timeline;
pub mod timex;
pub mod views;

pub use error::{Error, Result};
