//! Follow-up drafts: a message filled from the contact's record for the member to copy and send
//! themselves (the bot never emails anyone). Templates are compiled in from
//! `config/templates/`, and a deployment may override any of them with a file of the same name.

use std::path::Path;

use serde::Serialize;

use super::cadence::FollowUpKind;
use super::contact::Contact;
use super::Stage;

coded_enum!(
    /// A situation worth a ready draft; the code is the template's file name.
    Situation {
        BeforeConference => ("before_conference", "Before a conference: asking to meet"),
        AfterConference => ("after_conference", "After meeting at a conference"),
        RotationFeedback => ("rotation_feedback", "End-of-rotation feedback"),
        StayInTouch => ("stay_in_touch", "Permission to stay in touch"),
        LightTouch => ("light_touch", "Light-touch update"),
        LetterRequest => ("letter_request", "SLOE / letter request"),
        MentorMeeting => ("mentor_meeting", "Asking for a mentor meeting"),
        ProgramDirectorNote => ("program_director_note", "Note to a program director"),
        InterviewThanks => ("interview_thanks", "Post-interview thanks"),
        MatchThanks => ("match_thanks", "Post-Match thanks"),
        FirstJob => ("first_job", "First-job search"),
        LetterCheckIn => ("letter_check_in", "Letter request: gentle check-in"),
        LetterThanks => ("letter_thanks", "Letter: thank you"),
    }
);

impl Situation {
    /// The draft a nudge of this kind offers.
    pub fn for_follow_up(kind: FollowUpKind) -> Situation {
        match kind {
            FollowUpKind::AfterMeeting => Situation::AfterConference,
            FollowUpKind::StayInTouch => Situation::StayInTouch,
            FollowUpKind::LightTouch | FollowUpKind::YearlyUpdate | FollowUpKind::MeetingReport => {
                Situation::LightTouch
            }
            FollowUpKind::InterviewThanks => Situation::InterviewThanks,
            FollowUpKind::MatchThanks => Situation::MatchThanks,
            FollowUpKind::MeetingAgenda | FollowUpKind::Custom => Situation::MentorMeeting,
        }
    }
}

/// The compiled-in templates, by situation code.
const BUILT_IN: [(&str, &str); 13] = [
    (
        "letter_check_in",
        include_str!("../../config/templates/letter_check_in.txt"),
    ),
    (
        "letter_thanks",
        include_str!("../../config/templates/letter_thanks.txt"),
    ),
    (
        "before_conference",
        include_str!("../../config/templates/before_conference.txt"),
    ),
    (
        "after_conference",
        include_str!("../../config/templates/after_conference.txt"),
    ),
    (
        "rotation_feedback",
        include_str!("../../config/templates/rotation_feedback.txt"),
    ),
    (
        "stay_in_touch",
        include_str!("../../config/templates/stay_in_touch.txt"),
    ),
    (
        "light_touch",
        include_str!("../../config/templates/light_touch.txt"),
    ),
    (
        "letter_request",
        include_str!("../../config/templates/letter_request.txt"),
    ),
    (
        "mentor_meeting",
        include_str!("../../config/templates/mentor_meeting.txt"),
    ),
    (
        "program_director_note",
        include_str!("../../config/templates/program_director_note.txt"),
    ),
    (
        "interview_thanks",
        include_str!("../../config/templates/interview_thanks.txt"),
    ),
    (
        "match_thanks",
        include_str!("../../config/templates/match_thanks.txt"),
    ),
    (
        "first_job",
        include_str!("../../config/templates/first_job.txt"),
    ),
];

#[derive(Debug, Clone, thiserror::Error)]
pub enum DraftError {
    #[error("cannot read the template {path}: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("template {name} has an error: {reason}")]
    Invalid { name: String, reason: String },
}

/// What a template can use. Missing facts are left out, so templates can test for them.
#[derive(Debug, Clone, Serialize)]
pub struct DraftFacts {
    /// How to address them: their name as the member saved it.
    pub greeting: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    /// Where you met ("SAEM 2026 residency fair").
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// The one specific thing talked about.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub callback: Option<String>,
    /// Who the member is ("a third-year medical student").
    pub me: String,
    /// What the member is interested in next.
    pub interest: String,
    pub signature: String,
    /// One concrete ask, when the member typed one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ask: Option<String>,
}

