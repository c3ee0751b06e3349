//! Chapters (servers) and the settings their officers chose.

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
    member_count: i64,
}

impl Store {
    pub async fn chapter(&self, guild: GuildId) -> StoreResult<Option<Chapter>> {
        let row: Option<ChapterRow> = sqlx::query_as(
            "SELECT c.guild_id, c.officer_role_id, c.fallback_channel_id, c.configured_by,
                    c.configured_at, c.timezone,
                    (SELECT COUNT(*) FROM chapter_members m WHERE m.guild_id = c.guild_id)
                        AS member_count
             FROM chapters c WHERE c.guild_id = ?",
        )
        .bind(sql_id(guild.0))
        .fetch_optional(&self.pool)
        .await?;
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
        sqlx::query(
            "INSERT INTO chapters (guild_id, officer_role_id, fallback_channel_id, timezone,
                                   configured_by, configured_at, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?)
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
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
