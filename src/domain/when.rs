//! Reading the dates members type: "2026-12-03", "Dec 3", "in 2 weeks", "last friday"…

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};

/// Whether a typed date should land before or after today; it decides the year of "Dec 3"
/// and refuses a future "when met".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Today or earlier (when met, logged interactions).
    Past,
    /// Today or later (follow-ups, meetings).
    Future,
    /// Either side (a rotation's end); "Dec 3" means this year's.
    Any,
}

/// Why a date was refused; the text is what the member reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WhenError {
    #[error("Type a date, such as 2026-12-03, Dec 3, today or 3 days ago.")]
    Empty,
    #[error("“{0}” could be day-first or month-first. Type it as 2026-12-03 or with the month's name (3 Dec).")]
    Ambiguous(String),
    #[error("I can't read “{0}” as a date. Try 2026-12-03, Dec 3, 3 December 2026, today, yesterday, 3 days ago, last friday, in 2 weeks or next monday.")]
    Unknown(String),
    #[error("{0} is not a real date. Check the day and month.")]
    NoSuchDay(String),
    #[error("That date is in the future; this one must be today or earlier.")]
    InFuture,
    #[error("That date is in the past; pick today or a later day.")]
    InPast,
    #[error("That date is too far away; pick one within ten years.")]
    TooFar,
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

fn month_number(word: &str) -> Option<u32> {
    let word = word.trim_end_matches('.');
    if word.len() < 3 {
        return None;
    }
    let word = if word == "sept" { "sep" } else { word };
    MONTHS
        .iter()
        .position(|m| m.starts_with(word))
        .and_then(|i| u32::try_from(i + 1).ok())
}

fn weekday(word: &str) -> Option<Weekday> {
    let days = [
        ("monday", Weekday::Mon),
        ("tuesday", Weekday::Tue),
        ("wednesday", Weekday::Wed),
        ("thursday", Weekday::Thu),
        ("friday", Weekday::Fri),
        ("saturday", Weekday::Sat),
        ("sunday", Weekday::Sun),
    ];
    if word.len() < 3 {
        return None;
    }
    days.iter()
        .find(|(name, _)| name.starts_with(word))
        .map(|(_, d)| *d)
}

fn day_number(word: &str) -> Option<u32> {
    let digits = word.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == ',');
    let suffix = &word[digits.len()..].trim_end_matches(',');
    if !suffix.is_empty() && !["st", "nd", "rd", "th"].contains(suffix) {
        return None;
    }
    digits.parse().ok().filter(|d| (1..=31).contains(d))
}

fn year_number(word: &str) -> Option<i32> {
    (word.len() == 4)
        .then(|| word.parse().ok())
        .flatten()
        .filter(|y| (1900..=2200).contains(y))
}

/// Parses `input` relative to `today` (in the member's zone) and checks it lies on the
/// `direction` side of today.
pub fn parse_date(
    input: &str,
    today: NaiveDate,
    direction: Direction,
) -> Result<NaiveDate, WhenError> {
    let date = read(input, today, direction)?;
    if (date - today).num_days().abs() > 3653 {
        return Err(WhenError::TooFar);
    }
    match direction {
        Direction::Past if date > today => Err(WhenError::InFuture),
        Direction::Future if date < today => Err(WhenError::InPast),
        _ => Ok(date),
    }
}

