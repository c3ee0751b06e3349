//! All SQL lives here, one file per table group; functions take and return domain types.

mod chapters;
mod conferences;
mod contacts;
pub(crate) mod engine;
mod export;
mod fairs;
mod follow_ups;
mod letters;
mod members;
pub mod migrate_to;
mod nudges;
mod post_deletions;
mod practice;
mod programs;
mod retention;
mod season;
mod stories;
mod tx;

use chrono::{DateTime, Utc};

use crate::db::{Engine, Pool};

pub use chapters::{ChapterFigures, Forgotten};
pub use conferences::{ConferencePost, Joined, PlanNudge, PlanReminder, PlanSummary};
pub use contacts::{ContactChoice, ContactPage};
pub use follow_ups::Delivery;
pub use members::Overview;
pub use nudges::{random_u64, Claim, Delivered, DueMember, Lease, Outcome};
pub use post_deletions::{PostToDelete, QueuedDeletion};
pub use practice::PracticeSession;
pub use retention::{Trimmed, DELIVERY_LOG_KEPT, PENDING_NOTE_KEPT};
pub use stories::{FeedbackRefused, Share};
pub use tx::Tx;

/// See [`Store`]'s `no_notice`. `epoch` counts the notices set and members erased, so a read
/// that raced with one is not remembered.
#[derive(Debug, Default)]
struct NoNotice {
    members: std::collections::HashSet<u64>,
    epoch: u64,
}

/// Members remembered with no notice waiting before the memory starts over.
const NO_NOTICE_MAX: usize = 100_000;

/// The database, as the rest of the bot sees it.
#[derive(Debug, Clone)]
pub struct Store {
    pool: Pool,
    /// Set once a write failed because the storage is full: the app stops on it.
    full: std::sync::Arc<tokio::sync::watch::Sender<Option<String>>>,
    /// When this process last wrote each (member, server) presence (unix seconds; server 0
    /// for none), so a member's every command is not a write.
    presence_written: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<(u64, u64), i64>>>,
    /// Members this process found with no once-only notice waiting, so a command of theirs
    /// does not read for one again. Only a lone process trusts it (see `shared`); it forgets a
    /// member whenever it sets a notice or erases them.
    no_notice: std::sync::Arc<std::sync::Mutex<NoNotice>>,
    /// This process's own order over the members with due nudges (a multiplier modulo a
    /// prime), when several processes claim at once, so they mostly start on different
    /// members; `None`: by member id.
    spread: Option<i64>,
    /// Whether other processes write the same database: then a member's remembered presence
    /// is checked against the database (another process may have erased them), else this
    /// process's own erasures keep the memory true.
    shared: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("stored {what} is unreadable: {value}")]
    Corrupt { what: &'static str, value: String },
}

pub type StoreResult<T> = Result<T, StoreError>;

impl StoreError {
    /// Whether the storage refused a write for lack of room: SQLite's FULL (ENOSPC), or a
    /// write that failed (a file over the size limit fails its write with EFBIG, which SQLite
    /// reports as IOERR_WRITE). Nothing can be saved until an operator makes room, so the bot
    /// stops rather than answer every member with errors. Other I/O errors (a failed read, a
    /// lock, memory) are not this.
    pub fn is_storage_full(&self) -> bool {
        let StoreError::Database(sqlx::Error::Database(db)) = self else {
            return false;
        };
        db.code()
            .and_then(|c| c.parse::<i32>().ok())
            .is_some_and(|code| matches!(code, 13 | 778))
    }
}

