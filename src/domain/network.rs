//! The relationship map: which kinds of people a member's network has, which are missing, who
//! has gone quiet, whether contact is mostly asking, and the next steps for their stage.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::contact::{ContactId, ContactRole, InteractionKind, MentorKind, Relationship};
use super::Stage;

/// What the map needs to know of one contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactSummary {
    pub id: ContactId,
    pub name: String,
    pub role: Option<ContactRole>,
    pub relationship: Option<Relationship>,
    pub mentor_kind: Option<MentorKind>,
    /// The later of when met and the last logged interaction.
    pub last_contact: NaiveDate,
    /// How many of each interaction kind were logged with this contact.
    pub interactions: HashMap<InteractionKind, u32>,
}

/// A contact not heard from for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuietContact {
    pub id: ContactId,
    pub name: String,
    pub days: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkMap {
    pub total: usize,
    /// Count per relationship, in `Relationship::ALL` order, then contacts with none set.
    pub by_relationship: Vec<(Relationship, usize)>,
    pub unset_relationship: usize,
    pub mentor_kinds: Vec<(MentorKind, usize)>,
    pub missing_mentor_kinds: Vec<MentorKind>,
    pub has_sponsor: bool,
    /// Peers plus residents: part of the network, not only attendings and PDs.
    pub peers_and_residents: usize,
    /// Longest quiet first, at most [`QUIET_SHOWN`].
    pub quiet: Vec<QuietContact>,
    pub transactional: Option<Transactional>,
    pub next_steps: &'static [&'static str],
}

/// Logged contact that is mostly asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transactional {
    pub asks: u32,
    /// Updates, thanks and offers of help.
    pub gives: u32,
    /// Contacts whose only logged interactions (besides meeting) are asks.
    pub ask_only: Vec<String>,
}

pub const QUIET_SHOWN: usize = 5;

/// Contacts quiet for fewer days than this are not "gone quiet".
pub const QUIET_AFTER_DAYS: i64 = 90;

fn gives(counts: &HashMap<InteractionKind, u32>) -> u32 {
    [
        InteractionKind::Update,
        InteractionKind::Thanks,
        InteractionKind::OfferedHelp,
    ]
    .iter()
    .map(|k| counts.get(k).copied().unwrap_or(0))
    .sum()
}

/// Two or more asks, and fewer than one update, thanks or offer for every two asks: the
/// "purely transactional" pattern the guide warns about.
pub fn transactional(contacts: &[ContactSummary]) -> Option<Transactional> {
    let asks: u32 = contacts
        .iter()
        .map(|c| {
            c.interactions
                .get(&InteractionKind::Ask)
                .copied()
                .unwrap_or(0)
        })
        .sum();
    let given: u32 = contacts.iter().map(|c| gives(&c.interactions)).sum();
    if asks < 2 || given * 2 >= asks {
        return None;
    }
    let ask_only = contacts
        .iter()
        .filter(|c| {
            c.interactions
                .get(&InteractionKind::Ask)
                .copied()
                .unwrap_or(0)
                > 0
                && c.interactions.iter().all(|(k, n)| {
                    *n == 0 || matches!(k, InteractionKind::Ask | InteractionKind::Met)
                })
        })
        .map(|c| c.name.clone())
        .take(5)
        .collect();
    Some(Transactional {
        asks,
        gives: given,
        ask_only,
    })
}

/// The guide's next networking steps for a stage.
/// How a missing kind of mentor reads in a sentence, with its article and capitals right.
pub fn mentor_wanted(kind: MentorKind) -> &'static str {
    match kind {
        MentorKind::Career => "a career mentor (big choices)",
        MentorKind::Content => "a content mentor (a niche such as ultrasound or simulation)",
        MentorKind::Application => "an application mentor (the match, SLOEs, programs)",
        MentorKind::Wellness => "a wellness or life mentor",
    }
}

