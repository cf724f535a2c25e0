//! `importai-bot backfill` against both homes of a newsletter served on 127.0.0.1: discovery
//! through each API, issues held by both homes, early titles, posts that are not issues,
//! faults the crawl must ride out, the WordPress feed when its REST API is off, and a
//! backfill killed part-way and resumed.

mod backfill_site;
mod cli_support;

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use backfill_site::{issue_post, other_post, Fault, Post, Site};
use cli_support::Workspace;
use serde_json::Value;

/// Issues only WordPress has (the early years), both have, and only Substack has.
const WORDPRESS_ONLY: std::ops::RangeInclusive<u32> = 1..=34;
const BOTH: std::ops::RangeInclusive<u32> = 35..=40;
const SUBSTACK_ONLY: std::ops::RangeInclusive<u32> = 41..=60;
/// Issues up to this one carry the early title format (`Import AI: #12: …`).
const LAST_EARLY_TITLE: u32 = 10;

fn date(number: u32) -> String {
    let day = chrono::NaiveDate::from_ymd_opt(2016, 5, 1).unwrap()
        + chrono::Duration::weeks(i64::from(number));
    day.format("%Y-%m-%d").to_string()
}

/// The WordPress posts, newest first: every issue up to the last one both homes hold (the
/// shared ones with every link's address), the early ones with early titles, and three
/// posts that are not issues.
fn wordpress_posts() -> Vec<Post> {
    let mut posts: Vec<Post> = WORDPRESS_ONLY
        .chain(BOTH)
        .rev()
        .map(|n| {
            let title = if n <= LAST_EARLY_TITLE {
                format!("Import AI: #{n}: Robots learn trick {n}")
            } else {
                format!("Import AI {n}: Chips, robots & tales – part {n}")
            };
            issue_post(n, &title, &date(n), 3, 3)
        })
        .collect();
    posts.insert(
        3,
        other_post(1, "Announcing the Import AI podcast", "2017-01-01"),
    );
    posts.insert(
        9,
        other_post(2, "Import AI: a year in review", "2017-12-30"),
    );
    posts.push(other_post(3, "Hello world!", "2016-04-01"));
    posts
}

/// The Substack posts, newest first: the shared issues with fewer link addresses, newer
/// issues, and two posts that are not issues.
fn substack_posts() -> Vec<Post> {
    let mut posts: Vec<Post> = BOTH
        .chain(SUBSTACK_ONLY)
        .rev()
        .map(|n| {
            issue_post(
                n,
                &format!("Import AI {n}: Chips, robots & tales – part {n}"),
                &date(n),
                3,
                1,
            )
        })
        .collect();
    posts.insert(
        5,
        other_post(4, "Import AI is moving to Substack", "2023-01-01"),
    );
    posts.push(other_post(5, "Coming soon", "2022-12-01"));
    posts
}

fn both_homes() -> Site {
    Site::start(substack_posts(), wordpress_posts())
}

const ISSUES: usize = 60;
const OTHER_POSTS: usize = 5;

fn backfill(workspace: &Workspace, site: &Site, extra: &[&str]) -> cli_support::Run {
    let (substack, wordpress) = (site.substack_url(), site.wordpress_url());
    let mut args = vec!["backfill", &substack, &wordpress, "--delay", "0"];
    args.extend_from_slice(extra);
    workspace.run(&args)
}

fn summary_line(run: &cli_support::Run) -> String {
    run.stdout()
        .lines()
        .find(|line| line.starts_with("backfill: "))
        .unwrap_or_else(|| panic!("no summary:\n{}\n{}", run.stdout(), run.stderr()))
        .to_owned()
}

/// One issue as `export` gives it.
fn export(workspace: &Workspace, number: u32) -> Value {
    let run = workspace.run(&["export", &number.to_string()]);
    run.assert_ok();
    serde_json::from_str(&run.stdout()).expect("export JSON")
}

fn rest_page(page: u32) -> String {
    format!("/wp-json/wp/v2/posts?per_page=100&page={page}&_fields=id,date,link,title,content")
}

fn export_all(workspace: &Workspace) -> String {
    let run = workspace.run(&["export", "--all"]);
    run.assert_ok();
    run.stdout()
}

fn issue(exported: &Value) -> &Value {
    exported
        .as_array()
        .and_then(|issues| issues.first())
        .or_else(|| exported.get("issues").and_then(|i| i.get(0)))
        .unwrap_or(exported)
}

