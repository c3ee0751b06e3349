//! The only place that knows serenity and poise: framework set-up, commands, components,
//! and how replies are rendered.

mod choices;
pub mod commands;
pub mod deliver;
mod error;
mod interaction;
pub mod reply;
mod router;

use std::sync::Arc;

use poise::serenity_prelude as serenity;

use crate::clock::Clock;
use crate::domain::{GuildId, TimeZone, UserId};
use crate::store::Store;

pub use error::CommandError;

/// What every command handler can reach.
pub struct Data {
    /// Every member action, one transaction each.
    pub actions: crate::actions::Actions,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub default_timezone: TimeZone,
    /// Wakes the nudge loop when a follow-up is scheduled or moved.
    pub wake: Arc<tokio::sync::Notify>,
    pub drafts: Arc<crate::domain::draft::Drafts>,
    pub practice: crate::domain::story::TimerSignals,
    /// Running practice timers, by id, so their Stop button can reach them.
    pub timers: std::sync::Mutex<std::collections::HashMap<u64, Arc<PracticeTimer>>>,
    /// A command still working after this long answers "thinking…" first.
    pub defer_after: std::time::Duration,
    /// The longest a command's channel post may take: then its outcome is unknown.
    pub request_timeout: std::time::Duration,
    /// Who runs this deployment, for `/privacy`.
    pub privacy_operator: Option<String>,
    /// The gateway shards this process runs, and those that have received READY: the process
    /// is ready once all have.
    pub shards: crate::settings::ShardRange,
    pub shards_ready: std::sync::Mutex<std::collections::BTreeSet<u32>>,
}

/// A running one-minute practice timer. A member runs one at a time.
pub struct PracticeTimer {
    pub owner: UserId,
    pub started: chrono::DateTime<chrono::Utc>,
    pub stop: tokio::sync::Notify,
    /// Its channel message, once posted: Stop must come from that message.
    pub message: std::sync::OnceLock<TimerMessage>,
}

/// Where a practice timer's message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerMessage {
    pub guild: Option<u64>,
    pub channel: u64,
    pub message: u64,
}

impl TimerMessage {
    /// A link that jumps to the message.
    pub fn link(&self) -> String {
        let guild = self
            .guild
            .map_or_else(|| "@me".to_owned(), |g| g.to_string());
        format!(
            "https://discord.com/channels/{guild}/{}/{}",
            self.channel, self.message
        )
    }
}

pub type Context<'a> = poise::Context<'a, Data, CommandError>;
pub type Command = poise::Command<Data, CommandError>;

/// Where commands are registered at start-up.
#[derive(Debug, Clone, Copy)]
pub enum Registration {
    Global,
    Guild(u64),
    /// This process runs no shard 0: the process that does registers the commands.
    ByShardZero,
}

/// The framework with every command. Its `data` arrives once the database is open, which may
/// be after the gateway is connected: the two happen at once at start-up, and the commands
/// are registered only when both are done. `on_ready` hears whether registration worked,
/// because a failed poise setup would otherwise leave the bot connected but deaf.
pub fn framework(
    data: tokio::sync::oneshot::Receiver<Data>,
    registration: Registration,
    shards: crate::settings::ShardRange,
    on_ready: tokio::sync::mpsc::UnboundedSender<Result<(), String>>,
) -> poise::Framework<Data, CommandError> {
    let options = poise::FrameworkOptions {
        commands: {
            let mut all = commands::all();
            interaction::defer_when_slow(&mut all);
            all
        },
        on_error: |err| Box::pin(error::on_error(err)),
        command_check: Some(|ctx| Box::pin(check(ctx))),
        post_command: |ctx| Box::pin(after_command(ctx)),
        event_handler: |ctx, event| Box::pin(router::on_event(ctx, event)),
        allowed_mentions: Some(serenity::CreateAllowedMentions::new()),
        ..Default::default()
    };
    poise::Framework::builder()
        .options(options)
        // Owners are not used; looking them up is a needless call at every start.
        .initialize_owners(false)
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                // Built while the database may still be opening.
                let builders = poise::builtins::create_application_commands(commands);
                // Sent by App::build once the database is open; dropped if it failed, and
                // then the app is already stopping with that error.
                let Ok(data) = data.await else {
                    return Err(CommandError::User("the database did not open".into()));
                };
                let registered = match registration {
                    Registration::Global => serenity::Command::set_global_commands(ctx, builders)
                        .await
                        .map(drop),
                    Registration::Guild(id) => serenity::GuildId::new(id)
                        .set_commands(ctx, builders)
                        .await
                        .map(drop),
                    Registration::ByShardZero => {
                        tracing::info!(
                            bot = %ready.user.name,
                            shards = %shards,
                            "connected; commands are registered by the process running shard 0"
                        );
                        let _ = on_ready.send(Ok(()));
                        return Ok(data);
                    }
                };
                match registered {
                    Ok(()) => {
                        tracing::info!(
                            bot = %ready.user.name,
                            commands = commands.len(),
                            ?registration,
                            shards = %shards,
                            "connected and commands registered"
                        );
                        let _ = on_ready.send(Ok(()));
                        Ok(data)
                    }
                    Err(e) => {
                        let _ =
                            on_ready.send(Err(format!("registering slash commands failed: {e}")));
                        Err(CommandError::from(e))
                    }
                }
            })
        })
        .build()
}

