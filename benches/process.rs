//! Process bench: emig-bot against a minimal poise bot (one `/ping`, built into this bench)
//! on the same fake Discord — start-up to READY, idle RSS and a trivial command's round trip —
//! then the crash cost: after a SIGKILL mid-run, the time from restart to the first recovered
//! digest delivered. Run: `cargo bench --bench process`.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::time::{Duration, Instant};

use common::{
    quantile, round_trip, rss_kib, sorted_ms, spawn_bot, spawn_bot_from, status_kib,
    wait_for_registrations, BIN,
};
use support::FakeDiscord;

/// Start-up times on this 2-core machine vary by a millisecond from run to run: 20 starts
/// of each bot keep the p50s steady between bench runs.
const RUNS: usize = 20;
const ROUND_TRIPS: usize = 300;
/// The members the round trips take turns as; each runs a command once before the timing
/// starts, so the timed ones are reads (a member's very first command records them).
const MEMBERS: usize = 50;
const WARM_UP: usize = MEMBERS + 20;
/// Set in the environment of this bench's own executable to make it the baseline bot.
const PING_BOT: &str = "EMIG_BENCH_PING_BOT";

fn main() {
    if std::env::var_os(PING_BOT).is_some() {
        ping_bot();
        return;
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(bench());
}

type PingError = Box<dyn std::error::Error + Send + Sync>;

/// Answers ping
#[poise::command(slash_command)]
#[allow(clippy::disallowed_methods)]
async fn ping(ctx: poise::Context<'_, (), PingError>) -> Result<(), PingError> {
    ctx.send(
        poise::CreateReply::default()
            .content("pong")
            .ephemeral(true),
    )
    .await?;
    Ok(())
}

/// The denominator: a poise bot with one command, talking to the fake the way emig-bot does
/// (proxy, disabled ratelimiter), registering its command when ready, on tokio's default
/// runtime (a worker thread per core, as `#[tokio::main]` gives; emig-bot runs one).
fn ping_bot() {
    use poise::serenity_prelude as serenity;
    let token = std::env::var("EMIG_DISCORD_TOKEN").expect("token");
    let api = std::env::var("EMIG_DISCORD_API_BASE").expect("api base");
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(async move {
            let framework = poise::Framework::builder()
                .options(poise::FrameworkOptions {
                    commands: vec![ping()],
                    ..Default::default()
                })
                .setup(|ctx, _ready, framework| {
                    Box::pin(async move {
                        poise::builtins::register_globally(ctx, &framework.options().commands)
                            .await?;
                        Ok(())
                    })
                })
                .build();
            let http = serenity::HttpBuilder::new(token)
                .proxy(api)
                .ratelimiter_disabled(true)
                .build();
            let mut client =
                serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
                    .framework(framework)
                    .await
                    .expect("client");
            client.start().await.expect("run");
        });
}

/// One bot's figures.
#[derive(Default)]
struct Figures {
    startup: Vec<Duration>,
    rss_mib: Vec<f64>,
    /// Of the RSS: anonymous memory (heap, stacks, relocated data), and mapped file pages
    /// (mostly the executable's own code).
    anon_mib: Vec<f64>,
    file_mib: Vec<f64>,
    round_trips: Vec<Duration>,
}

impl Figures {
    fn p50_startup_ms(&self) -> f64 {
        quantile(&sorted_ms(&self.startup), 0.5)
    }
    fn p50_rss(&self) -> f64 {
        p50(&self.rss_mib)
    }
    fn trip(&self, p: f64) -> f64 {
        quantile(&sorted_ms(&self.round_trips), p)
    }
}

fn p50(samples: &[f64]) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort_by(f64::total_cmp);
    quantile(&sorted, 0.5)
}

