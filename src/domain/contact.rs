//! A contact: one person in a member's private networking list, and what was done with them.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};

use super::UserId;

/// A contact's id. Only meaningful together with its owner: every lookup is keyed by both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContactId(pub i64);

impl fmt::Display for ContactId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Limits on every text field, in characters (also in the README).
pub mod limits {
    pub const NAME: usize = 100;
    pub const INSTITUTION: usize = 120;
    pub const MET_LABEL: usize = 120;
    pub const CALLBACK: usize = 300;
    pub const EMAIL: usize = 254;
    pub const PHONE: usize = 32;
    pub const HANDLE: usize = 100;
    pub const NOTES: usize = 1500;
    pub const TAG: usize = 30;
    pub const TAGS: usize = 10;
    /// The most tags as typed: ten of the longest, with separators.
    pub const TAGS_TEXT: usize = 320;
    pub const INTERACTION_NOTE: usize = 500;
}

/// Why a field was refused; the text is what the member reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContactError {
    #[error("The name can't be empty: type the person's name, such as Dr. Ana Lopez.")]
    EmptyName,
    #[error("{field} is too long: at most {max} characters.")]
    TooLong { field: &'static str, max: usize },
    #[error("“{0}” is not an email address. Type it like ana@example.org, or leave it out.")]
    BadEmail(String),
    #[error("“{0}” is not a phone number. Use digits, spaces, + - ( ) only.")]
    BadPhone(String),
    #[error("Tag “{0}” can hold only letters, digits, - and _ (at most 30 characters).")]
    BadTag(String),
    #[error("At most 10 tags per contact.")]
    TooManyTags,
    #[error("Mentor kind applies only to mentors: set the relationship to mentor, or leave the kind out.")]
    MentorKindWithoutMentor,
}

fn clean(text: &str) -> String {
    text.trim().to_owned()
}

