//! The sandbox's authentication, the request id and JSON content type on every response,
//! file details and their updates (tags, custom coordinates, custom metadata, AI-tag
//! removal, description and publish) and the request log, over loopback HTTP. Listing and
//! search are in `sandbox_listing.rs`, bulk tag calls and deletes in `sandbox_bulk.rs`.

mod common;

use common::*;
use iktag::sandbox::requests::LoggedRequest;
use serde_json::{Value, json};

// ----------------------------------------------------------------------------- auth

#[tokio::test]
async fn auth_missing_key_is_401_unknown_key_is_403_password_ignored() {
    let h = Harness::start().await;
    let r = h.send(h.http.get(h.url("/v1/files"))).await;
    assert_error(&r, 401, "Your request does not contain private API key.");
    assert!(r.headers.contains_key("x-ik-requestid"));

    let r = h
        .send(
            h.http
                .get(h.url("/v1/files"))
                .basic_auth("private_wrong", Some("")),
        )
        .await;
    assert_error(&r, 403, "Your account cannot be authenticated.");

    for password in [None, Some(""), Some("do_not_set"), Some("anything")] {
        let r = h
            .send(h.http.get(h.url("/v1/files")).basic_auth(KEY, password))
            .await;
        assert_eq!(r.status, 200, "password {password:?}");
    }
}

#[tokio::test]
async fn every_response_has_a_request_id_and_json_content_type() {
    let h = Harness::start().await;
    let a = h.get("/v1/files").await;
    let b = h.get("/v1/nope").await;
    assert_error(
        &b,
        404,
        "This endpoint does not exist on the iktag sandbox. It serves the media-library API under /v1 (files, details, tags, AI tags, delete, customMetadataFields).",
    );
    let ida = a.headers["x-ik-requestid"].to_str().unwrap().to_owned();
    let idb = b.headers["x-ik-requestid"].to_str().unwrap().to_owned();
    assert_ne!(ida, idb, "request ids are unique");
    assert_eq!(a.headers["content-type"], "application/json");
    let r = h
        .send(
            h.http
                .put(h.url("/v1/files/addTags"))
                .basic_auth(KEY, None::<&str>),
        )
        .await;
    assert_eq!(r.status, 405);
    assert!(r.headers.contains_key("x-ik-requestid"));
}

// ----------------------------------------------------------------------------- details

#[tokio::test]
async fn get_details_found_missing_and_malformed() {
    let h = Harness::start().await;
    let d = h.details(HIKER).await;
    assert_eq!(d["name"], "Hiker on ridge.webp");
    assert_eq!(d["tags"], json!(["summersale", "hiking"]));
    assert_error(
        &h.get(&format!("/v1/files/{UNKNOWN}/details")).await,
        404,
        "The requested file does not exist.",
    );
    assert_error(
        &h.get("/v1/files/not-an-id/details").await,
        400,
        "Your request contains invalid fileId parameter.",
    );
}

