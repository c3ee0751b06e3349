//! Nudge digests as Discord DMs: paced, idempotent (nonce), with closed DMs and rate limits
//! turned into the scheduler's outcomes.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use poise::serenity_prelude as serenity;
use tokio::sync::Mutex;
use tokio::time::Instant;

use super::commands::conference::ConferenceComponent;
use super::commands::followup::{NudgeButton, DONE_CODE};
use super::interaction::Component;
use super::reply;
use crate::clock::Clock;
use crate::domain::cadence::{Digest, DueStatus, FollowUp};
use crate::domain::conference::{self, PlanId};
use crate::domain::text;
use crate::domain::{TimeZone, UserId};
use crate::scheduler::{Deliver, DeliverError, DeliverFuture, PostRemoval, Sent};
use crate::store::{PlanReminder, PostToDelete, Store};

/// Spaces sends `interval` apart, whoever asks.
pub struct Pacer {
    interval: StdDuration,
    next: Mutex<Instant>,
}

impl Pacer {
    /// At most `rate` waits end per second (a fraction is fine: a process's share).
    pub fn per_second(rate: f64) -> Pacer {
        Pacer {
            interval: StdDuration::from_secs_f64(1.0 / rate.max(0.01)),
            next: Mutex::new(Instant::now()),
        }
    }

    pub async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }
}

pub struct DiscordDeliver {
    http: Arc<serenity::Http>,
    /// The longest any one Discord call may take.
    timeout: StdDuration,
    store: Store,
    clock: Arc<dyn Clock>,
    pacer: Pacer,
    default_timezone: TimeZone,
}

/// 429s retried by the sender itself before giving up for this run.
const RATE_LIMIT_RETRIES: u32 = 3;

impl DiscordDeliver {
    pub fn new(
        http: Arc<serenity::Http>,
        store: Store,
        clock: Arc<dyn Clock>,
        send_rate: f64,
        default_timezone: TimeZone,
        timeout: StdDuration,
    ) -> Self {
        Self {
            http,
            timeout,
            store,
            clock,
            pacer: Pacer::per_second(send_rate),
            default_timezone,
        }
    }

    /// The member's DM channel, cached so a nudge costs one request.
    async fn channel(&self, owner: UserId) -> Result<serenity::ChannelId, DeliverError> {
        if let Ok(Some(id)) = self.store.dm_channel(owner).await {
            return Ok(serenity::ChannelId::new(id));
        }
        self.pacer.wait().await;
        let channel = bounded(
            self.timeout,
            serenity::UserId::new(owner.get()).create_dm_channel(&self.http),
        )
        .await?;
        if let Err(e) = self.store.cache_dm_channel(owner, channel.id.get()).await {
            tracing::warn!(error = %e, "could not cache a DM channel");
        }
        Ok(channel.id)
    }

    /// What the digest's lines are about.
    async fn facts(&self, digest: &Digest) -> Result<DigestFacts, crate::store::StoreError> {
        let about: Vec<i64> = digest.nudges.iter().filter_map(|n| n.follow_up()).collect();
        let follow_ups = self.store.follow_ups_named_in(digest.owner, &about).await?;
        let plan_ids: Vec<PlanId> = digest
            .nudges
            .iter()
            .filter(|n| n.subject == conference::WEEK_BEFORE || n.subject == conference::DAY_BEFORE)
            .map(|n| PlanId(n.subject_id))
            .collect();
        let (plans, story) = if plan_ids.is_empty() {
            (Vec::new(), None)
        } else {
            let story = self.store.story(digest.owner, None).await?.map(|s| {
                let a = crate::domain::story::analyse(&s.text);
                (s.version, a.words, a.seconds_at_130)
            });
            (
                self.store.plan_reminders(digest.owner, &plan_ids).await?,
                story,
            )
        };
        let mut after = Vec::new();
        for n in digest
            .nudges
            .iter()
            .filter(|n| n.subject == conference::AFTER)
        {
            let plan = PlanId(n.subject_id);
            if let Some(summary) = self.store.plan_by_id(digest.owner, plan).await? {
                let follow_ups = self
                    .store
                    .conference_follow_ups(digest.owner, summary.conference.id.0)
                    .await?;
                after.push(AfterConference {
                    plan,
                    conference: summary.conference,
                    follow_ups,
                });
            }
        }
        let notices: Vec<i64> = digest
            .nudges
            .iter()
            .filter(|n| n.subject == conference::CHANGED)
            .map(|n| n.subject_id)
            .collect();
        let changed = if notices.is_empty() {
            Vec::new()
        } else {
            self.store.notice_plans(digest.owner, &notices).await?
        };
        let mut letters = Vec::new();
        for n in digest.nudges.iter().filter(|n| {
            n.subject == crate::domain::letter::CHECK_IN
                || n.subject == crate::domain::letter::THANKS
        }) {
            if let Some(l) = self
                .store
                .letter(digest.owner, crate::domain::letter::LetterId(n.subject_id))
                .await?
            {
                letters.push(l);
            }
        }
        let season_subject = |s: &str| {
            s == crate::domain::season::WEEK_BEFORE || s == crate::domain::season::LETTERS_DUE
        };
        let milestones = if digest.nudges.iter().any(|n| season_subject(&n.subject)) {
            self.store.milestones(digest.owner).await?
        } else {
            Vec::new()
        };
        if digest
            .nudges
            .iter()
            .any(|n| n.subject == crate::domain::season::LETTERS_DUE)
        {
            letters = self.store.letters(digest.owner).await?;
        }
        let match_day = if digest
            .nudges
            .iter()
            .any(|n| n.subject == crate::actions::MATCH_WEEK_BEFORE)
        {
            self.store.match_day(digest.owner).await?
        } else {
            None
        };
        Ok(DigestFacts {
            follow_ups,
            plans,
            story,
            after,
            changed,
            letters,
            milestones,
            match_day,
        })
    }

