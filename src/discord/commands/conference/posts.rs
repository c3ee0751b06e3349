//! Conference posts in a channel: a member shares their plan (`/conference share`, with
//! **I'm going too** and **Remove**), an officer announces a conference (`/conference
//! announce`, with **Join**). Each post is recorded before it is sent, with a nonce, so a retry
//! finds the same message; each click is checked against the post it came from.

use poise::serenity_prelude as serenity;

use super::components::ConferenceComponent;
use super::pick::{autocomplete_conference, chapter_today, require_officer, resolve};
use crate::actions::CONFERENCE_GONE;
use crate::discord::interaction::{message_carries, Component, Incoming, STALE_BUTTON};
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::conference::{self, dates_label, relative, Conference, Visibility};
use crate::domain::{GuildId, UserId};
use crate::store::{ConferencePost, Joined};

const SHARE: &str = "share";
const ANNOUNCE: &str = "announce";

/// A post sent this long ago without a recorded message is looked for before resending.
const IN_FLIGHT: chrono::Duration = chrono::Duration::minutes(2);

/// The post's buttons.
fn post_buttons(post: &ConferencePost) -> Vec<serenity::CreateActionRow> {
    // Public components carry no owner.
    let anyone = UserId(0);
    let buttons = if post.kind == SHARE {
        vec![
            serenity::CreateButton::new(
                ConferenceComponent::GoingToo { post: post.id }.custom_id(anyone),
            )
            .label("I'm going too")
            .style(serenity::ButtonStyle::Primary),
            serenity::CreateButton::new(
                ConferenceComponent::RemovePost { post: post.id }.custom_id(anyone),
            )
            .label("Remove")
            .style(serenity::ButtonStyle::Secondary),
        ]
    } else {
        vec![serenity::CreateButton::new(
            ConferenceComponent::JoinFromPost { post: post.id }.custom_id(anyone),
        )
        .label("Join")
        .style(serenity::ButtonStyle::Primary)]
    };
    vec![serenity::CreateActionRow::Buttons(buttons)]
}

/// Sends (or finds) the channel message of a recorded post; the text is built by the caller.
async fn publish(
    ctx: Context<'_>,
    post: &ConferencePost,
    text: String,
) -> Result<Option<u64>, CommandError> {
    let data = ctx.data();
    let channel = serenity::ChannelId::new(post.channel_id);
    let ours = if post.kind == SHARE {
        ConferenceComponent::GoingToo { post: post.id }
    } else {
        ConferenceComponent::JoinFromPost { post: post.id }
    }
    .custom_id(UserId(0));
    // Sent before without an answer, longer ago than a nonce is honoured: look first.
    if data.clock.now() - post.created_at > IN_FLIGHT {
        let recent = channel
            .messages(ctx, serenity::GetMessages::new().limit(100))
            .await?;
        if let Some(found) = recent.iter().find(|m| message_carries(m, &ours)) {
            return Ok(Some(found.id.get()));
        }
    }
    let send = channel.send_message(
        ctx,
        serenity::CreateMessage::new()
            .content(reply::fit(text))
            .components(post_buttons(post))
            .allowed_mentions(serenity::CreateAllowedMentions::new())
            .nonce(serenity::Nonce::String(format!("emig-cf-{}", post.id)))
            .enforce_nonce(true),
    );
    let Ok(sent) = tokio::time::timeout(data.request_timeout, send).await else {
        tracing::warn!(post = post.id, "a conference post got no answer in time");
        return Err(unconfirmed());
    };
    match sent {
        Ok(message) => Ok(Some(message.id.get())),
        Err(e) if refused(&e) => {
            data.store
                .conference_post_gone(post.id, data.clock.now())
                .await?;
            tracing::warn!(error = %e, "could not post about a conference");
            Err(CommandError::User(
                "I can't post in this channel. Try a channel where I can send messages.".into(),
            ))
        }
        Err(e) => {
            tracing::warn!(error = %e, post = post.id, "a conference post is unconfirmed");
            Err(unconfirmed())
        }
    }
}

fn unconfirmed() -> CommandError {
    CommandError::User(
        "Discord did not confirm the post. Run the same command again: it finds the post if it went out, and sends it once if not.".into(),
    )
}

