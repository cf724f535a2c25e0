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
    Export(cli::export::ExportArgs),
}

fn main() -> ExitCode {
    // Before parsing, so that DATABASE_URL may come from `.env`. A missing file is normal.
    let _ = dotenvy::dotenv();
    let args = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();

    let result = tokio::runtime::Runtime::new()
        .map_err(anyhow::Error::from)
        .and_then(|runtime| runtime.block_on(run(args)));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Cli) -> anyhow::Result<()> {
    match args.command {
        Command::Ingest(ingest) => cli::ingest::run(&args.database_url, ingest).await,
        Command::Export(export) => cli::export::run(&args.database_url, export).await,
    }
}
