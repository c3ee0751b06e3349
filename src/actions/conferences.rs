//! Conference use cases: officers keep the chapter's calendar; members plan to go, keep
//! private targets, and get their before-conference nudges. One transaction each.

use chrono::{DateTime, Utc};

use super::{ActionError, ActionResult, Actions};
use crate::domain::cadence::{self, Window};
use crate::domain::conference::{
    self, ConferenceDetails, ConferenceId, ConferencePlan, PlanId, TargetId, TargetKind,
    Visibility, MAX_TARGETS,
};
use crate::domain::contact::ContactId;
use crate::domain::{GuildId, TimeZone, UserId};
use crate::store::{Joined, Tx};

/// The sentence for a conference that is not (or no longer) on the calendar.
pub const CONFERENCE_GONE: &str =
    "That conference is not on this chapter's calendar (it may have been removed). See `/conference list`.";
/// The sentence for a target on a conference the member is not going to.
pub const NOT_GOING: &str =
    "You haven't joined that conference: `/conference join` it first, then add targets.";

/// What an edit changed for the members going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edited {
    /// Members going whose before-conference nudges were re-timed.
    pub plans: u32,
    pub dates_changed: bool,
}

impl Actions {
    /// Puts a conference on `guild`'s calendar.
    pub async fn add_conference(
        &self,
        guild: GuildId,
        by: UserId,
        details: &ConferenceDetails,
    ) -> ActionResult<ConferenceId> {
        let mut tx = self.store.begin_locked(guild.0).await?;
        let id = tx.add_conference(guild, details, by, self.now()).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Replaces a conference's details and re-times every going member's before-nudges.
    pub async fn edit_conference(
        &self,
        guild: GuildId,
        id: ConferenceId,
        details: &ConferenceDetails,
    ) -> ActionResult<Edited> {
        let now = self.now();
        let mut tx = self.store.begin_locked(guild.0).await?;
        let Some(before) = tx.conference(guild, id).await? else {
            return Err(ActionError::Refused(CONFERENCE_GONE.into()));
        };
        if !tx.update_conference(guild, id, details, now).await? {
            return Err(ActionError::Refused(CONFERENCE_GONE.into()));
        }
        let plans = tx.plans_for(id).await?;
        let starts_moved = before.details.starts_on != details.starts_on;
        for plan in &plans {
            schedule_before_for(
                &mut tx,
                self.default_timezone,
                plan,
                Some(details.starts_on),
                now,
                starts_moved,
            )
            .await?;
        }
        if before.details.ends_on != details.ends_on {
            retime_after(&mut tx, self.default_timezone, id, details.ends_on, now).await?;
        }
        let dates_changed = before.details.starts_on != details.starts_on
            || before.details.ends_on != details.ends_on;
        if dates_changed {
            for plan in &plans {
                let member = tx.member(plan.owner).await?;
                let zone = member.timezone_or(self.default_timezone);
                let today = now.with_timezone(&zone.tz()).date_naive();
                let window = Window {
                    ideal: today,
                    latest: today,
                };
                // Due now; the scheduler still keeps to the member's quiet hours.
                tx.notify_dates_changed(plan.owner, plan.id, window, now, now)
                    .await?;
            }
        }
        tx.commit().await?;
        self.wake.notify_one();
        Ok(Edited {
            plans: u32::try_from(plans.len()).unwrap_or(u32::MAX),
            dates_changed,
        })
    }

    /// Takes a conference off the calendar: members' plans stay as their history, their
    /// before-nudges are cancelled. Returns the plans it touched.
    pub async fn remove_conference(&self, guild: GuildId, id: ConferenceId) -> ActionResult<u32> {
        let now = self.now();
        let mut tx = self.store.begin_locked(guild.0).await?;
        if tx.conference(guild, id).await?.is_none() {
            return Err(ActionError::Refused(CONFERENCE_GONE.into()));
        }
        let plans = tx.plans_for(id).await?;
        for plan in &plans {
            schedule_before(&mut tx, self.default_timezone, plan, None, now).await?;
        }
        tx.remove_conference(guild, id, now).await?;
        tx.commit().await?;
        Ok(u32::try_from(plans.len()).unwrap_or(u32::MAX))
    }

    /// The member goes to a conference of `guild` (or changes who can see that they go), and
    /// gets its before-nudges.
    pub async fn join_conference(
        &self,
        owner: UserId,
        guild: GuildId,
        id: ConferenceId,
        visibility: Visibility,
    ) -> ActionResult<Joined> {
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        // Also the chapter's: an officer editing or removing the conference meanwhile would
        // miss this plan (its reminders keeping the old dates).
        tx.lock(guild.0).await?;
        let Some(conference) = tx.conference(guild, id).await? else {
            return Err(ActionError::Refused(CONFERENCE_GONE.into()));
        };
        tx.ensure_member(owner, now).await?;
        let joined = tx.join(owner, id, visibility, now).await?;
        let plan = ConferencePlan {
            id: match joined {
                Joined::New(plan) | Joined::Already { plan, .. } => plan,
            },
            owner,
            conference: id,
            visibility,
        };
        schedule_before(
            &mut tx,
            self.default_timezone,
            &plan,
            Some(conference.details.starts_on),
            now,
        )
        .await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(joined)
    }

    /// The member no longer goes: the plan, its targets and nudges are gone. Returns how many
    /// targets it held; `None` if they were not going.
    pub async fn leave_conference(
        &self,
        owner: UserId,
        id: ConferenceId,
    ) -> ActionResult<Option<u32>> {
        let now = self.now();
        let mut tx = self.store.begin_locked(owner.0).await?;
        // People met there keep their follow-ups, each now nudged on its own — unless their
        // common nudge already went out (or is going out now): they were told.
        if let Some(plan) = tx.plan(owner, id).await? {
            let group = tx
                .live_nudge_state(owner, conference::AFTER, plan.id.0)
                .await?;
            if group.as_deref() == Some("waiting") {
                for f in tx.conference_follow_ups(owner, id.0).await? {
                    tx.move_follow_up(owner, f.id, f.window, f.due_at, now)
                        .await?;
                }
            }
        }
        let left = tx.leave(owner, id).await?;
        tx.commit().await?;
        self.wake.notify_one();
        Ok(left)
    }

    /// Adds a target to the member's plan for a conference they joined.
    pub async fn add_target(
        &self,
        owner: UserId,
        conference: ConferenceId,
        kind: TargetKind,
        name: &str,
        note: Option<&str>,
        contact: Option<ContactId>,
    ) -> ActionResult<TargetId> {
        let mut tx = self.store.begin_locked(owner.0).await?;
        let Some(plan) = tx.plan(owner, conference).await? else {
            return Err(ActionError::Refused(NOT_GOING.into()));
        };
        if tx.target_count(owner, plan.id).await? as usize >= MAX_TARGETS {
            return Err(ActionError::Refused(format!(
                "A plan holds {MAX_TARGETS} targets at most: mark some done or remove them first."
            )));
        }
        if let Some(contact) = contact {
            if tx.contact(owner, contact).await?.is_none() {
                return Err(ActionError::ContactNotFound);
            }
        }
        let id = tx
            .add_target(owner, plan.id, kind, name, note, contact, self.now())
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Marks one of the member's targets done (or not done).
    pub async fn set_target_done(
        &self,
        owner: UserId,
        target: TargetId,
        done: bool,
    ) -> ActionResult<()> {
        let mut tx = self.store.begin_locked(owner.0).await?;
        if !tx.set_target_done(owner, target, done).await? {
            return Err(ActionError::Refused(TARGET_GONE.into()));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes one of the member's targets.
    pub async fn remove_target(&self, owner: UserId, target: TargetId) -> ActionResult<()> {
        let mut tx = self.store.begin_locked(owner.0).await?;
        if !tx.remove_target(owner, target).await? {
            return Err(ActionError::Refused(TARGET_GONE.into()));
        }
        tx.commit().await?;
        Ok(())
    }
}

/// The sentence for a target that is not the member's (or was removed).
pub const TARGET_GONE: &str =
    "That target is not in your plan (it may have been removed). See `/conference plan`.";

/// Sets a plan's before-nudges for a conference starting on `starts` (none when `None`):
/// each at the member's delivery hour, in their zone, only while still to come.
async fn schedule_before(
    tx: &mut Tx,
    default_timezone: TimeZone,
    plan: &ConferencePlan,
    starts: Option<chrono::NaiveDate>,
    now: DateTime<Utc>,
) -> ActionResult<()> {
    schedule_before_for(tx, default_timezone, plan, starts, now, false).await
}

/// [`schedule_before`]; with `moved`, the dates changed, so a reminder already sent about
/// the old dates is followed by one about the new.
async fn schedule_before_for(
    tx: &mut Tx,
    default_timezone: TimeZone,
    plan: &ConferencePlan,
    starts: Option<chrono::NaiveDate>,
    now: DateTime<Utc>,
    moved: bool,
) -> ActionResult<()> {
    let member = tx.member(plan.owner).await?;
    let zone = member.timezone_or(default_timezone);
    let today = now.with_timezone(&zone.tz()).date_naive();
    let wanted = starts
        .map(|s| conference::before_nudges(s, today))
        .unwrap_or_default();
    for subject in [conference::WEEK_BEFORE, conference::DAY_BEFORE] {
        let due = wanted.iter().find(|(s, _)| *s == subject).map(|(_, on)| {
            let window = Window {
                ideal: *on,
                latest: *on,
            };
            let at = cadence::nudge_at(&window, member.dms.hour, zone);
            (window, at)
        });
        if moved {
            tx.rearm_nudge(plan.owner, subject, plan.id.0, due, now)
                .await?;
        } else {
            tx.set_nudge(plan.owner, subject, plan.id.0, due, now)
                .await?;
        }
    }
    Ok(())
}

/// The follow-ups of everyone met at a conference count from its last day: after the dates
/// move, each moves, and so does each member's nudge listing them.
async fn retime_after(
    tx: &mut Tx,
    default_timezone: TimeZone,
    id: ConferenceId,
    ends_on: chrono::NaiveDate,
    now: DateTime<Utc>,
) -> ActionResult<()> {
    let mut owners = Vec::new();
    for (owner, follow_up) in tx.follow_ups_after_conference(id.0).await? {
        let Some(f) = tx.follow_up(owner, follow_up).await? else {
            continue;
        };
        let Some(contact) = tx.contact(owner, f.contact_id).await? else {
            continue;
        };
        let mut rhythm = super::contacts::rhythm_of(&contact);
        rhythm.conference_ends_on = Some(ends_on);
        let Some(planned) = cadence::first_follow_up(&rhythm) else {
            continue;
        };
        let due = super::due_in(tx, default_timezone, owner, &planned.window).await?;
        tx.retime_follow_up(owner, follow_up, planned.window, due, now)
            .await?;
        if !owners.iter().any(|(o, _, _)| *o == owner) {
            owners.push((owner, planned.window, due));
        }
    }
    for (owner, window, due) in owners {
        let Some(plan) = tx.plan(owner, id).await? else {
            continue;
        };
        if !tx.conference_follow_ups(owner, id.0).await?.is_empty() {
            tx.set_nudge(
                owner,
                conference::AFTER,
                plan.id.0,
                Some((window, due)),
                now,
            )
            .await?;
        }
    }
    Ok(())
}

/// A plan id as a nudge's subject row.
pub fn plan_of_nudge(subject_id: i64) -> PlanId {
    PlanId(subject_id)
}
