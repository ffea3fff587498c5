//! The request log: how many `/v1` requests reached the sandbox, and how the last ones ended.
//!
//! [`record`] sits outside auth and the fault layer, so 401/403, injected faults, 404s under
//! `/v1` and dropped connections all count. Admin (`/_sandbox/…`) and media (`/demo/…`)
//! requests do not. Read and reset with `GET` / `DELETE /_sandbox/requests`, or in-process
//! with [`Sandbox::requests`](super::Sandbox::requests) and
//! [`Sandbox::request_log`](super::Sandbox::request_log). `GET /_sandbox/requests/detail`
//! ([`Sandbox::request_detail`](super::Sandbox::request_detail)) adds when each request
//! arrived, how long its answer took and which fault, if any, was injected into it.

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::Shared;
use super::faults::{DroppedConnection, Injected};

/// How many requests the log keeps; older ones are forgotten (the total still counts them).
pub const RECENT: usize = 1000;

/// One `/v1` request as the sandbox answered it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoggedRequest {
    pub method: String,
    /// The path, without the query string.
    pub path: String,
    /// The status answered; 0 when no answer was sent (a fault dropped the connection, or
    /// the client went away first).
    pub status: u16,
}

/// The body of `GET /_sandbox/requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestsReport {
    /// `/v1` requests since the start or the last reset, counted when they arrive.
    pub total: u64,
    /// The last [`RECENT`] of them, oldest first, each added when it is answered.
    pub recent: Vec<LoggedRequest>,
}

/// One `/v1` request with its times and the fault injected into it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DetailedRequest {
    #[serde(flatten)]
    pub request: LoggedRequest,
    /// When it arrived, in microseconds since the log was started or reset.
    pub at_us: u64,
    /// How long until it was answered (or dropped), in microseconds.
    pub took_us: u64,
    /// The fault injected: `rateLimited`, `serverError`, `writeFailure`, `failedFiles`,
    /// `reset` (dropped before it was applied) or `lostAnswer` (applied, then dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
    /// A 429's `X-RateLimit-Reset`: the window ends this many ms after `atUs`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_ms: Option<u64>,
    /// The files a 207 reported failed by `failRate`, sorted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failed_files: Vec<String>,
}

/// The body of `GET /_sandbox/requests/detail`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailReport {
    pub total: u64,
    pub recent: Vec<DetailedRequest>,
}

/// The live log.
pub struct RequestLog {
    inner: Mutex<Inner>,
}

impl Default for RequestLog {
    fn default() -> Self {
        RequestLog {
            inner: Mutex::new(Inner {
                total: 0,
                epoch: 0,
                since: Instant::now(),
                recent: VecDeque::new(),
            }),
        }
    }
}

struct Inner {
    total: u64,
    /// Bumped by [`RequestLog::reset`], so a request that arrived before a reset does not
    /// land in the log after it.
    epoch: u64,
    /// Where `atUs` counts from: the start or the last reset.
    since: Instant,
    recent: VecDeque<DetailedRequest>,
}

