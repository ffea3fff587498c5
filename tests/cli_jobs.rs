//! The headless commands as a script runs them: the `iktag` binary against a sandbox.

mod common;

use std::collections::BTreeSet;
use std::process::Stdio;
use std::time::Duration;

use common::*;
use iktag::sandbox::SeedSource;
use iktag::sandbox::faults::FaultConfig;
use serde_json::{Value, json};

async fn tagged(h: &Harness, tag: &str) -> BTreeSet<String> {
    let r = h
        .get(&format!(
            "/v1/files?searchQuery={}",
            q(&format!("tags IN [\"{tag}\"]"))
        ))
        .await;
    ids(&r.body).into_iter().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ls_prints_json_and_ids_that_tags_can_read() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["ls", "--json", "-q", r#"tags IN ["jacket"]"#]);
        c
    })
    .await;
    succeeded(&out);
    let files = lines(&out);
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["fileId"], JACKET_FRONT);

    let ids_file = state.path().join("ids.jsonl");
    std::fs::write(&ids_file, &out.stdout).unwrap();
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["tags", "add", "reviewed", "--json", "--ids-from"])
            .arg(&ids_file);
        c
    })
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let l = lines(&out);
    assert_eq!(l.last().unwrap()["summary"]["succeeded"], 2);
    assert_eq!(
        l[0].as_object().unwrap().keys().collect::<Vec<_>>(),
        ["error", "fileId", "outcome", "path", "status"]
            .iter()
            .collect::<Vec<_>>(),
        "every outcome line has the four fields, and the path read at plan time"
    );
    assert_eq!(
        tagged(&h, "reviewed").await,
        [JACKET_FRONT, JACKET_BACK].map(String::from).into()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_failures_exit_3_and_list_exactly_the_unchanged_files() {
    let h = Harness::generated(300, 9).await;
    let state = tempfile::tempdir().unwrap();
    h.put_faults(json!({"failRate": 0.3, "rngSeed": 4})).await;
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["tags", "add", "batch-7", "-q", r"size > 0", "--json"]);
        c
    })
    .await;
    h.put_faults(json!({})).await;
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let l = lines(&out);
    let failed: BTreeSet<String> = l
        .iter()
        .filter(|v| v["outcome"] == "failed")
        .map(|v| v["fileId"].as_str().unwrap().to_owned())
        .collect();
    let ok: BTreeSet<String> = l
        .iter()
        .filter(|v| v["outcome"] == "succeeded")
        .map(|v| v["fileId"].as_str().unwrap().to_owned())
        .collect();
    assert!(!failed.is_empty());
    assert_eq!(ok.len() + failed.len(), 300);
    assert_eq!(
        tagged(&h, "batch-7").await,
        ok,
        "exactly the succeeded files changed"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("jobs show"), "says where to look: {stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_job_is_resumed_exactly_and_undo_restores_tags() {
    let h = Harness::generated(1000, 9).await;
    let state = tempfile::tempdir().unwrap();
    h.put_faults(json!({"latencyMs": [60, 60]})).await;
    let mut child = {
        let mut c = iktag(&h, state.path());
        c.args([
            "tags",
            "add",
            "resume-me",
            "-q",
            "size > 0",
            "--concurrency",
            "1",
            "--yes",
        ]);
        c.stdout(Stdio::null()).stderr(Stdio::null());
        c.spawn().unwrap()
    };
    // Wait until a few chunks landed, then kill -9.
    for _ in 0..200 {
        if tagged(&h, "resume-me").await.len() >= 150 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child.kill().unwrap();
    let _ = child.wait();
    // A call the killed process left in flight may still land: count once it has.
    h.wait_until_answered().await;
    h.put_faults(json!({})).await;
    let before = tagged(&h, "resume-me").await.len();
    assert!(
        (150..1000).contains(&before),
        "killed mid-job: {before} tagged"
    );

    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["jobs", "list", "--json"]);
        c
    })
    .await;
    let jobs = lines(&out);
    assert_eq!(jobs.len(), 1);
    let id = jobs[0]["job"].as_str().unwrap().to_owned();
    assert!(jobs[0]["unapplied"].as_u64().unwrap() > 0);

    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["jobs", "show", &id, "--json"]);
        c
    })
    .await;
    let shown = lines(&out);
    assert_eq!(shown.len(), 1000, "every file is listed");
    let unapplied = shown.iter().filter(|v| v["outcome"] == "unapplied").count();
    let recorded = shown.iter().filter(|v| v["outcome"] == "succeeded").count();
    assert!(unapplied > 0 && recorded > 0);
    assert!(recorded <= before, "recorded successes are on the server");

    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["jobs", "resume", &id, "--yes", "--json"]);
        c
    })
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let summary = lines(&out).pop().unwrap();
    let count = |k: &str| usize::try_from(summary["summary"][k].as_u64().unwrap_or(0)).unwrap();
    let resumed = count("succeeded");
    // Exactly the files the journal had not recorded as done are sent again, and each
    // succeeds: the still untagged ones and those of the call the kill cut off after the
    // server applied it (tagged, but never recorded), which the resume re-sends.
    assert_eq!(
        (resumed, count("skipped"), count("failed")),
        (unapplied, 0, 0),
        "resume covers exactly the unapplied part: {summary}"
    );
    assert_eq!(
        unapplied - (1000 - before),
        before - recorded,
        "the re-sent files already tagged are the applied but unrecorded ones"
    );
    assert_eq!(tagged(&h, "resume-me").await.len(), 1000);

    // Undo the resumed job: its files lose the tag again.
    let resumed_id = summary["summary"]["job"].as_str().unwrap().to_owned();
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["undo", &resumed_id, "--yes"]);
        c
    })
    .await;
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(tagged(&h, "resume-me").await.len(), 1000 - resumed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_never_appears_in_output_logs_or_journals() {
    let h = Harness::generated(120, 9).await;
    let state = tempfile::tempdir().unwrap();
    h.put_faults(json!({"failRate": 0.2, "errorRate": 0.2, "rngSeed": 2}))
        .await;
    let mut outputs = Vec::new();
    for args in [
        vec!["ls", "--limit", "5"],
        vec!["tags", "add", "k", "-q", "size > 0", "--json"],
        vec!["tags", "rm", "k", "-q", "size > 0"],
        vec!["jobs"],
    ] {
        let mut c = iktag(&h, state.path());
        c.args(&args);
        outputs.push(run(c).await);
    }
    let mut wrong = iktag(&h, state.path());
    wrong
        .env("IMAGEKIT_PRIVATE_KEY", "private_wrong_key_123")
        .args(["ls"]);
    let out = run(wrong).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("403"));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("private_wrong_key_123"));
    for o in &outputs {
        for stream in [&o.stdout, &o.stderr] {
            assert!(
                !String::from_utf8_lossy(stream).contains(KEY),
                "key leaked to output"
            );
        }
    }
    let mut journals = 0;
    for entry in std::fs::read_dir(state.path().join("jobs")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!text.contains(KEY), "key leaked to a journal");
        journals += 1;
    }
    assert_eq!(journals, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dry_run_changes_nothing_and_update_and_ai_tag_cleanup_work() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let before = h.get("/v1/files").await.body;
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["rm", "-q", "size > 0", "--dry-run"]);
        c
    })
    .await;
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("dry run: delete on 6 files"));
    assert_eq!(
        h.get("/v1/files").await.body,
        before,
        "a dry run changes nothing"
    );
    assert!(!state.path().join("jobs").exists(), "and records no job");

    // Deleting from a script without --yes is refused.
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["rm", "-q", "size > 0"]);
        c
    })
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(h.list_ids("").await.len(), 6);

    let out = run({
        let mut c = iktag(&h, state.path());
        c.args([
            "update",
            LOGO,
            "--tags",
            "brand,logo",
            "--custom-coordinates",
            "0,0,64,64",
            "--description",
            "Brand mark",
            "--json",
        ]);
        c
    })
    .await;
    succeeded(&out);
    let d = h.details(LOGO).await;
    assert_eq!(d["tags"], json!(["brand", "logo"]));
    assert_eq!(d["customCoordinates"], "0,0,64,64");
    assert_eq!(d["description"], "Brand mark");
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["update", LOGO, "--meta", "colour=red"]);
        c
    })
    .await;
    assert_eq!(
        out.status.code(),
        Some(2),
        "a value the server rejects (400)"
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("colour"),
        "names the bad field"
    );

    // Low-confidence AI tags go; confident ones stay.
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args([
            "ai-tags", "rm", "--below", "50", "-q", "size > 0", "--yes", "--json",
        ]);
        c
    })
    .await;
    succeeded(&out);
    let front = h.details(JACKET_FRONT).await;
    let names: Vec<&str> = front["AITags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["Jacket"],
        "Sleeve (41.5) removed, Jacket (97.12) kept"
    );
    assert_eq!(
        h.details(AVATAR).await["AITags"],
        Value::Null,
        "Person (35.2) removed"
    );
    assert_eq!(h.details(HIKER).await["AITags"][0]["name"], "Mountain");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn undo_touches_only_the_files_the_job_changed() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let ids = state.path().join("ids.txt");
    std::fs::write(&ids, format!("{JACKET_FRONT}\n# a comment\n{LOGO}\n")).unwrap();
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["tags", "add", "jacket", "--json", "--ids-from"])
            .arg(&ids);
        c
    })
    .await;
    succeeded(&out);
    let l = lines(&out);
    let outcome = |id: &str| l.iter().find(|v| v["fileId"] == id).unwrap()["outcome"].clone();
    assert_eq!(outcome(JACKET_FRONT), "skipped", "it already had the tag");
    assert_eq!(outcome(LOGO), "succeeded");
    let job = l.last().unwrap()["summary"]["job"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["undo", &job, "--yes"]);
        c
    })
    .await;
    succeeded(&out);
    assert_eq!(
        h.details(LOGO).await["tags"],
        Value::Null,
        "the job's change is undone"
    );
    assert!(
        strs(&h.details(JACKET_FRONT).await["tags"]).contains(&"jacket".to_owned()),
        "a tag the file had before the job stays"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_set_shows_a_diff_in_dry_run_and_undo_restores_each_files_tags() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let query = r#"path : "/products""#;
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["tags", "set", "jacket", "-q", query, "--dry-run"]);
        c
    })
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("[jacket, summer-sale, red] → [jacket]"),
        "{text}"
    );
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["tags", "add", "x", "-q", query, "--dry-run"]);
        c
    })
    .await;
    assert!(String::from_utf8_lossy(&out.stdout).contains("+x"));

    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["tags", "set", "jacket", "-q", query, "--yes", "--json"]);
        c
    })
    .await;
    succeeded(&out);
    assert_eq!(strs(&h.details(JACKET_FRONT).await["tags"]), ["jacket"]);
    let job = lines(&out).pop().unwrap()["summary"]["job"]
        .as_str()
        .unwrap()
        .to_owned();
    let out = run({
        let mut c = iktag(&h, state.path());
        c.args(["undo", &job, "--yes"]);
        c
    })
    .await;
    succeeded(&out);
    assert_eq!(
        strs(&h.details(JACKET_FRONT).await["tags"]),
        ["jacket", "summer-sale", "red"]
    );
    assert_eq!(
        strs(&h.details(JACKET_BACK).await["tags"]),
        ["jacket", "Summer Sale"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_group_near_duplicates_and_merge_rename_undo_end_states() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| {
        let mut c = iktag(&h, state.path());
        c.args(args);
        c
    };
    let out = run(cmd(&["tags", "stats", "--json"])).await;
    assert!(out.status.success());
    let tag_stats = lines(&out).pop().unwrap();
    assert_eq!(tag_stats["files"], 6);
    let groups = tag_stats["nearDuplicates"].as_array().unwrap();
    let sale = groups.iter().find(|g| g["key"] == "summersale").unwrap();
    let names: BTreeSet<&str> = sale["tags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["tag"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Summer Sale", "summer-sale", "summersale"].into());

    // Merge the three into one: every file that had any of them has exactly "summer-sale".
    let out = run(cmd(&[
        "tags",
        "merge",
        "Summer Sale",
        "summersale",
        "summer-sale",
        "--into",
        "summer-sale",
        "--yes",
        "--json",
    ]))
    .await;
    succeeded(&out);
    let job = lines(&out).pop().unwrap()["summary"]["job"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        strs(&h.details(JACKET_FRONT).await["tags"]),
        ["jacket", "summer-sale", "red"]
    );
    assert_eq!(
        strs(&h.details(JACKET_BACK).await["tags"]),
        ["jacket", "summer-sale"]
    );
    assert_eq!(
        strs(&h.details(HIKER).await["tags"]),
        ["hiking", "summer-sale"]
    );
    assert!(tagged(&h, "Summer Sale").await.is_empty());
    assert!(tagged(&h, "summersale").await.is_empty());

    // Undo puts every file back as it was.
    let out = run(cmd(&["undo", &job, "--yes"])).await;
    succeeded(&out);
    assert_eq!(
        strs(&h.details(JACKET_BACK).await["tags"]),
        ["jacket", "Summer Sale"]
    );
    assert_eq!(
        strs(&h.details(HIKER).await["tags"]),
        ["summersale", "hiking"]
    );

    // Rename touches only files with the old tag.
    let out = run(cmd(&["tags", "rename", "jacket", "outerwear", "--yes"])).await;
    succeeded(&out);
    assert!(tagged(&h, "jacket").await.is_empty());
    assert_eq!(
        tagged(&h, "outerwear").await,
        [JACKET_FRONT.to_owned(), JACKET_BACK.to_owned()].into()
    );
    assert_eq!(strs(&h.details(LOGO).await["tags"]), Vec::<String>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promote_copies_confident_ai_tags_into_tags_and_undo_takes_them_back() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| {
        let mut c = iktag(&h, state.path());
        c.args(args);
        c
    };
    let out = run(cmd(&[
        "ai-tags",
        "promote",
        "--min",
        "80",
        "-q",
        "type = \"file\"",
        "--dry-run",
    ]))
    .await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("+Jacket(97.1)") && !text.contains("Sleeve"),
        "{text}"
    );
    let out = run(cmd(&[
        "ai-tags",
        "promote",
        "--min",
        "80",
        "-q",
        "type = \"file\"",
        "--yes",
        "--json",
    ]))
    .await;
    succeeded(&out);
    let summary = lines(&out).pop().unwrap()["summary"].clone();
    // Jacket(97.1) on the front jacket, Logo(88) on the logo, Mountain(99.1) on the hiker;
    // the avatar's Person(35.2) stays an AI tag only.
    assert_eq!(summary["succeeded"], 3, "{summary}");
    assert_eq!(summary["skipped"], 3, "{summary}");
    assert_eq!(strs(&h.details(LOGO).await["tags"]), ["Logo"]);
    assert_eq!(
        strs(&h.details(JACKET_FRONT).await["tags"]),
        ["jacket", "summer-sale", "red", "Jacket"]
    );
    assert!(!strs(&h.details(AVATAR).await["tags"]).contains(&"Person".to_owned()));
    let job = summary["job"].as_str().unwrap().to_owned();
    let out = run(cmd(&["undo", &job, "--yes"])).await;
    succeeded(&out);
    assert_eq!(strs(&h.details(LOGO).await["tags"]), Vec::<String>::new());
    assert_eq!(
        strs(&h.details(JACKET_FRONT).await["tags"]),
        ["jacket", "summer-sale", "red"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edited_listing_applies_as_one_job_and_undo_puts_everything_back() {
    let h = Harness::start().await;
    let state = tempfile::tempdir().unwrap();
    let cmd = |args: &[&str]| {
        let mut c = iktag(&h, state.path());
        c.args(args);
        c
    };
    let out = run(cmd(&["ls", "--json"])).await;
    let mut files = lines(&out);
    let original = files.clone();
    files[0]["tags"] = json!(["jacket", "sale"]);
    files[2]["customCoordinates"] = json!("1,1,10,10");
    files[3]["description"] = json!("Lookbook 2023");
    let plan = state.path().join("plan.jsonl");
    let text: Vec<String> = files.iter().map(std::string::ToString::to_string).collect();
    std::fs::write(&plan, text.join("\n")).unwrap();
    let plan = plan.to_str().unwrap();

    let out = run(cmd(&["apply", plan, "--dry-run"])).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("tags [jacket, summer-sale, red] → [jacket, sale]"),
        "{text}"
    );
    assert!(
        text.contains("customCoordinates (none) → “1,1,10,10”"),
        "{text}"
    );
    assert!(text.contains("3 files need no change"), "{text}");
    assert_eq!(
        strs(&h.details(JACKET_FRONT).await["tags"]),
        ["jacket", "summer-sale", "red"]
    );

    let out = run(cmd(&["apply", plan, "--yes", "--json"])).await;
    succeeded(&out);
    let summary = lines(&out).pop().unwrap()["summary"].clone();
    assert_eq!(
        (summary["succeeded"].clone(), summary["skipped"].clone()),
        (json!(3), json!(3))
    );
    assert_eq!(
        strs(&h.details(JACKET_FRONT).await["tags"]),
        ["jacket", "sale"]
    );
    assert_eq!(h.details(LOGO).await["customCoordinates"], "1,1,10,10");
    assert_eq!(h.details(LOOKBOOK).await["description"], "Lookbook 2023");

    let job = summary["job"].as_str().unwrap().to_owned();
    let out = run(cmd(&["undo", &job, "--yes"])).await;
    succeeded(&out);
    for (i, id) in [JACKET_FRONT, LOGO].iter().enumerate() {
        let now = h.details(id).await;
        let was = &original[if i == 0 { 0 } else { 2 }];
        assert_eq!(now["tags"], was["tags"]);
        assert_eq!(now["customCoordinates"], was["customCoordinates"]);
    }
    assert_eq!(
        h.details(LOOKBOOK).await["description"]
            .as_str()
            .unwrap_or_default(),
        original[3]["description"].as_str().unwrap_or_default()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn auto_tagging_reports_each_files_extension_status() {
    // Every auto-tagging answer is `pending`; the AI tags land 300 ms later.
    let h = Harness::with(
        SeedSource::File(fixture()),
        FaultConfig {
            pending_rate: 1.0,
            pending_ms: Some(300),
            ..Default::default()
        },
    )
    .await;
    let state = tempfile::tempdir().unwrap();
    let mut c = iktag(&h, state.path());
    c.args([
        "ai-tags",
        "auto",
        "--source",
        "aws",
        "--max-tags",
        "3",
        "--min-confidence",
        "50",
        "-q",
        "type = \"file\"",
        "--yes",
        "--json",
    ]);
    let out = run(c).await;
    // The PDF cannot be auto-tagged: a failed file, so exit 3 (partial).
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut rows = lines(&out);
    let summary = rows.pop().unwrap()["summary"].clone();
    assert_eq!(
        (summary["pending"].as_u64(), summary["failed"].as_u64()),
        (Some(5), Some(1)),
        "{summary}"
    );
    for r in &rows {
        if r["fileId"] == LOOKBOOK {
            assert_eq!(r["outcome"], "failed");
            assert_eq!(
                r["error"],
                "extension failed: aws-auto-tagging (not an image, application/pdf: only images can be auto-tagged)"
            );
        } else {
            assert_eq!(r["outcome"], "pending", "{r}");
            assert_eq!(r["pending"], serde_json::json!(["aws-auto-tagging"]));
        }
    }
    // Pending means later, not never: the AI tags arrive, the sandbox's deterministic ones
    // (from the name, the folder and a hash of the file id; the 3 most confident).
    eventually(
        Duration::from_secs(10),
        "the pending AI tags arrive",
        || async {
            ai_tags_from(&h.details(HIKER).await, "aws-auto-tagging") > 0
                && ai_tags_from(&h.details(JACKET_BACK).await, "aws-auto-tagging") > 0
        },
    )
    .await;
    let aws = |d: &Value| -> Vec<(String, String)> {
        d["AITags"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["source"] == "aws-auto-tagging")
            .map(|t| {
                let c = t["confidence"].as_f64().unwrap();
                (t["name"].as_str().unwrap().to_owned(), format!("{c:.2}"))
            })
            .collect()
    };
    let pin = |tags: [(&str, &str); 3]| tags.map(|(n, c)| (n.to_owned(), c.to_owned())).to_vec();
    assert_eq!(
        aws(&h.details(HIKER).await),
        pin([
            ("Smile", "95.02"),
            ("Hiker", "90.63"),
            ("Outerwear", "87.46")
        ])
    );
    assert_eq!(
        aws(&h.details(JACKET_BACK).await),
        pin([("Tree", "98.39"), ("Person", "93.24"), ("Back", "90.94")])
    );
}
