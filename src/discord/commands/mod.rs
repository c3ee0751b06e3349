//! Every slash command, one file per area.

pub mod chapter;
pub mod conference;
pub mod contact;
mod dates;
pub mod draft;
pub mod fair;
pub mod followup;
pub mod help;
pub mod letter;
pub mod me;
pub mod network;
pub mod privacy;
pub mod program;
pub mod season;
pub mod story;

use super::Command;

/// The commands the bot registers, in the order `/help` lists them.
pub fn all() -> Vec<Command> {
    vec![
        help::help(),
        privacy::privacy(),
        me::me(),
        contact::contact(),
        followup::followup(),
        draft::draft(),
        letter::letter(),
        season::season(),
        program::program(),
        network::network(),
        story::story(),
        conference::conference(),
        fair::fair(),
        chapter::chapter(),
        contact::add_user_as_contact(),
        contact::save_message_as_note(),
    ]
}
