//! Sandbox speed over real loopback HTTP, with 100 000 generated files:
//! listing a 1000-file page (the first, and the last at skip=99000), tag searches (a common
//! tag on the first and a deep page, a rare tag, no match), and a 50-id addTags (in memory
//! and on disk);
//! and seeding 100 000 generated files: the generator alone, then generated into a store
//! in memory and on disk (what `iktag sandbox --files N` does before it is ready).
//!
//! Run: `cargo bench --bench sandbox` (`-- seed/` for seeding only)

use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use iktag::sandbox::{Sandbox, SandboxConfig, SeedSource, open_store, seed};
use serde_json::{Value, json};

const KEY: &str = "private_bench";
const FILES: usize = 100_000;

struct Server {
    base: String,
    _rt: tokio::runtime::Runtime,
    _sandbox: Sandbox,
    _dir: Option<tempfile::TempDir>,
}

fn server(on_disk: bool) -> Server {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let dir = on_disk.then(|| tempfile::tempdir().expect("tempdir"));
    let mut cfg = SandboxConfig::ephemeral(
        KEY,
        SeedSource::Generate {
            files: FILES,
            seed: 42,
        },
    );
    cfg.data_dir = dir.as_ref().map(|d| d.path().to_path_buf());
    let sandbox = rt.block_on(Sandbox::start(cfg)).expect("sandbox starts");
    Server {
        base: sandbox.base_url(),
        _rt: rt,
        _sandbox: sandbox,
        _dir: dir,
    }
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

fn get(c: &reqwest::blocking::Client, url: &str) -> Vec<u8> {
    let r = c
        .get(url)
        .basic_auth(KEY, None::<&str>)
        .send()
        .expect("send");
    assert!(r.status().is_success(), "{url}: {}", r.status());
    r.bytes().expect("body").to_vec()
}

fn post(c: &reqwest::blocking::Client, url: &str, body: &Value) {
    let r = c
        .post(url)
        .basic_auth(KEY, None::<&str>)
        .json(body)
        .send()
        .expect("send");
    assert_eq!(r.status(), 200, "{url}");
}

fn bench(c: &mut Criterion) {
    let s = server(false);
    let http = client();
    let page = format!("{}/v1/files?limit=1000", s.base);
    let first: Vec<Value> = serde_json::from_slice(&get(&http, &page)).expect("json");
    assert_eq!(first.len(), 1000);

    // The most and the least common tag of the first page. A search stops once it has
    // `skip + limit` matches, so a common tag on the first page scans only a sliver of the
    // library: deep pages (the TUI's loader asks for 100 of them), a rare tag and a search
    // matching nothing are the ones that scan it all.
    let mut counts = std::collections::HashMap::<String, usize>::new();
    for f in &first {
        for t in f["tags"].as_array().into_iter().flatten() {
            *counts
                .entry(t.as_str().unwrap_or_default().to_owned())
                .or_default() += 1;
        }
    }
    let mut by_count: Vec<(String, usize)> = counts.into_iter().collect();
    by_count.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let (tag, _) = by_count
        .first()
        .cloned()
        .expect("generated files have tags");
    let (rare_tag, rare_n) = by_count.last().cloned().expect("generated files have tags");
    let search_url = |q: &str, skip: usize| {
        let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
        format!("{}/v1/files?limit=1000&skip={skip}&searchQuery={q}", s.base)
    };
    let search = search_url(&format!(r#"tags IN ["{tag}", "no-such-tag"]"#), 0);
    let search_deep = search_url(&format!(r#"tags IN ["{tag}", "no-such-tag"]"#), 99_000);
    let rare_search = search_url(&format!(r#"tags IN ["{rare_tag}"]"#), 0);
    let rare = search_url(r#"tags IN ["no-such-tag"] AND size > "1mb""#, 0);
    let deep = format!("{}/v1/files?limit=1000&skip=99000", s.base);
    let deep_page: Vec<Value> = serde_json::from_slice(&get(&http, &deep)).expect("json");
    assert_eq!(deep_page.len(), 1000, "skip=99000 is the last full page");
    let rare_hits: Vec<Value> = serde_json::from_slice(&get(&http, &rare_search)).expect("json");
    assert!(!rare_hits.is_empty(), "{rare_tag} is on the first page");
    eprintln!(
        "common tag {tag:?}; rare tag {rare_tag:?}: {rare_n} on the first page, {} hits in all (limit 1000)",
        rare_hits.len()
    );

    let mut g = c.benchmark_group("sandbox_100k");
    g.sample_size(30);
    g.bench_function("list limit=1000", |b| b.iter(|| get(&http, &page)));
    g.bench_function("list limit=1000 skip=99000", |b| {
        b.iter(|| get(&http, &deep));
    });
    g.bench_function(format!("search tags IN [{tag}] limit=1000"), |b| {
        b.iter(|| get(&http, &search));
    });
    g.bench_function(
        format!("search tags IN [{tag}] limit=1000 skip=99000"),
        |b| {
            b.iter(|| get(&http, &search_deep));
        },
    );
    g.bench_function("search a rare tag limit=1000", |b| {
        b.iter(|| get(&http, &rare_search));
    });
    g.bench_function("search with no match (full scan)", |b| {
        b.iter(|| get(&http, &rare));
    });
    g.bench_function("sort DESC_SIZE limit=1000", |b| {
        b.iter(|| {
            get(
                &http,
                &format!("{}/v1/files?limit=1000&sort=DESC_SIZE", s.base),
            )
        });
    });

    let ids: Vec<&str> = first
        .iter()
        .take(50)
        .filter_map(|f| f["fileId"].as_str())
        .collect();
    let add = json!({"fileIds": ids, "tags": ["bench-tag"]});
    let add_url = format!("{}/v1/files/addTags", s.base);
    let remove_url = format!("{}/v1/files/removeTags", s.base);
    g.bench_function("addTags 50 ids (memory)", |b| {
        b.iter_batched(
            || post(&http, &remove_url, &add),
            |()| post(&http, &add_url, &add),
            BatchSize::PerIteration,
        );
    });
    drop(s);

    let d = server(true);
    let add_url = format!("{}/v1/files/addTags", d.base);
    let remove_url = format!("{}/v1/files/removeTags", d.base);
    g.bench_function("addTags 50 ids (--data, SQLite WAL)", |b| {
        b.iter_batched(
            || post(&http, &remove_url, &add),
            |()| post(&http, &add_url, &add),
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

fn seeding(c: &mut Criterion) {
    let mut g = c.benchmark_group("seed");
    g.sample_size(10);
    g.bench_function("100k generate", |b| {
        b.iter(|| seed::generate(FILES, 42));
    });
    g.bench_function("100k generate in store order", |b| {
        b.iter(|| seed::Plan::new(FILES, 42).sorted().library());
    });
    let config = |dir: Option<&tempfile::TempDir>| {
        let mut cfg = SandboxConfig::ephemeral(
            KEY,
            SeedSource::Generate {
                files: FILES,
                seed: 42,
            },
        );
        cfg.data_dir = dir.map(|d| d.path().to_path_buf());
        cfg
    };
    g.bench_function("100k generate+store (memory)", |b| {
        b.iter(|| open_store(&config(None)).expect("seeds"));
    });
    g.bench_function("100k generate+store (--data, SQLite)", |b| {
        b.iter_batched(
            || tempfile::tempdir().expect("tempdir"),
            |dir| {
                open_store(&config(Some(&dir))).expect("seeds");
                dir
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

criterion_group!(benches, bench, seeding);
criterion_main!(benches);
