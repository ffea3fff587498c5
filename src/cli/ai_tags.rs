//! `iktag ai-tags rm | promote | auto`, and the auto-tagging limits `iktag update` shares.

use clap::{Args, Subcommand};

use super::CliError;
use super::run::{context, run_job};
use super::targets::{Common, JobFlags, Targets, resolve_targets};
use crate::jobs::{AutoTagParams, Operation};

#[derive(Debug, Subcommand)]
pub enum AiTagsCommand {
    /// Remove AI tags by name, all of them, or those below a confidence (cannot be undone)
    Rm {
        /// The AI tag names to remove
        #[arg(value_name = "TAG", required_unless_present_any = ["all", "below"], conflicts_with_all = ["all", "below"])]
        names: Vec<String>,
        /// Remove every AI tag of each file
        #[arg(long, conflicts_with = "below")]
        all: bool,
        /// Remove the AI tags whose confidence is below this (0-100)
        #[arg(long, value_name = "CONFIDENCE")]
        below: Option<f64>,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Copy AI tags with at least this confidence into each file's tags (undoable)
    Promote {
        /// The lowest confidence promoted (0-100)
        #[arg(long, value_name = "CONFIDENCE")]
        min: f64,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Run the google or aws auto-tagging extension on each file; each file's outcome is
    /// its extensionStatus (`pending`: the AI tags arrive later)
    Auto {
        /// Which auto-tagging extension runs
        #[arg(long, value_parser = AutoTagParams::SOURCES, default_value = "google")]
        source: String,
        #[command(flatten)]
        limits: AutoTagLimits,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        flags: JobFlags,
    },
}

/// Auto-tagging limits (checked by [`AutoTagParams`], the same rule as in the TUI).
#[derive(Debug, Args, Clone)]
pub struct AutoTagLimits {
    /// At most this many AI tags per file (1-30)
    #[arg(long, value_name = "N", default_value_t = AutoTagParams::MAX_TAGS_DEFAULT)]
    pub max_tags: u32,
    /// Only AI tags with at least this confidence (0-100)
    #[arg(long, value_name = "C", default_value_t = AutoTagParams::MIN_CONFIDENCE_DEFAULT)]
    pub min_confidence: u32,
}

impl AutoTagLimits {
    pub(super) fn params(&self, source: &str) -> Result<AutoTagParams, CliError> {
        AutoTagParams::new(source, self.max_tags, self.min_confidence).map_err(CliError::usage)
    }
}

pub async fn ai_tags(common: Common, cmd: AiTagsCommand) -> Result<(), CliError> {
    let ctx = context(&common)?;
    let (names, all, below, targets, flags) = match cmd {
        AiTagsCommand::Rm {
            names,
            all,
            below,
            targets,
            flags,
        } => (names, all, below, targets, flags),
        AiTagsCommand::Promote {
            min,
            targets,
            flags,
        } => {
            if !(0.0..=100.0).contains(&min) {
                return Err(CliError::usage(format!(
                    "--min takes a confidence between 0 and 100, got {min}"
                )));
            }
            let (ids, known) = resolve_targets(&ctx, &targets).await?;
            return run_job(&ctx, Operation::PromoteAiTags { min }, ids, known, &flags).await;
        }
        AiTagsCommand::Auto {
            source,
            limits,
            targets,
            flags,
        } => {
            let op = limits.params(&source)?.operation();
            let (ids, known) = resolve_targets(&ctx, &targets).await?;
            return run_job(&ctx, op, ids, known, &flags).await;
        }
    };
    let op = match (all, below) {
        (true, _) => Operation::RemoveAllAiTags,
        (false, Some(c)) if (0.0..=100.0).contains(&c) => {
            Operation::RemoveAiTagsBelow { confidence: c }
        }
        (false, Some(c)) => {
            return Err(CliError::usage(format!(
                "--below takes a confidence between 0 and 100, got {c}"
            )));
        }
        (false, None) => Operation::RemoveAiTags { names },
    };
    let (ids, known) = resolve_targets(&ctx, &targets).await?;
    run_job(&ctx, op, ids, known, &flags).await
}
