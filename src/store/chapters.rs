//! Chapters (servers) and the settings their officers chose.

use super::engine::on;
use chrono::{DateTime, Utc};

use super::{from_sql_id, from_sql_instant, sql_id, sql_instant, Store, StoreError, StoreResult};
use crate::domain::{ChannelId, Chapter, GuildId, RoleId, TimeZone, UserId};

#[derive(sqlx::FromRow)]
struct ChapterRow {
    guild_id: i64,
    officer_role_id: Option<i64>,
    fallback_channel_id: Option<i64>,
    configured_by: Option<i64>,
    configured_at: Option<i64>,
    timezone: Option<String>,
    match_day: Option<chrono::NaiveDate>,
    members_add_programs: bool,
    member_count: i64,
}

impl Store {
    pub async fn chapter(&self, guild: GuildId) -> StoreResult<Option<Chapter>> {
        let row: Option<ChapterRow> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT c.guild_id, c.officer_role_id, c.fallback_channel_id, c.configured_by,
                    c.configured_at, c.timezone, c.match_day, c.members_add_programs,
                    (SELECT COUNT(*) FROM chapter_members m WHERE m.guild_id = c.guild_id)
                        AS member_count
             FROM chapters c WHERE c.guild_id = $1",
        )
        .bind(sql_id(guild.0))
        .fetch_optional(c)
        .await)?;
        row.map(|r| {
            Ok(Chapter {
                guild_id: GuildId(from_sql_id(r.guild_id)),
                officer_role: r.officer_role_id.map(|id| RoleId(from_sql_id(id))),
                fallback_channel: r.fallback_channel_id.map(|id| ChannelId(from_sql_id(id))),
                configured_by: r.configured_by.map(|id| UserId(from_sql_id(id))),
                configured_at: r.configured_at.map(from_sql_instant).transpose()?,
                timezone: r
                    .timezone
                    .map(|z| {
                        TimeZone::parse(&z).map_err(|_| StoreError::Corrupt {
                            what: "chapter time zone",
                            value: z,
                        })
                    })
                    .transpose()?,
                match_day: r.match_day,
                members_add_programs: r.members_add_programs,
                member_count: u64::try_from(r.member_count).unwrap_or(0),
            })
        })
        .transpose()
    }

    /// Stores the officer role, fallback channel and (when given) time zone an officer picked
    /// for the chapter; a zone not given keeps the one chosen before.
    pub async fn configure_chapter(
        &self,
        guild: GuildId,
        officer_role: RoleId,
        fallback_channel: ChannelId,
        timezone: Option<TimeZone>,
        by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_locked(guild.0).await?;
        tx.configure_chapter(guild, officer_role, fallback_channel, timezone, by, now)
            .await?;
        tx.commit().await
    }
}

/// A chapter's raw figures: each a value and how many members are behind it. Members are
/// those who used the bot in the server.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChapterFigures {
    pub members: u32,
    pub contacts_month: (u32, u32),
    /// Follow-ups closed done in the last 30 days: (on time, all, members).
    pub done_30: (u32, u32, u32),
    pub done_90: (u32, u32, u32),
    pub stories: (u32, u32),
    pub shares: (u32, u32),
    pub sign_ups: (u32, u32),
    /// Interests marked at the chapter's fairs, and by how many members.
    pub fair_interests: (u32, u32),
}

