//! How the TUI fits its text to the screen: the file list's columns at 80×24, 120×40 and
//! 200×50 on the demo library (names and paths longer than any column), the key-hint bar
//! that drops whole hints and ends with `? more`, long dialog titles, the delete dialog's
//! paths, form labels, whole search errors and task-panel names. Real renders of the real
//! update loop (ratatui `TestBackend`), insta snapshots and cell-by-cell assertions.

use iktag::model::{CustomMetadataField, FileDetails};
use iktag::tui::dialogs::{Modal, Prompt};
use iktag::tui::model::{Badge, State, update};
use iktag::tui::msg::Action;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use serde_json::json;

#[path = "common/screen.rs"]
mod common_screen;
use common_screen::{ch, draw, finish, key, row_text, screen};

const SIZES: [(u16, u16); 3] = [(80, 24), (120, 40), (200, 50)];

/// The first `n` files of the demo library (long product names in deep folders).
fn demo_files(n: usize) -> Vec<FileDetails> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/assets/demo-library.json");
    let text = std::fs::read_to_string(path).unwrap();
    let mut files = iktag::sandbox::seed::from_list_json(&text).unwrap().files;
    files.truncate(n);
    files
}

fn demo(n: usize) -> State {
    let mut s = State::new(true, false);
    update(&mut s, Action::Page(demo_files(n)));
    update(&mut s, Action::LoadDone);
    s
}

/// The cell of `column` (by its header) on list row `y`: from the header's x to the next
/// header's, trimmed.
fn cell(t: &Terminal<TestBackend>, column: &str, y: u16) -> Option<String> {
    let header: Vec<char> = row_text(t, 2).chars().collect();
    let text: String = header.iter().collect();
    let start = text
        .find(&format!(" {column} "))
        .map(|b| text[..b].chars().count() + 1)?;
    let end = (start + column.chars().count()..header.len())
        .find(|&x| header[x] != ' ' && header[x - 1] == ' ')
        .unwrap_or(header.len());
    let row: Vec<char> = row_text(t, y).chars().collect();
    Some(
        row[start..end - 1]
            .iter()
            .collect::<String>()
            .trim_end()
            .to_owned(),
    )
}

#[test]
fn the_file_list_fits_its_columns_at_80_120_and_200_columns() {
    let mut s = demo(40);
    // Row 9 (an alpine-storm file) selected and failed: both marks.
    for _ in 0..9 {
        update(&mut s, ch('j'));
    }
    update(&mut s, ch(' '));
    let failed = s.lib.files[s.list.view[9]].file_id.clone();
    s.queue.errors.insert(
        failed,
        Badge {
            job: 1,
            error: "500 boom".into(),
        },
    );
    let mut all_hints = Vec::new();
    for (w, h) in SIZES.into_iter().rev() {
        let t = draw(&s, w, h);
        insta::assert_snapshot!(format!("demo_list_{w}x{h}"), t.backend());
        let rows = usize::from(h) - 6;
        let mut names = Vec::new();
        for (i, &fi) in s.list.view.iter().take(rows).enumerate() {
            let y = 3 + u16::try_from(i).unwrap();
            let file = &s.lib.files[fi];
            // A cut cell says so: whole, or with its `…`.
            let name = cell(&t, "name", y).unwrap();
            assert!(
                name == file.name() || name.contains('…'),
                "{w}: {name:?} for {}",
                file.name()
            );
            // (The size column is right-aligned: its digits can follow in this cell.)
            let tags = cell(&t, "tags", y).unwrap();
            let whole = file.tags.joined();
            let kept = tags.split('…').next().unwrap();
            assert!(
                tags.starts_with(&format!("{whole} "))
                    || tags == whole
                    || tags.contains('…') && whole.starts_with(kept),
                "{w}: {tags:?}"
            );
            // The file name's end (what tells the alpine-storm files apart) stays.
            let stem = file.name().rsplit('-').next().unwrap();
            assert!(name.ends_with(stem), "{w}: {name:?} lost {stem:?}");
            if let Some(folder) = cell(&t, "folder", y) {
                let last = file
                    .folder()
                    .trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap();
                assert!(
                    folder == file.folder()
                        || folder.ends_with(&format!("{last}/")) && folder.contains('…')
                        || folder == format!("{last}/"),
                    "{w}: {folder:?}"
                );
            }
            names.push(name);
        }
        let mut distinct = names.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(
            distinct.len(),
            names.len(),
            "{w}: every row tells its file apart"
        );
        // Sizes are right-aligned with room to spare; the selected failed row shows `●✗`.
        let marked = row_text(&t, 12);
        assert!(marked.starts_with("│●✗ "), "{marked}");
        // The bar: whole hints only; when they do not all fit, it ends with `? more`.
        let bar = row_text(&t, h - 1);
        let hints: Vec<String> = bar.trim_end().split(" · ").map(str::to_owned).collect();
        if w == 200 {
            assert!(bar.trim_end().ends_with("q quit"), "{bar}");
            all_hints = hints;
        } else {
            assert_eq!(hints.last().map(String::as_str), Some("? more"), "{bar}");
            for hint in &hints[..hints.len() - 1] {
                assert!(all_hints.contains(hint), "{w}: {hint:?} is cut: {bar}");
            }
        }
    }
}

