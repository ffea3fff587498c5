//! The bulk job engine, shared by the TUI and the CLI.
//!
//! A job is an operation plus target file ids. It is **planned** into units within the API's
//! limits (50 ids per tag call, 100 per delete, one file per PATCH), then **run** with bounded
//! concurrency through one [`Client`] (whose shared 429 window slows the whole job down).
//! Every file ends with exactly one [`Outcome`]; success is reported only for files the
//! server confirmed.

pub mod inverse;
pub mod journal;
pub mod library;
pub mod lifecycle;
pub mod policy;
mod preview;

pub use library::Library;
pub use policy::{Ask, AutoTagParams};
pub use preview::{detail_diff, preview};

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use tokio::sync::{Semaphore, mpsc};

use crate::api::{ApiError, BulkOutcome, Client, RemoveAiTags, UpdateRequest};
use crate::model::FileDetails;

/// Ids per bulk tag call.
pub const TAG_CHUNK: usize = 50;
/// Ids per bulk delete.
pub const DELETE_CHUNK: usize = 100;
/// Combined tag characters per call.
pub const MAX_TAG_CHARS: usize = 500;

/// What a job does to each file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "camelCase")]
pub enum Operation {
    AddTags {
        tags: Vec<String>,
    },
    RemoveTags {
        tags: Vec<String>,
    },
    /// Remove the named AI tags from every file.
    RemoveAiTags {
        names: Vec<String>,
    },
    /// Remove all AI tags of each file.
    RemoveAllAiTags,
    /// Remove each file's AI tags whose confidence is below this.
    RemoveAiTagsBelow {
        confidence: f64,
    },
    /// Replace each file's tags (previous lists are journaled for undo).
    ReplaceTags {
        tags: Vec<String>,
    },
    /// Put back each file's tags as recorded in `Plan::previous_tags` (undo of a replace).
    RestoreTags,
    /// A different PATCH /details body per file (an applied plan); `before` holds each
    /// file's previous values of the same fields, so undo is the same operation reversed.
    PatchEach {
        bodies: std::collections::BTreeMap<String, serde_json::Value>,
        before: std::collections::BTreeMap<String, serde_json::Value>,
    },
    /// Copy each file's AI tags with at least this confidence into its tags.
    PromoteAiTags {
        min: f64,
    },
    /// Rename or merge: add `into` and remove every tag of `from` on the files that have
    /// any of them (two bulk calls per 50 files; previous tags are journaled for undo).
    MergeTags {
        from: Vec<String>,
        into: String,
    },
    /// The same PATCH /details body for every file (coordinates, metadata, description,
    /// auto-tagging extensions); see `UpdateRequest::to_json`.
    UpdateDetails {
        body: serde_json::Value,
    },
    /// Run an auto-tagging extension on each file (`google` or `aws`); each file's
    /// `extensionStatus` decides its outcome (`pending` files get their AI tags later).
    AutoTag {
        source: String,
        max_tags: u32,
        min_confidence: u32,
    },
    Delete,
    /// An undo (see [`inverse`]): units with their own operation are bulk tag calls; units
    /// without one are per-file PATCH bodies from `bodies` (`before`: what undoing it puts
    /// back). `label` says what is undone.
    Undo {
        label: String,
        #[serde(default)]
        bodies: std::collections::BTreeMap<String, serde_json::Value>,
        #[serde(default)]
        before: std::collections::BTreeMap<String, serde_json::Value>,
    },
}

