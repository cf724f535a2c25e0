//! `/announce set channel` · `/announce off` · `/announce status`: where a server hears about
//! new issues. For members with Manage Server, in servers only: Discord hides the commands
//! from others by default, and the bot checks the permission itself too (poise, for each
//! subcommand), since a server's admins can override that default.

use serenity::all::ChannelId;

use super::{say_privately, BotError, Context};
use crate::answers::{Card, Field, Reply, Tone};
use crate::discord::postable;
use crate::store::{AnnounceSettings, DeliveryState, Kind};

/// Announce new Import AI issues in a channel of this server.
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD",
    subcommands("set", "off", "status"),
    subcommand_required
)]
pub async fn announce(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Announce each new issue in this channel.
#[poise::command(slash_command)]
async fn set(
    ctx: Context<'_>,
    #[description = "The channel for announcements of new issues"]
    #[channel_types("Text", "News")]
    channel: ChannelId,
) -> Result<(), BotError> {
    let Some(guild_id) = ctx.guild_id() else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let reply = match postable::check(ctx, guild_id, channel).await? {
        Some(problem) => Reply::notice("Announcements not changed", problem.to_string()),
        None => {
            let data = ctx.data();
            let now = data.clock.now();
            data.store
                .enable_announcements(guild_id.get(), channel.get(), ctx.author().id.get(), now)
                .await?;
            tracing::info!(guild = %guild_id, %channel, by = %ctx.author().id, "announcements set");
            Reply::notice(
                "Announcements on",
                format!(
                    "Each new issue of Import AI will be announced in <#{channel}> when it \
                     appears in the newsletter's feed. Issues already in the archive are not \
                     announced. `/announce off` stops them."
                ),
            )
        }
    };
    say_privately(ctx, reply).await
}

/// Stop announcing new issues in this server.
#[poise::command(slash_command)]
async fn off(ctx: Context<'_>) -> Result<(), BotError> {
    let Some(guild_id) = ctx.guild_id() else {
        return Ok(());
    };
    let data = ctx.data();
    let was_on = data
        .store
        .announce_settings(guild_id.get())
        .await?
        .is_some_and(|s| s.channel_id.is_some());
    data.store
        .disable_announcements(guild_id.get(), None, data.clock.now())
        .await?;
    tracing::info!(guild = %guild_id, by = %ctx.author().id, "announcements off");
    let text = if was_on {
        "New issues will no longer be announced here. `/announce set` turns them on again."
    } else {
        "Announcements were already off. `/announce set` chooses a channel for them."
    };
    say_privately(ctx, Reply::notice("Announcements off", text)).await
}

/// Where new issues are announced in this server, and how the feed is doing.
#[poise::command(slash_command)]
async fn status(ctx: Context<'_>) -> Result<(), BotError> {
    let Some(guild_id) = ctx.guild_id() else {
        return Ok(());
    };
    let store = &ctx.data().store;
    let settings = store.announce_settings(guild_id.get()).await?;
    let latest = |state| store.latest_delivery(Kind::Announce, guild_id.get(), Some(state));
    let (sent, refused) = (
        latest(DeliveryState::Posted).await?,
        latest(DeliveryState::Failed).await?,
    );
    let feed = store.latest_feed_state().await?;
    let day = |at: chrono::DateTime<chrono::Utc>| at.format("%-d %B %Y, %H:%M UTC").to_string();

    let description = match &settings {
        Some(AnnounceSettings {
            channel_id: Some(channel),
            enabled_at,
            ..
        }) => format!(
            "New issues are announced in <#{channel}>{}.",
            enabled_at
                .map(|at| format!(" (since {})", day(at)))
                .unwrap_or_default()
        ),
        Some(s) if s.disabled_reason.is_some() => format!(
            "Announcements stopped{}: {}.\nChoose a channel with `/announce set`.",
            s.disabled_at
                .map(|at| format!(" on {}", day(at)))
                .unwrap_or_default(),
            s.disabled_reason.as_deref().unwrap_or_default()
        ),
        _ => "Announcements are off. `/announce set` chooses a channel for them.".to_owned(),
    };
    let mut fields = Vec::new();
    // A refusal older than the last announcement that went out is history.
    let refused = refused.filter(|r| sent.as_ref().is_none_or(|s| s.issue < r.issue));
    if let Some(last) = sent {
        fields.push(Field::new(
            "Last announced",
            format!(
                "Import AI {} in <#{}>{}",
                last.issue,
                last.channel,
                last.posted_at
                    .map(|at| format!(", {}", day(at)))
                    .unwrap_or_default()
            ),
        ));
    }
    if let Some(refused) = refused {
        fields.push(Field::new(
            "Not announced",
            format!(
                "Import AI {} in <#{}>: {}",
                refused.issue,
                refused.channel,
                refused.error.unwrap_or_default()
            ),
        ));
    }
    let feed_text = match feed {
        None => "Not checked yet (the bot follows the feed when FEED_URL is set).".to_owned(),
        Some(feed) => match (&feed.last_error, feed.failures) {
            (Some(error), failures) if failures > 0 => format!(
                "The last {} failed{}: {error}",
                if failures == 1 {
                    "check".to_owned()
                } else {
                    format!("{failures} checks")
                },
                feed.last_attempt_at
                    .map(|at| format!(" ({})", day(at)))
                    .unwrap_or_default()
            ),
            _ => format!(
                "Checked {}",
                feed.last_success_at
                    .map(day)
                    .unwrap_or_else(|| "—".to_owned())
            ),
        },
    };
    fields.push(Field::new("Newsletter feed", feed_text));
    let reply = Reply {
        cards: vec![Card {
            title: "Announcements of new issues".to_owned(),
            description,
            fields,
            tone: if settings
                .as_ref()
                .is_some_and(|s| s.disabled_reason.is_some())
            {
                Tone::Problem
            } else {
                Tone::Notice
            },
            ..Card::default()
        }],
        ..Reply::default()
    };
    say_privately(ctx, reply).await
}
