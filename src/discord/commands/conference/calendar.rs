//! The chapter's calendar: `/conference list` for everyone; add, edit and remove for officers.

use poise::serenity_prelude as serenity;

use super::components::ConferenceComponent;
use super::events::{self, Mirrored};
use super::pick::{
    self, autocomplete_conference, autocomplete_meeting_name, chapter_today, chapter_zone, officer,
    require_officer, resolve, NOT_OFFICER,
};
use crate::discord::commands::dates::autocomplete_future_date;
use crate::discord::interaction::{Component, Incoming};
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::conference::{
    dates_label, relative, Conference, ConferenceDetails, ConferenceId, ConferenceKind,
};
use crate::domain::when::{parse_date, Direction};
use crate::domain::{GuildId, UserId};

/// What the bot may do in the channel the command came from.
fn app_permissions(ctx: Context<'_>) -> Option<serenity::Permissions> {
    match ctx {
        poise::Context::Application(app) => app.interaction.app_permissions,
        poise::Context::Prefix(_) => None,
    }
}

/// Conferences shown by `/conference list` at most.
const LIST_LIMIT: u32 = 50;

/// "**SAEM** · Wed 12 – Sat 15 May 2027 (in 5 months) · Atlanta · National · 3 going".
pub(super) fn line(c: &Conference, today: chrono::NaiveDate) -> String {
    let d = &c.details;
    let mut line = format!(
        "**{}** · {} ({}) · {} · {} · {} going (shared)",
        reply::escape(&d.name),
        dates_label(d.starts_on, d.ends_on),
        relative(d.starts_on, d.ends_on, today),
        reply::escape(&d.city),
        d.kind.label(),
        c.going
    );
    if let Some(url) = &d.url {
        line.push_str(&format!("\n<{url}>"));
    }
    line
}

/// Upcoming conferences on this chapter's calendar
#[poise::command(slash_command, guild_only)]
pub(super) async fn list(ctx: Context<'_>) -> Result<(), CommandError> {
    let guild = pick::guild(ctx)?;
    let data = ctx.data();
    let today = chapter_today(data, guild).await?;
    let upcoming = data.store.conferences(guild, today, LIST_LIMIT).await?;
    if upcoming.is_empty() {
        return Err(CommandError::User(
            "No conferences on this chapter's calendar yet. Officers add them with `/conference add`.".into(),
        ));
    }
    let zone = chapter_zone(data, guild).await?;
    let mut text = format!("**Conference calendar** (days in {zone})\n");
    for c in &upcoming {
        text.push_str(&line(c, today));
        text.push('\n');
    }
    text.push_str("Going? `/conference join`. Your plan and targets: `/conference plan`.");
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// The days an officer typed, read in the chapter's calendar.
fn days(
    starts: &str,
    ends: &str,
    today: chrono::NaiveDate,
) -> Result<(chrono::NaiveDate, chrono::NaiveDate), CommandError> {
    // "May 12" is the next one; a date written out in the past is read as written, for the
    // conference rules to judge (one under way is fine, one over is refused).
    let starts = parse_date(starts, today, Direction::Future)
        .or_else(|_| parse_date(starts, today, Direction::Any))?;
    // The last day is read from the first, so "May 15" after "May 12" is that same May, and
    // a last day before the first is refused by the conference rules with its own sentence.
    let ends = parse_date(ends, starts, Direction::Any)?;
    Ok((starts, ends))
}

/// Add a conference to the chapter calendar (officers)
#[poise::command(slash_command, guild_only)]
#[allow(clippy::too_many_arguments)]
pub(super) async fn add(
    ctx: Context<'_>,
    #[description = "Its name, such as SAEM"]
    #[autocomplete = "autocomplete_meeting_name"]
    #[max_length = 100]
    name: String,
    #[description = "First day"]
    #[autocomplete = "autocomplete_future_date"]
    #[max_length = 60]
    starts: String,
    #[description = "Last day"]
    #[autocomplete = "autocomplete_future_date"]
    #[max_length = 60]
    ends: String,
    #[description = "City, or Online"]
    #[max_length = 100]
    city: String,
    #[description = "Its website"]
    #[max_length = 300]
    url: Option<String>,
    #[description = "National (default), regional, state or virtual"] kind: Option<ConferenceKind>,
    #[rename = "create-event"]
    #[description = "Also show it in the server's Events tab"]
    create_event: Option<bool>,
) -> Result<(), CommandError> {
    let guild = require_officer(ctx).await?;
    let data = ctx.data();
    let today = chapter_today(data, guild).await?;
    let (starts_on, ends_on) = days(&starts, &ends, today)?;
    let details = ConferenceDetails::parse(
        &name,
        starts_on,
        ends_on,
        &city,
        url.as_deref(),
        kind.unwrap_or(ConferenceKind::National),
        today,
    )?;
    let same = data
        .store
        .conferences_named(guild, &details.name, today)
        .await?;
    if same
        .iter()
        .any(|c| c.details.starts_on == details.starts_on)
    {
        return Err(CommandError::User(format!(
            "**{}** starting {} is already on the calendar: change it with `/conference edit`.",
            reply::escape(&details.name),
            details.starts_on.format("%a %-d %b %Y")
        )));
    }
    let id = data
        .actions
        .add_conference(guild, author(ctx), &details)
        .await?;
    let mut mirrored = String::new();
    if create_event.unwrap_or(false) {
        let outcome = match data.store.conference(guild, id).await? {
            Some(added) if events::may_manage_events(app_permissions(ctx)) => {
                let zone = chapter_zone(data, guild).await?;
                events::create(ctx.serenity_context(), data, guild, &added, zone).await
            }
            Some(_) => Mirrored::NoPermission,
            None => Mirrored::Failed("it was removed meanwhile".to_owned()),
        };
        if let Mirrored::Done(event) = outcome {
            data.store
                .set_conference_event(guild, id, Some(event))
                .await?;
            mirrored = " It's in the server's Events tab too.".to_owned();
        } else {
            mirrored = outcome.note();
        }
    }
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Added **{}** to the calendar: {} ({}) · {}. Members can now `/conference join` it.{mirrored}",
            reply::escape(&details.name),
            dates_label(details.starts_on, details.ends_on),
            relative(details.starts_on, details.ends_on, today),
            reply::escape(&details.city)
        )),
    )
    .await?;
    Ok(())
}

