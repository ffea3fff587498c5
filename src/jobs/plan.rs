//! Planning: a job's target ids become units within the API's limits, and files the
//! operation would not change are skipped up front.

use std::collections::{HashMap, HashSet};

use rustc_hash::{FxBuildHasher, FxHashSet};
use std::hash::BuildHasher;

use serde::{Deserialize, Serialize};

use super::{Operation, policy};
use crate::model::FileDetails;

/// Ids per bulk tag call.
pub const TAG_CHUNK: usize = 50;
/// Ids per bulk delete.
pub const DELETE_CHUNK: usize = 100;
/// Combined tag characters per call.
pub const MAX_TAG_CHARS: usize = 500;

/// A unit of work: one API call's worth of files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub ids: Vec<String>,
    /// This unit's own operation (an undo mixes several); `None`: the plan's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<Operation>,
}

/// Each planned file's tags before the job (what undo puts back), by id. Hashed with
/// `FxHash`: a 100 000-file plan is made while a key waits.
pub type PreviousTags = HashMap<String, Vec<String>, FxBuildHasher>;

/// A planned job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub op: Operation,
    pub units: Vec<Unit>,
    /// Files left out at plan time, with the reason (e.g. nothing to change).
    pub skipped: Vec<(String, String)>,
    /// Previous tag lists, for undoing a replace.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub previous_tags: PreviousTags,
}

impl Plan {
    pub fn file_count(&self) -> usize {
        self.changing() + self.skipped.len()
    }

    /// Files that calls will be sent for (a file in two units of an undo counts once).
    pub fn changing(&self) -> usize {
        if self.units.iter().any(|u| u.op.is_some()) {
            let ids: HashSet<&str> = self
                .units
                .iter()
                .flat_map(|u| u.ids.iter().map(String::as_str))
                .collect();
            return ids.len();
        }
        self.units.iter().map(|u| u.ids.len()).sum()
    }

    /// The operation a unit runs.
    pub fn op_of<'a>(&'a self, unit: &'a Unit) -> &'a Operation {
        unit.op.as_ref().unwrap_or(&self.op)
    }

    /// The same plan for only these files (resume, retry, undo without conflicts): units
    /// keep their operation, empty ones go, nothing is skipped.
    #[must_use]
    pub fn restrict(&self, keep: &HashSet<&str>) -> Plan {
        let units: Vec<Unit> = self
            .units
            .iter()
            .filter_map(|u| {
                let ids: Vec<String> = u
                    .ids
                    .iter()
                    .filter(|id| keep.contains(id.as_str()))
                    .cloned()
                    .collect();
                (!ids.is_empty()).then(|| Unit {
                    ids,
                    op: u.op.clone(),
                })
            })
            .collect();
        let previous_tags = self
            .previous_tags
            .iter()
            .filter(|(id, _)| keep.contains(id.as_str()))
            .map(|(id, t)| (id.clone(), t.clone()))
            .collect();
        Plan {
            op: self.op.clone(),
            units,
            skipped: Vec::new(),
            previous_tags,
        }
    }
}

/// Several plans as one job ([`Operation::Combined`], labelled `label`): their units in
/// order, each with its plan's operation; the tags before the first of them; a file left
/// out only if no plan has a call for it. One plan stays as it is.
pub fn combine(label: String, plans: Vec<Plan>) -> Option<Plan> {
    if plans.len() <= 1 {
        return plans.into_iter().next();
    }
    let irreversible = plans.iter().any(|p| !p.op.reversible());
    let mut units = Vec::new();
    let mut skipped: Vec<(String, String)> = Vec::new();
    let mut previous_tags = PreviousTags::default();
    for p in plans {
        for u in p.units {
            let op = Some(u.op.unwrap_or_else(|| p.op.clone()));
            units.push(Unit { ids: u.ids, op });
        }
        skipped.extend(p.skipped);
        for (id, tags) in p.previous_tags {
            previous_tags.entry(id).or_insert(tags);
        }
    }
    let sent: HashSet<&str> = units
        .iter()
        .flat_map(|u| u.ids.iter().map(String::as_str))
        .collect();
    let mut seen = HashSet::new();
    skipped.retain(|(id, _)| !sent.contains(id.as_str()) && seen.insert(id.clone()));
    Some(Plan {
        op: Operation::Combined {
            label,
            irreversible,
        },
        units,
        skipped,
        previous_tags,
    })
}

