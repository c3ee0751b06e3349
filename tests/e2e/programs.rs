//! `/program`: programs through the season, the people the member knows at each, and the
//! post-interview thanks (never for a program that asks for no contact); private.

use emig_bot::domain::cadence::FollowUpKind;
use emig_bot::domain::UserId;

use crate::support::{OptValue, TestBot, MEMBER_A, MEMBER_B};

async fn interview_thanks(bot: &TestBot) -> Vec<(String, chrono::NaiveDate)> {
    bot.store
        .pending_follow_ups(UserId(MEMBER_A), None)
        .await
        .expect("read")
        .into_iter()
        .filter(|f| f.kind == FollowUpKind::InterviewThanks)
        .map(|f| (f.contact_name, f.window.ideal))
        .collect()
}

#[tokio::test]
async fn interviewed_schedules_thanks_to_the_people_there_unless_the_program_asks_not_to() {
    let bot = TestBot::start().await;
    bot.run_command(
        "contact add",
        [("name", "Dr. Ana Lopez"), ("institution", "Hospital Y")],
    )
    .await;
    bot.run_command(
        "contact add",
        [
            ("name", "Dr. Ben Okafor"),
            ("institution", "Quiet Valley EM"),
        ],
    )
    .await;
    bot.run_command("contact add", [("name", "Dr. Cy Linked")])
        .await;
    let added = bot
        .run_command(
            "program add",
            [
                ("name", "Hospital Y Emergency Medicine"),
                ("city", "Atlanta"),
            ],
        )
        .await;
    assert!(
        added.content.contains("You know 1 person there."),
        "{}",
        added.content
    );
    bot.run_command(
        "program link",
        [
            ("program", "Hospital Y Emergency Medicine"),
            ("contact", "Dr. Cy Linked"),
        ],
    )
    .await;
    bot.run_command(
        "program add",
        [
            ("name", OptValue::from("Quiet Valley EM")),
            ("no-contact", OptValue::Bool(true)),
        ],
    )
    .await;
    let list = bot.run_command::<&str>("program list", []).await;
    assert!(
        list.content
            .contains("you know Dr. Cy Linked, Dr. Ana Lopez"),
        "{}",
        list.content
    );

    let interviewed = bot
        .run_command(
            "program update",
            [
                ("program", OptValue::from("Hospital Y Emergency Medicine")),
                (
                    "status",
                    bot.choice("program update", "status", "Interviewed"),
                ),
            ],
        )
        .await;
    assert!(
        interviewed
            .content
            .contains("I'll nudge you to thank Dr. Cy Linked, Dr. Ana Lopez within 1–3 days"),
        "{}",
        interviewed.content
    );
    let quiet = bot
        .run_command(
            "program update",
            [
                ("program", OptValue::from("Quiet Valley EM")),
                (
                    "status",
                    bot.choice("program update", "status", "Interviewed"),
                ),
            ],
        )
        .await;
    assert!(
        quiet.content.contains("no post-interview communication"),
        "{}",
        quiet.content
    );
    let mut thanks = interview_thanks(&bot).await;
    thanks.sort();
    let day: chrono::NaiveDate = "2026-11-26".parse().expect("date");
    assert_eq!(
        thanks,
        vec![
            ("Dr. Ana Lopez".to_owned(), day),
            ("Dr. Cy Linked".to_owned(), day)
        ]
    );
    // The draft for someone at the quiet program says why not to send it.
    let draft = bot
        .run_command(
            "draft",
            [
                ("contact", OptValue::from("Dr. Ben Okafor")),
                (
                    "situation",
                    bot.choice("draft", "situation", "Post-interview thanks"),
                ),
            ],
        )
        .await;
    assert!(
        draft.content.starts_with(
            "**Note:** Quiet Valley EM asks applicants not to contact it after interviews."
        ),
        "{}",
        draft.content
    );
}

#[tokio::test]
async fn moving_a_program_back_asks_first_and_programs_stay_private() {
    let bot = TestBot::start().await;
    bot.run_command("program add", [("name", "Hospital Y EM")])
        .await;
    bot.run_command(
        "program update",
        [
            ("program", OptValue::from("Hospital Y EM")),
            (
                "status",
                bot.choice("program update", "status", "Interview invited"),
            ),
        ],
    )
    .await;
    let back = bot
        .run_command(
            "program update",
            [
                ("program", OptValue::from("Hospital Y EM")),
                ("status", bot.choice("program update", "status", "Applied")),
            ],
        )
        .await;
    assert!(
        back.content.contains("Move it back to **applied**?"),
        "{}",
        back.content
    );
    let moved = bot
        .member(MEMBER_A)
        .click(&back.button("Yes, mark it applied"))
        .await;
    assert!(
        moved.content.contains("now **applied**"),
        "{}",
        moved.content
    );

    let id = bot.store.programs(UserId(MEMBER_A)).await.expect("read")[0]
        .id
        .0;
    let b = bot.member(MEMBER_B);
    let list = b.run_command::<&str>("program list", []).await;
    assert!(
        list.content.starts_with("No programs yet"),
        "{}",
        list.content
    );
    let forged = b
        .run_command(
            "program update",
            [
                ("program", OptValue::from(format!("#{id}").as_str())),
                (
                    "status",
                    bot.choice("program update", "status", "Withdrawn"),
                ),
            ],
        )
        .await;
    assert!(
        forged.content.contains("not in your list"),
        "{}",
        forged.content
    );
    let offered = b
        .autocomplete("program show", [("program", "")], "program")
        .await;
    assert!(offered.is_empty(), "{offered:?}");
    let dup = bot
        .run_command("program add", [("name", "hospital y em")])
        .await;
    assert!(
        dup.content.contains("already in your list"),
        "{}",
        dup.content
    );
}
