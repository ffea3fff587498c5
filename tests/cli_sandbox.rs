//! `iktag sandbox` as a user runs it: the binary, its stdout contract, signals, `--data`,
//! and a SIGKILL in the middle of bulk calls that must leave no half-applied call.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde_json::{Value, json};

const KEY: &str = "private_cli_test_key";

#[path = "common/proc.rs"]
mod proc;
use proc::Guard;

struct Running {
    child: Guard,
    base: String,
    /// The stdout lines after the base URL line, as they come.
    rest: std::sync::mpsc::Receiver<String>,
    /// Everything the sandbox wrote to stderr, once it has ended.
    stderr: std::thread::JoinHandle<String>,
}

impl Running {
    /// The line after the base URL (the generated key), within 5 s.
    fn next_line(&self) -> String {
        self.rest
            .recv_timeout(Duration::from_secs(5))
            .expect("a second line")
    }
}

fn iktag() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iktag"));
    c.env_remove("IMAGEKIT_PRIVATE_KEY")
        .env("IKTAG_LOG", "warn");
    c
}

/// Starts the binary and reads its first ready line from stdout.
fn start(args: &[&str], key: Option<&str>) -> Running {
    let mut cmd = iktag();
    cmd.arg("sandbox").args(args);
    if let Some(k) = key {
        cmd.env("IMAGEKIT_PRIVATE_KEY", k);
    }
    start_cmd(cmd)
}

fn start_cmd(mut cmd: Command) -> Running {
    let mut child = Guard(
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("binary starts"),
    );
    let stdout = child.0.stdout.take().expect("stdout");
    let mut stderr = child.0.stderr.take().expect("stderr");
    let stderr = std::thread::spawn(move || {
        let mut all = String::new();
        let _ = std::io::Read::read_to_string(&mut stderr, &mut all);
        all
    });
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let first = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("sandbox prints its base URL");
    let base = first
        .strip_prefix("IMAGE_KIT_BASE_URL=")
        .unwrap_or_else(|| panic!("first line is IMAGE_KIT_BASE_URL=…, got {first:?}"))
        .to_owned();
    assert!(base.starts_with("http://127.0.0.1:"), "{base}");
    Running {
        child,
        base,
        rest: rx,
        stderr,
    }
}

/// Runs a command that must end by itself: at most 30 s, then it is killed and the test
/// fails (instead of hanging).
trait Bounded {
    fn output_within_30s(&mut self) -> Output;
}

impl Bounded for Command {
    fn output_within_30s(&mut self) -> Output {
        proc::output_within(self, Duration::from_secs(30))
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .expect("client")
}

fn get(base: &str, path: &str) -> Value {
    let r = client()
        .get(format!("{base}{path}"))
        .basic_auth(KEY, None::<&str>)
        .send()
        .expect("request");
    assert!(r.status().is_success(), "{path}: {}", r.status());
    r.json().expect("json")
}

/// SIGTERM, then the exit status, stdout after the first line and stderr.
fn terminate(r: Running) -> (std::process::ExitStatus, String, String) {
    let Running {
        mut child,
        rest,
        stderr,
        ..
    } = r;
    let pid = child.0.id().to_string();
    let ok = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill");
    assert!(ok.success());
    for _ in 0..200 {
        if let Some(status) = child.0.try_wait().expect("wait") {
            let out: Vec<String> = rest.iter().collect();
            return (status, out.join("\n"), stderr.join().unwrap());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("sandbox did not stop within 10 s of SIGTERM");
}

#[test]
fn prints_base_url_and_generated_key_then_stops_cleanly_on_sigterm() {
    let r = start(&["--empty"], None);
    let key_line = r.next_line();
    let key = key_line
        .strip_prefix("IMAGEKIT_PRIVATE_KEY=")
        .expect("second line is IMAGEKIT_PRIVATE_KEY=…");
    assert!(key.starts_with("private_"));
    let resp = client()
        .get(format!("{}/v1/files", r.base))
        .basic_auth(key, Some("do_not_set"))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.text().unwrap(), "[]");
    let (status, stdout_after, _) = terminate(r);
    assert!(status.success(), "clean exit on SIGTERM: {status:?}");
    assert_eq!(stdout_after, "", "nothing on stdout after the two lines");
}

#[test]
fn uses_the_key_from_the_environment_and_does_not_print_it() {
    // With every request logged (debug), a right and a wrong key sent: the key appears
    // nowhere in what the sandbox writes, and stdout is the base URL line only.
    let mut cmd = iktag();
    cmd.args(["sandbox", "--empty"])
        .env("IMAGEKIT_PRIVATE_KEY", KEY)
        .env("IKTAG_LOG", "debug");
    let r = start_cmd(cmd);
    assert_eq!(get(&r.base, "/v1/files"), json!([]));
    let wrong = client()
        .get(format!("{}/v1/files", r.base))
        .basic_auth("private_wrong", None::<&str>)
        .send()
        .unwrap();
    assert_eq!(wrong.status(), 403);
    let (status, rest, err) = terminate(r);
    assert!(status.success(), "{status:?}: {err}");
    assert_eq!(rest, "", "no line after IMAGE_KIT_BASE_URL=…");
    assert!(err.contains("GET"), "requests were logged: {err}");
    assert!(!err.contains(KEY), "the key is in the log: {err}");
    assert!(!err.contains("IMAGEKIT_PRIVATE_KEY="), "{err}");
}

#[test]
fn refuses_non_loopback_addresses_and_bad_flags_with_exit_code_2() {
    let out = iktag()
        .args(["sandbox", "--listen", "0.0.0.0:0"])
        .output_within_30s();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--public"), "says how to allow it: {err}");

    let out = iktag()
        .args(["sandbox", "--fail-rate", "1.5"])
        .output_within_30s();
    assert_eq!(out.status.code(), Some(2));
    let out = iktag()
        .args(["sandbox", "--files", "3", "--empty"])
        .output_within_30s();
    assert_eq!(out.status.code(), Some(2), "seed sources are exclusive");
}

#[test]
fn a_bad_seed_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("listing.json");
    std::fs::write(&seed, r#"{"not": "an array"}"#).unwrap();
    let out = iktag()
        .args(["sandbox", "--seed"])
        .arg(&seed)
        .output_within_30s();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("listing.json"), "names the file: {err}");
}

#[test]
fn data_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap();
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/small-library.json");
    let r = start(
        &["--data", data, "--seed", seed.to_str().unwrap()],
        Some(KEY),
    );
    let resp = client()
        .post(format!("{}/v1/files/addTags", r.base))
        .basic_auth(KEY, None::<&str>)
        .json(&json!({"fileIds": ["6500000000000000000000a3"], "tags": ["kept"]}))
        .send()
        .unwrap();
    assert_eq!(resp.status(), 200);
    let resp = client()
        .delete(format!("{}/v1/files/6500000000000000000000a4", r.base))
        .basic_auth(KEY, None::<&str>)
        .send()
        .unwrap();
    assert_eq!(resp.status(), 204);
    assert!(terminate(r).0.success());

