//! `emig-bot migrate-to <postgres-url>`: a chapter that outgrows its SQLite file moves to
//! PostgreSQL without starting over. Every table is copied in one PostgreSQL transaction (all
//! or nothing), each id sequence is set past every id SQLite ever handed out (ids of erased
//! rows are never handed out again: they name posts in nonces), and the row counts of every
//! table are compared before the copy is committed.

use std::collections::HashMap;

use chrono::NaiveDate;
use futures_util::TryStreamExt;
use sqlx::{PgPool, Postgres, QueryBuilder, Row, SqlitePool};

/// Every table, parents before the tables that refer to them.
pub const TABLES: &[&str] = &[
    "members",
    "chapters",
    "chapter_members",
    "milestones",
    "contacts",
    "interactions",
    "pending_notes",
    "digests",
    "follow_ups",
    "deliveries",
    "stories",
    "nudges",
    "conferences",
    "conference_plans",
    "conference_targets",
    "conference_notices",
    "letters",
    "programs",
    "program_contacts",
    "fairs",
    "fair_programs",
    "fair_interests",
    "practice_sessions",
    "practice_members",
    "practice_pairs",
    "fair_questions",
    "fair_votes",
    "post_deletions",
    "story_shares",
    "story_feedback",
    "conference_posts",
];

/// Rows per INSERT: well under PostgreSQL's 65,535 parameters for the widest table.
const BATCH: usize = 500;

#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error("the target database already holds data ({table} has {rows} rows); migrate into a new, empty database")]
    NotEmpty { table: String, rows: i64 },
    #[error("table {table} has {source_rows} rows in SQLite but {target_rows} were copied; nothing was kept")]
    CountMismatch {
        table: String,
        source_rows: i64,
        target_rows: i64,
    },
    #[error("table {table}, column {column}: {why}")]
    Value {
        table: String,
        column: String,
        why: String,
    },
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

/// One table's rows, as counted on both sides after the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub table: &'static str,
    pub rows: i64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Bool,
    Date,
}

/// Copies everything from `source` (SQLite, migrated) into `target` (PostgreSQL, migrated
/// and empty). Nothing is kept in `target` unless every table's count matches.
pub async fn copy_sqlite_to_postgres(
    source: &SqlitePool,
    target: &PgPool,
) -> Result<Vec<Copied>, CopyError> {
    let mut tx = target.begin().await?;
    for table in TABLES {
        let rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *tx)
            .await?;
        if rows > 0 {
            return Err(CopyError::NotEmpty {
                table: (*table).to_owned(),
                rows,
            });
        }
    }
    let mut copied = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let columns = columns_of(&mut tx, table).await?;
        let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
        let select = format!("SELECT {} FROM {table}", names.join(", "));
        let mut rows = sqlx::query(&select).fetch(source);
        let mut batch: Vec<sqlx::sqlite::SqliteRow> = Vec::with_capacity(BATCH);
        while let Some(row) = rows.try_next().await? {
            batch.push(row);
            if batch.len() == BATCH {
                insert(&mut tx, table, &columns, &batch).await?;
                batch.clear();
            }
        }
        if !batch.is_empty() {
            insert(&mut tx, table, &columns, &batch).await?;
        }
        let source_rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(source)
            .await?;
        let target_rows: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&mut *tx)
            .await?;
        if source_rows != target_rows {
            return Err(CopyError::CountMismatch {
                table: (*table).to_owned(),
                source_rows,
                target_rows,
            });
        }
        if names.contains(&"id") {
            reset_sequence(source, &mut tx, table).await?;
        }
        copied.push(Copied {
            table,
            rows: target_rows,
        });
    }
    tx.commit().await?;
    Ok(copied)
}

