//! Checking 100 000 files against the demo rules (`assets/demo-rules.toml`: merges, a ban,
//! the style, a `require` rule, AI thresholds), grouping the violations and planning their
//! fix as one job; a starter file (`--init`) from the same files. Target: the check well
//! under a second.
//!
//! Run: `cargo bench --bench lint`

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use iktag::lint::{self, Rules};
use iktag::model::FileDetails;

const FILES: usize = 100_000;

fn setup() -> (Rules, Vec<FileDetails>, Vec<HashSet<String>>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo-rules.toml");
    let rules = Rules::load(&path).expect("the demo rules load");
    let files = iktag::sandbox::seed::generate(FILES, 1).files;
    // What the server answers for `path : "/products"`, worked out here.
    let required = rules
        .requires()
        .iter()
        .map(|_| {
            files
                .iter()
                .filter(|f| f.file_path.starts_with("/products/"))
                .map(|f| f.file_id.clone())
                .collect()
        })
        .collect();
    (rules, files, required)
}

fn check(
    rules: &Rules,
    files: &[FileDetails],
    required: &[HashSet<String>],
) -> Vec<lint::Violation> {
    lint::check(
        rules,
        files.iter().map(|f| (f.file_id.as_str(), f)),
        required,
    )
}

fn bench(c: &mut Criterion) {
    let (rules, files, required) = setup();
    let started = Instant::now();
    let violations = check(&rules, &files, &required);
    let took = started.elapsed();
    let fixable = violations.iter().filter(|v| v.fix.is_some()).count();
    eprintln!(
        "{FILES} files: {} violations ({fixable} fixable) in {took:.1?} (target well under 1 s)",
        violations.len()
    );
    let by_id: HashMap<&str, &FileDetails> =
        files.iter().map(|f| (f.file_id.as_str(), f)).collect();
    let mut g = c.benchmark_group("lint");
    g.sample_size(10)
        .measurement_time(Duration::from_secs(10))
        .warm_up_time(Duration::from_secs(1));
    g.bench_function("check 100k", |b| {
        b.iter(|| check(&rules, &files, &required));
    });
    g.bench_function("groups 100k", |b| b.iter(|| lint::groups(&violations)));
    g.bench_function("fix plan 100k", |b| {
        b.iter(|| lint::fix_plan(&violations, |id| by_id.get(id).copied()).expect("plans"));
    });
    g.bench_function("init 100k", |b| b.iter(|| lint::init(files.iter())));
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
