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
}

/// Bad settings: the message has been printed, exit 2 like other usage errors.
const EXIT_CONFIG: u8 = 2;

#[tokio::main]
async fn main() -> ExitCode {
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

    match cli.command.unwrap_or(Command::Run) {
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
