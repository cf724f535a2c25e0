//! `/issue number`: an issue's overview, with controls to open each part.

use super::limits::shorten;
use super::reply::{Card, Control, Field, LinkButton, MenuId, MenuOption, Reply};
use super::target::Target;
use super::text::{count, escape_markdown, issue_list};
use super::{find_issue, AnswerError};
use crate::archive::Issue;
use crate::store::{IssueTitle, Store, StoreError};

/// Above this, the contents list drops teasers so every heading still shows.
const CONTENTS_WITH_TEASERS_MAX: usize = 3500;

/// Where an issue sits in the archive: what the overview links to besides its own parts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Surroundings {
    /// Issues that cite this one, ascending.
    pub mentioned_by: Vec<u32>,
    /// The nearest issue numbers below and above that the archive holds.
    pub previous: Option<u32>,
    pub next: Option<u32>,
    /// The issues this one cites that the archive holds, with their titles.
    pub mentions_held: Vec<IssueTitle>,
}

impl Surroundings {
    pub async fn of(store: &Store, issue: &Issue) -> Result<Self, StoreError> {
        let (previous, next) = store.neighbours(issue.number).await?;
        Ok(Self {
            mentioned_by: store.mentioned_by(issue.number).await?,
            previous,
            next,
            mentions_held: store.mentions_held(issue.number).await?,
        })
    }
}

pub async fn issue(store: &Store, asked: i64) -> Result<Reply, AnswerError> {
    let issue = find_issue(store, asked).await?;
    let around = Surroundings::of(store, &issue).await?;
    Ok(overview(&issue, &around))
}

/// The overview of an issue: also what `/latest` and announcements show.
pub fn overview(issue: &Issue, around: &Surroundings) -> Reply {
    let mentioned_by = &around.mentioned_by;
    let mut fields = Vec::new();
    if let Some(note) = &issue.note {
        fields.push(Field::new("Note", escape_markdown(note)));
    }
    fields.push(Field::inline("Links", issue.link_count().to_string()));
    if let Some(list) = issue_list(&issue.mentions) {
        fields.push(Field::inline("Mentions", list));
    }
    if let Some(list) = issue_list(mentioned_by) {
        fields.push(Field::inline("Mentioned by", list));
    }
    let footer = match issue.published {
        Some(date) => format!(
            "Import AI {} · published {}",
            issue.number,
            date.format("%-d %B %Y")
        ),
        None => format!("Import AI {}", issue.number),
    };
    let card = Card {
        title: format!("Import AI {}: {}", issue.number, issue.title),
        url: issue.url.clone(),
        description: contents(issue),
        fields,
        footer: Some(footer),
        ..Card::default()
    };
    let mut controls = vec![contents_menu(issue)];
    if let Some(menu) = mentions_menu(issue, &around.mentions_held) {
        controls.push(menu);
    }
    if let Some(previous) = around.previous {
        controls.push(Control::button(
            format!("◀ Issue {previous}"),
            Target::Issue(previous),
        ));
    }
    controls.push(Control::button(
        "Links",
        Target::Links {
            issue: issue.number,
            page: 1,
        },
    ));
    if issue.tale.is_some() {
        controls.push(Control::button(
            "Tech Tale",
            Target::Tale {
                issue: issue.number,
                page: 1,
            },
        ));
    }
    if let Some(next) = around.next {
        controls.push(Control::button(
            format!("Issue {next} ▶"),
            Target::Issue(next),
        ));
    }
    let links = issue
        .url
        .iter()
        .map(|url| LinkButton {
            label: "Read online".into(),
            url: url.clone(),
        })
        .collect();
    Reply {
        cards: vec![card],
        controls,
        links,
        ..Reply::default()
    }
}

/// The list of sections (and the tale), with teasers when they fit.
fn contents(issue: &Issue) -> String {
    let with_teasers = contents_lines(issue, true);
    let lines = if with_teasers.chars().count() <= CONTENTS_WITH_TEASERS_MAX {
        with_teasers
    } else {
        contents_lines(issue, false)
    };
    match &issue.subtitle {
        Some(subtitle) => format!(
            "*{}*\n\n{lines}",
            escape_markdown(&shorten(subtitle, SUBTITLE_MAX))
        ),
        None => lines,
    }
}

/// A subtitle is a line; a longer one (a front matter's whole summary) is cut.
const SUBTITLE_MAX: usize = 300;

fn contents_lines(issue: &Issue, teasers: bool) -> String {
    let mut lines = Vec::new();
    if issue.sections.is_empty() {
        lines.push("This issue has no sections.".to_owned());
    }
    for section in &issue.sections {
        let mut line = format!(
            "**{}. {}**",
            section.position,
            escape_markdown(&section.title)
        );
        if let (true, Some(teaser)) = (teasers, &section.teaser) {
            line.push_str(&format!("\n*{}*", escape_markdown(teaser)));
        }
        lines.push(line);
    }
    if let Some(tale) = &issue.tale {
        lines.push(format!("**Tech Tale:** {}", escape_markdown(&tale.title)));
    }
    lines.join("\n")
}

/// The cited issues the archive holds, to open; None when it holds none of them.
fn mentions_menu(issue: &Issue, held: &[IssueTitle]) -> Option<Control> {
    if held.is_empty() {
        return None;
    }
    let options = held
        .iter()
        .map(|cited| MenuOption {
            label: format!("Import AI {}: {}", cited.number, cited.title),
            description: None,
            target: Target::Issue(cited.number),
        })
        .collect();
    Some(Control::Menu {
        id: MenuId::Mentions,
        placeholder: format!(
            "Open an issue that issue {} mentions ({})",
            issue.number,
            count(held.len(), "issue")
        ),
        options,
    })
}

fn contents_menu(issue: &Issue) -> Control {
    let mut options: Vec<MenuOption> = issue
        .sections
        .iter()
        .map(|s| MenuOption {
            label: format!("{}. {}", s.position, s.title),
            description: s.teaser.clone(),
            target: Target::Section {
                issue: issue.number,
                position: s.position,
            },
        })
        .collect();
    if let Some(tale) = &issue.tale {
        options.push(MenuOption {
            label: format!("Tech Tale: {}", tale.title),
            description: tale.setting.clone(),
            target: Target::Tale {
                issue: issue.number,
                page: 1,
            },
        });
    }
    Control::Menu {
        id: MenuId::Contents,
        placeholder: format!(
            "Open a part of issue {} ({})",
            issue.number,
            count(issue.sections.len(), "section")
        ),
        options,
    }
}
