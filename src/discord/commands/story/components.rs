//! The story area's components: typed, encoded beside their type, and dispatched to the file
//! that owns each job.

use poise::serenity_prelude as serenity;

use super::{feedback, practice, share, versions, write};
use crate::discord::interaction::{Args, Component, Incoming};
use crate::discord::{CommandError, Data};
use crate::domain::UserId;

/// The story area's components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoryComponent {
    /// Form: a new version of the member's story.
    WriteForm,
    /// `/story delete`'s question: one version, or every one (`None`).
    DeleteConfirm {
        which: Option<u32>,
    },
    DeleteCancel {
        which: Option<u32>,
    },
    /// Public button on a shared story: open the feedback form.
    Feedback {
        share: i64,
    },
    /// Public form: a peer's feedback.
    FeedbackForm {
        share: i64,
    },
    /// Public button on a shared story: its author or a moderator removes it.
    Remove {
        share: i64,
    },
    /// Stop on a practice timer.
    PracticeStop {
        timer: u64,
    },
}

fn which_text(which: Option<u32>) -> String {
    which.map_or_else(|| "all".to_owned(), |v| v.to_string())
}

impl Component for StoryComponent {
    fn to_parts(&self) -> (&'static str, Vec<String>) {
        match self {
            StoryComponent::WriteForm => ("s-write", Vec::new()),
            StoryComponent::DeleteConfirm { which } => ("s-delete-yes", vec![which_text(*which)]),
            StoryComponent::DeleteCancel { which } => ("s-delete-no", vec![which_text(*which)]),
            StoryComponent::Feedback { share } => ("s-feedback", vec![share.to_string()]),
            StoryComponent::FeedbackForm { share } => ("s-feedback-form", vec![share.to_string()]),
            StoryComponent::Remove { share } => ("s-remove", vec![share.to_string()]),
            StoryComponent::PracticeStop { timer } => ("s-stop", vec![timer.to_string()]),
        }
    }

    fn from_parts(code: &str, args: &mut Args<'_>) -> Option<Self> {
        let mut which = || match args.text()? {
            "all" => Some(None),
            v => v.parse().ok().filter(|v| *v >= 1).map(Some),
        };
        Some(match code {
            "s-write" => StoryComponent::WriteForm,
            "s-delete-yes" => StoryComponent::DeleteConfirm { which: which()? },
            "s-delete-no" => StoryComponent::DeleteCancel { which: which()? },
            "s-feedback" => StoryComponent::Feedback {
                share: args.parse()?,
            },
            "s-feedback-form" => StoryComponent::FeedbackForm {
                share: args.parse()?,
            },
            "s-remove" => StoryComponent::Remove {
                share: args.parse()?,
            },
            "s-stop" => StoryComponent::PracticeStop {
                timer: args.parse()?,
            },
            _ => return None,
        })
    }

    fn public_because(&self) -> Option<&'static str> {
        match self {
            StoryComponent::Feedback { .. } | StoryComponent::FeedbackForm { .. } => {
                Some("a shared story asks every peer in the channel for feedback")
            }
            StoryComponent::Remove { .. } => {
                Some("the author, an officer or a moderator may take a shared story down")
            }
            _ => None,
        }
    }
}

#[cfg(test)]
pub fn examples() -> Vec<StoryComponent> {
    vec![
        StoryComponent::WriteForm,
        StoryComponent::DeleteConfirm { which: None },
        StoryComponent::DeleteConfirm {
            which: Some(u32::MAX),
        },
        StoryComponent::DeleteCancel { which: Some(1) },
        StoryComponent::Feedback { share: i64::MAX },
        StoryComponent::FeedbackForm { share: i64::MAX },
        StoryComponent::Remove { share: i64::MAX },
        StoryComponent::PracticeStop { timer: u64::MAX },
    ]
}

pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    component: StoryComponent,
) -> Result<(), CommandError> {
    match component {
        StoryComponent::WriteForm => write::on_form(ctx, data, incoming, owner).await,
        StoryComponent::DeleteConfirm { which } => {
            versions::on_delete(ctx, data, incoming, owner, Some(which)).await
        }
        StoryComponent::DeleteCancel { .. } => {
            versions::on_delete(ctx, data, incoming, owner, None).await
        }
        StoryComponent::Feedback { share } => {
            feedback::on_feedback(ctx, data, incoming, owner, share).await
        }
        StoryComponent::FeedbackForm { share } => {
            feedback::on_feedback_form(ctx, data, incoming, owner, share).await
        }
        StoryComponent::Remove { share } => {
            share::on_remove(ctx, data, incoming, owner, share).await
        }
        StoryComponent::PracticeStop { timer } => {
            practice::on_stop(ctx, data, incoming, owner, timer).await
        }
    }
}
