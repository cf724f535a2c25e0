//! The archive in SQLite: one [`Store`] type, one file per concern.
//!
//! - here: opening (file created if missing, WAL, foreign keys, migrations, the bundled
//!   archive loaded into an empty store);
//! - [`ingest`](Store::ingest_copies): one transaction per source, each source's copy of an
//!   issue kept, the issue's rows the merge of its copies, upsert by content hash;
//! - `issues`: lookups for the answers (`issue`, `issue_titles`, `mentioned_by`, ...);
//! - `search`: full-text search that treats the reader's text as words, never as syntax;
//! - `trend`: how many sections mention a term, per issue, for `/trend`;
//! - `feed_state` and `announce`: following the feed, and which issues each server has been
//!   told about;
//! - `daily`: the daily tale's schedules;
//! - `outbox`: one claimed delivery per (kind, server, key) for every message the bot posts
//!   on its own.

mod announce;
mod crawl;
mod daily;
mod excerpt;
mod feed_state;
mod ingest;
mod issues;
mod open_lock;
mod outbox;
mod recent;
mod search;
pub use search::Years;
mod suggest;
mod trend;

pub use daily::DailySchedule;
pub use outbox::{Claim, Delivery, DeliveryState, Kind};

use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use thiserror::Error;

use crate::archive;
use crate::clock::{SharedClock, SystemClock};

pub use recent::BUDGET_BYTES as RECENT_ISSUES_BUDGET_BYTES;

pub use announce::{AnnounceSettings, PendingAnnouncement};
pub use crawl::{CrawlListing, CrawlPost, CrawlSite, CrawledPost};
pub use feed_state::{FeedIngest, FeedState, Validators};
pub use ingest::{Copies, Ingested};
pub use trend::{term_words, IssueCounts};

/// Errors of the store. Messages say what went wrong and, where it helps, what to do.
///
/// Each message carries the text of its cause, so the cause is not also given as the
/// error's `source`: sqlx's errors repeat their own causes too, and a report that prints
/// the chain (`{:#}`) would say the same thing three times.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error(
        "{url:?} is not a usable database URL: {reason}. Name a SQLite file as sqlite://PATH \
         (for example sqlite://importai.db) with --database-url or DATABASE_URL, or set \
         neither for the default sqlite://importai.db"
    )]
    BadUrl { url: String, reason: &'static str },
    #[error("cannot open the database {url}: {cause}")]
    Open { url: String, cause: sqlx::Error },
    #[error("cannot migrate the database schema: {0}")]
    Migrate(sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Sql(sqlx::Error),
    #[error("the bundled archive could not be read: {0}")]
    Bundled(String),
    #[error("issue {number} cannot be stored: {reason}")]
    InvalidIssue { number: u32, reason: String },
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        StoreError::Sql(error)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(error: sqlx::migrate::MigrateError) -> Self {
        StoreError::Migrate(error)
    }
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
    /// Links whose web address is known.
    pub links_with_url: u32,
    pub first: Option<u32>,
    pub last: Option<u32>,
    /// When the newest issue was published, if its source said.
    pub newest_published: Option<chrono::NaiveDate>,
    /// When an issue was last added or its reading changed; None where the archive last
    /// changed before this was recorded.
    pub changed_at: Option<chrono::DateTime<chrono::Utc>>,
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
    /// When the issue was published, if its source said.
    pub published: Option<chrono::NaiveDate>,
    /// The place holds every word and phrase of the query (not only some).
    pub every_term: bool,
    pub place: HitPlace,
    pub snippet: String,
    /// bm25 rank: lower is better.
    pub rank: f64,
}

pub const HIGHLIGHT_START: char = '\u{2}';
pub const HIGHLIGHT_END: char = '\u{3}';

/// The archive database. Cheap to clone (a pool handle, the shared recent issues, a clock).
#[derive(Clone, Debug)]
pub struct Store {
    pool: sqlx::SqlitePool,
    recent: Arc<recent::RecentIssues>,
    /// Tells when the archive changed.
    clock: SharedClock,
}

/// How long a write waits for another writer (another process ingesting) before failing.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Connections in the pool: reads run in parallel under WAL, one writer at a time.
const POOL_CONNECTIONS: u32 = 3;

impl Store {
    /// Opens (creating if missing) the database at `url`, brings its schema up to date and,
    /// if it holds no issue yet, fills it from the bundled archive.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_filled(url, true).await
    }

    /// Opens the database like [`Store::open`] but never fills it: for tests and benchmarks.
    pub async fn open_empty(url: &str) -> Result<Store> {
        Store::open_filled(url, false).await
    }

    /// Opens the pool; then, unless the schema is already current (and, with `fill`, the
    /// archive holds an issue), migrates and fills. All of it holds the database's open
    /// lock, so that processes opening a new database at once do this one after the other,
    /// each finding what the one before did.
    async fn open_filled(url: &str, fill: bool) -> Result<Store> {
        let options = connect_options(url)?;
        // Held from the first connection on: connecting turns a new database to WAL, which
        // SQLite may refuse at once ("database is locked", no busy wait) to a process that
        // connects while another converts it.
        let _lock = open_lock::acquire(options.get_filename()).await;
        let open_error = |cause| StoreError::Open {
            url: url.to_owned(),
            cause,
        };
        let pool = SqlitePoolOptions::new()
            // Each connection keeps its own page cache, so each costs memory.
            .max_connections(POOL_CONNECTIONS)
            .connect_with(options.clone())
            .await
            .map_err(open_error)?;
        let recent = recent::RecentIssues::new(recent::BUDGET_BYTES, pool.clone());
        let store = Store {
            pool,
            recent: Arc::new(recent),
            clock: Arc::new(SystemClock),
        };
        if !store.is_ready(fill).await? {
            sqlx::migrate!().run(&store.pool).await?;
            if fill && store.issue_range().await?.is_none() {
                store.fill_from_bundled_archive().await?;
            }
        }
        // Read the archive's count of changes now, so that the first readers' check finds
        // it unchanged instead of forgetting what they are reading.
        store.recent.check_now().await;
        Ok(store)
    }

    /// Whether every migration is applied and, if `fill`, the archive holds an issue.
    async fn is_ready(&self, fill: bool) -> Result<bool> {
        let applied = match sqlx::query_scalar!(
            r#"SELECT version AS "version!" FROM _sqlx_migrations WHERE success ORDER BY version"#
        )
        .fetch_all(&self.pool)
        .await
        {
            Ok(applied) => applied,
            // No migration table yet: a new database.
            Err(sqlx::Error::Database(_)) => return Ok(false),
            Err(error) => return Err(error.into()),
        };
        let migrator = sqlx::migrate!();
        let current = migrator
            .iter()
            .filter(|m| m.migration_type.is_up_migration())
            .all(|m| applied.contains(&m.version));
        Ok(current && (!fill || self.issue_range().await?.is_some()))
    }
}

