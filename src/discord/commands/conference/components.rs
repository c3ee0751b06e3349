//! The conference area's components: typed, encoded beside their type, and dispatched to the
//! file that owns each job.

use poise::serenity_prelude as serenity;

use super::{calendar, plan};
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
    /// On a before-conference reminder: the member's plan.
    OpenPlan { plan: i64, digest: i64 },
    /// On a before-conference reminder: "open my plan" or "draft a note to" a person target.
    BeforeMenu { plan: i64, digest: i64 },
    /// On the after-conference reminder: "Draft a follow-up for…" one of the people met.
    AfterMenu { plan: i64, digest: i64 },
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
            ConferenceComponent::OpenPlan { plan, digest } => {
                ("cf-plan", vec![plan.to_string(), digest.to_string()])
            }
            ConferenceComponent::BeforeMenu { plan, digest } => {
                ("cf-before", vec![plan.to_string(), digest.to_string()])
            }
            ConferenceComponent::AfterMenu { plan, digest } => {
                ("cf-after", vec![plan.to_string(), digest.to_string()])
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
            "cf-plan" => ConferenceComponent::OpenPlan {
                plan: args.parse()?,
                digest: args.parse()?,
            },
            "cf-before" => ConferenceComponent::BeforeMenu {
                plan: args.parse()?,
                digest: args.parse()?,
            },
            "cf-after" => ConferenceComponent::AfterMenu {
                plan: args.parse()?,
                digest: args.parse()?,
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
        ConferenceComponent::OpenPlan {
            plan: i64::MAX,
            digest: i64::MAX,
        },
        ConferenceComponent::BeforeMenu {
            plan: i64::MAX,
            digest: i64::MAX,
        },
        ConferenceComponent::AfterMenu {
            plan: i64::MAX,
            digest: i64::MAX,
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
        ConferenceComponent::OpenPlan { plan, .. } => {
            plan::on_open_plan(ctx, data, incoming, owner, plan).await
        }
        ConferenceComponent::BeforeMenu { plan, .. } => {
            plan::on_before_menu(ctx, data, incoming, owner, plan).await
        }
        ConferenceComponent::AfterMenu { plan, .. } => {
            plan::on_after_menu(ctx, data, incoming, owner, plan).await
        }
    }
}
