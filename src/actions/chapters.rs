//! A chapter's settings, chosen by an officer with Manage Server. One transaction.

use chrono::NaiveDate;

use super::{ActionResult, Actions};
use crate::domain::{ChannelId, GuildId, RoleId, TimeZone, UserId};

impl Actions {
    /// Stores the chapter's settings. A chapter Match Day becomes the Match Day of every
    /// member who set none and uses the bot in this chapter only: their close-the-loop
    /// follow-ups are scheduled with it. Returns how many members that is.
    #[allow(clippy::too_many_arguments)]
    pub async fn configure_chapter(
        &self,
        guild: GuildId,
        officer_role: RoleId,
        fallback_channel: ChannelId,
        timezone: Option<TimeZone>,
        match_day: Option<NaiveDate>,
        members_add_programs: Option<bool>,
        by: UserId,
    ) -> ActionResult<usize> {
        let now = self.now();
        let mut tx = self.store.begin_locked(guild.0).await?;
        tx.configure_chapter(guild, officer_role, fallback_channel, timezone, by, now)
            .await?;
        tx.set_chapter_extras(guild, match_day, members_add_programs)
            .await?;
        let mut members = 0;
        if let Some(day) = match_day {
            for member in tx.members_on_chapter_match_day(guild).await? {
                super::follow_ups::schedule_match_day(
                    &mut tx,
                    self.default_timezone,
                    member,
                    day,
                    now,
                )
                .await?;
                members += 1;
            }
        }
        tx.commit().await?;
        self.wake.notify_one();
        Ok(members)
    }
}
