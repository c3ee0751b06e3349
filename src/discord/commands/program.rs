//! `/program`: residency programs the member follows through the season, the people they
//! know at each, and the post-interview thanks. Private to the member.

use poise::serenity_prelude as serenity;

use super::contact::{autocomplete_contact, resolve as resolve_contact};
use crate::actions::PROGRAM_GONE;
use crate::discord::interaction::{Args, Component, Incoming};
use crate::discord::{author, reply, today_for, CommandError, Context, Data};
use crate::domain::program::{self, Program, ProgramId, ProgramStatus};
use crate::domain::UserId;

/// Residency programs: status, people you know there, interview thanks
#[poise::command(
    slash_command,
    subcommands("add", "update", "list", "show", "link"),
    subcommand_required,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn program(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

fn title(p: &Program) -> String {
    match &p.city {
        Some(city) => format!("**{}** ({})", reply::escape(&p.name), reply::escape(city)),
        None => format!("**{}**", reply::escape(&p.name)),
    }
}

/// Follow a program (status starts at interested)
#[poise::command(slash_command)]
async fn add(
    ctx: Context<'_>,
    #[description = "The program, e.g. Hospital Y Emergency Medicine"]
    #[max_length = 100]
    name: String,
    #[description = "Its city"]
    #[max_length = 100]
    city: Option<String>,
    #[rename = "no-contact"]
    #[description = "It asks applicants not to contact it after interviews"]
    no_contact: Option<bool>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let today = today_for(data, owner).await;
    let added = data
        .actions
        .add_program(
            owner,
            &name,
            city.as_deref(),
            no_contact.unwrap_or(false),
            today,
        )
        .await?;
    let people = data.store.people_at(owner, &added).await?;
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Following {}: interested. {} Move it on with `/program update`.",
            title(&added),
            match people.len() {
                0 => "None of your contacts is there yet (link one with `/program link`).".to_owned(),
                1 => "You know 1 person there.".to_owned(),
                n => format!("You know {n} people there."),
            }
        )),
    )
    .await?;
    Ok(())
}

