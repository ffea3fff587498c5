//! The local filter (`/`): words match name, path and tags (case-insensitive substring);
//! `tag:x` needs a tag equal to x, `ai:x` an AI tag equal to x; `!` negates a term; all terms
//! must hold.
//!
//! Words are found in [`SearchText`]: every file's lowercase path, name and tags in one
//! contiguous text, searched once per word with a SIMD substring search; hits are mapped back
//! to files by offset. (Searching 100 000 separate small strings costs more in per-call setup
//! and cache misses than the search itself.)

use super::entry::Entry;

/// All files' lowercase path, name and tags, `\n`-separated within a file, NUL between
/// files (a filter word contains neither, so no match spans two tags or two files).
#[derive(Debug, Clone, Default)]
pub struct SearchText {
    text: String,
    starts: Vec<u32>,
    /// Files changed since the text was built, by position: their current text, which
    /// wins over what `text` holds for them (a refresh does not rebuild 100 000 files).
    patched: rustc_hash::FxHashMap<u32, String>,
}

/// A file's searchable text: lowercase path, name and tags, `\n` after each, NUL at the end.
fn entry_text(f: &Entry, out: &mut String) {
    let mut add = |s: &str| {
        if s.is_ascii() {
            let from = out.len();
            out.push_str(s);
            out[from..].make_ascii_lowercase();
        } else {
            out.push_str(&s.to_lowercase());
        }
        out.push('\n');
    };
    add(&f.file_path);
    if let Some(n) = f.own_name() {
        add(n);
    }
    for t in &f.tags {
        add(t);
    }
    out.push('\0');
}

impl SearchText {
    pub fn push(&mut self, f: &Entry) {
        self.starts
            .push(u32::try_from(self.text.len()).unwrap_or(u32::MAX));
        entry_text(f, &mut self.text);
    }

    /// The file at position `i` is now `f`. Kept apart until the next build; `false` when
    /// too many are kept apart already (a sixteenth of the files): then rebuild instead.
    pub fn patch(&mut self, i: usize, f: &Entry) -> bool {
        let Ok(at) = u32::try_from(i) else {
            return false;
        };
        if i >= self.starts.len() || self.patched.len() >= (self.starts.len() / 16).max(64) {
            return false;
        }
        let mut t = String::new();
        entry_text(f, &mut t);
        self.patched.insert(at, t);
        true
    }

    pub fn build(files: &[Entry]) -> SearchText {
        let mut st = SearchText::default();
        for f in files {
            st.push(f);
        }
        st.text.shrink_to_fit();
        st
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Which files contain the word.
    fn hits(&self, finder: &memchr::memmem::Finder<'_>) -> Vec<bool> {
        let mut hit = vec![false; self.starts.len()];
        for at in finder.find_iter(self.text.as_bytes()) {
            let at = u32::try_from(at).unwrap_or(u32::MAX);
            let file = self.starts.partition_point(|&s| s <= at).saturating_sub(1);
            if let Some(h) = hit.get_mut(file) {
                *h = true;
            }
        }
        for (&i, t) in &self.patched {
            if let Some(h) = hit.get_mut(i as usize) {
                *h = finder.find(t.as_bytes()).is_some();
            }
        }
        hit
    }
}

#[derive(Debug, Clone)]
enum Term {
    /// The lowercase word and a searcher built once for it (building one per file would
    /// cost more than the search itself).
    Text(String, Box<memchr::memmem::Finder<'static>>),
    Tag(String),
    Ai(String),
}

/// A parsed filter.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    terms: Vec<(bool, Term)>,
}

/// Splits on whitespace, keeping `"double quoted"` parts together (`tag:"Summer Sale"`).
fn split_terms(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in s.chars() {
        match c {
            '"' => quoted = !quoted,
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The filter term that selects files with exactly this tag.
pub fn tag_term(tag: &str) -> String {
    if tag.contains(char::is_whitespace) {
        format!("tag:\"{}\"", tag.replace('"', ""))
    } else {
        format!("tag:{tag}")
    }
}

impl Filter {
    pub fn parse(s: &str) -> Filter {
        let terms = split_terms(s)
            .into_iter()
            .filter_map(|raw| {
                let (neg, t) = match raw.strip_prefix('!') {
                    Some(rest) => (true, rest.to_owned()),
                    None => (false, raw),
                };
                let lower = t.to_lowercase();
                let term = if let Some(v) = lower.strip_prefix("tag:") {
                    Term::Tag(v.to_owned())
                } else if let Some(v) = lower.strip_prefix("ai:") {
                    Term::Ai(v.to_owned())
                } else {
                    let finder =
                        Box::new(memchr::memmem::Finder::new(lower.as_bytes()).into_owned());
                    Term::Text(lower, finder)
                };
                match &term {
                    Term::Text(v, _) | Term::Tag(v) | Term::Ai(v) if v.is_empty() => None,
                    _ => Some((neg, term)),
                }
            })
            .collect();
        Filter { terms }
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// Finds the words in the search text: one hit list per word, for [`Filter::matches`].
    pub fn prepare(&self, text: &SearchText) -> Vec<Vec<bool>> {
        self.terms
            .iter()
            .filter_map(|(_, t)| match t {
                Term::Text(_, finder) => Some(text.hits(finder)),
                _ => None,
            })
            .collect()
    }

    /// Does file `i` pass? `hits` comes from [`Filter::prepare`] over the same files.
    pub fn matches(&self, i: usize, f: &Entry, hits: &[Vec<bool>]) -> bool {
        let mut word = 0;
        self.terms.iter().all(|(neg, term)| {
            let hit = match term {
                Term::Text(..) => {
                    word += 1;
                    hits[word - 1].get(i).copied().unwrap_or(false)
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
        let filter = Filter::parse(q);
        let text = SearchText::build(std::slice::from_ref(f));
        filter.matches(0, f, &filter.prepare(&text))
    }

    #[test]
    fn a_patched_file_is_found_by_its_new_text_only() {
        let files = [
            file("a.jpg", &["winter"], &[]),
            file("b.jpg", &["winter"], &[]),
        ];
        let mut text = SearchText::build(&files);
        assert!(text.patch(1, &file("b.jpg", &["summer"], &[])));
        let hits = |q: &str| Filter::parse(q).prepare(&text).remove(0);
        assert_eq!(
            hits("winter"),
            [true, false],
            "the old text no longer counts"
        );
        assert_eq!(hits("summer"), [false, true]);
        assert_eq!(hits("b.jpg"), [false, true]);
        assert!(!text.patch(2, &files[0]), "no file 2 to patch");
        // Past a sixteenth of the files (at least 64) the caller rebuilds instead.
        let many: Vec<Entry> = (0..70).map(|_| file("c.jpg", &[], &[])).collect();
        let mut text = SearchText::build(&many);
        assert!((0..64).all(|i| text.patch(i, &many[i])));
        assert!(!text.patch(64, &many[64]));
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
        assert!(hit("tag:\"summer sale\"", &f) && hit(&tag_term("Summer Sale"), &f));
        assert!(!hit("!tag:\"Summer Sale\"", &f));
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
