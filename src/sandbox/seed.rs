//! Where a sandbox library comes from: the shipped demo library, a deterministic generator
//! of N realistic files, or a seed file in the `GET /v1/files` response shape.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Timelike, Utc};
use serde_json::{Map, Value, json};

use crate::model::{
    AiTag, CustomMetadataField, FieldSchema, FieldType, FileDetails, FileKind, FolderDetails,
    FolderKind, Timestamp, VersionInfo,
};

/// A whole library: files, their folders and the custom metadata field definitions.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub files: Vec<FileDetails>,
    pub folders: Vec<FolderDetails>,
    pub fields: Vec<CustomMetadataField>,
}

/// Why a seed file could not be loaded. Messages say which entry and what is wrong; entries
/// are numbered from 0, as `jq '.[17]'` would address them.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seed file is not valid JSON: {0}")]
    Json(serde_json::Error),
    #[error(
        "seed file is not a JSON array of files and folders (the shape GET /v1/files returns); \
         it is {0}"
    )]
    NotArray(&'static str),
    #[error("seed entry {index}{id}: {message}")]
    Entry {
        index: usize,
        /// ` (fileId "…")` or ` (folderId "…")` when the entry has one, else empty.
        id: String,
        message: String,
    },
    #[error("seed entry {index} ({key} {id:?}): duplicate {key}, first used by entry {first}")]
    Duplicate {
        index: usize,
        key: &'static str,
        id: String,
        first: usize,
    },
    #[error(
        "custom metadata field {field:?} has mixed value types: {first_kind} in entry {first} \
         but {kind} in entry {index} (fileId {id:?})"
    )]
    MixedField {
        field: String,
        first_kind: &'static str,
        first: usize,
        kind: &'static str,
        index: usize,
        id: String,
    },
}

const URL_ENDPOINT: &str = "https://ik.imagekit.io/demo";

// ------------------------------------------------------------------------------------------
// Ids, URLs, folders

/// A deterministic 24-hex ObjectId-like id from a key (two FNV-1a hashes).
pub fn object_id(key: &str) -> String {
    let h1 = fnv(key.as_bytes(), 0xcbf2_9ce4_8422_2325);
    let h2 = fnv(key.as_bytes(), 0x8422_2325_cbf2_9ce4);
    format!("{h1:016x}{:08x}", (h2 >> 32) as u32)
}

fn fnv(bytes: &[u8], basis: u64) -> u64 {
    bytes.iter().fold(basis, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Appends `path` percent-encoded for a URL, keeping `/` and unreserved characters.
fn push_encoded(out: &mut String, path: &str) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b'@' => {
                out.push(char::from(b));
            }
            _ => {
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
}

/// Sets `url` and `thumbnail` from `filePath` and `updatedAt`, as the API does.
pub fn refresh_urls(f: &mut FileDetails) {
    let ms = f.updated_at.millis();
    let mut url = String::with_capacity(URL_ENDPOINT.len() + f.file_path.len() + 32);
    url.push_str(URL_ENDPOINT);
    push_encoded(&mut url, &f.file_path);
    let _ = write!(url, "?updatedAt={ms}");
    let mut thumb = String::with_capacity(url.len() + 24);
    thumb.push_str(URL_ENDPOINT);
    thumb.push_str("/tr:n-ik_ml_thumbnail");
    thumb.push_str(&url[URL_ENDPOINT.len()..]);
    f.url = url;
    f.thumbnail = thumb;
}

/// Folder entries for every ancestor folder of the files, sorted by path. Ids are derived
/// from the path; `createdAt` is the earliest `createdAt` of any file inside (at any depth),
/// `updatedAt` the latest.
pub fn folders_for(files: &[FileDetails]) -> Vec<FolderDetails> {
    // Group by immediate folder first (borrowed keys, no allocation per file)...
    let mut direct: HashMap<&str, (Timestamp, Timestamp)> = HashMap::new();
    for f in files {
        let dir = f.folder().trim_end_matches('/');
        if dir.is_empty() {
            continue;
        }
        let e = direct.entry(dir).or_insert((f.created_at, f.created_at));
        e.0 = e.0.min(f.created_at);
        e.1 = e.1.max(f.created_at);
    }
    // ...then spread each folder's span to its ancestors.
    let mut spans: BTreeMap<&str, (Timestamp, Timestamp)> = BTreeMap::new();
    for (dir, (lo, hi)) in direct {
        let mut end = dir.len();
        loop {
            let path = &dir[..end];
            let e = spans.entry(path).or_insert((lo, hi));
            e.0 = e.0.min(lo);
            e.1 = e.1.max(hi);
            match path.rfind('/') {
                Some(i) if i > 0 => end = i,
                _ => break,
            }
        }
    }
    spans
        .into_iter()
        .map(|(path, (created, updated))| FolderDetails {
            kind: FolderKind::Folder,
            folder_id: object_id(&format!("folder:{path}")),
            name: path.rsplit('/').next().unwrap_or_default().to_owned(),
            folder_path: path.to_owned(),
            custom_metadata: Map::new(),
            created_at: created,
            updated_at: updated,
        })
        .collect()
}

// ------------------------------------------------------------------------------------------
// The seed-file loader

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Loads a JSON array in the `GET /v1/files` response shape: files, file versions and
/// folders mixed, as `GET /v1/files?type=all` (or several listings concatenated) returns.
///
/// - Each file needs `fileId`, `filePath`, `createdAt`; `name` defaults to the last path
///   segment, `updatedAt` to `createdAt`, `versionInfo` to a derived "Version 1", and `url`
///   and `thumbnail` are derived when absent. Everything else defaults as the model says.
/// - The sandbox keeps one record per file, the current version. A `file-version` entry
///   whose `fileId` also has a `file` entry is an older version and is skipped; for a
///   `fileId` seen only in versions, the most recently updated version is kept.
/// - Folders missing for a file's ancestors are created (see [`folders_for`]).
/// - Custom metadata field definitions are inferred from the values present: string →
///   Text, ISO date string → Date, number → Number, bool → Boolean, array → MultiSelect
///   with the options seen. A `null` value means "unset" and is dropped.
/// - Duplicate `fileId`s (among `file` entries), duplicate folder paths, and a field whose
///   values have different types are errors naming the entries.
pub fn from_list_json(json: &str) -> Result<Library, SeedError> {
    let v: Value = serde_json::from_str(json).map_err(SeedError::Json)?;
    let items = match v {
        Value::Array(a) => a,
        other => return Err(SeedError::NotArray(json_kind(&other))),
    };
    let mut files: Vec<FileDetails> = Vec::with_capacity(items.len());
    let mut file_index: Vec<usize> = Vec::with_capacity(items.len());
    let mut seen_files: HashMap<String, usize> = HashMap::new();
    // Versions are kept aside: fileId -> (entry index, version).
    let mut versions: HashMap<String, (usize, FileDetails)> = HashMap::new();
    let mut seen_versions: HashMap<(String, String), usize> = HashMap::new();
    let mut folders: Vec<FolderDetails> = Vec::new();
    let mut seen_folders: HashMap<String, usize> = HashMap::new();

    for (index, mut item) in items.into_iter().enumerate() {
        let entry_err = |id: String, message: String| SeedError::Entry { index, id, message };
        let Some(obj) = item.as_object_mut() else {
            return Err(entry_err(
                String::new(),
                format!(
                    "expected a file or folder object, found {}",
                    json_kind(&item)
                ),
            ));
        };
        let is_folder = obj.get("type").and_then(Value::as_str) == Some("folder");
        let id_key = if is_folder { "folderId" } else { "fileId" };
        let id = match obj.get(id_key) {
            Some(Value::String(s)) => format!(" ({id_key} {s:?})"),
            _ => String::new(),
        };
        if is_folder {
            let mut folder: FolderDetails =
                serde_json::from_value(item).map_err(|e| entry_err(id.clone(), e.to_string()))?;
            let path =
                normalise_folder_path(&folder.folder_path).map_err(|m| entry_err(id.clone(), m))?;
            if let Some(&first) = seen_folders.get(&path) {
                return Err(SeedError::Duplicate {
                    index,
                    key: "folderPath",
                    id: path,
                    first,
                });
            }
            seen_folders.insert(path.clone(), index);
            folder.folder_path = path;
            folders.push(folder);
            continue;
        }

        // Lenient defaults for fields a hand-written seed may leave out.
        if !obj.contains_key("name")
            && let Some(Value::String(p)) = obj.get("filePath")
        {
            let name = p.rsplit('/').next().unwrap_or_default().to_owned();
            obj.insert("name".into(), Value::String(name));
        }
        if !obj.contains_key("updatedAt")
            && let Some(c) = obj.get("createdAt").cloned()
        {
            obj.insert("updatedAt".into(), c);
        }
        let mut file: FileDetails =
            serde_json::from_value(item).map_err(|e| entry_err(id.clone(), e.to_string()))?;
        check_file(&file).map_err(|m| entry_err(id.clone(), m))?;
        if file.version_info.id.is_empty() {
            file.version_info.id = object_id(&format!("version:{}", file.file_id));
        }
        if file.version_info.name.is_empty() {
            file.version_info.name = "Version 1".to_owned();
        }
        if file.url.is_empty() || file.thumbnail.is_empty() {
            let (url, thumb) = (file.url.clone(), file.thumbnail.clone());
            refresh_urls(&mut file);
            if !url.is_empty() {
                file.url = url;
            }
            if !thumb.is_empty() {
                file.thumbnail = thumb;
            }
        }
        file.custom_metadata.retain(|_, v| !v.is_null());

        match file.kind {
            FileKind::File => {
                if let Some(&first) = seen_files.get(&file.file_id) {
                    return Err(SeedError::Duplicate {
                        index,
                        key: "fileId",
                        id: file.file_id,
                        first,
                    });
                }
                seen_files.insert(file.file_id.clone(), index);
                files.push(file);
                file_index.push(index);
            }
            FileKind::FileVersion => {
                let key = (file.file_id.clone(), file.version_info.id.clone());
                if let Some(&first) = seen_versions.get(&key) {
                    return Err(SeedError::Duplicate {
                        index,
                        key: "versionInfo.id",
                        id: key.1,
                        first,
                    });
                }
                seen_versions.insert(key, index);
                let newer = versions
                    .get(&file.file_id)
                    .is_none_or(|(_, v)| v.updated_at <= file.updated_at);
                if newer {
                    versions.insert(file.file_id.clone(), (index, file));
                }
            }
        }
    }

    // Versions of files that have no current-version entry, in seed order.
    let mut orphans: Vec<(usize, FileDetails)> = versions
        .into_values()
        .filter(|(_, v)| !seen_files.contains_key(&v.file_id))
        .collect();
    orphans.sort_by_key(|(i, _)| *i);
    for (i, v) in orphans {
        files.push(v);
        file_index.push(i);
    }

    let fields = infer_fields(&files, &file_index)?;
    folders.extend(
        folders_for(&files)
            .into_iter()
            .filter(|f| !seen_folders.contains_key(&f.folder_path)),
    );
    folders.sort_by(|a, b| a.folder_path.cmp(&b.folder_path));
    Ok(Library {
        files,
        folders,
        fields,
    })
}

fn normalise_folder_path(p: &str) -> Result<String, String> {
    let trimmed = p.trim_end_matches('/');
    if !p.starts_with('/') || trimmed.is_empty() {
        return Err(format!(
            "folderPath {p:?} must be an absolute path below the root, like \"/products/shoes\""
        ));
    }
    if trimmed.split('/').skip(1).any(str::is_empty) {
        return Err(format!("folderPath {p:?} has an empty segment"));
    }
    Ok(trimmed.to_owned())
}

fn check_file(f: &FileDetails) -> Result<(), String> {
    if f.file_id.trim().is_empty() {
        return Err("fileId is empty".to_owned());
    }
    let p = &f.file_path;
    if !p.starts_with('/') || p.ends_with('/') {
        return Err(format!(
            "filePath {p:?} must be an absolute path to a file, like \"/products/shoe.jpg\""
        ));
    }
    if p.split('/').skip(1).any(str::is_empty) {
        return Err(format!("filePath {p:?} has an empty segment"));
    }
    let last = p.rsplit('/').next().unwrap_or_default();
    if f.name != last {
        return Err(format!(
            "name {:?} does not match the last segment of filePath {p:?}",
            f.name
        ));
    }
    Ok(())
}

fn value_type(v: &Value) -> Option<(FieldType, &'static str)> {
    match v {
        Value::Bool(_) => Some((FieldType::Boolean, "a boolean")),
        Value::Number(_) => Some((FieldType::Number, "a number")),
        Value::String(s) if looks_like_date(s) => Some((FieldType::Date, "a date")),
        Value::String(_) => Some((FieldType::Text, "a string")),
        Value::Array(a)
            if a.iter()
                .all(|i| !i.is_array() && !i.is_object() && !i.is_null()) =>
        {
            Some((FieldType::MultiSelect, "an array"))
        }
        _ => None,
    }
}

/// Field definitions that fit the custom metadata values present in the files.
fn infer_fields(
    files: &[FileDetails],
    entry_of: &[usize],
) -> Result<Vec<CustomMetadataField>, SeedError> {
    struct Seen {
        kind: FieldType,
        kind_name: &'static str,
        first: usize,
        options: Vec<Value>,
    }
    let mut fields: BTreeMap<&str, Seen> = BTreeMap::new();
    for (f, &index) in files.iter().zip(entry_of) {
        for (k, v) in &f.custom_metadata {
            let Some((kind, kind_name)) = value_type(v) else {
                return Err(SeedError::Entry {
                    index,
                    id: format!(" (fileId {:?})", f.file_id),
                    message: format!(
                        "customMetadata.{k} is {}; values must be strings, numbers, booleans \
                         or arrays of them",
                        json_kind(v)
                    ),
                });
            };
            let e = fields.entry(k).or_insert(Seen {
                kind,
                kind_name,
                first: index,
                options: Vec::new(),
            });
            match (e.kind, kind) {
                (a, b) if a == b => {}
                // Some strings look like dates and some do not: a Text field holds both.
                (FieldType::Date, FieldType::Text) => {
                    e.kind = FieldType::Text;
                    e.kind_name = "a string";
                }
                (FieldType::Text, FieldType::Date) => {}
                _ => {
                    return Err(SeedError::MixedField {
                        field: k.clone(),
                        first_kind: e.kind_name,
                        first: e.first,
                        kind: kind_name,
                        index,
                        id: f.file_id.clone(),
                    });
                }
            }
            if let Value::Array(items) = v {
                for i in items {
                    if !e.options.contains(i) {
                        e.options.push(i.clone());
                    }
                }
            }
        }
    }
    let mut labels: HashSet<String> = HashSet::new();
    Ok(fields
        .into_iter()
        .map(|(name, seen)| {
            let mut label = humanise(name);
            if !labels.insert(label.clone()) {
                label = name.to_owned();
                labels.insert(label.clone());
            }
            CustomMetadataField {
                id: object_id(&format!("field:{name}")),
                name: name.to_owned(),
                label,
                description: None,
                schema: FieldSchema {
                    select_options: (seen.kind == FieldType::MultiSelect).then_some(seen.options),
                    ..schema(seen.kind)
                },
            }
        })
        .collect())
}

/// `shootDate` → "Shoot date", `usage_rights` → "Usage rights".
fn humanise(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' || c == '-' {
            out.push(' ');
            prev_lower = false;
        } else if c.is_uppercase() && prev_lower {
            out.push(' ');
            out.extend(c.to_lowercase());
            prev_lower = false;
        } else {
            if out.is_empty() {
                out.extend(c.to_uppercase());
            } else {
                out.push(c);
            }
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
        }
    }
    out
}

fn looks_like_date(s: &str) -> bool {
    s.len() >= 10
        && s.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && (Timestamp::parse(s).is_some()
            || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok())
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

// ------------------------------------------------------------------------------------------
// The demo library

const DEMO_LIBRARY: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/demo-library.json"
));
const DEMO_FIELDS: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/assets/demo-fields.json"
));

/// The shipped demo library (`assets/demo-library.json` and `assets/demo-fields.json`).
///
/// The assets are checked by the tests, so a broken asset is a test failure, never a
/// runtime surprise; should one slip through anyway, the demo starts empty (and says so in
/// the log) rather than panicking.
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
// ------------------------------------------------------------------------------------------
// Generator vocabulary: an outdoor retailer's media library.

/// (brand as displayed, product slug). The slug starts with the brand's slug.
type Product = (&'static str, &'static str);

struct Category {
    /// Folder name under `/products/`.
    name: &'static str,
    /// The tag people put on it (often singular).
    tag: &'static str,
    subs: &'static [(&'static str, &'static [Product])],
    views: &'static [&'static str],
    ai: &'static [&'static str],
    /// Price range in cents.
    price: (u32, u32),
    seasons: &'static [&'static str],
}

