//! The client and the job engine against a sandbox with faults switched on.

mod common;

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use common::*;
use iktag::api::{ApiError, Client, ClientOptions, ListQuery};
use iktag::jobs::{self, CancelHandle, Event, Operation, Outcome, journal};
use serde_json::json;

async fn files_with_tag(c: &Client, tag: &str) -> BTreeSet<String> {
    c.list(ListQuery::default())
        .collect_files()
        .await
        .unwrap()
        .into_iter()
        .filter(|f| f.tags.iter().any(|t| t == tag))
        .map(|f| f.file_id)
        .collect()
}

#[tokio::test]
async fn pager_walks_every_page_and_client_errors_are_typed() {
    let h = Harness::generated(2500, 5).await;
    let c = h.client();
    let mut pager = c.list(ListQuery {
        page_size: 1000,
        ..Default::default()
    });
    let mut sizes = Vec::new();
    while let Some(page) = pager.next_page().await.unwrap() {
        sizes.push(page.len());
    }
    assert_eq!(sizes, [1000, 1000, 500]);
    assert_eq!(pager.fetched(), 2500);

    let e = c.get_details(UNKNOWN).await.unwrap_err();
    assert!(matches!(e, ApiError::NotFound { .. }), "{e}");
    let e = c
        .add_tags(&[UNKNOWN.to_owned()], &["x".into()])
        .await
        .unwrap_err();
    match e {
        ApiError::NotFound {
            missing_file_ids, ..
        } => assert_eq!(missing_file_ids, [UNKNOWN]),
        other => panic!("{other}"),
    }
    let e = c
        .add_tags(&[UNKNOWN.to_owned()], &["50%".into()])
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::BadRequest { .. }), "{e}");
    let bad = Client::new(ClientOptions::new(
        url::Url::parse(&h.base).unwrap(),
        "private_wrong",
    ))
    .unwrap();
    let e = bad.get_details(UNKNOWN).await.unwrap_err();
    assert!(matches!(e, ApiError::Forbidden { .. }), "{e}");
    assert!(
        !format!("{e} {e:?}").contains("private_wrong"),
        "the key never appears in errors"
    );
}

/// Every fault at once. What the job reports matches the server, and every file reported
/// failed is one the server failed in a 207 it answered: no call was given up on (429s
/// are waited out, 5xx and dropped connections retried; the retries are raised so that
/// none runs out by chance).
#[tokio::test]
async fn a_faulty_run_reports_exactly_what_the_server_did() {
    let h = Harness::generated(600, 5).await;
    let c = h.client_with(|o| o.max_retries = 8);
    let ids = all_ids(&c).await;
    let p = jobs::plan(
        Operation::AddTags {
            tags: vec!["engine-check".into()],
        },
        &ids,
        &HashMap::new(),
    )
    .unwrap();
    assert_eq!(p.units.len(), 12);
    h.reset_requests().await;
    h.put_faults(json!({
        "failRate": 0.2, "errorRate": 0.3, "resetRate": 0.05,
        "rateLimit": 8, "latencyMs": [0, 5], "rngSeed": 11
    }))
    .await;
    let outcomes = jobs::run(&c, &p, 6, &CancelHandle::default(), None, None).await;
    let injected = h.injected().await;
    let log = h.request_detail().await;
    h.put_faults(json!({})).await;

    assert!(
        injected.rate_limited > 0 && injected.server_errors > 0 && injected.failed_files > 0,
        "every kind of fault was met: {injected:?}"
    );
    // The files the server failed in the 207s it answered (a lost 207 was never seen).
    let failed_by_server: BTreeSet<&str> = log
        .iter()
        .filter(|r| r.request.status == 207)
        .flat_map(|r| r.failed_files.iter().map(String::as_str))
        .collect();
    assert_eq!(
        log.iter()
            .filter(|r| r.request.status == 207)
            .map(|r| r.failed_files.len() as u64)
            .sum::<u64>(),
        injected.failed_files,
        "the log and the counters agree"
    );
    assert_eq!(outcomes.len(), ids.len(), "one outcome per file");
    let mut summary = jobs::Summary::default();
    for o in &outcomes {
        summary.add(&o.outcome);
        if let Outcome::Failed { .. } = &o.outcome {
            assert!(
                failed_by_server.contains(o.file_id.as_str()),
                "{} reported failed, but no 207 failed it: {:?}",
                o.file_id,
                o.outcome
            );
        }
    }
    assert!(summary.failed > 0 && summary.succeeded > 0, "{summary:?}");
    let tagged = files_with_tag(&c, "engine-check").await;
    for o in &outcomes {
        match &o.outcome {
            Outcome::Succeeded => assert!(
                tagged.contains(&o.file_id),
                "{} reported done but untouched",
                o.file_id
            ),
            Outcome::Failed { .. } => assert!(
                !tagged.contains(&o.file_id),
                "{} reported failed but changed: {:?}",
                o.file_id,
                o.outcome
            ),
            other => panic!("unexpected outcome {other:?}"),
        }
    }

    // Retry-failed: a new job over exactly the failed files finishes the work.
    let again = jobs::plan(
        Operation::AddTags {
            tags: vec!["engine-check".into()],
        },
        &jobs::failed_ids(&outcomes),
        &HashMap::new(),
    )
    .unwrap();
    let outcomes = jobs::run(&c, &again, 6, &CancelHandle::default(), None, None).await;
    assert!(outcomes.iter().all(|o| o.outcome == Outcome::Succeeded));
    assert_eq!(files_with_tag(&c, "engine-check").await.len(), ids.len());
}

