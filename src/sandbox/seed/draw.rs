//! One generated file in two steps: [`Draw::new`] takes every random choice from the RNG
//! in a fixed order (cheap: no allocation), [`Draw::build`] turns the choices into a
//! [`FileDetails`] (names, URLs, ids: the expensive part, and free of randomness).
//!
//! The draw order is the generator's contract: the same `(n, seed)` gives the same
//! library byte for byte, so keep it when editing. Because a file's draws depend only
//! on the RNG state it starts from, the generator records that state for every file in
//! one quick sequential pass and builds the files in any order, on any thread.

use std::fmt::Write as _;

use fastrand::Rng;
use serde_json::{Map, Value, json};

use super::words::{AI_LABELS, AREAS, Area, PRODUCT_STEMS, TAGS, VARIANTS};
use super::{id_of, refresh_urls};
use crate::model::{AiTag, FileDetails, FileKind, Timestamp, VersionInfo};

// 2019-01-01T00:00:00Z and 2026-10-31T00:00:00Z in epoch milliseconds.
const START_MS: i64 = 1_546_300_800_000;
const END_MS: i64 = 1_793_404_800_000;

/// Every random choice behind one generated file.
// Its flags are independent draws, not a state machine.
#[allow(clippy::struct_excessive_bools)]
pub(super) struct Draw {
    base: &'static str,
    subs: [Option<&'static str>; 2],
    ext: &'static str,
    stem: &'static str,
    name: NameForm,
    dimensions: (u32, u32),
    size: u64,
    pub(super) created: i64,
    updated: i64,
    tags: Few<&'static str, 8>,
    ai_tags: Few<AiPick, 10>,
    /// `x, y, width, height`.
    coordinates: Option<[u32; 4]>,
    custom: Option<CustomPick>,
    camera: Option<usize>,
    described: bool,
    private: bool,
    published: bool,
    video: Option<VideoPick>,
    alpha: bool,
}

/// Up to `N` items without allocating.
#[derive(Clone, Copy)]
struct Few<T: Copy + Default, const N: usize> {
    items: [T; N],
    len: usize,
}

impl<T: Copy + Default, const N: usize> Default for Few<T, N> {
    fn default() -> Self {
        Few {
            items: [T::default(); N],
            len: 0,
        }
    }
}

impl<T: Copy + Default, const N: usize> Few<T, N> {
    fn push(&mut self, item: T) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = item;
            self.len += 1;
        }
    }

    fn as_slice(&self) -> &[T] {
        &self.items[..self.len]
    }
}

#[derive(Clone, Copy, Default)]
struct AiPick {
    name: &'static str,
    google: bool,
    /// Hundredths of a percent.
    confidence: u32,
}

/// Which custom metadata values a file has (indices into the fields' options).
struct CustomPick {
    brand: Option<usize>,
    price: Option<u32>,
    season: Option<usize>,
    approved: Option<bool>,
    channels: Option<[bool; 4]>,
    /// How long before `createdAt` the shoot was, in ms.
    shoot: Option<i64>,
}

struct VideoPick {
    bit_rate: i64,
    duration: i64,
    codec: usize,
}

/// The shape of a file name.
enum NameForm {
    Camera {
        year: u32,
        month: u8,
        day: u8,
        seq: u32,
    },
    Accented(u16),
    Banner(usize, usize),
    Angle(usize),
    Plain,
}

/// Long-tail pick: low indices are far more likely (roughly Zipf).
fn zipf(rng: &mut Rng, n: usize) -> usize {
    let u = rng.f64();
    // u is in [0, 1), so the power is in [1, n + 1) and the index in [0, n): it fits.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let idx = ((n as f64 + 1.0).powf(u) - 1.0) as usize;
    idx.min(n.saturating_sub(1))
}

pub(super) fn mime_of(ext: &str) -> (&'static str, bool) {
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

fn pick(rng: &mut Rng, items: &'static [&'static str]) -> &'static str {
    items
        .get(rng.usize(0..items.len().max(1)))
        .copied()
        .unwrap_or("")
}