/// Runs before every command. Commands behind the deferral record presence inside it.
async fn check(ctx: Context<'_>) -> Result<bool, CommandError> {
    if !interaction::is_deferring(ctx.command()) {
        record_presence(ctx).await?;
    }
    Ok(true)
}

/// A member belongs to each chapter where they use the bot.
async fn record_presence(ctx: Context<'_>) -> Result<(), CommandError> {
    let data = ctx.data();
    data.store
        .record_presence(
            author(ctx),
            ctx.guild_id().map(|g| GuildId(g.get())),
            data.clock.now(),
        )
        .await?;
    Ok(())
}

/// What a member is told once, after the command that first finds it true.
async fn after_command(ctx: Context<'_>) {
    match ctx.data().store.notices_may_wait(author(ctx)).await {
        Ok(false) => return,
        Ok(true) => {}
        Err(e) => tracing::warn!(error = %e, "could not read the waiting notices"),
    }
    tell_if_zone_assumed(ctx).await;
    tell_if_dms_closed(ctx).await;
}

/// A member who set no time zone is told, on their first command, which one is assumed and
/// how to set theirs.
async fn tell_if_zone_assumed(ctx: Context<'_>) {
    let data = ctx.data();
    match data
        .store
        .take_zone_notice(author(ctx), data.clock.now())
        .await
    {
        Ok(true) => {
            let notice = format!(
                "Dates and nudges follow **{}** for you, the server's default, until you set your own time zone with `/me timezone`.",
                data.default_timezone
            );
            if let Err(e) = reply::send(ctx, reply::ephemeral(notice)).await {
                tracing::warn!(error = %e, "could not tell a member their time zone is assumed");
            }
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "could not read the time zone notice"),
    }
}

/// Once after a nudge found the member's DMs closed, their next command says so.
async fn tell_if_dms_closed(ctx: Context<'_>) {
    match ctx.data().store.take_dms_closed_notice(author(ctx)).await {
        Ok(true) => {
            let notice = "I couldn't DM you your follow-up nudges: your DMs are closed to me. See them with `/followup list`; to get them by DM again, allow direct messages (Privacy Settings of a server we share, or add me as an app), then run `/me dm test`.";
            if let Err(e) = reply::send(ctx, reply::ephemeral(notice)).await {
                tracing::warn!(error = %e, "could not tell a member their DMs are closed");
            }
        }
        Ok(false) => {}
        Err(e) => tracing::warn!(error = %e, "could not read the DMs-closed notice"),
    }
}

/// Today's date in the member's time zone (the deployment default if they set none, or if
/// their settings cannot be read: a date preview is not worth failing over).
pub async fn today_for(data: &Data, user: UserId) -> chrono::NaiveDate {
    let zone = match data.store.member(user).await {
        Ok(member) => member.timezone_or(data.default_timezone),
        Err(e) => {
            tracing::warn!(error = %e, "member settings unreadable; using the default zone");
            data.default_timezone
        }
    };
    data.clock.now().with_timezone(&zone.tz()).date_naive()
}

/// The member who ran the command.
pub fn author(ctx: Context<'_>) -> UserId {
    UserId(ctx.author().id.get())
}
