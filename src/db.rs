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
///
/// Besides, one read-only connection of our own (not sqlx's) answers the hottest reads on the
/// calling thread: see [`SqliteDb::read_here`].
#[derive(Debug, Clone)]
pub struct SqliteDb {
    pool: SqlitePool,
    kept: std::sync::Arc<Kept>,
    here: std::sync::Arc<Here>,
}

/// The connection behind [`SqliteDb::read_here`].
#[derive(Debug, Default)]
struct Here {
    /// The database file; `None` when reads are not answered here (an in-memory database,
    /// which a second connection would not see).
    file: Option<std::path::PathBuf>,
    /// Opened at the first read, and again after one failed.
    conn: std::sync::Mutex<Option<rusqlite::Connection>>,
    /// Set when the database closes: no connection is opened after.
    closed: std::sync::atomic::AtomicBool,
    /// Reads answered here (for tests and benches).
    answered: std::sync::atomic::AtomicU64,
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
            here: std::sync::Arc::default(),
        }
    }

    /// The same, with reads answered on the calling thread from `file` (the database's own
    /// file, which must exist: see [`SqliteDb::read_here`]).
    pub fn reading_here(mut self, file: std::path::PathBuf) -> SqliteDb {
        self.here = std::sync::Arc::new(Here {
            file: Some(file),
            ..Here::default()
        });
        self
    }

    /// Runs `read` on the calling thread with a read-only connection of its own, or returns
    /// `None` when that cannot be done now; the caller then reads through sqlx.
    ///
    /// Each sqlx connection to SQLite is a thread of its own, and a statement is a message
    /// there and an answer back: two thread switches, which on a small machine take several
    /// times the statement itself. A short read bounded by one member's rows costs less than
    /// that run here, and a command waits for its answer anyway. Only reads: the connection is
    /// opened read-only. No waiting: the connection's busy timeout is zero (SQLite itself only
    /// retries a few microseconds while a writer updates the log's index), and a read that
    /// would wait (the database locked by a checkpoint), finds the connection in use by another
    /// thread, or fails in any way returns `None`, so it is done the usual way, which waits and
    /// reports errors as everywhere else. In WAL mode a read sees every committed write, as any
    /// new connection's does.
    pub(crate) fn read_here<T>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Option<T> {
        use std::sync::atomic::Ordering;
        let here = &*self.here;
        let file = here.file.as_deref()?;
        let mut slot = match here.conn.try_lock() {
            Ok(slot) => slot,
            Err(std::sync::TryLockError::WouldBlock) => return None,
            // A read panicked holding it: start over with a fresh connection.
            Err(std::sync::TryLockError::Poisoned(poisoned)) => {
                here.conn.clear_poison();
                let mut slot = poisoned.into_inner();
                *slot = None;
                slot
            }
        };
        if here.closed.load(Ordering::Acquire) {
            return None;
        }
        if slot.is_none() {
            match open_here(file) {
                Ok(conn) => *slot = Some(conn),
                Err(e) => {
                    tracing::debug!(error = %e, "no connection for reads here");
                    return None;
                }
            }
        }
        let conn = slot.as_ref()?;
        match read(conn) {
            Ok(answer) => {
                here.answered.fetch_add(1, Ordering::Relaxed);
                Some(answer)
            }
            Err(e) => {
                tracing::debug!(error = %e, "a read here failed; it goes through the pool");
                // A failure of the connection itself (not a busy database, nor a value the
                // row could not be read as, which the pool then reports) opens a fresh one
                // next time.
                let broken = matches!(
                    e.sqlite_error_code(),
                    Some(code) if !matches!(
                        code,
                        rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
                    )
                );
                if broken {
                    *slot = None;
                }
                None
            }
        }
    }

    /// How many reads [`SqliteDb::read_here`] answered.
    pub fn reads_answered_here(&self) -> u64 {
        self.here
            .answered
            .load(std::sync::atomic::Ordering::Relaxed)
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
        self.here
            .closed
            .store(true, std::sync::atomic::Ordering::Release);
        // A read here holds this only for its statement, on a thread that is not waiting.
        self.here
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .take();
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

/// The connection for [`SqliteDb::read_here`]: read-only, never waiting, its statements
/// prepared once.
fn open_here(file: &std::path::Path) -> rusqlite::Result<rusqlite::Connection> {
    use rusqlite::OpenFlags;
    let conn = rusqlite::Connection::open_with_flags(
        file,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(Duration::ZERO)?;
    // Few statements are read here; a small page cache is plenty (the pages are in the OS's).
    conn.pragma_update(None, "cache_size", -256)?;
    Ok(conn)
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

    /// See [`SqliteDb::read_here`]; always `None` on PostgreSQL.
    pub(crate) fn read_here<T>(
        &self,
        read: impl FnOnce(&rusqlite::Connection) -> rusqlite::Result<T>,
    ) -> Option<T> {
        match self {
            Pool::Sqlite(db) => db.read_here(read),
            Pool::Postgres(_) => None,
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
        .connect_with(options.clone())
        .await
        .map_err(DbError::Open)?;
    sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
    let db = SqliteDb::new(pool, keep);
    // A plain file: not an in-memory database, which a second connection would not see, nor a
    // URL whose options (`mode`, `vfs`, `immutable`) a plain open would not follow.
    let file = options.get_filename();
    Ok(Pool::Sqlite(
        if file.is_file() && !settings.url.contains('?') {
            db.reading_here(file.to_path_buf())
        } else {
            db
        },
    ))
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

    fn sqlite_settings(url: String) -> DatabaseSettings {
        DatabaseSettings {
            url,
            max_connections: 2,
            busy_timeout_ms: 1000,
        }
    }

    /// A file is read here; an in-memory database, which another connection would not see,
    /// never is; a failed read leaves it to the pool and the next opens a fresh connection;
    /// once closed, nothing more is read here.
    #[tokio::test]
    async fn reads_here_only_from_a_file_and_never_after_a_failure_or_closing() {
        let count = |c: &rusqlite::Connection| {
            c.query_row("SELECT COUNT(*) FROM members", [], |r| r.get::<_, i64>(0))
        };
        let memory = connect(&sqlite_settings("sqlite::memory:".into()))
            .await
            .expect("in memory");
        assert_eq!(memory.read_here(count), None);
        memory.close().await;

        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("x.db").display());
        let pool = connect(&sqlite_settings(url)).await.expect("file");
        assert_eq!(pool.read_here(count), Some(0));
        let failed: Option<i64> =
            pool.read_here(|c| c.query_row("SELECT nothing FROM nowhere", [], |r| r.get(0)));
        assert_eq!(failed, None);
        assert_eq!(pool.read_here(count), Some(0));
        // Read-only: a write is refused, and the pool answers instead.
        let wrote = pool.read_here(|c| {
            c.execute(
                "INSERT INTO members (user_id, created_at, updated_at) VALUES (1, 0, 0)",
                [],
            )
        });
        assert_eq!(wrote, None);
        assert_eq!(pool.read_here(count), Some(0));
        let Pool::Sqlite(db) = &pool else {
            panic!("SQLite");
        };
        assert_eq!(db.reads_answered_here(), 3);
        pool.close().await;
        assert_eq!(pool.read_here(count), None);
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
