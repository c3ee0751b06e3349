//! Forms (modals) and ephemeral messages: text inputs that never exceed their own limit, and
//! prefills that survive being saved untouched.

use poise::serenity_prelude as serenity;

use crate::discord::CommandError;

/// A reply only the member sees, that pings nobody; its text is fit to Discord's limit.
pub fn ephemeral_message(text: impl Into<String>) -> serenity::CreateInteractionResponseMessage {
    serenity::CreateInteractionResponseMessage::new()
        .content(crate::discord::reply::fit(text.into()))
        .ephemeral(true)
        .allowed_mentions(serenity::CreateAllowedMentions::new())
}

/// One text input of a form, in its own row; `value` prefills it (cut to `max`, measured in
/// UTF-16 units, so the value never exceeds the input's own limit however Discord counts).
pub fn text_input(
    id: &str,
    label: &str,
    style: serenity::InputTextStyle,
    value: Option<&str>,
    max: usize,
    required: bool,
) -> serenity::CreateActionRow {
    let mut field = serenity::CreateInputText::new(style, label, id)
        .max_length(u16::try_from(max).unwrap_or(4000))
        .required(required);
    if let Some(v) = value.filter(|v| !v.is_empty()) {
        field = field.value(prefill(v, max));
    }
    serenity::CreateActionRow::InputText(field)
}

/// What a text input shows of a stored value: all of it, or as much as its limit holds.
pub fn prefill(value: &str, max: usize) -> String {
    crate::discord::reply::truncate(value, max)
}

/// A submitted form value, or the stored value it stands for when the member left a cut
/// prefill untouched: saving a form unchanged never shortens what was too long to prefill.
pub fn kept_or_typed<'a>(submitted: &'a str, stored: Option<&'a str>, max: usize) -> &'a str {
    match stored {
        Some(full) if submitted != full && submitted == prefill(full, max) => full,
        _ => submitted,
    }
}

/// Answers a slash command with a form (the command's first and only response).
pub async fn open_modal(
    ctx: crate::discord::Context<'_>,
    modal: serenity::CreateModal,
) -> Result<(), CommandError> {
    if let poise::Context::Application(app) = ctx {
        super::mark_answering(ctx).await;
        app.interaction
            .create_response(ctx, serenity::CreateInteractionResponse::Modal(modal))
            .await?;
        // Tell poise the interaction is answered, so nothing else tries to answer it.
        app.has_sent_initial_response
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }
    Ok(())
}

/// The text inputs of a submitted form, by custom id.
pub fn form_values(form: &serenity::ModalInteraction) -> Vec<(String, String)> {
    form.data
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .filter_map(|c| match c {
            serenity::ActionRowComponent::InputText(input) => Some((
                input.custom_id.clone(),
                input.value.clone().unwrap_or_default(),
            )),
            _ => None,
        })
        .collect()
}
