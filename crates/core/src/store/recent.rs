//! Recently read issues, kept in memory so that answering about an issue usually needs no
//! query at all.
//!
//! Readers ask about the same few issues again and again, and the archive changes only when
//! something ingests. So whole issues (with the issues that mention them) are kept up to a
//! byte budget, with the archive's counts for `/about`, its issue numbers and the words
//! that "did you mean" compares, and everything kept is forgotten when the archive changes:
//! - at once when this process changes it (the store checks right after committing);
//! - within [`CHANGE_CHECK_INTERVAL`] when another process does, seen in the count of
//!   changes that every ingest keeps (`archive_changed.generation`). SQLite's own
//!   `PRAGMA data_version` would also move for writes that leave the archive as it was (a
//!   random tale remembered, a daily post claimed), and forget everything for each.
//!
//! An issue not kept is read once however many ask for it at the same moment: the others
//! wait for that read. Answers share the kept issue rather than copying its text.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::SqlitePool;

use super::{ArchiveStats, IssueTitle};
use crate::archive::Issue;

/// Memory for kept issues. The bundled archive takes about 0.2 MB; the real newsletter,
/// some 400 issues, about 6 MB; so the issues people are reading stay while the serving
/// process keeps under 50 MB even over an archive of 10,000 issues.
pub const BUDGET_BYTES: u64 = 2 * 1024 * 1024;
/// How stale a kept issue may be after another process changed the archive.
pub(super) const CHANGE_CHECK_INTERVAL: Duration = Duration::from_secs(1);

/// An issue as read, with the issues that mention it and those it mentions that the archive
/// holds.
#[derive(Debug)]
pub(super) struct KeptIssue {
    /// Shared with every answer that shows it, so that none copies its text.
    pub issue: Arc<Issue>,
    pub mentioned_by: Vec<u32>,
    pub mentions_held: Vec<IssueTitle>,
    /// The archive generation it was read in: a read that raced a change is never served.
    generation: u64,
    bytes: u64,
}

#[derive(Clone)]
struct ByBytes;

impl quick_cache::Weighter<u32, Arc<KeptIssue>> for ByBytes {
    fn weight(&self, _number: &u32, kept: &Arc<KeptIssue>) -> u64 {
        kept.bytes
    }
}

type KeptCache = quick_cache::sync::Cache<u32, Arc<KeptIssue>, ByBytes>;

/// What [`RecentIssues::lookup`] found: the issue as kept, or the duty to read it.
pub(super) enum Lookup<'a> {
    Kept(Arc<KeptIssue>),
    Read(Reading<'a>),
}

/// Held by the one reader reading an issue that is not kept. Readers asking for the same
/// issue meanwhile (a burst of readers after an announcement, say) wait for what it keeps
/// instead of all reading it at once. Dropped without keeping (the archive lacks the
/// issue, or the read failed), it lets the next waiting reader read.
pub(super) struct Reading<'a> {
    slot: quick_cache::sync::PlaceholderGuard<
        'a,
        u32,
        Arc<KeptIssue>,
        ByBytes,
        quick_cache::DefaultHashBuilder,
        quick_cache::sync::DefaultLifecycle<u32, Arc<KeptIssue>>,
    >,
    /// The archive generation the read belongs to.
    generation: u64,
}

/// Words of the archive that begin with one letter, with the number of places using each.
pub(super) type Words = Arc<Vec<(String, i64)>>;

/// A value read from the archive with the generation it was read in: served only while the
/// archive has not changed since.
struct PerGeneration<T>(std::sync::Mutex<Option<(u64, T)>>);

impl<T: Clone> PerGeneration<T> {
    fn new() -> Self {
        PerGeneration(std::sync::Mutex::new(None))
    }

    fn slot(&self) -> std::sync::MutexGuard<'_, Option<(u64, T)>> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn get(&self, current: u64) -> Option<T> {
        match &*self.slot() {
            Some((generation, value)) if *generation == current => Some(value.clone()),
            _ => None,
        }
    }

    fn keep(&self, generation: u64, value: T) {
        *self.slot() = Some((generation, value));
    }
}

