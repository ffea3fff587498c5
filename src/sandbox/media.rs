//! Media delivery: the sandbox answers the `url` and `thumbnail` of its files like a CDN.
//!
//! Files' URLs are built per response on the address the client reached
//! ([`UrlEndpoint`]), so they work on any port, behind any loopback alias, and for a
//! database written by an earlier run. `GET /demo/{path}` and
//! `GET /demo/tr:n-ik_ml_thumbnail/{path}` are public (no key, no faults, as on
//! `ImageKit`'s CDN) and serve one of the placeholder pictures in `assets/previews/`,
//! chosen from the fileId, in the format of the file's mime type.

use std::net::SocketAddr;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::Shared;
use super::error::SandboxError;
use super::seed::{self, URL_ENDPOINT_PATH};
use super::store::Store;
use crate::model::{FileDetails, FileKind};

// ---------------------------------------------------------------------------------------
// The embedded pictures

/// An image encoding the sandbox can serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Webp,
    Gif,
}

impl Format {
    /// What `ImageKit` delivers for a file of this mime type (SVG is rasterised to PNG).
    /// `None` for files that are not images.
    pub fn for_mime(mime: &str) -> Option<Format> {
        let mime = mime.trim().to_ascii_lowercase();
        let sub = mime.strip_prefix("image/")?;
        Some(match sub {
            "png" | "svg+xml" => Format::Png,
            "webp" => Format::Webp,
            "gif" => Format::Gif,
            // jpeg, jpg, pjpeg and any other image type are delivered as JPEG.
            _ => Format::Jpeg,
        })
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
        }
    }
}

/// One placeholder picture in each raster format.
struct Picture {
    jpeg: &'static [u8],
    png: &'static [u8],
    webp: &'static [u8],
}

macro_rules! asset {
    ($($name:expr),+) => {
        include_bytes!(concat!(env!("CARGO_MANIFEST_DIR"), "/assets/previews/", $($name),+))
    };
}

macro_rules! picture {
    ($n:literal) => {
        Picture {
            jpeg: asset!($n, ".jpg"),
            png: asset!($n, ".png"),
            webp: asset!($n, ".webp"),
        }
    };
}

const PICTURES: [Picture; 8] = [
    picture!("01"),
    picture!("02"),
    picture!("03"),
    picture!("04"),
    picture!("05"),
    picture!("06"),
    picture!("07"),
    picture!("08"),
];

/// Served for every GIF (there is one animated-format placeholder).
const GIF: &[u8] = asset!("01.gif");

/// The picture served for an image file, or `None` for a non-image (pdf, video, font…).
/// The same file gets the same picture on every run (FNV-1a of the fileId).
pub fn preview(file: &FileDetails) -> Option<(Format, &'static [u8])> {
    if file.file_type != "image" {
        return None;
    }
    let format = Format::for_mime(file.mime.as_deref()?)?;
    let hash = file
        .file_id
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    // The remainder is below PICTURES.len(), so the cast cannot truncate.
    #[allow(clippy::cast_possible_truncation)]
    let pic = &PICTURES[(hash % PICTURES.len() as u64) as usize];
    let bytes = match format {
        Format::Jpeg => pic.jpeg,
        Format::Png => pic.png,
        Format::Webp => pic.webp,
        Format::Gif => GIF,
    };
    Some((format, bytes))
}

// ---------------------------------------------------------------------------------------
// Routes

/// The public media routes (no key, no faults: put them outside those layers).
pub fn routes() -> Router<Shared> {
    Router::new().route(&format!("{URL_ENDPOINT_PATH}/{{*path}}"), get(serve_media))
}

/// `GET /demo/[tr:…/]{filePath}`; the query string (`?updatedAt=`) is ignored.
async fn serve_media(State(state): State<Shared>, uri: Uri) -> Response {
    // `Some(None)`: the file is not an image.
    let find = |state: &Shared| {
        let store = state.read_store();
        lookup(&store, uri.path()).map(preview)
    };
    let mut found = find(&state);
    if found.is_none() && !state.read_store().is_complete() {
        // The file may be further into a library that is still filling.
        state.library_complete().await;
        found = find(&state);
    }
    match found {
        None => SandboxError::new(
            StatusCode::NOT_FOUND,
            "No file exists at this URL in the sandbox.",
        )
        .into_response(),
        Some(None) => SandboxError::new(
            StatusCode::NOT_FOUND,
            "This file is not an image; the sandbox serves previews of images only.",
        )
        .into_response(),
        Some(Some((format, bytes))) => (
            StatusCode::OK,
            [
                (header::CONTENT_TYPE, format.content_type().to_owned()),
                (header::CACHE_CONTROL, "public, max-age=31536000".to_owned()),
                (header::CONTENT_LENGTH, bytes.len().to_string()),
            ],
            Body::from(bytes),
        )
            .into_response(),
    }
}

