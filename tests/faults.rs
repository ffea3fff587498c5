//! Fault injection, switched on and off at runtime through `/_sandbox/faults`.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{Value, json};

const ALL: [&str; 6] = [JACKET_FRONT, JACKET_BACK, LOGO, LOOKBOOK, HIKER, AVATAR];

/// Sets the sandbox's faults and checks it took them: a rejected setting must not leave a
/// test running against a sandbox without faults.
async fn faults(h: &Harness, cfg: Value) {
    let r = h.put_faults(cfg.clone()).await;
    assert!(
        matches!(r.status, 200 | 204),
        "PUT /_sandbox/faults {cfg}: {} {}",
        r.status,
        r.body
    );
}

#[tokio::test]
async fn fail_rate_gives_207_with_per_file_errors_and_applies_only_the_rest() {
    let h = Harness::start().await;
    faults(&h, json!({"failRate": 0.5, "rngSeed": 7})).await;

    let r = h
        .post(
            "/v1/files/addTags",
            json!({"fileIds": ALL, "tags": ["checked"]}),
        )
        .await;
    assert_eq!(r.status, 207, "{}", r.body);
    let ok = strs(&r.body["successfullyUpdatedFileIds"]);
    let errors = r.body["errors"].as_array().expect("errors array");
    assert!(
        !ok.is_empty() && !errors.is_empty(),
        "seed 7 gives a mix: {}",
        r.body
    );
    assert_eq!(ok.len() + errors.len(), ALL.len());
    faults(&h, json!({})).await;
    for e in errors {
        let id = e["fileId"].as_str().unwrap();
        assert_eq!(e["error"], "Error in adding tags");
        assert!(
            !strs(&h.details(id).await["tags"]).contains(&"checked".to_owned()),
            "{id} failed, so untouched"
        );
    }
    for id in &ok {
        assert!(
            strs(&h.details(id).await["tags"]).contains(&"checked".to_owned()),
            "{id} succeeded"
        );
    }

    // The same seed gives the same failures.
    faults(&h, json!({"failRate": 0.5, "rngSeed": 7})).await;
    let again = h
        .post(
            "/v1/files/removeTags",
            json!({"fileIds": ALL, "tags": ["nothing"]}),
        )
        .await;
    assert_eq!(again.status, 207, "{}", again.body);
    let failed_again: Vec<&Value> = again.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["fileId"])
        .collect();
    let failed_first: Vec<&Value> = errors.iter().map(|e| &e["fileId"]).collect();
    assert_eq!(failed_again, failed_first);
}

#[tokio::test]
async fn fail_rate_one_fails_every_file_in_bulk_delete_and_every_patch() {
    let h = Harness::start().await;
    faults(&h, json!({"failRate": 1.0})).await;
    let r = h
        .post(
            "/v1/files/batch/deleteByFileIds",
            json!({"fileIds": [LOGO, AVATAR]}),
        )
        .await;
    assert_eq!(r.status, 207);
    assert_eq!(r.body["successfullyDeletedFileIds"], json!([]));
    assert_eq!(
        r.body["errors"][0],
        json!({"fileId": LOGO, "error": "Error in deleting file"})
    );
    let r = h
        .patch(&format!("/v1/files/{LOGO}/details"), json!({"tags": ["x"]}))
        .await;
    assert_eq!(r.status, 500);
    assert_eq!(
        r.body["message"],
        "We have experienced an internal error while processing your request."
    );
    // Unknown ids still fail the whole call first.
    let r = h
        .post(
            "/v1/files/addTags",
            json!({"fileIds": [UNKNOWN], "tags": ["x"]}),
        )
        .await;
    assert_eq!(r.status, 404);
    faults(&h, json!({})).await;
    assert_eq!(h.list_ids("").await.len(), 6, "nothing was deleted");
    assert_eq!(h.details(LOGO).await["tags"], Value::Null);
}

