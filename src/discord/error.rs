//! Every error a member can meet becomes one short ephemeral sentence; details go to the log.

use poise::serenity_prelude as serenity;
use poise::FrameworkError;

use super::{reply, Data};
use crate::actions::ActionError;
use crate::domain::conference::ConferenceError;
use crate::domain::contact::ContactError;
use crate::domain::story::StoryError;
use crate::domain::when::WhenError;
use crate::domain::TimeZoneError;
use crate::store::StoreError;

/// The error a command handler returns.
#[derive(Debug, thiserror::Error)]
pub enum CommandError {
    /// Something the member can fix; the text is shown to them as is.
    #[error("{0}")]
    User(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Boxed: serenity's error is large and would bloat every `Result` of ours.
    #[error("Discord request failed: {0}")]
    Discord(Box<serenity::Error>),
}

impl From<serenity::Error> for CommandError {
    fn from(e: serenity::Error) -> Self {
        CommandError::Discord(Box::new(e))
    }
}

/// Typed input errors of the domain read as the sentence the member sees.
macro_rules! user_error {
    ($($ty:ty),+) => {$(
        impl From<$ty> for CommandError {
            fn from(e: $ty) -> Self {
                CommandError::User(e.to_string())
            }
        }
    )+};
}

user_error!(
    TimeZoneError,
    ContactError,
    WhenError,
    StoryError,
    ConferenceError
);

impl From<ActionError> for CommandError {
    fn from(e: ActionError) -> Self {
        let say = |text: &str| CommandError::User(text.to_owned());
        match e {
            ActionError::ContactNotFound => say(super::commands::contact::NOT_FOUND),
            ActionError::FollowUpGone => say(
                "This follow-up is already done, moved or turned off (or its nudge is being sent right now). See `/followup list`.",
            ),
            ActionError::NoteGone => say("That note was already saved or has expired."),
            ActionError::ChangedSinceOpened => say(
                "This contact changed after you opened the form (a note was added or it was edited), so nothing was saved. Open the form again to see the latest.",
            ),
            ActionError::Refused(text) => CommandError::User(text),
            ActionError::Contact(e) => CommandError::User(e.to_string()),
            ActionError::Store(e) => CommandError::Store(e),
        }
    }
}

/// What a member reads when the database stayed locked by another writer past the busy
/// timeout: the transaction failed whole, so nothing changed.
pub const BUSY: &str =
    "The bot is busy saving something else right now, so nothing was changed. Try again in a moment.";

/// The sentence for an error that is not the member's to fix; a full storage is noted on the
/// store (the app stops on it).
pub fn internal_text(store: &crate::store::Store, error: &CommandError) -> &'static str {
    if let CommandError::Store(e) = error {
        store.note_failure(e);
    }
    if is_busy(error) {
        BUSY
    } else if matches!(error, CommandError::Store(e) if e.is_storage_full()) {
        FULL
    } else {
        INTERNAL
    }
}

/// Another writer held on: SQLite's "database is locked" (BUSY, BUSY_SNAPSHOT, LOCKED), or
/// PostgreSQL's lock wait past `lock_timeout` (55P03), a serialization failure (40001) or a
/// deadlock it broke (40P01); or every connection stayed taken by such waits past the pool's
/// timeout. Nothing was changed; trying again works.
fn is_busy(error: &CommandError) -> bool {
    let db = match error {
        CommandError::Store(StoreError::Database(sqlx::Error::PoolTimedOut)) => return true,
        CommandError::Store(StoreError::Database(sqlx::Error::Database(db))) => db,
        _ => return false,
    };
    matches!(
        db.code().as_deref(),
        Some("5" | "6" | "517" | "261" | "262" | "55P03" | "40001" | "40P01")
    )
}

/// What a member reads when the bot's storage is full (the bot then stops for its operator).
pub const FULL: &str =
    "The bot's storage is full, so nothing was saved. Its operator needs to make room; try again later.";

/// What a member reads when the fault is ours.
pub const INTERNAL: &str =
    "Something went wrong on my side and nothing was changed. Please try again in a moment.";

