//! A conference mirrored as a Discord Scheduled Event, so it shows in the server's Events tab:
//! all-day in the chapter's zone, updated on edits and deleted on removal. It needs the Create
//! Events permission; without it the conference is kept and the officer is told.

use chrono::{DateTime, Duration, Utc};
use poise::serenity_prelude as serenity;

use crate::discord::Data;
use crate::domain::cadence::local_instant;
use crate::domain::conference::{Conference, ConferenceDetails};
use crate::domain::{GuildId, TimeZone};

/// What mirroring did, as the officer is told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Mirrored {
    /// Created or updated: the event's id.
    Done(u64),
    /// Deleted, or there was nothing to delete.
    Removed,
    /// The bot lacks the permission.
    NoPermission,
    /// Discord refused or did not answer; the text says what happened.
    Failed(String),
}

impl Mirrored {
    /// A sentence for the officer, after the main answer ("" when all went well).
    pub(super) fn note(&self) -> String {
        match self {
            Mirrored::Done(_) | Mirrored::Removed => String::new(),
            Mirrored::NoPermission => " I couldn't update the server's Events tab: give me the **Create Events** permission (the README's install link asks for it). The calendar itself is saved.".to_owned(),
            Mirrored::Failed(what) => format!(" The server's Events tab was not updated ({what}); the calendar itself is saved."),
        }
    }
}

/// Whether the bot may create and edit its own events in this server.
pub(super) fn may_manage_events(app_permissions: Option<serenity::Permissions>) -> bool {
    app_permissions.is_some_and(|p| {
        p.contains(serenity::Permissions::CREATE_EVENTS)
            || p.contains(serenity::Permissions::MANAGE_EVENTS)
            || p.contains(serenity::Permissions::ADMINISTRATOR)
    })
}

/// The event's start and end: midnight to midnight in the chapter's zone. Discord refuses a
/// start in the past, so one under way starts a minute from now.
fn span(
    d: &ConferenceDetails,
    zone: TimeZone,
    now: DateTime<Utc>,
) -> (DateTime<Utc>, DateTime<Utc>) {
    let start = local_instant(d.starts_on, 0, zone).max(now + Duration::minutes(1));
    let end = local_instant(d.ends_on + Duration::days(1), 0, zone);
    (start, end.max(start + Duration::minutes(1)))
}

fn timestamp(at: DateTime<Utc>) -> serenity::Timestamp {
    serenity::Timestamp::from_unix_timestamp(at.timestamp())
        .unwrap_or_else(|_| serenity::Timestamp::now())
}

fn description(d: &ConferenceDetails) -> String {
    let mut text = format!(
        "{} conference in {}. Going? /conference join",
        d.kind.label(),
        d.city
    );
    if let Some(url) = &d.url {
        text.push_str(&format!("\n{url}"));
    }
    crate::domain::text::cut(&text, 1000).into_owned()
}

fn failed(e: &serenity::Error) -> Mirrored {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))
            if r.status_code.as_u16() == 403 =>
        {
            Mirrored::NoPermission
        }
        _ => Mirrored::Failed("Discord refused or did not answer".to_owned()),
    }
}

