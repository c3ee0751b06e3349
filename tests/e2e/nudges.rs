//! Nudges end to end: the real bot, its scheduler and the fake Discord.

use chrono::{DateTime, Utc};
use emig_bot::domain::UserId;
use serde_json::Value;

use crate::support::bot::eventually;
use crate::support::fake_discord::RestCall;
use crate::support::{Fault, OptValue, Reply, TestBot, MEMBER_A};

const FALLBACK: u64 = 820_000_000_000_000_009;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s)
        .expect("instant")
        .with_timezone(&Utc)
}

/// A contact met today (25 Nov 2026) at SAEM: follow-up ideally on the 28th.
async fn met_at_saem(bot: &TestBot) {
    let reply = bot
        .run_command(
            "contact add",
            [
                ("name", OptValue::from("Dr. Ana Lopez")),
                (
                    "how-met",
                    bot.choice("contact add", "how-met", "Conference"),
                ),
                ("where-met", "SAEM 2026".into()),
            ],
        )
        .await;
    assert!(
        reply.content.contains("ideally Sat 28 Nov 2026"),
        "{}",
        reply.content
    );
}

/// Successful digest DMs among `calls`, in order.
fn digests_in(calls: &[RestCall]) -> Vec<Value> {
    calls
        .iter()
        .filter(|c| {
            c.method == "POST"
                && c.path.starts_with("/api/v10/channels/")
                && c.path.ends_with("/messages")
        })
        .filter(|c| {
            c.status == 200
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains("\n-# emig-bot digest "))
        })
        .map(|c| c.body.clone())
        .collect()
}

fn digests(bot: &TestBot) -> Vec<Value> {
    digests_in(&bot.fake.calls())
}

async fn wait_for_digests(bot: &TestBot, n: usize) -> Vec<Value> {
    bot.fake
        .wait_for(&format!("{n} digest DM(s)"), |calls| {
            let found = digests_in(calls);
            (found.len() >= n).then_some(found)
        })
        .await
}

#[tokio::test]
async fn a_contact_met_at_saem_is_nudged_by_dm_on_day_three_with_working_buttons() {
    let bot = TestBot::start().await;
    met_at_saem(&bot).await;
    // 28 Nov, 09:00 in New York (the default zone).
    bot.clock.set(utc("2026-11-28T14:00:00Z"));
    let dm = wait_for_digests(&bot, 1).await.remove(0);
    let text = dm["content"].as_str().unwrap_or_default();
    assert!(
        text.contains("**Dr. Ana Lopez** · Follow up after meeting · due now, by Mon 30 Nov"),
        "{text}"
    );
    assert_eq!(dm["enforce_nonce"], true);
    assert!(
        dm["nonce"]
            .as_str()
            .is_some_and(|n| !n.is_empty() && n.len() <= 25),
        "{dm}"
    );
    assert_eq!(dm["allowed_mentions"]["parse"], serde_json::json!([]));
    let opened: Vec<_> = bot
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.path == "/api/v10/users/@me/channels")
        .collect();
    assert_eq!(opened.len(), 1);
    assert_eq!(opened[0].body["recipient_id"], MEMBER_A.to_string());

    // Done, from the DM.
    let digest = Reply::from_followup(&dm);
    let done = bot
        .member(MEMBER_A)
        .in_dm()
        .click(&digest.button("Done #1"))
        .await;
    assert!(
        done.content
            .contains("Done: Follow up after meeting with **Dr. Ana Lopez**"),
        "{}",
        done.content
    );
    assert!(
        done.content
            .contains("Next: Light-touch update — ideally Fri 26 Feb 2027"),
        "{}",
        done.content
    );
    let pending = bot
        .store
        .pending_follow_ups(UserId(MEMBER_A), None)
        .await
        .expect("read");
    assert_eq!(pending.len(), 1);
    let ids = bot
        .store
        .suggest_contacts(UserId(MEMBER_A), "", 5)
        .await
        .expect("contacts");
    let history = bot
        .store
        .interactions(
            UserId(MEMBER_A),
            emig_bot::domain::contact::ContactId(ids[0].id),
        )
        .await
        .expect("history");
    assert_eq!(history.len(), 1, "done is logged");
    // A second click finds nothing left to do.
    let again = bot
        .member(MEMBER_A)
        .in_dm()
        .click(&digest.button("Done #1"))
        .await;
    assert!(again.content.contains("already done"), "{}", again.content);
}

