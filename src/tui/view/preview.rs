//! The preview pane: the focused file's thumbnail, or what stands in for it.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use crate::text::shown;
use crate::tui::model::State;
use crate::tui::preview::PreviewState;
use crate::tui::theme::Theme;

/// The focused file's thumbnail, or what stands in for it.
pub fn render(f: &mut Frame, s: &State, t: Theme, area: Rect) {
    let focused = s.focused();
    let state = focused.and_then(|file| s.preview.cache.get(&file.file_id));
    let title = match state {
        Some(PreviewState::Ready(th)) => {
            format!(" preview · {}×{} {} ", th.width, th.height, th.format)
        }
        _ => " preview ".to_owned(),
    };
    let block = Block::bordered().title(title).border_style(t.dim());
    let inner = block.inner(area);
    f.render_widget(block, area);
    let note = |f: &mut Frame, text: String| {
        f.render_widget(
            Paragraph::new(Line::styled(text, t.dim())).wrap(Wrap { trim: true }),
            inner,
        );
    };
    match (focused, state) {
        (None, _) => note(f, "no file".into()),
        (Some(_), Some(PreviewState::Ready(th))) if th.cells == (inner.width, inner.height) => {
            f.render_widget(ratatui_image::Image::new(&th.protocol), inner);
        }
        (Some(_), Some(PreviewState::Ready(_))) => note(f, "resizing…".into()),
        (Some(_), Some(PreviewState::Unavailable(why))) => note(f, shown(why, 200)),
        (Some(_), _) => note(f, "loading preview…".into()),
    }
}