fn pick_area(rng: &mut Rng) -> &'static Area {
    let total_weight: u32 = AREAS.iter().map(|a| a.weight).sum();
    let mut pick = rng.u32(0..total_weight);
    AREAS
        .iter()
        .find(|a| {
            if pick < a.weight {
                true
            } else {
                pick -= a.weight;
                false
            }
        })
        .unwrap_or(&AREAS[0])
}

impl Draw {
    /// Draws one file's choices from `rng`, in the generator's fixed order.
    pub(super) fn new(rng: &mut Rng) -> Draw {
        let area = pick_area(rng);
        let base = pick(rng, area.folders);
        let subs = match rng.u8(0..10) {
            0..=1 => [None, None],
            2..=6 => [Some(pick(rng, area.subs)), None],
            _ => [Some(pick(rng, area.subs)), Some(pick(rng, area.subs))],
        };
        let ext = pick(rng, area.formats);
        let stem = match PRODUCT_STEMS.iter().find(|(folder, _)| *folder == base) {
            Some((_, stems)) => pick(rng, stems),
            None => pick(rng, area.stems),
        };
        let name = NameForm::draw(rng, stem);
        let (mime, is_image) = mime_of(ext);
        let is_video = mime.starts_with("video/");
        let dimensions = if is_image || is_video {
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
            Few::default()
        };
        let (width, height) = dimensions;
        let coordinates = (is_image && width > 10 && rng.u8(0..10) == 0)
            .then(|| pick_coordinates(rng, width, height));
        let custom = (rng.u8(0..10) < 3).then(|| CustomPick::draw(rng));
        let camera = (ext == "jpg" && rng.u8(0..10) < 3).then(|| rng.usize(0..4));
        let described = rng.u8(0..20) == 0;
        let private = rng.u8(0..100) < 5;
        let published = rng.u8(0..100) < 97;
        let video = is_video.then(|| VideoPick {
            bit_rate: rng.i64(800..12_000),
            duration: rng.i64(5..600),
            codec: rng.usize(0..3),
        });
        let alpha = matches!(ext, "png" | "webp" | "svg") && rng.u8(0..3) == 0;
        Draw {
            base,
            subs,
            ext,
            stem,
            name,
            dimensions,
            size,
            created,
            updated,
            tags,
            ai_tags,
            coordinates,
            custom,
            camera,
            described,
            private,
            published,
            video,
            alpha,
        }
    }

    /// The folder's parts: the top-level folder and up to two subfolders.
    pub(super) fn folder_key(&self) -> (&'static str, [Option<&'static str>; 2]) {
        (self.base, self.subs)
    }

    /// The file the choices describe: file number `i` of the library generated from `seed`.
    /// Strings are formatted in `scratch` first, so each is allocated once, to size.
    pub(super) fn build(&self, i: usize, seed: u64, scratch: &mut String) -> FileDetails {
        let mut exact = |args: std::fmt::Arguments<'_>| {
            scratch.clear();
            // Writing to a String cannot fail.
            let _ = scratch.write_fmt(args);
            String::from(scratch.as_str())
        };
        let name = self.name.render(self.stem, self.ext, i, &mut exact);
        let file_path = match self.subs {
            [None, _] => exact(format_args!("{}/{name}", self.base)),
            [Some(a), None] => exact(format_args!("{}/{a}/{name}", self.base)),
            [Some(a), Some(b)] => exact(format_args!("{}/{a}/{b}/{name}", self.base)),
        };
        let folder = &file_path[..file_path.len() - name.len() - 1];
        let description = self.described.then(|| {
            let words = self.stem.split('-');
            scratch.clear();
            for (k, w) in words.enumerate() {
                if k > 0 {
                    scratch.push(' ');
                }
                scratch.push_str(w);
            }
            scratch.push_str(" in ");
            scratch.push_str(folder);
            String::from(scratch.as_str())
        });
        let (mime, is_image) = mime_of(self.ext);
        let (width, height) = self.dimensions;
        let mut f = FileDetails {
            version_info: VersionInfo {
                id: id_of(format_args!("ver:{seed}:{i}")),
                name: "Version 1".to_owned(),
            },
            file_id: id_of(format_args!("gen:{seed}:{i}")),
            kind: FileKind::File,
            file_path,
            name,
            tags: self
                .tags
                .as_slice()
                .iter()
                .map(|t| (*t).to_owned())
                .collect(),
            ai_tags: self.ai_tags.as_slice().iter().map(AiPick::tag).collect(),
            is_private_file: Some(self.private),
            is_published: self.published,
            custom_coordinates: self
                .coordinates
                .map(|[x, y, w, h]| format!("{x},{y},{w},{h}")),
            url: String::new(),
            thumbnail: String::new(),
            file_type: if is_image { "image" } else { "non-image" }.to_owned(),
            mime: Some(mime.to_owned()),
            width: Some(width),
            height: Some(height),
            size: Some(self.size),
            bit_rate: self.video.as_ref().map(|v| v.bit_rate),
            duration: self.video.as_ref().map(|v| v.duration),
            audio_codec: self.video.as_ref().map(|_| "aac".to_owned()),
            video_codec: self
                .video
                .as_ref()
                .map(|v| ["h264", "vp9", "hevc"][v.codec].to_owned()),
            has_alpha: Some(self.alpha),
            custom_metadata: self
                .custom
                .as_ref()
                .map_or_else(Map::new, |c| c.metadata(self.created)),
            selected_fields_schema: None,
            embedded_metadata: self.camera.map(|c| embedded_metadata(c, self.created)),
            description,
            created_at: Timestamp::from_millis(self.created),
            updated_at: Timestamp::from_millis(self.updated),
        };
        refresh_urls(&mut f);
        f
    }
}