fn read(input: &str, today: NaiveDate, direction: Direction) -> Result<NaiveDate, WhenError> {
    let text = input.trim().to_lowercase();
    if text.is_empty() {
        return Err(WhenError::Empty);
    }
    let unknown = || WhenError::Unknown(shorten(input.trim()));
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();

    match words.as_slice() {
        ["today"] | ["now"] => return Ok(today),
        ["tomorrow"] => return Ok(today + Duration::days(1)),
        ["yesterday"] => return Ok(today - Duration::days(1)),
        _ => {}
    }

    // ISO 2026-12-03
    if let Some(date) = iso(&text) {
        return date.ok_or_else(|| WhenError::NoSuchDay(input.trim().to_owned()));
    }
    // 12/03, 12.03.2026, 3-12: numeric day/month orders are ambiguous.
    if text
        .chars()
        .all(|c| c.is_ascii_digit() || "/.-".contains(c))
        && text.chars().any(|c| "/.-".contains(c))
    {
        return Err(WhenError::Ambiguous(shorten(input.trim())));
    }

    // Relative: "in 3 days", "3 days", "3 days ago", "2 weeks", "in 1 month"
    let (relative, sign) = match words.as_slice() {
        ["in", rest @ ..] => (rest, 1),
        [rest @ .., "ago"] => (rest, -1),
        rest => (rest, 1),
    };
    if let [count, unit] = relative {
        let count = if *count == "a" || *count == "an" || *count == "one" {
            Some(1)
        } else {
            count.parse::<i64>().ok()
        };
        if let Some(n) = count.filter(|n| (0..=3650).contains(n)) {
            let unit = unit.trim_end_matches('s');
            let n_signed = n * sign;
            let months = |m: i64| -> Option<NaiveDate> {
                let m = u32::try_from(m.unsigned_abs()).ok()?;
                if n_signed >= 0 {
                    today.checked_add_months(Months::new(m))
                } else {
                    today.checked_sub_months(Months::new(m))
                }
            };
            let date = match unit {
                "day" => Some(today + Duration::days(n_signed)),
                "week" => Some(today + Duration::weeks(n_signed)),
                "month" => months(n),
                "year" => months(n * 12),
                _ => None,
            };
            if let Some(date) = date {
                return Ok(date);
            }
        }
    }

    // "next monday", "last friday", "monday"
    match words.as_slice() {
        ["next", day] => {
            if let Some(wd) = weekday(day) {
                return Ok(next_weekday(today, wd));
            }
        }
        ["last", day] => {
            if let Some(wd) = weekday(day) {
                return Ok(last_weekday(today, wd));
            }
        }
        [day] => {
            if let Some(wd) = weekday(day) {
                return Ok(match direction {
                    Direction::Past => last_weekday(today, wd),
                    Direction::Future | Direction::Any => next_weekday(today, wd),
                });
            }
        }
        _ => {}
    }

    // "Dec 3", "December 3 2026", "3 Dec", "3rd of December, 2026"
    let words: Vec<&str> = words.into_iter().filter(|w| *w != "of").collect();
    let (month, day, year) = match words.as_slice() {
        [m, d] if month_number(m).is_some() => (month_number(m), day_number(d), None),
        [d, m] if month_number(m).is_some() => (month_number(m), day_number(d), None),
        [m, d, y] if month_number(m).is_some() => {
            (month_number(m), day_number(d), Some(year_number(y)))
        }
        [d, m, y] if month_number(m).is_some() => {
            (month_number(m), day_number(d), Some(year_number(y)))
        }
        _ => return Err(unknown()),
    };
    let (Some(month), Some(day)) = (month, day) else {
        return Err(unknown());
    };
    match year {
        Some(Some(year)) => NaiveDate::from_ymd_opt(year, month, day)
            .ok_or_else(|| WhenError::NoSuchDay(input.trim().to_owned())),
        Some(None) => Err(unknown()),
        None => {
            // No year: the nearest such day on the right side of today.
            let this_year = NaiveDate::from_ymd_opt(today.year(), month, day);
            let candidates = match direction {
                Direction::Past => [
                    this_year,
                    NaiveDate::from_ymd_opt(today.year() - 1, month, day),
                ],
                Direction::Future => [
                    this_year,
                    NaiveDate::from_ymd_opt(today.year() + 1, month, day),
                ],
                Direction::Any => [this_year, None],
            };
            candidates
                .into_iter()
                .flatten()
                .find(|d| match direction {
                    Direction::Past => *d <= today,
                    Direction::Future => *d >= today,
                    Direction::Any => true,
                })
                .ok_or_else(|| WhenError::NoSuchDay(input.trim().to_owned()))
        }
    }
}

/// Some(Some(date)) for a valid ISO date, Some(None) for ISO shape with no such day.
fn iso(text: &str) -> Option<Option<NaiveDate>> {
    let parts: Vec<&str> = text.split('-').collect();
    if let [y, m, d] = parts.as_slice() {
        if y.len() == 4 && (1..=2).contains(&m.len()) && (1..=2).contains(&d.len()) {
            let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
            return Some(NaiveDate::from_ymd_opt(y, m, d));
        }
    }
    None
}

/// The first `wd` strictly after `today`.
fn next_weekday(today: NaiveDate, wd: Weekday) -> NaiveDate {
    let ahead =
        (7 + wd.num_days_from_monday() as i64 - today.weekday().num_days_from_monday() as i64) % 7;
    today + Duration::days(if ahead == 0 { 7 } else { ahead })
}

/// The last `wd` strictly before `today`.
fn last_weekday(today: NaiveDate, wd: Weekday) -> NaiveDate {
    let back =
        (7 + today.weekday().num_days_from_monday() as i64 - wd.num_days_from_monday() as i64) % 7;
    today - Duration::days(if back == 0 { 7 } else { back })
}

fn shorten(text: &str) -> String {
    text.chars().take(40).collect()
}

