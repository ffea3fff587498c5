//! Request and response plumbing: the shared 429 gate, backoff, the retry loop, parsing.

use std::sync::atomic::Ordering;
use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;
use tokio::time::Instant;

use super::waits::WaitKind;
use super::{ApiError, CancelHandle, Client, Reply};
use crate::model::ErrorBody;

/// One call's bookkeeping across its attempts: its bound in time, its retries and waits,
/// and whether an attempt may already have reached the server.
struct Call {
    deadline: Instant,
    retries: u32,
    waits: u32,
    replayed: bool,
}

/// What to do after an attempt.
enum Next {
    Done(Result<Reply, ApiError>),
    /// Back off (the wait shown as `after`), then try again.
    Retry {
        after: String,
        err: ApiError,
    },
    /// The account's window is closed: wait at the gate, then try again.
    Gate,
}

impl Client {
    /// Waits while the account is rate limited; fails if the window ends past the call's
    /// deadline or the call is stopped.
    async fn wait_gate(&self, call: &Call) -> Result<(), ApiError> {
        loop {
            let until = *self
                .gate
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match until {
                Some(t) if t > Instant::now() => {
                    if t > call.deadline {
                        return Err(self.too_long("the rate-limit window ends later"));
                    }
                    let _shown = self.waits.enter(WaitKind::RateLimit, Some(t));
                    self.sleep_until(t, call).await?;
                }
                _ => return Ok(()),
            }
        }
    }

    /// Sleeps until `t`, unless the call is stopped first.
    async fn sleep_until(&self, t: Instant, call: &Call) -> Result<(), ApiError> {
        match &self.stop {
            None => {
                tokio::time::sleep_until(t).await;
                Ok(())
            }
            Some(stop) => tokio::select! {
                () = tokio::time::sleep_until(t) => Ok(()),
                () = stop.cancelled() => Err(ApiError::Cancelled { sent: call.replayed }),
            },
        }
    }

