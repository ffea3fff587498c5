//! `PATCH /v1/files/{id}/details` bodies: validated as a whole, then applied to a copy.

use serde_json::{Map, Value, json};

use super::{dedup, string_array, tag_values};
use crate::model::FileDetails;
use crate::sandbox::error::SandboxError;
use crate::sandbox::extensions;
use crate::sandbox::store::Store;

/// Applies a PATCH body to a copy of the file. Returns the `extensionStatus` if the
/// request had extensions. Validates everything before changing anything.
pub(super) fn apply_update(
    file: &mut FileDetails,
    body: &Map<String, Value>,
    store: &Store,
    defer: &mut dyn FnMut() -> bool,
) -> Result<Option<extensions::Ran>, SandboxError> {
    if let Some(publish) = body.get("publish") {
        file.is_published = parse_publish(body, publish)?;
        return Ok(None);
    }
    let update = Update::parse(body, file, store)?;
    Ok(update.apply(file, defer))
}

/// `publish` must come alone; returns the wanted `isPublished`.
fn parse_publish(body: &Map<String, Value>, publish: &Value) -> Result<bool, SandboxError> {
    if body.keys().any(|k| k != "publish") {
        return Err(SandboxError::bad_request(
            "Your request contains publish together with other parameters. Change the publication status in a request of its own.",
        ));
    }
    let is_published = publish
        .get("isPublished")
        .and_then(Value::as_bool)
        .ok_or_else(|| {
            SandboxError::bad_request(
                "Your request contains invalid value for publish parameter. publish.isPublished is required and should be a boolean.",
            )
        })?;
    if let Some(v) = publish.get("includeFileVersions")
        && !v.is_boolean()
    {
        return Err(SandboxError::bad_request(
            "Your request contains invalid value for publish parameter. publish.includeFileVersions should be a boolean.",
        ));
    }
    Ok(is_published)
}

/// A validated PATCH body without `publish`. `None` leaves a property as it is.
struct Update {
    tags: Option<Vec<String>>,
    coords: Option<Nullable<String>>,
    /// Values to merge; a null value removes the key.
    metadata: Option<Map<String, Value>>,
    remove_ai: Option<RemoveAi>,
    description: Option<Nullable<String>>,
    exts: Vec<extensions::Extension>,
}

/// A new value for a property that a JSON `null` unsets.
enum Nullable<T> {
    Null,
    Set(T),
}

impl<T> Nullable<T> {
    fn into_option(self) -> Option<T> {
        match self {
            Nullable::Null => None,
            Nullable::Set(v) => Some(v),
        }
    }
}

/// `removeAITags`: `"all"` or the names to remove.
enum RemoveAi {
    All,
    Named(Vec<String>),
}

impl Update {
    /// Validates every field of the body (customCoordinates against the file's size,
    /// customMetadata against the store's fields).
    fn parse(
        body: &Map<String, Value>,
        file: &FileDetails,
        store: &Store,
    ) -> Result<Self, SandboxError> {
        let tags = match body.get("tags") {
            None => None,
            Some(Value::Null) => Some(Vec::new()),
            Some(v) => Some(tag_values(v, "tags")?),
        };
        let coords = match body.get("customCoordinates") {
            None => None,
            Some(Value::Null) => Some(Nullable::Null),
            Some(Value::String(s)) => Some(Nullable::Set(parse_coordinates(s, file)?)),
            Some(_) => return Err(bad_coordinates()),
        };
        let metadata = match body.get("customMetadata") {
            None | Some(Value::Null) => None,
            Some(Value::Object(m)) => Some(validate_metadata(m, store)?),
            Some(_) => {
                return Err(SandboxError::bad_request(
                    "Your request contains invalid value for customMetadata parameter. It should be an object.",
                ));
            }
        };
        let remove_ai = match body.get("removeAITags") {
            None => None,
            Some(Value::String(s)) if s == "all" => Some(RemoveAi::All),
            Some(v @ Value::Array(_)) => {
                Some(RemoveAi::Named(string_array(v).ok_or_else(bad_remove_ai)?))
            }
            Some(_) => return Err(bad_remove_ai()),
        };
        let description = match body.get("description") {
            None => None,
            Some(Value::Null) => Some(Nullable::Null),
            Some(Value::String(s)) => Some(Nullable::Set(s.clone())),
            Some(_) => {
                return Err(SandboxError::bad_request(
                    "Your request contains invalid value for description parameter. It should be a string.",
                ));
            }
        };
        if let Some(w) = body.get("webhookUrl") {
            let ok = w
                .as_str()
                .is_some_and(|s| s.starts_with("http://") || s.starts_with("https://"));
            if !ok {
                return Err(SandboxError::bad_request(
                    "Your request contains invalid value for webhookUrl parameter. It should be an http(s) URL.",
                ));
            }
        }
        let exts = match body.get("extensions") {
            None | Some(Value::Null) => Vec::new(),
            Some(v) => extensions::parse(v)?,
        };
        Ok(Update {
            tags,
            coords,
            metadata,
            remove_ai,
            description,
            exts,
        })
    }

