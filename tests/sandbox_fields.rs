//! The sandbox against the `ImageKit` `OpenAPI` spec: `embeddedMetadata`, and the custom
//! metadata field endpoints (`GET`/`POST /v1/customMetadataFields`, `PATCH`/`DELETE
//! /v1/customMetadataFields/{id}`), over loopback HTTP.

mod common;

use std::path::Path;

use common::*;
use iktag::sandbox::{SandboxConfig, SeedSource};
use serde_json::{Value, json};

const HELP: &str = "For support kindly contact us at support@imagekit.io.";
const FIELDS: &str = "/v1/customMetadataFields";

fn assert_error(r: &Reply, status: u16, message: &str) {
    assert_eq!(r.status, status, "body: {}", r.body);
    assert_eq!(r.body["message"], message, "body: {}", r.body);
    assert_eq!(r.body["help"], HELP);
    assert_eq!(
        r.body.as_object().map(serde_json::Map::len),
        Some(2),
        "{}",
        r.body
    );
}

/// A POST with a body sent exactly as written (JSON spellings serde would normalise).
async fn post_raw(h: &Harness, path: &str, body: &str) -> Reply {
    h.send(
        h.http
            .post(h.url(path))
            .basic_auth(KEY, None::<&str>)
            .header("content-type", "application/json")
            .body(body.to_owned()),
    )
    .await
}

async fn create(h: &Harness, body: Value) -> Value {
    let r = h.post(FIELDS, body).await;
    assert_eq!(r.status, 201, "{}", r.body);
    r.body
}

/// The names listed by `GET /v1/customMetadataFields{query}`.
async fn names(h: &Harness, query: &str) -> Vec<String> {
    let r = h.get(&format!("{FIELDS}{query}")).await;
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    r.body
        .as_array()
        .expect("a bare array")
        .iter()
        .map(|f| f["name"].as_str().expect("name").to_owned())
        .collect()
}

fn field_path(id: &Value) -> String {
    format!("{FIELDS}/{}", id.as_str().expect("id"))
}

fn set_metadata_path() -> String {
    format!("/v1/files/{LOGO}/details")
}

// ------------------------------------------------------------------- embeddedMetadata

#[tokio::test]
async fn embedded_metadata_is_an_object_or_left_out_never_null() {
    let h = Harness::start().await;
    let listed = h.get("/v1/files").await;
    for f in listed.body.as_array().unwrap() {
        assert_eq!(f.get("embeddedMetadata"), None, "{}", f["fileId"]);
    }
    assert_eq!(h.details(LOGO).await.get("embeddedMetadata"), None);
    let r = h.patch(&set_metadata_path(), json!({"tags": ["x"]})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.get("embeddedMetadata"), None, "PATCH answer too");

    // Generated photos carry camera metadata; the rest have none.
    let h = Harness::generated(60, 7).await;
    let listed = h.get("/v1/files").await;
    let files = listed.body.as_array().unwrap();
    let with: Vec<&Value> = files
        .iter()
        .filter(|f| f.get("embeddedMetadata").is_some())
        .collect();
    assert!(!with.is_empty() && with.len() < files.len());
    for f in with {
        assert!(
            f["embeddedMetadata"].is_object(),
            "{}",
            f["embeddedMetadata"]
        );
        let id = f["fileId"].as_str().unwrap();
        assert_eq!(
            h.details(id).await["embeddedMetadata"],
            f["embeddedMetadata"]
        );
    }
}

// ------------------------------------------------------------------- POST schemas

