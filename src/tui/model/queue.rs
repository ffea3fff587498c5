//! The TUI's job queue and undo history. Plans, undo plans, retries and the conflict guard
//! come from `jobs` (the same rules as the command line); this file only queues jobs, runs
//! one at a time, shows their outcomes on the files, and remembers which jobs one apply
//! (`w`) queued, so `u` undoes them as one unit.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;
use std::sync::Arc;
use std::time::Instant;

use super::State;
use super::autotag::PENDING_NOTE;
use crate::jobs::inverse::{Applied, undo_plan};
use crate::jobs::journal::Origin;
use crate::jobs::lifecycle::{Expect, Guard};
use crate::jobs::{self, FileOutcome, Operation, Outcome, Plan};
use crate::tui::msg::Effect;

/// The jobs of this session, the undo history and the files' error badges.
#[derive(Debug, Clone, Default)]
pub struct Queue {
    pub jobs: Vec<Job>,
    /// Undo units, oldest first (one per apply, undo, retry, vocabulary change).
    pub undo: Vec<UndoUnit>,
    /// Files whose last job failed, with the server's error (escaped at render).
    pub errors: HashMap<String, Badge>,
}

/// A file's error badge: which job failed it and what the server said.
#[derive(Debug, Clone, PartialEq)]
pub struct Badge {
    pub job: u64,
    pub error: String,
}

/// A failed or conflicting file of a job, for the task panel.
#[derive(Debug, Clone, PartialEq)]
pub struct FileError {
    pub id: String,
    pub name: String,
    pub error: String,
}

impl Queue {
    pub fn running(&self) -> Option<&Job> {
        self.jobs.iter().find(|j| j.status == JobStatus::Running)
    }

