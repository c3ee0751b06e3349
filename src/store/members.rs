//! Members and where they have used the bot.

use super::engine::{on, Conn};
use chrono::{DateTime, Utc};

use super::{from_sql_id, sql_id, sql_instant, Store, StoreError, StoreResult, Tx};
use crate::domain::{DmPreferences, GuildId, Member, Stage, TimeZone, UserId};

/// A member setting stored in its own column (names are ours, never user input).
#[derive(Debug, Clone, Copy)]
pub(super) enum MemberColumn {
    Timezone,
    Stage,
    NudgeHour,
    DmsEnabled,
    MatchDay,
}

impl MemberColumn {
    fn name(self) -> &'static str {
        match self {
            MemberColumn::Timezone => "timezone",
            MemberColumn::Stage => "stage",
            MemberColumn::NudgeHour => "nudge_hour",
            MemberColumn::DmsEnabled => "dms_enabled",
            MemberColumn::MatchDay => "match_day",
        }
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: i64,
    timezone: Option<String>,
    stage: Option<String>,
    dms_enabled: bool,
    nudge_hour: i64,
}

/// What `/me show` tells a member about themselves, read in one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub member: Member,
    pub dms_closed: bool,
    /// Theirs, or their one chapter's.
    pub match_day: Option<chrono::NaiveDate>,
    pub contacts: u32,
    /// Servers where they used the bot.
    pub chapters: u32,
}

#[derive(sqlx::FromRow)]
struct OverviewRow {
    #[sqlx(flatten)]
    member: MemberRow,
    dms_closed: bool,
    match_day: Option<chrono::NaiveDate>,
    contacts: i64,
    chapters: i64,
}

/// The member's settings with what `/me show` adds: their DM state, Match Day (theirs, or their
/// one chapter's), and how many contacts and chapters they have.
const OVERVIEW: &str = "SELECT m.user_id, m.timezone, m.stage, m.dms_enabled, m.nudge_hour,
        m.dms_closed_at IS NOT NULL AS dms_closed,
        COALESCE(m.match_day,
          (SELECT ch.match_day FROM chapters ch
           JOIN chapter_members cm ON cm.guild_id = ch.guild_id
           WHERE cm.user_id = m.user_id
             AND (SELECT COUNT(*) FROM chapter_members x WHERE x.user_id = m.user_id) = 1))
          AS match_day,
        (SELECT COUNT(*) FROM contacts WHERE owner_id = m.user_id) AS contacts,
        (SELECT COUNT(*) FROM chapter_members WHERE user_id = m.user_id) AS chapters
 FROM members m WHERE m.user_id = $1";

impl OverviewRow {
    /// The row as [`crate::db::SqliteDb::read_here`] reads it (the columns of [`OVERVIEW`]).
    fn read_here(row: &rusqlite::Row<'_>) -> rusqlite::Result<OverviewRow> {
        let match_day: Option<String> = row.get("match_day")?;
        let match_day = match_day
            .map(|day| {
                chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d").map_err(|e| {
                    rusqlite::Error::FromSqlConversionFailure(
                        0,
                        rusqlite::types::Type::Text,
                        Box::new(e),
                    )
                })
            })
            .transpose()?;
        Ok(OverviewRow {
            member: MemberRow::read_here(row)?,
            dms_closed: row.get("dms_closed")?,
            match_day,
            contacts: row.get("contacts")?,
            chapters: row.get("chapters")?,
        })
    }
}

impl TryFrom<MemberRow> for Member {
    type Error = StoreError;

    fn try_from(row: MemberRow) -> StoreResult<Member> {
        let timezone = row
            .timezone
            .map(|name| {
                TimeZone::parse(&name).map_err(|_| StoreError::Corrupt {
                    what: "time zone",
                    value: name,
                })
            })
            .transpose()?;
        let stage = row
            .stage
            .map(|code| {
                Stage::from_code(&code).ok_or(StoreError::Corrupt {
                    what: "stage",
                    value: code,
                })
            })
            .transpose()?;
        let hour = u8::try_from(row.nudge_hour)
            .ok()
            .filter(|h| *h < 24)
            .ok_or(StoreError::Corrupt {
                what: "nudge hour",
                value: row.nudge_hour.to_string(),
            })?;
        Ok(Member {
            user_id: UserId(from_sql_id(row.user_id)),
            timezone,
            stage,
            dms: DmPreferences {
                enabled: row.dms_enabled,
                hour,
            },
        })
    }
}

