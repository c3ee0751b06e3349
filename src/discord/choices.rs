//! Domain enums offered as Discord choice lists, labelled as the domain labels them.

use std::borrow::Cow;

use crate::domain::conference::{ConferenceKind, TargetKind, Visibility};
use crate::domain::contact::{ContactRole, InteractionKind, MentorKind, MetKind, Relationship};
use crate::domain::draft::Situation;
use crate::domain::fair::Audience;
use crate::domain::letter::{LetterKind, LetterStatus};
use crate::domain::program::ProgramStatus;
use crate::domain::season::MilestoneKind;
use crate::domain::Stage;

macro_rules! domain_choice {
    ($($ty:ty),+) => {$(
        impl poise::ChoiceParameter for $ty {
            fn list() -> Cow<'static, [poise::CommandParameterChoice]> {
                <$ty>::ALL
                    .iter()
                    .map(|v| poise::CommandParameterChoice {
                        name: Cow::Borrowed(v.label()),
                        localizations: Cow::Borrowed(&[]),
                        __non_exhaustive: (),
                    })
                    .collect::<Vec<_>>()
                    .into()
            }

            fn from_index(index: usize) -> Option<Self> {
                <$ty>::ALL.get(index).copied()
            }

            fn from_name(name: &str) -> Option<Self> {
                <$ty>::ALL.iter().copied().find(|v| v.label().eq_ignore_ascii_case(name))
            }

            fn name(&self) -> &'static str {
                self.label()
            }

            fn localized_name(&self, _locale: &str) -> Option<&'static str> {
                None
            }
        }
    )+};
}

domain_choice!(
    Stage,
    ContactRole,
    Relationship,
    MentorKind,
    MetKind,
    InteractionKind,
    Situation,
    ConferenceKind,
    Visibility,
    TargetKind,
    LetterKind,
    LetterStatus,
    MilestoneKind,
    ProgramStatus,
    Audience
);

#[cfg(test)]
mod tests {
    use super::*;
    use poise::ChoiceParameter;

    #[test]
    fn choices_follow_domain_order_and_labels() {
        let list = ContactRole::list();
        assert_eq!(list.len(), ContactRole::ALL.len());
        assert_eq!(list[0].name, ContactRole::ALL[0].label());
        assert_eq!(
            ContactRole::from_index(2),
            Some(ContactRole::ProgramDirector)
        );
        assert_eq!(
            Stage::from_name("m3 (third-year medical student)"),
            Some(Stage::M3)
        );
        // Discord allows at most 25 choices.
        assert!(Stage::list().len() <= 25 && MetKind::list().len() <= 25);
    }
}
