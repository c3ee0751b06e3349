//! The conference area's components: typed, encoded beside their type, and dispatched to the
//! file that owns each job.

use poise::serenity_prelude as serenity;

use super::{calendar, plan, posts};
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
    /// Public, on a member's shared plan: the clicker goes too (visible to the chapter).
    GoingToo { post: i64 },
    /// Public, on a shared plan: its author takes it down.
    RemovePost { post: i64 },
    /// Public, on an officer's announcement: the clicker joins (private).
    JoinFromPost { post: i64 },
    /// The member's own: who sees that they are going.
    SetVisibility { conference: i64, chapter: bool },
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
            ConferenceComponent::GoingToo { post } => ("cf-going", vec![post.to_string()]),
            ConferenceComponent::RemovePost { post } => ("cf-unpost", vec![post.to_string()]),
            ConferenceComponent::JoinFromPost { post } => ("cf-join", vec![post.to_string()]),
            ConferenceComponent::SetVisibility {
                conference,
                chapter,
            } => (
                "cf-seen",
                vec![
                    conference.to_string(),
                    if *chapter { "c" } else { "p" }.to_owned(),
                ],
            ),
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
            "cf-going" => ConferenceComponent::GoingToo {
                post: args.parse()?,
            },
            "cf-unpost" => ConferenceComponent::RemovePost {
                post: args.parse()?,
            },
            "cf-join" => ConferenceComponent::JoinFromPost {
                post: args.parse()?,
            },
            "cf-seen" => ConferenceComponent::SetVisibility {
                conference: args.parse()?,
                chapter: match args.text()? {
                    "c" => true,
                    "p" => false,
                    _ => return None,
                },
            },
            _ => return None,
        })
    }

    fn public_because(&self) -> Option<&'static str> {
        match self {
            ConferenceComponent::GoingToo { .. } | ConferenceComponent::JoinFromPost { .. } => {
                Some("anyone in the channel may say they are going")
            }
            ConferenceComponent::RemovePost { .. } => {
                Some("the author takes a shared plan down (checked by the handler)")
            }
            _ => None,
        }
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
        ConferenceComponent::GoingToo { post: i64::MAX },
        ConferenceComponent::RemovePost { post: i64::MAX },
        ConferenceComponent::JoinFromPost { post: i64::MAX },
        ConferenceComponent::SetVisibility {
            conference: i64::MAX,
            chapter: true,
        },
        ConferenceComponent::SetVisibility {
            conference: i64::MAX,
            chapter: false,
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
        ConferenceComponent::GoingToo { post } => {
            posts::on_going_too(ctx, data, incoming, owner, post).await
        }
        ConferenceComponent::RemovePost { post } => {
            posts::on_remove_post(ctx, data, incoming, owner, post).await
        }
        ConferenceComponent::JoinFromPost { post } => {
            posts::on_join(ctx, data, incoming, owner, post).await
        }
        ConferenceComponent::SetVisibility {
            conference,
            chapter,
        } => posts::on_set_visibility(ctx, data, incoming, owner, conference, chapter).await,
    }
}