impl Operation {
    pub fn name(&self) -> &'static str {
        match self {
            Operation::AddTags { .. } => "add tags",
            Operation::RemoveTags { .. } => "remove tags",
            Operation::RemoveAiTags { .. } => "remove AI tags",
            Operation::RemoveAllAiTags => "remove all AI tags",
            Operation::RemoveAiTagsBelow { .. } => "remove low-confidence AI tags",
            Operation::ReplaceTags { .. } => "replace tags",
            Operation::RestoreTags => "restore previous tags",
            Operation::MergeTags { .. } => "merge tags",
            Operation::PromoteAiTags { .. } => "promote AI tags",
            Operation::PatchEach { .. } => "apply plan",
            Operation::UpdateDetails { .. } => "update details",
            Operation::AutoTag { .. } => "auto-tag",
            Operation::Delete => "delete",
            Operation::Undo { .. } => "undo",
        }
    }

    /// Can this operation be undone from the journal?
    pub fn reversible(&self) -> bool {
        matches!(
            self,
            Operation::AddTags { .. }
                | Operation::RemoveTags { .. }
                | Operation::ReplaceTags { .. }
                | Operation::MergeTags { .. }
                | Operation::PromoteAiTags { .. }
                | Operation::PatchEach { .. }
                | Operation::Undo { .. }
        )
    }

    fn tags(&self) -> Option<&[String]> {
        match self {
            Operation::AddTags { tags }
            | Operation::RemoveTags { tags }
            | Operation::ReplaceTags { tags } => Some(tags),
            Operation::RemoveAiTags { names } => Some(names),
            Operation::MergeTags { from, .. } => Some(from),
            _ => None,
        }
    }
}

/// The result for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    Succeeded,
    Failed {
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        error: String,
    },
    /// The file does not exist (404 `missingFileIds`).
    Missing {
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Skipped {
        reason: String,
    },
    /// The request was applied but an extension answered `pending`: its result (AI tags)
    /// arrives later (`ImageKit` sends it to the webhook; a re-read of the file shows it).
    Pending {
        extensions: Vec<String>,
        /// The file's `updatedAt` in the PATCH reply: a later one means the result arrived.
        #[serde(rename = "updatedAt")]
        updated_at: crate::model::Timestamp,
    },
    Cancelled,
    /// Undo left the file alone: it changed after the job (`changed` says how).
    Conflict {
        changed: String,
    },
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed { .. } => "failed",
            Outcome::Missing { .. } => "missing",
            Outcome::Skipped { .. } => "skipped",
            Outcome::Pending { .. } => "pending",
            Outcome::Cancelled => "cancelled",
            Outcome::Conflict { .. } => "conflict",
        }
    }
}

/// One file's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileOutcome {
    pub file_id: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Counts per outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub job: String,
    pub succeeded: usize,
    pub failed: usize,
    pub missing: usize,
    pub skipped: usize,
    #[serde(default)]
    pub pending: usize,
    pub cancelled: usize,
    #[serde(default)]
    pub conflict: usize,
}

impl Summary {
    pub fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::Succeeded => self.succeeded += 1,
            Outcome::Failed { .. } => self.failed += 1,
            Outcome::Missing { .. } => self.missing += 1,
            Outcome::Skipped { .. } => self.skipped += 1,
            Outcome::Pending { .. } => self.pending += 1,
            Outcome::Cancelled => self.cancelled += 1,
            Outcome::Conflict { .. } => self.conflict += 1,
        }
    }

    pub fn of(job: &str, outcomes: &[FileOutcome]) -> Summary {
        let mut s = Summary {
            job: job.to_owned(),
            ..Default::default()
        };
        outcomes.iter().for_each(|o| s.add(&o.outcome));
        s
    }

    pub fn total(&self) -> usize {
        self.succeeded
            + self.failed
            + self.missing
            + self.skipped
            + self.pending
            + self.cancelled
            + self.conflict
    }
}

/// A unit of work: one API call's worth of files.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unit {
    pub ids: Vec<String>,
    /// This unit's own operation (an undo mixes several); `None`: the plan's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<Operation>,
}

/// A planned job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub op: Operation,
    pub units: Vec<Unit>,
    /// Files left out at plan time, with the reason (e.g. nothing to change).
    pub skipped: Vec<(String, String)>,
    /// Previous tag lists, for undoing a replace.
    #[serde(default, skip_serializing_if = "HashMap::is_empty")]
    pub previous_tags: HashMap<String, Vec<String>>,
}

impl Plan {
    pub fn file_count(&self) -> usize {
        self.changing() + self.skipped.len()
    }

