//! The whole bot, in-process, against its own fake Discord and its own SQLite file; helpers
//! read like what a member does.

use std::path::PathBuf;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use emig_bot::clock::ManualClock;
use emig_bot::settings::Settings;
use emig_bot::store::Store;
use emig_bot::{App, AppError, Deps};
use serde_json::Value;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use super::fake_discord::{FakeDiscord, APP_ID};
use super::interactions::{self, Invoker, OptValue, Reply, GUILD_ID, MEMBER_PERMISSIONS};

/// A token serenity accepts; never a real one.
pub const TEST_TOKEN: &str = "OTAwMDAwMDAwMDAwMDAwMDAx.GfAkEt.test-token-not-real-0123456789";

/// The member most tests act as.
pub const MEMBER_A: u64 = 100_000_000_000_000_001;
pub const MEMBER_B: u64 = 100_000_000_000_000_002;

/// 25 Nov 2026, 14:00 UTC: tests start from a fixed instant.
pub fn test_start() -> DateTime<Utc> {
    DateTime::from_timestamp(1_795_615_200, 0).expect("valid instant")
}

/// Settings pointing at `fake` and a database file.
pub fn settings(fake_api_base: &str, db_url: &str, extra: &[(&str, &str)]) -> Settings {
    let mut env: Vec<(String, String)> = vec![
        ("EMIG_DISCORD_TOKEN".into(), TEST_TOKEN.into()),
        ("EMIG_DISCORD_API_BASE".into(), fake_api_base.into()),
        ("EMIG_DATABASE_URL".into(), db_url.into()),
    ];
    env.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    Settings::load(None, &move |name| {
        env.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    })
    .expect("test settings are valid")
}

pub struct TestBot {
    pub fake: FakeDiscord,
    pub clock: Arc<ManualClock>,
    pub store: Store,
    /// The commands the bot registered at start-up.
    pub registered: Value,
    pub db_url: String,
    /// Forms opened by a button on a channel message, by form id: submitting one carries
    /// that message, as Discord does.
    opened_forms: std::sync::Mutex<std::collections::HashMap<String, String>>,
    dir: Arc<tempfile::TempDir>,
    shutdown: Option<oneshot::Sender<()>>,
    running: Option<JoinHandle<Result<(), AppError>>>,
}

impl TestBot {
    /// A fresh bot on a fresh database, connected and registered.
    pub async fn start() -> TestBot {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let db_url = super::db::fresh_url(dir.path()).await;
        Self::start_on(dir, db_url, &[], true).await
    }

    /// With extra `EMIG_*` settings.
    pub async fn start_with(extra: &[(&str, &str)]) -> TestBot {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let db_url = super::db::fresh_url(dir.path()).await;
        Self::start_on(dir, db_url, extra, true).await
    }

    /// A fresh bot on a fresh SQLite file whatever the suite runs on: for the tests about a
    /// SQLite mechanism (its write lock, its busy timeout).
    pub async fn start_sqlite_with(extra: &[(&str, &str)]) -> TestBot {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        let db_url = super::db::sqlite_url(dir.path());
        Self::start_on(dir, db_url, extra, true).await
    }

    /// A bot on an existing database (benches seed one first), against a fake that does not
    /// judge requests: the benches time this path, and the tests judge the same requests.
    pub async fn start_on_database(db_url: &str) -> TestBot {
        let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
        Self::start_on(dir, db_url.to_owned(), &[], false).await
    }

    async fn start_on(
        dir: Arc<tempfile::TempDir>,
        db_url: String,
        extra: &[(&str, &str)],
        judged: bool,
    ) -> TestBot {
        let fake = if judged {
            FakeDiscord::start().await
        } else {
            FakeDiscord::start_unjudged().await
        };
        let clock = Arc::new(ManualClock::new(test_start()));
        let settings = settings(&fake.api_base, &db_url, extra);
        let app = App::build(
            &settings,
            Deps {
                clock: clock.clone(),
                deliver: None,
            },
        )
        .await
        .expect("the app builds");
        let store = app.store();
        let (tx, rx) = oneshot::channel::<()>();
        let running = tokio::spawn(app.run_until_stopped(async move {
            let _ = rx.await;
        }));
        let registered = fake.wait_for_registration().await;
        TestBot {
            fake,
            clock,
            store,
            registered,
            db_url,
            opened_forms: std::sync::Mutex::new(std::collections::HashMap::new()),
            dir,
            shutdown: Some(tx),
            running: Some(running),
        }
    }

