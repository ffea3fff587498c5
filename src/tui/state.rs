//! TUI state and the pure update function: `update(&mut State, Action) -> Vec<Effect>`.
//! No I/O here: effects are run by the event loop and come back as actions (tagged with their
//! job id); time arrives as `Tick` actions.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::{Duration, Instant};

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use serde_json::{Map, Value};

use super::entry::{Entry, Index};
use super::filter::{Filter, SearchText};
use super::keymap::{Command, Context, Keymap};
use super::preview::{PreviewCache, PreviewState};
pub use super::tasks::{Job, JobStatus, UndoUnit};
use super::tasks::{cancel, enqueue, job_done, new_unit, pump, queue, record, retry};
use crate::config::ProfileInfo;
use crate::jobs::journal::Origin;
use crate::jobs::lifecycle::Guard;
use crate::jobs::{self, AutoTagParams, FileOutcome, Operation, Plan};
use crate::model::{CustomMetadataField, FieldType, FileDetails};
use crate::text::untrusted;

/// Everything that can happen.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    /// A page of the listing arrived.
    Page(Vec<FileDetails>),
    LoadDone,
    LoadFailed(String),
    /// The library's custom metadata field definitions.
    Fields(Vec<CustomMetadataField>),
    SearchDone {
        query: String,
        files: Vec<FileDetails>,
    },
    SearchFailed {
        query: String,
        error: String,
    },
    /// Outcomes of one finished unit of a running job.
    JobProgress {
        job: u64,
        outcomes: Vec<FileOutcome>,
    },
    /// The job ended; every file's outcome (skipped and cancelled ones included).
    JobDone {
        job: u64,
        outcomes: Vec<FileOutcome>,
    },
    /// Fresh details of files a job touched: the list shows what the server confirmed.
    Refreshed(Vec<FileDetails>),
    /// The job runs journaled under this id (undo and retry refer to it).
    JobJournaled {
        job: u64,
        id: String,
    },
    Tick(Instant),
    Resize,
    /// URLs fetched for `y u`: copy them.
    CopyText(String),
    CopyFailed(String),
    /// A file's preview is ready (or cannot be shown, and why).
    PreviewDone {
        id: String,
        state: PreviewState,
    },
    /// Now on another profile: its library is loading.
    ProfileSwitched {
        name: String,
        read_only: bool,
    },
    ProfileFailed(String),
}

/// Work for the event loop.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Run a job through `jobs::lifecycle` (journaled, guarded for undo, read back).
    RunJob {
        job: u64,
        plan: Box<Plan>,
        origin: Origin,
        guard: Option<Guard>,
        /// File id → path, for the journal.
        paths: BTreeMap<String, String>,
    },
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Fetch these files' URLs, then copy them.
    CopyUrls(Vec<String>),
    Cancel(u64),
    Search(String),
    Refresh(Vec<String>),
    /// Fetch and prepare the file's thumbnail for an area of `cells` (columns, rows).
    Preview {
        id: String,
        cells: (u16, u16),
    },
    /// Resolve this profile and reload the library from it.
    SwitchProfile(String),
    Suspend,
    Quit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Editor,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Created,
    Updated,
    Name,
    Folder,
    Size,
    Tags,
}

impl SortKey {
    pub const ALL: [SortKey; 6] = [
        SortKey::Created,
        SortKey::Updated,
        SortKey::Name,
        SortKey::Folder,
        SortKey::Size,
        SortKey::Tags,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Created => "created",
            SortKey::Updated => "updated",
            SortKey::Name => "name",
            SortKey::Folder => "folder",
            SortKey::Size => "size",
            SortKey::Tags => "tag count",
        }
    }

    /// The menu's shortcut letter.
    pub fn letter(self) -> char {
        match self {
            SortKey::Created => 'c',
            SortKey::Updated => 'u',
            SortKey::Name => 'n',
            SortKey::Folder => 'f',
            SortKey::Size => 's',
            SortKey::Tags => 't',
        }
    }

    fn natural_desc(self) -> bool {
        matches!(self, SortKey::Updated | SortKey::Size | SortKey::Tags)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub desc: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Search,
    AddTag,
    RemoveTag,
    /// The new name for the vocabulary view's rename or merge (`State::vocab_merge`).
    MergeInto,
}

/// One row of the vocabulary view.
#[derive(Debug, Clone, PartialEq)]
pub struct VocabRow {
    pub tag: String,
    pub files: usize,
    pub ai: bool,
    /// The other spellings of this tag in the library (near-duplicates).
    pub near: Vec<String>,
}

/// The tag vocabulary view (`T`).
#[derive(Debug, Clone, PartialEq)]
pub struct VocabView {
    pub rows: Vec<VocabRow>,
    pub cursor: usize,
    pub by_name: bool,
    pub marked: BTreeSet<String>,
}

/// A one-line prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub kind: InputKind,
    pub text: String,
    /// Shown under the input (a server 400, a rejected tag).
    pub error: Option<String>,
    /// Waiting for the server (search).
    pub busy: bool,
    /// Completion candidates with their file counts, most used first.
    pub candidates: Vec<(String, usize)>,
    /// The highlighted completion.
    pub choice: usize,
    /// The filter before editing started (Esc restores it).
    previous: String,
}

impl Input {
    fn new(kind: InputKind, text: String, candidates: Vec<(String, usize)>) -> Self {
        Input {
            kind,
            previous: text.clone(),
            text,
            error: None,
            busy: false,
            candidates,
            choice: 0,
        }
    }

    /// Candidates matching the text: prefix matches first, then substring matches.
    pub fn completions(&self, max: usize) -> Vec<&(String, usize)> {
        let t = self.text.trim().to_lowercase();
        if t.is_empty() {
            return self.candidates.iter().take(max).collect();
        }
        let mut prefix = Vec::new();
        let mut inner = Vec::new();
        for c in &self.candidates {
            let l = c.0.to_lowercase();
            if l.starts_with(&t) {
                prefix.push(c);
            } else if l.contains(&t) {
                inner.push(c);
            }
            if prefix.len() >= max {
                break;
            }
        }
        prefix.extend(inner);
        prefix.truncate(max);
        prefix
    }
}

/// AI-tag removal staged for the targets.
#[derive(Debug, Clone, PartialEq)]
pub enum AiRemoval {
    Names(BTreeSet<String>),
    All,
    Below(f64),
}

/// Changes staged for a fixed set of files, shown as a diff until applied or discarded.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Staged {
    pub ids: Vec<String>,
    pub add: BTreeSet<String>,
    pub remove: BTreeSet<String>,
    pub ai: Option<AiRemoval>,
    /// Copy AI tags with at least this confidence into the tags.
    pub promote: Option<f64>,
    /// Run an auto-tagging extension.
    pub auto_tag: Option<AutoTagParams>,
    /// PATCH /details fields: description, customCoordinates, customMetadata.
    pub details: Map<String, Value>,
    /// Vocabulary changes (merge, rename, remove everywhere), each on the files that have
    /// the tags (not `ids`).
    pub vocab: Vec<(Operation, Vec<String>)>,
}

impl Staged {
    pub fn is_empty(&self) -> bool {
        self.add.is_empty()
            && self.remove.is_empty()
            && self.ai.is_none()
            && self.promote.is_none()
            && self.auto_tag.is_none()
            && self.details.is_empty()
            && self.vocab.is_empty()
    }

    pub fn count(&self) -> usize {
        self.add.len()
            + self.remove.len()
            + usize::from(self.ai.is_some())
            + usize::from(self.promote.is_some())
            + usize::from(self.auto_tag.is_some())
            + self.details.len()
            + self.vocab.len()
    }
}

/// What the last auto-tagging answer said about a file (`extensionStatus`).
#[derive(Debug, Clone, PartialEq)]
pub enum ExtState {
    /// `pending`: the AI tags come later. `since` is the file's `updatedAt` in that answer
    /// (a re-read with a later one means they arrived); `first_poll` starts the polling.
    Pending {
        extensions: Vec<String>,
        since: crate::model::Timestamp,
        first_poll: Option<Instant>,
    },
    /// The AI tags are on the file (at once, or after `pending`).
    Success,
    Failed,
}

/// How often and how long pending files are re-read before leaving it to the webhook.
pub const POLL_EVERY: Duration = Duration::from_secs(2);
pub const POLL_FOR: Duration = Duration::from_secs(120);
/// Files re-read per poll.
const POLL_BATCH: usize = 100;

/// Is this file still re-read for its pending result (at `now`; unknown time: yes)?
fn polled(e: &ExtState, now: Option<Instant>) -> bool {
    match e {
        ExtState::Pending { first_poll, .. } => match (first_poll, now) {
            (Some(t), Some(now)) => now.duration_since(*t) < POLL_FOR,
            _ => true,
        },
        _ => false,
    }
}

/// The AI-tag dialog: row 0 "remove all", row 1 "remove below", row 2 "promote at or above",
/// rows 3-5 "auto-tag with google/aws, max tags, min confidence", then one row per AI tag name.
#[derive(Debug, Clone, PartialEq)]
pub struct AiDialog {
    /// Name, files having it, checked.
    pub names: Vec<(String, usize, bool)>,
    pub cursor: usize,
    pub below: String,
    pub promote: String,
    /// Auto-tagging with AWS Rekognition instead of Google Vision.
    pub aws: bool,
    pub max_tags: String,
    pub min_confidence: String,
    pub error: Option<String>,
}