    /// Files that calls will be sent for (a file in two units of an undo counts once).
    pub fn changing(&self) -> usize {
        if self.units.iter().any(|u| u.op.is_some()) {
            let ids: std::collections::HashSet<&str> = self
                .units
                .iter()
                .flat_map(|u| u.ids.iter().map(String::as_str))
                .collect();
            return ids.len();
        }
        self.units.iter().map(|u| u.ids.len()).sum()
    }

    /// The operation a unit runs.
    pub fn op_of<'a>(&'a self, unit: &'a Unit) -> &'a Operation {
        unit.op.as_ref().unwrap_or(&self.op)
    }

    /// The same plan for only these files (resume, retry, undo without conflicts): units
    /// keep their operation, empty ones go, nothing is skipped.
    pub fn restrict(&self, keep: &std::collections::HashSet<&str>) -> Plan {
        let units: Vec<Unit> = self
            .units
            .iter()
            .filter_map(|u| {
                let ids: Vec<String> = u
                    .ids
                    .iter()
                    .filter(|id| keep.contains(id.as_str()))
                    .cloned()
                    .collect();
                (!ids.is_empty()).then(|| Unit {
                    ids,
                    op: u.op.clone(),
                })
            })
            .collect();
        let previous_tags = self
            .previous_tags
            .iter()
            .filter(|(id, _)| keep.contains(id.as_str()))
            .map(|(id, t)| (id.clone(), t.clone()))
            .collect();
        Plan {
            op: self.op.clone(),
            units,
            skipped: Vec::new(),
            previous_tags,
        }
    }
}

/// Why a job cannot be planned.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PlanError {
    #[error("no tags given")]
    NoTags,
    #[error("the tags are {0} characters combined; ImageKit allows at most 500 per call")]
    TooLong(usize),
    #[error("tag {0:?} contains '%', which ImageKit does not allow")]
    Percent(String),
    #[error("tags cannot be empty")]
    EmptyTag,
}

fn check_tags(tags: &[String], allow_empty_list: bool) -> Result<(), PlanError> {
    if tags.is_empty() && !allow_empty_list {
        return Err(PlanError::NoTags);
    }
    tags.iter().try_for_each(|t| policy::check_tag(t))?;
    let total: usize = tags.iter().map(|t| t.chars().count()).sum();
    if total > MAX_TAG_CHARS {
        return Err(PlanError::TooLong(total));
    }
    Ok(())
}

/// Plans a job over `ids`. `known` holds files already fetched (from a listing); with them
/// the plan skips files the operation would not change and records previous tags.
pub fn plan(
    op: Operation,
    ids: &[String],
    known: &HashMap<String, FileDetails>,
) -> Result<Plan, PlanError> {
    plan_with(op, ids, |id| known.get(id))
}

/// What planning needs to know of a file: its tags and AI tags.
pub trait Known {
    fn tag_list(&self) -> Vec<&str>;
    /// AI tag names with their confidence.
    fn ai_list(&self) -> Vec<(&str, f64)>;
    /// The file's path (journaled beside its id).
    fn path(&self) -> &str;
    /// Description, custom coordinates and custom metadata (what detail edits change).
    fn fields(&self) -> Fields;
}

/// The detail fields of a file that detail edits change and undo puts back.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Fields {
    pub description: Option<String>,
    pub coordinates: Option<String>,
    pub metadata: serde_json::Map<String, serde_json::Value>,
}

impl Known for FileDetails {
    fn tag_list(&self) -> Vec<&str> {
        self.tags.iter().map(String::as_str).collect()
    }

    fn path(&self) -> &str {
        &self.file_path
    }

    fn fields(&self) -> Fields {
        Fields {
            description: self.description.clone(),
            coordinates: self.custom_coordinates.clone(),
            metadata: self.custom_metadata.clone(),
        }
    }

    fn ai_list(&self) -> Vec<(&str, f64)> {
        self.ai_tags
            .iter()
            .map(|a| (a.name.as_str(), a.confidence))
            .collect()
    }
}

