//! `/me`: a member's own settings — time zone, stage, what the bot keeps about them.

use poise::serenity_prelude as serenity;

use crate::discord::interaction::{Args, Component, Incoming};
use crate::discord::Data;
use crate::discord::{author, reply, today_for, CommandError, Context};
use crate::domain::{Stage, TimeZone};

/// Your settings: time zone, training stage, your data
#[poise::command(
    slash_command,
    subcommands(
        "timezone", "stage", "nudges", "matchday", "dm", "show", "export", "import", "delete"
    ),
    subcommand_required,
    install_context = "Guild|User",
    interaction_context = "Guild|BotDm|PrivateChannel"
)]
pub async fn me(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

pub(crate) async fn autocomplete_zone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let choices = TimeZone::suggest(partial)
        .into_iter()
        .map(|name| serenity::AutocompleteChoice::new(name, name))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// Set your time zone, so dates and nudges follow your local time
#[poise::command(slash_command)]
async fn timezone(
    ctx: Context<'_>,
    #[description = "Your time zone, such as Europe/Berlin or America/Chicago"]
    #[autocomplete = "autocomplete_zone"]
    #[max_length = 64]
    zone: String,
) -> Result<(), CommandError> {
    let zone = TimeZone::parse(&zone)?;
    let now = ctx.data().clock.now();
    // Waiting nudges keep their local hour in the new zone.
    ctx.data().actions.set_timezone(author(ctx), zone).await?;
    let local = now.with_timezone(&zone.tz()).format("%a %-d %b, %H:%M");
    reply::send(
        ctx,
        reply::ephemeral(format!(
        "Time zone set to **{zone}** (it is {local} there now). Dates and nudges now follow it."
    )),
    )
    .await?;
    Ok(())
}

/// Set your training stage, so suggestions fit where you are
#[poise::command(slash_command)]
async fn stage(
    ctx: Context<'_>,
    #[description = "Where you are in training"] stage: Stage,
) -> Result<(), CommandError> {
    let data = ctx.data();
    data.store
        .set_stage(author(ctx), stage, data.clock.now())
        .await?;
    reply::send(
        ctx,
        reply::ephemeral(format!("Stage set to **{}**.", stage.label())),
    )
    .await?;
    Ok(())
}

/// Nudges on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub enum OnOff {
    #[name = "on"]
    On,
    #[name = "off"]
    Off,
}

