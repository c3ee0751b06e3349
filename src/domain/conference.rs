//! Conferences on a chapter's calendar, members' plans to go, and their private targets: the
//! date rules and the nudges a plan schedules.

use chrono::{Datelike, Duration, NaiveDate};

use super::text;

/// Discord's limit on a scheduled event's name, and a sensible one for a meeting's name.
pub const MAX_NAME: usize = 100;
pub const MAX_CITY: usize = 100;
pub const MAX_URL: usize = 300;
pub const MAX_TARGET_NAME: usize = 100;
pub const MAX_TARGET_NOTE: usize = 300;
/// A shared plan's own note ("poster on Tuesday; looking for ultrasound people").
pub const MAX_SHARE_NOTE: usize = 300;
/// Targets in one plan at most: a plan is a short list, and its page must fit one message.
pub const MAX_TARGETS: usize = 25;

coded_enum!(
    /// What kind of meeting it is.
    ConferenceKind {
        National => ("national", "National"),
        Regional => ("regional", "Regional"),
        State => ("state", "State"),
        Virtual => ("virtual", "Virtual"),
    }
);

coded_enum!(
    /// Who can see that a member is going: the chapter, or only the member.
    Visibility {
        Chapter => ("chapter", "Chapter"),
        Private => ("private", "Private"),
    }
);

coded_enum!(
    /// What a member wants to reach at a conference.
    TargetKind {
        Person => ("person", "Person (speaker, faculty)"),
        Program => ("program", "Program (fair booth, showcase)"),
        Session => ("session", "Session (talk, match panel)"),
    }
);

/// A conference row's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConferenceId(pub i64);

/// A plan's (one member going to one conference) id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PlanId(pub i64);

/// A target's id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TargetId(pub i64);

/// The national EM meetings offered by name; the bot knows no dates: officers enter them.
pub const KNOWN_MEETINGS: &[(&str, &str)] = &[
    (
        "SAEM",
        "Society for Academic Emergency Medicine Annual Meeting",
    ),
    ("ACEP", "ACEP Scientific Assembly"),
    ("AAEM", "AAEM Scientific Assembly"),
    ("CORD", "CORD Academic Assembly"),
];

/// Why a conference's details were refused; the text is what the officer reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConferenceError {
    #[error("Give the conference a name.")]
    NameMissing,
    #[error("The name is too long: {MAX_NAME} characters at most.")]
    NameTooLong,
    #[error("Give the city (or \"online\").")]
    CityMissing,
    #[error("The city is too long: {MAX_CITY} characters at most.")]
    CityTooLong,
    #[error("The link must start with https:// (or http://) and be at most {MAX_URL} characters.")]
    BadUrl,
    #[error("The conference ends ({ends}) before it starts ({starts}).")]
    EndsBeforeStarts { starts: NaiveDate, ends: NaiveDate },
    #[error("That conference ended on {ends}: the calendar is for meetings still to come.")]
    AllInPast { ends: NaiveDate },
    #[error("A conference longer than 14 days is probably a typo in the dates.")]
    TooLong,
    #[error("The target's name is missing or longer than {MAX_TARGET_NAME} characters.")]
    BadTargetName,
    #[error("The note is too long: {max} characters at most.")]
    NoteTooLong { max: usize },
}

/// What an officer enters for a conference, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConferenceDetails {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub city: String,
    pub url: Option<String>,
    pub kind: ConferenceKind,
}

impl ConferenceDetails {
    /// Checks an officer's input. A new conference must not be entirely in the past
    /// (`today` in the chapter's zone); an edit keeps that rule too.
    pub fn parse(
        name: &str,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        city: &str,
        url: Option<&str>,
        kind: ConferenceKind,
        today: NaiveDate,
    ) -> Result<ConferenceDetails, ConferenceError> {
        let name = text::one_line(name);
        if name.is_empty() {
            return Err(ConferenceError::NameMissing);
        }
        if name.chars().count() > MAX_NAME {
            return Err(ConferenceError::NameTooLong);
        }
        let city = text::one_line(city);
        if city.is_empty() {
            return Err(ConferenceError::CityMissing);
        }
        if city.chars().count() > MAX_CITY {
            return Err(ConferenceError::CityTooLong);
        }
        let url = match url.map(str::trim).filter(|u| !u.is_empty()) {
            None => None,
            Some(u) => {
                let ok = (u.starts_with("https://") || u.starts_with("http://"))
                    && u.len() > "https://".len()
                    && u.chars().count() <= MAX_URL
                    && !u.chars().any(|c| c.is_whitespace() || c.is_control());
                if !ok {
                    return Err(ConferenceError::BadUrl);
                }
                Some(u.to_owned())
            }
        };
        if ends_on < starts_on {
            return Err(ConferenceError::EndsBeforeStarts {
                starts: starts_on,
                ends: ends_on,
            });
        }
        if (ends_on - starts_on).num_days() > 14 {
            return Err(ConferenceError::TooLong);
        }
        if ends_on < today {
            return Err(ConferenceError::AllInPast { ends: ends_on });
        }
        Ok(ConferenceDetails {
            name,
            starts_on,
            ends_on,
            city,
            url,
            kind,
        })
    }
}

