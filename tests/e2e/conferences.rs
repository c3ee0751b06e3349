//! `/conference`: the chapter calendar kept by officers, members' plans and private targets,
//! and the before-conference nudges a plan schedules.

use chrono::NaiveDate;
use emig_bot::domain::GuildId;

use crate::support::bot::{at, digest_dms};
use crate::support::interactions::{GUILD_ID, MEMBER_PERMISSIONS, PERM_MANAGE_GUILD};
use crate::support::{OptValue, Reply, TestBot, MEMBER_A, MEMBER_B};

const OFFICERS: u64 = 810_000_000_000_000_001;
const FALLBACK: u64 = 820_000_000_000_000_001;
const MEMBER_C: u64 = 100_000_000_000_000_003;
/// Has the officer role, but not Manage Server.
const OFFICER: u64 = 100_000_000_000_000_009;

fn d(s: &str) -> NaiveDate {
    s.parse().expect("date")
}

/// A Manage Server member sets the chapter up with its officer role.
async fn set_up_chapter(bot: &TestBot) {
    let reply = bot
        .member(MEMBER_B)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_GUILD)
        .run_command(
            "chapter setup",
            [
                ("officer-role", OptValue::Role(OFFICERS)),
                ("fallback-channel", OptValue::Channel(FALLBACK, 0)),
            ],
        )
        .await;
    assert!(
        reply.content.starts_with("Chapter set up."),
        "{}",
        reply.content
    );
}

fn saem() -> Vec<(&'static str, OptValue)> {
    vec![
        ("name", "SAEM".into()),
        ("starts", "2027-05-12".into()),
        ("ends", "2027-05-15".into()),
        ("city", "Atlanta".into()),
    ]
}

async fn officer_adds(bot: &TestBot, options: Vec<(&'static str, OptValue)>) -> Reply {
    bot.member(OFFICER)
        .with_role(OFFICERS)
        .run_command("conference add", options)
        .await
}

/// The "#id" value of the chapter's conference named `name`.
async fn conference_value(bot: &TestBot, name: &str) -> String {
    let all = bot
        .store
        .conferences(GuildId(GUILD_ID), d("2026-01-01"), 50)
        .await
        .expect("read");
    let found = all
        .iter()
        .find(|c| c.details.name == name)
        .unwrap_or_else(|| panic!("{name} is not on the calendar: {all:?}"));
    format!("#{}", found.id.0)
}

/// (subject, ideal day, due instant, state) of a member's before-conference nudges.
async fn before_nudges(bot: &TestBot, owner: u64) -> Vec<(String, NaiveDate, i64, String)> {
    let db = crate::support::db::Db::open(&bot.db_url).await;
    crate::on_pool!(&db.pool, |c| sqlx::query_as(
        "SELECT subject, ideal_on, due_at, state FROM nudges
         WHERE owner_id = $1 AND subject IN ('conference_week_before', 'conference_day_before')
         ORDER BY ideal_on, id",
    )
    .bind(owner as i64)
    .fetch_all(c)
    .await)
    .expect("read nudges")
}

#[tokio::test]
async fn an_officer_by_role_adds_saem_and_members_see_it_with_plain_dates() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;

    // Not an officer: refused, nothing stored.
    let refused = bot
        .member(MEMBER_A)
        .run_command("conference add", saem())
        .await;
    assert!(refused.ephemeral);
    assert!(
        refused.content.contains("Only chapter officers"),
        "{}",
        refused.content
    );
    assert!(bot
        .store
        .conferences(GuildId(GUILD_ID), d("2026-01-01"), 50)
        .await
        .expect("read")
        .is_empty());

    let added = officer_adds(&bot, saem()).await;
    assert!(added.ephemeral);
    assert!(
        added
            .content
            .starts_with("Added **SAEM** to the calendar: Wed 12 – Sat 15 May 2027"),
        "{}",
        added.content
    );

    let listed = bot
        .member(MEMBER_A)
        .run_command::<&str>("conference list", [])
        .await;
    assert!(listed.ephemeral);
    assert!(
        listed.content.contains(
            "**SAEM** · Wed 12 – Sat 15 May 2027 (in 6 months) · Atlanta · National · 0 going (shared)"
        ),
        "{}",
        listed.content
    );
    // Calendar days are never shown as instants (midnight UTC is the day before in the US).
    assert!(!listed.content.contains("<t:"), "{}", listed.content);

    // The same conference twice is refused.
    let again = officer_adds(&bot, saem()).await;
    assert!(
        again.content.contains("already on the calendar"),
        "{}",
        again.content
    );

    // Autocomplete offers it by name, with its days, and the national meetings by name.
    let offered = bot
        .member(MEMBER_A)
        .autocomplete("conference join", [("conference", "sa")], "conference")
        .await;
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert!(
        offered[0].0.starts_with("SAEM — Wed 12 – Sat 15 May 2027"),
        "{offered:?}"
    );
    assert_eq!(offered[0].1, conference_value(&bot, "SAEM").await);
    let names = bot
        .member(OFFICER)
        .with_role(OFFICERS)
        .autocomplete("conference add", [("name", "co")], "name")
        .await;
    assert!(names.iter().any(|(n, _)| n == "CORD"), "{names:?}");
}

#[tokio::test]
async fn bad_calendar_input_gets_a_clear_answer_and_stores_nothing() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    let mut ends_first = saem();
    ends_first[2] = ("ends", "2027-05-10".into());
    let mut in_the_past = saem();
    in_the_past[1] = ("starts", "2026-05-12".into());
    in_the_past[2] = ("ends", "2026-05-15".into());
    for (options, expected) in [
        (
            ends_first,
            "ends (2027-05-10) before it starts (2027-05-12)",
        ),
        (in_the_past, "ended on 2026-05-15"),
    ] {
        let reply = officer_adds(&bot, options).await;
        assert!(reply.ephemeral);
        assert!(reply.content.contains(expected), "{}", reply.content);
    }
    assert!(bot
        .store
        .conferences(GuildId(GUILD_ID), d("2026-01-01"), 50)
        .await
        .expect("read")
        .is_empty());
    let unknown = bot
        .member(MEMBER_A)
        .run_command("conference join", [("conference", "ACEP")])
        .await;
    assert!(
        unknown.content.contains("not on this chapter's calendar"),
        "{}",
        unknown.content
    );
}