/// Checks an optional free-text field: trimmed, empty → None, over `max` → error.
pub fn optional_text(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, ContactError> {
    match value.map(clean) {
        None => Ok(None),
        Some(v) if v.is_empty() => Ok(None),
        Some(v) if v.chars().count() > max => Err(ContactError::TooLong { field, max }),
        Some(v) => Ok(Some(v)),
    }
}

/// A person's name as typed (kept literally; shown escaped).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactName(String);

impl ContactName {
    pub fn parse(input: &str) -> Result<ContactName, ContactError> {
        let name = input.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.is_empty() {
            return Err(ContactError::EmptyName);
        }
        if name.chars().count() > limits::NAME {
            return Err(ContactError::TooLong {
                field: "The name",
                max: limits::NAME,
            });
        }
        Ok(ContactName(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An email address of a plausible shape: one @, a dot in the domain, no spaces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, ContactError> {
        let email = input.trim();
        if email.chars().count() > limits::EMAIL {
            return Err(ContactError::TooLong {
                field: "The email",
                max: limits::EMAIL,
            });
        }
        let bad = || ContactError::BadEmail(email.chars().take(60).collect());
        let (local, domain) = email.split_once('@').ok_or_else(bad)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[],;:\"@".contains(c));
        if domain_ok && local_ok {
            Ok(Email(email.to_owned()))
        } else {
            Err(bad())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A phone number as typed, checked for plausible characters.
pub fn parse_phone(input: &str) -> Result<String, ContactError> {
    let phone = input.trim();
    if phone.chars().count() > limits::PHONE {
        return Err(ContactError::TooLong {
            field: "The phone number",
            max: limits::PHONE,
        });
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if digits < 3
        || !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Err(ContactError::BadPhone(phone.chars().take(40).collect()));
    }
    Ok(phone.to_owned())
}

/// Tags from "ultrasound, sim  #peds": lowercase, without #, unique, in typed order.
pub fn parse_tags(input: &str) -> Result<Vec<String>, ContactError> {
    let mut tags: Vec<String> = Vec::new();
    for raw in input
        .split([',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let tag = raw.trim_start_matches('#').to_lowercase();
        if tag.is_empty()
            || tag.chars().count() > limits::TAG
            || !tag
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return Err(ContactError::BadTag(raw.chars().take(40).collect()));
        }
        if !tags.contains(&tag) {
            tags.push(tag);
        }
    }
    if tags.len() > limits::TAGS {
        return Err(ContactError::TooManyTags);
    }
    Ok(tags)
}

coded_enum!(
    /// What the person is.
    ContactRole {
        Attending => ("attending", "Attending"),
        Resident => ("resident", "Resident"),
        ProgramDirector => ("program_director", "Program director"),
        AssociateProgramDirector => ("apd", "Associate/assistant PD"),
        ClerkshipDirector => ("clerkship_director", "Clerkship director"),
        FacultyAdvisor => ("faculty_advisor", "Faculty advisor"),
        Nurse => ("nurse", "Nurse"),
        Peer => ("peer", "Peer / student"),
        Other => ("other", "Other"),
    }
);

coded_enum!(
    /// Which relationship the member has with them.
    Relationship {
        Mentor => ("mentor", "Mentor"),
        Sponsor => ("sponsor", "Sponsor"),
        Peer => ("peer", "Peer"),
        Other => ("other", "Other"),
    }
);

coded_enum!(
    /// The four kinds of mentor a healthy network has.
    MentorKind {
        Career => ("career", "Career"),
        Content => ("content", "Content (a niche)"),
        Application => ("application", "Application (match, SLOEs)"),
        Wellness => ("wellness", "Wellness / life"),
    }
);

coded_enum!(
    /// How the member met the person; follow-up rhythm, conferences and fairs key on it.
    MetKind {
        Conference => ("conference", "Conference"),
        ResidencyFair => ("residency_fair", "Residency fair"),
        HomeRotation => ("home_rotation", "Home rotation"),
        AwayRotation => ("away_rotation", "Away rotation"),
        InterestGroup => ("interest_group", "Interest-group event"),
        Interview => ("interview", "Interview"),
        Shadowing => ("shadowing", "Shadowing"),
        Research => ("research", "Research / QI project"),
        Other => ("other", "Other"),
    }
);

impl MetKind {
    pub fn is_rotation(self) -> bool {
        matches!(self, MetKind::HomeRotation | MetKind::AwayRotation)
    }
}

coded_enum!(
    /// What kind of contact with the person was logged.
    InteractionKind {
        Met => ("met", "Met"),
        Update => ("update", "Update (news, milestone)"),
        Thanks => ("thanks", "Thanks"),
        Meeting => ("meeting", "Meeting"),
        OfferedHelp => ("offered_help", "Offered help"),
        Ask => ("ask", "Ask (letter, favour, introduction)"),
        Other => ("other", "Other"),
    }
);

/// How and where the member met the person.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HowMet {
    pub kind: Option<MetKind>,
    /// "SAEM 2026 residency fair", "away rotation at Hospital X".
    pub label: Option<String>,
    /// For rotations: the day it ends (the "stay in touch" ask is due then).
    pub rotation_ends_on: Option<NaiveDate>,
    /// A chapter conference this meeting belongs to (linked by the conferences feature).
    pub conference_id: Option<i64>,
}

/// One person in a member's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: ContactId,
    pub owner: UserId,
    pub name: String,
    pub role: Option<ContactRole>,
    pub institution: Option<String>,
    pub met: HowMet,
    pub met_on: NaiveDate,
    pub relationship: Option<Relationship>,
    pub mentor_kind: Option<MentorKind>,
    /// One specific thing talked about, to call back to in the follow-up.
    pub callback: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub handle: Option<String>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When the member last touched or picked this contact; autocomplete ranks by it.
    pub last_used_at: DateTime<Utc>,
}

/// Everything a new contact can start with; only the name is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub name: ContactName,
    pub role: Option<ContactRole>,
    pub institution: Option<String>,
    pub met: HowMet,
    pub met_on: NaiveDate,
    pub relationship: Option<Relationship>,
    pub mentor_kind: Option<MentorKind>,
    pub callback: Option<String>,
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub handle: Option<String>,
    pub tags: Vec<String>,
    pub notes: Option<String>,
}

impl NewContact {
    pub fn named(name: ContactName, met_on: NaiveDate) -> NewContact {
        NewContact {
            name,
            role: None,
            institution: None,
            met: HowMet::default(),
            met_on,
            relationship: None,
            mentor_kind: None,
            callback: None,
            email: None,
            phone: None,
            handle: None,
            tags: Vec::new(),
            notes: None,
        }
    }

    /// A mentor kind needs a mentor.
    pub fn check(&self) -> Result<(), ContactError> {
        check_mentor_kind(self.relationship, self.mentor_kind)
    }
}

pub fn check_mentor_kind(
    relationship: Option<Relationship>,
    kind: Option<MentorKind>,
) -> Result<(), ContactError> {
    if kind.is_some() && relationship != Some(Relationship::Mentor) {
        return Err(ContactError::MentorKindWithoutMentor);
    }
    Ok(())
}

/// The fields an edit changes; `None` leaves a field as it is, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactPatch {
    pub name: Option<ContactName>,
    pub role: Option<Option<ContactRole>>,
    pub institution: Option<Option<String>>,
    pub met_kind: Option<Option<MetKind>>,
    pub met_label: Option<Option<String>>,
    pub rotation_ends_on: Option<Option<NaiveDate>>,
    pub met_on: Option<NaiveDate>,
    pub relationship: Option<Option<Relationship>>,
    pub mentor_kind: Option<Option<MentorKind>>,
    pub callback: Option<Option<String>>,
    pub email: Option<Option<Email>>,
    pub phone: Option<Option<String>>,
    pub handle: Option<Option<String>>,
    pub tags: Option<Vec<String>>,
    pub notes: Option<Option<String>>,
}

impl ContactPatch {
    pub fn is_empty(&self) -> bool {
        *self == ContactPatch::default()
    }

    /// The contact as it would be after the edit (for checks before writing).
    pub fn apply(&self, mut c: Contact) -> Result<Contact, ContactError> {
        if let Some(v) = &self.name {
            c.name = v.as_str().to_owned();
        }
        if let Some(v) = self.role {
            c.role = v;
        }
        if let Some(v) = &self.institution {
            c.institution.clone_from(v);
        }
        if let Some(v) = self.met_kind {
            c.met.kind = v;
        }
        if let Some(v) = &self.met_label {
            c.met.label.clone_from(v);
        }
        if let Some(v) = self.rotation_ends_on {
            c.met.rotation_ends_on = v;
        }
        if let Some(v) = self.met_on {
            c.met_on = v;
        }
        if let Some(v) = self.relationship {
            c.relationship = v;
            // A contact who stops being a mentor loses the mentor kind.
            if v != Some(Relationship::Mentor) && self.mentor_kind.is_none() {
                c.mentor_kind = None;
            }
        }
        if let Some(v) = self.mentor_kind {
            c.mentor_kind = v;
        }
        if let Some(v) = &self.callback {
            c.callback.clone_from(v);
        }
        if let Some(v) = &self.email {
            c.email = v.as_ref().map(|e| e.as_str().to_owned());
        }
        if let Some(v) = &self.phone {
            c.phone.clone_from(v);
        }
        if let Some(v) = &self.handle {
            c.handle.clone_from(v);
        }
        if let Some(v) = &self.tags {
            c.tags.clone_from(v);
        }
        if let Some(v) = &self.notes {
            c.notes.clone_from(v);
        }
        check_mentor_kind(c.relationship, c.mentor_kind)?;
        Ok(c)
    }
}

/// One logged interaction with a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interaction {
    pub id: i64,
    pub contact_id: ContactId,
    pub kind: InteractionKind,
    pub note: Option<String>,
    pub happened_on: NaiveDate,
}

/// How `/contact list` orders contacts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContactSort {
    #[default]
    Name,
    /// Most recently used first.
    Recent,
    /// Most recently met first.
    Met,
    /// The soonest pending follow-up first; contacts without one last.
    NextFollowUp,
}

