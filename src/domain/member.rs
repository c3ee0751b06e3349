//! A member: one Discord user's own settings — time zone, training stage, DM preferences.

use std::fmt;
use std::str::FromStr;

use chrono_tz::Tz;

use super::UserId;

/// An IANA time zone the member lives in; dates and nudge hours are computed in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeZone(Tz);

/// Why a typed time zone was refused; the text is what the member reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TimeZoneError {
    #[error("Type a time zone name, such as Europe/Berlin or America/Chicago.")]
    Empty,
    #[error("“{0}” is not a time zone I know. Pick one from the list as you type, such as Europe/Berlin or America/Chicago.")]
    Unknown(String),
}

impl TimeZone {
    /// The most autocomplete choices Discord shows.
    pub const MAX_SUGGESTIONS: usize = 25;

    /// Accepts an IANA name in any letter case ("europe/berlin").
    pub fn parse(input: &str) -> Result<TimeZone, TimeZoneError> {
        let input = input.trim();
        if input.is_empty() {
            return Err(TimeZoneError::Empty);
        }
        Tz::from_str(input)
            .or_else(|_| Tz::from_str_insensitive(input))
            .map(TimeZone)
            .map_err(|_| TimeZoneError::Unknown(truncate(input, 60)))
    }

    pub fn name(&self) -> &'static str {
        self.0.name()
    }

    pub fn tz(&self) -> Tz {
        self.0
    }

    /// Zone names containing `partial` (any case, spaces read as underscores), names that
    /// start with it (or whose city does) first, at most [`Self::MAX_SUGGESTIONS`].
    pub fn suggest(partial: &str) -> Vec<&'static str> {
        let needle = partial.trim().to_lowercase().replace(' ', "_");
        let mut hits: Vec<(u8, &'static str)> = chrono_tz::TZ_VARIANTS
            .iter()
            .map(|tz| tz.name())
            .filter_map(|name| {
                let lower = name.to_lowercase();
                let city = lower.rsplit('/').next().unwrap_or(&lower);
                let rank = if needle.is_empty() || lower.starts_with(&needle) {
                    0
                } else if city.starts_with(&needle) {
                    1
                } else if lower.contains(&needle) {
                    2
                } else {
                    return None;
                };
                Some((rank, name))
            })
            .collect();
        hits.sort();
        hits.into_iter()
            .map(|(_, name)| name)
            .take(Self::MAX_SUGGESTIONS)
            .collect()
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max_chars).collect();
        cut.push('…');
        cut
    }
}

/// Where a member is in training; it decides which networking steps the bot suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Stage {
    M1,
    M2,
    M3,
    M4,
    ResearchYear,
    Pgy1,
    Pgy2,
    Pgy3,
    Pgy4,
    Fellow,
    Attending,
}

impl Stage {
    pub const ALL: [Stage; 11] = [
        Stage::M1,
        Stage::M2,
        Stage::M3,
        Stage::M4,
        Stage::ResearchYear,
        Stage::Pgy1,
        Stage::Pgy2,
        Stage::Pgy3,
        Stage::Pgy4,
        Stage::Fellow,
        Stage::Attending,
    ];

    /// The stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Stage::M1 => "m1",
            Stage::M2 => "m2",
            Stage::M3 => "m3",
            Stage::M4 => "m4",
            Stage::ResearchYear => "research_year",
            Stage::Pgy1 => "pgy1",
            Stage::Pgy2 => "pgy2",
            Stage::Pgy3 => "pgy3",
            Stage::Pgy4 => "pgy4",
            Stage::Fellow => "fellow",
            Stage::Attending => "attending",
        }
    }

    pub fn from_code(code: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|s| s.code() == code)
    }

    /// How the stage reads to a member.
    pub fn label(self) -> &'static str {
        match self {
            Stage::M1 => "M1 (first-year medical student)",
            Stage::M2 => "M2 (second-year medical student)",
            Stage::M3 => "M3 (third-year medical student)",
            Stage::M4 => "M4 (fourth-year medical student)",
            Stage::ResearchYear => "Research or gap year",
            Stage::Pgy1 => "PGY-1 resident",
            Stage::Pgy2 => "PGY-2 resident",
            Stage::Pgy3 => "PGY-3 resident",
            Stage::Pgy4 => "PGY-4 resident",
            Stage::Fellow => "Fellow",
            Stage::Attending => "Attending",
        }
    }
}

/// How and when the member wants private nudges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DmPreferences {
    /// Off means nudges wait in `/followup list` instead of arriving by DM.
    pub enabled: bool,
    /// Local hour (0–23) at which nudges arrive.
    pub hour: u8,
}

impl Default for DmPreferences {
    fn default() -> Self {
        Self {
            enabled: true,
            hour: 9,
        }
    }
}

/// One member's own settings. A member who never set anything has the defaults.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub user_id: UserId,
    pub timezone: Option<TimeZone>,
    pub stage: Option<Stage>,
    pub dms: DmPreferences,
}

impl Member {
    pub fn new(user_id: UserId) -> Self {
        Self {
            user_id,
            timezone: None,
            stage: None,
            dms: DmPreferences::default(),
        }
    }

    /// The member's zone, or the deployment's default when they have not chosen one.
    pub fn timezone_or(&self, default: TimeZone) -> TimeZone {
        self.timezone.unwrap_or(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_zone_parses_any_case() {
        assert_eq!(
            TimeZone::parse("Europe/Berlin").unwrap().name(),
            "Europe/Berlin"
        );
        assert_eq!(
            TimeZone::parse(" europe/berlin ").unwrap().name(),
            "Europe/Berlin"
        );
    }

    #[test]
    fn unknown_time_zone_names_an_example() {
        let err = TimeZone::parse("Mars/Olympus").unwrap_err();
        assert_eq!(err, TimeZoneError::Unknown("Mars/Olympus".into()));
        assert!(err.to_string().contains("Europe/Berlin"));
        assert_eq!(TimeZone::parse("  ").unwrap_err(), TimeZoneError::Empty);
    }

    #[test]
    fn suggestions_match_substrings_and_rank_prefixes_first() {
        let hits = TimeZone::suggest("berl");
        assert_eq!(hits.first(), Some(&"Europe/Berlin"));
        let hits = TimeZone::suggest("america/");
        assert_eq!(hits.len(), TimeZone::MAX_SUGGESTIONS);
        assert!(hits.iter().all(|h| h.starts_with("America/")));
        let hits = TimeZone::suggest("new york");
        assert_eq!(hits, vec!["America/New_York"]);
        assert!(TimeZone::suggest("zzzz-none").is_empty());
        assert_eq!(TimeZone::suggest("").len(), TimeZone::MAX_SUGGESTIONS);
    }

    #[test]
    fn stage_codes_round_trip() {
        for stage in Stage::ALL {
            assert_eq!(Stage::from_code(stage.code()), Some(stage));
        }
        assert_eq!(Stage::from_code("m5"), None);
    }

    #[test]
    fn member_falls_back_to_default_zone() {
        let berlin = TimeZone::parse("Europe/Berlin").unwrap();
        let chicago = TimeZone::parse("America/Chicago").unwrap();
        let mut m = Member::new(UserId(1));
        assert_eq!(m.timezone_or(berlin), berlin);
        m.timezone = Some(chicago);
        assert_eq!(m.timezone_or(berlin), chicago);
    }
}
