//! `iktag ls`: list or search files (a table, `--json` lines or `--ids`).

use std::io::{IsTerminal, Write};

use clap::Args;

use super::CliError;
use super::run::context;
use super::targets::Common;
use crate::api::ListQuery;
use crate::text::{count, dimensions_text, size_text, untrusted};

/// The `sort` values of `GET /v1/files`.
const SORTS: [&str; 14] = [
    "ASC_CREATED",
    "DESC_CREATED",
    "ASC_UPDATED",
    "DESC_UPDATED",
    "ASC_NAME",
    "DESC_NAME",
    "ASC_SIZE",
    "DESC_SIZE",
    "ASC_HEIGHT",
    "DESC_HEIGHT",
    "ASC_WIDTH",
    "DESC_WIDTH",
    "ASC_RELEVANCE",
    "DESC_RELEVANCE",
];

#[derive(Debug, Args)]
pub struct LsArgs {
    // --help shows this doc comment verbatim, quotes and all: it is not rustdoc.
    #[allow(clippy::doc_link_with_quotes)]
    /// A searchQuery, e.g. 'tags IN ["sale"] AND createdAt > "7d"'
    #[arg(long, short = 'q', value_name = "Q")]
    pub query: Option<String>,
    /// List one folder (not its subfolders)
    #[arg(long, value_name = "PATH")]
    pub path: Option<String>,
    /// The order of the listing
    #[arg(long, value_name = "SORT", default_value = "ASC_CREATED", value_parser = SORTS)]
    pub sort: String,
    /// Stop after N files
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// One JSON object per file (the API's `FileDetails`)
    #[arg(long, conflicts_with = "ids")]
    pub json: bool,
    /// Only file ids, one per line (for --ids-from)
    #[arg(long)]
    pub ids: bool,
}

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
    // Cut long paths and tags to fit a terminal; a pipe gets them whole (still escaped).
    let terminal = out.is_terminal();
    let fit = |s: &str, width: usize| untrusted(s, if terminal { width } else { s.len() });
    let mut n = 0usize;
    while let Some(page) = pager.next_page().await? {
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
                // Unknown (`null`) size or dimensions read `—`.
                format!(
                    "{}  {:>9}  {:>11}  {:<48}  {}",
                    untrusted(&f.file_id, 64),
                    size_text(f.size),
                    dimensions_text(f.width, f.height),
                    fit(&f.file_path, 48),
                    fit(&tags, 60)
                )
            };
            if writeln!(out, "{line}").is_err() {
                return Ok(()); // stdout closed (e.g. `| head`): stop quietly
            }
        }
    }
    drop(out);
    if !args.json && !args.ids {
        eprintln!("{}", count(n, "file"));
    }
    // Listed apart, on stderr: the rest of their pages was listed.
    for item in pager.undecodable() {
        eprintln!("iktag: skipped: {item}");
    }
    if pager.undecodable().is_empty() {
        Ok(())
    } else {
        Err(CliError::partial(format!(
            "{} could not be read and {} skipped (listed above)",
            count(pager.undecodable().len(), "listing item"),
            if pager.undecodable().len() == 1 {
                "was"
            } else {
                "were"
            }
        )))
    }
}
