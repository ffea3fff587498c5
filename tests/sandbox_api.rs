//! Every sandbox endpoint and error path, over loopback HTTP.

mod common;

use common::*;
use iktag::sandbox::requests::LoggedRequest;
use serde_json::{Value, json};

const HELP: &str = "For support kindly contact us at support@imagekit.io.";

fn assert_error(r: &Reply, status: u16, message: &str) {
    assert_eq!(r.status, status, "body: {}", r.body);
    assert_eq!(r.body["message"], message, "body: {}", r.body);
    assert_eq!(r.body["help"], HELP);
    assert_eq!(
        r.headers["content-type"], "application/json",
        "errors are JSON"
    );
}

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

// ----------------------------------------------------------------------------- listing

#[tokio::test]
async fn list_is_a_bare_array_in_created_order_with_exact_field_shapes() {
    let h = Harness::start().await;
    let r = h.get("/v1/files").await;
    assert_eq!(r.status, 200);
    assert_eq!(
        ids(&r.body),
        [JACKET_FRONT, JACKET_BACK, LOGO, LOOKBOOK, HIKER, AVATAR]
    );
    let logo = &r.body[2];
    assert_eq!(logo["tags"], Value::Null, "no tags serialises as null");
    assert_eq!(logo["type"], "file");
    assert_eq!(logo["createdAt"], "2022-01-15T08:30:00.000Z");
    assert_eq!(r.body[1]["AITags"], Value::Null);
    assert_eq!(r.body[0]["AITags"][0]["source"], "google-auto-tagging");
    for key in [
        "fileId",
        "type",
        "name",
        "filePath",
        "tags",
        "AITags",
        "versionInfo",
        "isPrivateFile",
        "isPublished",
        "customCoordinates",
        "url",
        "thumbnail",
        "fileType",
        "mime",
        "width",
        "height",
        "size",
        "hasAlpha",
        "customMetadata",
        "createdAt",
        "updatedAt",
    ] {
        assert!(logo.get(key).is_some(), "FileDetails has {key}");
    }
    assert_eq!(
        logo.get("embeddedMetadata"),
        None,
        "a file without embedded metadata has no embeddedMetadata key (never null)"
    );
    // The legacy SDK lists with a trailing slash.
    assert_eq!(h.list_ids("").await, ids(&h.get("/v1/files/").await.body));
}

#[tokio::test]
async fn list_pages_with_skip_and_limit() {
    let h = Harness::start().await;
    assert_eq!(h.list_ids("limit=2").await, [JACKET_FRONT, JACKET_BACK]);
    assert_eq!(h.list_ids("limit=2&skip=2").await, [LOGO, LOOKBOOK]);
    assert_eq!(h.list_ids("limit=2&skip=4").await, [HIKER, AVATAR]);
    assert!(h.list_ids("limit=2&skip=6").await.is_empty());
}

/// The sort key a `sort=…_KEY` orders by, read from a listed file; ties go by `createdAt`.
fn sort_key(f: &Value, key: &str) -> (Value, Value) {
    let field = match key {
        "NAME" => "name",
        "CREATED" | "RELEVANCE" => "createdAt",
        "UPDATED" => "updatedAt",
        "HEIGHT" => "height",
        "WIDTH" => "width",
        "SIZE" => "size",
        other => panic!("no sort key {other}"),
    };
    (f[field].clone(), f["createdAt"].clone())
}

fn cmp_values(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_u64().cmp(&y.as_u64()),
        // Names compare bytewise; timestamps are all in the same ISO format.
        (Value::String(x), Value::String(y)) => x.cmp(y),
        _ => panic!("sort keys {a} and {b} do not compare"),
    }
}

