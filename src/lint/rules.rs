//! The rules file: parsing with errors that name the file, line and column, and what to fix.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::jobs::policy::check_tag;

/// Why a rules file cannot be used. Every message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LintError {
    #[error("rules file {path}: {message}")]
    Read { path: String, message: String },
    #[error("rules file {path}:{line}:{column}: {message}")]
    Parse {
        path: String,
        line: usize,
        column: usize,
        message: String,
    },
}

/// Every spelling in `from` becomes `into`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Merge {
    pub into: String,
    pub from: Vec<String>,
}

/// The form every tag must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    /// Tags must be lower case.
    pub lower: bool,
    /// Words are joined with this; the other separators (of space, `-`, `_`) are violations.
    pub separator: Option<char>,
}

/// Files matching `where_` (an `ImageKit` searchQuery) need one of `any_of`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    pub where_: String,
    pub any_of: Vec<String>,
}

/// AI tag confidence thresholds (0-100).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Ai {
    /// AI tags at or above this should also be tags.
    pub promote_min: Option<f64>,
    /// AI tags below this should be removed.
    pub remove_below: Option<f64>,
}

/// A parsed, checked rules file.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rules {
    pub merges: Vec<Merge>,
    pub bans: Vec<String>,
    pub style: Option<Style>,
    pub(crate) requires: Vec<Require>,
    pub ai: Ai,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    merge: Vec<RawMerge>,
    #[serde(default)]
    ban: Vec<RawBan>,
    style: Option<RawStyle>,
    #[serde(default)]
    require: Vec<RawRequire>,
    ai: Option<RawAi>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMerge {
    into: Spanned<String>,
    from: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBan {
    tags: Vec<Spanned<String>>,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
enum Case {
    Lower,
    Any,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStyle {
    case: Option<Case>,
    separator: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRequire {
    #[serde(rename = "where")]
    where_: Spanned<String>,
    any_of: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAi {
    promote_min: Option<Spanned<f64>>,
    remove_below: Option<Spanned<f64>>,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Builds errors at byte offsets of one file's text.
struct At<'a> {
    text: &'a str,
    path: &'a Path,
}

impl At<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> LintError {
        let (line, column) = line_col(self.text, offset);
        LintError::Parse {
            path: self.path.display().to_string(),
            line,
            column,
            message: message.into(),
        }
    }

    fn tag(&self, t: &Spanned<String>, what: &str) -> Result<String, LintError> {
        check_tag(t.get_ref())
            .map_err(|e| self.err(t.span().start, format!("{what} {:?}: {e}", t.get_ref())))?;
        Ok(t.get_ref().clone())
    }
}

const HELP: &str = "A rules file has [[merge]] (into, from), [[ban]] (tags), [style] (case, separator), \
                    [[require]] (where, any_of) and [ai] (promote_min, remove_below).";

impl Rules {
    /// Parses and checks a rules file's text; `path` is only named in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Rules, LintError> {
        let at = At { text, path };
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start);
            at.err(
                offset,
                format!("{}. {HELP}", e.message().trim().trim_end_matches('.')),
            )
        })?;
        let style = raw.style.as_ref().map(|s| style(&at, s)).transpose()?;
        let mut rules = Rules {
            style,
            ..Rules::default()
        };
        merges(&at, &raw.merge, &mut rules)?;
        for b in &raw.ban {
            for t in &b.tags {
                let tag = at.tag(t, "banned tag")?;
                if rules.merge_target(&tag).is_some() || rules.merges.iter().any(|m| m.into == tag)
                {
                    return Err(at.err(
                        t.span().start,
                        format!("{tag:?} is both banned and merged: remove it from one of them"),
                    ));
                }
                rules.bans.push(tag);
            }
        }
        for r in &raw.require {
            rules.requires.push(require(&at, r)?);
        }
        if let Some(ai) = &raw.ai {
            rules.ai = self::ai(&at, ai)?;
        }
        Ok(rules)
    }

    /// Reads and parses a rules file.
    pub fn load(path: &Path) -> Result<Rules, LintError> {
        let text = std::fs::read_to_string(path).map_err(|e| LintError::Read {
            path: path.display().to_string(),
            message: format!("cannot read it: {e}"),
        })?;
        Rules::parse(&text, path)
    }

    /// The `[[require]]` rules, in file order.
    pub fn requires(&self) -> &[Require] {
        &self.requires
    }

    /// The tag a merge rule turns `tag` into.
    pub fn merge_target(&self, tag: &str) -> Option<&str> {
        self.merges
            .iter()
            .find(|m| m.from.iter().any(|f| f == tag))
            .map(|m| m.into.as_str())
    }

    /// `tag` in the file's style (itself without a `[style]`).
    pub fn styled(&self, tag: &str) -> String {
        match self.style {
            Some(s) => s.apply(tag),
            None => tag.to_owned(),
        }
    }
}

