//! The TUI's dialogs and overlays through the update loop: the AI-tag removal dialog, the
//! editor pane, the detail form, the delete confirmation, read-only mode, keymap overrides,
//! help and pastes, mouse, the vocabulary view, copying with `y`, the preview and dialogs
//! stacked on dialogs — scenario tests on `update`'s state and insta snapshots (ratatui
//! `TestBackend`) at 120×40 and 80×24.

#[path = "common/screen.rs"]
mod screen;
use screen::{
    ch, ctrl, draw, files, id, key, loaded, outcome, row_text, screen, snap, started, typed, up,
};

use iktag::jobs::{FileOutcome, Operation};
use iktag::tui::dialogs::{AiRow, Confirm, CopyMenu, Help, Modal};
use iktag::tui::keymap::Keymap;
use iktag::tui::model::{AiRemoval, Badge, Pane, State, update};
use iktag::tui::msg::{Action, Effect};
use iktag::tui::preview::PreviewState;
use iktag::tui::view;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::style::Modifier;
use serde_json::json;

#[test]
fn ai_tag_removal_chosen_all_and_below() {
    let mut s = loaded();
    update(&mut s, ctrl('a'));
    update(&mut s, ch('A'));
    match s.top() {
        Some(Modal::Ai(d)) => {
            let names: Vec<(&str, usize)> =
                d.names.iter().map(|n| (n.name.as_str(), n.files)).collect();
            assert_eq!(
                names,
                [
                    ("Jacket", 1),
                    ("Logo", 1),
                    ("Mountain", 1),
                    ("Person", 1),
                    ("Sleeve", 1)
                ]
            );
        }
        other => panic!("{other:?}"),
    }
    update(&mut s, ch(' '));
    update(&mut s, key(KeyCode::Down));
    update(&mut s, ch(' '));
    snap!("ai_dialog", &s);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        s.staged.as_ref().unwrap().ai,
        Some(AiRemoval::Names(
            ["Jacket".to_owned(), "Logo".to_owned()].into()
        ))
    );
    // Below a confidence, checked for range (the dialog opens on the first name, row
    // AiRow::FIXED.len(); rows 0-2 are all / below / promote, 3-5 auto-tagging).
    update(&mut s, ch('A'));
    up(&mut s, AiRow::FIXED.len() - 1);
    typed(&mut s, "500");
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(s.top(), Some(Modal::Ai(d)) if d.error.is_some()));
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Backspace));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.staged.as_ref().unwrap().ai, Some(AiRemoval::Below(5.0)));
    // Promote the confident ones to tags (runs before any AI-tag removal).
    update(&mut s, ch('A'));
    up(&mut s, AiRow::FIXED.len() - 2);
    typed(&mut s, "90");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.staged.as_ref().unwrap().promote, Some(90.0));
    update(&mut s, ch('A'));
    up(&mut s, AiRow::FIXED.len());
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.staged.as_ref().unwrap().ai, Some(AiRemoval::All));
    // Removing AI tags cannot be undone: `w` asks first, saying so with the count of files
    // that will change (the 4 with AI tags, of the 6 selected).
    let asked = update(&mut s, ch('w'));
    assert!(!asked.iter().any(|e| matches!(e, Effect::RunJob { .. })));
    match s.top() {
        Some(Modal::Confirm(Confirm { message, .. })) => assert_eq!(
            message,
            "remove all AI tags on 4 files? This cannot be undone: ImageKit cannot put removed AI tags back. Apply?"
        ),
        other => panic!("asks first: {other:?}"),
    }
    let (job, op, ids) = started(&update(&mut s, ch('y')));
    assert_eq!(op, Operation::PromoteAiTags { min: 90.0 });
    assert_eq!(ids, [id(1), id(5)], "Jacket 97.1 and Mountain 99.1");
    let next = update(
        &mut s,
        Action::JobDone {
            job,
            outcomes: vec![],
        },
    );
    let (_, op, ids) = started(&next);
    assert_eq!(op, Operation::RemoveAllAiTags);
    assert_eq!(
        ids,
        [id(1), id(3), id(5), id(6)],
        "files without AI tags are skipped"
    );
}

