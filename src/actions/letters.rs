//! Letters: asking, and moving each through its statuses, with the nudges each status has.
//! One transaction each.

use chrono::{DateTime, NaiveDate, Utc};

use super::{due_in, schedule_in, ActionError, ActionResult, Actions};
use crate::domain::cadence;
use crate::domain::contact::ContactId;
use crate::domain::letter::{self, Letter, LetterId, LetterKind, LetterStatus, Move};
use crate::domain::{TimeZone, UserId};
use crate::store::Tx;

/// The sentence for a letter that is not the member's.
pub const LETTER_GONE: &str =
    "That letter is not in your list (it may have been deleted with its contact). See `/letter list`.";

impl Actions {
    /// Records that the member asked their contact for a letter on `asked_on`; schedules the
    /// check-in for a week later.
    pub async fn ask_letter(
        &self,
        owner: UserId,
        contact: ContactId,
        kind: LetterKind,
        rotation: Option<&str>,
        asked_on: NaiveDate,
        today: NaiveDate,
    ) -> ActionResult<Letter> {
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        if tx.contact(owner, contact).await?.is_none() {
            return Err(ActionError::ContactNotFound);
        }
        let id = tx
            .add_letter(owner, contact, kind, rotation, asked_on, now)
            .await?;
        let added = tx
            .letter(owner, id)
            .await?
            .ok_or(ActionError::ContactNotFound)?;
        plan_nudges(&mut tx, self.default_timezone, owner, &added, today, now).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(added)
    }

    /// Moves one of the member's letters to `status` today. A move backwards needs
    /// `backward_confirmed` (the member was asked). Its nudges follow the new status.
    pub async fn update_letter(
        &self,
        owner: UserId,
        id: LetterId,
        status: LetterStatus,
        today: NaiveDate,
        backward_confirmed: bool,
    ) -> ActionResult<(Letter, Move)> {
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        let Some(before) = tx.letter(owner, id).await? else {
            return Err(ActionError::Refused(LETTER_GONE.into()));
        };
        let moved = letter::movement(before.status, status);
        match moved {
            Move::Same => return Ok((before, moved)),
            Move::Backward if !backward_confirmed => {
                return Err(ActionError::Refused(format!(
                    "That moves the letter back from {} to {}: confirm it with the button.",
                    before.status.label().to_lowercase(),
                    status.label().to_lowercase()
                )))
            }
            _ => {}
        }
        if !tx.set_letter_status(owner, id, status, today, now).await? {
            return Err(ActionError::Refused(LETTER_GONE.into()));
        }
        let after = tx
            .letter(owner, id)
            .await?
            .ok_or_else(|| ActionError::Refused(LETTER_GONE.into()))?;
        plan_nudges(&mut tx, self.default_timezone, owner, &after, today, now).await?;
        // A writer who agreed is thanked after Match Day too, if that day is still to come.
        if !status.outstanding() || status == LetterStatus::Agreed {
            if let Some(day) = tx.match_day(owner).await?.filter(|d| *d >= today) {
                if status != LetterStatus::Declined {
                    let thanks = cadence::match_thanks_to_writer(day);
                    schedule_in(
                        &mut tx,
                        self.default_timezone,
                        owner,
                        after.contact,
                        &thanks,
                        now,
                    )
                    .await?;
                }
            }
        }
        tx.commit().await?;
        self.wake.notify_one();
        Ok((after, moved))
    }
}

/// Sets the letter's nudges to those its status has: each other one is cancelled.
async fn plan_nudges(
    tx: &mut Tx,
    default_timezone: TimeZone,
    owner: UserId,
    l: &Letter,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ActionResult<()> {
    let wanted = letter::nudges(l.status, l.asked_on, l.status_on, today);
    for subject in [letter::CHECK_IN, letter::THANKS] {
        let due = match wanted.iter().find(|(s, _)| *s == subject) {
            Some((_, window)) => {
                let at = due_in(tx, default_timezone, owner, window).await?;
                Some((*window, at))
            }
            None => None,
        };
        tx.set_nudge(owner, subject, l.id.0, due, now).await?;
    }
    Ok(())
}
