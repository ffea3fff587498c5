//! The TUI's update loop and renders, for the file list and its jobs: scenario tests that
//! feed actions to `update` and assert state — staging and applying tags, failures and retry,
//! filter, sort and server search, undo, the task panel, pending auto-tags and the editor's
//! counts — with insta snapshots (ratatui `TestBackend`) at 120×40 and 80×24, and buffer
//! assertions for badge styles in colour and `NO_COLOR`. Dialogs are in `tui_dialogs.rs`.

use std::time::Duration;

#[path = "common/screen.rs"]
mod screen;
use screen::{
    ch, ctrl, draw, draw_with, files, finish, id, key, loaded, outcome, row_text, screen, snap,
    started, typed, up,
};

use iktag::jobs::{FileOutcome, Operation, Outcome};
use iktag::model::FileDetails;
use iktag::tui::dialogs::{AiRow, Confirm, InputKind, Modal};
use iktag::tui::model::{Badge, JobStatus, SortKey, State, update};
use iktag::tui::msg::{Action, Effect};
use iktag::tui::theme::Theme;
use ratatui::crossterm::event::KeyCode;
use ratatui::style::{Color, Modifier};

/// The calls of the job the last effects started: each unit's operation and files.
fn calls(effects: &[Effect]) -> Vec<(Operation, Vec<String>)> {
    match effects.iter().find(|e| matches!(e, Effect::RunJob { .. })) {
        Some(Effect::RunJob { plan, .. }) => plan
            .units
            .iter()
            .map(|u| (plan.op_of(u).clone(), u.ids.clone()))
            .collect(),
        _ => panic!("no job started: {effects:?}"),
    }
}

#[test]
fn staged_tags_are_a_diff_until_applied_then_one_job_each() {
    let mut s = loaded();
    update(&mut s, ch('j'));
    update(&mut s, ch(' '));
    update(&mut s, ch(' '));
    assert_eq!(s.list.selected.len(), 2);
    assert_eq!(s.list.cursor, 3);
    // + with completion from the vocabulary: "summ" completes to the most used match.
    update(&mut s, ch('+'));
    typed(&mut s, "summ");
    match s.top() {
        Some(Modal::Prompt(i)) => {
            assert_eq!(i.kind, InputKind::AddTag);
            let c: Vec<&str> = i.completions(8).iter().map(|c| c.0.as_str()).collect();
            assert_eq!(c, ["Summer Sale", "summer-sale", "summersale"]);
        }
        other => panic!("{other:?}"),
    }
    update(&mut s, key(KeyCode::Down));
    update(&mut s, key(KeyCode::Tab));
    assert!(
        update(&mut s, key(KeyCode::Enter)).is_empty(),
        "staged, not sent"
    );
    update(&mut s, ch('-'));
    typed(&mut s, "jacket");
    update(&mut s, key(KeyCode::Enter));
    let st = s.staged.clone().unwrap();
    assert_eq!(st.add.iter().collect::<Vec<_>>(), ["summer-sale"]);
    assert_eq!(st.remove.iter().collect::<Vec<_>>(), ["jacket"]);
    assert_eq!(st.ids, [id(2), id(3)]);
    // Staging the opposite cancels: the diff shrinks.
    update(&mut s, ch('+'));
    typed(&mut s, "jacket");
    update(&mut s, key(KeyCode::Enter));
    assert!(s.staged.as_ref().unwrap().remove.is_empty());
    update(&mut s, ch('-'));
    typed(&mut s, "jacket");
    update(&mut s, key(KeyCode::Enter));
    snap!("staged_diff", &s);

    // Apply: remove runs first, add is queued behind it.
    let effects = update(&mut s, ch('w'));
    let (job, op, ids) = started(&effects);
    assert_eq!(
        op,
        Operation::RemoveTags {
            tags: vec!["jacket".into()]
        }
    );
    assert_eq!(
        ids,
        [id(2)],
        "logo.png has no jacket tag: skipped by the plan"
    );
    assert!(s.staged.is_none());
    assert_eq!(s.queue.jobs[1].status, JobStatus::Queued);
    update(
        &mut s,
        Action::JobProgress {
            job,
            outcomes: vec![outcome(id(2), true)],
        },
    );
    let next = update(
        &mut s,
        Action::JobDone {
            job,
            outcomes: vec![
                outcome(id(2), true),
                FileOutcome {
                    file_id: id(3),
                    outcome: Outcome::Skipped {
                        reason: "has none of the tags".into(),
                    },
                },
            ],
        },
    );
    // The files are read back by the job's lifecycle (the runner sends them as
    // `Refreshed` before `JobDone`), not by a second request from the TUI.
    assert!(
        !next.iter().any(|e| matches!(e, Effect::Refresh(_))),
        "{next:?}"
    );
    let (_, op, ids) = started(&next);
    assert_eq!(
        op,
        Operation::AddTags {
            tags: vec!["summer-sale".into()]
        }
    );
    assert_eq!(ids, [id(2), id(3)]);
}

