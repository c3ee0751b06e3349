//! The application season: the member's own milestone dates (the bot invents none), the
//! reminders each schedules, and the guide's checklist for their stage.

use chrono::{Duration, NaiveDate};

use super::cadence::Window;
use super::Stage;

coded_enum!(
    /// A milestone of the member's season.
    MilestoneKind {
        AwayRotation => ("away_rotation", "Away rotation"),
        ApplicationSubmission => ("application_submission", "Application submission"),
        InterviewSeason => ("interview_season", "Interview season starts"),
        RankListDeadline => ("rank_list_deadline", "Rank list deadline"),
        MatchDay => ("match_day", "Match Day"),
    }
);

/// A milestone row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MilestoneId(pub i64);

/// The longest label of a rotation ("EM at Hospital Y").
pub const MAX_LABEL: usize = 100;

/// A milestone the member set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub id: MilestoneId,
    pub kind: MilestoneKind,
    /// A rotation's first day.
    pub starts_on: Option<NaiveDate>,
    /// The day (a rotation's last day).
    pub on: NaiveDate,
    pub label: Option<String>,
}

/// Why a milestone was refused; the text is what the member reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeasonError {
    #[error("That date ({0}) is already past: the season is for dates still to come.")]
    Past(NaiveDate),
    #[error("The rotation ends ({ends}) before it starts ({starts}).")]
    EndsBeforeStarts { starts: NaiveDate, ends: NaiveDate },
    #[error("An away rotation needs its first day: add `starts`.")]
    RotationNeedsStart,
    #[error("The label is too long: {MAX_LABEL} characters at most.")]
    LabelTooLong,
}

/// Checks a milestone the member typed: its day (for a rotation, its last day) must still be
/// to come, and a rotation needs a first day before its last.
pub fn check(
    kind: MilestoneKind,
    starts_on: Option<NaiveDate>,
    on: NaiveDate,
    label: Option<&str>,
    today: NaiveDate,
) -> Result<(Option<NaiveDate>, Option<String>), SeasonError> {
    if on < today {
        return Err(SeasonError::Past(on));
    }
    let label = label.map(super::text::one_line).filter(|l| !l.is_empty());
    if label
        .as_deref()
        .is_some_and(|l| l.chars().count() > MAX_LABEL)
    {
        return Err(SeasonError::LabelTooLong);
    }
    match kind {
        MilestoneKind::AwayRotation => {
            let starts = starts_on.ok_or(SeasonError::RotationNeedsStart)?;
            if on < starts {
                return Err(SeasonError::EndsBeforeStarts { starts, ends: on });
            }
            Ok((Some(starts), label))
        }
        _ => Ok((None, label)),
    }
}

/// The reminder a week before a milestone (for a rotation: a week before it starts).
pub const WEEK_BEFORE: &str = "season_week_before";
/// Before the application goes in: the letters not yet submitted.
pub const LETTERS_DUE: &str = "season_letters_due";

/// The day a milestone is about: a rotation's first day, else its day.
pub fn key_day(m: &Milestone) -> NaiveDate {
    m.starts_on.unwrap_or(m.on)
}

/// The reminders a milestone schedules, each only while still to come (`today`).
pub fn nudges(m: &Milestone, today: NaiveDate) -> Vec<(&'static str, Window)> {
    let mut out = Vec::new();
    let week = key_day(m) - Duration::days(7);
    if week >= today {
        out.push((
            WEEK_BEFORE,
            Window {
                ideal: week,
                latest: week,
            },
        ));
    }
    if m.kind == MilestoneKind::ApplicationSubmission {
        let letters = m.on - Duration::days(14);
        if letters >= today {
            out.push((
                LETTERS_DUE,
                Window {
                    ideal: letters,
                    latest: letters,
                },
            ));
        }
    }
    out
}

/// What the bot can tell about what the member logged, for ticking the checklist.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Logged {
    pub contacts: u32,
    pub met_at_interest_group: u32,
    pub met_shadowing: u32,
    pub mentors: u32,
    pub faculty: u32,
    pub met_on_rotation: u32,
    pub away_rotations: u32,
    pub conferences: u32,
    pub letters_asked: u32,
    pub has_story: bool,
}

