//! `GET` and `POST /v1/customMetadataFields`: the custom metadata field definitions.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::json_object;
use crate::model::{CustomMetadataField, FieldSchema, FieldType};
use crate::sandbox::Shared;
use crate::sandbox::error::SandboxError;
use crate::sandbox::seed::object_id;

pub(super) async fn list_fields(State(state): State<Shared>) -> Response {
    let store = state.read_store();
    Json(store.fields().to_vec()).into_response()
}

pub(super) async fn create_field(
    State(state): State<Shared>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let body = json_object(&body)?;
    let text = |k: &str| -> Result<String, SandboxError> {
        match body.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(_) => Err(SandboxError::bad_request(format!(
                "Your request contains invalid value for {k} parameter. It should be a non-empty string."
            ))),
            None => Err(SandboxError::bad_request(format!(
                "{k} parameter is missing."
            ))),
        }
    };
    let name = text("name")?;
    let label = text("label")?;
    let schema_v = body
        .get("schema")
        .ok_or_else(|| SandboxError::bad_request("schema parameter is missing."))?;
    let schema: FieldSchema = serde_json::from_value(schema_v.clone()).map_err(|e| {
        SandboxError::bad_request(format!(
            "Your request contains invalid value for schema parameter: {e}. schema.type should be one of Text, Textarea, Number, Date, Boolean, SingleSelect, MultiSelect."
        ))
    })?;
    if matches!(
        schema.kind,
        FieldType::SingleSelect | FieldType::MultiSelect
    ) && schema.select_options.as_ref().is_none_or(Vec::is_empty)
    {
        return Err(SandboxError::bad_request(
            "Your request contains invalid value for schema parameter. selectOptions is required for SingleSelect and MultiSelect fields.",
        ));
    }
    if let Some(d) = &schema.default_value
        && let Err(msg) = crate::model::check_field_value(&schema, d)
    {
        return Err(SandboxError::bad_request(format!(
            "Your request contains invalid value for schema parameter. defaultValue {msg}."
        )));
    }
    let mut store = state.write_store();
    if store.fields().iter().any(|f| f.name == name) {
        return Err(SandboxError::bad_request(
            "A custom metadata field with this name already exists.",
        ));
    }
    if store.fields().iter().any(|f| f.label == label) {
        return Err(SandboxError::bad_request(
            "A custom metadata field with this label already exists.",
        ));
    }
    let field = CustomMetadataField {
        id: object_id(&format!("field:{name}")),
        name,
        label,
        description: body
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        schema,
    };
    store.add_field(field.clone())?;
    Ok((StatusCode::CREATED, Json(field)).into_response())
}