    async fn today(&self, owner: UserId) -> chrono::NaiveDate {
        let zone = match self.store.member(owner).await {
            Ok(m) => m.timezone_or(self.default_timezone),
            Err(_) => self.default_timezone,
        };
        self.clock.now().with_timezone(&zone.tz()).date_naive()
    }
}

/// How serenity's error maps onto the scheduler's outcomes.
fn classify(e: serenity::Error) -> DeliverError {
    if let serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) = &e {
        if r.status_code.as_u16() == 403 && r.error.code == 50007 {
            return DeliverError::DmsClosed;
        }
        if r.status_code.as_u16() == 429 {
            return DeliverError::RateLimited;
        }
        if r.status_code.is_client_error() {
            return DeliverError::Refused(e.to_string());
        }
    }
    DeliverError::Transient(e.to_string())
}

/// Runs a Discord call for at most `limit`: a call still running then counts as an unknown
/// outcome, never as "not sent".
async fn bounded<T>(
    limit: StdDuration,
    call: impl std::future::Future<Output = Result<T, serenity::Error>>,
) -> Result<T, DeliverError> {
    match tokio::time::timeout(limit, call).await {
        Ok(result) => result.map_err(classify),
        Err(_) => Err(DeliverError::Transient(format!(
            "no answer from Discord within {} s",
            limit.as_secs_f32()
        ))),
    }
}

/// Discord's "Unknown Channel": a cached DM channel that no longer exists.
fn is_unknown_channel(e: &serenity::Error) -> bool {
    matches!(e, serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))
        if r.status_code.as_u16() == 404 && r.error.code == 10003)
}

fn date_text(d: chrono::NaiveDate) -> String {
    d.format("%a %-d %b").to_string()
}

/// How much of a contact's name a digest line shows: five lines always fit one message.
const DIGEST_NAME: usize = 200;

/// What a digest's lines are about, read just before it is sent.
#[derive(Debug, Clone, Default)]
pub struct DigestFacts {
    /// The follow-ups its follow-up nudges are about.
    pub follow_ups: Vec<FollowUp>,
    /// The conference plans its before-conference nudges are about.
    pub plans: Vec<PlanReminder>,
    /// The member's latest story: version, words, seconds at a calm pace.
    pub story: Option<(u32, u32, u32)>,
    /// The follow-ups after a conference, one item per plan.
    pub after: Vec<AfterConference>,
    /// Date-change notices: notice id and the plan (with the conference as it is now).
    pub changed: Vec<(i64, crate::store::PlanSummary)>,
    /// The letters its letter nudges are about (with a letters-due reminder: every letter).
    pub letters: Vec<crate::domain::letter::Letter>,
    /// The member's milestones, when a season reminder is in it.
    pub milestones: Vec<crate::domain::season::Milestone>,
    /// The member's Match Day, when its reminder is in it.
    pub match_day: Option<chrono::NaiveDate>,
}