#[tokio::test]
async fn who_lists_members_going_visibly_and_not_those_who_left_the_server() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;

    let joined = bot
        .member(MEMBER_A)
        .run_command(
            "conference join",
            [
                ("conference", OptValue::from(saem_id.as_str())),
                (
                    "visibility",
                    bot.choice("conference join", "visibility", "Chapter"),
                ),
            ],
        )
        .await;
    assert!(
        joined.content.contains("the chapter can see"),
        "{}",
        joined.content
    );
    let private = bot
        .member(MEMBER_B)
        .run_command("conference join", [("conference", saem_id.as_str())])
        .await;
    assert!(
        private.content.contains("only you can see"),
        "{}",
        private.content
    );
    bot.member(MEMBER_C)
        .run_command(
            "conference join",
            [
                ("conference", OptValue::from(saem_id.as_str())),
                (
                    "visibility",
                    bot.choice("conference join", "visibility", "Chapter"),
                ),
            ],
        )
        .await;
    bot.fake.member_left(MEMBER_C);

    let who = bot
        .member(MEMBER_B)
        .run_command("conference who", [("conference", saem_id.as_str())])
        .await;
    assert!(who.pings_nobody(), "{who:?}");
    assert!(
        who.content.contains(&format!("<@{MEMBER_A}>")),
        "{}",
        who.content
    );
    assert!(
        !who.content.contains(&format!("<@{MEMBER_B}>")),
        "{}",
        who.content
    );
    assert!(
        !who.content.contains(&format!("<@{MEMBER_C}>")),
        "{}",
        who.content
    );

    let listed = bot
        .member(MEMBER_B)
        .run_command::<&str>("conference list", [])
        .await;
    assert!(
        listed.content.contains("2 going (shared)"),
        "{}",
        listed.content
    );

    // Switching to private hides A too.
    bot.member(MEMBER_A)
        .run_command(
            "conference join",
            [
                ("conference", OptValue::from(saem_id.as_str())),
                (
                    "visibility",
                    bot.choice("conference join", "visibility", "Private"),
                ),
            ],
        )
        .await;
    let who = bot
        .member(MEMBER_B)
        .run_command("conference who", [("conference", saem_id.as_str())])
        .await;
    assert!(
        who.content.starts_with("Nobody has shared"),
        "{}",
        who.content
    );
}

#[tokio::test]
async fn targets_are_private_and_need_a_joined_conference() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    let reyes = || {
        vec![
            ("conference", OptValue::from(saem_id.as_str())),
            (
                "kind",
                bot.choice("conference target add", "kind", "Person (speaker, faculty)"),
            ),
            ("name", OptValue::from("Dr. Reyes")),
            (
                "note",
                OptValue::from("ask about the ultrasound fellowship"),
            ),
        ]
    };

    let refused = bot
        .member(MEMBER_A)
        .run_command("conference target add", reyes())
        .await;
    assert!(
        refused.content.contains("haven't joined"),
        "{}",
        refused.content
    );

    bot.member(MEMBER_A)
        .run_command("conference join", [("conference", saem_id.as_str())])
        .await;
    let added = bot
        .member(MEMBER_A)
        .run_command("conference target add", reyes())
        .await;
    assert!(
        added.content.starts_with("Added person **Dr. Reyes**"),
        "{}",
        added.content
    );
    bot.member(MEMBER_A)
        .run_command(
            "conference target add",
            [
                ("conference", OptValue::from(saem_id.as_str())),
                (
                    "kind",
                    bot.choice(
                        "conference target add",
                        "kind",
                        "Program (fair booth, showcase)",
                    ),
                ),
                ("name", OptValue::from("Emory EM booth")),
            ],
        )
        .await;

    let plan = bot
        .member(MEMBER_A)
        .run_command("conference plan", [("conference", saem_id.as_str())])
        .await;
    assert!(
        plan.content.contains("**Targets** (0 of 2 done)"),
        "{}",
        plan.content
    );
    assert!(
        plan.content
            .contains("☐ person: Dr. Reyes — ask about the ultrasound fellowship"),
        "{}",
        plan.content
    );

    let offered = bot
        .member(MEMBER_A)
        .autocomplete("conference target done", [("target", "rey")], "target")
        .await;
    assert_eq!(offered.len(), 1, "{offered:?}");
    let reyes_id = offered[0].1.clone();
    // Another member sees none of A's targets and cannot change them.
    let theirs = bot
        .member(MEMBER_B)
        .autocomplete("conference target done", [("target", "")], "target")
        .await;
    assert!(theirs.is_empty(), "{theirs:?}");
    let forged = bot
        .member(MEMBER_B)
        .run_command("conference target done", [("target", reyes_id.as_str())])
        .await;
    assert!(
        forged.content.contains("not in your plan"),
        "{}",
        forged.content
    );
    let forged = bot
        .member(MEMBER_B)
        .run_command("conference target remove", [("target", reyes_id.as_str())])
        .await;
    assert!(
        forged.content.contains("not in your plan"),
        "{}",
        forged.content
    );
    let other_plan = bot
        .member(MEMBER_B)
        .run_command("conference plan", [("conference", saem_id.as_str())])
        .await;
    assert!(
        !other_plan.content.contains("Reyes"),
        "{}",
        other_plan.content
    );

    bot.member(MEMBER_A)
        .run_command("conference target done", [("target", reyes_id.as_str())])
        .await;
    let plan = bot
        .member(MEMBER_A)
        .run_command("conference plan", [("conference", saem_id.as_str())])
        .await;
    assert!(plan.content.contains("(1 of 2 done)"), "{}", plan.content);
    assert!(
        plan.content.contains("☑ person: Dr. Reyes"),
        "{}",
        plan.content
    );

    bot.member(MEMBER_A)
        .run_command("conference target remove", [("target", reyes_id.as_str())])
        .await;
    let plan = bot
        .member(MEMBER_A)
        .run_command("conference plan", [("conference", saem_id.as_str())])
        .await;
    assert!(plan.content.contains("(0 of 1 done)"), "{}", plan.content);
    assert!(!plan.content.contains("Reyes"), "{}", plan.content);

    let left = bot
        .member(MEMBER_A)
        .run_command("conference leave", [("conference", saem_id.as_str())])
        .await;
    assert!(
        left.content.contains("its 1 target is removed"),
        "{}",
        left.content
    );
    assert!(before_nudges(&bot, MEMBER_A)
        .await
        .iter()
        .all(|(_, _, _, state)| state == "cancelled"));
}