/// Whole-request 5xx are retried: the job ends with every file done, and the server saw
/// exactly one request per call plus one per 5xx it injected (one unit at a time, so the
/// seeded sequence of faults is the same on every run).
#[tokio::test]
async fn server_errors_are_retried_until_every_file_succeeds() {
    let h = Harness::generated(600, 5).await;
    let c = h.client();
    let ids = all_ids(&c).await;
    let p = jobs::plan(
        Operation::AddTags {
            tags: vec!["retried".into()],
        },
        &ids,
        &HashMap::new(),
    )
    .unwrap();
    assert_eq!(p.units.len(), 12);
    h.reset_requests().await;
    h.put_faults(json!({"errorRate": 0.3, "rngSeed": 3})).await;
    let outcomes = jobs::run(&c, &p, 1, &CancelHandle::default(), None, None).await;
    let injected = h.injected().await;
    let log = h.request_detail().await;
    h.put_faults(json!({})).await;

    assert!(injected.server_errors > 0, "{injected:?}");
    let failed: Vec<_> = outcomes
        .iter()
        .filter(|o| o.outcome != Outcome::Succeeded)
        .collect();
    assert!(
        failed.is_empty(),
        "every file succeeded, not {}: {:?}",
        failed.len(),
        failed.first()
    );
    assert_eq!(files_with_tag(&c, "retried").await.len(), ids.len());
    let calls = log
        .iter()
        .filter(|r| r.request.path == "/v1/files/addTags")
        .count() as u64;
    assert_eq!(
        calls,
        12 + injected.server_errors,
        "one request per call and one retry per 5xx: {injected:?}"
    );
    assert_eq!(
        log.iter()
            .filter(|r| r.fault.as_deref() == Some("serverError"))
            .count() as u64,
        injected.server_errors
    );
}

/// Under the sandbox's limit (N requests per one-second window) a job takes at least the
/// windows its calls need, and once a 429 has closed the window no request reaches the
/// server before it opens again, but the ones already in flight when the 429 came back
/// (at most one per other slot of the job, arriving right after it). A random latency
/// spreads the calls over the window, so a client that comes back before the window
/// reopens is seen doing so.
#[tokio::test]
async fn a_rate_limited_job_waits_out_each_closed_window() {
    const LIMIT: u64 = 4;
    const CONCURRENCY: usize = 3;
    // How late after a 429's answer a request already sent may still arrive.
    const IN_FLIGHT_US: u64 = 15_000;
    let h = Harness::generated(500, 5).await;
    let c = h.client();
    let ids = all_ids(&c).await;
    let p = jobs::plan(
        Operation::AddTags {
            tags: vec!["paced".into()],
        },
        &ids,
        &HashMap::new(),
    )
    .unwrap();
    assert_eq!(p.units.len(), 10);
    h.reset_requests().await;
    let started = std::time::Instant::now();
    h.put_faults(json!({"rateLimit": LIMIT, "latencyMs": [20, 120]}))
        .await;
    let outcomes = jobs::run(&c, &p, CONCURRENCY, &CancelHandle::default(), None, None).await;
    let took = started.elapsed();
    let log = h.request_detail().await;
    h.put_faults(json!({})).await;

    // Each of the 10 calls needs a request the server lets through; windows open at least
    // a second apart, the first one at the PUT.
    let calls = p.units.len() as u64;
    let windows = calls.div_ceil(LIMIT);
    assert!(
        took >= Duration::from_secs(windows - 1),
        "{calls} calls at {LIMIT}/s need {windows} windows, the job took {took:?}"
    );
    let limited: Vec<_> = log.iter().filter(|r| r.request.status == 429).collect();
    assert!(!limited.is_empty(), "the limit was met");
    for r in &limited {
        let answered_at = r.at_us + r.took_us;
        let reopens = r.at_us + r.reset_ms.expect("a 429 says when the window ends") * 1000;
        let after: Vec<u64> = log
            .iter()
            .map(|o| o.at_us)
            .filter(|at| *at > answered_at && *at < reopens)
            .collect();
        let in_flight = after
            .iter()
            .filter(|at| **at <= answered_at + IN_FLIGHT_US)
            .count();
        assert!(
            in_flight < CONCURRENCY && in_flight == after.len(),
            "requests at {after:?} µs reached the server inside the window a 429 closed \
             from {answered_at} to {reopens} µs"
        );
    }
    assert!(
        outcomes.iter().all(|o| o.outcome == Outcome::Succeeded),
        "{:?}",
        outcomes.iter().find(|o| o.outcome != Outcome::Succeeded)
    );
    assert_eq!(files_with_tag(&c, "paced").await.len(), ids.len());
}

