//! `importai-bot`: the archive from a terminal. One variant and one function per subcommand.

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use importai_bot::cli;

#[derive(Debug, Parser)]
#[command(name = "importai-bot", version, about)]
struct Cli {
    /// The SQLite database of the archive. Created if missing, and then filled with the
    /// issues bundled with the program.
    #[arg(
        long,
        global = true,
        env = "DATABASE_URL",
        default_value = "sqlite://importai.db"
    )]
    database_url: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    Ingest(cli::ingest::IngestArgs),
    Backfill(cli::backfill::BackfillArgs),
    Export(cli::export::ExportArgs),
    /// Ask what the bot would answer: `ask issue 310`, `ask search "chess" --json`.
    Ask(importai_bot::console::ask::AskArgs),
    /// Run the Discord bot (needs DISCORD_TOKEN) until SIGINT or SIGTERM; with FEED_URL,
    /// follow the newsletter's feed and announce new issues.
    Serve(importai_bot::config::ServeArgs),
}

fn main() -> ExitCode {
    // Before parsing, so that DATABASE_URL may come from `.env`. A missing file is normal.
    let _ = dotenvy::dotenv();
    let args = Cli::parse();
    // The bot logs each interaction; the other commands only what goes wrong.
    let default_filter = match args.command {
        Command::Serve(_) => "info,serenity=warn,poise=warn",
        _ => "warn",
    };
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default_filter)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let result = tokio::runtime::Runtime::new()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(run(args)));
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Cli) -> anyhow::Result<ExitCode> {
    let database = &args.database_url;
    match args.command {
        Command::Ingest(ingest) => cli::ingest::run(database, ingest).await?,
        Command::Export(export) => cli::export::run(database, export).await?,
        Command::Ask(ask) => return cli::ask::run(database, ask).await,
        Command::Backfill(backfill) => return cli::backfill::run(database, backfill).await,
        Command::Serve(serve) => cli::serve::run(database, serve).await?,
    }
    Ok(ExitCode::SUCCESS)
}
