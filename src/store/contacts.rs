//! Contacts and logged interactions. Every statement is keyed by the owner: a contact id of
//! someone else's behaves exactly like one that does not exist.

use super::engine::{on, Conn};
use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{
    from_sql_id, from_sql_instant, sql_id, sql_instant, Store, StoreError, StoreResult, Tx,
};
use crate::domain::contact::{
    fold, tags_from_stored, tags_to_stored, Contact, ContactFilter, ContactId, ContactPatch,
    ContactRole, ContactSort, HowMet, Interaction, InteractionKind, MentorKind, MetKind,
    NewContact, Relationship,
};
use crate::domain::network::ContactSummary;
use crate::domain::UserId;

const CONTACT_COLUMNS: &str = "id, owner_id, name, role, institution, met_kind, met_label, met_on,
    rotation_ends_on, conference_id, rotation_id, relationship, mentor_kind, callback, email, phone, handle, tags,
    notes, created_at, updated_at, last_used_at, version";

#[derive(sqlx::FromRow)]
struct ContactRow {
    id: i64,
    owner_id: i64,
    name: String,
    role: Option<String>,
    institution: Option<String>,
    met_kind: Option<String>,
    met_label: Option<String>,
    met_on: NaiveDate,
    rotation_ends_on: Option<NaiveDate>,
    conference_id: Option<i64>,
    rotation_id: Option<i64>,
    relationship: Option<String>,
    mentor_kind: Option<String>,
    callback: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    handle: Option<String>,
    tags: String,
    notes: Option<String>,
    created_at: i64,
    updated_at: i64,
    last_used_at: i64,
    version: i64,
}

fn decode<T>(
    what: &'static str,
    code: Option<String>,
    from: fn(&str) -> Option<T>,
) -> StoreResult<Option<T>> {
    code.map(|c| from(&c).ok_or(StoreError::Corrupt { what, value: c }))
        .transpose()
}

impl TryFrom<ContactRow> for Contact {
    type Error = StoreError;

    fn try_from(r: ContactRow) -> StoreResult<Contact> {
        Ok(Contact {
            id: ContactId(r.id),
            owner: UserId(from_sql_id(r.owner_id)),
            name: r.name,
            role: decode("contact role", r.role, ContactRole::from_code)?,
            institution: r.institution,
            met: HowMet {
                kind: decode("how met", r.met_kind, MetKind::from_code)?,
                label: r.met_label,
                rotation_ends_on: r.rotation_ends_on,
                conference_id: r.conference_id,
                rotation_id: r.rotation_id,
            },
            met_on: r.met_on,
            relationship: decode("relationship", r.relationship, Relationship::from_code)?,
            mentor_kind: decode("mentor kind", r.mentor_kind, MentorKind::from_code)?,
            callback: r.callback,
            email: r.email,
            phone: r.phone,
            handle: r.handle,
            tags: tags_from_stored(&r.tags),
            notes: r.notes,
            created_at: from_sql_instant(r.created_at)?,
            updated_at: from_sql_instant(r.updated_at)?,
            last_used_at: from_sql_instant(r.last_used_at)?,
            version: r.version,
        })
    }
}

/// An autocomplete suggestion: enough to tell two namesakes apart.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ContactChoice {
    pub id: i64,
    pub name: String,
    pub institution: Option<String>,
}

/// A page of contacts and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPage {
    pub contacts: Vec<Contact>,
    pub total: u32,
}

/// The owner's contact row with this id, on the pool or inside a transaction.
async fn contact_row(
    conn: &mut Conn<'_>,
    owner: UserId,
    id: ContactId,
) -> StoreResult<Option<ContactRow>> {
    Ok(on!(conn, |c| sqlx::query_as(&format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts WHERE owner_id = $1 AND id = $2"
    ))
    .bind(sql_id(owner.0))
    .bind(id.0)
    .fetch_optional(&mut *c)
    .await)?)
}