impl Store {
    /// The figures `/chapter stats` shows, counted over the chapter's members only.
    pub async fn chapter_figures(
        &self,
        guild: GuildId,
        month_start: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> StoreResult<ChapterFigures> {
        let g = sql_id(guild.0);
        let pair = |row: (i64, i64)| {
            (
                u32::try_from(row.0).unwrap_or(0),
                u32::try_from(row.1).unwrap_or(0),
            )
        };
        let (members,): (i64,) = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT COUNT(*) FROM chapter_members WHERE guild_id = $1"
        )
        .bind(g)
        .fetch_one(c)
        .await)?;
        let contacts: (i64, i64) = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT c.owner_id) FROM contacts c
             JOIN chapter_members m ON m.user_id = c.owner_id AND m.guild_id = $1
             WHERE c.created_at >= $2",
        )
        .bind(g)
        .bind(sql_instant(month_start))
        .fetch_one(c)
        .await)?;
        let done = |days: i64| {
            let pool = self.pool.clone();
            let since = sql_instant(now - chrono::Duration::days(days));
            async move {
                let rows: Vec<(i64, chrono::NaiveDate, i64)> =
                    on!(pool & pool, |c| sqlx::query_as(
                        "SELECT f.closed_at, f.latest_on, f.owner_id FROM follow_ups f
                     JOIN chapter_members m ON m.user_id = f.owner_id AND m.guild_id = $1
                     WHERE f.state = 'done' AND f.closed_at >= $2",
                    )
                    .bind(g)
                    .bind(since)
                    .fetch_all(c)
                    .await)?;
                // On time: closed no later than its latest day (read in UTC).
                let on_time = rows
                    .iter()
                    .filter(|(closed, latest, _)| {
                        DateTime::from_timestamp(*closed, 0)
                            .is_some_and(|at| at.date_naive() <= *latest)
                    })
                    .count();
                let mut owners: Vec<i64> = rows.iter().map(|(_, _, o)| *o).collect();
                owners.sort_unstable();
                owners.dedup();
                Ok::<(u32, u32, u32), StoreError>((
                    u32::try_from(on_time).unwrap_or(0),
                    u32::try_from(rows.len()).unwrap_or(0),
                    u32::try_from(owners.len()).unwrap_or(0),
                ))
            }
        };
        let stories: (i64, i64) = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT s.owner_id) FROM stories s
             JOIN chapter_members m ON m.user_id = s.owner_id AND m.guild_id = $1",
        )
        .bind(g)
        .fetch_one(c)
        .await)?;
        let shares: (i64, i64) = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT owner_id) FROM story_shares WHERE guild_id = $1",
        )
        .bind(g)
        .fetch_one(c)
        .await)?;
        let sign_ups: (i64, i64) = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT p.owner_id) FROM conference_plans p
             JOIN conferences c ON c.id = p.conference_id
             WHERE c.guild_id = $1",
        )
        .bind(g)
        .fetch_one(c)
        .await)?;
        let fair_interests: (i64, i64) = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT COUNT(*), COUNT(DISTINCT i.owner_id) FROM fair_interests i
             JOIN fair_programs p ON p.id = i.fair_program_id
             JOIN fairs f ON f.id = p.fair_id
             WHERE f.guild_id = $1",
        )
        .bind(g)
        .fetch_one(c)
        .await)?;
        Ok(ChapterFigures {
            fair_interests: pair(fair_interests),
            members: u32::try_from(members).unwrap_or(0),
            contacts_month: pair(contacts),
            done_30: done(30).await?,
            done_90: done(90).await?,
            stories: pair(stories),
            shares: pair(shares),
            sign_ups: pair(sign_ups),
        })
    }
}

