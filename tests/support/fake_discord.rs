//! A fake Discord on 127.0.0.1: REST (axum) and the gateway (tungstenite), both on port 0.
//! It records every REST call, answers like Discord does, can be told to fail a route,
//! refuses to dispatch any event serenity would silently drop, and judges every request by
//! Discord's published API description: a request Discord would reject fails the test.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State as AxumState;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::Message;

use super::conformance::{self, Body, Violation};

/// The bot's application id and user id in READY.
pub const APP_ID: u64 = 900_000_000_000_000_001;
pub const BOT_USER_ID: u64 = 900_000_000_000_000_001;

/// How long a test waits for the bot before failing with the whole log.
pub const WAIT: Duration = Duration::from_secs(10);

/// One REST request as the fake saw it, with the status it answered.
#[derive(Debug, Clone)]
pub struct RestCall {
    pub method: String,
    pub path: String,
    pub body: Value,
    pub status: u16,
    /// Files uploaded with it (a multipart request): name and bytes.
    pub files: Vec<(String, Vec<u8>)>,
    /// When the request reached the fake (benches measure latency with it).
    pub at: std::time::Instant,
}

impl RestCall {
    pub fn is(&self, method: &str, path: &str) -> bool {
        self.method == method && self.path == path
    }
}

/// A way for a route to fail.
#[derive(Debug, Clone, Copy)]
pub enum Fault {
    /// 429 with `retry_after` in seconds, as Discord rate limits.
    RateLimited { retry_after: f64 },
    /// 403 with Discord error code 50007: the member's DMs are closed.
    DmsClosed,
    /// 500.
    ServerError,
    /// 404 with code 10008: the message was deleted.
    UnknownMessage,
    /// 404 with code 10003: the channel no longer exists.
    UnknownChannel,
    /// Never answers: the request hangs until the caller gives up.
    Stall,
    /// Does what was asked (a message is created), then answers 500: the answer is lost.
    DoneThenServerError,
}

/// Random faults on one route, from a seeded generator.
struct Chaos {
    rng: fastrand::Rng,
    per_mille: u32,
    method: String,
    path_contains: String,
}

/// What a chaotic send does instead of answering at once.
#[derive(Debug, Clone, Copy)]
enum Chaotic {
    /// Waits this long, then does it and answers.
    Delay(std::time::Duration),
    /// Does it, then never answers (a connection lost after Discord created the message).
    DoneThenSilent,
    /// Answers 500 without doing it.
    ServerError,
}

/// A token bucket on a route, as Discord limits: `capacity` requests at once, refilled at
/// `per_second`; beyond it, 429 with `retry_after`.
struct RateLimit {
    method: String,
    path_contains: String,
    per_second: f64,
    capacity: f64,
    tokens: f64,
    refilled: std::time::Instant,
}

struct FaultRule {
    method: String,
    path_contains: String,
    fault: Fault,
    remaining: Option<usize>,
}

#[derive(Default)]
struct Gateway {
    /// Frames for each connected shard (one bot process may run several, and several
    /// processes may each run some), by shard id.
    sessions: std::collections::BTreeMap<u32, mpsc::UnboundedSender<Message>>,
    /// The shard count the bot identified with (1 until it says otherwise).
    total_shards: u32,
    identifies: Vec<Value>,
    resumes: u64,
}

impl Gateway {
    /// The shard Discord sends `d` to: a server's events go to `(server id >> 22) % shards`,
    /// everything else (DMs) to shard 0.
    fn shard_for(&self, d: &Value) -> u32 {
        let total = u64::from(self.total_shards.max(1));
        d["guild_id"]
            .as_str()
            .and_then(|g| g.parse::<u64>().ok())
            .map_or(0, |g| ((g >> 22) % total) as u32)
    }

    fn any_session(&self) -> Option<&mpsc::UnboundedSender<Message>> {
        self.sessions.values().next()
    }
}

