//! Naming a conference or a target: autocomplete, resolving what was picked or typed, the
//! chapter's "today", and who counts as an officer.

use chrono::{Duration, NaiveDate};
use poise::serenity_prelude as serenity;

use crate::actions::CONFERENCE_GONE;
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::chapter::is_officer;
use crate::domain::conference::{self, dates_label, Conference, ConferenceId, TargetId};
use crate::domain::{GuildId, RoleId, TimeZone};

pub(super) const NOT_OFFICER: &str = "Only chapter officers can do this: the officer role chosen with `/chapter setup`, or Manage Server.";

/// A conference stays offered this long after it ended (for linking contacts met there).
const RECENT_DAYS: i64 = 60;

/// The server the command runs in (`/conference` is guild-only, so this holds).
pub(crate) fn guild(ctx: Context<'_>) -> Result<GuildId, CommandError> {
    ctx.guild_id()
        .map(|g| GuildId(g.get()))
        .ok_or_else(|| CommandError::User("Run this in your chapter's server.".into()))
}

/// The chapter's zone (the deployment's when its officers chose none).
pub(crate) async fn chapter_zone(data: &Data, guild: GuildId) -> Result<TimeZone, CommandError> {
    Ok(data
        .store
        .chapter(guild)
        .await?
        .map_or(data.default_timezone, |c| {
            c.timezone_or(data.default_timezone)
        }))
}

/// Today in the chapter's zone: calendar dates are the chapter's.
pub(crate) async fn chapter_today(data: &Data, guild: GuildId) -> Result<NaiveDate, CommandError> {
    let zone = chapter_zone(data, guild).await?;
    Ok(data.clock.now().with_timezone(&zone.tz()).date_naive())
}

/// Whether `member` is an officer of `guild`'s chapter.
pub(crate) async fn officer(
    data: &Data,
    guild: GuildId,
    member: Option<&serenity::Member>,
) -> Result<bool, CommandError> {
    let Some(member) = member else {
        return Ok(false);
    };
    let roles: Vec<RoleId> = member.roles.iter().map(|r| RoleId(r.get())).collect();
    let manages = member.permissions.is_some_and(|p| {
        p.contains(serenity::Permissions::MANAGE_GUILD)
            || p.contains(serenity::Permissions::ADMINISTRATOR)
    });
    let role = data
        .store
        .chapter(guild)
        .await?
        .and_then(|c| c.officer_role);
    Ok(is_officer(role, &roles, manages))
}

/// The server profile (roles, permissions) of the member running the command.
pub(crate) fn invoker(ctx: Context<'_>) -> Option<&serenity::Member> {
    match ctx {
        poise::Context::Application(app) => app.interaction.member.as_deref(),
        poise::Context::Prefix(_) => None,
    }
}

/// The chapter's server, when the member running the command is one of its officers.
pub(crate) async fn require_officer(ctx: Context<'_>) -> Result<GuildId, CommandError> {
    let guild = guild(ctx)?;
    if officer(ctx.data(), guild, invoker(ctx)).await? {
        Ok(guild)
    } else {
        Err(CommandError::User(NOT_OFFICER.into()))
    }
}

/// "SAEM — Wed 12 – Sat 15 May 2027 · Atlanta": a conference as a choice.
fn choice_label(c: &Conference) -> String {
    reply::truncate(
        &format!(
            "{} — {} · {}",
            c.details.name,
            dates_label(c.details.starts_on, c.details.ends_on),
            c.details.city
        ),
        reply::MAX_CHOICE,
    )
}

/// This chapter's conferences (recent and upcoming) matching what was typed; the value
/// carries the id.
pub(crate) async fn autocomplete_conference(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = match suggest(ctx, partial).await {
        Ok(found) => found
            .iter()
            .map(|c| serenity::AutocompleteChoice::new(choice_label(c), format!("#{}", c.id.0)))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "conference autocomplete failed");
            Vec::new()
        }
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

async fn suggest(ctx: Context<'_>, partial: &str) -> Result<Vec<Conference>, CommandError> {
    let guild = guild(ctx)?;
    let today = chapter_today(ctx.data(), guild).await?;
    Ok(ctx
        .data()
        .store
        .suggest_conferences(guild, partial, today - Duration::days(RECENT_DAYS), 25)
        .await?)
}

