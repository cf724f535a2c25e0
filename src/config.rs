//! Settings from the environment or `.env`, checked once at start-up.
//!
//! Each problem is one clear line that says which setting is wrong and how to fix it.

use serenity::all::GuildId;
use std::fmt;

/// A value that must never reach a log line: Debug and Display print a placeholder.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A setting that is missing or malformed.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("DISCORD_TOKEN is not set: put the bot token from the Discord developer portal (Bot tab) in the environment or in .env")]
    MissingToken,
    #[error("DISCORD_TOKEN does not look like a bot token (three dot-separated parts): copy it again from the Discord developer portal (Bot tab)")]
    MalformedToken,
    #[error("DISCORD_GUILD_ID must be a server id (a number such as 123456789012345678), not {0:?}; leave it empty to register commands globally")]
    MalformedGuildId(String),
    #[error("DISCORD_API_BASE must be an http(s) URL such as http://127.0.0.1:3000, not {0:?}; leave it empty to talk to discord.com")]
    MalformedApiBase(String),
    #[error("FEED_URL must be the http(s) URL of the newsletter's RSS feed, such as https://importai.substack.com/feed, not {0:?}; leave it empty to not follow the feed")]
    MalformedFeedUrl(String),
    #[error("FEED_POLL_MINUTES must be a whole number of minutes, at least {min} (default {default}), not {value:?}")]
    MalformedPollMinutes {
        value: String,
        min: u64,
        default: u64,
    },
}

/// Reads one variable; empty counts as unset.
pub fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The bot token, checked for shape (not validity: only Discord can tell that).
pub fn token(value: Option<String>) -> Result<Secret, ConfigError> {
    let token = value.ok_or(ConfigError::MissingToken)?;
    let token = token.strip_prefix("Bot ").unwrap_or(&token).to_owned();
    if serenity::utils::token::validate(&token).is_err() || token.contains(char::is_whitespace) {
        return Err(ConfigError::MalformedToken);
    }
    Ok(Secret::new(token))
}

pub fn guild_id(value: Option<String>) -> Result<Option<GuildId>, ConfigError> {
    value
        .map(|v| match v.parse::<u64>() {
            Ok(id) if id > 0 => Ok(GuildId::new(id)),
            _ => Err(ConfigError::MalformedGuildId(v)),
        })
        .transpose()
}

pub fn api_base(value: Option<String>) -> Result<Option<String>, ConfigError> {
    value
        .map(|v| match reqwest::Url::parse(&v) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => {
                Ok(v.trim_end_matches('/').to_owned())
            }
            _ => Err(ConfigError::MalformedApiBase(v)),
        })
        .transpose()
}

/// The feed to follow, if any.
pub fn feed_url(value: Option<String>) -> Result<Option<String>, ConfigError> {
    value
        .map(|v| match reqwest::Url::parse(&v) {
            Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(v),
            _ => Err(ConfigError::MalformedFeedUrl(v)),
        })
        .transpose()
}

/// Fewest minutes between two polls of the feed.
pub const MIN_POLL_MINUTES: u64 = 5;
/// Minutes between two polls of the feed when FEED_POLL_MINUTES is not set.
pub const DEFAULT_POLL_MINUTES: u64 = 60;

/// How often the feed is polled.
pub fn feed_poll_interval(value: Option<String>) -> Result<std::time::Duration, ConfigError> {
    let minutes = match value {
        None => DEFAULT_POLL_MINUTES,
        Some(v) => match v.parse::<u64>() {
            // Up to a week: beyond that a typo is likelier than a wish.
            Ok(m) if (MIN_POLL_MINUTES..=7 * 24 * 60).contains(&m) => m,
            _ => {
                return Err(ConfigError::MalformedPollMinutes {
                    value: v,
                    min: MIN_POLL_MINUTES,
                    default: DEFAULT_POLL_MINUTES,
                })
            }
        },
    };
    Ok(std::time::Duration::from_secs(minutes * 60))
}

/// The settings for following the feed: FEED_URL and FEED_POLL_MINUTES.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowSettings {
    pub url: String,
    /// Time between polls (more after failures, never less).
    pub interval: std::time::Duration,
}

impl FollowSettings {
    /// From the environment: None when FEED_URL is not set. Both settings are checked either
    /// way, so a malformed one stops the start-up with a clear line.
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        let interval = feed_poll_interval(var("FEED_POLL_MINUTES"))?;
        let url = feed_url(var("FEED_URL"))?;
        Ok(url.map(|url| Self { url, interval }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_or_malformed_token_is_named() {
        assert_eq!(token(None), Err(ConfigError::MissingToken));
        assert_eq!(
            token(Some("not-a-token".into())),
            Err(ConfigError::MalformedToken)
        );
        let ok = token(Some("Bot MTAx.Gx2.abc_DEF".into())).unwrap();
        assert_eq!(ok.expose(), "MTAx.Gx2.abc_DEF");
        assert_eq!(format!("{ok:?}"), "Secret(***)");
    }

    #[test]
    fn guild_ids_are_numbers() {
        assert_eq!(guild_id(None), Ok(None));
        assert_eq!(guild_id(Some("42".into())), Ok(Some(GuildId::new(42))));
        assert!(guild_id(Some("my server".into())).is_err());
        assert!(guild_id(Some("0".into())).is_err());
    }

    #[test]
    fn api_base_must_be_http() {
        assert_eq!(
            api_base(Some("http://127.0.0.1:3000/".into())),
            Ok(Some("http://127.0.0.1:3000".into()))
        );
        assert!(api_base(Some("127.0.0.1:3000".into())).is_err());
        assert!(api_base(Some("ftp://x".into())).is_err());
    }

    #[test]
    fn the_feed_settings_are_checked() {
        assert_eq!(feed_url(None), Ok(None));
        assert_eq!(
            feed_url(Some("https://importai.substack.com/feed".into())),
            Ok(Some("https://importai.substack.com/feed".into()))
        );
        assert!(feed_url(Some("importai.substack.com/feed".into())).is_err());
        let minute = std::time::Duration::from_secs(60);
        assert_eq!(feed_poll_interval(None), Ok(60 * minute));
        assert_eq!(feed_poll_interval(Some("5".into())), Ok(5 * minute));
        for bad in ["4", "0", "-5", "1h", "ten", "99999999"] {
            let error = feed_poll_interval(Some(bad.into())).unwrap_err();
            let line = error.to_string();
            assert!(
                line.starts_with("FEED_POLL_MINUTES") && !line.contains('\n'),
                "{line}"
            );
        }
    }
}