pub fn next_steps(stage: Option<Stage>) -> &'static [&'static str] {
    match stage {
        None => &["Set your training stage with `/me stage` to see the steps that fit where you are."],
        Some(Stage::M1 | Stage::M2) => &[
            "Go to interest-group events and log the residents and faculty you meet.",
            "Find a faculty advisor (a career mentor) and meet them once a term.",
            "Shadow in the ED, and ask about an early research or QI project.",
        ],
        Some(Stage::M3) => &[
            "Make your home EM rotation strong and connect with EM faculty there.",
            "At the end of each rotation, ask for feedback and permission to stay in touch.",
            "Find an application mentor who knows the match and SLOEs.",
        ],
        Some(Stage::M4) => &[
            "On away rotations, log every attending, resident and PD you work with.",
            "Ask for SLOEs at the right time, with a short reminder of your work together.",
            "Follow up within 3–5 days of each conference or residency fair meeting.",
            "After interviews, thank the people whose advice helped; after the Match, tell every mentor and sponsor where you matched.",
        ],
        Some(Stage::ResearchYear) => &[
            "Send your mentors a light-touch update on your project every few months.",
            "Present at a conference and follow up with the people you meet within 3–5 days.",
            "Ask a sponsor to introduce you to one person in the field you want to enter.",
        ],
        Some(Stage::Pgy1 | Stage::Pgy2 | Stage::Pgy3 | Stage::Pgy4) => &[
            "Join a departmental project and a national interest section.",
            "Network early for fellowships and first jobs: a sponsor opens those doors.",
            "Send long-term mentors a yearly update on your milestones.",
        ],
        Some(Stage::Fellow) => &[
            "Tell your sponsors what first job you want, so they can open doors.",
            "Send long-term mentors a yearly update on your milestones.",
        ],
        Some(Stage::Attending) => &[
            "Mentor students and residents from your chapter.",
            "Send your own mentors a yearly update; sponsor someone this year.",
        ],
    }
}

