//! Channel posts of an erased member that Discord did not confirm deleted: kept (without the
//! member) and retried by the nudge loop until they are gone.

use super::engine::{on, Conn};
use chrono::{DateTime, Utc};

use super::{from_sql_id, from_sql_instant, sql_id, sql_instant, Store, StoreResult};

/// A post to delete: where it is, and its message id or, if that was never recorded, the
/// custom id of its button to find it by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostToDelete {
    pub channel_id: u64,
    pub message_id: Option<u64>,
    pub marker: String,
}

/// A queued deletion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedDeletion {
    pub id: i64,
    pub post: PostToDelete,
    pub queued_at: DateTime<Utc>,
    pub attempts: i64,
}

type Row = (i64, i64, Option<i64>, String, i64, i64);

impl Store {
    /// The queued deletions due by `now`, oldest first.
    pub async fn due_post_deletions(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> StoreResult<Vec<QueuedDeletion>> {
        let rows: Vec<Row> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT id, channel_id, message_id, marker, queued_at, attempts FROM post_deletions
             WHERE next_at <= $1 ORDER BY next_at, id LIMIT $2",
        )
        .bind(sql_instant(now))
        .bind(i64::from(limit))
        .fetch_all(c)
        .await)?;
        rows.into_iter()
            .map(|(id, channel, message, marker, queued_at, attempts)| {
                Ok(QueuedDeletion {
                    id,
                    post: PostToDelete {
                        channel_id: from_sql_id(channel),
                        message_id: message.map(from_sql_id),
                        marker,
                    },
                    queued_at: from_sql_instant(queued_at)?,
                    attempts,
                })
            })
            .collect()
    }

    /// How many posts are still queued for deletion.
    pub async fn queued_post_deletions(&self) -> StoreResult<i64> {
        let (n,): (i64,) = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT COUNT(*) FROM post_deletions"
        )
        .fetch_one(c)
        .await)?;
        Ok(n)
    }

    /// The post is gone (or can never be deleted by the bot): forget it.
    pub async fn post_deletion_done(&self, id: i64) -> StoreResult<()> {
        on!(pool & self.pool, |c| sqlx::query(
            "DELETE FROM post_deletions WHERE id = $1"
        )
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Not deleted this time: try again at `next_at`.
    pub async fn post_deletion_later(&self, id: i64, next_at: DateTime<Utc>) -> StoreResult<()> {
        on!(pool & self.pool, |c| sqlx::query(
            "UPDATE post_deletions SET attempts = attempts + 1, next_at = $1 WHERE id = $2"
        )
        .bind(sql_instant(next_at))
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// The earliest time a queued deletion is due, for the loop's sleep.
    pub async fn next_post_deletion_at(&self) -> StoreResult<Option<DateTime<Utc>>> {
        let (at,): (Option<i64>,) = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT MIN(next_at) FROM post_deletions"
        )
        .fetch_one(c)
        .await)?;
        at.map(from_sql_instant).transpose()
    }
}

/// Queues `posts` in the erasure's transaction, due at once.
pub(super) async fn queue(
    conn: &mut Conn<'_>,
    posts: &[PostToDelete],
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for post in posts {
        on!(conn, |c| sqlx::query(
            "INSERT INTO post_deletions (channel_id, message_id, marker, queued_at, next_at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(sql_id(post.channel_id))
        .bind(post.message_id.map(sql_id))
        .bind(&post.marker)
        .bind(sql_instant(now))
        .bind(sql_instant(now))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
    }
    Ok(())
}
