//! One set of rules for both front-ends: what asks before it runs, what a tag may be,
//! auto-tagging limits and how many calls may be in flight.

use super::{MAX_TAG_CHARS, Operation, PlanError};

/// How a job is confirmed before it runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    /// Reversible (`iktag undo`, TUI `u`): in the TUI staging plus `w` is the confirmation;
    /// on the command line `[y/N]` on a terminal unless `--yes`.
    Reversible,
    /// Cannot be undone: both front-ends ask, saying so, with the file count.
    Irreversible,
    /// Delete: the file count must be typed.
    TypeCount,
}

impl Operation {
    /// How this operation is confirmed (see [`Ask`]).
    pub fn ask(&self) -> Ask {
        match self {
            Operation::Delete => Ask::TypeCount,
            Operation::Combined { irreversible, .. } if *irreversible => Ask::Irreversible,
            op if op.reversible() => Ask::Reversible,
            _ => Ask::Irreversible,
        }
    }

    /// Why an irreversible operation cannot be undone, for confirmations and refusals.
    pub fn why_irreversible(&self) -> &'static str {
        match self {
            Operation::Delete => "deleted files cannot be brought back",
            Operation::AutoTag { .. } => "the AI tags auto-tagging adds cannot be taken back",
            Operation::UpdateDetails { .. } | Operation::RestoreTags => {
                "this job was recorded without the previous values"
            }
            Operation::Combined { .. } => {
                "ImageKit cannot put removed AI tags back (`iktag undo` reverts the other changes)"
            }
            _ => "ImageKit cannot put removed AI tags back",
        }
    }
}

/// The question both front-ends ask before an irreversible job, or a delete.
pub fn irreversible_question(op: &Operation, files: usize) -> String {
    let s = if files == 1 { "" } else { "s" };
    format!(
        "{} on {files} file{s}? This cannot be undone: {}.",
        op.name(),
        op.why_irreversible()
    )
}

/// One tag as `ImageKit` accepts it: not empty, no `%`, at most 500 characters.
pub fn check_tag(tag: &str) -> Result<(), PlanError> {
    if tag.trim().is_empty() {
        return Err(PlanError::EmptyTag);
    }
    if tag.contains('%') {
        return Err(PlanError::Percent(tag.to_owned()));
    }
    let n = tag.chars().count();
    if n > MAX_TAG_CHARS {
        return Err(PlanError::TooLong(n));
    }
    Ok(())
}

/// Requests in flight at once: the bounds and the default.
pub const CONCURRENCY_MIN: usize = 1;
pub const CONCURRENCY_MAX: usize = 64;
pub const CONCURRENCY_DEFAULT: usize = 8;

/// Auto-tagging's parameters with `ImageKit`'s limits and iktag's defaults, for the TUI,
/// `ai-tags auto` and `update --auto-tag`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoTagParams {
    /// `google` or `aws`.
    pub source: String,
    /// 1-30.
    pub max_tags: u32,
    /// 0-100.
    pub min_confidence: u32,
}

impl Default for AutoTagParams {
    fn default() -> Self {
        AutoTagParams {
            source: "google".into(),
            max_tags: Self::MAX_TAGS_DEFAULT,
            min_confidence: Self::MIN_CONFIDENCE_DEFAULT,
        }
    }
}

impl AutoTagParams {
    pub const SOURCES: [&'static str; 2] = ["google", "aws"];
    pub const MAX_TAGS_DEFAULT: u32 = 10;
    pub const MIN_CONFIDENCE_DEFAULT: u32 = 70;

    /// Checks the values as `ImageKit` would.
    pub fn new(source: &str, max_tags: u32, min_confidence: u32) -> Result<Self, String> {
        if !Self::SOURCES.contains(&source) {
            return Err(format!(
                "auto-tagging source is google or aws, got {source:?}"
            ));
        }
        if !(1..=30).contains(&max_tags) {
            return Err(format!("max tags is 1-30, got {max_tags}"));
        }
        if min_confidence > 100 {
            return Err(format!("min confidence is 0-100, got {min_confidence}"));
        }
        Ok(AutoTagParams {
            source: source.to_owned(),
            max_tags,
            min_confidence,
        })
    }

    /// From typed text (the TUI's fields).
    pub fn parse(source: &str, max_tags: &str, min_confidence: &str) -> Result<Self, String> {
        let bad = || "max tags is 1-30 and min confidence 0-100 (whole numbers)".to_owned();
        let max = max_tags.trim().parse().map_err(|_| bad())?;
        let min = min_confidence.trim().parse().map_err(|_| bad())?;
        Self::new(source, max, min).map_err(|_| bad())
    }

    /// The PATCH extension name, e.g. `google-auto-tagging`.
    pub fn extension(&self) -> String {
        format!("{}-auto-tagging", self.source)
    }

    pub fn operation(&self) -> Operation {
        Operation::AutoTag {
            source: self.source.clone(),
            max_tags: self.max_tags,
            min_confidence: self.min_confidence,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_policy_for_every_operation() {
        let tags = vec!["a".to_owned()];
        assert_eq!(Operation::AddTags { tags }.ask(), Ask::Reversible);
        assert_eq!(
            Operation::RemoveAiTagsBelow { confidence: 50.0 }.ask(),
            Ask::Irreversible
        );
        assert_eq!(
            AutoTagParams::default().operation().ask(),
            Ask::Irreversible
        );
        assert_eq!(Operation::Delete.ask(), Ask::TypeCount);
        let q = irreversible_question(&Operation::RemoveAllAiTags, 3);
        assert!(
            q.contains("3 files") && q.contains("cannot be undone"),
            "{q}"
        );
    }

    #[test]
    fn auto_tag_limits_are_checked_once() {
        assert!(AutoTagParams::new("google", 0, 70).is_err());
        assert!(AutoTagParams::new("google", 31, 70).is_err());
        assert!(AutoTagParams::new("google", 10, 101).is_err());
        assert!(AutoTagParams::new("azure", 10, 70).is_err());
        assert_eq!(AutoTagParams::parse("aws", "5", "80").unwrap().max_tags, 5);
        assert_eq!(AutoTagParams::default().min_confidence, 70);
        assert!(check_tag("50%").is_err() && check_tag(" ").is_err());
        assert!(check_tag(&"x".repeat(501)).is_err() && check_tag("ok").is_ok());
    }
}