/// Discord refused the request (4xx): nothing was done.
fn refused(e: &serenity::Error) -> bool {
    matches!(e, serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) if r.status_code.is_client_error())
}

fn share_text(author: UserId, c: &Conference, note: Option<&str>) -> String {
    let d = &c.details;
    let mut text = format!(
        "**<@{author}> is going to {}** · {} · {}",
        reply::escape(&d.name),
        dates_label(d.starts_on, d.ends_on),
        reply::escape(&d.city)
    );
    if let Some(note) = note {
        text.push_str(&format!("\n> {}", reply::escape(note)));
    }
    text.push_str("\nGoing too? Click below to say so to the chapter.");
    text
}

fn announce_text(c: &Conference, today: chrono::NaiveDate) -> String {
    let d = &c.details;
    let mut text = format!(
        "**{}** · {} ({}) · {} · {}\n{} from the chapter shared that they're going. Going? **Join** to plan your targets and get reminders (only you see that you joined unless you choose).",
        reply::escape(&d.name),
        dates_label(d.starts_on, d.ends_on),
        relative(d.starts_on, d.ends_on, today),
        reply::escape(&d.city),
        d.kind.label(),
        c.going
    );
    if let Some(url) = &d.url {
        text.push_str(&format!("\n<{url}>"));
    }
    text
}

/// Post that you're going to a conference here, with your own short note (never your targets)
#[poise::command(slash_command, guild_only)]
pub(super) async fn share(
    ctx: Context<'_>,
    #[description = "The conference"]
    #[autocomplete = "autocomplete_conference"]
    #[max_length = 100]
    conference: String,
    #[description = "e.g. poster on Tuesday; looking for ultrasound people"]
    #[max_length = 300]
    note: Option<String>,
) -> Result<(), CommandError> {
    let note = conference::note(note.as_deref(), conference::MAX_SHARE_NOTE)?;
    let (guild, found) = resolve(ctx, &conference).await?;
    let owner = author(ctx);
    let data = ctx.data();
    let post = data
        .store
        .begin_conference_post(
            SHARE,
            found.id,
            owner,
            guild.get(),
            ctx.channel_id().get(),
            note.as_deref(),
            data.clock.now(),
        )
        .await?;
    let text = share_text(owner, &found, note.as_deref());
    if let Some(message) = publish(ctx, &post, text).await? {
        if !data
            .store
            .set_conference_post_message(post.id, message)
            .await?
        {
            return Err(CommandError::User(
                "That post was removed while it was being sent.".into(),
            ));
        }
    }
    // Posted: the chapter now sees that you're going (not before, should the post fail).
    data.actions
        .join_conference(owner, guild, found.id, Visibility::Chapter)
        .await?;
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Shared that you're going to **{}**; the chapter can see it in `/conference who`. Your targets stay private.",
            reply::escape(&found.details.name)
        )),
    )
    .await?;
    Ok(())
}

/// Announce a conference here with a Join button (officers)
#[poise::command(slash_command, guild_only)]
pub(super) async fn announce(
    ctx: Context<'_>,
    #[description = "The conference"]
    #[autocomplete = "autocomplete_conference"]
    #[max_length = 100]
    conference: String,
) -> Result<(), CommandError> {
    let guild = require_officer(ctx).await?;
    let (_, found) = resolve(ctx, &conference).await?;
    let data = ctx.data();
    let post = data
        .store
        .begin_conference_post(
            ANNOUNCE,
            found.id,
            author(ctx),
            guild.get(),
            ctx.channel_id().get(),
            None,
            data.clock.now(),
        )
        .await?;
    let today = chapter_today(data, guild).await?;
    if let Some(message) = publish(ctx, &post, announce_text(&found, today)).await? {
        data.store
            .set_conference_post_message(post.id, message)
            .await?;
    }
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Announced **{}** here.",
            reply::escape(&found.details.name)
        )),
    )
    .await?;
    Ok(())
}

