//! Reading a one-line quick add: "Dr. Ana Lopez <ana@example.org>, PD at Hospital Y, met at SAEM".

use super::contact::{
    ContactError, ContactName, ContactRole, Email, Institution, MetKind, Tags, Text, WhereMet,
};

/// What a quick-add line said; anything it did not say stays `None`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickContact {
    pub name: ContactName,
    pub email: Option<Email>,
    pub role: Option<ContactRole>,
    pub institution: Option<Text<Institution>>,
    pub met_kind: Option<MetKind>,
    pub met_label: Option<Text<WhereMet>>,
    pub tags: Tags,
}

impl QuickContact {
    /// The useful fields the line did not give, in the words the member sees.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if self.role.is_none() {
            missing.push("role");
        }
        if self.institution.is_none() {
            missing.push("institution");
        }
        if self.met_kind.is_none() && self.met_label.is_none() {
            missing.push("how you met");
        }
        missing
    }
}

/// Role words, longest first so "associate program director" wins over "program director".
const ROLE_WORDS: &[(&str, ContactRole)] = &[
    (
        "associate program director",
        ContactRole::AssociateProgramDirector,
    ),
    (
        "assistant program director",
        ContactRole::AssociateProgramDirector,
    ),
    ("clerkship director", ContactRole::ClerkshipDirector),
    ("program director", ContactRole::ProgramDirector),
    ("faculty advisor", ContactRole::FacultyAdvisor),
    ("advisor", ContactRole::FacultyAdvisor),
    ("attending", ContactRole::Attending),
    ("resident", ContactRole::Resident),
    ("intern", ContactRole::Resident),
    ("chief", ContactRole::Resident),
    ("nurse", ContactRole::Nurse),
    ("student", ContactRole::Peer),
    ("classmate", ContactRole::Peer),
    ("peer", ContactRole::Peer),
    ("apd", ContactRole::AssociateProgramDirector),
    ("pd", ContactRole::ProgramDirector),
    ("pgy", ContactRole::Resident),
    ("faculty", ContactRole::Attending),
];

fn role_in(segment: &str) -> Option<(ContactRole, usize)> {
    let lower = segment.to_lowercase();
    ROLE_WORDS.iter().find_map(|(word, role)| {
        lower
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .filter(|_| !word.contains(' '))
            .and_then(|first| {
                let first = first.trim_end_matches(|c: char| c.is_ascii_digit());
                (first == *word).then_some((*role, word.len()))
            })
            .or_else(|| {
                (word.contains(' ') && lower.starts_with(word)).then_some((*role, word.len()))
            })
    })
}

/// Guesses the kind of meeting from its label ("SAEM residency fair" → residency fair).
pub fn met_kind_from_label(label: &str) -> Option<MetKind> {
    let l = label.to_lowercase();
    let has = |w: &str| l.split(|c: char| !c.is_alphanumeric()).any(|t| t == w);
    if l.contains("fair") {
        Some(MetKind::ResidencyFair)
    } else if l.contains("rotation") || has("sub") || l.contains("sub-i") {
        Some(if l.contains("away") {
            MetKind::AwayRotation
        } else {
            MetKind::HomeRotation
        })
    } else if l.contains("interview") {
        Some(MetKind::Interview)
    } else if l.contains("shadow") {
        Some(MetKind::Shadowing)
    } else if has("emig") || l.contains("interest group") {
        Some(MetKind::InterestGroup)
    } else if has("research") || has("qi") || l.contains("project") {
        Some(MetKind::Research)
    } else if [
        "saem",
        "acep",
        "aaem",
        "cord",
        "emra",
        "conference",
        "assembly",
        "meeting",
        "congress",
        "symposium",
    ]
    .iter()
    .any(|w| has(w))
    {
        Some(MetKind::Conference)
    } else {
        None
    }
}

