//! "Did you mean": for a word the archive never uses, the word it uses that is nearest.
//!
//! The vocabulary is the archive's words as written (migration 0009: the search index
//! itself holds stems) with the number of places that use each. Words that begin with the
//! same letter and are about as long are compared by Damerau-Levenshtein distance (a
//! swap of two letters counts one); the nearest wins, the more used on a tie.

use std::sync::Arc;

use super::recent::Words;
use super::{Result, Store};

/// Shortest word worth correcting: shorter ones have too many neighbours.
const MIN_WORD_CHARS: usize = 4;
/// A suggestion must be used in at least this many places: one-off words are often typos.
const MIN_PLACES: i64 = 2;

impl Store {
    /// Whether any place holds `word` (or a word of the same stem).
    pub async fn uses_word(&self, word: &str) -> Result<bool> {
        let found = sqlx::query_scalar!(
            "SELECT rowid FROM search_index WHERE search_index MATCH ? LIMIT 1",
            format!("\"{}\"", word.replace('"', "\"\""))
        )
        .fetch_optional(&self.pool)
        .await?;
        Ok(found.is_some())
    }

    /// The word the archive uses that is nearest to `word`; None when none is near enough
    /// (one edit per four letters, at least one).
    pub async fn nearest_word(&self, word: &str) -> Result<Option<String>> {
        let word = word.to_lowercase();
        let length = word.chars().count();
        let Some(first) = word.chars().next() else {
            return Ok(None);
        };
        if length < MIN_WORD_CHARS || !word.chars().all(char::is_alphanumeric) {
            return Ok(None);
        }
        let allowed = (length / 4).max(1);
        Ok(self
            .words_beginning_with(first)
            .await?
            .iter()
            .filter(|(known, _)| {
                *known != word && known.chars().count().abs_diff(length) <= allowed
            })
            .map(|(known, places)| {
                let distance = strsim::damerau_levenshtein(&word, known);
                (distance, std::cmp::Reverse(*places), known)
            })
            .filter(|(distance, _, _)| *distance <= allowed)
            .min()
            .map(|(_, _, known)| known.clone()))
    }

    /// The words used in [`MIN_PLACES`] places or more that begin with `letter` (typos
    /// rarely change the first letter), with their number of places. Counting places reads
    /// the index's lists of every such word, milliseconds at 10,000 issues, so each letter's
    /// words are read once per change of the archive.
    async fn words_beginning_with(&self, letter: char) -> Result<Words> {
        self.recent.notice_outside_changes().await;
        if let Some(words) = self.recent.words(letter) {
            return Ok(words);
        }
        let generation = self.recent.generation();
        let after = char::from_u32(letter as u32 + 1).unwrap_or(char::MAX);
        // Checked at run time: describing search_vocab's untyped columns crashes the macros.
        let words: Words = Arc::new(
            sqlx::query_as(
                "SELECT term, doc FROM search_vocab WHERE term >= ? AND term < ? AND doc >= ?",
            )
            .bind(letter.to_string())
            .bind(after.to_string())
            .bind(MIN_PLACES)
            .fetch_all(&self.pool)
            .await?,
        );
        self.recent
            .keep_words(generation, letter, Arc::clone(&words));
        Ok(words)
    }
}
