//! The emig-bot binary: parse the command line, load settings, log, run.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use emig_bot::settings::Settings;
use emig_bot::{db, telemetry, App, Deps};

/// A Discord bot for emergency-medicine interest groups: contacts, follow-ups, conferences.
///
/// Settings come from the built-in defaults, an optional TOML file, a .env file and EMIG_*
/// environment variables (see README.md); the token goes in EMIG_DISCORD_TOKEN.
#[derive(Parser)]
#[command(name = "emig-bot", version)]
struct Cli {
    /// A TOML file whose keys override the defaults (also EMIG_CONFIG).
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Connect to Discord and serve commands (the default).
    Run,
    /// Validate the settings and open (and migrate) the database without connecting to
    /// Discord; print the settings in use, token redacted.
    Check,
    /// Write a consistent copy of the database to PATH (a new file), safe while the bot runs.
    Backup {
        /// Where the copy goes; it must not exist yet.
        path: PathBuf,
    },
    /// Copy the SQLite database (database.url) into a new, empty PostgreSQL database, set its
    /// id sequences, and check every table's row count. Stop the bot first.
    MigrateTo {
        /// The PostgreSQL database to fill, e.g. postgres://emig:PASSWORD@127.0.0.1/emig_bot.
        url: String,
    },
}

/// Bad settings: the message has been printed, exit 2 like other usage errors.
const EXIT_CONFIG: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    // A .env file never overrides a variable that is really set.
    let _ = dotenvy::dotenv();
    let settings = match Settings::load(cli.config.as_deref(), &|name| std::env::var(name).ok()) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("emig-bot: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    telemetry::init(&settings.log);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(settings.worker_threads)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("emig-bot: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(cli.command.unwrap_or(Command::Run), settings))
}

/// Carries out `command` on the runtime.
async fn run(command: Command, settings: Settings) -> ExitCode {
    match command {
        Command::Check => match db::connect(&settings.database).await {
            Ok(pool) => {
                pool.close().await;
                println!("{settings}\nSettings are valid and the database is ready.");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("emig-bot: {e}");
                ExitCode::from(EXIT_CONFIG)
            }
        },
        Command::MigrateTo { url } => migrate_to(&settings, &url).await,
        Command::Backup { path } => {
            let pool = match db::connect(&settings.database).await {
                Ok(pool) => pool,
                Err(e) => {
                    eprintln!("emig-bot: {e}");
                    return ExitCode::from(EXIT_CONFIG);
                }
            };
            let store = emig_bot::store::Store::new(pool);
            let copied = store.backup_to(&path).await;
            store.close().await;
            match copied {
                Ok(bytes) => {
                    println!(
                        "Backed up to {} ({bytes} bytes). To restore: stop the bot, then put this file in place of the database file.",
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => {
                    eprintln!("emig-bot: backup to {} failed: {e}", path.display());
                    ExitCode::FAILURE
                }
            }
        }
        Command::Run => {
            // A database file grown past the process's size limit (RLIMIT_FSIZE) must fail
            // its write — which the bot reports, then stops on — not kill the process
            // mid-write with SIGXFSZ. Handling the signal replaces its default action.
            #[cfg(target_os = "linux")]
            let _file_too_big =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::from_raw(25));
            let app = match App::build(&settings, Deps::default()).await {
                Ok(app) => app,
                Err(e) => {
                    eprintln!("emig-bot: {e}");
                    return ExitCode::from(EXIT_CONFIG);
                }
            };
            match app.run_until_stopped(shutdown_signal()).await {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("emig-bot: {e}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Ctrl-C, or SIGTERM from a container runtime or service manager.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
}

/// `emig-bot migrate-to <postgres-url>`: everything in the SQLite database, copied whole.
async fn migrate_to(settings: &Settings, url: &str) -> ExitCode {
    if db::Engine::of_url(&settings.database.url) != Some(db::Engine::Sqlite) {
        eprintln!(
            "emig-bot: migrate-to copies a SQLite database, and database.url is {}",
            db::redact(&settings.database.url)
        );
        return ExitCode::from(EXIT_CONFIG);
    }
    if db::Engine::of_url(url) != Some(db::Engine::Postgres) {
        eprintln!(
            "emig-bot: migrate-to needs a postgres:// URL to copy into, not {}",
            db::redact(url)
        );
        return ExitCode::from(EXIT_CONFIG);
    }
    let open = |url: &str| emig_bot::settings::DatabaseSettings {
        url: url.to_owned(),
        ..settings.database.clone()
    };
    let source = match db::connect(&settings.database).await {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("emig-bot: {e}");
            return ExitCode::from(EXIT_CONFIG);
        }
    };
    let target = match db::connect(&open(url)).await {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("emig-bot: the PostgreSQL database: {e}");
            source.close().await;
            return ExitCode::FAILURE;
        }
    };
    let (Some(from), Some(to)) = (source.as_sqlite(), target.as_postgres()) else {
        eprintln!("emig-bot: migrate-to copies from SQLite into PostgreSQL only");
        return ExitCode::from(EXIT_CONFIG);
    };
    let copied = emig_bot::store::migrate_to::copy_sqlite_to_postgres(from, to).await;
    source.close().await;
    target.close().await;
    match copied {
        Ok(tables) => {
            for t in &tables {
                println!("{:<22} {:>10} rows", t.table, t.rows);
            }
            println!(
                "Copied {} tables ({} rows) into {}; every count matches. Set database.url to it and start the bot.",
                tables.len(),
                tables.iter().map(|t| t.rows).sum::<i64>(),
                db::redact(url)
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("emig-bot: migrate-to failed, nothing was copied: {e}");
            ExitCode::FAILURE
        }
    }
}
