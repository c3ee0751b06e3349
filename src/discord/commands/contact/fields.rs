//! The options `/contact add` and `/contact edit` share, parsed into domain values once.

use chrono::NaiveDate;

use super::CLEAR;
use crate::discord::CommandError;
use crate::domain::contact::{
    ContactRole, Email, Handle, Institution, MentorKind, MetKind, Notes, Phone, Relationship, Tags,
    TalkedAbout, Text, TextRule, WhereMet,
};
use crate::domain::when::{self, Direction};

/// The options `add` and `edit` share, parsed into domain values. `clearable` lets "-" clear.
pub(super) struct Fields {
    pub(super) role: Option<ContactRole>,
    pub(super) institution: Option<Option<Text<Institution>>>,
    pub(super) met_kind: Option<MetKind>,
    pub(super) met_label: Option<Option<Text<WhereMet>>>,
    pub(super) met_on: Option<NaiveDate>,
    pub(super) rotation_ends_on: Option<NaiveDate>,
    pub(super) relationship: Option<Relationship>,
    pub(super) mentor_kind: Option<MentorKind>,
    pub(super) callback: Option<Option<Text<TalkedAbout>>>,
    pub(super) email: Option<Option<Email>>,
    pub(super) phone: Option<Option<Phone>>,
    pub(super) handle: Option<Option<Text<Handle>>>,
    pub(super) tags: Option<Tags>,
    pub(super) notes: Option<Option<Text<Notes>>>,
}

/// `None`: not given; `Some(None)`: cleared with "-"; `Some(Some(v))`: new value.
fn text_field<R: TextRule>(value: Option<String>) -> Result<Option<Option<Text<R>>>, CommandError> {
    match value {
        None => Ok(None),
        Some(v) if v.trim() == CLEAR => Ok(Some(None)),
        Some(v) => Ok(Some(Text::parse(&v)?)),
    }
}

#[allow(clippy::too_many_arguments)]
impl Fields {
    pub(super) fn parse(
        today: NaiveDate,
        role: Option<ContactRole>,
        institution: Option<String>,
        met_kind: Option<MetKind>,
        met_label: Option<String>,
        met_on: Option<String>,
        rotation_ends: Option<String>,
        relationship: Option<Relationship>,
        mentor_kind: Option<MentorKind>,
        callback: Option<String>,
        email: Option<String>,
        phone: Option<String>,
        handle: Option<String>,
        tags: Option<String>,
        notes: Option<String>,
    ) -> Result<Fields, CommandError> {
        Ok(Fields {
            role,
            institution: text_field(institution)?,
            met_kind,
            met_label: text_field(met_label)?,
            met_on: met_on
                .map(|t| when::parse_date(&t, today, Direction::Past))
                .transpose()?,
            rotation_ends_on: rotation_ends
                .map(|t| when::parse_date(&t, today, Direction::Any))
                .transpose()?,
            relationship,
            mentor_kind,
            callback: text_field(callback)?,
            email: match email {
                None => None,
                Some(e) if e.trim() == CLEAR => Some(None),
                Some(e) => Some(Some(Email::parse(&e)?)),
            },
            phone: match phone {
                None => None,
                Some(p) if p.trim() == CLEAR => Some(None),
                Some(p) => Some(Some(Phone::parse(&p)?)),
            },
            handle: text_field(handle)?,
            tags: tags
                .map(|t| {
                    if t.trim() == CLEAR {
                        Ok(Tags::default())
                    } else {
                        Tags::parse(&t)
                    }
                })
                .transpose()?,
            notes: text_field(notes)?,
        })
    }
}
