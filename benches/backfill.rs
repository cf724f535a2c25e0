//! A whole backfill: the real `importai-bot backfill --delay 0` against both homes served on
//! 127.0.0.1 (500 issues: 300 on WordPress, 250 on Substack, 50 of them on both, and posts
//! that are not issues), into a new database each round. Reports issues stored per second
//! of wall time and the process's peak resident memory (from the kernel's accounting of
//! the finished child), median of the rounds.
//!
//! Run: `cargo bench --profile dev --bench backfill`

#[path = "../tests/backfill_site/mod.rs"]
mod backfill_site;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use backfill_site::{issue_post, other_post, Site};

const ROUNDS: usize = 5;
const ISSUES: u32 = 500;
/// WordPress holds 1..=300, Substack 251..=500.
const LAST_ON_WORDPRESS: u32 = 300;
const FIRST_ON_SUBSTACK: u32 = 251;

fn title(number: u32) -> String {
    format!("Import AI {number}: Robots, chips and tales")
}

fn date(number: u32) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(2016, 5, 1).unwrap()
        + chrono::Duration::days(i64::from(number) * 7);
    day.format("%Y-%m-%d").to_string()
}

fn site() -> Site {
    let mut wordpress: Vec<_> = (1..=LAST_ON_WORDPRESS)
        .rev()
        .map(|n| issue_post(n, &title(n), &date(n), 6, 6))
        .collect();
    let mut substack: Vec<_> = (FIRST_ON_SUBSTACK..=ISSUES)
        .rev()
        .map(|n| issue_post(n, &title(n), &date(n), 6, 4))
        .collect();
    for id in 0..10 {
        wordpress.insert(
            id as usize * 25,
            other_post(id, "A note to readers", "2018-01-01"),
        );
        substack.insert(
            id as usize * 20,
            other_post(100 + id, "Podcast episode", "2024-01-01"),
        );
    }
    Site::start(substack, wordpress)
}

/// Peak resident memory of the largest child waited for so far, in KiB.
fn children_peak_kib() -> u64 {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given; RUSAGE_CHILDREN is a valid target.
    let usage = unsafe {
        libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr());
        usage.assume_init()
    };
    u64::try_from(usage.ru_maxrss).unwrap_or(0)
}

fn main() {
    let site = site();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("backfill-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    let mut times = Vec::new();
    for round in 0..ROUNDS {
        let db = dir.join(format!("round-{round}.db"));
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        let started = Instant::now();
        let output = Command::new(env!("CARGO_BIN_EXE_importai-bot"))
            .args(["--database-url", &format!("sqlite://{}", db.display())])
            .args(["backfill", &site.substack_url(), &site.wordpress_url()])
            .args(["--delay", "0"])
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .output()
            .expect("the binary runs");
        let took = started.elapsed();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let summary = stdout
            .lines()
            .find(|l| l.starts_with("backfill: "))
            .unwrap_or("");
        // A new database starts with the bundled issues (301 to 310): the backfill updates
        // those and adds the rest.
        assert!(
            output.status.success()
                && summary == "backfill: 490 added, 10 updated, 0 unchanged, 20 skipped, 0 failed",
            "{summary}"
        );
        times.push(took);
    }
    times.sort();
    let median: Duration = times[ROUNDS / 2];
    println!(
        "backfill of {ISSUES} issues (both homes, --delay 0), {ROUNDS} rounds: median {:.2}s, \
         {:.0} issues/s (fastest {:.0}/s, slowest {:.0}/s); peak RSS {:.1} MiB",
        median.as_secs_f64(),
        f64::from(ISSUES) / median.as_secs_f64(),
        f64::from(ISSUES) / times[0].as_secs_f64(),
        f64::from(ISSUES) / times[ROUNDS - 1].as_secs_f64(),
        children_peak_kib() as f64 / 1024.0
    );
}
