//! Writing issues. One transaction per source, so a source either lands whole or not at all.
//! Each source's reading of an issue is kept as its copy; the issue's rows hold the merge of
//! its copies, and an issue whose merged content hash matches the stored one is left
//! untouched.

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

use super::{search, IngestOutcome, Result, Store, StoreError};
use crate::archive::merge::{self, Copy, Fullness};
use crate::archive::{Issue, FIRST_ISSUE_NUMBER};

/// Bumped when the canonical form changes, so every issue is rewritten once.
const HASH_VERSION: &str = "v1";

impl Store {
    /// Stores the issues of one source that has no name, in one transaction: new issues are
    /// added, changed ones replace their previous reading from such a source, identical
    /// ones are not written at all. If any issue cannot be stored, nothing from this
    /// source is.
    pub async fn ingest_source(&self, issues: &[Issue]) -> Result<Vec<(u32, IngestOutcome)>> {
        let ingested = self.ingest_copies("", issues).await?;
        Ok(ingested
            .into_iter()
            .map(|i| (i.number, i.outcome))
            .collect())
    }

    /// Stores the issues read from `source` (a path or URL) in one transaction. Each is
    /// this source's copy of the issue: it replaces what the same source gave before, and is
    /// merged with the copies other sources gave (see [`merge`]); the archive holds the
    /// merge. If any issue cannot be stored, nothing from this source is.
    pub async fn ingest_copies(&self, source: &str, issues: &[Issue]) -> Result<Vec<Ingested>> {
        for issue in issues {
            check_storable(issue)?;
        }
        // IMMEDIATE takes the write lock up front: a deferred transaction that reads and
        // then writes can fail outright when another process writes in between.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut ingested = Vec::with_capacity(issues.len());
        let now = self.clock.now();
        for issue in issues {
            ingested.push(upsert(&mut tx, issue, source, now).await?);
        }
        tx.commit().await?;
        let outcomes: Vec<(u32, IngestOutcome)> =
            ingested.iter().map(|i| (i.number, i.outcome)).collect();
        self.forget_recent_if_changed(&outcomes).await;
        Ok(ingested)
    }

    /// After a commit: kept issues are stale if any issue was added or changed (a new issue
    /// can also change who mentions an old one). Reading the archive's count of changes
    /// forgets them, and saves the next check from forgetting again for this same change.
    pub(super) async fn forget_recent_if_changed(&self, outcomes: &[(u32, IngestOutcome)]) {
        if outcomes.iter().any(|(_, o)| *o != IngestOutcome::Unchanged) {
            self.recent.check_now().await;
        }
    }

    /// Stores one issue in its own transaction.
    pub async fn ingest(&self, issue: &Issue) -> Result<IngestOutcome> {
        let outcomes = self.ingest_source(std::slice::from_ref(issue)).await?;
        Ok(outcomes
            .first()
            .map_or(IngestOutcome::Unchanged, |&(_, o)| o))
    }
}

/// What storing one issue of a source did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ingested {
    pub number: u32,
    pub outcome: IngestOutcome,
    /// How the archive's reading was made, when more than one source gave the issue.
    pub copies: Option<Copies>,
}

/// Which of several copies of an issue the archive keeps, and what the others add to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copies {
    /// How many sources gave the issue.
    pub count: usize,
    /// The source of the fullest copy, kept as the base.
    pub kept: String,
    pub kept_fullness: Fullness,
    /// What the other copies added, with their source: `("tale", "b.md")`.
    pub added: Vec<(String, String)>,
}

/// A stable fingerprint of an issue's content: SHA-256 of its JSON form, whose field order
/// is the declaration order of the model.
fn content_hash(issue: &Issue) -> Result<String> {
    let json = serde_json::to_vec(issue).map_err(|e| StoreError::InvalidIssue {
        number: issue.number,
        reason: e.to_string(),
    })?;
    let digest = Sha256::new()
        .chain_update(HASH_VERSION)
        .chain_update(b"\n")
        .chain_update(&json)
        .finalize();
    Ok(format!("{HASH_VERSION}:{digest:x}"))
}