    /// Applies the update in the documented order: removeAITags before extensions.
    fn apply(
        self,
        file: &mut FileDetails,
        defer: &mut dyn FnMut() -> bool,
    ) -> Option<extensions::Ran> {
        if let Some(tags) = self.tags {
            file.tags = dedup(tags);
        }
        if let Some(c) = self.coords {
            file.custom_coordinates = c.into_option();
        }
        if let Some(m) = self.metadata {
            for (k, v) in m {
                if v.is_null() {
                    file.custom_metadata.remove(&k);
                } else {
                    file.custom_metadata.insert(k, v);
                }
            }
        }
        match self.remove_ai {
            None => {}
            Some(RemoveAi::All) => file.ai_tags.clear(),
            Some(RemoveAi::Named(names)) => file.ai_tags.retain(|t| !names.contains(&t.name)),
        }
        if let Some(d) = self.description {
            file.description = d.into_option();
        }
        if self.exts.is_empty() {
            None
        } else {
            Some(extensions::run(file, &self.exts, defer))
        }
    }
}

fn bad_remove_ai() -> SandboxError {
    SandboxError::bad_request(
        "Your request contains invalid value for removeAITags parameter. Send an array of strings or the string \"all\".",
    )
}

fn bad_coordinates() -> SandboxError {
    SandboxError::bad_request(
        "Your request contains invalid value for customCoordinates parameter. It should be in the format x,y,width,height, e.g. 10,10,100,100.",
    )
}

fn parse_coordinates(s: &str, file: &FileDetails) -> Result<String, SandboxError> {
    crate::model::parse_coordinates(s, file.width, file.height).map_err(|e| match e {
        crate::model::CoordinatesError::Format => bad_coordinates(),
        outside @ crate::model::CoordinatesError::Outside { .. } => {
            SandboxError::bad_request(format!(
                "Your request contains invalid value for customCoordinates parameter. {outside}."
            ))
        }
    })
}

/// Validates customMetadata values against the fields in use. Returns the values to
/// merge. A deleted field takes no values; `null` still removes one a file kept.
fn validate_metadata(
    m: &Map<String, Value>,
    store: &Store,
) -> Result<Map<String, Value>, SandboxError> {
    let mut errors = Map::new();
    for (k, v) in m {
        let Some(field) = store.fields().iter().find(|f| &f.name == k) else {
            if store.deleted_fields().iter().any(|f| &f.name == k) {
                if !v.is_null() {
                    errors.insert(
                        k.clone(),
                        json!(format!("The custom metadata field {k:?} has been deleted.")),
                    );
                }
                continue;
            }
            errors.insert(
                k.clone(),
                json!(format!("No custom metadata field named {k:?} exists. Create it with POST /v1/customMetadataFields first.")),
            );
            continue;
        };
        if v.is_null() {
            continue;
        }
        if let Err(msg) = crate::model::check_field_value(&field.schema, v) {
            errors.insert(k.clone(), json!(msg));
        }
    }
    if errors.is_empty() {
        Ok(m.clone())
    } else {
        Err(SandboxError::bad_request("Invalid custom metadata.")
            .with_errors(Value::Object(errors)))
    }
}
