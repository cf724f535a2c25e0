//! Where ingested text comes from: files, folders (expanded to their files) and http(s)
//! URLs. Every read is capped at the parser's limit, and a file's size is checked before
//! a single byte of it is read.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use thiserror::Error;

use crate::archive::MAX_SOURCE_BYTES;
use crate::follow::redirects::{self, RedirectRefused};

/// How long fetching one URL may take, connecting and downloading together.
const FETCH_TIMEOUT: Duration = Duration::from_secs(60);

/// One file or URL to ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    Url(String),
}

/// An input that yielded no readable source, with the name the reader gave.
#[derive(Debug)]
pub struct Unusable {
    pub name: String,
    pub error: SourceError,
}

/// Why a source could not be read. The message is the reason, shown after its name.
#[derive(Debug, Error)]
pub enum SourceError {
    #[error("no such file or folder")]
    NotFound,
    #[error("it is neither a file nor a folder")]
    NotAFile,
    #[error("the folder holds no files (hidden ones are skipped)")]
    EmptyFolder,
    #[error("cannot read it: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "it is {} but sources are read up to {}: split it into smaller files",
        human_size(*size),
        human_size(MAX_SOURCE_BYTES as u64)
    )]
    TooLarge { size: u64 },
    #[error(
        "it is larger than {}, the most a source may be: split it into smaller files",
        human_size(MAX_SOURCE_BYTES as u64)
    )]
    TooLargeDownload,
    #[error("cannot fetch it: {}", with_causes(.0))]
    Fetch(#[from] reqwest::Error),
    #[error("{0}")]
    Redirect(RedirectRefused),
}

impl Source {
    /// The name a reader recognises: the path as given, or the URL.
    pub fn name(&self) -> String {
        match self {
            Source::File(path) => path.display().to_string(),
            Source::Url(url) => url.clone(),
        }
    }

    /// The source's bytes, at most [`MAX_SOURCE_BYTES`].
    pub async fn read(&self, client: &reqwest::Client) -> Result<Vec<u8>, SourceError> {
        match self {
            Source::File(path) => read_file(path),
            Source::Url(url) => fetch(client, url).await,
        }
    }
}

/// A source's name made short for a report line: a file by its file name, a URL whole.
pub fn short_name(name: &str) -> &str {
    if name.contains("://") {
        return name;
    }
    Path::new(name)
        .file_name()
        .and_then(|file| file.to_str())
        .unwrap_or(name)
}

/// An HTTP client for [`Source::read`]: rustls, a timeout, a recognisable user agent.
pub fn http_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(FETCH_TIMEOUT)
        .redirect(redirects::policy())
        .user_agent(concat!("importai-bot/", env!("CARGO_PKG_VERSION")))
        .build()
}

/// Turns the inputs into sources, in order: a URL stays as it is, a file is itself, a folder
/// becomes its files (recursively, sorted by name, hidden entries skipped).
pub fn expand(inputs: &[String]) -> Vec<Result<Source, Unusable>> {
    let mut sources = Vec::new();
    for input in inputs {
        if is_url(input) {
            sources.push(Ok(Source::Url(input.clone())));
            continue;
        }
        let unusable = |error| Unusable {
            name: input.clone(),
            error,
        };
        let path = PathBuf::from(input);
        match std::fs::metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                sources.push(Err(unusable(SourceError::NotFound)))
            }
            Err(e) => sources.push(Err(unusable(SourceError::Io(e)))),
            Ok(meta) if meta.is_file() => sources.push(Ok(Source::File(path))),
            Ok(meta) if meta.is_dir() => {
                let before = sources.len();
                walk(&path, &mut sources);
                if sources.len() == before {
                    sources.push(Err(unusable(SourceError::EmptyFolder)));
                }
            }
            Ok(_) => sources.push(Err(unusable(SourceError::NotAFile))),
        }
    }
    sources
}

fn is_url(input: &str) -> bool {
    let lower = input.get(..8).unwrap_or(input).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// Appends the non-hidden files under `folder` as sources, depth first in name order.
/// Whatever cannot be read (a folder without permission, say) is appended as unusable,
/// under its own path, and the walk goes on with the rest. Symbolic links to files are
/// followed; links to folders are not, so a link cycle cannot recurse forever.
fn walk(folder: &Path, sources: &mut Vec<Result<Source, Unusable>>) {
    let unreadable = |path: &Path, error| {
        Err(Unusable {
            name: path.display().to_string(),
            error: SourceError::Io(error),
        })
    };
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) => return sources.push(unreadable(folder, error)),
    };
    let mut readable = Vec::new();
    for entry in entries {
        match entry {
            Ok(entry) => readable.push(entry),
            Err(error) => sources.push(unreadable(folder, error)),
        }
    }
    readable.sort_by_key(|entry| entry.file_name());
    for entry in readable {
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        match entry.file_type() {
            Err(error) => sources.push(unreadable(&path, error)),
            Ok(kind) if kind.is_dir() => walk(&path, sources),
            Ok(kind) if kind.is_file() || (kind.is_symlink() && path.is_file()) => {
                sources.push(Ok(Source::File(path)))
            }
            Ok(_) => {}
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, SourceError> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > MAX_SOURCE_BYTES as u64 {
        return Err(SourceError::TooLarge { size });
    }
    // Read one byte past the limit, in case the file grew since its size was checked.
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_SOURCE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(SourceError::TooLargeDownload);
    }
    Ok(bytes)
}

async fn fetch(client: &reqwest::Client, url: &str) -> Result<Vec<u8>, SourceError> {
    let response = client.get(url).send().await.map_err(|error| {
        redirects::refused_in(&error).map_or(SourceError::Fetch(error), SourceError::Redirect)
    })?;
    if let Some(refused) = redirects::unfollowed(&response) {
        return Err(SourceError::Redirect(refused));
    }
    let mut response = response.error_for_status()?;
    if let Some(size) = response.content_length() {
        if size > MAX_SOURCE_BYTES as u64 {
            return Err(SourceError::TooLarge { size });
        }
    }
    // The announced length may be absent or wrong: count what actually arrives.
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if bytes.len() + chunk.len() > MAX_SOURCE_BYTES {
            return Err(SourceError::TooLargeDownload);
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok(bytes)
}

/// An error and its causes, "a: b: c": reqwest's own message alone rarely says what failed.
fn with_causes(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut cause = error.source();
    while let Some(inner) = cause {
        message.push_str(": ");
        message.push_str(&inner.to_string());
        cause = inner.source();
    }
    message
}

/// "50.0 MiB", "12 KiB", "300 bytes".
fn human_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    if bytes >= MIB {
        format!("{:.1} MiB", bytes as f64 / MIB as f64)
    } else if bytes >= KIB {
        format!("{} KiB", bytes / KIB)
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_a_person_would_say_them() {
        assert_eq!(human_size(50 * 1024 * 1024), "50.0 MiB");
        assert_eq!(human_size(16 * 1024 * 1024), "16.0 MiB");
        assert_eq!(human_size(2048), "2 KiB");
        assert_eq!(human_size(12), "12 bytes");
    }

    #[test]
    fn urls_are_told_from_paths() {
        assert!(is_url("https://jack-clark.net/feed/"));
        assert!(is_url("HTTP://example.org"));
        assert!(!is_url("http"));
        assert!(!is_url("data/import-ai-301-310.txt"));
        assert!(!is_url("ftp://example.org/a.txt"));
    }
}
