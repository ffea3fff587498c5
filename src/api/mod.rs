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

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::{Map, Value, json};
use tokio::time::Instant;

pub use self::error::ApiError;
use self::flight::{InFlight, Tasks};
use crate::model::{
    Asset, BulkDeleteResponse, BulkUpdateResponse, CustomMetadataField, ErrorBody, FileDetails,
    FileError,
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
    /// How many 429s one call may wait out before giving up.
    pub max_rate_limit_waits: u32,
    /// First backoff delay; doubles per retry up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
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
            max_rate_limit_waits: 30,
            base_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(8),
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

/// How many list requests a listing keeps in flight unless told otherwise
/// ([`ListQuery::in_flight`], [`Client::details_of_with`]).
pub const LIST_IN_FLIGHT: usize = 4;

/// Ids per `id IN [...]` search in [`Client::details_of`] (keeps the URL well under 8 KB).
pub const DETAILS_CHUNK: usize = 100;

/// Parameters of `GET /v1/files`. The default sort is `ASC_CREATED`, which is stable
/// enough for `skip` paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub search_query: Option<String>,
    pub path: Option<String>,
    pub sort: String,
    pub kind: Option<String>,
    pub file_type: Option<String>,
    pub page_size: usize,
    pub skip: usize,
    /// Stop after this many items (`None`: everything).
    pub max_items: Option<usize>,
    /// Page requests kept in flight at most (at least 1; default [`LIST_IN_FLIGHT`]).
    pub in_flight: usize,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            search_query: None,
            path: None,
            sort: "ASC_CREATED".into(),
            kind: None,
            file_type: None,
            page_size: 1000,
            skip: 0,
            max_items: None,
            in_flight: LIST_IN_FLIGHT,
        }
    }
}

/// Walks a listing page by page, keeping up to [`ListQuery::in_flight`] page requests in
/// flight. Pages come out strictly in order; the first page shorter than the limit it asked
/// for ends the listing, and pages already requested past it are dropped unread. The first
/// page goes out alone (a listing that fits one page costs one request); once it is full,
/// the window opens. The first failing page ends the listing with its error, after the
/// pages before it. Dropping the pager cancels what is still in flight; `fetched()` is the
/// progress.
pub struct Pager {
    client: Client,
    query: Arc<ListQuery>,
    /// Skip of the next page to request.
    next_skip: usize,
    /// Items asked for so far (for `max_items`).
    requested: usize,
    /// Requests in flight, oldest first, with the limit each asked for. Each page is parsed
    /// when it is handed out, one at a time (parsing several at once on several threads
    /// leaves the allocator holding more memory, for no gain while waiting on the network).
    pending: Tasks<(usize, Result<Reply, ApiError>)>,
    window: InFlight,
    /// A full page has been handed out: the window may open past the first request.
    opened: bool,
    fetched: usize,
    done: bool,
}

impl Pager {
    /// The next page, or `None` when the listing is exhausted.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Asset>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        self.fill();
        let Some(next) = self.pending.next().await else {
            // Nothing left to ask for (`max_items` reached exactly).
            self.done = true;
            return Ok(None);
        };
        let parsed = next.and_then(|(limit, reply)| {
            Ok((limit, Client::parse::<Vec<Asset>>(&reply?, "file list")?))
        });
        let (limit, mut page) = match parsed {
            Ok(page) => page,
            Err(e) => {
                self.done = true;
                self.pending.abort_all();
                return Err(e);
            }
        };
        // A server that sends more than asked must not shift the pages after it.
        page.truncate(limit);
        self.fetched += page.len();
        if page.len() < limit {
            self.done = true;
            // Requests past the end: let them finish (they are sent) and drop their pages.
            self.pending.detach_all();
        } else {
            self.opened = true;
            self.window.observe(self.client.throttled());
        }
        if page.is_empty() {
            return Ok(None);
        }
        Ok(Some(page))
    }

    /// Sends page requests until the window is full or nothing is left to ask for.
    fn fill(&mut self) {
        let cap = if self.opened { self.window.size() } else { 1 };
        while self.pending.len() < cap {
            let mut limit = self.query.page_size.clamp(1, 1000);
            if let Some(max) = self.query.max_items {
                limit = limit.min(max.saturating_sub(self.requested));
            }
            if limit == 0 {
                return;
            }
            let (client, query, skip) = (self.client.clone(), self.query.clone(), self.next_skip);
            self.pending
                .spawn(async move { (limit, client.list_page(&query, skip, limit).await) });
            self.next_skip += limit;
            self.requested += limit;
        }
    }

    pub fn fetched(&self) -> usize {
        self.fetched
    }

    /// All remaining files (folders are skipped).
    pub async fn collect_files(mut self) -> Result<Vec<FileDetails>, ApiError> {
        let mut out = Vec::new();
        while let Some(page) = self.next_page().await? {
            out.extend(page.into_iter().filter_map(|a| match a {
                Asset::File(f) => Some(*f),
                Asset::Folder(_) => None,
            }));
        }
        Ok(out)
    }
}