async fn autocomplete_program(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let typed = partial.trim().to_lowercase();
    let choices = match ctx.data().store.programs(author(ctx)).await {
        Ok(all) => all
            .iter()
            .filter(|p| typed.is_empty() || p.name.to_lowercase().contains(&typed))
            .take(25)
            .map(|p| {
                serenity::AutocompleteChoice::new(
                    reply::truncate(
                        &format!("{} · {}", p.name, p.status.label()),
                        reply::MAX_CHOICE,
                    ),
                    format!("#{}", p.id.0),
                )
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "program autocomplete failed");
            Vec::new()
        }
    };
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The program a `<program>` option names: a picked suggestion or its exact name.
async fn resolve(data: &Data, owner: UserId, input: &str) -> Result<Program, CommandError> {
    let all = data.store.programs(owner).await?;
    let wanted = crate::discord::interaction::picked_id(input);
    all.into_iter()
        .find(|p| match wanted {
            Some(id) => p.id.0 == id,
            None => p.name.eq_ignore_ascii_case(input.trim()),
        })
        .ok_or_else(|| CommandError::User(PROGRAM_GONE.into()))
}

/// Move a program on: applied, signalled, interview invited, interviewed, ranked, withdrawn
#[poise::command(slash_command)]
async fn update(
    ctx: Context<'_>,
    #[description = "The program"]
    #[autocomplete = "autocomplete_program"]
    #[max_length = 100]
    program: String,
    #[description = "Where you stand now"] status: ProgramStatus,
    #[rename = "no-contact"]
    #[description = "It asks applicants not to contact it after interviews"]
    no_contact: Option<bool>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let found = resolve(data, owner, &program).await?;
    if program::is_backward(found.status, status) {
        let buttons = serenity::CreateActionRow::Buttons(vec![
            serenity::CreateButton::new(
                ProgramComponent::ConfirmBack {
                    program: found.id.0,
                    status,
                }
                .custom_id(owner),
            )
            .label(format!("Yes, mark it {}", status.label().to_lowercase()))
            .style(serenity::ButtonStyle::Danger),
            serenity::CreateButton::new(
                ProgramComponent::Keep {
                    program: found.id.0,
                }
                .custom_id(owner),
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
    let text = moved_text(data, owner, found.id, status, no_contact, false).await?;
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

async fn moved_text(
    data: &Data,
    owner: UserId,
    id: ProgramId,
    status: ProgramStatus,
    no_contact: Option<bool>,
    confirmed: bool,
) -> Result<String, CommandError> {
    let today = today_for(data, owner).await;
    let moved = data
        .actions
        .update_program(owner, id, status, no_contact, today, confirmed)
        .await?;
    let p = &moved.program;
    let mut text = format!("{}: now **{}**.", title(p), p.status.label().to_lowercase());
    if status == ProgramStatus::Interviewed {
        if p.no_contact {
            text.push_str(" It asks for no post-interview communication, so no thank-you nudges: respect that.");
        } else if moved.thanks.is_empty() {
            text.push_str(" You know nobody there: nothing to schedule.");
        } else {
            text.push_str(&format!(
                " I'll nudge you to thank {} within 1–3 days.",
                reply::escape(&moved.thanks.join(", "))
            ));
        }
    }
    Ok(text)
}

/// Your programs by status, with the people you know at each
#[poise::command(slash_command)]
async fn list(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let mut programs = data.store.programs(owner).await?;
    if programs.is_empty() {
        return Err(CommandError::User(
            "No programs yet: follow one with `/program add`.".into(),
        ));
    }
    programs.sort_by_key(|p| (p.status, p.name.to_lowercase()));
    let mut text = "**Your programs**\n".to_owned();
    let mut current = None;
    for p in &programs {
        if current != Some(p.status) {
            text.push_str(&format!("__{}__\n", p.status.label()));
            current = Some(p.status);
        }
        let people = data.store.people_at(owner, p).await?;
        let names: Vec<String> = people.iter().map(|(_, n)| reply::escape(n)).collect();
        text.push_str(&format!(
            "{}{} · {}\n",
            title(p),
            if p.no_contact {
                " · no post-interview contact"
            } else {
                ""
            },
            if names.is_empty() {
                "nobody you know there yet".to_owned()
            } else {
                format!("you know {}", names.join(", "))
            }
        ));
    }
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// One program: status, and the people you know there
#[poise::command(slash_command)]
async fn show(
    ctx: Context<'_>,
    #[description = "The program"]
    #[autocomplete = "autocomplete_program"]
    #[max_length = 100]
    program: String,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let p = resolve(data, owner, &program).await?;
    let people = data.store.people_at(owner, &p).await?;
    let mut text = format!(
        "{}\nStatus: **{}** since {}\n",
        title(&p),
        p.status.label().to_lowercase(),
        p.status_on.format("%a %-d %b %Y")
    );
    if p.no_contact {
        text.push_str("It asks applicants not to contact it after interviews.\n");
    }
    if people.is_empty() {
        text.push_str("Nobody you know there yet: link a contact with `/program link`.");
    } else {
        text.push_str("People you know there:\n");
        for (_, name) in &people {
            text.push_str(&format!("• {}\n", reply::escape(name)));
        }
    }
    reply::send_pages(ctx, &text, Vec::new()).await?;
    Ok(())
}

/// Link one of your contacts to a program (beyond a matching institution)
#[poise::command(slash_command)]
async fn link(
    ctx: Context<'_>,
    #[description = "The program"]
    #[autocomplete = "autocomplete_program"]
    #[max_length = 100]
    program: String,
    #[description = "Your contact there"]
    #[autocomplete = "autocomplete_contact"]
    #[max_length = 100]
    contact: String,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let p = resolve(data, owner, &program).await?;
    let Some(c) = resolve_contact(ctx, &contact).await? else {
        return Ok(());
    };
    data.actions.link_program_contact(owner, p.id, c.id).await?;
    reply::send(
        ctx,
        reply::ephemeral(format!(
            "Linked **{}** to {}.",
            reply::escape(&c.name),
            title(&p)
        )),
    )
    .await?;
    Ok(())
}

/// The program area's components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProgramComponent {
    /// `/program update`'s question about moving back, answered yes.
    ConfirmBack { program: i64, status: ProgramStatus },
    /// … answered no.
    Keep { program: i64 },
}

impl Component for ProgramComponent {
    fn to_parts(&self) -> (&'static str, Vec<String>) {
        match self {
            ProgramComponent::ConfirmBack { program, status } => (
                "p-back-yes",
                vec![program.to_string(), status.code().to_owned()],
            ),
            ProgramComponent::Keep { program } => ("p-back-no", vec![program.to_string()]),
        }
    }

    fn from_parts(code: &str, args: &mut Args<'_>) -> Option<Self> {
        Some(match code {
            "p-back-yes" => ProgramComponent::ConfirmBack {
                program: args.parse()?,
                status: ProgramStatus::from_code(args.text()?)?,
            },
            "p-back-no" => ProgramComponent::Keep {
                program: args.parse()?,
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
pub fn examples() -> Vec<ProgramComponent> {
    vec![
        ProgramComponent::ConfirmBack {
            program: i64::MAX,
            status: ProgramStatus::InterviewInvited,
        },
        ProgramComponent::Keep { program: i64::MAX },
    ]
}

pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    component: ProgramComponent,
) -> Result<(), CommandError> {
    match component {
        ProgramComponent::Keep { .. } => {
            incoming
                .update(ctx, "Kept. Nothing was changed.", Vec::new())
                .await
        }
        ProgramComponent::ConfirmBack { program, status } => {
            let text = moved_text(data, owner, ProgramId(program), status, None, true).await?;
            incoming.update(ctx, text, Vec::new()).await
        }
    }
}

/// A sentence for a post-interview thanks draft to someone at a program that asked for no
/// post-interview contact; `None` otherwise.
pub async fn no_contact_warning(
    data: &Data,
    owner: UserId,
    contact: crate::domain::contact::ContactId,
) -> Result<Option<String>, CommandError> {
    for p in data.store.programs(owner).await? {
        if !p.no_contact {
            continue;
        }
        let people = data.store.people_at(owner, &p).await?;
        if people.iter().any(|(id, _)| *id == contact) {
            return Ok(Some(format!(
                "**Note:** {} asks applicants not to contact it after interviews. Keep this draft for after the Match, or don't send it.",
                reply::escape(&p.name)
            )));
        }
    }
    Ok(None)
}
