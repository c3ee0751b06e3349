//! `/season`: the member's milestones as plain dates, a reminder a week before each, the
//! letters still out before applications go in, and the stage checklist; private.

use serde_json::Value;

use crate::support::bot::{at, digest_dms};
use crate::support::fake_discord::RestCall;
use crate::support::{OptValue, TestBot, MEMBER_A, MEMBER_B};

fn dms_in(calls: &[RestCall], containing: &str) -> Vec<Value> {
    digest_dms(calls)
        .into_iter()
        .filter(|dm| {
            dm["content"]
                .as_str()
                .is_some_and(|t| t.contains(containing))
        })
        .collect()
}

async fn wait_for_dm(bot: &TestBot, containing: &str) -> Value {
    bot.fake
        .wait_for(&format!("a DM with {containing}"), |calls| {
            dms_in(calls, containing).into_iter().next()
        })
        .await
}

#[tokio::test]
async fn the_application_date_brings_the_letters_still_out_and_a_week_before_reminder_once() {
    let bot = TestBot::start().await;
    bot.run_command("contact add", [("name", "Dr. Ana Lopez")])
        .await;
    bot.run_command("letter ask", [("contact", "Dr. Ana Lopez")])
        .await;
    let set = bot
        .run_command(
            "season set",
            [
                (
                    "milestone",
                    bot.choice("season set", "milestone", "Application submission"),
                ),
                ("date", OptValue::from("2027-09-15")),
            ],
        )
        .await;
    assert!(set.ephemeral);
    assert!(
        set.content.starts_with("Added Application submission: Wed 15 Sep 2027. I'll DM you a reminder on Wed 8 Sep and your letters not yet in on Wed 1 Sep."),
        "{}",
        set.content
    );
    // 09:00 in New York on 1 Sep (daylight time).
    bot.clock.set(at("2027-09-01T13:00:00Z"));
    let dm = wait_for_dm(&bot, "Applications go in").await;
    let text = dm["content"].as_str().unwrap_or_default();
    assert!(
        text.contains(
            "Applications go in on Wed 15 Sep: 1 not submitted yet: Dr. Ana Lopez (asked)."
        ),
        "{text}"
    );
    bot.clock.set(at("2027-09-08T13:00:00Z"));
    let dm = wait_for_dm(&bot, "In a week").await;
    let text = dm["content"].as_str().unwrap_or_default();
    assert!(
        text.contains("In a week: Application submission: Wed 15 Sep 2027."),
        "{text}"
    );
    bot.clock.set(at("2027-09-09T13:00:00Z"));
    bot.run_command::<&str>("help", []).await;
    assert_eq!(dms_in(&bot.fake.calls(), "In a week").len(), 1);
    assert_eq!(dms_in(&bot.fake.calls(), "Applications go in").len(), 1);
}