#[tokio::test]
async fn snooze_on_a_nudge_moves_it_and_followup_list_shows_it() {
    let bot = TestBot::start().await;
    met_at_saem(&bot).await;
    bot.clock.set(utc("2026-11-28T14:00:00Z"));
    let dm = wait_for_digests(&bot, 1).await.remove(0);
    let digest = Reply::from_followup(&dm);
    let snoozed = bot
        .member(MEMBER_A)
        .in_dm()
        .click(&digest.button("Snooze 1 week"))
        .await;
    assert!(
        snoozed.content.contains("until Sat 5 Dec"),
        "{}",
        snoozed.content
    );
    let list = bot.run_command::<&str>("followup list", []).await;
    assert!(list.content.contains("Coming up"), "{}", list.content);
    assert!(list.content.contains("Dr. Ana Lopez"), "{}", list.content);
    // Due again a week later: a second DM.
    bot.clock.set(utc("2026-12-05T14:00:00Z"));
    wait_for_digests(&bot, 2).await;
}

#[tokio::test]
async fn closed_dms_pause_nudges_tell_the_member_once_and_resume_after_a_test_dm() {
    let bot = TestBot::start().await;
    // The chapter has a fallback channel, where the member is told with a ping to them only.
    bot.member(MEMBER_A)
        .with_permissions(crate::support::interactions::PERM_MANAGE_GUILD)
        .run_command(
            "chapter setup",
            [
                ("officer-role", OptValue::Role(810_000_000_000_000_001)),
                ("fallback-channel", OptValue::Channel(FALLBACK, 0)),
            ],
        )
        .await;
    met_at_saem(&bot).await;
    bot.fake
        .fail("POST", "/messages", Fault::DmsClosed, Some(1));
    bot.clock.set(utc("2026-11-28T14:00:00Z"));
    let store = bot.store.clone();
    eventually("the member's DMs are marked closed", || {
        let store = store.clone();
        async move { store.dms_closed(UserId(MEMBER_A)).await.unwrap_or(false) }
    })
    .await;
    assert!(digests(&bot).is_empty());
    let fallback = format!("/api/v10/channels/{FALLBACK}/messages");
    let posted = bot
        .fake
        .wait_for("the fallback-channel notice", |calls| {
            calls
                .iter()
                .find(|c| c.is("POST", &fallback))
                .map(|c| c.body.clone())
        })
        .await;
    let notice_text = posted["content"].as_str().unwrap_or_default();
    assert!(
        notice_text.starts_with(&format!("<@{MEMBER_A}>")),
        "{notice_text}"
    );
    assert!(
        !notice_text.contains("Ana"),
        "no contact detail: {notice_text}"
    );
    assert_eq!(
        posted["allowed_mentions"]["users"],
        serde_json::json!([MEMBER_A.to_string()])
    );
    assert_eq!(posted["allowed_mentions"]["parse"], serde_json::json!([]));

    // The next command tells them, once, privately, without any contact detail.
    let (_, notice) = bot
        .member(MEMBER_A)
        .run_command_then::<&str>("followup list", [], 1)
        .await;
    assert!(notice[0].ephemeral);
    assert!(
        notice[0].content.contains("DMs are closed"),
        "{}",
        notice[0].content
    );
    assert!(!notice[0].content.contains("Ana"), "{}", notice[0].content);

    let shown = bot.run_command::<&str>("me show", []).await;
    assert!(
        shown
            .content
            .contains("Nudges: paused: your DMs are closed"),
        "{}",
        shown.content
    );
    assert!(shown.content.contains("Contacts: 1"), "{}", shown.content);

    // A test DM that works resumes delivery.
    let test = bot.run_command::<&str>("me dm test", []).await;
    assert!(test.content.starts_with("DMs work"), "{}", test.content);
    let dm = wait_for_digests(&bot, 1).await.remove(0);
    assert!(dm["content"]
        .as_str()
        .unwrap_or_default()
        .contains("Dr. Ana Lopez"));
    assert!(!bot.store.dms_closed(UserId(MEMBER_A)).await.expect("read"));
}

