//! The serving process under a burst: 200 interactions dispatched at once to the real
//! `importai-bot serve` binary, talking to the local Discord API; time to first response
//! (p50, p99), the process's peak memory (all of it, and its anonymous part: without the
//! mapped executable and libraries), and the CPU time it and the harness (the local
//! Discord API sharing the machine) spent per interaction, with the bundled archive and with
//! 10,000 issues.
//!
//! Side by side, in the same run and through the same local Discord API: a trivial poise bot
//! (this bench's own executable, started again as a child) with one command that answers a
//! fixed embed from memory. The product's figures on the bundled archive are printed as
//! ratios to it: the framework's floor, so that what the product adds shows. The product is
//! measured twice there: under a mix of what readers ask, and under `/issue` alone, one
//! command as the trivial bot gets.
//!
//! Run: `cargo bench --bench serve` (`--profile dev` for a quick look). To measure another
//! build of the bot, e.g. the `dist` profile's: `SERVE_BENCH_BIN=target/dist/importai-bot`.

#[path = "../tests/support/mod.rs"]
mod support;
#[path = "support/synthetic.rs"]
mod synthetic;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use support::discord_api::{FakeDiscord, InteractionBuilder, OptionKind, GUILD_ID};

const TOKEN: &str = "MTE4MDAwMDAwMDAwMDAwMDAwMQ.GfAkEt.YmVuY2htYXJrLXRva2Vu";
/// The `importai-bot` to measure instead of this profile's (another profile's build, say).
const SERVE_BINARY: &str = "SERVE_BENCH_BIN";
/// Set in the environment of the child that runs the trivial bot.
const TRIVIAL_BOT: &str = "SERVE_BENCH_TRIVIAL_BOT";
const BURST: usize = 200;
const ROUNDS: usize = 5;

struct Run {
    p50: Duration,
    p99: Duration,
    peak_kib: u64,
    /// The highest anonymous resident memory seen: the heap and stacks, without the mapped
    /// executable and libraries, which count in `peak_kib`.
    peak_anon_kib: u64,
    /// CPU time the serving process spent per interaction of the rounds.
    cpu_per_interaction: Duration,
    /// The same for this process: the local Discord API and the measuring.
    harness_cpu_per_interaction: Duration,
}

/// What serves the burst.
#[derive(Clone, Copy)]
enum Bot<'a> {
    /// `importai-bot serve` on a database whose issues run `first..first + count`.
    Product {
        db: &'a Path,
        first: i64,
        count: i64,
        asked: Workload,
    },
    /// The trivial poise bot.
    Trivial,
}

/// What the product is asked.
#[derive(Clone, Copy, PartialEq)]
enum Workload {
    /// What readers do: issues, sections, tales, links, searches, autocomplete.
    Mixed,
    /// `/issue` only: one command, as the trivial bot gets, so that the ratio shows what
    /// the product adds to an answer read from its store, without search's ranking.
    IssueOnly,
}

fn start(bot: Bot<'_>, discord: &FakeDiscord) -> Child {
    let mut command = match bot {
        Bot::Product { db, .. } => {
            let binary = std::env::var_os(SERVE_BINARY)
                .unwrap_or_else(|| env!("CARGO_BIN_EXE_importai-bot").into());
            let mut command = Command::new(binary);
            command
                .arg("serve")
                .env("DATABASE_URL", format!("sqlite://{}", db.display()));
            command
        }
        Bot::Trivial => {
            let mut command =
                Command::new(std::env::current_exe().expect("the bench's own executable"));
            command.env(TRIVIAL_BOT, "1");
            command
        }
    };
    command
        .env("DISCORD_TOKEN", TOKEN)
        .env("DISCORD_API_BASE", discord.rest_base())
        .env("DISCORD_GUILD_ID", GUILD_ID.to_string())
        .env("RUST_LOG", "warn")
        .env_remove("FEED_URL")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start importai-bot serve")
}

/// A memory figure of the process from /proc/PID/status, in KiB: `VmHWM` (the high-water
/// mark of resident memory) or `RssAnon` (anonymous resident memory now).
fn status_kib(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Samples the process's anonymous resident memory every few milliseconds until stopped,
/// and answers the highest seen: Linux keeps a high-water mark of all resident memory only.
fn watch_anonymous_memory(
    pid: u32,
) -> (
    tokio::task::JoinHandle<u64>,
    tokio::sync::oneshot::Sender<()>,
) {
    let (stop, mut stopped) = tokio::sync::oneshot::channel();
    let watching = tokio::spawn(async move {
        let mut peak = 0;
        loop {
            peak = peak.max(status_kib(pid, "RssAnon"));
            tokio::select! {
                _ = &mut stopped => return peak,
                _ = tokio::time::sleep(Duration::from_millis(5)) => {}
            }
        }
    });
    (watching, stop)
}

/// CPU time (user and system) a process has used so far, from /proc/PID/stat.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let after_name = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let ticks: u64 = after_name
        .split_whitespace()
        .skip(11)
        .take(2)
        .filter_map(|t| t.parse::<u64>().ok())
        .sum();
    // Linux reports in USER_HZ, which is 100 on every platform it runs on.
    Duration::from_millis(ticks * 10)
}

