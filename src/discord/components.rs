//! Buttons, selects and modal forms. A custom id names an action, the member it belongs to and
//! the action's arguments, so every click works after a restart and nobody uses another's.

use poise::serenity_prelude as serenity;

use super::{commands, CommandError, Data};
use crate::domain::UserId;

/// What a component does when used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    DeleteMeConfirm,
    DeleteMeCancel,
    /// Button: open the long-fields form of a contact.
    ContactDetails,
    /// Form: the long fields of a contact submitted.
    ContactDetailsForm,
    ContactDeleteConfirm,
    ContactDeleteCancel,
    /// Button: another page of `/contact list`.
    ContactListPage,
    /// Button: show one contact (from a list of namesakes).
    ContactShow,
    /// Select: which contact a saved message note belongs to.
    NoteTarget,
    /// Button: the note is for someone not in the list yet.
    NoteSomeoneElse,
    /// Form: the name of that someone.
    NoteNewContactForm,
    /// Form: a new contact from a member's profile ("Add as contact").
    NewContactForm,
    /// Nudge button: the follow-up is done.
    NudgeDone,
    /// Nudge button: remind me again in N days.
    NudgeSnoozeDays,
    /// Nudge button: show the fitting draft.
    NudgeDraft,
    /// Form: a new version of the member's story.
    StoryWriteForm,
    StoryDeleteConfirm,
    StoryDeleteCancel,
    /// Public button on a shared story: open the feedback form.
    StoryFeedback,
    /// Public form: a peer's feedback.
    StoryFeedbackForm,
    /// Public button on a shared story: its author or a moderator removes it.
    StoryRemove,
    /// Stop on a practice timer.
    PracticeStop,
}

impl Action {
    const ALL: [Action; 22] = [
        Action::DeleteMeConfirm,
        Action::DeleteMeCancel,
        Action::ContactDetails,
        Action::ContactDetailsForm,
        Action::ContactDeleteConfirm,
        Action::ContactDeleteCancel,
        Action::ContactListPage,
        Action::ContactShow,
        Action::NoteTarget,
        Action::NoteSomeoneElse,
        Action::NoteNewContactForm,
        Action::NewContactForm,
        Action::NudgeDone,
        Action::NudgeSnoozeDays,
        Action::NudgeDraft,
        Action::StoryWriteForm,
        Action::StoryDeleteConfirm,
        Action::StoryDeleteCancel,
        Action::StoryFeedback,
        Action::StoryFeedbackForm,
        Action::StoryRemove,
        Action::PracticeStop,
    ];

    /// Used by anyone in the channel, not only the member it was made for.
    fn is_public(self) -> bool {
        matches!(
            self,
            Action::StoryFeedback | Action::StoryFeedbackForm | Action::StoryRemove
        )
    }

    fn code(self) -> &'static str {
        match self {
            Action::DeleteMeConfirm => "me-delete-yes",
            Action::DeleteMeCancel => "me-delete-no",
            Action::ContactDetails => "c-details",
            Action::ContactDetailsForm => "c-details-form",
            Action::ContactDeleteConfirm => "c-delete-yes",
            Action::ContactDeleteCancel => "c-delete-no",
            Action::ContactListPage => "c-page",
            Action::ContactShow => "c-show",
            Action::NoteTarget => "n-target",
            Action::NoteSomeoneElse => "n-else",
            Action::NoteNewContactForm => "n-new-form",
            Action::NewContactForm => "c-new-form",
            Action::NudgeDone => "n-done",
            Action::NudgeSnoozeDays => "n-snooze",
            Action::NudgeDraft => "n-draft",
            Action::StoryWriteForm => "s-write",
            Action::StoryDeleteConfirm => "s-delete-yes",
            Action::StoryDeleteCancel => "s-delete-no",
            Action::StoryFeedback => "s-feedback",
            Action::StoryFeedbackForm => "s-feedback-form",
            Action::StoryRemove => "s-remove",
            Action::PracticeStop => "s-stop",
        }
    }
}

