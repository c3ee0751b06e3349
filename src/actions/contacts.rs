//! Adding a contact (by `/contact add`, `/contact quick`, "Add as contact" or a note's "Someone
//! else…" form) and logging an interaction with one.

use chrono::NaiveDate;

use super::{schedule_grouped_in, schedule_in, ActionError, ActionResult, Actions};
use crate::domain::cadence::{self, ContactRhythm, FollowUp};
use crate::domain::conference::{self, ConferenceId, PlanId};
use crate::domain::contact::{
    Contact, ContactId, ContactPatch, HowMet, Interaction, InteractionKind, MetKind, NewContact,
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

/// What an import saved and skipped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Imported {
    pub added: usize,
    /// Rows that were a card the member already had (or an earlier row of the sheet).
    pub duplicates: usize,
}

/// A contact's link to a chapter conference.
pub(super) struct Linked {
    pub plan: PlanId,
    pub ends_on: NaiveDate,
}

/// Links how the member met someone to a conference of one of their chapters (the id is
/// untrusted input): it must be one they may see. They were there, so they get a (private)
/// plan for it if they had none; how they met becomes "conference" unless it said a fair.
pub(super) async fn link_conference(
    tx: &mut Tx,
    owner: UserId,
    met: &mut HowMet,
    id: i64,
    now: chrono::DateTime<chrono::Utc>,
) -> ActionResult<Linked> {
    let Some(c) = tx.conference_for_member(owner, ConferenceId(id)).await? else {
        return Err(ActionError::Refused(super::CONFERENCE_GONE.into()));
    };
    if !matches!(met.kind, Some(MetKind::Conference | MetKind::ResidencyFair)) {
        met.kind = Some(MetKind::Conference);
    }
    if met.label.is_none() {
        met.label = Some(format!(
            "{} {}",
            c.details.name,
            c.details.starts_on.format("%Y")
        ));
    }
    met.conference_id = Some(id);
    let plan = tx.ensure_plan(owner, c.id, now).await?;
    Ok(Linked {
        plan,
        ends_on: c.details.ends_on,
    })
}

