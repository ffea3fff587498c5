//! The `ImageKit` client: every call iktag makes to `ImageKit` goes through here.
//!
//! One pooled reqwest client (rustls), typed errors carrying the server's message, bulk
//! outcomes that keep 207 per-file errors, and retries:
//! - 429: every request of this client waits out `X-RateLimit-Reset` (or `Retry-After` /
//!   `retry-after-ms`), so a whole job slows to the server's window, not just one call;
//! - 408, 5xx, timeouts, connection errors: exponential backoff with jitter, bounded.
//!
//! A retried call may have reached the server the first time; [`Reply::replayed`] says so,
//! so callers can read a later 404 for ids "already gone" honestly.
//!
//! Listings are pipelined: a [`Pager`] keeps several page requests in flight (and
//! [`Client::details_of`] several searches), hands pages out strictly in order, and shrinks
//! its window when the account is rate limited (`flight.rs`).

mod error;
mod flight;
mod pager;
mod request;
mod stop;
mod waits;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::HeaderValue;
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

pub use self::error::ApiError;
pub use self::pager::{DETAILS_CHUNK, LIST_IN_FLIGHT, ListQuery, Pager, Undecodable};
pub use self::stop::CancelHandle;
pub use self::waits::{SHOWN_AFTER, WaitKind, Waiting, countdown};
use crate::model::{
    BulkDeleteResponse, BulkUpdateResponse, CustomMetadataField, FileDetails, FileError,
};

/// How the client connects and retries.
#[derive(Clone)]
pub struct ClientOptions {
    pub base_url: url::Url,
    pub key: String,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Retries after 408 / 5xx / network errors.
    pub max_retries: u32,
    /// The longest one call may take, every attempt and wait included.
    pub max_call_time: Duration,
    /// How many 429s one call may wait out before giving up.
    pub max_rate_limit_waits: u32,
    /// The longest rate-limit window waited out; a 429 asking for more fails the call.
    pub max_rate_limit_window: Duration,
    /// First backoff delay; doubles per retry up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// The largest answer body read (success or error); past it the call fails.
    pub max_body: u64,
    /// The most files (and folders) one listing hands out before it fails.
    pub max_listing: usize,
}

impl std::fmt::Debug for ClientOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientOptions")
            .field("base_url", &self.base_url.as_str())
            .field("key", &"(redacted)")
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

impl ClientOptions {
    pub fn new(base_url: url::Url, key: impl Into<String>) -> Self {
        ClientOptions {
            base_url,
            key: key.into(),
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_retries: 4,
            max_call_time: Duration::from_secs(600),
            max_rate_limit_waits: 30,
            max_rate_limit_window: Duration::from_secs(120),
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
            max_body: 64 * 1024 * 1024,
            max_listing: 5_000_000,
        }
    }
}

/// The `ImageKit` API client. Cheap to clone; clones share the connection pool and the
/// rate-limit window.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: url::Url,
    auth: HeaderValue,
    opts: Arc<ClientOptions>,
    gate: Arc<Mutex<Option<Instant>>>,
    /// 429 replies this client (and its clones) got: listings shrink their window on a new one.
    throttled: Arc<AtomicU64>,
    /// Ends every wait of this client's calls at once (see [`Client::stopped_by`]).
    stop: Option<CancelHandle>,
    /// The waits of this client and its clones, for a person to see.
    waits: waits::Board,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

/// A successful HTTP exchange.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub body: bytes::Bytes,
    /// True if an earlier attempt of this call may have reached the server.
    pub replayed: bool,
}

/// The outcome of a bulk call that the server accepted (200 or 207).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BulkOutcome {
    pub succeeded: Vec<String>,
    /// Per-file failures of a 207, with the server's text (escaped).
    pub failed: Vec<FileError>,
    pub partial: bool,
    pub replayed: bool,
}

/// A PATCH /details reply: the file as it is now, and the state of each extension the
/// request ran (`success`, `pending` — the result will come later —, or `failed`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Patched {
    #[serde(flatten)]
    pub file: FileDetails,
    #[serde(rename = "extensionStatus", default)]
    pub extension_status: std::collections::BTreeMap<String, String>,
}

/// `removeAITags`: some names, or all.
#[derive(Debug, Clone, PartialEq)]
pub enum RemoveAiTags {
    All,
    Names(Vec<String>),
}

