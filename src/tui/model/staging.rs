//! Staged changes: what `+ - A e` and the vocabulary view have staged, as a diff shown in
//! the editor, turned into plans on `w` (one undo unit), or dropped with `X`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::queue::{new_unit, pump, queue};
use super::{Pane, State};
use crate::jobs::journal::Origin;
use crate::jobs::{self, AutoTagParams, Operation, Plan};
use crate::text::{count, untrusted};
use crate::tui::dialogs::{Confirm, ConfirmAction, Modal};
use crate::tui::msg::Effect;

#[derive(Debug, Clone, PartialEq)]
pub enum AiRemoval {
    Names(BTreeSet<String>),
    All,
    Below(f64),
}

/// Changes staged for a fixed set of files, shown as a diff until applied or discarded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Staged {
    pub ids: Vec<String>,
    pub add: BTreeSet<String>,
    pub remove: BTreeSet<String>,
    pub ai: Option<AiRemoval>,
    /// Copy AI tags with at least this confidence into the tags.
    pub promote: Option<f64>,
    /// Run an auto-tagging extension.
    pub auto_tag: Option<AutoTagParams>,
    /// PATCH /details fields: description, customCoordinates, customMetadata.
    pub details: Map<String, Value>,
    /// Vocabulary changes (merge, rename, remove everywhere), each on the files that have
    /// the tags (not `ids`).
    pub vocab: Vec<(Operation, Vec<String>)>,
    /// The selection's generation when `ids` were taken from it (`None`: the focused file).
    pub selection: Option<u64>,
}

impl Staged {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty()
            && self.remove.is_empty()
            && self.ai.is_none()
            && self.promote.is_none()
            && self.auto_tag.is_none()
            && self.details.is_empty()
            && self.vocab.is_empty()
    }

    pub fn count(&self) -> usize {
        self.add.len()
            + self.remove.len()
            + usize::from(self.ai.is_some())
            + usize::from(self.promote.is_some())
            + usize::from(self.auto_tag.is_some())
            + self.details.len()
            + self.vocab.len()
    }
}

/// `1 file`, `12 files`.
pub fn files_label(n: usize) -> String {
    count(n, "file")
}

/// The targets for a new staged change, or `None` (with a status) when other files have
/// changes staged.
pub fn staging_targets(s: &mut State) -> Option<Vec<String>> {
    let ids = s.targets();
    if ids.is_empty() {
        s.status = "no file: select files first".into();
        return None;
    }
    if let Some(st) = &s.staged
        && !st.ids.is_empty()
        && st.ids != ids
    {
        let changes = count(st.count(), "change");
        let verb = if st.count() == 1 { "is" } else { "are" };
        let (staged, now) = (count(st.ids.len(), "file"), count(ids.len(), "file"));
        s.status = format!(
            "{changes} {verb} staged for {staged}, and this would be for a different set \
             ({now}): apply (w) or discard (X) the staged changes first"
        );
        return None;
    }
    Some(ids)
}

pub fn staged_for<'a>(s: &'a mut State, ids: &[String]) -> &'a mut Staged {
    let selection = (!s.list.selected.is_empty()).then(|| s.list.selected.generation());
    let st = s.staged.get_or_insert_with(Staged::default);
    if st.ids.is_empty() {
        st.ids = ids.to_vec();
    }
    // `staging_targets` checked that these are the staged files.
    st.selection = selection;
    st
}

pub fn tidy_staged(s: &mut State) {
    if s.staged.as_ref().is_some_and(Staged::is_empty) {
        s.staged = None;
    }
}

pub fn stage_tag(s: &mut State, ids: &[String], tag: &str, add: bool) {
    let st = staged_for(s, ids);
    let (this, other) = if add {
        (&mut st.add, &mut st.remove)
    } else {
        (&mut st.remove, &mut st.add)
    };
    // Staging the opposite of a staged change cancels it.
    if !other.remove(tag) && !this.remove(tag) {
        this.insert(tag.to_owned());
    }
    tidy_staged(s);
}

pub fn toggle_ai_name(s: &mut State, ids: &[String], name: &str) {
    let st = staged_for(s, ids);
    let mut names = match st.ai.take() {
        Some(AiRemoval::Names(n)) => n,
        _ => BTreeSet::new(),
    };
    if !names.remove(name) {
        names.insert(name.to_owned());
    }
    st.ai = (!names.is_empty()).then_some(AiRemoval::Names(names));
    tidy_staged(s);
}

