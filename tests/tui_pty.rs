//! End to end: the real `iktag` binary in a pseudo-terminal.
//!
//! - Against a sandbox that fails some files (207): after removing a tag from every file,
//!   the badges on screen mark exactly the files the server left unchanged, and a bad
//!   server search shows the server's 400 message inline.
//! - With a `keymap.toml` that remaps dialog keys: the remapped keys work inside the
//!   vocabulary view and a confirmation, and the hints show them.

mod common;

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use portable_pty::{Child, CommandBuilder, PtySize, native_pty_system};
use serde_json::json;

/// The binary running in a 120×40 pseudo-terminal, its screen parsed as it draws.
struct Pty {
    parser: Arc<Mutex<vt100::Parser>>,
    keys: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
}

impl Pty {
    /// Starts `iktag` on `base` with `dir` as its config and state directory.
    fn start(base: &str, dir: &Path) -> Pty {
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: 40,
                cols: 120,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("pty");
        let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_iktag"));
        cmd.env_clear();
        cmd.env("TERM", "xterm-256color");
        cmd.env("HOME", dir);
        cmd.env("IKTAG_CONFIG_DIR", dir);
        cmd.env("IKTAG_STATE_DIR", dir);
        cmd.env("IMAGE_KIT_BASE_URL", base);
        cmd.env("IMAGEKIT_PRIVATE_KEY", KEY);
        let child = pair.slave.spawn_command(cmd).expect("spawn iktag");
        drop(pair.slave);
        let parser = Arc::new(Mutex::new(vt100::Parser::new(
            std::num::NonZero::new(40).unwrap(),
            std::num::NonZero::new(120).unwrap(),
            0,
        )));
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let feed = parser.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                feed.lock().unwrap().process(&buf[..n]);
            }
        });
        let keys = pair.master.take_writer().expect("writer");
        Pty {
            parser,
            keys,
            child,
        }
    }

    fn screen(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    fn send(&mut self, bytes: &[u8]) {
        self.keys.write_all(bytes).unwrap();
    }

    /// Waits (at most 30 s) until the screen shows `what`; returns the screen.
    fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if s.contains(what) {
                return s;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what:?}; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits (at most 30 s) until the screen no longer shows `what`: the key that closes
    /// it has been read, so the next key cannot be taken with it (ESC + `q` = Alt+q).
    fn wait_gone(&self, what: &str) {
        let start = Instant::now();
        loop {
            let s = self.screen();
            if !s.contains(what) {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "timed out waiting for {what:?} to go; screen:\n{s}"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits (at most 15 s) for the process to end; true when it exited cleanly.
    fn wait_exit(&mut self) -> bool {
        let start = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.success();
            }
            if start.elapsed() > Duration::from_secs(15) {
                let _ = self.child.kill();
                panic!("iktag did not quit; screen:\n{}", self.screen());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The server search prompt's title.
const SEARCH_PROMPT: &str = "server search (searchQuery";

/// Removes `pty-check` from every file through the screen; returns the names badged ✗.
fn remove_tag_everywhere(base: &str, dir: &Path) -> Vec<String> {
    let mut t = Pty::start(base, dir);
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
    assert!(t.wait_exit(), "clean exit after q");
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
        let mut t = Pty::start(&base, &dir);
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
        assert!(t.wait_exit(), "Enter confirmed the quit");
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
