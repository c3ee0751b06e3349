//! Follow-ups: Done (from `/followup done` or a nudge's button), snooze, the member's own
//! dates, and re-timing after a settings change.

use chrono::{DateTime, Months, NaiveDate, Utc};

use super::{due_in, schedule_in, ActionError, ActionResult, Actions};
use crate::domain::cadence::{self, FollowUp, FollowUpKind, Planned, Series, Window};
use crate::domain::contact::{ContactId, InteractionKind, Relationship};
use crate::domain::{TimeZone, UserId};
use crate::store::Tx;

/// A follow-up marked done, and the one scheduled after it.
#[derive(Debug, Clone)]
pub struct Completed {
    pub done: FollowUp,
    pub next: Option<FollowUp>,
}

/// What logging a finished follow-up records.
fn interaction_for(kind: FollowUpKind) -> InteractionKind {
    match kind {
        FollowUpKind::InterviewThanks | FollowUpKind::MatchThanks => InteractionKind::Thanks,
        FollowUpKind::MeetingAgenda => InteractionKind::Meeting,
        _ => InteractionKind::Update,
    }
}

/// After one of the follow-ups nudged together for a conference closed: when none is left,
/// the group's waiting nudge has nothing to say and is cancelled.
pub(super) async fn settle_conference_group(
    tx: &mut Tx,
    owner: UserId,
    contact: ContactId,
) -> ActionResult<()> {
    let Some(conference) = tx
        .contact(owner, contact)
        .await?
        .and_then(|c| c.met.conference_id)
    else {
        return Ok(());
    };
    if !tx
        .conference_follow_ups(owner, conference)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    let plan = tx
        .plan(owner, crate::domain::conference::ConferenceId(conference))
        .await?;
    if let Some(plan) = plan {
        tx.cancel_nudge(owner, crate::domain::conference::AFTER, plan.id.0)
            .await?;
    }
    Ok(())
}

/// What comes after a finished follow-up of `done`'s series.
fn after(done: &FollowUp, on: NaiveDate) -> Option<Planned> {
    match done.series {
        Series::Rhythm => Some(cadence::after_interaction(on)),
        Series::Yearly => {
            let ideal = done
                .window
                .ideal
                .checked_add_months(Months::new(12))
                .unwrap_or(done.window.ideal);
            Some(Planned {
                kind: FollowUpKind::YearlyUpdate,
                series: Series::Yearly,
                window: Window::new(ideal, 14),
            })
        }
        _ => None,
    }
}

impl Actions {
    /// Marks the owner's follow-up `id` done on `on`: closes it, logs the interaction and
    /// schedules what comes next, all or nothing.
    pub async fn complete_follow_up(
        &self,
        owner: UserId,
        id: i64,
        note: Option<&str>,
        on: NaiveDate,
    ) -> ActionResult<Completed> {
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        let done = tx
            .follow_up(owner, id)
            .await?
            .ok_or(ActionError::FollowUpGone)?;
        if !tx.close_follow_up(owner, id, true, now).await? {
            return Err(ActionError::FollowUpGone);
        }
        tx.log_interaction(
            owner,
            done.contact_id,
            interaction_for(done.kind),
            note,
            on,
            now,
        )
        .await?
        .ok_or(ActionError::ContactNotFound)?;
        settle_conference_group(&mut tx, owner, done.contact_id).await?;
        let next = match after(&done, on) {
            Some(planned) => {
                schedule_in(
                    &mut tx,
                    self.default_timezone,
                    owner,
                    done.contact_id,
                    &planned,
                    now,
                )
                .await?
            }
            None => None,
        };
        tx.commit().await?;
        self.wake.notify_one();
        Ok(Completed { done, next })
    }

    /// Moves the owner's pending follow-up `id` to start on `until`, keeping its grace days;
    /// returns it as moved.
    pub async fn snooze_follow_up(
        &self,
        owner: UserId,
        id: i64,
        until: NaiveDate,
    ) -> ActionResult<FollowUp> {
        let mut tx = self.store.begin_locked(owner.0).await?;
        let f = tx
            .follow_up(owner, id)
            .await?
            .ok_or(ActionError::FollowUpGone)?;
        let grace = (f.window.latest - f.window.ideal).num_days().max(0);
        let window = Window::new(until, grace);
        let due = due_in(&mut tx, self.default_timezone, owner, &window).await?;
        if !tx
            .move_follow_up(owner, id, window, due, self.now())
            .await?
        {
            return Err(ActionError::FollowUpGone);
        }
        tx.commit().await?;
        self.wake.notify_one();
        Ok(FollowUp {
            window,
            due_at: due,
            nudged: false,
            ..f
        })
    }

