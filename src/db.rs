//! The connection pool (SQLite: WAL, foreign keys, busy timeout) and the embedded migrations.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use crate::settings::DatabaseSettings;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "database.url `{url}` is not a SQLite URL (use e.g. sqlite://data/emig-bot.db): {source}"
    )]
    BadUrl { url: String, source: sqlx::Error },
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

/// Opens (creating if missing) the database and brings its schema up to date.
pub async fn connect(settings: &DatabaseSettings) -> Result<SqlitePool, DbError> {
    let options = SqliteConnectOptions::from_str(&settings.url)
        .map_err(|source| DbError::BadUrl {
            url: settings.url.clone(),
            source,
        })?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        // With WAL, NORMAL never loses a committed transaction when the process is killed;
        // only a power cut may lose the last few.
        .synchronous(SqliteSynchronous::Normal)
        .foreign_keys(true)
        .busy_timeout(Duration::from_millis(settings.busy_timeout_ms));

    let file = options.get_filename();
    if let Some(folder) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
        if file.as_os_str() != ":memory:" {
            std::fs::create_dir_all(folder).map_err(|source| DbError::Folder {
                path: folder.display().to_string(),
                source,
            })?;
        }
    }

    let pool = SqlitePoolOptions::new()
        .max_connections(settings.max_connections)
        .connect_with(options)
        .await
        .map_err(DbError::Open)?;
    sqlx::migrate!("./migrations").run(&pool).await?;
    Ok(pool)
}
