//! Evaluation against files and folders (no allocation per item).

use std::cmp::Ordering;

use serde_json::{Map, Value};

use crate::model::{FieldType, FileDetails, FileKind, FolderDetails};

use super::EvalContext;
use super::ast::{
    DateField, DatePred, FlagField, Lit, MetaCond, MetaSource, Node, NumField, NumPred, PathPred,
    Pred, TYPE_FILE, TYPE_FOLDER, TYPE_VERSION, TagPred, TextPred,
};
use super::compile::parse_abs_date;
use super::fields::Op;
use super::parser::{RawKind, is_number_text};

#[derive(Clone, Copy)]
pub(super) enum Item<'a> {
    File(&'a FileDetails),
    Folder(&'a FolderDetails),
}

impl Node {
    pub(super) fn eval(&self, item: Item<'_>, ctx: &EvalContext) -> bool {
        match self {
            Node::And(v) => v.iter().all(|n| n.eval(item, ctx)),
            Node::Or(v) => v.iter().any(|n| n.eval(item, ctx)),
            // An unknown value matches neither a condition nor its `NOT` form.
            Node::Cond(c) => !c.pred.unknown_in(item) && c.pred.eval(item, ctx) != c.negate,
        }
    }
}

impl Pred {
    /// Is the value this condition reads unknown (`null`) in `item`? (Sandbox files always
    /// carry real values; a hand-built one may not.)
    fn unknown_in(&self, item: Item<'_>) -> bool {
        let Item::File(f) = item else {
            return false;
        };
        match self {
            Pred::Num(NumField::Size, _) => f.size.is_none(),
            Pred::Num(NumField::Width, _) => f.width.is_none(),
            Pred::Num(NumField::Height, _) => f.height.is_none(),
            Pred::Flag(FlagField::Private, _) => f.is_private_file.is_none(),
            Pred::Flag(FlagField::Transparency, _) => f.has_alpha.is_none(),
            _ => false,
        }
    }

    fn eval(&self, item: Item<'_>, ctx: &EvalContext) -> bool {
        let now = ctx.now.millis();
        match (self, item) {
            (Pred::Name(p), Item::File(f)) => p.eval(&f.name),
            (Pred::Name(p), Item::Folder(f)) => p.eval(&f.name),
            (Pred::Id(p), Item::File(f)) => p.eval(&f.file_id),
            (Pred::Id(p), Item::Folder(f)) => p.eval(&f.folder_id),
            (Pred::Type(mask), Item::File(f)) => {
                let bit = match f.kind {
                    FileKind::File => TYPE_FILE,
                    FileKind::FileVersion => TYPE_VERSION,
                };
                mask & bit != 0
            }
            (Pred::Type(mask), Item::Folder(_)) => mask & TYPE_FOLDER != 0,
            (Pred::Date(which, p), item) => {
                let (created, updated) = match item {
                    Item::File(f) => (f.created_at, f.updated_at),
                    Item::Folder(f) => (f.created_at, f.updated_at),
                };
                let t = match which {
                    DateField::Created => created.millis(),
                    DateField::Updated => updated.millis(),
                };
                match p {
                    DatePred::OneOf(v) => v.iter().any(|d| d.contains(t, now)),
                    DatePred::Cmp(o, d) => o.test(t, d.instant(now)),
                }
            }
            (Pred::Path(p), Item::File(f)) => p.eval(f.folder()),
            (Pred::Path(p), Item::Folder(f)) => p.eval(folder_parent(&f.folder_path)),
            (Pred::Tags(p), Item::File(f)) => p.eval(f),
            (Pred::Num(which, p), Item::File(f)) => {
                // u64 → f64 is exact below 2^53 bytes (8 PiB).
                #[allow(clippy::cast_precision_loss)]
                let x = match which {
                    NumField::Size => f.size.map(|n| n as f64),
                    NumField::Width => f.width.map(f64::from),
                    NumField::Height => f.height.map(f64::from),
                };
                // Unknown (`null`): no match (see `unknown_in`).
                let Some(x) = x else {
                    return false;
                };
                match p {
                    NumPred::OneOf(v) => v.contains(&x),
                    NumPred::Cmp(o, n) => o.test(x, *n),
                }
            }
            (Pred::Format(v), Item::File(f)) => {
                let ext = f.name.rsplit_once('.').map_or("", |(_, e)| e);
                v.iter().any(|x| ext.eq_ignore_ascii_case(x))
            }
            (Pred::Flag(which, want), Item::File(f)) => {
                let have = match which {
                    FlagField::Private => f.is_private_file,
                    FlagField::Published => Some(f.is_published),
                    FlagField::Transparency => f.has_alpha,
                };
                // Unknown is neither true nor false (see `unknown_in`).
                have == Some(*want)
            }
            (Pred::Meta(m), Item::File(f)) => {
                let map = match m.source {
                    MetaSource::Custom => Some(&f.custom_metadata),
                    MetaSource::Embedded => f.embedded_metadata.as_ref().and_then(Value::as_object),
                };
                m.eval(map, ctx)
            }
            // Fields that do not apply to folders.
            (
                Pred::Tags(_) | Pred::Num(..) | Pred::Format(_) | Pred::Flag(..) | Pred::Meta(_),
                Item::Folder(_),
            ) => false,
        }
    }
}

/// The folder holding a folder (`/a/b/` for `/a/b/c` or `/a/b/c/`).
fn folder_parent(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    match t.rfind('/') {
        Some(i) => t.get(..=i).unwrap_or("/"),
        None => "/",
    }
}

impl TextPred {
    fn eval(&self, s: &str) -> bool {
        match self {
            TextPred::OneOf(set) => set.contains(s),
            TextPred::Prefix(p) => s.starts_with(p.as_str()),
            TextPred::Has(needles) => contains_words(s, needles),
        }
    }
}

impl TagPred {
    fn eval(&self, f: &FileDetails) -> bool {
        let tags = f.tags.iter().map(String::as_str);
        let ai = f.ai_tags.iter().map(|t| t.name.as_str());
        match self {
            TagPred::OneOf(set) => {
                tags.into_iter().any(|t| set.contains(t)) || ai.into_iter().any(|t| set.contains(t))
            }
            TagPred::Has(needles) => {
                tags.into_iter().any(|t| contains_words(t, needles))
                    || ai.into_iter().any(|t| contains_words(t, needles))
            }
            TagPred::Exists => !f.tags.is_empty() || !f.ai_tags.is_empty(),
        }
    }
}

impl PathPred {
    fn eval(&self, folder: &str) -> bool {
        let folder = folder.trim_end_matches('/');
        match self {
            PathPred::OneOf(v) => v.iter().any(|p| p == folder),
            PathPred::Under(p) => folder
                .strip_prefix(p.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/')),
        }
    }
}

/// The words of `s`: maximal runs of letters and digits (ASCII bytes are classified
/// without decoding).
fn words(s: &str) -> Words<'_> {
    Words { s, i: 0 }
}

struct Words<'a> {
    s: &'a str,
    i: usize,
}

