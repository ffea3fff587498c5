//! The selection, kept as a bitset over library positions, with what the editor shows about
//! it kept up to date as it changes: how many selected files carry each tag and each AI tag
//! name. Adding or removing a file, or a selected file changing, costs O(its tags); nothing
//! is recounted over the selection, and a million selected files take 125 KB.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use crate::tui::entry::Entry;

#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Bit `i` is set when the library's file `i` is selected.
    bits: Vec<u64>,
    len: usize,
    /// Tag → selected files that have it.
    tags: BTreeMap<Box<str>, usize>,
    /// AI tag name → its occurrences on selected files.
    ai: BTreeMap<Box<str>, usize>,
    /// Bumped on every change (what was staged for which selection is checked with it).
    generation: u64,
}

fn add(map: &mut BTreeMap<Box<str>, usize>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n += 1;
    } else {
        map.insert(key.into(), 1);
    }
}

fn sub(map: &mut BTreeMap<Box<str>, usize>, key: &str) {
    if let Some(n) = map.get_mut(key) {
        *n -= 1;
        if *n == 0 {
            map.remove(key);
        }
    }
}

impl Selection {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Is the library's file at `pos` selected?
    pub fn contains(&self, pos: usize) -> bool {
        self.bits
            .get(pos / 64)
            .is_some_and(|w| w & (1 << (pos % 64)) != 0)
    }

