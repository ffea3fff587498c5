//! The TUI's update loop wired to a real sandbox, as the terminal loop runs it: keys go
//! through `update`, effects through the TUI's own `Runner`, and the actions that come back
//! are fed in again. Included by the live TUI tests (`#[path] mod live;`).
#![allow(dead_code)]

use std::time::Duration;

use iktag::api::{Client, ClientOptions};
use iktag::tui::model::{JobStatus, State, update};
use iktag::tui::msg::{Action, Effect};
use iktag::tui::theme::Theme;
use iktag::tui::view;
use iktag::tui::{Resolver, Runner, TuiOptions};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use crate::common::{Harness, KEY};

pub struct Live {
    pub h: Harness,
    pub s: State,
    pub runner: Runner,
}

impl Live {
    /// The TUI on this sandbox, its library loaded.
    pub async fn on(h: Harness, resolve: Option<Resolver>) -> Live {
        let client =
            Client::new(ClientOptions::new(url::Url::parse(&h.base).unwrap(), KEY)).unwrap();
        let opts = TuiOptions {
            demo: true,
            concurrency: 1,
            ..Default::default()
        };
        let mut runner = Runner::new(client, opts);
        if let Some(r) = resolve {
            runner = runner.with_resolver(r);
        }
        runner.load();
        let mut live = Live {
            h,
            s: State::new(true, false),
            runner,
        };
        live.until(|s| !s.lib.loading).await;
        live
    }

    /// Applies an action and starts its effects.
    pub fn act(&mut self, a: Action) {
        let effects = update(&mut self.s, a);
        self.run(effects);
    }

    pub fn run(&mut self, effects: Vec<Effect>) {
        for e in effects {
            self.runner.run(e);
        }
    }

    pub fn key(&mut self, c: KeyCode) {
        self.act(Action::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    }

    pub fn keys(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c));
        }
    }

    /// Feeds back the actions that arrive until `done` holds (at most 10 s).
    pub async fn until(&mut self, done: impl Fn(&State) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while !done(&self.s) {
            let a = tokio::time::timeout_at(deadline, self.runner.next())
                .await
                .expect("the TUI got there within 10 s");
            self.act(a);
        }
    }

    /// Feeds back whatever arrives within `ms` (nothing should, when nothing was started).
    pub async fn settle(&mut self, ms: u64) {
        let deadline = tokio::time::Instant::now() + Duration::from_millis(ms);
        while let Ok(a) = tokio::time::timeout_at(deadline, self.runner.next()).await {
            self.act(a);
        }
    }

    pub fn screen(&self, w: u16, h: u16) -> String {
        let mut s = self.s.clone();
        let layout = view::Layout::new(ratatui::layout::Rect::new(0, 0, w, h), s.preview.on);
        update(&mut s, Action::Layout(layout));
        let mut t = Terminal::new(TestBackend::new(w, h)).unwrap();
        t.draw(|f| view::render(f, &s, Theme::default())).unwrap();
        let buf = t.backend().buffer();
        (0..h)
            .map(|y| {
                (0..w)
                    .map(|x| buf[(x, y)].symbol().to_owned())
                    .collect::<String>()
                    + "\n"
            })
            .collect()
    }
}

/// Jobs were started and none is queued or running any more.
pub fn jobs_idle(s: &State) -> bool {
    !s.queue.jobs.is_empty()
        && !s
            .queue
            .jobs
            .iter()
            .any(|j| matches!(j.status, JobStatus::Queued | JobStatus::Running))
}
