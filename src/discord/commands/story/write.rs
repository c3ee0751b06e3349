//! `/story write`: the four parts in a form, prefilled with the latest version; every save is
//! a new version.

use poise::serenity_prelude as serenity;

use super::render::analysis_text;
use super::StoryComponent;
use crate::discord::interaction::{
    self, form_values, kept_or_typed, text_input, Component, Incoming, STALE_BUTTON,
};
use crate::discord::{author, CommandError, Context, Data};
use crate::domain::story::{Part, StoryText, EVENT_MAX_CHARS, PART_MAX_CHARS};
use crate::domain::UserId;

/// Write a new version of your story (four parts, about a minute aloud)
#[poise::command(slash_command)]
pub(super) async fn write(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let latest = ctx.data().store.story(owner, None).await?;
    let t = latest.as_ref().map(|s| &s.text);
    let paragraph = serenity::InputTextStyle::Paragraph;
    let modal = serenity::CreateModal::new(
        StoryComponent::WriteForm.custom_id(owner),
        "Your one-minute story",
    )
    .components(vec![
        text_input(
            "who",
            "1. Who you are (year, school, stage)",
            paragraph,
            t.map(|t| t.who.as_str()),
            PART_MAX_CHARS,
            true,
        ),
        text_input(
            "why_em",
            "2. Why emergency medicine",
            paragraph,
            t.map(|t| t.why_em.as_str()),
            PART_MAX_CHARS,
            true,
        ),
        text_input(
            "interest",
            "3. What interests you within EM",
            paragraph,
            t.map(|t| t.interest.as_str()),
            PART_MAX_CHARS,
            true,
        ),
        text_input(
            "hope",
            "4. What you hope to learn or do here",
            paragraph,
            t.map(|t| t.hope.as_str()),
            PART_MAX_CHARS,
            true,
        ),
        text_input(
            "event",
            "Event (optional), e.g. SAEM residency fair",
            serenity::InputTextStyle::Short,
            t.and_then(|t| t.event.as_deref()),
            EVENT_MAX_CHARS,
            false,
        ),
    ]);
    interaction::open_modal(ctx, modal).await?;
    Ok(())
}

/// The form submitted: a new version.
pub(super) async fn on_form(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
) -> Result<(), CommandError> {
    let stale = || CommandError::User(STALE_BUTTON.into());
    let now = data.clock.now();
    let Some(form) = incoming.as_form() else {
        return Err(stale());
    };
    let values = form_values(form);
    // A part too long to prefill in full and left untouched keeps its full text.
    let latest = data.store.story(owner, None).await?;
    let get = |id: &str| {
        let typed = values
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, v)| v.as_str())
            .unwrap_or("");
        let stored = latest.as_ref().and_then(|s| match id {
            "event" => s.text.event.as_deref(),
            _ => Part::ALL
                .iter()
                .find(|p| p.code() == id)
                .map(|p| s.text.part(*p)),
        });
        let max = if id == "event" {
            EVENT_MAX_CHARS
        } else {
            PART_MAX_CHARS
        };
        kept_or_typed(typed, stored, max)
    };
    let text = StoryText::parse(
        get("who"),
        get("why_em"),
        get("interest"),
        get("hope"),
        Some(get("event")),
    )?;
    let story = data.store.save_story(owner, &text, now).await?;
    incoming
        .say(
            ctx,
            format!(
                "Saved as version {}.\n\n{}",
                story.version,
                analysis_text(&story)
            ),
        )
        .await
}
