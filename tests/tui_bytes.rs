//! What reaches the terminal: ratatui diffs each frame against the previous one, so a
//! one-row cursor move writes a few rows' worth of bytes, not a full 120×40 redraw, and a
//! frame with no change writes (almost) nothing.
//!
//! Renders through the real `CrosstermBackend` into a byte-counting writer, with a fixed
//! 120×40 viewport so the real terminal is never queried.

use std::cell::Cell;
use std::io::{self, Write};
use std::rc::Rc;

use iktag::model::FileDetails;
use iktag::tui::model::{State, update};
use iktag::tui::msg::Action;
use iktag::tui::theme::Theme;
use iktag::tui::view;
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
const FILES: usize = 300;

/// Counts the bytes written through it (clones share the count).
#[derive(Clone, Default)]
struct Counter(Rc<Cell<usize>>);

impl Counter {
    fn get(&self) -> usize {
        self.0.get()
    }
}

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.set(self.0.get() + buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A few hundred files modelled on the fixture library (real names, paths, AI tags), so the
/// list is full and the editor pane has content.
fn files() -> Vec<FileDetails> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/small-library.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture");
    let fixture = iktag::sandbox::seed::from_list_json(&text)
        .expect("fixture parses")
        .files;
    assert!(!fixture.is_empty());
    (0..FILES)
        .map(|i| {
            let mut f = fixture[i % fixture.len()].clone();
            f.file_id = format!("{i:024x}");
            f.name = format!("{i:03}-{}", f.name);
            f.file_path = format!("{}{}", f.folder(), f.name);
            f
        })
        .collect()
}

fn key(c: KeyCode) -> Action {
    Action::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

#[test]
fn a_one_row_move_writes_a_few_rows_and_an_unchanged_frame_writes_nothing() {
    let mut s = State::new(false, false);
    let area = Rect::new(0, 0, WIDTH, HEIGHT);
    let layout = view::Layout::new(area, s.preview.on);
    update(&mut s, Action::Layout(layout));
    update(&mut s, Action::Page(files()));
    update(&mut s, Action::LoadDone);
    assert_eq!(s.lib.files.len(), FILES);

    let counter = Counter::default();
    let mut terminal = Terminal::with_options(
        CrosstermBackend::new(counter.clone()),
        TerminalOptions {
            viewport: Viewport::Fixed(area),
        },
    )
    .expect("terminal on a fixed viewport");

    let mut draw = |s: &State| {
        let before = counter.get();
        terminal
            .draw(|f| view::render(f, s, Theme::default()))
            .expect("draw");
        counter.get() - before
    };

    let full = draw(&s);
    eprintln!("first draw (full screen): {full} bytes");
    assert!(
        full >= usize::from(WIDTH) * usize::from(HEIGHT),
        "the first draw paints every cell: {full} bytes"
    );

    let cursor = s.list.cursor;
    update(&mut s, key(KeyCode::Char('j')));
    assert_eq!(s.list.cursor, cursor + 1, "`j` moves the cursor one row");
    let moved = draw(&s);
    eprintln!("one-row cursor move: {moved} bytes");
    assert!(
        moved < 1500,
        "a one-row move should repaint only what changed, not the screen: {moved} bytes"
    );

    let idle = draw(&s);
    eprintln!("redraw with no change: {idle} bytes");
    assert!(
        idle < 50,
        "an unchanged frame should write (almost) nothing: {idle} bytes"
    );
}
