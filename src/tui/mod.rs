//! The terminal UI: terminal event → `Action` → pure `update` → `Effect`s run on tokio →
//! their results come back as `Action`s (tagged with their job id) → render, only when
//! something happened. Ticks arrive only while jobs run.

pub mod dialogs;
pub mod entry;
pub mod error;
pub mod filter;
pub mod input;
pub mod keymap;
pub mod media;
pub mod model;
pub mod msg;
pub mod preview;
pub mod theme;
pub mod view;

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    Event as TermEvent, KeyEventKind,
};
use ratatui::crossterm::execute;
use ratatui_image::picker::Picker;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

use self::error::{KeymapError, TuiError};
use self::model::{State, update};
use self::msg::{Action, Effect};
use self::theme::Theme;
use crate::api::{Client, ListQuery};
use crate::config::{self, ConfigError, Settings};
use crate::jobs::lifecycle::{self, RunSpec};
use crate::jobs::{CancelHandle, Library, Plan};

/// How the TUI was started.
#[derive(Debug, Clone, Default)]
pub struct TuiOptions {
    pub demo: bool,
    pub read_only: bool,
    pub concurrency: usize,
    /// Where job journals go (`None`: not journaled).
    pub state_dir: Option<PathBuf>,
    /// The keys (defaults plus `keymap.toml`, see [`load_keymap`]).
    pub keymap: keymap::Keymap,
    /// Capture the mouse (wheel scrolls, click focuses). Off by default so the terminal's
    /// own selection keeps working; `IKTAG_MOUSE=1` turns it on.
    pub mouse: bool,
    /// The profile in use (shown in the header).
    pub profile: Option<String>,
    /// The profiles of the config file, for switching inside the TUI.
    pub profiles: Vec<config::ProfileInfo>,
    /// The library jobs run against (journaled with each job).
    pub library: Option<Library>,
    /// The tag rules the problems view checks (`None`: no rules file).
    pub rules: Option<std::sync::Arc<crate::lint::Rules>>,
}

/// Restores the terminal however the TUI ends (return, `?`, panic unwinding).
struct Guard {
    mouse: bool,
}

impl Drop for Guard {
    fn drop(&mut self) {
        leave(self.mouse);
    }
}

fn enter(mouse: bool) {
    let mut out = std::io::stdout();
    let _ = execute!(out, EnableBracketedPaste);
    if mouse {
        let _ = execute!(out, EnableMouseCapture);
    }
}

