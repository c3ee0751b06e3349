//! Judges each request the bot sends as Discord would: by Discord's own OpenAPI description
//! (`discord-openapi/openapi.json`, JSON Schema 2020-12) and by the documented limits that
//! description leaves out. The fake Discord runs every REST call through [`check`]; a
//! violation fails the test that caused it.
//!
//! Relaxed in exactly two places, where the description is stricter than Discord itself:
//! an upload's `attachments[].id` placeholder may be an integer (Discord's file-upload docs,
//! and what serenity sends), and `default_member_permissions` may be a decimal string (how
//! Discord documents bit sets, and what serenity sends). Nothing else is relaxed.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::error::ValidationErrorKind;
use jsonschema::{Draft, Registry, ValidationError, Validator};
use serde_json::{json, Value};

/// The base URI the description is registered under; `$ref`s into it resolve against it.
const DOC_URI: &str = "https://discord.test/openapi.json";

/// Discord's flag for "components v2" messages (layouts beyond action rows).
const IS_COMPONENTS_V2: u64 = 1 << 15;

/// One request Discord would refuse, and why.
#[derive(Debug, Clone)]
pub struct Violation {
    pub method: String,
    pub path: String,
    /// A JSON pointer into the body ("" for the body as a whole).
    pub at: String,
    pub rule: String,
    /// The start of the body, for the failure message.
    pub body: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.at.is_empty() {
            "(body)"
        } else {
            &self.at
        };
        write!(
            f,
            "{} {}\n    at {at}: {}\n    body: {}",
            self.method, self.path, self.rule, self.body
        )
    }
}

/// A request body as it reached the fake.
#[derive(Debug, Clone)]
pub enum Body {
    Empty,
    Json(Value),
    /// A multipart upload: its `payload_json` part (None if it had none).
    Multipart(Option<Value>),
    /// Bytes that are not JSON.
    NotJson(String),
}

/// Every way `method path body` breaks Discord's rules; empty when Discord would accept it.
pub fn check(method: &str, path: &str, body: &Body) -> Vec<Violation> {
    let spec = spec();
    let route = path.strip_prefix("/api/v10").unwrap_or(path);
    let mut found: Vec<(String, String)> = Vec::new();
    match spec.operation(method, route) {
        None => found.push((
            String::new(),
            format!("Discord has no route {method} {route} in its API description"),
        )),
        Some(op) => match (&op.body, body) {
            (None, Body::Empty) => {}
            (None, _) => found.push((String::new(), "this route takes no body".into())),
            (Some(schema), Body::Empty) => {
                if schema.required {
                    found.push((String::new(), "this route needs a body".into()));
                }
            }
            (Some(_), Body::NotJson(_)) => {
                found.push((String::new(), "the body is not JSON".into()))
            }
            (Some(_), Body::Multipart(None)) => found.push((
                String::new(),
                "a multipart body without a payload_json part".into(),
            )),
            (Some(schema), Body::Json(value) | Body::Multipart(Some(value))) => {
                found.extend(spec.validate(&schema.pointer, value));
                found.extend(documented_limits(method, &op.template, value));
            }
        },
    }
    let excerpt = match body {
        Body::Empty => String::new(),
        Body::Json(v) | Body::Multipart(Some(v)) => v.to_string(),
        Body::Multipart(None) => "(multipart)".into(),
        Body::NotJson(raw) => raw.clone(),
    };
    let excerpt: String = excerpt.chars().take(400).collect();
    found
        .into_iter()
        .map(|(at, rule)| Violation {
            method: method.to_owned(),
            path: path.to_owned(),
            at,
            rule,
            body: excerpt.clone(),
        })
        .collect()
}

struct Operation {
    method: String,
    template: String,
    segments: Vec<Option<String>>,
    body: Option<BodySchema>,
}

struct BodySchema {
    /// JSON pointer to the body's schema in the description.
    pointer: String,
    required: bool,
}

struct Spec {
    doc: &'static Value,
    registry: &'static Registry<'static>,
    operations: Vec<Operation>,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

fn spec() -> &'static Spec {
    static SPEC: OnceLock<Spec> = OnceLock::new();
    SPEC.get_or_init(|| {
        static DOC: OnceLock<Value> = OnceLock::new();
        static REGISTRY: OnceLock<Registry<'static>> = OnceLock::new();
        let doc = DOC.get_or_init(load_description);
        let registry = REGISTRY.get_or_init(|| {
            Registry::new()
                .draft(Draft::Draft202012)
                .add(DOC_URI, doc)
                .and_then(|b| b.prepare())
                .expect("Discord's API description registers as a JSON Schema resource")
        });
        Spec {
            doc,
            registry,
            operations: operations(doc),
            validators: Mutex::new(HashMap::new()),
        }
    })
}

