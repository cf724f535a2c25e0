//! The excerpt a search hit shows: the few words of a place that best show why it matched.
//!
//! FTS5's `snippet()` scores a window at every match against every other match of the row,
//! so a place holding a word hundreds of times (a page of 100,000 links, all "A paper on
//! …") took milliseconds per search, and a body of one word repeated took a tenth of a
//! second. `highlight()` only marks the matches, in one pass; the window is chosen here, in
//! one pass over the marked words, the way `snippet()` chooses it: the window holding the
//! most different terms, then the most matches, the earlier column and position on a tie,
//! with the matches centred in it.

use std::collections::HashMap;

use super::{HIGHLIGHT_END, HIGHLIGHT_START};

const ELLIPSIS: &str = "…";

/// A word of a column, and whether it holds (part of) a match.
struct Word<'a> {
    text: &'a str,
    /// The match that starts in this word, lower-cased without marks, for telling terms
    /// apart; None when no match starts here.
    starts: Option<String>,
}

/// The excerpt of at most `words` words from the place's columns as `highlight()` marked
/// them (None for an empty column): marks balanced, "…" where text was left out. A place
/// with no mark (which a match cannot give) shows its first column's opening words.
pub(super) fn excerpt(columns: &[Option<String>], words: usize) -> String {
    let words = words.max(1);
    let mut best: Option<(Score, usize, usize)> = None;
    let split: Vec<Vec<Word>> = columns
        .iter()
        .map(|text| split_words(text.as_deref().unwrap_or("")))
        .collect();
    for (column, list) in split.iter().enumerate() {
        if let Some((score, start)) = best_window(list, words) {
            if best.as_ref().is_none_or(|(known, _, _)| score > *known) {
                best = Some((score, column, start));
            }
        }
    }
    let (column, start) = match best {
        Some((_, column, start)) => (column, start),
        None => match split.iter().position(|list| !list.is_empty()) {
            Some(column) => (column, 0),
            None => return String::new(),
        },
    };
    render(&split[column], start, words)
}

/// Different terms, then matches: compared in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    terms: usize,
    matches: usize,
}

/// The column's words, each with the match that starts in it.
fn split_words(text: &str) -> Vec<Word<'_>> {
    let mut words: Vec<Word> = text
        .split_whitespace()
        .map(|text| Word { text, starts: None })
        .collect();
    // The match being read: the word it started in, and its text so far.
    let mut open: Option<(usize, String)> = None;
    for at in 0..words.len() {
        let text = words[at].text;
        for c in text.chars() {
            match c {
                HIGHLIGHT_START => open = Some((at, String::new())),
                HIGHLIGHT_END => {
                    if let Some((from, term)) = open.take() {
                        words[from].starts.get_or_insert(term);
                    }
                }
                c => {
                    if let Some((_, term)) = open.as_mut() {
                        term.extend(c.to_lowercase());
                    }
                }
            }
        }
        if let Some((_, term)) = open.as_mut() {
            term.push(' ');
        }
    }
    // A match still open where the column ends counts where it started.
    if let Some((from, term)) = open {
        words[from].starts.get_or_insert(term);
    }
    words
}

/// The best window of `size` words starting at a match, and where it starts once its
/// matches are centred; None for a column without a match.
fn best_window(words: &[Word], size: usize) -> Option<(Score, usize)> {
    let matches: Vec<(usize, &str)> = words
        .iter()
        .enumerate()
        .filter_map(|(at, word)| word.starts.as_deref().map(|term| (at, term)))
        .collect();
    let mut counts: HashMap<&str, usize> = HashMap::new();
    let mut end = 0;
    let mut best: Option<(Score, usize, usize)> = None;
    for (first, &(at, term)) in matches.iter().enumerate() {
        while end < matches.len() && matches[end].0 < at + size {
            *counts.entry(matches[end].1).or_default() += 1;
            end += 1;
        }
        let score = Score {
            terms: counts.len(),
            matches: end - first,
        };
        if best.as_ref().is_none_or(|(known, _, _)| score > *known) {
            best = Some((score, at, matches[end - 1].0));
        }
        if let Some(count) = counts.get_mut(term) {
            *count -= 1;
            if *count == 0 {
                counts.remove(term);
            }
        }
    }
    let (score, first, last) = best?;
    // Centre the matches, without running past either end of the column.
    let spare = size.saturating_sub(last - first + 1);
    let start = first
        .saturating_sub(spare / 2)
        .min(words.len().saturating_sub(size));
    Some((score, start))
}

