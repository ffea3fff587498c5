//! `iktag lint`: check the library against a rules file (`crate::lint`), fix what can be
//! fixed as one journaled job (`--fix`), or write a starter rules file (`--init`).

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::run::{Ctx, context, run_prepared};
use super::targets::{Common, JobFlags};
use super::{CliError, EXIT_VIOLATIONS};
use crate::api::ListQuery;
use crate::jobs::lifecycle::Prepared;
use crate::jobs::{Operation, Plan};
use crate::lint::{self, Group, Rules, Violation};
use crate::model::FileDetails;
use crate::text::{count, untrusted};

// Command-line switches: each bool is a flag of its own.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Args)]
pub struct LintArgs {
    /// The rules file (default: ./iktag-rules.toml, else rules.toml in the config directory)
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Only the files matching this searchQuery
    #[arg(long, short = 'q', value_name = "Q")]
    pub query: Option<String>,
    /// One JSON object per violation, then a summary line
    #[arg(long)]
    pub json: bool,
    /// Fix every fixable violation as one journaled job (`iktag undo` reverts it, except
    /// removed AI tags)
    #[arg(long)]
    pub fix: bool,
    /// With --fix: print each file's changes and change nothing
    #[arg(long, requires = "fix")]
    pub dry_run: bool,
    /// With --fix: do not ask for confirmation
    #[arg(long, short = 'y', requires = "fix")]
    pub yes: bool,
    /// Write a starter rules file from the library (to --rules FILE, else
    /// ./iktag-rules.toml); never overwrites a file
    #[arg(long, conflicts_with_all = ["fix", "json"])]
    pub init: bool,
}

const NO_RULES: &str = "no rules file: pass --rules FILE, or create ./iktag-rules.toml \
                        (`iktag lint --init` writes one from the library) or rules.toml in the \
                        config directory";

pub async fn lint(common: Common, args: LintArgs) -> Result<(), CliError> {
    if args.init {
        return init(&common, &args).await;
    }
    let path = lint::find_rules(args.rules.as_deref()).ok_or_else(|| CliError::usage(NO_RULES))?;
    // A bad rules file is reported before anything else is needed (config, network).
    let rules = Rules::load(&path).map_err(|e| CliError::usage(e.to_string()))?;
    let ctx = context(&common)?;
    let files = list(&ctx, args.query.clone()).await?;
    let required = required(&ctx, &rules, &path).await?;
    let violations = lint::check(
        &rules,
        files.iter().map(|f| (f.file_id.as_str(), f)),
        &required,
    );
    if args.fix {
        return fix(&ctx, files, &violations, &args).await;
    }
    if args.json {
        print_json(&violations);
    } else {
        print_text(&violations, files.len(), &path);
    }
    verdict(&violations)
}

async fn list(ctx: &Ctx, query: Option<String>) -> Result<Vec<FileDetails>, CliError> {
    Ok(ctx
        .client
        .list(ListQuery {
            search_query: query,
            ..Default::default()
        })
        .collect_files()
        .await?)
}

/// The ids each `require` rule's `where` query matches (the server answers the query).
async fn required(ctx: &Ctx, rules: &Rules, path: &Path) -> Result<Vec<HashSet<String>>, CliError> {
    let mut out = Vec::with_capacity(rules.requires().len());
    for (i, r) in rules.requires().iter().enumerate() {
        let files = list(ctx, Some(r.where_.clone()))
            .await
            .map_err(|e| CliError {
                code: e.code,
                message: format!(
                    "rules file {}: [[require]] #{} where = {:?}: {}",
                    path.display(),
                    i + 1,
                    untrusted(&r.where_, 200),
                    e.message
                ),
            })?;
        out.push(files.into_iter().map(|f| f.file_id).collect());
    }
    Ok(out)
}

/// Exit 0 when clean, [`EXIT_VIOLATIONS`] when any violation is left.
fn verdict(violations: &[Violation]) -> Result<(), CliError> {
    if violations.is_empty() {
        return Ok(());
    }
    let fixable = violations.iter().filter(|v| v.fix.is_some()).count();
    Err(CliError {
        code: EXIT_VIOLATIONS,
        message: format!(
            "{} ({fixable} fixable with `iktag lint --fix`)",
            count(violations.len(), "violation")
        ),
    })
}

fn summary(violations: &[Violation]) -> (usize, usize) {
    let files: HashSet<&str> = violations.iter().map(|v| v.file_id.as_str()).collect();
    let fixable = violations.iter().filter(|v| v.fix.is_some()).count();
    (files.len(), fixable)
}

/// The last `--json` line, fields in the documented order.
#[derive(serde::Serialize)]
struct Summary {
    violations: usize,
    files: usize,
    fixable: usize,
}

fn print_json(violations: &[Violation]) {
    let mut out = std::io::stdout().lock();
    for v in violations {
        let _ = writeln!(out, "{}", serde_json::to_string(v).unwrap_or_default());
    }
    let (files, fixable) = summary(violations);
    let line = serde_json::json!({ "summary": Summary {
        violations: violations.len(), files, fixable
    }});
    let _ = writeln!(out, "{line}");
}

/// Groups by rule with counts; a fixable group shows a few paths, an unfixable one every
/// file (they need a human).
fn print_groups(out: &mut impl Write, violations: &[Violation]) {
    let paths: HashMap<&str, &str> = violations
        .iter()
        .map(|v| (v.file_id.as_str(), v.path.as_str()))
        .collect();
    let groups = lint::groups(violations);
    let mut rule = None;
    for g in &groups {
        if rule != Some(g.rule) {
            rule = Some(g.rule);
            let n: usize = groups
                .iter()
                .filter(|x| x.rule == g.rule)
                .map(|x| x.ids.len())
                .sum();
            let fixable = if g.fix.is_some() {
                ""
            } else {
                ": no automatic fix, these files need a human"
            };
            let _ = writeln!(
                out,
                "{} ({}{fixable})",
                g.rule.name(),
                count(n, "violation")
            );
        }
        print_group(out, g, &paths);
    }
}