/// "Thu 3 Dec 2026 — in 9 days": how a parsed date is previewed before the member commits.
pub fn preview(date: NaiveDate, today: NaiveDate) -> String {
    let days = (date - today).num_days();
    let relative = match days {
        0 => "today".to_owned(),
        1 => "tomorrow".to_owned(),
        -1 => "yesterday".to_owned(),
        d if d > 0 => format!("in {d} days"),
        d => format!("{} days ago", -d),
    };
    format!("{} — {relative}", date.format("%a %-d %b %Y"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Wednesday 25 November 2026.
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn future(s: &str) -> Result<NaiveDate, WhenError> {
        parse_date(s, today(), Direction::Future)
    }

    fn past(s: &str) -> Result<NaiveDate, WhenError> {
        parse_date(s, today(), Direction::Past)
    }

    #[test]
    fn absolute_forms() {
        assert_eq!(future("2026-12-03"), Ok(d(2026, 12, 3)));
        assert_eq!(future("Dec 3"), Ok(d(2026, 12, 3)));
        assert_eq!(future("3 December 2026"), Ok(d(2026, 12, 3)));
        assert_eq!(future("December 3rd, 2026"), Ok(d(2026, 12, 3)));
        assert_eq!(future("3rd of Dec"), Ok(d(2026, 12, 3)));
        // No year: the next one ahead, or the last one behind.
        assert_eq!(future("Jan 5"), Ok(d(2027, 1, 5)));
        assert_eq!(past("Dec 3"), Ok(d(2025, 12, 3)));
        assert_eq!(past("Nov 25"), Ok(today()));
    }

    #[test]
    fn relative_forms() {
        assert_eq!(future("today"), Ok(today()));
        assert_eq!(future("tomorrow"), Ok(d(2026, 11, 26)));
        assert_eq!(future("in 3 days"), Ok(d(2026, 11, 28)));
        assert_eq!(future("in 2 weeks"), Ok(d(2026, 12, 9)));
        assert_eq!(future("3 months"), Ok(d(2027, 2, 25)));
        assert_eq!(future("in a year"), Ok(d(2027, 11, 25)));
        assert_eq!(past("yesterday"), Ok(d(2026, 11, 24)));
        assert_eq!(past("3 days ago"), Ok(d(2026, 11, 22)));
        assert_eq!(past("2 months ago"), Ok(d(2026, 9, 25)));
    }

    #[test]
    fn weekdays_are_strictly_after_or_before_today() {
        // Today is a Wednesday.
        assert_eq!(future("next monday"), Ok(d(2026, 11, 30)));
        assert_eq!(future("next wednesday"), Ok(d(2026, 12, 2)));
        assert_eq!(past("last friday"), Ok(d(2026, 11, 20)));
        assert_eq!(past("last wednesday"), Ok(d(2026, 11, 18)));
        assert_eq!(past("friday"), Ok(d(2026, 11, 20)));
        assert_eq!(future("fri"), Ok(d(2026, 11, 27)));
    }

    #[test]
    fn ambiguous_numeric_dates_are_refused() {
        assert_eq!(future("12/03"), Err(WhenError::Ambiguous("12/03".into())));
        assert!(matches!(future("3.12.2026"), Err(WhenError::Ambiguous(_))));
        assert!(future("12/03")
            .unwrap_err()
            .to_string()
            .contains("2026-12-03"));
    }

    #[test]
    fn nonsense_and_impossible_dates_are_refused() {
        assert_eq!(future(""), Err(WhenError::Empty));
        assert!(matches!(future("soonish"), Err(WhenError::Unknown(_))));
        assert!(matches!(future("2026-02-30"), Err(WhenError::NoSuchDay(_))));
        assert!(matches!(
            future("Feb 30 2027"),
            Err(WhenError::NoSuchDay(_))
        ));
        assert!(matches!(future("Dec 45"), Err(WhenError::Unknown(_))));
        assert!(matches!(
            future("in 5 fortnights"),
            Err(WhenError::Unknown(_))
        ));
    }

    #[test]
    fn direction_is_enforced() {
        assert_eq!(past("tomorrow"), Err(WhenError::InFuture));
        assert_eq!(future("yesterday"), Err(WhenError::InPast));
        assert_eq!(past("2030-01-01"), Err(WhenError::InFuture));
        assert_eq!(future("2099-01-01"), Err(WhenError::TooFar));
    }

    #[test]
    fn any_direction_takes_this_years_date() {
        assert_eq!(
            parse_date("Nov 2", today(), Direction::Any),
            Ok(d(2026, 11, 2))
        );
        assert_eq!(
            parse_date("Dec 20", today(), Direction::Any),
            Ok(d(2026, 12, 20))
        );
    }

    #[test]
    fn preview_reads_naturally() {
        assert_eq!(
            preview(d(2026, 12, 3), today()),
            "Thu 3 Dec 2026 — in 8 days"
        );
        assert_eq!(preview(today(), today()), "Wed 25 Nov 2026 — today");
        assert_eq!(
            preview(d(2026, 11, 22), today()),
            "Sun 22 Nov 2026 — 3 days ago"
        );
    }
}
