//! The chapter's conferences (and a member's own follow-up days) as an iCalendar file that
//! Google, Apple and Outlook calendars import. Written with the `icalendar` crate; every event
//! has a stable UID, so importing again updates instead of duplicating, and days are all-day
//! events (calendar dates, never instants).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use icalendar::{Calendar, Component, Event, EventLike};

use super::cadence::FollowUp;
use super::conference::Conference;

/// The domain UIDs are made unique in.
const UID_DOMAIN: &str = "emig-bot";

/// One all-day event from `first` to `last` (inclusive; iCalendar's end is exclusive).
fn all_days(
    uid: String,
    summary: &str,
    first: NaiveDate,
    last: NaiveDate,
    stamp: DateTime<Utc>,
) -> Event {
    Event::new()
        .uid(&uid)
        .summary(summary)
        .starts(first)
        .ends(last + Duration::days(1))
        .timestamp(stamp)
        .done()
}

/// The file: one event per conference, and with `follow_ups` one per follow-up's ideal day.
pub fn calendar(
    chapter: &str,
    conferences: &[Conference],
    follow_ups: &[FollowUp],
    now: DateTime<Utc>,
) -> String {
    let mut cal = Calendar::new();
    cal.name(chapter);
    for c in conferences {
        let d = &c.details;
        let mut event = all_days(
            format!("conference-{}@{UID_DOMAIN}", c.id.0),
            &d.name,
            d.starts_on,
            d.ends_on,
            now,
        );
        event.location(&d.city);
        if let Some(url) = &d.url {
            event.url(url);
        }
        cal.push(event);
    }
    for f in follow_ups {
        let mut event = all_days(
            format!("follow-up-{}@{UID_DOMAIN}", f.id),
            &format!("Follow up: {}", f.contact_name),
            f.window.ideal,
            f.window.ideal,
            now,
        );
        event.description(&format!(
            "{} (by {})",
            f.kind.label(),
            f.window.latest.format("%a %-d %b %Y")
        ));
        cal.push(event);
    }
    cal.done().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::cadence::{FollowUpKind, Series, Window};
    use crate::domain::conference::{ConferenceDetails, ConferenceId, ConferenceKind};
    use crate::domain::contact::ContactId;
    use crate::domain::GuildId;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn saem() -> Conference {
        Conference {
            id: ConferenceId(7),
            guild: GuildId(1),
            details: ConferenceDetails {
                name: "SAEM, 2027; \"annual\"".into(),
                starts_on: d("2027-05-12"),
                ends_on: d("2027-05-15"),
                city: "Atlanta".into(),
                url: Some("https://www.saem.org/annual-meeting".into()),
                kind: ConferenceKind::National,
            },
            going: 3,
            plans: 4,
            event_id: None,
        }
    }

    fn follow_up() -> FollowUp {
        FollowUp {
            id: 42,
            contact_id: ContactId(5),
            contact_name: "Dr. Ana Lopez".into(),
            kind: FollowUpKind::AfterMeeting,
            series: Series::Rhythm,
            window: Window::new(d("2027-05-18"), 2),
            due_at: DateTime::from_timestamp(0, 0).expect("instant"),
            nudged: false,
        }
    }

    /// Parsed back with `ical`, a crate other than the writer.
    fn parse(text: &str) -> Vec<ical::parser::ical::component::IcalEvent> {
        let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
        let cal = parser.next().expect("a calendar").expect("valid");
        assert!(parser.next().is_none(), "one calendar");
        cal.events
    }

    fn prop(event: &ical::parser::ical::component::IcalEvent, name: &str) -> (String, String) {
        let p = event
            .properties
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("no {name}"));
        let params = p
            .params
            .as_ref()
            .map(|ps| {
                ps.iter()
                    .map(|(k, v)| format!("{k}={}", v.join(",")))
                    .collect::<Vec<_>>()
                    .join(";")
            })
            .unwrap_or_default();
        (params, p.value.clone().unwrap_or_default())
    }

    #[test]
    fn conferences_are_all_day_events_with_stable_uids_that_another_parser_reads() {
        let now = DateTime::from_timestamp(1_795_615_200, 0).expect("instant");
        let text = calendar("EMIG at State", &[saem()], &[follow_up()], now);
        assert!(text.contains("\r\n"), "lines end in CRLF");
        let events = parse(&text);
        assert_eq!(events.len(), 2);
        let conf = &events[0];
        assert_eq!(prop(conf, "UID").1, "conference-7@emig-bot");
        assert_eq!(
            prop(conf, "DTSTART"),
            ("VALUE=DATE".into(), "20270512".into())
        );
        // The end is exclusive: the day after the last day.
        assert_eq!(
            prop(conf, "DTEND"),
            ("VALUE=DATE".into(), "20270516".into())
        );
        assert_eq!(prop(conf, "SUMMARY").1, "SAEM\\, 2027\\; \"annual\"");
        assert_eq!(prop(conf, "LOCATION").1, "Atlanta");
        let f = &events[1];
        assert_eq!(prop(f, "UID").1, "follow-up-42@emig-bot");
        assert_eq!(prop(f, "DTSTART").1, "20270518");
        assert_eq!(prop(f, "SUMMARY").1, "Follow up: Dr. Ana Lopez");
        // The same data gives the same UIDs: a re-import updates.
        let again = calendar("EMIG at State", &[saem()], &[follow_up()], now);
        assert_eq!(text, again);
    }
}