/// Links how the member met someone to one of their away rotations (the id is untrusted
/// input): the rotation's last day becomes the contact's rotation end — one value, the
/// rotation's.
pub(super) async fn link_rotation(
    tx: &mut Tx,
    owner: UserId,
    met: &mut HowMet,
    id: i64,
) -> ActionResult<()> {
    let rotation = tx
        .milestones(owner)
        .await?
        .into_iter()
        .find(|m| m.id.0 == id && m.kind == crate::domain::season::MilestoneKind::AwayRotation)
        .ok_or_else(|| ActionError::Refused(super::MILESTONE_GONE.into()))?;
    if !matches!(
        met.kind,
        Some(MetKind::AwayRotation | MetKind::HomeRotation)
    ) {
        met.kind = Some(MetKind::AwayRotation);
    }
    met.rotation_ends_on = Some(rotation.on);
    if met.label.is_none() {
        met.label = rotation.label.clone();
    }
    met.rotation_id = Some(id);
    Ok(())
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
        let mut tx = self.store.begin_locked(owner.0).await?;
        let added = self.add_in(&mut tx, owner, new, today).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(added)
    }

    /// Saves every checked row of an imported sheet that is not a card the member already has
    /// (nor an earlier row of the same sheet), in one transaction: all or nothing. Imported
    /// contacts schedule no follow-ups: a member importing 500 people is not nudged 500 times.
    pub async fn import_contacts(
        &self,
        owner: UserId,
        rows: Vec<crate::domain::import::Row>,
    ) -> ActionResult<Imported> {
        use crate::domain::import::{name_key, same_person, Card, Identity};
        use std::collections::HashMap;
        let mut tx = self.store.begin_locked(owner.0).await?;
        // Cards by name, so a 5,000-row sheet against thousands of cards stays quick.
        let mut known: HashMap<String, Vec<Card>> = HashMap::new();
        for card in tx.contact_identities(owner).await? {
            known.entry(name_key(&card.name)).or_default().push(card);
        }
        let now = self.now();
        let mut imported = Imported::default();
        for row in rows {
            let new = row.contact;
            let this = Identity {
                name: new.name.as_str(),
                email: new.email.as_ref().map(|e| e.as_str()),
                institution: new.institution.as_deref(),
            };
            let namesakes = known.entry(name_key(this.name)).or_default();
            if namesakes
                .iter()
                .any(|card| same_person(this, card.identity()))
            {
                imported.duplicates += 1;
                continue;
            }
            let saved = tx.add_contact(owner, &new, now).await?;
            namesakes.push(Card {
                name: saved.name,
                email: saved.email,
                institution: saved.institution,
            });
            imported.added += 1;
        }
        tx.commit().await?;
        Ok(imported)
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
        let conference = match new.met.conference_id {
            Some(id) => Some(link_conference(tx, owner, &mut new.met, id, now).await?),
            None => None,
        };
        if let Some(id) = new.met.rotation_id {
            link_rotation(tx, owner, &mut new.met, id).await?;
        }
        let namesake = tx
            .contacts_named(owner, new.name.as_str())
            .await?
            .into_iter()
            .next();
        let contact = tx.add_contact(owner, &new, now).await?;
        let mut rhythm = rhythm_of(&contact);
        rhythm.conference_ends_on = conference.as_ref().map(|l| l.ends_on);
        let zone = self.default_timezone;
        if let Some(yearly) = cadence::yearly_update(&rhythm, today) {
            schedule_in(tx, zone, owner, contact.id, &yearly, now).await?;
        }
        if let Some(match_day) = tx.match_day(owner).await?.filter(|d| *d >= today) {
            if let Some(thanks) = cadence::match_thanks(contact.relationship, match_day) {
                schedule_in(tx, zone, owner, contact.id, &thanks, now).await?;
            }
        }
        let group = conference.as_ref().map(|l| (conference::AFTER, l.plan.0));
        let first_follow_up = match cadence::first_follow_up(&rhythm) {
            Some(first) => {
                schedule_grouped_in(tx, zone, owner, contact.id, &first, now, group).await?
            }
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
        let mut tx = self.store.begin_locked(owner.0).await?;
        let stored = tx
            .contact(owner, id)
            .await?
            .ok_or(ActionError::ContactNotFound)?;
        if opened_at.is_some_and(|version| stored.version != version) {
            return Err(ActionError::ChangedSinceOpened);
        }
        let mut patch = edit(&stored)?;
        let now = self.now();
        // Linked to a conference now: the first follow-up counts from its last day and is
        // nudged with the others met there, if it is still to come.
        let linked = match patch.conference_id {
            Some(Some(conference)) if stored.met.conference_id != Some(conference) => {
                let mut met = stored.met.clone();
                if let Some(kind) = patch.met_kind {
                    met.kind = kind;
                }
                if let Some(label) = &patch.met_label {
                    met.label = label.as_deref().map(str::to_owned);
                }
                let link = link_conference(&mut tx, owner, &mut met, conference, now).await?;
                patch.met_kind = Some(met.kind);
                if patch.met_label.is_none() && stored.met.label.is_none() {
                    patch.met_label = Some(
                        met.label
                            .as_deref()
                            .map(crate::domain::contact::Text::parse)
                            .transpose()?
                            .flatten(),
                    );
                }
                Some(link)
            }
            _ => None,
        };
        let rotation_linked = match patch.rotation_id {
            Some(Some(rotation)) if stored.met.rotation_id != Some(rotation) => {
                let mut met = stored.met.clone();
                if let Some(kind) = patch.met_kind {
                    met.kind = kind;
                }
                link_rotation(&mut tx, owner, &mut met, rotation).await?;
                patch.met_kind = Some(met.kind);
                patch.rotation_ends_on = Some(met.rotation_ends_on);
                if patch.met_label.is_none() && stored.met.label.is_none() {
                    patch.met_label = Some(
                        met.label
                            .as_deref()
                            .map(crate::domain::contact::Text::parse)
                            .transpose()?
                            .flatten(),
                    );
                }
                true
            }
            _ => false,
        };
        let edited = tx
            .update_contact(owner, id, &patch, now)
            .await?
            .ok_or(ActionError::ContactNotFound)??;
        if rotation_linked && linked.is_none() {
            // The first follow-up now counts from the rotation's end, if it is still to come.
            if let Some(first) = cadence::first_follow_up(&rhythm_of(&edited)) {
                let pending = tx.pending_follow_ups(owner, Some(id)).await?;
                if pending.iter().any(|f| f.series == first.series) {
                    schedule_in(&mut tx, self.default_timezone, owner, id, &first, now).await?;
                }
            }
        }
        if let Some(link) = linked {
            let mut rhythm = rhythm_of(&edited);
            rhythm.conference_ends_on = Some(link.ends_on);
            if let Some(first) = cadence::first_follow_up(&rhythm) {
                let pending = tx.pending_follow_ups(owner, Some(id)).await?;
                if pending.iter().any(|f| f.series == first.series) {
                    schedule_grouped_in(
                        &mut tx,
                        self.default_timezone,
                        owner,
                        id,
                        &first,
                        now,
                        Some((conference::AFTER, link.plan.0)),
                    )
                    .await?;
                }
            }
        }
        tx.commit().await?;
        self.wake.notify_one();
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
        let mut tx = self.store.begin_locked(owner.0).await?;
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
