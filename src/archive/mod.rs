//! The newsletter as data: readers per source format reduce text, Markdown and HTML to
//! paragraphs with inline links; one segmenter turns paragraphs into an [`Issue`].

pub mod model;

pub use model::{Issue, Link, Section, Tale};

// TEMPORARY shim until the parser lands on the `archive` branch: the same signatures,
// no parsing. Replaced wholesale when that branch is merged.
/// Largest source the parser accepts.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// Why a source could not be read as issues.
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("the parser is not available yet")]
    Unavailable,
}

/// Parses a source into issues.
pub fn parse(_source_name: &str, _bytes: &[u8]) -> Result<Vec<Issue>, ArchiveError> {
    Err(ArchiveError::Unavailable)
}
