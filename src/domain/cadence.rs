//! The follow-up rhythm: when to follow up with a contact, from how you met and what you last
//! did, and when a nudge about it is due in the member's own time.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone as _, Utc};

use super::contact::{MetKind, Relationship};
use super::member::TimeZone;

coded_enum!(
    /// What a follow-up is for.
    FollowUpKind {
        AfterMeeting => ("after_meeting", "Follow up after meeting"),
        StayInTouch => ("stay_in_touch", "Ask to stay in touch (end of rotation)"),
        LightTouch => ("light_touch", "Light-touch update"),
        YearlyUpdate => ("yearly_update", "Yearly milestone update"),
        InterviewThanks => ("interview_thanks", "Thank-you after the interview"),
        MatchThanks => ("match_thanks", "Close the loop after the Match"),
        Custom => ("custom", "Follow-up you set"),
        MeetingAgenda => ("meeting_agenda", "Send the agenda for tomorrow's meeting"),
        MeetingReport => ("meeting_report", "Report back on the advice from your meeting"),
    }
);

coded_enum!(
    /// Follow-ups of one series replace each other: a contact has at most one pending per
    /// series, so nothing piles up.
    Series {
        Rhythm => ("rhythm", "Rhythm"),
        Yearly => ("yearly", "Yearly"),
        Match => ("match", "Match"),
        Custom => ("custom", "Custom"),
        Meeting => ("meeting", "Meeting"),
        MeetingReport => ("meeting_report", "Meeting report"),
        Interview => ("interview", "Interview"),
    }
);

/// The days a follow-up should happen: ideally on `ideal`, at the latest on `latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub ideal: NaiveDate,
    pub latest: NaiveDate,
}

impl Window {
    pub fn new(ideal: NaiveDate, days_of_grace: i64) -> Window {
        Window {
            ideal,
            latest: ideal + Duration::days(days_of_grace),
        }
    }

    /// Where today falls: before the ideal day, within the window, or past the latest day.
    pub fn status(&self, today: NaiveDate) -> DueStatus {
        if today < self.ideal {
            DueStatus::Upcoming
        } else if today <= self.latest {
            DueStatus::Due
        } else {
            DueStatus::Overdue
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum DueStatus {
    Overdue,
    Due,
    Upcoming,
}

/// One follow-up to schedule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Planned {
    pub kind: FollowUpKind,
    pub series: Series,
    pub window: Window,
}

/// A scheduled follow-up with a contact, as the member sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUp {
    pub id: i64,
    pub contact_id: super::contact::ContactId,
    pub contact_name: String,
    pub kind: FollowUpKind,
    pub series: Series,
    pub window: Window,
    /// When its nudge may go out.
    pub due_at: DateTime<Utc>,
    /// Whether its nudge was already delivered.
    pub nudged: bool,
}

/// What a nudge is about: a follow-up with a contact today; conference plans, letters and
/// milestones are subjects of their own later. The scheduler never looks inside a subject.
pub const FOLLOW_UP: &str = "follow_up";

/// One nudge as the scheduler claims, sends and records it, whatever its subject: which
/// subject row it is about, and the window its digest line is worded by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nudge {
    pub id: i64,
    /// The kind of subject ([`FOLLOW_UP`], …).
    pub subject: String,
    /// That subject's row (a follow-up's id, …).
    pub subject_id: i64,
    pub window: Window,
}

impl Nudge {
    /// The follow-up this nudge is about, if it is about one.
    pub fn follow_up(&self) -> Option<i64> {
        (self.subject == FOLLOW_UP).then_some(self.subject_id)
    }
}

/// The nudges of one DM (at most [`DIGEST_SIZE`]) and how many wait for the next one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digest {
    pub id: i64,
    pub owner: super::UserId,
    /// Sent with `enforce_nonce`, so a retry after a crash never creates a second message.
    pub nonce: String,
    pub nudges: Vec<Nudge>,
    pub more: u32,
    /// When the digest was claimed; a nonce is honoured by Discord for a few minutes only.
    pub created_at: DateTime<Utc>,
}

/// Nudges in one DM at most (one row of buttons each; a message holds five rows).
pub const DIGEST_SIZE: u32 = 5;

/// What the rhythm needs to know about a contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContactRhythm {
    pub met_kind: Option<MetKind>,
    pub met_on: NaiveDate,
    pub rotation_ends_on: Option<NaiveDate>,
    /// The last day of a linked chapter conference, when the meeting belongs to one.
    pub conference_ends_on: Option<NaiveDate>,
    pub relationship: Option<Relationship>,
}