/// A PATCH /details body. `None` leaves a field alone; `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UpdateRequest {
    pub tags: Option<Option<Vec<String>>>,
    pub custom_coordinates: Option<Option<String>>,
    /// Merged; a `null` value unsets that key.
    pub custom_metadata: Option<Map<String, Value>>,
    pub remove_ai_tags: Option<RemoveAiTags>,
    pub description: Option<String>,
    /// `(source, maxTags, minConfidence)` auto-tagging extensions.
    pub auto_tag: Vec<(String, u32, u32)>,
    pub webhook_url: Option<String>,
    /// `{"publish": {...}}` is a request of its own.
    pub publish: Option<(bool, Option<bool>)>,
}

impl UpdateRequest {
    pub fn to_json(&self) -> Value {
        if let Some((is_published, versions)) = self.publish {
            let mut p = json!({"isPublished": is_published});
            if let (Some(v), Some(obj)) = (versions, p.as_object_mut()) {
                obj.insert("includeFileVersions".into(), Value::Bool(v));
            }
            return json!({ "publish": p });
        }
        let mut m = Map::new();
        if let Some(t) = &self.tags {
            m.insert("tags".into(), json!(t));
        }
        if let Some(c) = &self.custom_coordinates {
            m.insert("customCoordinates".into(), json!(c));
        }
        if let Some(meta) = &self.custom_metadata {
            m.insert("customMetadata".into(), Value::Object(meta.clone()));
        }
        match &self.remove_ai_tags {
            Some(RemoveAiTags::All) => {
                m.insert("removeAITags".into(), json!("all"));
            }
            Some(RemoveAiTags::Names(n)) => {
                m.insert("removeAITags".into(), json!(n));
            }
            None => {}
        }
        if let Some(d) = &self.description {
            m.insert("description".into(), json!(d));
        }
        if !self.auto_tag.is_empty() {
            let exts: Vec<Value> = self
                .auto_tag
                .iter()
                .map(|(name, max, min)| json!({"name": name, "maxTags": max, "minConfidence": min}))
                .collect();
            m.insert("extensions".into(), Value::Array(exts));
        }
        if let Some(w) = &self.webhook_url {
            m.insert("webhookUrl".into(), json!(w));
        }
        Value::Object(m)
    }
}

/// Is this host a loopback address (`127.0.0.0/8`, `::1`, `localhost`)?
/// May the API client follow a redirect to `to`? Only within the configured origin:
/// scheme, host and port (so never to another host, another port, or https → http).
fn may_follow(origin: &url::Origin, to: &url::Url) -> bool {
    to.origin() == *origin
}

pub fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

