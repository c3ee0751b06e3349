//! `/story practice`: a one-minute timer in the channel (green, yellow, red) with Stop; one
//! running timer per member.

use poise::serenity_prelude as serenity;

use super::StoryComponent;
use crate::discord::interaction::{Component, Incoming};
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::UserId;

fn timer_row(owner: UserId, id: u64) -> Vec<serenity::CreateActionRow> {
    vec![serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(StoryComponent::PracticeStop { timer: id }.custom_id(owner))
            .label("Stop")
            .style(serenity::ButtonStyle::Danger),
    ])]
}

/// A one-minute timer for saying your story aloud: green, yellow and red signals, and Stop
#[poise::command(slash_command)]
pub(super) async fn practice(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let signals = data.practice;
    let id = ctx.id();
    let started = data.clock.now();
    let timer = std::sync::Arc::new(crate::discord::PracticeTimer {
        owner,
        started,
        stop: tokio::sync::Notify::new(),
        message: std::sync::OnceLock::new(),
    });
    {
        let mut timers = data.timers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(running) = timers.values().find(|t| t.owner == owner) {
            let at = running
                .message
                .get()
                .map(|m| format!(": {}", m.link()))
                .unwrap_or_default();
            return Err(CommandError::User(format!(
                "You already have a practice timer running{at}. Stop it there, or let it finish, before starting another."
            )));
        }
        timers.insert(id, timer.clone());
    }
    // However this command ends, its timer stops being "running".
    let _running = RunningTimer { data, id };
    reply::send(
        ctx,
        reply::ephemeral(
            "Timer started below: say your story aloud. Stop it when you finish. (A timer lives in the bot's memory: if the bot restarts meanwhile, it ends; start another.)",
        ),
    )
    .await?;
    // A channel message (not the interaction reply) so it can be edited for as long as needed.
    let message = ctx
        .channel_id()
        .send_message(
            ctx,
            serenity::CreateMessage::new()
                .content(format!(
                    "⏱️ **{}** to go — <@{}> is practising their one-minute story.",
                    crate::domain::story::clock_text(i64::from(signals.red)),
                    ctx.author().id
                ))
                .components(timer_row(owner, id))
                .allowed_mentions(serenity::CreateAllowedMentions::new()),
        )
        .await?;
    let _ = timer.message.set(crate::discord::TimerMessage {
        guild: ctx.guild_id().map(|g| g.get()),
        channel: ctx.channel_id().get(),
        message: message.id.get(),
    });
    let steps = [
        (signals.green, "🟢", "you can wrap up"),
        (signals.yellow, "🟡", "finish your sentence"),
        (signals.red, "🔴", "time!"),
    ];
    for (at, light, words) in steps {
        let due = started + chrono::Duration::seconds(i64::from(at));
        tokio::select! {
            () = data.clock.sleep_until(due) => {}
            () = timer.stop.notified() => break,
        }
        let last = at == signals.red;
        let mut edit = serenity::EditMessage::new().content(format!(
            "{light} **{}** — {words}",
            crate::domain::story::clock_text(i64::from(at))
        ));
        if last {
            edit = edit.components(Vec::new());
        }
        if let Err(e) = ctx.channel_id().edit_message(ctx, message.id, edit).await {
            // Deleted by someone: the timer simply ends.
            tracing::info!(error = %e, "practice timer message gone; timer stopped");
            break;
        }
    }
    Ok(())
}

/// Takes a practice timer off the running list when its command ends, however it ends.
struct RunningTimer<'a> {
    data: &'a Data,
    id: u64,
}

impl Drop for RunningTimer<'_> {
    fn drop(&mut self) {
        self.data
            .timers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
    }
}

/// Stop: only the timer's owner, only on the timer's own message.
pub(super) async fn on_stop(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    id: u64,
) -> Result<(), CommandError> {
    let now = data.clock.now();
    let origin = incoming.origin();
    let timer = {
        let mut timers = data.timers.lock().unwrap_or_else(|p| p.into_inner());
        let ours = timers.get(&id).is_some_and(|t| {
            // Until its message is known (a click in the instant after posting), the
            // owner check alone decides.
            t.owner == owner
                && t.message
                    .get()
                    .is_none_or(|m| Some(m.message) == origin.message)
        });
        if ours {
            timers.remove(&id)
        } else {
            None
        }
    };
    let Some(timer) = timer else {
        return incoming
            .say(
                ctx,
                "This timer has already ended (it ran out, was stopped, or the bot restarted since). Start another with `/story practice`.",
            )
            .await;
    };
    timer.stop.notify_one();
    let elapsed = (now - timer.started).num_seconds();
    incoming
        .update(
            ctx,
            format!(
                "⏹️ Stopped at **{}**. A one-minute story lands between 0:45 and 1:00.",
                crate::domain::story::clock_text(elapsed)
            ),
            Vec::new(),
        )
        .await
}
