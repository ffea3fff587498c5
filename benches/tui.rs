//! Terminal UI speed: one frame with 100 000 and 1 000 000 files loaded, and one filter
//! keystroke over 100 000 files.
//!
//! - `render/100k`, `render/1M`: `view::render` into a 120×40 `TestBackend`, cursor in the
//!   middle of the list. Target: under 2 ms per frame, flat in the number of files.
//! - `filter_keystroke/100k`: with the filter prompt open, one keystroke that changes the
//!   filter (`jacke` ↔ `jack`), so every iteration re-filters all files. Target: under 16 ms.
//! - `refresh_rebuild/100k, filter on`: a `Refreshed` with one changed file while the filter
//!   is on (after every job's read-back and every refresh): the changed file's search text is
//!   patched, the 100 000 files re-filtered (47 ms when it rebuilt the whole search text);
//!   `100k, no filter` is the same without a filter.
//!
//! Files reach the state as the real loader delivers them: `Action::Page` with 1000 files.
//! - `key_all_selected/100k`: all 100 000 files selected, the editor focused; one key (`j`/`k`)
//!   and the frame it causes. Target: under 16 ms.
//! - `select_all/100k`: Ctrl-A on 100 000 files (the selection's tag counts included), then
//!   Esc. Target: well under 100 ms (a one-off key; 1 000 000 files take ten times as long).
//! - `stage_plan/100k`: `w` on `+tag` staged for 100 000 files, until the job's first effect.
//!   Target: under 300 ms.
//! - `progress_batch/100k`: one progress batch (500 files succeeded) of a 100 000-file job with
//!   every file selected, and the frame it causes. Target: O(batch), well under 16 ms.
//!
//! Run: `cargo bench --bench tui`

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use iktag::model::{FileDetails, Timestamp};
use iktag::tui::dialogs::Modal;
use iktag::tui::model::{State, update};
use iktag::tui::msg::Action;
use iktag::tui::theme::Theme;
use iktag::tui::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use serde_json::json;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
const PAGE: usize = 1000;

const TAGS: &[&str] = &[
    "product",
    "jacket",
    "outdoor",
    "summer-sale",
    "hiking",
    "men",
    "women",
    "banner",
    "winter",
    "sale",
    "new-arrival",
    "waterproof",
    "kids",
    "shoes",
    "backpack",
];

fn key(c: KeyCode) -> Action {
    Action::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

/// A lean file: short strings, no URLs or metadata, one AI tag.
fn template() -> FileDetails {
    serde_json::from_value(json!({
        "fileId": "",
        "name": "",
        "filePath": "",
        "tags": null,
        "AITags": [{"name": "Jacket", "confidence": 91.5, "source": "google-auto-tagging"}],
        "size": 123_456,
        "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-01-01T00:00:00.000Z"
    }))
    .expect("template file")
}

/// File `i` of a synthetic library: cloned from the template, 2–3 tags, ascending creation
/// time (the default sort, as the server lists them).
fn synthetic(t: &FileDetails, i: usize) -> FileDetails {
    let mut f = t.clone();
    f.file_id = format!("{i:024x}");
    f.name = format!("item-{i}.jpg");
    f.file_path = format!("/shop/c{}/item-{i}.jpg", i % 50);
    let n = 2 + i % 2;
    f.tags = (0..n)
        .map(|k| TAGS[(i * 7 + k * 3) % TAGS.len()].to_owned())
        .collect();
    f.created_at =
        Timestamp::from_millis(1_700_000_000_000 + i64::try_from(i).unwrap_or(i64::MAX / 2));
    f.updated_at = f.created_at;
    f
}

fn new_state() -> State {
    let mut s = State::new(false, false);
    let layout = view::Layout::new(Rect::new(0, 0, WIDTH, HEIGHT), s.preview.on);
    update(&mut s, Action::Layout(layout));
    s
}

/// Loads `n` synthetic files in pages of 1000, built page by page (no second full copy).
fn synthetic_state(n: usize) -> State {
    let t = template();
    let mut s = new_state();
    let mut i = 0;
    while i < n {
        let end = (i + PAGE).min(n);
        update(
            &mut s,
            Action::Page((i..end).map(|j| synthetic(&t, j)).collect()),
        );
        i = end;
    }
    update(&mut s, Action::LoadDone);
    assert_eq!(s.lib.files.len(), n);
    s
}

/// A generated (realistic) library in the order the server lists it.
fn generated_files(n: usize) -> Vec<FileDetails> {
    let mut files = iktag::sandbox::seed::generate(n, 42).files;
    // The server lists by creation time; the state keeps arrival order for that sort.
    files.sort_by_key(|f| f.created_at);
    files
}

/// Loads a generated (realistic) library in pages of 1000.
fn generated_state(n: usize) -> State {
    state_of(generated_files(n))
}

/// Loads these files in pages of 1000.
fn state_of(files: Vec<FileDetails>) -> State {
    let n = files.len();
    let mut s = new_state();
    let mut it = files.into_iter();
    loop {
        let page: Vec<FileDetails> = it.by_ref().take(PAGE).collect();
        if page.is_empty() {
            break;
        }
        update(&mut s, Action::Page(page));
    }
    update(&mut s, Action::LoadDone);
    assert_eq!(s.lib.files.len(), n);
    s
}

/// Pages down (as a user would) until the cursor is in the middle of the list.
fn to_middle(s: &mut State) {
    let mid = s.list.view.len() / 2;
    while s.list.cursor < mid {
        let before = s.list.cursor;
        update(s, key(KeyCode::PageDown));
        assert!(s.list.cursor > before, "page down moves the cursor");
    }
}

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test terminal")
}