const SHOE_VIEWS: &[&str] = &[
    "side",
    "front",
    "back",
    "top",
    "sole",
    "detail",
    "pair",
    "on-foot",
    "lifestyle",
    "heel",
];
const APPAREL_VIEWS: &[&str] = &[
    "front",
    "back",
    "side",
    "detail",
    "on-model",
    "flatlay",
    "ghost",
    "lifestyle",
    "hood",
    "pocket",
];
const PACK_VIEWS: &[&str] = &[
    "front",
    "back",
    "side",
    "detail",
    "harness",
    "open",
    "on-model",
    "lifestyle",
    "packed",
];
const TENT_VIEWS: &[&str] = &[
    "pitched",
    "packed",
    "interior",
    "detail",
    "vestibule",
    "lifestyle",
    "footprint",
    "side",
];
const GEAR_VIEWS: &[&str] = &[
    "front",
    "side",
    "detail",
    "flatlay",
    "lifestyle",
    "packaging",
    "in-use",
];

const CATEGORIES: &[Category] = &[
    Category {
        name: "shoes",
        tag: "shoes",
        subs: &[
            (
                "running",
                &[
                    ("Nike", "nike-air-zoom-pegasus-40"),
                    ("Adidas", "adidas-ultraboost-light"),
                    ("ASICS", "asics-gel-kayano-30"),
                    ("HOKA", "hoka-clifton-9"),
                    ("Brooks", "brooks-ghost-15"),
                    ("New Balance", "new-balance-fresh-foam-1080v13"),
                    ("Saucony", "saucony-endorphin-speed-3"),
                    ("On", "on-cloudmonster"),
                ],
            ),
            (
                "trail",
                &[
                    ("Salomon", "salomon-speedcross-6"),
                    ("HOKA", "hoka-speedgoat-5"),
                    ("La Sportiva", "la-sportiva-bushido-ii"),
                    ("Altra", "altra-lone-peak-7"),
                    ("Merrell", "merrell-agility-peak-5"),
                    ("Northwind", "northwind-trail-runner-x2"),
                ],
            ),
            (
                "hiking",
                &[
                    ("Merrell", "merrell-moab-3-mid-gtx"),
                    ("Salomon", "salomon-x-ultra-4-gtx"),
                    ("Lowa", "lowa-renegade-gtx-mid"),
                    ("Keen", "keen-targhee-iii"),
                    ("Scarpa", "scarpa-zodiac-tech-gtx"),
                    ("Northwind", "northwind-approach-pro-mid"),
                ],
            ),
            (
                "sandals",
                &[
                    ("Teva", "teva-hurricane-xlt2"),
                    ("Chaco", "chaco-z1-classic"),
                    ("Birkenstock", "birkenstock-arizona-eva"),
                ],
            ),
            (
                "kids",
                &[
                    ("Northwind", "northwind-kids-splash-boot"),
                    ("Merrell", "merrell-kids-trail-glove-7"),
                    ("Keen", "keen-kids-newport-h2"),
                ],
            ),
        ],
        views: SHOE_VIEWS,
        ai: &[
            "Footwear",
            "Shoe",
            "Sneakers",
            "Outdoor shoe",
            "Running shoe",
            "Sportswear",
            "Athletic shoe",
            "Walking shoe",
            "Hiking boot",
            "Boot",
            "Sole",
            "Shoelace",
        ],
        price: (4_999, 24_999),
        seasons: &["spring", "summer", "autumn"],
    },
    Category {
        name: "jackets",
        tag: "jacket",
        subs: &[
            (
                "rain",
                &[
                    ("Northwind", "northwind-harbour-rain-jacket"),
                    ("Patagonia", "patagonia-torrentshell-3l"),
                    ("Arc'teryx", "arcteryx-beta-lt"),
                    ("The North Face", "the-north-face-dryzzle-futurelight"),
                    ("Marmot", "marmot-precip-eco"),
                    ("Columbia", "columbia-watertight-ii"),
                ],
            ),
            (
                "insulated",
                &[
                    ("Northwind", "northwind-ridge-down-parka"),
                    ("Patagonia", "patagonia-down-sweater"),
                    ("Rab", "rab-microlight-alpine"),
                    ("Mountain Hardwear", "mountain-hardwear-ghost-whisperer-2"),
                    ("Fjällräven", "fjallraven-expedition-down-lite"),
                ],
            ),
            (
                "fleece",
                &[
                    ("Patagonia", "patagonia-better-sweater"),
                    ("The North Face", "the-north-face-denali"),
                    ("Northwind", "northwind-summit-fleece-hoodie"),
                    ("Columbia", "columbia-steens-mountain"),
                ],
            ),
            (
                "softshell",
                &[
                    ("Arc'teryx", "arcteryx-gamma-mx"),
                    ("Rab", "rab-borealis"),
                    ("Northwind", "northwind-trail-wind-shell"),
                ],
            ),
        ],
        views: APPAREL_VIEWS,
        ai: &[
            "Jacket",
            "Outerwear",
            "Clothing",
            "Coat",
            "Hood",
            "Sleeve",
            "Zipper",
            "Windbreaker",
            "Parka",
            "Raincoat",
            "Collar",
            "Pocket",
        ],
        price: (5_999, 54_999),
        seasons: &["autumn", "winter", "spring"],
    },
    Category {
        name: "backpacks",
        tag: "backpack",
        subs: &[
            (
                "daypacks",
                &[
                    ("Osprey", "osprey-talon-22"),
                    ("Deuter", "deuter-speed-lite-21"),
                    ("Northwind", "northwind-daypack-18l"),
                    ("Gregory", "gregory-nano-20"),
                ],
            ),
            (
                "trekking",
                &[
                    ("Osprey", "osprey-atmos-ag-65"),
                    ("Gregory", "gregory-baltoro-75"),
                    ("Deuter", "deuter-aircontact-core-60-10"),
                    ("Northwind", "northwind-summit-pack-32l"),
                ],
            ),
            (
                "travel",
                &[
                    ("Peak Design", "peak-design-travel-backpack-45l"),
                    ("Fjällräven", "fjallraven-kanken-classic"),
                    ("Herschel", "herschel-little-america"),
                    ("Northwind", "northwind-commuter-roll-top"),
                ],
            ),
            (
                "hydration",
                &[
                    ("Salomon", "salomon-adv-skin-12"),
                    ("CamelBak", "camelbak-rogue-light-7"),
                ],
            ),
        ],
        views: PACK_VIEWS,
        ai: &[
            "Bag",
            "Backpack",
            "Luggage and bags",
            "Hand luggage",
            "Strap",
            "Buckle",
            "Baggage",
            "Pocket",
        ],
        price: (3_999, 34_999),
        seasons: &["spring", "summer", "autumn"],
    },
    Category {
        name: "tents",
        tag: "tent",
        subs: &[
            (
                "backpacking",
                &[
                    ("Big Agnes", "big-agnes-copper-spur-hv-ul2"),
                    ("MSR", "msr-hubba-hubba-nx-2"),
                    ("Nemo", "nemo-hornet-elite-osmo-2p"),
                    ("Northwind", "northwind-ridge-2p-tent"),
                ],
            ),
            (
                "family",
                &[
                    ("Coleman", "coleman-skydome-6"),
                    ("REI", "rei-kingdom-6"),
                    ("Northwind", "northwind-basecamp-4p-dome"),
                ],
            ),
            (
                "ultralight",
                &[
                    ("Zpacks", "zpacks-duplex"),
                    ("Durston", "durston-x-mid-2"),
                    ("Gossamer Gear", "gossamer-gear-the-one"),
                ],
            ),
        ],
        views: TENT_VIEWS,
        ai: &[
            "Tent",
            "Camping",
            "Shelter",
            "Canopy",
            "Outdoors",
            "Grass",
            "Tarpaulin",
            "Recreation",
        ],
        price: (14_999, 79_999),
        seasons: &["spring", "summer"],
    },
    Category {
        name: "sleeping-bags",
        tag: "sleeping-bag",
        subs: &[
            (
                "down",
                &[
                    ("Western Mountaineering", "western-mountaineering-ultralite"),
                    ("Rab", "rab-neutrino-400"),
                    ("Northwind", "northwind-arctic-down-bag"),
                ],
            ),
            (
                "synthetic",
                &[
                    ("Marmot", "marmot-trestles-elite-eco-20"),
                    ("The North Face", "the-north-face-cats-meow"),
                ],
            ),
            (
                "quilts",
                &[
                    (
                        "Enlightened Equipment",
                        "enlightened-equipment-revelation-20",
                    ),
                    ("Northwind", "northwind-summer-lite-quilt"),
                ],
            ),
        ],
        views: GEAR_VIEWS,
        ai: &[
            "Sleeping bag",
            "Bag",
            "Textile",
            "Pillow",
            "Camping",
            "Outdoors",
            "Comfort",
            "Linens",
        ],
        price: (9_999, 59_999),
        seasons: &["autumn", "winter", "summer"],
    },
    Category {
        name: "clothing",
        tag: "clothing",
        subs: &[
            (
                "base-layers",
                &[
                    ("Icebreaker", "icebreaker-merino-200-oasis"),
                    ("Smartwool", "smartwool-classic-thermal"),
                    ("Northwind", "northwind-merino-trail-tee"),
                ],
            ),
            (
                "shirts",
                &[
                    ("Patagonia", "patagonia-capilene-cool-daily"),
                    ("Northwind", "northwind-sun-hoodie-upf50"),
                    ("Columbia", "columbia-silver-ridge"),
                    ("Northwind", "northwind-flannel-camp-shirt"),
                ],
            ),
            (
                "trousers",
                &[
                    ("Fjällräven", "fjallraven-vidda-pro"),
                    ("Arc'teryx", "arcteryx-gamma-lt-pant"),
                    ("prAna", "prana-stretch-zion-ii"),
                    ("Northwind", "northwind-trail-zip-off-pant"),
                    ("Northwind", "northwind-guide-softshell-pant"),
                ],
            ),
            (
                "shorts",
                &[
                    ("Patagonia", "patagonia-baggies-5in"),
                    ("Northwind", "northwind-trail-short"),
                ],
            ),
        ],
        views: APPAREL_VIEWS,
        ai: &[
            "Clothing",
            "Sleeve",
            "T-shirt",
            "Active shirt",
            "Trousers",
            "Active pants",
            "Shorts",
            "Textile",
            "Collar",
            "Pocket",
        ],
        price: (2_499, 17_999),
        seasons: &["spring", "summer", "autumn", "winter"],
    },
    Category {
        name: "accessories",
        tag: "accessories",
        subs: &[
            (
                "headwear",
                &[
                    ("Buff", "buff-original-ecostretch"),
                    ("Northwind", "northwind-merino-beanie"),
                    ("Patagonia", "patagonia-p-6-trucker-hat"),
                ],
            ),
            (
                "gloves",
                &[
                    ("Black Diamond", "black-diamond-guide-glove"),
                    ("Outdoor Research", "outdoor-research-versaliner"),
                ],
            ),
            (
                "bottles",
                &[
                    ("Hydro Flask", "hydro-flask-32oz-wide-mouth"),
                    ("Nalgene", "nalgene-wide-mouth-1l"),
                    ("Northwind", "northwind-insulated-bottle-750"),
                ],
            ),
            (
                "poles",
                &[
                    ("Black Diamond", "black-diamond-trail-ergo-cork"),
                    ("Leki", "leki-makalu-fx-carbon"),
                ],
            ),
            (
                "headlamps",
                &[
                    ("Petzl", "petzl-actik-core"),
                    ("Black Diamond", "black-diamond-spot-400"),
                ],
            ),
            (
                "socks",
                &[
                    ("Darn Tough", "darn-tough-hiker-micro-crew"),
                    ("Smartwool", "smartwool-hike-light-cushion"),
                ],
            ),
        ],
        views: GEAR_VIEWS,
        ai: &[
            "Fashion accessory",
            "Cap",
            "Knit cap",
            "Glove",
            "Bottle",
            "Water bottle",
            "Drinkware",
            "Headlamp",
            "Flashlight",
            "Walking stick",
            "Sock",
            "Beanie",
        ],
        price: (999, 18_999),
        seasons: &["spring", "summer", "autumn", "winter"],
    },
];

const COLOURS: &[(&str, &str)] = &[
    ("black", "BLK"),
    ("navy", "NVY"),
    ("grey", "GRY"),
    ("red", "RED"),
    ("olive", "OLV"),
    ("blue", "BLU"),
    ("orange", "ORG"),
    ("sand", "SND"),
    ("green", "GRN"),
    ("charcoal", "CHR"),
    ("white", "WHT"),
    ("yellow", "YLW"),
    ("burgundy", "BRG"),
    ("teal", "TEA"),
    ("khaki", "KHK"),
    ("purple", "PRP"),
];

/// (slug, month it goes live, season).
const CAMPAIGNS: &[(&str, u32, &str)] = &[
    ("new-year", 1, "winter"),
    ("winter-sale", 1, "winter"),
    ("valentines", 2, "winter"),
    ("spring-launch", 3, "spring"),
    ("easter", 4, "spring"),
    ("earth-day", 4, "spring"),
    ("mothers-day", 5, "spring"),
    ("trail-week", 5, "spring"),
    ("summer-sale", 6, "summer"),
    ("fathers-day", 6, "summer"),
    ("summer-sale", 7, "summer"),
    ("back-to-school", 8, "summer"),
    ("autumn-collection", 9, "autumn"),
    ("winter-collection", 10, "autumn"),
    ("anniversary", 10, "autumn"),
    ("singles-day", 11, "autumn"),
    ("black-friday", 11, "autumn"),
    ("cyber-monday", 11, "autumn"),
    ("holiday-gift-guide", 12, "winter"),
];

const BLOG_POSTS: &[&str] = &[
    "how-to-layer-for-winter",
    "best-trail-running-shoes",
    "hut-to-hut-in-the-dolomites",
    "beginners-guide-to-bikepacking",
    "caring-for-your-down-jacket",
    "wild-camping-in-scotland",
    "what-to-pack-for-a-day-hike",
    "meet-the-makers",
    "inside-our-repair-workshop",
    "trail-running-for-beginners",
    "ten-essentials-checklist",
    "kids-first-camping-trip",
    "winter-hiking-safety",
    "recycled-materials-explained",
    "sunrise-hikes-near-the-city",
    "norway-fjords-road-trip",
    "packrafting-the-river-spey",
    "bouldering-in-fontainebleau",
    "leave-no-trace-principles",
    "rain-jackets-tested",
    "iceland-ring-road",
    "patagonia-w-trek",
    "pitching-a-tent-in-the-wind",
    "choosing-a-sleeping-bag",
    "merino-vs-synthetic",
    "dog-friendly-trails",
    "trail-maintenance-day",
    "ultralight-packing-list",
    "our-b-corp-journey",
    "store-opening-zurich",
    "summer-sale-staff-picks",
    "black-friday-gift-guide",
    "how-we-test-our-gear",
    "lake-district-wainwrights",
    "pacific-crest-trail-diary",
    "spring-cleaning-your-gear",
    "hydration-on-the-trail",
    "headlamp-buying-guide",
    "map-and-compass-basics",
    "community-beach-cleanup",
];

/// File names people really upload, spaces and non-ASCII included.
const UNICODE_NAMES: &[&str] = &[
    "Café menu – été",
    "Zürich store opening",
    "fjällräven-classic-sverige",
    "São Paulo pop-up",
    "Łódź meetup",
    "北海道-trip",
    "crème brûlée camp dessert",
    "Ålesund fjord",
    "niño en la montaña",
    "Größentabelle Schuhe",
];

const TEAM_ALBUMS: &[&str] = &[
    "Offsite 2023",
    "Holiday Party 2022",
    "Zürich Store Opening",
    "Trail Cleanup Day",
    "Photo Shoot – Lofoten",
];

const FIRST_NAMES: &[&str] = &[
    "jane", "lukas", "amara", "omar", "sofia", "mateo", "ines", "hugo", "noor", "liam", "zoe",
    "raj", "eva", "tom", "aisha", "kenji", "lena", "diego", "maya", "felix", "chloe", "arjun",
    "nina", "oscar", "yara", "sam", "elif", "jonas", "mia", "theo",
];
const LAST_NAMES: &[&str] = &[
    "smith", "muller", "okafor", "haddad", "rossi", "garcia", "martin", "dubois", "khan", "nguyen",
    "jensen", "novak", "tanaka", "silva", "kowalski", "schmidt", "brown", "lopez", "ali", "berg",
];

const ICONS: &[&str] = &[
    "cart",
    "search",
    "user",
    "heart",
    "tent",
    "mountain",
    "map-pin",
    "compass",
    "truck",
    "return",
    "star",
    "close",
    "menu",
    "chevron-right",
    "chevron-left",
    "filter",
    "sort",
    "info",
    "check",
    "plus",
    "minus",
    "share",
    "leaf",
    "recycle",
    "ruler",
    "phone",
    "mail",
    "gift",
    "lock",
    "globe",
    "sun",
    "snowflake",
    "rain",
    "wind",
    "boot",
    "backpack",
];

const PARTNERS: &[&str] = &[
    "gore-tex",
    "bluesign",
    "one-percent-for-the-planet",
    "b-corp",
    "fair-trade-certified",
    "leave-no-trace",
    "responsible-down-standard",
    "klarna",
    "paypal",
];

// Tag vocabularies, each in rough order of popularity (a Zipf pick favours the start).

