//! Every reply that shows what members typed fits Discord's limits: a contact, a story, a
//! follow-up ask and a feedback suggestion filled to their maximum lengths with emoji, accents
//! and markdown, driven through every reply kind that shows them. The strict fake judges each
//! request; a body Discord would reject fails this test.

use emig_bot::domain::text::{utf16_len, ELLIPSIS};

use crate::support::{OptValue, Reply, TestBot, MEMBER_A, MEMBER_B};

const MEMBER_C: u64 = 100_000_000_000_000_003;

/// Exactly `n` characters of what members paste: emoji (one of several code points), accents
/// (one decomposed), markdown and a mention, ending on a letter so trimming keeps all of it.
fn rich(n: usize) -> String {
    const PATTERN: &str =
        "Zoë **Ñúñez** 😀 _e\u{301}_ `x` ~~y~~ > #1 <@1> @everyone <@&2> @here 👩🏽‍⚕️ ";
    let mut s: String = PATTERN.chars().cycle().take(n - 1).collect();
    s.push('z');
    assert_eq!(s.chars().count(), n);
    s
}

fn tags() -> String {
    (0..10)
        .map(|i| {
            format!("{i}{}", "ñé".repeat(15))
                .chars()
                .take(30)
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn email() -> String {
    let domain = "@exämple.org";
    let local: String = "😀é*_~|"
        .chars()
        .cycle()
        .take(254 - domain.chars().count())
        .collect();
    format!("{local}{domain}")
}

fn phone() -> String {
    let mut p: String = "+1 (555) 010-0199 ".chars().cycle().take(31).collect();
    p.push('9');
    p
}

fn fits(reply: &Reply) {
    assert!(
        utf16_len(&reply.content) <= 2000,
        "{} units",
        utf16_len(&reply.content)
    );
}

/// A contact with every field at its longest.
async fn add_full_contact(bot: &TestBot, owner: u64) -> (Reply, Vec<Reply>) {
    let options: Vec<(&str, OptValue)> = vec![
        ("name", rich(100).into()),
        (
            "role",
            bot.choice("contact add", "role", "Program director"),
        ),
        ("institution", rich(120).into()),
        (
            "how-met",
            bot.choice("contact add", "how-met", "Conference"),
        ),
        ("where-met", rich(120).into()),
        (
            "relationship",
            bot.choice("contact add", "relationship", "Mentor"),
        ),
        (
            "mentor-kind",
            bot.choice("contact add", "mentor-kind", "Application (match, SLOEs)"),
        ),
        ("talked-about", rich(300).into()),
        ("email", email().into()),
        ("phone", phone().into()),
        ("handle", rich(100).into()),
        ("tags", tags().into()),
        ("notes", rich(1500).into()),
    ];
    let (first, more) = bot
        .member(owner)
        .run_command_then("contact add", options, 1)
        .await;
    (first, more)
}

#[tokio::test]
async fn contacts_at_their_longest_fit_every_reply_that_shows_them() {
    let bot = TestBot::start().await;
    let a = bot.member(MEMBER_A);

    // Saved: the card does not fit one message, so it comes in pages, nothing cut.
    let (saved, more) = add_full_contact(&bot, MEMBER_A).await;
    fits(&saved);
    fits(&more[0]);
    assert!(saved.content.starts_with("Saved to your contacts."));
    assert!(saved.buttons().is_empty());
    let last = bot
        .fake
        .wait_for("the card's last page", |calls| {
            calls
                .iter()
                .filter(|c| c.method == "POST" && c.path.contains("/webhooks/"))
                .map(|c| Reply::from_followup(&c.body))
                .find(|r| r.content.contains("Follow-up:"))
        })
        .await;
    fits(&last);
    assert_eq!(last.buttons().len(), 1, "Add details is on the last page");

    // Twelve namesakes with long places: lists, search and namesake picks.
    for _ in 0..12 {
        add_full_contact(&bot, MEMBER_A).await;
    }
    let list = a.run_command::<&str>("contact list", []).await;
    fits(&list);
    assert_eq!(
        list.content.matches("\n• ").count(),
        10,
        "a page shows all ten: {}",
        list.content
    );
    assert!(list.content.contains(ELLIPSIS));
    let next = a.click(&list.button("Next ▶")).await;
    fits(&next);
    let found = a.run_command("contact find", [("text", "Zoë")]).await;
    fits(&found);
    assert!(found.content.contains("…and more"), "{}", found.content);
    let picked = a
        .run_command("contact show", [("contact", rich(100))])
        .await;
    fits(&picked);
    assert!(
        picked.content.contains("contacts named"),
        "{}",
        picked.content
    );

    // Autocomplete: names and values within 100.
    let choices = a
        .autocomplete("contact show", [("contact", "Zoë")], "contact")
        .await;
    assert!(!choices.is_empty());
    for (name, value) in &choices {
        assert!(utf16_len(name) <= 100 && value.chars().count() <= 100);
    }
    let id = choices[0].1.clone();

    // A history of eleven long notes.
    for _ in 0..11 {
        let logged = a
            .run_command(
                "contact log",
                [
                    ("contact", OptValue::from(id.clone())),
                    (
                        "kind",
                        bot.choice("contact log", "kind", "Ask (letter, favour, introduction)"),
                    ),
                    ("note", rich(500).into()),
                ],
            )
            .await;
        fits(&logged);
    }
    let (shown, pages) = a
        .run_command_then("contact show", [("contact", id.clone())], 1)
        .await;
    fits(&shown);
    pages.iter().for_each(fits);
    // The last page ends the history, with its buttons.
    let last = bot
        .fake
        .wait_for("the last page of the card", |calls| {
            calls
                .iter()
                .filter(|c| c.method == "POST" && c.path.contains("/webhooks/"))
                .map(|c| Reply::from_followup(&c.body))
                .find(|r| r.content.contains("…and 1 earlier"))
        })
        .await;
    fits(&last);
    assert_eq!(last.buttons().len(), 1, "Add details is on the last page");

    // The long-fields form opens prefilled within each field's limit; saving it unchanged
    // keeps every field as it was.
    let form = a
        .run_command("contact edit", [("contact", id.clone())])
        .await;
    let fields = form.modal_fields();
    assert_eq!(fields.len(), 5);
    let (details, _) = {
        let submitted: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let saved = a.submit_modal(&form.modal_id(), &submitted).await;
        (saved, ())
    };
    fits(&details);
    assert!(
        details.content.starts_with("Details saved."),
        "{}",
        details.content
    );
    let contact_id: i64 = id.trim_start_matches('#').parse().expect("an id");
    let stored = bot
        .store
        .contact(
            emig_bot::domain::UserId(MEMBER_A),
            emig_bot::domain::contact::ContactId(contact_id),
        )
        .await
        .expect("read")
        .expect("still there");
    assert_eq!(stored.callback.as_deref(), Some(rich(300).as_str()));
    assert_eq!(stored.notes.as_deref(), Some(rich(1500).as_str()));
    assert_eq!(stored.email.as_deref(), Some(email().as_str()));
    assert_eq!(stored.tags.len(), 10);

    // Drafts with the longest ask, in every situation.
    for situation in [
        "After meeting at a conference",
        "End-of-rotation feedback",
        "Permission to stay in touch",
        "Light-touch update",
        "SLOE / letter request",
        "Asking for a mentor meeting",
        "Note to a program director",
        "Post-interview thanks",
        "Post-Match thanks",
        "First-job search",
    ] {
        let draft = a
            .run_command(
                "draft",
                [
                    ("contact", OptValue::from(id.clone())),
                    ("situation", bot.choice("draft", "situation", situation)),
                    ("ask", rich(300).into()),
                ],
            )
            .await;
        fits(&draft);
        assert!(draft.content.starts_with("**Draft"), "{}", draft.content);
    }

    // Follow-ups: the list, then the digest DM three days on, and its Draft button.
    let followups = a.run_command::<&str>("followup list", []).await;
    fits(&followups);
    bot.clock.set(
        chrono::DateTime::parse_from_rfc3339("2026-11-28T14:00:00Z")
            .expect("t")
            .into(),
    );
    let digest = bot
        .fake
        .wait_for("the digest DM", |calls| {
            calls
                .iter()
                .find(|c| {
                    c.method == "POST"
                        && c.path.ends_with("/messages")
                        && c.body["content"]
                            .as_str()
                            .is_some_and(|t| t.contains("\n-# emig-bot digest "))
                })
                .map(|c| Reply::from_followup(&c.body))
        })
        .await;
    fits(&digest);
    assert_eq!(digest.buttons().len(), 20, "five nudges of four buttons");
    let draft = a.click(&digest.button("Draft #1")).await;
    fits(&draft);
    let done = a
        .run_command(
            "followup done",
            [
                ("contact", OptValue::from(id.clone())),
                ("note", rich(500).into()),
            ],
        )
        .await;
    fits(&done);

    // The network map, with quiet contacts and only asks logged.
    bot.clock.advance(chrono::Duration::days(120));
    let network = a.run_command::<&str>("network", []).await;
    fits(&network);
    assert!(network.content.contains("**Your network**"));

    // A long message saved as a note, and a member added from the right-click menu.
    let note = a.message_menu("Save as contact note", &rich(2000)).await;
    fits(&note);
    let picked = note.select_menu();
    assert!(picked.1.iter().all(|(label, _)| utf16_len(label) <= 100));
    let added = a.user_menu("Add as contact", MEMBER_B).await;
    let saved = a
        .submit_modal(
            &added.modal_id(),
            &[
                ("name", &rich(100)),
                ("handle", &rich(100)),
                ("institution", &rich(120)),
                ("where", &rich(120)),
                ("callback", &rich(300)),
            ],
        )
        .await;
    fits(&saved);

    let help = a.run_command::<&str>("help", []).await;
    assert!(!help.data["embeds"].as_array().is_some_and(Vec::is_empty));
    bot.fake.assert_conformant();
}

#[tokio::test]
async fn a_story_and_feedback_at_their_longest_fit_every_reply_and_post() {
    let bot = TestBot::start().await;
    let a = bot.member(MEMBER_A);
    let form = a.run_command::<&str>("story write", []).await;
    let parts = [
        ("who", rich(1000)),
        ("why_em", rich(1000)),
        ("interest", rich(1000)),
        ("hope", rich(1000)),
        ("event", rich(100)),
    ];
    let fields: Vec<(&str, &str)> = parts.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let saved = a.submit_modal(&form.modal_id(), &fields).await;
    fits(&saved);

    // The form reopens prefilled with the longest story, each value within its input's limit
    // (the strict fake checks it); saved unchanged, the new version keeps every word.
    let again = a.run_command::<&str>("story write", []).await;
    let prefilled = again.modal_fields();
    assert_eq!(prefilled.len(), 5);
    assert!(prefilled.iter().any(|(_, v)| v.ends_with(ELLIPSIS)));
    let unchanged: Vec<(&str, &str)> = prefilled
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let resaved = a.submit_modal(&again.modal_id(), &unchanged).await;
    assert!(
        resaved.content.starts_with("Saved as version 2."),
        "{}",
        resaved.content
    );
    let owner = emig_bot::domain::UserId(MEMBER_A);
    let v1 = bot
        .store
        .story(owner, Some(1))
        .await
        .expect("read")
        .expect("v1");
    let v2 = bot
        .store
        .story(owner, Some(2))
        .await
        .expect("read")
        .expect("v2");
    assert_eq!(v1.text, v2.text);

    let (shown, pages) = a.run_command_then::<&str>("story show", [], 2).await;
    fits(&shown);
    pages.iter().for_each(fits);
    let history = a.run_command::<&str>("story history", []).await;
    fits(&history);

    // Shared: one public post, the four parts cut evenly with a visible "…".
    let shared = a.run_command::<&str>("story share", []).await;
    fits(&shared);
    let post = bot
        .fake
        .wait_for("the shared post", |calls| {
            calls
                .iter()
                .find(|c| c.method == "POST" && c.path.contains("/channels/"))
                .map(|c| Reply::from_followup(&c.body))
        })
        .await;
    fits(&post);
    assert_eq!(
        post.content.matches(ELLIPSIS).count(),
        4,
        "{}",
        post.content
    );
    assert!(post.content.contains("Listen or read"), "the end is kept");

    for peer in [MEMBER_B, MEMBER_C] {
        let form = bot.member(peer).click(&post.button("Give feedback")).await;
        let answer = bot
            .member(peer)
            .submit_modal(
                &form.modal_id(),
                &[
                    ("clear", "yes"),
                    ("specific", "somewhat"),
                    ("on_time", "no"),
                    ("suggestion", &rich(300)),
                ],
            )
            .await;
        fits(&answer);
    }
    let feedback = a.run_command::<&str>("story feedback", []).await;
    fits(&feedback);
    assert!(feedback.content.contains("2 peers"), "{}", feedback.content);
    bot.fake.assert_conformant();
}

/// Conferences, targets, shares, letters, programs, the season and the fair, every typed field
/// at its maximum: every reply, post and digest they produce is judged by the strict fake.
#[tokio::test]
async fn conference_letter_program_season_and_fair_texts_at_their_limits_fit_discord() {
    use crate::support::interactions::{MEMBER_PERMISSIONS, PERM_MANAGE_GUILD};
    let bot = TestBot::start().await;
    let officer = bot
        .member(MEMBER_C)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_GUILD);
    officer
        .run_command(
            "chapter setup",
            [
                ("officer-role", OptValue::Role(810_000_000_000_000_001)),
                (
                    "fallback-channel",
                    OptValue::Channel(820_000_000_000_000_001, 0),
                ),
            ],
        )
        .await;
    let name = rich(100);
    for n in 0..3 {
        let added = officer
            .run_command(
                "conference add",
                [
                    ("name", OptValue::from(format!("{n}{}", &rich(99)).as_str())),
                    ("starts", OptValue::from("2027-05-12")),
                    ("ends", OptValue::from("2027-05-15")),
                    ("city", OptValue::from(rich(100).as_str())),
                    (
                        "url",
                        OptValue::from(format!("https://{}", "e".repeat(292)).as_str()),
                    ),
                ],
            )
            .await;
        assert!(added.content.starts_with("Added"), "{}", added.content);
    }
    let listed = bot.run_command::<&str>("conference list", []).await;
    assert!(utf16_len(&listed.content) <= 2000);
    let conference = bot
        .store
        .conferences(
            emig_bot::domain::GuildId(crate::support::interactions::GUILD_ID),
            "2026-01-01".parse().expect("date"),
            10,
        )
        .await
        .expect("read")[0]
        .id
        .0;
    let conference = format!("#{conference}");
    bot.run_command("conference join", [("conference", conference.as_str())])
        .await;
    for _ in 0..25 {
        bot.run_command(
            "conference target add",
            [
                ("conference", OptValue::from(conference.as_str())),
                (
                    "kind",
                    bot.choice("conference target add", "kind", "Person (speaker, faculty)"),
                ),
                ("name", OptValue::from(name.as_str())),
                ("note", OptValue::from(rich(300).as_str())),
            ],
        )
        .await;
    }
    let plan = bot
        .run_command("conference plan", [("conference", conference.as_str())])
        .await;
    assert!(plan.content.contains("Targets"), "{}", plan.content);
    let shared = bot
        .run_command(
            "conference share",
            [
                ("conference", OptValue::from(conference.as_str())),
                ("note", OptValue::from(rich(300).as_str())),
            ],
        )
        .await;
    assert!(shared.content.starts_with("Shared"), "{}", shared.content);
    bot.run_command(
        "contact add",
        [
            ("name", OptValue::from(name.as_str())),
            ("institution", OptValue::from(rich(120).as_str())),
        ],
    )
    .await;
    bot.run_command(
        "letter ask",
        [
            ("contact", OptValue::from(name.as_str())),
            ("rotation", OptValue::from(rich(120).as_str())),
        ],
    )
    .await;
    bot.run_command::<&str>("letter list", []).await;
    bot.run_command(
        "program add",
        [
            ("name", OptValue::from(rich(100).as_str())),
            ("city", OptValue::from(rich(100).as_str())),
        ],
    )
    .await;
    bot.run_command::<&str>("program list", []).await;
    bot.run_command(
        "season set",
        [
            (
                "milestone",
                bot.choice("season set", "milestone", "Away rotation"),
            ),
            ("date", OptValue::from("2027-03-28")),
            ("starts", OptValue::from("2027-03-01")),
            ("label", OptValue::from(rich(100).as_str())),
        ],
    )
    .await;
    bot.run_command::<&str>("season show", []).await;
    officer
        .run_command(
            "fair create",
            [("date", "2027-05-13"), ("conference", conference.as_str())],
        )
        .await;
    officer
        .run_command(
            "fair program",
            [
                ("name", OptValue::from(rich(100).as_str())),
                ("notes", OptValue::from(rich(300).as_str())),
            ],
        )
        .await;
    bot.run_command::<&str>("fair programs", []).await;
    bot.run_command::<&str>("fair brief", []).await;
    // The week-before DM with 25 long targets, and the letter check-in with long names.
    bot.clock.set(
        chrono::DateTime::parse_from_rfc3339("2027-05-05T13:00:00Z")
            .expect("instant")
            .with_timezone(&chrono::Utc),
    );
    bot.fake
        .wait_for("the week-before DM", |calls| {
            calls
                .iter()
                .find(|c| {
                    c.body["content"]
                        .as_str()
                        .is_some_and(|t| t.contains("in a week"))
                })
                .map(|c| c.body.clone())
        })
        .await;
}
