//! How replies look: ephemeral by default, no pings, member text escaped, Discord timestamps.

use chrono::{DateTime, Utc};
use poise::serenity_prelude as serenity;
use poise::CreateReply;

/// Discord's limit on one message's text.
pub const MAX_CONTENT: usize = 2000;

/// A reply only the member sees, that pings nobody.
pub fn ephemeral(text: impl Into<String>) -> CreateReply {
    CreateReply::default()
        .content(text)
        .ephemeral(true)
        .allowed_mentions(serenity::CreateAllowedMentions::new())
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Keeps a reply within Discord's message limit.
pub fn fit(text: String) -> String {
    truncate(&text, MAX_CONTENT)
}

/// Splits text at line ends into pieces Discord accepts as messages.
pub fn split_for_discord(text: &str) -> Vec<String> {
    let mut pieces = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if !current.is_empty() && current.chars().count() + line.chars().count() + 1 > MAX_CONTENT {
            pieces.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(line);
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
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
        assert!(pieces.iter().all(|p| p.chars().count() <= MAX_CONTENT));
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
