//! Every slash command, one file per area.

pub mod chapter;
pub mod help;
pub mod me;

use super::Command;

/// The commands the bot registers, in the order `/help` lists them.
pub fn all() -> Vec<Command> {
    vec![help::help(), me::me(), chapter::chapter()]
}
