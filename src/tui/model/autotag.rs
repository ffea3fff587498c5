//! Auto-tagging follow-up: each file's `extensionStatus` from the answers of auto-tag jobs,
//! and the re-reads of pending files until their AI tags arrive.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::model::FileDetails;
use crate::tui::msg::Effect;

/// What the last auto-tagging answer said about a file (`extensionStatus`).
#[derive(Debug, Clone, PartialEq)]
pub enum ExtState {
    /// `pending`: the AI tags come later. `since` is the file's `updatedAt` in that answer
    /// (a re-read with a later one means they arrived); `first_poll` starts the polling.
    Pending {
        extensions: Vec<String>,
        since: crate::model::Timestamp,
        first_poll: Option<Instant>,
    },
    /// The AI tags are on the file (at once, or after `pending`).
    Success,
    Failed,
}

/// How often and how long pending files are re-read before leaving it to the webhook.
pub const POLL_EVERY: Duration = Duration::from_secs(2);
pub const POLL_FOR: Duration = Duration::from_secs(120);
/// How a job's status line tells of pending results (replaced once they all arrived).
pub const PENDING_NOTE: &str = "pending (checking every few seconds)";
/// Files re-read per poll.
const POLL_BATCH: usize = 100;

/// Is this file still re-read for its pending result (at `now`; unknown time: yes)?
pub fn polled(e: &ExtState, now: Option<Instant>) -> bool {
    match e {
        ExtState::Pending { first_poll, .. } => match (first_poll, now) {
            (Some(t), Some(now)) => now.duration_since(*t) < POLL_FOR,
            _ => true,
        },
        _ => false,
    }
}

#[derive(Debug, Clone, Default)]
pub struct AutoTag {
    /// Auto-tagging status per file, from the answers of auto-tag jobs.
    pub ext: HashMap<String, ExtState>,
    pub last_poll: Option<Instant>,
}

impl AutoTag {
    /// Still re-reading some file.
    pub fn polling(&self, now: Option<Instant>) -> bool {
        self.ext.values().any(|e| polled(e, now))
    }

    /// Re-reads pending files every [`POLL_EVERY`], for [`POLL_FOR`] after their answer.
    /// Runs on every tick, so it looks at the files only once per interval.
    pub fn poll(&mut self, now: Instant) -> Vec<Effect> {
        if self
            .last_poll
            .is_some_and(|t| now.duration_since(t) < POLL_EVERY)
        {
            return Vec::new();
        }
        let mut ids = Vec::new();
        for (id, e) in &mut self.ext {
            if let ExtState::Pending { first_poll, .. } = e {
                first_poll.get_or_insert(now);
            }
            if polled(e, Some(now)) {
                ids.push(id.clone());
            }
        }
        if ids.is_empty() {
            return Vec::new();
        }
        ids.sort();
        ids.truncate(POLL_BATCH);
        self.last_poll = Some(now);
        vec![Effect::Refresh(ids)]
    }

    /// Files whose auto-tagging result is still pending.
    pub fn pending(&self) -> usize {
        self.ext
            .values()
            .filter(|e| matches!(e, ExtState::Pending { .. }))
            .count()
    }

    /// A re-read file: a pending result arrived when the file changed after the answer.
    pub fn refreshed(&mut self, f: &FileDetails) {
        if let Some(e @ ExtState::Pending { .. }) = self.ext.get_mut(&f.file_id)
            && matches!(e, ExtState::Pending { since, .. } if f.updated_at > *since)
        {
            *e = ExtState::Success;
        }
    }
}
