//! Whether the bot may post in a channel an admin chose (`/daily set`, `/announce set`):
//! asked fresh from Discord, since a channel may have changed since the cache last heard.

use serenity::all::{ChannelId, ChannelType, GuildChannel, GuildId, Permissions};

use super::{BotError, Context};

/// What the bot needs in a channel to post a message with an embed.
const NEEDED: Permissions = Permissions::VIEW_CHANNEL
    .union(Permissions::SEND_MESSAGES)
    .union(Permissions::EMBED_LINKS);

/// Why the bot cannot post in a chosen channel; each message says what the admin can do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unpostable {
    #[error(
        "I cannot see <#{0}>. Give me the View Channel, Send Messages and Embed Links \
         permissions there, or choose another channel."
    )]
    Unseen(ChannelId),
    #[error("<#{0}> is not a channel of this server: choose one of this server's channels.")]
    OtherServer(ChannelId),
    #[error("<#{0}> is not a text or announcement channel: choose one of those.")]
    NotText(ChannelId),
    #[error(
        "I cannot post in <#{channel}>: I am missing {missing}. Give me those permissions \
         there, or choose another channel."
    )]
    Missing { channel: ChannelId, missing: String },
}

/// None if the bot can post in `channel_id` of `guild_id`, else why not. Discord failing to
/// answer (other than refusing the channel) is an error.
pub async fn check(
    ctx: Context<'_>,
    guild_id: GuildId,
    channel_id: ChannelId,
) -> Result<Option<Unpostable>, BotError> {
    let channel: GuildChannel = match ctx.http().get_channel(channel_id).await {
        Ok(channel) => match channel.guild() {
            Some(channel) => channel,
            None => return Ok(Some(Unpostable::OtherServer(channel_id))),
        },
        Err(error) if is_client_error(&error) => return Ok(Some(Unpostable::Unseen(channel_id))),
        Err(error) => return Err(error.into()),
    };
    if channel.guild_id != guild_id {
        return Ok(Some(Unpostable::OtherServer(channel_id)));
    }
    if !matches!(channel.kind, ChannelType::Text | ChannelType::News) {
        return Ok(Some(Unpostable::NotText(channel_id)));
    }
    let bot_id = ctx.framework().bot_id();
    let member = guild_id.member(ctx, bot_id).await?;
    let cached = ctx
        .guild()
        .map(|guild| guild.user_permissions_in(&channel, &member));
    let permissions = match cached {
        Some(permissions) => permissions,
        None => guild_id
            .to_partial_guild(ctx)
            .await?
            .user_permissions_in(&channel, &member),
    };
    let missing = NEEDED - permissions;
    Ok((!missing.is_empty()).then(|| Unpostable::Missing {
        channel: channel_id,
        missing: missing.get_permission_names().join(", "),
    }))
}

fn is_client_error(error: &serenity::Error) -> bool {
    matches!(error, serenity::Error::Http(e) if e.status_code().is_some_and(|s| s.is_client_error()))
}
