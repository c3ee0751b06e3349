//! `/contact`: a member's private networking list. Every reply is ephemeral and every lookup is
//! keyed by the member who runs the command.

use chrono::NaiveDate;
use poise::serenity_prelude as serenity;

use crate::actions::Added;
use crate::discord::commands::followup::describe;
use crate::discord::components::{
    self, custom_id, form_values, text_input, Action, Incoming, Parsed,
};
use crate::discord::{author, reply, today_for, CommandError, Context, Data};
use crate::domain::contact::{
    limits, optional_text, parse_phone, parse_tags, Contact, ContactFilter, ContactId, ContactName,
    ContactPatch, ContactRole, ContactSort, Email, Interaction, InteractionKind, MentorKind,
    MetKind, NewContact, Relationship, PAGE_SIZE,
};
use crate::domain::quick_add;
use crate::domain::when::{self, Direction};
use crate::domain::UserId;

/// Your private contact list
#[poise::command(
    slash_command,
    subcommands("add", "quick", "show", "edit", "delete", "list", "find", "log"),
    subcommand_required,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn contact(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

pub(crate) const NOT_FOUND: &str =
    "I can't find that contact in your list. Pick one from the suggestions as you type, or see `/contact list`.";

/// Typed "-" clears an optional text field in `/contact edit`.
const CLEAR: &str = "-";

// ---------------------------------------------------------------- autocomplete

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

async fn date_choices(
    ctx: Context<'_>,
    partial: &str,
    direction: Direction,
) -> serenity::CreateAutocompleteResponse {
    let today = today_for(ctx.data(), author(ctx)).await;
    let typed = partial.trim();
    let candidates: Vec<String> = if typed.is_empty() {
        match direction {
            Direction::Past => vec![
                "today".into(),
                "yesterday".into(),
                "3 days ago".into(),
                "last friday".into(),
            ],
            _ => vec![
                "today".into(),
                "tomorrow".into(),
                "in 1 week".into(),
                "in 1 month".into(),
            ],
        }
    } else {
        vec![typed.to_owned()]
    };
    let choices = candidates
        .into_iter()
        .map(|text| match when::parse_date(&text, today, direction) {
            Ok(date) => {
                serenity::AutocompleteChoice::new(when::preview(date, today), date.to_string())
            }
            // Show why, and keep the text so submitting it gives the full message.
            Err(e) => serenity::AutocompleteChoice::new(
                reply::truncate(&e.to_string(), 100),
                reply::truncate(&text, 100),
            ),
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

async fn autocomplete_past_date(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    date_choices(ctx, partial, Direction::Past).await
}

async fn autocomplete_any_date(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    date_choices(ctx, partial, Direction::Any).await
}

pub(crate) async fn autocomplete_future_date(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    date_choices(ctx, partial, Direction::Future).await
}

// ---------------------------------------------------------------- resolving <contact>

/// The contact a `<contact>` option names: a picked suggestion ("#id") or a typed exact name.
/// `Ok(None)` when several contacts share the name and the member was shown them to pick.
pub(crate) async fn resolve(
    ctx: Context<'_>,
    input: &str,
) -> Result<Option<Contact>, CommandError> {
    let owner = author(ctx);
    let store = &ctx.data().store;
    if let Some(id) = input
        .trim()
        .strip_prefix('#')
        .and_then(|n| n.parse::<i64>().ok())
    {
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
                    serenity::CreateButton::new(custom_id(
                        Action::ContactShow,
                        owner,
                        &[&c.id.to_string()],
                    ))
                    .label(format!("Show {}", i + 1))
                    .style(serenity::ButtonStyle::Secondary),
                );
            }
            ctx.send(
                reply::ephemeral(text)
                    .components(vec![serenity::CreateActionRow::Buttons(buttons)]),
            )
            .await?;
            Ok(None)
        }
    }
}

// ---------------------------------------------------------------- rendering

fn date_text(date: NaiveDate) -> String {
    date.format("%a %-d %b %Y").to_string()
}

/// How much of a name, a place and the tags one line of a list shows: ten lines and a
/// heading always fit one message, whatever was typed.
const LINE_NAME: usize = 48;
const LINE_PLACE: usize = 48;
const LINE_TAGS: usize = 30;

/// "**Ana Lopez** — Program director, Hospital Y · met Tue 3 Nov 2026"
fn one_line(c: &Contact, _today: NaiveDate) -> String {
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
fn card(c: &Contact) -> String {
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

fn history(items: &[Interaction]) -> String {
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

fn card_buttons(owner: UserId, id: ContactId) -> Vec<serenity::CreateActionRow> {
    vec![serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(custom_id(Action::ContactDetails, owner, &[&id.to_string()]))
            .label("Add details")
            .style(serenity::ButtonStyle::Primary),
    ])]
}

// ---------------------------------------------------------------- fields

/// The options `add` and `edit` share, parsed into domain values. `clearable` lets "-" clear.
struct Fields {
    role: Option<ContactRole>,
    institution: Option<Option<String>>,
    met_kind: Option<MetKind>,
    met_label: Option<Option<String>>,
    met_on: Option<NaiveDate>,
    rotation_ends_on: Option<NaiveDate>,
    relationship: Option<Relationship>,
    mentor_kind: Option<MentorKind>,
    callback: Option<Option<String>>,
    email: Option<Option<Email>>,
    phone: Option<Option<String>>,
    handle: Option<Option<String>>,
    tags: Option<Vec<String>>,
    notes: Option<Option<String>>,
}

/// `None`: not given; `Some(None)`: cleared with "-"; `Some(Some(v))`: new value.
fn text_field(
    field: &'static str,
    value: Option<String>,
    max: usize,
) -> Result<Option<Option<String>>, CommandError> {
    match value {
        None => Ok(None),
        Some(v) if v.trim() == CLEAR => Ok(Some(None)),
        Some(v) => Ok(Some(optional_text(field, Some(&v), max)?)),
    }
}

#[allow(clippy::too_many_arguments)]
impl Fields {
    fn parse(
        today: NaiveDate,
        role: Option<ContactRole>,
        institution: Option<String>,
        met_kind: Option<MetKind>,
        met_label: Option<String>,
        met_on: Option<String>,
        rotation_ends: Option<String>,
        relationship: Option<Relationship>,
        mentor_kind: Option<MentorKind>,
        callback: Option<String>,
        email: Option<String>,
        phone: Option<String>,
        handle: Option<String>,
        tags: Option<String>,
        notes: Option<String>,
    ) -> Result<Fields, CommandError> {
        Ok(Fields {
            role,
            institution: text_field("The institution", institution, limits::INSTITUTION)?,
            met_kind,
            met_label: text_field("Where you met", met_label, limits::MET_LABEL)?,
            met_on: met_on
                .map(|t| when::parse_date(&t, today, Direction::Past))
                .transpose()?,
            rotation_ends_on: rotation_ends
                .map(|t| when::parse_date(&t, today, Direction::Any))
                .transpose()?,
            relationship,
            mentor_kind,
            callback: text_field("What you talked about", callback, limits::CALLBACK)?,
            email: match email {
                None => None,
                Some(e) if e.trim() == CLEAR => Some(None),
                Some(e) => Some(Some(Email::parse(&e)?)),
            },
            phone: match phone {
                None => None,
                Some(p) if p.trim() == CLEAR => Some(None),
                Some(p) => Some(Some(parse_phone(&p)?)),
            },
            handle: text_field("The handle", handle, limits::HANDLE)?,
            tags: tags
                .map(|t| {
                    if t.trim() == CLEAR {
                        Ok(Vec::new())
                    } else {
                        parse_tags(&t)
                    }
                })
                .transpose()?,
            notes: text_field("The notes", notes, limits::NOTES)?,
        })
    }
}

// ---------------------------------------------------------------- add

/// Save someone you met (only the name is needed; add the rest now or later)
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command)]
async fn add(
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
    new.met.label = f.met_label.flatten();
    new.met.rotation_ends_on = f.rotation_ends_on;
    new.relationship = f.relationship;
    new.mentor_kind = f.mentor_kind;
    new.callback = f.callback.flatten();
    new.email = f.email.flatten();
    new.phone = f.phone.flatten();
    new.handle = f.handle.flatten();
    new.tags = f.tags.unwrap_or_default();
    new.notes = f.notes.flatten();
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

/// What every way of adding a contact answers: the card, a namesake warning, the first
/// follow-up.
fn added_text(head: &str, added: &Added, extra: Option<&str>) -> String {
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

/// Add someone from one line: "Dr. Ana Lopez <ana@example.org>, PD at Hospital Y, met at SAEM"
#[poise::command(slash_command)]
async fn quick(
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
    new.met.label = q.met_label;
    new.tags = q.tags;
    let extra = (!missing.is_empty()).then(|| {
        format!(
            "Still missing: {}. Add them with `/contact edit` (or the button below for the long fields).",
            missing.join(", ")
        )
    });
    save_new(ctx, new, extra, today).await
}

// ---------------------------------------------------------------- show / edit / delete

/// Show a contact's card and history
#[poise::command(slash_command)]
async fn show(
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
async fn edit(
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
        return components::open_modal(ctx, details_modal(owner, &c)).await;
    }
    let data = ctx.data();
    let edited = data
        .store
        .update_contact(owner, c.id, &patch, data.clock.now())
        .await?
        .ok_or_else(|| CommandError::User(NOT_FOUND.into()))??;
    reply::send_pages(ctx, &format!("Updated.\n\n{}", card(&edited)), Vec::new()).await?;
    Ok(())
}

/// Delete a contact and its history (asks first)
#[poise::command(slash_command)]
async fn delete(
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
    let id = c.id.to_string();
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(custom_id(Action::ContactDeleteConfirm, owner, &[&id]))
            .label("Delete")
            .style(serenity::ButtonStyle::Danger),
        serenity::CreateButton::new(custom_id(Action::ContactDeleteCancel, owner, &[&id]))
            .label("Keep")
            .style(serenity::ButtonStyle::Secondary),
    ]);
    ctx.send(
        reply::ephemeral(format!(
            "Delete **{}** and everything logged with them? This cannot be undone.",
            reply::escape(&c.name)
        ))
        .components(vec![buttons]),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- list / find / log

/// How to order `/contact list`.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum SortChoice {
    #[name = "Name"]
    Name,
    #[name = "Recently used"]
    Recent,
    #[name = "Recently met"]
    Met,
    #[name = "Next follow-up"]
    NextFollowUp,
}

impl From<SortChoice> for ContactSort {
    fn from(s: SortChoice) -> ContactSort {
        match s {
            SortChoice::Name => ContactSort::Name,
            SortChoice::Recent => ContactSort::Recent,
            SortChoice::Met => ContactSort::Met,
            SortChoice::NextFollowUp => ContactSort::NextFollowUp,
        }
    }
}

fn sort_code(sort: ContactSort) -> &'static str {
    match sort {
        ContactSort::Name => "n",
        ContactSort::Recent => "r",
        ContactSort::Met => "m",
        ContactSort::NextFollowUp => "f",
    }
}

