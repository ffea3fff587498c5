//! The TUI's update loop and renders: scenario tests on `update`, insta snapshots of real
//! renders (ratatui TestBackend) at 120×40 and 80×24.

use iktag::jobs::{FileOutcome, Operation, Outcome, Summary};
use iktag::model::FileDetails;
use iktag::tui::state::{Action, Effect, Mode, State, update};
use iktag::tui::ui;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn files() -> Vec<FileDetails> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/small-library.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    iktag::sandbox::seed::from_list_json(&text).unwrap().files
}

fn key(c: KeyCode) -> Action {
    Action::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

fn ctrl(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn loaded() -> State {
    let mut s = State::new(true, false);
    update(&mut s, Action::Page(files()));
    update(&mut s, Action::LoadDone);
    s
}

fn draw(s: &State, w: u16, h: u16) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
    t.draw(|f| ui::render(f, s)).unwrap();
    t
}

fn row_text(t: &Terminal<TestBackend>, y: u16) -> String {
    let buf = t.backend().buffer();
    (0..buf.area.width)
        .map(|x| buf[(x, y)].symbol().to_owned())
        .collect()
}

#[test]
fn selecting_and_adding_a_tag_starts_a_job_on_the_selection() {
    let mut s = loaded();
    update(&mut s, key(KeyCode::Char('j')));
    update(&mut s, key(KeyCode::Char(' ')));
    update(&mut s, key(KeyCode::Char(' ')));
    assert_eq!(s.selected.len(), 2);
    assert_eq!(s.cursor, 3);
    update(&mut s, key(KeyCode::Char('+')));
    assert!(matches!(s.mode, Mode::Prompt { add: true, .. }));
    for c in "sale".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    let effects = update(&mut s, key(KeyCode::Enter));
    let selected: Vec<String> = s.selected.iter().cloned().collect();
    assert_eq!(
        effects,
        [Effect::RunJob {
            op: Operation::AddTags {
                tags: vec!["sale".into()]
            },
            ids: selected
        }]
    );
    assert!(s.job.as_ref().unwrap().running);
    // A second job is refused while one runs.
    update(&mut s, key(KeyCode::Char('+')));
    update(&mut s, key(KeyCode::Char('x')));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
}

#[test]
fn failures_become_badges_stay_selected_and_r_retries_exactly_them() {
    let mut s = loaded();
    update(&mut s, ctrl('a'));
    update(&mut s, key(KeyCode::Char('-')));
    update(&mut s, key(KeyCode::Char('x')));
    update(&mut s, key(KeyCode::Enter));
    let ids: Vec<String> = s.files.iter().map(|f| f.file_id.clone()).collect();
    let outcomes: Vec<FileOutcome> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| FileOutcome {
            file_id: id.clone(),
            outcome: if i % 2 == 0 {
                Outcome::Failed {
                    status: Some(207),
                    error: "Error in removing tags".into(),
                }
            } else {
                Outcome::Succeeded
            },
        })
        .collect();
    update(&mut s, Action::JobProgress(outcomes));
    update(
        &mut s,
        Action::JobDone(Summary {
            succeeded: 3,
            failed: 3,
            ..Default::default()
        }),
    );
    let failed: Vec<String> = ids.iter().step_by(2).cloned().collect();
    assert_eq!(s.selected.iter().cloned().collect::<Vec<_>>(), {
        let mut f = failed.clone();
        f.sort();
        f
    });
    let t = draw(&s, 120, 40);
    for (i, _) in ids.iter().enumerate() {
        let row = row_text(&t, 3 + i as u16);
        let badge = row.chars().nth(1).unwrap();
        assert_eq!(badge == '✗', i % 2 == 0, "row {i}: {row}");
    }
    let bar = row_text(&t, 38);
    assert!(bar.contains("3 failed — R retry failed"), "{bar}");
    let effects = update(&mut s, key(KeyCode::Char('R')));
    match &effects[..] {
        [
            Effect::RunJob {
                op: Operation::RemoveTags { .. },
                ids,
            },
        ] => {
            let mut got = ids.clone();
            got.sort();
            let mut want = failed.clone();
            want.sort();
            assert_eq!(got, want);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn renders_at_120x40_and_80x24() {
    let mut s = loaded();
    update(&mut s, key(KeyCode::Char('j')));
    insta::assert_snapshot!("list_120x40", draw(&s, 120, 40).backend());
    s.page_rows = 15;
    update(&mut s, key(KeyCode::Char(' ')));
    update(&mut s, key(KeyCode::Char(' ')));
    insta::assert_snapshot!("selection_80x24", draw(&s, 80, 24).backend());
    update(&mut s, key(KeyCode::Char('+')));
    update(&mut s, key(KeyCode::Char('n')));
    insta::assert_snapshot!("prompt_80x24", draw(&s, 80, 24).backend());
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Char('?')));
    insta::assert_snapshot!("help_80x24", draw(&s, 80, 24).backend());
}

#[test]
fn a_small_terminal_gets_a_clear_message_and_hostile_names_are_escaped() {
    let s = loaded();
    let t = draw(&s, 60, 15);
    assert!(row_text(&t, 0).contains("Terminal too small: 60×15"));

    let mut evil = files().remove(0);
    evil.name = "evil\u{1b}[31mred\u{202e}gpj.exe".into();
    evil.tags = vec!["\u{7}bell".into()];
    let mut s = State::new(false, false);
    update(&mut s, Action::Page(vec![evil]));
    let t = draw(&s, 120, 40);
    let row = row_text(&t, 3);
    assert!(
        row.contains("evil\\u{1b}[31m") && row.contains("\\u{7}bell"),
        "{row}"
    );
    let title = row_text(&t, 1);
    assert!(title.contains("red\\u{202e}gpj.exe"), "{title}");
    for y in 0..40 {
        let r = row_text(&t, y);
        assert!(
            !r.contains('\u{1b}') && !r.contains('\u{202e}') && !r.contains('\u{7}'),
            "raw control on row {y}"
        );
    }
}

#[test]
fn a_job_that_cannot_start_says_why_in_the_action_bar() {
    let mut s = loaded();
    update(&mut s, key(KeyCode::Char('+')));
    for c in "50%".chars() {
        update(&mut s, key(KeyCode::Char(c)));
    }
    assert_eq!(update(&mut s, key(KeyCode::Enter)).len(), 1);
    update(
        &mut s,
        Action::JobFailed(
            "not started: tag \"50%\" contains '%', which ImageKit does not allow".into(),
        ),
    );
    assert!(s.job.is_none(), "a new job can start");
    let t = draw(&s, 120, 40);
    assert!(
        row_text(&t, 38).contains("contains '%'"),
        "{}",
        row_text(&t, 38)
    );
}
