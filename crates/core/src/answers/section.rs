//! `/section issue position`: one section's summary in its own words, why it matters, and
//! its links; and, a button away, the whole section, paged like a tale.

use super::limits::{split_pages, split_pages_keeping, FIELD_VALUE};
use super::reply::{Card, Control, Field, Reply};
use super::target::Target;
use super::text::{escape_markdown, link_line};
use super::{digest, find_issue, pager, section_text, tale, AnswerError};
use crate::archive::{Issue, Link, Section};
use crate::store::Store;

pub async fn section(store: &Store, issue: i64, position: i64) -> Result<Reply, AnswerError> {
    let issue = find_issue(store, issue).await?;
    let section = find_section(&issue, position)?;
    Ok(render(&issue, section))
}

/// A page (1-based, clamped) of the section's whole text: its body, why it matters, and
/// its links.
pub async fn whole(
    store: &Store,
    issue: i64,
    position: i64,
    page: u32,
) -> Result<Reply, AnswerError> {
    let issue = find_issue(store, issue).await?;
    let section = find_section(&issue, position)?;
    Ok(render_whole(&issue, section, page))
}

fn find_section(issue: &Issue, position: i64) -> Result<&Section, AnswerError> {
    u32::try_from(position)
        .ok()
        .and_then(|p| issue.section(p))
        .ok_or(AnswerError::UnknownSection {
            issue: issue.number,
            asked: position,
            count: issue.sections.len() as u32,
        })
}

fn render(issue: &Issue, section: &Section) -> Reply {
    let mut description = String::new();
    if let Some(teaser) = &section.teaser {
        description.push_str(&format!("*{}*\n\n", escape_markdown(teaser)));
    }
    let summary = digest::summarize(&section.body);
    description.push_str(&escape_markdown(if summary.is_empty() {
        &section.summary
    } else {
        &summary
    }));
    if let Some(why) = &section.why_it_matters {
        description.push_str(&format!(
            "\n\n**Why this matters:** {}",
            escape_markdown(why)
        ));
    }
    let card = Card {
        author: Some(format!("Import AI {}: {}", issue.number, issue.title)),
        title: section.title.clone(),
        url: story_url(section),
        description,
        fields: link_fields(section),
        footer: Some(section_footer(issue, section)),
        ..Card::default()
    };
    let mut controls = vec![Control::button(
        "Read the whole section",
        Target::SectionText {
            issue: issue.number,
            position: section.position,
            page: 1,
        },
    )];
    controls.extend(neighbours(issue, section));
    Reply {
        cards: vec![card],
        controls,
        ..Reply::default()
    }
}

/// Where the story points: its first link item's URL, else the first link in its text.
fn story_url(section: &Section) -> Option<String> {
    let items = section.links.iter().filter(|l| !l.is_inline());
    let inline = section.links.iter().filter(|l| l.is_inline());
    items.chain(inline).find_map(|l| l.url.clone())
}

fn section_footer(issue: &Issue, section: &Section) -> String {
    let mut footer = format!(
        "Section {} of {} · Import AI {}",
        section.position,
        issue.sections.len(),
        issue.number
    );
    if let Some(date) = issue.published {
        footer.push_str(&format!(" · {}", date.format("%-d %B %Y")));
    }
    footer
}

fn render_whole(issue: &Issue, section: &Section, page: u32) -> Reply {
    let whole = section_text::whole(section);
    let pages = split_pages_keeping(&whole.text, tale::PAGE, &whole.links);
    let total = pages.len() as u32;
    let page = page.clamp(1, total);
    let card = Card {
        author: Some(format!("Import AI {}: {}", issue.number, issue.title)),
        title: section.title.clone(),
        url: story_url(section),
        description: pages[page as usize - 1].clone(),
        footer: Some(section_footer(issue, section) + &pager::page_note(page, total)),
        ..Card::default()
    };
    let (number, position) = (issue.number, section.position);
    let mut controls = pager::controls(number, page, total, |page| Target::SectionText {
        issue: number,
        position,
        page,
    });
    controls.insert(
        0,
        Control::button(
            "Summary",
            Target::Section {
                issue: number,
                position,
            },
        ),
    );
    Reply {
        cards: vec![card],
        controls,
        ..Reply::default()
    }
}

/// The section's link items (its links in the text, when it has no item), in as many
/// fields as they need; every link shows where it falls in the whole section.
fn link_fields(section: &Section) -> Vec<Field> {
    let items: Vec<&Link> = section.links.iter().filter(|l| !l.is_inline()).collect();
    let listed = if items.is_empty() {
        section.links.iter().collect()
    } else {
        items
    };
    if listed.is_empty() {
        return Vec::new();
    }
    let lines: Vec<String> = listed.into_iter().map(link_line).collect();
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
