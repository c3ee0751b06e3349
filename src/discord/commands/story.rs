//! `/story`: write the one-minute story, see its analysis, share it for peer feedback.

use poise::serenity_prelude as serenity;

use crate::discord::interaction::{
    self, ephemeral_message, form_values, kept_or_typed, text_input, Args, Component, Incoming,
    Origin, STALE_BUTTON, STALE_FORM,
};
use crate::discord::{author, reply, CommandError, Context, Data};
use crate::domain::story::{
    analyse, Feedback, FeedbackSummary, Part, Rating, Story, StoryText, Verdict, EVENT_MAX_CHARS,
    PART_MAX_CHARS, SUGGESTION_MAX_CHARS,
};
use crate::domain::text;
use crate::domain::UserId;
use crate::store::FeedbackRefused;

/// Your one-minute story: write it, check it, share it for feedback
#[poise::command(
    slash_command,
    subcommands(
        "write", "show", "history", "practice", "share", "unshare", "feedback", "delete"
    ),
    subcommand_required,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn story(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

const NO_STORY: &str = "You have no story yet: write one with `/story write`.";

/// The owner's story version (the latest when `None`), or the sentence saying there is none.
async fn find_story(
    data: &Data,
    owner: UserId,
    version: Option<u32>,
) -> Result<Story, CommandError> {
    match data.store.story(owner, version).await? {
        Some(story) => Ok(story),
        None => Err(version.map_or_else(|| CommandError::User(NO_STORY.into()), no_version)),
    }
}

fn no_version(version: u32) -> CommandError {
    CommandError::User(format!(
        "You have no version {version} of your story: see them with `/story history`."
    ))
}

/// The analysis as a member reads it.
pub fn analysis_text(story: &Story) -> String {
    let a = analyse(&story.text);
    let verdict = match a.verdict {
        Verdict::OnTime => "on time (130–160 words)".to_owned(),
        Verdict::Short { add } => format!("short: add about {add} words"),
        Verdict::Long { cut } => format!("long: cut about {cut} words"),
    };
    let shares: Vec<String> = a
        .parts
        .iter()
        .map(|p| format!("{} {}% ({} words)", p.part.label(), p.percent, p.words))
        .collect();
    let mut text = format!(
        "**Your story, version {}** — {} words, about {} s at 130 words a minute, {} s at 150\nVerdict: {verdict}\nParts: {}",
        story.version,
        a.words,
        a.seconds_at_130,
        a.seconds_at_150,
        shares.join(" · ")
    );
    if let Some(interest) = a.specific_interest {
        text.push_str(&format!("\nSpecific interest: {interest} ✓"));
    }
    if a.flags.is_empty() {
        text.push_str("\nNothing to fix: practise it aloud with a peer.");
    } else {
        text.push_str("\n**To improve**");
        for flag in &a.flags {
            text.push_str(&format!("\n• {}", flag.fix()));
        }
    }
    text
}

/// The story's text in full.
fn story_body(story: &Story) -> String {
    story_body_within(story, usize::MAX)
}

/// The story's text in at most `budget` units (a shared post is one message): a part that
/// fits its share keeps everything, and the longest parts are cut first, each with "…".
fn story_body_within(story: &Story, budget: usize) -> String {
    let event = story
        .text
        .event
        .as_deref()
        .map(|e| format!("*For {}*\n", reply::escape(e)))
        .unwrap_or_default();
    let heads: Vec<String> = Part::ALL
        .iter()
        .map(|p| format!("**{}** — ", p.label()))
        .collect();
    let bodies: Vec<String> = Part::ALL
        .iter()
        .map(|p| reply::escape(story.text.part(*p)))
        .collect();
    let fixed =
        text::utf16_len(&event) + heads.iter().map(|h| text::utf16_len(h) + 1).sum::<usize>();
    let bodies: Vec<&str> = bodies.iter().map(String::as_str).collect();
    let shown = text::share(&bodies, budget.saturating_sub(fixed));
    let mut out = event;
    for (head, body) in heads.iter().zip(shown) {
        out.push_str(&format!("{head}{body}\n"));
    }
    out
}

// ---------------------------------------------------------------- write

/// Write a new version of your story (four parts, about a minute aloud)
#[poise::command(slash_command)]
async fn write(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let latest = ctx.data().store.story(owner, None).await?;
    let t = latest.as_ref().map(|s| &s.text);
    let paragraph = serenity::InputTextStyle::Paragraph;
    let modal = serenity::CreateModal::new(
        StoryComponent::WriteForm.custom_id(owner),
        "Your one-minute story",
    )
    .components(vec![
        text_input(
            "who",
            "1. Who you are (year, school, stage)",
            paragraph,
            t.map(|t| t.who.as_str()),
            PART_MAX_CHARS,
            true,
        ),
        text_input(
            "why_em",
            "2. Why emergency medicine",
            paragraph,
            t.map(|t| t.why_em.as_str()),
            PART_MAX_CHARS,
            true,
        ),
        text_input(
            "interest",
            "3. What interests you within EM",
            paragraph,
            t.map(|t| t.interest.as_str()),
            PART_MAX_CHARS,
            true,
        ),
        text_input(
            "hope",
            "4. What you hope to learn or do here",
            paragraph,
            t.map(|t| t.hope.as_str()),
            PART_MAX_CHARS,
            true,
        ),
        text_input(
            "event",
            "Event (optional), e.g. SAEM residency fair",
            serenity::InputTextStyle::Short,
            t.and_then(|t| t.event.as_deref()),
            EVENT_MAX_CHARS,
            false,
        ),
    ]);
    interaction::open_modal(ctx, modal).await?;
    Ok(())
}

// ---------------------------------------------------------------- show / history / delete

/// Show a version of your story (default: the latest) with its analysis
#[poise::command(slash_command)]
async fn show(
    ctx: Context<'_>,
    #[description = "Version number (default: the latest)"]
    #[min = 1]
    version: Option<u32>,
) -> Result<(), CommandError> {
    let story = find_story(ctx.data(), author(ctx), version).await?;
    let text = format!("{}\n{}", story_body(&story), analysis_text(&story));
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// List the versions of your story
#[poise::command(slash_command)]
async fn history(ctx: Context<'_>) -> Result<(), CommandError> {
    let stories = ctx.data().store.stories(author(ctx)).await?;
    if stories.is_empty() {
        return Err(CommandError::User(NO_STORY.into()));
    }
    let mut text = String::from("**Your story versions**");
    for s in stories.iter().take(20) {
        let a = analyse(&s.text);
        text.push_str(&format!(
            "\n• v{} — {} · {} words{}",
            s.version,
            reply::timestamp(s.created_at, 'd'),
            a.words,
            s.text
                .event
                .as_deref()
                .map(|e| format!(" · for {}", reply::escape(e)))
                .unwrap_or_default()
        ));
    }
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// Delete a version of your story, or all of them, with their feedback (asks first)
#[poise::command(slash_command)]
async fn delete(
    ctx: Context<'_>,
    #[description = "Version number; leave empty and set all to delete every version"]
    #[min = 1]
    version: Option<u32>,
    #[description = "Delete every version"] all: Option<bool>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let which = match (version, all.unwrap_or(false)) {
        (Some(v), false) => {
            ctx.data()
                .store
                .story(owner, Some(v))
                .await?
                .ok_or_else(|| no_version(v))?;
            Some(v)
        }
        (None, true) => {
            if ctx.data().store.story(owner, None).await?.is_none() {
                return Err(CommandError::User(NO_STORY.into()));
            }
            None
        }
        _ => {
            return Err(CommandError::User(
                "Give either a version number or all:True, not both.".into(),
            ))
        }
    };
    let what = match which {
        None => "every version of your story".to_owned(),
        Some(v) => format!("version {v} of your story"),
    };
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(StoryComponent::DeleteConfirm { which }.custom_id(owner))
            .label("Delete")
            .style(serenity::ButtonStyle::Danger),
        serenity::CreateButton::new(StoryComponent::DeleteCancel { which }.custom_id(owner))
            .label("Keep")
            .style(serenity::ButtonStyle::Secondary),
    ]);
    ctx.send(
        reply::ephemeral(format!(
            "Delete {what}, with its feedback? This cannot be undone."
        ))
        .components(vec![buttons]),
    )
    .await?;
    Ok(())
}