/// The description with the two documented relaxations applied.
fn load_description() -> Value {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/support/discord-openapi/openapi.json"
    );
    let text = std::fs::read_to_string(file).expect("tests/support/discord-openapi/openapi.json");
    let mut doc: Value = serde_json::from_str(&text).expect("the API description is JSON");
    let schemas = &mut doc["components"]["schemas"];
    // 1. An upload's placeholder attachment id is an integer in Discord's own docs.
    let id = &mut schemas["MessageAttachmentRequest"]["properties"]["id"];
    assert!(
        id.is_object(),
        "MessageAttachmentRequest.id moved in the description"
    );
    *id = json!({"anyOf": [id.clone(), {"type": "integer", "minimum": 0}]});
    // 2. Permission bit sets are documented (and sent by serenity) as decimal strings.
    for name in [
        "ApplicationCommandCreateRequest",
        "ApplicationCommandUpdateRequest",
        "ApplicationCommandPatchRequestPartial",
    ] {
        let p = &mut schemas[name]["properties"]["default_member_permissions"];
        assert!(p.is_object(), "{name}.default_member_permissions moved");
        *p = json!({"anyOf": [p.clone(), {"type": "string", "pattern": "^[0-9]{1,20}$"}]});
    }
    doc
}

fn operations(doc: &Value) -> Vec<Operation> {
    let mut out = Vec::new();
    let Some(paths) = doc["paths"].as_object() else {
        return out;
    };
    for (template, item) in paths {
        let Some(item) = item.as_object() else {
            continue;
        };
        for (method, op) in item {
            if !matches!(method.as_str(), "get" | "post" | "put" | "patch" | "delete") {
                continue;
            }
            let body = op.get("requestBody").map(|rb| BodySchema {
                pointer: format!(
                    "/paths/{}/{method}/requestBody/content/application~1json/schema",
                    escape_pointer(template)
                ),
                required: rb["required"].as_bool().unwrap_or(false),
            });
            let body = body.filter(|b| doc.pointer(&b.pointer).is_some());
            out.push(Operation {
                method: method.to_uppercase(),
                template: template.clone(),
                segments: template
                    .trim_start_matches('/')
                    .split('/')
                    .map(|s| (!s.starts_with('{')).then(|| s.to_owned()))
                    .collect(),
                body,
            });
        }
    }
    out
}

fn escape_pointer(segment: &str) -> String {
    segment.replace('~', "~0").replace('/', "~1")
}