/// Starts a bot with `spawn`, times it to READY, reads its idle RSS, then times `command`.
async fn measure(
    figures: &mut Figures,
    spawn: impl FnOnce(&FakeDiscord) -> tokio::process::Child,
    fake: &FakeDiscord,
    command: &str,
) {
    let started = Instant::now();
    let mut child = spawn(fake);
    let registered = wait_for_registrations(fake, 1).await;
    figures.startup.push(registered.duration_since(started));
    tokio::time::sleep(Duration::from_millis(500)).await;
    if let Some(pid) = child.id() {
        let mib = |field| status_kib(pid, field).map(|kib| kib as f64 / 1024.0);
        if let (Some(rss), Some(anon), Some(file)) = (
            rss_kib(pid).map(|kib| kib as f64 / 1024.0),
            mib("RssAnon"),
            mib("RssFile"),
        ) {
            figures.rss_mib.push(rss);
            figures.anon_mib.push(anon);
            figures.file_mib.push(file);
        }
    }
    for i in 0..(WARM_UP + ROUND_TRIPS) {
        let member = common::FIRST_MEMBER + (i % MEMBERS) as u64;
        let took = round_trip(fake, member, command, &[]).await;
        if i >= WARM_UP {
            figures.round_trips.push(took);
        }
    }
    child.start_kill().expect("stop");
    let _ = child.wait().await;
}

async fn bench() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A migrated database, copied for each run: a restart, the common case.
    let migrated = dir.path().join("migrated.db");
    let status = std::process::Command::new(BIN)
        .env_clear()
        .env("EMIG_DISCORD_TOKEN", support::TEST_TOKEN)
        .env(
            "EMIG_DATABASE_URL",
            format!("sqlite://{}", migrated.display()),
        )
        .env("EMIG_LOG", "warn")
        .arg("check")
        .stdout(std::process::Stdio::null())
        .status()
        .expect("check");
    assert!(status.success());
    // Each run copies the main file alone: it must hold everything (a clean stop folds the
    // write-ahead log in), or the "migrated" runs would quietly migrate from scratch.
    let wal = dir.path().join("migrated.db-wal");
    assert!(
        std::fs::metadata(&wal).map_or(true, |m| m.len() == 0),
        "check left writes in {}",
        wal.display()
    );
    // Both bots run from copies made here, the way an installation holds its executable: how
    // a file's pages came into the page cache decides how many the kernel maps at each fault
    // (whole folios, and a freshly linked file has smaller ones than a copied one), so two
    // executables written differently would not compare.
    let me = dir.path().join("ping-bot");
    std::fs::copy(std::env::current_exe().expect("this bench"), &me).expect("copy the baseline");
    let bin = dir.path().join("emig-bot");
    std::fs::copy(BIN, &bin).expect("copy emig-bot");

    let mut baseline = Figures::default();
    let mut emig = Figures::default();
    let mut fresh_startup = Vec::new();
    for run in 0..RUNS {
        let fake = FakeDiscord::start_unjudged().await;
        measure(
            &mut baseline,
            |fake| {
                tokio::process::Command::new(&me)
                    .env_clear()
                    .env(PING_BOT, "1")
                    .env("EMIG_DISCORD_TOKEN", support::TEST_TOKEN)
                    .env("EMIG_DISCORD_API_BASE", &fake.api_base)
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .kill_on_drop(true)
                    .spawn()
                    .expect("spawn the baseline")
            },
            &fake,
            "ping",
        )
        .await;

        let fake = FakeDiscord::start_unjudged().await;
        let copy = dir.path().join(format!("run-{run}.db"));
        std::fs::copy(&migrated, &copy).expect("copy");
        let url = format!("sqlite://{}", copy.display());
        measure(
            &mut emig,
            |fake| spawn_bot_from(&bin, dir.path(), fake, &url, &[]),
            &fake,
            "me show",
        )
        .await;

        let fake = FakeDiscord::start_unjudged().await;
        let url = format!(
            "sqlite://{}",
            dir.path().join(format!("fresh-{run}.db")).display()
        );
        let started = Instant::now();
        let mut child = spawn_bot_from(&bin, dir.path(), &fake, &url, &[]);
        let registered = wait_for_registrations(&fake, 1).await;
        fresh_startup.push(registered.duration_since(started));
        child.start_kill().expect("stop");
        let _ = child.wait().await;
    }
    let size = |path: &std::path::Path| {
        std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) as f64 / 1_048_576.0
    };
    println!(
        "process bench: {RUNS} runs each, release builds, {ROUND_TRIPS} round trips per run after {WARM_UP} untimed ({MEMBERS} members, each seen once first)"
    );
    println!(
        "{:<44} {:>10} {:>10} {:>8}",
        "", "emig-bot", "poise /ping", "ratio"
    );
    let row = |what: &str, ours: f64, theirs: f64, unit: &str| {
        println!(
            "{what:<44} {ours:>8.2}{unit} {theirs:>8.2}{unit} {:>7.2}x",
            ours / theirs
        );
    };
    row(
        "start-up to READY (migrated database), p50",
        emig.p50_startup_ms(),
        baseline.p50_startup_ms(),
        "ms",
    );
    row(
        "idle RSS after READY, p50",
        emig.p50_rss(),
        baseline.p50_rss(),
        "Mi",
    );
    row(
        "  of which anonymous (heap, stacks, data)",
        p50(&emig.anon_mib),
        p50(&baseline.anon_mib),
        "Mi",
    );
    row(
        "  of which mapped from files (code)",
        p50(&emig.file_mib),
        p50(&baseline.file_mib),
        "Mi",
    );
    row(
        "round trip /me show vs /ping, p50",
        emig.trip(0.5),
        baseline.trip(0.5),
        "ms",
    );
    row(
        "round trip /me show vs /ping, p99",
        emig.trip(0.99),
        baseline.trip(0.99),
        "ms",
    );
    println!(
        "start-up to READY on a fresh database (all migrations): p50 {:.1} ms",
        quantile(&sorted_ms(&fresh_startup), 0.5)
    );
    println!(
        "binary size: emig-bot {:.1} MiB (the baseline is this bench's own executable)",
        size(std::path::Path::new(BIN))
    );
    println!("goal: each ratio within 1.5x");

    crash_cost(dir.path()).await;
}