/// Days after the meeting (or the conference's end): ideal day 3, latest day 5.
pub const AFTER_MEETING: (i64, i64) = (3, 5);
/// A light touch about 3–4 months later.
pub const LIGHT_TOUCH: (i64, i64) = (90, 120);
/// Without a known end, a rotation is taken to last four weeks.
pub const ASSUMED_ROTATION_DAYS: i64 = 28;

fn window(from: NaiveDate, (ideal, latest): (i64, i64)) -> Window {
    Window {
        ideal: from + Duration::days(ideal),
        latest: from + Duration::days(latest),
    }
}

fn is_mentor_or_sponsor(r: Option<Relationship>) -> bool {
    matches!(r, Some(Relationship::Mentor | Relationship::Sponsor))
}

/// The first rhythm follow-up for a contact just added.
pub fn first_follow_up(c: &ContactRhythm) -> Option<Planned> {
    let rhythm = |kind, window| {
        Some(Planned {
            kind,
            series: Series::Rhythm,
            window,
        })
    };
    match c.met_kind {
        Some(MetKind::Conference | MetKind::ResidencyFair) => {
            let from = c.conference_ends_on.unwrap_or(c.met_on);
            rhythm(FollowUpKind::AfterMeeting, window(from, AFTER_MEETING))
        }
        Some(MetKind::HomeRotation | MetKind::AwayRotation) => {
            let end = c
                .rotation_ends_on
                .unwrap_or(c.met_on + Duration::days(ASSUMED_ROTATION_DAYS));
            rhythm(FollowUpKind::StayInTouch, Window::new(end, 3))
        }
        Some(MetKind::Interview) => rhythm(FollowUpKind::InterviewThanks, window(c.met_on, (1, 3))),
        Some(MetKind::InterestGroup | MetKind::Shadowing | MetKind::Research) => {
            rhythm(FollowUpKind::AfterMeeting, window(c.met_on, AFTER_MEETING))
        }
        Some(MetKind::Other) | None if is_mentor_or_sponsor(c.relationship) => {
            rhythm(FollowUpKind::LightTouch, window(c.met_on, LIGHT_TOUCH))
        }
        Some(MetKind::Other) | None => None,
    }
}

/// The next rhythm follow-up after an interaction on `on`: a light touch 3–4 months later.
pub fn after_interaction(on: NaiveDate) -> Planned {
    Planned {
        kind: FollowUpKind::LightTouch,
        series: Series::Rhythm,
        window: window(on, LIGHT_TOUCH),
    }
}

/// Mentors get a yearly milestone update on the next anniversary of meeting them.
pub fn yearly_update(c: &ContactRhythm, today: NaiveDate) -> Option<Planned> {
    if c.relationship != Some(Relationship::Mentor) {
        return None;
    }
    let mut years = 1;
    let ideal = loop {
        let candidate = c
            .met_on
            .checked_add_months(chrono::Months::new(12 * years))
            .unwrap_or(c.met_on + Duration::days(365 * i64::from(years)));
        if candidate > today {
            break candidate;
        }
        years += 1;
    };
    Some(Planned {
        kind: FollowUpKind::YearlyUpdate,
        series: Series::Yearly,
        window: Window::new(ideal, 14),
    })
}

/// After the Match: thank every mentor and sponsor within a week of Match Day.
pub fn match_thanks(relationship: Option<Relationship>, match_day: NaiveDate) -> Option<Planned> {
    is_mentor_or_sponsor(relationship).then_some(Planned {
        kind: FollowUpKind::MatchThanks,
        series: Series::Match,
        window: Window::new(match_day, 7),
    })
}

/// The close-the-loop thanks after Match Day to someone who wrote (or agreed to write) one of
/// the member's letters, whatever their relationship.
pub fn match_thanks_to_writer(match_day: NaiveDate) -> Planned {
    Planned {
        kind: FollowUpKind::MatchThanks,
        series: Series::Match,
        window: Window::new(match_day, 7),
    }
}

/// Thanks to someone at a program the member just interviewed with: day 1 to 3.
pub fn interview_thanks(interviewed_on: NaiveDate) -> Planned {
    Planned {
        kind: FollowUpKind::InterviewThanks,
        series: Series::Interview,
        window: Window {
            ideal: interviewed_on + Duration::days(1),
            latest: interviewed_on + Duration::days(3),
        },
    }
}

/// A date the member chose.
pub fn custom(on: NaiveDate) -> Planned {
    Planned {
        kind: FollowUpKind::Custom,
        series: Series::Custom,
        window: Window::new(on, 2),
    }
}

