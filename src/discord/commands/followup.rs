//! `/followup`: a member's scheduled follow-ups, and the buttons on nudge DMs.

use chrono::{Duration, NaiveDate};
use poise::serenity_prelude as serenity;

use super::contact::{autocomplete_contact, resolve};
use super::dates::autocomplete_future_date;
use crate::actions::Completed;
use crate::discord::interaction::{Args, Component, Incoming};
use crate::discord::{author, reply, today_for, CommandError, Context, Data};
use crate::domain::cadence::{self, DueStatus, FollowUp};
use crate::domain::contact::{InteractionNote, Text};
use crate::domain::when::{self, Direction};
use crate::domain::UserId;
use crate::store::Outcome;

/// Your follow-ups: what is due, snooze, done, your own dates
#[poise::command(
    slash_command,
    subcommands("list", "done", "snooze", "set", "meeting", "off", "history"),
    subcommand_required,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn followup(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

fn day(d: NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

fn line(f: &FollowUp) -> String {
    let nudge = if f.nudged {
        "nudged".to_owned()
    } else {
        format!("nudge {}", reply::timestamp(f.due_at, 'R'))
    };
    format!(
        "• **{}** · {} · by {} · {nudge}",
        reply::escape(&f.contact_name),
        f.kind.label(),
        day(f.window.latest)
    )
}

/// Show what is overdue, due and coming up
#[poise::command(slash_command)]
async fn list(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let today = today_for(ctx.data(), owner).await;
    let all = ctx.data().store.pending_follow_ups(owner, None).await?;
    if all.is_empty() {
        reply::send(ctx, reply::ephemeral(
            "No follow-ups scheduled. Add contacts with `/contact add` (how you met sets the rhythm) or set a date with `/followup set`.",
        ))
        .await?;
        return Ok(());
    }
    let mut text = String::from("**Your follow-ups**");
    for (status, heading) in [
        (DueStatus::Overdue, "Overdue (past the latest day)"),
        (DueStatus::Due, "Due now"),
        (DueStatus::Upcoming, "Coming up"),
    ] {
        let group: Vec<&FollowUp> = all
            .iter()
            .filter(|f| f.window.status(today) == status)
            .collect();
        if group.is_empty() {
            continue;
        }
        text.push_str(&format!("\n\n__{heading}__"));
        for f in group.iter().take(15) {
            text.push('\n');
            text.push_str(&line(f));
        }
        if group.len() > 15 {
            text.push_str(&format!("\n…and {} more", group.len() - 15));
        }
    }
    if ctx.data().store.dms_closed(owner).await? {
        text.push_str("\n\nYour DMs are closed, so nudges are paused. Allow DMs from this server, then run `/me dm test`.");
    }
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// The contact's pending follow-up nearest its latest day.
async fn next_of(ctx: Context<'_>, contact: &str) -> Result<Option<FollowUp>, CommandError> {
    let Some(c) = resolve(ctx, contact).await? else {
        return Ok(None);
    };
    let pending = ctx
        .data()
        .store
        .pending_follow_ups(author(ctx), Some(c.id))
        .await?;
    match pending.into_iter().next() {
        Some(f) => Ok(Some(f)),
        None => Err(CommandError::User(format!(
            "No follow-up is scheduled with {}. Set one with `/followup set`.",
            reply::escape(&c.name)
        ))),
    }
}

/// Mark the next follow-up with a contact done (logs it and schedules the next)
#[poise::command(slash_command)]
async fn done(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
    #[description = "What you did, e.g. sent a thank-you email"]
    #[max_length = 500]
    note: Option<String>,
) -> Result<(), CommandError> {
    let note = Text::<InteractionNote>::parse_optional(note.as_deref())?;
    let Some(f) = next_of(ctx, &contact).await? else {
        return Ok(());
    };
    let owner = author(ctx);
    let today = today_for(ctx.data(), owner).await;
    let completed = ctx
        .data()
        .actions
        .complete_follow_up(owner, f.id, note.as_deref(), today)
        .await?;
    reply::send(ctx, reply::ephemeral(done_text(&completed))).await?;
    Ok(())
}

fn done_text(completed: &Completed) -> String {
    let f = &completed.done;
    let mut text = format!(
        "Done: {} with **{}**.",
        f.kind.label(),
        reply::escape(&f.contact_name)
    );
    if let Some(n) = &completed.next {
        text.push_str(&format!("\nNext: {}.", describe(n)));
    }
    text
}

/// "Light-touch update — ideally Tue 23 Feb 2027, at the latest Thu 25 Mar 2027".
pub(crate) fn describe(f: &FollowUp) -> String {
    let fmt = |d: NaiveDate| d.format("%a %-d %b %Y").to_string();
    if f.window.ideal == f.window.latest {
        format!("{} — {}", f.kind.label(), fmt(f.window.ideal))
    } else {
        format!(
            "{} — ideally {}, at the latest {}",
            f.kind.label(),
            fmt(f.window.ideal),
            fmt(f.window.latest)
        )
    }
}

/// Move the next follow-up with a contact to a later day
#[poise::command(slash_command)]
async fn snooze(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
    #[description = "Until when, e.g. in 3 days, next monday, Dec 3"]
    #[autocomplete = "autocomplete_future_date"]
    #[max_length = 40]
    until: String,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let today = today_for(ctx.data(), owner).await;
    let until = when::parse_date(&until, today, Direction::Future)?;
    let Some(f) = next_of(ctx, &contact).await? else {
        return Ok(());
    };
    let moved = snooze_to(ctx.data(), owner, &f, until).await?;
    reply::send(ctx, reply::ephemeral(moved)).await?;
    Ok(())
}

async fn snooze_to(
    data: &Data,
    owner: UserId,
    f: &FollowUp,
    until: NaiveDate,
) -> Result<String, CommandError> {
    let moved = data.actions.snooze_follow_up(owner, f.id, until).await?;
    Ok(format!(
        "Snoozed: {} with **{}** until {} (nudge {}).",
        moved.kind.label(),
        reply::escape(&moved.contact_name),
        day(until),
        reply::timestamp(moved.due_at, 'R')
    ))
}

/// Set your own follow-up date with a contact
#[poise::command(slash_command)]
async fn set(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
    #[description = "When, e.g. in 2 weeks, next monday, 2026-12-03"]
    #[autocomplete = "autocomplete_future_date"]
    #[max_length = 40]
    when: String,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let today = today_for(ctx.data(), owner).await;
    let on = when::parse_date(&when, today, Direction::Future)?;
    let Some(c) = resolve(ctx, &contact).await? else {
        return Ok(());
    };
    let scheduled = ctx
        .data()
        .actions
        .schedule_follow_ups(owner, c.id, &[cadence::custom(on)])
        .await?;
    let due = scheduled.first().map(|f| f.due_at).unwrap_or_default();
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Follow-up with **{}** set: {} (nudge {}).",
            reply::escape(&c.name),
            day(on),
            reply::timestamp(due, 'R')
        )),
    )
    .await?;
    Ok(())
}

