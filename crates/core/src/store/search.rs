//! Full-text search over section headings, teasers, bodies and link titles, and over tales.
//!
//! The reader's text is only ever words and phrases: a run of words in double quotes is a
//! phrase, every other alphanumeric run a word, and the last word (when the query ends in
//! it) also matches as the start of a longer one. Each is quoted as an FTS5 string, so
//! `AND (`, `*`, `NEAR` or `-` can never be syntax.

use sqlx::{AssertSqlSafe, SqliteConnection};

use super::excerpt::excerpt;
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
/// Words of a place a hit shows (see `excerpt`).
const EXCERPT_WORDS: usize = 24;
/// Characters of each column of a place that are indexed. Real sections are a few
/// thousand; a hostile page can hold megabytes in one section, and a hit's excerpt is made
/// from its whole columns, so without a cap one such place would slow every search that
/// matches it. 16,384
/// holds the longest place of the bundled archive whole (a chunk of about 14,500). Migration 0006
/// cuts rows indexed before the same way.
const MAX_INDEXED_CHARS: usize = 16_384;

impl Store {
    /// Ranked hits in sections and tales, best first, at most `limit`: first the places
    /// that hold every word and phrase, then, if there is room, those that hold some. A
    /// query with no words returns nothing.
    pub async fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>> {
        self.search_years(query, limit, Years::default()).await
    }

    /// [`Store::search`] among the issues published in `years` (an issue without a date
    /// is in no year, so a bounded range leaves it out).
    pub async fn search_years(
        &self,
        query: &str,
        limit: u32,
        years: Years,
    ) -> Result<Vec<SearchHit>> {
        let terms = query_terms(query);
        if terms.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let mut hits = self
            .ranked_hits(&match_expression(&terms, "AND"), limit, true, years)
            .await?;
        let room = limit.saturating_sub(hits.len() as u32);
        if room > 0 && terms.len() > 1 {
            let some = self
                .ranked_hits(&match_expression(&terms, "OR"), limit, false, years)
                .await?;
            let shown = |hit: &SearchHit| {
                hits.iter()
                    .any(|h| h.number == hit.number && h.place == hit.place)
            };
            let more: Vec<SearchHit> = some
                .into_iter()
                .filter(|hit| !shown(hit))
                .take(room as usize)
                .collect();
            hits.extend(more);
        }
        Ok(hits)
    }

    async fn ranked_hits(
        &self,
        expression: &str,
        limit: u32,
        every_term: bool,
        years: Years,
    ) -> Result<Vec<SearchHit>> {
        let (from, until) = years.dates();
        // Finding matches in rowid order is cheap, scoring them is not: find the oldest
        // place among the newest MAX_RANKED_PLACES matches, and rank from there on.
        // LIMIT and OFFSET are written into the SQL, not bound: SQLite plans with a bound
        // limit's value, so it would prepare the statement anew on every run. They are our
        // own integers, never the reader's text.
        // Checked at run time: the query macros need literal SQL, and the offset is written in.
        let oldest_ranked: Option<i64> = sqlx::query_scalar(AssertSqlSafe(format!(
            "SELECT rowid FROM search_index WHERE search_index MATCH ?1 AND {IN_YEARS}
             ORDER BY rowid DESC LIMIT 1 OFFSET {}",
            MAX_RANKED_PLACES - 1
        )))
        .bind(expression)
        .bind(&from)
        .bind(&until)
        .fetch_optional(&self.pool)
        .await?;
        // `rank` is bm25 with the column weights set in the migration. Ranking and the
        // limit happen inside FTS5 before the join, so matches are marked only for hits.
        // Each column comes back with its matches marked (`highlight()`, one pass), and the
        // excerpt is chosen from them (see `excerpt`: `snippet()` costs the square of the
        // matches in a place).
        // Checked at run time: the query macros need literal SQL, and the limit is written in.
        let rows: Vec<HitRow> = sqlx::query_as(AssertSqlSafe(format!(
            "SELECT hit.issue, issues.title AS issue_title, issues.published, hit.position,
                    hit.heading, hit.marked_heading, hit.marked_teaser, hit.marked_body,
                    hit.marked_sources, hit.rank
             FROM (SELECT issue, position, heading, rank,
                          highlight(search_index, 0, ?2, ?3) AS marked_heading,
                          highlight(search_index, 1, ?2, ?3) AS marked_teaser,
                          highlight(search_index, 2, ?2, ?3) AS marked_body,
                          highlight(search_index, 3, ?2, ?3) AS marked_sources
                   FROM search_index WHERE search_index MATCH ?1 AND rowid >= ?4
                        AND {IN_YEARS_LATER}
                   ORDER BY rank LIMIT {limit}) AS hit
             JOIN issues ON issues.number = hit.issue
             ORDER BY hit.rank"
        )))
        .bind(expression)
        .bind(HIGHLIGHT_START.to_string())
        .bind(HIGHLIGHT_END.to_string())
        .bind(oldest_ranked.unwrap_or(0))
        .bind(&from)
        .bind(&until)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|row| row.into_hit(every_term))
            .collect())
    }
}