fn sort_from_code(code: &str) -> Option<ContactSort> {
    [
        ContactSort::Name,
        ContactSort::Recent,
        ContactSort::Met,
        ContactSort::NextFollowUp,
    ]
    .into_iter()
    .find(|s| sort_code(*s) == code)
}

/// One page of the list, with Previous/Next buttons that carry the filter.
async fn list_page(
    data: &Data,
    owner: UserId,
    filter: &ContactFilter,
    sort: ContactSort,
    page: u32,
) -> Result<(String, Vec<serenity::CreateActionRow>), CommandError> {
    let today = today_for(data, owner).await;
    let result = data
        .store
        .list_contacts(owner, filter, sort, page, PAGE_SIZE)
        .await?;
    if result.total == 0 {
        let text = if *filter == ContactFilter::default() {
            "Your contact list is empty. Add someone with `/contact add` or `/contact quick`."
        } else {
            "No contacts match that filter."
        };
        return Ok((text.to_owned(), Vec::new()));
    }
    let pages = result.total.div_ceil(PAGE_SIZE);
    let page = page.min(pages - 1);
    let mut text = format!(
        "**Your contacts** — page {} of {pages} · {} in all",
        page + 1,
        result.total
    );
    for c in &result.contacts {
        text.push_str(&format!("\n• {}", one_line(c, today)));
    }
    let args = |p: u32| {
        vec![
            p.to_string(),
            sort_code(sort).to_owned(),
            filter.relationship.map_or("", |r| r.code()).to_owned(),
            filter.met_kind.map_or("", |k| k.code()).to_owned(),
            filter.tag.clone().unwrap_or_default(),
        ]
    };
    let button = |label: &str, p: u32, disabled: bool| {
        let a = args(p);
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        serenity::CreateButton::new(custom_id(Action::ContactListPage, owner, &refs))
            .label(label)
            .style(serenity::ButtonStyle::Secondary)
            .disabled(disabled)
    };
    let rows = if pages > 1 {
        vec![serenity::CreateActionRow::Buttons(vec![
            button("◀ Previous", page.saturating_sub(1), page == 0),
            button("Next ▶", page + 1, page + 1 >= pages),
        ])]
    } else {
        Vec::new()
    };
    Ok((text, rows))
}

