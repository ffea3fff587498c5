//! The command line's edges as a user meets them: exit codes, missing files, piped
//! listings, read-only dry runs, completions and the man page.

mod common;

use std::process::Output;

use common::*;
use iktag::sandbox::SeedSource;
use iktag::sandbox::faults::FaultConfig;

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

async fn iktag_run(h: &Harness, state: &std::path::Path, args: &[&str]) -> Output {
    let mut c = iktag(h, state);
    c.args(args);
    run(c).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_query_or_flag_value_is_a_usage_error() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let out = iktag_run(&h, state.path(), &["ls", "-q", "size >"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).lines().last().unwrap_or_default(),
        "iktag: ImageKit rejected the request (400): Invalid search query: expected a value after '>' at position 6, found end of query"
    );
    let out = iktag_run(&h, state.path(), &["ls", "--sort", "BOGUS"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("invalid value 'BOGUS' for '--sort <SORT>'"),
        "{}",
        stderr(&out)
    );
    let out = iktag_run(&h, state.path(), &["ls", "--sort", "DESC_SIZE", "--ids"]).await;
    succeeded(&out);
    assert_eq!(stdout(&out).lines().count(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_that_do_not_exist_are_missing_and_the_run_is_partial() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let ids = state.path().join("ids");
    std::fs::write(&ids, format!("{JACKET_FRONT}\n{UNKNOWN}\n")).unwrap();
    let ids = ids.to_str().unwrap();

    let out = iktag_run(
        &h,
        state.path(),
        &["tags", "add", "checked", "--ids-from", ids],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let table = stdout(&out);
    assert_eq!(
        table.lines().next(),
        Some(format!("missing    {UNKNOWN}  no such file").as_str()),
        "{table}"
    );

    let out = iktag_run(
        &h,
        state.path(),
        &["tags", "add", "checked-2", "--json", "--ids-from", ids],
    )
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let l = lines(&out);
    let missing = l.iter().find(|v| v["fileId"] == UNKNOWN).expect("a line");
    assert_eq!(missing["outcome"], "missing");
    assert_eq!(missing["status"], 404);
    assert_eq!(missing["error"], "no such file");
    let ok = l
        .iter()
        .find(|v| v["fileId"] == JACKET_FRONT)
        .expect("a line");
    assert_eq!(ok["outcome"], "succeeded");
    assert_eq!(l.last().unwrap()["summary"]["missing"], 1);

    let out = iktag_run(&h, state.path(), &["rm", "--dry-run", "--ids-from", ids]).await;
    succeeded(&out);
    let plan = stdout(&out);
    assert!(
        plan.contains(&format!("{UNKNOWN}    missing: no such file")),
        "{plan}"
    );
    assert!(!plan.contains("would change"), "{plan}");
    assert!(
        plan.starts_with("dry run: delete on 1 file in 1 call; 0 files need no change; 1 missing"),
        "{plan}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_into_a_pipe_prints_whole_paths() {
    let h = Harness::with(SeedSource::Demo, FaultConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let out = iktag_run(
        &h,
        state.path(),
        &["ls", "-q", r#"name = "trail-runner-x2-blue-lifestyle.jpg""#],
    )
    .await;
    succeeded(&out);
    let text = stdout(&out);
    assert!(
        text.contains("  /products/shoes/trail-runner-x2/trail-runner-x2-blue-lifestyle.jpg  shoes, trail-running, summer-sale, blue, lifestyle\n"),
        "{text}"
    );
    assert!(!text.contains('…'), "{text}");
    assert_eq!(stderr(&out).lines().last(), Some("1 file"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_allows_a_dry_run_and_refuses_the_change() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let q = r#"tags IN ["jacket"]"#;
    let out = iktag_run(
        &h,
        state.path(),
        &["--read-only", "tags", "add", "new", "-q", q, "--dry-run"],
    )
    .await;
    succeeded(&out);
    assert!(
        stdout(&out)
            .starts_with("dry run: add tags on 2 files in 1 call; 0 files need no change\n"),
        "{}",
        stdout(&out)
    );
    let out = iktag_run(
        &h,
        state.path(),
        &["--read-only", "tags", "add", "new", "-q", q, "--yes"],
    )
    .await;
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("refusing to add tags: read-only mode"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        h.details(JACKET_FRONT).await["tags"],
        serde_json::json!(["jacket", "summer-sale", "red"])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn xdg_directories_hold_the_config_and_the_journals() {
    let h = Harness::start().await;
    let home = tempfile::tempdir().unwrap();
    let (config, state) = (home.path().join("cfg"), home.path().join("st"));
    std::fs::create_dir_all(config.join("iktag")).unwrap();
    std::fs::write(
        config.join("iktag/config.toml"),
        format!(
            "default_profile = \"local\"\n[profiles.local]\nbase_url = \"{}\"\nkey_env = \"LOCAL_KEY\"\n",
            h.base
        ),
    )
    .unwrap();
    let mut c = iktag(&h, home.path());
    c.env_remove("IKTAG_CONFIG_DIR")
        .env_remove("IKTAG_STATE_DIR")
        .env_remove("IMAGEKIT_PRIVATE_KEY")
        .env_remove("IMAGE_KIT_BASE_URL")
        .env("XDG_CONFIG_HOME", &config)
        .env("XDG_STATE_HOME", &state)
        .env("LOCAL_KEY", KEY)
        .args(["tags", "add", "xdg", "--yes", "--ids-from", "-"])
        .stdin(std::process::Stdio::piped());
    let out = tokio::task::spawn_blocking(move || {
        let mut child = c.spawn().expect("iktag runs");
        std::io::Write::write_all(
            &mut child.stdin.take().unwrap(),
            format!("{LOGO}\n").as_bytes(),
        )
        .unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    succeeded(&out);
    let journals: Vec<_> = std::fs::read_dir(state.join("iktag/jobs"))
        .expect("the journal is in $XDG_STATE_HOME/iktag/jobs")
        .collect();
    assert_eq!(journals.len(), 1);
    assert!(strs(&h.details(LOGO).await["tags"]).contains(&"xdg".to_owned()));
}

fn bare(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_iktag"))
        .args(args)
        .output()
        .expect("iktag runs")
}

#[test]
fn completions_name_the_commands_and_man_is_roff() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = bare(&["completions", shell]);
        succeeded(&out);
        let script = stdout(&out);
        for word in [
            "ls",
            "tags",
            "ai-tags",
            "sandbox",
            "demo",
            "completions",
            "--ids-from",
        ] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    let out = bare(&["completions", "nosh"]);
    assert_eq!(out.status.code(), Some(2));
    let out = bare(&["man"]);
    succeeded(&out);
    let page = stdout(&out);
    assert!(page.lines().any(|l| l.starts_with(".TH iktag 1")), "{page}");
    assert!(
        page.contains(".SH NAME") && page.contains("ai\\-tags"),
        "{page}"
    );
}

#[test]
fn demo_without_the_ui_serves_the_demo_library_and_says_how_to_reach_it() {
    use std::io::{BufRead, BufReader};
    let state = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_iktag"))
        .args(["demo", "--no-tui"])
        .env_remove("IMAGEKIT_PRIVATE_KEY")
        .env("IKTAG_STATE_DIR", state.path())
        .env("IKTAG_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("iktag runs");
    let mut out = BufReader::new(child.stdout.take().unwrap()).lines();
    let base = out.next().unwrap().unwrap();
    let key = out.next().unwrap().unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap()).lines();
    let note: Vec<String> = err.by_ref().take(6).map(Result::unwrap).collect();
    let url = base
        .strip_prefix("IMAGE_KIT_BASE_URL=")
        .expect("the base URL line");
    assert!(
        key.starts_with("IMAGEKIT_PRIVATE_KEY=private_sandbox_"),
        "{key}"
    );
    assert_eq!(
        note[1],
        format!("The demo library (294 files) is served at {url} until Ctrl-C.")
    );
    assert_eq!(note[3], "  iktag                       # the terminal UI");
    // And it is reachable as a library.
    let ls = std::process::Command::new(env!("CARGO_BIN_EXE_iktag"))
        .args(["ls", "--ids", "--limit", "3"])
        .env("IKTAG_CONFIG_DIR", state.path())
        .env("IKTAG_STATE_DIR", state.path())
        .env("IMAGE_KIT_BASE_URL", url)
        .env(
            "IMAGEKIT_PRIVATE_KEY",
            key.trim_start_matches("IMAGEKIT_PRIVATE_KEY="),
        )
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    succeeded(&ls);
    assert_eq!(stdout(&ls).lines().count(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_show_possible_typos_apart_from_spelling_variants() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    for (id, tags) in [(LOGO, ["jackit", "tent"]), (AVATAR, ["avatar", "test"])] {
        let r = h
            .patch(
                &format!("/v1/files/{id}/details"),
                serde_json::json!({ "tags": tags }),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
    }
    let out = iktag_run(&h, state.path(), &["tags", "stats"]).await;
    succeeded(&out);
    let text = stdout(&out);
    let section = |title: &str| -> Vec<String> {
        text.split("\n\n")
            .find(|s| s.starts_with(title))
            .unwrap_or_else(|| panic!("no {title:?} in:\n{text}"))
            .lines()
            .skip(1)
            .map(str::to_owned)
            .collect()
    };
    assert_eq!(
        section("near-duplicates"),
        ["       3  Summer Sale (1) · summer-sale (1) · summersale (1)"]
    );
    assert_eq!(
        section("possible typos"),
        ["       3  jacket (2)  ~  jackit (1)"],
        "tent and test are words, not typos"
    );
    let json = iktag_run(&h, state.path(), &["tags", "stats", "--json"]).await;
    let v = lines(&json).pop().unwrap();
    assert_eq!(
        v["possibleTypos"],
        serde_json::json!([{"distance": 1, "files": 3,
            "a": [{"tag": "jacket", "files": 2}], "b": [{"tag": "jackit", "files": 1}]}])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_on_a_terminal_cuts_long_paths_to_fit() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let h = Harness::with(SeedSource::Demo, FaultConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_iktag"));
    cmd.env_clear();
    cmd.env("HOME", state.path());
    cmd.env("IKTAG_CONFIG_DIR", state.path());
    cmd.env("IKTAG_STATE_DIR", state.path());
    cmd.env("IMAGE_KIT_BASE_URL", &h.base);
    cmd.env("IMAGEKIT_PRIVATE_KEY", KEY);
    cmd.env("IKTAG_LOG", "warn");
    cmd.args(["ls", "-q", r#"name = "trail-runner-x2-blue-lifestyle.jpg""#]);
    let mut child = pair.slave.spawn_command(cmd).expect("spawn iktag");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("reader");
    let text = tokio::task::spawn_blocking(move || {
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        // Until the child closes the terminal (EIO on Linux once it exits).
        while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
            if String::from_utf8_lossy(&all).contains("1 file") {
                break;
            }
        }
        String::from_utf8_lossy(&all).into_owned()
    })
    .await
    .unwrap();
    let _ = child.wait();
    assert!(
        // 200 columns: the path gets 60 cells and keeps its file name whole.
        text.contains("d29b033ef40f5db9bf972118     2.6 MB    2000×2500  /products/shoes/trail-ru…/trail-runner-x2-blue-lifestyle.jpg  shoes, trail-running, summer-sale, blue, lifestyle"),
        "{text}"
    );
}