/// Which contacts `/contact list` shows.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ContactFilter {
    pub tag: Option<String>,
    pub relationship: Option<Relationship>,
    pub met_kind: Option<MetKind>,
}

/// Contacts on one page of `/contact list`.
pub const PAGE_SIZE: u32 = 10;

/// The lowercased text that autocomplete and `/contact find` match against.
pub fn fold(text: &str) -> String {
    text.to_lowercase()
}

/// ",ultrasound,sim,": tags as stored, so one tag can be matched with a delimiter on each side.
pub fn tags_to_stored(tags: &[String]) -> String {
    if tags.is_empty() {
        String::new()
    } else {
        format!(",{},", tags.join(","))
    }
}

pub fn tags_from_stored(stored: &str) -> Vec<String> {
    stored
        .split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The notes with `text` appended as a dated line, within the notes limit.
pub fn append_note(
    existing: Option<&str>,
    on: NaiveDate,
    text: &str,
) -> Result<String, ContactError> {
    let line = format!("{on}: {}", text.trim());
    let notes = match existing.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n) => format!("{n}\n{line}"),
        None => line,
    };
    if notes.chars().count() > limits::NOTES {
        return Err(ContactError::TooLong {
            field: "The notes (with this one added)",
            max: limits::NOTES,
        });
    }
    Ok(notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            ContactName::parse("  Dr.   Ana  Lopez ").unwrap().as_str(),
            "Dr. Ana Lopez"
        );
        assert_eq!(ContactName::parse("   "), Err(ContactError::EmptyName));
        assert!(matches!(
            ContactName::parse(&"x".repeat(101)),
            Err(ContactError::TooLong { .. })
        ));
        // Markup is kept as typed; rendering escapes it.
        assert_eq!(
            ContactName::parse("@everyone **x**").unwrap().as_str(),
            "@everyone **x**"
        );
    }

    #[test]
    fn email_shape_is_checked() {
        assert!(Email::parse("ana@example.org").is_ok());
        assert!(Email::parse("a.b+em@med.uni-x.edu").is_ok());
        for bad in [
            "ana",
            "ana@",
            "@x.org",
            "ana@x",
            "ana @x.org",
            "ana@x..org",
            "a<b>@x.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn phones_and_tags() {
        assert_eq!(
            parse_phone(" +1 (555) 010-2000 ").unwrap(),
            "+1 (555) 010-2000"
        );
        assert!(parse_phone("call me").is_err());
        assert_eq!(
            parse_tags("Ultrasound, #sim  peds, sim").unwrap(),
            vec!["ultrasound", "sim", "peds"]
        );
        assert!(matches!(
            parse_tags("no/slash"),
            Err(ContactError::BadTag(_))
        ));
        assert_eq!(
            parse_tags(
                &(0..11)
                    .map(|i| format!("t{i}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Err(ContactError::TooManyTags)
        );
        assert_eq!(parse_tags("").unwrap(), Vec::<String>::new());
    }

    #[test]
    fn optional_text_drops_blanks_and_refuses_long() {
        assert_eq!(optional_text("Notes", Some("  "), 5), Ok(None));
        assert_eq!(
            optional_text("Notes", Some(" hi "), 5),
            Ok(Some("hi".into()))
        );
        assert_eq!(
            optional_text("Notes", Some("toolong"), 5),
            Err(ContactError::TooLong {
                field: "Notes",
                max: 5
            })
        );
    }

    #[test]
    fn codes_round_trip() {
        for r in ContactRole::ALL {
            assert_eq!(ContactRole::from_code(r.code()), Some(*r));
        }
        for k in MetKind::ALL {
            assert_eq!(MetKind::from_code(k.code()), Some(*k));
        }
        for k in InteractionKind::ALL {
            assert_eq!(InteractionKind::from_code(k.code()), Some(*k));
        }
        assert_eq!(Relationship::from_code("enemy"), None);
    }

    #[test]
    fn tags_round_trip_through_storage() {
        let tags = vec!["ultrasound".to_owned(), "sim".to_owned()];
        assert_eq!(tags_to_stored(&tags), ",ultrasound,sim,");
        assert_eq!(tags_from_stored(",ultrasound,sim,"), tags);
        assert_eq!(tags_to_stored(&[]), "");
        assert!(tags_from_stored("").is_empty());
    }

    #[test]
    fn notes_are_appended_as_dated_lines_within_the_limit() {
        let on = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(append_note(None, on, " hi ").unwrap(), "2026-11-25: hi");
        assert_eq!(
            append_note(Some("old"), on, "new").unwrap(),
            "old\n2026-11-25: new"
        );
        assert!(append_note(Some(&"x".repeat(1490)), on, "more text").is_err());
    }

    #[test]
    fn mentor_kind_needs_a_mentor() {
        assert_eq!(
            check_mentor_kind(Some(Relationship::Peer), Some(MentorKind::Career)),
            Err(ContactError::MentorKindWithoutMentor)
        );
        assert_eq!(
            check_mentor_kind(Some(Relationship::Mentor), Some(MentorKind::Career)),
            Ok(())
        );
        assert_eq!(check_mentor_kind(None, None), Ok(()));
    }
}
