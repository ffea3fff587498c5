//! What became of each file: its [`Outcome`], and the counts of a job's outcomes.

use serde::{Deserialize, Serialize};

/// The result for one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Outcome {
    Succeeded,
    Failed {
        #[serde(skip_serializing_if = "Option::is_none")]
        status: Option<u16>,
        error: String,
    },
    /// The file does not exist (404 `missingFileIds`).
    Missing {
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Skipped {
        reason: String,
    },
    /// The request was applied but an extension answered `pending`: its result (AI tags)
    /// arrives later (`ImageKit` sends it to the webhook; a re-read of the file shows it).
    Pending {
        extensions: Vec<String>,
        /// The file's `updatedAt` in the PATCH reply: a later one means the result arrived.
        #[serde(rename = "updatedAt")]
        updated_at: crate::model::Timestamp,
    },
    Cancelled,
    /// Undo left the file alone: it changed after the job (`changed` says how).
    Conflict {
        changed: String,
    },
}

impl Outcome {
    pub fn label(&self) -> &'static str {
        match self {
            Outcome::Succeeded => "succeeded",
            Outcome::Failed { .. } => "failed",
            Outcome::Missing { .. } => "missing",
            Outcome::Skipped { .. } => "skipped",
            Outcome::Pending { .. } => "pending",
            Outcome::Cancelled => "cancelled",
            Outcome::Conflict { .. } => "conflict",
        }
    }

    /// Which of a file's outcomes counts when it was sent in several calls (an undo, a
    /// combined job): the one that matters most.
    pub fn weight(&self) -> u8 {
        match self {
            Outcome::Failed { .. } => 6,
            Outcome::Conflict { .. } => 5,
            Outcome::Missing { .. } => 4,
            Outcome::Cancelled => 3,
            Outcome::Pending { .. } => 2,
            Outcome::Succeeded => 1,
            Outcome::Skipped { .. } => 0,
        }
    }
}

/// One file's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileOutcome {
    pub file_id: String,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Counts per outcome.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub job: String,
    pub succeeded: usize,
    pub failed: usize,
    pub missing: usize,
    pub skipped: usize,
    #[serde(default)]
    pub pending: usize,
    pub cancelled: usize,
    #[serde(default)]
    pub conflict: usize,
}

impl Summary {
    pub fn add(&mut self, o: &Outcome) {
        match o {
            Outcome::Succeeded => self.succeeded += 1,
            Outcome::Failed { .. } => self.failed += 1,
            Outcome::Missing { .. } => self.missing += 1,
            Outcome::Skipped { .. } => self.skipped += 1,
            Outcome::Pending { .. } => self.pending += 1,
            Outcome::Cancelled => self.cancelled += 1,
            Outcome::Conflict { .. } => self.conflict += 1,
        }
    }

    pub fn of(job: &str, outcomes: &[FileOutcome]) -> Summary {
        let mut s = Summary {
            job: job.to_owned(),
            ..Default::default()
        };
        for o in outcomes {
            s.add(&o.outcome);
        }
        s
    }

    pub fn total(&self) -> usize {
        self.succeeded
            + self.failed
            + self.missing
            + self.skipped
            + self.pending
            + self.cancelled
            + self.conflict
    }
}

/// The ids of a finished job's failed files (for retry-failed).
pub fn failed_ids(outcomes: &[FileOutcome]) -> Vec<String> {
    outcomes
        .iter()
        .filter(|o| matches!(o.outcome, Outcome::Failed { .. }))
        .map(|o| o.file_id.clone())
        .collect()
}
