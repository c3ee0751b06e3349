//! One-minute stories, their shares and peer feedback. Stories are keyed by their owner;
//! feedback is read back only as an anonymous summary for the owner.

use super::engine::on;
use chrono::{DateTime, Utc};

use super::{from_sql_id, from_sql_instant, sql_id, sql_instant, Store, StoreError, StoreResult};
use crate::domain::story::{Feedback, FeedbackSummary, Rating, Story, StoryText};
use crate::domain::UserId;

#[derive(sqlx::FromRow)]
struct StoryRow {
    id: i64,
    version: i64,
    who: String,
    why_em: String,
    interest: String,
    hope: String,
    event: Option<String>,
    created_at: i64,
}

impl TryFrom<StoryRow> for Story {
    type Error = StoreError;

    fn try_from(r: StoryRow) -> StoreResult<Story> {
        Ok(Story {
            id: r.id,
            version: u32::try_from(r.version).unwrap_or(0),
            text: StoryText {
                who: r.who,
                why_em: r.why_em,
                interest: r.interest,
                hope: r.hope,
                event: r.event,
            },
            created_at: from_sql_instant(r.created_at)?,
        })
    }
}

const STORY_COLUMNS: &str = "id, version, who, why_em, interest, hope, event, created_at";

/// A story post in a channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Share {
    pub id: i64,
    pub story_id: i64,
    pub owner: UserId,
    pub version: u32,
    /// The server it was posted in (0 if it was posted outside one).
    pub guild_id: u64,
    pub channel_id: u64,
    pub message_id: Option<u64>,
    pub removed: bool,
    /// The channel message is deleted (or was never posted): nothing of it is left to remove.
    pub post_gone: bool,
    pub shared_at: DateTime<Utc>,
}

impl Share {
    /// Started but not finished: posted without its message recorded (a crash or a failed
    /// answer in between), or removed without its message deleted yet.
    pub fn unfinished(&self) -> bool {
        if self.removed {
            !self.post_gone
        } else {
            self.message_id.is_none()
        }
    }
}

/// Why feedback was not stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackRefused {
    /// The post was removed, or the story deleted.
    NotShared,
    /// Authors cannot rate their own story.
    OwnStory,
}

fn rating(what: &'static str, code: String) -> StoreResult<Rating> {
    Rating::from_code(&code).ok_or(StoreError::Corrupt { what, value: code })
}

impl Store {
    /// Saves a new version of the owner's story.
    pub async fn save_story(
        &self,
        owner: UserId,
        text: &StoryText,
        now: DateTime<Utc>,
    ) -> StoreResult<Story> {
        let row: StoryRow = on!(pool & self.pool, |c| {
            sqlx::query_as(&format!(
            "INSERT INTO stories (owner_id, version, who, why_em, interest, hope, event, created_at)
             VALUES ($1, (SELECT COALESCE(MAX(version), 0) + 1 FROM stories WHERE owner_id = $1), $2, $3, $4, $5, $6, $7)
             RETURNING {STORY_COLUMNS}"
        ))
        .bind(sql_id(owner.0))
        .bind(&text.who)
        .bind(&text.why_em)
        .bind(&text.interest)
        .bind(&text.hope)
        .bind(text.event.as_deref())
        .bind(sql_instant(now))
        .fetch_one(c)
        .await
        })?;
        Story::try_from(row)
    }

