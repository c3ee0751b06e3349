//! Each member action happens whole or not at all, whichever path leads to it: right-click
//! menus schedule follow-ups like `/contact add`, Done is one transaction, a repeated form saves
//! once, and a read-then-write waits for another writer instead of failing.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use emig_bot::actions::Actions;
use emig_bot::domain::contact::{ContactFilter, ContactSort};
use emig_bot::domain::{TimeZone, UserId};
use sqlx::Connection;

use crate::support::bot::db_file;
use crate::support::{OptValue, Reply, TestBot, MEMBER_A, MEMBER_B};

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

async fn wait_for_digest(bot: &TestBot) -> Reply {
    bot.fake
        .wait_for("a digest DM", |calls| {
            calls
                .iter()
                .find(|c| {
                    c.method == "POST"
                        && c.path.ends_with("/messages")
                        && c.body["content"]
                            .as_str()
                            .is_some_and(|t| t.contains("\n-# emig-bot digest "))
                })
                .map(|c| Reply::from_followup(&c.body))
        })
        .await
}

/// Adds "Dr. Ana Lopez", met today at SAEM: a follow-up is pending.
async fn met_at_saem(bot: &TestBot) -> String {
    bot.run_command(
        "contact add",
        [
            ("name", OptValue::from("Dr. Ana Lopez")),
            ("where-met", "SAEM 2026".into()),
        ],
    )
    .await;
    let choices = bot
        .member(MEMBER_A)
        .autocomplete("followup done", [("contact", "Ana")], "contact")
        .await;
    choices[0].1.clone()
}

async fn contacts_of(bot: &TestBot, owner: u64) -> Vec<String> {
    bot.store
        .list_contacts(
            UserId(owner),
            &ContactFilter::default(),
            ContactSort::Name,
            0,
            100,
        )
        .await
        .expect("list")
        .contacts
        .into_iter()
        .map(|c| c.name)
        .collect()
}

#[tokio::test]
async fn a_resident_added_from_the_member_menu_after_saem_gets_the_day_three_nudge() {
    let bot = TestBot::start().await;
    let form = bot
        .member(MEMBER_A)
        .user_menu("Add as contact", MEMBER_B)
        .await;
    let saved = bot
        .member(MEMBER_A)
        .submit_modal(
            &form.modal_id(),
            &[
                ("name", "Jamie Resident"),
                ("handle", "@jamie"),
                ("institution", ""),
                ("where", "SAEM 2026"),
                ("callback", "ultrasound fellowship"),
            ],
        )
        .await;
    assert!(
        saved.content.contains("Follow-up: Follow up after meeting"),
        "{}",
        saved.content
    );
    // 28 Nov, 09:00 in New York.
    bot.clock.set(utc("2026-11-28T14:00:00Z"));
    let digest = wait_for_digest(&bot).await;
    assert!(
        digest.content.contains("Jamie Resident"),
        "{}",
        digest.content
    );
}

#[tokio::test]
async fn where_met_typed_without_a_kind_sets_the_rhythm_on_every_add_path() {
    let bot = TestBot::start().await;
    let added = bot
        .run_command(
            "contact add",
            [
                ("name", "Dr. Rivera"),
                ("where-met", "away rotation at County General"),
            ],
        )
        .await;
    assert!(
        !added.content.contains("none scheduled"),
        "{}",
        added.content
    );
    assert!(added.content.contains("Follow-up:"), "{}", added.content);
}