/// `emig:<action>:<owner>[:<arg>…]`. Args must not contain ':'; Discord allows 100 chars.
pub fn custom_id(action: Action, owner: UserId, args: &[&str]) -> String {
    let mut id = format!("emig:{}:{}", action.code(), owner);
    for arg in args {
        id.push(':');
        id.push_str(&arg.replace(':', ""));
    }
    id.chars().take(100).collect()
}

/// A parsed custom id of ours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub action: Action,
    pub owner: UserId,
    pub args: Vec<String>,
}

impl Parsed {
    /// Argument `i` parsed as `T`; a malformed id is treated like a stale one.
    pub fn arg<T: std::str::FromStr>(&self, i: usize) -> Option<T> {
        self.args.get(i).and_then(|a| a.parse().ok())
    }
}

fn parse_custom_id(id: &str) -> Option<Parsed> {
    let mut parts = id.split(':');
    if parts.next()? != "emig" {
        return None;
    }
    let code = parts.next()?;
    let action = Action::ALL.into_iter().find(|a| a.code() == code)?;
    let owner = UserId(parts.next()?.parse().ok()?);
    Some(Parsed {
        action,
        owner,
        args: parts.map(str::to_owned).collect(),
    })
}

pub const STALE_BUTTON: &str = "This button is no longer active. Run the command again.";
pub const STALE_FORM: &str =
    "This form is no longer active and nothing was saved. Run the command again.";
const NOT_YOURS: &str =
    "This button belongs to someone else's command. Run the command yourself to get your own.";

/// An interaction we answer: a click/select or a submitted form.
pub enum Incoming<'a> {
    Click(&'a serenity::ComponentInteraction),
    Form(&'a serenity::ModalInteraction),
}

impl Incoming<'_> {
    pub fn user(&self) -> UserId {
        match self {
            Incoming::Click(c) => UserId(c.user.id.get()),
            Incoming::Form(f) => UserId(f.user.id.get()),
        }
    }

    pub async fn respond(
        &self,
        ctx: &serenity::Context,
        response: serenity::CreateInteractionResponse,
    ) -> Result<(), CommandError> {
        match self {
            Incoming::Click(c) => c.create_response(ctx, response).await?,
            Incoming::Form(f) => f.create_response(ctx, response).await?,
        }
        Ok(())
    }

    /// An ephemeral sentence for the member.
    pub async fn say(
        &self,
        ctx: &serenity::Context,
        text: impl Into<String>,
    ) -> Result<(), CommandError> {
        self.respond(
            ctx,
            serenity::CreateInteractionResponse::Message(ephemeral_message(text)),
        )
        .await
    }

    /// `text` as one ephemeral reply, or as several when one message cannot hold it (split at
    /// line ends, nothing cut); `components` go on the last.
    pub async fn say_pages(
        &self,
        ctx: &serenity::Context,
        text: &str,
        components: Vec<serenity::CreateActionRow>,
    ) -> Result<(), CommandError> {
        let pages = super::reply::split_for_discord(text);
        let last = pages.len().saturating_sub(1);
        for (i, page) in pages.into_iter().enumerate() {
            let rows = if i == last {
                components.clone()
            } else {
                Vec::new()
            };
            if i == 0 {
                let first = ephemeral_message(page).components(rows);
                self.respond(ctx, serenity::CreateInteractionResponse::Message(first))
                    .await?;
                continue;
            }
            let more = serenity::CreateInteractionResponseFollowup::new()
                .content(page)
                .ephemeral(true)
                .components(rows)
                .allowed_mentions(serenity::CreateAllowedMentions::new());
            match self {
                Incoming::Click(c) => c.create_followup(ctx, more).await?,
                Incoming::Form(f) => f.create_followup(ctx, more).await?,
            };
        }
        Ok(())
    }

    /// Replaces the message the component was on.
    pub async fn update(
        &self,
        ctx: &serenity::Context,
        text: impl Into<String>,
        components: Vec<serenity::CreateActionRow>,
    ) -> Result<(), CommandError> {
        let update = serenity::CreateInteractionResponseMessage::new()
            .content(super::reply::fit(text.into()))
            .components(components)
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        self.respond(
            ctx,
            serenity::CreateInteractionResponse::UpdateMessage(update),
        )
        .await
    }
}