/// A season reminder's line (no buttons: `/season show` has the rest).
fn season_line(number: usize, subject: &str, subject_id: i64, facts: &DigestFacts) -> String {
    use crate::domain::season;
    if subject == crate::actions::MATCH_WEEK_BEFORE {
        return match facts.match_day {
            Some(day) => format!(
                "{number}. Match Day is in a week ({}). That day, close the loop with your mentors, sponsors and letter writers: where you matched, and thanks.",
                day.format("%a %-d %b")
            ),
            None => format!("{number}. A Match Day reminder: see `/season show`."),
        };
    }
    let Some(m) = facts.milestones.iter().find(|m| m.id.0 == subject_id) else {
        return format!("{number}. A season reminder: see `/season show`.");
    };
    if subject == season::LETTERS_DUE {
        let open: Vec<String> = facts
            .letters
            .iter()
            .filter(|l| l.status.outstanding())
            .map(|l| {
                format!(
                    "{} ({})",
                    reply::escape(&l.writer),
                    l.status.label().to_lowercase()
                )
            })
            .collect();
        let list = if open.is_empty() {
            "every letter you recorded is in.".to_owned()
        } else {
            format!(
                "{} not submitted yet: {}. Check in kindly, and see `/letter list`.",
                open.len(),
                reply::truncate(&open.join(", "), 250)
            )
        };
        return format!(
            "{number}. Applications go in on {}: {list}",
            m.on.format("%a %-d %b")
        );
    }
    format!(
        "{number}. In a week: {}.",
        reply::truncate(&super::commands::season::milestone_line(m), 250)
    )
}

/// The people met at one conference whose follow-ups are nudged together.
#[derive(Debug, Clone)]
pub struct AfterConference {
    pub plan: PlanId,
    pub conference: crate::domain::conference::Conference,
    pub follow_ups: Vec<FollowUp>,
}

/// How much of the list of names one after-conference item shows (all are in the menu and
/// in `/followup list`): five items of any kind fit one message.
const AFTER_NAMES: usize = 150;
/// One after-conference item at most: five items of any kind, the heading and the marker
/// stay within one message.
const AFTER_LINE: usize = 380;

/// Options in one select menu at most (Discord's limit).
const SELECT_OPTIONS: usize = 25;

/// The item listing everyone met at a conference, with one "Draft a follow-up for…" select.
fn after_item(
    digest: &Digest,
    number: usize,
    after: &AfterConference,
) -> (String, Option<serenity::CreateActionRow>) {
    let d = &after.conference.details;
    let name = reply::escape(&d.name);
    let people = &after.follow_ups;
    if people.is_empty() {
        return (
            format!("{number}. You've followed up with everyone you met at **{name}**."),
            None,
        );
    }
    let names: Vec<String> = people
        .iter()
        .map(|f| reply::escape(&f.contact_name))
        .collect();
    let name = reply::truncate(&name, 100);
    let head = format!(
        "{number}. **{name}** ended {}: follow up with the {} {} you met there, each with one specific callback. Mark each done with `/followup done`.\n",
        d.ends_on.format("%a %-d %b"),
        people.len(),
        if people.len() == 1 { "person" } else { "people" },
    );
    let listed = reply::truncate(&names.join(", "), AFTER_NAMES);
    let mut line = format!("{head}   {listed}");
    if people.len() > SELECT_OPTIONS {
        line.push_str(&format!(
            " (the menu holds the first {SELECT_OPTIONS}; all are in `/followup list`)"
        ));
    }
    let line = reply::truncate(&line, AFTER_LINE);
    let options: Vec<serenity::CreateSelectMenuOption> = people
        .iter()
        .take(SELECT_OPTIONS)
        .map(|f| {
            serenity::CreateSelectMenuOption::new(
                reply::truncate(&f.contact_name, reply::MAX_CHOICE),
                format!("f{}", f.id),
            )
        })
        .collect();
    let select = serenity::CreateSelectMenu::new(
        ConferenceComponent::AfterMenu {
            plan: after.plan.0,
            digest: digest.id,
        }
        .custom_id(digest.owner),
        serenity::CreateSelectMenuKind::String { options },
    )
    .placeholder(reply::truncate(
        &format!("#{number} Draft a follow-up for…"),
        reply::MAX_CHOICE,
    ));
    (line, Some(serenity::CreateActionRow::SelectMenu(select)))
}

