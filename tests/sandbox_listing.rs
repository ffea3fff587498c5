//! The sandbox's file listing over loopback HTTP: paging, all fourteen sort values,
//! parameter errors, path, file-type and folder filters, search queries, and `id IN [...]`
//! read-backs answered by lookup exactly as a scan answers them.

mod common;

use common::*;
use serde_json::Value;

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
