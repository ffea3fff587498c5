//! Undo and the "ask first" rules of the TUI, end to end: keys go through the real `update`
//! loop, effects through the TUI's own `Runner` against an in-process sandbox seeded with
//! the small fixture library, and what the user would check is checked on the server.

mod common;
#[path = "common/live.rs"]
mod live;

use std::collections::BTreeSet;

use common::*;
use iktag::tui::dialogs::{AiRow, Confirm, Modal};
use iktag::tui::model::{JobStatus, State};
use iktag::tui::msg::Action;
use live::{Live, jobs_idle};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

impl Live {
    /// The fixture library loaded, custom metadata fields included (the runner loads them
    /// alongside the files), with nothing left in flight.
    async fn start() -> Live {
        Self::loaded(Harness::start().await).await
    }

    /// The TUI loaded from this (already prepared) sandbox, fields included.
    async fn loaded(h: Harness) -> Live {
        let mut live = Live::on(h, None).await;
        live.until(|s| !s.lib.loading && !s.lib.fields.is_empty())
            .await;
        assert_eq!(live.s.lib.files.len(), 6);
        live
    }

    /// Puts the list cursor on this file (nothing selected: the focused file is the target).
    fn focus(&mut self, id: &str) {
        let pos = self
            .s
            .list
            .view
            .iter()
            .position(|&i| self.s.lib.files[i].file_id == id)
            .unwrap_or_else(|| panic!("{id} is listed"));
        self.s.list.cursor = pos;
        assert_eq!(self.s.targets(), vec![id.to_owned()]);
    }

    /// Selects these files with space.
    fn select(&mut self, ids: &[&str]) {
        for id in ids {
            self.s.list.cursor = self
                .s
                .list
                .view
                .iter()
                .position(|&i| self.s.lib.files[i].file_id == *id)
                .unwrap_or_else(|| panic!("{id} is listed"));
            self.key(KeyCode::Char(' '));
        }
        let want: BTreeSet<String> = ids.iter().map(|s| (*s).to_owned()).collect();
        let got: BTreeSet<String> = self.s.targets().into_iter().collect();
        assert_eq!(got, want);
    }

    /// The file's tags on the server, as a set.
    async fn server_tags(&self, id: &str) -> BTreeSet<String> {
        strs(&self.h.details(id).await["tags"])
            .into_iter()
            .collect()
    }