/// Why a job cannot be planned.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("no tags given")]
    NoTags,
    #[error("the tags are {0} characters combined; ImageKit allows at most 500 per call")]
    TooLong(usize),
    #[error("tag {0:?} contains '%', which ImageKit does not allow")]
    Percent(String),
    #[error("tags cannot be empty")]
    EmptyTag,
}

fn check_tags(tags: &[String], allow_empty_list: bool) -> Result<(), PlanError> {
    if tags.is_empty() && !allow_empty_list {
        return Err(PlanError::NoTags);
    }
    tags.iter().try_for_each(|t| policy::check_tag(t))?;
    let total: usize = tags.iter().map(|t| t.chars().count()).sum();
    if total > MAX_TAG_CHARS {
        return Err(PlanError::TooLong(total));
    }
    Ok(())
}

/// Plans a job over `ids`. `known` holds files already fetched (from a listing); with them
/// the plan skips files the operation would not change and records previous tags.
pub fn plan<S: BuildHasher>(
    op: Operation,
    ids: &[String],
    known: &HashMap<String, FileDetails, S>,
) -> Result<Plan, PlanError> {
    plan_with(op, ids, |id| known.get(id))
}

/// What planning needs to know of a file: its tags and AI tags.
pub trait Known {
    fn tag_list(&self) -> Vec<&str>;
    /// AI tag names with their confidence.
    fn ai_list(&self) -> Vec<(&str, f64)>;
    /// The file's path (journaled beside its id).
    fn path(&self) -> &str;
    /// Description, custom coordinates and custom metadata (what detail edits change).
    fn fields(&self) -> Fields;
}

/// The detail fields of a file that detail edits change and undo puts back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    pub description: Option<String>,
    pub coordinates: Option<String>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

impl Known for FileDetails {
    fn tag_list(&self) -> Vec<&str> {
        self.tags.iter().map(String::as_str).collect()
    }

    fn path(&self) -> &str {
        &self.file_path
    }

    fn fields(&self) -> Fields {
        Fields {
            description: self.description.clone(),
            coordinates: self.custom_coordinates.clone(),
            metadata: self.custom_metadata.clone(),
        }
    }

    fn ai_list(&self) -> Vec<(&str, f64)> {
        self.ai_tags
            .iter()
            .map(|a| (a.name.as_str(), a.confidence))
            .collect()
    }
}

/// [`plan`] with a lookup instead of a map (the TUI plans against the files it holds).
pub fn plan_with<'a, K: Known + 'a>(
    op: Operation,
    ids: &[String],
    known: impl Fn(&str) -> Option<&'a K>,
) -> Result<Plan, PlanError> {
    if let Some(tags) = op.tags() {
        check_tags(tags, matches!(op, Operation::ReplaceTags { .. }))?;
    }
    if let Operation::MergeTags { into, .. } = &op {
        check_tags(std::slice::from_ref(into), false)?;
    }
    // Borrowed ids and one copy per planned file: a 100 000-file plan is made in the time
    // a key should take, not seconds.
    let mut seen: FxHashSet<&str> = FxHashSet::with_capacity_and_hasher(ids.len(), FxBuildHasher);
    let mut targets = Vec::with_capacity(ids.len());
    let mut skipped = Vec::new();
    let mut previous_tags = PreviousTags::with_capacity_and_hasher(ids.len(), FxBuildHasher);
    for id in ids {
        if !seen.insert(id.as_str()) {
            continue;
        }
        let file = known(id);
        if let Some(reason) = file.and_then(|f| unchanged(&op, id, f)) {
            skipped.push((id.clone(), reason.to_owned()));
            continue;
        }
        if let (
            Operation::AddTags { .. }
            | Operation::RemoveTags { .. }
            | Operation::ReplaceTags { .. }
            | Operation::MergeTags { .. }
            | Operation::PromoteAiTags { .. },
            Some(f),
        ) = (&op, file)
        {
            previous_tags.insert(
                id.clone(),
                f.tag_list().into_iter().map(str::to_owned).collect(),
            );
        }
        targets.push(id.clone());
    }
    let size = unit_size(&op);
    let mut units = Vec::with_capacity(targets.len().div_ceil(size));
    let mut rest = targets.into_iter();
    loop {
        let ids: Vec<String> = rest.by_ref().take(size).collect();
        if ids.is_empty() {
            break;
        }
        units.push(Unit { ids, op: None });
    }
    Ok(Plan {
        op,
        units,
        skipped,
        previous_tags,
    })
}

