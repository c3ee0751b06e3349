//! `/letter`: the letters a member asked for (SLOEs above all), where each stands, and the
//! buttons on their letter nudges. Private to the member.

use poise::serenity_prelude as serenity;

use super::contact::{autocomplete_contact, resolve as resolve_contact};
use super::dates::autocomplete_past_date;
use crate::actions::LETTER_GONE;
use crate::discord::interaction::{Args, Component, Incoming};
use crate::discord::{author, reply, today_for, CommandError, Context, Data};
use crate::domain::contact::Contact;
use crate::domain::draft::{DraftFacts, Situation};
use crate::domain::letter::{
    self, sloe_tally, Letter, LetterId, LetterKind, LetterStatus, Move, MAX_ROTATION,
};
use crate::domain::when::{parse_date, Direction};
use crate::domain::UserId;

/// Letters of recommendation: who you asked and where each stands
#[poise::command(
    slash_command,
    subcommands("ask", "update", "list"),
    subcommand_required,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn letter(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

fn day(d: chrono::NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

/// "SLOE from Dr. Ana Lopez (EM rotation at Hospital Y)".
fn title(l: &Letter) -> String {
    let mut text = format!("{} from **{}**", l.kind.label(), reply::escape(&l.writer));
    if let Some(rotation) = &l.rotation {
        text.push_str(&format!(" ({})", reply::escape(rotation)));
    }
    text
}

/// What comes next for a letter in its status.
fn next_step(l: &Letter, today: chrono::NaiveDate) -> String {
    match letter::nudges(l.status, l.asked_on, l.status_on, today).first() {
        Some((subject, window)) if *subject == letter::CHECK_IN => format!(
            "No answer by {}? I'll DM you a gentle check-in with a draft.",
            day(window.ideal)
        ),
        Some((_, window)) => format!(
            "I'll remind you to thank them on {}, with a draft.",
            day(window.ideal)
        ),
        None => match l.status {
            LetterStatus::Agreed => "Mark it submitted with `/letter update` when it is in.".into(),
            LetterStatus::Thanked => "All done: thanked.".into(),
            LetterStatus::Declined => "Declined: thank them for considering it.".into(),
            _ => String::new(),
        },
    }
}

/// Record a letter you asked someone for (draft the ask first with /draft)
#[poise::command(slash_command)]
async fn ask(
    ctx: Context<'_>,
    #[description = "Who you asked (one of your contacts)"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
    #[description = "SLOE (default) or another letter"] kind: Option<LetterKind>,
    #[description = "The rotation it is about, e.g. EM away rotation at Hospital Y"]
    #[max_length = 120]
    rotation: Option<String>,
    #[rename = "asked-on"]
    #[description = "When you asked (default today)"]
    #[autocomplete = "autocomplete_past_date"]
    #[max_length = 40]
    asked_on: Option<String>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let today = today_for(data, owner).await;
    let asked_on = match asked_on.as_deref() {
        Some(text) => parse_date(text, today, Direction::Past)?,
        None => today,
    };
    let rotation = rotation
        .as_deref()
        .map(crate::domain::text::one_line)
        .filter(|r| !r.is_empty());
    if rotation
        .as_deref()
        .is_some_and(|r| r.chars().count() > MAX_ROTATION)
    {
        return Err(CommandError::User(format!(
            "The rotation is too long: {MAX_ROTATION} characters at most."
        )));
    }
    let Some(c) = resolve_contact(ctx, &contact).await? else {
        return Ok(());
    };
    let added = data
        .actions
        .ask_letter(
            owner,
            c.id,
            kind.unwrap_or(LetterKind::Sloe),
            rotation.as_deref(),
            asked_on,
            today,
        )
        .await?;
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Recorded: {}, asked {}. {} Move it on with `/letter update`.",
            title(&added),
            day(added.asked_on),
            next_step(&added, today)
        )),
    )
    .await?;
    Ok(())
}

