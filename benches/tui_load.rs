//! Loading a 100 000-file library into the terminal UI, as a user experiences it.
//!
//! Starts the real binary (`iktag sandbox --files 100000`) as a subprocess, then, in this
//! process, runs the TUI's loading path against it: a loader task pages through
//! `client.list(ListQuery::default())` and sends each page as `Action::Page`; the main loop
//! applies what has arrived (coalescing like the real loop) and draws a 120×40 frame.
//!
//! Reports:
//! - first rows: from creating the `Client` to the first page being in the state and drawn
//!   (target < 200 ms);
//! - full load: from creating the `Client` to all files being in the state;
//! - both again with the sandbox answering every request 150 ms late (`--latency 150`, set
//!   through `PUT /_sandbox/faults`), as over SSH against the real API (full load target
//!   ≤ 5 s: the listing keeps several pages in flight);
//! - resident memory (`VmRSS`, Linux) before and after loading; the difference is the state's
//!   share (target ≤ 80 MB), raw and after `malloc_trim` (glibc keeps the freed garbage of
//!   parsing 100 pages of JSON). A counting allocator also reports the live heap the loaded
//!   state holds (bytes requested and not freed), split into the files themselves and the
//!   rest (id index, view), so an RSS figure over target can be traced to what takes the room.
//!
//! Run: `cargo bench --bench tui_load`

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use iktag::api::{Client, ClientOptions};
use iktag::tui::model::{State, update};
use iktag::tui::msg::Action;
use iktag::tui::theme::Theme;
use iktag::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::layout::Rect;
use tokio::sync::mpsc::unbounded_channel;

const FILES: usize = 100_000;
const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
const FIRST_ROWS_TARGET_MS: f64 = 200.0;
/// The remote case: every request answered this late, and the full load's target.
const LATENCY_MS: u64 = 150;
const LATENCY_FULL_LOAD_TARGET_S: f64 = 5.0;
const STATE_MB_TARGET: f64 = 80.0;

/// The system allocator, counting the bytes currently allocated.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

#[allow(unsafe_code)] // a global allocator cannot be written without it
// SAFETY: every call is forwarded unchanged to the system allocator; only a counter is added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            LIVE.fetch_add(new_size, Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The sandbox subprocess; killed when dropped (normal end, error return or panic).
struct Sandbox {
    child: Child,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `iktag sandbox --files N` and reads its ready lines (base URL, generated key).
fn start_sandbox() -> Result<(Sandbox, String, String), String> {
    let child = Command::new(env!("CARGO_BIN_EXE_iktag"))
        .args(["sandbox", "--files", &FILES.to_string()])
        // Unset, so the sandbox generates a key and prints it.
        .env_remove("IMAGEKIT_PRIVATE_KEY")
        .env("IKTAG_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", env!("CARGO_BIN_EXE_iktag")))?;
    let mut sandbox = Sandbox { child };
    let stdout = sandbox
        .child
        .stdout
        .take()
        .ok_or("the sandbox's stdout is not piped")?;
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let (mut base, mut key) = (None, None);
    let deadline = Instant::now() + Duration::from_secs(120);
    while base.is_none() || key.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = rx.recv_timeout(left) else {
            let status = sandbox.child.try_wait().ok().flatten();
            return Err(format!(
                "the sandbox did not print its ready lines within 120 s (exit status: {status:?})"
            ));
        };
        if let Some(v) = line.strip_prefix("IMAGE_KIT_BASE_URL=") {
            base = Some(v.trim().to_owned());
        } else if let Some(v) = line.strip_prefix("IMAGEKIT_PRIVATE_KEY=") {
            key = Some(v.trim().to_owned());
        }
    }
    Ok((sandbox, base.unwrap_or_default(), key.unwrap_or_default()))
}

/// Resident memory of this process in bytes (Linux), `None` elsewhere.
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(kb * 1024)
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

struct Figures {
    first_rows: Duration,
    full_load: Duration,
    pages: usize,
    draws: usize,
    files: usize,
    rss_before: Option<u64>,
    rss_after: Option<u64>,
    /// Live heap held by the loaded state.
    state_heap: usize,
    /// Live heap of a deep copy of `state.lib.files` (the files alone).
    files_heap: usize,
    /// RSS after handing freed memory back to the OS (glibc `malloc_trim`): what stays is
    /// what the state holds, not the pages' parsing garbage the allocator kept.
    rss_trimmed: Option<u64>,
}

