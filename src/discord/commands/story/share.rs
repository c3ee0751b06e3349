//! Sharing a story for peer feedback: the channel post and its public buttons, the feedback
//! form, `/story unshare`, `/story feedback` (the anonymous summary), and removal.

use poise::serenity_prelude as serenity;

use super::render::story_body_within;
use super::{find_story, StoryComponent, NO_STORY};
use crate::discord::interaction::{form_values, text_input, Component, Incoming, Origin};
use crate::discord::interaction::{STALE_BUTTON, STALE_FORM};
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::story::{analyse, Feedback, FeedbackSummary, Rating, SUGGESTION_MAX_CHARS};
use crate::domain::text;
use crate::domain::UserId;
use crate::store::FeedbackRefused;

/// Post your story in this channel for peers to give feedback (it stays private until you do)
#[poise::command(slash_command, guild_only)]
pub(super) async fn share(
    ctx: Context<'_>,
    #[description = "Version number (default: the latest)"]
    #[min = 1]
    version: Option<u32>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let story = find_story(data, owner, version).await?;
    let guild = ctx.guild_id().map(|g| g.get()).unwrap_or(0);
    let channel = ctx.channel_id();
    let share_id = data
        .store
        .create_share(owner, story.id, guild, channel.get(), data.clock.now())
        .await?
        .ok_or_else(|| CommandError::User(NO_STORY.into()))?;
    let a = analyse(&story.text);
    let head = format!(
        "**<@{}>'s one-minute story** (v{}, {} words, about {} s)\n",
        ctx.author().id,
        story.version,
        a.words,
        a.seconds_at_130,
    );
    let foot = "\nListen or read, then give short feedback: clear? specific? on time? one suggestion. The author sees only the combined feedback.";
    let budget = reply::MAX_CONTENT - text::utf16_len(&head) - text::utf16_len(foot);
    let text = reply::fit(format!("{head}{}{foot}", story_body_within(&story, budget)));
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(StoryComponent::Feedback { share: share_id }.custom_id(owner))
            .label("Give feedback")
            .style(serenity::ButtonStyle::Primary),
        serenity::CreateButton::new(StoryComponent::Remove { share: share_id }.custom_id(owner))
            .label("Remove")
            .style(serenity::ButtonStyle::Secondary),
    ]);
    // A channel message, not an interaction reply: its buttons must outlive the 15-minute token.
    let posted = channel
        .send_message(
            ctx,
            serenity::CreateMessage::new()
                .content(text)
                .components(vec![buttons])
                .allowed_mentions(serenity::CreateAllowedMentions::new()),
        )
        .await;
    match posted {
        Ok(message) => {
            data.store
                .set_share_message(share_id, message.id.get())
                .await?;
            ctx.send(reply::ephemeral(format!(
                "Shared version {} here. Read the combined feedback with `/story feedback`; remove the post with `/story unshare`.",
                story.version
            )))
            .await?;
            Ok(())
        }
        Err(e) => {
            data.store.remove_share(share_id, data.clock.now()).await?;
            tracing::warn!(error = %e, "could not post a shared story");
            Err(CommandError::User(
                "I can't post in this channel. Share it in a channel where I can send messages (the bot must be a member of this server).".into(),
            ))
        }
    }
}

/// Remove your shared story posts and their feedback buttons
#[poise::command(slash_command)]
pub(super) async fn unshare(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let shares = data.store.active_shares(owner).await?;
    if shares.is_empty() {
        return Err(CommandError::User("You have no shared story posts.".into()));
    }
    for share in &shares {
        remove_post(ctx.serenity_context(), data, share).await?;
    }
    ctx.send(reply::ephemeral(format!(
        "Removed {} shared post{}. Your feedback so far is kept: `/story feedback`.",
        shares.len(),
        if shares.len() == 1 { "" } else { "s" }
    )))
    .await?;
    Ok(())
}

pub(super) async fn remove_post(
    ctx: &serenity::Context,
    data: &Data,
    share: &crate::store::Share,
) -> Result<(), CommandError> {
    data.store.remove_share(share.id, data.clock.now()).await?;
    if let Some(message) = share.message_id {
        let deleted = serenity::ChannelId::new(share.channel_id)
            .delete_message(ctx, serenity::MessageId::new(message))
            .await;
        if let Err(e) = deleted {
            // Already gone (deleted by hand) is fine: the share is marked removed.
            tracing::info!(error = %e, share = share.id, "shared story post could not be deleted");
        }
    }
    Ok(())
}

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

/// Whether the clicker may remove someone's shared story: Manage Messages, or the chapter's
/// officer role.
async fn can_moderate(data: &Data, incoming: &Incoming<'_>) -> Result<bool, CommandError> {
    let Some(member) = incoming.member() else {
        return Ok(false);
    };
    let by_permission = member.permissions.is_some_and(|p| {
        p.contains(serenity::Permissions::MANAGE_MESSAGES)
            || p.contains(serenity::Permissions::ADMINISTRATOR)
    });
    if by_permission {
        return Ok(true);
    }
    let Some(guild) = incoming.origin().guild else {
        return Ok(false);
    };
    let officer_role = data
        .store
        .chapter(crate::domain::GuildId(guild))
        .await?
        .and_then(|c| c.officer_role);
    Ok(officer_role.is_some_and(|role| member.roles.iter().any(|r| r.get() == role.get())))
}

/// Whether a click on a shared story's button came from that story's own post: an id naming
/// another server's or another message's share is refused before anything changes.
fn from_its_post(share: &crate::store::Share, origin: Origin) -> bool {
    share.guild_id == origin.guild.unwrap_or(0)
        && share.channel_id == origin.channel
        && share.message_id.is_some()
        && share.message_id == origin.message
}

/// Give feedback (public): the form, for a peer, from the post itself.
pub(super) async fn on_feedback(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    share_id: i64,
) -> Result<(), CommandError> {
    let stale = || CommandError::User(STALE_BUTTON.into());
    let share = data.store.share(share_id).await?.ok_or_else(stale)?;
    if !from_its_post(&share, incoming.origin()) {
        return Err(stale());
    }
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
    incoming
        .respond(
            ctx,
            serenity::CreateInteractionResponse::Modal(feedback_modal(share_id)),
        )
        .await
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
    let Incoming::Form(form) = incoming else {
        return Err(stale());
    };
    let share = data
        .store
        .share(share_id)
        .await?
        .ok_or_else(|| CommandError::User(STALE_FORM.into()))?;
    if !from_its_post(&share, incoming.origin()) {
        return Err(CommandError::User(STALE_FORM.into()));
    }
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

/// Remove (public): the author, an officer or a moderator, from the post itself.
pub(super) async fn on_remove(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    share_id: i64,
) -> Result<(), CommandError> {
    let stale = || CommandError::User(STALE_BUTTON.into());
    let share = data.store.share(share_id).await?.ok_or_else(stale)?;
    if !from_its_post(&share, incoming.origin()) {
        return Err(stale());
    }
    if share.owner != owner && !can_moderate(data, incoming).await? {
        return incoming
            .say(ctx, "Only the author, an officer or a moderator (Manage Messages) can remove a shared story.")
            .await;
    }
    if share.removed {
        return incoming.say(ctx, "This story was already removed.").await;
    }
    remove_post(ctx, data, &share).await?;
    incoming.say(ctx, "Removed.").await
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