    /// A job runs or waits to.
    pub fn busy(&self) -> bool {
        self.jobs
            .iter()
            .any(|j| matches!(j.status, JobStatus::Running | JobStatus::Queued))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobStatus {
    Queued,
    Running,
    Done,
    Cancelled,
}

/// A queued, running or finished job.
#[derive(Debug, Clone, PartialEq)]
pub struct Job {
    pub id: u64,
    /// The undo unit (one apply, one undo, one retry) this job belongs to.
    pub group: u64,
    pub op: Operation,
    /// What was planned (kept for undo and retry; shared with the running job, not copied).
    pub plan: Arc<Plan>,
    pub origin: Origin,
    pub guard: Option<Guard>,
    /// The job's journal, once it ran journaled.
    pub journal: Option<String>,
    pub total: usize,
    pub done: usize,
    pub succeeded: Vec<String>,
    pub failed: usize,
    pub skipped: usize,
    pub missing: usize,
    /// Files whose extension answered `pending`.
    pub pending: usize,
    pub cancelled: usize,
    /// Files undo left alone because they changed since.
    pub conflicts: usize,
    /// Files already counted (an undo sends a file in up to two calls).
    counted: HashSet<String>,
    pub status: JobStatus,
    /// (file id, name, server error) for failed files.
    pub errors: Vec<FileError>,
    pub started: Option<Instant>,
    pub ended: Option<Instant>,
}

impl Job {
    /// Files per second and seconds left, once there is something to measure.
    pub fn rate(&self, now: Option<Instant>) -> Option<(f64, f64)> {
        let start = self.started?;
        let end = self.ended.or(now)?;
        let secs = end.duration_since(start).as_secs_f64();
        // Cancelled files were never sent: they do not count towards the rate.
        let sent = self.done.saturating_sub(self.cancelled);
        if secs < 0.05 || sent == 0 {
            return None;
        }
        let rate = sent as f64 / secs;
        Some((rate, (self.total.saturating_sub(self.done)) as f64 / rate))
    }

    /// What the task panel calls it.
    pub fn title(&self) -> String {
        match &self.op {
            Operation::Undo { label, .. } => label.clone(),
            op => op.name().to_owned(),
        }
    }

    fn finished(&self) -> bool {
        matches!(self.status, JobStatus::Done | JobStatus::Cancelled)
    }
}

/// One undo unit: what one apply, undo or retry queued.
#[derive(Debug, Clone, PartialEq)]
pub struct UndoUnit {
    pub group: u64,
    /// `−font +cc on 1 file`.
    pub label: String,
    /// The unit that undid this one.
    pub undone_by: Option<u64>,
    /// This unit is the undo of that one (`u` walks past it, never redoes).
    pub undo_of: Option<u64>,
}

/// A new undo unit labelled `label`; its jobs are queued with the returned group.
pub fn new_unit(s: &mut State, label: String) -> u64 {
    let group = s.new_id();
    s.queue.undo.push(UndoUnit {
        group,
        label,
        undone_by: None,
        undo_of: None,
    });
    group
}

/// Plans a job and queues it in `group`.
pub fn enqueue(
    s: &mut State,
    op: Operation,
    ids: &[String],
    group: u64,
) -> Result<(), jobs::PlanError> {
    let plan = jobs::plan_with(op, ids, |id| s.file(id))?;
    queue(s, plan, group, Origin::New, None);
    Ok(())
}

/// Queues a planned job.
pub fn queue(s: &mut State, plan: Plan, group: u64, origin: Origin, guard: Option<Guard>) {
    let id = s.new_job_id();
    s.queue.jobs.push(Job {
        id,
        group,
        op: plan.op.clone(),
        total: plan.file_count(),
        plan: Arc::new(plan),
        origin,
        guard,
        journal: None,
        done: 0,
        succeeded: Vec::new(),
        failed: 0,
        skipped: 0,
        missing: 0,
        pending: 0,
        cancelled: 0,
        conflicts: 0,
        counted: HashSet::new(),
        status: JobStatus::Queued,
        errors: Vec::new(),
        started: None,
        ended: None,
    });
}

/// Starts the next queued job if none runs.
pub fn pump(s: &mut State) -> Vec<Effect> {
    if s.running().is_some() {
        return Vec::new();
    }
    let now = s.now;
    let paths = |plan: &Plan| -> BTreeMap<String, String> {
        plan.units
            .iter()
            .flat_map(|u| &u.ids)
            .filter_map(|id| s.file(id).map(|f| (id.clone(), f.file_path.to_string())))
            .collect()
    };
    let Some(i) = s
        .queue
        .jobs
        .iter()
        .position(|j| j.status == JobStatus::Queued)
    else {
        return Vec::new();
    };
    let paths = paths(&s.queue.jobs[i].plan);
    let j = &mut s.queue.jobs[i];
    j.status = JobStatus::Running;
    j.started = now;
    vec![Effect::RunJob {
        job: j.id,
        plan: Arc::clone(&j.plan),
        origin: j.origin.clone(),
        guard: j.guard.clone(),
        paths,
    }]
}

/// Applies outcomes to the files and the job. `last`: the final list (only skipped and
/// cancelled outcomes are new there; the rest, conflicts included, came as progress).
pub fn record(s: &mut State, job: u64, outcomes: &[FileOutcome], last: bool) {
    let Some(ji) = s.queue.jobs.iter().position(|j| j.id == job) else {
        return;
    };
    let is_delete = s.queue.jobs[ji].op == Operation::Delete;
    let auto_tag = matches!(s.queue.jobs[ji].op, Operation::AutoTag { .. });
    let mut gone = HashSet::new();
    for o in outcomes {
        let fresh = !last || matches!(o.outcome, Outcome::Skipped { .. } | Outcome::Cancelled);
        if !fresh {
            continue;
        }
        let name = s
            .file(&o.file_id)
            .map_or_else(|| o.file_id.clone(), |f| f.name().to_owned());
        let j = &mut s.queue.jobs[ji];
        let multi = matches!(j.op, Operation::Undo { .. });
        if multi && !j.counted.insert(o.file_id.clone()) {
            // The file's second call (an undo's −tag and +tag): only a failure changes
            // what it counts as. Conflicts come once, before any call.
            if let Outcome::Failed { status, error } = &o.outcome {
                if let Some(i) = j.succeeded.iter().position(|x| *x == o.file_id) {
                    j.succeeded.swap_remove(i);
                    j.failed += 1;
                }
                failed(s, ji, &o.file_id, name, failure_text(*status, error));
            }
            continue;
        }
        j.done += 1;
        match &o.outcome {
            Outcome::Failed { status, error } => {
                j.failed += 1;
                failed(s, ji, &o.file_id, name, failure_text(*status, error));
                if auto_tag {
                    s.autotag
                        .ext
                        .insert(o.file_id.clone(), super::autotag::ExtState::Failed);
                }
            }
            Outcome::Pending {
                extensions,
                updated_at,
            } => {
                j.pending += 1;
                s.queue.errors.remove(&o.file_id);
                s.unselect(&o.file_id);
                let pending = super::autotag::ExtState::Pending {
                    extensions: extensions.clone(),
                    since: *updated_at,
                    first_poll: s.now,
                };
                s.autotag.ext.insert(o.file_id.clone(), pending);
            }
            Outcome::Succeeded => {
                if auto_tag {
                    s.autotag
                        .ext
                        .insert(o.file_id.clone(), super::autotag::ExtState::Success);
                }
                j.succeeded.push(o.file_id.clone());
                s.queue.errors.remove(&o.file_id);
                s.unselect(&o.file_id);
                if is_delete {
                    gone.insert(o.file_id.clone());
                }
                // The server confirmed it: show it now (the files are read back at the end).
                apply_locally(s, ji, &o.file_id);
            }
            Outcome::Missing { .. } => {
                j.missing += 1;
                // The server says the file no longer exists.
                gone.insert(o.file_id.clone());
            }
            Outcome::Skipped { .. } => {
                j.skipped += 1;
                s.queue.errors.remove(&o.file_id);
                s.unselect(&o.file_id);
            }
            Outcome::Conflict { changed } => {
                j.conflicts += 1;
                j.errors.push(FileError {
                    id: o.file_id.clone(),
                    name,
                    error: format!("conflict: {changed}"),
                });
            }
            Outcome::Cancelled => j.cancelled += 1,
        }
    }
    s.remove_files(&gone);
}

/// A file the server refused: listed on the job, badged, and kept selected so `R` retries
/// exactly the failed files.
fn failed(s: &mut State, ji: usize, id: &str, name: String, error: String) {
    let j = &mut s.queue.jobs[ji];
    j.errors.push(FileError {
        id: id.to_owned(),
        name,
        error: error.clone(),
    });
    let badge = Badge { job: j.id, error };
    s.queue.errors.insert(id.to_owned(), badge);
    s.select(id);
}

/// `207 Error in adding tags`, or the message alone when there was no status.
fn failure_text(status: Option<u16>, error: &str) -> String {
    match status {
        Some(code) => format!("{code} {error}"),
        None => error.to_owned(),
    }
}

/// Applies a confirmed tag change to the file as the list shows it.
fn apply_locally(s: &mut State, job: usize, id: &str) {
    let Some(f) = s.file(id) else {
        return;
    };
    let mut tags = f.tags.to_vec();
    match &s.queue.jobs[job].op {
        Operation::AddTags { tags: add } => {
            for t in add {
                if !tags.contains(t) {
                    tags.push(t.clone());
                }
            }
        }
        Operation::RemoveTags { tags: rm } => tags.retain(|t| !rm.contains(t)),
        Operation::ReplaceTags { tags: new } => tags = new.clone(),
        Operation::MergeTags { from, into } => {
            tags.retain(|t| !from.contains(t) || t == into);
            if !tags.contains(into) {
                tags.push(into.clone());
            }
        }
        _ => return,
    }
    s.set_tags(id, &tags);
}

/// The job ended: counts, status line, the next queued job.
pub fn job_done(s: &mut State, job: u64, outcomes: &[FileOutcome]) -> Vec<Effect> {
    record(s, job, outcomes, true);
    if let Some(j) = s.queue.jobs.iter_mut().find(|j| j.id == job) {
        j.ended = s.now;
        j.status = if j.cancelled > 0 {
            JobStatus::Cancelled
        } else {
            JobStatus::Done
        };
        j.done = j.total.max(j.done);
        let mut status = format!(
            "{}: {} succeeded, {} failed, {} missing, {} skipped",
            j.title(),
            j.succeeded.len(),
            j.failed,
            j.missing,
            j.skipped,
        );
        if j.cancelled > 0 {
            let _ = write!(status, ", {} cancelled", j.cancelled);
        }
        if j.conflicts > 0 {
            let _ = write!(
                status,
                ", {} left alone (changed since; t shows what changed)",
                j.conflicts
            );
        }
        if j.pending > 0 {
            let _ = write!(status, ", {} {PENDING_NOTE}", j.pending);
        }
        s.status = status;
    }
    pump(s)
}

/// Cancels the running job (its calls in flight finish) and drops queued ones.
pub fn cancel(s: &mut State, only: Option<u64>) -> Vec<Effect> {
    let mut effects = Vec::new();
    for j in &mut s.queue.jobs {
        if only.is_some_and(|id| id != j.id) {
            continue;
        }
        match j.status {
            JobStatus::Running => {
                effects.push(Effect::Cancel(j.id));
                s.status = format!("cancelling “{}”: running calls finish first", j.title());
            }
            JobStatus::Queued => {
                j.status = JobStatus::Cancelled;
                j.cancelled = j.total;
                j.done = j.total;
            }
            _ => {}
        }
    }
    if effects.is_empty() && s.status.is_empty() {
        s.status = "no job is running".into();
    }
    effects
}

/// Retries the failed files (of one job, or of all): the job's own plan for just those
/// files, as one new unit.
pub fn retry(s: &mut State, only: Option<u64>) -> Vec<Effect> {
    let mut by_job: BTreeMap<u64, HashSet<&str>> = BTreeMap::new();
    for (id, badge) in &s.queue.errors {
        if only.is_none_or(|j| j == badge.job) {
            by_job.entry(badge.job).or_default().insert(id.as_str());
        }
    }
    let plans: Vec<(Plan, Origin)> = by_job
        .iter()
        .filter_map(|(job, ids)| {
            let j = s.queue.jobs.iter().find(|j| j.id == *job)?;
            let origin = match &j.journal {
                Some(of) => Origin::Retry { of: of.clone() },
                None => Origin::New,
            };
            Some((j.plan.restrict(ids), origin))
        })
        .collect();
    if plans.is_empty() {
        s.status = "nothing to retry: no file has failed".into();
        return Vec::new();
    }
    let group = s.new_id();
    let n: usize = plans.iter().map(|(p, _)| p.changing()).sum();
    for (plan, origin) in plans {
        queue(s, plan, group, origin, None);
    }
    s.queue.undo.push(UndoUnit {
        group,
        label: format!("retry of {n} failed files"),
        undone_by: None,
        undo_of: None,
    });
    s.status = format!("retrying {n} failed files");
    pump(s)
}

/// What `u` would undo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UndoCandidate {
    pub group: u64,
    pub label: String,
    /// Files its reversible jobs changed.
    pub files: usize,
}

/// Why `u` has nothing to undo.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NothingToUndo {
    #[error("“{0}” is still running")]
    Running(String),
    #[error("nothing left to undo")]
    Empty,
}

