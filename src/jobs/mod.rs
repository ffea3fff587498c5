//! The bulk job engine, shared by the TUI and the CLI.
//!
//! A job is an operation plus target file ids. It is **planned** into units within the API's
//! limits (50 ids per tag call, 100 per delete, one file per PATCH), then **run** with bounded
//! concurrency through one [`Client`](crate::api::Client) (whose shared 429 window slows the
//! whole job down). Every file ends with exactly one [`Outcome`]; success is reported only
//! for files the server confirmed.
//!
//! `operation` says what a job does, `plan` cuts it into units, `run` sends them and
//! `outcome` records what became of each file; [`lifecycle`] runs a plan as a journaled job
//! and later undoes, resumes or retries it.

pub mod inverse;
pub mod journal;
pub mod library;
pub mod lifecycle;
mod operation;
mod outcome;
mod plan;
pub mod policy;
mod preview;
mod read_back;
mod run;
mod settle;

pub use crate::api::CancelHandle;
pub use library::Library;
pub use operation::Operation;
pub use outcome::{FileOutcome, Outcome, Summary, failed_ids};
pub use plan::{
    DELETE_CHUNK, Fields, Known, MAX_TAG_CHARS, Plan, PlanError, PreviousTags, TAG_CHUNK, Unit,
    combine, plan, plan_with,
};
pub use policy::{Ask, AutoTagParams};
pub use preview::{detail_diff, preview};
pub use run::{Event, run};