#[tokio::test]
async fn a_test_dm_to_closed_dms_says_how_to_fix_it() {
    let bot = TestBot::start().await;
    bot.fake
        .fail("POST", "/messages", Fault::DmsClosed, Some(1));
    let test = bot.run_command::<&str>("me dm test", []).await;
    assert!(test.ephemeral);
    assert!(test.content.contains("I can't DM you"), "{}", test.content);
}

#[tokio::test]
async fn a_rate_limited_digest_is_retried_and_arrives_once() {
    let bot = TestBot::start().await;
    met_at_saem(&bot).await;
    bot.fake.fail(
        "POST",
        "/messages",
        Fault::RateLimited { retry_after: 0.05 },
        Some(1),
    );
    bot.clock.set(utc("2026-11-28T14:00:00Z"));
    wait_for_digests(&bot, 1).await;
    let sends: Vec<u16> = bot
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "POST" && c.path.ends_with("/messages"))
        .map(|c| c.status)
        .collect();
    assert_eq!(sends, vec![429, 200]);
}

#[tokio::test]
async fn nudge_settings_move_waiting_nudges_to_the_new_hour_and_zone() {
    let bot = TestBot::start().await;
    met_at_saem(&bot).await;
    bot.run_command("me timezone", [("zone", "Europe/Berlin")])
        .await;
    let pending = bot
        .store
        .pending_follow_ups(UserId(MEMBER_A), None)
        .await
        .expect("read");
    // 28 Nov 09:00 in Berlin is 08:00 UTC.
    assert_eq!(pending[0].due_at, utc("2026-11-28T08:00:00Z"));
    let reply = bot
        .run_command("me nudges", [("hour", OptValue::Int(7))])
        .await;
    assert!(
        reply.content.contains("07:00 your time (Europe/Berlin)"),
        "{}",
        reply.content
    );
    let pending = bot
        .store
        .pending_follow_ups(UserId(MEMBER_A), None)
        .await
        .expect("read");
    // 28 Nov 07:00 in Berlin is 06:00 UTC.
    assert_eq!(pending[0].due_at, utc("2026-11-28T06:00:00Z"));
    let off = bot
        .run_command(
            "me nudges",
            [("dms", bot.choice("me nudges", "dms", "off"))],
        )
        .await;
    assert!(off.content.contains("paused"), "{}", off.content);
    let bad = bot.run_command::<&str>("me nudges", []).await;
    assert!(bad.content.contains("Give an hour"), "{}", bad.content);
}

