//! Waits a person can see and stop: a long rate-limit window, a retry's backoff and a
//! server that never answers show what the client waits for; a stop (Ctrl-C, a cancelled
//! job) ends every wait at once; one call ends within its bound whatever the server does.
//! The CLI half sends SIGINT to the real binary.

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use iktag::api::{ApiError, CancelHandle, Client, ClientOptions};
use serde_json::{Value, json};

const KEY: &str = "private_waits_key";

#[path = "common/rogue.rs"]
mod rogue;
use rogue::serve;
#[path = "common/proc.rs"]
mod proc;

fn client(base: &str, tune: impl FnOnce(&mut ClientOptions)) -> Client {
    rogue::client(base, KEY, tune)
}

/// `POST /v1/files/addTags` answered by `answer`; the requests it got.
fn add_tags_route<F, Fut>(answer: F) -> (Router, Arc<AtomicUsize>)
where
    F: Fn() -> Fut + Clone + Send + Sync + 'static,
    Fut: std::future::Future<Output = Response> + Send + 'static,
{
    let hits = Arc::new(AtomicUsize::new(0));
    let h = hits.clone();
    let route = Router::new().route(
        "/v1/files/addTags",
        post(move || {
            h.fetch_add(1, Ordering::SeqCst);
            answer()
        }),
    );
    (route, hits)
}

/// A 429 asking for a minute (within the two minutes iktag waits out).
fn rate_limited() -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [("X-RateLimit-Reset", "60000")],
        axum::Json(json!({"message": "Too many requests"})),
    )
        .into_response()
}

fn ids(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("file{i:06}")).collect()
}

/// Cancels `stop`; `task`'s result, which must come within half a second.
async fn ends_at_once<T>(stop: &CancelHandle, task: tokio::task::JoinHandle<T>, what: &str) -> T {
    let t = Instant::now();
    stop.cancel();
    let r = tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect(what)
        .unwrap();
    assert!(
        t.elapsed() < Duration::from_millis(500),
        "{what}: {:?}",
        t.elapsed()
    );
    r
}

/// Polls `cond` every 20 ms for up to 10 s.
async fn until(what: &str, cond: impl Fn() -> bool) {
    let end = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn a_long_rate_limit_window_is_shown_and_a_stop_ends_it_at_once() {
    let (route, hits) = add_tags_route(|| async { rate_limited() });
    let base = serve(route).await;
    let stop = CancelHandle::default();
    let c = client(&base, |_| {}).stopped_by(&stop);
    let call = {
        let c = c.clone();
        tokio::spawn(async move { c.add_tags(&ids(3), &["new".into()]).await })
    };
    until("the 429", || hits.load(Ordering::SeqCst) == 1).await;
    until("the wait to be shown", || c.waiting().is_some()).await;
    let shown = c.waiting().unwrap().to_string();
    assert!(
        shown.starts_with("ImageKit rate limit (429): the next call goes out in ")
            && (shown.ends_with(" 59 s") || shown.ends_with("1 min 00 s")),
        "{shown}"
    );
    let r = ends_at_once(&stop, call, "the stop ends the wait at once").await;
    assert!(
        matches!(r, Err(ApiError::Cancelled { sent: false })),
        "{r:?}"
    );
    assert_eq!(c.waiting(), None, "the wait left the board");
    assert_eq!(
        hits.load(Ordering::SeqCst),
        1,
        "nothing was sent after the stop"
    );
}

#[tokio::test]
async fn a_retry_backoff_is_shown_and_a_stop_ends_it_saying_the_first_attempt_may_have_applied() {
    let (route, hits) =
        add_tags_route(|| async { (StatusCode::SERVICE_UNAVAILABLE, "busy").into_response() });
    let base = serve(route).await;
    let stop = CancelHandle::default();
    let c = client(&base, |o| {
        o.base_backoff = Duration::from_secs(30);
        o.max_backoff = Duration::from_secs(30);
    })
    .stopped_by(&stop);
    let call = {
        let c = c.clone();
        tokio::spawn(async move { c.add_tags(&ids(1), &["new".into()]).await })
    };
    until("the backoff to be shown", || c.waiting().is_some()).await;
    let shown = c.waiting().unwrap().to_string();
    assert!(
        shown.starts_with("ImageKit answered 503: attempt 2 of 5 in "),
        "{shown}"
    );
    stop.cancel();
    let r = tokio::time::timeout(Duration::from_secs(2), call)
        .await
        .expect("the stop ends the backoff at once")
        .unwrap();
    let Err(e @ ApiError::Cancelled { sent: true }) = r else {
        panic!("{r:?}")
    };
    assert!(e.to_string().contains("may have reached the server"), "{e}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

/// Accepts connections and never answers (holds them open).
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((s, _)) = listener.accept().await {
            held.push(s);
        }
    });
    format!("http://{addr}/")
}

