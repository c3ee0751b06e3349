//! Sharing a story: the channel post, `/story unshare`, and removal by its author, an officer
//! or a moderator.

use poise::serenity_prelude as serenity;

use super::posts::{finish_unfinished, refused, remove_post, Removal};
use super::render::story_body_within;
use super::{find_story, StoryComponent, NO_STORY};
use crate::discord::interaction::STALE_BUTTON;
use crate::discord::interaction::{Component, Incoming, Origin};
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::story::analyse;
use crate::domain::text;
use crate::domain::UserId;

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
    finish_unfinished(ctx.serenity_context(), data, owner).await?;
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
    // The nonce lets Discord answer a repeated post with the first one.
    let posted = channel
        .send_message(
            ctx,
            serenity::CreateMessage::new()
                .content(text)
                .components(vec![buttons])
                .allowed_mentions(serenity::CreateAllowedMentions::new())
                .nonce(serenity::Nonce::String(format!("emig-share-{share_id}")))
                .enforce_nonce(true),
        )
        .await;
    match posted {
        Ok(message) => {
            if !data
                .store
                .set_share_message(share_id, message.id.get())
                .await?
            {
                // Removed while it was being posted: take the post down too.
                if let Some(share) = data.store.share(share_id).await? {
                    remove_post(ctx.serenity_context(), data, &share).await?;
                }
                return Err(CommandError::User(
                    "That share was removed while it was being posted, so I took the post down again.".into(),
                ));
            }
            reply::send(ctx, reply::ephemeral(format!(
                "Shared version {} here. Read the combined feedback with `/story feedback`; remove the post with `/story unshare`.",
                story.version
            )))
            .await?;
            Ok(())
        }
        Err(e) if refused(&e).is_some() => {
            // Discord refused it: nothing was posted.
            data.store
                .mark_post_gone(share_id, data.clock.now())
                .await?;
            tracing::warn!(error = %e, "could not post a shared story");
            Err(CommandError::User(
                "I can't post in this channel. Share it in a channel where I can send messages (the bot must be a member of this server).".into(),
            ))
        }
        Err(e) => {
            // Maybe posted, maybe not: the next `/story share` or `/story unshare` finds out.
            tracing::warn!(error = %e, share = share_id, "a shared story post is unconfirmed");
            Err(CommandError::User(
                "Discord did not confirm the post. If it appears, it works as usual; `/story unshare` removes it either way.".into(),
            ))
        }
    }
}

/// Remove your shared story posts and their feedback buttons
#[poise::command(slash_command)]
pub(super) async fn unshare(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let serenity_ctx = ctx.serenity_context();
    let mut finished = finish_unfinished(serenity_ctx, data, owner).await?;
    let shares = data.store.active_shares(owner).await?;
    if shares.is_empty() && finished.removed == 0 && finished.pending == 0 {
        return Err(CommandError::User("You have no shared story posts.".into()));
    }
    for share in &shares {
        let removal = remove_post(serenity_ctx, data, share).await?;
        finished.count(removal, share, share.message_id);
    }
    let mut text = format!(
        "Removed {} shared post{}. Your feedback so far is kept: `/story feedback`.",
        finished.removed,
        if finished.removed == 1 { "" } else { "s" }
    );
    if finished.unreachable > 0 {
        text.push_str(&format!(
            "\n{} post{} I can no longer reach (the bot lost access to the channel): ask a moderator to delete {}.",
            finished.unreachable,
            if finished.unreachable == 1 { "" } else { "s" },
            if finished.unreachable == 1 { "it" } else { "them" }
        ));
    }
    if finished.pending > 0 {
        text.push_str(&format!(
            "\n{} post{} could not be deleted right now; {} takes no more feedback. Run `/story unshare` again in a moment to finish.",
            finished.pending,
            if finished.pending == 1 { "" } else { "s" },
            if finished.pending == 1 { "it" } else { "they" }
        ));
    }
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
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

/// The share a public button or form names, when the click came from its own post; else
/// `stale` (the same answer as for a share that no longer exists).
pub(super) async fn share_clicked(
    data: &Data,
    incoming: &Incoming<'_>,
    share_id: i64,
    stale: &str,
) -> Result<crate::store::Share, CommandError> {
    match data.store.share(share_id).await? {
        Some(share) if from_its_post(&share, incoming.origin()) => Ok(share),
        _ => Err(CommandError::User(stale.into())),
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
    let share = share_clicked(data, incoming, share_id, STALE_BUTTON).await?;
    if share.owner != owner && !can_moderate(data, incoming).await? {
        return incoming
            .say(ctx, "Only the author, an officer or a moderator (Manage Messages) can remove a shared story.")
            .await;
    }
    // Even a share recorded as removed: the click comes from its post, so the post is there
    // (a removal whose delete failed, or one recorded gone too early) and is taken down.
    match remove_post(ctx, data, &share).await? {
        Removal::Gone => incoming.say(ctx, "Removed.").await,
        Removal::AlreadyGone => incoming.say(ctx, "This story was already removed.").await,
        Removal::Retry => {
            incoming
                .say(ctx, "It takes no more feedback, but I could not delete the post right now. Press Remove again in a moment.")
                .await
        }
        Removal::Unreachable => {
            incoming
                .say(ctx, "It takes no more feedback, but I can no longer delete this post: ask a moderator to delete it.")
                .await
        }
    }
}
