//! Picking a `<contact>`: autocomplete over the member's own contacts, and resolving what was
//! picked or typed (namesakes are listed to choose from).

use poise::serenity_prelude as serenity;

use super::render::one_line;
use super::{ContactComponent, NOT_FOUND};
use crate::discord::interaction::Component;
use crate::discord::{author, reply, today_for, CommandError, Context};
use crate::domain::contact::{Contact, ContactId};

/// The member's own contacts matching what they typed; the value carries the id.
pub(crate) async fn autocomplete_contact(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let owner = author(ctx);
    let choices = match ctx.data().store.suggest_contacts(owner, partial, 25).await {
        Ok(hits) => hits
            .into_iter()
            .map(|h| {
                let label = match &h.institution {
                    Some(place) => format!("{} — {place}", h.name),
                    None => h.name.clone(),
                };
                serenity::AutocompleteChoice::new(
                    reply::truncate(&label, 100),
                    format!("#{}", h.id),
                )
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "contact autocomplete failed");
            Vec::new()
        }
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The contact a `<contact>` option names: a picked suggestion ("#id") or a typed exact name.
/// `Ok(None)` when several contacts share the name and the member was shown them to pick.
pub(crate) async fn resolve(
    ctx: Context<'_>,
    input: &str,
) -> Result<Option<Contact>, CommandError> {
    let owner = author(ctx);
    let store = &ctx.data().store;
    if let Some(id) = crate::discord::interaction::picked_id(input) {
        if let Some(found) = store.contact(owner, ContactId(id)).await? {
            return Ok(Some(found));
        }
    }
    let mut named = store.contacts_named(owner, input).await?;
    match named.len() {
        0 => Err(CommandError::User(NOT_FOUND.into())),
        1 => Ok(named.pop()),
        _ => {
            let today = today_for(ctx.data(), owner).await;
            let mut text = format!(
                "You have {} contacts named **{}**. Pick the one you mean from the suggestions as you type, or open one here:",
                named.len(),
                reply::escape(&named[0].name)
            );
            let mut buttons = Vec::new();
            for (i, c) in named.iter().take(5).enumerate() {
                text.push_str(&format!("\n{}. {}", i + 1, one_line(c, today)));
                buttons.push(
                    serenity::CreateButton::new(
                        ContactComponent::Show { contact: c.id }.custom_id(owner),
                    )
                    .label(format!("Show {}", i + 1))
                    .style(serenity::ButtonStyle::Secondary),
                );
            }
            reply::send(
                ctx,
                reply::ephemeral(text)
                    .components(vec![serenity::CreateActionRow::Buttons(buttons)]),
            )
            .await?;
            Ok(None)
        }
    }
}