#[tokio::test]
async fn joining_schedules_the_before_nudges_and_editing_the_dates_moves_them() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    let joined = bot
        .member(MEMBER_A)
        .run_command("conference join", [("conference", saem_id.as_str())])
        .await;
    assert!(
        joined
            .content
            .contains("a week before (Wed 5 May) and the day before (Tue 11 May)"),
        "{}",
        joined.content
    );
    // 9:00 in New York (the default zone), daylight time in May: 13:00 UTC.
    let at_nine = |day: &str| {
        d(day)
            .and_hms_opt(13, 0, 0)
            .expect("time")
            .and_utc()
            .timestamp()
    };
    assert_eq!(
        before_nudges(&bot, MEMBER_A).await,
        vec![
            (
                "conference_week_before".to_owned(),
                d("2027-05-05"),
                at_nine("2027-05-05"),
                "waiting".to_owned()
            ),
            (
                "conference_day_before".to_owned(),
                d("2027-05-11"),
                at_nine("2027-05-11"),
                "waiting".to_owned()
            ),
        ]
    );

    let edited = bot
        .member(OFFICER)
        .with_role(OFFICERS)
        .run_command(
            "conference edit",
            [("conference", saem_id.as_str()), ("starts", "2027-05-19")],
        )
        .await;
    assert!(
        edited.content.contains("Wed 19 – Sat 22 May 2027"),
        "{}",
        edited.content
    );
    assert!(
        edited.content.contains("the 1 member going"),
        "{}",
        edited.content
    );
    let moved: Vec<(NaiveDate, i64, String)> = before_nudges(&bot, MEMBER_A)
        .await
        .into_iter()
        .filter(|n| n.3 != "cancelled")
        .map(|(_, day, due, state)| (day, due, state))
        .collect();
    assert_eq!(
        moved,
        vec![
            (d("2027-05-12"), at_nine("2027-05-12"), "waiting".to_owned()),
            (d("2027-05-18"), at_nine("2027-05-18"), "waiting".to_owned()),
        ]
    );

    // A member without the role cannot edit.
    let refused = bot
        .member(MEMBER_B)
        .run_command(
            "conference edit",
            [("conference", saem_id.as_str()), ("city", "Boston")],
        )
        .await;
    assert!(
        refused.content.contains("Only chapter officers"),
        "{}",
        refused.content
    );
}

#[tokio::test]
async fn removing_a_conference_asks_first_and_keeps_members_plans_as_history() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    bot.member(MEMBER_A)
        .run_command("conference join", [("conference", saem_id.as_str())])
        .await;
    let officer = bot.member(OFFICER).with_role(OFFICERS);

    let asked = officer
        .run_command("conference remove", [("conference", saem_id.as_str())])
        .await;
    assert!(
        asked.content.contains("1 member plans to go"),
        "{}",
        asked.content
    );
    let keep = asked.button("Keep it");
    let kept = officer.click(&keep).await;
    assert!(kept.content.starts_with("Kept"), "{}", kept.content);
    assert_eq!(
        bot.store
            .conferences(GuildId(GUILD_ID), d("2026-01-01"), 50)
            .await
            .expect("read")
            .len(),
        1
    );

    let asked = officer
        .run_command("conference remove", [("conference", saem_id.as_str())])
        .await;
    let remove = asked.button("Remove");
    // Someone else clicking the officer's button, or the officer after losing the role.
    let not_theirs = bot.member(MEMBER_A).click(&remove).await;
    assert!(
        not_theirs.content.contains("someone else's"),
        "{}",
        not_theirs.content
    );
    let demoted = bot.member(OFFICER).click(&remove).await;
    assert!(
        demoted.content.contains("Only chapter officers"),
        "{}",
        demoted.content
    );
    let removed = officer.click(&remove).await;
    assert_eq!(removed.kind, 7, "{removed:?}");
    assert!(
        removed
            .content
            .starts_with("Removed **SAEM** from the calendar. 1 member's plan"),
        "{}",
        removed.content
    );

    let listed = bot
        .member(MEMBER_A)
        .run_command::<&str>("conference list", [])
        .await;
    assert!(
        listed.content.contains("No conferences"),
        "{}",
        listed.content
    );
    let plans = bot
        .member(MEMBER_A)
        .run_command::<&str>("conference plan", [])
        .await;
    assert!(
        plans.content.contains("removed from the calendar"),
        "{}",
        plans.content
    );
    assert!(before_nudges(&bot, MEMBER_A)
        .await
        .iter()
        .all(|(_, _, _, state)| state == "cancelled"));
}