fn leave(mouse: bool) {
    let mut out = std::io::stdout();
    if mouse {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(out, DisableBracketedPaste);
    ratatui::restore();
    let _ = out.flush();
}

/// Runs the TUI until the user quits.
pub async fn run(client: Client, opts: TuiOptions) -> Result<(), TuiError> {
    // ratatui::init enters raw mode + the alternate screen and installs a panic hook
    // that restores the terminal before the panic message is printed.
    let mut terminal = ratatui::try_init().map_err(TuiError::Start)?;
    enter(opts.mouse);
    let _guard = Guard { mouse: opts.mouse };
    // Which graphics previews use (if asked to query the terminal: before anything reads stdin).
    let picker = preview::picker_from_env();
    let (keys, mut input) = unbounded_channel::<Action>();

    // Terminal events come from a blocking reader thread.
    std::thread::spawn(move || {
        loop {
            let action = match event::read() {
                Ok(TermEvent::Key(k)) if k.kind != KeyEventKind::Release => Action::Key(k),
                Ok(TermEvent::Resize(..)) => Action::Resize,
                Ok(TermEvent::Paste(p)) => Action::Paste(p),
                Ok(TermEvent::Mouse(m)) => Action::Mouse(m),
                Ok(_) => continue,
                Err(_) => break,
            };
            if keys.send(action).is_err() {
                break;
            }
        }
    });
    let mut state = State::new(opts.demo, opts.read_only);
    state.session.keymap = opts.keymap.clone();
    state.session.profile = opts.profile.clone();
    state.session.profiles = opts.profiles.clone();
    state.problems = model::problems::Problems::new(opts.rules.clone());
    let theme = Theme::from_env();
    let mut runner = Runner::new(client, opts.clone()).with_picker(picker);
    runner.load();
    let mut ticker = tokio::time::interval(Duration::from_millis(250));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    // Frames are drawn only when something changed, at most one per FRAME (a 100 000-file
    // job's progress does not redraw per batch); input is handled meanwhile.
    let mut dirty = true;
    let mut last_frame = Instant::now()
        .checked_sub(FRAME)
        .unwrap_or_else(Instant::now);
    loop {
        if dirty && last_frame.elapsed() >= FRAME {
            frame(&mut terminal, &mut state, &mut runner, theme)?;
            last_frame = Instant::now();
            dirty = false;
        }
        // Wait for something to happen, or for the next frame; tick only while work is
        // under way (no idle redraws).
        let animating = state.animating();
        let next_frame = tokio::time::Instant::from_std(last_frame + FRAME);
        let first = tokio::select! {
            a = input.recv() => match a {
                Some(a) => a,
                None => break,
            },
            a = runner.next() => a,
            _ = ticker.tick(), if animating => Action::Tick(Instant::now()),
            () = tokio::time::sleep_until(next_frame), if dirty => continue,
        };
        dirty = true;
        // Coalesce: apply everything that is already waiting.
        let mut effects = update(&mut state, Action::Tick(Instant::now()));
        effects.extend(update(&mut state, first));
        while let Some(more) = input.try_recv().ok().or_else(|| runner.try_next()) {
            effects.extend(update(&mut state, more));
        }
        for effect in effects {
            match runner.run(effect) {
                Some(Effect::Quit) => {
                    runner.cancel_all();
                    return Ok(());
                }
                Some(Effect::Copy(text)) => copy(&text),
                Some(Effect::Suspend) => suspend(&mut terminal, opts.mouse)?,
                _ => {}
            }
        }
    }
    Ok(())
}

/// The shortest time between two frames (about 60 per second).
const FRAME: Duration = Duration::from_millis(16);

/// One frame: the layout for the terminal's size, computed once (the model gets it when it
/// changed: paging, mouse hit-testing and previews use it), then the draw with it.
fn frame(
    terminal: &mut DefaultTerminal,
    state: &mut State,
    runner: &mut Runner,
    theme: Theme,
) -> Result<(), TuiError> {
    let size = terminal.size().map_err(TuiError::Draw)?;
    let layout = view::Layout::new(size.into(), state.preview.on);
    if layout != state.layout {
        for effect in update(state, Action::Layout(layout)) {
            // A new size asks for previews and nothing else.
            let _ = runner.run(effect);
        }
    }
    draw(terminal, state, theme)
}

/// Resolves a profile name to settings (the config file and the environment).
pub type Resolver = Arc<dyn Fn(&str) -> Result<Settings, ConfigError> + Send + Sync>;

/// Carries out the effects `update` returns: background work on tokio whose results come
/// back as actions ([`Runner::next`]). The terminal loop and the tests share it.
///
/// Switching profile replaces the client and the result channel, so answers still on their
/// way from the previous library are dropped, never mixed into the new one.
pub struct Runner {
    client: Client,
    opts: TuiOptions,
    tx: UnboundedSender<Action>,
    rx: UnboundedReceiver<Action>,
    cancels: HashMap<u64, CancelHandle>,
    picker: Picker,
    media: reqwest::Client,
    resolve: Resolver,
    /// Tells the model what the client waits for (see [`watch_waits`]).
    waits: Option<tokio::task::JoinHandle<()>>,
}

impl Runner {
    pub fn new(client: Client, opts: TuiOptions) -> Runner {
        let (tx, rx) = unbounded_channel();
        let media = preview::media_client(client.base_url());
        Runner {
            client,
            opts,
            tx,
            rx,
            cancels: HashMap::new(),
            picker: Picker::halfblocks(),
            media,
            resolve: Arc::new(|name: &str| config::resolve(Some(name))),
            waits: None,
        }
    }

    /// The graphics protocol previews are drawn with (half-blocks unless set).
    #[must_use]
    pub fn with_picker(mut self, picker: Picker) -> Runner {
        self.picker = picker;
        self
    }

    /// How profile names become settings (tests pass their own environment).
    #[must_use]
    pub fn with_resolver(mut self, resolve: Resolver) -> Runner {
        self.resolve = resolve;
        self
    }

    /// Starts loading the library and its custom metadata fields (and watching the
    /// client's waits).
    pub fn load(&mut self) {
        spawn_load(self.client.clone(), self.tx.clone());
        spawn_fields(self.client.clone(), self.tx.clone());
        if let Some(old) = self.waits.take() {
            old.abort();
        }
        self.waits = Some(watch_waits(self.client.clone(), self.tx.clone()));
    }

    /// The next result of background work.
    pub async fn next(&mut self) -> Action {
        match self.rx.recv().await {
            Some(a) => a,
            // The runner holds a sender, so the channel never closes.
            None => std::future::pending().await,
        }
    }

    /// A result that is already waiting, if any.
    pub fn try_next(&mut self) -> Option<Action> {
        self.rx.try_recv().ok()
    }

    /// Switches to another profile: new client, new channel, load the library again.
    fn switch(&mut self, name: String) {
        let settings = match (self.resolve)(&name) {
            Ok(s) => s,
            Err(e) => {
                let _ = self.tx.send(Action::ProfileFailed(e.to_string()));
                return;
            }
        };
        let client = match Client::new(settings.client_options()) {
            Ok(c) => c,
            Err(e) => {
                let _ = self.tx.send(Action::ProfileFailed(e.to_string()));
                return;
            }
        };
        self.cancel_all();
        self.cancels.clear();
        let (tx, rx) = unbounded_channel();
        (self.tx, self.rx, self.client) = (tx, rx, client);
        self.opts.concurrency = settings.concurrency;
        self.opts.library = Some(Library::new(
            settings.base_url.as_str(),
            Some(&name),
            settings.key.expose(),
            false,
        ));
        let _ = self.tx.send(Action::ProfileSwitched {
            name,
            read_only: settings.read_only,
        });
        self.load();
    }

    /// Starts one effect. Returns the ones only the terminal can carry out (quit, copy,
    /// suspend).
    pub fn run(&mut self, effect: Effect) -> Option<Effect> {
        let (client, tx) = (self.client.clone(), self.tx.clone());
        match effect {
            Effect::RunJob {
                job,
                plan,
                origin,
                guard,
                paths,
            } => {
                let cancel = CancelHandle::default();
                self.cancels.insert(job, cancel.clone());
                let spec = RunSpec {
                    library: self.opts.library.clone(),
                    dir: self.opts.state_dir.as_ref().map(|d| d.join("jobs")),
                    origin,
                    guard,
                    paths,
                    concurrency: self.opts.concurrency.max(1),
                };
                spawn_job(client, job, plan, spec, cancel, tx);
            }
            Effect::Cancel(job) => {
                if let Some(c) = self.cancels.get(&job) {
                    c.cancel();
                }
            }
            Effect::Search(q) => spawn_search(client, q, tx),
            Effect::CopyUrls(ids) => {
                tokio::spawn(async move {
                    let action = match client.details_of(&ids).await {
                        Ok(files) => Action::CopyText(
                            files
                                .into_iter()
                                .map(|f| f.url)
                                .collect::<Vec<_>>()
                                .join("\n"),
                        ),
                        Err(e) => Action::CopyFailed(e.to_string()),
                    };
                    let _ = tx.send(action);
                });
            }
            Effect::Refresh(ids) => spawn_refresh(client, ids, tx),
            Effect::Preview { id, cells } => {
                let (media, picker) = (self.media.clone(), self.picker.clone());
                tokio::spawn(async move {
                    let state = preview::load(&client, &media, &picker, &id, cells).await;
                    let _ = tx.send(Action::PreviewDone { id, state });
                });
            }
            Effect::SwitchProfile(name) => self.switch(name),
            Effect::Reload => self.load(),
            Effect::LintRequired(queries) => spawn_required(client, queries, tx),
            other @ (Effect::Quit | Effect::Copy(_) | Effect::Suspend) => return Some(other),
        }
        None
    }

    /// Cancels every running job (on quit).
    pub fn cancel_all(&self) {
        for c in self.cancels.values() {
            c.cancel();
        }
    }
}

fn draw(terminal: &mut DefaultTerminal, state: &State, theme: Theme) -> Result<(), TuiError> {
    // ratatui diffs against the previous frame, so only changed cells reach the terminal
    // (no clear, no full redraw).
    terminal
        .draw(|f| view::render(f, state, theme))
        .map(|_| ())
        .map_err(TuiError::Draw)
}

/// Ctrl-Z: give the terminal back, stop, and take it again on `fg`.
fn suspend(terminal: &mut DefaultTerminal, mouse: bool) -> Result<(), TuiError> {
    #[cfg(unix)]
    {
        leave(mouse);
        // SAFETY: raising SIGTSTP on ourselves; the default action stops the process
        // until SIGCONT, then execution continues here.
        #[allow(unsafe_code)]
        unsafe {
            libc::raise(libc::SIGTSTP);
        }
        // Not ratatui::init again: that queries the cursor position, and the reader thread
        // would swallow the answer.
        ratatui::crossterm::terminal::enable_raw_mode().map_err(TuiError::Resume)?;
        execute!(
            std::io::stdout(),
            ratatui::crossterm::terminal::EnterAlternateScreen
        )
        .map_err(TuiError::Resume)?;
        enter(mouse);
        // The shell drew over the screen meanwhile: clear it and draw a blank frame, so the
        // next frame is written in full (Terminal::clear would query the cursor, see above).
        execute!(
            std::io::stdout(),
            ratatui::crossterm::terminal::Clear(ratatui::crossterm::terminal::ClearType::All)
        )
        .map_err(TuiError::Resume)?;
        terminal
            .draw(|f| f.render_widget(ratatui::widgets::Clear, f.area()))
            .map_err(TuiError::Resume)?;
    }
    #[cfg(not(unix))]
    {
        let _ = (terminal, mouse);
    }
    Ok(())
}

/// Streams the library into the state: one `Page` per listing page, then `LoadDone` (or
/// `LoadFailed`). Public for the loading benchmark, which measures exactly this path.
pub fn spawn_load(client: Client, tx: UnboundedSender<Action>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut pager = client.list(ListQuery::default());
        loop {
            match pager.next_page().await {
                Ok(Some(page)) => {
                    if tx.send(Action::Page(files_of(page))).is_err() {
                        return;
                    }
                }
                Ok(None) => {
                    let skipped: Vec<String> = pager
                        .undecodable()
                        .iter()
                        .map(ToString::to_string)
                        .collect();
                    if !skipped.is_empty() {
                        let _ = tx.send(Action::LoadSkipped(skipped));
                    }
                    let _ = tx.send(Action::LoadDone);
                    return;
                }
                Err(e) => {
                    let _ = tx.send(Action::LoadFailed(e.to_string()));
                    return;
                }
            }
        }
    })
}