/// Words `start..start + size` joined by spaces, marks balanced at the cuts.
fn render(words: &[Word], start: usize, size: usize) -> String {
    let end = (start + size).min(words.len());
    let open_before = words[..start]
        .iter()
        .flat_map(|word| word.text.chars())
        .fold(false, |open, c| match c {
            HIGHLIGHT_START => true,
            HIGHLIGHT_END => false,
            _ => open,
        });
    let mut out = String::new();
    if start > 0 {
        out.push_str(ELLIPSIS);
    }
    if open_before {
        out.push(HIGHLIGHT_START);
    }
    let mut open = open_before;
    for (i, word) in words[start..end].iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word.text);
        for c in word.text.chars() {
            match c {
                HIGHLIGHT_START => open = true,
                HIGHLIGHT_END => open = false,
                _ => {}
            }
        }
    }
    if open {
        out.push(HIGHLIGHT_END);
    }
    if end < words.len() {
        out.push_str(ELLIPSIS);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `[chess]` stands for a marked match.
    fn marked(text: &str) -> Option<String> {
        Some(
            text.replace('[', &HIGHLIGHT_START.to_string())
                .replace(']', &HIGHLIGHT_END.to_string()),
        )
    }

    fn shown(excerpt: &str) -> String {
        excerpt
            .replace(HIGHLIGHT_START, "[")
            .replace(HIGHLIGHT_END, "]")
    }

    #[test]
    fn a_short_column_shows_whole() {
        let columns = [marked("Robots play [chess]"), None, marked("A body."), None];
        assert_eq!(shown(&excerpt(&columns, 24)), "Robots play [chess]");
    }

    #[test]
    fn the_window_with_more_terms_wins_over_more_matches_of_one() {
        let body = "[chess] [chess] [chess] filler filler filler filler filler filler \
                    [chess] and [robots] end";
        let columns = [None, None, marked(body), None];
        assert_eq!(shown(&excerpt(&columns, 4)), "…[chess] and [robots] end");
    }

    #[test]
    fn matches_are_centred_and_cuts_are_marked() {
        let body = (0..50)
            .map(|i| {
                if i == 25 {
                    "[paper]".to_owned()
                } else {
                    format!("w{i}")
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        let excerpt = shown(&excerpt(&[None, None, marked(&body), None], 5));
        assert_eq!(excerpt, "…w23 w24 [paper] w26 w27…");
    }

    #[test]
    fn a_phrase_cut_by_the_window_keeps_its_marks_balanced() {
        let body = "one two three four [stable diffusion models are] here";
        let excerpt = excerpt(&[None, None, marked(body), None], 2);
        assert_eq!(
            excerpt.matches(HIGHLIGHT_START).count(),
            excerpt.matches(HIGHLIGHT_END).count(),
            "{excerpt:?}"
        );
        assert!(
            shown(&excerpt).starts_with("…[stable"),
            "{}",
            shown(&excerpt)
        );
    }

    #[test]
    fn multibyte_words_are_never_split() {
        let body = "漢字 🦀🦀 [naïve] “quotes” é";
        let excerpt = shown(&excerpt(&[None, None, marked(body), None], 3));
        assert_eq!(excerpt, "…🦀🦀 [naïve] “quotes”…");
    }

    #[test]
    fn ties_go_to_the_earlier_column_and_no_mark_shows_the_opening() {
        let columns = [
            marked("[Chess] heading"),
            None,
            marked("a [chess] body"),
            None,
        ];
        assert_eq!(shown(&excerpt(&columns, 24)), "[Chess] heading");
        let unmarked = [
            Some("Heading".to_owned()),
            None,
            Some("Body".to_owned()),
            None,
        ];
        assert_eq!(excerpt(&unmarked, 24), "Heading");
        assert_eq!(excerpt(&[None, None], 24), "");
    }

    #[test]
    fn a_column_of_one_word_repeated_shows_its_opening_words() {
        let body = "[paper] ".repeat(100_000);
        let columns = [None, None, marked(&body), None];
        let excerpt = shown(&excerpt(&columns, 24));
        assert!(excerpt.starts_with("[paper] [paper]"), "{excerpt}");
        assert_eq!(excerpt.matches("[paper]").count(), 24);
    }
}
