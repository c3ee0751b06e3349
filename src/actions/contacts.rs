//! Adding a contact (by `/contact add`, `/contact quick`, "Add as contact" or a note's "Someone
//! else…" form) and logging an interaction with one.

use chrono::NaiveDate;

use super::{schedule_in, ActionError, ActionResult, Actions};
use crate::domain::cadence::{self, ContactRhythm, FollowUp};
use crate::domain::contact::{
    Contact, ContactId, ContactPatch, Interaction, InteractionKind, NewContact,
};
use crate::domain::quick_add;
use crate::domain::UserId;
use crate::store::Tx;

/// A saved contact, the first namesake the member already had, and the first follow-up.
#[derive(Debug, Clone)]
pub struct Added {
    pub contact: Contact,
    pub namesake: Option<Contact>,
    pub first_follow_up: Option<FollowUp>,
}

pub(super) fn rhythm_of(c: &Contact) -> ContactRhythm {
    ContactRhythm {
        met_kind: c.met.kind,
        met_on: c.met_on,
        rotation_ends_on: c.met.rotation_ends_on,
        conference_ends_on: None,
        relationship: c.relationship,
    }
}

impl Actions {
    /// Saves a new contact and schedules its follow-ups, in one transaction.
    pub async fn add_contact(
        &self,
        owner: UserId,
        new: NewContact,
        today: NaiveDate,
    ) -> ActionResult<Added> {
        let mut tx = self.store.begin().await?;
        let added = self.add_in(&mut tx, owner, new, today).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(added)
    }

    /// The shared body of every way to add a contact.
    pub(super) async fn add_in(
        &self,
        tx: &mut Tx,
        owner: UserId,
        mut new: NewContact,
        today: NaiveDate,
    ) -> ActionResult<Added> {
        // How they met, typed but not picked ("SAEM residency fair"), sets the rhythm too.
        if new.met.kind.is_none() {
            new.met.kind = new
                .met
                .label
                .as_deref()
                .and_then(quick_add::met_kind_from_label);
        }
        new.check()?;
        let now = self.now();
        let namesake = tx
            .contacts_named(owner, new.name.as_str())
            .await?
            .into_iter()
            .next();
        let contact = tx.add_contact(owner, &new, now).await?;
        let rhythm = rhythm_of(&contact);
        let zone = self.default_timezone;
        if let Some(yearly) = cadence::yearly_update(&rhythm, today) {
            schedule_in(tx, zone, owner, contact.id, &yearly, now).await?;
        }
        if let Some(match_day) = tx.match_day(owner).await?.filter(|d| *d >= today) {
            if let Some(thanks) = cadence::match_thanks(contact.relationship, match_day) {
                schedule_in(tx, zone, owner, contact.id, &thanks, now).await?;
            }
        }
        let first_follow_up = match cadence::first_follow_up(&rhythm) {
            Some(first) => schedule_in(tx, zone, owner, contact.id, &first, now).await?,
            None => None,
        };
        Ok(Added {
            contact,
            namesake,
            first_follow_up,
        })
    }

    /// Edits the owner's contact with the patch `edit` builds from its stored values, in one
    /// transaction. With `opened_at` (the contact's version when a form showing it was
    /// opened), an edit made since refuses it: the form's values are out of date.
    pub async fn edit_contact(
        &self,
        owner: UserId,
        id: ContactId,
        opened_at: Option<i64>,
        edit: impl FnOnce(&Contact) -> Result<ContactPatch, ActionError>,
    ) -> ActionResult<Contact> {
        let mut tx = self.store.begin().await?;
        let stored = tx
            .contact(owner, id)
            .await?
            .ok_or(ActionError::ContactNotFound)?;
        if opened_at.is_some_and(|version| stored.version != version) {
            return Err(ActionError::ChangedSinceOpened);
        }
        let patch = edit(&stored)?;
        let edited = tx
            .update_contact(owner, id, &patch, self.now())
            .await?
            .ok_or(ActionError::ContactNotFound)??;
        tx.commit().await?;
        Ok(edited)
    }

    /// Logs an interaction on `on` and moves the contact's rhythm on, in one transaction.
    pub async fn log_interaction(
        &self,
        owner: UserId,
        contact: ContactId,
        kind: InteractionKind,
        note: Option<&str>,
        on: NaiveDate,
    ) -> ActionResult<(Interaction, Option<FollowUp>)> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let logged = tx
            .log_interaction(owner, contact, kind, note, on, now)
            .await?
            .ok_or(ActionError::ContactNotFound)?;
        let next = schedule_in(
            &mut tx,
            self.default_timezone,
            owner,
            contact,
            &cadence::after_interaction(on),
            now,
        )
        .await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok((logged, next))
    }
}