/// Every half second: what the client waits for, when it is worth showing and changed
/// (a rate-limit window, a retry's backoff, a slow answer).
fn watch_waits(client: Client, tx: UnboundedSender<Action>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut last: Option<String> = None;
        loop {
            tokio::time::sleep(Duration::from_millis(500)).await;
            let now = client.waiting().map(|w| w.to_string());
            if now != last {
                if tx.send(Action::Waiting(now.clone())).is_err() {
                    return;
                }
                last = now;
            }
        }
    })
}

fn files_of(page: Vec<crate::model::Asset>) -> Vec<crate::model::FileDetails> {
    page.into_iter()
        .filter_map(|a| match a {
            crate::model::Asset::File(f) => Some(*f),
            crate::model::Asset::Folder(_) => None,
        })
        .collect()
}

fn spawn_fields(client: Client, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        match client.custom_metadata_fields().await {
            Ok(fields) => {
                let _ = tx.send(Action::Fields(fields));
            }
            Err(e) => tracing::warn!(error = %e, "custom metadata fields not loaded"),
        }
    });
}

/// Server search: the whole result set (paged), or the server's error text.
fn spawn_search(client: Client, query: String, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        let q = ListQuery {
            search_query: Some(query.clone()),
            ..Default::default()
        };
        let action = match client.list(q).collect_files().await {
            Ok(files) => Action::SearchDone { query, files },
            Err(e) => Action::SearchFailed {
                query,
                error: e.to_string(),
            },
        };
        let _ = tx.send(action);
    });
}

