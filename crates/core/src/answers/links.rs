//! `/links issue`: every link of an issue, grouped by section, paged when there are many.

use super::limits::{discord_len, split_pages, EMBED_FIELDS, FIELD_VALUE};
use super::pager;
use super::reply::{Card, Field, Reply};
use super::target::Target;
use super::text::{count, link_line};
use super::{find_issue, AnswerError};
use crate::archive::Issue;
use crate::store::Store;

/// Text per page across field names and values, leaving room in the message's 6000 for the
/// title, description and footer.
const PAGE_BUDGET: usize = 5000;

pub async fn links(store: &Store, issue: i64, page: u32) -> Result<Reply, AnswerError> {
    let issue = find_issue(store, issue).await?;
    Ok(render(&issue, page))
}

/// A page (1-based, clamped) of an issue's links.
pub fn render(issue: &Issue, page: u32) -> Reply {
    let pages = paginate(section_fields(issue));
    let total = pages.len() as u32;
    let page = page.clamp(1, total);
    let fields = pages.into_iter().nth(page as usize - 1).unwrap_or_default();
    let link_count = issue.link_count();
    let description = if link_count == 0 {
        "This issue has no links.".to_owned()
    } else {
        let sections = issue
            .sections
            .iter()
            .filter(|s| !s.links.is_empty())
            .count();
        format!(
            "{} across {}.",
            count(link_count, "link"),
            count(sections, "section")
        )
    };
    let footer = format!(
        "Import AI {}{}",
        issue.number,
        pager::page_note(page, total)
    );
    let card = Card {
        title: format!("Links in Import AI {}: {}", issue.number, issue.title),
        url: issue.url.clone(),
        description,
        fields,
        footer: Some(footer),
        ..Card::default()
    };
    let number = issue.number;
    let controls = pager::controls(number, page, total, |page| Target::Links {
        issue: number,
        page,
    });
    Reply {
        cards: vec![card],
        controls,
        ..Reply::default()
    }
}

/// One field per section with links; a section whose links overflow a field continues in
/// the next.
fn section_fields(issue: &Issue) -> Vec<Field> {
    issue
        .sections
        .iter()
        .filter(|s| !s.links.is_empty())
        .flat_map(|section| {
            let lines: Vec<String> = section.links.iter().map(link_line).collect();
            let name = format!("{}. {}", section.position, section.title);
            split_pages(&lines.join("\n"), FIELD_VALUE)
                .into_iter()
                .enumerate()
                .map(move |(i, value)| {
                    let name = if i == 0 {
                        name.clone()
                    } else {
                        format!("{name} (continued)")
                    };
                    Field::new(name, value)
                })
        })
        .collect()
}

/// Fields grouped into pages that each fit the field count and the page budget.
fn paginate(fields: Vec<Field>) -> Vec<Vec<Field>> {
    let mut pages: Vec<Vec<Field>> = vec![Vec::new()];
    let mut used = 0;
    for field in fields {
        // Field names are cut to 256 by the limits; count them as they will be.
        let size = discord_len(&field.name).min(256) + discord_len(&field.value);
        let current = pages.last_mut().expect("pages is never empty");
        if !current.is_empty() && (current.len() == EMBED_FIELDS || used + size > PAGE_BUDGET) {
            pages.push(Vec::new());
            used = 0;
        }
        used += size;
        pages.last_mut().expect("pages is never empty").push(field);
    }
    pages
}
