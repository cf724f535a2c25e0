//! Reading issues back: whole issues for the answers, and the small lookups around them.

use std::sync::Arc;

use sqlx::AssertSqlSafe;

use super::recent::{KeptIssue, Lookup};
use super::{ArchiveStats, IssueTitle, Result, Store};
use crate::archive::Issue;

/// Each issue of `numbers` (a JSON array) the archive holds as one JSON document in the
/// export shape, ascending by number, assembled by SQLite: one query whatever an issue
/// holds, where reading its parts table by table took five round trips. Nested documents
/// pass through `json()` because a subquery's result is plain text to the enclosing
/// `json_object` otherwise.
async fn issue_documents<'c>(
    conn: impl sqlx::SqliteExecutor<'c>,
    numbers: &str,
) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar!(
        r#"SELECT json_object(
            'number', i.number, 'title', i.title, 'published', i.published, 'url', i.url,
            'subtitle', i.subtitle, 'note', i.note,
            'sections', json((
                SELECT json_group_array(json_object(
                    'position', s.position, 'title', s.title, 'teaser', s.teaser,
                    'summary', s.summary, 'why_it_matters', s.why_it_matters, 'body', s.body,
                    'links', json((
                        SELECT json_group_array(json_object(
                            'label', l.label, 'title', l.title, 'source', l.source, 'url', l.url,
                            'at', json(l.place))
                            ORDER BY l.ordinal)
                        FROM links AS l WHERE l.issue = s.issue AND l.section = s.position))
                    ) ORDER BY s.position)
                FROM sections AS s WHERE s.issue = i.number)),
            'tale', json((
                SELECT json_object('title', t.title, 'setting', t.setting, 'body', t.body,
                                   'inspired_by', t.inspired_by,
                                   'partial', json(CASE WHEN t.partial THEN 'true' ELSE 'false' END))
                FROM tales AS t WHERE t.issue = i.number)),
            'mentions', json((
                SELECT json_group_array(m.mentioned ORDER BY m.mentioned)
                FROM mentions AS m WHERE m.issue = i.number))) AS "document!: String"
        FROM issues AS i
        WHERE i.number IN (SELECT value FROM json_each(?1))
        ORDER BY i.number"#,
        numbers
    )
    .fetch_all(conn)
    .await?)
}

/// Issue numbers as the one JSON array parameter that the queries read back by `json_each`.
fn json_array(numbers: &[u32]) -> String {
    serde_json::Value::from(numbers.to_vec()).to_string()
}

/// One issue as its JSON document (see [`issue_documents`]) on a connection that may be
/// inside a transaction; `None` if the archive does not hold it.
pub(super) async fn read_issue_document(
    conn: &mut sqlx::SqliteConnection,
    number: u32,
) -> Result<Option<String>> {
    let Some(document) = issue_documents(conn, &json_array(&[number])).await?.pop() else {
        return Ok(None);
    };
    // Re-serialised so that it compares equal to a reading of the same issue.
    let issue: Issue =
        serde_json::from_str(&document).map_err(|e| sqlx::Error::Decode(Box::new(e)))?;
    Ok(Some(
        serde_json::to_string(&issue).map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
    ))
}

/// Words of the typed text that autocomplete looks at; more only narrow an already short list.
const MAX_AUTOCOMPLETE_WORDS: usize = 8;

impl Store {
    /// The full issue: sections and their links in order, the tale, the mentions.
    pub async fn issue(&self, number: u32) -> Result<Option<Arc<Issue>>> {
        Ok(self
            .recent_issue(number)
            .await?
            .map(|kept| Arc::clone(&kept.issue)))
    }

    /// The issue from memory if it was read since the archive last changed, else from the
    /// database (and then kept); readers asking for it while it is read wait for that read.
    async fn recent_issue(&self, number: u32) -> Result<Option<Arc<KeptIssue>>> {
        self.recent.notice_outside_changes().await;
        let reading = match self.recent.lookup(number).await {
            Lookup::Kept(kept) => return Ok(Some(kept)),
            Lookup::Read(reading) => reading,
        };
        let Some(issue) = self.issues(&[number]).await?.pop() else {
            return Ok(None);
        };
        let mentioned_by = self.read_mentioned_by(number).await?;
        let mentions_held = self.titles_of(&issue.mentions).await?;
        Ok(Some(self.recent.keep(
            reading,
            issue,
            mentioned_by,
            mentions_held,
        )))
    }