/// Rejects what the schema cannot hold, before any write, with a reason a reader can act on.
pub(super) fn check_storable(issue: &Issue) -> Result<()> {
    let invalid = |reason: String| StoreError::InvalidIssue {
        number: issue.number,
        reason,
    };
    if issue.number < FIRST_ISSUE_NUMBER {
        return Err(invalid(format!(
            "Import AI numbers its issues from {FIRST_ISSUE_NUMBER}"
        )));
    }
    let mut seen = std::collections::BTreeSet::new();
    for section in &issue.sections {
        if !(1..=search::MAX_SECTION_POSITION).contains(&section.position) {
            return Err(invalid(format!(
                "section position {} is outside 1..={}",
                section.position,
                search::MAX_SECTION_POSITION
            )));
        }
        if !seen.insert(section.position) {
            return Err(invalid(format!(
                "two sections share position {}",
                section.position
            )));
        }
    }
    Ok(())
}

/// Records `issue` as `source`'s copy, then stores the merge of the issue's copies; if that
/// adds the issue or changes it, the archive changed `at`.
pub(super) async fn upsert(
    conn: &mut SqliteConnection,
    issue: &Issue,
    source: &str,
    at: DateTime<Utc>,
) -> Result<Ingested> {
    let invalid = |e: serde_json::Error| StoreError::InvalidIssue {
        number: issue.number,
        reason: e.to_string(),
    };
    let reading = serde_json::to_string(issue).map_err(invalid)?;
    let mut stored = copies(conn, issue.number).await?;
    let own = stored.iter().position(|(from, _)| from == source);
    let copy_changed = own.is_none_or(|at| stored[at].1 != reading);
    if copy_changed {
        sqlx::query!(
            "INSERT OR REPLACE INTO issue_copies (issue, source, reading, changed) VALUES \
             (?1, ?2, ?3, (SELECT COALESCE(MAX(changed), 0) + 1 FROM issue_copies WHERE issue = ?1))",
            issue.number,
            source,
            reading,
        )
        .execute(&mut *conn)
        .await?;
        // The copy that changed is now the newest.
        if let Some(at) = own {
            stored.remove(at);
        }
        stored.push((source.to_owned(), reading));
    }
    let copies: Vec<Copy> = stored
        .into_iter()
        .map(|(source, reading)| {
            let issue = serde_json::from_str(&reading).map_err(invalid)?;
            Ok(Copy { source, issue })
        })
        .collect::<Result<_>>()?;
    let merged = merge::merge(&copies).ok_or_else(|| StoreError::InvalidIssue {
        number: issue.number,
        reason: "no copy of it could be read back".to_owned(),
    })?;
    let report = (copies.len() > 1).then(|| Copies {
        count: copies.len(),
        kept: merged.kept.clone(),
        kept_fullness: merged.kept_fullness,
        added: merged.added.clone(),
    });
    let ingested = |outcome| Ingested {
        number: issue.number,
        outcome,
        copies: report.clone(),
    };
    let hash = content_hash(&merged.issue)?;
    let current = sqlx::query_scalar!(
        "SELECT content_hash FROM issues WHERE number = ?",
        issue.number
    )
    .fetch_optional(&mut *conn)
    .await?;
    let outcome = match current {
        None => IngestOutcome::Added,
        Some(current) if current == hash => return Ok(ingested(IngestOutcome::Unchanged)),
        Some(_) => {
            delete_issue(conn, issue.number).await?;
            IngestOutcome::Updated
        }
    };
    insert_issue(conn, &merged.issue, &hash).await?;
    record_change(conn, at).await?;
    Ok(ingested(outcome))
}