/// The archive's count of changes as last read.
struct Watch {
    /// `Some(None)` for an archive never changed since the count was kept; `None` before
    /// the first reading, or after one failed.
    generation: Option<Option<i64>>,
    checked_at: Option<Instant>,
}

pub(super) struct RecentIssues {
    kept: KeptCache,
    /// The archive's counts.
    stats: PerGeneration<ArchiveStats>,
    /// Every issue number held, ascending.
    numbers: PerGeneration<Arc<Vec<u32>>>,
    /// The words "did you mean" compares, by first letter, as they are asked for.
    words: PerGeneration<HashMap<char, Words>>,
    generation: AtomicU64,
    watch: tokio::sync::Mutex<Watch>,
    pool: SqlitePool,
}

impl std::fmt::Debug for RecentIssues {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecentIssues")
            .field("issues", &self.kept.len())
            .field("bytes", &self.kept.weight())
            .field("generation", &self.generation.load(Ordering::Relaxed))
            .finish()
    }
}

impl RecentIssues {
    /// Kept issues of the archive that `pool` reads.
    pub fn new(budget_bytes: u64, pool: SqlitePool) -> Self {
        // Issues average some 15 KB; the estimate only sizes the cache's table.
        let estimated_issues = (budget_bytes / 15_000).max(16) as usize;
        RecentIssues {
            kept: KeptCache::with_weighter(estimated_issues, budget_bytes, ByBytes),
            stats: PerGeneration::new(),
            numbers: PerGeneration::new(),
            words: PerGeneration::new(),
            generation: AtomicU64::new(0),
            watch: tokio::sync::Mutex::new(Watch {
                generation: None,
                checked_at: None,
            }),
            pool,
        }
    }

    /// The generation a read starting now belongs to: pass it to [`RecentIssues::keep`].
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// The kept issue, unless the archive changed since it was read; else the duty to read
    /// it, once any other reader of it has finished.
    pub async fn lookup(&self, number: u32) -> Lookup<'_> {
        loop {
            match self.kept.get_value_or_guard_async(&number).await {
                Ok(kept) if kept.generation == self.generation() => return Lookup::Kept(kept),
                // Read before the latest change: read it afresh.
                Ok(_) => {
                    self.kept.remove(&number);
                }
                Err(slot) => {
                    let generation = self.generation();
                    return Lookup::Read(Reading { slot, generation });
                }
            }
        }
    }

    /// Keeps what `reading` read, unless the archive changed since it began; the reader
    /// gets what it read either way.
    pub fn keep(
        &self,
        reading: Reading<'_>,
        issue: Issue,
        mentioned_by: Vec<u32>,
        mentions_held: Vec<IssueTitle>,
    ) -> Arc<KeptIssue> {
        let held_bytes: usize = mentions_held.iter().map(|t| 36 + t.title.len()).sum();
        let bytes = issue_bytes(&issue) + 4 * mentioned_by.len() as u64 + held_bytes as u64;
        let kept = Arc::new(KeptIssue {
            issue: Arc::new(issue),
            mentioned_by,
            mentions_held,
            generation: reading.generation,
            bytes,
        });
        if reading.generation == self.generation() {
            // Fails only if the archive changed meanwhile; the waiting readers check.
            let _ = reading.slot.insert(Arc::clone(&kept));
        }
        kept
    }

    /// The archive's counts, unless it changed since they were made.
    pub fn stats(&self) -> Option<ArchiveStats> {
        self.stats.get(self.generation())
    }

    /// Keeps counts made in `generation` (a generation that has passed is never served).
    pub fn keep_stats(&self, generation: u64, stats: ArchiveStats) {
        self.stats.keep(generation, stats);
    }

    /// Every issue number held, ascending, unless the archive changed since it was read.
    pub fn numbers(&self) -> Option<Arc<Vec<u32>>> {
        self.numbers.get(self.generation())
    }

    /// Keeps the issue numbers read in `generation`.
    pub fn keep_numbers(&self, generation: u64, numbers: Arc<Vec<u32>>) {
        self.numbers.keep(generation, numbers);
    }

    /// The words beginning with `letter`, unless the archive changed since they were read.
    pub fn words(&self, letter: char) -> Option<Words> {
        self.words.get(self.generation())?.get(&letter).cloned()
    }

    /// Keeps the words beginning with `letter` read in `generation`, beside the other
    /// letters read in it.
    pub fn keep_words(&self, generation: u64, letter: char, words: Words) {
        let mut by_letter = self.words.get(generation).unwrap_or_default();
        by_letter.insert(letter, words);
        self.words.keep(generation, by_letter);
    }

    /// Forgets every kept issue: the archive has changed.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.kept.clear();
    }

    /// Bytes held now, by the same measure as the budget.
    pub fn bytes(&self) -> u64 {
        self.kept.weight()
    }

    /// Forgets everything if another connection committed since the last check, checking
    /// at most once per [`CHANGE_CHECK_INTERVAL`]. A reader that finds a check already
    /// running goes on without waiting.
    pub async fn notice_outside_changes(&self) {
        let Ok(mut watch) = self.watch.try_lock() else {
            return;
        };
        if watch
            .checked_at
            .is_some_and(|at| at.elapsed() < CHANGE_CHECK_INTERVAL)
        {
            return;
        }
        self.check(&mut watch).await;
    }

    /// Checks for outside changes now, waiting for a check already running.
    pub async fn check_now(&self) {
        let mut watch = self.watch.lock().await;
        self.check(&mut watch).await;
    }

    async fn check(&self, watch: &mut Watch) {
        let read = sqlx::query_scalar!("SELECT generation FROM archive_changed")
            .fetch_optional(&self.pool)
            .await;
        let generation = match read {
            Ok(generation) => Some(generation),
            Err(error) => {
                tracing::warn!(%error, "cannot check the archive for changes; reading it afresh");
                None
            }
        };
        // If the check cannot be made, nothing kept can be trusted.
        if generation.is_none() || generation != watch.generation {
            self.forget_all();
        }
        watch.generation = generation;
        watch.checked_at = Some(Instant::now());
    }
}

