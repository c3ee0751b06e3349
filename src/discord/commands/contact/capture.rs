//! Capturing someone: `/contact add` (only the name needed) and `/contact quick` (one line).

use chrono::NaiveDate;

use super::fields::Fields;
use super::render::{added_text, card_buttons};
use crate::discord::commands::conference::{autocomplete_met_conference, met_conference};
use crate::discord::commands::dates::{autocomplete_any_date, autocomplete_past_date};
use crate::discord::{author, reply, today_for, CommandError, Context};
use crate::domain::contact::{
    ContactName, ContactRole, MentorKind, MetKind, NewContact, Relationship, Text,
};
use crate::domain::quick_add;

/// Save someone you met (only the name is needed; add the rest now or later)
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command)]
pub(super) async fn add(
    ctx: Context<'_>,
    #[description = "Their name, e.g. Dr. Ana Lopez"]
    #[min_length = 1]
    #[max_length = 100]
    name: String,
    #[description = "What they are"] role: Option<ContactRole>,
    #[description = "Institution or program"]
    #[max_length = 120]
    institution: Option<String>,
    #[rename = "how-met"]
    #[description = "How you met"]
    how_met: Option<MetKind>,
    #[rename = "where-met"]
    #[description = "e.g. SAEM 2026 residency fair, away rotation at Hospital X"]
    #[max_length = 120]
    where_met: Option<String>,
    #[rename = "when-met"]
    #[description = "When you met (default today), e.g. yesterday, Nov 3, 2026-11-03"]
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
    #[description = "One specific thing you talked about, to mention when you follow up"]
    #[max_length = 300]
    talked_about: Option<String>,
    #[description = "Their email, if known"]
    #[max_length = 254]
    email: Option<String>,
    #[description = "Their phone number"]
    #[max_length = 32]
    phone: Option<String>,
    #[description = "LinkedIn, X or other handle"]
    #[max_length = 100]
    handle: Option<String>,
    #[description = "Tags, e.g. ultrasound, sloe"]
    #[max_length = 320]
    tags: Option<String>,
    #[description = "Notes (never any patient information)"]
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
    let name = ContactName::parse(&name)?;
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
    let mut new = NewContact::named(name, f.met_on.unwrap_or(today));
    new.role = f.role;
    new.institution = f.institution.flatten();
    new.met.kind = f.met_kind;
    new.met.label = f.met_label.flatten().map(Text::into_string);
    new.met.rotation_ends_on = f.rotation_ends_on;
    new.relationship = f.relationship;
    new.mentor_kind = f.mentor_kind;
    new.callback = f.callback.flatten();
    new.email = f.email.flatten();
    new.phone = f.phone.flatten();
    new.handle = f.handle.flatten();
    new.tags = f.tags.unwrap_or_default();
    new.notes = f.notes.flatten();
    new.met.conference_id = match conference.as_deref() {
        Some(input) => Some(met_conference(ctx, input).await?),
        None => None,
    };
    new.met.rotation_id = rotation
        .as_deref()
        .map(crate::discord::commands::season::rotation_id)
        .transpose()?;
    new.check()?;
    save_new(ctx, new, None, today).await
}

/// Saves a new contact (with its follow-ups) and shows its card, warning about namesakes.
async fn save_new(
    ctx: Context<'_>,
    new: NewContact,
    extra: Option<String>,
    today: NaiveDate,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let added = ctx.data().actions.add_contact(owner, new, today).await?;
    let text = added_text("Saved to your contacts.", &added, extra.as_deref());
    reply::send_pages(ctx, &text, card_buttons(owner, added.contact.id)).await?;
    Ok(())
}

/// Add someone from one line: "Dr. Ana Lopez <ana@example.org>, PD at Hospital Y, met at SAEM"
#[poise::command(slash_command)]
pub(super) async fn quick(
    ctx: Context<'_>,
    #[description = "Name, then what you know: <email>, role at place, met at event, #tags"]
    #[min_length = 1]
    #[max_length = 300]
    text: String,
) -> Result<(), CommandError> {
    let q = quick_add::parse(&text)?;
    let today = today_for(ctx.data(), author(ctx)).await;
    let missing = q.missing();
    let mut new = NewContact::named(q.name, today);
    new.email = q.email;
    new.role = q.role;
    new.institution = q.institution;
    new.met.kind = q.met_kind;
    new.met.label = q.met_label.map(Text::into_string);
    new.tags = q.tags;
    // "met at SAEM" links this chapter's SAEM when exactly one fits.
    if let Some(label) = new.met.label.as_deref() {
        new.met.conference_id =
            crate::discord::commands::conference::conference_named_in(ctx, label).await?;
    }
    let extra = (!missing.is_empty()).then(|| {
        format!(
            "Still missing: {}. Add them with `/contact edit` (or the button below for the long fields).",
            missing.join(", ")
        )
    });
    save_new(ctx, new, extra, today).await
}