/// Change a conference on the calendar (officers)
#[poise::command(slash_command, guild_only)]
#[allow(clippy::too_many_arguments)]
pub(super) async fn edit(
    ctx: Context<'_>,
    #[description = "The conference"]
    #[autocomplete = "autocomplete_conference"]
    #[max_length = 100]
    conference: String,
    #[description = "New name"]
    #[max_length = 100]
    name: Option<String>,
    #[description = "New first day"]
    #[autocomplete = "autocomplete_future_date"]
    #[max_length = 60]
    starts: Option<String>,
    #[description = "New last day"]
    #[autocomplete = "autocomplete_future_date"]
    #[max_length = 60]
    ends: Option<String>,
    #[description = "New city"]
    #[max_length = 100]
    city: Option<String>,
    #[description = "New website (\"-\" removes it)"]
    #[max_length = 300]
    url: Option<String>,
    #[description = "New kind"] kind: Option<ConferenceKind>,
) -> Result<(), CommandError> {
    let guild = require_officer(ctx).await?;
    let (_, found) = resolve(ctx, &conference).await?;
    let data = ctx.data();
    let today = chapter_today(data, guild).await?;
    let old = &found.details;
    let starts_on = match &starts {
        Some(text) => parse_date(text, today, Direction::Future)
            .or_else(|_| parse_date(text, today, Direction::Any))?,
        None => old.starts_on,
    };
    let ends_on = match &ends {
        Some(text) => parse_date(text, starts_on, Direction::Any)?,
        // The same length when only the first day moves.
        None if starts.is_some() => starts_on + (old.ends_on - old.starts_on),
        None => old.ends_on,
    };
    let url = match url.as_deref().map(str::trim) {
        Some("-") => None,
        Some(new) => Some(new.to_owned()),
        None => old.url.clone(),
    };
    let details = ConferenceDetails::parse(
        name.as_deref().unwrap_or(&old.name),
        starts_on,
        ends_on,
        city.as_deref().unwrap_or(&old.city),
        url.as_deref(),
        kind.unwrap_or(old.kind),
        today,
    )?;
    let edited = data
        .actions
        .edit_conference(guild, found.id, &details)
        .await?;
    let mut text = format!(
        "Updated **{}**: {} ({}) · {} · {}.",
        reply::escape(&details.name),
        dates_label(details.starts_on, details.ends_on),
        relative(details.starts_on, details.ends_on, today),
        reply::escape(&details.city),
        details.kind.label()
    );
    if let Some(event) = found.event_id {
        let outcome = match data.store.conference(guild, found.id).await? {
            Some(now) if events::may_manage_events(app_permissions(ctx)) => {
                let zone = chapter_zone(data, guild).await?;
                events::update(ctx.serenity_context(), data, guild, event, &now, zone).await
            }
            Some(_) => Mirrored::NoPermission,
            None => Mirrored::Removed,
        };
        text.push_str(&outcome.note());
    }
    if edited.dates_changed && edited.plans > 0 {
        text.push_str(&format!(
            " The before-conference reminders of the {} member{} going follow the new dates.",
            edited.plans,
            if edited.plans == 1 { "" } else { "s" }
        ));
    }
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

/// Remove a conference from the calendar (officers; asks first)
#[poise::command(slash_command, guild_only)]
pub(super) async fn remove(
    ctx: Context<'_>,
    #[description = "The conference"]
    #[autocomplete = "autocomplete_conference"]
    #[max_length = 100]
    conference: String,
) -> Result<(), CommandError> {
    require_officer(ctx).await?;
    let (_, found) = resolve(ctx, &conference).await?;
    let owner = author(ctx);
    let plans = match found.plans {
        0 => "No member has a plan for it.".to_owned(),
        1 => "1 member plans to go: their plan stays in their own history and its reminders stop.".to_owned(),
        n => format!("{n} members plan to go: their plans stay in their own history and their reminders stop."),
    };
    let text = format!(
        "Remove **{}** ({}) from the calendar? {plans}",
        reply::escape(&found.details.name),
        dates_label(found.details.starts_on, found.details.ends_on)
    );
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(
            ConferenceComponent::RemoveConfirm {
                conference: found.id.0,
            }
            .custom_id(owner),
        )
        .label("Remove")
        .style(serenity::ButtonStyle::Danger),
        serenity::CreateButton::new(
            ConferenceComponent::RemoveCancel {
                conference: found.id.0,
            }
            .custom_id(owner),
        )
        .label("Keep it")
        .style(serenity::ButtonStyle::Secondary),
    ]);
    reply::send(ctx, reply::ephemeral(text).components(vec![buttons])).await?;
    Ok(())
}