#[test]
fn failures_become_badges_stay_selected_and_r_retries_exactly_them() {
    let mut s = loaded();
    update(&mut s, ctrl('a'));
    update(&mut s, ch('+'));
    typed(&mut s, "new");
    update(&mut s, key(KeyCode::Enter));
    let (job, _, ids) = started(&update(&mut s, ch('w')));
    assert_eq!(ids.len(), 6);
    let outcomes: Vec<FileOutcome> = ids
        .iter()
        .enumerate()
        .map(|(i, f)| outcome(f.clone(), i % 2 == 1))
        .collect();
    finish(&mut s, job, outcomes);
    let mut failed: Vec<&str> = ids.iter().step_by(2).map(String::as_str).collect();
    let mut selected: Vec<&str> = s.selected_ids().collect();
    failed.sort_unstable();
    selected.sort_unstable();
    assert_eq!(selected, failed);
    let t = draw(&s, 120, 40);
    for (i, f) in s.list.view.iter().map(|&i| &s.lib.files[i]).enumerate() {
        let row = row_text(&t, 3 + u16::try_from(i).unwrap());
        // Selected and failed: both marks, `●✗`.
        let marks: String = row.chars().skip(1).take(2).collect();
        assert_eq!(
            marks == "●✗",
            failed.contains(&f.file_id.as_str()),
            "row {i}: {row}"
        );
    }
    let bar = row_text(&t, 38);
    assert!(bar.contains("3 failed"), "{bar}");
    assert!(
        row_text(&t, 39).contains("R retry failed"),
        "{}",
        row_text(&t, 39)
    );
    // The server's error text is shown escaped in the editor and the task panel.
    let text = screen(&t);
    assert!(
        text.contains("✗ failed: red-jacket-front.jpg: 207"),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'));
    snap!("failed_badges", &s);
    update(&mut s, ch('t'));
    let text = screen(&draw(&s, 120, 40));
    assert!(
        text.contains("red-jacket-front.jpg: 207 Error in adding tags: ␛[31mbusy"),
        "{text}"
    );
    update(&mut s, key(KeyCode::Esc));

    let (_, op, retried) = started(&update(&mut s, ch('R')));
    assert_eq!(
        op,
        Operation::AddTags {
            tags: vec!["new".into()]
        }
    );
    assert_eq!(retried, failed, "R retries exactly the failed files");
}

#[test]
fn filter_words_tags_and_negation_and_esc_restores() {
    let mut s = loaded();
    update(&mut s, ch('/'));
    typed(&mut s, "jacket");
    assert_eq!(s.list.view.len(), 2, "live while typing");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.list.filter, "jacket");
    update(&mut s, ch('/'));
    typed(&mut s, " !back");
    assert_eq!(s.list.view.len(), 1);
    assert_eq!(s.focused().unwrap().name(), "red-jacket-front.jpg");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(
        s.list.filter, "jacket",
        "esc restores the filter before editing"
    );
    assert_eq!(s.list.view.len(), 2);
    update(&mut s, ch('/'));
    update(&mut s, ctrl('u'));
    typed(&mut s, "tag:summersale");
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.list.view.len(), 1);
    update(&mut s, ch('/'));
    update(&mut s, ctrl('u'));
    typed(&mut s, "ai:person");
    snap!("filter_prompt", &s);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(s.focused().unwrap().name(), "avatar-jane.jpg");
    // Select all selects what is shown; esc clears selection, then the filter.
    update(&mut s, ctrl('a'));
    assert_eq!(s.list.selected.len(), 1);
    update(&mut s, key(KeyCode::Esc));
    assert!(s.list.selected.is_empty());
    update(&mut s, key(KeyCode::Esc));
    assert!(s.list.filter.is_empty() && s.list.view.len() == 6);
}

