//! `/contact show`, `edit` and `delete`, and the long-fields form.

use poise::serenity_prelude as serenity;

use super::fields::Fields;
use super::pick::{autocomplete_contact, resolve};
use super::render::{card, card_buttons, history};
use super::ContactComponent;
use crate::discord::commands::conference::{autocomplete_met_conference, met_conference};
use crate::discord::commands::dates::{autocomplete_any_date, autocomplete_past_date};
use crate::discord::interaction::{self, kept_or_typed, text_input, Component};
use crate::discord::{author, reply, today_for, CommandError, Context};
use crate::domain::contact::{
    limits, Contact, ContactName, ContactPatch, ContactRole, Email, MentorKind, MetKind,
    Relationship, Tags, Text, TextRule,
};
use crate::domain::UserId;

/// Show a contact's card and history
#[poise::command(slash_command)]
pub(super) async fn show(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
) -> Result<(), CommandError> {
    let Some(c) = resolve(ctx, &contact).await? else {
        return Ok(());
    };
    let owner = author(ctx);
    let data = ctx.data();
    data.store
        .touch_contact(owner, c.id, data.clock.now())
        .await?;
    let items = data.store.interactions(owner, c.id).await?;
    let text = format!("{}{}", card(&c), history(&items));
    reply::send_pages(ctx, &text, card_buttons(owner, c.id)).await?;
    Ok(())
}

/// Change a contact: only the fields you give change ("-" clears one); none opens a form
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command)]
pub(super) async fn edit(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
    #[description = "New name"]
    #[max_length = 100]
    name: Option<String>,
    #[description = "What they are"] role: Option<ContactRole>,
    #[description = "Institution or program"]
    #[max_length = 120]
    institution: Option<String>,
    #[rename = "how-met"]
    #[description = "How you met"]
    how_met: Option<MetKind>,
    #[rename = "where-met"]
    #[description = "e.g. SAEM 2026 residency fair"]
    #[max_length = 120]
    where_met: Option<String>,
    #[rename = "when-met"]
    #[description = "When you met"]
    #[autocomplete = "autocomplete_past_date"]
    #[max_length = 40]
    when_met: Option<String>,
    #[rename = "rotation-ends"]
    #[description = "For rotations: the day it ends"]
    #[autocomplete = "autocomplete_any_date"]
    #[max_length = 40]
    rotation_ends: Option<String>,
    #[description = "Mentor, sponsor, peer or other"] relationship: Option<Relationship>,
    #[rename = "mentor-kind"]
    #[description = "For mentors: which kind"]
    mentor_kind: Option<MentorKind>,
    #[rename = "talked-about"]
    #[description = "One specific thing you talked about"]
    #[max_length = 300]
    talked_about: Option<String>,
    #[description = "Their email (- clears)"]
    #[max_length = 254]
    email: Option<String>,
    #[description = "Their phone number (- clears)"]
    #[max_length = 32]
    phone: Option<String>,
    #[description = "LinkedIn, X or other handle (- clears)"]
    #[max_length = 100]
    handle: Option<String>,
    #[description = "Tags, replacing the current ones (- clears)"]
    #[max_length = 320]
    tags: Option<String>,
    #[description = "Notes, replacing the current ones (never patient information)"]
    #[max_length = 1500]
    notes: Option<String>,
    #[description = "The chapter conference you met at"]
    #[autocomplete = "autocomplete_met_conference"]
    #[max_length = 100]
    conference: Option<String>,
    #[description = "Your away rotation you met on (from /season)"]
    #[autocomplete = "crate::discord::commands::season::autocomplete_rotation"]
    #[max_length = 100]
    rotation: Option<String>,
) -> Result<(), CommandError> {
    let name = name.map(|n| ContactName::parse(&n)).transpose()?;
    // The member's "today" is read once per command.
    let today = today_for(ctx.data(), author(ctx)).await;
    let f = Fields::parse(
        today,
        role,
        institution,
        how_met,
        where_met,
        when_met,
        rotation_ends,
        relationship,
        mentor_kind,
        talked_about,
        email,
        phone,
        handle,
        tags,
        notes,
    )?;
    let Some(c) = resolve(ctx, &contact).await? else {
        return Ok(());
    };
    let patch = ContactPatch {
        name,
        role: f.role.map(Some),
        institution: f.institution,
        met_kind: f.met_kind.map(Some),
        met_label: f.met_label,
        rotation_ends_on: f.rotation_ends_on.map(Some),
        conference_id: match conference.as_deref() {
            Some(input) => Some(Some(met_conference(ctx, input).await?)),
            None => None,
        },
        rotation_id: rotation
            .as_deref()
            .map(crate::discord::commands::season::rotation_id)
            .transpose()?
            .map(Some),
        met_on: f.met_on,
        relationship: f.relationship.map(Some),
        mentor_kind: f.mentor_kind.map(Some),
        callback: f.callback,
        email: f.email,
        phone: f.phone,
        handle: f.handle,
        tags: f.tags,
        notes: f.notes,
    };
    let owner = author(ctx);
    if patch.is_empty() {
        // No field given: edit the long fields in a form, prefilled.
        return interaction::open_modal(ctx, details_modal(owner, &c)).await;
    }
    let data = ctx.data();
    let edited = data
        .actions
        .edit_contact(owner, c.id, None, move |_| Ok(patch))
        .await?;
    reply::send_pages(ctx, &format!("Updated.\n\n{}", card(&edited)), Vec::new()).await?;
    Ok(())
}

