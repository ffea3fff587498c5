//! Undo: the plan that puts back what earlier jobs changed, on the files the server
//! confirmed, as one job.
//!
//! Per file, the state before the first job and after the last are worked out from the
//! plans' recorded previous tags and detail values. Files whose tags only gained or lost
//! tags get bulk calls (grouped by exactly which tags to take off and put back, 50 files a
//! call); files whose tag list was replaced (set, promote, a listing) get a PATCH with their
//! previous tag list; detail fields get a PATCH with their previous values. Bulk and PATCH
//! changes of one file never touch the same field, so the calls can run in any order.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::journal::FileState;
use super::{Operation, Plan, TAG_CHUNK, Unit};

/// One job that ran: its plan, the files the server confirmed, and their state as read back
/// after it (if known).
pub struct Applied<'a> {
    pub plan: &'a Plan,
    pub succeeded: Vec<&'a str>,
    pub after: Option<&'a BTreeMap<String, FileState>>,
}

/// What undoing one file needs.
#[derive(Default)]
struct PerFile {
    /// Tags before the first job touched them (`None`: not recorded).
    before: Option<Vec<String>>,
    /// Tags after the jobs, worked out (`None`: not known).
    now: Option<Vec<String>>,
    touched: bool,
    /// A job replaced the whole list: only a PATCH with `before` undoes it.
    exact: bool,
    /// Added and removed tags, for files whose previous tags were not recorded.
    added: BTreeSet<String>,
    removed: BTreeSet<String>,
    fields_before: Map<String, Value>,
    fields_after: Map<String, Value>,
}

impl PerFile {
    fn start(&mut self, before: Option<Vec<String>>) {
        if !self.touched {
            self.touched = true;
            self.now.clone_from(&before);
            self.before = before;
        }
    }

    fn add(&mut self, tags: &[String]) {
        if let Some(now) = &mut self.now {
            for t in tags {
                if !now.contains(t) {
                    now.push(t.clone());
                }
            }
        }
        for t in tags {
            self.removed.remove(t);
            self.added.insert(t.clone());
        }
    }

    fn remove(&mut self, tags: &[String]) {
        if let Some(now) = &mut self.now {
            now.retain(|t| !tags.contains(t));
        }
        for t in tags {
            self.added.remove(t);
            self.removed.insert(t.clone());
        }
    }

    fn replace(&mut self, tags: Option<Vec<String>>) {
        self.exact = true;
        self.now = tags;
    }

    /// A PATCH body's fields (and what they replaced).
    fn patch(&mut self, body: &Map<String, Value>, prev: Option<&Map<String, Value>>) {
        let was = |k: &str| prev.and_then(|p| p.get(k)).cloned().unwrap_or(Value::Null);
        for (k, v) in body {
            match k.as_str() {
                "tags" => {
                    self.start(Some(tag_list(&was("tags"))));
                    self.replace(Some(tag_list(v)));
                }
                "customMetadata" => {
                    let (Value::Object(new), Value::Object(old)) = (v, was(k)) else {
                        continue;
                    };
                    for (key, value) in new {
                        let before = meta(&mut self.fields_before, k);
                        before
                            .entry(key.clone())
                            .or_insert_with(|| old.get(key).cloned().unwrap_or(Value::Null));
                        meta(&mut self.fields_after, k).insert(key.clone(), value.clone());
                    }
                }
                _ => {
                    self.fields_before
                        .entry(k.clone())
                        .or_insert_with(|| was(k));
                    self.fields_after.insert(k.clone(), v.clone());
                }
            }
        }
    }
}

fn meta<'a>(m: &'a mut Map<String, Value>, k: &str) -> &'a mut Map<String, Value> {
    let slot = m
        .entry(k.to_owned())
        .or_insert_with(|| Value::Object(Map::new()));
    if !slot.is_object() {
        *slot = Value::Object(Map::new());
    }
    slot.as_object_mut().expect("an object was just put here")
}