    /// The file's AI tags on the server: (name, confidence).
    async fn server_ai(&self, id: &str) -> Vec<(String, f64)> {
        self.h.details(id).await["AITags"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|t| {
                        (
                            t["name"].as_str().unwrap().to_owned(),
                            t["confidence"].as_f64().unwrap(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The /v1 requests logged since the start, as `METHOD path`.
    fn log(&self) -> Vec<String> {
        self.h
            .sandbox
            .request_log()
            .into_iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect()
    }
}

fn set(tags: &[&str]) -> BTreeSet<String> {
    tags.iter().map(|t| (*t).to_owned()).collect()
}

fn confirm_message(s: &State) -> String {
    match s.top() {
        Some(Modal::Confirm(Confirm { message, .. })) => message.clone(),
        other => panic!("a confirmation is asked: {other:?}"),
    }
}

/// Requests that change something (everything but GETs).
fn writes(log: &[String]) -> Vec<&String> {
    log.iter().filter(|l| !l.starts_with("GET ")).collect()
}

#[tokio::test]
async fn minus_font_plus_cc_then_u_reverts_both_in_one_unit() {
    let mut live = Live::start().await;
    // The red jacket's front: jacket, summer-sale, red. "red" plays the part of "font".
    let original = live.server_tags(JACKET_FRONT).await;
    assert_eq!(original, set(&["jacket", "summer-sale", "red"]));
    live.focus(JACKET_FRONT);

    live.key(KeyCode::Char('-'));
    live.keys("red");
    live.key(KeyCode::Enter);
    live.key(KeyCode::Char('+'));
    live.keys("cc");
    live.key(KeyCode::Enter);
    assert!(live.s.top().is_none(), "{:?}", live.s.modals);
    live.key(KeyCode::Char('w'));
    assert!(live.s.top().is_none(), "reversible: no question");
    live.until(jobs_idle).await;
    assert_eq!(
        live.server_tags(JACKET_FRONT).await,
        set(&["jacket", "summer-sale", "cc"])
    );
    let jobs_after_apply = live.s.queue.jobs.len();

    // u: asks, naming the unit as the apply was labelled.
    live.key(KeyCode::Char('u'));
    let message = confirm_message(&live.s);
    assert!(
        message.contains("“−red +cc on 1 file”"),
        "the unit's label: {message}"
    );
    assert!(message.contains("on 1 file?"), "{message}");
    live.key(KeyCode::Char('y'));
    live.until(jobs_idle).await;
    assert_eq!(live.server_tags(JACKET_FRONT).await, original);
    // Both changes were put back by exactly one job.
    assert_eq!(
        live.s.queue.jobs.len(),
        jobs_after_apply + 1,
        "one undo job: {:?}",
        live.s
            .queue
            .jobs
            .iter()
            .map(iktag::tui::model::Job::title)
            .collect::<Vec<_>>()
    );
    let undo = live.s.queue.jobs.last().unwrap();
    assert!(
        undo.title().starts_with("undo −red +cc on 1 file"),
        "{}",
        undo.title()
    );
    assert_eq!(undo.status, JobStatus::Done);
    // One file put back, counted once although it took two calls (−cc, +red).
    assert_eq!(undo.succeeded, vec![JACKET_FRONT.to_owned()]);
    assert_eq!((undo.done, undo.total), (1, 1));
    assert_eq!((undo.failed, undo.conflicts), (0, 0), "{:?}", undo.errors);
    let screen_tags: BTreeSet<String> = live
        .s
        .file(JACKET_FRONT)
        .unwrap()
        .tags
        .iter()
        .map(std::string::ToString::to_string)
        .collect();
    assert_eq!(screen_tags, original, "the list shows what the server has");

    // u again: the undo is not undone (no redo), and nothing else is left.
    let requests = live.h.sandbox.requests();
    live.key(KeyCode::Char('u'));
    assert!(live.s.top().is_none(), "{:?}", live.s.modals);
    assert_eq!(live.s.status, "nothing to undo: nothing left to undo");
    assert_eq!(
        live.s.queue.jobs.len(),
        jobs_after_apply + 1,
        "no job started"
    );
    live.settle(200).await;
    assert_eq!(live.h.sandbox.requests(), requests, "nothing was sent");
    assert_eq!(live.server_tags(JACKET_FRONT).await, original);
}

/// `e` on the red jacket's front: description, coordinates and the season changed, `w`, then
/// `u` `y`; returns the details before the edit and after the undo.
async fn edit_then_undo(live: &mut Live) -> (Value, Value) {
    let before = live.h.details(JACKET_FRONT).await;
    live.focus(JACKET_FRONT);

    live.key(KeyCode::Char('e'));
    let Some(Modal::Form(form)) = live.s.top() else {
        panic!("the detail editor opens: {:?}", live.s.modals)
    };
    let labels: Vec<&str> = form.fields.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(labels, vec!["description", "coordinates", "season"]);
    assert_eq!(form.fields[2].text, "summer");
    // description: whatever it was, replaced
    live.act(Action::Key(KeyEvent::new(
        KeyCode::Char('u'),
        KeyModifiers::CONTROL,
    )));
    live.keys("Red jacket, front");
    // coordinates
    live.key(KeyCode::Down);
    live.keys("5,6,70,80");
    // season: "summer" → "winter"
    live.key(KeyCode::Down);
    for _ in 0.."summer".len() {
        live.key(KeyCode::Backspace);
    }
    live.keys("winter");
    live.key(KeyCode::Enter);
    assert!(live.s.top().is_none(), "{:?}", live.s.modals);
    live.key(KeyCode::Char('w'));
    assert!(live.s.top().is_none(), "reversible: no question");
    live.until(jobs_idle).await;

    let edited = live.h.details(JACKET_FRONT).await;
    assert_eq!(edited["description"], json!("Red jacket, front"));
    assert_eq!(edited["customCoordinates"], json!("5,6,70,80"));
    assert_eq!(edited["customMetadata"], json!({"season": "winter"}));

    live.key(KeyCode::Char('u'));
    let message = confirm_message(&live.s);
    assert!(message.contains("on 1 file?"), "{message}");
    live.key(KeyCode::Char('y'));
    live.until(|s| jobs_idle(s) && s.queue.jobs.len() == 2)
        .await;
    let undo = live.s.queue.jobs.last().unwrap();
    assert!(undo.title().starts_with("undo edit "), "{}", undo.title());
    assert_eq!(
        (undo.succeeded.len(), undo.failed, undo.conflicts),
        (1, 0, 0),
        "{:?}",
        undo.errors
    );
    (before, live.h.details(JACKET_FRONT).await)
}

#[tokio::test]
async fn detail_edit_then_u_restores_description_coordinates_and_metadata_exactly() {
    let mut live = Live::start().await;
    // The fixture's one custom metadata field, inferred from the files: season (text).
    let names: Vec<&str> = live.s.lib.fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, vec!["season"]);
    let (before, after) = edit_then_undo(&mut live).await;
    // As in the fixture: no description, no coordinates, season summer.
    assert_eq!(before["customMetadata"], json!({"season": "summer"}));
    assert_eq!(before["customCoordinates"], Value::Null);
    assert_eq!(before["description"], Value::Null);

    assert_eq!(after["customCoordinates"], before["customCoordinates"]);
    assert_eq!(after["customMetadata"], before["customMetadata"]);
    assert_eq!(after["description"], before["description"]);
}

#[tokio::test]
async fn detail_edit_then_u_restores_a_previous_description_coordinates_and_metadata_exactly() {
    // The same, on a file that already had a description (set before the TUI loads).
    let h = Harness::start().await;
    let r = h
        .patch(
            &format!("/v1/files/{JACKET_FRONT}/details"),
            json!({"description": "Front view"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let mut live = Live::loaded(h).await;
    let (before, after) = edit_then_undo(&mut live).await;
    assert_eq!(before["description"], json!("Front view"));
    assert_eq!(before["customCoordinates"], Value::Null);
    assert_eq!(before["customMetadata"], json!({"season": "summer"}));

    assert_eq!(after["description"], before["description"]);
    assert_eq!(after["customCoordinates"], before["customCoordinates"]);
    assert_eq!(after["customMetadata"], before["customMetadata"]);
}

#[tokio::test]
async fn ai_tag_removal_below_a_confidence_asks_first_and_says_it_cannot_be_undone() {
    let mut live = Live::start().await;
    // AI tags: front Jacket 97.12 + Sleeve 41.5, logo Logo 88, avatar Person 35.2.
    let files = [JACKET_FRONT, LOGO, AVATAR];
    live.select(&files);

    live.key(KeyCode::Char('A'));
    let Some(Modal::Ai(d)) = live.s.top() else {
        panic!("the AI dialog opens: {:?}", live.s.modals)
    };
    assert_eq!(d.cursor, AiRow::FIXED.len(), "on the first AI-tag name");
    for _ in 1..AiRow::FIXED.len() {
        live.key(KeyCode::Up);
    }
    let Some(Modal::Ai(d)) = live.s.top() else {
        unreachable!()
    };
    assert_eq!(d.cursor, 1, "the “below” row");
    live.keys("50");
    live.key(KeyCode::Enter);
    assert!(live.s.top().is_none(), "{:?}", live.s.modals);
    assert!(live.s.staged.is_some());
    live.settle(100).await;

    let requests = live.h.sandbox.requests();
    let log = live.log();
    live.key(KeyCode::Char('w'));
    let message = confirm_message(&live.s);
    assert!(message.contains("cannot be undone"), "{message}");
    // The files that will change: the jacket (Sleeve 41.5) and the avatar, not the logo
    // (Logo 88 is above the line).
    assert!(
        message.starts_with("remove low-confidence AI tags on 2 files?"),
        "{message}"
    );
    live.settle(200).await;
    assert_eq!(live.h.sandbox.requests(), requests, "asked before sending");
    assert_eq!(writes(&live.log()), writes(&log));

    // Any other key cancels; nothing is sent, the change stays staged.
    live.key(KeyCode::Char('n'));
    assert!(live.s.top().is_none(), "{:?}", live.s.modals);
    assert_eq!(live.s.status, "cancelled: nothing was sent");
    assert!(live.s.staged.is_some(), "still staged");
    assert!(live.s.queue.jobs.is_empty());
    live.settle(200).await;
    assert_eq!(
        live.h.sandbox.requests(),
        requests,
        "cancelled: nothing sent"
    );

    // w again, y runs it.
    live.key(KeyCode::Char('w'));
    assert!(confirm_message(&live.s).contains("cannot be undone"));
    live.key(KeyCode::Char('y'));
    live.until(jobs_idle).await;
    let sent = live.log();
    assert!(
        writes(&sent).len() > writes(&log).len(),
        "the removal was sent: {sent:?}"
    );

    assert_eq!(
        live.server_ai(JACKET_FRONT).await,
        vec![("Jacket".to_owned(), 97.12)]
    );
    assert_eq!(live.server_ai(LOGO).await, vec![("Logo".to_owned(), 88.0)]);
    assert_eq!(live.server_ai(AVATAR).await, vec![]);
    for id in files {
        assert!(
            live.server_ai(id).await.iter().all(|(_, c)| *c >= 50.0),
            "{id}"
        );
    }
    // The hiker was not selected: its tag stays (it is above 50 anyway).
    assert_eq!(
        live.server_ai(HIKER).await,
        vec![("Mountain".to_owned(), 99.1)]
    );
}

#[tokio::test]
async fn vocabulary_merge_is_staged_in_the_diff_and_runs_only_on_w() {
    let mut live = Live::start().await;
    let old = ["Summer Sale", "summer-sale", "summersale"];
    let mut had = BTreeSet::new();
    let mut originals = Vec::new();
    for f in [JACKET_FRONT, JACKET_BACK, LOGO, LOOKBOOK, HIKER, AVATAR] {
        let tags = live.server_tags(f).await;
        if old.iter().any(|t| tags.contains(*t)) {
            had.insert(f.to_owned());
        }
        originals.push((f, tags));
    }
    assert_eq!(
        had,
        [JACKET_FRONT, JACKET_BACK, HIKER]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    );

    live.key(KeyCode::Char('T'));
    let Some(Modal::Vocab(v)) = live.s.top() else {
        panic!("the vocabulary opens: {:?}", live.s.modals)
    };
    let row = v
        .rows
        .iter()
        .position(|r| r.tag == "summer-sale" && !r.ai)
        .expect("summer-sale is in the vocabulary");
    for _ in 0..row {
        live.key(KeyCode::Char('j'));
    }
    // n marks the tag and its near-duplicates.
    live.key(KeyCode::Char('n'));
    let Some(Modal::Vocab(v)) = live.s.top() else {
        panic!("{:?}", live.s.modals)
    };
    assert_eq!(v.marked, set(&old));
    live.settle(100).await;
    let requests = live.h.sandbox.requests();

    live.key(KeyCode::Char('m'));
    assert!(
        matches!(live.s.top(), Some(Modal::Prompt(_))),
        "{:?}",
        live.s.modals
    );
    live.keys("sale");
    live.key(KeyCode::Enter);
    live.settle(200).await;
    assert_eq!(live.h.sandbox.requests(), requests, "staged, not sent");
    assert!(live.s.queue.jobs.is_empty());
    assert!(
        live.s.status.contains("(3 files to change)"),
        "{}",
        live.s.status
    );
    // The prompt closes onto the vocabulary view as it was; esc leaves it.
    let Some(Modal::Vocab(v)) = live.s.top() else {
        panic!("back in the vocabulary: {:?}", live.s.modals)
    };
    assert_eq!(v.marked, set(&old), "marks kept");
    live.key(KeyCode::Esc);
    assert!(live.s.top().is_none(), "{:?}", live.s.modals);
    let screen = live.screen(120, 40);
    assert!(
        screen.contains("⇒ Summer Sale, summer-sale, summersale")
            && screen.contains("→ sale (3 files)"),
        "the staged diff shows the merge: {screen}"
    );
    for (f, tags) in &originals {
        assert_eq!(&live.server_tags(f).await, tags, "unchanged before w");
    }

    live.key(KeyCode::Char('w'));
    assert!(live.s.top().is_none(), "reversible: no question");
    live.until(jobs_idle).await;
    assert!(live.h.sandbox.requests() > requests);
    for (f, tags) in &originals {
        let now = live.server_tags(f).await;
        if had.contains(*f) {
            let mut want: BTreeSet<String> = tags
                .iter()
                .filter(|t| !old.contains(&t.as_str()))
                .cloned()
                .collect();
            want.insert("sale".into());
            assert_eq!(now, want, "{f}");
        } else {
            assert_eq!(&now, tags, "{f} had none of them");
            assert!(!now.contains("sale"));
        }
    }
}

#[tokio::test]
async fn undo_of_two_tag_changes_on_one_file_counts_the_file_once() {
    let mut live = Live::start().await;
    live.focus(JACKET_FRONT);
    live.key(KeyCode::Char('-'));
    live.keys("red");
    live.key(KeyCode::Enter);
    live.key(KeyCode::Char('+'));
    live.keys("cc");
    live.key(KeyCode::Enter);
    live.key(KeyCode::Char('w'));
    live.until(jobs_idle).await;
    live.key(KeyCode::Char('u'));
    live.key(KeyCode::Char('y'));
    live.until(|s| jobs_idle(s) && s.queue.jobs.len() == 3)
        .await;
    let undo = live.s.queue.jobs.last().unwrap();
    assert_eq!((undo.done, undo.total, undo.succeeded.len()), (1, 1, 1));
    assert_eq!(
        live.s.status,
        "undo −red +cc on 1 file: 1 succeeded, 0 failed, 0 missing, 0 skipped"
    );
}

#[tokio::test]
async fn undo_leaves_a_file_changed_since_alone_and_says_so() {
    let mut live = Live::start().await;
    live.select(&[JACKET_FRONT, LOGO]);
    live.key(KeyCode::Char('+'));
    live.keys("cc");
    live.key(KeyCode::Enter);
    live.key(KeyCode::Char('w'));
    live.until(jobs_idle).await;
    // Someone changes the logo in the dashboard after the job.
    let r = live
        .h
        .patch(
            &format!("/v1/files/{LOGO}/details"),
            json!({"tags": ["cc", "mine"]}),
        )
        .await;
    assert_eq!(r.status, 200);
    live.key(KeyCode::Char('u'));
    assert!(confirm_message(&live.s).contains("on 2 files?"));
    live.key(KeyCode::Char('y'));
    live.until(|s| jobs_idle(s) && s.queue.jobs.len() == 2)
        .await;
    let undo = live.s.queue.jobs.last().unwrap();
    assert_eq!(undo.succeeded, vec![JACKET_FRONT.to_owned()]);
    assert_eq!((undo.conflicts, undo.failed), (1, 0), "{:?}", undo.errors);
    assert_eq!(undo.errors.len(), 1, "{:?}", undo.errors);
    let (file, why) = (&undo.errors[0].id, &undo.errors[0].error);
    assert_eq!(file, LOGO);
    assert!(why.starts_with("conflict: changed at "), "{why}");
    assert!(why.ends_with("tags [cc] → [cc, mine]"), "{why}");
    assert!(
        live.s.status.contains("1 left alone (changed since"),
        "{}",
        live.s.status
    );
    assert_eq!(live.server_tags(LOGO).await, set(&["cc", "mine"]));
    assert_eq!(
        live.server_tags(JACKET_FRONT).await,
        set(&["jacket", "summer-sale", "red"])
    );
}
