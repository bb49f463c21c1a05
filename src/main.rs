//! The `zhijiang` command: serve the API, run migrations, run the outbox
//! worker alone, and administrative bootstrap.

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use zhijiang::config::{Config, LogFormat};

#[derive(Parser)]
#[command(name = "zhijiang", version, about = "Zhijiang (智匠) training platform backend")]
struct Cli {
    /// A TOML settings file (the environment overrides it). Also ZHIJIANG_CONFIG.
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the HTTP API and the outbox worker.
    Serve {
        /// Seed a demo world on first start and print its logins.
        #[arg(long)]
        demo: bool,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Run only the outbox worker.
    Worker,
    /// Administrative tasks.
    #[command(subcommand)]
    Admin(Admin),
}

#[derive(Subcommand)]
enum Admin {
    /// Seed a large world for benchmarks: branches L01.., the demo course and
    /// exam, one cohort per branch, trainees t{n}@l01.load.test sharing one
    /// password. Prints what it made as JSON.
    SeedLoad {
        #[arg(long, default_value_t = 2)]
        branches: usize,
        #[arg(long, default_value_t = 1000)]
        trainees_per_branch: usize,
        #[arg(long, default_value = "load-test-password")]
        password: String,
        /// Also write results: completions, passed and failed attempts, certificates, withdrawals.
        #[arg(long)]
        with_results: bool,
        /// Also give every attempt a real draw and answers (implies --with-results;
        /// one question is harder in Thai), for item statistics at scale.
        #[arg(long)]
        with_answers: bool,
    },
    /// Find stored media objects that no row names (left by a crash between
    /// writing bytes and recording them) and remove them; objects younger
    /// than the grace period are never touched. Prints a JSON report.
    MediaSweep {
        /// Only count them (and their bytes).
        #[arg(long)]
        dry_run: bool,
        /// Minutes an unrecorded object is left alone (an upload may be in flight).
        #[arg(long, default_value_t = 60)]
        grace_minutes: u32,
    },
    /// Create the HQ branch (if needed) and a headquarters administrator. Idempotent.
    CreateHq {
        #[arg(long)]
        email: String,
        /// Also read from ZHIJIANG_BOOTSTRAP_PASSWORD, to keep it out of shell history.
        #[arg(long, env = "ZHIJIANG_BOOTSTRAP_PASSWORD", hide_env_values = true)]
        password: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load(cli.config) {
        Ok(config) => config,
        Err(err) => {
            eprintln!("zhijiang: {err}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&config);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve { demo } => zhijiang::serve::serve(config, demo).await,
            Command::Migrate => zhijiang::serve::migrate(config).await,
            Command::Worker => zhijiang::serve::worker(config).await,
            Command::Admin(Admin::MediaSweep { dry_run, grace_minutes }) => {
                zhijiang::serve::media_sweep(config, dry_run, grace_minutes).await
            }
            Command::Admin(Admin::CreateHq { email, password }) => zhijiang::serve::create_hq(config, &email, &password).await,
            Command::Admin(Admin::SeedLoad {
                branches,
                trainees_per_branch,
                password,
                with_results,
                with_answers,
            }) => zhijiang::serve::seed_load(config, branches, trainees_per_branch, &password, with_results, with_answers).await,
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("zhijiang: {err}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(config: &Config) {
    use tracing_subscriber::EnvFilter;
    // sqlx statements are debug-level; keep them out unless asked for.
    let filter = EnvFilter::try_new(&config.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Human => builder.init(),
    }
}
