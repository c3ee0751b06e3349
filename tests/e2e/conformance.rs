//! The fake Discord judges requests as Discord does: these tests prove the judge bites (a
//! request Discord rejects is reported, with where and why) and that what the bot registers
//! passes it.

use poise::serenity_prelude as serenity;
use serde_json::{json, Value};

use crate::support::conformance::{check, Body, Violation};
use crate::support::fake_discord::APP_ID;
use crate::support::{FakeDiscord, TestBot, TEST_TOKEN};

fn http_for(fake: &FakeDiscord) -> serenity::Http {
    serenity::HttpBuilder::new(TEST_TOKEN)
        .proxy(fake.api_base.clone())
        .ratelimiter_disabled(true)
        .application_id(serenity::ApplicationId::new(APP_ID))
        .build()
}

fn find<'a>(violations: &'a [Violation], at: &str) -> &'a Violation {
    violations
        .iter()
        .find(|v| v.at == at)
        .unwrap_or_else(|| panic!("no violation at {at}; found: {violations:#?}"))
}

#[tokio::test]
async fn a_form_label_of_46_characters_is_reported_with_its_path_and_rule() {
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let label = "L".repeat(46);
    let modal = serenity::CreateInteractionResponse::Modal(
        serenity::CreateModal::new("form", "Feedback").components(vec![
            serenity::CreateActionRow::InputText(serenity::CreateInputText::new(
                serenity::InputTextStyle::Short,
                &label,
                "field",
            )),
        ]),
    );
    let _ = http
        .create_interaction_response(serenity::InteractionId::new(1), "tok", &modal, vec![])
        .await;
    let violations = fake.take_violations();
    let v = find(&violations, "/data/components/0/components/0/label");
    assert!(v.rule.contains("longer than 45"), "{v}");
    assert_eq!(violations.len(), 1, "{violations:#?}");

    // The same form with a 45-character label passes.
    let modal = serenity::CreateInteractionResponse::Modal(
        serenity::CreateModal::new("form", "Feedback").components(vec![
            serenity::CreateActionRow::InputText(serenity::CreateInputText::new(
                serenity::InputTextStyle::Short,
                "L".repeat(45),
                "field",
            )),
        ]),
    );
    let _ = http
        .create_interaction_response(serenity::InteractionId::new(1), "tok", &modal, vec![])
        .await;
    fake.assert_conformant();
}

#[tokio::test]
async fn a_message_of_2001_characters_is_reported_in_channels_and_replies() {
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let channel = serenity::ChannelId::new(5);
    let long = serenity::CreateMessage::new().content("x".repeat(2001));
    // serenity's own `execute` would refuse it; the raw call sends it as a bug would.
    let _ = http.send_message(channel, vec![], &long).await;
    let violations = fake.take_violations();
    let v = find(&violations, "/content");
    assert!(v.rule.contains("2001") && v.rule.contains("2,000"), "{v}");

    // Emoji count twice: 1,001 of them are 2,002 UTF-16 units.
    let emoji = serenity::CreateMessage::new().content("😀".repeat(1001));
    let _ = http.send_message(channel, vec![], &emoji).await;
    find(&fake.take_violations(), "/content");

    // In an interaction reply the union is explained by its branch, not "valid under none".
    let reply = serenity::CreateInteractionResponse::Message(
        serenity::CreateInteractionResponseMessage::new().content("x".repeat(2001)),
    );
    let _ = http
        .create_interaction_response(serenity::InteractionId::new(1), "tok", &reply, vec![])
        .await;
    let violations = fake.take_violations();
    let v = find(&violations, "/data/content");
    assert!(!v.rule.contains("any of"), "{v}");

    // Exactly 2,000 passes.
    let fits = serenity::CreateMessage::new().content("x".repeat(2000));
    let _ = http.send_message(channel, vec![], &fits).await;
    fake.assert_conformant();
}

#[tokio::test]
async fn an_uppercase_command_name_is_reported_at_registration() {
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let commands = vec![
        serenity::CreateCommand::new("contact").description("Your contacts"),
        serenity::CreateCommand::new("Network").description("Your network"),
    ];
    let _ = http.create_global_commands(&commands).await;
    let violations = fake.take_violations();
    let v = find(&violations, "/1/name");
    assert!(v.rule.contains("lowercase"), "{v}");
    assert_eq!(violations.len(), 1, "{violations:#?}");
}