/// A reply only the member sees, that pings nobody; its text is fit to Discord's limit.
pub fn ephemeral_message(text: impl Into<String>) -> serenity::CreateInteractionResponseMessage {
    serenity::CreateInteractionResponseMessage::new()
        .content(super::reply::fit(text.into()))
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
    super::reply::truncate(value, max)
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
    ctx: super::Context<'_>,
    modal: serenity::CreateModal,
) -> Result<(), CommandError> {
    if let poise::Context::Application(app) = ctx {
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

pub async fn on_event(
    framework: poise::FrameworkContext<'_, Data, CommandError>,
    event: &serenity::FullEvent,
) -> Result<(), CommandError> {
    let serenity::FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    let (incoming, custom_id, stale) = match interaction {
        serenity::Interaction::Component(click) => (
            Incoming::Click(click),
            click.data.custom_id.as_str(),
            STALE_BUTTON,
        ),
        serenity::Interaction::Modal(form) => (
            Incoming::Form(form),
            form.data.custom_id.as_str(),
            STALE_FORM,
        ),
        _ => return Ok(()),
    };
    let ctx = framework.serenity_context;
    let data = framework.user_data;
    let Some(parsed) = parse_custom_id(custom_id) else {
        return incoming.say(ctx, stale).await;
    };
    if !parsed.action.is_public() && parsed.owner != incoming.user() {
        return incoming.say(ctx, NOT_YOURS).await;
    }
    let outcome = match parsed.action {
        Action::DeleteMeConfirm | Action::DeleteMeCancel => {
            commands::me::on_delete_choice(ctx, data, &incoming, &parsed).await
        }
        Action::NudgeDraft => commands::draft::on_draft_button(ctx, data, &incoming, &parsed).await,
        Action::StoryWriteForm
        | Action::StoryDeleteConfirm
        | Action::StoryDeleteCancel
        | Action::StoryFeedback
        | Action::StoryFeedbackForm
        | Action::StoryRemove
        | Action::PracticeStop => {
            commands::story::on_component(ctx, data, &incoming, &parsed).await
        }
        Action::NudgeDone | Action::NudgeSnoozeDays => {
            commands::followup::on_nudge_button(ctx, data, &incoming, &parsed).await
        }
        _ => commands::contact::on_component(ctx, data, &incoming, &parsed).await,
    };
    match outcome {
        Ok(()) => Ok(()),
        // A member-facing refusal: say it, change nothing.
        Err(CommandError::User(text)) => incoming.say(ctx, text).await,
        Err(internal) => {
            tracing::error!(action = ?parsed.action, error = %super::error::chain(&internal), "component failed");
            incoming.say(ctx, super::error::INTERNAL).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_ids_round_trip_and_reject_strangers() {
        let id = custom_id(
            Action::ContactListPage,
            UserId(42),
            &["3", "name", "ultra:sound"],
        );
        let parsed = parse_custom_id(&id).expect("ours");
        assert_eq!(parsed.action, Action::ContactListPage);
        assert_eq!(parsed.owner, UserId(42));
        assert_eq!(parsed.args, vec!["3", "name", "ultrasound"]);
        assert_eq!(parsed.arg::<u32>(0), Some(3));
        assert_eq!(parse_custom_id("emig:me-delete-yes:abc"), None);
        assert_eq!(parse_custom_id("emig:unknown:42"), None);
        assert_eq!(parse_custom_id("other"), None);
        assert!(custom_id(Action::ContactShow, UserId(1), &[&"x".repeat(200)]).len() <= 100);
    }
}
