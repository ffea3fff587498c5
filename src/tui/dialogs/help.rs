//! The key help: every command with its keys, per pane and per dialog, generated from the
//! keymap (so it shows the user's own keys).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::Reply;
use crate::text::{on_screen, pad, width, wrap};
use crate::tui::keymap::{Command, Context};
use crate::tui::model::State;
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{block, centered};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Help {
    /// Lines scrolled.
    pub scroll: u16,
}

impl Help {
    /// Scrolling keys scroll; any other key closes.
    pub fn handle(&mut self, msg: &Msg) -> Reply {
        match msg {
            Msg::Cmd(Command::Down) => self.scroll = self.scroll.saturating_add(1).min(400),
            Msg::Cmd(Command::PageDown) => self.scroll = self.scroll.saturating_add(10).min(400),
            Msg::Cmd(Command::Up) => self.scroll = self.scroll.saturating_sub(1),
            Msg::Cmd(Command::PageUp) => self.scroll = self.scroll.saturating_sub(10),
            _ => return Reply::close(),
        }
        Reply::stay()
    }

    pub fn render(&self, f: &mut Frame, s: &State, t: Theme, area: Rect) {
        let r = centered(area, 76, area.height.saturating_sub(2));
        let lines = lines(s, t, usize::from(r.width.saturating_sub(2)));
        let inner = r.height.saturating_sub(2);
        let more = lines.len() > usize::from(inner);
        let scroll = self.scroll.min(
            u16::try_from(lines.len())
                .unwrap_or(u16::MAX)
                .saturating_sub(inner),
        );
        let km = &s.session.keymap;
        let key = |c| km.first_key(Context::Help, c).unwrap_or_default();
        let title = if more {
            format!(
                " keys ({}/{} scroll, any other key closes) ",
                key(Command::Down),
                key(Command::Up)
            )
        } else {
            " keys (any key closes) ".to_owned()
        };
        f.render_widget(Clear, r);
        f.render_widget(
            Paragraph::new(lines)
                .scroll((scroll, 0))
                .block(block(t, title, true)),
            r,
        );
    }
}

/// Where descriptions start: after the keys.
const KEYS: usize = 18;

/// The help's lines for a box `w` cells wide inside: descriptions wrap under themselves, and
/// keys too many for their column get a line of their own.
fn lines(s: &State, t: Theme, w: usize) -> Vec<Line<'static>> {
    let km = &s.session.keymap;
    let ro = s.session.read_only;
    let list = km.help(Context::List, ro);
    let mut lines = Vec::new();
    for ctx in Context::ALL.into_iter().filter(|c| *c != Context::Global) {
        let rows: Vec<(String, &str)> = km
            .help(ctx, ro)
            .into_iter()
            // The editor section lists only what differs from the list.
            .filter(|row| ctx != Context::Editor || !list.contains(row))
            .collect();
        if rows.is_empty() {
            continue;
        }
        lines.push(Line::styled(ctx.title(), t.heading()));
        for (keys, desc) in rows {
            let keys = format!("  {}", on_screen(&keys));
            let mut first = if width(&keys) < KEYS {
                Some(pad(&keys, KEYS))
            } else {
                lines.push(Line::styled(keys, t.key()));
                None
            };
            for part in wrap(desc, w.saturating_sub(KEYS)) {
                let lead = first.take().unwrap_or_else(|| pad("", KEYS));
                lines.push(Line::from(vec![
                    Span::styled(lead, t.key()),
                    Span::raw(part),
                ]));
            }
        }
    }
    let note =
        "every key can be changed in keymap.toml (sections as above: [list], [vocabulary], …)";
    for part in wrap(note, w) {
        lines.push(Line::styled(part, t.dim()));
    }
    lines
}