#[tokio::test]
async fn error_rate_gives_5xx_json_and_admin_route_stays_reachable() {
    let h = Harness::start().await;
    faults(&h, json!({"errorRate": 1.0, "rngSeed": 3})).await;
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..20 {
        let r = h.get("/v1/files").await;
        assert!([500, 502, 503].contains(&r.status), "status {}", r.status);
        assert!(r.body["message"].is_string());
        assert!(r.headers.contains_key("x-ik-requestid"));
        seen.insert(r.status);
    }
    assert!(seen.len() >= 2, "a mix of statuses: {seen:?}");
    let r = h.get("/_sandbox/faults").await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["errorRate"], 1.0);
    faults(&h, json!({})).await;
    assert_eq!(h.get("/v1/files").await.status, 200);
}

#[tokio::test]
async fn rate_limit_answers_429_with_imagekit_headers() {
    let h = Harness::start().await;
    faults(&h, json!({"rateLimit": 3})).await;
    let mut limited = None;
    for _ in 0..10 {
        let r = h.get("/v1/files?limit=1").await;
        if r.status == 429 {
            limited = Some(r);
            break;
        }
        assert_eq!(r.status, 200);
    }
    let r = limited.expect("a 429 within 10 quick requests at 3/s");
    assert!(r.body["message"].is_string());
    let header = |n: &str| -> u64 { r.headers[n].to_str().unwrap().parse().unwrap() };
    assert_eq!(header("x-ratelimit-limit"), 3);
    assert_eq!(header("x-ratelimit-interval"), 1000);
    let reset = header("x-ratelimit-reset");
    assert!((1..=1000).contains(&reset), "reset {reset} ms");
    // Waiting as told lets the next request through.
    tokio::time::sleep(Duration::from_millis(reset + 20)).await;
    assert_eq!(h.get("/v1/files?limit=1").await.status, 200);
}

#[tokio::test]
async fn reset_rate_drops_the_connection_and_latency_delays() {
    let h = Harness::start().await;
    faults(&h, json!({"resetRate": 1.0})).await;
    let err = h
        .http
        .get(h.url("/v1/files"))
        .basic_auth(KEY, None::<&str>)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .map(|_| ())
        .expect_err("no response");
    assert!(
        !err.is_status() && !err.is_connect(),
        "a dropped connection, not an HTTP status nor a refused connection: {err}"
    );
    // The sandbox itself took the request and dropped it (status 0 in its log), so the
    // error above is the fault, not a server that was never there.
    let log = h.get("/_sandbox/requests").await;
    assert_eq!(log.status, 200, "{}", log.body);
    assert_eq!(log.body["total"], 1, "{}", log.body);
    assert_eq!(
        log.body["recent"],
        json!([{"method": "GET", "path": "/v1/files", "status": 0}])
    );

    faults(&h, json!({"latencyMs": [150, 150]})).await;
    let t = Instant::now();
    assert_eq!(h.get("/v1/files?limit=1").await.status, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));
}

#[tokio::test]
async fn fault_admin_route_validates_and_needs_the_key() {
    let h = Harness::start().await;
    let r = h.put_faults(json!({"failRate": 2})).await;
    assert_eq!(r.status, 400);
    assert!(r.body["message"].as_str().unwrap().contains("failRate"));
    let r = h.put_faults(json!({"explode": true})).await;
    assert_eq!(r.status, 400);
    let r = h.send(h.http.get(h.url("/_sandbox/faults"))).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn a_bad_key_gets_403_whatever_faults_are_on() {
    let h = Harness::start().await;
    faults(&h, json!({"errorRate": 1.0, "rateLimit": 1})).await;
    // The faults are on: the right key gets them.
    let r = h.get("/v1/files").await;
    assert!(
        [429, 500, 502, 503].contains(&r.status),
        "the right key meets the faults: {} {}",
        r.status,
        r.body["message"]
    );
    for _ in 0..3 {
        let r = h
            .send(
                h.http
                    .get(h.url("/v1/files"))
                    .basic_auth("private_wrong", None::<&str>),
            )
            .await;
        assert_eq!(r.status, 403, "auth is checked before faults: {}", r.body);
        let r = h.send(h.http.get(h.url("/v1/files"))).await;
        assert_eq!(r.status, 401, "auth is checked before faults: {}", r.body);
    }
    // And still are.
    let r = h.get("/v1/files").await;
    assert!(
        [429, 500, 502, 503].contains(&r.status),
        "the right key still meets the faults: {}",
        r.status
    );
}
