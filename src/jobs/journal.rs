//! The job journal: one JSON-lines file per job, written and flushed to disk before and
//! after each unit, so a killed process leaves an exact record of what was applied.
//!
//! Lines: `{"type":"job",…plan, library, origin, paths…}`, then
//! `{"type":"start","unit":N,"ids":[…]}` and `{"type":"done","unit":N,"outcomes":[…]}` per
//! unit, then `{"type":"after","files":{id:{updatedAt,tags}}}` (the confirmed files as read
//! back, what undo checks for conflicts) and `{"type":"end","summary":…}`.
//! The journal never holds the private key, only its fingerprint ([`Library`]).
//! Journals of earlier versions (no library, origin or paths) still load.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};

use super::{FileOutcome, Library, Plan, Summary};
use crate::model::Timestamp;

/// What a job is: new work, or the undo, resume or retry of an earlier job.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Origin {
    #[default]
    New,
    Undo {
        of: String,
        /// Other jobs undone together with `of` (one TUI apply of several jobs).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        with: Vec<String>,
    },
    Resume {
        of: String,
    },
    Retry {
        of: String,
    },
}

impl Origin {
    /// The job this one continues or reverses.
    pub fn parent(&self) -> Option<&str> {
        match self {
            Origin::New => None,
            Origin::Undo { of, .. } | Origin::Resume { of } | Origin::Retry { of } => Some(of),
        }
    }

    pub fn describe(&self) -> String {
        match self {
            Origin::New => String::new(),
            Origin::Undo { of, with } if with.is_empty() => format!("undo of {of}"),
            Origin::Undo { of, with } => format!("undo of {of} and {}", with.join(", ")),
            Origin::Resume { of } => format!("resume of {of}"),
            Origin::Retry { of } => format!("retry of {of}"),
        }
    }
}

/// A file as the server confirmed it after the job (undo compares against it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileState {
    pub updated_at: Timestamp,
    pub tags: Vec<String>,
}

impl FileState {
    pub fn of(f: &crate::model::FileDetails) -> FileState {
        FileState {
            updated_at: f.updated_at,
            tags: f.tags.clone(),
        }
    }
}

/// What the journal records about a job besides its plan.
#[derive(Debug, Clone, Default)]
pub struct Header {
    pub library: Option<Library>,
    pub origin: Origin,
    /// File id → path, at plan time.
    pub paths: BTreeMap<String, String>,
}

/// One journal line. Written from borrowed data (a 100 000-file plan is not copied to be
/// journaled); read back owned.
// One line exists at a time (written, or read and folded into the record): its size
// does not matter, and boxing would cost an allocation per `start`/`done` line.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
enum Line<'a> {
    Job {
        id: String,
        #[serde(rename = "baseUrl")]
        base_url: String,
        #[serde(rename = "createdAt")]
        created_at: Timestamp,
        plan: Cow<'a, Plan>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        library: Option<Cow<'a, Library>>,
        #[serde(default)]
        origin: Origin,
        #[serde(default, skip_serializing_if = "is_empty")]
        paths: Cow<'a, BTreeMap<String, String>>,
    },
    Start {
        unit: usize,
        ids: Cow<'a, [String]>,
    },
    Done {
        unit: usize,
        outcomes: Cow<'a, [FileOutcome]>,
    },
    After {
        files: BTreeMap<String, FileState>,
    },
    End {
        summary: Summary,
    },
}

// serde hands `skip_serializing_if` a reference to the field as declared.
#[allow(clippy::ptr_arg)]
fn is_empty(paths: &Cow<'_, BTreeMap<String, String>>) -> bool {
    paths.is_empty()
}

/// An open journal of a running job.
pub struct Journal {
    pub id: String,
    pub path: PathBuf,
    file: Mutex<File>,
    /// Lines written but not yet flushed (only the plan, until the first units start).
    dirty: AtomicBool,
}