fn bench_render(c: &mut Criterion, label: &str, mut s: State) {
    to_middle(&mut s);
    let mut term = terminal();
    // The frame shows the middle of the list: the focused file's name is on screen.
    term.draw(|f| view::render(f, &s, Theme::default()))
        .expect("draw");
    let screen: String = term
        .backend()
        .buffer()
        .content()
        .iter()
        .map(ratatui::buffer::Cell::symbol)
        .collect();
    let name = s.focused().expect("a focused file").name();
    assert!(screen.contains(name), "{name} is on screen");
    let mut g = c.benchmark_group("render");
    g.sample_size(50)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(3));
    g.bench_function(label, |b| {
        b.iter(|| {
            term.draw(|f| view::render(f, black_box(&s), Theme::default()))
                .expect("draw");
        });
    });
    g.finish();
}

fn render(c: &mut Criterion) {
    bench_render(c, "100k", synthetic_state(100_000));
    bench_render(c, "1M", synthetic_state(1_000_000));
}

fn filter_keystroke(c: &mut Criterion) {
    let mut s = generated_state(100_000);
    to_middle(&mut s);
    update(&mut s, key(KeyCode::Char('/')));
    assert!(
        matches!(s.top(), Some(Modal::Prompt(_))),
        "`/` opens the filter prompt"
    );
    for ch in "jack".chars() {
        update(&mut s, key(KeyCode::Char(ch)));
    }
    let shown_jack = s.list.view.len();
    update(&mut s, key(KeyCode::Char('e')));
    let shown_jacke = s.list.view.len();
    update(&mut s, key(KeyCode::Backspace));
    assert_eq!(s.list.filter, "jack");
    assert!(
        shown_jack > 0 && shown_jack < s.lib.files.len(),
        "the filter has real work: {shown_jack} of {} shown",
        s.lib.files.len()
    );
    assert!(shown_jacke <= shown_jack);

    let mut g = c.benchmark_group("filter_keystroke");
    g.sample_size(30)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    // Each iteration is one keystroke that changes the filter: `e` (jack → jacke), then
    // Backspace (jacke → jack), alternately.
    let mut typed = false;
    g.bench_function("100k", |b| {
        b.iter(|| {
            let k = if typed {
                KeyCode::Backspace
            } else {
                KeyCode::Char('e')
            };
            typed = !typed;
            black_box(update(&mut s, key(k)));
        });
    });
    g.finish();
}

/// What follows every job's read-back and refresh: `Refreshed` with one changed file patches
/// the filter's search text for that file, and with a filter on the list's rebuild
/// re-filters all 100 000 files. Without a filter the text is not needed and not built.
fn refresh_with_filter(c: &mut Criterion) {
    let files = generated_files(100_000);
    let changed = files[50_000].clone();
    let mut filtered = state_of(files);
    let mut unfiltered = filtered.clone();
    update(&mut filtered, key(KeyCode::Char('/')));
    typed(&mut filtered, "jack");
    update(&mut filtered, key(KeyCode::Enter));
    assert_eq!(filtered.list.filter, "jack");
    assert!(filtered.top().is_none(), "the filter prompt is closed");
    let shown = filtered.list.view.len();
    assert!(
        shown > 0 && shown < filtered.lib.files.len(),
        "{shown} shown"
    );

    // Each iteration re-reads the file with a different tag list (alternately with and
    // without `bench-refresh`), as a job's read-back does.
    let versions: [FileDetails; 2] = {
        let mut with = changed.clone();
        with.tags.push("bench-refresh".into());
        [with, changed]
    };
    let mut g = c.benchmark_group("refresh_rebuild");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    for (name, s) in [
        ("100k, filter on", &mut filtered),
        ("100k, no filter", &mut unfiltered),
    ] {
        let mut i = 0;
        g.bench_function(name, |b| {
            b.iter_batched(
                || {
                    i += 1;
                    vec![versions[i % 2].clone()]
                },
                |page| black_box(update(s, Action::Refreshed(page))),
                criterion::BatchSize::SmallInput,
            );
        });
    }
    assert_eq!(filtered.list.view.len(), shown, "the same files shown");
    g.finish();
}

