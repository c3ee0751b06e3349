//! One member action's unit of work: the store's writes inside it happen whole or not at all.

use sqlx::{Postgres, Sqlite, Transaction};

use super::engine::Conn;
use super::{Store, StoreResult};
use crate::db::Pool;

/// An open transaction. On SQLite it begins `IMMEDIATE` (taking the write lock at once), so
/// an action that reads and then writes waits out the busy timeout when another writer holds
/// the lock, instead of failing at its first write (SQLITE_BUSY_SNAPSHOT). On PostgreSQL it is
/// READ COMMITTED: the store's writes that must happen once are conditional (`WHERE state =
/// ...`) or guarded by a unique index, which hold under concurrent processes too. Dropped
/// without [`Tx::commit`], nothing of it is kept.
pub struct Tx {
    inner: Inner,
}

enum Inner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

impl Store {
    /// Begins a unit of work.
    pub async fn begin(&self) -> StoreResult<Tx> {
        let inner = match &self.pool {
            Pool::Sqlite(p) => Inner::Sqlite(p.pool().begin_with("BEGIN IMMEDIATE").await?),
            Pool::Postgres(p) => Inner::Postgres(p.begin().await?),
        };
        Ok(Tx { inner })
    }

    /// Begins a unit of work that no other unit locked on the same `key` (a member's or a
    /// server's id: Discord's ids never collide) runs beside, on any process: on PostgreSQL a
    /// transaction-level advisory lock, held until commit or rollback, so one member's
    /// read-then-write actions (a double click, two notes saved at once) happen one after the
    /// other as they do on SQLite, where every write unit already runs alone.
    pub async fn begin_locked(&self, key: u64) -> StoreResult<Tx> {
        let mut tx = self.begin().await?;
        tx.lock(key).await?;
        Ok(tx)
    }
}

impl Tx {
    pub async fn commit(self) -> StoreResult<()> {
        match self.inner {
            Inner::Sqlite(t) => t.commit().await?,
            Inner::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    /// Also holds `key`'s lock (see [`Store::begin_locked`]) until this unit ends. A unit
    /// takes a member's key before a server's, never the other way round.
    pub async fn lock(&mut self, key: u64) -> StoreResult<()> {
        if let Inner::Postgres(t) = &mut self.inner {
            sqlx::query("SELECT pg_advisory_xact_lock($1)")
                .bind(super::sql_id(key))
                .execute(&mut **t)
                .await?;
        }
        Ok(())
    }

    pub(crate) fn engine(&mut self) -> Conn<'_> {
        match &mut self.inner {
            Inner::Sqlite(t) => Conn::Sqlite(t),
            Inner::Postgres(t) => Conn::Postgres(t),
        }
    }

    pub(super) fn conn(&mut self) -> Conn<'_> {
        self.engine()
    }
}