#[tokio::test]
async fn the_week_before_and_day_before_dms_arrive_once_each_with_targets_and_drafts() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    bot.member(MEMBER_A)
        .run_command("conference join", [("conference", saem_id.as_str())])
        .await;
    for (kind, name, note) in [
        (
            "Person (speaker, faculty)",
            "Dr. Reyes",
            "her ultrasound fellowship",
        ),
        ("Program (fair booth, showcase)", "Emory EM booth", ""),
    ] {
        let mut options = vec![
            ("conference", OptValue::from(saem_id.as_str())),
            ("kind", bot.choice("conference target add", "kind", kind)),
            ("name", OptValue::from(name)),
        ];
        if !note.is_empty() {
            options.push(("note", OptValue::from(note)));
        }
        bot.member(MEMBER_A)
            .run_command("conference target add", options)
            .await;
    }

    // Wed 5 May, 09:00 in New York: the week-before DM.
    bot.clock.set(at("2027-05-05T13:00:00Z"));
    let dm = bot.wait_for_digests(1).await.remove(0);
    let text = dm["content"].as_str().unwrap_or_default();
    assert!(text.starts_with("**Your reminders** — 1"), "{text}");
    assert!(
        text.contains("1. **SAEM** in a week (Wed 12 – Sat 15 May 2027, Atlanta). Targets: Dr. Reyes, Emory EM booth."),
        "{text}"
    );
    assert!(text.contains("Write your one-minute story"), "{text}");
    let menu = &dm["components"][0]["components"][0];
    assert_eq!(menu["type"], 3, "{dm}");
    let labels: Vec<&str> = menu["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["label"].as_str())
        .collect();
    assert_eq!(labels, vec!["Open my plan", "Draft a note to Dr. Reyes"]);
    let custom_id = menu["custom_id"].as_str().expect("custom id").to_owned();
    let reyes = menu["options"][1]["value"]
        .as_str()
        .expect("value")
        .to_owned();

    let draft = bot
        .member(MEMBER_A)
        .in_dm()
        .select(&custom_id, &[&reyes])
        .await;
    assert!(draft.ephemeral);
    assert!(
        draft.content.contains("Dear Dr. Reyes"),
        "{}",
        draft.content
    );
    assert!(draft.content.contains("SAEM 2027"), "{}", draft.content);
    assert!(
        draft.content.contains("her ultrasound fellowship"),
        "{}",
        draft.content
    );
    let plan = bot
        .member(MEMBER_A)
        .in_dm()
        .select(&custom_id, &["plan"])
        .await;
    assert!(
        plan.content.contains("**Targets** (0 of 2 done)"),
        "{}",
        plan.content
    );
    // A forged value, and someone else's click, change and show nothing.
    let forged = bot
        .member(MEMBER_A)
        .in_dm()
        .select(&custom_id, &["t999999"])
        .await;
    assert!(
        forged.content.contains("not in your plan"),
        "{}",
        forged.content
    );
    let not_theirs = bot
        .member(MEMBER_B)
        .in_dm()
        .select(&custom_id, &[&reyes])
        .await;
    assert!(
        not_theirs.content.contains("someone else's"),
        "{}",
        not_theirs.content
    );
    assert!(!not_theirs.content.contains("Reyes"));

    // The next morning: no second week-before DM.
    bot.clock.set(at("2027-05-06T13:00:00Z"));
    bot.run_command::<&str>("help", []).await;
    assert_eq!(digest_dms(&bot.fake.calls()).len(), 1);

    // Tue 11 May, 09:00: the day-before DM, once.
    bot.clock.set(at("2027-05-11T13:00:00Z"));
    let dms = bot.wait_for_digests(2).await;
    let text = dms[1]["content"].as_str().unwrap_or_default();
    assert!(
        text.contains("1. **SAEM** starts tomorrow (Atlanta). Targets: Dr. Reyes, Emory EM booth."),
        "{text}"
    );
    bot.clock.set(at("2027-05-12T13:00:00Z"));
    bot.run_command::<&str>("help", []).await;
    assert_eq!(digest_dms(&bot.fake.calls()).len(), 2);
}

/// (contact name, ideal day) of a member's pending follow-ups.
async fn follow_up_days(bot: &TestBot, owner: u64) -> Vec<(String, NaiveDate)> {
    let mut days: Vec<(String, NaiveDate)> = bot
        .store
        .pending_follow_ups(emig_bot::domain::UserId(owner), None)
        .await
        .expect("read")
        .into_iter()
        .map(|f| (f.contact_name, f.window.ideal))
        .collect();
    days.sort();
    days
}

#[tokio::test]
async fn people_met_at_saem_are_followed_up_in_one_digest_item_with_a_draft_menu() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    // Under way as the tests' clock starts (Wed 25 Nov 2026), ending Thursday.
    officer_adds(
        &bot,
        vec![
            ("name", "SAEM".into()),
            ("starts", "2026-11-23".into()),
            ("ends", "2026-11-26".into()),
            ("city", "Atlanta".into()),
        ],
    )
    .await;
    let saem_id = conference_value(&bot, "SAEM").await;
    let a = bot.member(MEMBER_A);
    a.run_command::<&str>("conference list", []).await;

    // In a DM, the conferences of the chapters where the member used the bot are offered.
    let offered = a
        .in_dm()
        .autocomplete(
            "contact add",
            [("name", "x"), ("conference", "sa")],
            "conference",
        )
        .await;
    assert_eq!(offered.len(), 1, "{offered:?}");
    assert_eq!(offered[0].1, saem_id);
    // Someone who never used the bot in that server is offered nothing, and a forged id links
    // nothing.
    let stranger = bot
        .member(MEMBER_C)
        .in_dm()
        .autocomplete(
            "contact add",
            [("name", "x"), ("conference", "sa")],
            "conference",
        )
        .await;
    assert!(stranger.is_empty(), "{stranger:?}");
    let forged = bot
        .member(MEMBER_C)
        .in_dm()
        .run_command(
            "contact add",
            [("name", "Dr. Forged"), ("conference", saem_id.as_str())],
        )
        .await;
    assert!(
        forged.content.contains("not on this chapter's calendar"),
        "{}",
        forged.content
    );

    for name in [
        "Dr. Ana Lopez",
        "Dr. Ben Okafor",
        "Dr. Carla Diaz",
        "Dr. Dev Patel",
    ] {
        let added = a
            .run_command(
                "contact add",
                [
                    ("name", name),
                    ("when-met", "2026-11-24"),
                    ("conference", saem_id.as_str()),
                ],
            )
            .await;
        assert!(added.content.starts_with("Saved"), "{}", added.content);
    }
    // "met at SAEM" links the chapter's SAEM.
    a.run_command(
        "contact quick",
        [("text", "Dr. Eve Quinn, PD at Emory, met at SAEM")],
    )
    .await;
    // Linked afterwards by an edit.
    let finn = a
        .run_command(
            "contact add",
            [
                ("name", OptValue::from("Dr. Finn Ross")),
                (
                    "how-met",
                    bot.choice("contact add", "how-met", "Conference"),
                ),
            ],
        )
        .await;
    assert!(finn.content.starts_with("Saved"), "{}", finn.content);
    let edited = a
        .run_command(
            "contact edit",
            [
                ("contact", "Dr. Finn Ross"),
                ("conference", saem_id.as_str()),
            ],
        )
        .await;
    assert!(edited.content.contains("SAEM 2026"), "{}", edited.content);
    // Every follow-up counts from SAEM's last day: Sun 29 Nov.
    let days = follow_up_days(&bot, MEMBER_A).await;
    assert_eq!(days.len(), 6, "{days:?}");
    assert!(
        days.iter().all(|(_, day)| *day == d("2026-11-29")),
        "{days:?}"
    );

    // One is done before the day.
    a.run_command("followup done", [("contact", "Dr. Dev Patel")])
        .await;

    // Sun 29 Nov, 09:00 in New York: one DM, one item listing the five still to do.
    bot.clock.set(at("2026-11-29T14:00:00Z"));
    let dm = bot.wait_for_digests(1).await.remove(0);
    let text = dm["content"].as_str().unwrap_or_default();
    assert!(text.starts_with("**Your reminders** — 1"), "{text}");
    assert!(
        text.contains("1. **SAEM** ended Thu 26 Nov: follow up with the 5 people you met there"),
        "{text}"
    );
    for name in [
        "Dr. Ana Lopez",
        "Dr. Ben Okafor",
        "Dr. Carla Diaz",
        "Dr. Eve Quinn",
        "Dr. Finn Ross",
    ] {
        assert!(text.contains(name), "{name}: {text}");
    }
    assert!(!text.contains("Dev Patel"), "{text}");
    let rows = dm["components"].as_array().expect("rows");
    assert_eq!(rows.len(), 1, "{dm}");
    let menu = &rows[0]["components"][0];
    assert_eq!(menu["options"].as_array().map(Vec::len), Some(5), "{menu}");
    let custom_id = menu["custom_id"].as_str().expect("id").to_owned();
    let ana = menu["options"]
        .as_array()
        .expect("options")
        .iter()
        .find(|o| o["label"] == "Dr. Ana Lopez")
        .and_then(|o| o["value"].as_str())
        .expect("Ana offered")
        .to_owned();
    let draft = a.in_dm().select(&custom_id, &[&ana]).await;
    assert!(
        draft.content.contains("Dear Dr. Ana Lopez"),
        "{}",
        draft.content
    );
    assert!(draft.content.contains("SAEM"), "{}", draft.content);
    let forged = a.in_dm().select(&custom_id, &["f999999"]).await;
    assert!(!forged.content.contains("Dear"), "{}", forged.content);

    // No DM per person: a day later there is still exactly one.
    bot.clock.set(at("2026-11-30T14:00:00Z"));
    bot.run_command::<&str>("help", []).await;
    assert_eq!(digest_dms(&bot.fake.calls()).len(), 1);
}