const PRODUCT_TAGS: &[&str] = &[
    "product",
    "new-arrival",
    "summer-sale",
    "studio",
    "waterproof",
    "bestseller",
    "sale",
    "men",
    "women",
    "lifestyle",
    "packshot",
    "lightweight",
    "ecommerce",
    "front",
    "detail",
    "outdoor",
    "back",
    "catalogue",
    "hero",
    "recycled",
    "breathable",
    "insulated",
    "windproof",
    "ultralight",
    "unisex",
    "kids",
    "gore-tex",
    "merino",
    "down",
    "fleece",
    "softshell",
    "hardshell",
    "packable",
    "on-model",
    "flatlay",
    "cutout",
    "white-background",
    "pdp",
    "thumbnail",
    "side",
    "swatch",
    "ghost-mannequin",
    "360",
    "zoom",
    "clearance",
    "outlet",
    "limited-edition",
    "core-range",
    "eco",
    "organic-cotton",
    "ripstop",
    "reflective",
    "vegan",
    "pfc-free",
    "bluesign",
    "fair-trade",
    "synthetic-insulation",
    "plus-size",
    "wide-fit",
    "collab",
    "pre-order",
    "back-in-stock",
    "discontinued",
    "ss24",
    "aw24",
    "ss25",
    "aw25",
    "ss26",
    "aw26",
    "warranty",
    "repair",
    "colourway",
    "plp",
];

const SCENE_TAGS: &[&str] = &[
    "outdoor",
    "hiking",
    "blog",
    "mountain",
    "trail",
    "camping",
    "summer",
    "adventure",
    "nature",
    "landscape",
    "winter",
    "travel",
    "trail-running",
    "backpacking",
    "forest",
    "lake",
    "snow",
    "sunset",
    "team",
    "family",
    "friends",
    "autumn",
    "spring",
    "fall",
    "climbing",
    "running",
    "community",
    "gear",
    "how-to",
    "behind-the-scenes",
    "ugc",
    "ambassador",
    "river",
    "beach",
    "coast",
    "sunrise",
    "rain",
    "fog",
    "campfire",
    "dog",
    "dog-friendly",
    "wildlife",
    "portrait",
    "aerial",
    "drone",
    "tips",
    "guide",
    "gear-review",
    "packing-list",
    "sustainability",
    "event",
    "workshop",
    "store",
    "store-opening",
    "alps",
    "dolomites",
    "scotland",
    "norway",
    "iceland",
    "patagonia",
    "lake-district",
    "pacific-northwest",
    "rockies",
    "national-park",
    "leave-no-trace",
    "bouldering",
    "mountaineering",
    "skiing",
    "snowboarding",
    "cycling",
    "bikepacking",
    "kayak",
    "canoe",
    "fishing",
    "road-trip",
    "vanlife",
    "desert",
    "canyon",
    "glacier",
    "waterfall",
    "night",
    "stars",
    "athlete",
    "race",
    "festival",
];

const MARKETING_TAGS: &[&str] = &[
    "banner",
    "summer-sale",
    "homepage",
    "social",
    "email",
    "black-friday",
    "instagram",
    "campaign",
    "promo",
    "hero",
    "newsletter",
    "sale",
    "mobile",
    "desktop",
    "approved",
    "facebook",
    "new-arrival",
    "story",
    "ad",
    "holiday",
    "final",
    "pinterest",
    "winter-sale",
    "spring-launch",
    "back-to-school",
    "cyber-monday",
    "christmas",
    "gift-guide",
    "retina",
    "reel",
    "carousel",
    "paid-social",
    "display-ads",
    "retargeting",
    "print",
    "poster",
    "flyer",
    "in-store",
    "pos",
    "responsive",
    "animated",
    "gif",
    "countdown",
    "discount",
    "free-shipping",
    "gift-card",
    "launch",
    "teaser",
    "seasonal",
    "new-year",
    "valentines",
    "easter",
    "mothers-day",
    "fathers-day",
    "singles-day",
    "earth-day",
    "tiktok",
    "linkedin",
    "youtube",
    "needs-review",
    "draft",
    "do-not-use",
    "expired",
    "legal-approved",
    "localised",
    "a-b-test",
    "variant-a",
    "variant-b",
    "en",
    "de",
    "fr",
    "es",
    "it",
    "nl",
    "uk",
    "us",
    "eu",
];

const USER_TAGS: &[&str] = &[
    "avatar",
    "user",
    "profile",
    "ugc",
    "review",
    "customer-photo",
    "pending-review",
    "approved",
    "user-generated",
    "selfie",
    "flagged",
    "moderation",
    "verified",
    "gdpr",
    "delete-requested",
];

const BRAND_TAGS: &[&str] = &[
    "logo",
    "brand",
    "icon",
    "svg",
    "wordmark",
    "favicon",
    "brand-guidelines",
    "font",
    "typography",
    "colour-palette",
    "pattern",
    "background",
    "texture",
    "illustration",
    "badge",
    "partner",
    "co-branding",
    "dark-mode",
    "light-mode",
    "vector",
    "watermark",
    "press-kit",
    "media-kit",
    "legacy",
    "archived",
    "rebrand-2022",
];

const DOC_TAGS: &[&str] = &[
    "pdf",
    "document",
    "size-guide",
    "catalogue",
    "press",
    "care-instructions",
    "manual",
    "lookbook",
    "whitepaper",
    "legal",
    "report",
    "price-list",
    "spec-sheet",
    "warranty",
    "returns",
    "press-release",
    "internal",
    "confidential",
    "terms",
    "privacy",
    "annual-report",
    "q1",
    "q2",
    "q3",
    "q4",
    "2019",
    "2020",
    "2021",
    "2022",
    "2023",
    "2024",
    "2025",
    "2026",
];

const VIDEO_TAGS: &[&str] = &[
    "video",
    "promo",
    "social",
    "how-to",
    "tutorial",
    "campaign",
    "teaser",
    "product-video",
    "brand-film",
    "unboxing",
    "360",
    "vertical",
    "4k",
    "b-roll",
    "interview",
    "timelapse",
    "slow-motion",
    "subtitled",
    "horizontal",
    "podcast",
    "audio",
    "episode",
];

/// Typos and spellings real libraries collect, next to the algorithmic variants.
const TYPOS: &[(&str, &[&str])] = &[
    ("jacket", &["jackit", "jackets", "jaket"]),
    ("waterproof", &["water-proof", "waterprof", "water proof"]),
    ("backpack", &["back-pack", "backpak", "backpacks"]),
    ("hiking", &["hikking", "hike"]),
    ("shoes", &["shoe", "sneakers"]),
    ("accessories", &["accesories", "accessory"]),
    ("lifestyle", &["life-style"]),
    ("gore-tex", &["goretex", "GoreTex"]),
    ("black-friday", &["BF", "bf-sale"]),
    ("new-arrival", &["new-arrivals", "newarrival"]),
    ("catalogue", &["catalog"]),
    ("colour-palette", &["color-palette"]),
    ("grey", &["gray"]),
    ("sleeping-bag", &["sleepingbag", "sleeping-bags"]),
    ("tent", &["tents"]),
    ("trail-running", &["trailrunning", "trail-run"]),
    ("summer-sale", &["summersale", "Summer Sale", "summer_sale"]),
    ("product", &["products", "prod"]),
    ("avatar", &["avatars", "Avatar"]),
    ("outdoor", &["outdoors"]),
    ("banner", &["banners", "baner"]),
    ("instagram", &["insta", "IG"]),
];

const AI_OUTDOOR: &[&str] = &[
    "Sky",
    "Mountain",
    "Cloud",
    "Nature",
    "Outdoors",
    "Natural landscape",
    "Person",
    "Highland",
    "Plant",
    "Tree",
    "Hiking",
    "Adventure",
    "Leisure",
    "Recreation",
    "Mountainous landforms",
    "Slope",
    "Terrain",
    "Grass",
    "Rock",
    "Water",
    "Lake",
    "Snow",
    "Forest",
    "Smile",
    "Backpack",
    "Glacial landform",
    "Sunset",
    "Horizon",
    "Trail",
    "Dog",
    "Campfire",
    "Beach",
    "Road",
    "Happy",
];
const AI_STUDIO: &[&str] = &[
    "Product",
    "White",
    "Black",
    "Blue",
    "Red",
    "Font",
    "Rectangle",
    "Grey",
    "Orange",
    "Green",
    "Pattern",
    "Brand",
    "Electric blue",
    "Logo",
];
const AI_GRAPHIC: &[&str] = &[
    "Text",
    "Font",
    "Graphic design",
    "Advertising",
    "Poster",
    "Brand",
    "Banner",
    "Graphics",
    "Logo",
    "Rectangle",
    "Person",
    "Smile",
    "Photo caption",
    "Illustration",
    "Outerwear",
    "Colorfulness",
    "Screenshot",
];
const AI_FACE: &[&str] = &[
    "Face", "Person", "Smile", "Human", "Hair", "Chin", "Forehead", "Eyebrow", "Head", "Portrait",
    "Nose", "Cheek", "Selfie", "Glasses", "Beard", "Jaw", "Happy",
];
const AI_UGC: &[&str] = &[
    "Person", "Footwear", "Outdoors", "Shoe", "Smile", "Jacket", "Backpack", "Hand", "Sky",
    "Mountain", "Selfie", "Dog", "Tent", "Product", "Leisure",
];
const AI_LOGO: &[&str] = &[
    "Logo",
    "Font",
    "Graphics",
    "Brand",
    "Symbol",
    "Trademark",
    "Emblem",
    "Circle",
    "Line art",
    "Triangle",
    "Black-and-white",
];
const AI_SCREEN: &[&str] = &[
    "Screenshot",
    "Text",
    "Font",
    "Software",
    "Web page",
    "Line",
    "Number",
    "Rectangle",
    "Multimedia",
    "Parallel",
];

/// (Make, Model) by kind of camera.
const PHONES: &[(&str, &str)] = &[
    ("Apple", "iPhone 13"),
    ("Apple", "iPhone 14 Pro"),
    ("Apple", "iPhone 15 Pro Max"),
    ("Google", "Pixel 7"),
    ("Google", "Pixel 8 Pro"),
    ("samsung", "SM-S918B"),
];
const CAMERAS: &[(&str, &str)] = &[
    ("Canon", "EOS R5"),
    ("Canon", "EOS 5D Mark IV"),
    ("NIKON CORPORATION", "NIKON Z 7_2"),
    ("SONY", "ILCE-7M4"),
    ("FUJIFILM", "X-T5"),
];
// ------------------------------------------------------------------------------------------
// The generator

// 2019-01-01T00:00:00Z and 2026-10-31T00:00:00Z in epoch milliseconds. The generator never
// reads the clock: the same (n, seed) always gives the same library.
const START_MS: i64 = 1_546_300_800_000;
const END_MS: i64 = 1_793_404_800_000;
const DAY_MS: i64 = 86_400_000;
const YEARS: &[&str] = &[
    "2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026", "2027",
];
const MONTHS: &[&str] = &[
    "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

/// The custom metadata fields the generator fills in.
fn generated_fields() -> Vec<CustomMetadataField> {
    let field = |name: &str, label: &str, schema: FieldSchema| CustomMetadataField {
        id: object_id(&format!("field:{name}")),
        name: name.to_owned(),
        label: label.to_owned(),
        description: None,
        schema,
    };
    let options = |o: &[&str]| Some(o.iter().map(|s| json!(s)).collect());
    vec![
        field(
            "brand",
            "Brand",
            FieldSchema {
                max_length: Some(100),
                ..schema(FieldType::Text)
            },
        ),
        field(
            "price",
            "Price",
            FieldSchema {
                min_value: Some(json!(0)),
                ..schema(FieldType::Number)
            },
        ),
        field(
            "season",
            "Season",
            FieldSchema {
                select_options: options(&["spring", "summer", "autumn", "winter"]),
                ..schema(FieldType::SingleSelect)
            },
        ),
        field(
            "approved",
            "Approved",
            FieldSchema {
                default_value: Some(json!(false)),
                ..schema(FieldType::Boolean)
            },
        ),
        field(
            "channels",
            "Channels",
            FieldSchema {
                select_options: options(&["web", "email", "social", "print"]),
                ..schema(FieldType::MultiSelect)
            },
        ),
        field("shootDate", "Shoot date", schema(FieldType::Date)),
    ]
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Product,
    Banner,
    Social,
    Email,
    Print,
    Blog,
    Avatar,
    Upload,
    Review,
    Brand,
    Doc,
    Video,
    Podcast,
    Legacy,
}

/// How the library divides up (per mille).
const SECTIONS: &[(Section, u32)] = &[
    (Section::Product, 405),
    (Section::Banner, 70),
    (Section::Social, 50),
    (Section::Email, 22),
    (Section::Print, 8),
    (Section::Blog, 110),
    (Section::Avatar, 80),
    (Section::Upload, 60),
    (Section::Review, 20),
    (Section::Brand, 25),
    (Section::Doc, 40),
    (Section::Video, 45),
    (Section::Podcast, 5),
    (Section::Legacy, 60),
];

impl Section {
    /// Share of files with no tags at all (percent).
    fn untagged(self) -> u8 {
        match self {
            Section::Product | Section::Banner | Section::Video | Section::Podcast => 10,
            Section::Social | Section::Email | Section::Brand => 12,
            Section::Print | Section::Blog => 15,
            Section::Doc => 18,
            Section::Review => 20,
            Section::Avatar => 25,
            Section::Upload => 30,
            Section::Legacy => 45,
        }
    }

    /// (main, secondary) tag vocabularies.
    fn vocab(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Section::Product => (PRODUCT_TAGS, SCENE_TAGS),
            Section::Banner | Section::Email | Section::Print => (MARKETING_TAGS, PRODUCT_TAGS),
            Section::Social => (MARKETING_TAGS, SCENE_TAGS),
            Section::Blog => (SCENE_TAGS, PRODUCT_TAGS),
            Section::Avatar | Section::Upload | Section::Review => (USER_TAGS, SCENE_TAGS),
            Section::Brand => (BRAND_TAGS, MARKETING_TAGS),
            Section::Doc => (DOC_TAGS, PRODUCT_TAGS),
            Section::Video | Section::Podcast => (VIDEO_TAGS, MARKETING_TAGS),
            Section::Legacy => (SCENE_TAGS, MARKETING_TAGS),
        }
    }

    /// Most tags a file of this section gets (before context tags).
    fn max_tags(self) -> usize {
        match self {
            Section::Avatar => 3,
            Section::Upload
            | Section::Review
            | Section::Brand
            | Section::Doc
            | Section::Legacy
            | Section::Podcast => 4,
            _ => 8,
        }
    }

    /// Share of images that went through an AI auto-tagging extension (percent).
    fn ai_rate(self) -> u8 {
        match self {
            Section::Product => 70,
            Section::Social | Section::Blog => 66,
            Section::Avatar | Section::Review => 60,
            Section::Banner | Section::Upload => 55,
            Section::Email | Section::Print | Section::Doc => 50,
            Section::Legacy => 45,
            Section::Brand => 30,
            Section::Video | Section::Podcast => 0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Camera {
    None,
    Phone,
    Dslr,
    GoPro,
}

#[derive(Debug, Clone, Copy)]
enum Media {
    /// Images and documents: dimensions (0 for documents) come from the draft.
    Still,
    Video {
        seconds: i64,
        kbps: i64,
        video: &'static str,
        audio: Option<&'static str>,
    },
    Audio {
        seconds: i64,
        kbps: i64,
    },
}

/// One file before the common finishing touches.
struct Draft {
    section: Section,
    /// `/a/b` without a trailing slash; empty for the root.
    folder: String,
    stem: String,
    ext: &'static str,
    width: u32,
    height: u32,
    created: i64,
    camera: Camera,
    taken: i64,
    /// Chance (percent) that the upload used ImageKit's `useUniqueFileName` suffix.
    suffix: u8,
    ctx: [&'static str; 6],
    nctx: usize,
    ai: &'static [&'static str],
    ai_more: &'static [&'static str],
    media: Media,
    meta: Map<String, Value>,
    description: Option<String>,
    private_pct: u8,
}

impl Draft {
    fn new(section: Section, created: i64) -> Draft {
        Draft {
            section,
            folder: String::new(),
            stem: String::new(),
            ext: "jpg",
            width: 0,
            height: 0,
            created,
            camera: Camera::None,
            taken: created,
            suffix: 0,
            ctx: [""; 6],
            nctx: 0,
            ai: AI_OUTDOOR,
            ai_more: AI_STUDIO,
            media: Media::Still,
            meta: Map::new(),
            description: None,
            private_pct: 3,
        }
    }

    fn dims(&mut self, (w, h): (u32, u32)) {
        self.width = w;
        self.height = h;
    }
}

/// `(n+1)^u - 1`: a long-tail pick where index k is about 1/(k+1) as likely as index 0.
fn zipf(rng: &mut fastrand::Rng, n: usize) -> usize {
    let u = rng.f64();
    let idx = ((n as f64 + 1.0).powf(u) - 1.0) as usize;
    idx.min(n.saturating_sub(1))
}

fn pick<T: Copy>(rng: &mut fastrand::Rng, items: &[T]) -> T {
    items[rng.usize(..items.len())]
}

fn weighted(rng: &mut fastrand::Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    let mut x = rng.u32(..total.max(1));
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len().saturating_sub(1)
}

fn log_uniform(rng: &mut fastrand::Rng, lo: f64, hi: f64) -> f64 {
    lo * (hi / lo).powf(rng.f64())
}

/// splitmix64's finaliser: a bijection on u64, so distinct inputs give distinct ids.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// An ObjectId-like id: 8 hex digits of epoch seconds, then 16 of a per-file counter mix.
fn generated_id(ms: i64, stream: u64, i: usize) -> String {
    let secs = (ms / 1000).clamp(0, i64::from(u32::MAX)) as u32;
    let low = mix(stream.wrapping_add((i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)));
    format!("{secs:08x}{low:016x}")
}

struct Parts {
    year: i32,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    milli: u32,
}

fn parts(ms: i64) -> Parts {
    let d: DateTime<Utc> = DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::UNIX_EPOCH);
    Parts {
        year: d.year(),
        month: d.month(),
        day: d.day(),
        hour: d.hour(),
        minute: d.minute(),
        second: d.second(),
        milli: d.timestamp_subsec_millis(),
    }
}

fn year_str(year: i32) -> &'static str {
    let i = usize::try_from(year - 2019).unwrap_or(0);
    YEARS.get(i).copied().unwrap_or("2026")
}