/// The post a public button names, when the click came from that very post and its
/// conference is still on that server's calendar; else the stale answer.
async fn clicked_post(
    data: &Data,
    incoming: &Incoming<'_>,
    post: i64,
) -> Result<(ConferencePost, Conference), CommandError> {
    let stale = || CommandError::User(STALE_BUTTON.into());
    let origin = incoming.origin();
    let Some(post) = data.store.conference_post(post).await? else {
        return Err(stale());
    };
    let from_it = !post.gone
        && origin.guild == Some(post.guild_id)
        && origin.channel == post.channel_id
        && post.message_id.is_some()
        && origin.message == post.message_id;
    if !from_it {
        return Err(stale());
    }
    let Some(found) = data
        .store
        .conference(GuildId(post.guild_id), post.conference)
        .await?
    else {
        return Err(CommandError::User(CONFERENCE_GONE.into()));
    };
    Ok((post, found))
}

/// A button to change who sees that the member is going.
fn visibility_button(conference: i64, owner: UserId, to: Visibility) -> serenity::CreateActionRow {
    let label = match to {
        Visibility::Private => "Keep it private instead",
        Visibility::Chapter => "Let the chapter see",
    };
    serenity::CreateActionRow::Buttons(vec![serenity::CreateButton::new(
        ConferenceComponent::SetVisibility {
            conference,
            chapter: to == Visibility::Chapter,
        }
        .custom_id(owner),
    )
    .label(label)
    .style(serenity::ButtonStyle::Secondary)])
}

/// **I'm going too** on a shared plan: joins the clicker, visible to the chapter.
pub(super) async fn on_going_too(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    clicker: UserId,
    post: i64,
) -> Result<(), CommandError> {
    let (post, found) = clicked_post(data, incoming, post).await?;
    data.actions
        .join_conference(
            clicker,
            GuildId(post.guild_id),
            found.id,
            Visibility::Chapter,
        )
        .await?;
    let text = format!(
        "You're going to **{}** too; the chapter can see it. Plan your targets with `/conference target add`.",
        reply::escape(&found.details.name)
    );
    incoming
        .say_pages(
            ctx,
            &text,
            vec![visibility_button(found.id.0, clicker, Visibility::Private)],
        )
        .await
}

/// **Join** on an announcement: joins the clicker, private unless they choose.
pub(super) async fn on_join(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    clicker: UserId,
    post: i64,
) -> Result<(), CommandError> {
    let (post, found) = clicked_post(data, incoming, post).await?;
    let name = reply::escape(&found.details.name);
    let already = data.store.plan(clicker, found.id).await?;
    let visibility = already.map_or(Visibility::Private, |p| p.visibility);
    let joined = data
        .actions
        .join_conference(clicker, GuildId(post.guild_id), found.id, visibility)
        .await?;
    let text = match (joined, visibility) {
        (Joined::Already { .. }, Visibility::Chapter) => {
            format!("You're already going to **{name}**, and the chapter can see it.")
        }
        (Joined::Already { .. }, Visibility::Private) => {
            format!("You're already going to **{name}**; only you can see that.")
        }
        (Joined::New(_), _) => format!(
            "You're going to **{name}**; only you can see that. Plan your targets with `/conference target add`."
        ),
    };
    let flip = match visibility {
        Visibility::Private => Visibility::Chapter,
        Visibility::Chapter => Visibility::Private,
    };
    incoming
        .say_pages(
            ctx,
            &text,
            vec![visibility_button(found.id.0, clicker, flip)],
        )
        .await
}

/// **Remove** on a shared plan: its author takes the post down.
pub(super) async fn on_remove_post(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    clicker: UserId,
    post: i64,
) -> Result<(), CommandError> {
    let (post, _) = clicked_post(data, incoming, post).await?;
    if post.author != clicker {
        return Err(CommandError::User(
            "Only the member who shared this can remove it.".into(),
        ));
    }
    // The post goes first; our record changes only once Discord confirms it is gone.
    if let Some(message) = post.message_id {
        let delete = serenity::ChannelId::new(post.channel_id)
            .delete_message(ctx, serenity::MessageId::new(message));
        match tokio::time::timeout(data.request_timeout, delete).await {
            Ok(Ok(())) => {}
            Ok(Err(serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))))
                if r.status_code.as_u16() == 404 => {}
            Ok(Err(e)) if refused(&e) => {
                return Err(CommandError::User(
                    "I can no longer delete that post (I lost access to the channel): ask a moderator to remove it.".into(),
                ))
            }
            _ => {
                return Err(CommandError::User(
                    "Discord did not delete the post just now, so it is still up. Click Remove again in a moment.".into(),
                ))
            }
        }
    }
    data.store
        .conference_post_gone(post.id, data.clock.now())
        .await?;
    incoming
        .say(
            ctx,
            "Removed your post. You're still going; `/conference join` changes who can see it.",
        )
        .await
}

