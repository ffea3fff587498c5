//! Validation against custom metadata definitions.

use crate::model::{CustomMetadataField, FieldType};

use super::ast::{MetaCond, MetaSource, Node, Pred, TextPred};
use super::fields::{CUSTOM_PREFIX, Op, custom_ops, did_you_mean, field_type_name, op_list};
use super::parser::RawKind;
use super::{PResult, SearchError};

impl Node {
    pub(super) fn validate(&self, fields: &[CustomMetadataField]) -> PResult<()> {
        match self {
            Node::And(v) | Node::Or(v) => v.iter().try_for_each(|n| n.validate(fields)),
            Node::Cond(c) => match &c.pred {
                Pred::Meta(m) if m.source == MetaSource::Custom => m.validate(fields),
                _ => Ok(()),
            },
        }
    }

    pub(super) fn mentions_type(&self) -> bool {
        match self {
            Node::And(v) | Node::Or(v) => v.iter().any(Node::mentions_type),
            Node::Cond(c) => matches!(c.pred, Pred::Type(_)),
        }
    }

    /// The ids a match must have, when the query requires `id = ...` / `id IN [...]`
    /// on its own or as one term of a top-level `AND`.
    pub(super) fn required_ids(&self) -> Option<&[String]> {
        match self {
            Node::And(v) => v.iter().find_map(Node::required_ids),
            Node::Or(_) => None,
            Node::Cond(c) => match &c.pred {
                Pred::Id(TextPred::OneOf(set)) if !c.negate => Some(set.as_slice()),
                _ => None,
            },
        }
    }
}

impl MetaCond {
    fn validate(&self, fields: &[CustomMetadataField]) -> PResult<()> {
        let label = format!("{CUSTOM_PREFIX}{}", self.key);
        let Some(def) = fields.iter().find(|d| d.name == self.key) else {
            let defined = if fields.is_empty() {
                "no custom metadata fields are defined".to_owned()
            } else {
                format!(
                    "defined fields: {}",
                    fields
                        .iter()
                        .map(|d| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let hint = did_you_mean(&self.key, fields.iter().map(|d| d.name.as_str()));
            return Err(SearchError::new(format!(
                "unknown custom metadata field '{}' at position {}{hint} ({defined})",
                self.key, self.field_pos
            )));
        };
        let kind = def.schema.kind;
        let type_name = field_type_name(kind);
        let ops = custom_ops(kind);
        if !ops.contains(&self.written_op) {
            return Err(SearchError::new(format!(
                "operator '{}' is not supported for custom metadata field '{}' ({type_name}) at position {} (supported: {})",
                self.written_op.as_str(),
                self.key,
                self.op_pos,
                op_list(ops)
            )));
        }
        for v in &self.values {
            let ok = match kind {
                FieldType::Text | FieldType::Textarea => v.kind == RawKind::Str,
                FieldType::Number => v.num.is_some(),
                FieldType::Date => v.date.is_some(),
                FieldType::Boolean => v.boolean.is_some(),
                FieldType::SingleSelect if self.op.order().is_some() => v.num.is_some(),
                FieldType::SingleSelect if self.op == Op::Prefix => v.kind == RawKind::Str,
                FieldType::SingleSelect | FieldType::MultiSelect => v.kind != RawKind::Bare,
            };
            if !ok {
                let what = match kind {
                    FieldType::Text | FieldType::Textarea => "a quoted string",
                    FieldType::Number => "a number",
                    FieldType::Date => "a date like \"2020-01-01\" or a relative time like \"7d\"",
                    FieldType::Boolean => "true or false",
                    FieldType::SingleSelect if self.op.order().is_some() => {
                        "a number for a comparison"
                    }
                    FieldType::SingleSelect if self.op == Op::Prefix => "a quoted string",
                    FieldType::SingleSelect | FieldType::MultiSelect => {
                        "a quoted string, a number or true/false"
                    }
                };
                return Err(SearchError::new(format!(
                    "'{label}' ({type_name}) needs {what}, got {} at position {}",
                    v.shown, v.pos
                )));
            }
        }
        Ok(())
    }
}
