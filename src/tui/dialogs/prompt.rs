//! One-line prompts: the live filter, the server search, a tag to add or remove (with
//! completion from the library's tags), and the new name of a vocabulary rename or merge.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::Reply;
use crate::jobs::{self, Operation};
use crate::text::{count, fit, on_screen, shown, width};
use crate::tui::keymap::{Command, Context, Keymap};
use crate::tui::model::{State, staging};
use crate::tui::msg::{Effect, Msg};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{centered, dialog, dialog_height};

/// Prompt boxes' width (the filter takes the list's).
const WIDTH: u16 = 76;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Filter,
    Search,
    AddTag,
    RemoveTag,
    /// The new name for the vocabulary view's rename or merge of `Prompt::from`.
    MergeInto,
}

/// Completions shown.
const SHOWN: usize = 8;

/// A one-line prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
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
    /// The tags a merge or rename takes (`MergeInto`).
    pub from: Vec<String>,
}

impl Prompt {
    pub fn new(kind: InputKind, text: String, candidates: Vec<(String, usize)>) -> Self {
        Prompt {
            kind,
            previous: text.clone(),
            text,
            error: None,
            busy: false,
            candidates,
            choice: 0,
            from: Vec::new(),
        }
    }

    /// The new name of these tags.
    pub fn merge(from: Vec<String>, candidates: Vec<(String, usize)>) -> Self {
        Prompt {
            from,
            ..Prompt::new(InputKind::MergeInto, String::new(), candidates)
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

    pub fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        let live_filter = self.kind == InputKind::Filter;
        let shown = self.completions(SHOWN).len();
        match msg {
            Msg::Cmd(Command::Close) => {
                if live_filter {
                    s.list.set_filter(&mut s.lib, &self.previous);
                }
                return Reply::close();
            }
            Msg::Cmd(Command::Accept) => return self.submit(s),
            Msg::Cmd(Command::Complete) if shown > 0 => {
                if let Some(c) = self.completions(SHOWN).get(self.choice.min(shown - 1)) {
                    self.text = c.0.clone();
                }
                self.choice = 0;
            }
            Msg::Cmd(Command::Down) if shown > 0 => self.choice = (self.choice + 1) % shown,
            Msg::Cmd(Command::Up) if shown > 0 => self.choice = self.choice.saturating_sub(1),
            Msg::Cmd(Command::DeleteChar) => {
                self.text.pop();
                self.choice = 0;
            }
            Msg::Cmd(Command::ClearLine) => self.text.clear(),
            Msg::Cmd(Command::DeleteWord) => {
                let t = self.text.trim_end();
                let cut = t.rfind(' ').map_or(0, |i| i + 1);
                self.text.truncate(cut);
            }
            &Msg::Type(c) if self.text.chars().count() < 1000 => {
                self.text.push(c);
                self.choice = 0;
                self.error = None;
            }
            Msg::Paste(line) => {
                self.text.push_str(line);
                self.choice = 0;
            }
            _ => return Reply::stay(),
        }
        if live_filter {
            s.list.set_filter(&mut s.lib, &self.text);
        }
        Reply::stay()
    }

    /// The typed text, or on an empty line the highlighted completion.
    fn chosen(&self) -> Option<String> {
        let text = self.text.trim();
        if text.is_empty() {
            self.completions(SHOWN)
                .get(self.choice)
                .map(|c| c.0.clone())
        } else {
            Some(text.to_owned())
        }
    }

    fn submit(&mut self, s: &mut State) -> Reply {
        match self.kind {
            InputKind::Filter => {
                s.list.set_filter(&mut s.lib, &self.text);
                Reply::close()
            }
            InputKind::Search => self.search(s),
            InputKind::MergeInto => {
                let Some(into) = self.chosen() else {
                    return Reply::close();
                };
                let ids = s.lib.files_with(&self.from);
                let op = Operation::MergeTags {
                    from: self.from.clone(),
                    into,
                };
                match staging::stage_vocab(s, op, ids) {
                    Ok(()) => Reply::close(),
                    Err(e) => {
                        self.error = Some(e.to_string());
                        Reply::stay()
                    }
                }
            }
            InputKind::AddTag | InputKind::RemoveTag => {
                let Some(tag) = self.chosen() else {
                    return Reply::close();
                };
                if let Err(e) = jobs::policy::check_tag(&tag) {
                    self.error = Some(e.to_string());
                    return Reply::stay();
                }
                if let Some(ids) = staging::staging_targets(s) {
                    staging::stage_tag(s, &ids, &tag, self.kind == InputKind::AddTag);
                }
                Reply::close()
            }
        }
    }

    fn search(&mut self, s: &mut State) -> Reply {
        let text = self.text.trim().to_owned();
        if text.is_empty() {
            if s.list.search.take().is_some() {
                s.list.rebuild(&mut s.lib);
            }
            s.status = "server search cleared".into();
            return Reply::close();
        }
        self.busy = true;
        self.error = None;
        Reply::stay().with(vec![Effect::Search(text)])
    }

    /// The bar's hint parts.
    pub fn hint(&self, km: &Keymap, read_only: bool) -> Vec<String> {
        let keys = |items: &[(Command, &str)]| km.hint(Context::Prompt, items, read_only);
        match self.kind {
            InputKind::Filter => vec![
                "type to filter".into(),
                keys(&[(Command::Accept, "keep"), (Command::Close, "restore")]),
            ],
            InputKind::Search => vec![
                keys(&[(Command::Accept, "search")]),
                "empty clears".into(),
                keys(&[(Command::Close, "close")]),
            ],
            _ => vec![keys(&[
                (Command::Accept, "stage"),
                (Command::Complete, "complete"),
                (Command::Down, "next"),
                (Command::Up, "previous"),
                (Command::Close, "cancel"),
            ])],
        }
    }

    pub fn render(&self, f: &mut Frame, s: &State, t: Theme, area: Rect) {
        let n = s.target_count();
        let title = match self.kind {
            InputKind::Filter => format!(
                " filter {} of {} ",
                s.list.view.len(),
                count(s.lib.files.len(), "file")
            ),
            InputKind::Search if self.busy => " server search — searching… ".to_owned(),
            InputKind::Search => {
                " server search (searchQuery, e.g. tags IN [\"sale\"] AND size > 1mb) ".to_owned()
            }
            InputKind::AddTag => format!(" add a tag to {} ", count(n, "file")),
            InputKind::RemoveTag => format!(" remove a tag from {} ", count(n, "file")),
            InputKind::MergeInto => {
                // The tags are cut, never what the dialog does with them.
                let (before, after) = (" rename / merge ", " into (enter) ");
                let room = usize::from(WIDTH.min(area.width).saturating_sub(2))
                    .saturating_sub(width(before) + width(after));
                let from = on_screen(&self.from.join(", ")).into_owned();
                format!("{before}{}{after}", fit(&from, room))
            }
        };
        let mut lines = vec![Line::raw(format!("{}▏", shown(&self.text, 500)))];
        if let Some(e) = &self.error {
            // The whole message, wrapped.
            lines.push(Line::styled(shown(e, 2000), t.failed()));
        }
        for (n, (tag, count)) in self.completions(SHOWN).iter().enumerate() {
            let style = if n == self.choice {
                t.cursor()
            } else {
                Style::new()
            };
            lines.push(Line::styled(
                format!("  {}  ({count})", shown(tag, 60)),
                style,
            ));
        }
        let h = dialog_height(&lines, WIDTH.min(area.width))
            .max(3)
            .min(area.height);
        dialog(f, t, self.placement(s, area, h), title, lines);
    }

    /// Where the box goes: the filter sits on the list's bottom (or top) rows, on the side
    /// away from the focused row, so the files it filters stay in view; the other prompts
    /// are centred.
    fn placement(&self, s: &State, area: Rect, h: u16) -> Rect {
        let (list, rows) = (s.layout.list, s.layout.list_rows);
        if self.kind != InputKind::Filter || rows.height < h + 3 {
            return centered(area, WIDTH, h);
        }
        let cursor_row = s.list.cursor.saturating_sub(s.list.offset);
        let y = if cursor_row < usize::from(rows.height / 2) {
            list.bottom() - h
        } else {
            list.y
        };
        Rect::new(list.x, y, list.width, h)
    }
}
