//! `/contact`: a member's private networking list. Every reply is ephemeral and every lookup is
//! keyed by the member who runs the command. One file per job: picking a contact, rendering,
//! capture, editing, lists, the log, the right-click menus and the area's components.

mod capture;
mod components;
mod edit;
mod fields;
mod list;
mod log;
mod menus;
mod pick;
mod render;

use crate::discord::{CommandError, Context};

#[cfg(test)]
pub use components::contact_examples;
pub use components::{on_contact_component, ContactComponent};
#[cfg(test)]
pub use menus::note_examples;
pub use menus::{add_user_as_contact, save_message_as_note};
pub use menus::{on_note_component, NoteComponent};
pub(crate) use pick::{autocomplete_contact, resolve};

/// Your private contact list
#[poise::command(
    slash_command,
    subcommands(
        "capture::add",
        "capture::quick",
        "edit::show",
        "edit::edit",
        "edit::delete",
        "list::list",
        "list::find",
        "log::log"
    ),
    subcommand_required,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn contact(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

pub(crate) const NOT_FOUND: &str =
    "I can't find that contact in your list. Pick one from the suggestions as you type, or see `/contact list`.";

/// Typed "-" clears an optional text field in `/contact edit`.
const CLEAR: &str = "-";