fn tag_list(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn list_value(tags: &[String]) -> Value {
    if tags.is_empty() {
        Value::Null
    } else {
        Value::from(tags.to_vec())
    }
}

/// Follows one confirmed file through one operation.
fn follow(f: &mut PerFile, op: &Operation, plan: &Plan, id: &str, after: Option<&FileState>) {
    let recorded = || plan.previous_tags.get(id).cloned();
    match op {
        Operation::AddTags { tags } => {
            f.start(recorded());
            f.add(tags);
        }
        Operation::RemoveTags { tags } => {
            f.start(recorded());
            f.remove(tags);
        }
        Operation::MergeTags { from, into } => {
            f.start(recorded());
            let gone: Vec<String> = from.iter().filter(|t| *t != into).cloned().collect();
            f.remove(&gone);
            f.add(std::slice::from_ref(into));
            // Put the list back as it was, order included (a merge reshuffles it).
            f.exact = true;
        }
        Operation::ReplaceTags { tags } => {
            f.start(recorded());
            f.replace(Some(tags.clone()));
        }
        Operation::PromoteAiTags { .. } => {
            f.start(recorded());
            f.replace(after.map(|a| a.tags.clone()));
        }
        Operation::PatchEach { bodies, before } | Operation::Undo { bodies, before, .. } => {
            if let Some(Value::Object(body)) = bodies.get(id) {
                f.patch(body, before.get(id).and_then(Value::as_object));
            }
        }
        _ => {}
    }
}

/// The undo of `parts` (in the order they ran) as one plan labelled `label`, and the files
/// it cannot restore with the reason.
pub fn undo_plan(parts: &[Applied<'_>], label: String) -> (Plan, Vec<(String, String)>) {
    let mut files: BTreeMap<&str, PerFile> = BTreeMap::new();
    for part in parts {
        let ok: std::collections::HashSet<&str> = part.succeeded.iter().copied().collect();
        for unit in &part.plan.units {
            let op = part.plan.op_of(unit);
            for id in unit.ids.iter().filter(|id| ok.contains(id.as_str())) {
                let after = part.after.and_then(|a| a.get(id));
                follow(files.entry(id).or_default(), op, part.plan, id, after);
            }
        }
    }
    let (mut bodies, mut before) = (BTreeMap::new(), BTreeMap::new());
    let mut bulk: BTreeMap<(Vec<String>, Vec<String>), Vec<String>> = BTreeMap::new();
    let mut previous_tags = super::plan::PreviousTags::default();
    let mut refused = Vec::new();
    for (id, f) in files {
        let (mut body, mut back) = (f.fields_before, f.fields_after);
        if let Some(now) = &f.now {
            previous_tags.insert(id.to_owned(), now.clone());
        }
        if f.touched && f.exact {
            match &f.before {
                Some(b) => {
                    body.insert("tags".into(), list_value(b));
                    if let Some(now) = &f.now {
                        back.insert("tags".into(), list_value(now));
                    }
                }
                None => refused.push((id.to_owned(), "its previous tags were not recorded".into())),
            }
        } else if f.touched {
            let (take_off, put_back): (Vec<String>, Vec<String>) = match (&f.before, &f.now) {
                (Some(b), Some(n)) => (
                    n.iter().filter(|t| !b.contains(t)).cloned().collect(),
                    b.iter().filter(|t| !n.contains(t)).cloned().collect(),
                ),
                _ => (
                    f.added.into_iter().collect(),
                    f.removed.into_iter().collect(),
                ),
            };
            if !take_off.is_empty() || !put_back.is_empty() {
                bulk.entry((take_off, put_back))
                    .or_default()
                    .push(id.to_owned());
            }
        }
        if !body.is_empty() {
            bodies.insert(id.to_owned(), Value::Object(body));
            before.insert(id.to_owned(), Value::Object(back));
        }
    }
    let mut units = Vec::new();
    for ((take_off, put_back), ids) in bulk {
        for chunk in ids.chunks(TAG_CHUNK) {
            if !take_off.is_empty() {
                units.push(Unit {
                    ids: chunk.to_vec(),
                    op: Some(Operation::RemoveTags {
                        tags: take_off.clone(),
                    }),
                });
            }
            if !put_back.is_empty() {
                units.push(Unit {
                    ids: chunk.to_vec(),
                    op: Some(Operation::AddTags {
                        tags: put_back.clone(),
                    }),
                });
            }
        }
    }
    units.extend(bodies.keys().map(|id| Unit {
        ids: vec![id.clone()],
        op: None,
    }));
    let plan = Plan {
        op: Operation::Undo {
            label,
            bodies,
            before,
        },
        units,
        skipped: Vec::new(),
        previous_tags,
    };
    (plan, refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::plan;
    use std::collections::HashMap;

    fn file(id: &str, tags: &[&str]) -> crate::model::FileDetails {
        let mut f: crate::model::FileDetails = serde_json::from_value(serde_json::json!({
            "type": "file", "fileId": id, "name": "a.jpg", "filePath": "/a.jpg",
            "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z",
        }))
        .unwrap();
        f.tags = tags.iter().map(|t| (*t).to_owned()).collect();
        f
    }

    fn v(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| (*t).to_owned()).collect()
    }

    #[test]
    fn an_apply_of_several_jobs_is_undone_by_one_plan_and_redone_by_its_inverse() {
        let known: HashMap<String, _> = [("a", &["font", "x"][..]), ("b", &["x"][..])]
            .iter()
            .map(|(id, t)| ((*id).to_owned(), file(id, t)))
            .collect();
        let ids = v(&["a", "b"]);
        let rm = plan(Operation::RemoveTags { tags: v(&["font"]) }, &ids, &known).unwrap();
        let add = plan(Operation::AddTags { tags: v(&["cc"]) }, &ids, &known).unwrap();
        let parts = [
            Applied {
                plan: &rm,
                succeeded: vec!["a"],
                after: None,
            },
            Applied {
                plan: &add,
                succeeded: vec!["a", "b"],
                after: None,
            },
        ];
        let (undo, refused) = undo_plan(&parts, "−font +cc".into());
        assert!(refused.is_empty());
        let mut calls: Vec<(String, Vec<String>)> = undo
            .units
            .iter()
            .map(|u| (format!("{:?}", undo.op_of(u)), u.ids.clone()))
            .collect();
        calls.sort();
        // a: take off cc, put back font; b: take off cc. Three bulk calls, no PATCH.
        assert_eq!(calls.len(), 3, "{calls:?}");
        assert_eq!(undo.previous_tags["a"], v(&["x", "cc"]));
        // Undoing the undo (redo) gives the apply's net effect back.
        let all = vec!["a", "b"];
        let (redo, _) = undo_plan(
            &[Applied {
                plan: &undo,
                succeeded: all,
                after: None,
            }],
            "redo".into(),
        );
        let ops: BTreeSet<String> = redo
            .units
            .iter()
            .map(|u| format!("{:?} {:?}", redo.op_of(u), u.ids))
            .collect();
        assert!(
            ops.iter()
                .any(|o| o.contains("AddTags") && o.contains("cc")),
            "{ops:?}"
        );
        assert!(
            ops.iter()
                .any(|o| o.contains("RemoveTags") && o.contains("font")),
            "{ops:?}"
        );
    }

    #[test]
    fn replaced_lists_and_details_are_put_back_by_patch() {
        let known: HashMap<String, _> = [("a".to_owned(), file("a", &["old"]))].into();
        let set = plan(
            Operation::ReplaceTags { tags: v(&["new"]) },
            &v(&["a"]),
            &known,
        )
        .unwrap();
        let mut bodies = BTreeMap::new();
        let mut before = BTreeMap::new();
        bodies.insert(
            "a".to_owned(),
            serde_json::json!({"description": "new", "customMetadata": {"k": 2}}),
        );
        before.insert(
            "a".to_owned(),
            serde_json::json!({"description": "old", "customMetadata": {"k": null}}),
        );
        let edit = plan(Operation::PatchEach { bodies, before }, &v(&["a"]), &known).unwrap();
        let parts = [
            Applied {
                plan: &set,
                succeeded: vec!["a"],
                after: None,
            },
            Applied {
                plan: &edit,
                succeeded: vec!["a"],
                after: None,
            },
        ];
        let (undo, _) = undo_plan(&parts, "x".into());
        assert_eq!(undo.units.len(), 1, "one PATCH for the file");
        let Operation::Undo { bodies, before, .. } = &undo.op else {
            panic!()
        };
        assert_eq!(
            bodies["a"],
            serde_json::json!({"tags": ["old"], "description": "old", "customMetadata": {"k": null}})
        );
        assert_eq!(
            before["a"],
            serde_json::json!({"tags": ["new"], "description": "new", "customMetadata": {"k": 2}})
        );
    }
}
