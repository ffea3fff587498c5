//! Settling a bulk call whose failure is not the whole story.
//!
//! A call whose answer was lost is sent again; the first attempt may already have
//! changed the files. When the second attempt then fails (a 207 naming a file, a
//! network error, a 5xx after retries, an answer that cannot be read), "failed" may be
//! wrong: the server can hold the change. Those files are read back once, and a file
//! that shows the call's effect is reported as succeeded, since that is what the
//! server did. A file that cannot be read keeps its failure.

use std::collections::HashSet;

use super::{FileOutcome, Operation, Outcome};
use crate::api::{ApiError, Client};
use crate::model::FileDetails;

/// May an attempt that ended in `e` (or an earlier one of the same call) have changed
/// the files?
pub(super) fn may_have_applied(e: &ApiError) -> bool {
    matches!(
        e,
        ApiError::Network { .. }
            | ApiError::Server { .. }
            | ApiError::Malformed { .. }
            | ApiError::TooLarge { .. }
    )
}

/// Does `f` show the effect of `op`? `None` for operations this cannot tell.
fn shows_effect(op: &Operation, f: &FileDetails) -> Option<bool> {
    match op {
        Operation::AddTags { tags } => Some(tags.iter().all(|t| f.tags.contains(t))),
        Operation::RemoveTags { tags } => Some(!tags.iter().any(|t| f.tags.contains(t))),
        Operation::RemoveAiTags { names } => {
            Some(!f.ai_tags.iter().any(|a| names.contains(&a.name)))
        }
        _ => None,
    }
}

/// Reads back the files of `out` named in `uncertain` and turns the failures the
/// server in fact carried out into successes. A delete is carried out when the file is
/// gone.
pub(super) async fn settle(
    client: &Client,
    op: &Operation,
    out: &mut [FileOutcome],
    uncertain: &[String],
) {
    if uncertain.is_empty() {
        return;
    }
    let Ok(now) = client.details_of(uncertain).await else {
        tracing::warn!(
            files = uncertain.len(),
            "cannot read back files a lost answer may have changed; they stay failed"
        );
        return;
    };
    let done: HashSet<&str> = if *op == Operation::Delete {
        let present: HashSet<&str> = now.iter().map(|f| f.file_id.as_str()).collect();
        uncertain
            .iter()
            .map(String::as_str)
            .filter(|id| !present.contains(id))
            .collect()
    } else {
        now.iter()
            .filter(|f| shows_effect(op, f) == Some(true))
            .map(|f| f.file_id.as_str())
            .collect()
    };
    for o in out {
        if matches!(o.outcome, Outcome::Failed { .. }) && done.contains(o.file_id.as_str()) {
            o.outcome = Outcome::Succeeded;
        }
    }
}