/// List your contacts, 10 a page, sorted and filtered as you like
#[poise::command(slash_command)]
async fn list(
    ctx: Context<'_>,
    #[description = "Order (default: name)"] sort: Option<SortChoice>,
    #[description = "Only contacts with this tag"]
    #[max_length = 30]
    tag: Option<String>,
    #[description = "Only this relationship"] relationship: Option<Relationship>,
    #[rename = "how-met"]
    #[description = "Only contacts met this way"]
    how_met: Option<MetKind>,
) -> Result<(), CommandError> {
    let tag = match tag {
        Some(t) => {
            let mut tags = parse_tags(&t)?;
            if tags.len() > 1 {
                return Err(CommandError::User("Filter by one tag at a time.".into()));
            }
            tags.pop()
        }
        None => None,
    };
    let filter = ContactFilter {
        tag,
        relationship,
        met_kind: how_met,
    };
    let sort = sort.map_or(ContactSort::Name, ContactSort::from);
    let (text, rows) = list_page(ctx.data(), author(ctx), &filter, sort, 0).await?;
    ctx.send(reply::ephemeral(text).components(rows)).await?;
    Ok(())
}

/// Search your contacts' names, places, notes, tags and emails
#[poise::command(slash_command)]
async fn find(
    ctx: Context<'_>,
    #[description = "Text to look for"]
    #[min_length = 2]
    #[max_length = 100]
    text: String,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let needle = text.trim();
    if needle.chars().count() < 2 {
        return Err(CommandError::User(
            "Type at least two letters to search for.".into(),
        ));
    }
    let today = today_for(ctx.data(), owner).await;
    let hits = ctx.data().store.find_contacts(owner, needle, 11).await?;
    let shown = if hits.is_empty() {
        format!("No contact mentions “{}”.", reply::escape(needle))
    } else {
        let mut out = format!("**Contacts mentioning “{}”**", reply::escape(needle));
        for c in hits.iter().take(10) {
            out.push_str(&format!("\n• {}", one_line(c, today)));
        }
        if hits.len() > 10 {
            out.push_str("\n…and more: add words to narrow it down.");
        }
        out
    };
    ctx.send(reply::ephemeral(shown)).await?;
    Ok(())
}