/// [`plan`] with a lookup instead of a map (the TUI plans against the files it holds).
pub fn plan_with<'a, K: Known + 'a>(
    op: Operation,
    ids: &[String],
    known: impl Fn(&str) -> Option<&'a K>,
) -> Result<Plan, PlanError> {
    if let Some(tags) = op.tags() {
        check_tags(tags, matches!(op, Operation::ReplaceTags { .. }))?;
    }
    if let Operation::MergeTags { into, .. } = &op {
        check_tags(std::slice::from_ref(into), false)?;
    }
    let mut seen = BTreeSet::new();
    let mut targets = Vec::new();
    let mut skipped = Vec::new();
    let mut previous_tags = HashMap::new();
    for id in ids {
        if !seen.insert(id.clone()) {
            continue;
        }
        let file = known(id);
        let unchanged = file.and_then(|f| {
            let tags = f.tag_list();
            let ai = f.ai_list();
            match &op {
                Operation::AddTags { tags: add } => add
                    .iter()
                    .all(|t| tags.contains(&t.as_str()))
                    .then_some("already has the tags"),
                Operation::RemoveTags { tags: rm } => {
                    (!rm.iter().any(|t| tags.contains(&t.as_str())))
                        .then_some("has none of the tags")
                }
                Operation::RemoveAiTags { names } => {
                    (!ai.iter().any(|(n, _)| names.iter().any(|x| x == n)))
                        .then_some("has none of the AI tags")
                }
                Operation::RemoveAllAiTags => ai.is_empty().then_some("has no AI tags"),
                Operation::RemoveAiTagsBelow { confidence } => {
                    (!ai.iter().any(|(_, c)| c < confidence))
                        .then_some("has no AI tags below the confidence")
                }
                Operation::ReplaceTags { tags: new } => tags
                    .iter()
                    .copied()
                    .eq(new.iter().map(String::as_str))
                    .then_some("already has exactly these tags"),
                Operation::PromoteAiTags { min } => {
                    (!ai.iter().any(|(n, c)| c >= min && !tags.contains(n)))
                        .then_some("no AI tag to promote")
                }
                Operation::MergeTags { from, .. } => {
                    (!from.iter().any(|t| tags.contains(&t.as_str())))
                        .then_some("has none of the tags")
                }
                Operation::PatchEach { bodies, .. } => {
                    (!bodies.contains_key(id)).then_some("nothing to change")
                }
                Operation::Delete
                | Operation::RestoreTags
                | Operation::UpdateDetails { .. }
                | Operation::Undo { .. }
                | Operation::AutoTag { .. } => None,
            }
        });
        if let Some(reason) = unchanged {
            skipped.push((id.clone(), reason.to_owned()));
            continue;
        }
        if let (
            Operation::AddTags { .. }
            | Operation::RemoveTags { .. }
            | Operation::ReplaceTags { .. }
            | Operation::MergeTags { .. }
            | Operation::PromoteAiTags { .. },
            Some(f),
        ) = (&op, file)
        {
            previous_tags.insert(
                id.clone(),
                f.tag_list().into_iter().map(str::to_owned).collect(),
            );
        }
        targets.push(id.clone());
    }
    let size = match op {
        Operation::AddTags { .. }
        | Operation::RemoveTags { .. }
        | Operation::RemoveAiTags { .. }
        | Operation::MergeTags { .. } => TAG_CHUNK,
        Operation::Delete => DELETE_CHUNK,
        Operation::RemoveAllAiTags
        | Operation::RemoveAiTagsBelow { .. }
        | Operation::ReplaceTags { .. }
        | Operation::RestoreTags
        | Operation::PromoteAiTags { .. }
        | Operation::PatchEach { .. }
        | Operation::UpdateDetails { .. }
        | Operation::Undo { .. }
        | Operation::AutoTag { .. } => 1,
    };
    let units = targets
        .chunks(size)
        .map(|c| Unit {
            ids: c.to_vec(),
            op: None,
        })
        .collect();
    Ok(Plan {
        op,
        units,
        skipped,
        previous_tags,
    })
}

