//! Builders for the INTERACTION_CREATE payloads a member's clicks and commands produce, and the
//! bot's answers read back from the fake's log.

use serde_json::{json, Map, Value};

use super::fake_discord::APP_ID;

/// The chapter server most tests run in, and its channel.
pub const GUILD_ID: u64 = 800_000_000_000_000_001;
pub const CHANNEL_ID: u64 = 800_000_000_000_000_002;
/// A second server, for "one member, several chapters".
pub const OTHER_GUILD_ID: u64 = 800_000_000_000_000_101;

/// Permission bits (Discord's numbering).
pub const PERM_MANAGE_GUILD: u64 = 1 << 5;
pub const PERM_SEND_MESSAGES: u64 = 1 << 11;
pub const PERM_VIEW_CHANNEL: u64 = 1 << 10;
/// What an ordinary member has.
pub const MEMBER_PERMISSIONS: u64 = PERM_VIEW_CHANNEL | PERM_SEND_MESSAGES;

/// A command option's value.
#[derive(Debug, Clone)]
pub enum OptValue {
    Str(String),
    Int(i64),
    Bool(bool),
    User(u64),
    Role(u64),
    /// A channel id and its Discord channel type (0 text, 2 voice, …).
    Channel(u64, u8),
    /// An uploaded file, as Discord resolves it (see `FakeDiscord::host_file`).
    Attachment {
        id: u64,
        filename: String,
        url: String,
        size: u64,
    },
}

impl From<&str> for OptValue {
    fn from(s: &str) -> Self {
        OptValue::Str(s.to_owned())
    }
}

impl From<String> for OptValue {
    fn from(s: String) -> Self {
        OptValue::Str(s)
    }
}

impl From<i64> for OptValue {
    fn from(n: i64) -> Self {
        OptValue::Int(n)
    }
}

impl From<bool> for OptValue {
    fn from(b: bool) -> Self {
        OptValue::Bool(b)
    }
}

/// Who clicks or types, and where.
#[derive(Debug, Clone, Copy)]
pub struct Invoker {
    pub user_id: u64,
    /// None: a DM with the bot.
    pub guild_id: Option<u64>,
    pub permissions: u64,
    /// A role the member has in the server.
    pub role: Option<u64>,
    /// What the bot may do there (Discord's `app_permissions`).
    pub app_permissions: u64,
    /// The most bytes a reply may attach here (Discord's `attachment_size_limit`).
    pub attachment_size_limit: u64,
}

impl Invoker {
    /// A member with ordinary permissions in the test server.
    pub fn member(user_id: u64) -> Invoker {
        Invoker {
            user_id,
            guild_id: Some(GUILD_ID),
            permissions: MEMBER_PERMISSIONS,
            role: None,
            app_permissions: APP_PERMISSIONS,
            attachment_size_limit: 8_388_608,
        }
    }
}

/// The bot's permissions in the test server unless a test says otherwise: send messages,
/// embed links, attach files; not Create Events.
pub const APP_PERMISSIONS: u64 = MEMBER_PERMISSIONS | (1 << 14) | (1 << 15);
/// Discord's Create Events permission.
pub const PERM_CREATE_EVENTS: u64 = 1 << 44;

fn user_json(id: u64) -> Value {
    json!({"id": id.to_string(), "username": format!("member{id}"), "discriminator": "0",
           "avatar": null, "global_name": format!("Member {id}"), "bot": false})
}

fn role_json(id: u64) -> Value {
    json!({"id": id.to_string(), "name": format!("role-{id}"), "color": 0,
           "colors": {"primary_color": 0, "secondary_color": null, "tertiary_color": null},
           "hoist": false, "icon": null, "unicode_emoji": null, "position": 1,
           "permissions": "0", "managed": false, "mentionable": true, "flags": 0})
}

