//! `/network`: the member's relationship map and the next steps for their stage.

use crate::discord::{author, reply, today_for, CommandError, Context};
use crate::domain::network::{self, QUIET_AFTER_DAYS};

/// Your network at a glance: who is in it, which kinds are missing, who has gone quiet
#[poise::command(
    slash_command,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn network(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let member = data.store.member(owner).await?;
    let today = today_for(data, owner).await;
    let contacts = data.store.network_summaries(owner).await?;
    let map = network::map(&contacts, member.stage, today);

    let mut text = format!("**Your network** — {} contacts", map.total);
    if map.total > 0 {
        let counts: Vec<String> = map
            .by_relationship
            .iter()
            .map(|(r, n)| format!("{} {n}", r.label()))
            .collect();
        text.push_str(&format!("\n{}", counts.join(" · ")));
        if map.unset_relationship > 0 {
            text.push_str(&format!(" · not set {}", map.unset_relationship));
        }
        let kinds: Vec<String> = map
            .mentor_kinds
            .iter()
            .map(|(k, n)| format!("{} {n}", k.label()))
            .collect();
        text.push_str(&format!("\nMentors by kind: {}", kinds.join(" · ")));
        text.push_str(&format!(
            "\nPeers and residents: {}",
            map.peers_and_residents
        ));
    }

    let mut gaps: Vec<String> = map
        .missing_mentor_kinds
        .iter()
        .map(|k| network::mentor_wanted(*k).to_owned())
        .collect();
    if !map.has_sponsor {
        gaps.push("a sponsor (someone who opens doors for you)".into());
    }
    if map.peers_and_residents == 0 {
        gaps.push("peers and residents".into());
    }
    if !gaps.is_empty() {
        text.push_str(&format!("\n\n**Missing:** {}.", gaps.join(", ")));
    }

    if !map.quiet.is_empty() {
        text.push_str(&format!(
            "\n\n**Gone quiet** (no contact for {QUIET_AFTER_DAYS}+ days):"
        ));
        for q in &map.quiet {
            text.push_str(&format!("\n• {} — {} days", reply::escape(&q.name), q.days));
        }
    }

    if let Some(t) = &map.transactional {
        text.push_str(&format!(
            "\n\n**Mostly asking:** you logged {} asks and {} updates, thanks or offers of help. Send news and thanks too, not only requests.",
            t.asks, t.gives
        ));
        if !t.ask_only.is_empty() {
            let names: Vec<String> = t.ask_only.iter().map(|n| reply::escape(n)).collect();
            text.push_str(&format!(" Only asks so far with: {}.", names.join(", ")));
        }
    }

    text.push_str("\n\n**Next steps**");
    for step in map.next_steps {
        text.push_str(&format!("\n• {step}"));
    }
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}
