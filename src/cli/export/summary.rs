//! `export --summary`: one row per issue (its number, sections, links with and without a
//! URL, tale title, date, URL, and with `--from` the source it came from), then the totals.

use crate::archive::merge::Fullness;
use crate::archive::Issue;
use crate::cli::sources::short_name;
use std::io::{self, Write};

/// Tale titles are cut to this many characters to keep rows on one line.
const TALE_TITLE_CHARS: usize = 36;

/// Writes the table of `rows` (each issue with the source it was read from, if any).
pub fn write(out: &mut impl Write, rows: &[(Option<String>, Issue)]) -> io::Result<()> {
    let with_source = rows.iter().any(|(source, _)| source.is_some());
    let source_width = rows
        .iter()
        .filter_map(|(source, _)| source.as_deref().map(short_name))
        .map(|name| name.chars().count())
        .max()
        .unwrap_or(0)
        .max("source".len());
    let mut header = String::new();
    if with_source {
        header.push_str(&format!("{:<source_width$}  ", "source"));
    }
    header.push_str(&format!(
        "{:>5}  {:>8}  {:>5}  {:>8}  {:>6}  {:<TALE_TITLE_CHARS$}  {:<10}  url",
        "issue", "sections", "links", "with URL", "no URL", "tale", "date"
    ));
    writeln!(out, "{}", header.trim_end())?;

    let mut totals = Totals::default();
    for (source, issue) in rows {
        let row = Fullness::of(issue);
        totals.add(&row);
        let mut line = String::new();
        if with_source {
            let name = source.as_deref().map_or("", short_name);
            line.push_str(&format!("{name:<source_width$}  "));
        }
        line.push_str(&format!(
            "{:>5}  {:>8}  {:>5}  {:>8}  {:>6}  {:<TALE_TITLE_CHARS$}  {:<10}  {}",
            issue.number,
            row.sections,
            row.links,
            row.link_urls,
            row.links - row.link_urls,
            cut(issue.tale.as_ref().map_or("-", |tale| tale.title.as_str())),
            issue
                .published
                .map_or_else(|| "-".to_owned(), |date| date.to_string()),
            issue.url.as_deref().unwrap_or("-"),
        ));
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out, "{}", totals.line(rows.len()))
}

#[derive(Default)]
struct Totals {
    sections: usize,
    links: usize,
    link_urls: usize,
    tales: usize,
    dates: usize,
    urls: usize,
}

impl Totals {
    fn add(&mut self, row: &Fullness) {
        self.sections += row.sections;
        self.links += row.links;
        self.link_urls += row.link_urls;
        self.tales += usize::from(row.tale);
        self.dates += usize::from(row.date);
        self.urls += usize::from(row.url);
    }

    fn line(&self, issues: usize) -> String {
        format!(
            "total: {issues} issues, {} sections, {} tales, {} links ({} with URL, {} without), \
             {} with a date, {} with a URL",
            self.sections,
            self.tales,
            self.links,
            self.link_urls,
            self.links - self.link_urls,
            self.dates,
            self.urls
        )
    }
}

fn cut(text: &str) -> String {
    if text.chars().count() <= TALE_TITLE_CHARS {
        return text.to_owned();
    }
    let kept: String = text.chars().take(TALE_TITLE_CHARS - 1).collect();
    format!("{kept}…")
}
