//! Everything the bot holds about one member, read for `/me export`: one array of rows per
//! table, each row as its columns. Every query is keyed by the member.

use serde_json::{Map, Value};
use sqlx::{Column, Row, TypeInfo, ValueRef};

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

fn to_json(row: &sqlx::sqlite::SqliteRow) -> Value {
    let mut out = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let value = match row.try_get_raw(i) {
            Ok(raw) if raw.is_null() => Value::Null,
            Ok(raw) => match raw.type_info().name() {
                "INTEGER" => row.try_get::<i64, _>(i).map_or(Value::Null, Value::from),
                "REAL" => row.try_get::<f64, _>(i).map_or(Value::Null, Value::from),
                _ => row.try_get::<String, _>(i).map_or(Value::Null, Value::from),
            },
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
        let mut read = |name: &str, rows: Vec<sqlx::sqlite::SqliteRow>| {
            tables.insert(
                name.to_owned(),
                Value::Array(rows.iter().map(to_json).collect()),
            );
        };
        for (table, column) in OWNED {
            let rows = sqlx::query(&format!("SELECT * FROM {table} WHERE {column} = ?"))
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
            read(table, rows);
        }
        let given = sqlx::query("SELECT * FROM story_feedback WHERE rater_id = ?")
            .bind(id)
            .fetch_all(&self.pool)
            .await?;
        read("story_feedback_given", given);
        let received = sqlx::query(
            "SELECT s.version, f.clear, f.specific, f.on_time, f.suggestion, f.created_at
             FROM story_feedback f JOIN stories s ON s.id = f.story_id
             WHERE s.owner_id = ? ORDER BY f.created_at",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        read("story_feedback_received", received);
        let linked = sqlx::query(
            "SELECT pc.* FROM program_contacts pc JOIN programs p ON p.id = pc.program_id
             WHERE p.owner_id = ?",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        read("program_contacts", linked);
        Ok(tables)
    }
}
