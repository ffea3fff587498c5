//! What every command shares: the global flags ([`Common`]), the job flags, and which files a
//! job targets (`--ids-from` or `--query`), resolved to ids and their current details.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::run::Ctx;
use crate::api::ListQuery;
use crate::model::FileDetails;
use crate::text::untrusted;

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
pub(super) async fn resolve_targets(
    ctx: &Ctx,
    t: &Targets,
) -> Result<(Vec<String>, HashMap<String, FileDetails>), CliError> {
    if let Some(path) = &t.ids_from {
        let ids = read_ids(path)?;
        // Read the files' current state, so the plan skips files that would not change
        // and undo touches only files this job really changed: as many searches in
        // flight as the job will have calls (`--concurrency`).
        let files = ctx.client.details_of_with(&ids, ctx.concurrency).await?;
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
        .await?;
    let ids = files.iter().map(|f| f.file_id.clone()).collect();
    Ok((
        ids,
        files.into_iter().map(|f| (f.file_id.clone(), f)).collect(),
    ))
}

/// Targets: the files that have any of these tags (`tags IN [...]`).
pub(super) fn having_any(tags: &[String]) -> Targets {
    let list: Vec<String> = tags
        .iter()
        .map(|t| serde_json::Value::String(t.clone()).to_string())
        .collect();
    Targets {
        ids_from: None,
        query: Some(format!("tags IN [{}]", list.join(", "))),
    }
}
