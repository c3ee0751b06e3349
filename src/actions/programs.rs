//! Programs: following one, moving it through the season, and the thanks after an interview.
//! One transaction each.

use chrono::NaiveDate;

use super::{schedule_in, ActionError, ActionResult, Actions};
use crate::domain::cadence;
use crate::domain::contact::ContactId;
use crate::domain::program::{self, Program, ProgramId, ProgramStatus};
use crate::domain::UserId;

/// The sentence for a program that is not the member's.
pub const PROGRAM_GONE: &str = "That program is not in your list. See `/program list`.";

/// What moving a program did.
#[derive(Debug, Clone)]
pub struct ProgramMoved {
    pub program: Program,
    /// Contacts there who get a post-interview thanks follow-up.
    pub thanks: Vec<String>,
}

impl Actions {
    pub async fn add_program(
        &self,
        owner: UserId,
        name: &str,
        city: Option<&str>,
        no_contact: bool,
        today: NaiveDate,
    ) -> ActionResult<Program> {
        let (name, city) =
            program::details(name, city).map_err(|e| ActionError::Refused(e.to_string()))?;
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        tx.ensure_member(owner, now).await?;
        if tx
            .programs(owner)
            .await?
            .iter()
            .any(|p| p.name.eq_ignore_ascii_case(&name))
        {
            return Err(ActionError::Refused(format!(
                "{name} is already in your list: move it on with `/program update`."
            )));
        }
        let id = tx
            .add_program(owner, &name, city.as_deref(), no_contact, today, now)
            .await?;
        let added = tx
            .program(owner, id)
            .await?
            .ok_or_else(|| ActionError::Refused(PROGRAM_GONE.into()))?;
        tx.commit().await?;
        Ok(added)
    }

    /// Moves one of the member's programs to `status` today (back only when confirmed). Marked
    /// interviewed, the people the member knows there get a thanks follow-up within 1–3 days —
    /// unless the program asks for no post-interview contact.
    pub async fn update_program(
        &self,
        owner: UserId,
        id: ProgramId,
        status: ProgramStatus,
        no_contact: Option<bool>,
        today: NaiveDate,
        backward_confirmed: bool,
    ) -> ActionResult<ProgramMoved> {
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        let Some(before) = tx.program(owner, id).await? else {
            return Err(ActionError::Refused(PROGRAM_GONE.into()));
        };
        if program::is_backward(before.status, status) && !backward_confirmed {
            return Err(ActionError::Refused(format!(
                "That moves {} back from {} to {}: confirm it with the button.",
                before.name,
                before.status.label().to_lowercase(),
                status.label().to_lowercase()
            )));
        }
        let on = if status == before.status {
            before.status_on
        } else {
            today
        };
        tx.update_program(owner, id, status, no_contact, on, now)
            .await?;
        let after = tx
            .program(owner, id)
            .await?
            .ok_or_else(|| ActionError::Refused(PROGRAM_GONE.into()))?;
        let mut thanks = Vec::new();
        if status == ProgramStatus::Interviewed
            && before.status != ProgramStatus::Interviewed
            && !after.no_contact
        {
            let planned = cadence::interview_thanks(today);
            for (contact, name) in tx.people_at(owner, &after).await? {
                schedule_in(
                    &mut tx,
                    self.default_timezone,
                    owner,
                    contact,
                    &planned,
                    now,
                )
                .await?;
                thanks.push(name);
            }
        }
        tx.commit().await?;
        self.wake.notify_one();
        Ok(ProgramMoved {
            program: after,
            thanks,
        })
    }

    /// Links one of the member's contacts to one of their programs.
    pub async fn link_program_contact(
        &self,
        owner: UserId,
        id: ProgramId,
        contact: ContactId,
    ) -> ActionResult<()> {
        let mut tx = self.store.begin_locked(owner.0).await?;
        if tx.program(owner, id).await?.is_none() {
            return Err(ActionError::Refused(PROGRAM_GONE.into()));
        }
        if tx.contact(owner, contact).await?.is_none() {
            return Err(ActionError::ContactNotFound);
        }
        tx.link_program_contact(owner, id, contact).await?;
        tx.commit().await?;
        Ok(())
    }
}
