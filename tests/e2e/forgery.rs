//! Nobody reaches another member's data: member B drives every command and every component
//! that takes an id against member A's ids — slash options, typed names, A's own buttons,
//! selects and forms, and the same custom ids forged to name B — and sees a refusal that
//! shows nothing of A, while nothing of A's changes.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::bot::at;
use crate::support::interactions::{MEMBER_PERMISSIONS, PERM_MANAGE_GUILD};
use crate::support::{OptValue, Reply, TestBot, MEMBER_A, MEMBER_B};

const OFFICERS: u64 = 810_000_000_000_000_001;
const OFFICER: u64 = 100_000_000_000_000_009;
const MANAGER: u64 = 100_000_000_000_000_010;

/// What only A may see: none of it may reach B.
const SECRETS: [&str; 7] = [
    "Ana Lopez",
    "ana@example.org",
    "Hospital Y",
    "Secret note of A",
    "Mercy EM",
    "Secret target of A",
    "point-of-care ultrasound",
];

/// A component of ours found in what the bot sent: its custom id, its kind (2 button, 3
/// select, 9 form) and, for a select, an option's value; for a form, its inputs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Found {
    custom_id: String,
    kind: u64,
    values: Vec<String>,
}

fn collect(value: &Value, out: &mut BTreeSet<Found>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(id)) = map.get("custom_id") {
                if id.starts_with("emig:") {
                    let kind = map.get("type").and_then(Value::as_u64).unwrap_or(2);
                    let values = map
                        .get("options")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter_map(|o| o["value"].as_str().map(str::to_owned))
                        .take(1)
                        .collect();
                    out.insert(Found {
                        custom_id: id.clone(),
                        kind,
                        values,
                    });
                }
            }
            map.values().for_each(|v| collect(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        _ => {}
    }
}

/// The forms the bot opened: (form id, its input ids).
fn forms(calls: &[crate::support::fake_discord::RestCall]) -> Vec<(String, Vec<String>)> {
    calls
        .iter()
        .filter(|c| c.body["type"] == 9)
        .map(|c| {
            let reply = Reply::from_callback(&c.body);
            let inputs = reply.modal_fields().into_iter().map(|(id, _)| id).collect();
            (reply.modal_id(), inputs)
        })
        .collect()
}

fn owner_of(custom_id: &str) -> Option<u64> {
    custom_id.split(':').nth(2)?.parse().ok()
}

fn forged_for(custom_id: &str, owner: u64) -> String {
    let mut parts: Vec<String> = custom_id.split(':').map(str::to_owned).collect();
    parts[2] = owner.to_string();
    parts.join(":")
}

/// B's answer must refuse and show nothing of A.
fn assert_refused(what: &str, reply: &Reply, body: &Value) {
    let whole = body.to_string();
    for secret in SECRETS {
        assert!(
            !whole.contains(secret),
            "{what}: B was shown “{secret}”: {whole}"
        );
    }
    assert_ne!(reply.kind, 9, "{what}: B got a form: {whole}");
    // A new message is for B alone; an update changes only the message B clicked on.
    assert!(
        reply.ephemeral || matches!(reply.kind, 6 | 7),
        "{what}: a refusal is for B alone: {whole}"
    );
}

