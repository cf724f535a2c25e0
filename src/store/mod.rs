//! The archive in SQLite: one [`Store`] type, one file per concern.
//!
//! - here: opening (file created if missing, WAL, foreign keys, migrations, the bundled
//!   archive loaded into an empty store);
//! - [`ingest`](Store::ingest_copies): one transaction per source, each source's copy of an
//!   issue kept, the issue's rows the merge of its copies, upsert by content hash;
//! - `issues`: lookups for the answers (`issue`, `issue_titles`, `mentioned_by`, ...);
//! - `search`: full-text search that treats the reader's text as words, never as syntax;
//! - `feed_state` and `announce`: following the feed, and which issues each server has been
//!   told about;
//! - `daily`: the daily tale's schedules and its one claimed post per server and local date.

mod announce;
mod daily;
mod feed_state;
mod ingest;
mod issues;
mod recent;
mod search;

pub use daily::{DailyPost, DailySchedule, PostState};

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{ConnectOptions, SqliteConnection};
use thiserror::Error;

use crate::archive;

pub use recent::BUDGET_BYTES as RECENT_ISSUES_BUDGET_BYTES;

pub use announce::{AnnounceSettings, Claim, PendingAnnouncement, SentAnnouncement};
pub use feed_state::{FeedIngest, FeedState, Validators};
pub use ingest::{Copies, Ingested};

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
    #[error("issue {number} cannot be stored: {reason}")]
    InvalidIssue { number: u32, reason: String },
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

/// The archive database. Cheap to clone (a pool handle and the shared recent issues).
#[derive(Clone, Debug)]
pub struct Store {
    pool: sqlx::SqlitePool,
    recent: Arc<recent::RecentIssues>,
}

/// How long a write waits for another writer (another process ingesting) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections in the pool: reads run in parallel under WAL, one writer at a time.
const POOL_CONNECTIONS: u32 = 3;

impl Store {
    /// Opens (creating if missing) the database at `url`, brings its schema up to date and,
    /// if it holds no issue yet, fills it from the bundled archive.
    pub async fn open(url: &str) -> Result<Store> {
        let store = Store::open_empty(url).await?;
        if store.latest_number().await?.is_none() {
            store.fill_from_bundled_archive().await?;
        }
        Ok(store)
    }

    /// Opens the database like [`Store::open`] but never fills it: for tests and benchmarks.
    pub async fn open_empty(url: &str) -> Result<Store> {
        let open_error = |source| StoreError::Open {
            url: url.to_owned(),
            source,
        };
        let options = SqliteConnectOptions::from_str(url)
            .map_err(open_error)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // WAL makes NORMAL durable against application crashes, and much faster.
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            // 1 MiB of page cache per connection instead of 2: pages it drops come back
            // from the operating system's file cache, and the serving process stays under
            // 50 MB at 10,000 issues (`cargo bench --bench serve`).
            .pragma("cache_size", "-1024");
        let pool = SqlitePoolOptions::new()
            // Each connection keeps its own page cache, so each costs memory.
            .max_connections(POOL_CONNECTIONS)
            .connect_with(options.clone())
            .await
            .map_err(open_error)?;
        sqlx::migrate!().run(&pool).await?;
        let watcher: SqliteConnection = options.connect().await.map_err(open_error)?;
        Ok(Store {
            pool,
            recent: Arc::new(recent::RecentIssues::new(recent::BUDGET_BYTES, watcher)),
        })
    }

    /// The connection pool, for features that keep their own tables in this database.
    pub fn pool(&self) -> &sqlx::SqlitePool {
        &self.pool
    }

    /// Waits for open connections to finish and closes them.
    pub async fn close(&self) {
        self.recent.close().await;
        self.pool.close().await;
    }

    /// Makes changes that another process wrote to the archive visible now. Without this
    /// they show within a second (see `recent`).
    pub async fn notice_outside_changes(&self) {
        self.recent.check_now().await;
    }

    /// Memory held by recently read issues, in bytes (bounded by a fixed budget).
    pub fn recent_issue_bytes(&self) -> u64 {
        self.recent.bytes()
    }

    async fn fill_from_bundled_archive(&self) -> Result<()> {
        let issues = archive::bundled_issues().map_err(|e| StoreError::Bundled(e.to_string()))?;
        self.ingest_copies(archive::BUNDLED_ARCHIVE_NAME, &issues)
            .await?;
        Ok(())
    }
}