#[tokio::test]
async fn draft_fills_the_template_from_the_card_and_the_nudge_offers_it() {
    let bot = TestBot::start().await;
    met_at_saem(&bot).await;
    let ids = bot
        .store
        .suggest_contacts(UserId(MEMBER_A), "", 5)
        .await
        .expect("contacts");
    let id = format!("#{}", ids[0].id);
    bot.run_command(
        "contact edit",
        [
            ("contact", id.as_str()),
            ("talked-about", "her ultrasound fellowship"),
        ],
    )
    .await;
    let draft = bot
        .run_command(
            "draft",
            [
                ("contact", OptValue::from(id.as_str())),
                (
                    "situation",
                    bot.choice("draft", "situation", "After meeting at a conference"),
                ),
            ],
        )
        .await;
    assert!(draft.ephemeral);
    assert!(
        draft.content.contains("Dear Dr. Ana Lopez"),
        "{}",
        draft.content
    );
    assert!(draft.content.contains("SAEM 2026"), "{}", draft.content);
    assert!(
        draft.content.contains("her ultrasound fellowship"),
        "{}",
        draft.content
    );

    bot.clock.set(utc("2026-11-28T14:00:00Z"));
    let dm = wait_for_digests(&bot, 1).await.remove(0);
    let from_nudge = bot
        .member(MEMBER_A)
        .in_dm()
        .click(&Reply::from_followup(&dm).button("Draft #1"))
        .await;
    assert!(
        from_nudge
            .content
            .contains("Draft — After meeting at a conference"),
        "{}",
        from_nudge.content
    );

    // Another member cannot draft from A's contact.
    let other = bot
        .member(crate::support::MEMBER_B)
        .run_command(
            "draft",
            [
                ("contact", OptValue::from(id.as_str())),
                (
                    "situation",
                    bot.choice("draft", "situation", "Light-touch update"),
                ),
            ],
        )
        .await;
    assert!(
        other.content.contains("can't find that contact"),
        "{}",
        other.content
    );
}

#[tokio::test]
async fn followup_commands_set_meet_done_off_and_match_day() {
    let bot = TestBot::start().await;
    let add = |name: &'static str, rel: &'static str| {
        let bot = &bot;
        async move {
            bot.run_command(
                "contact add",
                [
                    ("name", OptValue::from(name)),
                    (
                        "relationship",
                        bot.choice("contact add", "relationship", rel),
                    ),
                ],
            )
            .await
        }
    };
    add("Dr. Mentor", "Mentor").await;
    add("Dr. Sponsor", "Sponsor").await;
    add("Pat Peer", "Peer").await;
    let pending = |bot: &TestBot| {
        let store = bot.store.clone();
        async move {
            store
                .pending_follow_ups(UserId(MEMBER_A), None)
                .await
                .expect("read")
        }
    };
    // Mentor: light touch + yearly; sponsor: light touch; peer: nothing yet.
    assert_eq!(pending(&bot).await.len(), 3);

    let set = bot
        .run_command(
            "followup set",
            [("contact", "Pat Peer"), ("when", "in 2 weeks")],
        )
        .await;
    assert!(
        set.content
            .contains("Follow-up with **Pat Peer** set: Wed 9 Dec"),
        "{}",
        set.content
    );
    let meet = bot
        .run_command(
            "followup meeting",
            [("contact", "Dr. Mentor"), ("when", "2026-12-10")],
        )
        .await;
    assert!(
        meet.content.contains("agenda on Wed 9 Dec")
            && meet.content.contains("report back on Sun 13 Dec"),
        "{}",
        meet.content
    );
    let today_meeting = bot
        .run_command(
            "followup meeting",
            [("contact", "Dr. Mentor"), ("when", "today")],
        )
        .await;
    assert!(
        today_meeting.content.contains("tomorrow or later"),
        "{}",
        today_meeting.content
    );
    assert_eq!(pending(&bot).await.len(), 6);

    let matchday = bot
        .run_command("me matchday", [("date", "2027-03-19")])
        .await;
    assert!(
        matchday
            .content
            .contains("the 2 mentors, sponsors and letter writers"),
        "{}",
        matchday.content
    );
    assert_eq!(pending(&bot).await.len(), 8);
    let past = bot
        .run_command("me matchday", [("date", "2026-03-20")])
        .await;
    assert!(past.content.contains("in the past"), "{}", past.content);

    let done = bot
        .run_command(
            "followup done",
            [("contact", "Pat Peer"), ("note", "coffee chat")],
        )
        .await;
    assert!(
        done.content
            .contains("Done: Follow-up you set with **Pat Peer**"),
        "{}",
        done.content
    );
    let off = bot
        .run_command("followup off", [("contact", "Dr. Sponsor")])
        .await;
    assert!(off.content.contains("are off"), "{}", off.content);
    let names: Vec<String> = pending(&bot)
        .await
        .into_iter()
        .map(|f| f.contact_name)
        .collect();
    assert!(!names.contains(&"Dr. Sponsor".to_owned()), "{names:?}");
    let none = bot
        .run_command("followup done", [("contact", "Dr. Sponsor")])
        .await;
    assert!(
        none.content.contains("No follow-up is scheduled"),
        "{}",
        none.content
    );

    let history = bot.run_command::<&str>("followup history", []).await;
    assert!(
        history.content.contains("No nudges have been sent"),
        "{}",
        history.content
    );
    let list = bot.run_command::<&str>("followup list", []).await;
    assert!(
        list.content.contains("Coming up") && list.content.contains("<t:"),
        "{}",
        list.content
    );
}