/// Builds the map of `contacts` as of `today`.
pub fn map(contacts: &[ContactSummary], stage: Option<Stage>, today: NaiveDate) -> NetworkMap {
    let count_rel = |r: Relationship| {
        contacts
            .iter()
            .filter(|c| c.relationship == Some(r))
            .count()
    };
    let by_relationship: Vec<(Relationship, usize)> = Relationship::ALL
        .iter()
        .map(|r| (*r, count_rel(*r)))
        .collect();
    let mentor_kinds: Vec<(MentorKind, usize)> = MentorKind::ALL
        .iter()
        .map(|k| {
            let n = contacts
                .iter()
                .filter(|c| {
                    c.relationship == Some(Relationship::Mentor) && c.mentor_kind == Some(*k)
                })
                .count();
            (*k, n)
        })
        .collect();
    let missing_mentor_kinds = mentor_kinds
        .iter()
        .filter(|(_, n)| *n == 0)
        .map(|(k, _)| *k)
        .collect();
    let peers_and_residents = contacts
        .iter()
        .filter(|c| {
            c.relationship == Some(Relationship::Peer)
                || matches!(c.role, Some(ContactRole::Resident | ContactRole::Peer))
        })
        .count();
    let mut quiet: Vec<QuietContact> = contacts
        .iter()
        .map(|c| QuietContact {
            id: c.id,
            name: c.name.clone(),
            days: (today - c.last_contact).num_days(),
        })
        .filter(|q| q.days >= QUIET_AFTER_DAYS)
        .collect();
    quiet.sort_by(|a, b| b.days.cmp(&a.days).then(a.name.cmp(&b.name)));
    quiet.truncate(QUIET_SHOWN);

    NetworkMap {
        total: contacts.len(),
        by_relationship,
        unset_relationship: contacts.iter().filter(|c| c.relationship.is_none()).count(),
        mentor_kinds,
        missing_mentor_kinds,
        has_sponsor: count_rel(Relationship::Sponsor) > 0,
        peers_and_residents,
        quiet,
        transactional: transactional(contacts),
        next_steps: next_steps(stage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_mentors_read_with_the_right_article() {
        for kind in MentorKind::ALL {
            let phrase = mentor_wanted(*kind);
            let (article, rest) = phrase.split_once(' ').expect("two words at least");
            let vowel = rest.starts_with(['a', 'e', 'i', 'o', 'u']);
            assert_eq!(article, if vowel { "an" } else { "a" }, "{phrase}");
        }
        assert!(mentor_wanted(MentorKind::Application).contains("SLOEs"));
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
    }

    fn contact(
        id: i64,
        rel: Option<Relationship>,
        kind: Option<MentorKind>,
        days_ago: i64,
    ) -> ContactSummary {
        ContactSummary {
            id: ContactId(id),
            name: format!("C{id}"),
            role: None,
            relationship: rel,
            mentor_kind: kind,
            last_contact: today() - chrono::Duration::days(days_ago),
            interactions: HashMap::new(),
        }
    }

    fn with(mut c: ContactSummary, kind: InteractionKind, n: u32) -> ContactSummary {
        c.interactions.insert(kind, n);
        c
    }

    #[test]
    fn missing_mentor_kinds_and_sponsor_are_found() {
        let contacts = vec![
            contact(1, Some(Relationship::Mentor), Some(MentorKind::Career), 0),
            contact(2, Some(Relationship::Mentor), Some(MentorKind::Content), 0),
            contact(3, Some(Relationship::Peer), None, 0),
            contact(4, None, None, 0),
        ];
        let m = map(&contacts, Some(Stage::M3), today());
        assert_eq!(m.total, 4);
        assert_eq!(
            m.missing_mentor_kinds,
            vec![MentorKind::Application, MentorKind::Wellness]
        );
        assert!(!m.has_sponsor);
        assert_eq!(m.by_relationship[0], (Relationship::Mentor, 2));
        assert_eq!(m.unset_relationship, 1);
        assert_eq!(m.peers_and_residents, 1);
    }

    #[test]
    fn a_mentor_without_a_kind_fills_no_kind() {
        let m = map(
            &[contact(1, Some(Relationship::Mentor), None, 0)],
            None,
            today(),
        );
        assert_eq!(m.missing_mentor_kinds.len(), 4);
    }

    #[test]
    fn residents_count_with_peers() {
        let mut resident = contact(1, Some(Relationship::Other), None, 0);
        resident.role = Some(ContactRole::Resident);
        let m = map(
            &[resident, contact(2, Some(Relationship::Peer), None, 0)],
            None,
            today(),
        );
        assert_eq!(m.peers_and_residents, 2);
    }

    #[test]
    fn quiet_contacts_are_the_longest_silent_past_ninety_days() {
        let contacts: Vec<ContactSummary> = (0..8)
            .map(|i| contact(i, None, None, 60 + i * 20))
            .collect();
        let m = map(&contacts, None, today());
        let days: Vec<i64> = m.quiet.iter().map(|q| q.days).collect();
        assert_eq!(days, vec![200, 180, 160, 140, 120]);
        assert!(map(&[contact(1, None, None, 89)], None, today())
            .quiet
            .is_empty());
    }

    #[test]
    fn mostly_asks_is_flagged_with_the_ask_only_contacts() {
        let contacts = vec![
            with(
                with(contact(1, None, None, 0), InteractionKind::Ask, 2),
                InteractionKind::Met,
                1,
            ),
            with(contact(2, None, None, 0), InteractionKind::Ask, 1),
        ];
        let t = transactional(&contacts).expect("flagged");
        assert_eq!(t.asks, 3);
        assert_eq!(t.gives, 0);
        assert_eq!(t.ask_only, vec!["C1", "C2"]);
    }

    #[test]
    fn asks_balanced_by_updates_and_thanks_are_fine() {
        let contacts = vec![with(
            with(contact(1, None, None, 0), InteractionKind::Ask, 2),
            InteractionKind::Thanks,
            1,
        )];
        assert_eq!(transactional(&contacts), None);
        // One ask alone is not a pattern.
        assert_eq!(
            transactional(&[with(contact(1, None, None, 0), InteractionKind::Ask, 1)]),
            None
        );
        // Three asks, one update: still mostly asking.
        let contacts = vec![with(
            with(contact(1, None, None, 0), InteractionKind::Ask, 3),
            InteractionKind::Update,
            1,
        )];
        let t = transactional(&contacts).expect("flagged");
        assert!(t.ask_only.is_empty());
    }

    #[test]
    fn every_stage_has_next_steps() {
        for stage in Stage::ALL {
            assert!(!next_steps(Some(stage)).is_empty(), "{stage:?}");
        }
        assert!(next_steps(Some(Stage::M3))
            .iter()
            .any(|s| s.contains("permission to stay in touch")));
        assert!(next_steps(None)[0].contains("/me stage"));
    }
}
