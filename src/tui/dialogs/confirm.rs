//! A yes/no question; no is the default (any key but the `yes` key says no).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::Reply;
use crate::jobs::{Operation, Plan};
use crate::text::shown;
use crate::tui::keymap::{Command, Context};
use crate::tui::model::{State, queue, staging};
use crate::tui::msg::{Effect, Msg};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{centered, dialog, dialog_height};

/// What a confirmation does on yes.
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
    /// Stage a vocabulary change (remove a tag everywhere) on these files.
    StageVocab {
        op: Operation,
        ids: Vec<String>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Confirm {
    pub message: String,
    pub action: ConfirmAction,
}

impl Confirm {
    pub fn new(message: String, action: ConfirmAction) -> Confirm {
        Confirm { message, action }
    }

    pub fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        if *msg != Msg::Cmd(Command::Yes) {
            s.status = "cancelled: nothing was sent".into();
            return Reply::close();
        }
        let action = std::mem::replace(&mut self.action, ConfirmAction::Quit);
        Reply::close().with(confirmed(s, action))
    }

    pub fn render(&self, f: &mut Frame, s: &State, t: Theme, area: Rect) {
        let yes = s
            .session
            .keymap
            .first_key(Context::Confirm, Command::Yes)
            .unwrap_or_else(|| "(unbound)".into());
        let lines = vec![
            Line::raw(shown(&self.message, 2000)),
            Line::raw(""),
            Line::styled(format!("{yes}: yes · any other key: no (default)"), t.key()),
        ];
        let h = dialog_height(&lines, 70.min(area.width))
            .max(7)
            .min(area.height);
        let r = centered(area, 70, h);
        dialog(f, t, r, " confirm ".into(), lines);
    }
}

fn confirmed(s: &mut State, action: ConfirmAction) -> Vec<Effect> {
    match action {
        ConfirmAction::Quit => vec![Effect::Quit],
        ConfirmAction::Discard => {
            s.staged = None;
            s.status = "staged changes discarded".into();
            Vec::new()
        }
        ConfirmAction::Undo(group) => queue::undo(s, group),
        ConfirmAction::Apply { label, plans } => staging::run_staged(s, label, plans),
        ConfirmAction::StageVocab { op, ids } => {
            if let Err(e) = staging::stage_vocab(s, op, ids) {
                s.status = format!("not staged: {e}");
            }
            Vec::new()
        }
    }
}
