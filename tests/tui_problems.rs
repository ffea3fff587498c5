//! The problems view (`!`): the rules file's violations over the loaded library, grouped;
//! Enter shows a group's files, `f` stages its fix, `w` applies it, and the count follows.

#[path = "common/screen.rs"]
mod screen;
use screen::{ch, files, finish, key, text};

use std::path::Path;
use std::sync::Arc;

use iktag::jobs::{FileOutcome, Operation, Outcome};
use iktag::lint::Rules;
use iktag::tui::dialogs::Modal;
use iktag::tui::model::problems::Problems;
use iktag::tui::model::{State, update};
use iktag::tui::msg::{Action, Effect};
use ratatui::crossterm::event::KeyCode;

const RULES: &str = r#"
[[merge]]
into = "summer-sale"
from = ["Summer Sale", "summersale"]

[[ban]]
tags = ["lookbook"]
"#;

fn with_rules() -> State {
    let rules = Rules::parse(RULES, Path::new("iktag-rules.toml")).unwrap();
    let mut s = State::new(true, false);
    s.problems = Problems::new(Some(Arc::new(rules)));
    update(&mut s, Action::Page(files()));
    update(&mut s, Action::LoadDone);
    s
}

fn group_at(s: &State, label: &str) -> usize {
    s.problems
        .groups
        .iter()
        .position(|g| g.label.contains(label))
        .unwrap_or_else(|| panic!("no group {label}: {:?}", s.problems.groups))
}

fn to_group(s: &mut State, label: &str) {
    update(s, ch('!'));
    for _ in 0..group_at(s, label) {
        update(s, ch('j'));
    }
}

#[test]
fn the_problems_view_groups_violations_and_shows_their_files() {
    let mut s = with_rules();
    // Summer Sale (red-jacket-back), summersale (Hiker), lookbook (the pdf).
    assert_eq!(s.problems.violations.len(), 3);
    assert_eq!(s.problems.groups.len(), 3);
    assert!(
        text(&s, 120, 40).contains("3 problems"),
        "{}",
        text(&s, 120, 40)
    );
    update(&mut s, ch('!'));
    assert!(matches!(s.top(), Some(Modal::Problems(_))));
    for (w, h) in [(80, 24), (120, 40)] {
        insta::assert_snapshot!(format!("problems_{w}x{h}"), text(&s, w, h));
    }
    update(&mut s, key(KeyCode::Esc));
    to_group(&mut s, "lookbook");
    update(&mut s, key(KeyCode::Enter));
    assert!(s.top().is_none());
    assert_eq!(s.list.view.len(), 1);
    assert_eq!(s.focused().unwrap().name(), "lookbook-2023.pdf");
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(s.list.view.len(), 6, "esc shows the library again");
}

#[test]
fn f_stages_the_fix_and_w_applies_it_then_the_count_follows() {
    let mut s = with_rules();
    to_group(&mut s, "lookbook");
    update(&mut s, ch('f'));
    update(&mut s, key(KeyCode::Esc));
    let staged = s.staged.as_ref().expect("staged");
    assert_eq!(
        staged.vocab,
        [(
            Operation::RemoveTags {
                tags: vec!["lookbook".into()]
            },
            vec![files()[3].file_id.clone()]
        )]
    );
    let effects = update(&mut s, ch('w'));
    let job = effects
        .iter()
        .find_map(|e| match e {
            Effect::RunJob { job, plan, .. } => {
                assert_eq!(plan.units[0].ids, [files()[3].file_id.clone()]);
                Some(*job)
            }
            _ => None,
        })
        .expect("w runs the fix");
    let outcomes = vec![FileOutcome {
        file_id: files()[3].file_id.clone(),
        outcome: Outcome::Succeeded,
    }];
    finish(&mut s, job, outcomes);
    assert_eq!(s.problems.violations.len(), 2, "the ban is fixed");
    assert!(text(&s, 120, 40).contains("2 problems"));
}

#[test]
fn read_only_refuses_the_fix_and_a_library_without_rules_shows_no_count() {
    let mut s = with_rules();
    s.session.read_only = true;
    to_group(&mut s, "lookbook");
    update(&mut s, ch('f'));
    assert!(s.staged.is_none());
    let mut plain = State::new(true, false);
    update(&mut plain, Action::Page(files()));
    update(&mut plain, Action::LoadDone);
    assert!(!text(&plain, 120, 40).contains("problem"));
}

#[test]
fn the_demo_rules_parse_and_find_problems_in_the_demo_library() {
    let rules = Rules::parse(
        include_str!("../assets/demo-rules.toml"),
        Path::new("assets/demo-rules.toml"),
    )
    .unwrap();
    let json = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/assets/demo-library.json"
    ))
    .unwrap();
    let demo = iktag::sandbox::seed::from_list_json(&json).unwrap().files;
    let required = vec![std::collections::HashSet::new(); rules.requires().len()];
    let found = iktag::lint::check(
        &rules,
        demo.iter().map(|f| (f.file_id.as_str(), f)),
        &required,
    );
    // What `iktag lint` finds on the demo library (182) less the 31 `require` violations,
    // which need the server's answer to their query.
    assert_eq!(found.len(), 151);
    assert!(found.iter().all(|v| v.fix.is_some()));
}
