//! `/me`: a member's own settings — time zone, stage, what the bot keeps about them.

use poise::serenity_prelude as serenity;

use crate::discord::components::{self, Action, Incoming, Parsed};
use crate::discord::Data;
use crate::discord::{author, reply, CommandError, Context};
use crate::domain::{Stage, TimeZone};

/// Your settings: time zone, training stage, your data
#[poise::command(
    slash_command,
    subcommands("timezone", "stage", "show", "delete"),
    subcommand_required,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn me(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

async fn autocomplete_zone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = TimeZone::suggest(partial)
        .into_iter()
        .map(|name| serenity::AutocompleteChoice::new(name, name))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Set your time zone, so dates and nudges follow your local time
#[poise::command(slash_command)]
async fn timezone(
    ctx: Context<'_>,
    #[description = "Your time zone, such as Europe/Berlin or America/Chicago"]
    #[autocomplete = "autocomplete_zone"]
    #[max_length = 64]
    zone: String,
) -> Result<(), CommandError> {
    let zone = TimeZone::parse(&zone)?;
    let now = ctx.data().clock.now();
    ctx.data()
        .store
        .set_timezone(author(ctx), zone, now)
        .await?;
    let local = now.with_timezone(&zone.tz()).format("%a %-d %b, %H:%M");
    ctx.send(reply::ephemeral(format!(
        "Time zone set to **{zone}** (it is {local} there now). Dates and nudges now follow it."
    )))
    .await?;
    Ok(())
}

/// Set your training stage, so suggestions fit where you are
#[poise::command(slash_command)]
async fn stage(
    ctx: Context<'_>,
    #[description = "Where you are in training"] stage: Stage,
) -> Result<(), CommandError> {
    let data = ctx.data();
    data.store
        .set_stage(author(ctx), stage, data.clock.now())
        .await?;
    ctx.send(reply::ephemeral(format!(
        "Stage set to **{}**.",
        stage.label()
    )))
    .await?;
    Ok(())
}

/// Show your settings
#[poise::command(slash_command)]
async fn show(ctx: Context<'_>) -> Result<(), CommandError> {
    let data = ctx.data();
    let member = data.store.member(author(ctx)).await?;
    let chapters = data.store.chapters_of(author(ctx)).await?;
    let zone = match member.timezone {
        Some(zone) => format!("**{zone}**"),
        None => format!(
            "not set — using **{}** (set yours with `/me timezone`)",
            data.default_timezone
        ),
    };
    let stage = member
        .stage
        .map_or("not set (set it with `/me stage`)", Stage::label);
    let nudges = if member.dms.enabled {
        format!("by DM at {:02}:00 your time", member.dms.hour)
    } else {
        "off".to_owned()
    };
    ctx.send(reply::ephemeral(format!(
        "**Your settings**\nTime zone: {zone}\nStage: {stage}\nNudges: {nudges}\nChapters (servers where you used me): {}",
        chapters.len()
    )))
    .await?;
    Ok(())
}

/// Erase everything the bot keeps about you (asks first)
#[poise::command(slash_command)]
async fn delete(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(components::custom_id(Action::DeleteMeConfirm, owner, &[]))
            .label("Delete everything")
            .style(serenity::ButtonStyle::Danger),
        serenity::CreateButton::new(components::custom_id(Action::DeleteMeCancel, owner, &[]))
            .label("Cancel")
            .style(serenity::ButtonStyle::Secondary),
    ]);
    ctx.send(
        reply::ephemeral(
            "This erases your settings and every record the bot keeps about you, in every server. It cannot be undone.",
        )
        .components(vec![buttons]),
    )
    .await?;
    Ok(())
}

/// The answer to `/me delete`'s question.
pub async fn on_delete_choice(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    parsed: &Parsed,
) -> Result<(), CommandError> {
    let text = if parsed.action == Action::DeleteMeConfirm {
        data.store.delete_member(parsed.owner).await?;
        tracing::info!("a member erased their data");
        "Done: everything the bot kept about you is erased. Using a command again starts afresh."
    } else {
        "Nothing was deleted."
    };
    incoming.update(ctx, text, Vec::new()).await
}
