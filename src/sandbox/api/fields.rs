//! `/v1/customMetadataFields`: the custom metadata field definitions.
//!
//! `GET` lists the fields in use (`includeDeleted=true` adds the deleted ones; the sandbox
//! has no path policies, so every field applies at any `folderPath`), `POST` creates one,
//! `PATCH /{id}` changes its label or schema (never its name or type), and `DELETE /{id}`
//! deletes it: it is no longer listed, its values are no longer accepted, and its name
//! stays taken.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use super::{QueryParams, json_object, schema};
use crate::model::CustomMetadataField;
use crate::sandbox::Shared;
use crate::sandbox::error::SandboxError;
use crate::sandbox::seed::object_id;
use crate::sandbox::store::Store;

pub(super) async fn list_fields(
    State(state): State<Shared>,
    RawQuery(raw): RawQuery,
) -> Result<Response, SandboxError> {
    let include_deleted = parse_list_query(raw.as_deref())?;
    let store = state.read_store();
    let mut fields = store.fields().to_vec();
    if include_deleted {
        fields.extend_from_slice(store.deleted_fields());
    }
    Ok(Json(fields).into_response())
}

/// Checks `includeDeleted` and `folderPath`; returns whether deleted fields are wanted.
fn parse_list_query(raw: Option<&str>) -> Result<bool, SandboxError> {
    let params = QueryParams::parse(raw);
    let get = |key: &str| params.get(key);
    let include_deleted = match get("includeDeleted") {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(SandboxError::bad_request(
                "Your request contains invalid value for includeDeleted parameter. It should be true or false.",
            ));
        }
    };
    if let Some(path) = get("folderPath")
        && !path.is_empty()
        && !is_folder_path(path)
    {
        return Err(SandboxError::bad_request(
            "Your request contains invalid value for folderPath parameter. It should be a folder path such as /path/to/folder.",
        ));
    }
    Ok(include_deleted)
}

/// `/`, `/a` or `/a/b/`: absolute, no empty, `.` or `..` segments, no control characters.
fn is_folder_path(p: &str) -> bool {
    let Some(rest) = p.strip_prefix('/') else {
        return false;
    };
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    rest.is_empty()
        || rest
            .split('/')
            .all(|s| !s.is_empty() && s != "." && s != ".." && !s.chars().any(char::is_control))
}

pub(super) async fn create_field(
    State(state): State<Shared>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let body = json_object(&body)?;
    let name = text(&body, "name")?.ok_or_else(|| missing("name"))?;
    let label = text(&body, "label")?.ok_or_else(|| missing("label"))?;
    let schema = schema::for_create(body.get("schema").ok_or_else(|| missing("schema"))?)?;
    let description = match description(&body)? {
        Description::Set(d) => Some(d),
        Description::Keep | Description::Clear => None,
    };
    let mut store = state.write_store();
    // Names stay taken after a field is deleted; labels are free again.
    if store
        .fields()
        .iter()
        .chain(store.deleted_fields())
        .any(|f| f.name == name)
    {
        return Err(SandboxError::bad_request(
            "A custom metadata field with this name already exists.",
        ));
    }
    if store.fields().iter().any(|f| f.label == label) {
        return Err(label_taken());
    }
    let field = CustomMetadataField {
        id: object_id(&format!("field:{name}")),
        name,
        label,
        description,
        schema,
    };
    store.add_field(field.clone())?;
    Ok((StatusCode::CREATED, Json(field)).into_response())
}

pub(super) async fn update_field(
    State(state): State<Shared>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let body = json_object(&body)?;
    let mut store = state.write_store();
    let current = field_in_use(&store, &id)?;
    if let Some(name) = body.get("name")
        && name.as_str() != Some(current.name.as_str())
    {
        return Err(SandboxError::bad_request("Name cannot be updated."));
    }
    let label = text(&body, "label")?;
    let description = description(&body)?;
    let schema = match body.get("schema") {
        None => None,
        Some(v) => Some(schema::for_update(v, current.schema.kind)?),
    };
    if label.is_none() && schema.is_none() && matches!(description, Description::Keep) {
        return Err(SandboxError::bad_request(
            "Either label or schema should be provided.",
        ));
    }
    if let Some(label) = &label
        && store
            .fields()
            .iter()
            .any(|f| f.id != current.id && &f.label == label)
    {
        return Err(label_taken());
    }
    let mut field = current.clone();
    if let Some(label) = label {
        field.label = label;
    }
    if let Some(schema) = schema {
        field.schema = schema;
    }
    match description {
        Description::Keep => {}
        Description::Clear => field.description = None,
        Description::Set(d) => field.description = Some(d),
    }
    store.update_field(field.clone())?;
    Ok(Json(field).into_response())
}

pub(super) async fn delete_field(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, SandboxError> {
    let mut store = state.write_store();
    match field_in_use(&store, &id) {
        Ok(_) => {}
        // Deleted already: as far as the API is concerned, it does not exist.
        Err(_) if store.deleted_fields().iter().any(|f| f.id == id) => {
            return Err(no_such_field());
        }
        Err(e) => return Err(e),
    }
    store.delete_field(&id)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The field in use with this id: 400 if the id is malformed or the field deleted, 404
/// if there is none.
fn field_in_use<'a>(store: &'a Store, id: &str) -> Result<&'a CustomMetadataField, SandboxError> {
    if let Some(f) = store.fields().iter().find(|f| f.id == id) {
        return Ok(f);
    }
    if store.deleted_fields().iter().any(|f| f.id == id) {
        return Err(SandboxError::bad_request(
            "Cannot update a deleted custom metadata fields.",
        ));
    }
    if id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Err(no_such_field())
    } else {
        Err(SandboxError::bad_request(
            "Your request contains invalid ID parameter.",
        ))
    }
}

fn no_such_field() -> SandboxError {
    SandboxError::new(
        StatusCode::NOT_FOUND,
        "No such custom metadata field exists.",
    )
}

fn label_taken() -> SandboxError {
    SandboxError::bad_request("A custom metadata field with this label already exists.")
}

fn missing(key: &str) -> SandboxError {
    SandboxError::bad_request(format!("{key} parameter is missing."))
}

/// A non-empty string parameter, or `None` when it is not sent.
fn text(body: &Map<String, Value>, key: &str) -> Result<Option<String>, SandboxError> {
    match body.get(key) {
        None => Ok(None),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
        Some(_) => Err(SandboxError::bad_request(format!(
            "Your request contains invalid value for {key} parameter. It should be a non-empty string."
        ))),
    }
}

/// What a body does to a field's `description`.
enum Description {
    /// Not sent.
    Keep,
    /// `null`.
    Clear,
    Set(String),
}

fn description(body: &Map<String, Value>) -> Result<Description, SandboxError> {
    match body.get("description") {
        None => Ok(Description::Keep),
        Some(Value::Null) => Ok(Description::Clear),
        Some(Value::String(s)) => Ok(Description::Set(s.clone())),
        Some(_) => Err(SandboxError::bad_request(
            "Your request contains invalid value for description parameter. It should be a string.",
        )),
    }
}
