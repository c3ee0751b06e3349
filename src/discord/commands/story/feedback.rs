//! Peer feedback on a shared story: the public button and form (one answer per peer and
//! version), the first-feedback DM, and `/story feedback` (the anonymous summary).

use poise::serenity_prelude as serenity;

use super::find_story;
use super::share::share_clicked;
use super::StoryComponent;
use crate::discord::interaction::{form_values, text_input, Component, Incoming};
use crate::discord::interaction::{STALE_BUTTON, STALE_FORM};
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::story::{Feedback, FeedbackSummary, Rating, SUGGESTION_MAX_CHARS};
use crate::domain::UserId;
use crate::store::FeedbackRefused;

fn tally(label: &str, (yes, somewhat, no): (u32, u32, u32)) -> String {
    format!("{label}: yes {yes} · somewhat {somewhat} · no {no}")
}

/// Read the combined peer feedback on your story (anonymous)
#[poise::command(slash_command)]
pub(super) async fn feedback(
    ctx: Context<'_>,
    #[description = "Version number (default: the latest)"]
    #[min = 1]
    version: Option<u32>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let story = find_story(data, owner, version).await?;
    let summary: FeedbackSummary = data.store.feedback_summary(owner, story.id).await?;
    let text = if summary.count == 0 {
        format!(
            "No feedback on version {} yet. Share it with `/story share`.",
            story.version
        )
    } else {
        let mut text = format!(
            "**Feedback on version {}** — {} peer{}\n{}\n{}\n{}",
            story.version,
            summary.count,
            if summary.count == 1 { "" } else { "s" },
            tally("Clear", summary.clear),
            tally("Specific", summary.specific),
            tally("On time", summary.on_time)
        );
        if !summary.suggestions.is_empty() {
            text.push_str("\n**Suggestions**");
            for s in &summary.suggestions {
                text.push_str(&format!("\n• {}", reply::escape(s)));
            }
        }
        text
    };
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

fn feedback_modal(share_id: i64) -> serenity::CreateModal {
    let short = serenity::InputTextStyle::Short;
    serenity::CreateModal::new(
        StoryComponent::FeedbackForm { share: share_id }.custom_id(UserId(0)),
        "Feedback on this story",
    )
    .components(vec![
        text_input("clear", "Clear? (yes/somewhat/no)", short, None, 10, true),
        text_input(
            "specific",
            "Specific? (yes/somewhat/no)",
            short,
            None,
            10,
            true,
        ),
        text_input(
            "on_time",
            "On time, about a minute? (yes/somewhat/no)",
            short,
            None,
            10,
            true,
        ),
        text_input(
            "suggestion",
            "One suggestion (optional)",
            serenity::InputTextStyle::Paragraph,
            None,
            SUGGESTION_MAX_CHARS,
            false,
        ),
    ])
}

fn parse_feedback(values: &[(String, String)]) -> Result<Feedback, CommandError> {
    let get = |id: &str| {
        values
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let rate = |id: &str, question: &str| {
        Rating::parse(get(id)).ok_or_else(|| {
            CommandError::User(format!(
                "For “{question}”, answer yes, somewhat or no. Nothing was saved."
            ))
        })
    };
    let suggestion = get("suggestion").trim();
    if suggestion.chars().count() > SUGGESTION_MAX_CHARS {
        return Err(CommandError::User(
            "The suggestion is too long: at most 300 characters.".into(),
        ));
    }
    Ok(Feedback {
        clear: rate("clear", "Clear?")?,
        specific: rate("specific", "Specific?")?,
        on_time: rate("on_time", "On time?")?,
        suggestion: (!suggestion.is_empty()).then(|| suggestion.to_owned()),
    })
}

/// Give feedback (public): the form, for a peer, from the post itself.
pub(super) async fn on_feedback(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    share_id: i64,
) -> Result<(), CommandError> {
    let share = share_clicked(data, incoming, share_id, STALE_BUTTON).await?;
    if share.removed {
        return incoming
            .say(
                ctx,
                "This story is no longer shared, so it takes no feedback.",
            )
            .await;
    }
    if share.owner == owner {
        return incoming
            .say(ctx, "You can't rate your own story: ask a peer to.")
            .await;
    }
    incoming.open_form(ctx, feedback_modal(share_id)).await
}

/// The feedback form submitted (public): stored once per peer and version.
pub(super) async fn on_feedback_form(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    share_id: i64,
) -> Result<(), CommandError> {
    let stale = || CommandError::User(STALE_BUTTON.into());
    let now = data.clock.now();
    let Some(form) = incoming.as_form() else {
        return Err(stale());
    };
    let share = share_clicked(data, incoming, share_id, STALE_FORM).await?;
    let feedback = parse_feedback(&form_values(form))?;
    match data
        .store
        .give_feedback(share_id, owner, &feedback, now)
        .await?
    {
        Err(FeedbackRefused::OwnStory) => {
            incoming
                .say(ctx, "You can't rate your own story: ask a peer to.")
                .await
        }
        Err(FeedbackRefused::NotShared) => {
            incoming
                .say(ctx, "This story is no longer shared, so nothing was saved.")
                .await
        }
        Ok(first) => {
            if first {
                tell_author(ctx, share.owner).await;
            }
            incoming
                .say(ctx, "Thank you: your feedback was sent. The author sees it only combined with others'.")
                .await
        }
    }
}

/// A DM to the author when the first feedback on a version arrives (failures only logged).
async fn tell_author(ctx: &serenity::Context, owner: UserId) {
    let sent = async {
        let channel = serenity::UserId::new(owner.get()).create_dm_channel(ctx).await?;
        channel
            .send_message(
                ctx,
                serenity::CreateMessage::new()
                    .content("Your one-minute story got its first peer feedback. Read it with `/story feedback`.")
                    .allowed_mentions(serenity::CreateAllowedMentions::new()),
            )
            .await
    }
    .await;
    if let Err(e) = sent {
        tracing::info!(error = %e, "could not DM a story author about feedback");
    }
}