fn search_text(name: &str, institution: Option<&str>) -> String {
    fold(&format!("{name} {}", institution.unwrap_or_default()))
}

/// `text` as a LIKE pattern matching it anywhere, wildcards in it escaped.
pub(super) fn like_anywhere(text: &str) -> String {
    format!("%{}%", escape_like(text))
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Saves a new contact for `owner` (who must be a known member).
async fn insert_contact(
    conn: &mut Conn<'_>,
    owner: UserId,
    new: &NewContact,
    now: DateTime<Utc>,
) -> StoreResult<Contact> {
    let name = new.name.as_str();
    let row: ContactRow = on!(conn, |c| {
        sqlx::query_as(&format!(
        "INSERT INTO contacts (owner_id, name, name_folded, search_text, role, institution, met_kind,
             met_label, met_on, rotation_ends_on, conference_id, rotation_id, relationship, mentor_kind,
             callback, email, phone, handle, tags, notes, created_at, updated_at, last_used_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
         RETURNING {CONTACT_COLUMNS}"
    ))
    .bind(sql_id(owner.0))
    .bind(name)
    .bind(fold(name))
    .bind(search_text(name, new.institution.as_deref()))
    .bind(new.role.map(ContactRole::code))
    .bind(new.institution.as_deref())
    .bind(new.met.kind.map(MetKind::code))
    .bind(new.met.label.as_deref())
    .bind(new.met_on)
    .bind(new.met.rotation_ends_on)
    .bind(new.met.conference_id)
    .bind(new.met.rotation_id)
    .bind(new.relationship.map(Relationship::code))
    .bind(new.mentor_kind.map(MentorKind::code))
    .bind(new.callback.as_deref())
    .bind(new.email.as_ref().map(|e| e.as_str()))
    .bind(new.phone.as_deref())
    .bind(new.handle.as_deref())
    .bind(tags_to_stored(new.tags.as_slice()))
    .bind(new.notes.as_deref())
    .bind(sql_instant(now))
    .bind(sql_instant(now))
    .bind(sql_instant(now))
    .fetch_one(&mut *c)
    .await
    })?;
    Contact::try_from(row)
}

/// The owner's contacts with exactly this name, any letter case; most recently used first.
async fn contacts_named(
    conn: &mut Conn<'_>,
    owner: UserId,
    name: &str,
) -> StoreResult<Vec<Contact>> {
    let folded = fold(&name.split_whitespace().collect::<Vec<_>>().join(" "));
    let rows: Vec<ContactRow> = on!(conn, |c| sqlx::query_as(&format!(
        "SELECT {CONTACT_COLUMNS} FROM contacts WHERE owner_id = $1 AND name_folded = $2
         ORDER BY last_used_at DESC, id DESC LIMIT 25"
    ))
    .bind(sql_id(owner.0))
    .bind(folded)
    .fetch_all(&mut *c)
    .await)?;
    rows.into_iter().map(Contact::try_from).collect()
}

impl Tx {
    /// The name, email and institution of each of the owner's contacts: what an import's
    /// duplicate check compares.
    pub async fn contact_identities(
        &mut self,
        owner: UserId,
    ) -> StoreResult<Vec<crate::domain::import::Card>> {
        let rows: Vec<(String, Option<String>, Option<String>)> = on!(self, |c| sqlx::query_as(
            "SELECT name, email, institution FROM contacts WHERE owner_id = $1 ORDER BY id",
        )
        .bind(sql_id(owner.0))
        .fetch_all(&mut *c)
        .await)?;
        Ok(rows
            .into_iter()
            .map(|(name, email, institution)| crate::domain::import::Card {
                name,
                email,
                institution,
            })
            .collect())
    }

    pub async fn add_contact(
        &mut self,
        owner: UserId,
        new: &NewContact,
        now: DateTime<Utc>,
    ) -> StoreResult<Contact> {
        insert_contact(&mut self.conn(), owner, new, now).await
    }

    pub async fn contact(&mut self, owner: UserId, id: ContactId) -> StoreResult<Option<Contact>> {
        contact_row(&mut self.conn(), owner, id)
            .await?
            .map(Contact::try_from)
            .transpose()
    }

    pub async fn contacts_named(&mut self, owner: UserId, name: &str) -> StoreResult<Vec<Contact>> {
        contacts_named(&mut self.conn(), owner, name).await
    }

    /// Applies an edit; `Ok(None)` if the contact is not the owner's. The patch's own rule
    /// check (`ContactPatch::apply`) runs on the current values inside the transaction.
    pub async fn update_contact(
        &mut self,
        owner: UserId,
        id: ContactId,
        patch: &ContactPatch,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Result<Contact, crate::domain::contact::ContactError>>> {
        let mut conn = self.conn();
        let Some(row) = contact_row(&mut conn, owner, id).await? else {
            return Ok(None);
        };
        let updated = match patch.apply(Contact::try_from(row)?) {
            Ok(c) => c,
            Err(e) => return Ok(Some(Err(e))),
        };
        let row: ContactRow = on!(conn, |c| {
            sqlx::query_as(&format!(
            "UPDATE contacts SET name = $1, name_folded = $2, search_text = $3, role = $4, institution = $5,
                 met_kind = $6, met_label = $7, met_on = $8, rotation_ends_on = $9, conference_id = $10,
                 rotation_id = $11, relationship = $12, mentor_kind = $13, callback = $14, email = $15, phone = $16, handle = $17, tags = $18, notes = $19,
                 updated_at = $20, last_used_at = $21, version = version + 1
             WHERE owner_id = $22 AND id = $23
             RETURNING {CONTACT_COLUMNS}"
        ))
        .bind(&updated.name)
        .bind(fold(&updated.name))
        .bind(search_text(&updated.name, updated.institution.as_deref()))
        .bind(updated.role.map(ContactRole::code))
        .bind(updated.institution.as_deref())
        .bind(updated.met.kind.map(MetKind::code))
        .bind(updated.met.label.as_deref())
        .bind(updated.met_on)
        .bind(updated.met.rotation_ends_on)
        .bind(updated.met.conference_id)
        .bind(updated.met.rotation_id)
        .bind(updated.relationship.map(Relationship::code))
        .bind(updated.mentor_kind.map(MentorKind::code))
        .bind(updated.callback.as_deref())
        .bind(updated.email.as_deref())
        .bind(updated.phone.as_deref())
        .bind(updated.handle.as_deref())
        .bind(tags_to_stored(&updated.tags))
        .bind(updated.notes.as_deref())
        .bind(sql_instant(now))
        .bind(sql_instant(now))
        .bind(sql_id(owner.0))
        .bind(id.0)
        .fetch_one(&mut *c)
        .await
        })?;
        Ok(Some(Ok(Contact::try_from(row)?)))
    }

    /// Records an interaction with the owner's contact; `None` if it is not theirs.
    pub async fn log_interaction(
        &mut self,
        owner: UserId,
        id: ContactId,
        kind: InteractionKind,
        note: Option<&str>,
        happened_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Interaction>> {
        let mut conn = self.conn();
        let touched = on!(conn, |c| sqlx::query(
            "UPDATE contacts SET last_used_at = $1 WHERE owner_id = $2 AND id = $3"
        )
        .bind(sql_instant(now))
        .bind(sql_id(owner.0))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        if touched == 0 {
            return Ok(None);
        }
        let (interaction_id,): (i64,) = on!(conn, |c| {
            sqlx::query_as(
            "INSERT INTO interactions (contact_id, owner_id, kind, note, happened_on, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(id.0)
        .bind(sql_id(owner.0))
        .bind(kind.code())
        .bind(note)
        .bind(happened_on)
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await
        })?;
        Ok(Some(Interaction {
            id: interaction_id,
            contact_id: id,
            kind,
            note: note.map(str::to_owned),
            happened_on,
        }))
    }

    /// Takes the member's pending note out (once: a second take finds nothing).
    pub async fn take_pending_note(
        &mut self,
        owner: UserId,
        id: i64,
    ) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = on!(self, |c| sqlx::query_as(
            "DELETE FROM pending_notes WHERE owner_id = $1 AND id = $2 RETURNING text",
        )
        .bind(sql_id(owner.0))
        .bind(id)
        .fetch_optional(&mut *c)
        .await)?;
        Ok(row.map(|(t,)| t))
    }
}

impl Store {
    /// Saves a new contact for `owner` (who must be a known member).
    pub async fn add_contact(
        &self,
        owner: UserId,
        new: &NewContact,
        now: DateTime<Utc>,
    ) -> StoreResult<Contact> {
        insert_contact(&mut self.held().await?.engine(), owner, new, now).await
    }

    /// The owner's contact with this id; `None` for someone else's or a missing one.
    pub async fn contact(&self, owner: UserId, id: ContactId) -> StoreResult<Option<Contact>> {
        contact_row(&mut self.held().await?.engine(), owner, id)
            .await?
            .map(Contact::try_from)
            .transpose()
    }

    /// The owner's contacts with exactly this name, any letter case; most recently used first.
    pub async fn contacts_named(&self, owner: UserId, name: &str) -> StoreResult<Vec<Contact>> {
        contacts_named(&mut self.held().await?.engine(), owner, name).await
    }

    /// Autocomplete: the owner's contacts whose name starts with `partial` first, then those
    /// whose name or institution contains it; each group most recently used first.
    pub async fn suggest_contacts(
        &self,
        owner: UserId,
        partial: &str,
        limit: u32,
    ) -> StoreResult<Vec<ContactChoice>> {
        let needle = fold(partial.trim());
        let rows: Vec<ContactChoice> = on!(pool & self.pool, |c| {
            sqlx::query_as(
            "SELECT id, name, institution FROM contacts
             WHERE owner_id = $1 AND (name_folded LIKE $2 ESCAPE '\\' OR search_text LIKE $3 ESCAPE '\\')
             ORDER BY CASE WHEN name_folded LIKE $4 ESCAPE '\\' THEN 0 ELSE 1 END,
                      last_used_at DESC, id DESC
             LIMIT $5",
        )
        .bind(sql_id(owner.0))
        .bind(format!("{}%", escape_like(&needle)))
        .bind(like_anywhere(&needle))
        .bind(format!("{}%", escape_like(&needle)))
        .bind(i64::from(limit))
        .fetch_all(c)
        .await
        })?;
        Ok(rows)
    }

    /// The owner's most recently used contacts.
    pub async fn recent_contacts(
        &self,
        owner: UserId,
        limit: u32,
    ) -> StoreResult<Vec<ContactChoice>> {
        Ok(on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT id, name, institution FROM contacts WHERE owner_id = $1
             ORDER BY last_used_at DESC, id DESC LIMIT $2",
        )
        .bind(sql_id(owner.0))
        .bind(i64::from(limit))
        .fetch_all(c)
        .await)?)
    }

    /// Marks the contact as just used (autocomplete ranks by it). False if not the owner's.
    pub async fn touch_contact(
        &self,
        owner: UserId,
        id: ContactId,
        now: DateTime<Utc>,
    ) -> StoreResult<bool> {
        let done = on!(pool & self.pool, |c| sqlx::query(
            "UPDATE contacts SET last_used_at = $1 WHERE owner_id = $2 AND id = $3"
        )
        .bind(sql_instant(now))
        .bind(sql_id(owner.0))
        .bind(id.0)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done > 0)
    }

    /// Applies an edit; `Ok(None)` if the contact is not the owner's. The patch's own rule
    /// check (`ContactPatch::apply`) runs on the current values inside the transaction.
    pub async fn update_contact(
        &self,
        owner: UserId,
        id: ContactId,
        patch: &ContactPatch,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Result<Contact, crate::domain::contact::ContactError>>> {
        let mut tx = self.begin_locked(owner.0).await?;
        let updated = tx.update_contact(owner, id, patch, now).await?;
        tx.commit().await?;
        Ok(updated)
    }

    /// Deletes the contact and its history. False if it is not the owner's.
    pub async fn delete_contact(&self, owner: UserId, id: ContactId) -> StoreResult<bool> {
        let mut tx = self.begin_locked(owner.0).await?;
        // The nudges about its follow-ups go with it (nudges name their subject by id only).
        on!(tx, |c| {
            sqlx::query(
            "DELETE FROM nudges WHERE owner_id = $1 AND subject = 'follow_up'
               AND subject_id IN (SELECT id FROM follow_ups WHERE owner_id = $2 AND contact_id = $3)",
        )
        .bind(sql_id(owner.0))
        .bind(sql_id(owner.0))
        .bind(id.0)
        .execute(&mut *c)
        .await.map(|r| r.rows_affected())
        })?;
        // Its letters go with it (cascade), and so do their nudges.
        on!(tx, |c| sqlx::query(
            "DELETE FROM nudges WHERE owner_id = $1 AND subject IN ($2, $3)
               AND subject_id IN (SELECT id FROM letters WHERE owner_id = $4 AND contact_id = $5)",
        )
        .bind(sql_id(owner.0))
        .bind(crate::domain::letter::CHECK_IN)
        .bind(crate::domain::letter::THANKS)
        .bind(sql_id(owner.0))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let done = on!(tx, |c| sqlx::query(
            "DELETE FROM contacts WHERE owner_id = $1 AND id = $2"
        )
        .bind(sql_id(owner.0))
        .bind(id.0)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        tx.commit().await?;
        Ok(done > 0)
    }

    /// One page (0-based) of the owner's contacts.
    pub async fn list_contacts(
        &self,
        owner: UserId,
        filter: &ContactFilter,
        sort: ContactSort,
        page: u32,
        per_page: u32,
    ) -> StoreResult<ContactPage> {
        let order = match sort {
            ContactSort::Name => "name_folded, id",
            ContactSort::Recent => "last_used_at DESC, id DESC",
            ContactSort::Met => "met_on DESC, id DESC",
            ContactSort::NextFollowUp => {
                "(SELECT MIN(f.latest_on) FROM follow_ups f
                  WHERE f.contact_id = contacts.id AND f.state = 'pending') IS NULL,
                 (SELECT MIN(f.latest_on) FROM follow_ups f
                  WHERE f.contact_id = contacts.id AND f.state = 'pending'),
                 name_folded, id"
            }
        };
        let conditions = "owner_id = $1
             AND ($2 IS NULL OR tags LIKE $3 ESCAPE '\\')
             AND ($4 IS NULL OR relationship = $5)
             AND ($6 IS NULL OR met_kind = $7)";
        let tag_pattern = filter
            .tag
            .as_deref()
            .map(|t| format!("%,{},%", escape_like(t)));
        let relationship = filter.relationship.map(Relationship::code);
        let met_kind = filter.met_kind.map(MetKind::code);

        let (total,): (i64,) = on!(pool & self.pool, |c| sqlx::query_as(&format!(
            "SELECT COUNT(*) FROM contacts WHERE {conditions}"
        ))
        .bind(sql_id(owner.0))
        .bind(tag_pattern.as_deref())
        .bind(tag_pattern.as_deref())
        .bind(relationship)
        .bind(relationship)
        .bind(met_kind)
        .bind(met_kind)
        .fetch_one(c)
        .await)?;
        let rows: Vec<ContactRow> = on!(pool & self.pool, |c| {
            sqlx::query_as(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts WHERE {conditions} ORDER BY {order} LIMIT $8 OFFSET $9"
        ))
        .bind(sql_id(owner.0))
        .bind(tag_pattern.as_deref())
        .bind(tag_pattern.as_deref())
        .bind(relationship)
        .bind(relationship)
        .bind(met_kind)
        .bind(met_kind)
        .bind(i64::from(per_page))
        .bind(i64::from(page) * i64::from(per_page))
        .fetch_all(c)
        .await
        })?;
        Ok(ContactPage {
            contacts: rows
                .into_iter()
                .map(Contact::try_from)
                .collect::<StoreResult<_>>()?,
            total: u32::try_from(total).unwrap_or(u32::MAX),
        })
    }

    /// The owner's contacts mentioning `text` in any field, name matches first.
    pub async fn find_contacts(
        &self,
        owner: UserId,
        text: &str,
        limit: u32,
    ) -> StoreResult<Vec<Contact>> {
        let pattern = like_anywhere(&fold(text.trim()));
        let rows: Vec<ContactRow> = on!(pool & self.pool, |c| {
            sqlx::query_as(&format!(
            "SELECT {CONTACT_COLUMNS} FROM contacts
             WHERE owner_id = $1 AND (
                 search_text LIKE $2 ESCAPE '\\' OR lower(coalesce(met_label, '')) LIKE $2 ESCAPE '\\'
                 OR lower(coalesce(callback, '')) LIKE $2 ESCAPE '\\' OR lower(coalesce(notes, '')) LIKE $2 ESCAPE '\\'
                 OR lower(coalesce(email, '')) LIKE $2 ESCAPE '\\' OR tags LIKE $2 ESCAPE '\\')
             ORDER BY CASE WHEN name_folded LIKE $2 ESCAPE '\\' THEN 0 ELSE 1 END, name_folded, id
             LIMIT $3"
        ))
        .bind(sql_id(owner.0))
        .bind(pattern)
        .bind(i64::from(limit))
        .fetch_all(c)
        .await
        })?;
        rows.into_iter().map(Contact::try_from).collect()
    }

    /// Records an interaction with the owner's contact; `None` if it is not theirs.
    pub async fn log_interaction(
        &self,
        owner: UserId,
        id: ContactId,
        kind: InteractionKind,
        note: Option<&str>,
        happened_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> StoreResult<Option<Interaction>> {
        let mut tx = self.begin_locked(owner.0).await?;
        let logged = tx
            .log_interaction(owner, id, kind, note, happened_on, now)
            .await?;
        tx.commit().await?;
        Ok(logged)
    }

    /// The contact's history, newest first (empty for someone else's contact).
    pub async fn interactions(
        &self,
        owner: UserId,
        id: ContactId,
    ) -> StoreResult<Vec<Interaction>> {
        let rows: Vec<(i64, String, Option<String>, NaiveDate)> =
            on!(pool & self.pool, |c| sqlx::query_as(
                "SELECT id, kind, note, happened_on FROM interactions
             WHERE owner_id = $1 AND contact_id = $2 ORDER BY happened_on DESC, id DESC",
            )
            .bind(sql_id(owner.0))
            .bind(id.0)
            .fetch_all(c)
            .await)?;
        rows.into_iter()
            .map(|(iid, kind, note, happened_on)| {
                Ok(Interaction {
                    id: iid,
                    contact_id: id,
                    kind: InteractionKind::from_code(&kind).ok_or(StoreError::Corrupt {
                        what: "interaction kind",
                        value: kind,
                    })?,
                    note,
                    happened_on,
                })
            })
            .collect()
    }

    /// What `/network` needs of each of the owner's contacts.
    pub async fn network_summaries(&self, owner: UserId) -> StoreResult<Vec<ContactSummary>> {
        type Row = (
            i64,
            String,
            Option<String>,
            Option<String>,
            Option<String>,
            NaiveDate,
        );
        let contacts: Vec<Row> = on!(pool & self.pool, |c| {
            sqlx::query_as(
            "SELECT id, name, role, relationship, mentor_kind, met_on FROM contacts WHERE owner_id = $1",
        )
        .bind(sql_id(owner.0))
        .fetch_all(c)
        .await
        })?;
        let counts: Vec<(i64, String, i64, NaiveDate)> =
            on!(pool & self.pool, |c| sqlx::query_as(
                "SELECT contact_id, kind, COUNT(*), MAX(happened_on) FROM interactions
             WHERE owner_id = $1 GROUP BY contact_id, kind",
            )
            .bind(sql_id(owner.0))
            .fetch_all(c)
            .await)?;
        let mut by_contact: HashMap<i64, (HashMap<InteractionKind, u32>, Option<NaiveDate>)> =
            HashMap::new();
        for (contact_id, kind, n, last) in counts {
            let kind = InteractionKind::from_code(&kind).ok_or(StoreError::Corrupt {
                what: "interaction kind",
                value: kind,
            })?;
            let entry = by_contact.entry(contact_id).or_default();
            entry.0.insert(kind, u32::try_from(n).unwrap_or(u32::MAX));
            entry.1 = entry.1.max(Some(last));
        }
        contacts
            .into_iter()
            .map(|(id, name, role, relationship, mentor_kind, met_on)| {
                let (interactions, last) = by_contact.remove(&id).unwrap_or_default();
                Ok(ContactSummary {
                    id: ContactId(id),
                    name,
                    role: decode("contact role", role, ContactRole::from_code)?,
                    relationship: decode("relationship", relationship, Relationship::from_code)?,
                    mentor_kind: decode("mentor kind", mentor_kind, MentorKind::from_code)?,
                    last_contact: last.map_or(met_on, |l| l.max(met_on)),
                    interactions,
                })
            })
            .collect()
    }

    /// How many contacts the owner has.
    pub async fn count_contacts(&self, owner: UserId) -> StoreResult<u32> {
        let (n,): (i64,) = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT COUNT(*) FROM contacts WHERE owner_id = $1"
        )
        .bind(sql_id(owner.0))
        .fetch_one(c)
        .await)?;
        Ok(u32::try_from(n).unwrap_or(u32::MAX))
    }
}

/// A pending note older than this is dropped when the member saves a new one (and by the
/// retention pass).
const PENDING_NOTE_SECONDS: i64 = super::retention::PENDING_NOTE_KEPT.num_seconds();

impl Store {
    /// Keeps a message's text until the member picks the contact it belongs to.
    pub async fn save_pending_note(
        &self,
        owner: UserId,
        text: &str,
        now: DateTime<Utc>,
    ) -> StoreResult<i64> {
        let mut tx = self.begin_locked(owner.0).await?;
        on!(tx, |c| sqlx::query(
            "DELETE FROM pending_notes WHERE owner_id = $1 AND created_at < $2"
        )
        .bind(sql_id(owner.0))
        .bind(sql_instant(now) - PENDING_NOTE_SECONDS)
        .execute(&mut *c)
        .await
        .map(|r| r.rows_affected()))?;
        let (id,): (i64,) = on!(tx, |c| {
            sqlx::query_as(
            "INSERT INTO pending_notes (owner_id, text, created_at) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(sql_id(owner.0))
        .bind(text)
        .bind(sql_instant(now))
        .fetch_one(&mut *c)
        .await
        })?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn pending_note(&self, owner: UserId, id: i64) -> StoreResult<Option<String>> {
        let row: Option<(String,)> = on!(pool & self.pool, |c| sqlx::query_as(
            "SELECT text FROM pending_notes WHERE owner_id = $1 AND id = $2"
        )
        .bind(sql_id(owner.0))
        .bind(id)
        .fetch_optional(c)
        .await)?;
        Ok(row.map(|(t,)| t))
    }

    pub async fn delete_pending_note(&self, owner: UserId, id: i64) -> StoreResult<()> {
        on!(pool & self.pool, |c| sqlx::query(
            "DELETE FROM pending_notes WHERE owner_id = $1 AND id = $2"
        )
        .bind(sql_id(owner.0))
        .bind(id)
        .execute(c)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(())
    }
}
