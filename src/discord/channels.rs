//! The outbox's view of Discord, through serenity's HTTP client.

use std::sync::Arc;

use chrono::DateTime;
use serenity::all::{ChannelId, GetMessages, Http, HttpError, MessageType, Nonce};

use super::render;
use crate::answers::Reply;
use crate::outbox::{Channels, Recent, SendError};

/// Discord's channels as the outbox sees them: serenity's HTTP client.
#[derive(Clone)]
pub struct DiscordChannels(Arc<Http>);

impl DiscordChannels {
    pub fn new(http: Arc<Http>) -> Self {
        Self(http)
    }
}

#[async_trait::async_trait]
impl Channels for DiscordChannels {
    async fn send(&self, channel: u64, reply: &Reply, nonce: &str) -> Result<u64, SendError> {
        let message = render::channel_message(reply)
            .nonce(Nonce::String(nonce.to_owned()))
            .enforce_nonce(true);
        let sent = ChannelId::new(channel).send_message(&self.0, message).await;
        sent.map(|m| m.id.get()).map_err(send_error)
    }

    async fn recent(&self, channel: u64, limit: u8) -> Result<Vec<Recent>, SendError> {
        let messages = ChannelId::new(channel)
            .messages(&self.0, GetMessages::new().limit(limit))
            .await
            .map_err(send_error)?;
        Ok(messages
            .into_iter()
            .map(|m| {
                let embed = m.embeds.into_iter().next();
                Recent {
                    id: m.id.get(),
                    author: m.author.id.get(),
                    regular: m.kind == MessageType::Regular,
                    nonce: m.nonce.map(|n| match n {
                        Nonce::String(n) => n,
                        Nonce::Number(n) => n.to_string(),
                    }),
                    created: DateTime::from_timestamp(m.id.created_at().unix_timestamp(), 0)
                        .unwrap_or_default(),
                    content: m.content,
                    title: embed.as_ref().and_then(|e| e.title.clone()),
                    footer: embed.and_then(|e| e.footer.map(|f| f.text)),
                }
            })
            .collect())
    }
}

fn send_error(error: serenity::Error) -> SendError {
    match error {
        serenity::Error::Http(HttpError::UnsuccessfulRequest(response)) => SendError::Refused {
            status: response.status_code.as_u16(),
            code: response.error.code as i64,
            message: response.error.message,
        },
        serenity::Error::Model(_) | serenity::Error::Json(_) => {
            SendError::Invalid(error.to_string())
        }
        other => SendError::Unreachable(other.to_string()),
    }
}
