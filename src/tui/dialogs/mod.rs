//! Dialogs as values on a stack (`State::modals`), drawn bottom-up. Each dialog is one file
//! with its state, its handling of decoded messages and its render; handling returns a
//! [`Transition`], so a dialog opened from another one (a confirm over the vocabulary view)
//! returns to it exactly as it was.

mod ai;
mod confirm;
mod copy;
mod delete;
mod form;
mod help;
mod problems;
mod profiles;
mod prompt;
mod sort;
mod tasks;
mod vocab;

use ratatui::Frame;
use ratatui::layout::Rect;

pub use self::ai::{AiDialog, AiName, AiRow};
pub use self::confirm::{Confirm, ConfirmAction};
pub use self::copy::CopyMenu;
pub use self::delete::DeleteDialog;
pub use self::form::{FieldTarget, Form, FormField, new_form};
pub use self::help::Help;
pub use self::problems::ProblemsView;
pub use self::profiles::ProfilePicker;
pub use self::prompt::{InputKind, Prompt};
pub use self::sort::SortMenu;
pub use self::tasks::TaskPanel;
pub use self::vocab::{VocabRow, VocabView};
use super::keymap::{Command, Context, Keymap};
use super::model::State;
use super::msg::{Effect, Msg};
use super::theme::Theme;

#[derive(Debug, Clone, PartialEq)]
pub enum Modal {
    Help(Help),
    Prompt(Prompt),
    Sort(SortMenu),
    Ai(AiDialog),
    Form(Form),
    Confirm(Confirm),
    Delete(DeleteDialog),
    Tasks(TaskPanel),
    Vocab(VocabView),
    Problems(ProblemsView),
    Copy(CopyMenu),
    Profiles(ProfilePicker),
}

/// What a dialog does after a message.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    Stay,
    Close,
    /// Open another dialog over this one (this one stays below, as it is).
    Push(Modal),
    /// Close this one and open another in its place.
    Replace(Modal),
}

/// A dialog's answer to a message: where to go and what to do.
#[derive(Debug, Clone, PartialEq)]
pub struct Reply {
    pub to: Transition,
    pub effects: Vec<Effect>,
}

impl Reply {
    pub fn stay() -> Reply {
        Reply::to(Transition::Stay)
    }

    pub fn close() -> Reply {
        Reply::to(Transition::Close)
    }

    pub fn to(to: Transition) -> Reply {
        Reply {
            to,
            effects: Vec::new(),
        }
    }

    #[must_use]
    pub fn with(mut self, effects: Vec<Effect>) -> Reply {
        self.effects = effects;
        self
    }
}

impl Modal {
    /// Where its keys are looked up.
    pub fn context(&self) -> Context {
        match self {
            Modal::Help(_) => Context::Help,
            Modal::Prompt(_) => Context::Prompt,
            Modal::Sort(_) => Context::Sort,
            Modal::Ai(_) => Context::Ai,
            Modal::Form(_) => Context::Form,
            Modal::Confirm(_) => Context::Confirm,
            Modal::Delete(_) => Context::Delete,
            Modal::Tasks(_) => Context::Tasks,
            Modal::Vocab(_) => Context::Vocabulary,
            Modal::Problems(_) => Context::Problems,
            Modal::Copy(_) => Context::Copy,
            Modal::Profiles(_) => Context::Profiles,
        }
    }

    /// A field has the keyboard: printable characters are typed, not looked up.
    pub fn typing(&self) -> bool {
        match self {
            Modal::Prompt(_) | Modal::Form(_) | Modal::Delete(_) => true,
            Modal::Ai(d) => d.typing(),
            _ => false,
        }
    }

    fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        match self {
            Modal::Help(d) => d.handle(msg),
            Modal::Prompt(d) => d.handle(s, msg),
            Modal::Sort(d) => d.handle(s, msg),
            Modal::Ai(d) => d.handle(s, msg),
            Modal::Form(d) => d.handle(s, msg),
            Modal::Confirm(d) => d.handle(s, msg),
            Modal::Delete(d) => d.handle(s, msg),
            Modal::Tasks(d) => d.handle(s, msg),
            Modal::Vocab(d) => d.handle(s, msg),
            Modal::Problems(d) => d.handle(s, msg),
            Modal::Copy(_) => copy::handle(s, msg),
            Modal::Profiles(d) => d.handle(s, msg),
        }
    }

    pub fn render(&self, f: &mut Frame, s: &State, t: Theme, area: Rect) {
        match self {
            Modal::Help(d) => d.render(f, s, t, area),
            Modal::Prompt(d) => d.render(f, s, t, area),
            Modal::Sort(d) => d.render(f, s, t, area),
            Modal::Ai(d) => d.render(f, s, t, area),
            Modal::Form(d) => d.render(f, t, area),
            Modal::Confirm(d) => d.render(f, s, t, area),
            Modal::Delete(d) => d.render(f, s, t, area),
            Modal::Tasks(d) => d.render(f, s, t, area),
            Modal::Vocab(d) => d.render(f, t, area),
            Modal::Problems(d) => d.render(f, s, t, area),
            Modal::Copy(_) => {}
            Modal::Profiles(d) => d.render(f, s, t, area),
        }
    }

    /// The action bar's key hints while this dialog is on top, from the keymap.
    pub fn hint(&self, km: &Keymap, read_only: bool) -> String {
        let ctx = self.context();
        let keys = |items: &[(Command, &str)]| km.hint(ctx, items, read_only);
        let parts: Vec<String> = match self {
            Modal::Prompt(p) => p.hint(km, read_only),
            Modal::Help(_) => vec![
                keys(&[(Command::Down, "down"), (Command::Up, "up")]),
                "any other key closes".into(),
            ],
            Modal::Sort(_) => vec![
                format!("letter or {}", keys(&[(Command::Accept, "picks")])),
                "same key again reverses · any other key closes".into(),
            ],
            Modal::Ai(_) => vec![
                keys(&[
                    (Command::Up, "up"),
                    (Command::Down, "down"),
                    (Command::Toggle, "check/switch"),
                ]),
                "type numbers".into(),
                keys(&[(Command::Accept, "stage"), (Command::Close, "cancel")]),
            ],
            Modal::Form(_) => vec![
                keys(&[(Command::Down, "next field"), (Command::Up, "previous")]),
                "type to edit".into(),
                keys(&[
                    (Command::ClearLine, "clear"),
                    (Command::Accept, "stage"),
                    (Command::Close, "cancel"),
                ]),
            ],
            Modal::Confirm(_) => vec![
                keys(&[(Command::Yes, "confirm")]),
                "any other key cancels".into(),
            ],
            Modal::Delete(_) => vec![
                format!("type the count, {}", keys(&[(Command::Accept, "deletes")])),
                "any other key cancels".into(),
            ],
            Modal::Tasks(_) => vec![keys(&[
                (Command::Down, "next job"),
                (Command::Up, "previous"),
                (Command::Retry, "retry failed"),
                (Command::Cancel, "cancel"),
                (Command::Close, "close"),
            ])],
            Modal::Vocab(_) => vec![keys(&[
                (Command::Accept, "show files"),
                (Command::Toggle, "mark"),
                (Command::MarkNear, "mark near-duplicates"),
                (Command::Merge, "merge marked"),
                (Command::Rename, "rename"),
                (Command::RemoveEverywhere, "remove everywhere"),
                (Command::Sort, "sort"),
                (Command::Close, "close"),
            ])],
            Modal::Problems(_) => vec![keys(&[
                (Command::Accept, "show files"),
                (Command::FixProblem, "stage fix"),
                (Command::Down, "next"),
                (Command::Up, "previous"),
                (Command::Close, "close"),
            ])],
            Modal::Copy(_) => vec![
                format!(
                    "copy: {}",
                    keys(&[
                        (Command::CopyIds, "id"),
                        (Command::CopyPaths, "path"),
                        (Command::CopyNames, "name"),
                        (Command::CopyTags, "tags"),
                        (Command::CopyUrls, "URL"),
                    ])
                ),
                "any other key cancels".into(),
            ],
            Modal::Profiles(_) => vec![
                keys(&[
                    (Command::Down, "next"),
                    (Command::Up, "previous"),
                    (Command::Accept, "switch"),
                ]),
                "any other key closes".into(),
            ],
        };
        parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

/// Offers a message to the top dialog and carries out its transition.
pub fn handle(s: &mut State, msg: &Msg) -> Vec<Effect> {
    let Some(mut top) = s.modals.pop() else {
        return Vec::new();
    };
    // Where the dialog goes back: anything the handler opened on its own lands above it.
    let at = s.modals.len();
    let reply = top.handle(s, msg);
    match reply.to {
        Transition::Stay => s.modals.insert(at, top),
        Transition::Close => {}
        Transition::Push(next) => {
            s.modals.insert(at, top);
            s.modals.insert(at + 1, next);
        }
        Transition::Replace(next) => s.modals.insert(at, next),
    }
    reply.effects
}
