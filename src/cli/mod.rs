//! The command line: argument parsing and dispatch.
//!
//! One file per command family (`ls`, `tags`, `ai_tags`, `rm`, `apply`, `update`, `jobs`, `lint`,
//! `sandbox`, `tui`) over the shared flags and targets ([`targets`]) and one way to run a
//! job ([`run`]: confirm, execute, report). [`help`] builds the command that parsing,
//! `--help` (with examples), `iktag completions` and `iktag man` share.
//!
//! Outcomes go to stdout (one JSON object per file with `--json`, else a table), progress
//! to stderr (a bar only when stderr is a terminal).
//!
//! Exit codes: 0 done; 1 failed; 2 usage or configuration error (a bad flag, a bad
//! searchQuery: the server's 400; a bad rules file); 3 finished with some files failed,
//! missing or cancelled; 4 `iktag lint` found violations (0: clean).

mod ai_tags;
mod apply;
mod help;
mod jobs;
mod lint;
mod ls;
mod rm;
mod run;
mod sandbox;
mod tags;
mod targets;
mod tui;
mod update;
mod waits;

use std::process::ExitCode;

use clap::{FromArgMatches, Parser, Subcommand};

pub use sandbox::{DemoArgs, SandboxArgs};

/// Exit code for a usage or configuration error.
pub const EXIT_USAGE: u8 = 2;
/// Exit code for a failure.
pub const EXIT_FAILED: u8 = 1;
/// Exit code of `iktag lint` when violations are left (checked, not clean).
pub const EXIT_VIOLATIONS: u8 = 4;

#[derive(Debug, Parser)]
#[command(
    name = "iktag",
    version,
    about = "Curate the tags of an ImageKit media library from the terminal",
    long_about = None,
)]
pub struct Cli {
    #[command(flatten)]
    pub common: targets::Common,
    /// Without a command, iktag opens the terminal UI on the configured profile.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List or search files
    Ls(ls::LsArgs),
    /// Add, replace, remove, rename or merge tags on many files; tag statistics and typos
    #[command(subcommand)]
    Tags(tags::TagsCommand),
    /// Remove AI tags, promote them to tags, or run auto-tagging on many files
    #[command(subcommand, name = "ai-tags")]
    AiTags(ai_tags::AiTagsCommand),
    /// Change one file: tags, custom coordinates, custom metadata, description, auto-tagging
    Update(update::UpdateArgs),
    /// Delete files (asks for the count to be typed)
    Rm(rm::RmArgs),
    /// List recorded jobs, show one, resume an interrupted one or retry its failed files
    Jobs {
        #[command(subcommand)]
        command: Option<jobs::JobsCommand>,
    },
    /// Put back what a job changed (same library only, once; files changed since are left alone)
    Undo(jobs::UndoArgs),
    /// Check tags against a rules file; --fix fixes what it can as one job; --init writes a starter file
    Lint(lint::LintArgs),
    /// Apply an edited `iktag ls --json` listing back to the library as one job
    Apply(apply::ApplyArgs),
    /// Run a local ImageKit-compatible API server (for iktag, your scripts and the official SDKs)
    Sandbox(SandboxArgs),
    /// The terminal UI on an embedded sandbox with the demo library (--no-tui: only serve it)
    Demo(DemoArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    Completions {
        /// The shell to complete for
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
}

/// Entry point used by `main.rs`.
pub fn main() -> ExitCode {
    let cli = match help::command()
        .try_get_matches()
        .and_then(|m| Cli::from_arg_matches(&m))
    {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { EXIT_USAGE } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Printed from the command's definition alone: no runtime, no logging.
    match &cli.command {
        Some(Command::Completions { shell }) => return finish(help::completions(*shell)),
        Some(Command::Man) => return finish(help::man()),
        _ => {}
    }
    let tui = match &cli.command {
        None => true,
        Some(Command::Demo(a)) => !a.no_tui,
        Some(_) => false,
    };
    init_logging(tui);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("iktag: cannot start the async runtime: {e}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let result = runtime.block_on(async {
        let common = cli.common;
        let Some(command) = cli.command else {
            return tui::run(common).await;
        };
        match command {
            Command::Ls(args) => ls::ls(common, args).await,
            Command::Tags(cmd) => tags::tags(common, cmd).await,
            Command::AiTags(cmd) => ai_tags::ai_tags(common, cmd).await,
            Command::Rm(args) => rm::rm(common, args).await,
            Command::Update(args) => update::update(common, args).await,
            Command::Jobs { command } => jobs::jobs_cmd(common, command).await,
            Command::Undo(args) => jobs::undo(common, args).await,
            Command::Apply(args) => apply::apply(common, args).await,
            Command::Lint(args) => lint::lint(common, args).await,
            Command::Sandbox(args) => {
                help::refuse_globals("sandbox", &common)?;
                sandbox::run(args).await
            }
            Command::Demo(args) => {
                help::refuse_globals("demo", &common)?;
                sandbox::demo(args, common).await
            }
            Command::Completions { .. } | Command::Man => Ok(()),
        }
    });
    finish(result)
}

fn finish(result: Result<(), CliError>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("iktag: {}", e.message);
            ExitCode::from(e.code)
        }
    }
}

