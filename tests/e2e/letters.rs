//! `/letter`: letters asked for, moved through their statuses, with the check-in and
//! thank-you nudges each status schedules; private to the member.

use serde_json::Value;

use crate::support::bot::{at, digest_dms};
use crate::support::{OptValue, TestBot, MEMBER_A, MEMBER_B};

fn button(dm: &Value, label: &str) -> String {
    dm["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|b| b["label"] == label)
        .and_then(|b| b["custom_id"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no {label} on {dm}"))
}

async fn with_writer(bot: &TestBot) {
    let added = bot
        .run_command(
            "contact add",
            [("name", "Dr. Ana Lopez"), ("institution", "Hospital Y")],
        )
        .await;
    assert!(added.content.starts_with("Saved"), "{}", added.content);
}

#[tokio::test]
async fn a_sloe_is_checked_in_on_day_seven_then_agreed_submitted_and_thanked() {
    let bot = TestBot::start().await;
    with_writer(&bot).await;
    let asked = bot
        .run_command(
            "letter ask",
            [
                ("contact", OptValue::from("Dr. Ana Lopez")),
                ("rotation", OptValue::from("EM away rotation at Hospital Y")),
            ],
        )
        .await;
    assert!(asked.ephemeral);
    assert!(
        asked.content.starts_with(
            "Recorded: SLOE from **Dr. Ana Lopez** (EM away rotation at Hospital Y), asked Wed 25 Nov. No answer by Wed 2 Dec? I'll DM you a gentle check-in"
        ),
        "{}",
        asked.content
    );

    // Day 7, 09:00 in New York: the check-in.
    bot.clock.set(at("2026-12-02T14:00:00Z"));
    let dm = bot.wait_for_digests(1).await.remove(0);
    let text = dm["content"].as_str().unwrap_or_default();
    assert!(
        text.contains("1. No answer yet from **Dr. Ana Lopez** about your SLOE (asked Wed 25 Nov)"),
        "{text}"
    );
    let draft = bot
        .member(MEMBER_A)
        .in_dm()
        .click(&button(&dm, "Draft check-in #1"))
        .await;
    assert!(
        draft.content.contains("Dear Dr. Ana Lopez"),
        "{}",
        draft.content
    );
    assert!(
        draft.content.contains("follow up gently"),
        "{}",
        draft.content
    );
    // Someone else's click on A's DM does nothing.
    let theirs = bot
        .member(MEMBER_B)
        .in_dm()
        .click(&button(&dm, "Agreed #1"))
        .await;
    assert!(
        theirs.content.contains("someone else's"),
        "{}",
        theirs.content
    );
    let agreed = bot
        .member(MEMBER_A)
        .in_dm()
        .click(&button(&dm, "Agreed #1"))
        .await;
    assert!(
        agreed.content.contains("now **agreed**"),
        "{}",
        agreed.content
    );

    let submitted = bot
        .run_command(
            "letter update",
            [
                ("letter", OptValue::from("Dr. Ana Lopez")),
                ("status", bot.choice("letter update", "status", "Submitted")),
            ],
        )
        .await;
    assert!(
        submitted
            .content
            .contains("now **submitted**. I'll remind you to thank them on Thu 3 Dec"),
        "{}",
        submitted.content
    );
    bot.clock.set(at("2026-12-03T14:00:00Z"));
    let dms = bot.wait_for_digests(2).await;
    let text = dms[1]["content"].as_str().unwrap_or_default();
    assert!(
        text.contains("1. **Dr. Ana Lopez** submitted your SLOE: thank them"),
        "{text}"
    );
    let thanks = bot
        .member(MEMBER_A)
        .in_dm()
        .click(&button(&dms[1], "Draft thank-you #1"))
        .await;
    assert!(
        thanks
            .content
            .contains("Thank you so much for writing my SLOE"),
        "{}",
        thanks.content
    );
    let thanked = bot
        .member(MEMBER_A)
        .in_dm()
        .click(&button(&dms[1], "Thanked #1"))
        .await;
    assert!(
        thanked.content.contains("now **thanked**"),
        "{}",
        thanked.content
    );

    let list = bot.run_command::<&str>("letter list", []).await;
    assert!(
        list.content.contains("**thanked** since Thu 3 Dec"),
        "{}",
        list.content
    );
    assert!(
        list.content
            .contains("SLOEs: 1 agreed or in, 1 submitted, of 1 asked."),
        "{}",
        list.content
    );
    // Nothing more comes.
    bot.clock.set(at("2026-12-10T14:00:00Z"));
    bot.run_command::<&str>("help", []).await;
    assert_eq!(digest_dms(&bot.fake.calls()).len(), 2);
}

#[tokio::test]
async fn answered_before_day_seven_there_is_no_check_in_and_moving_back_asks_first() {
    let bot = TestBot::start().await;
    with_writer(&bot).await;
    bot.run_command("letter ask", [("contact", "Dr. Ana Lopez")])
        .await;
    bot.run_command(
        "letter update",
        [
            ("letter", OptValue::from("Dr. Ana Lopez")),
            ("status", bot.choice("letter update", "status", "Agreed")),
        ],
    )
    .await;
    bot.clock.set(at("2026-12-02T14:00:00Z"));
    bot.run_command::<&str>("help", []).await;
    assert!(
        digest_dms(&bot.fake.calls()).is_empty(),
        "agreed: no check-in"
    );

    let asked_back = bot
        .run_command(
            "letter update",
            [
                ("letter", OptValue::from("Dr. Ana Lopez")),
                ("status", bot.choice("letter update", "status", "Asked")),
            ],
        )
        .await;
    assert!(
        asked_back.content.contains("Move it back to **asked**?"),
        "{}",
        asked_back.content
    );
    let kept = bot
        .member(MEMBER_A)
        .click(&asked_back.button("Keep it"))
        .await;
    assert!(kept.content.starts_with("Kept"), "{}", kept.content);
    let list = bot.run_command::<&str>("letter list", []).await;
    assert!(list.content.contains("**agreed**"), "{}", list.content);
    let moved = bot
        .member(MEMBER_A)
        .click(&asked_back.button("Yes, mark it asked"))
        .await;
    assert!(moved.content.contains("now **asked**"), "{}", moved.content);
}

#[tokio::test]
async fn letters_need_a_contact_and_stay_private_to_their_member() {
    let bot = TestBot::start().await;
    let unknown = bot
        .run_command("letter ask", [("contact", "Dr. Nobody")])
        .await;
    assert!(unknown.ephemeral);
    assert!(unknown.content.contains("contact"), "{}", unknown.content);
    assert!(bot
        .store
        .letters(emig_bot::domain::UserId(MEMBER_A))
        .await
        .expect("read")
        .is_empty());

    with_writer(&bot).await;
    bot.run_command("letter ask", [("contact", "Dr. Ana Lopez")])
        .await;
    let id = format!(
        "#{}",
        bot.store
            .letters(emig_bot::domain::UserId(MEMBER_A))
            .await
            .expect("read")[0]
            .id
            .0
    );
    let b = bot.member(MEMBER_B);
    let list = b.run_command::<&str>("letter list", []).await;
    assert!(
        list.content.starts_with("No letters yet"),
        "{}",
        list.content
    );
    let offered = b
        .autocomplete("letter update", [("letter", "")], "letter")
        .await;
    assert!(offered.is_empty(), "{offered:?}");
    let forged = b
        .run_command(
            "letter update",
            [
                ("letter", OptValue::from(id.as_str())),
                ("status", bot.choice("letter update", "status", "Declined")),
            ],
        )
        .await;
    assert!(
        forged.content.contains("not in your list"),
        "{}",
        forged.content
    );
    let mine = bot.run_command::<&str>("letter list", []).await;
    assert!(mine.content.contains("**asked**"), "{}", mine.content);
}

#[tokio::test]
async fn match_day_thanks_every_letter_writer_once() {
    let bot = TestBot::start().await;
    with_writer(&bot).await;
    bot.run_command("letter ask", [("contact", "Dr. Ana Lopez")])
        .await;
    bot.run_command(
        "letter update",
        [
            ("letter", OptValue::from("Dr. Ana Lopez")),
            ("status", bot.choice("letter update", "status", "Agreed")),
        ],
    )
    .await;
    let set = bot
        .run_command("me matchday", [("date", "2027-03-19")])
        .await;
    assert!(
        set.content
            .contains("the 1 mentor, sponsor or letter writer"),
        "{}",
        set.content
    );
    let pending = bot
        .store
        .pending_follow_ups(emig_bot::domain::UserId(MEMBER_A), None)
        .await
        .expect("read");
    let thanks: Vec<_> = pending
        .iter()
        .filter(|f| f.kind == emig_bot::domain::cadence::FollowUpKind::MatchThanks)
        .collect();
    assert_eq!(thanks.len(), 1, "{pending:?}");
    assert_eq!(thanks[0].contact_name, "Dr. Ana Lopez");
}
