//! The `ImageKit` media-library endpoints: validation, store transactions, responses.
//!
//! Handlers validate the whole request first, then apply it in one store transaction.
//! Fault injection lives in [`super::faults`]; a handler only consults the per-file
//! failures that layer planned for this request ([`InjectedFailures`]).

use std::collections::HashSet;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Json, Router};
use serde::Serialize;
use serde_json::{Map, Value, json};

use super::error::SandboxError;
use super::media::UrlEndpoint;
use super::search::{self, EvalContext};
use super::{Shared, extensions};
use crate::model::{
    BulkDeleteResponse, BulkUpdateResponse, CustomMetadataField, FieldSchema, FieldType,
    FileDetails, FileError, FileKind, FolderDetails, Timestamp,
};

/// Per-file failures the fault layer decided to simulate for this request.
#[derive(Debug, Clone, Default)]
pub struct InjectedFailures(pub HashSet<String>);

const MAX_TAG_CHARS: usize = 500;

/// The `/v1` routes (auth is applied by the caller).
pub fn routes() -> Router<Shared> {
    Router::new()
        .route("/v1/files", get(list_files))
        .route("/v1/files/", get(list_files))
        .route(
            "/v1/files/{id}/details",
            get(get_details).patch(patch_details),
        )
        .route("/v1/files/{id}", axum::routing::delete(delete_file))
        .route("/v1/files/addTags", post(add_tags))
        .route("/v1/files/removeTags", post(remove_tags))
        .route("/v1/files/removeAITags", post(remove_ai_tags))
        .route("/v1/files/batch/deleteByFileIds", post(bulk_delete))
        .route(
            "/v1/customMetadataFields",
            get(list_fields).post(create_field),
        )
        .route("/api/v1/files/upload", post(upload_not_emulated))
        .route("/api/v2/files/upload", post(upload_not_emulated))
}

/// SDKs with an overridden base URL send uploads here; the sandbox does not store media.
async fn upload_not_emulated() -> SandboxError {
    SandboxError::new(
        StatusCode::NOT_IMPLEMENTED,
        "Upload is not emulated by the iktag sandbox. Start it with --seed FILE or --files N to get a library.",
    )
}

// ---------------------------------------------------------------------------------------
// Listing and search