/// Remove / Keep it under `/conference remove`'s question. The id is checked against the
/// server the click came from, and the clicker must still be an officer.
pub(super) async fn on_remove(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    _owner: UserId,
    conference: i64,
    confirmed: bool,
) -> Result<(), CommandError> {
    if !confirmed {
        return incoming
            .update(ctx, "Kept. Nothing was removed.", Vec::new())
            .await;
    }
    let Some(guild) = incoming.origin().guild.map(GuildId) else {
        return Err(CommandError::User(crate::actions::CONFERENCE_GONE.into()));
    };
    if !officer(data, guild, incoming.member()).await? {
        return Err(CommandError::User(NOT_OFFICER.into()));
    }
    let Some(found) = data
        .store
        .conference(guild, ConferenceId(conference))
        .await?
    else {
        return incoming
            .update(ctx, crate::actions::CONFERENCE_GONE, Vec::new())
            .await;
    };
    let plans = data.actions.remove_conference(guild, found.id).await?;
    let mut text = format!(
        "Removed **{}** from the calendar.{}",
        reply::escape(&found.details.name),
        match plans {
            0 => String::new(),
            1 => " 1 member's plan is kept as their history.".to_owned(),
            n => format!(" {n} members' plans are kept as their history."),
        }
    );
    if let Some(event) = found.event_id {
        let outcome = if events::may_manage_events(incoming.app_permissions()) {
            events::delete(ctx, data, guild, event).await
        } else {
            Mirrored::NoPermission
        };
        if outcome == Mirrored::Removed {
            data.store
                .set_conference_event(guild, found.id, None)
                .await?;
        }
        text.push_str(&outcome.note());
    }
    incoming.update(ctx, text, Vec::new()).await
}

/// Conferences in an .ics file (Google, Apple, Outlook); `mine` adds your follow-up days
#[poise::command(slash_command, guild_only)]
pub(super) async fn ics(
    ctx: Context<'_>,
    #[description = "Add your own follow-up days (only you get this file)"] mine: Option<bool>,
) -> Result<(), CommandError> {
    let guild = pick::guild(ctx)?;
    let data = ctx.data();
    let today = chapter_today(data, guild).await?;
    let upcoming = data.store.conferences(guild, today, LIST_LIMIT).await?;
    let mine = mine.unwrap_or(false);
    let follow_ups = if mine {
        data.store.pending_follow_ups(author(ctx), None).await?
    } else {
        Vec::new()
    };
    if upcoming.is_empty() && follow_ups.is_empty() {
        return Err(CommandError::User(
            "Nothing to put in a calendar yet: no upcoming conferences here (and no follow-ups, with `mine`).".into(),
        ));
    }
    let file = crate::domain::ics::calendar(
        "EMIG chapter conferences",
        &upcoming,
        &follow_ups,
        data.clock.now(),
    );
    let text = format!(
        "{} conference{}{}. Import the file into Google Calendar, Apple Calendar or Outlook; importing a newer one updates these events instead of adding copies.",
        upcoming.len(),
        if upcoming.len() == 1 { "" } else { "s" },
        if mine {
            format!(" and {} follow-up day{} of yours", follow_ups.len(), if follow_ups.len() == 1 { "" } else { "s" })
        } else {
            String::new()
        }
    );
    reply::send(
        ctx,
        reply::ephemeral(text).attachment(serenity::CreateAttachment::bytes(
            file.into_bytes(),
            "emig-conferences.ics",
        )),
    )
    .await?;
    Ok(())
}