impl AiDialog {
    /// The text field under the cursor, if it is one.
    fn field(&mut self) -> Option<&mut String> {
        match self.cursor {
            1 => Some(&mut self.below),
            2 => Some(&mut self.promote),
            4 => Some(&mut self.max_tags),
            5 => Some(&mut self.min_confidence),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum FieldTarget {
    Description,
    Coordinates,
    Metadata(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    pub label: String,
    pub target: FieldTarget,
    pub kind: Option<FieldType>,
    /// What may be typed (type, options, bounds).
    pub hint: String,
    pub original: String,
    /// The selection has different values.
    pub mixed: bool,
    pub text: String,
    pub error: Option<String>,
}

/// The detail editor (`e`).
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub ids: Vec<String>,
    pub fields: Vec<FormField>,
    pub cursor: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ConfirmAction {
    Quit,
    Discard,
    /// Undo this unit (a group of jobs).
    Undo(u64),
    /// Apply what is staged (planned when `w` was pressed) although part of it cannot be
    /// undone.
    Apply {
        label: String,
        plans: Vec<Plan>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    Normal,
    Input(Input),
    /// The key help, scrolled by this many lines.
    Help {
        scroll: u16,
    },
    Sort {
        cursor: usize,
    },
    Ai(AiDialog),
    Form(Form),
    /// `y` confirms, anything else cancels.
    Confirm {
        message: String,
        action: ConfirmAction,
    },
    /// Deleting needs the count typed; anything else cancels.
    Delete {
        ids: Vec<String>,
        typed: String,
    },
    Tasks {
        cursor: usize,
    },
    Vocab(VocabView),
    /// `y`: which value to copy.
    Copy,
    /// `P`: the profiles of the config file.
    Profiles {
        cursor: usize,
    },
}

#[derive(Debug, Clone)]
pub struct State {
    pub files: Vec<Entry>,
    index: Index,
    /// Lowercase search text of every file, for the filter (stale after a file changes
    /// or leaves: rebuilt when next needed).
    text: SearchText,
    text_stale: bool,
    /// Shown rows: indices into `files`, filtered and sorted.
    pub view: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    pub selected: BTreeSet<String>,
    /// Start of a `v` range (a view position).
    pub anchor: Option<usize>,
    pub focus: Pane,
    pub editor_cursor: usize,
    pub filter: String,
    filter_parsed: Filter,
    /// The server search in force and the ids it returned.
    pub search: Option<(String, HashSet<String>)>,
    pub sort: Sort,
    /// Files whose last job failed: (job id, server error text, escaped at render).
    pub errors: HashMap<String, (u64, String)>,
    /// Auto-tagging status per file, from the answers of auto-tag jobs.
    pub ext: HashMap<String, ExtState>,
    last_poll: Option<Instant>,
    pub loading: bool,
    pub load_error: Option<String>,
    pub fields: Vec<CustomMetadataField>,
    pub mode: Mode,
    pub staged: Option<Staged>,
    /// Tags the vocabulary view is renaming or merging (waiting for the new name).
    pub vocab_merge: Vec<String>,
    pub jobs: Vec<Job>,
    /// Undo units, oldest first (one per apply, undo, retry, vocabulary change).
    pub undo: Vec<UndoUnit>,
    next_id: u64,
    pub status: String,
    pub demo: bool,
    pub read_only: bool,
    pub profile: Option<String>,
    /// The config file's profiles (for `P`).
    pub profiles: Vec<ProfileInfo>,
    pub keymap: Keymap,
    pub mono: bool,
    pub now: Option<Instant>,
    /// The preview pane is shown (`p`).
    pub preview_on: bool,
    pub previews: PreviewCache,
    /// The preview's inner area (set from the layout): what thumbnails are fitted to.
    pub preview_area: Rect,
    /// The file whose preview is being fetched (one at a time; moving on never waits).
    preview_inflight: Option<String>,
    /// Rows the list shows (set from the layout, used for paging).
    pub page_rows: usize,
    /// Where the list and editor are on screen (set from the layout, used by the mouse).
    pub list_area: Rect,
    pub editor_area: Rect,
}

impl State {
    pub fn new(demo: bool, read_only: bool) -> Self {
        State {
            files: Vec::new(),
            index: Index::default(),
            text: SearchText::default(),
            text_stale: false,
            view: Vec::new(),
            cursor: 0,
            offset: 0,
            selected: BTreeSet::new(),
            anchor: None,
            focus: Pane::List,
            editor_cursor: 0,
            filter: String::new(),
            filter_parsed: Filter::default(),
            search: None,
            sort: Sort {
                key: SortKey::Created,
                desc: false,
            },
            errors: HashMap::new(),
            ext: HashMap::new(),
            last_poll: None,
            loading: true,
            load_error: None,
            fields: Vec::new(),
            mode: Mode::Normal,
            staged: None,
            vocab_merge: Vec::new(),
            jobs: Vec::new(),
            undo: Vec::new(),
            next_id: 1,
            status: String::new(),
            demo,
            read_only,
            profile: None,
            profiles: Vec::new(),
            keymap: Keymap::default(),
            mono: false,
            now: None,
            preview_on: false,
            previews: PreviewCache::default(),
            preview_area: Rect::default(),
            preview_inflight: None,
            page_rows: 20,
            list_area: Rect::default(),
            editor_area: Rect::default(),
        }
    }

    pub fn file(&self, id: &str) -> Option<&Entry> {
        self.index.get(id, &self.files).map(|i| &self.files[i])
    }

    pub fn focused(&self) -> Option<&Entry> {
        self.view.get(self.cursor).map(|&i| &self.files[i])
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

    pub fn running(&self) -> Option<&Job> {
        self.jobs.iter().find(|j| j.status == JobStatus::Running)
    }

    /// Should the loop animate (tick) — only while jobs run.
    pub fn animating(&self) -> bool {
        self.jobs
            .iter()
            .any(|j| matches!(j.status, JobStatus::Running | JobStatus::Queued))
            || self.ext.values().any(|e| polled(e, self.now))
    }

    /// Re-reads pending files every [`POLL_EVERY`], for [`POLL_FOR`] after their answer.
    /// Runs on every tick, so it looks at the files only once per interval.
    fn poll(&mut self, now: Instant) -> Vec<Effect> {
        if self
            .last_poll
            .is_some_and(|t| now.duration_since(t) < POLL_EVERY)
        {
            return Vec::new();
        }
        let mut ids = Vec::new();
        for (id, e) in self.ext.iter_mut() {
            if let ExtState::Pending { first_poll, .. } = e {
                first_poll.get_or_insert(now);
            }
            if polled(e, Some(now)) {
                ids.push(id.clone());
            }
        }
        if ids.is_empty() {
            return Vec::new();
        }
        ids.sort();
        ids.truncate(POLL_BATCH);
        self.last_poll = Some(now);
        vec![Effect::Refresh(ids)]
    }

    pub fn context(&self) -> Context {
        match self.focus {
            Pane::List => Context::List,
            Pane::Editor => Context::Editor,
        }
    }

    /// The rows of the tag editor the cursor can be on: tags, then AI tag names.
    pub fn editor_rows(&self) -> Vec<EditorRow> {
        let targets = self.targets();
        let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
        let mut ai: BTreeMap<&str, usize> = BTreeMap::new();
        for f in targets.iter().filter_map(|id| self.file(id)) {
            for t in f.tags.iter() {
                *tags.entry(t).or_default() += 1;
            }
            for t in &f.ai_tags {
                *ai.entry(&t.name).or_default() += 1;
            }
        }
        let mut rows: Vec<EditorRow> = tags
            .into_iter()
            .map(|(t, n)| EditorRow::Tag(t.to_owned(), n))
            .collect();
        if let Some(st) = &self.staged {
            for t in &st.add {
                if !rows
                    .iter()
                    .any(|r| matches!(r, EditorRow::Tag(x, _) if x == t))
                {
                    rows.push(EditorRow::Tag(t.clone(), 0));
                }
            }
        }
        rows.extend(ai.into_iter().map(|(t, n)| EditorRow::Ai(t.to_owned(), n)));
        rows
    }

    fn move_to(&mut self, to: usize) {
        if self.view.is_empty() {
            self.cursor = 0;
            self.offset = 0;
            return;
        }
        self.cursor = to.min(self.view.len() - 1);
        self.scroll_into_view();
    }

    fn scroll_into_view(&mut self) {
        let rows = self.page_rows.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + rows {
            self.offset = self.cursor + 1 - rows;
        }
        self.offset = self.offset.min(self.view.len().saturating_sub(1));
    }

    fn upsert(&mut self, f: FileDetails) -> bool {
        let f = Entry::from(f);
        match self.index.get(&f.file_id, &self.files) {
            Some(i) => {
                self.files[i] = f;
                self.text_stale = true;
                false
            }
            None => {
                self.index.insert(&f.file_id, self.files.len(), &self.files);
                if !self.text_stale {
                    self.text.push(&f);
                }
                self.files.push(f);
                true
            }
        }
    }

    pub(super) fn remove_files(&mut self, gone: &HashSet<String>) {
        if gone.is_empty() {
            return;
        }
        let keep = self.focused().map(|f| f.file_id.clone());
        self.view.clear();
        self.files.retain(|f| !gone.contains(&f.file_id));
        self.index = Index::rebuild(&self.files);
        self.text_stale = true;
        for id in gone {
            self.selected.remove(id);
            self.errors.remove(id);
        }
        self.rebuild_keeping(keep);
    }

    fn is_default_view(&self) -> bool {
        self.search.is_none() && self.filter_parsed.is_empty() && self.sort.key == SortKey::Created
    }

    /// Recomputes the shown rows, keeping the cursor on the same file when it is still shown.
    pub fn rebuild(&mut self) {
        let keep = self.focused().map(|f| f.file_id.clone());
        self.rebuild_keeping(keep);
    }

    fn rebuild_keeping(&mut self, keep: Option<String>) {
        if self.text_stale && !self.filter_parsed.is_empty() {
            self.text = SearchText::build(&self.files);
            self.text_stale = false;
        }
        let hits = self.filter_parsed.prepare(&self.text);
        // Reuse the view's allocation: a fresh 100 000-row vector costs more than filtering.
        let mut view = std::mem::take(&mut self.view);
        view.clear();
        let (filter, search) = (&self.filter_parsed, &self.search);
        view.extend(self.files.iter().enumerate().filter_map(|(i, f)| {
            let shown = search
                .as_ref()
                .is_none_or(|(_, ids)| ids.contains(&f.file_id))
                && filter.matches(i, f, &hits);
            shown.then_some(i)
        }));
        let files = &self.files;
        let sort = self.sort;
        let cmp = |a: &usize, b: &usize| {
            let (fa, fb) = (&files[*a], &files[*b]);
            let o = match sort.key {
                SortKey::Created => fa.created_at.0.cmp(&fb.created_at.0),
                SortKey::Updated => fa.updated_at.0.cmp(&fb.updated_at.0),
                SortKey::Name => fa.name().to_lowercase().cmp(&fb.name().to_lowercase()),
                SortKey::Folder => fa.file_path.cmp(&fb.file_path),
                SortKey::Size => fa.size.cmp(&fb.size),
                SortKey::Tags => fa.tags.len().cmp(&fb.tags.len()),
            };
            if sort.desc { o.reverse() } else { o }
        };
        if sort.key == SortKey::Name {
            // Lowercasing in the comparator would allocate n log n times.
            let mut keyed: Vec<(String, usize)> = view
                .iter()
                .map(|&i| (files[i].name().to_lowercase(), i))
                .collect();
            keyed.sort_by(|a, b| {
                let o = a.0.cmp(&b.0);
                if sort.desc { o.reverse() } else { o }
            });
            view = keyed.into_iter().map(|(_, i)| i).collect();
        } else if sort.key != SortKey::Created || sort.desc {
            view.sort_by(cmp);
        }
        self.view = view;
        self.anchor = None;
        let pos = keep.and_then(|id| {
            let i = self.index.get(&id, &self.files)?;
            self.view.iter().position(|&v| v == i)
        });
        self.move_to(pos.unwrap_or(self.cursor));
    }

    fn set_filter(&mut self, text: &str) {
        self.filter = text.to_owned();
        self.filter_parsed = Filter::parse(text);
        self.rebuild();
    }

    fn vocabulary(&self, only: Option<&[String]>) -> Vec<(String, usize)> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let files: Box<dyn Iterator<Item = &Entry>> = match only {
            Some(ids) => Box::new(ids.iter().filter_map(|id| self.file(id))),
            None => Box::new(self.files.iter()),
        };
        for f in files {
            for t in f.tags.iter() {
                *counts.entry(t).or_default() += 1;
            }
        }
        let mut v: Vec<(String, usize)> =
            counts.into_iter().map(|(t, n)| (t.to_owned(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// Shows a file with these tags (a confirmed change, before the read-back lands).
    pub(super) fn set_tags(&mut self, id: &str, tags: &[String]) {
        if let Some(i) = self.index.get(id, &self.files) {
            self.files[i].tags = super::entry::Tags::new(tags);
            self.text_stale = true;
        }
    }

    pub(super) fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }
}

/// A row of the tag editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorRow {
    /// Tag and how many of the targets have it.
    Tag(String, usize),
    Ai(String, usize),
}

/// Applies an action. Returns the effects to run.
pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    let mut effects = update_inner(s, action);
    effects.extend(want_preview(s));
    effects
}

/// Asks for the focused file's preview when the pane shows and it has none for this size.
fn want_preview(s: &mut State) -> Vec<Effect> {
    if !s.preview_on || s.preview_inflight.is_some() || s.preview_area.is_empty() {
        return Vec::new();
    }
    let Some(id) = s.focused().map(|f| f.file_id.clone()) else {
        return Vec::new();
    };
    let cells = (s.preview_area.width, s.preview_area.height);
    let fresh = match s.previews.get(&id) {
        None => true,
        Some(PreviewState::Ready(t)) => t.cells != cells,
        Some(_) => false,
    };
    if !fresh {
        return Vec::new();
    }
    if !matches!(s.previews.get(&id), Some(PreviewState::Ready(_))) {
        s.previews.insert(id.clone(), PreviewState::Loading);
    }
    s.preview_inflight = Some(id.clone());
    vec![Effect::Preview { id, cells }]
}

/// Back to an empty library on another profile; keys, theme, preview and profiles stay.
fn switched(s: &mut State, name: String, read_only: bool) {
    let mut fresh = State::new(false, read_only);
    fresh.keymap = std::mem::take(&mut s.keymap);
    fresh.profiles = std::mem::take(&mut s.profiles);
    fresh.mono = s.mono;
    fresh.now = s.now;
    fresh.preview_on = s.preview_on;
    fresh.page_rows = s.page_rows;
    (fresh.list_area, fresh.editor_area, fresh.preview_area) =
        (s.list_area, s.editor_area, s.preview_area);
    fresh.status = format!(
        "switched to profile {}: loading its library…",
        untrusted(&name, 40)
    );
    fresh.profile = Some(name);
    *s = fresh;
}

fn update_inner(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::PreviewDone { id, state } => {
            if s.preview_inflight.as_deref() == Some(id.as_str()) {
                s.preview_inflight = None;
            }
            s.previews.insert(id, state);
            Vec::new()
        }
        Action::ProfileSwitched { name, read_only } => {
            switched(s, name, read_only);
            Vec::new()
        }
        Action::ProfileFailed(e) => {
            s.status = format!("profile not switched: {e}");
            Vec::new()
        }
        Action::Page(files) => {
            let fast = s.is_default_view();
            let start = s.files.len();
            for f in files {
                s.upsert(f);
            }
            if fast {
                s.view.extend(start..s.files.len());
                if s.view.len() == s.files.len() {
                    return Vec::new();
                }
            }
            s.rebuild();
            Vec::new()
        }
        Action::LoadDone => {
            s.loading = false;
            // Growth left up to half of the list's capacity unused.
            s.files.shrink_to_fit();
            s.view.shrink_to_fit();
            Vec::new()
        }
        Action::LoadFailed(e) => {
            s.loading = false;
            s.load_error = Some(e);
            Vec::new()
        }
        Action::Fields(fields) => {
            s.fields = fields;
            Vec::new()
        }
        Action::SearchDone { query, files } => {
            let ids = files.iter().map(|f| f.file_id.clone()).collect();
            for f in files {
                s.upsert(f);
            }
            if matches!(&s.mode, Mode::Input(i) if i.kind == InputKind::Search) {
                s.mode = Mode::Normal;
            }
            s.search = Some((query, ids));
            s.cursor = 0;
            s.rebuild();
            s.status = format!("server search: {} files", s.view.len());
            Vec::new()
        }
        Action::SearchFailed { query: _, error } => {
            match &mut s.mode {
                Mode::Input(i) if i.kind == InputKind::Search => {
                    i.busy = false;
                    i.error = Some(error);
                }
                _ => s.status = format!("search failed: {error}"),
            }
            Vec::new()
        }
        Action::Refreshed(files) => {
            for f in files {
                // A pending extension's result arrived: the file changed after the answer.
                if let Some(e @ ExtState::Pending { .. }) = s.ext.get_mut(&f.file_id)
                    && matches!(e, ExtState::Pending { since, .. } if f.updated_at > *since)
                {
                    *e = ExtState::Success;
                }
                s.upsert(f);
            }
            s.rebuild();
            Vec::new()
        }
        Action::JobJournaled { job, id } => {
            if let Some(j) = s.jobs.iter_mut().find(|j| j.id == job) {
                j.journal = Some(id);
            }
            Vec::new()
        }
        Action::JobProgress { job, outcomes } => {
            record(s, job, &outcomes, false);
            Vec::new()
        }
        Action::JobDone { job, outcomes } => job_done(s, job, outcomes),
        Action::Tick(now) => {
            s.now = Some(now);
            s.poll(now)
        }
        Action::Resize => {
            s.scroll_into_view();
            Vec::new()
        }
        Action::CopyText(text) => {
            s.status = format!(
                "copied {} URLs to the clipboard (OSC 52)",
                text.lines().count()
            );
            vec![Effect::Copy(text)]
        }
        Action::CopyFailed(e) => {
            s.status = format!("could not fetch the URLs: {e}");
            Vec::new()
        }
        Action::Paste(text) => {
            paste(s, &text);
            Vec::new()
        }
        Action::Mouse(m) => {
            mouse(s, m);
            Vec::new()
        }
        Action::Key(k) => {
            s.status.clear();
            key(s, k)
        }
    }
}

fn key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && k.code == KeyCode::Char('c') {
        return vec![Effect::Quit];
    }
    let mode = std::mem::replace(&mut s.mode, Mode::Normal);
    match mode {
        Mode::Normal => command_key(s, k),
        Mode::Help { scroll } => {
            // j/k and arrows scroll; any other key closes.
            match k.code {
                KeyCode::Char('j') | KeyCode::Down | KeyCode::PageDown => {
                    s.mode = Mode::Help {
                        scroll: scroll
                            .saturating_add(if k.code == KeyCode::PageDown { 10 } else { 1 })
                            .min(200),
                    }
                }
                KeyCode::Char('k') | KeyCode::Up | KeyCode::PageUp => {
                    s.mode = Mode::Help {
                        scroll: scroll.saturating_sub(if k.code == KeyCode::PageUp {
                            10
                        } else {
                            1
                        }),
                    }
                }
                _ => {}
            }
            Vec::new()
        }
        Mode::Input(input) => input_key(s, input, k),
        Mode::Sort { cursor } => {
            sort_key(s, cursor, k);
            Vec::new()
        }
        Mode::Ai(d) => {
            ai_key(s, d, k);
            Vec::new()
        }
        Mode::Form(f) => {
            form_key(s, f, k);
            Vec::new()
        }
        Mode::Confirm { message, action } => {
            if matches!(k.code, KeyCode::Char('y' | 'Y')) && !ctrl {
                return confirmed(s, action);
            }
            let _ = (message, action);
            s.status = "cancelled: nothing was sent".into();
            Vec::new()
        }
        Mode::Delete { ids, mut typed } => match k.code {
            KeyCode::Char(c) if c.is_ascii_digit() && !ctrl => {
                if typed.len() < 12 {
                    typed.push(c);
                }
                s.mode = Mode::Delete { ids, typed };
                Vec::new()
            }
            KeyCode::Backspace => {
                typed.pop();
                s.mode = Mode::Delete { ids, typed };
                Vec::new()
            }
            KeyCode::Enter if typed == ids.len().to_string() => {
                let group = new_unit(s, format!("delete {}", files_label(ids.len())));
                match enqueue(s, Operation::Delete, &ids, group) {
                    Ok(()) => pump(s),
                    Err(e) => {
                        s.status = format!("not started: {e}");
                        Vec::new()
                    }
                }
            }
            _ => {
                s.status = "delete cancelled: nothing was deleted".into();
                Vec::new()
            }
        },
        Mode::Tasks { cursor } => tasks_key(s, cursor, k),
        Mode::Profiles { cursor } => profiles_key(s, cursor, k),
        Mode::Vocab(v) => vocab_key(s, v, k),
        Mode::Copy => copy_key(s, k),
    }
}

fn command_key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    let Some(cmd) = s.keymap.lookup(s.context(), &k) else {
        return Vec::new();
    };
    if s.read_only && cmd.destructive() {
        s.status = "read-only profile: changes are disabled".into();
        return Vec::new();
    }
    run_command(s, cmd)
}

/// Runs a command as if its key was pressed in the normal mode.
pub fn run_command(s: &mut State, cmd: Command) -> Vec<Effect> {
    let page = s.page_rows.max(1);
    let in_editor = s.focus == Pane::Editor;
    match cmd {
        Command::Help => s.mode = Mode::Help { scroll: 0 },
        Command::Quit => {
            if let Some(j) = s.running() {
                s.mode = Mode::Confirm {
                    message: format!(
                        "“{}” is running ({}/{}). Quit anyway? Files not yet sent stay unchanged; the journal records what was done.",
                        j.op.name(),
                        j.done,
                        j.total
                    ),
                    action: ConfirmAction::Quit,
                };
            } else if let Some(st) = &s.staged {
                s.mode = Mode::Confirm {
                    message: format!(
                        "{} staged changes for {} files are not applied. Quit and drop them?",
                        st.count(),
                        st.ids.len()
                    ),
                    action: ConfirmAction::Quit,
                };
            } else {
                return vec![Effect::Quit];
            }
        }
        Command::Suspend => return vec![Effect::Suspend],
        Command::Tasks => {
            s.mode = Mode::Tasks {
                cursor: s.jobs.len().saturating_sub(1),
            }
        }
        Command::Filter => {
            s.mode = Mode::Input(Input::new(InputKind::Filter, s.filter.clone(), Vec::new()))
        }
        Command::Search => {
            let q = s
                .search
                .as_ref()
                .map(|(q, _)| q.clone())
                .unwrap_or_default();
            s.mode = Mode::Input(Input::new(InputKind::Search, q, Vec::new()));
        }
        Command::Sort => {
            s.mode = Mode::Sort {
                cursor: SortKey::ALL
                    .iter()
                    .position(|k| *k == s.sort.key)
                    .unwrap_or(0),
            }
        }
        Command::SwitchPane => {
            s.focus = match s.focus {
                Pane::List => Pane::Editor,
                Pane::Editor => Pane::List,
            };
            s.editor_cursor = 0;
        }
        Command::Down if in_editor => {
            let n = s.editor_rows().len();
            s.editor_cursor = (s.editor_cursor + 1).min(n.saturating_sub(1));
        }
        Command::Up if in_editor => s.editor_cursor = s.editor_cursor.saturating_sub(1),
        Command::Down => s.move_to(s.cursor + 1),
        Command::Up => s.move_to(s.cursor.saturating_sub(1)),
        Command::PageDown => s.move_to(s.cursor + page),
        Command::PageUp => s.move_to(s.cursor.saturating_sub(page)),
        Command::Top => s.move_to(0),
        Command::Bottom => s.move_to(usize::MAX),
        Command::Toggle => {
            if let Some(id) = s.focused().map(|f| f.file_id.clone())
                && !s.selected.remove(&id)
            {
                s.selected.insert(id);
            }
            s.move_to(s.cursor + 1);
        }
        Command::Range => match s.anchor.take() {
            None if !s.view.is_empty() => {
                s.anchor = Some(s.cursor);
                s.status = "range: move, then press the range key again (esc cancels)".into();
            }
            None => {}
            Some(a) => {
                let (lo, hi) = (a.min(s.cursor), a.max(s.cursor));
                let ids: Vec<String> = s.view[lo..=hi.min(s.view.len() - 1)]
                    .iter()
                    .map(|&i| s.files[i].file_id.clone())
                    .collect();
                s.status = format!("{} files added to the selection", ids.len());
                s.selected.extend(ids);
            }
        },
        Command::SelectAll => {
            let ids: Vec<String> = s.view.iter().map(|&i| s.files[i].file_id.clone()).collect();
            s.selected.extend(ids);
        }
        Command::Invert => {
            for &i in &s.view {
                let id = &s.files[i].file_id;
                if !s.selected.remove(id) {
                    s.selected.insert(id.clone());
                }
            }
        }
        Command::Clear => {
            if in_editor {
                s.focus = Pane::List;
            } else if s.anchor.take().is_some() {
            } else if !s.selected.is_empty() {
                s.selected.clear();
            } else if !s.filter.is_empty() {
                s.set_filter("");
            } else if s.search.take().is_some() {
                s.rebuild();
                s.status = "server search cleared: showing the whole library".into();
            }
        }
        Command::AddTag => {
            if staging_targets(s).is_some() {
                let vocab = s.vocabulary(None);
                s.mode = Mode::Input(Input::new(InputKind::AddTag, String::new(), vocab));
            }
        }
        Command::RemoveTag => {
            let Some(ids) = staging_targets(s) else {
                return Vec::new();
            };
            if in_editor {
                match s.editor_rows().get(s.editor_cursor).cloned() {
                    Some(EditorRow::Tag(t, _)) => stage_tag(s, &ids, &t, false),
                    Some(EditorRow::Ai(name, _)) => toggle_ai_name(s, &ids, &name),
                    None => {}
                }
            } else {
                let vocab = s.vocabulary(Some(&ids));
                s.mode = Mode::Input(Input::new(InputKind::RemoveTag, String::new(), vocab));
            }
        }
        Command::RemoveAi => {
            if let Some(ids) = staging_targets(s) {
                let mut names: BTreeMap<&str, usize> = BTreeMap::new();
                for f in ids.iter().filter_map(|id| s.file(id)) {
                    for t in &f.ai_tags {
                        *names.entry(&t.name).or_default() += 1;
                    }
                }
                let staged: BTreeSet<String> = match s.staged.as_ref().and_then(|x| x.ai.as_ref()) {
                    Some(AiRemoval::Names(n)) => n.clone(),
                    _ => BTreeSet::new(),
                };
                let none = names.is_empty();
                s.mode = Mode::Ai(AiDialog {
                    names: names
                        .into_iter()
                        .map(|(n, c)| (n.to_owned(), c, staged.contains(n)))
                        .collect(),
                    // On the first name, or on "all" when the files have none.
                    cursor: if none { 0 } else { AI_NAMES },
                    below: String::new(),
                    promote: String::new(),
                    aws: false,
                    max_tags: AutoTagParams::MAX_TAGS_DEFAULT.to_string(),
                    min_confidence: AutoTagParams::MIN_CONFIDENCE_DEFAULT.to_string(),
                    error: None,
                });
            }
        }
        Command::Edit => {
            if let Some(ids) = staging_targets(s) {
                s.mode = Mode::Form(new_form(s, ids));
            }
        }
        Command::Delete => {
            let ids = s.targets();
            if ids.is_empty() {
                s.status = "no file to delete".into();
            } else {
                s.mode = Mode::Delete {
                    ids,
                    typed: String::new(),
                };
            }
        }
        Command::Apply => return apply(s),
        Command::Discard => {
            if let Some(st) = &s.staged {
                s.mode = Mode::Confirm {
                    message: format!(
                        "Discard {} staged changes for {} files?",
                        st.count(),
                        st.ids.len()
                    ),
                    action: ConfirmAction::Discard,
                };
            } else {
                s.status = "nothing staged".into();
            }
        }
        Command::Retry => return retry(s, None),
        Command::Undo => match super::tasks::undo_candidate(s) {
            Ok((group, label, files)) => {
                let lost = s
                    .jobs
                    .iter()
                    .filter(|j| j.group == group && !j.op.reversible())
                    .map(|j| j.op.name())
                    .collect::<BTreeSet<_>>();
                let lost = if lost.is_empty() {
                    String::new()
                } else {
                    let names: Vec<&str> = lost.into_iter().collect();
                    format!(" ({} cannot be undone and stays.)", names.join(", "))
                };
                s.mode = Mode::Confirm {
                    message: format!(
                        "Undo “{label}”: put back what it changed on {}? Files changed since are left alone.{lost}",
                        files_label(files)
                    ),
                    action: ConfirmAction::Undo(group),
                }
            }
            Err(why) => s.status = format!("nothing to undo: {why}"),
        },
        Command::Cancel => return cancel(s, None),
        Command::Vocabulary => s.mode = Mode::Vocab(vocab_view(s, false)),
        Command::Copy => {
            if s.targets().is_empty() {
                s.status = "no file to copy from".into();
            } else {
                s.mode = Mode::Copy;
            }
        }
        Command::Preview => {
            s.preview_on = !s.preview_on;
            // A preview still on its way is dropped when it lands; ask again when shown.
            s.preview_inflight = None;
        }
        Command::Profiles => {
            if s.profiles.is_empty() {
                s.status =
                    "no profiles: add [profiles.NAME] sections to config.toml (see README)".into();
            } else {
                let cursor = s
                    .profiles
                    .iter()
                    .position(|p| Some(&p.name) == s.profile.as_ref())
                    .unwrap_or(0);
                s.mode = Mode::Profiles { cursor };
            }
        }
    }
    Vec::new()
}

fn profiles_key(s: &mut State, cursor: usize, k: KeyEvent) -> Vec<Effect> {
    let n = s.profiles.len().max(1);
    match k.code {
        KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
            s.mode = Mode::Profiles {
                cursor: (cursor + 1) % n,
            }
        }
        KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
            s.mode = Mode::Profiles {
                cursor: (cursor + n - 1) % n,
            }
        }
        KeyCode::Enter => {
            let Some(p) = s.profiles.get(cursor) else {
                return Vec::new();
            };
            let name = p.name.clone();
            if s.running().is_some() || s.jobs.iter().any(|j| j.status == JobStatus::Queued) {
                s.status =
                    "a job is running: let it finish or cancel it (c) before switching profile"
                        .into();
            } else if s.staged.is_some() {
                s.status =
                    "changes are staged: apply (w) or discard (X) them before switching profile"
                        .into();
            } else if s.profile.as_ref() == Some(&name) && !s.demo {
                s.status = format!("already on profile {}", untrusted(&name, 40));
            } else {
                s.status = format!("switching to profile {}…", untrusted(&name, 40));
                return vec![Effect::SwitchProfile(name)];
            }
        }
        _ => {}
    }
    Vec::new()
}

fn confirmed(s: &mut State, action: ConfirmAction) -> Vec<Effect> {
    match action {
        ConfirmAction::Quit => vec![Effect::Quit],
        ConfirmAction::Discard => {
            s.staged = None;
            s.status = "staged changes discarded".into();
            Vec::new()
        }
        ConfirmAction::Undo(group) => super::tasks::undo(s, group),
        ConfirmAction::Apply { label, plans } => run_staged(s, label, plans),
    }
}

/// `1 file`, `12 files`.
pub fn files_label(n: usize) -> String {
    if n == 1 {
        "1 file".into()
    } else {
        format!("{n} files")
    }
}

/// The targets for a new staged change, or `None` (with a status) when other files have
/// changes staged.
fn staging_targets(s: &mut State) -> Option<Vec<String>> {
    let ids = s.targets();
    if ids.is_empty() {
        s.status = "no file: select files first".into();
        return None;
    }
    if let Some(st) = &s.staged
        && !st.ids.is_empty()
        && st.ids != ids
    {
        s.status = format!(
            "{} changes are staged for {} other files: apply (w) or discard (X) them first",
            st.count(),
            st.ids.len()
        );
        return None;
    }
    Some(ids)
}

fn staged_for<'a>(s: &'a mut State, ids: &[String]) -> &'a mut Staged {
    let st = s.staged.get_or_insert_with(Staged::default);
    if st.ids.is_empty() {
        st.ids = ids.to_vec();
    }
    st
}

