//! Follow-ups and the member's nudge settings. Every statement is keyed by the owner.

use super::engine::{on, Conn};
use chrono::{DateTime, NaiveDate, Utc};

use super::members::MemberColumn;
use super::{from_sql_instant, sql_id, sql_instant, Store, StoreError, StoreResult, Tx};
use crate::domain::cadence::{FollowUp, FollowUpKind, Planned, Series, Window};
use crate::domain::contact::{ContactId, Relationship};
use crate::domain::UserId;

#[derive(sqlx::FromRow)]
struct FollowUpRow {
    id: i64,
    contact_id: i64,
    contact_name: String,
    kind: String,
    series: String,
    ideal_on: NaiveDate,
    latest_on: NaiveDate,
    due_at: i64,
    nudge_state: String,
}

impl TryFrom<FollowUpRow> for FollowUp {
    type Error = StoreError;

    fn try_from(r: FollowUpRow) -> StoreResult<FollowUp> {
        Ok(FollowUp {
            id: r.id,
            contact_id: ContactId(r.contact_id),
            contact_name: r.contact_name,
            kind: FollowUpKind::from_code(&r.kind).ok_or(StoreError::Corrupt {
                what: "follow-up kind",
                value: r.kind,
            })?,
            series: Series::from_code(&r.series).ok_or(StoreError::Corrupt {
                what: "follow-up series",
                value: r.series,
            })?,
            window: Window {
                ideal: r.ideal_on,
                latest: r.latest_on,
            },
            due_at: from_sql_instant(r.due_at)?,
            nudged: r.nudge_state == "sent",
        })
    }
}

const FOLLOW_UP_COLUMNS: &str =
    "f.id, f.contact_id, c.name AS contact_name, f.kind, f.series, f.ideal_on,
    f.latest_on, COALESCE(n.due_at, f.due_at) AS due_at, COALESCE(n.state, 'waiting') AS nudge_state";

/// A follow-up with its contact and its live nudge.
const FOLLOW_UP_FROM: &str = "follow_ups f JOIN contacts c ON c.id = f.contact_id
    LEFT JOIN nudges n ON n.subject = 'follow_up' AND n.subject_id = f.id AND n.state <> 'cancelled'";