/// The TUI's loading path: loader task → channel → update (coalesced) → draw.
async fn load(base: &str, key: &str) -> Result<Figures, String> {
    let url = url::Url::parse(base).map_err(|e| format!("bad base URL {base:?}: {e}"))?;
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).map_err(|e| e.to_string())?;
    let mut state = State::new(false, false);
    let layout = view::Layout::new(Rect::new(0, 0, WIDTH, HEIGHT), state.preview.on);
    update(&mut state, Action::Layout(layout));
    terminal
        .draw(|f| view::render(f, &state, Theme::default()))
        .map_err(|e| e.to_string())?;

    let t0 = Instant::now();
    let client = Client::new(ClientOptions::new(url, key)).map_err(|e| e.to_string())?;
    // After the client (its TLS setup is not the state's), before any file arrives.
    let rss_before = rss_bytes();
    let live_before = live();
    let (tx, mut rx) = unbounded_channel::<Action>();
    let loader = iktag::tui::spawn_load(client, tx);

    let (mut first_rows, mut full_load) = (None, None);
    let (mut pages, mut draws) = (0, 0);
    while full_load.is_none() {
        let Some(first) = rx.recv().await else {
            return Err("the loader stopped without finishing".into());
        };
        let mut batch = vec![first];
        while let Ok(more) = rx.try_recv() {
            batch.push(more);
        }
        for action in batch {
            match &action {
                Action::Page(_) => pages += 1,
                Action::LoadFailed(e) => return Err(format!("listing failed: {e}")),
                Action::LoadDone => full_load = Some(t0.elapsed()),
                _ => {}
            }
            update(&mut state, action);
        }
        terminal
            .draw(|f| view::render(f, &state, Theme::default()))
            .map_err(|e| e.to_string())?;
        draws += 1;
        if first_rows.is_none() && !state.list.view.is_empty() {
            first_rows = Some(t0.elapsed());
        }
    }
    let _ = loader.await;
    let rss_after = rss_bytes();
    let state_heap = live().saturating_sub(live_before);
    // The files alone: measure a deep copy (after the RSS reading, which it would inflate).
    let copy_from = live();
    let copy = state.lib.files.clone();
    let files_heap = live().saturating_sub(copy_from);
    drop(copy);
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only returns free heap pages to the OS.
    #[allow(unsafe_code)]
    unsafe {
        libc::malloc_trim(0);
    }
    let rss_trimmed = rss_bytes();
    Ok(Figures {
        first_rows: first_rows.ok_or("no rows were ever shown")?,
        full_load: full_load.unwrap_or_default(),
        pages,
        draws,
        files: state.lib.files.len(),
        rss_before,
        rss_after,
        state_heap,
        files_heap,
        rss_trimmed,
    })
}

