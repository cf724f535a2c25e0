//! `export [N...] [--all]`: issues as JSON Lines, the contract of DESIGN.md §3.

use std::io::{BufWriter, ErrorKind, Write};

use anyhow::bail;
use clap::Args;

use crate::store::{ArchiveStats, Store};

/// Print issues as JSON Lines: one JSON object per issue, one issue per line.
///
/// Each object is `{"number", "title", "published", "url", "sections": [{"position", "title",
/// "teaser", "summary", "why_it_matters", "body", "links": [{"label", "title", "source",
/// "url"}]}], "tale": {"title", "setting", "body", "inspired_by"} | null, "mentions"}`.
/// Read it back with any JSON Lines reader, e.g. `jq -c .`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Issue numbers, printed in the order given.
    #[arg(
        value_name = "N",
        required_unless_present = "all",
        conflicts_with = "all"
    )]
    pub numbers: Vec<u32>,

    /// Export every issue in the archive, ascending by number.
    #[arg(long)]
    pub all: bool,
}

pub async fn run(database_url: &str, args: ExportArgs) -> anyhow::Result<()> {
    let store = Store::open(database_url).await?;
    let issues = if args.all {
        store.all_issues().await?
    } else {
        let mut numbers = args.numbers;
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

    let mut out = BufWriter::new(std::io::stdout().lock());
    let written = issues.iter().try_for_each(|issue| {
        serde_json::to_writer(&mut out, issue)?;
        writeln!(out)?;
        Ok::<_, std::io::Error>(())
    });
    match written.and_then(|()| out.flush()) {
        // The reader stopped reading (`| head`): that is their choice, not a failure.
        Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
        result => Ok(result?),
    }
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
