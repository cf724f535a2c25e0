//! `importai-bot ingest`, run as a reader would: good sources are stored, each bad one is
//! named with its reason and changes nothing, and the exit status tells.

mod cli_support;
mod store_support;

use cli_support::{bundled_archive, path_str, serve_once, substack_sample, Workspace};
use store_support::{assert_same_rows, dump};

/// The first issue of the bundled archive, cut off in the middle of its second section.
fn issue_cut_off_mid_section() -> String {
    let archive = std::fs::read_to_string(bundled_archive()).unwrap();
    let start = archive.find("Import AI 310:").unwrap();
    let second_section = archive[start..].find("DeviantArt adds").unwrap();
    let cut = start + second_section + 200;
    let cut = (cut..).find(|&i| archive.is_char_boundary(i)).unwrap();
    archive[start..cut].to_owned()
}

#[tokio::test]
async fn ingesting_the_same_sources_twice_leaves_every_row_as_it_was() {
    let ws = Workspace::new();
    let sources = [path_str(bundled_archive()), path_str(substack_sample())];

    let first = ws.run(&[&["ingest"], &sources[..]].concat());
    first.assert_ok();
    assert!(first.stdout().contains("added 320 "), "{}", first.stdout());
    let before = dump(&ws.url).await;

    let second = ws.run(&[&["ingest"], &sources[..]].concat());
    second.assert_ok();

    let stdout = second.stdout();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 11, "{stdout}");
    assert!(
        lines.iter().all(|l| l.starts_with("unchanged ")),
        "{stdout}"
    );
    assert!(
        lines[0].starts_with("unchanged 310 AlphaZero learned Chess"),
        "{stdout}"
    );
    assert_same_rows(&before, &dump(&ws.url).await, "second ingest");
}

#[tokio::test]
async fn dry_run_parses_without_touching_the_database() {
    let ws = Workspace::new();
    let run = ws.run(&["ingest", "--dry-run", path_str(substack_sample())]);
    run.assert_ok();
    assert!(run.stdout().starts_with("parsed 320 "), "{}", run.stdout());
    assert!(
        !ws.dir.path().join("archive.db").exists(),
        "no database created"
    );
}

/// Each bad source gets `error: <name>: <reason>`, the run fails, the database is as it was.
async fn assert_rejected(ws: &Workspace, name: &str, reason_has: &str) {
    let before = dump(&ws.url).await;
    let run = ws.run(&["ingest", name]);
    run.assert_failed();
    let stderr = run.stderr();
    let line = stderr
        .lines()
        .find(|l| l.starts_with(&format!("error: {name}: ")))
        .unwrap_or_else(|| panic!("no error line for {name}: {stderr}"));
    assert!(
        line.to_lowercase().contains(reason_has),
        "{name}: reason should mention {reason_has:?}: {line}"
    );
    assert_eq!(run.stdout(), "", "nothing reported as stored");
    assert_same_rows(&before, &dump(&ws.url).await, name);
}

#[tokio::test]
async fn bad_sources_are_named_with_their_reason_and_change_nothing() {
    let ws = Workspace::new();
    ws.run(&["export", "310"]).assert_ok(); // creates and fills the database

    ws.file("empty.txt", "");
    assert_rejected(&ws, "empty.txt", "empty").await;

    ws.file(
        "no-header.txt",
        "Just some words.\n\nAnd a second paragraph about AI.\n",
    );
    assert_rejected(&ws, "no-header.txt", "import ai").await;

    let binary: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    ws.file("binary.bin", &binary);
    assert_rejected(&ws, "binary.bin", "").await;

    let mut invalid = b"Import AI 999: Bad bytes\n\nA heading:\n\n".to_vec();
    invalid.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28, b'\n']);
    ws.file("invalid-utf8.txt", &invalid);
    assert_rejected(&ws, "invalid-utf8.txt", "utf-8").await;

    ws.file("cut-off.txt", issue_cut_off_mid_section());
    assert_rejected(&ws, "cut-off.txt", "").await;

    assert_rejected(&ws, "does-not-exist.txt", "no such file").await;
}

#[tokio::test]
async fn a_50_mb_file_is_refused_with_its_size() {
    let ws = Workspace::new();
    ws.run(&["export", "310"]).assert_ok();
    let path = ws.dir.path().join("huge.txt");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(50 * 1024 * 1024).unwrap();

    assert_rejected(&ws, "huge.txt", "50.0 mib").await;
}

#[tokio::test]
async fn a_folder_with_one_bad_file_stores_the_good_ones() {
    let ws = Workspace::new();
    ws.run(&["export", "310"]).assert_ok();
    let archive = std::fs::read_to_string(bundled_archive()).unwrap();
    let start_320 = std::fs::read(substack_sample()).unwrap();
    ws.file("issues/a-320.md", &start_320);
    ws.file("issues/b-bad.txt", "Nothing to see here.\n");
    ws.file(
        "issues/c/nested-301.txt",
        &archive[archive.find("Import AI 301:").unwrap()..],
    );
    ws.file("issues/.hidden.txt", "ignored");

    let run = ws.run(&["ingest", "issues"]);

    run.assert_failed();
    let stdout = run.stdout();
    assert!(stdout.contains("added 320 "), "{stdout}");
    assert!(stdout.contains("unchanged 301 "), "{stdout}");
    let stderr = run.stderr();
    let bad_lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("error: issues/"))
        .collect();
    assert_eq!(bad_lines.len(), 1, "{stderr}");
    assert!(
        bad_lines[0].starts_with("error: issues/b-bad.txt: "),
        "{stderr}"
    );
    assert!(stderr.contains("1 of 3 sources failed"), "{stderr}");
    let export = ws.run(&["export", "320"]);
    export.assert_ok();
}

#[tokio::test]
async fn a_url_is_fetched_and_stored() {
    let ws = Workspace::new();
    let body = std::fs::read(substack_sample()).unwrap();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/markdown\r\nContent-Length: {}\r\n\
         Connection: close\r\n\r\n",
        body.len()
    );
    let base = serve_once(head, body);

    let run = ws.run(&["ingest", &format!("{base}/import-ai-320.md")]);

    run.assert_ok();
    assert!(run.stdout().starts_with("added 320 "), "{}", run.stdout());
}

#[tokio::test]
async fn a_url_announcing_too_much_or_failing_is_refused() {
    let ws = Workspace::new();
    ws.run(&["export", "310"]).assert_ok();
    let huge = serve_once(
        "HTTP/1.1 200 OK\r\nContent-Length: 52428800\r\nConnection: close\r\n\r\n".to_owned(),
        Vec::new(),
    );
    let missing = serve_once(
        "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
        Vec::new(),
    );

    assert_rejected(&ws, &format!("{huge}/feed.xml"), "50.0 mib").await;
    assert_rejected(&ws, &format!("{missing}/feed.xml"), "404").await;
}
