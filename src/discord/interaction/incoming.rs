//! The click or form being answered, and where it came from.

use std::sync::atomic::{AtomicU8, Ordering};

use poise::serenity_prelude as serenity;

use crate::discord::CommandError;
use crate::domain::UserId;

/// Where a click or a form came from. A public component's handler compares it with what the
/// component acts on: Discord's own advice is to check that a clicked id belongs to the
/// message it arrived with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    pub guild: Option<u64>,
    pub channel: u64,
    /// The message the component was on (a form opened from a slash command has none).
    pub message: Option<u64>,
}

/// An interaction we answer: a click/select or a submitted form, and how far its answer got.
pub struct Incoming<'a> {
    pub kind: Kind<'a>,
    /// [`FRESH`], [`ANSWERED`] or [`DEFERRED`].
    phase: AtomicU8,
}

/// What kind of interaction it is.
#[derive(Clone, Copy)]
pub enum Kind<'a> {
    Click(&'a serenity::ComponentInteraction),
    Form(&'a serenity::ModalInteraction),
}

/// Not answered yet.
const FRESH: u8 = 0;
/// Its first answer was sent (or is being sent).
const ANSWERED: u8 = 1;
/// Acknowledged without an answer ("thinking…"): answers go as edits and follow-ups.
const DEFERRED: u8 = 2;

/// What a member reads when a form could not open because the click was already
/// acknowledged (Discord takes a form only as the first answer).
pub const FORM_TOO_LATE: &str =
    "That took me too long, so the form could not open. Click the button again.";

impl<'a> Incoming<'a> {
    pub fn click(click: &'a serenity::ComponentInteraction) -> Self {
        Incoming {
            kind: Kind::Click(click),
            phase: AtomicU8::new(FRESH),
        }
    }

    pub fn form(form: &'a serenity::ModalInteraction) -> Self {
        Incoming {
            kind: Kind::Form(form),
            phase: AtomicU8::new(FRESH),
        }
    }

    /// The click, when it is one.
    pub fn as_click(&self) -> Option<&'a serenity::ComponentInteraction> {
        match self.kind {
            Kind::Click(c) => Some(c),
            Kind::Form(_) => None,
        }
    }

    /// The submitted form, when it is one.
    pub fn as_form(&self) -> Option<&'a serenity::ModalInteraction> {
        match self.kind {
            Kind::Form(f) => Some(f),
            Kind::Click(_) => None,
        }
    }

    /// Acknowledges the interaction without answering yet, unless its first answer has begun:
    /// a click (or a form opened from a message) as "updating the message", another form as
    /// an ephemeral "thinking…". Called only while the handler is suspended.
    pub async fn defer(&self, ctx: &serenity::Context) {
        if self
            .phase
            .compare_exchange(FRESH, DEFERRED, Ordering::SeqCst, Ordering::SeqCst)
            .is_err()
        {
            return;
        }
        let ack = match self.kind {
            Kind::Click(_) => serenity::CreateInteractionResponse::Acknowledge,
            Kind::Form(f) if f.message.is_some() => {
                serenity::CreateInteractionResponse::Acknowledge
            }
            Kind::Form(_) => serenity::CreateInteractionResponse::Defer(
                serenity::CreateInteractionResponseMessage::new().ephemeral(true),
            ),
        };
        let sent = match self.kind {
            Kind::Click(c) => c.create_response(ctx, ack).await,
            Kind::Form(f) => f.create_response(ctx, ack).await,
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e, "could not acknowledge a slow click or form");
            // Refused (4xx): Discord has no acknowledgement, so the first answer is still to
            // come. Any other failure may have reached Discord: answers go as follow-ups.
            if matches!(&e, serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) if r.status_code.is_client_error())
            {
                self.phase.store(FRESH, Ordering::SeqCst);
            }
        }
    }

    /// Marks the first answer as begun; whether the interaction was deferred instead.
    fn begin_answer(&self) -> bool {
        match self
            .phase
            .compare_exchange(FRESH, ANSWERED, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => false,
            Err(phase) => phase == DEFERRED,
        }
    }

    async fn followup(
        &self,
        ctx: &serenity::Context,
        message: serenity::CreateInteractionResponseFollowup,
    ) -> Result<(), CommandError> {
        match self.kind {
            Kind::Click(c) => c.create_followup(ctx, message).await?,
            Kind::Form(f) => f.create_followup(ctx, message).await?,
        };
        Ok(())
    }

    pub fn user(&self) -> UserId {
        match self.kind {
            Kind::Click(c) => UserId(c.user.id.get()),
            Kind::Form(f) => UserId(f.user.id.get()),
        }
    }

    /// Where it came from.
    pub fn origin(&self) -> Origin {
        match self.kind {
            Kind::Click(c) => Origin {
                guild: c.guild_id.map(|g| g.get()),
                channel: c.channel_id.get(),
                message: Some(c.message.id.get()),
            },
            Kind::Form(f) => Origin {
                guild: f.guild_id.map(|g| g.get()),
                channel: f.channel_id.get(),
                message: f.message.as_ref().map(|m| m.id.get()),
            },
        }
    }

    /// What the bot itself may do where the interaction came from.
    pub fn app_permissions(&self) -> Option<serenity::Permissions> {
        match self.kind {
            Kind::Click(c) => c.app_permissions,
            Kind::Form(f) => f.app_permissions,
        }
    }

    /// The member's server profile (roles, permissions), when it came from a server.
    pub fn member(&self) -> Option<&serenity::Member> {
        match self.kind {
            Kind::Click(c) => c.member.as_ref(),
            Kind::Form(f) => f.member.as_ref(),
        }
    }

    /// Opens a form: only as the first answer (a component that opens one is never deferred).
    pub async fn open_form(
        &self,
        ctx: &serenity::Context,
        modal: serenity::CreateModal,
    ) -> Result<(), CommandError> {
        if self.begin_answer() {
            return Err(CommandError::User(FORM_TOO_LATE.into()));
        }
        let response = serenity::CreateInteractionResponse::Modal(modal);
        match self.kind {
            Kind::Click(c) => c.create_response(ctx, response).await?,
            Kind::Form(f) => f.create_response(ctx, response).await?,
        }
        Ok(())
    }

    /// The first answer as a new ephemeral message (a follow-up once deferred).
    async fn first_message(
        &self,
        ctx: &serenity::Context,
        text: String,
        components: Vec<serenity::CreateActionRow>,
    ) -> Result<(), CommandError> {
        if self.begin_answer() {
            let message = serenity::CreateInteractionResponseFollowup::new()
                .content(text)
                .ephemeral(true)
                .components(components)
                .allowed_mentions(serenity::CreateAllowedMentions::new());
            return self.followup(ctx, message).await;
        }
        let response = serenity::CreateInteractionResponse::Message(
            super::forms::ephemeral_message(text).components(components),
        );
        match self.kind {
            Kind::Click(c) => c.create_response(ctx, response).await?,
            Kind::Form(f) => f.create_response(ctx, response).await?,
        }
        Ok(())
    }

    /// An ephemeral sentence for the member.
    pub async fn say(
        &self,
        ctx: &serenity::Context,
        text: impl Into<String>,
    ) -> Result<(), CommandError> {
        self.first_message(ctx, crate::discord::reply::fit(text.into()), Vec::new())
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
        let pages = crate::discord::reply::split_for_discord(text);
        let last = pages.len().saturating_sub(1);
        for (i, page) in pages.into_iter().enumerate() {
            let rows = if i == last {
                components.clone()
            } else {
                Vec::new()
            };
            if i == 0 {
                self.first_message(ctx, page, rows).await?;
                continue;
            }
            let more = serenity::CreateInteractionResponseFollowup::new()
                .content(page)
                .ephemeral(true)
                .components(rows)
                .allowed_mentions(serenity::CreateAllowedMentions::new());
            self.followup(ctx, more).await?;
        }
        Ok(())
    }

    /// Replaces the message the component was on (once deferred: edits it).
    pub async fn update(
        &self,
        ctx: &serenity::Context,
        text: impl Into<String>,
        components: Vec<serenity::CreateActionRow>,
    ) -> Result<(), CommandError> {
        let text = crate::discord::reply::fit(text.into());
        if self.begin_answer() {
            let edit = serenity::EditInteractionResponse::new()
                .content(text)
                .components(components)
                .allowed_mentions(serenity::CreateAllowedMentions::new());
            match self.kind {
                Kind::Click(c) => c.edit_response(ctx, edit).await?,
                Kind::Form(f) => f.edit_response(ctx, edit).await?,
            };
            return Ok(());
        }
        let update = serenity::CreateInteractionResponseMessage::new()
            .content(text)
            .components(components)
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        let response = serenity::CreateInteractionResponse::UpdateMessage(update);
        match self.kind {
            Kind::Click(c) => c.create_response(ctx, response).await?,
            Kind::Form(f) => f.create_response(ctx, response).await?,
        }
        Ok(())
    }
}
