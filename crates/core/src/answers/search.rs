//! `/search query`: ranked results over sections and tales, with highlighted snippets.

use super::reply::{Card, Control, Field, MenuId, MenuOption, Reply, Tone};
use super::target::{SearchText, Target};
use super::text::{count, escape_markdown};
use super::AnswerError;
use crate::store::{HitPlace, SearchHit, Store, Years, HIGHLIGHT_END, HIGHLIGHT_START};

/// Longest query accepted: a sentence is plenty to find a section.
pub const QUERY_MAX_CHARS: usize = 300;
/// Results shown: one field each, with room for their snippets in one message.
pub const RESULTS: u32 = 10;

/// A search as a reader asks it: words, and the years to look in.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SearchAsk {
    pub text: String,
    pub years: Years,
}

impl From<String> for SearchAsk {
    fn from(text: String) -> Self {
        Self {
            text,
            years: Years::default(),
        }
    }
}

impl From<&str> for SearchAsk {
    fn from(text: &str) -> Self {
        text.to_owned().into()
    }
}

pub async fn search(store: &Store, asked: &SearchAsk) -> Result<Reply, AnswerError> {
    let query = asked.text.trim();
    let years = asked.years;
    if let (Some(from), Some(to)) = (years.from, years.to) {
        if from > to {
            return Err(AnswerError::YearsReversed { from, to });
        }
    }
    if query.chars().count() > QUERY_MAX_CHARS {
        return Err(AnswerError::SearchTooLong {
            max: QUERY_MAX_CHARS,
        });
    }
    if !query.chars().any(char::is_alphanumeric) {
        return Err(AnswerError::EmptySearch {
            typed: query.to_owned(),
        });
    }
    let hits = store.search_years(query, RESULTS, years).await?;
    if hits.is_empty() {
        if years != Years::default() && !store.search(query, 1).await?.is_empty() {
            return Ok(none_in_years(query, years));
        }
        // Without quotes, a search that found nothing even among places holding some of
        // its words uses none of them: each is worth correcting.
        let checked = query.contains('"');
        let suggestion = corrected(store, query, checked).await?;
        return Ok(no_results(query, suggestion.as_deref()));
    }
    Ok(render(query, &hits))
}

/// `query` with each word the archive never uses replaced by the nearest word it does use;
/// None when no word could be corrected.
async fn corrected(
    store: &Store,
    query: &str,
    check_use: bool,
) -> Result<Option<String>, AnswerError> {
    let mut out = String::new();
    let mut changed = false;
    let mut rest = query;
    while let Some(start) = rest.find(char::is_alphanumeric) {
        out.push_str(&rest[..start]);
        let word_len = rest[start..]
            .find(|c: char| !c.is_alphanumeric())
            .unwrap_or(rest.len() - start);
        let word = &rest[start..start + word_len];
        match check_use && store.uses_word(word).await? {
            true => out.push_str(word),
            false => match store.nearest_word(word).await? {
                Some(nearest) => {
                    out.push_str(&nearest);
                    changed = true;
                }
                None => out.push_str(word),
            },
        }
        rest = &rest[start + word_len..];
    }
    out.push_str(rest);
    Ok(changed.then_some(out))
}

/// "from 2019 to 2021", "from 2019 on", "up to 2021".
fn years_phrase(years: Years) -> String {
    match (years.from, years.to) {
        (Some(from), Some(to)) if from == to => format!("in {from}"),
        (Some(from), Some(to)) => format!("from {from} to {to}"),
        (Some(from), None) => format!("from {from} on"),
        (None, Some(to)) => format!("up to {to}"),
        (None, None) => "in any year".to_owned(),
    }
}

fn none_in_years(query: &str, years: Years) -> Reply {
    Reply::notice(
        format!("No results for “{query}” {}", years_phrase(years)),
        format!(
            "The archive holds **{}** only outside those years, or in issues without a \
             date. Search without `from` and `to` to see where.",
            escape_markdown(query)
        ),
    )
}

fn no_results(query: &str, suggestion: Option<&str>) -> Reply {
    let shown_query = escape_markdown(query);
    let (description, controls) = match suggestion.map(|s| (s, SearchText::new(s))) {
        Some((suggested, Some(text))) => (
            format!(
                "No results for **{shown_query}**. Did you mean **{}**?",
                escape_markdown(suggested)
            ),
            vec![Control::button(
                format!("Search {suggested}"),
                Target::Search(text),
            )],
        ),
        Some((suggested, None)) => (
            format!(
                "No results for **{shown_query}**. Did you mean **{}**?",
                escape_markdown(suggested)
            ),
            Vec::new(),
        ),
        None => (
            format!(
                "Nothing in the archive matches **{shown_query}**. Try fewer words, another \
                 spelling, or a broader topic such as `language models` or `robots`."
            ),
            Vec::new(),
        ),
    };
    Reply {
        cards: vec![Card {
            title: format!("No results for “{query}”"),
            description,
            tone: Tone::Notice,
            ..Card::default()
        }],
        controls,
        ..Reply::default()
    }
}

fn render(query: &str, hits: &[SearchHit]) -> Reply {
    let shown_query = escape_markdown(query);
    let every = hits.iter().filter(|hit| hit.every_term).count();
    let mut fields: Vec<Field> = Vec::new();
    for (i, hit) in hits.iter().enumerate() {
        if i == every {
            fields.push(Field::new(
                "Matching only some of the words",
                format!("The places below hold some of **{shown_query}**, not all."),
            ));
        }
        fields.push(Field::new(place_name(hit), highlight(&hit.snippet)));
    }
    let summary = match (every, hits.len() - every) {
        (n, 0) => format!(
            "The {} best matching **{shown_query}**, best first.",
            count(n, "result")
        ),
        (0, some) => format!(
            "Nothing holds all of **{shown_query}**; {} holding some of it, best first.",
            count(some, "result")
        ),
        (n, some) => format!(
            "The {} holding all of **{shown_query}**, best first; then {} holding some of it.",
            count(n, "result"),
            some
        ),
    };
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
            description: summary,
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
    let issue = match hit.published {
        Some(date) => format!("Import AI {} ({})", hit.number, date.format("%-d %b %Y")),
        None => format!("Import AI {}", hit.number),
    };
    match &hit.place {
        HitPlace::Section { position, title } => format!("{issue} · {position}. {title}"),
        HitPlace::Tale { title } => format!("{issue} · Tech Tale: {title}"),
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
