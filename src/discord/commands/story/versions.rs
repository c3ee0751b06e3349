//! `/story show`, `history` and `delete` (asks first).

use poise::serenity_prelude as serenity;

use super::posts::take_down_posts;
use super::render::{analysis_text, story_body};
use super::{find_story, no_version, StoryComponent, NO_STORY};
use crate::discord::interaction::{Component, Incoming};
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::story::analyse;
use crate::domain::UserId;

/// Show a version of your story (default: the latest) with its analysis
#[poise::command(slash_command)]
pub(super) async fn show(
    ctx: Context<'_>,
    #[description = "Version number (default: the latest)"]
    #[min = 1]
    version: Option<u32>,
) -> Result<(), CommandError> {
    let story = find_story(ctx.data(), author(ctx), version).await?;
    let text = format!("{}\n{}", story_body(&story), analysis_text(&story));
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// List the versions of your story
#[poise::command(slash_command)]
pub(super) async fn history(ctx: Context<'_>) -> Result<(), CommandError> {
    let stories = ctx.data().store.stories(author(ctx)).await?;
    if stories.is_empty() {
        return Err(CommandError::User(NO_STORY.into()));
    }
    let mut text = String::from("**Your story versions**");
    for s in stories.iter().take(20) {
        let a = analyse(&s.text);
        text.push_str(&format!(
            "\n• v{} — {} · {} words{}",
            s.version,
            reply::timestamp(s.created_at, 'd'),
            a.words,
            s.text
                .event
                .as_deref()
                .map(|e| format!(" · for {}", reply::escape(e)))
                .unwrap_or_default()
        ));
    }
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// Delete a version of your story, or all of them, with their feedback (asks first)
#[poise::command(slash_command)]
pub(super) async fn delete(
    ctx: Context<'_>,
    #[description = "Version number; leave empty and set all to delete every version"]
    #[min = 1]
    version: Option<u32>,
    #[description = "Delete every version"] all: Option<bool>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let which = match (version, all.unwrap_or(false)) {
        (Some(v), false) => {
            ctx.data()
                .store
                .story(owner, Some(v))
                .await?
                .ok_or_else(|| no_version(v))?;
            Some(v)
        }
        (None, true) => {
            if ctx.data().store.story(owner, None).await?.is_none() {
                return Err(CommandError::User(NO_STORY.into()));
            }
            None
        }
        _ => {
            return Err(CommandError::User(
                "Give either a version number or all:True, not both.".into(),
            ))
        }
    };
    let what = match which {
        None => "every version of your story".to_owned(),
        Some(v) => format!("version {v} of your story"),
    };
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(StoryComponent::DeleteConfirm { which }.custom_id(owner))
            .label("Delete")
            .style(serenity::ButtonStyle::Danger),
        serenity::CreateButton::new(StoryComponent::DeleteCancel { which }.custom_id(owner))
            .label("Keep")
            .style(serenity::ButtonStyle::Secondary),
    ]);
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Delete {what}, with its feedback? This cannot be undone."
        ))
        .components(vec![buttons]),
    )
    .await?;
    Ok(())
}

/// The answer to `/story delete`'s question: `Some(which)` deletes (`None` every version).
pub(super) async fn on_delete(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    confirmed: Option<Option<u32>>,
) -> Result<(), CommandError> {
    let Some(which) = confirmed else {
        return incoming
            .update(ctx, "Kept. Nothing was deleted.", Vec::new())
            .await;
    };
    // Posts first: deleting a version forgets its shares, so a post that cannot be deleted
    // now keeps the version until it can.
    let posts = take_down_posts(ctx, data, owner, which).await?;
    if posts.pending > 0 {
        return incoming
            .update(
                ctx,
                "I could not delete a shared post of this story right now, so nothing was deleted. Try again in a moment.",
                Vec::new(),
            )
            .await;
    }
    let text = match data.store.delete_stories(owner, which).await? {
        0 => "Nothing to delete: that version is already gone.".to_owned(),
        n => format!(
            "Deleted {n} version{}, with their feedback.",
            if n == 1 { "" } else { "s" }
        ),
    };
    incoming.update(ctx, text, Vec::new()).await
}
