//! Reading back what a job touched, overlapped with the job: a file is read as soon as
//! every unit that names it has finished, [`DETAILS_CHUNK`] files per search, each search
//! in one of the job's slots (so the job never has more requests in flight than its
//! concurrency). At the end only the files of the last units are left to read, instead
//! of every file after the last call.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

use super::run::{run_with, slots};
use super::{CancelHandle, Event, FileOutcome, Operation, Outcome, Plan, journal};
use crate::api::{ApiError, Client, DETAILS_CHUNK};
use crate::model::FileDetails;

/// May the server have changed the file (so it is read back)?
fn touched(o: &Outcome) -> bool {
    matches!(
        o,
        Outcome::Succeeded | Outcome::Pending { .. } | Outcome::Failed { .. }
    )
}

/// Runs the plan (see [`super::run`]) and reads back the files it touched (succeeded,
/// pending, failed) as the server has them now: nothing after a delete, and nothing (with
/// a warning) if any of them cannot be read.
pub(super) async fn run_and_read_back(
    client: &Client,
    plan: &Plan,
    concurrency: usize,
    cancel: &CancelHandle,
    journal: Option<&journal::Journal>,
    events: Option<mpsc::UnboundedSender<Event>>,
) -> (Vec<FileOutcome>, Vec<FileDetails>) {
    let permits = slots(concurrency);
    if plan.op == Operation::Delete {
        let ran = run_with(client, plan, &permits, cancel, journal, events).await;
        return (ran, Vec::new());
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let mut reader = Reader::new(client, plan, permits.clone());
    let (ran, ()) = tokio::join!(
        run_with(client, plan, &permits, cancel, journal, Some(tx)),
        reader.follow(rx, events),
    );
    // Touched files whose units did not all finish (a later one was cancelled).
    for o in &ran {
        if touched(&o.outcome) && reader.seen.insert(o.file_id.clone()) {
            reader.ready.push(o.file_id.clone());
        }
    }
    let fresh = reader.finish().await;
    (ran, fresh)
}

struct Reader {
    client: Client,
    permits: Arc<Semaphore>,
    /// Units still to finish, per file.
    left: HashMap<String, usize>,
    /// Files some finished unit touched.
    hit: HashSet<String>,
    /// Files queued or sent to be read.
    seen: HashSet<String>,
    /// Files to read, not sent yet.
    ready: Vec<String>,
    /// Searches sent, oldest first.
    searches: Vec<JoinHandle<Result<Vec<FileDetails>, ApiError>>>,
}

impl Reader {
    fn new(client: &Client, plan: &Plan, permits: Arc<Semaphore>) -> Reader {
        let mut left: HashMap<String, usize> = HashMap::new();
        for id in plan.units.iter().flat_map(|u| &u.ids) {
            *left.entry(id.clone()).or_default() += 1;
        }
        Reader {
            client: client.clone(),
            permits,
            left,
            hit: HashSet::new(),
            seen: HashSet::new(),
            ready: Vec::new(),
            searches: Vec::new(),
        }
    }

    /// Passes the job's progress on, and reads files whose units have all finished.
    async fn follow(
        &mut self,
        mut rx: mpsc::UnboundedReceiver<Event>,
        events: Option<mpsc::UnboundedSender<Event>>,
    ) {
        while let Some(event) = rx.recv().await {
            let Event::Done(batch) = &event;
            for o in batch {
                if touched(&o.outcome) {
                    self.hit.insert(o.file_id.clone());
                }
                let Some(n) = self.left.get_mut(&o.file_id) else {
                    continue;
                };
                *n = n.saturating_sub(1);
                if *n == 0 && self.hit.contains(&o.file_id) && self.seen.insert(o.file_id.clone()) {
                    self.ready.push(o.file_id.clone());
                }
            }
            if let Some(tx) = &events {
                let _ = tx.send(event);
            }
            while self.ready.len() >= DETAILS_CHUNK {
                let chunk: Vec<String> = self.ready.drain(..DETAILS_CHUNK).collect();
                self.send(chunk);
            }
        }
    }

    /// One search, in one of the job's slots.
    fn send(&mut self, ids: Vec<String>) {
        let (client, permits) = (self.client.clone(), self.permits.clone());
        self.searches.push(tokio::spawn(async move {
            // The job's semaphore is never closed; without a slot, read anyway.
            let _slot = permits.acquire_owned().await;
            client.details_of_with(&ids, 1).await
        }));
    }

    /// Sends what is left and collects every search, in the order they were sent.
    async fn finish(mut self) -> Vec<FileDetails> {
        let ready = std::mem::take(&mut self.ready);
        for chunk in ready.chunks(DETAILS_CHUNK) {
            self.send(chunk.to_vec());
        }
        let mut fresh = Vec::new();
        let mut failed = None;
        for search in self.searches {
            match search.await {
                Ok(Ok(files)) => fresh.extend(files),
                Ok(Err(e)) => failed = failed.or(Some(e.to_string())),
                Err(e) => failed = failed.or(Some(e.to_string())),
            }
        }
        if let Some(e) = failed {
            tracing::warn!(error = %e, "could not read the files back after the job");
            return Vec::new();
        }
        fresh
    }
}
