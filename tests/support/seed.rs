//! Data seeded straight into a database file, for tests and benches that run the binary.

use emig_bot::domain::cadence;
use emig_bot::domain::contact::{ContactName, MetKind, NewContact};
use emig_bot::domain::UserId;
use emig_bot::settings::DatabaseSettings;
use emig_bot::store::Store;

/// `total` follow-ups due an hour ago (real time: the binary uses the system clock), spread
/// as evenly as may be over `members` members numbered from `first_member`, each met at a
/// conference. With `known_dm_channels`, every member's DM channel is cached (a DM is then
/// one request). Returns the follow-up ids.
pub async fn due_follow_ups(
    db_url: &str,
    first_member: u64,
    members: u64,
    total: u64,
    known_dm_channels: bool,
) -> Vec<i64> {
    let pool = emig_bot::db::connect(&DatabaseSettings {
        url: db_url.to_owned(),
        max_connections: 1,
        busy_timeout_ms: 5000,
    })
    .await
    .expect("open");
    let store = Store::new(pool);
    let now = chrono::Utc::now();
    let mut ids = Vec::new();
    for n in 0..total {
        let owner = UserId(first_member + n % members);
        if n < members {
            store
                .record_presence(owner, None, now)
                .await
                .expect("member");
            if known_dm_channels {
                store
                    .cache_dm_channel(owner, 700_000_000_000_000_000 + n)
                    .await
                    .expect("dm channel");
            }
        }
        let mut new = NewContact::named(
            ContactName::parse(&format!("Due Contact {n}")).expect("name"),
            now.date_naive(),
        );
        new.met.kind = Some(MetKind::Conference);
        let c = store.add_contact(owner, &new, now).await.expect("contact");
        let f = store
            .schedule_follow_up(
                owner,
                c.id,
                &cadence::custom(now.date_naive()),
                now - chrono::Duration::hours(1),
                now,
            )
            .await
            .expect("schedule")
            .expect("owned");
        ids.push(f.id);
    }
    store.close().await;
    ids
}
