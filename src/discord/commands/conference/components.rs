//! The conference area's components: typed, encoded beside their type, and dispatched to the
//! file that owns each job.

use poise::serenity_prelude as serenity;

use super::calendar;
use crate::discord::interaction::{Args, Component, Incoming};
use crate::discord::{CommandError, Data};
use crate::domain::UserId;

/// The conference area's components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConferenceComponent {
    /// `/conference remove`'s question, answered yes.
    RemoveConfirm { conference: i64 },
    /// … answered no.
    RemoveCancel { conference: i64 },
}

impl Component for ConferenceComponent {
    fn to_parts(&self) -> (&'static str, Vec<String>) {
        match self {
            ConferenceComponent::RemoveConfirm { conference } => {
                ("cf-remove-yes", vec![conference.to_string()])
            }
            ConferenceComponent::RemoveCancel { conference } => {
                ("cf-remove-no", vec![conference.to_string()])
            }
        }
    }

    fn from_parts(code: &str, args: &mut Args<'_>) -> Option<Self> {
        Some(match code {
            "cf-remove-yes" => ConferenceComponent::RemoveConfirm {
                conference: args.parse()?,
            },
            "cf-remove-no" => ConferenceComponent::RemoveCancel {
                conference: args.parse()?,
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
pub fn examples() -> Vec<ConferenceComponent> {
    vec![
        ConferenceComponent::RemoveConfirm {
            conference: i64::MAX,
        },
        ConferenceComponent::RemoveCancel {
            conference: i64::MAX,
        },
    ]
}

pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    component: ConferenceComponent,
) -> Result<(), CommandError> {
    match component {
        ConferenceComponent::RemoveConfirm { conference } => {
            calendar::on_remove(ctx, data, incoming, owner, conference, true).await
        }
        ConferenceComponent::RemoveCancel { conference } => {
            calendar::on_remove(ctx, data, incoming, owner, conference, false).await
        }
    }
}
