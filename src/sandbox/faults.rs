//! Fault injection: one tower layer in front of the handlers.
//!
//! Latency, whole-request errors (500/502/503), 429 rate limiting with `ImageKit`'s
//! `X-RateLimit-*` headers, dropped connections, and per-file failures inside bulk calls
//! (planned here, reported by the handler as a 207). All randomness comes from one seeded
//! RNG so a run is reproducible with `--rng-seed`. Settings change at runtime through
//! `GET`/`PUT /_sandbox/faults`.

use std::collections::HashSet;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use super::Shared;
use super::api::InjectedFailures;
use super::error::SandboxError;

/// The fault settings. All off by default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FaultConfig {
    /// Added latency per request, `[min, max]` milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<(u64, u64)>,
    /// Probability that a file inside a bulk call fails (207), or that a PATCH / DELETE fails (500).
    #[serde(default)]
    pub fail_rate: f64,
    /// Probability that a whole request fails with 500, 502 or 503.
    #[serde(default)]
    pub error_rate: f64,
    /// Requests per second allowed before 429.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<u32>,
    /// Probability that the connection is dropped without a response (half of these after
    /// the request was applied).
    #[serde(default)]
    pub reset_rate: f64,
    /// Probability that an auto-tagging extension answers `pending` and adds its AI tags
    /// `pendingMs` later, as the real API does when the result goes to the webhook.
    #[serde(default)]
    pub pending_rate: f64,
    /// How long a `pending` extension takes, in milliseconds (default 2000).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_ms: Option<u64>,
    /// Seed for the fault RNG; setting it restarts the random sequence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rng_seed: Option<u64>,
    /// Lost answers at known places, whatever the RNG: the Nth `/v1` request after these
    /// settings (1 = the first) is applied, then its connection dropped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lose_answers: Vec<u64>,
}

/// What the fault layer did to one request; attached to its response for the request
/// log ([`super::requests`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Injected {
    /// A 429 whose window ends this many milliseconds after the request was counted.
    RateLimited { reset_ms: u64 },
    /// A whole-request 500, 502 or 503 (`errorRate`).
    ServerError,
    /// A PATCH or DELETE failed with 500 (`failRate`).
    WriteFailure,
    /// A bulk call answered 207 with these files failed (`failRate`).
    FailedFiles(Vec<String>),
    /// The connection was dropped before the request was applied.
    Reset,
    /// The request was applied, then the connection dropped: the answer is lost.
    LostAnswer,
}

impl Injected {
    /// The name shown in the request log's `fault` field.
    pub fn name(&self) -> &'static str {
        match self {
            Injected::RateLimited { .. } => "rateLimited",
            Injected::ServerError => "serverError",
            Injected::WriteFailure => "writeFailure",
            Injected::FailedFiles(_) => "failedFiles",
            Injected::Reset => "reset",
            Injected::LostAnswer => "lostAnswer",
        }
    }
}

/// How many faults were injected since the settings were last set (`GET /_sandbox/faults`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InjectedCounts {
    /// 429 answers.
    pub rate_limited: u64,
    /// Whole-request 500 / 502 / 503 answers.
    pub server_errors: u64,
    /// PATCH / DELETE requests failed with 500 by `failRate`.
    pub write_failures: u64,
    /// Files failed inside answered 207s (a 207 whose answer was lost is not counted).
    pub failed_files: u64,
    /// Connections dropped before the request was applied.
    pub resets: u64,
    /// Connections dropped after the request was applied.
    pub lost_answers: u64,
}

impl InjectedCounts {
    fn add(&mut self, what: &Injected) {
        match what {
            Injected::RateLimited { .. } => self.rate_limited += 1,
            Injected::ServerError => self.server_errors += 1,
            Injected::WriteFailure => self.write_failures += 1,
            Injected::FailedFiles(ids) => {
                self.failed_files += u64::try_from(ids.len()).unwrap_or(u64::MAX);
            }
            Injected::Reset => self.resets += 1,
            Injected::LostAnswer => self.lost_answers += 1,
        }
    }
}

