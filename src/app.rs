//! One `App` that `main` and the tests share: build it from settings, then run it until a
//! shutdown signal or a fatal error.

use std::future::Future;
use std::sync::Arc;

use poise::serenity_prelude as serenity;

use crate::clock::{Clock, SystemClock};
use crate::db::{self, DbError};
use crate::discord::deliver::DiscordDeliver;
use crate::discord::{self, Data, Registration};
use crate::domain::cadence::QuietHours;
use crate::scheduler::{Deliver, Scheduler, SchedulerSettings};
use crate::settings::Settings;
use crate::store::Store;

/// What the app takes from the outside world, so tests can substitute it.
pub struct Deps {
    pub clock: Arc<dyn Clock>,
    /// How nudge digests are sent; `None`: as Discord DMs through the bot's own client.
    pub deliver: Option<Arc<dyn Deliver>>,
}

impl Default for Deps {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
            deliver: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Database(#[from] DbError),
    #[error("cannot set up the Discord client: {0}")]
    Discord(#[from] serenity::Error),
    #[error("{0}")]
    Registration(String),
    #[error("the Discord connection ended unexpectedly")]
    GatewayEnded,
    #[error("the nudge loop stopped: {0}")]
    SchedulerEnded(String),
    #[error("the database's storage is full, so nothing more can be saved; stopping (make room, then start the bot again): {0}")]
    StorageFull(String),
    #[error("drafts.templates_dir: {0}")]
    Templates(#[from] crate::domain::draft::DraftError),
}

pub struct App {
    store: Store,
    scheduler: Scheduler,
    ready: tokio::sync::mpsc::UnboundedReceiver<Result<(), String>>,
    gateway: Gateway,
}

/// The gateway connection, started by [`App::build`] while the database opens; stopped if
/// the app is dropped without running.
struct Gateway {
    task: Option<tokio::task::JoinHandle<Result<(), serenity::Error>>>,
    shards: Arc<serenity::ShardManager>,
}

impl Drop for Gateway {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let shards = self.shards.clone();
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move { shards.shutdown_all().await });
            }
        }
    }
}

impl App {
    /// Opens and migrates the database while the Discord client connects. The commands are
    /// registered, and events handled, once both are done; a database that cannot be opened
    /// stops the connection and is the error returned.
    pub async fn build(settings: &Settings, deps: Deps) -> Result<App, AppError> {
        let started = std::time::Instant::now();
        let drafts = Arc::new(crate::domain::draft::Drafts::load(
            settings.templates_dir.as_deref(),
        )?);
        tracing::debug!(elapsed = ?started.elapsed(), "draft templates loaded");
        // A bad URL or an impossible folder is reported alone, before connecting.
        db::prepare(&settings.database)?;
        let shards = settings.discord.shards;
        let registration = if shards.has_shard_zero() {
            settings
                .discord
                .dev_guild_id
                .map_or(Registration::Global, Registration::Guild)
        } else {
            // Commands are the bot's, not a process's: shard 0's process registers them once.
            Registration::ByShardZero
        };
        let (ready_tx, ready) = tokio::sync::mpsc::unbounded_channel();
        let (data_tx, data_rx) = tokio::sync::oneshot::channel();
        let framework = discord::framework(data_rx, registration, shards, ready_tx);

        let mut http = serenity::HttpBuilder::new(settings.discord.token.expose());
        if !settings.discord.uses_real_discord() {
            // serenity's ratelimiter ignores the proxy and would reach discord.com.
            http = http
                .proxy(settings.discord.api_base.clone())
                .ratelimiter_disabled(true);
        }
        let connect = async {
            let mut client = serenity::ClientBuilder::new_with_http(
                http.build(),
                serenity::GatewayIntents::GUILDS,
            )
            .framework(framework)
            .await?;
            let http = client.http.clone();
            let shard_manager = client.shard_manager.clone();
            let task = tokio::spawn(async move {
                if shards.total == 1 {
                    client.start().await
                } else {
                    // serenity reads the range's end as the last shard, inclusive.
                    client
                        .start_shard_range(shards.first..shards.last, shards.total)
                        .await
                }
            });
            let gateway = Gateway {
                task: Some(task),
                shards: shard_manager,
            };
            Ok::<_, AppError>((http, gateway))
        };
        let open = async {
            let pool = db::connect(&settings.database).await?;
            tracing::debug!(elapsed = ?started.elapsed(), "database open and migrated");
            Ok::<_, AppError>(pool)
        };
        // The first error wins; a gateway already connecting is stopped as it is dropped. The
        // database goes first: its first step hands the opening to a thread of its own, which
        // then runs while this one builds the Discord client.
        let (pool, (http, gateway)) = tokio::try_join!(open, connect)?;

        let mut store = Store::new(pool);
        if settings.discord.shards.count() < settings.discord.shards.total {
            // Other processes claim from the same nudges.
            store = store.shared_with_other_processes();
        }
        let wake = Arc::new(tokio::sync::Notify::new());
        let data = Data {
            actions: crate::actions::Actions {
                store: store.clone(),
                clock: deps.clock.clone(),
                wake: wake.clone(),
                default_timezone: settings.members.default_timezone,
            },
            store: store.clone(),
            clock: deps.clock.clone(),
            default_timezone: settings.members.default_timezone,
            wake: wake.clone(),
            drafts,
            practice: settings.practice,
            timers: std::sync::Mutex::new(std::collections::HashMap::new()),
            defer_after: settings.discord.defer_after,
            privacy_operator: settings.privacy_operator.clone(),
            shards: settings.discord.shards,
            shards_ready: std::sync::Mutex::default(),
            request_timeout: std::time::Duration::from_secs(u64::from(
                settings.nudges.request_timeout_seconds,
            )),
        };
        let deliver = deps.deliver.unwrap_or_else(|| {
            Arc::new(DiscordDeliver::new(
                http,
                store.clone(),
                deps.clock.clone(),
                shards.share_of(settings.nudges.send_rate),
                settings.members.default_timezone,
                std::time::Duration::from_secs(u64::from(settings.nudges.request_timeout_seconds)),
            ))
        });
        let scheduler = Scheduler::new(
            store.clone(),
            deps.clock,
            deliver,
            SchedulerSettings {
                quiet_hours: QuietHours {
                    start: settings.nudges.quiet_start,
                    end: settings.nudges.quiet_end,
                },
                default_timezone: settings.members.default_timezone,
                lease: chrono::Duration::seconds(i64::from(settings.nudges.lease_seconds)),
                max_sleep: chrono::Duration::seconds(60),
                members_per_run: 500,
                retry_base: chrono::Duration::seconds(i64::from(settings.nudges.retry_seconds)),
            },
            wake,
        );
        // The framework's setup waits for this from READY on, then registers the commands.
        let _ = data_tx.send(data);
        tracing::debug!(elapsed = ?started.elapsed(), "app built");
        Ok(App {
            store,
            scheduler,
            ready,
            gateway,
        })
    }