/// Reads a quick-add line. Only a name is required; the rest is picked up where it is clear.
pub fn parse(line: &str) -> Result<QuickContact, ContactError> {
    let mut email = None;
    let mut rest = String::new();
    // An email in <…> or as a bare word with @.
    let mut text = line.trim().to_owned();
    if let (Some(open), Some(close)) = (text.find('<'), text.find('>')) {
        if open < close && text[open + 1..close].contains('@') {
            email = Some(Email::parse(&text[open + 1..close])?);
            text.replace_range(open..=close, "");
        }
    }
    let mut tags = Tags::default();
    for word in text.split_whitespace() {
        let bare = word.trim_matches(|c: char| c == ',' || c == ';');
        if email.is_none() && bare.contains('@') && !bare.starts_with('@') {
            email = Some(Email::parse(bare)?);
            rest.push_str(if word.ends_with(',') { ", " } else { " " });
        } else if let Some(tag) = bare.strip_prefix('#') {
            tags.extend(Tags::parse(tag)?)?;
            rest.push_str(if word.ends_with(',') { ", " } else { " " });
        } else {
            rest.push_str(word);
            rest.push(' ');
        }
    }

    let mut segments = rest
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let name = ContactName::parse(segments.next().unwrap_or(""))?;
    let mut quick = QuickContact {
        name,
        email,
        role: None,
        institution: None,
        met_kind: None,
        met_label: None,
        tags,
    };
    for segment in segments {
        let lower = segment.to_lowercase();
        if let Some(label) = ["met at ", "met during ", "met on ", "met in ", "from "]
            .iter()
            .find_map(|p| lower.starts_with(p).then(|| segment[p.len()..].trim()))
        {
            quick.met_kind = met_kind_from_label(label);
            quick.met_label = Text::parse(label)?;
        } else if let Some((role, len)) = role_in(segment).filter(|_| quick.role.is_none()) {
            quick.role = Some(role);
            // "PD at Hospital Y", "resident, Hospital Y", "PGY-2 at Hospital Y"
            let after = segment[len..]
                .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-')
                .trim();
            let place = after
                .strip_prefix("at ")
                .or_else(|| after.strip_prefix("@ "))
                .or_else(|| after.strip_prefix("of "))
                .or_else(|| after.strip_prefix("in "))
                .unwrap_or("");
            if !place.is_empty() {
                quick.institution = Text::parse(place)?;
            }
        } else if quick.met_label.is_none() && met_kind_from_label(segment).is_some() {
            quick.met_kind = met_kind_from_label(segment);
            quick.met_label = Text::parse(segment)?;
        } else if quick.institution.is_none() {
            let place = segment.strip_prefix("at ").unwrap_or(segment);
            quick.institution = Text::parse(place)?;
        }
    }
    Ok(quick)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_example_line_is_read_whole() {
        let q = parse("Dr. Ana Lopez <ana@example.org>, PD at Hospital Y, met at SAEM").unwrap();
        assert_eq!(q.name.as_str(), "Dr. Ana Lopez");
        assert_eq!(q.email.as_ref().map(Email::as_str), Some("ana@example.org"));
        assert_eq!(q.role, Some(ContactRole::ProgramDirector));
        assert_eq!(q.institution.as_deref(), Some("Hospital Y"));
        assert_eq!(q.met_kind, Some(MetKind::Conference));
        assert_eq!(q.met_label.as_deref(), Some("SAEM"));
        assert!(q.missing().is_empty());
    }

    #[test]
    fn partial_lines_report_what_is_missing() {
        let q = parse("Sam Park, PGY-2 resident").unwrap();
        assert_eq!(q.role, Some(ContactRole::Resident));
        assert_eq!(q.missing(), vec!["institution", "how you met"]);
        let q = parse("Jo Smith").unwrap();
        assert_eq!(q.missing(), vec!["role", "institution", "how you met"]);
    }

    #[test]
    fn bare_email_tags_and_fair_are_recognised() {
        let q = parse("Lee Chan lee@uni.edu, APD at Mercy, SAEM 2026 residency fair #ultrasound")
            .unwrap();
        assert_eq!(q.name.as_str(), "Lee Chan");
        assert_eq!(q.email.as_ref().map(Email::as_str), Some("lee@uni.edu"));
        assert_eq!(q.role, Some(ContactRole::AssociateProgramDirector));
        assert_eq!(q.institution.as_deref(), Some("Mercy"));
        assert_eq!(q.met_kind, Some(MetKind::ResidencyFair));
        assert_eq!(q.tags.as_slice(), ["ultrasound"]);
    }

    #[test]
    fn away_rotation_and_program_director_words() {
        let q = parse("Dr. Ray, program director of County EM, met during away rotation at County")
            .unwrap();
        assert_eq!(q.role, Some(ContactRole::ProgramDirector));
        assert_eq!(q.institution.as_deref(), Some("County EM"));
        assert_eq!(q.met_kind, Some(MetKind::AwayRotation));
    }

    #[test]
    fn a_line_without_a_name_or_with_a_bad_email_is_refused() {
        assert_eq!(parse("  "), Err(ContactError::EmptyName));
        assert!(matches!(
            parse("Ana <ana@nowhere>"),
            Err(ContactError::BadEmail(_))
        ));
    }
}
