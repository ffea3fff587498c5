//! Simulated PATCH extensions: deterministic auto-tagging and auto-description.
//!
//! The real API calls Google Vision / AWS Rekognition. The sandbox derives labels from the
//! file's name, folder and format, with confidences from a hash of (file, source, label),
//! so the same request always yields the same AI tags and `maxTags` / `minConfidence`
//! behave as documented.

use serde_json::{Map, Value};

use super::error::SandboxError;
use crate::model::{AiTag, FileDetails};

#[derive(Debug, Clone, PartialEq)]
pub enum Extension {
    AutoTag {
        source: &'static str,
        max_tags: usize,
        min_confidence: f64,
    },
    AutoDescription,
    /// Accepted but not simulated (remove-bg, ai-tasks, saved-extension): reported `failed`.
    Unsimulated(String),
}

/// Parses the `extensions` array of a PATCH body.
pub fn parse(v: &Value) -> Result<Vec<Extension>, SandboxError> {
    let items = v.as_array().ok_or_else(|| {
        SandboxError::bad_request(
            "Your request contains invalid value for extensions parameter. It should be an array.",
        )
    })?;
    items.iter().map(parse_one).collect()
}

fn parse_one(v: &Value) -> Result<Extension, SandboxError> {
    let name = v.get("name").and_then(Value::as_str).ok_or_else(|| {
        SandboxError::bad_request("Your request contains invalid value for extensions parameter. Every extension needs a name.")
    })?;
    match name {
        "google-auto-tagging" | "aws-auto-tagging" => {
            let source = if name == "google-auto-tagging" {
                "google-auto-tagging"
            } else {
                "aws-auto-tagging"
            };
            let max_tags = v
                .get("maxTags")
                .and_then(Value::as_u64)
                .filter(|n| *n <= 30)
                .and_then(|n| usize::try_from(n).ok());
            let min_conf = v
                .get("minConfidence")
                .and_then(Value::as_f64)
                .filter(|n| (0.0..=100.0).contains(n));
            match (max_tags, min_conf) {
                (Some(m), Some(c)) => Ok(Extension::AutoTag {
                    source,
                    max_tags: m,
                    min_confidence: c,
                }),
                _ => Err(SandboxError::bad_request(format!(
                    "Your request contains invalid value for extensions parameter. {name} needs maxTags (0-30) and minConfidence (0-100)."
                ))),
            }
        }
        "ai-auto-description" => Ok(Extension::AutoDescription),
        "remove-bg" | "ai-tasks" | "saved-extension" => Ok(Extension::Unsimulated(name.to_owned())),
        other => Err(SandboxError::bad_request(format!(
            "Your request contains invalid value for extensions parameter. Unknown extension name {other:?}."
        ))),
    }
}

/// An `extensionStatus` object and the extensions left `pending`.
pub type Ran = (Map<String, Value>, Vec<Extension>);

/// Runs the extensions on the file; returns the `extensionStatus` object and the
/// auto-tagging extensions that `defer` chose to answer `pending` (not applied yet: the
/// caller runs them later, as `ImageKit` does when a result goes to the webhook).
pub fn run(file: &mut FileDetails, exts: &[Extension], defer: &mut dyn FnMut() -> bool) -> Ran {
    let mut status = Map::new();
    let mut deferred = Vec::new();
    for ext in exts {
        match ext {
            Extension::AutoTag {
                source,
                max_tags,
                min_confidence,
            } => {
                let ok = file.file_type == "image";
                if ok && defer() {
                    status.insert((*source).to_owned(), Value::String("pending".into()));
                    deferred.push(ext.clone());
                    continue;
                }
                if ok {
                    for tag in labels(file, source, *max_tags, *min_confidence) {
                        match file
                            .ai_tags
                            .iter_mut()
                            .find(|t| t.name == tag.name && t.source == tag.source)
                        {
                            Some(existing) => *existing = tag,
                            None => file.ai_tags.push(tag),
                        }
                    }
                }
                status.insert((*source).to_owned(), result(ok));
            }
            Extension::AutoDescription => {
                let subject = words(&file.name).join(" ");
                file.description = Some(format!(
                    "{} {} of {}.",
                    if file.file_type == "image" {
                        "An image"
                    } else {
                        "A file"
                    },
                    format_word(&file.format()),
                    if subject.is_empty() {
                        "unknown content".to_owned()
                    } else {
                        subject
                    }
                ));
                status.insert("ai-auto-description".to_owned(), result(true));
            }
            Extension::Unsimulated(name) => {
                tracing::info!(extension = %name, "extension is not simulated by the sandbox; reporting failed");
                status.insert(name.clone(), result(false));
            }
        }
    }
    (status, deferred)
}

fn result(ok: bool) -> Value {
    Value::String(if ok { "success" } else { "failed" }.to_owned())
}

fn format_word(ext: &str) -> String {
    if ext.is_empty() {
        "file".to_owned()
    } else {
        format!("({ext})")
    }
}

const GENERIC: &[&str] = &[
    "Product",
    "Clothing",
    "Outerwear",
    "Sleeve",
    "Fashion",
    "Outdoor",
    "Person",
    "Sky",
    "Mountain",
    "Nature",
    "Textile",
    "Pattern",
    "Design",
    "Font",
    "Logo",
    "Rectangle",
    "Footwear",
    "Shoe",
    "Bag",
    "Smile",
    "Adventure",
    "Landscape",
    "Water",
    "Tree",
];

fn words(name: &str) -> Vec<String> {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    stem.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 && !w.chars().all(|c| c.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect()
}

fn capitalise(w: &str) -> String {
    let mut c = w.chars();
    match c.next() {
        Some(first) => first.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// FNV-1a, for stable pseudo-random confidences.
fn hash(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

fn labels(file: &FileDetails, source: &str, max: usize, min_confidence: f64) -> Vec<AiTag> {
    let mut names: Vec<String> = words(&file.name).iter().map(|w| capitalise(w)).collect();
    names.extend(
        file.folder()
            .split('/')
            .filter(|s| s.len() >= 3)
            .map(capitalise),
    );
    let h = hash(&[&file.file_id, source]);
    for i in 0..4u64 {
        // Any bits of the hash will do: on 32-bit targets the top ones are dropped.
        #[allow(clippy::cast_possible_truncation)]
        let idx = ((h >> (i * 8)) as usize) % GENERIC.len();
        names.extend(GENERIC.get(idx).map(|s| (*s).to_owned()));
    }
    let mut seen = std::collections::HashSet::new();
    let mut tags: Vec<AiTag> = names
        .into_iter()
        .filter(|n| seen.insert(n.to_lowercase()))
        .map(|name| {
            let h = hash(&[&file.file_id, source, &name]);
            let confidence = 50.0 + ((h % 5000) as f64) / 100.0;
            AiTag {
                name,
                confidence,
                source: source.to_owned(),
            }
        })
        .filter(|t| t.confidence >= min_confidence)
        .collect();
    tags.sort_by(|a, b| {
        b.confidence
            .total_cmp(&a.confidence)
            .then_with(|| a.name.cmp(&b.name))
    });
    tags.truncate(max);
    tags
}