#[derive(Clone, Copy, PartialEq, Eq)]
enum TypeFilter {
    File,
    FileVersion,
    Folder,
    All,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Name,
    Created,
    Updated,
    Height,
    Width,
    Size,
    Relevance,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileTypeFilter {
    All,
    Image,
    NonImage,
}

struct ListParams {
    kind: TypeFilter,
    sort: SortKey,
    descending: bool,
    path: Option<String>,
    file_type: FileTypeFilter,
    limit: usize,
    skip: usize,
    query: Option<search::Query>,
    tags: Option<Vec<String>>,
    name: Option<String>,
}

fn parse_list_params(
    raw: Option<&str>,
    store_fields: &[CustomMetadataField],
) -> Result<ListParams, SandboxError> {
    let pairs: Vec<(String, String)> = form_urlencoded::parse(raw.unwrap_or("").as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let get = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };

    let kind = match get("type") {
        None | Some("file") => TypeFilter::File,
        Some("file-version") => TypeFilter::FileVersion,
        Some("folder") => TypeFilter::Folder,
        Some("all") => TypeFilter::All,
        Some(_) => {
            return Err(SandboxError::bad_request(
                "Your request contains invalid value for type parameter. Please provide one of the following: file, file-version, folder, all.",
            ));
        }
    };
    let (descending, sort) = match get("sort") {
        None => (false, SortKey::Created),
        Some(s) => parse_sort(s).ok_or_else(|| {
            SandboxError::bad_request("Your request contains invalid value for sort parameters.")
        })?,
    };
    let file_type = match get("fileType") {
        None | Some("all") => FileTypeFilter::All,
        Some("image") => FileTypeFilter::Image,
        Some("non-image") => FileTypeFilter::NonImage,
        Some(_) => {
            return Err(SandboxError::bad_request(
                "Your request contains invalid value for fileType parameter. Please provide one of the following: all, image, non-image.",
            ));
        }
    };
    let limit = match get("limit") {
        None => 1000,
        Some(v) => {
            let n = parse_int(v, "limit")?;
            if n < 1 {
                return Err(SandboxError::bad_request(format!(
                    "Minimum value of limit parameter is 1. Value sent is {v}."
                )));
            }
            if n > 1000 {
                return Err(SandboxError::bad_request(format!(
                    "Maximum value of limit parameter is 1000. Value sent is {v}."
                )));
            }
            n as usize
        }
    };
    let skip = match get("skip") {
        None => 0,
        Some(v) => {
            let n = parse_int(v, "skip")?;
            if n < 0 {
                return Err(SandboxError::bad_request(format!(
                    "The value of skip parameter should be greater than or equal to 0. Value sent is {v}."
                )));
            }
            usize::try_from(n).unwrap_or(usize::MAX)
        }
    };
    let query = match get("searchQuery").map(str::trim) {
        None | Some("") => None,
        Some(q) => {
            let parsed = search::parse(q).map_err(|e| SandboxError::bad_request(e.message))?;
            parsed
                .validate(store_fields)
                .map_err(|e| SandboxError::bad_request(e.message))?;
            Some(parsed)
        }
    };
    let path = get("path").filter(|p| !p.is_empty()).map(folder_key);
    // Legacy parameters, ignored when searchQuery is present (as the API documents).
    let (kind, tags, name) = match &query {
        Some(q) => (
            if q.mentions_type() {
                TypeFilter::All
            } else {
                TypeFilter::File
            },
            None,
            None,
        ),
        None => (
            kind,
            get("tags").map(|t| {
                t.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            }),
            get("name").map(str::to_owned),
        ),
    };
    Ok(ListParams {
        kind,
        sort,
        descending,
        path,
        file_type,
        limit,
        skip,
        query,
        tags,
        name,
    })
}

fn parse_int(v: &str, name: &str) -> Result<i64, SandboxError> {
    v.trim().parse::<i64>().map_err(|_| {
        SandboxError::bad_request(format!(
            "Your request contains invalid value for {name} parameter. It should be an integer. Value sent is {v}."
        ))
    })
}

fn parse_sort(s: &str) -> Option<(bool, SortKey)> {
    let (desc, key) = if let Some(k) = s.strip_prefix("ASC_") {
        (false, k)
    } else if let Some(k) = s.strip_prefix("DESC_") {
        (true, k)
    } else {
        return None;
    };
    let key = match key {
        "NAME" => SortKey::Name,
        "CREATED" => SortKey::Created,
        "UPDATED" => SortKey::Updated,
        "HEIGHT" => SortKey::Height,
        "WIDTH" => SortKey::Width,
        "SIZE" => SortKey::Size,
        "RELEVANCE" => SortKey::Relevance,
        _ => return None,
    };
    Some((desc, key))
}

/// Normalises a folder path to `/a/b/` form (leading and trailing slash).
pub fn folder_key(p: &str) -> String {
    let trimmed = p.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        format!("/{trimmed}/")
    }
}

/// The folder that contains a folder, in `/a/` form.
fn folder_parent(folder_path: &str) -> String {
    let trimmed = folder_path.trim_matches('/');
    match trimmed.rfind('/') {
        Some(i) => folder_key(&trimmed[..i]),
        None => "/".to_owned(),
    }
}

#[derive(Clone, Copy)]
enum Item<'a> {
    File(&'a FileDetails),
    Folder(&'a FolderDetails),
}

/// A list page as answered: files with their URLs on the request's endpoint.
struct Page<'a> {
    items: &'a [Item<'a>],
    endpoint: &'a UrlEndpoint,
}

impl Serialize for Page<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        for item in self.items {
            match item {
                Item::File(f) => seq.serialize_element(&self.endpoint.serve(f))?,
                Item::Folder(f) => seq.serialize_element(f)?,
            }
        }
        seq.end()
    }
}

