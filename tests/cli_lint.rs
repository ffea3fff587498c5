//! `iktag lint` as a script runs it: the binary against the demo library on a loopback
//! sandbox, with the shipped `assets/demo-rules.toml`.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::*;
use iktag::sandbox::SeedSource;
use iktag::sandbox::faults::FaultConfig;
use serde_json::{Value, json};

fn demo_rules() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo-rules.toml")
}

async fn lint(h: &Harness, state: &Path, args: &[&str]) -> Output {
    let mut c = iktag(h, state);
    c.current_dir(state).arg("lint").args(args);
    run(c).await
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The last line of stderr: the error (debug logs come before it).
fn last_err(o: &Output) -> String {
    err(o).lines().last().unwrap_or_default().to_owned()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Violations per rule, the tags of each rule with their counts, and the summary line.
struct Report {
    rules: BTreeMap<String, usize>,
    tags: BTreeMap<(String, String), usize>,
    summary: Value,
    lines: Vec<Value>,
}

fn report(o: &Output) -> Report {
    let mut lines = lines(o);
    let summary = lines.pop().expect("a summary line")["summary"].clone();
    let mut rules = BTreeMap::new();
    let mut tags = BTreeMap::new();
    for l in &lines {
        let rule = l["rule"].as_str().unwrap().to_owned();
        *rules.entry(rule.clone()).or_insert(0) += 1;
        *tags
            .entry((rule, l["tag"].as_str().unwrap().to_owned()))
            .or_insert(0) += 1;
    }
    Report {
        rules,
        tags,
        summary,
        lines,
    }
}

fn counts(pairs: &[(&str, usize)]) -> BTreeMap<String, usize> {
    pairs.iter().map(|(k, n)| ((*k).to_owned(), *n)).collect()
}

const SUMMER_SALE: [(&str, usize); 5] = [
    ("Summer Sale", 9),
    ("summersale", 9),
    ("summer_sale", 4),
    ("summer sale", 2),
    ("SUMMER-SALE", 1),
];

fn summer_sale(r: &Report) -> Vec<(&str, usize)> {
    SUMMER_SALE
        .iter()
        .map(|(t, _)| {
            let n = r
                .tags
                .get(&("merge".to_owned(), (*t).to_owned()))
                .copied()
                .unwrap_or(0);
            (*t, n)
        })
        .collect()
}

async fn tagged(h: &Harness, tag: &str) -> usize {
    let r = h
        .get(&format!(
            "/v1/files?searchQuery={}",
            q(&format!("tags IN [{}]", json!(tag)))
        ))
        .await;
    ids(&r.body).len()
}

/// The `--json` report of the untouched demo library.
async fn json_report(h: &Harness, state: &Path, rules: &str) {
    let o = lint(h, state, &["--rules", rules, "--json"]).await;
    assert_eq!(o.status.code(), Some(4), "violations exit 4: {}", err(&o));
    let r = report(&o);
    assert_eq!(
        r.rules,
        counts(&[
            ("merge", 42),
            ("ban", 2),
            ("style", 29),
            ("require", 31),
            ("ai-promote", 19),
            ("ai-remove", 59),
        ])
    );
    assert_eq!(summer_sale(&r), SUMMER_SALE);
    assert_eq!(r.tags[&("ban".into(), "do-not-use".into())], 2);
    assert_eq!(
        r.summary,
        json!({"violations": 182, "files": 148, "fixable": 151})
    );
    let first = r.lines[0].as_object().unwrap();
    assert_eq!(
        first.keys().collect::<Vec<_>>(),
        ["fileId", "fix", "path", "rule", "tag"]
            .iter()
            .collect::<Vec<_>>()
    );
    let summer = r.lines.iter().find(|l| l["tag"] == "Summer Sale").unwrap();
    assert_eq!(summer["fix"], "rename Summer Sale → summer-sale");
    assert!(
        r.lines
            .iter()
            .filter(|l| l["rule"] == "require")
            .all(|l| l["fix"].is_null() && l["path"].as_str().unwrap().starts_with("/products/"))
    );
}

/// The text report: grouped by rule with counts, the same exit code.
async fn text_report(h: &Harness, state: &Path, rules: &str) {
    let o = lint(h, state, &["--rules", rules]).await;
    assert_eq!(o.status.code(), Some(4));
    let text = out(&o);
    assert!(text.contains("merge (42 violations)\n"), "{text}");
    assert!(
        text.contains("\n      9  Summer Sale → summer-sale    e.g. "),
        "{text}"
    );
    assert!(
        text.contains("require (31 violations: no automatic fix, these files need a human)\n"),
        "{text}"
    );
    assert!(
        text.ends_with(&format!(
            "294 files checked against {rules}: 182 violations on 148 files, 151 fixable (`iktag lint --fix`)\n"
        )),
        "{text}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lint_fix_then_lint_leaves_require_and_undo_brings_the_variants_back() {
    let h = Harness::with(SeedSource::Demo, FaultConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let rules = demo_rules();
    let rules = rules.to_str().unwrap();

    json_report(&h, state.path(), rules).await;
    text_report(&h, state.path(), rules).await;

    // A dry run changes nothing.
    let o = lint(&h, state.path(), &["--rules", rules, "--fix", "--dry-run"]).await;
    assert_eq!(o.status.code(), Some(4), "{}", err(&o));
    assert!(
        out(&o).starts_with("dry run: several operations on 130 files in "),
        "{}",
        out(&o)
    );
    assert!(err(&o).contains("remove AI tags Person from 22 files (cannot be undone)"));
    // One line per file with every operation's change to it.
    let diff = out(&o);
    assert_eq!(diff.lines().count(), 1 + 130, "{diff}");
    assert!(
        diff.contains("  7b14a074a777cfa892ea728d  /marketing/banners/2023/black-friday/black-friday-social-squ…  +black-friday −blackfriday −do-not-use\n"),
        "{diff}"
    );
    assert!(
        diff.contains("  918ccdefded138240ed4ed94  /users/avatars/u_f9b3b7da46.jpg  +avatar −Avatar AI −Person(37.7)\n"),
        "{diff}"
    );
    assert_eq!(tagged(&h, "Summer Sale").await, 9);

    let o = lint(
        &h,
        state.path(),
        &["--rules", rules, "--fix", "--yes", "--json"],
    )
    .await;
    assert_eq!(o.status.code(), Some(4), "require is left: {}", err(&o));
    let job = lines(&o).pop().unwrap()["summary"].clone();
    assert_eq!(job["succeeded"], 130, "{job}");
    assert_eq!(job["failed"], 0, "{job}");
    assert_eq!(tagged(&h, "Summer Sale").await, 0);
    assert_eq!(
        tagged(&h, "summer-sale").await,
        46,
        "every file with a spelling"
    );

    let o = lint(&h, state.path(), &["--rules", rules, "--json"]).await;
    let after = report(&o);
    assert_eq!(after.rules, counts(&[("require", 31)]));
    assert_eq!(
        after.summary,
        json!({"violations": 31, "files": 31, "fixable": 0})
    );

    // One job; undo puts back everything but the removed AI tags.
    let jobs = run({
        let mut c = iktag(&h, state.path());
        c.args(["jobs", "list", "--json"]);
        c
    })
    .await;
    let listed = lines(&jobs);
    assert_eq!(listed.len(), 1, "{listed:?}");
    let id = listed[0]["job"].as_str().unwrap().to_owned();
    let o = run({
        let mut c = iktag(&h, state.path());
        c.args(["undo", &id, "--yes"]);
        c
    })
    .await;
    succeeded(&o);
    assert!(
        err(&o).contains("the AI tags this job removed cannot be put back"),
        "{}",
        err(&o)
    );
    let o = lint(&h, state.path(), &["--rules", rules, "--json"]).await;
    let back = report(&o);
    assert_eq!(summer_sale(&back), SUMMER_SALE);
    assert_eq!(
        back.rules,
        counts(&[
            ("merge", 42),
            ("ban", 2),
            ("style", 29),
            ("require", 31),
            ("ai-promote", 19),
        ])
    );
    assert_eq!(tagged(&h, "Summer Sale").await, 9);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_writes_the_near_duplicate_groups_as_merges_and_never_overwrites() {
    let h = Harness::with(SeedSource::Demo, FaultConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let file = state.path().join("starter.toml");
    let f = file.to_str().unwrap();
    let o = lint(&h, state.path(), &["--init", "--rules", f]).await;
    succeeded(&o);
    let demo: Vec<iktag::model::FileDetails> = serde_json::from_str(
        &std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("assets/demo-library.json"),
        )
        .unwrap(),
    )
    .unwrap();
    let vocab = iktag::vocab::Vocabulary::build(
        demo.iter()
            .map(|f| (f.tags.iter().map(String::as_str).collect(), vec![])),
    );
    let groups = vocab.near_duplicates.len();
    assert_eq!(groups, 12, "the demo's near-duplicate groups");
    assert!(
        out(&o).contains(&format!("and {groups} merges;")),
        "{}",
        out(&o)
    );
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("[style]\ncase = \"lower\"\nseparator = \"-\"\n"),
        "{text}"
    );
    let rules = iktag::lint::Rules::load(&file).unwrap();
    assert_eq!(rules.merges.len(), groups);
    let ss = rules
        .merges
        .iter()
        .find(|m| m.into == "summer-sale")
        .unwrap();
    assert_eq!(
        ss.from,
        [
            "Summer Sale",
            "summersale",
            "summer_sale",
            "summer sale",
            "SUMMER-SALE"
        ]
    );
    // Every spelling but `into` of each group is a merge violation, once per file.
    let expected: usize = vocab
        .near_duplicates
        .iter()
        .flat_map(|g| g.tags.iter())
        .filter(|t| rules.merges.iter().all(|m| m.into != t.tag))
        .map(|t| t.files)
        .sum();
    let o = lint(&h, state.path(), &["--rules", f, "--json"]).await;
    assert_eq!(o.status.code(), Some(4), "{}", err(&o));
    let r = report(&o);
    assert_eq!(r.rules["merge"], expected);
    assert_eq!(expected, 81);
    assert_eq!(summer_sale(&r), SUMMER_SALE);

    std::fs::write(&file, "# mine\n").unwrap();
    let o = lint(&h, state.path(), &["--init", "--rules", f]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("exists and is left as it is"),
        "{}",
        err(&o)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "# mine\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_rules_files_bad_queries_and_no_server_cannot_check() {
    let h = Harness::with(SeedSource::Demo, FaultConfig::default()).await;
    let state = tempfile::tempdir().unwrap();
    let bad = state.path().join("bad.toml");
    std::fs::write(&bad, "[[ban]]\ntags = [\"x\"]\n[style]\ncase = \"upper\"\n").unwrap();
    let b = bad.to_str().unwrap();
    let o = lint(&h, state.path(), &["--rules", b]).await;
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        last_err(&o),
        format!(
            "iktag: rules file {b}:4:8: unknown variant `upper`, expected `lower` or `any`. \
             A rules file has [[merge]] (into, from), [[ban]] (tags), [style] (case, separator), \
             [[require]] (where, any_of) and [ai] (promote_min, remove_below)."
        )
    );
    assert!(out(&o).is_empty());

    // A require rule's query the server rejects: named with the rules file, exit 2.
    std::fs::write(&bad, "[[require]]\nwhere = 'tags IN'\nany_of = [\"a\"]\n").unwrap();
    let o = lint(&h, state.path(), &["--rules", b]).await;
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(
        last_err(&o).starts_with(&format!(
            "iktag: rules file {b}: [[require]] #1 where = \"tags IN\": ImageKit rejected the request (400)"
        )),
        "{}",
        err(&o)
    );

    // Clean: exit 0.
    std::fs::write(&bad, "[[ban]]\ntags = [\"no-such-tag\"]\n").unwrap();
    let o = lint(&h, state.path(), &["--rules", b, "--json"]).await;
    succeeded(&o);
    assert_eq!(
        lines(&o),
        [json!({"summary": {"violations": 0, "files": 0, "fixable": 0}})]
    );

    // No server: could not check, exit 1.
    let mut c = iktag(&h, state.path());
    c.env("IMAGE_KIT_BASE_URL", "http://127.0.0.1:9")
        .args(["lint", "--rules", b]);
    let o = run(c).await;
    assert_eq!(o.status.code(), Some(1), "{}", err(&o));

    // No rules file anywhere: a usage error that says where it looked.
    let o = lint(&h, state.path(), &[]).await;
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("iktag-rules.toml"), "{}", err(&o));
}
