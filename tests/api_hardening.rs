//! The API client against misbehaving servers (small axum servers on loopback): paging
//! that would never end, pages longer than asked, answers too large to hold, redirects to
//! another origin. Each misbehaviour ends in a clear error, with requests, time and memory
//! bounded.

use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use iktag::api::{ApiError, Client, ClientOptions, LIST_IN_FLIGHT, ListQuery};
use serde_json::{Value, json};

const KEY: &str = "private_hardening_key";

#[path = "common/rogue.rs"]
mod rogue;
use rogue::{iktag_at, serve};

fn client(base: &str, tune: impl FnOnce(&mut ClientOptions)) -> Client {
    rogue::client(base, KEY, |o| {
        o.request_timeout = Duration::from_secs(20);
        tune(o);
    })
}

fn file(id: usize) -> Value {
    json!({
        "fileId": format!("file{id:06}"), "type": "file", "name": format!("f{id}.jpg"),
        "filePath": format!("/f{id}.jpg"), "tags": ["t"],
        "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"
    })
}

fn limit_of(q: &std::collections::HashMap<String, String>) -> usize {
    q.get("limit").and_then(|l| l.parse().ok()).unwrap_or(1000)
}

/// `GET /v1/files` answered by `page(limit, skip)`, counting requests.
fn listing(
    hits: Arc<AtomicUsize>,
    page: impl Fn(usize, usize) -> Vec<Value> + Clone + Send + Sync + 'static,
) -> Router {
    Router::new().route(
        "/v1/files",
        get(
            move |Query(q): Query<std::collections::HashMap<String, String>>| async move {
                hits.fetch_add(1, Ordering::SeqCst);
                let skip = q.get("skip").and_then(|s| s.parse().ok()).unwrap_or(0);
                axum::Json(Value::Array(page(limit_of(&q), skip)))
            },
        ),
    )
}

/// Every page the pager hands out until it ends; the error, if any.
async fn drain(c: &Client, q: ListQuery) -> (usize, Option<ApiError>) {
    let mut pager = c.list(q);
    let mut n = 0;
    let run = async {
        loop {
            match pager.next_page().await {
                Ok(Some(p)) => n += p.len(),
                Ok(None) => return None,
                Err(e) => return Some(e),
            }
        }
    };
    let err = tokio::time::timeout(Duration::from_secs(20), run)
        .await
        .expect("the listing ends");
    (n, err)
}

#[tokio::test]
async fn a_server_that_ignores_skip_ends_the_listing_after_the_first_repeated_page() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = serve(listing(hits.clone(), |limit, _skip| {
        (0..limit).map(file).collect()
    }))
    .await;
    let c = client(&base, |_| {});
    let t = Instant::now();
    let (n, err) = drain(&c, ListQuery::default()).await;
    let err = err.expect("an error").to_string();
    assert!(
        err.contains("the same 1000 files again for skip 1000")
            && err.contains("ignore `skip`")
            && err.contains(&base),
        "{err}"
    );
    assert_eq!(n, 1000, "the first page only");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let requests = hits.load(Ordering::SeqCst);
    assert!(
        requests <= 1 + LIST_IN_FLIGHT,
        "{requests} requests: the first page, then one window"
    );
    eprintln!("skip ignored: {requests} requests, {:?}", t.elapsed());
}

#[tokio::test]
async fn a_page_longer_than_its_limit_is_an_error() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = serve(listing(hits.clone(), |limit, skip| {
        (skip..=skip + limit).map(file).collect()
    }))
    .await;
    let c = client(&base, |_| {});
    let (n, err) = drain(
        &c,
        ListQuery {
            page_size: 10,
            ..Default::default()
        },
    )
    .await;
    let err = err.expect("an error").to_string();
    assert!(
        err.contains("the server sent 11 files for limit 10 (skip 0)"),
        "{err}"
    );
    assert_eq!(n, 0);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn an_endless_listing_stops_at_the_cap() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = serve(listing(hits.clone(), |limit, skip| {
        (skip..skip + limit).map(file).collect()
    }))
    .await;
    let c = client(&base, |o| o.max_listing = 2500);
    let (n, err) = drain(&c, ListQuery::default()).await;
    let err = err.expect("an error").to_string();
    assert!(
        err.contains("the listing passed 2500 files (the cap for one listing)"),
        "{err}"
    );
    assert_eq!(n, 2000, "the pages within the cap");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(hits.load(Ordering::SeqCst) <= 3 + LIST_IN_FLIGHT);
}

