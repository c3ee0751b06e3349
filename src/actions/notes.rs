//! Saving a message as a contact note ("Save as contact note"): the message text waits as a
//! pending note until the member picks whose notes it goes to.

use chrono::NaiveDate;

use super::{ActionError, ActionResult, Actions, Added};
use crate::domain::contact::{
    append_note, Contact, ContactId, ContactName, ContactPatch, NewContact,
};
use crate::domain::UserId;

impl Actions {
    /// Appends pending note `pending` to the owner's contact, once: the pending copy is taken
    /// in the same transaction, so a repeated click finds nothing left to save.
    pub async fn save_note_to(
        &self,
        owner: UserId,
        pending: i64,
        contact: ContactId,
        today: NaiveDate,
    ) -> ActionResult<Contact> {
        let mut tx = self.store.begin_locked(owner.0).await?;
        let text = tx
            .take_pending_note(owner, pending)
            .await?
            .ok_or(ActionError::NoteGone)?;
        let current = tx
            .contact(owner, contact)
            .await?
            .ok_or(ActionError::ContactNotFound)?;
        let patch = ContactPatch {
            notes: Some(Some(append_note(current.notes.as_deref(), today, &text)?)),
            ..ContactPatch::default()
        };
        let saved = tx
            .update_contact(owner, contact, &patch, self.now())
            .await?
            .ok_or(ActionError::ContactNotFound)??;
        tx.commit().await?;
        Ok(saved)
    }

    /// A new contact named `name` holding pending note `pending`, with follow-ups like any
    /// other new contact; once only, like [`Actions::save_note_to`].
    pub async fn save_note_to_new_contact(
        &self,
        owner: UserId,
        pending: i64,
        name: ContactName,
        today: NaiveDate,
    ) -> ActionResult<Added> {
        let mut tx = self.store.begin_locked(owner.0).await?;
        let text = tx
            .take_pending_note(owner, pending)
            .await?
            .ok_or(ActionError::NoteGone)?;
        let mut new = NewContact::named(name, today);
        new.notes = Some(append_note(None, today, &text)?);
        let added = self.add_in(&mut tx, owner, new, today).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(added)
    }
}
