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
}