#[tokio::test]
async fn moving_a_conference_moves_the_follow_ups_of_everyone_met_there() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(
        &bot,
        vec![
            ("name", "ACEP".into()),
            ("starts", "2026-11-23".into()),
            ("ends", "2026-11-26".into()),
            ("city", "Denver".into()),
        ],
    )
    .await;
    let acep = conference_value(&bot, "ACEP").await;
    for (member, name) in [(MEMBER_A, "Dr. Ana Lopez"), (MEMBER_B, "Dr. Ben Okafor")] {
        bot.member(member)
            .run_command(
                "contact add",
                [("name", name), ("conference", acep.as_str())],
            )
            .await;
    }
    bot.member(OFFICER)
        .with_role(OFFICERS)
        .run_command(
            "conference edit",
            [("conference", acep.as_str()), ("ends", "2026-11-28")],
        )
        .await;
    for member in [MEMBER_A, MEMBER_B] {
        let days = follow_up_days(&bot, member).await;
        assert_eq!(days.len(), 1, "{days:?}");
        assert_eq!(days[0].1, d("2026-12-01"), "{days:?}");
    }
    // Both were there, so both are told the new dates at once.
    let notices = bot.wait_for_digests(2).await;
    assert!(notices.iter().all(|dm| dm["content"]
        .as_str()
        .is_some_and(|t| t.contains("**ACEP** has new dates"))));
    // The follow-up DM comes on the new day, not the old one.
    bot.clock.set(at("2026-11-29T14:00:00Z"));
    bot.run_command::<&str>("help", []).await;
    assert_eq!(digest_dms(&bot.fake.calls()).len(), 2);
    bot.clock.set(at("2026-12-01T14:00:00Z"));
    let dms = bot.wait_for_digests(4).await;
    assert!(dms[2..].iter().all(|dm| dm["content"]
        .as_str()
        .is_some_and(|t| t.contains("**ACEP** ended Sat 28 Nov"))));
}

/// The channel post whose text contains `marker`.
fn post_containing(bot: &TestBot, marker: &str) -> serde_json::Value {
    bot.fake
        .calls()
        .iter()
        .find(|c| {
            c.method == "POST"
                && c.path
                    == format!(
                        "/api/v10/channels/{}/messages",
                        crate::support::interactions::CHANNEL_ID
                    )
                && c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains(marker))
        })
        .map(|c| c.body.clone())
        .unwrap_or_else(|| panic!("no post containing {marker}\n{}", bot.fake.describe()))
}