#[tokio::test]
async fn list_sorts_by_all_fourteen_values() {
    // A generated library, where heights and widths do not give the same order (in the
    // six-file fixture they do) and many files share a key.
    let g = Harness::generated(300, 5).await;
    let mut orders = std::collections::HashMap::new();
    for key in [
        "NAME",
        "CREATED",
        "UPDATED",
        "HEIGHT",
        "WIDTH",
        "SIZE",
        "RELEVANCE",
    ] {
        for dir in ["ASC", "DESC"] {
            let r = g
                .get(&format!("/v1/files?type=file&sort={dir}_{key}"))
                .await;
            assert_eq!(r.status, 200, "{dir}_{key}: {}", r.body);
            let files = r.body.as_array().unwrap();
            assert_eq!(files.len(), 300, "{dir}_{key}");
            for pair in files.windows(2) {
                let (a, b) = (sort_key(&pair[0], key), sort_key(&pair[1], key));
                let primary = cmp_values(&a.0, &b.0);
                let order = if dir == "ASC" {
                    primary
                } else {
                    primary.reverse()
                };
                assert_ne!(
                    order,
                    std::cmp::Ordering::Greater,
                    "{dir}_{key}: {} ({}) listed before {} ({})",
                    pair[0]["fileId"],
                    a.0,
                    pair[1]["fileId"],
                    b.0
                );
                if primary.is_eq() && key != "CREATED" && key != "RELEVANCE" {
                    let tie = cmp_values(&a.1, &b.1);
                    let tie = if dir == "ASC" { tie } else { tie.reverse() };
                    assert_ne!(
                        tie,
                        std::cmp::Ordering::Greater,
                        "{dir}_{key}: ties by createdAt"
                    );
                }
            }
            orders.insert(format!("{dir}_{key}"), ids(&r.body));
        }
    }
    for key in ["HEIGHT", "WIDTH"] {
        let distinct: std::collections::HashSet<String> = g
            .get("/v1/files?type=file")
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f[key.to_lowercase()].to_string())
            .collect();
        assert!(
            distinct.len() > 10,
            "{key}: {} distinct values",
            distinct.len()
        );
    }
    assert_ne!(
        orders["ASC_HEIGHT"], orders["ASC_WIDTH"],
        "heights and widths order this library differently"
    );
    assert_eq!(
        orders["ASC_RELEVANCE"], orders["ASC_CREATED"],
        "no search: by creation"
    );

    let h = Harness::start().await;
    assert_eq!(
        h.list_ids("sort=ASC_SIZE").await,
        [AVATAR, LOGO, HIKER, JACKET_BACK, JACKET_FRONT, LOOKBOOK]
    );
    // Paging through a sorted list: each page is the right slice of the whole order.
    assert_eq!(
        h.list_ids("sort=ASC_SIZE&limit=2&skip=1").await,
        [LOGO, HIKER]
    );
    assert_eq!(
        h.list_ids("sort=DESC_SIZE&limit=3").await,
        [LOOKBOOK, JACKET_FRONT, JACKET_BACK]
    );
    assert_eq!(
        h.list_ids("sort=DESC_SIZE&limit=3&skip=3").await,
        [HIKER, LOGO, AVATAR]
    );
    assert_eq!(
        h.list_ids("sort=DESC_CREATED").await,
        [AVATAR, HIKER, LOOKBOOK, LOGO, JACKET_BACK, JACKET_FRONT]
    );
    // Names compare as the API shows them: "Hiker…" sorts before lowercase names.
    assert_eq!(
        h.list_ids("sort=ASC_NAME").await,
        [HIKER, AVATAR, LOGO, LOOKBOOK, JACKET_BACK, JACKET_FRONT]
    );
}

