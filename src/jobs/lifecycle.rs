//! The life of a job after it is planned, for both front-ends: run it journaled against a
//! known library, read back what the server confirmed, and later undo, resume or retry it
//! — only against the same library, only once, and never over someone else's change.
//!
//! The front-ends collect targets, show plans and progress, and ask what
//! [`Operation::ask`] tells them to ask; everything else is here.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use tokio::sync::mpsc;

use super::inverse::{Applied, undo_plan};
use super::journal::{FileState, Header, JobRecord, Journal, Origin};
use super::{CancelHandle, Event, FileOutcome, Library, Outcome, Plan, Summary};
use crate::api::Client;
use crate::model::FileDetails;

/// Why undo, resume or retry will not run (the CLI exits 2). Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Refusal(pub String);

/// What a file must still look like for undo to touch it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    /// The file's `updatedAt` after the job (`None`: not read back, e.g. the job was killed).
    pub updated_at: Option<crate::model::Timestamp>,
    /// Its tags after the job, when known.
    pub tags: Option<Vec<String>>,
}

/// Undo's conflict check: file id → what it must still be.
pub type Guard = BTreeMap<String, Expect>;

/// How a job is run.
#[derive(Debug, Clone, Default)]
pub struct RunSpec {
    pub library: Option<Library>,
    /// Where journals go (`None`: not journaled).
    pub dir: Option<PathBuf>,
    pub origin: Origin,
    /// Files whose state must not have moved (undo); the others are left as `conflict`.
    pub guard: Option<Guard>,
    /// File id → path, recorded in the journal.
    pub paths: BTreeMap<String, String>,
    pub concurrency: usize,
}

/// A finished run.
#[derive(Debug, Clone)]
pub struct Finished {
    /// The journal's id (`None`: not journaled).
    pub job: Option<String>,
    pub outcomes: Vec<FileOutcome>,
    pub summary: Summary,
}

/// How a file moved since `want`, or `None` if it did not.
pub fn moved(want: &Expect, now: &FileDetails) -> Option<String> {
    let tags_differ = want.tags.as_ref().is_some_and(|t| {
        let (a, b): (HashSet<&String>, HashSet<&String>) =
            (t.iter().collect(), now.tags.iter().collect());
        a != b
    });
    let time_differs = want.updated_at.is_some_and(|t| t != now.updated_at);
    if !tags_differ && !time_differs {
        return None;
    }
    let mut what = format!("changed at {} since the job", now.updated_at);
    if let Some(t) = want.tags.as_ref().filter(|_| tags_differ) {
        let _ = write!(
            what,
            ": tags [{}] → [{}]",
            t.join(", "),
            now.tags.join(", ")
        );
    } else {
        what += " (details, AI tags or tags)";
    }
    Some(crate::text::untrusted(&what, 300))
}

/// Re-reads the guarded files: those that moved become `conflict`, gone ones `missing`.
async fn check_guard(
    client: &Client,
    plan: &Plan,
    guard: &Guard,
    in_flight: usize,
) -> Result<(Plan, Vec<FileOutcome>), crate::api::ApiError> {
    let mut unique: Vec<String> = plan.units.iter().flat_map(|u| u.ids.clone()).collect();
    unique.sort();
    unique.dedup();
    let now: BTreeMap<String, FileDetails> = client
        .details_of_with(&unique, in_flight)
        .await?
        .into_iter()
        .map(|f| (f.file_id.clone(), f))
        .collect();
    let mut left = Vec::new();
    let mut keep = HashSet::new();
    for id in &unique {
        let outcome = match (now.get(id), guard.get(id)) {
            (None, _) => Some(Outcome::Missing { note: None }),
            (Some(f), Some(want)) => moved(want, f).map(|changed| Outcome::Conflict { changed }),
            (Some(_), None) => None,
        };
        match outcome {
            Some(outcome) => left.push(FileOutcome {
                file_id: id.clone(),
                outcome,
            }),
            None => {
                keep.insert(id.as_str());
            }
        }
    }
    Ok((plan.restrict(&keep), left))
}

