//! `/fair`: residency-fair group prep for the chapter's next fair — the programs there, who
//! wants to talk to which (names only for members who chose to show theirs), and each member's
//! own one-page brief.

use poise::serenity_prelude as serenity;

use super::conference::{autocomplete_conference, chapter_today, guild, officer, require_officer};
use super::dates::autocomplete_future_date;
use crate::actions::NO_FAIR;
use crate::discord::interaction::Component;
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::fair::{Audience, Fair, FairProgramId};
use crate::domain::program::institution_matches;
use crate::domain::when::{parse_date, Direction};
use crate::domain::GuildId;

/// Residency-fair prep: programs, who goes where, your brief
#[poise::command(
    slash_command,
    subcommands(
        "create",
        "program",
        "programs",
        "interest",
        "mine",
        "brief",
        "questions",
        "question",
        "practice"
    ),
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
    let chapter_allows = data
        .store
        .chapter(guild)
        .await?
        .is_some_and(|c| c.members_add_programs);
    if !fair.members_add_programs
        && !chapter_allows
        && !officer(data, guild, super::conference::invoker(ctx)).await?
    {
        return Err(CommandError::User(
                "Only officers add programs to this fair (they can allow members with `/chapter setup members-add-programs:true`).".into(),
            ));
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
    let id = match crate::discord::interaction::picked_id(&program) {
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
    let top = data
        .store
        .fair_questions(guild, None, data.clock.now())
        .await?;
    if !top.is_empty() {
        text.push_str("\n**Top questions**\n");
        for q in top.iter().take(3) {
            text.push_str(&format!(
                "• ({}) {}\n",
                q.audience.label(),
                reply::escape(&q.text)
            ));
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

/// Practice rounds of one-minute stories before the fair
#[poise::command(
    slash_command,
    guild_only,
    subcommands("practice_start", "practice_next"),
    subcommand_required
)]
async fn practice(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Post a sign-up for practice rounds here (officers)
#[poise::command(slash_command, guild_only, rename = "start")]
async fn practice_start(ctx: Context<'_>) -> Result<(), CommandError> {
    let guild = require_officer(ctx).await?;
    let data = ctx.data();
    let session = data
        .store
        .open_practice(guild, ctx.channel_id().get(), data.clock.now())
        .await?;
    let anyone = crate::domain::UserId(0);
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(
            FairComponent::PracticeJoin {
                session: session.id,
            }
            .custom_id(anyone),
        )
        .label("Join")
        .style(serenity::ButtonStyle::Primary),
        serenity::CreateButton::new(
            FairComponent::PracticeLeave {
                session: session.id,
            }
            .custom_id(anyone),
        )
        .label("Leave")
        .style(serenity::ButtonStyle::Secondary),
    ]);
    let send = ctx.channel_id().send_message(
        ctx,
        serenity::CreateMessage::new()
            .content("**Practice rounds**: say your one-minute story to a partner, then swap. Click **Join** to be paired from the next round; **Leave** any time.")
            .components(vec![buttons])
            .allowed_mentions(serenity::CreateAllowedMentions::new())
            .nonce(serenity::Nonce::String(format!("emig-pr-{}", session.id)))
            .enforce_nonce(true),
    );
    match tokio::time::timeout(data.request_timeout, send).await {
        Ok(Ok(message)) => {
            data.store
                .set_practice_message(session.id, message.id.get())
                .await?
        }
        _ => {
            return Err(CommandError::User(
                "I couldn't post the sign-up here. Try a channel where I can send messages.".into(),
            ))
        }
    }
    reply::send(
        ctx,
        reply::ephemeral(
            "Sign-up posted. When people have joined, `/fair practice next` pairs them.",
        ),
    )
    .await?;
    Ok(())
}

/// Pair everyone signed up for the next round (officers)
#[poise::command(slash_command, guild_only, rename = "next")]
async fn practice_next(ctx: Context<'_>) -> Result<(), CommandError> {
    let guild = require_officer(ctx).await?;
    let data = ctx.data();
    let Some(session) = data.store.open_practice_session(guild, None).await? else {
        return Err(CommandError::User(
            "No practice rounds are open: start with `/fair practice start`.".into(),
        ));
    };
    let mut members = Vec::new();
    for user in data.store.practice_members(session.id).await? {
        // Someone who left the server is dropped.
        match serenity::GuildId::new(guild.get())
            .member(ctx, serenity::UserId::new(user.get()))
            .await
        {
            Ok(_) => members.push(user.get()),
            Err(serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)))
                if r.error.code == 10007 => {}
            Err(e) => return Err(e.into()),
        }
    }
    if members.len() < 2 {
        return Err(CommandError::User(
            "Fewer than 2 people have joined: wait for more, then try again.".into(),
        ));
    }
    let (history, round) = data.store.practice_history(session.id).await?;
    let mut rng = fastrand::Rng::with_seed(crate::store::random_u64());
    // Hundreds of people take a noticeable moment: off the thread serving other commands.
    let pinged: Vec<serenity::UserId> = members.iter().map(|u| serenity::UserId::new(*u)).collect();
    let people = members.len();
    let groups = tokio::task::spawn_blocking(move || {
        crate::domain::pairing::pair_round(&members, &history, &mut rng)
    })
    .await
    .map_err(|_| {
        CommandError::User(
            "The pairing could not be worked out; nothing was changed. Try again.".into(),
        )
    })?;
    let lines: Vec<String> = groups
        .iter()
        .map(|g| {
            let names: Vec<String> = g.iter().map(|u| format!("<@{u}>")).collect();
            match names.as_slice() {
                [a, b] => format!("• {a} with {b}"),
                [init @ .., last] => format!("• {} and {last}", init.join(", ")),
                [] => String::new(),
            }
        })
        .collect();
    let text = format!(
        "**Round {round}**\n{}\nSay your one-minute story, then swap. Feedback: clear? specific? on time? one suggestion.",
        lines.join("\n")
    );
    let story = serenity::CreateActionRow::Buttons(vec![serenity::CreateButton::new(
        FairComponent::PracticeStory {
            session: session.id,
        }
        .custom_id(crate::domain::UserId(0)),
    )
    .label("My story")
    .style(serenity::ButtonStyle::Secondary)]);
    let send = serenity::ChannelId::new(session.channel_id).send_message(
        ctx,
        serenity::CreateMessage::new()
            .content(reply::fit(text))
            .components(vec![story])
            // Ping exactly the members it pairs.
            .allowed_mentions(serenity::CreateAllowedMentions::new().users(pinged)),
    );
    match tokio::time::timeout(data.request_timeout, send).await {
        Ok(Ok(_)) => {}
        _ => {
            return Err(CommandError::User(
                "I couldn't post the round; nothing was recorded. Try again.".into(),
            ))
        }
    }
    data.store
        .record_practice_round(session.id, round, &groups)
        .await?;
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Round {round} posted: {} people in {} groups.",
            people,
            groups.len()
        )),
    )
    .await?;
    Ok(())
}

