//! `/story`: write the one-minute story, see its analysis, practise it on a timer, share it for
//! peer feedback. One file per job; the area's components are in `components.rs`.

mod components;
mod feedback;
mod posts;
mod practice;
mod render;
mod share;
mod versions;
mod write;

use crate::discord::{CommandError, Context, Data};
use crate::domain::story::Story;
use crate::domain::UserId;

#[cfg(test)]
pub use components::examples;
pub use components::{on_component, StoryComponent};
pub use render::analysis_text;

/// Before a member's data is erased: takes down every post of their shared stories (the
/// share rows go with the erasure, and a post must not outlive them). Returns the posts not
/// deleted yet (to retry) and the posts the bot can no longer reach (a moderator must).
pub async fn take_down_all_posts(
    ctx: &poise::serenity_prelude::Context,
    data: &Data,
    owner: UserId,
) -> Result<(Vec<crate::store::PostToDelete>, usize), CommandError> {
    let done = posts::take_down_posts(ctx, data, owner, None).await?;
    Ok((done.undeleted, done.unreachable))
}

/// Your one-minute story: write it, check it, share it for feedback
#[poise::command(
    slash_command,
    subcommands(
        "write::write",
        "versions::show",
        "versions::history",
        "practice::practice",
        "share::share",
        "share::unshare",
        "feedback::feedback",
        "versions::delete"
    ),
    subcommand_required,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn story(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

const NO_STORY: &str = "You have no story yet: write one with `/story write`.";

/// The owner's story version (the latest when `None`), or the sentence saying there is none.
async fn find_story(
    data: &Data,
    owner: UserId,
    version: Option<u32>,
) -> Result<Story, CommandError> {
    match data.store.story(owner, version).await? {
        Some(story) => Ok(story),
        None => Err(version.map_or_else(|| CommandError::User(NO_STORY.into()), no_version)),
    }
}

fn no_version(version: u32) -> CommandError {
    CommandError::User(format!(
        "You have no version {version} of your story: see them with `/story history`."
    ))
}
