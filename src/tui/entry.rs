//! What the TUI keeps per file: the listing's `FileDetails` minus what the UI never shows
//! (URLs, version info, embedded metadata…). Custom metadata and description are kept as
//! compact JSON and parsed only for the file being shown or edited. With 100 000 files this
//! is the difference between a few hundred megabytes and well under a hundred.

use serde_json::{Map, Value};

use crate::jobs::Known;
use crate::model::{FileDetails, Timestamp};

/// A file's tags in one allocation: NUL-separated (a tag that itself contains NUL, which no
/// sane library has but a hostile one might, makes the file fall back to a plain list).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Tags {
    #[default]
    None,
    Packed(Box<str>),
    List(Vec<String>),
}

pub enum TagsIter<'a> {
    None,
    Packed(std::str::Split<'a, char>),
    List(std::slice::Iter<'a, String>),
}

impl<'a> Iterator for TagsIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            TagsIter::None => None,
            TagsIter::Packed(it) => it.next(),
            TagsIter::List(it) => it.next().map(String::as_str),
        }
    }
}

impl<'a> IntoIterator for &'a Tags {
    type Item = &'a str;
    type IntoIter = TagsIter<'a>;

    fn into_iter(self) -> TagsIter<'a> {
        self.iter()
    }
}

impl Tags {
    pub fn new(tags: &[String]) -> Tags {
        if tags.is_empty() {
            Tags::None
        } else if tags.iter().any(|t| t.contains('\0')) {
            Tags::List(tags.to_vec())
        } else {
            Tags::Packed(tags.join("\0").into())
        }
    }

    pub fn iter(&self) -> TagsIter<'_> {
        match self {
            Tags::None => TagsIter::None,
            Tags::Packed(s) => TagsIter::Packed(s.split('\0')),
            Tags::List(v) => TagsIter::List(v.iter()),
        }
    }

    pub fn len(&self) -> usize {
        match self {
            Tags::None => 0,
            Tags::Packed(s) => s.bytes().filter(|&b| b == 0).count() + 1,
            Tags::List(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        matches!(self, Tags::None)
    }

    /// All tags as one NUL-separated text, when packed.
    pub fn packed(&self) -> Option<&str> {
        match self {
            Tags::Packed(s) => Some(s),
            _ => None,
        }
    }

    pub fn contains(&self, tag: &str) -> bool {
        self.iter().any(|t| t == tag)
    }

    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_owned).collect()
    }

    /// The tags as a person reads them: `a, b`.
    pub fn joined(&self) -> String {
        self.iter().collect::<Vec<_>>().join(", ")
    }
}

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
    pub file_path: Box<str>,
    /// The name when it is not the last segment of the path (it almost always is).
    other_name: Option<Box<str>>,
    pub tags: Tags,
    pub ai_tags: Vec<AiMark>,
    /// `None`: unknown (`null` or left out by the server), shown `—`.
    pub size: Option<u64>,
    pub width: Option<u32>,
    pub height: Option<u32>,
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
        // Fresh, exact-size copies: the parsed originals sit among the page's parsing garbage,
        // and keeping them would pin that memory (fragmentation) for the life of the list.
        let tags = Tags::new(&f.tags);
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
                name: a.name.as_str().to_owned(),
                confidence: a.confidence,
            })
            .collect();
        let other_name = (f.file_path.rsplit('/').next() != Some(f.name.as_str()))
            .then(|| f.name.as_str().into());
        Entry {
            file_id: f.file_id.as_str().to_owned(),
            other_name,
            file_path: f.file_path.as_str().into(),
            tags,
            ai_tags,
            size: f.size,
            width: f.width,
            height: f.height,
            created_at: f.created_at,
            updated_at: f.updated_at,
            custom_coordinates: f.custom_coordinates.as_deref().map(Box::from),
            details: (!details.is_empty()).then(|| Value::Object(details).to_string().into()),
        }
    }
}

impl Entry {
    /// The name, when it is not simply the path's last segment.
    pub fn own_name(&self) -> Option<&str> {
        self.other_name.as_deref()
    }