// ---------------------------------------------------------------- practice

fn timer_row(owner: UserId, id: u64) -> Vec<serenity::CreateActionRow> {
    vec![serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(StoryComponent::PracticeStop { timer: id }.custom_id(owner))
            .label("Stop")
            .style(serenity::ButtonStyle::Danger),
    ])]
}

/// A one-minute timer for saying your story aloud: green, yellow and red signals, and Stop
#[poise::command(slash_command)]
async fn practice(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let signals = data.practice;
    let id = ctx.id();
    let started = data.clock.now();
    let timer = std::sync::Arc::new(crate::discord::PracticeTimer {
        owner,
        started,
        stop: tokio::sync::Notify::new(),
        message: std::sync::OnceLock::new(),
    });
    {
        let mut timers = data.timers.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(running) = timers.values().find(|t| t.owner == owner) {
            let at = running
                .message
                .get()
                .map(|m| format!(": {}", m.link()))
                .unwrap_or_default();
            return Err(CommandError::User(format!(
                "You already have a practice timer running{at}. Stop it there, or let it finish, before starting another."
            )));
        }
        timers.insert(id, timer.clone());
    }
    // However this command ends, its timer stops being "running".
    let _running = RunningTimer { data, id };
    ctx.send(reply::ephemeral(
        "Timer started below: say your story aloud. Stop it when you finish.",
    ))
    .await?;
    // A channel message (not the interaction reply) so it can be edited for as long as needed.
    let message = ctx
        .channel_id()
        .send_message(
            ctx,
            serenity::CreateMessage::new()
                .content(format!(
                    "⏱️ **{}** to go — <@{}> is practising their one-minute story.",
                    crate::domain::story::clock_text(i64::from(signals.red)),
                    ctx.author().id
                ))
                .components(timer_row(owner, id))
                .allowed_mentions(serenity::CreateAllowedMentions::new()),
        )
        .await?;
    let _ = timer.message.set(crate::discord::TimerMessage {
        guild: ctx.guild_id().map(|g| g.get()),
        channel: ctx.channel_id().get(),
        message: message.id.get(),
    });
    let steps = [
        (signals.green, "🟢", "you can wrap up"),
        (signals.yellow, "🟡", "finish your sentence"),
        (signals.red, "🔴", "time!"),
    ];
    for (at, light, words) in steps {
        let due = started + chrono::Duration::seconds(i64::from(at));
        tokio::select! {
            () = data.clock.sleep_until(due) => {}
            () = timer.stop.notified() => break,
        }
        let last = at == signals.red;
        let mut edit = serenity::EditMessage::new().content(format!(
            "{light} **{}** — {words}",
            crate::domain::story::clock_text(i64::from(at))
        ));
        if last {
            edit = edit.components(Vec::new());
        }
        if let Err(e) = ctx.channel_id().edit_message(ctx, message.id, edit).await {
            // Deleted by someone: the timer simply ends.
            tracing::info!(error = %e, "practice timer message gone; timer stopped");
            break;
        }
    }
    Ok(())
}

