//! Programs a member follows and the contacts they know there. Keyed by the owner.

use super::engine::{on, Conn};
use chrono::{DateTime, NaiveDate, Utc};

use super::{sql_id, sql_instant, Store, StoreError, StoreResult, Tx};
use crate::domain::contact::ContactId;
use crate::domain::program::{institution_matches, Program, ProgramId, ProgramStatus};
use crate::domain::UserId;

#[derive(sqlx::FromRow)]
struct ProgramRow {
    id: i64,
    name: String,
    city: Option<String>,
    status: String,
    status_on: NaiveDate,
    no_contact: bool,
}

impl TryFrom<ProgramRow> for Program {
    type Error = StoreError;

    fn try_from(r: ProgramRow) -> StoreResult<Program> {
        Ok(Program {
            id: ProgramId(r.id),
            name: r.name,
            city: r.city,
            status: ProgramStatus::from_code(&r.status).ok_or(StoreError::Corrupt {
                what: "program status",
                value: r.status.clone(),
            })?,
            status_on: r.status_on,
            no_contact: r.no_contact,
        })
    }
}

const PROGRAM_COLUMNS: &str = "id, name, city, status, status_on, no_contact";

async fn programs(conn: &mut Conn<'_>, owner: UserId) -> StoreResult<Vec<Program>> {
    let rows: Vec<ProgramRow> = on!(conn, |c| sqlx::query_as(&format!(
        "SELECT {PROGRAM_COLUMNS} FROM programs WHERE owner_id = $1 ORDER BY name, id"
    ))
    .bind(sql_id(owner.0))
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter().map(Program::try_from).collect()
}

/// The owner's contacts at a program: linked to it, or whose institution names it.
async fn people_at(
    conn: &mut Conn<'_>,
    owner: UserId,
    program: &Program,
) -> StoreResult<Vec<(ContactId, String)>> {
    let linked: Vec<(i64, String)> = on!(conn, |c| sqlx::query_as(
        "SELECT c.id, c.name FROM program_contacts pc
         JOIN contacts c ON c.id = pc.contact_id
         JOIN programs p ON p.id = pc.program_id
         WHERE p.owner_id = $1 AND c.owner_id = $2 AND p.id = $3 ORDER BY c.name",
    )
    .bind(sql_id(owner.0))
    .bind(sql_id(owner.0))
    .bind(program.id.0)
    .fetch_all(&mut *c)
    .await)?;
    let with_institution: Vec<(i64, String, String)> = on!(conn, |c| sqlx::query_as(
        "SELECT id, name, institution FROM contacts
         WHERE owner_id = $1 AND institution IS NOT NULL ORDER BY name",
    )
    .bind(sql_id(owner.0))
    .fetch_all(&mut *c)
    .await)?;
    let mut out: Vec<(ContactId, String)> = linked
        .into_iter()
        .map(|(id, name)| (ContactId(id), name))
        .collect();
    for (id, name, institution) in with_institution {
        if institution_matches(&program.name, &institution) && !out.iter().any(|(c, _)| c.0 == id) {
            out.push((ContactId(id), name));
        }
    }
    Ok(out)
}

impl Store {
    /// The owner's programs, by name.
    pub async fn programs(&self, owner: UserId) -> StoreResult<Vec<Program>> {
        programs(&mut self.held().await?.engine(), owner).await
    }

    /// The owner's contacts at one of their programs.
    pub async fn people_at(
        &self,
        owner: UserId,
        program: &Program,
    ) -> StoreResult<Vec<(ContactId, String)>> {
        let mut conn = self.held().await?;
        people_at(&mut conn.engine(), owner, program).await
    }
}

impl Tx {
    pub async fn program(&mut self, owner: UserId, id: ProgramId) -> StoreResult<Option<Program>> {
        let row: Option<ProgramRow> = on!(self, |c| sqlx::query_as(&format!(
            "SELECT {PROGRAM_COLUMNS} FROM programs WHERE owner_id = $1 AND id = $2"
        ))
        .bind(sql_id(owner.0))
        .bind(id.0)
        .fetch_optional(&mut *c)
        .await)?;
        row.map(Program::try_from).transpose()
    }

    pub async fn programs(&mut self, owner: UserId) -> StoreResult<Vec<Program>> {
        programs(&mut self.conn(), owner).await
    }

    #[allow(clippy::too_many_arguments)]
    pub async fn add_program(
        &mut self,
        owner: UserId,
        name: &str,
        city: Option<&str>,
        no_contact: bool,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<ProgramId> {
        let (id,): (i64,) = on!(self, |c| sqlx::query_as(
            "INSERT INTO programs (owner_id, name, city, status, status_on, no_contact,
                                   created_at, updated_at)
             VALUES ($1, $2, $3, 'interested', $4, $5, $6, $7) RETURNING id",
        )
        .bind(sql_id(owner.0))
        .bind(name)
        .bind(city)
        .bind(today)
        .bind(no_contact)
        .bind(sql_instant(now))
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await)?;
        Ok(ProgramId(id))
    }

    /// Moves one of the owner's programs on (and sets its no-contact flag when given).
    pub async fn update_program(
        &mut self,
        owner: UserId,
        id: ProgramId,
        status: ProgramStatus,
        no_contact: Option<bool>,
        on: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on!(self, |c| {
            sqlx::query(
            "UPDATE programs SET status = $1, status_on = $2, no_contact = COALESCE($3, no_contact),
                    updated_at = $4
             WHERE owner_id = $5 AND id = $6",
        )
        .bind(status.code())
        .bind(on)
        .bind(no_contact)
        .bind(sql_instant(now))
        .bind(sql_id(owner.0))
        .bind(id.0)
        .execute(&mut *c)
        .await.map(|r| r.rows_affected())
        })?;
        Ok(done == 1)
    }

    /// Links one of the owner's contacts to one of their programs (both checked as theirs).
    pub async fn link_program_contact(
        &mut self,
        owner: UserId,
        program: ProgramId,
        contact: ContactId,
    ) -> StoreResult<bool> {
        let done = on!(self, |c| sqlx::query(
            "INSERT INTO program_contacts (program_id, contact_id)
             SELECT p.id, c.id FROM programs p, contacts c
             WHERE p.owner_id = $1 AND p.id = $2 AND c.owner_id = $3 AND c.id = $4
             ON CONFLICT (program_id, contact_id) DO NOTHING",
        )
        .bind(sql_id(owner.0))
        .bind(program.0)
        .bind(sql_id(owner.0))
        .bind(contact.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// See [`Store::people_at`].
    pub async fn people_at(
        &mut self,
        owner: UserId,
        program: &Program,
    ) -> StoreResult<Vec<(ContactId, String)>> {
        people_at(&mut self.conn(), owner, program).await
    }
}