fn tidy_staged(s: &mut State) {
    if s.staged.as_ref().is_some_and(Staged::is_empty) {
        s.staged = None;
    }
}

fn stage_tag(s: &mut State, ids: &[String], tag: &str, add: bool) {
    let st = staged_for(s, ids);
    let (this, other) = if add {
        (&mut st.add, &mut st.remove)
    } else {
        (&mut st.remove, &mut st.add)
    };
    // Staging the opposite of a staged change cancels it.
    if !other.remove(tag) && !this.remove(tag) {
        this.insert(tag.to_owned());
    }
    tidy_staged(s);
}

fn toggle_ai_name(s: &mut State, ids: &[String], name: &str) {
    let st = staged_for(s, ids);
    let mut names = match st.ai.take() {
        Some(AiRemoval::Names(n)) => n,
        _ => BTreeSet::new(),
    };
    if !names.remove(name) {
        names.insert(name.to_owned());
    }
    st.ai = (!names.is_empty()).then_some(AiRemoval::Names(names));
    tidy_staged(s);
}

/// The jobs staged changes become, in the order they run, each with its files.
fn staged_ops(s: &State, st: &Staged) -> Vec<(Operation, Vec<String>)> {
    let mut ops = Vec::new();
    if !st.remove.is_empty() {
        let tags = st.remove.iter().cloned().collect();
        ops.push(Operation::RemoveTags { tags });
    }
    if !st.add.is_empty() {
        let tags = st.add.iter().cloned().collect();
        ops.push(Operation::AddTags { tags });
    }
    // Promote before any AI-tag removal, so removed AI tags can still be promoted.
    if let Some(min) = st.promote {
        ops.push(Operation::PromoteAiTags { min });
    }
    match &st.ai {
        Some(AiRemoval::Names(n)) => ops.push(Operation::RemoveAiTags {
            names: n.iter().cloned().collect(),
        }),
        Some(AiRemoval::All) => ops.push(Operation::RemoveAllAiTags),
        Some(AiRemoval::Below(c)) => ops.push(Operation::RemoveAiTagsBelow { confidence: *c }),
        None => {}
    }
    // After any removal, so "remove all, then re-tag" does what it says.
    if let Some(p) = &st.auto_tag {
        ops.push(p.operation());
    }
    if !st.details.is_empty() {
        // Each file's previous values are recorded, so undo puts them back exactly.
        let (mut bodies, mut before) = (BTreeMap::new(), BTreeMap::new());
        for f in st.ids.iter().filter_map(|id| s.file(id)) {
            let (b, p) = jobs::detail_diff(
                &st.details,
                &jobs::Known::tag_list(f),
                &jobs::Known::fields(f),
                false,
            );
            if !b.is_empty() {
                bodies.insert(f.file_id.clone(), Value::Object(b));
                before.insert(f.file_id.clone(), Value::Object(p));
            }
        }
        ops.push(Operation::PatchEach { bodies, before });
    }
    let mut out: Vec<(Operation, Vec<String>)> =
        ops.into_iter().map(|op| (op, st.ids.clone())).collect();
    out.extend(st.vocab.iter().cloned());
    out
}

