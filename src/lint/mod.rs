//! Tag rules (`iktag lint`): a rules file ([`Rules`]: merge, ban, style, require, AI
//! thresholds), checking a library against it ([`check`]), the violations grouped for display
//! ([`groups`]), the job operations that fix them ([`fixes`]) and a starter file ([`init`]).
//! Both front-ends call these; nothing here talks to the server (the caller runs the
//! `require` rules' queries and passes the ids).

mod check;
mod fix;
mod init;
mod rules;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::Serialize;

pub use check::check;
pub use fix::{fix_plan, fixes};
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

#[cfg(test)]
mod tests;