impl Words<'_> {
    /// Is the character at byte `i` a letter or digit, and how long is it?
    fn class_at(&self, i: usize) -> Option<(bool, usize)> {
        let b = *self.s.as_bytes().get(i)?;
        if b.is_ascii() {
            Some((b.is_ascii_alphanumeric(), 1))
        } else {
            let c = self.s.get(i..)?.chars().next()?;
            Some((c.is_alphanumeric(), c.len_utf8()))
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let (word, len) = self.class_at(self.i)?;
            if word {
                break;
            }
            self.i += len;
        }
        let start = self.i;
        while let Some((true, len)) = self.class_at(self.i) {
            self.i += len;
        }
        self.s.get(start..self.i)
    }
}

/// A `HAS` needle word, lowercase.
#[derive(Debug, Clone)]
pub(super) struct Needle {
    lower: String,
    ascii: bool,
}

impl Needle {
    fn new(word: &str) -> Self {
        let lower: String = word.chars().flat_map(char::to_lowercase).collect();
        let ascii = lower.is_ascii();
        Needle { lower, ascii }
    }

    /// Is `word` this needle, ignoring case?
    fn matches(&self, word: &str) -> bool {
        if self.ascii && word.is_ascii() {
            word.eq_ignore_ascii_case(&self.lower)
        } else {
            word.chars()
                .flat_map(char::to_lowercase)
                .eq(self.lower.chars())
        }
    }
}