#[test]
fn sort_menu_range_and_invert() {
    let mut s = loaded();
    update(&mut s, ch('s'));
    assert!(matches!(s.top(), Some(Modal::Sort(_))));
    snap!("sort_menu", &s);
    update(&mut s, ch('n'));
    assert_eq!(s.list.sort.key, SortKey::Name);
    let names: Vec<&str> = s.list.view.iter().map(|&i| s.lib.files[i].name()).collect();
    assert_eq!(
        names,
        [
            "avatar-jane.jpg",
            "Hiker on ridge.webp",
            "logo.png",
            "lookbook-2023.pdf",
            "red-jacket-back.jpg",
            "red-jacket-front.jpg"
        ]
    );
    update(&mut s, ch('s'));
    update(&mut s, ch('n'));
    assert!(s.list.sort.desc, "the same key again reverses");
    update(&mut s, ch('s'));
    update(&mut s, ch('s'));
    assert_eq!(s.list.sort.key, SortKey::Size);
    let sizes: Vec<u64> = s
        .list
        .view
        .iter()
        .map(|&i| s.lib.files[i].size.unwrap())
        .collect();
    assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");

    // v marks, moving extends, v again selects the range.
    update(&mut s, ch('g'));
    update(&mut s, ch('j'));
    update(&mut s, ch('v'));
    update(&mut s, ch('j'));
    update(&mut s, ch('j'));
    snap!("range_pending", &s);
    update(&mut s, ch('v'));
    let want: Vec<String> = s.list.view[1..=3]
        .iter()
        .map(|&i| s.lib.files[i].file_id.clone())
        .collect();
    let mut got: Vec<String> = s.selected_ids().map(str::to_owned).collect();
    got.sort();
    let mut want_sorted = want.clone();
    want_sorted.sort();
    assert_eq!(got, want_sorted);
    update(&mut s, ctrl('r'));
    assert_eq!(s.list.selected.len(), 3, "invert: the other three");
    assert!(want.iter().all(|id| !s.is_selected(id)));
}

#[test]
fn server_search_results_and_a_400_inline() {
    let mut s = loaded();
    update(&mut s, ch(':'));
    let effects = typed(&mut s, "size >");
    assert!(effects.is_empty());
    let effects = update(&mut s, key(KeyCode::Enter));
    assert_eq!(effects, [Effect::Search("size >".into())]);
    update(
        &mut s,
        Action::SearchFailed {
            query: "size >".into(),
            error: "400 Invalid search query: expected a value after '>' at position 6, found end of query".into(),
        },
    );
    match s.top() {
        Some(Modal::Prompt(i)) => assert!(i.error.as_ref().unwrap().contains("position 6")),
        other => panic!("the prompt stays open with the error: {other:?}"),
    }
    snap!("search_error", &s);
    update(&mut s, key(KeyCode::Backspace));
    typed(&mut s, "> 1mb");
    update(&mut s, key(KeyCode::Enter));
    let hits: Vec<FileDetails> = files()
        .into_iter()
        .filter(|f| f.size.is_some_and(|n| n > 1 << 20))
        .collect();
    let n = hits.len();
    update(
        &mut s,
        Action::SearchDone {
            query: "size > 1mb".into(),
            files: hits,
        },
    );
    assert_eq!(s.top(), None);
    assert_eq!(s.list.view.len(), n);
    assert!(
        draw(&s, 120, 40)
            .backend()
            .to_string()
            .contains("search “size > 1mb”")
    );
    update(&mut s, key(KeyCode::Esc));
    assert!(s.list.search.is_none() && s.list.view.len() == 6);
}

