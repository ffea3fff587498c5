use std::collections::HashSet;
use std::path::Path;

use super::*;
use crate::jobs::{Fields, Known, Operation};

struct F {
    path: String,
    tags: Vec<String>,
    ai: Vec<(String, f64)>,
}

impl Known for F {
    fn tag_list(&self) -> Vec<&str> {
        self.tags.iter().map(String::as_str).collect()
    }
    fn ai_list(&self) -> Vec<(&str, f64)> {
        self.ai.iter().map(|(n, c)| (n.as_str(), *c)).collect()
    }
    fn path(&self) -> &str {
        &self.path
    }
    fn fields(&self) -> Fields {
        Fields::default()
    }
}

fn file(path: &str, tags: &[&str], ai: &[(&str, f64)]) -> F {
    F {
        path: path.to_owned(),
        tags: tags.iter().map(|t| (*t).to_owned()).collect(),
        ai: ai.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect(),
    }
}

const EXAMPLE: &str = r#"
[[merge]]
into = "summer-sale"
from = ["Summer Sale", "summersale", "summer_sale", "summer sale", "SUMMER-SALE"]
[[ban]]
tags = ["do-not-use", "test"]
[style]
case = "lower"
separator = "-"
[[require]]
where = 'path : "/products"'
any_of = ["jacket", "tent", "backpack", "boots"]
[ai]
promote_min = 90
remove_below = 40
"#;

fn rules() -> Rules {
    Rules::parse(EXAMPLE, Path::new("r.toml")).unwrap()
}

fn err(text: &str) -> String {
    Rules::parse(text, Path::new("r.toml"))
        .unwrap_err()
        .to_string()
}

