//! The TUI's update loop wired to a real sandbox: keys go through `update`, effects through
//! the TUI's own `Runner` (jobs, re-reads, previews over HTTP), and the actions that come
//! back are fed in again, as the terminal loop does.

mod common;
#[path = "common/live.rs"]
mod live;

use std::time::{Duration, Instant};

use common::*;
use iktag::config::{ConfigError, ProfileInfo, Secret, Settings};
use iktag::sandbox::SeedSource;
use iktag::sandbox::faults::FaultConfig;
use iktag::tui::Resolver;
use iktag::tui::dialogs::{AiRow, Confirm, Modal, ProfilePicker};
use iktag::tui::model::{ExtState, State, update};
use iktag::tui::msg::Action;
use iktag::tui::preview::PreviewState;
use iktag::tui::view;
use live::{Live, jobs_idle};
use ratatui::crossterm::event::KeyCode;

impl Live {
    async fn start(faults: FaultConfig) -> Live {
        Self::with(SeedSource::File(fixture()), faults, None).await
    }

    async fn with(seed: SeedSource, faults: FaultConfig, resolve: Option<Resolver>) -> Live {
        Live::on(Harness::with(seed, faults).await, resolve).await
    }

    /// As the terminal loop runs while something animates: a tick every 100 ms, and what
    /// arrives fed back, until `done` holds (at most 15 s).
    async fn ticking_until(&mut self, done: impl Fn(&State) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(15);
        while !done(&self.s) {
            assert!(
                Instant::now() < deadline,
                "the TUI got there within 15 s of ticks"
            );
            self.act(Action::Tick(Instant::now()));
            self.settle(100).await;
        }
    }

    fn row_of(&self, name: &str) -> String {
        self.screen(120, 40)
            .lines()
            .find(|l| l.starts_with('│') && l.chars().take(30).collect::<String>().contains(name))
            .unwrap_or_else(|| panic!("{name} is on the screen"))
            .to_owned()
    }
}

/// What aws auto-tagging with at most 4 tags at ≥ 60 % gives the jacket's back photo.
const JACKET_BACK_AWS_4_60: [&str; 4] = ["Tree", "Person", "Back", "Mountain"];

#[tokio::test]
async fn auto_tagging_shows_each_files_extension_status_as_it_comes_back() {
    // Every auto-tagging call answers `pending` and delivers its AI tags 300 ms later.
    let mut live = Live::start(FaultConfig {
        pending_rate: 1.0,
        pending_ms: Some(300),
        ..Default::default()
    })
    .await;
    // The jacket photo, the avatar (images) and the lookbook (a PDF: not auto-tagged).
    for id in [JACKET_BACK, AVATAR, LOOKBOOK] {
        cursor_on(&mut live, id);
        live.key(KeyCode::Char(' '));
    }
    let before = live.s.file(JACKET_BACK).map(|f| f.ai_tags.len()).unwrap();
    // A → the auto-tagging rows: switch to aws, max 4 tags, ≥ 60 %, Enter stages it.
    live.key(KeyCode::Char('A'));
    let Some(Modal::Ai(d)) = live.s.top() else {
        panic!("AI dialog open")
    };
    // It opens on the first AI-tag name; the auto-tagging rows are just above.
    assert_eq!(d.cursor, AiRow::FIXED.len());
    for _ in 3..AiRow::FIXED.len() {
        live.key(KeyCode::Up);
    }
    live.key(KeyCode::Char(' '));
    live.key(KeyCode::Down);
    live.key(KeyCode::Backspace);
    live.key(KeyCode::Backspace);
    live.keys("4");
    live.key(KeyCode::Down);
    live.key(KeyCode::Backspace);
    live.key(KeyCode::Backspace);
    live.keys("60");
    live.key(KeyCode::Enter);
    let staged = live.s.staged.clone().expect("staged");
    assert_eq!(
        staged.auto_tag,
        Some(iktag::jobs::AutoTagParams::new("aws", 4, 60).unwrap())
    );
    let screen = live.screen(120, 40);
    assert!(
        screen.contains("+ auto-tag: aws, ≤ 4 tags ≥ 60%"),
        "the diff shows the staged run: {screen}"
    );
    live.key(KeyCode::Char('w'));
    // Auto-tagging cannot be undone: it asks first, then runs on y.
    assert!(
        matches!(live.s.top(), Some(Modal::Confirm(Confirm { message, .. })) if message.contains("cannot be undone")),
        "{:?}",
        live.s.modals
    );
    live.key(KeyCode::Char('y'));
    live.until(jobs_idle).await;

    // As the answers came back: two pending, the PDF failed.
    assert!(matches!(
        live.s.autotag.ext.get(JACKET_BACK),
        Some(ExtState::Pending { .. })
    ));
    assert!(matches!(
        live.s.autotag.ext.get(AVATAR),
        Some(ExtState::Pending { .. })
    ));
    assert_eq!(live.s.autotag.ext.get(LOOKBOOK), Some(&ExtState::Failed));
    let job = live.s.queue.jobs.last().unwrap();
    assert_eq!((job.pending, job.failed), (2, 1));
    assert!(
        live.row_of("jacket-back").starts_with("│ ⧗"),
        "pending badge"
    );
    assert!(
        live.row_of("lookbook").chars().nth(2) == Some('✗'),
        "failed badge: {}",
        live.screen(120, 40)
    );
    let screen = live.screen(120, 40);
    // The failed file stays selected (R retries it); the editor says why.
    assert_eq!(live.s.targets(), vec![LOOKBOOK.to_owned()]);
    assert!(screen.contains("auto-tagging: failed"), "{screen}");
    assert!(screen.contains("extension failed:"), "{screen}");
    assert!(
        screen.contains("1 failed, 0 missing, 0 skipped, 2 pending"),
        "{screen}"
    );
    assert!(live.s.animating(), "pending files keep the clock running");

    // The loop's ticks re-read the pending files until their tags arrive, however late.
    live.ticking_until(|s| {
        !s.autotag
            .ext
            .values()
            .any(|e| matches!(e, ExtState::Pending { .. }))
    })
    .await;
    assert_eq!(
        live.s.autotag.ext.get(JACKET_BACK),
        Some(&ExtState::Success)
    );
    assert_eq!(live.s.autotag.ext.get(AVATAR), Some(&ExtState::Success));
    let after = live.s.file(JACKET_BACK).unwrap();
    assert!(after.ai_tags.len() > before, "aws AI tags arrived");
    assert!(!live.row_of("jacket-back").starts_with("│ ⧗"));
    assert!(!live.s.animating(), "nothing left to poll");
    // What the server has is what the list shows.
    assert_jacket_back_aws_tags(&live).await;
}