/// What an apply does, as the undo history names it: `−font +cc on 1 file`.
pub fn staged_label(st: &Staged) -> String {
    let mut parts: Vec<String> = st.remove.iter().map(|t| format!("−{t}")).collect();
    parts.extend(st.add.iter().map(|t| format!("+{t}")));
    if let Some(c) = st.promote {
        parts.push(format!("promote AI ≥ {c}"));
    }
    match &st.ai {
        Some(AiRemoval::All) => parts.push("AI −all".into()),
        Some(AiRemoval::Below(c)) => parts.push(format!("AI −below {c}")),
        Some(AiRemoval::Names(n)) => parts.push(format!(
            "AI −{}",
            n.iter().cloned().collect::<Vec<_>>().join(" −")
        )),
        None => {}
    }
    if let Some(p) = &st.auto_tag {
        parts.push(format!("auto-tag {}", p.source));
    }
    if !st.details.is_empty() {
        let keys: Vec<&str> = st.details.keys().map(String::as_str).collect();
        parts.push(format!("edit {}", keys.join(", ")));
    }
    let mut text = parts.join(" ");
    if !st.ids.is_empty() && !text.is_empty() {
        text += &format!(" on {}", files_label(st.ids.len()));
    }
    for (op, ids) in &st.vocab {
        let what = match op {
            Operation::MergeTags { from, into } => format!("{} → {into}", from.join(", ")),
            Operation::RemoveTags { tags } => format!("−{} everywhere", tags.join(" −")),
            other => other.name().to_owned(),
        };
        if !text.is_empty() {
            text += "; ";
        }
        text += &format!("{what} on {}", files_label(ids.len()));
    }
    untrusted(&text, 120)
}

