//! Before the shards start: ask Discord how many the bot needs, patiently.
//!
//! A rate limit (429, whose body need not carry Discord's usual `code`) or a server error
//! at start-up is waited out with back-off, honouring `Retry-After`; a network failure is
//! tried a few times, so that a wrong DISCORD_API_BASE or no network says so instead of
//! waiting silently; a refused token (401, 403) or another refusal stops `serve` with a line
//! that says what to fix.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, RETRY_AFTER};
use reqwest::StatusCode;
use serde::Deserialize;

use crate::config::Secret;

/// Where Discord's API lives when DISCORD_API_BASE is not set.
const DISCORD: &str = "https://discord.com";
/// The first wait after a failure; it doubles per failure up to [`LONGEST_WAIT`].
const FIRST_WAIT: Duration = Duration::from_secs(1);
const LONGEST_WAIT: Duration = Duration::from_secs(60);
/// A `Retry-After` longer than this is taken as this: the bot keeps trying.
const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(600);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Tries while nothing answers at all (1 + 2 + 4 s of waiting) before start-up gives up.
const UNREACHABLE_TRIES: u32 = 4;

/// Why the bot cannot start; each message says what to check.
#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error("cannot set up the HTTP client ({0}): check the system's TLS set-up")]
    HttpClient(#[source] reqwest::Error),
    #[error(
        "no answer from {url} after {tries} tries ({why}): check the network, and \
         DISCORD_API_BASE if it is set"
    )]
    Unreachable {
        url: String,
        tries: u32,
        why: String,
    },
    #[error(
        "Discord refused the bot token ({0}): check DISCORD_TOKEN, copying it again from the \
         Discord developer portal (Bot tab, Reset Token) if it was reset"
    )]
    TokenRefused(StatusCode),
    #[error("Discord answered {status} to {url}: check DISCORD_API_BASE (unset, it is {DISCORD})")]
    Refused { status: StatusCode, url: String },
}

#[derive(Deserialize)]
struct BotGateway {
    shards: u32,
}

/// What one attempt found out.
enum Attempt {
    Shards(u32),
    /// Worth another try, after `wait` if Discord said how long.
    Retry {
        why: String,
        wait: Option<Duration>,
    },
    /// Nothing answered: worth a few tries only.
    Unreachable(String),
}

/// The number of shards Discord recommends (`GET /gateway/bot`), asked until Discord
/// answers or refuses the token.
pub(super) async fn recommended_shards(
    api_base: Option<&str>,
    token: &Secret,
) -> Result<u32, StartupError> {
    let base = api_base.unwrap_or(DISCORD).trim_end_matches('/');
    let url = format!("{base}/api/v10/gateway/bot");
    let client = reqwest::Client::builder()
        .timeout(REQUEST_TIMEOUT)
        .user_agent(concat!("importai-bot/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(StartupError::HttpClient)?;
    let mut failures = 0u32;
    let mut unanswered = 0u32;
    loop {
        let (why, wait) = match attempt(&client, &url, token).await? {
            Attempt::Shards(shards) => return Ok(shards),
            Attempt::Retry { why, wait } => (why, wait),
            Attempt::Unreachable(why) => {
                unanswered += 1;
                if unanswered >= UNREACHABLE_TRIES {
                    return Err(StartupError::Unreachable {
                        url,
                        tries: unanswered,
                        why,
                    });
                }
                (why, None)
            }
        };
        let wait = wait.unwrap_or_else(|| back_off(failures));
        failures += 1;
        tracing::warn!(
            %url,
            why,
            retry_in_ms = wait.as_millis() as u64,
            "Discord is not ready for the bot yet; trying again"
        );
        tokio::time::sleep(wait).await;
    }
}

async fn attempt(
    client: &reqwest::Client,
    url: &str,
    token: &Secret,
) -> Result<Attempt, StartupError> {
    let response = match client
        .get(url)
        .header(AUTHORIZATION, format!("Bot {}", token.expose()))
        .send()
        .await
    {
        Ok(response) => response,
        Err(error) => return Ok(Attempt::Unreachable(innermost(&error))),
    };
    let status = response.status();
    let retry_after = retry_after(response.headers());
    let body = response.text().await.unwrap_or_default();
    match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => Err(StartupError::TokenRefused(status)),
        StatusCode::TOO_MANY_REQUESTS => Ok(Attempt::Retry {
            why: format!("rate limited ({status})"),
            wait: retry_after.or_else(|| retry_after_in_body(&body)),
        }),
        status if status.is_server_error() => Ok(Attempt::Retry {
            why: format!("Discord answered {status}"),
            wait: retry_after,
        }),
        status if status.is_success() => match serde_json::from_str::<BotGateway>(&body) {
            Ok(gateway) => Ok(Attempt::Shards(gateway.shards.max(1))),
            Err(error) => Ok(Attempt::Retry {
                why: format!("the answer is not the gateway's: {error}"),
                wait: None,
            }),
        },
        status => Err(StartupError::Refused {
            status,
            url: url.to_owned(),
        }),
    }
}

/// 1 s, 2 s, 4 s, … up to a minute.
fn back_off(failures: u32) -> Duration {
    FIRST_WAIT
        .saturating_mul(2u32.saturating_pow(failures))
        .min(LONGEST_WAIT)
}

/// `Retry-After` in seconds (Discord sends whole or fractional seconds).
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let seconds: f64 = headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    seconds_to_wait(seconds)
}

/// Discord's 429 body: `{"message": …, "retry_after": 0.5, "global": false}`.
fn retry_after_in_body(body: &str) -> Option<Duration> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    seconds_to_wait(value.get("retry_after")?.as_f64()?)
}

fn seconds_to_wait(seconds: f64) -> Option<Duration> {
    (seconds.is_finite() && seconds >= 0.0)
        .then(|| Duration::from_secs_f64(seconds.min(LONGEST_RETRY_AFTER.as_secs_f64())))
}

/// The most specific cause of a failed request ("Connection refused (os error 111)").
fn innermost(error: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_up_to_a_minute() {
        let waits: Vec<u64> = (0..9).map(|n| back_off(n).as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(back_off(u32::MAX), LONGEST_WAIT);
    }

    #[test]
    fn retry_after_comes_from_the_header_or_the_body() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(RETRY_AFTER, "1.5".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_millis(1500)));
        headers.insert(RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
        assert_eq!(
            retry_after_in_body(
                r#"{"message":"You are being rate limited.","retry_after":0.25,"global":false}"#
            ),
            Some(Duration::from_millis(250))
        );
        assert_eq!(retry_after_in_body("{}"), None);
        assert_eq!(seconds_to_wait(1e12), Some(LONGEST_RETRY_AFTER));
        assert_eq!(seconds_to_wait(-1.0), None);
    }
}