#[tokio::test]
async fn the_payload_of_a_multipart_upload_is_judged() {
    let fake = FakeDiscord::start().await;
    let http = http_for(&fake);
    let file = serenity::CreateAttachment::bytes(b"name,role\n".to_vec(), "contacts.csv");
    let message = serenity::CreateMessage::new().content("y".repeat(2001));
    let _ = http
        .send_message(serenity::ChannelId::new(5), vec![file.clone()], &message)
        .await;
    find(&fake.take_violations(), "/content");

    // A fitting upload passes, its integer attachment placeholder included.
    let message = serenity::CreateMessage::new()
        .content("Your export")
        .add_file(file.clone());
    let _ = http
        .send_message(serenity::ChannelId::new(5), vec![file], &message)
        .await;
    fake.assert_conformant();
    let sent = fake.calls().pop().expect("the upload").body;
    assert_eq!(
        sent["content"], "Your export",
        "payload_json was read: {sent}"
    );
    assert_eq!(sent["attachments"][0]["id"], json!(0), "{sent}");
}

#[test]
fn routes_discord_does_not_have_are_violations() {
    let found = check("GET", "/api/v10/no/such/route", &Body::Empty);
    assert_eq!(found.len(), 1);
    assert!(found[0].rule.contains("no route"), "{}", found[0]);
    // A method the path does not take is no route either.
    assert_eq!(check("PUT", "/api/v10/gateway", &Body::Empty).len(), 1);
    assert!(check("GET", "/api/v10/gateway", &Body::Empty).is_empty());
}

#[test]
fn the_most_literal_route_wins_and_bodies_are_judged_by_it() {
    // `/messages/@original` (edit of the first reply), not `/messages/{message_id}`; both take
    // the same body, so tell them apart by a body only a route-less path would refuse.
    let path = "/api/v10/webhooks/1/tok/messages/@original";
    assert!(check("PATCH", path, &Body::Json(json!({"content": "ok"}))).is_empty());
    assert!(check("GET", "/api/v10/users/@me/channels", &Body::Empty)
        .iter()
        .all(|v| v.rule.contains("no route")));
    let open_dm = json!({"recipient_id": "123"});
    assert!(check("POST", "/api/v10/users/@me/channels", &Body::Json(open_dm)).is_empty());
    let bad = json!({"recipient_id": 123});
    assert_eq!(
        check("POST", "/api/v10/users/@me/channels", &Body::Json(bad))[0].at,
        "/recipient_id"
    );
}

#[test]
fn a_message_that_would_ping_everyone_or_a_role_is_reported() {
    let path = "/api/v10/channels/1/messages";
    let judge = |body: Value| check("POST", path, &Body::Json(body));
    let text = "Hi @everyone, and <@&42>";
    assert_eq!(
        judge(json!({"content": text})).len(),
        1,
        "no allowed_mentions"
    );
    assert_eq!(
        judge(json!({"content": text, "allowed_mentions": {"parse": ["everyone"]}})).len(),
        1
    );
    assert_eq!(
        judge(json!({"content": "<@&42>", "allowed_mentions": {"parse": [], "roles": ["42"]}}))
            .len(),
        1
    );
    assert!(judge(json!({"content": text, "allowed_mentions": {"parse": []}})).is_empty());
    assert!(judge(json!({"content": "no mention"})).is_empty());
}