#[test]
fn editor_pane_toggles_removal_of_the_tag_under_the_cursor() {
    let mut s = loaded();
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(s.focus, Pane::Editor);
    update(&mut s, ch('j'));
    update(&mut s, ch('d'));
    let st = s.staged.clone().unwrap();
    assert_eq!(st.remove.iter().collect::<Vec<_>>(), ["red"]);
    update(&mut s, ch('j'));
    update(&mut s, ch('j'));
    update(&mut s, ch('d'));
    assert_eq!(
        s.staged.as_ref().unwrap().ai,
        Some(AiRemoval::Names(["Jacket".to_owned()].into()))
    );
    snap!("editor_focus", &s);
    update(&mut s, ch('d'));
    assert_eq!(s.staged.as_ref().unwrap().ai, None);
    // Another file cannot get changes while these are staged.
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('j'));
    update(&mut s, ch('+'));
    assert_eq!(s.top(), None);
    assert!(
        s.status.contains("apply (w) or discard (X)"),
        "{}",
        s.status
    );
    update(&mut s, ch('X'));
    assert!(matches!(s.top(), Some(Modal::Confirm(_))));
    update(&mut s, ch('n'));
    assert!(s.staged.is_some(), "anything but y cancels");
    update(&mut s, ch('X'));
    update(&mut s, ch('y'));
    assert!(s.staged.is_none());
}

#[test]
fn detail_form_validates_like_the_server_and_stages_only_changes() {
    let mut s = loaded();
    update(&mut s, ch('e'));
    assert!(matches!(s.top(), Some(Modal::Form(_))));
    typed(&mut s, "Front view");
    update(&mut s, key(KeyCode::Down));
    typed(&mut s, "0,0,99999,10");
    update(&mut s, key(KeyCode::Down));
    typed(&mut s, "autumn");
    update(&mut s, key(KeyCode::Down));
    typed(&mut s, "9");
    update(&mut s, key(KeyCode::Enter));
    let Some(Modal::Form(f)) = s.top() else {
        panic!("invalid values keep the form open")
    };
    let errors: Vec<&str> = f.fields.iter().filter_map(|x| x.error.as_deref()).collect();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("outside the image"), "{errors:?}");
    assert!(errors[1].contains("selectOptions"), "{errors:?}");
    assert!(errors[2].contains("at most 5"), "{errors:?}");
    snap!("detail_form", &s);
    // The cursor went to the first invalid field. Fix them all.
    update(&mut s, ctrl('u'));
    update(&mut s, key(KeyCode::Down));
    update(&mut s, ctrl('u'));
    typed(&mut s, "winter");
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Backspace));
    typed(&mut s, "4");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.top(), None);
    let st = s.staged.clone().unwrap();
    assert_eq!(
        serde_json::Value::Object(st.details),
        json!({"description": "Front view", "customMetadata": {"season": "winter", "rating": 4.0}})
    );
    // Each file's previous values are recorded with the change, so `u` can put them back.
    let (_, op, _) = started(&update(&mut s, ch('w')));
    let Operation::PatchEach { bodies, before } = op else {
        panic!("{op:?}")
    };
    assert_eq!(bodies.len(), 1);
    let previous = before.values().next().unwrap();
    assert_eq!(
        previous["description"],
        json!(null),
        "none before: undo clears it"
    );
    assert_eq!(
        previous["customMetadata"],
        json!({"season": "summer", "rating": null}),
        "{previous}"
    );
}