fn month_str(month: u32) -> &'static str {
    MONTHS
        .get(month.saturating_sub(1) as usize)
        .copied()
        .unwrap_or("01")
}

/// The first `words` hyphen-separated words of a product slug: its brand's slug.
fn brand_tag(brand: &str, slug: &'static str) -> &'static str {
    let words = brand.split_whitespace().count();
    match slug.match_indices('-').nth(words.saturating_sub(1)) {
        Some((i, _)) => &slug[..i],
        None => slug,
    }
}

/// "nike-air-zoom-pegasus-40" → "Nike air zoom pegasus 40".
fn title(slug: &str) -> String {
    let mut s = slug.replace('-', " ");
    if let Some(c) = s.get(..1) {
        let up = c.to_ascii_uppercase();
        s.replace_range(..1, &up);
    }
    s
}

/// (canonical lowercase extension, mime, is it an image?).
fn mime_of(ext: &str) -> (&'static str, &'static str, bool) {
    const TABLE: &[(&str, &str, bool)] = &[
        ("jpg", "image/jpeg", true),
        ("jpeg", "image/jpeg", true),
        ("png", "image/png", true),
        ("webp", "image/webp", true),
        ("gif", "image/gif", true),
        ("svg", "image/svg+xml", true),
        ("avif", "image/avif", true),
        ("heic", "image/heic", true),
        ("ico", "image/x-icon", true),
        ("pdf", "application/pdf", false),
        ("mp4", "video/mp4", false),
        ("webm", "video/webm", false),
        ("mov", "video/quicktime", false),
        ("mp3", "audio/mpeg", false),
        ("woff2", "font/woff2", false),
        ("csv", "text/csv", false),
        ("zip", "application/zip", false),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            false,
        ),
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            false,
        ),
        (
            "pptx",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            false,
        ),
    ];
    TABLE
        .iter()
        .find(|(e, _, _)| e.eq_ignore_ascii_case(ext))
        .map_or(("", "application/octet-stream", false), |&(e, m, img)| {
            (e, m, img)
        })
}

/// Seconds from a name like `promo-15s`, if it says.
fn seconds_in(stem: &str) -> Option<i64> {
    stem.rsplit('-').find_map(|part| {
        let digits = part.strip_suffix('s')?;
        (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    })
}

struct Gen {
    rng: fastrand::Rng,
    id_stream: u64,
    version_stream: u64,
    /// FNV hashes of the paths handed out so far (a repeat gets a unique-name suffix).
    paths: HashSet<u64, std::hash::BuildHasherDefault<IdentityHasher>>,
}

/// The keys are already hashes; hashing them again would only cost time.
#[derive(Default)]
struct IdentityHasher(u64);

impl std::hash::Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 << 8) | u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// N realistic files of an outdoor retailer's media library, deterministically: the same
/// `(n, seed)` gives a byte-identical library.
///
/// Products (`/products/<category>/<type>/[<product>/]`), marketing banners, social and
/// email assets by year and campaign, blog photos by month, user avatars and uploads,
/// brand assets, documents, videos, a podcast and a legacy CMS import. Tags follow a
/// long-tail distribution over a few hundred tags with messy variants (`Summer Sale`,
/// `summersale`, `jackit`); about 15% of files are untagged and about 60% of images carry
/// AI tags.
pub fn generate(n: usize, seed: u64) -> Library {
    let mut g = Gen {
        rng: fastrand::Rng::with_seed(seed),
        id_stream: mix(seed ^ 0x6a09_e667_f3bc_c908),
        version_stream: mix(seed ^ 0xbb67_ae85_84ca_a73b),
        paths: HashSet::with_capacity_and_hasher(n, Default::default()),
    };
    let weights: Vec<u32> = SECTIONS.iter().map(|(_, w)| *w).collect();
    let mut files = Vec::with_capacity(n);
    for i in 0..n {
        let section = SECTIONS[weighted(&mut g.rng, &weights)].0;
        let draft = g.draft(section);
        files.push(g.finish(i, draft));
    }
    let folders = folders_for(&files);
    Library {
        files,
        folders,
        fields: generated_fields(),
    }
}

impl Gen {
    /// A creation time: the library grows over the years, so recent dates are likelier.
    fn created(&mut self) -> i64 {
        START_MS + ((END_MS - START_MS) as f64 * self.rng.f64().powf(0.6)) as i64
    }

    fn campaign(&mut self, month: u32) -> (&'static str, &'static str, u32) {
        // Assets are made for the campaign going live this month or the next two.
        let soon = |m: u32| (m + 12 - month) % 12 <= 2;
        let n = CAMPAIGNS.iter().filter(|c| soon(c.1)).count();
        let k = self.rng.usize(..n.max(1));
        let (slug, live, season) = CAMPAIGNS
            .iter()
            .filter(|c| soon(c.1))
            .nth(k)
            .copied()
            .unwrap_or(CAMPAIGNS[0]);
        (slug, season, live)
    }

