//! The right-click menus: "Add as contact" on a member, "Save as contact note" on a message,
//! and the note's components (whose notes it goes to, or a new contact for it).

use poise::serenity_prelude as serenity;

use super::components::form;
use super::edit::{value_of, F_CALLBACK, F_HANDLE, F_INSTITUTION, F_NAME, F_WHERE};
use super::render::{added_text, card_buttons};
use super::ContactComponent;
use crate::discord::interaction::{
    self, form_values, text_input, Args, Component, Incoming, STALE_BUTTON, STALE_FORM,
};
use crate::discord::{author, reply, today_for, CommandError, Context, Data};
use crate::domain::contact::{limits, ContactId, ContactName};
use crate::domain::UserId;

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
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Save this as a note?\n> {}\n\nPick the contact it belongs to.",
            reply::escape(&reply::truncate(&text, 300))
        ))
        .components(rows),
    )
    .await?;
    Ok(())
}

/// "Save as contact note": whose notes a saved message goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoteComponent {
    /// Select: the contact the pending note belongs to.
    Target { pending: i64 },
    /// Button: the note is for someone not in the list yet.
    SomeoneElse { pending: i64 },
    /// Form: the name of that someone.
    NewContactForm { pending: i64 },
}

impl Component for NoteComponent {
    fn to_parts(&self) -> (&'static str, Vec<String>) {
        match self {
            NoteComponent::Target { pending } => ("n-target", vec![pending.to_string()]),
            NoteComponent::SomeoneElse { pending } => ("n-else", vec![pending.to_string()]),
            NoteComponent::NewContactForm { pending } => ("n-new-form", vec![pending.to_string()]),
        }
    }

    fn from_parts(code: &str, args: &mut Args<'_>) -> Option<Self> {
        Some(match code {
            "n-target" => NoteComponent::Target {
                pending: args.parse()?,
            },
            "n-else" => NoteComponent::SomeoneElse {
                pending: args.parse()?,
            },
            "n-new-form" => NoteComponent::NewContactForm {
                pending: args.parse()?,
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
pub fn note_examples() -> Vec<NoteComponent> {
    vec![
        NoteComponent::Target { pending: i64::MAX },
        NoteComponent::SomeoneElse { pending: i64::MAX },
        NoteComponent::NewContactForm { pending: i64::MAX },
    ]
}

/// The select, button and form of "Save as contact note".
pub async fn on_note_component(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    component: NoteComponent,
) -> Result<(), CommandError> {
    let stale = || CommandError::User(STALE_BUTTON.into());
    match component {
        NoteComponent::Target { pending } => {
            let Some(click) = incoming.as_click() else {
                return Err(CommandError::User(STALE_FORM.into()));
            };
            let serenity::ComponentInteractionDataKind::StringSelect { values } = &click.data.kind
            else {
                return Err(stale());
            };
            let contact = ContactId(
                values
                    .first()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(stale)?,
            );
            let today = today_for(data, owner).await;
            let c = data
                .actions
                .save_note_to(owner, pending, contact, today)
                .await?;
            incoming
                .update(
                    ctx,
                    format!("Saved to **{}**'s notes.", reply::escape(&c.name)),
                    Vec::new(),
                )
                .await
        }
        NoteComponent::SomeoneElse { pending } => {
            // The form only for the clicker's own note, still waiting (the id is untrusted).
            if data.store.pending_note(owner, pending).await?.is_none() {
                return Err(crate::actions::ActionError::NoteGone.into());
            }
            let modal = serenity::CreateModal::new(
                NoteComponent::NewContactForm { pending }.custom_id(owner),
                "New contact for this note",
            )
            .components(vec![text_input(
                F_NAME,
                "Their name",
                serenity::InputTextStyle::Short,
                None,
                limits::NAME,
                true,
            )]);
            incoming.open_form(ctx, modal).await
        }
        NoteComponent::NewContactForm { pending } => {
            let values = form_values(form(incoming)?);
            let name = ContactName::parse(value_of(&values, F_NAME).unwrap_or(""))?;
            let today = today_for(data, owner).await;
            let added = data
                .actions
                .save_note_to_new_contact(owner, pending, name, today)
                .await?;
            let text = added_text("Saved a new contact with the note.", &added, None);
            incoming
                .say_pages(ctx, &text, card_buttons(owner, added.contact.id))
                .await
        }
    }
}
