//! Test helpers: a real sandbox on an ephemeral loopback port and an HTTP client for it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use iktag::sandbox::faults::FaultConfig;
use iktag::sandbox::{Sandbox, SandboxConfig, SeedSource};
use serde_json::Value;

pub const KEY: &str = "private_test_key";

/// Ids of the fixture library (tests/fixtures/small-library.json).
pub const JACKET_FRONT: &str = "6500000000000000000000a1";
pub const JACKET_BACK: &str = "6500000000000000000000a2";
pub const LOGO: &str = "6500000000000000000000a3";
pub const LOOKBOOK: &str = "6500000000000000000000a4";
pub const HIKER: &str = "6500000000000000000000a5";
pub const AVATAR: &str = "6500000000000000000000a6";
/// Well-formed but unknown.
pub const UNKNOWN: &str = "6500000000000000000000ff";

pub fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small-library.json")
}

pub struct Harness {
    pub sandbox: Sandbox,
    pub http: reqwest::Client,
    pub base: String,
}

pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Harness {
    pub async fn start() -> Harness {
        Self::with(SeedSource::File(fixture()), FaultConfig::default()).await
    }

    /// A generated library of `files` files (the generator's `seed`), no faults.
    pub async fn generated(files: usize, seed: u64) -> Harness {
        Self::with(SeedSource::Generate { files, seed }, FaultConfig::default()).await
    }

    /// iktag's own API client for this sandbox, with short backoffs so retried calls do not
    /// slow the tests down.
    pub fn client(&self) -> iktag::api::Client {
        self.client_with(|_| {})
    }

    /// [`Harness::client`] with options changed by `tune` (e.g. no 429 waits).
    pub fn client_with(
        &self,
        tune: impl FnOnce(&mut iktag::api::ClientOptions),
    ) -> iktag::api::Client {
        let mut o = iktag::api::ClientOptions::new(url::Url::parse(&self.base).unwrap(), KEY);
        o.base_backoff = Duration::from_millis(5);
        o.max_backoff = Duration::from_millis(50);
        o.request_timeout = Duration::from_secs(10);
        tune(&mut o);
        iktag::api::Client::new(o).unwrap()
    }

    /// Empties the sandbox's request log (`DELETE /_sandbox/requests`).
    pub async fn reset_requests(&self) {
        let r = self
            .send(
                self.http
                    .delete(self.url("/_sandbox/requests"))
                    .basic_auth(KEY, None::<&str>),
            )
            .await;
        assert!(r.status < 300, "reset the request log: {}", r.body);
    }

    pub async fn with(seed: SeedSource, faults: FaultConfig) -> Harness {
        let mut cfg = SandboxConfig::ephemeral(KEY, seed);
        cfg.faults = faults;
        Harness::with_config(cfg).await
    }

    /// A sandbox started with this configuration (the key must be [`KEY`]).
    pub async fn with_config(cfg: SandboxConfig) -> Harness {
        let sandbox = Sandbox::start(cfg).await.expect("sandbox starts");
        let base = sandbox.base_url();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .expect("client");
        Harness {
            sandbox,
            http,
            base,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn send(&self, req: reqwest::RequestBuilder) -> Reply {
        let resp = req.send().await.expect("request reaches the sandbox");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let bytes = resp.bytes().await.expect("body");
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!(
                    "body is not JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            })
        };
        Reply {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(
            self.http
                .get(self.url(path))
                .basic_auth(KEY, Some("do_not_set")),
        )
        .await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(
            self.http
                .post(self.url(path))
                .basic_auth(KEY, None::<&str>)
                .json(&body),
        )
        .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Reply {
        self.send(
            self.http
                .patch(self.url(path))
                .basic_auth(KEY, None::<&str>)
                .json(&body),
        )
        .await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(
            self.http
                .delete(self.url(path))
                .basic_auth(KEY, None::<&str>),
        )
        .await
    }

    pub async fn put_faults(&self, cfg: Value) -> Reply {
        self.send(
            self.http
                .put(self.url("/_sandbox/faults"))
                .basic_auth(KEY, None::<&str>)
                .json(&cfg),
        )
        .await
    }

    /// GET /v1/files with a query string; returns the ids in order.
    pub async fn list_ids(&self, query: &str) -> Vec<String> {
        let r = self.get(&format!("/v1/files?{query}")).await;
        assert_eq!(r.status, 200, "list {query}: {}", r.body);
        ids(&r.body)
    }

    pub async fn details(&self, id: &str) -> Value {
        let r = self.get(&format!("/v1/files/{id}/details")).await;
        assert_eq!(r.status, 200, "details {id}: {}", r.body);
        r.body
    }
}

/// The `fileId`s (or `folderId`s) of a list response, in order.
/// Every file id of the library, listed through the client, in the server's order.
pub async fn all_ids(c: &iktag::api::Client) -> Vec<String> {
    c.list(iktag::api::ListQuery::default())
        .collect_files()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.file_id)
        .collect()
}

pub fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("list response is a bare array")
        .iter()
        .map(|v| {
            v.get("fileId")
                .or_else(|| v.get("folderId"))
                .and_then(Value::as_str)
                .expect("item has an id")
                .to_owned()
        })
        .collect()
}

/// Percent-encodes a searchQuery for a URL.
pub fn q(query: &str) -> String {
    form_urlencoded::byte_serialize(query.as_bytes()).collect()
}

pub fn strs(v: &Value) -> Vec<String> {
    match v {
        Value::Null => Vec::new(),
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().expect("string").to_owned())
            .collect(),
        other => panic!("expected an array of strings, got {other}"),
    }
}

/// How many of a file's AI tags (details JSON) came from this source.
pub fn ai_tags_from(details: &Value, source: &str) -> usize {
    details["AITags"]
        .as_array()
        .map_or(0, |a| a.iter().filter(|t| t["source"] == source).count())
}

// ------------------------------------------------------------- the binary, as scripts run it

#[path = "rogue.rs"]
pub mod rogue;

/// `iktag` against the harness's sandbox, with its own config and state directory, logging
/// at debug level (so tests see that not even debug logs carry the key).
pub fn iktag(h: &Harness, state: &Path) -> Command {
    let mut c = rogue::iktag_at(Some(&h.base), KEY, state);
    c.env("IKTAG_LOG", "debug");
    c
}

/// The command exited 0 (its stderr is the failure message otherwise).
pub fn succeeded(out: &Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

pub async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("iktag runs"))
        .await
        .unwrap()
}