/// `w`: plans everything staged (nothing starts unless every part can); asks first when
/// a part cannot be undone (the job policy), else runs.
fn apply(s: &mut State) -> Vec<Effect> {
    let Some(st) = &s.staged else {
        s.status = "nothing staged: stage changes with + - A e first".into();
        return Vec::new();
    };
    let mut plans = Vec::new();
    for (op, ids) in staged_ops(s, st) {
        match jobs::plan_with(op, &ids, |id| s.file(id)) {
            Ok(plan) => plans.push(plan),
            Err(e) => {
                s.status = format!("not applied: {e}");
                return Vec::new();
            }
        }
    }
    let label = staged_label(st);
    let irreversible: Vec<String> = plans
        .iter()
        .filter(|p| p.op.ask() != jobs::Ask::Reversible)
        .map(|p| jobs::policy::irreversible_question(&p.op, p.changing()))
        .collect();
    if irreversible.is_empty() {
        return run_staged(s, label, plans);
    }
    s.mode = Mode::Confirm {
        message: format!("{} Apply?", irreversible.join(" ")),
        action: ConfirmAction::Apply { label, plans },
    };
    Vec::new()
}

/// Queues the staged changes' plans as one undo unit.
fn run_staged(s: &mut State, label: String, plans: Vec<Plan>) -> Vec<Effect> {
    s.staged = None;
    let group = new_unit(s, label);
    for plan in plans {
        queue(s, plan, group, Origin::New, None);
    }
    s.focus = Pane::List;
    pump(s)
}