/// The fair area's components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FairComponent {
    /// Public, on the practice sign-up.
    PracticeJoin {
        session: i64,
    },
    PracticeLeave {
        session: i64,
    },
    /// Public, on a round: the clicker's own latest story, to them only.
    PracticeStory {
        session: i64,
    },
    /// The member's own up-vote on a chapter question.
    Upvote {
        question: i64,
    },
}

impl crate::discord::interaction::Component for FairComponent {
    fn to_parts(&self) -> (&'static str, Vec<String>) {
        match self {
            FairComponent::PracticeJoin { session } => ("f-join", vec![session.to_string()]),
            FairComponent::PracticeLeave { session } => ("f-leave", vec![session.to_string()]),
            FairComponent::PracticeStory { session } => ("f-story", vec![session.to_string()]),
            FairComponent::Upvote { question } => ("f-vote", vec![question.to_string()]),
        }
    }

    fn from_parts(code: &str, args: &mut crate::discord::interaction::Args<'_>) -> Option<Self> {
        Some(match code {
            "f-join" => FairComponent::PracticeJoin {
                session: args.parse()?,
            },
            "f-leave" => FairComponent::PracticeLeave {
                session: args.parse()?,
            },
            "f-story" => FairComponent::PracticeStory {
                session: args.parse()?,
            },
            "f-vote" => FairComponent::Upvote {
                question: args.parse()?,
            },
            _ => return None,
        })
    }

    fn public_because(&self) -> Option<&'static str> {
        match self {
            FairComponent::Upvote { .. } => None,
            _ => Some("anyone in the channel may join practice rounds and see their own story"),
        }
    }
}

#[cfg(test)]
pub fn examples() -> Vec<FairComponent> {
    vec![
        FairComponent::PracticeJoin { session: i64::MAX },
        FairComponent::PracticeLeave { session: i64::MAX },
        FairComponent::PracticeStory { session: i64::MAX },
        FairComponent::Upvote { question: i64::MAX },
    ]
}

pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &crate::discord::interaction::Incoming<'_>,
    clicker: crate::domain::UserId,
    component: FairComponent,
) -> Result<(), CommandError> {
    let stale = || CommandError::User(crate::discord::interaction::STALE_BUTTON.into());
    let origin = incoming.origin();
    let Some(guild) = origin.guild.map(GuildId) else {
        return Err(stale());
    };
    match component {
        FairComponent::PracticeJoin { session } | FairComponent::PracticeLeave { session } => {
            let joined = matches!(component, FairComponent::PracticeJoin { .. });
            // Only from that session's own sign-up post, in its server.
            let Some(open) = data
                .store
                .open_practice_session(guild, Some(session))
                .await?
            else {
                return Err(stale());
            };
            if open.channel_id != origin.channel || open.message_id != origin.message {
                return Err(stale());
            }
            data.store
                .set_practice_member(session, clicker, joined, data.clock.now())
                .await?;
            incoming
                .say(
                    ctx,
                    if joined {
                        "You're in from the next round."
                    } else {
                        "You're out from the next round."
                    },
                )
                .await
        }
        FairComponent::Upvote { question } => {
            // Counted in the server the click came from: another server's id finds nothing.
            match data
                .store
                .vote_fair_question(guild, question, clicker, data.clock.now())
                .await?
            {
                None => Err(stale()),
                Some(true) => incoming.say(ctx, "Up-voted.").await,
                Some(false) => incoming.say(ctx, "You already up-voted that one.").await,
            }
        }
        FairComponent::PracticeStory { .. } => {
            let text = match data.store.story(clicker, None).await? {
                Some(story) => {
                    let a = crate::domain::story::analyse(&story.text);
                    format!(
                        "**Your story** (v{}, {} words, about {} s)\n{}",
                        story.version,
                        a.words,
                        a.seconds_at_130,
                        reply::escape(&story.text.spoken())
                    )
                }
                None => "You have no story yet: write one with `/story write`.".to_owned(),
            };
            incoming.say_pages(ctx, &text, Vec::new()).await
        }
    }
}

