//! The sandbox's bulk calls over loopback HTTP: adding and removing tags in bulk, their
//! validation messages, unknown ids and per-file overflow, and deleting one file or many
//! (all or nothing).

mod common;

use common::*;
use serde_json::{Value, json};

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
