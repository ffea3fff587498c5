//! The compiled query: nodes, predicates and the values they hold.

use std::cmp::Ordering;

use super::eval::Needle;
use super::fields::Op;
use super::parser::RawKind;

#[derive(Debug, Clone)]
pub(super) enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Cond(Box<Cond>),
}

/// One `field op value` condition: `pred` is the positive form (`=`, `IN`,
/// `EXISTS`); `negate` turns it into `NOT =`, `NOT IN`, `NOT EXISTS`.
#[derive(Debug, Clone)]
pub(super) struct Cond {
    pub(super) negate: bool,
    pub(super) pred: Pred,
}

#[derive(Debug, Clone)]
pub(super) enum Pred {
    Name(TextPred),
    Id(TextPred),
    Tags(TagPred),
    /// Bit set of [`TYPE_FILE`], [`TYPE_VERSION`], [`TYPE_FOLDER`].
    Type(u8),
    Date(DateField, DatePred),
    Num(NumField, NumPred),
    /// Lowercase extensions.
    Format(Vec<String>),
    Flag(FlagField, bool),
    Path(PathPred),
    Meta(Box<MetaCond>),
}

pub(super) const TYPE_FILE: u8 = 1;
pub(super) const TYPE_VERSION: u8 = 2;
pub(super) const TYPE_FOLDER: u8 = 4;

#[derive(Debug, Clone)]
pub(super) enum TextPred {
    /// `=` / `IN`: exact, case-sensitive.
    OneOf(StrSet),
    /// `:`: case-sensitive prefix.
    Prefix(String),
    /// `HAS`: every needle word (lowercase) is a word of the value.
    Has(Vec<Needle>),
}

#[derive(Debug, Clone)]
pub(super) enum TagPred {
    /// `=` / `IN`: the file has one of these tags (or AI tags).
    OneOf(StrSet),
    /// `HAS`: some tag contains all these words (lowercase).
    Has(Vec<Needle>),
    /// `EXISTS`: the file has at least one tag or AI tag.
    Exists,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum DateField {
    Created,
    Updated,
}

#[derive(Debug, Clone)]
pub(super) enum DatePred {
    /// `=` / `IN`: the timestamp falls in one of the values' ranges.
    OneOf(Vec<DateVal>),
    Cmp(Order, DateVal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NumField {
    Size,
    Width,
    Height,
}

#[derive(Debug, Clone)]
pub(super) enum NumPred {
    OneOf(Vec<f64>),
    Cmp(Order, f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum FlagField {
    Private,
    Published,
    Transparency,
}

#[derive(Debug, Clone)]
pub(super) enum PathPred {
    /// `=` / `IN`: the item's folder is one of these (without trailing slash; root is "").
    OneOf(Vec<String>),
    /// `:`: the item's folder is this folder or below it (without trailing slash).
    Under(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Order {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Order {
    pub(super) fn accepts(self, o: Ordering) -> bool {
        match self {
            Order::Lt => o == Ordering::Less,
            Order::Le => o != Ordering::Greater,
            Order::Gt => o == Ordering::Greater,
            Order::Ge => o != Ordering::Less,
        }
    }

    pub(super) fn test<T: PartialOrd + Copy>(self, a: T, b: T) -> bool {
        a.partial_cmp(&b).is_some_and(|o| self.accepts(o))
    }
}

/// A date value: absolute (`2020-01-01`, `2020-01-01T10:00:00Z`) or relative to now
/// (`7d`). Comparisons use its instant; `=` uses its range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum DateVal {
    /// `start` in epoch milliseconds; `len` is the precision written (a day for a
    /// date, a second for `HH:MM:SS`, ...), which `=` matches in full.
    Abs { start: i64, len: i64 },
    /// `ago` milliseconds before now; `=` matches the UTC `unit` (hour or day) holding
    /// that instant.
    Rel { ago: i64, unit: i64 },
}

impl DateVal {
    pub(super) fn instant(self, now: i64) -> i64 {
        match self {
            DateVal::Abs { start, .. } => start,
            DateVal::Rel { ago, .. } => now.saturating_sub(ago),
        }
    }

    pub(super) fn contains(self, t: i64, now: i64) -> bool {
        let (from, to) = match self {
            DateVal::Abs { start, len } => (start, start.saturating_add(len)),
            DateVal::Rel { ago, unit } => {
                let at = now.saturating_sub(ago);
                let from = at.saturating_sub(at.rem_euclid(unit.max(1)));
                (from, from.saturating_add(unit))
            }
        };
        t >= from && t < to
    }
}

/// A sorted, deduplicated set of strings; lookups allocate nothing.
#[derive(Debug, Clone)]
pub(super) struct StrSet(Vec<String>);

/// Sets up to this size are scanned; larger ones are binary-searched.
const LINEAR_SET_MAX: usize = 8;

impl StrSet {
    pub(super) fn new(mut v: Vec<String>) -> Self {
        // Shorter first, then bytewise: most probes are rejected on length alone.
        v.sort_unstable_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        v.dedup();
        StrSet(v)
    }

    pub(super) fn as_slice(&self) -> &[String] {
        &self.0
    }

    pub(super) fn contains(&self, s: &str) -> bool {
        if self.0.len() <= LINEAR_SET_MAX {
            self.0.iter().any(|p| p == s)
        } else {
            self.0
                .binary_search_by(|p| p.len().cmp(&s.len()).then_with(|| p.as_str().cmp(s)))
                .is_ok()
        }
    }
}

/// A condition on `customMetadata.<key>` or `embeddedMetadata.<key>`. Its meaning
/// depends on the field definitions, so values are kept in every plausible form.
#[derive(Debug, Clone)]
pub(super) struct MetaCond {
    pub(super) source: MetaSource,
    pub(super) key: String,
    pub(super) field_pos: usize,
    /// Positive operator (`NOT` forms are carried by [`Cond::negate`]).
    pub(super) op: Op,
    /// Operator as written (`NOT IN`), for messages.
    pub(super) written_op: Op,
    pub(super) op_pos: usize,
    pub(super) values: Vec<Lit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MetaSource {
    Custom,
    Embedded,
}

/// A literal with its pre-computed readings.
#[derive(Debug, Clone)]
pub(super) struct Lit {
    pub(super) pos: usize,
    /// The literal as written, for messages.
    pub(super) shown: String,
    pub(super) kind: RawKind,
    /// Unescaped text (for numbers and booleans, as written).
    pub(super) text: String,
    pub(super) num: Option<f64>,
    pub(super) boolean: Option<bool>,
    pub(super) date: Option<DateVal>,
    /// Lowercase words, for `HAS`.
    pub(super) words: Vec<Needle>,
}