/// Published in these years, both included; unbounded where None.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Years {
    pub from: Option<i32>,
    pub to: Option<i32>,
}

impl Years {
    /// The first day in range and the first day after it, as stored (`YYYY-MM-DD`); None
    /// where unbounded.
    fn dates(self) -> (Option<String>, Option<String>) {
        (
            self.from.map(|year| format!("{year:04}-01-01")),
            self.to
                .map(|year| format!("{:04}-01-01", year.saturating_add(1))),
        )
    }
}

/// Only places of issues published within bound dates (parameters 2 and 3 of the first
/// query, 5 and 6 of the second); with neither bound, every place.
const IN_YEARS: &str = "((?2 IS NULL AND ?3 IS NULL) OR issue IN (SELECT number FROM issues
    WHERE published >= coalesce(?2, '') AND published < coalesce(?3, '9999')))";
const IN_YEARS_LATER: &str = "((?5 IS NULL AND ?6 IS NULL) OR issue IN (SELECT number FROM issues
    WHERE published >= coalesce(?5, '') AND published < coalesce(?6, '9999')))";

/// What a query asks for: words, phrases, and a word that may begin a longer one.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Word(String),
    /// The query's last word, typed up to here: it matches itself and longer words.
    Prefix(String),
    Phrase(Vec<String>),
}

/// Shortest last word that also matches as a prefix: shorter ones match half the archive.
const MIN_PREFIX_CHARS: usize = 3;

/// The distinct terms of a query, in order, capped in number and word length: runs of
/// words between double quotes are phrases (an unclosed quote runs to the end), other
/// words stand alone, and the last word is a prefix when the query ends in it.
fn query_terms(query: &str) -> Vec<Term> {
    let mut terms: Vec<Term> = Vec::new();
    let mut words_used = 0;
    let ends_in_word = query.chars().last().is_some_and(char::is_alphanumeric);
    let parts: Vec<&str> = query.split('"').collect();
    let last_part = parts.len() - 1;
    for (i, part) in parts.iter().enumerate() {
        let quoted = i % 2 == 1;
        let words = words_of(part);
        if words.is_empty() {
            continue;
        }
        let mut add = |term: Term, words_used: &mut usize| {
            if *words_used < MAX_QUERY_WORDS && !terms.contains(&term) {
                *words_used += match &term {
                    Term::Phrase(words) => words.len(),
                    _ => 1,
                };
                terms.push(term);
            }
        };
        if quoted && words.len() > 1 {
            add(Term::Phrase(words), &mut words_used);
            continue;
        }
        let count = words.len();
        for (j, word) in words.into_iter().enumerate() {
            let last = !quoted && i == last_part && j + 1 == count && ends_in_word;
            let term = if last && word.chars().count() >= MIN_PREFIX_CHARS {
                Term::Prefix(word)
            } else {
                Term::Word(word)
            };
            add(term, &mut words_used);
        }
    }
    terms
}

/// The lower-cased alphanumeric runs of `text`, each cut to [`MAX_WORD_CHARS`] (the
/// answers cap a query's length, so the runs are few): the words search and trends match.
pub fn words_of(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(|word| {
            word.chars()
                .take(MAX_WORD_CHARS)
                .collect::<String>()
                .to_lowercase()
        })
        .collect()
}

/// `"w1" AND "w2 w3" AND "w4" *`: each term an FTS5 string (a `"` inside is doubled, as
/// FTS5 wants), a phrase as one string, a prefix with FTS5's `*`.
fn match_expression(terms: &[Term], operator: &str) -> String {
    let quote = |text: &str| format!("\"{}\"", text.replace('"', "\"\""));
    terms
        .iter()
        .map(|term| match term {
            Term::Word(word) => quote(word),
            Term::Prefix(word) => format!("{} *", quote(word)),
            Term::Phrase(words) => quote(&words.join(" ")),
        })
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
        // Link items' titles and sources; links in the text are words of the body already.
        let sources = section
            .links
            .iter()
            .filter(|link| !link.is_inline())
            .map(|link| match &link.source {
                Some(source) => format!("{} ({source})", link.title),
                None => link.title.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let place = Place {
            rowid: rowid(issue.number, section.position),
            heading: &section.title,
            teaser: section.teaser.as_deref(),
            body: &body,
            sources: Some(&sources),
            issue: issue.number,
            position: Some(section.position),
        };
        place.insert(conn).await?;
    }
    if let Some(tale) = &issue.tale {
        let place = Place {
            rowid: rowid(issue.number, 0),
            heading: &tale.title,
            teaser: tale.setting.as_deref(),
            body: &tale.body,
            sources: tale.inspired_by.as_deref(),
            issue: issue.number,
            position: None,
        };
        place.insert(conn).await?;
    }
    Ok(())
}

/// One section or tale as the index holds it (the tale at position NULL).
struct Place<'a> {
    rowid: i64,
    heading: &'a str,
    teaser: Option<&'a str>,
    body: &'a str,
    sources: Option<&'a str>,
    issue: u32,
    position: Option<u32>,
}

