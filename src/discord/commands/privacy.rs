//! `/privacy`: what the bot stores, who sees what, how long it is kept, how to export or erase
//! it, and who runs this deployment. The notice Discord's developer terms expect.

use crate::discord::{reply, CommandError, Context};
use crate::store::{DELIVERY_LOG_KEPT, PENDING_NOTE_KEPT};

/// What the bot stores about you, who sees it, and how to erase it
#[poise::command(
    slash_command,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn privacy(ctx: Context<'_>) -> Result<(), CommandError> {
    let operator = ctx.data().privacy_operator.clone().unwrap_or_else(|| {
        "the officers of the server where you use it (this deployment names no one else)".to_owned()
    });
    let text = format!(
        "**Privacy**\n\
         **What is stored.** Your settings (time zone, stage, nudge hour, Match Day); the contacts you save and what you log with them (notes about other people: never patient information); your follow-ups and the delivery log of your nudges; your one-minute story versions and the feedback on shared ones; your conference plans and targets, letters, programs, season dates, fair interests and questions, practice sign-ups.\n\
         **Who sees it.** Only you: every reply about your data is visible to you alone, and DMs with contact details go to you only. The chapter sees only what you choose to share (a shared story, a shared plan, your name on a fair program) and officers see aggregates of 5 members or more, never a contact.\n\
         **How long.** Until you delete it. A message waiting to be saved as a note: {} minutes at most. The delivery log: {} days.\n\
         **Your rights.** `/me export` gives you a copy of everything (JSON, your contacts as CSV and vCard); `/me import` brings contacts in from a CSV sheet. `/me delete` erases everything the bot keeps about you, including the channel posts it made for you (one Discord does not confirm deleted is retried until it is gone). Officers' chapter items you created (a conference, a fair question) stay with the chapter without your name.\n\
         **Who runs this bot.** {}",
        PENDING_NOTE_KEPT.num_minutes(),
        DELIVERY_LOG_KEPT.num_days(),
        reply::escape(&operator)
    );
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}