fn print_group(out: &mut impl Write, g: &Group, paths: &HashMap<&str, &str>) {
    let path = |id: &String| untrusted(paths.get(id.as_str()).copied().unwrap_or(""), 80);
    let label = untrusted(&g.label, 100);
    if g.fix.is_none() {
        let _ = writeln!(out, "  {:>5}  {label}", g.ids.len());
        for id in &g.ids {
            let _ = writeln!(out, "           {id}  {}", path(id));
        }
        return;
    }
    let short = |id: &String| {
        let p = paths.get(id.as_str()).copied().unwrap_or("");
        untrusted(&crate::text::elide_path(p, 50), 80)
    };
    let mut shown: Vec<String> = g.ids.iter().take(3).map(short).collect();
    if g.ids.len() > 3 {
        shown.push("…".into());
    }
    let _ = writeln!(
        out,
        "  {:>5}  {label}    e.g. {}",
        g.ids.len(),
        shown.join(", ")
    );
}

fn print_text(violations: &[Violation], checked: usize, rules: &Path) {
    let mut out = std::io::stdout().lock();
    print_groups(&mut out, violations);
    let (files, fixable) = summary(violations);
    let _ = writeln!(
        out,
        "{} checked against {}: {} on {}, {fixable} fixable{}",
        count(checked, "file"),
        untrusted(&rules.display().to_string(), 200),
        count(violations.len(), "violation"),
        count(files, "file"),
        if fixable > 0 {
            " (`iktag lint --fix`)"
        } else {
            ""
        }
    );
}

/// What one operation of the fix does, for the list shown before the job.
fn describe(op: &Operation, files: usize) -> String {
    let on = count(files, "file");
    let list = |v: &[String]| untrusted(&v.join(", "), 200);
    match op {
        Operation::MergeTags { from, into } => {
            format!("rename {} → {} on {on}", list(from), untrusted(into, 100))
        }
        Operation::RemoveTags { tags } => format!("remove {} from {on}", list(tags)),
        Operation::AddTags { tags } => format!("add {} (from AI tags) to {on}", list(tags)),
        Operation::RemoveAiTags { names } => {
            format!(
                "remove AI tags {} from {on} (cannot be undone)",
                list(names)
            )
        }
        other => format!("{} on {on}", other.name()),
    }
}

async fn fix(
    ctx: &Ctx,
    files: Vec<FileDetails>,
    violations: &[Violation],
    args: &LintArgs,
) -> Result<(), CliError> {
    let unfixable: Vec<Violation> = violations
        .iter()
        .filter(|v| v.fix.is_none())
        .cloned()
        .collect();
    let known: HashMap<String, FileDetails> =
        files.into_iter().map(|f| (f.file_id.clone(), f)).collect();
    let plan: Option<Plan> = lint::fix_plan(violations, |id| known.get(id))?;
    let Some(plan) = plan else {
        eprintln!("nothing to fix automatically");
        return left_over(&unfixable, args.json);
    };
    if !args.json {
        for (op, ids) in lint::fixes(violations) {
            eprintln!("  {}", describe(&op, ids.len()));
        }
    }
    let paths = plan
        .units
        .iter()
        .flat_map(|u| u.ids.iter())
        .filter_map(|id| Some((id.clone(), known.get(id)?.file_path.clone())))
        .collect();
    let prepared = Prepared::new(plan, paths);
    let flags = JobFlags {
        dry_run: args.dry_run,
        yes: args.yes,
        json: args.json,
    };
    run_prepared(ctx, prepared, &known, &flags).await?;
    if args.dry_run {
        return verdict(violations);
    }
    left_over(&unfixable, args.json)
}

/// After a fix: what is left needs a human (listed on stdout unless `--json`).
fn left_over(unfixable: &[Violation], json: bool) -> Result<(), CliError> {
    if unfixable.is_empty() {
        return Ok(());
    }
    if !json {
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "left for a human:");
        print_groups(&mut out, unfixable);
    }
    verdict(unfixable)
}

/// `--init`: a starter file from the library, never over an existing file.
async fn init(common: &Common, args: &LintArgs) -> Result<(), CliError> {
    let target = args
        .rules
        .clone()
        .unwrap_or_else(|| PathBuf::from(lint::LOCAL_FILE));
    let exists = || {
        CliError::usage(format!(
            "{} exists and is left as it is; move it away or pass --rules NEW_FILE",
            target.display()
        ))
    };
    if target.exists() {
        return Err(exists());
    }
    let ctx = context(common)?;
    let files = list(&ctx, args.query.clone()).await?;
    let text = lint::init(files.iter());
    let merges = Rules::parse(&text, &target)
        .map(|r| r.merges.len())
        .map_err(|e| CliError::failed(format!("the starter file does not parse: {e}")))?;
    let mut f = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&target)
    {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists()),
        Err(e) => {
            return Err(CliError::failed(format!(
                "cannot write {}: {e}",
                target.display()
            )));
        }
    };
    f.write_all(text.as_bytes())
        .map_err(|e| CliError::failed(format!("cannot write {}: {e}", target.display())))?;
    println!(
        "wrote {} from {}: the majority style and {}; edit it, then `iktag lint`",
        target.display(),
        count(files.len(), "file"),
        count(merges, "merge")
    );
    Ok(())
}