struct State {
    gateway_url: String,
    calls: Mutex<Vec<RestCall>>,
    faults: Mutex<Vec<FaultRule>>,
    limits: Mutex<Vec<RateLimit>>,
    gateway: Mutex<Gateway>,
    /// Bumped on every recorded call or gateway change; waiters watch it.
    version: watch::Sender<u64>,
    seq: AtomicU64,
    next_id: AtomicU64,
    dm_channels: Mutex<HashMap<String, String>>,
    /// (channel, nonce) → the message created with it and when, for `enforce_nonce`.
    nonces: Mutex<HashMap<(String, String), (Value, std::time::Instant)>>,
    /// Messages created per channel, oldest first (for GET channel messages).
    channel_messages: Mutex<HashMap<String, Vec<Value>>>,
    /// Messages deleted since: a member's client may still show one and click its buttons.
    deleted_messages: Mutex<Vec<Value>>,
    /// Users who left the server: a member lookup answers Unknown Member (10007).
    left_members: Mutex<std::collections::HashSet<String>>,
    /// Scheduled events by guild, as created and edited.
    scheduled_events: Mutex<Vec<(String, Value)>>,
    /// How long a nonce is honoured (Discord: a few minutes); `None`: for ever.
    nonce_window: Mutex<Option<std::time::Duration>>,
    /// Random faults on message sends: (rng, chance out of 1,000, route).
    chaos: Mutex<Option<Chaos>>,
    /// Files members uploaded, by path (`/attachments/…`), as Discord's CDN serves them.
    hosted: Mutex<HashMap<String, Vec<u8>>>,
    /// Whether requests are judged by Discord's API description (benches turn it off).
    judged: bool,
    /// Requests Discord would have rejected, in the order they came.
    violations: Mutex<Vec<Violation>>,
}

impl State {
    fn bump(&self) {
        self.version.send_modify(|v| *v += 1);
    }

    fn id(&self) -> String {
        (1_000_000_000_000_000_000 + self.next_id.fetch_add(1, Ordering::SeqCst)).to_string()
    }
}

/// The fake itself. Dropping it stops both servers, and fails the test if the bot sent a
/// request Discord would have rejected that the test did not take with
/// [`FakeDiscord::take_violations`].
pub struct FakeDiscord {
    pub api_base: String,
    state: Arc<State>,
    tasks: Vec<JoinHandle<()>>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
        let violations = std::mem::take(&mut *lock(&self.state.violations));
        if !violations.is_empty() && !std::thread::panicking() {
            panic!("{}", describe_violations(&violations));
        }
    }
}