/// The national meetings by name, and what was typed, for `/conference add`'s name.
pub(super) async fn autocomplete_meeting_name(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let typed = crate::domain::text::one_line(partial);
    let mut names = conference::suggest_names(&typed);
    if !typed.is_empty() && !names.iter().any(|n| n.eq_ignore_ascii_case(&typed)) {
        names.insert(0, typed);
    }
    let choices = names
        .into_iter()
        .map(|n| {
            let n = reply::truncate(&n, reply::MAX_CHOICE);
            serenity::AutocompleteChoice::new(n.clone(), n)
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The conference a `<conference>` option names: a picked suggestion ("#id") or a typed
/// name (the soonest upcoming one of that name).
pub(crate) async fn resolve(
    ctx: Context<'_>,
    input: &str,
) -> Result<(GuildId, Conference), CommandError> {
    let guild = guild(ctx)?;
    let data = ctx.data();
    if let Some(id) = crate::discord::interaction::picked_id(input) {
        return match data.store.conference(guild, ConferenceId(id)).await? {
            Some(c) => Ok((guild, c)),
            None => Err(CommandError::User(CONFERENCE_GONE.into())),
        };
    }
    let today = chapter_today(data, guild).await?;
    let named = data
        .store
        .conferences_named(guild, input, today - Duration::days(RECENT_DAYS))
        .await?;
    let soonest_upcoming = named
        .iter()
        .find(|c| c.details.ends_on >= today)
        .or(named.last())
        .cloned();
    soonest_upcoming
        .map(|c| (guild, c))
        .ok_or_else(|| CommandError::User(CONFERENCE_GONE.into()))
}

/// The member's targets in this chapter's conferences, for `target done` and `target
/// remove`; the value carries the id.
pub(super) async fn autocomplete_target(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = match targets_matching(ctx, partial).await {
        Ok(found) => found,
        Err(e) => {
            tracing::warn!(error = %e, "target autocomplete failed");
            Vec::new()
        }
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

async fn targets_matching(
    ctx: Context<'_>,
    partial: &str,
) -> Result<Vec<serenity::AutocompleteChoice>, CommandError> {
    let guild = guild(ctx)?;
    let data = ctx.data();
    let owner = author(ctx);
    let today = chapter_today(data, guild).await?;
    let typed = partial.trim().to_lowercase();
    let mut out = Vec::new();
    for summary in data
        .store
        .plans_of(owner, guild, today - Duration::days(RECENT_DAYS))
        .await?
    {
        for t in data.store.targets(owner, summary.plan.id).await? {
            if !typed.is_empty() && !t.name.to_lowercase().contains(&typed) {
                continue;
            }
            let mark = if t.done { "✓ " } else { "" };
            let label = format!(
                "{mark}{} · {}: {}",
                summary.conference.details.name,
                t.kind.code(),
                t.name
            );
            out.push(serenity::AutocompleteChoice::new(
                reply::truncate(&label, reply::MAX_CHOICE),
                format!("#{}", t.id.0),
            ));
            if out.len() == 25 {
                return Ok(out);
            }
        }
    }
    Ok(out)
}

/// A target picked from the suggestions ("#id"); typed text is not a target.
pub(super) fn target_id(input: &str) -> Result<TargetId, CommandError> {
    crate::discord::interaction::picked_id(input)
        .map(TargetId)
        .ok_or_else(|| {
            CommandError::User(
                "Pick the target from the suggestions (start typing its name).".into(),
            )
        })
}

/// How far back a conference is offered for linking someone met there.
const MET_WITHIN_DAYS: i64 = 400;

/// Conferences a contact can be linked to: this chapter's, or in a DM those of every chapter
/// where the member used the bot.
pub(crate) async fn autocomplete_met_conference(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = match met_suggestions(ctx, partial).await {
        Ok(found) => found
            .iter()
            .map(|c| serenity::AutocompleteChoice::new(choice_label(c), format!("#{}", c.id.0)))
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "conference autocomplete failed");
            Vec::new()
        }
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

async fn met_suggestions(ctx: Context<'_>, partial: &str) -> Result<Vec<Conference>, CommandError> {
    let owner = author(ctx);
    let today = crate::discord::today_for(ctx.data(), owner).await;
    Ok(ctx
        .data()
        .store
        .suggest_conferences_for_member(
            owner,
            ctx.guild_id().map(|g| GuildId(g.get())),
            partial,
            today - Duration::days(MET_WITHIN_DAYS),
            25,
        )
        .await?)
}

/// The conference a contact's `conference` option names: a picked suggestion ("#id", checked
/// by the action that links it) or a name matching exactly one suggestion.
pub(crate) async fn met_conference(ctx: Context<'_>, input: &str) -> Result<i64, CommandError> {
    if let Some(id) = crate::discord::interaction::picked_id(input) {
        return Ok(id);
    }
    let typed = input.trim();
    let same: Vec<Conference> = met_suggestions(ctx, typed)
        .await?
        .into_iter()
        .filter(|c| c.details.name.eq_ignore_ascii_case(typed))
        .collect();
    match same.as_slice() {
        [one] => Ok(one.id.0),
        [] => Err(CommandError::User(
            "No conference of your chapters has that name: pick one from the suggestions.".into(),
        )),
        _ => Err(CommandError::User(
            "Several conferences have that name: pick one from the suggestions.".into(),
        )),
    }
}

/// The chapter conference a typed "where met" names ("met at SAEM"), when exactly one of
/// this chapter's recent or current conferences does.
pub(crate) async fn conference_named_in(
    ctx: Context<'_>,
    label: &str,
) -> Result<Option<i64>, CommandError> {
    let Some(guild) = ctx.guild_id().map(|g| GuildId(g.get())) else {
        return Ok(None);
    };
    let today = chapter_today(ctx.data(), guild).await?;
    let words: Vec<String> = label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let named: Vec<Conference> = ctx
        .data()
        .store
        .suggest_conferences(guild, "", today - Duration::days(RECENT_DAYS), 100)
        .await?
        .into_iter()
        .filter(|c| c.details.starts_on <= today)
        .filter(|c| {
            let name = c.details.name.to_lowercase();
            let name_words: Vec<&str> = name
                .split(|ch: char| !ch.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect();
            !name_words.is_empty()
                && words
                    .windows(name_words.len())
                    .any(|w| w.iter().map(String::as_str).eq(name_words.iter().copied()))
        })
        .collect();
    Ok(match named.as_slice() {
        [one] => Some(one.id.0),
        _ => None,
    })
}
