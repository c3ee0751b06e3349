//! Store functions against a real SQLite file, each with its outcome checked.

use chrono::Duration;
use emig_bot::db;
use emig_bot::domain::{ChannelId, GuildId, RoleId, Stage, TimeZone, UserId};
use emig_bot::settings::DatabaseSettings;
use emig_bot::store::{Store, StoreError};

use crate::support::bot::test_start;

const A: UserId = UserId(1);
const B: UserId = UserId(2);
const G1: GuildId = GuildId(10);
const G2: GuildId = GuildId(20);

/// A store on a fresh database of the engine the suite runs on.
pub async fn store() -> (Store, tempfile::TempDir) {
    if crate::support::db::postgres_server().is_some() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = crate::support::db::fresh_url(dir.path()).await;
        let pool = db::connect(&DatabaseSettings {
            url,
            max_connections: 2,
            busy_timeout_ms: 1000,
        })
        .await
        .expect("open + migrate");
        return (Store::new(pool), dir);
    }
    sqlite_store().await
}

/// A store on a fresh SQLite file, for the tests about SQLite itself.
pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = DatabaseSettings {
        // A folder that does not exist yet: it is created.
        url: format!(
            "sqlite://{}",
            dir.path().join("nested/data/emig.db").display()
        ),
        max_connections: 2,
        busy_timeout_ms: 1000,
    };
    let pool = db::connect(&settings).await.expect("open + migrate");
    (Store::new(pool), dir)
}

fn zone(name: &str) -> TimeZone {
    TimeZone::parse(name).expect("zone")
}

#[tokio::test]
async fn an_unknown_member_has_the_defaults() {
    let (store, _dir) = store().await;
    let m = store.member(A).await.expect("read");
    assert_eq!(m.user_id, A);
    assert_eq!(m.timezone, None);
    assert_eq!(m.stage, None);
    assert!(m.dms.enabled);
    assert_eq!(m.dms.hour, 9);
}

#[tokio::test]
async fn timezone_and_stage_are_set_per_member() {
    let (store, _dir) = store().await;
    let now = test_start();
    store
        .set_timezone(A, zone("Europe/Berlin"), now)
        .await
        .expect("write");
    store.set_stage(A, Stage::Pgy2, now).await.expect("write");
    store
        .set_timezone(A, zone("Asia/Tokyo"), now)
        .await
        .expect("overwrite");
    let a = store.member(A).await.expect("read");
    assert_eq!(a.timezone, Some(zone("Asia/Tokyo")));
    assert_eq!(a.stage, Some(Stage::Pgy2));
    assert_eq!(store.member(B).await.expect("read").timezone, None);
}

#[tokio::test]
async fn presence_records_chapters_once_each() {
    let (store, _dir) = store().await;
    let now = test_start();
    store
        .record_presence(A, Some(G2), now)
        .await
        .expect("write");
    store
        .record_presence(A, Some(G1), now + Duration::hours(1))
        .await
        .expect("write");
    store
        .record_presence(A, Some(G2), now + Duration::hours(2))
        .await
        .expect("again");
    store.record_presence(A, None, now).await.expect("a DM");
    store
        .record_presence(B, Some(G1), now)
        .await
        .expect("write");
    assert_eq!(store.chapters_of(A).await.expect("read"), vec![G2, G1]);
    assert_eq!(store.chapters_of(B).await.expect("read"), vec![G1]);
    let g1 = store.chapter(G1).await.expect("read").expect("exists");
    assert_eq!(g1.member_count, 2);
    assert!(!g1.is_configured());
}

#[tokio::test]
async fn configuring_a_chapter_overwrites_its_settings() {
    let (store, _dir) = store().await;
    let now = test_start();
    assert_eq!(store.chapter(G1).await.expect("read"), None);
    store
        .configure_chapter(
            G1,
            RoleId(5),
            ChannelId(6),
            Some(TimeZone::parse("America/Chicago").expect("zone")),
            A,
            now,
        )
        .await
        .expect("write");
    store
        .configure_chapter(
            G1,
            RoleId(7),
            ChannelId(8),
            None,
            B,
            now + Duration::days(1),
        )
        .await
        .expect("write");
    let c = store.chapter(G1).await.expect("read").expect("exists");
    assert_eq!(c.officer_role, Some(RoleId(7)));
    assert_eq!(c.fallback_channel, Some(ChannelId(8)));
    assert_eq!(c.configured_by, Some(B));
    assert_eq!(c.configured_at, Some(now + Duration::days(1)));
    // A setup without a zone keeps the one chosen before.
    assert_eq!(
        c.timezone.map(|z| z.to_string()),
        Some("America/Chicago".to_owned())
    );
    assert_eq!(store.chapter(G2).await.expect("read"), None);
}

