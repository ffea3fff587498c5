//! Wire models shared by the `ImageKit` client and the sandbox.
//!
//! Field names, nullability and timestamp format follow the official `OpenAPI` spec
//! (`FileDetails`, `FolderDetails`, bulk responses, error bodies). A file with no
//! tags serialises `"tags": null`, never `[]`; timestamps are
//! `YYYY-MM-DDTHH:MM:SS.mmmZ`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// The `help` text every `ImageKit` error body carries.
pub const HELP: &str = "For support kindly contact us at support@imagekit.io.";

/// A UTC timestamp that serialises as `2019-08-24T06:14:41.313Z`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub DateTime<Utc>);

impl Timestamp {
    pub fn now() -> Self {
        // Millisecond precision, as the API reports.
        Self::from_millis(Utc::now().timestamp_millis())
    }

    pub fn from_millis(ms: i64) -> Self {
        Timestamp(DateTime::from_timestamp_millis(ms).unwrap_or(DateTime::UNIX_EPOCH))
    }

    pub fn millis(&self) -> i64 {
        self.0.timestamp_millis()
    }

    /// Parses an RFC 3339 / ISO 8601 timestamp (with or without fractional seconds).
    pub fn parse(s: &str) -> Option<Self> {
        DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| Self::from_millis(d.with_timezone(&Utc).timestamp_millis()))
    }
}

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::Millis, true))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Timestamp::parse(&s)
            .ok_or_else(|| serde::de::Error::custom(format!("invalid timestamp {s:?}")))
    }
}

/// An AI-generated tag (`AITag` in the spec).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AiTag {
    pub name: String,
    pub confidence: f64,
    pub source: String,
}

/// `versionInfo`: the version's id and display name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct VersionInfo {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub name: String,
}

/// Is this `"file"` or `"file-version"`?
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum FileKind {
    #[default]
    #[serde(rename = "file")]
    File,
    #[serde(rename = "file-version")]
    FileVersion,
}

impl FileKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::File => "file",
            FileKind::FileVersion => "file-version",
        }
    }
}

fn null_if_empty<S: Serializer, T: Serialize>(v: &[T], s: S) -> Result<S::Ok, S::Error> {
    if v.is_empty() {
        s.serialize_none()
    } else {
        v.serialize(s)
    }
}

fn empty_if_null<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

fn map_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<Map<String, Value>, D::Error> {
    Ok(Option::<Map<String, Value>>::deserialize(d)?.unwrap_or_default())
}

/// `null` for a field iktag only shows (URLs, version): unknown, kept as the type's empty
/// value rather than failing the whole page. (Dimensions, size, mime and the `hasAlpha` /
/// `isPrivateFile` flags are `Option`s instead: `null` or missing is `None`, shown `—`, and
/// `None` is sent back as `null`.)
fn default_if_null<'de, D: Deserializer<'de>, T: Deserialize<'de> + Default>(
    d: D,
) -> Result<T, D::Error> {
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn yes_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(Option::<bool>::deserialize(d)?.unwrap_or(true))
}

fn image_if_null<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_else(image))
}

/// A file or file version (`FileDetails` in the spec), field for field.
///
/// `tags` and `AITags` are kept as plain vectors; an empty vector is sent as
/// `null`, exactly as the API does for a file without tags.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileDetails {
    pub file_id: String,
    #[serde(rename = "type", default)]
    pub kind: FileKind,
    pub name: String,
    pub file_path: String,
    #[serde(
        default,
        serialize_with = "null_if_empty",
        deserialize_with = "empty_if_null"
    )]
    pub tags: Vec<String>,
    #[serde(
        rename = "AITags",
        default,
        serialize_with = "null_if_empty",
        deserialize_with = "empty_if_null"
    )]
    pub ai_tags: Vec<AiTag>,
    #[serde(default, deserialize_with = "default_if_null")]
    pub version_info: VersionInfo,
    #[serde(default)]
    pub is_private_file: Option<bool>,
    #[serde(default = "yes", deserialize_with = "yes_if_null")]
    pub is_published: bool,
    #[serde(default)]
    pub custom_coordinates: Option<String>,
    #[serde(default, deserialize_with = "default_if_null")]
    pub url: String,
    #[serde(default, deserialize_with = "default_if_null")]
    pub thumbnail: String,
    #[serde(default = "image", deserialize_with = "image_if_null")]
    pub file_type: String,
    #[serde(default)]
    pub mime: Option<String>,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    #[serde(default)]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bit_rate: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audio_codec: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub video_codec: Option<String>,
    #[serde(default)]
    pub has_alpha: Option<bool>,
    #[serde(default, deserialize_with = "map_if_null")]
    pub custom_metadata: Map<String, Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_fields_schema: Option<Value>,
    /// `null` when the file has none (as in the API's own examples).
    #[serde(default)]
    pub embedded_metadata: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