/// A thumbnail as the preview pane gets it: decode the served bytes and encode them for the
/// terminal (half-blocks, the protocol every terminal has) into the 120×40 preview area.
fn preview(c: &mut Criterion) {
    use iktag::tui::preview::{decode, encode};
    let area = view::Layout::new(ratatui::layout::Rect::new(0, 0, 120, 40), true).preview_inner;
    let picker = ratatui_image::picker::Picker::halfblocks();
    let mut g = c.benchmark_group("preview");
    for (name, bytes) in [
        ("jpeg", &include_bytes!("../assets/previews/01.jpg")[..]),
        ("png", &include_bytes!("../assets/previews/01.png")[..]),
        ("webp", &include_bytes!("../assets/previews/01.webp")[..]),
    ] {
        g.bench_function(name, |b| {
            b.iter(|| {
                let (img, format) = decode(bytes).expect("decodes");
                encode(&picker, img, format, (area.width, area.height)).expect("encodes")
            });
        });
    }
    g.finish();
}

fn ctrl(c: char) -> Action {
    Action::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(KeyCode::Char(c)));
    }
}

/// 100 000 files, every one selected, the editor focused on the middle of its rows.
fn all_selected() -> State {
    let mut s = generated_state(100_000);
    update(&mut s, ctrl('a'));
    assert_eq!(s.list.selected.len(), 100_000);
    update(&mut s, key(KeyCode::Tab));
    for _ in 0..20 {
        update(&mut s, key(KeyCode::Char('j')));
    }
    s
}

/// Key → frame with everything selected: one editor move, then the frame it causes.
fn key_all_selected(c: &mut Criterion) {
    let mut s = all_selected();
    let mut term = terminal();
    let mut g = c.benchmark_group("key_all_selected");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    let mut down = false;
    g.bench_function("100k", |b| {
        b.iter(|| {
            down = !down;
            let k = if down { 'j' } else { 'k' };
            black_box(update(&mut s, key(KeyCode::Char(k))));
            term.draw(|f| view::render(f, &s, Theme::default()))
                .expect("draw");
        });
    });
    g.finish();
}

/// Ctrl-A on 100 000 files with nothing selected, and Esc to clear it again.
fn select_all(c: &mut Criterion) {
    let mut s = generated_state(100_000);
    let mut g = c.benchmark_group("select_all");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("100k", |b| {
        b.iter(|| {
            black_box(update(&mut s, ctrl('a')));
            assert_eq!(s.list.selected.len(), 100_000);
            black_box(update(&mut s, key(KeyCode::Esc)));
        });
    });
    g.finish();
}

/// Stages `+bench` on all 100 000 files: the state right before `w`.
fn staged_all() -> State {
    let mut s = all_selected();
    update(&mut s, key(KeyCode::Char('+')));
    typed(&mut s, "bench-tag");
    update(&mut s, key(KeyCode::Enter));
    assert!(s.staged.is_some(), "staged");
    s
}

/// `w` on 100 000 staged files: planning, queueing and the job's first effect.
fn stage_plan(c: &mut Criterion) {
    let s = staged_all();
    let mut g = c.benchmark_group("stage_plan");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(8));
    g.bench_function("100k", |b| {
        b.iter_batched(
            || s.clone(),
            |mut s| {
                let effects = update(&mut s, key(KeyCode::Char('w')));
                assert!(
                    effects
                        .iter()
                        .any(|e| matches!(e, iktag::tui::msg::Effect::RunJob { .. })),
                    "w starts the job"
                );
                s
            },
            criterion::BatchSize::LargeInput,
        );
    });
    g.finish();
}

/// Files per progress batch.
const BATCH: usize = 500;

/// One progress batch of a 100 000-file job (500 files succeeded, as one unit's answers
/// arrive), then the frame it causes.
fn progress_batch(c: &mut Criterion) {
    use iktag::jobs::{FileOutcome, Outcome};
    let mut start = staged_all();
    let effects = update(&mut start, key(KeyCode::Char('w')));
    let job = effects
        .iter()
        .find_map(|e| match e {
            iktag::tui::msg::Effect::RunJob { job, .. } => Some(*job),
            _ => None,
        })
        .expect("a job started");
    let ids: Vec<String> = start.lib.files.iter().map(|f| f.file_id.clone()).collect();
    let mut term = terminal();
    let mut g = c.benchmark_group("progress_batch");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(4));
    g.bench_function("100k", |b| {
        b.iter_custom(|iters| {
            let mut s = start.clone();
            let mut next = 0;
            let mut spent = Duration::ZERO;
            for _ in 0..iters {
                if next + BATCH > ids.len() {
                    s = start.clone();
                    next = 0;
                }
                let outcomes: Vec<FileOutcome> = ids[next..next + BATCH]
                    .iter()
                    .map(|id| FileOutcome {
                        file_id: id.clone(),
                        outcome: Outcome::Succeeded,
                    })
                    .collect();
                next += BATCH;
                let t0 = std::time::Instant::now();
                black_box(update(&mut s, Action::JobProgress { job, outcomes }));
                term.draw(|f| view::render(f, &s, Theme::default()))
                    .expect("draw");
                spent += t0.elapsed();
            }
            spent
        });
    });
    g.finish();
}

criterion_group!(
    benches,
    render,
    filter_keystroke,
    refresh_with_filter,
    preview,
    key_all_selected,
    select_all,
    stage_plan,
    progress_batch
);
criterion_main!(benches);