#[tokio::test]
async fn list_parameter_errors_use_the_documented_messages() {
    let h = Harness::start().await;
    assert_error(
        &h.get("/v1/files?skip=-1").await,
        400,
        "The value of skip parameter should be greater than or equal to 0. Value sent is -1.",
    );
    assert_error(
        &h.get("/v1/files?limit=0").await,
        400,
        "Minimum value of limit parameter is 1. Value sent is 0.",
    );
    assert_error(
        &h.get("/v1/files?limit=2000").await,
        400,
        "Maximum value of limit parameter is 1000. Value sent is 2000.",
    );
    assert_error(
        &h.get("/v1/files?sort=BIGGEST").await,
        400,
        "Your request contains invalid value for sort parameters.",
    );
    assert_error(
        &h.get("/v1/files?type=video").await,
        400,
        "Your request contains invalid value for type parameter. Please provide one of the following: file, file-version, folder, all.",
    );
    let r = h.get("/v1/files?limit=ten").await;
    assert_eq!(r.status, 400);
    assert!(r.body["message"].as_str().unwrap().contains("limit"));
    assert_eq!(h.get("/v1/files?fileType=videos").await.status, 400);
}

#[tokio::test]
async fn list_filters_by_path_file_type_and_legacy_params() {
    let h = Harness::start().await;
    // path is one level only.
    assert_eq!(
        h.list_ids("path=/products/jackets/").await,
        [JACKET_FRONT, JACKET_BACK]
    );
    assert_eq!(h.list_ids("path=/products/jackets").await.len(), 2);
    assert!(h.list_ids("path=/products/").await.is_empty());
    assert_eq!(h.list_ids("fileType=non-image").await, [LOOKBOOK]);
    assert_eq!(h.list_ids("fileType=image").await.len(), 5);
    assert_eq!(h.list_ids("tags=lookbook,avatar").await, [LOOKBOOK, AVATAR]);
    assert_eq!(h.list_ids("name=logo.png").await, [LOGO]);
}

#[tokio::test]
async fn list_folders_with_type_folder_and_all() {
    let h = Harness::start().await;
    let r = h.get("/v1/files?type=folder").await;
    assert_eq!(r.status, 200);
    let folders = r.body.as_array().unwrap();
    assert!(folders.iter().all(|f| f["type"] == "folder"));
    let paths: Vec<&str> = folders
        .iter()
        .map(|f| f["folderPath"].as_str().unwrap().trim_end_matches('/'))
        .collect();
    for p in [
        "/products",
        "/products/jackets",
        "/brand",
        "/blog/2023",
        "/users/avatars",
    ] {
        assert!(paths.contains(&p), "folder {p} listed in {paths:?}");
    }
    let r = h.get("/v1/files?type=folder&path=/products/").await;
    let names: Vec<&str> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["jackets"], "path lists one level of folders");
    let all = h.get("/v1/files?type=all").await;
    assert_eq!(all.body.as_array().unwrap().len(), 6 + folders.len());
    assert!(h.list_ids("type=file-version").await.is_empty());
}