    fn hex(&mut self, digits: usize) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        (0..digits)
            .map(|_| char::from(HEX[self.rng.usize(..16)]))
            .collect()
    }

    fn draft(&mut self, section: Section) -> Draft {
        let created = self.created();
        let mut d = Draft::new(section, created);
        match section {
            Section::Product => self.product(&mut d),
            Section::Banner => self.banner(&mut d),
            Section::Social => self.social(&mut d),
            Section::Email => self.email(&mut d),
            Section::Print => self.print(&mut d),
            Section::Blog => self.blog(&mut d),
            Section::Avatar => self.avatar(&mut d),
            Section::Upload => self.upload(&mut d),
            Section::Review => self.review(&mut d),
            Section::Brand => self.brand(&mut d),
            Section::Doc => self.doc(&mut d),
            Section::Video => self.video(&mut d),
            Section::Podcast => self.podcast(&mut d),
            Section::Legacy => self.legacy(&mut d),
        }
        d
    }

    /// Adds a context tag with the given chance (percent).
    fn ctx(&mut self, d: &mut Draft, tag: &'static str, pct: u8) {
        if d.nctx < d.ctx.len() && self.rng.u8(..100) < pct {
            d.ctx[d.nctx] = tag;
            d.nctx += 1;
        }
    }

    fn product(&mut self, d: &mut Draft) {
        let rng = &mut self.rng;
        let ci = weighted(rng, &[25, 22, 14, 8, 6, 15, 10]);
        let cat = &CATEGORIES[ci];
        let si = rng.usize(..cat.subs.len());
        let (sub, products) = cat.subs[si];
        let pi = rng.usize(..products.len());
        let (brand, slug) = products[pi];
        let pid = ci * 100 + si * 10 + pi;
        d.folder = if pid.is_multiple_of(3) {
            format!("/products/{}/{sub}/{slug}", cat.name)
        } else {
            format!("/products/{}/{sub}", cat.name)
        };
        let colourways = 2 + pid % 4;
        let (colour, code) = COLOURS[(pid * 5 + rng.usize(..colourways) * 3) % COLOURS.len()];
        let view = pick(rng, cat.views);
        let studio = pick(
            rng,
            &[
                (2000, 2000),
                (2000, 2500),
                (1500, 1500),
                (3000, 3000),
                (1600, 2000),
                (2400, 2400),
            ],
        );
        d.dims(studio);
        let scene = matches!(
            view,
            "lifestyle" | "on-model" | "on-foot" | "in-use" | "pitched"
        );
        let p = parts(d.created);
        let (season, yy) = (if p.month < 7 { "ss" } else { "aw" }, p.year % 100);
        match rng.u8(..100) {
            0..35 => {
                d.stem = format!("{slug}-{colour}-{view}");
                d.ext = pick(rng, &["jpg", "jpg", "jpg", "jpg", "jpg", "webp", "png"]);
            }
            35..45 => d.stem = format!("{slug}-{view}"),
            45..55 => d.stem = format!("{slug}-{colour}-{view}-{season}{yy:02}"),
            55..63 => {
                let s = pick(rng, &[(800, 800), (1200, 1200), (1600, 1600), (1000, 1250)]);
                d.stem = format!("{slug}-{colour}-{view}-{}x{}", s.0, s.1);
                d.ext = "webp";
                d.dims(s);
            }
            63..88 => {
                // The retailer's own scheme: style number per product and season.
                let style = 10_000 + pid * 40 + ((p.year - 2019).max(0) as usize) * 2;
                let style = style + usize::from(season == "aw");
                d.stem = format!("NW-{style}-{code}_{:02}", rng.u8(1..13));
            }
            88..95 => {
                let s = pick(rng, &[800, 1000, 1200]);
                d.stem = format!("{slug}-{colour}-{view}@2x");
                d.ext = "png";
                d.dims((s * 2, s * 2));
            }
            _ => {
                d.stem = format!("{slug}-{colour}-360-{:02}", rng.u8(1..37));
                d.dims((1500, 1500));
            }
        }
        if scene && d.ext == "jpg" {
            d.dims(pick(
                rng,
                &[(6000, 4000), (4000, 6000), (2400, 1600), (1600, 2400)],
            ));
        }
        if d.ext == "jpg" && rng.u8(..100) < if scene { 60 } else { 25 } {
            d.camera = Camera::Dslr;
            d.taken = d.created - rng.i64(DAY_MS..45 * DAY_MS);
        }
        d.suffix = 15;
        d.ai = cat.ai;
        d.ai_more = if scene { AI_OUTDOOR } else { AI_STUDIO };
        self.ctx(d, cat.tag, 75);
        self.ctx(d, sub, 30);
        self.ctx(d, colour, 35);
        self.ctx(d, brand_tag(brand, slug), 20);
        let gender = pick(&mut self.rng, &["men", "women", "unisex"]);
        self.ctx(
            d,
            gender,
            if ci == 0 || ci == 1 || ci == 5 { 25 } else { 5 },
        );
        if matches!(
            view,
            "front" | "back" | "side" | "detail" | "lifestyle" | "flatlay" | "on-model"
        ) {
            self.ctx(d, view, 20);
        }
        let rng = &mut self.rng;
        if rng.u8(..100) < 50 {
            if rng.u8(..100) < 70 {
                d.meta.insert("brand".into(), json!(brand));
            }
            if rng.u8(..100) < 60 {
                let dollars = rng.u32(cat.price.0 / 100..=cat.price.1 / 100);
                let cents = pick(rng, &[99, 99, 99, 95, 0, 50]);
                let price = f64::from(dollars * 100 + cents) / 100.0;
                d.meta.insert("price".into(), json!(price));
            }
            if rng.u8(..100) < 50 {
                d.meta
                    .insert("season".into(), json!(pick(rng, cat.seasons)));
            }
            if rng.u8(..100) < 40 {
                d.meta.insert("approved".into(), json!(rng.u8(..100) < 85));
            }
            if rng.u8(..100) < 15 {
                let ch: &[&str] = pick(rng, &[&["web"][..], &["web", "email"], &["web", "social"]]);
                d.meta.insert("channels".into(), json!(ch));
            }
            if d.camera != Camera::None && rng.u8(..100) < 40 {
                d.meta.insert("shootDate".into(), json!(date_only(d.taken)));
            }
        }
        if rng.u8(..100) < 5 {
            let model = slug[brand_tag(brand, slug).len()..]
                .trim_start_matches('-')
                .replace('-', " ");
            d.description = Some(format!("{brand} {model} in {colour}, {view} view."));
        }
    }

    fn banner(&mut self, d: &mut Draft) {
        let p = parts(d.created);
        let (campaign, season, live) = self.campaign(p.month);
        let year = if live < p.month { p.year + 1 } else { p.year };
        let rng = &mut self.rng;
        d.folder = format!("/marketing/banners/{year}/{campaign}");
        const HERO: &[(u32, u32)] = &[(1920, 600), (1440, 500), (1920, 800), (2560, 720)];
        match rng.u8(..100) {
            0..25 => {
                let (w, h) = pick(rng, HERO);
                d.stem = format!("hero-banner-{w}x{h}@2x");
                d.ext = "png";
                d.dims((w * 2, h * 2));
            }
            25..45 => {
                let (w, h) = pick(rng, HERO);
                d.stem = format!("hero-banner-{w}x{h}");
                d.dims((w, h));
            }
            45..60 => {
                let (w, h) = pick(rng, HERO);
                d.stem = format!("{campaign}-hero-{w}x{h}");
                d.ext = pick(rng, &["jpg", "webp"]);
                d.dims((w, h));
            }
            60..70 => {
                d.stem = "mobile-banner-750x1334".to_owned();
                d.ext = pick(rng, &["jpg", "webp"]);
                d.dims((750, 1334));
            }
            70..78 => {
                let s = pick(rng, &[600, 800]);
                d.stem = format!("promo-tile-{s}x{s}");
                d.ext = pick(rng, &["jpg", "png"]);
                d.dims((s, s));
            }
            78..86 => {
                let (w, h) = pick(
                    rng,
                    &[(300, 250), (728, 90), (160, 600), (970, 250), (320, 50)],
                );
                d.stem = format!("display-ad-{w}x{h}");
                d.ext = pick(rng, &["gif", "png", "jpg"]);
                d.dims((w, h));
            }
            86..93 => {
                d.stem = "category-header-1600x400".to_owned();
                d.dims((1600, 400));
            }
            93..97 => {
                d.stem = "countdown-strip-1200x80".to_owned();
                d.ext = "gif";
                d.dims((1200, 80));
            }
            _ => {
                let v = pick(rng, &["variant-a", "variant-b"]);
                d.stem = format!("{campaign}-{v}-1200x628");
                d.ext = "png";
                d.dims((1200, 628));
            }
        }
        d.suffix = 8;
        d.ai = AI_GRAPHIC;
        d.ai_more = AI_OUTDOOR;
        self.ctx(d, campaign, 70);
        self.ctx(d, "banner", 45);
        self.ctx(d, year_str(year), 10);
        self.marketing_meta(d, season, &["web"]);
    }

    fn marketing_meta(&mut self, d: &mut Draft, season: &str, channels: &[&str]) {
        let rng = &mut self.rng;
        if rng.u8(..100) < 45 {
            if rng.u8(..100) < 60 {
                d.meta.insert("approved".into(), json!(rng.u8(..100) < 80));
            }
            if rng.u8(..100) < 50 {
                let mut ch: Vec<&str> = channels.to_vec();
                if rng.u8(..100) < 30 && !ch.contains(&"social") {
                    ch.push("social");
                }
                d.meta.insert("channels".into(), json!(ch));
            }
            if rng.u8(..100) < 50 {
                d.meta.insert("season".into(), json!(season));
            }
            if rng.u8(..100) < 15 {
                d.meta.insert("brand".into(), json!("Northwind"));
            }
        }
    }

    fn social(&mut self, d: &mut Draft) {
        let p = parts(d.created);
        let (campaign, season, _) = self.campaign(p.month);
        let rng = &mut self.rng;
        let platform = [
            "instagram",
            "facebook",
            "pinterest",
            "tiktok",
            "linkedin",
            "youtube",
        ][weighted(rng, &[40, 25, 12, 10, 6, 7])];
        d.folder = format!("/marketing/social/{platform}/{}", p.year);
        let nn = rng.u8(1..61);
        let secs = pick(rng, &[15, 30, 60]);
        match (platform, rng.u8(..100)) {
            ("instagram", 0..55) => {
                d.stem = format!("ig-post-{campaign}-{nn:02}");
                d.dims(pick(rng, &[(1080, 1080), (1080, 1350)]));
            }
            ("instagram", 55..80) => {
                d.stem = format!("ig-story-{nn:02}");
                d.ext = pick(rng, &["jpg", "png"]);
                d.dims((1080, 1920));
            }
            ("instagram", _) => {
                d.stem = format!("reel-{nn:02}-{}s", secs.min(30));
                d.ext = "mp4";
                d.dims((1080, 1920));
            }
            ("facebook", 0..60) => {
                d.stem = format!("fb-post-{nn:02}");
                d.dims((1200, 630));
            }
            ("facebook", 60..75) => {
                d.stem = "fb-cover-820x312".to_owned();
                d.dims((820, 312));
            }
            ("facebook", _) => {
                d.stem = format!("fb-video-{nn:02}-{secs}s");
                d.ext = "mp4";
                d.dims((1080, 1080));
            }
            ("pinterest", _) => {
                d.stem = format!("pin-{}-{nn:02}", pick(rng, BLOG_POSTS));
                d.dims((1000, 1500));
            }
            ("tiktok", _) => {
                d.stem = format!("tiktok-{nn:02}-{secs}s");
                d.ext = "mp4";
                d.dims((1080, 1920));
            }
            ("linkedin", 0..80) => {
                d.stem = format!("linkedin-post-{nn:02}");
                d.ext = "png";
                d.dims((1200, 627));
            }
            ("linkedin", _) => {
                d.stem = "linkedin-banner-1584x396".to_owned();
                d.ext = "png";
                d.dims((1584, 396));
            }
            _ => {
                d.stem = format!("yt-thumbnail-{}", pick(rng, BLOG_POSTS));
                d.dims((1280, 720));
            }
        }
        if d.ext == "mp4" {
            self.video_media(d, 6, 60);
        }
        d.suffix = 10;
        d.ai = AI_OUTDOOR;
        d.ai_more = AI_GRAPHIC;
        self.ctx(d, platform, 60);
        self.ctx(d, "social", 40);
        self.ctx(d, campaign, 25);
        self.marketing_meta(d, season, &["social"]);
    }

    fn email(&mut self, d: &mut Draft) {
        let p = parts(d.created);
        let (campaign, season, _) = self.campaign(p.month);
        let rng = &mut self.rng;
        d.folder = format!("/marketing/email/{}/{}", p.year, month_str(p.month));
        match rng.u8(..100) {
            0..25 => {
                d.stem = "newsletter-header-600x200".to_owned();
                d.ext = "png";
                d.dims((600, 200));
            }
            25..50 => {
                d.stem = format!("{campaign}-email-hero-1200x600");
                d.dims((1200, 600));
            }
            50..70 => {
                d.stem = format!("product-grid-{}-600x400", rng.u8(1..9));
                d.dims((600, 400));
            }
            70..80 => {
                d.stem = "footer-social-icons".to_owned();
                d.ext = "png";
                d.dims((600, 80));
            }
            80..90 => {
                d.stem = "cta-shop-now@2x".to_owned();
                d.ext = "png";
                d.dims((600, 120));
            }
            _ => {
                d.stem = format!("{campaign}-animated-600x300");
                d.ext = "gif";
                d.dims((600, 300));
            }
        }
        d.suffix = 10;
        d.ai = AI_GRAPHIC;
        self.ctx(d, "email", 60);
        self.ctx(d, "newsletter", 30);
        self.ctx(d, campaign, 40);
        self.marketing_meta(d, season, &["email"]);
    }

    fn print(&mut self, d: &mut Draft) {
        let p = parts(d.created);
        let (campaign, season, _) = self.campaign(p.month);
        let rng = &mut self.rng;
        d.folder = format!("/marketing/print/{}", p.year);
        d.ext = "pdf";
        match rng.u8(..100) {
            0..30 => d.stem = format!("{campaign}-poster-a2"),
            30..55 => d.stem = format!("flyer-a5-{campaign}"),
            55..75 => d.stem = format!("in-store-display-{campaign}"),
            75..85 => d.stem = format!("window-vinyl-{campaign}"),
            _ => {
                d.stem = format!("shelf-talker-{:02}", rng.u8(1..30));
                d.ext = "png";
                d.dims((1200, 1800));
            }
        }
        d.suffix = 5;
        d.ai = AI_GRAPHIC;
        self.ctx(d, "print", 60);
        self.ctx(d, campaign, 40);
        self.marketing_meta(d, season, &["print"]);
    }

    fn blog(&mut self, d: &mut Draft) {
        let p = parts(d.created);
        let rng = &mut self.rng;
        d.folder = format!("/blog/{}/{}", p.year, month_str(p.month));
        let post = pick(rng, BLOG_POSTS);
        d.ai_more = AI_UGC;
        d.taken = d.created - rng.i64(DAY_MS / 4..20 * DAY_MS);
        let t = parts(d.taken);
        let date = format!("{:04}{:02}{:02}", t.year, t.month, t.day);
        match rng.u8(..100) {
            0..28 => {
                d.stem = format!("IMG_{date}_{:02}{:02}{:02}", t.hour, t.minute, t.second);
                d.camera = Camera::Phone;
                d.dims(pick(rng, &[(4032, 3024), (3024, 4032), (4000, 3000)]));
            }
            28..36 => {
                d.stem = format!(
                    "PXL_{date}_{:02}{:02}{:02}{:03}",
                    t.hour, t.minute, t.second, t.milli
                );
                d.camera = Camera::Phone;
                d.dims(pick(rng, &[(4080, 3072), (3072, 4080)]));
            }
            36..46 => {
                let (prefix, camera) = pick(
                    rng,
                    &[
                        ("DSC0", Camera::Dslr),
                        ("DSCF", Camera::Dslr),
                        ("_MG_", Camera::Dslr),
                        ("GOPR", Camera::GoPro),
                    ],
                );
                d.stem = format!("{prefix}{:04}", rng.u16(1..10_000));
                d.ext = "JPG";
                d.camera = camera;
                d.dims(if camera == Camera::GoPro {
                    (5568, 4176)
                } else {
                    pick(rng, &[(6000, 4000), (4000, 6000), (6240, 4160)])
                });
            }
            46..60 => {
                d.stem = format!("{post}-{:02}", rng.u8(1..25));
                d.dims(pick(rng, &[(2400, 1600), (1600, 2400), (2000, 1333)]));
                if rng.bool() {
                    d.camera = Camera::Dslr;
                }
            }
            60..68 => {
                if rng.bool() {
                    d.stem = format!("{post}-hero");
                    d.dims((2400, 1260));
                } else {
                    d.stem = format!("{post}-cover");
                    d.ext = "webp";
                    d.dims((1600, 900));
                }
            }
            68..74 => {
                let (w, h) = pick(rng, &[(1200, 800), (800, 533), (1024, 683)]);
                d.stem = format!("{post}-{w}x{h}");
                d.dims((w, h));
            }
            74..82 => {
                d.stem = format!(
                    "Screenshot {:04}-{:02}-{:02} at {:02}.{:02}.{:02}",
                    t.year, t.month, t.day, t.hour, t.minute, t.second
                );
                d.ext = "png";
                d.dims(pick(
                    rng,
                    &[(2880, 1800), (1440, 900), (1170, 2532), (3024, 1964)],
                ));
                d.ai = AI_SCREEN;
            }
            82..88 => {
                if rng.bool() {
                    d.stem = format!("{post}-map");
                    d.dims((1600, 1200));
                } else {
                    d.stem = format!("{post}-infographic");
                    d.dims((1080, 2400));
                }
                d.ext = "png";
                d.ai = AI_GRAPHIC;
            }
            88..94 => {
                d.stem = post.to_owned();
                d.ext = "gif";
                d.dims((800, 450));
            }
            94..98 => {
                d.stem = format!(
                    "author-{}-{}",
                    pick(rng, FIRST_NAMES),
                    pick(rng, LAST_NAMES)
                );
                d.dims((400, 400));
                d.ai = AI_FACE;
            }
            _ => {
                d.stem = pick(rng, UNICODE_NAMES).to_owned();
                d.camera = Camera::Phone;
                d.dims((4032, 3024));
            }
        }
        d.suffix = 6;
        self.ctx(d, "blog", 45);
        let rng = &mut self.rng;
        if rng.u8(..100) < 15 {
            if d.camera != Camera::None && rng.u8(..100) < 70 {
                d.meta.insert("shootDate".into(), json!(date_only(d.taken)));
            }
            if rng.u8(..100) < 40 {
                d.meta.insert("approved".into(), json!(rng.u8(..100) < 85));
            }
        }
        if rng.u8(..100) < 6 {
            d.description = Some(format!(
                "Photo for the blog post \u{201c}{}\u{201d}.",
                title(post)
            ));
        }
    }

    fn avatar(&mut self, d: &mut Draft) {
        d.folder = "/users/avatars".to_owned();
        let r = self.rng.u8(..100);
        d.stem = match r {
            0..40 => self.hex(24),
            40..65 => format!("avatar_{}", self.rng.u32(1_000_000..9_999_999)),
            65..85 => format!(
                "{}-{}",
                pick(&mut self.rng, FIRST_NAMES),
                pick(&mut self.rng, LAST_NAMES)
            ),
            _ => format!(
                "user-{}-{}",
                self.rng.u32(10_000..999_999),
                pick(&mut self.rng, &[64, 128, 256])
            ),
        };
        let rng = &mut self.rng;
        d.ext = match r {
            0..40 | 65..85 => "jpg",
            40..65 => "png",
            _ => "webp",
        };
        let s = pick(rng, &[128, 256, 256, 400, 400, 512, 800, 1024]);
        d.dims((s, s));
        d.suffix = 30;
        d.private_pct = 10;
        d.ai = AI_FACE;
        d.ai_more = AI_OUTDOOR;
        self.ctx(d, "avatar", 55);
        self.ctx(d, "user", 25);
        self.ctx(d, "profile", 15);
        if self.rng.u8(..100) < 5 {
            let ok = self.rng.u8(..100) < 90;
            d.meta.insert("approved".into(), json!(ok));
        }
    }

    fn upload(&mut self, d: &mut Draft) {
        let p = parts(d.created);
        d.folder = format!("/users/uploads/{}/{}", p.year, month_str(p.month));
        d.taken = d.created - self.rng.i64(60_000..30 * DAY_MS);
        let t = parts(d.taken);
        let rng = &mut self.rng;
        let phone = pick(
            rng,
            &[(4032, 3024), (3024, 4032), (1600, 1200), (1080, 1440)],
        );
        d.dims(phone);
        match rng.u8(..100) {
            0..20 => {
                d.stem = format!("IMG_{:04}", rng.u16(1..10_000));
                d.ext = "HEIC";
                d.camera = Camera::Phone;
            }
            20..35 => {
                d.stem = format!(
                    "IMG_{:04}{:02}{:02}_{:02}{:02}{:02}",
                    t.year, t.month, t.day, t.hour, t.minute, t.second
                );
                d.camera = Camera::Phone;
            }
            35..45 => {
                d.stem = "image".to_owned();
                d.ext = pick(rng, &["jpg", "png"]);
            }
            45..52 => {
                d.stem = format!("image ({})", rng.u8(1..12));
                d.ext = "png";
            }
            52..60 => {
                d.stem = "photo".to_owned();
                d.ext = "jpeg";
            }
            60..70 => {
                d.stem = format!(
                    "WhatsApp Image {:04}-{:02}-{:02} at {:02}.{:02}.{:02}",
                    t.year, t.month, t.day, t.hour, t.minute, t.second
                );
                d.ext = "jpeg";
                d.dims(pick(rng, &[(1600, 1200), (1200, 1600), (1280, 960)]));
            }
            70..78 => {
                d.stem = format!(
                    "received_{}{:09}",
                    rng.u32(100_000..999_999),
                    rng.u32(..1_000_000_000)
                );
                d.ext = "jpeg";
                d.dims((960, 1280));
            }
            78..90 => {
                let h = self.hex(32);
                d.stem = format!(
                    "{}-{}-{}-{}-{}",
                    &h[..8],
                    &h[8..12],
                    &h[12..16],
                    &h[16..20],
                    &h[20..]
                );
            }
            _ => {
                d.stem = format!(
                    "PXL_{:04}{:02}{:02}_{:02}{:02}{:02}{:03}",
                    t.year, t.month, t.day, t.hour, t.minute, t.second, t.milli
                );
                d.camera = Camera::Phone;
                d.dims((4080, 3072));
            }
        }
        d.suffix = 85;
        d.private_pct = 25;
        d.ai = AI_UGC;
        d.ai_more = AI_OUTDOOR;
        self.ctx(d, "ugc", 30);
        self.ctx(d, "customer-photo", 15);
        self.ctx(d, "pending-review", 10);
        if self.rng.u8(..100) < 5 {
            let ok = self.rng.u8(..100) < 60;
            d.meta.insert("approved".into(), json!(ok));
        }
    }

    fn review(&mut self, d: &mut Draft) {
        let cat = pick(&mut self.rng, &[0usize, 0, 1, 1, 2, 3, 4, 5, 6]);
        let cat = &CATEGORIES[cat];
        let rng = &mut self.rng;
        d.folder = format!("/users/reviews/{}", cat.name);
        d.stem = format!("review-{}-{}", rng.u32(100_000..999_999), rng.u8(1..5));
        d.dims(pick(rng, &[(1600, 1200), (1200, 1600), (4032, 3024)]));
        d.camera = Camera::Phone;
        d.taken = d.created - rng.i64(60_000..10 * DAY_MS);
        d.suffix = 60;
        d.private_pct = 8;
        d.ai = AI_UGC;
        d.ai_more = cat.ai;
        self.ctx(d, "review", 50);
        self.ctx(d, "ugc", 30);
        self.ctx(d, cat.tag, 30);
    }

    fn brand(&mut self, d: &mut Draft) {
        let rng = &mut self.rng;
        d.suffix = 5;
        d.ai = AI_LOGO;
        d.ai_more = AI_GRAPHIC;
        let tag = match weighted(rng, &[40, 10, 12, 25, 6, 7]) {
            0 => {
                const LOGOS: &[(&str, &str, u32, u32)] = &[
                    ("logo", "svg", 512, 512),
                    ("logo-dark", "svg", 512, 512),
                    ("logo-white", "svg", 512, 512),
                    ("logo-mono", "svg", 512, 512),
                    ("logo-horizontal", "svg", 1200, 300),
                    ("logo-stacked", "png", 1024, 1024),
                    ("logo-512x512", "png", 512, 512),
                    ("logo-horizontal-dark@2x", "png", 2400, 600),
                    ("wordmark", "svg", 1200, 300),
                    ("wordmark-black", "png", 2400, 600),
                    ("monogram", "svg", 256, 256),
                    ("favicon", "ico", 48, 48),
                    ("favicon-32x32", "png", 32, 32),
                    ("favicon-16x16", "png", 16, 16),
                    ("apple-touch-icon", "png", 180, 180),
                    ("og-image-1200x630", "jpg", 1200, 630),
                    ("email-signature-logo", "png", 300, 80),
                    ("logo-2019", "png", 800, 800),
                    ("logo-old", "jpg", 800, 800),
                ];
                let (stem, ext, w, h) = pick(rng, LOGOS);
                d.folder = "/brand/logos".to_owned();
                d.stem = stem.to_owned();
                d.ext = ext;
                d.dims((w, h));
                "logo"
            }
            1 => {
                d.folder = "/brand/logos/partners".to_owned();
                d.stem = format!("{}-logo", pick(rng, PARTNERS));
                d.ext = pick(rng, &["svg", "svg", "png"]);
                d.dims((400, 200));
                "partner"
            }
            2 => {
                let (stem, ext, w, h) = pick(
                    rng,
                    &[
                        ("brand-guidelines-v1", "pdf", 0, 0),
                        ("brand-guidelines-v2", "pdf", 0, 0),
                        ("brand-guidelines-v3", "pdf", 0, 0),
                        ("brand-guidelines-v4", "pdf", 0, 0),
                        ("tone-of-voice", "pdf", 0, 0),
                        ("photography-guidelines", "pdf", 0, 0),
                        ("typography-specimen", "pdf", 0, 0),
                        ("colour-palette", "png", 1600, 900),
                        ("logo-usage-dos-and-donts", "png", 1600, 1200),
                    ],
                );
                d.folder = "/brand/guidelines".to_owned();
                d.stem = stem.to_owned();
                d.ext = ext;
                d.dims((w, h));
                "brand-guidelines"
            }
            3 => {
                let set = pick(rng, &["ui", "activity", "payment", "social"]);
                let icon = pick(rng, ICONS);
                d.folder = format!("/brand/icons/{set}");
                match rng.u8(..100) {
                    0..70 => {
                        d.stem = format!("icon-{icon}");
                        d.ext = "svg";
                        d.dims((24, 24));
                    }
                    70..85 => {
                        d.stem = format!("{icon}-24");
                        d.ext = "svg";
                        d.dims((24, 24));
                    }
                    _ => {
                        d.stem = format!("{icon}@2x");
                        d.ext = "png";
                        d.dims((48, 48));
                    }
                }
                "icon"
            }
            4 => {
                d.folder = "/brand/fonts".to_owned();
                d.stem = format!(
                    "{}-{}",
                    pick(rng, &["NorthwindSans", "Inter", "Merriweather"]),
                    pick(
                        rng,
                        &["Regular", "Medium", "SemiBold", "Bold", "Italic", "Light"]
                    )
                );
                d.ext = "woff2";
                "font"
            }
            _ => {
                let (stem, ext, w, h) = pick(
                    rng,
                    &[
                        ("topo-lines", "png", 2000, 2000),
                        ("topo-lines-dark", "webp", 2000, 2000),
                        ("grain-texture", "jpg", 2048, 2048),
                        ("mountain-ridge-divider", "svg", 1440, 120),
                        ("paper-texture", "jpg", 2400, 2400),
                    ],
                );
                d.folder = "/brand/patterns".to_owned();
                d.stem = stem.to_owned();
                d.ext = ext;
                d.dims((w, h));
                d.ai = AI_STUDIO;
                "pattern"
            }
        };
        self.ctx(d, tag, 55);
        self.ctx(d, "brand", 30);
        if self.rng.u8(..100) < 20 {
            let ok = self.rng.u8(..100) < 80;
            d.meta.insert("approved".into(), json!(ok));
            if self.rng.bool() {
                d.meta.insert("brand".into(), json!("Northwind"));
            }
        }
    }

    fn doc(&mut self, d: &mut Draft) {
        let p = parts(d.created);
        let year = p.year;
        let q = (p.month - 1) / 3 + 1;
        let rng = &mut self.rng;
        d.ext = "pdf";
        d.private_pct = 5;
        let cat = &CATEGORIES[rng.usize(..CATEGORIES.len())];
        let (_, products) = pick(rng, cat.subs);
        let (_, slug) = pick(rng, products);
        let season = if p.month < 7 { "ss" } else { "aw" };
        let yy = year % 100;
        let tag = match weighted(rng, &[30, 20, 12, 15, 8, 10, 5]) {
            0 => {
                d.folder = "/docs".to_owned();
                match rng.u8(..100) {
                    0..30 => d.stem = format!("whitepaper-q{q}"),
                    30..50 => d.stem = format!("whitepaper-q{q}-{year}"),
                    50..65 => d.stem = format!("annual-impact-report-{year}"),
                    65..75 => {
                        d.stem = format!("product-feed-{:04}{:02}{:02}", year, p.month, p.day);
                        d.ext = "csv";
                    }
                    75..85 => {
                        d.stem = format!("price-list-{year}");
                        d.ext = "xlsx";
                    }
                    85..93 => {
                        d.stem = "retailer-onboarding".to_owned();
                        d.ext = "pptx";
                    }
                    _ => {
                        d.stem = "supplier-code-of-conduct".to_owned();
                        d.ext = "docx";
                    }
                }
                "whitepaper"
            }
            1 => {
                d.folder = format!("/docs/manuals/{}", cat.name);
                let kind = pick(rng, &["user-manual", "spec-sheet", "care-instructions"]);
                d.stem = format!("{kind}-{slug}");
                if kind == "care-instructions" {
                    "care-instructions"
                } else {
                    "manual"
                }
            }
            2 => {
                d.folder = "/docs/size-guides".to_owned();
                d.stem = match rng.u8(..100) {
                    0..60 => format!("size-guide-{}", cat.name),
                    60..95 => format!("size-guide-{}-{year}", cat.name),
                    _ => "Größentabelle Schuhe".to_owned(),
                };
                "size-guide"
            }
            3 => {
                d.folder = format!("/docs/press/{year}");
                match rng.u8(..100) {
                    0..70 => {
                        d.stem = format!("press-release-{year:04}-{:02}-{:02}", p.month, p.day);
                    }
                    70..85 => {
                        d.stem = format!("press-kit-{year}");
                        d.ext = "zip";
                    }
                    _ => {
                        d.stem = "founders-portrait".to_owned();
                        d.ext = "jpg";
                        d.dims((3000, 4500));
                        d.camera = Camera::Dslr;
                        d.ai = AI_FACE;
                    }
                }
                "press"
            }
            4 => {
                d.folder = "/docs/legal".to_owned();
                d.stem = match rng.u8(..4) {
                    0 => "warranty-terms".to_owned(),
                    1 => format!("returns-policy-{year}"),
                    2 => "privacy-notice".to_owned(),
                    _ => "terms-of-sale".to_owned(),
                };
                d.private_pct = 20;
                "legal"
            }
            5 => {
                d.folder = "/docs/catalogues".to_owned();
                let kind = pick(rng, &["catalogue", "lookbook"]);
                d.stem = format!("{kind}-{season}{yy:02}");
                kind
            }
            _ => {
                d.folder = "/docs/internal".to_owned();
                if rng.bool() {
                    d.stem = format!("q{q}-{year}-sales-review");
                    d.ext = "pptx";
                } else {
                    d.stem = format!("media-budget-{year}");
                    d.ext = "xlsx";
                }
                d.private_pct = 100;
                "internal"
            }
        };
        d.suffix = 4;
        self.ctx(d, tag, 50);
        self.ctx(d, "pdf", if d.ext == "pdf" { 20 } else { 0 });
        self.ctx(d, year_str(year), 15);
        if self.rng.u8(..100) < 20 {
            let ok = self.rng.u8(..100) < 85;
            d.meta.insert("approved".into(), json!(ok));
        }
    }

    /// Video attributes: duration from the name when it says (`promo-15s`), else a
    /// log-uniform pick between `lo` and `hi` seconds.
    fn video_media(&mut self, d: &mut Draft, lo: i64, hi: i64) {
        let rng = &mut self.rng;
        let seconds = seconds_in(&d.stem)
            .unwrap_or_else(|| log_uniform(rng, lo as f64, hi as f64).round() as i64);
        let pixels = u64::from(d.width) * u64::from(d.height);
        let kbps = if pixels >= 3840 * 2160 {
            rng.i64(18_000..45_000)
        } else if pixels >= 1920 * 1080 / 2 {
            rng.i64(3_500..12_000)
        } else {
            rng.i64(1_200..5_000)
        };
        let (video, audio) = match d.ext {
            "webm" => (pick(rng, &["vp9", "vp9", "av1"]), Some("opus")),
            "mov" => (pick(rng, &["hevc", "h264", "prores"]), Some("aac")),
            _ => (pick(rng, &["h264", "h264", "h264", "hevc"]), Some("aac")),
        };
        let audio = if rng.u8(..100) < 10 { None } else { audio };
        d.media = Media::Video {
            seconds: seconds.max(1),
            kbps,
            video,
            audio,
        };
    }

    fn video(&mut self, d: &mut Draft) {
        let p = parts(d.created);
        let (campaign, season, _) = self.campaign(p.month);
        let rng = &mut self.rng;
        d.ext = "mp4";
        let (lo, hi, tag) = match weighted(rng, &[35, 30, 20, 15]) {
            0 => {
                d.folder = format!("/videos/campaigns/{}", p.year);
                let (ratio, dims) = pick(
                    rng,
                    &[
                        ("16x9", (1920, 1080)),
                        ("9x16", (1080, 1920)),
                        ("1x1", (1080, 1080)),
                    ],
                );
                d.dims(dims);
                match rng.u8(..100) {
                    0..35 => d.stem = format!("{campaign}-teaser-{}s", pick(rng, &[15, 30])),
                    35..55 => d.stem = format!("promo-{}s", pick(rng, &[6, 15, 30])),
                    55..85 => {
                        d.stem = format!("{campaign}-{}s-{ratio}", pick(rng, &[6, 15, 30]));
                    }
                    _ => {
                        d.stem = "bumper-6s".to_owned();
                        d.ext = "webm";
                    }
                }
                (6, 60, campaign)
            }
            1 => {
                let cat = &CATEGORIES[rng.usize(..CATEGORIES.len())];
                let (_, products) = pick(rng, cat.subs);
                let (_, slug) = pick(rng, products);
                d.folder = format!("/videos/products/{}", cat.name);
                match rng.u8(..100) {
                    0..45 => {
                        d.stem = format!("{slug}-360");
                        d.dims((1080, 1080));
                        (10, 24, "360")
                    }
                    45..80 => {
                        d.stem = format!("{slug}-feature-walkthrough");
                        d.dims((1920, 1080));
                        (60, 240, cat.tag)
                    }
                    _ => {
                        d.stem = format!("unboxing-{slug}");
                        d.ext = "mov";
                        d.dims((3840, 2160));
                        (90, 420, "unboxing")
                    }
                }
            }
            2 => {
                d.folder = "/videos/tutorials".to_owned();
                d.stem = format!("how-to-{}", pick(rng, BLOG_POSTS));
                d.dims(pick(rng, &[(1920, 1080), (3840, 2160)]));
                (120, 900, "how-to")
            }
            _ => {
                d.folder = "/videos/brand".to_owned();
                match rng.u8(..3) {
                    0 => {
                        d.stem = format!("brand-film-{}-{}s", p.year, pick(rng, &[60, 90]));
                        d.dims((3840, 2160));
                    }
                    1 => {
                        d.stem = "founders-interview".to_owned();
                        d.ext = "mov";
                        d.dims((1920, 1080));
                    }
                    _ => {
                        d.stem = format!("b-roll-{:02}", rng.u8(1..40));
                        d.ext = "mov";
                        d.dims((3840, 2160));
                    }
                }
                (20, 600, "brand-film")
            }
        };
        self.video_media(d, lo, hi);
        d.suffix = 5;
        self.ctx(d, "video", 50);
        self.ctx(d, tag, 40);
        if self.rng.u8(..100) < 30 {
            self.marketing_meta(d, season, &["web", "social"]);
        }
        if self.rng.u8(..100) < 10 {
            d.description = Some(format!("{}.", title(&d.stem)));
        }
    }

    fn podcast(&mut self, d: &mut Draft) {
        // The podcast started in March 2021.
        const PODCAST_START: i64 = 1_614_556_800_000;
        d.created = PODCAST_START + self.rng.i64(0..END_MS - PODCAST_START);
        let p = parts(d.created);
        let rng = &mut self.rng;
        let season = (p.year - 2020).max(1);
        let episode = (d.created - PODCAST_START) / (14 * DAY_MS) + 1;
        d.folder = format!("/podcast/season-{season}");
        if rng.u8(..100) < 25 {
            d.stem = format!("episode-{episode:03}-cover");
            d.dims((3000, 3000));
            d.ai = AI_GRAPHIC;
        } else {
            d.stem = format!("episode-{episode:03}-{}", pick(rng, BLOG_POSTS));
            d.ext = "mp3";
            d.media = Media::Audio {
                seconds: rng.i64(1_500..4_200),
                kbps: pick(rng, &[128, 192]),
            };
        }
        self.ctx(d, "podcast", 60);
        self.ctx(d, "episode", 20);
        self.ctx(d, "audio", 20);
    }

    fn legacy(&mut self, d: &mut Draft) {
        let rng = &mut self.rng;
        let post = pick(rng, BLOG_POSTS);
        d.ai_more = AI_GRAPHIC;
        match weighted(rng, &[65, 12, 8, 15]) {
            0 => {
                // A WordPress import: 2019 to mid-2021 only.
                d.created = START_MS + rng.i64(0..900 * DAY_MS);
                let p = parts(d.created);
                let rng = &mut self.rng;
                d.folder = format!("/uploads/{}/{}", p.year, month_str(p.month));
                match rng.u8(..100) {
                    0..25 => {
                        d.stem = format!("IMG_{:04}-1024x768", rng.u16(1..10_000));
                        d.dims((1024, 768));
                    }
                    25..40 => {
                        d.stem = format!("{post}-scaled");
                        d.dims((2560, 1707));
                    }
                    40..50 => {
                        d.stem = format!("cropped-{post}-1");
                        d.ext = "png";
                        d.dims((512, 512));
                    }
                    50..60 => {
                        let h = (p.hour % 12).max(1);
                        let ampm = if p.hour < 12 { "AM" } else { "PM" };
                        d.stem = format!(
                            "Screen-Shot-{}-{:02}-{:02}-at-{h}.{:02}.{:02}-{ampm}",
                            p.year, p.month, p.day, p.minute, p.second
                        );
                        d.ext = "png";
                        d.dims((2880, 1800));
                        d.ai = AI_SCREEN;
                    }
                    60..75 => {
                        d.stem = format!("{post}-300x200");
                        d.dims((300, 200));
                    }
                    75..90 => {
                        d.stem = format!("{post}-{}", rng.u8(1..9));
                        d.dims((1200, 800));
                    }
                    _ => {
                        d.stem = format!("{post}-150x150");
                        d.dims((150, 150));
                    }
                }
                self.ctx(d, "old-site", 25);
            }
            1 => {
                d.folder = String::new();
                let (stem, ext, w, h) = pick(
                    rng,
                    &[
                        ("Untitled-1", "png", 1920, 1080),
                        ("Untitled design", "png", 1080, 1080),
                        ("image", "png", 1200, 800),
                        ("banner_final_FINAL", "jpg", 1920, 600),
                        ("Copy of hero banner", "jpg", 1920, 600),
                        ("test", "jpg", 800, 600),
                        ("download", "jpeg", 1200, 675),
                        ("new logo idea", "png", 1000, 1000),
                        ("Café menu – été", "jpg", 1600, 1200),
                    ],
                );
                d.stem = stem.to_owned();
                d.ext = ext;
                d.dims((w, h));
                d.suffix = 40;
                d.ai = AI_GRAPHIC;
            }
            2 => {
                d.folder = "/tmp".to_owned();
                let n = rng.u8(1..40);
                d.stem = match rng.u8(..4) {
                    0 => format!("export-{n}"),
                    1 => format!("crop-test-{n}"),
                    2 => format!("Artboard {n}"),
                    _ => format!("Artboard {n} copy"),
                };
                d.ext = pick(rng, &["png", "jpg"]);
                d.dims((1920, 1080));
                d.ai = AI_GRAPHIC;
            }
            _ => {
                let album = pick(rng, TEAM_ALBUMS);
                d.folder = format!("/Team Photos/{album}");
                d.taken = d.created - rng.i64(DAY_MS..30 * DAY_MS);
                if rng.u8(..100) < 8 {
                    d.stem = pick(rng, UNICODE_NAMES).to_owned();
                    d.camera = Camera::Phone;
                    d.dims((4032, 3024));
                } else if rng.bool() {
                    d.stem = format!("IMG_{:04}", rng.u16(1..10_000));
                    d.ext = "JPG";
                    d.camera = Camera::Phone;
                    d.dims(pick(rng, &[(4032, 3024), (3024, 4032)]));
                } else {
                    d.stem = format!("DSC0{:04}", rng.u16(1..10_000));
                    d.ext = "JPG";
                    d.camera = Camera::Dslr;
                    d.dims((6000, 4000));
                }
                d.ai_more = AI_FACE;
                self.ctx(d, "team", 30);
            }
        }
    }

    /// The common part: unique name, sizes, tags, AI tags, flags, ids and URLs.
    fn finish(&mut self, i: usize, mut d: Draft) -> FileDetails {
        let (lower_ext, mime, is_image) = mime_of(d.ext);
        let name = self.unique_name(&d);
        let mut file_path = String::with_capacity(d.folder.len() + name.len() + 1);
        file_path.push_str(&d.folder);
        file_path.push('/');
        file_path.push_str(&name);

        let rng = &mut self.rng;
        let created = d.created.clamp(START_MS, END_MS);
        let updated = if rng.u8(..100) < 35 {
            (created + log_uniform(rng, 60_000.0, 3.0 * 365.0 * DAY_MS as f64) as i64).min(END_MS)
        } else {
            created
        };
        let has_alpha = match lower_ext {
            "svg" => rng.u8(..100) < 90,
            "png" => d.stem.contains("@2x") || d.stem.contains("logo") || rng.u8(..100) < 35,
            "webp" => rng.u8(..100) < 20,
            "gif" => rng.u8(..100) < 10,
            _ => false,
        };
        let size = file_size(rng, lower_ext, d.width, d.height, has_alpha, d.media);
        let tags = self.tags(&d);
        let ai_tags = if is_image {
            self.ai_tags(&d, lower_ext)
        } else {
            Vec::new()
        };
        let rng = &mut self.rng;
        let custom_coordinates = (is_image
            && lower_ext != "svg"
            && d.width >= 64
            && d.height >= 64
            && rng.u8(..100) < 10)
            .then(|| {
                let w = rng.u32(d.width / 8..=d.width / 2);
                let h = rng.u32(d.height / 8..=d.height / 2);
                let x = rng.u32(..=d.width - w);
                let y = rng.u32(..=d.height - h);
                format!("{x},{y},{w},{h}")
            });
        let embedded_metadata = match d.camera {
            Camera::None => None,
            _ if !matches!(lower_ext, "jpg" | "jpeg" | "heic") => None,
            camera => Some(exif(rng, camera, d.taken)),
        };
        let is_private_file = rng.u8(..100) < d.private_pct;
        let unpublished = match d.section {
            Section::Banner | Section::Social | Section::Email | Section::Print => 8,
            _ => 2,
        };
        let is_published = rng.u8(..100) >= unpublished;
        let (bit_rate, duration, audio_codec, video_codec) = match d.media {
            Media::Still => (None, None, None, None),
            Media::Video {
                seconds,
                kbps,
                video,
                audio,
            } => (
                Some(kbps),
                Some(seconds),
                audio.map(str::to_owned),
                Some(video.to_owned()),
            ),
            Media::Audio { seconds, kbps } => {
                (Some(kbps), Some(seconds), Some("mp3".to_owned()), None)
            }
        };
        let mut f = FileDetails {
            file_id: generated_id(created, self.id_stream, i),
            kind: FileKind::File,
            name,
            file_path,
            tags,
            ai_tags,
            version_info: VersionInfo {
                id: generated_id(updated, self.version_stream, i),
                name: "Version 1".to_owned(),
            },
            is_private_file,
            is_published,
            custom_coordinates,
            url: String::new(),
            thumbnail: String::new(),
            file_type: if is_image { "image" } else { "non-image" }.to_owned(),
            mime: mime.to_owned(),
            width: d.width,
            height: d.height,
            size,
            bit_rate,
            duration,
            audio_codec,
            video_codec,
            has_alpha,
            custom_metadata: std::mem::take(&mut d.meta),
            selected_fields_schema: None,
            embedded_metadata,
            description: d.description.take(),
            created_at: Timestamp::from_millis(created),
            updated_at: Timestamp::from_millis(updated),
        };
        refresh_urls(&mut f);
        f
    }

    /// `stem.ext`; `stem_XXXXXXXXX.ext` (ImageKit's `useUniqueFileName` suffix) when the
    /// upload asked for it; and when the path is taken, a numbered copy (`stem-2.ext`) or
    /// the suffix.
    fn unique_name(&mut self, d: &Draft) -> String {
        const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        let mut want_suffix = self.rng.u8(..100) < d.suffix;
        let mut copy = 1;
        let folder_hash = fnv(d.folder.as_bytes(), 0xcbf2_9ce4_8422_2325) ^ u64::from(b'/');
        loop {
            let mut name = String::with_capacity(d.stem.len() + d.ext.len() + 14);
            name.push_str(&d.stem);
            if copy > 1 {
                let _ = write!(name, "-{copy}");
            }
            if want_suffix {
                name.push('_');
                for _ in 0..9 {
                    name.push(char::from(ALNUM[self.rng.usize(..ALNUM.len())]));
                }
            }
            name.push('.');
            name.push_str(d.ext);
            if self.paths.insert(fnv(name.as_bytes(), folder_hash)) {
                return name;
            }
            if !want_suffix && copy < 4 && self.rng.bool() {
                copy += 1;
            } else {
                want_suffix = true;
            }
        }
    }

    fn tags(&mut self, d: &Draft) -> Vec<String> {
        let rng = &mut self.rng;
        if rng.u8(..100) < d.section.untagged() {
            return Vec::new();
        }
        let k = 1 + weighted(rng, &[16, 22, 22, 16, 10, 7, 4, 3]);
        let k = k.min(d.section.max_tags()).max(d.nctx.min(8));
        let mut tags: Vec<String> = Vec::with_capacity(k);
        let push = |tags: &mut Vec<String>, t: String| {
            if !tags.contains(&t) {
                tags.push(t);
            }
        };
        for &t in &d.ctx[..d.nctx] {
            let t = if rng.u8(..100) < 5 {
                messy(rng, t)
            } else {
                t.to_owned()
            };
            push(&mut tags, t);
        }
        let (main, more) = d.section.vocab();
        let mut attempts = 0;
        while tags.len() < k && attempts < 3 * k {
            attempts += 1;
            let list = if rng.u8(..100) < 70 { main } else { more };
            let rank = zipf(rng, list.len());
            let t = list[rank];
            // People mistype the tags they use most.
            let t = if rank < 30 && rng.u8(..100) < 6 {
                messy(rng, t)
            } else {
                t.to_owned()
            };
            push(&mut tags, t);
        }
        tags
    }

    fn ai_tags(&mut self, d: &Draft, ext: &str) -> Vec<AiTag> {
        let rng = &mut self.rng;
        let rate = if ext == "svg" || ext == "ico" {
            10
        } else {
            d.section.ai_rate()
        };
        if rng.u8(..100) >= rate {
            return Vec::new();
        }
        let sources: &[&str] = match rng.u8(..100) {
            0..45 => &["google-auto-tagging"],
            45..85 => &["aws-auto-tagging"],
            _ => &["google-auto-tagging", "aws-auto-tagging"],
        };
        let count = 1 + weighted(rng, &[6, 10, 14, 16, 15, 12, 10, 8, 5, 4]);
        // Confidences, best first: the first labels picked (the subject) get the best ones.
        let mut confidence = [0u32; 10];
        let confidence = &mut confidence[..count.min(10)];
        confidence.fill_with(|| rng.u32(5231..=9987));
        confidence.sort_unstable_by(|a, b| b.cmp(a));
        let mut out: Vec<AiTag> = Vec::with_capacity(count);
        for attempt in 0..count * 2 {
            if out.len() >= count {
                break;
            }
            let list = if attempt < 2 || rng.u8(..100) < 70 {
                d.ai
            } else {
                d.ai_more
            };
            let name = list[zipf(rng, list.len())];
            let source = pick(rng, sources);
            if out.iter().any(|t| t.name == name && t.source == source) {
                continue;
            }
            out.push(AiTag {
                name: name.to_owned(),
                confidence: f64::from(confidence[out.len()]) / 100.0,
                source: source.to_owned(),
            });
        }
        out
    }
}

