//! `/daily set|off|status|preview`: a Tech Tale posted every day in a channel, for members
//! with Manage Server. Every answer is private to the member who asked.

use super::{say_privately, BotError, Context};
use crate::answers::{limits, tale, Card, Field, Reply, Tone};
use crate::daily::{self, zone_suggestions};
use crate::discord::postable;
use crate::outbox::daily::{next_post_at, next_tale};
use crate::store::{DailySchedule, Delivery, DeliveryState, Kind};
use chrono::{DateTime, Utc};
use serenity::all::{AutocompleteChoice, CreateAutocompleteResponse, PartialChannel};

// Poise checks the server and the permission below for each subcommand too.
/// A Tech Tale posted every day in a channel you choose.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("set", "off", "status", "preview"),
    subcommand_required,
    default_member_permissions = "MANAGE_GUILD",
    required_permissions = "MANAGE_GUILD"
)]
pub async fn daily(_ctx: Context<'_>) -> Result<(), BotError> {
    Ok(())
}

/// Post a Tech Tale every day in a channel, at a local time.
#[poise::command(slash_command)]
async fn set(
    ctx: Context<'_>,
    #[description = "Channel to post the tale in"]
    #[channel_types("Text", "News")]
    channel: PartialChannel,
    #[description = "Local time, 24-hour HH:MM (for example 09:00)"] time: String,
    #[description = "Time zone, for example Europe/Berlin"]
    #[autocomplete = "time_zone"]
    timezone: String,
) -> Result<(), BotError> {
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    let parsed = daily::parse_local_time(&time)
        .and_then(|time| daily::parse_time_zone(&timezone).map(|zone| (time, zone)));
    let (time, zone) = match parsed {
        Ok(rule) => rule,
        Err(problem) => {
            return say_privately(
                ctx,
                Reply::notice("That schedule was not saved", problem.to_string()),
            )
            .await
        }
    };
    ctx.defer_ephemeral().await?;
    if let Some(problem) = postable::check(ctx, guild, channel.id).await? {
        return say_privately(
            ctx,
            Reply::notice("That channel does not work yet", problem.to_string()),
        )
        .await;
    }
    let data = ctx.data();
    let now = data.clock.now();
    let schedule = data
        .store
        .set_daily(guild.get(), channel.id.get(), time, zone, now)
        .await?;
    data.daily.schedule_changed();
    tracing::info!(
        guild = guild.get(),
        channel = channel.id.get(),
        time = %time.format("%H:%M"),
        zone = zone.name(),
        "daily: schedule set"
    );
    let latest = data
        .store
        .latest_delivery(Kind::Daily, guild.get(), None)
        .await?;
    let next = next_post_at(&schedule, latest.as_ref(), now);
    let mut text = format!(
        "A Tech Tale will be posted in <#{}> every day at {} ({}).",
        channel.id,
        time.format("%H:%M"),
        zone.name()
    );
    if let Some(next) = next {
        text.push_str(&format!("\nNext: {}.", when(&schedule, next)));
    }
    say_privately(ctx, Reply::notice("Daily tale on", text)).await
}

/// Stop posting the daily Tech Tale.
#[poise::command(slash_command)]
async fn off(ctx: Context<'_>) -> Result<(), BotError> {
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    let data = ctx.data();
    let was_on = data.store.daily_off(guild.get()).await?;
    data.daily.schedule_changed();
    tracing::info!(guild = guild.get(), was_on, "daily: schedule off");
    let text = if was_on {
        "No more daily tales. `/daily set` starts them again, with no repeats of tales already posted."
    } else {
        "There was no daily tale to stop. `/daily set` starts one."
    };
    say_privately(ctx, Reply::notice("Daily tale off", text)).await
}

/// Where and when the daily Tech Tale is posted, and the last one.
#[poise::command(slash_command)]
async fn status(ctx: Context<'_>) -> Result<(), BotError> {
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    let data = ctx.data();
    let now = data.clock.now();
    let store = &data.store;
    let schedule = store.daily_schedule(guild.get()).await?;
    let latest = store
        .latest_delivery(Kind::Daily, guild.get(), None)
        .await?;
    let last_posted = store
        .latest_delivery(Kind::Daily, guild.get(), Some(DeliveryState::Posted))
        .await?;
    let reply = status_reply(
        guild.get(),
        schedule.as_ref(),
        latest.as_ref(),
        last_posted.as_ref(),
        now,
    );
    say_privately(ctx, reply).await
}

