//! The scheduler's side of follow-ups: finding members with due nudges, claiming them into a
//! digest, and recording how its delivery went. With the officer aggregates, the only code that
//! reads across members; nothing here is shown to another member.

use super::engine::{on, Conn};
use chrono::{DateTime, NaiveDate, Utc};

use super::{from_sql_id, from_sql_instant, sql_id, sql_instant, Store, StoreResult};
use crate::domain::cadence::{Digest, Nudge, Window};
use crate::domain::{DmPreferences, TimeZone, UserId};

/// A member with nudges due, and what decides whether they can be sent now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueMember {
    pub user: UserId,
    pub timezone: Option<TimeZone>,
    pub dms: DmPreferences,
    /// DMs are closed (Discord 50007): nudges wait until a test DM succeeds.
    pub dms_closed: bool,
    /// After a transient failure: not before this instant.
    pub retry_at: Option<DateTime<Utc>>,
}

/// How a digest's delivery ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// A digest claimed before a crash turned out to be in the DM channel already.
    FoundAfterCrash,
    DmsClosed,
    RateLimited,
    Failed,
}

impl Outcome {
    const ALL: [Outcome; 5] = [
        Outcome::Sent,
        Outcome::FoundAfterCrash,
        Outcome::DmsClosed,
        Outcome::RateLimited,
        Outcome::Failed,
    ];

    fn code(self) -> &'static str {
        match self {
            Outcome::Sent => "sent",
            Outcome::FoundAfterCrash => "found_after_crash",
            Outcome::DmsClosed => "dms_closed",
            Outcome::RateLimited => "rate_limited",
            Outcome::Failed => "failed",
        }
    }

    /// The outcome stored as `code`; `None` for text no version wrote.
    pub(super) fn from_code(code: &str) -> Option<Outcome> {
        Self::ALL.into_iter().find(|o| o.code() == code)
    }
}

/// A digest held by one scheduler process while it sends it: `owner` names the process (a
/// random token), `until` is when others may take it over.
#[derive(Debug, Clone, Copy)]
pub struct Lease<'a> {
    pub owner: &'a str,
    pub until: DateTime<Utc>,
}

/// A value no one can guess or repeat: per-process random keys (the standard library's hash
/// seeds come from the operating system) over a counter and the time.
pub fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static KEYS: OnceLock<std::collections::hash_map::RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut hasher = KEYS
        .get_or_init(std::collections::hash_map::RandomState::new)
        .build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.finish()
}

/// A digest's nonce: its id and a random part, so it never repeats, not even when an id is
/// used again after a rollback or an erasure. At most 25 characters, as Discord allows.
fn nonce_for(digest_id: i64) -> String {
    let nonce = format!("d{digest_id}-{:010x}", random_u64() & 0xff_ffff_ffff);
    nonce.chars().take(25).collect()
}

type NudgeRow = (i64, String, i64, NaiveDate, NaiveDate);

fn nudge_from(row: NudgeRow) -> Nudge {
    let (id, subject, subject_id, ideal, latest) = row;
    Nudge {
        id,
        subject,
        subject_id,
        window: Window { ideal, latest },
    }
}

