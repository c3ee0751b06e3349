//! `/fair`: residency-fair group prep for the chapter's next fair — the programs there, who
//! wants to talk to which (names only for members who chose to show theirs), and each member's
//! own one-page brief.

use poise::serenity_prelude as serenity;

use super::conference::{autocomplete_conference, chapter_today, guild, officer, require_officer};
use super::dates::autocomplete_future_date;
use crate::actions::NO_FAIR;
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::fair::{Fair, FairProgramId};
use crate::domain::program::institution_matches;
use crate::domain::when::{parse_date, Direction};
use crate::domain::GuildId;

/// Residency-fair prep: programs, who goes where, your brief
#[poise::command(
    slash_command,
    subcommands("create", "program", "programs", "interest", "mine", "brief"),
    subcommand_required,
    guild_only,
    install_context = "Guild",
    interaction_context = "Guild"
)]
pub async fn fair(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// The chapter's next fair, or the sentence saying there is none.
async fn next_fair(data: &Data, guild: GuildId) -> Result<Fair, CommandError> {
    let today = chapter_today(data, guild).await?;
    data.store
        .next_fair(guild, today)
        .await?
        .ok_or_else(|| CommandError::User(NO_FAIR.into()))
}

fn when(f: &Fair) -> String {
    f.on.format("%a %-d %b %Y").to_string()
}

/// Create the fair the chapter preps for (officers)
#[poise::command(slash_command, guild_only)]
async fn create(
    ctx: Context<'_>,
    #[description = "The fair's day"]
    #[autocomplete = "autocomplete_future_date"]
    #[max_length = 40]
    date: String,
    #[description = "Its name (default: the conference's, with \"residency fair\")"]
    #[max_length = 100]
    name: Option<String>,
    #[description = "The chapter conference it is part of"]
    #[autocomplete = "autocomplete_conference"]
    #[max_length = 100]
    conference: Option<String>,
    #[rename = "members-add-programs"]
    #[description = "Let members add programs too (default: officers only)"]
    members_add_programs: Option<bool>,
) -> Result<(), CommandError> {
    let guild = require_officer(ctx).await?;
    let data = ctx.data();
    let today = chapter_today(data, guild).await?;
    let on = parse_date(&date, today, Direction::Future)
        .or_else(|_| parse_date(&date, today, Direction::Any))?;
    let linked = match conference.as_deref() {
        Some(input) => Some(super::conference::resolve_public(ctx, input).await?),
        None => None,
    };
    let name = match (name, &linked) {
        (Some(n), _) => n,
        (None, Some(c)) => format!("{} residency fair", c.details.name),
        (None, None) => {
            return Err(CommandError::User(
                "Give the fair a name, or pick the conference it is part of.".into(),
            ))
        }
    };
    let created = data
        .actions
        .create_fair(
            guild,
            author(ctx),
            &name,
            on,
            linked.map(|c| c.id.0),
            members_add_programs.unwrap_or(false),
            today,
        )
        .await?;
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Created **{}** on {}. Add the programs there with `/fair program`; members mark theirs with `/fair interest`.",
            reply::escape(&created.name),
            when(&created)
        )),
    )
    .await?;
    Ok(())
}

/// Add a program that will be at the fair (officers, or members when allowed)
#[poise::command(slash_command, guild_only)]
async fn program(
    ctx: Context<'_>,
    #[description = "The program, e.g. Hospital Y Emergency Medicine"]
    #[max_length = 100]
    name: String,
    #[description = "Its city"]
    #[max_length = 100]
    city: Option<String>,
    #[description = "Notes for the chapter, e.g. table 12; ask about ultrasound"]
    #[max_length = 300]
    notes: Option<String>,
) -> Result<(), CommandError> {
    let guild = guild(ctx)?;
    let data = ctx.data();
    let fair = next_fair(data, guild).await?;
    if !fair.members_add_programs {
        let member = match ctx {
            poise::Context::Application(app) => app.interaction.member.as_deref(),
            poise::Context::Prefix(_) => None,
        };
        if !officer(data, guild, member).await? {
            return Err(CommandError::User(
                "Only officers add programs to this fair (they can allow members with `/fair create`).".into(),
            ));
        }
    }
    data.actions
        .add_fair_program(fair.id, &name, city.as_deref(), notes.as_deref())
        .await?;
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Added {} to **{}**.",
            reply::escape(crate::domain::text::one_line(&name).as_str()),
            reply::escape(&fair.name)
        )),
    )
    .await?;
    Ok(())
}

