//! A chapter: one Discord server that uses the bot, with the settings its officers chose.

use chrono::{DateTime, Utc};

use super::{ChannelId, GuildId, RoleId, TimeZone, UserId};

/// A server where the bot has been used. Its settings are empty until an officer runs
/// `/chapter setup`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chapter {
    pub guild_id: GuildId,
    pub officer_role: Option<RoleId>,
    pub fallback_channel: Option<ChannelId>,
    pub configured_by: Option<UserId>,
    pub configured_at: Option<DateTime<Utc>>,
    /// The zone of the chapter's own dates (its calendar); `None` is the deployment's.
    pub timezone: Option<TimeZone>,
    /// The chapter's Match Day: offered to members, and theirs when they set none and use the
    /// bot in this chapter only.
    pub match_day: Option<chrono::NaiveDate>,
    /// Whether members (not only officers) may add programs to a fair.
    pub members_add_programs: bool,
    /// Members who have run a command in this server.
    pub member_count: u64,
}

impl Chapter {
    pub fn is_configured(&self) -> bool {
        self.officer_role.is_some() && self.fallback_channel.is_some()
    }

    /// The chapter's zone, or `default` when its officers chose none.
    pub fn timezone_or(&self, default: TimeZone) -> TimeZone {
        self.timezone.unwrap_or(default)
    }
}

/// Whether a member may change the chapter's calendar: Manage Server (which Administrator
/// includes) or the chapter's officer role. The bot checks this itself, since officers with
/// only the role see the same commands as everyone.
pub fn is_officer(
    officer_role: Option<RoleId>,
    member_roles: &[RoleId],
    manages_server: bool,
) -> bool {
    manages_server || officer_role.is_some_and(|role| member_roles.contains(&role))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn officers_are_the_role_or_manage_server() {
        let role = Some(RoleId(7));
        assert!(is_officer(role, &[RoleId(3), RoleId(7)], false));
        assert!(is_officer(role, &[], true));
        assert!(is_officer(None, &[], true));
        assert!(!is_officer(role, &[RoleId(3)], false));
        assert!(!is_officer(None, &[RoleId(7)], false));
    }
}
