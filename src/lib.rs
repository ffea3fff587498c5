//! iktag: a terminal console for curating the tags of an ImageKit media library.
//!
//! The library holds everything; `main.rs` only dispatches:
//! - [`model`]: wire types shared by client and sandbox;
//! - [`sandbox`]: the local ImageKit-compatible server;
//! - [`cli`]: the command line.

pub mod cli;
pub mod model;
pub mod sandbox;