fn micros(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

impl RequestLog {
    pub fn new() -> RequestLog {
        RequestLog::default()
    }

    /// The recent requests with their times and faults, and the total.
    pub fn detail(&self) -> DetailReport {
        let inner = self.lock();
        DetailReport {
            total: inner.total,
            recent: inner.recent.iter().cloned().collect(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Every update leaves the log consistent, so a poisoned lock is still usable.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// `/v1` requests since the start or the last reset.
    pub fn total(&self) -> u64 {
        self.lock().total
    }

    /// The most recent answered requests, oldest first.
    pub fn recent(&self) -> Vec<LoggedRequest> {
        self.lock()
            .recent
            .iter()
            .map(|d| d.request.clone())
            .collect()
    }

    /// The total and the recent requests, read together.
    pub fn report(&self) -> RequestsReport {
        let inner = self.lock();
        RequestsReport {
            total: inner.total,
            recent: inner.recent.iter().map(|d| d.request.clone()).collect(),
        }
    }

    /// Forgets every request and sets the total back to 0.
    pub fn reset(&self) {
        let mut inner = self.lock();
        inner.total = 0;
        inner.epoch += 1;
        inner.since = Instant::now();
        inner.recent.clear();
    }

    /// Counts a request now; it is logged when the returned guard is dropped.
    fn begin(&self, method: &str, path: &str) -> Pending<'_> {
        let mut inner = self.lock();
        inner.total += 1;
        let arrived = Instant::now();
        Pending {
            log: self,
            epoch: inner.epoch,
            arrived,
            at_us: micros(arrived.saturating_duration_since(inner.since)),
            entry: LoggedRequest {
                method: method.to_owned(),
                path: path.to_owned(),
                status: 0,
            },
            injected: None,
        }
    }
}

/// A counted request not yet in the log. Logging on drop keeps requests whose client went
/// away mid-request (the server then drops the handler future) with status 0.
struct Pending<'a> {
    log: &'a RequestLog,
    epoch: u64,
    arrived: Instant,
    at_us: u64,
    entry: LoggedRequest,
    injected: Option<Injected>,
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        let mut inner = self.log.lock();
        if inner.epoch != self.epoch {
            return;
        }
        if inner.recent.len() == RECENT {
            inner.recent.pop_front();
        }
        let request = LoggedRequest {
            method: std::mem::take(&mut self.entry.method),
            path: std::mem::take(&mut self.entry.path),
            status: self.entry.status,
        };
        let injected = self.injected.take();
        inner.recent.push_back(DetailedRequest {
            request,
            at_us: self.at_us,
            took_us: micros(self.arrived.elapsed()),
            fault: injected.as_ref().map(|i| i.name().to_owned()),
            reset_ms: match injected {
                Some(Injected::RateLimited { reset_ms }) => Some(reset_ms),
                _ => None,
            },
            failed_files: match injected {
                Some(Injected::FailedFiles(ids)) => ids,
                _ => Vec::new(),
            },
        });
    }
}

/// Is this an API path (`/v1` or below), the only ones counted?
pub fn is_api(path: &str) -> bool {
    path == "/v1" || path.starts_with("/v1/")
}

/// The counting layer, outside auth and faults.
pub async fn record(State(state): State<Shared>, req: Request, next: Next) -> Response {
    if !is_api(req.uri().path()) {
        return next.run(req).await;
    }
    let mut pending = state
        .requests
        .begin(req.method().as_str(), req.uri().path());
    let resp = next.run(req).await;
    if resp.extensions().get::<DroppedConnection>().is_none() {
        pending.entry.status = resp.status().as_u16();
    }
    pending.injected = resp.extensions().get::<Injected>().cloned();
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_requests_and_counts_all() {
        let log = RequestLog::new();
        for i in 0..RECENT + 5 {
            let mut p = log.begin("GET", &format!("/v1/files/{i}/details"));
            p.entry.status = 200;
        }
        let report = log.report();
        assert_eq!(report.total, (RECENT + 5) as u64);
        assert_eq!(report.recent.len(), RECENT);
        assert_eq!(report.recent[0].path, "/v1/files/5/details", "oldest first");
        assert_eq!(report.recent[RECENT - 1].status, 200);
    }

    #[test]
    fn a_request_in_flight_across_a_reset_is_not_logged_after_it() {
        let log = RequestLog::new();
        let p = log.begin("POST", "/v1/files/addTags");
        log.reset();
        drop(p);
        assert_eq!(
            log.report(),
            RequestsReport {
                total: 0,
                recent: Vec::new()
            }
        );
        drop(log.begin("GET", "/v1/files"));
        assert_eq!(log.total(), 1);
        assert_eq!(log.recent()[0].status, 0, "never answered");
    }

    #[test]
    fn the_detail_has_times_and_the_injected_fault() {
        let log = RequestLog::new();
        {
            let mut p = log.begin("POST", "/v1/files/addTags");
            p.entry.status = 429;
            p.injected = Some(Injected::RateLimited { reset_ms: 640 });
        }
        {
            let mut p = log.begin("POST", "/v1/files/addTags");
            p.entry.status = 207;
            p.injected = Some(Injected::FailedFiles(vec!["a".into(), "b".into()]));
        }
        drop(log.begin("GET", "/v1/files"));
        let d = log.detail();
        assert_eq!(d.total, 3);
        assert_eq!(d.recent[0].fault.as_deref(), Some("rateLimited"));
        assert_eq!(d.recent[0].reset_ms, Some(640));
        assert_eq!(d.recent[1].failed_files, ["a", "b"]);
        assert_eq!(
            (d.recent[2].fault.as_ref(), d.recent[2].reset_ms),
            (None, None)
        );
        assert!(d.recent[0].at_us <= d.recent[1].at_us && d.recent[1].at_us <= d.recent[2].at_us);
        let json = serde_json::to_value(&d.recent[1]).unwrap();
        assert_eq!(json["failedFiles"], serde_json::json!(["a", "b"]));
        assert_eq!(json["status"], 207, "the logged fields are flattened in");
        assert!(json.get("resetMs").is_none());
        assert_eq!(log.recent()[1].status, 207, "the plain log is unchanged");
    }

    #[test]
    fn only_v1_paths_are_api() {
        assert!(is_api("/v1"));
        assert!(is_api("/v1/files"));
        assert!(!is_api("/v1files"));
        assert!(!is_api("/_sandbox/requests"));
        assert!(!is_api("/demo/v1/a.jpg"));
    }
}