/// A new nudge about `subject` row `subject_id`, waiting until `due_at`.
pub(super) async fn insert_nudge(
    conn: &mut Conn<'_>,
    owner: UserId,
    subject: &str,
    subject_id: i64,
    window: Window,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<i64> {
    let (id,): (i64,) = on!(conn, |c| {
        sqlx::query_as(
        "INSERT INTO nudges (owner_id, subject, subject_id, ideal_on, latest_on, due_at, state, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7) RETURNING id",
    )
    .bind(sql_id(owner.0))
    .bind(subject)
    .bind(subject_id)
    .bind(window.ideal)
    .bind(window.latest)
    .bind(sql_instant(due_at))
    .bind(sql_instant(now))
    .fetch_one(&mut *c)
    .await
    })?;
    Ok(id)
}

/// Makes sure `group`'s nudge is waiting, due no later than `due_at`; false when there is no
/// group or its nudge is already out (claimed or sent), so the follow-up needs its own.
async fn join_group(
    conn: &mut Conn<'_>,
    owner: UserId,
    group: Option<(&str, i64)>,
    window: Window,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let Some((subject, subject_id)) = group else {
        return Ok(false);
    };
    let live: Option<(i64, String, i64)> = on!(conn, |c| sqlx::query_as(
        "SELECT id, state, due_at FROM nudges
         WHERE owner_id = $1 AND subject = $2 AND subject_id = $3 AND state <> 'cancelled'",
    )
    .bind(sql_id(owner.0))
    .bind(subject)
    .bind(subject_id)
    .fetch_optional(&mut *c)
    .await)?;
    match live {
        None => {
            insert_nudge(conn, owner, subject, subject_id, window, due_at, now).await?;
            Ok(true)
        }
        Some((id, state, due)) if state == "waiting" => {
            if sql_instant(due_at) < due {
                on!(conn, |c| sqlx::query(
                    "UPDATE nudges SET ideal_on = $1, latest_on = $2, due_at = $3
                     WHERE owner_id = $4 AND id = $5 AND state = 'waiting'",
                )
                .bind(window.ideal)
                .bind(window.latest)
                .bind(sql_instant(due_at))
                .bind(sql_id(owner.0))
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
            }
            Ok(true)
        }
        Some(_) => Ok(false),
    }
}

/// Cancels the live nudge of one of the owner's follow-ups.
async fn cancel_nudges_of_follow_up(
    conn: &mut Conn<'_>,
    owner: UserId,
    follow_up: i64,
) -> StoreResult<()> {
    on!(conn, |c| {
        sqlx::query(
        "UPDATE nudges SET state = 'cancelled'
         WHERE owner_id = $1 AND subject = 'follow_up' AND subject_id = $2 AND state <> 'cancelled'",
    )
    .bind(sql_id(owner.0))
    .bind(follow_up)
    .execute(&mut *c)
    .await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// A delivery attempt as the member's history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    pub at: DateTime<Utc>,
    pub nudges: u32,
    pub outcome: super::Outcome,
}

/// Marks a pending follow-up done or off. False if it is not the owner's or not pending.
async fn close_follow_up(
    conn: &mut Conn<'_>,
    owner: UserId,
    id: i64,
    done: bool,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let closed = on!(conn, |c| {
        sqlx::query(
        "UPDATE follow_ups SET state = $1, closed_at = $2 WHERE owner_id = $3 AND id = $4 AND state = 'pending'",
    )
    .bind(if done { "done" } else { "off" })
    .bind(sql_instant(now))
    .bind(sql_id(owner.0))
    .bind(id)
    .execute(&mut *c)
    .await.map(|r| r.rows_affected())
    })?;
    if closed == 0 {
        return Ok(false);
    }
    // Its nudge is not sent any more (a digest being sent no longer records it).
    cancel_nudges_of_follow_up(conn, owner, id).await?;
    Ok(true)
}

/// One of the owner's pending follow-ups by id.
async fn follow_up(conn: &mut Conn<'_>, owner: UserId, id: i64) -> StoreResult<Option<FollowUp>> {
    let row: Option<FollowUpRow> = on!(conn, |c| sqlx::query_as(&format!(
        "SELECT {FOLLOW_UP_COLUMNS} FROM {FOLLOW_UP_FROM}
         WHERE f.owner_id = $1 AND f.id = $2 AND f.state = 'pending'"
    ))
    .bind(sql_id(owner.0))
    .bind(id)
    .fetch_optional(&mut *c)
    .await)?;
    row.map(FollowUp::try_from).transpose()
}

/// Moves a pending follow-up to a new window; its nudge goes out again at `due_at`. A nudge
/// in a digest being sent leaves that digest (the member clicked Snooze on it, so it arrived):
/// recording the digest no longer touches it.
async fn move_follow_up(
    conn: &mut Conn<'_>,
    owner: UserId,
    id: i64,
    window: Window,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
    own_nudge_if_grouped: bool,
) -> StoreResult<bool> {
    let moved = on!(conn, |c| sqlx::query(
        "UPDATE follow_ups SET ideal_on = $1, latest_on = $2, due_at = $3
         WHERE owner_id = $4 AND id = $5 AND state = 'pending'",
    )
    .bind(window.ideal)
    .bind(window.latest)
    .bind(sql_instant(due_at))
    .bind(sql_id(owner.0))
    .bind(id)
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    if moved == 0 {
        return Ok(false);
    }
    let own = on!(conn, |c| {
        sqlx::query(
        "UPDATE nudges SET ideal_on = $1, latest_on = $2, due_at = $3, state = 'waiting', digest_id = NULL
         WHERE owner_id = $4 AND subject = 'follow_up' AND subject_id = $5 AND state <> 'cancelled'",
    )
    .bind(window.ideal)
    .bind(window.latest)
    .bind(sql_instant(due_at))
    .bind(sql_id(owner.0))
    .bind(id)
    .execute(&mut *c)
    .await.map(|r| r.rows_affected())
    })?;
    if own == 0 && own_nudge_if_grouped {
        // It was nudged as part of a group (the follow-ups after a conference): moved on its
        // own, it now gets a nudge of its own.
        insert_nudge(
            conn,
            owner,
            crate::domain::cadence::FOLLOW_UP,
            id,
            window,
            due_at,
            now,
        )
        .await?;
    }
    Ok(true)
}

async fn pending_follow_ups(
    conn: &mut Conn<'_>,
    owner: UserId,
    contact: Option<ContactId>,
) -> StoreResult<Vec<FollowUp>> {
    let rows: Vec<FollowUpRow> = on!(conn, |c| sqlx::query_as(&format!(
        "SELECT {FOLLOW_UP_COLUMNS} FROM {FOLLOW_UP_FROM}
         WHERE f.owner_id = $1 AND f.state = 'pending' AND ($2 IS NULL OR f.contact_id = $3)
         ORDER BY f.latest_on, f.ideal_on, f.id"
    ))
    .bind(sql_id(owner.0))
    .bind(contact.map(|c| c.0))
    .bind(contact.map(|c| c.0))
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter().map(FollowUp::try_from).collect()
}

async fn conference_follow_ups(
    conn: &mut Conn<'_>,
    owner: UserId,
    conference: i64,
) -> StoreResult<Vec<FollowUp>> {
    let rows: Vec<FollowUpRow> = on!(conn, |c| sqlx::query_as(&format!(
        "SELECT {FOLLOW_UP_COLUMNS} FROM {FOLLOW_UP_FROM}
         WHERE f.owner_id = $1 AND f.state = 'pending' AND f.kind = $2 AND c.conference_id = $3
           AND n.id IS NULL
         ORDER BY f.latest_on, c.name, f.id"
    ))
    .bind(sql_id(owner.0))
    .bind(FollowUpKind::AfterMeeting.code())
    .bind(conference)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter().map(FollowUp::try_from).collect()
}

async fn match_day(conn: &mut Conn<'_>, owner: UserId) -> StoreResult<Option<NaiveDate>> {
    // The member's own, or — when they set none and used the bot in one chapter only — that
    // chapter's.
    let row: Option<(Option<NaiveDate>,)> = on!(conn, |c| sqlx::query_as(
        "SELECT COALESCE(m.match_day,
                   (SELECT c.match_day FROM chapters c
                    JOIN chapter_members cm ON cm.guild_id = c.guild_id
                    WHERE cm.user_id = m.user_id
                      AND (SELECT COUNT(*) FROM chapter_members x WHERE x.user_id = m.user_id) = 1))
         FROM members m WHERE m.user_id = $1",
    )
    .bind(sql_id(owner.0))
    .fetch_optional(&mut *c)
    .await)?;
    Ok(row.and_then(|(d,)| d))
}

impl Tx {
    /// The windows of the owner's waiting nudges, by nudge id.
    pub async fn waiting_windows(&mut self, owner: UserId) -> StoreResult<Vec<(i64, Window)>> {
        let rows: Vec<(i64, NaiveDate, NaiveDate)> = on!(self, |c| {
            sqlx::query_as(
            "SELECT id, ideal_on, latest_on FROM nudges WHERE owner_id = $1 AND state = 'waiting'",
        )
        .bind(sql_id(owner.0))
        .fetch_all(&mut *c)
        .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, ideal, latest)| (id, Window { ideal, latest }))
            .collect())
    }

    /// Sets new due times for the owner's waiting nudges (by nudge id).
    pub async fn set_due_times(
        &mut self,
        owner: UserId,
        due: &[(i64, DateTime<Utc>)],
    ) -> StoreResult<()> {
        for (id, at) in due {
            on!(self, |c| {
                sqlx::query(
                "UPDATE nudges SET due_at = $1 WHERE owner_id = $2 AND id = $3 AND state = 'waiting'",
            )
            .bind(sql_instant(*at))
            .bind(sql_id(owner.0))
            .bind(id)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
            })?;
        }
        Ok(())
    }

    pub async fn set_nudge_hour(
        &mut self,
        owner: UserId,
        hour: u8,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        super::members::set_member_column(
            &mut self.conn(),
            owner,
            MemberColumn::NudgeHour,
            i64::from(hour),
            now,
        )
        .await
    }

    pub async fn set_match_day(
        &mut self,
        owner: UserId,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        super::members::set_member_column(&mut self.conn(), owner, MemberColumn::MatchDay, day, now)
            .await
    }

    /// The owner's contacts with one of `relationships`, all of them.
    pub async fn contacts_related(
        &mut self,
        owner: UserId,
        relationships: &[Relationship],
    ) -> StoreResult<Vec<(ContactId, Relationship)>> {
        let mut out = Vec::new();
        for r in relationships {
            let rows: Vec<(i64,)> = on!(self, |c| sqlx::query_as(
                "SELECT id FROM contacts WHERE owner_id = $1 AND relationship = $2 ORDER BY id",
            )
            .bind(sql_id(owner.0))
            .bind(r.code())
            .fetch_all(&mut *c)
            .await)?;
            out.extend(rows.into_iter().map(|(id,)| (ContactId(id), *r)));
        }
        Ok(out)
    }
}

impl Tx {
    /// Schedules `planned` for the owner's contact, replacing a pending one of the same
    /// series. `None` if the contact is not the owner's.
    pub async fn schedule_follow_up(
        &mut self,
        owner: UserId,
        contact: ContactId,
        planned: &Planned,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<FollowUp>> {
        self.schedule_grouped_follow_up(owner, contact, planned, due_at, now, None)
            .await
    }

    /// [`Tx::schedule_follow_up`], nudged as part of `group` (a subject and its row, such as
    /// the follow-ups after one conference) while that group's nudge is still to come: one
    /// digest item then lists them all. Once the group's nudge is out, the follow-up gets its
    /// own.
    pub async fn schedule_grouped_follow_up(
        &mut self,
        owner: UserId,
        contact: ContactId,
        planned: &Planned,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
        group: Option<(&str, i64)>,
    ) -> StoreResult<Option<FollowUp>> {
        let mut conn = self.conn();
        let owned: Option<(i64,)> = on!(conn, |c| sqlx::query_as(
            "SELECT id FROM contacts WHERE owner_id = $1 AND id = $2"
        )
        .bind(sql_id(owner.0))
        .bind(contact.0)
        .fetch_optional(&mut *c)
        .await)?;
        if owned.is_none() {
            return Ok(None);
        }
        let replaced: Vec<(i64,)> = on!(conn, |c| sqlx::query_as(
            "UPDATE follow_ups SET state = 'replaced', closed_at = $1
             WHERE owner_id = $2 AND contact_id = $3 AND series = $4 AND state = 'pending'
             RETURNING id",
        )
        .bind(sql_instant(now))
        .bind(sql_id(owner.0))
        .bind(contact.0)
        .bind(planned.series.code())
        .fetch_all(&mut *c)
        .await)?;
        for (old,) in replaced {
            cancel_nudges_of_follow_up(&mut conn, owner, old).await?;
        }
        let (id,): (i64,) = on!(conn, |c| {
            sqlx::query_as(
            "INSERT INTO follow_ups (owner_id, contact_id, kind, series, ideal_on, latest_on, state, due_at,
                 nudge_state, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, 'waiting', $8) RETURNING id",
        )
        .bind(sql_id(owner.0))
        .bind(contact.0)
        .bind(planned.kind.code())
        .bind(planned.series.code())
        .bind(planned.window.ideal)
        .bind(planned.window.latest)
        .bind(sql_instant(due_at))
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await
        })?;
        if !join_group(&mut conn, owner, group, planned.window, due_at, now).await? {
            insert_nudge(
                &mut conn,
                owner,
                crate::domain::cadence::FOLLOW_UP,
                id,
                planned.window,
                due_at,
                now,
            )
            .await?;
        }
        let row: FollowUpRow = on!(conn, |c| sqlx::query_as(&format!(
            "SELECT {FOLLOW_UP_COLUMNS} FROM {FOLLOW_UP_FROM} WHERE f.id = $1"
        ))
        .bind(id)
        .fetch_one(&mut *c)
        .await)?;
        Ok(Some(FollowUp::try_from(row)?))
    }

    pub async fn close_follow_up(
        &mut self,
        owner: UserId,
        id: i64,
        done: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        close_follow_up(&mut self.conn(), owner, id, done, now).await
    }

    pub async fn follow_up(&mut self, owner: UserId, id: i64) -> StoreResult<Option<FollowUp>> {
        follow_up(&mut self.conn(), owner, id).await
    }

    pub async fn move_follow_up(
        &mut self,
        owner: UserId,
        id: i64,
        window: Window,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        move_follow_up(&mut self.conn(), owner, id, window, due_at, now, true).await
    }

    /// Moves a pending follow-up to a new window because its dates moved (a conference's), not
    /// because the member chose to: one nudged in a group stays in it.
    pub async fn retime_follow_up(
        &mut self,
        owner: UserId,
        id: i64,
        window: Window,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        move_follow_up(&mut self.conn(), owner, id, window, due_at, now, false).await
    }

    /// See [`Store::pending_follow_ups`].
    pub async fn pending_follow_ups(
        &mut self,
        owner: UserId,
        contact: Option<ContactId>,
    ) -> StoreResult<Vec<FollowUp>> {
        pending_follow_ups(&mut self.conn(), owner, contact).await
    }

    /// See [`Store::conference_follow_ups`].
    pub async fn conference_follow_ups(
        &mut self,
        owner: UserId,
        conference: i64,
    ) -> StoreResult<Vec<FollowUp>> {
        conference_follow_ups(&mut self.conn(), owner, conference).await
    }

    /// Every pending follow-up after meeting someone at `conference`, whoever's: (owner,
    /// follow-up id), to re-time them when the conference's dates change.
    pub async fn follow_ups_after_conference(
        &mut self,
        conference: i64,
    ) -> StoreResult<Vec<(UserId, i64)>> {
        let rows: Vec<(i64, i64)> = on!(self, |c| sqlx::query_as(
            "SELECT f.owner_id, f.id FROM follow_ups f JOIN contacts c ON c.id = f.contact_id
             WHERE c.conference_id = $1 AND f.state = 'pending' AND f.kind = $2
             ORDER BY f.owner_id, f.id",
        )
        .bind(conference)
        .bind(FollowUpKind::AfterMeeting.code())
        .fetch_all(&mut *c)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(owner, id)| (UserId(super::from_sql_id(owner)), id))
            .collect())
    }

    pub async fn match_day(&mut self, owner: UserId) -> StoreResult<Option<NaiveDate>> {
        match_day(&mut self.conn(), owner).await
    }

    /// Members of `guild` who set no Match Day of their own and used the bot in that chapter
    /// only: the chapter's Match Day is theirs.
    pub async fn members_on_chapter_match_day(
        &mut self,
        guild: crate::domain::GuildId,
    ) -> StoreResult<Vec<UserId>> {
        let rows: Vec<(i64,)> = on!(self, |c| sqlx::query_as(
            "SELECT m.user_id FROM members m
             JOIN chapter_members cm ON cm.user_id = m.user_id AND cm.guild_id = $1
             WHERE m.match_day IS NULL
               AND (SELECT COUNT(*) FROM chapter_members x WHERE x.user_id = m.user_id) = 1
             ORDER BY m.user_id",
        )
        .bind(sql_id(guild.0))
        .fetch_all(&mut *c)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(u,)| UserId(super::from_sql_id(u)))
            .collect())
    }
}

impl Store {
    /// Schedules `planned` for the owner's contact, replacing a pending one of the same
    /// series. `None` if the contact is not the owner's.
    pub async fn schedule_follow_up(
        &self,
        owner: UserId,
        contact: ContactId,
        planned: &Planned,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<FollowUp>> {
        let mut tx = self.begin_locked(owner.0).await?;
        let scheduled = tx
            .schedule_follow_up(owner, contact, planned, due_at, now)
            .await?;
        tx.commit().await?;
        Ok(scheduled)
    }

    /// The owner's pending follow-ups, the one nearest its latest day first; optionally only
    /// one contact's.
    pub async fn pending_follow_ups(
        &self,
        owner: UserId,
        contact: Option<ContactId>,
    ) -> StoreResult<Vec<FollowUp>> {
        pending_follow_ups(&mut self.held().await?.engine(), owner, contact).await
    }

    /// One of the owner's pending follow-ups by id.
    /// The owner's follow-ups with these ids, whatever their state (a digest names them).
    pub async fn follow_ups_named_in(
        &self,
        owner: UserId,
        ids: &[i64],
    ) -> StoreResult<Vec<FollowUp>> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row: Option<FollowUpRow> = on!(pool & self.pool, |c| {
                sqlx::query_as(&format!(
                "SELECT {FOLLOW_UP_COLUMNS} FROM {FOLLOW_UP_FROM} WHERE f.owner_id = $1 AND f.id = $2"
            ))
            .bind(sql_id(owner.0))
            .bind(id)
            .fetch_optional(c)
            .await
            })?;
            if let Some(row) = row {
                out.push(FollowUp::try_from(row)?);
            }
        }
        Ok(out)
    }

    pub async fn follow_up(&self, owner: UserId, id: i64) -> StoreResult<Option<FollowUp>> {
        follow_up(&mut self.held().await?.engine(), owner, id).await
    }

    /// The owner's pending follow-ups after meeting people at `conference` that are nudged
    /// together (none has a nudge of its own), soonest first.
    pub async fn conference_follow_ups(
        &self,
        owner: UserId,
        conference: i64,
    ) -> StoreResult<Vec<FollowUp>> {
        conference_follow_ups(&mut self.held().await?.engine(), owner, conference).await
    }

    /// Marks a pending follow-up done or off. False if it is not the owner's or not pending.
    pub async fn close_follow_up(
        &self,
        owner: UserId,
        id: i64,
        done: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_locked(owner.0).await?;
        let closed = tx.close_follow_up(owner, id, done, now).await?;
        tx.commit().await?;
        Ok(closed)
    }

    /// Turns off every pending follow-up of the owner's contact; returns how many.
    pub async fn turn_off_follow_ups(
        &self,
        owner: UserId,
        contact: ContactId,
        now: DateTime<Utc>,
    ) -> StoreResult<u64> {
        let mut tx = self.begin_locked(owner.0).await?;
        let closed: Vec<(i64,)> = on!(tx, |c| sqlx::query_as(
            "UPDATE follow_ups SET state = 'off', closed_at = $1
             WHERE owner_id = $2 AND contact_id = $3 AND state = 'pending' RETURNING id",
        )
        .bind(sql_instant(now))
        .bind(sql_id(owner.0))
        .bind(contact.0)
        .fetch_all(&mut *c)
        .await)?;
        for (id,) in &closed {
            cancel_nudges_of_follow_up(&mut tx.conn(), owner, *id).await?;
        }
        tx.commit().await?;
        Ok(closed.len() as u64)
    }

    /// Moves a pending follow-up to a new window; its nudge goes out again at `due_at`.
    pub async fn move_follow_up(
        &self,
        owner: UserId,
        id: i64,
        window: Window,
        due_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_locked(owner.0).await?;
        let moved = tx.move_follow_up(owner, id, window, due_at, now).await?;
        tx.commit().await?;
        Ok(moved)
    }

    /// The windows of the owner's waiting follow-ups (to re-time them after a settings change).
    pub async fn waiting_windows(&self, owner: UserId) -> StoreResult<Vec<(i64, Window)>> {
        let mut tx = self.begin_locked(owner.0).await?;
        let windows = tx.waiting_windows(owner).await?;
        tx.commit().await?;
        Ok(windows)
    }

    /// Sets new due times for the owner's waiting follow-ups.
    pub async fn set_due_times(
        &self,
        owner: UserId,
        due: &[(i64, DateTime<Utc>)],
    ) -> StoreResult<()> {
        let mut tx = self.begin_locked(owner.0).await?;
        tx.set_due_times(owner, due).await?;
        tx.commit().await
    }

    pub async fn set_nudge_hour(
        &self,
        owner: UserId,
        hour: u8,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.set_member_column(owner, MemberColumn::NudgeHour, i64::from(hour), now)
            .await
    }

    pub async fn set_dms_enabled(
        &self,
        owner: UserId,
        enabled: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.set_member_column(owner, MemberColumn::DmsEnabled, enabled, now)
            .await
    }

    pub async fn set_match_day(
        &self,
        owner: UserId,
        day: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.set_member_column(owner, MemberColumn::MatchDay, day, now)
            .await
    }

    pub async fn match_day(&self, owner: UserId) -> StoreResult<Option<NaiveDate>> {
        match_day(&mut self.held().await?.engine(), owner).await
    }

    /// The owner's latest delivery attempts, newest first.
    pub async fn delivery_history(&self, owner: UserId, limit: u32) -> StoreResult<Vec<Delivery>> {
        let rows: Vec<(i64, i64, String)> = on!(pool & self.pool, |c| {
            sqlx::query_as(
            "SELECT at, nudges, outcome FROM deliveries WHERE owner_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(sql_id(owner.0))
        .bind(i64::from(limit))
        .fetch_all(c)
        .await
        })?;
        rows.into_iter()
            .map(|(at, nudges, outcome)| {
                Ok(Delivery {
                    at: from_sql_instant(at)?,
                    nudges: u32::try_from(nudges).unwrap_or(0),
                    outcome: super::Outcome::from_code(&outcome).ok_or(StoreError::Corrupt {
                        what: "delivery outcome",
                        value: outcome,
                    })?,
                })
            })
            .collect()
    }
}