#[test]
fn a_long_merge_title_keeps_what_the_dialog_does() {
    let mut s = demo(40);
    let from: Vec<String> = [
        "SUMMER-SALE",
        "summer-sale",
        "summersale",
        "Summer Sale",
        "summer_sale_2024",
        "sale-summer",
    ]
    .map(str::to_owned)
    .to_vec();
    s.modals
        .push(Modal::Prompt(Prompt::merge(from, Vec::new())));
    for (w, h) in [(80, 24), (120, 40)] {
        let t = draw(&s, w, h);
        insta::assert_snapshot!(format!("merge_title_{w}x{h}"), t.backend());
        let text = screen(&t);
        let title = text
            .lines()
            .find(|l| l.contains("rename / merge"))
            .unwrap_or_else(|| panic!("{text}"));
        assert!(title.contains("…"), "{title}");
        assert!(title.contains(" into (enter) "), "{title}");
    }
}

#[test]
fn the_delete_dialog_keeps_the_file_names_of_long_paths() {
    // Paths longer than the dialog: their middle goes, never the file name.
    let mut files = demo_files(40);
    for f in &mut files {
        f.file_path = f.file_path.replace(
            "/alpine-storm-shell/",
            "/alpine-storm-shell/archive/2021/retouched/",
        );
    }
    let mut s = State::new(true, false);
    update(&mut s, Action::Page(files));
    update(&mut s, Action::LoadDone);
    for _ in 0..8 {
        update(&mut s, ch('j'));
    }
    let mut names = Vec::new();
    for _ in 0..3 {
        names.push(s.lib.files[s.list.view[s.list.cursor]].name().to_owned());
        update(&mut s, ch(' '));
    }
    update(&mut s, ch('D'));
    assert!(matches!(s.top(), Some(Modal::Delete(_))));
    for (w, h) in [(80, 24), (120, 40)] {
        let t = draw(&s, w, h);
        insta::assert_snapshot!(format!("delete_long_paths_{w}x{h}"), t.backend());
        let text = screen(&t);
        let elided = text
            .lines()
            .filter(|l| l.contains("…/alpine-storm-shell-"))
            .count();
        assert_eq!(elided, 3, "{text}");
        for name in &names {
            assert!(
                text.lines().any(|l| l.contains(&format!("/{name}"))),
                "{name} is whole:\n{text}"
            );
        }
    }
}

#[test]
fn form_labels_search_errors_and_task_names_are_shown_whole() {
    let mut s = demo(20);
    let fields: Vec<CustomMetadataField> = serde_json::from_value(json!([
        {"id": "f1", "name": "approved", "label": "Approved for usage in campaigns",
         "schema": {"type": "Boolean"}}
    ]))
    .unwrap();
    update(&mut s, Action::Fields(fields));
    update(&mut s, ch('e'));
    let text = screen(&draw(&s, 120, 40));
    assert!(text.contains("Approved for usage in campaigns "), "{text}");
    update(&mut s, key(KeyCode::Esc));

    // A long server error is shown whole, wrapped, whatever its length.
    update(&mut s, ch(':'));
    for c in "createdAt > \"yesterday\"".chars() {
        update(&mut s, ch(c));
    }
    update(&mut s, key(KeyCode::Enter));
    let error = "400 Invalid search query: createdAt expects a date like \"2024-01-31\" or a \
                 relative one like \"7d\", found \"yesterday\" at position 13; see the searchQuery \
                 reference for the fields and operators :foo = 1 THE END";
    update(
        &mut s,
        Action::SearchFailed {
            query: "createdAt > \"yesterday\"".into(),
            error: error.into(),
        },
    );
    for (w, h) in [(80, 24), (120, 40)] {
        let text = screen(&draw(&s, w, h));
        assert!(text.contains("THE END"), "{w}: the whole error\n{text}");
    }
}

