//! `/draft`: a follow-up message filled from a contact's record, for the member to copy.

use poise::serenity_prelude as serenity;

use super::contact::{autocomplete_contact, resolve};
use crate::discord::interaction::Incoming;
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::contact::{Ask, Contact, Text};
use crate::domain::draft::{DraftFacts, Situation};
use crate::domain::UserId;

/// The draft as a reply: plain text, escaped so a name never formats or pings, easy to copy.
async fn render(
    data: &Data,
    owner: UserId,
    contact: &Contact,
    situation: Situation,
    ask: Option<String>,
) -> Result<String, CommandError> {
    let member = data.store.member(owner).await?;
    let facts = DraftFacts::new(contact, member.stage, ask);
    let text = data.drafts.render(situation, &facts).map_err(|e| {
        tracing::error!(situation = situation.code(), error = %e, "draft template failed");
        CommandError::User("That draft template is broken; tell your bot's admin.".into())
    })?;
    let warning = if situation == Situation::InterviewThanks {
        super::program::no_contact_warning(data, owner, contact.id).await?
    } else {
        None
    };
    Ok(format!(
        "{}**Draft — {}** (copy it, fill the [brackets], send it yourself):\n\n{}",
        warning.map(|w| format!("{w}\n\n")).unwrap_or_default(),
        situation.label(),
        reply::escape(&text)
    ))
}

/// Draft a follow-up message for a contact, filled from their card
#[poise::command(
    slash_command,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn draft(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
    #[description = "Which situation"] situation: Situation,
    #[description = "One concrete thing to ask for (optional)"]
    #[max_length = 300]
    ask: Option<String>,
) -> Result<(), CommandError> {
    let ask = Text::<Ask>::parse_optional(ask.as_deref())?.map(Text::into_string);
    let Some(c) = resolve(ctx, &contact).await? else {
        return Ok(());
    };
    let text = render(ctx.data(), author(ctx), &c, situation, ask).await?;
    // A draft is never cut: one too long for a message comes in two.
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// The Draft button on a nudge: the draft that fits the follow-up.
pub async fn on_draft_button(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    id: i64,
) -> Result<(), CommandError> {
    let Some(f) = data.store.follow_up(owner, id).await? else {
        return incoming
            .say(ctx, "This follow-up is already done, moved or turned off. Use `/draft` for any contact.")
            .await;
    };
    let Some(c) = data.store.contact(owner, f.contact_id).await? else {
        return incoming.say(ctx, "That contact no longer exists.").await;
    };
    let text = render(data, owner, &c, Situation::for_follow_up(f.kind), None).await?;
    incoming.say_pages(ctx, &text, Vec::new()).await
}
