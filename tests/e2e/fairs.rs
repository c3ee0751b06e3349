//! `/fair`: the chapter's residency-fair prep — programs, interest (names only when chosen),
//! and each member's own brief.

use crate::support::interactions::{MEMBER_PERMISSIONS, PERM_MANAGE_GUILD};
use crate::support::{OptValue, TestBot, MEMBER_A, MEMBER_B};

const OFFICERS: u64 = 810_000_000_000_000_001;
const OFFICER: u64 = 100_000_000_000_000_009;

async fn chapter_with_a_fair(bot: &TestBot) {
    bot.member(MEMBER_B)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_GUILD)
        .run_command(
            "chapter setup",
            [
                ("officer-role", OptValue::Role(OFFICERS)),
                (
                    "fallback-channel",
                    OptValue::Channel(820_000_000_000_000_001, 0),
                ),
            ],
        )
        .await;
    let officer = bot.member(OFFICER).with_role(OFFICERS);
    officer
        .run_command(
            "conference add",
            [
                ("name", "SAEM"),
                ("starts", "2027-05-12"),
                ("ends", "2027-05-15"),
                ("city", "Atlanta"),
            ],
        )
        .await;
    let refused = bot
        .member(MEMBER_A)
        .run_command("fair create", [("date", "2027-05-13"), ("name", "Fair")])
        .await;
    assert!(
        refused.content.contains("Only chapter officers"),
        "{}",
        refused.content
    );
    let past = officer
        .run_command(
            "fair create",
            [("date", "2026-05-13"), ("name", "Old fair")],
        )
        .await;
    assert!(past.content.contains("already past"), "{}", past.content);
    let created = officer
        .run_command(
            "fair create",
            [("date", "2027-05-13"), ("conference", "SAEM")],
        )
        .await;
    assert!(
        created
            .content
            .starts_with("Created **SAEM residency fair** on Thu 13 May 2027"),
        "{}",
        created.content
    );
    for name in ["Hospital Y EM", "Quiet Valley EM"] {
        officer.run_command("fair program", [("name", name)]).await;
    }
}

#[tokio::test]
async fn interest_shows_counts_and_only_the_names_members_chose_to_show() {
    let bot = TestBot::start().await;
    chapter_with_a_fair(&bot).await;
    let not_allowed = bot
        .member(MEMBER_A)
        .run_command("fair program", [("name", "Another EM")])
        .await;
    assert!(
        not_allowed.content.contains("Only officers add programs"),
        "{}",
        not_allowed.content
    );

    let members: Vec<u64> = (1..=5).map(|n| 300_000_000_000_000_000 + n).collect();
    for (i, member) in members.iter().enumerate() {
        let reply = bot
            .member(*member)
            .run_command(
                "fair interest",
                [
                    ("program", OptValue::from("Hospital Y EM")),
                    ("show-my-name", OptValue::Bool(i < 2)),
                ],
            )
            .await;
        assert!(
            reply
                .content
                .starts_with("You'll talk to **Hospital Y EM**"),
            "{}",
            reply.content
        );
    }
    let again = bot
        .member(members[0])
        .run_command("fair interest", [("program", "Hospital Y EM")])
        .await;
    assert!(
        again.content.contains("already marked"),
        "{}",
        again.content
    );

    let listed = bot
        .member(MEMBER_A)
        .run_command::<&str>("fair programs", [])
        .await;
    assert!(listed.pings_nobody(), "{listed:?}");
    assert!(
        listed.content.contains(&format!(
            "**Hospital Y EM** · 5 interested: <@{}>, <@{}> and 3 more",
            members[0], members[1]
        )),
        "{}",
        listed.content
    );
    for hidden in &members[2..] {
        assert!(
            !listed.content.contains(&hidden.to_string()),
            "{}",
            listed.content
        );
    }
    assert!(
        listed
            .content
            .contains("**Quiet Valley EM** · 0 interested"),
        "{}",
        listed.content
    );
    let mine = bot
        .member(members[0])
        .run_command::<&str>("fair mine", [])
        .await;
    assert!(
        mine.content.contains("• Hospital Y EM (name shown)"),
        "{}",
        mine.content
    );
}

#[tokio::test]
async fn a_brief_shows_only_the_members_own_contacts_at_their_programs() {
    let bot = TestBot::start().await;
    chapter_with_a_fair(&bot).await;
    bot.member(MEMBER_A)
        .run_command(
            "contact add",
            [("name", "Dr. Ana Lopez"), ("institution", "Hospital Y")],
        )
        .await;
    bot.member(MEMBER_B)
        .run_command(
            "contact add",
            [("name", "Dr. Bee Other"), ("institution", "Hospital Y")],
        )
        .await;
    for member in [MEMBER_A, MEMBER_B] {
        bot.member(member)
            .run_command("fair interest", [("program", "Hospital Y EM")])
            .await;
    }
    let brief = bot
        .member(MEMBER_A)
        .run_command::<&str>("fair brief", [])
        .await;
    assert!(brief.ephemeral);
    assert!(
        brief
            .content
            .starts_with("**Your brief: SAEM residency fair** · Thu 13 May 2027"),
        "{}",
        brief.content
    );
    assert!(
        brief
            .content
            .contains("• Hospital Y EM — you know Dr. Ana Lopez"),
        "{}",
        brief.content
    );
    assert!(!brief.content.contains("Bee"), "{}", brief.content);
    assert!(
        brief.content.contains("No one-minute story yet"),
        "{}",
        brief.content
    );
}
