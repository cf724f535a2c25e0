//! Writing issues. One transaction per source, so a source either lands whole or not at all;
//! an issue whose content hash matches the stored one is left untouched.

use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;

use super::{search, IngestOutcome, Result, Store, StoreError};
use crate::archive::{Issue, FIRST_ISSUE_NUMBER};

/// Bumped when the canonical form changes, so every issue is rewritten once.
const HASH_VERSION: &str = "v1";

impl Store {
    /// Stores the issues of one source in one transaction: new issues are added, changed
    /// ones replace their previous rows, identical ones are not written at all. If any
    /// issue cannot be stored, nothing from this source is.
    pub async fn ingest_source(&self, issues: &[Issue]) -> Result<Vec<(u32, IngestOutcome)>> {
        for issue in issues {
            check_storable(issue)?;
        }
        // IMMEDIATE takes the write lock up front: a deferred transaction that reads and
        // then writes can fail outright when another process writes in between.
        let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
        let mut outcomes = Vec::with_capacity(issues.len());
        for issue in issues {
            outcomes.push((issue.number, upsert(&mut tx, issue).await?));
        }
        tx.commit().await?;
        self.forget_recent_if_changed(&outcomes);
        Ok(outcomes)
    }

    /// After a commit: kept issues are stale if any issue was added or changed (a new issue
    /// can also change who mentions an old one).
    pub(super) fn forget_recent_if_changed(&self, outcomes: &[(u32, IngestOutcome)]) {
        if outcomes.iter().any(|(_, o)| *o != IngestOutcome::Unchanged) {
            self.recent.forget_all();
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

pub(super) async fn upsert(conn: &mut SqliteConnection, issue: &Issue) -> Result<IngestOutcome> {
    let hash = content_hash(issue)?;
    let stored: Option<String> =
        sqlx::query_scalar("SELECT content_hash FROM issues WHERE number = ?")
            .bind(issue.number)
            .fetch_optional(&mut *conn)
            .await?;
    let outcome = match stored {
        None => IngestOutcome::Added,
        Some(stored) if stored == hash => return Ok(IngestOutcome::Unchanged),
        Some(_) => {
            delete_issue(conn, issue.number).await?;
            IngestOutcome::Updated
        }
    };
    insert_issue(conn, issue, &hash).await?;
    Ok(outcome)
}

/// Removes an issue and, through ON DELETE CASCADE, every row that belongs to it.
async fn delete_issue(conn: &mut SqliteConnection, number: u32) -> Result<()> {
    search::unindex_issue(conn, number).await?;
    sqlx::query("DELETE FROM issues WHERE number = ?")
        .bind(number)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

async fn insert_issue(conn: &mut SqliteConnection, issue: &Issue, hash: &str) -> Result<()> {
    sqlx::query(
        "INSERT INTO issues (number, title, title_folded, published, url, note, content_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(issue.number)
    .bind(&issue.title)
    .bind(issue.title.to_lowercase())
    .bind(
        issue
            .published
            .map(|date| date.format("%Y-%m-%d").to_string()),
    )
    .bind(&issue.url)
    .bind(&issue.note)
    .bind(hash)
    .execute(&mut *conn)
    .await?;

    for section in &issue.sections {
        sqlx::query(
            "INSERT INTO sections (issue, position, title, teaser, summary, why_it_matters, body)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(issue.number)
        .bind(section.position)
        .bind(&section.title)
        .bind(&section.teaser)
        .bind(&section.summary)
        .bind(&section.why_it_matters)
        .bind(&section.body)
        .execute(&mut *conn)
        .await?;

        for (ordinal, link) in (1u32..).zip(&section.links) {
            sqlx::query(
                "INSERT INTO links (issue, section, ordinal, label, title, source, url)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(issue.number)
            .bind(section.position)
            .bind(ordinal)
            .bind(&link.label)
            .bind(&link.title)
            .bind(&link.source)
            .bind(&link.url)
            .execute(&mut *conn)
            .await?;
        }
    }

    if let Some(tale) = &issue.tale {
        sqlx::query(
            "INSERT INTO tales (issue, title, setting, body, inspired_by) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(issue.number)
        .bind(&tale.title)
        .bind(&tale.setting)
        .bind(&tale.body)
        .bind(&tale.inspired_by)
        .execute(&mut *conn)
        .await?;
    }

    for &mentioned in &issue.mentions {
        // A repeated mention is the same fact; keep one.
        sqlx::query("INSERT OR IGNORE INTO mentions (issue, mentioned) VALUES (?, ?)")
            .bind(issue.number)
            .bind(mentioned)
            .execute(&mut *conn)
            .await?;
    }

    search::index_issue(conn, issue).await
}
