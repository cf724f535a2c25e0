//! `/section issue position`: one section's summary, why it matters, and its links.

use super::limits::{split_pages, FIELD_VALUE};
use super::reply::{Card, Control, Field, Reply};
use super::target::Target;
use super::text::{escape_markdown, link_line};
use super::{find_issue, AnswerError};
use crate::archive::{Issue, Section};
use crate::store::Store;

pub async fn section(store: &Store, issue: i64, position: i64) -> Result<Reply, AnswerError> {
    let issue = find_issue(store, issue).await?;
    let section = u32::try_from(position)
        .ok()
        .and_then(|p| issue.section(p))
        .ok_or(AnswerError::UnknownSection {
            issue: issue.number,
            asked: position,
            count: issue.sections.len() as u32,
        })?;
    Ok(render(&issue, section))
}

fn render(issue: &Issue, section: &Section) -> Reply {
    let mut description = String::new();
    if let Some(teaser) = &section.teaser {
        description.push_str(&format!("*{}*\n\n", escape_markdown(teaser)));
    }
    description.push_str(&escape_markdown(&section.summary));
    if let Some(why) = &section.why_it_matters {
        description.push_str(&format!(
            "\n\n**Why this matters:** {}",
            escape_markdown(why)
        ));
    }
    let card = Card {
        author: Some(format!("Import AI {}: {}", issue.number, issue.title)),
        title: section.title.clone(),
        url: section.links.iter().find_map(|l| l.url.clone()),
        description,
        fields: link_fields(section),
        footer: Some(format!(
            "Section {} of {} · Import AI {}",
            section.position,
            issue.sections.len(),
            issue.number
        )),
        ..Card::default()
    };
    Reply {
        cards: vec![card],
        controls: neighbours(issue, section),
        ..Reply::default()
    }
}

/// The section's links, in as many fields as they need.
fn link_fields(section: &Section) -> Vec<Field> {
    if section.links.is_empty() {
        return Vec::new();
    }
    let lines: Vec<String> = section.links.iter().map(link_line).collect();
    split_pages(&lines.join("\n"), FIELD_VALUE)
        .into_iter()
        .enumerate()
        .map(|(i, value)| {
            let name = if i == 0 { "Links" } else { "More links" };
            Field::new(name, value)
        })
        .collect()
}

fn neighbours(issue: &Issue, section: &Section) -> Vec<Control> {
    let at = |position: u32| Target::Section {
        issue: issue.number,
        position,
    };
    let mut controls = Vec::new();
    if let Some(previous) = section
        .position
        .checked_sub(1)
        .filter(|p| issue.section(*p).is_some())
    {
        controls.push(Control::button("◀ Previous", at(previous)));
    }
    if issue.section(section.position + 1).is_some() {
        controls.push(Control::button("Next ▶", at(section.position + 1)));
    }
    controls.push(Control::button(
        format!("Issue {}", issue.number),
        Target::Issue(issue.number),
    ));
    controls
}