/// A conference on a chapter's calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conference {
    pub id: ConferenceId,
    pub guild: super::GuildId,
    pub details: ConferenceDetails,
    /// Members going who let the chapter see it (what members are shown).
    pub going: u32,
    /// Every plan for it, private ones and those of members who met someone there (what an
    /// officer removing it is told it touches).
    pub plans: u32,
    /// The Discord scheduled event mirroring it, if the officer asked for one.
    pub event_id: Option<u64>,
}

/// A member's plan to go to a conference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConferencePlan {
    pub id: PlanId,
    pub owner: super::UserId,
    pub conference: ConferenceId,
    pub visibility: Visibility,
}

/// Something a member wants to reach at a conference. Private to them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: TargetId,
    pub kind: TargetKind,
    pub name: String,
    pub note: Option<String>,
    pub contact: Option<super::contact::ContactId>,
    pub done: bool,
}

/// A target's name, checked.
pub fn target_name(input: &str) -> Result<String, ConferenceError> {
    let name = text::one_line(input);
    if name.is_empty() || name.chars().count() > MAX_TARGET_NAME {
        return Err(ConferenceError::BadTargetName);
    }
    Ok(name)
}

/// An optional note of at most `max` characters; blank is none.
pub fn note(input: Option<&str>, max: usize) -> Result<Option<String>, ConferenceError> {
    let Some(text) = input.map(text::one_line).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    if text.chars().count() > max {
        return Err(ConferenceError::NoteTooLong { max });
    }
    Ok(Some(text))
}

/// "Sat 16 – Mon 18 May 2027", "Thu 30 Apr – Sat 2 May 2027", "Tue 12 May 2027": conference
/// days are calendar dates, never instants.
pub fn dates_label(starts: NaiveDate, ends: NaiveDate) -> String {
    if starts == ends {
        starts.format("%a %-d %b %Y").to_string()
    } else if starts.year() != ends.year() {
        format!(
            "{} – {}",
            starts.format("%a %-d %b %Y"),
            ends.format("%a %-d %b %Y")
        )
    } else if starts.month() != ends.month() {
        format!(
            "{} – {}",
            starts.format("%a %-d %b"),
            ends.format("%a %-d %b %Y")
        )
    } else {
        format!(
            "{} – {}",
            starts.format("%a %-d"),
            ends.format("%a %-d %b %Y")
        )
    }
}

/// "in 3 weeks", "tomorrow", "on now (day 2 of 3)", "ended 4 days ago": where a conference is
/// from `today`.
pub fn relative(starts: NaiveDate, ends: NaiveDate, today: NaiveDate) -> String {
    if today < starts {
        let days = (starts - today).num_days();
        match days {
            1 => "tomorrow".to_owned(),
            d if d < 14 => format!("in {d} days"),
            d if d < 60 => format!("in {} weeks", (d + 3) / 7),
            d => format!("in {} months", (d + 15) / 30),
        }
    } else if today <= ends {
        let day = (today - starts).num_days() + 1;
        let of = (ends - starts).num_days() + 1;
        if of == 1 {
            "today".to_owned()
        } else {
            format!("on now (day {day} of {of})")
        }
    } else {
        match (today - ends).num_days() {
            1 => "ended yesterday".to_owned(),
            d => format!("ended {d} days ago"),
        }
    }
}

/// What a conference-plan nudge is about: the week before, or the day before.
pub const WEEK_BEFORE: &str = "conference_week_before";
pub const DAY_BEFORE: &str = "conference_day_before";

/// The nudge of a plan that lists the follow-ups after the conference, together: its subject
/// row is the plan.
pub const AFTER: &str = "conference_after";

/// The nudge telling a member going that the conference's dates changed: its subject row is a
/// notice, which names the plan.
pub const CHANGED: &str = "conference_changed";

/// The days a plan's before-nudges are for: a week before and the day before the first day,
/// each only while it is still to come (`today` in the member's zone). Joining three days
/// ahead gets the day-before nudge only.
pub fn before_nudges(starts: NaiveDate, today: NaiveDate) -> Vec<(&'static str, NaiveDate)> {
    [
        (WEEK_BEFORE, starts - Duration::days(7)),
        (DAY_BEFORE, starts - Duration::days(1)),
    ]
    .into_iter()
    .filter(|(_, on)| *on >= today)
    .collect()
}

