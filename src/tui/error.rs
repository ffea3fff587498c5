//! The TUI's errors: one type for what stops the terminal UI, one for a bad `keymap.toml`,
//! one for a preview that cannot be shown. Their texts are what the user reads.

use std::path::PathBuf;

/// What stops the terminal UI (the CLI reports it and exits 1).
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error("cannot start the terminal UI: {0}")]
    Start(std::io::Error),
    #[error("cannot draw: {0}")]
    Draw(std::io::Error),
    #[error("cannot resume the terminal UI: {0}")]
    Resume(std::io::Error),
}

/// A `keymap.toml` that cannot be used (the CLI reports it as a configuration error, exit 2).
#[derive(Debug, thiserror::Error)]
pub enum KeymapError {
    /// A key, command, section or the TOML itself is wrong.
    #[error("{0}")]
    Invalid(String),
    /// The same, in this file.
    #[error("{}: {message}\nFix or remove the file to use the default keys.", path.display())]
    InFile { path: PathBuf, message: String },
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Why a file's preview cannot be shown (shown in the preview pane).
#[derive(Debug, thiserror::Error)]
pub enum PreviewError {
    #[error("cannot read the file: {0}")]
    Details(String),
    #[error("no preview for {0}")]
    NotAnImage(String),
    #[error("the file has no thumbnail URL")]
    NoUrl,
    /// Not http(s), or a private address the library's own API is not on.
    #[error("{0}")]
    Refused(String),
    #[error("cannot fetch the thumbnail from {host}: {why}")]
    Fetch { host: String, why: String },
    #[error("thumbnail: HTTP {0}")]
    Status(u16),
    #[error("thumbnail larger than 8 MB")]
    TooLarge,
    #[error("thumbnail download broke off: {0}")]
    BrokeOff(String),
    #[error("cannot read the image: {0}")]
    Read(std::io::Error),
    #[error("not a JPEG, PNG, WebP or GIF image")]
    Format,
    #[error("cannot decode the {format} image: {why}")]
    Decode { format: &'static str, why: String },
    #[error("cannot draw the image: {0}")]
    Draw(String),
    #[error("preview task failed: {0}")]
    Task(String),
}
