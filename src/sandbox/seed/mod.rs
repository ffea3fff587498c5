//! Where a sandbox library comes from: the shipped demo library, a deterministic generator
//! of N realistic files, or a seed file in the `GET /v1/files` response shape.

mod draw;
mod generate;
#[cfg(test)]
mod tests;
mod words;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::{Map, Value};

use crate::model::{
    CustomMetadataField, FieldSchema, FieldType, FileDetails, FileKind, FolderDetails, FolderKind,
    Timestamp,
};

pub use self::generate::{CHUNK, Plan, generate, generated_fields};

/// A whole library: files, their folders and the custom metadata field definitions.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub files: Vec<FileDetails>,
    pub folders: Vec<FolderDetails>,
    pub fields: Vec<CustomMetadataField>,
}

/// Why a seed file could not be loaded. Messages name the entry and what is wrong.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("not valid JSON: {0}")]
    Json(serde_json::Error),
    #[error(
        "the seed must be a JSON array of files and folders, as GET /v1/files returns; found {0}"
    )]
    NotArray(&'static str),
    #[error("seed entry {index}{id}: {message}")]
    Entry {
        index: usize,
        id: String,
        message: String,
    },
    #[error("seed entry {index}: fileId {id:?} appears twice (first at entry {first})")]
    Duplicate {
        index: usize,
        id: String,
        first: usize,
    },
}

/// The path of the sandbox's URL endpoint: media URLs are `http://HOST{URL_ENDPOINT_PATH}/…`.
pub const URL_ENDPOINT_PATH: &str = "/demo";

/// The URL endpoint of stored files. Responses replace it with the sandbox's own address
/// (see [`super::media`]), so stored URLs never leak and a database moved to another port
/// still answers with reachable URLs.
const URL_ENDPOINT: &str = "https://ik.imagekit.io/demo";

/// A deterministic 24-hex ObjectId-like id from a key (two FNV-1a hashes).
pub fn object_id(key: &str) -> String {
    id_of(format_args!("{key}"))
}

/// [`object_id`] of a formatted key, without building the key.
fn id_of(key: std::fmt::Arguments<'_>) -> String {
    let (h1, h2) = id_hashes(key);
    let mut id = String::with_capacity(24);
    // Writing to a String cannot fail.
    let _ = write!(id, "{h1:016x}{h2:08x}");
    id
}

/// The numbers an [`object_id`] is the hex digits of (its order is theirs).
fn id_hashes(key: std::fmt::Arguments<'_>) -> (u64, u32) {
    let mut h = Fnv2(0xcbf2_9ce4_8422_2325, 0x8422_2325_cbf2_9ce4);
    // Hashing cannot fail.
    let _ = h.write_fmt(key);
    (h.0, (h.1 >> 32) as u32)
}

/// Two FNV-1a hashes of everything written.
struct Fnv2(u64, u64);