/// What an issue holds, in bytes: its text plus a little for each allocation.
fn issue_bytes(issue: &Issue) -> u64 {
    const PER_ALLOCATION: usize = 32;
    let text = |s: &str| s.len() + PER_ALLOCATION;
    let optional = |s: &Option<String>| s.as_deref().map_or(0, text);
    let links: usize = issue
        .sections
        .iter()
        .flat_map(|section| &section.links)
        .map(|link| {
            text(&link.label) + text(&link.title) + optional(&link.source) + optional(&link.url)
        })
        .sum();
    let sections: usize = issue
        .sections
        .iter()
        .map(|s| {
            text(&s.title)
                + optional(&s.teaser)
                + text(&s.summary)
                + optional(&s.why_it_matters)
                + text(&s.body)
        })
        .sum();
    let tale = issue.tale.as_ref().map_or(0, |tale| {
        text(&tale.title) + optional(&tale.setting) + text(&tale.body) + optional(&tale.inspired_by)
    });
    let fixed = std::mem::size_of::<Issue>() + 4 * issue.mentions.len();
    let heading = text(&issue.title)
        + optional(&issue.url)
        + optional(&issue.subtitle)
        + optional(&issue.note);
    (fixed + heading + sections + links + tale) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::Pin;

    /// Kept issues of a new in-memory archive, on a pool of its one connection.
    async fn recent() -> RecentIssues {
        let pool = sqlx::sqlite::SqlitePoolOptions::new()
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect("sqlite::memory:")
            .await
            .unwrap();
        sqlx::migrate!().run(&pool).await.unwrap();
        RecentIssues::new(BUDGET_BYTES, pool)
    }

    fn issue(number: u32) -> Issue {
        Issue {
            number,
            title: format!("Issue {number}"),
            published: None,
            url: None,
            subtitle: None,
            note: None,
            sections: Vec::new(),
            tale: None,
            mentions: Vec::new(),
        }
    }

    /// The duty to read `number`, which must not be kept.
    async fn reading(recent: &RecentIssues, number: u32) -> Reading<'_> {
        match recent.lookup(number).await {
            Lookup::Read(reading) => reading,
            Lookup::Kept(_) => panic!("issue {number} is kept"),
        }
    }

    /// What is kept of `number`, if anything.
    async fn kept(recent: &RecentIssues, number: u32) -> Option<Arc<KeptIssue>> {
        match recent.lookup(number).await {
            Lookup::Kept(kept) => Some(kept),
            Lookup::Read(_) => None,
        }
    }

    #[tokio::test]
    async fn a_read_that_raced_a_change_is_not_kept() {
        let recent = recent().await;
        let read = reading(&recent, 301).await;
        recent.forget_all();
        let kept_now = recent.keep(read, issue(301), vec![305], Vec::new());
        assert_eq!(
            kept_now.mentioned_by,
            [305],
            "the reader still gets what it read"
        );
        assert!(kept(&recent, 301).await.is_none());
    }

    #[tokio::test]
    async fn a_kept_issue_is_served_until_forgotten() {
        let recent = recent().await;
        let read = reading(&recent, 301).await;
        recent.keep(read, issue(301), Vec::new(), Vec::new());
        assert_eq!(*kept(&recent, 301).await.unwrap().issue, issue(301));
        recent.forget_all();
        assert!(kept(&recent, 301).await.is_none());
        assert_eq!(recent.bytes(), 0);
    }

    /// A second reader's lookup of `number` while a first holds the duty to read it, checked
    /// to be waiting.
    async fn second_reader(
        recent: &RecentIssues,
        number: u32,
    ) -> Pin<Box<impl Future<Output = Lookup<'_>>>> {
        let mut waiting = Box::pin(recent.lookup(number));
        let waited = tokio::time::timeout(Duration::from_millis(50), waiting.as_mut()).await;
        assert!(waited.is_err(), "a second reader reads at once");
        waiting
    }

    #[tokio::test]
    async fn readers_of_an_issue_being_read_wait_for_that_read() {
        let recent = recent().await;
        let read = reading(&recent, 301).await;
        let waiting = second_reader(&recent, 301).await;
        recent.keep(read, issue(301), vec![305], Vec::new());
        let Lookup::Kept(kept) = waiting.await else {
            panic!("the waiting reader reads again");
        };
        assert_eq!(kept.mentioned_by, [305]);
    }

    #[tokio::test]
    async fn a_read_that_finds_nothing_lets_the_next_reader_read() {
        let recent = recent().await;
        let read = reading(&recent, 9999).await;
        let waiting = second_reader(&recent, 9999).await;
        drop(read);
        let next = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the waiting reader goes on");
        assert!(matches!(next, Lookup::Read(_)));
    }

    #[tokio::test]
    async fn a_failed_check_forgets_everything() {
        let recent = recent().await;
        recent.check_now().await;
        let read = reading(&recent, 301).await;
        recent.keep(read, issue(301), Vec::new(), Vec::new());
        recent.pool.close().await;
        recent.check_now().await;
        assert!(kept(&recent, 301).await.is_none());
    }

    #[tokio::test]
    async fn word_lists_are_kept_by_letter_until_the_archive_changes() {
        let recent = recent().await;
        let words = |list: &[&str]| Arc::new(list.iter().map(|w| (w.to_string(), 2)).collect());
        recent.keep_words(recent.generation(), 'a', words(&["alignment"]));
        recent.keep_words(recent.generation(), 'r', words(&["robots"]));
        assert_eq!(recent.words('a').unwrap()[0].0, "alignment");
        assert_eq!(recent.words('r').unwrap()[0].0, "robots");
        assert!(recent.words('z').is_none());
        let before = recent.generation();
        recent.forget_all();
        assert!(recent.words('a').is_none());
        recent.keep_words(before, 'a', words(&["stale"]));
        assert!(recent.words('a').is_none(), "a read that raced a change");
    }

    #[test]
    fn bytes_grow_with_the_text() {
        let small = issue(1);
        let mut large = issue(1);
        large.title = "x".repeat(10_000);
        let grown = 10_000 - small.title.len() as u64;
        assert_eq!(issue_bytes(&large) - issue_bytes(&small), grown);
    }
}
