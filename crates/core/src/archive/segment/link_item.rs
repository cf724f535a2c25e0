//! Link items: `Read more: <title> (<source>).` and its many variants.
//!
//! Two shapes occur. With a colon, the label is what precedes it ("Read more", "Get the
//! dataset (after sharing your contact information) here") and the title follows, possibly
//! on the next line or paragraph, possibly wrapping over two. Without a colon ("Get the
//! code here (DeepMind GitHub).", "Find out more at the main site (Facebook site)."), the
//! label is the leading verb phrase and the title is the whole phrase before the source.

use super::Unit;
use crate::archive::paragraph::Line;
use crate::archive::Link;

/// Openings that make a labelled line a link item by themselves.
const STRONG_LABELS: &[&str] = &[
    "Read more",
    "Read the",
    "Read about",
    "Read it",
    "Get the",
    "Check out",
    "Find out more",
    "Bonus",
    "Download",
];

/// Openings that make a labelled line a link item only when a "(source)" or a URL follows
/// (or the title comes on the next line), and a colon-less line only when it carries a
/// URL: these words also begin ordinary sentences.
const WEAK_LABELS: &[&str] = &[
    "Read", "Get", "Find", "Request", "Try", "Watch", "Listen", "Explore", "Play", "Apply",
    "Sign up", "Access", "View",
];

const MAX_LABEL_WORDS: usize = 12;
const MAX_ITEM_CHARS: usize = 400;
const MAX_SOURCE_CHARS: usize = 80;

/// A link item being read; its title may still continue on following lines.
#[derive(Debug, Clone)]
pub struct LinkItem {
    label: String,
    /// Title and source text seen so far, with its links.
    rest: Line,
}

impl LinkItem {
    /// The link item starting on `line`, if the line is one.
    pub fn start(line: &Line) -> Option<LinkItem> {
        let text = line.text.trim_start_matches(['•', ' ']);
        let offset = line.text.len() - text.len();
        if text.chars().count() > MAX_ITEM_CHARS {
            return None;
        }
        let strong = starts_with_any(text, STRONG_LABELS);
        let weak = strong || starts_with_any(text, WEAK_LABELS);
        if !weak {
            return None;
        }
        if let Some(colon) = text.find(':') {
            let label = text[..colon].trim();
            let rest = line.tail(offset + colon + 1);
            if is_label(label) {
                let item = LinkItem {
                    label: label.to_string(),
                    rest,
                };
                let evidence = item.rest.is_blank() || item.has_source_or_url();
                if strong || evidence {
                    return Some(item);
                }
            }
        }
        let item = LinkItem {
            label: verb_phrase(text),
            rest: line.tail(offset),
        };
        // A weak verb starts many sentences: without a URL, only a "… here (Source)."
        // phrase is an item.
        let points_here = || {
            let (title, source) = split_source(&item.rest.text);
            source.is_some() && title.split_whitespace().any(|word| word == "here")
        };
        let whole = if strong {
            item.has_source_or_url()
        } else {
            !item.rest.links.is_empty() || points_here()
        };
        whole.then_some(item)
    }

    /// Whether the title is still awaited: nothing after the label yet, or a title that
    /// stops without its "(source)".
    pub fn wants_more(&self) -> bool {
        self.rest.is_blank() || !self.has_source_or_url()
    }

    /// Takes `line` as the continuation of the title, if it can be one: after a bare label
    /// any short line; after a partial title only a line that closes with a "(source)".
    pub fn continue_with(&mut self, line: &Line) -> bool {
        if line.text.chars().count() > MAX_ITEM_CHARS || LinkItem::start(line).is_some() {
            return false;
        }
        if self.rest.is_blank() {
            self.rest = line.trimmed();
            return true;
        }
        let candidate = LinkItem {
            label: self.label.clone(),
            rest: line.trimmed(),
        };
        if !candidate.has_source_or_url() {
            return false;
        }
        self.rest.append(" ", &candidate.rest);
        true
    }

    /// Whether the item has what makes it whole: a title with a "(source)" or a URL.
    pub fn is_complete(&self) -> bool {
        !self.rest.is_blank() && self.has_source_or_url()
    }

