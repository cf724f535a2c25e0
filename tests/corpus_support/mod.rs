//! The real issues in `../shared/corpus`, beside the checkout: Jack Clark's texts as people
//! hold them, which the repository must not copy. Where the folder is absent (a fresh clone)
//! the corpus tests print why and check nothing else.
// Each test file uses only some of these helpers.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use importai_bot::archive::model::{LinkPlace, TextPart};
use importai_bot::archive::{self, Issue, Link, Section};
use importai_bot::store::Store;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus");

/// The corpus folder, or `None` after printing why the tests skip.
pub fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(CORPUS);
    if dir.join("README.md").is_file() {
        Some(dir.to_path_buf())
    } else {
        eprintln!(
            "skipped: no corpus of real issues at {} (it lives beside the checkout, never in it)",
            dir.display()
        );
        None
    }
}

/// Every corpus file (not the folder's README and NOTES) with its bytes, in name order; or
/// `None` when the corpus is absent.
pub fn files() -> Option<Vec<(String, Vec<u8>)>> {
    let dir = corpus_dir()?;
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name != "README.md" && name != "NOTES.md")
        .collect();
    names.sort();
    Some(
        names
            .into_iter()
            .map(|name| {
                let bytes = std::fs::read(dir.join(&name)).unwrap();
                (name, bytes)
            })
            .collect(),
    )
}

/// A corpus file's text.
pub fn text(file: &str) -> String {
    let path = Path::new(CORPUS).join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The issues read from one corpus file, or `None` when the corpus is absent. A file that
/// does not parse fails the test with the parser's message.
pub fn read(file: &str) -> Option<Vec<Issue>> {
    let path = corpus_dir()?.join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|error| panic!("{file}: {error}"));
    Some(archive::parse(file, &bytes).unwrap_or_else(|error| panic!("{file}: {error}")))
}

/// The one issue numbered `number` in a corpus file.
pub fn issue(file: &str, number: u32) -> Option<Issue> {
    let issues = read(file)?;
    let found = issues.into_iter().find(|issue| issue.number == number);
    Some(found.unwrap_or_else(|| panic!("{file}: no issue {number}")))
}

/// A store in `dir` holding the bundled archive and, when the corpus is beside the checkout,
/// every corpus file ingested as its own source.
pub async fn store(dir: &tempfile::TempDir) -> Store {
    let url = format!("sqlite://{}", dir.path().join("archive.db").display());
    let store = Store::open(&url).await.unwrap();
    for (name, bytes) in files().unwrap_or_default() {
        let issues = archive::parse(&name, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        store
            .ingest_copies(&name, &issues)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
    }
    store
}

/// The words a link in the text is placed on: characters `start..end` of its paragraph of
/// the section's part; `None` for a link item.
pub fn placed_words(section: &Section, link: &Link) -> Option<String> {
    let Some(LinkPlace::Inline {
        part,
        paragraph,
        start,
        end,
    }) = link.at
    else {
        return None;
    };
    let text = match part {
        TextPart::Body => section.body.as_str(),
        TextPart::WhyItMatters => section.why_it_matters.as_deref()?,
    };
    let paragraph = text.split("\n\n").nth(paragraph as usize)?;
    Some(
        paragraph
            .chars()
            .skip(start as usize)
            .take((end - start) as usize)
            .collect(),
    )
}
