//! Residency-fair group prep: a chapter's fair, its programs, and members' interest in them.

use chrono::NaiveDate;

/// A fair row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FairId(pub i64);

/// A fair program row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FairProgramId(pub i64);

pub const MAX_NAME: usize = 100;
pub const MAX_NOTES: usize = 300;

/// A fair a chapter preps for together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fair {
    pub id: FairId,
    pub name: String,
    pub on: NaiveDate,
    pub conference: Option<i64>,
    pub members_add_programs: bool,
}

/// A program at a fair, with who wants to talk to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FairProgram {
    pub id: FairProgramId,
    pub name: String,
    pub city: Option<String>,
    pub notes: Option<String>,
    /// Members who marked interest.
    pub interested: u32,
    /// Of them, those who chose to show their name (their Discord ids).
    pub named: Vec<u64>,
}

coded_enum!(
    /// Who a fair question is for.
    Audience {
        Residents => ("residents", "Residents"),
        Faculty => ("faculty", "Faculty"),
    }
);

/// The longest question.
pub const MAX_QUESTION: usize = 200;

/// A question of the chapter's bank.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub id: i64,
    pub audience: Audience,
    pub text: String,
    pub votes: u32,
}

/// The bank a chapter starts with, from the guide's themes, in the project's own words.
pub const SEED_QUESTIONS: &[(Audience, &str)] = &[
    (Audience::Residents, "What tipped the balance for you when you ranked this program?"),
    (Audience::Residents, "Which kind of resident does well here, and who struggles?"),
    (Audience::Residents, "Looking back on your own match, what would you do differently?"),
    (Audience::Faculty, "Which part of the training here are you proudest of?"),
    (Audience::Faculty, "How do residents change the program from year to year?"),
    (Audience::Faculty, "How does the program support residents interested in [a feature you care about, e.g. ultrasound]?"),
];

/// A question as typed, checked.
pub fn question_text(input: &str) -> Result<String, FairError> {
    let text = super::text::one_line(input);
    if text.is_empty() || text.chars().count() > MAX_QUESTION {
        return Err(FairError::BadQuestion);
    }
    Ok(text)
}

/// Why a fair or a program was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FairError {
    #[error("That day ({0}) is already past: pick the fair's date to come.")]
    Past(NaiveDate),
    #[error("Give it a name (at most {MAX_NAME} characters).")]
    BadName,
    #[error("The notes are too long: {MAX_NOTES} characters at most.")]
    NotesTooLong,
    #[error("Write the question (at most {MAX_QUESTION} characters).")]
    BadQuestion,
}

/// A fair's name and date, checked.
pub fn check_fair(name: &str, on: NaiveDate, today: NaiveDate) -> Result<String, FairError> {
    if on < today {
        return Err(FairError::Past(on));
    }
    name_of(name)
}

/// A name, one line, within the limit.
pub fn name_of(input: &str) -> Result<String, FairError> {
    let name = super::text::one_line(input);
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(FairError::BadName);
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fairs_are_for_days_to_come() {
        let today: NaiveDate = "2026-11-30".parse().expect("date");
        assert_eq!(
            check_fair("SAEM fair", "2026-11-29".parse().expect("date"), today),
            Err(FairError::Past("2026-11-29".parse().expect("date")))
        );
        assert_eq!(
            check_fair(" SAEM  fair ", today, today),
            Ok("SAEM fair".to_owned())
        );
        assert_eq!(name_of(""), Err(FairError::BadName));
    }
}
