//! The file list: only the visible rows are built. Columns are sized from the list's width
//! and the visible rows' content (see `columns`); every cell is cut to its column with `…`,
//! names lose their middle and folders keep their last folder.

use std::borrow::Cow;

use ratatui::Frame;
use ratatui::layout::Constraint;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Row, Table};

use super::columns::{Col, SPACING, widths};
use super::layout::Layout;
use super::widgets::block;
use crate::text::{elide_middle, elide_path, fit, on_screen, width};
use crate::tui::model::State;
use crate::tui::model::{ExtState, Pane};
use crate::tui::theme::Theme;

/// One visible row's text, before it is cut to the columns.
struct RowText<'a> {
    name: Cow<'a, str>,
    folder: Cow<'a, str>,
    tags: String,
    ai: String,
    size: String,
    updated: String,
}

impl RowText<'_> {
    fn width(&self, col: Col) -> usize {
        match col {
            Col::Mark => 2,
            Col::Name => width(&self.name),
            Col::Folder => width(&self.folder),
            Col::Tags => width(&self.tags),
            Col::Ai => width(&self.ai),
            Col::Size => width(&self.size),
            Col::Updated => width(&self.updated),
        }
    }

    /// The cell's text in `w` cells.
    fn cell(&self, col: Col, w: usize) -> String {
        match col {
            Col::Mark => String::new(),
            Col::Name => elide_middle(&self.name, w).into_owned(),
            Col::Folder => elide_path(&self.folder, w).into_owned(),
            Col::Tags => fit(&self.tags, w).into_owned(),
            Col::Ai => fit(&self.ai, w).into_owned(),
            // Sizes line up on the right.
            Col::Size => format!("{:>w$}", fit(&self.size, w)),
            Col::Updated => fit(&self.updated, w).into_owned(),
        }
    }
}

/// The list block at `layout.list`, its rows at `layout.list_rows`.
pub fn render(f: &mut Frame, s: &State, t: Theme, layout: &Layout) {
    if super::empty::render_failed(f, s, t, layout) {
        return;
    }
    let rows_visible = usize::from(layout.list_rows.height);
    let end = (s.list.offset + rows_visible).min(s.list.view.len());
    let visible = &s.list.view[s.list.offset.min(end)..end];
    let texts: Vec<RowText> = visible
        .iter()
        .map(|&fi| {
            let file = &s.lib.files[fi];
            let ai = file
                .ai_tags
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            RowText {
                name: on_screen(file.name()),
                folder: on_screen(file.folder()),
                tags: on_screen(&file.tags.joined()).into_owned(),
                ai: on_screen(&ai).into_owned(),
                size: crate::text::size_text(file.size),
                updated: file.updated_at.0.format("%Y-%m-%d").to_string(),
            }
        })
        .collect();
    let inner = Block::bordered().inner(layout.list);
    let cols = widths(usize::from(inner.width), |col| {
        texts
            .iter()
            .map(|r| r.width(col))
            .max()
            .unwrap_or(0)
            .max(width(col.label()))
    });
    let range = s
        .list
        .anchor
        .map(|a| (a.min(s.list.cursor), a.max(s.list.cursor)));
    let rows: Vec<Row> = visible
        .iter()
        .zip(&texts)
        .enumerate()
        .map(|(i, (&fi, text))| {
            let pos = s.list.offset + i;
            let selected = s.list.selected.contains(fi);
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
            let cells = cols.iter().map(|&(col, w)| match col {
                Col::Mark => Cell::from(mark(s, t, fi, selected)),
                _ => Cell::from(text.cell(col, w)),
            });
            Row::new(cells).style(style)
        })
        .collect();
    let table = Table::new(
        rows,
        cols.iter()
            .map(|&(_, w)| Constraint::Length(u16::try_from(w).unwrap_or(u16::MAX))),
    )
    .column_spacing(u16::try_from(SPACING).unwrap_or(1))
    .header(
        Row::new(cols.iter().map(|&(col, w)| match col {
            Col::Size => format!("{:>w$}", col.label()),
            _ => fit(col.label(), w).into_owned(),
        }))
        .style(t.heading().patch(t.range())),
    )
    .block(block(t, title(s), s.focus == Pane::List));
    f.render_widget(table, layout.list);
}

/// The list's title: where the cursor is, or why there is nothing to show.
fn title(s: &State) -> String {
    if s.list.view.is_empty() {
        super::empty::title(s)
    } else {
        format!(" files {}/{} ", s.list.cursor + 1, s.list.view.len())
    }
}

/// The row's two marks, readable without colour: `●` selected, then `✗` failed or `⧗`
/// auto-tagging pending. A selected row that failed shows both.
fn mark(s: &State, t: Theme, fi: usize, selected: bool) -> Line<'static> {
    let file = &s.lib.files[fi];
    let failed = s.queue.errors.contains_key(&file.file_id);
    let pending = matches!(
        s.autotag.ext.get(&file.file_id),
        Some(ExtState::Pending { .. })
    );
    let sel = if selected {
        Span::styled("●", t.selected())
    } else {
        Span::raw(" ")
    };
    let badge = if failed {
        Span::styled("✗", t.failed())
    } else if pending {
        Span::styled("⧗", t.dim())
    } else {
        Span::raw(" ")
    };
    Line::from(vec![sel, badge])
}
