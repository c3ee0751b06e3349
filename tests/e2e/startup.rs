//! Start-up, registration, /help and shutdown.

use std::collections::BTreeSet;
use std::sync::Arc;

use emig_bot::clock::ManualClock;
use emig_bot::{App, AppError, Deps};
use serde_json::Value;

use crate::support::bot::{settings, test_start};
use crate::support::{FakeDiscord, Fault, TestBot, MEMBER_A};

/// "me timezone" for every invocable command in a registration payload.
fn registered_paths(registered: &Value) -> BTreeSet<String> {
    fn walk(prefix: &str, option: &Value, out: &mut BTreeSet<String>) {
        let path = format!("{prefix}{}", option["name"].as_str().unwrap_or_default());
        let subs: Vec<&Value> = option["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|o| matches!(o["type"].as_u64(), Some(1) | Some(2)))
            .collect();
        if subs.is_empty() {
            out.insert(path);
        } else {
            for sub in subs {
                walk(&format!("{path} "), sub, out);
            }
        }
    }
    let mut out = BTreeSet::new();
    for command in registered.as_array().expect("an array of commands") {
        walk("", command, &mut out);
    }
    out
}

fn command<'a>(registered: &'a Value, name: &str) -> &'a Value {
    registered
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("{name} not registered: {registered}"))
}

#[tokio::test]
async fn help_lists_exactly_the_registered_commands() {
    let bot = TestBot::start().await;
    let registered = registered_paths(&bot.registered);
    assert!(registered.contains("me timezone") && registered.contains("chapter setup"));
    assert!(
        registered.contains("Add as contact"),
        "context menus too: {registered:?}"
    );

    // /help may take several messages (a message holds 6,000 characters of embeds): the
    // first answer and its follow-ups, up to the right-click menus, which come last.
    let id = bot
        .member(crate::support::MEMBER_A)
        .start_command::<&str>("help", []);
    let first = bot.reply_to(&id).await;
    let token = crate::support::interactions::token_for(&id);
    let followups: Vec<Value> = bot
        .fake
        .wait_for("every /help message", |calls| {
            let sent: Vec<Value> = calls
                .iter()
                .filter(|c| {
                    c.method == "POST" && c.path.ends_with(&token) && c.path.contains("/webhooks/")
                })
                .map(|c| c.body.clone())
                .collect();
            let has_menus = |v: &Value| v.to_string().contains("Right-click menus");
            (has_menus(&first.data) || sent.iter().any(has_menus)).then_some(sent)
        })
        .await;
    let mut messages = vec![first.data.clone()];
    messages.extend(followups);
    for m in &messages {
        assert_eq!(m["flags"], 64, "ephemeral: {m}");
        assert!(
            m["allowed_mentions"]["parse"]
                .as_array()
                .is_some_and(Vec::is_empty),
            "{m}"
        );
    }
    let text: String = messages
        .iter()
        .flat_map(|m| m["embeds"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["description"].as_str().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("\n");
    let listed: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix('`'))
        .filter_map(|l| l.split('`').next())
        .map(|usage| usage.trim_start_matches('/').to_owned())
        .collect();
    assert_eq!(listed, registered, "/help said:\n{text}");
}

#[tokio::test]
async fn help_works_in_a_dm_with_the_bot() {
    let bot = TestBot::start().await;
    let reply = bot
        .member(MEMBER_A)
        .in_dm()
        .run_command::<&str>("help", [])
        .await;
    assert!(reply.ephemeral);
    assert!(
        reply.data["embeds"].to_string().contains("/me timezone"),
        "{reply:?}"
    );
}

#[tokio::test]
async fn personal_commands_install_for_users_and_chapter_commands_for_servers() {
    let bot = TestBot::start().await;
    for personal in ["help", "me"] {
        let c = command(&bot.registered, personal);
        assert_eq!(c["integration_types"], serde_json::json!([0, 1]), "{c}");
        assert_eq!(c["contexts"], serde_json::json!([0, 1, 2]), "{c}");
    }
    let chapter = command(&bot.registered, "chapter");
    assert_eq!(chapter["integration_types"], serde_json::json!([0]));
    assert_eq!(chapter["contexts"], serde_json::json!([0]));
    // Not hidden by Discord: officers with only the role use /chapter stats; setup checks
    // Manage Server itself (tested in chapter.rs).
    assert!(chapter["default_member_permissions"].is_null(), "{chapter}");
}

#[tokio::test]
async fn commands_register_globally_by_default() {
    let bot = TestBot::start().await;
    let put = bot
        .fake
        .calls()
        .into_iter()
        .find(|c| c.method == "PUT")
        .expect("a registration");
    assert!(
        put.path.ends_with(&format!(
            "/applications/{}/commands",
            crate::support::fake_discord::APP_ID
        )),
        "{}",
        put.path
    );
}

#[tokio::test]
async fn dev_guild_setting_registers_in_that_server_only() {
    let bot = TestBot::start_with(&[("EMIG_DEV_GUILD_ID", "123456789012345678")]).await;
    let puts: Vec<String> = bot
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "PUT")
        .map(|c| c.path)
        .collect();
    assert_eq!(puts.len(), 1, "{puts:?}");
    assert!(
        puts[0].ends_with("/guilds/123456789012345678/commands"),
        "{puts:?}"
    );
}