/// The body of `GET /_sandbox/faults`: the settings and what they injected so far.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FaultsReport {
    #[serde(flatten)]
    pub config: FaultConfig,
    pub injected: InjectedCounts,
}

impl FaultConfig {
    pub fn validate(&self) -> Result<(), String> {
        for (name, v) in [
            ("failRate", self.fail_rate),
            ("errorRate", self.error_rate),
            ("resetRate", self.reset_rate),
            ("pendingRate", self.pending_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(format!("{name} must be between 0 and 1, got {v}"));
            }
        }
        if let Some((a, b)) = self.latency_ms
            && a > b
        {
            return Err(format!("latency range {a}..{b} is reversed"));
        }
        if self.rate_limit == Some(0) {
            return Err("rate limit must be at least 1 request per second".to_owned());
        }
        Ok(())
    }
}

/// Parses `--latency 50` or `--latency 10..200` (milliseconds).
pub fn parse_latency(s: &str) -> Result<(u64, u64), String> {
    let num = |t: &str| {
        t.trim()
            .trim_end_matches("ms")
            .parse::<u64>()
            .map_err(|_| format!("invalid latency {s:?}: expected milliseconds like 50 or 10..200"))
    };
    let (a, b) = if let Some((a, b)) = s.split_once("..") {
        (num(a)?, num(b)?)
    } else {
        let v = num(s)?;
        (v, v)
    };
    if a > b {
        return Err(format!(
            "invalid latency {s:?}: the minimum is above the maximum"
        ));
    }
    Ok((a, b))
}

/// Parses `--rate-limit 10/s` or `--rate-limit 10`.
pub fn parse_rate_limit(s: &str) -> Result<u32, String> {
    let n = s.trim().trim_end_matches("/s").trim();
    match n.parse::<u32>() {
        Ok(v) if v > 0 => Ok(v),
        _ => Err(format!(
            "invalid rate limit {s:?}: expected requests per second like 10/s"
        )),
    }
}

/// Parses a probability flag value between 0 and 1.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if (0.0..=1.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "invalid rate {s:?}: expected a number between 0 and 1"
        )),
    }
}

struct Window {
    start: Instant,
    count: u32,
}

/// Live fault state: the settings, the RNG and the rate-limit window.
pub struct Faults {
    config: Mutex<FaultConfig>,
    rng: Mutex<fastrand::Rng>,
    window: Mutex<Window>,
    /// `/v1` requests that reached the fault layer since the settings were set.
    seen: AtomicU64,
    injected: Mutex<InjectedCounts>,
}

const INTERVAL: Duration = Duration::from_secs(1);

impl Faults {
    pub fn new(config: FaultConfig) -> Faults {
        let rng = rng_for(config.rng_seed);
        Faults {
            config: Mutex::new(config),
            rng: Mutex::new(rng),
            window: Mutex::new(Window {
                start: Instant::now(),
                count: 0,
            }),
            seen: AtomicU64::new(0),
            injected: Mutex::new(InjectedCounts::default()),
        }
    }

    /// The settings and the faults injected since they were set.
    pub fn report(&self) -> FaultsReport {
        FaultsReport {
            config: self.config(),
            injected: *lock(&self.injected),
        }
    }

    /// Counts an injected fault and marks the response with it for the request log.
    fn mark(&self, mut resp: Response, what: Injected) -> Response {
        lock(&self.injected).add(&what);
        resp.extensions_mut().insert(what);
        resp
    }

    pub fn config(&self) -> FaultConfig {
        lock(&self.config).clone()
    }

    pub fn set(&self, config: FaultConfig) {
        *lock(&self.rng) = rng_for(config.rng_seed);
        *lock(&self.window) = Window {
            start: Instant::now(),
            count: 0,
        };
        *lock(&self.config) = config;
        self.seen.store(0, Ordering::SeqCst);
        *lock(&self.injected) = InjectedCounts::default();
    }

