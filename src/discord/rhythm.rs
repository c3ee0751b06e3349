//! Keeping a member's follow-ups in step with their contacts: what to schedule when a contact
//! is added or an interaction logged, what "done" moves on, and re-timing after a settings
//! change. Rules come from `domain::cadence`; this only applies them.

use chrono::{DateTime, Months, NaiveDate, Utc};

use super::Data;
use crate::domain::cadence::{self, FollowUp, FollowUpKind, Planned, Series, Window};
use crate::domain::contact::{Contact, ContactId, InteractionKind};
use crate::domain::UserId;
use crate::store::StoreError;

/// When the nudge for `window` is due: the member's delivery hour, in their zone.
pub async fn due_at(
    data: &Data,
    owner: UserId,
    window: &Window,
) -> Result<DateTime<Utc>, StoreError> {
    let member = data.store.member(owner).await?;
    let zone = member.timezone_or(data.default_timezone);
    Ok(cadence::nudge_at(window, member.dms.hour, zone))
}

/// Schedules `planned` and wakes the nudge loop.
pub async fn schedule(
    data: &Data,
    owner: UserId,
    contact: ContactId,
    planned: &Planned,
) -> Result<Option<FollowUp>, StoreError> {
    let due = due_at(data, owner, &planned.window).await?;
    let scheduled = data
        .store
        .schedule_follow_up(owner, contact, planned, due, data.clock.now())
        .await?;
    data.wake.notify_one();
    Ok(scheduled)
}

fn rhythm_of(c: &Contact) -> cadence::ContactRhythm {
    cadence::ContactRhythm {
        met_kind: c.met.kind,
        met_on: c.met_on,
        rotation_ends_on: c.met.rotation_ends_on,
        conference_ends_on: None,
        relationship: c.relationship,
    }
}

/// A new contact's first follow-up (and a mentor's yearly update); returns the first.
pub async fn on_new_contact(
    data: &Data,
    owner: UserId,
    c: &Contact,
    today: NaiveDate,
) -> Result<Option<FollowUp>, StoreError> {
    let rhythm = rhythm_of(c);
    if let Some(yearly) = cadence::yearly_update(&rhythm, today) {
        schedule(data, owner, c.id, &yearly).await?;
    }
    if let Some(match_day) = data.store.match_day(owner).await?.filter(|d| *d >= today) {
        if let Some(thanks) = cadence::match_thanks(c.relationship, match_day) {
            schedule(data, owner, c.id, &thanks).await?;
        }
    }
    match cadence::first_follow_up(&rhythm) {
        Some(first) => schedule(data, owner, c.id, &first).await,
        None => Ok(None),
    }
}

/// An interaction on `on` moves the contact's rhythm on by its cadence.
pub async fn on_interaction(
    data: &Data,
    owner: UserId,
    contact: ContactId,
    on: NaiveDate,
) -> Result<Option<FollowUp>, StoreError> {
    schedule(data, owner, contact, &cadence::after_interaction(on)).await
}

/// What logging a finished follow-up records.
fn interaction_for(kind: FollowUpKind) -> InteractionKind {
    match kind {
        FollowUpKind::InterviewThanks | FollowUpKind::MatchThanks => InteractionKind::Thanks,
        FollowUpKind::MeetingAgenda => InteractionKind::Meeting,
        _ => InteractionKind::Update,
    }
}

/// Marks a follow-up done on `on`: logs the interaction and schedules what comes next.
pub async fn complete(
    data: &Data,
    owner: UserId,
    follow_up: &FollowUp,
    note: Option<&str>,
    on: NaiveDate,
) -> Result<Option<FollowUp>, StoreError> {
    let now = data.clock.now();
    if !data
        .store
        .close_follow_up(owner, follow_up.id, true, now)
        .await?
    {
        return Ok(None);
    }
    data.store
        .log_interaction(
            owner,
            follow_up.contact_id,
            interaction_for(follow_up.kind),
            note,
            on,
            now,
        )
        .await?;
    match follow_up.series {
        Series::Rhythm => on_interaction(data, owner, follow_up.contact_id, on).await,
        Series::Yearly => {
            let ideal = follow_up
                .window
                .ideal
                .checked_add_months(Months::new(12))
                .unwrap_or(follow_up.window.ideal);
            let next = Planned {
                kind: FollowUpKind::YearlyUpdate,
                series: Series::Yearly,
                window: Window::new(ideal, 14),
            };
            schedule(data, owner, follow_up.contact_id, &next).await
        }
        _ => Ok(None),
    }
}

/// After a change of zone or delivery hour: every waiting nudge moves to the new local hour.
pub async fn retime(data: &Data, owner: UserId) -> Result<(), StoreError> {
    let member = data.store.member(owner).await?;
    let zone = member.timezone_or(data.default_timezone);
    let due: Vec<(i64, DateTime<Utc>)> = data
        .store
        .waiting_windows(owner)
        .await?
        .into_iter()
        .map(|(id, w)| (id, cadence::nudge_at(&w, member.dms.hour, zone)))
        .collect();
    data.store.set_due_times(owner, &due).await?;
    data.wake.notify_one();
    Ok(())
}

/// "Light-touch update — ideally Tue 23 Feb 2027, at the latest Thu 25 Mar 2027".
pub fn describe(f: &FollowUp) -> String {
    let fmt = |d: NaiveDate| d.format("%a %-d %b %Y").to_string();
    if f.window.ideal == f.window.latest {
        format!("{} — {}", f.kind.label(), fmt(f.window.ideal))
    } else {
        format!(
            "{} — ideally {}, at the latest {}",
            f.kind.label(),
            fmt(f.window.ideal),
            fmt(f.window.latest)
        )
    }
}