/// The member's letters matching what was typed; the value carries the id.
async fn autocomplete_letter(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let typed = partial.trim().to_lowercase();
    let choices = match ctx.data().store.letters(author(ctx)).await {
        Ok(all) => all
            .iter()
            .filter(|l| typed.is_empty() || l.writer.to_lowercase().contains(&typed))
            .take(25)
            .map(|l| {
                serenity::AutocompleteChoice::new(
                    reply::truncate(
                        &format!("{} · {} · {}", l.writer, l.kind.label(), l.status.label()),
                        reply::MAX_CHOICE,
                    ),
                    format!("#{}", l.id.0),
                )
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "letter autocomplete failed");
            Vec::new()
        }
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The letter a `<letter>` option names: a picked suggestion, or a writer's name that only
/// one of the member's letters has.
async fn resolve_letter(data: &Data, owner: UserId, input: &str) -> Result<Letter, CommandError> {
    let gone = || CommandError::User(LETTER_GONE.into());
    if let Some(id) = crate::discord::interaction::picked_id(input) {
        return data
            .store
            .letter(owner, LetterId(id))
            .await?
            .ok_or_else(gone);
    }
    let typed = input.trim().to_lowercase();
    let mut named: Vec<Letter> = data
        .store
        .letters(owner)
        .await?
        .into_iter()
        .filter(|l| l.writer.to_lowercase() == typed)
        .collect();
    match named.len() {
        1 => Ok(named.remove(0)),
        0 => Err(gone()),
        _ => Err(CommandError::User(
            "Several of your letters are from that writer: pick one from the suggestions.".into(),
        )),
    }
}

/// Move a letter on: agreed, submitted, thanked (or declined)
#[poise::command(slash_command)]
async fn update(
    ctx: Context<'_>,
    #[description = "The letter (start typing the writer's name)"]
    #[autocomplete = "autocomplete_letter"]
    #[max_length = 100]
    letter: String,
    #[description = "Where it stands now"] status: LetterStatus,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let found = resolve_letter(data, owner, &letter).await?;
    if letter::movement(found.status, status) == Move::Backward {
        let buttons = serenity::CreateActionRow::Buttons(vec![
            serenity::CreateButton::new(
                LetterComponent::ConfirmBack {
                    letter: found.id.0,
                    status,
                }
                .custom_id(owner),
            )
            .label(format!("Yes, mark it {}", status.label().to_lowercase()))
            .style(serenity::ButtonStyle::Danger),
            serenity::CreateButton::new(
                LetterComponent::KeepStatus { letter: found.id.0 }.custom_id(owner),
            )
            .label("Keep it")
            .style(serenity::ButtonStyle::Secondary),
        ]);
        reply::send(
            ctx,
            reply::ephemeral(format!(
                "{} is **{}**. Move it back to **{}**?",
                title(&found),
                found.status.label().to_lowercase(),
                status.label().to_lowercase()
            ))
            .components(vec![buttons]),
        )
        .await?;
        return Ok(());
    }
    let text = moved_text(data, owner, found.id, status, false).await?;
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

/// Moves the letter and says where it stands and what comes next.
async fn moved_text(
    data: &Data,
    owner: UserId,
    id: LetterId,
    status: LetterStatus,
    backward_confirmed: bool,
) -> Result<String, CommandError> {
    let today = today_for(data, owner).await;
    let (after, moved) = data
        .actions
        .update_letter(owner, id, status, today, backward_confirmed)
        .await?;
    Ok(match moved {
        Move::Same => format!(
            "{} is already **{}**.",
            title(&after),
            after.status.label().to_lowercase()
        ),
        _ => format!(
            "{}: now **{}**. {}",
            title(&after),
            after.status.label().to_lowercase(),
            next_step(&after, today)
        ),
    })
}

/// Your letters: writer, status and age, and how many SLOEs you have
#[poise::command(slash_command)]
async fn list(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let letters = data.store.letters(owner).await?;
    if letters.is_empty() {
        return Err(CommandError::User(
            "No letters yet. Draft the ask with `/draft situation:SLOE / letter request`, ask in person or by email, then record it with `/letter ask`.".into(),
        ));
    }
    let today = today_for(data, owner).await;
    let mut text = "**Your letters**\n".to_owned();
    for l in &letters {
        text.push_str(&format!(
            "{} · **{}** since {} (asked {}, {} days ago)\n",
            title(l),
            l.status.label().to_lowercase(),
            day(l.status_on),
            day(l.asked_on),
            (today - l.asked_on).num_days()
        ));
    }
    text.push_str(&sloe_tally(&letters));
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// The letter area's components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LetterComponent {
    /// `/letter update`'s question about moving back, answered yes.
    ConfirmBack { letter: i64, status: LetterStatus },
    /// … answered no.
    KeepStatus { letter: i64 },
    /// On a letter nudge: the writer answered, or it is done.
    Status {
        letter: i64,
        status: LetterStatus,
        digest: i64,
    },
    /// On a letter nudge: the draft that fits where it stands.
    Draft { letter: i64, digest: i64 },
}

impl Component for LetterComponent {
    fn to_parts(&self) -> (&'static str, Vec<String>) {
        match self {
            LetterComponent::ConfirmBack { letter, status } => (
                "l-back-yes",
                vec![letter.to_string(), status.code().to_owned()],
            ),
            LetterComponent::KeepStatus { letter } => ("l-back-no", vec![letter.to_string()]),
            LetterComponent::Status {
                letter,
                status,
                digest,
            } => (
                "l-status",
                vec![
                    letter.to_string(),
                    status.code().to_owned(),
                    digest.to_string(),
                ],
            ),
            LetterComponent::Draft { letter, digest } => {
                ("l-draft", vec![letter.to_string(), digest.to_string()])
            }
        }
    }

    fn from_parts(code: &str, args: &mut Args<'_>) -> Option<Self> {
        Some(match code {
            "l-back-yes" => LetterComponent::ConfirmBack {
                letter: args.parse()?,
                status: LetterStatus::from_code(args.text()?)?,
            },
            "l-back-no" => LetterComponent::KeepStatus {
                letter: args.parse()?,
            },
            "l-status" => LetterComponent::Status {
                letter: args.parse()?,
                status: LetterStatus::from_code(args.text()?)?,
                digest: args.parse()?,
            },
            "l-draft" => LetterComponent::Draft {
                letter: args.parse()?,
                digest: args.parse()?,
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
pub fn examples() -> Vec<LetterComponent> {
    vec![
        LetterComponent::ConfirmBack {
            letter: i64::MAX,
            status: LetterStatus::Declined,
        },
        LetterComponent::KeepStatus { letter: i64::MAX },
        LetterComponent::Status {
            letter: i64::MAX,
            status: LetterStatus::Submitted,
            digest: i64::MAX,
        },
        LetterComponent::Draft {
            letter: i64::MAX,
            digest: i64::MAX,
        },
    ]
}

/// The draft that fits where a letter stands.
async fn draft_text(data: &Data, owner: UserId, l: &Letter) -> Result<String, CommandError> {
    let situation = match l.status {
        LetterStatus::Asked => Situation::LetterCheckIn,
        LetterStatus::Submitted | LetterStatus::Thanked | LetterStatus::Declined => {
            Situation::LetterThanks
        }
        LetterStatus::Agreed => Situation::LetterRequest,
    };
    let contact: Option<Contact> = data.store.contact(owner, l.contact).await?;
    let stage = data.store.member(owner).await?.stage;
    let mut facts = match &contact {
        Some(c) => DraftFacts::new(c, stage, None),
        None => DraftFacts::for_target(&l.writer, None, None, "", stage),
    };
    facts.event = Some(match l.kind {
        LetterKind::Sloe => "SLOE".to_owned(),
        LetterKind::Letter => "letter of recommendation".to_owned(),
    });
    if let Some(rotation) = &l.rotation {
        facts.callback = Some(rotation.clone());
    }
    let draft = data.drafts.render(situation, &facts).map_err(|e| {
        tracing::error!(situation = situation.code(), error = %e, "draft template failed");
        CommandError::User("That draft template is broken; tell your bot's admin.".into())
    })?;
    Ok(format!(
        "**Draft — {}** (copy it, fill the [brackets], send it yourself):\n\n{}",
        situation.label(),
        reply::escape(&draft)
    ))
}

pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    component: LetterComponent,
) -> Result<(), CommandError> {
    match component {
        LetterComponent::KeepStatus { .. } => {
            incoming
                .update(ctx, "Kept. Nothing was changed.", Vec::new())
                .await
        }
        LetterComponent::ConfirmBack { letter, status } => {
            let text = moved_text(data, owner, LetterId(letter), status, true).await?;
            incoming.update(ctx, text, Vec::new()).await
        }
        LetterComponent::Status { letter, status, .. } => {
            let text = moved_text(data, owner, LetterId(letter), status, false).await?;
            incoming.say(ctx, text).await
        }
        LetterComponent::Draft { letter, .. } => {
            let Some(l) = data.store.letter(owner, LetterId(letter)).await? else {
                return Err(CommandError::User(LETTER_GONE.into()));
            };
            let text = draft_text(data, owner, &l).await?;
            incoming.say_pages(ctx, &text, Vec::new()).await
        }
    }
}

/// A letter nudge's line and its row of buttons, for the digest.
pub fn digest_item(
    owner: UserId,
    digest: i64,
    number: usize,
    subject: &str,
    l: &Letter,
) -> (String, serenity::CreateActionRow) {
    let button = |component: LetterComponent, label: String, style| {
        serenity::CreateButton::new(component.custom_id(owner))
            .label(label)
            .style(style)
    };
    let status = |status: LetterStatus, label: &str| {
        button(
            LetterComponent::Status {
                letter: l.id.0,
                status,
                digest,
            },
            format!("{label} #{number}"),
            serenity::ButtonStyle::Success,
        )
    };
    let draft = |label: &str| {
        button(
            LetterComponent::Draft {
                letter: l.id.0,
                digest,
            },
            format!("{label} #{number}"),
            serenity::ButtonStyle::Primary,
        )
    };
    let writer = reply::truncate(&reply::escape(&l.writer), 200);
    if subject == letter::CHECK_IN {
        (
            format!(
                "{number}. No answer yet from **{writer}** about your {} (asked {}): a short, gentle check-in is fine now.",
                l.kind.label(),
                day(l.asked_on)
            ),
            serenity::CreateActionRow::Buttons(vec![
                status(LetterStatus::Agreed, "Agreed"),
                status(LetterStatus::Declined, "Declined"),
                draft("Draft check-in"),
            ]),
        )
    } else {
        (
            format!(
                "{number}. **{writer}** submitted your {}: thank them in the next few days.",
                l.kind.label()
            ),
            serenity::CreateActionRow::Buttons(vec![
                status(LetterStatus::Thanked, "Thanked"),
                draft("Draft thank-you"),
            ]),
        )
    }
}