    pub fn store(&self) -> Store {
        self.store.clone()
    }

    /// Connects and serves until `shutdown` completes (clean exit, `Ok`) or something fatal
    /// happens: command registration failing or the gateway ending on its own.
    pub async fn run_until_stopped(
        mut self,
        shutdown: impl Future<Output = ()>,
    ) -> Result<(), AppError> {
        let shards = self.gateway.shards.clone();
        let Some(mut gateway) = self.gateway.task.take() else {
            return Err(AppError::GatewayEnded);
        };
        // Spawned so a panic in the loop surfaces as a JoinError here, never unnoticed.
        let (stop_nudges, nudges_stopped) = tokio::sync::oneshot::channel::<()>();
        let mut nudges = tokio::spawn(self.scheduler.run(async move {
            let _ = nudges_stopped.await;
        }));
        let mut full = self.store.full();
        let outcome = {
            tokio::pin!(shutdown);
            loop {
                tokio::select! {
                    ended = &mut nudges => {
                        shards.shutdown_all().await;
                        let why = match ended {
                            Ok(()) => "it returned".to_owned(),
                            Err(e) if e.is_panic() => "it panicked".to_owned(),
                            Err(e) => e.to_string(),
                        };
                        break Err(AppError::SchedulerEnded(why));
                    }
                    ended = &mut gateway => {
                        break match ended {
                            Ok(Err(e)) => Err(AppError::Discord(e)),
                            Ok(Ok(())) | Err(_) => Err(AppError::GatewayEnded),
                        };
                    }
                    Ok(()) = full.changed() => {
                        let why = full.borrow().clone().unwrap_or_default();
                        shards.shutdown_all().await;
                        break Err(AppError::StorageFull(why));
                    }
                    () = &mut shutdown => {
                        tracing::info!("shutting down");
                        shards.shutdown_all().await;
                        break Ok(());
                    }
                    Some(ready) = self.ready.recv() => {
                        if let Err(why) = ready {
                            shards.shutdown_all().await;
                            break Err(AppError::Registration(why));
                        }
                        crate::memory::give_back_free();
                    }
                }
            }
        };
        // After shutdown_all the connection's task only winds down; dropping it is the same.
        gateway.abort();
        let _ = stop_nudges.send(());
        if !nudges.is_finished() {
            let _ = nudges.await;
        }
        self.store.close().await;
        match &outcome {
            Ok(()) => tracing::info!("stopped cleanly"),
            Err(e) => tracing::error!(error = %e, "stopped on an error"),
        }
        outcome
    }
}
