//! Shared story posts as Discord messages: finding one whose recording a crash or a lost answer
//! interrupted, and taking posts down, recorded first and retried until they are gone.

use poise::serenity_prelude as serenity;

use super::StoryComponent;
use crate::discord::interaction::Component;
use crate::discord::{CommandError, Data};
use crate::domain::UserId;

/// The HTTP status when Discord answered a request with a refusal (4xx): it did nothing.
pub(super) fn refused(e: &serenity::Error) -> Option<u16> {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))
            if r.status_code.is_client_error() =>
        {
            Some(r.status_code.as_u16())
        }
        _ => None,
    }
}
/// What finishing the member's unfinished shares did.
#[derive(Debug, Default)]
pub(super) struct Finished {
    pub removed: usize,
    /// Deletes to try again.
    pub pending: usize,
    /// Posts the bot can no longer delete: a moderator must.
    pub unreachable: usize,
    /// The posts still to delete (`pending` of them), for an erasure to queue.
    pub undeleted: Vec<crate::store::PostToDelete>,
}

impl Finished {
    /// Counts how removing `share`'s post (message `message`) ended.
    pub(super) fn count(
        &mut self,
        removal: Removal,
        share: &crate::store::Share,
        message: Option<u64>,
    ) {
        match removal {
            Removal::Gone | Removal::AlreadyGone => self.removed += 1,
            Removal::Retry => {
                self.pending += 1;
                self.undeleted.push(crate::store::PostToDelete {
                    channel_id: share.channel_id,
                    message_id: message,
                    marker: StoryComponent::Feedback { share: share.id }.custom_id(UserId(0)),
                });
            }
            Removal::Unreachable => self.unreachable += 1,
        }
    }
}

/// How taking a shared post down ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Removal {
    /// Deleted now.
    Gone,
    /// Deleted before (by hand, or by an earlier removal).
    AlreadyGone,
    /// Not deleted yet (Discord failed): try again.
    Retry,
    /// Discord refuses the bot (no access to the channel any more): only a moderator can.
    Unreachable,
}

/// A share posted this recently may still be on its way: its post is not looked for yet.
const POST_IN_FLIGHT: chrono::Duration = chrono::Duration::minutes(2);

/// Finishes what a crash or a failed call left half done: a post whose message was never
/// recorded is looked up in its channel (and kept if found), and a removal whose delete
/// failed is tried again.
pub(super) async fn finish_unfinished(
    ctx: &serenity::Context,
    data: &Data,
    owner: UserId,
) -> Result<Finished, CommandError> {
    let mut finished = Finished::default();
    let now = data.clock.now();
    for share in data.store.unfinished_shares(owner).await? {
        if !share.removed && share.message_id.is_none() && now - share.shared_at < POST_IN_FLIGHT {
            continue;
        }
        let message = match share.message_id {
            Some(message) => Some(message),
            None => match find_post(ctx, &share).await {
                Ok(found) => found,
                Err(e) => {
                    tracing::info!(error = %e, share = share.id, "could not look for a shared story post");
                    if share.removed {
                        finished.count(Removal::Retry, &share, None);
                    }
                    continue;
                }
            },
        };
        match (share.removed, message) {
            (false, Some(message)) => {
                data.store.set_share_message(share.id, message).await?;
            }
            (_, None) => {
                data.store
                    .mark_post_gone(share.id, data.clock.now())
                    .await?
            }
            (true, Some(message)) => {
                let with_message = crate::store::Share {
                    message_id: Some(message),
                    ..share
                };
                let removal = remove_post(ctx, data, &with_message).await?;
                finished.count(removal, &with_message, Some(message));
            }
        }
    }
    Ok(finished)
}

/// The share's post in its channel, found by its Give feedback button.
async fn find_post(
    ctx: &serenity::Context,
    share: &crate::store::Share,
) -> Result<Option<u64>, serenity::Error> {
    let wanted = StoryComponent::Feedback { share: share.id }.custom_id(UserId(0));
    let recent = serenity::ChannelId::new(share.channel_id)
        .messages(ctx, serenity::GetMessages::new().limit(100))
        .await?;
    Ok(recent
        .iter()
        .find(|m| crate::discord::interaction::message_carries(m, &wanted))
        .map(|m| m.id.get()))
}

/// Removes a shared post: records the removal (it takes no more feedback), then deletes the
/// message.
pub(super) async fn remove_post(
    ctx: &serenity::Context,
    data: &Data,
    share: &crate::store::Share,
) -> Result<Removal, CommandError> {
    let now = data.clock.now();
    data.store.remove_share(share.id, now).await?;
    let Some(message) = share.message_id else {
        // Its message was never recorded: finishing unfinished shares looks for it.
        return Ok(Removal::Retry);
    };
    let deleted = serenity::ChannelId::new(share.channel_id)
        .delete_message(ctx, serenity::MessageId::new(message))
        .await;
    let removal = match &deleted {
        Ok(()) => Removal::Gone,
        Err(e) => match refused(e) {
            Some(404) => Removal::AlreadyGone,
            // Missing access or permissions: retrying cannot help.
            Some(403) => Removal::Unreachable,
            _ => Removal::Retry,
        },
    };
    if let Err(e) = &deleted {
        tracing::info!(error = %e, share = share.id, ?removal, "shared story post not deleted");
    }
    if removal != Removal::Retry {
        data.store.mark_post_gone(share.id, now).await?;
    }
    Ok(removal)
}

/// Takes down every post of the member's shares (versions `which`, or all), finishing any
/// removal left half done first.
pub(super) async fn take_down_posts(
    ctx: &serenity::Context,
    data: &Data,
    owner: UserId,
    which: Option<u32>,
) -> Result<Finished, CommandError> {
    let mut finished = finish_unfinished(ctx, data, owner).await?;
    let mut shares = data.store.active_shares(owner).await?;
    shares.extend(data.store.unfinished_shares(owner).await?);
    shares.sort_by_key(|s| s.id);
    shares.dedup_by_key(|s| s.id);
    for share in shares {
        if which.is_none() || Some(share.version) == which {
            let removal = remove_post(ctx, data, &share).await?;
            finished.count(removal, &share, share.message_id);
        }
    }
    Ok(finished)
}
