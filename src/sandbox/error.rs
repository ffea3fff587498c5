//! The sandbox's error responses: `ImageKit`'s `{message, help, ...}` body with the right status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::model::ErrorBody;

/// An error answered to the client as an `ImageKit` error body.
#[derive(Debug, Clone)]
pub struct SandboxError {
    pub status: StatusCode,
    pub body: ErrorBody,
}

impl SandboxError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        SandboxError {
            status,
            body: ErrorBody::new(message),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn invalid_file_id() -> Self {
        Self::bad_request("Your request contains invalid fileId parameter.")
    }

    pub fn file_not_found() -> Self {
        Self::new(StatusCode::NOT_FOUND, "The requested file does not exist.")
    }

    pub fn files_missing(ids: Vec<String>) -> Self {
        let mut e = Self::new(
            StatusCode::NOT_FOUND,
            "The requested file(s) does not exist.",
        );
        e.body.missing_file_ids = Some(ids);
        e
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "We have experienced an internal error while processing your request.",
        )
    }

    #[must_use]
    pub fn with_errors(mut self, errors: Value) -> Self {
        self.body.errors = Some(errors);
        self
    }
}

impl From<crate::sandbox::store::StoreError> for SandboxError {
    fn from(e: crate::sandbox::store::StoreError) -> Self {
        tracing::error!(error = %e, "store failure; the request was not applied");
        SandboxError::internal()
    }
}

impl IntoResponse for SandboxError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}
