//! `/season`: the member's application season — their own milestone dates as plain dates, a
//! reminder a week before each, and the guide's checklist for their stage. Private.

use poise::serenity_prelude as serenity;

use super::dates::{autocomplete_any_date, autocomplete_future_date};
use crate::actions::MILESTONE_GONE;
use crate::discord::{author, reply, today_for, CommandError, Context};
use crate::domain::season::{self, checklist, Milestone, MilestoneId, MilestoneKind};
use crate::domain::when::{parse_date, Direction};

/// Your application season: milestones, reminders and your stage's checklist
#[poise::command(
    slash_command,
    subcommands("show", "set", "remove"),
    subcommand_required,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn season(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%a %-d %b %Y").to_string()
}

/// "Away rotation (EM at Hospital Y): Mon 1 Mar – Sun 28 Mar 2027".
pub fn milestone_line(m: &Milestone) -> String {
    let name = match &m.label {
        Some(label) => format!("{} ({})", m.kind.label(), reply::escape(label)),
        None => m.kind.label().to_owned(),
    };
    match m.starts_on {
        Some(starts) => format!("{name}: {} – {}", day(starts), day(m.on)),
        None => format!("{name}: {}", day(m.on)),
    }
}

/// Your timeline and checklist (plain dates; only you see it)
#[poise::command(slash_command)]
async fn show(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let today = today_for(data, owner).await;
    let milestones = data.store.milestones(owner).await?;
    let match_day = data.store.match_day(owner).await?;
    let member = data.store.member(owner).await?;
    let logged = data.store.logged(owner).await?;
    let mut text = "**Your season**\n".to_owned();
    let mut timeline: Vec<(chrono::NaiveDate, String)> = milestones
        .iter()
        .map(|m| (season::key_day(m), milestone_line(m)))
        .collect();
    if let Some(day_) = match_day {
        timeline.push((day_, format!("Match Day: {}", day(day_))));
    }
    timeline.sort();
    if timeline.is_empty() {
        text.push_str("No dates yet: add yours with `/season set` (the bot invents none).\n");
    }
    for (on, line) in &timeline {
        let past = if *on < today { " (past)" } else { "" };
        text.push_str(&format!("• {line}{past}\n"));
    }
    let stage = member.stage.map_or_else(
        || "no stage set: `/me stage`".to_owned(),
        |s| s.label().to_owned(),
    );
    text.push_str(&format!("\n**Checklist** ({stage})\n"));
    for (step, done) in checklist(member.stage, &logged) {
        let mark = match done {
            Some(true) => "☑",
            Some(false) => "☐",
            None => "·",
        };
        text.push_str(&format!("{mark} {step}\n"));
    }
    text.push_str("-# ☑ and ☐ come from what you logged; · is for you to judge.");
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// Add one of your dates: away rotation, application, interviews, rank list, Match Day
#[poise::command(slash_command)]
async fn set(
    ctx: Context<'_>,
    #[description = "Which milestone"] milestone: MilestoneKind,
    #[description = "The day (for a rotation: its last day)"]
    #[autocomplete = "autocomplete_future_date"]
    #[max_length = 40]
    date: String,
    #[description = "For a rotation: its first day"]
    #[autocomplete = "autocomplete_any_date"]
    #[max_length = 40]
    starts: Option<String>,
    #[description = "For a rotation: where, e.g. EM at Hospital Y"]
    #[max_length = 100]
    label: Option<String>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let today = today_for(data, owner).await;
    let on = parse_date(&date, today, Direction::Future)
        .or_else(|_| parse_date(&date, today, Direction::Any))?;
    if milestone == MilestoneKind::MatchDay {
        if on < today {
            return Err(CommandError::User(
                season::SeasonError::Past(on).to_string(),
            ));
        }
        let scheduled = data.actions.set_match_day(owner, on).await?;
        reply::send(
            ctx,
            reply::ephemeral(format!(
                "Match Day set to {} (the same date as `/me matchday`). A reminder comes a week before; on the day, {scheduled} close-the-loop follow-ups.",
                day(on)
            )),
        )
        .await?;
        return Ok(());
    }
    let starts_on = match starts.as_deref() {
        Some(text) => Some(parse_date(text, on, Direction::Any)?),
        None => None,
    };
    let added = data
        .actions
        .set_milestone(owner, milestone, starts_on, on, label.as_deref(), today)
        .await?;
    let reminders: Vec<String> = season::nudges(&added, today)
        .iter()
        .map(|(subject, window)| {
            let what = if *subject == season::LETTERS_DUE {
                "your letters not yet in"
            } else {
                "a reminder"
            };
            format!("{what} on {}", window.ideal.format("%a %-d %b"))
        })
        .collect();
    let reminders = if reminders.is_empty() {
        String::new()
    } else {
        format!(" I'll DM you {}.", reminders.join(" and "))
    };
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Added {}.{reminders} See it all with `/season show`.",
            milestone_line(&added)
        )),
    )
    .await?;
    Ok(())
}

/// The member's milestones; the value carries the id.
async fn autocomplete_milestone(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let typed = partial.trim().to_lowercase();
    let choices = match ctx.data().store.milestones(author(ctx)).await {
        Ok(all) => all
            .iter()
            .map(|m| (m.id, milestone_line(m)))
            .filter(|(_, line)| typed.is_empty() || line.to_lowercase().contains(&typed))
            .take(25)
            .map(|(id, line)| {
                serenity::AutocompleteChoice::new(
                    reply::truncate(&line, reply::MAX_CHOICE),
                    format!("#{}", id.0),
                )
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "milestone autocomplete failed");
            Vec::new()
        }
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Remove one of your dates and its reminders
#[poise::command(slash_command)]
async fn remove(
    ctx: Context<'_>,
    #[description = "The milestone"]
    #[autocomplete = "autocomplete_milestone"]
    #[max_length = 100]
    milestone: String,
) -> Result<(), CommandError> {
    let id = crate::discord::interaction::picked_id(&milestone)
        .map(MilestoneId)
        .ok_or_else(|| CommandError::User(MILESTONE_GONE.into()))?;
    ctx.data().actions.remove_milestone(author(ctx), id).await?;
    reply::send(ctx, reply::ephemeral("Removed, with its reminders.")).await?;
    Ok(())
}

/// The member's away rotations, for linking a contact met on one; the value carries the id.
pub(crate) async fn autocomplete_rotation(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let typed = partial.trim().to_lowercase();
    let choices = match ctx.data().store.milestones(author(ctx)).await {
        Ok(all) => all
            .iter()
            .filter(|m| m.kind == MilestoneKind::AwayRotation)
            .map(|m| (m.id, milestone_line(m)))
            .filter(|(_, line)| typed.is_empty() || line.to_lowercase().contains(&typed))
            .take(25)
            .map(|(id, line)| {
                serenity::AutocompleteChoice::new(
                    reply::truncate(&line, reply::MAX_CHOICE),
                    format!("#{}", id.0),
                )
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "rotation autocomplete failed");
            Vec::new()
        }
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The rotation a contact's `rotation` option names: a picked suggestion ("#id", checked by
/// the action that links it).
pub(crate) fn rotation_id(input: &str) -> Result<i64, CommandError> {
    crate::discord::interaction::picked_id(input).ok_or_else(|| {
        CommandError::User(
            "Pick the rotation from the suggestions (add it first with `/season set`).".into(),
        )
    })
}