#[tokio::test]
async fn a_server_that_never_answers_is_shown_and_the_call_ends_at_its_bound() {
    let base = silent_server().await;
    let c = client(&base, |o| {
        o.request_timeout = Duration::from_millis(2500);
        o.max_call_time = Duration::from_secs(4);
    });
    let t = Instant::now();
    let call = {
        let c = c.clone();
        tokio::spawn(async move { c.add_tags(&ids(1), &["new".into()]).await })
    };
    until("the slow answer to be shown", || c.waiting().is_some()).await;
    assert!(
        t.elapsed() >= Duration::from_secs(2),
        "shown after 2 s only"
    );
    let shown = c.waiting().unwrap().to_string();
    assert!(
        shown.starts_with("waiting for 127.0.0.1 to answer: ")
            && shown.ends_with("so far (gives up after 3 s)"),
        "{shown}"
    );
    let r = tokio::time::timeout(Duration::from_secs(10), call)
        .await
        .expect("the call ends")
        .unwrap();
    let took = t.elapsed();
    // Attempt 1 times out at 2.5 s, attempt 2 gets the 1.5 s left; then nothing is left.
    assert!(
        took >= Duration::from_millis(3900) && took < Duration::from_secs(5),
        "{took:?}"
    );
    let Err(e @ ApiError::CallTooLong { .. }) = r else {
        panic!("{r:?}")
    };
    assert!(
        e.to_string()
            .starts_with("gave up on this call: it may take at most 4 s"),
        "{e}"
    );
}

// ------------------------------------------------------------------- the binary and Ctrl-C

/// A library of three files whose `addTags` answers as `add_tags` says.
async fn library_server(add_tags: Router) -> String {
    let files: Vec<Value> = ids(3)
        .iter()
        .map(|id| {
            json!({
                "fileId": id, "type": "file", "name": format!("{id}.jpg"),
                "filePath": format!("/{id}.jpg"), "tags": ["old"],
                "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"
            })
        })
        .collect();
    serve(
        Router::new()
            .route("/v1/files", get(move || async move { axum::Json(files) }))
            .merge(add_tags),
    )
    .await
}

fn iktag(base: &str, state: &std::path::Path) -> Command {
    let mut c = rogue::iktag_at(Some(base), KEY, state);
    c.stdout(Stdio::piped()).stderr(Stdio::piped());
    c
}

/// `iktag tags add new` on the three files of `base`'s library, its output captured;
/// killed when the guard drops.
fn add_tags_job(base: &str, state: &std::path::Path) -> proc::Guard {
    std::fs::write(state.join("ids.txt"), ids(3).join("\n")).unwrap();
    let child = iktag(base, state)
        .args(["tags", "add", "new", "--ids-from"])
        .arg(state.join("ids.txt"))
        .args(["--yes", "--json"])
        .spawn()
        .unwrap();
    proc::Guard(child)
}

/// The job's output once it ends, within `limit` (else it is killed and the test fails).
async fn exits_within(job: proc::Guard, limit: Duration) -> std::process::Output {
    tokio::task::spawn_blocking(move || proc::finish(job, limit))
        .await
        .unwrap()
}

