//! The file list: only the visible rows are built.

use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::style::Style;
use ratatui::text::Span;
use ratatui::widgets::{Cell, Row, Table};

use super::layout::Layout;
use super::widgets::{block, human_size};
use crate::text::untrusted;
use crate::tui::model::State;
use crate::tui::model::{ExtState, Pane};
use crate::tui::theme::Theme;

/// The list block at `layout.list`, its rows at `layout.list_rows`.
pub fn render(f: &mut Frame, s: &State, t: Theme, layout: &Layout) {
    if super::empty::render_failed(f, s, t, layout) {
        return;
    }
    let rows_visible = usize::from(layout.list_rows.height);
    let end = (s.list.offset + rows_visible).min(s.list.view.len());
    let range = s
        .list
        .anchor
        .map(|a| (a.min(s.list.cursor), a.max(s.list.cursor)));
    let rows: Vec<Row> = s.list.view[s.list.offset.min(end)..end]
        .iter()
        .enumerate()
        .map(|(i, &fi)| {
            let file = &s.lib.files[fi];
            let pos = s.list.offset + i;
            let selected = s.list.selected.contains(fi);
            let failed = s.queue.errors.contains_key(&file.file_id);
            let pending = matches!(
                s.autotag.ext.get(&file.file_id),
                Some(ExtState::Pending { .. })
            );
            // Readable without colour: ✗ failed, ⧗ auto-tagging pending, ● selected.
            let badge = match (failed, pending, selected) {
                (true, _, _) => Span::styled("✗", t.failed()),
                (false, true, _) => Span::styled("⧗", t.dim()),
                (false, false, true) => Span::styled("●", t.selected()),
                _ => Span::raw(" "),
            };
            let ai = file
                .ai_tags
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let mut style = Style::new();
            if selected {
                style = style.patch(t.selected());
            }
            if range.is_some_and(|(lo, hi)| (lo..=hi).contains(&pos)) {
                style = style.patch(t.range());
            }
            if pos == s.list.cursor {
                style = style.patch(t.cursor());
            }
            Row::new(vec![
                Cell::from(badge),
                Cell::from(untrusted(file.name(), 80)),
                Cell::from(untrusted(file.folder(), 60)),
                Cell::from(untrusted(&file.tags.joined(), 80)),
                Cell::from(untrusted(&ai, 40)),
                Cell::from(human_size(file.size)),
                Cell::from(file.updated_at.0.format("%Y-%m-%d").to_string()),
            ])
            .style(style)
        })
        .collect();
    let title = if s.list.view.is_empty() {
        super::empty::title(s)
    } else {
        format!(" files {}/{} ", s.list.cursor + 1, s.list.view.len())
    };
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Fill(6),
            Constraint::Fill(2),
            Constraint::Fill(3),
            Constraint::Fill(2),
            Constraint::Length(9),
            Constraint::Length(10),
        ],
    )
    .header(
        Row::new(vec![
            "", "name", "folder", "tags", "AI tags", "size", "updated",
        ])
        .style(t.heading().patch(t.range())),
    )
    .block(block(t, title, s.focus == Pane::List));
    f.render_widget(table, layout.list);
}
