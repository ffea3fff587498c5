//! The TUI's model and its pure update: `update(&mut State, Action) -> Vec<Effect>`. No I/O
//! here: effects are run by the runtime and come back as actions (tagged with their job
//! id); time arrives as `Tick` actions. Input is decoded (`input::decode`) before it reaches
//! the model: the top dialog gets it first, else a command of the focused pane.
//!
//! The state is split by feature, each in its own file: the library, the list view, staging,
//! the job queue and undo history, auto-tag polling; the dialogs are values on a stack
//! (`dialogs`).

pub mod autotag;
mod commands;
mod editor;
mod events;
pub mod library;
pub mod list;
pub mod problems;
pub mod queue;
pub mod selection;
pub mod staging;

use std::collections::HashSet;
use std::time::Instant;

pub use self::autotag::{AutoTag, ExtState, POLL_EVERY, POLL_FOR};
pub use self::commands::run_command;
pub use self::editor::EditorRow;
pub use self::library::Library;
pub use self::list::{ListView, ServerSearch, Sort, SortKey};
pub use self::queue::{Badge, FileError, Job, JobStatus, Queue, UndoUnit};
pub use self::staging::{AiRemoval, Staged, files_label, staged_label};
use super::dialogs::{self, Modal};
use super::entry::Entry;
use super::input;
use super::keymap::{Context, Keymap};
use super::msg::{Action, Effect, Msg};
use super::preview::{PreviewCache, PreviewState};
use super::view::layout::Layout;
use crate::config::ProfileInfo;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    List,
    Editor,
}

/// Who is connected to what, and the keys in force.
#[derive(Debug, Clone, Default)]
pub struct Session {
    pub demo: bool,
    pub read_only: bool,
    pub profile: Option<String>,
    /// The config file's profiles (for `P`).
    pub profiles: Vec<ProfileInfo>,
    pub keymap: Keymap,
}

/// The preview pane (`p`).
#[derive(Debug, Clone, Default)]
pub struct Preview {
    pub on: bool,
    pub cache: PreviewCache,
    /// The file whose preview is being fetched (one at a time; moving on never waits).
    pub inflight: Option<String>,
}

#[derive(Debug, Clone)]
pub struct State {
    pub lib: Library,
    pub list: ListView,
    pub focus: Pane,
    pub editor_cursor: usize,
    pub staged: Option<Staged>,
    pub queue: Queue,
    pub autotag: AutoTag,
    pub preview: Preview,
    pub session: Session,
    /// The rules file's violations (the problems view, `!`).
    pub problems: problems::Problems,
    /// Open dialogs, bottom first; the last one has the keyboard.
    pub modals: Vec<Modal>,
    /// The status line's message.
    pub status: String,
    /// What the client waits for, shown on the job line while it lasts.
    pub waiting: Option<String>,
    /// The geometry on screen (from `Action::Layout`).
    pub layout: Layout,
    pub now: Option<Instant>,
    next_id: u64,
    next_job: u64,
}

impl State {
    pub fn new(demo: bool, read_only: bool) -> Self {
        State {
            lib: Library::new(),
            list: ListView::default(),
            focus: Pane::List,
            editor_cursor: 0,
            staged: None,
            queue: Queue::default(),
            autotag: AutoTag::default(),
            preview: Preview::default(),
            problems: problems::Problems::default(),
            session: Session {
                demo,
                read_only,
                ..Session::default()
            },
            modals: Vec::new(),
            status: String::new(),
            waiting: None,
            layout: Layout::default(),
            now: None,
            next_id: 1,
            next_job: 1,
        }
    }

    pub fn file(&self, id: &str) -> Option<&Entry> {
        self.lib.file(id)
    }

    pub fn focused(&self) -> Option<&Entry> {
        self.list.focused_index().map(|i| &self.lib.files[i])
    }

    /// The dialog that has the keyboard.
    pub fn top(&self) -> Option<&Modal> {
        self.modals.last()
    }

    /// The files an action applies to: the selection, else the focused file.
    pub fn targets(&self) -> Vec<String> {
        if self.list.selected.is_empty() {
            self.focused()
                .map(|f| vec![f.file_id.clone()])
                .unwrap_or_default()
        } else {
            self.selected_ids().map(str::to_owned).collect()
        }
    }

    /// The selected files' ids, in library order.
    pub fn selected_ids(&self) -> impl Iterator<Item = &str> {
        self.list
            .selected
            .positions()
            .filter_map(|i| self.lib.files.get(i))
            .map(|f| f.file_id.as_str())
    }

    /// Is this file selected?
    pub fn is_selected(&self, id: &str) -> bool {
        self.lib
            .position(id)
            .is_some_and(|i| self.list.selected.contains(i))
    }

    pub fn running(&self) -> Option<&Job> {
        self.queue.running()
    }

    /// Should the loop animate (tick) — only while jobs run or results are awaited.
    pub fn animating(&self) -> bool {
        self.queue.busy() || self.autotag.polling(self.now)
    }

    /// Where keys go when no dialog is open.
    pub fn context(&self) -> Context {
        match self.focus {
            Pane::List => Context::List,
            Pane::Editor => Context::Editor,
        }
    }

    /// Drops files that left the library (deleted, or gone on the server).
    pub(crate) fn remove_files(&mut self, gone: &HashSet<String>) {
        if gone.is_empty() {
            return;
        }
        let keep = self.focused().map(|f| f.file_id.clone());
        for id in gone {
            self.unselect(id);
            self.queue.errors.remove(id);
        }
        let at = self.lib.remove(gone);
        self.list.selected.files_removed(&at);
        self.list.files_removed(&mut self.lib, keep);
    }

