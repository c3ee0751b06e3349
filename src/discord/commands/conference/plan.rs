//! A member's own side of a conference: going or not, who else is going, and their private
//! plan of targets.

use poise::serenity_prelude as serenity;

use super::pick::{self, autocomplete_conference, autocomplete_target, chapter_today, resolve};
use crate::discord::commands::contact::{autocomplete_contact, resolve as resolve_contact};
use crate::discord::interaction::{Incoming, STALE_BUTTON};
use crate::discord::{author, reply, today_for, CommandError, Context, Data};
use crate::domain::conference::{
    self, before_nudges, dates_label, relative, target_name, Conference, TargetKind, Visibility,
    MAX_TARGET_NOTE,
};
use crate::domain::conference::{PlanId, TargetId};
use crate::domain::draft::{DraftFacts, Situation};
use crate::domain::UserId;
use crate::store::Joined;

/// Where the member can see who else is going.
fn visibility_text(v: Visibility) -> &'static str {
    match v {
        Visibility::Chapter => "the chapter can see you're going (`/conference who`)",
        Visibility::Private => "only you can see that you're going",
    }
}

/// When the before-conference DMs will come, for a member whose today is `today`.
fn reminders_text(c: &Conference, today: chrono::NaiveDate) -> String {
    let days: Vec<String> = before_nudges(c.details.starts_on, today)
        .into_iter()
        .map(|(subject, on)| {
            let when = if subject == conference::WEEK_BEFORE {
                "a week before"
            } else {
                "the day before"
            };
            format!("{when} ({})", on.format("%a %-d %b"))
        })
        .collect();
    if days.is_empty() {
        String::new()
    } else {
        format!(
            " I'll DM you your targets {}, at your delivery hour.",
            days.join(" and ")
        )
    }
}

