//! Headless commands over the job engine: `ls`, `tags`, `ai-tags`, `rm`, `jobs`, `undo`.
//!
//! Outcomes go to stdout (one JSON object per file with `--json`, else a table), progress
//! to stderr (a bar only when stderr is a terminal). Exit codes: 0 all done, 1 failed,
//! 2 usage or configuration, 3 finished with some files failed or cancelled.

use std::collections::HashMap;
use std::io::{BufRead, Write};
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::CliError;
use crate::api::ListQuery;
use crate::config;
use crate::jobs::{AutoTagParams, Operation};
use crate::model::FileDetails;
use crate::text::untrusted;

pub use super::jobs::{JobsCommand, UndoArgs};
use super::run::{Ctx, api_failed, context, run_job};

#[derive(Debug, Args, Clone, Default)]
pub struct Common {
    /// Use this profile from the config file
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// Refuse every change (list and show only)
    #[arg(long, global = true)]
    pub read_only: bool,
    /// Requests in flight at once (default: profile, else 8)
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(
        crate::jobs::policy::CONCURRENCY_MIN as i64..=crate::jobs::policy::CONCURRENCY_MAX as i64
    ))]
    pub concurrency: Option<u16>,
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// A searchQuery, e.g. 'tags IN ["sale"] AND createdAt > "7d"'
    #[arg(long, short = 'q', value_name = "Q")]
    pub query: Option<String>,
    /// List one folder (not its subfolders)
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,
    /// ASC_CREATED (default), DESC_UPDATED, ASC_NAME, DESC_SIZE, …
    #[arg(long, value_name = "SORT", default_value = "ASC_CREATED")]
    pub sort: String,
    /// Stop after N files
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// One JSON object per file (the API's FileDetails)
    #[arg(long, conflicts_with = "ids")]
    pub json: bool,
    /// Only file ids, one per line (for --ids-from)
    #[arg(long)]
    pub ids: bool,
}

/// Which files a job targets.
#[derive(Debug, Args, Clone)]
#[group(required = true, multiple = false)]
pub struct Targets {
    /// Read file ids from FILE (one per line, or `iktag ls --json` output); `-` is stdin
    #[arg(long, value_name = "FILE")]
    pub ids_from: Option<PathBuf>,
    /// Target every file matching this searchQuery
    #[arg(long, short = 'q', value_name = "Q")]
    pub query: Option<String>,
}

