//! Buttons and modal forms: custom ids name an action and the member it belongs to.

use poise::serenity_prelude as serenity;

use super::{CommandError, Data};
use crate::domain::UserId;

/// What a button or form does when used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    DeleteMeConfirm,
    DeleteMeCancel,
}

impl Action {
    const ALL: [Action; 2] = [Action::DeleteMeConfirm, Action::DeleteMeCancel];

    fn code(self) -> &'static str {
        match self {
            Action::DeleteMeConfirm => "me-delete-yes",
            Action::DeleteMeCancel => "me-delete-no",
        }
    }
}

/// `emig:<action>:<owner>`; ids are ours, so anything else is stale or forged.
pub fn custom_id(action: Action, owner: UserId) -> String {
    format!("emig:{}:{}", action.code(), owner)
}

fn parse_custom_id(id: &str) -> Option<(Action, UserId)> {
    let mut parts = id.split(':');
    if parts.next()? != "emig" {
        return None;
    }
    let code = parts.next()?;
    let action = Action::ALL.into_iter().find(|a| a.code() == code)?;
    let owner = UserId(parts.next()?.parse().ok()?);
    parts.next().is_none().then_some((action, owner))
}

const STALE_BUTTON: &str = "This button is no longer active. Run the command again.";
const STALE_FORM: &str =
    "This form is no longer active and nothing was saved. Run the command again.";
const NOT_YOURS: &str =
    "This button belongs to someone else's command. Run the command yourself to get your own.";

pub async fn on_event(
    framework: poise::FrameworkContext<'_, Data, CommandError>,
    event: &serenity::FullEvent,
) -> Result<(), CommandError> {
    let serenity::FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    let ctx = framework.serenity_context;
    let data = framework.user_data;
    match interaction {
        serenity::Interaction::Component(click) => on_click(ctx, data, click).await,
        serenity::Interaction::Modal(form) => {
            // No form of ours is open yet; any submit is from an older version of the bot.
            respond(ctx, &form.id, &form.token, ephemeral_message(STALE_FORM)).await
        }
        _ => Ok(()),
    }
}

async fn on_click(
    ctx: &serenity::Context,
    data: &Data,
    click: &serenity::ComponentInteraction,
) -> Result<(), CommandError> {
    let Some((action, owner)) = parse_custom_id(&click.data.custom_id) else {
        return respond(
            ctx,
            &click.id,
            &click.token,
            ephemeral_message(STALE_BUTTON),
        )
        .await;
    };
    if owner.get() != click.user.id.get() {
        return respond(ctx, &click.id, &click.token, ephemeral_message(NOT_YOURS)).await;
    }
    let text = match action {
        Action::DeleteMeConfirm => {
            data.store.delete_member(owner).await?;
            tracing::info!("a member erased their data");
            "Done: everything the bot kept about you is erased. Using a command again starts afresh."
        }
        Action::DeleteMeCancel => "Nothing was deleted.",
    };
    let update = serenity::CreateInteractionResponseMessage::new()
        .content(text)
        .components(Vec::new())
        .allowed_mentions(serenity::CreateAllowedMentions::new());
    respond(
        ctx,
        &click.id,
        &click.token,
        serenity::CreateInteractionResponse::UpdateMessage(update),
    )
    .await
}

fn ephemeral_message(text: &str) -> serenity::CreateInteractionResponse {
    serenity::CreateInteractionResponse::Message(
        serenity::CreateInteractionResponseMessage::new()
            .content(text)
            .ephemeral(true)
            .allowed_mentions(serenity::CreateAllowedMentions::new()),
    )
}

async fn respond(
    ctx: &serenity::Context,
    id: &serenity::InteractionId,
    token: &str,
    response: serenity::CreateInteractionResponse,
) -> Result<(), CommandError> {
    serenity::builder::Builder::execute(response, ctx, (*id, token)).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip_and_reject_strangers() {
        let id = custom_id(Action::DeleteMeConfirm, UserId(42));
        assert_eq!(
            parse_custom_id(&id),
            Some((Action::DeleteMeConfirm, UserId(42)))
        );
        assert_eq!(parse_custom_id("emig:me-delete-yes:abc"), None);
        assert_eq!(parse_custom_id("emig:unknown:42"), None);
        assert_eq!(parse_custom_id("emig:me-delete-yes:42:extra"), None);
        assert_eq!(parse_custom_id("other"), None);
    }
}