/// The unit `u` would undo: the most recent finished one that is not undone and is not
/// itself an undo, with reversible jobs that changed files.
pub fn undo_candidate(s: &State) -> Result<UndoCandidate, NothingToUndo> {
    for u in s.queue.undo.iter().rev() {
        if u.undone_by.is_some() || u.undo_of.is_some() {
            continue;
        }
        let group: Vec<&Job> = s.queue.jobs.iter().filter(|j| j.group == u.group).collect();
        if group.iter().any(|j| !j.finished()) {
            return Err(NothingToUndo::Running(u.label.clone()));
        }
        let files: HashSet<&String> = group
            .iter()
            .filter(|j| j.op.reversible())
            .flat_map(|j| &j.succeeded)
            .collect();
        if !files.is_empty() {
            return Ok(UndoCandidate {
                group: u.group,
                label: u.label.clone(),
                files: files.len(),
            });
        }
    }
    Err(NothingToUndo::Empty)
}

/// Undoes a unit as one job: the jobs' inverse from `jobs::inverse`, guarded by the files
/// as the list shows them now (read back after each job), so a file changed since is left.
pub fn undo(s: &mut State, group: u64) -> Vec<Effect> {
    let Some(ui) = s.queue.undo.iter().position(|u| u.group == group) else {
        return Vec::new();
    };
    let label = s.queue.undo[ui].label.clone();
    let parts: Vec<&Job> = s
        .queue
        .jobs
        .iter()
        .filter(|j| j.group == group && j.op.reversible())
        .collect();
    let applied: Vec<Applied> = parts
        .iter()
        .map(|j| Applied {
            plan: &j.plan,
            succeeded: j.succeeded.iter().map(String::as_str).collect(),
            after: None,
        })
        .collect();
    let (plan, refused) = undo_plan(&applied, format!("undo {label}"));
    let mut journals = parts.iter().filter_map(|j| j.journal.clone());
    let origin = match journals.next() {
        Some(of) => Origin::Undo {
            of,
            with: journals.collect(),
        },
        None => Origin::New,
    };
    let guard: Guard = plan
        .units
        .iter()
        .flat_map(|u| &u.ids)
        .filter_map(|id| {
            let f = s.file(id)?;
            let expect = Expect {
                updated_at: Some(f.updated_at),
                tags: Some(f.tags.to_vec()),
            };
            Some((id.clone(), expect))
        })
        .collect();
    if plan.units.is_empty() {
        s.status = format!("nothing to put back for “{label}”");
        return Vec::new();
    }
    let new = s.new_id();
    let files = plan.changing();
    queue(s, plan, new, origin, Some(guard));
    s.queue.undo[ui].undone_by = Some(new);
    s.queue.undo.push(UndoUnit {
        group: new,
        label: format!("undo {label}"),
        undone_by: None,
        undo_of: Some(group),
    });
    s.status = format!("undoing “{label}” on {files} files");
    if !refused.is_empty() {
        let _ = write!(s.status, " ({} cannot be restored)", refused.len());
    }
    pump(s)
}