/// When nudges arrive (your local hour) and whether they come at all
#[poise::command(slash_command)]
async fn nudges(
    ctx: Context<'_>,
    #[description = "Local hour for nudges, 0-23 (default 9)"]
    #[min = 0]
    #[max = 23]
    hour: Option<u8>,
    #[description = "Pause (off) or resume (on) nudge DMs"] dms: Option<OnOff>,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let now = data.clock.now();
    if hour.is_none() && dms.is_none() {
        return Err(CommandError::User(
            "Give an hour (0-23) for your nudges, or turn them on or off.".into(),
        ));
    }
    if let Some(hour) = hour {
        if hour > 23 {
            return Err(CommandError::User("Pick an hour from 0 to 23.".into()));
        }
        data.actions.set_nudge_hour(owner, hour).await?;
    }
    if let Some(state) = dms {
        data.store
            .set_dms_enabled(owner, state == OnOff::On, now)
            .await?;
        data.wake.notify_one();
    }
    let member = data.store.member(owner).await?;
    let text = if member.dms.enabled {
        format!(
            "Nudges come by DM at {:02}:00 your time ({}).",
            member.dms.hour,
            member.timezone_or(data.default_timezone)
        )
    } else {
        "Nudges are paused: they wait in `/followup list` until you turn them on again.".to_owned()
    };
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

/// The chapter's Match Day first (when it has one), then a preview of what was typed.
async fn autocomplete_match_day(
    ctx: Context<'_>,
    partial: &str,
) -> poise::serenity_prelude::CreateAutocompleteResponse {
    let mut response = super::dates::autocomplete_future_date(ctx, partial).await;
    if partial.trim().is_empty() {
        if let Some(guild) = ctx.guild_id() {
            if let Ok(Some(day)) = ctx
                .data()
                .store
                .chapter(crate::domain::GuildId(guild.get()))
                .await
                .map(|c| c.and_then(|c| c.match_day))
            {
                response =
                    poise::serenity_prelude::CreateAutocompleteResponse::new().set_choices(vec![
                        poise::serenity_prelude::AutocompleteChoice::new(
                            format!("The chapter's Match Day: {}", day.format("%a %-d %b %Y")),
                            day.to_string(),
                        ),
                    ]);
            }
        }
    }
    response
}

/// Set your Match Day: the bot reminds you to thank every mentor and sponsor after it
#[poise::command(slash_command)]
async fn matchday(
    ctx: Context<'_>,
    #[description = "Match Day, e.g. 2027-03-19 or Mar 19"]
    #[autocomplete = "autocomplete_match_day"]
    #[max_length = 40]
    date: String,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let today = today_for(data, owner).await;
    let day =
        crate::domain::when::parse_date(&date, today, crate::domain::when::Direction::Future)?;
    // Every mentor and sponsor gets a nudge, however many: answer Discord first.
    crate::discord::interaction::defer_now(ctx).await?;
    let scheduled = data.actions.set_match_day(owner, day).await?;
    reply::send(ctx, reply::ephemeral(format!(
        "Match Day set to {}. On that day I'll remind you to close the loop with {}: tell them where you matched and thank them.",
        day.format("%a %-d %b %Y"),
        match scheduled {
            0 => "your mentors, sponsors and letter writers (none saved yet)".to_owned(),
            1 => "the 1 mentor, sponsor or letter writer you saved".to_owned(),
            n => format!("the {n} mentors, sponsors and letter writers you saved"),
        }
    )))
    .await?;
    Ok(())
}

/// Direct messages from the bot
#[poise::command(slash_command, subcommands("dm_test"), subcommand_required)]
async fn dm(_ctx: Context<'_>) -> Result<(), CommandError> {
    Ok(())
}

/// Send yourself a test DM now, to check nudges can reach you
#[poise::command(slash_command, rename = "test")]
async fn dm_test(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let sent = async {
        let channel = ctx.author().create_dm_channel(ctx).await?;
        channel
            .send_message(
                ctx,
                serenity::CreateMessage::new()
                    .content("Test from emig-bot: your follow-up nudges will arrive here.")
                    .allowed_mentions(serenity::CreateAllowedMentions::new()),
            )
            .await?;
        Ok::<u64, serenity::Error>(channel.id.get())
    }
    .await;
    let text = match sent {
        Ok(channel) => {
            data.store.cache_dm_channel(owner, channel).await?;
            data.store.dms_work_again(owner).await?;
            data.wake.notify_one();
            "DMs work: I just sent you a test message. Your nudges will arrive there."
        }
        Err(serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(e)))
            if e.status_code.as_u16() == 403 && e.error.code == 50007 =>
        {
            "I can't DM you: your DMs are closed to me. Allow direct messages (a shared server's Privacy Settings, or add me as an app), then run this again. Until then, see your follow-ups with `/followup list`."
        }
        Err(e) => return Err(e.into()),
    };
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

/// Show your settings
#[poise::command(slash_command)]
async fn show(ctx: Context<'_>) -> Result<(), CommandError> {
    let data = ctx.data();
    let overview = data.store.overview(author(ctx)).await?;
    let member = &overview.member;
    let zone = match member.timezone {
        Some(zone) => format!("**{zone}**"),
        None => format!(
            "not set — using **{}** (set yours with `/me timezone`)",
            data.default_timezone
        ),
    };
    let stage = member
        .stage
        .map_or("not set (set it with `/me stage`)", Stage::label);
    let nudges = if !member.dms.enabled {
        "off (turn them on with `/me nudges`)".to_owned()
    } else if overview.dms_closed {
        "paused: your DMs are closed to me (allow DMs, then `/me dm test`)".to_owned()
    } else {
        format!("by DM at {:02}:00 your time", member.dms.hour)
    };
    let match_day = overview.match_day.map_or_else(
        || "not set (`/me matchday`)".to_owned(),
        |d| d.format("%a %-d %b %Y").to_string(),
    );
    let contacts = overview.contacts;
    let chapters = overview.chapters;
    reply::send(ctx, reply::ephemeral(format!(
        "**Your settings**\nTime zone: {zone}\nStage: {stage}\nNudges: {nudges}\nMatch Day: {match_day}\nContacts: {contacts}\nChapters (servers where you used me): {chapters}"
    )))
    .await?;
    Ok(())
}

/// Erase everything the bot keeps about you (asks first)
#[poise::command(slash_command)]
async fn delete(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let buttons = serenity::CreateActionRow::Buttons(vec![
        serenity::CreateButton::new(
            MeButton::DeleteConfirm {
                issued_at: Some(ctx.data().clock.now().timestamp()),
            }
            .custom_id(owner),
        )
        .label("Delete everything")
        .style(serenity::ButtonStyle::Danger),
        serenity::CreateButton::new(MeButton::DeleteCancel.custom_id(owner))
            .label("Cancel")
            .style(serenity::ButtonStyle::Secondary),
    ]);
    reply::send(
        ctx,
        reply::ephemeral(
            "This erases your settings and every record the bot keeps about you, in every server. It cannot be undone.",
        )
        .components(vec![buttons]),
    )
    .await?;
    Ok(())
}

/// The buttons of `/me`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MeButton {
    /// `/me delete`: yes, erase everything — valid for [`DELETE_CONFIRM_SECONDS`] after
    /// `issued_at` (unix seconds; buttons made before it was recorded carry none and have long
    /// expired).
    DeleteConfirm {
        issued_at: Option<i64>,
    },
    DeleteCancel,
}

