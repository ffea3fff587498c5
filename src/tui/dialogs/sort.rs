//! The sort menu: a key picks (the key in use again reverses it).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::Reply;
use crate::tui::keymap::{Command, Context};
use crate::tui::model::{SortKey, State};
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{centered, dialog};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SortMenu {
    pub cursor: usize,
}

impl SortMenu {
    /// Opens on the key in use.
    pub fn new(current: SortKey) -> SortMenu {
        SortMenu {
            cursor: SortKey::ALL.iter().position(|k| *k == current).unwrap_or(0),
        }
    }

    pub fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        let n = SortKey::ALL.len();
        let pick = match msg {
            Msg::Cmd(Command::Down) => {
                self.cursor = (self.cursor + 1) % n;
                return Reply::stay();
            }
            Msg::Cmd(Command::Up) => {
                self.cursor = (self.cursor + n - 1) % n;
                return Reply::stay();
            }
            Msg::Cmd(Command::Accept) => SortKey::ALL[self.cursor],
            &Msg::Cmd(c) => match SortKey::ALL.into_iter().find(|k| k.command() == c) {
                Some(k) => k,
                None => return Reply::close(),
            },
            _ => return Reply::close(),
        };
        s.list.sort = pick.then(s.list.sort);
        s.list.rebuild(&mut s.lib);
        Reply::close()
    }

    pub fn render(&self, f: &mut Frame, s: &State, t: Theme, area: Rect) {
        let lines = SortKey::ALL
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let current = match (*k == s.list.sort.key, s.list.sort.desc) {
                    (true, true) => " ↓",
                    (true, false) => " ↑",
                    _ => "",
                };
                let style = if i == self.cursor {
                    t.cursor()
                } else {
                    Style::new()
                };
                let key = s
                    .session
                    .keymap
                    .first_key(Context::Sort, k.command())
                    .unwrap_or_default();
                Line::styled(format!(" {key}  {}{current}", k.label()), style)
            })
            .collect();
        let h = u16::try_from(SortKey::ALL.len() + 2).unwrap_or(u16::MAX);
        dialog(f, t, centered(area, 30, h), " sort by ".into(), lines);
    }
}
