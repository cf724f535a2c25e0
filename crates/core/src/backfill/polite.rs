//! Requests a crawl makes, politely: a minimum delay between two requests to one host,
//! `429` answered by waiting as long as `Retry-After` says, server errors and timeouts tried
//! again after a growing pause, and nothing new started once the crawl is told to stop.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::follow::{FetchError, Fetched, Fetcher};
use crate::store::Validators;

/// Requests in flight at once, over all hosts.
pub const MAX_IN_FLIGHT: usize = 2;
/// Tries of one request when the server fails or times out.
pub const TRIES: u32 = 3;
/// `429` answers waited out before the request is given up.
const MAX_RATE_LIMITED: u32 = 10;
/// The longest `Retry-After` honoured; a server asking for more is given up on.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(15 * 60);
/// A `429` without `Retry-After` waits this long.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Why a polite request brought nothing.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("the server asked to wait {}s (Retry-After), longer than the {}s accepted", .0.as_secs(), MAX_RETRY_AFTER.as_secs())]
    WaitTooLong(Duration),
    #[error("stopped before the request was sent")]
    Stopped,
}

/// A page fetched.
#[derive(Debug, Clone, Default)]
pub struct Page {
    pub bytes: Vec<u8>,
    pub headers: HeaderMap,
    /// To send back on the next request for the same URL.
    pub validators: Validators,
}

/// An HTTP client shared by every site of a crawl.
#[derive(Debug)]
pub struct PoliteClient {
    fetcher: Fetcher,
    delay: Duration,
    /// The first pause after a failure; it doubles with each further try.
    backoff: Duration,
    stop: CancellationToken,
    /// When the next request to each host (`host:port`) may start.
    next_slot: Mutex<HashMap<String, Instant>>,
    in_flight: tokio::sync::Semaphore,
}

impl PoliteClient {
    pub fn new(
        fetcher: Fetcher,
        delay: Duration,
        backoff: Duration,
        stop: CancellationToken,
    ) -> Self {
        Self {
            fetcher,
            delay,
            backoff,
            stop,
            next_slot: Mutex::new(HashMap::new()),
            in_flight: tokio::sync::Semaphore::new(MAX_IN_FLIGHT),
        }
    }

    pub fn stopped(&self) -> bool {
        self.stop.is_cancelled()
    }

    /// GETs `url`, returning its body and headers.
    pub async fn get(&self, url: &str) -> Result<(Vec<u8>, HeaderMap), RequestError> {
        let fetched = self.get_if_changed(url, &Validators::default()).await?;
        Ok(fetched.map_or_else(Default::default, |page| (page.bytes, page.headers)))
    }

    /// GETs `url` with the validators of the last fetch: None when the server answers that
    /// nothing changed (304).
    pub async fn get_if_changed(
        &self,
        url: &str,
        last: &Validators,
    ) -> Result<Option<Page>, RequestError> {
        let mut failures = 0;
        let mut rate_limited = 0;
        loop {
            let permit = self
                .in_flight
                .acquire()
                .await
                .map_err(|_| RequestError::Stopped)?;
            self.wait_for_slot(url).await?;
            let fetched = self.fetcher.get_with_headers(url, last).await;
            drop(permit);
            let error = match fetched {
                Ok((
                    Fetched::Body {
                        bytes, validators, ..
                    },
                    headers,
                )) => {
                    return Ok(Some(Page {
                        bytes,
                        headers,
                        validators,
                    }))
                }
                Ok((Fetched::NotModified, _)) => return Ok(None),
                Err(error) => error,
            };
            let pause = match &error {
                FetchError::Status {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    retry_after,
                } => {
                    rate_limited += 1;
                    let wait = retry_after.unwrap_or(DEFAULT_RETRY_AFTER);
                    if wait > MAX_RETRY_AFTER {
                        return Err(RequestError::WaitTooLong(wait));
                    }
                    if rate_limited >= MAX_RATE_LIMITED {
                        return Err(error.into());
                    }
                    tracing::info!(url, wait_secs = wait.as_secs(), "rate limited; waiting");
                    wait
                }
                FetchError::Status { status, .. } if status.is_server_error() => {
                    failures += 1;
                    self.backoff_after(failures, error)?
                }
                FetchError::Timeout { .. } | FetchError::Connect(_) | FetchError::Other(_) => {
                    failures += 1;
                    self.backoff_after(failures, error)?
                }
                _ => return Err(error.into()),
            };
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                () = self.stop.cancelled() => return Err(RequestError::Stopped),
            }
        }
    }

    /// The pause before the next try, or the error when the tries are spent.
    fn backoff_after(&self, failures: u32, error: FetchError) -> Result<Duration, RequestError> {
        if failures >= TRIES {
            return Err(error.into());
        }
        tracing::info!(%error, failures, "request failed; trying again");
        Ok(self.backoff * 2u32.saturating_pow(failures - 1))
    }

    /// Waits until a request to `url`'s host may start, keeping `delay` between any two
    /// starts to one host even when several tasks ask at once.
    async fn wait_for_slot(&self, url: &str) -> Result<(), RequestError> {
        if self.stopped() {
            return Err(RequestError::Stopped);
        }
        let host = reqwest::Url::parse(url)
            .ok()
            .and_then(|url| {
                Some(format!(
                    "{}:{}",
                    url.host_str()?,
                    url.port_or_known_default()?
                ))
            })
            .unwrap_or_default();
        let start = {
            let mut slots = self.next_slot.lock().unwrap_or_else(|e| e.into_inner());
            let now = Instant::now();
            let slot = slots.entry(host).or_insert(now);
            let start = (*slot).max(now);
            *slot = start + self.delay;
            start
        };
        tokio::select! {
            () = tokio::time::sleep_until(start) => Ok(()),
            () = self.stop.cancelled() => Err(RequestError::Stopped),
        }
    }
}
