//! Sources that fight back, from the command line: a folder with a part that cannot be
//! read, redirects away from http(s), and text full of terminal escape sequences.

mod cli_support;

use std::path::Path;

use cli_support::{bundled_archive, path_str, serve_once, substack_sample, Workspace};
use importai_bot::follow::{FetchError, FetchLimits, Fetcher};
use importai_bot::store::Validators;

/// Makes `folder/ddd…/…/ddd…/lost.txt`, nested past the longest path the system reads
/// (unreadable to root too, where permissions would not stop a read). It is built from the
/// bottom up, moving each level into a new parent, so no long path is ever named.
fn folder_nested_past_the_path_limit(folder: &Path) {
    let name = "d".repeat(200);
    let mut top = folder.join("level-0");
    std::fs::create_dir(&top).unwrap();
    std::fs::write(top.join("lost.txt"), "Import AI 998: lost").unwrap();
    for level in 1..25 {
        let parent = folder.join(format!("level-{level}"));
        std::fs::create_dir(&parent).unwrap();
        std::fs::rename(&top, parent.join(&name)).unwrap();
        top = parent;
    }
    std::fs::rename(&top, folder.join(&name)).unwrap();
}

#[test]
fn a_folder_with_an_unreadable_part_stores_the_rest_and_names_that_part() {
    let ws = Workspace::new();
    let folder = ws.dir.path().join("issues");
    std::fs::create_dir_all(folder.join("a")).unwrap();
    std::fs::copy(substack_sample(), folder.join("a/import-ai-320.md")).unwrap();
    std::fs::copy(bundled_archive(), folder.join("z-bundled.txt")).unwrap();
    folder_nested_past_the_path_limit(&folder);
    // Without permission: refused to ordinary users (root reads it anyway).
    let locked = folder.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("secret.txt"), "Import AI 999: hidden").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let locked_readable = std::fs::read_dir(&locked).is_ok();

    let run = ws.run(&["ingest", path_str(&folder)]);

    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    run.assert_failed();
    let (stdout, stderr) = (run.stdout(), run.stderr());
    assert!(stdout.contains("added 320 "), "{stdout}");
    assert!(stdout.contains("310 "), "the files after it too: {stdout}");
    let deep_line = stderr
        .lines()
        .find(|line| line.contains("/dddd"))
        .unwrap_or_else(|| panic!("the deep folder is named: {stderr}"));
    assert!(
        deep_line.starts_with(&format!("error: {}", folder.display())),
        "{deep_line}"
    );
    assert!(deep_line.contains("cannot read it: "), "{deep_line}");
    if !locked_readable {
        assert!(
            stderr.contains(&format!(
                "{}: cannot read it: Permission denied",
                locked.display()
            )),
            "{stderr}"
        );
    }
    assert!(
        !stderr.contains(&format!("error: {}:", folder.display())),
        "the folder itself is not rejected: {stderr}"
    );
}

fn redirect_to(location: &str) -> String {
    serve_once(
        format!(
            "HTTP/1.1 302 Found\r\nLocation: {location}\r\nContent-Length: 0\r\n\
             Connection: close\r\n\r\n"
        ),
        Vec::new(),
    )
}

#[test]
fn a_redirect_away_from_http_is_refused_and_says_where_it_pointed() {
    let ws = Workspace::new();
    for target in ["file:///etc/passwd", "ftp://127.0.0.1/issue.txt"] {
        let base = redirect_to(target);
        let run = ws.run(&["ingest", &format!("{base}/feed")]);
        run.assert_failed();
        let stderr = run.stderr();
        assert!(
            stderr.contains(&format!("redirected to {target}, which is refused")),
            "{target}: {stderr}"
        );
        assert!(!stderr.contains("empty"), "{stderr}");
    }
}

#[tokio::test]
async fn the_feed_poller_refuses_the_same_redirects() {
    let fetcher = Fetcher::new(FetchLimits::default()).unwrap();
    let base = redirect_to("file:///etc/passwd");
    let error = fetcher
        .get(&format!("{base}/feed"), &Validators::default())
        .await
        .expect_err("refused");
    assert!(matches!(error, FetchError::Redirect(_)), "{error:?}");
    assert!(error.to_string().contains("file:///etc/passwd"), "{error}");
}

#[test]
fn escape_sequences_in_archive_text_and_queries_never_reach_the_terminal() {
    let ws = Workspace::new();
    let archive = std::fs::read_to_string(bundled_archive()).unwrap();
    let start = archive.find("Import AI 310:").unwrap();
    let end = archive.find("Import AI 309:").unwrap();
    let hostile = archive[start..end]
        .replacen(
            "Here’s a lovely blog",
            "\u{1b}]0;owned\u{7}\u{1b}[2J\u{9b}31mHere’s a lovely blog",
            1,
        )
        .replacen(
            "AlphaZero learned Chess",
            "AlphaZero\u{1b}]8;;https://evil.example\u{7} learned Chess",
            1,
        );
    let file = ws.file("hostile.txt", hostile);
    ws.run(&["ingest", path_str(&file)]).assert_ok();

    for args in [
        &["ask", "issue", "310"][..],
        &["ask", "section", "310", "1"],
        &["ask", "search", "lovely blog"],
        &["ask", "search", "\u{1b}]0;title\u{7}emergence\u{1b}[31m"],
        &["ask", "search", "\u{1b}[2Jnothing-matches-this"],
    ] {
        let run = ws.run(args);
        let stdout = run.stdout();
        assert!(
            !stdout.chars().any(|c| c.is_control() && c != '\n'),
            "{args:?}: {stdout:?}"
        );
        assert!(!stdout.is_empty(), "{args:?}");
    }
    // JSON keeps them, escaped, for what reads it.
    let json = ws.run(&["ask", "issue", "310", "--json"]);
    assert!(json.stdout().contains("\\u001b"), "{}", json.stdout());
}
