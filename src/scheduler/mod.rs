//! The nudge loop: claims due nudges into per-member digests, delivers them through a
//! `Deliver`, and records the outcome. Time comes from a `Clock`, so tests move it instead of
//! waiting.
//!
//! The guarantee: a nudge is never dropped and never delivered twice.
//! - A digest is claimed and stored (with a nonce that never repeats) before it is sent, held
//!   by this process's lease; every record of its outcome is conditional on still holding it.
//! - Discord refusing it (closed DMs, a rate limit, another 4xx) means it does not exist: its
//!   nudges wait again.
//! - An unknown outcome (a timeout, a reset, a 5xx) keeps the digest, its nudges and its nonce;
//!   so does a crash. Once its lease or retry time has passed, one process takes it over,
//!   waits for the member's hour as any digest would, and looks for it in the member's DM
//!   channel: found, it is recorded; positively absent, it is sent again with its nonce; the
//!   lookup failing, it waits. Nothing is ever resent blind.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::domain::cadence::{deliverable_from, local_instant, Digest, QuietHours, DIGEST_SIZE};
use crate::domain::{DmPreferences, TimeZone, UserId};
use crate::store::{Claim, Delivered, DueMember, Lease, Outcome, PostToDelete, Store, StoreError};

/// Where a digest landed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sent {
    pub channel_id: u64,
    pub message_id: u64,
}

/// Why a digest did not go out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeliverError {
    /// Discord 403 / 50007: the member does not accept DMs from the bot.
    #[error("the member's DMs are closed")]
    DmsClosed,
    /// Still rate limited after the sender's own waiting.
    #[error("rate limited")]
    RateLimited,
    /// Discord refused it otherwise (a 4xx): the message does not exist.
    #[error("refused by Discord: {0}")]
    Refused(String),
    /// 5xx, timeouts, reset connections: the message may or may not exist.
    #[error("outcome unknown: {0}")]
    Transient(String),
}

pub type DeliverFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DeliverError>> + Send + 'a>>;

/// Sends digests to members; the Discord implementation lives in `discord::deliver`.
pub trait Deliver: Send + Sync + 'static {
    /// Sends the digest as one DM, idempotently with `digest.nonce`.
    fn send_digest<'a>(&'a self, digest: &'a Digest) -> DeliverFuture<'a, Sent>;
    /// Looks for digest `digest_id` in the member's DM channel, through every message since
    /// `since` (its claim): `Ok(None)` only when it is positively not there.
    fn find_digest<'a>(
        &'a self,
        owner: UserId,
        digest_id: i64,
        since: DateTime<Utc>,
    ) -> DeliverFuture<'a, Option<Sent>>;
    /// Tells the member, once, where they can see it (no contact detail): their DMs are closed.
    fn tell_dms_closed<'a>(&'a self, owner: UserId) -> DeliverFuture<'a, ()>;
    /// Deletes a channel post of an erased member (found by its button when its message id was
    /// never recorded). An error means it may still be there: it is tried again.
    fn delete_post<'a>(&'a self, post: &'a PostToDelete) -> DeliverFuture<'a, PostRemoval>;
}

/// How deleting a queued post ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostRemoval {
    /// Deleted now, or already gone.
    Gone,
    /// No recent message in the channel carries its button.
    NotFound,
    /// Discord refuses the bot there (no access any more): only a moderator can delete it.
    Unreachable,
}

/// A queued post whose message id was never recorded, not found this long after the
/// erasure, was never posted.
const POST_IN_FLIGHT: Duration = Duration::minutes(2);

#[derive(Debug, Clone, Copy)]
pub struct SchedulerSettings {
    pub quiet_hours: QuietHours,
    pub default_timezone: TimeZone,
    /// A claimed digest not recorded after this long is recovered.
    pub lease: Duration,
    /// The loop never sleeps longer than this (new nudges also wake it).
    pub max_sleep: Duration,
    /// Members handled per run.
    pub members_per_run: u32,
    /// The first wait after a failure; it doubles with each failure in a row, to 60 times this.
    pub retry_base: Duration,
}

