//! Deleting files: the count must be typed; any other key cancels.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::Reply;
use crate::jobs::Operation;
use crate::text::{count, elide_path, on_screen, shown};
use crate::tui::keymap::Command;
use crate::tui::model::{State, files_label, queue};
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{centered, dialog, dialog_height};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteDialog {
    pub ids: Vec<String>,
    pub typed: String,
}

impl DeleteDialog {
    pub fn new(ids: Vec<String>) -> DeleteDialog {
        DeleteDialog {
            ids,
            typed: String::new(),
        }
    }

    pub fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        match msg {
            &Msg::Type(c) if c.is_ascii_digit() => {
                if self.typed.len() < 12 {
                    self.typed.push(c);
                }
                Reply::stay()
            }
            Msg::Paste(text) => {
                self.typed
                    .extend(text.chars().filter(char::is_ascii_digit).take(12));
                Reply::stay()
            }
            Msg::Cmd(Command::DeleteChar) => {
                self.typed.pop();
                Reply::stay()
            }
            Msg::Cmd(Command::Accept) if self.typed == self.ids.len().to_string() => {
                let group = queue::new_unit(s, format!("delete {}", files_label(self.ids.len())));
                match queue::enqueue(s, Operation::Delete, &self.ids, group) {
                    Ok(()) => Reply::close().with(queue::pump(s)),
                    Err(e) => {
                        s.status = format!("not started: {e}");
                        Reply::close()
                    }
                }
            }
            _ => {
                s.status = "delete cancelled: nothing was deleted".into();
                Reply::close()
            }
        }
    }

    pub fn render(&self, f: &mut Frame, s: &State, t: Theme, area: Rect) {
        const WIDTH: u16 = 78;
        let n = self.ids.len();
        // Paths keep their file name: the middle goes when they are too long.
        let room = usize::from(WIDTH.min(area.width).saturating_sub(4));
        let mut lines = vec![Line::styled(
            format!(
                "Delete {} from the library? This cannot be undone.",
                count(n, "file")
            ),
            t.failed(),
        )];
        for id in self.ids.iter().take(5) {
            let path = s
                .file(id)
                .map_or_else(|| on_screen(id), |f| on_screen(&f.file_path));
            lines.push(Line::raw(format!("  {}", elide_path(&path, room))));
        }
        if n > 5 {
            lines.push(Line::styled(format!("  … and {} more", n - 5), t.dim()));
        }
        lines.push(Line::raw(""));
        lines.push(Line::raw(format!(
            "Type {n} and press enter to delete: {}▏",
            shown(&self.typed, 12)
        )));
        lines.push(Line::styled(
            "[ Cancel ] is the default: esc or any other key cancels",
            t.key(),
        ));
        let h = dialog_height(&lines, WIDTH.min(area.width)).min(area.height);
        dialog(f, t, centered(area, WIDTH, h), " delete ".into(), lines);
    }
}
