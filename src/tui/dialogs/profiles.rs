//! `P`: the profiles of the config file; picking one reloads the library from it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::Reply;
use crate::text::{shown, untrusted};
use crate::tui::keymap::{Command, Context};
use crate::tui::model::State;
use crate::tui::msg::{Effect, Msg};
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{centered, dialog};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfilePicker {
    pub cursor: usize,
}

impl ProfilePicker {
    pub fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        let n = s.session.profiles.len().max(1);
        match msg {
            Msg::Cmd(Command::Down) => self.cursor = (self.cursor + 1) % n,
            Msg::Cmd(Command::Up) => self.cursor = (self.cursor + n - 1) % n,
            Msg::Cmd(Command::Accept) => return Reply::close().with(switch(s, self.cursor)),
            _ => return Reply::close(),
        }
        Reply::stay()
    }

    pub fn render(&self, f: &mut Frame, s: &State, t: Theme, area: Rect) {
        let mut lines = Vec::new();
        for (i, p) in s.session.profiles.iter().enumerate() {
            let current = s.session.profile.as_ref() == Some(&p.name);
            let text = format!(
                " {} {:<16} {}{}",
                if current { "▸" } else { " " },
                shown(&p.name, 16),
                shown(&p.base_url, 40),
                if p.read_only { "  read-only" } else { "" }
            );
            let style = if i == self.cursor {
                t.cursor()
            } else {
                Style::new()
            };
            lines.push(Line::styled(text, style));
        }
        let km = &s.session.keymap;
        let accept = km
            .first_key(Context::Profiles, Command::Accept)
            .unwrap_or_default();
        lines.push(Line::styled(
            format!(" {accept} switches (the library reloads) · any other key closes"),
            t.dim(),
        ));
        let h = u16::try_from(lines.len() + 2)
            .unwrap_or(u16::MAX)
            .min(area.height.saturating_sub(2));
        dialog(f, t, centered(area, 76, h), " profiles ".into(), lines);
    }
}

fn switch(s: &mut State, cursor: usize) -> Vec<Effect> {
    let Some(p) = s.session.profiles.get(cursor) else {
        return Vec::new();
    };
    let name = p.name.clone();
    if s.queue.busy() {
        s.status =
            "a job is running: let it finish or cancel it (c) before switching profile".into();
    } else if s.staged.is_some() {
        s.status =
            "changes are staged: apply (w) or discard (X) them before switching profile".into();
    } else if s.session.profile.as_ref() == Some(&name) && !s.session.demo {
        s.status = format!("already on profile {}", untrusted(&name, 40));
    } else {
        s.status = format!("switching to profile {}…", untrusted(&name, 40));
        return vec![Effect::SwitchProfile(name)];
    }
    Vec::new()
}
