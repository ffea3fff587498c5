//! End to end: the real `iktag` binary in a pseudo-terminal.
//!
//! - Against a sandbox that fails some files (207): after removing a tag from every file,
//!   the badges on screen mark exactly the files the server left unchanged, and a bad
//!   server search shows the server's 400 message inline.
//! - With a `keymap.toml` that remaps dialog keys: the remapped keys work inside the
//!   vocabulary view and a confirmation, and the hints show them.

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use serde_json::json;

#[path = "common/proc.rs"]
mod proc;
use proc::Pty;

/// `iktag` on `base` in a 120×40 pseudo-terminal, `dir` its config and state directory.
fn start(base: &str, dir: &Path) -> Pty {
    Pty::start(base, KEY, dir, &[], (40, 120))
}

/// The server search prompt's title.
const SEARCH_PROMPT: &str = "server search (searchQuery";

/// Removes `pty-check` from every file through the screen; returns the names badged ✗.
fn remove_tag_everywhere(base: &str, dir: &Path) -> Vec<String> {
    let mut t = start(base, dir);
    t.wait_for("6 files · 0 selected");
    t.send(b"\x01"); // Ctrl-A: select all
    t.wait_for("6 selected");
    t.send(b"-");
    t.wait_for("remove a tag from 6 files");
    t.send(b"pty-check\r");
    t.wait_for("staged for 6 files");
    t.send(b"w");
    let s = t.wait_for("succeeded,");
    // Failed files carry the ✗ badge in the second column (the first is the selection's ●).
    let badged: Vec<String> = s
        .lines()
        .filter(|l| l.chars().nth(2) == Some('✗'))
        .map(|l| l.split_whitespace().nth(1).unwrap_or_default().to_owned())
        .collect();
    // A server search the server rejects: its 400 text shows in the prompt.
    t.send(b":size >\r");
    let s2 = t.wait_for("Invalid search query");
    assert!(
        s2.contains(SEARCH_PROMPT),
        "the prompt shows the error: {s2}"
    );
    t.send(b"\x1b");
    // A lone ESC followed at once by a key reads as Alt+key: send `q` once the ESC has
    // closed the prompt.
    t.wait_gone(SEARCH_PROMPT);
    t.send(b"q");
    assert_eq!(t.exit_code(), 0, "clean exit after q");
    badged
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn badges_mark_exactly_the_files_the_server_failed() {
    let h = Harness::start().await;
    let all = h.list_ids("").await;
    let r = h
        .post(
            "/v1/files/addTags",
            json!({"fileIds": all, "tags": ["pty-check"]}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        h.put_faults(json!({"failRate": 0.5, "rngSeed": 8}))
            .await
            .status,
        200,
        "faults set"
    );
    let state = tempfile::tempdir().unwrap();
    let (base, dir) = (h.base.clone(), state.path().to_path_buf());
    let badged = tokio::task::spawn_blocking(move || remove_tag_everywhere(&base, &dir))
        .await
        .unwrap();
    assert_eq!(h.put_faults(json!({})).await.status, 200, "faults set");

    let r = h.get("/v1/files").await;
    let mut unchanged: Vec<String> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| strs(&f["tags"]).contains(&"pty-check".to_owned()))
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !unchanged.is_empty() && unchanged.len() < 6,
        "seed 8 fails some files: {unchanged:?}"
    );
    let mut badged = badged;
    badged.sort();
    unchanged.sort();
    // Names with spaces show their first word on screen.
    let unchanged_first: Vec<String> = unchanged
        .iter()
        .map(|n| n.split_whitespace().next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        badged, unchanged_first,
        "badges are exactly the files the server failed"
    );
}

/// Dialog keys come from `keymap.toml` like every other key: `M` merges in the vocabulary
/// view (`m` no longer does), and Enter says yes in a confirmation instead of `y` (by
/// default Enter says no there).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn remapped_dialog_keys_work_in_the_binary() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    std::fs::write(
        state.path().join("keymap.toml"),
        "[vocabulary]\n\"M\" = \"merge\"\n\"m\" = \"none\"\n\
         [confirm]\n\"enter\" = \"yes\"\n\"y\" = \"none\"\n\"Y\" = \"none\"\n",
    )
    .unwrap();
    let (base, dir) = (h.base.clone(), state.path().to_path_buf());
    let (hint, after_m, merge_prompt) = tokio::task::spawn_blocking(move || {
        let mut t = start(&base, &dir);
        t.wait_for("6 files · 0 selected");
        t.send(b"T");
        let hint = t.wait_for("tag vocabulary");
        t.send(b"m");
        std::thread::sleep(Duration::from_millis(300));
        let after_m = t.screen();
        t.send(b"M");
        let merge_prompt = t.wait_for("rename / merge");
        t.send(b"\x1b");
        t.wait_gone("rename / merge");
        t.send(b"\x1b");
        t.wait_gone(" tag vocabulary · ");
        // Stage a tag, then quit: the confirmation takes Enter as yes.
        t.send(b"+");
        t.wait_for("add a tag to 1 file ");
        t.send(b"remap-check\r");
        t.wait_for("staged for 1 file ");
        t.send(b"q");
        t.wait_for("Quit and drop them?");
        t.wait_for("enter: yes");
        t.send(b"\r");
        assert_eq!(t.exit_code(), 0, "Enter confirmed the quit");
        (hint, after_m, merge_prompt)
    })
    .await
    .unwrap();
    assert!(hint.contains("M merge marked"), "the hint shows M: {hint}");
    assert!(
        !after_m.contains("rename / merge"),
        "m is unbound: {after_m}"
    );
    assert!(merge_prompt.contains("rename / merge"), "{merge_prompt}");
}
