//! What README promises about the command line, checked against the binary and a loopback
//! sandbox, with the sandbox's own request log (`GET /_sandbox/requests`) as the witness:
//!
//! - `--read-only` and a profile's `read_only = true` refuse every change (exit 2, the
//!   documented text) and no write request reaches the server;
//! - on a terminal, `[y/N]` answered `n` sends nothing (exit 1), `y` applies; delete's
//!   type-the-count prompt with a wrong count sends nothing;
//! - `--ids-from -` reads ids from stdin, plain or as `iktag ls --json` lines;
//! - `iktag demo --no-tui` serves the demo library until it is stopped;
//! - AI-tag removal and delete refuse `undo`, sending nothing.

mod common;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::*;

#[path = "common/proc.rs"]
mod proc;
use proc::{Guard, Pty, finish, sigint};
use serde_json::{Value, json};

fn cmd(h: &Harness, state: &Path, args: &[&str]) -> Command {
    let mut c = iktag(h, state);
    // Only what a user sees on stderr (the harness turns debug logging on).
    c.env("IKTAG_LOG", "warn").args(args);
    c
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn job_of(out: &Output) -> String {
    let last = lines(out).pop().expect("a summary line");
    last["summary"]["job"].as_str().expect("job id").to_owned()
}

/// The requests the sandbox logged since the last reset, as `METHOD /path (status)`.
async fn logged(h: &Harness) -> Vec<String> {
    let r = h.get("/_sandbox/requests").await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["recent"]
        .as_array()
        .expect("recent")
        .iter()
        .map(|e| format!("{} {} ({})", e["method"], e["path"], e["status"]))
        .collect()
}

/// The logged requests that could change the library.
async fn writes(h: &Harness) -> Vec<String> {
    logged(h)
        .await
        .into_iter()
        .filter(|l| !l.starts_with("\"GET\""))
        .collect()
}

async fn listing(h: &Harness) -> Value {
    h.get("/v1/files?limit=1000").await.body
}

async fn tagged(h: &Harness, tag: &str) -> Vec<String> {
    let query = format!("tags IN [\"{tag}\"]");
    h.list_ids(&format!("limit=1000&searchQuery={}", q(&query)))
        .await
}

/// A file of ids, one per line.
fn ids_file(dir: &Path, name: &str, ids: &[&str]) -> String {
    let p = dir.join(name);
    std::fs::write(&p, ids.join("\n") + "\n").unwrap();
    p.to_str().unwrap().to_owned()
}

// ------------------------------------------------------------------------------ read-only

/// Journals one job of each kind the read-only commands need: a reversible job (for
/// `undo`), a job whose files all failed (for `jobs retry`) and a cancelled one with files
/// never sent (for `jobs resume`). Returns their ids.
async fn journal_jobs(h: &Harness, s: &Path, ids: &[String]) -> (String, String, String) {
    let file = ids_file(s, "two.txt", &[&ids[0], &ids[1]]);
    let out = run(cmd(
        h,
        s,
        &[
            "tags",
            "add",
            "ro-undo",
            "--ids-from",
            &file,
            "--yes",
            "--json",
        ],
    ))
    .await;
    succeeded(&out);
    let reversible = job_of(&out);

    h.put_faults(json!({"failRate": 1.0})).await;
    let out = run(cmd(
        h,
        s,
        &[
            "tags",
            "add",
            "ro-retry",
            "--ids-from",
            &file,
            "--yes",
            "--json",
        ],
    ))
    .await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "every file failed: {}",
        stderr(&out)
    );
    let failed = job_of(&out);

    // Cancelled after its first call: four 50-file calls, one at a time, 400 ms each.
    h.put_faults(json!({"latencyMs": [400, 400]})).await;
    h.reset_requests().await;
    let mut c = cmd(
        h,
        s,
        &[
            "tags",
            "add",
            "ro-resume",
            "-q",
            "size > 0",
            "--concurrency",
            "1",
            "--yes",
            "--json",
        ],
    );
    c.stdout(Stdio::piped()).stderr(Stdio::null());
    let child = Guard(c.spawn().expect("iktag runs"));
    // Watched in-process (an HTTP poll would wait out the latency too): the moment the
    // first call is answered, the second has just started.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !h
        .sandbox
        .request_log()
        .iter()
        .any(|r| r.method == "POST" && r.path == "/v1/files/addTags" && r.status == 200)
    {
        assert!(Instant::now() < deadline, "the first call never landed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    sigint(&child.0);
    let out = tokio::task::spawn_blocking(move || finish(child, Duration::from_secs(30)))
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(3), "cancelled: {}", stderr(&out));
    let cancelled = job_of(&out);
    h.put_faults(json!({})).await;
    let sent = tagged(h, "ro-resume").await.len();
    assert!(
        (50..200).contains(&sent),
        "some files were never sent: {sent} tagged"
    );
    (reversible, failed, cancelled)
}

/// Every changing command, with the refusal it must print.
fn changing_commands<'a>(
    file: &'a str,
    id: &'a str,
    jobs: &'a (String, String, String),
) -> Vec<(Vec<&'a str>, &'static str)> {
    let (reversible, failed, cancelled) = (&jobs.0, &jobs.1, &jobs.2);
    vec![
        (
            vec!["tags", "add", "x", "--ids-from", file, "--yes"],
            "refusing to add tags: read-only mode",
        ),
        (
            vec!["tags", "rm", "ro-undo", "--ids-from", file, "--yes"],
            "refusing to remove tags: read-only mode",
        ),
        (
            vec!["ai-tags", "rm", "--all", "--ids-from", file, "--yes"],
            "refusing to remove all AI tags: read-only mode",
        ),
        (
            vec!["rm", "--ids-from", file, "--yes"],
            "refusing to delete: read-only mode",
        ),
        (
            vec!["update", id, "--tags", "a,b"],
            "refusing to update: read-only mode",
        ),
        (
            vec!["undo", reversible, "--yes"],
            "refusing to undo: read-only mode",
        ),
        (
            vec!["jobs", "retry", failed, "--yes"],
            "refusing to add tags: read-only mode",
        ),
        (
            vec!["jobs", "resume", cancelled, "--yes"],
            "refusing to add tags: read-only mode",
        ),
    ]
}

