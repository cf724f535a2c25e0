//! Full-text search over section headings, teasers, bodies and link titles, and over tales.
//!
//! The reader's text is only ever words: it is split into alphanumeric runs and each is
//! quoted as an FTS5 string, so `AND (`, `"`, `*`, `NEAR` or `-` can never be syntax.

use sqlx::{AssertSqlSafe, SqliteConnection};

use super::{HitPlace, Result, SearchHit, Store, HIGHLIGHT_END, HIGHLIGHT_START};
use crate::archive::Issue;

/// An issue's index rows have rowids `number * ROWIDS_PER_ISSUE + position`, the tale at
/// position 0: one rowid range per issue, replaced without scanning the index.
pub(super) const ROWIDS_PER_ISSUE: i64 = 4096;
/// The highest section position the index can hold.
pub(super) const MAX_SECTION_POSITION: u32 = (ROWIDS_PER_ISSUE - 1) as u32;

/// Words of a query that are searched for; the rest only slow the search down.
const MAX_QUERY_WORDS: usize = 16;
/// Longer "words" are noise (pasted hashes, binary); their start is enough to match.
const MAX_WORD_CHARS: usize = 64;
/// Ranking reads every place it ranks, which for words found almost everywhere takes far
/// too long at 10,000 issues; so at most this many matching places, the newest, are ranked.
/// A smaller archive (the whole newsletter is a few thousand places) is ranked in full.
const MAX_RANKED_PLACES: u32 = 1000;
/// Tokens around the match in a snippet.
const SNIPPET_TOKENS: i64 = 24;
/// Characters of each column of a place that are indexed. Real sections are a few
/// thousand; a hostile page can hold megabytes in one section, and FTS5 builds a snippet
/// by reading the whole column, so without a cap one such place would slow every search
/// that matches it to a crawl (snippets cost more than linearly in the column). 16,384
/// holds the longest place of the bundled archive whole (a chunk of about 14,500). Migration 0006
/// cuts rows indexed before the same way.
const MAX_INDEXED_CHARS: usize = 16_384;

impl Store {
    /// Ranked hits in sections and tales, best first, at most `limit`. All words must
    /// match; if no place holds them all, places holding any of them are returned. A query
    /// with no words returns nothing.
    pub async fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let words = query_words(query);
        if words.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let hits = self
            .ranked_hits(&match_expression(&words, "AND"), limit)
            .await?;
        if !hits.is_empty() || words.len() == 1 {
            return Ok(hits);
        }
        self.ranked_hits(&match_expression(&words, "OR"), limit)
            .await
    }

    async fn ranked_hits(&self, expression: &str, limit: u32) -> Result<Vec<SearchHit>> {
        // Finding matches in rowid order is cheap, scoring them is not: find the oldest
        // place among the newest MAX_RANKED_PLACES matches, and rank from there on.
        // LIMIT and OFFSET are written into the SQL, not bound: SQLite plans with a bound
        // limit's value, so it would prepare the statement anew on every run. They are our
        // own integers, never the reader's text.
        let oldest_ranked: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT rowid FROM search_index WHERE search_index MATCH ?1
             ORDER BY rowid DESC LIMIT 1 OFFSET {}",
            MAX_RANKED_PLACES - 1
        )))
        .bind(expression)
        .fetch_optional(&self.pool)
        .await?;
        // `rank` is bm25 with the column weights set in the migration. Ranking and the
        // limit happen inside FTS5 before the join, so snippets are built only for hits.
        let rows: Vec<HitRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT hit.issue, issues.title AS issue_title, hit.position, hit.heading,
                    hit.snippet, hit.rank
             FROM (SELECT issue, position, heading, rank,
                          snippet(search_index, -1, ?2, ?3, '…', ?4) AS snippet
                   FROM search_index WHERE search_index MATCH ?1 AND rowid >= ?5
                   ORDER BY rank LIMIT {limit}) AS hit
             JOIN issues ON issues.number = hit.issue
             ORDER BY hit.rank"
        )))
        .bind(expression)
        .bind(HIGHLIGHT_START.to_string())
        .bind(HIGHLIGHT_END.to_string())
        .bind(SNIPPET_TOKENS)
        .bind(oldest_ranked.unwrap_or(0))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(HitRow::into_hit).collect())
    }
}