/// A JSON pointer written into a URI fragment: what may not stand there is percent-encoded.
fn fragment(pointer: &str) -> String {
    let mut out = String::new();
    for b in pointer.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = text
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Spec {
    /// The operation for a concrete path: the template with the most literal segments wins
    /// (`/messages/@original` over `/messages/{message_id}`).
    fn operation(&self, method: &str, route: &str) -> Option<&Operation> {
        let route = route.split('?').next().unwrap_or(route);
        let parts: Vec<&str> = route.trim_start_matches('/').split('/').collect();
        self.operations
            .iter()
            .filter(|op| op.method == method && op.segments.len() == parts.len())
            .filter(|op| {
                op.segments
                    .iter()
                    .zip(&parts)
                    .all(|(seg, part)| seg.as_deref().is_none_or(|lit| lit == *part))
            })
            .max_by_key(|op| op.segments.iter().filter(|s| s.is_some()).count())
    }

    fn validator(&self, pointer: &str) -> Arc<Validator> {
        let mut cache = self.validators.lock().unwrap_or_else(|p| p.into_inner());
        cache
            .entry(pointer.to_owned())
            .or_insert_with(|| {
                let schema = json!({"$ref": format!("{DOC_URI}#{}", fragment(pointer))});
                Arc::new(
                    jsonschema::options()
                        .with_draft(Draft::Draft202012)
                        .with_registry(self.registry)
                        .build(&schema)
                        .unwrap_or_else(|e| panic!("schema at {pointer} does not compile: {e}")),
                )
            })
            .clone()
    }

    /// Schema violations as (JSON pointer, rule).
    fn validate(&self, pointer: &str, value: &Value) -> Vec<(String, String)> {
        let validator = self.validator(pointer);
        let mut out = Vec::new();
        for error in validator.iter_errors(value) {
            self.explain(&error, &mut out);
        }
        out
    }

    /// A failed union says little ("not valid under any of the given schemas"); report the
    /// errors of the branch the value meant instead: the one whose `type` matches, else the
    /// only non-null one, else the one with the fewest errors.
    fn explain(&self, error: &ValidationError<'_>, out: &mut Vec<(String, String)>) {
        let context = match error.kind() {
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => Some(context),
            _ => None,
        };
        let at = error.instance_path().to_string();
        let Some(context) = context else {
            out.push((at, error.to_string()));
            return;
        };
        let branches = self.branches_at(error);
        let instance: &Value = error.instance();
        let chosen = match pick_branch(&branches, instance) {
            Pick::Branch(i) => Some(i),
            Pick::NoMatch(kind) => {
                let known: Vec<String> = branches
                    .iter()
                    .filter_map(discriminator)
                    .flatten()
                    .collect();
                out.push((
                    at.clone(),
                    format!(
                        "type {kind} is none this union allows ({})",
                        known.join(", ")
                    ),
                ));
                return;
            }
            Pick::Unknown => context
                .iter()
                .enumerate()
                .min_by_key(|(_, errors)| errors.len())
                .map(|(i, _)| i),
        };
        match chosen.and_then(|i| context.get(i)) {
            Some(errors) if !errors.is_empty() => {
                for e in errors {
                    self.explain(e, out);
                }
            }
            _ => out.push((at, error.to_string())),
        }
    }

    /// The branches of the union that `error` failed, with `$ref`s followed.
    fn branches_at(&self, error: &ValidationError<'_>) -> Vec<&'static Value> {
        let Some(location) = error.absolute_keyword_location() else {
            return Vec::new();
        };
        let Some((_, pointer)) = location.as_str().split_once('#') else {
            return Vec::new();
        };
        let Some(list) = self.doc.pointer(&percent_decode(pointer)) else {
            return Vec::new();
        };
        list.as_array()
            .into_iter()
            .flatten()
            .map(|b| self.follow(b))
            .collect()
    }

    fn follow(&self, mut schema: &'static Value) -> &'static Value {
        for _ in 0..16 {
            match schema["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
                Some(pointer) => match self.doc.pointer(pointer) {
                    Some(target) => schema = target,
                    None => break,
                },
                None => break,
            }
        }
        schema
    }
}

enum Pick {
    Branch(usize),
    NoMatch(String),
    Unknown,
}

/// The `type` values a union branch stands for, if it is discriminated by one.
fn discriminator(branch: &&Value) -> Option<Vec<String>> {
    let t = &branch["properties"]["type"];
    if let Some(values) = t["enum"].as_array() {
        return Some(values.iter().map(Value::to_string).collect());
    }
    t.get("const").map(|c| vec![c.to_string()])
}

fn pick_branch(branches: &[&Value], instance: &Value) -> Pick {
    if branches.is_empty() {
        return Pick::Unknown;
    }
    if let Some(kind) = instance.get("type") {
        let kind = kind.to_string();
        let discriminated: Vec<(usize, Vec<String>)> = branches
            .iter()
            .enumerate()
            .filter_map(|(i, b)| discriminator(b).map(|d| (i, d)))
            .collect();
        if discriminated.len() == branches.len() {
            return discriminated
                .iter()
                .find(|(_, d)| d.contains(&kind))
                .map_or(Pick::NoMatch(kind), |(i, _)| Pick::Branch(*i));
        }
    }
    let not_null: Vec<usize> = branches
        .iter()
        .enumerate()
        .filter(|(_, b)| b["type"] != "null")
        .map(|(i, _)| i)
        .collect();
    match (instance.is_null(), not_null.as_slice()) {
        (true, _) => branches
            .iter()
            .position(|b| b["type"] == "null")
            .map_or(Pick::Unknown, Pick::Branch),
        (false, [only]) => Pick::Branch(*only),
        _ => Pick::Unknown,
    }
}

// --- Documented limits the description does not encode ---------------------------------

/// Length as Discord's clients count it when they count strictly: UTF-16 code units.
fn utf16_len(text: &str) -> usize {
    text.encode_utf16().count()
}

/// This bot's own rule beyond Discord's: text members typed may say `@everyone`, `@here` or
/// name a role, and must never ping them. Without `allowed_mentions` Discord pings whatever
/// the content names, so such a message must carry one that parses neither.
fn mass_mentions(message: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let content = message["content"].as_str().unwrap_or_default();
    let names_everyone = content.contains("@everyone") || content.contains("@here");
    let names_role = content.contains("<@&");
    if !names_everyone && !names_role {
        return;
    }
    let allowed = &message["allowed_mentions"];
    let parses = |what: &str| {
        allowed["parse"]
            .as_array()
            .is_some_and(|p| p.iter().any(|v| v == what))
    };
    let pings = !allowed.is_object()
        || (names_everyone && parses("everyone"))
        || (names_role
            && (parses("roles") || allowed["roles"].as_array().is_some_and(|r| !r.is_empty())));
    if pings {
        out.push((
            format!("{at}/allowed_mentions"),
            "the message names @everyone, @here or a role and would ping them (the bot never pings them)".to_owned(),
        ));
    }
}

fn documented_limits(method: &str, template: &str, body: &Value) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match (method, template) {
        ("POST", "/interactions/{interaction_id}/{interaction_token}/callback") => {
            let data = &body["data"];
            match body["type"].as_u64() {
                Some(4 | 7) if data.is_object() => message_limits(data, "/data", &mut out),
                Some(8) => autocomplete_limits(data, &mut out),
                Some(9) => modal_limits(data, &mut out),
                _ => {}
            }
        }
        ("POST", "/webhooks/{webhook_id}/{webhook_token}")
        | ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/@original")
        | ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}")
        | ("POST", "/channels/{channel_id}/messages")
        | ("PATCH", "/channels/{channel_id}/messages/{message_id}") => {
            message_limits(body, "", &mut out)
        }
        ("PUT", "/applications/{application_id}/commands")
        | ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands") => {
            for (i, command) in body.as_array().into_iter().flatten().enumerate() {
                command_limits(command, &format!("/{i}"), &mut out);
            }
        }
        ("POST", "/applications/{application_id}/commands")
        | ("POST", "/applications/{application_id}/guilds/{guild_id}/commands") => {
            command_limits(body, "", &mut out)
        }
        _ => {}
    }
    out
}