#[test]
fn delete_needs_the_count_typed_and_defaults_to_cancel() {
    let mut s = loaded();
    update(&mut s, ch(' '));
    update(&mut s, ch(' '));
    update(&mut s, ch(' '));
    update(&mut s, ch('D'));
    snap!("delete_confirm", &s);
    assert!(
        update(&mut s, key(KeyCode::Enter)).is_empty(),
        "enter alone cancels"
    );
    assert_eq!(s.top(), None);
    update(&mut s, ch('D'));
    assert!(update(&mut s, ch('y')).is_empty(), "y is not the count");
    assert_eq!(s.top(), None);
    update(&mut s, ch('D'));
    update(&mut s, ch('2'));
    assert!(
        update(&mut s, key(KeyCode::Enter)).is_empty(),
        "wrong count"
    );
    update(&mut s, ch('D'));
    update(&mut s, ch('3'));
    let (job, op, ids) = started(&update(&mut s, key(KeyCode::Enter)));
    assert_eq!(op, Operation::Delete);
    assert_eq!(ids, [id(1), id(2), id(3)]);
    let outcomes: Vec<FileOutcome> = ids.iter().map(|i| outcome(i.clone(), true)).collect();
    update(
        &mut s,
        Action::JobProgress {
            job,
            outcomes: outcomes.clone(),
        },
    );
    let after = update(&mut s, Action::JobDone { job, outcomes });
    assert!(
        !after.iter().any(|e| matches!(e, Effect::Refresh(_))),
        "deleted files are not refreshed"
    );
    assert_eq!(s.lib.files.len(), 3, "deleted files leave the list");
    assert!(s.list.selected.is_empty());
}

#[test]
fn read_only_removes_destructive_actions() {
    let mut s = State::new(false, true);
    update(&mut s, Action::Page(files()));
    for c in ['+', '-', 'A', 'e', 'D', 'w', 'R', 'u'] {
        assert!(update(&mut s, ch(c)).is_empty());
        assert_eq!(s.top(), None, "{c} does nothing");
    }
    let t = draw(&s, 120, 40);
    let text = screen(&t);
    assert!(text.contains("READ-ONLY"));
    assert!(
        !text.contains("delete") && !text.contains("add tag"),
        "{text}"
    );
    update(&mut s, ch('?'));
    let help = draw(&s, 120, 40).backend().to_string();
    assert!(!help.contains("delete files") && help.contains("filter shown files"));
}

#[test]
fn keymap_overrides_change_keys_help_and_bar() {
    let mut s = loaded();
    s.session.keymap = Keymap::with_overrides("[list]\n\"x\" = \"delete\"\n\"D\" = \"none\"\n[global]\n\"D\" = \"none\"\n\"Q\" = \"quit\"\n").unwrap();
    update(&mut s, ch('D'));
    assert_eq!(s.top(), None, "D unbound");
    update(&mut s, ch('x'));
    assert!(matches!(s.top(), Some(Modal::Delete(_))));
    update(&mut s, key(KeyCode::Esc));
    let bar = row_text(&draw(&s, 120, 40), 39);
    assert!(bar.contains("x delete"), "{bar}");
    update(&mut s, ch('?'));
    let help = draw(&s, 120, 40).backend().to_string();
    assert!(help.contains("Q q") || help.contains("q Q"), "{help}");
    assert_eq!(update(&mut s, key(KeyCode::Esc)), []);
    assert_eq!(update(&mut s, ch('Q')), [Effect::Quit]);
}

#[test]
fn help_overlay_and_pastes() {
    let mut s = loaded();
    update(&mut s, ch('?'));
    snap!("help", &s);
    update(&mut s, ch('j'));
    assert_eq!(s.top(), Some(&Modal::Help(Help { scroll: 1 })), "j scrolls");
    update(&mut s, ch('x'));
    assert_eq!(s.top(), None, "any key closes help");
    // A paste goes into the prompt (its lines joined with a space, controls dropped),
    // never runs commands.
    assert!(update(&mut s, Action::Paste("D+-q".into())).is_empty());
    assert_eq!(s.top(), None);
    update(&mut s, ch('/'));
    // Its ESC, CR and LF are neither Esc nor Enter: the prompt stays open, nothing is
    // started, nothing quits.
    let effects = update(
        &mut s,
        Action::Paste("jack\u{1b}et\r\nsecond\rline\nq".into()),
    );
    assert!(effects.is_empty(), "a paste starts nothing: {effects:?}");
    assert!(
        matches!(s.top(), Some(Modal::Prompt(p)) if p.text == "jacket second line q"),
        "the prompt holds the paste: {:?}",
        s.modals
    );
    assert_eq!(s.list.filter, "jacket second line q");
}