#[test]
fn undo_restores_the_previous_tags_of_the_files_the_last_tag_job_changed() {
    let mut s = loaded();
    update(&mut s, ch(' '));
    update(&mut s, ch(' '));
    update(&mut s, ch('-'));
    typed(&mut s, "jacket");
    update(&mut s, key(KeyCode::Enter));
    let (job, _, ids) = started(&update(&mut s, ch('w')));
    assert_eq!(ids, [id(1), id(2)]);
    let outcomes = vec![outcome(id(1), true), outcome(id(2), false)];
    finish(&mut s, job, outcomes);
    update(&mut s, ch('u'));
    let Some(Modal::Confirm(Confirm { message, .. })) = s.top() else {
        panic!("undo asks first")
    };
    assert!(
        message.contains("Undo “−jacket on 2 files”: put back what it changed on 1 file?"),
        "{message}"
    );
    snap!("undo_confirm", &s);
    // The inverse is a bulk call: put "jacket" back on the one file it came off.
    let effects = update(&mut s, ch('y'));
    let (job, op, _) = started(&effects);
    assert!(
        matches!(&op, Operation::Undo { label, .. } if label == "undo −jacket on 2 files"),
        "{op:?}"
    );
    assert_eq!(
        calls(&effects),
        [(
            Operation::AddTags {
                tags: vec!["jacket".into()]
            },
            vec![id(1)]
        )],
        "only the file that changed"
    );
    finish(&mut s, job, vec![outcome(id(1), true)]);

    // A group that added and removed: each file gets back exactly what it had.
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, ch('g'));
    update(&mut s, ch('+'));
    typed(&mut s, "red");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('-'));
    typed(&mut s, "summer-sale");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('j'));
    update(&mut s, ch('w'));
    for _ in 0..2 {
        let job = s.running().map(|j| j.id).unwrap();
        finish(&mut s, job, vec![outcome(id(1), true)]);
    }
    update(&mut s, ch('u'));
    let effects = update(&mut s, ch('y'));
    // red was already there (the add changed nothing): only summer-sale goes back.
    assert_eq!(
        calls(&effects),
        [(
            Operation::AddTags {
                tags: vec!["summer-sale".into()]
            },
            vec![id(1)]
        )]
    );
    let job = s.running().map(|j| j.id).unwrap();
    update(
        &mut s,
        Action::JobDone {
            job,
            outcomes: vec![outcome(id(1), true)],
        },
    );
    // Both applies are undone and undos are never undone by `u` (no redo): nothing left.
    assert!(update(&mut s, ch('u')).is_empty());
    assert_eq!(s.top(), None);
    assert_eq!(s.status, "nothing to undo: nothing left to undo");
}

#[test]
fn task_panel_lists_jobs_with_per_file_errors_and_cancels() {
    let mut s = loaded();
    update(&mut s, ctrl('a'));
    update(&mut s, ch('+'));
    typed(&mut s, "a");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, ch('-'));
    typed(&mut s, "avatar");
    update(&mut s, key(KeyCode::Enter));
    let (job, _, _) = started(&update(&mut s, ch('w')));
    update(
        &mut s,
        Action::JobProgress {
            job,
            outcomes: vec![outcome(id(6), false)],
        },
    );
    update(&mut s, ch('t'));
    snap!("tasks", &s);
    // c cancels the job under the cursor (the queued one: nothing is sent).
    assert!(update(&mut s, ch('c')).is_empty());
    assert_eq!(s.queue.jobs[1].status, JobStatus::Cancelled);
    update(&mut s, ch('k'));
    assert_eq!(update(&mut s, ch('c')), [Effect::Cancel(job)]);
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.top(), None);
}

