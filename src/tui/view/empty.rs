//! The file list when it has no rows: loading, a failed listing (the whole error and what to
//! do), an empty library, or a filter or server search that matched nothing.

use ratatui::Frame;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

use super::layout::Layout;
use super::widgets::block;
use crate::text::shown;
use crate::tui::keymap::{Command, Context};
use crate::tui::model::{Pane, State};
use crate::tui::theme::Theme;

/// The list block's title when no row is shown.
pub fn title(s: &State) -> String {
    if s.lib.loading {
        " files — loading… ".to_owned()
    } else if s.lib.load_error.is_some() && s.lib.files.is_empty() {
        " files — the listing failed ".to_owned()
    } else if s.lib.files.is_empty() {
        " files — the library is empty ".to_owned()
    } else if !s.list.filter.is_empty() {
        " files — nothing matches the filter (esc clears it) ".to_owned()
    } else if s.list.search.is_some() {
        " files — the server search found nothing (esc shows the library) ".to_owned()
    } else {
        " files — none shown ".to_owned()
    }
}

/// A failed listing with nothing loaded: the list pane shows the error, whole, and the keys
/// that help. False when there is nothing to say (the caller draws the table).
pub fn render_failed(f: &mut Frame, s: &State, t: Theme, layout: &Layout) -> bool {
    let Some(error) = s.lib.load_error.as_ref().filter(|_| s.lib.files.is_empty()) else {
        return false;
    };
    let key = |cmd| {
        s.session
            .keymap
            .first_key(Context::List, cmd)
            .unwrap_or_else(|| "?".into())
    };
    let lines = vec![
        Line::styled("The library could not be listed:", t.failed()),
        Line::raw(""),
        Line::raw(shown(error, 2000)),
        Line::raw(""),
        Line::raw(format!(
            "{} loads it again · {} switches profile · {} quits",
            key(Command::Reload),
            key(Command::Profiles),
            key(Command::Quit)
        )),
        Line::styled(
            "A refused key (401/403): check IMAGEKIT_PRIVATE_KEY or the profile's key_env / \
             key_file in config.toml. A network error: check the connection and the base URL.",
            t.dim(),
        ),
    ];
    let para = Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .block(block(t, title(s), s.focus == Pane::List));
    f.render_widget(para, layout.list);
    true
}
