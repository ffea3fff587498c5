//! The batch endpoints: `addTags`, `removeTags`, `removeAITags` and
//! `batch/deleteByFileIds`. Per-file failures planned by the fault layer answer 207.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{Map, Value};

use super::{InjectedFailures, MAX_TAG_CHARS, dedup, json_object, string_array, tag_values};
use crate::model::{BulkDeleteResponse, BulkUpdateResponse, FileError};
use crate::sandbox::Shared;
use crate::sandbox::error::SandboxError;

/// `fileIds` of a bulk body, validated with the API's messages.
fn file_ids(
    body: &Map<String, Value>,
    max: usize,
    too_many: &str,
) -> Result<Vec<String>, SandboxError> {
    let v = body
        .get("fileIds")
        .ok_or_else(|| SandboxError::bad_request("fileIds parameter is missing."))?;
    let arr = v
        .as_array()
        .ok_or_else(|| SandboxError::bad_request("fileIds should be an Array."))?;
    if arr.is_empty() {
        return Err(SandboxError::bad_request("fileIds is empty."));
    }
    if arr.len() > max {
        return Err(SandboxError::bad_request(too_many));
    }
    let ids = string_array(v).ok_or_else(SandboxError::invalid_file_id)?;
    Ok(dedup(ids))
}

fn bulk_tags(body: &Map<String, Value>, key: &str) -> Result<Vec<String>, SandboxError> {
    let v = body
        .get(key)
        .ok_or_else(|| SandboxError::bad_request(format!("{key} parameter is missing.")))?;
    if v.as_array().is_some_and(Vec::is_empty) {
        return Err(SandboxError::bad_request(format!(
            "{key} array cannot be empty."
        )));
    }
    tag_values(v, key)
}

#[derive(Clone, Copy)]
enum TagOp {
    Add,
    Remove,
    RemoveAi,
}

impl TagOp {
    fn key(self) -> &'static str {
        match self {
            TagOp::RemoveAi => "AITags",
            _ => "tags",
        }
    }

    fn failure(self) -> &'static str {
        match self {
            TagOp::Add => "Error in adding tags",
            TagOp::Remove => "Error in removing tags",
            TagOp::RemoveAi => "Error in removing AITags",
        }
    }
}

pub(super) async fn add_tags(
    state: State<Shared>,
    inj: Option<Extension<InjectedFailures>>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    state.library_complete().await;
    bulk_tag_call(state, inj, &body, TagOp::Add)
}

pub(super) async fn remove_tags(
    state: State<Shared>,
    inj: Option<Extension<InjectedFailures>>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    state.library_complete().await;
    bulk_tag_call(state, inj, &body, TagOp::Remove)
}

pub(super) async fn remove_ai_tags(
    state: State<Shared>,
    inj: Option<Extension<InjectedFailures>>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    state.library_complete().await;
    bulk_tag_call(state, inj, &body, TagOp::RemoveAi)
}

fn bulk_tag_call(
    State(state): State<Shared>,
    inj: Option<Extension<InjectedFailures>>,
    body: &[u8],
    op: TagOp,
) -> Result<Response, SandboxError> {
    let body = json_object(body)?;
    let ids = file_ids(&body, 50, "A maximum of 50 files can be edited at a time.")?;
    let tags = bulk_tags(&body, op.key())?;
    let injected = inj.map(|Extension(i)| i.0).unwrap_or_default();

    let mut store = state.write_store();
    let missing = store.missing(&ids);
    if !missing.is_empty() {
        return Err(SandboxError::files_missing(missing));
    }
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    for id in &ids {
        if injected.contains(id) {
            errors.push(FileError {
                file_id: id.clone(),
                error: op.failure().to_owned(),
            });
            continue;
        }
        let Some(f) = store.file(id) else { continue };
        let mut f = f.clone();
        let before = (f.tags.len(), f.ai_tags.len());
        match op {
            TagOp::Add => {
                for t in &tags {
                    if !f.tags.contains(t) {
                        f.tags.push(t.clone());
                    }
                }
                let total: usize = f.tags.iter().map(|t| t.chars().count()).sum();
                if total > MAX_TAG_CHARS {
                    errors.push(FileError {
                        file_id: id.clone(),
                        error: format!(
                            "{}: the file's tags would exceed 500 characters combined.",
                            op.failure()
                        ),
                    });
                    continue;
                }
            }
            TagOp::Remove => f.tags.retain(|t| !tags.contains(t)),
            TagOp::RemoveAi => f.ai_tags.retain(|t| !tags.contains(&t.name)),
        }
        if (f.tags.len(), f.ai_tags.len()) != before {
            changed.push(f);
        }
        ok.push(id.clone());
    }
    store.update_files(changed)?;
    drop(store);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::MULTI_STATUS
    };
    Ok((
        status,
        Json(BulkUpdateResponse {
            successfully_updated_file_ids: ok,
            errors,
        }),
    )
        .into_response())
}

pub(super) async fn bulk_delete(
    State(state): State<Shared>,
    inj: Option<Extension<InjectedFailures>>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    state.library_complete().await;
    let body = json_object(&body)?;
    let ids = file_ids(&body, 100, "fileIds cannot have more than 100 items.")?;
    let injected = inj.map(|Extension(i)| i.0).unwrap_or_default();
    let mut store = state.write_store();
    let missing = store.missing(&ids);
    if !missing.is_empty() {
        return Err(SandboxError::files_missing(missing));
    }
    let (failed, doomed): (Vec<String>, Vec<String>) =
        ids.into_iter().partition(|id| injected.contains(id));
    store.delete_files(&doomed)?;
    drop(store);
    let errors: Vec<FileError> = failed
        .into_iter()
        .map(|file_id| FileError {
            file_id,
            error: "Error in deleting file".to_owned(),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::MULTI_STATUS
    };
    Ok((
        status,
        Json(BulkDeleteResponse {
            successfully_deleted_file_ids: doomed,
            errors,
        }),
    )
        .into_response())
}
