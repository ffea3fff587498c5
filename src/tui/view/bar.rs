//! The action bar: the running job's progress, what is staged, the status message, and the
//! key hints (the top dialog's, else the pane's), all from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::fmt::Write as _;

use super::widgets::{eta_text, fit_spans};
use crate::text::{on_screen, width};
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
    if let Some(w) = &s.waiting {
        if !spans.is_empty() {
            spans.push(Span::raw(" │ "));
        }
        spans.push(Span::styled(format!("⏳ {}", on_screen(w)), t.failed()));
    }
    if !s.status.is_empty() {
        if !spans.is_empty() {
            spans.push(Span::raw(" │ "));
        }
        spans.push(Span::raw(on_screen(&s.status).into_owned()));
    }
    spans
}

pub fn render(f: &mut Frame, s: &State, t: Theme, area: Rect) {
    let w = usize::from(area.width);
    let keys = if let Some(m) = s.top() {
        let hint = m.hint(&s.session.keymap, s.session.read_only);
        let items = hint
            .split(" · ")
            .map(|h| vec![Span::raw(h.to_owned())])
            .collect();
        fit_hints(items, vec![Span::raw("…")], w)
    } else {
        let items = hints(s)
            .into_iter()
            .map(|(k, label)| vec![Span::styled(k, t.key()), Span::raw(format!(" {label}"))])
            .collect();
        let help = s
            .session
            .keymap
            .first_key(s.context(), Command::Help)
            .map_or_else(
                || vec![Span::raw("…")],
                |k| vec![Span::styled(k, t.key()), Span::raw(" more")],
            );
        fit_hints(items, help, w)
    };
    let job = Line::from(fit_spans(job_line(s, t), w));
    f.render_widget(Paragraph::new(vec![job, keys]), area);
}

fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|sp| width(&sp.content)).sum()
}

/// Hints joined with ` · ` in `w` cells: when they do not all fit, whole hints are dropped
/// from the end and `more` (the help key, or `…`) ends the line instead.
fn fit_hints(items: Vec<Vec<Span<'static>>>, more: Vec<Span<'static>>, w: usize) -> Line<'static> {
    const SEP: usize = 3;
    let total: usize =
        items.iter().map(|i| spans_width(i)).sum::<usize>() + SEP * items.len().saturating_sub(1);
    let mut spans = Vec::new();
    if total <= w {
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                spans.push(Span::raw(" · "));
            }
            spans.extend(item);
        }
        return Line::from(spans);
    }
    let more_w = spans_width(&more);
    let mut used = 0;
    for item in items {
        let item_w = spans_width(&item);
        let sep = if used == 0 { 0 } else { SEP };
        if used + sep + item_w + SEP + more_w > w {
            break;
        }
        if sep > 0 {
            spans.push(Span::raw(" · "));
        }
        used += sep + item_w;
        spans.extend(item);
    }
    if used > 0 {
        spans.push(Span::raw(" · "));
    }
    spans.extend(more);
    Line::from(fit_spans(spans, w))
}