/// The envelope shared by every interaction type.
fn envelope(kind: u8, id: &str, invoker: Invoker, data: Value) -> Value {
    let mut d = json!({
        "id": id,
        "application_id": APP_ID.to_string(),
        "type": kind,
        "token": token_for(id),
        "version": 1,
        "data": data,
        "channel_id": CHANNEL_ID.to_string(),
        "locale": "en-US",
        "entitlements": [],
        "attachment_size_limit": invoker.attachment_size_limit,
        "app_permissions": invoker.app_permissions.to_string(),
    });
    match invoker.guild_id {
        Some(guild) => {
            d["guild_id"] = json!(guild.to_string());
            d["guild_locale"] = json!("en-US");
            d["member"] = json!({
                "user": user_json(invoker.user_id),
                "roles": invoker.role.map(|r| vec![r.to_string()]).unwrap_or_default(),
                "joined_at": "2025-09-01T00:00:00.000000+00:00",
                "deaf": false, "mute": false, "flags": 0,
                "permissions": invoker.permissions.to_string()
            });
            d["context"] = json!(0);
            d["authorizing_integration_owners"] = json!({"0": guild.to_string()});
        }
        None => {
            d["user"] = user_json(invoker.user_id);
            d["context"] = json!(1);
            d["authorizing_integration_owners"] = json!({"1": invoker.user_id.to_string()});
        }
    }
    d
}

pub fn token_for(interaction_id: &str) -> String {
    format!("token-{interaction_id}")
}

/// A slash command (type 2) or, with `focused`, an autocomplete request (type 4).
/// `path` is "me timezone": the command, then its group and subcommand.
pub fn command(
    id: &str,
    invoker: Invoker,
    path: &str,
    options: &[(String, OptValue)],
    focused: Option<&str>,
) -> Value {
    let mut resolved = Map::new();
    let mut leaf: Vec<Value> = Vec::new();
    for (name, value) in options {
        let (kind, v) = match value {
            OptValue::Str(s) => (3, json!(s)),
            OptValue::Int(n) => (4, json!(n)),
            OptValue::Bool(b) => (5, json!(b)),
            OptValue::User(u) => {
                let users = resolved.entry("users").or_insert_with(|| json!({}));
                users[u.to_string()] = user_json(*u);
                (6, json!(u.to_string()))
            }
            OptValue::Role(r) => {
                let roles = resolved.entry("roles").or_insert_with(|| json!({}));
                roles[r.to_string()] = role_json(*r);
                (8, json!(r.to_string()))
            }
            OptValue::Channel(c, channel_type) => {
                let channels = resolved.entry("channels").or_insert_with(|| json!({}));
                channels[c.to_string()] = json!({"id": c.to_string(), "name": format!("channel-{c}"),
                                                 "type": channel_type, "permissions": "0"});
                (7, json!(c.to_string()))
            }
            OptValue::Attachment {
                id,
                filename,
                url,
                size,
            } => {
                let files = resolved.entry("attachments").or_insert_with(|| json!({}));
                files[id.to_string()] = json!({"id": id.to_string(), "filename": filename,
                    "size": size, "url": url, "proxy_url": url, "content_type": "text/csv; charset=utf-8",
                    "ephemeral": true});
                (11, json!(id.to_string()))
            }
        };
        let mut option = json!({"name": name, "type": kind, "value": v});
        if focused == Some(name.as_str()) {
            option["focused"] = json!(true);
            // Discord sends the partial text of a focused option as a string.
            if let Some(n) = v.as_i64() {
                option["value"] = json!(n.to_string());
            }
        }
        leaf.push(option);
    }
    let mut words = path.split_whitespace();
    let name = words.next().expect("a command name");
    let subs: Vec<&str> = words.collect();
    let mut nested = leaf;
    for (depth, sub) in subs.iter().enumerate().rev() {
        // The innermost word is a subcommand (1), a word above it a group (2).
        let kind = if depth == subs.len() - 1 { 1 } else { 2 };
        nested = vec![json!({"name": sub, "type": kind, "options": nested})];
    }
    let mut data = json!({"id": "700000000000000001", "name": name, "type": 1, "options": nested});
    if !resolved.is_empty() {
        data["resolved"] = Value::Object(resolved);
    }
    if invoker.guild_id.is_some() {
        data["guild_id"] = json!(invoker.guild_id.map(|g| g.to_string()));
    }
    envelope(if focused.is_some() { 4 } else { 2 }, id, invoker, data)
}