/// The file a media URL path names: `/demo/tr:…/a/b.jpg` or `/demo/a/b.jpg`.
fn lookup<'a>(store: &'a Store, raw_path: &str) -> Option<&'a FileDetails> {
    let rest = raw_path.strip_prefix(URL_ENDPOINT_PATH)?;
    // File paths are far shorter; do not decode (or scan the library for) anything longer.
    if rest.len() > 8192 {
        return None;
    }
    let path = percent_decode(rest)?;
    let by_path = |p: &str| {
        store
            .files()
            .iter()
            .find(|f| f.kind == FileKind::File && f.file_path == p)
    };
    // A leading `tr:…` segment is a transformation (the thumbnail is `tr:n-ik_ml_thumbnail`).
    let transformed = path
        .strip_prefix("/tr:")
        .and_then(|t| t.find('/').map(|i| &t[i..]))
        .and_then(by_path);
    transformed.or_else(|| by_path(&path))
}

/// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is.
/// `None` if the result is not UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| b.get(j).and_then(|&c| char::from(c).to_digit(16));
        match (b[i], hex(i + 1), hex(i + 2)) {
            (b'%', Some(hi), Some(lo)) => {
                // Two hex digits make at most 0xff.
                #[allow(clippy::cast_possible_truncation)]
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

// ---------------------------------------------------------------------------------------
// URLs in responses

/// The URL endpoint as the client reached the sandbox: `http://{Host}/demo`.
///
/// Taken from the request's `Host` header (or the request URI's authority), else the
/// address the sandbox is bound to, else `127.0.0.1`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UrlEndpoint(String);

impl UrlEndpoint {
    /// The endpoint for a `host[:port]` (IPv6 in brackets).
    pub fn for_host(host: &str) -> UrlEndpoint {
        UrlEndpoint(format!("http://{host}{URL_ENDPOINT_PATH}"))
    }

    fn for_addr(addr: SocketAddr) -> UrlEndpoint {
        // SocketAddr's Display brackets IPv6 addresses: `[::1]:8080`.
        Self::for_host(&addr.to_string())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The file as the API answers it: its `url` and `thumbnail` on this endpoint.
    pub fn serve<'a>(&self, file: &'a FileDetails) -> Served<'a> {
        let (url, thumbnail) = seed::file_urls(&self.0, file);
        Served {
            file,
            url,
            thumbnail,
        }
    }
}

/// A usable `Host` value: a host name or address with an optional port, nothing else.
fn plausible_host(h: &str) -> bool {
    !h.is_empty()
        && h.len() <= 255
        && h.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_' | b':' | b'[' | b']')
        })
}

impl FromRequestParts<Shared> for UrlEndpoint {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &Shared,
    ) -> Result<Self, Self::Rejection> {
        let host = parts
            .headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .or_else(|| {
                parts
                    .uri
                    .authority()
                    .map(axum::http::uri::Authority::as_str)
            })
            .map(str::trim)
            .filter(|h| plausible_host(h));
        Ok(match (host, state.local_addr()) {
            (Some(h), _) => UrlEndpoint::for_host(h),
            (None, Some(addr)) => UrlEndpoint::for_addr(addr),
            (None, None) => UrlEndpoint::for_host("127.0.0.1"),
        })
    }
}

/// A [`FileDetails`] that serialises exactly like the file, except that `url` and
/// `thumbnail` are the ones built for the request's endpoint, and `embeddedMetadata` is
/// left out when the file has none (the spec types it as an object, never `null`). No
/// copy of the file is made.
pub struct Served<'a> {
    file: &'a FileDetails,
    url: String,
    thumbnail: String,
}

impl Serialize for Served<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.file.serialize(SwapUrls {
            inner: s,
            url: &self.url,
            thumbnail: &self.thumbnail,
            embedded: self.file.embedded_metadata.is_some(),
        })
    }
}

/// A serializer that passes everything through to `inner`, except the top-level struct's
/// `url` and `thumbnail` fields, which it replaces, and its `embeddedMetadata`, which it
/// skips unless the file has some.
struct SwapUrls<'a, S> {
    inner: S,
    url: &'a str,
    thumbnail: &'a str,
    embedded: bool,
}