/// How much of one conference line a digest shows: five items always fit one message.
const PLAN_LINE: usize = 330;
/// Person targets offered for a draft in one select at most (and "open my plan").
const DRAFT_OPTIONS: usize = 24;

/// "Targets: Dr. Reyes, Emory EM booth (2 done)." or a nudge to pick some.
fn targets_text(plan: &PlanReminder) -> String {
    let open: Vec<String> = plan
        .targets
        .iter()
        .filter(|t| !t.done)
        .map(|t| reply::escape(&t.name))
        .collect();
    let done = plan.targets.len() - open.len();
    match (open.is_empty(), done) {
        (true, 0) => {
            "No targets yet: pick people, programs and sessions with `/conference target add`."
                .to_owned()
        }
        (true, _) => "Every target is done.".to_owned(),
        (false, 0) => format!("Targets: {}.", open.join(", ")),
        (false, d) => format!("Targets: {} ({d} done).", open.join(", ")),
    }
}

fn story_text(story: Option<(u32, u32, u32)>) -> String {
    match story {
        Some((version, words, seconds)) => format!(
            "Your one-minute story: v{version}, {words} words, about {seconds} s{}.",
            if seconds > 65 {
                " — trim it to a minute"
            } else {
                ""
            }
        ),
        None => "Write your one-minute story with `/story write`.".to_owned(),
    }
}

/// One before-conference item: its line and the row it offers.
fn plan_item(
    digest: &Digest,
    number: usize,
    subject: &str,
    plan: &PlanReminder,
    story: Option<(u32, u32, u32)>,
) -> (String, serenity::CreateActionRow) {
    let d = &plan.conference.details;
    let name = reply::escape(&d.name);
    let when = conference::dates_label(d.starts_on, d.ends_on);
    let line = if subject == conference::WEEK_BEFORE {
        format!(
            "**{name}** in a week ({when}, {}). {} Reach out briefly to a few people ahead of time. {}",
            reply::escape(&d.city),
            targets_text(plan),
            story_text(story)
        )
    } else {
        format!(
            "**{name}** starts tomorrow ({}). {} {}",
            reply::escape(&d.city),
            targets_text(plan),
            story_text(story)
        )
    };
    let line = format!("{number}. {}", reply::truncate(&line, PLAN_LINE));
    let people: Vec<&crate::domain::conference::Target> = plan
        .targets
        .iter()
        .filter(|t| !t.done && t.kind == conference::TargetKind::Person)
        .take(DRAFT_OPTIONS)
        .collect();
    let open = ConferenceComponent::OpenPlan {
        plan: plan.plan.0,
        digest: digest.id,
    }
    .custom_id(digest.owner);
    if people.is_empty() {
        let row = serenity::CreateActionRow::Buttons(vec![serenity::CreateButton::new(open)
            .label(format!("Open plan #{number}"))
            .style(serenity::ButtonStyle::Primary)]);
        return (line, row);
    }
    let mut options = vec![serenity::CreateSelectMenuOption::new(
        "Open my plan",
        "plan",
    )];
    options.extend(people.iter().map(|t| {
        serenity::CreateSelectMenuOption::new(
            reply::truncate(&format!("Draft a note to {}", t.name), reply::MAX_CHOICE),
            format!("t{}", t.id.0),
        )
    }));
    let select = serenity::CreateSelectMenu::new(
        ConferenceComponent::BeforeMenu {
            plan: plan.plan.0,
            digest: digest.id,
        }
        .custom_id(digest.owner),
        serenity::CreateSelectMenuKind::String { options },
    )
    .placeholder(reply::truncate(
        &format!("#{number} {}: draft a note or open your plan", d.name),
        reply::MAX_CHOICE,
    ));
    (line, serenity::CreateActionRow::SelectMenu(select))
}

