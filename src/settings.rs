//! Typed settings: the compiled-in `config/default.toml` < an optional file < environment.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::TimeZone;

/// The defaults, compiled in so the binary runs from any folder.
pub const DEFAULT_TOML: &str = include_str!("../config/default.toml");

/// Discord's own API base: only with this one does serenity's ratelimiter stay on.
pub const DISCORD_API_BASE: &str = "https://discord.com";

/// Every environment variable the bot reads, with the key it sets. Earlier names win when
/// several set the same key (`EMIG_DISCORD_TOKEN` over `DISCORD_TOKEN`).
pub const ENV_KEYS: &[(&str, &str)] = &[
    ("EMIG_DISCORD_TOKEN", "discord.token"),
    ("DISCORD_TOKEN", "discord.token"),
    ("EMIG_DISCORD_API_BASE", "discord.api_base"),
    ("EMIG_DEV_GUILD_ID", "discord.dev_guild_id"),
    ("EMIG_DISCORD_DEFER_AFTER_MS", "discord.defer_after_ms"),
    ("EMIG_DISCORD_SHARD_COUNT", "discord.shard_count"),
    ("EMIG_DISCORD_SHARDS", "discord.shards"),
    ("EMIG_DATABASE_URL", "database.url"),
    ("EMIG_DATABASE_MAX_CONNECTIONS", "database.max_connections"),
    ("EMIG_DATABASE_BUSY_TIMEOUT_MS", "database.busy_timeout_ms"),
    ("EMIG_DEFAULT_TIMEZONE", "members.default_timezone"),
    ("EMIG_LOG", "log.filter"),
    ("EMIG_LOG_FORMAT", "log.format"),
    ("EMIG_NUDGES_QUIET_START", "nudges.quiet_start"),
    ("EMIG_NUDGES_QUIET_END", "nudges.quiet_end"),
    ("EMIG_NUDGES_SEND_RATE", "nudges.send_rate"),
    ("EMIG_NUDGES_LEASE_SECONDS", "nudges.lease_seconds"),
    ("EMIG_NUDGES_RETRY_SECONDS", "nudges.retry_seconds"),
    (
        "EMIG_NUDGES_REQUEST_TIMEOUT_SECONDS",
        "nudges.request_timeout_seconds",
    ),
    ("EMIG_TEMPLATES_DIR", "drafts.templates_dir"),
    ("EMIG_PRIVACY_OPERATOR", "privacy.operator"),
    ("EMIG_PRACTICE_GREEN", "practice.green"),
    ("EMIG_PRACTICE_YELLOW", "practice.yellow"),
    ("EMIG_PRACTICE_RED", "practice.red"),
    ("EMIG_RUNTIME_WORKER_THREADS", "runtime.worker_threads"),
];

/// The variable naming an extra settings file (same as `--config`).
pub const CONFIG_ENV: &str = "EMIG_CONFIG";

/// A setting that cannot be used; `Display` is the one line a person reads on stderr.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read the config file {path}: {reason}. Check the path given by --config or EMIG_CONFIG.")]
    UnreadableFile { path: PathBuf, reason: String },
    #[error("the config file {path} is not valid TOML: {reason}")]
    MalformedFile { path: PathBuf, reason: String },
    #[error("{key} (from {origin}): {reason}")]
    Invalid {
        key: String,
        origin: String,
        reason: String,
    },
    #[error("{key} is missing: set EMIG_DISCORD_TOKEN to your bot's token (Developer Portal > your app > Bot > Reset Token).")]
    MissingToken { key: String },
}

/// A secret that never prints: `Debug` and `Display` both redact it.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone)]
pub struct Settings {
    pub discord: DiscordSettings,
    pub database: DatabaseSettings,
    pub members: MemberSettings,
    pub log: LogSettings,
    pub nudges: NudgeSettings,
    /// Folder of draft templates overriding the built-in ones.
    pub templates_dir: Option<PathBuf>,
    pub practice: crate::domain::story::TimerSignals,
    /// Who runs this deployment, as `/privacy` names them.
    pub privacy_operator: Option<String>,
    /// Threads running the bot's tasks (the binary's async runtime).
    pub worker_threads: usize,
}

