//! What a new user trips over on the screen (issue 14): the filter's cursor, a failed
//! listing and reloading, why a change is refused, job numbering and marks, status lines
//! that go out of date. Driven through the real update loop and rendered with `TestBackend`.

#[path = "common/screen.rs"]
mod screen;
use screen::{ch, files, finish, key, loaded, text as frame, typed};

use iktag::jobs::{FileOutcome, Outcome};
use iktag::model::{FileDetails, Timestamp};
use iktag::tui::keymap::Keymap;
use iktag::tui::model::{State, update};
use iktag::tui::msg::{Action, Effect};
use iktag::tui::view;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Stages `+tag` on the targets and presses `w`; returns the job's number.
fn apply_tag(s: &mut State, tag: &str) -> u64 {
    update(s, ch('+'));
    typed(s, tag);
    update(s, key(KeyCode::Enter));
    update(s, ch('w'))
        .iter()
        .find_map(|e| match e {
            Effect::RunJob { job, .. } => Some(*job),
            _ => None,
        })
        .expect("w starts the job")
}

fn done(s: &mut State, job: u64, outcomes: Vec<(String, Outcome)>) {
    let outcomes: Vec<FileOutcome> = outcomes
        .into_iter()
        .map(|(file_id, outcome)| FileOutcome { file_id, outcome })
        .collect();
    finish(s, job, outcomes);
}

#[test]
fn the_filter_keeps_the_focused_file_while_it_matches_else_goes_to_the_first_match() {
    let mut s = loaded();
    // The last file (avatar-jane.jpg) does not match "jacket": the cursor goes to the first
    // match, not the last row.
    update(&mut s, ch('G'));
    update(&mut s, ch('/'));
    typed(&mut s, "jacket");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.list.view.len(), 2);
    assert_eq!(s.list.cursor, 0);
    assert_eq!(s.focused().unwrap().name(), "red-jacket-front.jpg");
    // The second match is focused and still matches a narrower filter: it stays.
    update(&mut s, ch('j'));
    update(&mut s, ch('/'));
    typed(&mut s, " back");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.focused().unwrap().name(), "red-jacket-back.jpg");
}

#[test]
fn the_filter_box_leaves_the_focused_row_in_view() {
    // 24 files: at 80×24 the list shows 18 rows, so the focused row can be anywhere.
    let mut s = State::new(true, false);
    let many: Vec<FileDetails> = (0..4)
        .flat_map(|copy| {
            files().into_iter().map(move |mut f| {
                f.file_id = format!("{}{copy}", f.file_id);
                f.name = format!("{copy}-{}", f.name);
                f.file_path = format!("/c{copy}/{}", f.name);
                f
            })
        })
        .collect();
    update(&mut s, Action::Page(many));
    update(&mut s, Action::LoadDone);
    update(
        &mut s,
        Action::Layout(view::Layout::new(
            ratatui::layout::Rect::new(0, 0, 80, 24),
            false,
        )),
    );
    // The list's own rows (the editor's title names the focused file too).
    let list_part = |text: &str| -> String {
        text.lines()
            .map(|l| l.chars().take(50).collect::<String>() + "\n")
            .collect()
    };
    for (moves, name) in [(0, "0-red-j"), (8, "1-logo."), (8, "2-Hiker")] {
        for _ in 0..moves {
            update(&mut s, ch('j'));
        }
        update(&mut s, ch('/'));
        let text = frame(&s, 80, 24);
        assert_eq!(s.focused().unwrap().name()[..7], *name);
        assert!(list_part(&text).contains(name), "{name} covered:\n{text}");
        assert!(text.contains("┌ filter"), "{text}");
        update(&mut s, key(KeyCode::Esc));
    }
}