#[tokio::test]
async fn bot_never_calls_anything_but_the_fake_and_skips_owner_lookup() {
    let bot = TestBot::start().await;
    bot.run_command::<&str>("help", []).await;
    let paths: Vec<String> = bot.fake.calls().into_iter().map(|c| c.path).collect();
    assert!(paths.iter().any(|p| p == "/api/v10/gateway"), "{paths:?}");
    assert!(!paths.iter().any(|p| p.contains("oauth2")), "{paths:?}");
}

#[tokio::test]
async fn gateway_closes_when_the_bot_stops() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = crate::support::db::fresh_url(dir.path()).await;
    let app = App::build(
        &settings(&fake.api_base, &db_url, &[]),
        Deps {
            clock: Arc::new(ManualClock::new(test_start())),
            deliver: None,
        },
    )
    .await
    .expect("builds");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async move {
        let _ = rx.await;
    }));
    fake.wait_for_registration().await;
    assert!(fake.is_connected());
    tx.send(()).expect("app still running");
    let outcome = running.await.expect("no panic");
    assert!(outcome.is_ok(), "{outcome:?}");
    fake.wait_for_disconnect().await;
}

#[tokio::test]
async fn failed_registration_stops_the_app_with_an_error() {
    let fake = FakeDiscord::start().await;
    fake.fail("PUT", "/commands", Fault::ServerError, None);
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = crate::support::db::fresh_url(dir.path()).await;
    let app = App::build(
        &settings(&fake.api_base, &db_url, &[]),
        Deps {
            clock: Arc::new(ManualClock::new(test_start())),
            deliver: None,
        },
    )
    .await
    .expect("builds");
    let outcome = tokio::time::timeout(
        crate::support::fake_discord::WAIT,
        app.run_until_stopped(std::future::pending()),
    )
    .await
    .expect("the app gives up instead of hanging");
    assert!(
        matches!(outcome, Err(AppError::Registration(_))),
        "{outcome:?}"
    );
}

/// A sender that panics: the nudge loop dies with it.
struct PanickingDeliver;

