//! One way to run a job from the command line: confirm as the job policy says, run it
//! through `jobs::lifecycle` (journaled, read back), show progress on stderr and report
//! outcomes on stdout. Every command that changes files ends here.

use std::collections::{BTreeMap, HashMap};
use std::io::{IsTerminal, Write};

use serde_json::json;

use super::CliError;
use super::targets::{Common, JobFlags};
use super::waits::WaitLine;
use crate::api::Client;
use crate::config::{self, Settings};
use crate::jobs::lifecycle::{self, Guard, Prepared, RunSpec};
use crate::jobs::policy::irreversible_question;
use crate::jobs::{self, Ask, CancelHandle, Event, FileOutcome, Library, Outcome, Summary};
use crate::model::FileDetails;
use crate::text::{count, untrusted};

/// Exit code when some files failed, were missing or were cancelled.
pub const EXIT_PARTIAL: u8 = 3;

/// Exit code when a second Ctrl-C quits a job at once (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

/// What a missing file's outcome says, in the table and in `--json`.
const MISSING: &str = "no such file";

pub struct Ctx {
    pub settings: Settings,
    pub client: Client,
    pub library: Library,
    pub read_only: bool,
    pub concurrency: usize,
    /// What the client waits for, on a terminal (see [`WaitLine`]).
    pub waits: WaitLine,
}

pub fn context(common: &Common) -> Result<Ctx, CliError> {
    let settings = config::resolve(common.profile.as_deref())?;
    let client = Client::new(settings.client_options())?;
    let library = Library::new(
        settings.base_url.as_str(),
        settings.profile.as_deref(),
        settings.key.expose(),
        false,
    );
    Ok(Ctx {
        read_only: common.read_only || settings.read_only,
        concurrency: common.concurrency.map_or(settings.concurrency, usize::from),
        settings,
        waits: WaitLine::show(&client),
        client,
        library,
    })
}