    fn has_source_or_url(&self) -> bool {
        !self.rest.links.is_empty() || split_source(&self.rest.text).1.is_some()
    }

    /// The finished link; `None` when no title ever came.
    pub fn finish(self) -> Option<Link> {
        let (title, source) = split_source(&self.rest.text);
        let url = self.rest.links.first().map(|link| link.url.clone());
        let title = if title.is_empty() {
            url.clone()?
        } else {
            title
        };
        Some(Link {
            label: self.label,
            title,
            source,
            url,
            at: None,
        })
    }
}

/// Index just past the link item that starts at `units[start]` and its continuation lines.
pub(crate) fn end_of_item(units: &[Unit], start: usize) -> usize {
    let Some(mut item) = units
        .get(start)
        .and_then(|unit| LinkItem::start(&unit.line))
    else {
        return start + 1;
    };
    let mut end = start + 1;
    while let Some(unit) = units.get(end) {
        if !(item.wants_more() && item.continue_with(&unit.line)) {
            break;
        }
        end += 1;
    }
    end
}

/// `line` split before each link item glued to the sentence before it ("…they
/// write.Read more:Title (arXiv).", "(Import AI 72). Read more: …"): a strong label right
/// after a sentence's end, that starts a link item up to the next such label.
pub fn split_glued(line: &Line) -> Vec<Line> {
    let text = &line.text;
    let mut cuts: Vec<usize> = STRONG_LABELS
        .iter()
        .flat_map(|label| text.match_indices(label).map(|(at, _)| at))
        .filter(|&at| {
            at > 0
                && text[..at]
                    .trim_end()
                    .ends_with(['.', '!', '?', ')', '”', '"'])
        })
        .collect();
    if cuts.is_empty() {
        return vec![line.clone()];
    }
    cuts.sort_unstable();
    cuts.dedup();
    // Each stretch from a label to the next is an item of its own if it reads as one, else
    // it goes on the line before. The line is cut once: slicing it at every label would
    // copy all its spans each time, quadratic in a long line of glued items.
    let mut pieces = line.split_at(&cuts).into_iter();
    let mut kept: Vec<Line> = pieces.next().into_iter().collect();
    for piece in pieces {
        match kept.last_mut() {
            Some(previous) if LinkItem::start(&piece).is_none() => previous.append("", &piece),
            _ => kept.push(piece),
        }
    }
    kept.iter()
        .map(Line::trimmed)
        .filter(|piece| !piece.is_blank())
        .collect()
}

fn starts_with_any(text: &str, openings: &[&str]) -> bool {
    openings.iter().any(|opening| {
        text.strip_prefix(opening)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', ':']))
    })
}

/// A label is a short phrase, not a sentence.
fn is_label(label: &str) -> bool {
    !label.is_empty()
        && label.split_whitespace().count() <= MAX_LABEL_WORDS
        && !label.contains(['.', '!', '?', '“', '"'])
}

/// The leading verb phrase of a colon-less item: "Get the code", "Find out more",
/// "Check out".
fn verb_phrase(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().collect();
    let take = match words.as_slice() {
        ["Find", "out", "more", ..] => 3,
        [_, "the", noun, ..] if !noun.starts_with('(') => 3,
        [_, "out", ..] | [_, "up", ..] => 2,
        _ => 1,
    };
    words[..take.min(words.len())]
        .join(" ")
        .trim_end_matches([',', ':'])
        .to_string()
}

/// Splits "Title (Source)." into the title and the source. A final parenthesis that reads
/// like a sentence ("(at a latency of 10 seconds, lol.)") is not a source.
pub fn split_source(text: &str) -> (String, Option<String>) {
    let text = text.trim();
    let body = text.strip_suffix('.').unwrap_or(text).trim_end();
    if let Some(inner_end) = body.strip_suffix(')').map(str::len) {
        if let Some(open) = matching_open_paren(body, inner_end) {
            let source = body[open + 1..inner_end].trim();
            let plausible = !source.is_empty()
                && source.chars().count() <= MAX_SOURCE_CHARS
                && !source.ends_with(['.', '!', '?'])
                && super::cues::strip_prefix_ignore_case(source, "import ai").is_none();
            if plausible {
                let title = body[..open].trim().trim_end_matches([',', ';', ':']).trim();
                return (title.to_string(), Some(source.to_string()));
            }
        }
    }
    (body.to_string(), None)
}

