//! What a job does to each file: the [`Operation`], its name and whether it can be undone.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// What a job does to each file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Operation {
    AddTags {
        tags: Vec<String>,
    },
    RemoveTags {
        tags: Vec<String>,
    },
    /// Remove the named AI tags from every file.
    RemoveAiTags {
        names: Vec<String>,
    },
    /// Remove all AI tags of each file.
    RemoveAllAiTags,
    /// Remove each file's AI tags whose confidence is below this.
    RemoveAiTagsBelow {
        confidence: f64,
    },
    /// Replace each file's tags (previous lists are journaled for undo).
    ReplaceTags {
        tags: Vec<String>,
    },
    /// Put back each file's tags as recorded in `Plan::previous_tags` (undo of a replace).
    RestoreTags,
    /// A different PATCH /details body per file (an applied plan); `before` holds each
    /// file's previous values of the same fields, so undo is the same operation reversed.
    PatchEach {
        bodies: BTreeMap<String, serde_json::Value>,
        before: BTreeMap<String, serde_json::Value>,
    },
    /// Copy each file's AI tags with at least this confidence into its tags.
    PromoteAiTags {
        min: f64,
    },
    /// Rename or merge: add `into` and remove every tag of `from` on the files that have
    /// any of them (two bulk calls per 50 files; previous tags are journaled for undo).
    MergeTags {
        from: Vec<String>,
        into: String,
    },
    /// The same PATCH /details body for every file (coordinates, metadata, description,
    /// auto-tagging extensions); see `UpdateRequest::to_json`.
    UpdateDetails {
        body: serde_json::Value,
    },
    /// Run an auto-tagging extension on each file (`google` or `aws`); each file's
    /// `extensionStatus` decides its outcome (`pending` files get their AI tags later).
    AutoTag {
        source: String,
        max_tags: u32,
        min_confidence: u32,
    },
    Delete,
    /// Several operations in one job (`iktag lint --fix`): every unit carries its own
    /// operation (bulk tag calls and AI-tag removals), `label` says what they fix.
    /// `irreversible`: some units remove AI tags; undo reverts the other units.
    Combined {
        label: String,
        #[serde(default)]
        irreversible: bool,
    },
    /// An undo (see [`inverse`](super::inverse)): units with their own operation are bulk
    /// tag calls; units without one are per-file PATCH bodies from `bodies` (`before`: what
    /// undoing it puts back). `label` says what is undone.
    Undo {
        label: String,
        #[serde(default)]
        bodies: BTreeMap<String, serde_json::Value>,
        #[serde(default)]
        before: BTreeMap<String, serde_json::Value>,
    },
}

impl Operation {
    pub fn name(&self) -> &'static str {
        match self {
            Operation::AddTags { .. } => "add tags",
            Operation::RemoveTags { .. } => "remove tags",
            Operation::RemoveAiTags { .. } => "remove AI tags",
            Operation::RemoveAllAiTags => "remove all AI tags",
            Operation::RemoveAiTagsBelow { .. } => "remove low-confidence AI tags",
            Operation::ReplaceTags { .. } => "replace tags",
            Operation::RestoreTags => "restore previous tags",
            Operation::MergeTags { .. } => "merge tags",
            Operation::PromoteAiTags { .. } => "promote AI tags",
            Operation::PatchEach { .. } => "apply plan",
            Operation::UpdateDetails { .. } => "update details",
            Operation::AutoTag { .. } => "auto-tag",
            Operation::Delete => "delete",
            Operation::Combined { .. } => "several operations",
            Operation::Undo { .. } => "undo",
        }
    }

    /// Can this operation be undone from the journal?
    pub fn reversible(&self) -> bool {
        matches!(
            self,
            Operation::AddTags { .. }
                | Operation::RemoveTags { .. }
                | Operation::ReplaceTags { .. }
                | Operation::MergeTags { .. }
                | Operation::PromoteAiTags { .. }
                | Operation::PatchEach { .. }
                | Operation::Combined { .. }
                | Operation::Undo { .. }
        )
    }

    /// Does running it read `Plan::previous_tags`?
    pub(super) fn reads_previous_tags(&self) -> bool {
        matches!(self, Operation::RestoreTags)
    }

    /// The operation as one unit of these files runs it: per-file bodies cut down to
    /// the unit's files (a unit must not copy a 100 000-file map to send one PATCH).
    pub(super) fn for_ids(&self, ids: &[String]) -> Operation {
        let pick =
            |m: &BTreeMap<String, serde_json::Value>| -> BTreeMap<String, serde_json::Value> {
                ids.iter()
                    .filter_map(|id| Some((id.clone(), m.get(id)?.clone())))
                    .collect()
            };
        match self {
            Operation::PatchEach { bodies, before } => Operation::PatchEach {
                bodies: pick(bodies),
                before: pick(before),
            },
            Operation::Undo {
                label,
                bodies,
                before,
            } => Operation::Undo {
                label: label.clone(),
                bodies: pick(bodies),
                before: pick(before),
            },
            other => other.clone(),
        }
    }

    /// The tags (or AI tag names) the operation names, checked at plan time.
    pub(super) fn tags(&self) -> Option<&[String]> {
        match self {
            Operation::AddTags { tags }
            | Operation::RemoveTags { tags }
            | Operation::ReplaceTags { tags } => Some(tags),
            Operation::RemoveAiTags { names } => Some(names),
            Operation::MergeTags { from, .. } => Some(from),
            _ => None,
        }
    }
}
