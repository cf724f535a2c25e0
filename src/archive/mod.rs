//! The newsletter as data: readers per source format reduce text, Markdown and HTML to
//! paragraphs with inline links; one segmenter turns paragraphs into an [`Issue`].

pub mod model;

pub use model::{Issue, Link, Section, Tale};
