//! One use case per member action. Each takes the store, the clock and the scheduler's
//! wake-up (never the Discord framework), runs in one transaction, and is what every path that
//! leads to the action calls: slash command, button, form or right-click menu.

mod chapters;
mod conferences;
mod contacts;
mod fairs;
mod follow_ups;
mod letters;
mod notes;
mod programs;
mod season;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::domain::cadence::{self, FollowUp, Planned, Window};
use crate::domain::contact::{ContactError, ContactId};
use crate::domain::{TimeZone, UserId};
use crate::store::{Store, StoreError, Tx};

pub use conferences::{plan_of_nudge, Edited, CONFERENCE_GONE, NOT_GOING, TARGET_GONE};
pub use contacts::{Added, Imported};
pub use fairs::NO_FAIR;
pub use follow_ups::Completed;
pub use letters::LETTER_GONE;
pub use programs::{ProgramMoved, PROGRAM_GONE};
pub use season::{MATCH_WEEK_BEFORE, MILESTONE_GONE};

/// Why an action did nothing.
#[derive(Debug, thiserror::Error)]
pub enum ActionError {
    /// The contact is not the member's (or no longer exists): the same for both, on purpose.
    #[error("no such contact")]
    ContactNotFound,
    /// The follow-up is done, moved, turned off or being sent.
    #[error("the follow-up is no longer pending")]
    FollowUpGone,
    /// The pending note was saved already (a repeated click or form) or has expired.
    #[error("the note was already saved")]
    NoteGone,
    /// The contact changed after the form showing it was opened.
    #[error("the contact changed since the form was opened")]
    ChangedSinceOpened,
    /// A rule of the Discord layer refused the input; the text is for the member.
    #[error("{0}")]
    Refused(String),
    #[error(transparent)]
    Contact(#[from] ContactError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub type ActionResult<T> = Result<T, ActionError>;

/// What the actions need from the app.
#[derive(Clone)]
pub struct Actions {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// Wakes the nudge loop when a follow-up is scheduled or moved.
    pub wake: Arc<Notify>,
    /// The zone of members who set none.
    pub default_timezone: TimeZone,
}

impl Actions {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}

/// Schedules `planned` inside `tx` at the member's delivery hour, in their zone.
async fn schedule_in(
    tx: &mut Tx,
    default_timezone: TimeZone,
    owner: UserId,
    contact: ContactId,
    planned: &Planned,
    now: DateTime<Utc>,
) -> ActionResult<Option<FollowUp>> {
    let due = due_in(tx, default_timezone, owner, &planned.window).await?;
    Ok(tx
        .schedule_follow_up(owner, contact, planned, due, now)
        .await?)
}

/// [`schedule_in`], nudged together with `group` (see [`Tx::schedule_grouped_follow_up`]).
async fn schedule_grouped_in(
    tx: &mut Tx,
    default_timezone: TimeZone,
    owner: UserId,
    contact: ContactId,
    planned: &Planned,
    now: DateTime<Utc>,
    group: Option<(&str, i64)>,
) -> ActionResult<Option<FollowUp>> {
    let due = due_in(tx, default_timezone, owner, &planned.window).await?;
    Ok(tx
        .schedule_grouped_follow_up(owner, contact, planned, due, now, group)
        .await?)
}

/// When the nudge for `window` is due: the member's delivery hour, in their zone.
async fn due_in(
    tx: &mut Tx,
    default_timezone: TimeZone,
    owner: UserId,
    window: &Window,
) -> ActionResult<DateTime<Utc>> {
    let member = tx.member(owner).await?;
    let zone = member.timezone_or(default_timezone);
    Ok(cadence::nudge_at(window, member.dms.hour, zone))
}
