//! Every text option of every command, one character over its maximum (as a client Discord
//! does not check, or a forged interaction, could send): a clear ephemeral refusal, nothing
//! stored, nobody pinged. The command tree is read from what the bot registered, so a command
//! added later is covered too.

use serde_json::Value;

use crate::support::bot::rows_without;
use crate::support::interactions::{MEMBER_PERMISSIONS, PERM_MANAGE_GUILD};
use crate::support::{OptValue, TestBot, MEMBER_A};

const OFFICERS: u64 = 810_000_000_000_000_001;
const NOBODY: u64 = 100_000_000_000_000_077;

/// A valid value for a required option the sweep is not about, by its name.
fn valid(name: &str, option: &Value) -> Option<OptValue> {
    if let Some(first) = option["choices"].as_array().and_then(|c| c.first()) {
        return Some(match &first["value"] {
            Value::Number(n) => OptValue::Int(n.as_i64()?),
            Value::String(s) => OptValue::Str(s.clone()),
            _ => return None,
        });
    }
    Some(match option["type"].as_u64()? {
        3 => OptValue::Str(
            match name {
                "contact" => "Dr. Ana Lopez",
                "conference" => "SAEM",
                "program" => "Mercy EM",
                "zone" | "timezone" => "Europe/Berlin",
                "date" | "starts" | "when" | "until" | "asked-on" | "match-day" => "2027-05-13",
                "ends" => "2027-05-14",
                _ => "Plain text",
            }
            .to_owned(),
        ),
        4 => OptValue::Int(option["min_value"].as_i64().unwrap_or(1)),
        5 => OptValue::Bool(false),
        6 => OptValue::User(NOBODY),
        7 => OptValue::Channel(820_000_000_000_000_001, 0),
        8 => OptValue::Role(OFFICERS),
        _ => return None,
    })
}

/// Every leaf command: its path and its options.
fn leaves(prefix: &str, options: &[Value], out: &mut Vec<(String, Vec<Value>)>) {
    let subs: Vec<&Value> = options
        .iter()
        .filter(|o| matches!(o["type"].as_u64(), Some(1 | 2)))
        .collect();
    if subs.is_empty() {
        out.push((prefix.to_owned(), options.to_vec()));
    }
    for sub in subs {
        let inner = sub["options"].as_array().cloned().unwrap_or_default();
        leaves(
            &format!("{prefix} {}", sub["name"].as_str().unwrap_or_default()),
            &inner,
            out,
        );
    }
}

#[tokio::test]
async fn every_text_option_one_character_over_its_maximum_is_refused_and_stores_nothing() {
    let bot = TestBot::start().await;
    // An officer with a chapter, a conference, a contact and a program: the commands reach
    // the option under test instead of stopping at a missing thing.
    let officer = bot
        .member(MEMBER_A)
        .with_permissions(MEMBER_PERMISSIONS | PERM_MANAGE_GUILD)
        .with_role(OFFICERS);
    officer
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
    for (path, options) in [
        (
            "conference add",
            vec![
                ("name", "SAEM"),
                ("starts", "2027-05-12"),
                ("ends", "2027-05-15"),
                ("city", "Atlanta"),
            ],
        ),
        ("contact add", vec![("name", "Dr. Ana Lopez")]),
        ("program add", vec![("name", "Mercy EM")]),
        ("conference join", vec![("conference", "SAEM")]),
    ] {
        officer.run_command(path, options).await;
    }
    let mut commands = Vec::new();
    for command in bot.registered.as_array().into_iter().flatten() {
        if command["type"].as_u64().unwrap_or(1) != 1 {
            continue;
        }
        let options = command["options"].as_array().cloned().unwrap_or_default();
        leaves(
            command["name"].as_str().unwrap_or_default(),
            &options,
            &mut commands,
        );
    }
    let mut tried = 0;
    for (path, options) in &commands {
        for target in options.iter().filter(|o| o["max_length"].is_u64()) {
            let max = target["max_length"].as_u64().unwrap_or(0) as usize;
            let name = target["name"].as_str().unwrap_or_default();
            let mut chosen: Vec<(&str, OptValue)> = Vec::new();
            let mut complete = true;
            for o in options {
                let n = o["name"].as_str().unwrap_or_default();
                if n == name {
                    // One over, with an accent and a mass mention in it.
                    let mut text = String::from("@everyone é ");
                    while text.chars().count() <= max {
                        text.push('x');
                    }
                    chosen.push((n, OptValue::Str(text)));
                } else if o["required"].as_bool() == Some(true) {
                    match valid(n, o) {
                        Some(v) => chosen.push((n, v)),
                        None => complete = false,
                    }
                }
            }
            if !complete {
                continue;
            }
            let before = rows_without(&bot.db_url, NOBODY).await;
            let calls_before = bot.fake.calls().len();
            let reply = officer.run_command(path, chosen).await;
            let what = format!("/{path} with {name} of {} characters", max + 1);
            assert!(
                reply.ephemeral && reply.kind != 9,
                "{what}: {} ({})",
                reply.content,
                reply.kind
            );
            assert!(
                !reply.content.starts_with("Something went wrong"),
                "{what}: {}",
                reply.content
            );
            let after = rows_without(&bot.db_url, NOBODY).await;
            let changed: Vec<&String> = before.symmetric_difference(&after).collect();
            assert!(
                changed.is_empty(),
                "{what} stored: {changed:#?}\n{}",
                reply.content
            );
            assert!(
                bot.fake.calls()[calls_before..]
                    .iter()
                    .all(|c| !c.path.contains("/channels/")),
                "{what} posted in a channel"
            );
            tried += 1;
        }
    }
    assert!(tried > 40, "only {tried} options were tried");
}
