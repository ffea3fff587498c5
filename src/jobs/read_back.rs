//! Reading back what a job touched, overlapped with the job: a file is read as soon as
//! every unit that names it has finished, [`DETAILS_CHUNK`] files per search, each search
//! in one of the job's slots (so the job never has more requests in flight than its
//! concurrency). At the end only the files of the last units are left to read, instead
//! of every file after the last call.

use std::collections::BTreeMap;

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::Arc;

use tokio::sync::{Semaphore, mpsc};
use tokio::task::JoinHandle;

use super::journal::FileState;
use super::run::{run_with, slots};
use super::{CancelHandle, Event, FileOutcome, Operation, Outcome, Plan, journal};
use crate::api::{ApiError, Client, DETAILS_CHUNK};

/// May the server have changed the file (so it is read back)?
fn touched(o: &Outcome) -> bool {
    matches!(
        o,
        Outcome::Succeeded | Outcome::Pending { .. } | Outcome::Failed { .. }
    )
}

/// Runs the plan (see [`super::run`]) and reads back the files it touched (succeeded,
/// pending, failed) as the server has them now. Each search's files go out on `events`
/// as [`Event::Fresh`] when it answers (so no one holds every file's details at once);
/// what is returned is each file's state for the journal: nothing after a delete, and
/// nothing (with a warning) if any of them cannot be read.
pub(super) async fn run_and_read_back(
    client: &Client,
    plan: &Plan,
    concurrency: usize,
    cancel: &CancelHandle,
    journal: Option<&journal::Journal>,
    events: Option<mpsc::UnboundedSender<Event>>,
) -> (Vec<FileOutcome>, States) {
    let permits = slots(concurrency);
    if plan.op == Operation::Delete {
        let ran = run_with(client, plan, &permits, cancel, journal, events).await;
        return (ran, States::new());
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let mut reader = Reader::new(client, plan, permits.clone(), events);
    let (ran, ()) = tokio::join!(
        run_with(client, plan, &permits, cancel, journal, Some(tx)),
        reader.follow(rx),
    );
    // Touched files whose units did not all finish (a later one was cancelled).
    for o in &ran {
        if touched(&o.outcome) {
            reader.queue(&o.file_id);
        }
    }
    let fresh = reader.finish().await;
    (ran, fresh)
}

/// Each file's state as read back, by id.
pub(super) type States = BTreeMap<String, FileState>;

/// A search of the read back: the states of the files it found.
type Search = JoinHandle<Result<Vec<(String, FileState)>, ApiError>>;

/// Ids are the plan's own (`&'p str`): following a 100 000-file job copies none of them.
struct Reader<'p> {
    client: Client,
    permits: Arc<Semaphore>,
    /// Where progress and the files read back go.
    events: Option<mpsc::UnboundedSender<Event>>,
    /// Units still to finish, per file.
    left: FxHashMap<&'p str, usize>,
    /// Files some finished unit touched.
    hit: FxHashSet<&'p str>,
    /// Files queued or sent to be read.
    seen: FxHashSet<&'p str>,
    /// Files to read, not sent yet.
    ready: Vec<&'p str>,
    /// Searches sent, oldest first.
    searches: Vec<Search>,
}

impl<'p> Reader<'p> {
    fn new(
        client: &Client,
        plan: &'p Plan,
        permits: Arc<Semaphore>,
        events: Option<mpsc::UnboundedSender<Event>>,
    ) -> Reader<'p> {
        let mut left: FxHashMap<&'p str, usize> = FxHashMap::default();
        for id in plan.units.iter().flat_map(|u| &u.ids) {
            *left.entry(id.as_str()).or_default() += 1;
        }
        Reader {
            client: client.clone(),
            permits,
            events,
            left,
            hit: FxHashSet::default(),
            seen: FxHashSet::default(),
            ready: Vec::new(),
            searches: Vec::new(),
        }
    }

    /// Passes the job's progress on, and reads files whose units have all finished.
    async fn follow(&mut self, mut rx: mpsc::UnboundedReceiver<Event>) {
        while let Some(event) = rx.recv().await {
            let Event::Done(batch) = &event else {
                continue;
            };
            for o in batch {
                let Some((&id, _)) = self.left.get_key_value(o.file_id.as_str()) else {
                    continue;
                };
                let last = self.left.get_mut(id).is_some_and(|n| {
                    *n = n.saturating_sub(1);
                    *n == 0
                });
                if touched(&o.outcome) {
                    self.hit.insert(id);
                }
                if last && self.hit.contains(id) {
                    self.queue(id);
                }
            }
            if let Some(tx) = &self.events {
                let _ = tx.send(event);
            }
            while self.ready.len() >= DETAILS_CHUNK {
                let chunk: Vec<String> = self
                    .ready
                    .drain(..DETAILS_CHUNK)
                    .map(str::to_owned)
                    .collect();
                self.send(chunk);
            }
        }
    }

    /// Queues a file of the plan to be read, once.
    fn queue(&mut self, id: &str) {
        if let Some((&id, _)) = self.left.get_key_value(id)
            && self.seen.insert(id)
        {
            self.ready.push(id);
        }
    }

    /// One search, in one of the job's slots.
    fn send(&mut self, ids: Vec<String>) {
        let (client, permits) = (self.client.clone(), self.permits.clone());
        let events = self.events.clone();
        self.searches.push(tokio::spawn(async move {
            // The job's semaphore is never closed; without a slot, read anyway.
            let slot = permits.acquire_owned().await;
            let files = client.details_of_with(&ids, 1).await?;
            drop(slot);
            let states = files
                .iter()
                .map(|f| (f.file_id.clone(), FileState::of(f)))
                .collect();
            if let Some(tx) = events {
                let _ = tx.send(Event::Fresh(files));
            }
            Ok(states)
        }));
    }

    /// Sends what is left and collects every search, in the order they were sent.
    async fn finish(mut self) -> States {
        let ready = std::mem::take(&mut self.ready);
        for chunk in ready.chunks(DETAILS_CHUNK) {
            self.send(chunk.iter().map(|id| (*id).to_owned()).collect());
        }
        let mut states = States::new();
        let mut failed = None;
        for search in self.searches {
            match search.await {
                Ok(Ok(files)) => states.extend(files),
                Ok(Err(e)) => failed = failed.or(Some(e.to_string())),
                Err(e) => failed = failed.or(Some(e.to_string())),
            }
        }
        if let Some(e) = failed {
            tracing::warn!(error = %e, "could not read the files back after the job");
            return States::new();
        }
        states
    }
}
