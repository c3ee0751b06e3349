//! The member's season milestones and what they logged, for `/season`. Keyed by the owner.

use super::engine::{on, Conn};
use chrono::{DateTime, NaiveDate, Utc};

use super::{sql_id, sql_instant, Store, StoreError, StoreResult, Tx};
use crate::domain::season::{Logged, Milestone, MilestoneId, MilestoneKind};
use crate::domain::UserId;

#[derive(sqlx::FromRow)]
struct MilestoneRow {
    id: i64,
    kind: String,
    starts_on: Option<NaiveDate>,
    on_day: NaiveDate,
    label: Option<String>,
}

impl TryFrom<MilestoneRow> for Milestone {
    type Error = StoreError;

    fn try_from(r: MilestoneRow) -> StoreResult<Milestone> {
        Ok(Milestone {
            id: MilestoneId(r.id),
            kind: MilestoneKind::from_code(&r.kind).ok_or(StoreError::Corrupt {
                what: "milestone kind",
                value: r.kind.clone(),
            })?,
            starts_on: r.starts_on,
            on: r.on_day,
            label: r.label,
        })
    }
}

async fn milestones(conn: &mut Conn<'_>, owner: UserId) -> StoreResult<Vec<Milestone>> {
    let rows: Vec<MilestoneRow> = on!(conn, |c| sqlx::query_as(
        "SELECT id, kind, starts_on, on_day, label FROM milestones
         WHERE owner_id = $1 ORDER BY COALESCE(starts_on, on_day), id",
    )
    .bind(sql_id(owner.0))
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter().map(Milestone::try_from).collect()
}

impl Store {
    /// The owner's milestones, soonest first.
    pub async fn milestones(&self, owner: UserId) -> StoreResult<Vec<Milestone>> {
        milestones(&mut self.held().await?.engine(), owner).await
    }

    /// What the owner logged that the season checklist can tick.
    pub async fn logged(&self, owner: UserId) -> StoreResult<Logged> {
        let id = sql_id(owner.0);
        let count = |sql: &'static str| {
            let pool = self.pool.clone();
            async move {
                let (n,): (i64,) = on!(pool & pool, |c| sqlx::query_as(sql)
                    .bind(id)
                    .fetch_one(c)
                    .await)?;
                Ok::<u32, StoreError>(u32::try_from(n).unwrap_or(0))
            }
        };
        Ok(Logged {
            contacts: count("SELECT COUNT(*) FROM contacts WHERE owner_id = $1").await?,
            met_at_interest_group: count(
                "SELECT COUNT(*) FROM contacts WHERE owner_id = $1 AND met_kind = 'interest_group'",
            )
            .await?,
            met_shadowing: count(
                "SELECT COUNT(*) FROM contacts WHERE owner_id = $1 AND met_kind = 'shadowing'",
            )
            .await?,
            mentors: count(
                "SELECT COUNT(*) FROM contacts WHERE owner_id = $1 AND relationship = 'mentor'",
            )
            .await?,
            faculty: count(
                "SELECT COUNT(*) FROM contacts WHERE owner_id = $1
                   AND role IN ('attending', 'program_director', 'apd', 'clerkship_director', 'faculty_advisor')",
            )
            .await?,
            met_on_rotation: count(
                "SELECT COUNT(*) FROM contacts WHERE owner_id = $1
                   AND met_kind IN ('home_rotation', 'away_rotation')",
            )
            .await?,
            away_rotations: count(
                "SELECT COUNT(*) FROM milestones WHERE owner_id = $1 AND kind = 'away_rotation'",
            )
            .await?,
            conferences: count("SELECT COUNT(*) FROM conference_plans WHERE owner_id = $1").await?,
            letters_asked: count("SELECT COUNT(*) FROM letters WHERE owner_id = $1").await?,
            has_story: count("SELECT COUNT(*) FROM stories WHERE owner_id = $1").await? > 0,
        })
    }
}

impl Tx {
    pub async fn milestones(&mut self, owner: UserId) -> StoreResult<Vec<Milestone>> {
        milestones(&mut self.conn(), owner).await
    }

    /// Adds a milestone for the owner.
    pub async fn add_milestone(
        &mut self,
        owner: UserId,
        kind: MilestoneKind,
        starts_on: Option<NaiveDate>,
        on: NaiveDate,
        label: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<MilestoneId> {
        let (id,): (i64,) = on!(self, |c| sqlx::query_as(
            "INSERT INTO milestones (owner_id, kind, starts_on, on_day, label, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(sql_id(owner.0))
        .bind(kind.code())
        .bind(starts_on)
        .bind(on)
        .bind(label)
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await)?;
        Ok(MilestoneId(id))
    }

    /// Deletes one of the owner's milestones with every nudge about it; false if it is not
    /// theirs.
    pub async fn remove_milestone(&mut self, owner: UserId, id: MilestoneId) -> StoreResult<bool> {
        on!(self, |c| sqlx::query(
            "DELETE FROM nudges WHERE owner_id = $1 AND subject IN ($2, $3) AND subject_id = $4",
        )
        .bind(sql_id(owner.0))
        .bind(crate::domain::season::WEEK_BEFORE)
        .bind(crate::domain::season::LETTERS_DUE)
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let gone = on!(self, |c| sqlx::query(
            "DELETE FROM milestones WHERE owner_id = $1 AND id = $2"
        )
        .bind(sql_id(owner.0))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(gone == 1)
    }
}