    /// Should this auto-tagging call answer `pending`? Returns the delay when it should.
    pub fn pending(&self) -> Option<Duration> {
        let cfg = self.config();
        self.chance(cfg.pending_rate)
            .then(|| Duration::from_millis(cfg.pending_ms.unwrap_or(2000)))
    }

    fn chance(&self, p: f64) -> bool {
        p > 0.0 && lock(&self.rng).f64() < p
    }

    /// Counts the request in the current one-second window; `Some(reset_ms)` if over the limit.
    fn over_limit(&self, limit: u32) -> Option<u64> {
        let mut w = lock(&self.window);
        let now = Instant::now();
        if now.duration_since(w.start) >= INTERVAL {
            w.start = now;
            w.count = 0;
        }
        w.count += 1;
        if w.count > limit {
            let left = INTERVAL.saturating_sub(now.duration_since(w.start));
            Some(u64::try_from(left.as_millis().max(1)).unwrap_or(u64::MAX))
        } else {
            None
        }
    }
}

fn rng_for(seed: Option<u64>) -> fastrand::Rng {
    match seed {
        Some(s) => fastrand::Rng::with_seed(s),
        None => fastrand::Rng::new(),
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Bulk endpoints whose files can fail one by one.
fn is_bulk(path: &str) -> bool {
    matches!(
        path,
        "/v1/files/addTags"
            | "/v1/files/removeTags"
            | "/v1/files/removeAITags"
            | "/v1/files/batch/deleteByFileIds"
    )
}

/// Single-file writes that fail as a whole (500).
fn is_single_write(method: &Method, path: &str) -> bool {
    (method == Method::PATCH && path.ends_with("/details"))
        || (method == Method::DELETE && path.starts_with("/v1/files/"))
}

/// Marks a response whose connection a fault drops: the client gets no status at all.
#[derive(Debug, Clone, Copy)]
pub struct DroppedConnection;

/// A body that fails on first poll: hyper then closes the connection without a response.
fn dropped_connection() -> Response {
    let stream = failing_stream();
    let mut resp = Response::new(Body::from_stream(stream));
    resp.extensions_mut().insert(DroppedConnection);
    resp
}

fn failing_stream() -> impl futures_core::Stream<Item = Result<Bytes, std::io::Error>> {
    struct Fail;
    impl futures_core::Stream for Fail {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(
            self: std::pin::Pin<&mut Self>,
            _: &mut std::task::Context<'_>,
        ) -> std::task::Poll<Option<Self::Item>> {
            std::task::Poll::Ready(Some(Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "sandbox fault injection: connection dropped",
            ))))
        }
    }
    Fail
}

const MAX_BODY: usize = 2 * 1024 * 1024;