impl Item<'_> {
    fn cmp_by(&self, other: &Item<'_>, key: SortKey) -> std::cmp::Ordering {
        let num = |i: &Item<'_>| -> u64 {
            match i {
                Item::File(f) => match key {
                    SortKey::Height => u64::from(f.height),
                    SortKey::Width => u64::from(f.width),
                    SortKey::Size => f.size,
                    _ => 0,
                },
                Item::Folder(_) => 0,
            }
        };
        let created = |i: &Item<'_>| match i {
            Item::File(f) => f.created_at,
            Item::Folder(f) => f.created_at,
        };
        let primary = match key {
            SortKey::Name => self.name().cmp(other.name()),
            SortKey::Created | SortKey::Relevance => created(self).cmp(&created(other)),
            SortKey::Updated => self.updated().cmp(&other.updated()),
            SortKey::Height | SortKey::Width | SortKey::Size => num(self).cmp(&num(other)),
        };
        primary
            .then_with(|| created(self).cmp(&created(other)))
            .then_with(|| self.id().cmp(other.id()))
    }

    fn name(&self) -> &str {
        match self {
            Item::File(f) => &f.name,
            Item::Folder(f) => &f.name,
        }
    }

    fn id(&self) -> &str {
        match self {
            Item::File(f) => &f.file_id,
            Item::Folder(f) => &f.folder_id,
        }
    }

    fn updated(&self) -> Timestamp {
        match self {
            Item::File(f) => f.updated_at,
            Item::Folder(f) => f.updated_at,
        }
    }
}

async fn list_files(
    State(state): State<Shared>,
    endpoint: UrlEndpoint,
    RawQuery(raw): RawQuery,
) -> Result<Response, SandboxError> {
    let store = state.read_store();
    let p = parse_list_params(raw.as_deref(), store.fields())?;
    let ctx = EvalContext {
        now: Timestamp::now(),
        fields: store.fields(),
    };
    // `all` means files and folders, never file versions.
    // A searchQuery that names `type` decides the kinds itself.
    let version_wanted = p.kind == TypeFilter::FileVersion;
    let query_picks_type = p.query.as_ref().is_some_and(search::Query::mentions_type);
    let file_ok = |f: &FileDetails| -> bool {
        if !query_picks_type && (f.kind == FileKind::FileVersion) != version_wanted {
            return false;
        }
        match p.file_type {
            FileTypeFilter::All => {}
            FileTypeFilter::Image if f.file_type != "image" => return false,
            FileTypeFilter::NonImage if f.file_type == "image" => return false,
            _ => {}
        }
        if let Some(path) = &p.path
            && f.folder() != path
        {
            return false;
        }
        if let Some(tags) = &p.tags
            && !f.tags.iter().any(|t| tags.contains(t))
        {
            return false;
        }
        if let Some(name) = &p.name
            && &f.name != name
        {
            return false;
        }
        match &p.query {
            Some(q) => q.matches_file(f, &ctx),
            None => true,
        }
    };
    let folder_ok = |f: &FolderDetails| -> bool {
        if p.file_type == FileTypeFilter::Image {
            return false;
        }
        if let Some(path) = &p.path
            && folder_parent(&f.folder_path) != *path
        {
            return false;
        }
        if let Some(name) = &p.name
            && &f.name != name
        {
            return false;
        }
        match &p.query {
            Some(q) => q.matches_folder(f, &ctx),
            None => p.tags.is_none(),
        }
    };

    let want_files = p.kind != TypeFilter::Folder;
    let want_folders = matches!(p.kind, TypeFilter::Folder | TypeFilter::All);
    // Files are kept in ascending (createdAt, id) order, so the default sort needs no
    // sorting and can stop as soon as the page is full.
    let page: Vec<Item<'_>> =
        if !want_folders && matches!(p.sort, SortKey::Created | SortKey::Relevance) {
            let files = store.files();
            let iter: Box<dyn Iterator<Item = &FileDetails>> = if !want_files {
                Box::new(std::iter::empty())
            } else if p.descending {
                Box::new(files.iter().rev())
            } else {
                Box::new(files.iter())
            };
            iter.filter(|f| file_ok(f))
                .skip(p.skip)
                .take(p.limit)
                .map(Item::File)
                .collect()
        } else {
            let mut all: Vec<Item<'_>> = Vec::new();
            if want_folders {
                all.extend(
                    store
                        .folders()
                        .iter()
                        .filter(|f| folder_ok(f))
                        .map(Item::Folder),
                );
            }
            if want_files {
                all.extend(store.files().iter().filter(|f| file_ok(f)).map(Item::File));
            }
            let order = |a: &Item<'_>, b: &Item<'_>| {
                let o = a.cmp_by(b, p.sort);
                if p.descending { o.reverse() } else { o }
            };
            // Only the requested page needs sorting: partition it out first (O(n)).
            let wanted = p.skip.saturating_add(p.limit);
            if wanted < all.len() {
                all.select_nth_unstable_by(wanted, order);
                all.truncate(wanted);
            }
            all.sort_unstable_by(order);
            all.into_iter().skip(p.skip).take(p.limit).collect()
        };
    let body = serde_json::to_vec(&Page {
        items: &page,
        endpoint: &endpoint,
    })
    .map_err(|_| SandboxError::internal())?;
    drop(store);
    Ok(json_bytes(StatusCode::OK, body))
}

