//! Letters a member asked for. Every statement is keyed by the owner.

use super::engine::{on, Conn};
use chrono::{DateTime, NaiveDate, Utc};

use super::{sql_id, sql_instant, Store, StoreError, StoreResult, Tx};
use crate::domain::contact::ContactId;
use crate::domain::letter::{Letter, LetterId, LetterKind, LetterStatus};
use crate::domain::UserId;

#[derive(sqlx::FromRow)]
struct LetterRow {
    id: i64,
    contact_id: i64,
    writer: String,
    kind: String,
    rotation: Option<String>,
    status: String,
    asked_on: NaiveDate,
    status_on: NaiveDate,
}

const LETTER_SELECT: &str = "SELECT l.id, l.contact_id, c.name AS writer, l.kind, l.rotation,
    l.status, l.asked_on, l.status_on
    FROM letters l JOIN contacts c ON c.id = l.contact_id AND c.owner_id = l.owner_id";

impl TryFrom<LetterRow> for Letter {
    type Error = StoreError;

    fn try_from(r: LetterRow) -> StoreResult<Letter> {
        Ok(Letter {
            id: LetterId(r.id),
            contact: ContactId(r.contact_id),
            writer: r.writer,
            kind: LetterKind::from_code(&r.kind).ok_or(StoreError::Corrupt {
                what: "letter kind",
                value: r.kind.clone(),
            })?,
            rotation: r.rotation,
            status: LetterStatus::from_code(&r.status).ok_or(StoreError::Corrupt {
                what: "letter status",
                value: r.status.clone(),
            })?,
            asked_on: r.asked_on,
            status_on: r.status_on,
        })
    }
}

async fn letter(conn: &mut Conn<'_>, owner: UserId, id: LetterId) -> StoreResult<Option<Letter>> {
    let row: Option<LetterRow> = on!(conn, |c| sqlx::query_as(&format!(
        "{LETTER_SELECT} WHERE l.owner_id = $1 AND l.id = $2"
    ))
    .bind(sql_id(owner.0))
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?;
    row.map(Letter::try_from).transpose()
}

impl Store {
    /// The owner's letters, the most recently asked first.
    pub async fn letters(&self, owner: UserId) -> StoreResult<Vec<Letter>> {
        let rows: Vec<LetterRow> = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "{LETTER_SELECT} WHERE l.owner_id = $1 ORDER BY l.asked_on DESC, l.id DESC"
        ))
        .bind(sql_id(owner.0))
        .fetch_all(c)
        .await)?;
        rows.into_iter().map(Letter::try_from).collect()
    }

    pub async fn letter(&self, owner: UserId, id: LetterId) -> StoreResult<Option<Letter>> {
        letter(&mut self.held().await?.engine(), owner, id).await
    }
}

impl Tx {
    pub async fn letter(&mut self, owner: UserId, id: LetterId) -> StoreResult<Option<Letter>> {
        letter(&mut self.conn(), owner, id).await
    }

    /// Records a letter the owner asked their contact for.
    pub async fn add_letter(
        &mut self,
        owner: UserId,
        contact: ContactId,
        kind: LetterKind,
        rotation: Option<&str>,
        asked_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<LetterId> {
        let (id,): (i64,) = on!(self, |c| sqlx::query_as(
            "INSERT INTO letters (owner_id, contact_id, kind, rotation, status, asked_on,
                                  status_on, created_at, updated_at)
             VALUES ($1, $2, $3, $4, 'asked', $5, $6, $7, $8) RETURNING id",
        )
        .bind(sql_id(owner.0))
        .bind(contact.0)
        .bind(kind.code())
        .bind(rotation)
        .bind(asked_on)
        .bind(asked_on)
        .bind(sql_instant(now))
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await)?;
        Ok(LetterId(id))
    }

    /// Moves one of the owner's letters to `status` as of `on`; false if it is not theirs.
    pub async fn set_letter_status(
        &mut self,
        owner: UserId,
        id: LetterId,
        status: LetterStatus,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on!(self, |c| sqlx::query(
            "UPDATE letters SET status = $1, status_on = $2, updated_at = $3
             WHERE owner_id = $4 AND id = $5",
        )
        .bind(status.code())
        .bind(on)
        .bind(sql_instant(now))
        .bind(sql_id(owner.0))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// The contacts who agreed to write, or wrote, one of the owner's letters.
    pub async fn letter_writers(&mut self, owner: UserId) -> StoreResult<Vec<ContactId>> {
        let rows: Vec<(i64,)> = on!(self, |c| sqlx::query_as(
            "SELECT DISTINCT contact_id FROM letters
             WHERE owner_id = $1 AND status IN ('agreed', 'submitted', 'thanked')
             ORDER BY contact_id",
        )
        .bind(sql_id(owner.0))
        .fetch_all(&mut *c)
        .await)?;
        Ok(rows.into_iter().map(|(id,)| ContactId(id)).collect())
    }
}