#[tokio::test]
async fn rotations_and_past_dates_are_checked_and_the_timeline_is_plain_dates() {
    let bot = TestBot::start().await;
    let rotation = |date: &str, starts: &str| {
        vec![
            (
                "milestone",
                bot.choice("season set", "milestone", "Away rotation"),
            ),
            ("date", OptValue::from(date)),
            ("starts", OptValue::from(starts)),
            ("label", OptValue::from("EM at Hospital Y")),
        ]
    };
    let backwards = bot
        .run_command("season set", rotation("2027-02-28", "2027-03-01"))
        .await;
    assert!(
        backwards
            .content
            .contains("ends (2027-02-28) before it starts"),
        "{}",
        backwards.content
    );
    let past = bot
        .run_command("season set", rotation("2026-10-30", "2026-10-01"))
        .await;
    assert!(past.content.contains("already past"), "{}", past.content);
    assert!(bot
        .store
        .milestones(emig_bot::domain::UserId(MEMBER_A))
        .await
        .expect("read")
        .is_empty());

    bot.run_command("season set", rotation("2027-03-28", "2027-03-01"))
        .await;
    bot.run_command("season set", rotation("2027-04-25", "2027-04-01"))
        .await;
    bot.run_command("me matchday", [("date", "2027-03-19")])
        .await;
    bot.run_command(
        "me stage",
        [(
            "stage",
            bot.choice("me stage", "stage", "M4 (fourth-year medical student)"),
        )],
    )
    .await;
    let shown = bot.run_command::<&str>("season show", []).await;
    let text = &shown.content;
    assert!(!text.contains("<t:"), "{text}");
    let rotations = text.find("Away rotation (EM at Hospital Y): Mon 1 Mar 2027 – Sun 28 Mar 2027");
    let match_day = text.find("Match Day: Fri 19 Mar 2027");
    let second = text.find("Away rotation (EM at Hospital Y): Thu 1 Apr 2027 – Sun 25 Apr 2027");
    assert!(
        rotations < match_day && match_day < second && rotations.is_some(),
        "{text}"
    );
    assert!(text.contains("☑ Away rotations set"), "{text}");
    assert!(text.contains("☐ SLOE requests made"), "{text}");

    // Another member sees none of it and cannot remove it.
    let theirs = bot
        .member(MEMBER_B)
        .run_command::<&str>("season show", [])
        .await;
    assert!(
        theirs.content.contains("No dates yet"),
        "{}",
        theirs.content
    );
    let id = bot
        .store
        .milestones(emig_bot::domain::UserId(MEMBER_A))
        .await
        .expect("read")[0]
        .id
        .0;
    let forged = bot
        .member(MEMBER_B)
        .run_command("season remove", [("milestone", format!("#{id}").as_str())])
        .await;
    assert!(
        forged.content.contains("not in your season"),
        "{}",
        forged.content
    );
    assert_eq!(
        bot.store
            .milestones(emig_bot::domain::UserId(MEMBER_A))
            .await
            .expect("read")
            .len(),
        2
    );
}

#[tokio::test]
async fn match_day_from_the_season_is_the_same_date_and_reminds_a_week_before() {
    let bot = TestBot::start().await;
    let set = bot
        .run_command(
            "season set",
            [
                (
                    "milestone",
                    bot.choice("season set", "milestone", "Match Day"),
                ),
                ("date", OptValue::from("2027-03-19")),
            ],
        )
        .await;
    assert!(
        set.content.starts_with("Match Day set to Fri 19 Mar 2027"),
        "{}",
        set.content
    );
    assert_eq!(
        bot.store
            .match_day(emig_bot::domain::UserId(MEMBER_A))
            .await
            .expect("read"),
        Some("2027-03-19".parse().expect("date"))
    );
    // 09:00 in New York, still standard time on 12 Mar.
    bot.clock.set(at("2027-03-12T14:00:00Z"));
    let dm = wait_for_dm(&bot, "Match Day is in a week").await;
    assert!(
        dm["content"]
            .as_str()
            .unwrap_or_default()
            .contains("(Fri 19 Mar)"),
        "{dm}"
    );
}

#[tokio::test]
async fn a_contact_met_on_an_away_rotation_takes_the_rotations_end() {
    let bot = TestBot::start().await;
    bot.run_command(
        "season set",
        [
            (
                "milestone",
                bot.choice("season set", "milestone", "Away rotation"),
            ),
            ("date", OptValue::from("2027-03-28")),
            ("starts", OptValue::from("2027-03-01")),
            ("label", OptValue::from("EM at Hospital Y")),
        ],
    )
    .await;
    let offered = bot
        .member(MEMBER_A)
        .autocomplete(
            "contact add",
            [("name", "x"), ("rotation", "hospital")],
            "rotation",
        )
        .await;
    assert_eq!(offered.len(), 1, "{offered:?}");
    let rotation = offered[0].1.clone();
    let added = bot
        .run_command(
            "contact add",
            [("name", "Dr. Rota Tion"), ("rotation", rotation.as_str())],
        )
        .await;
    assert!(
        added
            .content
            .contains("Away rotation · EM at Hospital Y (rotation ends Sun 28 Mar"),
        "{}",
        added.content
    );
    // Someone else's rotation id links nothing.
    let forged = bot
        .member(MEMBER_B)
        .run_command(
            "contact add",
            [("name", "Dr. Forged"), ("rotation", rotation.as_str())],
        )
        .await;
    assert!(
        forged.content.contains("not in your season"),
        "{}",
        forged.content
    );
    let contacts = bot
        .store
        .pending_follow_ups(emig_bot::domain::UserId(MEMBER_B), None)
        .await
        .expect("read");
    assert!(contacts.is_empty());
}