#[tokio::test]
async fn a_vanished_dm_channel_is_reopened_once_and_the_nudge_still_arrives() {
    let bot = TestBot::start().await;
    met_at_saem(&bot).await;
    // A DM channel cached earlier (by a test DM) that Discord no longer knows.
    bot.run_command::<&str>("me dm test", []).await;
    bot.fake
        .fail("POST", "/messages", Fault::UnknownChannel, Some(1));
    bot.clock.set(utc("2026-11-28T14:00:00Z"));
    wait_for_digests(&bot, 1).await;
    let opened = bot
        .fake
        .calls()
        .into_iter()
        .filter(|c| c.path == "/api/v10/users/@me/channels")
        .count();
    assert_eq!(opened, 2, "the test DM opened one, the retry another");
}

#[tokio::test]
async fn a_done_button_written_before_the_typed_components_still_works() {
    let bot = TestBot::start().await;
    met_at_saem(&bot).await;
    bot.clock.set(utc("2026-11-28T14:00:00Z"));
    let dm = wait_for_digests(&bot, 1).await.remove(0);
    let digest = Reply::from_followup(&dm);
    // The id as the previous release wrote it, typed out by hand rather than read back from
    // the message: `emig:n-done:<member>:<follow-up>:<digest>`.
    let sent = digest.button("Done #1");
    let parts: Vec<&str> = sent.split(':').collect();
    let (follow_up, digest_id) = (parts[3], parts[4]);
    let old = format!("emig:n-done:{MEMBER_A}:{follow_up}:{digest_id}");
    let done = bot.member(MEMBER_A).click(&old).await;
    assert!(done.content.starts_with("Done:"), "{}", done.content);
    let owner = UserId(MEMBER_A);
    let f = bot
        .store
        .follow_up(owner, follow_up.parse().expect("id"))
        .await
        .expect("read");
    assert!(f.is_none(), "the follow-up is closed");
}

#[tokio::test]
async fn matchday_over_500_mentors_answers_first_then_schedules_them_all_at_once() {
    use emig_bot::clock::Clock;
    use emig_bot::domain::contact::{ContactName, NewContact, Relationship};
    let bot = TestBot::start().await;
    let owner = UserId(MEMBER_A);
    let now = bot.clock.now();
    bot.store
        .record_presence(owner, None, now)
        .await
        .expect("member");
    let mut tx = bot.store.begin().await.expect("tx");
    for i in 0..500 {
        let mut new = NewContact::named(
            ContactName::parse(&format!("Mentor {i}")).expect("name"),
            now.date_naive(),
        );
        new.relationship = Some(if i % 2 == 0 {
            Relationship::Mentor
        } else {
            Relationship::Sponsor
        });
        tx.add_contact(owner, &new, now).await.expect("contact");
    }
    tx.commit().await.expect("seeded");

    let done = bot
        .member(MEMBER_A)
        .run_command("me matchday", [("date", "2027-03-19")])
        .await;
    assert!(
        done.content
            .contains("the 500 mentors, sponsors and letter writers"),
        "{}",
        done.content
    );
    // Discord heard back at once (a deferral), before the work, whatever it took.
    let calls = bot.fake.calls();
    let deferred = calls
        .iter()
        .position(|c| c.path.ends_with("/callback") && c.body["type"] == 5)
        .expect("a deferral");
    let answered = calls
        .iter()
        .position(|c| {
            c.body["content"]
                .as_str()
                .is_some_and(|t| t.contains("500 mentors"))
        })
        .expect("the answer");
    assert!(deferred < answered);
    assert_eq!(calls[deferred].body["data"]["flags"], 64, "ephemeral");
    let pending = bot
        .store
        .pending_follow_ups(owner, None)
        .await
        .expect("pending");
    assert_eq!(
        pending
            .iter()
            .filter(|f| f.kind == emig_bot::domain::cadence::FollowUpKind::MatchThanks)
            .count(),
        500
    );
}