fn message_limits(message: &Value, at: &str, out: &mut Vec<(String, String)>) {
    mass_mentions(message, at, out);
    if let Some(content) = message["content"].as_str() {
        let n = utf16_len(content);
        if n > 2000 {
            out.push((
                format!("{at}/content"),
                format!("message content is {n} characters (UTF-16); Discord allows 2,000"),
            ));
        }
    }
    let mut embed_chars = 0;
    for embed in message["embeds"].as_array().into_iter().flatten() {
        for text in [
            &embed["title"],
            &embed["description"],
            &embed["footer"]["text"],
            &embed["author"]["name"],
        ] {
            embed_chars += text.as_str().map_or(0, utf16_len);
        }
        for field in embed["fields"].as_array().into_iter().flatten() {
            embed_chars += field["name"].as_str().map_or(0, utf16_len);
            embed_chars += field["value"].as_str().map_or(0, utf16_len);
        }
    }
    if embed_chars > 6000 {
        out.push((
            format!("{at}/embeds"),
            format!("the embeds hold {embed_chars} characters together; Discord allows 6,000"),
        ));
    }
    let v2 = message["flags"].as_u64().unwrap_or(0) & IS_COMPONENTS_V2 != 0;
    if let (false, Some(rows)) = (v2, message["components"].as_array()) {
        if rows.len() > 5 {
            out.push((
                format!("{at}/components"),
                format!(
                    "{} action rows; without the components-v2 flag Discord allows 5",
                    rows.len()
                ),
            ));
        }
        for (i, row) in rows.iter().enumerate() {
            if row["type"].as_u64() != Some(1) {
                out.push((
                    format!("{at}/components/{i}/type"),
                    "without the components-v2 flag only action rows (type 1) stand at the top"
                        .into(),
                ));
            }
        }
    }
}

fn autocomplete_limits(data: &Value, out: &mut Vec<(String, String)>) {
    for (i, choice) in data["choices"].as_array().into_iter().flatten().enumerate() {
        if let Some(value) = choice["value"].as_str() {
            let n = value.chars().count();
            if n > 100 {
                out.push((
                    format!("/data/choices/{i}/value"),
                    format!("a choice value is {n} characters; Discord allows 100"),
                ));
            }
        }
    }
}