#[tokio::test]
async fn create_takes_whole_numbers_in_any_spelling_and_never_shows_parser_wording() {
    let h = Harness::start().await;
    let r = post_raw(
        &h,
        FIELDS,
        r#"{"name":"headline","label":"Headline","schema":{"type":"Text","minLength":1e0,"maxLength":100.0}}"#,
    )
    .await;
    assert_eq!(r.status, 201, "{}", r.body);
    assert_eq!(
        r.body["schema"],
        json!({"type": "Text", "minLength": 1, "maxLength": 100})
    );
    // The length is enforced as sent: 100 characters pass, 101 do not.
    let path = set_metadata_path();
    let ok = h
        .patch(
            &path,
            json!({"customMetadata": {"headline": "a".repeat(100)}}),
        )
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let long = h
        .patch(
            &path,
            json!({"customMetadata": {"headline": "a".repeat(101)}}),
        )
        .await;
    assert_eq!(
        long.body["errors"]["headline"],
        "must be at most 100 characters long"
    );

    let bad = |schema: &str| format!(r#"{{"name":"n","label":"N","schema":{schema}}}"#);
    let prefix = "Your request contains invalid value for schema parameter.";
    for (schema, why) in [
        (
            r#"{"type":"Text","maxLength":100.5}"#,
            "schema.maxLength should be a whole number, 0 or more.",
        ),
        (
            r#"{"type":"Text","maxLength":"100"}"#,
            "schema.maxLength should be a whole number, 0 or more.",
        ),
        (
            r#"{"type":"Text","minLength":-1}"#,
            "schema.minLength should be a whole number, 0 or more.",
        ),
        (
            r#"{"type":"Colour"}"#,
            "schema.type should be one of Text, Textarea, Number, Date, Boolean, SingleSelect, MultiSelect.",
        ),
        (
            r#"{"type":"Number","minValue":"cheap"}"#,
            "schema.minValue should be a number.",
        ),
        (
            r#"{"type":"Number","maxLength":3}"#,
            "schema.maxLength can only be set on Text and Textarea fields.",
        ),
        ("[1]", "schema should be an object."),
    ] {
        let r = post_raw(&h, FIELDS, &bad(schema)).await;
        assert_error(&r, 400, &format!("{prefix} {why}"));
    }
    let r = post_raw(&h, FIELDS, r#"{"name":"#).await;
    assert_error(
        &r,
        400,
        "Your request contains invalid JSON (line 1, column 8).",
    );
    assert_eq!(
        names(&h, "").await,
        ["season", "headline"],
        "nothing else was created"
    );
}

// ------------------------------------------------------------------- GET parameters

#[tokio::test]
async fn list_checks_include_deleted_and_folder_path() {
    let h = Harness::start().await;
    create(
        &h,
        json!({"name": "brand", "label": "Brand", "schema": {"type": "Text"}}),
    )
    .await;
    let all = ["season", "brand"];
    for query in [
        "",
        "?includeDeleted=false",
        "?includeDeleted=true",
        "?folderPath=/",
        "?folderPath=/products/jackets",
        "?folderPath=/products/&includeDeleted=false",
        "?folderPath=",
    ] {
        assert_eq!(names(&h, query).await, all, "{query}");
    }
    for value in ["yes", "1", "TRUE", ""] {
        let r = h.get(&format!("{FIELDS}?includeDeleted={value}")).await;
        assert_error(
            &r,
            400,
            "Your request contains invalid value for includeDeleted parameter. It should be true or false.",
        );
    }
    for value in ["products", "/a//b", "/a/../b", "/a/./b", "/a%0Ab"] {
        let r = h.get(&format!("{FIELDS}?folderPath={value}")).await;
        assert_error(
            &r,
            400,
            "Your request contains invalid value for folderPath parameter. It should be a folder path such as /path/to/folder.",
        );
    }
}

// ------------------------------------------------------------------- PATCH

#[tokio::test]
async fn patch_changes_label_and_schema_but_never_name_or_type() {
    let h = Harness::start().await;
    let field = create(
        &h,
        json!({"name": "headline", "label": "Headline", "schema": {"type": "Text", "maxLength": 50}}),
    )
    .await;
    let path = field_path(&field["id"]);
    let r = h
        .patch(
            &path,
            json!({"label": "Title", "schema": {"type": "Number", "maxLength": 5.0}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.body,
        json!({"id": field["id"], "name": "headline", "label": "Title",
               "schema": {"type": "Text", "maxLength": 5}}),
        "type is ignored, the schema is replaced"
    );
    assert_eq!(h.get(FIELDS).await.body[1], r.body, "listed as updated");
    let r = h
        .patch(
            &set_metadata_path(),
            json!({"customMetadata": {"headline": "sixsix"}}),
        )
        .await;
    assert_eq!(
        r.body["errors"]["headline"],
        "must be at most 5 characters long"
    );
    let r = h.patch(&path, json!({"label": "Caption"})).await;
    assert_eq!(
        r.body["schema"]["maxLength"], 5,
        "a label alone keeps the schema"
    );

    for (body, status, message) in [
        (json!({"name": "other"}), 400, "Name cannot be updated."),
        (json!({}), 400, "Either label or schema should be provided."),
        (
            json!({"label": "season"}),
            400,
            "A custom metadata field with this label already exists.",
        ),
        (
            json!({"schema": {"maxLength": "5"}}),
            400,
            "Invalid schema object. schema.maxLength should be a whole number, 0 or more.",
        ),
        (
            json!({"label": 7}),
            400,
            "Your request contains invalid value for label parameter. It should be a non-empty string.",
        ),
    ] {
        assert_error(&h.patch(&path, body).await, status, message);
    }
    assert_eq!(
        h.patch(&path, json!({"name": "headline", "label": "Caption"}))
            .await
            .status,
        200,
        "the same name is not a change"
    );
    let unknown = h
        .patch(&format!("{FIELDS}/{UNKNOWN}"), json!({"label": "x"}))
        .await;
    assert_error(&unknown, 404, "No such custom metadata field exists.");
    let malformed = h
        .patch(&format!("{FIELDS}/nope"), json!({"label": "x"}))
        .await;
    assert_error(
        &malformed,
        400,
        "Your request contains invalid ID parameter.",
    );
}

// ------------------------------------------------------------------- DELETE

#[tokio::test]
async fn delete_hides_the_field_refuses_its_values_and_keeps_its_name() {
    let h = Harness::start().await;
    let field = create(
        &h,
        json!({"name": "brand", "label": "Brand", "schema": {"type": "Text"}}),
    )
    .await;
    let path = field_path(&field["id"]);
    let file = set_metadata_path();
    let r = h
        .patch(&file, json!({"customMetadata": {"brand": "Nike"}}))
        .await;
    assert_eq!(r.status, 200);

    let r = h
        .send(h.http.delete(h.url(&path)).basic_auth(KEY, None::<&str>))
        .await;
    assert_eq!(r.status, 204);
    assert_eq!(r.body, Value::Null, "no body");
    assert_eq!(names(&h, "").await, ["season"]);
    assert_eq!(names(&h, "?includeDeleted=true").await, ["season", "brand"]);

    let r = h
        .patch(&file, json!({"customMetadata": {"brand": "Adidas"}}))
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["message"], "Invalid custom metadata.");
    assert_eq!(
        r.body["errors"],
        json!({"brand": "The custom metadata field \"brand\" has been deleted."})
    );
    let r = h
        .patch(&file, json!({"customMetadata": {"brand": null}}))
        .await;
    assert_eq!(r.status, 200, "a kept value can still be removed");
    assert_eq!(r.body["customMetadata"].get("brand"), None);

    assert_error(
        &h.post(
            FIELDS,
            json!({"name": "brand", "label": "Brand 2", "schema": {"type": "Text"}}),
        )
        .await,
        400,
        "A custom metadata field with this name already exists.",
    );
    create(
        &h,
        json!({"name": "maker", "label": "Brand", "schema": {"type": "Text"}}),
    )
    .await;
    assert_error(
        &h.patch(&path, json!({"label": "x"})).await,
        400,
        "Cannot update a deleted custom metadata fields.",
    );
    assert_error(
        &h.delete(&path).await,
        404,
        "No such custom metadata field exists.",
    );
    assert_error(
        &h.delete(&format!("{FIELDS}/{UNKNOWN}")).await,
        404,
        "No such custom metadata field exists.",
    );
    assert_error(
        &h.delete(&format!("{FIELDS}/nope")).await,
        400,
        "Your request contains invalid ID parameter.",
    );
}

// ------------------------------------------------------------------- --data

async fn start_on(dir: &Path) -> Harness {
    let mut cfg = SandboxConfig::ephemeral(KEY, SeedSource::File(fixture()));
    cfg.data_dir = Some(dir.to_path_buf());
    Harness::with_config(cfg).await
}

#[tokio::test]
async fn updated_and_deleted_fields_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let h = start_on(dir.path()).await;
    let brand = create(
        &h,
        json!({"name": "brand", "label": "Brand", "schema": {"type": "Text"}}),
    )
    .await;
    let price = create(
        &h,
        json!({"name": "price", "label": "Price", "schema": {"type": "Number"}}),
    )
    .await;
    let r = h
        .patch(&field_path(&brand["id"]), json!({"label": "Maker"}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(h.delete(&field_path(&price["id"])).await.status, 204);
    h.sandbox.stop().await;

    let h = start_on(dir.path()).await;
    let listed = h.get(FIELDS).await.body;
    let brand_now = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "brand")
        .expect("brand is listed");
    assert_eq!(brand_now["label"], "Maker");
    let mut live = names(&h, "").await;
    live.sort();
    assert_eq!(live, ["brand", "season"]);
    let mut all = names(&h, "?includeDeleted=true").await;
    all.sort();
    assert_eq!(all, ["brand", "price", "season"]);
    assert_error(
        &h.post(
            FIELDS,
            json!({"name": "price", "label": "Cost", "schema": {"type": "Number"}}),
        )
        .await,
        400,
        "A custom metadata field with this name already exists.",
    );
    let r = h
        .patch(
            &set_metadata_path(),
            json!({"customMetadata": {"price": 3}}),
        )
        .await;
    assert_eq!(r.body["message"], "Invalid custom metadata.");
}
