//! Residency programs a member follows through the season: status, the people they know
//! there, and whether the program accepts post-interview contact.

use chrono::NaiveDate;

coded_enum!(
    /// Where the member stands with a program, in the order it moves.
    ProgramStatus {
        Interested => ("interested", "Interested"),
        Applied => ("applied", "Applied"),
        Signalled => ("signalled", "Signalled"),
        InterviewInvited => ("interview_invited", "Interview invited"),
        Interviewed => ("interviewed", "Interviewed"),
        Ranked => ("ranked", "Ranked"),
        Withdrawn => ("withdrawn", "Withdrawn"),
    }
);

/// A program row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ProgramId(pub i64);

pub const MAX_NAME: usize = 100;
pub const MAX_CITY: usize = 100;

/// A program the member follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub id: ProgramId,
    pub name: String,
    pub city: Option<String>,
    pub status: ProgramStatus,
    pub status_on: NaiveDate,
    /// The program asks applicants not to contact it after interviews.
    pub no_contact: bool,
}

impl ProgramStatus {
    fn step(self) -> u8 {
        match self {
            ProgramStatus::Interested => 0,
            ProgramStatus::Applied => 1,
            ProgramStatus::Signalled => 2,
            ProgramStatus::InterviewInvited => 3,
            ProgramStatus::Interviewed => 4,
            ProgramStatus::Ranked => 5,
            ProgramStatus::Withdrawn => 6,
        }
    }
}

/// Whether going from `from` to `to` moves a program back (asked first): any earlier step,
/// or out of "withdrawn".
pub fn is_backward(from: ProgramStatus, to: ProgramStatus) -> bool {
    from != to && (from == ProgramStatus::Withdrawn || to.step() < from.step())
}

/// Why a program's details were refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgramError {
    #[error("Give the program a name (at most {MAX_NAME} characters).")]
    BadName,
    #[error("The city is too long: {MAX_CITY} characters at most.")]
    CityTooLong,
}

/// A program's name and city as typed, checked.
pub fn details(name: &str, city: Option<&str>) -> Result<(String, Option<String>), ProgramError> {
    let name = super::text::one_line(name);
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(ProgramError::BadName);
    }
    let city = city.map(super::text::one_line).filter(|c| !c.is_empty());
    if city
        .as_deref()
        .is_some_and(|c| c.chars().count() > MAX_CITY)
    {
        return Err(ProgramError::CityTooLong);
    }
    Ok((name, city))
}

/// Whether a contact's institution names this program: one contains the other, ignoring case
/// and punctuation ("Hospital Y" and "Hospital Y Emergency Medicine").
pub fn institution_matches(program: &str, institution: &str) -> bool {
    let fold = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric() || c.is_whitespace())
            .collect::<String>()
            .to_lowercase()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (p, i) = (fold(program), fold(institution));
    !p.is_empty() && !i.is_empty() && (p.contains(&i) || i.contains(&p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProgramStatus::*;

    #[test]
    fn backward_moves_are_named() {
        assert!(!is_backward(Interested, Applied));
        assert!(!is_backward(Applied, Interviewed));
        assert!(!is_backward(Interviewed, Withdrawn));
        assert!(is_backward(Interviewed, Applied));
        assert!(is_backward(Withdrawn, Applied));
        assert!(!is_backward(Ranked, Ranked));
    }

    #[test]
    fn institutions_match_programs_loosely() {
        assert!(institution_matches(
            "Hospital Y",
            "Hospital Y Emergency Medicine"
        ));
        assert!(institution_matches("St. Mary's EM", "st marys em"));
        assert!(!institution_matches("Hospital Y", "Hospital Z"));
        assert!(!institution_matches("Hospital Y", ""));
    }

    #[test]
    fn names_and_cities_are_bounded() {
        assert_eq!(details(" ", None), Err(ProgramError::BadName));
        assert_eq!(
            details("Hospital Y EM", Some(" Atlanta ")),
            Ok(("Hospital Y EM".into(), Some("Atlanta".into())))
        );
        assert_eq!(
            details("X", Some(&"c".repeat(101))),
            Err(ProgramError::CityTooLong)
        );
    }
}
