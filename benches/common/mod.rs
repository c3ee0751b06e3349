//! What the benches share: a seeded generator, the 1M-contact seed, figures, and the release
//! binary run against the fake Discord.

#![allow(dead_code)]

use std::process::Stdio;
use std::time::{Duration, Instant};

use emig_bot::db;
use emig_bot::settings::DatabaseSettings;

use crate::support::interactions::{self, Invoker, OptValue};
use crate::support::{FakeDiscord, TEST_TOKEN};

pub const BIN: &str = env!("CARGO_BIN_EXE_emig-bot");
pub const FIRST_MEMBER: u64 = 200_000_000_000_000_000;

pub const FIRST: [&str; 16] = [
    "Ana", "Ben", "Chris", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena",
    "Mo", "Nia", "Omar", "Priya",
];
pub const LAST: [&str; 16] = [
    "Lopez", "Park", "Smith", "Okafor", "Nguyen", "Rossi", "Khan", "Berg", "Silva", "Cohen",
    "Mensah", "Ito", "Novak", "Garcia", "Reyes", "Haddad",
];
pub const PLACES: [&str; 8] = [
    "County General",
    "Mercy Hospital",
    "State University",
    "Children's Hospital",
    "Regional Medical Center",
    "Harbor EM",
    "Lakeside Health",
    "Valley Trauma Center",
];

/// A small deterministic generator, so every run seeds the same data.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

/// `members` members with `per_member` contacts each, in one transaction; returns how long it
/// took.
pub async fn seed_contacts(db_url: &str, members: u64, per_member: u64) -> Duration {
    let started = Instant::now();
    let pool = db::connect(&DatabaseSettings {
        url: db_url.to_owned(),
        max_connections: 1,
        busy_timeout_ms: 5000,
    })
    .await
    .expect("open")
    .as_sqlite()
    .expect("SQLite")
    .clone();
    let mut rng = Lcg(7);
    let mut tx = pool.begin().await.expect("tx");
    for m in 0..members {
        let owner = (FIRST_MEMBER + m) as i64;
        sqlx::query("INSERT INTO members (user_id, created_at, updated_at) VALUES (?, 0, 0)")
            .bind(owner)
            .execute(&mut *tx)
            .await
            .expect("member");
        for c in 0..per_member {
            let name = format!("{} {} {c}", rng.pick(&FIRST), rng.pick(&LAST));
            let place = rng.pick(&PLACES);
            let folded = name.to_lowercase();
            let search = format!("{folded} {}", place.to_lowercase());
            sqlx::query(
                "INSERT INTO contacts (owner_id, name, name_folded, search_text, institution, met_on, tags,
                     created_at, updated_at, last_used_at)
                 VALUES (?, ?, ?, ?, ?, '2026-10-01', ',ultrasound,', 0, 0, ?)",
            )
            .bind(owner)
            .bind(&name)
            .bind(&folded)
            .bind(&search)
            .bind(place)
            .bind(c as i64)
            .execute(&mut *tx)
            .await
            .expect("contact");
        }
    }
    tx.commit().await.expect("commit");
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&pool)
        .await
        .expect("checkpoint");
    pool.close().await;
    started.elapsed()
}

/// Resident memory of a process, in KiB (Linux).
pub fn rss_kib(pid: u32) -> Option<u64> {
    status_kib(pid, "VmRSS")
}

/// A figure in KiB from `/proc/<pid>/status` (`VmRSS`, `RssAnon`, `RssFile`, …).
pub fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The value at quantile `p` of sorted samples.
pub fn quantile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// Milliseconds, sorted.
pub fn sorted_ms(samples: &[Duration]) -> Vec<f64> {
    let mut ms: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    ms.sort_by(f64::total_cmp);
    ms
}

/// The release binary with a clean environment and `env`, against `fake`.
pub fn spawn_bot(
    dir: &std::path::Path,
    fake: &FakeDiscord,
    db_url: &str,
    env: &[(&str, &str)],
) -> tokio::process::Child {
    spawn_bot_from(std::path::Path::new(BIN), dir, fake, db_url, env)
}

/// [`spawn_bot`] with the executable at `bin` (a copy of the release binary).
pub fn spawn_bot_from(
    bin: &std::path::Path,
    dir: &std::path::Path,
    fake: &FakeDiscord,
    db_url: &str,
    env: &[(&str, &str)],
) -> tokio::process::Child {
    // `BENCH_BOT_LOG=<filter>` keeps the bot's log (appended to bench-bot.log) to see where
    // its time goes.
    let (filter, log) = match std::env::var("BENCH_BOT_LOG") {
        Ok(filter) => (
            filter,
            Stdio::from(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open("bench-bot.log")
                    .expect("log"),
            ),
        ),
        Err(_) => ("warn".to_owned(), Stdio::null()),
    };
    // `BENCH_BOT_ENV=K=V,K=V` adds settings (or allocator variables) to the bot's
    // environment, to compare variants.
    let extra: Vec<(String, String)> = std::env::var("BENCH_BOT_ENV")
        .unwrap_or_default()
        .split(',')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    tokio::process::Command::new(bin)
        .env_clear()
        .envs(extra)
        .current_dir(dir)
        .env("EMIG_DISCORD_TOKEN", TEST_TOKEN)
        .env("EMIG_DISCORD_API_BASE", &fake.api_base)
        .env("EMIG_DATABASE_URL", db_url)
        .env("EMIG_LOG", filter)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .expect("spawn the release binary")
}

/// Waits for the `n`-th command registration (one per bot started on this fake); when it
/// reached the fake.
pub async fn wait_for_registrations(fake: &FakeDiscord, n: usize) -> std::time::Instant {
    fake.wait_for("a registration", |calls| {
        calls
            .iter()
            .filter(|c| c.method == "PUT" && c.path.ends_with("/commands"))
            .nth(n - 1)
            .map(|c| c.at)
    })
    .await
}

/// Sends a slash command as `member` and waits for its first answer; the time between.
pub async fn round_trip(
    fake: &FakeDiscord,
    member: u64,
    path: &str,
    options: &[(String, OptValue)],
) -> Duration {
    let id = fake.new_id();
    let sent = fake.dispatch(
        "INTERACTION_CREATE",
        interactions::command(&id, Invoker::member(member), path, options, None),
    );
    let callback = format!(
        "/api/v10/interactions/{id}/{}/callback",
        interactions::token_for(&id)
    );
    let answered = fake
        .wait_for("the answer", |calls| {
            calls
                .iter()
                .rev()
                .find(|c| c.is("POST", &callback))
                .map(|c| c.at)
        })
        .await;
    answered.duration_since(sent)
}