/// The jobs staged changes become, in the order they run, each with its files.
pub fn staged_ops(s: &State, st: &Staged) -> Vec<(Operation, Vec<String>)> {
    let mut ops = Vec::new();
    if !st.remove.is_empty() {
        let tags = st.remove.iter().cloned().collect();
        ops.push(Operation::RemoveTags { tags });
    }
    if !st.add.is_empty() {
        let tags = st.add.iter().cloned().collect();
        ops.push(Operation::AddTags { tags });
    }
    // Promote before any AI-tag removal, so removed AI tags can still be promoted.
    if let Some(min) = st.promote {
        ops.push(Operation::PromoteAiTags { min });
    }
    match &st.ai {
        Some(AiRemoval::Names(n)) => ops.push(Operation::RemoveAiTags {
            names: n.iter().cloned().collect(),
        }),
        Some(AiRemoval::All) => ops.push(Operation::RemoveAllAiTags),
        Some(AiRemoval::Below(c)) => ops.push(Operation::RemoveAiTagsBelow { confidence: *c }),
        None => {}
    }
    // After any removal, so "remove all, then re-tag" does what it says.
    if let Some(p) = &st.auto_tag {
        ops.push(p.operation());
    }
    if !st.details.is_empty() {
        // Each file's previous values are recorded, so undo puts them back exactly.
        let (mut bodies, mut before) = (BTreeMap::new(), BTreeMap::new());
        for f in st.ids.iter().filter_map(|id| s.file(id)) {
            let (b, p) = jobs::detail_diff(
                &st.details,
                &jobs::Known::tag_list(f),
                &jobs::Known::fields(f),
                false,
            );
            if !b.is_empty() {
                bodies.insert(f.file_id.clone(), Value::Object(b));
                before.insert(f.file_id.clone(), Value::Object(p));
            }
        }
        ops.push(Operation::PatchEach { bodies, before });
    }
    let mut out: Vec<(Operation, Vec<String>)> =
        ops.into_iter().map(|op| (op, st.ids.clone())).collect();
    out.extend(st.vocab.iter().cloned());
    out
}

/// What an apply does, as the undo history names it: `−font +cc on 1 file`.
pub fn staged_label(st: &Staged) -> String {
    let mut parts: Vec<String> = st.remove.iter().map(|t| format!("−{t}")).collect();
    parts.extend(st.add.iter().map(|t| format!("+{t}")));
    if let Some(c) = st.promote {
        parts.push(format!("promote AI ≥ {c}"));
    }
    match &st.ai {
        Some(AiRemoval::All) => parts.push("AI −all".into()),
        Some(AiRemoval::Below(c)) => parts.push(format!("AI −below {c}")),
        Some(AiRemoval::Names(n)) => parts.push(format!(
            "AI −{}",
            n.iter().cloned().collect::<Vec<_>>().join(" −")
        )),
        None => {}
    }
    if let Some(p) = &st.auto_tag {
        parts.push(format!("auto-tag {}", p.source));
    }
    if !st.details.is_empty() {
        let keys: Vec<&str> = st.details.keys().map(String::as_str).collect();
        parts.push(format!("edit {}", keys.join(", ")));
    }
    let mut text = parts.join(" ");
    if !st.ids.is_empty() && !text.is_empty() {
        let _ = write!(text, " on {}", files_label(st.ids.len()));
    }
    for (op, ids) in &st.vocab {
        let what = match op {
            Operation::MergeTags { from, into } => format!("{} → {into}", from.join(", ")),
            Operation::RemoveTags { tags } => format!("−{} everywhere", tags.join(" −")),
            other => other.name().to_owned(),
        };
        if !text.is_empty() {
            text += "; ";
        }
        let _ = write!(text, "{what} on {}", files_label(ids.len()));
    }
    untrusted(&text, 120)
}

/// `w`: plans everything staged (nothing starts unless every part can); asks first when
/// a part cannot be undone (the job policy), else runs.
pub fn apply(s: &mut State) -> Vec<Effect> {
    let Some(st) = &s.staged else {
        s.status = "nothing staged: stage changes with + - A e first".into();
        return Vec::new();
    };
    let mut plans = Vec::new();
    for (op, ids) in staged_ops(s, st) {
        match jobs::plan_with(op, &ids, |id| s.file(id)) {
            Ok(plan) => plans.push(plan),
            Err(e) => {
                s.status = format!("not applied: {e}");
                return Vec::new();
            }
        }
    }
    let label = staged_label(st);
    let irreversible: Vec<String> = plans
        .iter()
        .filter(|p| p.op.ask() != jobs::Ask::Reversible)
        .map(|p| jobs::policy::irreversible_question(&p.op, p.changing()))
        .collect();
    if irreversible.is_empty() {
        return run_staged(s, label, plans);
    }
    s.modals.push(Modal::Confirm(Confirm::new(
        format!("{} Apply?", irreversible.join(" ")),
        ConfirmAction::Apply { label, plans },
    )));
    Vec::new()
}

/// Queues the staged changes' plans as one undo unit.
pub fn run_staged(s: &mut State, label: String, plans: Vec<Plan>) -> Vec<Effect> {
    s.staged = None;
    let group = new_unit(s, label);
    for plan in plans {
        queue(s, plan, group, Origin::New, None);
    }
    s.focus = Pane::List;
    pump(s)
}

/// Stages a vocabulary change (merge, rename, remove everywhere) on the files it touches;
/// like every reversible change it runs on `w` and shows in the staged diff.
pub fn stage_vocab(s: &mut State, op: Operation, ids: Vec<String>) -> Result<(), jobs::PlanError> {
    let plan = jobs::plan_with(op.clone(), &ids, |id| s.file(id))?;
    let n = plan.changing();
    let st = s.staged.get_or_insert_with(Staged::default);
    st.vocab.push((op, ids));
    let label = staged_label(st);
    s.status = format!(
        "staged ({} to change): {label} · w applies, X discards",
        files_label(n)
    );
    Ok(())
}