/// Runs every changing command made read-only by `setup`; each exits 2 with its refusal,
/// and the sandbox logs no write and keeps its library as it was.
async fn every_change_is_refused(h: &Harness, s: &Path, setup: impl Fn(&mut Command)) {
    let ids = h.list_ids("limit=1000").await;
    let jobs = journal_jobs(h, s, &ids).await;
    let file = ids_file(s, "targets.txt", &[&ids[0], &ids[1], &ids[2]]);
    let before = listing(h).await;
    for (args, refusal) in changing_commands(&file, &ids[0], &jobs) {
        h.reset_requests().await;
        let mut c = cmd(h, s, &args);
        setup(&mut c);
        let out = run(c).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(&format!("iktag: {refusal}")),
            "{args:?}: {err}"
        );
        assert_eq!(
            writes(h).await,
            Vec::<String>::new(),
            "{args:?} sent a write"
        );
    }
    assert_eq!(listing(h).await, before, "the library is unchanged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_flag_refuses_every_change_and_sends_no_write() {
    let h = Harness::generated(200, 7).await;
    let state = tempfile::tempdir().unwrap();
    every_change_is_refused(&h, state.path(), |c| {
        c.arg("--read-only");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_profile_refuses_every_change_and_sends_no_write() {
    let h = Harness::generated(200, 7).await;
    let state = tempfile::tempdir().unwrap();
    let config = format!(
        "default_profile = \"ro\"\n[profiles.ro]\nbase_url = \"{}\"\nkey_env = \"RO_KEY\"\nread_only = true\n",
        h.base
    );
    let dir = state.path().to_owned();
    every_change_is_refused(&h, state.path(), move |c| {
        // Written only now: the jobs above ran without it, on the same library.
        std::fs::write(dir.join("config.toml"), &config).unwrap();
        c.env_remove("IMAGE_KIT_BASE_URL")
            .env_remove("IMAGEKIT_PRIVATE_KEY")
            .env("RO_KEY", KEY);
    })
    .await;
}

// ------------------------------------------------------------------- children and deadlines

// ------------------------------------------------------------------------------ the prompts

/// `iktag ARGS` on the harness's sandbox in a 160×24 pseudo-terminal.
fn pty(h: &Harness, dir: &Path, args: &[&str]) -> Pty {
    Pty::start(&h.base, KEY, dir, args, (24, 160))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_n_sends_nothing_and_y_applies() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let args = ["tags", "add", "asked", "-q", "path : \"/products\""];
    let before = listing(&h).await;
    h.reset_requests().await;
    let mut t = pty(&h, state.path(), &args);
    t.wait_for("add tags on 2 files (1 call)? `iktag undo` can reverse it. [y/N]");
    t.answer("n");
    assert_eq!(t.exit_code(), 1, "{}", t.screen());
    let screen = t.screen();
    assert!(
        screen.contains("cancelled; nothing was changed"),
        "{screen}"
    );
    assert!(screen.contains("iktag: not confirmed"), "{screen}");
    assert_eq!(writes(&h).await, Vec::<String>::new());
    assert_eq!(listing(&h).await, before);

    let mut t = pty(&h, state.path(), &args);
    t.wait_for("[y/N]");
    t.answer("y");
    assert_eq!(t.exit_code(), 0, "{}", t.screen());
    let mut got = tagged(&h, "asked").await;
    got.sort();
    assert_eq!(
        got,
        [JACKET_FRONT, JACKET_BACK],
        "exactly the two files asked about"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_terminal_an_irreversible_job_says_so_and_n_sends_nothing() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let before = listing(&h).await;
    h.reset_requests().await;
    let mut t = pty(
        &h,
        state.path(),
        &["ai-tags", "rm", "--all", "-q", "size > 0"],
    );
    t.wait_for(
        "remove all AI tags on 4 files? This cannot be undone: ImageKit cannot put removed AI tags back. [y/N]",
    );
    t.answer("N");
    assert_eq!(t.exit_code(), 1, "{}", t.screen());
    assert_eq!(writes(&h).await, Vec::<String>::new());
    assert_eq!(listing(&h).await, before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delete_on_a_terminal_needs_the_count_typed() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let args = ["rm", "-q", "path : \"/products\""];
    let before = listing(&h).await;
    h.reset_requests().await;
    for wrong in ["3", "y", ""] {
        let mut t = pty(&h, state.path(), &args);
        t.wait_for("Delete 2 files permanently? This cannot be undone. Type 2 to confirm:");
        t.answer(wrong);
        assert_eq!(t.exit_code(), 1, "answer {wrong:?}: {}", t.screen());
        assert!(
            t.screen().contains("cancelled; nothing was changed"),
            "{}",
            t.screen()
        );
    }
    assert_eq!(writes(&h).await, Vec::<String>::new());
    assert_eq!(listing(&h).await, before);

    let mut t = pty(&h, state.path(), &args);
    t.wait_for("Type 2 to confirm:");
    t.answer("2");
    assert_eq!(t.exit_code(), 0, "{}", t.screen());
    let left = h.list_ids("limit=1000").await;
    assert_eq!(
        left.len(),
        4,
        "exactly two of six files were deleted: {left:?}"
    );
    assert!(!left.contains(&JACKET_FRONT.to_owned()) && !left.contains(&JACKET_BACK.to_owned()));
}

// ------------------------------------------------------------------------------ --ids-from -

/// `iktag` with `input` on stdin and a bounded wait.
async fn with_stdin(mut c: Command, input: String) -> Output {
    c.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut g = Guard(c.spawn().expect("iktag runs"));
    let mut stdin = g.0.stdin.take().unwrap();
    std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    tokio::task::spawn_blocking(move || finish(g, Duration::from_secs(60)))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_from_stdin_target_exactly_those_files() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    // One id per line (blank lines and spaces around are fine).
    let input = format!("{LOGO}\n\n  {AVATAR}  \n");
    let out = with_stdin(
        cmd(
            &h,
            s,
            &["tags", "add", "piped", "--ids-from", "-", "--json"],
        ),
        input,
    )
    .await;
    succeeded(&out);
    assert_eq!(lines(&out).pop().unwrap()["summary"]["succeeded"], 2);
    let mut got = tagged(&h, "piped").await;
    got.sort();
    assert_eq!(got, [LOGO, AVATAR]);

    // `iktag ls --json` output, piped into another command.
    let ls = run(cmd(&h, s, &["ls", "-q", "path : \"/products\"", "--json"])).await;
    succeeded(&ls);
    assert_eq!(lines(&ls).len(), 2);
    let input = String::from_utf8(ls.stdout).unwrap();
    let out = with_stdin(
        cmd(
            &h,
            s,
            &["tags", "add", "listed", "--ids-from", "-", "--json"],
        ),
        input,
    )
    .await;
    succeeded(&out);
    assert_eq!(lines(&out).pop().unwrap()["summary"]["succeeded"], 2);
    let mut got = tagged(&h, "listed").await;
    got.sort();
    assert_eq!(got, [JACKET_FRONT, JACKET_BACK]);
    assert_eq!(
        tagged(&h, "piped").await.len(),
        2,
        "the first job's files only"
    );
}

// ---------------------------------------------------------------------------- irreversible

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_of_ai_tag_removal_and_of_delete_is_refused_and_sends_nothing() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    let file = ids_file(s, "ai.txt", &[JACKET_FRONT, LOGO]);
    let out = run(cmd(
        &h,
        s,
        &[
            "ai-tags",
            "rm",
            "--all",
            "--ids-from",
            &file,
            "--yes",
            "--json",
        ],
    ))
    .await;
    succeeded(&out);
    let ai = job_of(&out);
    let file = ids_file(s, "rm.txt", &[LOOKBOOK]);
    let out = run(cmd(&h, s, &["rm", "--ids-from", &file, "--yes", "--json"])).await;
    succeeded(&out);
    let deleted = job_of(&out);
    let before = listing(&h).await;
    for (job, why) in [
        (
            &ai,
            "(remove all AI tags) cannot be undone: ImageKit cannot put removed AI tags back",
        ),
        (
            &deleted,
            "(delete) cannot be undone: deleted files cannot be brought back",
        ),
    ] {
        for extra in [&[][..], &["--force"][..], &["--dry-run"][..]] {
            h.reset_requests().await;
            let mut c = cmd(&h, s, &["undo", job, "--yes"]);
            c.args(extra);
            let out = run(c).await;
            assert_eq!(
                out.status.code(),
                Some(2),
                "undo {job} {extra:?}: {}",
                stderr(&out)
            );
            assert_eq!(stderr(&out), format!("iktag: job {job} {why}\n"));
            assert_eq!(logged(&h).await, Vec::<String>::new(), "not even a read");
        }
    }
    assert_eq!(listing(&h).await, before);
}

// ------------------------------------------------------------------------- demo --no-tui

#[test]
fn demo_without_the_ui_serves_294_files_until_it_is_stopped() {
    use std::io::{BufRead, BufReader};
    let state = tempfile::tempdir().unwrap();
    let mut g = Guard(
        Command::new(env!("CARGO_BIN_EXE_iktag"))
            .args(["demo", "--no-tui"])
            .env_remove("IMAGEKIT_PRIVATE_KEY")
            .env("IKTAG_CONFIG_DIR", state.path())
            .env("IKTAG_STATE_DIR", state.path())
            .env("IKTAG_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("iktag runs"),
    );
    let stdout = g.0.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let next = || {
        rx.recv_timeout(Duration::from_secs(60))
            .expect("a ready line")
    };
    let (base, key) = (next(), next());
    let url = base
        .strip_prefix("IMAGE_KIT_BASE_URL=")
        .expect(&base)
        .to_owned();
    let key = key
        .strip_prefix("IMAGEKIT_PRIVATE_KEY=")
        .expect(&key)
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let http = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let files: Value = http
        .get(format!("{url}/v1/files?limit=1000"))
        .basic_auth(&key, None::<&str>)
        .send()
        .expect("the URL serves")
        .json()
        .unwrap();
    assert_eq!(files.as_array().unwrap().len(), 294, "the demo library");
    let other = http
        .get(format!("{url}/v1/files"))
        .basic_auth("private_other", None::<&str>)
        .send()
        .unwrap();
    assert_eq!(other.status(), 403, "only with the printed key");

    // Ctrl-C stops it: exit 0, and the port no longer answers.
    sigint(&g.0);
    let out = finish(g, Duration::from_secs(15));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "The demo library (294 files) is served at {url} until Ctrl-C."
        )),
        "{err}"
    );
    assert!(
        http.get(format!("{url}/v1/files")).send().is_err(),
        "still serving after Ctrl-C"
    );
}