impl Component for MeButton {
    fn to_parts(&self) -> (&'static str, Vec<String>) {
        match self {
            MeButton::DeleteConfirm { issued_at } => (
                "me-delete-yes",
                issued_at.iter().map(ToString::to_string).collect(),
            ),
            MeButton::DeleteCancel => ("me-delete-no", Vec::new()),
        }
    }

    fn from_parts(code: &str, args: &mut Args<'_>) -> Option<Self> {
        match code {
            "me-delete-yes" => Some(MeButton::DeleteConfirm {
                issued_at: args.parse(),
            }),
            "me-delete-no" => Some(MeButton::DeleteCancel),
            _ => None,
        }
    }
}

#[cfg(test)]
pub fn examples() -> Vec<MeButton> {
    vec![
        MeButton::DeleteConfirm {
            issued_at: Some(i64::MAX),
        },
        MeButton::DeleteConfirm { issued_at: None },
        MeButton::DeleteCancel,
    ]
}

/// Download everything the bot keeps about you: JSON, and your contacts as CSV and vCard
#[poise::command(slash_command)]
async fn export(ctx: Context<'_>) -> Result<(), CommandError> {
    let owner = author(ctx);
    let data = ctx.data();
    let tables = data.store.export(owner).await?;
    let contacts = data
        .store
        .list_contacts(
            owner,
            &crate::domain::contact::ContactFilter::default(),
            crate::domain::contact::ContactSort::Name,
            0,
            u32::MAX,
        )
        .await?
        .contacts;
    let limit = match ctx {
        poise::Context::Application(app) => app.interaction.attachment_size_limit as usize,
        poise::Context::Prefix(_) => 8 * 1024 * 1024,
    };
    let now = data.clock.now();
    // Writing and zipping a large export takes a while: off the thread serving other commands.
    let (text, files) =
        tokio::task::spawn_blocking(move || export_files(owner, tables, &contacts, now, limit))
            .await
            .map_err(|_| {
                CommandError::User(
                    "The export could not be written; nothing was changed. Try again.".into(),
                )
            })??;
    let mut answer = reply::ephemeral(text);
    for (name, bytes) in files {
        answer = answer.attachment(poise::serenity_prelude::CreateAttachment::bytes(
            bytes, name,
        ));
    }
    reply::send(ctx, answer).await?;
    Ok(())
}