#[test]
fn parses_the_example() {
    let r = rules();
    assert_eq!(r.merges.len(), 1);
    assert_eq!(r.merges[0].into, "summer-sale");
    assert_eq!(r.bans, ["do-not-use", "test"]);
    assert_eq!(
        r.style,
        Some(Style {
            lower: true,
            separator: Some('-')
        })
    );
    assert_eq!(r.requires()[0].where_, r#"path : "/products""#);
    assert_eq!(r.requires()[0].any_of.len(), 4);
    assert_eq!(r.ai.promote_min, Some(90.0));
    assert_eq!(r.ai.remove_below, Some(40.0));
    assert_eq!(Rules::parse("", Path::new("e")).unwrap(), Rules::default());
}

#[test]
fn bad_files_name_line_column_and_the_fix() {
    let e = err("[style]\ncase = \"upper\"\n");
    assert!(e.starts_with("rules file r.toml:2:8: "), "{e}");
    assert!(e.contains("lower") && e.contains("any"), "{e}");
    let e = err("[[merge]]\ninto = \"x\"\nfrom = [\"y\"]\n[[bann]]\n");
    assert!(e.starts_with("rules file r.toml:4:"), "{e}");
    assert!(e.contains("[[ban]]"), "{e}");
    let e = err("[style]\ncase = \"lower\"\n[[merge]]\ninto = \"Summer Sale\"\nfrom = [\"x\"]\n");
    assert!(e.starts_with("rules file r.toml:4:8: "), "{e}");
    assert!(e.contains("write \"summer sale\""), "{e}");
    let e =
        err("[[merge]]\ninto = \"a\"\nfrom = [\"b\"]\n[[merge]]\ninto = \"c\"\nfrom = [\"b\"]\n");
    assert!(e.starts_with("rules file r.toml:6:9: "), "{e}");
    let e = err("[ai]\npromote_min = 50\nremove_below = 60\n");
    assert!(e.starts_with("rules file r.toml:3:16: "), "{e}");
    assert!(e.contains("lower it"), "{e}");
    let e = err("[ai]\npromote_min = 150\n");
    assert!(e.contains("0 to 100"), "{e}");
    let e = err("[[ban]]\ntags = [\"50%\"]\n");
    assert!(e.starts_with("rules file r.toml:2:9: "), "{e}");
    let e = err("[[require]]\nwhere = \"\"\nany_of = [\"a\"]\n");
    assert!(e.contains("where is empty"), "{e}");
    let e = err("[style]\nseparator = \".\"\n");
    assert!(e.starts_with("rules file r.toml:2:13: "), "{e}");
}

#[test]
fn style_lowercases_and_replaces_separators() {
    let s = Style {
        lower: true,
        separator: Some('-'),
    };
    assert_eq!(s.apply("Summer Sale"), "summer-sale");
    assert_eq!(s.apply("summer_sale"), "summer-sale");
    assert_eq!(s.apply("t-shirt"), "t-shirt");
    let u = Style {
        lower: false,
        separator: Some('_'),
    };
    assert_eq!(u.apply("New Arrival-x"), "New_Arrival_x");
}

#[test]
fn check_reports_each_tag_once_with_its_fix() {
    let r = rules();
    let files = [
        file(
            "/products/a.jpg",
            &["Summer Sale", "do-not-use", "New Arrival", "red"],
            &[("Dog", 31.0), ("Backpack", 95.0), ("Bag", 60.0)],
        ),
        file(
            "/products/b.jpg",
            &["jacket", "summer-sale"],
            &[("Jacket", 99.0)],
        ),
        file("/blog/c.jpg", &["Summer_Sale"], &[]),
    ];
    let ids = ["a", "b", "c"];
    let required = vec![HashSet::from(["a".to_owned(), "b".to_owned()])];
    let v = check(&r, ids.iter().copied().zip(files.iter()), &required);
    let got: Vec<(&str, &str, &str, Option<String>)> = v
        .iter()
        .map(|v| {
            (
                v.file_id.as_str(),
                v.rule.name(),
                v.tag.as_str(),
                v.fix.as_ref().map(ToString::to_string),
            )
        })
        .collect();
    let s = |x: &str| Some(x.to_owned());
    assert_eq!(
        got,
        [
            (
                "a",
                "merge",
                "Summer Sale",
                s("rename Summer Sale → summer-sale")
            ),
            ("a", "ban", "do-not-use", s("remove do-not-use")),
            (
                "a",
                "style",
                "New Arrival",
                s("rename New Arrival → new-arrival")
            ),
            ("a", "require", "jacket | tent | backpack | boots", None),
            ("a", "ai-remove", "Dog", s("remove AI tag Dog")),
            ("a", "ai-promote", "Backpack", s("add tag backpack")),
            // not a merge: "Summer_Sale" is not listed, so the style's fix goes to the target
            (
                "c",
                "style",
                "Summer_Sale",
                s("rename Summer_Sale → summer-sale")
            ),
        ]
    );
    let g = groups(&v);
    assert_eq!(g.len(), 7);
    assert_eq!(g[0].rule, Rule::Merge);
    assert_eq!(g[0].label, "Summer Sale → summer-sale");
    assert_eq!(g[3].label, "Summer_Sale → summer-sale");
    assert_eq!(g[3].ids, ["c"]);
}

#[test]
fn fixes_are_existing_operations_in_order() {
    let r = rules();
    let files = [
        file("/a", &["Summer Sale", "do-not-use"], &[("Dog", 31.0)]),
        file(
            "/b",
            &["summersale", "test"],
            &[("Dog", 20.0), ("Cat", 10.0)],
        ),
        file("/c", &["Summer_Sale"], &[("Tent", 95.0)]),
    ];
    let ids = ["a", "b", "c"];
    let v = check(&r, ids.iter().copied().zip(files.iter()), &[]);
    let f = fixes(&v);
    let ops: Vec<(Operation, Vec<&str>)> = f
        .iter()
        .map(|(o, ids)| (o.clone(), ids.iter().map(String::as_str).collect()))
        .collect();
    let strings = |x: &[&str]| x.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        ops,
        [
            (
                Operation::MergeTags {
                    from: strings(&["Summer Sale", "Summer_Sale", "summersale"]),
                    into: "summer-sale".into()
                },
                vec!["a", "b", "c"]
            ),
            (
                Operation::RemoveTags {
                    tags: strings(&["do-not-use", "test"])
                },
                vec!["a", "b"]
            ),
            (
                Operation::AddTags {
                    tags: strings(&["tent"])
                },
                vec!["c"]
            ),
            (
                Operation::RemoveAiTags {
                    names: strings(&["Dog"])
                },
                vec!["a"]
            ),
            (
                Operation::RemoveAiTags {
                    names: strings(&["Cat", "Dog"])
                },
                vec!["b"]
            ),
        ]
    );
}