/// A messy spelling of a tag, as real libraries collect them.
fn messy(rng: &mut fastrand::Rng, tag: &str) -> String {
    if let Some((_, typos)) = TYPOS.iter().find(|(t, _)| *t == tag)
        && rng.u8(..100) < 35
    {
        return pick(rng, typos).to_owned();
    }
    let capital = |w: &str| {
        let mut c = w.chars();
        c.next().map_or_else(String::new, |f| {
            f.to_uppercase().chain(c).collect::<String>()
        })
    };
    if !tag.contains('-') {
        return match rng.u8(..100) {
            0..60 => capital(tag),
            60..75 => tag.to_uppercase(),
            _ if tag.ends_with('s') => tag.trim_end_matches('s').to_owned(),
            _ => format!("{tag}s"),
        };
    }
    let words = tag.split('-');
    match rng.u8(..100) {
        0..35 => words.map(capital).collect::<Vec<_>>().join(" "),
        35..55 => tag.replace('-', ""),
        55..70 => tag.replace('-', "_"),
        70..80 => tag.to_uppercase(),
        80..90 => tag.replace('-', " "),
        _ => capital(tag),
    }
}

/// "2023-07-14T00:00:00.000Z": a Date field value for the day of `ms`.
fn date_only(ms: i64) -> String {
    Timestamp::from_millis(ms - ms.rem_euclid(DAY_MS)).to_string()
}