fn describe_violations(violations: &[Violation]) -> String {
    let mut out = format!(
        "the bot sent {} request(s) Discord would reject:\n",
        violations.len()
    );
    for v in violations {
        out.push_str(&format!("- {v}\n"));
    }
    out
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl FakeDiscord {
    /// A fake that judges every request by Discord's API description.
    pub async fn start() -> FakeDiscord {
        Self::start_judging(true).await
    }

    /// A fake that does not judge requests: for benches, whose timed path must not pay for
    /// the check (the tests judge the same requests).
    pub async fn start_unjudged() -> FakeDiscord {
        Self::start_judging(false).await
    }

    async fn start_judging(judged: bool) -> FakeDiscord {
        let rest = TcpListener::bind("127.0.0.1:0").await.expect("bind REST");
        let gw = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind gateway");
        let api_base = format!("http://{}", rest.local_addr().expect("rest addr"));
        let gateway_url = format!("ws://{}", gw.local_addr().expect("gateway addr"));
        let (version, _) = watch::channel(0);
        let state = Arc::new(State {
            gateway_url,
            calls: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            limits: Mutex::new(Vec::new()),
            gateway: Mutex::new(Gateway::default()),
            version,
            seq: AtomicU64::new(0),
            next_id: AtomicU64::new(1),
            dm_channels: Mutex::new(HashMap::new()),
            nonces: Mutex::new(HashMap::new()),
            channel_messages: Mutex::new(HashMap::new()),
            deleted_messages: Mutex::new(Vec::new()),
            left_members: Mutex::new(std::collections::HashSet::new()),
            hosted: Mutex::new(HashMap::new()),
            scheduled_events: Mutex::new(Vec::new()),
            nonce_window: Mutex::new(None),
            chaos: Mutex::new(None),
            judged,
            violations: Mutex::new(Vec::new()),
        });

        let router = axum::Router::new()
            .fallback(rest_handler)
            .with_state(state.clone());
        let rest_task = tokio::spawn(async move {
            let _ = axum::serve(rest, router).await;
        });
        let gw_state = state.clone();
        let gw_task = tokio::spawn(async move {
            while let Ok((stream, _)) = gw.accept().await {
                tokio::spawn(serve_gateway(stream, gw_state.clone()));
            }
        });
        FakeDiscord {
            api_base,
            state,
            tasks: vec![rest_task, gw_task],
        }
    }

    /// The requests so far that Discord would have rejected, taken out of the fake so they
    /// no longer fail the test (for tests that provoke them on purpose).
    pub fn take_violations(&self) -> Vec<Violation> {
        std::mem::take(&mut *lock(&self.state.violations))
    }

    /// Fails now, with every violation so far, if the bot sent anything Discord would reject.
    pub fn assert_conformant(&self) {
        let violations = self.take_violations();
        assert!(
            violations.is_empty(),
            "{}",
            describe_violations(&violations)
        );
    }

    /// How long a nonce is honoured, like Discord's few minutes (default: for ever). A resend
    /// after it creates a second message.
    pub fn set_nonce_window(&self, window: std::time::Duration) {
        *lock(&self.state.nonce_window) = Some(window);
    }

    /// From now on, `per_mille` of the `method` requests to paths containing `path_contains`
    /// (seeded, reproducible) are delayed up to 2 s, done but never answered, or answered 500
    /// without being done, in equal parts.
    pub fn chaos(&self, seed: u64, per_mille: u32, method: &str, path_contains: &str) {
        *lock(&self.state.chaos) = Some(Chaos {
            rng: fastrand::Rng::with_seed(seed),
            per_mille,
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
        });
    }

    /// The scheduled events the server has now.
    pub fn scheduled_events(&self) -> Vec<Value> {
        lock(&self.state.scheduled_events)
            .iter()
            .map(|(_, e)| e.clone())
            .collect()
    }

    /// Every message created in any channel (deleted ones too), oldest first per channel.
    pub fn created_messages(&self) -> Vec<Value> {
        let mut all: Vec<Value> = lock(&self.state.channel_messages)
            .values()
            .flatten()
            .cloned()
            .collect();
        all.extend(lock(&self.state.deleted_messages).iter().cloned());
        all
    }

    /// A file a member uploads with a command, served where Discord's CDN would serve it: the
    /// option to pass.
    pub fn host_file(&self, filename: &str, bytes: Vec<u8>) -> super::interactions::OptValue {
        let id: u64 = self.state.id().parse().expect("a snowflake");
        let path = format!(
            "/attachments/{}/{id}/{filename}",
            super::interactions::CHANNEL_ID
        );
        let size = bytes.len() as u64;
        lock(&self.state.hosted).insert(path.clone(), bytes);
        super::interactions::OptValue::Attachment {
            id,
            filename: filename.to_owned(),
            url: format!("{}{path}", self.api_base),
            size,
        }
    }

    /// Every REST call so far.
    pub fn calls(&self) -> Vec<RestCall> {
        lock(&self.state.calls).clone()
    }

    /// The log, one line a call, for failure messages.
    pub fn describe(&self) -> String {
        let mut out = String::from("REST calls seen by the fake Discord:\n");
        for c in lock(&self.state.calls).iter() {
            let body: String = c.body.to_string().chars().take(300).collect();
            out.push_str(&format!(
                "  {} {} -> {}  {body}\n",
                c.method, c.path, c.status
            ));
        }
        let gw = lock(&self.state.gateway);
        out.push_str(&format!(
            "gateway: {} identify, {} resume, shards connected: {:?}\n",
            gw.identifies.len(),
            gw.resumes,
            gw.sessions.keys().collect::<Vec<_>>()
        ));
        out
    }

    /// Waits until `found` returns something from the call log; fails with the log after
    /// [`WAIT`].
    pub async fn wait_for<T>(&self, what: &str, found: impl FnMut(&[RestCall]) -> Option<T>) -> T {
        self.wait_for_long(what, WAIT, found).await
    }

    /// [`FakeDiscord::wait_for`] with its own time limit (benches that run for minutes).
    pub async fn wait_for_long<T>(
        &self,
        what: &str,
        limit: std::time::Duration,
        mut found: impl FnMut(&[RestCall]) -> Option<T>,
    ) -> T {
        let mut version = self.state.version.subscribe();
        let deadline = tokio::time::Instant::now() + limit;
        loop {
            if let Some(hit) = found(&lock(&self.state.calls)) {
                return hit;
            }
            match tokio::time::timeout_at(deadline, version.changed()).await {
                Ok(Ok(())) => {}
                _ => panic!("timed out waiting for {what}\n{}", self.describe()),
            }
        }
    }

    /// Waits for the bot's command registration (the "bot is ready" barrier); returns the
    /// registered commands.
    pub async fn wait_for_registration(&self) -> Value {
        self.wait_for("slash command registration", |calls| {
            calls
                .iter()
                .find(|c| c.method == "PUT" && c.path.ends_with("/commands"))
                .map(|c| c.body.clone())
        })
        .await
    }

    /// Number of IDENTIFYs so far, and the payload of the last one.
    pub fn identifies(&self) -> Vec<Value> {
        lock(&self.state.gateway).identifies.clone()
    }

    pub fn is_connected(&self) -> bool {
        !lock(&self.state.gateway).sessions.is_empty()
    }

    /// The shards connected now.
    pub fn connected_shards(&self) -> Vec<u32> {
        lock(&self.state.gateway).sessions.keys().copied().collect()
    }

    /// Waits until exactly `shards` are connected.
    pub async fn wait_for_shards(&self, shards: &[u32]) {
        let mut version = self.state.version.subscribe();
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.connected_shards() != shards {
            if tokio::time::timeout_at(deadline, version.changed())
                .await
                .is_err()
            {
                panic!("shards {shards:?} did not connect\n{}", self.describe());
            }
        }
    }

    /// Waits until no bot is connected to the gateway.
    pub async fn wait_for_disconnect(&self) {
        let mut version = self.state.version.subscribe();
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.is_connected() {
            if tokio::time::timeout_at(deadline, version.changed())
                .await
                .is_err()
            {
                panic!("the bot did not disconnect\n{}", self.describe());
            }
        }
    }

    /// Makes the next `times` requests (None: all) whose method matches and whose path
    /// contains `path_contains` fail with `fault`.
    pub fn fail(&self, method: &str, path_contains: &str, fault: Fault, times: Option<usize>) {
        lock(&self.state.faults).push(FaultRule {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            fault,
            remaining: times,
        });
    }

    /// Rate limits a route like Discord: a bucket of `per_second` requests, refilled at
    /// `per_second`; a request over it gets 429 with `retry_after`. Method `*` with path
    /// `""` is Discord's global limit: every request counts.
    pub fn limit_rate(&self, method: &str, path_contains: &str, per_second: f64) {
        lock(&self.state.limits).push(RateLimit {
            method: method.to_owned(),
            path_contains: path_contains.to_owned(),
            per_second,
            capacity: per_second,
            tokens: per_second,
            refilled: std::time::Instant::now(),
        });
    }

    /// Sends a gateway dispatch to the connected bot and returns when it left. Panics if
    /// serenity could not read it.
    pub fn dispatch(&self, event: &str, d: Value) -> std::time::Instant {
        let s = self.state.seq.fetch_add(1, Ordering::SeqCst) + 1;
        let payload = json!({"op": 0, "s": s, "t": event, "d": d});
        assert_serenity_reads(&payload);
        let gw = lock(&self.state.gateway);
        let shard = gw.shard_for(&d);
        let session = gw
            .sessions
            .get(&shard)
            .unwrap_or_else(|| panic!("no bot connected on shard {shard} to dispatch {event} to"));
        let sent = std::time::Instant::now();
        session
            .send(Message::Text(payload.to_string()))
            .expect("gateway session closed");
        sent
    }

    /// Asks the bot to reconnect (op 7), as Discord does before maintenance.
    pub fn request_reconnect(&self) {
        if let Some(session) = lock(&self.state.gateway).any_session() {
            let _ = session.send(Message::Text(json!({"op": 7, "d": null}).to_string()));
        }
    }

    /// Tells the bot its session is gone and cannot be resumed (op 9, `d: false`).
    pub fn invalidate_session(&self) {
        if let Some(session) = lock(&self.state.gateway).any_session() {
            let _ = session.send(Message::Text(json!({"op": 9, "d": false}).to_string()));
        }
    }

    /// Closes the gateway connection under the bot with 4000 "unknown error", as Discord does
    /// when something went wrong on its side (the session may be resumed).
    pub fn drop_connection(&self) {
        use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
        use tokio_tungstenite::tungstenite::protocol::CloseFrame;
        if let Some(session) = lock(&self.state.gateway).any_session() {
            let _ = session.send(Message::Close(Some(CloseFrame {
                code: CloseCode::from(4000),
                reason: "Unknown error".into(),
            })));
        }
    }

    /// RESUMEs the bot has sent so far.
    pub fn resumes(&self) -> u64 {
        lock(&self.state.gateway).resumes
    }

    pub fn new_id(&self) -> String {
        self.state.id()
    }

    /// `user` leaves the server: Discord answers a lookup of them with Unknown Member.
    pub fn member_left(&self, user: u64) {
        lock(&self.state.left_members).insert(user.to_string());
    }

    /// The id of the channel message (a post or DM, deleted ones included: a client may still
    /// show it) carrying a component with `custom_id`: a click on it comes from that message.
    pub fn message_with_component(&self, custom_id: &str) -> Option<String> {
        let messages = lock(&self.state.channel_messages);
        let deleted = lock(&self.state.deleted_messages);
        messages
            .values()
            .flatten()
            .chain(deleted.iter())
            .filter(|m| {
                m["components"].as_array().into_iter().flatten().any(|row| {
                    row["components"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .any(|c| c["custom_id"] == custom_id)
                })
            })
            .last()
            .and_then(|m| m["id"].as_str().map(str::to_owned))
    }
}

/// serenity turns an event it cannot parse into `Event::Unknown` and drops it with a DEBUG
/// line; a fake that sent one would make a test hang instead of fail.
fn assert_serenity_reads(payload: &Value) {
    use serenity::model::event::{Event, GatewayEvent};
    match serde_json::from_value::<GatewayEvent>(payload.clone()) {
        Ok(GatewayEvent::Dispatch(_, Event::Unknown(unknown))) => {
            panic!("serenity would drop this event as unknown: {unknown:?}\npayload: {payload}")
        }
        Ok(_) => {}
        Err(e) => panic!("serenity cannot read this event: {e}\npayload: {payload}"),
    }
}

async fn serve_gateway(stream: tokio::net::TcpStream, state: Arc<State>) {
    let Ok(ws) = tokio_tungstenite::accept_async(stream).await else {
        return;
    };
    let (mut sink, mut source) = ws.split();
    // A long interval: heartbeats are not what these tests are about.
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 45_000}});
    if sink.send(Message::Text(hello.to_string())).await.is_err() {
        return;
    }
    let first = loop {
        match source.next().await {
            Some(Ok(Message::Text(text))) => {
                break serde_json::from_str::<Value>(&text).unwrap_or(Value::Null)
            }
            Some(Ok(_)) => continue,
            _ => return,
        }
    };
    let s = state.seq.fetch_add(1, Ordering::SeqCst) + 1;
    let answer = match first["op"].as_u64() {
        Some(2) => {
            let shard = first["d"]["shard"][0].as_u64().unwrap_or(0) as u32;
            let total = first["d"]["shard"][1].as_u64().unwrap_or(1) as u32;
            let mut gw = lock(&state.gateway);
            gw.identifies.push(first.clone());
            gw.total_shards = total;
            drop(gw);
            json!({"op": 0, "s": s, "t": "READY", "d": {
                "shard": [shard, total],
                "v": 10,
                "user": {"id": BOT_USER_ID.to_string(), "username": "emig-bot", "discriminator": "0",
                         "avatar": null, "bot": true, "global_name": null},
                "guilds": [],
                "session_id": format!("fake-session-{shard}"),
                "resume_gateway_url": state.gateway_url,
                "application": {"id": APP_ID.to_string(), "flags": 0}
            }})
        }
        Some(6) => {
            lock(&state.gateway).resumes += 1;
            json!({"op": 0, "s": s, "t": "RESUMED", "d": {}})
        }
        _ => return,
    };
    assert_serenity_reads(&answer);
    if sink.send(Message::Text(answer.to_string())).await.is_err() {
        return;
    }
    let shard = match first["op"].as_u64() {
        Some(2) => first["d"]["shard"][0].as_u64().unwrap_or(0) as u32,
        _ => first["d"]["session_id"]
            .as_str()
            .and_then(|id| id.strip_prefix("fake-session-"))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0),
    };
    let (tx, mut outgoing) = mpsc::unbounded_channel();
    lock(&state.gateway).sessions.insert(shard, tx.clone());
    state.bump();
    loop {
        tokio::select! {
            incoming = source.next() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let frame: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                    if frame["op"].as_u64() == Some(1) {
                        let _ = sink.send(Message::Text(json!({"op": 11}).to_string())).await;
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            Some(frame) = outgoing.recv() => {
                let closing = matches!(frame, Message::Close(_));
                if sink.send(frame).await.is_err() || closing {
                    break;
                }
            }
        }
    }
    let mut gw = lock(&state.gateway);
    if gw.sessions.get(&shard).is_some_and(|s| s.same_channel(&tx)) {
        gw.sessions.remove(&shard);
    }
    drop(gw);
    state.bump();
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (status, axum::Json(body)).into_response()
}

