//! `export [N...] [--all] [--summary] [--from PATH...]`: issues as JSON Lines, the contract
//! of DESIGN.md §3, or a table of what each holds.

use std::io::{BufWriter, ErrorKind, Write};

use anyhow::{bail, Context};
use clap::Args;

use super::sources::{self, Unusable};
use crate::archive::{self, Issue};
use crate::store::{ArchiveStats, Store};

mod summary;

/// Print issues as JSON Lines: one JSON object per issue, one issue per line.
///
/// Each object is `{"number", "title", "published", "url", "sections": [{"position", "title",
/// "teaser", "summary", "why_it_matters", "body", "links": [{"label", "title", "source",
/// "url"}]}], "tale": {"title", "setting", "body", "inspired_by"} | null, "mentions"}`.
/// Read it back with any JSON Lines reader, e.g. `jq -c .`.
///
/// With `--summary`, print instead a table of what each issue holds (sections, links with
/// and without URL, tale title, date, URL) and the totals. With `--from`, the issues are
/// read from files, folders or URLs (each source on its own, nothing stored) instead of the
/// archive: `export --summary --from new-issues/` shows how the parser reads them.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Issue numbers, printed in the order given (with `--from`: only these issues).
    #[arg(
        value_name = "N",
        required_unless_present_any = ["all", "from"],
        conflicts_with = "all"
    )]
    pub numbers: Vec<u32>,

    /// Export every issue in the archive, ascending by number.
    #[arg(long, conflicts_with = "from")]
    pub all: bool,

    /// A table of each issue's parts and the totals, instead of JSON.
    #[arg(long)]
    pub summary: bool,

    /// Read the issues from these files, folders or http(s) URLs instead of the archive.
    #[arg(long, value_name = "PATH|URL", num_args = 1..)]
    pub from: Vec<String>,
}

pub async fn run(database_url: &str, args: ExportArgs) -> anyhow::Result<()> {
    let (rows, failed) = if args.from.is_empty() {
        let issues = stored_issues(database_url, &args).await?;
        (issues.into_iter().map(|issue| (None, issue)).collect(), 0)
    } else {
        read_sources(&args.from, &args.numbers).await?
    };
    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = match args.summary {
        true => summary::write(&mut out, &rows),
        false => rows.iter().try_for_each(|(_, issue)| {
            serde_json::to_writer(&mut out, issue)?;
            writeln!(out)?;
            Ok::<_, std::io::Error>(())
        }),
    };
    match written.and_then(|()| out.flush()) {
        // The reader stopped reading (`| head`): that is their choice, not a failure.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => {}
        result => result?,
    }
    match failed {
        0 => Ok(()),
        n => bail!("{n} of the sources could not be read; the others were exported"),
    }
}

/// The issues asked for, from the archive.
async fn stored_issues(database_url: &str, args: &ExportArgs) -> anyhow::Result<Vec<Issue>> {
    let store = Store::open(database_url).await?;
    let issues = if args.all {
        store.all_issues().await?
    } else {
        let mut numbers = args.numbers.clone();
        dedup_keeping_order(&mut numbers);
        let found = store.issues(&numbers).await?;
        let missing: Vec<u32> = numbers
            .iter()
            .copied()
            .filter(|n| !found.iter().any(|issue| issue.number == *n))
            .collect();
        if !missing.is_empty() {
            let stats = store.stats().await?;
            store.close().await;
            bail!("{}", missing_message(&missing, &stats));
        }
        numbers
            .iter()
            .filter_map(|n| found.iter().find(|issue| issue.number == *n).cloned())
            .collect()
    };
    store.close().await;
    Ok(issues)
}

/// The issues of each source, with the source's name; sources that cannot be read are
/// reported on stderr and counted.
async fn read_sources(
    inputs: &[String],
    numbers: &[u32],
) -> anyhow::Result<(Vec<(Option<String>, Issue)>, usize)> {
    let client = sources::http_client().context("cannot set up the HTTP client")?;
    let mut rows = Vec::new();
    let mut failed = 0;
    for source in sources::expand(inputs) {
        let read = match source {
            Ok(source) => {
                let name = source.name();
                match source.read(&client).await {
                    Ok(bytes) => archive::parse(&name, &bytes)
                        .map(|issues| (name.clone(), issues))
                        .map_err(|e| (name, e.to_string())),
                    Err(e) => Err((name, e.to_string())),
                }
            }
            Err(Unusable { name, error }) => Err((name, error.to_string())),
        };
        match read {
            Ok((name, issues)) => rows.extend(
                issues
                    .into_iter()
                    .filter(|issue| numbers.is_empty() || numbers.contains(&issue.number))
                    .map(|issue| (Some(name.clone()), issue)),
            ),
            Err((name, reason)) => {
                failed += 1;
                eprintln!("error: {name}: {reason}");
            }
        }
    }
    Ok((rows, failed))
}

fn dedup_keeping_order(numbers: &mut Vec<u32>) {
    let mut seen = std::collections::HashSet::new();
    numbers.retain(|n| seen.insert(*n));
}

fn missing_message(missing: &[u32], stats: &ArchiveStats) -> String {
    let list = missing
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    let (what, add) = match missing {
        [_] => (format!("issue {list} is not in the archive"), "add it"),
        _ => (format!("issues {list} are not in the archive"), "add them"),
    };
    let holds = match (stats.first, stats.last) {
        (Some(first), Some(last)) => {
            format!("it holds {} issues, from {first} to {last}", stats.issues)
        }
        _ => "it holds no issue".to_owned(),
    };
    format!("{what} ({holds}); {add} with `importai-bot ingest <file or URL>`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_issues_are_named() {
        let stats = ArchiveStats {
            issues: 10,
            first: Some(301),
            last: Some(310),
            ..ArchiveStats::default()
        };
        assert_eq!(
            missing_message(&[999], &stats),
            "issue 999 is not in the archive (it holds 10 issues, from 301 to 310); \
             add it with `importai-bot ingest <file or URL>`"
        );
        assert_eq!(
            missing_message(&[1, 2], &ArchiveStats::default()),
            "issues 1, 2 are not in the archive (it holds no issue); \
             add them with `importai-bot ingest <file or URL>`"
        );
    }
}