fn stage_phrase(stage: Option<Stage>) -> String {
    match stage {
        Some(Stage::M1) => "a first-year medical student".into(),
        Some(Stage::M2) => "a second-year medical student".into(),
        Some(Stage::M3) => "a third-year medical student".into(),
        Some(Stage::M4) => "a fourth-year medical student applying in emergency medicine".into(),
        Some(Stage::ResearchYear) => "a medical student in a research year".into(),
        Some(Stage::Pgy1) => "a first-year emergency medicine resident".into(),
        Some(Stage::Pgy2) => "a second-year emergency medicine resident".into(),
        Some(Stage::Pgy3) => "a third-year emergency medicine resident".into(),
        Some(Stage::Pgy4) => "a fourth-year emergency medicine resident".into(),
        Some(Stage::Fellow) => "an emergency medicine fellow".into(),
        Some(Stage::Attending) => "an emergency physician".into(),
        None => "[your year, school and stage]".into(),
    }
}

impl DraftFacts {
    pub fn new(contact: &Contact, stage: Option<Stage>, ask: Option<String>) -> DraftFacts {
        DraftFacts {
            greeting: contact.name.clone(),
            institution: contact.institution.clone(),
            event: contact
                .met
                .label
                .clone()
                .or_else(|| contact.met.kind.map(|k| k.label().to_lowercase())),
            callback: contact.callback.clone(),
            me: stage_phrase(stage),
            interest: "[what interests you within EM: ultrasound, education, critical care…]"
                .into(),
            signature: "[your name]".into(),
            ask,
        }
    }
}

impl DraftFacts {
    /// Facts for a note before a conference to someone the member wants to meet there: the
    /// linked contact's card when there is one, else the target's own name and note.
    pub fn for_target(
        name: &str,
        note: Option<&str>,
        contact: Option<&Contact>,
        conference: &str,
        stage: Option<Stage>,
    ) -> DraftFacts {
        let mut facts = match contact {
            Some(c) => DraftFacts::new(c, stage, None),
            None => DraftFacts {
                greeting: name.to_owned(),
                institution: None,
                event: None,
                callback: None,
                me: stage_phrase(stage),
                interest: "[what interests you within EM: ultrasound, education, critical care…]"
                    .into(),
                signature: "[your name]".into(),
                ask: None,
            },
        };
        facts.event = Some(conference.to_owned());
        if let Some(note) = note {
            facts.callback = Some(note.to_owned());
        }
        facts
    }
}

/// The templates in use: built in, with a deployment's overrides.
pub struct Drafts {
    /// Compiled at load when a folder overrides templates (so a broken one stops start-up);
    /// the built-in ones alone, which the tests below compile, at the first draft.
    env: std::sync::OnceLock<Result<minijinja::Environment<'static>, DraftError>>,
}

impl Drafts {
    /// The built-in templates, then `<dir>/<situation>.txt` where such a file exists. With a
    /// folder, every template is compiled now, so a broken override stops start-up, not a
    /// draft.
    pub fn load(override_dir: Option<&Path>) -> Result<Drafts, DraftError> {
        let env = std::sync::OnceLock::new();
        if override_dir.is_some() {
            let _ = env.set(Ok(Self::compile(override_dir)?));
        }
        Ok(Drafts { env })
    }

