//! How a contact reads: one line in a list, the whole card, its history, and what every way of
//! adding one answers.

use chrono::NaiveDate;
use poise::serenity_prelude as serenity;

use super::ContactComponent;
use crate::actions::Added;
use crate::discord::commands::followup::describe;
use crate::discord::interaction::Component;
use crate::discord::reply;
use crate::domain::contact::{Contact, ContactId, Interaction};
use crate::domain::UserId;

pub(super) fn date_text(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// How much of a name, a place and the tags one line of a list shows: ten lines and a
/// heading always fit one message, whatever was typed.
const LINE_NAME: usize = 48;
const LINE_PLACE: usize = 48;
const LINE_TAGS: usize = 30;

/// "**Ana Lopez** — Program director, Hospital Y · met Tue 3 Nov 2026"
pub(super) fn one_line(c: &Contact, _today: NaiveDate) -> String {
    let mut line = format!(
        "**{}**",
        reply::truncate(&reply::escape(&c.name), LINE_NAME)
    );
    let what: Vec<String> = [
        c.role.map(|r| r.label().to_owned()),
        c.institution
            .as_deref()
            .map(|place| reply::truncate(&reply::escape(place), LINE_PLACE)),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !what.is_empty() {
        line.push_str(&format!(" — {}", what.join(", ")));
    }
    line.push_str(&format!(" · met {}", date_text(c.met_on)));
    if !c.tags.is_empty() {
        let tags: Vec<String> = c
            .tags
            .iter()
            .map(|t| format!("#{}", reply::escape(t)))
            .collect();
        line.push_str(&format!(
            " · {}",
            reply::truncate(&tags.join(" "), LINE_TAGS)
        ));
    }
    line
}

/// The whole card of a contact.
pub(super) fn card(c: &Contact) -> String {
    let mut out = format!("**{}**", reply::escape(&c.name));
    if let Some(role) = c.role {
        out.push_str(&format!(" — {}", role.label()));
    }
    if let Some(place) = &c.institution {
        out.push_str(&format!(", {}", reply::escape(place)));
    }
    let mut met = format!("\nMet: {}", date_text(c.met_on));
    if let Some(kind) = c.met.kind {
        met.push_str(&format!(" · {}", kind.label()));
    }
    if let Some(label) = &c.met.label {
        met.push_str(&format!(" · {}", reply::escape(label)));
    }
    if let Some(end) = c.met.rotation_ends_on {
        met.push_str(&format!(" (rotation ends {})", date_text(end)));
    }
    out.push_str(&met);
    if let Some(rel) = c.relationship {
        out.push_str(&format!("\nRelationship: {}", rel.label()));
        if let Some(kind) = c.mentor_kind {
            out.push_str(&format!(" ({} mentor)", kind.label()));
        }
    }
    let fields = [
        ("Talked about", &c.callback),
        ("Email", &c.email),
        ("Phone", &c.phone),
        ("Handle", &c.handle),
    ];
    for (label, value) in fields {
        if let Some(v) = value {
            out.push_str(&format!("\n{label}: {}", reply::escape(v)));
        }
    }
    if !c.tags.is_empty() {
        let tags: Vec<String> = c
            .tags
            .iter()
            .map(|t| format!("#{}", reply::escape(t)))
            .collect();
        out.push_str(&format!("\nTags: {}", tags.join(" ")));
    }
    if let Some(notes) = &c.notes {
        out.push_str(&format!("\nNotes: {}", reply::escape(notes)));
    }
    out
}

pub(super) fn history(items: &[Interaction]) -> String {
    if items.is_empty() {
        return "\n\nNo interactions logged yet: use `/contact log` after you talk.".to_owned();
    }
    let mut out = String::from("\n\n**History**");
    for i in items.iter().take(10) {
        out.push_str(&format!(
            "\n{} — {}",
            date_text(i.happened_on),
            i.kind.label()
        ));
        if let Some(note) = &i.note {
            out.push_str(&format!(": {}", reply::escape(note)));
        }
    }
    if items.len() > 10 {
        out.push_str(&format!("\n…and {} earlier", items.len() - 10));
    }
    out
}

pub(super) fn card_buttons(owner: UserId, id: ContactId) -> Vec<serenity::CreateActionRow> {
    vec![serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(ContactComponent::Details { contact: id }.custom_id(owner))
            .label("Add details")
            .style(serenity::ButtonStyle::Primary),
    ])]
}

/// What every way of adding a contact answers: the card, a namesake warning, the first
/// follow-up.
pub(super) fn added_text(head: &str, added: &Added, extra: Option<&str>) -> String {
    let saved = &added.contact;
    let mut text = format!("{head}\n\n{}", card(saved));
    if let Some(first) = &added.namesake {
        text.push_str(&format!(
            "\n\nNote: you already had a contact with this name: {}. Both are kept; delete one with `/contact delete` if it is the same person.",
            one_line(first, saved.met_on)
        ));
    }
    if let Some(extra) = extra {
        text.push_str(&format!("\n\n{extra}"));
    }
    let follow_up = match &added.first_follow_up {
        Some(f) => format!(
            "Follow-up: {} (nudge {}).",
            describe(f),
            reply::timestamp(f.due_at, 'R')
        ),
        None => "Follow-up: none scheduled (set how you met, or a date with `/followup set`)."
            .to_owned(),
    };
    text.push_str(&format!("\n\n{follow_up}"));
    text
}