/// `/base`, `/base/sub` or `/base/sub/sub`, without a trailing slash.
pub(super) fn folder_path((base, subs): (&str, [Option<&str>; 2])) -> String {
    match subs {
        [None, _] => base.to_owned(),
        [Some(a), None] => format!("{base}/{a}"),
        [Some(a), Some(b)] => format!("{base}/{a}/{b}"),
    }
}

impl NameForm {
    fn draw(rng: &mut Rng, stem: &str) -> NameForm {
        match (stem, rng.u8(0..20)) {
            ("IMG" | "DSC", _) => NameForm::Camera {
                year: rng.u32(2019..2027),
                month: rng.u8(1..13),
                day: rng.u8(1..29),
                seq: rng.u32(0..240_000),
            },
            (_, 0) => NameForm::Accented(rng.u16(1..99)),
            (_, 1..=3) => NameForm::Banner(rng.usize(0..3), rng.usize(0..3)),
            (_, 4..=9) => NameForm::Angle(rng.usize(0..5)),
            _ => NameForm::Plain,
        }
    }

    fn render(
        &self,
        stem: &str,
        ext: &str,
        i: usize,
        exact: &mut impl FnMut(std::fmt::Arguments<'_>) -> String,
    ) -> String {
        match *self {
            NameForm::Camera {
                year,
                month,
                day,
                seq,
            } => exact(format_args!(
                "{stem}_{year}{month:02}{day:02}_{seq:06}.{ext}"
            )),
            NameForm::Accented(n) => exact(format_args!("{stem} {n} – été.{ext}")),
            NameForm::Banner(w, h) => exact(format_args!(
                "{stem}-{}x{}@2x.{ext}",
                [1920, 1200, 800][w],
                [600, 628, 400][h]
            )),
            NameForm::Angle(a) => exact(format_args!(
                "{stem}-{}-{i}.{ext}",
                ["front", "back", "side", "detail", "lifestyle"][a]
            )),
            NameForm::Plain => exact(format_args!("{stem}-{i}.{ext}")),
        }
    }
}

/// Width and height of an image or video.
fn pick_dimensions(rng: &mut Rng) -> (u32, u32) {
    let w = [256, 512, 800, 1080, 1200, 1600, 1920, 2400, 3000, 4000][rng.usize(0..10)];
    let ratio = [1.0, 0.75, 1.5, 0.5625, 1.25][rng.usize(0..5)];
    // At most 4000 × 1.5, positive: the height fits a u32.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let h = (f64::from(w) * ratio) as u32;
    (w, h.max(1))
}

/// A size in bytes that is plausible for the format.
fn pick_size(rng: &mut Rng, ext: &str) -> u64 {
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
fn pick_timestamps(rng: &mut Rng) -> (i64, i64) {
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
fn pick_tags(rng: &mut Rng) -> Few<&'static str, 8> {
    let mut tags = Few::default();
    if rng.u8(0..100) >= 15 {
        for _ in 0..rng.usize(1..9) {
            let mut t = TAGS[zipf(rng, TAGS.len())];
            if rng.u8(0..10) == 0
                && let Some((_, vs)) = VARIANTS.iter().find(|(c, _)| *c == t)
            {
                t = pick(rng, vs);
            }
            if !tags.as_slice().contains(&t) {
                tags.push(t);
            }
        }
    }
    tags
}

/// Up to 10 AI tags from the long tail, from Google or AWS.
fn pick_ai_tags(rng: &mut Rng) -> Few<AiPick, 10> {
    let mut ai_tags: Few<AiPick, 10> = Few::default();
    for _ in 0..rng.usize(1..11) {
        let name = AI_LABELS[zipf(rng, AI_LABELS.len())];
        let google = rng.bool();
        if ai_tags
            .as_slice()
            .iter()
            .any(|t| t.name == name && t.google == google)
        {
            continue;
        }
        ai_tags.push(AiPick {
            name,
            google,
            confidence: rng.u32(5231..=9987),
        });
    }
    ai_tags
}

impl AiPick {
    fn tag(&self) -> AiTag {
        AiTag {
            name: self.name.to_owned(),
            confidence: f64::from(self.confidence) / 100.0,
            source: if self.google {
                "google-auto-tagging"
            } else {
                "aws-auto-tagging"
            }
            .to_owned(),
        }
    }
}

/// `x, y, w, h` inside a `width`×`height` image (both above 10).
fn pick_coordinates(rng: &mut Rng, width: u32, height: u32) -> [u32; 4] {
    let w = rng.u32(1..=width / 2);
    let h = rng.u32(1..=height / 2);
    let x = rng.u32(0..=width - w);
    let y = rng.u32(0..=height - h);
    [x, y, w, h]
}

impl CustomPick {
    /// Values for some of the generated fields (drawn for ~30% of files).
    fn draw(rng: &mut Rng) -> CustomPick {
        CustomPick {
            brand: rng.bool().then(|| rng.usize(0..3)),
            price: rng.bool().then(|| rng.u32(999..49_999)),
            season: rng.bool().then(|| rng.usize(0..4)),
            approved: rng.bool().then(|| rng.u8(0..4) > 0),
            channels: (rng.u8(0..3) == 0).then(|| [rng.bool(), rng.bool(), rng.bool(), rng.bool()]),
            shoot: (rng.u8(0..3) == 0).then(|| rng.i64(0..30 * 86_400_000)),
        }
    }

    fn metadata(&self, created: i64) -> Map<String, Value> {
        let mut m = Map::new();
        if let Some(b) = self.brand {
            m.insert(
                "brand".into(),
                json!(["Northwind", "Summit Co", "Trailhead"][b]),
            );
        }
        if let Some(p) = self.price {
            m.insert("price".into(), json!(f64::from(p) / 100.0));
        }
        if let Some(s) = self.season {
            m.insert(
                "season".into(),
                json!(["spring", "summer", "autumn", "winter"][s]),
            );
        }
        if let Some(a) = self.approved {
            m.insert("approved".into(), json!(a));
        }
        if let Some(chosen) = self.channels {
            let all = ["web", "email", "social", "print"];
            let chosen: Vec<&str> = all
                .iter()
                .zip(chosen)
                .filter_map(|(c, on)| on.then_some(*c))
                .collect();
            m.insert("channels".into(), json!(chosen));
        }
        if let Some(before) = self.shoot {
            let d = Timestamp::from_millis(created - before);
            m.insert("shootDate".into(), json!(d.to_string()));
        }
        m
    }
}

/// EXIF-like embedded metadata: camera make and model, and when the photo was taken.
fn embedded_metadata(camera: usize, created: i64) -> Value {
    let make = ["Canon", "Nikon", "Sony", "FUJIFILM"][camera];
    let model = ["EOS R5", "Z 7II", "ILCE-7M4", "X-T5"][camera];
    let taken = Timestamp::from_millis(created)
        .0
        .format("%Y:%m:%d %H:%M:%S")
        .to_string();
    json!({"Make": make, "Model": model, "DateTimeOriginal": taken})
}
