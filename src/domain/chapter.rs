//! A chapter: one Discord server that uses the bot, with the settings its officers chose.

use chrono::{DateTime, Utc};

use super::{ChannelId, GuildId, RoleId, UserId};

/// A server where the bot has been used. Its settings are empty until an officer runs
/// `/chapter setup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    pub guild_id: GuildId,
    pub officer_role: Option<RoleId>,
    pub fallback_channel: Option<ChannelId>,
    pub configured_by: Option<UserId>,
    pub configured_at: Option<DateTime<Utc>>,
    /// Members who have run a command in this server.
    pub member_count: u64,
}

impl Chapter {
    pub fn is_configured(&self) -> bool {
        self.officer_role.is_some() && self.fallback_channel.is_some()
    }
}
