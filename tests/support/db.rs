//! The test database: a SQLite file by default, or, when `EMIG_TEST_DATABASE_URL` names a
//! PostgreSQL server (`scripts/test-postgres` starts one), a new database on that server for
//! each test. Tests read and write it directly through [`Db`] and [`on_pool!`], the same
//! text on either engine (`$1` placeholders).

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use emig_bot::db::{Engine, Pool};
use emig_bot::settings::DatabaseSettings;

/// The PostgreSQL server the tests run on, if any (an admin URL, e.g. ending `/postgres`).
pub fn postgres_server() -> Option<String> {
    std::env::var("EMIG_TEST_DATABASE_URL")
        .ok()
        .filter(|u| Engine::of_url(u) == Some(Engine::Postgres))
}

/// A SQLite file in `dir`: for the tests about a SQLite mechanism (locks, `VACUUM INTO`,
/// PRAGMAs, a file's size), which run on SQLite whatever the suite runs on.
pub fn sqlite_url(dir: &Path) -> String {
    format!("sqlite://{}", dir.join("emig.db").display())
}

/// A new, empty database for one test: on the PostgreSQL server when there is one, else a
/// SQLite file in `dir`.
pub async fn fresh_url(dir: &Path) -> String {
    match postgres_server() {
        Some(server) => fresh_postgres(&server).await,
        None => sqlite_url(dir),
    }
}

async fn fresh_postgres(server: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let name = format!(
        "emig_test_{}_{}_{:08x}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed),
        fastrand::u32(..)
    );
    let mut admin = <sqlx::PgConnection as sqlx::Connection>::connect(server)
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create a test database");
    let _ = sqlx::Connection::close(admin).await;
    let (base, _) = server.rsplit_once('/').expect("a database URL with a path");
    format!("{base}/{name}")
}

/// Whether this URL is a PostgreSQL one.
pub fn is_postgres(url: &str) -> bool {
    Engine::of_url(url) == Some(Engine::Postgres)
}

/// Runs `$body` with `$c` bound to either engine's pool (`&SqlitePool` or `&PgPool`).
#[macro_export]
macro_rules! on_pool {
    ($pool:expr, |$c:ident| $body:expr) => {
        match $pool {
            emig_bot::db::Pool::Sqlite(p) => {
                let $c = p.pool();
                $body
            }
            emig_bot::db::Pool::Postgres($c) => $body,
        }
    };
}
pub use on_pool;

/// A direct handle on a test's database, for what a test sets up or checks behind the
/// bot's back.
pub struct Db {
    pub pool: Pool,
}

impl Db {
    /// Opens (and migrates, when that is still to do) the database at `url`.
    pub async fn open(url: &str) -> Db {
        let pool = emig_bot::db::connect(&DatabaseSettings {
            url: url.to_owned(),
            max_connections: 2,
            busy_timeout_ms: 5000,
        })
        .await
        .expect("open the test database");
        Db { pool }
    }

    pub fn engine(&self) -> Engine {
        self.pool.engine()
    }

    /// Runs one statement (no parameters: tests write their values in).
    pub async fn execute(&self, sql: &str) -> u64 {
        on_pool!(&self.pool, |c| sqlx::query(sql)
            .execute(c)
            .await
            .map(|r| r.rows_affected()))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The one integer `sql` selects (a count, say).
    pub async fn scalar(&self, sql: &str) -> i64 {
        on_pool!(&self.pool, |c| sqlx::query_scalar::<_, i64>(sql)
            .fetch_one(c)
            .await)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The tables the bot made (not the migrations' own).
    pub async fn tables(&self) -> Vec<String> {
        let sql = match self.engine() {
            Engine::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table'
                   AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations' ORDER BY name"
            }
            Engine::Postgres => {
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE'
                   AND table_name <> '_sqlx_migrations' ORDER BY table_name"
            }
        };
        on_pool!(&self.pool, |c| sqlx::query_scalar::<_, String>(sql)
            .fetch_all(c)
            .await)
        .expect("tables")
    }

    /// `table`'s columns, in order, with whether each holds integers.
    pub async fn columns(&self, table: &str) -> Vec<(String, bool)> {
        let rows: Vec<(String, String)> = match &self.pool {
            Pool::Sqlite(p) => sqlx::query_as(&format!(
                "SELECT name, type FROM pragma_table_info('{table}') ORDER BY cid"
            ))
            .fetch_all(p.pool())
            .await
            .expect("columns"),
            Pool::Postgres(p) => sqlx::query_as(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
            )
            .bind(table)
            .fetch_all(p)
            .await
            .expect("columns"),
        };
        rows.into_iter()
            .map(|(name, ty)| {
                let ty = ty.to_ascii_uppercase();
                (name, ty.contains("INT"))
            })
            .collect()
    }

    /// Every row of `table`, each as one line of its quoted cells.
    pub async fn rows_as_text(&self, table: &str) -> Vec<String> {
        let columns = self.columns(table).await;
        let quote = match self.engine() {
            Engine::Sqlite => "quote",
            Engine::Postgres => "quote_nullable",
        };
        let cells: Vec<String> = columns
            .iter()
            .map(|(c, _)| format!("{quote}({c})"))
            .collect();
        let sql = format!("SELECT {} FROM {table}", cells.join(" || '|' || "));
        on_pool!(&self.pool, |c| sqlx::query_scalar::<_, String>(&sql)
            .fetch_all(c)
            .await)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