/// The DM: one numbered line per nudge, with a row of the buttons its subject offers (or one
/// select menu). A nudge whose subject has no words here (a later kind, or one whose row was
/// deleted meanwhile) still gets a line, so nothing claimed goes unsaid.
pub fn digest_message(
    digest: &Digest,
    today: chrono::NaiveDate,
    facts: &DigestFacts,
) -> serenity::CreateMessage {
    let only_follow_ups = digest.nudges.iter().all(|n| n.follow_up().is_some());
    let reminders = if digest.nudges.len() == 1 {
        "reminder"
    } else {
        "reminders"
    };
    let mut text = if only_follow_ups {
        format!(
            "**Time to follow up** — {} {reminders}",
            digest.nudges.len()
        )
    } else {
        format!("**Your reminders** — {}", digest.nudges.len())
    };
    let mut rows = Vec::new();
    for (i, n) in digest.nudges.iter().enumerate() {
        let when = match n.window.status(today) {
            DueStatus::Overdue => format!("overdue: was due by {}", date_text(n.window.latest)),
            DueStatus::Due => format!("due now, by {}", date_text(n.window.latest)),
            DueStatus::Upcoming => format!("coming up {}", date_text(n.window.ideal)),
        };
        if n.subject == crate::domain::season::WEEK_BEFORE
            || n.subject == crate::domain::season::LETTERS_DUE
            || n.subject == crate::actions::MATCH_WEEK_BEFORE
        {
            text.push('\n');
            text.push_str(&season_line(i + 1, &n.subject, n.subject_id, facts));
            continue;
        }
        if n.subject == crate::domain::letter::CHECK_IN
            || n.subject == crate::domain::letter::THANKS
        {
            match facts.letters.iter().find(|l| l.id.0 == n.subject_id) {
                Some(l) => {
                    let (line, row) = super::commands::letter::digest_item(
                        digest.owner,
                        digest.id,
                        i + 1,
                        &n.subject,
                        l,
                    );
                    text.push('\n');
                    text.push_str(&line);
                    rows.push(row);
                }
                None => text.push_str(&format!(
                    "\n{}. A letter reminder: see `/letter list`.",
                    i + 1
                )),
            }
            continue;
        }
        if n.subject == conference::CHANGED {
            match facts.changed.iter().find(|(id, _)| *id == n.subject_id) {
                Some((_, plan)) if !plan.removed => {
                    let d = &plan.conference.details;
                    text.push_str(&format!(
                        "\n{}. **{}** has new dates: {} ({}). Your reminders follow them.",
                        i + 1,
                        reply::escape(&d.name),
                        conference::dates_label(d.starts_on, d.ends_on),
                        reply::escape(&d.city)
                    ));
                    rows.push(serenity::CreateActionRow::Buttons(vec![
                        serenity::CreateButton::new(
                            ConferenceComponent::OpenPlan {
                                plan: plan.plan.id.0,
                                digest: digest.id,
                            }
                            .custom_id(digest.owner),
                        )
                        .label(format!("Open plan #{}", i + 1))
                        .style(serenity::ButtonStyle::Secondary),
                    ]));
                }
                _ => text.push_str(&format!(
                    "\n{}. A conference you planned changed or left the calendar: `/conference plan`.",
                    i + 1
                )),
            }
            continue;
        }
        if n.subject == conference::AFTER {
            match facts.after.iter().find(|a| a.plan.0 == n.subject_id) {
                Some(after) => {
                    let (line, row) = after_item(digest, i + 1, after);
                    text.push('\n');
                    text.push_str(&line);
                    rows.extend(row);
                }
                None => text.push_str(&format!(
                    "\n{}. Follow up with the people you met at a conference: `/followup list`.",
                    i + 1
                )),
            }
            continue;
        }
        if n.subject == conference::WEEK_BEFORE || n.subject == conference::DAY_BEFORE {
            let plan = facts.plans.iter().find(|p| p.plan.0 == n.subject_id);
            match plan {
                Some(plan) if !plan.removed => {
                    let (line, row) = plan_item(digest, i + 1, &n.subject, plan, facts.story);
                    text.push('\n');
                    text.push_str(&line);
                    rows.push(row);
                }
                _ => text.push_str(&format!(
                    "\n{}. A conference you planned is no longer on the calendar.",
                    i + 1
                )),
            }
            continue;
        }
        let about = n
            .follow_up()
            .and_then(|id| facts.follow_ups.iter().find(|f| f.id == id));
        let Some(f) = about else {
            text.push_str(&format!("\n{}. A reminder · {when}", i + 1));
            continue;
        };
        text.push_str(&format!(
            "\n{}. **{}** · {} · {when}",
            i + 1,
            reply::truncate(&reply::escape(&f.contact_name), DIGEST_NAME),
            f.kind.label()
        ));
        let (follow_up, id) = (f.id, digest.id);
        rows.push(serenity::CreateActionRow::Buttons(vec![
            serenity::CreateButton::new(
                NudgeButton::Done {
                    follow_up,
                    digest: id,
                }
                .custom_id(digest.owner),
            )
            .label(format!("Done #{}", i + 1))
            .style(serenity::ButtonStyle::Success),
            serenity::CreateButton::new(
                NudgeButton::Snooze {
                    follow_up,
                    digest: id,
                    days: 3,
                }
                .custom_id(digest.owner),
            )
            .label("Snooze 3 days")
            .style(serenity::ButtonStyle::Secondary),
            serenity::CreateButton::new(
                NudgeButton::Snooze {
                    follow_up,
                    digest: id,
                    days: 7,
                }
                .custom_id(digest.owner),
            )
            .label("Snooze 1 week")
            .style(serenity::ButtonStyle::Secondary),
            serenity::CreateButton::new(
                NudgeButton::Draft {
                    follow_up,
                    digest: id,
                }
                .custom_id(digest.owner),
            )
            .label(format!("Draft #{}", i + 1))
            .style(serenity::ButtonStyle::Primary),
        ]));
    }
    if digest.more > 0 {
        text.push_str(&format!(
            "\n\n+{} more tomorrow — see them now with `/followup list`.",
            digest.more
        ));
    }
    // Findable after a crash whatever the digest holds (buttons go with deleted contacts).
    let marker = digest_marker(digest.id);
    let text = format!(
        "{}\n{marker}",
        reply::truncate(&text, reply::MAX_CONTENT - text::utf16_len(&marker) - 1)
    );
    serenity::CreateMessage::new()
        .content(text)
        .components(rows)
        .allowed_mentions(serenity::CreateAllowedMentions::new())
        .nonce(serenity::Nonce::String(digest.nonce.clone()))
        .enforce_nonce(true)
}

