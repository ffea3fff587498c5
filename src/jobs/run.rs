//! Running a plan: units go out with bounded concurrency, a 404 naming missing ids resends
//! the rest of its chunk, and every file ends with exactly one outcome.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};

use super::{CancelHandle, FileOutcome, Operation, Outcome, Plan, journal, policy, settle};
use crate::api::{ApiError, BulkOutcome, Client, RemoveAiTags, UpdateRequest};
use crate::model::FileDetails;

/// Progress reported while a job runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Outcomes of one finished unit (files it did not send, cancelled, come only in the
    /// final list, like every cancelled file: each file is reported once).
    Done(Vec<FileOutcome>),
    /// Files the job touched, read back as the server has them now (after their `Done`).
    Fresh(Vec<FileDetails>),
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
    run_with(client, plan, &slots(concurrency), cancel, journal, events).await
}

/// The slots of a job: `concurrency` requests in flight at once, within the policy's bounds.
pub(super) fn slots(concurrency: usize) -> Arc<Semaphore> {
    Arc::new(Semaphore::new(
        concurrency.clamp(policy::CONCURRENCY_MIN, policy::CONCURRENCY_MAX),
    ))
}

/// [`run`] taking its slots from `permits`, which other requests of the same job (its
/// read back) share: each unit holds one while its calls are out.
pub(super) async fn run_with(
    client: &Client,
    plan: &Plan,
    permits: &Arc<Semaphore>,
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
    // Cancelling the job also ends the waits of its calls (429 windows, retry backoff).
    let client = &client.stopped_by(cancel);
    let mut set = tokio::task::JoinSet::new();
    let mut next = 0;
    while next < plan.units.len() {
        // Wait for a free slot, then take every other free one: those units start
        // together, their `start` lines flushed to the journal once. (Units finish in
        // bursts: the yield lets the rest of a burst give its slots back first.)
        let Ok(first) = permits.clone().acquire_owned().await else {
            break;
        };
        tokio::task::yield_now().await;
        let mut batch = vec![first];
        while next + batch.len() < plan.units.len() {
            match permits.clone().try_acquire_owned() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        if cancel.is_cancelled() {
            drop(batch);
            outcomes.extend(
                plan.units[next..]
                    .iter()
                    .flat_map(|u| &u.ids)
                    .map(|id| FileOutcome {
                        file_id: id.clone(),
                        outcome: Outcome::Cancelled,
                    }),
            );
            break;
        }
        let starting = next..next + batch.len();
        // Units that finished meanwhile are journaled in the same flush as the ones
        // starting, so the journal keeps up without a flush of its own on the way.
        let done = finished(&mut set, None);
        if let Some(j) = journal {
            let lines: Vec<(usize, &[String])> = starting
                .clone()
                .map(|n| (n, plan.units[n].ids.as_slice()))
                .collect();
            if let Err(e) = j.units(&done_lines(&done), &lines) {
                tracing::error!(error = %e, "cannot write the job journal; stopping the job");
                cancel.cancel();
            }
        }
        outcomes.extend(done.into_iter().flat_map(|(_, r)| r));
        for (n, permit) in starting.zip(batch) {
            let unit = &plan.units[n];
            let op = plan.op_of(unit).for_ids(&unit.ids);
            // Only the unit's own files' previous tags, and only for what reads them.
            let previous: HashMap<String, Vec<String>> = if op.reads_previous_tags() {
                unit.ids
                    .iter()
                    .filter_map(|id| Some((id.clone(), plan.previous_tags.get(id)?.clone())))
                    .collect()
            } else {
                HashMap::new()
            };
            let (client, unit, events) = (client.clone(), unit.clone(), events.clone());
            set.spawn(async move {
                let result = run_unit(&client, &op, &unit.ids, &previous).await;
                drop(permit);
                if let Some(tx) = events {
                    // Cancelled files (a stop during the unit's waits) come with the
                    // final list, as every cancelled file does.
                    let ran: Vec<FileOutcome> = result
                        .iter()
                        .filter(|o| o.outcome != Outcome::Cancelled)
                        .cloned()
                        .collect();
                    let _ = tx.send(Event::Done(ran));
                }
                (n, result)
            });
            next += 1;
        }
    }
    while let Some(first) = set.join_next().await {
        let done = finished(&mut set, Some(first));
        if let Some(j) = journal
            && let Err(e) = j.units(&done_lines(&done), &[])
        {
            tracing::error!(error = %e, "cannot write the job journal");
        }
        outcomes.extend(done.into_iter().flat_map(|(_, r)| r));
    }
    outcomes
}

type UnitResult = Result<(usize, Vec<FileOutcome>), tokio::task::JoinError>;

/// `first` and every other unit that has finished (a unit that panicked is logged: its
/// files have no outcome).
fn finished(
    set: &mut tokio::task::JoinSet<(usize, Vec<FileOutcome>)>,
    first: Option<UnitResult>,
) -> Vec<(usize, Vec<FileOutcome>)> {
    first
        .into_iter()
        .chain(std::iter::from_fn(|| set.try_join_next()))
        .filter_map(|result| {
            result
                .map_err(|e| {
                    tracing::error!(error = %e, "a job unit panicked; its files have no outcome");
                })
                .ok()
        })
        .collect()
}

fn done_lines(done: &[(usize, Vec<FileOutcome>)]) -> Vec<(usize, &[FileOutcome])> {
    done.iter().map(|(n, r)| (*n, r.as_slice())).collect()
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
            | Operation::Combined { .. }
            | Operation::AutoTag { .. } => {
                return per_file(client, op, &rest, previous).await;
            }
        };
        match result {
            Ok(b) => {
                let start = out.len();
                out.extend(bulk_outcomes(&rest, &b));
                if b.replayed {
                    let uncertain: Vec<String> = out[start..]
                        .iter()
                        .filter(|o| matches!(o.outcome, Outcome::Failed { .. }))
                        .map(|o| o.file_id.clone())
                        .collect();
                    settle::settle(client, op, &mut out[start..], &uncertain).await;
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
            Err(ApiError::Cancelled { sent: false }) => {
                out.extend(rest.iter().map(|id| one(id, Outcome::Cancelled)));
                return out;
            }
            Err(e) => {
                let start = out.len();
                out.extend(failed_all(&rest, &e));
                if settle::may_have_applied(&e) {
                    settle::settle(client, op, &mut out[start..], &rest).await;
                }
                return out;
            }
        }
    }
    out
}

/// Each file's outcome from a bulk call's answer: failed where the 207 says so, done
/// where the server confirmed it, failed otherwise.
fn bulk_outcomes(sent: &[String], b: &BulkOutcome) -> Vec<FileOutcome> {
    let failed: HashMap<&str, &str> = b
        .failed
        .iter()
        .map(|e| (e.file_id.as_str(), e.error.as_str()))
        .collect();
    let ok: BTreeSet<&str> = b.succeeded.iter().map(String::as_str).collect();
    sent.iter()
        .map(|id| {
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
            one(id, outcome)
        })
        .collect()
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
                let body = auto_tag_body(source, *max_tags, *min_confidence);
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
                out.extend(promote_ai_tags(client, id, *min, previous).await);
                continue;
            }
            Operation::RemoveAiTagsBelow { confidence } => {
                match remove_ai_tags_below(client, id, *confidence).await {
                    Ok(req) => req,
                    Err(outcome) => {
                        push(&mut out, id, outcome);
                        continue;
                    }
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

/// The PATCH /details body that runs the `source` auto-tagging extension.
fn auto_tag_body(source: &str, max_tags: u32, min_confidence: u32) -> serde_json::Value {
    UpdateRequest {
        auto_tag: vec![(format!("{source}-auto-tagging"), max_tags, min_confidence)],
        ..Default::default()
    }
    .to_json()
}

/// Promotes one file's AI tags at or above `min` that are not yet among its tags.
async fn promote_ai_tags(
    client: &Client,
    id: &String,
    min: f64,
    previous: &HashMap<String, Vec<String>>,
) -> Vec<FileOutcome> {
    // Read the file now: its AI tags and tags may have changed since the listing.
    let fresh = fresh_ai_names(client, id, |f, t| {
        t.confidence >= min && !f.tags.contains(&t.name)
    });
    let names = match fresh.await {
        Ok(n) => n,
        Err(e) => return vec![one(id, outcome_of::<()>(Err(e)))],
    };
    if names.is_empty() {
        let reason = format!("no AI tag at or above {min} to promote");
        return vec![one(id, Outcome::Skipped { reason })];
    }
    // The same bulk call as `tags add`, so 207s and 404s read the same way.
    let add = Operation::AddTags { tags: names };
    let ids = std::slice::from_ref(id);
    Box::pin(run_bulk(client, &add, ids, previous)).await
}

/// The request removing one file's AI tags below `confidence`, or the file's outcome when
/// there is nothing to send (it cannot be read, or has no such tags).
async fn remove_ai_tags_below(
    client: &Client,
    id: &str,
    confidence: f64,
) -> Result<UpdateRequest, Outcome> {
    // Names are per file: read the file's AI tags now, not from a stale listing.
    let names = fresh_ai_names(client, id, |_, t| t.confidence < confidence)
        .await
        .map_err(|e| outcome_of::<()>(Err(e)))?;
    if names.is_empty() {
        let reason = format!("has no AI tags below {confidence}");
        return Err(Outcome::Skipped { reason });
    }
    Ok(UpdateRequest {
        remove_ai_tags: Some(RemoveAiTags::Names(names)),
        ..Default::default()
    })
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
    out.push(one(id, outcome));
}

fn one(id: &str, outcome: Outcome) -> FileOutcome {
    FileOutcome {
        file_id: id.to_owned(),
        outcome,
    }
}

/// Why an extension most likely failed on this file: `extensionStatus` says only `failed`,
/// but the file's type tells the usual reason.
fn extension_failure_reason(file: &crate::model::FileDetails) -> String {
    let kind = match file.mime.as_deref() {
        Some(mime) if !mime.is_empty() => crate::text::untrusted(mime, 40),
        _ => crate::text::untrusted(&file.file_type, 40),
    };
    if file.file_type == "image" {
        format!("ImageKit could not process this image, {kind}; R retries")
    } else {
        format!("not an image, {kind}: only images can be auto-tagged")
    }
}

/// The outcome of a PATCH that may have run extensions: any `failed` extension fails the
/// file (so it gets a badge and can be retried), any `pending` one makes it pending.
fn extension_outcome(r: Result<crate::api::Patched, ApiError>) -> Outcome {
    let (status, file) = match r {
        Ok(p) => (p.extension_status, p.file),
        Err(e) => return outcome_of::<()>(Err(e)),
    };
    let updated_at = file.updated_at;
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
            error: format!(
                "extension failed: {} ({})",
                failed.join(", "),
                extension_failure_reason(&file)
            ),
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
        Err(ApiError::Cancelled { sent: false }) => Outcome::Cancelled,
        Err(e) => Outcome::Failed {
            status: e.status(),
            error: e.to_string(),
        },
    }
}