fn button_id(message: &serde_json::Value, label: &str) -> String {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|b| b["label"] == label)
        .and_then(|b| b["custom_id"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no {label} button on {message}"))
}

#[tokio::test]
async fn a_shared_plan_lets_others_go_too_and_a_click_from_another_server_changes_nothing() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    let a = bot.member(MEMBER_A);
    a.run_command("conference join", [("conference", saem_id.as_str())])
        .await;
    a.run_command(
        "conference target add",
        [
            ("conference", OptValue::from(saem_id.as_str())),
            (
                "kind",
                bot.choice("conference target add", "kind", "Person (speaker, faculty)"),
            ),
            ("name", OptValue::from("Dr. Secret Target")),
        ],
    )
    .await;
    let shared = a
        .run_command(
            "conference share",
            [
                ("conference", saem_id.as_str()),
                ("note", "poster on Tuesday; looking for ultrasound people"),
            ],
        )
        .await;
    assert!(shared.ephemeral);
    assert!(
        shared.content.starts_with("Shared that you're going"),
        "{}",
        shared.content
    );
    let post = post_containing(&bot, "is going to SAEM");
    let text = post["content"].as_str().unwrap_or_default();
    assert!(
        text.contains("poster on Tuesday; looking for ultrasound people"),
        "{text}"
    );
    assert!(!text.contains("Secret"), "targets stay private: {text}");
    assert!(
        post["nonce"]
            .as_str()
            .is_some_and(|n| n.starts_with("emig-cf-")),
        "{post}"
    );
    assert_eq!(post["enforce_nonce"], true);
    assert!(
        post["allowed_mentions"]["parse"]
            .as_array()
            .is_some_and(Vec::is_empty),
        "{post}"
    );
    let going_too = button_id(&post, "I'm going too");
    let remove = button_id(&post, "Remove");

    // A click from another server with the same id: nothing changes.
    let message = bot.fake.message_with_component(&going_too).expect("posted");
    let forged = bot
        .member(MEMBER_C)
        .in_guild(crate::support::interactions::OTHER_GUILD_ID)
        .click_on(&message, &going_too)
        .await;
    assert!(
        forged.content.contains("no longer active"),
        "{}",
        forged.content
    );
    let saem = emig_bot::domain::conference::ConferenceId(
        saem_id.trim_start_matches('#').parse().expect("id"),
    );
    assert!(bot
        .store
        .plan(emig_bot::domain::UserId(MEMBER_C), saem)
        .await
        .expect("read")
        .is_none());

    let b = bot.member(MEMBER_B);
    let joined = b.click(&going_too).await;
    assert!(joined.ephemeral);
    assert!(
        joined.content.contains("You're going to **SAEM** too"),
        "{}",
        joined.content
    );
    let who = b
        .run_command("conference who", [("conference", saem_id.as_str())])
        .await;
    assert!(
        who.content.contains(&format!("<@{MEMBER_A}>")),
        "{}",
        who.content
    );
    assert!(
        who.content.contains(&format!("<@{MEMBER_B}>")),
        "{}",
        who.content
    );

    // B changes their mind: private after all.
    let private = b.click(&joined.button("Keep it private instead")).await;
    assert!(
        private.content.contains("only you can see"),
        "{}",
        private.content
    );
    let who = b
        .run_command("conference who", [("conference", saem_id.as_str())])
        .await;
    assert!(
        !who.content.contains(&format!("<@{MEMBER_B}>")),
        "{}",
        who.content
    );

    // Only the author removes the post; after that its buttons are stale.
    let not_author = b.click(&remove).await;
    assert!(
        not_author.content.contains("Only the member who shared"),
        "{}",
        not_author.content
    );
    // A failed delete: the author is told the truth, and the post still works.
    bot.fake.fail(
        "DELETE",
        &format!("/messages/{message}"),
        crate::support::Fault::ServerError,
        Some(1),
    );
    let failed = a.click(&remove).await;
    assert!(failed.content.contains("still up"), "{}", failed.content);
    let removed = a.click(&remove).await;
    assert!(
        removed.content.starts_with("Removed your post"),
        "{}",
        removed.content
    );
    assert!(bot
        .fake
        .calls()
        .iter()
        .any(|c| c.method == "DELETE" && c.path.ends_with(&format!("/messages/{message}"))));
    let late = bot.member(MEMBER_C).click_on(&message, &going_too).await;
    assert!(
        late.content.contains("no longer active"),
        "{}",
        late.content
    );
}

#[tokio::test]
async fn an_announcement_joins_privately_and_only_officers_announce() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    let refused = bot
        .member(MEMBER_B)
        .run_command("conference announce", [("conference", saem_id.as_str())])
        .await;
    assert!(
        refused.content.contains("Only chapter officers"),
        "{}",
        refused.content
    );

    let announced = bot
        .member(OFFICER)
        .with_role(OFFICERS)
        .run_command("conference announce", [("conference", saem_id.as_str())])
        .await;
    assert!(
        announced.content.starts_with("Announced **SAEM**"),
        "{}",
        announced.content
    );
    let post = post_containing(&bot, "from the chapter shared that they're going");
    let text = post["content"].as_str().unwrap_or_default();
    assert!(
        text.starts_with("**SAEM** · Wed 12 – Sat 15 May 2027"),
        "{text}"
    );
    let join = button_id(&post, "Join");

    let a = bot.member(MEMBER_A);
    let joined = a.click(&join).await;
    assert!(
        joined.content.contains("only you can see that"),
        "{}",
        joined.content
    );
    let who = a
        .run_command("conference who", [("conference", saem_id.as_str())])
        .await;
    assert!(
        who.content.starts_with("Nobody has shared"),
        "{}",
        who.content
    );
    let shown = a.click(&joined.button("Let the chapter see")).await;
    assert!(
        shown.content.contains("the chapter can see"),
        "{}",
        shown.content
    );
    let who = a
        .run_command("conference who", [("conference", saem_id.as_str())])
        .await;
    assert!(
        who.content.contains(&format!("<@{MEMBER_A}>")),
        "{}",
        who.content
    );
}