fn json_bytes(status: StatusCode, body: Vec<u8>) -> Response {
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

// ---------------------------------------------------------------------------------------
// Single-file endpoints

/// True for a 24-hex ObjectId-like id.
fn is_object_id(id: &str) -> bool {
    id.len() == 24 && id.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Resolves a path id: 400 if malformed, 404 if unknown.
fn lookup<'a>(store: &'a super::store::Store, id: &str) -> Result<&'a FileDetails, SandboxError> {
    match store.file(id) {
        Some(f) => Ok(f),
        None if is_object_id(id) => Err(SandboxError::file_not_found()),
        None => Err(SandboxError::invalid_file_id()),
    }
}

async fn get_details(
    State(state): State<Shared>,
    endpoint: UrlEndpoint,
    Path(id): Path<String>,
) -> Result<Response, SandboxError> {
    let store = state.read_store();
    let f = lookup(&store, &id)?;
    let body = serde_json::to_vec(&endpoint.serve(f)).map_err(|_| SandboxError::internal())?;
    Ok(json_bytes(StatusCode::OK, body))
}

async fn delete_file(
    State(state): State<Shared>,
    Path(id): Path<String>,
) -> Result<Response, SandboxError> {
    let mut store = state.write_store();
    lookup(&store, &id)?;
    store.delete_files(&[id])?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn patch_details(
    State(state): State<Shared>,
    endpoint: UrlEndpoint,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let body = json_object(&body)?;
    let mut store = state.write_store();
    let current = lookup(&store, &id)?;
    let mut file = current.clone();
    let mut delay = None;
    let mut defer = || {
        delay = state.faults.pending();
        delay.is_some()
    };
    let (status, deferred) = match apply_update(&mut file, &body, store.fields(), &mut defer)? {
        Some((status, deferred)) => (Some(status), deferred),
        None => (None, Vec::new()),
    };
    let stored = store
        .update_files(vec![file])?
        .pop()
        .ok_or_else(SandboxError::internal)?;
    drop(store);
    if let Some(delay) = delay.filter(|_| !deferred.is_empty()) {
        finish_later(state.clone(), id, deferred, delay);
    }
    Ok((
        StatusCode::OK,
        Json(Updated {
            file: endpoint.serve(&stored),
            extension_status: status,
        }),
    )
        .into_response())
}

/// Runs `pending` extensions after `delay` and stores their result (a file deleted in
/// the meantime is left alone).
fn finish_later(
    state: Shared,
    id: String,
    deferred: Vec<extensions::Extension>,
    delay: std::time::Duration,
) {
    tokio::spawn(async move {
        tokio::time::sleep(delay).await;
        let mut store = state.write_store();
        let Some(mut file) = store.file(&id).cloned() else {
            return;
        };
        extensions::run(&mut file, &deferred, &mut || false);
        if let Err(e) = store.update_files(vec![file]) {
            tracing::warn!(error = %e, file = %id, "could not store a pending extension's result");
        }
    });
}

/// The PATCH response: the file's fields in API order, plus `extensionStatus` when asked.
#[derive(Serialize)]
struct Updated<'a> {
    #[serde(flatten)]
    file: super::media::Served<'a>,
    #[serde(rename = "extensionStatus", skip_serializing_if = "Option::is_none")]
    extension_status: Option<Map<String, Value>>,
}

