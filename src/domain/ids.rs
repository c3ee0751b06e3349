//! Discord snowflakes as our own types, so the domain and the store need no serenity.

use std::fmt;

macro_rules! snowflake {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub u64);

        impl $name {
            pub fn get(self) -> u64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

snowflake!(
    /// A Discord user: one member of the bot, across every server.
    UserId
);
snowflake!(
    /// A Discord server: one chapter.
    GuildId
);
snowflake!(
    /// A role in a chapter's server.
    RoleId
);
snowflake!(
    /// A channel in a chapter's server.
    ChannelId
);