struct SwapUrlsStruct<'a, S> {
    inner: S,
    url: &'a str,
    thumbnail: &'a str,
    embedded: bool,
}

impl<S: SerializeStruct> SerializeStruct for SwapUrlsStruct<'_, S> {
    type Ok = S::Ok;
    type Error = S::Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), S::Error> {
        match key {
            "url" => self.inner.serialize_field(key, self.url),
            "thumbnail" => self.inner.serialize_field(key, self.thumbnail),
            "embeddedMetadata" if !self.embedded => self.inner.skip_field(key),
            _ => self.inner.serialize_field(key, value),
        }
    }

    fn skip_field(&mut self, key: &'static str) -> Result<(), S::Error> {
        self.inner.skip_field(key)
    }

    fn end(self) -> Result<S::Ok, S::Error> {
        self.inner.end()
    }
}

macro_rules! pass {
    ($($name:ident($t:ty);)*) => {$(
        fn $name(self, v: $t) -> Result<S::Ok, S::Error> {
            self.inner.$name(v)
        }
    )*};
}

impl<'a, S: Serializer> Serializer for SwapUrls<'a, S> {
    type Ok = S::Ok;
    type Error = S::Error;
    type SerializeSeq = S::SerializeSeq;
    type SerializeTuple = S::SerializeTuple;
    type SerializeTupleStruct = S::SerializeTupleStruct;
    type SerializeTupleVariant = S::SerializeTupleVariant;
    type SerializeMap = S::SerializeMap;
    type SerializeStruct = SwapUrlsStruct<'a, S::SerializeStruct>;
    type SerializeStructVariant = S::SerializeStructVariant;

    pass! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_i128(i128);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_u128(u128);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_unit_struct(&'static str);
    }