/// Files to attach: each file's name and bytes.
type Files = Vec<(&'static str, Vec<u8>)>;

/// `/me export`'s files and the message announcing them: JSON, CSV and vCard, or one zip of
/// them when together they pass Discord's attachment `limit`.
fn export_files(
    owner: crate::domain::UserId,
    tables: serde_json::Map<String, serde_json::Value>,
    contacts: &[crate::domain::contact::Contact],
    now: chrono::DateTime<chrono::Utc>,
    limit: usize,
) -> Result<(String, Files), CommandError> {
    let document = serde_json::json!({
        "format": "emig-bot export",
        "version": 1,
        "member": owner.to_string(),
        "exported_at": now.to_rfc3339(),
        "tables": tables,
    });
    let json = serde_json::to_string_pretty(&document)
        .map_err(|e| CommandError::User(format!("The export could not be written: {e}")))?;
    let csv = crate::domain::export::contacts_csv(contacts)
        .map_err(|e| CommandError::User(format!("The CSV could not be written: {e}")))?;
    let vcf = crate::domain::export::contacts_vcf(contacts);
    let size = json.len() + csv.len() + vcf.len();
    let mut text = format!(
        "Everything I keep about you: `emig-bot-export.json` (every table, one array each), `contacts.csv` ({} contact{}, opens in any spreadsheet) and `contacts.vcf` (imports into a phone's address book).",
        contacts.len(),
        if contacts.len() == 1 { "" } else { "s" }
    );
    let files: Files = if limit > 0 && size > limit {
        // Too big to attach as they are: one .zip, never a cut.
        let zip = crate::domain::export::zipped(
            &[
                ("emig-bot-export.json", json.as_bytes()),
                ("contacts.csv", csv.as_bytes()),
                ("contacts.vcf", vcf.as_bytes()),
            ],
            now,
        )
        .map_err(|e| CommandError::User(format!("The export could not be zipped: {e}")))?;
        if zip.len() > limit {
            return Err(CommandError::User(format!(
                "Your export is {} KB even zipped, more than Discord lets me attach here ({} KB). Nothing was cut; ask the bot's operator for a copy (see `/privacy`).",
                zip.len() / 1024,
                limit / 1024
            )));
        }
        text.push_str(&format!(
            " Together they are larger than Discord lets me attach here, so they come as one zip file ({} KB).",
            zip.len().div_ceil(1024)
        ));
        vec![("emig-bot-export.zip", zip)]
    } else {
        vec![
            ("emig-bot-export.json", json.into_bytes()),
            ("contacts.csv", csv.into_bytes()),
            ("contacts.vcf", vcf.into_bytes()),
        ]
    };
    Ok((text, files))
}

/// How long downloading an imported sheet may take.
const DOWNLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The bytes of an attachment, at most `max` of them (more is refused, not cut).
async fn download(url: &str, max: u64) -> Result<Vec<u8>, CommandError> {
    let failed = || {
        CommandError::User(
            "I could not download that file from Discord. Try the import again in a moment.".into(),
        )
    };
    let client = reqwest::Client::builder()
        .timeout(DOWNLOAD_TIMEOUT)
        .build()
        .map_err(|_| failed())?;
    let mut response = client
        .get(url)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map_err(|e| {
            tracing::warn!(error = %e.without_url(), "downloading an imported sheet failed");
            failed()
        })?;
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|_| failed())? {
        bytes.extend_from_slice(&chunk);
        if bytes.len() as u64 > max {
            return Err(CommandError::User(
                crate::domain::import::SheetError::TooBig {
                    kb: bytes.len() as u64 / 1024,
                }
                .to_string(),
            ));
        }
    }
    Ok(bytes)
}