/// The fair's programs and how many members want to talk to each
#[poise::command(slash_command, guild_only)]
async fn programs(ctx: Context<'_>) -> Result<(), CommandError> {
    let guild = guild(ctx)?;
    let data = ctx.data();
    let fair = next_fair(data, guild).await?;
    let programs = data.store.fair_programs(fair.id).await?;
    let mut text = format!("**{}** · {}\n", reply::escape(&fair.name), when(&fair));
    if programs.is_empty() {
        text.push_str("No programs listed yet.");
    }
    for p in &programs {
        text.push_str(&format!("**{}**", reply::escape(&p.name)));
        if let Some(city) = &p.city {
            text.push_str(&format!(" ({})", reply::escape(city)));
        }
        text.push_str(&format!(" · {} interested", p.interested));
        if !p.named.is_empty() {
            let names: Vec<String> = p.named.iter().map(|u| format!("<@{u}>")).collect();
            text.push_str(&format!(": {}", names.join(", ")));
            let hidden = p.interested as usize - p.named.len();
            if hidden > 0 {
                text.push_str(&format!(" and {hidden} more"));
            }
        }
        if let Some(notes) = &p.notes {
            text.push_str(&format!("\n> {}", reply::escape(notes)));
        }
        text.push('\n');
    }
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// The fair's programs matching what was typed; the value carries the id.
async fn autocomplete_fair_program(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let typed = partial.trim().to_lowercase();
    let found = async {
        let guild = guild(ctx)?;
        let fair = next_fair(ctx.data(), guild).await?;
        Ok::<_, CommandError>(ctx.data().store.fair_programs(fair.id).await?)
    }
    .await;
    let choices = match found {
        Ok(all) => all
            .iter()
            .filter(|p| typed.is_empty() || p.name.to_lowercase().contains(&typed))
            .take(25)
            .map(|p| {
                serenity::AutocompleteChoice::new(
                    reply::truncate(&p.name, reply::MAX_CHOICE),
                    format!("#{}", p.id.0),
                )
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Say you'll talk to a program at the fair (your name shows only if you choose)
#[poise::command(slash_command, guild_only)]
async fn interest(
    ctx: Context<'_>,
    #[description = "The program"]
    #[autocomplete = "autocomplete_fair_program"]
    #[max_length = 100]
    program: String,
    #[rename = "show-my-name"]
    #[description = "Let the chapter see your name next to it (default: only counted)"]
    show_my_name: Option<bool>,
) -> Result<(), CommandError> {
    let guild = guild(ctx)?;
    let data = ctx.data();
    let fair = next_fair(data, guild).await?;
    let id = match program
        .trim()
        .strip_prefix('#')
        .and_then(|n| n.parse::<i64>().ok())
    {
        Some(id) => FairProgramId(id),
        None => data
            .store
            .fair_programs(fair.id)
            .await?
            .into_iter()
            .find(|p| p.name.eq_ignore_ascii_case(program.trim()))
            .map(|p| p.id)
            .ok_or_else(|| {
                CommandError::User(
                    "That program is not on this fair's list: see `/fair programs`.".into(),
                )
            })?,
    };
    let shown = show_my_name.unwrap_or(false);
    let name = data
        .actions
        .mark_fair_interest(author(ctx), fair.id, id, shown)
        .await?;
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "You'll talk to **{}** at {}; {}.",
            reply::escape(&name),
            reply::escape(&fair.name),
            if shown {
                "the chapter sees your name next to it"
            } else {
                "the chapter sees only the count"
            }
        )),
    )
    .await?;
    Ok(())
}

/// The programs you'll visit at the fair
#[poise::command(slash_command, guild_only)]
async fn mine(ctx: Context<'_>) -> Result<(), CommandError> {
    let guild = guild(ctx)?;
    let data = ctx.data();
    let fair = next_fair(data, guild).await?;
    let mine = data.store.fair_interests_of(author(ctx), fair.id).await?;
    if mine.is_empty() {
        return Err(CommandError::User(
            "You haven't picked programs yet: `/fair interest`.".into(),
        ));
    }
    let lines: Vec<String> = mine
        .iter()
        .map(|(_, name, shown)| {
            format!(
                "• {}{}",
                reply::escape(name),
                if *shown { " (name shown)" } else { "" }
            )
        })
        .collect();
    reply::send_pages(
        ctx,
        &format!(
            "**Your programs at {}** ({})\n{}",
            reply::escape(&fair.name),
            when(&fair),
            lines.join("\n")
        ),
        Vec::new(),
    )
    .await?;
    Ok(())
}

/// Your one-page prep: the day, your programs, your story, your contacts there
#[poise::command(slash_command, guild_only)]
async fn brief(ctx: Context<'_>) -> Result<(), CommandError> {
    let guild = guild(ctx)?;
    let owner = author(ctx);
    let data = ctx.data();
    let fair = next_fair(data, guild).await?;
    let mine = data.store.fair_interests_of(owner, fair.id).await?;
    let mut text = format!(
        "**Your brief: {}** · {}\n",
        reply::escape(&fair.name),
        when(&fair)
    );
    text.push_str("Talk to residents first, then faculty with a specific angle.\n");
    if mine.is_empty() {
        text.push_str("\nNo programs picked yet: `/fair interest`.\n");
    } else {
        // Only the member's own contacts, matched to the programs by institution.
        let contacts = data
            .store
            .list_contacts(
                owner,
                &crate::domain::contact::ContactFilter::default(),
                crate::domain::contact::ContactSort::Name,
                0,
                1000,
            )
            .await?
            .contacts;
        text.push_str("\n**Your programs**\n");
        for (_, name, _) in &mine {
            let known: Vec<String> = contacts
                .iter()
                .filter(|c| {
                    c.institution
                        .as_deref()
                        .is_some_and(|i| institution_matches(name, i))
                })
                .map(|c| reply::escape(&c.name))
                .collect();
            text.push_str(&format!("• {}", reply::escape(name)));
            if !known.is_empty() {
                text.push_str(&format!(" — you know {}", known.join(", ")));
            }
            text.push('\n');
        }
    }
    match data.store.story(owner, None).await? {
        Some(story) => {
            let a = crate::domain::story::analyse(&story.text);
            text.push_str(&format!(
                "\n**Your one-minute story** (v{}, {} words, about {} s)\n{}\n",
                story.version,
                a.words,
                a.seconds_at_130,
                reply::escape(&story.text.spoken())
            ));
        }
        None => text.push_str("\nNo one-minute story yet: `/story write`.\n"),
    }
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}