#[tokio::test]
async fn a_stalled_discord_call_times_out_and_the_loop_goes_on() {
    let bot = TestBot::start_with(&[("EMIG_NUDGES_REQUEST_TIMEOUT_SECONDS", "1")]).await;
    for (member, name) in [
        (MEMBER_A, "Dr. Ana Lopez"),
        (crate::support::MEMBER_B, "Dr. Ben Okafor"),
    ] {
        bot.member(member)
            .run_command(
                "contact add",
                [
                    ("name", OptValue::from(name)),
                    ("where-met", "SAEM 2026".into()),
                ],
            )
            .await;
    }
    // The first DM (member A's, by id order) gets no answer at all.
    bot.fake.fail("POST", "/channels/", Fault::Stall, Some(1));
    bot.clock.set(utc("2026-11-28T14:00:00Z"));
    // The loop gives up on it after a second and goes on: B's digest arrives.
    let first = wait_for_digests(&bot, 1).await;
    assert!(
        first[0]["content"]
            .as_str()
            .is_some_and(|t| t.contains("Dr. Ben Okafor")),
        "{first:?}"
    );
    // A's digest is kept (its outcome unknown), looked for after the backoff, found absent,
    // and sent once.
    bot.clock.advance(chrono::Duration::minutes(2));
    let both = wait_for_digests(&bot, 2).await;
    assert!(
        both[1]["content"]
            .as_str()
            .is_some_and(|t| t.contains("Dr. Ana Lopez")),
        "{both:?}"
    );
    bot.clock.advance(chrono::Duration::hours(1));
    bot.run_command::<&str>("help", []).await;
    assert_eq!(digests(&bot).len(), 2, "one DM each");
    // Each names its digest on its last line, whatever else it holds.
    for dm in digests(&bot) {
        let last = dm["content"].as_str().and_then(|t| t.lines().last());
        assert!(
            last.is_some_and(|l| l.starts_with("-# emig-bot digest ")),
            "{dm}"
        );
    }
}

#[tokio::test]
async fn a_nudge_of_a_kind_the_dm_has_no_words_for_still_arrives_once_without_buttons() {
    use emig_bot::clock::Clock;
    use emig_bot::domain::cadence::{self, Window};
    let bot = TestBot::start().await;
    let owner = UserId(MEMBER_A);
    bot.store
        .record_presence(owner, None, bot.clock.now())
        .await
        .expect("member");
    let window = Window::new(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("day"),
        2,
    );
    let zone = emig_bot::domain::TimeZone::parse("America/New_York").expect("zone");
    bot.store
        .schedule_nudge(
            owner,
            "test-throwaway",
            1,
            window,
            cadence::nudge_at(&window, 9, zone),
            bot.clock.now(),
        )
        .await
        .expect("scheduled");
    bot.clock.set(utc("2026-11-28T14:00:00Z"));
    let dm = wait_for_digests(&bot, 1).await.remove(0);
    let text = dm["content"].as_str().unwrap_or_default();
    assert!(text.contains("1. A reminder · due now"), "{text}");
    assert!(
        dm["components"].as_array().is_none_or(Vec::is_empty),
        "{dm}"
    );
    bot.clock.advance(chrono::Duration::days(1));
    bot.run_command::<&str>("help", []).await;
    assert_eq!(digests(&bot).len(), 1);
}
