//! `/help`: generated from the registered commands, so it cannot go stale.

use poise::serenity_prelude as serenity;

use crate::discord::{reply, Command, CommandError, Context};
use crate::domain::text;

/// Discord's limit on one embed's description.
const EMBED_DESCRIPTION: usize = 4096;

/// List every command and what it does
#[poise::command(
    slash_command,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn help(ctx: Context<'_>) -> Result<(), CommandError> {
    let commands = &ctx.framework().options().commands;
    // One section per top-level command, then the right-click menus.
    let mut sections: Vec<(String, String)> = Vec::new();
    for command in commands
        .iter()
        .filter(|c| c.slash_action.is_some() || !c.subcommands.is_empty())
    {
        let lines: Vec<String> = help_lines(std::slice::from_ref(command))
            .into_iter()
            .map(|(usage, description)| format!("`{usage}` — {description}"))
            .collect();
        if !lines.is_empty() {
            sections.push((format!("/{}", command.name), lines.join("\n")));
        }
    }
    let menus: Vec<String> = context_menu_lines(commands)
        .into_iter()
        .map(|(name, description)| format!("`{name}` — {description}"))
        .collect();
    if !menus.is_empty() {
        sections.push((
            "Right-click menus (Apps, or long-press on mobile)".to_owned(),
            menus.join("\n"),
        ));
    }
    // An embed's description holds 4,096 characters: a longer section continues in the next.
    let sections: Vec<(String, String)> = sections
        .into_iter()
        .flat_map(|(title, body)| {
            text::split_pages(&body, EMBED_DESCRIPTION)
                .into_iter()
                .enumerate()
                .map(move |(i, page)| {
                    let title = if i == 0 {
                        title.clone()
                    } else {
                        format!("{title} (continued)")
                    };
                    (title, page)
                })
        })
        .collect();
    // A message holds at most 10 embeds and 6,000 characters of them.
    let mut batch: Vec<serenity::CreateEmbed> = Vec::new();
    let mut batch_chars = 0;
    let mut first = true;
    for (title, body) in sections {
        let size = text::utf16_len(&title) + text::utf16_len(&body);
        if !batch.is_empty() && (batch.len() == 10 || batch_chars + size > 5_500) {
            send_help(ctx, std::mem::take(&mut batch), first).await?;
            first = false;
            batch_chars = 0;
        }
        batch_chars += size;
        batch.push(serenity::CreateEmbed::new().title(title).description(body));
    }
    send_help(ctx, batch, first).await
}

async fn send_help(
    ctx: Context<'_>,
    embeds: Vec<serenity::CreateEmbed>,
    first: bool,
) -> Result<(), CommandError> {
    let header = if first {
        "**emig-bot commands** — replies about you are visible only to you."
    } else {
        "**emig-bot commands** (continued)"
    };
    let mut message = reply::ephemeral(header);
    for embed in embeds {
        message = message.embed(embed);
    }
    reply::send(ctx, message).await?;
    Ok(())
}

/// ("/me timezone", "Set your time zone…") for every invocable slash command, subcommands
/// spelled out; parents that only group subcommands are not listed themselves.
pub fn help_lines(commands: &[Command]) -> Vec<(String, String)> {
    fn walk(prefix: &str, command: &Command, out: &mut Vec<(String, String)>) {
        let path = format!("{prefix}{}", command.name);
        if command.subcommands.is_empty() {
            if command.slash_action.is_some() {
                let description = command.description.clone().unwrap_or_default().to_string();
                out.push((format!("/{path}"), description));
            }
        } else {
            for sub in &command.subcommands {
                walk(&format!("{path} "), sub, out);
            }
        }
    }
    let mut out = Vec::new();
    for command in commands {
        walk("", command, &mut out);
    }
    out
}

/// (menu name, description) of every right-click (context menu) command.
pub fn context_menu_lines(commands: &[Command]) -> Vec<(String, String)> {
    commands
        .iter()
        .filter(|c| c.context_menu_action.is_some())
        .filter_map(|c| {
            let name = c.context_menu_name.as_deref()?;
            Some((
                name.to_owned(),
                c.description.as_deref().unwrap_or_default().to_owned(),
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_lists_subcommands_with_descriptions() {
        let lines = help_lines(&crate::discord::commands::all());
        let usages: Vec<&str> = lines.iter().map(|(u, _)| u.as_str()).collect();
        assert!(usages.contains(&"/help"));
        assert!(usages.contains(&"/me timezone"));
        assert!(usages.contains(&"/chapter setup"));
        assert!(
            !usages.contains(&"/me"),
            "a group is not a command: {usages:?}"
        );
        assert!(lines.iter().all(|(_, d)| !d.is_empty()), "{lines:?}");
    }
}
