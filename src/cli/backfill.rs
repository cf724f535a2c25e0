//! `backfill [SITE…]`: every issue ever published, from the newsletter's homes, into the
//! archive; resumable, polite, with a progress bar on a terminal and a summary at the end.

use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use tokio_util::sync::CancellationToken;

use crate::backfill::polite::PoliteClient;
use crate::backfill::{Backfill, Event, Failure, Observer, Options, Quiet, Summary};
use crate::follow::{FetchLimits, Fetcher};
use crate::store::Store;

/// The exit status of a backfill stopped by Ctrl-C (128 + SIGINT, as shells report it).
const STOPPED_STATUS: u8 = 130;

/// Fetch every issue ever published and store it.
///
/// Reads each site's listing (Substack's archive API; WordPress's REST API, or its paged
/// feed when that is off), then fetches each issue's body and stores it in its own
/// transaction. An issue both sites hold is stored once, the fuller copy kept, with the
/// Substack address as its read-online link. What was done is kept in the database: a
/// backfill stopped by Ctrl-C, a crash or a lost network resumes where it stopped when run
/// again, and a backfill of an archive already filled fetches no issue again and prints
/// `unchanged`. Exits with status 1 if any issue failed, 130 if stopped.
#[derive(Debug, Parser)]
pub struct BackfillArgs {
    /// Base URLs of Substack publications or WordPress sites [default: https://importai.substack.com https://jack-clark.net]
    #[arg(value_name = "SITE")]
    pub sites: Vec<String>,

    /// Only fetch issues numbered N or higher.
    #[arg(long, value_name = "N")]
    pub since: Option<u32>,

    /// Only read the listings and say what would be fetched; write nothing.
    #[arg(long)]
    pub dry_run: bool,

    /// The least time between two requests to one host, in milliseconds.
    #[arg(long, value_name = "MS", default_value_t = 250)]
    pub delay: u64,

    /// The pause before trying a failed request again, in milliseconds; it doubles with
    /// each try (3 tries in all).
    #[arg(long, value_name = "MS", default_value_t = 1000)]
    pub retry_wait: u64,

    /// The longest one request may take, in seconds, before it is tried again.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    pub timeout: u64,

    /// Also print the title of each post that is not an issue.
    #[arg(long)]
    pub verbose: bool,
}

pub async fn run(database_url: &str, args: BackfillArgs) -> anyhow::Result<ExitCode> {
    let store = match args.dry_run {
        true => None,
        false => Some(Store::open(database_url).await?),
    };
    let stop = CancellationToken::new();
    let on_ctrl_c = stop.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("stopping after the request in flight…");
            on_ctrl_c.cancel();
        }
    });
    let client = client(&args, stop)?;
    let report = Report::new(args.verbose);
    let options = Options {
        sites: args.sites.clone(),
        since: args.since,
    };
    let summary = Backfill::new(store.as_ref(), &client, &report)
        .run(&options)
        .await;
    report.finish();
    if let Some(store) = store {
        store.close().await;
    }
    print_summary(&summary, &args);
    Ok(if summary.stopped {
        ExitCode::from(STOPPED_STATUS)
    } else if summary.failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// `serve`'s backfill: one run over the default sites at the default politeness, in the
/// background, logging only its summary and failures. What it stores is not announced:
/// announcements are for issues that arrive through the feed.
pub fn spawn_quietly(store: Store, stop: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let args = BackfillArgs::parse_from(["backfill"]);
        let client = match client(&args, stop) {
            Ok(client) => client,
            Err(error) => {
                tracing::warn!("the backfill cannot start: {error:#}");
                return;
            }
        };
        let summary = Backfill::new(Some(&store), &client, &Quiet)
            .run(&Options::default())
            .await;
        for failure in &summary.failures {
            tracing::warn!("backfill failed: {}", failure_line(failure));
        }
        tracing::info!(
            added = summary.added,
            updated = summary.updated,
            unchanged = summary.unchanged,
            skipped = summary.skipped,
            failed = summary.failures.len(),
            stopped = summary.stopped,
            "backfill done"
        );
    })
}

/// The HTTP client a backfill from the command line uses.
pub fn client(args: &BackfillArgs, stop: CancellationToken) -> anyhow::Result<PoliteClient> {
    let limits = FetchLimits {
        total_timeout: Duration::from_secs(args.timeout.max(1)),
        ..FetchLimits::default()
    };
    let fetcher = Fetcher::new(limits).context("cannot set up the HTTP client")?;
    Ok(PoliteClient::new(
        fetcher,
        Duration::from_millis(args.delay),
        Duration::from_millis(args.retry_wait),
        stop,
    ))
}

