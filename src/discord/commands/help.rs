//! `/help`: generated from the registered commands, so it cannot go stale.

use crate::discord::{reply, Command, CommandError, Context};

/// List every command and what it does
#[poise::command(
    slash_command,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn help(ctx: Context<'_>) -> Result<(), CommandError> {
    let mut text =
        String::from("**emig-bot commands** (replies about you are visible only to you)\n");
    let commands = &ctx.framework().options().commands;
    for (usage, description) in help_lines(commands) {
        text.push_str(&format!("\n`{usage}` — {description}"));
    }
    let menus = context_menu_lines(commands);
    if !menus.is_empty() {
        text.push_str("\n\n**Right-click menus** (Apps, or long-press on mobile)");
        for (name, description) in menus {
            text.push_str(&format!("\n`{name}` — {description}"));
        }
    }
    for piece in reply::split_for_discord(&text) {
        ctx.send(reply::ephemeral(piece)).await?;
    }
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