    /// The issues with these numbers that the archive holds, ascending by number, each
    /// once. Numbers it does not hold are left out.
    pub async fn issues(&self, numbers: &[u32]) -> Result<Vec<Issue>> {
        let documents = issue_documents(&self.pool, &json_array(numbers)).await?;
        documents
            .iter()
            .map(|document| {
                serde_json::from_str(document).map_err(|e| sqlx::Error::Decode(Box::new(e)).into())
            })
            .collect()
    }

    /// Every issue, ascending by number.
    pub async fn all_issues(&self) -> Result<Vec<Issue>> {
        self.issues(&self.read_issue_numbers().await?).await
    }

    /// Number and title of every issue, ascending by number.
    pub async fn issue_titles(&self) -> Result<Vec<IssueTitle>> {
        Ok(sqlx::query_as!(
            IssueTitle,
            r#"SELECT number AS "number: u32", title FROM issues ORDER BY number"#
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The highest issue number, if the archive holds any issue.
    pub async fn latest_number(&self) -> Result<Option<u32>> {
        Ok(self.issue_numbers().await?.last().copied())
    }

    /// Issues that cite issue `number`, ascending.
    pub async fn mentioned_by(&self, number: u32) -> Result<Vec<u32>> {
        match self.recent_issue(number).await? {
            Some(kept) => Ok(kept.mentioned_by.clone()),
            // Issues the archive lacks can still be mentioned by those it holds.
            None => self.read_mentioned_by(number).await,
        }
    }

    async fn read_mentioned_by(&self, number: u32) -> Result<Vec<u32>> {
        Ok(sqlx::query_scalar!(
            r#"SELECT issue AS "issue: u32" FROM mentions WHERE mentioned = ? ORDER BY issue"#,
            number
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The issues that issue `number` cites and the archive holds, with their titles,
    /// ascending; kept with the issue, so that showing it again asks no query.
    pub async fn mentions_held(&self, number: u32) -> Result<Vec<IssueTitle>> {
        Ok(self
            .recent_issue(number)
            .await?
            .map(|kept| kept.mentions_held.clone())
            .unwrap_or_default())
    }

    /// The nearest issue numbers below and above `number` that the archive holds.
    pub async fn neighbours(&self, number: u32) -> Result<(Option<u32>, Option<u32>)> {
        let numbers = self.issue_numbers().await?;
        let at = numbers.partition_point(|&n| n < number);
        let previous = at.checked_sub(1).map(|i| numbers[i]);
        let next = numbers[at..].iter().copied().find(|&n| n > number);
        Ok((previous, next))
    }

    /// Every issue number the archive holds, ascending; read once per change of the
    /// archive (40 KB at 10,000 issues), so that going from issue to issue asks no query.
    pub async fn issue_numbers(&self) -> Result<Arc<Vec<u32>>> {
        self.recent.notice_outside_changes().await;
        if let Some(numbers) = self.recent.numbers() {
            return Ok(numbers);
        }
        let generation = self.recent.generation();
        let numbers = Arc::new(self.read_issue_numbers().await?);
        self.recent.keep_numbers(generation, Arc::clone(&numbers));
        Ok(numbers)
    }

    async fn read_issue_numbers(&self) -> Result<Vec<u32>> {
        Ok(
            sqlx::query_scalar!(r#"SELECT number AS "number: u32" FROM issues ORDER BY number"#)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// The numbers and titles of those of `numbers` the archive holds, ascending.
    pub async fn titles_of(&self, numbers: &[u32]) -> Result<Vec<IssueTitle>> {
        if numbers.is_empty() {
            return Ok(Vec::new());
        }
        Ok(sqlx::query_as!(
            IssueTitle,
            r#"SELECT number AS "number: u32", title FROM issues
             WHERE number IN (SELECT value FROM json_each(?)) ORDER BY number"#,
            json_array(numbers)
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// The issues whose tales were last shown at random in `channel`, newest first, at
    /// most `count`.
    pub async fn recent_random_tales(&self, channel: u64, count: u32) -> Result<Vec<u32>> {
        Ok(sqlx::query_scalar!(
            r#"SELECT issue AS "issue: u32" FROM random_tales
             WHERE channel = ? ORDER BY shown DESC LIMIT ?"#,
            channel as i64,
            count
        )
        .fetch_all(&self.pool)
        .await?)
    }

    /// Records that issue `issue`'s tale was shown at random in `channel`, keeping only
    /// the channel's last `keep`.
    pub async fn record_random_tale(&self, channel: u64, issue: u32, keep: u32) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query!(
            "INSERT INTO random_tales (channel, shown, issue)
             VALUES (?1, coalesce((SELECT max(shown) FROM random_tales WHERE channel = ?1), 0) + 1, ?2)",
            channel as i64,
            issue
        )
        .execute(&mut *tx)
        .await?;
        sqlx::query!(
            "DELETE FROM random_tales WHERE channel = ?1 AND shown <=
                 (SELECT max(shown) FROM random_tales WHERE channel = ?1) - ?2",
            channel as i64,
            keep
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Issues that end with a tale, ascending.
    pub async fn tale_numbers(&self) -> Result<Vec<u32>> {
        Ok(
            sqlx::query_scalar!(r#"SELECT issue AS "issue: u32" FROM tales ORDER BY issue"#)
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// How much the archive holds.
    /// The first and last issue numbers, or None for an empty archive: cheaper than
    /// [`Store::stats`], which counts every table.
    pub async fn issue_range(&self) -> Result<Option<(u32, u32)>> {
        let range = sqlx::query!(
            r#"SELECT min(number) AS "first?: u32", max(number) AS "last?: u32" FROM issues"#
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(range.first.zip(range.last))
    }

    /// The archive's size; counted once per change of the archive, since counting takes
    /// milliseconds at 10,000 issues.
    pub async fn stats(&self) -> Result<ArchiveStats> {
        self.recent.notice_outside_changes().await;
        if let Some(stats) = self.recent.stats() {
            return Ok(stats);
        }
        let generation = self.recent.generation();
        let stats = self.count_archive().await?;
        self.recent.keep_stats(generation, stats.clone());
        Ok(stats)
    }

    async fn count_archive(&self) -> Result<ArchiveStats> {
        let row = sqlx::query_as!(
            CountRow,
            r#"SELECT (SELECT count(*) FROM issues) AS "issues!: u32",
                    (SELECT count(*) FROM sections) AS "sections!: u32",
                    (SELECT count(*) FROM tales) AS "tales!: u32",
                    (SELECT count(*) FROM links) AS "links!: u32",
                    (SELECT count(*) FROM links WHERE url IS NOT NULL) AS "links_with_url!: u32",
                    (SELECT min(number) FROM issues) AS "first?: u32",
                    (SELECT max(number) FROM issues) AS "last?: u32",
                    (SELECT published FROM issues ORDER BY number DESC LIMIT 1)
                        AS "newest_published?",
                    (SELECT at FROM archive_changed) AS "changed_at?""#
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(ArchiveStats {
            issues: row.issues,
            sections: row.sections,
            tales: row.tales,
            links: row.links,
            links_with_url: row.links_with_url,
            first: row.first,
            last: row.last,
            newest_published: row
                .newest_published
                .and_then(|date| chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()),
            changed_at: super::feed_state::parse_timestamp(row.changed_at),
        })
    }

    /// Issues for an autocomplete list, newest first, at most `limit`. Each typed word must
    /// begin the issue's number or occur in its title (ignoring case), so "310", "alpha
    /// chess" and an echoed choice like "310 — AlphaZero" all find issue 310. Nothing typed
    /// lists the newest issues.
    pub async fn autocomplete(&self, typed: &str, limit: u32) -> Result<Vec<IssueTitle>> {
        let words: Vec<String> = typed
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .take(MAX_AUTOCOMPLETE_WORDS)
            .map(str::to_lowercase)
            .collect();
        // Words are alphanumeric only, so LIKE's wildcards cannot appear in them. The limit
        // is written into the SQL: a bound one makes SQLite prepare the statement anew on
        // every run.
        // Checked at run time: the query macros need literal SQL, and the limit is written in.
        let rows: Vec<(u32, String)> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT number, title FROM issues
             WHERE NOT EXISTS (
                 SELECT 1 FROM json_each(?1) AS word
                 WHERE instr(title_folded, word.value) = 0
                   AND CAST(number AS TEXT) NOT LIKE word.value || '%')
             ORDER BY number DESC LIMIT {limit}"
        )))
        .bind(serde_json::Value::from(words).to_string())
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(IssueTitle::from).collect())
    }
}

impl From<(u32, String)> for IssueTitle {
    fn from((number, title): (u32, String)) -> Self {
        IssueTitle { number, title }
    }
}

struct CountRow {
    issues: u32,
    sections: u32,
    tales: u32,
    links: u32,
    links_with_url: u32,
    first: Option<u32>,
    last: Option<u32>,
    newest_published: Option<String>,
    changed_at: Option<String>,
}