#[test]
fn a_failed_listing_shows_the_whole_error_and_reload_loads_again() {
    let mut s = State::new(false, false);
    let error = "ImageKit refused the key (403): Your account cannot be authenticated. \
                 Check IMAGEKIT_PRIVATE_KEY.";
    update(&mut s, Action::LoadFailed(error.into()));
    let text = frame(&s, 80, 24);
    assert!(!text.contains("the library is empty"), "{text}");
    assert!(text.contains("the listing failed"), "{text}");
    // The whole message, wrapped inside the pane (80 columns cut nothing).
    let joined: String = text
        .lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').to_owned() + " ")
        .collect();
    assert!(joined.contains("cannot be authenticated."), "{text}");
    assert!(joined.contains("F5 loads it again"), "{text}");

    let effects = update(&mut s, key(KeyCode::F(5)));
    assert!(effects.iter().any(|e| matches!(e, Effect::Reload)));
    assert!(s.lib.loading && s.lib.load_error.is_none());
    assert_eq!(s.status, "loading the library…");
    // While it loads, a second reload is refused.
    assert!(update(&mut s, key(KeyCode::F(5))).is_empty());
    assert_eq!(s.status, "still loading the library…");
    update(&mut s, Action::Page(files()));
    update(&mut s, Action::LoadDone);
    assert_eq!(s.status, "6 files loaded");
}

#[test]
fn reload_waits_for_a_running_job_and_forgets_the_selection() {
    let mut s = loaded();
    update(&mut s, ch(' '));
    let job = apply_tag(&mut s, "x");
    assert!(update(&mut s, key(KeyCode::F(5))).is_empty());
    assert_eq!(s.status, "a job is running: reload when it has finished");
    done(
        &mut s,
        job,
        vec![(files()[0].file_id.clone(), Outcome::Succeeded)],
    );
    update(&mut s, ch('g'));
    update(&mut s, ch(' '));
    assert_eq!(s.list.selected.len(), 1);
    update(&mut s, ctrl_l());
    assert!(s.list.selected.is_empty() && s.lib.files.is_empty());
}

fn ctrl_l() -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char('l'), KeyModifiers::CONTROL))
}

#[test]
fn a_refused_change_names_the_staged_and_the_current_files() {
    let mut s = loaded();
    update(&mut s, ch(' '));
    update(&mut s, ch(' '));
    update(&mut s, ch('+'));
    typed(&mut s, "red");
    update(&mut s, key(KeyCode::Enter));
    // Now only the first of those two files.
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('g'));
    update(&mut s, ch(' '));
    update(&mut s, ch('+'));
    assert_eq!(
        s.status,
        "1 change is staged for 2 files, and this would be for a different set (1 file): \
         apply (w) or discard (X) the staged changes first"
    );
}

#[test]
fn jobs_are_numbered_from_one_and_failures_are_not_ticked() {
    let mut s = loaded();
    let first = apply_tag(&mut s, "one");
    assert_eq!(first, 1);
    let a1 = files()[0].file_id.clone();
    done(
        &mut s,
        first,
        vec![(
            a1,
            Outcome::Failed {
                status: Some(207),
                error: "busy".into(),
            },
        )],
    );
    let text = frame(&s, 120, 40);
    assert!(text.contains("✗ add tags 1/1 · 1 failed"), "{text}");
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('j'));
    assert_eq!(apply_tag(&mut s, "two"), 2);
    update(
        &mut s,
        Action::JobJournaled {
            job: 2,
            id: "20261202-101010-abcd".into(),
        },
    );
    update(&mut s, ch('t'));
    let text = frame(&s, 120, 40);
    assert!(text.contains("#1 "), "{text}");
    assert!(text.contains("#2 "), "{text}");
    assert!(text.contains("journal 20261202-101010-abcd"), "{text}");
}

#[test]
fn the_pending_note_goes_once_the_results_arrive() {
    let mut s = loaded();
    let job = apply_tag(&mut s, "x");
    let f = files()[0].clone();
    done(
        &mut s,
        job,
        vec![(
            f.file_id.clone(),
            Outcome::Pending {
                extensions: vec!["google-auto-tagging".into()],
                updated_at: f.updated_at,
            },
        )],
    );
    assert!(
        s.status.contains("1 pending (checking every few seconds)"),
        "{}",
        s.status
    );
    // A re-read that is not newer changes nothing; a newer one brings the result.
    update(&mut s, Action::Refreshed(vec![f.clone()]));
    assert!(s.status.contains("pending (checking"), "{}", s.status);
    let mut later = f;
    later.updated_at = Timestamp(later.updated_at.0 + chrono::Duration::seconds(5));
    update(&mut s, Action::Refreshed(vec![later]));
    assert_eq!(
        s.status,
        "auto-tagging: the AI tags of 1 pending file arrived"
    );
}