impl Client {
    pub fn new(opts: ClientOptions) -> Result<Client, ApiError> {
        let scheme = opts.base_url.scheme();
        if scheme != "https" && !(scheme == "http" && is_loopback(&opts.base_url)) {
            return Err(ApiError::Config(format!(
                "refusing to send the private key over {scheme}:// to {}; use https:// (plain http is only allowed for loopback addresses such as the sandbox)",
                opts.base_url.host_str().unwrap_or("?")
            )));
        }
        if opts.key.trim().is_empty() {
            return Err(ApiError::Config("the ImageKit private key is empty".into()));
        }
        // Redirects: only within the configured origin (scheme, host and port), so the key
        // never follows one elsewhere and https never becomes http; a refused one reaches
        // `send` as the 3xx itself.
        let origin = opts.base_url.origin();
        let policy = reqwest::redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= 5 {
                attempt.error("more than 5 redirects")
            } else if may_follow(&origin, attempt.url()) {
                attempt.follow()
            } else {
                attempt.stop()
            }
        });
        let http = reqwest::Client::builder()
            .redirect(policy)
            .user_agent(concat!("iktag/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(opts.connect_timeout)
            .timeout(opts.request_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .build()
            .map_err(|e| ApiError::Config(format!("cannot build the HTTP client: {e}")))?;
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{}:", opts.key));
        let mut auth = HeaderValue::from_str(&format!("Basic {token}")).map_err(|_| {
            ApiError::Config(
                "the private key contains characters that cannot be sent in a header".into(),
            )
        })?;
        auth.set_sensitive(true);
        let mut base = opts.base_url.clone();
        if !base.path().ends_with('/') {
            let p = format!("{}/", base.path());
            base.set_path(&p);
        }
        Ok(Client {
            http,
            base,
            auth,
            opts: Arc::new(opts),
            gate: Arc::new(Mutex::new(None)),
            throttled: Arc::new(AtomicU64::new(0)),
            stop: None,
            waits: waits::Board::default(),
        })
    }

    /// This client, its calls governed by `stop`: once it is cancelled no call starts and
    /// every wait (rate-limit window, retry backoff) ends at once with
    /// [`ApiError::Cancelled`]; an answer already on its way is still read. Shares the
    /// connections, the rate-limit window and the wait board with `self`.
    #[must_use]
    pub fn stopped_by(&self, stop: &CancelHandle) -> Client {
        Client {
            stop: Some(stop.clone()),
            ..self.clone()
        }
    }

    /// What this client's calls (and its clones') are waiting for, when it is worth
    /// showing to a person (longer than [`SHOWN_AFTER`]).
    pub fn waiting(&self) -> Option<Waiting> {
        self.waits.worth_showing(Instant::now())
    }

    /// How many 429s this client and its clones have had (a listing's window watches it).
    fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }

    pub fn base_url(&self) -> &url::Url {
        &self.base
    }

    fn url(&self, segments: &[&str]) -> url::Url {
        let mut u = self.base.clone();
        if let Ok(mut p) = u.path_segments_mut() {
            p.pop_if_empty().extend(segments);
        }
        u
    }

    pub async fn get_details(&self, file_id: &str) -> Result<FileDetails, ApiError> {
        let reply = self
            .send(
                Method::GET,
                self.url(&["v1", "files", file_id, "details"]),
                None,
            )
            .await?;
        Self::parse(&reply, "file details")
    }

    pub async fn update_details(
        &self,
        file_id: &str,
        req: &UpdateRequest,
    ) -> Result<FileDetails, ApiError> {
        self.update_details_json(file_id, &req.to_json()).await
    }

    /// PATCH /details with a prepared body (see [`UpdateRequest::to_json`]).
    pub async fn update_details_json(
        &self,
        file_id: &str,
        body: &Value,
    ) -> Result<FileDetails, ApiError> {
        self.patch_details(file_id, body).await
    }

    /// PATCH /details and also read the `extensionStatus` of the reply (extension name →
    /// `success` / `pending` / `failed`; empty when the body asked for no extension).
    pub async fn update_details_ext(
        &self,
        file_id: &str,
        body: &Value,
    ) -> Result<Patched, ApiError> {
        self.patch_details(file_id, body).await
    }

    async fn patch_details<T: serde::de::DeserializeOwned>(
        &self,
        file_id: &str,
        body: &Value,
    ) -> Result<T, ApiError> {
        let reply = self
            .send(
                Method::PATCH,
                self.url(&["v1", "files", file_id, "details"]),
                Some(body),
            )
            .await?;
        Self::parse(&reply, "updated file details")
    }

    async fn bulk_tags(
        &self,
        endpoint: &str,
        key: &str,
        ids: &[String],
        tags: &[String],
    ) -> Result<BulkOutcome, ApiError> {
        let body = json!({ "fileIds": ids, key: tags });
        let reply = self
            .send(
                Method::POST,
                self.url(&["v1", "files", endpoint]),
                Some(&body),
            )
            .await?;
        let r: BulkUpdateResponse = Self::parse(&reply, endpoint)?;
        Ok(outcome(r.successfully_updated_file_ids, r.errors, &reply))
    }

    pub async fn add_tags(&self, ids: &[String], tags: &[String]) -> Result<BulkOutcome, ApiError> {
        self.bulk_tags("addTags", "tags", ids, tags).await
    }

    pub async fn remove_tags(
        &self,
        ids: &[String],
        tags: &[String],
    ) -> Result<BulkOutcome, ApiError> {
        self.bulk_tags("removeTags", "tags", ids, tags).await
    }

    pub async fn remove_ai_tags(
        &self,
        ids: &[String],
        names: &[String],
    ) -> Result<BulkOutcome, ApiError> {
        self.bulk_tags("removeAITags", "AITags", ids, names).await
    }

    /// Deletes one file. A 404 after a replayed attempt means an earlier attempt deleted it.
    pub async fn delete(&self, file_id: &str) -> Result<bool, ApiError> {
        match self
            .send(Method::DELETE, self.url(&["v1", "files", file_id]), None)
            .await
        {
            Ok(r) => Ok(r.replayed),
            Err(e) => Err(e),
        }
    }

    pub async fn bulk_delete(&self, ids: &[String]) -> Result<BulkOutcome, ApiError> {
        let body = json!({ "fileIds": ids });
        let reply = self
            .send(
                Method::POST,
                self.url(&["v1", "files", "batch", "deleteByFileIds"]),
                Some(&body),
            )
            .await?;
        let r: BulkDeleteResponse = Self::parse(&reply, "bulk delete")?;
        Ok(outcome(r.successfully_deleted_file_ids, r.errors, &reply))
    }

    /// Creates a custom metadata field: `{name, label, schema: {type, ...}}`.
    pub async fn create_custom_metadata_field(
        &self,
        name: &str,
        label: &str,
        schema: &crate::model::FieldSchema,
    ) -> Result<CustomMetadataField, ApiError> {
        let body = json!({"name": name, "label": label, "schema": schema});
        let reply = self
            .send(
                Method::POST,
                self.url(&["v1", "customMetadataFields"]),
                Some(&body),
            )
            .await?;
        Self::parse(&reply, "custom metadata field")
    }

    pub async fn custom_metadata_fields(&self) -> Result<Vec<CustomMetadataField>, ApiError> {
        let reply = self
            .send(Method::GET, self.url(&["v1", "customMetadataFields"]), None)
            .await?;
        Self::parse(&reply, "custom metadata fields")
    }
}