/// Say you're going to a conference (private unless you choose the chapter)
#[poise::command(slash_command, guild_only)]
pub(super) async fn join(
    ctx: Context<'_>,
    #[description = "The conference"]
    #[autocomplete = "autocomplete_conference"]
    #[max_length = 100]
    conference: String,
    #[description = "Who can see you're going (default: only you)"] visibility: Option<Visibility>,
) -> Result<(), CommandError> {
    let (guild, found) = resolve(ctx, &conference).await?;
    let owner = author(ctx);
    let data = ctx.data();
    let visibility = visibility.unwrap_or(Visibility::Private);
    let joined = data
        .actions
        .join_conference(owner, guild, found.id, visibility)
        .await?;
    let name = reply::escape(&found.details.name);
    let text = match joined {
        Joined::New(_) => {
            let today = today_for(data, owner).await;
            format!(
                "You're going to **{name}** ({}); {}.{} Add people, programs and sessions to aim for with `/conference target add`.",
                dates_label(found.details.starts_on, found.details.ends_on),
                visibility_text(visibility),
                reminders_text(&found, today)
            )
        }
        Joined::Already { was, .. } if was == visibility => format!(
            "You're already going to **{name}**; {}.",
            visibility_text(visibility)
        ),
        Joined::Already { .. } => format!(
            "You're going to **{name}**; now {}.",
            visibility_text(visibility)
        ),
    };
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

/// You're no longer going: your plan, its targets and reminders are removed
#[poise::command(slash_command, guild_only)]
pub(super) async fn leave(
    ctx: Context<'_>,
    #[description = "The conference"]
    #[autocomplete = "autocomplete_conference"]
    #[max_length = 100]
    conference: String,
) -> Result<(), CommandError> {
    let (_, found) = resolve(ctx, &conference).await?;
    let name = reply::escape(&found.details.name);
    let owner = author(ctx);
    let left = ctx.data().actions.leave_conference(owner, found.id).await?;
    // A post saying you're going would now be wrong: take it down (best effort).
    if left.is_some() {
        if let Err(e) = super::posts::take_down_shares_of(
            ctx.serenity_context(),
            ctx.data(),
            owner,
            Some(found.id),
        )
        .await
        {
            tracing::warn!(error = %e, "could not take down a shared plan after leaving");
        }
    }
    let text = match left {
        None => return Err(CommandError::User(format!("You weren't going to **{name}**."))),
        Some(0) => format!("You're no longer going to **{name}**; its reminders are off."),
        Some(n) => format!(
            "You're no longer going to **{name}**; its reminders are off and its {n} target{} removed.",
            if n == 1 { " is" } else { "s are" }
        ),
    };
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

/// Your plans, or one plan with its targets (private to you)
#[poise::command(slash_command, guild_only)]
pub(super) async fn plan(
    ctx: Context<'_>,
    #[description = "The conference (default: all your plans here)"]
    #[autocomplete = "autocomplete_conference"]
    #[max_length = 100]
    conference: Option<String>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let guild = pick::guild(ctx)?;
    let today = chapter_today(data, guild).await?;
    let Some(conference) = conference else {
        let plans = data.store.plans_of(owner, guild, today).await?;
        if plans.is_empty() {
            return Err(CommandError::User(
                "You have no conference plans here. See what's coming with `/conference list`, then `/conference join`.".into(),
            ));
        }
        let mut text = "**Your conference plans**\n".to_owned();
        for p in &plans {
            let d = &p.conference.details;
            text.push_str(&format!(
                "**{}** · {} ({}) · {} · targets {}/{} done{}\n",
                reply::escape(&d.name),
                dates_label(d.starts_on, d.ends_on),
                relative(d.starts_on, d.ends_on, today),
                match p.plan.visibility {
                    Visibility::Chapter => "visible to the chapter",
                    Visibility::Private => "private",
                },
                p.targets_done,
                p.targets,
                if p.removed {
                    " · removed from the calendar"
                } else {
                    ""
                }
            ));
        }
        reply::send_pages(ctx, &text, Vec::new()).await?;
        return Ok(());
    };
    let (_, found) = resolve(ctx, &conference).await?;
    let Some(plan) = data.store.plan(owner, found.id).await? else {
        return Err(CommandError::User(format!(
            "You haven't joined **{}**: `/conference join` it to start a plan.",
            reply::escape(&found.details.name)
        )));
    };
    let text = plan_text(data, owner, plan.id).await?;
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// One of the member's plans with its targets, as `/conference plan` and a reminder's
/// "open my plan" show it.
async fn plan_text(data: &Data, owner: UserId, plan: PlanId) -> Result<String, CommandError> {
    let Some(summary) = data.store.plan_by_id(owner, plan).await? else {
        return Err(CommandError::User(
            "That plan is gone: you left the conference. See `/conference plan`.".into(),
        ));
    };
    let today = chapter_today(data, summary.conference.guild).await?;
    let targets = data.store.targets(owner, plan).await?;
    let d = &summary.conference.details;
    let mut text = format!(
        "**{}** · {} ({}) · {}\n",
        reply::escape(&d.name),
        dates_label(d.starts_on, d.ends_on),
        relative(d.starts_on, d.ends_on, today),
        reply::escape(&d.city),
    );
    if summary.removed {
        text.push_str(
            "Officers removed it from the calendar; your plan is kept as your history.\n",
        );
    } else {
        text.push_str(&format!(
            "You're going; {}.\n",
            visibility_text(summary.plan.visibility)
        ));
    }
    if targets.is_empty() {
        text.push_str("No targets yet: add people (speakers, faculty), programs (fair booths) and sessions with `/conference target add`.");
    } else {
        let done = targets.iter().filter(|t| t.done).count();
        text.push_str(&format!("**Targets** ({done} of {} done)\n", targets.len()));
        for t in &targets {
            text.push_str(&format!(
                "{} {}: {}",
                if t.done { "☑" } else { "☐" },
                t.kind.code(),
                reply::escape(&t.name)
            ));
            if let Some(n) = &t.note {
                text.push_str(&format!(" — {}", reply::escape(n)));
            }
            text.push('\n');
        }
    }
    Ok(text)
}

/// "Open plan" on a before-conference reminder.
pub(super) async fn on_open_plan(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    plan: i64,
) -> Result<(), CommandError> {
    let text = plan_text(data, owner, PlanId(plan)).await?;
    incoming.say_pages(ctx, &text, Vec::new()).await
}

/// "Draft a follow-up for…" on the after-conference reminder: "f<id>", untrusted, must be
/// one of the clicker's pending follow-ups with someone met at this plan's conference.
pub(super) async fn on_after_menu(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    plan: i64,
) -> Result<(), CommandError> {
    let stale = || CommandError::User(STALE_BUTTON.into());
    let Some(click) = incoming.as_click() else {
        return Err(stale());
    };
    let serenity::ComponentInteractionDataKind::StringSelect { values } = &click.data.kind else {
        return Err(stale());
    };
    let follow_up = values
        .first()
        .and_then(|v| v.strip_prefix('f'))
        .and_then(|n| n.parse::<i64>().ok())
        .ok_or_else(stale)?;
    let Some(summary) = data.store.plan_by_id(owner, PlanId(plan)).await? else {
        return Err(stale());
    };
    let Some(f) = data.store.follow_up(owner, follow_up).await? else {
        return Err(CommandError::User(
            "This follow-up is already done, moved or turned off. Use `/draft` for any contact."
                .into(),
        ));
    };
    let met_there = data
        .store
        .contact(owner, f.contact_id)
        .await?
        .is_some_and(|c| c.met.conference_id == Some(summary.conference.id.0));
    if !met_there {
        return Err(stale());
    }
    crate::discord::commands::draft::on_draft_button(ctx, data, incoming, owner, follow_up).await
}

/// The select on a before-conference reminder: "plan", or "t<id>" for a draft to one of the
/// plan's person targets. The value is untrusted: the target must be the clicker's and in
/// this plan.
pub(super) async fn on_before_menu(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    plan: i64,
) -> Result<(), CommandError> {
    let stale = || CommandError::User(STALE_BUTTON.into());
    let Some(click) = incoming.as_click() else {
        return Err(stale());
    };
    let serenity::ComponentInteractionDataKind::StringSelect { values } = &click.data.kind else {
        return Err(stale());
    };
    let picked = values.first().map(String::as_str).ok_or_else(stale)?;
    if picked == "plan" {
        return on_open_plan(ctx, data, incoming, owner, plan).await;
    }
    let target = picked
        .strip_prefix('t')
        .and_then(|n| n.parse::<i64>().ok())
        .map(TargetId)
        .ok_or_else(stale)?;
    let Some((in_plan, target)) = data.store.target(owner, target).await? else {
        return Err(CommandError::User(crate::actions::TARGET_GONE.into()));
    };
    let Some(summary) = data.store.plan_by_id(owner, PlanId(plan)).await? else {
        return Err(stale());
    };
    if in_plan.0 != plan {
        return Err(stale());
    }
    let contact = match target.contact {
        Some(id) => data.store.contact(owner, id).await?,
        None => None,
    };
    let stage = data.store.member(owner).await?.stage;
    let d = &summary.conference.details;
    let event = format!("{} {}", d.name, d.starts_on.format("%Y"));
    let facts = DraftFacts::for_target(
        &target.name,
        target.note.as_deref(),
        contact.as_ref(),
        &event,
        stage,
    );
    let situation = Situation::BeforeConference;
    let draft = data.drafts.render(situation, &facts).map_err(|e| {
        tracing::error!(situation = situation.code(), error = %e, "draft template failed");
        CommandError::User("That draft template is broken; tell your bot's admin.".into())
    })?;
    let text = format!(
        "**Draft — {}** (copy it, fill the [brackets], send it yourself):\n\n{}",
        situation.label(),
        reply::escape(&draft)
    );
    incoming.say_pages(ctx, &text, Vec::new()).await
}

/// Members going to a conference who let the chapter see it
#[poise::command(slash_command, guild_only)]
pub(super) async fn who(
    ctx: Context<'_>,
    #[description = "The conference"]
    #[autocomplete = "autocomplete_conference"]
    #[max_length = 100]
    conference: String,
) -> Result<(), CommandError> {
    let (guild, found) = resolve(ctx, &conference).await?;
    let going = ctx.data().store.going_visibly(found.id).await?;
    let mut here = Vec::new();
    for user in going {
        // Someone who left the server is no longer listed.
        match serenity::GuildId::new(guild.get())
            .member(ctx, serenity::UserId::new(user.get()))
            .await
        {
            Ok(_) => here.push(user),
            Err(e) if is_unknown_member(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let name = reply::escape(&found.details.name);
    let text = if here.is_empty() {
        format!("Nobody has shared that they're going to **{name}** yet. Going? `/conference join` with visibility Chapter.")
    } else {
        let list: Vec<String> = here.iter().map(|u| format!("<@{u}>")).collect();
        format!(
            "**Going to {name}** ({}): {}",
            dates_label(found.details.starts_on, found.details.ends_on),
            list.join(", ")
        )
    };
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// Discord's answer for a user who is not (or no longer) in the server.
fn is_unknown_member(e: &serenity::Error) -> bool {
    matches!(e, serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) if r.error.code == 10007)
}

/// Your private targets at a conference: people, programs, sessions
#[poise::command(
    slash_command,
    guild_only,
    subcommands("target_add", "target_done", "target_remove"),
    subcommand_required
)]
pub(super) async fn target(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Add a person, program or session to aim for
#[poise::command(slash_command, guild_only, rename = "add")]
async fn target_add(
    ctx: Context<'_>,
    #[description = "The conference you joined"]
    #[autocomplete = "autocomplete_conference"]
    #[max_length = 100]
    conference: String,
    #[description = "Person, program or session"] kind: TargetKind,
    #[description = "Who or what (a contact's name when empty)"]
    #[max_length = 100]
    name: Option<String>,
    #[description = "Why, or what to ask"]
    #[max_length = 300]
    note: Option<String>,
    #[description = "A contact of yours this is about"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: Option<String>,
) -> Result<(), CommandError> {
    let (_, found) = resolve(ctx, &conference).await?;
    let linked = match contact.as_deref() {
        Some(input) => match resolve_contact(ctx, input).await? {
            Some(c) => Some(c),
            // Namesakes were listed to pick from.
            None => return Ok(()),
        },
        None => None,
    };
    let name = match (name.as_deref(), &linked) {
        (Some(typed), _) => target_name(typed)?,
        (None, Some(c)) => target_name(&c.name)?,
        (None, None) => {
            return Err(CommandError::User(
                "Name the target, or pick one of your contacts.".into(),
            ))
        }
    };
    let note = conference::note(note.as_deref(), MAX_TARGET_NOTE)?;
    ctx.data()
        .actions
        .add_target(
            author(ctx),
            found.id,
            kind,
            &name,
            note.as_deref(),
            linked.as_ref().map(|c| c.id),
        )
        .await?;
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Added {} **{}** to your plan for **{}**. Only you see your targets: `/conference plan`.",
            kind.code(),
            reply::escape(&name),
            reply::escape(&found.details.name)
        )),
    )
    .await?;
    Ok(())
}

/// Mark a target done (or not done)
#[poise::command(slash_command, guild_only, rename = "done")]
async fn target_done(
    ctx: Context<'_>,
    #[description = "The target"]
    #[autocomplete = "autocomplete_target"]
    #[max_length = 100]
    target: String,
    #[description = "Mark it not done again"] undo: Option<bool>,
) -> Result<(), CommandError> {
    let id = pick::target_id(&target)?;
    let done = !undo.unwrap_or(false);
    ctx.data()
        .actions
        .set_target_done(author(ctx), id, done)
        .await?;
    reply::send(
        ctx,
        reply::ephemeral(if done {
            "Marked done. See your plan with `/conference plan`."
        } else {
            "Marked not done."
        }),
    )
    .await?;
    Ok(())
}

/// Remove a target from your plan
#[poise::command(slash_command, guild_only, rename = "remove")]
async fn target_remove(
    ctx: Context<'_>,
    #[description = "The target"]
    #[autocomplete = "autocomplete_target"]
    #[max_length = 100]
    target: String,
) -> Result<(), CommandError> {
    let id = pick::target_id(&target)?;
    ctx.data().actions.remove_target(author(ctx), id).await?;
    reply::send(ctx, reply::ephemeral("Removed from your plan.")).await?;
    Ok(())
}