#[tokio::test]
async fn a_share_whose_post_went_unconfirmed_is_sent_again_with_the_same_nonce() {
    let bot = TestBot::start_with(&[("EMIG_NUDGES_REQUEST_TIMEOUT_SECONDS", "1")]).await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    let path = format!(
        "/channels/{}/messages",
        crate::support::interactions::CHANNEL_ID
    );
    bot.fake
        .fail("POST", &path, crate::support::Fault::Stall, Some(1));
    let first = bot
        .member(MEMBER_A)
        .run_command("conference share", [("conference", saem_id.as_str())])
        .await;
    assert!(
        first.content.contains("did not confirm"),
        "{}",
        first.content
    );
    let again = bot
        .member(MEMBER_A)
        .run_command("conference share", [("conference", saem_id.as_str())])
        .await;
    assert!(again.content.starts_with("Shared"), "{}", again.content);
    // The stalled first send and the retry are the same recorded post, with one nonce: had
    // Discord created the first, it would answer the retry with that same message.
    let nonces: Vec<String> = bot
        .fake
        .calls()
        .iter()
        .filter(|c| c.method == "POST" && c.path.ends_with(&path))
        .filter_map(|c| c.body["nonce"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(nonces, vec!["emig-cf-1".to_owned()]);
    let post = bot
        .store
        .conference_post(1)
        .await
        .expect("read")
        .expect("the post");
    assert!(post.message_id.is_some(), "{post:?}");
    assert!(bot.store.conference_post(2).await.expect("read").is_none());
}

#[tokio::test]
async fn the_ics_file_holds_the_calendar_and_with_mine_the_members_follow_up_days() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    bot.member(MEMBER_A)
        .run_command(
            "contact add",
            [("name", "Dr. Ana Lopez"), ("where-met", "SAEM 2026")],
        )
        .await;
    let reply = bot
        .member(MEMBER_A)
        .run_command("conference ics", [("mine", OptValue::Bool(true))])
        .await;
    assert!(reply.ephemeral);
    assert!(
        reply
            .content
            .starts_with("1 conference and 1 follow-up day of yours"),
        "{}",
        reply.content
    );
    let upload = bot
        .fake
        .calls()
        .into_iter()
        .find(|c| !c.files.is_empty())
        .expect("an upload");
    let (name, bytes) = &upload.files[0];
    assert_eq!(name, "emig-conferences.ics");
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("a calendar").expect("valid iCalendar");
    let summaries: Vec<String> = cal
        .events
        .iter()
        .filter_map(|e| e.properties.iter().find(|p| p.name == "SUMMARY"))
        .filter_map(|p| p.value.clone())
        .collect();
    assert_eq!(summaries, vec!["SAEM", "Follow up: Dr. Ana Lopez"]);
    // Without `mine`, nobody's follow-ups are in it.
    let chapter_only = bot
        .member(MEMBER_B)
        .run_command::<&str>("conference ics", [])
        .await;
    assert!(
        chapter_only.content.starts_with("1 conference."),
        "{}",
        chapter_only.content
    );
}

#[tokio::test]
async fn a_conference_mirrored_as_a_server_event_follows_edits_and_removal() {
    use crate::support::interactions::{APP_PERMISSIONS, PERM_CREATE_EVENTS};
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    let mut options = saem();
    options.push(("create-event", OptValue::Bool(true)));

    // Without Create Events: saved anyway, and the officer is told why the Events tab is empty.
    let without = officer_adds(&bot, options.clone()).await;
    assert!(
        without.content.contains("Create Events"),
        "{}",
        without.content
    );
    assert!(!bot
        .fake
        .calls()
        .iter()
        .any(|c| c.path.contains("scheduled-events")));
    let saem_id = conference_value(&bot, "SAEM").await;
    let asked = bot
        .member(OFFICER)
        .with_role(OFFICERS)
        .run_command("conference remove", [("conference", saem_id.as_str())])
        .await;
    bot.member(OFFICER)
        .with_role(OFFICERS)
        .click(&asked.button("Remove"))
        .await;

    let officer = bot
        .member(OFFICER)
        .with_role(OFFICERS)
        .with_app_permissions(APP_PERMISSIONS | PERM_CREATE_EVENTS);
    let added = officer.run_command("conference add", options.clone()).await;
    assert!(
        added.content.contains("Events tab too"),
        "{}",
        added.content
    );
    let created = bot
        .fake
        .calls()
        .into_iter()
        .find(|c| c.method == "POST" && c.path.ends_with("/scheduled-events"))
        .expect("an event");
    assert_eq!(created.body["entity_type"], 3);
    assert_eq!(created.body["entity_metadata"]["location"], "Atlanta");
    // All-day in the chapter's zone (New York, daylight time): midnight to midnight.
    assert_eq!(
        created.body["scheduled_start_time"],
        "2027-05-12T04:00:00.000Z"
    );
    assert_eq!(
        created.body["scheduled_end_time"],
        "2027-05-16T04:00:00.000Z"
    );

    let all = bot
        .store
        .conferences(GuildId(GUILD_ID), d("2026-01-01"), 50)
        .await
        .expect("read");
    let event = all[0].event_id.expect("the event is remembered");
    let saem_id = format!("#{}", all[0].id.0);
    officer
        .run_command(
            "conference edit",
            [("conference", saem_id.as_str()), ("starts", "2027-05-13")],
        )
        .await;
    let patched = bot
        .fake
        .calls()
        .into_iter()
        .find(|c| c.method == "PATCH" && c.path.ends_with(&format!("/scheduled-events/{event}")))
        .expect("the event is updated");
    assert_eq!(
        patched.body["scheduled_start_time"],
        "2027-05-13T04:00:00.000Z"
    );

    let asked = officer
        .run_command("conference remove", [("conference", saem_id.as_str())])
        .await;
    officer.click(&asked.button("Remove")).await;
    assert!(bot
        .fake
        .calls()
        .iter()
        .any(|c| c.method == "DELETE" && c.path.ends_with(&format!("/scheduled-events/{event}"))));
}

#[tokio::test]
async fn members_going_are_told_once_when_the_dates_change_with_the_latest_dates() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    bot.member(MEMBER_A)
        .run_command("conference join", [("conference", saem_id.as_str())])
        .await;
    // 23:00 in New York: quiet hours, so the notice waits for the morning.
    bot.clock.set(at("2026-11-26T04:00:00Z"));
    let officer = bot.member(OFFICER).with_role(OFFICERS);
    for starts in ["2027-05-19", "2027-05-20"] {
        officer
            .run_command(
                "conference edit",
                [("conference", saem_id.as_str()), ("starts", starts)],
            )
            .await;
    }
    // Editing the city only tells nobody.
    officer
        .run_command(
            "conference edit",
            [("conference", saem_id.as_str()), ("city", "Atlanta, GA")],
        )
        .await;
    assert!(digest_dms(&bot.fake.calls()).is_empty(), "quiet hours");
    bot.clock.set(at("2026-11-26T14:00:00Z"));
    let dm = bot.wait_for_digests(1).await.remove(0);
    let text = dm["content"].as_str().unwrap_or_default();
    assert!(
        text.contains("1. **SAEM** has new dates: Thu 20 – Sun 23 May 2027 (Atlanta, GA)."),
        "{text}"
    );
    assert_eq!(
        dm["components"][0]["components"][0]["label"],
        "Open plan #1"
    );
    bot.clock.set(at("2026-11-27T14:00:00Z"));
    bot.run_command::<&str>("help", []).await;
    assert_eq!(digest_dms(&bot.fake.calls()).len(), 1, "told once");
}

#[tokio::test]
async fn erasing_a_member_takes_down_their_shared_plan_and_erases_plans_and_targets() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    let a = bot.member(MEMBER_A);
    a.run_command("conference share", [("conference", saem_id.as_str())])
        .await;
    a.run_command(
        "conference target add",
        [
            ("conference", OptValue::from(saem_id.as_str())),
            (
                "kind",
                bot.choice(
                    "conference target add",
                    "kind",
                    "Session (talk, match panel)",
                ),
            ),
            ("name", OptValue::from("Match panel")),
        ],
    )
    .await;
    let post = post_containing(&bot, "is going to SAEM");
    let message = bot
        .fake
        .message_with_component(&button_id(&post, "I'm going too"))
        .expect("posted");
    let ask = a.run_command::<&str>("me delete", []).await;
    let done = a.click(&ask.button("Delete everything")).await;
    assert!(done.content.starts_with("Done"), "{}", done.content);
    assert!(bot
        .fake
        .calls()
        .iter()
        .any(|c| c.method == "DELETE" && c.path.ends_with(&format!("/messages/{message}"))));
    let saem = emig_bot::domain::conference::ConferenceId(
        saem_id.trim_start_matches('#').parse().expect("id"),
    );
    assert!(bot
        .store
        .plan(emig_bot::domain::UserId(MEMBER_A), saem)
        .await
        .expect("read")
        .is_none());
    let who = bot
        .member(MEMBER_B)
        .run_command("conference who", [("conference", saem_id.as_str())])
        .await;
    assert!(
        who.content.starts_with("Nobody has shared"),
        "{}",
        who.content
    );
}