/// Add contacts from a CSV sheet (/me export's columns, or name, role, institution, where met, email)
#[poise::command(slash_command)]
async fn import(
    ctx: Context<'_>,
    #[description = "A .csv file: the columns of /me export's contacts.csv, or name, role, institution, where met, email"]
    file: serenity::Attachment,
) -> Result<(), CommandError> {
    use crate::domain::import::{self, SheetError};
    let owner = author(ctx);
    // Refused from the declared size before anything is downloaded.
    if u64::from(file.size) > import::MAX_BYTES {
        return Err(CommandError::User(
            SheetError::TooBig {
                kb: u64::from(file.size) / 1024,
            }
            .to_string(),
        ));
    }
    let bytes = download(&file.url, import::MAX_BYTES).await?;
    let user = |e: SheetError| CommandError::User(e.to_string());
    let text = import::decode(&bytes).map_err(user)?;
    let today = today_for(ctx.data(), owner).await;
    let sheet = import::read_sheet(text, today).map_err(user)?;
    let mut ignored = String::new();
    if !sheet.ignored_columns.is_empty() {
        let names: Vec<String> = sheet
            .ignored_columns
            .iter()
            .take(5)
            .map(|c| format!("“{}”", reply::escape(c)))
            .collect();
        ignored = format!(
            "\nColumns I don't know were ignored: {}{}.",
            names.join(", "),
            if sheet.ignored_columns.len() > 5 {
                ", …"
            } else {
                ""
            }
        );
    }
    if !sheet.errors.is_empty() {
        let mut text = format!(
            "Nothing was imported: {} of {} row{} can't be read. Fix {} and import the file again.\n",
            sheet.errors.len(),
            sheet.errors.len() + sheet.rows.len(),
            if sheet.errors.len() + sheet.rows.len() == 1 { "" } else { "s" },
            if sheet.errors.len() == 1 { "it" } else { "them" },
        );
        for e in sheet.errors.iter().take(5) {
            text.push_str(&format!("- Row {}: {}\n", e.row, reply::escape(&e.why)));
        }
        if sheet.errors.len() > 5 {
            text.push_str(&format!("- … and {} more.\n", sheet.errors.len() - 5));
        }
        text.push_str(&ignored);
        reply::send(ctx, reply::ephemeral(text)).await?;
        return Ok(());
    }
    if sheet.rows.is_empty() {
        return Err(CommandError::User(
            "That sheet has no rows under its column names, so nothing was imported.".into(),
        ));
    }
    let done = ctx
        .data()
        .actions
        .import_contacts(owner, sheet.rows)
        .await?;
    tracing::info!(
        added = done.added,
        duplicates = done.duplicates,
        "a member imported contacts"
    );
    let mut text = format!(
        "Imported **{}** contact{}.",
        done.added,
        if done.added == 1 { "" } else { "s" }
    );
    if done.duplicates > 0 {
        text.push_str(&format!(
            " {} row{} already in your list (same name, and the same email or institution where both have one) and {} skipped.",
            done.duplicates,
            if done.duplicates == 1 { " was" } else { "s were" },
            if done.duplicates == 1 { "was" } else { "were" },
        ));
    }
    if done.added > 0 {
        text.push_str(
            "\nNo follow-ups were scheduled for them, so you get no wave of nudges. Set one for anyone you want to stay in touch with: `/followup set`.",
        );
    }
    text.push_str(&ignored);
    reply::send(ctx, reply::ephemeral(text)).await?;
    Ok(())
}

/// How long `/me delete`'s confirm button works.
pub const DELETE_CONFIRM_SECONDS: i64 = 120;

/// The answer to `/me delete`'s question.
pub async fn on_component(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: crate::domain::UserId,
    button: MeButton,
) -> Result<(), CommandError> {
    if button == MeButton::DeleteCancel {
        return incoming
            .update(ctx, "Nothing was deleted.", Vec::new())
            .await;
    }
    if let MeButton::DeleteConfirm { issued_at } = button {
        let now = data.clock.now().timestamp();
        if issued_at.is_none_or(|at| now - at > DELETE_CONFIRM_SECONDS) {
            return incoming
                .update(
                    ctx,
                    "This confirmation expired (it lasts 2 minutes), so nothing was deleted. Run `/me delete` again.",
                    Vec::new(),
                )
                .await;
        }
    }
    // Shared story posts first: once the data is gone, nothing could find them again. Those
    // Discord does not confirm deleted now are queued (without the member) and retried.
    let (mut undeleted, unreachable) = super::story::take_down_all_posts(ctx, data, owner).await?;
    let (shares_undeleted, shares_unreachable) =
        super::conference::take_down_shares(ctx, data, owner).await?;
    undeleted.extend(shares_undeleted);
    // A post found twice (finishing an earlier removal, then taking it down) is queued once.
    undeleted.sort_by(|a, b| {
        (a.channel_id, a.message_id, &a.marker).cmp(&(b.channel_id, b.message_id, &b.marker))
    });
    undeleted.dedup();
    let unreachable = unreachable + shares_unreachable;
    data.store
        .delete_member(owner, &undeleted, data.clock.now())
        .await?;
    if !undeleted.is_empty() {
        data.actions.wake.notify_one();
    }
    tracing::info!(queued_posts = undeleted.len(), "a member erased their data");
    let mut text =
        "Done: everything the bot kept about you is erased. Using a command again starts afresh."
            .to_owned();
    if !undeleted.is_empty() {
        text.push_str(&format!(
            " {} shared post{} could not be deleted just now: I keep trying until {} gone.",
            undeleted.len(),
            if undeleted.len() == 1 { "" } else { "s" },
            if undeleted.len() == 1 {
                "it is"
            } else {
                "they are"
            }
        ));
    }
    if unreachable > 0 {
        text.push_str(&format!(
            " {unreachable} shared post{} sit in channels I can no longer reach: ask a moderator there to delete {}.",
            if unreachable == 1 { "" } else { "s" },
            if unreachable == 1 { "it" } else { "them" }
        ));
    }
    incoming.update(ctx, text, Vec::new()).await
}