/// One server search per `require` rule; the ids each matched, in order.
fn spawn_required(client: Client, queries: Vec<String>, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        let mut sets = Vec::with_capacity(queries.len());
        for query in queries {
            let q = ListQuery {
                search_query: Some(query),
                ..Default::default()
            };
            match client.list(q).collect_files().await {
                Ok(files) => sets.push(files.into_iter().map(|f| f.file_id).collect()),
                Err(e) => {
                    let _ = tx.send(Action::LintRequired(Err(e.to_string())));
                    return;
                }
            }
        }
        let _ = tx.send(Action::LintRequired(Ok(sets)));
    });
}

fn spawn_refresh(client: Client, ids: Vec<String>, tx: UnboundedSender<Action>) {
    tokio::spawn(async move {
        match client.details_of(&ids).await {
            Ok(files) => {
                let _ = tx.send(Action::Refreshed(files));
            }
            Err(e) => tracing::warn!(error = %e, "refresh after a job failed"),
        }
    });
}

/// Runs a job through the lifecycle (the same path as the command line): progress as it
/// goes, then the journal's id, the files as read back, and every outcome.
fn spawn_job(
    client: Client,
    job: u64,
    plan: Arc<Plan>,
    spec: RunSpec,
    cancel: CancelHandle,
    tx: UnboundedSender<Action>,
) {
    tokio::spawn(async move {
        let (etx, erx) = unbounded_channel();
        let forward = tokio::spawn(forward_job_events(job, erx, tx.clone()));
        let finished = lifecycle::execute(&client, &plan, &spec, &cancel, Some(etx)).await;
        let _ = forward.await;
        let outcomes = match finished {
            Ok(f) => {
                if let Some(id) = f.job {
                    let _ = tx.send(Action::JobJournaled { job, id });
                }
                f.outcomes
            }
            Err(e) => {
                tracing::error!(error = %e, "job not started: its journal cannot be written");
                let error = format!("not sent: {e}");
                plan.units
                    .iter()
                    .flat_map(|u| &u.ids)
                    .map(|id| crate::jobs::FileOutcome {
                        file_id: id.clone(),
                        outcome: crate::jobs::Outcome::Failed {
                            status: None,
                            error: error.clone(),
                        },
                    })
                    .collect()
            }
        };
        let _ = tx.send(Action::JobDone { job, outcomes });
    });
}

