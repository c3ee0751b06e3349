//! Letters of recommendation (SLOEs above all): who was asked, where each stands, and the
//! nudges each status schedules.

use chrono::{Duration, NaiveDate};

use super::cadence::Window;

coded_enum!(
    /// What kind of letter.
    LetterKind {
        Sloe => ("sloe", "SLOE"),
        Letter => ("letter", "Letter of recommendation"),
    }
);

coded_enum!(
    /// Where a letter stands, in the order it moves.
    LetterStatus {
        Asked => ("asked", "Asked"),
        Agreed => ("agreed", "Agreed"),
        Submitted => ("submitted", "Submitted"),
        Thanked => ("thanked", "Thanked"),
        Declined => ("declined", "Declined"),
    }
);

/// A letter row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LetterId(pub i64);

/// The longest rotation label kept with a letter.
pub const MAX_ROTATION: usize = 120;

/// One letter a member asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letter {
    pub id: LetterId,
    pub contact: super::contact::ContactId,
    pub writer: String,
    pub kind: LetterKind,
    pub rotation: Option<String>,
    pub status: LetterStatus,
    pub asked_on: NaiveDate,
    /// The day it reached its status.
    pub status_on: NaiveDate,
}

/// How a status change moves a letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// Already there: nothing to do.
    Same,
    Forward,
    /// Back to an earlier step (or out of "declined"): asks the member to confirm first.
    Backward,
}

impl LetterStatus {
    /// The step on the way: declined sits beside agreed (a writer answers either way).
    fn step(self) -> u8 {
        match self {
            LetterStatus::Asked => 0,
            LetterStatus::Agreed | LetterStatus::Declined => 1,
            LetterStatus::Submitted => 2,
            LetterStatus::Thanked => 3,
        }
    }

    /// Whether the letter still has to be written and sent.
    pub fn outstanding(self) -> bool {
        matches!(self, LetterStatus::Asked | LetterStatus::Agreed)
    }
}

/// How going from `from` to `to` moves a letter.
pub fn movement(from: LetterStatus, to: LetterStatus) -> Move {
    if from == to {
        Move::Same
    } else if from == LetterStatus::Declined
        || (to == LetterStatus::Declined && from.step() > 1)
        || to.step() < from.step()
    {
        Move::Backward
    } else {
        Move::Forward
    }
}

/// A gentle check-in when the writer has not answered: a week after asking.
pub const CHECK_IN: &str = "letter_check_in";
/// A thank-you once the letter is in.
pub const THANKS: &str = "letter_thanks";

/// The check-in's window: day 7 to day 10 after asking.
pub fn check_in_window(asked_on: NaiveDate) -> Window {
    Window {
        ideal: asked_on + Duration::days(7),
        latest: asked_on + Duration::days(10),
    }
}

/// The thank-you's window: day 1 to day 3 after it was submitted.
pub fn thanks_window(submitted_on: NaiveDate) -> Window {
    Window {
        ideal: submitted_on + Duration::days(1),
        latest: submitted_on + Duration::days(3),
    }
}

/// The nudges a letter in `status` has (subject and window), given when it was asked and
/// when it reached the status; a check-in whose window has passed is not scheduled.
pub fn nudges(
    status: LetterStatus,
    asked_on: NaiveDate,
    status_on: NaiveDate,
    today: NaiveDate,
) -> Vec<(&'static str, Window)> {
    match status {
        LetterStatus::Asked => {
            let window = check_in_window(asked_on);
            if window.latest >= today {
                vec![(CHECK_IN, window)]
            } else {
                Vec::new()
            }
        }
        LetterStatus::Submitted => vec![(THANKS, thanks_window(status_on))],
        LetterStatus::Agreed | LetterStatus::Thanked | LetterStatus::Declined => Vec::new(),
    }
}

/// "2 SLOEs agreed or submitted of 3 asked": the line `/letter list` ends with.
pub fn sloe_tally(letters: &[Letter]) -> String {
    let sloes: Vec<&Letter> = letters
        .iter()
        .filter(|l| l.kind == LetterKind::Sloe)
        .collect();
    let secured = sloes
        .iter()
        .filter(|l| {
            matches!(
                l.status,
                LetterStatus::Agreed | LetterStatus::Submitted | LetterStatus::Thanked
            )
        })
        .count();
    let submitted = sloes
        .iter()
        .filter(|l| matches!(l.status, LetterStatus::Submitted | LetterStatus::Thanked))
        .count();
    format!(
        "SLOEs: {secured} agreed or in, {submitted} submitted, of {} asked.",
        sloes.len()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use LetterStatus::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn letters_move_forward_and_backward_moves_are_named() {
        assert_eq!(movement(Asked, Agreed), Move::Forward);
        assert_eq!(movement(Asked, Submitted), Move::Forward);
        assert_eq!(movement(Agreed, Declined), Move::Forward);
        assert_eq!(movement(Asked, Declined), Move::Forward);
        assert_eq!(movement(Submitted, Thanked), Move::Forward);
        assert_eq!(movement(Agreed, Agreed), Move::Same);
        assert_eq!(movement(Submitted, Agreed), Move::Backward);
        assert_eq!(movement(Declined, Agreed), Move::Backward);
        assert_eq!(movement(Submitted, Declined), Move::Backward);
        assert_eq!(movement(Thanked, Asked), Move::Backward);
    }

    #[test]
    fn each_status_schedules_its_nudges() {
        let asked = d("2026-11-02");
        assert_eq!(
            nudges(Asked, asked, asked, d("2026-11-02")),
            vec![(
                CHECK_IN,
                Window {
                    ideal: d("2026-11-09"),
                    latest: d("2026-11-12")
                }
            )]
        );
        // Asked long ago and logged only now: no check-in in the past.
        assert!(nudges(Asked, asked, asked, d("2026-11-20")).is_empty());
        assert!(nudges(Agreed, asked, d("2026-11-05"), d("2026-11-05")).is_empty());
        assert_eq!(
            nudges(Submitted, asked, d("2026-12-01"), d("2026-12-01")),
            vec![(
                THANKS,
                Window {
                    ideal: d("2026-12-02"),
                    latest: d("2026-12-04")
                }
            )]
        );
        assert!(nudges(Thanked, asked, d("2026-12-02"), d("2026-12-02")).is_empty());
        assert!(nudges(Declined, asked, d("2026-11-05"), d("2026-11-05")).is_empty());
    }

    #[test]
    fn the_tally_counts_sloes_only() {
        let letter = |kind, status| Letter {
            id: LetterId(1),
            contact: crate::domain::contact::ContactId(1),
            writer: "Dr. A".into(),
            kind,
            rotation: None,
            status,
            asked_on: d("2026-11-02"),
            status_on: d("2026-11-02"),
        };
        let all = [
            letter(LetterKind::Sloe, Asked),
            letter(LetterKind::Sloe, Agreed),
            letter(LetterKind::Sloe, Submitted),
            letter(LetterKind::Letter, Submitted),
        ];
        assert_eq!(
            sloe_tally(&all),
            "SLOEs: 2 agreed or in, 1 submitted, of 3 asked."
        );
    }
}