/// Parses a request body that must be a JSON object.
fn json_object(body: &[u8]) -> Result<Map<String, Value>, SandboxError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(SandboxError::bad_request(
            "Your request body is empty. Please send a JSON object.",
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(SandboxError::bad_request(
            "Your request body should be a JSON object.",
        )),
        Err(e) => Err(SandboxError::bad_request(format!(
            "Your request contains invalid JSON: {e}."
        ))),
    }
}

/// Applies a PATCH body to a copy of the file. Returns the `extensionStatus` if the
/// request had extensions. Validates everything before changing anything.
fn apply_update(
    file: &mut FileDetails,
    body: &Map<String, Value>,
    fields: &[CustomMetadataField],
    defer: &mut dyn FnMut() -> bool,
) -> Result<Option<extensions::Ran>, SandboxError> {
    if let Some(publish) = body.get("publish") {
        if body.keys().any(|k| k != "publish") {
            return Err(SandboxError::bad_request(
                "Your request contains publish together with other parameters. Change the publication status in a request of its own.",
            ));
        }
        let is_published = publish
            .get("isPublished")
            .and_then(Value::as_bool)
            .ok_or_else(|| {
                SandboxError::bad_request(
                    "Your request contains invalid value for publish parameter. publish.isPublished is required and should be a boolean.",
                )
            })?;
        if let Some(v) = publish.get("includeFileVersions")
            && !v.is_boolean()
        {
            return Err(SandboxError::bad_request(
                "Your request contains invalid value for publish parameter. publish.includeFileVersions should be a boolean.",
            ));
        }
        file.is_published = is_published;
        return Ok(None);
    }

    // Validate every field first.
    let tags = match body.get("tags") {
        None => None,
        Some(Value::Null) => Some(Vec::new()),
        Some(v) => Some(tag_values(v, "tags")?),
    };
    let coords = match body.get("customCoordinates") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(parse_coordinates(s, file)?)),
        Some(_) => return Err(bad_coordinates()),
    };
    let metadata = match body.get("customMetadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(m)) => Some(validate_metadata(m, fields)?),
        Some(_) => {
            return Err(SandboxError::bad_request(
                "Your request contains invalid value for customMetadata parameter. It should be an object.",
            ));
        }
    };
    let remove_ai = match body.get("removeAITags") {
        None => None,
        Some(Value::String(s)) if s == "all" => Some(None),
        Some(v @ Value::Array(_)) => Some(Some(string_array(v).ok_or_else(bad_remove_ai)?)),
        Some(_) => return Err(bad_remove_ai()),
    };
    let description = match body.get("description") {
        None => None,
        Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => {
            return Err(SandboxError::bad_request(
                "Your request contains invalid value for description parameter. It should be a string.",
            ));
        }
    };
    if let Some(w) = body.get("webhookUrl") {
        let ok = w
            .as_str()
            .is_some_and(|s| s.starts_with("http://") || s.starts_with("https://"));
        if !ok {
            return Err(SandboxError::bad_request(
                "Your request contains invalid value for webhookUrl parameter. It should be an http(s) URL.",
            ));
        }
    }
    let exts = match body.get("extensions") {
        None | Some(Value::Null) => Vec::new(),
        Some(v) => extensions::parse(v)?,
    };

    // Then apply, in the documented order: removeAITags before extensions.
    if let Some(tags) = tags {
        file.tags = dedup(tags);
    }
    if let Some(c) = coords {
        file.custom_coordinates = c;
    }
    if let Some(m) = metadata {
        for (k, v) in m {
            if v.is_null() {
                file.custom_metadata.remove(&k);
            } else {
                file.custom_metadata.insert(k, v);
            }
        }
    }
    match remove_ai {
        None => {}
        Some(None) => file.ai_tags.clear(),
        Some(Some(names)) => file.ai_tags.retain(|t| !names.contains(&t.name)),
    }
    if let Some(d) = description {
        file.description = d;
    }
    if exts.is_empty() {
        Ok(None)
    } else {
        Ok(Some(extensions::run(file, &exts, defer)))
    }
}

