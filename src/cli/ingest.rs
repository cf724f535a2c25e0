//! `ingest PATH|URL...`: parse sources and store their issues, one transaction per source.

use std::io::IsTerminal;

use anyhow::{bail, Context};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};

use super::sources::{self, Source, Unusable};
use crate::archive::{self, Issue};
use crate::store::{Copies, Store};

/// With this many sources or more, a progress bar is drawn (when stderr is a terminal).
const PROGRESS_BAR_MIN_SOURCES: usize = 4;

/// Store issues from files, folders or URLs.
///
/// Prints one line per issue: `added 310 <title>`, `updated …` or `unchanged …`. When other
/// sources gave the same issue (another carrier, a homepage holding it), the line ends with
/// which copy the archive keeps (the fullest: sections, link URLs, tale, date, URL) and
/// what the others add to it. Each source is stored in one transaction: a source that cannot be read, parsed or stored changes
/// nothing and is reported on stderr as `error: <source>: <reason>`; the others are still
/// stored, and the exit status is non-zero.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// Files (plain text, Markdown, HTML, RSS/Atom), folders (read recursively, in name
    /// order, hidden entries skipped) or http(s) URLs.
    #[arg(value_name = "PATH|URL", required = true)]
    pub inputs: Vec<String>,

    /// Parse only: print `parsed 310 <title> (…)` per issue and report errors, without
    /// opening the database.
    #[arg(long)]
    pub dry_run: bool,
}

pub async fn run(database_url: &str, args: IngestArgs) -> anyhow::Result<()> {
    let store = match args.dry_run {
        true => None,
        false => Some(Store::open(database_url).await?),
    };
    let client = sources::http_client().context("cannot set up the HTTP client")?;
    let sources = sources::expand(&args.inputs);
    let report = Report::new(sources.len());

    let mut failed = 0;
    for source in &sources {
        let result = match source {
            Ok(source) => {
                report.reading(source);
                ingest_one(store.as_ref(), &client, source).await
            }
            Err(Unusable { name, error }) => Err(Failure {
                name: name.clone(),
                reason: error.to_string(),
            }),
        };
        match result {
            Ok(lines) => lines.iter().for_each(|line| report.line(line)),
            Err(failure) => {
                failed += 1;
                report.error(&failure);
            }
        }
        report.done_one();
    }
    report.finish();

    if let Some(store) = store {
        store.close().await;
    }
    match failed {
        0 => Ok(()),
        n if n == sources.len() => bail!("no source could be ingested; nothing changed"),
        n => bail!(
            "{n} of {} sources failed and changed nothing; the others were {}",
            sources.len(),
            if args.dry_run { "parsed" } else { "stored" }
        ),
    }
}

/// A source that failed, by name, and why.
struct Failure {
    name: String,
    reason: String,
}

/// Reads, parses and (unless `store` is None, for a dry run) stores one source; returns the
/// lines to print.
async fn ingest_one(
    store: Option<&Store>,
    client: &reqwest::Client,
    source: &Source,
) -> Result<Vec<String>, Failure> {
    let name = source.name();
    let failure = |reason: String| Failure {
        name: name.clone(),
        reason,
    };
    let bytes = source
        .read(client)
        .await
        .map_err(|e| failure(e.to_string()))?;
    let issues = archive::parse(&name, &bytes).map_err(|e| failure(e.to_string()))?;
    if issues.is_empty() {
        return Err(failure("it holds no Import AI issue".to_owned()));
    }
    let Some(store) = store else {
        return Ok(issues.iter().map(parsed_line).collect());
    };
    let ingested = store
        .ingest_copies(&name, &issues)
        .await
        .map_err(|e| failure(e.to_string()))?;
    Ok(issues
        .iter()
        .zip(ingested)
        .map(|(issue, ingested)| {
            let line = format!(
                "{} {} {}",
                ingested.outcome.as_str(),
                ingested.number,
                issue.title
            );
            match &ingested.copies {
                Some(copies) => format!("{line} ({})", copies_note(copies)),
                None => line,
            }
        })
        .collect())
}

/// A copy's source as the note names it: a file by its name, a URL whole.
fn source_label(source: &str) -> &str {
    match source {
        "" => "an earlier copy",
        source => sources::short_name(source),
    }
}

/// `2 copies: kept importai-448.md, the fullest (6 sections, 24 link URLs, a date, a URL);
/// tale from importai-448.wp-autoingest.md`.
fn copies_note(copies: &Copies) -> String {
    let mut note = format!(
        "{} copies: kept {}, the fullest ({})",
        copies.count,
        source_label(&copies.kept),
        copies.kept_fullness
    );
    for (what, from) in &copies.added {
        note.push_str(&format!("; {what} from {}", source_label(from)));
    }
    note
}

/// `parsed 310 <title> (5 sections, 7 links, a tale)`: enough to judge a parse at a glance.
fn parsed_line(issue: &Issue) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!(
        "parsed {} {} ({}, {}, {})",
        issue.number,
        issue.title,
        plural(issue.sections.len(), "section"),
        plural(issue.link_count(), "link"),
        if issue.tale.is_some() {
            "a tale"
        } else {
            "no tale"
        }
    )
}

/// Prints results on stdout and errors on stderr, around a progress bar when there is one.
struct Report {
    bar: Option<ProgressBar>,
}

impl Report {
    fn new(sources: usize) -> Report {
        let bar =
            (sources >= PROGRESS_BAR_MIN_SOURCES && std::io::stderr().is_terminal()).then(|| {
                let style = ProgressStyle::with_template("{bar:30} {pos}/{len} {wide_msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
                ProgressBar::new(sources as u64).with_style(style)
            });
        Report { bar }
    }

    fn reading(&self, source: &Source) {
        if let Some(bar) = &self.bar {
            bar.set_message(source.name());
        }
    }

    fn line(&self, line: &str) {
        // A closed stdout (`| head`) must not stop or crash the ingest: the store is
        // what matters, so a failed print is dropped.
        self.suspended(|| {
            use std::io::Write;
            let _ = writeln!(std::io::stdout().lock(), "{line}");
        });
    }

    fn error(&self, failure: &Failure) {
        self.suspended(|| eprintln!("error: {}: {}", failure.name, failure.reason));
    }

    fn done_one(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn suspended(&self, print: impl FnOnce()) {
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }
}
