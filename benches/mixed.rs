//! Mixed-load bench: the release binary on 1,000 members × 1,000 contacts, taking 100
//! interactions a second (contact add, contact list, autocomplete, `/followup list`, a story
//! written and analysed) while its nudge loop sends DMs at 40 a second to the fake Discord.
//! Prints interaction p50/p99 (each from the interaction leaving the fake gateway to the
//! answer reaching the fake REST API), DMs per second achieved and the bot's RSS under load.
//! Run: `cargo bench --bench mixed`.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::{
    quantile, rss_kib, seed_contacts, sorted_ms, spawn_bot, wait_for_registrations, Lcg, FIRST,
    FIRST_MEMBER,
};
use support::interactions::{self, Invoker, OptValue};
use support::FakeDiscord;

const MEMBERS: u64 = 1_000;
const CONTACTS_PER_MEMBER: u64 = 1_000;
const PER_SECOND: u64 = 100;
const SECONDS: u64 = 20;
const KINDS: [&str; 5] = [
    "contact add",
    "contact list",
    "autocomplete",
    "followup list",
    "story analysis",
];

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("mixed.db");
    let db_url = format!("sqlite://{}", file.display());
    let seeded = seed_contacts(&db_url, MEMBERS, CONTACTS_PER_MEMBER).await;
    support::seed::due_follow_ups(&db_url, FIRST_MEMBER, MEMBERS, MEMBERS, true).await;
    println!(
        "seeded {MEMBERS} members × {CONTACTS_PER_MEMBER} contacts in {:.0} s, and one nudge due for each member",
        seeded.as_secs_f64()
    );

    let fake = FakeDiscord::start_unjudged().await;
    let mut bot = spawn_bot(
        dir.path(),
        &fake,
        &db_url,
        &[
            ("EMIG_NUDGES_QUIET_START", "0"),
            ("EMIG_NUDGES_QUIET_END", "0"),
            ("EMIG_NUDGES_SEND_RATE", "40"),
        ],
    );
    wait_for_registrations(&fake, 1).await;
    let pid = bot.id().expect("running");
    let idle_rss = rss_kib(pid).unwrap_or(0);
    fake.wait_for("the first DM", |calls| {
        calls
            .iter()
            .any(|c| c.method == "POST" && c.path.contains("/channels/") && c.status == 200)
            .then_some(())
    })
    .await;

    let mut rng = Lcg(21);
    let mut sent: Vec<(String, usize, Instant)> = Vec::new();
    let mut ticker = tokio::time::interval(Duration::from_millis(1_000 / PER_SECOND));
    let mut peak_rss = 0;
    let started = Instant::now();
    for i in 0..(PER_SECOND * SECONDS) as usize {
        ticker.tick().await;
        let member = FIRST_MEMBER + rng.next() % MEMBERS;
        let kind = i % KINDS.len();
        let id = fake.new_id();
        let invoker = Invoker::member(member);
        let payload = match kind {
            0 => interactions::command(
                &id,
                invoker,
                "contact add",
                &[
                    ("name".into(), OptValue::Str(format!("Load Person {i}"))),
                    ("institution".into(), OptValue::Str("County General".into())),
                ],
                None,
            ),
            1 => interactions::command(&id, invoker, "contact list", &[], None),
            2 => interactions::command(
                &id,
                invoker,
                "contact show",
                &[(
                    "contact".into(),
                    OptValue::Str(rng.pick(&FIRST)[..2].to_lowercase()),
                )],
                Some("contact"),
            ),
            3 => interactions::command(&id, invoker, "followup list", &[], None),
            _ => interactions::modal_submit(
                &id,
                invoker,
                &format!("emig:s-write:{member}"),
                &STORY,
                None,
            ),
        };
        let at = fake.dispatch("INTERACTION_CREATE", payload);
        sent.push((id, kind, at));
        if i % PER_SECOND as usize == 0 {
            peak_rss = peak_rss.max(rss_kib(pid).unwrap_or(0));
        }
    }
    let load_took = started.elapsed();
    // Every answer, however late.
    let answers: HashMap<String, Instant> = fake
        .wait_for("every answer", |calls| {
            let found: HashMap<String, Instant> = calls
                .iter()
                .filter(|c| c.method == "POST" && c.path.ends_with("/callback"))
                .filter_map(|c| {
                    let id = c.path.split('/').nth(4)?.to_owned();
                    Some((id, c.at))
                })
                .collect();
            (found.len() >= sent.len()).then_some(found)
        })
        .await;
    let calls = fake.calls();
    let dms = calls
        .iter()
        .filter(|c| {
            c.method == "POST"
                && c.path.starts_with("/api/v10/channels/")
                && c.status == 200
                && c.at >= started
                && c.at <= started + load_took
        })
        .count();
    bot.start_kill().expect("stop");
    let _ = bot.wait().await;

    println!(
        "load: {} interactions in {:.1} s ({:.0}/s), while the nudge loop sent {dms} DMs ({:.1}/s, configured 40/s)",
        sent.len(),
        load_took.as_secs_f64(),
        sent.len() as f64 / load_took.as_secs_f64(),
        dms as f64 / load_took.as_secs_f64()
    );
    let mut all = Vec::new();
    for (k, name) in KINDS.iter().enumerate() {
        let samples: Vec<Duration> = sent
            .iter()
            .filter(|(_, kind, _)| *kind == k)
            .map(|(id, _, at)| answers[id].duration_since(*at))
            .collect();
        all.extend(samples.iter().copied());
        let ms = sorted_ms(&samples);
        println!(
            "{name:<16} p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>7.2} ms   (n={})",
            quantile(&ms, 0.5),
            quantile(&ms, 0.99),
            quantile(&ms, 1.0),
            ms.len()
        );
    }
    let ms = sorted_ms(&all);
    println!(
        "{:<16} p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>7.2} ms   (goal p99 < 10 ms)",
        "all",
        quantile(&ms, 0.5),
        quantile(&ms, 0.99),
        quantile(&ms, 1.0)
    );
    println!(
        "bot RSS: {:.1} MiB after READY on the 1M-contact database, {:.1} MiB peak under load",
        idle_rss as f64 / 1024.0,
        peak_rss as f64 / 1024.0
    );
}

const STORY: [(&str, &str); 5] = [
    ("who", "I am Maya, a third-year medical student at State University, finishing my core clerkships this spring."),
    ("why_em", "During my first ED shift I watched a team run a pediatric code in silence and calm, and I knew this was where I wanted to train."),
    ("interest", "Within emergency medicine I am drawn to point-of-care ultrasound, because it turns uncertainty at the bedside into a decision in minutes."),
    ("hope", "Today I hope to meet residents from programs with strong ultrasound fellowships and ask how they found research mentors early."),
    ("event", "SAEM residency fair"),
];
