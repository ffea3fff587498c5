//! `iktag tags add | set | rm | rename | merge` (jobs) and `iktag tags stats` (the vocabulary).

use std::io::Write;

use clap::Subcommand;

use super::CliError;
use super::run::{Ctx, context, run_job};
use super::targets::{Common, JobFlags, Targets, having_any, resolve_targets};
use crate::api::ListQuery;
use crate::jobs::Operation;
use crate::text::{count, untrusted};

#[derive(Debug, Subcommand)]
pub enum TagsCommand {
    /// Add tags to files
    Add {
        /// The tags to add
        #[arg(required = true, value_name = "TAG")]
        tags: Vec<String>,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Replace the tags of files (undo restores each file's previous tags)
    Set {
        /// The tags each file ends up with
        #[arg(required = true, value_name = "TAG")]
        tags: Vec<String>,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Remove tags from files
    Rm {
        /// The tags to remove
        #[arg(required = true, value_name = "TAG")]
        tags: Vec<String>,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Rename a tag on every file that has it (one journaled job; `iktag undo` reverts it)
    Rename {
        /// The tag as it is now
        old: String,
        /// Its new name
        new: String,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Merge tags into one on every file that has any of them (undoable)
    Merge {
        /// The tags to merge (the files that have any of them)
        #[arg(required = true, value_name = "TAG")]
        tags: Vec<String>,
        /// The tag they become
        #[arg(long, value_name = "TAG")]
        into: String,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Every tag and AI tag with its file count; spelling variants and possible typos grouped
    Stats {
        /// One JSON document instead of tables
        #[arg(long)]
        json: bool,
        /// Only files matching this searchQuery
        #[arg(long, short = 'q', value_name = "Q")]
        query: Option<String>,
    },
}

pub async fn tags(common: Common, cmd: TagsCommand) -> Result<(), CliError> {
    let ctx = context(&common)?;
    let (op, targets, flags) = match cmd {
        TagsCommand::Add {
            tags,
            targets,
            flags,
        } => (Operation::AddTags { tags }, targets, flags),
        TagsCommand::Rm {
            tags,
            targets,
            flags,
        } => (Operation::RemoveTags { tags }, targets, flags),
        TagsCommand::Set {
            tags,
            targets,
            flags,
        } => (Operation::ReplaceTags { tags }, targets, flags),
        TagsCommand::Rename { old, new, flags } => (
            Operation::MergeTags {
                from: vec![old.clone()],
                into: new,
            },
            having_any(&[old]),
            flags,
        ),
        TagsCommand::Merge { tags, into, flags } => (
            Operation::MergeTags {
                from: tags.clone(),
                into,
            },
            having_any(&tags),
            flags,
        ),
        TagsCommand::Stats { json, query } => return stats(&ctx, json, query).await,
    };
    let (ids, known) = resolve_targets(&ctx, &targets).await?;
    run_job(&ctx, op, ids, known, &flags).await
}

async fn stats(ctx: &Ctx, json: bool, query: Option<String>) -> Result<(), CliError> {
    let files = ctx
        .client
        .list(ListQuery {
            search_query: query,
            ..Default::default()
        })
        .collect_files()
        .await?;
    let v = crate::vocab::Vocabulary::build(files.iter().map(|f| {
        (
            f.tags.iter().map(String::as_str).collect(),
            f.ai_tags.iter().map(|a| a.name.as_str()).collect(),
        )
    }));
    let mut out = std::io::stdout().lock();
    if json {
        let text = serde_json::to_string(&v).map_err(|e| CliError::failed(e.to_string()))?;
        let _ = writeln!(out, "{text}");
        return Ok(());
    }
    let _ = writeln!(
        out,
        "{}, {}, {}",
        count(v.files, "file"),
        count(v.tags.len(), "tag"),
        count(v.ai_tags.len(), "AI tag")
    );
    if !v.near_duplicates.is_empty() {
        let _ = writeln!(
            out,
            "\nnear-duplicates (merge with `iktag tags merge A B --into C`):"
        );
        for g in &v.near_duplicates {
            let _ = writeln!(out, "  {:>6}  {}", g.files, variants(&g.tags));
        }
    }
    if !v.possible_typos.is_empty() {
        let _ = writeln!(
            out,
            "\npossible typos (different spellings, not merged: check each before `iktag tags merge`):"
        );
        for p in &v.possible_typos {
            let _ = writeln!(
                out,
                "  {:>6}  {}  ~  {}",
                p.files,
                variants(&p.a),
                variants(&p.b)
            );
        }
    }
    let _ = writeln!(out, "\ntags:");
    for t in &v.tags {
        let _ = writeln!(out, "  {:>6}  {}", t.files, untrusted(&t.tag, 100));
    }
    let _ = writeln!(out, "\nAI tags:");
    for t in &v.ai_tags {
        let _ = writeln!(out, "  {:>6}  {}", t.files, untrusted(&t.tag, 100));
    }
    Ok(())
}

/// `jacket (12) · Jacket (3)`: spellings with their file counts.
fn variants(tags: &[crate::vocab::TagCount]) -> String {
    let list: Vec<String> = tags
        .iter()
        .map(|t| format!("{} ({})", untrusted(&t.tag, 60), t.files))
        .collect();
    list.join(" · ")
}