/// A button click (type 3) on a message the bot sent.
pub fn button_click(id: &str, invoker: Invoker, custom_id: &str, message_id: &str) -> Value {
    let mut d = envelope(
        3,
        id,
        invoker,
        json!({"custom_id": custom_id, "component_type": 2}),
    );
    d["message"] =
        super::fake_discord::message(message_id, &CHANNEL_ID.to_string(), &json!({"flags": 64}));
    d
}

/// A choice made in a string select menu (type 3, component type 3).
pub fn select(
    id: &str,
    invoker: Invoker,
    custom_id: &str,
    values: &[&str],
    message_id: &str,
) -> Value {
    let mut d = envelope(
        3,
        id,
        invoker,
        json!({"custom_id": custom_id, "component_type": 3, "values": values}),
    );
    d["message"] =
        super::fake_discord::message(message_id, &CHANNEL_ID.to_string(), &json!({"flags": 64}));
    d
}

/// A right-click command on a member (data type 2) or a message (data type 3).
pub fn context_menu(id: &str, invoker: Invoker, name: &str, target: ContextTarget) -> Value {
    let (kind, target_id, resolved) = match target {
        ContextTarget::User(user) => (
            2,
            user.to_string(),
            json!({"users": {user.to_string(): user_json(user)}}),
        ),
        ContextTarget::Message {
            id: message_id,
            content,
        } => (
            3,
            message_id.clone(),
            json!({"messages": {message_id.clone(): super::fake_discord::message(
                &message_id, &CHANNEL_ID.to_string(), &json!({"content": content}))}}),
        ),
    };
    envelope(
        2,
        id,
        invoker,
        json!({"id": "700000000000000002", "name": name, "type": kind, "target_id": target_id,
               "resolved": resolved}),
    )
}

/// What a right-click command was used on.
#[derive(Debug, Clone)]
pub enum ContextTarget {
    User(u64),
    Message { id: String, content: String },
}

/// A modal form submitted (type 5) with its text inputs; `message` is the message whose
/// button opened the form, as Discord sends it.
pub fn modal_submit(
    id: &str,
    invoker: Invoker,
    custom_id: &str,
    fields: &[(&str, &str)],
    message: Option<&str>,
) -> Value {
    let rows: Vec<Value> = fields
        .iter()
        .map(|(field, value)| {
            json!({"type": 1, "components": [{"type": 4, "custom_id": field, "value": value}]})
        })
        .collect();
    let mut d = envelope(
        5,
        id,
        invoker,
        json!({"custom_id": custom_id, "components": rows}),
    );
    if let Some(message_id) = message {
        d["message"] =
            super::fake_discord::message(message_id, &CHANNEL_ID.to_string(), &json!({}));
    }
    d
}

/// What the bot answered to an interaction.
#[derive(Debug, Clone)]
pub struct Reply {
    /// Interaction callback type: 4 message, 5 deferred, 6 deferred update, 7 update,
    /// 8 autocomplete, 9 modal. Follow-ups are reported as 4.
    pub kind: u64,
    pub content: String,
    pub ephemeral: bool,
    /// The JSON the bot sent (the callback's `data`, or the follow-up body).
    pub data: Value,
}