/// Takes a practice timer off the running list when its command ends, however it ends.
struct RunningTimer<'a> {
    data: &'a Data,
    id: u64,
}

impl Drop for RunningTimer<'_> {
    fn drop(&mut self) {
        self.data
            .timers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
    }
}

// ---------------------------------------------------------------- share / unshare / feedback

/// Post your story in this channel for peers to give feedback (it stays private until you do)
#[poise::command(slash_command, guild_only)]
async fn share(
    ctx: Context<'_>,
    #[description = "Version number (default: the latest)"]
    #[min = 1]
    version: Option<u32>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let story = find_story(data, owner, version).await?;
    let guild = ctx.guild_id().map(|g| g.get()).unwrap_or(0);
    let channel = ctx.channel_id();
    let share_id = data
        .store
        .create_share(owner, story.id, guild, channel.get(), data.clock.now())
        .await?
        .ok_or_else(|| CommandError::User(NO_STORY.into()))?;
    let a = analyse(&story.text);
    let head = format!(
        "**<@{}>'s one-minute story** (v{}, {} words, about {} s)\n",
        ctx.author().id,
        story.version,
        a.words,
        a.seconds_at_130,
    );
    let foot = "\nListen or read, then give short feedback: clear? specific? on time? one suggestion. The author sees only the combined feedback.";
    let budget = reply::MAX_CONTENT - text::utf16_len(&head) - text::utf16_len(foot);
    let text = reply::fit(format!("{head}{}{foot}", story_body_within(&story, budget)));
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(StoryComponent::Feedback { share: share_id }.custom_id(owner))
            .label("Give feedback")
            .style(serenity::ButtonStyle::Primary),
        serenity::CreateButton::new(StoryComponent::Remove { share: share_id }.custom_id(owner))
            .label("Remove")
            .style(serenity::ButtonStyle::Secondary),
    ]);
    // A channel message, not an interaction reply: its buttons must outlive the 15-minute token.
    let posted = channel
        .send_message(
            ctx,
            serenity::CreateMessage::new()
                .content(text)
                .components(vec![buttons])
                .allowed_mentions(serenity::CreateAllowedMentions::new()),
        )
        .await;
    match posted {
        Ok(message) => {
            data.store
                .set_share_message(share_id, message.id.get())
                .await?;
            ctx.send(reply::ephemeral(format!(
                "Shared version {} here. Read the combined feedback with `/story feedback`; remove the post with `/story unshare`.",
                story.version
            )))
            .await?;
            Ok(())
        }
        Err(e) => {
            data.store.remove_share(share_id, data.clock.now()).await?;
            tracing::warn!(error = %e, "could not post a shared story");
            Err(CommandError::User(
                "I can't post in this channel. Share it in a channel where I can send messages (the bot must be a member of this server).".into(),
            ))
        }
    }
}

