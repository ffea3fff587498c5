//! Tag rules (`iktag lint`): a rules file ([`Rules`]: merge, ban, style, require, AI
//! thresholds), checking a library against it ([`check`]), the violations grouped for display
//! ([`groups`]), the job operations that fix them ([`fixes`]) and a starter file ([`init`]).
//! Both front-ends call these; nothing here talks to the server (the caller runs the
//! `require` rules' queries and passes the ids).

mod check;
mod init;
mod rules;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::jobs::Operation;

pub use check::check;
pub use init::init;
pub use rules::{Ai, LintError, Merge, Require, Rules, Style};

/// The file name looked for in the current directory.
pub const LOCAL_FILE: &str = "iktag-rules.toml";
/// The file name looked for in the config directory.
pub const CONFIG_FILE: &str = "rules.toml";

/// `--rules FILE`, else `./iktag-rules.toml`, else `<config dir>/rules.toml` (the config
/// directory as `config.rs` finds it); `None` when none exists.
pub fn find_rules(explicit: Option<&Path>) -> Option<PathBuf> {
    find_rules_with(explicit, Path::new("."), &crate::config::ProcessEnv)
}

/// [`find_rules`] from a directory and an environment (tests).
pub fn find_rules_with(
    explicit: Option<&Path>,
    cwd: &Path,
    env: &dyn crate::config::Env,
) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let local = cwd.join(LOCAL_FILE);
    if local.is_file() {
        return Some(local);
    }
    let global = crate::config::config_dir(env).ok()?.join(CONFIG_FILE);
    global.is_file().then_some(global)
}

/// Which rule a violation breaks.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub enum Rule {
    Merge,
    Ban,
    Style,
    Require,
    AiPromote,
    AiRemove,
}

impl Rule {
    pub fn name(self) -> &'static str {
        match self {
            Rule::Merge => "merge",
            Rule::Ban => "ban",
            Rule::Style => "style",
            Rule::Require => "require",
            Rule::AiPromote => "ai-promote",
            Rule::AiRemove => "ai-remove",
        }
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// What fixes a violation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Fix {
    /// The tag `from` becomes `into` (a merge rule or the style).
    Rename { from: String, into: String },
    /// The (banned) tag goes.
    Remove { tag: String },
    /// The AI tag becomes this tag (its name in the rules' spelling).
    Promote { name: String },
    /// The AI tag goes (cannot be undone).
    RemoveAi { name: String },
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fix::Rename { from, into } => write!(f, "rename {from} → {into}"),
            Fix::Remove { tag } => write!(f, "remove {tag}"),
            Fix::Promote { name } => write!(f, "add tag {name}"),
            Fix::RemoveAi { name } => write!(f, "remove AI tag {name}"),
        }
    }
}

impl Serialize for Fix {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One file breaking one rule. For `require`, `tag` lists the tags one of which is needed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Violation {
    pub file_id: String,
    pub path: String,
    pub rule: Rule,
    pub tag: String,
    pub fix: Option<Fix>,
}

/// Violations of one rule by one tag, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub rule: Rule,
    /// `Summer Sale → summer-sale`, `do-not-use`, `needs jacket | tent`.
    pub label: String,
    /// The files, in the order they were checked.
    pub ids: Vec<String>,
    pub fix: Option<Fix>,
}

fn label(v: &Violation) -> String {
    match (&v.rule, &v.fix) {
        (_, Some(Fix::Rename { from, into })) => format!("{from} → {into}"),
        (Rule::Require, _) => format!("needs {}", v.tag),
        (Rule::AiPromote, Some(Fix::Promote { name })) if *name != v.tag => {
            format!("{} → {name}", v.tag)
        }
        _ => v.tag.clone(),
    }
}

/// Violations grouped by rule and tag (and fix), most files first within a rule.
pub fn groups(violations: &[Violation]) -> Vec<Group> {
    let mut index: HashMap<(Rule, &str, Option<&Fix>), usize> = HashMap::new();
    let mut out: Vec<Group> = Vec::new();
    for v in violations {
        let i = *index
            .entry((v.rule, v.tag.as_str(), v.fix.as_ref()))
            .or_insert_with(|| {
                out.push(Group {
                    rule: v.rule,
                    label: label(v),
                    ids: Vec::new(),
                    fix: v.fix.clone(),
                });
                out.len() - 1
            });
        out[i].ids.push(v.file_id.clone());
    }
    out.sort_by(|a, b| {
        a.rule
            .cmp(&b.rule)
            .then_with(|| b.ids.len().cmp(&a.ids.len()))
            .then_with(|| a.label.cmp(&b.label))
    });
    out
}

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

#[cfg(test)]
mod tests;