/// Record an interaction: met, update, thanks, meeting, offered help, ask
#[poise::command(slash_command)]
async fn log(
    ctx: Context<'_>,
    #[description = "Start typing a name"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
    #[description = "What happened"] kind: InteractionKind,
    #[description = "A short note (never patient information)"]
    #[max_length = 500]
    note: Option<String>,
    #[description = "When (default today), e.g. yesterday, last friday"]
    #[autocomplete = "autocomplete_past_date"]
    #[max_length = 40]
    date: Option<String>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let today = today_for(ctx.data(), owner).await;
    let note = optional_text("The note", note.as_deref(), limits::INTERACTION_NOTE)?;
    let on = date
        .map(|d| when::parse_date(&d, today, Direction::Past))
        .transpose()?
        .unwrap_or(today);
    let Some(c) = resolve(ctx, &contact).await? else {
        return Ok(());
    };
    let (_, next) = ctx
        .data()
        .actions
        .log_interaction(owner, c.id, kind, note.as_deref(), on)
        .await?;
    let mut text = format!(
        "Logged **{}** with {} on {}.",
        kind.label(),
        reply::escape(&c.name),
        date_text(on)
    );
    if let Some(next) = next {
        text.push_str(&format!("\nNext follow-up: {}.", describe(&next)));
    }
    ctx.send(reply::ephemeral(text)).await?;
    Ok(())
}