fn yes() -> bool {
    true
}

fn image() -> String {
    "image".to_owned()
}

impl FileDetails {
    /// The folder this file lives in, with a trailing slash (`/a/b/` for `/a/b/x.jpg`).
    pub fn folder(&self) -> &str {
        match self.file_path.rfind('/') {
            Some(i) => &self.file_path[..=i],
            None => "/",
        }
    }

    /// The lowercase extension of the file name (`jpg`, `png`…), or "".
    pub fn format(&self) -> String {
        match self.name.rsplit_once('.') {
            Some((_, ext)) => ext.to_ascii_lowercase(),
            None => String::new(),
        }
    }
}

/// A folder (`FolderDetails` in the spec).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderDetails {
    /// Always `"folder"`.
    #[serde(rename = "type")]
    pub kind: FolderKind,
    pub folder_id: String,
    pub name: String,
    pub folder_path: String,
    #[serde(default, deserialize_with = "map_if_null")]
    pub custom_metadata: Map<String, Value>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum FolderKind {
    #[default]
    #[serde(rename = "folder")]
    Folder,
}

/// One element of the list response: a file (or file version) or a folder.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Asset {
    File(Box<FileDetails>),
    Folder(FolderDetails),
}

/// Body of a successful or partially successful bulk tag call (200 / 207).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BulkUpdateResponse {
    pub successfully_updated_file_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FileError>,
}

/// Body of a successful or partially successful bulk delete (200 / 207).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct BulkDeleteResponse {
    pub successfully_deleted_file_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FileError>,
}

/// A per-file failure inside a 207 body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileError {
    pub file_id: String,
    pub error: String,
}

/// The `ImageKit` error body: `{message, help, missingFileIds?, errors?}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorBody {
    pub message: String,
    #[serde(default)]
    pub help: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub missing_file_ids: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Value>,
}

impl ErrorBody {
    pub fn new(message: impl Into<String>) -> Self {
        ErrorBody {
            message: message.into(),
            help: HELP.to_owned(),
            missing_file_ids: None,
            errors: None,
        }
    }
}

/// A custom metadata field definition (`CustomMetadataField` in the spec).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomMetadataField {
    pub id: String,
    pub name: String,
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub schema: FieldSchema,
}

/// The schema of a custom metadata field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FieldSchema {
    #[serde(rename = "type")]
    pub kind: FieldType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub select_options: Option<Vec<Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_value_required: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
}

/// The seven custom metadata field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldType {
    Text,
    Textarea,
    Number,
    Date,
    Boolean,
    SingleSelect,
    MultiSelect,
}

