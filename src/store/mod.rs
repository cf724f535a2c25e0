//! The archive in SQLite: one [`Store`] type, one file per concern.
//!
//! API contract (implemented in the submodules):
//! - `Store::open(url)`: create the file if missing, WAL + foreign keys, run migrations,
//!   fill an empty store from the bundled archive.
//! - `Store::ingest(&Issue) -> IngestOutcome` (one transaction, upsert).
//! - lookups for the answers: `issue`, `issue_titles`, `mentioned_by`, `latest_number`,
//!   `stats`, `tale_numbers`, `autocomplete`, `search`.

use thiserror::Error;

/// Errors of the store. Messages say what went wrong and, where it helps, what to do.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("cannot open the database {url}: {source}")]
    Open {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot migrate the database schema: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(#[from] sqlx::Error),
    #[error("the bundled archive could not be read: {0}")]
    Bundled(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// What ingesting one issue did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IngestOutcome {
    Added,
    Updated,
    Unchanged,
}

impl IngestOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            IngestOutcome::Added => "added",
            IngestOutcome::Updated => "updated",
            IngestOutcome::Unchanged => "unchanged",
        }
    }
}

/// An issue's number and title: for lists and autocomplete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueTitle {
    pub number: u32,
    pub title: String,
}

/// Size of the archive, for `/about`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ArchiveStats {
    pub issues: u32,
    pub sections: u32,
    pub tales: u32,
    pub links: u32,
    pub first: Option<u32>,
    pub last: Option<u32>,
}

/// Where a search hit lies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HitPlace {
    Section { position: u32, title: String },
    Tale { title: String },
}

/// One ranked search result. The snippet marks matched words with
/// [`HIGHLIGHT_START`] and [`HIGHLIGHT_END`], for the renderer to style.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    pub number: u32,
    pub issue_title: String,
    pub place: HitPlace,
    pub snippet: String,
    /// bm25 rank: lower is better.
    pub rank: f64,
}

pub const HIGHLIGHT_START: char = '\u{2}';
pub const HIGHLIGHT_END: char = '\u{3}';

/// The archive database. Cheap to clone (a pool handle).
#[derive(Clone, Debug)]
pub struct Store {
    pool: sqlx::SqlitePool,
}