    /// Adds or replaces a file (a selected file's counts follow). True when it is new.
    pub(crate) fn upsert(&mut self, f: crate::model::FileDetails) -> bool {
        match self.lib.put(Entry::from(f)) {
            Some((i, old)) => {
                self.list.selected.changed(i, &old, &self.lib.files[i]);
                false
            }
            None => true,
        }
    }

    /// Shows a file with these tags (a confirmed change, before the read-back lands).
    pub(crate) fn set_tags(&mut self, id: &str, tags: &[String]) {
        let Some(i) = self.lib.position(id) else {
            return;
        };
        let old = self
            .list
            .selected
            .contains(i)
            .then(|| self.lib.files[i].clone());
        self.lib.set_tags(id, tags);
        if let Some(old) = old {
            self.list.selected.changed(i, &old, &self.lib.files[i]);
        }
    }

    pub(crate) fn select(&mut self, id: &str) {
        if let Some(i) = self.lib.position(id) {
            self.list.selected.insert(i, &self.lib.files[i]);
        }
    }

    pub(crate) fn unselect(&mut self, id: &str) {
        if let Some(i) = self.lib.position(id) {
            self.list.selected.remove(i, &self.lib.files[i]);
        }
    }

    /// How many files an action applies to (the selection, else the focused file).
    pub fn target_count(&self) -> usize {
        if self.list.selected.is_empty() {
            usize::from(self.focused().is_some())
        } else {
            self.list.selected.len()
        }
    }

    /// Is this file one of the targets?
    pub fn is_target(&self, id: &str) -> bool {
        if self.list.selected.is_empty() {
            self.focused().is_some_and(|f| f.file_id == id)
        } else {
            self.is_selected(id)
        }
    }

    /// The one target, when there is exactly one.
    pub fn single_target(&self) -> Option<&Entry> {
        match self.list.selected.len() {
            0 => self.focused(),
            1 => self
                .list
                .selected
                .positions()
                .next()
                .and_then(|i| self.lib.files.get(i)),
            _ => None,
        }
    }

    /// What is staged, when it is staged for the current targets.
    pub fn staged_for_targets(&self) -> Option<&Staged> {
        let st = self.staged.as_ref()?;
        let sel = &self.list.selected;
        if sel.is_empty() {
            let f = self.focused()?;
            return (st.ids.len() == 1 && st.ids[0] == f.file_id).then_some(st);
        }
        if st.ids.len() != sel.len() {
            return None;
        }
        // Staged for this very selection, or (after changes that led back) the same ids.
        let same = st.selection == Some(sel.generation())
            || st.ids.iter().map(String::as_str).eq(self.selected_ids());
        same.then_some(st)
    }

    /// A new undo group's id.
    pub(crate) fn new_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// A new job's number: #1, #2, … in the order jobs are queued.
    pub(crate) fn new_job_id(&mut self) -> u64 {
        let id = self.next_job;
        self.next_job += 1;
        id
    }
}

/// Applies an action. Returns the effects to run.
pub fn update(s: &mut State, action: Action) -> Vec<Effect> {
    let mut effects = match action {
        Action::Key(_) | Action::Mouse(_) | Action::Paste(_) => {
            let focus = s.focus;
            match input::decode(action, s.top(), &s.session.keymap, &s.layout, focus) {
                Some(msg) => on_msg(s, &msg),
                None => Vec::new(),
            }
        }
        other => events::on_event(s, other),
    };
    effects.extend(want_preview(s));
    effects
}

/// Input, decoded: the top dialog gets it, else the focused pane's command runs. Commands
/// that change the library are refused here, once, in read-only mode.
fn on_msg(s: &mut State, msg: &Msg) -> Vec<Effect> {
    if matches!(msg, Msg::Cmd(_) | Msg::Type(_) | Msg::Other) {
        s.status.clear();
    }
    match msg {
        Msg::Interrupt => return vec![Effect::Quit],
        Msg::Cmd(c) if c.destructive() && s.session.read_only => {
            s.status = "read-only profile: changes are disabled".into();
            return Vec::new();
        }
        _ => {}
    }
    if !s.modals.is_empty() {
        return dialogs::handle(s, msg);
    }
    match msg {
        Msg::Cmd(cmd) => run_command(s, *cmd),
        Msg::ClickList(row) => {
            s.focus = Pane::List;
            if let Some(row) = *row {
                let at = s.list.offset + row;
                if at < s.list.view.len() {
                    s.list.move_to(at);
                }
            }
            Vec::new()
        }
        Msg::ClickEditor => {
            s.focus = Pane::Editor;
            Vec::new()
        }
        Msg::Scroll(by) => {
            s.list.move_to(s.list.cursor.saturating_add_signed(*by));
            Vec::new()
        }
        // A stray paste or typing outside a field never fires commands.
        Msg::Other | Msg::Type(_) | Msg::Paste(_) | Msg::Interrupt => Vec::new(),
    }
}

/// Asks for the focused file's preview when the pane shows and it has none for this size.
fn want_preview(s: &mut State) -> Vec<Effect> {
    let area = s.layout.preview_inner;
    if !s.preview.on || s.preview.inflight.is_some() || area.is_empty() {
        return Vec::new();
    }
    let Some(id) = s.focused().map(|f| f.file_id.clone()) else {
        return Vec::new();
    };
    let cells = (area.width, area.height);
    let fresh = match s.preview.cache.get(&id) {
        None => true,
        Some(PreviewState::Ready(t)) => t.cells != cells,
        Some(_) => false,
    };
    if !fresh {
        return Vec::new();
    }
    if !matches!(s.preview.cache.get(&id), Some(PreviewState::Ready(_))) {
        s.preview.cache.insert(id.clone(), PreviewState::Loading);
    }
    s.preview.inflight = Some(id.clone());
    vec![Effect::Preview { id, cells }]
}