/// A mentor meeting on `on`: the agenda the day before, a report-back three days after.
pub fn meeting(on: NaiveDate) -> [Planned; 2] {
    [
        Planned {
            kind: FollowUpKind::MeetingAgenda,
            series: Series::Meeting,
            window: Window::new(on - Duration::days(1), 0),
        },
        Planned {
            kind: FollowUpKind::MeetingReport,
            series: Series::MeetingReport,
            window: Window::new(on + Duration::days(3), 4),
        },
    ]
}

/// Quiet hours in local time, e.g. 21:00–08:00 (`start` > `end` wraps midnight).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    pub start: u8,
    pub end: u8,
}

impl QuietHours {
    pub fn contains(&self, hour: u8) -> bool {
        if self.start == self.end {
            false
        } else if self.start < self.end {
            (self.start..self.end).contains(&hour)
        } else {
            hour >= self.start || hour < self.end
        }
    }
}

/// The instant of `hour`:00 local time on `day` in `zone`. Computed in local time, so a
/// daylight-saving change never moves a nudge to another hour; a local time skipped by the
/// change falls to the first valid minute after it.
pub fn local_instant(day: NaiveDate, hour: u8, zone: TimeZone) -> DateTime<Utc> {
    let tz = zone.tz();
    let mut time =
        day.and_time(NaiveTime::from_hms_opt(u32::from(hour.min(23)), 0, 0).unwrap_or_default());
    for _ in 0..180 {
        if let Some(at) = tz.from_local_datetime(&time).earliest() {
            return at.with_timezone(&Utc);
        }
        time += Duration::minutes(1);
    }
    // No zone skips three hours; fall back to reading the time as UTC.
    Utc.from_utc_datetime(&time)
}

/// When the nudge for a follow-up window is due: the member's delivery hour on the ideal day.
pub fn nudge_at(window: &Window, hour: u8, zone: TimeZone) -> DateTime<Utc> {
    local_instant(window.ideal, hour, zone)
}