// ---------------------------------------------------------------- forms

const F_CALLBACK: &str = "callback";
const F_EMAIL: &str = "email";
const F_HANDLE: &str = "handle";
const F_TAGS: &str = "tags";
const F_NOTES: &str = "notes";
const F_NAME: &str = "name";
const F_INSTITUTION: &str = "institution";
const F_WHERE: &str = "where";

/// The long fields of a contact, prefilled; an emptied field is cleared.
fn details_modal(owner: UserId, c: &Contact) -> serenity::CreateModal {
    let tags = c.tags.join(", ");
    serenity::CreateModal::new(
        custom_id(Action::ContactDetailsForm, owner, &[&c.id.to_string()]),
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
fn untouched_prefills(stored: &Contact, values: Vec<(String, String)>) -> Vec<(String, String)> {
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
            let kept = components::kept_or_typed(&typed, full, max).to_owned();
            (id, kept)
        })
        .collect()
}

fn value_of<'a>(values: &'a [(String, String)], id: &str) -> Option<&'a str> {
    values
        .iter()
        .find(|(k, _)| k == id)
        .map(|(_, v)| v.as_str())
}

/// The edit a submitted details form asks for; every field is replaced, empty clears.
fn details_patch(values: &[(String, String)]) -> Result<ContactPatch, CommandError> {
    let text = |id: &str,
                field: &'static str,
                max: usize|
     -> Result<Option<Option<String>>, CommandError> {
        match value_of(values, id) {
            None => Ok(None),
            Some(v) => Ok(Some(optional_text(field, Some(v), max)?)),
        }
    };
    Ok(ContactPatch {
        callback: text(F_CALLBACK, "What you talked about", limits::CALLBACK)?,
        email: match value_of(values, F_EMAIL).map(str::trim) {
            None => None,
            Some("") => Some(None),
            Some(e) => Some(Some(Email::parse(e)?)),
        },
        handle: text(F_HANDLE, "The handle", limits::HANDLE)?,
        tags: value_of(values, F_TAGS).map(parse_tags).transpose()?,
        notes: text(F_NOTES, "The notes", limits::NOTES)?,
        ..ContactPatch::default()
    })
}