#[test]
fn fixed_files_are_clean_except_require() {
    let r = rules();
    let before = file("/products/x", &["Summer Sale", "Jacket"], &[("Boot", 92.0)]);
    let v = check(&r, [("x", &before)], &[HashSet::from(["x".to_owned()])]);
    assert_eq!(v.len(), 3, "{v:?}");
    assert!(
        v.iter().all(|v| v.rule != Rule::Require),
        "Jacket counts as jacket"
    );
    let after = file(
        "/products/x",
        &["summer-sale", "jacket", "boot"],
        &[("Boot", 92.0)],
    );
    let v = check(&r, [("x", &after)], &[HashSet::from(["x".to_owned()])]);
    assert_eq!(v, []);
}

#[test]
fn init_writes_a_file_that_parses_with_the_groups_as_merges() {
    let files = [
        file("/a", &["summer-sale", "Summer Sale", "jacket"], &[]),
        file("/b", &["summer-sale", "summersale", "Jackets"], &[]),
        file("/c", &["red", "new-arrival", "say \"hi\""], &[]),
    ];
    let text = init(files.iter());
    let r = Rules::parse(&text, Path::new("init.toml")).unwrap_or_else(|e| panic!("{e}\n{text}"));
    assert_eq!(
        r.style,
        Some(Style {
            lower: true,
            separator: Some('-')
        })
    );
    assert_eq!(r.merges.len(), 2, "{text}");
    let ss = r.merges.iter().find(|m| m.into == "summer-sale").unwrap();
    assert_eq!(ss.from, ["Summer Sale", "summersale"]);
    let j = r.merges.iter().find(|m| m.into == "jacket").unwrap();
    assert_eq!(j.from, ["Jackets"]);
    assert!(text.contains("# [[ban]]"), "{text}");
}

#[test]
fn finds_rules_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("cfg");
    std::fs::create_dir_all(&cfg).unwrap();
    let cfg_s = cfg.display().to_string();
    let env = std::collections::BTreeMap::from([("IKTAG_CONFIG_DIR", cfg_s.as_str())]);
    let cwd = dir.path().join("cwd");
    std::fs::create_dir_all(&cwd).unwrap();
    assert_eq!(find_rules_with(None, &cwd, &env), None);
    std::fs::write(cfg.join(CONFIG_FILE), "").unwrap();
    assert_eq!(
        find_rules_with(None, &cwd, &env),
        Some(cfg.join(CONFIG_FILE))
    );
    std::fs::write(cwd.join(LOCAL_FILE), "").unwrap();
    assert_eq!(
        find_rules_with(None, &cwd, &env),
        Some(cwd.join(LOCAL_FILE))
    );
    let x = Path::new("x.toml");
    assert_eq!(find_rules_with(Some(x), &cwd, &env), Some(x.to_path_buf()));
}

#[test]
fn fix_plan_is_one_job_of_the_operations() {
    let r = rules();
    let files = [
        file("/a", &["Summer Sale", "do-not-use"], &[("Dog", 31.0)]),
        file("/b", &["summersale"], &[]),
    ];
    let ids = ["a", "b"];
    let v = check(&r, ids.iter().copied().zip(files.iter()), &[]);
    let known = |id: &str| ids.iter().position(|x| *x == id).map(|i| &files[i]);
    let plan = fix_plan(&v, known).unwrap().unwrap();
    let Operation::Combined {
        label,
        irreversible,
    } = &plan.op
    else {
        panic!("{:?}", plan.op);
    };
    assert!(*irreversible, "AI-tag removal cannot be undone");
    assert_eq!(
        label,
        "fix tag rules: rename 2 tags, remove 1 banned tag, remove AI tags from 1 file"
    );
    let units: Vec<(&str, Vec<&str>)> = plan
        .units
        .iter()
        .map(|u| {
            let op = u.op.as_ref().map_or("-", Operation::name);
            (op, u.ids.iter().map(String::as_str).collect())
        })
        .collect();
    assert_eq!(
        units,
        [
            ("merge tags", vec!["a", "b"]),
            ("remove tags", vec!["a"]),
            ("remove AI tags", vec!["a"]),
        ]
    );
    assert_eq!(plan.changing(), 2);
    assert_eq!(plan.previous_tags["a"], ["Summer Sale", "do-not-use"]);
    // Only renames: one plain job, reversible.
    let v = check(&r, [("b", &files[1])], &[]);
    let plan = fix_plan(&v, |_| Some(&files[1])).unwrap().unwrap();
    assert!(
        matches!(plan.op, Operation::MergeTags { .. }),
        "{:?}",
        plan.op
    );
    assert_eq!(fix_plan(&[], |_| Some(&files[1])).unwrap(), None);
}