/// The connection options for `url`, refusing what would silently lose the archive: an
/// empty URL, an in-memory database (each pooled connection would get its own, and all
/// vanish at exit), a URL naming no file, and text that is not a `sqlite:` URL at all
/// (which SQLite would take as a file name).
/// Whether `url` names a database the archive can live in, without opening it.
pub fn check_url(url: &str) -> Result<()> {
    connect_options(url).map(drop)
}

fn connect_options(url: &str) -> Result<SqliteConnectOptions> {
    let bad = |reason| StoreError::BadUrl {
        url: url.to_owned(),
        reason,
    };
    if url.trim().is_empty() {
        return Err(bad("it is empty"));
    }
    let Some(rest) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    else {
        return Err(bad("it does not start with sqlite:"));
    };
    let (file, query) = rest.split_once('?').unwrap_or((rest, ""));
    let in_memory = file == ":memory:" || query.split('&').any(|pair| pair == "mode=memory");
    if in_memory {
        return Err(bad(
            "an in-memory database is lost when the program ends, and every connection \
             would see a different one",
        ));
    }
    if file.is_empty() {
        return Err(bad("it names no file"));
    }
    let options = SqliteConnectOptions::from_str(url).map_err(|cause| StoreError::Open {
        url: url.to_owned(),
        cause,
    })?;
    Ok(options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // WAL makes NORMAL durable against application crashes, and much faster.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        // 1 MiB of page cache per connection instead of 2: pages it drops come back
        // from the operating system's file cache, and the serving process stays under
        // 50 MB at 10,000 issues (`cargo bench --bench serve`).
        .pragma("cache_size", "-1024"))
}

impl Store {
    /// The same store, telling the time of its changes from `clock` (the system's clock
    /// by default).
    pub fn with_clock(self, clock: SharedClock) -> Store {
        Store { clock, ..self }
    }

    /// The connection pool, for features that keep their own tables in this database.
    pub fn pool(&self) -> &sqlx::SqlitePool {
        &self.pool
    }

    /// Waits for open connections to finish and closes them.
    pub async fn close(&self) {
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