#[tokio::test]
async fn done_changes_nothing_when_scheduling_the_next_follow_up_fails() {
    let bot = TestBot::start().await;
    let ana = met_at_saem(&bot).await;
    let owner = UserId(MEMBER_A);
    let before = bot
        .store
        .pending_follow_ups(owner, None)
        .await
        .expect("pending");
    assert_eq!(before.len(), 1);
    let contact = before[0].contact_id;
    let history_before = bot
        .store
        .interactions(owner, contact)
        .await
        .expect("history")
        .len();

    // A real trigger (it acts on every connection of the pool) makes the next insert fail.
    let db = crate::support::db::Db::open(&bot.db_url).await;
    match db.engine() {
        emig_bot::db::Engine::Sqlite => {
            db.execute(
                "CREATE TRIGGER fail_next_follow_up BEFORE INSERT ON follow_ups
                 BEGIN SELECT RAISE(ABORT, 'injected failure'); END",
            )
            .await;
        }
        emig_bot::db::Engine::Postgres => {
            db.execute(
                "CREATE FUNCTION injected_failure() RETURNS trigger LANGUAGE plpgsql
                 AS $$ BEGIN RAISE EXCEPTION 'injected failure'; END $$",
            )
            .await;
            db.execute(
                "CREATE TRIGGER fail_next_follow_up BEFORE INSERT ON follow_ups
                 FOR EACH ROW EXECUTE FUNCTION injected_failure()",
            )
            .await;
        }
    }
    let failed = bot
        .run_command("followup done", [("contact", ana.as_str())])
        .await;
    assert!(
        failed.content.contains("Something went wrong"),
        "{}",
        failed.content
    );
    let after = bot
        .store
        .pending_follow_ups(owner, None)
        .await
        .expect("pending");
    assert_eq!(after.len(), 1, "the follow-up is still open");
    assert_eq!(after[0].id, before[0].id);
    assert_eq!(
        bot.store
            .interactions(owner, contact)
            .await
            .expect("history")
            .len(),
        history_before,
        "nothing was logged"
    );

    // Without the failure, the same Done goes through whole.
    match db.engine() {
        emig_bot::db::Engine::Sqlite => db.execute("DROP TRIGGER fail_next_follow_up").await,
        emig_bot::db::Engine::Postgres => {
            db.execute("DROP TRIGGER fail_next_follow_up ON follow_ups")
                .await
        }
    };
    db.close().await;
    let done = bot
        .run_command("followup done", [("contact", ana.as_str())])
        .await;
    assert!(done.content.starts_with("Done:"), "{}", done.content);
    assert!(done.content.contains("Next:"), "{}", done.content);
    let history = bot.store.interactions(owner, contact).await.expect("h");
    assert_eq!(history.len(), history_before + 1);
}

#[tokio::test]
async fn a_note_form_submitted_twice_makes_one_contact_with_the_note_once() {
    let bot = TestBot::start().await;
    let ask = bot
        .member(MEMBER_A)
        .message_menu("Save as contact note", "Great talk on POCUS")
        .await;
    let form = bot
        .member(MEMBER_A)
        .click(&ask.button("Someone else…"))
        .await;
    let first = bot
        .member(MEMBER_A)
        .submit_modal(&form.modal_id(), &[("name", "Dr. Speaker")])
        .await;
    assert!(
        first.content.contains("Great talk on POCUS"),
        "{}",
        first.content
    );
    let again = bot
        .member(MEMBER_A)
        .submit_modal(&form.modal_id(), &[("name", "Dr. Speaker")])
        .await;
    assert!(again.content.contains("already saved"), "{}", again.content);
    assert_eq!(contacts_of(&bot, MEMBER_A).await, vec!["Dr. Speaker"]);
}

#[tokio::test]
async fn sqlite_a_read_then_write_action_waits_for_another_writer_and_succeeds() {
    let bot = TestBot::start_sqlite_with(&[]).await;
    met_at_saem(&bot).await;
    let owner = UserId(MEMBER_A);
    let follow_up = bot.store.pending_follow_ups(owner, None).await.expect("p")[0].clone();
    let actions = Actions {
        store: bot.store.clone(),
        clock: bot.clock.clone(),
        wake: Arc::new(tokio::sync::Notify::new()),
        default_timezone: TimeZone::parse("America/New_York").expect("zone"),
    };

    // Another writer holds SQLite's write lock and commits a change while Done runs.
    let url = format!("sqlite://{}", db_file(&bot.db_url).display());
    let mut other = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("lock");
    sqlx::query("UPDATE members SET nudge_hour = nudge_hour WHERE user_id = ?")
        .bind(MEMBER_A as i64)
        .execute(&mut other)
        .await
        .expect("write");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).expect("day");
    let done = tokio::spawn(async move {
        actions
            .complete_follow_up(owner, follow_up.id, None, today)
            .await
    });
    // Holding the lock is the point here: Done must be waiting on it, not done or failed.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(!done.is_finished(), "Done did not wait for the writer");
    sqlx::query("COMMIT")
        .execute(&mut other)
        .await
        .expect("commit");
    let completed = done.await.expect("no panic").expect("Done succeeded");
    assert!(completed.next.is_some());
}