fn bad_remove_ai() -> SandboxError {
    SandboxError::bad_request(
        "Your request contains invalid value for removeAITags parameter. Send an array of strings or the string \"all\".",
    )
}

fn bad_coordinates() -> SandboxError {
    SandboxError::bad_request(
        "Your request contains invalid value for customCoordinates parameter. It should be in the format x,y,width,height, e.g. 10,10,100,100.",
    )
}

fn parse_coordinates(s: &str, file: &FileDetails) -> Result<String, SandboxError> {
    crate::model::parse_coordinates(s, file.width, file.height).map_err(|e| match e {
        crate::model::CoordinatesError::Format => bad_coordinates(),
        outside @ crate::model::CoordinatesError::Outside { .. } => {
            SandboxError::bad_request(format!(
                "Your request contains invalid value for customCoordinates parameter. {outside}."
            ))
        }
    })
}

/// Validates customMetadata values against the defined fields. Returns the values to merge.
fn validate_metadata(
    m: &Map<String, Value>,
    fields: &[CustomMetadataField],
) -> Result<Map<String, Value>, SandboxError> {
    let mut errors = Map::new();
    for (k, v) in m {
        let Some(field) = fields.iter().find(|f| &f.name == k) else {
            errors.insert(
                k.clone(),
                json!(format!("No custom metadata field named {k:?} exists. Create it with POST /v1/customMetadataFields first.")),
            );
            continue;
        };
        if v.is_null() {
            continue;
        }
        if let Err(msg) = crate::model::check_field_value(&field.schema, v) {
            errors.insert(k.clone(), json!(msg));
        }
    }
    if errors.is_empty() {
        Ok(m.clone())
    } else {
        Err(SandboxError::bad_request("Invalid custom metadata.")
            .with_errors(Value::Object(errors)))
    }
}

// ---------------------------------------------------------------------------------------
// Bulk endpoints

fn string_array(v: &Value) -> Option<Vec<String>> {
    v.as_array()?
        .iter()
        .map(|x| x.as_str().map(str::to_owned))
        .collect()
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut seen = HashSet::new();
    v.into_iter().filter(|s| seen.insert(s.clone())).collect()
}

/// `fileIds` of a bulk body, validated with the API's messages.
fn file_ids(
    body: &Map<String, Value>,
    max: usize,
    too_many: &str,
) -> Result<Vec<String>, SandboxError> {
    let v = body
        .get("fileIds")
        .ok_or_else(|| SandboxError::bad_request("fileIds parameter is missing."))?;
    let arr = v
        .as_array()
        .ok_or_else(|| SandboxError::bad_request("fileIds should be an Array."))?;
    if arr.is_empty() {
        return Err(SandboxError::bad_request("fileIds is empty."));
    }
    if arr.len() > max {
        return Err(SandboxError::bad_request(too_many));
    }
    let ids = string_array(v).ok_or_else(SandboxError::invalid_file_id)?;
    Ok(dedup(ids))
}

