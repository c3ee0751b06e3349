//! The compiled `emig-bot` binary: settings errors, `check`, serving, SIGTERM, no token leaks.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

use crate::support::interactions::{self, Invoker, GUILD_ID, MEMBER_PERMISSIONS};
use crate::support::{FakeDiscord, Reply, MEMBER_A, TEST_TOKEN};

const BIN: &str = env!("CARGO_BIN_EXE_emig-bot");

/// The binary with a clean environment, run in `dir` (so no stray .env is read).
fn emig_bot(dir: &Path, env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .current_dir(dir)
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

async fn finish(cmd: &mut Command) -> Output {
    tokio::time::timeout(Duration::from_secs(30), cmd.output())
        .await
        .expect("the binary finishes")
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[tokio::test]
async fn help_documents_run_and_check() {
    let dir = tempfile::tempdir().expect("dir");
    let out = finish(emig_bot(dir.path(), &[]).arg("--help")).await;
    assert!(out.status.success());
    let help = text(&out.stdout);
    assert!(
        help.contains("run") && help.contains("check") && help.contains("--config"),
        "{help}"
    );
}

#[tokio::test]
async fn missing_token_is_one_clear_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("dir");
    let out = finish(&mut emig_bot(dir.path(), &[])).await;
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("EMIG_DISCORD_TOKEN"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

type Env<'a> = &'a [(&'a str, &'a str)];
type Args<'a> = &'a [&'a str];

#[tokio::test]
async fn invalid_values_and_bad_files_exit_2_naming_the_key() {
    let dir = tempfile::tempdir().expect("dir");
    let cases: [(Env, Args, &str); 4] = [
        (
            &[("EMIG_DISCORD_TOKEN", "not-a-token")],
            &["check"],
            "discord.token",
        ),
        (
            &[
                ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
                ("EMIG_LOG_FORMAT", "xml"),
            ],
            &["check"],
            "log.format",
        ),
        (
            &[
                ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
                ("EMIG_DATABASE_MAX_CONNECTIONS", "many"),
            ],
            &["check"],
            "database.max_connections",
        ),
        (
            &[("EMIG_DISCORD_TOKEN", TEST_TOKEN)],
            &["--config", "/nonexistent/emig.toml", "check"],
            "/nonexistent/emig.toml",
        ),
    ];
    for (env, args, named) in cases {
        let out = finish(emig_bot(dir.path(), env).args(args)).await;
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(named), "{named} not named: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(
            !err.contains("not-a-token"),
            "the bad token is not echoed: {err}"
        );
    }
    std::fs::write(dir.path().join("broken.toml"), "[database\nurl = ").expect("write");
    let out = finish(
        emig_bot(dir.path(), &[("EMIG_DISCORD_TOKEN", TEST_TOKEN)]).args([
            "--config",
            "broken.toml",
            "check",
        ]),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("broken.toml"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn check_migrates_the_database_and_redacts_the_token() {
    let dir = tempfile::tempdir().expect("dir");
    let out = finish(
        emig_bot(
            dir.path(),
            &[("EMIG_DISCORD_TOKEN", TEST_TOKEN), ("EMIG_LOG", "trace")],
        )
        .arg("check"),
    )
    .await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("discord.token            = [redacted]"),
        "{stdout}"
    );
    assert!(!stdout.contains(TEST_TOKEN) && !stderr.contains(TEST_TOKEN));
    // The default database lives under data/, created with its folder.
    assert!(dir.path().join("data/emig-bot.db").exists());
}

#[tokio::test]
async fn a_dotenv_file_is_read_but_never_overrides_the_environment() {
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(
        dir.path().join(".env"),
        format!("EMIG_DISCORD_TOKEN={TEST_TOKEN}\nEMIG_DEFAULT_TIMEZONE=Europe/Berlin\n"),
    )
    .expect("write .env");
    let out = finish(emig_bot(dir.path(), &[]).arg("check")).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("members.default_timezone = Europe/Berlin"));

    let out =
        finish(emig_bot(dir.path(), &[("EMIG_DEFAULT_TIMEZONE", "Asia/Tokyo")]).arg("check")).await;
    assert!(text(&out.stdout).contains("members.default_timezone = Asia/Tokyo"));
}

#[tokio::test]
async fn the_binary_serves_commands_and_stops_cleanly_on_sigterm_without_logging_the_token() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}", dir.path().join("bot.db").display());
    // Trace logs would fill a pipe that nobody reads until exit: write them to a file.
    let log_path = dir.path().join("bot.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let child = emig_bot(
        dir.path(),
        &[
            ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
            ("EMIG_DISCORD_API_BASE", &fake.api_base),
            ("EMIG_DATABASE_URL", &db_url),
            // Everything, at every level, must still be free of the token.
            ("EMIG_LOG", "trace"),
        ],
    )
    .stderr(log)
    .spawn()
    .expect("spawn");
    fake.wait_for_registration().await;

    let id = fake.new_id();
    let invoker = Invoker {
        user_id: MEMBER_A,
        guild_id: Some(GUILD_ID),
        permissions: MEMBER_PERMISSIONS,
    };
    fake.dispatch(
        "INTERACTION_CREATE",
        interactions::command(
            &id,
            invoker,
            "me timezone",
            &[("zone".into(), "Europe/Berlin".into())],
            None,
        ),
    );
    let callback = format!(
        "/api/v10/interactions/{id}/{}/callback",
        interactions::token_for(&id)
    );
    let body: Value = fake
        .wait_for("the binary's reply", |calls| {
            calls
                .iter()
                .find(|c| c.is("POST", &callback))
                .map(|c| c.body.clone())
        })
        .await;
    let reply = Reply::from_callback(&body);
    assert!(reply.content.contains("Europe/Berlin"), "{reply:?}");

    let pid = child.id().expect("running").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let out = tokio::time::timeout(Duration::from_secs(15), child.wait_with_output())
        .await
        .expect("exits after SIGTERM")
        .expect("output");
    let logs = format!(
        "{}{}",
        text(&out.stdout),
        std::fs::read_to_string(&log_path).expect("log")
    );
    assert!(out.status.success(), "exit {:?}\n{logs}", out.status);
    assert!(logs.contains("stopped cleanly"), "{logs}");
    fake.wait_for_disconnect().await;
    for secret_part in TEST_TOKEN.split('.') {
        assert!(
            !logs.contains(secret_part),
            "a token part leaked into the logs"
        );
    }
}
