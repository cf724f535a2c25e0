//! Fetching a feed over HTTP: conditional GET (ETag / Last-Modified), connect and total
//! timeouts, and a size limit enforced while the body streams in.

use std::time::Duration;

use reqwest::header::{
    HeaderMap, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED, RETRY_AFTER,
};
use reqwest::StatusCode;
use thiserror::Error;

use super::redirects::{self, RedirectRefused};
use crate::store::Validators;

/// Bounds on one fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchLimits {
    pub connect_timeout: Duration,
    /// For the whole request, from connecting to the last byte of the body.
    pub total_timeout: Duration,
    /// The largest body accepted, counted as it arrives (after decompression).
    pub max_bytes: usize,
}

impl Default for FetchLimits {
    fn default() -> Self {
        Self {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(60),
            max_bytes: 10 * 1024 * 1024,
        }
    }
}

/// What a fetch brought.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: the feed is as it was at the last fetch.
    NotModified,
    Body {
        bytes: Vec<u8>,
        /// To send back on the next request.
        validators: Validators,
        content_type: Option<String>,
    },
}

/// Why a fetch failed. Messages are the reason a log line or the CLI prints after the URL.
#[derive(Debug, Error)]
pub enum FetchError {
    #[error("cannot connect: {0}")]
    Connect(String),
    #[error(
        "timed out (the limits are {}s to connect and {}s for the whole answer)",
        .connect.as_secs(),
        .total.as_secs()
    )]
    Timeout { connect: Duration, total: Duration },
    #[error("the server answered {status}")]
    Status {
        status: StatusCode,
        /// How long the server asked to be left alone (`Retry-After` on a 429 or 503).
        retry_after: Option<Duration>,
    },
    #[error("the answer is larger than {} MiB, the most accepted", .max / (1024 * 1024))]
    TooLarge { max: usize },
    #[error("the request failed: {0}")]
    Other(String),
    #[error("{0}")]
    Redirect(RedirectRefused),
}

/// An HTTP client for feeds and pages: rustls, timeouts, a recognisable user agent.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    limits: FetchLimits,
}

impl Fetcher {
    pub fn new(limits: FetchLimits) -> reqwest::Result<Self> {
        let client = reqwest::Client::builder()
            .connect_timeout(limits.connect_timeout)
            .timeout(limits.total_timeout)
            .redirect(redirects::policy())
            .user_agent(concat!("importai-bot/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self { client, limits })
    }

    pub fn limits(&self) -> FetchLimits {
        self.limits
    }

    /// GETs `url`, sending the validators of the last fetch so that an unchanged resource
    /// costs a 304 and no body.
    pub async fn get(&self, url: &str, last: &Validators) -> Result<Fetched, FetchError> {
        self.get_with_headers(url, last)
            .await
            .map(|(fetched, _)| fetched)
    }

    /// Like [`Fetcher::get`], also returning the response's headers (an API's paging
    /// headers, say); they are empty on a 304.
    pub async fn get_with_headers(
        &self,
        url: &str,
        last: &Validators,
    ) -> Result<(Fetched, HeaderMap), FetchError> {
        let mut request = self.client.get(url);
        if let Some(etag) = &last.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(date) = &last.last_modified {
            request = request.header(IF_MODIFIED_SINCE, date);
        }
        let mut response = request.send().await.map_err(|e| self.error(e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok((Fetched::NotModified, HeaderMap::new()));
        }
        if let Some(refused) = redirects::unfollowed(&response) {
            return Err(FetchError::Redirect(refused));
        }
        if !status.is_success() {
            return Err(FetchError::Status {
                status,
                retry_after: retry_after(response.headers()),
            });
        }
        let max = self.limits.max_bytes;
        if response.content_length().is_some_and(|n| n > max as u64) {
            return Err(FetchError::TooLarge { max });
        }
        let headers = response.headers().clone();
        // The announced length may be absent or wrong: count what actually arrives.
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.error(e))? {
            if bytes.len() + chunk.len() > max {
                return Err(FetchError::TooLarge { max });
            }
            bytes.extend_from_slice(&chunk);
        }
        let fetched = Fetched::Body {
            bytes,
            validators: validators(&headers),
            content_type: header(&headers, CONTENT_TYPE),
        };
        Ok((fetched, headers))
    }

    fn error(&self, error: reqwest::Error) -> FetchError {
        if let Some(refused) = redirects::refused_in(&error) {
            FetchError::Redirect(refused)
        } else if error.is_timeout() {
            FetchError::Timeout {
                connect: self.limits.connect_timeout,
                total: self.limits.total_timeout,
            }
        } else if error.is_connect() {
            FetchError::Connect(innermost(&error))
        } else {
            FetchError::Other(innermost(&error))
        }
    }
}

fn validators(headers: &HeaderMap) -> Validators {
    Validators {
        etag: header(headers, ETAG),
        last_modified: header(headers, LAST_MODIFIED),
    }
}

/// `Retry-After` as seconds or as an HTTP date (then counted from now; a date in the past
/// means at once).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = header(headers, RETRY_AFTER)?;
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(&value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

fn header(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The most specific cause ("Connection refused (os error 111)"), not reqwest's outer
/// "error sending request for url (...)", which repeats the URL the caller already names.
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}
