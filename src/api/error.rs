//! Typed client errors. Every message says what failed and carries the server's own text
//! (escaped: it is untrusted). None ever contains the private key.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;

use crate::model::ErrorBody;
use crate::text::untrusted;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("ImageKit rejected the request (400): {message}{}", details(errors.as_ref()))]
    BadRequest {
        message: String,
        errors: Option<Value>,
    },
    #[error(
        "ImageKit did not accept the key (401): {message} Set IMAGEKIT_PRIVATE_KEY or a profile's key."
    )]
    Unauthorized { message: String },
    #[error(
        "ImageKit refused the key (403): {message} Check that the key belongs to this account and is not expired."
    )]
    Forbidden { message: String },
    #[error("not found (404): {message}")]
    NotFound {
        message: String,
        /// The ids a bulk call named that do not exist; nothing was applied.
        missing_file_ids: Vec<String>,
        /// An earlier attempt of this call may have reached the server (and e.g. deleted
        /// the files this 404 now names).
        replayed: bool,
    },
    #[error("ImageKit is rate limiting this account (429) and still was after waiting: {message}")]
    RateLimited {
        message: String,
        retry_after: Duration,
    },
    #[error(
        "ImageKit is rate limiting this account (429) and asks to wait {}, more than the {} iktag waits for one window (a profile's `max_rate_limit_wait`): try again later, or with a lower --concurrency ({message})",
        crate::api::request::human_wait(*wait),
        crate::api::request::human_wait(*max)
    )]
    RateWindowTooLong {
        message: String,
        wait: Duration,
        max: Duration,
    },
    #[error("ImageKit server error ({status}) after retries: {message}")]
    Server { status: u16, message: String },
    #[error("unexpected HTTP status {status}: {message}")]
    Status { status: u16, message: String },
    #[error("network error talking to {host} after retries: {detail}")]
    Network {
        host: String,
        detail: String,
        timeout: bool,
    },
    /// The answer's body passed [`ClientOptions::max_body`](super::ClientOptions); it was
    /// not read further.
    #[error(
        "the server's answer passed {} MB (the limit for one answer) at {host}; no ImageKit answer is that large, so check the base URL ({base}) and any proxy in between (a profile's `max_answer_mb` raises the limit)",
        limit / (1024 * 1024)
    )]
    TooLarge {
        host: String,
        base: String,
        limit: u64,
    },
    /// A 3xx the client did not follow: to another origin (scheme, host or port), or
    /// without a usable `Location`.
    #[error(
        "the server answered {status} pointing to {to}, which is not the configured origin {base}; iktag does not follow the API (and its key) to another origin: check the base URL and any proxy in between"
    )]
    Redirected {
        status: u16,
        to: String,
        base: String,
    },
    /// The server broke listing invariants (pages longer than asked, `skip` ignored, no
    /// end): the listing stops instead of running on.
    #[error("{0}")]
    Paging(String),
    #[error("malformed {context} from ImageKit: {detail}")]
    Malformed { context: String, detail: String },
    #[error("{0}")]
    Config(String),
    /// Stopped (Ctrl-C, a cancelled job) before the call was sent, or while it waited to
    /// send it again.
    #[error("{}", if *sent {
        "cancelled while waiting to send it again: an earlier attempt may have reached the server, so this file may have changed (`iktag jobs retry ID` sends it again)"
    } else {
        "cancelled before it was sent"
    })]
    Cancelled { sent: bool },
    /// The call would take longer than `max_call_time`, retries and waits included.
    #[error(
        "gave up on this call: it may take at most {} (attempts and waits included; a profile's `max_call_minutes`) and {why}",
        crate::api::countdown(*limit)
    )]
    CallTooLong { limit: Duration, why: String },
}

/// `errors` of a 400 body (e.g. per-field custom metadata problems), as readable text.
fn details(errors: Option<&Value>) -> String {
    match errors {
        Some(Value::Object(m)) if !m.is_empty() => {
            let parts: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    let v = v.as_str().map_or_else(|| v.to_string(), str::to_owned);
                    format!("{}: {}", untrusted(k, 60), untrusted(&v, 200))
                })
                .collect();
            format!(" ({})", parts.join("; "))
        }
        Some(Value::Array(a)) if !a.is_empty() => format!(
            " ({})",
            untrusted(&Value::Array(a.clone()).to_string(), 300)
        ),
        _ => String::new(),
    }
}

impl ApiError {
    pub(super) fn network(url: &url::Url, e: &reqwest::Error) -> Self {
        // reqwest's Display includes the URL, which never holds the key (auth is a header).
        let mut detail = e.to_string();
        let mut source = std::error::Error::source(e);
        while let Some(s) = source {
            detail.push_str(": ");
            detail.push_str(&s.to_string());
            source = s.source();
        }
        ApiError::Network {
            host: url.host_str().unwrap_or("?").to_owned(),
            detail: untrusted(&detail, 300),
            timeout: e.is_timeout(),
        }
    }

    pub(super) fn from_status(status: StatusCode, body: &[u8]) -> Self {
        let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
        let message = match &parsed {
            Some(b) => untrusted(&b.message, 500),
            None if body.is_empty() => status.canonical_reason().unwrap_or("no message").to_owned(),
            None => untrusted(&String::from_utf8_lossy(body), 200),
        };
        let code = status.as_u16();
        match code {
            400 => ApiError::BadRequest {
                message,
                errors: parsed.and_then(|b| b.errors),
            },
            401 => ApiError::Unauthorized { message },
            403 => ApiError::Forbidden { message },
            404 => ApiError::NotFound {
                message,
                missing_file_ids: parsed.and_then(|b| b.missing_file_ids).unwrap_or_default(),
                replayed: false,
            },
            500..=599 => ApiError::Server {
                status: code,
                message,
            },
            _ => ApiError::Status {
                status: code,
                message,
            },
        }
    }

    /// The HTTP status, if the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::BadRequest { .. } => Some(400),
            ApiError::Unauthorized { .. } => Some(401),
            ApiError::Forbidden { .. } => Some(403),
            ApiError::NotFound { .. } => Some(404),
            ApiError::RateLimited { .. } | ApiError::RateWindowTooLong { .. } => Some(429),
            ApiError::Server { status, .. } | ApiError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
}
