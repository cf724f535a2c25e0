//! Running the real `importai-bot` binary against a database in a temporary folder.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;

/// A temporary folder holding the database, and room for source files.
pub struct Workspace {
    pub dir: TempDir,
    pub url: String,
}

impl Workspace {
    pub fn new() -> Workspace {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}", dir.path().join("archive.db").display());
        Workspace { dir, url }
    }

    /// Runs the binary with `--database-url` set to this workspace's database.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_importai-bot"))
            .arg("--database-url")
            .arg(&self.url)
            .args(args)
            .env_remove("DATABASE_URL")
            .env("RUST_LOG", "warn")
            .current_dir(self.dir.path())
            .output()
            .expect("the binary runs");
        Run(output)
    }

    /// Writes a file under the workspace and returns its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(name);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("folder");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }
}

/// What a run printed and how it exited.
pub struct Run(pub Output);

impl Run {
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    pub fn succeeded(&self) -> bool {
        self.0.status.success()
    }

    /// Asserts the run exited 0, showing what it printed if not.
    pub fn assert_ok(&self) -> &Self {
        assert!(
            self.succeeded(),
            "failed:\n{}\n{}",
            self.stdout(),
            self.stderr()
        );
        self
    }

    /// Asserts the run failed cleanly: non-zero, no panic.
    pub fn assert_failed(&self) -> &Self {
        assert!(
            !self.succeeded(),
            "succeeded:\n{}\n{}",
            self.stdout(),
            self.stderr()
        );
        assert!(!self.stderr().contains("panicked"), "{}", self.stderr());
        assert_ne!(self.0.status.code(), None, "killed by a signal");
        self
    }
}

/// The bundled archive in the source tree.
pub fn bundled_archive() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/import-ai-301-310.txt"
    ))
}

/// The Substack Markdown sample.
pub fn substack_sample() -> &'static Path {
    Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/import-ai-320.substack.md"
    ))
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("UTF-8 path")
}

/// Serves one HTTP response on loopback, for as many requests as come; returns the base URL.
pub fn serve_once(head: String, body: Vec<u8>) -> String {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    url
}