fn input_key(s: &mut State, mut input: Input, k: KeyEvent) -> Vec<Effect> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let live_filter = input.kind == InputKind::Filter;
    match k.code {
        KeyCode::Esc => {
            if live_filter {
                let previous = input.previous.clone();
                s.set_filter(&previous);
            }
            return Vec::new();
        }
        KeyCode::Enter => return submit(s, input),
        KeyCode::Tab | KeyCode::Down if !input.candidates.is_empty() => {
            let n = input.completions(8).len();
            if k.code == KeyCode::Tab && n > 0 {
                if let Some(c) = input.completions(8).get(input.choice.min(n - 1)) {
                    input.text = c.0.clone();
                }
                input.choice = 0;
            } else if n > 0 {
                input.choice = (input.choice + 1) % n;
            }
        }
        KeyCode::Up if !input.candidates.is_empty() => {
            input.choice = input.choice.saturating_sub(1);
        }
        KeyCode::Backspace => {
            input.text.pop();
            input.choice = 0;
        }
        KeyCode::Char('u') if ctrl => input.text.clear(),
        KeyCode::Char('w') if ctrl => {
            let t = input.text.trim_end();
            let cut = t.rfind(' ').map(|i| i + 1).unwrap_or(0);
            input.text.truncate(cut);
        }
        KeyCode::Char(c) if !ctrl && !c.is_control() && input.text.chars().count() < 1000 => {
            input.text.push(c);
            input.choice = 0;
            input.error = None;
        }
        _ => {}
    }
    if live_filter {
        s.set_filter(&input.text);
    }
    s.mode = Mode::Input(input);
    Vec::new()
}

fn submit(s: &mut State, mut input: Input) -> Vec<Effect> {
    let text = input.text.trim().to_owned();
    match input.kind {
        InputKind::Filter => {
            s.set_filter(&input.text);
            Vec::new()
        }
        InputKind::Search => {
            if text.is_empty() {
                if s.search.take().is_some() {
                    s.rebuild();
                }
                s.status = "server search cleared".into();
                return Vec::new();
            }
            input.busy = true;
            input.error = None;
            s.mode = Mode::Input(input);
            vec![Effect::Search(text)]
        }
        InputKind::MergeInto => {
            let into = if text.is_empty() {
                match input.completions(8).get(input.choice) {
                    Some(c) => c.0.clone(),
                    None => return Vec::new(),
                }
            } else {
                text
            };
            let from = std::mem::take(&mut s.vocab_merge);
            let ids = files_with(s, &from);
            let op = Operation::MergeTags {
                from: from.clone(),
                into,
            };
            if let Err(e) = stage_vocab(s, op, ids) {
                input.error = Some(e);
                s.vocab_merge = from;
                s.mode = Mode::Input(input);
            }
            Vec::new()
        }
        InputKind::AddTag | InputKind::RemoveTag => {
            // Enter on an empty line takes the highlighted completion.
            let tag = if text.is_empty() {
                match input.completions(8).get(input.choice) {
                    Some(c) => c.0.clone(),
                    None => return Vec::new(),
                }
            } else {
                text
            };
            if let Err(e) = jobs::policy::check_tag(&tag) {
                input.error = Some(e.to_string());
                s.mode = Mode::Input(input);
                return Vec::new();
            }
            if let Some(ids) = staging_targets(s) {
                stage_tag(s, &ids, &tag, input.kind == InputKind::AddTag);
            }
            Vec::new()
        }
    }
}

/// Stages a vocabulary change (merge, rename, remove everywhere) on the files it touches;
/// like every reversible change it runs on `w` and shows in the staged diff.
fn stage_vocab(s: &mut State, op: Operation, ids: Vec<String>) -> Result<(), String> {
    let plan = jobs::plan_with(op.clone(), &ids, |id| s.file(id)).map_err(|e| e.to_string())?;
    let n = plan.changing();
    let st = s.staged.get_or_insert_with(Staged::default);
    st.vocab.push((op, ids));
    let label = staged_label(st);
    s.status = format!(
        "staged ({} files change): {label} · w applies, X discards",
        n
    );
    Ok(())
}

fn sort_key(s: &mut State, mut cursor: usize, k: KeyEvent) {
    let n = SortKey::ALL.len();
    let pick = match k.code {
        KeyCode::Char('j') | KeyCode::Down => {
            cursor = (cursor + 1) % n;
            None
        }
        KeyCode::Char('k') | KeyCode::Up => {
            cursor = (cursor + n - 1) % n;
            None
        }
        KeyCode::Enter => Some(SortKey::ALL[cursor]),
        KeyCode::Char(c) => match SortKey::ALL.into_iter().find(|key| key.letter() == c) {
            Some(key) => Some(key),
            None => return,
        },
        _ => return,
    };
    match pick {
        None => s.mode = Mode::Sort { cursor },
        Some(key) => {
            s.sort = if key == s.sort.key {
                Sort {
                    key,
                    desc: !s.sort.desc,
                }
            } else {
                Sort {
                    key,
                    desc: key.natural_desc(),
                }
            };
            s.rebuild();
        }
    }
}

/// The first AI-tag name row of the dialog.
pub const AI_NAMES: usize = 6;

fn confidence(text: &str) -> Option<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|c| (0.0..=100.0).contains(c))
}