#[tokio::test]
async fn details_of_stops_asking_once_it_has_every_id() {
    // A server that ignores the search: full pages of everything, whatever is asked.
    let hits = Arc::new(AtomicUsize::new(0));
    let base = serve(listing(hits.clone(), |limit, skip| {
        (skip..skip + limit).map(file).collect()
    }))
    .await;
    let c = client(&base, |_| {});
    let ids: Vec<String> = [5, 70, 999].iter().map(|i| format!("file{i:06}")).collect();
    let got = tokio::time::timeout(Duration::from_secs(20), c.details_of(&ids))
        .await
        .expect("ends")
        .expect("the three files");
    let got: Vec<&str> = got.iter().map(|f| f.file_id.as_str()).collect();
    assert_eq!(got, ["file000005", "file000070", "file000999"]);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(hits.load(Ordering::SeqCst), 1, "one page had them all");
}

/// `total` bytes of spaces, 64 KiB at a time, never held at once; `sent` counts them.
struct Spaces {
    left: u64,
    sent: Arc<AtomicU64>,
}

impl futures_core::Stream for Spaces {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        static CHUNK: [u8; 65536] = [b' '; 65536];
        if self.left == 0 {
            return Poll::Ready(None);
        }
        let n = self.left.min(CHUNK.len() as u64);
        self.left -= n;
        self.sent.fetch_add(n, Ordering::SeqCst);
        Poll::Ready(Some(Ok(Bytes::from_static(
            &CHUNK[..usize::try_from(n).unwrap()],
        ))))
    }
}

const HUGE: u64 = 200 * 1024 * 1024;

/// Peak resident memory of this process so far (`VmHWM`), in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    let kb: u64 = line.split_whitespace().nth(1).unwrap().parse().unwrap();
    kb * 1024
}

#[derive(Clone, Default)]
struct Huge {
    hits: Arc<AtomicUsize>,
    sent: Arc<AtomicU64>,
}