#[test]
fn the_task_panel_shows_long_file_names_whole_when_there_is_room() {
    use iktag::jobs::{FileOutcome, Outcome};
    use iktag::tui::msg::Effect;
    let long =
        "alpine-storm-shell-navy-lifestyle-retouched-final-v2-approved-for-the-summer-campaign.jpg";
    let mut files = demo_files(20);
    files[0].name = long.into();
    let id = files[0].file_id.clone();
    let mut s = State::new(true, false);
    update(&mut s, Action::Page(files));
    update(&mut s, Action::LoadDone);
    update(&mut s, ch('+'));
    for c in "new".chars() {
        update(&mut s, ch(c));
    }
    update(&mut s, key(KeyCode::Enter));
    let job = update(&mut s, ch('w'))
        .into_iter()
        .find_map(|e| match e {
            Effect::RunJob { job, .. } => Some(job),
            _ => None,
        })
        .expect("a job started");
    let outcomes = vec![FileOutcome {
        file_id: id,
        outcome: Outcome::Failed {
            status: Some(500),
            error: "boom".into(),
        },
    }];
    finish(&mut s, job, outcomes);
    update(&mut s, ch('t'));
    let text = screen(&draw(&s, 120, 40));
    assert!(text.contains(&format!("✗ {long}: 500 boom")), "{text}");
    // Narrower, its middle goes and its end stays.
    let text = screen(&draw(&s, 80, 24));
    let line = text.lines().find(|l| l.contains("✗ ")).unwrap();
    assert!(
        line.contains("…") && line.contains("summer-campaign.jpg:"),
        "{line}"
    );
}

/// The text of list row `y` up to the end of the right-aligned size column (header `size`).
fn up_to_size(t: &Terminal<TestBackend>, y: u16) -> String {
    let header = row_text(t, 2);
    let end = header.find(" size").expect("a size column") + " size".len();
    let end = header[..end].chars().count();
    row_text(t, y).chars().take(end).collect()
}

/// A file whose size and dimensions the server did not give (`null`) shows `—` in the size
/// column, never `0 B`; sorting by size puts it after every known size, in both directions.
#[test]
fn an_unknown_size_reads_a_dash_and_sorts_last() {
    let mut files = common_screen::files();
    let unknown = files[2].file_id.clone();
    files[2].size = None;
    files[2].width = None;
    files[2].height = None;
    let known = files[0].clone();
    let mut s = State::new(true, false);
    update(&mut s, Action::Page(files));
    update(&mut s, Action::LoadDone);
    let row_of = |s: &State, id: &str| {
        let at = s
            .list
            .view
            .iter()
            .position(|&i| s.lib.files[i].file_id == id);
        3 + u16::try_from(at.unwrap()).unwrap()
    };
    for (w, h) in SIZES {
        let t = draw(&s, w, h);
        let row = up_to_size(&t, row_of(&s, &unknown));
        assert!(row.ends_with(" —"), "{w}x{h}: {row:?}\n{}", screen(&t));
        let row = up_to_size(&t, row_of(&s, &known.file_id));
        let shown = format!(" {}", iktag::text::size_text(known.size));
        assert!(row.ends_with(&shown), "{w}x{h}: {row:?} for {shown:?}");
        assert!(!screen(&t).contains("0 B"), "{w}x{h}:\n{}", screen(&t));
    }
    update(&mut s, ch('s'));
    update(&mut s, ch('s'));
    let first = s.list.sort.desc;
    for desc in [first, !first] {
        assert_eq!(s.list.sort.desc, desc, "the same key again reverses");
        let last = s.list.view.last().map(|&i| s.lib.files[i].file_id.clone());
        assert_eq!(last.as_deref(), Some(unknown.as_str()), "desc {desc}");
        let t = draw(&s, 120, 40);
        assert!(up_to_size(&t, row_of(&s, &unknown)).ends_with(" —"));
        update(&mut s, ch('s'));
        update(&mut s, ch('s'));
    }
}

#[test]
fn a_long_wait_shows_on_the_job_line_and_leaves_when_it_ends() {
    let mut s = demo(20);
    let wait = "ImageKit rate limit (429): the next call goes out in 45 s";
    update(&mut s, Action::Waiting(Some(wait.into())));
    for (w, h) in SIZES {
        let t = draw(&s, w, h);
        let line = row_text(&t, h - 2);
        // The hourglass is two cells wide: the second is blank in the row's text.
        assert!(
            line.starts_with('⏳') && line.contains(wait),
            "{w}x{h}: {line}"
        );
    }
    update(&mut s, Action::Waiting(None));
    let t = draw(&s, 120, 40);
    assert!(!screen(&t).contains('⏳'), "{}", screen(&t));
}

#[test]
fn skipped_listing_items_are_reported_on_the_status_line() {
    let mut s = demo(5);
    let one = "item 1 (fileId file000002) could not be read: size: invalid type".to_owned();
    update(&mut s, Action::LoadSkipped(vec![one.clone()]));
    assert_eq!(
        s.status,
        format!("1 listing item could not be read and was skipped (iktag.log lists them): {one}")
    );
    update(&mut s, Action::LoadSkipped(vec![one.clone(), one.clone()]));
    assert!(
        s.status
            .starts_with("2 listing items could not be read and were skipped"),
        "{}",
        s.status
    );
    let t = draw(&s, 200, 50);
    assert!(
        row_text(&t, 48).contains("2 listing items could not be read"),
        "{}",
        screen(&t)
    );
}
