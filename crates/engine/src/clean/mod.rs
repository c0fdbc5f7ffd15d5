//! Clean: text repair for articles that arrive already stripped of HTML.
mod normalize;

pub use normalize::OffsetMap;