/// The distinct lower-cased words of a query, in order, capped in number and length.
fn query_words(query: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for word in query.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() {
            continue;
        }
        let word: String = word
            .chars()
            .take(MAX_WORD_CHARS)
            .collect::<String>()
            .to_lowercase();
        if !words.contains(&word) {
            words.push(word);
            if words.len() == MAX_QUERY_WORDS {
                break;
            }
        }
    }
    words
}

/// `"w1" AND "w2"`: each word an FTS5 string (a `"` inside is doubled, as FTS5 wants).
fn match_expression(words: &[String], operator: &str) -> String {
    words
        .iter()
        .map(|word| format!("\"{}\"", word.replace('"', "\"\"")))
        .collect::<Vec<_>>()
        .join(&format!(" {operator} "))
}

fn rowid(number: u32, position: u32) -> i64 {
    i64::from(number) * ROWIDS_PER_ISSUE + i64::from(position)
}

/// Adds an issue's sections and tale to the index.
pub(super) async fn index_issue(conn: &mut SqliteConnection, issue: &Issue) -> Result<()> {
    for section in &issue.sections {
        let mut body = section.body.clone();
        // Index the "why this matters" text even if the body does not repeat it.
        if let Some(why) = &section.why_it_matters {
            if !body.contains(why.as_str()) {
                body.push_str("\n\n");
                body.push_str(why);
            }
        }
        let sources = section
            .links
            .iter()
            .map(|link| match &link.source {
                Some(source) => format!("{} ({source})", link.title),
                None => link.title.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        sqlx::query(
            "INSERT INTO search_index (rowid, heading, teaser, body, sources, issue, position)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(rowid(issue.number, section.position))
        .bind(indexed(&section.title))
        .bind(section.teaser.as_deref().map(indexed))
        .bind(indexed(&body))
        .bind(indexed(&sources))
        .bind(issue.number)
        .bind(section.position)
        .execute(&mut *conn)
        .await?;
    }
    if let Some(tale) = &issue.tale {
        sqlx::query(
            "INSERT INTO search_index (rowid, heading, teaser, body, sources, issue, position)
             VALUES (?, ?, ?, ?, ?, ?, NULL)",
        )
        .bind(rowid(issue.number, 0))
        .bind(indexed(&tale.title))
        .bind(tale.setting.as_deref().map(indexed))
        .bind(indexed(&tale.body))
        .bind(tale.inspired_by.as_deref().map(indexed))
        .bind(issue.number)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The part of a column that is indexed: its first [`MAX_INDEXED_CHARS`] characters.
fn indexed(text: &str) -> &str {
    match text.char_indices().nth(MAX_INDEXED_CHARS) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Removes an issue's rows from the index.
pub(super) async fn unindex_issue(conn: &mut SqliteConnection, number: u32) -> Result<()> {
    sqlx::query("DELETE FROM search_index WHERE rowid BETWEEN ? AND ?")
        .bind(rowid(number, 0))
        .bind(rowid(number, MAX_SECTION_POSITION))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct HitRow {
    issue: u32,
    issue_title: String,
    /// NULL for the tale.
    position: Option<u32>,
    heading: String,
    snippet: String,
    rank: f64,
}

impl HitRow {
    fn into_hit(self) -> SearchHit {
        let place = match self.position {
            Some(position) => HitPlace::Section {
                position,
                title: self.heading,
            },
            None => HitPlace::Tale {
                title: self.heading,
            },
        };
        SearchHit {
            number: self.issue,
            issue_title: self.issue_title,
            place,
            snippet: self.snippet,
            rank: self.rank,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_words_drop_syntax_and_repeats() {
        assert_eq!(
            query_words(r#"Emergence AND ("NEAR" -emergence*) GPT-3"#),
            ["emergence", "and", "near", "gpt", "3"]
        );
        assert!(query_words(r#"" * - ( ) : ^ …"#).is_empty());
    }

    #[test]
    fn query_words_are_capped() {
        let long = "word ".repeat(5000) + &"x".repeat(10_000);
        assert_eq!(query_words(&long), ["word", &"x".repeat(MAX_WORD_CHARS)]);
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(query_words(&many).len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn columns_are_indexed_up_to_a_cap_in_characters() {
        assert_eq!(indexed("short"), "short");
        let long = "é".repeat(MAX_INDEXED_CHARS + 10);
        assert_eq!(indexed(&long).chars().count(), MAX_INDEXED_CHARS);
    }

    #[test]
    fn match_expression_quotes_every_word() {
        let words = ["near".to_owned(), "or".to_owned()];
        assert_eq!(match_expression(&words, "AND"), r#""near" AND "or""#);
    }
}