async fn rest_handler(
    AxumState(state): AxumState<Arc<State>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    // When the request had fully arrived: what the fake does with it next is not the bot's.
    let arrived = std::time::Instant::now();
    let path = uri.path().to_owned();
    let method = method.as_str().to_owned();
    if path.starts_with("/attachments/") {
        // The CDN, not the API: nothing to judge.
        let file = lock(&state.hosted).get(&path).cloned();
        let response = match file {
            Some(bytes) => (StatusCode::OK, bytes).into_response(),
            None => StatusCode::NOT_FOUND.into_response(),
        };
        lock(&state.calls).push(RestCall {
            method,
            path,
            body: Value::Null,
            status: response.status().as_u16(),
            files: Vec::new(),
            at: arrived,
        });
        state.bump();
        return response;
    }
    let (received, files) = read_body(&headers, body).await;
    if state.judged {
        let found = conformance::check(&method, &path, &received);
        if !found.is_empty() {
            for v in &found {
                eprintln!("fake Discord: a request Discord would reject:\n{v}");
            }
            lock(&state.violations).extend(found);
        }
    }
    let body: Value = match received {
        Body::Empty | Body::Multipart(None) => Value::Null,
        Body::Json(v) | Body::Multipart(Some(v)) => v,
        Body::NotJson(raw) => json!({ "raw": raw }),
    };
    let chaotic = {
        let mut chaos = lock(&state.chaos);
        chaos.as_mut().and_then(|c| {
            if c.method != method || !path.contains(&c.path_contains) {
                return None;
            }
            if c.rng.u32(0..1000) >= c.per_mille {
                return None;
            }
            Some(match c.rng.u32(0..3) {
                0 => Chaotic::Delay(std::time::Duration::from_millis(c.rng.u64(200..2_000))),
                1 => Chaotic::DoneThenSilent,
                _ => Chaotic::ServerError,
            })
        })
    };
    match chaotic {
        Some(Chaotic::Delay(wait)) => tokio::time::sleep(wait).await,
        Some(Chaotic::DoneThenSilent) => {
            let _ = route(&state, &method, &path, &body);
            state.bump();
            return std::future::pending::<Response>().await;
        }
        Some(Chaotic::ServerError) => return fault_response(Fault::ServerError),
        None => {}
    }
    let response = match injected_fault(&state, &method, &path)
        .or_else(|| over_limit(&state, &method, &path))
    {
        Some(Fault::Stall) => std::future::pending::<Response>().await,
        Some(Fault::DoneThenServerError) => {
            let _ = route(&state, &method, &path, &body);
            fault_response(Fault::ServerError)
        }
        Some(fault) => fault_response(fault),
        None => route(&state, &method, &path, &body),
    };
    lock(&state.calls).push(RestCall {
        method,
        path,
        body,
        status: response.status().as_u16(),
        files,
        at: arrived,
    });
    state.bump();
    response
}

