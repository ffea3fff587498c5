//! Rendering: one file per pane (header, list, editor, preview, bar), the dialogs drawn
//! bottom-up over them (each dialog renders itself). Rows are built for the visible window
//! only; all outside text goes through `text::on_screen` (one visible cell per control character) and is cut to its room with `…`. The theme is a parameter.

pub mod bar;
pub mod columns;
pub mod editor;
pub mod empty;
pub mod header;
pub mod layout;
pub mod list;
pub mod preview;
pub mod widgets;

use ratatui::Frame;
use ratatui::widgets::{Paragraph, Wrap};

pub use self::layout::{Layout, MIN_HEIGHT, MIN_WIDTH, list_rows};
pub use self::widgets::human_size;
use super::model::State;
use super::theme::Theme;

/// Draws the whole screen. The layout is the one the model was given for this frame (or,
/// if the frame is another size, one computed for it).
pub fn render(f: &mut Frame, s: &State, t: Theme) {
    let area = f.area();
    let a = if s.layout.size == area {
        s.layout
    } else {
        Layout::new(area, s.preview.on)
    };
    if a.too_small() {
        let msg = format!(
            "Terminal too small: {}×{}. iktag needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    header::render(f, s, t, a.header);
    list::render(f, s, t, &a);
    if s.preview.on {
        preview::render(f, s, t, a.preview);
    }
    editor::render(f, s, t, a.editor);
    bar::render(f, s, t, a.bar);
    for m in &s.modals {
        m.render(f, s, t, area);
    }
}
