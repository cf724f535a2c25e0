//! Opening the database from the command line, as people get it wrong or do it at once:
//! URLs that would lose the archive are refused, many processes may open a new database
//! together, an issue numbered 0 is refused at ingest, and database errors name their
//! cause once.

mod cli_support;

use std::process::{Command, Output};

use cli_support::{bundled_archive, path_str, Run, Workspace};

/// Runs the binary in `dir` with `args`, DATABASE_URL set to `database_url` (or unset).
fn run_with_env(dir: &std::path::Path, database_url: Option<&str>, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_importai-bot"));
    command
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .current_dir(dir);
    if let Some(url) = database_url {
        command.env("DATABASE_URL", url);
    }
    Run(command.output().expect("the binary runs"))
}

/// Every file in the folder, for "nothing was created".
fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn urls_that_would_lose_the_archive_are_refused_with_what_to_do() {
    let ws = Workspace::new();
    let source = path_str(bundled_archive());

    // DATABASE_URL set but empty, as `DATABASE_URL= importai-bot ingest …` does.
    let empty = run_with_env(ws.dir.path(), Some(""), &["ingest", source]);
    empty.assert_failed();
    assert!(
        empty.stdout().is_empty(),
        "nothing reported stored: {}",
        empty.stdout()
    );
    let stderr = empty.stderr();
    assert!(stderr.contains("it is empty"), "{stderr}");
    assert!(
        stderr.contains("DATABASE_URL") && stderr.contains("sqlite://"),
        "{stderr}"
    );

    for (url, reason) in [
        ("", "it is empty"),
        ("sqlite://", "names no file"),
        ("sqlite::memory:", "in-memory"),
        ("sqlite://:memory:", "in-memory"),
        ("sqlite://archive.db?mode=memory", "in-memory"),
        ("not a url", "does not start with sqlite:"),
    ] {
        let run = run_with_env(
            ws.dir.path(),
            None,
            &["--database-url", url, "ingest", source],
        );
        run.assert_failed();
        assert!(run.stdout().is_empty(), "{url:?}: {}", run.stdout());
        assert!(run.stderr().contains(reason), "{url:?}: {}", run.stderr());
        assert_eq!(
            run.stderr().lines().count(),
            1,
            "one line: {}",
            run.stderr()
        );
    }
    assert!(
        files_in(ws.dir.path()).is_empty(),
        "no file was created: {:?}",
        files_in(ws.dir.path())
    );
}

#[test]
fn eight_processes_opening_a_new_database_at_once_all_succeed() {
    let dir = tempfile::tempdir().unwrap();
    for round in 0..20 {
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("new-{round}.db")).display()
        );
        let children: Vec<_> = (0..8)
            .map(|_| {
                Command::new(env!("CARGO_BIN_EXE_importai-bot"))
                    .args(["--database-url", &url, "ask", "about"])
                    .env_remove("DATABASE_URL")
                    .env("RUST_LOG", "warn")
                    .stdout(std::process::Stdio::piped())
                    .stderr(std::process::Stdio::piped())
                    .spawn()
                    .expect("the binary starts")
            })
            .collect();
        let outputs: Vec<Output> = children
            .into_iter()
            .map(|child| child.wait_with_output().unwrap())
            .collect();
        for output in &outputs {
            let run = Run(output.clone());
            assert!(
                run.succeeded(),
                "round {round}: {}\n{}",
                run.stdout(),
                run.stderr()
            );
            assert!(
                run.stdout().contains("301"),
                "round {round}: {}",
                run.stdout()
            );
        }
    }
}

#[test]
fn an_issue_numbered_zero_is_refused_at_ingest() {
    let ws = Workspace::new();
    let zero = ws.file(
        "zero.txt",
        "Import AI 0: Before the beginning\n\n\
         A heading about nothing:\n…a teaser…\nSome body text about robots.\n",
    );
    let run = ws.run(&["ingest", path_str(&zero)]);
    run.assert_failed();
    let stderr = run.stderr();
    assert!(
        stderr.contains("zero.txt") && stderr.contains("issue 0") && stderr.contains("from 1"),
        "{stderr}"
    );
    let search = ws.run(&["ask", "search", "robots"]);
    assert!(
        !search.stdout().contains("Before the beginning"),
        "{}",
        search.stdout()
    );
}

#[test]
fn a_database_error_names_its_cause_once() {
    let ws = Workspace::new();
    ws.file(
        "archive.db",
        "this is not a SQLite database, only text that says so\n".repeat(100),
    );
    let run = ws.run(&["ask", "about"]);
    run.assert_failed();
    let stderr = run.stderr();
    assert_eq!(
        stderr.matches("file is not a database").count(),
        1,
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("error returned from database").count(),
        1,
        "{stderr}"
    );
}