/// Remove your shared story posts and their feedback buttons
#[poise::command(slash_command)]
async fn unshare(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let shares = data.store.active_shares(owner).await?;
    if shares.is_empty() {
        return Err(CommandError::User("You have no shared story posts.".into()));
    }
    for share in &shares {
        remove_post(ctx.serenity_context(), data, share).await?;
    }
    ctx.send(reply::ephemeral(format!(
        "Removed {} shared post{}. Your feedback so far is kept: `/story feedback`.",
        shares.len(),
        if shares.len() == 1 { "" } else { "s" }
    )))
    .await?;
    Ok(())
}

async fn remove_post(
    ctx: &serenity::Context,
    data: &Data,
    share: &crate::store::Share,
) -> Result<(), CommandError> {
    data.store.remove_share(share.id, data.clock.now()).await?;
    if let Some(message) = share.message_id {
        let deleted = serenity::ChannelId::new(share.channel_id)
            .delete_message(ctx, serenity::MessageId::new(message))
            .await;
        if let Err(e) = deleted {
            // Already gone (deleted by hand) is fine: the share is marked removed.
            tracing::info!(error = %e, share = share.id, "shared story post could not be deleted");
        }
    }
    Ok(())
}

fn tally(label: &str, (yes, somewhat, no): (u32, u32, u32)) -> String {
    format!("{label}: yes {yes} · somewhat {somewhat} · no {no}")
}