#[derive(Debug, Args, Clone)]
pub struct JobFlags {
    /// Print the plan and change nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Do not ask for confirmation
    #[arg(long, short = 'y')]
    pub yes: bool,
    /// One JSON object per file outcome, then a summary line
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum TagsCommand {
    /// Add tags to files
    Add {
        #[arg(required = true, value_name = "TAG")]
        tags: Vec<String>,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Replace the tags of files (undo restores each file's previous tags)
    Set {
        #[arg(required = true, value_name = "TAG")]
        tags: Vec<String>,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Remove tags from files
    Rm {
        #[arg(required = true, value_name = "TAG")]
        tags: Vec<String>,
        #[command(flatten)]
        targets: Targets,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Rename a tag on every file that has it (one journaled job; `iktag undo` reverts it)
    Rename {
        old: String,
        new: String,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Merge tags into one on every file that has any of them (undoable)
    Merge {
        #[arg(required = true, value_name = "TAG")]
        tags: Vec<String>,
        /// The tag they become
        #[arg(long, value_name = "TAG")]
        into: String,
        #[command(flatten)]
        flags: JobFlags,
    },
    /// Every tag and AI tag with its file count, and near-duplicates grouped
    Stats {
        /// One JSON document instead of tables
        #[arg(long)]
        json: bool,
        /// Only files matching this searchQuery
        #[arg(long, short = 'q', value_name = "Q")]
        query: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AiTagsCommand {
    /// Remove AI tags by name, all of them, or those below a confidence (cannot be undone)
    Rm {
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
    fn params(&self, source: &str) -> Result<AutoTagParams, CliError> {
        AutoTagParams::new(source, self.max_tags, self.min_confidence).map_err(CliError::usage)
    }
}

#[derive(Debug, Args)]
pub struct RmArgs {
    #[command(flatten)]
    pub targets: Targets,
    #[command(flatten)]
    pub flags: JobFlags,
}

// ------------------------------------------------------------------------------------- ls

pub async fn ls(common: Common, args: LsArgs) -> Result<(), CliError> {
    let ctx = context(&common)?;
    let mut pager = ctx.client.list(ListQuery {
        search_query: args.query,
        path: args.path,
        sort: args.sort,
        max_items: args.limit,
        ..Default::default()
    });
    let mut out = std::io::stdout().lock();
    let mut n = 0usize;
    while let Some(page) = pager.next_page().await.map_err(api_failed)? {
        for asset in page {
            let crate::model::Asset::File(f) = asset else {
                continue;
            };
            n += 1;
            let line = if args.json {
                serde_json::to_string(&f).unwrap_or_default()
            } else if args.ids {
                untrusted(&f.file_id, 64)
            } else {
                let tags = f.tags.join(", ");
                format!(
                    "{}  {:<48}  {}",
                    untrusted(&f.file_id, 64),
                    untrusted(&f.file_path, 48),
                    untrusted(&tags, 60)
                )
            };
            if writeln!(out, "{line}").is_err() {
                return Ok(()); // stdout closed (e.g. `| head`): stop quietly
            }
        }
    }
    drop(out);
    if !args.json && !args.ids {
        eprintln!("{n} files");
    }
    Ok(())
}

// ------------------------------------------------------------------------------ targets

fn read_ids(path: &PathBuf) -> Result<Vec<String>, CliError> {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::BufReader::new(std::io::stdin()))
    } else {
        let f = std::fs::File::open(path).map_err(|e| {
            CliError::usage(format!("cannot read ids from {}: {e}", path.display()))
        })?;
        Box::new(std::io::BufReader::new(f))
    };
    let mut ids = Vec::new();
    for (n, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| {
            CliError::usage(format!("cannot read ids from {}: {e}", path.display()))
        })?;
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if t.starts_with('{') {
            let v: serde_json::Value = serde_json::from_str(t).map_err(|e| {
                CliError::usage(format!("{}, line {}: not JSON: {e}", path.display(), n + 1))
            })?;
            match v.get("fileId").and_then(|x| x.as_str()) {
                Some(id) => ids.push(id.to_owned()),
                None => {
                    return Err(CliError::usage(format!(
                        "{}, line {}: a JSON line needs a \"fileId\"",
                        path.display(),
                        n + 1
                    )));
                }
            }
        } else if t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            ids.push(t.to_owned());
        } else {
            return Err(CliError::usage(format!(
                "{}, line {}: {:?} is not a file id",
                path.display(),
                n + 1,
                untrusted(t, 40)
            )));
        }
    }
    Ok(ids)
}

/// The target ids, plus the file details when we listed them (to plan precisely).
async fn resolve_targets(
    ctx: &Ctx,
    t: &Targets,
) -> Result<(Vec<String>, HashMap<String, FileDetails>), CliError> {
    if let Some(path) = &t.ids_from {
        let ids = read_ids(path)?;
        // Read the files' current state, so the plan skips files that would not change
        // and undo touches only files this job really changed.
        let files = ctx.client.details_of(&ids).await.map_err(api_failed)?;
        return Ok((
            ids,
            files.into_iter().map(|f| (f.file_id.clone(), f)).collect(),
        ));
    }
    let query = t.query.clone().unwrap_or_default();
    let files = ctx
        .client
        .list(ListQuery {
            search_query: Some(query),
            ..Default::default()
        })
        .collect_files()
        .await
        .map_err(api_failed)?;
    let ids = files.iter().map(|f| f.file_id.clone()).collect();
    Ok((
        ids,
        files.into_iter().map(|f| (f.file_id.clone(), f)).collect(),
    ))
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

/// Targets: the files that have any of these tags (`tags IN [...]`).
fn having_any(tags: &[String]) -> Targets {
    let list: Vec<String> = tags
        .iter()
        .map(|t| serde_json::Value::String(t.clone()).to_string())
        .collect();
    Targets {
        ids_from: None,
        query: Some(format!("tags IN [{}]", list.join(", "))),
    }
}

async fn stats(ctx: &Ctx, json: bool, query: Option<String>) -> Result<(), CliError> {
    let files = ctx
        .client
        .list(ListQuery {
            search_query: query,
            ..Default::default()
        })
        .collect_files()
        .await
        .map_err(api_failed)?;
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
        "{} files, {} tags, {} AI tags",
        v.files,
        v.tags.len(),
        v.ai_tags.len()
    );
    if !v.near_duplicates.is_empty() {
        let _ = writeln!(
            out,
            "\nnear-duplicates (merge with `iktag tags merge A B --into C`):"
        );
        for g in &v.near_duplicates {
            let list: Vec<String> = g
                .tags
                .iter()
                .map(|t| format!("{} ({})", untrusted(&t.tag, 60), t.files))
                .collect();
            let _ = writeln!(out, "  {:>6}  {}", g.files, list.join(" · "));
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

pub async fn rm(common: Common, args: RmArgs) -> Result<(), CliError> {
    let ctx = context(&common)?;
    let (ids, known) = resolve_targets(&ctx, &args.targets).await?;
    run_job(&ctx, Operation::Delete, ids, known, &args.flags).await
}

#[derive(Debug, Args)]
pub struct ApplyArgs {
    /// `iktag ls --json` output (one file per line, or a JSON array), edited; `-` is stdin.
    /// Only the fields present are applied: tags, customCoordinates, customMetadata, description.
    pub file: PathBuf,
    #[command(flatten)]
    pub flags: JobFlags,
}

/// Reads a plan: JSON lines or one JSON array of file objects with a `fileId`.
fn read_plan(path: &PathBuf) -> Result<Vec<serde_json::Value>, CliError> {
    let text = if path.as_os_str() == "-" {
        let mut t = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut t)
            .map_err(|e| CliError::usage(format!("cannot read the plan from stdin: {e}")))?;
        t
    } else {
        std::fs::read_to_string(path)
            .map_err(|e| CliError::usage(format!("cannot read {}: {e}", path.display())))?
    };
    let bad = |line: usize, what: String| {
        CliError::usage(format!("{}, line {line}: {what}", path.display()))
    };
    let entries: Vec<(usize, serde_json::Value)> = if text.trim_start().starts_with('[') {
        match serde_json::from_str::<Vec<serde_json::Value>>(&text) {
            Ok(v) => v.into_iter().map(|e| (1, e)).collect(),
            Err(e) => return Err(bad(e.line(), format!("not a JSON array of files: {e}"))),
        }
    } else {
        let mut v = Vec::new();
        for (n, line) in text.lines().enumerate() {
            let t = line.trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            let e = serde_json::from_str(t).map_err(|e| bad(n + 1, format!("not JSON: {e}")))?;
            v.push((n + 1, e));
        }
        v
    };
    entries
        .into_iter()
        .map(|(n, e)| match e.get("fileId").and_then(|x| x.as_str()) {
            Some(_) => Ok(e),
            None => Err(bad(n, "each file needs a \"fileId\"".into())),
        })
        .collect()
}

pub async fn apply(common: Common, args: ApplyArgs) -> Result<(), CliError> {
    let ctx = context(&common)?;
    let wanted = read_plan(&args.file)?;
    let ids: Vec<String> = wanted
        .iter()
        .filter_map(|e| e.get("fileId").and_then(|x| x.as_str()).map(str::to_owned))
        .collect();
    let files = ctx.client.details_of(&ids).await.map_err(api_failed)?;
    let known: HashMap<String, FileDetails> =
        files.into_iter().map(|f| (f.file_id.clone(), f)).collect();
    let (mut bodies, mut before) = (
        std::collections::BTreeMap::new(),
        std::collections::BTreeMap::new(),
    );
    for w in &wanted {
        let id = w["fileId"].as_str().unwrap_or_default();
        let (Some(now), Some(want)) = (known.get(id), w.as_object()) else {
            continue;
        };
        let (b, p) = crate::jobs::detail_diff(
            want,
            &crate::jobs::Known::tag_list(now),
            &crate::jobs::Known::fields(now),
            true,
        );
        if !b.is_empty() {
            bodies.insert(id.to_owned(), serde_json::Value::Object(b));
            before.insert(id.to_owned(), serde_json::Value::Object(p));
        }
    }
    run_job(
        &ctx,
        Operation::PatchEach { bodies, before },
        ids,
        known,
        &args.flags,
    )
    .await
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// The file to change
    pub file_id: String,
    /// Replace the file's tags (comma-separated)
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "a,b",
        conflicts_with = "clear_tags"
    )]
    pub tags: Option<Vec<String>>,
    /// Remove all of the file's tags
    #[arg(long)]
    pub clear_tags: bool,
    /// Set the focus area: x,y,width,height
    #[arg(
        long,
        value_name = "x,y,w,h",
        conflicts_with = "clear_custom_coordinates"
    )]
    pub custom_coordinates: Option<String>,
    #[arg(long)]
    pub clear_custom_coordinates: bool,
    /// Set custom metadata (VALUE is JSON if it parses: 12, true, ["a"], null unsets; else text)
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Run an auto-tagging extension
    #[arg(long, value_parser = AutoTagParams::SOURCES)]
    pub auto_tag: Option<String>,
    #[command(flatten)]
    pub limits: AutoTagLimits,
    /// Print the updated file as JSON
    #[arg(long)]
    pub json: bool,
}

pub async fn update(common: Common, args: UpdateArgs) -> Result<(), CliError> {
    let ctx = context(&common)?;
    if ctx.read_only {
        return Err(CliError::usage(
            "refusing to update: read-only mode (--read-only or the profile's read_only)",
        ));
    }
    let mut meta = serde_json::Map::new();
    for kv in &args.meta {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(CliError::usage(format!(
                "--meta {kv:?}: expected KEY=VALUE"
            )));
        };
        let value =
            serde_json::from_str(v).unwrap_or_else(|_| serde_json::Value::String(v.to_owned()));
        meta.insert(k.trim().to_owned(), value);
    }
    let req = crate::api::UpdateRequest {
        tags: match (&args.tags, args.clear_tags) {
            (_, true) => Some(None),
            (Some(t), false) => Some(Some(
                t.iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
            )),
            (None, false) => None,
        },
        custom_coordinates: match (&args.custom_coordinates, args.clear_custom_coordinates) {
            (_, true) => Some(None),
            (Some(c), false) => Some(Some(c.clone())),
            (None, false) => None,
        },
        custom_metadata: (!meta.is_empty()).then_some(meta),
        description: args.description.clone(),
        auto_tag: match &args.auto_tag {
            Some(source) => {
                let p = args.limits.params(source)?;
                vec![(p.extension(), p.max_tags, p.min_confidence)]
            }
            None => Vec::new(),
        },
        ..Default::default()
    };
    if req == crate::api::UpdateRequest::default() {
        return Err(CliError::usage(
            "nothing to update: give --tags, --meta, --description, --custom-coordinates or --auto-tag",
        ));
    }
    let before = ctx
        .client
        .get_details(&args.file_id)
        .await
        .map_err(api_failed)?;
    let after = ctx
        .client
        .update_details(&args.file_id, &req)
        .await
        .map_err(api_failed)?;
    let mut out = std::io::stdout().lock();
    if args.json {
        let _ = writeln!(out, "{}", serde_json::to_string(&after).unwrap_or_default());
    } else {
        let _ = writeln!(
            out,
            "updated {} ({})",
            after.file_id,
            untrusted(&after.file_path, 80)
        );
        if before.tags != after.tags {
            let _ = writeln!(
                out,
                "  tags: {} → {}",
                untrusted(&before.tags.join(", "), 200),
                untrusted(&after.tags.join(", "), 200)
            );
        }
        if before.ai_tags != after.ai_tags {
            let names: Vec<String> = after
                .ai_tags
                .iter()
                .map(|t| format!("{} {:.0}%", t.name, t.confidence))
                .collect();
            let _ = writeln!(out, "  AI tags: {}", untrusted(&names.join(", "), 300));
        }
        if before.custom_coordinates != after.custom_coordinates {
            let _ = writeln!(
                out,
                "  custom coordinates: {}",
                after.custom_coordinates.as_deref().unwrap_or("(none)")
            );
        }
        if before.custom_metadata != after.custom_metadata {
            let _ = writeln!(
                out,
                "  custom metadata: {}",
                untrusted(
                    &serde_json::Value::Object(after.custom_metadata.clone()).to_string(),
                    300
                )
            );
        }
    }
    Ok(())
}

/// `iktag` without a command: the terminal UI on the configured profile.
pub async fn tui(common: Common) -> Result<(), CliError> {
    let ctx = context(&common).map_err(|e| {
        CliError::usage(format!(
            "{}\n\nTo open iktag on your library, set IMAGEKIT_PRIVATE_KEY (or a profile in {}),\nor try it on the built-in demo library: iktag demo",
            e.message,
            config::config_dir(&config::ProcessEnv)
                .map(|d| d.join("config.toml").display().to_string())
                .unwrap_or_else(|_| "config.toml".into())
        ))
    })?;
    let opts = crate::tui::TuiOptions {
        demo: false,
        read_only: ctx.read_only,
        concurrency: ctx.concurrency,
        state_dir: Some(ctx.settings.state_dir.clone()),
        keymap: crate::tui::load_keymap().map_err(CliError::usage)?,
        mouse: crate::tui::mouse_from_env(),
        profile: ctx.settings.profile.clone(),
        profiles: crate::config::profiles(&crate::config::ProcessEnv),
        library: Some(ctx.library.clone()),
    };
    crate::tui::run(ctx.client, opts)
        .await
        .map_err(CliError::failed)
}