    /// Asks the bot to stop, as on ctrl-c, and returns how it ended.
    pub async fn stop(mut self) -> Result<(), AppError> {
        self.stop_inner().await
    }

    async fn stop_inner(&mut self) -> Result<(), AppError> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        match self.running.take() {
            Some(handle) => handle.await.expect("the app task did not panic"),
            None => Ok(()),
        }
    }

    /// Stops the bot and starts a new one on the same database file.
    pub async fn restart(mut self) -> TestBot {
        self.stop_inner().await.expect("clean stop");
        let dir = self.dir.clone();
        let db_url = self.db_url.clone();
        drop(self);
        Self::start_on(dir, db_url, &[], true).await
    }

    /// The value Discord sends for the choice labelled `label` of `option` under `path`
    /// ("contact add"), read from what the bot registered.
    pub fn choice(&self, path: &str, option: &str, label: &str) -> OptValue {
        let named = |list: &Value, name: &str| -> Value {
            list.as_array()
                .into_iter()
                .flatten()
                .find(|o| o["name"] == name)
                .cloned()
                .unwrap_or_else(|| panic!("nothing named {name} registered under {path}"))
        };
        let mut node = Value::Null;
        for (depth, word) in path.split_whitespace().enumerate() {
            node = if depth == 0 {
                named(&self.registered, word)
            } else {
                named(&node["options"], word)
            };
        }
        let opt = named(&node["options"], option);
        let found = opt["choices"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["name"] == label)
            .unwrap_or_else(|| panic!("no choice {label} in {opt}"));
        match &found["value"] {
            Value::Number(n) => OptValue::Int(n.as_i64().expect("integer choice")),
            Value::String(s) => OptValue::Str(s.clone()),
            other => panic!("unexpected choice value {other}"),
        }
    }

    /// A member in the test server with ordinary permissions.
    pub fn member(&self, user_id: u64) -> Actor<'_> {
        Actor {
            bot: self,
            invoker: Invoker::member(user_id),
        }
    }

    /// `MEMBER_A` running a command in the test server.
    pub async fn run_command<V: Into<OptValue>>(
        &self,
        path: &str,
        options: impl IntoIterator<Item = (&str, V)>,
    ) -> Reply {
        self.member(MEMBER_A).run_command(path, options).await
    }

    /// The body of the bot's initial response (callback) to interaction `id`.
    pub async fn callback_to(&self, id: &str) -> serde_json::Value {
        let callback_path = format!(
            "/api/v10/interactions/{id}/{}/callback",
            interactions::token_for(id)
        );
        self.fake
            .wait_for(&format!("the bot's answer to interaction {id}"), |calls| {
                calls
                    .iter()
                    .find(|c| c.is("POST", &callback_path))
                    .map(|c| c.body.clone())
            })
            .await
    }

    /// The first answer to interaction `id`: its callback, or after a deferral the follow-up.
    pub async fn reply_to(&self, id: &str) -> Reply {
        let reply = Reply::from_callback(&self.callback_to(id).await);
        if reply.kind == 5 {
            return self.followups_to(id, 1).await.remove(0);
        }
        reply
    }

    /// The first `n` follow-up messages sent on interaction `id`'s token.
    pub async fn followups_to(&self, id: &str, n: usize) -> Vec<Reply> {
        let path = format!("/api/v10/webhooks/{APP_ID}/{}", interactions::token_for(id));
        self.fake
            .wait_for(&format!("{n} follow-up(s) to interaction {id}"), |calls| {
                let found: Vec<Reply> = calls
                    .iter()
                    .filter(|c| c.is("POST", &path))
                    .map(|c| Reply::from_followup(&c.body))
                    .collect();
                (found.len() >= n).then_some(found)
            })
            .await
    }
}

/// A member acting somewhere: in a server with some permissions, or in a DM.
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    bot: &'a TestBot,
    pub invoker: Invoker,
}

impl<'a> Actor<'a> {
    pub fn in_dm(mut self) -> Self {
        self.invoker.guild_id = None;
        self
    }

    pub fn in_guild(mut self, guild_id: u64) -> Self {
        self.invoker.guild_id = Some(guild_id);
        self
    }

    pub fn with_role(mut self, role: u64) -> Self {
        self.invoker.role = Some(role);
        self
    }