#[test]
fn badge_styles_in_colour_and_monochrome() {
    for mono in [false, true] {
        let mut s = loaded();
        update(&mut s, ch(' ')); // select row 0, cursor to row 1
        let badge = Badge {
            job: 1,
            error: "500 boom".into(),
        };
        s.queue.errors.insert(id(3), badge);
        let t = draw_with(&s, 120, 40, Theme { mono });
        let buf = t.backend().buffer();
        let sel = &buf[(1, 3)];
        assert_eq!(sel.symbol(), "●");
        assert!(sel.modifier.contains(Modifier::BOLD), "selected is bold");
        let failed = &buf[(2, 5)];
        assert_eq!(failed.symbol(), "✗");
        assert!(failed.modifier.contains(Modifier::BOLD));
        // A row both selected and failed keeps a selection cue that needs no colour: its `●`.
        let mut both = s.clone();
        both.queue
            .errors
            .insert(id(1), both.queue.errors[&id(3)].clone());
        let tb = draw_with(&both, 120, 40, Theme { mono });
        assert_eq!(row_text(&tb, 3).chars().take(4).collect::<String>(), "│●✗ ");
        let cursor = &buf[(5, 4)];
        assert!(cursor.modifier.contains(Modifier::REVERSED), "cursor row");
        if mono {
            for y in 0..40 {
                for x in 0..120 {
                    let c = &buf[(x, y)];
                    assert!(
                        c.fg == Color::Reset && c.bg == Color::Reset,
                        "NO_COLOR: no colour at {x},{y}"
                    );
                }
            }
        } else {
            assert_eq!(failed.fg, Color::Red);
            assert_eq!(sel.fg, Color::Yellow);
        }
    }
}

#[test]
fn list_snapshots_streaming_small_terminal_and_hostile_names() {
    let mut s = State::new(true, false);
    let mut all = files();
    update(&mut s, Action::Page(all.drain(..3).collect()));
    update(&mut s, ch('j'));
    assert!(
        draw(&s, 120, 40)
            .backend()
            .to_string()
            .contains("3 files (loading…)")
    );
    update(&mut s, Action::Page(all));
    update(&mut s, Action::LoadDone);
    assert_eq!(
        s.list.cursor, 1,
        "usable while loading: the cursor stayed put"
    );
    snap!("list", &s);
    let t = draw(&s, 60, 15);
    assert!(row_text(&t, 0).contains("Terminal too small: 60×15"));

    let mut evil = files().remove(0);
    evil.name = "evil\u{1b}[31mred\u{202e}gpj.exe 🐍🐍🐍".repeat(4);
    evil.tags = vec!["\u{7}bell".into(), "x".repeat(400)];
    let mut s = State::new(false, false);
    let mut rest = files();
    rest[0] = evil;
    rest[1].name = "\u{1b}]0;PWNED\u{7}title.jpg".into();
    update(&mut s, Action::Page(rest));
    let t = draw(&s, 120, 40);
    // Each control character is one visible cell; bidi overrides are neutralised as `�`.
    let row = row_text(&t, 3);
    assert!(row.starts_with("│   evil␛[3") && row.contains('…'), "{row}");
    let row = row_text(&t, 4);
    assert!(row.contains("␛]0;PWNED␇title.jpg "), "{row}");
    let title = row_text(&t, 1);
    assert!(title.contains("red�gpj.exe"), "{title}");
    snap!("hostile_names", &s);
    // Columns stay aligned: the updated date starts at the same x on every row.
    let date_x = |y: u16| -> Option<u16> {
        let buf = t.backend().buffer();
        (0..110u16).find(|&x| {
            let s: String = (x..x + 10).map(|i| buf[(i, y)].symbol()).collect();
            s.len() == 10
                && s.as_bytes()[4] == b'-'
                && s.as_bytes()[7] == b'-'
                && s[..4].bytes().all(|b| b.is_ascii_digit())
        })
    };
    let xs: Vec<Option<u16>> = (3..9).map(date_x).collect();
    assert!(
        xs[0].is_some() && xs.windows(2).all(|w| w[0] == w[1]),
        "{xs:?}"
    );
    for y in 0..40 {
        let r = row_text(&t, y);
        assert!(
            !r.contains('\u{1b}') && !r.contains('\u{202e}') && !r.contains('\u{7}'),
            "raw control on row {y}"
        );
    }
}

