//! The nudge loop with a manual clock and a recording `Deliver`: timing, digests, failures,
//! crash recovery. No sleeps: the clock is moved and `run_once` called.

use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use emig_bot::clock::{Clock, ManualClock};
use emig_bot::domain::cadence::{self, QuietHours, DIGEST_SIZE};
use emig_bot::domain::contact::{ContactId, ContactName, MetKind, NewContact};
use emig_bot::domain::{TimeZone, UserId};
use emig_bot::scheduler::{DeliverError, Scheduler, SchedulerSettings};
use emig_bot::store::{Lease, Outcome, Store};

use crate::store::store;
use crate::support::deliver::{RecordingDeliver, Scripted};

const A: UserId = UserId(1);
const B: UserId = UserId(2);

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).expect("date")
}

fn new_york() -> TimeZone {
    TimeZone::parse("America/New_York").expect("zone")
}

struct Harness {
    store: Store,
    clock: Arc<ManualClock>,
    deliver: Arc<RecordingDeliver>,
    scheduler: Scheduler,
    _dir: tempfile::TempDir,
}

fn scheduler_on(
    store: &Store,
    clock: &Arc<ManualClock>,
    deliver: &Arc<RecordingDeliver>,
) -> Scheduler {
    Scheduler::new(
        store.clone(),
        clock.clone(),
        deliver.clone(),
        SchedulerSettings {
            quiet_hours: QuietHours { start: 21, end: 8 },
            default_timezone: new_york(),
            lease: Duration::seconds(120),
            max_sleep: Duration::seconds(60),
            members_per_run: 100,
            retry_base: chrono::Duration::minutes(1),
        },
        Arc::new(tokio::sync::Notify::new()),
    )
}

async fn harness() -> Harness {
    let (store, dir) = store().await;
    let clock = Arc::new(ManualClock::new(utc("2026-11-20T15:00:00Z")));
    let deliver = Arc::new(RecordingDeliver::default());
    let scheduler = scheduler_on(&store, &clock, &deliver);
    Harness {
        store,
        clock,
        deliver,
        scheduler,
        _dir: dir,
    }
}

impl Harness {
    /// A contact met at a conference on `met_on`, with its first follow-up scheduled at
    /// 09:00 New York time on day 3.
    async fn met_at_conference(
        &self,
        owner: UserId,
        name: &str,
        met_on: NaiveDate,
    ) -> (ContactId, i64) {
        self.store
            .record_presence(owner, None, self.clock.now())
            .await
            .expect("member");
        let mut new = NewContact::named(ContactName::parse(name).expect("name"), met_on);
        new.met.kind = Some(MetKind::Conference);
        let c = self
            .store
            .add_contact(owner, &new, self.clock.now())
            .await
            .expect("contact");
        let rhythm = cadence::ContactRhythm {
            met_kind: c.met.kind,
            met_on,
            rotation_ends_on: None,
            conference_ends_on: None,
            relationship: None,
        };
        let planned = cadence::first_follow_up(&rhythm).expect("planned");
        let due = cadence::nudge_at(&planned.window, 9, new_york());
        let f = self
            .store
            .schedule_follow_up(owner, c.id, &planned, due, self.clock.now())
            .await
            .expect("schedule")
            .expect("owned");
        (c.id, f.id)
    }

    /// A digest claimed by a process that then died, before it sent anything.
    async fn claimed_by_a_dead_process(&self, owner: UserId) -> emig_bot::domain::cadence::Digest {
        self.store
            .claim_digest(
                owner,
                self.clock.now(),
                &Lease {
                    owner: "a-process-that-died",
                    until: self.clock.now() + Duration::seconds(120),
                },
                DIGEST_SIZE,
                self.clock.now() + Duration::days(1),
            )
            .await
            .expect("claim")
            .expect("due")
    }

    fn sent_follow_ups(&self) -> Vec<i64> {
        self.deliver
            .attempts()
            .iter()
            .flat_map(|d| d.nudges.iter().map(|n| n.subject_id))
            .collect()
    }
}