#[tokio::test]
async fn patch_replaces_and_clears_tags_and_bumps_updated_at() {
    let h = Harness::start().await;
    let before = h.details(JACKET_FRONT).await;
    let r = h
        .patch(
            &format!("/v1/files/{JACKET_FRONT}/details"),
            json!({"tags": ["jacket", "red", "jacket"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["tags"], json!(["jacket", "red"]));
    assert!(r.body.get("extensionStatus").is_none());
    assert!(
        r.body["updatedAt"].as_str().unwrap() > before["updatedAt"].as_str().unwrap(),
        "updatedAt moves forward"
    );
    assert_ne!(
        r.body["url"], before["url"],
        "url carries the new updatedAt"
    );
    assert_eq!(
        h.details(JACKET_FRONT).await["tags"],
        json!(["jacket", "red"])
    );

    let r = h
        .patch(
            &format!("/v1/files/{JACKET_FRONT}/details"),
            json!({"tags": null}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["tags"], Value::Null);
}

#[tokio::test]
async fn patch_custom_coordinates_validated_and_cleared() {
    let h = Harness::start().await;
    let path = format!("/v1/files/{JACKET_FRONT}/details");
    let r = h
        .patch(&path, json!({"customCoordinates": "10,20,300,400"}))
        .await;
    assert_eq!(r.body["customCoordinates"], "10,20,300,400");
    for bad in [
        "10,20,300",
        "a,b,c,d",
        "-1,0,10,10",
        "0,0,0,10",
        "1900,0,200,10",
    ] {
        let r = h.patch(&path, json!({"customCoordinates": bad})).await;
        assert_eq!(r.status, 400, "{bad}");
        assert!(
            r.body["message"]
                .as_str()
                .unwrap()
                .contains("customCoordinates")
        );
    }
    assert_eq!(
        h.details(JACKET_FRONT).await["customCoordinates"],
        "10,20,300,400"
    );
    let r = h.patch(&path, json!({"customCoordinates": null})).await;
    assert_eq!(r.body["customCoordinates"], Value::Null);
}

#[tokio::test]
async fn custom_metadata_fields_and_patch_validation() {
    let h = Harness::start().await;
    let r = h
        .post(
            "/v1/customMetadataFields",
            json!({"name": "price", "label": "Price", "schema": {"type": "Number", "minValue": 0, "maxValue": 1000}}),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(r.body["name"], "price");
    assert!(r.body["id"].as_str().is_some());
    let r = h
        .post(
            "/v1/customMetadataFields",
            json!({"name": "channels", "label": "Channels", "schema": {"type": "MultiSelect", "selectOptions": ["web", "email"]}}),
        )
        .await;
    assert_eq!(r.status, 201);
    assert_error(
        &h.post(
            "/v1/customMetadataFields",
            json!({"name": "price", "label": "Price 2", "schema": {"type": "Number"}}),
        )
        .await,
        400,
        "A custom metadata field with this name already exists.",
    );
    assert_eq!(
        h.post(
            "/v1/customMetadataFields",
            json!({"name": "x", "label": "X", "schema": {"type": "Colour"}}),
        )
        .await
        .status,
        400
    );
    let listed = h.get("/v1/customMetadataFields").await;
    let names: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"price") && names.contains(&"channels"));

    let path = format!("/v1/files/{JACKET_FRONT}/details");
    let r = h
        .patch(
            &path,
            json!({"customMetadata": {"price": 120, "channels": ["web"]}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["customMetadata"],
        json!({"season": "summer", "price": 120, "channels": ["web"]}),
        "customMetadata merges"
    );
    let r = h
        .patch(&path, json!({"customMetadata": {"price": null}}))
        .await;
    assert_eq!(
        r.body["customMetadata"],
        json!({"season": "summer", "channels": ["web"]})
    );

    let r = h
        .patch(
            &path,
            json!({"customMetadata": {"price": "cheap", "channels": ["fax"], "nope": 1}}),
        )
        .await;
    assert_error(&r, 400, "Invalid custom metadata.");
    let errors = r.body["errors"].as_object().expect("errors object");
    assert!(
        errors.contains_key("price")
            && errors.contains_key("channels")
            && errors.contains_key("nope")
    );
    let r = h
        .patch(&path, json!({"customMetadata": {"price": 5000}}))
        .await;
    assert_eq!(r.status, 400);
    // Nothing from a rejected request is applied.
    assert_eq!(
        h.details(JACKET_FRONT).await["customMetadata"],
        json!({"season": "summer", "channels": ["web"]})
    );
}

/// What aws auto-tagging with at most 3 tags at ≥ 60 % gives the jacket's front photo.
const JACKET_FRONT_AWS_3_60: [(&str, f64); 3] =
    [("Jacket", 99.78), ("Pattern", 99.28), ("Sky", 96.57)];

#[tokio::test]
async fn patch_remove_ai_tags_runs_before_auto_tagging_extensions() {
    let h = Harness::start().await;
    let path = format!("/v1/files/{JACKET_FRONT}/details");
    let r = h.patch(&path, json!({"removeAITags": ["Sleeve"]})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["AITags"].as_array().unwrap().len(), 1);
    assert_eq!(r.body["AITags"][0]["name"], "Jacket");

    let r = h
        .patch(
            &path,
            json!({"removeAITags": "all", "extensions": [{"name": "aws-auto-tagging", "maxTags": 3, "minConfidence": 60}]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body["extensionStatus"],
        json!({"aws-auto-tagging": "success"})
    );
    let tags = r.body["AITags"].as_array().unwrap();
    // Deterministic: the jacket's own words and the hashed generic labels, ≥ 60 %, the 3
    // most confident.
    let named: Vec<(&str, f64)> = tags
        .iter()
        .map(|t| {
            (
                t["name"].as_str().unwrap(),
                t["confidence"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(named, JACKET_FRONT_AWS_3_60, "maxTags honoured: {tags:?}");
    for t in tags {
        assert_eq!(
            t["source"], "aws-auto-tagging",
            "old google tags were removed first"
        );
        assert!(
            t["confidence"].as_f64().unwrap() >= 60.0,
            "minConfidence honoured"
        );
    }
    // Deterministic: the same request gives the same tags.
    let again = h
        .patch(
            &path,
            json!({"removeAITags": "all", "extensions": [{"name": "aws-auto-tagging", "maxTags": 3, "minConfidence": 60}]}),
        )
        .await;
    assert_eq!(again.body["AITags"], r.body["AITags"]);

    let r = h
        .patch(
            &path,
            json!({"extensions": [{"name": "google-auto-tagging", "maxTags": 5}]}),
        )
        .await;
    assert_eq!(r.status, 400, "minConfidence is required");
    let r = h
        .patch(&format!("/v1/files/{LOOKBOOK}/details"), json!({"extensions": [{"name": "google-auto-tagging", "maxTags": 5, "minConfidence": 10}]}))
        .await;
    assert_eq!(
        r.body["extensionStatus"]["google-auto-tagging"], "failed",
        "PDFs are not auto-tagged"
    );
}

#[tokio::test]
async fn patch_description_publish_and_bad_bodies() {
    let h = Harness::start().await;
    let path = format!("/v1/files/{LOGO}/details");
    let r = h
        .patch(
            &path,
            json!({"description": "The brand mark", "webhookUrl": "https://example.com/hook"}),
        )
        .await;
    assert_eq!(r.body["description"], "The brand mark");
    let r = h
        .patch(
            &path,
            json!({"publish": {"isPublished": false, "includeFileVersions": true}}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body["isPublished"], false);
    assert_eq!(h.patch(&path, json!({"publish": {}})).await.status, 400);
    assert_eq!(
        h.patch(
            &path,
            json!({"publish": {"isPublished": true}, "tags": ["x"]})
        )
        .await
        .status,
        400
    );
    assert_eq!(
        h.patch(&path, json!({"removeAITags": "some"})).await.status,
        400
    );
    assert_eq!(h.patch(&path, json!({"tags": ["50%"]})).await.status, 400);
    assert_eq!(h.patch(&path, json!([1, 2])).await.status, 400);
    let r = h
        .send(
            h.http
                .patch(h.url(&path))
                .basic_auth(KEY, None::<&str>)
                .header("content-type", "application/json")
                .body("{not json"),
        )
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body["message"].as_str().unwrap().contains("JSON"));
    assert_error(
        &h.patch(
            &format!("/v1/files/{UNKNOWN}/details"),
            json!({"tags": ["x"]}),
        )
        .await,
        404,
        "The requested file does not exist.",
    );
}

// ----------------------------------------------------------------------------- request log

fn logged(method: &str, path: &str, status: u16) -> LoggedRequest {
    LoggedRequest {
        method: method.to_owned(),
        path: path.to_owned(),
        status,
    }
}

#[tokio::test]
async fn request_log_counts_every_v1_request_and_nothing_else() {
    let h = Harness::start().await;
    let r = h.get("/_sandbox/requests").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, json!({"total": 0, "recent": []}));
    assert_eq!(h.sandbox.requests(), 0);

    assert_eq!(h.get("/v1/files?limit=1&skip=0").await.status, 200);
    let r = h
        .send(
            h.http
                .post(h.url("/v1/files/addTags"))
                .json(&json!({"fileIds": [LOGO], "tags": ["logged"]})),
        )
        .await;
    assert_eq!(r.status, 401, "no key: {}", r.body);
    let r = h
        .post(
            "/v1/files/addTags",
            json!({"fileIds": [LOGO], "tags": ["logged"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);

    // Not counted: media, the admin routes (with or without the key).
    let media = h
        .http
        .get(h.url("/demo/brand/logo.png?updatedAt=1"))
        .send()
        .await
        .expect("media reaches the sandbox");
    assert_eq!(media.status(), 200);
    assert_eq!(h.get("/_sandbox/faults").await.status, 200);
    let r = h.send(h.http.get(h.url("/_sandbox/requests"))).await;
    assert_eq!(r.status, 401, "the log needs the key: {}", r.body);

    let r = h.get("/_sandbox/requests").await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body,
        json!({
            "total": 3,
            "recent": [
                {"method": "GET", "path": "/v1/files", "status": 200},
                {"method": "POST", "path": "/v1/files/addTags", "status": 401},
                {"method": "POST", "path": "/v1/files/addTags", "status": 200},
            ]
        })
    );
    assert_eq!(h.sandbox.requests(), 3);
    assert_eq!(
        h.sandbox.request_log(),
        vec![
            logged("GET", "/v1/files", 200),
            logged("POST", "/v1/files/addTags", 401),
            logged("POST", "/v1/files/addTags", 200),
        ]
    );

    let r = h.delete("/_sandbox/requests").await;
    assert_eq!(r.status, 204);
    assert_eq!(r.body, Value::Null);
    assert_eq!(h.sandbox.requests(), 0);
    assert!(h.sandbox.request_log().is_empty());
    let r = h.get("/_sandbox/requests").await;
    assert_eq!(r.body, json!({"total": 0, "recent": []}));
}

#[tokio::test]
async fn request_log_counts_injected_faults_dropped_connections_and_unknown_v1_paths() {
    let h = Harness::start().await;
    assert_eq!(
        h.put_faults(json!({"errorRate": 1.0})).await.status,
        200,
        "faults set"
    );
    let failed = h.get("/v1/files").await.status;
    assert!((500..=503).contains(&failed), "{failed}");
    assert_eq!(
        h.put_faults(json!({"resetRate": 1.0})).await.status,
        200,
        "faults set"
    );
    let err = h
        .http
        .get(h.url("/v1/files"))
        .basic_auth(KEY, None::<&str>)
        .send()
        .await
        .expect_err("the connection is dropped");
    assert!(!err.is_status(), "{err}");
    assert_eq!(h.put_faults(json!({})).await.status, 200, "faults set");
    assert_eq!(h.get("/v1/nope").await.status, 404);
    assert_eq!(h.sandbox.requests(), 3);
    assert_eq!(
        h.sandbox.request_log(),
        vec![
            logged("GET", "/v1/files", failed),
            logged("GET", "/v1/files", 0),
            logged("GET", "/v1/nope", 404),
        ],
        "a dropped connection is logged with status 0"
    );
}