#[derive(Debug, Clone)]
pub struct NudgeSettings {
    pub quiet_start: u8,
    pub quiet_end: u8,
    /// DMs per second at most.
    pub send_rate: u32,
    pub lease_seconds: u32,
    /// The first wait after a failed or unknown send (doubling, to 60 times it).
    pub retry_seconds: u32,
    /// The longest one Discord call of the nudge sender may take.
    pub request_timeout_seconds: u32,
}

#[derive(Debug, Clone)]
pub struct DiscordSettings {
    pub token: Secret,
    pub api_base: String,
    pub dev_guild_id: Option<u64>,
    /// A command still working after this long is answered "thinking…" first, so Discord's
    /// 3-second window never runs out while it waits (for a busy database, say).
    pub defer_after: std::time::Duration,
    /// The gateway shards this process connects, of how many in all.
    pub shards: ShardRange,
}

/// The gateway shards one process runs: `first..=last` of `total`. Discord sends each server's
/// events to shard `(server id >> 22) % total` and DMs to shard 0; large bots split the shards
/// over several processes on one database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardRange {
    pub first: u32,
    pub last: u32,
    pub total: u32,
}

impl ShardRange {
    /// Every shard, in this one process.
    pub fn all(total: u32) -> ShardRange {
        ShardRange {
            first: 0,
            last: total - 1,
            total,
        }
    }

    /// `text` is empty or `all` (every shard), one shard (`3`) or a range (`0-3`), within
    /// `total`.
    pub fn parse(text: &str, total: u32) -> Result<ShardRange, String> {
        let text = text.trim();
        if total == 0 {
            return Err("discord.shard_count must be at least 1".into());
        }
        if text.is_empty() || text.eq_ignore_ascii_case("all") {
            return Ok(ShardRange::all(total));
        }
        let number = |n: &str| {
            n.trim()
                .parse::<u32>()
                .map_err(|_| format!("`{text}` is not a shard or a range like 0-3"))
        };
        let (first, last) = match text.split_once('-') {
            Some((a, b)) => (number(a)?, number(b)?),
            None => {
                let n = number(text)?;
                (n, n)
            }
        };
        if first > last {
            return Err(format!(
                "`{text}` runs backwards; write the lower shard first"
            ));
        }
        if last >= total {
            return Err(format!(
                "`{text}` goes past the last shard: shards are numbered 0 to {} of discord.shard_count = {total}",
                total - 1
            ));
        }
        Ok(ShardRange { first, last, total })
    }

    pub fn count(&self) -> u32 {
        self.last - self.first + 1
    }

    /// Whether this process runs shard 0: it registers the commands (once for the whole
    /// bot) and receives the DMs.
    pub fn has_shard_zero(&self) -> bool {
        self.first == 0
    }

    /// This process's share of a rate meant for the whole bot: its fraction of the shards.
    /// The shares of processes covering every shard once add up to the rate exactly.
    pub fn share_of(&self, rate: u32) -> f64 {
        f64::from(rate) * f64::from(self.count()) / f64::from(self.total)
    }
}

impl fmt::Display for ShardRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{} of {}", self.first, self.total)
        } else {
            write!(f, "{}-{} of {}", self.first, self.last, self.total)
        }
    }
}

impl DiscordSettings {
    /// serenity's ratelimiter talks to discord.com directly, so it is only safe there.
    pub fn uses_real_discord(&self) -> bool {
        self.api_base == DISCORD_API_BASE
    }
}

#[derive(Debug, Clone)]
pub struct DatabaseSettings {
    pub url: String,
    pub max_connections: u32,
    pub busy_timeout_ms: u64,
}

#[derive(Debug, Clone)]
pub struct MemberSettings {
    pub default_timezone: TimeZone,
}

#[derive(Debug, Clone)]
pub struct LogSettings {
    pub filter: String,
    pub format: LogFormat,
}