/// The error with its causes, for the log.
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

pub async fn on_error(error: FrameworkError<'_, Data, CommandError>) {
    let (ctx, text) = match error {
        FrameworkError::Command { error, ctx, .. } => match error {
            CommandError::User(text) => (ctx, text),
            internal => {
                tracing::error!(
                    command = %ctx.command().qualified_name,
                    error = %chain(&internal),
                    "command failed"
                );
                (ctx, internal_text(&ctx.data().store, &internal).to_owned())
            }
        },
        FrameworkError::CommandPanic { payload, ctx, .. } => {
            tracing::error!(
                command = %ctx.command().qualified_name,
                panic = payload.as_deref().unwrap_or("(no message)"),
                "command panicked"
            );
            (ctx, INTERNAL.to_owned())
        }
        FrameworkError::ArgumentParse { error, ctx, .. } => {
            tracing::info!(command = %ctx.command().qualified_name, error = %error, "option not understood");
            (
                ctx,
                "I couldn't read one of the options. Pick a value from the list, or check its format, and try again."
                    .to_owned(),
            )
        }
        FrameworkError::CommandStructureMismatch {
            description, ctx, ..
        } => {
            tracing::warn!(command = %ctx.command().qualified_name, description, "Discord sent an outdated command shape");
            (
                poise::Context::Application(ctx),
                "This command was just updated. Close and reopen Discord (or wait a minute), then try again."
                    .to_owned(),
            )
        }
        FrameworkError::MissingUserPermissions {
            missing_permissions,
            ctx,
            ..
        } => {
            let which = missing_permissions
                .map(reply::permission_names)
                .unwrap_or_else(|| "the right".to_owned());
            (
                ctx,
                format!("You need the {which} permission in this server to do that. Ask a server admin."),
            )
        }
        FrameworkError::MissingBotPermissions {
            missing_permissions,
            ctx,
            ..
        } => (
            ctx,
            format!(
                "I need the {} permission here to do that. Ask a server admin to grant it.",
                reply::permission_names(missing_permissions)
            ),
        ),
        FrameworkError::GuildOnly { ctx, .. } => (
            ctx,
            "This command needs a server: run it in your chapter's Discord server, not in a DM."
                .to_owned(),
        ),
        FrameworkError::DmOnly { ctx, .. } => {
            (ctx, "This command works only in a DM with me.".to_owned())
        }
        FrameworkError::CommandCheckFailed { error, ctx, .. } => match error {
            Some(CommandError::User(text)) => (ctx, text),
            Some(internal) => {
                tracing::error!(
                    command = %ctx.command().qualified_name,
                    error = %chain(&internal),
                    "command check failed"
                );
                (ctx, internal_text(&ctx.data().store, &internal).to_owned())
            }
            None => (ctx, "You can't use this command here.".to_owned()),
        },
        FrameworkError::CooldownHit {
            remaining_cooldown,
            ctx,
            ..
        } => (
            ctx,
            format!(
                "Please wait {} seconds before using this again.",
                remaining_cooldown.as_secs().max(1)
            ),
        ),
        FrameworkError::SubcommandRequired { ctx } => (
            ctx,
            "Pick one of this command's subcommands from the list.".to_owned(),
        ),
        FrameworkError::Setup { error, .. } => {
            tracing::error!(error = %chain(&error), "bot set-up failed");
            return;
        }
        FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(event = event.snake_case_name(), error = %chain(&error), "event handling failed");
            return;
        }
        other => {
            tracing::warn!(error = %other, "unhandled framework error");
            return;
        }
    };
    if let Err(e) = reply::send(ctx, reply::ephemeral(text)).await {
        tracing::warn!(error = %e, "could not tell the member about an error");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_too_long_for_a_connection_is_busy_not_our_fault() {
        let timed_out = CommandError::Store(StoreError::Database(sqlx::Error::PoolTimedOut));
        assert!(is_busy(&timed_out));
        let other = CommandError::Store(StoreError::Database(sqlx::Error::RowNotFound));
        assert!(!is_busy(&other));
    }
}