impl Reply {
    pub fn from_callback(body: &Value) -> Reply {
        let data = body["data"].clone();
        Reply {
            kind: body["type"].as_u64().unwrap_or(0),
            content: data["content"].as_str().unwrap_or_default().to_owned(),
            ephemeral: data["flags"].as_u64().unwrap_or(0) & 64 != 0,
            data,
        }
    }

    pub fn from_followup(body: &Value) -> Reply {
        Reply {
            kind: 4,
            content: body["content"].as_str().unwrap_or_default().to_owned(),
            ephemeral: body["flags"].as_u64().unwrap_or(0) & 64 != 0,
            data: body.clone(),
        }
    }

    /// (label, custom_id) of every button.
    pub fn buttons(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for row in self.data["components"].as_array().into_iter().flatten() {
            for c in row["components"].as_array().into_iter().flatten() {
                if c["type"].as_u64() == Some(2) {
                    out.push((
                        c["label"].as_str().unwrap_or_default().to_owned(),
                        c["custom_id"].as_str().unwrap_or_default().to_owned(),
                    ));
                }
            }
        }
        out
    }

    /// The custom id of the button labelled `label`; panics with the buttons seen.
    pub fn button(&self, label: &str) -> String {
        self.buttons()
            .into_iter()
            .find(|(l, _)| l == label)
            .map(|(_, id)| id)
            .unwrap_or_else(|| panic!("no button {label:?} in {:?}", self.buttons()))
    }

    /// A modal the bot opened: its custom id.
    pub fn modal_id(&self) -> String {
        assert_eq!(self.kind, 9, "expected a modal, got {self:?}");
        self.data["custom_id"]
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// A modal's text inputs as (custom id, prefilled value).
    pub fn modal_fields(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for row in self.data["components"].as_array().into_iter().flatten() {
            for c in row["components"].as_array().into_iter().flatten() {
                out.push((
                    c["custom_id"].as_str().unwrap_or_default().to_owned(),
                    c["value"].as_str().unwrap_or_default().to_owned(),
                ));
            }
        }
        out
    }

    /// The custom id of the first select menu, and its options as (label, value).
    pub fn select_menu(&self) -> (String, Vec<(String, String)>) {
        for row in self.data["components"].as_array().into_iter().flatten() {
            for c in row["components"].as_array().into_iter().flatten() {
                if c["type"].as_u64() == Some(3) {
                    let options = c["options"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|o| {
                            (
                                o["label"].as_str().unwrap_or_default().to_owned(),
                                o["value"].as_str().unwrap_or_default().to_owned(),
                            )
                        })
                        .collect();
                    return (
                        c["custom_id"].as_str().unwrap_or_default().to_owned(),
                        options,
                    );
                }
            }
        }
        panic!("no select menu in {self:?}")
    }

    /// Whether the button labelled `label` is disabled.
    pub fn button_disabled(&self, label: &str) -> bool {
        for row in self.data["components"].as_array().into_iter().flatten() {
            for c in row["components"].as_array().into_iter().flatten() {
                if c["label"].as_str() == Some(label) {
                    return c["disabled"].as_bool().unwrap_or(false);
                }
            }
        }
        panic!("no button {label:?} in {self:?}")
    }

    /// Autocomplete choices as (name, value).
    pub fn choices(&self) -> Vec<(String, String)> {
        self.data["choices"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                (
                    c["name"].as_str().unwrap_or_default().to_owned(),
                    c["value"]
                        .as_str()
                        .map_or_else(|| c["value"].to_string(), str::to_owned),
                )
            })
            .collect()
    }

    /// Allowed mentions the bot set: must exist and allow nothing unless a test says so.
    pub fn pings_nobody(&self) -> bool {
        let am = &self.data["allowed_mentions"];
        am.is_object()
            && am["parse"].as_array().is_none_or(|p| p.is_empty())
            && am["users"].as_array().is_none_or(|p| p.is_empty())
            && am["roles"].as_array().is_none_or(|p| p.is_empty())
            && am["replied_user"].as_bool() != Some(true)
    }
}