/// The `i`th interaction of a run, over issues the archive holds: each round asks about
/// other issues, while the archive has that many. The trivial bot gets its one command.
fn interaction(discord: &FakeDiscord, i: usize, bot: Bot<'_>) -> InteractionBuilder {
    let Bot::Product {
        first,
        count,
        asked,
        ..
    } = bot
    else {
        return discord.command(trivial::COMMAND);
    };
    let n = first + (i as i64 * 37) % count;
    let kind = match asked {
        Workload::Mixed => i % 6,
        Workload::IssueOnly => 0,
    };
    match kind {
        0 => discord.command("issue").option_int("number", n),
        1 => discord
            .command("section")
            .option_int("issue", n)
            .option_int("position", 1 + (i as i64 % 4)),
        2 => discord.command("tale").option_int("issue", n),
        3 => discord.command("links").option_int("issue", n),
        4 => discord
            .command("search")
            .option_str("query", ["chess", "language models", "robots"][(i / 6) % 3]),
        _ => discord.autocomplete("issue").focused(
            "number",
            &n.to_string()[..2],
            OptionKind::Integer,
        ),
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

async fn measure(bot: Bot<'_>) -> Run {
    let discord = FakeDiscord::start().await;
    let mut child = start(bot, &discord);
    discord.wait_for_ready(Duration::from_secs(60)).await;
    discord
        .await_registered_commands(Duration::from_secs(60))
        .await;
    // One interaction first, so the harness has compiled its validators.
    let warm = discord
        .send_interaction(interaction(&discord, 0, bot))
        .await;
    discord.await_response(warm, Duration::from_secs(10)).await;

    let mut p50s = Vec::new();
    let mut p99s = Vec::new();
    let (watching, stop_watching) = watch_anonymous_memory(child.id());
    let cpu_before = cpu_time(child.id());
    let harness_cpu_before = cpu_time(std::process::id());
    for round in 0..ROUNDS {
        let sends = (round * BURST..(round + 1) * BURST)
            .map(|i| discord.send_interaction(interaction(&discord, i, bot)));
        let ids = futures_util::future::join_all(sends).await;
        let mut latencies = Vec::with_capacity(BURST);
        for id in ids {
            let recorded = discord.await_response(id, Duration::from_secs(10)).await;
            assert!(recorded.is_accepted(), "{:?}", recorded.violations);
            latencies.push(recorded.latency());
        }
        latencies.sort();
        p50s.push(percentile(&latencies, 0.50));
        p99s.push(percentile(&latencies, 0.99));
    }
    let interactions = (ROUNDS * BURST) as u32;
    let cpu_per_interaction = cpu_time(child.id()).saturating_sub(cpu_before) / interactions;
    let harness_cpu_per_interaction =
        cpu_time(std::process::id()).saturating_sub(harness_cpu_before) / interactions;
    let peak_kib = status_kib(child.id(), "VmHWM");
    let _ = stop_watching.send(());
    let peak_anon_kib = watching.await.expect("the memory watch");
    discord.assert_no_violations();
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    p50s.sort();
    p99s.sort();
    Run {
        p50: p50s[ROUNDS / 2],
        p99: p99s[ROUNDS / 2],
        peak_kib,
        peak_anon_kib,
        cpu_per_interaction,
        harness_cpu_per_interaction,
    }
}

fn print_run(name: &str, run: &Run) {
    println!(
        "{:<18} {:>8.2}ms {:>8.2}ms {:>8.1} MiB {:>8.1} MiB {:>8.0}µs/int {:>8.0}µs/int",
        name,
        run.p50.as_secs_f64() * 1e3,
        run.p99.as_secs_f64() * 1e3,
        run.peak_kib as f64 / 1024.0,
        run.peak_anon_kib as f64 / 1024.0,
        run.cpu_per_interaction.as_secs_f64() * 1e6,
        run.harness_cpu_per_interaction.as_secs_f64() * 1e6,
    );
}

/// The product's figures as multiples of the trivial bot's.
fn print_ratios(name: &str, product: &Run, trivial: &Run) {
    let ratio = |a: f64, b: f64| if b > 0.0 { a / b } else { f64::NAN };
    println!(
        "{:<18} {:>9.2}× {:>9.2}× {:>12.2}× {:>12.2}× {:>13.2}× {:>13.2}×",
        name,
        ratio(product.p50.as_secs_f64(), trivial.p50.as_secs_f64()),
        ratio(product.p99.as_secs_f64(), trivial.p99.as_secs_f64()),
        ratio(product.peak_kib as f64, trivial.peak_kib as f64),
        ratio(product.peak_anon_kib as f64, trivial.peak_anon_kib as f64),
        ratio(
            product.cpu_per_interaction.as_secs_f64(),
            trivial.cpu_per_interaction.as_secs_f64()
        ),
        ratio(
            product.harness_cpu_per_interaction.as_secs_f64(),
            trivial.harness_cpu_per_interaction.as_secs_f64()
        ),
    );
}

fn main() {
    if std::env::var_os(TRIVIAL_BOT).is_some() {
        return trivial::serve();
    }
    // `cargo bench --bench serve -- 10000` measures only the archives whose name contains
    // the filter; `cargo bench` itself passes `--bench`, which is not a filter.
    let filter: Option<String> = std::env::args().skip(1).find(|a| !a.starts_with("--"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve-bench");
    std::fs::create_dir_all(&dir).expect("bench directory");
    runtime.block_on(async {
        // The bundled archive is stored before the bot starts, as after its first start:
        // the figures are of serving, not of the one-off filling of a new database.
        let bundled = dir.join("bundled.db");
        let _ = std::fs::remove_file(&bundled);
        importai_bot::store::Store::open(&format!("sqlite://{}", bundled.display()))
            .await
            .expect("the bundled archive stored")
            .close()
            .await;
        let large = dir.join("synthetic-10000.db");
        let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
        if wanted("10000 issues") {
            synthetic::store(&large, 10_000).await.close().await;
        }

        println!("{BURST} interactions at once, {ROUNDS} rounds; medians over rounds");
        println!(
            "{:<18} {:>10} {:>10} {:>12} {:>12} {:>14} {:>14}",
            "archive", "p50", "p99", "peak RSS", "peak anon", "serve CPU", "harness CPU"
        );
        let trivial = measure(Bot::Trivial).await;
        print_run("trivial bot", &trivial);
        for (name, db, first, count, asked) in [
            ("10 issues", &bundled, 301, 10, Workload::Mixed),
            ("10 issues, /issue", &bundled, 301, 10, Workload::IssueOnly),
            ("10000 issues", &large, 1, 10_000, Workload::Mixed),
        ] {
            if !wanted(name) {
                continue;
            }
            let bot = Bot::Product {
                db,
                first,
                count,
                asked,
            };
            let run = measure(bot).await;
            print_run(name, &run);
            print_ratios("  ÷ trivial", &run, &trivial);
        }
    });
}

/// The trivial bot: poise with one command that answers a fixed embed from memory,
/// connected the way `serve` connects (REST through DISCORD_API_BASE, no rate limiter).
mod trivial {
    use poise::serenity_prelude as serenity;
    use serenity::{ClientBuilder, CreateEmbed, GatewayIntents, GuildId, HttpBuilder};

    pub const COMMAND: &str = "fixed";

    type Context<'a> = poise::Context<'a, (), serenity::Error>;

    /// Answer a fixed embed.
    #[poise::command(slash_command, rename = "fixed")]
    async fn fixed(ctx: Context<'_>) -> Result<(), serenity::Error> {
        let embed = CreateEmbed::new()
            .title("Import AI 310: A fixed answer")
            .description(
                "The same embed for every interaction, built from constants: what a bot \
                 costs before it reads anything.",
            )
            .field("Sections", "1. One\n2. Two\n3. Three", true)
            .field("Tale", "A short story", true);
        ctx.send(poise::CreateReply::default().embed(embed)).await?;
        Ok(())
    }

    pub fn serve() {
        let setting = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} unset"));
        let (token, base) = (setting("DISCORD_TOKEN"), setting("DISCORD_API_BASE"));
        let guild = GuildId::new(setting("DISCORD_GUILD_ID").parse().expect("a guild id"));
        let runtime = tokio::runtime::Runtime::new().expect("runtime");
        runtime.block_on(async move {
            let http = HttpBuilder::new(&token)
                .proxy(base.trim_end_matches('/'))
                .ratelimiter_disabled(true)
                .build();
            let framework = poise::Framework::builder()
                .options(poise::FrameworkOptions {
                    commands: vec![fixed()],
                    ..Default::default()
                })
                .setup(move |ctx, _ready, framework| {
                    Box::pin(async move {
                        let commands = &framework.options().commands;
                        poise::builtins::register_in_guild(ctx, commands, guild).await
                    })
                })
                .build();
            let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
                .framework(framework)
                .await
                .expect("the trivial bot's client");
            client.start().await.expect("the trivial bot serves");
        });
    }
}