/// The body as sent: JSON, or a multipart upload whose `payload_json` part is the JSON.
async fn read_body(headers: &HeaderMap, body: Bytes) -> (Body, Vec<(String, Vec<u8>)>) {
    if body.is_empty() {
        return (Body::Empty, Vec::new());
    }
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if let Ok(boundary) = multer::parse_boundary(content_type) {
        let stream = futures_util::stream::once(async move { Ok::<_, std::io::Error>(body) });
        let mut parts = multer::Multipart::new(stream, boundary);
        let mut payload = None;
        let mut files = Vec::new();
        while let Ok(Some(field)) = parts.next_field().await {
            if field.name() == Some("payload_json") {
                let text = field.text().await.unwrap_or_default();
                payload = Some(serde_json::from_str(&text).unwrap_or(Value::Null));
            } else if let Some(name) = field.file_name().map(str::to_owned) {
                let bytes = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
                files.push((name, bytes));
            }
        }
        return (Body::Multipart(payload), files);
    }
    let parsed = match serde_json::from_slice(&body) {
        Ok(v) => Body::Json(v),
        Err(_) => Body::NotJson(String::from_utf8_lossy(&body).into_owned()),
    };
    (parsed, Vec::new())
}

fn over_limit(state: &State, method: &str, path: &str) -> Option<Fault> {
    let mut limits = lock(&state.limits);
    let limit = limits
        .iter_mut()
        .find(|l| (l.method == "*" || l.method == method) && path.contains(&l.path_contains))?;
    let now = std::time::Instant::now();
    let elapsed = now.duration_since(limit.refilled).as_secs_f64();
    limit.tokens = (limit.tokens + elapsed * limit.per_second).min(limit.capacity);
    limit.refilled = now;
    if limit.tokens >= 1.0 {
        limit.tokens -= 1.0;
        None
    } else {
        Some(Fault::RateLimited {
            retry_after: (1.0 - limit.tokens) / limit.per_second,
        })
    }
}