    pub(super) fn close_gate_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut g = self
            .gate
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if g.is_none_or(|t| t < until) {
            *g = Some(until);
        }
    }

    pub(super) fn backoff(&self, retry: u32) -> Duration {
        let base = millis(self.opts.base_backoff);
        let exp = base.saturating_mul(1u64 << retry.min(16));
        let capped = exp.min(millis(self.opts.max_backoff));
        // Full jitter in [capped/2, capped].
        let jitter = fastrand::u64(0..=capped / 2);
        Duration::from_millis(capped - jitter)
    }

    fn too_long(&self, why: &str) -> ApiError {
        ApiError::CallTooLong {
            limit: self.opts.max_call_time,
            why: why.to_owned(),
        }
    }

    /// Sends a request with the retry policy; returns any non-retryable reply. One call,
    /// attempts and waits included, ends within `max_call_time`; a stop ends every wait.
    pub(super) async fn send(
        &self,
        method: Method,
        url: url::Url,
        body: Option<&Value>,
    ) -> Result<Reply, ApiError> {
        let mut call = Call {
            deadline: Instant::now() + self.opts.max_call_time,
            retries: 0,
            waits: 0,
            replayed: false,
        };
        loop {
            self.wait_gate(&call).await?;
            if self.stop.as_ref().is_some_and(CancelHandle::is_cancelled) {
                return Err(ApiError::Cancelled {
                    sent: call.replayed,
                });
            }
            let left = call.deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(self.too_long("no time is left for another attempt"));
            }
            // Each attempt gets at most what is left of the call's time.
            let timeout = self.opts.request_timeout.min(left);
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .timeout(timeout)
                .header(reqwest::header::AUTHORIZATION, self.auth.clone())
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(b) = body {
                req = req.json(b);
            }
            match self.attempt(req, &url, timeout, &mut call).await {
                Next::Done(result) => return result,
                Next::Gate => {}
                Next::Retry { after, err } => {
                    if call.retries >= self.opts.max_retries {
                        return Err(err);
                    }
                    let d = self.backoff(call.retries);
                    call.retries += 1;
                    tracing::debug!(error = %err, retry = call.retries, delay_ms = millis(d), "retrying");
                    let until = Instant::now() + d;
                    if until > call.deadline {
                        return Err(self.too_long(&format!("the last attempt failed: {err}")));
                    }
                    let kind = WaitKind::Retry {
                        attempt: call.retries + 1,
                        of: self.opts.max_retries + 1,
                        after,
                    };
                    let _shown = self.waits.enter(kind, Some(until));
                    self.sleep_until(until, &call).await?;
                }
            }
        }
    }

    /// One attempt: sends, reads the answer (shown on the wait board while it is slow),
    /// and says what comes next.
    async fn attempt(
        &self,
        req: reqwest::RequestBuilder,
        url: &url::Url,
        timeout: Duration,
        call: &mut Call,
    ) -> Next {
        let answer = WaitKind::Answer {
            host: url.host_str().unwrap_or("?").to_owned(),
            timeout,
        };
        let shown = self.waits.enter(answer, None);
        let resp = match req.send().await {
            Ok(r) => r,
            Err(e) => {
                // The request may have been written before the connection failed.
                call.replayed = true;
                let err = ApiError::network(url, &e);
                let after = if e.is_timeout() {
                    "no answer in time"
                } else {
                    "the connection failed"
                };
                return Next::Retry {
                    after: after.to_owned(),
                    err,
                };
            }
        };
        let status = resp.status();
        if status.is_redirection() || resp.url().origin() != self.base.origin() {
            return Next::Done(Err(self.redirected(&resp)));
        }
        let headers = resp.headers().clone();
        let body_bytes = match self.read_body(resp).await {
            Err(too_large) => return Next::Done(Err(too_large)),
            Ok(Ok(b)) => b,
            Ok(Err(e)) => {
                call.replayed = true;
                return Next::Retry {
                    after: "the answer broke off".to_owned(),
                    err: ApiError::network(url, &e),
                };
            }
        };
        drop(shown);
        if status == StatusCode::TOO_MANY_REQUESTS {
            return self.throttled_by(&headers, &body_bytes, call);
        }
        if status == StatusCode::REQUEST_TIMEOUT || status.is_server_error() {
            call.replayed = true;
            return Next::Retry {
                after: format!("ImageKit answered {}", status.as_u16()),
                err: ApiError::from_status(status, &body_bytes),
            };
        }
        if status.is_success() {
            return Next::Done(Ok(Reply {
                status,
                body: body_bytes,
                replayed: call.replayed,
            }));
        }
        let mut err = ApiError::from_status(status, &body_bytes);
        if let ApiError::NotFound { replayed: r, .. } = &mut err {
            *r = call.replayed;
        }
        Next::Done(Err(err))
    }

    /// A 429: close the account's window for what the server asks (every call waits), or
    /// fail when the window is longer than anyone would wait or the call waited enough.
    fn throttled_by(&self, headers: &HeaderMap, body: &[u8], call: &mut Call) -> Next {
        let wait = rate_limit_wait(headers);
        self.throttled.fetch_add(1, Ordering::Relaxed);
        // A window no person would sit through fails now, with the server's figure.
        if wait > self.opts.max_rate_limit_window {
            return Next::Done(Err(ApiError::RateWindowTooLong {
                message: error_message(body),
                wait,
                max: self.opts.max_rate_limit_window,
            }));
        }
        if call.waits >= self.opts.max_rate_limit_waits {
            return Next::Done(Err(ApiError::RateLimited {
                message: error_message(body),
                retry_after: wait,
            }));
        }
        call.waits += 1;
        tracing::debug!(wait_ms = millis(wait), "rate limited; pausing all requests");
        self.close_gate_for(wait);
        Next::Gate
    }

    /// The body, chunk by chunk, refused past `max_body` (the outer error, not retried);
    /// the inner error is the connection failing while reading (retried).
    async fn read_body(
        &self,
        mut resp: reqwest::Response,
    ) -> Result<Result<bytes::Bytes, reqwest::Error>, ApiError> {
        let limit = self.opts.max_body;
        let too_large = || ApiError::TooLarge {
            host: self.base.host_str().unwrap_or("?").to_owned(),
            base: self.base.as_str().to_owned(),
            limit,
        };
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(too_large());
        }
        let mut buf = bytes::BytesMut::new();
        loop {
            match resp.chunk().await {
                Ok(Some(chunk)) => {
                    if (buf.len() + chunk.len()) as u64 > limit {
                        return Err(too_large());
                    }
                    buf.extend_from_slice(&chunk);
                }
                Ok(None) => return Ok(Ok(buf.freeze())),
                Err(e) => return Ok(Err(e)),
            }
        }
    }

    /// A 3xx the redirect policy stopped (or an answer from another origin): where it
    /// pointed, without query or credentials.
    fn redirected(&self, resp: &reqwest::Response) -> ApiError {
        let to = resp
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|l| l.to_str().ok())
            .and_then(|l| resp.url().join(l).ok())
            .or_else(|| (!resp.status().is_redirection()).then(|| resp.url().clone()))
            .map_or_else(
                || "nowhere (no usable Location header)".to_owned(),
                |u| {
                    let shown = format!("{}{}", u.origin().ascii_serialization(), u.path());
                    crate::text::untrusted(&shown, 200)
                },
            );
        ApiError::Redirected {
            status: resp.status().as_u16(),
            to,
            base: self.base.origin().ascii_serialization(),
        }
    }

    pub(super) fn parse<T: serde::de::DeserializeOwned>(
        reply: &Reply,
        context: &str,
    ) -> Result<T, ApiError> {
        serde_json::from_slice(&reply.body).map_err(|e| ApiError::Malformed {
            context: context.to_owned(),
            detail: crate::text::untrusted(&e.to_string(), 200),
        })
    }
}

