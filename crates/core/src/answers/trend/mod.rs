//! `/trend`: how the newsletter's attention to a few terms moved, as a line chart.
//!
//! For each period (issue, quarter or year), each term's value is the share of the period's
//! sections that mention it, so that busy years do not dominate. Sections of undated issues
//! cannot be placed on the time axis: they are left out and the note says how many. An
//! archive with no dated issue at all is charted by issue number instead.

mod chart;
mod query;

pub use chart::{render, Chart, ChartError, Line, COLOURS, HEIGHT, WIDTH};
pub use query::{Per, TrendAsk, TrendError, TrendQuery, MAX_TERMS, MAX_TERMS_CHARS};

use std::collections::BTreeMap;

use chrono::Datelike;

use super::reply::{Attachment, Card, Control, Field, Reply};
use super::AnswerError;
use crate::store::{IssueCounts, Store};

/// The chart's file name: the embed shows it as `attachment://trend.png`.
pub const FILE_NAME: &str = "trend.png";

/// The periods of a trend, oldest first, with each term's count.
#[derive(Debug, Clone, PartialEq)]
pub struct Period {
    /// Where the period sits on the time axis, in years (2019.5 is mid-2019).
    pub x: f64,
    pub label: String,
    pub sections: u32,
    pub mentioning: Vec<u32>,
}

impl Period {
    /// The share of the period's sections mentioning term `at`, in percent.
    pub fn percent(&self, at: usize) -> f64 {
        if self.sections == 0 {
            0.0
        } else {
            f64::from(self.mentioning[at]) * 100.0 / f64::from(self.sections)
        }
    }
}

/// What the horizontal axis counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    Years,
    /// No issue has a date: one point per issue, at its number.
    IssueNumbers,
}

/// A trend's figures: its periods, and the sections left out for want of a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub axis: Axis,
    pub periods: Vec<Period>,
    pub undated_sections: u32,
    pub undated_issues: u32,
}

/// The issues' counts grouped into periods within the query's years.
pub fn figures(query: &TrendQuery, counts: &[IssueCounts]) -> Figures {
    if query.from.is_none() && query.to.is_none() && counts.iter().all(|c| c.published.is_none()) {
        return by_number(counts);
    }
    let mut periods: BTreeMap<(i32, u32, u32), Period> = BTreeMap::new();
    let (mut undated_sections, mut undated_issues) = (0, 0);
    for issue in counts {
        let Some(date) = issue.published else {
            undated_sections += issue.sections;
            undated_issues += 1;
            continue;
        };
        if !query.covers(date.year()) {
            continue;
        }
        let year = f64::from(date.year());
        let (key, x, label) = match query.per {
            Per::Year => ((date.year(), 0, 0), year + 0.5, date.year().to_string()),
            Per::Quarter => {
                let q = date.month0() / 3;
                (
                    (date.year(), q, 0),
                    year + f64::from(q) * 0.25 + 0.125,
                    format!("{} Q{}", date.year(), q + 1),
                )
            }
            Per::Issue => (
                (date.year(), date.ordinal(), issue.number),
                year + f64::from(date.ordinal0()) / 366.0,
                format!("#{} ({date})", issue.number),
            ),
        };
        let period = periods.entry(key).or_insert_with(|| Period {
            x,
            label,
            sections: 0,
            mentioning: vec![0; query.terms.len()],
        });
        period.sections += issue.sections;
        for (total, count) in period.mentioning.iter_mut().zip(&issue.mentioning) {
            *total += count;
        }
    }
    Figures {
        axis: Axis::Years,
        periods: periods
            .into_values()
            .filter(|period| period.sections > 0)
            .collect(),
        undated_sections,
        undated_issues,
    }
}

/// One period per issue, placed at its number.
fn by_number(counts: &[IssueCounts]) -> Figures {
    Figures {
        axis: Axis::IssueNumbers,
        periods: counts
            .iter()
            .filter(|issue| issue.sections > 0)
            .map(|issue| Period {
                x: f64::from(issue.number),
                label: format!("#{}", issue.number),
                sections: issue.sections,
                mentioning: issue.mentioning.clone(),
            })
            .collect(),
        undated_sections: 0,
        undated_issues: 0,
    }
}