/// The fault layer itself.
pub async fn inject(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let faults = &state.faults;
    let cfg = faults.config();
    if let Some((min, max)) = cfg.latency_ms {
        let ms = if max > min {
            lock(&faults.rng).u64(min..=max)
        } else {
            min
        };
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let nth = faults.seen.fetch_add(1, Ordering::SeqCst) + 1;
    // A dropped connection loses either the request or, as bad, the answer: half the
    // time the request is applied first, so clients must cope with replays.
    let drop_after = if cfg.lose_answers.contains(&nth) {
        true
    } else if faults.chance(cfg.reset_rate) {
        if lock(&faults.rng).bool() {
            tracing::debug!(path = %req.uri().path(), "fault: dropping the connection");
            return faults.mark(dropped_connection(), Injected::Reset);
        }
        true
    } else {
        false
    };
    let resp = inject_rest(&state, &cfg, req, next).await;
    if drop_after {
        tracing::debug!("fault: applied, then dropping the connection before the answer");
        return faults.mark(dropped_connection(), Injected::LostAnswer);
    }
    if let Some(what) = resp.extensions().get::<Injected>().cloned() {
        lock(&faults.injected).add(&what);
    }
    resp
}

async fn inject_rest(state: &Shared, cfg: &FaultConfig, req: Request, next: Next) -> Response {
    let faults = &state.faults;
    if let Some(limit) = cfg.rate_limit
        && let Some(reset) = faults.over_limit(limit)
    {
        let mut r = (
            StatusCode::TOO_MANY_REQUESTS,
            axum::Json(serde_json::json!({"message": "Rate limit exceeded. Please retry after the time given in X-RateLimit-Reset (milliseconds)."})),
        )
            .into_response();
        let h = r.headers_mut();
        h.insert("X-RateLimit-Limit", HeaderValue::from(limit));
        h.insert("X-RateLimit-Reset", HeaderValue::from(reset));
        h.insert(
            "X-RateLimit-Interval",
            HeaderValue::from(u64::try_from(INTERVAL.as_millis()).unwrap_or(u64::MAX)),
        );
        r.extensions_mut()
            .insert(Injected::RateLimited { reset_ms: reset });
        return r;
    }
    if faults.chance(cfg.error_rate) {
        let pick = lock(&faults.rng).u8(0..3);
        let e = match pick {
            0 => SandboxError::internal(),
            1 => SandboxError::new(
                StatusCode::BAD_GATEWAY,
                "Bad gateway. Please retry the request.",
            ),
            _ => SandboxError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "Service temporarily unavailable. Please retry the request.",
            ),
        };
        let mut r = e.into_response();
        r.extensions_mut().insert(Injected::ServerError);
        return r;
    }
    let path = req.uri().path().to_owned();
    if cfg.fail_rate > 0.0 && is_single_write(req.method(), &path) && faults.chance(cfg.fail_rate) {
        let mut r = SandboxError::internal().into_response();
        r.extensions_mut().insert(Injected::WriteFailure);
        return r;
    }
    if cfg.fail_rate > 0.0 && req.method() == Method::POST && is_bulk(&path) {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
            return SandboxError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "Your request body is too large.",
            )
            .into_response();
        };
        let ids: Vec<String> = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| v.get("fileIds").cloned())
            .and_then(|v| serde_json::from_value(v).ok())
            .unwrap_or_default();
        let failing: HashSet<String> = ids
            .into_iter()
            .filter(|_| faults.chance(cfg.fail_rate))
            .collect();
        let mut planned: Vec<String> = failing.iter().cloned().collect();
        planned.sort();
        let mut req = Request::from_parts(parts, Body::from(bytes));
        req.extensions_mut().insert(InjectedFailures(failing));
        let mut resp = next.run(req).await;
        // Only a 207 reports them; any other answer (a 404 for unknown ids) applied nothing.
        if resp.status() == StatusCode::MULTI_STATUS && !planned.is_empty() {
            resp.extensions_mut().insert(Injected::FailedFiles(planned));
        }
        return resp;
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lose_answers_is_a_setting_and_counters_start_at_zero() {
        let cfg: FaultConfig = serde_json::from_str(r#"{"loseAnswers": [1, 5]}"#).unwrap();
        assert_eq!(cfg.lose_answers, [1, 5]);
        let faults = Faults::new(cfg.clone());
        let report = serde_json::to_value(faults.report()).unwrap();
        assert_eq!(report["loseAnswers"], serde_json::json!([1, 5]));
        assert_eq!(report["injected"]["lostAnswers"], 0);
        let mut counts = InjectedCounts::default();
        counts.add(&Injected::FailedFiles(vec!["a".into(), "b".into()]));
        counts.add(&Injected::RateLimited { reset_ms: 3 });
        assert_eq!((counts.failed_files, counts.rate_limited), (2, 1));
        *lock(&faults.injected) = counts;
        faults.set(cfg);
        assert_eq!(
            faults.report().injected,
            InjectedCounts::default(),
            "a PUT resets them"
        );
    }
}