/// `table`'s columns on PostgreSQL, in order, with how each is read from SQLite.
async fn columns_of(
    tx: &mut sqlx::PgConnection,
    table: &str,
) -> Result<Vec<(String, Kind)>, CopyError> {
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(table)
    .fetch_all(&mut *tx)
    .await?;
    rows.into_iter()
        .map(|(name, ty)| {
            let kind = match ty.as_str() {
                "bigint" | "integer" | "smallint" => Kind::Int,
                "text" | "character varying" => Kind::Text,
                "boolean" => Kind::Bool,
                "date" => Kind::Date,
                other => {
                    return Err(CopyError::Value {
                        table: table.to_owned(),
                        column: name,
                        why: format!("type {other} has no copy rule"),
                    })
                }
            };
            Ok((name, kind))
        })
        .collect()
}

async fn insert(
    tx: &mut sqlx::PgConnection,
    table: &str,
    columns: &[(String, Kind)],
    rows: &[sqlx::sqlite::SqliteRow],
) -> Result<(), CopyError> {
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    let mut q: QueryBuilder<Postgres> =
        QueryBuilder::new(format!("INSERT INTO {table} ({}) ", names.join(", ")));
    let mut bad = None;
    q.push_values(rows, |mut b, row| {
        for (i, (name, kind)) in columns.iter().enumerate() {
            let fail = |why: String| CopyError::Value {
                table: table.to_owned(),
                column: name.clone(),
                why,
            };
            match kind {
                Kind::Int => match row.try_get::<Option<i64>, _>(i) {
                    Ok(v) => {
                        b.push_bind(v);
                    }
                    Err(e) => {
                        bad.get_or_insert(fail(e.to_string()));
                        b.push_bind(None::<i64>);
                    }
                },
                Kind::Text => match row.try_get::<Option<String>, _>(i) {
                    Ok(v) => {
                        b.push_bind(v);
                    }
                    Err(e) => {
                        bad.get_or_insert(fail(e.to_string()));
                        b.push_bind(None::<String>);
                    }
                },
                Kind::Bool => match row.try_get::<Option<bool>, _>(i) {
                    Ok(v) => {
                        b.push_bind(v);
                    }
                    Err(e) => {
                        bad.get_or_insert(fail(e.to_string()));
                        b.push_bind(None::<bool>);
                    }
                },
                Kind::Date => {
                    let text = row.try_get::<Option<String>, _>(i);
                    let date = match text {
                        Ok(Some(t)) => match NaiveDate::parse_from_str(&t, "%Y-%m-%d") {
                            Ok(d) => Some(d),
                            Err(_) => {
                                bad.get_or_insert(fail(format!("`{t}` is not a date")));
                                None
                            }
                        },
                        Ok(None) => None,
                        Err(e) => {
                            bad.get_or_insert(fail(e.to_string()));
                            None
                        }
                    };
                    b.push_bind(date);
                }
            }
        }
    });
    if let Some(e) = bad {
        return Err(e);
    }
    q.build().execute(&mut *tx).await?;
    Ok(())
}

/// Sets `table`'s id sequence past every id SQLite handed out, including those of rows since
/// deleted (its `sqlite_sequence` remembers them for AUTOINCREMENT tables).
async fn reset_sequence(
    source: &SqlitePool,
    tx: &mut sqlx::PgConnection,
    table: &str,
) -> Result<(), CopyError> {
    let max_id: Option<i64> = sqlx::query_scalar(&format!("SELECT MAX(id) FROM {table}"))
        .fetch_one(source)
        .await?;
    let handed_out: HashMap<String, i64> = sqlx::query("SELECT name, seq FROM sqlite_sequence")
        .fetch_all(source)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter_map(|r| Some((r.try_get("name").ok()?, r.try_get("seq").ok()?)))
        .collect();
    let last = max_id
        .unwrap_or(0)
        .max(handed_out.get(table).copied().unwrap_or(0));
    sqlx::query("SELECT setval(pg_get_serial_sequence($1, 'id'), $2, false)")
        .bind(table)
        .bind(last + 1)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