/// The member's settings, or the defaults for someone the bot has not seen yet.
const MEMBER: &str =
    "SELECT user_id, timezone, stage, dms_enabled, nudge_hour FROM members WHERE user_id = $1";

async fn member(conn: &mut Conn<'_>, user: UserId) -> StoreResult<Member> {
    let row: Option<MemberRow> = on!(conn, |c| {
        sqlx::query_as(MEMBER)
            .bind(sql_id(user.0))
            .fetch_optional(&mut *c)
            .await
    })?;
    row.map_or_else(|| Ok(Member::new(user)), Member::try_from)
}

impl MemberRow {
    /// The row as [`crate::db::SqliteDb::read_here`] reads it (the columns of [`MEMBER`]).
    fn read_here(row: &rusqlite::Row<'_>) -> rusqlite::Result<MemberRow> {
        Ok(MemberRow {
            user_id: row.get("user_id")?,
            timezone: row.get("timezone")?,
            stage: row.get("stage")?,
            dms_enabled: row.get("dms_enabled")?,
            nudge_hour: row.get("nudge_hour")?,
        })
    }
}

/// One row by the member's id, read on the calling thread when it can be (see
/// [`crate::db::SqliteDb::read_here`]).
fn read_here<T>(
    pool: &crate::db::Pool,
    sql: &str,
    user: UserId,
    row: impl FnOnce(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Option<Option<T>> {
    use rusqlite::OptionalExtension;
    pool.read_here(|c| {
        c.prepare_cached(sql)?
            .query_row([sql_id(user.0)], row)
            .optional()
    })
}

/// Sets one of the member's own settings, creating the member if needed.
pub(super) async fn set_member_column<T>(
    conn: &mut Conn<'_>,
    user: UserId,
    column: MemberColumn,
    value: T,
    now: DateTime<Utc>,
) -> StoreResult<()>
where
    T: 'static
        + Send
        + for<'q> sqlx::Encode<'q, sqlx::Sqlite>
        + sqlx::Type<sqlx::Sqlite>
        + for<'q> sqlx::Encode<'q, sqlx::Postgres>
        + sqlx::Type<sqlx::Postgres>,
{
    let column = column.name();
    on!(conn, |c| sqlx::query(&format!(
        "INSERT INTO members (user_id, {column}, created_at, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET {column} = excluded.{column},
                                             updated_at = excluded.updated_at"
    ))
    .bind(sql_id(user.0))
    .bind(value)
    .bind(sql_instant(now))
    .bind(sql_instant(now))
    .execute(&mut *c)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(())
}

impl Tx {
    /// The member's settings, or the defaults for someone the bot has not seen yet.
    /// The member's row, created with defaults when they never ran a command (a click on a
    /// public button is their first action).
    pub async fn ensure_member(&mut self, user: UserId, now: DateTime<Utc>) -> StoreResult<()> {
        on!(self, |c| sqlx::query(
            "INSERT INTO members (user_id, created_at, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(sql_id(user.0))
        .bind(sql_instant(now))
        .bind(sql_instant(now))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    pub async fn member(&mut self, user: UserId) -> StoreResult<Member> {
        member(&mut self.conn(), user).await
    }

    pub async fn set_timezone(
        &mut self,
        user: UserId,
        zone: TimeZone,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        set_member_column(
            &mut self.conn(),
            user,
            MemberColumn::Timezone,
            zone.name().to_owned(),
            now,
        )
        .await
    }
}

/// How often a member's presence (last seen in a chapter) is written at most.
pub const PRESENCE_REFRESH: chrono::Duration = chrono::Duration::hours(1);
/// Presences remembered by one process before the memory starts over.
const PRESENCE_CACHE_MAX: usize = 100_000;

impl Store {
    /// The member's settings, or the defaults for someone the bot has not seen yet.
    pub async fn member(&self, user: UserId) -> StoreResult<Member> {
        match read_here(&self.pool, MEMBER, user, MemberRow::read_here) {
            Some(row) => row.map_or_else(|| Ok(Member::new(user)), Member::try_from),
            None => member(&mut self.held().await?.engine(), user).await,
        }
    }

    /// The member's settings with their DM state, Match Day (see `match_day`), and how many
    /// contacts and chapters they have: one statement, for `/me show`.
    pub async fn overview(&self, user: UserId) -> StoreResult<Overview> {
        let row = match read_here(&self.pool, OVERVIEW, user, OverviewRow::read_here) {
            Some(row) => row,
            None => on!(pool & self.pool, |c| {
                sqlx::query_as(OVERVIEW)
                    .bind(sql_id(user.0))
                    .fetch_optional(c)
                    .await
            })?,
        };
        let Some(row) = row else {
            return Ok(Overview {
                member: Member::new(user),
                dms_closed: false,
                match_day: None,
                contacts: 0,
                chapters: 0,
            });
        };
        Ok(Overview {
            member: Member::try_from(row.member)?,
            dms_closed: row.dms_closed,
            match_day: row.match_day,
            contacts: u32::try_from(row.contacts).unwrap_or(u32::MAX),
            chapters: u32::try_from(row.chapters).unwrap_or(u32::MAX),
        })
    }

    /// Whether a once-only notice may be waiting for the member (the zone assumed for them,
    /// their DMs closed): one read, so a command with nothing to tell writes nothing. The
    /// notices are still taken by their own conditional update.
    pub async fn notices_may_wait(&self, user: UserId) -> StoreResult<bool> {
        let Err(epoch) = self.knows_no_notice(user.0) else {
            return Ok(false);
        };
        let waiting: Option<bool> = on!(pool & self.pool, |c| sqlx::query_scalar(
            "SELECT (timezone IS NULL AND zone_notice_at IS NULL) OR dms_closed_notice
             FROM members WHERE user_id = $1",
        )
        .bind(sql_id(user.0))
        .fetch_optional(c)
        .await)?;
        // A member with no row yet gets one later, and the zone notice with it: only a row
        // found with nothing waiting is remembered.
        if waiting == Some(false) {
            self.remember_no_notice(user.0, epoch);
        }
        Ok(waiting.unwrap_or(false))
    }

    /// True once for a member whose time zone is only assumed (none set): the first time it
    /// is asked, so they are told once.
    pub async fn take_zone_notice(&self, user: UserId, now: DateTime<Utc>) -> StoreResult<bool> {
        let taken = on!(pool & self.pool, |c| sqlx::query(
            "UPDATE members SET zone_notice_at = $1
             WHERE user_id = $2 AND timezone IS NULL AND zone_notice_at IS NULL",
        )
        .bind(sql_instant(now))
        .bind(sql_id(user.0))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(taken > 0)
    }

    /// Notes that `user` ran a command, in `guild` when it was in a server: this is how a
    /// chapter knows its members without the privileged member-list intent. Written at most
    /// once per [`PRESENCE_REFRESH`] by this process while the rows still exist (checked by a
    /// read, so an erasure or another process's removal is seen at once).
    pub async fn record_presence(
        &self,
        user: UserId,
        guild: Option<GuildId>,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let key = (user.0, guild.map_or(0, |g| g.0));
        let now = sql_instant(now);
        let written = self
            .presence_written
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
            .copied();
        if written.is_some_and(|at| now - at < PRESENCE_REFRESH.num_seconds()) {
            if !self.shared {
                // Only this process deletes members and memberships, and it forgets what it
                // deletes: the memory is true.
                return Ok(());
            }
            let (present,): (bool,) = on!(pool & self.pool, |c| sqlx::query_as(
                "SELECT EXISTS (SELECT 1 FROM members WHERE user_id = $1)
                    AND ($2 IS NULL OR EXISTS (SELECT 1 FROM chapter_members
                                               WHERE guild_id = $2 AND user_id = $1))",
            )
            .bind(sql_id(user.0))
            .bind(guild.map(|g| sql_id(g.0)))
            .fetch_one(c)
            .await)?;
            if present {
                return Ok(());
            }
        }
        self.write_presence(user, guild, now).await?;
        let mut cache = self
            .presence_written
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if cache.len() >= PRESENCE_CACHE_MAX {
            cache.clear();
        }
        cache.insert(key, now);
        Ok(())
    }

    async fn write_presence(
        &self,
        user: UserId,
        guild: Option<GuildId>,
        now: i64,
    ) -> StoreResult<()> {
        let mut tx = self.begin_locked(user.0).await?;
        on!(tx, |c| sqlx::query(
            "INSERT INTO members (user_id, created_at, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id) DO NOTHING",
        )
        .bind(sql_id(user.0))
        .bind(now)
        .bind(now)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        if let Some(guild) = guild {
            on!(tx, |c| sqlx::query(
                "INSERT INTO chapters (guild_id, created_at) VALUES ($1, $2)
                 ON CONFLICT (guild_id) DO NOTHING",
            )
            .bind(sql_id(guild.0))
            .bind(now)
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
            on!(tx, |c| {
                sqlx::query(
                "INSERT INTO chapter_members (guild_id, user_id, first_seen_at, last_seen_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (guild_id, user_id) DO UPDATE SET last_seen_at = excluded.last_seen_at",
            )
            .bind(sql_id(guild.0))
            .bind(sql_id(user.0))
            .bind(now)
            .bind(now)
            .execute(&mut *c)
            .await.map(|r| r.rows_affected())
            })?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn set_timezone(
        &self,
        user: UserId,
        zone: TimeZone,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.set_member_column(user, MemberColumn::Timezone, zone.name().to_owned(), now)
            .await
    }

    pub async fn set_stage(
        &self,
        user: UserId,
        stage: Stage,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        self.set_member_column(user, MemberColumn::Stage, stage.code().to_owned(), now)
            .await
    }

    /// Sets one of the member's own settings, creating the member if needed.
    pub(super) async fn set_member_column<T>(
        &self,
        user: UserId,
        column: MemberColumn,
        value: T,
        now: DateTime<Utc>,
    ) -> StoreResult<()>
    where
        T: 'static
            + Send
            + for<'q> sqlx::Encode<'q, sqlx::Sqlite>
            + sqlx::Type<sqlx::Sqlite>
            + for<'q> sqlx::Encode<'q, sqlx::Postgres>
            + sqlx::Type<sqlx::Postgres>,
    {
        set_member_column(&mut self.held().await?.engine(), user, column, value, now).await
    }

    /// The servers where the member has used the bot, oldest first.
    pub async fn chapters_of(&self, user: UserId) -> StoreResult<Vec<GuildId>> {
        let rows: Vec<(i64,)> = on!(pool & self.pool, |c| {
            sqlx::query_as(
            "SELECT guild_id FROM chapter_members WHERE user_id = $1 ORDER BY first_seen_at, guild_id",
        )
        .bind(sql_id(user.0))
        .fetch_all(c)
        .await
        })?;
        Ok(rows
            .into_iter()
            .map(|(id,)| GuildId(from_sql_id(id)))
            .collect())
    }

    /// Erases everything the bot keeps about the member, and queues the channel posts made for
    /// them that Discord has not confirmed deleted yet (without the member: see
    /// `post_deletions`), in one transaction. Returns whether there was anything.
    pub async fn delete_member(
        &self,
        user: UserId,
        undeleted_posts: &[super::PostToDelete],
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let mut tx = self.begin_locked(user.0).await?;
        super::post_deletions::queue(&mut tx.conn(), undeleted_posts, now).await?;
        // Feedback they gave on others' stories is theirs too (everything else cascades).
        on!(tx, |c| sqlx::query(
            "DELETE FROM story_feedback WHERE rater_id = $1"
        )
        .bind(sql_id(user.0))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        // What they authored for a chapter stays with it, without them (a conference's author
        // column predates erasure and cannot be empty: 0 stands for "erased").
        for sql in [
            "UPDATE chapters SET configured_by = NULL WHERE configured_by = $1",
            "UPDATE fairs SET created_by = NULL WHERE created_by = $1",
            "UPDATE fair_questions SET author_id = NULL WHERE author_id = $1",
            "UPDATE conferences SET created_by = 0 WHERE created_by = $1",
        ] {
            on!(tx, |c| sqlx::query(sql)
                .bind(sql_id(user.0))
                .execute(&mut *c)
                .await
                .map(|r| r.rows_affected()))?;
        }
        let done = on!(tx, |c| sqlx::query(
            "DELETE FROM members WHERE user_id = $1"
        )
        .bind(sql_id(user.0))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        self.forget_presences(|(member, _)| *member == user.0);
        self.forget_no_notice(user.0);
        Ok(done > 0)
    }
}
