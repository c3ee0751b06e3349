//! Contacts bench: 1,000 members × 1,000 contacts (1M rows), then p50/p99 of contact
//! autocomplete, `/contact add` and `/contact list` (first page), each measured from the
//! interaction leaving the fake gateway to the bot's answer reaching the fake REST API.
//! Run: `cargo bench --bench contacts` (release build). Prints the database size too.

#[path = "../tests/support/mod.rs"]
mod support;

mod common;

use std::time::Duration;

use common::{seed_contacts, Lcg, FIRST, FIRST_MEMBER};
use support::{OptValue, TestBot};

const MEMBERS: u64 = 1_000;
const CONTACTS_PER_MEMBER: u64 = 1_000;
const SAMPLES: usize = 400;

fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    let at =
        |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "{what:<32} p50 {:>6.2} ms   p99 {:>6.2} ms   max {:>6.2} ms   (n={}, goal p99 < 5 ms)",
        at(0.5),
        at(0.99),
        at(1.0),
        samples.len()
    );
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("contacts-bench.db");
    let db_url = format!("sqlite://{}", file.display());
    let seeded_in = seed_contacts(&db_url, MEMBERS, CONTACTS_PER_MEMBER).await;
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "seeded {} members × {} contacts = {} contacts in {:.1} s",
        MEMBERS,
        CONTACTS_PER_MEMBER,
        MEMBERS * CONTACTS_PER_MEMBER,
        seeded_in.as_secs_f64()
    );
    println!(
        "database file: {:.1} MiB ({:.0} bytes per contact, indexes included)",
        size as f64 / 1_048_576.0,
        size as f64 / (MEMBERS * CONTACTS_PER_MEMBER) as f64
    );

    let bot = TestBot::start_on_database(&db_url).await;
    let mut rng = Lcg(11);
    let member = |rng: &mut Lcg| FIRST_MEMBER + rng.next() % MEMBERS;

    // Warm-up: first queries prepare statements and fill the page cache.
    for _ in 0..20 {
        let m = member(&mut rng);
        bot.member(m).time_command("contact list", &[], None).await;
    }

    let mut autocomplete = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let m = member(&mut rng);
        let typed = rng.pick(&FIRST)[..2].to_lowercase();
        let options = vec![("contact".to_owned(), OptValue::Str(typed))];
        autocomplete.push(
            bot.member(m)
                .time_command("contact show", &options, Some("contact"))
                .await,
        );
    }
    let mut add = Vec::with_capacity(SAMPLES);
    for i in 0..SAMPLES {
        let m = member(&mut rng);
        let options = vec![
            (
                "name".to_owned(),
                OptValue::Str(format!("Bench Person {i}")),
            ),
            (
                "institution".to_owned(),
                OptValue::Str("County General".into()),
            ),
        ];
        add.push(
            bot.member(m)
                .time_command("contact add", &options, None)
                .await,
        );
    }
    let mut list = Vec::with_capacity(SAMPLES);
    for _ in 0..SAMPLES {
        let m = member(&mut rng);
        list.push(bot.member(m).time_command("contact list", &[], None).await);
    }

    println!("latency, interaction sent → answer received at the fake Discord:");
    report("contact autocomplete", autocomplete);
    report("/contact add", add);
    report("/contact list (first page)", list);
    bot.stop().await.expect("clean stop");
}
