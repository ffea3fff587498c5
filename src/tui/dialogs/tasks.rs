//! The task panel: every job of the session with its counts; the focused job's failed and
//! conflicting files; retry and cancel per job.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::Reply;
use crate::text::{elide_middle, on_screen, pad, shown, width};
use crate::tui::keymap::{Command, Context};
use crate::tui::model::{Job, JobStatus, State, queue};
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{centered, dialog};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskPanel {
    pub cursor: usize,
}

impl TaskPanel {
    pub fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        let n = s.queue.jobs.len();
        let job = s.queue.jobs.get(self.cursor).map(|j| j.id);
        match msg {
            Msg::Cmd(Command::Close) => return Reply::close(),
            Msg::Cmd(Command::Up) => self.cursor = self.cursor.saturating_sub(1),
            Msg::Cmd(Command::Down) => self.cursor = (self.cursor + 1).min(n.saturating_sub(1)),
            Msg::Cmd(Command::Retry) => {
                if let Some(id) = job {
                    return Reply::stay().with(queue::retry(s, Some(id)));
                }
            }
            Msg::Cmd(Command::Cancel) => {
                if let Some(id) = job {
                    return Reply::stay().with(queue::cancel(s, Some(id)));
                }
            }
            _ => {}
        }
        Reply::stay()
    }

    pub fn render(&self, f: &mut Frame, s: &State, t: Theme, area: Rect) {
        let r = centered(
            area,
            area.width.saturating_sub(4),
            area.height.saturating_sub(4),
        );
        let inner = usize::from(r.width.saturating_sub(2));
        // Job titles get the width the counts leave (they wrap when there is none).
        let title_w = s
            .queue
            .jobs
            .iter()
            .map(|j| width(&on_screen(&j.title())))
            .max()
            .unwrap_or(0)
            .min(inner.saturating_sub(56).max(16));
        let mut lines = Vec::new();
        if s.queue.jobs.is_empty() {
            lines.push(Line::styled("no jobs yet", t.dim()));
        }
        for (i, j) in s.queue.jobs.iter().enumerate() {
            let style = if i == self.cursor {
                t.cursor()
            } else {
                Style::new()
            };
            lines.push(job_row(j, s, t, style, title_w));
        }
        if let Some(j) = s.queue.jobs.get(self.cursor)
            && !j.errors.is_empty()
        {
            let retry = s
                .session
                .keymap
                .first_key(Context::Tasks, Command::Retry)
                .map(|k| format!(" ({k} retries failed ones)"))
                .unwrap_or_default();
            lines.push(Line::raw(""));
            lines.push(Line::styled(
                format!("failed and conflicting files of #{}{retry}:", j.id),
                t.heading(),
            ));
            for e in j.errors.iter().take(50) {
                lines.push(Line::from(vec![
                    Span::styled("✗ ", t.failed()),
                    Span::raw(format!(
                        "{}: {}",
                        elide_middle(&on_screen(&e.name), inner.saturating_sub(4)),
                        shown(&e.error, 1000)
                    )),
                ]));
            }
            if j.errors.len() > 50 {
                lines.push(Line::styled(
                    format!("… and {} more", j.errors.len() - 50),
                    t.dim(),
                ));
            }
        }
        dialog(f, t, r, " tasks ".into(), lines);
    }
}

fn job_row(j: &Job, s: &State, t: Theme, style: Style, title_w: usize) -> Line<'static> {
    let state = match j.status {
        JobStatus::Queued => "queued",
        JobStatus::Running => "running",
        JobStatus::Done => "done",
        JobStatus::Cancelled => "cancelled",
    };
    let rate = j
        .rate(s.now)
        .map(|(r, _)| format!(" · {r:.0}/s"))
        .unwrap_or_default();
    let counted = |n: usize, text: &str| {
        if n > 0 {
            format!(" · {n} {text}")
        } else {
            String::new()
        }
    };
    Line::from(vec![
        Span::styled(
            format!(
                "#{:<3} {} {:<9} {}/{} · {} ok · {} skipped · {} missing{rate}",
                j.id,
                pad(&on_screen(&j.title()), title_w),
                state,
                j.done,
                j.total,
                j.succeeded.len(),
                j.skipped,
                j.missing
            ),
            style,
        ),
        Span::styled(counted(j.pending, "pending"), t.dim()),
        Span::styled(counted(j.failed, "failed"), t.failed()),
        Span::styled(
            counted(j.conflicts, "changed since: left alone"),
            t.failed(),
        ),
        // What `iktag undo`, `iktag jobs show` and `iktag jobs retry` take.
        Span::styled(
            j.journal
                .as_ref()
                .map(|id| format!(" · journal {}", shown(id, 40)))
                .unwrap_or_default(),
            t.dim(),
        ),
    ])
}
