//! The action bar: the running job's progress, what is staged, the status message, and the
//! key hints (the top dialog's, else the pane's), all from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::fmt::Write as _;

use super::widgets::eta_text;
use crate::text::untrusted;
use crate::tui::keymap::{Command, Context};
use crate::tui::model::JobStatus;
use crate::tui::model::State;
use crate::tui::theme::Theme;

/// The key hints for the normal mode, generated from the keymap.
fn hints(s: &State) -> Vec<(String, &'static str)> {
    let ctx = s.context();
    let mut cmds = vec![];
    if s.running().is_some() {
        cmds.push(Command::Cancel);
    }
    if s.staged.is_some() {
        cmds.extend([Command::Apply, Command::Discard]);
    }
    if !s.queue.errors.is_empty() {
        cmds.push(Command::Retry);
    }
    match ctx {
        Context::Editor => cmds.extend([
            Command::RemoveTag,
            Command::AddTag,
            Command::RemoveAi,
            Command::Edit,
            Command::SwitchPane,
        ]),
        _ => cmds.extend([
            Command::Toggle,
            Command::Range,
            Command::AddTag,
            Command::RemoveTag,
            Command::RemoveAi,
            Command::Edit,
            Command::Delete,
            Command::Filter,
            Command::Search,
            Command::Sort,
        ]),
    }
    cmds.extend([Command::Undo, Command::Tasks, Command::Help, Command::Quit]);
    cmds.into_iter()
        .filter(|c| !(s.session.read_only && c.destructive()))
        .filter_map(|c| {
            let key = s.session.keymap.first_key(ctx, c)?;
            let label = match (c, ctx) {
                (Command::RemoveTag, Context::Editor) => "toggle removal",
                _ => c.label()?,
            };
            Some((key, label))
        })
        .collect()
}

fn job_line(s: &State, t: Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let shown = s.running().or_else(|| {
        s.queue
            .jobs
            .iter()
            .rev()
            .find(|j| j.status != JobStatus::Queued)
    });
    if let Some(j) = shown {
        let queued = s
            .queue
            .jobs
            .iter()
            .filter(|x| x.status == JobStatus::Queued)
            .count();
        let mut text = match j.status {
            JobStatus::Running => format!("▶ {} {}/{}", j.title(), j.done, j.total),
            JobStatus::Cancelled => format!(
                "■ {} cancelled {}/{}",
                j.title(),
                j.done.saturating_sub(j.cancelled),
                j.total
            ),
            // A job with failed or conflicting files did not simply succeed.
            _ if j.failed + j.conflicts > 0 => {
                format!("✗ {} {}/{}", j.title(), j.done, j.total)
            }
            _ => format!("✓ {} {}/{}", j.title(), j.done, j.total),
        };
        if let Some((rate, eta)) = j.rate(s.now) {
            let _ = write!(text, " · {rate:.0}/s");
            if j.status == JobStatus::Running {
                let _ = write!(text, " · ETA {}", eta_text(eta));
            }
        }
        if queued > 0 {
            let _ = write!(text, " · {queued} queued");
        }
        spans.push(Span::raw(text));
        if j.failed > 0 {
            spans.push(Span::styled(format!(" · {} failed", j.failed), t.failed()));
        }
        if let (JobStatus::Running, Some(k)) = (
            j.status,
            s.session.keymap.first_key(Context::Global, Command::Cancel),
        ) {
            spans.push(Span::raw(format!(" · {k} cancel")));
        }
    }
    if let Some(st) = &s.staged {
        if !spans.is_empty() {
            spans.push(Span::raw(" │ "));
        }
        spans.push(Span::styled(
            format!("staged: {}", crate::tui::model::staged_label(st)),
            t.added(),
        ));
    }
    if !s.status.is_empty() {
        if !spans.is_empty() {
            spans.push(Span::raw(" │ "));
        }
        spans.push(Span::raw(untrusted(&s.status, 200)));
    }
    spans
}

pub fn render(f: &mut Frame, s: &State, t: Theme, area: Rect) {
    let keys = if let Some(m) = s.top() {
        Line::raw(m.hint(&s.session.keymap, s.session.read_only))
    } else {
        let mut spans = Vec::new();
        for (i, (k, label)) in hints(s).into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw(" · "));
            }
            spans.push(Span::styled(k, t.key()));
            spans.push(Span::raw(format!(" {label}")));
        }
        Line::from(spans)
    };
    f.render_widget(Paragraph::new(vec![Line::from(job_line(s, t)), keys]), area);
}