#[tokio::test]
async fn deleting_a_member_erases_their_chapter_memberships_only() {
    let (store, _dir) = store().await;
    let now = test_start();
    store
        .record_presence(A, Some(G1), now)
        .await
        .expect("write");
    store
        .record_presence(B, Some(G1), now)
        .await
        .expect("write");
    store
        .set_timezone(A, zone("Europe/Berlin"), now)
        .await
        .expect("write");
    assert!(store
        .delete_member(A, &[], chrono::Utc::now())
        .await
        .expect("delete"));
    assert!(!store
        .delete_member(A, &[], chrono::Utc::now())
        .await
        .expect("nothing left"));
    assert_eq!(store.member(A).await.expect("read").timezone, None);
    assert!(store.chapters_of(A).await.expect("read").is_empty());
    assert_eq!(store.chapters_of(B).await.expect("read"), vec![G1]);
    assert_eq!(
        store
            .chapter(G1)
            .await
            .expect("read")
            .expect("kept")
            .member_count,
        1
    );
}

#[tokio::test]
async fn an_unreadable_stored_value_is_an_error_not_a_guess() {
    let (store, _dir) = store().await;
    crate::on_pool!(store.pool(), |c| sqlx::query(
        "INSERT INTO members (user_id, stage, created_at, updated_at) VALUES (1, 'm9', 0, 0)",
    )
    .execute(c)
    .await
    .map(|_| ()))
    .expect("raw insert");
    let err = store.member(A).await.expect_err("corrupt stage");
    assert!(
        matches!(err, StoreError::Corrupt { what: "stage", .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn sqlite_uses_wal_and_enforces_foreign_keys() {
    let (store, _dir) = sqlite_store().await;
    let (mode,): (String,) = sqlx::query_as("PRAGMA journal_mode")
        .fetch_one(store.pool().as_sqlite().expect("SQLite"))
        .await
        .expect("pragma");
    assert_eq!(mode, "wal");
    let orphan = sqlx::query(
        "INSERT INTO chapter_members (guild_id, user_id, first_seen_at, last_seen_at) VALUES (99, 99, 0, 0)",
    )
    .execute(store.pool().as_sqlite().expect("SQLite"))
    .await;
    assert!(
        orphan.is_err(),
        "a membership without member and chapter is refused"
    );
}

#[tokio::test]
async fn presence_is_written_once_an_hour_yet_rows_removed_since_are_written_again() {
    let (store, _dir) = store().await;
    let last_seen = |store: &Store| {
        let pool = store.pool().clone();
        async move {
            crate::on_pool!(&pool, |c| sqlx::query_scalar::<_, i64>(
                "SELECT last_seen_at FROM chapter_members WHERE guild_id = 10 AND user_id = 1",
            )
            .fetch_optional(c)
            .await)
            .expect("read")
        }
    };
    let t0 = test_start();
    store.record_presence(A, Some(G1), t0).await.expect("first");
    let first = last_seen(&store).await.expect("written");
    store
        .record_presence(A, Some(G1), t0 + Duration::minutes(30))
        .await
        .expect("again");
    assert_eq!(
        last_seen(&store).await,
        Some(first),
        "no write within the hour"
    );
    store
        .record_presence(A, Some(G1), t0 + Duration::minutes(61))
        .await
        .expect("later");
    assert_eq!(
        last_seen(&store).await,
        Some(first + 61 * 60),
        "refreshed after the hour"
    );
    // Erased meanwhile: the next command within the hour writes the member again.
    store
        .delete_member(A, &[], t0 + Duration::minutes(62))
        .await
        .expect("erase");
    assert_eq!(last_seen(&store).await, None);
    store
        .record_presence(A, Some(G1), t0 + Duration::minutes(63))
        .await
        .expect("back");
    assert!(last_seen(&store).await.is_some());
    assert!(store
        .add_contact(
            A,
            &emig_bot::domain::contact::NewContact::named(
                emig_bot::domain::contact::ContactName::parse("Dr. Back").expect("name"),
                t0.date_naive(),
            ),
            t0,
        )
        .await
        .is_ok());
}

#[tokio::test]
async fn sqlite_post_ids_are_never_reused_and_their_rebuild_keeps_every_row() {
    use sqlx::sqlite::SqliteConnectOptions;
    use std::str::FromStr;
    // The database as it was before the rebuild: every migration up to it.
    let dir = tempfile::tempdir().expect("temp dir");
    let before = dir.path().join("migrations");
    std::fs::create_dir(&before).expect("folder");
    for entry in
        std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite")).expect("ls")
    {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if name.as_str() < "20261130000013" {
            std::fs::copy(&path, before.join(&name)).expect("copy");
        }
    }
    let url = format!("sqlite://{}", dir.path().join("old.db").display());
    let options = SqliteConnectOptions::from_str(&url)
        .expect("url")
        .create_if_missing(true)
        .foreign_keys(true);
    let pool = sqlx::SqlitePool::connect_with(options).await.expect("open");
    sqlx::migrate::Migrator::new(before.as_path())
        .await
        .expect("migrations")
        .run(&pool)
        .await
        .expect("old schema");
    for sql in [
        "INSERT INTO members (user_id, created_at, updated_at) VALUES (1, 0, 0), (5, 0, 0)",
        "INSERT INTO stories (id, owner_id, version, who, why_em, interest, hope, created_at)
         VALUES (1, 1, 1, 'w', 'y', 'i', 'h', 0)",
        "INSERT INTO story_shares (id, story_id, owner_id, guild_id, channel_id, shared_at)
         VALUES (1, 1, 1, 10, 20, 0), (2, 1, 1, 10, 20, 0)",
        "INSERT INTO story_feedback (story_id, share_id, rater_id, clear, specific, on_time, created_at)
         VALUES (1, 2, 5, 'yes', 'yes', 'yes', 0)",
    ] {
        sqlx::query(sql).execute(&pool).await.expect(sql);
    }
    pool.close().await;

    // Opened by the bot: the rebuild runs, and every row is kept.
    let pool = db::connect(&DatabaseSettings {
        url,
        max_connections: 1,
        busy_timeout_ms: 1000,
    })
    .await
    .expect("migrated")
    .as_sqlite()
    .expect("SQLite")
    .clone();
    let count = |sql: &'static str| {
        let pool = pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>(sql)
                .fetch_one(&pool)
                .await
                .expect(sql)
        }
    };
    assert_eq!(count("SELECT COUNT(*) FROM story_shares").await, 2);
    assert_eq!(
        count("SELECT COUNT(*) FROM story_feedback WHERE share_id = 2").await,
        1
    );
    // The largest id erased: the next share gets a new one, never 2 again; and the feedback
    // still cascades with its share.
    sqlx::query("DELETE FROM story_shares WHERE id = 2")
        .execute(&pool)
        .await
        .expect("erase");
    assert_eq!(count("SELECT COUNT(*) FROM story_feedback").await, 0);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO story_shares (story_id, owner_id, guild_id, channel_id, shared_at)
         VALUES (1, 1, 10, 20, 0) RETURNING id",
    )
    .fetch_one(&pool)
    .await
    .expect("share");
    assert_eq!(id, 3);
    assert_eq!(
        count(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'conference_posts'
               AND sql LIKE '%AUTOINCREMENT%'"
        )
        .await,
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM pragma_foreign_key_check").await,
        0
    );
}

/// Two processes (two pools on one database) claim due nudges at the same moment, each in a
/// loop as the scheduler does: every nudge ends up in exactly one digest. On PostgreSQL this
/// is the `FOR UPDATE SKIP LOCKED` claim with its re-checked state; on SQLite, the one writer.
#[tokio::test]
async fn two_processes_claiming_at_once_claim_every_nudge_exactly_once() {
    use emig_bot::store::{Claim, Lease};
    let dir = tempfile::tempdir().expect("temp dir");
    let url = crate::support::db::fresh_url(dir.path()).await;
    let due =
        crate::support::seed::due_follow_ups(&url, 500_000_000_000_000_000, 40, 400, true).await;
    let open = || async {
        Store::new(
            db::connect(&DatabaseSettings {
                url: url.clone(),
                max_connections: 4,
                busy_timeout_ms: 5000,
            })
            .await
            .expect("open"),
        )
    };
    let now = chrono::Utc::now();
    let claim_all = |store: Store, name: &'static str| {
        tokio::spawn(async move {
            let mut claimed = Vec::new();
            loop {
                let members = store.members_with_due_nudges(now, 8).await.expect("due");
                if members.is_empty() {
                    return claimed;
                }
                let claims: Vec<Claim> = members
                    .iter()
                    .map(|m| Claim {
                        owner: m.user,
                        roll_over_to: now + Duration::days(1),
                    })
                    .collect();
                let lease = Lease {
                    owner: name,
                    until: now + Duration::minutes(2),
                };
                for digest in store
                    .claim_digests(&claims, now, &lease, 50)
                    .await
                    .expect("claim")
                {
                    claimed.extend(digest.nudges.iter().map(|n| n.subject_id));
                }
            }
        })
    };
    let a = claim_all(open().await, "process-a");
    let b = claim_all(open().await, "process-b");
    let (a, b) = (a.await.expect("a"), b.await.expect("b"));
    let mut all: Vec<i64> = a.iter().chain(b.iter()).copied().collect();
    all.sort_unstable();
    let claimed_twice = all.windows(2).filter(|w| w[0] == w[1]).count();
    assert_eq!(claimed_twice, 0, "a: {} b: {}", a.len(), b.len());
    let mut expected = due.clone();
    expected.sort_unstable();
    assert_eq!(all, expected, "every due nudge claimed");
}

