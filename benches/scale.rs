//! Scale-out bench (several processes on one database).
//!
//! Part 1, claims: 20,000 due nudges (4,000 members × 5) claimed + delivered + recorded by 1,
//! 2 and 4 schedulers, each on its own connection pool as a separate process would be, with a
//! zero-latency sender: nudges/s, and duplicates (must be 0). On SQLite always; on PostgreSQL
//! too when `EMIG_TEST_DATABASE_URL` names a server (`scripts/with-postgres` starts one).
//!
//! Part 2, the morning rush (PostgreSQL only): 10,000 members whose delivery hour is 09:00
//! America/New_York, two bot processes (shards 0 and 1 of 2) at `nudges.send_rate = 50`,
//! against a fake Discord enforcing 50 requests/s globally: time from 09:00 until the last
//! digest is delivered, against the physical limit of requests ÷ 50, with known DM channels
//! (one request per member) and unknown ones (two). Duplicates and 429s must be 0.
//!
//! Run: `scripts/with-postgres cargo bench --bench scale` (or `cargo bench --bench scale` for
//! the SQLite figures alone). `SCALE_RUSH_MEMBERS=N` shrinks the rush for a quick look.

#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use chrono::{DateTime, Duration, Utc};
use emig_bot::clock::ManualClock;
use emig_bot::db::{self, Pool};
use emig_bot::domain::cadence::QuietHours;
use emig_bot::domain::TimeZone;
use emig_bot::scheduler::{Scheduler, SchedulerSettings};
use emig_bot::settings::DatabaseSettings;
use emig_bot::store::Store;
use emig_bot::{App, Deps};
use support::bot::settings;
use support::deliver::CountingDeliver;
use support::FakeDiscord;

const MEMBERS: i64 = 4_000;
const PER_MEMBER: i64 = 5;
const FIRST_MEMBER: i64 = 600_000_000_000_000_000;

async fn open(url: &str, connections: u32) -> Pool {
    db::connect(&DatabaseSettings {
        url: url.to_owned(),
        max_connections: connections,
        busy_timeout_ms: 10_000,
    })
    .await
    .expect("open")
}

/// `members` members (zone New York, hour 9, a DM channel when `known_channels`), each with
/// `per_member` contacts whose follow-up nudge is due at `due`: four set-based statements,
/// the same text on either engine.
async fn seed(pool: &Pool, members: i64, per_member: i64, due: i64, known_channels: bool) {
    let statements = [
        format!(
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < {last})
             INSERT INTO members (user_id, timezone, dm_channel_id, created_at, updated_at)
             SELECT {FIRST_MEMBER} + i, 'America/New_York', {channel}, 0, 0 FROM n",
            last = members - 1,
            channel = if known_channels {
                "700000000000000000 + i"
            } else {
                "NULL"
            },
        ),
        format!(
            "WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < {last})
             INSERT INTO contacts (owner_id, name, name_folded, search_text, met_on, created_at,
                                   updated_at, last_used_at)
             SELECT m.user_id, 'Contact ' || k.j, 'contact ' || k.j, 'contact ' || k.j,
                    '2026-11-20', 0, 0, 0
             FROM members m CROSS JOIN k",
            last = per_member - 1
        ),
        format!(
            "INSERT INTO follow_ups (owner_id, contact_id, kind, series, ideal_on, latest_on,
                                     state, due_at, nudge_state, created_at)
             SELECT owner_id, id, 'after_meeting', 'rhythm', '2026-11-30', '2026-12-02',
                    'pending', {due}, 'waiting', 0
             FROM contacts"
        ),
        format!(
            "INSERT INTO nudges (owner_id, subject, subject_id, ideal_on, latest_on, due_at,
                                 state, created_at)
             SELECT owner_id, 'follow_up', id, '2026-11-30', '2026-12-02', {due}, 'waiting', 0
             FROM follow_ups"
        ),
    ];
    for sql in &statements {
        crate::on_pool!(pool, |c| sqlx::query(sql).execute(c).await.map(|_| ()))
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

fn scheduler_settings() -> SchedulerSettings {
    SchedulerSettings {
        quiet_hours: QuietHours { start: 0, end: 0 },
        default_timezone: TimeZone::parse("America/New_York").expect("zone"),
        lease: Duration::seconds(120),
        max_sleep: Duration::seconds(60),
        members_per_run: 500,
        retry_base: Duration::minutes(1),
    }
}

/// 09:00 in New York on the bench's day.
fn nine_am() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-30T14:00:00Z")
        .expect("instant")
        .with_timezone(&Utc)
}