#[tokio::test]
async fn a_server_event_made_though_its_answer_was_lost_is_found_and_removed_with_the_conference() {
    use crate::support::interactions::{APP_PERMISSIONS, PERM_CREATE_EVENTS};
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    let officer = bot
        .member(OFFICER)
        .with_role(OFFICERS)
        .with_app_permissions(APP_PERMISSIONS | PERM_CREATE_EVENTS);
    bot.fake.fail(
        "POST",
        "/scheduled-events",
        crate::support::Fault::DoneThenServerError,
        Some(1),
    );
    let mut options = saem();
    options.push(("create-event", OptValue::Bool(true)));
    let added = officer.run_command("conference add", options).await;
    assert!(
        added.content.contains("Events tab too"),
        "found after the lost answer: {}",
        added.content
    );
    let events = bot.fake.scheduled_events();
    assert_eq!(events.len(), 1, "one event, not a second made by a retry");
    let saem_id = conference_value(&bot, "SAEM").await;
    let asked = officer
        .run_command("conference remove", [("conference", saem_id.as_str())])
        .await;
    officer.click(&asked.button("Remove")).await;
    assert!(
        bot.fake.scheduled_events().is_empty(),
        "no orphan left in the Events tab"
    );
}

#[tokio::test]
async fn an_erased_members_post_whose_answer_was_lost_is_found_and_deleted_by_the_queue() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    let channel = crate::support::interactions::CHANNEL_ID;
    let messages = format!("/channels/{channel}/messages");
    // Discord creates the post, but its answer is lost: the message id is never recorded.
    bot.fake.fail(
        "POST",
        &messages,
        crate::support::Fault::DoneThenServerError,
        Some(1),
    );
    let a = bot.member(MEMBER_A);
    let first = a
        .run_command("conference share", [("conference", saem_id.as_str())])
        .await;
    assert!(
        first.content.contains("did not confirm"),
        "{}",
        first.content
    );
    let post = post_containing(&bot, "is going to SAEM");
    let message = bot
        .fake
        .message_with_component(&button_id(&post, "I'm going too"))
        .expect("created on Discord");
    // Erasing now: looking for the post fails too, so it is queued by its button.
    bot.fake.fail(
        "GET",
        &messages,
        crate::support::Fault::ServerError,
        Some(1),
    );
    let ask = a.run_command::<&str>("me delete", []).await;
    let done = a.click(&ask.button("Delete everything")).await;
    assert!(
        done.content
            .contains("1 shared post could not be deleted just now"),
        "{}",
        done.content
    );
    // The queue finds it by its button and deletes it, with nothing left of the member.
    let deleted = format!("{messages}/{message}");
    bot.fake
        .wait_for("the queued post deleted", |calls| {
            calls
                .iter()
                .any(|c| c.method == "DELETE" && c.path.ends_with(&deleted) && c.status == 204)
                .then_some(())
        })
        .await;
    crate::support::bot::eventually("the queue to empty", || async {
        bot.store.queued_post_deletions().await.expect("count") == 0
    })
    .await;
}

#[tokio::test]
async fn a_postponed_conference_reminds_again_and_leaving_after_a_reminder_breaks_nothing() {
    let bot = TestBot::start().await;
    set_up_chapter(&bot).await;
    officer_adds(&bot, saem()).await;
    let saem_id = conference_value(&bot, "SAEM").await;
    bot.member(MEMBER_A)
        .run_command("conference join", [("conference", saem_id.as_str())])
        .await;
    bot.clock.set(at("2027-05-05T13:00:00Z"));
    bot.wait_for_digests(1).await;
    // The DM reaches Discord before the bot records it sent; an edit in between leaves a
    // nudge being sent alone (by design), so the edit waits for the record.
    crate::support::bot::eventually("the week-before DM recorded as sent", || async {
        before_nudges(&bot, MEMBER_A)
            .await
            .iter()
            .any(|n| n.0 == "conference_week_before" && n.3 == "sent")
    })
    .await;

    // Postponed by four weeks after the week-before DM went out: another comes before the
    // new dates.
    bot.member(OFFICER)
        .with_role(OFFICERS)
        .run_command(
            "conference edit",
            [("conference", saem_id.as_str()), ("starts", "2027-06-09")],
        )
        .await;
    let live: Vec<(String, NaiveDate, String)> = before_nudges(&bot, MEMBER_A)
        .await
        .into_iter()
        .filter(|n| n.3 == "waiting")
        .map(|(subject, day, _, state)| (subject, day, state))
        .collect();
    assert_eq!(
        live,
        vec![
            (
                "conference_week_before".to_owned(),
                d("2027-06-02"),
                "waiting".to_owned()
            ),
            (
                "conference_day_before".to_owned(),
                d("2027-06-08"),
                "waiting".to_owned()
            ),
        ]
    );

    // A leaves with reminders already sent; others can still join, and dates still change.
    bot.member(MEMBER_A)
        .run_command("conference leave", [("conference", saem_id.as_str())])
        .await;
    let joined = bot
        .member(MEMBER_B)
        .run_command("conference join", [("conference", saem_id.as_str())])
        .await;
    assert!(
        joined.content.starts_with("You're going"),
        "{}",
        joined.content
    );
    let edited = bot
        .member(OFFICER)
        .with_role(OFFICERS)
        .run_command(
            "conference edit",
            [("conference", saem_id.as_str()), ("starts", "2027-06-16")],
        )
        .await;
    assert!(edited.content.starts_with("Updated"), "{}", edited.content);
    assert!(
        before_nudges(&bot, MEMBER_A).await.is_empty(),
        "A's reminders went with the plan"
    );
}
