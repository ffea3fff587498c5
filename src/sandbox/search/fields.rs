//! Fields, operators, and the lists and hints used in messages.

use crate::model::FieldType;

use super::ast::Order;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Field {
    Name,
    Tags,
    Type,
    CreatedAt,
    UpdatedAt,
    Size,
    Width,
    Height,
    Format,
    Private,
    Published,
    Transparency,
    Path,
    Id,
    Custom(String),
    Embedded(String),
}

pub(super) const BUILTIN_FIELDS: [(&str, Field); 14] = [
    ("name", Field::Name),
    ("tags", Field::Tags),
    ("type", Field::Type),
    ("createdAt", Field::CreatedAt),
    ("updatedAt", Field::UpdatedAt),
    ("size", Field::Size),
    ("width", Field::Width),
    ("height", Field::Height),
    ("format", Field::Format),
    ("private", Field::Private),
    ("published", Field::Published),
    ("transparency", Field::Transparency),
    ("path", Field::Path),
    ("id", Field::Id),
];

pub(super) const CUSTOM_PREFIX: &str = "customMetadata.";
pub(super) const EMBEDDED_PREFIX: &str = "embeddedMetadata.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Eq,
    NotEq,
    Prefix,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Has,
    Exists,
    NotExists,
}

impl Op {
    pub(super) fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::NotEq => "NOT =",
            Op::Prefix => ":",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "IN",
            Op::NotIn => "NOT IN",
            Op::Has => "HAS",
            Op::Exists => "EXISTS",
            Op::NotExists => "NOT EXISTS",
        }
    }

    pub(super) fn is_negated(self) -> bool {
        matches!(self, Op::NotEq | Op::NotIn | Op::NotExists)
    }

    pub(super) fn positive(self) -> Op {
        match self {
            Op::NotEq => Op::Eq,
            Op::NotIn => Op::In,
            Op::NotExists => Op::Exists,
            other => other,
        }
    }

    pub(super) fn order(self) -> Option<Order> {
        match self {
            Op::Lt => Some(Order::Lt),
            Op::Le => Some(Order::Le),
            Op::Gt => Some(Order::Gt),
            Op::Ge => Some(Order::Ge),
            _ => None,
        }
    }
}

const OPS_TEXT: &[Op] = &[Op::Eq, Op::Prefix, Op::In, Op::NotEq, Op::NotIn, Op::Has];
const OPS_TAGS: &[Op] = &[
    Op::Eq,
    Op::In,
    Op::NotEq,
    Op::NotIn,
    Op::Has,
    Op::Exists,
    Op::NotExists,
];
const OPS_SET: &[Op] = &[Op::Eq, Op::In, Op::NotEq, Op::NotIn];
const OPS_ORDERED: &[Op] = &[
    Op::Eq,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::In,
    Op::NotEq,
    Op::NotIn,
];
const OPS_BOOL: &[Op] = &[Op::Eq, Op::NotEq];
const OPS_PATH: &[Op] = &[Op::Eq, Op::Prefix, Op::In, Op::NotEq, Op::NotIn];
const OPS_EMBEDDED: &[Op] = &[
    Op::Eq,
    Op::Prefix,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::In,
    Op::NotEq,
    Op::NotIn,
    Op::Has,
    Op::Exists,
    Op::NotExists,
];

const CUSTOM_OPS_TEXT: &[Op] = &[
    Op::Eq,
    Op::Prefix,
    Op::In,
    Op::NotEq,
    Op::NotIn,
    Op::Has,
    Op::Exists,
    Op::NotExists,
];
const CUSTOM_OPS_ORDERED: &[Op] = &[
    Op::Eq,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::In,
    Op::NotEq,
    Op::NotIn,
    Op::Exists,
    Op::NotExists,
];
const CUSTOM_OPS_BOOL: &[Op] = &[Op::Eq, Op::NotEq, Op::Exists, Op::NotExists];
const CUSTOM_OPS_SINGLE: &[Op] = &[
    Op::Eq,
    Op::Prefix,
    Op::In,
    Op::NotEq,
    Op::NotIn,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::Exists,
    Op::NotExists,
];
const CUSTOM_OPS_MULTI: &[Op] = &[Op::In, Op::NotIn, Op::Exists, Op::NotExists];

impl Field {
    pub(super) fn label(&self) -> String {
        match self {
            Field::Custom(k) => format!("{CUSTOM_PREFIX}{k}"),
            Field::Embedded(k) => format!("{EMBEDDED_PREFIX}{k}"),
            other => BUILTIN_FIELDS
                .iter()
                .find(|(_, f)| f == other)
                .map(|(n, _)| (*n).to_owned())
                .unwrap_or_default(),
        }
    }

    /// Operators accepted at parse time (custom fields are narrowed by `validate`).
    pub(super) fn ops(&self) -> &'static [Op] {
        match self {
            Field::Name => OPS_TEXT,
            Field::Tags => OPS_TAGS,
            Field::Type | Field::Format | Field::Id => OPS_SET,
            Field::CreatedAt | Field::UpdatedAt | Field::Size | Field::Width | Field::Height => {
                OPS_ORDERED
            }
            Field::Private | Field::Published | Field::Transparency => OPS_BOOL,
            Field::Path => OPS_PATH,
            Field::Custom(_) | Field::Embedded(_) => OPS_EMBEDDED,
        }
    }
}

pub(super) fn custom_ops(t: FieldType) -> &'static [Op] {
    match t {
        FieldType::Text | FieldType::Textarea => CUSTOM_OPS_TEXT,
        FieldType::Number | FieldType::Date => CUSTOM_OPS_ORDERED,
        FieldType::Boolean => CUSTOM_OPS_BOOL,
        FieldType::SingleSelect => CUSTOM_OPS_SINGLE,
        FieldType::MultiSelect => CUSTOM_OPS_MULTI,
    }
}

pub(super) fn field_type_name(t: FieldType) -> &'static str {
    match t {
        FieldType::Text => "Text",
        FieldType::Textarea => "Textarea",
        FieldType::Number => "Number",
        FieldType::Date => "Date",
        FieldType::Boolean => "Boolean",
        FieldType::SingleSelect => "SingleSelect",
        FieldType::MultiSelect => "MultiSelect",
    }
}

pub(super) fn op_list(ops: &[Op]) -> String {
    ops.iter()
        .map(|o| o.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn known_fields() -> String {
    let mut s: Vec<&str> = BUILTIN_FIELDS.iter().map(|(n, _)| *n).collect();
    s.push("\"customMetadata.<field>\"");
    s.push("\"embeddedMetadata.<key>\"");
    s.join(", ")
}

/// `strip_prefix`, ignoring ASCII case; never slices inside a character.
pub(super) fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Levenshtein distance on lowercase characters, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(usize::MAX / 2) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX / 2) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX / 2) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

pub(super) fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    if word.chars().count() > 40 {
        return String::new();
    }
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2 && *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("; did you mean '{c}'?"))
        .unwrap_or_default()
}