impl emig_bot::scheduler::Deliver for PanickingDeliver {
    fn send_digest<'a>(
        &'a self,
        _digest: &'a emig_bot::domain::cadence::Digest,
    ) -> emig_bot::scheduler::DeliverFuture<'a, emig_bot::scheduler::Sent> {
        Box::pin(async { panic!("simulated bug in the sender") })
    }
    fn find_digest<'a>(
        &'a self,
        _: emig_bot::domain::UserId,
        _: i64,
        _: chrono::DateTime<chrono::Utc>,
    ) -> emig_bot::scheduler::DeliverFuture<'a, Option<emig_bot::scheduler::Sent>> {
        Box::pin(async { Ok(None) })
    }
    fn tell_dms_closed<'a>(
        &'a self,
        _: emig_bot::domain::UserId,
    ) -> emig_bot::scheduler::DeliverFuture<'a, ()> {
        Box::pin(async { Ok(()) })
    }
    fn delete_post<'a>(
        &'a self,
        _: &'a emig_bot::store::PostToDelete,
    ) -> emig_bot::scheduler::DeliverFuture<'a, emig_bot::scheduler::PostRemoval> {
        Box::pin(async { panic!("simulated bug in the sender") })
    }
}

#[tokio::test]
async fn a_panic_in_the_nudge_loop_stops_the_app_with_an_error_not_silently() {
    use emig_bot::domain::cadence;
    use emig_bot::domain::contact::{ContactName, NewContact};
    use emig_bot::domain::UserId;

    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let db_url = crate::support::db::fresh_url(dir.path()).await;
    let now = test_start();
    let app = App::build(
        &settings(
            &fake.api_base,
            &db_url,
            &[
                ("EMIG_NUDGES_QUIET_START", "0"),
                ("EMIG_NUDGES_QUIET_END", "0"),
            ],
        ),
        Deps {
            clock: Arc::new(ManualClock::new(now)),
            deliver: Some(Arc::new(PanickingDeliver)),
        },
    )
    .await
    .expect("builds");
    let store = app.store();
    let owner = UserId(5);
    store
        .record_presence(owner, None, now)
        .await
        .expect("member");
    let c = store
        .add_contact(
            owner,
            &NewContact::named(ContactName::parse("Ana").expect("name"), now.date_naive()),
            now,
        )
        .await
        .expect("contact");
    let planned = cadence::custom(now.date_naive());
    store
        .schedule_follow_up(
            owner,
            c.id,
            &planned,
            now - chrono::Duration::minutes(1),
            now,
        )
        .await
        .expect("schedule")
        .expect("owned");
    let outcome = tokio::time::timeout(
        crate::support::fake_discord::WAIT,
        app.run_until_stopped(std::future::pending()),
    )
    .await
    .expect("the app stops instead of running without its sender");
    match outcome {
        Err(AppError::SchedulerEnded(why)) => assert!(why.contains("panicked"), "{why}"),
        other => panic!("expected the nudge loop's end, got {other:?}"),
    }
}

#[tokio::test]
async fn after_a_reconnect_request_or_a_dropped_connection_the_bot_resumes_and_still_answers() {
    let bot = TestBot::start().await;
    bot.fake.request_reconnect();
    crate::support::bot::eventually("the bot resumed after op 7", || async {
        bot.fake.resumes() >= 1 && bot.fake.is_connected()
    })
    .await;
    let help = bot.run_command::<&str>("help", []).await;
    assert!(
        help.content.contains("emig-bot commands"),
        "{}",
        help.content
    );

    bot.fake.drop_connection();
    crate::support::bot::eventually("the bot resumed after the drop", || async {
        bot.fake.resumes() >= 2 && bot.fake.is_connected()
    })
    .await;
    let help = bot.run_command::<&str>("help", []).await;
    assert!(
        help.content.contains("emig-bot commands"),
        "{}",
        help.content
    );
    assert_eq!(
        bot.fake.identifies().len(),
        1,
        "resumed, never identified again"
    );
}

#[tokio::test]
async fn an_invalid_session_makes_the_bot_identify_again_and_answer() {
    let bot = TestBot::start().await;
    bot.fake.invalidate_session();
    crate::support::bot::eventually("a second IDENTIFY", || async {
        bot.fake.identifies().len() >= 2 && bot.fake.is_connected()
    })
    .await;
    let help = bot.run_command::<&str>("help", []).await;
    assert!(
        help.content.contains("emig-bot commands"),
        "{}",
        help.content
    );
}