/// The words of `s` as `HAS` needles.
pub(super) fn needles(s: &str) -> Vec<Needle> {
    words(s).map(Needle::new).collect()
}

/// Does `s` contain every needle as a whole word, ignoring case?
fn contains_words(s: &str, needles: &[Needle]) -> bool {
    needles.iter().all(|n| words(s).any(|w| n.matches(w)))
}

impl MetaCond {
    /// The positive form of the condition (negation is applied by the caller).
    fn eval(&self, map: Option<&Map<String, Value>>, ctx: &EvalContext) -> bool {
        let v = map.and_then(|m| m.get(self.key.as_str()));
        let v = match v {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) if a.is_empty() => None,
            Some(v) => Some(v),
        };
        let Some(v) = v else { return false };
        let now = ctx.now.millis();
        let ty = match self.source {
            MetaSource::Custom => ctx
                .fields
                .iter()
                .find(|d| d.name == self.key)
                .map(|d| d.schema.kind),
            MetaSource::Embedded => None,
        };
        match self.op {
            Op::Exists => true,
            Op::Eq | Op::In => self
                .values
                .iter()
                .any(|l| any_scalar(v, |x| scalar_eq(ty, l, x, now))),
            Op::Prefix => self.values.iter().any(|l| {
                any_scalar(v, |x| {
                    x.as_str().is_some_and(|s| s.starts_with(l.text.as_str()))
                })
            }),
            Op::Has => self.values.iter().any(|l| {
                any_scalar(v, |x| {
                    x.as_str().is_some_and(|s| contains_words(s, &l.words))
                })
            }),
            op => match op.order() {
                Some(o) => self.values.iter().any(|l| {
                    any_scalar(v, |x| {
                        scalar_cmp(ty, l, x, now).is_some_and(|c| o.accepts(c))
                    })
                }),
                None => false,
            },
        }
    }
}

/// Applies `f` to a scalar, or to each scalar of an array (multi-select values).
fn any_scalar(v: &Value, f: impl Fn(&Value) -> bool) -> bool {
    match v {
        Value::Array(a) => a.iter().any(|x| !x.is_array() && !x.is_object() && f(x)),
        Value::Object(_) => false,
        x => f(x),
    }
}

fn scalar_eq(ty: Option<FieldType>, l: &Lit, x: &Value, now: i64) -> bool {
    if ty == Some(FieldType::Date) {
        return match (l.date, x.as_str().and_then(parse_abs_date)) {
            (Some(d), Some((t, _))) => d.contains(t, now),
            _ => false,
        };
    }
    match x {
        Value::String(s) => match l.kind {
            RawKind::Str | RawKind::Bare => *s == l.text,
            // A number or boolean against a string value: compare as written, or
            // numerically for numeric strings.
            RawKind::Num(n) => *s == l.text || number_of(s) == Some(n),
            RawKind::Bool(b) => s.eq_ignore_ascii_case(if b { "true" } else { "false" }),
        },
        Value::Number(n) => l.num.is_some_and(|want| n.as_f64() == Some(want)),
        Value::Bool(b) => l.boolean == Some(*b),
        _ => false,
    }
}

fn number_of(s: &str) -> Option<f64> {
    let t = s.trim();
    if is_number_text(t, true) {
        t.parse().ok()
    } else {
        None
    }
}

/// Orders the metadata value `x` against the literal, if they are comparable.
fn scalar_cmp(ty: Option<FieldType>, l: &Lit, x: &Value, now: i64) -> Option<Ordering> {
    let date_cmp = || -> Option<Ordering> {
        let d = l.date?;
        let (t, _) = parse_abs_date(x.as_str()?.trim())?;
        Some(t.cmp(&d.instant(now)))
    };
    if ty == Some(FieldType::Date) {
        return date_cmp();
    }
    match x {
        Value::Number(n) => n.as_f64()?.partial_cmp(&l.num?),
        Value::String(s) => match (l.num, number_of(s)) {
            (Some(want), Some(have)) => have.partial_cmp(&want),
            _ => date_cmp(),
        },
        _ => None,
    }
}