#[test]
fn mouse_wheel_scrolls_and_a_click_focuses_a_row_or_the_editor() {
    use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
    let mut s = loaded();
    let a = view::Layout::new(ratatui::layout::Rect::new(0, 0, 120, 40), false);
    update(&mut s, Action::Layout(a));
    let at = |kind, column, row| {
        Action::Mouse(MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        })
    };
    update(&mut s, at(MouseEventKind::ScrollDown, 10, 10));
    assert_eq!(s.list.cursor, 3);
    update(&mut s, at(MouseEventKind::ScrollUp, 10, 10));
    assert_eq!(s.list.cursor, 0);
    // Row 3 of the screen is the first file (border, header above it).
    update(
        &mut s,
        at(MouseEventKind::Down(MouseButton::Left), 10, 3 + 4),
    );
    assert_eq!(s.list.cursor, 4);
    update(
        &mut s,
        at(MouseEventKind::Down(MouseButton::Left), a.editor.x + 2, 5),
    );
    assert_eq!(s.focus, Pane::Editor);
    // Clicks below the last file change nothing.
    update(&mut s, at(MouseEventKind::Down(MouseButton::Left), 10, 30));
    assert_eq!((s.list.cursor, s.focus), (4, Pane::List));
}

#[test]
fn vocabulary_view_groups_near_duplicates_filters_and_merges() {
    let mut s = loaded();
    update(&mut s, ch('T'));
    let Some(Modal::Vocab(v)) = s.top() else {
        panic!("T opens the vocabulary")
    };
    let sale = v.rows.iter().position(|r| r.tag == "summer-sale").unwrap();
    assert_eq!(
        v.rows[sale].near,
        ["Summer Sale", "summersale"],
        "near-duplicates of summer-sale"
    );
    assert!(v.rows.iter().any(|r| r.ai && r.tag == "Mountain"));
    snap!("vocabulary", &s);
    // Enter shows the files with that tag.
    for _ in 0..sale {
        update(&mut s, ch('j'));
    }
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.list.filter, "tag:summer-sale");
    assert_eq!(s.list.view.len(), 1);
    // n marks the tag and its spellings; m merges them into the chosen name.
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('T'));
    for _ in 0..sale {
        update(&mut s, ch('j'));
    }
    update(&mut s, ch('n'));
    update(&mut s, ch('m'));
    typed(&mut s, "sale");
    // The merge is staged like every reversible change: in the diff, sent only on `w`.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    // The prompt closes onto the vocabulary view exactly as it was: cursor and marks.
    let Some(Modal::Vocab(v)) = s.top() else {
        panic!("back in the vocabulary: {:?}", s.modals)
    };
    assert_eq!((v.cursor, v.marked.len(), s.modals.len()), (sale, 3, 1));
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.top(), None);
    assert!(
        screen(&draw(&s, 120, 40)).contains("→ sale (3 files)"),
        "{}",
        screen(&draw(&s, 120, 40))
    );
    let (_, op, ids) = started(&update(&mut s, ch('w')));
    assert_eq!(
        op,
        Operation::MergeTags {
            from: vec![
                "Summer Sale".into(),
                "summer-sale".into(),
                "summersale".into()
            ],
            into: "sale".into()
        }
    );
    assert_eq!(ids, [id(1), id(2), id(5)]);
    // A tag with a space gets a quoted filter term.
    update(&mut s, ch('T'));
    let row = match s.top() {
        Some(Modal::Vocab(v)) => v.rows.iter().position(|r| r.tag == "Summer Sale").unwrap(),
        _ => unreachable!(),
    };
    for _ in 0..row {
        update(&mut s, ch('j'));
    }
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.list.filter, "tag:\"Summer Sale\"");
    assert_eq!(s.list.view.len(), 1);
}