fn injected_fault(state: &State, method: &str, path: &str) -> Option<Fault> {
    let mut faults = lock(&state.faults);
    let rule = faults.iter_mut().find(|r| {
        r.method == method && path.contains(&r.path_contains) && r.remaining != Some(0)
    })?;
    if let Some(n) = rule.remaining.as_mut() {
        *n -= 1;
    }
    Some(rule.fault)
}

fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::RateLimited { retry_after } => {
            let mut response = json_response(
                StatusCode::TOO_MANY_REQUESTS,
                json!({"message": "You are being rate limited.", "retry_after": retry_after, "global": false}),
            );
            let headers: &mut HeaderMap = response.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&retry_after.to_string()) {
                headers.insert("retry-after", v);
            }
            response
        }
        Fault::DmsClosed => json_response(
            StatusCode::FORBIDDEN,
            json!({"message": "Cannot send messages to this user", "code": 50007}),
        ),
        Fault::UnknownChannel => json_response(
            StatusCode::NOT_FOUND,
            json!({"message": "Unknown Channel", "code": 10003}),
        ),
        Fault::UnknownMessage => json_response(
            StatusCode::NOT_FOUND,
            json!({"message": "Unknown Message", "code": 10008}),
        ),
        Fault::Stall => StatusCode::GATEWAY_TIMEOUT.into_response(),
        Fault::DoneThenServerError => fault_response(Fault::ServerError),
        Fault::ServerError => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            json!({"message": "500: Internal Server Error", "code": 0}),
        ),
    }
}

