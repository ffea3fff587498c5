//! The messages of the TUI: what happened ([`Action`]: terminal input, results of effects,
//! time), what a key means where it was pressed ([`Msg`], decoded by `input`), and what to
//! do ([`Effect`], run by the runtime).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

use ratatui::crossterm::event::{KeyEvent, MouseEvent};

use super::keymap::Command;
use super::preview::PreviewState;
use super::view::layout::Layout;
use crate::jobs::journal::Origin;
use crate::jobs::lifecycle::Guard;
use crate::jobs::{FileOutcome, Plan};
use crate::model::{CustomMetadataField, FileDetails};

/// Everything that can happen: terminal input (decoded into a [`Msg`] before it reaches
/// the model), results of effects, time.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    /// A page of the listing arrived.
    Page(Vec<FileDetails>),
    LoadDone,
    /// Listing items that could not be read (the rest loaded), each said in a line.
    LoadSkipped(Vec<String>),
    /// The files each `require` query matched, in the rules' order (or why not).
    LintRequired(Result<Vec<std::collections::HashSet<String>>, String>),
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
    /// What the client waits for (a rate-limit window, a retry, a slow answer), or nothing.
    Waiting(Option<String>),
    Resize,
    /// Where everything is on screen (computed once per frame from the terminal size).
    Layout(Layout),
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
        plan: Arc<Plan>,
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
    /// Load the whole library again (the state was emptied for it).
    Reload,
    /// Which files each rules-file `require` query matches (one server search each).
    LintRequired(Vec<String>),
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

/// Input as the model sees it: keys already looked up in the keymap for the context they
/// were pressed in, mouse events already hit-tested against the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Msg {
    /// A bound key.
    Cmd(Command),
    /// A printable character typed into the top dialog's field.
    Type(char),
    /// A key with no binding where it was pressed (a dialog may close on it).
    Other,
    /// Pasted text.
    Paste(String),
    /// Ctrl-C: quit now.
    Interrupt,
    /// A click on the list: the row under it (a position in the visible rows), if any.
    ClickList(Option<usize>),
    ClickEditor,
    /// The wheel: rows to move (negative: up).
    Scroll(isize),
}