#[test]
fn pending_auto_tags_are_re_read_every_2s_until_they_arrive_and_for_2_minutes_at_most() {
    use iktag::tui::model::{ExtState, POLL_EVERY, POLL_FOR};
    use std::time::Instant;
    let mut s = loaded();
    let t0 = Instant::now();
    update(&mut s, Action::Tick(t0));
    // Space selects and moves on: the first two files.
    update(&mut s, ch(' '));
    update(&mut s, ch(' '));
    update(&mut s, ch('A'));
    up(&mut s, AiRow::FIXED.len() - 3);
    update(&mut s, key(KeyCode::Enter));
    // Auto-tagging cannot be undone: `w` asks first.
    update(&mut s, ch('w'));
    assert!(
        matches!(s.top(), Some(Modal::Confirm(Confirm { message, .. })) if message.contains("cannot be undone")),
        "{:?}",
        s.modals
    );
    let (job, op, ids) = started(&update(&mut s, ch('y')));
    assert!(matches!(op, Operation::AutoTag { .. }), "{op:?}");
    assert_eq!(ids, [id(1), id(2)]);
    // Each answer carries the file's updatedAt as the PATCH left it.
    let answered = |n: u8| files()[usize::from(n) - 1].updated_at;
    let pending = |n| FileOutcome {
        file_id: id(n),
        outcome: Outcome::Pending {
            extensions: vec!["google-auto-tagging".into()],
            updated_at: answered(n),
        },
    };
    let outcomes = vec![pending(1), pending(2)];
    finish(&mut s, job, outcomes);
    assert!(s.animating(), "pending files keep the clock running");
    let refreshes = |e: &[Effect]| -> Vec<Vec<String>> {
        e.iter()
            .filter_map(|e| match e {
                Effect::Refresh(ids) => Some(ids.clone()),
                _ => None,
            })
            .collect()
    };
    // The first tick re-reads both; the next ones wait for the interval.
    assert_eq!(
        refreshes(&update(
            &mut s,
            Action::Tick(t0 + Duration::from_millis(100))
        )),
        [vec![id(1), id(2)]]
    );
    assert!(refreshes(&update(&mut s, Action::Tick(t0 + Duration::from_secs(1)))).is_empty());
    assert_eq!(
        refreshes(&update(
            &mut s,
            Action::Tick(t0 + POLL_EVERY + Duration::from_millis(200))
        )),
        [vec![id(1), id(2)]]
    );
    // The first file's AI tags arrived (it changed after the answer); the second did not.
    let mut arrived = files()[0].clone();
    arrived.updated_at = iktag::model::Timestamp::from_millis(answered(1).millis() + 1);
    let unchanged = files()[1].clone();
    update(&mut s, Action::Refreshed(vec![arrived, unchanged]));
    assert_eq!(s.autotag.ext.get(&id(1)), Some(&ExtState::Success));
    assert!(matches!(
        s.autotag.ext.get(&id(2)),
        Some(ExtState::Pending { .. })
    ));
    assert_eq!(
        refreshes(&update(
            &mut s,
            Action::Tick(t0 + POLL_EVERY * 2 + Duration::from_millis(300))
        )),
        [vec![id(2)]]
    );
    // After two minutes it is left to the webhook: no more re-reads, no more ticking, badge kept.
    let late = t0 + POLL_FOR + POLL_EVERY * 2;
    assert!(refreshes(&update(&mut s, Action::Tick(late))).is_empty());
    assert!(!s.animating());
    assert!(
        row_text(&draw(&s, 120, 40), 4).starts_with("│ ⧗"),
        "{}",
        screen(&draw(&s, 120, 40))
    );
}