/// Moves the member's nudges still due at `now` to `until`.
async fn defer_due(
    conn: &mut Conn<'_>,
    owner: UserId,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> StoreResult<()> {
    on!(conn, |c| sqlx::query(
        "UPDATE nudges SET due_at = $1 WHERE owner_id = $2 AND state = 'waiting' AND due_at <= $3",
    )
    .bind(sql_instant(until))
    .bind(sql_id(owner.0))
    .bind(sql_instant(now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

/// One member's claim in a batch: their nudges due now, and where the rest roll to.
#[derive(Debug, Clone, Copy)]
pub struct Claim {
    pub owner: UserId,
    pub roll_over_to: DateTime<Utc>,
}

/// Takes the member's advisory lock (see [`Store::begin_locked`]) for the rest of the
/// transaction if no one holds it; always true on SQLite.
async fn try_lock_member(conn: &mut Conn<'_>, owner: UserId) -> StoreResult<bool> {
    match conn.engine() {
        Conn::Sqlite(_) => Ok(true),
        Conn::Postgres(c) => Ok(sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1)")
            .bind(sql_id(owner.0))
            .fetch_one(&mut *c)
            .await?),
    }
}

/// The body of a claim, inside the caller's transaction.
async fn claim_in(
    tx: &mut Conn<'_>,
    owner: UserId,
    now: DateTime<Utc>,
    lease: &Lease<'_>,
    max: u32,
    roll_over_to: DateTime<Utc>,
) -> StoreResult<Option<Digest>> {
    // On PostgreSQL, a member whose action (or another process's claim) is under way is
    // left for the next run: claiming beside it could split the member's due nudges over two
    // digests, or miss a follow-up that action is adding.
    if !try_lock_member(tx, owner).await? {
        return Ok(None);
    }
    let (digest_id,): (i64,) = on!(tx, |c| sqlx::query_as(
        "INSERT INTO digests (owner_id, nonce, state, created_at, lease_owner, lease_until)
         VALUES ($1, $2, 'sending', $3, $4, $5) RETURNING id",
    )
    .bind(sql_id(owner.0))
    .bind(format!("pending-{:016x}", random_u64()))
    .bind(sql_instant(now))
    .bind(lease.owner)
    .bind(sql_instant(lease.until))
    .fetch_one(&mut *c)
    .await)?;
    let nonce = nonce_for(digest_id);
    // The outer `state = 'waiting'` is checked again on each row as it is updated: on
    // PostgreSQL, a row another process claimed meanwhile is then left alone (the subquery's
    // list was read before). With SKIP LOCKED that process's rows are not even waited for.
    let lock = tx.skip_locked();
    let claimed: Vec<(i64,)> = on!(tx, |c| sqlx::query_as(&format!(
        "UPDATE nudges SET state = 'claimed', digest_id = $1
         WHERE state = 'waiting' AND id IN (SELECT id FROM nudges
                      WHERE owner_id = $2 AND state = 'waiting' AND due_at <= $3
                      ORDER BY latest_on, ideal_on, id LIMIT $4 {lock})
         RETURNING id",
    ))
    .bind(digest_id)
    .bind(sql_id(owner.0))
    .bind(sql_instant(now))
    .bind(i64::from(max))
    .fetch_all(&mut *c)
    .await)?;
    if claimed.is_empty() {
        on!(tx, |c| sqlx::query("DELETE FROM digests WHERE id = $1")
            .bind(digest_id)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        return Ok(None);
    }
    let (more,): (i64,) = on!(tx, |c| {
        sqlx::query_as(
        "SELECT COUNT(*) FROM nudges WHERE owner_id = $1 AND state = 'waiting' AND due_at <= $2",
    )
    .bind(sql_id(owner.0))
    .bind(sql_instant(now))
    .fetch_one(&mut *c)
    .await
    })?;
    on!(tx, |c| sqlx::query(
        "UPDATE digests SET nonce = $1, more = $2 WHERE id = $3"
    )
    .bind(&nonce)
    .bind(more)
    .bind(digest_id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if more > 0 {
        defer_due(&mut *tx, owner, now, roll_over_to).await?;
    }
    let nudges = digest_nudges(&mut *tx, digest_id).await?;
    Ok(Some(Digest {
        id: digest_id,
        owner,
        nonce,
        nudges,
        more: u32::try_from(more).unwrap_or(0),
        created_at: now,
    }))
}

/// A digest that reached the member, and where.
#[derive(Debug, Clone, Copy)]
pub struct Delivered<'a> {
    pub digest: &'a Digest,
    pub channel_id: u64,
    pub message_id: u64,
}

/// The body of recording a sent digest, inside the caller's transaction.
async fn record_sent_in(
    tx: &mut Conn<'_>,
    d: &Delivered<'_>,
    lease: &Lease<'_>,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let owned = on!(tx, |c| sqlx::query(
        "UPDATE digests SET state = 'sent', channel_id = $1, message_id = $2, sent_at = $3,
             lease_owner = NULL, lease_until = NULL, retry_at = NULL
         WHERE id = $4 AND state = 'sending' AND lease_owner = $5",
    )
    .bind(sql_id(d.channel_id))
    .bind(sql_id(d.message_id))
    .bind(sql_instant(now))
    .bind(d.digest.id)
    .bind(lease.owner)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if owned == 0 {
        return Ok(false);
    }
    on!(tx, |c| sqlx::query(
        "UPDATE nudges SET state = 'sent' WHERE digest_id = $1 AND state = 'claimed'"
    )
    .bind(d.digest.id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    on!(tx, |c| sqlx::query(
        "UPDATE members SET dm_failures = 0, dm_retry_at = NULL
         WHERE user_id = $1 AND (dm_failures <> 0 OR dm_retry_at IS NOT NULL)",
    )
    .bind(sql_id(d.digest.owner.0))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    log_delivery(tx, d.digest, outcome, now).await?;
    Ok(true)
}

impl Store {
    /// Members who have at least one waiting nudge due at `now` and can be sent to now
    /// (not paused, DMs open, not backing off), up to `limit`.
    pub async fn members_with_due_nudges(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<DueMember>> {
        type Row = (i64, Option<String>, bool, i64, Option<i64>, Option<i64>);
        // One process goes by member id; several each go their own way round (a multiplier
        // modulo a prime), so they seldom reach for the same member at once.
        let order = match self.spread {
            None => "m.user_id".to_owned(),
            Some(k) => format!(
                "(m.user_id % {}) * {k} % {}, m.user_id",
                super::SPREAD_PRIME,
                super::SPREAD_PRIME
            ),
        };
        let rows: Vec<Row> = on!(pool & self.pool, |c| {
            sqlx::query_as(&format!(
            "SELECT m.user_id, m.timezone, m.dms_enabled, m.nudge_hour, m.dms_closed_at, m.dm_retry_at
             FROM members m
             WHERE m.user_id IN (SELECT DISTINCT owner_id FROM nudges
                                 WHERE state = 'waiting' AND due_at <= $1)
               -- Paused, DMs closed or backing off: not due for sending yet.
               AND m.dms_enabled AND m.dms_closed_at IS NULL
               AND (m.dm_retry_at IS NULL OR m.dm_retry_at <= $1)
             ORDER BY {order} LIMIT $2",
        ))
        .bind(sql_instant(now))
        .bind(i64::from(limit))
        .fetch_all(c)
        .await
        })?;
        rows.into_iter()
            .map(|(user, zone, enabled, hour, closed, retry)| {
                Ok(DueMember {
                    user: UserId(from_sql_id(user)),
                    timezone: zone.as_deref().and_then(|z| TimeZone::parse(z).ok()),
                    dms: DmPreferences {
                        enabled,
                        hour: u8::try_from(hour).unwrap_or(9),
                    },
                    dms_closed: closed.is_some(),
                    retry_at: retry.map(from_sql_instant).transpose()?,
                })
            })
            .collect()
    }

    /// Claims up to `max` of the member's due nudges into a new digest held by `lease`,
    /// those nearest their latest day first, and moves the rest to `roll_over_to` (the next
    /// day's digest) in the same transaction, so a crash can never leave them due for a
    /// second digest today. `None` if nothing was due (another worker got them).
    pub async fn claim_digest(
        &self,
        owner: UserId,
        now: DateTime<Utc>,
        lease: &Lease<'_>,
        max: u32,
        roll_over_to: DateTime<Utc>,
    ) -> StoreResult<Option<Digest>> {
        let claim = Claim {
            owner,
            roll_over_to,
        };
        Ok(self
            .claim_digests(&[claim], now, lease, max)
            .await?
            .into_iter()
            .next())
    }

    /// [`Store::claim_digest`] for several members in one transaction (the scheduler's
    /// batches): a digest for each member who still had nudges due.
    pub async fn claim_digests(
        &self,
        claims: &[Claim],
        now: DateTime<Utc>,
        lease: &Lease<'_>,
        max: u32,
    ) -> StoreResult<Vec<Digest>> {
        let mut unit = self.begin().await?;
        let mut digests = Vec::with_capacity(claims.len());
        for c in claims {
            if let Some(d) =
                claim_in(&mut unit.conn(), c.owner, now, lease, max, c.roll_over_to).await?
            {
                digests.push(d);
            }
        }
        unit.commit().await?;
        Ok(digests)
    }

    /// A nudge about `subject` row `subject_id` (any kind), waiting until `due_at`: how later
    /// kinds enter the scheduler without touching its claim, send and record path.
    pub async fn schedule_nudge(
        &self,
        owner: UserId,
        subject: &str,
        subject_id: i64,
        window: Window,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_locked(owner.0).await?;
        let id = super::follow_ups::insert_nudge(
            &mut tx.conn(),
            owner,
            subject,
            subject_id,
            window,
            due_at,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Takes over digests still "sending" whose lease ran out (their process died, or a send's
    /// outcome was unknown) and whose retry time came, up to `limit`. Each is taken by one
    /// process only: the take is conditional on the lease still being free.
    pub async fn take_unfinished_digests(
        &self,
        now: DateTime<Utc>,
        lease: &Lease<'_>,
        limit: u32,
    ) -> StoreResult<Vec<Digest>> {
        let candidates: Vec<(i64,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT id FROM digests
             WHERE state = 'sending' AND (lease_until IS NULL OR lease_until <= $1)
               AND (retry_at IS NULL OR retry_at <= $1)
             ORDER BY id LIMIT $2",
        )
        .bind(sql_instant(now))
        .bind(i64::from(limit))
        .fetch_all(c)
        .await)?;
        let mut out = Vec::with_capacity(candidates.len());
        for (id,) in candidates {
            let mut unit = self.begin().await?;
            let mut tx = unit.conn();
            let taken: Option<(i64, String, i64, i64)> = on!(tx, |c| sqlx::query_as(
                "UPDATE digests SET lease_owner = $1, lease_until = $2
                 WHERE id = $3 AND state = 'sending' AND (lease_until IS NULL OR lease_until <= $4)
                 RETURNING owner_id, nonce, more, created_at",
            )
            .bind(lease.owner)
            .bind(sql_instant(lease.until))
            .bind(id)
            .bind(sql_instant(now))
            .fetch_optional(&mut *c)
            .await)?;
            let Some((owner, nonce, more, created_at)) = taken else {
                continue;
            };
            let nudges = digest_nudges(&mut tx, id).await?;
            unit.commit().await?;
            out.push(Digest {
                id,
                owner: UserId(from_sql_id(owner)),
                nonce,
                nudges,
                more: u32::try_from(more).unwrap_or(0),
                created_at: from_sql_instant(created_at)?,
            });
        }
        Ok(out)
    }

    /// The digest reached the member: its nudges are done being sent. False (nothing
    /// recorded) when `lease` no longer holds the digest.
    pub async fn record_sent(
        &self,
        digest: &Digest,
        lease: &Lease<'_>,
        channel_id: u64,
        message_id: u64,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let delivered = Delivered {
            digest,
            channel_id,
            message_id,
        };
        let recorded = self
            .record_sent_many(&[delivered], lease, outcome, now)
            .await?;
        Ok(recorded.first().copied().unwrap_or(false))
    }

    /// [`Store::record_sent`] for several digests in one transaction (the scheduler's
    /// batches): for each, whether it was recorded (false where the lease was lost).
    pub async fn record_sent_many(
        &self,
        delivered: &[Delivered<'_>],
        lease: &Lease<'_>,
        outcome: Outcome,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<bool>> {
        let mut unit = self.begin().await?;
        let mut recorded = Vec::with_capacity(delivered.len());
        for d in delivered {
            recorded.push(record_sent_in(&mut unit.conn(), d, lease, outcome, now).await?);
        }
        unit.commit().await?;
        Ok(recorded)
    }

    /// Discord refused the digest, so it does not exist: its nudges wait again (nothing is
    /// ever dropped). With `DmsClosed`, the member's DMs pause and they are told once;
    /// otherwise the member is retried at `retry_at`. `None` when `lease` no longer holds the
    /// digest; else whether this closed the member's DMs just now.
    pub async fn record_not_sent(
        &self,
        digest: &Digest,
        lease: &Lease<'_>,
        outcome: Outcome,
        retry_at: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<bool>> {
        let mut newly_closed = false;
        let mut unit = self.begin().await?;
        let mut tx = unit.conn();
        let owned = on!(tx, |c| sqlx::query(
            "UPDATE digests SET state = 'failed', lease_owner = NULL, lease_until = NULL
             WHERE id = $1 AND state = 'sending' AND lease_owner = $2",
        )
        .bind(digest.id)
        .bind(lease.owner)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        if owned == 0 {
            return Ok(None);
        }
        on!(tx, |c| sqlx::query(
            "UPDATE nudges SET state = 'waiting', digest_id = NULL
             WHERE digest_id = $1 AND state = 'claimed'",
        )
        .bind(digest.id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        if outcome == Outcome::DmsClosed {
            let closed = on!(tx, |c| {
                sqlx::query(
                "UPDATE members SET dms_closed_at = $1, dms_closed_notice = TRUE WHERE user_id = $2 AND dms_closed_at IS NULL",
            )
            .bind(sql_instant(now))
            .bind(sql_id(digest.owner.0))
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
            })?;
            newly_closed = closed > 0;
        } else {
            on!(tx, |c| {
                sqlx::query("UPDATE members SET dm_failures = dm_failures + 1, dm_retry_at = $1 WHERE user_id = $2")
                .bind(retry_at.map(sql_instant))
                .bind(sql_id(digest.owner.0))
                .execute(&mut *c)
                .await.map(|r| r.rows_affected())
            })?;
        }
        log_delivery(&mut tx, digest, outcome, now).await?;
        unit.commit().await?;
        if newly_closed {
            self.forget_no_notice(digest.owner.0);
        }
        Ok(Some(newly_closed))
    }

    /// The send's outcome is unknown (a timeout, a reset connection, a 5xx that may have come
    /// after Discord created the message): the digest keeps its nudges and its nonce, and is
    /// taken up again from `retry_at` (looked for in the DM channel first). The member backs
    /// off until then. False when `lease` no longer holds the digest.
    pub async fn record_unknown(
        &self,
        digest: &Digest,
        lease: &Lease<'_>,
        retry_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut unit = self.begin().await?;
        let mut tx = unit.conn();
        let owned = on!(tx, |c| sqlx::query(
            "UPDATE digests SET lease_owner = NULL, lease_until = NULL, retry_at = $1,
                 attempts = attempts + 1
             WHERE id = $2 AND state = 'sending' AND lease_owner = $3",
        )
        .bind(sql_instant(retry_at))
        .bind(digest.id)
        .bind(lease.owner)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        if owned == 0 {
            return Ok(false);
        }
        on!(tx, |c| sqlx::query(
            "UPDATE members SET dm_failures = dm_failures + 1, dm_retry_at = $1 WHERE user_id = $2",
        )
        .bind(sql_instant(retry_at))
        .bind(sql_id(digest.owner.0))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        log_delivery(&mut tx, digest, Outcome::Failed, now).await?;
        unit.commit().await?;
        Ok(true)
    }

    /// Puts a taken-over digest back until `until` (the member's quiet hours or pause, or a
    /// lookup that failed): nothing is sent or recorded meanwhile.
    pub async fn postpone_digest(
        &self,
        digest: &Digest,
        lease: &Lease<'_>,
        until: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on!(pool & self.pool, |c| sqlx::query(
            "UPDATE digests SET lease_owner = NULL, lease_until = NULL, retry_at = $1
             WHERE id = $2 AND state = 'sending' AND lease_owner = $3",
        )
        .bind(sql_instant(until))
        .bind(digest.id)
        .bind(lease.owner)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Sends tried for this digest so far whose outcome stayed unknown.
    pub async fn digest_attempts(&self, digest_id: i64) -> StoreResult<u32> {
        let row: Option<(i64,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT attempts FROM digests WHERE id = $1"
        )
        .bind(digest_id)
        .fetch_optional(c)
        .await)?;
        Ok(row.map_or(0, |(n,)| u32::try_from(n).unwrap_or(0)))
    }

    /// The fallback channel of the chapter where the member was last active, if it set one.
    pub async fn fallback_channel_for(&self, owner: UserId) -> StoreResult<Option<u64>> {
        let row: Option<(i64,)> = on!(pool & self.pool, |c| {
            sqlx::query_as(
            "SELECT c.fallback_channel_id FROM chapter_members m JOIN chapters c ON c.guild_id = m.guild_id
             WHERE m.user_id = $1 AND c.fallback_channel_id IS NOT NULL
             ORDER BY m.last_seen_at DESC LIMIT 1",
        )
        .bind(sql_id(owner.0))
        .fetch_optional(c)
        .await
        })?;
        Ok(row.map(|(c,)| from_sql_id(c)))
    }

    /// Moves the member's nudges still due at `now` to `until` (their next delivery hour).
    pub async fn defer_due_nudges(
        &self,
        owner: UserId,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> StoreResult<()> {
        defer_due(&mut self.held().await?.engine(), owner, now, until).await
    }

    /// Transient failures in a row for the member (for the backoff).
    pub async fn dm_failures(&self, owner: UserId) -> StoreResult<u32> {
        let row: Option<(i64,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT dm_failures FROM members WHERE user_id = $1"
        )
        .bind(sql_id(owner.0))
        .fetch_optional(c)
        .await)?;
        Ok(row.map_or(0, |(n,)| u32::try_from(n).unwrap_or(0)))
    }

    pub async fn dm_channel(&self, owner: UserId) -> StoreResult<Option<u64>> {
        let row: Option<(Option<i64>,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT dm_channel_id FROM members WHERE user_id = $1"
        )
        .bind(sql_id(owner.0))
        .fetch_optional(c)
        .await)?;
        Ok(row.and_then(|(c,)| c).map(from_sql_id))
    }

    pub async fn cache_dm_channel(&self, owner: UserId, channel: u64) -> StoreResult<()> {
        on!(pool & self.pool, |c| sqlx::query(
            "UPDATE members SET dm_channel_id = $1 WHERE user_id = $2"
        )
        .bind(sql_id(channel))
        .bind(sql_id(owner.0))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn forget_dm_channel(&self, owner: UserId) -> StoreResult<()> {
        on!(pool & self.pool, |c| sqlx::query(
            "UPDATE members SET dm_channel_id = NULL WHERE user_id = $1"
        )
        .bind(sql_id(owner.0))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// True once after the member's DMs were found closed: the next command tells them.
    pub async fn take_dms_closed_notice(&self, owner: UserId) -> StoreResult<bool> {
        let taken = on!(pool & self.pool, |c| {
            sqlx::query(
            "UPDATE members SET dms_closed_notice = FALSE WHERE user_id = $1 AND dms_closed_notice = TRUE",
        )
        .bind(sql_id(owner.0))
        .execute(c)
        .await.map(|r| r.rows_affected())
        })?;
        Ok(taken > 0)
    }

    /// A DM reached the member: nudges resume.
    pub async fn dms_work_again(&self, owner: UserId) -> StoreResult<()> {
        on!(pool & self.pool, |c| {
            sqlx::query(
            "UPDATE members SET dms_closed_at = NULL, dms_closed_notice = FALSE, dm_failures = 0, dm_retry_at = NULL
             WHERE user_id = $1",
        )
        .bind(sql_id(owner.0))
        .execute(c)
        .await.map(|r| r.rows_affected())
        })?;
        Ok(())
    }

    pub async fn dms_closed(&self, owner: UserId) -> StoreResult<bool> {
        let row: Option<(Option<i64>,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT dms_closed_at FROM members WHERE user_id = $1"
        )
        .bind(sql_id(owner.0))
        .fetch_optional(c)
        .await)?;
        Ok(row.and_then(|(c,)| c).is_some())
    }

    /// The earliest time after `after` when a waiting nudge falls due or an unfinished digest
    /// may be taken up again (the loop sleeps until then).
    pub async fn next_nudge_due_after(
        &self,
        after: DateTime<Utc>,
    ) -> StoreResult<Option<DateTime<Utc>>> {
        let (at,): (Option<i64>,) = on!(pool & self.pool, |c| {
            sqlx::query_as(
            "SELECT MIN(at) FROM (
                 SELECT MIN(due_at) AS at FROM nudges WHERE state = 'waiting' AND due_at > $1
                 UNION ALL
                 -- Unfinished digests come back when their lease or retry time runs out.
                 SELECT MIN(back) FROM (
                     SELECT CASE WHEN COALESCE(lease_until, 0) > COALESCE(retry_at, 0)
                                 THEN COALESCE(lease_until, 0) ELSE COALESCE(retry_at, 0) END AS back
                     FROM digests WHERE state = 'sending'
                 ) AS unfinished WHERE back > $1
             ) AS next",
        )
        .bind(sql_instant(after))
        .fetch_one(c)
        .await
        })?;
        at.map(from_sql_instant).transpose()
    }
}

async fn digest_nudges(conn: &mut Conn<'_>, digest_id: i64) -> StoreResult<Vec<Nudge>> {
    let rows: Vec<NudgeRow> = on!(conn, |c| sqlx::query_as(
        "SELECT id, subject, subject_id, ideal_on, latest_on FROM nudges
         WHERE digest_id = $1 AND state IN ('claimed', 'sent')
         ORDER BY latest_on, ideal_on, id",
    )
    .bind(digest_id)
    .fetch_all(&mut *c)
    .await)?;
    Ok(rows.into_iter().map(nudge_from).collect())
}

async fn log_delivery(
    conn: &mut Conn<'_>,
    digest: &Digest,
    outcome: Outcome,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    on!(conn, |c| {
        sqlx::query(
        "INSERT INTO deliveries (owner_id, digest_id, at, nudges, outcome) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(sql_id(digest.owner.0))
    .bind(digest.id)
    .bind(sql_instant(now))
    .bind(i64::try_from(digest.nudges.len()).unwrap_or(0))
    .bind(outcome.code())
    .execute(&mut *c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}