/// A full Message object, as webhook and channel endpoints return.
pub fn message(id: &str, channel_id: &str, body: &Value) -> Value {
    json!({
        "id": id,
        "channel_id": channel_id,
        "author": {"id": BOT_USER_ID.to_string(), "username": "emig-bot", "discriminator": "0",
                   "avatar": null, "bot": true, "global_name": null},
        "content": body.get("content").cloned().unwrap_or(json!("")),
        "timestamp": "2026-11-25T09:00:00.000000+00:00",
        "edited_timestamp": null,
        "tts": false,
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds").cloned().unwrap_or(json!([])),
        "components": body.get("components").cloned().unwrap_or(json!([])),
        "pinned": false,
        "type": 0,
        "flags": body.get("flags").cloned().unwrap_or(json!(0)),
        "nonce": body.get("nonce").cloned().unwrap_or(Value::Null)
    })
}

/// A GuildScheduledEvent object for what the bot sent.
fn scheduled_event(id: &str, guild: &str, body: &Value) -> Value {
    json!({
        "id": id,
        "guild_id": guild,
        "channel_id": null,
        "creator_id": BOT_USER_ID.to_string(),
        "name": body.get("name").cloned().unwrap_or(json!("event")),
        "description": body.get("description").cloned().unwrap_or(Value::Null),
        "scheduled_start_time": body.get("scheduled_start_time").cloned().unwrap_or(json!("2027-01-01T00:00:00+00:00")),
        "scheduled_end_time": body.get("scheduled_end_time").cloned().unwrap_or(Value::Null),
        "privacy_level": 2,
        "status": 1,
        "entity_type": 3,
        "entity_id": null,
        "entity_metadata": body.get("entity_metadata").cloned().unwrap_or(json!({"location": "somewhere"})),
        "user_count": 0,
        "image": null
    })
}

fn remember(state: &State, channel: &str, message: &Value) {
    lock(&state.channel_messages)
        .entry(channel.to_owned())
        .or_default()
        .push(message.clone());
}

