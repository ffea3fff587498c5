//! Input decoding: terminal keys, pastes and mouse events become [`Msg`]s before the model
//! sees them. Keys are looked up in the keymap for where they were pressed (the top dialog's
//! context, else the focused pane's); in a field, printable characters are typed instead.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseEvent, MouseEventKind};
use ratatui::layout::Position;

use super::dialogs::Modal;
use super::keymap::{Context, Keymap};
use super::model::Pane;
use super::msg::{Action, Msg};
use super::view::layout::Layout;

/// Rows the wheel moves the list.
const WHEEL: isize = 3;
/// Characters of a paste kept (its lines joined).
const PASTE_MAX: usize = 2000;

/// Turns an input action into a message for the model (`None`: nothing to do).
pub fn decode(
    action: Action,
    top: Option<&Modal>,
    keymap: &Keymap,
    layout: &Layout,
    focus: Pane,
) -> Option<Msg> {
    match action {
        Action::Key(k) => Some(key(k, top, keymap, focus)),
        Action::Mouse(m) => mouse(m, top, layout),
        Action::Paste(text) => Some(Msg::Paste(paste_line(&text))),
        _ => None,
    }
}

fn key(k: KeyEvent, top: Option<&Modal>, keymap: &Keymap, focus: Pane) -> Msg {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let alt = k.modifiers.contains(KeyModifiers::ALT);
    if ctrl && k.code == KeyCode::Char('c') {
        return Msg::Interrupt;
    }
    if let (Some(m), KeyCode::Char(c)) = (top, k.code)
        && m.typing()
        && !ctrl
        && !alt
        && !c.is_control()
    {
        return Msg::Type(c);
    }
    let ctx = match (top, focus) {
        (Some(m), _) => m.context(),
        (None, Pane::List) => Context::List,
        (None, Pane::Editor) => Context::Editor,
    };
    keymap.lookup(ctx, &k).map_or(Msg::Other, Msg::Cmd)
}

/// The wheel scrolls the list; a click focuses a pane (and a row). Dialogs ignore the mouse.
fn mouse(m: MouseEvent, top: Option<&Modal>, layout: &Layout) -> Option<Msg> {
    if top.is_some() {
        return None;
    }
    let at = Position::new(m.column, m.row);
    match m.kind {
        MouseEventKind::ScrollDown => Some(Msg::Scroll(WHEEL)),
        MouseEventKind::ScrollUp => Some(Msg::Scroll(-WHEEL)),
        MouseEventKind::Down(_) if layout.list.contains(at) => {
            let row = layout
                .list_rows
                .contains(at)
                .then(|| usize::from(m.row - layout.list_rows.y));
            Some(Msg::ClickList(row))
        }
        MouseEventKind::Down(_) if layout.editor.contains(at) => Some(Msg::ClickEditor),
        _ => None,
    }
}

/// A paste as one line: its lines (`\n`, `\r\n` or a lone `\r`, as terminals send Enter)
/// joined with a space, without control characters (so it cannot fire keys).
fn paste_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(PASTE_MAX)
        .collect()
}