/// One checklist line: the step, and whether what was logged shows it done (`None`: the
/// bot cannot tell).
pub type Step = (&'static str, Option<bool>);

/// The guide's steps for the member's stage, ticked from what they logged.
pub fn checklist(stage: Option<Stage>, l: &Logged) -> Vec<Step> {
    let yes = |b: bool| Some(b);
    match stage {
        Some(Stage::M1 | Stage::M2) | None => vec![
            (
                "Join the EM interest group",
                yes(l.met_at_interest_group > 0),
            ),
            (
                "Shadow in the emergency department",
                yes(l.met_shadowing > 0),
            ),
            (
                "Meet a faculty advisor",
                yes(l.mentors > 0 || l.faculty > 0),
            ),
            ("Start early research or QI", None),
            ("Write your one-minute story", yes(l.has_story)),
        ],
        Some(Stage::M3) => vec![
            ("A strong home EM rotation", yes(l.met_on_rotation > 0)),
            ("Connect with EM faculty", yes(l.faculty > 0)),
            ("Find a mentor", yes(l.mentors > 0)),
            ("Write your one-minute story", yes(l.has_story)),
        ],
        Some(Stage::M4 | Stage::ResearchYear) => vec![
            ("Away rotations set", yes(l.away_rotations > 0)),
            ("A conference on your calendar", yes(l.conferences > 0)),
            ("SLOE requests made", yes(l.letters_asked > 0)),
            (
                "Program outreach: people at programs you like",
                yes(l.contacts >= 5),
            ),
            ("Your one-minute story ready", yes(l.has_story)),
        ],
        Some(_) => vec![
            ("Departmental projects", None),
            ("A conference or interest section", yes(l.conferences > 0)),
            (
                "Mentors for fellowship and job networking",
                yes(l.mentors > 0),
            ),
            ("Light-touch updates to your mentors", None),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn milestones_are_checked_where_they_are_set() {
        let today = d("2026-11-30");
        assert_eq!(
            check(
                MilestoneKind::ApplicationSubmission,
                None,
                d("2026-11-01"),
                None,
                today
            ),
            Err(SeasonError::Past(d("2026-11-01")))
        );
        assert_eq!(
            check(
                MilestoneKind::AwayRotation,
                None,
                d("2027-02-28"),
                None,
                today
            ),
            Err(SeasonError::RotationNeedsStart)
        );
        assert_eq!(
            check(
                MilestoneKind::AwayRotation,
                Some(d("2027-03-01")),
                d("2027-02-28"),
                None,
                today
            ),
            Err(SeasonError::EndsBeforeStarts {
                starts: d("2027-03-01"),
                ends: d("2027-02-28")
            })
        );
        // A rotation under way (started, not ended) is fine.
        assert!(check(
            MilestoneKind::AwayRotation,
            Some(d("2026-11-15")),
            d("2026-12-12"),
            Some("EM at Hospital Y"),
            today
        )
        .is_ok());
    }

    #[test]
    fn each_milestone_schedules_its_reminders_still_to_come() {
        let submission = Milestone {
            id: MilestoneId(1),
            kind: MilestoneKind::ApplicationSubmission,
            starts_on: None,
            on: d("2027-09-15"),
            label: None,
        };
        let week = |on: &str| Window {
            ideal: d(on),
            latest: d(on),
        };
        assert_eq!(
            nudges(&submission, d("2027-01-01")),
            vec![
                (WEEK_BEFORE, week("2027-09-08")),
                (LETTERS_DUE, week("2027-09-01"))
            ]
        );
        assert_eq!(
            nudges(&submission, d("2027-09-05")),
            vec![(WEEK_BEFORE, week("2027-09-08"))]
        );
        let rotation = Milestone {
            id: MilestoneId(2),
            kind: MilestoneKind::AwayRotation,
            starts_on: Some(d("2027-03-01")),
            on: d("2027-03-28"),
            label: None,
        };
        assert_eq!(
            nudges(&rotation, d("2027-01-01")),
            vec![(WEEK_BEFORE, week("2027-02-22"))]
        );
    }

    #[test]
    fn the_checklist_fits_the_stage_and_ticks_what_was_logged() {
        let logged = Logged {
            letters_asked: 2,
            has_story: true,
            ..Logged::default()
        };
        let m4 = checklist(Some(Stage::M4), &logged);
        assert!(m4.contains(&("SLOE requests made", Some(true))));
        assert!(m4.contains(&("Away rotations set", Some(false))));
        let m1 = checklist(Some(Stage::M1), &logged);
        assert!(m1.contains(&("Start early research or QI", None)));
        assert!(checklist(Some(Stage::Pgy2), &logged)
            .iter()
            .any(|(s, _)| s.contains("fellowship")));
    }
}