/// The trend of the asked terms: a chart, its figures in words, and buttons for the other
/// periods.
pub async fn trend(store: &Store, ask: &TrendAsk) -> Result<Reply, AnswerError> {
    let query = TrendQuery::parse(ask)?;
    let counts = store.trend_counts(&query.terms).await?;
    if counts.is_empty() {
        return Err(AnswerError::EmptyArchive);
    }
    let unmentioned: Vec<&String> = query
        .terms
        .iter()
        .enumerate()
        .filter(|(at, _)| counts.iter().all(|issue| issue.mentioning[*at] == 0))
        .map(|(_, term)| term)
        .collect();
    if !unmentioned.is_empty() {
        let mut suggestions = Vec::new();
        for term in unmentioned.iter().copied() {
            if let Some(word) = store.closest_word(term).await? {
                suggestions.push((term.clone(), word));
            }
        }
        return Err(TrendError::NeverMentioned {
            terms: unmentioned.into_iter().cloned().collect(),
            suggestions,
        }
        .into());
    }
    let figures = figures(&query, &counts);
    if figures.periods.is_empty() {
        return Err(TrendError::NoIssuesInYears {
            years: query.years_label(),
        }
        .into());
    }
    let chart = Chart::new(&query, &figures);
    let png = tokio::task::spawn_blocking(move || render(&chart))
        .await
        .map_err(|e| AnswerError::Chart(e.to_string()))?
        .map_err(|e| AnswerError::Chart(e.to_string()))?;
    Ok(reply(&query, &figures, png))
}

fn reply(query: &TrendQuery, figures: &Figures, png: Vec<u8>) -> Reply {
    let summaries: Vec<String> = (0..query.terms.len())
        .map(|at| summary(query, figures, at))
        .collect();
    let per = match figures.axis {
        Axis::Years => query.per.as_str(),
        Axis::IssueNumbers => "issue",
    };
    let axis = format!("Share of sections (%) that mention each term, per {per}");
    let mut footer = format!("{axis}. Same words and stems as /search.");
    if figures.axis == Axis::IssueNumbers {
        footer.push_str(" No issue has a date, so issues are placed by number.");
    }
    if figures.undated_issues > 0 {
        footer.push_str(&format!(
            " {} undated issue{} ({} sections) not counted.",
            figures.undated_issues,
            if figures.undated_issues == 1 { "" } else { "s" },
            figures.undated_sections
        ));
    }
    let fields = match (figures.axis, query.per) {
        // Hundreds of issues are for the picture; quarters and years fit in words.
        (Axis::IssueNumbers, _) | (_, Per::Issue) => Vec::new(),
        _ => (0..query.terms.len())
            .map(|at| {
                let values = figures
                    .periods
                    .iter()
                    .map(|p| format!("{} {:.0}%", p.label, p.percent(at)))
                    .collect::<Vec<_>>()
                    .join(" · ");
                Field::new(&query.terms[at], values)
            })
            .collect(),
    };
    let card = Card {
        title: format!("Trend: {}", query.terms.join(", ")),
        description: summaries.join("\n"),
        fields,
        footer: Some(footer),
        ..Card::default()
    };
    let description = format!(
        "Line chart. {axis}, {}. {}",
        span(figures),
        summaries.join(" ")
    );
    let periods = match figures.axis {
        Axis::Years => vec![Per::Issue, Per::Quarter, Per::Year],
        Axis::IssueNumbers => Vec::new(),
    };
    let controls = periods
        .into_iter()
        .filter(|per| *per != query.per)
        .map(|per| Control::Trend {
            label: format!("Per {}", per.as_str()),
            query: TrendQuery {
                per,
                ..query.clone()
            },
        })
        .collect();
    Reply {
        cards: vec![card],
        controls,
        attachment: Some(Attachment {
            file_name: FILE_NAME.to_owned(),
            bytes: png,
            description,
        }),
        ..Reply::default()
    }
}

/// One term's figures in words: when it first appears, its peak, its overall share.
fn summary(query: &TrendQuery, figures: &Figures, at: usize) -> String {
    let term = &query.terms[at];
    let periods = &figures.periods;
    let first = periods.iter().position(|p| p.mentioning[at] > 0);
    let peak = periods.iter().max_by(|a, b| {
        a.percent(at)
            .total_cmp(&b.percent(at))
            .then(b.x.total_cmp(&a.x))
    });
    let (Some(first), Some(peak)) = (first, peak) else {
        return format!("{term}: no mentions in these years.");
    };
    let mentioning: u32 = periods.iter().map(|p| p.mentioning[at]).sum();
    let sections: u32 = periods.iter().map(|p| p.sections).sum();
    let start = if first == 0 {
        "mentioned from the start".to_owned()
    } else {
        format!("no mentions before {}", periods[first].label)
    };
    format!(
        "{term}: {start}, peak of {:.0}% of sections in {}; {mentioning} of {sections} sections ({:.1}%) in all.",
        peak.percent(at),
        peak.label,
        f64::from(mentioning) * 100.0 / f64::from(sections.max(1)),
    )
}

/// The years the periods cover, e.g. "2016–2025", or the issues.
fn span(figures: &Figures) -> String {
    if let (Axis::IssueNumbers, Some(first), Some(last)) = (
        figures.axis,
        figures.periods.first(),
        figures.periods.last(),
    ) {
        return format!("issues {} to {}", first.label, last.label);
    }
    let year = |p: &Period| p.x.floor() as i32;
    match (figures.periods.first(), figures.periods.last()) {
        (Some(first), Some(last)) if year(first) != year(last) => {
            format!("{}–{}", year(first), year(last))
        }
        (Some(first), _) => year(first).to_string(),
        _ => String::new(),
    }
}