fn ai_key(s: &mut State, mut d: AiDialog, k: KeyEvent) {
    let rows = AI_NAMES + d.names.len();
    let typing = d.field().is_some();
    match k.code {
        KeyCode::Esc => return,
        KeyCode::Down | KeyCode::Tab => d.cursor = (d.cursor + 1) % rows,
        KeyCode::Up | KeyCode::BackTab => d.cursor = (d.cursor + rows - 1) % rows,
        KeyCode::Char('j') if !typing => d.cursor = (d.cursor + 1) % rows,
        KeyCode::Char('k') if !typing => d.cursor = (d.cursor + rows - 1) % rows,
        KeyCode::Char(' ') if d.cursor >= AI_NAMES => {
            if let Some(row) = d.names.get_mut(d.cursor - AI_NAMES) {
                row.2 = !row.2;
            }
        }
        KeyCode::Char(' ' | 'h' | 'l') | KeyCode::Left | KeyCode::Right if d.cursor == 3 => {
            d.aws = !d.aws;
        }
        KeyCode::Char(c) if typing && (c.is_ascii_digit() || (c == '.' && d.cursor < 3)) => {
            if let Some(field) = d.field()
                && field.len() < 8
            {
                field.push(c);
            }
            d.error = None;
        }
        KeyCode::Backspace if typing => {
            if let Some(field) = d.field() {
                field.pop();
            }
        }
        KeyCode::Enter if (3..AI_NAMES).contains(&d.cursor) => {
            let source = if d.aws { "aws" } else { "google" };
            let params = match AutoTagParams::parse(source, &d.max_tags, &d.min_confidence) {
                Ok(p) => p,
                Err(e) => {
                    d.error = Some(e);
                    s.mode = Mode::Ai(d);
                    return;
                }
            };
            if let Some(ids) = staging_targets(s) {
                staged_for(s, &ids).auto_tag = Some(params);
            }
            return;
        }
        KeyCode::Enter => {
            let bad = "type a confidence between 0 and 100, e.g. 50";
            if d.cursor == 2 {
                let Some(c) = confidence(&d.promote) else {
                    d.error = Some(bad.into());
                    s.mode = Mode::Ai(d);
                    return;
                };
                if let Some(ids) = staging_targets(s) {
                    staged_for(s, &ids).promote = Some(c);
                }
                return;
            }
            let removal = match d.cursor {
                0 => AiRemoval::All,
                1 => match confidence(&d.below) {
                    Some(c) => AiRemoval::Below(c),
                    None => {
                        d.error = Some(bad.into());
                        s.mode = Mode::Ai(d);
                        return;
                    }
                },
                _ => {
                    let mut names: BTreeSet<String> = d
                        .names
                        .iter()
                        .filter(|r| r.2)
                        .map(|r| r.0.clone())
                        .collect();
                    if names.is_empty()
                        && let Some(row) = d.names.get(d.cursor - AI_NAMES)
                    {
                        names.insert(row.0.clone());
                    }
                    if names.is_empty() {
                        s.mode = Mode::Ai(d);
                        return;
                    }
                    AiRemoval::Names(names)
                }
            };
            if let Some(ids) = staging_targets(s) {
                staged_for(s, &ids).ai = Some(removal);
            }
            return;
        }
        _ => {}
    }
    s.mode = Mode::Ai(d);
}

fn common_value(values: impl Iterator<Item = String>) -> (String, bool) {
    let mut first: Option<String> = None;
    for v in values {
        match &first {
            None => first = Some(v),
            Some(f) if *f != v => return (String::new(), true),
            Some(_) => {}
        }
    }
    (first.unwrap_or_default(), false)
}

fn metadata_text(v: Option<&Value>) -> String {
    v.map(crate::text::json_text).unwrap_or_default()
}

fn field_hint(f: &CustomMetadataField) -> String {
    let sc = &f.schema;
    let opts = sc
        .select_options
        .as_ref()
        .map(|o| {
            o.iter()
                .map(|v| metadata_text(Some(v)))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default();
    match sc.kind {
        FieldType::Text | FieldType::Textarea => "text".into(),
        FieldType::Number => match (&sc.min_value, &sc.max_value) {
            (Some(a), Some(b)) => format!("number {a}–{b}"),
            _ => "number".into(),
        },
        FieldType::Date => "date YYYY-MM-DD".into(),
        FieldType::Boolean => "true | false".into(),
        FieldType::SingleSelect => format!("one of {opts}"),
        FieldType::MultiSelect => format!("comma-separated: {opts}"),
    }
}

fn new_form(s: &State, ids: Vec<String>) -> Form {
    let files: Vec<&Entry> = ids.iter().filter_map(|id| s.file(id)).collect();
    let mut fields = Vec::new();
    let (desc, mixed) = common_value(files.iter().map(|f| f.description().unwrap_or_default()));
    fields.push(FormField {
        label: "description".into(),
        target: FieldTarget::Description,
        kind: None,
        hint: "text".into(),
        original: desc.clone(),
        mixed,
        text: desc,
        error: None,
    });
    let (coords, mixed) = common_value(files.iter().map(|f| {
        f.custom_coordinates
            .as_deref()
            .unwrap_or_default()
            .to_owned()
    }));
    fields.push(FormField {
        label: "coordinates".into(),
        target: FieldTarget::Coordinates,
        kind: None,
        hint: "x,y,width,height (empty clears)".into(),
        original: coords.clone(),
        mixed,
        text: coords,
        error: None,
    });
    let metas: Vec<Map<String, Value>> = files.iter().map(|f| f.custom_metadata()).collect();
    for def in &s.fields {
        let (v, mixed) = common_value(metas.iter().map(|m| metadata_text(m.get(&def.name))));
        fields.push(FormField {
            label: def.label.clone(),
            target: FieldTarget::Metadata(def.name.clone()),
            kind: Some(def.schema.kind),
            hint: field_hint(def),
            original: v.clone(),
            mixed,
            text: v,
            error: None,
        });
    }
    Form {
        ids,
        fields,
        cursor: 0,
    }
}

/// Turns typed text into a metadata value of the field's type, checked like the server does.
fn metadata_value(def: &CustomMetadataField, text: &str) -> Result<Value, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Value::Null);
    }
    let option = |item: &str| -> Value {
        def.schema
            .select_options
            .as_ref()
            .and_then(|o| o.iter().find(|v| metadata_text(Some(v)) == item).cloned())
            .unwrap_or_else(|| Value::String(item.to_owned()))
    };
    let v = match def.schema.kind {
        FieldType::Text | FieldType::Textarea | FieldType::Date => Value::String(t.to_owned()),
        FieldType::Number => {
            let n: f64 = t.parse().map_err(|_| format!("{t:?} is not a number"))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| format!("{t:?} is not a finite number"))?
        }
        FieldType::Boolean => match t.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Value::Bool(true),
            "false" | "no" | "n" | "0" => Value::Bool(false),
            _ => return Err("type true or false".into()),
        },
        FieldType::SingleSelect => option(t),
        FieldType::MultiSelect => Value::Array(
            t.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(option)
                .collect(),
        ),
    };
    crate::model::check_field_value(&def.schema, &v)?;
    Ok(v)
}

fn form_key(s: &mut State, mut f: Form, k: KeyEvent) {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let n = f.fields.len();
    match k.code {
        KeyCode::Esc => return,
        KeyCode::Down | KeyCode::Tab => f.cursor = (f.cursor + 1) % n,
        KeyCode::Up | KeyCode::BackTab => f.cursor = (f.cursor + n - 1) % n,
        KeyCode::Backspace => {
            f.fields[f.cursor].text.pop();
        }
        KeyCode::Char('u') if ctrl => f.fields[f.cursor].text.clear(),
        KeyCode::Char(c) if !ctrl && !c.is_control() => {
            let field = &mut f.fields[f.cursor];
            if field.text.chars().count() < 2000 {
                field.text.push(c);
            }
            field.error = None;
        }
        KeyCode::Enter if save_form(s, &mut f) => return,
        _ => {}
    }
    s.mode = Mode::Form(f);
}

/// Validates the form and stages its changed fields. False (with errors on the fields) when
/// something is invalid.
fn save_form(s: &mut State, f: &mut Form) -> bool {
    let mut body = Map::new();
    let mut meta = Map::new();
    let mut ok = true;
    for field in f.fields.iter_mut() {
        field.error = None;
        let changed = if field.mixed {
            !field.text.is_empty()
        } else {
            field.text != field.original
        };
        if !changed {
            continue;
        }
        match &field.target {
            FieldTarget::Description => {
                body.insert("description".into(), Value::String(field.text.clone()));
            }
            FieldTarget::Coordinates => {
                let t = field.text.trim();
                if t.is_empty() {
                    body.insert("customCoordinates".into(), Value::Null);
                    continue;
                }
                let mut norm = None;
                for file in f.ids.iter().filter_map(|id| s.file(id)) {
                    match crate::model::parse_coordinates(t, file.width, file.height) {
                        Ok(n) => norm = Some(n),
                        Err(e) => {
                            field.error = Some(format!("{}: {e}", file.name()));
                            ok = false;
                            break;
                        }
                    }
                }
                if let Some(n) = norm
                    && field.error.is_none()
                {
                    body.insert("customCoordinates".into(), Value::String(n));
                }
            }
            FieldTarget::Metadata(name) => {
                let Some(def) = s.fields.iter().find(|d| &d.name == name) else {
                    continue;
                };
                match metadata_value(def, &field.text) {
                    Ok(v) => {
                        meta.insert(name.clone(), v);
                    }
                    Err(e) => {
                        field.error = Some(e);
                        ok = false;
                    }
                }
            }
        }
    }
    if !ok {
        if let Some(i) = f.fields.iter().position(|x| x.error.is_some()) {
            f.cursor = i;
        }
        return false;
    }
    if !meta.is_empty() {
        body.insert("customMetadata".into(), Value::Object(meta));
    }
    if body.is_empty() {
        s.status = "no detail changed".into();
        return true;
    }
    let ids = f.ids.clone();
    let st = staged_for(s, &ids);
    for (k, v) in body {
        if k == "customMetadata"
            && let (Some(Value::Object(old)), Value::Object(new)) = (st.details.get_mut(&k), &v)
        {
            old.extend(new.clone());
            continue;
        }
        st.details.insert(k, v);
    }
    true
}

