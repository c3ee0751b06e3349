//! Conferences on a chapter's calendar (keyed by the server), members' plans and their private
//! targets (keyed by the member who owns them).

use super::engine::{on, Conn};
use chrono::{DateTime, NaiveDate, Utc};

use super::{from_sql_id, sql_id, sql_instant, Store, StoreError, StoreResult, Tx};
use crate::domain::cadence::Window;
use crate::domain::conference::{
    Conference, ConferenceDetails, ConferenceId, ConferenceKind, ConferencePlan, PlanId, Target,
    TargetId, TargetKind, Visibility,
};
use crate::domain::contact::ContactId;
use crate::domain::{GuildId, UserId};

#[derive(sqlx::FromRow)]
struct ConferenceRow {
    id: i64,
    guild_id: i64,
    name: String,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    city: String,
    url: Option<String>,
    kind: String,
    event_id: Option<i64>,
    going: i64,
    plans: i64,
}

const CONFERENCE_COLUMNS: &str = "c.id, c.guild_id, c.name, c.starts_on, c.ends_on, c.city, c.url,
    c.kind, c.event_id,
    (SELECT COUNT(*) FROM conference_plans p
      WHERE p.conference_id = c.id AND p.visibility = 'chapter') AS going,
    (SELECT COUNT(*) FROM conference_plans p WHERE p.conference_id = c.id) AS plans";

impl TryFrom<ConferenceRow> for Conference {
    type Error = StoreError;

    fn try_from(r: ConferenceRow) -> StoreResult<Conference> {
        Ok(Conference {
            id: ConferenceId(r.id),
            guild: GuildId(from_sql_id(r.guild_id)),
            details: ConferenceDetails {
                name: r.name,
                starts_on: r.starts_on,
                ends_on: r.ends_on,
                city: r.city,
                url: r.url,
                kind: ConferenceKind::from_code(&r.kind).ok_or(StoreError::Corrupt {
                    what: "conference kind",
                    value: r.kind.clone(),
                })?,
            },
            going: u32::try_from(r.going).unwrap_or(0),
            plans: u32::try_from(r.plans).unwrap_or(0),
            event_id: r.event_id.map(from_sql_id),
        })
    }
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    owner_id: i64,
    conference_id: i64,
    visibility: String,
}

impl TryFrom<PlanRow> for ConferencePlan {
    type Error = StoreError;