/// Plan a mentor meeting: an agenda nudge the day before, a report-back three days after
#[poise::command(slash_command)]
async fn meeting(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
    #[description = "The day of the meeting"]
    #[autocomplete = "autocomplete_future_date"]
    #[max_length = 40]
    when: String,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let today = today_for(ctx.data(), owner).await;
    let on = when::parse_date(&when, today, Direction::Future)?;
    if on <= today {
        return Err(CommandError::User(
            "Plan the meeting for tomorrow or later, so the agenda nudge can come the day before."
                .into(),
        ));
    }
    let Some(c) = resolve(ctx, &contact).await? else {
        return Ok(());
    };
    ctx.data()
        .actions
        .schedule_follow_ups(owner, c.id, &cadence::meeting(on))
        .await?;
    reply::send(ctx, reply::ephemeral(format!(
        "Meeting with **{}** on {}: I'll nudge you with an agenda on {} (plan 20–30 minutes and a few questions) and ask you to report back on {}.",
        reply::escape(&c.name),
        day(on),
        day(on - Duration::days(1)),
        day(on + Duration::days(3))
    )))
    .await?;
    Ok(())
}

/// Stop follow-ups with a contact (their card and history stay)
#[poise::command(slash_command)]
async fn off(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
) -> Result<(), CommandError> {
    let Some(c) = resolve(ctx, &contact).await? else {
        return Ok(());
    };
    let data = ctx.data();
    let n = data
        .store
        .turn_off_follow_ups(author(ctx), c.id, data.clock.now())
        .await?;
    let text = if n == 0 {
        format!(
            "No follow-ups were scheduled with **{}**.",
            reply::escape(&c.name)
        )
    } else {
        format!(
            "Follow-ups with **{}** are off. Logging an interaction or `/followup set` starts them again.",
            reply::escape(&c.name)
        )
    };
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

/// Your recent nudge deliveries and how they went
#[poise::command(slash_command)]
async fn history(ctx: Context<'_>) -> Result<(), CommandError> {
    let items = ctx.data().store.delivery_history(author(ctx), 15).await?;
    let text = if items.is_empty() {
        "No nudges have been sent to you yet.".to_owned()
    } else {
        let mut text = String::from("**Your nudge deliveries**");
        for d in items {
            let outcome = match d.outcome {
                Outcome::Sent | Outcome::FoundAfterCrash => "delivered",
                Outcome::DmsClosed => "not delivered: your DMs are closed",
                Outcome::RateLimited => "delayed: Discord asked me to slow down",
                Outcome::Failed => "delayed: Discord had a problem; retried later",
            };
            text.push_str(&format!(
                "\n• {} · {} nudge{} · {outcome}",
                reply::timestamp(d.at, 'f'),
                d.nudges,
                if d.nudges == 1 { "" } else { "s" }
            ));
        }
        text
    };
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

/// The buttons of a nudge digest DM. They carry the digest's id, by which crash recovery
/// recognises a digest already sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NudgeButton {
    Done {
        follow_up: i64,
        digest: i64,
    },
    Snooze {
        follow_up: i64,
        digest: i64,
        days: i64,
    },
    /// Handled by `/draft`.
    Draft {
        follow_up: i64,
        digest: i64,
    },
}

/// The code of the Done button; `discord::deliver` recognises a sent digest by it.
pub const DONE_CODE: &str = "n-done";

impl Component for NudgeButton {
    fn to_parts(&self) -> (&'static str, Vec<String>) {
        match self {
            NudgeButton::Done { follow_up, digest } => {
                (DONE_CODE, vec![follow_up.to_string(), digest.to_string()])
            }
            NudgeButton::Snooze {
                follow_up,
                digest,
                days,
            } => (
                "n-snooze",
                vec![follow_up.to_string(), digest.to_string(), days.to_string()],
            ),
            NudgeButton::Draft { follow_up, digest } => {
                ("n-draft", vec![follow_up.to_string(), digest.to_string()])
            }
        }
    }

    fn from_parts(code: &str, args: &mut Args<'_>) -> Option<Self> {
        match code {
            DONE_CODE => Some(NudgeButton::Done {
                follow_up: args.parse()?,
                digest: args.parse()?,
            }),
            "n-snooze" => Some(NudgeButton::Snooze {
                follow_up: args.parse()?,
                digest: args.parse()?,
                days: args.parse().filter(|d| (1..=60).contains(d))?,
            }),
            "n-draft" => Some(NudgeButton::Draft {
                follow_up: args.parse()?,
                digest: args.parse()?,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
pub fn examples() -> Vec<NudgeButton> {
    vec![
        NudgeButton::Done {
            follow_up: i64::MAX,
            digest: i64::MAX,
        },
        NudgeButton::Snooze {
            follow_up: i64::MAX,
            digest: i64::MAX,
            days: 7,
        },
        NudgeButton::Draft {
            follow_up: i64::MAX,
            digest: i64::MAX,
        },
    ]
}

/// Done and Snooze on a nudge DM.
pub async fn on_nudge_button(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    button: NudgeButton,
) -> Result<(), CommandError> {
    let id = match button {
        NudgeButton::Draft { follow_up, .. } => {
            return super::draft::on_draft_button(ctx, data, incoming, owner, follow_up).await
        }
        NudgeButton::Done { follow_up, .. } | NudgeButton::Snooze { follow_up, .. } => follow_up,
    };
    let Some(f) = data.store.follow_up(owner, id).await? else {
        return incoming
            .say(
                ctx,
                "This follow-up is already done, moved or turned off. See `/followup list`.",
            )
            .await;
    };
    let today = today_for(data, owner).await;
    let text = match button {
        NudgeButton::Snooze { days, .. } => {
            snooze_to(data, owner, &f, today + Duration::days(days)).await?
        }
        NudgeButton::Done { .. } => {
            let completed = data
                .actions
                .complete_follow_up(owner, f.id, None, today)
                .await?;
            done_text(&completed)
        }
        NudgeButton::Draft { .. } => return Ok(()),
    };
    incoming.say(ctx, text).await
}
