//! Small pieces every pane and dialog draws with.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub use crate::text::human_size;
use crate::text::{fit, width};
use crate::tui::theme::Theme;

/// A bordered block; the focused one has the focus colour.
pub fn block(t: Theme, title: String, focused: bool) -> Block<'static> {
    let b = Block::default().borders(Borders::ALL).title(title);
    if focused {
        b.border_style(t.focus_border())
    } else {
        b
    }
}

/// A `w`×`h` rectangle in the middle of `area` (clipped to it).
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

/// A block title (` text `) cut with `…` to fit a block `w` cells wide (between its corners).
pub fn fit_title(title: String, w: u16) -> String {
    let room = usize::from(w.saturating_sub(2));
    if width(&title) <= room {
        return title;
    }
    format!("{} ", fit(title.trim_end(), room.saturating_sub(1)))
}

/// Spans cut with `…` to `w` cells in all (a span is cut, or left out, where the room ends).
pub fn fit_spans(spans: Vec<Span<'static>>, w: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|s| width(&s.content)).sum();
    if total <= w {
        return spans;
    }
    let mut out = Vec::new();
    let mut used = 0;
    for sp in spans {
        let sw = width(&sp.content);
        if used + sw < w {
            used += sw;
            out.push(sp);
            continue;
        }
        let cut = fit(&sp.content, w - used).into_owned();
        out.push(Span::styled(cut, sp.style));
        break;
    }
    out
}

/// The rows `lines` take wrapped into a dialog `w` cells wide (border included), plus the
/// border: the height a dialog needs to show them all.
pub fn dialog_height(lines: &[Line], w: u16) -> u16 {
    let rows = Paragraph::new(lines.to_vec())
        .wrap(Wrap { trim: false })
        .line_count(w.saturating_sub(2).max(1));
    u16::try_from(rows + 2).unwrap_or(u16::MAX)
}

/// A dialog box: cleared, bordered, its lines wrapped; the title is cut to fit.
pub fn dialog(f: &mut Frame, t: Theme, r: Rect, title: String, lines: Vec<Line>) {
    f.render_widget(Clear, r);
    let title = fit_title(title, r.width);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(t, title, true)),
        r,
    );
}

/// `42s`, `3m05s`, `1h02m`.
pub fn eta_text(secs: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)] // rounded, clamped ≥ 0
    let secs = secs.max(0.0).round() as u64;
    if secs >= 3600 {
        format!("{}h{:02}m", secs / 3600, secs / 60 % 60)
    } else if secs >= 60 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}