#[tokio::test]
async fn a_conference_contact_is_nudged_on_day_three_at_nine_local_and_only_once() {
    let h = harness().await;
    let (_, follow_up) = h.met_at_conference(A, "Ana", day(11, 20)).await;
    // 08:59 New York on 23 Nov: not yet.
    h.clock.set(utc("2026-11-23T13:59:00Z"));
    assert_eq!(h.scheduler.run_once().await.expect("run").nudges_sent, 0);
    assert!(h.deliver.attempts().is_empty());
    // 09:00 New York.
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    let run = h.scheduler.run_once().await.expect("run");
    assert_eq!((run.digests_sent, run.nudges_sent), (1, 1));
    assert_eq!(h.sent_follow_ups(), vec![follow_up]);
    // Never repeated.
    h.clock.advance(Duration::hours(1));
    assert_eq!(h.scheduler.run_once().await.expect("run").nudges_sent, 0);
    assert_eq!(h.deliver.attempts().len(), 1);
    let history = h.store.delivery_history(A, 10).await.expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].outcome, Outcome::Sent);
}

#[tokio::test]
async fn many_due_make_digests_of_five_and_the_rest_roll_to_the_next_day() {
    let h = harness().await;
    for i in 0..12 {
        h.met_at_conference(A, &format!("Person {i:02}"), day(11, 20))
            .await;
    }
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    let first = h.deliver.attempts();
    assert_eq!(first.len(), 1, "one DM, not twelve");
    assert_eq!(first[0].nudges.len(), DIGEST_SIZE as usize);
    assert_eq!(first[0].more, 7);
    // Later that day: nothing more.
    h.clock.set(utc("2026-11-23T20:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 1);
    // Next day at 09:00: the next five, then the last two the day after.
    h.clock.set(utc("2026-11-24T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    h.clock.set(utc("2026-11-25T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    let sizes: Vec<usize> = h
        .deliver
        .attempts()
        .iter()
        .map(|d| d.nudges.len())
        .collect();
    assert_eq!(sizes, vec![5, 5, 2]);
    let mut all = h.sent_follow_ups();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), 12, "each nudge exactly once");
}

#[tokio::test]
async fn each_member_gets_their_own_digest() {
    let h = harness().await;
    h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.met_at_conference(B, "Bo", day(11, 20)).await;
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    let mut owners: Vec<u64> = h.deliver.attempts().iter().map(|d| d.owner.get()).collect();
    owners.sort_unstable();
    assert_eq!(owners, vec![1, 2]);
    assert!(h.deliver.attempts().iter().all(|d| d.nudges.len() == 1));
}

#[tokio::test]
async fn nudges_due_while_down_wait_out_quiet_hours() {
    let h = harness().await;
    h.met_at_conference(A, "Ana", day(11, 20)).await;
    // The bot was down at 09:00 and is back at 23:00 New York: quiet hours.
    h.clock.set(utc("2026-11-24T04:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    assert!(h.deliver.attempts().is_empty());
    // Quiet hours end at 08:00, but the nudge waits for the member's delivery hour.
    h.clock.set(utc("2026-11-24T13:30:00Z"));
    h.scheduler.run_once().await.expect("run");
    assert!(h.deliver.attempts().is_empty());
    h.clock.set(utc("2026-11-24T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 1, "at 09:00 the next morning");
}

#[tokio::test]
async fn paused_members_get_nothing_until_they_resume() {
    let h = harness().await;
    h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.store
        .set_dms_enabled(A, false, h.clock.now())
        .await
        .expect("pause");
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    assert!(h.deliver.attempts().is_empty());
    h.store
        .set_dms_enabled(A, true, h.clock.now())
        .await
        .expect("resume");
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 1);
}

#[tokio::test]
async fn closed_dms_pause_the_member_without_retrying_until_a_test_dm_works() {
    let h = harness().await;
    let (_, follow_up) = h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.deliver.fail_next(DeliverError::DmsClosed);
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    let run = h.scheduler.run_once().await.expect("run");
    assert_eq!(run.not_sent, 1);
    assert!(h.store.dms_closed(A).await.expect("read"));
    // No retry storm: later runs do not try again.
    for _ in 0..3 {
        h.clock.advance(Duration::hours(2));
        h.scheduler.run_once().await.expect("run");
    }
    assert_eq!(h.deliver.attempts().len(), 1);
    assert_eq!(
        *h.deliver.told_dms_closed.lock().expect("lock"),
        vec![A],
        "told once"
    );
    // The nudge is kept, and told once.
    let pending = h.store.pending_follow_ups(A, None).await.expect("read");
    assert_eq!(
        pending.iter().map(|f| f.id).collect::<Vec<_>>(),
        vec![follow_up]
    );
    assert!(h.store.take_dms_closed_notice(A).await.expect("notice"));
    assert!(!h.store.take_dms_closed_notice(A).await.expect("only once"));
    // A successful test DM resumes delivery.
    h.store.dms_work_again(A).await.expect("reopen");
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 2);
    assert_eq!(h.sent_follow_ups(), vec![follow_up, follow_up]);
}

#[tokio::test]
async fn transient_failures_back_off_and_lose_nothing() {
    let h = harness().await;
    let (_, follow_up) = h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.deliver.fail_next(DeliverError::Transient("500".into()));
    h.deliver.fail_next(DeliverError::RateLimited);
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    // Backing off: one minute after the first failure, two after the second.
    h.clock.advance(Duration::seconds(30));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 1);
    h.clock.advance(Duration::seconds(31));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 2);
    h.clock.advance(Duration::minutes(2));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 3);
    h.clock.advance(Duration::hours(1));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(
        h.deliver.attempts().len(),
        3,
        "sent once it worked, never again"
    );
    let outcomes: Vec<Outcome> = h
        .store
        .delivery_history(A, 10)
        .await
        .expect("history")
        .into_iter()
        .map(|d| d.outcome)
        .collect();
    assert_eq!(
        outcomes,
        vec![Outcome::Sent, Outcome::RateLimited, Outcome::Failed]
    );
    assert!(
        h.store
            .follow_up(A, follow_up)
            .await
            .expect("read")
            .expect("pending")
            .nudged
    );
}

#[tokio::test]
async fn a_digest_claimed_before_a_crash_is_found_in_the_channel_not_sent_again() {
    let h = harness().await;
    h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    // The process claimed and sent, then died before recording.
    let claimed = h
        .store
        .claim_digest(
            A,
            h.clock.now(),
            &Lease {
                owner: "a-process-that-died",
                until: h.clock.now() + Duration::seconds(120),
            },
            DIGEST_SIZE,
            h.clock.now() + Duration::days(1),
        )
        .await
        .expect("claim")
        .expect("due");
    h.deliver
        .already_in_channel
        .lock()
        .expect("lock")
        .push(claimed.id);
    // Within the lease nothing happens: the first process may still be sending.
    h.clock.advance(Duration::seconds(60));
    h.scheduler.run_once().await.expect("run");
    assert!(h.deliver.finds.lock().expect("lock").is_empty());
    // After the lease: found, recorded, not sent again.
    h.clock.advance(Duration::seconds(61));
    let run = h.scheduler.run_once().await.expect("run");
    assert_eq!(run.recovered, 1);
    assert!(h.deliver.attempts().is_empty());
    assert_eq!(
        h.store.delivery_history(A, 5).await.expect("history")[0].outcome,
        Outcome::FoundAfterCrash
    );
    h.clock.advance(Duration::hours(1));
    h.scheduler.run_once().await.expect("run");
    assert!(h.deliver.attempts().is_empty());
}

#[tokio::test]
async fn a_digest_claimed_but_never_sent_is_sent_once_with_its_nonce() {
    let h = harness().await;
    let (_, follow_up) = h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    let claimed = h
        .store
        .claim_digest(
            A,
            h.clock.now(),
            &Lease {
                owner: "a-process-that-died",
                until: h.clock.now() + Duration::seconds(120),
            },
            DIGEST_SIZE,
            h.clock.now() + Duration::days(1),
        )
        .await
        .expect("claim")
        .expect("due");
    h.clock.advance(Duration::seconds(121));
    h.scheduler.run_once().await.expect("run");
    let attempts = h.deliver.attempts();
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        attempts[0].nonce, claimed.nonce,
        "the same nonce, so Discord dedupes"
    );
    assert_eq!(h.sent_follow_ups(), vec![follow_up]);
    h.clock.advance(Duration::hours(1));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 1);
}