/// An error that ends the program with a message and an exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    pub fn usage(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_USAGE,
            message: message.into(),
        }
    }

    pub fn failed(message: impl Into<String>) -> Self {
        CliError {
            code: EXIT_FAILED,
            message: message.into(),
        }
    }

    /// Part of the work was done (exit 3).
    pub fn partial(message: impl Into<String>) -> Self {
        CliError {
            code: run::EXIT_PARTIAL,
            message: message.into(),
        }
    }
}

// The lower layers' errors, each with the exit code it means on the command line. The
// message is the error's own text; callers that add context map explicitly instead.

/// A client that cannot be built (the base URL's scheme, the key) is a configuration
/// error, and a request the server rejected as malformed (400: a bad searchQuery, a bad
/// value) is a usage error: both exit 2. A request that failed otherwise exits 1.
impl From<crate::api::ApiError> for CliError {
    fn from(e: crate::api::ApiError) -> Self {
        match e {
            crate::api::ApiError::Config(_) | crate::api::ApiError::BadRequest { .. } => {
                CliError::usage(e.to_string())
            }
            _ => CliError::failed(e.to_string()),
        }
    }
}

/// A `keymap.toml` that cannot be used: a configuration error (exit 2).
impl From<crate::tui::error::KeymapError> for CliError {
    fn from(e: crate::tui::error::KeymapError) -> Self {
        CliError::usage(e.to_string())
    }
}

/// The terminal UI could not start or went away (exit 1).
impl From<crate::tui::error::TuiError> for CliError {
    fn from(e: crate::tui::error::TuiError) -> Self {
        CliError::failed(e.to_string())
    }
}

/// Profiles, key sources and paths: a configuration error (exit 2).
impl From<crate::config::ConfigError> for CliError {
    fn from(e: crate::config::ConfigError) -> Self {
        CliError::usage(e.to_string())
    }
}

/// A job that cannot be planned (bad tags): a usage error (exit 2).
impl From<crate::jobs::PlanError> for CliError {
    fn from(e: crate::jobs::PlanError) -> Self {
        CliError::usage(e.to_string())
    }
}

/// Undo, resume or retry refused (another library, nothing to do twice): exit 2.
impl From<crate::jobs::lifecycle::Refusal> for CliError {
    fn from(e: crate::jobs::lifecycle::Refusal) -> Self {
        CliError::usage(e.0)
    }
}

/// The journals could not be read or written while listing or running jobs: exit 1.
/// (A job named on the command line that cannot be loaded is the caller's error, exit 2:
/// `jobs show` maps that itself.)
impl From<crate::jobs::journal::JournalError> for CliError {
    fn from(e: crate::jobs::journal::JournalError) -> Self {
        CliError::failed(e.to_string())
    }
}

/// The sandbox could not open its store or start serving: exit 1.
impl From<crate::sandbox::StartError> for CliError {
    fn from(e: crate::sandbox::StartError) -> Self {
        CliError::failed(e.to_string())
    }
}

/// Logs go to stderr, filtered by `IKTAG_LOG` (default `info`). While the terminal UI
/// runs they go to `iktag.log` in the state directory instead, never to the screen.
fn init_logging(tui: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("IKTAG_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    if tui {
        let file = crate::config::state_dir(&crate::config::ProcessEnv)
            .ok()
            .and_then(|d| {
                std::fs::create_dir_all(&d).ok()?;
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(d.join("iktag.log"))
                    .ok()
            });
        let _ = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .with_writer(std::sync::Mutex::new(file.map_or_else(
                || Box::new(std::io::sink()) as Box<dyn std::io::Write + Send>,
                |f| Box::new(f) as Box<dyn std::io::Write + Send>,
            )))
            .try_init();
        return;
    }
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}