/// Checks a custom metadata value against its field's schema (the same rules the sandbox
/// enforces), so the TUI can say what is wrong before sending anything.
pub fn check_field_value(schema: &FieldSchema, v: &Value) -> Result<(), String> {
    let in_options = |v: &Value| {
        schema
            .select_options
            .as_ref()
            .is_none_or(|opts| opts.contains(v))
    };
    let num_bounds = |x: f64| -> Result<(), String> {
        if let Some(min) = schema.min_value.as_ref().and_then(Value::as_f64)
            && x < min
        {
            return Err(format!("must be at least {min}"));
        }
        if let Some(max) = schema.max_value.as_ref().and_then(Value::as_f64)
            && x > max
        {
            return Err(format!("must be at most {max}"));
        }
        Ok(())
    };
    match schema.kind {
        FieldType::Text | FieldType::Textarea => {
            let s = v.as_str().ok_or("must be a string")?;
            let len = s.chars().count() as u64;
            if let Some(min) = schema.min_length
                && len < min
            {
                return Err(format!("must be at least {min} characters long"));
            }
            if let Some(max) = schema.max_length
                && len > max
            {
                return Err(format!("must be at most {max} characters long"));
            }
            Ok(())
        }
        FieldType::Number => num_bounds(v.as_f64().ok_or("must be a number")?),
        FieldType::Date => {
            let s = v.as_str().ok_or("must be an ISO 8601 date string")?;
            let ok = Timestamp::parse(s).is_some()
                || chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok();
            if ok {
                Ok(())
            } else {
                Err(format!("{s:?} is not an ISO 8601 date"))
            }
        }
        FieldType::Boolean => v
            .as_bool()
            .map(|_| ())
            .ok_or_else(|| "must be a boolean".to_owned()),
        FieldType::SingleSelect => {
            if in_options(v) {
                Ok(())
            } else {
                Err(format!("{v} is not one of the field's selectOptions"))
            }
        }
        FieldType::MultiSelect => {
            let items = v.as_array().ok_or("must be an array")?;
            match items.iter().find(|i| !in_options(i)) {
                Some(bad) => Err(format!("{bad} is not one of the field's selectOptions")),
                None => Ok(()),
            }
        }
    }
}

/// Why custom coordinates are not valid.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoordinatesError {
    #[error(
        "coordinates must be x,y,width,height with whole numbers and a non-zero size, e.g. 10,10,100,100"
    )]
    Format,
    #[error("The area {area} lies outside the image ({width}x{height})")]
    Outside {
        area: String,
        width: u32,
        height: u32,
    },
}

