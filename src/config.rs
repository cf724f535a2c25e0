//! The settings `serve` reads: one clap type ([`ServeArgs`]), each setting a flag or an
//! environment variable (or a line of `.env`), checked once by [`ServeArgs::check`] into
//! the typed [`BotSettings`] the bot runs with.
//!
//! Each problem is one clear line that says which setting is wrong and how to fix it.

use serenity::all::GuildId;
use std::fmt;

use crate::discord::BotSettings;

/// The settings of `serve` as given; nothing is checked until [`ServeArgs::check`].
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ServeArgs {
    /// The bot token, from the Discord developer portal (Bot tab). Prefer the environment or
    /// `.env` to the flag, which other users of the machine can see.
    #[arg(long = "discord-token", env = "DISCORD_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Register the commands in this server only (at once) instead of globally.
    #[arg(long = "discord-guild-id", env = "DISCORD_GUILD_ID")]
    pub guild_id: Option<String>,
    /// Send Discord's REST calls here instead of https://discord.com (a proxy, or a test's).
    #[arg(long = "discord-api-base", env = "DISCORD_API_BASE")]
    pub api_base: Option<String>,
    /// The newsletter's RSS feed to follow; each new issue is stored and announced.
    #[arg(long = "feed-url", env = "FEED_URL")]
    pub feed_url: Option<String>,
    /// Minutes between two polls of the feed (at least 5; 60 when not set).
    #[arg(long = "feed-poll-minutes", env = "FEED_POLL_MINUTES")]
    pub feed_poll_minutes: Option<String>,
    /// Check the settings, print them (the token hidden) and exit, without connecting.
    #[arg(long)]
    pub check_config: bool,
    /// At start-up, run one backfill in the background (every issue from both homes, at
    /// the default politeness); nothing it stores is announced.
    #[arg(long, env = "BACKFILL")]
    pub backfill: bool,
}

impl ServeArgs {
    /// The settings checked, each in turn: the first problem is the error.
    pub fn check(&self) -> Result<BotSettings, ConfigError> {
        let token = token(given(&self.token))?;
        let guild_id = guild_id(given(&self.guild_id))?;
        let api_base = api_base(given(&self.api_base))?;
        let interval = feed_poll_interval(given(&self.feed_poll_minutes))?;
        let feed = feed_url(given(&self.feed_url))?.map(|url| FollowSettings { url, interval });
        Ok(BotSettings {
            token,
            guild_id,
            api_base,
            feed,
        })
    }
}

/// Checked settings as `serve --check-config` prints them, one per line; the token hidden.
pub fn describe(settings: &BotSettings, database_url: &str, backfill: bool) -> String {
    let feed = settings.feed.as_ref();
    let rows = [
        ("DATABASE_URL", database_url.to_owned()),
        (
            "DISCORD_TOKEN",
            format!("set, {} characters (hidden)", settings.token.expose().len()),
        ),
        (
            "DISCORD_GUILD_ID",
            settings.guild_id.map_or_else(
                || "not set: commands are registered globally".to_owned(),
                |id| format!("{id}: commands are registered in this server only"),
            ),
        ),
        (
            "DISCORD_API_BASE",
            settings
                .api_base
                .clone()
                .unwrap_or_else(|| "not set: https://discord.com".to_owned()),
        ),
        (
            "FEED_URL",
            feed.map_or_else(
                || "not set: the feed is not followed".to_owned(),
                |f| f.url.clone(),
            ),
        ),
        (
            "FEED_POLL_MINUTES",
            feed.map_or_else(
                || "unused without FEED_URL".to_owned(),
                |f| (f.interval.as_secs() / 60).to_string(),
            ),
        ),
        (
            "BACKFILL",
            match backfill {
                true => "on: one backfill of both homes in the background at start-up",
                false => "off",
            }
            .to_owned(),
        ),
    ];
    rows.iter()
        .map(|(name, value)| format!("{name:<18} {value}\n"))
        .collect()
}

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

/// A setting as given, trimmed; empty counts as unset.
fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
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
        .map(|v| {
            if is_http_url(&v) {
                Ok(v.trim_end_matches('/').to_owned())
            } else {
                Err(ConfigError::MalformedApiBase(v))
            }
        })
        .transpose()
}

/// The feed to follow, if any.
pub fn feed_url(value: Option<String>) -> Result<Option<String>, ConfigError> {
    value
        .map(|v| {
            if is_http_url(&v) {
                Ok(v)
            } else {
                Err(ConfigError::MalformedFeedUrl(v))
            }
        })
        .transpose()
}

/// An http(s) URL with a host: what the API base and the feed must be.
fn is_http_url(text: &str) -> bool {
    reqwest::Url::parse(text)
        .is_ok_and(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some())
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

    const TOKEN: &str = "MTE4MDAwMDAwMDAwMDAwMDAwMQ.GfAkEt.c2V0dGluZ3MtdGVzdA";

    fn args(token: Option<&str>) -> ServeArgs {
        ServeArgs {
            token: token.map(str::to_owned),
            ..ServeArgs::default()
        }
    }

    #[test]
    fn blank_settings_count_as_unset_and_the_first_problem_is_the_error() {
        let blank = ServeArgs {
            guild_id: Some("  ".into()),
            feed_url: Some(String::new()),
            ..args(Some(TOKEN))
        };
        let settings = blank.check().unwrap();
        assert_eq!(settings.guild_id, None);
        assert!(settings.feed.is_none());

        let two_wrong = ServeArgs {
            guild_id: Some("my server".into()),
            feed_poll_minutes: Some("1".into()),
            ..args(None)
        };
        assert_eq!(two_wrong.check().unwrap_err(), ConfigError::MissingToken);
    }

    #[test]
    fn the_feed_interval_is_checked_even_without_a_feed() {
        let wrong = ServeArgs {
            feed_poll_minutes: Some("1".into()),
            ..args(Some(TOKEN))
        };
        assert!(matches!(
            wrong.check(),
            Err(ConfigError::MalformedPollMinutes { .. })
        ));
    }

    #[test]
    fn the_description_names_every_setting_and_hides_the_token() {
        let settings = ServeArgs {
            feed_url: Some("https://importai.substack.com/feed".into()),
            feed_poll_minutes: Some("30".into()),
            guild_id: Some("42".into()),
            ..args(Some(TOKEN))
        }
        .check()
        .unwrap();
        let text = describe(&settings, "sqlite://archive.db", false);
        assert!(!text.contains(TOKEN) && !text.contains("MTE4"), "{text}");
        for expected in [
            "DATABASE_URL       sqlite://archive.db",
            "DISCORD_TOKEN      set, 52 characters (hidden)",
            "DISCORD_GUILD_ID   42: commands are registered in this server only",
            "DISCORD_API_BASE   not set: https://discord.com",
            "FEED_URL           https://importai.substack.com/feed",
            "FEED_POLL_MINUTES  30",
            "BACKFILL           off",
        ] {
            assert!(
                text.lines().any(|line| line == expected),
                "{expected:?} in {text}"
            );
        }
    }
}