/// One member's units of work run one after another on any engine: while one is open (here
/// a bare locked unit of work, as every member action begins), the member's next action
/// waits, and runs once the first ends. (On SQLite every write unit runs alone; on
/// PostgreSQL the member's advisory lock does it.)
#[tokio::test]
async fn a_members_actions_run_one_after_another() {
    use emig_bot::actions::Actions;
    use emig_bot::domain::contact::{ContactName, NewContact};
    let (store, _dir) = store().await;
    let actions = Actions {
        store: store.clone(),
        clock: std::sync::Arc::new(emig_bot::clock::ManualClock::new(test_start())),
        wake: std::sync::Arc::new(tokio::sync::Notify::new()),
        default_timezone: zone("America/New_York"),
    };
    store
        .record_presence(A, None, test_start())
        .await
        .expect("member");
    let first = store.begin_locked(A.0).await.expect("first unit");
    let today = test_start().date_naive();
    let mut second = tokio::spawn({
        let actions = actions.clone();
        async move {
            actions
                .add_contact(
                    A,
                    NewContact::named(ContactName::parse("Dr. Waits").expect("name"), today),
                    today,
                )
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        }
    });
    // Still waiting a good while later: it cannot have run beside the first.
    let waited = tokio::time::timeout(std::time::Duration::from_millis(300), &mut second).await;
    assert!(waited.is_err(), "the second action ran beside the first");
    drop(first);
    second.await.expect("task").expect("then it runs");
    assert_eq!(
        store
            .contacts_named(A, "Dr. Waits")
            .await
            .expect("read")
            .len(),
        1
    );
}

