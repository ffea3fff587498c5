//! What the model does when something other than input happens: pages of the listing,
//! search results, job progress, read-backs, time, layout, previews, profile switches.

use super::autotag::PENDING_NOTE;
use super::{Pane, Session, State, queue};
use crate::text::{count, untrusted};

/// How the status line ends while a library loads again (profile switch, reload): replaced
/// once it has loaded.
pub const LOADING: &str = "loading the library…";
use crate::tui::dialogs::{InputKind, Modal};
use crate::tui::model::list::ServerSearch;
use crate::tui::msg::{Action, Effect};

pub fn on_event(s: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::PreviewDone { id, state } => {
            if s.preview.inflight.as_deref() == Some(id.as_str()) {
                s.preview.inflight = None;
            }
            s.preview.cache.insert(id, state);
        }
        Action::ProfileSwitched { name, read_only } => switched(s, name, read_only),
        Action::ProfileFailed(e) => s.status = format!("profile not switched: {e}"),
        Action::Page(files) => {
            let fast = s.list.is_default_view();
            let start = s.lib.files.len();
            for f in files {
                s.upsert(f);
            }
            if fast {
                s.list.view.extend(start..s.lib.files.len());
                if s.list.view.len() == s.lib.files.len() {
                    return Vec::new();
                }
            }
            s.list.rebuild(&mut s.lib);
        }
        Action::LoadDone => return load_done(s),
        Action::LintRequired(result) => super::problems::required_arrived(s, result),
        Action::Waiting(w) => s.waiting = w,
        Action::LoadSkipped(items) => {
            s.status = format!(
                "{} could not be read and {} skipped (iktag.log lists them): {}",
                count(items.len(), "listing item"),
                if items.len() == 1 { "was" } else { "were" },
                items.first().map_or("", String::as_str)
            );
        }
        Action::LoadFailed(e) => {
            s.lib.loading = false;
            s.lib.load_error = Some(e);
        }
        Action::Fields(fields) => s.lib.fields = fields,
        Action::SearchDone { query, files } => search_done(s, query, files),
        Action::SearchFailed { query: _, error } => match s.modals.last_mut() {
            Some(Modal::Prompt(p)) if p.kind == InputKind::Search => {
                p.busy = false;
                p.error = Some(error);
            }
            _ => s.status = format!("search failed: {error}"),
        },
        Action::Refreshed(files) => {
            let pending = s.autotag.pending();
            for f in files {
                s.autotag.refreshed(&f);
                s.upsert(f);
            }
            s.list.rebuild(&mut s.lib);
            // The job's "N pending (checking…)" is out of date once the results are in.
            if pending > 0 && s.autotag.pending() == 0 && s.status.contains(PENDING_NOTE) {
                s.status = format!(
                    "auto-tagging: the AI tags of {} arrived",
                    count(pending, "pending file")
                );
            }
        }
        Action::JobJournaled { job, id } => {
            if let Some(j) = s.queue.jobs.iter_mut().find(|j| j.id == job) {
                j.journal = Some(id);
            }
        }
        Action::JobProgress { job, outcomes } => queue::record(s, job, &outcomes, false),
        Action::JobDone { job, outcomes } => {
            let mut effects = queue::job_done(s, job, &outcomes);
            // Tags changed: the problems view stays current after every job.
            super::problems::recheck(s);
            effects.extend(super::problems::ask_required(s));
            return effects;
        }
        Action::Tick(now) => {
            s.now = Some(now);
            return s.autotag.poll(now);
        }
        Action::Resize => s.list.scroll_into_view(),
        Action::Layout(layout) => {
            s.layout = layout;
            s.list.page_rows = layout.page_rows().max(1);
            s.list.scroll_into_view();
        }
        Action::CopyText(text) => {
            s.status = format!(
                "copied {} to the clipboard (OSC 52)",
                count(text.lines().count(), "URL")
            );
            return vec![Effect::Copy(text)];
        }
        Action::CopyFailed(e) => s.status = format!("could not fetch the URLs: {e}"),
        // Input is decoded before it gets here.
        Action::Key(_) | Action::Paste(_) | Action::Mouse(_) => {}
    }
    Vec::new()
}

fn search_done(s: &mut State, query: String, files: Vec<crate::model::FileDetails>) {
    let ids = files.iter().map(|f| f.file_id.clone()).collect();
    for f in files {
        s.upsert(f);
    }
    if matches!(s.modals.last(), Some(Modal::Prompt(p)) if p.kind == InputKind::Search) {
        s.modals.pop();
    }
    s.list.search = Some(ServerSearch { query, ids });
    s.list.cursor = 0;
    s.list.rebuild(&mut s.lib);
    s.status = format!("server search: {}", count(s.list.view.len(), "file"));
}

/// The whole library is in: the status says so, and the rules are checked.
fn load_done(s: &mut State) -> Vec<Effect> {
    s.lib.loaded();
    s.list.view.shrink_to_fit();
    if s.status.ends_with(LOADING) {
        let profile = s.session.profile.as_ref();
        s.status = format!(
            "{}{} loaded",
            profile.map_or(String::new(), |p| format!("profile {}: ", untrusted(p, 40))),
            count(s.lib.files.len(), "file")
        );
    }
    super::problems::recheck(s);
    super::problems::ask_required(s).into_iter().collect()
}

/// Back to an empty library on another profile; keys, preview, layout and profiles stay.
fn switched(s: &mut State, name: String, read_only: bool) {
    let mut fresh = State::new(false, read_only);
    fresh.problems = super::problems::Problems::new(s.problems.rules.clone());
    fresh.session = Session {
        demo: false,
        read_only,
        profile: None,
        profiles: std::mem::take(&mut s.session.profiles),
        keymap: std::mem::take(&mut s.session.keymap),
    };
    fresh.now = s.now;
    fresh.preview.on = s.preview.on;
    fresh.layout = s.layout;
    fresh.list.page_rows = s.list.page_rows;
    fresh.focus = Pane::List;
    fresh.status = format!("switched to profile {}: {LOADING}", untrusted(&name, 40));
    fresh.session.profile = Some(name);
    *s = fresh;
}