#[tokio::test]
async fn ctrl_c_ends_a_rate_limit_wait_the_job_ends_cancelled_and_exits_3() {
    let (route, hits) = add_tags_route(|| async { rate_limited() });
    let base = library_server(route).await;
    let state = tempfile::tempdir().unwrap();
    let child = add_tags_job(&base, state.path());
    until("the 429", || hits.load(Ordering::SeqCst) >= 1).await;
    let t = Instant::now();
    proc::sigint(&child.0);
    let out = exits_within(child, Duration::from_secs(5)).await;
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("cancelling: no new calls start"),
        "{stderr}"
    );
    let outcomes: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .filter(|v: &Value| v.get("fileId").is_some())
        .collect();
    assert_eq!(outcomes.len(), 3, "one outcome per file: {outcomes:?}");
    assert!(
        outcomes.iter().all(|o| o["outcome"] == "cancelled"),
        "{outcomes:?}"
    );
    assert_eq!(hits.load(Ordering::SeqCst), 1, "no call after Ctrl-C");
    // The journal is complete: each file is recorded cancelled, none left unapplied.
    let summary: Value = String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| {
            serde_json::from_str::<Value>(l)
                .ok()?
                .get("summary")
                .cloned()
        })
        .expect("a summary line");
    assert_eq!(summary["cancelled"], 3, "{summary}");
    let job = summary["job"].as_str().expect("a journaled job");
    let shown = proc::output_within(
        iktag(&base, state.path()).args(["jobs", "show", job, "--json"]),
        Duration::from_secs(30),
    );
    let list = String::from_utf8_lossy(&shown.stdout);
    let mut recorded: Vec<(String, String)> = list
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (
                v["fileId"].as_str().unwrap().to_owned(),
                v["outcome"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    recorded.sort();
    assert_eq!(
        recorded,
        ids(3)
            .into_iter()
            .map(|id| (id, "cancelled".to_owned()))
            .collect::<Vec<_>>(),
        "{list}"
    );
    assert!(!stderr.contains(KEY) && !list.contains(KEY));
}

#[tokio::test]
async fn a_second_ctrl_c_quits_at_once_while_a_call_is_in_flight() {
    let (route, hits) = add_tags_route(|| async {
        // Never answers (within the test).
        tokio::time::sleep(Duration::from_secs(60)).await;
        StatusCode::OK.into_response()
    });
    let base = library_server(route).await;
    let state = tempfile::tempdir().unwrap();
    let child = add_tags_job(&base, state.path());
    until("the call in flight", || hits.load(Ordering::SeqCst) >= 1).await;
    proc::sigint(&child.0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t = Instant::now();
    proc::sigint(&child.0);
    let out = exits_within(child, Duration::from_secs(5)).await;
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(130), "{stderr}");
    assert!(stderr.contains("quitting at once"), "{stderr}");
}

#[tokio::test]
async fn cancelling_a_job_waiting_on_a_429_ends_it_at_once_with_each_file_cancelled_once() {
    let (route, hits) = add_tags_route(|| async { rate_limited() });
    let base = serve(route).await;
    let c = client(&base, |_| {});
    let op = iktag::jobs::Operation::AddTags {
        tags: vec!["new".into()],
    };
    // 120 files: three calls of 50, 50 and 20, all in flight at once.
    let plan = iktag::jobs::plan(op, &ids(120), &std::collections::HashMap::new()).unwrap();
    assert_eq!(plan.units.len(), 3);
    let cancel = CancelHandle::default();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let job = {
        let (c, cancel) = (c.clone(), cancel.clone());
        tokio::spawn(async move { iktag::jobs::run(&c, &plan, 8, &cancel, None, Some(tx)).await })
    };
    until("three 429s", || hits.load(Ordering::SeqCst) == 3).await;
    until("the wait to be shown", || c.waiting().is_some()).await;
    let outcomes = ends_at_once(&cancel, job, "the job ends at once").await;
    assert_eq!(outcomes.len(), 120);
    assert!(
        outcomes
            .iter()
            .all(|o| o.outcome == iktag::jobs::Outcome::Cancelled),
        "{outcomes:?}"
    );
    let mut progress = 0;
    while let Ok(iktag::jobs::Event::Done(batch)) = rx.try_recv() {
        progress += batch.len();
    }
    assert_eq!(progress, 0, "cancelled files come once, in the final list");
    assert_eq!(hits.load(Ordering::SeqCst), 3, "no call after the cancel");
}

#[tokio::test]
async fn a_429_pauses_every_call_of_the_client_not_just_the_one_it_answered() {
    // The first call gets a 429 with a 1.5 s window; every later request is answered.
    let arrivals = Arc::new(std::sync::Mutex::new(Vec::<Instant>::new()));
    let seen = arrivals.clone();
    let base = serve(Router::new().route(
        "/v1/files/addTags",
        post(move || async move {
            let n = {
                let mut a = seen.lock().unwrap();
                a.push(Instant::now());
                a.len()
            };
            if n == 1 {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [("X-RateLimit-Reset", "1500")],
                    axum::Json(json!({"message": "Too many requests"})),
                )
                    .into_response()
            } else {
                axum::Json(json!({"successfullyUpdatedFileIds": ["file000000"]})).into_response()
            }
        }),
    ))
    .await;
    let c = client(&base, |_| {});
    let first = {
        let c = c.clone();
        tokio::spawn(async move { c.add_tags(&ids(1), &["a".into()]).await })
    };
    until("the 429", || arrivals.lock().unwrap().len() == 1).await;
    // Another call of the same client, after the window closed: it waits for it too.
    let second = c.add_tags(&ids(1), &["b".into()]).await;
    assert!(second.is_ok(), "{second:?}");
    assert!(first.await.unwrap().is_ok());
    let a = arrivals.lock().unwrap().clone();
    assert_eq!(a.len(), 3, "the 429, then each call once");
    let closed = a[0];
    assert!(
        a[1..]
            .iter()
            .all(|t| t.duration_since(closed) >= Duration::from_millis(1400)),
        "a call went out inside the window: {:?}",
        a.iter()
            .map(|t| t.duration_since(closed))
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn on_a_terminal_the_cli_says_what_it_waits_for_after_two_seconds() {
    // A job waiting on a 429: the line under the progress bar counts down.
    let (route, hits) = add_tags_route(|| async { rate_limited() });
    let base = library_server(route).await;
    let state = tempfile::tempdir().unwrap();
    std::fs::write(state.path().join("ids.txt"), ids(3).join("\n")).unwrap();
    let ids_file = state.path().join("ids.txt");
    let args = [
        "tags",
        "add",
        "new",
        "--ids-from",
        ids_file.to_str().unwrap(),
        "--yes",
    ];
    let job = proc::Pty::start(&base, KEY, state.path(), &args, (24, 160));
    let screen = tokio::task::spawn_blocking(move || job.wait_for("· Ctrl-C cancels"))
        .await
        .unwrap();
    assert!(
        screen.contains("⏳ ImageKit rate limit (429): the next call goes out in "),
        "{screen}"
    );
    assert!(screen.contains("0/3"), "under the progress bar: {screen}");
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    // At 80 columns the line fits whole, countdown and unit, the hint left out.
    let narrow = proc::Pty::start(&base, KEY, state.path(), &args, (24, 80));
    let screen = tokio::task::spawn_blocking(move || narrow.wait_for("the next call goes out in"))
        .await
        .unwrap();
    let line = screen
        .lines()
        .find(|l| l.contains("the next call goes out in"))
        .unwrap();
    let (_, left) = line.split_once("goes out in ").unwrap();
    let left = left.trim_end();
    // `59 s` or `1 min 00 s`: whole, never cut short with `…`.
    assert!(
        left.starts_with(|c: char| c.is_ascii_digit())
            && left.ends_with(" s")
            && !left.contains('…'),
        "{line:?}\n{screen}"
    );
    assert!(!screen.contains("Ctrl-C"), "{screen}");
    // A listing from a server that never answers: one line once 2 s have passed.
    let silent = silent_server().await;
    let t = Instant::now();
    let ls = proc::Pty::start(&silent, KEY, state.path(), &["ls"], (24, 160));
    let screen = tokio::task::spawn_blocking(move || {
        ls.wait_for("so far (gives up after 1 min 00 s) · Ctrl-C stops")
    })
    .await
    .unwrap();
    assert!(t.elapsed() >= Duration::from_secs(2), "{:?}", t.elapsed());
    assert!(
        screen.contains("⏳ waiting for 127.0.0.1 to answer: "),
        "{screen}"
    );
    assert!(!screen.contains(KEY));
}
