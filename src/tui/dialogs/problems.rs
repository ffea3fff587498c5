//! The problems view (`!`): the rules file's violations grouped by rule, with counts. Enter
//! shows a group's files in the list; `f` stages its fix (applied with `w` like any change).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::Reply;
use crate::lint::Fix;
use crate::text::{count, shown};
use crate::tui::keymap::Command;
use crate::tui::model::State;
use crate::tui::model::problems::{show_group, stage_fix};
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{block, fit_title};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProblemsView {
    pub cursor: usize,
}

impl ProblemsView {
    pub fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        let last = s.problems.groups.len().saturating_sub(1);
        let group = s.problems.groups.get(self.cursor).cloned();
        match msg {
            Msg::Cmd(Command::Close) => return Reply::close(),
            Msg::Cmd(Command::Down) => self.cursor = (self.cursor + 1).min(last),
            Msg::Cmd(Command::Up) => self.cursor = self.cursor.saturating_sub(1),
            Msg::Cmd(Command::Accept) => {
                if let Some(g) = group {
                    show_group(s, &g);
                    return Reply::close();
                }
            }
            Msg::Cmd(Command::FixProblem) => {
                if let Some(g) = group {
                    stage_fix(s, &g);
                }
            }
            _ => {}
        }
        Reply::stay()
    }

    pub fn render(&self, f: &mut Frame, s: &State, t: Theme, area: Rect) {
        // Below the header, above the bar (what `f` staged shows on the status line).
        let r = Rect::new(
            area.x + 2.min(area.width / 2),
            area.y + 1,
            area.width.saturating_sub(4),
            area.height.saturating_sub(3),
        );
        let p = &s.problems;
        let height = usize::from(r.height.saturating_sub(2));
        let width = usize::from(r.width.saturating_sub(2));
        let start = self.cursor.saturating_sub(height.saturating_sub(1));
        let mut lines: Vec<Line> = Vec::new();
        if p.rules.is_none() {
            lines.push(Line::styled(
                "no rules file: write iktag-rules.toml here (`iktag lint --init` starts one)",
                t.dim(),
            ));
        } else if p.groups.is_empty() {
            lines.push(Line::styled(
                "no problems: the library follows its rules",
                t.dim(),
            ));
        }
        for (i, g) in p.groups.iter().enumerate().skip(start).take(height) {
            // The label already says what changes; the fix only says how.
            let fix = match &g.fix {
                None => "needs a person",
                Some(Fix::Rename { .. }) => "fix: rename",
                Some(Fix::Remove { .. }) => "fix: remove",
                Some(Fix::Promote { .. }) => "fix: promote to a tag",
                Some(Fix::RemoveAi { .. }) => "fix: remove the AI tag",
            };
            let head = format!("{:<10} {:>9}  ", g.rule.name(), count(g.ids.len(), "file"));
            let room = width.saturating_sub(head.chars().count() + fix.chars().count() + 3);
            let mut line = Line::from(vec![
                Span::raw(head),
                Span::raw(format!("{:<room$}", shown(&g.label, room))),
                Span::styled(format!("   {fix}"), t.dim()),
            ]);
            if i == self.cursor {
                line = line.patch_style(t.cursor());
            }
            lines.push(line);
        }
        let title = format!(
            " problems · {} · {} fixable ",
            count(p.violations.len(), "violation"),
            p.fixable
        );
        f.render_widget(Clear, r);
        f.render_widget(
            Paragraph::new(lines).block(block(t, fit_title(title, r.width), true)),
            r,
        );
    }
}