/// A member with a chapter, a contact with a follow-up, a letter, a program linked to the
/// contact, a shared story, a conference plan with a target, a fair interest and question,
/// and a digest DM with its buttons.
pub(crate) async fn member_a_with_everything(bot: &TestBot) {
    bot.member(MANAGER)
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
    officer
        .run_command(
            "fair create",
            [("date", "2027-05-13"), ("conference", "SAEM")],
        )
        .await;
    officer
        .run_command("fair program", [("name", "County General EM")])
        .await;

    let a = bot.member(MEMBER_A);
    let added = a
        .run_command(
            "contact add",
            [
                ("name", "Dr. Ana Lopez"),
                ("institution", "Hospital Y"),
                ("email", "ana@example.org"),
                ("where-met", "SAEM 2026 residency fair"),
                ("notes", "Secret note of A"),
            ],
        )
        .await;
    assert!(added.content.contains("Saved"), "{}", added.content);
    a.run_command("contact show", [("contact", "Dr. Ana Lopez")])
        .await;
    a.run_command::<&str>("contact list", []).await;
    a.run_command::<&str>("followup list", []).await;
    a.run_command("letter ask", [("contact", "Dr. Ana Lopez")])
        .await;
    a.run_command::<&str>("letter list", []).await;
    a.run_command("program add", [("name", "Mercy EM")]).await;
    a.run_command(
        "program link",
        [("program", "Mercy EM"), ("contact", "Dr. Ana Lopez")],
    )
    .await;
    a.run_command("program show", [("program", "Mercy EM")])
        .await;
    let form = a.run_command::<&str>("story write", []).await;
    a.submit_modal(
        &form.modal_id(),
        &[
            ("who", "I am a third-year student, Secret note of A aside."),
            (
                "why_em",
                "A pediatric code run in calm made me choose emergency medicine.",
            ),
            (
                "interest",
                "I am drawn to point-of-care ultrasound at the bedside.",
            ),
            ("hope", "I hope to meet residents from ultrasound programs."),
            ("event", "SAEM residency fair"),
        ],
    )
    .await;
    a.run_command::<&str>("story show", []).await;
    a.run_command::<&str>("story history", []).await;
    a.run_command("conference join", [("conference", "SAEM")])
        .await;
    a.run_command(
        "conference target add",
        [
            ("conference", OptValue::from("SAEM")),
            (
                "kind",
                bot.choice("conference target add", "kind", "Person (speaker, faculty)"),
            ),
            ("name", OptValue::from("Secret target of A")),
            ("contact", OptValue::from("Dr. Ana Lopez")),
        ],
    )
    .await;
    a.run_command("conference plan", [("conference", "SAEM")])
        .await;
    a.run_command("fair interest", [("program", "County General EM")])
        .await;
    a.run_command::<&str>("fair mine", []).await;
    a.run_command(
        "fair question add",
        [
            (
                "audience",
                bot.choice("fair question add", "audience", "Residents"),
            ),
            ("text", OptValue::from("How are residents supported?")),
        ],
    )
    .await;
    a.run_command("contact find", [("text", "Ana")]).await;
    a.run_command("contact delete", [("contact", "Dr. Ana Lopez")])
        .await;
    a.run_command("story delete", [("version", OptValue::Int(1))])
        .await;
    a.run_command::<&str>("story practice", []).await;
    a.message_menu("Save as contact note", "Secret note of A, from a chat")
        .await;
    for (path, option, forward, back) in [
        ("letter update", "letter", "Agreed", "Asked"),
        ("program update", "program", "Applied", "Interested"),
    ] {
        let value = values_of(bot, path, option).await.remove(0);
        for status in [forward, back] {
            a.run_command(
                path,
                [
                    (option, OptValue::from(value.as_str())),
                    ("status", bot.choice(path, "status", status)),
                ],
            )
            .await;
        }
    }
    a.run_command::<&str>("me show", []).await;
    a.run_command::<&str>("me delete", []).await;
    a.run_command("contact edit", [("contact", "Dr. Ana Lopez")])
        .await;
    // Sun 29 Nov, 09:00 in New York: the follow-up DM with its buttons.
    bot.clock.set(at("2026-11-29T14:00:00Z"));
    let dm = bot.wait_for_digests(1).await.remove(0);
    assert!(
        dm["content"]
            .as_str()
            .is_some_and(|c| c.contains("Ana Lopez")),
        "{dm}"
    );
}