/// Remembers when the archive's content last changed, for `/about`, and counts the change,
/// for the processes serving from it.
async fn record_change(conn: &mut SqliteConnection, at: DateTime<Utc>) -> Result<()> {
    sqlx::query!(
        "INSERT INTO archive_changed (only, at, generation) VALUES (1, ?, 1)
         ON CONFLICT (only) DO UPDATE
         SET at = excluded.at, generation = archive_changed.generation + 1",
        super::feed_state::timestamp(at),
    )
    .execute(conn)
    .await?;
    Ok(())
}

/// The copies of an issue by source, in the order they last changed. An issue stored before
/// copies were kept becomes the copy of a source without a name.
async fn copies(conn: &mut SqliteConnection, number: u32) -> Result<Vec<(String, String)>> {
    let stored: Vec<(String, String)> = sqlx::query!(
        "SELECT source, reading FROM issue_copies WHERE issue = ? ORDER BY changed, source",
        number
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|row| (row.source, row.reading))
    .collect();
    if !stored.is_empty() {
        return Ok(stored);
    }
    let Some(document) = super::issues::read_issue_document(conn, number).await? else {
        return Ok(stored);
    };
    sqlx::query!(
        "INSERT INTO issue_copies (issue, source, reading) VALUES (?, '', ?)",
        number,
        document
    )
    .execute(&mut *conn)
    .await?;
    Ok(vec![(String::new(), document)])
}

/// Removes an issue and, through ON DELETE CASCADE, every row that belongs to it.
async fn delete_issue(conn: &mut SqliteConnection, number: u32) -> Result<()> {
    search::unindex_issue(conn, number).await?;
    sqlx::query!("DELETE FROM issues WHERE number = ?", number)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_issue(conn: &mut SqliteConnection, issue: &Issue, hash: &str) -> Result<()> {
    sqlx::query!(
        "INSERT INTO issues (number, title, title_folded, published, url, subtitle, note,
                             content_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        issue.number,
        issue.title,
        issue.title.to_lowercase(),
        issue
            .published
            .map(|date| date.format("%Y-%m-%d").to_string()),
        issue.url,
        issue.subtitle,
        issue.note,
        hash,
    )
    .execute(&mut *conn)
    .await?;

    for section in &issue.sections {
        sqlx::query!(
            "INSERT INTO sections (issue, position, title, teaser, summary, why_it_matters, body)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            issue.number,
            section.position,
            section.title,
            section.teaser,
            section.summary,
            section.why_it_matters,
            section.body,
        )
        .execute(&mut *conn)
        .await?;

        for (ordinal, link) in (1u32..).zip(&section.links) {
            let place = link
                .at
                .map(|at| serde_json::to_string(&at))
                .transpose()
                .map_err(|e| StoreError::InvalidIssue {
                    number: issue.number,
                    reason: e.to_string(),
                })?;
            sqlx::query!(
                "INSERT INTO links (issue, section, ordinal, label, title, source, url, place)
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                issue.number,
                section.position,
                ordinal,
                link.label,
                link.title,
                link.source,
                link.url,
                place,
            )
            .execute(&mut *conn)
            .await?;
        }
    }

    if let Some(tale) = &issue.tale {
        sqlx::query!(
            "INSERT INTO tales (issue, title, setting, body, inspired_by, partial)
             VALUES (?, ?, ?, ?, ?, ?)",
            issue.number,
            tale.title,
            tale.setting,
            tale.body,
            tale.inspired_by,
            tale.partial,
        )
        .execute(&mut *conn)
        .await?;
    }

    for &mentioned in &issue.mentions {
        // A repeated mention is the same fact; keep one.
        sqlx::query!(
            "INSERT OR IGNORE INTO mentions (issue, mentioned) VALUES (?, ?)",
            issue.number,
            mentioned
        )
        .execute(&mut *conn)
        .await?;
    }

    search::index_issue(conn, issue).await
}