/// Whether a member's due nudges may go out now.
enum Gate {
    Open,
    /// Paused, DMs closed, or backing off.
    Closed,
    /// Quiet hours for the member, until this instant.
    QuietUntil(DateTime<Utc>),
}

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunOutcome {
    pub digests_sent: u32,
    pub nudges_sent: u32,
    pub recovered: u32,
    pub not_sent: u32,
    /// Members whose nudges wait (quiet hours, paused, DMs closed, backing off).
    pub waiting_members: u32,
    /// The run handled as many members as it may: others may still be due.
    pub more_members: bool,
}

pub struct Scheduler {
    /// This process's name on the digests it holds.
    lease_owner: String,
    store: Store,
    clock: Arc<dyn Clock>,
    deliver: Arc<dyn Deliver>,
    settings: SchedulerSettings,
    wake: Arc<Notify>,
}

/// Members whose digests are claimed, and then recorded, in one transaction.
const BATCH: usize = 50;

/// Backoff after `failures` transient failures in a row: `base`, then doubling, at most 60
/// times `base` (1, 2, 4 … minutes up to an hour with the default base of a minute).
pub fn backoff(base: Duration, failures: u32) -> Duration {
    base * i32::try_from((1i64 << failures.min(6)).min(60)).unwrap_or(60)
}

