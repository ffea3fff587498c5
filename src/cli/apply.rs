//! `iktag apply`: an edited `iktag ls --json` listing applied back to the library as one job.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use super::run::{context, run_job};
use super::targets::{Common, JobFlags};
use crate::jobs::Operation;
use crate::model::FileDetails;

/// File id → JSON object.
type Patches = BTreeMap<String, serde_json::Value>;

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
    let files = ctx.client.details_of_with(&ids, ctx.concurrency).await?;
    let known: HashMap<String, FileDetails> =
        files.into_iter().map(|f| (f.file_id.clone(), f)).collect();
    let (bodies, before) = patches(&wanted, &known);
    run_job(
        &ctx,
        Operation::PatchEach { bodies, before },
        ids,
        known,
        &args.flags,
    )
    .await
}

/// Per file, the body that makes it what the plan wants and the fields it had before (for
/// undo); files already as wanted, or not found, have neither.
fn patches(
    wanted: &[serde_json::Value],
    known: &HashMap<String, FileDetails>,
) -> (Patches, Patches) {
    let (mut bodies, mut before) = (BTreeMap::new(), BTreeMap::new());
    for w in wanted {
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
    (bodies, before)
}