/// The last line of every digest: small print that names it.
fn digest_marker(digest_id: i64) -> String {
    format!("-# emig-bot digest {digest_id}")
}

/// Whether a message is the digest `digest_id`: its last line names it (digests sent before
/// that line existed are known by their buttons, which carry the id).
fn is_digest(message: &serenity::Message, digest_id: i64) -> bool {
    if message.content.lines().last() == Some(digest_marker(digest_id).as_str()) {
        return true;
    }
    let suffix = format!(":{digest_id}");
    message
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .any(|c| match c {
            serenity::ActionRowComponent::Button(b) => match &b.data {
                serenity::ButtonKind::NonLink { custom_id, .. } => {
                    custom_id.starts_with(&format!("emig:{DONE_CODE}:"))
                        && custom_id.ends_with(&suffix)
                }
                _ => false,
            },
            _ => false,
        })
}

/// How a request about a queued post ended: 404 (the message or channel is gone) counts as
/// deleted, 403 as out of the bot's reach; anything else may be retried.
fn post_removal<T>(
    result: Result<T, serenity::Error>,
) -> Result<Result<T, PostRemoval>, DeliverError> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)))
            if r.status_code.as_u16() == 404 =>
        {
            Ok(Err(PostRemoval::Gone))
        }
        Err(serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)))
            if r.status_code.as_u16() == 403 =>
        {
            Ok(Err(PostRemoval::Unreachable))
        }
        Err(e) => Err(classify(e)),
    }
}

impl Deliver for DiscordDeliver {
    fn delete_post<'a>(&'a self, post: &'a PostToDelete) -> DeliverFuture<'a, PostRemoval> {
        Box::pin(async move {
            let channel = serenity::ChannelId::new(post.channel_id);
            let within = |what| {
                DeliverError::Transient(format!(
                    "no answer from Discord within {} s to {what}",
                    self.timeout.as_secs_f32()
                ))
            };
            let message = match post.message_id {
                Some(id) => id,
                None => {
                    let look =
                        channel.messages(&self.http, serenity::GetMessages::new().limit(100));
                    let recent = tokio::time::timeout(self.timeout, look)
                        .await
                        .map_err(|_| within("a message lookup"))?;
                    match post_removal(recent)? {
                        Ok(recent) => match recent
                            .iter()
                            .find(|m| crate::discord::interaction::message_carries(m, &post.marker))
                        {
                            Some(m) => m.id.get(),
                            None => return Ok(PostRemoval::NotFound),
                        },
                        Err(removal) => return Ok(removal),
                    }
                }
            };
            let delete = channel.delete_message(&self.http, serenity::MessageId::new(message));
            let deleted = tokio::time::timeout(self.timeout, delete)
                .await
                .map_err(|_| within("a delete"))?;
            Ok(post_removal(deleted)?.err().unwrap_or(PostRemoval::Gone))
        })
    }