#[test]
fn an_unbound_pane_key_hides_its_global_binding() {
    let mut s = loaded();
    s.session.keymap = Keymap::with_overrides("[list]\n\"D\" = \"none\"\n").unwrap();
    update(&mut s, ch('D'));
    assert!(s.top().is_none(), "D opens nothing in the list");
    update(&mut s, ch('?'));
    let list_help = |s: &State| -> String {
        // Up to the editor's section (its heading, not "…file list and tag editor").
        frame(s, 120, 60)
            .split("│tag editor (tab)")
            .next()
            .unwrap()
            .to_owned()
    };
    assert!(!list_help(&s).contains("delete files"), "{}", list_help(&s));
    // With the default keys the list's help has it.
    s.session.keymap = Keymap::default();
    assert!(list_help(&s).contains("delete files"), "{}", list_help(&s));
}

#[test]
fn the_vocabulary_view_reports_on_the_status_line_and_hides_what_read_only_refuses() {
    let mut s = loaded();
    update(&mut s, ch('T'));
    // To the first AI-tag row, then D and r: refused with a reason the user can see.
    let ai_row = match s.top() {
        Some(iktag::tui::dialogs::Modal::Vocab(v)) => v.rows.iter().position(|r| r.ai).unwrap(),
        other => panic!("{other:?}"),
    };
    for _ in 0..ai_row {
        update(&mut s, ch('j'));
    }
    update(&mut s, ch('D'));
    let text = frame(&s, 120, 40);
    assert!(
        text.contains("AI tags are removed with A (per file) or by confidence"),
        "{text}"
    );
    update(&mut s, ch('r'));
    assert!(
        frame(&s, 80, 24).contains("AI tags cannot be renamed"),
        "{}",
        frame(&s, 80, 24)
    );

    let mut ro = State::new(true, true);
    update(&mut ro, Action::Page(files()));
    update(&mut ro, Action::LoadDone);
    update(&mut ro, ch('T'));
    let text = frame(&ro, 200, 50);
    let hints = text.lines().last().unwrap();
    assert!(hints.contains("show files"), "{hints}");
    for refused in ["merge", "rename", "remove everywhere"] {
        assert!(!hints.contains(refused), "{hints}");
    }
}

#[test]
fn the_ai_dialog_shows_one_typing_cursor() {
    let mut s = loaded();
    update(&mut s, ch('A'));
    // Down through the rows: a caret only on each of the four number fields.
    let mut with_caret = 0;
    for _ in 0..8 {
        let carets = frame(&s, 120, 40).matches('▏').count();
        assert!(carets <= 1, "{}", frame(&s, 120, 40));
        with_caret += carets;
        update(&mut s, ch('j'));
    }
    assert!(with_caret >= 4, "{with_caret}");
}

#[test]
fn staged_details_read_as_labels_and_values() {
    let mut s = loaded();
    update(
        &mut s,
        Action::Fields(
            serde_json::from_value(serde_json::json!([
                {"id": "f1", "name": "usageRights", "label": "Usage rights",
                 "schema": {"type": "Text"}},
                {"id": "f2", "name": "approved", "label": "Approved for use",
                 "schema": {"type": "Boolean"}}
            ]))
            .unwrap(),
        ),
    );
    let mut details = serde_json::Map::new();
    details.insert(
        "customMetadata".into(),
        serde_json::json!({"approved": false, "usageRights": null}),
    );
    s.staged = Some(iktag::tui::model::Staged {
        ids: vec![files()[0].file_id.clone()],
        details,
        ..Default::default()
    });
    let text = frame(&s, 120, 40);
    assert!(text.contains("~ Approved for use: false"), "{text}");
    assert!(text.contains("~ Usage rights: (unset)"), "{text}");
    assert!(!text.contains("{\"approved\""), "{text}");
}

#[test]
fn discard_with_nothing_staged_says_so() {
    let mut s = loaded();
    update(&mut s, ch('X'));
    assert_eq!(s.status, "nothing staged");
    assert!(frame(&s, 80, 24).contains("nothing staged"));
}
