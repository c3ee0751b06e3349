//! A chapter's fairs (keyed by the server), their programs, and members' interest (keyed by
//! the member).

use super::engine::on;
use chrono::{DateTime, NaiveDate, Utc};

use super::{from_sql_id, sql_id, sql_instant, Store, StoreResult, Tx};
use crate::domain::fair::{Fair, FairId, FairProgram, FairProgramId};
use crate::domain::{GuildId, UserId};

#[derive(sqlx::FromRow)]
struct FairRow {
    id: i64,
    name: String,
    on_day: NaiveDate,
    conference_id: Option<i64>,
    members_add_programs: bool,
}

impl From<FairRow> for Fair {
    fn from(r: FairRow) -> Fair {
        Fair {
            id: FairId(r.id),
            name: r.name,
            on: r.on_day,
            conference: r.conference_id,
            members_add_programs: r.members_add_programs,
        }
    }
}

/// A fair program's id, name, city, notes and how many members marked it.
type ProgramCountRow = (i64, String, Option<String>, Option<String>, i64);

impl Store {
    /// The chapter's next fair: the soonest on or after `today`.
    pub async fn next_fair(&self, guild: GuildId, today: NaiveDate) -> StoreResult<Option<Fair>> {
        let row: Option<FairRow> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT id, name, on_day, conference_id, members_add_programs FROM fairs
             WHERE guild_id = $1 AND on_day >= $2 ORDER BY on_day, id LIMIT 1",
        )
        .bind(sql_id(guild.0))
        .bind(today)
        .fetch_optional(c)
        .await)?;
        Ok(row.map(Fair::from))
    }

    /// A fair's programs, the most wanted first, with the names of members who chose to show
    /// theirs (everyone else is only counted).
    pub async fn fair_programs(&self, fair: FairId) -> StoreResult<Vec<FairProgram>> {
        let rows: Vec<ProgramCountRow> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT p.id, p.name, p.city, p.notes,
                    (SELECT COUNT(*) FROM fair_interests i WHERE i.fair_program_id = p.id)
             FROM fair_programs p WHERE p.fair_id = $1 ORDER BY p.name_folded",
        )
        .bind(fair.0)
        .fetch_all(c)
        .await)?;
        let mut out = Vec::with_capacity(rows.len());
        for (id, name, city, notes, interested) in rows {
            let named: Vec<(i64,)> = on!(pool & self.pool, |c| sqlx::query_as(
                "SELECT owner_id FROM fair_interests
                 WHERE fair_program_id = $1 AND show_name ORDER BY created_at, owner_id",
            )
            .bind(id)
            .fetch_all(c)
            .await)?;
            out.push(FairProgram {
                id: FairProgramId(id),
                name,
                city,
                notes,
                interested: u32::try_from(interested).unwrap_or(0),
                named: named.into_iter().map(|(u,)| from_sql_id(u)).collect(),
            });
        }
        out.sort_by(|a, b| b.interested.cmp(&a.interested).then(a.name.cmp(&b.name)));
        Ok(out)
    }

    /// The fair's programs the owner marked interest in.
    pub async fn fair_interests_of(
        &self,
        owner: UserId,
        fair: FairId,
    ) -> StoreResult<Vec<(FairProgramId, String, bool)>> {
        let rows: Vec<(i64, String, bool)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT p.id, p.name, i.show_name FROM fair_interests i
             JOIN fair_programs p ON p.id = i.fair_program_id
             WHERE i.owner_id = $1 AND p.fair_id = $2 ORDER BY p.name_folded",
        )
        .bind(sql_id(owner.0))
        .bind(fair.0)
        .fetch_all(c)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(id, name, show)| (FairProgramId(id), name, show))
            .collect())
    }
}

