//! A job's reads pipelined around its writes: the `--ids-from` pre-fetch with several
//! searches in flight, and the read back overlapped with the calls, each file read once,
//! only after every unit that names it has finished.

mod common;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use common::*;
use iktag::jobs::lifecycle::{self, RunSpec};
use iktag::jobs::{CancelHandle, Event, Operation, Outcome, Plan, Unit, journal};
use serde_json::Value;

/// `GET /_sandbox/requests` once every request has been answered and the count is still.
async fn settled_log(h: &Harness) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = h.get("/_sandbox/requests").await.body;
    loop {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let now = h.get("/_sandbox/requests").await.body;
        let answered = now["recent"].as_array().unwrap().len() as u64;
        if (now == last && now["total"].as_u64() == Some(answered)) || Instant::now() > deadline {
            return now;
        }
        last = now;
    }
}

/// (method, path) → how many times, from the request log.
fn count(log: &Value, method: &str, path: &str) -> usize {
    log["recent"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == method && r["path"] == path && r["status"] == 200)
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tags_rm_from_ids_reads_each_file_once_before_and_once_after() {
    let h = Harness::generated(600, 4).await;
    let c = h.client();
    let all = all_ids(&c).await;
    let targets = &all[..500];
    for chunk in targets.chunks(50) {
        c.add_tags(chunk, &["bench".into()]).await.unwrap();
    }
    let state = tempfile::tempdir().unwrap();
    let file = state.path().join("ids.txt");
    std::fs::write(&file, targets.join("\n")).unwrap();
    h.reset_requests().await;

    let out = run({
        let mut cmd = iktag(&h, state.path());
        cmd.args(["tags", "rm", "bench", "--yes", "--json", "--ids-from"])
            .arg(&file);
        cmd
    })
    .await;
    succeeded(&out);
    let lines = lines(&out);
    let summary = &lines.last().unwrap()["summary"];
    assert_eq!(summary["succeeded"], 500, "{summary}");

    // 500 ids: 5 searches to plan, 10 calls of 50, 5 searches to read back. No more.
    let log = settled_log(&h).await;
    assert_eq!(log["total"], 20, "{log}");
    assert_eq!(count(&log, "GET", "/v1/files"), 10);
    assert_eq!(count(&log, "POST", "/v1/files/removeTags"), 10);

    // The journal holds every file as read back after the job: the tag gone.
    let job = summary["job"].as_str().unwrap();
    let record = journal::load(&state.path().join("jobs"), job).unwrap();
    assert_eq!(record.after.len(), 500);
    assert!(targets.iter().all(|id| record.after.contains_key(id)));
    assert!(
        record
            .after
            .values()
            .all(|f| !f.tags.iter().any(|t| t == "bench"))
    );
}

#[tokio::test]
async fn a_file_in_two_units_is_read_back_after_the_second() {
    let h = Harness::generated(300, 4).await;
    let c = h.client();
    let all = all_ids(&c).await;
    let both = &all[..120];
    for chunk in both.chunks(50) {
        c.add_tags(chunk, &["old".into()]).await.unwrap();
    }
    // As an undo plans it: each file in two units with their own operations, the second
    // starting only when the first is done (one slot). Units of 40: the files of the
    // first add units reach the read back's 100 before their remove units run.
    let mut units: Vec<Unit> = both
        .chunks(40)
        .map(|c| Unit {
            ids: c.to_vec(),
            op: None,
        })
        .collect();
    units.extend(both.chunks(40).map(|c| Unit {
        ids: c.to_vec(),
        op: Some(Operation::RemoveTags {
            tags: vec!["old".into()],
        }),
    }));
    let plan = Plan {
        op: Operation::AddTags {
            tags: vec!["new".into()],
        },
        units,
        skipped: Vec::new(),
        previous_tags: iktag::jobs::PreviousTags::default(),
    };
    let dir = tempfile::tempdir().unwrap();
    let spec = RunSpec {
        dir: Some(dir.path().to_owned()),
        concurrency: 1,
        ..Default::default()
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let done = lifecycle::execute(&c, &plan, &spec, &CancelHandle::default(), Some(tx))
        .await
        .unwrap();
    // The files read back arrive as events, each after its outcomes.
    let (mut outcomes_seen, mut read_back) = (BTreeSet::new(), Vec::new());
    while let Ok(event) = rx.try_recv() {
        match event {
            Event::Done(batch) => outcomes_seen.extend(batch.into_iter().map(|o| o.file_id)),
            Event::Fresh(files) => {
                for f in &files {
                    assert!(
                        outcomes_seen.contains(&f.file_id),
                        "{} before its outcome",
                        f.file_id
                    );
                }
                read_back.extend(files);
            }
        }
    }
    // One outcome per file, however many of the job's calls it was in.
    assert_eq!(done.outcomes.len(), 120);
    assert!(
        done.outcomes
            .iter()
            .all(|o| o.outcome == Outcome::Succeeded)
    );
    // Each file once, as it is after both of its units.
    let mut fresh: Vec<&str> = read_back.iter().map(|f| f.file_id.as_str()).collect();
    fresh.sort_unstable();
    let mut want: Vec<&str> = both.iter().map(String::as_str).collect();
    want.sort_unstable();
    assert_eq!(fresh, want);
    let after_both =
        |tags: &[String]| tags.iter().any(|t| t == "new") && !tags.iter().any(|t| t == "old");
    for f in &read_back {
        assert!(
            after_both(&f.tags),
            "{} read back before its last unit: {:?}",
            f.file_id,
            f.tags
        );
    }
    let record = journal::load(dir.path(), done.job.as_deref().unwrap()).unwrap();
    assert_eq!(record.after.len(), 120);
    assert!(record.after.values().all(|f| after_both(&f.tags)));
}