impl std::fmt::Write for Fnv2 {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        for &b in s.as_bytes() {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
            self.1 = (self.1 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
        Ok(())
    }
}

/// Whether a path byte stays as it is in a URL (`/` and unreserved characters).
fn url_safe(b: u8) -> bool {
    matches!(b, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b'@')
}

/// Appends `path` percent-encoded for a URL.
fn encode_path_into(out: &mut String, path: &str) {
    for b in path.bytes() {
        if url_safe(b) {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
}

/// A file's `url` and `thumbnail` on `endpoint` (no trailing slash), as `ImageKit` builds them:
/// `{endpoint}{path}?updatedAt=ms` and `{endpoint}/tr:n-ik_ml_thumbnail{path}?updatedAt=ms`.
pub fn file_urls(endpoint: &str, f: &FileDetails) -> (String, String) {
    const QUERY: &str = "?updatedAt=";
    const THUMBNAIL: &str = "/tr:n-ik_ml_thumbnail";
    let ms = f.updated_at.millis();
    // Sized exactly: a library holds two of these per file.
    let path_len: usize = f
        .file_path
        .bytes()
        .map(|b| if url_safe(b) { 1 } else { 3 })
        .sum();
    let ms_len = ms
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |d| d as usize + 1)
        + usize::from(ms < 0);
    let mut url = String::with_capacity(endpoint.len() + path_len + QUERY.len() + ms_len);
    url.push_str(endpoint);
    encode_path_into(&mut url, &f.file_path);
    url.push_str(QUERY);
    // Writing to a String cannot fail.
    let _ = write!(url, "{ms}");
    let mut thumbnail = String::with_capacity(url.len() + THUMBNAIL.len());
    thumbnail.push_str(endpoint);
    thumbnail.push_str(THUMBNAIL);
    thumbnail.push_str(&url[endpoint.len()..]);
    (url, thumbnail)
}

/// Sets `url` and `thumbnail` from `filePath` and `updatedAt`, as the API does.
pub fn refresh_urls(f: &mut FileDetails) {
    (f.url, f.thumbnail) = file_urls(URL_ENDPOINT, f);
}

/// Folder entries for every ancestor folder of the files (deterministic ids; createdAt is
/// the earliest file inside, updatedAt the latest).
pub fn folders_for(files: &[FileDetails]) -> Vec<FolderDetails> {
    folders_from_spans(files.iter().map(|f| (f.folder(), f.created_at)))
}

/// [`folders_for`] from each file's folder (`/a/b` or `/a/b/`) and `createdAt`.
fn folders_from_spans<'a>(files: impl Iterator<Item = (&'a str, Timestamp)>) -> Vec<FolderDetails> {
    let mut spans: BTreeMap<String, (Timestamp, Timestamp)> = BTreeMap::new();
    let mut path = String::new();
    for (folder, created) in files {
        path.clear();
        for seg in folder.split('/').filter(|s| !s.is_empty()) {
            path.push('/');
            path.push_str(seg);
            match spans.get_mut(path.as_str()) {
                Some(e) => {
                    e.0 = e.0.min(created);
                    e.1 = e.1.max(created);
                }
                None => {
                    spans.insert(path.clone(), (created, created));
                }
            }
        }
    }
    spans
        .into_iter()
        .map(|(path, (created, updated))| FolderDetails {
            kind: FolderKind::Folder,
            folder_id: object_id(&format!("folder:{path}")),
            name: path.rsplit('/').next().unwrap_or_default().to_owned(),
            folder_path: path,
            custom_metadata: Map::new(),
            created_at: created,
            updated_at: updated,
        })
        .collect()
}

/// The sandbox serves real values, as `ImageKit` does: a seed file that leaves out (or nulls)
/// dimensions, size, mime or a flag gets 0, `""` or `false`, as it always has.
fn fill_unknown(file: &mut FileDetails) {
    file.width.get_or_insert(0);
    file.height.get_or_insert(0);
    file.size.get_or_insert(0);
    file.mime.get_or_insert_with(String::new);
    file.has_alpha.get_or_insert(false);
    file.is_private_file.get_or_insert(false);
}

/// Loads a JSON array in the `GET /v1/files` response shape (files, file versions and
/// folders mixed). Missing ancestor folders are created; custom metadata field definitions
/// are inferred from the values present.
pub fn from_list_json(json: &str) -> Result<Library, SeedError> {
    let v: Value = serde_json::from_str(json).map_err(SeedError::Json)?;
    let items = match v {
        Value::Array(a) => a,
        Value::Object(_) => return Err(SeedError::NotArray("an object")),
        Value::String(_) => return Err(SeedError::NotArray("a string")),
        Value::Number(_) => return Err(SeedError::NotArray("a number")),
        Value::Bool(_) => return Err(SeedError::NotArray("a boolean")),
        Value::Null => return Err(SeedError::NotArray("null")),
    };
    let mut files: Vec<FileDetails> = Vec::with_capacity(items.len());
    let mut folders: Vec<FolderDetails> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::default();
    for (index, item) in items.into_iter().enumerate() {
        let id_of = |key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .map(|s| format!(" ({key} {s:?})"))
                .unwrap_or_default()
        };
        if !item.is_object() {
            return Err(SeedError::Entry {
                index,
                id: String::new(),
                message: "expected an object".to_owned(),
            });
        }
        if item.get("type").and_then(Value::as_str) == Some("folder") {
            let id = id_of("folderId");
            let folder: FolderDetails =
                serde_json::from_value(item).map_err(|e| SeedError::Entry {
                    index,
                    id,
                    message: e.to_string(),
                })?;
            folders.push(folder);
            continue;
        }
        let id = id_of("fileId");
        let mut file: FileDetails = serde_json::from_value(item).map_err(|e| SeedError::Entry {
            index,
            id: id.clone(),
            message: e.to_string(),
        })?;
        fill_unknown(&mut file);
        if file.file_id.trim().is_empty() {
            return Err(SeedError::Entry {
                index,
                id,
                message: "fileId is empty".to_owned(),
            });
        }
        if !file.file_path.starts_with('/') {
            return Err(SeedError::Entry {
                index,
                id,
                message: format!("filePath {:?} must start with '/'", file.file_path),
            });
        }
        if file.kind == FileKind::File {
            if let Some(&first) = seen.get(&file.file_id) {
                return Err(SeedError::Duplicate {
                    index,
                    id: file.file_id,
                    first,
                });
            }
            seen.insert(file.file_id.clone(), index);
        }
        files.push(file);
    }
    // Add ancestor folders that the listing did not include.
    let have: HashSet<String> = folders
        .iter()
        .map(|f| f.folder_path.trim_end_matches('/').to_owned())
        .collect();
    folders.extend(
        folders_for(&files)
            .into_iter()
            .filter(|f| !have.contains(&f.folder_path)),
    );
    let fields = infer_fields(&files);
    Ok(Library {
        files,
        folders,
        fields,
    })
}