/// Is this host a loopback address (`127.0.0.0/8`, `::1`, `localhost`)?
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
        let http = reqwest::Client::builder()
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
        })
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

    /// Waits while the account is rate limited.
    async fn wait_gate(&self) {
        loop {
            let until = *self
                .gate
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            match until {
                Some(t) if t > Instant::now() => tokio::time::sleep_until(t).await,
                _ => return,
            }
        }
    }

    fn close_gate_for(&self, wait: Duration) {
        let until = Instant::now() + wait;
        let mut g = self
            .gate
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if g.is_none_or(|t| t < until) {
            *g = Some(until);
        }
    }

    fn backoff(&self, retry: u32) -> Duration {
        let base = millis(self.opts.base_backoff);
        let exp = base.saturating_mul(1u64 << retry.min(16));
        let capped = exp.min(millis(self.opts.max_backoff));
        // Full jitter in [capped/2, capped].
        let jitter = fastrand::u64(0..=capped / 2);
        Duration::from_millis(capped - jitter)
    }

    /// Sends a request with the retry policy; returns any non-retryable reply.
    async fn send(
        &self,
        method: Method,
        url: url::Url,
        body: Option<&Value>,
    ) -> Result<Reply, ApiError> {
        let mut retries = 0u32;
        let mut waits = 0u32;
        let mut replayed = false;
        loop {
            self.wait_gate().await;
            let mut req = self
                .http
                .request(method.clone(), url.clone())
                .header(reqwest::header::AUTHORIZATION, self.auth.clone())
                .header(reqwest::header::ACCEPT, "application/json");
            if let Some(b) = body {
                req = req.json(b);
            }
            let result = req.send().await;
            let resp = match result {
                Ok(r) => r,
                Err(e) => {
                    let err = ApiError::network(&url, &e);
                    // The request may have been written before the connection failed.
                    replayed = true;
                    if retries < self.opts.max_retries {
                        let d = self.backoff(retries);
                        retries += 1;
                        tracing::debug!(error = %err, retry = retries, delay_ms = millis(d), "retrying");
                        tokio::time::sleep(d).await;
                        continue;
                    }
                    return Err(err);
                }
            };
            let status = resp.status();
            let headers = resp.headers().clone();
            let body_bytes = match resp.bytes().await {
                Ok(b) => b,
                Err(e) => {
                    replayed = true;
                    if retries < self.opts.max_retries {
                        let d = self.backoff(retries);
                        retries += 1;
                        tokio::time::sleep(d).await;
                        continue;
                    }
                    return Err(ApiError::network(&url, &e));
                }
            };
            if status == StatusCode::TOO_MANY_REQUESTS {
                let wait = rate_limit_wait(&headers);
                self.throttled.fetch_add(1, Ordering::Relaxed);
                if waits < self.opts.max_rate_limit_waits {
                    waits += 1;
                    tracing::debug!(wait_ms = millis(wait), "rate limited; pausing all requests");
                    self.close_gate_for(wait);
                    continue;
                }
                return Err(ApiError::RateLimited {
                    message: error_message(&body_bytes),
                    retry_after: wait,
                });
            }
            if (status == StatusCode::REQUEST_TIMEOUT || status.is_server_error())
                && retries < self.opts.max_retries
            {
                replayed = true;
                let d = self.backoff(retries);
                retries += 1;
                tracing::debug!(status = status.as_u16(), retry = retries, "retrying");
                tokio::time::sleep(d).await;
                continue;
            }
            if status.is_success() {
                return Ok(Reply {
                    status,
                    body: body_bytes,
                    replayed,
                });
            }
            let mut err = ApiError::from_status(status, &body_bytes);
            if let ApiError::NotFound { replayed: r, .. } = &mut err {
                *r = replayed;
            }
            return Err(err);
        }
    }

    fn parse<T: serde::de::DeserializeOwned>(reply: &Reply, context: &str) -> Result<T, ApiError> {
        serde_json::from_slice(&reply.body).map_err(|e| ApiError::Malformed {
            context: context.to_owned(),
            detail: crate::text::untrusted(&e.to_string(), 200),
        })
    }

    async fn list_page(&self, q: &ListQuery, skip: usize, limit: usize) -> Result<Reply, ApiError> {
        let mut url = self.url(&["v1", "files"]);
        {
            let mut qp = url.query_pairs_mut();
            if let Some(s) = &q.search_query {
                qp.append_pair("searchQuery", s);
            }
            if let Some(p) = &q.path {
                qp.append_pair("path", p);
            }
            if let Some(t) = &q.kind {
                qp.append_pair("type", t);
            }
            if let Some(t) = &q.file_type {
                qp.append_pair("fileType", t);
            }
            qp.append_pair("sort", &q.sort);
            qp.append_pair("limit", &limit.to_string());
            qp.append_pair("skip", &skip.to_string());
        }
        self.send(Method::GET, url, None).await
    }

    /// A pager over `GET /v1/files`.
    pub fn list(&self, query: ListQuery) -> Pager {
        Pager {
            client: self.clone(),
            next_skip: query.skip,
            requested: 0,
            pending: Tasks::default(),
            window: InFlight::new(query.in_flight, self.throttled()),
            opened: false,
            query: Arc::new(query),
            fetched: 0,
            done: false,
        }
    }

    /// Current details of many files, [`DETAILS_CHUNK`] ids per search (`id IN [...]`),
    /// [`LIST_IN_FLIGHT`] searches in flight. Ids that do not exist are simply absent from
    /// the result.
    pub async fn details_of(&self, ids: &[String]) -> Result<Vec<FileDetails>, ApiError> {
        self.details_of_with(ids, LIST_IN_FLIGHT).await
    }

    /// [`details_of`](Self::details_of) with up to `in_flight` searches at once. The result
    /// is the same whatever `in_flight` is: chunk by chunk in order, each in the server's
    /// order; the first failing chunk (in order) is the error.
    pub async fn details_of_with(
        &self,
        ids: &[String],
        in_flight: usize,
    ) -> Result<Vec<FileDetails>, ApiError> {
        let mut chunks = ids.chunks(DETAILS_CHUNK);
        let mut window = InFlight::new(in_flight, self.throttled());
        let mut pending = Tasks::default();
        let mut out = Vec::with_capacity(ids.len());
        loop {
            while pending.len() < window.size() {
                let Some(chunk) = chunks.next() else { break };
                let list: Vec<String> = chunk
                    .iter()
                    .map(|id| serde_json::Value::String(id.clone()).to_string())
                    .collect();
                let pager = self.list(ListQuery {
                    search_query: Some(format!("id IN [{}]", list.join(", "))),
                    ..Default::default()
                });
                pending.spawn(pager.collect_files());
            }
            match pending.next().await {
                None => return Ok(out),
                Some(Ok(Ok(files))) => out.extend(files),
                // Dropping `pending` cancels the searches after the failed one.
                Some(Ok(Err(e)) | Err(e)) => return Err(e),
            }
            window.observe(self.throttled());
        }
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
    // Never hammer (at least 10 ms), never sleep absurdly long on a bad header (10 min).
    let ms = ms.clamp(10.0, 600_000.0);
    // In [10, 600000] (clamped just above): the cast neither wraps nor loses a sign.
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
        assert_eq!(rate_limit_wait(&h), Duration::from_secs(600));
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
