//! `iktag ls`: list or search files (a table, `--json` lines or `--ids`).

use std::io::{IsTerminal, Write};

use clap::Args;

use super::CliError;
use super::run::context;
use super::targets::Common;
use crate::api::ListQuery;
use crate::text::{self, count, dimensions_text, size_text, untrusted};

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
    // Cut long paths and tags to fit a terminal's width; a pipe gets them whole (escaped).
    let cells = out.is_terminal().then(|| {
        let cols = ratatui::crossterm::terminal::size().map_or(100, |(c, _)| usize::from(c));
        cell_widths(cols)
    });
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
                let path = untrusted(&f.file_path, 1000);
                let tags = untrusted(&f.tags.join(", "), 4000);
                let (path, tags) = match cells {
                    Some((p, t)) => (
                        text::pad(&text::elide_path(&path, p), p),
                        text::fit(&tags, t).into_owned(),
                    ),
                    None => (path, tags),
                };
                // Unknown (`null`) size or dimensions read `—`.
                format!(
                    "{}  {:>9}  {:>11}  {path}  {tags}",
                    untrusted(&f.file_id, 64),
                    size_text(f.size),
                    dimensions_text(f.width, f.height),
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

/// The widths of the path and tags cells of a line on a terminal `cols` wide: what the id
/// (24), size (9) and dimensions (11) leave, three fifths to the path (12 to 60 cells), the
/// rest to the tags; one column spare so a full line never wraps.
fn cell_widths(cols: usize) -> (usize, usize) {
    let rest = cols.saturating_sub(24 + 9 + 11 + 4 * 2 + 1);
    let path = (rest * 3 / 5).clamp(12, 60);
    (path, rest.saturating_sub(path))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_line_fits_the_terminal() {
        for cols in [80usize, 120, 200] {
            let (p, t) = super::cell_widths(cols);
            assert_eq!(24 + 9 + 11 + 8 + p + t, cols - 1, "{cols}");
        }
        assert_eq!(super::cell_widths(80), (16, 11));
        assert_eq!(super::cell_widths(200), (60, 87));
    }
}