/// Requests for one issue's body from the Substack post API.
fn body_requests(site: &Site) -> Vec<(String, usize)> {
    site.requests()
        .into_iter()
        .filter(|(target, _)| target.starts_with("/api/v1/posts/"))
        .collect()
}

/// Starts a backfill of both homes slow enough (40 ms between requests) to be stopped
/// part-way.
fn start_backfill(workspace: &Workspace, site: &Site, output: fn() -> Stdio) -> Child {
    let (substack, wordpress) = (site.substack_url(), site.wordpress_url());
    Command::new(env!("CARGO_BIN_EXE_importai-bot"))
        .args(["--database-url", &workspace.url, "backfill"])
        .args([&substack, &wordpress, "--delay", "40"])
        .env_remove("DATABASE_URL")
        .stdout(output())
        .stderr(output())
        .spawn()
        .expect("the binary runs")
}

/// Waits until the site has served `count` issue bodies.
fn wait_for_bodies(site: &Site, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while body_requests(site).len() < count {
        assert!(Instant::now() < deadline, "the backfill never got going");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn both_homes_fill_the_archive_once_and_a_second_run_changes_nothing() {
    let site = both_homes();
    let workspace = Workspace::new();
    let run = backfill(&workspace, &site, &["--verbose"]);
    run.assert_ok();
    assert_eq!(
        summary_line(&run),
        format!(
            "backfill: {ISSUES} added, 0 updated, 0 unchanged, {OTHER_POSTS} skipped, 0 failed"
        )
    );
    let out = run.stdout();
    assert!(
        out.contains("skipped Announcing the Import AI podcast"),
        "{out}"
    );
    assert!(out.contains("skipped Import AI: a year in review"), "{out}");
    assert!(out.contains("added 5 Robots learn trick 5"), "{out}");

    // Shared issue: WordPress's copy has every link's address and is kept, with the
    // Substack address as the read-online link.
    let shared = export(&workspace, 37);
    let shared = issue(&shared);
    assert_eq!(
        shared["url"],
        "https://importai.substack.com/p/import-ai-37"
    );
    assert_eq!(shared["title"], "Chips, robots & tales – part 37");
    assert_eq!(shared["published"], date(37));
    let sections = shared["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 3);
    assert!(
        sections.iter().all(|s| s["links"][0]["url"].is_string()),
        "{shared}"
    );
    assert_eq!(shared["tale"]["title"], "The Archivist 37");
    assert_eq!(shared["tale"]["setting"], "Earth, 2031");

    // An early issue: only on WordPress, its early title read.
    let early = export(&workspace, 3);
    let early = issue(&early);
    assert_eq!(
        early["url"],
        backfill_site::wordpress_link(
            &wordpress_posts()
                .iter()
                .find(|p| p.title.contains("#3:"))
                .unwrap()
                .clone()
        )
    );
    assert_eq!(early["title"], "Robots learn trick 3");

    // Each body was fetched once.
    let bodies = body_requests(&site);
    assert_eq!(bodies.len(), BOTH.count() + SUBSTACK_ONLY.count());
    assert!(bodies.iter().all(|(_, n)| *n == 1), "{bodies:?}");

    let before = export_all(&workspace);
    let first_run = site.log().len();
    let again = backfill(&workspace, &site, &[]);
    again.assert_ok();
    // The listings were asked again, conditionally, and each answered 304.
    let listings: Vec<_> = site.log().split_off(first_run);
    assert!(!listings.is_empty());
    assert!(listings.iter().all(|r| r.not_modified), "{listings:?}");
    assert_eq!(
        summary_line(&again),
        format!(
            "backfill: 0 added, 0 updated, {ISSUES} unchanged, {OTHER_POSTS} skipped, 0 failed"
        )
    );
    assert!(
        body_requests(&site).iter().all(|(_, n)| *n == 1),
        "a body was fetched again"
    );
    assert_eq!(export_all(&workspace), before);
}

#[test]
fn rate_limits_server_errors_and_stalls_are_ridden_out() {
    let site = both_homes();
    let first_page = "/api/v1/archive?sort=new&offset=0&limit=50";
    site.fault("substack", first_page, Fault::RateLimited(1));
    site.fault("substack", "/api/v1/posts/import-ai-45", Fault::ServerError);
    site.fault(
        "substack",
        "/api/v1/posts/import-ai-50",
        Fault::Stall(Duration::from_secs(5)),
    );
    site.fault("wordpress", &rest_page(1), Fault::ServerError);
    let workspace = Workspace::new();
    let run = backfill(
        &workspace,
        &site,
        &["--timeout", "1", "--retry-wait", "100"],
    );
    run.assert_ok();
    assert!(
        summary_line(&run).contains(&format!("{ISSUES} added")),
        "{}",
        run.stdout()
    );
    assert_eq!(site.count("substack", first_page), 2);
    assert_eq!(site.count("substack", "/api/v1/posts/import-ai-45"), 2);
    assert_eq!(site.count("substack", "/api/v1/posts/import-ai-50"), 2);
    assert_eq!(site.count("wordpress", &rest_page(1)), 2);
    // The retry after the 429 waited the second Retry-After asked for.
    let archive: Vec<Instant> = site
        .log()
        .into_iter()
        .filter(|r| r.home == "substack" && r.target == first_page)
        .map(|r| r.at)
        .collect();
    assert!(
        archive[1] - archive[0] >= Duration::from_millis(950),
        "{:?}",
        archive[1] - archive[0]
    );
    assert_eq!(
        issue(&export(&workspace, 50))["tale"]["title"],
        "The Archivist 50"
    );
}

#[test]
fn a_body_that_cannot_be_read_is_reported_and_the_others_are_stored() {
    let mut substack = substack_posts();
    let broken = substack
        .iter_mut()
        .find(|p| p.slug == "import-ai-44")
        .unwrap();
    broken.body_html = format!("{}<p>deep</p>", "<div>".repeat(1100));
    let site = Site::start(substack, wordpress_posts());
    let workspace = Workspace::new();
    let run = backfill(&workspace, &site, &[]);
    run.assert_failed();
    assert_eq!(run.0.status.code(), Some(1));
    assert_eq!(
        summary_line(&run),
        format!(
            "backfill: {} added, 0 updated, 0 unchanged, {OTHER_POSTS} skipped, 1 failed",
            ISSUES - 1
        )
    );
    let out = run.stdout();
    assert!(
        out.contains("failed: issue 44: https://importai.substack.com/p/import-ai-44: the post could not be read:")
            && out.contains("nested more than 1000 levels"),
        "{out}"
    );
    assert!(run.stderr().contains("error: issue 44"), "{}", run.stderr());
    let missing = workspace.run(&["export", "44"]);
    assert!(!missing.succeeded(), "issue 44 was stored");
    export(&workspace, 43);
    export(&workspace, 45);

    // The next run tries the failed post again, and only it.
    let again = backfill(&workspace, &site, &[]);
    assert_eq!(again.0.status.code(), Some(1));
    assert_eq!(site.requests()["/api/v1/posts/import-ai-44"], 2);
    assert_eq!(site.requests()["/api/v1/posts/import-ai-43"], 1);
}

#[test]
fn without_the_rest_api_the_paged_feed_is_read() {
    let site = Site::start(Vec::new(), wordpress_posts());
    site.rest_off();
    let workspace = Workspace::new();
    let wordpress = site.wordpress_url();
    let run = workspace.run(&["backfill", &wordpress, "--delay", "0"]);
    run.assert_ok();
    let wordpress_issues = WORDPRESS_ONLY.count() + BOTH.count();
    assert_eq!(
        summary_line(&run),
        format!("backfill: {wordpress_issues} added, 0 updated, 0 unchanged, 3 skipped, 0 failed")
    );
    let requests = site.requests();
    let pages = (wordpress_issues + 3).div_ceil(10);
    for page in 1..=pages {
        assert_eq!(requests[&format!("/feed/?paged={page}")], 1, "{requests:?}");
    }
    let early = export(&workspace, 7);
    assert_eq!(issue(&early)["published"], date(7));
    assert_eq!(issue(&early)["sections"].as_array().unwrap().len(), 3);
}

#[test]
fn a_backfill_killed_part_way_resumes_without_fetching_anything_twice() {
    // The whole run, uninterrupted, for comparison.
    let reference_site = both_homes();
    let reference = Workspace::new();
    backfill(&reference, &reference_site, &[]).assert_ok();

    let site = both_homes();
    let workspace = Workspace::new();
    let mut child = start_backfill(&workspace, &site, Stdio::null);
    wait_for_bodies(&site, 8);
    child.kill().expect("kill -9");
    child.wait().expect("reaped");
    let first = site.requests();
    assert!(
        body_requests(&site).len() < BOTH.count() + SUBSTACK_ONLY.count(),
        "killed too late"
    );

    let resumed = backfill(&workspace, &site, &[]);
    resumed.assert_ok();
    let after = site.requests();
    // At most the requests in flight at the kill are made again.
    let repeated: Vec<&String> = first
        .keys()
        .filter(|target| after[*target] > first[*target])
        .collect();
    assert!(repeated.len() <= 2, "fetched again: {repeated:?}");
    assert!(after.values().all(|&n| n <= 2), "{after:?}");
    assert_eq!(export_all(&workspace), export_all(&reference));
}

#[test]
fn the_delay_spaces_requests_to_each_host() {
    let site = Site::start(
        (41..=44)
            .rev()
            .map(|n| issue_post(n, &format!("Import AI {n}: Tales"), &date(n), 2, 2))
            .collect(),
        (1..=3)
            .rev()
            .map(|n| issue_post(n, &format!("Import AI {n}: Tales"), &date(n), 2, 2))
            .collect(),
    );
    let workspace = Workspace::new();
    let (substack, wordpress) = (site.substack_url(), site.wordpress_url());
    workspace
        .run(&["backfill", &substack, &wordpress, "--delay", "150"])
        .assert_ok();
    let log = site.log();
    for home in ["substack", "wordpress"] {
        let times: Vec<Instant> = log
            .iter()
            .filter(|r| r.home == home)
            .map(|r| r.at)
            .collect();
        assert!(times.len() >= 2, "{home}: {log:?}");
        // The client spaces the starts of its requests; their arrivals here jitter by the
        // scheduling of a loaded machine, which the whole run's length averages out.
        let span = times[times.len() - 1] - times[0];
        let least = Duration::from_millis(150) * (times.len() as u32 - 1);
        assert!(
            span + Duration::from_millis(60) >= least,
            "{home}: {} requests in {span:?}",
            times.len()
        );
        for pair in times.windows(2) {
            assert!(
                pair[1] - pair[0] >= Duration::from_millis(75),
                "{home}: {:?}",
                pair[1] - pair[0]
            );
        }
    }
}

#[test]
fn a_dry_run_only_reads_the_listings() {
    let site = both_homes();
    let workspace = Workspace::new();
    let run = backfill(&workspace, &site, &["--dry-run", "--since", "51"]);
    run.assert_ok();
    assert!(
        run.stdout()
            .contains("dry run: 10 issues would be fetched; nothing was written"),
        "{}",
        run.stdout()
    );
    assert!(body_requests(&site).is_empty());
    assert!(!workspace.dir.path().join("archive.db").exists());
}

#[test]
fn ctrl_c_stops_after_the_request_in_flight_and_says_how_to_resume() {
    let site = both_homes();
    let workspace = Workspace::new();
    let (substack, wordpress) = (site.substack_url(), site.wordpress_url());
    let child = start_backfill(&workspace, &site, Stdio::piped);
    wait_for_bodies(&site, 5);
    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    let output = child.wait_with_output().expect("it ends");
    let run = cli_support::Run(output);
    assert_eq!(
        run.0.status.code(),
        Some(130),
        "{}\n{}",
        run.stdout(),
        run.stderr()
    );
    assert!(
        run.stderr()
            .contains("stopping after the request in flight"),
        "{}",
        run.stderr()
    );
    assert!(
        run.stdout().contains("again to resume where it stopped")
            && run
                .stdout()
                .contains(&format!("`importai-bot backfill {substack} {wordpress}`")),
        "{}",
        run.stdout()
    );
    let stopped_at = body_requests(&site).len();
    assert!(
        stopped_at < BOTH.count() + SUBSTACK_ONLY.count(),
        "stopped too late"
    );

    let resumed = backfill(&workspace, &site, &[]);
    resumed.assert_ok();
    assert!(
        body_requests(&site).iter().all(|(_, n)| *n == 1),
        "a body was fetched twice"
    );
    let stored: usize = ["added", "unchanged"]
        .iter()
        .map(|word| {
            let summary = summary_line(&resumed);
            summary
                .split(", ")
                .find_map(|part| {
                    part.trim_start_matches("backfill: ")
                        .strip_suffix(&format!(" {word}"))
                        .map(|n| n.parse::<usize>().unwrap())
                })
                .unwrap_or(0)
        })
        .sum();
    assert_eq!(stored, ISSUES, "{}", summary_line(&resumed));
}
