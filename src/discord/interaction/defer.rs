//! Answering Discord in time. Discord drops a command not answered within 3 seconds, even when
//! its write has committed. Every slash command runs inside [`deferring`]: one still working
//! after `defer_after` (waiting for a busy database, going over many contacts) first answers
//! "thinking…" (a deferred response), and its own answer follows as a follow-up.
//!
//! The deferral runs in the command's own task, only while the command is suspended, and
//! only if the command has not begun its first answer: every answer goes through
//! [`crate::discord::reply::send`] (or [`super::open_modal`], or [`defer_now`]), which marks
//! the invocation before sending. Poise's own "already answered" flag is read and then set
//! after the HTTP call, so it alone cannot tell a deferral that an answer is in flight.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use poise::BoxFuture;

use crate::discord::{CommandError, Context, Data};

type AppContext<'a> = poise::ApplicationContext<'a, Data, CommandError>;
type Outcome<'a> = Result<(), poise::FrameworkError<'a, Data, CommandError>>;
type SlashAction = for<'a> fn(AppContext<'a>) -> BoxFuture<'a, Outcome<'a>>;

/// Commands whose first answer can be a form. Discord takes a form only as the first answer,
/// so these are never deferred; they read little before opening it.
pub const ANSWERED_WITH_A_FORM: &[&str] = &["story write", "contact edit"];

/// The command's own action, kept while [`deferring`] stands in for it.
struct Wrapped(SlashAction);

/// This invocation has begun its first answer (or its deferral).
struct Answering(Arc<AtomicBool>);

/// Puts every slash command (subcommands too) except those [`ANSWERED_WITH_A_FORM`] behind
/// [`deferring`].
pub fn defer_when_slow(commands: &mut [crate::discord::Command]) {
    wrap(commands, "");
}

/// Poise fills in qualified names only when the framework starts, so the path is built here.
fn wrap(commands: &mut [crate::discord::Command], parent: &str) {
    for command in commands {
        let path = if parent.is_empty() {
            command.name.to_string()
        } else {
            format!("{parent} {}", command.name)
        };
        if let Some(action) = command.slash_action {
            if !ANSWERED_WITH_A_FORM.contains(&path.as_str()) {
                command.custom_data = Box::new(Wrapped(action));
                command.slash_action = Some(deferring);
            }
        }
        wrap(&mut command.subcommands, &path);
    }
}

/// Whether `command` runs behind [`deferring`] (which then records the member's presence).
pub fn is_deferring(command: &crate::discord::Command) -> bool {
    command.custom_data.downcast_ref::<Wrapped>().is_some()
}

/// Runs the command; if it is still working after `defer_after` and has not begun answering,
/// answers "thinking…" (ephemeral, like every answer of this bot) and lets it finish.
fn deferring(ctx: AppContext<'_>) -> BoxFuture<'_, Outcome<'_>> {
    Box::pin(async move {
        let whole = poise::Context::Application(ctx);
        // Always there: `defer_when_slow` sets both together.
        let Some(Wrapped(action)) = whole.command().custom_data.downcast_ref::<Wrapped>() else {
            return Err(poise::FrameworkError::new_command(
                whole,
                CommandError::User("Something went wrong on my side; nothing was changed.".into()),
            ));
        };
        let answering = Arc::new(AtomicBool::new(false));
        whole
            .set_invocation_data(Answering(answering.clone()))
            .await;
        // The member's presence in this chapter is recorded here rather than in poise's check,
        // so a busy database there is covered by the deferral too.
        let run = async move {
            if let Err(e) = crate::discord::record_presence(whole).await {
                return Err(poise::FrameworkError::new_command(whole, e));
            }
            action(ctx).await
        };
        tokio::pin!(run);
        match tokio::time::timeout(whole.data().defer_after, &mut run).await {
            Ok(outcome) => outcome,
            Err(_) => {
                // The command is suspended here: nothing of it runs until `run` is polled again.
                if !answering.swap(true, Ordering::SeqCst)
                    && !ctx.has_sent_initial_response.load(Ordering::SeqCst)
                {
                    #[allow(clippy::disallowed_methods)]
                    let deferred = whole.defer_ephemeral().await;
                    if let Err(e) = deferred {
                        tracing::warn!(error = %e, command = %whole.command().qualified_name, "could not defer a slow command");
                    }
                }
                run.await
            }
        }
    })
}

/// Marks that this invocation is about to answer, so a deferral does not answer as well.
pub async fn mark_answering(ctx: Context<'_>) {
    if let Some(answering) = ctx.invocation_data::<Answering>().await {
        answering.0.store(true, Ordering::SeqCst);
    }
}

/// Answers "thinking…" now, for a command that knows it will be slow.
pub async fn defer_now(ctx: Context<'_>) -> Result<(), poise::serenity_prelude::Error> {
    mark_answering(ctx).await;
    #[allow(clippy::disallowed_methods)]
    ctx.defer_ephemeral().await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(
        commands: &[crate::discord::Command],
        parent: &str,
        wrapped: bool,
        out: &mut Vec<String>,
    ) {
        for c in commands {
            let path = format!("{parent}{}", c.name);
            if c.slash_action.is_some() && is_deferring(c) == wrapped {
                out.push(path.clone());
            }
            names(&c.subcommands, &format!("{path} "), wrapped, out);
        }
    }

    #[test]
    fn every_slash_command_but_the_form_ones_is_deferred_when_slow() {
        let mut all = crate::discord::commands::all();
        defer_when_slow(&mut all);
        let mut unwrapped = Vec::new();
        names(&all, "", false, &mut unwrapped);
        let mut expected: Vec<String> = ANSWERED_WITH_A_FORM
            .iter()
            .map(|n| (*n).to_owned())
            .collect();
        unwrapped.sort();
        expected.sort();
        assert_eq!(
            unwrapped, expected,
            "a form command was renamed, or a command was missed"
        );
        let mut wrapped = Vec::new();
        names(&all, "", true, &mut wrapped);
        assert!(wrapped.contains(&"me matchday".to_owned()), "{wrapped:?}");
        assert!(wrapped.len() > 20, "{wrapped:?}");
    }
}