/// Runs a plan as one journaled job: guard check (undo), journal, calls, read back.
/// Only journal creation can fail; every file ends with an outcome.
pub async fn execute(
    client: &Client,
    plan: &Plan,
    spec: &RunSpec,
    cancel: &CancelHandle,
    events: Option<mpsc::UnboundedSender<Event>>,
) -> Result<Finished, super::journal::JournalError> {
    let (plan, mut outcomes) = match &spec.guard {
        None => (Cow::Borrowed(plan), Vec::new()),
        Some(g) => match check_guard(client, plan, g, spec.concurrency).await {
            Ok((checked, left)) => (Cow::Owned(checked), left),
            Err(e) => return Ok(guard_unchecked(plan, &e)),
        },
    };
    let journal = match &spec.dir {
        Some(dir) => Some(Journal::create(
            dir,
            &plan,
            &Header {
                library: spec.library.clone(),
                origin: spec.origin.clone(),
                paths: spec.paths.clone(),
            },
        )?),
        None => None,
    };
    if !outcomes.is_empty() {
        // Files the guard left alone: journaled (as a unit past the plan's) and shown now.
        if let Some(j) = &journal
            && let Err(e) = j.unit_done(plan.units.len(), &outcomes)
        {
            tracing::error!(error = %e, "cannot write the job journal");
        }
        if let Some(tx) = &events {
            let _ = tx.send(Event::Done(outcomes.clone()));
        }
    }
    let (ran, states) = super::read_back::run_and_read_back(
        client,
        &plan,
        spec.concurrency,
        cancel,
        journal.as_ref(),
        events,
    )
    .await;
    outcomes.extend(ran);
    if plan.units.iter().any(|u| u.op.is_some()) {
        outcomes = one_per_file(outcomes);
    }
    let id = journal.as_ref().map(|j| j.id.clone()).unwrap_or_default();
    let summary = Summary::of(&id, &outcomes);
    if let Some(j) = &journal {
        finish_journal(j, &outcomes, states, &summary);
    }
    Ok(Finished {
        job: journal.as_ref().map(|j| j.id.clone()),
        outcomes,
        summary,
    })
}

/// The guard could not read the files: every file fails, nothing is journaled or sent.
fn guard_unchecked(plan: &Plan, e: &crate::api::ApiError) -> Finished {
    let outcomes: Vec<FileOutcome> = plan
        .units
        .iter()
        .flat_map(|u| &u.ids)
        .map(|id| FileOutcome {
            file_id: id.clone(),
            outcome: Outcome::Failed {
                status: e.status(),
                error: format!("could not check the file before undoing: {e}"),
            },
        })
        .collect();
    Finished {
        job: None,
        summary: Summary::of("", &outcomes),
        outcomes,
    }
}

/// Journals the succeeded files' state after the job (what undo checks) and the summary.
fn finish_journal(
    j: &Journal,
    outcomes: &[FileOutcome],
    mut states: BTreeMap<String, FileState>,
    summary: &Summary,
) {
    let ok: HashSet<&str> = outcomes
        .iter()
        .filter(|o| o.outcome == Outcome::Succeeded)
        .map(|o| o.file_id.as_str())
        .collect();
    states.retain(|id, _| ok.contains(id.as_str()));
    if let Err(e) = j.after_and_finished(states, summary) {
        tracing::error!(error = %e, "cannot finish the job journal");
    }
}

/// One outcome per file (an undo may send a file in two calls): the one that matters most.
pub fn one_per_file(outcomes: Vec<FileOutcome>) -> Vec<FileOutcome> {
    let weight = Outcome::weight;
    let mut by: BTreeMap<String, FileOutcome> = BTreeMap::new();
    let mut order = Vec::new();
    for o in outcomes {
        match by.get(&o.file_id) {
            Some(old) if weight(&old.outcome) >= weight(&o.outcome) => {}
            Some(_) => {
                by.insert(o.file_id.clone(), o);
            }
            None => {
                order.push(o.file_id.clone());
                by.insert(o.file_id.clone(), o);
            }
        }
    }
    order.into_iter().filter_map(|id| by.remove(&id)).collect()
}

// ----------------------------------------------------------------- undo, resume, retry

fn undoes(r: &JobRecord, id: &str) -> bool {
    matches!(&r.origin, Origin::Undo { of, with } if of == id || with.iter().any(|w| w == id))
}

/// The undo of `id` that is in force (not itself undone), if any.
pub fn undone_by<'a>(all: &'a [JobRecord], id: &str) -> Option<&'a JobRecord> {
    all.iter()
        .filter(|r| undoes(r, id))
        .filter(|r| r.outcomes.values().any(|o| o.outcome == Outcome::Succeeded))
        .find(|r| undone_by(all, &r.id).is_none())
}

/// Continuations (resumes and retries) of `id` and of theirs.
fn continuations<'a>(all: &'a [JobRecord], id: &str) -> Vec<&'a JobRecord> {
    let mut out = Vec::new();
    for c in all
        .iter()
        .filter(|r| matches!(&r.origin, Origin::Resume { of } | Origin::Retry { of } if of == id))
    {
        out.push(c);
        out.extend(continuations(all, &c.id));
    }
    out
}

