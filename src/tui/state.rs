//! TUI state and the pure update function: `update(&mut State, Action) -> Vec<Effect>`.
//! No I/O and no clock here; effects are run by the event loop and come back as actions.

use std::collections::{BTreeSet, HashMap};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::jobs::{FileOutcome, Operation, Outcome, Summary};
use crate::model::FileDetails;

/// Everything that can happen.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Key(KeyEvent),
    /// A page of the listing arrived.
    Page(Vec<FileDetails>),
    LoadDone,
    LoadFailed(String),
    /// Outcomes of one finished unit of the running job.
    JobProgress(Vec<FileOutcome>),
    JobDone(Summary),
    /// The job could not start (e.g. a tag ImageKit would reject).
    JobFailed(String),
    /// Fresh details of files a job touched: the list shows what the server confirmed.
    Refreshed(Vec<FileDetails>),
    Resize,
}

/// Work for the event loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    RunJob { op: Operation, ids: Vec<String> },
    Refresh(Vec<String>),
    Quit,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    /// Typing a tag to add or remove.
    Prompt {
        add: bool,
        input: String,
    },
    Help,
}

/// A running or finished job, as the action bar and badges see it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobView {
    pub name: String,
    pub total: usize,
    pub done: usize,
    pub failed: usize,
    pub running: bool,
}

#[derive(Debug, Clone)]
pub struct State {
    pub files: Vec<FileDetails>,
    index: HashMap<String, usize>,
    pub cursor: usize,
    pub offset: usize,
    pub selected: BTreeSet<String>,
    /// Server error text (escaped at render) for files whose last job failed.
    pub errors: HashMap<String, String>,
    pub loading: bool,
    pub load_error: Option<String>,
    pub mode: Mode,
    pub job: Option<JobView>,
    /// The last job's operation, for `R` (retry failed).
    pub last_op: Option<Operation>,
    pub status: String,
    pub demo: bool,
    pub read_only: bool,
    /// Rows the list shows (set by the renderer's layout, used for paging).
    pub page_rows: usize,
}

impl State {
    pub fn new(demo: bool, read_only: bool) -> Self {
        State {
            files: Vec::new(),
            index: HashMap::new(),
            cursor: 0,
            offset: 0,
            selected: BTreeSet::new(),
            errors: HashMap::new(),
            loading: true,
            load_error: None,
            mode: Mode::Normal,
            job: None,
            last_op: None,
            status: String::new(),
            demo,
            read_only,
            page_rows: 20,
        }
    }

    pub fn focused(&self) -> Option<&FileDetails> {
        self.files.get(self.cursor)
    }

    /// The files an action applies to: the selection, else the focused file.
    pub fn targets(&self) -> Vec<String> {
        if self.selected.is_empty() {
            self.focused()
                .map(|f| vec![f.file_id.clone()])
                .unwrap_or_default()
        } else {
            self.selected.iter().cloned().collect()
        }
    }

    fn move_to(&mut self, to: usize) {
        if self.files.is_empty() {
            self.cursor = 0;
            return;
        }
        self.cursor = to.min(self.files.len() - 1);
        let rows = self.page_rows.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + rows {
            self.offset = self.cursor + 1 - rows;
        }
    }

    fn job_running(&self) -> bool {
        self.job.as_ref().is_some_and(|j| j.running)
    }
}

/// Applies an action. Returns the effects to run.
pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Page(files) => {
            for f in files {
                match s.index.get(&f.file_id) {
                    Some(&i) => s.files[i] = f,
                    None => {
                        s.index.insert(f.file_id.clone(), s.files.len());
                        s.files.push(f);
                    }
                }
            }
            Vec::new()
        }
        Action::LoadDone => {
            s.loading = false;
            Vec::new()
        }
        Action::LoadFailed(e) => {
            s.loading = false;
            s.load_error = Some(e);
            Vec::new()
        }
        Action::Refreshed(files) => update(s, Action::Page(files)),
        Action::JobProgress(outcomes) => {
            if let Some(j) = &mut s.job {
                j.done += outcomes.len();
            }
            for o in outcomes {
                match o.outcome {
                    Outcome::Failed { status, error } => {
                        let text = match status {
                            Some(code) => format!("{code} {error}"),
                            None => error,
                        };
                        s.errors.insert(o.file_id.clone(), text);
                        if let Some(j) = &mut s.job {
                            j.failed += 1;
                        }
                        // Failed files stay selected, so R retries exactly them.
                        s.selected.insert(o.file_id);
                    }
                    _ => {
                        s.errors.remove(&o.file_id);
                        s.selected.remove(&o.file_id);
                    }
                }
            }
            Vec::new()
        }
        Action::JobDone(summary) => {
            if let Some(j) = &mut s.job {
                j.running = false;
            }
            s.status = format!(
                "{} succeeded, {} failed, {} missing, {} skipped",
                summary.succeeded, summary.failed, summary.missing, summary.skipped
            );
            Vec::new()
        }
        Action::JobFailed(e) => {
            s.job = None;
            s.status = e;
            Vec::new()
        }
        Action::Resize => Vec::new(),
        Action::Key(k) => key(s, k),
    }
}