/// Byte offset of the '(' that matches the ')' at `close` (nested pairs allowed).
fn matching_open_paren(text: &str, close: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (index, c) in text[..close].char_indices().rev() {
        match c {
            ')' => depth += 1,
            '(' if depth == 0 => return Some(index),
            '(' => depth -= 1,
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(text: &str) -> Option<Link> {
        LinkItem::start(&Line::plain(text)).and_then(LinkItem::finish)
    }

    fn expect(label: &str, title: &str, source: Option<&str>) -> Option<Link> {
        Some(Link {
            label: label.into(),
            title: title.into(),
            source: source.map(Into::into),
            url: None,
            at: None,
        })
    }

    #[test]
    fn labelled_items() {
        assert_eq!(
            link("Read more: Acquisition of chess knowledge in AlphaZero (PNAS)."),
            expect(
                "Read more",
                "Acquisition of chess knowledge in AlphaZero",
                Some("PNAS")
            )
        );
        assert_eq!(
            link("Read more:Out of One, Many (arXiv)."),
            expect("Read more", "Out of One, Many", Some("arXiv"))
        );
        assert_eq!(
            link("Read more: Welcome to trlX (trlX) (GitHub)."),
            expect("Read more", "Welcome to trlX (trlX)", Some("GitHub"))
        );
        assert_eq!(
            link("Get the model: Laion / CLIP-ViT, (HuggingFace)."),
            expect("Get the model", "Laion / CLIP-ViT", Some("HuggingFace"))
        );
    }

    #[test]
    fn colonless_items() {
        assert_eq!(
            link("Get the code (including the better one) here (DeepMind GitHub)."),
            expect(
                "Get the code",
                "Get the code (including the better one) here",
                Some("DeepMind GitHub")
            )
        );
        assert_eq!(
            link("Find out more in this tweet thread (Ross Wightman, Twitter)."),
            expect(
                "Find out more",
                "Find out more in this tweet thread",
                Some("Ross Wightman, Twitter")
            )
        );
    }

    #[test]
    fn sentences_are_not_items() {
        assert!(link("Get this: researchers found a thing.").is_none());
        assert!(link("Researchers: (arXiv)").is_none());
        assert!(link("See, this is how it goes.").is_none());
        assert!(link("Get ready for more of this (Import AI 300).").is_none());
        assert!(link("Try it and see (arXiv).").is_none());
        assert!(link("Get ready, this is what the results look like (arXiv).").is_none());
    }

    #[test]
    fn a_weak_verb_without_url_pointing_here() {
        assert_eq!(
            link("Access the models here on HuggingFace (Emu3, HuggingFace)."),
            expect(
                "Access the models",
                "Access the models here on HuggingFace",
                Some("Emu3, HuggingFace")
            )
        );
    }

    #[test]
    fn a_title_can_follow_on_the_next_line() {
        let mut item = LinkItem::start(&Line::plain("Read more:")).unwrap();
        assert!(item.wants_more());
        assert!(item.continue_with(&Line::plain("Research: a study (GitHub).")));
        assert_eq!(
            item.finish(),
            expect("Read more", "Research: a study", Some("GitHub"))
        );
    }

    #[test]
    fn a_wrapped_title_joins_when_the_source_comes() {
        let mut item = LinkItem::start(&Line::plain("Read the Bill: MAKING AUTOMATED")).unwrap();
        assert!(!item.continue_with(&Line::plain("An ordinary sentence.")));
        assert!(item.continue_with(&Line::plain("SYSTEMS WORK (White House, PDF).")));
        assert_eq!(
            item.finish(),
            expect(
                "Read the Bill",
                "MAKING AUTOMATED SYSTEMS WORK",
                Some("White House, PDF")
            )
        );
    }

    #[test]
    fn a_sentence_in_parentheses_is_not_a_source() {
        assert_eq!(
            split_source("Pi 4 (at a latency of 10 seconds, lol.)"),
            ("Pi 4 (at a latency of 10 seconds, lol.)".into(), None)
        );
    }
}
