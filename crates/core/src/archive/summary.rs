//! A section's summary: the opening sentences of its body, short enough for a list.

/// Upper bound of a summary, in chars.
pub const MAX_SUMMARY_CHARS: usize = 300;

/// The body's opening sentences, at most [`MAX_SUMMARY_CHARS`] chars, ending at a sentence
/// boundary. When even the first sentence is longer, it is cut at a word boundary and
/// ends with '…'. Line and paragraph breaks become spaces.
pub fn summarize(body: &str) -> String {
    let (text, complete) = opening_words(body, MAX_SUMMARY_CHARS + 2);
    if complete && text.chars().count() <= MAX_SUMMARY_CHARS {
        return text;
    }
    match last_sentence_end_within(&text, MAX_SUMMARY_CHARS) {
        Some(end) => text[..end].to_string(),
        None => cut_at_word(&text, MAX_SUMMARY_CHARS - 1) + "…",
    }
}

/// The body's words joined by single spaces, stopping once `limit` chars are reached
/// (a summary never looks further); `true` when that is the whole body.
fn opening_words(body: &str, limit: usize) -> (String, bool) {
    let mut text = String::new();
    let mut chars = 0;
    for word in body.split_whitespace() {
        if chars >= limit {
            return (text, false);
        }
        if !text.is_empty() {
            text.push(' ');
            chars += 1;
        }
        text.push_str(word);
        chars += word.chars().count();
    }
    (text, true)
}

/// Byte offset just past the last sentence that ends within `limit` chars.
fn last_sentence_end_within(text: &str, limit: usize) -> Option<usize> {
    // A boundary is decided by at most two chars past the limit; bodies can be long.
    let chars: Vec<(usize, char)> = text.char_indices().take(limit + 2).collect();
    let mut best = None;
    for (count, &(_, c)) in chars.iter().enumerate().take(limit) {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Closing quotes and brackets belong to the sentence they close.
        let mut end = count + 1;
        while end < chars.len() && end < limit && is_closer(chars[end].1) {
            end += 1;
        }
        let at_end = end == chars.len();
        let followed_by_space = chars.get(end).is_some_and(|&(_, c)| c == ' ');
        let next_word_lower = chars.get(end + 1).is_some_and(|&(_, c)| c.is_lowercase());
        if at_end || (followed_by_space && !next_word_lower) {
            best = Some(chars.get(end).map_or(text.len(), |&(offset, _)| offset));
        }
    }
    best
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']')
}

/// At most `limit` chars of `text`, ending before a space (never inside a word unless the
/// first word alone is longer), without trailing punctuation that would dangle.
fn cut_at_word(text: &str, limit: usize) -> String {
    let end = text
        .char_indices()
        .nth(limit)
        .map_or(text.len(), |(offset, _)| offset);
    let head = &text[..end];
    let at_word_end = text[end..].is_empty() || text[end..].starts_with(' ');
    let cut = match head.rfind(' ') {
        _ if at_word_end => head,
        Some(space) if space > 0 => &head[..space],
        _ => head,
    };
    cut.trim_end_matches([',', ';', ':', '–', '—', '-', ' '])
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_bodies_are_their_own_summary() {
        assert_eq!(summarize("One.\n\nTwo\nthree."), "One. Two three.");
    }

    #[test]
    fn takes_whole_sentences_up_to_the_limit() {
        let sentence = "This is a sentence of exactly fifty characters ok. ";
        let body = sentence.repeat(10);
        let summary = summarize(&body);
        // Five sentences are 254 chars; a sixth would pass the limit.
        assert_eq!(summary, sentence.repeat(5).trim_end());
        assert!(summary.chars().count() <= MAX_SUMMARY_CHARS);
    }

    #[test]
    fn does_not_stop_at_abbreviations_before_lowercase() {
        let body = format!("It uses e.g. models. {}", "Word ".repeat(80));
        assert_eq!(summarize(&body), "It uses e.g. models.");
    }

    #[test]
    fn a_long_first_sentence_is_cut_at_a_word_with_an_ellipsis() {
        let body = format!("{}end.", "wörd ".repeat(100));
        let summary = summarize(&body);
        assert!(summary.ends_with("wörd…"), "{summary}");
        assert!(summary.chars().count() <= MAX_SUMMARY_CHARS);
    }

    #[test]
    fn closing_quotes_stay_with_their_sentence() {
        let body = format!("“It works,” they said. “Really.” {}", "Word ".repeat(80));
        assert_eq!(summarize(&body), "“It works,” they said. “Really.”");
    }

    #[test]
    fn one_huge_word_is_cut_by_chars() {
        let summary = summarize(&"é".repeat(1000));
        assert_eq!(summary.chars().count(), MAX_SUMMARY_CHARS);
        assert!(summary.ends_with('…'));
    }
}