/// On PostgreSQL a claim passes over a member whose action is under way (it would otherwise
/// split the member's nudges over two digests, or miss a follow-up being added), and takes
/// them on the next run. Runs on the PostgreSQL pass only.
#[tokio::test]
async fn postgres_a_claim_passes_over_a_member_whose_action_is_under_way() {
    use emig_bot::store::Lease;
    if crate::support::db::postgres_server().is_none() {
        eprintln!("no PostgreSQL server (EMIG_TEST_DATABASE_URL): the PostgreSQL pass runs this");
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let url = crate::support::db::fresh_url(dir.path()).await;
    let owner = 520_000_000_000_000_000;
    crate::support::seed::due_follow_ups(&url, owner, 1, 3, true).await;
    let store = Store::new(
        db::connect(&DatabaseSettings {
            url,
            max_connections: 4,
            busy_timeout_ms: 5000,
        })
        .await
        .expect("open"),
    );
    let now = chrono::Utc::now();
    let lease = Lease {
        owner: "bench",
        until: now + Duration::minutes(2),
    };
    let busy = store.begin_locked(owner).await.expect("an action");
    let passed = store
        .claim_digest(UserId(owner), now, &lease, 50, now + Duration::days(1))
        .await
        .expect("claim");
    assert!(passed.is_none(), "claimed beside the member's action");
    drop(busy);
    let taken = store
        .claim_digest(UserId(owner), now, &lease, 50, now + Duration::days(1))
        .await
        .expect("claim")
        .expect("claimed once the action ended");
    assert_eq!(taken.nudges.len(), 3);
}

/// A pool of its own on `url`, as another process would have.
async fn open_pool(url: &str) -> db::Pool {
    db::connect(&DatabaseSettings {
        url: url.to_owned(),
        max_connections: 2,
        busy_timeout_ms: 1000,
    })
    .await
    .expect("open")
}

/// A process's memory of a presence stays true: its own erasure and its own removal from a
/// server forget it; a process sharing the database with others checks it, since another may
/// have erased the member.
#[tokio::test]
async fn a_remembered_presence_is_forgotten_with_what_it_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = crate::support::db::fresh_url(dir.path()).await;
    let alone = Store::new(open_pool(&url).await);
    let db = crate::support::db::Db::open(&url).await;
    let membership = "SELECT COUNT(*) FROM chapter_members WHERE guild_id = 10 AND user_id = 1";
    let t0 = test_start();
    alone.record_presence(A, Some(G1), t0).await.expect("first");
    assert_eq!(db.scalar(membership).await, 1);
    // Removed from the server: the next command within the hour writes it again.
    alone.forget_guild(G1, t0).await.expect("forget");
    assert_eq!(db.scalar(membership).await, 0);
    alone
        .record_presence(A, Some(G1), t0 + Duration::minutes(5))
        .await
        .expect("again");
    assert_eq!(db.scalar(membership).await, 1);

    // Another process erases the member: one that knows it shares the database notices.
    let shared = Store::new(open_pool(&url).await).shared_with_other_processes();
    shared.record_presence(B, Some(G1), t0).await.expect("b");
    alone
        .delete_member(B, &[], t0 + Duration::minutes(1))
        .await
        .expect("erased elsewhere");
    shared
        .record_presence(B, Some(G1), t0 + Duration::minutes(2))
        .await
        .expect("b again");
    assert_eq!(
        db.scalar("SELECT COUNT(*) FROM chapter_members WHERE guild_id = 10 AND user_id = 2")
            .await,
        1
    );
    db.close().await;
}