/// Errors reading or writing journals.
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("job journal {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("job journal {path}, line {line}: {message}")]
    Corrupt {
        path: String,
        line: usize,
        message: String,
    },
    #[error("no job {0:?}; `iktag jobs` lists the jobs")]
    NoSuchJob(String),
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> JournalError + '_ {
    move |source| JournalError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// A new, unique, sortable job id: `YYYYMMDD-HHMMSS-mmm-xx`.
pub fn new_job_id() -> String {
    let now = chrono::Utc::now();
    format!(
        "{}-{:02x}",
        now.format("%Y%m%d-%H%M%S-%3f"),
        fastrand::u8(..)
    )
}

impl Journal {
    /// Creates the journal and writes the plan. The plan is flushed with the next lines
    /// (the first units' `start` lines, so before any unit runs: one flush less on the way
    /// to the first call), or when the journal is dropped with nothing after it.
    pub fn create(dir: &Path, plan: &Plan, header: &Header) -> Result<Journal, JournalError> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let id = new_job_id();
        let path = dir.join(format!("{id}.jsonl"));
        let file = OpenOptions::new()
            .create_new(true)
            .append(true)
            .open(&path)
            .map_err(io_err(&path))?;
        let j = Journal {
            id: id.clone(),
            path,
            file: Mutex::new(file),
            dirty: AtomicBool::new(false),
        };
        j.append(
            &[Line::Job {
                id,
                base_url: header
                    .library
                    .as_ref()
                    .map(|l| l.base_url.clone())
                    .unwrap_or_default(),
                created_at: Timestamp::now(),
                plan: Cow::Borrowed(plan),
                library: header.library.as_ref().map(Cow::Borrowed),
                origin: header.origin.clone(),
                paths: Cow::Borrowed(&header.paths),
            }],
            false,
        )?;
        Ok(j)
    }

    fn write(&self, line: &Line<'_>) -> Result<(), JournalError> {
        self.write_all(std::slice::from_ref(line))
    }

    /// Appends lines in order and flushes them to disk once (a group commit: every line
    /// is on disk when this returns, at the cost of one flush).
    fn write_all(&self, lines: &[Line<'_>]) -> Result<(), JournalError> {
        self.append(lines, true)
    }

    /// Appends lines in order; `flush`: and flushes them (and any before them) to disk.
    fn append(&self, lines: &[Line<'_>], flush: bool) -> Result<(), JournalError> {
        let mut f = self
            .file
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        // Streamed to the file: a line is never held whole in memory.
        let mut out = std::io::BufWriter::with_capacity(64 * 1024, &mut *f);
        for line in lines {
            serde_json::to_writer(&mut out, line).map_err(|e| JournalError::Io {
                path: self.path.display().to_string(),
                source: std::io::Error::other(e),
            })?;
            out.write_all(b"\n").map_err(io_err(&self.path))?;
        }
        out.flush().map_err(io_err(&self.path))?;
        drop(out);
        if !flush {
            if !lines.is_empty() {
                self.dirty.store(true, Ordering::SeqCst);
            }
            return Ok(());
        }
        if lines.is_empty() && !self.dirty.load(Ordering::SeqCst) {
            return Ok(());
        }
        f.sync_data().map_err(io_err(&self.path))?;
        self.dirty.store(false, Ordering::SeqCst);
        Ok(())
    }

    pub fn unit_started(&self, unit: usize, ids: &[String]) -> Result<(), JournalError> {
        self.write(&Line::Start {
            unit,
            ids: Cow::Borrowed(ids),
        })
    }

    pub fn unit_done(&self, unit: usize, outcomes: &[FileOutcome]) -> Result<(), JournalError> {
        self.write(&Line::Done {
            unit,
            outcomes: Cow::Borrowed(outcomes),
        })
    }

    /// The `done` lines of units that finished, then the `start` lines of units about to
    /// go out, flushed once (a group commit: all of them are on disk when this returns).
    pub fn units(
        &self,
        done: &[(usize, &[FileOutcome])],
        starting: &[(usize, &[String])],
    ) -> Result<(), JournalError> {
        let done = done.iter().map(|(unit, outcomes)| Line::Done {
            unit: *unit,
            outcomes: Cow::Borrowed(*outcomes),
        });
        let starting = starting.iter().map(|(unit, ids)| Line::Start {
            unit: *unit,
            ids: Cow::Borrowed(*ids),
        });
        self.write_all(&done.chain(starting).collect::<Vec<_>>())
    }

    /// The confirmed files as read back after the run.
    pub fn after(&self, files: BTreeMap<String, FileState>) -> Result<(), JournalError> {
        self.write(&Line::After { files })
    }

    pub fn finished(&self, summary: &Summary) -> Result<(), JournalError> {
        self.write(&Line::End {
            summary: summary.clone(),
        })
    }

    /// [`after`](Self::after) then [`finished`](Self::finished), flushed once.
    pub fn after_and_finished(
        &self,
        files: BTreeMap<String, FileState>,
        summary: &Summary,
    ) -> Result<(), JournalError> {
        self.write_all(&[
            Line::After { files },
            Line::End {
                summary: summary.clone(),
            },
        ])
    }
}

impl Drop for Journal {
    fn drop(&mut self) {
        if self.dirty.load(Ordering::SeqCst) {
            let f = self
                .file
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if let Err(e) = f.sync_data() {
                tracing::error!(error = %e, path = %self.path.display(), "cannot flush the job journal");
            }
        }
    }
}

/// What a journal says about a job.
#[derive(Debug, Clone)]
pub struct JobRecord {
    pub id: String,
    pub path: PathBuf,
    pub base_url: String,
    pub created_at: Timestamp,
    pub plan: Plan,
    /// `None`: written by an earlier version that did not record it.
    pub library: Option<Library>,
    pub origin: Origin,
    pub paths: BTreeMap<String, String>,
    /// The confirmed files as read back after the job (empty if it never ended).
    pub after: BTreeMap<String, FileState>,
    /// Outcomes of the units that finished, by file.
    pub outcomes: BTreeMap<String, FileOutcome>,
    /// Units that started but have no recorded end (the process died meanwhile).
    pub interrupted_units: Vec<usize>,
    pub finished: Option<Summary>,
}

impl JobRecord {
    /// Files the job planned to change that have no recorded outcome.
    pub fn unapplied(&self) -> Vec<String> {
        self.plan
            .units
            .iter()
            .flat_map(|u| &u.ids)
            .filter(|id| !self.outcomes.contains_key(*id))
            .cloned()
            .collect()
    }
}

/// Reads one job's journal. A torn last line (killed mid-write) is ignored.
pub fn load(dir: &Path, id: &str) -> Result<JobRecord, JournalError> {
    if id.contains(['/', '\\']) || id.starts_with('.') {
        return Err(JournalError::NoSuchJob(id.to_owned()));
    }
    let path = dir.join(format!("{id}.jsonl"));
    let file = File::open(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => JournalError::NoSuchJob(id.to_owned()),
        _ => io_err(&path)(e),
    })?;
    let lines: Vec<String> = BufReader::new(file)
        .lines()
        .collect::<Result<_, _>>()
        .map_err(io_err(&path))?;
    let mut record: Option<JobRecord> = None;
    let mut started: HashSet<usize> = HashSet::new();
    let count = lines.len();
    for (i, text) in lines.iter().enumerate() {
        let line: Line<'static> = match serde_json::from_str(text) {
            Ok(l) => l,
            Err(_) if i + 1 == count => break,
            Err(e) => {
                return Err(JournalError::Corrupt {
                    path: path.display().to_string(),
                    line: i + 1,
                    message: e.to_string(),
                });
            }
        };
        match (line, &mut record) {
            (
                Line::Job {
                    id,
                    base_url,
                    created_at,
                    plan,
                    library,
                    origin,
                    paths,
                },
                None,
            ) => {
                record = Some(JobRecord {
                    id,
                    path: path.clone(),
                    base_url,
                    created_at,
                    plan: plan.into_owned(),
                    library: library.map(Cow::into_owned),
                    origin,
                    paths: paths.into_owned(),
                    after: BTreeMap::new(),
                    outcomes: BTreeMap::new(),
                    interrupted_units: Vec::new(),
                    finished: None,
                });
            }
            (Line::Start { unit, .. }, Some(_)) => {
                started.insert(unit);
            }
            (Line::Done { unit, outcomes }, Some(r)) => {
                started.remove(&unit);
                for o in outcomes.into_owned() {
                    // A file sent in several calls keeps the outcome that matters most.
                    match r.outcomes.get(&o.file_id) {
                        Some(old) if old.outcome.weight() >= o.outcome.weight() => {}
                        _ => {
                            r.outcomes.insert(o.file_id.clone(), o);
                        }
                    }
                }
            }
            (Line::After { files }, Some(r)) => r.after.extend(files),
            (Line::End { summary }, Some(r)) => r.finished = Some(summary),
            _ => {
                return Err(JournalError::Corrupt {
                    path: path.display().to_string(),
                    line: i + 1,
                    message: "lines out of order".into(),
                });
            }
        }
    }
    let mut r = record.ok_or_else(|| JournalError::Corrupt {
        path: path.display().to_string(),
        line: 1,
        message: "no job header".into(),
    })?;
    let mut interrupted: Vec<usize> = started.into_iter().collect();
    interrupted.sort_unstable();
    r.interrupted_units = interrupted;
    Ok(r)
}

