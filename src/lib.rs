//! iktag: a terminal console for curating the tags of an `ImageKit` media library.
//!
//! The library holds everything; `main.rs` only dispatches:
//! - [`api`]: the `ImageKit` client (every call to `ImageKit` goes through it);
//! - [`config`]: profiles, key sources, platform directories;
//! - [`jobs`]: the bulk job engine (plan, run, outcomes, journal);
//! - [`lint`]: tag rules (check, fix, starter file);
//! - [`model`]: wire types shared by client and sandbox;
//! - [`sandbox`]: the local ImageKit-compatible server;
//! - [`cli`]: the command line;
//! - [`text`]: display-safe rendering of untrusted text;
//! - [`tui`]: the terminal UI.

pub mod api;
pub mod cli;
pub mod config;
pub mod jobs;
pub mod lint;
pub mod model;
pub mod sandbox;
pub mod text;
pub mod tui;
pub mod vocab;