    // Restarting with a seed does not reseed an existing database.
    let r = start(
        &["--data", data, "--seed", seed.to_str().unwrap()],
        Some(KEY),
    );
    let logo = get(&r.base, "/v1/files/6500000000000000000000a3/details");
    assert_eq!(logo["tags"], json!(["kept"]));
    assert_eq!(get(&r.base, "/v1/files").as_array().unwrap().len(), 5);
}

#[test]
fn sigkill_during_bulk_calls_leaves_no_half_applied_call() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().to_str().unwrap().to_owned();
    let mut r = start(&["--data", &data, "--files", "1000"], Some(KEY));
    let files = get(&r.base, "/v1/files?limit=1000");
    let ids: Vec<String> = files
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fileId"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 1000);
    let chunks: Vec<Vec<String>> = ids.chunks(50).map(<[String]>::to_vec).collect();

    // Four writers send 50-file addTags calls, each with its own tag, until the kill.
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<(String, usize)>::new()));
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (base, chunks, stop, acked) = (
                r.base.clone(),
                chunks.clone(),
                stop.clone(),
                acknowledged.clone(),
            );
            std::thread::spawn(move || {
                let c = client();
                let mut i = 0usize;
                while !stop.load(Ordering::Relaxed) {
                    let chunk = (w * 5 + i) % chunks.len();
                    let tag = format!("kill-{w}-{i}");
                    let resp = c
                        .post(format!("{base}/v1/files/addTags"))
                        .basic_auth(KEY, None::<&str>)
                        .json(&json!({"fileIds": chunks[chunk], "tags": [tag]}))
                        .send();
                    match resp {
                        Ok(resp) if resp.status() == 200 => {
                            acked.lock().unwrap().push((tag, chunk));
                        }
                        _ => {}
                    }
                    i += 1;
                }
            })
        })
        .collect();
    // Kill once a good number of calls has landed, so some are surely in flight.
    for _ in 0..400 {
        if acknowledged.lock().unwrap().len() >= 40 {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    r.child.0.kill().expect("SIGKILL");
    r.child.0.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for w in writers {
        w.join().unwrap();
    }
    let acked = acknowledged.lock().unwrap().clone();
    assert!(
        acked.len() >= 40,
        "the test exercised bulk calls: {}",
        acked.len()
    );
    drop(r);

    let r = start(&["--data", &data], Some(KEY));
    let after = get(&r.base, "/v1/files?limit=1000");
    let mut holders: std::collections::HashMap<String, Vec<String>> =
        std::collections::HashMap::default();
    for f in after.as_array().unwrap() {
        for t in f["tags"].as_array().into_iter().flatten() {
            let t = t.as_str().unwrap();
            if t.starts_with("kill-") {
                holders
                    .entry(t.to_owned())
                    .or_default()
                    .push(f["fileId"].as_str().unwrap().to_owned());
            }
        }
    }
    for (tag, files) in &holders {
        assert_eq!(
            files.len(),
            50,
            "call {tag} was applied to {} of 50 files",
            files.len()
        );
    }
    for (tag, chunk) in &acked {
        let held = holders
            .get(tag)
            .unwrap_or_else(|| panic!("acknowledged call {tag} was lost"));
        let mut want = chunks[*chunk].clone();
        let mut got = held.clone();
        want.sort();
        got.sort();
        assert_eq!(got, want, "{tag} landed on exactly its files");
    }
}

#[test]
fn a_bad_keymap_is_a_configuration_error_before_the_screen_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("keymap.toml"),
        "[list]\n\"x\" = \"explode\"\n",
    )
    .unwrap();
    let out = iktag()
        .arg("demo")
        .env("IKTAG_CONFIG_DIR", dir.path())
        .env("IKTAG_STATE_DIR", dir.path())
        .output_within_30s();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("keymap.toml") && err.contains("unknown command") && err.contains("delete"),
        "{err}"
    );
    assert!(out.stdout.is_empty(), "nothing drawn");
}
