//! `/conference`: the chapter's calendar (kept by officers), members' plans to go and their
//! private targets. One file per job; the area's components are in `components.rs`.

mod calendar;
mod components;
mod events;
mod pick;

pub(crate) use pick::{
    autocomplete_conference, autocomplete_met_conference, chapter_today, conference_named_in,
    guild, invoker, met_conference, officer, require_officer,
};

/// A conference of this chapter named by a `<conference>` option (for other areas).
pub(crate) async fn resolve_public(
    ctx: Context<'_>,
    input: &str,
) -> Result<crate::domain::conference::Conference, CommandError> {
    Ok(pick::resolve(ctx, input).await?.1)
}
mod plan;
mod posts;

use crate::discord::{CommandError, Context};

#[cfg(test)]
pub use components::examples;
pub use components::{on_component, ConferenceComponent};
pub use posts::take_down_shares;

/// Conferences: the chapter calendar, your plans and targets
#[poise::command(
    slash_command,
    subcommands(
        "calendar::list",
        "calendar::ics",
        "plan::join",
        "plan::leave",
        "plan::plan",
        "plan::target",
        "plan::who",
        "posts::share",
        "posts::announce",
        "calendar::add",
        "calendar::edit",
        "calendar::remove"
    ),
    subcommand_required,
    guild_only,
    install_context = "Guild",
    interaction_context = "Guild"
)]
pub async fn conference(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}