async fn claims(engine: &str, url: &str, processes: usize) {
    let pool = open(url, 4).await;
    let now = nine_am();
    seed(&pool, MEMBERS, PER_MEMBER, now.timestamp() - 60, true).await;
    pool.close().await;
    let total = MEMBERS * PER_MEMBER;
    let deliver = Arc::new(CountingDeliver::default());
    let mut schedulers = Vec::new();
    for _ in 0..processes {
        let store = Store::new(open(url, 4).await).shared_with_other_processes();
        schedulers.push(Scheduler::new(
            store,
            Arc::new(ManualClock::new(now)),
            deliver.clone(),
            scheduler_settings(),
            Arc::new(tokio::sync::Notify::new()),
        ));
    }
    let started = Instant::now();
    let runs: Vec<_> = schedulers
        .into_iter()
        .map(|scheduler| {
            tokio::spawn(async move {
                let mut sent = 0u64;
                loop {
                    let run = scheduler.run_once().await.expect("run");
                    if run.nudges_sent == 0 {
                        return sent;
                    }
                    sent += u64::from(run.nudges_sent);
                }
            })
        })
        .collect();
    let mut per_process = Vec::new();
    for run in runs {
        per_process.push(run.await.expect("scheduler"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    let (distinct, duplicates) = deliver.distinct_and_duplicates();
    let sent: u64 = per_process.iter().sum();
    println!(
        "claims, {engine}, {processes} process(es): {sent} nudges in {elapsed:.2} s = {:.0} nudges/s (per process {per_process:?}); distinct {} of {total}; duplicates {duplicates} (must be 0)",
        sent as f64 / elapsed,
        distinct,
    );
}

/// Two in-process bots (shards 0 and 1 of 2) against one fake enforcing 50 requests/s for
/// everything; the clock stands at 09:00 New York.
async fn morning_rush(server: &str, members: i64, known_channels: bool) {
    let dir = tempfile::tempdir().expect("dir");
    let url = support::db::fresh_url(dir.path()).await;
    assert!(url.starts_with("postgres"), "{server}");
    let pool = open(&url, 4).await;
    seed(&pool, members, 1, nine_am().timestamp(), known_channels).await;
    pool.close().await;

    let fake = FakeDiscord::start_unjudged().await;
    fake.limit_rate("*", "", 50.0);
    let mut stops = Vec::new();
    let mut runs = Vec::new();
    let started = Instant::now();
    for shard in ["0", "1"] {
        let settings = settings(
            &fake.api_base,
            &url,
            &[
                ("EMIG_DISCORD_SHARD_COUNT", "2"),
                ("EMIG_DISCORD_SHARDS", shard),
                ("EMIG_NUDGES_SEND_RATE", "50"),
                ("EMIG_NUDGES_QUIET_START", "21"),
                ("EMIG_NUDGES_QUIET_END", "8"),
            ],
        );
        let app = App::build(
            &settings,
            Deps {
                clock: Arc::new(ManualClock::new(nine_am())),
                deliver: None,
            },
        )
        .await
        .expect("app");
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        stops.push(stop);
        runs.push(tokio::spawn(app.run_until_stopped(async move {
            let _ = stopped.await;
        })));
    }
    let is_dm = |c: &support::fake_discord::RestCall| {
        c.method == "POST" && c.path.ends_with("/messages") && c.status == 200
    };
    let target = usize::try_from(members).expect("members");
    let last = fake
        .wait_for_long(
            &format!("{members} digests"),
            std::time::Duration::from_secs(1_200),
            |calls| {
                let sent: Vec<_> = calls.iter().filter(|c| is_dm(c)).collect();
                (sent.len() >= target).then(|| sent.iter().map(|c| c.at).max())
            },
        )
        .await
        .expect("a last DM");
    let elapsed = last.duration_since(started).as_secs_f64();
    for stop in stops {
        let _ = stop.send(());
    }
    for run in runs {
        let _ = run.await;
    }
    let calls = fake.calls();
    let limited = calls.iter().filter(|c| c.status == 429).count();
    let requests_per_member = if known_channels { 1 } else { 2 };
    let limit = (members * requests_per_member) as f64 / 50.0;
    let messages = fake.created_messages();
    let mut per_channel: HashMap<String, usize> = HashMap::new();
    for m in &messages {
        *per_channel
            .entry(m["channel_id"].as_str().unwrap_or_default().to_owned())
            .or_default() += 1;
    }
    let duplicates: usize = per_channel.values().map(|n| n - 1).sum();
    println!(
        "morning rush, {members} members, DM channels {}: last digest {elapsed:.1} s after 09:00; physical limit {limit:.0} s ({requests_per_member} request(s) per member at 50/s); ratio {:.3} (goal ≤ 1.15); DMs {} to {} members; duplicates {duplicates}; 429s {limited} (both must be 0)",
        if known_channels { "known" } else { "unknown" },
        elapsed / limit,
        messages.len(),
        per_channel.len(),
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("dir");
    for processes in [1, 2, 4] {
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("claims-{processes}.db")).display()
        );
        claims("SQLite", &url, processes).await;
    }
    let Some(server) = support::db::postgres_server() else {
        println!(
            "PostgreSQL figures need a server: scripts/with-postgres cargo bench --bench scale"
        );
        return;
    };
    for processes in [1, 2, 4] {
        let url = support::db::fresh_url(dir.path()).await;
        claims("PostgreSQL", &url, processes).await;
    }
    let members = std::env::var("SCALE_RUSH_MEMBERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    morning_rush(&server, members, true).await;
    morning_rush(&server, members, false).await;
}
