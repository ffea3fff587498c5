//! `iktag jobs [list | show | resume | retry]` and `iktag undo`: the journal's view of jobs,
//! and the lifecycle's undo, resume and retry (same library only, idempotent, guarded).
//! Listing and showing read local journals only: no key, no network.

use std::io::Write;

use clap::{Args, Subcommand};
use serde_json::json;

use super::CliError;
use super::run::{self, context};
use super::targets::{Common, JobFlags};
use crate::jobs::journal::{self, JobRecord};
use crate::jobs::lifecycle;
use crate::text::{count, untrusted};

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List recorded jobs, newest first, with their state (no key needed)
    List {
        /// One JSON object per job
        #[arg(long)]
        json: bool,
    },
    /// Show one job: its library, plan and every file's outcome and path (no key needed)
    Show {
        /// The job (see `iktag jobs`)
        id: String,
        /// One JSON object per file: its outcome and path
        #[arg(long)]
        json: bool,
    },
    /// Send the files a job never sent (after a crash or cancel), once
    Resume {
        /// The job to resume (see `iktag jobs`)
        id: String,
        #[command(flatten)]
        flags: JobFlags,
        /// Run a job recorded without its library (earlier iktag versions)
        #[arg(long)]
        force: bool,
    },
    /// Send the files of a job that failed again, with the job's operation
    Retry {
        /// The job whose failed files are sent again (see `iktag jobs`)
        id: String,
        #[command(flatten)]
        flags: JobFlags,
        /// Run a job recorded without its library (earlier iktag versions)
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct UndoArgs {
    /// The job to undo (see `iktag jobs`)
    pub id: String,
    #[command(flatten)]
    pub flags: JobFlags,
    /// Also undo files changed since the job, and jobs recorded without their library
    #[arg(long)]
    pub force: bool,
}

fn all_jobs() -> Result<(std::path::PathBuf, Vec<JobRecord>), CliError> {
    let dir = crate::config::state_dir(&crate::config::ProcessEnv)?.join("jobs");
    let all = journal::list(&dir)?;
    Ok((dir, all))
}

fn library_label(r: &JobRecord) -> String {
    match &r.library {
        Some(l) if l.demo => "DEMO".into(),
        Some(l) => l.base_url.clone(),
        None => format!("{} (library unknown)", r.base_url),
    }
}

pub async fn jobs_cmd(common: Common, cmd: Option<JobsCommand>) -> Result<(), CliError> {
    match cmd.unwrap_or(JobsCommand::List { json: false }) {
        JobsCommand::List { json } => list(json),
        JobsCommand::Show { id, json } => show(&id, json),
        JobsCommand::Resume { id, flags, force } => {
            continuation(&common, &id, &flags, force, true).await
        }
        JobsCommand::Retry { id, flags, force } => {
            continuation(&common, &id, &flags, force, false).await
        }
    }
}

/// `jobs resume` (the files never sent) or `jobs retry` (the files that failed).
async fn continuation(
    common: &Common,
    id: &str,
    flags: &JobFlags,
    force: bool,
    resume: bool,
) -> Result<(), CliError> {
    let ctx = context(common)?;
    let (_, all) = all_jobs()?;
    let prepared = if resume {
        lifecycle::prepare_resume(&all, id, &ctx.library, force)
    } else {
        lifecycle::prepare_retry(&all, id, &ctx.library, force)
    };
    let Some(p) = prepared? else {
        if resume {
            eprintln!("job {id}: nothing left to send; every file was sent");
        } else {
            eprintln!("job {id}: no failed file is left to retry");
        }
        return Ok(());
    };
    let n = p.plan.changing();
    if resume {
        eprintln!("resuming job {id}: {} never sent", count(n, "file"));
    } else {
        eprintln!("retrying job {id}: {}", count(n, "failed file"));
    }
    run::run_from_journal(&ctx, p, flags).await
}

fn list(json: bool) -> Result<(), CliError> {
    let (_, all) = all_jobs()?;
    let mut out = std::io::stdout().lock();
    for r in &all {
        let state = lifecycle::effective(&all, r);
        let line = if json {
            json!({
                "job": r.id, "op": r.plan.op, "createdAt": r.created_at,
                "files": r.plan.file_count(), "finished": r.finished,
                "unapplied": lifecycle::still_unapplied(&all, r).len(),
                "failed": lifecycle::still_failed(&all, r).len(),
                "undoneBy": lifecycle::undone_by(&all, &r.id).map(|u| &u.id),
                "origin": r.origin, "library": r.library, "state": state,
            })
            .to_string()
        } else {
            let name = match &r.plan.op {
                crate::jobs::Operation::Undo { .. } => r.origin.describe(),
                crate::jobs::Operation::Combined { label, .. } => label.clone(),
                op => op.name().to_owned(),
            };
            format!(
                "{}  {:<6} {:<22} {:>12}  {}",
                r.id,
                if r.library.as_ref().is_some_and(|l| l.demo) {
                    "DEMO"
                } else {
                    ""
                },
                untrusted(&name, 40),
                count(r.plan.file_count(), "file"),
                state
            )
        };
        if writeln!(out, "{line}").is_err() {
            break;
        }
    }
    Ok(())
}

fn show(id: &str, json: bool) -> Result<(), CliError> {
    let (dir, all) = all_jobs()?;
    // The job the user named: unknown or unreadable, it is a usage error (exit 2).
    let r = journal::load(&dir, id).map_err(|e| CliError::usage(e.to_string()))?;
    let mut out = std::io::stdout().lock();
    let path = |id: &str| r.paths.get(id).map(String::as_str);
    if json {
        for o in r.outcomes.values() {
            let _ = writeln!(out, "{}", run::outcome_json(o, path(&o.file_id)));
        }
        for id in r.unapplied() {
            let line = run::OutcomeLine {
                file_id: &id,
                outcome: "unapplied",
                status: None,
                error: None,
                pending: None,
                path: path(&id),
            };
            let _ = writeln!(out, "{}", serde_json::to_string(&line).unwrap_or_default());
        }
        return Ok(());
    }
    let origin = r.origin.describe();
    let _ = writeln!(
        out,
        "job {} · {}{} · {} · against {}\nstate: {}",
        r.id,
        r.plan.op.name(),
        if origin.is_empty() {
            String::new()
        } else {
            format!(" ({origin})")
        },
        count(r.plan.file_count(), "file"),
        r.library.as_ref().map_or_else(
            || library_label(&r),
            super::super::jobs::library::Library::describe
        ),
        lifecycle::effective(&all, &r)
    );
    for o in r.outcomes.values() {
        let _ = writeln!(out, "{}", run::outcome_row(o, path(&o.file_id)));
    }
    for id in r.unapplied() {
        let p = path(&id)
            .map(|p| format!("  {}", untrusted(p, 60)))
            .unwrap_or_default();
        let _ = writeln!(out, "{:<10} {id}{p}", "unapplied");
    }
    Ok(())
}

pub async fn undo(common: Common, args: UndoArgs) -> Result<(), CliError> {
    let ctx = context(&common)?;
    let (_, all) = all_jobs()?;
    let p = lifecycle::prepare_undo(&all, &args.id, &ctx.library, args.force)?;
    if p.plan.units.is_empty() {
        eprintln!("job {}: no file to put back", args.id);
        return Ok(());
    }
    eprintln!(
        "undoing job {}: putting back the previous state of the {} it changed{}",
        args.id,
        count(p.plan.changing(), "file"),
        if p.guard.is_some() {
            " (files changed since are left alone)"
        } else {
            ""
        }
    );
    run::run_from_journal(&ctx, p, &args.flags).await
}
