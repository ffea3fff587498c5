//! The bulk-job benchmark: remove one tag from 5 000 files on a sandbox with 40 ms latency.
//!
//! 1. With `--rate-limit 20/s`: the job's wall time against the floor the limit allows.
//! 2. Without a limit: the job engine against a plain sequential loop of one PATCH per
//!    file (what a script over an official SDK does). The loop is timed on a 250-file
//!    sample and scaled to 5 000, since running it in full takes over three minutes.
//!    Then each factor alone: one PATCH per file with 8 in flight (concurrency without
//!    batching; timed on 1 000 files and scaled), and `removeTags` with 50 ids per call,
//!    one call after another (batching without concurrency, all 5 000 files).
//! 3. Without a limit, on 500 of the files: the real binary's `iktag tags rm TAG
//!    --ids-from FILE --yes` (start, pre-fetch of the files' details, plan, journal, calls,
//!    read back) against what a careful script over an official SDK does: `removeTags`
//!    with 50 ids per call, one call after another (target: iktag at least 2x faster).
//!
//! Run: `cargo bench --bench bulk_job`

use std::collections::HashMap;
use std::process::{Command, Stdio};
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
/// Files of the PATCH-per-file run at concurrency 8, scaled to `FILES` like the loop's.
const POOL_SAMPLE: usize = 1000;
/// Files of the `iktag tags rm` comparison, and how many times each side runs.
const CLI_FILES: usize = 500;
const CLI_RUNS: usize = 5;
const CLI_TARGET: f64 = 2.0;

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
    let sample = sample_files(&client, SAMPLE).await;
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
    split_factors(&sandbox, &client, &ids, engine, sequential).await;

    // 3. `iktag tags rm` on 500 files vs a sequential loop of 50-id removeTags calls.
    cli_vs_loop(&sandbox, &client, &ids[..CLI_FILES.min(ids.len())]).await;
    sandbox.stop().await;
}

/// One PATCH per file with `concurrency` calls in flight (what a script with a worker pool
/// does), over `sample`; returns the time per file in seconds.
async fn patch_pool(client: &Client, sample: &[FileDetailsLite], concurrency: usize) -> f64 {
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let files = std::sync::Arc::new(sample.to_vec());
    let t = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (client, next, files) = (client.clone(), next.clone(), files.clone());
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(f) = files.get(i) else { break };
                    let tags: Vec<String> = f.tags.iter().filter(|t| *t != TAG).cloned().collect();
                    let req = UpdateRequest {
                        tags: Some(if tags.is_empty() { None } else { Some(tags) }),
                        ..Default::default()
                    };
                    client.update_details(&f.id, &req).await.expect("patch");
                }
            })
        })
        .collect();
    for w in workers {
        w.await.expect("worker");
    }
    t.elapsed().as_secs_f64() / sample.len() as f64
}

/// Batching and concurrency, one at a time: PATCH per file at the engine's concurrency, and
/// the engine's 50-id calls one after another, next to the engine (both) and the plain loop
/// (neither).
async fn split_factors(
    sandbox: &Sandbox,
    client: &Client,
    ids: &[String],
    engine: Duration,
    sequential: f64,
) {
    set_faults(sandbox, false, None);
    tag_all(client, ids).await;
    let sample = sample_files(client, POOL_SAMPLE).await;
    set_faults(sandbox, true, None);
    let per_file = patch_pool(client, &sample, 8).await;
    let pooled = per_file * FILES as f64;

    set_faults(sandbox, false, None);
    tag_all(client, ids).await;
    set_faults(sandbox, true, None);
    let (batched, calls) = sdk_loop(client, ids).await;
    let e = engine.as_secs_f64();
    println!(
        "no rate limit, 40 ms latency, {FILES} files: neither (PATCH per file, one at a time) {sequential:.1} s; \
         concurrency only (PATCH per file, 8 in flight) {pooled:.1} s (measured on {POOL_SAMPLE} files, {:.2} ms each); \
         batching only ({calls} removeTags calls of {} ids, one at a time) {:.2} s; \
         both (job engine: {} ids per call, 8 in flight) {e:.2} s",
        per_file * 1000.0,
        jobs::TAG_CHUNK,
        batched.as_secs_f64(),
        jobs::TAG_CHUNK,
    );
    println!(
        "speed-ups over the plain loop: concurrency {:.1}x, batching {:.1}x, both {:.0}x; engine over batching alone {:.1}x, over concurrency alone {:.1}x",
        sequential / pooled,
        sequential / batched.as_secs_f64(),
        sequential / e,
        batched.as_secs_f64() / e,
        pooled / e,
    );
}

