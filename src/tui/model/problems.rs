//! Tag rules in the TUI: the rules file's violations over the loaded library, kept current
//! after loading and after every job. `require` rules need the server (their `where` is a
//! searchQuery): the ids each one matches are asked for and kept until the next job.

use std::collections::HashSet;
use std::sync::Arc;

use super::State;
use crate::lint::{self, Group, Rules, Violation};
use crate::tui::msg::Effect;

/// The files one `require` rule's query matched.
pub type Required = HashSet<String>;

#[derive(Debug, Clone, Default)]
pub struct Problems {
    /// The rules in force (`None`: no rules file, nothing is checked).
    pub rules: Option<Arc<Rules>>,
    /// For each `require` rule, the files its query matches (empty until the server answers).
    pub required: Vec<HashSet<String>>,
    pub violations: Vec<Violation>,
    pub groups: Vec<Group>,
    /// Violations with an automatic fix (counted once per check, not per frame).
    pub fixable: usize,
}

impl Problems {
    pub fn new(rules: Option<Arc<Rules>>) -> Problems {
        let required = rules.as_ref().map_or(0, |r| r.requires().len());
        Problems {
            rules,
            required: vec![HashSet::new(); required],
            ..Problems::default()
        }
    }
}

/// Checks the loaded library against the rules again.
pub fn recheck(s: &mut State) {
    let Some(rules) = s.problems.rules.clone() else {
        return;
    };
    let files = s.lib.files.iter().map(|f| (f.file_id.as_str(), f));
    s.problems.violations = lint::check(&rules, files, &s.problems.required);
    s.problems.groups = lint::groups(&s.problems.violations);
    s.problems.fixable = s
        .problems
        .violations
        .iter()
        .filter(|v| v.fix.is_some())
        .count();
}

/// Asks the server which files each `require` rule covers (none: nothing to ask).
pub fn ask_required(s: &State) -> Option<Effect> {
    let rules = s.problems.rules.as_ref()?;
    let queries: Vec<String> = rules.requires().iter().map(|r| r.where_.clone()).collect();
    (!queries.is_empty()).then_some(Effect::LintRequired(queries))
}

/// The server's answer to [`ask_required`].
pub fn required_arrived(s: &mut State, result: Result<Vec<Required>, String>) {
    match result {
        Ok(sets) => s.problems.required = sets,
        Err(e) => s.status = format!("rules: a require query failed, not checked: {e}"),
    }
    recheck(s);
}

/// The files a problem group is about, shown in the list as a search result (Esc clears it).
pub fn show_group(s: &mut State, group: &Group) {
    let ids: HashSet<String> = group.ids.iter().cloned().collect();
    s.list.search = Some(super::ServerSearch {
        query: format!("problem: {}", group.label),
        ids,
    });
    s.list.rebuild(&mut s.lib);
    s.status = format!(
        "{} with “{}” (esc shows the library)",
        super::files_label(s.list.view.len()),
        crate::text::shown(&group.label, 60)
    );
}

/// Stages the fix of a problem group (shown in the staged diff, applied with `w`).
pub fn stage_fix(s: &mut State, group: &Group) {
    if group.fix.is_none() {
        s.status = format!(
            "“{}” has no automatic fix: it needs a person (Enter shows the files)",
            crate::text::shown(&group.label, 60)
        );
        return;
    }
    let ids: HashSet<&str> = group.ids.iter().map(String::as_str).collect();
    let of_group: Vec<Violation> = s
        .problems
        .violations
        .iter()
        .filter(|v| v.rule == group.rule && v.fix == group.fix && ids.contains(v.file_id.as_str()))
        .cloned()
        .collect();
    for (op, ids) in lint::fixes(&of_group) {
        if let Err(e) = super::staging::stage_vocab(s, op, ids) {
            s.status = format!("not staged: {e}");
            return;
        }
    }
}