    /// The selected library positions, in library order.
    pub fn positions(&self) -> impl Iterator<Item = usize> + '_ {
        self.bits.iter().enumerate().flat_map(|(w, &bits)| {
            let mut rest = bits;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let b = rest.trailing_zeros() as usize;
                    rest &= rest - 1;
                    w * 64 + b
                })
            })
        })
    }

    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Selected files per tag, by tag.
    pub fn tag_counts(&self) -> &BTreeMap<Box<str>, usize> {
        &self.tags
    }

    /// AI tag occurrences on selected files, by name.
    pub fn ai_counts(&self) -> &BTreeMap<Box<str>, usize> {
        &self.ai
    }

    fn count(&mut self, f: &Entry, up: bool) {
        let op = if up { add } else { sub };
        for t in &f.tags {
            op(&mut self.tags, t);
        }
        for a in &f.ai_tags {
            op(&mut self.ai, &a.name);
        }
    }

    /// Sets bit `pos`; false when it was set already.
    fn set(&mut self, pos: usize) -> bool {
        let w = pos / 64;
        if w >= self.bits.len() {
            self.bits.resize(w + 1, 0);
        }
        let mask = 1 << (pos % 64);
        let was = self.bits[w] & mask != 0;
        self.bits[w] |= mask;
        self.len += usize::from(!was);
        !was
    }

    /// Selects the file at `pos` (`f` is its entry). False when it was selected already.
    pub fn insert(&mut self, pos: usize, f: &Entry) -> bool {
        if !self.set(pos) {
            return false;
        }
        self.count(f, true);
        self.generation += 1;
        true
    }

    /// Selects many files at once; returns how many were not selected before. The counts
    /// are gathered in a hash map first: one tree update per tag, not per file.
    pub fn extend<'a>(&mut self, files: impl Iterator<Item = (usize, &'a Entry)>) -> usize {
        let mut tags: FxHashMap<&str, usize> = FxHashMap::default();
        let mut ai: FxHashMap<&str, usize> = FxHashMap::default();
        let mut n = 0;
        for (pos, f) in files {
            if !self.set(pos) {
                continue;
            }
            n += 1;
            for t in &f.tags {
                *tags.entry(t).or_default() += 1;
            }
            for a in &f.ai_tags {
                *ai.entry(&a.name).or_default() += 1;
            }
        }
        if n == 0 {
            return 0;
        }
        for (map, counts) in [(&mut self.tags, tags), (&mut self.ai, ai)] {
            for (key, k) in counts {
                *map.entry(key.into()).or_default() += k;
            }
        }
        self.generation += 1;
        n
    }

    /// Unselects the file at `pos` (`f` is its entry as it is counted). False when it was
    /// not selected.
    pub fn remove(&mut self, pos: usize, f: &Entry) -> bool {
        if !self.contains(pos) {
            return false;
        }
        self.bits[pos / 64] &= !(1 << (pos % 64));
        self.len -= 1;
        self.count(f, false);
        self.generation += 1;
        true
    }

    pub fn clear(&mut self) {
        if self.len != 0 {
            self.generation += 1;
        }
        self.bits.clear();
        self.len = 0;
        self.tags.clear();
        self.ai.clear();
    }

    /// The file at `pos` changed from `old` to `new`: if it is selected, its counts follow.
    pub fn changed(&mut self, pos: usize, old: &Entry, new: &Entry) {
        if self.contains(pos) {
            self.count(old, false);
            self.count(new, true);
            self.generation += 1;
        }
    }

    /// The library dropped the files at `gone` (ascending positions, none of them selected):
    /// the selected files after them move down with them.
    pub fn files_removed(&mut self, gone: &[usize]) {
        if gone.is_empty() || self.len == 0 {
            return;
        }
        let kept: Vec<usize> = self
            .positions()
            .map(|p| {
                debug_assert!(gone.binary_search(&p).is_err(), "unselect before removing");
                p - gone.partition_point(|&g| g < p)
            })
            .collect();
        self.bits.clear();
        self.len = 0;
        for p in kept {
            self.set(p);
        }
        self.generation += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::FileDetails;

    fn entry(id: &str, tags: &[&str], ai: &[&str]) -> Entry {
        let ai: Vec<serde_json::Value> = ai
            .iter()
            .map(|n| serde_json::json!({"name": n, "confidence": 90.0, "source": "google-auto-tagging"}))
            .collect();
        let f: FileDetails = serde_json::from_value(serde_json::json!({
            "fileId": id, "name": id, "filePath": format!("/{id}"), "tags": tags, "AITags": ai,
            "createdAt": "2024-01-01T00:00:00.000Z", "updatedAt": "2024-01-01T00:00:00.000Z"
        }))
        .unwrap();
        Entry::from(f)
    }

    fn counts(m: &BTreeMap<Box<str>, usize>) -> Vec<(String, usize)> {
        m.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn counts_follow_every_change_without_recounting() {
        let mut s = Selection::default();
        let a = entry("a", &["red", "sale"], &["Jacket"]);
        let b = entry("b", &["red"], &["Jacket", "Sleeve"]);
        assert!(s.insert(0, &a) && s.insert(1, &b) && !s.insert(0, &a));
        assert_eq!(
            counts(s.tag_counts()),
            [("red".into(), 2), ("sale".into(), 1)]
        );
        assert_eq!(
            counts(s.ai_counts()),
            [("Jacket".into(), 2), ("Sleeve".into(), 1)]
        );
        let b2 = entry("b", &["blue"], &[]);
        s.changed(1, &b, &b2);
        assert_eq!(
            counts(s.tag_counts()),
            [("blue".into(), 1), ("red".into(), 1), ("sale".into(), 1)]
        );
        assert_eq!(counts(s.ai_counts()), [("Jacket".into(), 1)]);
        let g = s.generation();
        assert!(s.remove(0, &a) && !s.remove(0, &a));
        assert!(s.generation() > g);
        assert_eq!((s.len(), s.positions().collect::<Vec<_>>()), (1, vec![1]));
        assert_eq!(counts(s.tag_counts()), [("blue".into(), 1)]);
        s.clear();
        assert!(s.is_empty() && s.tag_counts().is_empty() && s.ai_counts().is_empty());
        // A file changing while not selected changes nothing.
        s.changed(0, &a, &b);
        assert!(s.tag_counts().is_empty());
    }

    #[test]
    fn selecting_many_at_once_counts_like_one_by_one() {
        let files = [
            entry("c", &["red", "sale"], &["Jacket"]),
            entry("a", &["red"], &["Jacket", "Sleeve"]),
            entry("b", &[], &[]),
            entry("d", &["sale"], &["Sleeve"]),
        ];
        let (mut one, mut many) = (Selection::default(), Selection::default());
        assert!(one.insert(1, &files[1]) && many.insert(1, &files[1]));
        for (i, f) in files.iter().enumerate() {
            one.insert(i, f);
        }
        let g = many.generation();
        assert_eq!(many.extend(files.iter().enumerate()), 3, "a was selected");
        assert!(many.generation() > g);
        assert_eq!(many.extend(files.iter().enumerate()), 0);
        assert_eq!(many.positions().collect::<Vec<_>>(), [0, 1, 2, 3]);
        assert_eq!(many.len(), 4);
        assert_eq!(counts(many.tag_counts()), counts(one.tag_counts()));
        assert_eq!(counts(many.ai_counts()), counts(one.ai_counts()));
        assert_eq!(
            counts(many.tag_counts()),
            [("red".into(), 2), ("sale".into(), 2)]
        );
    }

    #[test]
    fn positions_cross_words_and_follow_removals() {
        let f = entry("x", &["t"], &[]);
        let mut s = Selection::default();
        for p in [3, 63, 64, 130, 200] {
            assert!(s.insert(p, &f));
        }
        assert!(s.contains(130) && !s.contains(131) && !s.contains(100_000));
        assert_eq!(s.positions().collect::<Vec<_>>(), [3, 63, 64, 130, 200]);
        // Files 0, 70 and 150 leave the library: everything after each moves down.
        s.files_removed(&[0, 70, 150]);
        assert_eq!(s.positions().collect::<Vec<_>>(), [2, 62, 63, 128, 197]);
        assert_eq!(s.len(), 5);
        assert_eq!(counts(s.tag_counts()), [("t".into(), 5)]);
    }
}
