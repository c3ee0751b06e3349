//! Property tests: whatever a member types or a client sends, the parsers answer (a value or
//! a sentence) and never panic. 2,000 cases each in the normal test run;
//! `PROPTEST_CASES=100000 cargo test --lib -- props router` runs a long one.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::contact::{Email, Phone, Tags};
use super::export::{guard_cell, unguard_cell};
use super::import::{decode, read_sheet};
use super::quick_add;
use super::story::{analyse, StoryText};
use super::text::{cut, split_pages, utf16_len};
use super::when::{parse_date, Direction};

/// The cases per property: 2,000, or `PROPTEST_CASES`.
pub fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    ProptestConfig::with_cases(cases)
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 29).expect("a date")
}

/// What members type into a date: numbers of every size with every unit, month names,
/// day/month orders, and noise.
fn date_text() -> impl Strategy<Value = String> {
    let unit = prop_oneof![
        Just("day"),
        Just("days"),
        Just("week"),
        Just("weeks"),
        Just("month"),
        Just("months"),
        Just("year"),
        Just("years")
    ];
    prop_oneof![
        (any::<i64>(), unit.clone()).prop_map(|(n, u)| format!("in {n} {u}")),
        (any::<i64>(), unit).prop_map(|(n, u)| format!("{n} {u} ago")),
        (any::<u32>(), any::<u32>(), any::<i32>()).prop_map(|(d, m, y)| format!("{y}-{m}-{d}")),
        (any::<u32>(), any::<u32>()).prop_map(|(a, b)| format!("{a}/{b}")),
        (
            prop_oneof![Just("jan"), Just("feb"), Just("Nov"), Just("december")],
            any::<u32>(),
            any::<i32>()
        )
            .prop_map(|(m, d, y)| format!("{m} {d} {y}")),
        prop_oneof![Just("next"), Just("last"), Just("this")]
            .prop_flat_map(|w| ".{0,12}".prop_map(move |rest| format!("{w} {rest}"))),
        ".{0,60}",
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn dates_never_panic_and_stay_on_their_side(text in date_text()) {
        for direction in [Direction::Past, Direction::Future, Direction::Any] {
            if let Ok(date) = parse_date(&text, today(), direction) {
                match direction {
                    Direction::Past => prop_assert!(date <= today()),
                    Direction::Future => prop_assert!(date >= today()),
                    Direction::Any => {}
                }
                prop_assert!((date - today()).num_days().abs() <= 3653);
            }
        }
    }

    #[test]
    fn quick_add_never_panics_and_keeps_its_limits(
        line in prop_oneof![
            ".{0,300}",
            "[A-Za-z .]{1,40}( <[a-z.]{1,20}@[a-z]{1,10}\\.[a-z]{2,3}>)?(, (PD|resident|attending) at [A-Za-z ]{1,30})?(, met at [A-Za-z0-9 ]{1,30})?( #[a-z]{1,10}){0,12}",
        ]
    ) {
        if let Ok(q) = quick_add::parse(&line) {
            prop_assert!(!q.name.as_str().is_empty());
            prop_assert!(q.name.as_str().chars().count() <= 100);
            prop_assert!(q.tags.as_slice().len() <= 10);
        }
    }

    #[test]
    fn contact_fields_never_panic(text in ".{0,300}") {
        let _ = Email::parse(&text);
        let _ = Phone::parse(&text);
        let _ = Tags::parse(&text);
    }

    #[test]
    fn the_story_analyser_never_panics_and_adds_up(
        who in ".{0,300}",
        why in "([a-z]{1,12} ){0,60}",
        interest in ".{0,300}",
        hope in "([A-Za-z,.!?]{1,10} ){0,80}",
    ) {
        if let Ok(story) = StoryText::parse(&who, &why, &interest, &hope, None) {
            let a = analyse(&story);
            let part_words: u32 = a.parts.iter().map(|p| p.words).sum();
            prop_assert_eq!(part_words, a.words);
            prop_assert!(a.seconds_at_150 <= a.seconds_at_130);
            let percent: u32 = a.parts.iter().map(|p| p.percent).sum();
            prop_assert!(a.words == 0 || (96..=104).contains(&percent), "{percent}");
        }
    }

    #[test]
    fn cuts_and_pages_fit_and_lose_nothing(
        text in prop_oneof![".{0,600}", "(.\\p{M}{0,40}){0,200}"],
        max in 1usize..700,
    ) {
        let shown = cut(&text, max);
        prop_assert!(utf16_len(&shown) <= max);
        let pages = split_pages(&text, max.max(2));
        for page in &pages {
            prop_assert!(utf16_len(page) <= max.max(2));
        }
        let kept: String = pages.concat().chars().filter(|c| !c.is_whitespace()).collect();
        let typed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        prop_assert_eq!(kept, typed);
    }

    #[test]
    fn a_guarded_cell_reads_back_unchanged(cell in "['=+@\\-\t\r]{0,3}.{0,20}") {
        let guarded = guard_cell(&cell);
        prop_assert_eq!(unguard_cell(&guarded), cell.as_str());
        prop_assert!(!matches!(guarded.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')));
    }

    #[test]
    fn the_importer_never_panics_and_checks_every_row(
        bytes in prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..400),
            "(name|Name|email|role|institution|where met|tags|met on|x)(,(name|email|role|phone|notes|tags|met on|mentor kind|relationship)){0,5}\n([^\n]{0,40}\n){0,12}"
                .prop_map(String::into_bytes),
        ]
    ) {
        if let Ok(text) = decode(&bytes) {
            if let Ok(sheet) = read_sheet(text, today()) {
                let mut rows: Vec<usize> = sheet.rows.iter().map(|r| r.row)
                    .chain(sheet.errors.iter().map(|e| e.row)).collect();
                rows.sort_unstable();
                rows.dedup();
                prop_assert_eq!(rows.len(), sheet.rows.len() + sheet.errors.len());
                prop_assert!(rows.iter().all(|r| *r >= 2));
            }
        }
    }
}