    pub fn with_permissions(mut self, permissions: u64) -> Self {
        self.invoker.permissions = permissions;
        self
    }

    /// The most bytes a reply may attach where this member acts.
    pub fn with_attachment_limit(mut self, bytes: u64) -> Self {
        self.invoker.attachment_size_limit = bytes;
        self
    }

    /// The bot's own permissions where this member acts.
    pub fn with_app_permissions(mut self, permissions: u64) -> Self {
        self.invoker.app_permissions = permissions;
        self
    }

    /// Runs a slash command and returns the bot's first answer.
    pub async fn run_command<V: Into<OptValue>>(
        self,
        path: &str,
        options: impl IntoIterator<Item = (&str, V)>,
    ) -> Reply {
        let options: Vec<(String, OptValue)> = options
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into()))
            .collect();
        let id = self.bot.fake.new_id();
        self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::command(&id, self.invoker, path, &options, None),
        );
        self.bot.reply_to(&id).await
    }

    /// Runs a slash command (or, with `focused`, an autocomplete) and returns how long the bot
    /// took from the interaction leaving the fake gateway to its answer reaching the fake REST.
    pub async fn time_command(
        self,
        path: &str,
        options: &[(String, OptValue)],
        focused: Option<&str>,
    ) -> std::time::Duration {
        let id = self.bot.fake.new_id();
        let sent = self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::command(&id, self.invoker, path, options, focused),
        );
        let callback_path = format!(
            "/api/v10/interactions/{id}/{}/callback",
            interactions::token_for(&id)
        );
        let answered = self
            .bot
            .fake
            .wait_for("the timed answer", |calls| {
                calls
                    .iter()
                    .rev()
                    .find(|c| c.is("POST", &callback_path))
                    .map(|c| c.at)
            })
            .await;
        answered.duration_since(sent)
    }

    /// Types `partial` into option `focused` and returns the suggestions.
    pub async fn autocomplete<V: Into<OptValue>>(
        self,
        path: &str,
        options: impl IntoIterator<Item = (&str, V)>,
        focused: &str,
    ) -> Vec<(String, String)> {
        let options: Vec<(String, OptValue)> = options
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into()))
            .collect();
        let id = self.bot.fake.new_id();
        self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::command(&id, self.invoker, path, &options, Some(focused)),
        );
        let reply = self.bot.reply_to(&id).await;
        assert_eq!(reply.kind, 8, "autocomplete answered with {reply:?}");
        reply.choices()
    }

    /// Clicks the button with `custom_id`, on the channel message that carries it (or on an
    /// ephemeral reply the fake has no id for).
    pub async fn click(self, custom_id: &str) -> Reply {
        let message_id = self
            .bot
            .fake
            .message_with_component(custom_id)
            .unwrap_or_else(|| self.bot.fake.new_id());
        self.click_on(&message_id, custom_id).await
    }

    /// Clicks the button with `custom_id` as if it were on message `message_id`.
    pub async fn click_on(self, message_id: &str, custom_id: &str) -> Reply {
        let id = self.bot.fake.new_id();
        self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::button_click(&id, self.invoker, custom_id, message_id),
        );
        let reply = self.bot.reply_to(&id).await;
        if reply.kind == 9 {
            self.bot
                .opened_forms
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(reply.modal_id(), message_id.to_owned());
        }
        reply
    }

    /// Clicks the button `custom_id` without waiting for an answer; returns the interaction's
    /// id.
    pub fn start_click(self, custom_id: &str) -> String {
        let message_id = self
            .bot
            .fake
            .message_with_component(custom_id)
            .unwrap_or_else(|| self.bot.fake.new_id());
        let id = self.bot.fake.new_id();
        self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::button_click(&id, self.invoker, custom_id, &message_id),
        );
        id
    }

    /// Submits the form `custom_id` without waiting for an answer; returns the interaction's
    /// id.
    pub fn start_form(self, custom_id: &str, fields: &[(&str, &str)]) -> String {
        let id = self.bot.fake.new_id();
        self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::modal_submit(&id, self.invoker, custom_id, fields, None),
        );
        id
    }

    /// Picks `values` in the select menu `custom_id`.
    pub async fn select(self, custom_id: &str, values: &[&str]) -> Reply {
        let id = self.bot.fake.new_id();
        let message_id = self.bot.fake.new_id();
        self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::select(&id, self.invoker, custom_id, values, &message_id),
        );
        self.bot.reply_to(&id).await
    }

    /// Sends a slash command without waiting for an answer; returns the interaction's id.
    pub fn start_command<'o, V: Into<OptValue>>(
        self,
        path: &str,
        options: impl IntoIterator<Item = (&'o str, V)>,
    ) -> String {
        let options: Vec<(String, OptValue)> = options
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into()))
            .collect();
        let id = self.bot.fake.new_id();
        self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::command(&id, self.invoker, path, &options, None),
        );
        id
    }

    /// Runs a slash command and returns its first answer and the next `n` follow-up messages.
    pub async fn run_command_then<V: Into<OptValue>>(
        self,
        path: &str,
        options: impl IntoIterator<Item = (&str, V)>,
        followups: usize,
    ) -> (Reply, Vec<Reply>) {
        let options: Vec<(String, OptValue)> = options
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.into()))
            .collect();
        let id = self.bot.fake.new_id();
        self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::command(&id, self.invoker, path, &options, None),
        );
        let first = self.bot.reply_to(&id).await;
        let more = self.bot.followups_to(&id, followups).await;
        (first, more)
    }

    /// Right-click → Apps → `name` on a member.
    pub async fn user_menu(self, name: &str, target_user: u64) -> Reply {
        self.context_menu(name, interactions::ContextTarget::User(target_user))
            .await
    }

    /// Right-click → Apps → `name` on a message with `content`.
    pub async fn message_menu(self, name: &str, content: &str) -> Reply {
        let message_id = self.bot.fake.new_id();
        self.context_menu(
            name,
            interactions::ContextTarget::Message {
                id: message_id,
                content: content.to_owned(),
            },
        )
        .await
    }

    async fn context_menu(self, name: &str, target: interactions::ContextTarget) -> Reply {
        let id = self.bot.fake.new_id();
        self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::context_menu(&id, self.invoker, name, target),
        );
        self.bot.reply_to(&id).await
    }

    /// Submits the modal `custom_id` with its text fields.
    pub async fn submit_modal(self, custom_id: &str, fields: &[(&str, &str)]) -> Reply {
        let id = self.bot.fake.new_id();
        let message = self
            .bot
            .opened_forms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(custom_id)
            .cloned();
        self.bot.fake.dispatch(
            "INTERACTION_CREATE",
            interactions::modal_submit(&id, self.invoker, custom_id, fields, message.as_deref()),
        );
        self.bot.reply_to(&id).await
    }
}

