//! The local filter (`/`): words match name, path and tags (case-insensitive substring);
//! `tag:x` needs a tag equal to x, `ai:x` an AI tag equal to x; `!` negates a term; all terms
//! must hold. Matching lowercases nothing per file: ASCII text is compared case-insensitively
//! in place (a memchr scan for the first byte), so no per-file copy is kept in memory.

use super::entry::Entry;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    Text(String),
    Tag(String),
    Ai(String),
}

/// A parsed filter.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    terms: Vec<(bool, Term)>,
}

impl Filter {
    pub fn parse(s: &str) -> Filter {
        let terms = s
            .split_whitespace()
            .filter_map(|raw| {
                let (neg, t) = match raw.strip_prefix('!') {
                    Some(rest) => (true, rest),
                    None => (false, raw),
                };
                let lower = t.to_lowercase();
                let term = if let Some(v) = lower.strip_prefix("tag:") {
                    Term::Tag(v.to_owned())
                } else if let Some(v) = lower.strip_prefix("ai:") {
                    Term::Ai(v.to_owned())
                } else {
                    Term::Text(lower)
                };
                match &term {
                    Term::Text(v) | Term::Tag(v) | Term::Ai(v) if v.is_empty() => None,
                    _ => Some((neg, term)),
                }
            })
            .collect();
        Filter { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Does the file pass?
    pub fn matches(&self, f: &Entry) -> bool {
        self.terms.iter().all(|(neg, term)| {
            let hit = match term {
                Term::Text(t) => {
                    contains_fold(&f.file_path, t)
                        || contains_fold(f.name(), t)
                        || f.tags.iter().any(|x| contains_fold(x, t))
                }
                Term::Tag(t) => f.tags.iter().any(|x| eq_fold(x, t)),
                Term::Ai(t) => f.ai_tags.iter().any(|x| eq_fold(&x.name, t)),
            };
            hit != *neg
        })
    }
}

/// `a` equals the already-lowercase `lower`, ignoring case.
fn eq_fold(a: &str, lower: &str) -> bool {
    if a.is_ascii() {
        a.eq_ignore_ascii_case(lower)
    } else {
        a.to_lowercase() == lower
    }
}

/// `hay` contains the already-lowercase `needle`, ignoring case.
fn contains_fold(hay: &str, needle: &str) -> bool {
    if !(hay.is_ascii() && needle.is_ascii()) {
        return hay.to_lowercase().contains(needle);
    }
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some((&first, rest)) = n.split_first() else {
        return true;
    };
    if h.len() < n.len() {
        return false;
    }
    let last_start = h.len() - n.len();
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), &h[..=last_start])
        .any(|i| h[i + 1..i + n.len()].eq_ignore_ascii_case(rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(name: &str, tags: &[&str], ai: &[&str]) -> Entry {
        let f: crate::model::FileDetails = serde_json::from_value(serde_json::json!({
            "fileId": "f", "name": name, "filePath": format!("/shop/{name}"),
            "tags": tags, "AITags": ai.iter().map(|n| serde_json::json!({"name": n, "confidence": 90.0, "source": "google-auto-tagging"})).collect::<Vec<_>>(),
            "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"
        }))
        .unwrap();
        Entry::from(f)
    }

    fn hit(q: &str, f: &Entry) -> bool {
        Filter::parse(q).matches(f)
    }

    #[test]
    fn words_tags_ai_and_negation() {
        let f = file("Red-Jacket.jpg", &["Summer Sale", "jacket"], &["Coat"]);
        assert!(hit("jacket", &f));
        assert!(
            hit("SHOP red", &f),
            "path and name, case-insensitive, all words"
        );
        assert!(hit("summer", &f), "substring of a tag");
        assert!(!hit("tag:summer sale", &f), "a space splits terms");
        assert!(hit("tag:jacket", &f));
        assert!(!hit("tag:jack", &f), "tag: is exact");
        assert!(hit("ai:coat", &f));
        assert!(!hit("!jacket", &f));
        assert!(hit("!tag:winter", &f));
        assert!(!hit("red !ai:coat", &f));
        assert!(hit("", &f) && Filter::parse("  ! tag: ").is_empty());
        let g = file("Ärger-Ü.jpg", &["ÜBER"], &[]);
        assert!(hit("über", &g) && hit("ärger", &g), "non-ASCII folds too");
        assert!(!hit("jacketjacketjacket", &f), "longer than the text");
    }
}