#[test]
fn ai_dialog_on_files_without_ai_tags_never_indexes_a_missing_row() {
    let mut s = loaded();
    // The second file has no AI tags.
    update(&mut s, ch('j'));
    update(&mut s, ch('A'));
    assert!(matches!(s.top(), Some(Modal::Ai(d)) if d.names.is_empty() && d.cursor == 0));
    // Down through every row wraps back to "remove all".
    for _ in 0..AiRow::FIXED.len() {
        update(&mut s, key(KeyCode::Down));
    }
    update(&mut s, key(KeyCode::Char(' ')));
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.staged.as_ref().unwrap().ai, Some(AiRemoval::All));
}

#[test]
fn y_copies_ids_paths_names_tags_or_urls_through_osc52() {
    let mut s = loaded();
    update(&mut s, ch(' '));
    update(&mut s, ch(' '));
    update(&mut s, ch('y'));
    assert_eq!(s.top(), Some(&Modal::Copy(CopyMenu)));
    assert_eq!(
        update(&mut s, ch('i')),
        [Effect::Copy(format!("{}\n{}", id(1), id(2)))]
    );
    update(&mut s, ch('y'));
    assert_eq!(
        update(&mut s, ch('t')),
        [Effect::Copy(
            "jacket, summer-sale, red\njacket, Summer Sale".into()
        )]
    );
    update(&mut s, ch('y'));
    assert_eq!(
        update(&mut s, ch('u')),
        [Effect::CopyUrls(vec![id(1), id(2)])]
    );
    let effects = update(&mut s, Action::CopyText("https://a\nhttps://b".into()));
    assert_eq!(effects, [Effect::Copy("https://a\nhttps://b".into())]);
    assert!(s.status.contains("copied 2 URLs"));
    update(&mut s, ch('y'));
    assert!(update(&mut s, ch('x')).is_empty(), "any other key cancels");
    assert_eq!(s.top(), None);
    // The sequence is base64: nothing in a hostile name reaches the terminal raw.
    let seq = iktag::tui::osc52("evil\u{1b}[31m");
    assert_eq!(seq, "\u{1b}]52;c;ZXZpbBtbMzFt\u{7}");
    // The header names the profile.
    s.session.profile = Some("prod".into());
    assert!(row_text(&draw(&s, 120, 40), 0).contains(" prod "));
}

#[test]
fn preview_requests_never_queue_up_behind_the_cursor() {
    let mut s = loaded();
    s.layout.preview_inner =
        view::Layout::new(ratatui::layout::Rect::new(0, 0, 120, 40), true).preview_inner;
    let effects = update(&mut s, ch('p'));
    let asked = |e: &[Effect]| -> Vec<String> {
        e.iter()
            .filter_map(|e| match e {
                Effect::Preview { id, .. } => Some(id.clone()),
                _ => None,
            })
            .collect()
    };
    assert_eq!(asked(&effects), [id(1)]);
    // Moving on while it loads asks for nothing: one fetch at a time.
    let mut more = Vec::new();
    for _ in 0..4 {
        more.extend(update(&mut s, ch('j')));
    }
    assert!(asked(&more).is_empty(), "{more:?}");
    // When it lands, only the file now focused is asked for (not the ones passed over).
    let done = update(
        &mut s,
        Action::PreviewDone {
            id: id(1),
            state: PreviewState::Unavailable("test".into()),
        },
    );
    assert_eq!(asked(&done), [id(5)]);
    // Hiding the pane stops asking; showing it again asks for the focused file.
    update(&mut s, ch('p'));
    assert!(asked(&update(&mut s, ch('k'))).is_empty());
    assert_eq!(asked(&update(&mut s, ch('p'))), [id(4)]);
}