#[tokio::test]
async fn snoozing_and_closing_follow_ups_move_or_stop_their_nudges() {
    let h = harness().await;
    let (_, follow_up) = h.met_at_conference(A, "Ana", day(11, 20)).await;
    let window = cadence::Window::new(day(11, 30), 2);
    let due = cadence::nudge_at(&window, 9, new_york());
    assert!(h
        .store
        .move_follow_up(A, follow_up, window, due, utc("2026-11-21T14:00:00Z"))
        .await
        .expect("snooze"));
    assert!(!h
        .store
        .move_follow_up(B, follow_up, window, due, utc("2026-11-21T14:00:00Z"))
        .await
        .expect("not B's"));
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    assert!(h.deliver.attempts().is_empty());
    h.clock.set(utc("2026-11-30T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 1);

    let (_, other) = h.met_at_conference(A, "Bo", day(12, 1)).await;
    assert!(!h
        .store
        .close_follow_up(B, other, true, h.clock.now())
        .await
        .expect("not B's"));
    assert!(h
        .store
        .close_follow_up(A, other, false, h.clock.now())
        .await
        .expect("off"));
    h.clock.set(utc("2026-12-04T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(
        h.deliver.attempts().len(),
        1,
        "a follow-up turned off is never nudged"
    );
}

#[tokio::test]
async fn a_send_lost_after_discord_created_the_dm_is_found_not_sent_again() {
    let h = harness().await;
    h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.deliver.script_next(Scripted::CreatedThenLost);
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    let first = h.scheduler.run_once().await.expect("run");
    assert_eq!(first.nudges_sent, 0, "the outcome is unknown");
    // Retried after the backoff: looked for first, found, recorded; never sent again.
    h.clock.advance(Duration::minutes(2));
    let second = h.scheduler.run_once().await.expect("run");
    assert_eq!((second.recovered, second.nudges_sent), (1, 1));
    assert_eq!(h.deliver.attempts().len(), 1);
    assert_eq!(h.deliver.messages().len(), 1, "one DM");
    h.clock.advance(Duration::hours(2));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 1);
    let outcomes: Vec<Outcome> = h
        .store
        .delivery_history(A, 10)
        .await
        .expect("history")
        .into_iter()
        .map(|d| d.outcome)
        .collect();
    assert_eq!(outcomes, vec![Outcome::FoundAfterCrash, Outcome::Failed]);
}

#[tokio::test]
async fn a_failing_lookup_never_resends_blind() {
    let h = harness().await;
    h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    let digest = h.claimed_by_a_dead_process(A).await;
    h.deliver
        .fail_next_find(DeliverError::Transient("Discord is down".into()));
    h.clock.advance(Duration::seconds(121));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.finds(), vec![digest.id]);
    assert!(
        h.deliver.attempts().is_empty(),
        "not knowing is no reason to send"
    );
    // Still unknown a moment later: nothing happens before the retry time.
    h.clock.advance(Duration::seconds(30));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.finds().len(), 1);
    // Then the lookup works and shows it absent: sent once, with its nonce.
    h.clock.advance(Duration::minutes(2));
    h.scheduler.run_once().await.expect("run");
    let attempts = h.deliver.attempts();
    assert_eq!(attempts.len(), 1);
    assert_eq!(attempts[0].nonce, digest.nonce);
    assert_eq!(h.deliver.messages(), vec![digest.id]);
}

