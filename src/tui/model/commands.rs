//! What a command does when no dialog is open: moving, selecting, staging, opening dialogs,
//! applying, undoing. Keys reach here already decoded (and read-only already checked).

use std::collections::BTreeSet;

use super::staging::{self, stage_tag, staging_targets, toggle_ai_name};
use super::{EditorRow, Pane, State, files_label, queue};
use crate::tui::dialogs::{
    AiDialog, Confirm, ConfirmAction, CopyMenu, DeleteDialog, Help, InputKind, Modal, ProblemsView,
    ProfilePicker, Prompt, SortMenu, TaskPanel, VocabView,
};
use crate::tui::keymap::Command;
use crate::tui::msg::Effect;

/// Runs a command as if its key was pressed with no dialog open.
pub fn run_command(s: &mut State, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::Quit => return quit(s),
        Command::Suspend => return vec![Effect::Suspend],
        Command::Apply => return staging::apply(s),
        Command::Retry => return queue::retry(s, None),
        Command::Cancel => return queue::cancel(s, None),
        Command::Undo => undo(s),
        Command::RemoveTag => remove_tag(s),
        Command::Preview => {
            s.preview.on = !s.preview.on;
            // A preview still on its way is dropped when it lands; ask again when shown.
            s.preview.inflight = None;
        }
        Command::SwitchPane => {
            s.focus = match s.focus {
                Pane::List => Pane::Editor,
                Pane::Editor => Pane::List,
            };
            s.editor_cursor = 0;
        }
        Command::Clear => clear(s),
        Command::Discard => discard(s),
        Command::Reload => return reload(s),
        _ if s.focus == Pane::Editor && super::editor::moves(s, cmd) => {}
        _ if moves(s, cmd) || selects(s, cmd) => {}
        _ => open(s, cmd),
    }
    Vec::new()
}

/// Cursor movement in the list. False: not a movement.
fn moves(s: &mut State, cmd: Command) -> bool {
    let l = &mut s.list;
    let page = l.page_rows.max(1);
    match cmd {
        Command::Down => l.move_to(l.cursor + 1),
        Command::Up => l.move_to(l.cursor.saturating_sub(1)),
        Command::PageDown => l.move_to(l.cursor + page),
        Command::PageUp => l.move_to(l.cursor.saturating_sub(page)),
        Command::Top => l.move_to(0),
        Command::Bottom => l.move_to(usize::MAX),
        _ => return false,
    }
    true
}

/// Selection. False: not a selection command.
fn selects(s: &mut State, cmd: Command) -> bool {
    match cmd {
        Command::Toggle => {
            if let Some(i) = s.list.focused_index() {
                let f = &s.lib.files[i];
                if !s.list.selected.remove(i, f) {
                    s.list.selected.insert(i, f);
                }
            }
            s.list.move_to(s.list.cursor + 1);
        }
        Command::Range => match s.list.anchor.take() {
            None if !s.list.view.is_empty() => {
                s.list.anchor = Some(s.list.cursor);
                s.status = "range: move, then press the range key again (esc cancels)".into();
            }
            None => {}
            Some(a) => {
                let (lo, hi) = (a.min(s.list.cursor), a.max(s.list.cursor));
                let n = s.list.select_between(&s.lib, lo, hi);
                s.status = format!("{} added to the selection", files_label(n));
            }
        },
        Command::SelectAll => {
            s.list.select_between(&s.lib, 0, usize::MAX);
        }
        Command::Invert => s.list.invert(&s.lib),
        _ => return false,
    }
    true
}

/// Commands that open a dialog.
fn open(s: &mut State, cmd: Command) {
    let modal = match cmd {
        Command::Help => Modal::Help(Help::default()),
        Command::Tasks => Modal::Tasks(TaskPanel {
            cursor: s.queue.jobs.len().saturating_sub(1),
        }),
        Command::Filter => Modal::Prompt(Prompt::new(
            InputKind::Filter,
            s.list.filter.clone(),
            Vec::new(),
        )),
        Command::Search => {
            let q = s
                .list
                .search
                .as_ref()
                .map(|x| x.query.clone())
                .unwrap_or_default();
            Modal::Prompt(Prompt::new(InputKind::Search, q, Vec::new()))
        }
        Command::Sort => Modal::Sort(SortMenu::new(s.list.sort.key)),
        Command::AddTag => {
            if staging_targets(s).is_none() {
                return;
            }
            let vocab = s.lib.vocabulary(None);
            Modal::Prompt(Prompt::new(InputKind::AddTag, String::new(), vocab))
        }
        Command::RemoveAi => match staging_targets(s) {
            Some(ids) => Modal::Ai(AiDialog::new(s, &ids)),
            None => return,
        },
        Command::Edit => match staging_targets(s) {
            Some(ids) => Modal::Form(crate::tui::dialogs::new_form(s, ids)),
            None => return,
        },
        Command::Delete => {
            let ids = s.targets();
            if ids.is_empty() {
                s.status = "no file to delete".into();
                return;
            }
            Modal::Delete(DeleteDialog::new(ids))
        }
        Command::Vocabulary => Modal::Vocab(VocabView::new(s, false)),
        Command::Problems => Modal::Problems(ProblemsView::default()),
        Command::Copy => {
            if s.targets().is_empty() {
                s.status = "no file to copy from".into();
                return;
            }
            Modal::Copy(CopyMenu)
        }
        Command::Profiles => match profiles(s) {
            Some(p) => Modal::Profiles(p),
            None => return,
        },
        _ => return,
    };
    s.modals.push(modal);
}