/// All jobs in the state dir, newest first. Unreadable journals are skipped with a warning.
pub fn list(dir: &Path) -> Result<Vec<JobRecord>, JournalError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(dir)(e)),
    };
    let mut jobs = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(id) = name.strip_suffix(".jsonl") {
            match load(dir, id) {
                Ok(r) => jobs.push(r),
                Err(e) => tracing::warn!(error = %e, "skipping an unreadable job journal"),
            }
        }
    }
    jobs.sort_by(|a, b| b.id.cmp(&a.id));
    Ok(jobs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jobs::{Operation, Outcome, plan};

    #[test]
    fn journal_records_units_and_survives_a_torn_last_line() {
        let dir = tempfile::tempdir().unwrap();
        let ids: Vec<String> = (0..120).map(|i| format!("{i:024x}")).collect();
        let p = plan(
            Operation::AddTags {
                tags: vec!["t".into()],
            },
            &ids,
            &std::collections::HashMap::new(),
        )
        .unwrap();
        let header = Header {
            library: Some(Library::new("http://127.0.0.1:1", None, "k", false)),
            ..Default::default()
        };
        let j = Journal::create(dir.path(), &p, &header).unwrap();
        j.unit_started(0, &p.units[0].ids).unwrap();
        j.unit_started(1, &p.units[1].ids).unwrap();
        let done: Vec<FileOutcome> = p.units[0]
            .ids
            .iter()
            .map(|id| FileOutcome {
                file_id: id.clone(),
                outcome: Outcome::Succeeded,
            })
            .collect();
        j.unit_done(0, &done).unwrap();
        // A kill mid-write leaves half a line.
        std::fs::OpenOptions::new()
            .append(true)
            .open(&j.path)
            .unwrap()
            .write_all(b"{\"type\":\"do")
            .unwrap();

        let r = load(dir.path(), &j.id).unwrap();
        assert_eq!(r.outcomes.len(), 50);
        assert_eq!(r.interrupted_units, [1]);
        assert_eq!(r.unapplied().len(), 70);
        assert!(r.finished.is_none());
        assert_eq!(list(dir.path()).unwrap().len(), 1);
        assert!(matches!(
            load(dir.path(), "nope"),
            Err(JournalError::NoSuchJob(_))
        ));
        assert!(matches!(
            load(dir.path(), "../etc/passwd"),
            Err(JournalError::NoSuchJob(_))
        ));
    }
}