impl Scheduler {
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        deliver: Arc<dyn Deliver>,
        settings: SchedulerSettings,
        wake: Arc<Notify>,
    ) -> Scheduler {
        Scheduler {
            lease_owner: format!("{:016x}", crate::store::random_u64()),
            store,
            clock,
            deliver,
            settings,
            wake,
        }
    }

    /// Recovers unfinished digests, then sends one digest to every member with nudges due.
    pub async fn run_once(&self) -> Result<RunOutcome, StoreError> {
        self.run_at(self.clock.now()).await
    }

    fn lease(&self, now: DateTime<Utc>) -> Lease<'_> {
        Lease {
            owner: &self.lease_owner,
            until: now + self.settings.lease,
        }
    }

    async fn run_at(&self, now: DateTime<Utc>) -> Result<RunOutcome, StoreError> {
        let mut outcome = RunOutcome::default();
        // What is kept only for a while goes first (cheap, and every run keeps it current).
        let trimmed = self.store.apply_retention(now).await?;
        if trimmed != crate::store::Trimmed::default() {
            tracing::debug!(?trimmed, "retention removed expired rows");
        }
        let taken = self
            .store
            .take_unfinished_digests(now, &self.lease(now), self.settings.members_per_run)
            .await?;
        for digest in taken {
            outcome.recovered += 1;
            if let Err(e) = self.recover(&digest, now, &mut outcome).await {
                self.store.note_failure(&e);
                tracing::error!(digest = digest.id, error = %e, "recovering a digest failed; it stays unfinished");
            }
        }
        let members = self
            .store
            .members_with_due_nudges(now, self.settings.members_per_run)
            .await?;
        // A full batch means more members may be waiting: the loop runs again at once.
        outcome.more_members =
            u32::try_from(members.len()).unwrap_or(u32::MAX) >= self.settings.members_per_run;
        // Claims and records go in batches (one transaction each); sends one by one.
        for batch in members.chunks(BATCH) {
            // One batch's failure never stops the others; their nudges stay due, and digests
            // sent but not recorded are found again after their lease.
            if let Err(e) = self.serve_batch(batch, now, &mut outcome).await {
                self.store.note_failure(&e);
                tracing::error!(error = %e, "nudges for a batch of members failed; they stay due");
            }
        }
        // Erased members' posts last, on the clock as it is now: their Discord calls may be
        // slow, and must not age the leases the nudges above were claimed with.
        if let Err(e) = self.retry_post_deletions(self.clock.now()).await {
            self.store.note_failure(&e);
            tracing::error!(error = %e, "retrying queued post deletions failed; they stay queued");
        }
        Ok(outcome)
    }

    /// Deletes the due posts of erased members that Discord had not confirmed deleted.
    async fn retry_post_deletions(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        for queued in self.store.due_post_deletions(now, 50).await? {
            let done = match self.deliver.delete_post(&queued.post).await {
                Ok(PostRemoval::Gone) => true,
                Ok(PostRemoval::Unreachable) => {
                    tracing::warn!(
                        channel = queued.post.channel_id,
                        "an erased member's post can no longer be deleted by the bot; a moderator must"
                    );
                    true
                }
                Ok(PostRemoval::NotFound) => now - queued.queued_at >= POST_IN_FLIGHT,
                Err(e) => {
                    tracing::info!(error = %e, attempts = queued.attempts, "an erased member's post is not deleted yet");
                    false
                }
            };
            if done {
                self.store.post_deletion_done(queued.id).await?;
            } else {
                let failures = u32::try_from(queued.attempts).unwrap_or(u32::MAX);
                self.store
                    .post_deletion_later(
                        queued.id,
                        now + backoff(self.settings.retry_base, failures),
                    )
                    .await?;
            }
        }
        Ok(())
    }

    /// A digest whose send was interrupted or whose outcome was unknown: it waits for the
    /// member's settings like any digest, then is found in the DM channel or, positively
    /// absent, sent again with its nonce.
    async fn recover(
        &self,
        digest: &Digest,
        now: DateTime<Utc>,
        outcome: &mut RunOutcome,
    ) -> Result<(), StoreError> {
        let lease = self.lease(now);
        let member = self.store.member(digest.owner).await?;
        let closed = self.store.dms_closed(digest.owner).await?;
        let gate = self.gate(member.timezone, member.dms, closed, None, now);
        match gate {
            Gate::Open => {}
            Gate::Closed => {
                // Paused or DMs closed: looked at again later, never sent meanwhile.
                self.store
                    .postpone_digest(digest, &lease, now + self.settings.max_sleep)
                    .await?;
                outcome.waiting_members += 1;
                return Ok(());
            }
            Gate::QuietUntil(until) => {
                self.store.postpone_digest(digest, &lease, until).await?;
                outcome.waiting_members += 1;
                return Ok(());
            }
        }
        match self
            .deliver
            .find_digest(digest.owner, digest.id, digest.created_at)
            .await
        {
            Ok(Some(sent)) => {
                let recorded = self
                    .store
                    .record_sent(
                        digest,
                        &lease,
                        sent.channel_id,
                        sent.message_id,
                        Outcome::FoundAfterCrash,
                        now,
                    )
                    .await?;
                if recorded {
                    outcome.digests_sent += 1;
                    outcome.nudges_sent += u32::try_from(digest.nudges.len()).unwrap_or(0);
                }
                Ok(())
            }
            Ok(None) => self.deliver_digest(digest, now, outcome).await,
            Err(e) => {
                // Not knowing is no reason to send: look again later.
                let attempts = self.store.digest_attempts(digest.id).await?;
                let until = now + backoff(self.settings.retry_base, attempts);
                tracing::warn!(digest = digest.id, error = %e, %until, "could not look for a digest; it waits");
                self.store.postpone_digest(digest, &lease, until).await?;
                outcome.not_sent += 1;
                Ok(())
            }
        }
    }

    async fn serve_batch(
        &self,
        members: &[DueMember],
        now: DateTime<Utc>,
        outcome: &mut RunOutcome,
    ) -> Result<(), StoreError> {
        let mut claims = Vec::with_capacity(members.len());
        for member in members {
            let gate = self.gate(
                member.timezone,
                member.dms,
                member.dms_closed,
                member.retry_at,
                now,
            );
            match gate {
                Gate::Open => {
                    // Beyond one digest, the rest roll to the next day's, nearest their latest
                    // day first.
                    let zone = member.timezone.unwrap_or(self.settings.default_timezone);
                    let tomorrow = now.with_timezone(&zone.tz()).date_naive() + Duration::days(1);
                    claims.push(Claim {
                        owner: member.user,
                        roll_over_to: local_instant(tomorrow, member.dms.hour, zone),
                    });
                }
                Gate::Closed => outcome.waiting_members += 1,
                Gate::QuietUntil(until) => {
                    // Due during quiet hours: they wait for the member's next delivery hour.
                    self.store.defer_due_nudges(member.user, now, until).await?;
                    outcome.waiting_members += 1;
                }
            }
        }
        let lease = self.lease(now);
        let digests = self
            .store
            .claim_digests(&claims, now, &lease, DIGEST_SIZE)
            .await?;
        let mut delivered = Vec::with_capacity(digests.len());
        for digest in &digests {
            match self.deliver.send_digest(digest).await {
                Ok(sent) => delivered.push(Delivered {
                    digest,
                    channel_id: sent.channel_id,
                    message_id: sent.message_id,
                }),
                Err(e) => self.record_failure(digest, e, now, outcome).await?,
            }
        }
        let recorded = self
            .store
            .record_sent_many(&delivered, &lease, Outcome::Sent, now)
            .await?;
        for (d, ok) in delivered.iter().zip(recorded) {
            if ok {
                outcome.digests_sent += 1;
                outcome.nudges_sent += u32::try_from(d.digest.nudges.len()).unwrap_or(0);
            } else {
                tracing::warn!(
                    digest = d.digest.id,
                    "lost the digest's lease; another process records it"
                );
            }
        }
        Ok(())
    }

    /// Whether a member's digest may go out now: the same rules for new and recovered ones.
    fn gate(
        &self,
        timezone: Option<TimeZone>,
        dms: DmPreferences,
        dms_closed: bool,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Gate {
        if !dms.enabled || dms_closed || retry_at.is_some_and(|at| at > now) {
            return Gate::Closed;
        }
        let zone = timezone.unwrap_or(self.settings.default_timezone);
        // A member who chose a delivery hour inside quiet hours gets it anyway.
        let quiet = if self.settings.quiet_hours.contains(dms.hour) {
            QuietHours { start: 0, end: 0 }
        } else {
            self.settings.quiet_hours
        };
        let from = deliverable_from(now, dms.hour, zone, quiet);
        if from <= now {
            Gate::Open
        } else {
            Gate::QuietUntil(from)
        }
    }

    /// Sends one digest and records how it went (recovered digests go one at a time).
    async fn deliver_digest(
        &self,
        digest: &Digest,
        now: DateTime<Utc>,
        outcome: &mut RunOutcome,
    ) -> Result<(), StoreError> {
        match self.deliver.send_digest(digest).await {
            Ok(sent) => {
                let recorded = self
                    .store
                    .record_sent(
                        digest,
                        &self.lease(now),
                        sent.channel_id,
                        sent.message_id,
                        Outcome::Sent,
                        now,
                    )
                    .await?;
                if recorded {
                    outcome.digests_sent += 1;
                    outcome.nudges_sent += u32::try_from(digest.nudges.len()).unwrap_or(0);
                } else {
                    tracing::warn!(
                        digest = digest.id,
                        "lost the digest's lease; another process records it"
                    );
                }
                Ok(())
            }
            Err(e) => self.record_failure(digest, e, now, outcome).await,
        }
    }

    /// Records a send that did not succeed: refused (its nudges wait again) or unknown (the
    /// digest is kept for a retry).
    async fn record_failure(
        &self,
        digest: &Digest,
        error: DeliverError,
        now: DateTime<Utc>,
        outcome: &mut RunOutcome,
    ) -> Result<(), StoreError> {
        let lease = self.lease(now);
        let lost = || {
            tracing::warn!(
                digest = digest.id,
                "lost the digest's lease; another process records it"
            )
        };
        outcome.not_sent += 1;
        match error {
            DeliverError::DmsClosed => {
                tracing::info!(
                    digest = digest.id,
                    "member's DMs are closed; their nudges pause"
                );
                let newly = self
                    .store
                    .record_not_sent(digest, &lease, Outcome::DmsClosed, None, now)
                    .await?;
                match newly {
                    Some(true) => {
                        if let Err(e) = self.deliver.tell_dms_closed(digest.owner).await {
                            tracing::warn!(digest = digest.id, error = %e, "could not post the DMs-closed notice");
                        }
                    }
                    Some(false) => {}
                    None => lost(),
                }
            }
            e @ (DeliverError::RateLimited | DeliverError::Refused(_)) => {
                // Discord did not create it: the nudges wait for a later digest.
                let failures = self.store.dm_failures(digest.owner).await?;
                let retry_at = now + backoff(self.settings.retry_base, failures);
                tracing::warn!(digest = digest.id, error = %e, %retry_at, "digest refused; its nudges wait");
                let kind = if e == DeliverError::RateLimited {
                    Outcome::RateLimited
                } else {
                    Outcome::Failed
                };
                if self
                    .store
                    .record_not_sent(digest, &lease, kind, Some(retry_at), now)
                    .await?
                    .is_none()
                {
                    lost();
                }
            }
            e @ DeliverError::Transient(_) => {
                // It may exist: keep it, its nudges and its nonce; look for it before resending.
                let attempts = self.store.digest_attempts(digest.id).await?;
                let retry_at = now + backoff(self.settings.retry_base, attempts);
                tracing::warn!(digest = digest.id, error = %e, %retry_at, "digest outcome unknown; kept for a retry");
                if !self
                    .store
                    .record_unknown(digest, &lease, retry_at, now)
                    .await?
                {
                    lost();
                }
            }
        }
        Ok(())
    }

    /// Runs until `shutdown`: a run, then sleep until the next due nudge (at most
    /// `max_sleep`, woken early when a follow-up is scheduled). A failing run is logged and
    /// retried; the loop itself never ends on its own.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        tokio::pin!(shutdown);
        loop {
            let run_at = self.clock.now();
            let result = self.run_at(run_at).await;
            if result.as_ref().is_ok_and(|o| o.more_members) {
                continue;
            }
            match result {
                Ok(o) if o != RunOutcome::default() => tracing::info!(
                    digests = o.digests_sent,
                    nudges = o.nudges_sent,
                    recovered = o.recovered,
                    not_sent = o.not_sent,
                    "nudge run"
                ),
                Ok(_) => {}
                Err(e) => {
                    self.store.note_failure(&e);
                    tracing::error!(error = %e, "nudge run failed; retrying after a pause");
                }
            }
            // Nudges the run saw but could not send (quiet hours, backoff) are looked at
            // again at the cap; one that fell due after the run started, at once.
            let cap = run_at + self.settings.max_sleep;
            let mut next = match self.store.next_nudge_due_after(run_at).await {
                Ok(Some(at)) => at.min(cap),
                Ok(None) | Err(_) => cap,
            };
            if let Ok(Some(at)) = self.store.next_post_deletion_at().await {
                next = next.min(at.max(run_at + Duration::seconds(1)));
            }
            if next <= self.clock.now() {
                continue;
            }
            tokio::select! {
                () = &mut shutdown => return,
                () = self.clock.sleep_until(next) => {}
                () = self.wake.notified() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour() {
        let minute = Duration::minutes(1);
        assert_eq!(backoff(minute, 0), Duration::minutes(1));
        assert_eq!(backoff(minute, 3), Duration::minutes(8));
        assert_eq!(backoff(minute, 30), Duration::minutes(60));
        assert_eq!(backoff(Duration::seconds(2), 30), Duration::seconds(120));
    }
}