impl super::Tx {
    /// Stores the officer role, fallback channel and (when given) time zone an officer picked
    /// for the chapter; a zone not given keeps the one chosen before.
    pub async fn configure_chapter(
        &mut self,
        guild: GuildId,
        officer_role: RoleId,
        fallback_channel: ChannelId,
        timezone: Option<TimeZone>,
        by: UserId,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        on!(self, |c| sqlx::query(
            "INSERT INTO chapters (guild_id, officer_role_id, fallback_channel_id, timezone,
                                   configured_by, configured_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (guild_id) DO UPDATE SET
                 officer_role_id = excluded.officer_role_id,
                 fallback_channel_id = excluded.fallback_channel_id,
                 timezone = COALESCE(excluded.timezone, chapters.timezone),
                 configured_by = excluded.configured_by,
                 configured_at = excluded.configured_at",
        )
        .bind(sql_id(guild.0))
        .bind(sql_id(officer_role.0))
        .bind(sql_id(fallback_channel.0))
        .bind(timezone.map(|z| z.to_string()))
        .bind(sql_id(by.0))
        .bind(sql_instant(now))
        .bind(sql_instant(now))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The chapter's Match Day and whether members may add fair programs; `None` keeps each
    /// as it was.
    pub async fn set_chapter_extras(
        &mut self,
        guild: GuildId,
        match_day: Option<chrono::NaiveDate>,
        members_add_programs: Option<bool>,
    ) -> StoreResult<()> {
        on!(self, |c| sqlx::query(
            "UPDATE chapters SET match_day = COALESCE($1, match_day),
                    members_add_programs = COALESCE($2, members_add_programs)
             WHERE guild_id = $3",
        )
        .bind(match_day)
        .bind(members_add_programs)
        .bind(sql_id(guild.0))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}

/// What forgetting a server removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forgotten {
    pub chapter: bool,
    pub story_shares: u64,
}

impl Store {
    /// The bot was removed from `guild`: what was shared with that server only goes — its
    /// chapter (settings, calendar, plans for its conferences, fairs, questions, practice),
    /// the members' shares and posts there. Members' personal lists stay (a contact met at one
    /// of its conferences keeps everything but the link).
    pub async fn forget_guild(&self, guild: GuildId, now: DateTime<Utc>) -> StoreResult<Forgotten> {
        let g = sql_id(guild.0);
        let mut tx = self.begin_locked(guild.0).await?;
        // The server's plans' nudges are held first, so a claim cannot take one between the
        // reads and the deletes below (it would be sent while its follow-ups got their own).
        let lock = tx.engine().for_update();
        on!(tx, |c| sqlx::query(&format!(
            "SELECT n.id FROM nudges n
             WHERE n.subject IN ($1, $2, $3, $4) AND n.state <> 'cancelled'
               AND (n.subject_id IN (SELECT p.id FROM conference_plans p
                                     JOIN conferences c ON c.id = p.conference_id
                                     WHERE c.guild_id = $5)
                    OR n.subject_id IN (SELECT x.id FROM conference_notices x
                                        JOIN conference_plans p ON p.id = x.plan_id
                                        JOIN conferences c ON c.id = p.conference_id
                                        WHERE c.guild_id = $5))
             {lock}"
        ))
        .bind(crate::domain::conference::WEEK_BEFORE)
        .bind(crate::domain::conference::DAY_BEFORE)
        .bind(crate::domain::conference::AFTER)
        .bind(crate::domain::conference::CHANGED)
        .bind(g)
        .fetch_all(&mut *c)
        .await
        .map(|rows| rows.len()))?;
        // Follow-ups nudged together for one of its conferences, while that common nudge
        // still waits, get nudges of their own: the member keeps them.
        on!(tx, |c| sqlx::query(
            "INSERT INTO nudges (owner_id, subject, subject_id, ideal_on, latest_on, due_at,
                                 state, created_at)
             SELECT f.owner_id, 'follow_up', f.id, f.ideal_on, f.latest_on, f.due_at,
                    'waiting', $1
             FROM follow_ups f
             JOIN contacts c ON c.id = f.contact_id
             JOIN conference_plans p ON p.conference_id = c.conference_id
                                    AND p.owner_id = f.owner_id
             JOIN conferences k ON k.id = p.conference_id
             WHERE k.guild_id = $2 AND f.state = 'pending' AND f.kind = 'after_meeting'
               AND EXISTS (SELECT 1 FROM nudges g WHERE g.owner_id = f.owner_id
                           AND g.subject = $3 AND g.subject_id = p.id AND g.state = 'waiting')
               AND NOT EXISTS (SELECT 1 FROM nudges n WHERE n.subject = 'follow_up'
                               AND n.subject_id = f.id AND n.state <> 'cancelled')",
        )
        .bind(sql_instant(now))
        .bind(g)
        .bind(crate::domain::conference::AFTER)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        // Nudges name their subject by id only: those about the server's plans go first.
        on!(tx, |c| sqlx::query(
            "DELETE FROM nudges WHERE subject IN ($1, $2, $3) AND subject_id IN
               (SELECT p.id FROM conference_plans p JOIN conferences c ON c.id = p.conference_id
                WHERE c.guild_id = $4)",
        )
        .bind(crate::domain::conference::WEEK_BEFORE)
        .bind(crate::domain::conference::DAY_BEFORE)
        .bind(crate::domain::conference::AFTER)
        .bind(g)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        on!(tx, |c| sqlx::query(
            "DELETE FROM nudges WHERE subject = $1 AND subject_id IN
               (SELECT n.id FROM conference_notices n
                JOIN conference_plans p ON p.id = n.plan_id
                JOIN conferences c ON c.id = p.conference_id WHERE c.guild_id = $2)",
        )
        .bind(crate::domain::conference::CHANGED)
        .bind(g)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        // Follow-ups nudged together for one of its conferences get their own nudges back:
        // the member keeps them, so they are simply no longer grouped.
        on!(tx, |c| sqlx::query(
            "UPDATE contacts SET conference_id = NULL
             WHERE conference_id IN (SELECT id FROM conferences WHERE guild_id = $1)",
        )
        .bind(g)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let shares = on!(tx, |c| sqlx::query(
            "DELETE FROM story_shares WHERE guild_id = $1"
        )
        .bind(g)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        on!(tx, |c| sqlx::query(
            "DELETE FROM conference_posts WHERE guild_id = $1"
        )
        .bind(g)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let chapter = on!(tx, |c| sqlx::query(
            "DELETE FROM chapters WHERE guild_id = $1"
        )
        .bind(g)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        self.forget_presences(|(_, server)| *server == guild.0);
        Ok(Forgotten {
            chapter: chapter == 1,
            story_shares: shares,
        })
    }
}