// ---------------------------------------------------------------- context menus

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
        custom_id(Action::NewContactForm, owner, &[]),
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
    components::open_modal(ctx, modal).await?;
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
    let pending_arg = pending.to_string();
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
                custom_id(Action::NoteTarget, owner, &[&pending_arg]),
                serenity::CreateSelectMenuKind::String { options },
            )
            .placeholder("Whose notes should this go to?"),
        ));
    }
    rows.push(serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(custom_id(Action::NoteSomeoneElse, owner, &[&pending_arg]))
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

// ---------------------------------------------------------------- components

/// Buttons, selects and forms of the contact area.
pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    parsed: &Parsed,
) -> Result<(), CommandError> {
    let owner = parsed.owner;
    let now = data.clock.now();
    let stale = || CommandError::User(components::STALE_BUTTON.into());
    match (parsed.action, incoming) {
        (Action::ContactDetails, _) => {
            let id = ContactId(parsed.arg(0).ok_or_else(stale)?);
            let c = data
                .store
                .contact(owner, id)
                .await?
                .ok_or_else(|| CommandError::User(NOT_FOUND.into()))?;
            incoming
                .respond(
                    ctx,
                    serenity::CreateInteractionResponse::Modal(details_modal(owner, &c)),
                )
                .await
        }
        (Action::ContactDetailsForm, Incoming::Form(form)) => {
            let id = ContactId(parsed.arg(0).ok_or_else(stale)?);
            let stored = data
                .store
                .contact(owner, id)
                .await?
                .ok_or_else(|| CommandError::User(NOT_FOUND.into()))?;
            let values = untouched_prefills(&stored, form_values(form));
            let patch = details_patch(&values)?;
            let edited = data
                .store
                .update_contact(owner, id, &patch, now)
                .await?
                .ok_or_else(|| CommandError::User(NOT_FOUND.into()))??;
            incoming
                .say_pages(
                    ctx,
                    &format!("Details saved.\n\n{}", card(&edited)),
                    Vec::new(),
                )
                .await
        }
        (Action::ContactDeleteConfirm | Action::ContactDeleteCancel, _) => {
            let id = ContactId(parsed.arg(0).ok_or_else(stale)?);
            let text = if parsed.action == Action::ContactDeleteCancel {
                "Kept. Nothing was deleted.".to_owned()
            } else if data.store.delete_contact(owner, id).await? {
                "Deleted, with everything logged with them.".to_owned()
            } else {
                "That contact no longer exists.".to_owned()
            };
            incoming.update(ctx, text, Vec::new()).await
        }
        (Action::ContactListPage, _) => {
            let page: u32 = parsed.arg(0).ok_or_else(stale)?;
            let sort = parsed
                .args
                .get(1)
                .and_then(|c| sort_from_code(c))
                .ok_or_else(stale)?;
            let filter = ContactFilter {
                relationship: parsed.args.get(2).and_then(|c| Relationship::from_code(c)),
                met_kind: parsed.args.get(3).and_then(|c| MetKind::from_code(c)),
                tag: parsed.args.get(4).filter(|t| !t.is_empty()).cloned(),
            };
            let (text, rows) = list_page(data, owner, &filter, sort, page).await?;
            incoming.update(ctx, text, rows).await
        }
        (Action::ContactShow, _) => {
            let id = ContactId(parsed.arg(0).ok_or_else(stale)?);
            let c = data
                .store
                .contact(owner, id)
                .await?
                .ok_or_else(|| CommandError::User(NOT_FOUND.into()))?;
            data.store.touch_contact(owner, id, now).await?;
            let items = data.store.interactions(owner, id).await?;
            incoming
                .say_pages(
                    ctx,
                    &format!("{}{}", card(&c), history(&items)),
                    card_buttons(owner, id),
                )
                .await
        }
        (Action::NoteTarget, Incoming::Click(click)) => {
            let pending: i64 = parsed.arg(0).ok_or_else(stale)?;
            let serenity::ComponentInteractionDataKind::StringSelect { values } = &click.data.kind
            else {
                return Err(stale());
            };
            let id = ContactId(
                values
                    .first()
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(stale)?,
            );
            let today = today_for(data, owner).await;
            let c = data.actions.save_note_to(owner, pending, id, today).await?;
            incoming
                .update(
                    ctx,
                    format!("Saved to **{}**'s notes.", reply::escape(&c.name)),
                    Vec::new(),
                )
                .await
        }
        (Action::NoteSomeoneElse, _) => {
            let pending: i64 = parsed.arg(0).ok_or_else(stale)?;
            let modal = serenity::CreateModal::new(
                custom_id(Action::NoteNewContactForm, owner, &[&pending.to_string()]),
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
            incoming
                .respond(ctx, serenity::CreateInteractionResponse::Modal(modal))
                .await
        }
        (Action::NoteNewContactForm, Incoming::Form(form)) => {
            let pending: i64 = parsed.arg(0).ok_or_else(stale)?;
            let values = form_values(form);
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
        (Action::NewContactForm, Incoming::Form(form)) => {
            let values = form_values(form);
            let name = ContactName::parse(value_of(&values, F_NAME).unwrap_or(""))?;
            let today = today_for(data, owner).await;
            let mut new = NewContact::named(name, today);
            new.handle = optional_text("The handle", value_of(&values, F_HANDLE), limits::HANDLE)?;
            new.institution = optional_text(
                "The institution",
                value_of(&values, F_INSTITUTION),
                limits::INSTITUTION,
            )?;
            new.met.label = optional_text(
                "Where you met",
                value_of(&values, F_WHERE),
                limits::MET_LABEL,
            )?;
            new.callback = optional_text(
                "What you talked about",
                value_of(&values, F_CALLBACK),
                limits::CALLBACK,
            )?;
            let added = data.actions.add_contact(owner, new, today).await?;
            let text = added_text("Saved to your contacts.", &added, None);
            incoming
                .say_pages(ctx, &text, card_buttons(owner, added.contact.id))
                .await
        }
        _ => Err(stale()),
    }
}
