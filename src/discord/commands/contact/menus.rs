//! The right-click menus: "Add as contact" on a member, "Save as contact note" on a message.

use poise::serenity_prelude as serenity;

use super::edit::{F_CALLBACK, F_HANDLE, F_INSTITUTION, F_NAME, F_WHERE};
use super::{ContactComponent, NoteComponent};
use crate::discord::interaction::{self, text_input, Component};
use crate::discord::{author, reply, CommandError, Context};
use crate::domain::contact::limits;

/// Right-click a member → Apps → Add as contact: a form prefilled with their name and handle.
#[poise::command(
    context_menu_command = "Add as contact",
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn add_user_as_contact(
    ctx: Context<'_>,
    user: serenity::User,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let name = user
        .global_name
        .clone()
        .unwrap_or_else(|| user.name.clone());
    let handle = format!("@{} (Discord)", user.name);
    let modal = serenity::CreateModal::new(
        ContactComponent::NewContactForm.custom_id(owner),
        "Add as contact",
    )
    .components(vec![
        text_input(
            F_NAME,
            "Name",
            serenity::InputTextStyle::Short,
            Some(&name),
            limits::NAME,
            true,
        ),
        text_input(
            F_HANDLE,
            "Handle",
            serenity::InputTextStyle::Short,
            Some(&handle),
            limits::HANDLE,
            false,
        ),
        text_input(
            F_INSTITUTION,
            "Institution or program",
            serenity::InputTextStyle::Short,
            None,
            limits::INSTITUTION,
            false,
        ),
        text_input(
            F_WHERE,
            "Where you met",
            serenity::InputTextStyle::Short,
            None,
            limits::MET_LABEL,
            false,
        ),
        text_input(
            F_CALLBACK,
            "One thing you talked about",
            serenity::InputTextStyle::Paragraph,
            None,
            limits::CALLBACK,
            false,
        ),
    ]);
    interaction::open_modal(ctx, modal).await?;
    Ok(())
}

/// Right-click a message → Apps → Save as contact note: pick whose notes it goes to.
#[poise::command(
    context_menu_command = "Save as contact note",
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn save_message_as_note(
    ctx: Context<'_>,
    message: serenity::Message,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let text = message.content.trim();
    if text.is_empty() {
        return Err(CommandError::User(
            "That message has no text to save (I can't read attachments or embeds).".into(),
        ));
    }
    let text = reply::truncate(text, limits::INTERACTION_NOTE);
    let data = ctx.data();
    let pending = data
        .store
        .save_pending_note(owner, &text, data.clock.now())
        .await?;
    let recent = data.store.recent_contacts(owner, 24).await?;
    let mut rows = Vec::new();
    if !recent.is_empty() {
        let options = recent
            .iter()
            .map(|c| {
                let label = match &c.institution {
                    Some(place) => format!("{} — {place}", c.name),
                    None => c.name.clone(),
                };
                serenity::CreateSelectMenuOption::new(
                    reply::truncate(&label, 100),
                    c.id.to_string(),
                )
            })
            .collect();
        rows.push(serenity::CreateActionRow::SelectMenu(
            serenity::CreateSelectMenu::new(
                NoteComponent::Target { pending }.custom_id(owner),
                serenity::CreateSelectMenuKind::String { options },
            )
            .placeholder("Whose notes should this go to?"),
        ));
    }
    rows.push(serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(NoteComponent::SomeoneElse { pending }.custom_id(owner))
            .label("Someone else…")
            .style(serenity::ButtonStyle::Secondary),
    ]));
    ctx.send(
        reply::ephemeral(format!(
            "Save this as a note?\n> {}\n\nPick the contact it belongs to.",
            reply::escape(&reply::truncate(&text, 300))
        ))
        .components(rows),
    )
    .await?;
    Ok(())
}
