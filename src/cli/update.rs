//! `iktag update`: change one file (tags, custom coordinates, custom metadata, description,
//! auto-tagging) with one call, and show what changed.

use std::io::Write;

use clap::Args;

use super::CliError;
use super::ai_tags::AutoTagLimits;
use super::run::context;
use super::targets::Common;
use crate::jobs::AutoTagParams;
use crate::model::FileDetails;
use crate::text::untrusted;

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
    /// Remove the focus area
    #[arg(long)]
    pub clear_custom_coordinates: bool,
    // --help shows this doc comment verbatim, brackets and all: it is not rustdoc.
    #[allow(clippy::doc_link_with_quotes)]
    /// Set custom metadata (VALUE is JSON if it parses: 12, true, ["a"], null unsets; else text)
    #[arg(long = "meta", value_name = "KEY=VALUE")]
    pub meta: Vec<String>,
    /// Set the description ("" empties it)
    #[arg(long, value_name = "TEXT")]
    pub description: Option<String>,
    /// Run an auto-tagging extension (limited by --max-tags and --min-confidence)
    #[arg(long, value_name = "SOURCE", value_parser = AutoTagParams::SOURCES)]
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
    let req = request(&args)?;
    if req == crate::api::UpdateRequest::default() {
        return Err(CliError::usage(
            "nothing to update: give --tags, --meta, --description, --custom-coordinates or --auto-tag",
        ));
    }
    let before = ctx.client.get_details(&args.file_id).await?;
    let after = ctx.client.update_details(&args.file_id, &req).await?;
    print_change(&before, &after, args.json);
    Ok(())
}

/// The one update call the flags ask for (an empty request when they ask for nothing).
fn request(args: &UpdateArgs) -> Result<crate::api::UpdateRequest, CliError> {
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
    Ok(crate::api::UpdateRequest {
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
    })
}

/// The updated file as JSON, or what changed.
fn print_change(before: &FileDetails, after: &FileDetails, json: bool) {
    let mut out = std::io::stdout().lock();
    if json {
        let _ = writeln!(out, "{}", serde_json::to_string(after).unwrap_or_default());
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
}