/// The jacket's back photo has exactly its deterministic aws tags, on the server and in
/// the list.
async fn assert_jacket_back_aws_tags(live: &Live) {
    let after = live.s.file(JACKET_BACK).unwrap();
    let server = live.h.details(JACKET_BACK).await;
    let aws: Vec<&str> = server["AITags"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["source"] == "aws-auto-tagging")
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    // The sandbox's auto-tagger is deterministic: these, at most 4, each ≥ 60 %.
    assert_eq!(aws, JACKET_BACK_AWS_4_60, "{server}");
    assert_eq!(ai_tags_from(&server, "aws-auto-tagging"), aws.len());
    let shown: Vec<&str> = after
        .ai_tags
        .iter()
        .filter(|t| t.source == iktag::tui::entry::AiSource::Aws)
        .map(|t| t.name.as_str())
        .collect();
    assert_eq!(shown, aws, "the list shows what the server has");
}

/// Puts the list's cursor on the file with this id.
fn cursor_on(live: &mut Live, id: &str) {
    let pos = live
        .s
        .list
        .view
        .iter()
        .position(|&i| live.s.lib.files[i].file_id == id);
    live.s.list.cursor = pos.expect("file listed");
}

/// Focuses the first listed file whose path ends with `suffix`.
fn focus(live: &mut Live, suffix: &str) -> String {
    let pos = live
        .s
        .list
        .view
        .iter()
        .position(|&i| live.s.lib.files[i].file_path.ends_with(suffix))
        .unwrap_or_else(|| panic!("a file ending in {suffix}"));
    live.s.list.cursor = pos;
    live.s.focused().unwrap().file_id.clone()
}

fn preview_of(s: &State, id: &str) -> Option<PreviewState> {
    s.preview.cache.get(id).cloned()
}

#[tokio::test]
async fn previews_decode_every_demo_image_format_off_the_ui_thread() {
    let mut live = Live::with(SeedSource::Demo, FaultConfig::default(), None).await;
    live.s.layout.preview_inner =
        view::Layout::new(ratatui::layout::Rect::new(0, 0, 120, 40), true).preview_inner;
    let cells = (
        live.s.layout.preview_inner.width,
        live.s.layout.preview_inner.height,
    );
    assert!(cells.0 > 10 && cells.1 > 5, "{cells:?}");
    // `p` shows the pane; the focused file's thumbnail is asked for at once.
    let first = live.s.focused().unwrap().file_id.clone();
    live.key(KeyCode::Char('p'));
    assert!(live.s.preview.on);
    assert_eq!(preview_of(&live.s, &first), Some(PreviewState::Loading));
    assert!(live.screen(120, 40).contains("loading preview…"));
    // Every raster format of the demo library, and SVG (served rasterised, as ImageKit does).
    for (suffix, format) in [
        (".jpg", "jpeg"),
        (".png", "png"),
        (".webp", "webp"),
        (".svg", "png"),
    ] {
        let id = focus(&mut live, suffix);
        live.act(Action::Resize);
        live.until(|s| matches!(s.preview.cache.get(&id), Some(PreviewState::Ready(_))))
            .await;
        let Some(PreviewState::Ready(t)) = preview_of(&live.s, &id) else {
            unreachable!()
        };
        assert_eq!(t.format, format, "{suffix}");
        assert!(
            t.width >= 32 && t.height >= 32,
            "{suffix}: {}x{}",
            t.width,
            t.height
        );
        assert_eq!(t.cells, cells);
        let screen = live.screen(120, 40);
        assert!(
            screen.contains(&format!("{}×{} {format}", t.width, t.height)),
            "{screen}"
        );
    }
    // Half-blocks draw the picture in the pane, scaled up to fill it.
    let screen = live.screen(120, 40);
    let blocks = screen.matches(['▀', '▄']).count();
    assert!(blocks > 150, "{blocks} half-blocks: {screen}");
    insta::assert_snapshot!("preview_halfblocks_120x40", screen);

    // A PDF has no preview, and says so.
    let pdf = focus(&mut live, ".pdf");
    live.act(Action::Resize);
    live.until(|s| {
        matches!(
            s.preview.cache.get(&pdf),
            Some(PreviewState::Unavailable(_))
        )
    })
    .await;
    assert_eq!(
        preview_of(&live.s, &pdf),
        Some(PreviewState::Unavailable(
            "no preview for application/pdf".into()
        ))
    );
    insta::assert_snapshot!("preview_fallback_pdf_120x40", live.screen(120, 40));
    // Going back is instant: the cache answers, no new request.
    let id = focus(&mut live, ".jpg");
    let effects = update(&mut live.s, Action::Resize);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(
        preview_of(&live.s, &id),
        Some(PreviewState::Ready(_))
    ));
    // `p` again hides the pane.
    live.key(KeyCode::Char('p'));
    assert!(!live.screen(120, 40).contains("preview"));
}