    fn try_from(r: PlanRow) -> StoreResult<ConferencePlan> {
        Ok(ConferencePlan {
            id: PlanId(r.id),
            owner: UserId(from_sql_id(r.owner_id)),
            conference: ConferenceId(r.conference_id),
            visibility: Visibility::from_code(&r.visibility).ok_or(StoreError::Corrupt {
                what: "plan visibility",
                value: r.visibility.clone(),
            })?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TargetRow {
    id: i64,
    kind: String,
    name: String,
    note: Option<String>,
    contact_id: Option<i64>,
    done: bool,
}

impl TryFrom<TargetRow> for Target {
    type Error = StoreError;

    fn try_from(r: TargetRow) -> StoreResult<Target> {
        Ok(Target {
            id: TargetId(r.id),
            kind: TargetKind::from_code(&r.kind).ok_or(StoreError::Corrupt {
                what: "target kind",
                value: r.kind.clone(),
            })?,
            name: r.name,
            note: r.note,
            contact: r.contact_id.map(ContactId),
            done: r.done,
        })
    }
}

/// A member's plan with its conference, for their own list (removed conferences included: a
/// plan is the member's history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSummary {
    pub plan: ConferencePlan,
    pub conference: Conference,
    /// Whether officers took the conference off the calendar.
    pub removed: bool,
    pub targets: u32,
    pub targets_done: u32,
}

/// What a before-conference reminder says: the conference and the member's targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanReminder {
    pub plan: PlanId,
    pub conference: Conference,
    pub removed: bool,
    pub targets: Vec<Target>,
}

/// The before-conference nudges of a plan, as they stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanNudge {
    pub id: i64,
    pub subject: String,
    pub state: String,
}

impl Store {
    /// A conference on `guild`'s calendar (not removed).
    pub async fn conference(
        &self,
        guild: GuildId,
        id: ConferenceId,
    ) -> StoreResult<Option<Conference>> {
        let row: Option<ConferenceRow> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT {CONFERENCE_COLUMNS} FROM conferences c
             WHERE c.guild_id = $1 AND c.id = $2 AND c.removed_at IS NULL"
        ))
        .bind(sql_id(guild.0))
        .bind(id.0)
        .fetch_optional(c)
        .await)?;
        row.map(Conference::try_from).transpose()
    }

    /// The calendar: conferences not over before `from`, soonest first.
    pub async fn conferences(
        &self,
        guild: GuildId,
        from: NaiveDate,
        limit: u32,
    ) -> StoreResult<Vec<Conference>> {
        let rows: Vec<ConferenceRow> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT {CONFERENCE_COLUMNS} FROM conferences c
             WHERE c.guild_id = $1 AND c.removed_at IS NULL AND c.ends_on >= $2
             ORDER BY c.starts_on, c.name, c.id LIMIT $3"
        ))
        .bind(sql_id(guild.0))
        .bind(from)
        .bind(i64::from(limit))
        .fetch_all(c)
        .await)?;
        rows.into_iter().map(Conference::try_from).collect()
    }

    /// Conferences of `guild` whose name contains `typed`, ending on or after `from`.
    pub async fn suggest_conferences(
        &self,
        guild: GuildId,
        typed: &str,
        from: NaiveDate,
        limit: u32,
    ) -> StoreResult<Vec<Conference>> {
        let rows: Vec<ConferenceRow> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT {CONFERENCE_COLUMNS} FROM conferences c
             WHERE c.guild_id = $1 AND c.removed_at IS NULL AND c.ends_on >= $2
               AND LOWER(c.name) LIKE $3 ESCAPE '\\'
             ORDER BY c.starts_on, c.id LIMIT $4"
        ))
        .bind(sql_id(guild.0))
        .bind(from)
        .bind(super::contacts::like_anywhere(&typed.trim().to_lowercase()))
        .bind(i64::from(limit))
        .fetch_all(c)
        .await)?;
        rows.into_iter().map(Conference::try_from).collect()
    }

    /// Conferences of `guild` named exactly `name` (any case), not over before `from`.
    pub async fn conferences_named(
        &self,
        guild: GuildId,
        name: &str,
        from: NaiveDate,
    ) -> StoreResult<Vec<Conference>> {
        let rows: Vec<ConferenceRow> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT {CONFERENCE_COLUMNS} FROM conferences c
             WHERE c.guild_id = $1 AND c.removed_at IS NULL AND c.ends_on >= $2
               AND LOWER(c.name) = $3
             ORDER BY c.starts_on, c.id"
        ))
        .bind(sql_id(guild.0))
        .bind(from)
        .bind(name.trim().to_lowercase())
        .fetch_all(c)
        .await)?;
        rows.into_iter().map(Conference::try_from).collect()
    }

    /// A conference of a chapter where the member used the bot (removed ones excluded): what
    /// a member may link a contact to. `None` for any other id.
    pub async fn conference_for_member(
        &self,
        owner: UserId,
        id: ConferenceId,
    ) -> StoreResult<Option<Conference>> {
        conference_for_member(&mut self.held().await?.engine(), owner, id).await
    }

    /// Conferences to link a contact to: `guild`'s, or in a DM (`None`) those of every chapter
    /// where the member used the bot; ending on or after `from`, whose name contains `typed`.
    pub async fn suggest_conferences_for_member(
        &self,
        owner: UserId,
        guild: Option<GuildId>,
        typed: &str,
        from: NaiveDate,
        limit: u32,
    ) -> StoreResult<Vec<Conference>> {
        let rows: Vec<ConferenceRow> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT {CONFERENCE_COLUMNS} FROM conferences c
             JOIN chapter_members m ON m.guild_id = c.guild_id AND m.user_id = $1
             WHERE c.removed_at IS NULL AND c.ends_on >= $2 AND ($3 IS NULL OR c.guild_id = $4)
               AND LOWER(c.name) LIKE $5 ESCAPE '\\'
             ORDER BY c.starts_on DESC, c.id LIMIT $6"
        ))
        .bind(sql_id(owner.0))
        .bind(from)
        .bind(guild.map(|g| sql_id(g.0)))
        .bind(guild.map(|g| sql_id(g.0)))
        .bind(super::contacts::like_anywhere(&typed.trim().to_lowercase()))
        .bind(i64::from(limit))
        .fetch_all(c)
        .await)?;
        rows.into_iter().map(Conference::try_from).collect()
    }

    /// The owner's plan for a conference.
    pub async fn plan(
        &self,
        owner: UserId,
        conference: ConferenceId,
    ) -> StoreResult<Option<ConferencePlan>> {
        plan(&mut self.held().await?.engine(), owner, conference).await
    }

    /// Members going to a conference who chose to let the chapter see it.
    pub async fn going_visibly(&self, conference: ConferenceId) -> StoreResult<Vec<UserId>> {
        let rows: Vec<(i64,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT owner_id FROM conference_plans
             WHERE conference_id = $1 AND visibility = 'chapter' ORDER BY joined_at, id",
        )
        .bind(conference.0)
        .fetch_all(c)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(id,)| UserId(from_sql_id(id)))
            .collect())
    }

    /// The owner's plans in `guild` (conferences ending on or after `from`), soonest first.
    pub async fn plans_of(
        &self,
        owner: UserId,
        guild: GuildId,
        from: NaiveDate,
    ) -> StoreResult<Vec<PlanSummary>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            conference: ConferenceRow,
            plan_id: i64,
            visibility: String,
            removed_at: Option<i64>,
            targets: i64,
            targets_done: i64,
        }
        let rows: Vec<Row> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT {CONFERENCE_COLUMNS}, p.id AS plan_id, p.visibility, c.removed_at,
                    (SELECT COUNT(*) FROM conference_targets t WHERE t.plan_id = p.id) AS targets,
                    (SELECT COUNT(*) FROM conference_targets t
                      WHERE t.plan_id = p.id AND t.done) AS targets_done
             FROM conference_plans p JOIN conferences c ON c.id = p.conference_id
             WHERE p.owner_id = $1 AND c.guild_id = $2 AND c.ends_on >= $3
             ORDER BY c.starts_on, c.id"
        ))
        .bind(sql_id(owner.0))
        .bind(sql_id(guild.0))
        .bind(from)
        .fetch_all(c)
        .await)?;
        rows.into_iter()
            .map(|r| {
                let conference = Conference::try_from(r.conference)?;
                Ok(PlanSummary {
                    plan: ConferencePlan::try_from(PlanRow {
                        id: r.plan_id,
                        owner_id: sql_id(owner.0),
                        conference_id: conference.id.0,
                        visibility: r.visibility,
                    })?,
                    conference,
                    removed: r.removed_at.is_some(),
                    targets: u32::try_from(r.targets).unwrap_or(0),
                    targets_done: u32::try_from(r.targets_done).unwrap_or(0),
                })
            })
            .collect()
    }

    /// One of the owner's plans by its id, with its conference (removed ones too).
    pub async fn plan_by_id(
        &self,
        owner: UserId,
        plan: PlanId,
    ) -> StoreResult<Option<PlanSummary>> {
        #[derive(sqlx::FromRow)]
        struct Row {
            #[sqlx(flatten)]
            conference: ConferenceRow,
            visibility: String,
            removed_at: Option<i64>,
            targets: i64,
            targets_done: i64,
        }
        let row: Option<Row> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT {CONFERENCE_COLUMNS}, p.visibility, c.removed_at,
                    (SELECT COUNT(*) FROM conference_targets t WHERE t.plan_id = p.id) AS targets,
                    (SELECT COUNT(*) FROM conference_targets t
                      WHERE t.plan_id = p.id AND t.done) AS targets_done
             FROM conference_plans p JOIN conferences c ON c.id = p.conference_id
             WHERE p.owner_id = $1 AND p.id = $2"
        ))
        .bind(sql_id(owner.0))
        .bind(plan.0)
        .fetch_optional(c)
        .await)?;
        row.map(|r| {
            let conference = Conference::try_from(r.conference)?;
            Ok(PlanSummary {
                plan: ConferencePlan::try_from(PlanRow {
                    id: plan.0,
                    owner_id: sql_id(owner.0),
                    conference_id: conference.id.0,
                    visibility: r.visibility,
                })?,
                conference,
                removed: r.removed_at.is_some(),
                targets: u32::try_from(r.targets).unwrap_or(0),
                targets_done: u32::try_from(r.targets_done).unwrap_or(0),
            })
        })
        .transpose()
    }

    /// The plans the owner's date-change notices are about, by notice id (notices whose plan
    /// is gone are missing).
    pub async fn notice_plans(
        &self,
        owner: UserId,
        notices: &[i64],
    ) -> StoreResult<Vec<(i64, PlanSummary)>> {
        let mut out = Vec::new();
        for notice in notices {
            let plan: Option<(i64,)> = on!(pool & self.pool, |c| sqlx::query_as(
                "SELECT plan_id FROM conference_notices WHERE owner_id = $1 AND id = $2",
            )
            .bind(sql_id(owner.0))
            .bind(notice)
            .fetch_optional(c)
            .await)?;
            if let Some((plan,)) = plan {
                if let Some(summary) = self.plan_by_id(owner, PlanId(plan)).await? {
                    out.push((*notice, summary));
                }
            }
        }
        Ok(out)
    }

    /// What the owner's reminders about `plans` say (plans left meanwhile are missing).
    pub async fn plan_reminders(
        &self,
        owner: UserId,
        plans: &[PlanId],
    ) -> StoreResult<Vec<PlanReminder>> {
        let mut out = Vec::with_capacity(plans.len());
        for plan in plans {
            if let Some(summary) = self.plan_by_id(owner, *plan).await? {
                out.push(PlanReminder {
                    plan: *plan,
                    targets: self.targets(owner, *plan).await?,
                    conference: summary.conference,
                    removed: summary.removed,
                });
            }
        }
        Ok(out)
    }

    /// One of the owner's targets, with the plan it belongs to.
    pub async fn target(
        &self,
        owner: UserId,
        id: TargetId,
    ) -> StoreResult<Option<(PlanId, Target)>> {
        target(&mut self.held().await?.engine(), owner, id).await
    }

    /// The owner's targets in one of their plans, in the order they were added.
    pub async fn targets(&self, owner: UserId, plan: PlanId) -> StoreResult<Vec<Target>> {
        let rows: Vec<TargetRow> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT id, kind, name, note, contact_id, done FROM conference_targets
             WHERE owner_id = $1 AND plan_id = $2 ORDER BY id",
        )
        .bind(sql_id(owner.0))
        .bind(plan.0)
        .fetch_all(c)
        .await)?;
        rows.into_iter().map(Target::try_from).collect()
    }

    /// The before-conference nudges of the owner's plan.
    pub async fn plan_nudges(&self, owner: UserId, plan: PlanId) -> StoreResult<Vec<PlanNudge>> {
        let rows: Vec<(i64, String, String)> = on!(pool & self.pool, |c| {
            sqlx::query_as(
            "SELECT id, subject, state FROM nudges
             WHERE owner_id = $1 AND subject_id = $2 AND subject IN ($3, $4) AND state <> 'cancelled'
             ORDER BY ideal_on",
        )
        .bind(sql_id(owner.0))
        .bind(plan.0)
        .bind(crate::domain::conference::WEEK_BEFORE)
        .bind(crate::domain::conference::DAY_BEFORE)
        .fetch_all(c)
        .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, subject, state)| PlanNudge { id, subject, state })
            .collect())
    }
}

