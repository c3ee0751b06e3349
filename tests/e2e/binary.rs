//! The compiled `emig-bot` binary: settings errors, `check`, serving, SIGTERM, no token leaks.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use tokio::process::Command;

use crate::support::interactions::{self, Invoker};
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
        help.contains("run")
            && help.contains("check")
            && help.contains("backup")
            && help.contains("--config"),
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
    assert!(
        stdout.contains("nudges.quiet_hours       = 21:00-08:00"),
        "{stdout}"
    );
    assert!(
        stdout.contains("practice (green/yellow/red) = 45/55/60 s"),
        "{stdout}"
    );
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
    let db_url = crate::support::db::fresh_url(dir.path()).await;
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
    let invoker = Invoker::member(MEMBER_A);
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

fn run_bot(dir: &Path, fake: &FakeDiscord, db_url: &str, log: &str) -> tokio::process::Child {
    let log = std::fs::File::create(dir.join(log)).expect("log file");
    emig_bot(
        dir,
        &[
            ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
            ("EMIG_DISCORD_API_BASE", &fake.api_base),
            ("EMIG_DATABASE_URL", db_url),
            ("EMIG_NUDGES_QUIET_START", "0"),
            ("EMIG_NUDGES_QUIET_END", "0"),
            ("EMIG_NUDGES_SEND_RATE", "40"),
            ("EMIG_NUDGES_LEASE_SECONDS", "1"),
            ("EMIG_LOG", "info"),
        ],
    )
    .stderr(log)
    .spawn()
    .expect("spawn")
}

