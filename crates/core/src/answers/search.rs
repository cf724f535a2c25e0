//! `/search query`: ranked results over sections and tales, with highlighted snippets.

use super::reply::{Card, Control, Field, MenuId, MenuOption, Reply, Tone};
use super::target::Target;
use super::text::{count, escape_markdown};
use super::AnswerError;
use crate::store::{HitPlace, SearchHit, Store, HIGHLIGHT_END, HIGHLIGHT_START};

/// Longest query accepted: a sentence is plenty to find a section.
pub const QUERY_MAX_CHARS: usize = 300;
/// Results shown: one field each, with room for their snippets in one message.
pub const RESULTS: u32 = 10;

pub async fn search(store: &Store, query: &str) -> Result<Reply, AnswerError> {
    let query = query.trim();
    if query.chars().count() > QUERY_MAX_CHARS {
        return Err(AnswerError::SearchTooLong {
            max: QUERY_MAX_CHARS,
        });
    }
    if !query.chars().any(char::is_alphanumeric) {
        return Err(AnswerError::EmptySearch);
    }
    let hits = store.search(query, RESULTS).await?;
    Ok(render(query, &hits))
}

fn render(query: &str, hits: &[SearchHit]) -> Reply {
    let shown_query = escape_markdown(query);
    if hits.is_empty() {
        return Reply::card(Card {
            title: format!("No results for “{query}”"),
            description: format!(
                "Nothing in the archive matches **{shown_query}**. Try fewer words, another \
                 spelling, or a broader topic such as `language models` or `robots`."
            ),
            tone: Tone::Notice,
            ..Card::default()
        });
    }
    let fields = hits
        .iter()
        .map(|hit| Field::new(place_name(hit), highlight(&hit.snippet)))
        .collect();
    let options = hits
        .iter()
        .map(|hit| MenuOption {
            label: place_name(hit),
            description: Some(format!("Import AI {}: {}", hit.number, hit.issue_title)),
            target: target(hit),
        })
        .collect();
    Reply {
        cards: vec![Card {
            title: format!("Search: {query}"),
            description: format!(
                "The {} best matching **{shown_query}**, best first.",
                count(hits.len(), "result")
            ),
            fields,
            footer: Some("Open a result with the menu below.".into()),
            ..Card::default()
        }],
        controls: vec![Control::Menu {
            id: MenuId::Results,
            placeholder: "Open a result".into(),
            options,
        }],
        ..Reply::default()
    }
}

fn place_name(hit: &SearchHit) -> String {
    match &hit.place {
        HitPlace::Section { position, title } => {
            format!("Import AI {} · {position}. {title}", hit.number)
        }
        HitPlace::Tale { title } => format!("Import AI {} · Tech Tale: {title}", hit.number),
    }
}

fn target(hit: &SearchHit) -> Target {
    match hit.place {
        HitPlace::Section { position, .. } => Target::Section {
            issue: hit.number,
            position,
        },
        HitPlace::Tale { .. } => Target::Tale {
            issue: hit.number,
            page: 1,
        },
    }
}

/// The snippet as Markdown: matched words in bold, the rest escaped.
fn highlight(snippet: &str) -> String {
    let mut out = String::new();
    for (i, part) in snippet.split([HIGHLIGHT_START, HIGHLIGHT_END]).enumerate() {
        let part = escape_markdown(part);
        if i % 2 == 1 && !part.trim().is_empty() {
            out.push_str(&format!("**{part}**"));
        } else {
            out.push_str(&part);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_become_bold_and_the_rest_is_escaped() {
        let snippet = format!("a *star* {HIGHLIGHT_START}chess{HIGHLIGHT_END} game");
        assert_eq!(highlight(&snippet), "a \\*star\\* **chess** game");
    }
}