/// The job's state as a user reads it in `iktag jobs`.
pub fn effective(all: &[JobRecord], r: &JobRecord) -> String {
    if let Some(u) = undone_by(all, &r.id) {
        return format!("undone by {}", u.id);
    }
    let left = still_unapplied(all, r);
    let failed = still_failed(all, r);
    let ok = r
        .outcomes
        .values()
        .filter(|o| o.outcome == Outcome::Succeeded)
        .count();
    let resumed: Vec<&str> = continuations(all, &r.id)
        .iter()
        .filter(|c| matches!(c.origin, Origin::Resume { .. }))
        .map(|c| c.id.as_str())
        .collect();
    let mut s = match (left.len(), failed.len()) {
        (0, 0) => format!("applied ({ok} ok)"),
        (0, f) => format!("partly applied: {ok} ok, {f} failed"),
        (l, f) => format!("partly applied: {ok} ok, {f} failed, {l} not sent"),
    };
    if let Some(last) = resumed.last() {
        let _ = write!(s, ", resumed by {last}");
    }
    if !r.origin.describe().is_empty() {
        s = format!("{} · {s}", r.origin.describe());
    }
    s
}

/// Files of `r` never sent, after every resume and retry of it.
pub fn still_unapplied(all: &[JobRecord], r: &JobRecord) -> Vec<String> {
    let settled: HashSet<&str> = continuations(all, &r.id)
        .iter()
        .flat_map(|c| c.outcomes.iter())
        .filter(|(_, o)| o.outcome != Outcome::Cancelled)
        .map(|(id, _)| id.as_str())
        .collect();
    r.unapplied()
        .into_iter()
        .filter(|id| !settled.contains(id.as_str()))
        .collect()
}

/// Files of `r` that failed and have not succeeded since (in a retry or resume).
pub fn still_failed(all: &[JobRecord], r: &JobRecord) -> Vec<String> {
    let settled: HashSet<&str> = continuations(all, &r.id)
        .iter()
        .flat_map(|c| c.outcomes.iter())
        .filter(|(_, o)| !matches!(o.outcome, Outcome::Failed { .. } | Outcome::Cancelled))
        .map(|(id, _)| id.as_str())
        .collect();
    r.outcomes
        .values()
        .filter(|o| matches!(o.outcome, Outcome::Failed { .. }))
        .map(|o| o.file_id.clone())
        .filter(|id| !settled.contains(id.as_str()))
        .collect()
}

/// Undo, resume and retry run only against the job's library. Old journals without one
/// need `force`; demo jobs never run elsewhere.
pub fn check_library(
    r: &JobRecord,
    current: &Library,
    force: bool,
) -> Result<Option<String>, Refusal> {
    let Some(lib) = &r.library else {
        return if force {
            Ok(Some(format!(
                "job {} was recorded without its library (an earlier iktag); --force: running against {}",
                r.id,
                current.describe()
            )))
        } else {
            Err(Refusal(format!(
                "job {} was recorded by an earlier iktag without its library (it ran against {}); \
                 if {} is that library, run again with --force",
                r.id,
                if r.base_url.is_empty() {
                    "an unknown address"
                } else {
                    &r.base_url
                },
                current.describe()
            )))
        };
    };
    if lib.same_as(current) {
        return Ok(None);
    }
    if lib.demo {
        return Err(Refusal(format!(
            "job {} ran on the demo library of `iktag demo`, which is gone; it cannot be undone \
             or resumed against {}",
            r.id,
            current.describe()
        )));
    }
    let how = match &lib.profile {
        Some(p) => format!(
            "select it with `--profile {}`",
            crate::text::untrusted(p, 40)
        ),
        None => format!(
            "Select it with IMAGE_KIT_BASE_URL={} and that library's IMAGEKIT_PRIVATE_KEY (or its --profile)",
            lib.base_url
        ),
    };
    Err(Refusal(format!(
        "job {} ran against {}, but the current library is {}; nothing was sent. {how}.",
        r.id,
        lib.describe(),
        current.describe()
    )))
}

fn find<'a>(all: &'a [JobRecord], id: &str) -> Result<&'a JobRecord, Refusal> {
    all.iter()
        .find(|r| r.id == id)
        .ok_or_else(|| Refusal(format!("no job {id:?}; `iktag jobs` lists the jobs")))
}

/// A job ready to run: its plan, what it is, and (for undo) what each file must still be.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub plan: Plan,
    pub origin: Origin,
    pub guard: Option<Guard>,
    pub paths: BTreeMap<String, String>,
    /// Said before it runs (e.g. a --force note, files that cannot be restored).
    pub notes: Vec<String>,
}

