//! The bulk-job benchmark: remove one tag from 5 000 files on a sandbox with 40 ms latency.
//!
//! 1. With `--rate-limit 20/s`: the job's wall time against the floor the limit allows.
//! 2. Without a limit: the job engine against a plain sequential loop of one PATCH per
//!    file (what a script over an official SDK does). The loop is timed on a 250-file
//!    sample and scaled to 5 000, since running it in full takes over three minutes.
//!
//! Run: `cargo bench --bench bulk_job`

use std::collections::HashMap;
use std::time::{Duration, Instant};

use iktag::api::{Client, ClientOptions, ListQuery, UpdateRequest};
use iktag::jobs::{self, CancelHandle, Operation, Outcome};
use iktag::sandbox::faults::FaultConfig;
use iktag::sandbox::{Sandbox, SandboxConfig, SeedSource};

const KEY: &str = "private_bench";
const FILES: usize = 5000;
const TAG: &str = "bench-tag";
const RATE: u32 = 20;
const SAMPLE: usize = 250;

async fn setup() -> (Sandbox, Client, Vec<String>) {
    let sandbox = Sandbox::start(SandboxConfig::ephemeral(
        KEY,
        SeedSource::Generate {
            files: FILES,
            seed: 3,
        },
    ))
    .await
    .expect("sandbox");
    let client = Client::new(ClientOptions::new(
        url::Url::parse(&sandbox.base_url()).expect("url"),
        KEY,
    ))
    .expect("client");
    let ids: Vec<String> = client
        .list(ListQuery::default())
        .collect_files()
        .await
        .expect("list")
        .into_iter()
        .map(|f| f.file_id)
        .collect();
    (sandbox, client, ids)
}

async fn tag_all(client: &Client, ids: &[String]) {
    let p = jobs::plan(
        Operation::AddTags {
            tags: vec![TAG.into()],
        },
        ids,
        &HashMap::new(),
    )
    .expect("plan");
    let out = jobs::run(client, &p, 16, &CancelHandle::default(), None, None).await;
    assert!(out.iter().all(|o| o.outcome == Outcome::Succeeded));
}

async fn remove_job(client: &Client, ids: &[String], concurrency: usize) -> Duration {
    let p = jobs::plan(
        Operation::RemoveTags {
            tags: vec![TAG.into()],
        },
        ids,
        &HashMap::new(),
    )
    .expect("plan");
    let t = Instant::now();
    let out = jobs::run(
        client,
        &p,
        concurrency,
        &CancelHandle::default(),
        None,
        None,
    )
    .await;
    let took = t.elapsed();
    let ok = out
        .iter()
        .filter(|o| o.outcome == Outcome::Succeeded)
        .count();
    assert_eq!(ok, ids.len(), "every file confirmed");
    took
}

fn set_faults(sandbox: &Sandbox, latency: bool, rate: Option<u32>) {
    sandbox.state.faults.set(FaultConfig {
        latency_ms: latency.then_some((40, 40)),
        rate_limit: rate,
        ..FaultConfig::default()
    });
}

#[tokio::main]
async fn main() {
    // `cargo test --benches` runs bench binaries with `--bench` absent: keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("bulk_job: run with `cargo bench --bench bulk_job`");
        return;
    }
    let (sandbox, client, ids) = setup().await;
    let calls = ids.len().div_ceil(jobs::TAG_CHUNK);

    // 1. Rate-limited.
    set_faults(&sandbox, false, None);
    tag_all(&client, &ids).await;
    set_faults(&sandbox, true, Some(RATE));
    let limited = remove_job(&client, &ids, 8).await;
    // The first window admits RATE calls at once; the rest go RATE per second.
    let floor =
        Duration::from_secs_f64(calls.saturating_sub(RATE as usize) as f64 / f64::from(RATE))
            + Duration::from_millis(40);
    println!(
        "rate limit {RATE}/s, 40 ms latency: {calls} calls for {FILES} files in {:.2} s; floor {:.2} s; ratio {:.2}",
        limited.as_secs_f64(),
        floor.as_secs_f64(),
        limited.as_secs_f64() / floor.as_secs_f64()
    );

    // 2. No rate limit: engine vs a sequential PATCH loop.
    set_faults(&sandbox, false, None);
    tag_all(&client, &ids).await;
    set_faults(&sandbox, true, None);
    let engine = remove_job(&client, &ids, 8).await;

    set_faults(&sandbox, false, None);
    tag_all(&client, &ids).await;
    let sample: Vec<FileDetailsLite> = client
        .list(ListQuery {
            max_items: Some(SAMPLE),
            ..Default::default()
        })
        .collect_files()
        .await
        .expect("list")
        .into_iter()
        .map(|f| FileDetailsLite {
            id: f.file_id,
            tags: f.tags,
        })
        .collect();
    set_faults(&sandbox, true, None);
    let t = Instant::now();
    for f in &sample {
        let tags: Vec<String> = f.tags.iter().filter(|t| *t != TAG).cloned().collect();
        let req = UpdateRequest {
            tags: Some(if tags.is_empty() { None } else { Some(tags) }),
            ..Default::default()
        };
        client.update_details(&f.id, &req).await.expect("patch");
    }
    let per_file = t.elapsed().as_secs_f64() / sample.len() as f64;
    let sequential = per_file * FILES as f64;
    println!(
        "no rate limit, 40 ms latency: job engine {:.2} s; sequential PATCH loop {:.1} s (measured on {SAMPLE} files, {:.1} ms each); speed-up {:.0}x",
        engine.as_secs_f64(),
        sequential,
        per_file * 1000.0,
        sequential / engine.as_secs_f64()
    );
    sandbox.stop().await;
}

struct FileDetailsLite {
    id: String,
    tags: Vec<String>,
}