#[tokio::test]
async fn a_details_form_opened_before_a_note_was_saved_cannot_overwrite_it() {
    let bot = TestBot::start().await;
    let ana = met_at_saem(&bot).await;
    let a = bot.member(MEMBER_A);
    let form = a
        .run_command("contact edit", [("contact", ana.as_str())])
        .await;
    // Meanwhile a message is saved to Ana's notes.
    let ask = a
        .message_menu("Save as contact note", "Ask about the sim fellowship")
        .await;
    let (select, options) = ask.select_menu();
    a.select(&select, &[&options[0].1]).await;
    // The form, submitted with what it showed (no notes yet), is refused: nothing is lost.
    let stale = a
        .submit_modal(
            &form.modal_id(),
            &[
                ("callback", "POCUS"),
                ("email", ""),
                ("handle", ""),
                ("tags", ""),
                ("notes", ""),
            ],
        )
        .await;
    assert!(
        stale.content.contains("changed after you opened"),
        "{}",
        stale.content
    );
    let owner = UserId(MEMBER_A);
    let id = emig_bot::domain::contact::ContactId(ana.trim_start_matches('#').parse().expect("id"));
    let c = bot
        .store
        .contact(owner, id)
        .await
        .expect("read")
        .expect("kept");
    assert!(
        c.notes
            .as_deref()
            .is_some_and(|n| n.contains("sim fellowship")),
        "{:?}",
        c.notes
    );
    assert_eq!(c.callback, None);
    // A form opened now saves.
    let fresh = a
        .run_command("contact edit", [("contact", ana.as_str())])
        .await;
    let fields = fresh.modal_fields();
    let mut values: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    for (k, v) in values.iter_mut() {
        if *k == "callback" {
            *v = "POCUS";
        }
    }
    let saved = a.submit_modal(&fresh.modal_id(), &values).await;
    assert!(
        saved.content.starts_with("Details saved."),
        "{}",
        saved.content
    );
    let c = bot
        .store
        .contact(owner, id)
        .await
        .expect("read")
        .expect("kept");
    assert_eq!(c.callback.as_deref(), Some("POCUS"));
    assert!(c
        .notes
        .as_deref()
        .is_some_and(|n| n.contains("sim fellowship")));
}

#[tokio::test]
async fn sqlite_a_command_blocked_past_the_busy_timeout_says_try_again_and_changes_nothing() {
    let bot = TestBot::start_sqlite_with(&[("EMIG_DATABASE_BUSY_TIMEOUT_MS", "300")]).await;
    // Another writer holds SQLite's write lock for longer than the bot waits.
    let url = format!("sqlite://{}", db_file(&bot.db_url).display());
    let mut other = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("lock");
    let busy = bot.run_command("contact add", [("name", "Dr. Busy")]).await;
    assert!(busy.ephemeral);
    assert!(
        busy.content.contains("Try again in a moment"),
        "{}",
        busy.content
    );
    assert!(
        busy.content.contains("nothing was changed"),
        "{}",
        busy.content
    );
    sqlx::query("COMMIT")
        .execute(&mut other)
        .await
        .expect("release");
    assert!(
        contacts_of(&bot, MEMBER_A).await.is_empty(),
        "nothing was stored"
    );
    // Once the lock is gone the same command goes through.
    let saved = bot.run_command("contact add", [("name", "Dr. Busy")]).await;
    assert!(
        saved.content.starts_with("Saved to your contacts."),
        "{}",
        saved.content
    );
    assert_eq!(contacts_of(&bot, MEMBER_A).await, vec!["Dr. Busy"]);
}

#[tokio::test]
async fn sqlite_a_command_kept_waiting_by_another_writer_answers_thinking_first_then_saves() {
    // The bot would wait 20 s for the lock; Discord gives 3 s for the first answer.
    let bot = TestBot::start_sqlite_with(&[
        ("EMIG_DATABASE_BUSY_TIMEOUT_MS", "20000"),
        ("EMIG_DISCORD_DEFER_AFTER_MS", "100"),
    ])
    .await;
    let url = format!("sqlite://{}", db_file(&bot.db_url).display());
    let mut other = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("lock");
    let id = bot
        .member(MEMBER_A)
        .start_command("contact add", [("name", "Dr. Patient")]);
    // While the write waits, the first answer is a deferral, ephemeral like the answer to come.
    let callback = bot.callback_to(&id).await;
    assert_eq!(callback["type"], 5, "{callback}");
    assert_eq!(callback["data"]["flags"], 64, "{callback}");
    sqlx::query("COMMIT")
        .execute(&mut other)
        .await
        .expect("release");
    let answer = bot.followups_to(&id, 1).await.remove(0);
    assert!(answer.ephemeral);
    assert!(
        answer.content.starts_with("Saved to your contacts."),
        "{}",
        answer.content
    );
    assert_eq!(contacts_of(&bot, MEMBER_A).await, vec!["Dr. Patient"]);
    // Exactly one initial response: the deferral.
    let callbacks = bot
        .fake
        .calls()
        .iter()
        .filter(|c| c.method == "POST" && c.path.contains(&format!("/interactions/{id}/")))
        .count();
    assert_eq!(callbacks, 1);
}

