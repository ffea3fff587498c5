//! Where a sandbox library comes from: the shipped demo library, a deterministic generator
//! of N realistic files, or a seed file in the `GET /v1/files` response shape.

use std::collections::{BTreeMap, HashSet};

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
    let h1 = fnv(key.as_bytes(), 0xcbf2_9ce4_8422_2325);
    let h2 = fnv(key.as_bytes(), 0x8422_2325_cbf2_9ce4);
    format!("{h1:016x}{:08x}", (h2 >> 32) as u32)
}

fn fnv(bytes: &[u8], basis: u64) -> u64 {
    bytes.iter().fold(basis, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// Percent-encodes a file path for a URL, keeping `/` and unreserved characters.
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' | b'@' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A file's `url` and `thumbnail` on `endpoint` (no trailing slash), as `ImageKit` builds them:
/// `{endpoint}{path}?updatedAt=ms` and `{endpoint}/tr:n-ik_ml_thumbnail{path}?updatedAt=ms`.
pub fn file_urls(endpoint: &str, f: &FileDetails) -> (String, String) {
    let path = encode_path(&f.file_path);
    let ms = f.updated_at.millis();
    (
        format!("{endpoint}{path}?updatedAt={ms}"),
        format!("{endpoint}/tr:n-ik_ml_thumbnail{path}?updatedAt={ms}"),
    )
}

/// Sets `url` and `thumbnail` from `filePath` and `updatedAt`, as the API does.
pub fn refresh_urls(f: &mut FileDetails) {
    (f.url, f.thumbnail) = file_urls(URL_ENDPOINT, f);
}

/// Folder entries for every ancestor folder of the files (deterministic ids; createdAt is
/// the earliest file inside, updatedAt the latest).
pub fn folders_for(files: &[FileDetails]) -> Vec<FolderDetails> {
    let mut spans: BTreeMap<String, (Timestamp, Timestamp)> = BTreeMap::new();
    for f in files {
        let folder = f.folder().trim_end_matches('/');
        let mut path = String::new();
        for seg in folder.split('/').filter(|s| !s.is_empty()) {
            path.push('/');
            path.push_str(seg);
            let e = spans
                .entry(path.clone())
                .or_insert((f.created_at, f.created_at));
            e.0 = e.0.min(f.created_at);
            e.1 = e.1.max(f.created_at);
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
    let mut seen: std::collections::HashMap<String, usize> = Default::default();
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
        let file: FileDetails = serde_json::from_value(item).map_err(|e| SeedError::Entry {
            index,
            id: id.clone(),
            message: e.to_string(),
        })?;
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

// ------------------------------------------------------------------------------------------
// The generator

struct Area {
    folders: &'static [&'static str],
    subs: &'static [&'static str],
    stems: &'static [&'static str],
    formats: &'static [&'static str],
    weight: u32,
}

const AREAS: &[Area] = &[
    Area {
        folders: &[
            "/products/jackets",
            "/products/shoes",
            "/products/backpacks",
            "/products/tents",
            "/products/shirts",
            "/products/trousers",
            "/products/accessories",
            "/products/sleeping-bags",
        ],
        subs: &[
            "running",
            "hiking",
            "trail",
            "winter",
            "kids",
            "women",
            "men",
            "ultralight",
            "classic",
            "outlet",
        ],
        stems: &[
            "alpine-shell",
            "storm-parka",
            "trail-runner",
            "summit-pack",
            "ridge-tent",
            "merino-tee",
            "cargo-pant",
            "down-vest",
            "rain-jacket",
            "fleece-hoodie",
            "approach-shoe",
            "daypack-22l",
            "beanie",
            "gaiter",
        ],
        formats: &["jpg", "jpg", "jpg", "png", "webp"],
        weight: 40,
    },
    Area {
        folders: &[
            "/marketing/banners",
            "/marketing/campaigns",
            "/marketing/email",
        ],
        subs: &["2021", "2022", "2023", "2024", "2025", "2026"],
        stems: &[
            "hero-banner",
            "summer-sale",
            "black-friday",
            "winter-collection",
            "back-to-school",
            "newsletter-header",
            "promo-tile",
            "spring-launch",
        ],
        formats: &["jpg", "png", "webp", "gif"],
        weight: 15,
    },
    Area {
        folders: &["/blog"],
        subs: &[
            "2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026",
        ],
        stems: &[
            "IMG",
            "DSC",
            "trail-report",
            "gear-review",
            "camp-kitchen",
            "team-outing",
            "how-to-layer",
            "river-crossing",
        ],
        formats: &["jpg", "jpg", "jpeg", "webp"],
        weight: 18,
    },
    Area {
        folders: &["/users/avatars", "/users/uploads"],
        subs: &["a-f", "g-m", "n-s", "t-z"],
        stems: &["avatar", "profile", "user-photo"],
        formats: &["jpg", "png", "webp"],
        weight: 15,
    },
    Area {
        folders: &["/brand", "/docs", "/video"],
        subs: &[
            "logos",
            "guidelines",
            "catalogues",
            "manuals",
            "campaigns",
            "social",
        ],
        stems: &[
            "logo",
            "wordmark",
            "lookbook",
            "size-guide",
            "care-instructions",
            "catalogue",
            "promo",
            "brand-film",
            "fonts",
        ],
        formats: &[
            "svg", "png", "pdf", "pdf", "mp4", "webm", "mov", "woff2", "css", "js",
        ],
        weight: 12,
    },
];

/// Product names that belong in each catalogue folder.
const PRODUCT_STEMS: &[(&str, &[&str])] = &[
    (
        "/products/jackets",
        &[
            "alpine-shell",
            "storm-parka",
            "rain-jacket",
            "down-vest",
            "fleece-hoodie",
        ],
    ),
    (
        "/products/shoes",
        &[
            "trail-runner",
            "approach-shoe",
            "city-walker",
            "winter-boot",
        ],
    ),
    (
        "/products/backpacks",
        &[
            "summit-pack",
            "daypack-22l",
            "commuter-roll-top",
            "hydration-vest",
        ],
    ),
    (
        "/products/tents",
        &["ridge-tent", "basecamp-dome", "bivy-shelter"],
    ),
    (
        "/products/shirts",
        &["merino-tee", "sun-hoodie", "flannel-shirt", "base-layer"],
    ),
    (
        "/products/trousers",
        &["cargo-pant", "softshell-pant", "trail-short"],
    ),
    (
        "/products/accessories",
        &["beanie", "gaiter", "insulated-bottle", "trekking-pole"],
    ),
    (
        "/products/sleeping-bags",
        &["arctic-down-bag", "summer-quilt", "camp-pillow"],
    ),
];

const TAGS: &[&str] = &[
    "product",
    "jacket",
    "outdoor",
    "summer-sale",
    "hiking",
    "men",
    "women",
    "banner",
    "blog",
    "avatar",
    "winter",
    "sale",
    "new-arrival",
    "waterproof",
    "kids",
    "shoes",
    "backpack",
    "camping",
    "trail",
    "running",
    "lifestyle",
    "studio",
    "catalogue",
    "homepage",
    "email",
    "social",
    "instagram",
    "facebook",
    "pinterest",
    "hero",
    "mountain",
    "forest",
    "beach",
    "snow",
    "rain",
    "black-friday",
    "clearance",
    "bestseller",
    "limited-edition",
    "eco",
    "recycled",
    "merino",
    "down",
    "fleece",
    "gore-tex",
    "tent",
    "sleeping-bag",
    "accessories",
    "hat",
    "gloves",
    "socks",
    "team",
    "event",
    "festival",
    "ambassador",
    "ugc",
    "press",
    "logo",
    "brand",
    "print",
    "web",
    "mobile",
    "thumbnail",
    "detail",
    "front",
    "back",
    "side",
    "flatlay",
    "model",
    "on-location",
    "needs-review",
    "approved",
    "archived",
    "do-not-use",
    "legal-hold",
    "q1",
    "q2",
    "q3",
    "q4",
    "2021",
    "2022",
    "2023",
    "2024",
    "2025",
    "2026",
    "red",
    "blue",
    "green",
    "black",
    "orange",
    "yellow",
    "grey",
    "navy",
    "olive",
    "sand",
    "charcoal",
    "ultralight",
    "alpine",
    "urban",
    "travel",
    "climbing",
    "cycling",
    "kayak",
    "fishing",
    "yoga",
    "trail-running",
    "backpacking",
    "family",
    "dog-friendly",
    "sunset",
    "sunrise",
    "night",
    "campfire",
    "lake",
    "river",
    "desert",
    "canyon",
    "glacier",
    "spring",
    "autumn",
    "fall",
    "holiday",
    "christmas",
    "new-year",
    "valentines",
    "mothers-day",
    "fathers-day",
    "back-to-school",
    "cyber-monday",
    "outlet",
    "warranty",
    "repair",
    "care",
    "size-guide",
    "how-to",
    "review",
    "comparison",
    "video",
    "gif",
    "animation",
    "icon",
    "pattern",
    "texture",
    "background",
    "overlay",
    "cutout",
];

/// Messy variants of common tags, as real libraries collect them.
const VARIANTS: &[(&str, &[&str])] = &[
    (
        "summer-sale",
        &["Summer Sale", "summersale", "summer_sale", "SUMMER-SALE"],
    ),
    ("black-friday", &["Black Friday", "blackfriday", "BF"]),
    (
        "new-arrival",
        &["New Arrival", "new-arrivals", "newarrival"],
    ),
    ("waterproof", &["Waterproof", "water-proof"]),
    ("jacket", &["Jacket", "jackets", "jackit"]),
    ("outdoor", &["Outdoor", "outdoors"]),
    ("gore-tex", &["goretex", "Gore-Tex", "GORE-TEX"]),
    ("t-shirt", &["tshirt", "tee", "T-Shirt"]),
];

const AI_LABELS: &[&str] = &[
    "Clothing",
    "Outerwear",
    "Jacket",
    "Sleeve",
    "Hood",
    "Zipper",
    "Footwear",
    "Shoe",
    "Sneakers",
    "Bag",
    "Backpack",
    "Tent",
    "Person",
    "Human",
    "Smile",
    "Face",
    "Outdoors",
    "Nature",
    "Mountain",
    "Sky",
    "Cloud",
    "Tree",
    "Forest",
    "Snow",
    "Water",
    "Lake",
    "Rock",
    "Text",
    "Font",
    "Logo",
    "Graphics",
    "Design",
    "Rectangle",
    "Pattern",
    "Textile",
    "Blue",
    "Red",
    "Adventure",
    "Hiking",
    "Leisure",
    "Recreation",
    "Camping",
    "Landscape",
    "Grass",
    "Road",
    "Trail",
    "Dog",
    "Product",
    "Fashion",
    "Model",
    "Portrait",
    "Beach",
    "Sunset",
];

/// Long-tail pick: low indices are far more likely (roughly Zipf).
fn zipf(rng: &mut fastrand::Rng, n: usize) -> usize {
    let u = rng.f64();
    let idx = ((n as f64 + 1.0).powf(u) - 1.0) as usize;
    idx.min(n.saturating_sub(1))
}

fn mime_of(ext: &str) -> (&'static str, bool) {
    match ext {
        "jpg" | "jpeg" => ("image/jpeg", true),
        "png" => ("image/png", true),
        "webp" => ("image/webp", true),
        "gif" => ("image/gif", true),
        "svg" => ("image/svg+xml", true),
        "avif" => ("image/avif", true),
        "pdf" => ("application/pdf", false),
        "mp4" => ("video/mp4", false),
        "webm" => ("video/webm", false),
        "mov" => ("video/quicktime", false),
        "woff2" => ("font/woff2", false),
        "css" => ("text/css", false),
        "js" => ("application/javascript", false),
        _ => ("application/octet-stream", false),
    }
}

/// The custom metadata fields the generator uses.
pub fn generated_fields() -> Vec<CustomMetadataField> {
    let field = |name: &str, label: &str, kind: FieldType, extra: Value| {
        let mut schema = schema(kind);
        if let Some(opts) = extra.get("selectOptions").and_then(Value::as_array) {
            schema.select_options = Some(opts.clone());
        }
        if let Some(v) = extra.get("minValue") {
            schema.min_value = Some(v.clone());
        }
        if let Some(v) = extra.get("maxLength").and_then(Value::as_u64) {
            schema.max_length = Some(v);
        }
        CustomMetadataField {
            id: object_id(&format!("field:{name}")),
            name: name.to_owned(),
            label: label.to_owned(),
            description: None,
            schema,
        }
    };
    vec![
        field("brand", "Brand", FieldType::Text, json!({"maxLength": 100})),
        field("price", "Price", FieldType::Number, json!({"minValue": 0})),
        field(
            "season",
            "Season",
            FieldType::SingleSelect,
            json!({"selectOptions": ["spring", "summer", "autumn", "winter"]}),
        ),
        field("approved", "Approved", FieldType::Boolean, json!({})),
        field(
            "channels",
            "Channels",
            FieldType::MultiSelect,
            json!({"selectOptions": ["web", "email", "social", "print"]}),
        ),
        field("shootDate", "Shoot date", FieldType::Date, json!({})),
    ]
}

// 2019-01-01T00:00:00Z and 2026-10-31T00:00:00Z in epoch milliseconds.
const START_MS: i64 = 1_546_300_800_000;
const END_MS: i64 = 1_793_404_800_000;

/// N realistic files, deterministically: the same (n, seed) gives the same library.
pub fn generate(n: usize, seed: u64) -> Library {
    let mut rng = fastrand::Rng::with_seed(seed);
    let total_weight: u32 = AREAS.iter().map(|a| a.weight).sum();
    let mut files = Vec::with_capacity(n);
    for i in 0..n {
        let mut pick = rng.u32(0..total_weight);
        let area = AREAS
            .iter()
            .find(|a| {
                if pick < a.weight {
                    true
                } else {
                    pick -= a.weight;
                    false
                }
            })
            .unwrap_or(&AREAS[0]);
        files.push(generate_file(&mut rng, area, i, seed));
    }
    let folders = folders_for(&files);
    Library {
        files,
        folders,
        fields: generated_fields(),
    }
}

fn pick<'a>(rng: &mut fastrand::Rng, items: &'a [&'a str]) -> &'a str {
    items
        .get(rng.usize(0..items.len().max(1)))
        .copied()
        .unwrap_or("")
}

fn generate_file(rng: &mut fastrand::Rng, area: &Area, i: usize, seed: u64) -> FileDetails {
    let base = pick(rng, area.folders);
    let folder = match rng.u8(0..10) {
        0..=1 => base.to_owned(),
        2..=6 => format!("{base}/{}", pick(rng, area.subs)),
        _ => format!("{base}/{}/{}", pick(rng, area.subs), pick(rng, area.subs)),
    };
    let ext = pick(rng, area.formats);
    let stem = match PRODUCT_STEMS.iter().find(|(folder, _)| *folder == base) {
        Some((_, stems)) => pick(rng, stems),
        None => pick(rng, area.stems),
    };
    let name = match (stem, rng.u8(0..20)) {
        ("IMG" | "DSC", _) => format!(
            "{stem}_{}{:02}{:02}_{:06}.{ext}",
            rng.u32(2019..2027),
            rng.u8(1..13),
            rng.u8(1..29),
            rng.u32(0..240_000)
        ),
        (_, 0) => format!("{stem} {} – été.{ext}", rng.u16(1..99)),
        (_, 1..=3) => format!(
            "{stem}-{}x{}@2x.{ext}",
            [1920, 1200, 800][rng.usize(0..3)],
            [600, 628, 400][rng.usize(0..3)]
        ),
        (_, 4..=9) => format!(
            "{stem}-{}-{i}.{ext}",
            ["front", "back", "side", "detail", "lifestyle"][rng.usize(0..5)]
        ),
        _ => format!("{stem}-{i}.{ext}"),
    };
    let (mime, is_image) = mime_of(ext);
    let is_video = mime.starts_with("video/");
    let (width, height) = if is_image || is_video {
        let w = [256, 512, 800, 1080, 1200, 1600, 1920, 2400, 3000, 4000][rng.usize(0..10)];
        let ratio = [1.0, 0.75, 1.5, 0.5625, 1.25][rng.usize(0..5)];
        (w, ((f64::from(w) * ratio) as u32).max(1))
    } else {
        (0, 0)
    };
    let size = match ext {
        "svg" | "css" | "js" => rng.u64(2_000..80_000),
        "png" => rng.u64(20_000..4_000_000),
        "pdf" => rng.u64(200_000..25_000_000),
        "mp4" | "webm" | "mov" => rng.u64(2_000_000..300_000_000),
        "woff2" => rng.u64(15_000..120_000),
        "gif" => rng.u64(50_000..8_000_000),
        _ => rng.u64(30_000..6_000_000),
    };
    let created = rng.i64(START_MS..END_MS);
    let updated = if rng.u8(0..10) < 4 {
        rng.i64(created..=END_MS)
    } else {
        created
    };

    let mut tags = Vec::new();
    if rng.u8(0..100) >= 15 {
        for _ in 0..rng.usize(1..9) {
            let mut t = TAGS[zipf(rng, TAGS.len())].to_owned();
            if rng.u8(0..10) == 0
                && let Some((_, vs)) = VARIANTS.iter().find(|(c, _)| *c == t)
            {
                t = pick(rng, vs).to_owned();
            }
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
    }
    let mut ai_tags = Vec::new();
    if is_image && ext != "svg" && rng.u8(0..100) < 60 {
        for _ in 0..rng.usize(1..11) {
            let name = AI_LABELS[zipf(rng, AI_LABELS.len())].to_owned();
            let source = if rng.bool() {
                "google-auto-tagging"
            } else {
                "aws-auto-tagging"
            };
            if ai_tags
                .iter()
                .any(|t: &AiTag| t.name == name && t.source == source)
            {
                continue;
            }
            ai_tags.push(AiTag {
                name,
                confidence: f64::from(rng.u32(5231..=9987)) / 100.0,
                source: source.to_owned(),
            });
        }
    }
    let custom_coordinates = (is_image && width > 10 && rng.u8(0..10) == 0).then(|| {
        let w = rng.u32(1..=width / 2);
        let h = rng.u32(1..=height / 2);
        format!(
            "{},{},{w},{h}",
            rng.u32(0..=width - w),
            rng.u32(0..=height - h)
        )
    });
    let mut custom_metadata = Map::new();
    if rng.u8(0..10) < 3 {
        if rng.bool() {
            custom_metadata.insert(
                "brand".into(),
                json!(["Northwind", "Summit Co", "Trailhead"][rng.usize(0..3)]),
            );
        }
        if rng.bool() {
            custom_metadata.insert(
                "price".into(),
                json!(f64::from(rng.u32(999..49_999)) / 100.0),
            );
        }
        if rng.bool() {
            custom_metadata.insert(
                "season".into(),
                json!(["spring", "summer", "autumn", "winter"][rng.usize(0..4)]),
            );
        }
        if rng.bool() {
            custom_metadata.insert("approved".into(), json!(rng.u8(0..4) > 0));
        }
        if rng.u8(0..3) == 0 {
            let all = ["web", "email", "social", "print"];
            let chosen: Vec<&str> = all.iter().copied().filter(|_| rng.bool()).collect();
            custom_metadata.insert("channels".into(), json!(chosen));
        }
        if rng.u8(0..3) == 0 {
            let d = Timestamp::from_millis(created - rng.i64(0..30 * 86_400_000));
            custom_metadata.insert("shootDate".into(), json!(d.to_string()));
        }
    }
    let embedded_metadata = (ext == "jpg" && rng.u8(0..10) < 3).then(|| {
        let camera = rng.usize(0..4);
        let make = ["Canon", "Nikon", "Sony", "FUJIFILM"][camera];
        let model = ["EOS R5", "Z 7II", "ILCE-7M4", "X-T5"][camera];
        let taken = Timestamp::from_millis(created)
            .0
            .format("%Y:%m:%d %H:%M:%S")
            .to_string();
        json!({"Make": make, "Model": model, "DateTimeOriginal": taken})
    });
    let description =
        (rng.u8(0..20) == 0).then(|| format!("{} in {}", stem.replace('-', " "), folder));
    let file_id = object_id(&format!("gen:{seed}:{i}"));
    let mut f = FileDetails {
        version_info: VersionInfo {
            id: object_id(&format!("ver:{seed}:{i}")),
            name: "Version 1".to_owned(),
        },
        file_id,
        kind: FileKind::File,
        file_path: format!("{folder}/{name}"),
        name,
        tags,
        ai_tags,
        is_private_file: rng.u8(0..100) < 5,
        is_published: rng.u8(0..100) < 97,
        custom_coordinates,
        url: String::new(),
        thumbnail: String::new(),
        file_type: if is_image { "image" } else { "non-image" }.to_owned(),
        mime: mime.to_owned(),
        width,
        height,
        size,
        bit_rate: is_video.then(|| rng.i64(800..12_000)),
        duration: is_video.then(|| rng.i64(5..600)),
        audio_codec: is_video.then(|| "aac".to_owned()),
        video_codec: is_video.then(|| ["h264", "vp9", "hevc"][rng.usize(0..3)].to_owned()),
        has_alpha: matches!(ext, "png" | "webp" | "svg") && rng.u8(0..3) == 0,
        custom_metadata,
        selected_fields_schema: None,
        embedded_metadata,
        description,
        created_at: Timestamp::from_millis(created),
        updated_at: Timestamp::from_millis(updated),
    };
    refresh_urls(&mut f);
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    fn valid_metadata(lib: &Library) {
        for f in &lib.files {
            for (k, v) in &f.custom_metadata {
                let field = lib
                    .fields
                    .iter()
                    .find(|d| &d.name == k)
                    .unwrap_or_else(|| panic!("{}: field {k} is defined", f.name));
                let ok = match field.schema.kind {
                    FieldType::Text | FieldType::Textarea => v.is_string(),
                    FieldType::Number => v.is_number(),
                    FieldType::Boolean => v.is_boolean(),
                    FieldType::Date => v.as_str().is_some_and(looks_like_date),
                    FieldType::SingleSelect => field
                        .schema
                        .select_options
                        .as_ref()
                        .is_some_and(|o| o.contains(v)),
                    FieldType::MultiSelect => v.as_array().is_some_and(|items| {
                        items.iter().all(|i| {
                            field
                                .schema
                                .select_options
                                .as_ref()
                                .is_some_and(|o| o.contains(i))
                        })
                    }),
                };
                assert!(ok, "{}: {k} = {v} fits {:?}", f.name, field.schema.kind);
            }
        }
    }

    #[test]
    fn demo_library_is_realistic_and_valid() {
        let lib = demo();
        assert!(lib.files.len() >= 250, "{} files", lib.files.len());
        let ids: HashSet<&str> = lib.files.iter().map(|f| f.file_id.as_str()).collect();
        assert_eq!(ids.len(), lib.files.len(), "unique ids");
        valid_metadata(&lib);
        let tags: HashSet<&str> = lib
            .files
            .iter()
            .flat_map(|f| f.tags.iter().map(String::as_str))
            .collect();
        for messy in ["summer-sale", "Summer Sale", "summersale"] {
            assert!(tags.contains(messy), "demo has the near-duplicate {messy}");
        }
        assert!(
            lib.files.iter().any(|f| f.tags.is_empty()),
            "some files are untagged"
        );
        assert!(
            lib.files
                .iter()
                .flat_map(|f| &f.ai_tags)
                .any(|t| t.confidence < 50.0),
            "some AI tags have low confidence"
        );
        // The model round-trips the asset losslessly.
        let raw: Vec<Value> = serde_json::from_str(DEMO_LIBRARY).unwrap();
        for (f, raw) in lib.files.iter().zip(&raw) {
            assert_eq!(&serde_json::to_value(f).unwrap(), raw, "{}", f.name);
        }
    }

    #[test]
    fn generator_is_deterministic_and_realistic() {
        let a = generate(3000, 7);
        let b = generate(3000, 7);
        let c = generate(3000, 8);
        assert_eq!(a.files, b.files);
        assert_ne!(a.files, c.files);
        assert_eq!(a.files.len(), 3000);
        let ids: HashSet<&str> = a.files.iter().map(|f| f.file_id.as_str()).collect();
        assert_eq!(ids.len(), 3000);
        let untagged = a.files.iter().filter(|f| f.tags.is_empty()).count();
        assert!((300..=600).contains(&untagged), "~15% untagged: {untagged}");
        let images = a.files.iter().filter(|f| f.file_type == "image").count();
        let ai = a.files.iter().filter(|f| !f.ai_tags.is_empty()).count();
        assert!(
            ai * 100 / images >= 45 && ai * 100 / images <= 70,
            "AI tags on ~60% of images: {ai}/{images}"
        );
        valid_metadata(&a);
        let folders: HashSet<String> = a
            .folders
            .iter()
            .map(|f| format!("{}/", f.folder_path))
            .collect();
        assert!(a.folders.len() > 50, "{} folders", a.folders.len());
        for f in &a.files {
            assert!(
                folders.contains(f.folder()),
                "{} has its folder",
                f.file_path
            );
            if let Some(c) = &f.custom_coordinates {
                let n: Vec<u32> = c.split(',').map(|x| x.parse().unwrap()).collect();
                assert!(
                    n[0] + n[2] <= f.width && n[1] + n[3] <= f.height,
                    "{c} inside {}x{}",
                    f.width,
                    f.height
                );
            }
            assert!(f.updated_at >= f.created_at);
        }
        // Long tail: the most common tag is far more common than the median one.
        let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
        for t in a.files.iter().flat_map(|f| &f.tags) {
            *counts.entry(t).or_default() += 1;
        }
        let mut v: Vec<usize> = counts.values().copied().collect();
        v.sort_unstable();
        assert!(v[v.len() - 1] > 10 * v[v.len() / 2], "long tail: {v:?}");
    }

    #[test]
    fn list_json_round_trips_and_rejects_bad_seeds_clearly() {
        let lib = generate(200, 1);
        let json = serde_json::to_string(&lib.files).unwrap();
        let back = from_list_json(&json).unwrap();
        assert_eq!(back.files, lib.files);
        assert_eq!(back.folders.len(), lib.folders.len());
        valid_metadata(&back);

        let e = from_list_json(r#"{"files": []}"#).unwrap_err().to_string();
        assert!(e.contains("JSON array") && e.contains("object"), "{e}");
        let e = from_list_json(r#"[{"fileId":"abc","name":"a.jpg","createdAt":"2020-01-01T00:00:00.000Z","updatedAt":"2020-01-01T00:00:00.000Z"}]"#)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("entry 0") && e.contains("abc") && e.contains("filePath"),
            "{e}"
        );
        let one = serde_json::to_value(&lib.files[0]).unwrap();
        let e = from_list_json(&serde_json::to_string(&vec![one.clone(), one]).unwrap())
            .unwrap_err()
            .to_string();
        assert!(e.contains("entry 1") && e.contains("twice"), "{e}");
        assert!(from_list_json("[1]").is_err());
        assert!(from_list_json("not json").is_err());
    }

    #[test]
    fn urls_carry_updated_at_and_encode_the_path() {
        let mut f = generate(1, 3).files.remove(0);
        f.file_path = "/blog/Café menu.jpg".to_owned();
        f.updated_at = Timestamp::from_millis(1_700_000_000_123);
        refresh_urls(&mut f);
        assert_eq!(
            f.url,
            "https://ik.imagekit.io/demo/blog/Caf%C3%A9%20menu.jpg?updatedAt=1700000000123"
        );
        assert!(f.thumbnail.contains("/tr:n-ik_ml_thumbnail/blog/"));
        assert_eq!(object_id("x").len(), 24);
        assert_ne!(object_id("x"), object_id("y"));
    }
}