    pub fn name(&self) -> &str {
        match &self.other_name {
            Some(n) => n,
            None => self.file_path.rsplit('/').next().unwrap_or_default(),
        }
    }

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
    fn tag_list(&self) -> Vec<&str> {
        self.tags.iter().collect()
    }

    fn path(&self) -> &str {
        &self.file_path
    }

    fn fields(&self) -> crate::jobs::Fields {
        crate::jobs::Fields {
            description: self.description(),
            coordinates: self.custom_coordinates.as_deref().map(str::to_owned),
            metadata: self.custom_metadata(),
        }
    }

    fn ai_list(&self) -> Vec<(&str, f64)> {
        self.ai_tags
            .iter()
            .map(|a| (a.name.as_str(), a.confidence))
            .collect()
    }
}

/// File id → position in the file list, without a second copy of every id: keyed by a hash
/// of the id and checked against the entry (ids whose hash collides go to a small spill map).
#[derive(Debug, Clone, Default)]
pub struct Index {
    by_hash: std::collections::HashMap<u64, u32, KeyIsHash>,
    spill: std::collections::HashMap<String, u32>,
}

/// The keys of `by_hash` are already hashes: use them as they are (hashing them a second
/// time with `SipHash` showed in profiles of a 100 000-file job reporting back).
type KeyIsHash = std::hash::BuildHasherDefault<PassThrough>;

#[derive(Default)]
struct PassThrough(u64);

impl std::hash::Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used; fold anything else in rather than lose it.
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl Index {
    pub fn get(&self, id: &str, files: &[Entry]) -> Option<usize> {
        if let Some(&i) = self.by_hash.get(&id_hash(id))
            && files.get(i as usize).is_some_and(|f| f.file_id == id)
        {
            return Some(i as usize);
        }
        self.spill.get(id).map(|&i| i as usize)
    }

    /// Records that `id` is at `at`; `files` holds the entries already indexed.
    pub fn insert(&mut self, id: &str, at: usize, files: &[Entry]) {
        let at = u32::try_from(at).unwrap_or(u32::MAX);
        match self.by_hash.entry(id_hash(id)) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(at);
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                if files.get(*o.get() as usize).is_none_or(|f| f.file_id == id) {
                    o.insert(at);
                } else {
                    self.spill.insert(id.to_owned(), at);
                }
            }
        }
    }

    pub fn rebuild(files: &[Entry]) -> Index {
        let mut index = Index::default();
        for (i, f) in files.iter().enumerate() {
            index.insert(&f.file_id, i, files);
        }
        index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_pack_into_one_allocation_and_survive_hostile_text() {
        let t = Tags::new(&["a".into(), "Summer Sale".into(), String::new()]);
        assert!(matches!(t, Tags::Packed(_)));
        assert_eq!(t.to_vec(), ["a", "Summer Sale", ""]);
        assert_eq!(t.len(), 3);
        assert!(t.contains("Summer Sale") && !t.contains("Summer"));
        assert_eq!(Tags::new(&[]).len(), 0);
        assert!(Tags::new(&[]).iter().next().is_none());
        let evil = Tags::new(&["x\0y".into(), "z".into()]);
        assert!(matches!(evil, Tags::List(_)));
        assert_eq!(
            evil.to_vec(),
            ["x\0y", "z"],
            "a NUL inside a tag is kept, not split"
        );
    }

    #[test]
    fn index_finds_ids_and_survives_rebuilds() {
        let files: Vec<Entry> = (0..500)
            .map(|i| {
                let f: FileDetails = serde_json::from_value(serde_json::json!({
                    "fileId": format!("{i:024x}"), "name": format!("f{i}.jpg"),
                    "filePath": format!("/x/f{i}.jpg"),
                    "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"
                }))
                .unwrap();
                Entry::from(f)
            })
            .collect();
        let index = Index::rebuild(&files);
        for (i, f) in files.iter().enumerate() {
            assert_eq!(index.get(&f.file_id, &files), Some(i));
            assert_eq!(f.name(), format!("f{i}.jpg"));
        }
        assert_eq!(index.get("nope", &files), None);
    }
}
