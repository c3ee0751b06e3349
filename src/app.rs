//! One `App` that `main` and the tests share: build it from settings, then run it until a
//! shutdown signal or a fatal error.

use std::future::Future;
use std::sync::Arc;

use poise::serenity_prelude as serenity;

use crate::clock::{Clock, SystemClock};
use crate::db::{self, DbError};
use crate::discord::{self, Data, Registration};
use crate::settings::Settings;
use crate::store::Store;

/// What the app takes from the outside world, so tests can substitute it.
pub struct Deps {
    pub clock: Arc<dyn Clock>,
}

impl Default for Deps {
    fn default() -> Self {
        Self {
            clock: Arc::new(SystemClock),
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
}

pub struct App {
    client: serenity::Client,
    store: Store,
    ready: tokio::sync::mpsc::UnboundedReceiver<Result<(), String>>,
}

impl App {
    /// Opens and migrates the database and prepares the Discord client (no connection yet).
    pub async fn build(settings: &Settings, deps: Deps) -> Result<App, AppError> {
        let pool = db::connect(&settings.database).await?;
        let store = Store::new(pool);
        let data = Data {
            store: store.clone(),
            clock: deps.clock,
            default_timezone: settings.members.default_timezone,
        };
        let registration = settings
            .discord
            .dev_guild_id
            .map_or(Registration::Global, Registration::Guild);
        let (ready_tx, ready) = tokio::sync::mpsc::unbounded_channel();
        let framework = discord::framework(data, registration, ready_tx);

        let mut http = serenity::HttpBuilder::new(settings.discord.token.expose());
        if !settings.discord.uses_real_discord() {
            // serenity's ratelimiter ignores the proxy and would reach discord.com.
            http = http
                .proxy(settings.discord.api_base.clone())
                .ratelimiter_disabled(true);
        }
        let client =
            serenity::ClientBuilder::new_with_http(http.build(), serenity::GatewayIntents::GUILDS)
                .framework(framework)
                .await?;
        Ok(App {
            client,
            store,
            ready,
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
        let shards = self.client.shard_manager.clone();
        let outcome = {
            let start = self.client.start();
            tokio::pin!(start);
            tokio::pin!(shutdown);
            loop {
                tokio::select! {
                    ended = &mut start => {
                        break match ended {
                            Ok(()) => Err(AppError::GatewayEnded),
                            Err(e) => Err(AppError::Discord(e)),
                        };
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
                    }
                }
            }
        };
        self.store.close().await;
        match &outcome {
            Ok(()) => tracing::info!("stopped cleanly"),
            Err(e) => tracing::error!(error = %e, "stopped on an error"),
        }
        outcome
    }
}