/// A wait as a person reads it: `1.5 s`, `2 minutes`, `3 hours`, `365 days`.
pub(crate) fn human_wait(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        format!("{:.1} s", d.as_secs_f64())
    } else if s < 3600 {
        crate::text::count(usize::try_from(s / 60).unwrap_or(usize::MAX), "minute")
    } else if s < 86_400 {
        crate::text::count(usize::try_from(s / 3600).unwrap_or(usize::MAX), "hour")
    } else {
        crate::text::count(usize::try_from(s / 86_400).unwrap_or(usize::MAX), "day")
    }
}

/// How long a 429 asks us to wait: `retry-after-ms`, `Retry-After` (seconds), or
/// `ImageKit`'s `X-RateLimit-Reset` (milliseconds); one second if none is usable.
fn rate_limit_wait(h: &HeaderMap) -> Duration {
    let num = |name: &str| -> Option<f64> {
        h.get(name)?
            .to_str()
            .ok()?
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && *v >= 0.0)
    };
    let ms = num("retry-after-ms")
        .or_else(|| num("retry-after").map(|s| s * 1000.0))
        .or_else(|| num("x-ratelimit-reset"))
        .unwrap_or(1000.0);
    // Never hammer (at least 10 ms); a longer window than the client waits fails the call
    // (`max_rate_limit_window`), so only keep the figure in range (a year).
    let ms = ms.clamp(10.0, 31_536_000_000.0);
    // In [10, a year in ms] (clamped just above): the cast neither wraps nor loses a sign.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let ms = ms as u64;
    Duration::from_millis(ms)
}

/// A duration in whole milliseconds (saturating; no real duration comes near `u64::MAX`).
fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

fn error_message(body: &[u8]) -> String {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(b) => crate::text::untrusted(&b.message, 500),
        Err(_) => crate::text::untrusted(&String::from_utf8_lossy(body), 200),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn rate_limit_wait_prefers_explicit_hints_and_clamps() {
        let mut h = HeaderMap::new();
        assert_eq!(rate_limit_wait(&h), Duration::from_secs(1));
        h.insert("x-ratelimit-reset", HeaderValue::from_static("250"));
        assert_eq!(rate_limit_wait(&h), Duration::from_millis(250));
        h.insert("retry-after", HeaderValue::from_static("2"));
        assert_eq!(rate_limit_wait(&h), Duration::from_secs(2));
        h.insert("retry-after-ms", HeaderValue::from_static("0"));
        assert_eq!(rate_limit_wait(&h), Duration::from_millis(10));
        h.insert("retry-after-ms", HeaderValue::from_static("1e12"));
        assert_eq!(rate_limit_wait(&h), Duration::from_secs(31_536_000));
        assert_eq!(human_wait(Duration::from_secs(31_536_000)), "365 days");
        assert_eq!(human_wait(Duration::from_secs(120)), "2 minutes");
        assert_eq!(human_wait(Duration::from_millis(1500)), "1.5 s");
    }
}
