//! Where everything goes, computed once per frame from the terminal size and fed back to the
//! model (`Action::Layout`), so paging, mouse hit-testing and the preview size use the
//! geometry that is on screen.

use ratatui::layout::{Constraint, Layout as Split, Rect};
use ratatui::widgets::Block;

/// Below this the layout cannot show the panes usefully.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 20;

/// Rows of the list above its first file: the border and the column header.
const LIST_TOP: u16 = 2;
/// Rows of the list below its last file: the border.
const LIST_BOTTOM: u16 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Layout {
    /// The whole terminal.
    pub size: Rect,
    pub header: Rect,
    /// The file list block (border included).
    pub list: Rect,
    /// Where the file rows are (inside the border, below the column header).
    pub list_rows: Rect,
    pub editor: Rect,
    /// The preview block (empty when the preview is off), above the editor.
    pub preview: Rect,
    /// Where a thumbnail goes (inside the preview's border, as if the preview were shown).
    pub preview_inner: Rect,
    pub bar: Rect,
}

/// The preview block's height: a third of the body, 8 to 16 rows.
fn preview_height(body: Rect) -> u16 {
    (body.height / 3)
        .clamp(8, 16)
        .min(body.height.saturating_sub(6))
}

impl Layout {
    /// The screen's panes; `preview` splits a preview block off the top of the editor column.
    pub fn new(area: Rect, preview: bool) -> Layout {
        let [header, body, bar] = Split::vertical([
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(2),
        ])
        .areas(area);
        let list_share = if area.width < 110 { 66 } else { 64 };
        let [list, column] = Split::horizontal([
            Constraint::Percentage(list_share),
            Constraint::Percentage(100 - list_share),
        ])
        .areas(body);
        let [shown_preview, below] = Split::vertical([
            Constraint::Length(preview_height(column)),
            Constraint::Min(3),
        ])
        .areas(column);
        let (preview, editor) = if preview {
            (shown_preview, below)
        } else {
            (Rect::default(), column)
        };
        let list_rows = Rect {
            y: list.y + LIST_TOP.min(list.height),
            height: list.height.saturating_sub(LIST_TOP + LIST_BOTTOM),
            ..Block::bordered().inner(list)
        };
        Layout {
            size: area,
            header,
            list,
            list_rows,
            editor,
            preview,
            preview_inner: Block::bordered().inner(shown_preview),
            bar,
        }
    }

    /// File rows the list shows.
    pub fn page_rows(&self) -> usize {
        usize::from(self.list_rows.height)
    }

    /// Too small to show the panes.
    pub fn too_small(&self) -> bool {
        self.size.width < MIN_WIDTH || self.size.height < MIN_HEIGHT
    }
}

/// The number of file rows the list shows for a terminal of this size.
pub fn list_rows(area: Rect) -> usize {
    Layout::new(area, false).page_rows()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rows_sit_below_the_border_and_the_column_header() {
        let l = Layout::new(Rect::new(0, 0, 120, 40), false);
        assert_eq!(l.list.y, 1);
        assert_eq!(l.list_rows.y, 3);
        // 40 rows: header 1, bar 2, list block 37 = border 2 + column header 1 + 34 rows.
        assert_eq!(l.page_rows(), 34);
        assert_eq!(l.preview, Rect::default());
        let p = Layout::new(Rect::new(0, 0, 120, 40), true);
        assert!(p.preview.height >= 8 && p.editor.y == p.preview.bottom());
    }
}