fn modal_limits(data: &Value, out: &mut Vec<(String, String)>) {
    let rows = data["components"].as_array().cloned().unwrap_or_default();
    if rows.len() > 5 {
        out.push((
            "/data/components".into(),
            format!("a modal has {} rows; Discord allows 5", rows.len()),
        ));
    }
    for (i, row) in rows.iter().enumerate() {
        if row["type"].as_u64() != Some(1) {
            continue;
        }
        let inputs = row["components"].as_array().cloned().unwrap_or_default();
        if inputs.len() != 1 || inputs[0]["type"].as_u64() != Some(4) {
            out.push((
                format!("/data/components/{i}/components"),
                "each row of a modal holds exactly one text input".into(),
            ));
        }
        // A prefilled value longer than the input's own limit: counted strictly (UTF-16).
        for (j, input) in inputs.iter().enumerate() {
            if let (Some(value), Some(max)) =
                (input["value"].as_str(), input["max_length"].as_u64())
            {
                let n = utf16_len(value);
                if n as u64 > max {
                    out.push((
                        format!("/data/components/{i}/components/{j}/value"),
                        format!("the prefilled value is {n} characters (UTF-16); the input's max_length is {max}"),
                    ));
                }
            }
        }
    }
}

fn name_rule() -> &'static regex::Regex {
    static RULE: OnceLock<regex::Regex> = OnceLock::new();
    RULE.get_or_init(|| {
        regex::Regex::new(r"^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$")
            .expect("the name rule compiles")
    })
}

fn check_name(name: &str, at: &str, what: &str, out: &mut Vec<(String, String)>) {
    if !name_rule().is_match(name) {
        out.push((
            at.to_owned(),
            format!("{what} name {name:?} does not match ^[-_'\\p{{L}}\\p{{N}}…]{{1,32}}$"),
        ));
    } else if name.to_lowercase() != name {
        out.push((
            at.to_owned(),
            format!("{what} name {name:?} must be lowercase"),
        ));
    }
}

fn command_limits(command: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let chat_input = command["type"].as_u64().is_none_or(|t| t == 1);
    if chat_input {
        if let Some(name) = command["name"].as_str() {
            check_name(name, &format!("{at}/name"), "command", out);
        }
        option_limits(&command["options"], &format!("{at}/options"), out);
    }
    let total = text_total(command);
    if total > 4000 {
        out.push((
            at.to_owned(),
            format!(
                "command {} has {total} characters of names, descriptions and choices; Discord allows 4,000",
                command["name"]
            ),
        ));
    }
}

fn option_limits(options: &Value, at: &str, out: &mut Vec<(String, String)>) {
    let mut seen_optional = false;
    for (i, option) in options.as_array().into_iter().flatten().enumerate() {
        let here = format!("{at}/{i}");
        if let Some(name) = option["name"].as_str() {
            check_name(name, &format!("{here}/name"), "option", out);
        }
        let kind = option["type"].as_u64().unwrap_or(0);
        if kind == 1 || kind == 2 {
            option_limits(&option["options"], &format!("{here}/options"), out);
            continue;
        }
        let required = option["required"].as_bool().unwrap_or(false);
        if required && seen_optional {
            out.push((
                format!("{here}/required"),
                format!(
                    "required option {} comes after an optional one",
                    option["name"]
                ),
            ));
        }
        seen_optional |= !required;
        for (j, choice) in option["choices"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            if let Some(value) = choice["value"].as_str() {
                if value.chars().count() > 100 {
                    out.push((
                        format!("{here}/choices/{j}/value"),
                        "a choice value is over 100 characters".into(),
                    ));
                }
            }
        }
    }
}

/// A command's name, description, and every option's name, description, choice names and
/// values, counted together.
pub fn text_total(node: &Value) -> usize {
    let mut n = node["name"].as_str().map_or(0, |s| s.chars().count())
        + node["description"]
            .as_str()
            .map_or(0, |s| s.chars().count());
    for choice in node["choices"].as_array().into_iter().flatten() {
        n += choice["name"].as_str().map_or(0, |s| s.chars().count());
        n += match &choice["value"] {
            Value::String(s) => s.chars().count(),
            other => other.to_string().chars().count(),
        };
    }
    for option in node["options"].as_array().into_iter().flatten() {
        n += text_total(option);
    }
    n
}
