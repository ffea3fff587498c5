//! What a job would do to a file, for dry runs and the journal: `+tag −tag`,
//! `AI −name(41.5)`, `description “a” → “b”`; and the PATCH body that turns a file's
//! detail fields into wanted ones together with the body that turns them back.

use serde_json::{Map, Value};

use super::{Fields, Operation};
use crate::model::FileDetails;

/// What the operation would do to this file, for a dry run: `+tag −tag`, `AI −name(41.5)`.
pub fn preview(op: &Operation, f: &FileDetails) -> String {
    let ai_removed = |keep: &dyn Fn(&crate::model::AiTag) -> bool| -> String {
        f.ai_tags
            .iter()
            .filter(|t| !keep(t))
            .map(|t| format!("AI −{}({:.1})", t.name, t.confidence))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let marked = |tags: &[String], sign: char, want: bool| -> String {
        tags.iter()
            .filter(|t| f.tags.contains(t) == want)
            .map(|t| format!("{sign}{t}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    match op {
        Operation::AddTags { tags } => marked(tags, '+', false),
        Operation::RemoveTags { tags } => marked(tags, '−', true),
        Operation::ReplaceTags { tags } => {
            format!("[{}] → [{}]", f.tags.join(", "), tags.join(", "))
        }
        Operation::RemoveAiTags { names } => ai_removed(&|t| !names.contains(&t.name)),
        Operation::RemoveAllAiTags => ai_removed(&|_| false),
        Operation::RemoveAiTagsBelow { confidence } => ai_removed(&|t| t.confidence >= *confidence),
        Operation::RestoreTags => "restore previous tags".into(),
        Operation::PatchEach { bodies, before } | Operation::Undo { bodies, before, .. } => {
            patch_preview(bodies.get(&f.file_id), before.get(&f.file_id))
        }
        Operation::PromoteAiTags { min } => f
            .ai_tags
            .iter()
            .filter(|t| t.confidence >= *min && !f.tags.contains(&t.name))
            .map(|t| format!("+{}({:.1})", t.name, t.confidence))
            .collect::<Vec<_>>()
            .join(" "),
        Operation::MergeTags { from, into } => {
            let gone: Vec<String> = from
                .iter()
                .filter(|t| f.tags.contains(t) && *t != into)
                .map(|t| format!("−{t}"))
                .collect();
            let add = if f.tags.contains(into) {
                String::new()
            } else {
                format!("+{into} ")
            };
            format!("{add}{}", gone.join(" "))
        }
        Operation::UpdateDetails { body } => format!("PATCH {body}"),
        Operation::AutoTag {
            source,
            max_tags,
            min_confidence,
        } => format!("{source} auto-tagging: up to {max_tags} AI tags ≥ {min_confidence}%"),
        Operation::Delete => "delete".into(),
        Operation::Combined { label, .. } => label.clone(),
    }
}

/// `tags [a, b] → [a]; description “x” → “y”` for a PATCH body and what it replaces.
pub fn patch_preview(body: Option<&Value>, before: Option<&Value>) -> String {
    let Some(Value::Object(b)) = body else {
        return "no change".into();
    };
    let empty = Map::new();
    let was = match before {
        Some(Value::Object(m)) => m,
        _ => &empty,
    };
    b.iter()
        .map(|(k, v)| {
            let old = was.get(k).map_or("?".to_owned(), show);
            format!("{k} {old} → {}", show(v))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn show(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) => format!("“{s}”"),
        Value::Array(a) => format!(
            "[{}]",
            a.iter()
                .map(|x| x.as_str().map_or_else(|| x.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// The PATCH body that turns `now` into what `want` says (only the fields present in
/// `want`: tags, customCoordinates, customMetadata, description), and the body that turns
/// it back. `all_metadata`: `want` lists every metadata key (an edited listing), so keys
/// it lacks are unset; otherwise only the keys it names change (a detail edit).
pub fn detail_diff(
    want: &Map<String, Value>,
    now_tags: &[&str],
    now: &Fields,
    all_metadata: bool,
) -> (Map<String, Value>, Map<String, Value>) {
    let list = |v: Vec<String>| {
        if v.is_empty() {
            Value::Null
        } else {
            Value::from(v)
        }
    };
    let (mut body, mut before) = (Map::new(), Map::new());
    if let Some(t) = want.get("tags") {
        let wanted: Vec<String> = t
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        if !wanted
            .iter()
            .map(String::as_str)
            .eq(now_tags.iter().copied())
        {
            body.insert("tags".into(), list(wanted));
            let current = now_tags.iter().map(|t| (*t).to_owned()).collect();
            before.insert("tags".into(), list(current));
        }
    }
    if let Some(c) = want.get("customCoordinates") {
        let current = now.coordinates.clone().map_or(Value::Null, Value::String);
        if *c != current {
            body.insert("customCoordinates".into(), c.clone());
            before.insert("customCoordinates".into(), current);
        }
    }
    if let Some(Value::Object(m)) = want.get("customMetadata") {
        let (mut to, mut back) = (Map::new(), Map::new());
        let keys: std::collections::BTreeSet<&String> = if all_metadata {
            m.keys().chain(now.metadata.keys()).collect()
        } else {
            m.keys().collect()
        };
        for k in keys {
            let (w, c) = (
                m.get(k).cloned().unwrap_or(Value::Null),
                now.metadata.get(k).cloned().unwrap_or(Value::Null),
            );
            if w != c {
                to.insert(k.clone(), w);
                back.insert(k.clone(), c);
            }
        }
        if !to.is_empty() {
            body.insert("customMetadata".into(), Value::Object(to));
            before.insert("customMetadata".into(), Value::Object(back));
        }
    }
    if let Some(d) = want.get("description") {
        let current = Value::String(now.description.clone().unwrap_or_default());
        let wanted = if d.is_null() {
            Value::String(String::new())
        } else {
            d.clone()
        };
        if wanted != current {
            body.insert("description".into(), wanted);
            // No description before: undo clears it again (null), not to "".
            let was = now.description.clone().map_or(Value::Null, Value::String);
            before.insert("description".into(), was);
        }
    }
    (body, before)
}