/// "Keep it private instead" / "Let the chapter see" (the member's own button).
pub(super) async fn on_set_visibility(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    conference: i64,
    chapter: bool,
) -> Result<(), CommandError> {
    let stale = || CommandError::User(STALE_BUTTON.into());
    let Some(guild) = incoming.origin().guild.map(GuildId) else {
        return Err(stale());
    };
    let id = crate::domain::conference::ConferenceId(conference);
    if data.store.plan(owner, id).await?.is_none() {
        return Err(CommandError::User(
            "You're no longer going to that conference: `/conference join` it again.".into(),
        ));
    }
    let visibility = if chapter {
        Visibility::Chapter
    } else {
        Visibility::Private
    };
    data.actions
        .join_conference(owner, guild, id, visibility)
        .await?;
    incoming
        .update(
            ctx,
            if chapter {
                "Done: the chapter can see you're going."
            } else {
                "Done: only you can see that you're going."
            },
            Vec::new(),
        )
        .await
}

/// Before a member's data is erased: deletes the channel posts of their shared plans (which
/// name them). Returns the posts not deleted yet (to retry) and those the bot can no longer
/// reach (a moderator must). A post whose sending never got an answer is looked for first.
pub async fn take_down_shares(
    ctx: &serenity::Context,
    data: &Data,
    owner: UserId,
) -> Result<(Vec<crate::store::PostToDelete>, usize), CommandError> {
    take_down_shares_of(ctx, data, owner, None).await
}

/// [`take_down_shares`], of one conference only when `conference` is given.
pub(super) async fn take_down_shares_of(
    ctx: &serenity::Context,
    data: &Data,
    owner: UserId,
    conference: Option<crate::domain::conference::ConferenceId>,
) -> Result<(Vec<crate::store::PostToDelete>, usize), CommandError> {
    let (mut pending, mut unreachable) = (Vec::new(), 0);
    for post in data.store.live_conference_shares(owner).await? {
        if conference.is_some_and(|c| c != post.conference) {
            continue;
        }
        let channel = serenity::ChannelId::new(post.channel_id);
        let ours = ConferenceComponent::GoingToo { post: post.id }.custom_id(UserId(0));
        let undeleted = |message| crate::store::PostToDelete {
            channel_id: post.channel_id,
            message_id: message,
            marker: ours.clone(),
        };
        let message = match post.message_id {
            Some(id) => Some(id),
            None => {
                let look = channel.messages(ctx, serenity::GetMessages::new().limit(100));
                match tokio::time::timeout(data.request_timeout, look).await {
                    Ok(Ok(recent)) => {
                        let found = recent
                            .iter()
                            .find(|m| message_carries(m, &ours))
                            .map(|m| m.id.get());
                        // Not there yet, but its send may still be on its way: look again
                        // later instead of forgetting it.
                        if found.is_none() && data.clock.now() - post.created_at < IN_FLIGHT {
                            pending.push(undeleted(None));
                            continue;
                        }
                        found
                    }
                    Ok(Err(e)) if refused(&e) => {
                        unreachable += 1;
                        continue;
                    }
                    _ => {
                        pending.push(undeleted(None));
                        continue;
                    }
                }
            }
        };
        if let Some(message) = message {
            let delete = channel.delete_message(ctx, serenity::MessageId::new(message));
            match tokio::time::timeout(data.request_timeout, delete).await {
                Ok(Ok(())) => {}
                Ok(Err(serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))))
                    if r.status_code.as_u16() == 404 => {}
                Ok(Err(e)) if refused(&e) => unreachable += 1,
                _ => {
                    pending.push(undeleted(Some(message)));
                    continue;
                }
            }
        }
        data.store
            .conference_post_gone(post.id, data.clock.now())
            .await?;
    }
    Ok((pending, unreachable))
}