fn start_job(s: &mut State, op: Operation, ids: Vec<String>) -> Vec<Effect> {
    if s.read_only {
        s.status = "read-only: changes are disabled".into();
        return Vec::new();
    }
    if s.job_running() {
        s.status = "a job is running; wait for it to finish".into();
        return Vec::new();
    }
    if ids.is_empty() {
        s.status = "no files selected".into();
        return Vec::new();
    }
    s.last_op = Some(op.clone());
    s.job = Some(JobView {
        name: op.name().to_owned(),
        total: ids.len(),
        done: 0,
        failed: 0,
        running: true,
    });
    s.status.clear();
    vec![Effect::RunJob { op, ids }]
}

fn key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && k.code == KeyCode::Char('c') {
        return vec![Effect::Quit];
    }
    match &mut s.mode {
        Mode::Help => {
            s.mode = Mode::Normal;
            return Vec::new();
        }
        Mode::Prompt { add, input } => {
            match k.code {
                KeyCode::Esc => s.mode = Mode::Normal,
                KeyCode::Backspace => {
                    input.pop();
                }
                KeyCode::Enter => {
                    let tag = input.trim().to_owned();
                    let add = *add;
                    s.mode = Mode::Normal;
                    if tag.is_empty() {
                        return Vec::new();
                    }
                    let op = if add {
                        Operation::AddTags { tags: vec![tag] }
                    } else {
                        Operation::RemoveTags { tags: vec![tag] }
                    };
                    let ids = s.targets();
                    return start_job(s, op, ids);
                }
                KeyCode::Char(c) if !c.is_control() && input.chars().count() < 200 => input.push(c),
                _ => {}
            }
            return Vec::new();
        }
        Mode::Normal => {}
    }
    let page = s.page_rows.max(1);
    match (k.code, ctrl) {
        (KeyCode::Char('q'), false) => return vec![Effect::Quit],
        (KeyCode::Char('?'), _) => s.mode = Mode::Help,
        (KeyCode::Down | KeyCode::Char('j'), false) => s.move_to(s.cursor + 1),
        (KeyCode::Up | KeyCode::Char('k'), false) => s.move_to(s.cursor.saturating_sub(1)),
        (KeyCode::PageDown, _) | (KeyCode::Char('d'), true) => s.move_to(s.cursor + page),
        (KeyCode::PageUp, _) | (KeyCode::Char('u'), true) => {
            s.move_to(s.cursor.saturating_sub(page))
        }
        (KeyCode::Home | KeyCode::Char('g'), false) => s.move_to(0),
        (KeyCode::End | KeyCode::Char('G'), false) => s.move_to(usize::MAX),
        (KeyCode::Char(' '), false) => {
            if let Some(id) = s.focused().map(|f| f.file_id.clone())
                && !s.selected.remove(&id)
            {
                s.selected.insert(id);
            }
            s.move_to(s.cursor + 1);
        }
        (KeyCode::Char('a'), true) => {
            s.selected = s.files.iter().map(|f| f.file_id.clone()).collect()
        }
        (KeyCode::Esc, _) => s.selected.clear(),
        (KeyCode::Char('+'), false) => {
            s.mode = Mode::Prompt {
                add: true,
                input: String::new(),
            }
        }
        (KeyCode::Char('-'), false) => {
            s.mode = Mode::Prompt {
                add: false,
                input: String::new(),
            }
        }
        (KeyCode::Char('R'), false) => {
            let failed: Vec<String> = s.errors.keys().cloned().collect();
            let op = s.last_op.clone();
            if let Some(op) = op {
                return start_job(s, op, failed);
            }
            s.status = "nothing to retry".into();
        }
        _ => {}
    }
    Vec::new()
}