    /// A version of the owner's story, the latest when `version` is `None`.
    pub async fn story(&self, owner: UserId, version: Option<u32>) -> StoreResult<Option<Story>> {
        let row: Option<StoryRow> = on!(pool & self.pool, |c| {
            sqlx::query_as(&format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE owner_id = $1 AND ($2 IS NULL OR version = $3)
             ORDER BY version DESC LIMIT 1"
        ))
        .bind(sql_id(owner.0))
        .bind(version.map(i64::from))
        .bind(version.map(i64::from))
        .fetch_optional(c)
        .await
        })?;
        row.map(Story::try_from).transpose()
    }

    /// Every version of the owner's story, newest first.
    pub async fn stories(&self, owner: UserId) -> StoreResult<Vec<Story>> {
        let rows: Vec<StoryRow> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT {STORY_COLUMNS} FROM stories WHERE owner_id = $1 ORDER BY version DESC"
        ))
        .bind(sql_id(owner.0))
        .fetch_all(c)
        .await)?;
        rows.into_iter().map(Story::try_from).collect()
    }

    /// Deletes one version (or all with `None`) with its shares and feedback; returns how many.
    pub async fn delete_stories(&self, owner: UserId, version: Option<u32>) -> StoreResult<u64> {
        let done = on!(pool & self.pool, |c| sqlx::query(
            "DELETE FROM stories WHERE owner_id = $1 AND ($2 IS NULL OR version = $3)"
        )
        .bind(sql_id(owner.0))
        .bind(version.map(i64::from))
        .bind(version.map(i64::from))
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done)
    }

    /// Records that the owner shares story `story_id` in a channel (before the post exists).
    pub async fn create_share(
        &self,
        owner: UserId,
        story_id: i64,
        guild_id: u64,
        channel_id: u64,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<i64>> {
        let row: Option<(i64,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "INSERT INTO story_shares (story_id, owner_id, guild_id, channel_id, shared_at)
             SELECT id, owner_id, $1, $2, $3 FROM stories WHERE id = $4 AND owner_id = $5
             RETURNING id",
        )
        .bind(sql_id(guild_id))
        .bind(sql_id(channel_id))
        .bind(sql_instant(now))
        .bind(story_id)
        .bind(sql_id(owner.0))
        .fetch_optional(c)
        .await)?;
        Ok(row.map(|(id,)| id))
    }

    /// Records the share's post. False when the share was removed meanwhile (the post must
    /// then be taken down): its removal is unfinished again, now that there is a post.
    pub async fn set_share_message(&self, share_id: i64, message_id: u64) -> StoreResult<bool> {
        let row: Option<(Option<i64>,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "UPDATE story_shares SET message_id = $1, post_gone_at = NULL WHERE id = $2
             RETURNING removed_at",
        )
        .bind(sql_id(message_id))
        .bind(share_id)
        .fetch_optional(c)
        .await)?;
        Ok(matches!(row, Some((None,))))
    }

    /// A share by id (for feedback buttons and moderation).
    pub async fn share(&self, share_id: i64) -> StoreResult<Option<Share>> {
        type Row = (
            i64,
            i64,
            i64,
            i64,
            i64,
            i64,
            Option<i64>,
            Option<i64>,
            Option<i64>,
            i64,
        );
        let row: Option<Row> = on!(pool & self.pool, |c| {
            sqlx::query_as(
            "SELECT s.id, s.story_id, s.owner_id, st.version, s.guild_id, s.channel_id, s.message_id,
                 s.removed_at, s.post_gone_at, s.shared_at
             FROM story_shares s JOIN stories st ON st.id = s.story_id WHERE s.id = $1",
        )
        .bind(share_id)
        .fetch_optional(c)
        .await
        })?;
        row.map(
            |(id, story_id, owner, version, guild, channel, message, removed, gone, shared)| {
                Ok(Share {
                    id,
                    story_id,
                    owner: UserId(from_sql_id(owner)),
                    version: u32::try_from(version).unwrap_or(0),
                    guild_id: from_sql_id(guild),
                    channel_id: from_sql_id(channel),
                    message_id: message.map(from_sql_id),
                    removed: removed.is_some(),
                    post_gone: gone.is_some(),
                    shared_at: from_sql_instant(shared)?,
                })
            },
        )
        .transpose()
    }

    /// The shares with these ids, in that order.
    async fn shares(&self, ids: impl Iterator<Item = i64>) -> StoreResult<Vec<Share>> {
        let mut out = Vec::new();
        for id in ids {
            if let Some(share) = self.share(id).await? {
                out.push(share);
            }
        }
        Ok(out)
    }

    /// The owner's shares still posted, newest first.
    pub async fn active_shares(&self, owner: UserId) -> StoreResult<Vec<Share>> {
        let rows: Vec<(i64,)> = on!(pool & self.pool, |c| {
            sqlx::query_as(
            "SELECT id FROM story_shares WHERE owner_id = $1 AND removed_at IS NULL ORDER BY id DESC",
        )
        .bind(sql_id(owner.0))
        .fetch_all(c)
        .await
        })?;
        self.shares(rows.into_iter().map(|(id,)| id)).await
    }

    /// The owner's shares whose posting or removal did not finish, oldest first.
    pub async fn unfinished_shares(&self, owner: UserId) -> StoreResult<Vec<Share>> {
        let rows: Vec<(i64,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT id FROM story_shares WHERE owner_id = $1
               AND ((removed_at IS NULL AND message_id IS NULL)
                    OR (removed_at IS NOT NULL AND post_gone_at IS NULL))
             ORDER BY id",
        )
        .bind(sql_id(owner.0))
        .fetch_all(c)
        .await)?;
        self.shares(rows.into_iter().map(|(id,)| id)).await
    }

    /// The share's channel message is deleted, or was never posted: the removal is finished.
    pub async fn mark_post_gone(&self, share_id: i64, now: DateTime<Utc>) -> StoreResult<()> {
        on!(pool & self.pool, |c| sqlx::query(
            "UPDATE story_shares SET removed_at = COALESCE(removed_at, $1), post_gone_at = $2
             WHERE id = $3 AND post_gone_at IS NULL",
        )
        .bind(sql_instant(now))
        .bind(sql_instant(now))
        .bind(share_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }

    /// Marks a share removed; false if it already was.
    pub async fn remove_share(&self, share_id: i64, now: DateTime<Utc>) -> StoreResult<bool> {
        let done = on!(pool & self.pool, |c| sqlx::query(
            "UPDATE story_shares SET removed_at = $1 WHERE id = $2 AND removed_at IS NULL",
        )
        .bind(sql_instant(now))
        .bind(share_id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Stores `rater`'s feedback on a share (replacing their earlier one on that version).
    /// Returns whether it is the first feedback on the version and the author was not told yet.
    pub async fn give_feedback(
        &self,
        share_id: i64,
        rater: UserId,
        feedback: &Feedback,
        now: DateTime<Utc>,
    ) -> StoreResult<Result<bool, FeedbackRefused>> {
        let Some(share) = self.share(share_id).await? else {
            return Ok(Err(FeedbackRefused::NotShared));
        };
        if share.removed {
            return Ok(Err(FeedbackRefused::NotShared));
        }
        if share.owner == rater {
            return Ok(Err(FeedbackRefused::OwnStory));
        }
        let mut tx = self.begin().await?;
        on!(tx, |c| {
            sqlx::query(
            "INSERT INTO story_feedback (story_id, share_id, rater_id, clear, specific, on_time, suggestion, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (story_id, rater_id) DO UPDATE SET share_id = excluded.share_id, clear = excluded.clear,
                 specific = excluded.specific, on_time = excluded.on_time, suggestion = excluded.suggestion,
                 created_at = excluded.created_at",
        )
        .bind(share.story_id)
        .bind(share.id)
        .bind(sql_id(rater.0))
        .bind(feedback.clear.code())
        .bind(feedback.specific.code())
        .bind(feedback.on_time.code())
        .bind(feedback.suggestion.as_deref())
        .bind(sql_instant(now))
        .execute(&mut *c)
        .await.map(|r| r.rows_affected())
        })?;
        let told = on!(tx, |c| {
            sqlx::query(
            "UPDATE story_shares SET author_told_at = $1
             WHERE story_id = $2 AND author_told_at IS NULL
               AND NOT EXISTS (SELECT 1 FROM story_shares o WHERE o.story_id = $3 AND o.author_told_at IS NOT NULL)",
        )
        .bind(sql_instant(now))
        .bind(share.story_id)
        .bind(share.story_id)
        .execute(&mut *c)
        .await.map(|r| r.rows_affected())
        })?;
        tx.commit().await?;
        Ok(Ok(told > 0))
    }

    /// The anonymous summary of all feedback on a version of the owner's story.
    pub async fn feedback_summary(
        &self,
        owner: UserId,
        story_id: i64,
    ) -> StoreResult<FeedbackSummary> {
        let rows: Vec<(String, String, String, Option<String>)> =
            on!(pool & self.pool, |c| sqlx::query_as(
                "SELECT f.clear, f.specific, f.on_time, f.suggestion FROM story_feedback f
             JOIN stories s ON s.id = f.story_id WHERE s.owner_id = $1 AND s.id = $2",
            )
            .bind(sql_id(owner.0))
            .bind(story_id)
            .fetch_all(c)
            .await)?;
        let items = rows
            .into_iter()
            .map(|(c, s, o, suggestion)| {
                Ok(Feedback {
                    clear: rating("feedback rating", c)?,
                    specific: rating("feedback rating", s)?,
                    on_time: rating("feedback rating", o)?,
                    suggestion,
                })
            })
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(FeedbackSummary::from_feedback(&items))
    }
}
