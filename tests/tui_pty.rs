//! End to end: the real `iktag` binary in a pseudo-terminal against a sandbox that fails
//! some files (207). After removing a tag from every file, the badges on screen must mark
//! exactly the files the server left unchanged. A bad server search shows the server's 400
//! message inline.

mod common;

use std::io::{Read, Write};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::*;
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use serde_json::json;

fn screen(parser: &Arc<Mutex<vt100::Parser>>) -> String {
    parser.lock().unwrap().screen().contents()
}

fn wait_for(parser: &Arc<Mutex<vt100::Parser>>, what: &str) -> String {
    let start = Instant::now();
    loop {
        let s = screen(parser);
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
    h.put_faults(json!({"failRate": 0.5, "rngSeed": 8})).await;
    let state = tempfile::tempdir().unwrap();
    let base = h.base.clone();
    let state_path = state.path().to_path_buf();

    let names_on_screen = tokio::task::spawn_blocking(move || {
        let pty = native_pty_system();
        let pair = pty
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
        cmd.env("HOME", &state_path);
        cmd.env("IKTAG_CONFIG_DIR", &state_path);
        cmd.env("IKTAG_STATE_DIR", &state_path);
        cmd.env("IMAGE_KIT_BASE_URL", &base);
        cmd.env("IMAGEKIT_PRIVATE_KEY", KEY);
        let mut child = pair.slave.spawn_command(cmd).expect("spawn iktag");
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
        let mut keys = pair.master.take_writer().expect("writer");
        wait_for(&parser, "6 files · 0 selected");
        keys.write_all(b"\x01").unwrap(); // Ctrl-A: select all
        wait_for(&parser, "6 selected");
        keys.write_all(b"-").unwrap();
        wait_for(&parser, "remove a tag from 6 files");
        keys.write_all(b"pty-check\r").unwrap();
        wait_for(&parser, "staged for 6 files");
        keys.write_all(b"w").unwrap();
        let s = wait_for(&parser, "succeeded,");
        // Failed files carry the ✗ badge in the first column.
        let badged: Vec<String> = s
            .lines()
            .filter(|l| l.starts_with("│✗"))
            .map(|l| l.split_whitespace().nth(1).unwrap_or_default().to_owned())
            .collect();
        // A server search the server rejects: its 400 text shows in the prompt.
        keys.write_all(b":size >\r").unwrap();
        wait_for(&parser, "Invalid search query");
        keys.write_all(b"\x1b").unwrap();
        // A lone ESC followed at once by a key reads as Alt+key: let it arrive alone.
        std::thread::sleep(Duration::from_millis(300));
        keys.write_all(b"q").unwrap();
        let start = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait") {
                break status;
            }
            if start.elapsed() > Duration::from_secs(15) {
                let _ = child.kill();
                panic!("iktag did not quit on q; screen:\n{}", screen(&parser));
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        assert!(status.success(), "clean exit after q");
        let after = screen(&parser);
        (badged, after)
    })
    .await
    .unwrap();
    h.put_faults(json!({})).await;

    let (badged, _after) = names_on_screen;
    let r = h.get("/v1/files").await;
    let unchanged: Vec<String> = r
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
    let mut unchanged = unchanged;
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
