//! The single-file endpoints: `GET` and `PATCH /v1/files/{id}/details`, `DELETE /v1/files/{id}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};

use super::update::apply_update;
use super::{json_bytes, json_object};
use crate::model::FileDetails;
use crate::sandbox::error::SandboxError;
use crate::sandbox::media::{Served, UrlEndpoint};
use crate::sandbox::store::Store;
use crate::sandbox::{Shared, extensions};

/// True for a 24-hex ObjectId-like id.
fn is_object_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Resolves a path id: 400 if malformed, 404 if unknown.
fn lookup<'a>(store: &'a Store, id: &str) -> Result<&'a FileDetails, SandboxError> {
    match store.file(id) {
        Some(f) => Ok(f),
        None if is_object_id(id) => Err(SandboxError::file_not_found()),
        None => Err(SandboxError::invalid_file_id()),
    }
}

pub(super) async fn get_details(
    State(state): State<Shared>,
    endpoint: UrlEndpoint,
    Path(id): Path<String>,
) -> Result<Response, SandboxError> {
    // A file not (yet) in a library that is still filling may come later.
    if let Some(found) = details(&state, &endpoint, &id, false) {
        return found;
    }
    state.library_complete().await;
    details(&state, &endpoint, &id, true).unwrap_or_else(|| Err(SandboxError::internal()))
}

/// The file's details, or `None` if it is unknown and the library is not complete
/// (unless `final_answer`).
fn details(
    state: &Shared,
    endpoint: &UrlEndpoint,
    id: &str,
    final_answer: bool,
) -> Option<Result<Response, SandboxError>> {
    let store = state.read_store();
    let f = match lookup(&store, id) {
        Ok(f) => f,
        Err(_) if !final_answer && !store.is_complete() => return None,
        Err(e) => return Some(Err(e)),
    };
    Some(
        serde_json::to_vec(&endpoint.serve(f))
            .map(|body| json_bytes(StatusCode::OK, body))
            .map_err(|_| SandboxError::internal()),
    )
}

pub(super) async fn delete_file(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, SandboxError> {
    state.library_complete().await;
    let mut store = state.write_store();
    lookup(&store, &id)?;
    store.delete_files(&[id])?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

pub(super) async fn patch_details(
    State(state): State<Shared>,
    endpoint: UrlEndpoint,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    state.library_complete().await;
    let body = json_object(&body)?;
    let mut store = state.write_store();
    let current = lookup(&store, &id)?;
    let mut file = current.clone();
    let mut delay = None;
    let mut defer = || {
        delay = state.faults.pending();
        delay.is_some()
    };
    let (status, deferred) = match apply_update(&mut file, &body, &store, &mut defer)? {
        Some((status, deferred)) => (Some(status), deferred),
        None => (None, Vec::new()),
    };
    let stored = store
        .update_files(vec![file])?
        .pop()
        .ok_or_else(SandboxError::internal)?;
    drop(store);
    if let Some(delay) = delay.filter(|_| !deferred.is_empty()) {
        finish_later(state.clone(), id, deferred, delay);
    }
    Ok((
        StatusCode::OK,
        Json(Updated {
            file: endpoint.serve(&stored),
            extension_status: status,
        }),
    )
        .into_response())
}

/// Runs `pending` extensions after `delay` and stores their result (a file deleted in
/// the meantime is left alone).
fn finish_later(
    state: Shared,
    id: String,
    deferred: Vec<extensions::Extension>,
    delay: std::time::Duration,
) {
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let mut store = state.write_store();
        let Some(mut file) = store.file(&id).cloned() else {
            return;
        };
        extensions::run(&mut file, &deferred, &mut || false);
        if let Err(e) = store.update_files(vec![file]) {
            tracing::warn!(error = %e, file = %id, "could not store a pending extension's result");
        }
    });
}

/// The PATCH response: the file's fields in API order, plus `extensionStatus` when asked.
#[derive(Serialize)]
struct Updated<'a> {
    #[serde(flatten)]
    file: Served<'a>,
    #[serde(rename = "extensionStatus", skip_serializing_if = "Option::is_none")]
    extension_status: Option<Map<String, Value>>,
}