/// Field definitions that fit the custom metadata values present in the files.
fn infer_fields(files: &[FileDetails]) -> Vec<CustomMetadataField> {
    let mut kinds: BTreeMap<String, (FieldType, Vec<Value>)> = BTreeMap::new();
    for f in files {
        for (k, v) in &f.custom_metadata {
            let t = match v {
                Value::Bool(_) => FieldType::Boolean,
                Value::Number(_) => FieldType::Number,
                Value::Array(_) => FieldType::MultiSelect,
                Value::String(s) if looks_like_date(s) => FieldType::Date,
                _ => FieldType::Text,
            };
            let e = kinds.entry(k.clone()).or_insert((t, Vec::new()));
            if e.0 != t {
                // Mixed value types: the most permissive choice that still validates.
                e.0 = if matches!(
                    (e.0, t),
                    (FieldType::Date, FieldType::Text) | (FieldType::Text, FieldType::Date)
                ) {
                    FieldType::Text
                } else {
                    FieldType::Textarea
                };
            }
            if let Value::Array(items) = v {
                for i in items {
                    if !e.1.contains(i) {
                        e.1.push(i.clone());
                    }
                }
            }
        }
    }
    kinds
        .into_iter()
        .filter(|(_, (t, _))| *t != FieldType::Textarea)
        .map(|(name, (kind, options))| CustomMetadataField {
            id: object_id(&format!("field:{name}")),
            label: name.clone(),
            name,
            description: None,
            schema: FieldSchema {
                kind,
                select_options: (kind == FieldType::MultiSelect).then_some(options),
                ..schema(kind)
            },
        })
        .collect()
}

fn looks_like_date(s: &str) -> bool {
    Timestamp::parse(s).is_some() || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

fn schema(kind: FieldType) -> FieldSchema {
    FieldSchema {
        kind,
        select_options: None,
        default_value: None,
        is_value_required: None,
        min_value: None,
        max_value: None,
        min_length: None,
        max_length: None,
    }
}

const DEMO_LIBRARY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/demo-library.json"
));
const DEMO_FIELDS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/demo-fields.json"
));

/// The shipped demo library. Its assets are checked by the tests, so a broken asset is a
/// build-time test failure, never a runtime surprise; should one slip through, the demo
/// starts empty rather than panicking.
pub fn demo() -> Library {
    let mut lib = match from_list_json(DEMO_LIBRARY) {
        Ok(lib) => lib,
        Err(e) => {
            tracing::error!(error = %e, "the demo library asset is invalid");
            Library::default()
        }
    };
    match serde_json::from_str::<Vec<CustomMetadataField>>(DEMO_FIELDS) {
        Ok(fields) => lib.fields = fields,
        Err(e) => tracing::error!(error = %e, "the demo fields asset is invalid"),
    }
    lib
}
