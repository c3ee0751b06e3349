//! The connection pool and the embedded migrations, on either engine: SQLite (one file, WAL,
//! foreign keys, busy timeout: the embedded default) or PostgreSQL (a server several bot
//! processes share). `database.url`'s scheme decides.

use std::str::FromStr;
use std::time::Duration;

use sqlx::pool::PoolConnection;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqliteConnection, SqlitePool};

use crate::settings::DatabaseSettings;

/// The database the store runs on. Each variant holds that engine's connections; the store's
/// queries are written once and run on either (see `store::on!`).
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(SqliteDb),
    Postgres(PgPool),
}

/// SQLite's connections: a pool, and one connection kept out of it for statements run on
/// their own (most reads, and writes of one statement).
///
/// Each SQLite connection is a thread that sqlx talks to over a channel. A pooled connection
/// costs a second trip to that thread when it goes back (sqlx pings it on release, in a task
/// of its own); a statement that follows at once finds it not yet back and opens another
/// connection. The kept connection is used whenever it is free and never goes back, so a
/// lone statement is one trip and a run of them shares one connection; while it is busy,
/// statements use the pool. Transactions always use the pool.
#[derive(Debug, Clone)]
pub struct SqliteDb {
    pool: SqlitePool,
    kept: std::sync::Arc<Kept>,
}

#[derive(Debug)]
struct Kept {
    /// `None` until first used (it is then taken from the pool), and again after it broke.
    conn: tokio::sync::Mutex<Option<SqliteConnection>>,
    /// Whether a connection is kept at all: not when `database.max_connections` is 1.
    enabled: bool,
}

impl SqliteDb {
    /// `pool`, and with `keep`, one more connection kept aside (taken from the pool when
    /// first needed, which may then open another in its place).
    pub fn new(pool: SqlitePool, keep: bool) -> SqliteDb {
        SqliteDb {
            pool,
            kept: std::sync::Arc::new(Kept {
                conn: tokio::sync::Mutex::new(None),
                enabled: keep,
            }),
        }
    }

    /// The pool itself, for transactions and for what must not wait on the kept connection.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// A connection for a statement or a few: the kept one if it is free, else one from the
    /// pool.
    pub(crate) async fn quick(&self) -> Result<Quick<'_>, sqlx::Error> {
        if self.kept.enabled {
            if let Ok(mut slot) = self.kept.conn.try_lock() {
                if slot.is_none() {
                    *slot = Some(self.pool.acquire().await?.detach());
                }
                if let Ok(conn) = tokio::sync::MutexGuard::try_map(slot, Option::as_mut) {
                    return Ok(Quick {
                        conn: QuickConn::Kept(conn),
                        kept: &self.kept,
                    });
                }
            }
        }
        Ok(Quick {
            conn: QuickConn::Pooled(self.pool.acquire().await?),
            kept: &self.kept,
        })
    }

    async fn close(&self) {
        // Held to the end: a statement arriving meanwhile uses the pool, which is closing,
        // rather than taking a new kept connection that nothing would close.
        let mut kept = self.kept.conn.lock().await;
        // A connection may still be closing when the process exits, leaving the last writes
        // in the -wal file: correct for SQLite, but a copy of the main file alone would miss
        // them. Folding the log in first leaves one whole file.
        let checkpoint = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)");
        let folded = match kept.as_mut() {
            Some(conn) => checkpoint.execute(conn).await,
            None => checkpoint.execute(&self.pool).await,
        };
        if let Err(e) = folded {
            tracing::debug!(error = %e, "no checkpoint at close");
        }
        if let Some(conn) = kept.take() {
            if let Err(e) = sqlx::Connection::close(conn).await {
                tracing::debug!(error = %e, "the kept connection did not close cleanly");
            }
        }
        self.pool.close().await;
    }
}

/// A connection from [`SqliteDb::quick`], for as long as it is held.
pub(crate) struct Quick<'a> {
    conn: QuickConn<'a>,
    kept: &'a Kept,
}

enum QuickConn<'a> {
    Kept(tokio::sync::MappedMutexGuard<'a, SqliteConnection>),
    Pooled(PoolConnection<sqlx::Sqlite>),
}

impl Quick<'_> {
    pub(crate) fn conn(&mut self) -> &mut SqliteConnection {
        match &mut self.conn {
            QuickConn::Kept(c) => c,
            QuickConn::Pooled(c) => c,
        }
    }

    /// Gives the connection back, having seen how its statements ended: a kept connection
    /// whose thread is gone is dropped, and the next statement takes a fresh one.
    pub(crate) fn release<T>(self, outcome: &Result<T, sqlx::Error>) {
        let broken = matches!(outcome, Err(sqlx::Error::WorkerCrashed));
        if let (QuickConn::Kept(guard), true) = (self.conn, broken) {
            drop(guard);
            if let Ok(mut slot) = self.kept.conn.try_lock() {
                *slot = None;
            }
        }
    }
}

/// Which engine a pool or URL is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    /// The engine `url` names, by its scheme.
    pub fn of_url(url: &str) -> Option<Engine> {
        let scheme = url.split_once(':')?.0.to_ascii_lowercase();
        match scheme.as_str() {
            "sqlite" => Some(Engine::Sqlite),
            "postgres" | "postgresql" => Some(Engine::Postgres),
            _ => None,
        }
    }
}

impl Pool {
    pub fn engine(&self) -> Engine {
        match self {
            Pool::Sqlite(_) => Engine::Sqlite,
            Pool::Postgres(_) => Engine::Postgres,
        }
    }

