//! `/chapter`: a server's settings, chosen by its officers.

use poise::serenity_prelude as serenity;

use crate::discord::{author, reply, CommandError, Context};
use crate::domain::{ChannelId, GuildId, RoleId, TimeZone};

/// Your chapter's settings (needs Manage Server)
#[poise::command(
    slash_command,
    subcommands("setup", "show"),
    subcommand_required,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
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
    data.store
        .configure_chapter(
            guild,
            RoleId(officer_role.id.get()),
            ChannelId(fallback_channel.id.get()),
            zone,
            author(ctx),
            data.clock.now(),
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
            "Chapter set up. Officers: <@&{}>. Fallback channel: <#{}>. Calendar dates follow **{zone}**.",
            officer_role.id, fallback_channel.id
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
                "**This chapter**\nOfficer role: {role}\nFallback channel: {channel}{when}\nCalendar time zone: {zone}\nMembers who have used me here: {}",
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
