//! Plain Rust types and rules of the product: no Discord, no SQL.

/// Generates the code/label/`ALL` plumbing of a small enum stored as text.
macro_rules! coded_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident => ($code:literal, $label:literal)),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code stored in the database.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            pub fn from_code(code: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.code() == code)
            }

            /// How it reads to a member.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
    };
}

pub mod cadence;
pub mod chapter;
pub mod conference;
pub mod contact;
pub mod draft;
pub mod export;
pub mod fair;
pub mod ics;
pub mod ids;
pub mod import;
pub mod letter;
pub mod member;
pub mod network;
pub mod pairing;
pub mod program;
pub mod quick_add;
pub mod season;
pub mod stats;
pub mod story;
pub mod text;

#[cfg(test)]
mod props;
#[cfg(test)]
pub use props::config as props_config;
pub mod when;

pub use chapter::Chapter;
pub use ids::{ChannelId, GuildId, RoleId, UserId};
pub use member::{DmPreferences, Member, Stage, TimeZone, TimeZoneError};
