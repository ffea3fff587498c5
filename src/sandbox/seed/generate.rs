//! The synthetic demo library: N realistic files from a seed, deterministically.
//!
//! Every random choice is drawn from one `fastrand::Rng` in a fixed order (see
//! [`super::draw`]), so the same `(n, seed)` gives the same library byte for byte.
//! A [`Plan`] walks that sequence once, cheaply, noting where each file's draws start;
//! the files themselves are then built on all cores, in generation order
//! ([`generate`]) or in the store's `(createdAt, fileId)` order ([`Plan::sorted`]).

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use serde_json::{Value, json};

use super::draw::{Draw, folder_path};
use super::{Library, folders_from_spans, id_hashes, object_id, schema};
use crate::model::{CustomMetadataField, FieldType, FileDetails, FolderDetails, Timestamp};

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

/// N realistic files, deterministically: the same (n, seed) gives the same library.
/// The files come in generation order; [`Plan::sorted`] gives the store's order.
pub fn generate(n: usize, seed: u64) -> Library {
    Plan::new(n, seed).library()
}

/// How many files a worker builds at a time (also what [`Plan::build`] hands out).
pub const CHUNK: usize = 2048;

/// The first pass of the generator: where each file's random draws start, the key it
/// sorts by, and the folders (known before a single file is built).
pub struct Plan {
    seed: u64,
    files: Vec<Planned>,
    folders: Vec<FolderDetails>,
}

/// One file to build.
#[derive(Clone, Copy)]
struct Planned {
    created: i64,
    /// `fileId` as numbers: its 24 hex digits sort like these.
    id: (u64, u32),
    index: usize,
    /// The RNG state its draws start from.
    state: u64,
}

impl Plan {
    /// Walks the draws of `n` files from `seed` (sequential, but no allocation per file).
    pub fn new(n: usize, seed: u64) -> Plan {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut files = Vec::with_capacity(n);
        let mut spans: HashMap<_, (i64, i64)> = HashMap::new();
        for index in 0..n {
            let state = rng.get_seed();
            let draw = Draw::new(&mut rng);
            let span = spans
                .entry(draw.folder_key())
                .or_insert((draw.created, draw.created));
            span.0 = span.0.min(draw.created);
            span.1 = span.1.max(draw.created);
            files.push(Planned {
                created: draw.created,
                id: id_hashes(format_args!("gen:{seed}:{index}")),
                index,
                state,
            });
        }
        // Each folder's earliest and latest file are enough to give its span.
        let ends: Vec<(String, Timestamp)> = spans
            .into_iter()
            .flat_map(|(k, (first, last))| {
                let path = folder_path(k);
                [
                    (path.clone(), Timestamp::from_millis(first)),
                    (path, Timestamp::from_millis(last)),
                ]
            })
            .collect();
        let folders = folders_from_spans(ends.iter().map(|(p, t)| (p.as_str(), *t)));
        Plan {
            seed,
            files,
            folders,
        }
    }

    /// The plan in the store's order: ascending `(createdAt, fileId)`, ties in
    /// generation order (as a stable sort of [`generate`]'s files would give).
    #[must_use]
    pub fn sorted(mut self) -> Plan {
        self.files
            .sort_unstable_by_key(|p| (p.created, p.id, p.index));
        self
    }

    /// How many files the plan builds.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The folders of the planned files.
    pub fn folders(&self) -> &[FolderDetails] {
        &self.folders
    }

    /// The whole library, built on all cores, its files in plan order.
    pub fn library(self) -> Library {
        let mut files = Vec::with_capacity(self.files.len());
        self.build(|chunk| {
            files.extend(chunk);
            true
        });
        Library {
            files,
            folders: self.folders,
            fields: generated_fields(),
        }
    }

    /// Builds the files on all cores and hands them to `emit` in plan order, at most
    /// [`CHUNK`] at a time. `emit` returns `false` to stop early.
    pub fn build(&self, mut emit: impl FnMut(Vec<FileDetails>) -> bool) {
        let chunks: Vec<&[Planned]> = self.files.chunks(CHUNK).collect();
        let workers = std::thread::available_parallelism()
            .map_or(1, std::num::NonZero::get)
            .clamp(1, 8)
            .min(chunks.len());
        if workers <= 1 {
            for chunk in chunks {
                if !emit(self.build_chunk(chunk)) {
                    return;
                }
            }
            return;
        }
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        std::thread::scope(|s| {
            let (tx, rx) = std::sync::mpsc::channel();
            for _ in 0..workers {
                let tx = tx.clone();
                let (chunks, next, stop) = (&chunks, &next, &stop);
                s.spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(chunk) = chunks.get(k) else { break };
                        if tx.send((k, self.build_chunk(chunk))).is_err() {
                            break;
                        }
                    }
                });
            }
            drop(tx);
            // Chunks finish out of order; hand them on in order.
            let mut done = BTreeMap::new();
            let mut want = 0;
            for (k, files) in rx {
                done.insert(k, files);
                while let Some(files) = done.remove(&want) {
                    want += 1;
                    if !emit(files) {
                        stop.store(true, Ordering::Relaxed);
                        return;
                    }
                }
            }
        });
    }

    fn build_chunk(&self, chunk: &[Planned]) -> Vec<FileDetails> {
        let mut scratch = String::new();
        chunk
            .iter()
            .map(|p| {
                let mut rng = fastrand::Rng::with_seed(p.state);
                Draw::new(&mut rng).build(p.index, self.seed, &mut scratch)
            })
            .collect()
    }
}