fn route(state: &State, method: &str, path: &str, body: &Value) -> Response {
    let parts: Vec<&str> = path.trim_start_matches("/api/v10/").split('/').collect();
    match (method, parts.as_slice()) {
        ("GET", ["gateway"]) => json_response(StatusCode::OK, json!({"url": state.gateway_url})),
        ("GET", ["gateway", "bot"]) => json_response(
            StatusCode::OK,
            json!({"url": state.gateway_url, "shards": 1,
                   "session_start_limit": {"total": 1000, "remaining": 1000, "reset_after": 0, "max_concurrency": 1}}),
        ),
        ("PUT", ["applications", app, "commands"])
        | ("PUT", ["applications", app, "guilds", _, "commands"]) => {
            let registered: Vec<Value> = body
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut c| {
                    c["id"] = json!(state.id());
                    c["application_id"] = json!(app);
                    c["version"] = json!("1");
                    if c.get("type").is_none() {
                        c["type"] = json!(1);
                    }
                    // Discord answers context-menu commands with an empty description.
                    if c.get("description").is_none() {
                        c["description"] = json!("");
                    }
                    c
                })
                .collect();
            json_response(StatusCode::OK, Value::Array(registered))
        }
        ("GET", ["guilds", _, "members", user]) => {
            if lock(&state.left_members).contains(*user) {
                return json_response(
                    StatusCode::NOT_FOUND,
                    json!({"message": "Unknown Member", "code": 10007}),
                );
            }
            json_response(
                StatusCode::OK,
                json!({"user": {"id": user, "username": format!("member-{user}"), "discriminator": "0",
                                "avatar": null, "global_name": null},
                       "nick": null, "avatar": null, "roles": [], "joined_at": "2026-01-01T00:00:00.000000+00:00",
                       "deaf": false, "mute": false, "flags": 0, "pending": false}),
            )
        }
        ("POST", ["guilds", guild, "scheduled-events"]) => {
            let event = scheduled_event(&state.id(), guild, body);
            lock(&state.scheduled_events).push(((*guild).to_owned(), event.clone()));
            json_response(StatusCode::OK, event)
        }
        ("GET", ["guilds", guild, "scheduled-events"]) => {
            let events: Vec<Value> = lock(&state.scheduled_events)
                .iter()
                .filter(|(g, _)| g == guild)
                .map(|(_, e)| e.clone())
                .collect();
            json_response(StatusCode::OK, Value::Array(events))
        }
        ("PATCH", ["guilds", guild, "scheduled-events", id]) => {
            let event = scheduled_event(id, guild, body);
            let mut events = lock(&state.scheduled_events);
            if let Some(stored) = events.iter_mut().find(|(_, e)| e["id"] == *id) {
                stored.1 = event.clone();
            }
            json_response(StatusCode::OK, event)
        }
        ("DELETE", ["guilds", _, "scheduled-events", id]) => {
            lock(&state.scheduled_events).retain(|(_, e)| e["id"] != *id);
            StatusCode::NO_CONTENT.into_response()
        }
        ("POST", ["interactions", _, _, "callback"]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["webhooks", _, _]) => json_response(
            StatusCode::OK,
            message(&state.id(), &interaction_channel(), body),
        ),
        ("PATCH", ["webhooks", _, _, "messages", id])
        | ("GET", ["webhooks", _, _, "messages", id]) => {
            json_response(StatusCode::OK, message(id, &interaction_channel(), body))
        }
        ("DELETE", ["webhooks", _, _, "messages", _]) => StatusCode::NO_CONTENT.into_response(),
        ("POST", ["users", "@me", "channels"]) => {
            let recipient = body["recipient_id"].as_str().unwrap_or("0").to_owned();
            let channel = lock(&state.dm_channels)
                .entry(recipient.clone())
                .or_insert_with(|| state.id())
                .clone();
            json_response(
                StatusCode::OK,
                json!({"id": channel, "type": 1, "last_message_id": null,
                       "recipients": [{"id": recipient, "username": "member", "discriminator": "0",
                                       "avatar": null, "global_name": null}]}),
            )
        }
        ("POST", ["channels", channel, "messages"]) => {
            let nonce = body["nonce"].as_str().map(str::to_owned);
            if let (Some(nonce), Some(true)) = (&nonce, body["enforce_nonce"].as_bool()) {
                let key = ((*channel).to_owned(), nonce.clone());
                let window = *lock(&state.nonce_window);
                let mut nonces = lock(&state.nonces);
                if let Some((existing, at)) = nonces.get(&key) {
                    if window.is_none_or(|w| at.elapsed() < w) {
                        return json_response(StatusCode::OK, existing.clone());
                    }
                }
                let created = message(&state.id(), channel, body);
                nonces.insert(key, (created.clone(), std::time::Instant::now()));
                remember(state, channel, &created);
                return json_response(StatusCode::OK, created);
            }
            let created = message(&state.id(), channel, body);
            remember(state, channel, &created);
            json_response(StatusCode::OK, created)
        }
        ("GET", ["channels", channel, "messages"]) => {
            let mut recent = lock(&state.channel_messages)
                .get(*channel)
                .cloned()
                .unwrap_or_default();
            recent.reverse();
            recent.truncate(50);
            json_response(StatusCode::OK, Value::Array(recent))
        }
        ("PATCH", ["channels", channel, "messages", id]) => {
            json_response(StatusCode::OK, message(id, channel, body))
        }
        ("DELETE", ["channels", channel, "messages", id]) => {
            // Like Discord: a message deleted (or never created here) is unknown.
            let mut messages = lock(&state.channel_messages);
            let list = messages.entry((*channel).to_owned()).or_default();
            match list.iter().position(|m| m["id"] == *id) {
                Some(at) => {
                    let gone = list.remove(at);
                    lock(&state.deleted_messages).push(gone);
                    StatusCode::NO_CONTENT.into_response()
                }
                None => fault_response(Fault::UnknownMessage),
            }
        }
        _ => json_response(
            StatusCode::NOT_FOUND,
            json!({"message": format!("fake Discord has no route for {method} {path}"), "code": 0}),
        ),
    }
}

/// The channel interaction replies land in (Discord never answers with channel 0, and serenity
/// refuses a zero id).
fn interaction_channel() -> String {
    super::interactions::CHANNEL_ID.to_string()
}
