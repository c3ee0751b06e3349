//! The click or form being answered, and where it came from.

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

    /// Where it came from.
    pub fn origin(&self) -> Origin {
        match self {
            Incoming::Click(c) => Origin {
                guild: c.guild_id.map(|g| g.get()),
                channel: c.channel_id.get(),
                message: Some(c.message.id.get()),
            },
            Incoming::Form(f) => Origin {
                guild: f.guild_id.map(|g| g.get()),
                channel: f.channel_id.get(),
                message: f.message.as_ref().map(|m| m.id.get()),
            },
        }
    }

    /// What the bot itself may do where the interaction came from.
    pub fn app_permissions(&self) -> Option<serenity::Permissions> {
        match self {
            Incoming::Click(c) => c.app_permissions,
            Incoming::Form(f) => f.app_permissions,
        }
    }

    /// The member's server profile (roles, permissions), when it came from a server.
    pub fn member(&self) -> Option<&serenity::Member> {
        match self {
            Incoming::Click(c) => c.member.as_ref(),
            Incoming::Form(f) => f.member.as_ref(),
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
            serenity::CreateInteractionResponse::Message(super::forms::ephemeral_message(text)),
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
        let pages = crate::discord::reply::split_for_discord(text);
        let last = pages.len().saturating_sub(1);
        for (i, page) in pages.into_iter().enumerate() {
            let rows = if i == last {
                components.clone()
            } else {
                Vec::new()
            };
            if i == 0 {
                let first = super::forms::ephemeral_message(page).components(rows);
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
            .content(crate::discord::reply::fit(text.into()))
            .components(components)
            .allowed_mentions(serenity::CreateAllowedMentions::new());
        self.respond(
            ctx,
            serenity::CreateInteractionResponse::UpdateMessage(update),
        )
        .await
    }
}