/// A's "#id" values for an option, as A's autocomplete offers them.
async fn values_of(bot: &TestBot, path: &str, option: &str) -> Vec<String> {
    let choices = bot
        .member(MEMBER_A)
        .autocomplete(path, [(option, "")], option)
        .await;
    let values: Vec<String> = choices
        .into_iter()
        .map(|(_, v)| v)
        .filter(|v| v.starts_with('#'))
        .collect();
    assert!(
        !values.is_empty(),
        "A has something to offer for {path} {option}"
    );
    values
}

#[tokio::test]
async fn member_b_reaches_nothing_of_member_a_by_any_id() {
    let bot = TestBot::start().await;
    member_a_with_everything(&bot).await;
    let calls = bot.fake.calls();
    let mut found = BTreeSet::new();
    for call in &calls {
        collect(&call.body, &mut found);
    }
    let a_forms = forms(&calls);
    // Every answer to A's commands was for A alone: messages by interaction are ephemeral,
    // and what A shares goes to the channel as its own post, without contact details.
    for call in &calls {
        let answer = call.method == "POST"
            && (call.path.contains("/callback") && call.body["type"] == 4
                || call.path.starts_with("/api/v10/webhooks/"));
        if answer {
            let flags = call.body["data"]["flags"]
                .as_u64()
                .or_else(|| call.body["flags"].as_u64())
                .unwrap_or(0);
            assert!(flags & 64 != 0, "a public answer: {}", call.body);
        }
        if call.method == "POST" && call.path.starts_with("/api/v10/channels/") {
            let text = call.body.to_string();
            let dm_to_a = text.contains("emig-bot digest");
            for secret in ["ana@example.org", "Secret note of A", "Secret target of A"] {
                assert!(dm_to_a || !text.contains(secret), "{secret} posted: {text}");
            }
        }
    }
    let before = crate::support::bot::rows_without(&bot.db_url, MEMBER_B).await;

    let contact = values_of(&bot, "contact show", "contact").await.remove(0);
    let letter = values_of(&bot, "letter update", "letter").await.remove(0);
    let program = values_of(&bot, "program show", "program").await.remove(0);
    let target = values_of(&bot, "conference target done", "target")
        .await
        .remove(0);
    let question = values_of(&bot, "fair question remove", "question")
        .await
        .remove(0);
    let s = |v: &str| OptValue::from(v);
    let mut commands: Vec<(&str, Vec<(&str, OptValue)>)> = Vec::new();
    for named in [contact.as_str(), "Dr. Ana Lopez"] {
        commands.extend([
            ("contact show", vec![("contact", s(named))]),
            ("contact delete", vec![("contact", s(named))]),
            (
                "contact edit",
                vec![("contact", s(named)), ("notes", s("forged"))],
            ),
            ("contact edit", vec![("contact", s(named))]),
            (
                "contact log",
                vec![
                    ("contact", s(named)),
                    ("kind", bot.choice("contact log", "kind", "Thanks")),
                ],
            ),
            ("followup done", vec![("contact", s(named))]),
            (
                "followup snooze",
                vec![("contact", s(named)), ("until", s("in 2 weeks"))],
            ),
            (
                "followup set",
                vec![("contact", s(named)), ("when", s("in 2 weeks"))],
            ),
            (
                "followup meeting",
                vec![("contact", s(named)), ("when", s("in 2 weeks"))],
            ),
            ("followup off", vec![("contact", s(named))]),
            (
                "draft",
                vec![
                    ("contact", s(named)),
                    (
                        "situation",
                        bot.choice("draft", "situation", "After meeting at a conference"),
                    ),
                ],
            ),
            ("letter ask", vec![("contact", s(named))]),
            (
                "conference target add",
                vec![
                    ("conference", s("SAEM")),
                    (
                        "kind",
                        bot.choice("conference target add", "kind", "Person (speaker, faculty)"),
                    ),
                    ("contact", s(named)),
                ],
            ),
        ]);
    }
    for program in [program.as_str(), "Mercy EM"] {
        commands.extend([
            ("program show", vec![("program", s(program))]),
            (
                "program update",
                vec![
                    ("program", s(program)),
                    ("status", bot.choice("program update", "status", "Applied")),
                ],
            ),
            (
                "program link",
                vec![("program", s(program)), ("contact", s(&contact))],
            ),
        ]);
    }
    commands.extend([
        (
            "letter update",
            vec![
                ("letter", s(&letter)),
                ("status", bot.choice("letter update", "status", "Thanked")),
            ],
        ),
        ("conference target done", vec![("target", s(&target))]),
        ("conference target remove", vec![("target", s(&target))]),
        ("fair question remove", vec![("question", s(&question))]),
        ("story show", vec![("version", OptValue::Int(1))]),
        ("story feedback", vec![("version", OptValue::Int(1))]),
        ("story share", vec![("version", OptValue::Int(1))]),
        ("story delete", vec![("version", OptValue::Int(1))]),
    ]);
    let b = bot.member(MEMBER_B);
    for (path, options) in commands {
        let what = format!("/{path} {options:?}");
        let before_call = bot.fake.calls().len();
        let reply = b.run_command(path, options).await;
        let body = bot.fake.calls()[before_call..]
            .iter()
            .map(|c| c.body.clone())
            .collect::<Vec<_>>();
        assert_refused(&what, &reply, &Value::Array(body));
    }

    // A's own components, clicked by B as they are, and forged to name B.
    for component in found
        .iter()
        .filter(|f| owner_of(&f.custom_id) == Some(MEMBER_A))
    {
        let forged = forged_for(&component.custom_id, MEMBER_B);
        for (id, as_is) in [(&component.custom_id, true), (&forged, false)] {
            let before_call = bot.fake.calls().len();
            let values: Vec<&str> = component.values.iter().map(String::as_str).collect();
            let reply = if component.kind == 2 {
                b.click(id).await
            } else {
                b.select(id, &values).await
            };
            let body = bot.fake.calls()[before_call..]
                .iter()
                .map(|c| c.body.clone())
                .collect::<Vec<_>>();
            let what = format!("B clicking {id}");
            assert_refused(&what, &reply, &Value::Array(body));
            if as_is {
                assert!(
                    reply.content.contains("belongs to someone else"),
                    "{what}: {}",
                    reply.content
                );
            }
        }
    }
    let codes: BTreeSet<&str> = found
        .iter()
        .filter(|f| owner_of(&f.custom_id) == Some(MEMBER_A))
        .filter_map(|f| f.custom_id.split(':').nth(1))
        .collect();
    for code in [
        "c-details",
        "c-delete-yes",
        "n-done",
        "n-snooze",
        "n-draft",
        "n-target",
        "n-else",
        "s-delete-yes",
        "s-stop",
        "l-back-no",
        "p-back-no",
    ] {
        assert!(
            codes.contains(code),
            "A had no {code} component to try: {codes:?}"
        );
    }

    // A's forms, submitted by B as they are and forged to name B.
    for (form, inputs) in &a_forms {
        if owner_of(form) != Some(MEMBER_A) {
            continue;
        }
        for id in [form.clone(), forged_for(form, MEMBER_B)] {
            let fields: Vec<(&str, &str)> = inputs.iter().map(|i| (i.as_str(), "forged")).collect();
            let before_call = bot.fake.calls().len();
            let reply = b.submit_modal(&id, &fields).await;
            let body = bot.fake.calls()[before_call..]
                .iter()
                .map(|c| c.body.clone())
                .collect::<Vec<_>>();
            assert_refused(&format!("B submitting {id}"), &reply, &Value::Array(body));
        }
    }

    let after = crate::support::bot::rows_without(&bot.db_url, MEMBER_B).await;
    let changed: Vec<&String> = before.symmetric_difference(&after).collect();
    assert!(changed.is_empty(), "A's data changed: {changed:#?}");
}