/// Creates the event for a conference just added.
pub(super) async fn create(
    ctx: &serenity::Context,
    data: &Data,
    guild: GuildId,
    c: &Conference,
    zone: TimeZone,
) -> Mirrored {
    let (start, end) = span(&c.details, zone, data.clock.now());
    let builder = serenity::CreateScheduledEvent::new(
        serenity::ScheduledEventType::External,
        crate::domain::text::cut(&c.details.name, 100).into_owned(),
        timestamp(start),
    )
    .end_time(timestamp(end))
    .location(crate::domain::text::cut(&c.details.city, 100).into_owned())
    .description(description(&c.details));
    let call = serenity::GuildId::new(guild.get()).create_scheduled_event(ctx, builder);
    let (unknown, timed_out) = match tokio::time::timeout(data.request_timeout, call).await {
        Ok(Ok(event)) => return Mirrored::Done(event.id.get()),
        Ok(Err(e)) if refused(&e) => {
            tracing::warn!(error = %e, "could not create a scheduled event");
            return failed(&e);
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "a scheduled event's creation got no clear answer");
            (
                Mirrored::Failed("Discord refused or did not answer".to_owned()),
                false,
            )
        }
        Err(_) => (
            Mirrored::Failed("Discord did not answer in time".to_owned()),
            true,
        ),
    };
    // Discord may have made it anyway: find it, so it is kept up to date and removed with the
    // conference instead of left behind in the Events tab. A request that timed out may still
    // be finishing: look once more a little later.
    for attempt in 0..2 {
        if let Some(id) = find_ours(ctx, data, guild, &c.details.name, start).await {
            return Mirrored::Done(id);
        }
        if !timed_out || attempt == 1 {
            break;
        }
        tokio::time::sleep(LOOK_AGAIN_AFTER).await;
    }
    unknown
}

/// How long after a timed-out creation the bot looks for the event a second time.
const LOOK_AGAIN_AFTER: std::time::Duration = std::time::Duration::from_secs(2);

/// Discord answered with a refusal (4xx): it did nothing.
fn refused(e: &serenity::Error) -> bool {
    matches!(e, serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) if r.status_code.is_client_error())
}

/// The event the bot created for a conference named `name` starting at `start`, if the
/// server has one (looked up after a creation whose answer was lost).
async fn find_ours(
    ctx: &serenity::Context,
    data: &Data,
    guild: GuildId,
    name: &str,
    start: DateTime<Utc>,
) -> Option<u64> {
    let me = ctx.cache.current_user().id;
    let name = crate::domain::text::cut(name, 100).into_owned();
    let look = serenity::GuildId::new(guild.get()).scheduled_events(ctx, false);
    let events = match tokio::time::timeout(data.request_timeout, look).await {
        Ok(Ok(events)) => events,
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "could not look for a scheduled event");
            return None;
        }
        Err(_) => return None,
    };
    events
        .iter()
        .find(|e| {
            e.creator_id == Some(me)
                && e.name == name
                && e.start_time.unix_timestamp() == start.timestamp()
        })
        .map(|e| e.id.get())
}

/// Updates the event of an edited conference.
pub(super) async fn update(
    ctx: &serenity::Context,
    data: &Data,
    guild: GuildId,
    event: u64,
    c: &Conference,
    zone: TimeZone,
) -> Mirrored {
    let (start, end) = span(&c.details, zone, data.clock.now());
    let builder = serenity::EditScheduledEvent::new()
        .name(crate::domain::text::cut(&c.details.name, 100).into_owned())
        .start_time(timestamp(start))
        .end_time(timestamp(end))
        .location(crate::domain::text::cut(&c.details.city, 100).into_owned())
        .description(description(&c.details));
    let call = serenity::GuildId::new(guild.get()).edit_scheduled_event(
        ctx,
        serenity::ScheduledEventId::new(event),
        builder,
    );
    match tokio::time::timeout(data.request_timeout, call).await {
        Ok(Ok(_)) => Mirrored::Done(event),
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "could not update a scheduled event");
            failed(&e)
        }
        Err(_) => Mirrored::Failed("Discord did not answer in time".to_owned()),
    }
}

/// Deletes the event of a removed conference (one already deleted by hand is fine).
pub(super) async fn delete(
    ctx: &serenity::Context,
    data: &Data,
    guild: GuildId,
    event: u64,
) -> Mirrored {
    let call = serenity::GuildId::new(guild.get())
        .delete_scheduled_event(ctx, serenity::ScheduledEventId::new(event));
    match tokio::time::timeout(data.request_timeout, call).await {
        Ok(Ok(())) => Mirrored::Removed,
        Ok(Err(serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))))
            if r.status_code.as_u16() == 404 =>
        {
            Mirrored::Removed
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "could not delete a scheduled event");
            failed(&e)
        }
        Err(_) => Mirrored::Failed("Discord did not answer in time".to_owned()),
    }
}
