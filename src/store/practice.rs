//! Fair practice rounds: sessions (keyed by the server), who joined, and past pairs.

use super::engine::on;
use chrono::{DateTime, Utc};

use super::{from_sql_id, sql_id, sql_instant, Store, StoreResult};
use crate::domain::pairing::History;
use crate::domain::{GuildId, UserId};

/// An open practice session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PracticeSession {
    pub id: i64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub message_id: Option<u64>,
}

impl Store {
    /// Opens a session in `channel` (closing any other open one of the server).
    pub async fn open_practice(
        &self,
        guild: GuildId,
        channel: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<PracticeSession> {
        let mut tx = self.begin_locked(guild.0).await?;
        tx.ensure_chapter(guild, now).await?;
        on!(tx, |c| sqlx::query(
            "UPDATE practice_sessions SET ended_at = $1 WHERE guild_id = $2 AND ended_at IS NULL",
        )
        .bind(sql_instant(now))
        .bind(sql_id(guild.0))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let (id,): (i64,) = on!(tx, |c| sqlx::query_as(
            "INSERT INTO practice_sessions (guild_id, channel_id, created_at)
             VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(sql_id(guild.0))
        .bind(sql_id(channel))
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await)?;
        tx.commit().await?;
        Ok(PracticeSession {
            id,
            guild_id: guild.0,
            channel_id: channel,
            message_id: None,
        })
    }

    pub async fn set_practice_message(&self, id: i64, message: u64) -> StoreResult<()> {
        on!(pool & self.pool, |c| sqlx::query(
            "UPDATE practice_sessions SET message_id = $1 WHERE id = $2"
        )
        .bind(sql_id(message))
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The server's open session, or the open session `id` (for a click on its post).
    pub async fn open_practice_session(
        &self,
        guild: GuildId,
        id: Option<i64>,
    ) -> StoreResult<Option<PracticeSession>> {
        let row: Option<(i64, i64, i64, Option<i64>)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT id, guild_id, channel_id, message_id FROM practice_sessions
             WHERE guild_id = $1 AND ended_at IS NULL AND ($2 IS NULL OR id = $3)
             ORDER BY id DESC LIMIT 1",
        )
        .bind(sql_id(guild.0))
        .bind(id)
        .bind(id)
        .fetch_optional(c)
        .await)?;
        Ok(row.map(|(id, g, c, m)| PracticeSession {
            id,
            guild_id: from_sql_id(g),
            channel_id: from_sql_id(c),
            message_id: m.map(from_sql_id),
        }))
    }

    /// The member joins (again) or leaves a session.
    pub async fn set_practice_member(
        &self,
        session: i64,
        user: UserId,
        joined: bool,
        now: DateTime<Utc>,
    ) -> StoreResult<()> {
        let mut tx = self.begin_locked(user.0).await?;
        tx.ensure_member(user, now).await?;
        if joined {
            on!(tx, |c| sqlx::query(
                "INSERT INTO practice_members (session_id, user_id, joined_at) VALUES ($1, $2, $3)
                 ON CONFLICT (session_id, user_id) DO UPDATE SET left_at = NULL",
            )
            .bind(session)
            .bind(sql_id(user.0))
            .bind(sql_instant(now))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        } else {
            on!(tx, |c| sqlx::query(
                "UPDATE practice_members SET left_at = $1 WHERE session_id = $2 AND user_id = $3",
            )
            .bind(sql_instant(now))
            .bind(session)
            .bind(sql_id(user.0))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        }
        tx.commit().await
    }

    /// Who is in the session now.
    pub async fn practice_members(&self, session: i64) -> StoreResult<Vec<UserId>> {
        let rows: Vec<(i64,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT user_id FROM practice_members
             WHERE session_id = $1 AND left_at IS NULL ORDER BY joined_at, user_id",
        )
        .bind(session)
        .fetch_all(c)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(u,)| UserId(from_sql_id(u)))
            .collect())
    }

    /// Who practised with whom in the session's earlier rounds, and the next round's number.
    pub async fn practice_history(&self, session: i64) -> StoreResult<(History, u32)> {
        let rows: Vec<(i64, i64, i64)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT round, a, b FROM practice_pairs WHERE session_id = $1"
        )
        .bind(session)
        .fetch_all(c)
        .await)?;
        let mut history = History::new();
        let mut last = 0;
        for (round, a, b) in rows {
            let (a, b) = (from_sql_id(a), from_sql_id(b));
            *history.entry((a.min(b), a.max(b))).or_insert(0) += 1;
            last = last.max(u32::try_from(round).unwrap_or(0));
        }
        Ok((history, last + 1))
    }

    /// Records a round's groups (each two of a group as a pair).
    pub async fn record_practice_round(
        &self,
        session: i64,
        round: u32,
        groups: &[Vec<u64>],
    ) -> StoreResult<()> {
        let mut tx = self.begin().await?;
        for g in groups {
            for (i, a) in g.iter().enumerate() {
                for b in &g[i + 1..] {
                    on!(tx, |c| {
                        sqlx::query(
                        "INSERT INTO practice_pairs (session_id, round, a, b) VALUES ($1, $2, $3, $4)",
                    )
                    .bind(session)
                    .bind(i64::from(round))
                    .bind(sql_id((*a).min(*b)))
                    .bind(sql_id((*a).max(*b)))
                    .execute(&mut *c)
                    .await.map(|r| r.rows_affected())
                    })?;
                }
            }
        }
        tx.commit().await
    }
}