#[tokio::test]
async fn a_member_remembered_with_no_notice_waiting_is_read_again_once_one_may_wait() {
    let dir = tempfile::tempdir().expect("temp dir");
    let url = crate::support::db::fresh_url(dir.path()).await;
    let alone = Store::new(open_pool(&url).await);
    let db = crate::support::db::Db::open(&url).await;
    let t0 = test_start();
    alone.record_presence(A, Some(G1), t0).await.expect("first");
    // No time zone set: the zone notice waits, is taken once, then nothing waits.
    assert!(alone.notices_may_wait(A).await.expect("read"));
    assert!(alone.take_zone_notice(A, t0).await.expect("take"));
    assert!(!alone.notices_may_wait(A).await.expect("read"));
    assert!(!alone.notices_may_wait(A).await.expect("remembered"));

    // Erased, then back: a new member, told again.
    alone
        .delete_member(A, &[], t0 + Duration::minutes(1))
        .await
        .expect("erase");
    alone
        .record_presence(A, Some(G1), t0 + Duration::minutes(2))
        .await
        .expect("back");
    assert!(alone.notices_may_wait(A).await.expect("read after erasure"));

    // A process sharing the database never trusts its memory: another one may set a notice.
    let shared = Store::new(open_pool(&url).await).shared_with_other_processes();
    shared.record_presence(B, Some(G1), t0).await.expect("b");
    assert!(shared.take_zone_notice(B, t0).await.expect("take"));
    assert!(!shared.notices_may_wait(B).await.expect("read"));
    db.execute("UPDATE members SET dms_closed_notice = TRUE WHERE user_id = 2")
        .await;
    assert!(shared.notices_may_wait(B).await.expect("set elsewhere"));
    db.close().await;
}

/// On SQLite, statements run on their own share one kept connection however quickly they
/// follow each other (a pooled connection goes back only after another trip to its thread,
/// so a statement right after it opened another connection): the pool stays empty through
/// a run of reads and single-statement writes, reads at the same time all answer, and a
/// clean close leaves every write in the main file.
#[tokio::test]
async fn lone_sqlite_statements_share_one_kept_connection() {
    let (store, dir) = sqlite_store().await;
    let pool = store.pool().as_sqlite().expect("SQLite").clone();
    let now = test_start();
    for i in 0..100 {
        let name = if i % 2 == 0 {
            "Europe/Berlin"
        } else {
            "Asia/Tokyo"
        };
        store.set_timezone(A, zone(name), now).await.expect("set");
        assert_eq!(
            store.member(A).await.expect("member").timezone,
            Some(zone(name))
        );
        store.overview(A).await.expect("overview");
    }
    assert_eq!(pool.size(), 0, "no pooled connection was opened");
    // Many at once: one gets the kept connection, the rest the pool; all answer.
    let reads = futures_util::future::join_all((0..20).map(|_| store.member(A))).await;
    assert!(reads.iter().all(|r| r
        .as_ref()
        .is_ok_and(|m| m.timezone == Some(zone("Asia/Tokyo")))));
    store.close().await;
    let wal = dir.path().join("nested/data/emig.db-wal");
    assert!(std::fs::metadata(&wal).map_or(true, |m| m.len() == 0));
}

