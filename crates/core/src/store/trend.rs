//! Counts for `/trend`: per issue, how many sections mention a term and how many sections
//! there are. Terms are matched by the search index, with the same tokenizer and stemming
//! as `/search`; tales are not sections and are not counted.

use chrono::NaiveDate;

use super::search::ROWIDS_PER_ISSUE;
use super::{Result, Store};

/// One issue's counts for a trend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssueCounts {
    pub number: u32,
    pub published: Option<NaiveDate>,
    /// Sections of the issue.
    pub sections: u32,
    /// Sections mentioning each term, in the order of the terms.
    pub mentioning: Vec<u32>,
}

impl Store {
    /// Every issue, oldest first, with its section count and, for each term, the number of
    /// its sections that mention the term (all its words, as a phrase).
    pub async fn trend_counts(&self, terms: &[String]) -> Result<Vec<IssueCounts>> {
        let rows = sqlx::query!(
            r#"SELECT issues.number AS "number!: u32", issues.published,
                 count(sections.position) AS "sections!: u32"
             FROM issues LEFT JOIN sections ON sections.issue = issues.number
             GROUP BY issues.number ORDER BY issues.number"#
        )
        .fetch_all(&self.pool)
        .await?;
        let mut counts: Vec<IssueCounts> = rows
            .into_iter()
            .map(|row| IssueCounts {
                number: row.number,
                published: row
                    .published
                    .and_then(|day| NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok()),
                sections: row.sections,
                mentioning: vec![0; terms.len()],
            })
            .collect();
        for (at, term) in terms.iter().enumerate() {
            let Some(phrase) = phrase_expression(term) else {
                continue;
            };
            // The issue and position come from the rowid (see `search`), so only the index's
            // doclists are read, never the rows' stored columns; position 0 is the tale.
            let per_issue = sqlx::query!(
                r#"SELECT rowid / ?2 AS "number!: u32", count(*) AS "mentioning!: u32"
                 FROM search_index
                 WHERE search_index MATCH ?1 AND rowid % ?2 <> 0 GROUP BY 1"#,
                phrase,
                ROWIDS_PER_ISSUE
            )
            .fetch_all(&self.pool)
            .await?;
            for row in per_issue {
                if let Ok(i) = counts.binary_search_by_key(&row.number, |c| c.number) {
                    counts[i].mentioning[at] = row.mentioning;
                }
            }
        }
        Ok(counts)
    }

    /// The word the archive uses that is closest to `term` (a single word: see
    /// [`Store::nearest_word`]); None for phrases or when nothing is close.
    pub async fn closest_word(&self, term: &str) -> Result<Option<String>> {
        let words = term_words(term);
        let [word] = words.as_slice() else {
            return Ok(None);
        };
        self.nearest_word(word).await
    }
}

/// A term's lower-cased words, as search reads a query's.
pub fn term_words(term: &str) -> Vec<String> {
    super::search::words_of(term)
}

/// The term as one FTS5 phrase (`"large language models"`); only alphanumeric words go in,
/// so the reader's text is never syntax. None for a term with no words.
fn phrase_expression(term: &str) -> Option<String> {
    let words = term_words(term);
    (!words.is_empty()).then(|| format!("\"{}\"", words.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_term_becomes_one_phrase_of_its_words() {
        assert_eq!(
            phrase_expression("Large-Language \"models\" NEAR(*)").as_deref(),
            Some("\"large language models near\"")
        );
        assert_eq!(phrase_expression(" \" * - "), None);
    }
}