async fn huge_chunked(State(s): State<Huge>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let body = Body::from_stream(Spaces {
        left: HUGE,
        sent: s.sent.clone(),
    });
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn huge_error_with_length(State(s): State<Huge>) -> Response {
    s.hits.fetch_add(1, Ordering::SeqCst);
    let body = Body::from_stream(Spaces {
        left: HUGE,
        sent: s.sent.clone(),
    });
    let mut r = (StatusCode::BAD_REQUEST, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_LENGTH, HUGE.to_string().parse().unwrap());
    r
}

#[tokio::test]
async fn a_200_mb_answer_is_refused_past_the_limit_with_memory_bounded() {
    let s = Huge::default();
    let router = Router::new()
        .route("/v1/files", get(huge_chunked))
        .route("/v1/customMetadataFields", get(huge_error_with_length))
        .with_state(s.clone());
    let base = serve(router).await;
    let c = client(&base, |_| {});
    let before = peak_rss();
    let t = Instant::now();
    let (_, err) = drain(&c, ListQuery::default()).await;
    let grew = peak_rss().saturating_sub(before);
    let sent = s.sent.load(Ordering::SeqCst);
    eprintln!(
        "200 MB chunked: refused after {:?}, server sent {} MB, peak memory grew {} MB",
        t.elapsed(),
        sent >> 20,
        grew >> 20
    );
    assert!(grew < 160 << 20, "peak memory grew {} MB", grew >> 20);
    assert!(
        sent < 100 << 20,
        "the client stopped reading: {} MB",
        sent >> 20
    );
    let err = err.expect("an error");
    assert!(matches!(err, ApiError::TooLarge { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.contains("the server's answer passed 64 MB") && text.contains(&base),
        "{text}"
    );
    assert_eq!(s.hits.load(Ordering::SeqCst), 1, "not retried");

    // An error body that announces 200 MB is refused before it is read.
    let t = Instant::now();
    let err = c.custom_metadata_fields().await.unwrap_err().to_string();
    assert!(err.contains("passed 64 MB"), "{err}");
    assert!(t.elapsed() < Duration::from_secs(5));
    assert_eq!(s.hits.load(Ordering::SeqCst), 2);
}

/// Records what reached a server: (requests, requests carrying the key).
#[derive(Clone, Default)]
struct Seen {
    requests: Arc<AtomicUsize>,
    with_key: Arc<AtomicUsize>,
}

impl Seen {
    fn record(&self, h: &HeaderMap) {
        self.requests.fetch_add(1, Ordering::SeqCst);
        if h.contains_key(header::AUTHORIZATION) {
            self.with_key.fetch_add(1, Ordering::SeqCst);
        }
    }
}

async fn all_succeeded(State(seen): State<Seen>, h: HeaderMap, body: String) -> Response {
    seen.record(&h);
    let v: Value = serde_json::from_str(&body).unwrap_or_default();
    axum::Json(json!({"successfullyUpdatedFileIds": v["fileIds"]})).into_response()
}

fn redirect_to(location: String) -> Response {
    (
        StatusCode::TEMPORARY_REDIRECT,
        [(header::LOCATION, location)],
    )
        .into_response()
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_an_error_and_nothing_succeeds() {
    let other = Seen::default();
    let other_base = serve(
        Router::new()
            .route("/v1/files/addTags", post(all_succeeded))
            .with_state(other.clone()),
    )
    .await;
    let target = format!("{other_base}v1/files/addTags?token=x");
    let base = serve(Router::new().route(
        "/v1/files/addTags",
        post(move || async move { redirect_to(target) }),
    ))
    .await;
    let c = client(&base, |_| {});
    let ids = vec!["file000001".to_owned()];
    let err = c
        .add_tags(&ids, &["x".to_owned()])
        .await
        .expect_err("not counted as success");
    assert!(
        matches!(err, ApiError::Redirected { status: 307, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    let other_origin = other_base.trim_end_matches('/');
    assert!(
        text.contains(&format!("pointing to {other_origin}/v1/files/addTags,"))
            && text.contains(base.trim_end_matches('/'))
            && !text.contains("token=x")
            && !text.contains(KEY),
        "{text}"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        other.requests.load(Ordering::SeqCst),
        0,
        "nothing reached it"
    );
    assert_eq!(other.with_key.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn a_redirect_within_the_origin_is_followed() {
    let seen = Seen::default();
    let router = Router::new()
        .route(
            "/v1/files/addTags",
            post(|| async { redirect_to("/v2/files/addTags".into()) }),
        )
        .route("/v2/files/addTags", post(all_succeeded))
        .with_state(seen.clone());
    let base = serve(router).await;
    let c = client(&base, |_| {});
    let ids = vec!["file000001".to_owned(), "file000002".to_owned()];
    let out = c.add_tags(&ids, &["x".to_owned()]).await.unwrap();
    assert_eq!(out.succeeded, ids);
    assert_eq!(seen.with_key.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn iktag_ls_against_a_server_that_ignores_skip_fails_quickly() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = serve(listing(hits.clone(), |limit, _skip| {
        (0..limit).map(file).collect()
    }))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("stdout");
    let err_path = dir.path().join("stderr");
    let mut child = iktag_at(Some(&base), KEY, dir.path())
        .args(["ls", "--ids"])
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .unwrap();
    let t = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if t.elapsed() > Duration::from_secs(15) {
            child.kill().unwrap();
            child.wait().unwrap();
            break None;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let lines = std::fs::read_to_string(&out_path).unwrap().lines().count();
    let stderr = std::fs::read_to_string(&err_path).unwrap();
    let status = status.unwrap_or_else(|| {
        panic!(
            "still running after 15 s ({lines} lines, {} requests)",
            hits.load(Ordering::SeqCst)
        )
    });
    eprintln!(
        "iktag ls: exit {status}, {lines} lines, {} requests, {:?}",
        hits.load(Ordering::SeqCst),
        t.elapsed()
    );
    assert!(!status.success());
    assert!(lines <= 1000, "{lines} lines");
    assert!(stderr.contains("ignore `skip`"), "{stderr}");
    assert!(!stderr.contains(KEY));
}

/// One file that cannot be read (a size that is not a number) costs that file, not its page:
/// the others are listed, and the bad one is reported with its place and id.
#[tokio::test]
async fn an_unreadable_file_is_skipped_and_reported_and_the_rest_of_its_page_loads() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = serve(listing(hits.clone(), |_limit, skip| {
        if skip > 0 {
            return Vec::new();
        }
        let mut page: Vec<Value> = (0..5).map(file).collect();
        page[2]["size"] = json!("large");
        page
    }))
    .await;
    let c = client(&base, |_| {});
    let mut pager = c.list(ListQuery::default());
    let mut ids = Vec::new();
    while let Some(page) = pager.next_page().await.unwrap() {
        for a in page {
            if let iktag::model::Asset::File(f) = a {
                ids.push(f.file_id);
            }
        }
    }
    assert_eq!(
        ids,
        ["file000000", "file000001", "file000003", "file000004"]
    );
    let bad = pager.undecodable();
    assert_eq!(bad.len(), 1);
    assert_eq!(
        (bad[0].index, bad[0].file_id.as_deref()),
        (2, Some("file000002"))
    );
    let said = bad[0].to_string();
    assert!(
        said.starts_with(
            "item 2 (fileId file000002) could not be read: size: invalid type: string \"large\", expected u64"
        ),
        "{said}"
    );
}

/// A 429 asking to wait for days fails the call at once with the server's figure, instead
/// of sleeping (it used to wait up to 10 minutes, 30 times over, saying nothing).
#[tokio::test]
async fn a_rate_limit_window_nobody_would_wait_fails_at_once() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counted = hits.clone();
    let router = Router::new().route(
        "/v1/files",
        get(move || {
            let counted = counted.clone();
            async move {
                counted.fetch_add(1, Ordering::SeqCst);
                (
                    axum::http::StatusCode::TOO_MANY_REQUESTS,
                    [("x-ratelimit-reset", "1000000000000")],
                    axum::Json(json!({"message": "Too many requests"})),
                )
            }
        }),
    );
    let base = serve(router).await;
    let c = client(&base, |_| {});
    let t = Instant::now();
    let mut pager = c.list(ListQuery::default());
    let err = tokio::time::timeout(Duration::from_secs(10), pager.next_page())
        .await
        .expect("no sleeping through the window")
        .expect_err("refused")
        .to_string();
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    assert!(
        err.contains("asks to wait 365 days, more than the 2 minutes iktag waits"),
        "{err}"
    );
    assert!(err.contains("Too many requests"), "{err}");
}

/// `iktag ls --ids` with `config.toml` (in a temp dir) holding `profile`; exit status and
/// stderr.
async fn ls_with_profile(profile: &str) -> (std::process::ExitStatus, String) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("config.toml"), profile).unwrap();
    let run = tokio::task::spawn_blocking(move || {
        let out = iktag_at(None, KEY, dir.path())
            .args(["ls", "--ids"])
            .env("IKTAG_PROFILE", "p")
            .output()
            .unwrap();
        (
            out.status,
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    });
    tokio::time::timeout(Duration::from_secs(30), run)
        .await
        .expect("iktag ls ends")
        .unwrap()
}

/// A profile's `max_answer_mb` is the client's limit: with 1 MB, a listing page of about
/// 1.6 MB fails as too large; the same page loads under the default 64 MB.
#[tokio::test]
async fn a_profiles_max_answer_mb_limits_the_answers_read() {
    let hits = Arc::new(AtomicUsize::new(0));
    let base = serve(listing(hits.clone(), |limit, skip| {
        if skip > 0 {
            return Vec::new();
        }
        (0..limit.min(800))
            .map(|i| {
                let mut f = file(i);
                f["name"] = json!("n".repeat(2000));
                f
            })
            .collect()
    }))
    .await;
    let profile = format!("[profiles.p]\nbase_url = \"{base}\"\n");
    let (status, stderr) = ls_with_profile(&profile).await;
    assert!(status.success(), "{status}: {stderr}");

    let (status, stderr) = ls_with_profile(&format!("{profile}max_answer_mb = 1\n")).await;
    assert!(!status.success(), "{stderr}");
    assert!(
        stderr.contains("the server's answer passed 1 MB (the limit for one answer)"),
        "{stderr}"
    );
    assert!(!stderr.contains(KEY), "{stderr}");
}

/// `iktag ls` on `base` with `args`: its stdout.
async fn iktag_ls(base: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let mut cmd = iktag_at(Some(base), KEY, dir.path());
    cmd.arg("ls").args(args);
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .unwrap()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// A file whose size and dimensions the server sends as `null` (or leaves out) lists with
/// `—` for them, not `0 B` / `0×0`; `--json` sends them back as `null`.
#[tokio::test]
async fn iktag_ls_shows_unknown_size_and_dimensions_as_a_dash_and_json_null() {
    let base = serve(listing(Arc::default(), |_limit, skip| {
        if skip > 0 {
            return Vec::new();
        }
        let mut unknown = file(1);
        unknown["size"] = Value::Null;
        unknown["width"] = Value::Null;
        unknown["mime"] = Value::Null;
        let mut known = file(2);
        known["size"] = json!(2048);
        known["width"] = json!(640);
        known["height"] = json!(480);
        vec![unknown, known]
    }))
    .await;
    let text = iktag_ls(&base, &[]).await;
    let line = |id: &str| {
        text.lines()
            .find(|l| l.starts_with(id))
            .unwrap_or_else(|| panic!("no {id} in {text}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(line("file000001")[1..4], ["—", "—", "/f1.jpg"], "{text}");
    assert_eq!(
        line("file000002")[1..5],
        ["2.0", "KB", "640×480", "/f2.jpg"],
        "{text}"
    );
    assert!(!text.contains("0 B") && !text.contains("0×0"), "{text}");

    let json = iktag_ls(&base, &["--json"]).await;
    let files: Vec<Value> = json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(files.len(), 2, "{json}");
    for field in ["size", "width", "height", "mime"] {
        assert_eq!(files[0].get(field), Some(&Value::Null), "{field}: {json}");
    }
    assert_eq!(
        (&files[1]["size"], &files[1]["width"]),
        (&json!(2048), &json!(640))
    );
}