fn ask(question: &str) -> Result<bool, CliError> {
    if !std::io::stdin().is_terminal() {
        return Ok(true);
    }
    eprint!("{question} [y/N] ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| CliError::failed(format!("cannot read the answer: {e}")))?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Deleting asks for the number of files to be typed, and refuses without a terminal.
fn confirm_delete(n: usize) -> Result<bool, CliError> {
    if !std::io::stdin().is_terminal() {
        return Err(CliError::usage(
            "refusing to delete without a terminal to confirm on; pass --yes to delete from a script",
        ));
    }
    eprint!(
        "Delete {} permanently? This cannot be undone. Type {n} to confirm: ",
        count(n, "file")
    );
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| CliError::failed(format!("cannot read the answer: {e}")))?;
    Ok(answer.trim() == n.to_string())
}

/// Asks what the job policy says to ask ([`jobs::Operation::ask`]).
fn confirm(plan: &jobs::Plan) -> Result<bool, CliError> {
    let changing = plan.changing();
    match plan.op.ask() {
        Ask::TypeCount => confirm_delete(changing),
        Ask::Irreversible => ask(&irreversible_question(&plan.op, changing)),
        Ask::Reversible => ask(&format!(
            "{} on {} ({})? `iktag undo` can reverse it.",
            plan.op.name(),
            count(changing, "file"),
            count(plan.units.len(), "call")
        )),
    }
}

/// Plans `op` over the targets and runs it as a new job.
pub async fn run_job(
    ctx: &Ctx,
    op: jobs::Operation,
    ids: Vec<String>,
    known: HashMap<String, FileDetails>,
    flags: &JobFlags,
) -> Result<(), CliError> {
    if ids.is_empty() {
        eprintln!("no files to change");
        return Ok(());
    }
    let plan = jobs::plan(op, &ids, &known)?;
    let paths = known
        .values()
        .map(|f| (f.file_id.clone(), f.file_path.clone()))
        .collect();
    let prepared = Prepared::new(plan, paths);
    run_prepared(ctx, prepared, &known, flags).await
}

/// Confirms (unless `--yes`) and runs a prepared job; `--dry-run` prints the per-file diff.
pub async fn run_prepared(
    ctx: &Ctx,
    p: Prepared,
    known: &HashMap<String, FileDetails>,
    flags: &JobFlags,
) -> Result<(), CliError> {
    for n in &p.notes {
        eprintln!("note: {}", untrusted(n, 300));
    }
    // A dry run changes nothing, so read-only mode allows it.
    if flags.dry_run {
        print_plan(&p.plan, known, p.guard.as_ref(), &p.paths, flags.json);
        return Ok(());
    }
    if ctx.read_only {
        return Err(CliError::usage(format!(
            "refusing to {}: read-only mode (--read-only or the profile's read_only); --dry-run shows what it would do",
            p.plan.op.name()
        )));
    }
    if !flags.yes && !confirm(&p.plan)? {
        eprintln!("cancelled; nothing was changed");
        return Err(CliError {
            code: 1,
            message: "not confirmed".into(),
        });
    }
    execute(ctx, p, flags.json).await
}

/// Runs a job prepared from the journals (undo, resume, retry); a dry run reads the files
/// as they are now, for its diff.
pub async fn run_from_journal(ctx: &Ctx, p: Prepared, flags: &JobFlags) -> Result<(), CliError> {
    let known = if flags.dry_run {
        current(ctx, &p.plan).await?
    } else {
        HashMap::new()
    };
    run_prepared(ctx, p, &known, flags).await
}

/// The files of a plan as the server has them now (for a dry run's diff).
async fn current(ctx: &Ctx, plan: &jobs::Plan) -> Result<HashMap<String, FileDetails>, CliError> {
    let mut ids: Vec<String> = plan.units.iter().flat_map(|u| u.ids.clone()).collect();
    ids.sort();
    ids.dedup();
    let files = ctx.client.details_of_with(&ids, ctx.concurrency).await?;
    Ok(files.into_iter().map(|f| (f.file_id.clone(), f)).collect())
}

fn print_plan(
    plan: &jobs::Plan,
    known: &HashMap<String, FileDetails>,
    guard: Option<&Guard>,
    paths: &BTreeMap<String, String>,
    json: bool,
) {
    let mut out = std::io::stdout().lock();
    if json {
        let _ = writeln!(out, "{}", json!({"plan": plan}));
        return;
    }
    // Every target was read before planning: an id the server did not return is missing.
    let missing = plan
        .units
        .iter()
        .flat_map(|u| u.ids.iter())
        .filter(|id| !known.contains_key(*id))
        .count();
    let _ = writeln!(
        out,
        "dry run: {} on {} in {}; {} no change{}",
        plan.op.name(),
        count(plan.changing() - missing.min(plan.changing()), "file"),
        count(plan.units.len(), "call"),
        match plan.skipped.len() {
            1 => "1 file needs".to_owned(),
            n => format!("{n} files need"),
        },
        if missing > 0 {
            format!("; {missing} missing ({MISSING})")
        } else {
            String::new()
        }
    );
    let mut rows: Vec<(&str, String)> = Vec::new();
    for unit in &plan.units {
        let op = plan.op_of(unit);
        for id in &unit.ids {
            let line = match known.get(id) {
                Some(f) => {
                    let conflict = guard
                        .and_then(|g| g.get(id))
                        .and_then(|want| lifecycle::moved(want, f));
                    match conflict {
                        Some(c) => format!("conflict: {c}; left alone unless --force"),
                        None => jobs::preview(op, f),
                    }
                }
                None => format!("missing: {MISSING}"),
            };
            rows.push((id, line));
        }
    }
    if matches!(plan.op, jobs::Operation::Combined { .. }) {
        rows = per_file(rows);
    }
    for (id, line) in rows {
        let path = paths.get(id).map_or("", String::as_str);
        let path = untrusted(known.get(id).map_or(path, |f| f.file_path.as_str()), 60);
        let _ = writeln!(out, "  {id}  {path}  {}", untrusted(&line, 300));
    }
    for (id, why) in &plan.skipped {
        let _ = writeln!(out, "  {id}  skip: {why}");
    }
}

/// A combined job's diff: one line per file with every operation's change to it.
fn per_file(rows: Vec<(&str, String)>) -> Vec<(&str, String)> {
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut out: Vec<(&str, String)> = Vec::new();
    for (id, line) in rows {
        if let Some(&i) = at.get(id) {
            let shown = &mut out[i].1;
            if line.is_empty() || *shown == line {
                continue;
            }
            if !shown.is_empty() {
                shown.push(' ');
            }
            shown.push_str(&line);
        } else {
            at.insert(id, out.len());
            out.push((id, line));
        }
    }
    out
}

async fn execute(ctx: &Ctx, p: Prepared, json_out: bool) -> Result<(), CliError> {
    let total = p.plan.file_count() as u64;
    let bar = std::io::stderr().is_terminal().then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{bar:30} {pos}/{len} · {msg} · eta {eta}{prefix}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b.set_message("waiting for the first answers");
        b
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancelHandle::default();
    // Ctrl-C ends every wait of the job and of its read back at once.
    let client = ctx.client.stopped_by(&cancel);
    let ctrl_c = super::waits::on_ctrl_c(&cancel, EXIT_INTERRUPTED, bar.clone());
    ctx.waits.attach(bar.clone());
    let progress_bar = bar.clone();
    let progress = tokio::spawn(async move {
        let mut failed = 0usize;
        let started = std::time::Instant::now();
        let mut done = 0usize;
        while let Some(event) = rx.recv().await {
            let Event::Done(batch) = event else { continue };
            done += batch.len();
            failed += batch
                .iter()
                .filter(|o| matches!(o.outcome, Outcome::Failed { .. }))
                .count();
            if let Some(b) = &progress_bar {
                let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
                b.inc(batch.len() as u64);
                b.set_message(format!("{failed} failed · {rate:.0} files/s"));
            }
        }
    });
    let spec = RunSpec {
        library: Some(ctx.library.clone()),
        dir: Some(ctx.settings.state_dir.join("jobs")),
        origin: p.origin,
        guard: p.guard,
        paths: p.paths,
        concurrency: ctx.concurrency,
    };
    let finished = lifecycle::execute(&client, &p.plan, &spec, &cancel, Some(tx)).await?;
    let _ = progress.await;
    ctrl_c.abort();
    ctx.waits.attach(None);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    let summary = finished.summary;
    report(&finished.outcomes, &summary, &spec.paths, json_out);
    if summary.failed > 0 || summary.cancelled > 0 || summary.conflict > 0 || summary.missing > 0 {
        return Err(CliError {
            code: EXIT_PARTIAL,
            message: if summary.job.is_empty() {
                // The guard could not read the files: nothing was journaled or sent.
                "nothing was sent: the files could not be read to check them (listed above)".into()
            } else {
                format!(
                    "job {}: {}; `iktag jobs show {}` lists them",
                    summary.job,
                    not_done(&summary),
                    summary.job
                )
            },
        });
    }
    Ok(())
}

/// "2 failed, 1 missing": the counts of files a job did not change, the zeros left out.
fn not_done(s: &Summary) -> String {
    let parts: Vec<String> = [
        (s.failed, "failed"),
        (s.missing, "missing"),
        (s.cancelled, "cancelled"),
    ]
    .into_iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .chain((s.conflict > 0).then(|| count(s.conflict, "conflict")))
    .collect();
    parts.join(", ")
}

fn report(
    outcomes: &[FileOutcome],
    summary: &Summary,
    paths: &BTreeMap<String, String>,
    json_out: bool,
) {
    let mut out = std::io::stdout().lock();
    let path = |id: &str| paths.get(id).map(String::as_str);
    if json_out {
        for o in outcomes {
            let _ = writeln!(out, "{}", outcome_json(o, path(&o.file_id)));
        }
        let _ = writeln!(out, "{}", json!({ "summary": summary }));
        return;
    }
    for o in outcomes
        .iter()
        .filter(|o| !matches!(o.outcome, Outcome::Succeeded | Outcome::Skipped { .. }))
    {
        let _ = writeln!(out, "{}", outcome_row(o, path(&o.file_id)));
    }
    let pending = if summary.pending > 0 {
        format!(
            "{} pending (extension results arrive later), ",
            summary.pending
        )
    } else {
        String::new()
    };
    let conflict = if summary.conflict > 0 {
        format!(
            ", {} conflicts (changed since the job; --force undoes them anyway)",
            summary.conflict
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "job {}: {} succeeded, {} failed, {} missing, {} skipped, {pending}{} cancelled{conflict}",
        summary.job,
        summary.succeeded,
        summary.failed,
        summary.missing,
        summary.skipped,
        summary.cancelled
    );
}

/// One table row: outcome, file id, its path if known, and the server's message or a note.
pub fn outcome_row(o: &FileOutcome, path: Option<&str>) -> String {
    let detail = match &o.outcome {
        Outcome::Failed { status, error } => format!(
            "{}{}",
            status.map(|s| format!("{s} ")).unwrap_or_default(),
            untrusted(error, 200)
        ),
        Outcome::Missing { note } => note.clone().unwrap_or_else(|| MISSING.into()),
        Outcome::Skipped { reason } => reason.clone(),
        Outcome::Pending { extensions, .. } => {
            format!("{}: result arrives later", extensions.join(", "))
        }
        Outcome::Conflict { changed } => untrusted(changed, 300),
        _ => String::new(),
    };
    let path = path
        .map(|p| format!("  {}", untrusted(p, 60)))
        .unwrap_or_default();
    format!("{:<10} {}{path}  {}", o.outcome.label(), o.file_id, detail)
        .trim_end()
        .to_owned()
}

/// One `--json` outcome line, fields in the documented order.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutcomeLine<'a> {
    pub file_id: &'a str,
    pub outcome: &'a str,
    pub status: Option<u16>,
    pub error: Option<&'a str>,
    /// Extensions still `pending` for this file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<&'a str>,
}

pub fn outcome_json(o: &FileOutcome, path: Option<&str>) -> String {
    let (status, error) = match &o.outcome {
        Outcome::Failed { status, error } => (*status, Some(error.as_str())),
        Outcome::Missing { note } => (Some(404), Some(note.as_deref().unwrap_or(MISSING))),
        Outcome::Skipped { reason } => (None, Some(reason.as_str())),
        Outcome::Conflict { changed } => (None, Some(changed.as_str())),
        _ => (None, None),
    };
    let pending = match &o.outcome {
        Outcome::Pending { extensions, .. } => Some(extensions.as_slice()),
        _ => None,
    };
    serde_json::to_string(&OutcomeLine {
        file_id: &o.file_id,
        outcome: o.outcome.label(),
        status,
        error,
        pending,
        path,
    })
    .unwrap_or_default()
}