fn print_summary(summary: &Summary, args: &BackfillArgs) {
    let mut out = std::io::stdout().lock();
    // A closed stdout must not turn a finished backfill into an error.
    let _ = writeln!(
        out,
        "backfill: {} added, {} updated, {} unchanged, {} skipped, {} failed",
        summary.added,
        summary.updated,
        summary.unchanged,
        summary.skipped,
        summary.failures.len()
    );
    for failure in &summary.failures {
        let _ = writeln!(out, "  failed: {}", failure_line(failure));
    }
    if args.dry_run {
        let _ = writeln!(
            out,
            "dry run: {} issues would be fetched; nothing was written",
            summary.pending
        );
    } else if summary.stopped {
        let sites = if args.sites.is_empty() {
            String::new()
        } else {
            format!(" {}", args.sites.join(" "))
        };
        let _ = writeln!(
            out,
            "stopped with {} issues left: run `importai-bot backfill{sites}` again to resume where it stopped",
            summary.pending
        );
    } else if !summary.failures.is_empty() {
        let _ = writeln!(
            out,
            "run the backfill again to retry what failed; what is stored stays stored"
        );
    }
}

/// `issue 250: https://…: the server answered 500 Internal Server Error`.
fn failure_line(failure: &Failure) -> String {
    match failure.issue {
        Some(number) => format!("issue {number}: {}: {}", failure.url, failure.reason),
        None => format!("{}: {}", failure.url, failure.reason),
    }
}

/// Progress as it happens: a bar on a terminal, plain lines otherwise.
struct Report {
    bar: Option<ProgressBar>,
    verbose: bool,
    discovered: AtomicUsize,
    stored: AtomicUsize,
    failed: AtomicUsize,
}

impl Report {
    fn new(verbose: bool) -> Report {
        let bar = std::io::stderr().is_terminal().then(|| {
            let style = ProgressStyle::with_template(
                "{spinner} {bar:30} {pos}/{len} fetched, ETA {eta} {wide_msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            let bar = ProgressBar::new(0).with_style(style);
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Report {
            bar,
            verbose,
            discovered: AtomicUsize::new(0),
            stored: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
        }
    }

    fn counts(&self) -> String {
        format!(
            "{} discovered, {} stored, {} failed",
            self.discovered.load(Ordering::Relaxed),
            self.stored.load(Ordering::Relaxed),
            self.failed.load(Ordering::Relaxed)
        )
    }

    fn line(&self, line: &str, to_stderr: bool) {
        let print = || {
            if to_stderr {
                let _ = writeln!(std::io::stderr().lock(), "{line}");
            } else {
                let _ = writeln!(std::io::stdout().lock(), "{line}");
            }
        };
        match &self.bar {
            Some(bar) => bar.suspend(print),
            None => print(),
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Observer for Report {
    fn event(&self, event: Event<'_>) {
        match event {
            Event::Discovered {
                site,
                issues,
                skipped,
            } => {
                self.discovered.fetch_add(issues, Ordering::Relaxed);
                if self.bar.is_none() && issues + skipped > 0 {
                    self.line(
                        &format!("discovered {issues} issues and {skipped} other posts at {site}"),
                        false,
                    );
                }
            }
            Event::ToFetch(count) => {
                if let Some(bar) = &self.bar {
                    bar.set_length(count as u64);
                } else {
                    self.line(&format!("fetching {count} issues"), false);
                }
            }
            Event::Skipped(title) => {
                if self.verbose {
                    self.line(&format!("skipped {title}"), false);
                }
            }
            Event::Stored {
                number,
                title,
                outcome,
            } => {
                self.stored.fetch_add(1, Ordering::Relaxed);
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                self.line(&format!("{} {number} {title}", outcome.as_str()), false);
            }
            Event::Failed(failure) => {
                self.failed.fetch_add(1, Ordering::Relaxed);
                if let (Some(bar), Some(_)) = (&self.bar, failure.issue) {
                    bar.inc(1);
                }
                self.line(&format!("error: {}", failure_line(failure)), true);
            }
        }
        if let Some(bar) = &self.bar {
            bar.set_message(self.counts());
        }
    }
}
