//! The job lifecycle as a user meets it on the command line: the binary against loopback
//! sandboxes. Undo, resume and retry run only on the library a job ran on, only once, and
//! never over a file someone changed since; listing jobs needs no key.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::*;
use iktag::sandbox::SeedSource;
use iktag::sandbox::faults::FaultConfig;
use serde_json::{Value, json};

async fn listing(h: &Harness) -> Value {
    h.get("/v1/files?limit=1000").await.body
}

fn cmd(h: &Harness, state: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut c = iktag(h, state);
    c.args(args);
    c
}

fn job_of(out: &std::process::Output) -> String {
    let last = lines(out).pop().expect("a summary line");
    last["summary"]["job"].as_str().expect("job id").to_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_and_resume_refuse_another_library_and_send_nothing() {
    let (a, b) = (Harness::start().await, Harness::start().await);
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    let out = run(cmd(
        &a,
        s,
        &["tags", "add", "moved", "-q", "size > 0", "--yes", "--json"],
    ))
    .await;
    succeeded(&out);
    let job = job_of(&out);
    let before = listing(&b).await;
    b.sandbox.reset_requests();
    for args in [
        vec!["undo", job.as_str(), "--yes"],
        vec!["undo", job.as_str(), "--yes", "--force"],
        vec!["jobs", "resume", job.as_str(), "--yes"],
        vec!["jobs", "retry", job.as_str(), "--yes"],
    ] {
        let out = run(cmd(&b, s, &args)).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&a.base) && err.contains(&b.base) && err.contains("nothing was sent"),
            "names both libraries: {err}"
        );
    }
    assert_eq!(
        b.sandbox.requests(),
        0,
        "no request reached the other library"
    );
    assert_eq!(
        listing(&b).await,
        before,
        "the other library is byte-for-byte unchanged"
    );
    // On its own library the same undo works.
    let out = run(cmd(&a, s, &["undo", &job, "--yes"])).await;
    succeeded(&out);
    let r = a
        .get(&format!(
            "/v1/files?searchQuery={}",
            q("tags IN [\"moved\"]")
        ))
        .await;
    assert_eq!(ids(&r.body).len(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_job_resumes_once_and_then_has_nothing_left() {
    let h = Harness::with(
        SeedSource::Generate {
            files: 600,
            seed: 3,
        },
        FaultConfig::default(),
    )
    .await;
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    h.put_faults(json!({"latencyMs": [40, 40]})).await;
    let mut child = {
        let mut c = cmd(
            &h,
            s,
            &[
                "tags",
                "add",
                "later",
                "-q",
                "size > 0",
                "--concurrency",
                "1",
                "--yes",
            ],
        );
        c.stdout(Stdio::null()).stderr(Stdio::null());
        c.spawn().unwrap()
    };
    let url = format!(
        "/v1/files?limit=1000&searchQuery={}",
        q("tags IN [\"later\"]")
    );
    for _ in 0..300 {
        if ids(&h.get(&url).await.body).len() >= 100 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Ctrl-C: no new call starts, calls in flight finish and are recorded.
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    // SAFETY: sends SIGINT to the child this test spawned and still owns.
    #[allow(unsafe_code)]
    unsafe {
        libc::kill(pid, libc::SIGINT);
    }
    let status = tokio::task::spawn_blocking(move || child.wait().unwrap())
        .await
        .unwrap();
    assert_eq!(status.code(), Some(3), "cancelled files make it exit 3");
    h.put_faults(json!({})).await;
    let done = ids(&h.get(&url).await.body).len();
    assert!(
        (100..600).contains(&done),
        "cancelled mid-way: {done} tagged"
    );

    let out = run(cmd(&h, s, &["jobs", "list", "--json"])).await;
    succeeded(&out);
    let job = lines(&out)[0]["job"].as_str().unwrap().to_owned();

    // Resume sends exactly the rest.
    h.sandbox.reset_requests();
    let out = run(cmd(&h, s, &["jobs", "resume", &job, "--yes", "--json"])).await;
    succeeded(&out);
    let summary = &lines(&out).pop().unwrap()["summary"];
    assert_eq!(
        usize::try_from(summary["succeeded"].as_u64().unwrap()).unwrap(),
        600 - done
    );
    assert_eq!(ids(&h.get(&url).await.body).len(), 600);
    let resumed = summary["job"].as_str().unwrap().to_owned();

    // Again: nothing is left, no request reaches the sandbox, exit 0.
    h.sandbox.reset_requests();
    let out = run(cmd(&h, s, &["jobs", "resume", &job, "--yes"])).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("nothing left to send"),
        "{}",
        stderr(&out)
    );
    assert_eq!(h.sandbox.requests(), 0, "{:?}", h.sandbox.request_log());

    // The list tells the story.
    let out = run(cmd(&h, s, &["jobs"])).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains(&format!("resumed by {resumed}")), "{text}");
    assert!(text.contains(&format!("resume of {job}")), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_runs_once_undo_of_the_undo_reapplies_and_a_changed_file_is_a_conflict() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    let original = listing(&h).await;
    let out = run(cmd(
        &h,
        s,
        &[
            "tags", "set", "one", "two", "-q", "size > 0", "--yes", "--json",
        ],
    ))
    .await;
    succeeded(&out);
    let job = job_of(&out);
    let after_set = listing(&h).await;

    // Someone changes one file in the dashboard after the job.
    h.patch(
        &format!("/v1/files/{LOGO}/details"),
        json!({"tags": ["one", "two", "mine"]}),
    )
    .await;
    let out = run(cmd(&h, s, &["undo", &job, "--yes", "--json"])).await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "a conflict is reported: {}",
        stderr(&out)
    );
    let rows = lines(&out);
    let conflict: Vec<&Value> = rows.iter().filter(|r| r["outcome"] == "conflict").collect();
    assert_eq!(conflict.len(), 1, "{rows:?}");
    assert_eq!(conflict[0]["fileId"], LOGO);
    assert!(
        conflict[0]["error"]
            .as_str()
            .unwrap()
            .contains("tags [one, two] → [one, two, mine]"),
        "says what changed: {}",
        conflict[0]
    );
    assert_eq!(
        strs(&h.details(LOGO).await["tags"]),
        ["one", "two", "mine"],
        "the changed file is left alone"
    );
    assert_eq!(
        strs(&h.details(JACKET_FRONT).await["tags"]),
        ["jacket", "summer-sale", "red"]
    );
    let undo = lines(&out).pop().unwrap()["summary"]["job"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(conflict[0]["path"], "/brand/logo.png");
    // The journal keeps the conflict: `jobs show` lists it (the exit message points there).
    let out = run(cmd(&h, s, &["jobs", "show", &undo])).await;
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(
        shown.contains(&format!("conflict   {LOGO}  /brand/logo.png  changed at ")),
        "{shown}"
    );

    // A second undo refuses and sends nothing.
    h.sandbox.reset_requests();
    let out = run(cmd(&h, s, &["undo", &job, "--yes"])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains(&format!(
            "already undone by {undo}; `iktag undo {undo}` puts the changes back"
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(h.sandbox.requests(), 0);

    // The undo of the undo puts the job's changes back on the files it restored.
    let out = run(cmd(&h, s, &["undo", &undo, "--yes"])).await;
    succeeded(&out);
    let now = listing(&h).await;
    for (f, want) in now
        .as_array()
        .unwrap()
        .iter()
        .zip(after_set.as_array().unwrap())
    {
        if f["fileId"] != LOGO {
            assert_eq!(f["tags"], want["tags"], "{}", f["fileId"]);
        }
    }
    assert_ne!(now, original);

    // Its undo was undone, so the job counts as applied again; but every file moved since
    // the job itself ended, so undoing it now leaves them all alone as conflicts.
    h.sandbox.reset_requests();
    let out = run(cmd(&h, s, &["undo", &job, "--yes", "--json"])).await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let rows = lines(&out);
    let conflicts = rows.iter().filter(|r| r["outcome"] == "conflict").count();
    assert_eq!(conflicts, 6, "{rows:?}");
    assert_eq!(listing(&h).await, now, "nothing changed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jobs_list_and_show_need_no_key_and_show_paths() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    let out = run(cmd(
        &h,
        s,
        &["tags", "add", "k", "-q", "size > 0", "--yes", "--json"],
    ))
    .await;
    succeeded(&out);
    let job = job_of(&out);
    for args in [vec!["jobs"], vec!["jobs", "show", job.as_str()]] {
        let mut c = cmd(&h, s, &args);
        c.env_remove("IMAGEKIT_PRIVATE_KEY")
            .env_remove("IMAGE_KIT_BASE_URL");
        let out = run(c).await;
        succeeded(&out);
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&job), "{text}");
        if args.len() > 1 {
            assert!(
                text.contains(&format!("succeeded  {LOGO}  /brand/logo.png")),
                "each file's path beside its id: {text}"
            );
        }
    }
    // The dry run of an undo prints the per-file diff.
    let out = run(cmd(&h, s, &["undo", &job, "--dry-run"])).await;
    succeeded(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(&format!("{LOGO}  /brand/logo.png  −k")),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retry_sends_exactly_the_failed_files_once() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    h.put_faults(json!({"failRate": 0.5, "rngSeed": 4})).await;
    let out = run(cmd(
        &h,
        s,
        &["tags", "add", "r", "-q", "size > 0", "--yes", "--json"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let failed: Vec<String> = lines(&out)
        .iter()
        .filter(|r| r["outcome"] == "failed")
        .map(|r| r["fileId"].as_str().unwrap().to_owned())
        .collect();
    assert!(!failed.is_empty());
    let job = job_of(&out);
    h.put_faults(json!({})).await;
    let out = run(cmd(&h, s, &["jobs", "retry", &job, "--yes", "--json"])).await;
    succeeded(&out);
    let mut sent: Vec<String> = lines(&out)
        .iter()
        .filter(|r| r.get("fileId").is_some())
        .map(|r| r["fileId"].as_str().unwrap().to_owned())
        .collect();
    sent.sort();
    let mut want = failed.clone();
    want.sort();
    assert_eq!(sent, want, "exactly the failed files");
    h.sandbox.reset_requests();
    let out = run(cmd(&h, s, &["jobs", "retry", &job, "--yes"])).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("no failed file is left"),
        "{}",
        stderr(&out)
    );
    assert_eq!(h.sandbox.requests(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_jobs_and_journals_without_a_library_are_refused_without_force() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    let dir = s.join("jobs");
    std::fs::create_dir_all(&dir).unwrap();
    let plan =
        json!({"op": {"op": "addTags", "tags": ["x"]}, "units": [{"ids": [LOGO]}], "skipped": []});
    let done =
        json!({"type": "done", "unit": 0, "outcomes": [{"fileId": LOGO, "outcome": "succeeded"}]});
    // A job of an earlier version: no library recorded.
    let old = format!(
        "{}\n{}\n",
        json!({"type": "job", "id": "20240101-000000-000-aa", "baseUrl": h.base, "createdAt": "2024-01-01T00:00:00.000Z", "plan": plan}),
        done
    );
    std::fs::write(dir.join("20240101-000000-000-aa.jsonl"), old).unwrap();
    // A job of `iktag demo`.
    let lib = iktag::jobs::Library::new(&h.base, None, KEY, true);
    let demo = format!(
        "{}\n{}\n",
        json!({"type": "job", "id": "20240101-000000-000-bb", "baseUrl": h.base, "createdAt": "2024-01-01T00:00:00.000Z", "plan": plan, "library": lib}),
        done
    );
    std::fs::write(dir.join("20240101-000000-000-bb.jsonl"), demo).unwrap();
    let out = run(cmd(&h, s, &["jobs"])).await;
    succeeded(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines()
            .any(|l| l.contains("-bb") && l.contains("DEMO")),
        "{text}"
    );

    let out = run(cmd(
        &h,
        s,
        &["undo", "20240101-000000-000-bb", "--yes", "--force"],
    ))
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("demo library"), "{}", stderr(&out));
    let out = run(cmd(&h, s, &["undo", "20240101-000000-000-aa", "--yes"])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    let out = run(cmd(
        &h,
        s,
        &["undo", "20240101-000000-000-aa", "--yes", "--force"],
    ))
    .await;
    succeeded(&out);
}