#[test]
fn documented_limits_outside_the_description_are_checked() {
    let callback = "/api/v10/interactions/1/tok/callback";
    // Six action rows without the components-v2 flag.
    let row =
        json!({"type": 1, "components": [{"type": 2, "style": 1, "label": "a", "custom_id": "a"}]});
    let six = json!({"type": 4, "data": {"content": "x", "components": vec![row.clone(); 6]}});
    let found = check("POST", callback, &Body::Json(six));
    assert!(
        found.iter().any(|v| v.at == "/data/components"),
        "{found:#?}"
    );
    // Two text inputs in one modal row.
    let input = json!({"type": 4, "custom_id": "a", "label": "A", "style": 1});
    let modal = json!({"type": 9, "data": {"custom_id": "m", "title": "T",
        "components": [{"type": 1, "components": [input.clone(), input]}]}});
    let found = check("POST", callback, &Body::Json(modal));
    assert!(
        found
            .iter()
            .any(|v| v.at == "/data/components/0/components"),
        "{found:#?}"
    );
    // A prefilled value longer than its input's max_length (emoji count twice).
    let input = json!({"type": 4, "custom_id": "a", "label": "A", "style": 1,
        "max_length": 10, "value": "😀".repeat(6)});
    let modal = json!({"type": 9, "data": {"custom_id": "m", "title": "T",
        "components": [{"type": 1, "components": [input]}]}});
    let found = check("POST", callback, &Body::Json(modal));
    assert!(
        found
            .iter()
            .any(|v| v.at == "/data/components/0/components/0/value"),
        "{found:#?}"
    );
    // An autocomplete value over 100 characters.
    let choices =
        json!({"type": 8, "data": {"choices": [{"name": "n", "value": "v".repeat(101)}]}});
    let found = check("POST", callback, &Body::Json(choices));
    assert!(
        found.iter().any(|v| v.at == "/data/choices/0/value"),
        "{found:#?}"
    );
    // Embeds over 6,000 characters together.
    let embed = json!({"description": "d".repeat(3001)});
    let found = check(
        "POST",
        "/api/v10/channels/1/messages",
        &Body::Json(json!({"embeds": [embed.clone(), embed]})),
    );
    assert!(found.iter().any(|v| v.at == "/embeds"), "{found:#?}");
}

#[test]
fn command_rules_cover_option_order_names_and_the_4000_character_total() {
    let path = "/api/v10/applications/1/commands";
    let option = |name: &str, required: bool| json!({"type": 3, "name": name, "description": "d", "required": required});
    let misordered = json!([{"name": "contact", "description": "d",
        "options": [option("note", false), option("name", true)]}]);
    let found = check("PUT", path, &Body::Json(misordered));
    assert!(
        found.iter().any(|v| v.at == "/0/options/1/required"),
        "{found:#?}"
    );
    let spaced =
        json!([{"name": "contact", "description": "d", "options": [option("when met", false)]}]);
    let found = check("PUT", path, &Body::Json(spaced));
    assert!(
        found.iter().any(|v| v.at == "/0/options/0/name"),
        "{found:#?}"
    );
    let choices: Vec<Value> = (0..25)
        .map(|i| json!({"name": format!("{i:02}{}", "n".repeat(98)), "value": format!("{i:02}{}", "v".repeat(98))}))
        .collect();
    let mut big = option("kind", false);
    big["choices"] = json!(choices);
    let heavy = json!([{"name": "contact", "description": "d", "options": [big]}]);
    let found = check("PUT", path, &Body::Json(heavy));
    assert!(found.iter().any(|v| v.rule.contains("4,000")), "{found:#?}");
    // Context-menu commands may use capitals and spaces.
    let menu = json!([{"name": "Add as contact", "type": 2}]);
    assert!(check("PUT", path, &Body::Json(menu)).is_empty());
}

#[tokio::test]
async fn the_registered_command_tree_passes_discords_rules() {
    let bot = TestBot::start().await;
    let path = format!("/api/v10/applications/{APP_ID}/commands");
    let registered = bot
        .fake
        .calls()
        .into_iter()
        .find(|c| c.is("PUT", &path))
        .expect("global registration")
        .body;
    assert!(registered.as_array().is_some_and(|a| a.len() > 5));
    let found = check("PUT", &path, &Body::Json(registered.clone()));
    assert!(found.is_empty(), "{found:#?}");
    bot.fake.assert_conformant();

    // The same tree with one option renamed in capitals would be refused: the judge reads
    // the whole tree, so a command added later is covered too.
    let mut renamed = registered;
    let command = renamed
        .as_array_mut()
        .and_then(|a| a.iter_mut().find(|c| c["name"] == "contact"))
        .expect("/contact is registered");
    command["options"][0]["name"] = json!("Add");
    let found = check("PUT", &path, &Body::Json(renamed));
    assert!(
        found.iter().any(|v| v.rule.contains("lowercase")),
        "{found:#?}"
    );
}

/// Every top-level command stays within Discord's 4,000 characters of names, descriptions
/// and choices (printed, to see the room left).
#[tokio::test]
async fn every_command_fits_discords_4000_characters() {
    let bot = crate::support::TestBot::start().await;
    for command in bot.registered.as_array().into_iter().flatten() {
        let total = crate::support::conformance::text_total(command);
        println!(
            "/{}: {total} of 4000",
            command["name"].as_str().unwrap_or("?")
        );
        assert!(total <= 4000, "{}: {total}", command["name"]);
    }
}
