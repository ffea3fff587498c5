//! A generated library served while it is being built (`Sandbox::start_filling`, what
//! `iktag demo --files N` uses): every answer, whenever it comes, is the answer the
//! whole library gives; early pages come early, the rest waits.

use std::time::Duration;

use iktag::sandbox::faults::FaultConfig;
use iktag::sandbox::{Sandbox, SandboxConfig, SeedSource};
use serde_json::{Value, json};

const KEY: &str = "private_filling_test";
const FILES: usize = 30_000;

fn config() -> SandboxConfig {
    SandboxConfig::ephemeral(
        KEY,
        SeedSource::Generate {
            files: FILES,
            seed: 42,
        },
    )
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("client")
}

/// Status and body, with the sandbox's own address (in media URLs) made neutral.
async fn send(req: reqwest::RequestBuilder, base: String) -> (u16, String) {
    let r = req
        .basic_auth(KEY, None::<&str>)
        .send()
        .await
        .expect("request is answered");
    let status = r.status().as_u16();
    let body = r.text().await.expect("body").replace(&base, "BASE");
    (status, body)
}

fn encode(q: &str) -> String {
    form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

/// Reads of every kind: early and late pages, pages that need the whole library,
/// lookups of files near the end and a preview.
fn requests(last_id: &str, last_path: &str) -> Vec<(&'static str, String, Option<Value>)> {
    let get = |p: String| ("GET", p, None);
    vec![
        get("/v1/files?limit=1000".to_owned()),
        get("/v1/files?limit=1000&skip=1000&sort=ASC_CREATED".to_owned()),
        get(format!("/v1/files?limit=1000&skip={}", FILES - 1000)),
        get(format!("/v1/files?limit=1000&skip={}", FILES - 300)),
        get(format!("/v1/files?limit=10&skip={}", FILES + 5)),
        get("/v1/files?sort=DESC_CREATED&limit=5".to_owned()),
        get("/v1/files?sort=ASC_SIZE&limit=5".to_owned()),
        get("/v1/files?type=folder".to_owned()),
        get("/v1/files?type=all&limit=40".to_owned()),
        get(format!(
            "/v1/files?limit=100&skip=2000&searchQuery={}",
            encode(r#"size > "5mb""#)
        )),
        get(format!(
            "/v1/files?limit=1000&searchQuery={}",
            encode(r#"name = "no-such-file.jpg""#)
        )),
        get("/v1/files?tags=summer-sale&limit=20&skip=1500".to_owned()),
        get(format!("/v1/files/{last_id}/details")),
        get("/v1/files/ffffffffffffffffffffffff/details".to_owned()),
        get("/v1/files/not-an-id/details".to_owned()),
        get("/v1/customMetadataFields".to_owned()),
        get(format!("/demo/tr:n-ik_ml_thumbnail{last_path}")),
    ]
}

async fn answers(
    http: &reqwest::Client,
    sandbox: &Sandbox,
    reqs: &[(&'static str, String, Option<Value>)],
) -> Vec<(u16, String)> {
    let base = sandbox.base_url();
    let calls = reqs.iter().map(|(method, path, body)| {
        let url = format!("{base}{path}");
        let req = match (*method, body) {
            ("GET", _) => http.get(url),
            (_, Some(b)) => http.post(url).json(b),
            _ => unreachable!(),
        };
        send(req, base.clone())
    });
    futures_join(calls).await
}

/// Runs the requests concurrently, keeping their order.
async fn futures_join<F: std::future::Future<Output = (u16, String)> + Send + 'static>(
    calls: impl Iterator<Item = F>,
) -> Vec<(u16, String)> {
    let tasks: Vec<_> = calls.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.expect("request task"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filling_library_answers_exactly_as_the_whole_library() {
    let http = client();
    let whole = Sandbox::start(config()).await.expect("starts");
    let base = whole.base_url();
    let last = send(
        http.get(format!("{base}/v1/files?sort=DESC_CREATED&limit=1")),
        base.clone(),
    )
    .await;
    let last: Value = serde_json::from_str(&last.1).unwrap();
    let last_id = last[0]["fileId"].as_str().unwrap().to_owned();
    let last_path = last[0]["filePath"].as_str().unwrap().to_owned();
    let reqs = requests(&last_id, &last_path);

    let filling = Sandbox::start_filling(config()).await.expect("starts");
    assert!(
        !filling.state.read_store().is_complete(),
        "the sandbox answers before the library is built"
    );
    let early = answers(&http, &filling, &reqs).await;
    assert!(filling.state.read_store().is_complete());
    let expected = answers(&http, &whole, &reqs).await;
    for (((method, path, _), got), want) in reqs.iter().zip(&early).zip(&expected) {
        assert_eq!(got.0, want.0, "{method} {path}: status");
        assert!(got == want, "{method} {path}: body differs");
    }
    filling.stop().await;

    // A mutation waits for the whole library, then applies.
    let filling = Sandbox::start_filling(config()).await.expect("starts");
    assert!(!filling.state.read_store().is_complete());
    let add = [(
        "POST",
        "/v1/files/addTags".to_owned(),
        Some(json!({"fileIds": [last_id], "tags": ["late-tag"]})),
    )];
    let got = answers(&http, &filling, &add).await;
    let want = answers(&http, &whole, &add).await;
    assert_eq!(got, want);
    assert_eq!(got[0].0, 200, "{}", got[0].1);
    let tags = |s: &Sandbox| s.state.read_store().file(&last_id).unwrap().tags.clone();
    assert!(tags(&filling).contains(&"late-tag".to_owned()));
    assert_eq!(tags(&filling), tags(&whole));
    filling.stop().await;
    whole.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_through_a_filling_library_sees_every_file_once_in_order() {
    let http = client();
    let filling = Sandbox::start_filling(config()).await.expect("starts");
    let base = filling.base_url();
    let mut ids = Vec::new();
    loop {
        let (status, body) = send(
            http.get(format!(
                "{base}/v1/files?sort=ASC_CREATED&limit=1000&skip={}",
                ids.len()
            )),
            base.clone(),
        )
        .await;
        assert_eq!(status, 200);
        let page: Vec<Value> = serde_json::from_str(&body).unwrap();
        ids.extend(page.iter().map(|f| {
            (
                f["createdAt"].as_str().unwrap().to_owned(),
                f["fileId"].as_str().unwrap().to_owned(),
            )
        }));
        if page.len() < 1000 {
            break;
        }
    }
    assert_eq!(ids.len(), FILES, "no page came back short before the end");
    assert!(ids.is_sorted(), "ascending (createdAt, fileId)");
    filling.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filling_sandbox_stops_at_once_and_other_libraries_start_whole() {
    let filling = Sandbox::start_filling(config()).await.expect("starts");
    tokio::time::timeout(Duration::from_secs(10), filling.stop())
        .await
        .expect("stopping does not wait for the library");

    let demo = Sandbox::start_filling(SandboxConfig::ephemeral(KEY, SeedSource::Demo))
        .await
        .expect("starts");
    assert!(demo.state.read_store().is_complete());
    assert!(!demo.state.read_store().files().is_empty());
    demo.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_early_page_is_answered_at_once_a_later_one_when_it_is_there() {
    use iktag::sandbox::seed::{CHUNK, Plan, generated_fields};
    use iktag::sandbox::store::Store;

    let plan = Plan::new(3 * CHUNK + 10, 5).sorted();
    let mut chunks = Vec::new();
    plan.build(|files| {
        chunks.push(files);
        true
    });
    let store = Store::filling(plan.folders().to_vec(), generated_fields(), plan.len());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let sandbox = Sandbox::serve(listener, store, KEY.to_owned(), FaultConfig::default()).unwrap();
    let (http, base) = (client(), sandbox.base_url());
    let page = |skip: usize, limit: usize| {
        let req = http.get(format!("{base}/v1/files?limit={limit}&skip={skip}"));
        tokio::spawn(send(req, base.clone()))
    };
    let count = |reply: &(u16, String)| {
        assert_eq!(reply.0, 200, "{}", reply.1);
        serde_json::from_str::<Vec<Value>>(&reply.1).unwrap().len()
    };
    let quiet = Duration::from_millis(300);

    let mut chunks = chunks.into_iter();
    sandbox.state.append_files(chunks.next().unwrap());
    let first = page(0, 1000);
    let second_chunk = page(CHUNK, 1000);
    let last = page(3 * CHUNK, 1000);
    let details = tokio::spawn(send(
        http.get(format!("{base}/v1/files/ffffffffffffffffffffffff/details")),
        base.clone(),
    ));
    assert_eq!(
        count(&first.await.unwrap()),
        1000,
        "the first page is there"
    );
    tokio::time::sleep(quiet).await;
    assert!(!second_chunk.is_finished(), "a page not yet built waits");
    assert!(!last.is_finished());
    assert!(!details.is_finished(), "an unknown id may still come");

    sandbox.state.append_files(chunks.next().unwrap());
    assert_eq!(count(&second_chunk.await.unwrap()), 1000);
    for files in chunks {
        sandbox.state.append_files(files);
    }
    tokio::time::sleep(quiet).await;
    assert!(
        !last.is_finished(),
        "the short last page waits for the whole library"
    );
    sandbox.state.finish_library();
    assert_eq!(count(&last.await.unwrap()), 10);
    assert_eq!(details.await.unwrap().0, 404);
    sandbox.stop().await;
}
