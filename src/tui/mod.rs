//! The terminal UI: terminal event → `Action` → pure `update` → `Effect`s run on tokio →
//! their results come back as `Action`s → render (only when something changed).

pub mod state;
pub mod ui;

use std::path::PathBuf;

use ratatui::crossterm::event::{self, Event as TermEvent, KeyEventKind};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use self::state::{Action, Effect, State, update};
use crate::api::{Client, ListQuery};
use crate::jobs::{self, CancelHandle, Summary, journal};

/// How the TUI was started.
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    pub demo: bool,
    pub read_only: bool,
    pub concurrency: usize,
    /// Where job journals go (`None`: not journaled).
    pub state_dir: Option<PathBuf>,
}

/// Restores the terminal however the TUI ends (return, `?`, panic unwinding).
struct Guard;

impl Drop for Guard {
    fn drop(&mut self) {
        ratatui::restore();
    }
}

/// Runs the TUI until the user quits.
pub async fn run(client: Client, opts: TuiOptions) -> Result<(), String> {
    // ratatui::init enters raw mode + the alternate screen and installs a panic hook
    // that restores the terminal before the panic message is printed.
    let mut terminal =
        ratatui::try_init().map_err(|e| format!("cannot start the terminal UI: {e}"))?;
    let _guard = Guard;
    let (tx, mut rx) = unbounded_channel::<Action>();

    // Terminal events come from a blocking reader thread.
    let keys = tx.clone();
    std::thread::spawn(move || {
        loop {
            let action = match event::read() {
                Ok(TermEvent::Key(k)) if k.kind != KeyEventKind::Release => Action::Key(k),
                Ok(TermEvent::Resize(..)) => Action::Resize,
                Ok(_) => continue,
                Err(_) => break,
            };
            if keys.send(action).is_err() {
                break;
            }
        }
    });
    spawn_load(client.clone(), tx.clone());

    let mut state = State::new(opts.demo, opts.read_only);
    loop {
        // Draw after every batch of actions; ratatui diffs against the previous frame,
        // so only changed cells reach the terminal (no clear, no full redraw).
        let size = terminal.size().map_err(|e| e.to_string())?;
        state.page_rows = ui::list_rows(size.into()).saturating_sub(2).max(1);
        terminal
            .draw(|f| ui::render(f, &state))
            .map_err(|e| format!("cannot draw: {e}"))?;
        let Some(first) = rx.recv().await else { break };
        // Coalesce: apply everything that is already waiting, then draw once.
        let mut effects = update(&mut state, first);
        while let Ok(more) = rx.try_recv() {
            effects.extend(update(&mut state, more));
        }
        for effect in effects {
            match effect {
                Effect::Quit => return Ok(()),
                Effect::RunJob { op, ids } => {
                    spawn_job(client.clone(), op, ids, &opts, tx.clone());
                }
                Effect::Refresh(ids) => spawn_refresh(client.clone(), ids, tx.clone()),
            }
        }
    }
    Ok(())
}

fn spawn_load(client: Client, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        let mut pager = client.list(ListQuery::default());
        loop {
            match pager.next_page().await {
                Ok(Some(page)) => {
                    let files = page
                        .into_iter()
                        .filter_map(|a| match a {
                            crate::model::Asset::File(f) => Some(*f),
                            crate::model::Asset::Folder(_) => None,
                        })
                        .collect();
                    if tx.send(Action::Page(files)).is_err() {
                        return;
                    }
                }
                Ok(None) => {
                    let _ = tx.send(Action::LoadDone);
                    return;
                }
                Err(e) => {
                    let _ = tx.send(Action::LoadFailed(e.to_string()));
                    return;
                }
            }
        }
    });
}

fn spawn_refresh(client: Client, ids: Vec<String>, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        if let Ok(files) = client.details_of(&ids).await {
            let _ = tx.send(Action::Refreshed(files));
        }
    });
}

fn spawn_job(
    client: Client,
    op: jobs::Operation,
    ids: Vec<String>,
    opts: &TuiOptions,
    tx: UnboundedSender<Action>,
) {
    let (concurrency, state_dir) = (opts.concurrency.max(1), opts.state_dir.clone());
    tokio::spawn(async move {
        let plan = match jobs::plan(op, &ids, &Default::default()) {
            Ok(p) => p,
            Err(e) => {
                let _ = tx.send(Action::JobFailed(format!("not started: {e}")));
                return;
            }
        };
        let journal = state_dir.and_then(|d| {
            journal::Journal::create(&d.join("jobs"), &plan, client.base_url().as_str())
                .map_err(|e| tracing::warn!(error = %e, "job not journaled"))
                .ok()
        });
        let (etx, mut erx) = unbounded_channel();
        let forward = {
            let tx = tx.clone();
            tokio::spawn(async move {
                while let Some(jobs::Event::Done(batch)) = erx.recv().await {
                    let _ = tx.send(Action::JobProgress(batch));
                }
            })
        };
        let outcomes = jobs::run(
            &client,
            &plan,
            concurrency,
            &CancelHandle::default(),
            journal.as_ref(),
            Some(etx),
        )
        .await;
        let _ = forward.await;
        let mut summary = Summary {
            job: journal.as_ref().map(|j| j.id.clone()).unwrap_or_default(),
            ..Default::default()
        };
        outcomes.iter().for_each(|o| summary.add(&o.outcome));
        if let Some(j) = &journal {
            let _ = j.finished(&summary);
        }
        let _ = tx.send(Action::JobDone(summary));
        // Show what the server confirmed, not what was hoped for.
        if let Ok(files) = client.details_of(&ids).await {
            let _ = tx.send(Action::Refreshed(files));
        }
    });
}