/// Runs `iktag tags rm TAG --ids-from FILE --yes` against the sandbox; returns its wall
/// time (process start to exit) and how many requests it made.
async fn iktag_tags_rm(
    sandbox: &Sandbox,
    state: &std::path::Path,
    ids_file: &std::path::Path,
    files: usize,
) -> (Duration, u64) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iktag"));
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", state)
        .env("IKTAG_CONFIG_DIR", state)
        .env("IKTAG_STATE_DIR", state)
        .env("IMAGE_KIT_BASE_URL", sandbox.base_url())
        .env("IMAGEKIT_PRIVATE_KEY", KEY)
        .env("IKTAG_LOG", "warn")
        .args(["tags", "rm", TAG, "--yes", "--ids-from"])
        .arg(ids_file)
        .stdin(Stdio::null());
    let before = sandbox.requests();
    // Blocking wait off the runtime's workers: the sandbox answers on them.
    let (took, out) = tokio::task::spawn_blocking(move || {
        let t = Instant::now();
        let out = cmd.output().expect("iktag runs");
        (t.elapsed(), out)
    })
    .await
    .expect("iktag joined");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains(&format!(": {files} succeeded, 0 failed")),
        "iktag tags rm: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (took, sandbox.requests() - before)
}

/// What a careful script over an official SDK does: `removeTags`, 50 ids per call, one
/// call after another.
async fn sdk_loop(client: &Client, ids: &[String]) -> (Duration, u64) {
    let t = Instant::now();
    let mut calls = 0;
    for chunk in ids.chunks(jobs::TAG_CHUNK) {
        let out = client
            .remove_tags(chunk, &[TAG.to_owned()])
            .await
            .expect("removeTags");
        assert!(out.failed.is_empty(), "every file confirmed");
        calls += 1;
    }
    (t.elapsed(), calls)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

async fn cli_vs_loop(sandbox: &Sandbox, client: &Client, ids: &[String]) {
    let state = tempfile::tempdir().expect("temp dir");
    let ids_file = state.path().join("ids.txt");
    std::fs::write(&ids_file, ids.join("\n") + "\n").expect("ids file");
    let (mut cli, mut script) = (Vec::new(), Vec::new());
    let (mut cli_requests, mut script_calls) = (0, 0);
    for _ in 0..CLI_RUNS {
        set_faults(sandbox, false, None);
        tag_all(client, ids).await;
        set_faults(sandbox, true, None);
        let (took, requests) = iktag_tags_rm(sandbox, state.path(), &ids_file, ids.len()).await;
        cli.push(took);
        cli_requests = requests;

        set_faults(sandbox, false, None);
        tag_all(client, ids).await;
        set_faults(sandbox, true, None);
        let (took, calls) = sdk_loop(client, ids).await;
        script.push(took);
        script_calls = calls;
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let runs = |v: &[Duration]| {
        v.iter()
            .map(|d| format!("{:.0}", ms(*d)))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (c, s) = (median(cli.clone()), median(script.clone()));
    let speedup = s.as_secs_f64() / c.as_secs_f64();
    println!(
        "no rate limit, 40 ms latency, {} files: `iktag tags rm` {:.0} ms ({cli_requests} requests; runs {} ms); sequential removeTags loop, {} ids per call {:.0} ms ({script_calls} calls; runs {} ms); speed-up {speedup:.2}x (target ≥ {CLI_TARGET}x) {}",
        ids.len(),
        ms(c),
        runs(&cli),
        jobs::TAG_CHUNK,
        ms(s),
        runs(&script),
        if speedup >= CLI_TARGET {
            "ok"
        } else {
            "MISSED"
        }
    );
}

#[derive(Clone)]
struct FileDetailsLite {
    id: String,
    tags: Vec<String>,
}

/// The first `n` files of the library with their tags (the per-file loops' input).
async fn sample_files(client: &Client, n: usize) -> Vec<FileDetailsLite> {
    client
        .list(ListQuery {
            max_items: Some(n),
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
        .collect()
}