/// Why `op` would not change the known file `id`, if it would not (the file is skipped).
fn unchanged<K: Known>(op: &Operation, id: &str, f: &K) -> Option<&'static str> {
    let tags = f.tag_list();
    let ai = f.ai_list();
    match op {
        Operation::AddTags { tags: add } => add
            .iter()
            .all(|t| tags.contains(&t.as_str()))
            .then_some("already has the tags"),
        Operation::RemoveTags { tags: rm } => {
            (!rm.iter().any(|t| tags.contains(&t.as_str()))).then_some("has none of the tags")
        }
        Operation::RemoveAiTags { names } => {
            (!ai.iter().any(|(n, _)| names.iter().any(|x| x == n)))
                .then_some("has none of the AI tags")
        }
        Operation::RemoveAllAiTags => ai.is_empty().then_some("has no AI tags"),
        Operation::RemoveAiTagsBelow { confidence } => (!ai.iter().any(|(_, c)| c < confidence))
            .then_some("has no AI tags below the confidence"),
        Operation::ReplaceTags { tags: new } => tags
            .iter()
            .copied()
            .eq(new.iter().map(String::as_str))
            .then_some("already has exactly these tags"),
        Operation::PromoteAiTags { min } => {
            (!ai.iter().any(|(n, c)| c >= min && !tags.contains(n)))
                .then_some("no AI tag to promote")
        }
        Operation::MergeTags { from, .. } => {
            (!from.iter().any(|t| tags.contains(&t.as_str()))).then_some("has none of the tags")
        }
        Operation::PatchEach { bodies, .. } => {
            (!bodies.contains_key(id)).then_some("nothing to change")
        }
        Operation::Delete
        | Operation::RestoreTags
        | Operation::UpdateDetails { .. }
        | Operation::Undo { .. }
        | Operation::Combined { .. }
        | Operation::AutoTag { .. } => None,
    }
}

/// Files per unit: one API call's worth for `op`.
fn unit_size(op: &Operation) -> usize {
    match op {
        Operation::AddTags { .. }
        | Operation::RemoveTags { .. }
        | Operation::RemoveAiTags { .. }
        | Operation::MergeTags { .. } => TAG_CHUNK,
        Operation::Delete => DELETE_CHUNK,
        Operation::RemoveAllAiTags
        | Operation::RemoveAiTagsBelow { .. }
        | Operation::ReplaceTags { .. }
        | Operation::RestoreTags
        | Operation::PromoteAiTags { .. }
        | Operation::PatchEach { .. }
        | Operation::UpdateDetails { .. }
        | Operation::Undo { .. }
        | Operation::Combined { .. }
        | Operation::AutoTag { .. } => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{i:024x}")).collect()
    }

    #[test]
    fn plans_chunks_within_api_limits() {
        let p = plan(
            Operation::AddTags {
                tags: vec!["a".into()],
            },
            &ids(120),
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(
            p.units.iter().map(|u| u.ids.len()).collect::<Vec<_>>(),
            [50, 50, 20]
        );
        let p = plan(Operation::Delete, &ids(250), &HashMap::new()).unwrap();
        assert_eq!(
            p.units.iter().map(|u| u.ids.len()).collect::<Vec<_>>(),
            [100, 100, 50]
        );
        let p = plan(Operation::RemoveAllAiTags, &ids(3), &HashMap::new()).unwrap();
        assert_eq!(p.units.len(), 3);
        let mut dup = ids(3);
        dup.extend(ids(3));
        assert_eq!(
            plan(Operation::Delete, &dup, &HashMap::new())
                .unwrap()
                .file_count(),
            3
        );
    }

    #[test]
    fn rejects_tags_the_api_would_reject() {
        let none = HashMap::new();
        let long = vec!["x".repeat(300), "y".repeat(201)];
        assert_eq!(
            plan(Operation::AddTags { tags: long }, &ids(1), &none),
            Err(PlanError::TooLong(501))
        );
        assert!(matches!(
            plan(
                Operation::AddTags {
                    tags: vec!["50%".into()]
                },
                &ids(1),
                &none
            ),
            Err(PlanError::Percent(_))
        ));
        assert_eq!(
            plan(Operation::RemoveTags { tags: vec![] }, &ids(1), &none),
            Err(PlanError::NoTags)
        );
        assert!(
            plan(Operation::ReplaceTags { tags: vec![] }, &ids(1), &none).is_ok(),
            "replace with nothing clears"
        );
    }
}