/// The raw shape of the TOML; unknown keys are refused so a typo does not pass silently.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    discord: RawDiscord,
    database: RawDatabase,
    members: RawMembers,
    log: RawLog,
    nudges: RawNudges,
    drafts: RawDrafts,
    privacy: RawPrivacy,
    practice: RawPractice,
    runtime: RawRuntime,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRuntime {
    worker_threads: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPractice {
    green: i64,
    yellow: i64,
    red: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrivacy {
    operator: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDrafts {
    templates_dir: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNudges {
    quiet_start: i64,
    quiet_end: i64,
    send_rate: i64,
    lease_seconds: i64,
    retry_seconds: i64,
    request_timeout_seconds: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDiscord {
    token: String,
    api_base: String,
    dev_guild_id: String,
    defer_after_ms: i64,
    shard_count: i64,
    shards: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatabase {
    url: String,
    max_connections: i64,
    busy_timeout_ms: i64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMembers {
    default_timezone: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLog {
    filter: String,
    format: String,
}

/// The merged TOML table plus, for each dotted key, where its value came from.
struct Layers {
    table: toml::Table,
    origin: HashMap<String, String>,
}

impl Layers {
    fn origin(&self, key: &str) -> String {
        self.origin
            .get(key)
            .cloned()
            .unwrap_or_else(|| "the built-in defaults".to_owned())
    }

    fn invalid(&self, key: &str, reason: impl Into<String>) -> SettingsError {
        SettingsError::Invalid {
            key: key.to_owned(),
            origin: self.origin(key),
            reason: reason.into(),
        }
    }

    fn merge_file(&mut self, path: &Path) -> Result<(), SettingsError> {
        let text = std::fs::read_to_string(path).map_err(|e| SettingsError::UnreadableFile {
            path: path.to_owned(),
            reason: e.to_string(),
        })?;
        let file: toml::Table =
            text.parse()
                .map_err(|e: toml::de::Error| SettingsError::MalformedFile {
                    path: path.to_owned(),
                    reason: e.message().to_owned(),
                })?;
        for (section, value) in file {
            let toml::Value::Table(entries) = value else {
                return Err(SettingsError::MalformedFile {
                    path: path.to_owned(),
                    reason: format!("`{section}` must be a [section]"),
                });
            };
            for (key, value) in entries {
                let dotted = format!("{section}.{key}");
                self.set(&dotted, value);
                self.origin
                    .insert(dotted, format!("config file {}", path.display()));
            }
        }
        Ok(())
    }

    fn set(&mut self, dotted: &str, value: toml::Value) {
        let (section, key) = dotted.split_once('.').unwrap_or((dotted, ""));
        let entry = self
            .table
            .entry(section.to_owned())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        if let toml::Value::Table(t) = entry {
            t.insert(key.to_owned(), value);
        }
    }

    /// An environment value replaces the key's value, typed like the default it replaces.
    fn merge_env(&mut self, env: &dyn Fn(&str) -> Option<String>) -> Result<(), SettingsError> {
        let mut done: Vec<&str> = Vec::new();
        for (name, key) in ENV_KEYS {
            if done.contains(key) {
                continue;
            }
            let Some(raw) = env(name) else { continue };
            done.push(key);
            let origin = format!("environment variable {name}");
            let is_integer = matches!(self.lookup(key), Some(toml::Value::Integer(_)));
            let value = if is_integer {
                match raw.trim().parse::<i64>() {
                    Ok(n) => toml::Value::Integer(n),
                    Err(_) => {
                        return Err(SettingsError::Invalid {
                            key: (*key).to_owned(),
                            origin,
                            reason: format!("`{raw}` is not a whole number"),
                        })
                    }
                }
            } else {
                toml::Value::String(raw)
            };
            self.set(key, value);
            self.origin.insert((*key).to_owned(), origin);
        }
        Ok(())
    }

    fn lookup(&self, dotted: &str) -> Option<&toml::Value> {
        let (section, key) = dotted.split_once('.')?;
        self.table.get(section)?.get(key)
    }
}

impl Settings {
    /// Loads the layers. `env` reads one environment variable (tests pass a map); a `.env` file
    /// is the caller's business (main loads it into the environment first).
    pub fn load(
        config_file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Settings, SettingsError> {
        let table: toml::Table =
            DEFAULT_TOML
                .parse()
                .map_err(|e: toml::de::Error| SettingsError::MalformedFile {
                    path: PathBuf::from("config/default.toml (built in)"),
                    reason: e.message().to_owned(),
                })?;
        let mut layers = Layers {
            table,
            origin: HashMap::new(),
        };
        let from_env = env(CONFIG_ENV).map(PathBuf::from);
        if let Some(path) = config_file.map(Path::to_path_buf).or(from_env) {
            layers.merge_file(&path)?;
        }
        layers.merge_env(env)?;
        Self::from_layers(&layers)
    }

    fn from_layers(layers: &Layers) -> Result<Settings, SettingsError> {
        let raw: Raw = toml::Value::Table(layers.table.clone())
            .try_into()
            .map_err(|e: toml::de::Error| SettingsError::Invalid {
                key: "settings".to_owned(),
                origin: "the config file".to_owned(),
                reason: e.message().to_owned(),
            })?;

        let token = raw.discord.token.trim().to_owned();
        if token.is_empty() {
            return Err(SettingsError::MissingToken {
                key: "discord.token".to_owned(),
            });
        }
        if serenity::utils::token::validate(&token).is_err() {
            return Err(layers.invalid(
                "discord.token",
                "this does not look like a bot token (three parts separated by dots); copy it again from the Developer Portal (Bot > Reset Token)",
            ));
        }

        let api_base = raw.discord.api_base.trim().trim_end_matches('/').to_owned();
        if !(api_base.starts_with("https://") || api_base.starts_with("http://")) {
            return Err(layers.invalid(
                "discord.api_base",
                format!("`{api_base}` is not an http(s) URL; leave it at {DISCORD_API_BASE}"),
            ));
        }

        let dev_guild_id = match raw.discord.dev_guild_id.trim() {
            "" => None,
            id => Some(id.parse::<u64>().ok().filter(|n| *n > 0).ok_or_else(|| {
                layers.invalid(
                    "discord.dev_guild_id",
                    format!("`{id}` is not a server id; copy it with Developer Mode on (right-click the server > Copy Server ID), or leave it empty"),
                )
            })?),
        };

        let defer_after_ms = u64::try_from(raw.discord.defer_after_ms)
            .ok()
            .filter(|n| (1..=2500).contains(n))
            .ok_or_else(|| {
                layers.invalid(
                    "discord.defer_after_ms",
                    "use milliseconds from 1 to 2500: Discord drops a command not answered within 3 seconds",
                )
            })?;

        let shard_count = u32::try_from(raw.discord.shard_count)
            .ok()
            .filter(|n| (1..=4096).contains(n))
            .ok_or_else(|| {
                layers.invalid(
                    "discord.shard_count",
                    "use the number of gateway shards of the whole bot, 1 to 4096 (1 unless Discord asks for more)",
                )
            })?;
        let shards = ShardRange::parse(&raw.discord.shards, shard_count)
            .map_err(|why| layers.invalid("discord.shards", why))?;

        let max_connections = u32::try_from(raw.database.max_connections)
            .ok()
            .filter(|n| (1..=100).contains(n))
            .ok_or_else(|| {
                layers.invalid("database.max_connections", "use a number from 1 to 100")
            })?;
        let busy_timeout_ms = u64::try_from(raw.database.busy_timeout_ms)
            .ok()
            .filter(|n| *n <= 600_000)
            .ok_or_else(|| {
                layers.invalid(
                    "database.busy_timeout_ms",
                    "use milliseconds from 0 to 600000",
                )
            })?;
        if raw.database.url.trim().is_empty() {
            return Err(layers.invalid(
                "database.url",
                "is empty; use e.g. sqlite://data/emig-bot.db",
            ));
        }

        let default_timezone = TimeZone::parse(&raw.members.default_timezone)
            .map_err(|e| layers.invalid("members.default_timezone", e.to_string()))?;

        let format = match raw.log.format.trim().to_ascii_lowercase().as_str() {
            "pretty" => LogFormat::Pretty,
            "json" => LogFormat::Json,
            other => {
                return Err(layers.invalid(
                    "log.format",
                    format!("`{other}` is not a log format; use pretty or json"),
                ))
            }
        };
        if tracing_subscriber::EnvFilter::try_new(&raw.log.filter).is_err() {
            return Err(layers.invalid(
                "log.filter",
                format!(
                    "`{}` is not a log filter; use e.g. info or emig_bot=debug",
                    raw.log.filter
                ),
            ));
        }

        let hour = |key: &str, v: i64| {
            u8::try_from(v)
                .ok()
                .filter(|h| *h < 24)
                .ok_or_else(|| layers.invalid(key, "use an hour from 0 to 23"))
        };
        let nudges = NudgeSettings {
            quiet_start: hour("nudges.quiet_start", raw.nudges.quiet_start)?,
            quiet_end: hour("nudges.quiet_end", raw.nudges.quiet_end)?,
            send_rate: u32::try_from(raw.nudges.send_rate)
                .ok()
                .filter(|r| (1..=50).contains(r))
                .ok_or_else(|| {
                    layers.invalid(
                        "nudges.send_rate",
                        "use 1 to 50 messages per second (Discord allows a bot 50 requests per second in all)",
                    )
                })?,
            lease_seconds: u32::try_from(raw.nudges.lease_seconds)
                .ok()
                .filter(|s| (1..=3600).contains(s))
                .ok_or_else(|| layers.invalid("nudges.lease_seconds", "use 1 to 3600 seconds"))?,
            retry_seconds: u32::try_from(raw.nudges.retry_seconds)
                .ok()
                .filter(|s| (1..=3600).contains(s))
                .ok_or_else(|| layers.invalid("nudges.retry_seconds", "use 1 to 3600 seconds"))?,
            request_timeout_seconds: u32::try_from(raw.nudges.request_timeout_seconds)
                .ok()
                .filter(|s| (1..=300).contains(s))
                .ok_or_else(|| {
                    layers.invalid("nudges.request_timeout_seconds", "use 1 to 300 seconds")
                })?,
        };

        let templates_dir = match raw.drafts.templates_dir.trim() {
            "" => None,
            dir => {
                let path = PathBuf::from(dir);
                if !path.is_dir() {
                    return Err(layers.invalid(
                        "drafts.templates_dir",
                        format!("`{dir}` is not a folder; create it or leave the setting empty"),
                    ));
                }
                Some(path)
            }
        };

        let secs = |v: i64| u32::try_from(v).ok().filter(|s| (1..=600).contains(s));
        let practice = match (
            secs(raw.practice.green),
            secs(raw.practice.yellow),
            secs(raw.practice.red),
        ) {
            (Some(green), Some(yellow), Some(red)) if green < yellow && yellow <= red => {
                crate::domain::story::TimerSignals { green, yellow, red }
            }
            _ => {
                return Err(layers.invalid(
                    "practice.green/yellow/red",
                    "use seconds from 1 to 600 with green < yellow <= red, e.g. 45, 55, 60",
                ))
            }
        };

        let operator = raw.privacy.operator.trim();
        if operator.chars().count() > 300 {
            return Err(layers.invalid("privacy.operator", "is too long: 300 characters at most"));
        }
        let privacy_operator = (!operator.is_empty()).then(|| operator.to_owned());
        let worker_threads = usize::try_from(raw.runtime.worker_threads)
            .ok()
            .filter(|n| (1..=64).contains(n))
            .ok_or_else(|| layers.invalid("runtime.worker_threads", "use a number from 1 to 64"))?;
        Ok(Settings {
            worker_threads,
            nudges,
            templates_dir,
            practice,
            privacy_operator,
            discord: DiscordSettings {
                token: Secret::new(token),
                api_base,
                dev_guild_id,
                defer_after: std::time::Duration::from_millis(defer_after_ms),
                shards,
            },
            database: DatabaseSettings {
                url: raw.database.url.trim().to_owned(),
                max_connections,
                busy_timeout_ms,
            },
            members: MemberSettings { default_timezone },
            log: LogSettings {
                filter: raw.log.filter,
                format,
            },
        })
    }
}

impl fmt::Display for Settings {
    /// What `emig-bot check` prints; the token is redacted.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "discord.token            = {}", self.discord.token)?;
        writeln!(f, "discord.api_base         = {}", self.discord.api_base)?;
        match self.discord.dev_guild_id {
            Some(id) => writeln!(
                f,
                "discord.dev_guild_id     = {id} (commands register in this server only)"
            )?,
            None => writeln!(
                f,
                "discord.dev_guild_id     = (none: commands register globally)"
            )?,
        }
        writeln!(
            f,
            "discord.defer_after_ms   = {}",
            self.discord.defer_after.as_millis()
        )?;
        writeln!(
            f,
            "discord.shards           = {}{}",
            self.discord.shards,
            if self.discord.shards.has_shard_zero() {
                " (registers the commands)"
            } else {
                ""
            }
        )?;
        writeln!(
            f,
            "database.url             = {}",
            crate::db::redact(&self.database.url)
        )?;
        writeln!(
            f,
            "database.max_connections = {}",
            self.database.max_connections
        )?;
        writeln!(
            f,
            "database.busy_timeout_ms = {}",
            self.database.busy_timeout_ms
        )?;
        writeln!(
            f,
            "members.default_timezone = {}",
            self.members.default_timezone
        )?;
        writeln!(f, "log.filter               = {}", self.log.filter)?;
        let format = match self.log.format {
            LogFormat::Pretty => "pretty",
            LogFormat::Json => "json",
        };
        writeln!(f, "log.format               = {format}")?;
        writeln!(
            f,
            "nudges.quiet_hours       = {:02}:00-{:02}:00",
            self.nudges.quiet_start, self.nudges.quiet_end
        )?;
        writeln!(f, "nudges.send_rate         = {}/s", self.nudges.send_rate)?;
        writeln!(
            f,
            "nudges.lease_seconds     = {}",
            self.nudges.lease_seconds
        )?;
        writeln!(
            f,
            "nudges.retry_seconds     = {}",
            self.nudges.retry_seconds
        )?;
        writeln!(
            f,
            "nudges.request_timeout_seconds = {}",
            self.nudges.request_timeout_seconds
        )?;
        match &self.templates_dir {
            Some(dir) => writeln!(f, "drafts.templates_dir     = {}", dir.display())?,
            None => writeln!(f, "drafts.templates_dir     = (none: built-in templates)")?,
        }
        writeln!(
            f,
            "practice (green/yellow/red) = {}/{}/{} s",
            self.practice.green, self.practice.yellow, self.practice.red
        )?;
        write!(f, "runtime.worker_threads   = {}", self.worker_threads)
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn shards_are_all_one_or_a_range_within_the_count() {
        assert_eq!(ShardRange::parse("", 1), Ok(ShardRange::all(1)));
        assert_eq!(ShardRange::parse("all", 8), Ok(ShardRange::all(8)));
        let r = ShardRange::parse(" 4-7 ", 8).expect("range");
        assert_eq!((r.first, r.last, r.count()), (4, 7, 4));
        assert!(!r.has_shard_zero());
        assert_eq!(r.to_string(), "4-7 of 8");
        let one = ShardRange::parse("0", 2).expect("one");
        assert!(one.has_shard_zero());
        assert_eq!(one.to_string(), "0 of 2");
        assert!(ShardRange::parse("8", 8).unwrap_err().contains("0 to 7"));
        assert!(ShardRange::parse("3-1", 8)
            .unwrap_err()
            .contains("backwards"));
        assert!(ShardRange::parse("two", 8).is_err());
        assert!(ShardRange::parse("1-", 8).is_err());
    }

    #[test]
    fn the_processes_rate_shares_add_up_to_the_rate() {
        let total = 8;
        let parts = ["0-2", "3", "4-7"];
        let sum: f64 = parts
            .iter()
            .map(|p| ShardRange::parse(p, total).expect("part").share_of(40))
            .sum();
        assert!((sum - 40.0).abs() < 1e-9, "{sum}");
        assert!((ShardRange::parse("1", 2).expect("one").share_of(20) - 10.0).abs() < 1e-9);
    }

    #[test]
    fn check_output_never_shows_a_database_password() {
        let s = Settings::load(None, &|name| match name {
            "EMIG_DISCORD_TOKEN" => Some(TOKEN.to_owned()),
            "EMIG_DATABASE_URL" => Some("postgres://emig:hunter2@db/emig".to_owned()),
            "EMIG_DISCORD_SHARD_COUNT" => Some("4".to_owned()),
            "EMIG_DISCORD_SHARDS" => Some("2-3".to_owned()),
            _ => None,
        })
        .expect("valid");
        let shown = s.to_string();
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("postgres://emig:***@db/emig"), "{shown}");
        assert!(
            shown.contains("discord.shards           = 2-3 of 4\n"),
            "{shown}"
        );
    }

    use super::*;

    const TOKEN: &str = "MTIzNDU2Nzg5.GabcDE.fake-token-for-tests";

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn defaults_plus_token_load() {
        let s = Settings::load(None, &env_of(&[("EMIG_DISCORD_TOKEN", TOKEN)])).unwrap();
        assert_eq!(s.discord.token.expose(), TOKEN);
        assert!(s.discord.uses_real_discord());
        assert_eq!(s.database.url, "sqlite://data/emig-bot.db");
        assert_eq!(s.discord.dev_guild_id, None);
    }

    #[test]
    fn missing_token_names_the_variable() {
        let err = Settings::load(None, &env_of(&[])).unwrap_err();
        assert!(err.to_string().contains("EMIG_DISCORD_TOKEN"), "{err}");
    }

    #[test]
    fn emig_token_wins_over_plain_discord_token() {
        let s = Settings::load(
            None,
            &env_of(&[
                ("DISCORD_TOKEN", "a.bbbbbb.c"),
                ("EMIG_DISCORD_TOKEN", TOKEN),
            ]),
        )
        .unwrap();
        assert_eq!(s.discord.token.expose(), TOKEN);
        let s = Settings::load(None, &env_of(&[("DISCORD_TOKEN", TOKEN)])).unwrap();
        assert_eq!(s.discord.token.expose(), TOKEN);
    }

    #[test]
    fn malformed_token_is_refused_without_echoing_it() {
        let err =
            Settings::load(None, &env_of(&[("EMIG_DISCORD_TOKEN", "notatoken")])).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("discord.token"), "{text}");
        assert!(!text.contains("notatoken"), "{text}");
    }

    #[test]
    fn file_layer_is_overridden_by_env() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emig.toml");
        std::fs::write(
            &path,
            "[members]\ndefault_timezone = \"Europe/Berlin\"\n[database]\nmax_connections = 3\n",
        )
        .unwrap();
        let s = Settings::load(
            Some(&path),
            &env_of(&[
                ("EMIG_DISCORD_TOKEN", TOKEN),
                ("EMIG_DATABASE_MAX_CONNECTIONS", "7"),
            ]),
        )
        .unwrap();
        assert_eq!(s.members.default_timezone.name(), "Europe/Berlin");
        assert_eq!(s.database.max_connections, 7);
    }

    #[test]
    fn one_worker_thread_unless_set_and_never_none() {
        let s = Settings::load(None, &env_of(&[("EMIG_DISCORD_TOKEN", TOKEN)])).unwrap();
        assert_eq!(s.worker_threads, 1);
        let s = Settings::load(
            None,
            &env_of(&[
                ("EMIG_DISCORD_TOKEN", TOKEN),
                ("EMIG_RUNTIME_WORKER_THREADS", "4"),
            ]),
        )
        .unwrap();
        assert_eq!(s.worker_threads, 4);
        let err = Settings::load(
            None,
            &env_of(&[
                ("EMIG_DISCORD_TOKEN", TOKEN),
                ("EMIG_RUNTIME_WORKER_THREADS", "0"),
            ]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("runtime.worker_threads"), "{err}");
    }

    #[test]
    fn invalid_values_name_key_and_origin() {
        let err = Settings::load(
            None,
            &env_of(&[
                ("EMIG_DISCORD_TOKEN", TOKEN),
                ("EMIG_DEFAULT_TIMEZONE", "Mars/Base"),
            ]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("members.default_timezone"), "{err}");
        assert!(err.contains("EMIG_DEFAULT_TIMEZONE"), "{err}");

        let err = Settings::load(
            None,
            &env_of(&[("EMIG_DISCORD_TOKEN", TOKEN), ("EMIG_DEV_GUILD_ID", "abc")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("discord.dev_guild_id"), "{err}");

        let err = Settings::load(
            None,
            &env_of(&[("EMIG_DISCORD_TOKEN", TOKEN), ("EMIG_LOG_FORMAT", "xml")]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("log.format"), "{err}");
    }

    #[test]
    fn unknown_key_in_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("emig.toml");
        std::fs::write(&path, "[database]\nurll = \"x\"\n").unwrap();
        let err = Settings::load(Some(&path), &env_of(&[("EMIG_DISCORD_TOKEN", TOKEN)]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("urll"), "{err}");
    }

    #[test]
    fn unreadable_file_is_named() {
        let err = Settings::load(
            Some(Path::new("/nonexistent/emig.toml")),
            &env_of(&[("EMIG_DISCORD_TOKEN", TOKEN)]),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("/nonexistent/emig.toml"), "{err}");
    }

    #[test]
    fn display_redacts_the_token() {
        let s = Settings::load(None, &env_of(&[("EMIG_DISCORD_TOKEN", TOKEN)])).unwrap();
        let shown = format!("{s}\n{s:?}");
        assert!(!shown.contains(TOKEN));
        assert!(shown.contains("[redacted]"));
    }
}