/// Read the combined peer feedback on your story (anonymous)
#[poise::command(slash_command)]
async fn feedback(
    ctx: Context<'_>,
    #[description = "Version number (default: the latest)"]
    #[min = 1]
    version: Option<u32>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let story = find_story(data, owner, version).await?;
    let summary: FeedbackSummary = data.store.feedback_summary(owner, story.id).await?;
    let text = if summary.count == 0 {
        format!(
            "No feedback on version {} yet. Share it with `/story share`.",
            story.version
        )
    } else {
        let mut text = format!(
            "**Feedback on version {}** — {} peer{}\n{}\n{}\n{}",
            story.version,
            summary.count,
            if summary.count == 1 { "" } else { "s" },
            tally("Clear", summary.clear),
            tally("Specific", summary.specific),
            tally("On time", summary.on_time)
        );
        if !summary.suggestions.is_empty() {
            text.push_str("\n**Suggestions**");
            for s in &summary.suggestions {
                text.push_str(&format!("\n• {}", reply::escape(s)));
            }
        }
        text
    };
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

// ---------------------------------------------------------------- components

fn feedback_modal(share_id: i64) -> serenity::CreateModal {
    let short = serenity::InputTextStyle::Short;
    serenity::CreateModal::new(
        StoryComponent::FeedbackForm { share: share_id }.custom_id(UserId(0)),
        "Feedback on this story",
    )
    .components(vec![
        text_input("clear", "Clear? (yes/somewhat/no)", short, None, 10, true),
        text_input(
            "specific",
            "Specific? (yes/somewhat/no)",
            short,
            None,
            10,
            true,
        ),
        text_input(
            "on_time",
            "On time, about a minute? (yes/somewhat/no)",
            short,
            None,
            10,
            true,
        ),
        text_input(
            "suggestion",
            "One suggestion (optional)",
            serenity::InputTextStyle::Paragraph,
            None,
            SUGGESTION_MAX_CHARS,
            false,
        ),
    ])
}

fn parse_feedback(values: &[(String, String)]) -> Result<Feedback, CommandError> {
    let get = |id: &str| {
        values
            .iter()
            .find(|(k, _)| k == id)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    };
    let rate = |id: &str, question: &str| {
        Rating::parse(get(id)).ok_or_else(|| {
            CommandError::User(format!(
                "For “{question}”, answer yes, somewhat or no. Nothing was saved."
            ))
        })
    };
    let suggestion = get("suggestion").trim();
    if suggestion.chars().count() > SUGGESTION_MAX_CHARS {
        return Err(CommandError::User(
            "The suggestion is too long: at most 300 characters.".into(),
        ));
    }
    Ok(Feedback {
        clear: rate("clear", "Clear?")?,
        specific: rate("specific", "Specific?")?,
        on_time: rate("on_time", "On time?")?,
        suggestion: (!suggestion.is_empty()).then(|| suggestion.to_owned()),
    })
}

/// Whether the clicker may remove someone's shared story: Manage Messages, or the chapter's
/// officer role.
async fn can_moderate(data: &Data, incoming: &Incoming<'_>) -> Result<bool, CommandError> {
    let Some(member) = incoming.member() else {
        return Ok(false);
    };
    let by_permission = member.permissions.is_some_and(|p| {
        p.contains(serenity::Permissions::MANAGE_MESSAGES)
            || p.contains(serenity::Permissions::ADMINISTRATOR)
    });
    if by_permission {
        return Ok(true);
    }
    let Some(guild) = incoming.origin().guild else {
        return Ok(false);
    };
    let officer_role = data
        .store
        .chapter(crate::domain::GuildId(guild))
        .await?
        .and_then(|c| c.officer_role);
    Ok(officer_role.is_some_and(|role| member.roles.iter().any(|r| r.get() == role.get())))
}

/// The story area's components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoryComponent {
    /// Form: a new version of the member's story.
    WriteForm,
    /// `/story delete`'s question: one version, or every one (`None`).
    DeleteConfirm {
        which: Option<u32>,
    },
    DeleteCancel {
        which: Option<u32>,
    },
    /// Public button on a shared story: open the feedback form.
    Feedback {
        share: i64,
    },
    /// Public form: a peer's feedback.
    FeedbackForm {
        share: i64,
    },
    /// Public button on a shared story: its author or a moderator removes it.
    Remove {
        share: i64,
    },
    /// Stop on a practice timer.
    PracticeStop {
        timer: u64,
    },
}

fn which_text(which: Option<u32>) -> String {
    which.map_or_else(|| "all".to_owned(), |v| v.to_string())
}

impl Component for StoryComponent {
    fn to_parts(&self) -> (&'static str, Vec<String>) {
        match self {
            StoryComponent::WriteForm => ("s-write", Vec::new()),
            StoryComponent::DeleteConfirm { which } => ("s-delete-yes", vec![which_text(*which)]),
            StoryComponent::DeleteCancel { which } => ("s-delete-no", vec![which_text(*which)]),
            StoryComponent::Feedback { share } => ("s-feedback", vec![share.to_string()]),
            StoryComponent::FeedbackForm { share } => ("s-feedback-form", vec![share.to_string()]),
            StoryComponent::Remove { share } => ("s-remove", vec![share.to_string()]),
            StoryComponent::PracticeStop { timer } => ("s-stop", vec![timer.to_string()]),
        }
    }