    fn serialize_none(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_none()
    }

    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.inner.serialize_some(v)
    }

    fn serialize_unit(self) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit()
    }

    fn serialize_unit_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_unit_variant(name, index, variant)
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner.serialize_newtype_struct(name, v)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<S::Ok, S::Error> {
        self.inner
            .serialize_newtype_variant(name, index, variant, v)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<S::SerializeSeq, S::Error> {
        self.inner.serialize_seq(len)
    }

    fn serialize_tuple(self, len: usize) -> Result<S::SerializeTuple, S::Error> {
        self.inner.serialize_tuple(len)
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<S::SerializeTupleStruct, S::Error> {
        self.inner.serialize_tuple_struct(name, len)
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<S::SerializeTupleVariant, S::Error> {
        self.inner
            .serialize_tuple_variant(name, index, variant, len)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<S::SerializeMap, S::Error> {
        self.inner.serialize_map(len)
    }

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStruct, S::Error> {
        Ok(SwapUrlsStruct {
            inner: self.inner.serialize_struct(name, len)?,
            url: self.url,
            thumbnail: self.thumbnail,
            embedded: self.embedded,
        })
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<S::SerializeStructVariant, S::Error> {
        self.inner
            .serialize_struct_variant(name, index, variant, len)
    }

    fn collect_str<T: ?Sized + std::fmt::Display>(self, v: &T) -> Result<S::Ok, S::Error> {
        self.inner.collect_str(v)
    }

    fn is_human_readable(&self) -> bool {
        self.inner.is_human_readable()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn magic_ok(format: Format, b: &[u8]) -> bool {
        match format {
            Format::Jpeg => b.starts_with(&[0xFF, 0xD8, 0xFF]) && b.ends_with(&[0xFF, 0xD9]),
            Format::Png => b.starts_with(b"\x89PNG\r\n\x1a\n"),
            Format::Webp => b.len() > 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP",
            Format::Gif => b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a"),
        }
    }

    #[test]
    fn every_embedded_asset_carries_its_formats_magic_number() {
        let mut seen = std::collections::HashSet::new();
        for (i, p) in PICTURES.iter().enumerate() {
            for (format, bytes) in [
                (Format::Jpeg, p.jpeg),
                (Format::Png, p.png),
                (Format::Webp, p.webp),
            ] {
                assert!(magic_ok(format, bytes), "picture {} as {format:?}", i + 1);
                assert!(
                    bytes.len() < 16 * 1024,
                    "picture {} as {format:?} is small",
                    i + 1
                );
                assert!(
                    seen.insert(bytes),
                    "picture {} as {format:?} is distinct",
                    i + 1
                );
            }
        }
        assert!(magic_ok(Format::Gif, GIF));
    }

    fn file(id: &str, mime: &str, file_type: &str) -> FileDetails {
        let mut f = seed::generate(1, 1).files.remove(0);
        f.file_id = id.to_owned();
        f.mime = Some(mime.to_owned());
        f.file_type = file_type.to_owned();
        f.file_path = "/a b/Café.jpg".to_owned();
        f
    }

    #[test]
    fn the_format_follows_the_mime_and_the_picture_the_file_id() {
        let cases = [
            ("image/jpeg", Some(Format::Jpeg)),
            ("image/png", Some(Format::Png)),
            ("image/webp", Some(Format::Webp)),
            ("image/svg+xml", Some(Format::Png)),
            ("image/gif", Some(Format::Gif)),
            ("image/avif", Some(Format::Jpeg)),
            ("application/pdf", None),
        ];
        for (mime, want) in cases {
            let kind = if want.is_some() { "image" } else { "non-image" };
            assert_eq!(preview(&file("x", mime, kind)).map(|p| p.0), want, "{mime}");
        }
        assert_eq!(preview(&file("x", "video/mp4", "non-image")), None);
        let a = preview(&file("aaaa", "image/jpeg", "image"));
        assert_eq!(
            a,
            preview(&file("aaaa", "image/jpeg", "image")),
            "deterministic"
        );
        let distinct: std::collections::HashSet<_> = (0..64)
            .filter_map(|i| preview(&file(&format!("id{i}"), "image/png", "image")))
            .map(|p| p.1)
            .collect();
        assert!(distinct.len() > 4, "files get different pictures");
    }

    #[test]
    fn served_files_serialise_like_the_file_with_urls_on_the_endpoint() {
        #[derive(serde::Serialize)]
        struct Outer<'a> {
            #[serde(flatten)]
            file: Served<'a>,
            extra: u8,
        }
        let mut f = file("x", "image/jpeg", "image");
        f.updated_at = crate::model::Timestamp::from_millis(1_700_000_000_123);
        let e = UrlEndpoint::for_host("[::1]:8080");
        let served = serde_json::to_value(e.serve(&f)).unwrap();
        let mut plain = serde_json::to_value(&f).unwrap();
        assert_eq!(
            served["url"],
            "http://[::1]:8080/demo/a%20b/Caf%C3%A9.jpg?updatedAt=1700000000123"
        );
        assert_eq!(
            served["thumbnail"],
            "http://[::1]:8080/demo/tr:n-ik_ml_thumbnail/a%20b/Caf%C3%A9.jpg?updatedAt=1700000000123"
        );
        plain["url"] = served["url"].clone();
        plain["thumbnail"] = served["thumbnail"].clone();
        assert_eq!(plain["embeddedMetadata"], Value::Null);
        plain.as_object_mut().unwrap().remove("embeddedMetadata");
        assert_eq!(served, plain, "no embeddedMetadata key without metadata");
        f.embedded_metadata = Some(json!({"Make": "Canon"}));
        let served = serde_json::to_value(e.serve(&f)).unwrap();
        assert_eq!(served["embeddedMetadata"], json!({"Make": "Canon"}));
        // Flattened into a larger response (the PATCH answer), the swap still applies.
        let v = serde_json::to_value(Outer {
            file: e.serve(&f),
            extra: 1,
        })
        .unwrap();
        assert_eq!(v["url"], served["url"]);
        assert_eq!(v["extra"], json!(1));
        assert!(matches!(v["customMetadata"], Value::Object(_)));
    }

    #[test]
    fn hosts_are_checked_and_paths_decoded() {
        assert!(plausible_host("127.0.0.1:8080"));
        assert!(plausible_host("[::1]:1"));
        assert!(plausible_host("localhost"));
        for bad in ["", "a b", "evil\"/x", "user@host", "h/ost", "x?y"] {
            assert!(!plausible_host(bad), "{bad:?}");
        }
        assert_eq!(
            percent_decode("/a%20b/Caf%C3%A9").as_deref(),
            Some("/a b/Café")
        );
        assert_eq!(
            percent_decode("/100%/%zz%4").as_deref(),
            Some("/100%/%zz%4")
        );
        assert_eq!(percent_decode("/%ff%fe"), None);
        assert_eq!(percent_decode("/%2e%2e/%00").as_deref(), Some("/../\0"));
    }
}