async fn conference_for_member(
    conn: &mut Conn<'_>,
    owner: UserId,
    id: ConferenceId,
) -> StoreResult<Option<Conference>> {
    let row: Option<ConferenceRow> = on!(conn, |c| sqlx::query_as(&format!(
        "SELECT {CONFERENCE_COLUMNS} FROM conferences c
         JOIN chapter_members m ON m.guild_id = c.guild_id AND m.user_id = $1
         WHERE c.id = $2 AND c.removed_at IS NULL"
    ))
    .bind(sql_id(owner.0))
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    row.map(Conference::try_from).transpose()
}

/// One of the owner's targets, with the plan it belongs to.
async fn target(
    conn: &mut Conn<'_>,
    owner: UserId,
    target: TargetId,
) -> StoreResult<Option<(PlanId, Target)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        plan_id: i64,
        #[sqlx(flatten)]
        target: TargetRow,
    }
    let row: Option<Row> = on!(conn, |c| sqlx::query_as(
        "SELECT plan_id, id, kind, name, note, contact_id, done FROM conference_targets
         WHERE owner_id = $1 AND id = $2",
    )
    .bind(sql_id(owner.0))
    .bind(target.0)
    .fetch_optional(&mut *c)
    .await)?;
    row.map(|r| Ok((PlanId(r.plan_id), Target::try_from(r.target)?)))
        .transpose()
}