#[tokio::test]
async fn sqlite_a_click_or_form_kept_waiting_by_another_writer_is_acknowledged_first_then_answered()
{
    let bot = TestBot::start_sqlite_with(&[
        ("EMIG_DATABASE_BUSY_TIMEOUT_MS", "20000"),
        ("EMIG_DISCORD_DEFER_AFTER_MS", "100"),
    ])
    .await;
    let a = bot.member(MEMBER_A);
    a.run_command("contact add", [("name", "Dr. Gone Soon")])
        .await;
    a.run_command("contact add", [("name", "Dr. Edited")]).await;
    let ask = a
        .run_command("contact delete", [("contact", "Dr. Gone Soon")])
        .await;
    let form = a
        .run_command("contact edit", [("contact", "Dr. Edited")])
        .await;
    let url = format!("sqlite://{}", db_file(&bot.db_url).display());
    let mut other = sqlx::SqliteConnection::connect(&url)
        .await
        .expect("connect");
    let lock = |sql: &'static str| sqlx::query(sql);
    lock("BEGIN IMMEDIATE")
        .execute(&mut other)
        .await
        .expect("lock");

    // A click: acknowledged as "updating the message", then the message is edited.
    let click = a.start_click(&ask.button("Delete"));
    let callback = bot.callback_to(&click).await;
    assert_eq!(callback["type"], 6, "{callback}");
    // A form opened by a command (no message to update): an ephemeral "thinking…".
    let mut fields: Vec<(String, String)> = form.modal_fields();
    for (id, value) in &mut fields {
        if id == "notes" {
            *value = "Mercy".into();
        }
    }
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let submitted = a.start_form(&form.modal_id(), &fields);
    let callback = bot.callback_to(&submitted).await;
    assert_eq!(callback["type"], 5, "{callback}");
    assert_eq!(callback["data"]["flags"], 64, "{callback}");
    lock("COMMIT").execute(&mut other).await.expect("release");

    let edited = format!(
        "/api/v10/webhooks/{}/{}/messages/@original",
        crate::support::fake_discord::APP_ID,
        crate::support::interactions::token_for(&click)
    );
    let edit = bot
        .fake
        .wait_for("the clicked message edited", |calls| {
            calls
                .iter()
                .find(|c| c.is("PATCH", &edited))
                .map(|c| c.body.clone())
        })
        .await;
    assert!(
        edit["content"]
            .as_str()
            .is_some_and(|t| t.contains("Deleted")),
        "{edit}"
    );
    let answer = bot.followups_to(&submitted, 1).await.remove(0);
    assert!(answer.ephemeral);
    assert!(answer.content.contains("Mercy"), "{}", answer.content);
    assert_eq!(contacts_of(&bot, MEMBER_A).await, vec!["Dr. Edited"]);
    // One initial response each: the acknowledgements.
    for id in [&click, &submitted] {
        let initial = bot
            .fake
            .calls()
            .iter()
            .filter(|c| c.method == "POST" && c.path.contains(&format!("/interactions/{id}/")))
            .count();
        assert_eq!(initial, 1, "{id}");
    }
}

#[tokio::test]
async fn a_quick_command_is_answered_directly_not_deferred() {
    let bot = TestBot::start_with(&[("EMIG_DISCORD_DEFER_AFTER_MS", "2500")]).await;
    let id = bot
        .member(MEMBER_A)
        .start_command("contact add", [("name", "Dr. Quick")]);
    let callback = bot.callback_to(&id).await;
    assert_eq!(callback["type"], 4, "{callback}");
}
