//! Nudge bench. Part 1: 100,000 due nudges through the scheduler with a zero-latency
//! `Deliver` — nudges per second claimed + delivered + recorded, and duplicates (must be 0).
//! Part 2: the real Discord sender against the fake Discord enforcing a rate limit equal to
//! the configured send rate, for 60 s — achieved ÷ configured rate (goal ≥ 0.9) and 429s (0).
//! Run: `cargo bench --bench nudges`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use emig_bot::clock::{ManualClock, SystemClock};
use emig_bot::db;
use emig_bot::domain::cadence::QuietHours;
use emig_bot::domain::TimeZone;
use emig_bot::scheduler::{Scheduler, SchedulerSettings};
use emig_bot::settings::DatabaseSettings;
use emig_bot::store::Store;
use emig_bot::{App, Deps};
use support::bot::settings;
use support::deliver::CountingDeliver;
use support::FakeDiscord;

const NUDGES: u64 = 100_000;
const PER_MEMBER: u64 = 5;
const SEND_RATE: u32 = 10;
const WINDOW_SECONDS: u64 = 60;

/// `members` members, each with `per_member` contacts whose nudge is due at `due`, and a
/// cached DM channel (so a nudge costs one request).
async fn seed(db_url: &str, members: u64, per_member: u64, due: DateTime<Utc>) -> Store {
    let pool = db::connect(&DatabaseSettings {
        url: db_url.to_owned(),
        max_connections: 4,
        busy_timeout_ms: 5000,
    })
    .await
    .expect("open")
    .as_sqlite()
    .expect("SQLite")
    .clone();
    let mut tx = pool.begin().await.expect("tx");
    for m in 0..members {
        let owner = (400_000_000_000_000_000 + m) as i64;
        sqlx::query("INSERT INTO members (user_id, dm_channel_id, created_at, updated_at) VALUES (?, ?, 0, 0)")
            .bind(owner)
            .bind(owner + 1)
            .execute(&mut *tx)
            .await
            .expect("member");
        for c in 0..per_member {
            let (contact,): (i64,) = sqlx::query_as(
                "INSERT INTO contacts (owner_id, name, name_folded, search_text, met_on, created_at, updated_at, last_used_at)
                 VALUES (?, ?, ?, ?, '2026-11-20', 0, 0, 0) RETURNING id",
            )
            .bind(owner)
            .bind(format!("Contact {c}"))
            .bind(format!("contact {c}"))
            .bind(format!("contact {c}"))
            .fetch_one(&mut *tx)
            .await
            .expect("contact");
            let (follow_up,): (i64,) = sqlx::query_as(
                "INSERT INTO follow_ups (owner_id, contact_id, kind, series, ideal_on, latest_on, state, due_at,
                     nudge_state, created_at)
                 VALUES (?, ?, 'after_meeting', 'rhythm', '2026-11-23', '2026-11-25', 'pending', ?, 'waiting', 0)
                 RETURNING id",
            )
            .bind(owner)
            .bind(contact)
            .bind(due.timestamp())
            .fetch_one(&mut *tx)
            .await
            .expect("follow-up");
            sqlx::query(
                "INSERT INTO nudges (owner_id, subject, subject_id, ideal_on, latest_on, due_at, state, created_at)
                 VALUES (?, 'follow_up', ?, '2026-11-23', '2026-11-25', ?, 'waiting', 0)",
            )
            .bind(owner)
            .bind(follow_up)
            .bind(due.timestamp())
            .execute(&mut *tx)
            .await
            .expect("nudge");
        }
    }
    tx.commit().await.expect("commit");
    Store::new(emig_bot::db::Pool::Sqlite(emig_bot::db::SqliteDb::new(
        pool, true,
    )))
}

async fn throughput() {
    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}", dir.path().join("nudges.db").display());
    let now = DateTime::parse_from_rfc3339("2026-11-23T15:00:00Z")
        .expect("instant")
        .with_timezone(&Utc);
    let store = seed(
        &db_url,
        NUDGES / PER_MEMBER,
        PER_MEMBER,
        now - Duration::hours(1),
    )
    .await;
    let deliver = Arc::new(CountingDeliver::default());
    let scheduler = Scheduler::new(
        store.clone(),
        Arc::new(ManualClock::new(now)),
        deliver.clone(),
        SchedulerSettings {
            quiet_hours: QuietHours { start: 0, end: 0 },
            default_timezone: TimeZone::parse("America/New_York").expect("zone"),
            lease: Duration::seconds(120),
            max_sleep: Duration::seconds(60),
            members_per_run: 500,
            retry_base: chrono::Duration::minutes(1),
        },
        Arc::new(tokio::sync::Notify::new()),
    );
    let started = Instant::now();
    let mut sent = 0u64;
    loop {
        let run = scheduler.run_once().await.expect("run");
        if run.nudges_sent == 0 {
            break;
        }
        sent += u64::from(run.nudges_sent);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (distinct, duplicates) = deliver.distinct_and_duplicates();
    println!(
        "scheduler, zero-latency deliver: {sent} nudges ({} digests of {PER_MEMBER}) in {elapsed:.2} s = {:.0} nudges/s (goal ≥ 5,000/s); distinct {} of {NUDGES}; duplicates {duplicates} (must be 0)",
        NUDGES / PER_MEMBER,
        sent as f64 / elapsed,
        distinct
    );
}

async fn against_rate_limited_fake() {
    let fake = FakeDiscord::start_unjudged().await;
    fake.limit_rate("POST", "/messages", f64::from(SEND_RATE));
    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}", dir.path().join("rate.db").display());
    // More due than can be sent in the window, one nudge per member (one DM each).
    let members = u64::from(SEND_RATE) * WINDOW_SECONDS * 2;
    let store = seed(&db_url, members, 1, Utc::now() - Duration::hours(1)).await;
    store.close().await;
    let rate = SEND_RATE.to_string();
    let settings = settings(
        &fake.api_base,
        &db_url,
        &[
            ("EMIG_NUDGES_SEND_RATE", rate.as_str()),
            ("EMIG_NUDGES_QUIET_START", "0"),
            ("EMIG_NUDGES_QUIET_END", "0"),
        ],
    );
    let app = App::build(
        &settings,
        Deps {
            clock: Arc::new(SystemClock),
            deliver: None,
        },
    )
    .await
    .expect("app");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    let is_send =
        |c: &support::fake_discord::RestCall| c.method == "POST" && c.path.ends_with("/messages");
    let first = fake
        .wait_for("the first DM", |calls| {
            calls.iter().find(|c| is_send(c)).map(|c| c.at)
        })
        .await;
    tokio::time::sleep_until(tokio::time::Instant::from_std(
        first + StdDuration::from_secs(WINDOW_SECONDS),
    ))
    .await;
    let end = first + StdDuration::from_secs(WINDOW_SECONDS);
    let calls = fake.calls();
    let in_window: Vec<_> = calls.iter().filter(|c| is_send(c) && c.at < end).collect();
    let ok = in_window.iter().filter(|c| c.status == 200).count();
    let limited = in_window.iter().filter(|c| c.status == 429).count();
    let achieved = ok as f64 / WINDOW_SECONDS as f64;
    println!(
        "Discord sender vs fake limiting {SEND_RATE}/s for {WINDOW_SECONDS} s: {ok} DMs = {achieved:.2}/s = {:.3} of the configured rate (goal ≥ 0.9); 429s: {limited} (must be 0)",
        achieved / f64::from(SEND_RATE)
    );
    let _ = stop.send(());
    let _ = running.await;
}

#[tokio::main]
async fn main() {
    throughput().await;
    against_rate_limited_fake().await;
}
