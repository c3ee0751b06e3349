//! How long the bot keeps what it only needs for a while.

use super::engine::on;
use chrono::{DateTime, Duration, Utc};

use super::{sql_instant, Store, StoreResult};

/// A message waiting to be saved as a contact note is kept this long at most.
pub const PENDING_NOTE_KEPT: Duration = Duration::minutes(15);
/// The delivery log (finished digests) is kept this long.
pub const DELIVERY_LOG_KEPT: Duration = Duration::days(365);

/// What one retention pass removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Trimmed {
    pub pending_notes: u64,
    pub deliveries: u64,
}

impl Store {
    /// Removes pending notes older than [`PENDING_NOTE_KEPT`] and finished deliveries older
    /// than [`DELIVERY_LOG_KEPT`] (a digest still being sent is never touched).
    pub async fn apply_retention(&self, now: DateTime<Utc>) -> StoreResult<Trimmed> {
        let mut tx = self.begin().await?;
        let notes = on!(tx, |c| sqlx::query(
            "DELETE FROM pending_notes WHERE created_at < $1"
        )
        .bind(sql_instant(now - PENDING_NOTE_KEPT))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let deliveries = on!(tx, |c| sqlx::query(
            "DELETE FROM digests WHERE state IN ('sent', 'failed') AND created_at < $1"
        )
        .bind(sql_instant(now - DELIVERY_LOG_KEPT))
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        on!(tx, |c| sqlx::query("DELETE FROM deliveries WHERE at < $1")
            .bind(sql_instant(now - DELIVERY_LOG_KEPT))
            .execute(&mut *c)
            .await
            .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(Trimmed {
            pending_notes: notes,
            deliveries,
        })
    }
}
