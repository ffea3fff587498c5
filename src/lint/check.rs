//! Checking files against [`Rules`]: each distinct tag is classified once, then every file
//! is walked once (100 000 files in a few tens of milliseconds).

use std::collections::{HashMap, HashSet};

use crate::jobs::Known;
use crate::vocab::near_key;

use super::rules::Rules;
use super::{Fix, Rule, Violation};

/// What a distinct tag is under the rules.
struct Class {
    /// The violation it is, with its fix.
    violation: Option<(Rule, Option<Fix>)>,
    /// Its spelling once fixed (merge target, else styled).
    canonical: String,
    /// `near_key(canonical)`: how AI tags are matched to tags.
    near: String,
}

impl Rules {
    /// `tag` as it ends once fixed: its merge target, else its styled form (or the styled
    /// form's merge target).
    pub fn canonical(&self, tag: &str) -> String {
        if let Some(into) = self.merge_target(tag) {
            return into.to_owned();
        }
        let styled = self.styled(tag);
        match self.merge_target(&styled) {
            Some(into) => into.to_owned(),
            None => styled,
        }
    }

    fn classify(&self, tag: &str, bans: &HashSet<&str>) -> Class {
        let canonical = self.canonical(tag);
        let near = near_key(&canonical);
        let violation = if bans.contains(tag) || bans.contains(canonical.as_str()) {
            Some((
                Rule::Ban,
                Some(Fix::Remove {
                    tag: tag.to_owned(),
                }),
            ))
        } else if let Some(into) = self.merge_target(tag) {
            Some((
                Rule::Merge,
                Some(Fix::Rename {
                    from: tag.to_owned(),
                    into: into.to_owned(),
                }),
            ))
        } else if canonical != tag {
            let fix = (!canonical.trim().is_empty()).then(|| Fix::Rename {
                from: tag.to_owned(),
                into: canonical.clone(),
            });
            Some((Rule::Style, fix))
        } else {
            None
        };
        Class {
            violation,
            canonical,
            near,
        }
    }
}

/// `required[i]`: ids of the files the i-th require rule's `where` query matches (the
/// caller asks the server). One violation per file, rule and tag, in file order.
// The TUI and the CLI both pass std's HashSet: no hasher parameter on the shared API.
#[allow(clippy::implicit_hasher)]
pub fn check<'a, K: Known + 'a>(
    rules: &Rules,
    files: impl IntoIterator<Item = (&'a str, &'a K)>,
    required: &[HashSet<String>],
) -> Vec<Violation> {
    let files: Vec<(&str, &K)> = files.into_iter().collect();
    let bans: HashSet<&str> = rules.bans.iter().map(String::as_str).collect();
    let mut tags: HashMap<&str, Class> = HashMap::new();
    for (_, f) in &files {
        for t in f.tag_list() {
            if !tags.contains_key(t) {
                tags.insert(t, rules.classify(t, &bans));
            }
        }
    }
    let any_of: Vec<HashSet<String>> = rules
        .requires
        .iter()
        .map(|r| r.any_of.iter().map(|t| rules.canonical(t)).collect())
        .collect();
    let labels: Vec<String> = rules
        .requires
        .iter()
        .map(|r| r.any_of.join(" | "))
        .collect();
    let mut ai_names: HashMap<&str, (String, String)> = HashMap::new();
    let mut out = Vec::new();
    for (id, f) in files {
        let path = f.path();
        let push = |out: &mut Vec<Violation>, rule, tag: &str, fix| {
            out.push(Violation {
                file_id: id.to_owned(),
                path: path.to_owned(),
                rule,
                tag: tag.to_owned(),
                fix,
            });
        };
        let classes: Vec<(&str, &Class)> = f
            .tag_list()
            .into_iter()
            .filter_map(|t| Some((t, tags.get(t)?)))
            .collect();
        for (t, c) in &classes {
            if let Some((rule, fix)) = &c.violation {
                push(&mut out, *rule, t, fix.clone());
            }
        }
        for (i, ids) in required.iter().enumerate().take(any_of.len()) {
            if ids.contains(id)
                && !classes
                    .iter()
                    .any(|(_, c)| any_of[i].contains(&c.canonical))
            {
                push(&mut out, Rule::Require, &labels[i], None);
            }
        }
        for (name, confidence) in f.ai_list() {
            if rules.ai.remove_below.is_some_and(|min| confidence < min) {
                let fix = Fix::RemoveAi {
                    name: name.to_owned(),
                };
                push(&mut out, Rule::AiRemove, name, Some(fix));
                continue;
            }
            if !rules.ai.promote_min.is_some_and(|min| confidence >= min) {
                continue;
            }
            let (canonical, near) = ai_names.entry(name).or_insert_with(|| {
                let c = rules.canonical(name);
                let n = near_key(&c);
                (c, n)
            });
            if classes.iter().any(|(_, c)| c.near == *near) {
                continue;
            }
            let banned = bans.contains(name) || bans.contains(canonical.as_str());
            let fix = (!banned && !canonical.trim().is_empty()).then(|| Fix::Promote {
                name: canonical.clone(),
            });
            push(&mut out, Rule::AiPromote, name, fix);
        }
    }
    out
}