/// Parses `x,y,width,height` and checks the area lies inside a `width`×`height` image
/// (an unknown or 0 dimension: not checked). Returns the normalised form.
pub fn parse_coordinates(
    text: &str,
    width: Option<u32>,
    height: Option<u32>,
) -> Result<String, CoordinatesError> {
    let parts: Vec<&str> = text.split(',').map(str::trim).collect();
    if parts.len() != 4 {
        return Err(CoordinatesError::Format);
    }
    let mut numbers = [0u64; 4];
    for (slot, p) in numbers.iter_mut().zip(&parts) {
        *slot = p.parse::<u64>().map_err(|_| CoordinatesError::Format)?;
    }
    let [x, y, w, h] = numbers;
    if w == 0 || h == 0 {
        return Err(CoordinatesError::Format);
    }
    let (width, height) = (width.unwrap_or(0), height.unwrap_or(0));
    if width > 0
        && height > 0
        && (x.saturating_add(w) > u64::from(width) || y.saturating_add(h) > u64::from(height))
    {
        return Err(CoordinatesError::Outside {
            area: format!("{x},{y},{w},{h}"),
            width,
            height,
        });
    }
    Ok(format!("{x},{y},{w},{h}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `null` in any field iktag only shows is read as unknown, in a file or in a listing
    /// (one such field used to fail every file of the page).
    #[test]
    fn null_in_a_shown_field_is_unknown_not_an_error() {
        let base = serde_json::json!({"fileId": "f1", "type": "file", "name": "a.jpg",
            "filePath": "/a.jpg", "createdAt": "2020-01-01T00:00:00.000Z",
            "updatedAt": "2020-01-01T00:00:00.000Z"});
        let fields = [
            "width",
            "height",
            "size",
            "url",
            "thumbnail",
            "mime",
            "hasAlpha",
            "isPrivateFile",
            "isPublished",
            "versionInfo",
            "fileType",
        ];
        for field in fields {
            let mut v = base.clone();
            v[field] = Value::Null;
            let f: FileDetails = serde_json::from_value(v.clone())
                .unwrap_or_else(|e| panic!("{field}: null refused: {e}"));
            assert_eq!(f.url, "", "{field}");
            assert!(
                f.is_published,
                "{field}: unknown is published, as when left out"
            );
            assert_eq!(f.file_type, "image", "{field}");
            let page: Vec<Asset> = serde_json::from_value(Value::Array(vec![v])).unwrap();
            assert!(
                matches!(&page[0], Asset::File(f) if f.file_id == "f1"),
                "{field}"
            );
        }
    }

    /// Dimensions, size, mime and the two flags: `null` and a missing field are both unknown
    /// (`None`, shown `—`), a real value is `Some`, and `None` goes back out as `null`.
    #[test]
    fn unknown_shown_fields_decode_to_none_and_real_values_to_some() {
        let base = serde_json::json!({"fileId": "f1", "type": "file", "name": "a.jpg",
            "filePath": "/a.jpg", "createdAt": "2020-01-01T00:00:00.000Z",
            "updatedAt": "2020-01-01T00:00:00.000Z"});
        let missing: FileDetails = serde_json::from_value(base.clone()).unwrap();
        let mut nulls = base.clone();
        let mut real = base;
        for (field, value) in [
            ("width", serde_json::json!(1200)),
            ("height", serde_json::json!(800)),
            ("size", serde_json::json!(0)),
            ("mime", serde_json::json!("image/jpeg")),
            ("hasAlpha", serde_json::json!(false)),
            ("isPrivateFile", serde_json::json!(false)),
        ] {
            nulls[field] = Value::Null;
            real[field] = value;
        }
        let nulls: FileDetails = serde_json::from_value(nulls).unwrap();
        let real: FileDetails = serde_json::from_value(real).unwrap();
        for (how, f) in [("missing", &missing), ("null", &nulls)] {
            assert_eq!((f.width, f.height, f.size), (None, None, None), "{how}");
            assert_eq!(f.mime, None, "{how}");
            assert_eq!((f.has_alpha, f.is_private_file), (None, None), "{how}");
            let v = serde_json::to_value(f).unwrap();
            for field in [
                "width",
                "height",
                "size",
                "mime",
                "hasAlpha",
                "isPrivateFile",
            ] {
                assert_eq!(v[field], Value::Null, "{how}: {field} goes out as null");
                assert!(v.as_object().unwrap().contains_key(field), "{how}: {field}");
            }
        }
        // Zero and false are real values, not unknown.
        assert_eq!(
            (real.width, real.height, real.size),
            (Some(1200), Some(800), Some(0))
        );
        assert_eq!(real.mime.as_deref(), Some("image/jpeg"));
        assert_eq!(
            (real.has_alpha, real.is_private_file),
            (Some(false), Some(false))
        );
        let v = serde_json::to_value(&real).unwrap();
        assert_eq!(
            (&v["width"], &v["size"]),
            (&serde_json::json!(1200), &serde_json::json!(0))
        );
        assert_eq!(v["hasAlpha"], serde_json::json!(false));
    }

    #[test]
    fn timestamps_have_millis_and_z() {
        let t = Timestamp::parse("2019-08-24T06:14:41.313Z").unwrap();
        assert_eq!(t.to_string(), "2019-08-24T06:14:41.313Z");
        let t = Timestamp::parse("2020-01-01T00:00:00Z").unwrap();
        assert_eq!(t.to_string(), "2020-01-01T00:00:00.000Z");
    }

    #[test]
    fn empty_tags_serialise_as_null_and_round_trip() {
        let json = r#"{"fileId":"598821f949c0a938d57563bd","type":"file","name":"a.jpg",
            "filePath":"/a.jpg","tags":null,"AITags":null,"createdAt":"2020-01-01T00:00:00.000Z",
            "updatedAt":"2020-01-01T00:00:00.000Z"}"#;
        let f: FileDetails = serde_json::from_str(json).unwrap();
        assert!(f.tags.is_empty());
        let v = serde_json::to_value(&f).unwrap();
        assert_eq!(v["tags"], Value::Null);
        assert_eq!(v["AITags"], Value::Null);
        assert_eq!(v["customCoordinates"], Value::Null);
        assert_eq!(v["customMetadata"], serde_json::json!({}));
        assert_eq!(v["createdAt"], "2020-01-01T00:00:00.000Z");
        assert_eq!(f.folder(), "/");
    }
}