#[tokio::test]
async fn two_schedulers_recovering_one_digest_send_one_dm() {
    let h = harness().await;
    h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    let digest = h.claimed_by_a_dead_process(A).await;
    let other = scheduler_on(&h.store, &h.clock, &h.deliver);
    h.clock.advance(Duration::seconds(121));
    let (mine, theirs) = tokio::join!(h.scheduler.run_once(), other.run_once());
    let (mine, theirs) = (mine.expect("run"), theirs.expect("run"));
    assert_eq!(mine.recovered + theirs.recovered, 1, "{mine:?} {theirs:?}");
    assert_eq!(h.deliver.finds(), vec![digest.id]);
    assert_eq!(h.deliver.attempts().len(), 1);
    assert_eq!(h.deliver.messages(), vec![digest.id]);
    // Later runs of both find nothing left to do.
    h.clock.advance(Duration::hours(1));
    h.scheduler.run_once().await.expect("run");
    other.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 1);
}

#[tokio::test]
async fn a_recovered_digest_waits_out_quiet_hours_and_a_pause() {
    let h = harness().await;
    h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    let digest = h.claimed_by_a_dead_process(A).await;
    // The process stayed dead until 02:00 New York: quiet hours.
    h.clock.set(utc("2026-11-24T07:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    assert!(h.deliver.finds().is_empty() && h.deliver.attempts().is_empty());
    // The member paused their nudges meanwhile: 09:00 comes and goes.
    h.store
        .set_dms_enabled(A, false, h.clock.now())
        .await
        .expect("pause");
    h.clock.set(utc("2026-11-24T14:00:00Z"));
    h.scheduler.run_once().await.expect("run");
    assert!(h.deliver.attempts().is_empty());
    // Resumed: looked for, absent, sent once.
    h.store
        .set_dms_enabled(A, true, h.clock.now())
        .await
        .expect("resume");
    h.clock.advance(Duration::minutes(2));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.finds(), vec![digest.id]);
    assert_eq!(h.deliver.messages(), vec![digest.id]);
}

#[tokio::test]
async fn nonces_never_repeat_even_when_an_erasure_frees_a_digest_id() {
    let h = harness().await;
    h.met_at_conference(A, "Ana", day(11, 20)).await;
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    let first = h.claimed_by_a_dead_process(A).await;
    assert!(first.nonce.len() <= 25, "{}", first.nonce);
    h.store
        .delete_member(A, &[], chrono::Utc::now())
        .await
        .expect("erase");
    h.met_at_conference(A, "Ana", day(11, 20)).await;
    let second = h.claimed_by_a_dead_process(A).await;
    // SQLite hands the freed id out again: only the nonce's random part keeps them apart.
    // (PostgreSQL's sequences never hand an id out twice.)
    if h.store.engine() == emig_bot::db::Engine::Sqlite {
        assert_eq!(second.id, first.id);
    }
    assert_ne!(second.nonce, first.nonce);
}

#[tokio::test]
async fn a_throwaway_kind_of_nudge_is_claimed_sent_and_recorded_once_like_a_follow_up() {
    // A kind no release knows: only this test schedules it. The claim, send and record path
    // carries it without knowing what it is about.
    const KIND: &str = "test-throwaway";
    let h = harness().await;
    let (_, follow_up) = h.met_at_conference(A, "Ana", day(11, 20)).await;
    let due = cadence::nudge_at(&cadence::Window::new(day(11, 23), 2), 9, new_york());
    let throwaway = h
        .store
        .schedule_nudge(
            A,
            KIND,
            4242,
            cadence::Window::new(day(11, 23), 2),
            due,
            h.clock.now(),
        )
        .await
        .expect("scheduled");
    h.clock.set(utc("2026-11-23T14:00:00Z"));
    let run = h.scheduler.run_once().await.expect("run");
    assert_eq!((run.digests_sent, run.nudges_sent), (1, 2));
    let digest = &h.deliver.attempts()[0];
    let subjects: Vec<(String, i64)> = digest
        .nudges
        .iter()
        .map(|n| (n.subject.clone(), n.subject_id))
        .collect();
    assert!(subjects.contains(&(KIND.to_owned(), 4242)), "{subjects:?}");
    assert!(subjects.contains(&("follow_up".to_owned(), follow_up)));
    assert!(digest.nudges.iter().any(|n| n.id == throwaway));
    // Once: later runs send nothing more.
    h.clock.advance(Duration::days(2));
    h.scheduler.run_once().await.expect("run");
    assert_eq!(h.deliver.attempts().len(), 1);
}
