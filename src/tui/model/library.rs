//! The library as loaded: every file (slim entries), the id index, the filter's search text
//! and the custom metadata field definitions.

use std::collections::{HashMap, HashSet};

use crate::model::CustomMetadataField;
use crate::tui::entry::{Entry, Index, Tags};
use crate::tui::filter::SearchText;

#[derive(Debug, Clone, Default)]
pub struct Library {
    pub files: Vec<Entry>,
    index: Index,
    /// Lowercase search text of every file, for the filter (stale after a file changes or
    /// leaves: rebuilt when next needed).
    text: SearchText,
    text_stale: bool,
    pub fields: Vec<CustomMetadataField>,
    pub loading: bool,
    pub load_error: Option<String>,
}

impl Library {
    /// A library about to load. Its search text is built when a filter first needs it
    /// (then kept up to date as files arrive): most sessions never filter, and the text
    /// is an eighth of what 100 000 loaded files take.
    pub fn new() -> Library {
        Library {
            loading: true,
            text_stale: true,
            ..Library::default()
        }
    }

    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id, &self.files)
    }

    pub fn file(&self, id: &str) -> Option<&Entry> {
        self.position(id).map(|i| &self.files[i])
    }

    /// Adds or replaces a file. (`State::upsert` keeps the selection's
    /// counts in step: call that.)
    /// Returns the entry it replaced and where, or `None` when the file is new.
    pub(super) fn put(&mut self, f: Entry) -> Option<(usize, Entry)> {
        if let Some(i) = self.index.get(&f.file_id, &self.files) {
            if !self.text_stale && !self.text.patch(i, &f) {
                self.text_stale = true;
            }
            Some((i, std::mem::replace(&mut self.files[i], f)))
        } else {
            self.index.insert(&f.file_id, self.files.len(), &self.files);
            if !self.text_stale {
                self.text.push(&f);
            }
            self.files.push(f);
            None
        }
    }

    /// Drops these files (deleted or gone from the server); returns the positions they
    /// had, ascending (the files after each move down by one).
    pub fn remove(&mut self, gone: &HashSet<String>) -> Vec<usize> {
        let mut at = Vec::with_capacity(gone.len());
        let mut i = 0;
        self.files.retain(|f| {
            let keep = !gone.contains(&f.file_id);
            if !keep {
                at.push(i);
            }
            i += 1;
            keep
        });
        self.index = Index::rebuild(&self.files);
        self.text_stale = true;
        at
    }

    /// Shows a file with these tags (a confirmed change, before the read-back lands).
    pub fn set_tags(&mut self, id: &str, tags: &[String]) {
        if let Some(i) = self.position(id) {
            self.files[i].tags = Tags::new(tags);
            if !self.text_stale && !self.text.patch(i, &self.files[i]) {
                self.text_stale = true;
            }
        }
    }

    /// The filter's search text, rebuilt first (when `needed`) if files changed since.
    pub fn search_text(&mut self, needed: bool) -> &SearchText {
        if needed && self.text_stale {
            self.text = SearchText::build(&self.files);
            self.text_stale = false;
        }
        &self.text
    }

    /// Growth left up to half of the list's capacity unused.
    pub fn loaded(&mut self) {
        self.loading = false;
        self.files.shrink_to_fit();
    }

    /// Tags with their file counts, most used first (of these files, or of all).
    pub fn vocabulary(&self, only: Option<&[String]>) -> Vec<(String, usize)> {
        let mut counts: HashMap<&str, usize> = HashMap::new();
        let files: Box<dyn Iterator<Item = &Entry>> = match only {
            Some(ids) => Box::new(ids.iter().filter_map(|id| self.file(id))),
            None => Box::new(self.files.iter()),
        };
        for f in files {
            for t in &f.tags {
                *counts.entry(t).or_default() += 1;
            }
        }
        let mut v: Vec<(String, usize)> =
            counts.into_iter().map(|(t, n)| (t.to_owned(), n)).collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }

    /// The ids of the files that have any of these tags.
    pub fn files_with(&self, tags: &[String]) -> Vec<String> {
        self.files
            .iter()
            .filter(|f| tags.iter().any(|t| f.tags.contains(t)))
            .map(|f| f.file_id.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FileDetails;

    fn entry(id: &str) -> Entry {
        let f: FileDetails = serde_json::from_value(serde_json::json!({
            "fileId": id, "name": format!("{id}.jpg"), "filePath": format!("/{id}.jpg"),
            "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"
        }))
        .unwrap();
        Entry::from(f)
    }

    #[test]
    fn the_search_text_waits_for_a_filter_then_keeps_up() {
        let mut lib = Library::new();
        for id in ["a", "b", "c"] {
            lib.put(entry(id));
        }
        assert_eq!(lib.search_text(false).len(), 0, "not built while loading");
        assert_eq!(lib.search_text(true).len(), 3, "built for the first filter");
        lib.put(entry("d"));
        assert_eq!(lib.search_text(false).len(), 4, "appended as files arrive");
    }
}