/// A call whose answer is lost is sent again, and the first attempt may have applied it;
/// when the next attempt then fails a file (207) or the call gives up, the server may
/// still hold the change. Under seeded faults (half the calls dropped, half the files
/// of each answered call failed), the job reports as succeeded exactly the files the
/// server has changed, whatever the sequence.
#[tokio::test]
async fn a_lost_answer_that_was_applied_is_reported_as_done() {
    let h = Harness::generated(50, 5).await;
    let c = h.client();
    let ids = all_ids(&c).await;
    let (mut succeeded, mut failed) = (0, 0);
    for seed in 1..=12u64 {
        let tag = format!("lost-{seed}");
        let p = jobs::plan(
            Operation::AddTags {
                tags: vec![tag.clone()],
            },
            &ids,
            &HashMap::new(),
        )
        .unwrap();
        assert_eq!(p.units.len(), 1);
        let r = h
            .put_faults(json!({"failRate": 0.5, "resetRate": 0.5, "rngSeed": seed}))
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let outcomes = jobs::run(&c, &p, 1, &CancelHandle::default(), None, None).await;
        h.put_faults(json!({})).await;
        let tagged = files_with_tag(&c, &tag).await;
        let reported: BTreeSet<String> = outcomes
            .iter()
            .filter(|o| o.outcome == Outcome::Succeeded)
            .map(|o| o.file_id.clone())
            .collect();
        assert_eq!(outcomes.len(), 50);
        assert_eq!(reported, tagged, "seed {seed}");
        succeeded += reported.len();
        failed += 50 - reported.len();
    }
    assert!(
        succeeded > 0 && failed > 0,
        "{succeeded} succeeded, {failed} failed"
    );
}

#[tokio::test]
async fn missing_ids_are_reported_and_the_rest_of_the_chunk_is_applied() {
    let h = Harness::generated(120, 5).await;
    let c = h.client();
    let mut ids = all_ids(&c).await;
    let ghosts = [
        "6500000000000000000000f1",
        "6500000000000000000000f2",
        "6500000000000000000000f3",
    ];
    ids.insert(10, ghosts[0].into());
    ids.insert(70, ghosts[1].into());
    ids.push(ghosts[2].into());
    let p = jobs::plan(
        Operation::RemoveTags {
            tags: vec!["product".into()],
        },
        &ids,
        &HashMap::new(),
    )
    .unwrap();
    let outcomes = jobs::run(&c, &p, 4, &CancelHandle::default(), None, None).await;
    let missing: BTreeSet<&str> = outcomes
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::Missing { .. }))
        .map(|o| o.file_id.as_str())
        .collect();
    assert_eq!(missing, ghosts.into_iter().collect());
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| o.outcome == Outcome::Succeeded)
            .count(),
        120
    );
    assert!(files_with_tag(&c, "product").await.is_empty());
}

#[tokio::test]
async fn cancel_stops_new_units_and_records_the_rest_as_cancelled() {
    let h = Harness::generated(500, 5).await;
    let c = h.client();
    let ids = all_ids(&c).await;
    let p = jobs::plan(
        Operation::AddTags {
            tags: vec!["half".into()],
        },
        &ids,
        &HashMap::new(),
    )
    .unwrap();
    h.put_faults(json!({"latencyMs": [30, 30]})).await;
    let cancel = CancelHandle::default();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let on_first_unit = cancel.clone();
    tokio::spawn(async move {
        if let Some(Event::Done(_)) = rx.recv().await {
            on_first_unit.cancel();
        }
    });
    let outcomes = jobs::run(&c, &p, 1, &cancel, None, Some(tx)).await;
    h.put_faults(json!({})).await;
    assert_eq!(outcomes.len(), 500);
    let done: BTreeSet<String> = outcomes
        .iter()
        .filter(|o| o.outcome == Outcome::Succeeded)
        .map(|o| o.file_id.clone())
        .collect();
    let cancelled = outcomes
        .iter()
        .filter(|o| o.outcome == Outcome::Cancelled)
        .count();
    assert!(
        !done.is_empty() && cancelled > 0,
        "{} done, {cancelled} cancelled",
        done.len()
    );
    assert_eq!(
        files_with_tag(&c, "half").await,
        done,
        "exactly the reported files changed"
    );
}

