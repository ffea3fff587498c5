//! The job that fixes violations: existing operations, planned and combined into one.

use std::collections::{BTreeMap, BTreeSet};

use crate::jobs::{self, Known, Operation, Plan, PlanError};
use crate::text::count;

use super::{Fix, Violation};

/// Tags named by one operation, its files in order, and the files already in it.
type Gather = (BTreeSet<String>, Vec<String>, BTreeSet<String>);

fn push_unique(ids: &mut Vec<String>, seen: &mut BTreeSet<String>, id: &str) {
    if seen.insert(id.to_owned()) {
        ids.push(id.to_owned());
    }
}

/// The operations that fix these violations, each with its files, in the order to run them:
/// renames (one `MergeTags` per target), removals of banned tags (one `RemoveTags`),
/// promotions (`AddTags` of the AI tags' names in the rules' spelling, one per set of
/// names), AI-tag removals (`RemoveAiTags`, one per set of names; irreversible, so last).
pub fn fixes(violations: &[Violation]) -> Vec<(Operation, Vec<String>)> {
    let mut renames: BTreeMap<&str, Gather> = BTreeMap::new();
    let mut removes = Gather::default();
    let mut adds: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    let mut ai: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
    for v in violations {
        let id = v.file_id.as_str();
        match &v.fix {
            Some(Fix::Rename { from, into }) => {
                let (froms, ids, seen) = renames.entry(into).or_default();
                froms.insert(from.clone());
                push_unique(ids, seen, id);
            }
            Some(Fix::Remove { tag }) => {
                removes.0.insert(tag.clone());
                push_unique(&mut removes.1, &mut removes.2, id);
            }
            Some(Fix::Promote { name }) => {
                adds.entry(id).or_default().insert(name.clone());
            }
            Some(Fix::RemoveAi { name }) => {
                ai.entry(id).or_default().insert(name.clone());
            }
            None => {}
        }
    }
    let mut out = Vec::new();
    for (into, (from, ids, _)) in renames {
        let op = Operation::MergeTags {
            from: from.into_iter().collect(),
            into: into.to_owned(),
        };
        out.push((op, ids));
    }
    if !removes.1.is_empty() {
        let tags = removes.0.into_iter().collect();
        out.push((Operation::RemoveTags { tags }, removes.1));
    }
    for (names, ids) in by_set(violations, &adds) {
        out.push((Operation::AddTags { tags: names }, ids));
    }
    for (names, ids) in by_set(violations, &ai) {
        out.push((Operation::RemoveAiTags { names }, ids));
    }
    out
}

/// Files grouped by their set of names, each group's files in violation order.
fn by_set(
    violations: &[Violation],
    per_file: &BTreeMap<&str, BTreeSet<String>>,
) -> Vec<(Vec<String>, Vec<String>)> {
    let mut index: BTreeMap<&BTreeSet<String>, usize> = BTreeMap::new();
    let mut out: Vec<(Vec<String>, Vec<String>)> = Vec::new();
    let mut done = BTreeSet::new();
    for v in violations {
        let Some(names) = per_file.get(v.file_id.as_str()) else {
            continue;
        };
        if !done.insert(v.file_id.as_str()) {
            continue;
        }
        let i = *index.entry(names).or_insert_with(|| {
            out.push((names.iter().cloned().collect(), Vec::new()));
            out.len() - 1
        });
        out[i].1.push(v.file_id.clone());
    }
    out
}

/// The one job that fixes these violations ([`fixes`], each planned against `known`, the
/// files as checked, then [`jobs::combine`]d); `None` when nothing is fixable.
pub fn fix_plan<'a, K: Known + 'a>(
    violations: &[Violation],
    known: impl Fn(&str) -> Option<&'a K>,
) -> Result<Option<Plan>, PlanError> {
    let ops = fixes(violations);
    let label = label(&ops);
    let plans = ops
        .into_iter()
        .map(|(op, ids)| jobs::plan_with(op, &ids, &known))
        .collect::<Result<Vec<Plan>, PlanError>>()?;
    Ok(jobs::combine(label, plans))
}

/// `fix tag rules: rename 3 tags, remove 2 banned tags, promote AI tags on 4 files,
/// remove AI tags from 5 files`.
fn label(ops: &[(Operation, Vec<String>)]) -> String {
    let (mut renames, mut removes, mut adds, mut ai) = (0, 0, 0, 0);
    for (op, ids) in ops {
        match op {
            Operation::MergeTags { from, .. } => renames += from.len(),
            Operation::RemoveTags { tags } => removes += tags.len(),
            Operation::AddTags { .. } => adds += ids.len(),
            _ => ai += ids.len(),
        }
    }
    let parts: Vec<String> = [
        (renames > 0).then(|| format!("rename {}", count(renames, "tag"))),
        (removes > 0).then(|| format!("remove {}", count(removes, "banned tag"))),
        (adds > 0).then(|| format!("promote AI tags on {}", count(adds, "file"))),
        (ai > 0).then(|| format!("remove AI tags from {}", count(ai, "file"))),
    ]
    .into_iter()
    .flatten()
    .collect();
    format!("fix tag rules: {}", parts.join(", "))
}