/// Progress reported while a job runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Outcomes of one finished unit.
    Done(Vec<FileOutcome>),
}

/// Cancels a running job: no new unit starts; running units finish and are recorded.
#[derive(Debug, Clone, Default)]
pub struct CancelHandle(Arc<AtomicBool>);

impl CancelHandle {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// Runs a plan. Returns every file's outcome (skipped ones included), in no particular order.
pub async fn run(
    client: &Client,
    plan: &Plan,
    concurrency: usize,
    cancel: &CancelHandle,
    journal: Option<&journal::Journal>,
    events: Option<mpsc::UnboundedSender<Event>>,
) -> Vec<FileOutcome> {
    let mut outcomes: Vec<FileOutcome> = plan
        .skipped
        .iter()
        .map(|(id, reason)| FileOutcome {
            file_id: id.clone(),
            outcome: Outcome::Skipped {
                reason: reason.clone(),
            },
        })
        .collect();
    let permits = Arc::new(Semaphore::new(
        concurrency.clamp(policy::CONCURRENCY_MIN, policy::CONCURRENCY_MAX),
    ));
    let previous = Arc::new(plan.previous_tags.clone());
    let mut set = tokio::task::JoinSet::new();
    for (n, unit) in plan.units.iter().enumerate() {
        let permit = match permits.clone().acquire_owned().await {
            Ok(p) => p,
            Err(_) => break,
        };
        if cancel.is_cancelled() {
            drop(permit);
            outcomes.extend(
                plan.units[n..]
                    .iter()
                    .flat_map(|u| &u.ids)
                    .map(|id| FileOutcome {
                        file_id: id.clone(),
                        outcome: Outcome::Cancelled,
                    }),
            );
            break;
        }
        if let Some(j) = journal
            && let Err(e) = j.unit_started(n, &unit.ids)
        {
            tracing::error!(error = %e, "cannot write the job journal; stopping the job");
            cancel.cancel();
        }
        let (client, op, unit, events, previous) = (
            client.clone(),
            plan.op_of(unit).clone(),
            unit.clone(),
            events.clone(),
            previous.clone(),
        );
        set.spawn(async move {
            let result = run_unit(&client, &op, &unit.ids, &previous).await;
            drop(permit);
            if let Some(tx) = events {
                let _ = tx.send(Event::Done(result.clone()));
            }
            (n, result)
        });
        // Record units that finished meanwhile, so the journal keeps up.
        while let Some(done) = set.try_join_next() {
            record(done, journal, &mut outcomes);
        }
    }
    while let Some(done) = set.join_next().await {
        record(done, journal, &mut outcomes);
    }
    outcomes
}

fn record(
    done: Result<(usize, Vec<FileOutcome>), tokio::task::JoinError>,
    journal: Option<&journal::Journal>,
    outcomes: &mut Vec<FileOutcome>,
) {
    match done {
        Ok((n, result)) => {
            if let Some(j) = journal
                && let Err(e) = j.unit_done(n, &result)
            {
                tracing::error!(error = %e, "cannot write the job journal");
            }
            outcomes.extend(result);
        }
        Err(e) => tracing::error!(error = %e, "a job unit panicked; its files have no outcome"),
    }
}

fn failed_all(ids: &[String], e: &ApiError) -> Vec<FileOutcome> {
    ids.iter()
        .map(|id| FileOutcome {
            file_id: id.clone(),
            outcome: Outcome::Failed {
                status: e.status(),
                error: e.to_string(),
            },
        })
        .collect()
}

fn unreachable_merge() -> Result<BulkOutcome, ApiError> {
    Err(ApiError::Malformed {
        context: "merge".into(),
        detail: "a merge is run as an add and a remove".into(),
    })
}

/// Runs one unit, resending the rest of a chunk at once when a 404 names missing ids.
async fn run_unit(
    client: &Client,
    op: &Operation,
    ids: &[String],
    previous: &HashMap<String, Vec<String>>,
) -> Vec<FileOutcome> {
    let Operation::MergeTags { from, into } = op else {
        return run_bulk(client, op, ids, previous).await;
    };
    // Add the new tag first: a failure in between leaves both tags, never neither.
    let add = Operation::AddTags {
        tags: vec![into.clone()],
    };
    let added = run_bulk(client, &add, ids, previous).await;
    let ok: Vec<String> = added
        .iter()
        .filter(|o| o.outcome == Outcome::Succeeded)
        .map(|o| o.file_id.clone())
        .collect();
    let mut out: Vec<FileOutcome> = added
        .into_iter()
        .filter(|o| o.outcome != Outcome::Succeeded)
        .collect();
    let old: Vec<String> = from.iter().filter(|t| *t != into).cloned().collect();
    if ok.is_empty() || old.is_empty() {
        out.extend(ok.into_iter().map(|file_id| FileOutcome {
            file_id,
            outcome: Outcome::Succeeded,
        }));
        return out;
    }
    let remove = Operation::RemoveTags { tags: old };
    out.extend(run_bulk(client, &remove, &ok, previous).await);
    out
}

/// One bulk call's worth of files (resent without the ones a 404 names).
async fn run_bulk(
    client: &Client,
    op: &Operation,
    ids: &[String],
    previous: &HashMap<String, Vec<String>>,
) -> Vec<FileOutcome> {
    let mut out = Vec::new();
    let mut rest: Vec<String> = ids.to_vec();
    let mut rounds = 0;
    while !rest.is_empty() {
        rounds += 1;
        let result: Result<BulkOutcome, ApiError> = match op {
            Operation::AddTags { tags } => client.add_tags(&rest, tags).await,
            Operation::RemoveTags { tags } => client.remove_tags(&rest, tags).await,
            Operation::RemoveAiTags { names } => client.remove_ai_tags(&rest, names).await,
            Operation::Delete => client.bulk_delete(&rest).await,
            Operation::MergeTags { .. } => unreachable_merge(),
            Operation::RemoveAllAiTags
            | Operation::RemoveAiTagsBelow { .. }
            | Operation::ReplaceTags { .. }
            | Operation::RestoreTags
            | Operation::PromoteAiTags { .. }
            | Operation::PatchEach { .. }
            | Operation::UpdateDetails { .. }
            | Operation::Undo { .. }
            | Operation::AutoTag { .. } => {
                return per_file(client, op, &rest, previous).await;
            }
        };
        match result {
            Ok(b) => {
                let failed: HashMap<&str, &str> = b
                    .failed
                    .iter()
                    .map(|e| (e.file_id.as_str(), e.error.as_str()))
                    .collect();
                let ok: BTreeSet<&str> = b.succeeded.iter().map(String::as_str).collect();
                for id in &rest {
                    let outcome = if let Some(err) = failed.get(id.as_str()) {
                        Outcome::Failed {
                            status: Some(207),
                            error: (*err).to_owned(),
                        }
                    } else if ok.contains(id.as_str()) {
                        Outcome::Succeeded
                    } else {
                        Outcome::Failed {
                            status: None,
                            error: "the server did not confirm this file".to_owned(),
                        }
                    };
                    out.push(FileOutcome {
                        file_id: id.clone(),
                        outcome,
                    });
                }
                return out;
            }
            Err(ApiError::NotFound {
                missing_file_ids,
                replayed,
                ..
            }) if !missing_file_ids.is_empty() && rounds <= 3 => {
                let missing: BTreeSet<String> = missing_file_ids.into_iter().collect();
                // A retried delete can meet files its own lost first attempt deleted.
                let note = (matches!(op, Operation::Delete) && replayed).then(|| {
                    "already gone: an earlier attempt of this call, whose answer was lost, probably deleted it"
                        .to_owned()
                });
                for id in rest.iter().filter(|id| missing.contains(*id)) {
                    out.push(FileOutcome {
                        file_id: id.clone(),
                        outcome: Outcome::Missing { note: note.clone() },
                    });
                }
                let before = rest.len();
                rest.retain(|id| !missing.contains(id));
                if rest.len() == before {
                    // The server named ids we did not send: do not loop.
                    out.extend(failed_all(
                        &rest,
                        &ApiError::Malformed {
                            context: "404 answer".into(),
                            detail: "missingFileIds names none of the files sent".into(),
                        },
                    ));
                    return out;
                }
            }
            Err(e) => {
                out.extend(failed_all(&rest, &e));
                return out;
            }
        }
    }
    out
}

/// Per-file PATCH operations.
async fn per_file(
    client: &Client,
    op: &Operation,
    ids: &[String],
    previous: &HashMap<String, Vec<String>>,
) -> Vec<FileOutcome> {
    let mut out = Vec::new();
    for id in ids {
        let req = match op {
            Operation::PatchEach { bodies, .. } | Operation::Undo { bodies, .. } => {
                let outcome = match bodies.get(id) {
                    Some(body) => outcome_of(client.update_details_json(id, body).await),
                    None => Outcome::Skipped {
                        reason: "nothing to change".into(),
                    },
                };
                push(&mut out, id, outcome);
                continue;
            }
            Operation::UpdateDetails { body } => {
                let r = client.update_details_ext(id, body).await;
                push(&mut out, id, extension_outcome(r));
                continue;
            }
            Operation::AutoTag {
                source,
                max_tags,
                min_confidence,
            } => {
                let body = UpdateRequest {
                    auto_tag: vec![(format!("{source}-auto-tagging"), *max_tags, *min_confidence)],
                    ..Default::default()
                }
                .to_json();
                let r = client.update_details_ext(id, &body).await;
                push(&mut out, id, extension_outcome(r));
                continue;
            }
            Operation::RestoreTags => {
                let Some(tags) = previous.get(id) else {
                    let reason = "no recorded previous tags".into();
                    push(&mut out, id, Outcome::Skipped { reason });
                    continue;
                };
                UpdateRequest {
                    tags: Some((!tags.is_empty()).then(|| tags.clone())),
                    ..Default::default()
                }
            }
            Operation::RemoveAllAiTags => UpdateRequest {
                remove_ai_tags: Some(RemoveAiTags::All),
                ..Default::default()
            },
            Operation::ReplaceTags { tags } => UpdateRequest {
                tags: Some(if tags.is_empty() {
                    None
                } else {
                    Some(tags.clone())
                }),
                ..Default::default()
            },
            Operation::PromoteAiTags { min } => {
                // Read the file now: its AI tags and tags may have changed since the listing.
                let fresh = fresh_ai_names(client, id, |f, t| {
                    t.confidence >= *min && !f.tags.contains(&t.name)
                });
                let names = match fresh.await {
                    Ok(n) => n,
                    Err(e) => {
                        push(&mut out, id, outcome_of::<()>(Err(e)));
                        continue;
                    }
                };
                if names.is_empty() {
                    let reason = format!("no AI tag at or above {min} to promote");
                    push(&mut out, id, Outcome::Skipped { reason });
                    continue;
                }
                // The same bulk call as `tags add`, so 207s and 404s read the same way.
                let add = Operation::AddTags { tags: names };
                let one = std::slice::from_ref(id);
                out.extend(Box::pin(run_bulk(client, &add, one, previous)).await);
                continue;
            }
            Operation::RemoveAiTagsBelow { confidence } => {
                // Names are per file: read the file's AI tags now, not from a stale listing.
                let names =
                    match fresh_ai_names(client, id, |_, t| t.confidence < *confidence).await {
                        Ok(n) => n,
                        Err(e) => {
                            push(&mut out, id, outcome_of::<()>(Err(e)));
                            continue;
                        }
                    };
                if names.is_empty() {
                    let reason = format!("has no AI tags below {confidence}");
                    push(&mut out, id, Outcome::Skipped { reason });
                    continue;
                }
                UpdateRequest {
                    remove_ai_tags: Some(RemoveAiTags::Names(names)),
                    ..Default::default()
                }
            }
            _ => continue,
        };
        push(
            &mut out,
            id,
            outcome_of(client.update_details(id, &req).await),
        );
    }
    out
}

/// The names of the file's AI tags that `keep` picks, read now (not from a stale listing).
async fn fresh_ai_names(
    client: &Client,
    id: &str,
    keep: impl Fn(&FileDetails, &crate::model::AiTag) -> bool,
) -> Result<Vec<String>, ApiError> {
    let f = client.get_details(id).await?;
    Ok(f.ai_tags
        .iter()
        .filter(|t| keep(&f, t))
        .map(|t| t.name.clone())
        .collect())
}

fn push(out: &mut Vec<FileOutcome>, id: &str, outcome: Outcome) {
    out.push(FileOutcome {
        file_id: id.to_owned(),
        outcome,
    });
}

/// The outcome of a PATCH that may have run extensions: any `failed` extension fails the
/// file (so it gets a badge and can be retried), any `pending` one makes it pending.
fn extension_outcome(r: Result<crate::api::Patched, ApiError>) -> Outcome {
    let (status, updated_at) = match r {
        Ok(p) => (p.extension_status, p.file.updated_at),
        Err(e) => return outcome_of::<()>(Err(e)),
    };
    let with = |state: &str| -> Vec<String> {
        status
            .iter()
            .filter(|(_, v)| v.as_str() == state)
            .map(|(k, _)| k.clone())
            .collect()
    };
    let failed = with("failed");
    if !failed.is_empty() {
        return Outcome::Failed {
            status: None,
            error: format!("extension failed: {}", failed.join(", ")),
        };
    }
    let pending = with("pending");
    if pending.is_empty() {
        Outcome::Succeeded
    } else {
        Outcome::Pending {
            extensions: pending,
            updated_at,
        }
    }
}

/// The outcome of a single-file call.
fn outcome_of<T>(r: Result<T, ApiError>) -> Outcome {
    match r {
        Ok(_) => Outcome::Succeeded,
        Err(ApiError::NotFound { .. }) => Outcome::Missing { note: None },
        Err(e) => Outcome::Failed {
            status: e.status(),
            error: e.to_string(),
        },
    }
}

/// The ids of a finished job's failed files (for retry-failed).
pub fn failed_ids(outcomes: &[FileOutcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::Failed { .. }))
        .map(|o| o.file_id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("{i:024x}")).collect()
    }

    #[test]
    fn plans_chunks_within_api_limits() {
        let p = plan(
            Operation::AddTags {
                tags: vec!["a".into()],
            },
            &ids(120),
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(
            p.units.iter().map(|u| u.ids.len()).collect::<Vec<_>>(),
            [50, 50, 20]
        );
        let p = plan(Operation::Delete, &ids(250), &HashMap::new()).unwrap();
        assert_eq!(
            p.units.iter().map(|u| u.ids.len()).collect::<Vec<_>>(),
            [100, 100, 50]
        );
        let p = plan(Operation::RemoveAllAiTags, &ids(3), &HashMap::new()).unwrap();
        assert_eq!(p.units.len(), 3);
        let mut dup = ids(3);
        dup.extend(ids(3));
        assert_eq!(
            plan(Operation::Delete, &dup, &HashMap::new())
                .unwrap()
                .file_count(),
            3
        );
    }

    #[test]
    fn rejects_tags_the_api_would_reject() {
        let none = HashMap::new();
        let long = vec!["x".repeat(300), "y".repeat(201)];
        assert_eq!(
            plan(Operation::AddTags { tags: long }, &ids(1), &none),
            Err(PlanError::TooLong(501))
        );
        assert!(matches!(
            plan(
                Operation::AddTags {
                    tags: vec!["50%".into()]
                },
                &ids(1),
                &none
            ),
            Err(PlanError::Percent(_))
        ));
        assert_eq!(
            plan(Operation::RemoveTags { tags: vec![] }, &ids(1), &none),
            Err(PlanError::NoTags)
        );
        assert!(
            plan(Operation::ReplaceTags { tags: vec![] }, &ids(1), &none).is_ok(),
            "replace with nothing clears"
        );
    }
}
