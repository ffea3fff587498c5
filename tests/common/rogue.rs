//! For tests against small misbehaving servers on loopback (axum): serving a router, a
//! client with short backoff, and the real binary pointed at such a server.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use axum::Router;
use iktag::api::{Client, ClientOptions};

/// Serves `router` on `127.0.0.1:0`; the base URL.
pub async fn serve(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}/")
}

/// A client of `base` with millisecond backoff, tuned further by `tune`.
pub fn client(base: &str, key: &str, tune: impl FnOnce(&mut ClientOptions)) -> Client {
    let mut o = ClientOptions::new(url::Url::parse(base).unwrap(), key);
    o.base_backoff = Duration::from_millis(5);
    o.max_backoff = Duration::from_millis(20);
    tune(&mut o);
    Client::new(o).unwrap()
}

/// `iktag` with a clean environment, its config and state in `state`, on `base` (none: the
/// profile decides) with `key`; stdin closed.
pub fn iktag_at(base: Option<&str>, key: &str, state: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iktag"));
    c.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", state)
        .env("IKTAG_CONFIG_DIR", state)
        .env("IKTAG_STATE_DIR", state)
        .env("IMAGEKIT_PRIVATE_KEY", key)
        .stdin(Stdio::null());
    if let Some(b) = base {
        c.env("IMAGE_KIT_BASE_URL", b);
    }
    c
}