/// The hottest reads (a member's row, `/me show`'s overview) are answered on the calling
/// thread by a read-only connection of the store's own: they see every committed write at
/// once, agree with the same reads through sqlx, keep one member's data to that member, and
/// a write left open elsewhere neither shows in them nor makes them wait (a read here never
/// waits: it would have gone through the pool, and not counted as answered here).
#[tokio::test]
async fn hot_reads_answered_on_the_calling_thread_see_every_committed_write() {
    use emig_bot::domain::contact::{ContactName, NewContact};
    let (store, _dir) = sqlite_store().await;
    let db::Pool::Sqlite(sqlite) = store.pool().clone() else {
        panic!("SQLite");
    };
    // The same database read only through sqlx.
    let plain = db::SqliteDb::new(sqlite.pool().clone(), false);
    let through_sqlx = Store::new(db::Pool::Sqlite(plain.clone()));
    let now = test_start();
    let answered = sqlite.reads_answered_here();
    assert_eq!(store.member(A).await.expect("member").timezone, None);
    assert_eq!(store.overview(A).await.expect("overview").contacts, 0);
    assert_eq!(sqlite.reads_answered_here(), answered + 2);

    store
        .set_timezone(A, zone("Asia/Tokyo"), now)
        .await
        .expect("zone");
    store.set_stage(A, Stage::M3, now).await.expect("stage");
    store.set_nudge_hour(A, 7, now).await.expect("hour");
    store
        .set_match_day(A, now.date_naive() + Duration::days(90), now)
        .await
        .expect("match day");
    store.record_presence(A, Some(G1), now).await.expect("seen");
    for name in ["Dr. One", "Dr. Two"] {
        store
            .add_contact(
                A,
                &NewContact::named(ContactName::parse(name).expect("name"), now.date_naive()),
                now,
            )
            .await
            .expect("contact");
    }
    store
        .set_timezone(B, zone("Europe/Berlin"), now)
        .await
        .expect("B");
    let answered = sqlite.reads_answered_here();
    let mine = store.overview(A).await.expect("overview");
    assert_eq!(mine.member.timezone, Some(zone("Asia/Tokyo")));
    assert_eq!(mine.member.stage, Some(Stage::M3));
    assert_eq!(mine.member.dms.hour, 7);
    assert_eq!(mine.match_day, Some(now.date_naive() + Duration::days(90)));
    assert_eq!((mine.contacts, mine.chapters), (2, 1));
    assert_eq!(mine, through_sqlx.overview(A).await.expect("through sqlx"));
    let theirs = store.overview(B).await.expect("B's overview");
    assert_eq!((theirs.contacts, theirs.chapters), (0, 0));
    assert_eq!(theirs.member.timezone, Some(zone("Europe/Berlin")));
    assert_eq!(
        theirs,
        through_sqlx.overview(B).await.expect("through sqlx")
    );
    assert_eq!(
        store.member(A).await.expect("member"),
        through_sqlx.member(A).await.expect("through sqlx")
    );
    assert_eq!(sqlite.reads_answered_here(), answered + 3);
    assert_eq!(plain.reads_answered_here(), 0);

    // A write transaction open elsewhere: the read answers at once, with what is committed.
    let mut open = sqlite.pool().begin().await.expect("begin");
    sqlx::query("UPDATE members SET nudge_hour = 9 WHERE user_id = $1")
        .bind(1_i64)
        .execute(&mut *open)
        .await
        .expect("uncommitted");
    let answered = sqlite.reads_answered_here();
    assert_eq!(store.member(A).await.expect("member").dms.hour, 7);
    assert_eq!(sqlite.reads_answered_here(), answered + 1);
    open.commit().await.expect("commit");
    assert_eq!(store.member(A).await.expect("member").dms.hour, 9);
    assert_eq!(
        store.overview(A).await.expect("overview").member.dms.hour,
        9
    );
}
