//! One member action's unit of work: the store's writes inside it happen whole or not at all.

use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::{Store, StoreResult};

/// An open transaction. It begins `IMMEDIATE` (taking SQLite's write lock at once), so an
/// action that reads and then writes waits out the busy timeout when another writer holds the
/// lock, instead of failing at its first write (SQLITE_BUSY_SNAPSHOT). Dropped without
/// [`Tx::commit`], nothing of it is kept.
pub struct Tx {
    inner: Transaction<'static, Sqlite>,
}

impl Store {
    /// Begins a unit of work.
    pub async fn begin(&self) -> StoreResult<Tx> {
        Ok(Tx {
            inner: self.pool.begin_with("BEGIN IMMEDIATE").await?,
        })
    }
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        self.inner.commit().await?;
        Ok(())
    }

    pub(super) fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.inner
    }
}