/// Why a backup was not written.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("that file already exists; name a new one")]
    Exists,
    #[error("the path is not valid UTF-8")]
    NotUtf8,
    #[error(
        "the database is PostgreSQL: back it up with the server's own tool, e.g. `pg_dump --format=custom --file=emig-bot.dump <database>` (restore with pg_restore)"
    )]
    Postgres,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Store {
    pub fn new(pool: Pool) -> Self {
        Self {
            pool,
            full: std::sync::Arc::new(tokio::sync::watch::channel(None).0),
            presence_written: std::sync::Arc::default(),
            no_notice: std::sync::Arc::default(),
            spread: None,
            shared: false,
        }
    }

    /// For a process among several on one database: goes over the members with due nudges
    /// in an order of its own (see [`Store::members_with_due_nudges`]), and checks a
    /// remembered presence against the database, since another process may have erased it.
    pub fn shared_with_other_processes(mut self) -> Self {
        self.spread = Some(i64::try_from(random_u64() % (SPREAD_PRIME - 1)).unwrap_or(0) + 1);
        self.shared = true;
        self
    }

    /// Forgets the presences this process remembers for which `gone` holds (rows it just
    /// deleted), so the member's next command writes them again.
    fn forget_presences(&self, gone: impl Fn(&(u64, u64)) -> bool) {
        self.presence_written
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|key, _| !gone(key));
    }

    /// Whether this process knows `member` has no once-only notice waiting; else the epoch
    /// to hand [`Store::remember_no_notice`] after reading.
    fn knows_no_notice(&self, member: u64) -> Result<(), u64> {
        let known = self.no_notice.lock().unwrap_or_else(|p| p.into_inner());
        if !self.shared && known.members.contains(&member) {
            Ok(())
        } else {
            Err(known.epoch)
        }
    }

    /// Remembers that a read begun at `epoch` found no notice waiting for `member`, unless
    /// a notice was set or a member erased since.
    fn remember_no_notice(&self, member: u64, epoch: u64) {
        let mut known = self.no_notice.lock().unwrap_or_else(|p| p.into_inner());
        if self.shared || known.epoch != epoch {
            return;
        }
        if known.members.len() >= NO_NOTICE_MAX {
            known.members.clear();
        }
        known.members.insert(member);
    }

    /// A notice may now wait for `member` (or their row is gone): read for it again.
    fn forget_no_notice(&self, member: u64) {
        let mut known = self.no_notice.lock().unwrap_or_else(|p| p.into_inner());
        known.epoch += 1;
        known.members.remove(&member);
    }

    /// Notes a failed operation: a full storage is reported to whoever watches
    /// [`Store::full`] (the app, which stops).
    pub fn note_failure(&self, error: &StoreError) {
        if error.is_storage_full() {
            let why = error.to_string();
            self.full.send_if_modified(|slot| {
                let first = slot.is_none();
                if first {
                    *slot = Some(why);
                }
                first
            });
        }
    }

    /// Becomes `Some(why)` once a write failed for lack of storage.
    pub fn full(&self) -> tokio::sync::watch::Receiver<Option<String>> {
        self.full.subscribe()
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// Which engine the store runs on.
    pub fn engine(&self) -> Engine {
        self.pool.engine()
    }

    /// A connection for a few statements outside a transaction.
    pub(crate) async fn held(&self) -> StoreResult<engine::Held<'_>> {
        Ok(self.pool.held().await?)
    }

    /// Writes a consistent copy of the whole database to `path` (a new file) while others
    /// keep reading and writing: SQLite's `VACUUM INTO`, the one engine-specific statement of
    /// the backup. Returns the copy's size in bytes.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<u64, BackupError> {
        if path.exists() {
            return Err(BackupError::Exists);
        }
        let Pool::Sqlite(pool) = &self.pool else {
            return Err(BackupError::Postgres);
        };
        let target = path.to_str().ok_or(BackupError::NotUtf8)?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(pool.pool())
            .await
            .map_err(StoreError::from)?;
        Ok(std::fs::metadata(path).map(|m| m.len()).unwrap_or(0))
    }

    /// Waits for running queries and closes every connection (clean shutdown).
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// The modulus of [`Store`]'s member order: a prime, so every multiplier permutes.
pub(crate) const SPREAD_PRIME: u64 = 1_000_003;

/// Snowflakes are below 2^63, and the cast round-trips every u64 anyway.
fn sql_id(id: u64) -> i64 {
    id as i64
}

fn from_sql_id(id: i64) -> u64 {
    id as u64
}

fn sql_instant(at: DateTime<Utc>) -> i64 {
    at.timestamp()
}

fn from_sql_instant(secs: i64) -> StoreResult<DateTime<Utc>> {
    DateTime::from_timestamp(secs, 0).ok_or(StoreError::Corrupt {
        what: "timestamp",
        value: secs.to_string(),
    })
}
