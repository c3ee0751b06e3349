//! How replies look: ephemeral by default, no pings, member text escaped, Discord timestamps.

use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;
use poise::CreateReply;

use crate::domain::text;

/// Discord's limit on one message's text.
pub const MAX_CONTENT: usize = 2000;
/// Discord's limit on an autocomplete choice's name and value, and a select option's label.
pub const MAX_CHOICE: usize = 100;
/// Discord's limit on a form's title and its fields' labels.
pub const MAX_FORM_TITLE: usize = 45;

/// A reply only the member sees, that pings nobody; its text is fit to Discord's limit.
pub fn ephemeral(text: impl Into<String>) -> CreateReply {
    CreateReply::default()
        .content(fit(text.into()))
        .ephemeral(true)
        .allowed_mentions(serenity::CreateAllowedMentions::new())
}

/// Sends a command's answer (its first, or a follow-up). Every command answer goes through
/// here, so a deferral for a slow command never answers at the same time.
pub async fn send(
    ctx: super::Context<'_>,
    reply: CreateReply,
) -> Result<poise::ReplyHandle<'_>, serenity::Error> {
    super::interaction::mark_answering(ctx).await;
    #[allow(clippy::disallowed_methods)]
    ctx.send(reply).await
}

/// `text` cut to at most `max` (UTF-16 units, between graphemes), with "…" when cut.
pub fn truncate(text: &str, max: usize) -> String {
    text::cut(text, max).into_owned()
}

/// Keeps a reply within Discord's message limit, cut with "…" when it is longer.
pub fn fit(text: String) -> String {
    match text::cut(&text, MAX_CONTENT) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(cut) => cut,
    }
}

/// Splits text into pieces Discord accepts as messages, at line ends where it can; nothing is
/// lost.
pub fn split_for_discord(text: &str) -> Vec<String> {
    text::split_pages(text, MAX_CONTENT)
}

/// Sends `text` as one ephemeral message, or as several when it is longer than one message can
/// hold (split at line ends, nothing cut); `components` go on the last.
pub async fn send_pages(
    ctx: super::Context<'_>,
    text: &str,
    components: Vec<serenity::CreateActionRow>,
) -> Result<(), serenity::Error> {
    let pages = split_for_discord(text);
    let last = pages.len().saturating_sub(1);
    for (i, page) in pages.into_iter().enumerate() {
        let mut reply = ephemeral(page);
        if i == last {
            reply = reply.components(components.clone());
        }
        send(ctx, reply).await?;
    }
    Ok(())
}

/// Text a member typed, shown literally: no formatting, mentions or masked links. Discord
/// shows an escaped character without its backslash, so copied text (an email) stays intact;
/// pings are prevented by allowed mentions as well.
pub fn escape(text: &str) -> String {
    const MARKUP: &str = "\\*_~`|>#-[]<@";
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if MARKUP.contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A date and time that Discord shows in each viewer's own time zone.
pub fn timestamp(at: DateTime<Utc>, style: char) -> String {
    format!("<t:{}:{style}>", at.timestamp())
}

/// "Manage Server", "Manage Messages and Send Messages": the names members see in Discord.
pub fn permission_names(permissions: serenity::Permissions) -> String {
    let names: Vec<&str> = permissions
        .iter()
        .map(|p| match p {
            p if p == serenity::Permissions::MANAGE_GUILD => "Manage Server",
            p if p == serenity::Permissions::MANAGE_MESSAGES => "Manage Messages",
            p if p == serenity::Permissions::SEND_MESSAGES => "Send Messages",
            p if p == serenity::Permissions::ADMINISTRATOR => "Administrator",
            p if p == serenity::Permissions::MANAGE_EVENTS => "Manage Events",
            _ => "required",
        })
        .collect();
    match names.as_slice() {
        [] => "required".to_owned(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_defuses_mentions_and_markdown() {
        let shown = escape("@everyone **bold** <@123> `x`");
        assert!(shown.starts_with("\\@everyone"), "{shown}");
        assert!(shown.contains("\\*\\*bold\\*\\*"));
        assert!(shown.contains("\\<\\@123\\>"), "{shown}");
        assert!(shown.contains("\\`x\\`"));
    }

    #[test]
    fn long_text_is_split_at_line_ends() {
        let line = "x".repeat(900);
        let text = [line.as_str(); 5].join("\n");
        let pieces = split_for_discord(&text);
        assert_eq!(pieces.len(), 3);
        assert!(pieces.iter().all(|p| text::utf16_len(p) <= MAX_CONTENT));
        assert_eq!(pieces.join("\n"), text);
    }

    #[test]
    fn permission_names_read_like_discord() {
        assert_eq!(
            permission_names(serenity::Permissions::MANAGE_GUILD),
            "Manage Server"
        );
        assert_eq!(
            permission_names(
                serenity::Permissions::MANAGE_GUILD | serenity::Permissions::SEND_MESSAGES
            ),
            "Manage Server and Send Messages"
        );
    }
}
