//! What the TUI keeps per file: the listing's `FileDetails` minus what the UI never shows
//! (URLs, version info, embedded metadata…). Custom metadata and description are kept as
//! compact JSON and parsed only for the file being shown or edited. With 100 000 files this
//! is the difference between a few hundred megabytes and well under a hundred.

use serde_json::{Map, Value};

use crate::jobs::Known;
use crate::model::{FileDetails, Timestamp};

/// Where an AI tag came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AiSource {
    Google,
    Aws,
    Other,
}

impl AiSource {
    pub fn label(self) -> &'static str {
        match self {
            AiSource::Google => "google",
            AiSource::Aws => "aws",
            AiSource::Other => "other",
        }
    }
}

/// An AI tag as the TUI keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct AiMark {
    pub name: String,
    pub confidence: f64,
    pub source: AiSource,
}

/// One file in the TUI.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub file_id: String,
    pub name: String,
    pub file_path: String,
    pub tags: Vec<String>,
    pub ai_tags: Vec<AiMark>,
    pub size: u64,
    pub width: u32,
    pub height: u32,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub custom_coordinates: Option<Box<str>>,
    /// `{"customMetadata": …, "description": …}` when either is set.
    details: Option<Box<str>>,
}

impl From<FileDetails> for Entry {
    fn from(f: FileDetails) -> Self {
        let mut details = Map::new();
        if !f.custom_metadata.is_empty() {
            details.insert("customMetadata".into(), Value::Object(f.custom_metadata));
        }
        if let Some(d) = f.description {
            details.insert("description".into(), Value::String(d));
        }
        let mut tags = f.tags;
        tags.shrink_to_fit();
        let ai_tags = f
            .ai_tags
            .into_iter()
            .map(|a| AiMark {
                source: if a.source.starts_with("google") {
                    AiSource::Google
                } else if a.source.starts_with("aws") {
                    AiSource::Aws
                } else {
                    AiSource::Other
                },
                name: a.name,
                confidence: a.confidence,
            })
            .collect();
        Entry {
            file_id: f.file_id,
            name: f.name,
            file_path: f.file_path,
            tags,
            ai_tags,
            size: f.size,
            width: f.width,
            height: f.height,
            created_at: f.created_at,
            updated_at: f.updated_at,
            custom_coordinates: f.custom_coordinates.map(String::into_boxed_str),
            details: (!details.is_empty()).then(|| Value::Object(details).to_string().into()),
        }
    }
}

impl Entry {
    /// The folder this file lives in, with a trailing slash.
    pub fn folder(&self) -> &str {
        match self.file_path.rfind('/') {
            Some(i) => &self.file_path[..=i],
            None => "/",
        }
    }

    fn detail(&self, key: &str) -> Option<Value> {
        let text = self.details.as_deref()?;
        let mut v: Map<String, Value> = serde_json::from_str(text).ok()?;
        v.remove(key)
    }

    /// The file's custom metadata (parsed on demand).
    pub fn custom_metadata(&self) -> Map<String, Value> {
        match self.detail("customMetadata") {
            Some(Value::Object(m)) => m,
            _ => Map::new(),
        }
    }

    pub fn description(&self) -> Option<String> {
        match self.detail("description") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        }
    }
}

impl Known for Entry {
    fn tag_list(&self) -> &[String] {
        &self.tags
    }

    fn ai_list(&self) -> Vec<(&str, f64)> {
        self.ai_tags
            .iter()
            .map(|a| (a.name.as_str(), a.confidence))
            .collect()
    }
}