/// If `now` is within quiet hours for the member, the next moment they end at the member's
/// delivery hour; otherwise `now`. Nudges that came due while the bot was down wait for it.
pub fn deliverable_from(
    now: DateTime<Utc>,
    hour: u8,
    zone: TimeZone,
    quiet: QuietHours,
) -> DateTime<Utc> {
    let local = now.with_timezone(&zone.tz());
    let local_hour = u8::try_from(chrono::Timelike::hour(&local)).unwrap_or(0);
    if !quiet.contains(local_hour) {
        return now;
    }
    let today = local.date_naive();
    let today_at = local_instant(today, hour, zone);
    if today_at > now {
        today_at
    } else {
        local_instant(today + Duration::days(1), hour, zone)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn contact(kind: Option<MetKind>, met_on: NaiveDate) -> ContactRhythm {
        ContactRhythm {
            met_kind: kind,
            met_on,
            rotation_ends_on: None,
            conference_ends_on: None,
            relationship: None,
        }
    }

    #[test]
    fn conference_contacts_follow_up_on_day_three_to_five() {
        let p = first_follow_up(&contact(Some(MetKind::Conference), d(2026, 11, 20))).unwrap();
        assert_eq!(p.kind, FollowUpKind::AfterMeeting);
        assert_eq!(
            p.window,
            Window {
                ideal: d(2026, 11, 23),
                latest: d(2026, 11, 25)
            }
        );
        // Linked to a chapter conference: counted from its last day.
        let mut c = contact(Some(MetKind::ResidencyFair), d(2026, 11, 20));
        c.conference_ends_on = Some(d(2026, 11, 22));
        assert_eq!(first_follow_up(&c).unwrap().window.ideal, d(2026, 11, 25));
    }

    #[test]
    fn rotations_ask_to_stay_in_touch_at_their_end() {
        let mut c = contact(Some(MetKind::AwayRotation), d(2026, 11, 2));
        c.rotation_ends_on = Some(d(2026, 11, 27));
        let p = first_follow_up(&c).unwrap();
        assert_eq!(p.kind, FollowUpKind::StayInTouch);
        assert_eq!(
            p.window,
            Window {
                ideal: d(2026, 11, 27),
                latest: d(2026, 11, 30)
            }
        );
        let unknown_end =
            first_follow_up(&contact(Some(MetKind::HomeRotation), d(2026, 11, 2))).unwrap();
        assert_eq!(unknown_end.window.ideal, d(2026, 11, 30));
    }

    #[test]
    fn interviews_get_thanks_and_plain_contacts_get_nothing_unless_mentors() {
        let p = first_follow_up(&contact(Some(MetKind::Interview), d(2026, 11, 20))).unwrap();
        assert_eq!(
            (p.kind, p.window.ideal),
            (FollowUpKind::InterviewThanks, d(2026, 11, 21))
        );
        assert_eq!(first_follow_up(&contact(None, d(2026, 11, 20))), None);
        let mut mentor = contact(None, d(2026, 11, 20));
        mentor.relationship = Some(Relationship::Mentor);
        let p = first_follow_up(&mentor).unwrap();
        assert_eq!(
            (p.kind, p.window.ideal),
            (FollowUpKind::LightTouch, d(2027, 2, 18))
        );
    }

    #[test]
    fn an_interaction_moves_the_rhythm_three_to_four_months_on() {
        let p = after_interaction(d(2026, 11, 25));
        assert_eq!(p.series, Series::Rhythm);
        assert_eq!(
            p.window,
            Window {
                ideal: d(2027, 2, 23),
                latest: d(2027, 3, 25)
            }
        );
    }

    #[test]
    fn mentors_get_a_yearly_update_on_the_next_anniversary() {
        let mut c = contact(None, d(2024, 3, 10));
        assert_eq!(yearly_update(&c, d(2026, 11, 25)), None);
        c.relationship = Some(Relationship::Mentor);
        let p = yearly_update(&c, d(2026, 11, 25)).unwrap();
        assert_eq!(p.window.ideal, d(2027, 3, 10));
        assert_eq!(p.series, Series::Yearly);
    }

    #[test]
    fn match_day_thanks_mentors_and_sponsors_only() {
        assert!(match_thanks(Some(Relationship::Sponsor), d(2027, 3, 19)).is_some());
        assert!(match_thanks(Some(Relationship::Peer), d(2027, 3, 19)).is_none());
        let p = match_thanks(Some(Relationship::Mentor), d(2027, 3, 19)).unwrap();
        assert_eq!(p.window.latest, d(2027, 3, 26));
    }

    #[test]
    fn meetings_bring_an_agenda_the_day_before_and_a_report_three_days_after() {
        let [agenda, report] = meeting(d(2026, 12, 10));
        assert_eq!(agenda.window.ideal, d(2026, 12, 9));
        assert_eq!(report.window.ideal, d(2026, 12, 13));
    }

    #[test]
    fn status_is_upcoming_due_or_overdue() {
        let w = Window {
            ideal: d(2026, 11, 23),
            latest: d(2026, 11, 25),
        };
        assert_eq!(w.status(d(2026, 11, 22)), DueStatus::Upcoming);
        assert_eq!(w.status(d(2026, 11, 25)), DueStatus::Due);
        assert_eq!(w.status(d(2026, 11, 26)), DueStatus::Overdue);
    }

    #[test]
    fn nudges_keep_their_local_hour_across_daylight_saving() {
        let ny = TimeZone::parse("America/New_York").unwrap();
        // EDT (UTC-4) before 1 Nov 2026, EST (UTC-5) after.
        let before = local_instant(d(2026, 10, 30), 9, ny);
        let after = local_instant(d(2026, 11, 2), 9, ny);
        assert_eq!(before.to_rfc3339(), "2026-10-30T13:00:00+00:00");
        assert_eq!(after.to_rfc3339(), "2026-11-02T14:00:00+00:00");
        // 02:30 does not exist on 8 Mar 2026 in New York: the first valid time after it.
        let skipped = local_instant(d(2026, 3, 8), 2, ny);
        assert_eq!(skipped.to_rfc3339(), "2026-03-08T07:00:00+00:00");
    }

    #[test]
    fn quiet_hours_wrap_midnight_and_defer_to_the_delivery_hour() {
        let quiet = QuietHours { start: 21, end: 8 };
        assert!(
            quiet.contains(22) && quiet.contains(3) && !quiet.contains(8) && !quiet.contains(20)
        );
        assert!(!QuietHours { start: 0, end: 0 }.contains(3));
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        // 23:30 in Berlin (22:30 UTC): wait for 09:00 the next morning.
        let late = DateTime::parse_from_rfc3339("2026-11-25T22:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            deliverable_from(late, 9, berlin, quiet).to_rfc3339(),
            "2026-11-26T08:00:00+00:00"
        );
        // 02:00 in Berlin: 09:00 the same day.
        let night = DateTime::parse_from_rfc3339("2026-11-26T01:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            deliverable_from(night, 9, berlin, quiet).to_rfc3339(),
            "2026-11-26T08:00:00+00:00"
        );
        // Afternoon: now.
        let day = DateTime::parse_from_rfc3339("2026-11-26T14:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(deliverable_from(day, 9, berlin, quiet), day);
    }
}
