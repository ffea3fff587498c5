//! The `ImageKit` media-library endpoints: validation, store transactions, responses.
//!
//! Handlers validate the whole request first, then apply it in one store transaction.
//! Fault injection lives in [`super::faults`]; a handler only consults the per-file
//! failures that layer planned for this request ([`InjectedFailures`]).
//!
//! `list` answers `GET /v1/files`; `details` the single-file endpoints, with `update`
//! validating and applying PATCH bodies; `bulk` the tag and delete batches; `fields` the
//! custom metadata field definitions, with `schema` checking their schemas. This module wires the routes and holds the body
//! and tag validation they share.

mod bulk;
mod details;
mod fields;
mod list;
mod schema;
mod update;

use std::collections::HashSet;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Map, Value};

use super::Shared;
use super::error::SandboxError;

pub use self::list::folder_key;

/// Per-file failures the fault layer decided to simulate for this request.
#[derive(Debug, Clone, Default)]
pub struct InjectedFailures(pub HashSet<String>);

const MAX_TAG_CHARS: usize = 500;

/// The `/v1` routes (auth is applied by the caller).
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/v1/files", get(list::list_files))
        .route("/v1/files/", get(list::list_files))
        .route(
            "/v1/files/{id}/details",
            get(details::get_details).patch(details::patch_details),
        )
        .route(
            "/v1/files/{id}",
            axum::routing::delete(details::delete_file),
        )
        .route("/v1/files/addTags", post(bulk::add_tags))
        .route("/v1/files/removeTags", post(bulk::remove_tags))
        .route("/v1/files/removeAITags", post(bulk::remove_ai_tags))
        .route("/v1/files/batch/deleteByFileIds", post(bulk::bulk_delete))
        .route(
            "/v1/customMetadataFields",
            get(fields::list_fields).post(fields::create_field),
        )
        .route(
            "/v1/customMetadataFields/{id}",
            axum::routing::patch(fields::update_field).delete(fields::delete_field),
        )
        .route("/api/v1/files/upload", post(upload_not_emulated))
        .route("/api/v2/files/upload", post(upload_not_emulated))
}

/// SDKs with an overridden base URL send uploads here; the sandbox does not store media.
async fn upload_not_emulated() -> SandboxError {
    SandboxError::new(
        StatusCode::NOT_IMPLEMENTED,
        "Upload is not emulated by the iktag sandbox. Start it with --seed FILE or --files N to get a library.",
    )
}

// ---------------------------------------------------------------------------------------
// Shared by the handlers: JSON bodies and tag lists

/// A request's query string, decoded: the first value of each parameter by name.
struct QueryParams(Vec<(String, String)>);

impl QueryParams {
    fn parse(raw: Option<&str>) -> QueryParams {
        QueryParams(
            form_urlencoded::parse(raw.unwrap_or("").as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Parses a request body that must be a JSON object. A syntax error is answered with
/// where it is, not with the parser's wording.
fn json_object(body: &[u8]) -> Result<Map<String, Value>, SandboxError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(SandboxError::bad_request(
            "Your request body is empty. Please send a JSON object.",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(SandboxError::bad_request(
            "Your request body should be a JSON object.",
        )),
        Err(e) => Err(SandboxError::bad_request(format!(
            "Your request contains invalid JSON (line {}, column {}).",
            e.line(),
            e.column()
        ))),
    }
}

fn string_array(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_owned))
        .collect()
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.into_iter().filter(|s| seen.insert(s.clone())).collect()
}

/// Validates a tag list (`tags` or `AITags`): non-empty strings, no `%`, ≤500 chars combined.
fn tag_values(v: &Value, key: &str) -> Result<Vec<String>, SandboxError> {
    let invalid = |why: &str| {
        if key == "AITags" {
            SandboxError::bad_request(format!(
                "Your request contains invalid value for AITags. Please provide an array of strings. Example - ['t-shirt','summer-sale'].{why}"
            ))
        } else {
            SandboxError::bad_request(format!(
                "Your request contains invalid value for {key} parameter.{why}"
            ))
        }
    };
    let tags = string_array(v).ok_or_else(|| invalid(" Please provide an array of strings."))?;
    if tags.iter().any(|t| t.trim().is_empty()) {
        return Err(invalid(" Tags cannot be empty strings."));
    }
    if tags.iter().any(|t| t.contains('%')) {
        return Err(invalid(" Tags cannot contain the % character."));
    }
    let total: usize = tags.iter().map(|t| t.chars().count()).sum();
    if total > MAX_TAG_CHARS {
        return Err(invalid(
            " Combined length of all tags should be less than or equal to 500.",
        ));
    }
    Ok(tags)
}