/// Up-vote buttons shown with the question list at most (two rows of five).
const VOTE_BUTTONS: usize = 10;

/// The chapter's questions for residents and faculty, most up-voted first
#[poise::command(slash_command, guild_only)]
async fn questions(
    ctx: Context<'_>,
    #[description = "Only those for residents, or for faculty"] audience: Option<Audience>,
) -> Result<(), CommandError> {
    let guild = guild(ctx)?;
    let owner = author(ctx);
    let data = ctx.data();
    let all = data
        .store
        .fair_questions(guild, audience, data.clock.now())
        .await?;
    let mut text =
        "**Questions worth asking** (up-vote the good ones; add yours with `/fair question add`)\n"
            .to_owned();
    for (i, q) in all.iter().enumerate() {
        text.push_str(&format!(
            "{}. *{}* · {} · {} vote{}\n",
            i + 1,
            q.audience.label(),
            reply::escape(&q.text),
            q.votes,
            if q.votes == 1 { "" } else { "s" }
        ));
    }
    let buttons: Vec<serenity::CreateButton> = all
        .iter()
        .take(VOTE_BUTTONS)
        .enumerate()
        .map(|(i, q)| {
            serenity::CreateButton::new(FairComponent::Upvote { question: q.id }.custom_id(owner))
                .label(format!("▲ {}", i + 1))
                .style(serenity::ButtonStyle::Secondary)
        })
        .collect();
    let rows: Vec<serenity::CreateActionRow> = buttons
        .chunks(5)
        .map(|row| serenity::CreateActionRow::Buttons(row.to_vec()))
        .collect();
    reply::send_pages(ctx, &text, rows).await?;
    Ok(())
}

/// Add or remove questions in the chapter's bank
#[poise::command(
    slash_command,
    guild_only,
    subcommands("question_add", "question_remove"),
    subcommand_required
)]
async fn question(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Add a question worth asking at fairs
#[poise::command(slash_command, guild_only, rename = "add")]
async fn question_add(
    ctx: Context<'_>,
    #[description = "For residents or faculty"] audience: Audience,
    #[description = "The question"]
    #[max_length = 200]
    text: String,
) -> Result<(), CommandError> {
    let guild = guild(ctx)?;
    let text =
        crate::domain::fair::question_text(&text).map_err(|e| CommandError::User(e.to_string()))?;
    let data = ctx.data();
    data.store
        .add_fair_question(guild, audience, &text, author(ctx), data.clock.now())
        .await?;
    reply::send(
        ctx,
        reply::ephemeral("Added to the chapter's questions: `/fair questions`."),
    )
    .await?;
    Ok(())
}

async fn autocomplete_question(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let typed = partial.trim().to_lowercase();
    let found = async {
        let guild = guild(ctx)?;
        Ok::<_, CommandError>(
            ctx.data()
                .store
                .fair_questions(guild, None, ctx.data().clock.now())
                .await?,
        )
    }
    .await;
    let choices = match found {
        Ok(all) => all
            .iter()
            .filter(|q| typed.is_empty() || q.text.to_lowercase().contains(&typed))
            .take(25)
            .map(|q| {
                serenity::AutocompleteChoice::new(
                    reply::truncate(&q.text, reply::MAX_CHOICE),
                    format!("#{}", q.id),
                )
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Remove a question from the bank (officers)
#[poise::command(slash_command, guild_only, rename = "remove")]
async fn question_remove(
    ctx: Context<'_>,
    #[description = "The question"]
    #[autocomplete = "autocomplete_question"]
    #[max_length = 100]
    question: String,
) -> Result<(), CommandError> {
    let guild = require_officer(ctx).await?;
    let id = crate::discord::interaction::picked_id(&question)
        .ok_or_else(|| CommandError::User("Pick the question from the suggestions.".into()))?;
    let data = ctx.data();
    if !data
        .store
        .remove_fair_question(guild, id, data.clock.now())
        .await?
    {
        return Err(CommandError::User(
            "That question is not in this chapter's bank.".into(),
        ));
    }
    reply::send(
        ctx,
        reply::ephemeral("Removed from the chapter's questions."),
    )
    .await?;
    Ok(())
}
