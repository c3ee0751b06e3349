//! `/chapter`: a server's settings, chosen by its officers.

use chrono::Datelike;
use poise::serenity_prelude as serenity;

use crate::discord::{author, reply, CommandError, Context};
use crate::domain::{ChannelId, GuildId, RoleId, TimeZone};

/// Your chapter: settings (Manage Server) and figures for officers
// No default_member_permissions: Discord would hide the whole command from officers who have
// only the officer role. `setup` checks Manage Server itself; `stats` checks officers.
#[poise::command(
    slash_command,
    subcommands("setup", "show", "stats"),
    subcommand_required,
    guild_only,
    install_context = "Guild",
    interaction_context = "Guild"
)]
pub async fn chapter(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

fn guild(ctx: Context<'_>) -> Result<GuildId, CommandError> {
    ctx.guild_id().map(|g| GuildId(g.get())).ok_or_else(|| {
        CommandError::User(
            "This command needs a server: run it in your chapter's Discord server.".into(),
        )
    })
}

/// Choose the officer role and the channel reminders fall back to
#[poise::command(slash_command, guild_only, required_permissions = "MANAGE_GUILD")]
async fn setup(
    ctx: Context<'_>,
    #[rename = "officer-role"]
    #[description = "The role your chapter officers have"]
    officer_role: serenity::Role,
    #[rename = "fallback-channel"]
    #[description = "Where reminders go when a member's DMs are closed"]
    #[channel_types("Text")]
    fallback_channel: serenity::PartialChannel,
    #[description = "The zone of the chapter's calendar dates (default: the bot's)"]
    #[autocomplete = "super::me::autocomplete_zone"]
    #[max_length = 64]
    timezone: Option<String>,
    #[rename = "match-day"]
    #[description = "The chapter's Match Day, for members who set none"]
    #[autocomplete = "super::dates::autocomplete_future_date"]
    #[max_length = 40]
    match_day: Option<String>,
    #[rename = "members-add-programs"]
    #[description = "Let members add fair programs (default: officers only)"]
    members_add_programs: Option<bool>,
) -> Result<(), CommandError> {
    let zone = timezone.as_deref().map(TimeZone::parse).transpose()?;
    let guild = guild(ctx)?;
    if officer_role.guild_id.get() != guild.get() {
        return Err(CommandError::User("Pick a role from this server.".into()));
    }
    if officer_role.id.get() == guild.get() {
        return Err(CommandError::User(
            "@everyone can't be the officer role: pick the role your officers have.".into(),
        ));
    }
    if fallback_channel.kind != serenity::ChannelType::Text {
        return Err(CommandError::User(
            "Pick a text channel for the fallback channel.".into(),
        ));
    }
    let data = ctx.data();
    let today = crate::discord::today_for(data, author(ctx)).await;
    let match_day = match match_day.as_deref() {
        Some(text) => Some(crate::domain::when::parse_date(
            text,
            today,
            crate::domain::when::Direction::Future,
        )?),
        None => None,
    };
    let on_chapter_day = data
        .actions
        .configure_chapter(
            guild,
            RoleId(officer_role.id.get()),
            ChannelId(fallback_channel.id.get()),
            zone,
            match_day,
            members_add_programs,
            author(ctx),
        )
        .await?;
    let zone = data
        .store
        .chapter(guild)
        .await?
        .map_or(data.default_timezone, |c| {
            c.timezone_or(data.default_timezone)
        });
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Chapter set up. Officers: <@&{}>. Fallback channel: <#{}>. Calendar dates follow **{zone}**.{}",
            officer_role.id,
            fallback_channel.id,
            match match_day {
                Some(day) => format!(
                    " Chapter Match Day: {} (theirs for the {on_chapter_day} member{} who set none and use the bot only here).",
                    day.format("%a %-d %b %Y"),
                    if on_chapter_day == 1 { "" } else { "s" }
                ),
                None => String::new(),
            }
        )),
    )
    .await?;
    Ok(())
}

/// Show this chapter's settings
#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), CommandError> {
    let guild = guild(ctx)?;
    let chapter = ctx.data().store.chapter(guild).await?;
    let text = match chapter {
        Some(c) if c.is_configured() => {
            let role = c.officer_role.map_or_else(String::new, |r| format!("<@&{r}>"));
            let channel = c.fallback_channel.map_or_else(String::new, |ch| format!("<#{ch}>"));
            let when = c
                .configured_at
                .map_or_else(String::new, |at| format!(" (set {})", reply::timestamp(at, 'D')));
            let zone = c.timezone_or(ctx.data().default_timezone);
            format!(
                "**This chapter**\nOfficer role: {role}\nFallback channel: {channel}{when}\nCalendar time zone: {zone}\nChapter Match Day: {}\nMembers add fair programs: {}\nMembers who have used me here: {}",
                c.match_day.map_or_else(|| "not set".to_owned(), |d| d.format("%a %-d %b %Y").to_string()),
                if c.members_add_programs { "yes" } else { "no (officers only)" },
                c.member_count
            )
        }
        other => format!(
            "This chapter is not set up yet: someone with Manage Server can run `/chapter setup`.\nMembers who have used me here: {}",
            other.map_or(0, |c| c.member_count)
        ),
    };
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

/// The chapter in numbers: aggregates only, each over 5 members or more (officers)
#[poise::command(slash_command, guild_only)]
async fn stats(ctx: Context<'_>) -> Result<(), CommandError> {
    let guild = guild(ctx)?;
    let data = ctx.data();
    if !super::conference::officer(data, guild, super::conference::invoker(ctx)).await? {
        return Err(CommandError::User(
            "Only chapter officers can see the chapter's figures: the officer role chosen with `/chapter setup`, or Manage Server.".into(),
        ));
    }
    let chapter = data.store.chapter(guild).await?;
    let zone = chapter.as_ref().map_or(data.default_timezone, |c| {
        c.timezone_or(data.default_timezone)
    });
    let now = data.clock.now();
    let local = now.with_timezone(&zone.tz()).date_naive();
    let first = local.with_day(1).unwrap_or(local);
    let month_start = crate::domain::cadence::local_instant(first, 0, zone);
    let f = data.store.chapter_figures(guild, month_start, now).await?;
    use crate::domain::stats::{count, percent, MIN_MEMBERS};
    let members = if f.members < MIN_MEMBERS {
        "fewer than 5".to_owned()
    } else {
        f.members.to_string()
    };
    let text = format!(
        "**This chapter in numbers** (aggregates only; a figure needs 5 members or more)\n\
         Members who used the bot here: {members}\n\
         Contacts logged this month: {}\n\
         Follow-ups done on time, last 30 days: {}\n\
         Follow-ups done on time, last 90 days: {}\n\
         Stories written: {}\n\
         Stories shared here: {}\n\
         Conference sign-ups: {}\n\
         Fair programs marked: {}",
        count(f.contacts_month.0, f.contacts_month.1),
        percent(f.done_30.0, f.done_30.1, f.done_30.2),
        percent(f.done_90.0, f.done_90.1, f.done_90.2),
        count(f.stories.0, f.stories.1),
        count(f.shares.0, f.shares.1),
        count(f.sign_ups.0, f.sign_ups.1),
        count(f.fair_interests.0, f.fair_interests.1),
    );
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}
