//! The real issues in `../shared/corpus` (beside the checkout, never copied into it). Tests
//! that read them skip, saying why, where the folder is absent (a fresh clone).

#![allow(dead_code)]

use std::path::PathBuf;

pub fn dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus"))
}

/// The corpus folder, or `None` after printing why the calling test skips.
pub fn available() -> Option<PathBuf> {
    let dir = dir();
    if dir.join("README.md").is_file() {
        Some(dir)
    } else {
        println!(
            "skipped: the corpus of real issues is not at {} (it sits beside the checkout in CI)",
            dir.display()
        );
        None
    }
}

/// A corpus file's text.
pub fn read(name: &str) -> String {
    let path = dir().join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every issue file of the corpus (its README and NOTES left out), by name.
pub fn issue_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .expect("corpus folder")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name != "README.md" && name != "NOTES.md" && !name.starts_with('.'))
        .collect();
    names.sort();
    names
}