impl Prepared {
    /// A new job of this plan (no guard, no notes) with each file's path for the journal.
    pub fn new(plan: Plan, paths: BTreeMap<String, String>) -> Prepared {
        Prepared {
            plan,
            origin: Origin::default(),
            guard: None,
            paths,
            notes: Vec::new(),
        }
    }
}

/// The guard for an undo plan: each file as the undone jobs left it.
pub fn guard_for(plan: &Plan, after: &BTreeMap<String, FileState>) -> Guard {
    plan.units
        .iter()
        .flat_map(|u| &u.ids)
        .map(|id| {
            let a = after.get(id);
            let expect = Expect {
                updated_at: a.map(|a| a.updated_at),
                tags: a
                    .map(|a| a.tags.clone())
                    .or_else(|| plan.previous_tags.get(id).cloned()),
            };
            (id.clone(), expect)
        })
        .collect()
}

/// `iktag undo ID`: the inverse of the files the job changed, guarded against later changes.
pub fn prepare_undo(
    all: &[JobRecord],
    id: &str,
    current: &Library,
    force: bool,
) -> Result<Prepared, Refusal> {
    let r = find(all, id)?;
    let mut notes: Vec<String> = check_library(r, current, force)?.into_iter().collect();
    if let Some(k) = undone_by(all, id) {
        return Err(Refusal(format!(
            "job {id} is already undone by {}; `iktag undo {}` puts the changes back",
            k.id, k.id
        )));
    }
    if !r.plan.op.reversible() {
        return Err(Refusal(format!(
            "job {id} ({}) cannot be undone: {}",
            r.plan.op.name(),
            r.plan.op.why_irreversible()
        )));
    }
    if let super::Operation::Combined {
        irreversible: true, ..
    } = &r.plan.op
    {
        notes.push("the AI tags this job removed cannot be put back; the rest is undone".into());
    }
    let succeeded: Vec<&str> = r
        .outcomes
        .values()
        .filter(|o| o.outcome == Outcome::Succeeded)
        .map(|o| o.file_id.as_str())
        .collect();
    let label = match &r.plan.op {
        super::Operation::Undo { label, .. } => format!("undo of {id} ({label})"),
        op => format!("{} of job {id}", op.name()),
    };
    let (plan, refused) = undo_plan(
        &[Applied {
            plan: &r.plan,
            succeeded,
            after: Some(&r.after),
        }],
        label,
    );
    for (file, why) in refused {
        notes.push(format!("{file}: not restored, {why}"));
    }
    let guard = (!force).then(|| guard_for(&plan, &r.after));
    Ok(Prepared {
        guard,
        paths: r.paths.clone(),
        origin: Origin::Undo {
            of: id.to_owned(),
            with: Vec::new(),
        },
        plan,
        notes,
    })
}

/// `iktag jobs resume ID`: what is still unapplied after every earlier resume and retry
/// (`None`: nothing is left).
pub fn prepare_resume(
    all: &[JobRecord],
    id: &str,
    current: &Library,
    force: bool,
) -> Result<Option<Prepared>, Refusal> {
    continue_with(all, id, current, force, true)
}

/// `iktag jobs retry ID`: the files of the job that failed and have not succeeded since.
pub fn prepare_retry(
    all: &[JobRecord],
    id: &str,
    current: &Library,
    force: bool,
) -> Result<Option<Prepared>, Refusal> {
    continue_with(all, id, current, force, false)
}

fn continue_with(
    all: &[JobRecord],
    id: &str,
    current: &Library,
    force: bool,
    resume: bool,
) -> Result<Option<Prepared>, Refusal> {
    let r = find(all, id)?;
    let notes: Vec<String> = check_library(r, current, force)?.into_iter().collect();
    if let Some(k) = undone_by(all, id) {
        return Err(Refusal(format!(
            "job {id} was undone by {}; resuming or retrying it now would mix the two",
            k.id
        )));
    }
    let ids = if resume {
        still_unapplied(all, r)
    } else {
        still_failed(all, r)
    };
    if ids.is_empty() {
        return Ok(None);
    }
    let keep: HashSet<&str> = ids.iter().map(String::as_str).collect();
    let plan = r.plan.restrict(&keep);
    let of = id.to_owned();
    Ok(Some(Prepared {
        plan,
        origin: if resume {
            Origin::Resume { of }
        } else {
            Origin::Retry { of }
        },
        guard: None,
        paths: r.paths.clone(),
        notes,
    }))
}