fn report(f: &Figures) {
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    let first_ms = f.first_rows.as_secs_f64() * 1000.0;
    println!();
    println!(
        "tui_load: {} files from `iktag sandbox --files {FILES}`, {} pages, {} draws at {WIDTH}×{HEIGHT}",
        f.files, f.pages, f.draws
    );
    println!("{:<34} {:>12}  {:<10}", "metric", "value", "target");
    println!("{:-<34} {:->12}  {:-<10}", "", "", "");
    println!(
        "{:<34} {:>9.1} ms  < {FIRST_ROWS_TARGET_MS} ms {}",
        "first rows (client → drawn)",
        first_ms,
        verdict(first_ms < FIRST_ROWS_TARGET_MS)
    );
    println!(
        "{:<34} {:>10.2} s  {:<10}",
        format!("full load ({} files)", f.files),
        f.full_load.as_secs_f64(),
        "-"
    );
    match (f.rss_before, f.rss_after) {
        (Some(before), Some(after)) => {
            let share = mb(after.saturating_sub(before));
            println!(
                "{:<34} {:>9.1} MB  {:<10}",
                "RSS before loading",
                mb(before),
                "-"
            );
            println!(
                "{:<34} {:>9.1} MB  {:<10}",
                "RSS after loading",
                mb(after),
                "-"
            );
            println!(
                "{:<34} {:>9.1} MB  ≤ {STATE_MB_TARGET} MB {}",
                "state's share (after − before)",
                share,
                verdict(share <= STATE_MB_TARGET)
            );
            if let Some(trimmed) = f.rss_trimmed {
                let share = mb(trimmed.saturating_sub(before));
                println!(
                    "{:<34} {:>9.1} MB  ≤ {STATE_MB_TARGET} MB {}",
                    "  same after malloc_trim",
                    share,
                    verdict(share <= STATE_MB_TARGET)
                );
            }
        }
        _ => {
            for m in ["RSS before loading", "RSS after loading", "state's share"] {
                println!("{m:<34} {:>12}  {:<10}", "n/a", "-");
            }
        }
    }
    let per_file = |b: usize| b as f64 / f.files.max(1) as f64;
    let rows = [
        ("state's live heap", f.state_heap),
        ("  files (deep copy)", f.files_heap),
        (
            "  index, view, slack",
            f.state_heap.saturating_sub(f.files_heap),
        ),
    ];
    for (label, bytes) in rows {
        println!(
            "{label:<34} {:>9.1} MB  {:>6.0} B/file",
            mb(bytes as u64),
            per_file(bytes)
        );
    }
    println!(
        "{:<34} {:>12}",
        "size_of::<Entry>()",
        format!("{} B", size_of::<iktag::tui::entry::Entry>())
    );
}

fn main() {
    // `cargo test --benches` runs bench binaries without `--bench`: keep that quick.
    if !std::env::args().any(|a| a == "--bench") {
        println!("tui_load: run with `cargo bench --bench tui_load`");
        return;
    }
    let started = Instant::now();
    let (sandbox, base, key) = match start_sandbox() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("tui_load: {e}");
            std::process::exit(1);
        }
    };
    println!(
        "sandbox with {FILES} files ready in {:.1} s at {base}",
        started.elapsed().as_secs_f64()
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let result = rt.block_on(async {
        let local = load(&base, &key).await?;
        set_latency(&base, &key, LATENCY_MS).await?;
        let remote = load(&base, &key).await?;
        Ok::<_, String>((local, remote))
    });
    drop(rt);
    // Stop the sandbox before reporting or exiting.
    drop(sandbox);
    match result {
        Ok((local, remote)) => {
            report(&local);
            report_latency(&remote);
        }
        Err(e) => {
            eprintln!("tui_load: {e}");
            std::process::exit(1);
        }
    }
}

/// `PUT /_sandbox/faults {"latencyMs": [ms, ms]}`: what `iktag sandbox --latency ms` sets.
async fn set_latency(base: &str, key: &str, ms: u64) -> Result<(), String> {
    let resp = reqwest::Client::new()
        .put(format!("{base}/_sandbox/faults"))
        .basic_auth(key, None::<&str>)
        .json(&serde_json::json!({ "latencyMs": [ms, ms] }))
        .send()
        .await
        .map_err(|e| format!("cannot set the sandbox's latency: {e}"))?;
    if resp.status().is_success() {
        Ok(())
    } else {
        Err(format!(
            "setting the sandbox's latency: HTTP {}",
            resp.status()
        ))
    }
}

/// The same load with every request answered [`LATENCY_MS`] late: timings only (the memory
/// figures above are the state's; a second load in this process would blur them).
fn report_latency(f: &Figures) {
    let verdict = |ok: bool| if ok { "ok" } else { "MISSED" };
    let full = f.full_load.as_secs_f64();
    println!();
    println!(
        "tui_load at --latency {LATENCY_MS}: {} files, {} pages, {} draws",
        f.files, f.pages, f.draws
    );
    println!(
        "{:<34} {:>9.1} ms  {:<10}",
        "first rows (client → drawn)",
        f.first_rows.as_secs_f64() * 1000.0,
        "-"
    );
    println!(
        "{:<34} {:>10.2} s  ≤ {LATENCY_FULL_LOAD_TARGET_S} s {}",
        format!("full load ({} files)", f.files),
        full,
        verdict(full <= LATENCY_FULL_LOAD_TARGET_S)
    );
}