impl Style {
    /// `tag` in this style: lower-cased if asked, other separators replaced.
    pub fn apply(self, tag: &str) -> String {
        let mut out = String::with_capacity(tag.len());
        for c in tag.chars() {
            match self.separator {
                Some(sep) if c != sep && matches!(c, ' ' | '-' | '_') => out.push(sep),
                _ if self.lower => out.extend(c.to_lowercase()),
                _ => out.push(c),
            }
        }
        out
    }
}

fn style(at: &At, s: &RawStyle) -> Result<Style, LintError> {
    let separator = match &s.separator {
        None => None,
        Some(sep) => match sep.get_ref().as_str() {
            "-" => Some('-'),
            "_" => Some('_'),
            " " => Some(' '),
            other => {
                return Err(at.err(
                    sep.span().start,
                    format!("separator {other:?} is not one of \"-\", \"_\" or \" \""),
                ));
            }
        },
    };
    Ok(Style {
        lower: s.case == Some(Case::Lower),
        separator,
    })
}

fn merges(at: &At, raw: &[RawMerge], rules: &mut Rules) -> Result<(), LintError> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, m) in raw.iter().enumerate() {
        let into = at.tag(&m.into, "into")?;
        let styled = rules.styled(&into);
        if styled != into {
            return Err(at.err(
                m.into.span().start,
                format!("into = {into:?} does not follow [style]: write {styled:?}"),
            ));
        }
        if m.from.get_ref().is_empty() {
            return Err(at.err(
                m.from.span().start,
                "from is empty: list the spellings that become into",
            ));
        }
        let mut from = Vec::new();
        for f in m.from.get_ref() {
            let tag = at.tag(f, "from")?;
            if tag == into {
                return Err(at.err(
                    f.span().start,
                    format!("{tag:?} is the merge's into: remove it from from"),
                ));
            }
            if seen.insert(tag.clone(), i).is_some() {
                return Err(at.err(
                    f.span().start,
                    format!("{tag:?} is in two merges' from: keep it in one"),
                ));
            }
            from.push(tag);
        }
        rules.merges.push(Merge { into, from });
    }
    for m in raw {
        if seen.contains_key(m.into.get_ref()) {
            return Err(at.err(
                m.into.span().start,
                format!(
                    "into = {:?} is another merge's from: merge into the final spelling",
                    m.into.get_ref()
                ),
            ));
        }
    }
    Ok(())
}

fn require(at: &At, r: &RawRequire) -> Result<Require, LintError> {
    if r.where_.get_ref().trim().is_empty() {
        return Err(at.err(
            r.where_.span().start,
            "where is empty: write a searchQuery such as 'path : \"/products\"'",
        ));
    }
    if r.any_of.get_ref().is_empty() {
        return Err(at.err(
            r.any_of.span().start,
            "any_of is empty: list the tags one of which the files need",
        ));
    }
    let any_of = r
        .any_of
        .get_ref()
        .iter()
        .map(|t| at.tag(t, "any_of tag"))
        .collect::<Result<_, _>>()?;
    Ok(Require {
        where_: r.where_.get_ref().clone(),
        any_of,
    })
}

fn ai(at: &At, a: &RawAi) -> Result<Ai, LintError> {
    let check = |v: &Option<Spanned<f64>>, name: &str| -> Result<Option<f64>, LintError> {
        match v {
            Some(x) if !(0.0..=100.0).contains(x.get_ref()) => Err(at.err(
                x.span().start,
                format!(
                    "{name} = {} is not a confidence: write 0 to 100",
                    x.get_ref()
                ),
            )),
            Some(x) => Ok(Some(*x.get_ref())),
            None => Ok(None),
        }
    };
    let ai = Ai {
        promote_min: check(&a.promote_min, "promote_min")?,
        remove_below: check(&a.remove_below, "remove_below")?,
    };
    if let (Some(p), Some(r), Some(at_r)) = (ai.promote_min, ai.remove_below, &a.remove_below) {
        if r > p {
            return Err(at.err(
                at_r.span().start,
                format!("remove_below = {r} is above promote_min = {p}: lower it"),
            ));
        }
    }
    Ok(ai)
}