impl Tx {
    #[allow(clippy::too_many_arguments)]
    pub async fn add_fair(
        &mut self,
        guild: GuildId,
        name: &str,
        on: NaiveDate,
        conference: Option<i64>,
        members_add_programs: bool,
        by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<FairId> {
        self.ensure_chapter(guild, now).await?;
        let (id,): (i64,) = on!(self, |c| sqlx::query_as(
            "INSERT INTO fairs (guild_id, conference_id, name, on_day, members_add_programs,
                                created_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(sql_id(guild.0))
        .bind(conference)
        .bind(name)
        .bind(on)
        .bind(members_add_programs)
        .bind(sql_id(by.0))
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await)?;
        Ok(FairId(id))
    }

    /// Adds a program to a fair; `None` when the fair already lists one of that name.
    pub async fn add_fair_program(
        &mut self,
        fair: FairId,
        name: &str,
        city: Option<&str>,
        notes: Option<&str>,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<FairProgramId>> {
        let row: Option<(i64,)> = on!(self, |c| sqlx::query_as(
            "INSERT INTO fair_programs (fair_id, name, name_folded, city, notes, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (fair_id, name_folded) DO NOTHING RETURNING id",
        )
        .bind(fair.0)
        .bind(name)
        .bind(name.to_lowercase())
        .bind(city)
        .bind(notes)
        .bind(sql_instant(now))
        .fetch_optional(&mut *c)
        .await)?;
        Ok(row.map(|(id,)| FairProgramId(id)))
    }

    /// The program of `fair` with this id, if it is that fair's.
    pub async fn fair_program_in(
        &mut self,
        fair: FairId,
        id: FairProgramId,
    ) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = on!(self, |c| sqlx::query_as(
            "SELECT name FROM fair_programs WHERE fair_id = $1 AND id = $2"
        )
        .bind(fair.0)
        .bind(id.0)
        .fetch_optional(&mut *c)
        .await)?;
        Ok(row.map(|(n,)| n))
    }

    /// The owner's interest in a fair program; false when they had marked it already.
    pub async fn add_fair_interest(
        &mut self,
        owner: UserId,
        program: FairProgramId,
        show_name: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on!(self, |c| sqlx::query(
            "INSERT INTO fair_interests (fair_program_id, owner_id, show_name, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (fair_program_id, owner_id) DO NOTHING",
        )
        .bind(program.0)
        .bind(sql_id(owner.0))
        .bind(show_name)
        .bind(sql_instant(now))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}

impl Store {
    /// The chapter's questions (for `audience`, or all), the most voted first; the bank is
    /// seeded from the guide's themes the first time it is read.
    pub async fn fair_questions(
        &self,
        guild: GuildId,
        audience: Option<crate::domain::fair::Audience>,
        now: DateTime<Utc>,
    ) -> StoreResult<Vec<crate::domain::fair::Question>> {
        let mut tx = self.begin_locked(guild.0).await?;
        let (any,): (i64,) = on!(tx, |c| sqlx::query_as(
            "SELECT COUNT(*) FROM fair_questions WHERE guild_id = $1"
        )
        .bind(sql_id(guild.0))
        .fetch_one(&mut *c)
        .await)?;
        if any == 0 {
            tx.ensure_chapter(guild, now).await?;
            for (who, text) in crate::domain::fair::SEED_QUESTIONS {
                on!(tx, |c| sqlx::query(
                    "INSERT INTO fair_questions (guild_id, audience, text, created_at)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(sql_id(guild.0))
                .bind(who.code())
                .bind(*text)
                .bind(sql_instant(now))
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
            }
        }
        let rows: Vec<(i64, String, String, i64)> = on!(tx, |c| sqlx::query_as(
            "SELECT q.id, q.audience, q.text,
                    (SELECT COUNT(*) FROM fair_votes v WHERE v.question_id = q.id) AS votes
             FROM fair_questions q
             WHERE q.guild_id = $1 AND q.removed_at IS NULL AND ($2 IS NULL OR q.audience = $3)
             ORDER BY votes DESC, q.id",
        )
        .bind(sql_id(guild.0))
        .bind(audience.map(|a| a.code()))
        .bind(audience.map(|a| a.code()))
        .fetch_all(&mut *c)
        .await)?;
        tx.commit().await?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, who, text, votes)| {
                Some(crate::domain::fair::Question {
                    id,
                    audience: crate::domain::fair::Audience::from_code(&who)?,
                    text,
                    votes: u32::try_from(votes).unwrap_or(0),
                })
            })
            .collect())
    }

    pub async fn add_fair_question(
        &self,
        guild: GuildId,
        audience: crate::domain::fair::Audience,
        text: &str,
        by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_locked(guild.0).await?;
        tx.ensure_chapter(guild, now).await?;
        on!(tx, |c| sqlx::query(
            "INSERT INTO fair_questions (guild_id, audience, text, author_id, created_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(sql_id(guild.0))
        .bind(audience.code())
        .bind(text)
        .bind(sql_id(by.0))
        .bind(sql_instant(now))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await
    }

    /// One up-vote of `voter` on a question of `guild`: `None` when it is not that chapter's
    /// question, `Some(false)` when they had voted already.
    pub async fn vote_fair_question(
        &self,
        guild: GuildId,
        question: i64,
        voter: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<bool>> {
        let mut tx = self.begin_locked(guild.0).await?;
        let found: Option<(i64,)> = on!(tx, |c| {
            sqlx::query_as(
            "SELECT id FROM fair_questions WHERE guild_id = $1 AND id = $2 AND removed_at IS NULL",
        )
        .bind(sql_id(guild.0))
        .bind(question)
        .fetch_optional(&mut *c)
        .await
        })?;
        if found.is_none() {
            return Ok(None);
        }
        tx.ensure_member(voter, now).await?;
        let done = on!(tx, |c| sqlx::query(
            "INSERT INTO fair_votes (question_id, voter_id) VALUES ($1, $2)
             ON CONFLICT (question_id, voter_id) DO NOTHING",
        )
        .bind(question)
        .bind(sql_id(voter.0))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(Some(done == 1))
    }

    /// Takes a question of `guild` out of the bank; false if it is not there.
    pub async fn remove_fair_question(
        &self,
        guild: GuildId,
        question: i64,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on!(pool & self.pool, |c| sqlx::query(
            "UPDATE fair_questions SET removed_at = $1
             WHERE guild_id = $2 AND id = $3 AND removed_at IS NULL",
        )
        .bind(sql_instant(now))
        .bind(sql_id(guild.0))
        .bind(question)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }
}