    /// Schedules each of `planned` for the owner's contact (their own date, a meeting's two
    /// nudges, Match Day thanks), all or none.
    pub async fn schedule_follow_ups(
        &self,
        owner: UserId,
        contact: ContactId,
        planned: &[Planned],
    ) -> ActionResult<Vec<FollowUp>> {
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        let mut scheduled = Vec::new();
        for p in planned {
            let f = schedule_in(&mut tx, self.default_timezone, owner, contact, p, now)
                .await?
                .ok_or(ActionError::ContactNotFound)?;
            scheduled.push(f);
        }
        tx.commit().await?;
        self.wake.notify_one();
        Ok(scheduled)
    }

    /// Sets the member's time zone and moves every waiting nudge to the same local hour in
    /// it, all or nothing.
    pub async fn set_timezone(&self, owner: UserId, zone: TimeZone) -> ActionResult<()> {
        let mut tx = self.store.begin_locked(owner.0).await?;
        tx.set_timezone(owner, zone, self.now()).await?;
        retime_in(&mut tx, self.default_timezone, owner).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(())
    }

    /// Sets the member's delivery hour and moves every waiting nudge to it, all or nothing.
    pub async fn set_nudge_hour(&self, owner: UserId, hour: u8) -> ActionResult<()> {
        let mut tx = self.store.begin_locked(owner.0).await?;
        tx.set_nudge_hour(owner, hour, self.now()).await?;
        retime_in(&mut tx, self.default_timezone, owner).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(())
    }

    /// Sets the member's Match Day and schedules the close-the-loop thanks with every mentor
    /// and sponsor, in one transaction however many there are. Returns how many.
    pub async fn set_match_day(&self, owner: UserId, day: NaiveDate) -> ActionResult<usize> {
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        tx.set_match_day(owner, day, now).await?;
        let scheduled = schedule_match_day(&mut tx, self.default_timezone, owner, day, now).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(scheduled)
    }
}

/// Everything a member's Match Day schedules: the reminder a week before, and on the day the
/// close-the-loop thanks to every mentor, sponsor and letter writer (each once). Returns how
/// many thanks.
pub(super) async fn schedule_match_day(
    tx: &mut Tx,
    default_timezone: TimeZone,
    owner: UserId,
    day: NaiveDate,
    now: DateTime<Utc>,
) -> ActionResult<usize> {
    {
        let zone = tx.member(owner).await?.timezone_or(default_timezone);
        let today = now.with_timezone(&zone.tz()).date_naive();
        super::season::schedule_match_week(tx, default_timezone, owner, day, today, now).await?;
        let related = tx
            .contacts_related(owner, &[Relationship::Mentor, Relationship::Sponsor])
            .await?;
        let mut scheduled = 0;
        let mut thanked = Vec::new();
        for (contact, relationship) in related {
            if let Some(thanks) = cadence::match_thanks(Some(relationship), day) {
                schedule_in(tx, default_timezone, owner, contact, &thanks, now).await?;
                thanked.push(contact);
                scheduled += 1;
            }
        }
        // Every letter writer is thanked too, once.
        for contact in tx.letter_writers(owner).await? {
            if !thanked.contains(&contact) {
                let thanks = cadence::match_thanks_to_writer(day);
                schedule_in(tx, default_timezone, owner, contact, &thanks, now).await?;
                thanked.push(contact);
                scheduled += 1;
            }
        }
        Ok(scheduled)
    }
}

/// Every waiting nudge of the member, at their delivery hour in their zone (as now set in
/// `tx`).
async fn retime_in(tx: &mut Tx, default_timezone: TimeZone, owner: UserId) -> ActionResult<()> {
    let member = tx.member(owner).await?;
    let zone = member.timezone_or(default_timezone);
    let due: Vec<(i64, DateTime<Utc>)> = tx
        .waiting_windows(owner)
        .await?
        .into_iter()
        .map(|(id, w)| (id, cadence::nudge_at(&w, member.dms.hour, zone)))
        .collect();
    tx.set_due_times(owner, &due).await?;
    Ok(())
}
