//! The `schema` of a custom metadata field definition, checked key by key.
//!
//! The spec types `minLength`/`maxLength` as numbers and `minValue`/`maxValue` as numbers
//! or strings, so every JSON spelling of a whole number (`100`, `100.0`, `1e2`) is taken.
//! A rejected schema is answered with the key and what it should be, never with a
//! parser's wording.

use serde_json::{Map, Value};

use crate::model::{FieldSchema, FieldType, check_field_value};
use crate::sandbox::error::SandboxError;

/// The types, as `schema.type` spells them.
const TYPES: [(&str, FieldType); 7] = [
    ("Text", FieldType::Text),
    ("Textarea", FieldType::Textarea),
    ("Number", FieldType::Number),
    ("Date", FieldType::Date),
    ("Boolean", FieldType::Boolean),
    ("SingleSelect", FieldType::SingleSelect),
    ("MultiSelect", FieldType::MultiSelect),
];

/// The largest whole number an `f64` holds exactly (2^53).
const EXACT_F64: f64 = 9_007_199_254_740_992.0;

/// How a rejected schema is answered: `POST` and `PATCH` word it differently.
#[derive(Clone, Copy)]
pub(super) enum Request {
    Create,
    Update,
}

impl Request {
    fn invalid(self, why: &str) -> SandboxError {
        SandboxError::bad_request(match self {
            Request::Create => {
                format!("Your request contains invalid value for schema parameter. {why}")
            }
            Request::Update => format!("Invalid schema object. {why}"),
        })
    }
}

/// A new field's `schema`: `type` is required.
pub(super) fn for_create(v: &Value) -> Result<FieldSchema, SandboxError> {
    let req = Request::Create;
    let m = object(v, req)?;
    let kind = match m.get("type") {
        None => return Err(req.invalid("schema.type is missing.")),
        Some(t) => field_type(t).ok_or_else(|| {
            req.invalid(
                "schema.type should be one of Text, Textarea, Number, Date, Boolean, SingleSelect, MultiSelect.",
            )
        })?,
    };
    rules(m, kind, req)
}

/// An existing field's new `schema`: its `type` stays `kind` (a `type` sent is ignored,
/// as the spec says) and the rest is checked against it.
pub(super) fn for_update(v: &Value, kind: FieldType) -> Result<FieldSchema, SandboxError> {
    let req = Request::Update;
    rules(object(v, req)?, kind, req)
}

fn object(v: &Value, req: Request) -> Result<&Map<String, Value>, SandboxError> {
    v.as_object()
        .ok_or_else(|| req.invalid("schema should be an object."))
}

fn field_type(v: &Value) -> Option<FieldType> {
    let s = v.as_str()?;
    TYPES.iter().find(|(name, _)| *name == s).map(|&(_, t)| t)
}

/// Checks every rule of a schema of type `kind`, then the default value against them.
fn rules(
    m: &Map<String, Value>,
    kind: FieldType,
    req: Request,
) -> Result<FieldSchema, SandboxError> {
    let select = matches!(kind, FieldType::SingleSelect | FieldType::MultiSelect);
    let text = matches!(kind, FieldType::Text | FieldType::Textarea);
    let ranged = matches!(kind, FieldType::Number | FieldType::Date);
    let select_options = match m.get("selectOptions") {
        None | Some(Value::Null) => None,
        Some(Value::Array(items)) if items.iter().all(is_scalar) => Some(items.clone()),
        Some(_) => {
            return Err(req.invalid(
                "schema.selectOptions should be an array of strings, numbers and booleans.",
            ));
        }
    };
    if select && select_options.as_ref().is_none_or(Vec::is_empty) {
        return Err(
            req.invalid("selectOptions is required for SingleSelect and MultiSelect fields.")
        );
    }
    let is_value_required = match m.get("isValueRequired") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(req.invalid("schema.isValueRequired should be a boolean.")),
    };
    let min_length = length(m, "minLength", text, req)?;
    let max_length = length(m, "maxLength", text, req)?;
    if let (Some(min), Some(max)) = (min_length, max_length)
        && min > max
    {
        return Err(req.invalid("schema.minLength should not be more than schema.maxLength."));
    }
    let min_value = bound(m, "minValue", kind, ranged, req)?;
    let max_value = bound(m, "maxValue", kind, ranged, req)?;
    if let (Some(min), Some(max)) = (&min_value, &max_value)
        && out_of_order(min, max)
    {
        return Err(req.invalid("schema.minValue should not be more than schema.maxValue."));
    }
    let mut schema = FieldSchema {
        kind,
        select_options,
        default_value: None,
        is_value_required,
        min_value,
        max_value,
        min_length,
        max_length,
    };
    schema.default_value = match m.get("defaultValue") {
        None | Some(Value::Null) => None,
        Some(d) => {
            if let Err(msg) = check_field_value(&schema, d) {
                return Err(req.invalid(&format!("defaultValue {msg}.")));
            }
            Some(d.clone())
        }
    };
    if schema.is_value_required == Some(true) && schema.default_value.is_none() {
        return Err(req.invalid("defaultValue is required when isValueRequired is true."));
    }
    Ok(schema)
}