/// Polls the database the bot processes write (they run apart from the test, so no clock can
/// be advanced) until no nudge is unsent and no digest is still sending; fails after `limit`.
async fn wait_until_every_nudge_is_sent(db: &crate::support::db::Db, limit: Duration) {
    let deadline = tokio::time::Instant::now() + limit;
    loop {
        let open = db
            .scalar(
                "SELECT (SELECT COUNT(*) FROM nudges WHERE state <> 'sent')
                      + (SELECT COUNT(*) FROM digests WHERE state = 'sending')",
            )
            .await;
        if open == 0 {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{open} nudges or digests still open"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Follow-up ids carried by a digest message body (its Done buttons).
fn nudges_in(body: &Value) -> Vec<i64> {
    let mut out = Vec::new();
    for row in body["components"].as_array().into_iter().flatten() {
        for c in row["components"].as_array().into_iter().flatten() {
            let id = c["custom_id"].as_str().unwrap_or_default();
            if let Some(rest) = id.strip_prefix("emig:n-done:") {
                if let Some(follow_up) = rest.split(':').nth(1).and_then(|f| f.parse().ok()) {
                    out.push(follow_up);
                }
            }
        }
    }
    out
}

#[tokio::test]
async fn killing_the_binary_mid_run_neither_drops_nor_duplicates_a_nudge() {
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let db_url = crate::support::db::fresh_url(dir.path()).await;
    let due =
        crate::support::seed::due_follow_ups(&db_url, 300_000_000_000_000_000, 30, 30, false).await;

    let sent_messages = |calls: &[crate::support::fake_discord::RestCall]| {
        calls
            .iter()
            .filter(|c| {
                c.method == "POST" && c.path.starts_with("/api/v10/channels/") && c.status == 200
            })
            .map(|c| c.body.clone())
            .collect::<Vec<Value>>()
    };
    let mut first = run_bot(dir.path(), &fake, &db_url, "first.log");
    // Let it send part of the batch, then kill it without warning.
    fake.wait_for("some digests sent", |calls| {
        (sent_messages(calls).len() >= 8).then_some(())
    })
    .await;
    first.start_kill().expect("SIGKILL");
    let _ = first.wait().await;

    let mut second = run_bot(dir.path(), &fake, &db_url, "second.log");
    let bodies = fake
        .wait_for("every due nudge delivered", |calls| {
            let bodies = sent_messages(calls);
            let mut covered: Vec<i64> = bodies.iter().flat_map(nudges_in).collect();
            covered.sort_unstable();
            covered.dedup();
            (covered.len() == due.len()).then_some(bodies)
        })
        .await;
    // Discord keeps one message per nonce: resends with the same nonce are not new messages.
    let mut per_nonce: std::collections::BTreeMap<String, Vec<i64>> = Default::default();
    for body in &bodies {
        let nonce = body["nonce"]
            .as_str()
            .expect("every digest has a nonce")
            .to_owned();
        let nudges = nudges_in(body);
        if let Some(before) = per_nonce.insert(nonce, nudges.clone()) {
            assert_eq!(before, nudges, "a resend carries the same nudges");
        }
    }
    let mut delivered: Vec<i64> = per_nonce.values().flatten().copied().collect();
    delivered.sort_unstable();
    let mut expected = due.clone();
    expected.sort_unstable();
    assert_eq!(delivered, expected, "each due nudge in exactly one message");
    second.start_kill().expect("stop");
    let _ = second.wait().await;
}

#[tokio::test]
async fn sqlite_an_unwritable_database_path_is_one_clear_line_and_a_failing_exit() {
    let dir = tempfile::tempdir().expect("dir");
    // The database's folder would be inside a regular file: nothing can be created there.
    std::fs::write(dir.path().join("not-a-folder"), "x").expect("a file");
    let url = format!(
        "sqlite://{}",
        dir.path().join("not-a-folder").join("emig.db").display()
    );
    for args in [&["check"][..], &[][..]] {
        let out = finish(
            emig_bot(
                dir.path(),
                &[
                    ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
                    ("EMIG_DATABASE_URL", url.as_str()),
                    ("EMIG_DISCORD_API_BASE", "http://127.0.0.1:9"),
                ],
            )
            .args(args),
        )
        .await;
        assert!(!out.status.success(), "{args:?}");
        let err = text(&out.stderr);
        assert!(!err.contains("panicked"), "{err}");
        let lines: Vec<&str> = err.trim().lines().collect();
        assert_eq!(lines.len(), 1, "{args:?}: {err}");
        assert!(lines[0].contains("not-a-folder"), "{err}");
    }
    assert!(std::fs::metadata(dir.path().join("not-a-folder")).is_ok_and(|m| m.is_file()));
}

#[tokio::test]
async fn sqlite_backup_copies_the_live_database_consistently_while_it_is_written() {
    use emig_bot::db;
    use emig_bot::settings::DatabaseSettings;
    use sqlx::Row;

    let dir = tempfile::tempdir().expect("dir");
    let db_url = format!("sqlite://{}", dir.path().join("live.db").display());
    let pool = db::connect(&DatabaseSettings {
        url: db_url.clone(),
        max_connections: 4,
        busy_timeout_ms: 5000,
    })
    .await
    .expect("open")
    .as_sqlite()
    .expect("SQLite")
    .clone();
    sqlx::query("INSERT INTO members (user_id, created_at, updated_at) VALUES (1, 0, 0)")
        .execute(&pool)
        .await
        .expect("member");
    // A writer keeps adding contacts, one transaction each, until the backup is done.
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let pool = pool.clone();
        let done = done.clone();
        tokio::spawn(async move {
            let mut i = 0u32;
            while !done.load(std::sync::atomic::Ordering::SeqCst) && i < 1_000_000 {
                sqlx::query(
                    "INSERT INTO contacts (owner_id, name, name_folded, search_text, met_on, created_at, updated_at, last_used_at)
                     VALUES (1, ?, ?, ?, '2026-11-20', 0, 0, 0)",
                )
                .bind(format!("Contact {i}"))
                .bind(format!("contact {i}"))
                .bind(format!("contact {i}"))
                .execute(&pool)
                .await
                .expect("insert");
                i += 1;
            }
            i
        })
    };
    let copy = dir.path().join("copy.db");
    let out = finish(
        emig_bot(
            dir.path(),
            &[
                ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
                ("EMIG_DATABASE_URL", db_url.as_str()),
            ],
        )
        .arg("backup")
        .arg(&copy),
    )
    .await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("To restore"), "{stdout}");
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let written = writer.await.expect("the writer finished");

    // The copy opens, is intact, and holds a consistent prefix of the writes.
    let copy_url = format!("sqlite://{}", copy.display());
    let copied = sqlx::SqlitePool::connect(&copy_url)
        .await
        .expect("open the copy");
    let check: String = sqlx::query("PRAGMA integrity_check")
        .fetch_one(&copied)
        .await
        .expect("check")
        .get(0);
    assert_eq!(check, "ok");
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM contacts ORDER BY id")
        .fetch_all(&copied)
        .await
        .expect("contacts");
    let expected: Vec<String> = (0..names.len()).map(|i| format!("Contact {i}")).collect();
    assert_eq!(names, expected, "a prefix, with no gaps");
    // Taken mid-load: writes went on after the copy.
    assert!(
        names.len() < written as usize,
        "{} of {written}",
        names.len()
    );
    // A second backup to the same file is refused: nothing is overwritten.
    let again = finish(
        emig_bot(
            dir.path(),
            &[
                ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
                ("EMIG_DATABASE_URL", db_url.as_str()),
            ],
        )
        .arg("backup")
        .arg(&copy),
    )
    .await;
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
}

/// Runs on the PostgreSQL pass only (`scripts/test-postgres`); the SQLite pass has no server
/// to point it at, and its own backup is tested above.
#[tokio::test]
async fn postgres_backup_names_pg_dump_instead_of_failing_obscurely() {
    if crate::support::db::postgres_server().is_none() {
        eprintln!("no PostgreSQL server (EMIG_TEST_DATABASE_URL): the PostgreSQL pass runs this");
        return;
    }
    let dir = tempfile::tempdir().expect("dir");
    let db_url = crate::support::db::fresh_url(dir.path()).await;
    let copy = dir.path().join("copy.db");
    let out = finish(
        emig_bot(
            dir.path(),
            &[
                ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
                ("EMIG_DATABASE_URL", db_url.as_str()),
            ],
        )
        .arg("backup")
        .arg(&copy),
    )
    .await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("pg_dump"), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(!copy.exists());
}

/// Sends one slash command to the running binary and waits for its first answer.
async fn run_on(
    fake: &FakeDiscord,
    path: &str,
    options: &[(&str, crate::support::OptValue)],
) -> Reply {
    let id = fake.new_id();
    let invoker = Invoker::member(MEMBER_A);
    let options: Vec<(String, crate::support::OptValue)> = options
        .iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect();
    fake.dispatch(
        "INTERACTION_CREATE",
        interactions::command(&id, invoker, path, &options, None),
    );
    let callback = format!(
        "/api/v10/interactions/{id}/{}/callback",
        interactions::token_for(&id)
    );
    let body: Value = fake
        .wait_for(&format!("the binary's answer to {path}"), |calls| {
            calls
                .iter()
                .find(|c| c.is("POST", &callback))
                .map(|c| c.body.clone())
        })
        .await;
    Reply::from_callback(&body)
}

#[tokio::test]
async fn logs_at_info_carry_no_contact_details_notes_or_story_text() {
    use crate::support::OptValue;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let db_url = crate::support::db::fresh_url(dir.path()).await;
    let log_path = dir.path().join("bot.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    let child = emig_bot(
        dir.path(),
        &[
            ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
            ("EMIG_DISCORD_API_BASE", &fake.api_base),
            ("EMIG_DATABASE_URL", &db_url),
            ("EMIG_LOG", "info"),
        ],
    )
    .stderr(log)
    .spawn()
    .expect("spawn");
    fake.wait_for_registration().await;

    let secrets = [
        "Zebulon Secretname",
        "zeb@secret.example",
        "a private note xyzzy",
        "talked about quokka research",
    ];
    let added = run_on(
        &fake,
        "contact add",
        &[
            ("name", OptValue::from("Dr. Zebulon Secretname")),
            ("email", OptValue::from("zeb@secret.example")),
            ("notes", OptValue::from("a private note xyzzy")),
            (
                "talked-about",
                OptValue::from("talked about quokka research"),
            ),
            ("where-met", OptValue::from("SAEM 2026")),
        ],
    )
    .await;
    assert!(added.content.starts_with("Saved"), "{}", added.content);
    // Bad input and lookups go through the error and search paths too.
    run_on(
        &fake,
        "contact add",
        &[
            ("name", OptValue::from("Dr. Zebulon Secretname")),
            ("email", OptValue::from("not-an-email zeb@secret.example")),
        ],
    )
    .await;
    run_on(
        &fake,
        "contact show",
        &[("contact", OptValue::from("Dr. Zebulon Secretname"))],
    )
    .await;
    run_on(&fake, "contact find", &[("text", OptValue::from("quokka"))]).await;
    run_on(&fake, "followup list", &[]).await;

    let pid = child.id().expect("running").to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    let out = tokio::time::timeout(Duration::from_secs(15), child.wait_with_output())
        .await
        .expect("exits after SIGTERM")
        .expect("output");
    let logs = format!(
        "{}{}",
        text(&out.stdout),
        std::fs::read_to_string(&log_path).expect("log")
    );
    assert!(logs.contains("connected and commands registered"), "{logs}");
    for secret in secrets {
        assert!(
            !logs.contains(secret),
            "{secret:?} reached the info logs:\n{logs}"
        );
    }
    assert!(!logs.contains("quokka"), "{logs}");
}

#[tokio::test]
async fn sqlite_a_full_disk_while_running_is_one_clear_line_a_failing_exit_and_nothing_half_written(
) {
    use crate::support::OptValue;
    let fake = FakeDiscord::start().await;
    let dir = tempfile::tempdir().expect("dir");
    let db_path = dir.path().join("bot.db");
    let db_url = format!("sqlite://{}", db_path.display());
    let env = [
        ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
        ("EMIG_DISCORD_API_BASE", fake.api_base.as_str()),
        ("EMIG_DATABASE_URL", db_url.as_str()),
        ("EMIG_LOG", "info"),
    ];
    // The migrated database, then a file size limit a little above it: a full disk, for
    // this process only (`ulimit -f` counts 512-byte blocks in POSIX sh).
    let checked = finish(emig_bot(dir.path(), &env).arg("check")).await;
    assert!(checked.status.success(), "{}", text(&checked.stderr));
    // The limit counts per file: above both the database and a write-ahead log `check` may
    // have left behind, by a margin a few dozen contacts fill.
    let size_of = |suffix: &str| {
        std::fs::metadata(format!("{}{suffix}", db_path.display()))
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let blocks = (size_of("").max(size_of("-wal")) + 1024 * 1024) / 512;
    let log_path = dir.path().join("bot.log");
    let mut cmd = Command::new("sh");
    cmd.env_clear()
        .current_dir(dir.path())
        .envs(env.iter().copied())
        .args(["-c", &format!("ulimit -f {blocks} && exec \"$0\" run"), BIN])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(std::fs::File::create(&log_path).expect("log"))
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("spawn");
    fake.wait_for_registration().await;

    let note = "Talked through ultrasound fellowships, SLOE timing and how to ask. ".repeat(20);
    let mut saved = 0;
    let mut refused = None;
    for i in 0..2_000 {
        let reply = run_on(
            &fake,
            "contact add",
            &[
                ("name", OptValue::from(format!("Dr. Person {i}").as_str())),
                ("notes", OptValue::from(note.as_str())),
            ],
        )
        .await;
        if reply.content.starts_with("Saved") {
            saved += 1;
        } else {
            refused = Some(reply);
            break;
        }
    }
    let refused = refused.expect("the disk filled up");
    assert!(refused.ephemeral);
    assert!(
        refused
            .content
            .contains("storage is full, so nothing was saved"),
        "{}",
        refused.content
    );
    let status = tokio::time::timeout(Duration::from_secs(20), child.wait())
        .await
        .expect("the bot stops on a full disk")
        .expect("status");
    let logs = std::fs::read_to_string(&log_path).expect("log");
    assert!(!status.success(), "{logs}");
    assert!(!logs.contains("panicked"), "{logs}");
    let last = logs.trim().lines().last().unwrap_or_default();
    assert!(
        last.starts_with("emig-bot: the database's storage is full") && last.contains("make room"),
        "{logs}"
    );

    // Opened without the limit: whole, and holding exactly the contacts answered "Saved".
    let pool = sqlx::SqlitePool::connect(&db_url).await.expect("open");
    let (check,): (String,) = sqlx::query_as("PRAGMA integrity_check")
        .fetch_one(&pool)
        .await
        .expect("check");
    assert_eq!(check, "ok");
    let (contacts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM contacts")
        .fetch_one(&pool)
        .await
        .expect("count");
    assert_eq!(
        contacts, saved,
        "no answered write lost, no refused one kept"
    );
    assert!(saved > 10, "{saved} saved before the disk was full");
}

#[tokio::test]
async fn chaos_twenty_kills_and_a_faulty_discord_deliver_every_nudge_exactly_once() {
    let fake = FakeDiscord::start().await;
    // Discord honours a nonce for minutes; a short window here shows the bot never relies on
    // it alone: a resend after it would be a second message.
    fake.set_nonce_window(Duration::from_secs(2));
    fake.chaos(16, 100, "POST", "/messages");
    let dir = tempfile::tempdir().expect("dir");
    let db_url = crate::support::db::fresh_url(dir.path()).await;
    let due =
        crate::support::seed::due_follow_ups(&db_url, 300_000_000_000_000_000, 300, 1_000, false)
            .await;
    let start = |n: usize| {
        let log = std::fs::File::create(dir.path().join(format!("run-{n}.log"))).expect("log");
        emig_bot(
            dir.path(),
            &[
                ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
                ("EMIG_DISCORD_API_BASE", &fake.api_base),
                ("EMIG_DATABASE_URL", &db_url),
                ("EMIG_NUDGES_QUIET_START", "0"),
                ("EMIG_NUDGES_QUIET_END", "0"),
                ("EMIG_NUDGES_SEND_RATE", "40"),
                ("EMIG_NUDGES_LEASE_SECONDS", "1"),
                ("EMIG_NUDGES_RETRY_SECONDS", "1"),
                ("EMIG_NUDGES_REQUEST_TIMEOUT_SECONDS", "1"),
                ("EMIG_LOG", "info"),
            ],
        )
        .stderr(log)
        .spawn()
        .expect("spawn")
    };
    let registrations = |calls: &[crate::support::fake_discord::RestCall]| {
        calls
            .iter()
            .filter(|c| c.method == "PUT" && c.path.ends_with("/commands"))
            .count()
    };
    let mut rng = fastrand::Rng::with_seed(20_261_130);
    let kills = 20;
    for run in 0..kills {
        let mut bot = start(run);
        fake.wait_for("the bot registered", |calls| {
            (registrations(calls) > run).then_some(())
        })
        .await;
        tokio::time::sleep(Duration::from_millis(rng.u64(50..1_200))).await;
        bot.start_kill().expect("SIGKILL");
        let _ = bot.wait().await;
    }
    let killed_at = std::time::Instant::now();
    let mut last = start(kills);
    let db = crate::support::db::Db::open(&db_url).await;
    wait_until_every_nudge_is_sent(&db, Duration::from_secs(180)).await;
    let recovery = killed_at.elapsed();
    last.start_kill().expect("stop");
    let _ = last.wait().await;

    let messages = fake.created_messages();
    let mut per_nudge: std::collections::HashMap<i64, usize> = Default::default();
    for m in &messages {
        for id in nudges_in(m) {
            *per_nudge.entry(id).or_default() += 1;
        }
    }
    let lost = due.iter().filter(|id| !per_nudge.contains_key(id)).count();
    let duplicates: usize = per_nudge.values().map(|n| n - 1).sum();
    let digests = db.scalar("SELECT COUNT(*) FROM digests").await;
    println!(
        "chaos: {} nudges over 300 members, {kills} SIGKILLs, 10% faulty sends; {} DMs created, {digests} digests, {duplicates} duplicates, {lost} lost; the last run finished in {:.1} s",
        due.len(),
        messages.len(),
        recovery.as_secs_f64(),
    );
    assert_eq!((duplicates, lost), (0, 0));
    assert_eq!(per_nudge.len(), due.len());
}

/// Two real bot processes on one database, each running one of two gateway shards, deliver
/// 1,000 due nudges over 300 members: every nudge in exactly one DM, even though the process
/// with shard 0 is SIGKILLed midway (the other recovers its digests after their lease), the two
/// together never exceed the configured send rate (the fake answers 429 past it), only shard
/// 0's process registers the commands, and the survivor answers the interactions of its shard.
#[tokio::test]
async fn two_processes_on_two_shards_deliver_every_nudge_once_even_when_one_is_killed() {
    let fake = FakeDiscord::start().await;
    let rate = 20.0;
    fake.limit_rate("POST", "/messages", rate);
    let dir = tempfile::tempdir().expect("dir");
    let db_url = crate::support::db::fresh_url(dir.path()).await;
    let due =
        crate::support::seed::due_follow_ups(&db_url, 310_000_000_000_000_000, 300, 1_000, true)
            .await;
    let start = |shard: &str| {
        let log =
            std::fs::File::create(dir.path().join(format!("shard-{shard}.log"))).expect("log");
        emig_bot(
            dir.path(),
            &[
                ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
                ("EMIG_DISCORD_API_BASE", &fake.api_base),
                ("EMIG_DATABASE_URL", &db_url),
                ("EMIG_DISCORD_SHARD_COUNT", "2"),
                ("EMIG_DISCORD_SHARDS", shard),
                ("EMIG_NUDGES_QUIET_START", "0"),
                ("EMIG_NUDGES_QUIET_END", "0"),
                ("EMIG_NUDGES_SEND_RATE", "20"),
                ("EMIG_NUDGES_LEASE_SECONDS", "2"),
                ("EMIG_LOG", "info"),
            ],
        )
        .stderr(log)
        .spawn()
        .expect("spawn")
    };
    let mut first = start("0");
    let mut second = start("1");
    // Each process is ready once its shard is connected; only shard 0's registers.
    fake.wait_for_shards(&[0, 1]).await;
    fake.wait_for_registration().await;
    let shard_one_log = dir.path().join("shard-1.log");
    crate::support::bot::eventually("shard 1's process says it is ready", || {
        let log = std::fs::read_to_string(&shard_one_log).unwrap_or_default();
        async move { log.contains("ready: every shard of this process is connected") }
    })
    .await;

    let sent = |calls: &[crate::support::fake_discord::RestCall]| {
        calls
            .iter()
            .filter(|c| c.method == "POST" && c.path.ends_with("/messages") && c.status == 200)
            .count()
    };
    fake.wait_for("100 DMs sent", |calls| (sent(calls) >= 100).then_some(()))
        .await;
    first.start_kill().expect("SIGKILL");
    let _ = first.wait().await;
    fake.wait_for_shards(&[1]).await;

    let db = crate::support::db::Db::open(&db_url).await;
    wait_until_every_nudge_is_sent(&db, Duration::from_secs(120)).await;

    // The survivor answers a member in a server on its shard.
    let help = run_on(&fake, "help", &[]).await;
    assert!(help.ephemeral && !help.content.is_empty(), "{help:?}");
    second.start_kill().expect("stop");
    let _ = second.wait().await;

    let mut per_nudge: std::collections::HashMap<i64, usize> = Default::default();
    for m in &fake.created_messages() {
        for id in nudges_in(m) {
            *per_nudge.entry(id).or_default() += 1;
        }
    }
    let lost = due.iter().filter(|id| !per_nudge.contains_key(id)).count();
    let duplicates: usize = per_nudge.values().map(|n| n - 1).sum();
    assert_eq!((duplicates, lost), (0, 0));
    let calls = fake.calls();
    let registrations = calls
        .iter()
        .filter(|c| c.method == "PUT" && c.path.ends_with("/commands"))
        .count();
    assert_eq!(registrations, 1, "commands registered once, by shard 0");
    let limited = calls.iter().filter(|c| c.status == 429).count();
    assert_eq!(limited, 0, "the two processes together kept under {rate}/s");
}

/// Member A's contact list and `/me show`, as the bot answers them.
async fn shown_to_member_a(bot: &crate::support::TestBot) -> (String, String) {
    let list = bot
        .member(MEMBER_A)
        .run_command::<&str>("contact list", [])
        .await;
    let me = bot
        .member(MEMBER_A)
        .run_command::<&str>("me show", [])
        .await;
    (list.content, me.content)
}

/// `emig-bot migrate-to pg_url` with `sqlite_url` as the database.
async fn migrate_to(dir: &Path, sqlite_url: &str, pg_url: &str) -> Output {
    finish(
        emig_bot(
            dir,
            &[
                ("EMIG_DISCORD_TOKEN", TEST_TOKEN),
                ("EMIG_DATABASE_URL", sqlite_url),
            ],
        )
        .arg("migrate-to")
        .arg(pg_url),
    )
    .await
}

/// Runs on the PostgreSQL pass only (`scripts/test-postgres`): a chapter's SQLite database,
/// with something in every part of the bot, is copied by `emig-bot migrate-to` into an empty
/// PostgreSQL database; every table's count matches, the bot on the copy shows the member
/// the same, new rows get new ids, and a second run into the filled database is refused.
#[tokio::test]
async fn postgres_migrate_to_copies_a_sqlite_chapter_whole() {
    if crate::support::db::postgres_server().is_none() {
        eprintln!("no PostgreSQL server (EMIG_TEST_DATABASE_URL): the PostgreSQL pass runs this");
        return;
    }
    let bot = crate::support::TestBot::start_sqlite_with(&[]).await;
    crate::forgery::member_a_with_everything(&bot).await;
    let before = shown_to_member_a(&bot).await;
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("chapter.db");
    bot.store.backup_to(&file).await.expect("a copy to migrate");
    bot.stop().await.expect("stopped");
    let sqlite_url = format!("sqlite://{}", file.display());
    let source = crate::support::db::Db::open(&sqlite_url).await;
    // Letter ids up to 1,000 were handed out once (their rows since erased): never again.
    source
        .execute("UPDATE sqlite_sequence SET seq = 1000 WHERE name = 'letters'")
        .await;
    let mut counts = Vec::new();
    for table in source.tables().await {
        counts.push((
            table.clone(),
            source
                .scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .await,
        ));
    }
    source.close().await;
    let filled = counts.iter().filter(|(_, n)| *n > 0).count();
    assert!(filled >= 15, "most tables hold rows: {counts:?}");

    let pg_url = crate::support::db::fresh_url(dir.path()).await;
    let out = migrate_to(dir.path(), &sqlite_url, &pg_url).await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("every count matches"), "{stdout}");

    let target = crate::support::db::Db::open(&pg_url).await;
    for (table, n) in &counts {
        let copied = target
            .scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .await;
        assert_eq!(copied, *n, "{table}");
    }
    let next_letter = target
        .scalar("SELECT nextval(pg_get_serial_sequence('letters', 'id'))")
        .await;
    assert_eq!(next_letter, 1001);
    target.close().await;

    // The bot on the copy: the same answers, and a new contact gets a fresh id.
    let moved = crate::support::TestBot::start_on_database(&pg_url).await;
    assert_eq!(shown_to_member_a(&moved).await, before);
    let added = moved
        .member(MEMBER_A)
        .run_command("contact add", [("name", "Dr. After The Move")])
        .await;
    assert!(
        added.content.contains("Dr. After The Move"),
        "{}",
        added.content
    );
    moved.stop().await.expect("stopped");

    // Into a database that holds data: refused, nothing changed.
    let again = migrate_to(dir.path(), &sqlite_url, &pg_url).await;
    assert_eq!(again.status.code(), Some(1));
    assert!(
        text(&again.stderr).contains("already holds data"),
        "{}",
        text(&again.stderr)
    );
}
