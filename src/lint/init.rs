//! A starter rules file from a library as it is.

use std::fmt::Write as _;

use crate::jobs::Known;
use crate::vocab::{TagCount, Vocabulary};

use super::rules::Style;

fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// The style most tags follow: lower case if most tags with a letter are lower case; the
/// separator most multi-word tags use (`-` if none).
fn majority_style(tags: &[TagCount]) -> Style {
    let (mut lower, mut cased) = (0usize, 0usize);
    let mut seps = [0usize; 3];
    for t in tags {
        if t.tag.chars().any(char::is_alphabetic) {
            cased += t.files;
            if !t.tag.chars().any(char::is_uppercase) {
                lower += t.files;
            }
        }
        for (i, sep) in ['-', '_', ' '].into_iter().enumerate() {
            if t.tag.contains(sep) {
                seps[i] += t.files;
            }
        }
    }
    let best = (0..3).max_by_key(|i| (seps[*i], 3 - i)).unwrap_or(0);
    Style {
        lower: lower * 2 > cased,
        separator: Some(['-', '_', ' '][best]),
    }
}

/// A starter rules file (TOML text, commented): the majority style, one `[[merge]]` per
/// near-duplicate group (the most used spelling that follows the style as `into`, else the
/// most used one in the style), and commented examples of the other rules.
pub fn init<'a, K: Known + 'a>(files: impl IntoIterator<Item = &'a K>) -> String {
    let vocab = Vocabulary::build(files.into_iter().map(|f| {
        let ai = f.ai_list().into_iter().map(|(n, _)| n).collect();
        (f.tag_list(), ai)
    }));
    let style = majority_style(&vocab.tags);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# iktag tag rules, written by `iktag lint --init` from {} files.\n\
         # Edit freely; `iktag lint` reports what breaks them, `iktag lint --fix` fixes what it can.\n",
        vocab.files
    );
    let sep = style.separator.map_or(String::new(), |c| c.to_string());
    let _ = writeln!(
        out,
        "# Every tag must follow this (the form most tags have now).\n\
         # case: \"lower\" | \"any\"; separator: \"-\" | \"_\" | \" \" (the other two are violations).\n\
         [style]\ncase = {}\nseparator = {}\n",
        quoted(if style.lower { "lower" } else { "any" }),
        quoted(&sep)
    );
    if vocab.near_duplicates.is_empty() {
        out.push_str("# No near-duplicate spellings found. A merge looks like this:\n");
        out.push_str(
            "# [[merge]]\n# into = \"summer-sale\"\n# from = [\"Summer Sale\", \"summersale\"]\n\n",
        );
    } else {
        out.push_str(
            "# Near-duplicate spellings (case, separators, a plural): every spelling in `from`\n\
             # becomes `into`. Delete a block if its spellings mean different things.\n",
        );
    }
    for group in &vocab.near_duplicates {
        let into = group
            .tags
            .iter()
            .find(|t| style.apply(&t.tag) == t.tag)
            .map_or_else(|| style.apply(&group.tags[0].tag), |t| t.tag.clone());
        let from: Vec<String> = group
            .tags
            .iter()
            .filter(|t| t.tag != into)
            .map(|t| quoted(&t.tag))
            .collect();
        let counts: Vec<String> = group
            .tags
            .iter()
            .map(|t| {
                let shown: String = t
                    .tag
                    .chars()
                    .map(|c| if c.is_control() { ' ' } else { c })
                    .collect();
                format!("{shown} ×{}", t.files)
            })
            .collect();
        let _ = writeln!(
            out,
            "[[merge]]  # {}\ninto = {}\nfrom = [{}]\n",
            counts.join(", "),
            quoted(&into),
            from.join(", ")
        );
    }
    out.push_str(
        "# Tags no file may carry:\n# [[ban]]\n# tags = [\"do-not-use\", \"test\"]\n\n\
         # Files matching `where` (an ImageKit searchQuery) need one of these tags:\n\
         # [[require]]\n# where = 'path : \"/products\"'\n# any_of = [\"jacket\", \"tent\"]\n\n\
         # AI tags at or above promote_min should also be tags; below remove_below, removed:\n\
         # [ai]\n# promote_min = 90\n# remove_below = 40\n",
    );
    out
}