/// The editor's rows counted from scratch over the targets, as they were before the
/// selection kept its own counts.
fn recount(s: &State) -> Vec<iktag::tui::model::EditorRow> {
    use iktag::tui::model::EditorRow;
    use std::collections::BTreeMap;
    let mut tags: BTreeMap<String, usize> = BTreeMap::new();
    let mut ai: BTreeMap<String, usize> = BTreeMap::new();
    for f in s.targets().iter().filter_map(|id| s.file(id)) {
        for t in &f.tags {
            *tags.entry(t.to_owned()).or_default() += 1;
        }
        for a in &f.ai_tags {
            *ai.entry(a.name.clone()).or_default() += 1;
        }
    }
    let mut rows: Vec<EditorRow> = tags
        .into_iter()
        .map(|(t, n)| EditorRow::Tag(t, n))
        .collect();
    if let Some(st) = &s.staged {
        for t in &st.add {
            if !rows
                .iter()
                .any(|r| matches!(r, EditorRow::Tag(x, _) if x == t))
            {
                rows.push(EditorRow::Tag(t.clone(), 0));
            }
        }
    }
    rows.extend(ai.into_iter().map(|(t, n)| EditorRow::Ai(t, n)));
    rows
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Whatever the user does to the selection, and whatever a job does to selected files'
    /// tags (or to the files: some are gone), the counts the editor shows equal a recount
    /// over the targets.
    #[test]
    fn the_editor_counts_equal_a_recount_after_any_steps(steps in proptest::collection::vec(0u8..12, 1..40)) {
        let mut s = loaded();
        for step in steps {
            let effects = match step {
                0 => update(&mut s, ch('j')),
                1 => update(&mut s, ch('k')),
                2 => update(&mut s, ch(' ')),
                3 => update(&mut s, ctrl('a')),
                4 => update(&mut s, ctrl('r')),
                5 => update(&mut s, key(KeyCode::Esc)),
                6 => update(&mut s, ch('v')),
                7 => update(&mut s, ch('G')),
                // Stage +red on the targets and apply: each file's job outcome changes its
                // tags (succeeded) or keeps it selected (failed).
                8 => {
                    update(&mut s, ch('+'));
                    typed(&mut s, "red");
                    update(&mut s, key(KeyCode::Enter));
                    update(&mut s, ch('w'))
                }
                9 => {
                    update(&mut s, ch('-'));
                    typed(&mut s, "jacket");
                    update(&mut s, key(KeyCode::Enter));
                    update(&mut s, ch('w'))
                }
                // A read-back finds a file changed on the server (selected or not).
                n => {
                    let mut f = files()[usize::from(n) % 6].clone();
                    f.tags = vec!["server-side".into(), "red".into()];
                    update(&mut s, Action::Refreshed(vec![f]))
                }
            };
            if let Some(iktag::tui::msg::Effect::RunJob { job, plan, .. }) =
                effects.iter().find(|e| matches!(e, iktag::tui::msg::Effect::RunJob { .. }))
            {
                let outcomes: Vec<FileOutcome> = plan
                    .units
                    .iter()
                    .flat_map(|u| u.ids.clone())
                    .enumerate()
                    .map(|(i, id)| match i % 4 {
                        // Gone from the server: the file leaves the library, and the
                        // selected files after it move up.
                        3 => FileOutcome { file_id: id, outcome: Outcome::Missing { note: None } },
                        n => outcome(id, n != 0),
                    })
                    .collect();
                finish(&mut s, *job, outcomes);
            }
            while s.top().is_some() {
                update(&mut s, key(KeyCode::Esc));
            }
            proptest::prop_assert_eq!(s.editor_rows(), recount(&s));
        }
    }
}