fn copy_key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    let ids = s.targets();
    let files: Vec<&Entry> = ids.iter().filter_map(|id| s.file(id)).collect();
    let (what, text): (&str, Vec<String>) = match k.code {
        KeyCode::Char('i') => ("ids", files.iter().map(|f| f.file_id.clone()).collect()),
        KeyCode::Char('p') => (
            "paths",
            files.iter().map(|f| f.file_path.to_string()).collect(),
        ),
        KeyCode::Char('n') => ("names", files.iter().map(|f| f.name().to_owned()).collect()),
        KeyCode::Char('t') => ("tag lists", files.iter().map(|f| f.tags.joined()).collect()),
        KeyCode::Char('u') => {
            s.status = format!("fetching the URLs of {} files to copy…", ids.len());
            return vec![Effect::CopyUrls(ids)];
        }
        _ => return Vec::new(),
    };
    s.status = format!("copied {} {what} to the clipboard (OSC 52)", text.len());
    vec![Effect::Copy(text.join("\n"))]
}

/// The ids of the files that have any of these tags.
fn files_with(s: &State, tags: &[String]) -> Vec<String> {
    s.files
        .iter()
        .filter(|f| tags.iter().any(|t| f.tags.contains(t)))
        .map(|f| f.file_id.clone())
        .collect()
}

fn vocab_view(s: &State, by_name: bool) -> VocabView {
    let v = crate::vocab::Vocabulary::build(s.files.iter().map(|f| {
        (
            f.tags.iter().collect(),
            f.ai_tags.iter().map(|a| a.name.as_str()).collect(),
        )
    }));
    let mut near: HashMap<&str, Vec<String>> = HashMap::new();
    for g in &v.near_duplicates {
        for t in &g.tags {
            near.insert(
                &t.tag,
                g.tags
                    .iter()
                    .filter(|x| x.tag != t.tag)
                    .map(|x| x.tag.clone())
                    .collect(),
            );
        }
    }
    let mut rows: Vec<VocabRow> = v
        .tags
        .iter()
        .map(|t| VocabRow {
            tag: t.tag.clone(),
            files: t.files,
            ai: false,
            near: near.get(t.tag.as_str()).cloned().unwrap_or_default(),
        })
        .chain(v.ai_tags.iter().map(|t| VocabRow {
            tag: t.tag.clone(),
            files: t.files,
            ai: true,
            near: Vec::new(),
        }))
        .collect();
    if by_name {
        rows.sort_by_key(|r| (r.ai, r.tag.to_lowercase()));
    }
    VocabView {
        rows,
        cursor: 0,
        by_name,
        marked: BTreeSet::new(),
    }
}

fn vocab_key(s: &mut State, mut v: VocabView, k: KeyEvent) -> Vec<Effect> {
    let n = v.rows.len();
    let row = v.rows.get(v.cursor).cloned();
    match k.code {
        KeyCode::Esc | KeyCode::Char('q' | 'T') => return Vec::new(),
        KeyCode::Char('j') | KeyCode::Down => v.cursor = (v.cursor + 1).min(n.saturating_sub(1)),
        KeyCode::Char('k') | KeyCode::Up => v.cursor = v.cursor.saturating_sub(1),
        KeyCode::PageDown => v.cursor = (v.cursor + 20).min(n.saturating_sub(1)),
        KeyCode::PageUp => v.cursor = v.cursor.saturating_sub(20),
        KeyCode::Char('g') | KeyCode::Home => v.cursor = 0,
        KeyCode::Char('G') | KeyCode::End => v.cursor = n.saturating_sub(1),
        KeyCode::Char('s') => {
            let marked = std::mem::take(&mut v.marked);
            v = vocab_view(s, !v.by_name);
            v.marked = marked;
        }
        KeyCode::Char(' ') => {
            if let Some(r) = row.filter(|r| !r.ai)
                && !v.marked.remove(&r.tag)
            {
                v.marked.insert(r.tag);
            }
            v.cursor = (v.cursor + 1).min(n.saturating_sub(1));
        }
        KeyCode::Char('n') => {
            // Mark this tag and its near-duplicates, ready for a merge.
            if let Some(r) = row.filter(|r| !r.ai) {
                v.marked.insert(r.tag);
                v.marked.extend(r.near);
            }
        }
        KeyCode::Enter => {
            if let Some(r) = row {
                let term = super::filter::tag_term(&r.tag);
                let term = if r.ai {
                    term.replacen("tag:", "ai:", 1)
                } else {
                    term
                };
                s.set_filter(&term);
                s.status = format!(
                    "showing the {} files with {}",
                    s.view.len(),
                    untrusted_short(&r.tag)
                );
                return Vec::new();
            }
        }
        KeyCode::Char('r' | 'm' | 'D') if s.read_only => {
            s.status = "read-only profile: changes are disabled".into();
        }
        KeyCode::Char('r' | 'm') => {
            let from: Vec<String> = if k.code == KeyCode::Char('m') && !v.marked.is_empty() {
                v.marked.iter().cloned().collect()
            } else {
                match row.filter(|r| !r.ai) {
                    Some(r) => vec![r.tag],
                    None => {
                        s.status =
                            "AI tags cannot be renamed; promote or remove them instead".into();
                        s.mode = Mode::Vocab(v);
                        return Vec::new();
                    }
                }
            };
            // Suggest the most used spelling among them first.
            let mut candidates: Vec<(String, usize)> = v
                .rows
                .iter()
                .filter(|r| !r.ai && from.contains(&r.tag))
                .map(|r| (r.tag.clone(), r.files))
                .collect();
            candidates.extend(
                s.vocabulary(None)
                    .into_iter()
                    .filter(|c| !from.contains(&c.0)),
            );
            s.vocab_merge = from;
            s.mode = Mode::Input(Input::new(InputKind::MergeInto, String::new(), candidates));
            return Vec::new();
        }
        KeyCode::Char('D') => {
            if let Some(r) = row.filter(|r| !r.ai) {
                let ids = files_with(s, std::slice::from_ref(&r.tag));
                let op = Operation::RemoveTags { tags: vec![r.tag] };
                if let Err(e) = stage_vocab(s, op, ids) {
                    s.status = format!("not staged: {e}");
                }
            }
        }
        _ => {}
    }
    s.mode = Mode::Vocab(v);
    Vec::new()
}

fn untrusted_short(s: &str) -> String {
    crate::text::untrusted(s, 40)
}

fn tasks_key(s: &mut State, cursor: usize, k: KeyEvent) -> Vec<Effect> {
    let n = s.jobs.len();
    let job = s.jobs.get(cursor).map(|j| j.id);
    match k.code {
        KeyCode::Esc | KeyCode::Char('q' | 't') => return Vec::new(),
        KeyCode::Char('k') | KeyCode::Up => {
            s.mode = Mode::Tasks {
                cursor: cursor.saturating_sub(1),
            }
        }
        KeyCode::Char('j') | KeyCode::Down => {
            s.mode = Mode::Tasks {
                cursor: (cursor + 1).min(n.saturating_sub(1)),
            }
        }
        KeyCode::Char('r') if !s.read_only => {
            s.mode = Mode::Tasks { cursor };
            if let Some(id) = job {
                return retry(s, Some(id));
            }
        }
        KeyCode::Char('c') => {
            s.mode = Mode::Tasks { cursor };
            if let Some(id) = job {
                return cancel(s, Some(id));
            }
        }
        _ => s.mode = Mode::Tasks { cursor },
    }
    Vec::new()
}

/// Pasted text goes into the open prompt, field or count (first line, control characters
/// dropped); elsewhere it is ignored so a stray paste cannot fire commands.
fn paste(s: &mut State, text: &str) {
    let line: String = text
        .lines()
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .take(2000)
        .collect();
    match &mut s.mode {
        Mode::Input(i) => {
            i.text.push_str(&line);
            i.choice = 0;
            if i.kind == InputKind::Filter {
                let t = i.text.clone();
                s.set_filter(&t);
            }
        }
        Mode::Form(f) => f.fields[f.cursor].text.push_str(&line),
        Mode::Delete { typed, .. } => typed.extend(line.chars().filter(char::is_ascii_digit)),
        _ => {}
    }
}

fn mouse(s: &mut State, m: MouseEvent) {
    if s.mode != Mode::Normal {
        return;
    }
    let at = Position::new(m.column, m.row);
    match m.kind {
        MouseEventKind::ScrollDown => s.move_to(s.cursor + 3),
        MouseEventKind::ScrollUp => s.move_to(s.cursor.saturating_sub(3)),
        MouseEventKind::Down(_) if s.list_area.contains(at) => {
            s.focus = Pane::List;
            // Two rows of border and header above the first file.
            let first = s.list_area.y + 2;
            if m.row >= first {
                let row = s.offset + usize::from(m.row - first);
                if row < s.view.len() {
                    s.move_to(row);
                }
            }
        }
        MouseEventKind::Down(_) if s.editor_area.contains(at) => s.focus = Pane::Editor,
        _ => {}
    }
}