    /// The SQLite pool, for what only SQLite has (a file to copy, PRAGMAs); `None` on
    /// PostgreSQL.
    pub fn as_sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Pool::Sqlite(p) => Some(p.pool()),
            Pool::Postgres(_) => None,
        }
    }

    /// The PostgreSQL pool; `None` on SQLite.
    pub fn as_postgres(&self) -> Option<&PgPool> {
        match self {
            Pool::Sqlite(_) => None,
            Pool::Postgres(p) => Some(p),
        }
    }

    /// Waits for running queries and closes every connection.
    pub async fn close(&self) {
        match self {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "database.url `{url}` is not a database URL (use sqlite://data/emig-bot.db, or postgres://user@host/db): {why}"
    )]
    BadUrl { url: String, why: String },
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Open(#[source] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// What `database.url` names, parsed.
enum Target {
    Sqlite(SqliteConnectOptions),
    Postgres(PgConnectOptions),
}

fn parse(settings: &DatabaseSettings) -> Result<Target, DbError> {
    let bad = |why: String| DbError::BadUrl {
        url: redact(&settings.url),
        why,
    };
    match Engine::of_url(&settings.url) {
        Some(Engine::Sqlite) => SqliteConnectOptions::from_str(&settings.url)
            .map(Target::Sqlite)
            .map_err(|e| bad(e.to_string())),
        Some(Engine::Postgres) => PgConnectOptions::from_str(&settings.url)
            .map(Target::Postgres)
            .map_err(|e| bad(e.to_string())),
        None => Err(bad("the scheme must be sqlite: or postgres:".into())),
    }
}

/// Opens (creating a SQLite file if missing) the database and brings its schema up to date
/// with that engine's migrations.
pub async fn connect(settings: &DatabaseSettings) -> Result<Pool, DbError> {
    match parse(settings)? {
        Target::Sqlite(options) => connect_sqlite(settings, options).await,
        Target::Postgres(options) => {
            // A write waiting on another's lock gives up after the busy timeout, as on
            // SQLite: the member is told to try again, within Discord's window.
            let options = options.options([(
                "lock_timeout",
                format!("{}ms", settings.busy_timeout_ms).as_str(),
            )]);
            let pool = PgPoolOptions::new()
                .max_connections(settings.max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await
                .map_err(DbError::Open)?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Ok(Pool::Postgres(pool))
        }
    }
}

/// The checks of [`connect`] that need no connection: the URL, and for SQLite the folder the
/// file goes in. Run first at start-up, so such an error is reported before anything else
/// begins (the Discord connection starts while the database opens).
pub fn prepare(settings: &DatabaseSettings) -> Result<(), DbError> {
    match parse(settings)? {
        Target::Sqlite(options) => create_folder(&options),
        Target::Postgres(_) => Ok(()),
    }
}

/// Creates the folder of a SQLite file (not of `:memory:`).
fn create_folder(options: &SqliteConnectOptions) -> Result<(), DbError> {
    let file = options.get_filename();
    if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        if file.as_os_str() != ":memory:" {
            std::fs::create_dir_all(folder).map_err(|source| DbError::Folder {
                path: folder.display().to_string(),
                source,
            })?;
        }
    }
    Ok(())
}

async fn connect_sqlite(
    settings: &DatabaseSettings,
    options: SqliteConnectOptions,
) -> Result<Pool, DbError> {
    let options = options
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // With WAL, NORMAL never loses a committed transaction when the process is killed;
        // only a power cut may lose the last few.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_millis(settings.busy_timeout_ms));

    create_folder(&options)?;

    // One of the connections is kept out of the pool for lone statements (see SqliteDb),
    // once there may be two.
    let keep = settings.max_connections > 1;
    let pool = SqlitePoolOptions::new()
        .max_connections(settings.max_connections - u32::from(keep))
        // A pooled connection is free again once its transaction is done, and a transaction
        // waits for another writer at most the busy timeout: waiting longer for a connection
        // than that (and a second to open one) only delays the "try again".
        .acquire_timeout(Duration::from_millis(settings.busy_timeout_ms) + Duration::from_secs(1))
        // A connection to a local file cannot go stale, so the default ping before every
        // acquire (a round trip to the connection's thread, doubling the cost of a one-query
        // read) buys nothing; without it an acquire that is cancelled also keeps its connection.
        .test_before_acquire(false)
        .connect_with(options)
        .await
        .map_err(DbError::Open)?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    Ok(Pool::Sqlite(SqliteDb::new(pool, keep)))
}

/// `url` with any password replaced, fit for a message or a log line.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
    match authority.rsplit_once('@') {
        Some((user_info, host)) if user_info.contains(':') => {
            let user = user_info.split_once(':').map_or(user_info, |(u, _)| u);
            let slash = if rest.contains('/') { "/" } else { "" };
            format!("{scheme}://{user}:***@{host}{slash}{path}")
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_names_the_engine() {
        assert_eq!(Engine::of_url("sqlite://data/x.db"), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("sqlite::memory:"), Some(Engine::Sqlite));
        assert_eq!(Engine::of_url("postgres://u@h/db"), Some(Engine::Postgres));
        assert_eq!(
            Engine::of_url("postgresql://u@h/db"),
            Some(Engine::Postgres)
        );
        assert_eq!(Engine::of_url("mysql://u@h/db"), None);
        assert_eq!(Engine::of_url("data/x.db"), None);
    }

    #[test]
    fn a_password_never_reaches_a_message() {
        assert_eq!(
            redact("postgres://bot:s3cret@db:5432/emig"),
            "postgres://bot:***@db:5432/emig"
        );
        assert_eq!(redact("postgres://bot@db/emig"), "postgres://bot@db/emig");
        assert_eq!(redact("sqlite://data/x.db"), "sqlite://data/x.db");
        assert!(!redact("postgres://a:p@ss@h/d").contains("p@ss"));
    }
}