/// Delete a contact and its history (asks first)
#[poise::command(slash_command)]
pub(super) async fn delete(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
) -> Result<(), CommandError> {
    let Some(c) = resolve(ctx, &contact).await? else {
        return Ok(());
    };
    let owner = author(ctx);
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(
            ContactComponent::DeleteConfirm { contact: c.id }.custom_id(owner),
        )
        .label("Delete")
        .style(serenity::ButtonStyle::Danger),
        serenity::CreateButton::new(
            ContactComponent::DeleteCancel { contact: c.id }.custom_id(owner),
        )
        .label("Keep")
        .style(serenity::ButtonStyle::Secondary),
    ]);
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Delete **{}** and everything logged with them? This cannot be undone.",
            reply::escape(&c.name)
        ))
        .components(vec![buttons]),
    )
    .await?;
    Ok(())
}

pub(super) const F_CALLBACK: &str = "callback";
pub(super) const F_EMAIL: &str = "email";
pub(super) const F_HANDLE: &str = "handle";
pub(super) const F_TAGS: &str = "tags";
pub(super) const F_NOTES: &str = "notes";
pub(super) const F_NAME: &str = "name";
pub(super) const F_INSTITUTION: &str = "institution";
pub(super) const F_WHERE: &str = "where";

/// The long fields of a contact, prefilled; an emptied field is cleared.
pub(super) fn details_modal(owner: UserId, c: &Contact) -> serenity::CreateModal {
    let tags = c.tags.join(", ");
    serenity::CreateModal::new(
        ContactComponent::DetailsForm {
            contact: c.id,
            opened_at: Some(c.version),
        }
        .custom_id(owner),
        reply::truncate(&format!("Details: {}", c.name), 45),
    )
    .components(vec![
        text_input(
            F_CALLBACK,
            "One thing you talked about",
            serenity::InputTextStyle::Paragraph,
            c.callback.as_deref(),
            limits::CALLBACK,
            false,
        ),
        text_input(
            F_EMAIL,
            "Email",
            serenity::InputTextStyle::Short,
            c.email.as_deref(),
            limits::EMAIL,
            false,
        ),
        text_input(
            F_HANDLE,
            "LinkedIn, X or other handle",
            serenity::InputTextStyle::Short,
            c.handle.as_deref(),
            limits::HANDLE,
            false,
        ),
        text_input(
            F_TAGS,
            "Tags (comma separated)",
            serenity::InputTextStyle::Short,
            Some(&tags),
            limits::TAGS_TEXT,
            false,
        ),
        text_input(
            F_NOTES,
            "Notes (no patient information)",
            serenity::InputTextStyle::Paragraph,
            c.notes.as_deref(),
            limits::NOTES,
            false,
        ),
    ])
}

/// The details form's values, with every prefill the member left untouched read back as the
/// stored value it was cut from.
pub(super) fn untouched_prefills(
    stored: &Contact,
    values: Vec<(String, String)>,
) -> Vec<(String, String)> {
    let tags = stored.tags.join(", ");
    values
        .into_iter()
        .map(|(id, typed)| {
            let (full, max) = match id.as_str() {
                F_CALLBACK => (stored.callback.as_deref(), limits::CALLBACK),
                F_EMAIL => (stored.email.as_deref(), limits::EMAIL),
                F_HANDLE => (stored.handle.as_deref(), limits::HANDLE),
                F_TAGS => (Some(tags.as_str()), limits::TAGS_TEXT),
                F_NOTES => (stored.notes.as_deref(), limits::NOTES),
                _ => (None, 0),
            };
            let kept = kept_or_typed(&typed, full, max).to_owned();
            (id, kept)
        })
        .collect()
}

pub(super) fn value_of<'a>(values: &'a [(String, String)], id: &str) -> Option<&'a str> {
    values
        .iter()
        .find(|(k, _)| k == id)
        .map(|(_, v)| v.as_str())
}

/// The edit a submitted details form asks for; every field is replaced, empty clears.
pub(super) fn details_patch(values: &[(String, String)]) -> Result<ContactPatch, CommandError> {
    fn text<R: TextRule>(
        values: &[(String, String)],
        id: &str,
    ) -> Result<Option<Option<Text<R>>>, CommandError> {
        value_of(values, id)
            .map(Text::parse)
            .transpose()
            .map_err(CommandError::from)
    }
    Ok(ContactPatch {
        callback: text(values, F_CALLBACK)?,
        email: match value_of(values, F_EMAIL).map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(e) => Some(Some(Email::parse(e)?)),
        },
        handle: text(values, F_HANDLE)?,
        tags: value_of(values, F_TAGS).map(Tags::parse).transpose()?,
        notes: text(values, F_NOTES)?,
        ..ContactPatch::default()
    })
}