#[tokio::test]
async fn journal_holds_the_plan_and_outcomes_but_never_the_key() {
    let h = Harness::generated(130, 5).await;
    let c = h.client();
    let ids = all_ids(&c).await;
    let dir = tempfile::tempdir().unwrap();
    let p = jobs::plan(Operation::Delete, &ids, &HashMap::new()).unwrap();
    let header = journal::Header {
        library: Some(iktag::jobs::Library::new(&h.base, None, KEY, false)),
        ..Default::default()
    };
    let j = journal::Journal::create(dir.path(), &p, &header).unwrap();
    let outcomes = jobs::run(&c, &p, 2, &CancelHandle::default(), Some(&j), None).await;
    let mut summary = jobs::Summary {
        job: j.id.clone(),
        ..Default::default()
    };
    for o in &outcomes {
        summary.add(&o.outcome);
    }
    j.finished(&summary).unwrap();
    assert_eq!(summary.succeeded, 130);
    let r = journal::load(dir.path(), &j.id).unwrap();
    assert_eq!(r.outcomes.len(), 130);
    assert!(r.unapplied().is_empty());
    assert_eq!(r.finished.as_ref().map(|s| s.succeeded), Some(130));
    let text = std::fs::read_to_string(&j.path).unwrap();
    assert!(!text.contains(KEY), "the key is not in the journal");
    assert!(all_ids(&c).await.is_empty());
}

/// The answer of the job's first request is lost after the server applied it (whatever
/// the order of the two units in flight, the first request is a unit's first call): that
/// unit is sent again, finds its files gone, and reports them so, with the reason.
#[tokio::test]
async fn dropped_answers_are_replayed_and_reported_honestly() {
    let h = Harness::generated(400, 5).await;
    let c = h.client();
    let ids = all_ids(&c).await;
    h.reset_requests().await;
    h.put_faults(json!({"loseAnswers": [1]})).await;
    let p = jobs::plan(Operation::Delete, &ids, &HashMap::new()).unwrap();
    assert_eq!(p.units.len(), 4);
    let outcomes = jobs::run(&c, &p, 2, &CancelHandle::default(), None, None).await;
    let injected = h.injected().await;
    let log = h.request_detail().await;
    h.put_faults(json!({})).await;
    assert_eq!(injected.lost_answers, 1, "{injected:?}");
    assert_eq!(log[0].fault.as_deref(), Some("lostAnswer"), "{log:?}");
    assert!(all_ids(&c).await.is_empty(), "every file is deleted");
    let mut replay_notes = 0;
    for o in &outcomes {
        match &o.outcome {
            Outcome::Succeeded => {}
            Outcome::Missing { note } => {
                assert!(
                    note.as_deref().unwrap_or("").contains("earlier attempt"),
                    "{note:?}"
                );
                replay_notes += 1;
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(outcomes.len(), 400);
    assert_eq!(replay_notes, 100, "the unit whose answer was lost");
}

#[tokio::test]
async fn update_details_jobs_patch_every_file_and_fields_can_be_created() {
    let h = Harness::generated(30, 5).await;
    let c = h.client();
    let ids = all_ids(&c).await;
    let schema: iktag::model::FieldSchema =
        serde_json::from_value(json!({"type": "Text", "maxLength": 50})).unwrap();
    let field = c
        .create_custom_metadata_field("reviewer", "Reviewer", &schema)
        .await
        .unwrap();
    assert_eq!(field.name, "reviewer");
    assert!(
        c.custom_metadata_fields()
            .await
            .unwrap()
            .iter()
            .any(|f| f.name == "reviewer")
    );

    let body = iktag::api::UpdateRequest {
        custom_metadata: Some(serde_json::from_value(json!({"reviewer": "ana"})).unwrap()),
        description: Some("checked".into()),
        ..Default::default()
    }
    .to_json();
    let p = jobs::plan(Operation::UpdateDetails { body }, &ids, &HashMap::new()).unwrap();
    let outcomes = jobs::run(&c, &p, 4, &CancelHandle::default(), None, None).await;
    assert!(outcomes.iter().all(|o| o.outcome == Outcome::Succeeded));
    for f in c.list(ListQuery::default()).collect_files().await.unwrap() {
        assert_eq!(f.custom_metadata.get("reviewer"), Some(&json!("ana")));
        assert_eq!(f.description.as_deref(), Some("checked"));
    }
}
