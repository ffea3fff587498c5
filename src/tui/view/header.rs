//! The header line: library size, selection, sort, filter, search, load errors.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use std::fmt::Write as _;

use super::widgets::fit_spans;
use crate::text::{count, shown};
use crate::tui::model::State;
use crate::tui::theme::Theme;

pub fn render(f: &mut Frame, s: &State, t: Theme, area: Rect) {
    let mut spans = vec![Span::styled(" iktag ", t.heading())];
    if s.session.demo {
        spans.push(Span::styled(" DEMO ", t.demo()));
        spans.push(Span::raw(" "));
    }
    if let Some(p) = &s.session.profile {
        spans.push(Span::styled(format!(" {} ", shown(p, 24)), t.heading()));
    }
    if s.session.read_only {
        spans.push(Span::styled(" READ-ONLY ", t.demo()));
        spans.push(Span::raw(" "));
    }
    let loading = if s.lib.loading { " (loading…)" } else { "" };
    let mut text = format!(" {}{loading}", count(s.lib.files.len(), "file"));
    if s.list.view.len() != s.lib.files.len() {
        let _ = write!(text, " · {} shown", s.list.view.len());
    }
    let _ = write!(text, " · {} selected", s.list.selected.len());
    let _ = write!(
        text,
        " · sort {} {}",
        s.list.sort.key.label(),
        if s.list.sort.desc { "↓" } else { "↑" }
    );
    if s.problems.rules.is_some() {
        let n = s.problems.violations.len();
        let _ = write!(text, " · {}", crate::text::count(n, "problem"));
    }
    if !s.list.filter.is_empty() {
        let _ = write!(text, " · filter “{}”", shown(&s.list.filter, 30));
    }
    if let Some(q) = s.list.search.as_ref().map(|x| &x.query) {
        let _ = write!(text, " · search “{}”", shown(q, 40));
    }
    spans.push(Span::raw(text));
    if let Some(e) = &s.lib.load_error {
        // With nothing loaded the list pane shows the whole error.
        let text = if s.lib.files.is_empty() {
            " · listing failed".to_owned()
        } else {
            format!(" · listing stopped: {}", shown(e, 80))
        };
        spans.push(Span::styled(text, t.failed()));
    }
    let spans = fit_spans(spans, usize::from(area.width));
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}