#[tokio::test]
async fn search_query_filters_and_reports_malformed_queries() {
    let h = Harness::start().await;
    let s = |query: &str| format!("searchQuery={}", q(query));
    // tags matches tags and AI tag names.
    assert_eq!(
        h.list_ids(&s(r#"tags IN ["Logo", "lookbook"]"#)).await,
        [LOGO, LOOKBOOK]
    );
    assert_eq!(
        h.list_ids(&s(r#"size < "100kb" AND width >= 500"#)).await,
        [LOGO]
    );
    assert_eq!(
        h.list_ids(&s(
            r#"(name : "red-" AND private = false) OR format = "pdf""#
        ))
        .await,
        [JACKET_FRONT, JACKET_BACK, LOOKBOOK]
    );
    assert_eq!(h.list_ids(&s(r#"path : "/products""#)).await.len(), 2);
    assert_eq!(
        h.list_ids(&s(r#"createdAt > "2024-01-01""#)).await,
        [AVATAR]
    );
    assert_eq!(
        h.list_ids(&s(r"tags NOT EXISTS")).await,
        Vec::<String>::new()
    );
    assert_eq!(h.list_ids(&s(r"transparency = true")).await, [LOGO]);
    assert_eq!(h.list_ids(&s(r"published = false")).await, [LOOKBOOK]);
    // searchQuery overrides the legacy params.
    assert_eq!(
        h.list_ids(&format!("{}&name=logo.png", s(r#"format = "pdf""#)))
            .await,
        [LOOKBOOK]
    );
    // With `type` in the query, folders come back too.
    let r = h
        .get(&format!(
            "/v1/files?{}",
            s(r#"type = "folder" AND name = "jackets""#)
        ))
        .await;
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["type"], "folder");

    for bad in [
        r"size >",
        r#"tags IN ["a""#,
        r#"(name = "x""#,
        r#"colour = "red""#,
        "AND",
    ] {
        let r = h.get(&format!("/v1/files?{}", s(bad))).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
        let msg = r.body["message"].as_str().unwrap();
        assert!(msg.contains("position"), "{bad}: message says where: {msg}");
    }
}

// ----------------------------------------------------------------------------- details

/// `id IN [...]` (how clients read back a batch) is answered by lookup; the answer is
/// the one a scan gives: same files, same order, same paging, under every sort.
#[tokio::test]
async fn pinned_ids_answer_exactly_what_a_scan_answers() {
    let h = Harness::generated(600, 5).await;
    let all = h.list_ids("limit=1000").await;
    assert_eq!(all.len(), 600);
    // Out of order, repeated, and one id no file has.
    let picked: Vec<&str> = [597, 3, 250, 3, 0, 411, 599, 42]
        .iter()
        .map(|&i| all[i].as_str())
        .chain(["000000000000000000000000"])
        .collect();
    let list = picked
        .iter()
        .map(|id| format!("\"{id}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let pinned = format!("id IN [{list}]");
    // An OR cannot be answered by lookup: the server scans every file.
    let scanned = format!("{pinned} OR name = \"no such name\"");
    let narrowed = format!("{pinned} AND size > 0");
    for sort in ["ASC_CREATED", "DESC_CREATED", "ASC_NAME", "DESC_SIZE"] {
        for (skip, limit) in [(0, 1000), (2, 3), (6, 5)] {
            let page = |query: &str| {
                format!(
                    "sort={sort}&skip={skip}&limit={limit}&searchQuery={}",
                    q(query)
                )
            };
            let by_lookup = h.list_ids(&page(&pinned)).await;
            let by_scan = h.list_ids(&page(&scanned)).await;
            assert_eq!(by_lookup, by_scan, "{sort} skip {skip} limit {limit}");
            assert_eq!(h.list_ids(&page(&narrowed)).await, by_scan);
        }
    }
    let every = h.list_ids(&format!("searchQuery={}", q(&pinned))).await;
    assert_eq!(every.len(), 7, "7 distinct known ids: {every:?}");
    let mut in_order = every.clone();
    in_order.sort_by_key(|id| all.iter().position(|a| a == id));
    assert_eq!(every, in_order, "the default order is the library's order");
}

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

// ----------------------------------------------------------------------------- bulk tags

#[tokio::test]
async fn add_and_remove_tags_in_bulk() {
    let h = Harness::start().await;
    let r = h
        .post(
            "/v1/files/addTags",
            json!({"fileIds": [LOGO, AVATAR], "tags": ["brand", "avatar"]}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body,
        json!({"successfullyUpdatedFileIds": [LOGO, AVATAR]})
    );
    assert_eq!(strs(&h.details(LOGO).await["tags"]), ["brand", "avatar"]);
    assert_eq!(
        strs(&h.details(AVATAR).await["tags"]),
        ["avatar", "brand"],
        "no duplicates"
    );

    let r = h
        .post(
            "/v1/files/removeTags",
            json!({"fileIds": [LOGO, AVATAR], "tags": ["avatar", "absent"]}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(strs(&h.details(LOGO).await["tags"]), ["brand"]);
    assert_eq!(strs(&h.details(AVATAR).await["tags"]), ["brand"]);

    let r = h
        .post(
            "/v1/files/removeAITags",
            json!({"fileIds": [JACKET_FRONT, AVATAR], "AITags": ["Sleeve", "Person"]}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body["successfullyUpdatedFileIds"],
        json!([JACKET_FRONT, AVATAR])
    );
    assert_eq!(h.details(AVATAR).await["AITags"], Value::Null);
    assert_eq!(
        h.details(JACKET_FRONT).await["AITags"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[tokio::test]
async fn bulk_tag_calls_validate_with_the_documented_messages() {
    let h = Harness::start().await;
    let many: Vec<String> = (0..51).map(|i| format!("{i:024x}")).collect();
    for endpoint in ["/v1/files/addTags", "/v1/files/removeTags"] {
        assert_error(
            &h.post(endpoint, json!({"tags": ["a"]})).await,
            400,
            "fileIds parameter is missing.",
        );
        assert_error(
            &h.post(endpoint, json!({"fileIds": [], "tags": ["a"]}))
                .await,
            400,
            "fileIds is empty.",
        );
        assert_error(
            &h.post(endpoint, json!({"fileIds": LOGO, "tags": ["a"]}))
                .await,
            400,
            "fileIds should be an Array.",
        );
        assert_error(
            &h.post(endpoint, json!({"fileIds": many, "tags": ["a"]}))
                .await,
            400,
            "A maximum of 50 files can be edited at a time.",
        );
        assert_error(
            &h.post(endpoint, json!({"fileIds": [LOGO]})).await,
            400,
            "tags parameter is missing.",
        );
        assert_error(
            &h.post(endpoint, json!({"fileIds": [LOGO], "tags": []}))
                .await,
            400,
            "tags array cannot be empty.",
        );
        let long: Vec<String> = (0..6).map(|i| format!("{i}{}", "x".repeat(99))).collect();
        assert_error(
            &h.post(endpoint, json!({"fileIds": [LOGO], "tags": long}))
                .await,
            400,
            "Your request contains invalid value for tags parameter. Combined length of all tags should be less than or equal to 500.",
        );
        let r = h
            .post(endpoint, json!({"fileIds": [LOGO], "tags": ["100%"]}))
            .await;
        assert_eq!(r.status, 400);
        assert!(r.body["message"].as_str().unwrap().contains('%'));
    }
    assert_error(
        &h.post("/v1/files/removeAITags", json!({"fileIds": [LOGO]}))
            .await,
        400,
        "AITags parameter is missing.",
    );
    assert_error(
        &h.post(
            "/v1/files/removeAITags",
            json!({"fileIds": [LOGO], "AITags": []}),
        )
        .await,
        400,
        "AITags array cannot be empty.",
    );
    let r = h
        .post(
            "/v1/files/removeAITags",
            json!({"fileIds": [LOGO], "AITags": [1]}),
        )
        .await;
    assert!(
        r.body["message"]
            .as_str()
            .unwrap()
            .starts_with("Your request contains invalid value for AITags.")
    );
    assert_eq!(
        h.details(LOGO).await["tags"],
        Value::Null,
        "nothing applied"
    );
}

#[tokio::test]
async fn any_unknown_id_fails_the_whole_bulk_call_with_404() {
    let h = Harness::start().await;
    let r = h
        .post(
            "/v1/files/addTags",
            json!({"fileIds": [LOGO, UNKNOWN, AVATAR], "tags": ["new"]}),
        )
        .await;
    assert_error(&r, 404, "The requested file(s) does not exist.");
    assert_eq!(r.body["missingFileIds"], json!([UNKNOWN]));
    assert_eq!(
        h.details(LOGO).await["tags"],
        Value::Null,
        "nothing applied"
    );
    assert_eq!(
        strs(&h.details(AVATAR).await["tags"]),
        ["avatar"],
        "nothing applied"
    );
    let r = h
        .post(
            "/v1/files/removeAITags",
            json!({"fileIds": [JACKET_FRONT, UNKNOWN], "AITags": ["Jacket"]}),
        )
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(r.body["missingFileIds"], json!([UNKNOWN]));
    assert_eq!(
        h.details(JACKET_FRONT).await["AITags"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

// ----------------------------------------------------------------------------- delete

#[tokio::test]
async fn delete_one_file() {
    let h = Harness::start().await;
    let r = h.delete(&format!("/v1/files/{LOOKBOOK}")).await;
    assert_eq!(r.status, 204);
    assert_eq!(r.body, Value::Null, "204 has no body");
    assert_error(
        &h.delete(&format!("/v1/files/{LOOKBOOK}")).await,
        404,
        "The requested file does not exist.",
    );
    assert_error(
        &h.delete("/v1/files/xyz").await,
        400,
        "Your request contains invalid fileId parameter.",
    );
    assert_eq!(h.list_ids("").await.len(), 5);
    // Python sends Content-Type: application/json on a DELETE without a body.
    let r = h
        .send(
            h.http
                .delete(h.url(&format!("/v1/files/{LOGO}")))
                .basic_auth(KEY, Some("do_not_set"))
                .header("content-type", "application/json"),
        )
        .await;
    assert_eq!(r.status, 204);
}

#[tokio::test]
async fn bulk_delete_is_all_or_nothing() {
    let h = Harness::start().await;
    let r = h
        .post(
            "/v1/files/batch/deleteByFileIds",
            json!({"fileIds": [LOGO, UNKNOWN]}),
        )
        .await;
    assert_error(&r, 404, "The requested file(s) does not exist.");
    assert_eq!(r.body["missingFileIds"], json!([UNKNOWN]));
    assert_eq!(h.list_ids("").await.len(), 6, "nothing deleted");

    let many: Vec<String> = (0..101).map(|i| format!("{i:024x}")).collect();
    assert_error(
        &h.post("/v1/files/batch/deleteByFileIds", json!({"fileIds": many}))
            .await,
        400,
        "fileIds cannot have more than 100 items.",
    );
    assert_error(
        &h.post("/v1/files/batch/deleteByFileIds", json!({})).await,
        400,
        "fileIds parameter is missing.",
    );
    assert_error(
        &h.post("/v1/files/batch/deleteByFileIds", json!({"fileIds": []}))
            .await,
        400,
        "fileIds is empty.",
    );

    let r = h
        .post(
            "/v1/files/batch/deleteByFileIds",
            json!({"fileIds": [LOGO, AVATAR]}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        r.body,
        json!({"successfullyDeletedFileIds": [LOGO, AVATAR]})
    );
    assert_eq!(
        h.list_ids("").await,
        [JACKET_FRONT, JACKET_BACK, LOOKBOOK, HIKER]
    );
}

#[tokio::test]
async fn add_tags_that_would_overflow_one_file_fail_only_that_file() {
    let h = Harness::start().await;
    let long: Vec<String> = (0..9).map(|i| format!("{i}{}", "y".repeat(49))).collect();
    let r = h
        .patch(&format!("/v1/files/{LOGO}/details"), json!({"tags": long}))
        .await;
    assert_eq!(r.status, 200, "450 characters of tags are allowed");
    let r = h
        .post(
            "/v1/files/addTags",
            json!({"fileIds": [LOGO, AVATAR], "tags": ["z".repeat(60)]}),
        )
        .await;
    assert_eq!(r.status, 207, "{}", r.body);
    assert_eq!(r.body["successfullyUpdatedFileIds"], json!([AVATAR]));
    assert_eq!(r.body["errors"][0]["fileId"], LOGO);
    assert!(
        r.body["errors"][0]["error"]
            .as_str()
            .unwrap()
            .contains("500")
    );
    assert_eq!(
        strs(&h.details(LOGO).await["tags"]).len(),
        9,
        "the failed file is untouched"
    );
    assert_eq!(strs(&h.details(AVATAR).await["tags"]).len(), 2);
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