/// Known meetings (and the calendar's own names) matching what was typed, for autocomplete.
pub fn suggest_names(typed: &str) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    KNOWN_MEETINGS
        .iter()
        .filter(|(short, full)| {
            typed.is_empty()
                || short.to_lowercase().starts_with(&typed)
                || full.to_lowercase().contains(&typed)
        })
        .map(|(short, _)| (*short).to_owned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn parse(name: &str, starts: &str, ends: &str) -> Result<ConferenceDetails, ConferenceError> {
        ConferenceDetails::parse(
            name,
            d(starts),
            d(ends),
            "Atlanta",
            None,
            ConferenceKind::National,
            d("2026-11-30"),
        )
    }

    #[test]
    fn a_conference_is_checked_where_it_is_entered() {
        assert!(parse("SAEM", "2027-05-12", "2027-05-15").is_ok());
        assert_eq!(
            parse("SAEM", "2027-05-15", "2027-05-12"),
            Err(ConferenceError::EndsBeforeStarts {
                starts: d("2027-05-15"),
                ends: d("2027-05-12")
            })
        );
        assert_eq!(
            parse("SAEM", "2026-05-12", "2026-05-15"),
            Err(ConferenceError::AllInPast {
                ends: d("2026-05-15")
            })
        );
        // One that ends today is still on the calendar.
        assert!(parse("State EM day", "2026-11-29", "2026-11-30").is_ok());
        assert_eq!(
            parse(&"x".repeat(101), "2027-05-12", "2027-05-15"),
            Err(ConferenceError::NameTooLong)
        );
        assert_eq!(
            parse("  ", "2027-05-12", "2027-05-15"),
            Err(ConferenceError::NameMissing)
        );
        assert_eq!(
            parse("SAEM", "2027-05-01", "2027-05-30"),
            Err(ConferenceError::TooLong)
        );
    }

    #[test]
    fn only_web_links_are_taken() {
        let with = |url: &str| {
            ConferenceDetails::parse(
                "ACEP",
                d("2027-10-01"),
                d("2027-10-04"),
                "Online",
                Some(url),
                ConferenceKind::Virtual,
                d("2026-11-30"),
            )
        };
        assert!(with("https://www.acep.org/sa").is_ok());
        assert_eq!(with("javascript:alert(1)"), Err(ConferenceError::BadUrl));
        assert_eq!(with("https://a b"), Err(ConferenceError::BadUrl));
        assert_eq!(with("   ").map(|c| c.url), Ok(None));
    }

    #[test]
    fn dates_read_as_calendar_days() {
        assert_eq!(
            dates_label(d("2027-05-12"), d("2027-05-15")),
            "Wed 12 – Sat 15 May 2027"
        );
        assert_eq!(
            dates_label(d("2027-04-30"), d("2027-05-02")),
            "Fri 30 Apr – Sun 2 May 2027"
        );
        assert_eq!(
            dates_label(d("2027-12-31"), d("2028-01-01")),
            "Fri 31 Dec 2027 – Sat 1 Jan 2028"
        );
        assert_eq!(
            dates_label(d("2027-05-12"), d("2027-05-12")),
            "Wed 12 May 2027"
        );
    }

    #[test]
    fn relative_time_reads_naturally() {
        let today = d("2026-11-30");
        assert_eq!(
            relative(d("2026-12-01"), d("2026-12-03"), today),
            "tomorrow"
        );
        assert_eq!(
            relative(d("2026-12-05"), d("2026-12-06"), today),
            "in 5 days"
        );
        assert_eq!(
            relative(d("2026-12-21"), d("2026-12-22"), today),
            "in 3 weeks"
        );
        assert_eq!(
            relative(d("2027-05-12"), d("2027-05-15"), today),
            "in 5 months"
        );
        assert_eq!(
            relative(d("2026-11-29"), d("2026-12-01"), today),
            "on now (day 2 of 3)"
        );
        assert_eq!(relative(d("2026-11-30"), d("2026-11-30"), today), "today");
        assert_eq!(
            relative(d("2026-11-20"), d("2026-11-26"), today),
            "ended 4 days ago"
        );
    }

    #[test]
    fn a_plan_schedules_the_before_nudges_still_to_come() {
        let starts = d("2027-05-12");
        assert_eq!(
            before_nudges(starts, d("2027-01-01")),
            vec![
                (WEEK_BEFORE, d("2027-05-05")),
                (DAY_BEFORE, d("2027-05-11"))
            ]
        );
        assert_eq!(
            before_nudges(starts, d("2027-05-09")),
            vec![(DAY_BEFORE, d("2027-05-11"))]
        );
        assert_eq!(
            before_nudges(starts, d("2027-05-05")),
            vec![
                (WEEK_BEFORE, d("2027-05-05")),
                (DAY_BEFORE, d("2027-05-11"))
            ]
        );
        assert!(before_nudges(starts, d("2027-05-12")).is_empty());
    }

    #[test]
    fn known_meetings_are_suggested_by_short_or_full_name() {
        assert_eq!(suggest_names("sa"), vec!["SAEM"]);
        assert_eq!(suggest_names("assembly"), vec!["ACEP", "AAEM", "CORD"]);
        assert_eq!(suggest_names("").len(), 4);
    }

    #[test]
    fn notes_and_target_names_are_bounded() {
        assert_eq!(note(Some("  "), 10), Ok(None));
        assert_eq!(
            note(Some(&"x".repeat(11)), 10),
            Err(ConferenceError::NoteTooLong { max: 10 })
        );
        assert_eq!(target_name(" Dr. Reyes "), Ok("Dr. Reyes".to_owned()));
        assert_eq!(target_name(""), Err(ConferenceError::BadTargetName));
    }
}