fn exif(rng: &mut fastrand::Rng, camera: Camera, taken: i64) -> Value {
    let t = parts(taken);
    let when = format!(
        "{:04}:{:02}:{:02} {:02}:{:02}:{:02}",
        t.year, t.month, t.day, t.hour, t.minute, t.second
    );
    let (make, model) = match camera {
        Camera::Phone => pick(rng, PHONES),
        Camera::GoPro => ("GoPro", "HERO11 Black"),
        _ => pick(rng, CAMERAS),
    };
    let mut m = Map::new();
    m.insert("Make".into(), json!(make));
    m.insert("Model".into(), json!(model));
    m.insert("DateTimeOriginal".into(), json!(when));
    if camera == Camera::Dslr {
        m.insert("ISO".into(), json!(pick(rng, &[100, 200, 400, 800, 1600])));
        m.insert(
            "FNumber".into(),
            json!(pick(rng, &[2.8, 4.0, 5.6, 8.0, 11.0])),
        );
        m.insert(
            "ExposureTime".into(),
            json!(pick(rng, &["1/60", "1/125", "1/250", "1/500", "1/1000"])),
        );
    }
    Value::Object(m)
}

/// Bytes on disk for a file of this kind and size.
fn file_size(rng: &mut fastrand::Rng, ext: &str, w: u32, h: u32, alpha: bool, media: Media) -> u64 {
    let px = f64::from(w) * f64::from(h);
    let bytes = match media {
        Media::Video { seconds, kbps, .. } | Media::Audio { seconds, kbps } => {
            (kbps * 125 * seconds) as f64 * (0.97 + rng.f64() * 0.05)
        }
        Media::Still => match ext {
            "jpg" | "jpeg" => px * log_uniform(rng, 0.08, 0.5),
            "png" if alpha => px * log_uniform(rng, 0.4, 1.8),
            "png" => px * log_uniform(rng, 0.15, 1.2),
            "webp" => px * log_uniform(rng, 0.04, 0.18),
            "avif" => px * log_uniform(rng, 0.03, 0.12),
            "heic" => px * log_uniform(rng, 0.1, 0.25),
            "gif" => px * log_uniform(rng, 0.3, 2.5),
            "svg" => log_uniform(rng, 600.0, 60_000.0),
            "ico" => log_uniform(rng, 1_000.0, 16_000.0),
            "pdf" => log_uniform(rng, 60_000.0, 40_000_000.0),
            "woff2" => log_uniform(rng, 14_000.0, 110_000.0),
            "csv" => log_uniform(rng, 2_000.0, 8_000_000.0),
            "xlsx" => log_uniform(rng, 15_000.0, 3_000_000.0),
            "docx" => log_uniform(rng, 20_000.0, 5_000_000.0),
            "pptx" => log_uniform(rng, 500_000.0, 80_000_000.0),
            "zip" => log_uniform(rng, 1_000_000.0, 500_000_000.0),
            _ => log_uniform(rng, 10_000.0, 1_000_000.0),
        },
    };
    (bytes as u64).max(120)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Does `v` fit the field, as the API's own validation would judge it?
    fn fits(field: &CustomMetadataField, v: &Value) -> bool {
        let s = &field.schema;
        let in_options = |v: &Value| s.select_options.as_ref().is_some_and(|o| o.contains(v));
        let bounded = |x: f64| {
            s.min_value
                .as_ref()
                .and_then(Value::as_f64)
                .is_none_or(|m| x >= m)
                && s.max_value
                    .as_ref()
                    .and_then(Value::as_f64)
                    .is_none_or(|m| x <= m)
        };
        match s.kind {
            FieldType::Text | FieldType::Textarea => v.as_str().is_some_and(|t| {
                let n = t.chars().count() as u64;
                s.min_length.is_none_or(|m| n >= m) && s.max_length.is_none_or(|m| n <= m)
            }),
            FieldType::Number => v.as_f64().is_some_and(bounded),
            FieldType::Boolean => v.is_boolean(),
            FieldType::Date => v.as_str().is_some_and(looks_like_date),
            FieldType::SingleSelect => in_options(v),
            FieldType::MultiSelect => v.as_array().is_some_and(|a| a.iter().all(in_options)),
        }
    }

    fn assert_metadata_valid(lib: &Library) {
        let names: HashSet<&str> = lib.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names.len(), lib.fields.len(), "field names are unique");
        for f in &lib.files {
            for (k, v) in &f.custom_metadata {
                let field =
                    lib.fields.iter().find(|d| &d.name == k).unwrap_or_else(|| {
                        panic!("{}: customMetadata.{k} has a definition", f.name)
                    });
                assert!(
                    fits(field, v),
                    "{}: {k} = {v} fits {:?}",
                    f.file_path,
                    field.schema
                );
            }
        }
    }

    fn is_hex24(s: &str) -> bool {
        s.len() == 24 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    }

    fn assert_well_formed(lib: &Library) {
        let ids: HashSet<&str> = lib.files.iter().map(|f| f.file_id.as_str()).collect();
        assert_eq!(ids.len(), lib.files.len(), "file ids are unique");
        let paths: HashSet<&str> = lib.files.iter().map(|f| f.file_path.as_str()).collect();
        assert_eq!(paths.len(), lib.files.len(), "file paths are unique");
        let folders: HashSet<&str> = lib.folders.iter().map(|f| f.folder_path.as_str()).collect();
        assert_eq!(folders.len(), lib.folders.len(), "folder paths are unique");
        for f in &lib.files {
            assert!(is_hex24(&f.file_id), "{}: id {}", f.file_path, f.file_id);
            assert!(is_hex24(&f.version_info.id), "{}: version id", f.file_path);
            assert!(!f.version_info.name.is_empty());
            assert!(f.file_path.ends_with(&format!("/{}", f.name)));
            assert!(f.updated_at >= f.created_at, "{}", f.file_path);
            let dir = f.folder().trim_end_matches('/');
            assert!(
                dir.is_empty() || folders.contains(dir),
                "{}: folder {dir} is listed",
                f.file_path
            );
            let mut expected = f.clone();
            refresh_urls(&mut expected);
            assert_eq!(f.url, expected.url, "{}", f.file_path);
            assert_eq!(f.thumbnail, expected.thumbnail, "{}", f.file_path);
            assert_eq!(f.file_type == "image", f.mime.starts_with("image/"));
            if let Some(c) = &f.custom_coordinates {
                let n: Vec<u32> = c.split(',').filter_map(|x| x.parse().ok()).collect();
                assert_eq!(n.len(), 4, "{c}");
                assert!(
                    n[0] + n[2] <= f.width && n[1] + n[3] <= f.height,
                    "{}: {c} inside {}x{}",
                    f.file_path,
                    f.width,
                    f.height
                );
            }
            for t in &f.ai_tags {
                assert!(
                    t.source == "google-auto-tagging" || t.source == "aws-auto-tagging",
                    "{}",
                    t.source
                );
                assert!((0.0..=100.0).contains(&t.confidence));
            }
            let mut tags = f.tags.clone();
            tags.dedup();
            tags.sort();
            tags.dedup();
            assert_eq!(
                tags.len(),
                f.tags.len(),
                "{}: no repeated tags",
                f.file_path
            );
        }
        for folder in &lib.folders {
            assert!(is_hex24(&folder.folder_id));
            let parent = folder.folder_path.rsplit_once('/').map_or("", |(p, _)| p);
            assert!(
                parent.is_empty() || folders.contains(parent),
                "{}'s parent is listed",
                folder.folder_path
            );
        }
    }

    #[test]
    fn the_demo_library_is_valid_and_round_trips_losslessly() {
        let lib = demo();
        assert!(lib.files.len() >= 250, "{} files", lib.files.len());
        assert!((3..=6).contains(&lib.fields.len()));
        assert_well_formed(&lib);
        assert_metadata_valid(&lib);
        // Every defined field is used somewhere, and field ids and labels are unique.
        for field in &lib.fields {
            assert!(is_hex24(&field.id));
            assert!(
                lib.files
                    .iter()
                    .any(|f| f.custom_metadata.contains_key(&field.name)),
                "field {} is used",
                field.name
            );
        }
        let labels: HashSet<&str> = lib.fields.iter().map(|f| f.label.as_str()).collect();
        assert_eq!(labels.len(), lib.fields.len());
        // The model round-trips the asset losslessly, entry for entry.
        let raw: Vec<Value> = serde_json::from_str(DEMO_LIBRARY).expect("demo asset parses");
        assert_eq!(raw.len(), lib.files.len());
        for (f, raw) in lib.files.iter().zip(&raw) {
            let back = serde_json::to_value(f).expect("serialises");
            assert_eq!(&back, raw, "{}", f.file_path);
        }
        // Byte for byte, even: the asset is written as serde_json pretty-prints it.
        let pretty = serde_json::to_string_pretty(&lib.files).expect("serialises");
        assert!(
            pretty == DEMO_LIBRARY.trim_end(),
            "the asset is in canonical form"
        );
        let raw_fields: Value = serde_json::from_str(DEMO_FIELDS).expect("fields parse");
        assert_eq!(serde_json::to_value(&lib.fields).ok(), Some(raw_fields));
        // Timestamps are written exactly as the API writes them.
        for r in &raw {
            for key in ["createdAt", "updatedAt"] {
                let s = r[key].as_str().unwrap_or_default();
                assert_eq!(s.len(), 24, "{s}");
                assert!(s.ends_with('Z') && s.as_bytes()[19] == b'.', "{s}");
            }
        }
    }

    #[test]
    fn the_demo_library_has_the_mess_a_curator_cleans_up() {
        let lib = demo();
        let tags: HashSet<&str> = lib
            .files
            .iter()
            .flat_map(|f| f.tags.iter().map(String::as_str))
            .collect();
        for messy in [
            "summer-sale",
            "Summer Sale",
            "summersale",
            "summer_sale",
            "jackit",
        ] {
            assert!(tags.contains(messy), "the demo has the tag {messy:?}");
        }
        let untagged = lib.files.iter().filter(|f| f.tags.is_empty()).count();
        assert!(untagged >= 20, "{untagged} untagged files");
        let low = lib
            .files
            .iter()
            .flat_map(|f| &f.ai_tags)
            .filter(|t| t.confidence < 55.0)
            .count();
        assert!(low >= 20, "{low} low-confidence AI tags");
        let sources: HashSet<&str> = lib
            .files
            .iter()
            .flat_map(|f| f.ai_tags.iter().map(|t| t.source.as_str()))
            .collect();
        assert_eq!(sources.len(), 2, "both AI tagging sources: {sources:?}");
        for dir in [
            "/products",
            "/marketing/banners",
            "/blog",
            "/users/avatars",
            "/brand/logos",
        ] {
            assert!(
                lib.folders.iter().any(|f| f.folder_path == dir),
                "{dir} exists"
            );
        }
        assert!(lib.files.iter().any(|f| f.mime == "application/pdf"));
        assert!(lib.files.iter().any(|f| f.mime.starts_with("video/")));
        assert!(lib.files.iter().any(|f| f.mime == "image/svg+xml"));
    }

    #[test]
    fn generate_is_deterministic() {
        let a = generate(2000, 7);
        let b = generate(2000, 7);
        let c = generate(2000, 8);
        let json = |l: &Library| {
            serde_json::to_string(&(&l.files, &l.folders, &l.fields)).expect("serialises")
        };
        assert_eq!(json(&a), json(&b), "same seed, byte-identical library");
        assert_ne!(
            a.files, c.files,
            "a different seed gives a different library"
        );
        assert!(generate(0, 7).files.is_empty());
        let one = generate(1, 7);
        assert_eq!(one.files.len(), 1);
        assert!(!one.folders.is_empty() || one.files[0].folder() == "/");
        // A prefix of a larger library is not required, but the count is exact.
        assert_eq!(generate(1234, 99).files.len(), 1234);
    }

    #[test]
    fn generate_is_realistic() {
        let n = 8000;
        let lib = generate(n, 42);
        assert_eq!(lib.files.len(), n);
        assert_well_formed(&lib);
        assert_metadata_valid(&lib);
        assert_eq!(lib.folders, folders_for(&lib.files));
        assert!(lib.folders.len() >= 200, "{} folders", lib.folders.len());
        let max_depth = lib
            .folders
            .iter()
            .map(|f| f.folder_path.matches('/').count())
            .max();
        assert_eq!(max_depth, Some(4), "folders nest 1 to 4 levels");

        let share = |k: usize, of: usize| k as f64 / of as f64;
        let untagged = lib.files.iter().filter(|f| f.tags.is_empty()).count();
        assert!(
            (0.12..=0.19).contains(&share(untagged, n)),
            "~15% untagged: {untagged}"
        );
        let images: Vec<&FileDetails> = lib
            .files
            .iter()
            .filter(|f| f.file_type == "image")
            .collect();
        let with_ai = images.iter().filter(|f| !f.ai_tags.is_empty()).count();
        assert!(
            (0.52..=0.70).contains(&share(with_ai, images.len())),
            "~60% of images have AI tags: {with_ai}/{}",
            images.len()
        );
        let with_meta = lib
            .files
            .iter()
            .filter(|f| !f.custom_metadata.is_empty())
            .count();
        assert!(
            (0.22..=0.38).contains(&share(with_meta, n)),
            "~30% have custom metadata: {with_meta}"
        );
        let private = lib.files.iter().filter(|f| f.is_private_file).count();
        assert!((0.02..=0.08).contains(&share(private, n)), "{private}");
        let published = lib.files.iter().filter(|f| f.is_published).count();
        assert!((0.94..=0.99).contains(&share(published, n)), "{published}");
        let coords = images
            .iter()
            .filter(|f| f.custom_coordinates.is_some())
            .count();
        assert!((0.06..=0.14).contains(&share(coords, images.len())));
        assert!(lib.files.iter().all(|f| f.tags.len() <= 8));
        assert!(lib.files.iter().all(|f| f.ai_tags.len() <= 10));

        // Dates stay within the generator's epoch.
        let lo = Timestamp::parse("2019-01-01T00:00:00Z");
        let hi = Timestamp::parse("2026-10-31T00:00:00Z");
        assert!(
            lib.files
                .iter()
                .all(|f| Some(f.created_at) >= lo && Some(f.updated_at) <= hi)
        );
        // Images have dimensions; videos have duration, bit rate and codecs.
        for f in &lib.files {
            if f.file_type == "image" {
                assert!(f.width > 0 && f.height > 0, "{}", f.file_path);
            }
            if f.mime.starts_with("video/") {
                assert!(f.duration.is_some_and(|d| d > 0) && f.bit_rate.is_some());
                assert!(f.video_codec.is_some());
            }
            assert!(f.size > 0);
        }
        // Both AI sources, confidences with two decimals in the documented range.
        let ai: Vec<&AiTag> = lib.files.iter().flat_map(|f| &f.ai_tags).collect();
        assert!(ai.iter().any(|t| t.source == "google-auto-tagging"));
        assert!(ai.iter().any(|t| t.source == "aws-auto-tagging"));
        assert!(ai.iter().all(|t| (52.31..=99.87).contains(&t.confidence)
            && (t.confidence * 100.0 - (t.confidence * 100.0).round()).abs() < 1e-6));

        // A long tail: the top tag is far more common than the median tag; hundreds of
        // distinct tags; messy variants of popular tags exist.
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for t in lib.files.iter().flat_map(|f| &f.tags) {
            *counts.entry(t).or_default() += 1;
        }
        let mut v: Vec<usize> = counts.values().copied().collect();
        v.sort_unstable();
        assert!(counts.len() >= 300, "{} distinct tags", counts.len());
        assert!(v[v.len() - 1] > 20 * v[v.len() / 2], "long tail");
        let variants = counts
            .keys()
            .filter(|t| t.replace(['-', '_', ' '], "").to_lowercase() == "summersale")
            .count();
        assert!(variants >= 3, "summer-sale has messy variants");
        // Some names have spaces or non-ASCII characters.
        assert!(lib.files.iter().any(|f| f.name.contains(' ')));
        assert!(lib.files.iter().any(|f| !f.name.is_ascii()));
    }

    #[test]
    fn from_list_json_round_trips_generated_libraries() {
        let lib = generate(1500, 3);
        let json = serde_json::to_string(&lib.files).expect("serialises");
        let back = from_list_json(&json).expect("loads");
        assert_eq!(back.files, lib.files);
        assert_eq!(back.folders, lib.folders);
        assert_metadata_valid(&back);
        // The inferred fields have the generated fields' types (Text for the select).
        for field in &back.fields {
            let kind = lib
                .fields
                .iter()
                .find(|g| g.name == field.name)
                .map(|g| g.schema.kind);
            let expected = match kind {
                Some(FieldType::SingleSelect) => Some(FieldType::Text),
                other => other,
            };
            assert_eq!(Some(field.schema.kind), expected, "{}", field.name);
        }
        // Folders in the seed are kept as given; the missing ones are added.
        let mut mixed: Vec<Value> = lib
            .folders
            .iter()
            .take(3)
            .map(|f| serde_json::to_value(f).expect("folder"))
            .collect();
        mixed.extend(
            lib.files
                .iter()
                .map(|f| serde_json::to_value(f).expect("file")),
        );
        let back = from_list_json(&Value::Array(mixed).to_string()).expect("loads");
        assert_eq!(back.folders, lib.folders);
        assert_eq!(back.files.len(), lib.files.len());
        // And the demo library through the loader is the demo library.
        let demo_back = from_list_json(DEMO_LIBRARY).expect("demo loads");
        assert_eq!(demo_back.files, demo().files);
    }

    fn err(json: &str) -> String {
        match from_list_json(json) {
            Ok(lib) => panic!("accepted {json}: {} files", lib.files.len()),
            Err(e) => e.to_string(),
        }
    }

    const T: &str =
        r#""createdAt":"2020-01-01T00:00:00.000Z","updatedAt":"2020-01-02T00:00:00.000Z""#;

    #[test]
    fn from_list_json_rejects_bad_seeds_clearly() {
        let e = err(r#"{"files": []}"#);
        assert_eq!(
            e,
            "seed file is not a JSON array of files and folders (the shape GET /v1/files \
             returns); it is an object"
        );
        assert!(err("null").contains("it is null"));
        assert!(err("not json").starts_with("seed file is not valid JSON"));
        assert_eq!(
            err("[1]"),
            "seed entry 0: expected a file or folder object, found a number"
        );

        let e = err(&format!(r#"[{{"fileId":"abc","name":"a.jpg",{T}}}]"#));
        assert_eq!(e, "seed entry 0 (fileId \"abc\"): missing field `filePath`");
        let ok = format!(r#"{{"fileId":"ok1","filePath":"/a/ok.jpg",{T}}}"#);
        let e = err(&format!(r#"[{ok}, {{"filePath":"/a/b.jpg",{T}}}]"#));
        assert_eq!(e, "seed entry 1: missing field `fileId`");
        let e = err(r#"[{"fileId":"x","filePath":"/a/b.jpg"}]"#);
        assert_eq!(e, "seed entry 0 (fileId \"x\"): missing field `createdAt`");
        let e = err(&format!(
            r#"[{{"fileId":"x","filePath":"/a/b.jpg","tags":"red",{T}}}]"#
        ));
        assert!(
            e.starts_with("seed entry 0 (fileId \"x\"): invalid type"),
            "{e}"
        );
        let e = err(&format!(r#"[{{"fileId":"x","filePath":"a/b.jpg",{T}}}]"#));
        assert!(e.contains("entry 0") && e.contains("\"a/b.jpg\""), "{e}");
        let e = err(&format!(
            r#"[{{"fileId":"x","name":"c.jpg","filePath":"/a/b.jpg",{T}}}]"#
        ));
        assert!(e.contains("does not match"), "{e}");

        let e = err(&format!("[{ok}, {ok}, {ok}]"));
        assert_eq!(
            e,
            "seed entry 1 (fileId \"ok1\"): duplicate fileId, first used by entry 0"
        );
        let folder = r#"{"type":"folder","folderId":"f1","name":"a","folderPath":"/a","createdAt":"2020-01-01T00:00:00.000Z","updatedAt":"2020-01-01T00:00:00.000Z"}"#;
        let e = err(&format!("[{folder}, {folder}]"));
        assert!(e.contains("entry 1") && e.contains("folderPath"), "{e}");
        let e = err(r#"[{"type":"folder","folderId":"f1","name":"a"}]"#);
        assert!(
            e.starts_with("seed entry 0 (folderId \"f1\"): missing field"),
            "{e}"
        );

        let e = err(&format!(
            r#"[{{"fileId":"a","filePath":"/a.jpg","customMetadata":{{"price":10}},{T}}},
                {{"fileId":"b","filePath":"/b.jpg","customMetadata":{{"price":"cheap"}},{T}}}]"#
        ));
        assert_eq!(
            e,
            "custom metadata field \"price\" has mixed value types: a number in entry 0 but \
             a string in entry 1 (fileId \"b\")"
        );
        let e = err(&format!(
            r#"[{{"fileId":"a","filePath":"/a.jpg","customMetadata":{{"x":{{"y":1}}}},{T}}}]"#
        ));
        assert!(e.contains("customMetadata.x is an object"), "{e}");
    }

    #[test]
    fn from_list_json_fills_defaults_infers_fields_and_keeps_current_versions() {
        let json = format!(
            r#"[
            {{"fileId":"a","filePath":"/shop/shoes/a b.jpg","createdAt":"2021-05-01T10:00:00.000Z",
              "customMetadata":{{"brand":"Acme","price":12.5,"ok":true,"channels":["web"],
                                 "shot":"2021-04-30","gone":null}}}},
            {{"fileId":"b","filePath":"/shop/b.jpg",{T},
              "customMetadata":{{"channels":["web","print"],"shot":"2021-05-02T00:00:00.000Z"}}}},
            {{"fileId":"b","type":"file-version","filePath":"/shop/b-old.jpg",{T},
              "versionInfo":{{"id":"v1","name":"Version 1"}}}},
            {{"fileId":"c","type":"file-version","filePath":"/c1.jpg",
              "createdAt":"2020-01-01T00:00:00.000Z","updatedAt":"2020-01-01T00:00:00.000Z",
              "versionInfo":{{"id":"v1","name":"Version 1"}}}},
            {{"fileId":"c","type":"file-version","filePath":"/c2.jpg",
              "createdAt":"2020-01-01T00:00:00.000Z","updatedAt":"2020-02-01T00:00:00.000Z",
              "versionInfo":{{"id":"v2","name":"Version 2"}}}}
        ]"#
        );
        let lib = from_list_json(&json).expect("loads");
        let paths: Vec<&str> = lib.files.iter().map(|f| f.file_path.as_str()).collect();
        assert_eq!(paths, ["/shop/shoes/a b.jpg", "/shop/b.jpg", "/c2.jpg"]);
        let a = &lib.files[0];
        assert_eq!(a.name, "a b.jpg");
        assert_eq!(a.updated_at, a.created_at);
        assert_eq!(a.version_info.name, "Version 1");
        assert!(is_hex24(&a.version_info.id));
        assert_eq!(
            a.url,
            "https://ik.imagekit.io/demo/shop/shoes/a%20b.jpg?updatedAt=1619863200000"
        );
        assert!(!a.custom_metadata.contains_key("gone"));
        assert_eq!(lib.files[2].kind, FileKind::FileVersion);

        let kinds: BTreeMap<&str, FieldType> = lib
            .fields
            .iter()
            .map(|f| (f.name.as_str(), f.schema.kind))
            .collect();
        assert_eq!(
            kinds,
            BTreeMap::from([
                ("brand", FieldType::Text),
                ("channels", FieldType::MultiSelect),
                ("ok", FieldType::Boolean),
                ("price", FieldType::Number),
                ("shot", FieldType::Date),
            ])
        );
        let channels = lib.fields.iter().find(|f| f.name == "channels");
        assert_eq!(
            channels.and_then(|f| f.schema.select_options.clone()),
            Some(vec![json!("web"), json!("print")])
        );
        assert_eq!(
            lib.fields
                .iter()
                .find(|f| f.name == "shot")
                .map(|f| f.label.as_str()),
            Some("Shot")
        );
        assert_metadata_valid(&lib);
        let folders: Vec<&str> = lib.folders.iter().map(|f| f.folder_path.as_str()).collect();
        assert_eq!(folders, ["/shop", "/shop/shoes"]);
        // The empty array is an empty library.
        let empty = from_list_json("[]").expect("loads");
        assert!(empty.files.is_empty() && empty.folders.is_empty() && empty.fields.is_empty());
    }

    #[test]
    fn folders_for_covers_every_ancestor_with_earliest_creation() {
        let mk = |path: &str, ms: i64| {
            let json = format!(
                r#"{{"fileId":"{path}","filePath":"{path}","name":"{}",
                   "createdAt":"{}","updatedAt":"{}"}}"#,
                path.rsplit('/').next().unwrap_or_default(),
                Timestamp::from_millis(ms),
                Timestamp::from_millis(ms)
            );
            serde_json::from_str::<FileDetails>(&json).expect("file")
        };
        let files = [
            mk("/a/b/c/x.jpg", 3_000),
            mk("/a/y.jpg", 2_000),
            mk("/a/b/z.jpg", 5_000),
            mk("/root.jpg", 1_000),
        ];
        let folders = folders_for(&files);
        let got: Vec<(&str, &str, i64, i64)> = folders
            .iter()
            .map(|f| {
                (
                    f.folder_path.as_str(),
                    f.name.as_str(),
                    f.created_at.millis(),
                    f.updated_at.millis(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("/a", "a", 2_000, 5_000),
                ("/a/b", "b", 3_000, 5_000),
                ("/a/b/c", "c", 3_000, 3_000),
            ]
        );
        assert_eq!(folders[0].folder_id, object_id("folder:/a"));
        assert_eq!(folders, folders_for(&files), "deterministic");
    }

    #[test]
    fn urls_carry_updated_at_and_encode_the_path() {
        let mut f = generate(1, 3).files.remove(0);
        f.file_path = "/blog/Café menu – été@2x.jpg".to_owned();
        f.updated_at = Timestamp::from_millis(1_700_000_000_123);
        refresh_urls(&mut f);
        assert_eq!(
            f.url,
            "https://ik.imagekit.io/demo/blog/Caf%C3%A9%20menu%20%E2%80%93%20%C3%A9t%C3%A9@2x.jpg?updatedAt=1700000000123"
        );
        assert_eq!(
            f.thumbnail,
            "https://ik.imagekit.io/demo/tr:n-ik_ml_thumbnail/blog/Caf%C3%A9%20menu%20%E2%80%93%20%C3%A9t%C3%A9@2x.jpg?updatedAt=1700000000123"
        );
        assert!(is_hex24(&object_id("x")));
        assert_eq!(object_id("x"), object_id("x"));
        assert_ne!(object_id("x"), object_id("y"));
    }

    #[test]
    fn generator_helpers_behave() {
        assert_eq!(seconds_in("promo-15s"), Some(15));
        assert_eq!(seconds_in("summer-sale-6s-9x16"), Some(6));
        assert_eq!(seconds_in("how-to-layer"), None);
        assert_eq!(
            brand_tag("The North Face", "the-north-face-denali"),
            "the-north-face"
        );
        assert_eq!(brand_tag("Arc'teryx", "arcteryx-beta-lt"), "arcteryx");
        assert_eq!(humanise("shootDate"), "Shoot date");
        assert_eq!(humanise("usage_rights"), "Usage rights");
        assert_eq!(date_only(1_689_348_612_000), "2023-07-14T00:00:00.000Z");
        for c in CATEGORIES {
            for (_, products) in c.subs {
                for (brand, slug) in *products {
                    let tag = brand_tag(brand, slug);
                    assert!(slug.len() > tag.len(), "{slug} has a model after {tag}");
                }
            }
        }
        let mut rng = fastrand::Rng::with_seed(1);
        let variants: HashSet<String> = (0..200).map(|_| messy(&mut rng, "summer-sale")).collect();
        assert!(variants.contains("Summer Sale") && variants.contains("summersale"));
        assert!(!variants.contains("summer-sale"));
    }
}
