//! Start-up bench: the release binary against the fake Discord. Prints time from process
//! start to commands registered (READY, migrations of a fresh database included), idle RSS
//! after READY, and the binary's size. Run: `cargo bench --bench startup`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use support::{FakeDiscord, TEST_TOKEN};

const BIN: &str = env!("CARGO_BIN_EXE_emig-bot");
const RUNS: usize = 15;

fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let mut startup_ms = Vec::with_capacity(RUNS);
    let mut rss = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let fake = FakeDiscord::start_unjudged().await;
        let dir = tempfile::tempdir().expect("temp dir");
        let db_url = format!("sqlite://{}", dir.path().join("bench.db").display());
        let started = Instant::now();
        let mut child = tokio::process::Command::new(BIN)
            .env_clear()
            .current_dir(dir.path())
            .env("EMIG_DISCORD_TOKEN", TEST_TOKEN)
            .env("EMIG_DISCORD_API_BASE", &fake.api_base)
            .env("EMIG_DATABASE_URL", &db_url)
            .env("EMIG_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("spawn the release binary");
        fake.wait_for_registration().await;
        startup_ms.push(started.elapsed().as_secs_f64() * 1000.0);
        // Let start-up allocations settle before reading the idle footprint.
        tokio::time::sleep(Duration::from_millis(500)).await;
        if let Some(pid) = child.id() {
            if let Some(kib) = rss_kib(pid) {
                rss.push(kib as f64 / 1024.0);
            }
        }
        child.start_kill().expect("stop the bot");
        let _ = child.wait().await;
    }
    startup_ms.sort_by(f64::total_cmp);
    rss.sort_by(f64::total_cmp);
    let size_mb = std::fs::metadata(BIN).map(|m| m.len()).unwrap_or(0) as f64 / 1_048_576.0;

    println!("emig-bot start-up bench ({RUNS} runs, release binary, fresh database each run)");
    println!(
        "start-up to READY + commands registered: p50 {:.1} ms, max {:.1} ms (goal < 500 ms)",
        percentile(&startup_ms, 0.5),
        startup_ms.last().copied().unwrap_or(0.0)
    );
    if rss.is_empty() {
        println!("idle RSS after READY: unavailable (no /proc)");
    } else {
        println!(
            "idle RSS after READY: p50 {:.1} MiB, max {:.1} MiB (goal < 30 MB)",
            percentile(&rss, 0.5),
            rss.last().copied().unwrap_or(0.0)
        );
    }
    println!("release binary size: {size_mb:.1} MiB (goal < 30 MB)");
}