/// Waits until `check` holds (state changed by a background task), failing after
/// [`super::fake_discord::WAIT`]. A condition wait, not a timing assumption.
pub async fn eventually<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + super::fake_discord::WAIT;
    while !check().await {
        if tokio::time::Instant::now() > deadline {
            panic!("timed out waiting until {what}");
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
}

/// An RFC 3339 instant, for setting the manual clock.
pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

/// The digest DMs (of any kind of reminder) the fake accepted, in order: every digest ends
/// with its marker line.
pub fn digest_dms(calls: &[super::fake_discord::RestCall]) -> Vec<serde_json::Value> {
    calls
        .iter()
        .filter(|c| {
            c.method == "POST"
                && c.status == 200
                && c.path.ends_with("/messages")
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains("\n-# emig-bot digest "))
        })
        .map(|c| c.body.clone())
        .collect()
}

impl TestBot {
    /// Waits until at least `n` digest DMs were sent; returns them all.
    pub async fn wait_for_digests(&self, n: usize) -> Vec<serde_json::Value> {
        self.fake
            .wait_for(&format!("{n} digest DM(s)"), |calls| {
                let found = digest_dms(calls);
                (found.len() >= n).then_some(found)
            })
            .await
    }
}

/// The path of the SQLite file behind a `sqlite://` URL.
pub fn db_file(db_url: &str) -> PathBuf {
    PathBuf::from(db_url.trim_start_matches("sqlite://"))
}

/// Every row of every table, as text, except rows that name `except` (a member's own
/// presence, say): what a test compares to see that nothing changed.
pub async fn rows_without(db_url: &str, except: u64) -> std::collections::BTreeSet<String> {
    let db = super::db::Db::open(db_url).await;
    let mut rows = std::collections::BTreeSet::new();
    for table in db.tables().await {
        for text in db.rows_as_text(&table).await {
            if !text.contains(&except.to_string()) {
                rows.insert(format!("{table}: {text}"));
            }
        }
    }
    db.close().await;
    rows
}
