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

/// The rule of a member-typed free-text field: what the member calls it, and its limit.
pub trait TextRule {
    const WHAT: &'static str;
    const MAX: usize;
}

macro_rules! text_rules {
    ($($(#[$doc:meta])* $name:ident => ($what:literal, $max:expr)),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
        pub struct $name;

        impl TextRule for $name {
            const WHAT: &'static str = $what;
            const MAX: usize = $max;
        }
    )+};
}

text_rules!(
    Institution => ("The institution", limits::INSTITUTION),
    WhereMet => ("Where you met", limits::MET_LABEL),
    /// One specific thing talked about.
    TalkedAbout => ("What you talked about", limits::CALLBACK),
    Handle => ("The handle", limits::HANDLE),
    Notes => ("The notes", limits::NOTES),
    InteractionNote => ("The note", limits::INTERACTION_NOTE),
    /// The one concrete thing a draft asks for.
    Ask => ("The ask", limits::CALLBACK),
);

/// A member-typed free text, parsed once: trimmed, never empty, at most `R::MAX` characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Text<R>(String, std::marker::PhantomData<R>);

impl<R: TextRule> Text<R> {
    /// `None` for blank input; an error naming the field when it is too long.
    pub fn parse(input: &str) -> Result<Option<Text<R>>, ContactError> {
        let text = clean(input);
        if text.is_empty() {
            Ok(None)
        } else if text.chars().count() > R::MAX {
            Err(ContactError::TooLong {
                field: R::WHAT,
                max: R::MAX,
            })
        } else {
            Ok(Some(Text(text, std::marker::PhantomData)))
        }
    }

    /// `parse` of an optional input (an option not given is blank).
    pub fn parse_optional(input: Option<&str>) -> Result<Option<Text<R>>, ContactError> {
        input.map_or(Ok(None), Self::parse)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl<R> std::ops::Deref for Text<R> {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
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
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone(String);

impl Phone {
    pub fn parse(input: &str) -> Result<Phone, ContactError> {
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
        Ok(Phone(phone.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for Phone {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

/// A contact's tags, parsed once from "ultrasound, sim  #peds": lowercase, without #, unique,
/// in typed order, at most ten of at most 30 letters, digits, - or _.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags(Vec<String>);

impl Tags {
    pub fn parse(input: &str) -> Result<Tags, ContactError> {
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
        Ok(Tags(tags))
    }

    /// Joins `more` after these, still unique and within the limit.
    pub fn extend(&mut self, more: Tags) -> Result<(), ContactError> {
        for tag in more.0 {
            if !self.0.contains(&tag) {
                self.0.push(tag);
            }
        }
        if self.0.len() > limits::TAGS {
            return Err(ContactError::TooManyTags);
        }
        Ok(())
    }

    pub fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<String> {
        self.0
    }
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
    /// The member's away rotation (a season milestone) the meeting belongs to.
    pub rotation_id: Option<i64>,
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
    pub updated_at: DateTime<Utc>,
    /// Counts its edits: a form opened at an earlier version is out of date.
    pub version: i64,
    /// When the member last touched or picked this contact; autocomplete ranks by it.
    pub last_used_at: DateTime<Utc>,
}

/// Everything a new contact can start with; only the name is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact {
    pub name: ContactName,
    pub role: Option<ContactRole>,
    pub institution: Option<Text<Institution>>,
    pub met: HowMet,
    pub met_on: NaiveDate,
    pub relationship: Option<Relationship>,
    pub mentor_kind: Option<MentorKind>,
    pub callback: Option<Text<TalkedAbout>>,
    pub email: Option<Email>,
    pub phone: Option<Phone>,
    pub handle: Option<Text<Handle>>,
    pub tags: Tags,
    pub notes: Option<Text<Notes>>,
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
            tags: Tags::default(),
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
    pub institution: Option<Option<Text<Institution>>>,
    pub met_kind: Option<Option<MetKind>>,
    pub met_label: Option<Option<Text<WhereMet>>>,
    pub rotation_ends_on: Option<Option<NaiveDate>>,
    /// The chapter conference the meeting belongs to (checked by the action that links it).
    pub conference_id: Option<Option<i64>>,
    /// The member's away rotation the meeting belongs to (checked by the action).
    pub rotation_id: Option<Option<i64>>,
    pub met_on: Option<NaiveDate>,
    pub relationship: Option<Option<Relationship>>,
    pub mentor_kind: Option<Option<MentorKind>>,
    pub callback: Option<Option<Text<TalkedAbout>>>,
    pub email: Option<Option<Email>>,
    pub phone: Option<Option<Phone>>,
    pub handle: Option<Option<Text<Handle>>>,
    pub tags: Option<Tags>,
    pub notes: Option<Option<Text<Notes>>>,
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
            c.institution = v.as_deref().map(str::to_owned);
        }
        if let Some(v) = self.met_kind {
            c.met.kind = v;
        }
        if let Some(v) = &self.met_label {
            c.met.label = v.as_deref().map(str::to_owned);
        }
        if let Some(v) = self.rotation_ends_on {
            c.met.rotation_ends_on = v;
        }
        if let Some(v) = self.conference_id {
            c.met.conference_id = v;
        }
        if let Some(v) = self.rotation_id {
            c.met.rotation_id = v;
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
            c.callback = v.as_deref().map(str::to_owned);
        }
        if let Some(v) = &self.email {
            c.email = v.as_ref().map(|e| e.as_str().to_owned());
        }
        if let Some(v) = &self.phone {
            c.phone = v.as_deref().map(str::to_owned);
        }
        if let Some(v) = &self.handle {
            c.handle = v.as_deref().map(str::to_owned);
        }
        if let Some(v) = &self.tags {
            c.tags = v.as_slice().to_vec();
        }
        if let Some(v) = &self.notes {
            c.notes = v.as_deref().map(str::to_owned);
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
) -> Result<Text<Notes>, ContactError> {
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
    Ok(Text(notes, std::marker::PhantomData))
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
            Phone::parse(" +1 (555) 010-2000 ").unwrap().as_str(),
            "+1 (555) 010-2000"
        );
        assert!(Phone::parse("call me").is_err());
        assert_eq!(
            Tags::parse("Ultrasound, #sim  peds, sim")
                .unwrap()
                .as_slice(),
            ["ultrasound", "sim", "peds"]
        );
        assert!(matches!(
            Tags::parse("no/slash"),
            Err(ContactError::BadTag(_))
        ));
        assert_eq!(
            Tags::parse(
                &(0..11)
                    .map(|i| format!("t{i}"))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
            Err(ContactError::TooManyTags)
        );
        assert!(Tags::parse("").unwrap().as_slice().is_empty());
        let mut some = Tags::parse("a b").unwrap();
        some.extend(Tags::parse("b c").unwrap()).unwrap();
        assert_eq!(some.as_slice(), ["a", "b", "c"]);
    }

    #[test]
    fn free_text_drops_blanks_and_refuses_long_naming_the_field() {
        assert_eq!(Text::<Handle>::parse("  "), Ok(None));
        assert_eq!(
            Text::<Handle>::parse(" @ana ").unwrap().as_deref(),
            Some("@ana")
        );
        assert_eq!(
            Text::<InteractionNote>::parse(&"x".repeat(501)),
            Err(ContactError::TooLong {
                field: "The note",
                max: 500
            })
        );
        assert_eq!(Text::<Ask>::parse_optional(None), Ok(None));
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
        assert_eq!(
            append_note(None, on, " hi ").unwrap().as_str(),
            "2026-11-25: hi"
        );
        assert_eq!(
            append_note(Some("old"), on, "new").unwrap().as_str(),
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