/// How often the files a job read back are handed to the model: each hand-over
/// rebuilds the list view, so a 100 000-file job's 1 000 searches make a few rebuilds.
const FRESH_EVERY: std::time::Duration = std::time::Duration::from_millis(250);

/// Passes a job's events on as actions: outcomes as they come (what is queued is sent
/// as one batch), the files read back gathered for up to [`FRESH_EVERY`].
async fn forward_job_events(
    job: u64,
    mut erx: tokio::sync::mpsc::UnboundedReceiver<crate::jobs::Event>,
    tx: UnboundedSender<Action>,
) {
    use crate::jobs::Event;
    let mut fresh = Vec::new();
    let mut due = tokio::time::Instant::now() + FRESH_EVERY;
    loop {
        let next = if fresh.is_empty() {
            erx.recv().await
        } else {
            let Ok(e) = tokio::time::timeout_at(due, erx.recv()).await else {
                let _ = tx.send(Action::Refreshed(std::mem::take(&mut fresh)));
                continue;
            };
            e
        };
        let Some(first) = next else { break };
        let mut outcomes = Vec::new();
        for event in std::iter::once(first).chain(std::iter::from_fn(|| erx.try_recv().ok())) {
            match event {
                Event::Done(o) => outcomes.extend(o),
                Event::Fresh(f) => {
                    if fresh.is_empty() {
                        due = tokio::time::Instant::now() + FRESH_EVERY;
                    }
                    fresh.extend(f);
                }
            }
        }
        if !outcomes.is_empty() {
            let _ = tx.send(Action::JobProgress { job, outcomes });
        }
    }
    if !fresh.is_empty() {
        let _ = tx.send(Action::Refreshed(fresh));
    }
}

/// The default keys with `keymap.toml` from the config directory applied. Errors name the
/// file and what to fix (the CLI reports them as configuration errors, exit 2).
pub fn load_keymap() -> Result<keymap::Keymap, KeymapError> {
    match crate::config::config_dir(&crate::config::ProcessEnv) {
        Ok(dir) => keymap::Keymap::load(&dir),
        Err(_) => Ok(keymap::Keymap::default()),
    }
}

/// The OSC 52 sequence that puts `text` on the terminal's clipboard (base64, so nothing in
/// the text can act as a control sequence). Works over SSH and in tmux with set-clipboard.
pub fn osc52(text: &str) -> String {
    use base64::Engine;
    format!(
        "\x1b]52;c;{}\x07",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

fn copy(text: &str) {
    let mut out = std::io::stdout();
    let _ = out.write_all(osc52(text).as_bytes());
    let _ = out.flush();
}

/// `IKTAG_MOUSE=1` (or `true`/`yes`) turns mouse capture on.
pub fn mouse_from_env() -> bool {
    std::env::var("IKTAG_MOUSE").is_ok_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        )
    })
}
