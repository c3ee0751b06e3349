//! The member's season: milestones and the reminders each schedules. One transaction each.

use chrono::{DateTime, NaiveDate, Utc};

use super::{due_in, ActionError, ActionResult, Actions};
use crate::domain::cadence::Window;
use crate::domain::season::{self, Milestone, MilestoneId, MilestoneKind};
use crate::domain::{TimeZone, UserId};
use crate::store::Tx;

/// The sentence for a milestone that is not the member's.
pub const MILESTONE_GONE: &str = "That milestone is not in your season. See `/season show`.";

/// The Match Day reminder a week before: its subject row is the member.
pub const MATCH_WEEK_BEFORE: &str = "season_match_week_before";

impl Actions {
    /// Adds a milestone of the member's (one of each kind but away rotations, of which there
    /// may be several: setting another kind again replaces it) and schedules its reminders.
    pub async fn set_milestone(
        &self,
        owner: UserId,
        kind: MilestoneKind,
        starts_on: Option<NaiveDate>,
        on: NaiveDate,
        label: Option<&str>,
        today: NaiveDate,
    ) -> ActionResult<Milestone> {
        let (starts_on, label) = season::check(kind, starts_on, on, label, today)
            .map_err(|e| ActionError::Refused(e.to_string()))?;
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        tx.ensure_member(owner, now).await?;
        if kind != MilestoneKind::AwayRotation {
            for old in tx.milestones(owner).await? {
                if old.kind == kind {
                    tx.remove_milestone(owner, old.id).await?;
                }
            }
        }
        let id = tx
            .add_milestone(owner, kind, starts_on, on, label.as_deref(), now)
            .await?;
        let added = Milestone {
            id,
            kind,
            starts_on,
            on,
            label,
        };
        schedule(&mut tx, self.default_timezone, owner, &added, today, now).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(added)
    }

    /// Removes one of the member's milestones and its reminders.
    pub async fn remove_milestone(&self, owner: UserId, id: MilestoneId) -> ActionResult<()> {
        let mut tx = self.store.begin_locked(owner.0).await?;
        if !tx.remove_milestone(owner, id).await? {
            return Err(ActionError::Refused(MILESTONE_GONE.into()));
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Schedules a milestone's reminders at the member's delivery hour.
async fn schedule(
    tx: &mut Tx,
    default_timezone: TimeZone,
    owner: UserId,
    m: &Milestone,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ActionResult<()> {
    for (subject, window) in season::nudges(m, today) {
        let at = due_in(tx, default_timezone, owner, &window).await?;
        tx.set_nudge(owner, subject, m.id.0, Some((window, at)), now)
            .await?;
    }
    Ok(())
}

/// The reminder a week before Match Day, moved with it (none when it is less than a week
/// away).
pub(super) async fn schedule_match_week(
    tx: &mut Tx,
    default_timezone: TimeZone,
    owner: UserId,
    match_day: NaiveDate,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> ActionResult<()> {
    let week = match_day - chrono::Duration::days(7);
    let due = if week >= today {
        let window = Window {
            ideal: week,
            latest: week,
        };
        Some((window, due_in(tx, default_timezone, owner, &window).await?))
    } else {
        None
    };
    tx.rearm_nudge(owner, MATCH_WEEK_BEFORE, owner.get() as i64, due, now)
        .await?;
    Ok(())
}