    fn tell_dms_closed<'a>(&'a self, owner: UserId) -> DeliverFuture<'a, ()> {
        Box::pin(async move {
            let Ok(Some(channel)) = self.store.fallback_channel_for(owner).await else {
                // No chapter fallback channel: the ephemeral notice on their next command remains.
                return Ok(());
            };
            let user = serenity::UserId::new(owner.get());
            let text = format!(
                "<@{user}> I couldn't send you your follow-up reminders by DM: your DMs are closed to me. See them with `/followup list`; to get them by DM again, allow direct messages from this server and run `/me dm test`."
            );
            self.pacer.wait().await;
            bounded(
                self.timeout,
                serenity::ChannelId::new(channel).send_message(
                    &self.http,
                    serenity::CreateMessage::new()
                        .content(text)
                        // Ping only this member, nobody else.
                        .allowed_mentions(serenity::CreateAllowedMentions::new().users([user])),
                ),
            )
            .await?;
            Ok(())
        })
    }

    fn send_digest<'a>(&'a self, digest: &'a Digest) -> DeliverFuture<'a, Sent> {
        Box::pin(async move {
            let mut channel = self.channel(digest.owner).await?;
            let today = self.today(digest.owner).await;
            let facts = self.facts(digest).await.map_err(|e| {
                DeliverError::Refused(format!("cannot read what the digest is about: {e}"))
            })?;
            let mut attempt = 0;
            let mut reopened = false;
            loop {
                self.pacer.wait().await;
                let send = channel.send_message(&self.http, digest_message(digest, today, &facts));
                match tokio::time::timeout(self.timeout, send).await {
                    Err(_) => {
                        return Err(DeliverError::Transient(format!(
                            "no answer from Discord within {} s",
                            self.timeout.as_secs_f32()
                        )))
                    }
                    Ok(sent) => match sent {
                        Ok(message) => {
                            return Ok(Sent {
                                channel_id: channel.get(),
                                message_id: message.id.get(),
                            })
                        }
                        Err(e) if is_unknown_channel(&e) && !reopened => {
                            // The cached DM channel is gone: open a new one, once.
                            reopened = true;
                            self.store
                                .forget_dm_channel(digest.owner)
                                .await
                                .map_err(|e| DeliverError::Transient(e.to_string()))?;
                            channel = self.channel(digest.owner).await?;
                        }
                        Err(e) => match classify(e) {
                            DeliverError::RateLimited if attempt < RATE_LIMIT_RETRIES => {
                                attempt += 1;
                                // serenity does not expose retry_after here; back off a second each time.
                                tokio::time::sleep(StdDuration::from_secs(u64::from(attempt)))
                                    .await;
                            }
                            other => return Err(other),
                        },
                    },
                }
            }
        })
    }

    fn find_digest<'a>(
        &'a self,
        owner: UserId,
        digest_id: i64,
        since: chrono::DateTime<chrono::Utc>,
    ) -> DeliverFuture<'a, Option<Sent>> {
        Box::pin(async move {
            let channel = self.channel(owner).await?;
            // Newest first, page by page, until messages older than the digest (with a
            // margin for clock skew) or the start of the channel: not found then means absent.
            let oldest_wanted = since - chrono::Duration::minutes(10);
            let mut before: Option<serenity::MessageId> = None;
            loop {
                self.pacer.wait().await;
                let mut query = serenity::GetMessages::new().limit(100);
                if let Some(id) = before {
                    query = query.before(id);
                }
                let page = bounded(self.timeout, channel.messages(&self.http, query)).await?;
                if let Some(m) = page.iter().find(|m| is_digest(m, digest_id)) {
                    return Ok(Some(Sent {
                        channel_id: channel.get(),
                        message_id: m.id.get(),
                    }));
                }
                let Some(oldest) = page.iter().min_by_key(|m| m.id) else {
                    return Ok(None);
                };
                if page.len() < 100 || *oldest.timestamp < oldest_wanted {
                    return Ok(None);
                }
                before = Some(oldest.id);
            }
        })
    }
}