pub fn lines(o: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect()
}

// ------------------------------------------------------------- what the sandbox injected

impl Harness {
    /// `GET /_sandbox/requests/detail`: the recent `/v1` requests with their times and faults.
    pub async fn request_detail(&self) -> Vec<iktag::sandbox::requests::DetailedRequest> {
        let r = self.get("/_sandbox/requests/detail").await;
        assert_eq!(r.status, 200, "request detail: {}", r.body);
        serde_json::from_value(r.body["recent"].clone()).expect("request detail shape")
    }

    /// The `injected` counters of `GET /_sandbox/faults` (since the last `PUT`).
    pub async fn injected(&self) -> iktag::sandbox::faults::InjectedCounts {
        let r = self.get("/_sandbox/faults").await;
        assert_eq!(r.status, 200, "faults: {}", r.body);
        serde_json::from_value(r.body["injected"].clone()).expect("injected counters")
    }

    /// Waits (up to 10 s) until the sandbox has answered every `/v1` request it received,
    /// e.g. one a killed client left in flight; needs fewer than 1000 since the last reset.
    pub async fn wait_until_answered(&self) {
        eventually(
            Duration::from_secs(10),
            "every request answered",
            || async {
                let r = self.get("/_sandbox/requests").await.body;
                r["total"].as_u64() == Some(r["recent"].as_array().map_or(0, Vec::len) as u64)
            },
        )
        .await;
    }
}

/// Polls `check` every 20 ms until it holds; panics naming `what` after `within`.
pub async fn eventually<F, Fut>(within: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = tokio::time::Instant::now() + within;
    while !check().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "not within {within:?}: {what}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub const HELP: &str = "For support kindly contact us at support@imagekit.io.";

/// An error reply: its status, the documented message and help text, as JSON.
pub fn assert_error(r: &Reply, status: u16, message: &str) {
    assert_eq!(r.status, status, "body: {}", r.body);
    assert_eq!(r.body["message"], message, "body: {}", r.body);
    assert_eq!(r.body["help"], HELP);
    assert_eq!(
        r.headers["content-type"], "application/json",
        "errors are JSON"
    );
}