    fn from_parts(code: &str, args: &mut Args<'_>) -> Option<Self> {
        let mut which = || match args.text()? {
            "all" => Some(None),
            v => v.parse().ok().filter(|v| *v >= 1).map(Some),
        };
        Some(match code {
            "s-write" => StoryComponent::WriteForm,
            "s-delete-yes" => StoryComponent::DeleteConfirm { which: which()? },
            "s-delete-no" => StoryComponent::DeleteCancel { which: which()? },
            "s-feedback" => StoryComponent::Feedback {
                share: args.parse()?,
            },
            "s-feedback-form" => StoryComponent::FeedbackForm {
                share: args.parse()?,
            },
            "s-remove" => StoryComponent::Remove {
                share: args.parse()?,
            },
            "s-stop" => StoryComponent::PracticeStop {
                timer: args.parse()?,
            },
            _ => return None,
        })
    }

    fn public_because(&self) -> Option<&'static str> {
        match self {
            StoryComponent::Feedback { .. } | StoryComponent::FeedbackForm { .. } => {
                Some("a shared story asks every peer in the channel for feedback")
            }
            StoryComponent::Remove { .. } => {
                Some("the author, an officer or a moderator may take a shared story down")
            }
            _ => None,
        }
    }
}

#[cfg(test)]
pub fn examples() -> Vec<StoryComponent> {
    vec![
        StoryComponent::WriteForm,
        StoryComponent::DeleteConfirm { which: None },
        StoryComponent::DeleteConfirm {
            which: Some(u32::MAX),
        },
        StoryComponent::DeleteCancel { which: Some(1) },
        StoryComponent::Feedback { share: i64::MAX },
        StoryComponent::FeedbackForm { share: i64::MAX },
        StoryComponent::Remove { share: i64::MAX },
        StoryComponent::PracticeStop { timer: u64::MAX },
    ]
}

/// Whether a click on a shared story's button came from that story's own post: an id naming
/// another server's or another message's share is refused before anything changes.
fn from_its_post(share: &crate::store::Share, origin: Origin) -> bool {
    share.guild_id == origin.guild.unwrap_or(0)
        && share.channel_id == origin.channel
        && share.message_id.is_some()
        && share.message_id == origin.message
}

pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    component: StoryComponent,
) -> Result<(), CommandError> {
    let stale = || CommandError::User(STALE_BUTTON.into());
    let now = data.clock.now();
    match component {
        StoryComponent::WriteForm => {
            let Incoming::Form(form) = incoming else {
                return Err(stale());
            };
            let values = form_values(form);
            // A part too long to prefill in full and left untouched keeps its full text.
            let latest = data.store.story(owner, None).await?;
            let get = |id: &str| {
                let typed = values
                    .iter()
                    .find(|(k, _)| k == id)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("");
                let stored = latest.as_ref().and_then(|s| match id {
                    "event" => s.text.event.as_deref(),
                    _ => Part::ALL
                        .iter()
                        .find(|p| p.code() == id)
                        .map(|p| s.text.part(*p)),
                });
                let max = if id == "event" {
                    EVENT_MAX_CHARS
                } else {
                    PART_MAX_CHARS
                };
                kept_or_typed(typed, stored, max)
            };
            let text = StoryText::parse(
                get("who"),
                get("why_em"),
                get("interest"),
                get("hope"),
                Some(get("event")),
            )?;
            let story = data.store.save_story(owner, &text, now).await?;
            incoming
                .respond(
                    ctx,
                    serenity::CreateInteractionResponse::Message(ephemeral_message(format!(
                        "Saved as version {}.\n\n{}",
                        story.version,
                        analysis_text(&story)
                    ))),
                )
                .await
        }
        StoryComponent::DeleteCancel { .. } => {
            incoming
                .update(ctx, "Kept. Nothing was deleted.", Vec::new())
                .await
        }
        StoryComponent::DeleteConfirm { which } => {
            for share in data.store.active_shares(owner).await? {
                if which.is_none() || Some(share.version) == which {
                    remove_post(ctx, data, &share).await?;
                }
            }
            let text = match data.store.delete_stories(owner, which).await? {
                0 => "Nothing to delete: that version is already gone.".to_owned(),
                n => format!(
                    "Deleted {n} version{}, with their feedback.",
                    if n == 1 { "" } else { "s" }
                ),
            };
            incoming.update(ctx, text, Vec::new()).await
        }
        StoryComponent::Feedback { share: share_id } => {
            let share = data.store.share(share_id).await?.ok_or_else(stale)?;
            if !from_its_post(&share, incoming.origin()) {
                return Err(stale());
            }
            if share.removed {
                return incoming
                    .say(
                        ctx,
                        "This story is no longer shared, so it takes no feedback.",
                    )
                    .await;
            }
            if share.owner == owner {
                return incoming
                    .say(ctx, "You can't rate your own story: ask a peer to.")
                    .await;
            }
            incoming
                .respond(
                    ctx,
                    serenity::CreateInteractionResponse::Modal(feedback_modal(share_id)),
                )
                .await
        }
        StoryComponent::FeedbackForm { share: share_id } => {
            let Incoming::Form(form) = incoming else {
                return Err(stale());
            };
            let share = data
                .store
                .share(share_id)
                .await?
                .ok_or_else(|| CommandError::User(STALE_FORM.into()))?;
            if !from_its_post(&share, incoming.origin()) {
                return Err(CommandError::User(STALE_FORM.into()));
            }
            let feedback = parse_feedback(&form_values(form))?;
            match data
                .store
                .give_feedback(share_id, owner, &feedback, now)
                .await?
            {
                Err(FeedbackRefused::OwnStory) => {
                    incoming
                        .say(ctx, "You can't rate your own story: ask a peer to.")
                        .await
                }
                Err(FeedbackRefused::NotShared) => {
                    incoming
                        .say(ctx, "This story is no longer shared, so nothing was saved.")
                        .await
                }
                Ok(first) => {
                    if first {
                        tell_author(ctx, share.owner).await;
                    }
                    incoming
                        .say(ctx, "Thank you: your feedback was sent. The author sees it only combined with others'.")
                        .await
                }
            }
        }
        StoryComponent::Remove { share: share_id } => {
            let share = data.store.share(share_id).await?.ok_or_else(stale)?;
            if !from_its_post(&share, incoming.origin()) {
                return Err(stale());
            }
            if share.owner != owner && !can_moderate(data, incoming).await? {
                return incoming
                    .say(ctx, "Only the author, an officer or a moderator (Manage Messages) can remove a shared story.")
                    .await;
            }
            if share.removed {
                return incoming.say(ctx, "This story was already removed.").await;
            }
            remove_post(ctx, data, &share).await?;
            incoming.say(ctx, "Removed.").await
        }
        StoryComponent::PracticeStop { timer: id } => {
            let origin = incoming.origin();
            let timer = {
                let mut timers = data.timers.lock().unwrap_or_else(|p| p.into_inner());
                let ours = timers.get(&id).is_some_and(|t| {
                    // Until its message is known (a click in the instant after posting), the
                    // owner check alone decides.
                    t.owner == owner
                        && t.message
                            .get()
                            .is_none_or(|m| Some(m.message) == origin.message)
                });
                if ours {
                    timers.remove(&id)
                } else {
                    None
                }
            };
            let Some(timer) = timer else {
                return incoming.say(ctx, "This timer has already ended.").await;
            };
            timer.stop.notify_one();
            let elapsed = (now - timer.started).num_seconds();
            incoming
                .update(
                    ctx,
                    format!(
                        "⏹️ Stopped at **{}**. A one-minute story lands between 0:45 and 1:00.",
                        crate::domain::story::clock_text(elapsed)
                    ),
                    Vec::new(),
                )
                .await
        }
    }
}

/// A DM to the author when the first feedback on a version arrives (failures only logged).
async fn tell_author(ctx: &serenity::Context, owner: UserId) {
    let sent = async {
        let channel = serenity::UserId::new(owner.get()).create_dm_channel(ctx).await?;
        channel
            .send_message(
                ctx,
                serenity::CreateMessage::new()
                    .content("Your one-minute story got its first peer feedback. Read it with `/story feedback`.")
                    .allowed_mentions(serenity::CreateAllowedMentions::new()),
            )
            .await
    }
    .await;
    if let Err(e) = sent {
        tracing::info!(error = %e, "could not DM a story author about feedback");
    }
}
