//! Everything the bot holds about one member, read for `/me export`: one array of rows per
//! table, each row as its columns. Every query is keyed by the member.

use super::engine::on;
use chrono::NaiveDate;
use serde_json::{Map, Value};
use sqlx::{Column, Row, ValueRef};

use super::{sql_id, Store, StoreResult};
use crate::domain::UserId;

/// The tables holding a member's own rows, and the column naming them.
const OWNED: &[(&str, &str)] = &[
    ("members", "user_id"),
    ("chapter_members", "user_id"),
    ("contacts", "owner_id"),
    ("interactions", "owner_id"),
    ("pending_notes", "owner_id"),
    ("follow_ups", "owner_id"),
    ("nudges", "owner_id"),
    ("deliveries", "owner_id"),
    ("stories", "owner_id"),
    ("story_shares", "owner_id"),
    ("conference_plans", "owner_id"),
    ("conference_targets", "owner_id"),
    ("conference_posts", "author_id"),
    ("letters", "owner_id"),
    ("programs", "owner_id"),
    ("milestones", "owner_id"),
    ("fair_interests", "owner_id"),
    ("fair_votes", "voter_id"),
    ("practice_members", "user_id"),
];

/// One row as `{column: value}`, the same on either engine: flags as 0/1 and dates as their
/// ISO text, as SQLite stores them.
fn to_json<'r, R: Row>(row: &'r R) -> Value
where
    usize: sqlx::ColumnIndex<R>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    f64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    bool: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    NaiveDate: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut out = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let value = match row.try_get_raw(i) {
            Ok(raw) if raw.is_null() => Value::Null,
            Ok(_) => row
                .try_get::<i64, _>(i)
                .map(Value::from)
                .or_else(|_| row.try_get::<f64, _>(i).map(Value::from))
                .or_else(|_| row.try_get::<bool, _>(i).map(|b| Value::from(i64::from(b))))
                .or_else(|_| {
                    row.try_get::<NaiveDate, _>(i)
                        .map(|d| Value::from(d.to_string()))
                })
                .or_else(|_| row.try_get::<String, _>(i).map(Value::from))
                .unwrap_or(Value::Null),
            Err(_) => Value::Null,
        };
        out.insert(column.name().to_owned(), value);
    }
    Value::Object(out)
}

impl Store {
    /// The member's data: `{table: [rows]}`, plus the feedback they gave, the feedback their
    /// stories received (without who gave it) and the contacts linked to their programs.
    pub async fn export(&self, owner: UserId) -> StoreResult<Map<String, Value>> {
        let id = sql_id(owner.0);
        let mut tables = Map::new();
        let mut read = |name: &str, rows: Vec<Value>| {
            tables.insert(name.to_owned(), Value::Array(rows));
        };
        for (table, column) in OWNED {
            let rows = on!(pool & self.pool, |c| sqlx::query(&format!(
                "SELECT * FROM {table} WHERE {column} = $1"
            ))
            .bind(id)
            .fetch_all(c)
            .await
            .map(|rows| rows.iter().map(to_json).collect()))?;
            read(table, rows);
        }
        let given = on!(pool & self.pool, |c| sqlx::query(
            "SELECT * FROM story_feedback WHERE rater_id = $1"
        )
        .bind(id)
        .fetch_all(c)
        .await
        .map(|rows| rows.iter().map(to_json).collect()))?;
        read("story_feedback_given", given);
        let received = on!(pool & self.pool, |c| sqlx::query(
            "SELECT s.version, f.clear, f.specific, f.on_time, f.suggestion, f.created_at
             FROM story_feedback f JOIN stories s ON s.id = f.story_id
             WHERE s.owner_id = $1 ORDER BY f.created_at",
        )
        .bind(id)
        .fetch_all(c)
        .await
        .map(|rows| rows.iter().map(to_json).collect()))?;
        read("story_feedback_received", received);
        let linked = on!(pool & self.pool, |c| sqlx::query(
            "SELECT pc.* FROM program_contacts pc JOIN programs p ON p.id = pc.program_id
             WHERE p.owner_id = $1",
        )
        .bind(id)
        .fetch_all(c)
        .await
        .map(|rows| rows.iter().map(to_json).collect()))?;
        read("program_contacts", linked);
        Ok(tables)
    }
}