/// Validates a tag list (`tags` or `AITags`): non-empty strings, no `%`, ≤500 chars combined.
fn tag_values(v: &Value, key: &str) -> Result<Vec<String>, SandboxError> {
    let invalid = |why: &str| {
        if key == "AITags" {
            SandboxError::bad_request(format!(
                "Your request contains invalid value for AITags. Please provide an array of strings. Example - ['t-shirt','summer-sale'].{why}"
            ))
        } else {
            SandboxError::bad_request(format!(
                "Your request contains invalid value for {key} parameter.{why}"
            ))
        }
    };
    let tags = string_array(v).ok_or_else(|| invalid(" Please provide an array of strings."))?;
    if tags.iter().any(|t| t.trim().is_empty()) {
        return Err(invalid(" Tags cannot be empty strings."));
    }
    if tags.iter().any(|t| t.contains('%')) {
        return Err(invalid(" Tags cannot contain the % character."));
    }
    let total: usize = tags.iter().map(|t| t.chars().count()).sum();
    if total > MAX_TAG_CHARS {
        return Err(invalid(
            " Combined length of all tags should be less than or equal to 500.",
        ));
    }
    Ok(tags)
}

fn bulk_tags(body: &Map<String, Value>, key: &str) -> Result<Vec<String>, SandboxError> {
    let v = body
        .get(key)
        .ok_or_else(|| SandboxError::bad_request(format!("{key} parameter is missing.")))?;
    if v.as_array().is_some_and(Vec::is_empty) {
        return Err(SandboxError::bad_request(format!(
            "{key} array cannot be empty."
        )));
    }
    tag_values(v, key)
}

#[derive(Clone, Copy)]
enum TagOp {
    Add,
    Remove,
    RemoveAi,
}

impl TagOp {
    fn key(self) -> &'static str {
        match self {
            TagOp::RemoveAi => "AITags",
            _ => "tags",
        }
    }

    fn failure(self) -> &'static str {
        match self {
            TagOp::Add => "Error in adding tags",
            TagOp::Remove => "Error in removing tags",
            TagOp::RemoveAi => "Error in removing AITags",
        }
    }
}

async fn add_tags(
    state: State<Shared>,
    inj: Option<Extension<InjectedFailures>>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    bulk_tag_call(state, inj, body, TagOp::Add)
}

async fn remove_tags(
    state: State<Shared>,
    inj: Option<Extension<InjectedFailures>>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    bulk_tag_call(state, inj, body, TagOp::Remove)
}

async fn remove_ai_tags(
    state: State<Shared>,
    inj: Option<Extension<InjectedFailures>>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    bulk_tag_call(state, inj, body, TagOp::RemoveAi)
}

fn bulk_tag_call(
    State(state): State<Shared>,
    inj: Option<Extension<InjectedFailures>>,
    body: Bytes,
    op: TagOp,
) -> Result<Response, SandboxError> {
    let body = json_object(&body)?;
    let ids = file_ids(&body, 50, "A maximum of 50 files can be edited at a time.")?;
    let tags = bulk_tags(&body, op.key())?;
    let injected = inj.map(|Extension(i)| i.0).unwrap_or_default();

    let mut store = state.write_store();
    let missing = store.missing(&ids);
    if !missing.is_empty() {
        return Err(SandboxError::files_missing(missing));
    }
    let mut ok = Vec::new();
    let mut errors = Vec::new();
    let mut changed = Vec::new();
    for id in &ids {
        if injected.contains(id) {
            errors.push(FileError {
                file_id: id.clone(),
                error: op.failure().to_owned(),
            });
            continue;
        }
        let Some(f) = store.file(id) else { continue };
        let mut f = f.clone();
        let before = (f.tags.len(), f.ai_tags.len());
        match op {
            TagOp::Add => {
                for t in &tags {
                    if !f.tags.contains(t) {
                        f.tags.push(t.clone());
                    }
                }
                let total: usize = f.tags.iter().map(|t| t.chars().count()).sum();
                if total > MAX_TAG_CHARS {
                    errors.push(FileError {
                        file_id: id.clone(),
                        error: format!(
                            "{}: the file's tags would exceed 500 characters combined.",
                            op.failure()
                        ),
                    });
                    continue;
                }
            }
            TagOp::Remove => f.tags.retain(|t| !tags.contains(t)),
            TagOp::RemoveAi => f.ai_tags.retain(|t| !tags.contains(&t.name)),
        }
        if (f.tags.len(), f.ai_tags.len()) != before {
            changed.push(f);
        }
        ok.push(id.clone());
    }
    store.update_files(changed)?;
    drop(store);
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::MULTI_STATUS
    };
    Ok((
        status,
        Json(BulkUpdateResponse {
            successfully_updated_file_ids: ok,
            errors,
        }),
    )
        .into_response())
}