fn settings(name: &str, base: &str, read_only: bool) -> Settings {
    Settings {
        profile: Some(name.to_owned()),
        base_url: url::Url::parse(base).unwrap(),
        key: Secret::new(KEY),
        read_only,
        concurrency: 2,
        limits: iktag::config::Limits::default(),
        config_path: "config.toml".into(),
        state_dir: "state".into(),
    }
}

#[tokio::test]
async fn switching_profile_reloads_the_library_from_the_other_account() {
    let other = Harness::with(
        SeedSource::Generate { files: 25, seed: 3 },
        FaultConfig::default(),
    )
    .await;
    let other_base = other.base.clone();
    let resolve: Resolver = std::sync::Arc::new(move |name: &str| match name {
        "archive" => Ok(settings("archive", &other_base, true)),
        other => Err(ConfigError::Key(format!(
            "the environment variable {}_KEY named by key_env is not set",
            other.to_uppercase()
        ))),
    });
    let mut live = Live::with(
        SeedSource::File(fixture()),
        FaultConfig::default(),
        Some(resolve),
    )
    .await;
    live.s.session.demo = false;
    live.s.session.profile = Some("shop".into());
    live.s.session.profiles = ["shop", "archive", "broken"]
        .iter()
        .map(|n| ProfileInfo {
            name: (*n).to_owned(),
            base_url: "https://api.imagekit.io".into(),
            read_only: *n == "archive",
        })
        .collect();
    assert_eq!(live.s.lib.files.len(), 6);

    // Staged changes must be applied or discarded first.
    live.keys("+");
    live.keys("wip");
    live.key(KeyCode::Enter);
    assert!(live.s.staged.is_some());
    live.key(KeyCode::Char('P'));
    assert!(matches!(
        live.s.top(),
        Some(Modal::Profiles(ProfilePicker { cursor: 0 }))
    ));
    insta::assert_snapshot!("profiles_dialog_120x40", live.screen(120, 40));
    live.key(KeyCode::Down);
    live.key(KeyCode::Enter);
    assert!(
        live.s.status.contains("apply (w) or discard (X)"),
        "{}",
        live.s.status
    );
    live.key(KeyCode::Esc);
    live.key(KeyCode::Char('X'));
    live.key(KeyCode::Char('y'));
    assert!(live.s.staged.is_none());

    // A profile that cannot be used says why and changes nothing.
    live.key(KeyCode::Char('P'));
    live.key(KeyCode::Up);
    live.key(KeyCode::Enter);
    live.until(|s| s.status.starts_with("profile not switched"))
        .await;
    assert!(live.s.status.contains("BROKEN_KEY"), "{}", live.s.status);
    assert_eq!(live.s.lib.files.len(), 6);

    // The archive: its own 25 files, read-only, named in the header.
    live.key(KeyCode::Char('P'));
    live.key(KeyCode::Down);
    live.key(KeyCode::Enter);
    live.until(|s| s.session.profile.as_deref() == Some("archive") && !s.lib.loading)
        .await;
    assert_eq!(live.s.lib.files.len(), 25);
    assert!(live.s.session.read_only);
    assert!(live.s.queue.jobs.is_empty() && live.s.list.selected.is_empty());
    let header = live.screen(120, 40).lines().next().unwrap().to_owned();
    assert!(
        header.contains("archive") && header.contains("READ-ONLY"),
        "{header}"
    );
    assert!(
        live.s.file(JACKET_FRONT).is_none(),
        "nothing of the first library is left"
    );
}
