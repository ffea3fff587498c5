//! TUI test helpers shared by the scenario, dialog, screen and polish tests: the fixture
//! library as the loader delivers it, keys, frames rendered the way the loop renders them,
//! snapshots at both sizes, and the jobs effects start and the outcomes they end with.
#![allow(dead_code)]

use iktag::jobs::{FileOutcome, Operation, Outcome};
use iktag::model::{CustomMetadataField, FileDetails};
use iktag::tui::model::{State, update};
use iktag::tui::msg::{Action, Effect};
use iktag::tui::theme::Theme;
use iktag::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::json;

/// The six files of tests/fixtures/small-library.json.
pub fn files() -> Vec<FileDetails> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/small-library.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    iktag::sandbox::seed::from_list_json(&text).unwrap().files
}

pub fn fields() -> Vec<CustomMetadataField> {
    serde_json::from_value(json!([
        {"id": "f1", "name": "season", "label": "Season",
         "schema": {"type": "SingleSelect", "selectOptions": ["summer", "winter"]}},
        {"id": "f2", "name": "rating", "label": "Rating",
         "schema": {"type": "Number", "minValue": 1, "maxValue": 5}}
    ]))
    .unwrap()
}

pub fn key(c: KeyCode) -> Action {
    Action::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub fn ch(c: char) -> Action {
    key(KeyCode::Char(c))
}

pub fn ctrl(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Types `text` key by key; returns the effects.
pub fn typed(s: &mut State, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        effects.extend(update(s, ch(c)));
    }
    effects
}

/// The fixture library loaded, with its custom metadata fields.
pub fn loaded() -> State {
    let mut s = State::new(true, false);
    update(&mut s, Action::Page(files()));
    update(&mut s, Action::Fields(fields()));
    update(&mut s, Action::LoadDone);
    s
}

pub fn draw(s: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    draw_with(s, w, h, Theme::default())
}

/// Renders a frame the way the loop does: the layout for the size first, then the draw.
pub fn draw_with(s: &State, w: u16, h: u16, theme: Theme) -> Terminal<TestBackend> {
    let mut s = s.clone();
    let area = ratatui::layout::Rect::new(0, 0, w, h);
    let layout = view::Layout::new(area, s.preview.on);
    update(&mut s, Action::Layout(layout));
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| view::render(f, &s, theme)).unwrap();
    t
}

/// A screen row as text, one symbol per cell.
pub fn row_text(t: &Terminal<TestBackend>, y: u16) -> String {
    let buf = t.backend().buffer();
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_owned())
        .collect()
}

pub fn screen(t: &Terminal<TestBackend>) -> String {
    let h = t.backend().buffer().area.height;
    (0..h).map(|y| row_text(t, y) + "\n").collect()
}

/// The whole screen of `s` at `w`×`h`, as text.
pub fn text(s: &State, w: u16, h: u16) -> String {
    screen(&draw(s, w, h))
}

/// A job's outcomes arrive as the loop delivers them: a progress batch, then the end.
pub fn finish(s: &mut State, job: u64, outcomes: Vec<FileOutcome>) {
    update(
        s,
        Action::JobProgress {
            job,
            outcomes: outcomes.clone(),
        },
    );
    update(s, Action::JobDone { job, outcomes });
}

pub fn up(s: &mut State, n: usize) {
    for _ in 0..n {
        update(s, key(KeyCode::Up));
    }
}

pub fn id(n: u8) -> String {
    format!("6500000000000000000000a{n}")
}

/// Both sizes of every snapshot. A macro, not a function, so that insta names and files
/// each snapshot after the test file that takes it (`tests/snapshots/<stem>__<name>.snap`);
/// the caller has `draw` in scope.
#[allow(unused_macros)]
macro_rules! snap {
    ($name:expr, $s:expr) => {
        let s = $s;
        for (w, h) in [(120, 40), (80, 24)] {
            insta::assert_snapshot!(format!("{}_{w}x{h}", $name), draw(s, w, h).backend());
        }
    };
}
#[allow(unused_imports)]
pub(crate) use snap;

/// The job the last effects started, with its plan's ids.
pub fn started(effects: &[Effect]) -> (u64, Operation, Vec<String>) {
    match effects.iter().find(|e| matches!(e, Effect::RunJob { .. })) {
        Some(Effect::RunJob { job, plan, .. }) => {
            let mut ids: Vec<String> = plan.units.iter().flat_map(|u| u.ids.clone()).collect();
            ids.sort();
            (*job, plan.op.clone(), ids)
        }
        _ => panic!("no job started: {effects:?}"),
    }
}

/// A job's outcomes arrive as progress, then the job ends.
pub fn outcome(id: String, ok: bool) -> FileOutcome {
    FileOutcome {
        file_id: id,
        outcome: if ok {
            Outcome::Succeeded
        } else {
            Outcome::Failed {
                status: Some(207),
                error: "Error in adding tags: \u{1b}[31mbusy".into(),
            }
        },
    }
}