fn is_scalar(v: &Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_))
}

/// `minLength` / `maxLength`: a whole number, 0 or more, for Text and Textarea fields.
fn length(
    m: &Map<String, Value>,
    key: &str,
    applies: bool,
    req: Request,
) -> Result<Option<u64>, SandboxError> {
    let v = match m.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => v,
    };
    if !applies {
        return Err(req.invalid(&format!(
            "schema.{key} can only be set on Text and Textarea fields."
        )));
    }
    whole(v).map(Some).ok_or_else(|| {
        req.invalid(&format!(
            "schema.{key} should be a whole number, 0 or more."
        ))
    })
}

/// A JSON number with no fractional part, 0 or more, in any spelling (`100`, `100.0`,
/// `1e2`).
fn whole(v: &Value) -> Option<u64> {
    let n = v.as_number()?;
    if let Some(u) = n.as_u64() {
        return Some(u);
    }
    let f = n.as_f64()?;
    if f.fract() != 0.0 || !(0.0..=EXACT_F64).contains(&f) {
        return None;
    }
    // A whole number in 0..=2^53: the cast is exact.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    Some(f as u64)
}

/// `minValue` / `maxValue`: a number for Number fields, an ISO 8601 date for Date fields.
fn bound(
    m: &Map<String, Value>,
    key: &str,
    kind: FieldType,
    applies: bool,
    req: Request,
) -> Result<Option<Value>, SandboxError> {
    let v = match m.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => v,
    };
    if !applies {
        return Err(req.invalid(&format!(
            "schema.{key} can only be set on Number and Date fields."
        )));
    }
    let ok = match kind {
        FieldType::Number => v.is_number(),
        _ => v.as_str().is_some_and(is_date),
    };
    if ok {
        Ok(Some(v.clone()))
    } else if kind == FieldType::Number {
        Err(req.invalid(&format!("schema.{key} should be a number.")))
    } else {
        Err(req.invalid(&format!("schema.{key} should be an ISO 8601 date string.")))
    }
}

fn is_date(s: &str) -> bool {
    date_millis(s).is_some()
}

/// An ISO 8601 date or date-time as milliseconds since the epoch.
fn date_millis(s: &str) -> Option<i64> {
    crate::model::Timestamp::parse(s)
        .map(|t| t.millis())
        .or_else(|| {
            chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|d| d.and_utc().timestamp_millis())
        })
}

/// True when a field's `minValue` lies after its `maxValue` (two numbers or two dates).
fn out_of_order(min: &Value, max: &Value) -> bool {
    match (min, max) {
        (Value::Number(a), Value::Number(b)) => a.as_f64() > b.as_f64(),
        (Value::String(a), Value::String(b)) => date_millis(a) > date_millis(b),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn whole_numbers_in_any_spelling() {
        for text in ["100", "100.0", "1e2", "1.0E2", "100.000"] {
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(whole(&v), Some(100), "{text}");
        }
        for text in ["100.5", "-1", "-1.0", "1e300", "\"100\"", "true"] {
            let v: Value = serde_json::from_str(text).unwrap();
            assert_eq!(whole(&v), None, "{text}");
        }
        assert_eq!(whole(&json!(0.0)), Some(0));
    }

    #[test]
    fn create_checks_the_type_and_the_rules_that_go_with_it() {
        let s = for_create(&json!({"type": "Text", "minLength": 1.0, "maxLength": 1e2})).unwrap();
        assert_eq!((s.min_length, s.max_length), (Some(1), Some(100)));
        let msg = |v: Value| for_create(&v).unwrap_err().body.message;
        assert_eq!(
            msg(json!({"type": "Text", "maxLength": 100.5})),
            "Your request contains invalid value for schema parameter. schema.maxLength should be a whole number, 0 or more."
        );
        assert!(msg(json!({"type": "Colour"})).contains("schema.type should be one of"));
        assert!(msg(json!({"type": "Number", "maxLength": 3})).contains("Text and Textarea"));
        assert!(msg(json!({"type": "Number", "minValue": "x"})).contains("should be a number"));
        assert!(msg(json!({"type": "Number", "minValue": 5, "maxValue": 1})).contains("minValue"));
        assert!(msg(json!({"type": "SingleSelect"})).contains("selectOptions is required"));
        assert!(msg(json!({"type": "Boolean", "isValueRequired": true})).contains("defaultValue"));
        assert!(msg(json!([1])).contains("should be an object"));
    }

    #[test]
    fn update_keeps_the_type_and_words_errors_as_the_spec_does() {
        let s = for_update(&json!({"type": "Number", "maxLength": 5}), FieldType::Text).unwrap();
        assert_eq!(s.kind, FieldType::Text, "type cannot change");
        assert_eq!(s.max_length, Some(5));
        assert_eq!(
            for_update(&json!({"maxLength": "5"}), FieldType::Text)
                .unwrap_err()
                .body
                .message,
            "Invalid schema object. schema.maxLength should be a whole number, 0 or more."
        );
    }
}