/// SIGKILL mid-run, restart: the time until the first digest the killed process had claimed
/// (its lease already past) is delivered.
async fn crash_cost(dir: &std::path::Path) {
    const MEMBERS: u64 = 300;
    let url = format!("sqlite://{}", dir.join("crash.db").display());
    support::seed::due_follow_ups(&url, common::FIRST_MEMBER, MEMBERS, MEMBERS, false).await;
    let fake = FakeDiscord::start_unjudged().await;
    let env = [
        ("EMIG_NUDGES_QUIET_START", "0"),
        ("EMIG_NUDGES_QUIET_END", "0"),
        ("EMIG_NUDGES_SEND_RATE", "40"),
        ("EMIG_NUDGES_LEASE_SECONDS", "1"),
    ];
    let mut first = spawn_bot(dir, &fake, &url, &env);
    fake.wait_for("60 DMs", |_| (fake_dms(&fake) >= 60).then_some(()))
        .await;
    first.start_kill().expect("SIGKILL");
    let _ = first.wait().await;
    let pool = sqlx::SqlitePool::connect(&url).await.expect("open");
    let claimed: Vec<i64> = sqlx::query_scalar("SELECT id FROM digests WHERE state = 'sending'")
        .fetch_all(&pool)
        .await
        .expect("claimed");
    pool.close().await;
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let markers: Vec<String> = claimed
        .iter()
        .map(|id| format!("-# emig-bot digest {id}"))
        .collect();
    let restarted = Instant::now();
    let mut second = spawn_bot(dir, &fake, &url, &env);
    let ready = wait_for_registrations(&fake, 2)
        .await
        .duration_since(restarted);
    let recovered = fake
        .wait_for("a recovered digest", |calls| {
            calls
                .iter()
                .find(|c| {
                    c.method == "POST"
                        && c.status == 200
                        && c.path.contains("/messages")
                        && c.at > restarted
                        && markers.iter().any(|m| {
                            c.body["content"]
                                .as_str()
                                .is_some_and(|t| t.lines().last() == Some(m.as_str()))
                        })
                })
                .map(|c| c.at)
        })
        .await;
    second.start_kill().expect("stop");
    let _ = second.wait().await;
    println!(
        "crash cost: {} digests claimed but unrecorded at the SIGKILL; restart to READY {:.1} ms, to the first recovered digest delivered {:.1} ms (lease 1 s, already past)",
        claimed.len(),
        ready.as_secs_f64() * 1000.0,
        recovered.duration_since(restarted).as_secs_f64() * 1000.0
    );
}

fn fake_dms(fake: &FakeDiscord) -> usize {
    fake.created_messages().len()
}
