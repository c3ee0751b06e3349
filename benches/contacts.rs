//! Contacts bench: 1,000 members × 1,000 contacts (1M rows), then p50/p99 of contact
//! autocomplete, `/contact add` and `/contact list` (first page), each measured from the
//! interaction leaving the fake gateway to the bot's answer reaching the fake REST API.
//! Run: `cargo bench --bench contacts` (release build). Prints the database size too.

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use emig_bot::db;
use emig_bot::settings::DatabaseSettings;
use support::{OptValue, TestBot};

const MEMBERS: u64 = 1_000;
const CONTACTS_PER_MEMBER: u64 = 1_000;
const SAMPLES: usize = 400;
const FIRST_MEMBER: u64 = 200_000_000_000_000_000;

const FIRST: [&str; 16] = [
    "Ana", "Ben", "Chris", "Dana", "Eli", "Fatima", "Gus", "Hana", "Ivan", "Jo", "Kofi", "Lena",
    "Mo", "Nia", "Omar", "Priya",
];
const LAST: [&str; 16] = [
    "Lopez", "Park", "Smith", "Okafor", "Nguyen", "Rossi", "Khan", "Berg", "Silva", "Cohen",
    "Mensah", "Ito", "Novak", "Garcia", "Reyes", "Haddad",
];
const PLACES: [&str; 8] = [
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
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

async fn seed(db_url: &str) -> Duration {
    let started = Instant::now();
    let pool = db::connect(&DatabaseSettings {
        url: db_url.to_owned(),
        max_connections: 1,
        busy_timeout_ms: 5000,
    })
    .await
    .expect("open");
    let mut rng = Lcg(7);
    let mut tx = pool.begin().await.expect("tx");
    for m in 0..MEMBERS {
        let owner = (FIRST_MEMBER + m) as i64;
        sqlx::query("INSERT INTO members (user_id, created_at, updated_at) VALUES (?, 0, 0)")
            .bind(owner)
            .execute(&mut *tx)
            .await
            .expect("member");
        for c in 0..CONTACTS_PER_MEMBER {
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
    let seeded_in = seed(&db_url).await;
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