async fn plan(
    conn: &mut Conn<'_>,
    owner: UserId,
    conference: ConferenceId,
) -> StoreResult<Option<ConferencePlan>> {
    let row: Option<PlanRow> = on!(conn, |c| sqlx::query_as(
        "SELECT id, owner_id, conference_id, visibility FROM conference_plans
         WHERE owner_id = $1 AND conference_id = $2",
    )
    .bind(sql_id(owner.0))
    .bind(conference.0)
    .fetch_optional(&mut *c)
    .await)?;
    row.map(ConferencePlan::try_from).transpose()
}

/// What joining did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Joined {
    /// A new plan.
    New(PlanId),
    /// The member was going already; the visibility is as asked now.
    Already { plan: PlanId, was: Visibility },
}

impl Tx {
    /// The chapter row for `guild`, created when missing (a calendar needs one).
    pub async fn ensure_chapter(&mut self, guild: GuildId, now: DateTime<Utc>) -> StoreResult<()> {
        on!(self, |c| sqlx::query(
            "INSERT INTO chapters (guild_id, created_at) VALUES ($1, $2)
             ON CONFLICT (guild_id) DO NOTHING",
        )
        .bind(sql_id(guild.0))
        .bind(sql_instant(now))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn add_conference(
        &mut self,
        guild: GuildId,
        details: &ConferenceDetails,
        by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<ConferenceId> {
        self.ensure_chapter(guild, now).await?;
        let (id,): (i64,) = on!(self, |c| sqlx::query_as(
            "INSERT INTO conferences (guild_id, name, starts_on, ends_on, city, url, kind,
                                      created_by, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(sql_id(guild.0))
        .bind(&details.name)
        .bind(details.starts_on)
        .bind(details.ends_on)
        .bind(&details.city)
        .bind(&details.url)
        .bind(details.kind.code())
        .bind(sql_id(by.0))
        .bind(sql_instant(now))
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await)?;
        Ok(ConferenceId(id))
    }

    /// A conference on `guild`'s calendar, read inside the unit of work.
    pub async fn conference(
        &mut self,
        guild: GuildId,
        id: ConferenceId,
    ) -> StoreResult<Option<Conference>> {
        let row: Option<ConferenceRow> = on!(self, |c| sqlx::query_as(&format!(
            "SELECT {CONFERENCE_COLUMNS} FROM conferences c
             WHERE c.guild_id = $1 AND c.id = $2 AND c.removed_at IS NULL"
        ))
        .bind(sql_id(guild.0))
        .bind(id.0)
        .fetch_optional(&mut *c)
        .await)?;
        row.map(Conference::try_from).transpose()
    }

    /// Replaces a conference's details; false if it is not on `guild`'s calendar.
    pub async fn update_conference(
        &mut self,
        guild: GuildId,
        id: ConferenceId,
        details: &ConferenceDetails,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on!(self, |c| {
            sqlx::query(
            "UPDATE conferences SET name = $1, starts_on = $2, ends_on = $3, city = $4, url = $5,
                    kind = $6, updated_at = $7
             WHERE guild_id = $8 AND id = $9 AND removed_at IS NULL",
        )
        .bind(&details.name)
        .bind(details.starts_on)
        .bind(details.ends_on)
        .bind(&details.city)
        .bind(&details.url)
        .bind(details.kind.code())
        .bind(sql_instant(now))
        .bind(sql_id(guild.0))
        .bind(id.0)
        .execute(&mut *c)
        .await.map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// Takes a conference off the calendar; members' plans stay as their history. False if
    /// it was not on it.
    pub async fn remove_conference(
        &mut self,
        guild: GuildId,
        id: ConferenceId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on!(self, |c| sqlx::query(
            "UPDATE conferences SET removed_at = $1, updated_at = $2
             WHERE guild_id = $3 AND id = $4 AND removed_at IS NULL",
        )
        .bind(sql_instant(now))
        .bind(sql_instant(now))
        .bind(sql_id(guild.0))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Remembers (or forgets) the Discord scheduled event mirroring a conference.
    pub async fn set_conference_event(
        &mut self,
        guild: GuildId,
        id: ConferenceId,
        event: Option<u64>,
    ) -> StoreResult<()> {
        on!(self, |c| sqlx::query(
            "UPDATE conferences SET event_id = $1 WHERE guild_id = $2 AND id = $3"
        )
        .bind(event.map(sql_id))
        .bind(sql_id(guild.0))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Every plan for a conference (owner and plan), for re-timing after an edit.
    pub async fn plans_for(
        &mut self,
        conference: ConferenceId,
    ) -> StoreResult<Vec<ConferencePlan>> {
        let rows: Vec<PlanRow> = on!(self, |c| sqlx::query_as(
            "SELECT id, owner_id, conference_id, visibility FROM conference_plans
             WHERE conference_id = $1 ORDER BY id",
        )
        .bind(conference.0)
        .fetch_all(&mut *c)
        .await)?;
        rows.into_iter().map(ConferencePlan::try_from).collect()
    }

    pub async fn plan(
        &mut self,
        owner: UserId,
        conference: ConferenceId,
    ) -> StoreResult<Option<ConferencePlan>> {
        plan(&mut self.conn(), owner, conference).await
    }

    /// Tells the member going (their plan) that the dates changed, by a nudge due at `due`;
    /// one still waiting from an earlier change is replaced, so they are told once.
    pub async fn notify_dates_changed(
        &mut self,
        owner: UserId,
        plan: PlanId,
        window: Window,
        due: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on!(self, |c| sqlx::query(
            "UPDATE nudges SET state = 'cancelled'
             WHERE owner_id = $1 AND subject = $2 AND state = 'waiting'
               AND subject_id IN (SELECT id FROM conference_notices
                                  WHERE owner_id = $3 AND plan_id = $4)",
        )
        .bind(sql_id(owner.0))
        .bind(crate::domain::conference::CHANGED)
        .bind(sql_id(owner.0))
        .bind(plan.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let (notice,): (i64,) = on!(self, |c| sqlx::query_as(
            "INSERT INTO conference_notices (owner_id, plan_id, created_at)
             VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(sql_id(owner.0))
        .bind(plan.0)
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await)?;
        super::follow_ups::insert_nudge(
            &mut self.conn(),
            owner,
            crate::domain::conference::CHANGED,
            notice,
            window,
            due,
            now,
        )
        .await?;
        Ok(())
    }

    /// The state of the owner's live nudge about `subject` row `subject_id`, if any.
    pub async fn live_nudge_state(
        &mut self,
        owner: UserId,
        subject: &str,
        subject_id: i64,
    ) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = on!(self, |c| sqlx::query_as(
            "SELECT state FROM nudges
             WHERE owner_id = $1 AND subject = $2 AND subject_id = $3 AND state <> 'cancelled'",
        )
        .bind(sql_id(owner.0))
        .bind(subject)
        .bind(subject_id)
        .fetch_optional(&mut *c)
        .await)?;
        Ok(row.map(|(state,)| state))
    }

    /// See [`Store::conference_for_member`].
    pub async fn conference_for_member(
        &mut self,
        owner: UserId,
        id: ConferenceId,
    ) -> StoreResult<Option<Conference>> {
        conference_for_member(&mut self.conn(), owner, id).await
    }

    /// The owner's plan for a conference they met someone at: theirs already, or a new
    /// private one (they were there).
    pub async fn ensure_plan(
        &mut self,
        owner: UserId,
        conference: ConferenceId,
        now: DateTime<Utc>,
    ) -> StoreResult<PlanId> {
        if let Some(existing) = plan(&mut self.conn(), owner, conference).await? {
            return Ok(existing.id);
        }
        let (id,): (i64,) = on!(self, |c| sqlx::query_as(
            "INSERT INTO conference_plans (conference_id, owner_id, visibility, joined_at)
             VALUES ($1, $2, 'private', $3) RETURNING id",
        )
        .bind(conference.0)
        .bind(sql_id(owner.0))
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await)?;
        Ok(PlanId(id))
    }

    /// The owner's plan to go, with `visibility`; an existing plan takes the new visibility.
    pub async fn join(
        &mut self,
        owner: UserId,
        conference: ConferenceId,
        visibility: Visibility,
        now: DateTime<Utc>,
    ) -> StoreResult<Joined> {
        if let Some(existing) = plan(&mut self.conn(), owner, conference).await? {
            on!(self, |c| sqlx::query(
                "UPDATE conference_plans SET visibility = $1 WHERE owner_id = $2 AND id = $3"
            )
            .bind(visibility.code())
            .bind(sql_id(owner.0))
            .bind(existing.id.0)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
            return Ok(Joined::Already {
                plan: existing.id,
                was: existing.visibility,
            });
        }
        let (id,): (i64,) = on!(self, |c| sqlx::query_as(
            "INSERT INTO conference_plans (conference_id, owner_id, visibility, joined_at)
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(conference.0)
        .bind(sql_id(owner.0))
        .bind(visibility.code())
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await)?;
        Ok(Joined::New(PlanId(id)))
    }

    /// Deletes the owner's plan (its targets go with it) and cancels its nudges. Returns how
    /// many targets it held, or `None` if there was no plan.
    pub async fn leave(
        &mut self,
        owner: UserId,
        conference: ConferenceId,
    ) -> StoreResult<Option<u32>> {
        let Some(existing) = plan(&mut self.conn(), owner, conference).await? else {
            return Ok(None);
        };
        let (targets,): (i64,) = on!(self, |c| sqlx::query_as(
            "SELECT COUNT(*) FROM conference_targets WHERE owner_id = $1 AND plan_id = $2",
        )
        .bind(sql_id(owner.0))
        .bind(existing.id.0)
        .fetch_one(&mut *c)
        .await)?;
        // Every nudge about the plan goes with it, whatever its state (nudges name their
        // subject by id only).
        on!(self, |c| {
            sqlx::query(
            "DELETE FROM nudges WHERE owner_id = $1 AND subject IN ($2, $3, $4) AND subject_id = $5",
        )
        .bind(sql_id(owner.0))
        .bind(crate::domain::conference::WEEK_BEFORE)
        .bind(crate::domain::conference::DAY_BEFORE)
        .bind(crate::domain::conference::AFTER)
        .bind(existing.id.0)
        .execute(&mut *c)
        .await.map(|r| r.rows_affected())
        })?;
        on!(self, |c| sqlx::query(
            "DELETE FROM nudges WHERE owner_id = $1 AND subject = $2
               AND subject_id IN (SELECT id FROM conference_notices
                                  WHERE owner_id = $3 AND plan_id = $4)",
        )
        .bind(sql_id(owner.0))
        .bind(crate::domain::conference::CHANGED)
        .bind(sql_id(owner.0))
        .bind(existing.id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        on!(self, |c| sqlx::query(
            "DELETE FROM conference_targets WHERE owner_id = $1 AND plan_id = $2"
        )
        .bind(sql_id(owner.0))
        .bind(existing.id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        on!(self, |c| sqlx::query(
            "DELETE FROM conference_plans WHERE owner_id = $1 AND id = $2"
        )
        .bind(sql_id(owner.0))
        .bind(existing.id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(Some(u32::try_from(targets).unwrap_or(0)))
    }

    /// How many targets the owner's plan holds.
    pub async fn target_count(&mut self, owner: UserId, plan: PlanId) -> StoreResult<u32> {
        let (n,): (i64,) = on!(self, |c| sqlx::query_as(
            "SELECT COUNT(*) FROM conference_targets WHERE owner_id = $1 AND plan_id = $2",
        )
        .bind(sql_id(owner.0))
        .bind(plan.0)
        .fetch_one(&mut *c)
        .await)?;
        Ok(u32::try_from(n).unwrap_or(0))
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn add_target(
        &mut self,
        owner: UserId,
        plan: PlanId,
        kind: TargetKind,
        name: &str,
        note: Option<&str>,
        contact: Option<ContactId>,
        now: DateTime<Utc>,
    ) -> StoreResult<TargetId> {
        let (id,): (i64,) = on!(self, |c| sqlx::query_as(
            "INSERT INTO conference_targets (plan_id, owner_id, kind, name, note, contact_id,
                                             done, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, FALSE, $7) RETURNING id",
        )
        .bind(plan.0)
        .bind(sql_id(owner.0))
        .bind(kind.code())
        .bind(name)
        .bind(note)
        .bind(contact.map(|c| c.0))
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await)?;
        Ok(TargetId(id))
    }

    /// Marks one of the owner's targets done (or not); false if it is not theirs.
    pub async fn set_target_done(
        &mut self,
        owner: UserId,
        target: TargetId,
        done: bool,
    ) -> StoreResult<bool> {
        let changed = on!(self, |c| sqlx::query(
            "UPDATE conference_targets SET done = $1 WHERE owner_id = $2 AND id = $3"
        )
        .bind(done)
        .bind(sql_id(owner.0))
        .bind(target.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(changed == 1)
    }

    /// Deletes one of the owner's targets; false if it is not theirs.
    pub async fn remove_target(&mut self, owner: UserId, target: TargetId) -> StoreResult<bool> {
        let gone = on!(self, |c| sqlx::query(
            "DELETE FROM conference_targets WHERE owner_id = $1 AND id = $2"
        )
        .bind(sql_id(owner.0))
        .bind(target.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(gone == 1)
    }

    /// Schedules (or moves, or cancels with `None`) the owner's live nudge about `subject`
    /// row `subject_id`. One already claimed or sent is left as it is.
    pub async fn set_nudge(
        &mut self,
        owner: UserId,
        subject: &str,
        subject_id: i64,
        due: Option<(Window, DateTime<Utc>)>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.set_nudge_for(owner, subject, subject_id, due, now, false)
            .await
    }

    /// [`Tx::set_nudge`] after the dates it is about moved: one already sent (about the old
    /// dates) is retired and a new one scheduled. One being sent right now is left as it is.
    pub async fn rearm_nudge(
        &mut self,
        owner: UserId,
        subject: &str,
        subject_id: i64,
        due: Option<(Window, DateTime<Utc>)>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.set_nudge_for(owner, subject, subject_id, due, now, true)
            .await
    }

    async fn set_nudge_for(
        &mut self,
        owner: UserId,
        subject: &str,
        subject_id: i64,
        due: Option<(Window, DateTime<Utc>)>,
        now: DateTime<Utc>,
        rearm_sent: bool,
    ) -> StoreResult<()> {
        let live: Option<(i64, String)> = on!(self, |c| sqlx::query_as(
            "SELECT id, state FROM nudges
             WHERE owner_id = $1 AND subject = $2 AND subject_id = $3 AND state <> 'cancelled'",
        )
        .bind(sql_id(owner.0))
        .bind(subject)
        .bind(subject_id)
        .fetch_optional(&mut *c)
        .await)?;
        match (live, due) {
            (Some((id, state)), Some((window, at))) if state == "waiting" => {
                on!(self, |c| sqlx::query(
                    "UPDATE nudges SET ideal_on = $1, latest_on = $2, due_at = $3
                     WHERE owner_id = $4 AND id = $5 AND state = 'waiting'",
                )
                .bind(window.ideal)
                .bind(window.latest)
                .bind(sql_instant(at))
                .bind(sql_id(owner.0))
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
            }
            (Some((_, state)), None) if state == "waiting" => {
                self.cancel_nudge(owner, subject, subject_id).await?;
            }
            (Some((id, state)), Some((window, at))) if state == "sent" && rearm_sent => {
                on!(self, |c| sqlx::query(
                    "UPDATE nudges SET state = 'cancelled'
                     WHERE owner_id = $1 AND id = $2 AND state = 'sent'",
                )
                .bind(sql_id(owner.0))
                .bind(id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
                super::follow_ups::insert_nudge(
                    &mut self.conn(),
                    owner,
                    subject,
                    subject_id,
                    window,
                    at,
                    now,
                )
                .await?;
            }
            (Some(_), _) => {}
            (None, Some((window, at))) => {
                super::follow_ups::insert_nudge(
                    &mut self.conn(),
                    owner,
                    subject,
                    subject_id,
                    window,
                    at,
                    now,
                )
                .await?;
            }
            (None, None) => {}
        }
        Ok(())
    }

    /// Cancels the owner's waiting nudge about `subject` row `subject_id`.
    pub async fn cancel_nudge(
        &mut self,
        owner: UserId,
        subject: &str,
        subject_id: i64,
    ) -> StoreResult<()> {
        on!(self, |c| sqlx::query(
            "UPDATE nudges SET state = 'cancelled'
             WHERE owner_id = $1 AND subject = $2 AND subject_id = $3 AND state = 'waiting'",
        )
        .bind(sql_id(owner.0))
        .bind(subject)
        .bind(subject_id)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

/// A channel post about a conference: a member's shared plan, or an officer's announcement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConferencePost {
    pub id: i64,
    pub kind: String,
    pub conference: ConferenceId,
    pub author: UserId,
    pub guild_id: u64,
    pub channel_id: u64,
    pub message_id: Option<u64>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
    pub gone: bool,
}

#[derive(sqlx::FromRow)]
struct PostRow {
    id: i64,
    kind: String,
    conference_id: i64,
    author_id: i64,
    guild_id: i64,
    channel_id: i64,
    message_id: Option<i64>,
    note: Option<String>,
    created_at: i64,
    gone_at: Option<i64>,
}

impl TryFrom<PostRow> for ConferencePost {
    type Error = StoreError;

    fn try_from(r: PostRow) -> StoreResult<ConferencePost> {
        Ok(ConferencePost {
            id: r.id,
            kind: r.kind,
            conference: ConferenceId(r.conference_id),
            author: UserId(from_sql_id(r.author_id)),
            guild_id: from_sql_id(r.guild_id),
            channel_id: from_sql_id(r.channel_id),
            message_id: r.message_id.map(from_sql_id),
            note: r.note,
            created_at: super::from_sql_instant(r.created_at)?,
            gone: r.gone_at.is_some(),
        })
    }
}

const POST_COLUMNS: &str = "id, kind, conference_id, author_id, guild_id, channel_id, message_id,
    note, created_at, gone_at";

impl Store {
    /// Remembers (or forgets) the Discord scheduled event mirroring a conference.
    pub async fn set_conference_event(
        &self,
        guild: GuildId,
        id: ConferenceId,
        event: Option<u64>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_locked(guild.0).await?;
        tx.set_conference_event(guild, id, event).await?;
        tx.commit().await
    }

    /// A conference post by id.
    pub async fn conference_post(&self, id: i64) -> StoreResult<Option<ConferencePost>> {
        let row: Option<PostRow> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM conference_posts WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(c)
        .await)?;
        row.map(ConferencePost::try_from).transpose()
    }

    /// Records a post about to be sent — or returns the author's post of the same kind about
    /// the same conference in the same channel whose sending never finished (its nonce makes
    /// a resend come back as the same message).
    #[allow(clippy::too_many_arguments)]
    pub async fn begin_conference_post(
        &self,
        kind: &str,
        conference: ConferenceId,
        author: UserId,
        guild_id: u64,
        channel_id: u64,
        note: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<ConferencePost> {
        let mut tx = self.begin_locked(author.0).await?;
        let unfinished: Option<PostRow> = on!(tx, |c| sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM conference_posts
             WHERE author_id = $1 AND kind = $2 AND conference_id = $3 AND channel_id = $4
               AND message_id IS NULL AND gone_at IS NULL
             ORDER BY id DESC LIMIT 1"
        ))
        .bind(sql_id(author.0))
        .bind(kind)
        .bind(conference.0)
        .bind(sql_id(channel_id))
        .fetch_optional(&mut *c)
        .await)?;
        let row = match unfinished {
            Some(row) => {
                on!(tx, |c| sqlx::query(
                    "UPDATE conference_posts SET note = $1 WHERE id = $2"
                )
                .bind(note)
                .bind(row.id)
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
                PostRow {
                    note: note.map(str::to_owned),
                    ..row
                }
            }
            None => on!(tx, |c| sqlx::query_as(&format!(
                "INSERT INTO conference_posts (kind, conference_id, author_id, guild_id,
                                                   channel_id, note, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {POST_COLUMNS}"
            ))
            .bind(kind)
            .bind(conference.0)
            .bind(sql_id(author.0))
            .bind(sql_id(guild_id))
            .bind(sql_id(channel_id))
            .bind(note)
            .bind(sql_instant(now))
            .fetch_one(&mut *c)
            .await)?,
        };
        tx.commit().await?;
        ConferencePost::try_from(row)
    }

    /// The message Discord created for a post; false when the post was taken down meanwhile.
    pub async fn set_conference_post_message(&self, id: i64, message: u64) -> StoreResult<bool> {
        let done = on!(pool & self.pool, |c| sqlx::query(
            "UPDATE conference_posts SET message_id = $1 WHERE id = $2 AND gone_at IS NULL",
        )
        .bind(sql_id(message))
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// The author's shared plans still in a channel (or maybe: sent without an answer).
    pub async fn live_conference_shares(&self, author: UserId) -> StoreResult<Vec<ConferencePost>> {
        let rows: Vec<PostRow> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT {POST_COLUMNS} FROM conference_posts
             WHERE author_id = $1 AND kind = 'share' AND gone_at IS NULL ORDER BY id"
        ))
        .bind(sql_id(author.0))
        .fetch_all(c)
        .await)?;
        rows.into_iter().map(ConferencePost::try_from).collect()
    }

    /// Marks a post taken down (or never posted).
    pub async fn conference_post_gone(&self, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        on!(pool & self.pool, |c| sqlx::query(
            "UPDATE conference_posts SET gone_at = $1 WHERE id = $2 AND gone_at IS NULL"
        )
        .bind(sql_instant(now))
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