/// Show (only to you) the tale the daily post will bring next.
#[poise::command(slash_command)]
async fn preview(ctx: Context<'_>) -> Result<(), BotError> {
    let Some(guild) = ctx.guild_id() else {
        return Ok(());
    };
    let data = ctx.data();
    let store = &data.store;
    let issue = match next_tale(store, guild.get()).await? {
        Some(number) => store.issue(number).await?,
        None => None,
    };
    let Some(reply) = issue.and_then(|issue| tale::daily_post(&issue).ok()) else {
        return say_privately(
            ctx,
            Reply::notice("No tale to preview", "The archive holds no Tech Tale yet."),
        )
        .await;
    };
    let now = data.clock.now();
    let schedule = store.daily_schedule(guild.get()).await?;
    let latest = store
        .latest_delivery(Kind::Daily, guild.get(), None)
        .await?;
    let next = schedule
        .as_ref()
        .and_then(|s| Some((s, next_post_at(s, latest.as_ref(), now)?)));
    let content = match next {
        Some((schedule, at)) => format!(
            "Preview, only for you: the tale posted next, {}.",
            when(schedule, at)
        ),
        None => "Preview, only for you: the tale the daily post would bring next (it is off; `/daily set` turns it on).".to_owned(),
    };
    let reply = Reply {
        content: Some(content),
        ..reply
    };
    say_privately(ctx, reply).await
}

/// Zone names matching what was typed.
async fn time_zone(_ctx: Context<'_>, typed: &str) -> CreateAutocompleteResponse {
    let names = zone_suggestions(typed, limits::AUTOCOMPLETE_CHOICES);
    CreateAutocompleteResponse::new().set_choices(
        names
            .into_iter()
            .map(|name| AutocompleteChoice::new(name, name))
            .collect(),
    )
}

/// "Tue 2 Jun 2026, 09:00 CEST · <t:…:F> (<t:…:R>)": the server's local time, then the
/// reader's own, as Discord shows timestamps in each reader's zone.
fn when(schedule: &DailySchedule, at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&schedule.zone);
    let unix = at.timestamp();
    format!(
        "{} · <t:{unix}:F> (<t:{unix}:R>)",
        local.format("%a %-d %b %Y, %H:%M %Z")
    )
}

/// The `/daily status` card.
fn status_reply(
    guild: u64,
    schedule: Option<&DailySchedule>,
    latest: Option<&Delivery>,
    last_posted: Option<&Delivery>,
    now: DateTime<Utc>,
) -> Reply {
    let Some(schedule) = schedule else {
        return Reply::notice(
            "Daily tale: off",
            "No daily tale is set up in this server. `/daily set` posts one every day in a channel, at a local time.",
        );
    };
    let mut fields = vec![
        Field::inline("Channel", format!("<#{}>", schedule.channel)),
        Field::inline(
            "Time",
            format!(
                "{} ({})",
                schedule.time.format("%H:%M"),
                schedule.zone.name()
            ),
        ),
    ];
    match next_post_at(schedule, latest, now) {
        Some(next) => fields.push(Field::new("Next post", when(schedule, next))),
        None => fields.push(Field::new("Next post", "none while the daily tale is off")),
    }
    fields.push(Field::new(
        "Last post",
        match last_posted {
            Some(post) => {
                let mut text = format!("{}: the tale of Import AI {}", post.key, post.issue);
                if let Some(message) = post.message_id {
                    text.push_str(&format!(
                        " · https://discord.com/channels/{guild}/{}/{message}",
                        post.channel
                    ));
                }
                text
            }
            None => "none yet".to_owned(),
        },
    ));
    match latest {
        Some(post) if post.is_open() && post.error.is_some() => fields.push(Field::new(
            "Trying again",
            format!(
                "today's post failed ({}); it will be retried today",
                post.error.as_deref().unwrap_or_default()
            ),
        )),
        Some(post) if post.state == DeliveryState::Failed => fields.push(Field::new(
            "Not posted",
            format!(
                "{}: {}",
                post.key,
                post.error.as_deref().unwrap_or("Discord refused it")
            ),
        )),
        _ => {}
    }
    let (title, tone, description) = match (&schedule.problem, schedule.enabled) {
        (_, true) => ("Daily tale: on", Tone::Notice, String::new()),
        (Some(problem), false) => (
            "Daily tale: stopped",
            Tone::Problem,
            format!("Stopped because {problem}. Fix it, then `/daily set` again."),
        ),
        (None, false) => ("Daily tale: stopped", Tone::Problem, String::new()),
    };
    Reply {
        cards: vec![Card {
            title: title.to_owned(),
            description,
            fields,
            tone,
            ..Card::default()
        }],
        ..Reply::default()
    }
}