impl Place<'_> {
    /// Into the search index, and its words into the vocabulary.
    async fn insert(&self, conn: &mut SqliteConnection) -> Result<()> {
        let (heading, teaser, body, sources) = (
            indexed(self.heading),
            self.teaser.map(indexed),
            indexed(self.body),
            self.sources.map(indexed),
        );
        sqlx::query!(
            "INSERT INTO search_index (rowid, heading, teaser, body, sources, issue, position)
             VALUES (?, ?, ?, ?, ?, ?, ?)",
            self.rowid,
            heading,
            teaser,
            body,
            sources,
            self.issue,
            self.position,
        )
        .execute(&mut *conn)
        .await?;
        sqlx::query!(
            "INSERT INTO search_words (rowid, heading, teaser, body, sources)
             VALUES (?, ?, ?, ?, ?)",
            self.rowid,
            heading,
            teaser,
            body,
            sources,
        )
        .execute(&mut *conn)
        .await?;
        Ok(())
    }
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
    let (first, last) = (rowid(number, 0), rowid(number, MAX_SECTION_POSITION));
    sqlx::query!(
        "DELETE FROM search_index WHERE rowid BETWEEN ? AND ?",
        first,
        last
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query!(
        "DELETE FROM search_words WHERE rowid BETWEEN ? AND ?",
        first,
        last
    )
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct HitRow {
    issue: u32,
    issue_title: String,
    published: Option<String>,
    /// NULL for the tale.
    position: Option<u32>,
    heading: String,
    marked_heading: Option<String>,
    marked_teaser: Option<String>,
    marked_body: Option<String>,
    marked_sources: Option<String>,
    rank: f64,
}

impl HitRow {
    fn into_hit(self, every_term: bool) -> SearchHit {
        let snippet = excerpt(
            &[
                self.marked_heading,
                self.marked_teaser,
                self.marked_body,
                self.marked_sources,
            ],
            EXCERPT_WORDS,
        );
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
            published: self
                .published
                .and_then(|date| chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").ok()),
            every_term,
            place,
            snippet,
            rank: self.rank,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(terms: &[Term]) -> Vec<String> {
        terms
            .iter()
            .map(|t| match t {
                Term::Word(w) => w.clone(),
                Term::Prefix(w) => format!("{w}*"),
                Term::Phrase(ws) => format!("\"{}\"", ws.join(" ")),
            })
            .collect()
    }

    #[test]
    fn query_terms_drop_syntax_and_repeats() {
        assert_eq!(
            words(&query_terms(r#"Emergence AND (NEAR -emergence*) GPT-3 "#)),
            ["emergence", "and", "near", "gpt", "3"]
        );
        assert!(query_terms(r#"" * - ( ) : ^ …"#).is_empty());
    }

    #[test]
    fn quotes_make_phrases_and_the_last_word_is_a_prefix() {
        assert_eq!(
            words(&query_terms(r#""stable diffusion" models"#)),
            ["\"stable diffusion\"", "models*"]
        );
        assert_eq!(
            words(&query_terms(r#"robots "language models"#)),
            ["robots", "\"language models\""]
        );
        // A one-word phrase is a word; a short last word is only itself.
        assert_eq!(words(&query_terms(r#""chess" ai"#)), ["chess", "ai"]);
        assert_eq!(
            match_expression(&query_terms(r#""stable diffusion" mod"#), "AND"),
            r#""stable diffusion" AND "mod" *"#
        );
    }

    #[test]
    fn query_terms_are_capped() {
        let long = "word ".repeat(5000) + &"x".repeat(10_000);
        assert_eq!(
            words(&query_terms(&long)),
            ["word", &format!("{}*", "x".repeat(MAX_WORD_CHARS))]
        );
        let many: String = (0..100).map(|i| format!("w{i} ")).collect();
        assert_eq!(query_terms(&many).len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn columns_are_indexed_up_to_a_cap_in_characters() {
        assert_eq!(indexed("short"), "short");
        let long = "é".repeat(MAX_INDEXED_CHARS + 10);
        assert_eq!(indexed(&long).chars().count(), MAX_INDEXED_CHARS);
    }

    #[test]
    fn match_expression_quotes_every_word() {
        let terms = [Term::Word("near".to_owned()), Term::Word("o\"r".to_owned())];
        assert_eq!(match_expression(&terms, "AND"), r#""near" AND "o""r""#);
    }
}
