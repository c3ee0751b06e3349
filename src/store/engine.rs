//! The one seam between the store and the two engines. Every query is written once, with
//! `$1` placeholders (SQLite reads them too), and run through [`on!`]: the macro hands the
//! query the connection of whichever engine the store is on, so sqlx builds it for both.
//!
//! Portable SQL, so that one text runs on both (see STYLE.md): ids and instants are BIGINT
//! (unix seconds), dates are DATE (SQLite keeps the same ISO text), flags are BOOLEAN
//! written `TRUE`/`FALSE`, and nothing engine-specific (`INSERT OR`, `strftime`, `GREATEST`)
//! appears outside a function that says which engine it is for.

use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, Postgres, SqliteConnection};

use crate::db::{Pool, Quick};

/// A borrowed connection of either engine: a pooled one, or the one inside a [`super::Tx`].
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Conn<'_> {
    /// A shorter borrow of the same connection (what [`on!`] matches on).
    pub(crate) fn engine(&mut self) -> Conn<'_> {
        match self {
            Conn::Sqlite(c) => Conn::Sqlite(c),
            Conn::Postgres(c) => Conn::Postgres(c),
        }
    }

    /// `FOR UPDATE` on PostgreSQL: the rows read stay as read until the unit ends (a claim,
    /// which passes over locked rows, leaves them alone meanwhile). Nothing on SQLite.
    pub(crate) fn for_update(&self) -> &'static str {
        match self {
            Conn::Sqlite(_) => "",
            Conn::Postgres(_) => "FOR UPDATE",
        }
    }

    /// `FOR UPDATE SKIP LOCKED` on PostgreSQL, where several processes claim from the same
    /// rows: a row another process is claiming is passed over, not waited for. Nothing on
    /// SQLite, whose one writer at a time makes it moot.
    pub(crate) fn skip_locked(&self) -> &'static str {
        match self {
            Conn::Sqlite(_) => "",
            Conn::Postgres(_) => "FOR UPDATE SKIP LOCKED",
        }
    }
}

/// A connection held for a few statements outside a transaction (on SQLite, the kept one
/// when it is free: see [`crate::db::SqliteDb`]).
pub(crate) enum Held<'a> {
    Sqlite(Quick<'a>),
    Postgres(PoolConnection<Postgres>),
}

impl Held<'_> {
    pub(crate) fn engine(&mut self) -> Conn<'_> {
        match self {
            Held::Sqlite(c) => Conn::Sqlite(c.conn()),
            Held::Postgres(c) => Conn::Postgres(c),
        }
    }
}

impl Pool {
    pub(crate) async fn held(&self) -> Result<Held<'_>, sqlx::Error> {
        Ok(match self {
            Pool::Sqlite(p) => Held::Sqlite(p.quick().await?),
            Pool::Postgres(p) => Held::Postgres(p.acquire().await?),
        })
    }
}

/// Runs `$body` with `$c` bound to the engine's connection (`on!(conn, |c| ...)`, where `conn`
/// is a [`Conn`], [`Held`] or [`super::Tx`]), or to a connection for a lone statement
/// (`on!(pool &self.pool, |c| ...)`: on PostgreSQL the pool, on SQLite the kept connection
/// when it is free). The body is written once and compiled for each engine.
macro_rules! on {
    (pool $pool:expr, |$c:ident| $body:expr) => {
        match $pool {
            $crate::db::Pool::Sqlite(p) => match p.quick().await {
                Ok(mut quick) => {
                    let outcome = {
                        let $c: &mut ::sqlx::SqliteConnection = quick.conn();
                        $body
                    };
                    quick.release(&outcome);
                    outcome
                }
                Err(e) => Err(e.into()),
            },
            $crate::db::Pool::Postgres(p) => {
                let $c: &::sqlx::PgPool = p;
                $body
            }
        }
    };
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn.engine() {
            $crate::store::engine::Conn::Sqlite($c) => $body,
            $crate::store::engine::Conn::Postgres($c) => $body,
        }
    };
}
pub(crate) use on;