/// A dialog opened from another one returns to it exactly as it was: `D` in the vocabulary
/// view asks over it; cancelling leaves its sort, cursor and marks; `y` stages the removal
/// and the view is still there.
#[test]
fn a_confirm_over_the_vocabulary_view_returns_to_it_as_it_was() {
    let mut s = loaded();
    update(&mut s, ch('T'));
    update(&mut s, ch('s')); // sort by name
    update(&mut s, ch(' ')); // mark the first tag, cursor to the second
    update(&mut s, ch('j'));
    let Some(Modal::Vocab(before)) = s.top().cloned() else {
        panic!("T opens the vocabulary")
    };
    assert!(before.by_name && before.cursor == 2 && before.marked.len() == 1);
    let tag = before.rows[2].tag.clone();
    update(&mut s, ch('D'));
    let Some(Modal::Confirm(c)) = s.top() else {
        panic!("D asks first: {:?}", s.modals)
    };
    assert!(c.message.contains(&tag), "{}", c.message);
    assert_eq!(s.modals.len(), 2, "the view stays below the question");
    update(&mut s, ch('n'));
    assert_eq!(s.top(), Some(&Modal::Vocab(before.clone())), "as it was");
    assert!(s.staged.is_none());
    update(&mut s, ch('D'));
    update(&mut s, ch('y'));
    assert_eq!(
        s.top(),
        Some(&Modal::Vocab(before)),
        "still there after staging"
    );
    let staged = &s.staged.as_ref().expect("staged").vocab;
    assert_eq!(staged.len(), 1);
    assert_eq!(
        staged[0].0,
        Operation::RemoveTags {
            tags: vec![tag.clone()]
        }
    );
}

/// Read-only is one check on the command: the task panel's retry and the vocabulary's
/// rename say why they do nothing, and the dialog stays open.
#[test]
fn read_only_refuses_changing_commands_inside_dialogs_too() {
    let mut s = State::new(false, true);
    update(&mut s, Action::Page(files()));
    update(&mut s, Action::LoadDone);
    for (open, key) in [('t', 'r'), ('T', 'r'), ('T', 'D'), ('T', 'm')] {
        update(&mut s, ch(open));
        let top = s.top().cloned();
        assert!(update(&mut s, ch(key)).is_empty(), "{open} {key}");
        assert_eq!(s.status, "read-only profile: changes are disabled");
        assert_eq!(
            s.top().cloned(),
            top,
            "{open} {key}: the dialog stays as it was"
        );
        update(
            &mut s,
            Action::Key(KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE)),
        );
        assert_eq!(s.top(), None);
    }
    assert!(s.staged.is_none() && s.queue.jobs.is_empty());
}

/// The editor keeps its cursor on screen whatever comes above the rows (errors, the
/// auto-tagging line): at 80×24 with every file selected and five error lines, the last
/// AI-tag row is drawn with the cursor style.
#[test]
fn the_editor_scrolls_to_keep_its_cursor_visible() {
    let mut s = loaded();
    update(&mut s, ctrl('a'));
    for n in 1..=6 {
        let badge = Badge {
            job: 1,
            error: format!("500 a long server error for file {n} that wraps in the editor"),
        };
        s.queue.errors.insert(id(n), badge);
    }
    update(&mut s, key(KeyCode::Tab));
    let rows = s.editor_rows().len();
    assert!(rows > 8, "{rows} rows");
    for _ in 0..rows {
        update(&mut s, ch('j'));
    }
    assert_eq!(s.editor_cursor, rows - 1);
    let t = draw(&s, 80, 24);
    let buf = t.backend().buffer();
    let layout = view::Layout::new(ratatui::layout::Rect::new(0, 0, 80, 24), false);
    let e = layout.editor;
    let cursor_rows: Vec<u16> = (e.y + 1..e.bottom() - 1)
        .filter(|&y| buf[(e.x + 2, y)].modifier.contains(Modifier::REVERSED))
        .collect();
    assert_eq!(
        cursor_rows.len(),
        1,
        "one cursor row on screen:\n{}",
        screen(&t)
    );
    let last = match &s.editor_rows()[rows - 1] {
        iktag::tui::model::EditorRow::Ai(name, _) | iktag::tui::model::EditorRow::Tag(name, _) => {
            name.clone()
        }
    };
    assert!(
        row_text(&t, cursor_rows[0]).contains(&last),
        "the cursor row is the last row ({last}):\n{}",
        screen(&t)
    );
}
