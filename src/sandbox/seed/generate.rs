//! The synthetic demo library: N realistic files from a seed, deterministically.
//!
//! Every random choice is drawn from one `fastrand::Rng` in a fixed order, so the same
//! `(n, seed)` gives the same library byte for byte; keep that order when editing.

use serde_json::{Map, Value, json};

use super::words::{AI_LABELS, AREAS, Area, PRODUCT_STEMS, TAGS, VARIANTS};
use super::{Library, folders_for, object_id, refresh_urls, schema};
use crate::model::{
    AiTag, CustomMetadataField, FieldType, FileDetails, FileKind, Timestamp, VersionInfo,
};

/// Long-tail pick: low indices are far more likely (roughly Zipf).
fn zipf(rng: &mut fastrand::Rng, n: usize) -> usize {
    let u = rng.f64();
    // u is in [0, 1), so the power is in [1, n + 1) and the index in [0, n): it fits.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
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

/// One generated file, with all its properties drawn in order from `rng`.
fn generate_file(rng: &mut fastrand::Rng, area: &Area, i: usize, seed: u64) -> FileDetails {
    let Naming {
        folder,
        stem,
        name,
        ext,
    } = pick_naming(rng, area, i);
    let (mime, is_image) = mime_of(ext);
    let is_video = mime.starts_with("video/");
    let (width, height) = if is_image || is_video {
        pick_dimensions(rng)
    } else {
        (0, 0)
    };
    let size = pick_size(rng, ext);
    let (created, updated) = pick_timestamps(rng);
    let tags = pick_tags(rng);
    let ai_tags = if is_image && ext != "svg" && rng.u8(0..100) < 60 {
        pick_ai_tags(rng)
    } else {
        Vec::new()
    };
    let custom_coordinates = (is_image && width > 10 && rng.u8(0..10) == 0)
        .then(|| pick_coordinates(rng, width, height));
    let custom_metadata = pick_custom_metadata(rng, created);
    let embedded_metadata =
        (ext == "jpg" && rng.u8(0..10) < 3).then(|| pick_embedded_metadata(rng, created));
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

/// Where a generated file lives and what it is called.
struct Naming {
    /// Its folder, without a trailing slash.
    folder: String,
    /// The name stem it was built from.
    stem: &'static str,
    /// Its file name, extension included.
    name: String,
    ext: &'static str,
}

fn pick_naming(rng: &mut fastrand::Rng, area: &Area, i: usize) -> Naming {
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
    Naming {
        folder,
        stem,
        name,
        ext,
    }
}

/// Width and height of an image or video.
fn pick_dimensions(rng: &mut fastrand::Rng) -> (u32, u32) {
    let w = [256, 512, 800, 1080, 1200, 1600, 1920, 2400, 3000, 4000][rng.usize(0..10)];
    let ratio = [1.0, 0.75, 1.5, 0.5625, 1.25][rng.usize(0..5)];
    // At most 4000 × 1.5, positive: the height fits a u32.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let h = (f64::from(w) * ratio) as u32;
    (w, h.max(1))
}

/// A size in bytes that is plausible for the format.
fn pick_size(rng: &mut fastrand::Rng, ext: &str) -> u64 {
    match ext {
        "svg" | "css" | "js" => rng.u64(2_000..80_000),
        "png" => rng.u64(20_000..4_000_000),
        "pdf" => rng.u64(200_000..25_000_000),
        "mp4" | "webm" | "mov" => rng.u64(2_000_000..300_000_000),
        "woff2" => rng.u64(15_000..120_000),
        "gif" => rng.u64(50_000..8_000_000),
        _ => rng.u64(30_000..6_000_000),
    }
}

/// `(createdAt, updatedAt)` in epoch milliseconds; 40% of files were updated later.
fn pick_timestamps(rng: &mut fastrand::Rng) -> (i64, i64) {
    let created = rng.i64(START_MS..END_MS);
    let updated = if rng.u8(0..10) < 4 {
        rng.i64(created..=END_MS)
    } else {
        created
    };
    (created, updated)
}

/// User tags: none on ~15% of files, else up to 8 from the long tail, a few of them
/// messy variants.
fn pick_tags(rng: &mut fastrand::Rng) -> Vec<String> {
    let mut tags = Vec::new();
    if rng.u8(0..100) >= 15 {
        for _ in 0..rng.usize(1..9) {
            let mut t = TAGS[zipf(rng, TAGS.len())].to_owned();
            if rng.u8(0..10) == 0
                && let Some((_, vs)) = VARIANTS.iter().find(|(c, _)| *c == t)
            {
                pick(rng, vs).clone_into(&mut t);
            }
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
    }
    tags
}

/// Up to 10 AI tags from the long tail, from Google or AWS.
fn pick_ai_tags(rng: &mut fastrand::Rng) -> Vec<AiTag> {
    let mut ai_tags = Vec::new();
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
    ai_tags
}

/// `x,y,width,height` inside a `width`×`height` image (both above 10).
fn pick_coordinates(rng: &mut fastrand::Rng, width: u32, height: u32) -> String {
    let w = rng.u32(1..=width / 2);
    let h = rng.u32(1..=height / 2);
    format!(
        "{},{},{w},{h}",
        rng.u32(0..=width - w),
        rng.u32(0..=height - h)
    )
}

/// Values for some of [`generated_fields`] on ~30% of files.
fn pick_custom_metadata(rng: &mut fastrand::Rng, created: i64) -> Map<String, Value> {
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
    custom_metadata
}

/// EXIF-like embedded metadata: camera make and model, and when the photo was taken.
fn pick_embedded_metadata(rng: &mut fastrand::Rng, created: i64) -> Value {
    let camera = rng.usize(0..4);
    let make = ["Canon", "Nikon", "Sony", "FUJIFILM"][camera];
    let model = ["EOS R5", "Z 7II", "ILCE-7M4", "X-T5"][camera];
    let taken = Timestamp::from_millis(created)
        .0
        .format("%Y:%m:%d %H:%M:%S")
        .to_string();
    json!({"Make": make, "Model": model, "DateTimeOriginal": taken})
}