fn outcome(succeeded: Vec<String>, errors: Vec<FileError>, reply: &Reply) -> BulkOutcome {
    BulkOutcome {
        succeeded,
        failed: errors
            .into_iter()
            .map(|e| FileError {
                file_id: e.file_id,
                error: crate::text::untrusted(&e.error, 300),
            })
            .collect(),
        partial: reply.status == StatusCode::MULTI_STATUS,
        replayed: reply.replayed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirects_are_followed_only_within_the_origin() {
        let base = url::Url::parse("https://api.imagekit.io/").unwrap();
        let origin = base.origin();
        let to = |u: &str| may_follow(&origin, &url::Url::parse(u).unwrap());
        assert!(to("https://api.imagekit.io/v1/files?skip=0"));
        assert!(
            to("https://api.imagekit.io:443/v1/files"),
            "the default port is the same"
        );
        assert!(
            !to("http://api.imagekit.io/v1/files"),
            "https never becomes http"
        );
        assert!(!to("https://api.imagekit.io:8443/v1/files"), "another port");
        assert!(!to("https://evil.example/v1/files"), "another host");
        assert!(
            !to("https://upload.imagekit.io/v1/files"),
            "another host of ImageKit"
        );
    }

    #[test]
    fn plain_http_only_for_loopback() {
        let key = "private_k";
        for ok in [
            "http://127.0.0.1:9/",
            "http://[::1]:9",
            "http://localhost:9",
            "https://api.imagekit.io",
        ] {
            assert!(
                Client::new(ClientOptions::new(url::Url::parse(ok).unwrap(), key)).is_ok(),
                "{ok}"
            );
        }
        let e = Client::new(ClientOptions::new(
            url::Url::parse("http://example.com").unwrap(),
            key,
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("https://") && !e.contains(key), "{e}");
    }

    #[test]
    fn update_request_serialises_nulls_and_publish_alone() {
        let r = UpdateRequest {
            tags: Some(None),
            custom_coordinates: Some(Some("1,2,3,4".into())),
            remove_ai_tags: Some(RemoveAiTags::All),
            auto_tag: vec![("google-auto-tagging".into(), 5, 80)],
            ..Default::default()
        };
        assert_eq!(
            r.to_json(),
            json!({"tags": null, "customCoordinates": "1,2,3,4", "removeAITags": "all",
                   "extensions": [{"name": "google-auto-tagging", "maxTags": 5, "minConfidence": 80}]})
        );
        let p = UpdateRequest {
            publish: Some((false, Some(true))),
            tags: Some(Some(vec!["x".into()])),
            ..Default::default()
        };
        assert_eq!(
            p.to_json(),
            json!({"publish": {"isPublished": false, "includeFileVersions": true}})
        );
    }
}