    fn compile(override_dir: Option<&Path>) -> Result<minijinja::Environment<'static>, DraftError> {
        let mut env = minijinja::Environment::new();
        for (name, source) in BUILT_IN {
            let source = match override_dir.map(|d| d.join(format!("{name}.txt"))) {
                Some(path) if path.exists() => {
                    std::fs::read_to_string(&path).map_err(|e| DraftError::Unreadable {
                        path: path.display().to_string(),
                        reason: e.to_string(),
                    })?
                }
                _ => source.to_owned(),
            };
            env.add_template_owned(name, source)
                .map_err(|e| DraftError::Invalid {
                    name: name.to_owned(),
                    reason: e.to_string(),
                })?;
        }
        Ok(env)
    }

    pub fn render(&self, situation: Situation, facts: &DraftFacts) -> Result<String, DraftError> {
        let invalid = |e: minijinja::Error| DraftError::Invalid {
            name: situation.code().to_owned(),
            reason: e.to_string(),
        };
        let env = self
            .env
            .get_or_init(|| Self::compile(None))
            .as_ref()
            .map_err(Clone::clone)?;
        let template = env.get_template(situation.code()).map_err(invalid)?;
        let text = template
            .render(minijinja::value::Serde(facts))
            .map_err(invalid)?;
        // Templates may leave blank lines where a fact was missing: keep at most one.
        let mut out = String::with_capacity(text.len());
        let mut blank = 0;
        for line in text.lines() {
            let line = line.trim_end();
            if line.is_empty() {
                blank += 1;
                if blank > 1 {
                    continue;
                }
            } else {
                blank = 0;
            }
            out.push_str(line);
            out.push('\n');
        }
        Ok(out.trim().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::contact::{ContactId, HowMet, MetKind};
    use crate::domain::UserId;
    use chrono::{DateTime, NaiveDate};

    fn ana() -> Contact {
        Contact {
            id: ContactId(1),
            owner: UserId(1),
            name: "Dr. Ana Lopez".into(),
            role: None,
            institution: Some("Hospital Y".into()),
            met: HowMet {
                kind: Some(MetKind::Conference),
                label: Some("SAEM 2026".into()),
                rotation_ends_on: None,
                conference_id: None,
                rotation_id: None,
            },
            met_on: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            relationship: None,
            mentor_kind: None,
            callback: Some("her ultrasound fellowship".into()),
            email: None,
            phone: None,
            handle: None,
            tags: vec![],
            notes: None,
            created_at: DateTime::from_timestamp(0, 0).unwrap(),
            updated_at: DateTime::from_timestamp(0, 0).unwrap(),
            version: 0,
            last_used_at: DateTime::from_timestamp(0, 0).unwrap(),
        }
    }

    #[test]
    fn every_situation_renders_with_the_contacts_facts() {
        let drafts = Drafts::load(None).unwrap();
        let facts = DraftFacts::new(&ana(), Some(Stage::M4), None);
        for situation in Situation::ALL {
            let text = drafts.render(*situation, &facts).unwrap();
            assert!(text.contains("Dear Dr. Ana Lopez"), "{situation:?}: {text}");
            assert!(
                !text.contains("{{") && !text.contains("{%"),
                "{situation:?}: {text}"
            );
            assert!(text.len() < 1900, "fits one Discord message: {situation:?}");
        }
        let after = drafts.render(Situation::AfterConference, &facts).unwrap();
        assert!(after.contains("at SAEM 2026"), "{after}");
        assert!(
            after.contains("what you said about her ultrasound fellowship"),
            "{after}"
        );
        assert!(after.contains("a fourth-year medical student"), "{after}");
        assert!(after.contains("short call"), "a default ask: {after}");
    }

    #[test]
    fn missing_facts_leave_no_gaps_and_a_typed_ask_replaces_the_default() {
        let drafts = Drafts::load(None).unwrap();
        let mut bare = ana();
        bare.callback = None;
        bare.met = HowMet::default();
        bare.institution = None;
        let facts = DraftFacts::new(
            &bare,
            None,
            Some("Could you introduce me to your sim director?".into()),
        );
        let text = drafts.render(Situation::AfterConference, &facts).unwrap();
        assert!(text.starts_with("Subject: Great to meet you\n"), "{text}");
        assert!(
            text.contains("I really enjoyed our conversation."),
            "{text}"
        );
        assert!(text.contains("introduce me to your sim director"), "{text}");
        assert!(!text.contains("short call"), "{text}");
        assert!(!text.contains("\n\n\n"), "{text}");
        let pd = drafts
            .render(Situation::ProgramDirectorNote, &facts)
            .unwrap();
        assert!(pd.contains("Interest in your program"), "{pd}");
    }

    #[test]
    fn a_deployment_can_override_a_template_and_a_broken_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("light_touch.txt"),
            "Hi {{ greeting }}, news: ...",
        )
        .unwrap();
        let drafts = Drafts::load(Some(dir.path())).unwrap();
        let facts = DraftFacts::new(&ana(), None, None);
        assert_eq!(
            drafts.render(Situation::LightTouch, &facts).unwrap(),
            "Hi Dr. Ana Lopez, news: ..."
        );
        assert!(drafts
            .render(Situation::AfterConference, &facts)
            .unwrap()
            .contains("SAEM"));
        std::fs::write(dir.path().join("first_job.txt"), "{% if %}").unwrap();
        let err = Drafts::load(Some(dir.path())).err().expect("refused");
        assert!(err.to_string().contains("first_job"), "{err}");
    }

    #[test]
    fn nudges_offer_the_fitting_draft() {
        assert_eq!(
            Situation::for_follow_up(FollowUpKind::AfterMeeting),
            Situation::AfterConference
        );
        assert_eq!(
            Situation::for_follow_up(FollowUpKind::MatchThanks),
            Situation::MatchThanks
        );
    }
}
