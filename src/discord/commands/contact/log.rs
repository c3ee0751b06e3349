//! `/contact log`: record an interaction, which moves the contact's rhythm on.

use super::pick::{autocomplete_contact, resolve};
use super::render::date_text;
use crate::discord::commands::dates::autocomplete_past_date;
use crate::discord::commands::followup::describe;
use crate::discord::{author, reply, today_for, CommandError, Context};
use crate::domain::contact::{InteractionKind, InteractionNote, Text};
use crate::domain::when::{self, Direction};

/// Record an interaction: met, update, thanks, meeting, offered help, ask
#[poise::command(slash_command)]
pub(super) async fn log(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
    #[description = "What happened"] kind: InteractionKind,
    #[description = "A short note (never patient information)"]
    #[max_length = 500]
    note: Option<String>,
    #[description = "When (default today), e.g. yesterday, last friday"]
    #[autocomplete = "autocomplete_past_date"]
    #[max_length = 40]
    date: Option<String>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let today = today_for(ctx.data(), owner).await;
    let note = Text::<InteractionNote>::parse_optional(note.as_deref())?;
    let on = date
        .map(|d| when::parse_date(&d, today, Direction::Past))
        .transpose()?
        .unwrap_or(today);
    let Some(c) = resolve(ctx, &contact).await? else {
        return Ok(());
    };
    let (_, next) = ctx
        .data()
        .actions
        .log_interaction(owner, c.id, kind, note.as_deref(), on)
        .await?;
    let mut text = format!(
        "Logged **{}** with {} on {}.",
        kind.label(),
        reply::escape(&c.name),
        date_text(on)
    );
    if let Some(next) = next {
        text.push_str(&format!("\nNext follow-up: {}.", describe(&next)));
    }
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}
