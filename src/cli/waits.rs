//! Waits a person can see and stop, on the command line: what the client waits for once
//! a wait passes two seconds (on a terminal), and Ctrl-C that ends every wait at once.

use std::io::IsTerminal;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use indicatif::ProgressBar;

use crate::api::{CancelHandle, Client, Waiting};

/// How often the wait line looks at the client.
const EVERY: Duration = Duration::from_millis(250);

/// Shows the client's long waits on stderr while it lives (a terminal only): on the
/// progress bar [attached](WaitLine::attach) while a job runs, else as a line per wait.
pub struct WaitLine {
    task: Option<tokio::task::JoinHandle<()>>,
    bar: Arc<Mutex<Option<ProgressBar>>>,
}

impl Drop for WaitLine {
    fn drop(&mut self) {
        self.stop();
    }
}

impl WaitLine {
    pub fn show(client: &Client) -> WaitLine {
        let bar: Arc<Mutex<Option<ProgressBar>>> = Arc::default();
        if !std::io::stderr().is_terminal() {
            return WaitLine { task: None, bar };
        }
        let (client, slot) = (client.clone(), bar.clone());
        let task = tokio::spawn(async move {
            let mut last: Option<u64> = None;
            loop {
                tokio::time::sleep(EVERY).await;
                let now = client.waiting();
                let attached = slot.lock().unwrap_or_else(PoisonError::into_inner).clone();
                if let Some(b) = attached {
                    let line = now
                        .as_ref()
                        .map(|w| format!("\n{}", fitted(w, "Ctrl-C cancels")));
                    b.set_prefix(line.unwrap_or_default());
                } else if let Some(w) = &now
                    && last != Some(w.id)
                {
                    eprintln!("{}", fitted(w, "Ctrl-C stops"));
                }
                last = now.map(|w| w.id);
            }
        });
        WaitLine {
            task: Some(task),
            bar,
        }
    }

    /// Shows waits on `bar` (a job's progress) until it is detached with `None`.
    pub fn attach(&self, bar: Option<ProgressBar>) {
        *self.bar.lock().unwrap_or_else(PoisonError::into_inner) = bar;
    }

    /// Shows nothing more (the terminal UI takes the screen).
    pub fn stop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

/// The wait's line within the terminal's width (one column spare: a wrapped line would
/// leave its tail behind when the progress bar redraws); the `hint` goes first when
/// both do not fit.
fn fitted(w: &Waiting, hint: &str) -> String {
    let cols = ratatui::crossterm::terminal::size().map_or(80, |(c, _)| usize::from(c));
    let room = cols.saturating_sub(1);
    let full = format!("⏳ {w} · {hint}");
    if crate::text::width(&full) <= room {
        return full;
    }
    crate::text::fit(&format!("⏳ {w}"), room).into_owned()
}

/// Ctrl-C during a job: the first cancels it (no new call starts, every wait ends at once,
/// calls in flight finish and are recorded); the second exits at once with `code`. What it
/// says goes above the job's progress `bar`, if there is one.
pub fn on_ctrl_c(
    cancel: &CancelHandle,
    code: u8,
    bar: Option<ProgressBar>,
) -> tokio::task::JoinHandle<()> {
    let cancel = cancel.clone();
    let say = move |text: &str| match &bar {
        Some(b) => b.println(text),
        None => eprintln!("{text}"),
    };
    tokio::spawn(async move {
        let mut interrupts = Interrupts::new();
        if !interrupts.next().await {
            return;
        }
        say(
            "cancelling: no new calls start and waits end; calls in flight finish and are recorded (Ctrl-C again quits at once)",
        );
        cancel.cancel();
        if interrupts.next().await {
            say("quitting at once: `iktag jobs resume` finishes the job");
            std::process::exit(i32::from(code));
        }
    })
}

/// Ctrl-C presses, one listener for all of them: a second press that comes before the
/// first is handled is not lost (on Unix; elsewhere each wait listens anew).
struct Interrupts {
    #[cfg(unix)]
    signal: Option<tokio::signal::unix::Signal>,
}

impl Interrupts {
    fn new() -> Interrupts {
        Interrupts {
            #[cfg(unix)]
            signal: tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt()).ok(),
        }
    }

    /// The next press; `false` if presses cannot be listened for.
    async fn next(&mut self) -> bool {
        #[cfg(unix)]
        if let Some(s) = &mut self.signal {
            return s.recv().await.is_some();
        }
        tokio::signal::ctrl_c().await.is_ok()
    }
}