async fn bulk_delete(
    State(state): State<Shared>,
    inj: Option<Extension<InjectedFailures>>,
    body: Bytes,
) -> Result<Response, SandboxError> {
    let body = json_object(&body)?;
    let ids = file_ids(&body, 100, "fileIds cannot have more than 100 items.")?;
    let injected = inj.map(|Extension(i)| i.0).unwrap_or_default();
    let mut store = state.write_store();
    let missing = store.missing(&ids);
    if !missing.is_empty() {
        return Err(SandboxError::files_missing(missing));
    }
    let (failed, doomed): (Vec<String>, Vec<String>) =
        ids.into_iter().partition(|id| injected.contains(id));
    store.delete_files(&doomed)?;
    drop(store);
    let errors: Vec<FileError> = failed
        .into_iter()
        .map(|file_id| FileError {
            file_id,
            error: "Error in deleting file".to_owned(),
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::MULTI_STATUS
    };
    Ok((
        status,
        Json(BulkDeleteResponse {
            successfully_deleted_file_ids: doomed,
            errors,
        }),
    )
        .into_response())
}

// ---------------------------------------------------------------------------------------
// Custom metadata fields

async fn list_fields(State(state): State<Shared>) -> Response {
    let store = state.read_store();
    Json(store.fields().to_vec()).into_response()
}

async fn create_field(State(state): State<Shared>, body: Bytes) -> Result<Response, SandboxError> {
    let body = json_object(&body)?;
    let text = |k: &str| -> Result<String, SandboxError> {
        match body.get(k) {
            Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(_) => Err(SandboxError::bad_request(format!(
                "Your request contains invalid value for {k} parameter. It should be a non-empty string."
            ))),
            None => Err(SandboxError::bad_request(format!(
                "{k} parameter is missing."
            ))),
        }
    };
    let name = text("name")?;
    let label = text("label")?;
    let schema_v = body
        .get("schema")
        .ok_or_else(|| SandboxError::bad_request("schema parameter is missing."))?;
    let schema: FieldSchema = serde_json::from_value(schema_v.clone()).map_err(|e| {
        SandboxError::bad_request(format!(
            "Your request contains invalid value for schema parameter: {e}. schema.type should be one of Text, Textarea, Number, Date, Boolean, SingleSelect, MultiSelect."
        ))
    })?;
    if matches!(
        schema.kind,
        FieldType::SingleSelect | FieldType::MultiSelect
    ) && schema.select_options.as_ref().is_none_or(Vec::is_empty)
    {
        return Err(SandboxError::bad_request(
            "Your request contains invalid value for schema parameter. selectOptions is required for SingleSelect and MultiSelect fields.",
        ));
    }
    if let Some(d) = &schema.default_value
        && let Err(msg) = crate::model::check_field_value(&schema, d)
    {
        return Err(SandboxError::bad_request(format!(
            "Your request contains invalid value for schema parameter. defaultValue {msg}."
        )));
    }
    let mut store = state.write_store();
    if store.fields().iter().any(|f| f.name == name) {
        return Err(SandboxError::bad_request(
            "A custom metadata field with this name already exists.",
        ));
    }
    if store.fields().iter().any(|f| f.label == label) {
        return Err(SandboxError::bad_request(
            "A custom metadata field with this label already exists.",
        ));
    }
    let field = CustomMetadataField {
        id: super::seed::object_id(&format!("field:{name}")),
        name,
        label,
        description: body
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned),
        schema,
    };
    store.add_field(field.clone())?;
    Ok((StatusCode::CREATED, Json(field)).into_response())
}