fn profiles(s: &mut State) -> Option<ProfilePicker> {
    if s.session.profiles.is_empty() {
        s.status = "no profiles: add [profiles.NAME] sections to config.toml (see README)".into();
        return None;
    }
    let cursor = s
        .session
        .profiles
        .iter()
        .position(|p| Some(&p.name) == s.session.profile.as_ref())
        .unwrap_or(0);
    Some(ProfilePicker { cursor })
}

/// `q`: asks first while a job runs or changes are staged.
fn quit(s: &mut State) -> Vec<Effect> {
    let message = if let Some(j) = s.running() {
        format!(
            "“{}” is running ({}/{}). Quit anyway? Files not yet sent stay unchanged; the journal records what was done.",
            j.op.name(),
            j.done,
            j.total
        )
    } else if let Some(st) = &s.staged {
        format!(
            "{} for {} not applied. Quit and drop them?",
            crate::text::count(st.count(), "staged change"),
            files_label(st.ids.len())
        )
    } else {
        return vec![Effect::Quit];
    };
    s.modals
        .push(Modal::Confirm(Confirm::new(message, ConfirmAction::Quit)));
    Vec::new()
}

/// `-`: in the editor, toggles the removal of the tag under the cursor; in the list, asks
/// which tag to remove.
fn remove_tag(s: &mut State) {
    let Some(ids) = staging_targets(s) else {
        return;
    };
    if s.focus == Pane::Editor {
        match s.editor_rows().get(s.editor_cursor).cloned() {
            Some(EditorRow::Tag(t, _)) => stage_tag(s, &ids, &t, false),
            Some(EditorRow::Ai(name, _)) => toggle_ai_name(s, &ids, &name),
            None => {}
        }
    } else {
        let vocab = s.lib.vocabulary(Some(&ids));
        s.modals.push(Modal::Prompt(Prompt::new(
            InputKind::RemoveTag,
            String::new(),
            vocab,
        )));
    }
}

/// Loads the library again: after a failed listing, or to see changes made elsewhere.
/// Staged changes and badges stay (they are by file id); the selection goes (by position).
fn reload(s: &mut State) -> Vec<Effect> {
    if s.lib.loading {
        s.status = format!("still {}", super::events::LOADING);
        return Vec::new();
    }
    if s.queue.busy() {
        s.status = "a job is running: reload when it has finished".into();
        return Vec::new();
    }
    s.list.selected.clear();
    s.list.anchor = None;
    s.list.search = None;
    s.lib = super::Library::new();
    s.list.rebuild(&mut s.lib);
    s.status = super::events::LOADING.into();
    vec![Effect::Reload]
}

/// Esc: leaves the editor, else clears the range, the selection, the filter, the search.
fn clear(s: &mut State) {
    if s.focus == Pane::Editor {
        s.focus = Pane::List;
    } else if s.list.anchor.take().is_some() {
    } else if !s.list.selected.is_empty() {
        s.list.selected.clear();
    } else if !s.list.filter.is_empty() {
        s.list.set_filter(&mut s.lib, "");
    } else if s.list.search.take().is_some() {
        s.list.rebuild(&mut s.lib);
        s.status = "server search cleared: showing the whole library".into();
    }
}

fn discard(s: &mut State) {
    let Some(st) = &s.staged else {
        s.status = "nothing staged".into();
        return;
    };
    let message = format!(
        "Discard {} for {}?",
        crate::text::count(st.count(), "staged change"),
        files_label(st.ids.len())
    );
    s.modals.push(Modal::Confirm(Confirm::new(
        message,
        ConfirmAction::Discard,
    )));
}

/// `u`: asks before undoing the newest unit not yet undone.
fn undo(s: &mut State) {
    let queue::UndoCandidate {
        group,
        label,
        files,
    } = match queue::undo_candidate(s) {
        Ok(c) => c,
        Err(why) => {
            s.status = format!("nothing to undo: {why}");
            return;
        }
    };
    let lost: BTreeSet<&str> = s
        .queue
        .jobs
        .iter()
        .filter(|j| j.group == group && !j.op.reversible())
        .map(|j| j.op.name())
        .collect();
    let lost = if lost.is_empty() {
        String::new()
    } else {
        let names: Vec<&str> = lost.into_iter().collect();
        format!(" ({} cannot be undone and stays.)", names.join(", "))
    };
    let message = format!(
        "Undo “{label}”: put back what it changed on {}? Files changed since are left alone.{lost}",
        files_label(files)
    );
    s.modals.push(Modal::Confirm(Confirm::new(
        message,
        ConfirmAction::Undo(group),
    )));
}
