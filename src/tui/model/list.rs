//! The list view: which files show (filter, server search), in which order (sort), where the
//! cursor is and what is selected.

use std::collections::HashSet;

use super::library::Library;
use super::selection::Selection;
use crate::tui::filter::Filter;
use crate::tui::keymap::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    Created,
    Updated,
    Name,
    Folder,
    Size,
    Tags,
}

impl SortKey {
    pub const ALL: [SortKey; 6] = [
        SortKey::Created,
        SortKey::Updated,
        SortKey::Name,
        SortKey::Folder,
        SortKey::Size,
        SortKey::Tags,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SortKey::Created => "created",
            SortKey::Updated => "updated",
            SortKey::Name => "name",
            SortKey::Folder => "folder",
            SortKey::Size => "size",
            SortKey::Tags => "tag count",
        }
    }

    /// The sort menu's command for this key (its letter comes from the keymap).
    pub fn command(self) -> Command {
        match self {
            SortKey::Created => Command::SortCreated,
            SortKey::Updated => Command::SortUpdated,
            SortKey::Name => Command::SortName,
            SortKey::Folder => Command::SortFolder,
            SortKey::Size => Command::SortSize,
            SortKey::Tags => Command::SortTags,
        }
    }

    /// Picking the key in use again reverses it; a new key starts in its natural order.
    pub fn then(self, current: Sort) -> Sort {
        if self == current.key {
            Sort {
                key: self,
                desc: !current.desc,
            }
        } else {
            Sort {
                key: self,
                desc: self.natural_desc(),
            }
        }
    }

    fn natural_desc(self) -> bool {
        matches!(self, SortKey::Updated | SortKey::Size | SortKey::Tags)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sort {
    pub key: SortKey,
    pub desc: bool,
}

/// The server search in force: its query and the ids it returned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServerSearch {
    pub query: String,
    pub ids: HashSet<String>,
}

#[derive(Debug, Clone)]
pub struct ListView {
    /// Shown rows: indices into the library's files, filtered and sorted.
    pub view: Vec<usize>,
    pub cursor: usize,
    pub offset: usize,
    pub selected: Selection,
    /// Start of a `v` range (a view position).
    pub anchor: Option<usize>,
    pub filter: String,
    filter_parsed: Filter,
    pub search: Option<ServerSearch>,
    pub sort: Sort,
    /// Rows the list shows (from the layout): paging and scrolling use it.
    pub page_rows: usize,
}

impl Default for ListView {
    fn default() -> Self {
        ListView {
            view: Vec::new(),
            cursor: 0,
            offset: 0,
            selected: Selection::default(),
            anchor: None,
            filter: String::new(),
            filter_parsed: Filter::default(),
            search: None,
            sort: Sort {
                key: SortKey::Created,
                desc: false,
            },
            page_rows: 20,
        }
    }
}

impl ListView {
    /// The view position's file index.
    pub fn focused_index(&self) -> Option<usize> {
        self.view.get(self.cursor).copied()
    }

    pub fn move_to(&mut self, to: usize) {
        if self.view.is_empty() {
            self.cursor = 0;
            self.offset = 0;
            return;
        }
        self.cursor = to.min(self.view.len() - 1);
        self.scroll_into_view();
    }

    pub fn scroll_into_view(&mut self) {
        let rows = self.page_rows.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + rows {
            self.offset = self.cursor + 1 - rows;
        }
        self.offset = self.offset.min(self.view.len().saturating_sub(1));
    }

    /// No filter, no search, the load order: new pages can simply be appended.
    pub fn is_default_view(&self) -> bool {
        self.search.is_none() && self.filter_parsed.is_empty() && self.sort.key == SortKey::Created
    }

    /// Recomputes the shown rows, keeping the cursor on the same file when it is still shown.
    pub fn rebuild(&mut self, lib: &mut Library) {
        let keep = self
            .focused_index()
            .and_then(|i| lib.files.get(i))
            .map(|f| f.file_id.clone());
        self.rebuild_keeping(lib, keep, self.cursor);
    }

    /// After files left the library (and the selection): the view is rebuilt from scratch.
    pub fn files_removed(&mut self, lib: &mut Library, keep: Option<String>) {
        self.view.clear();
        self.rebuild_keeping(lib, keep, self.cursor);
    }

    /// Rebuilds the view with the cursor on `keep` when it is shown, else at `fallback`.
    fn rebuild_keeping(&mut self, lib: &mut Library, keep: Option<String>, fallback: usize) {
        let hits = self
            .filter_parsed
            .prepare(lib.search_text(!self.filter_parsed.is_empty()));
        // Reuse the view's allocation: a fresh 100 000-row vector costs more than filtering.
        let mut view = std::mem::take(&mut self.view);
        view.clear();
        let (filter, search) = (&self.filter_parsed, &self.search);
        view.extend(lib.files.iter().enumerate().filter_map(|(i, f)| {
            let shown = search.as_ref().is_none_or(|s| s.ids.contains(&f.file_id))
                && filter.matches(i, f, &hits);
            shown.then_some(i)
        }));
        sort_view(&mut view, lib, self.sort);
        self.view = view;
        self.anchor = None;
        let pos = keep.and_then(|id| {
            let i = lib.position(&id)?;
            self.view.iter().position(|&v| v == i)
        });
        self.move_to(pos.unwrap_or(fallback));
    }

    /// Filters the shown files. The cursor stays on the focused file while it matches,
    /// else goes to the first match.
    pub fn set_filter(&mut self, lib: &mut Library, text: &str) {
        text.clone_into(&mut self.filter);
        self.filter_parsed = Filter::parse(text);
        let keep = self
            .focused_index()
            .and_then(|i| lib.files.get(i))
            .map(|f| f.file_id.clone());
        self.rebuild_keeping(lib, keep, 0);
    }

    /// Selects the shown rows from `lo` to `hi` (view positions); returns how many.
    pub fn select_between(&mut self, lib: &Library, lo: usize, hi: usize) -> usize {
        if self.view.is_empty() || lo >= self.view.len() {
            return 0;
        }
        let rows = &self.view[lo..=hi.min(self.view.len() - 1)];
        self.selected
            .extend(rows.iter().map(|&i| (i, &lib.files[i])));
        rows.len()
    }

    /// Selects the unselected shown rows and unselects the selected ones.
    pub fn invert(&mut self, lib: &Library) {
        for &i in &self.view {
            let f = &lib.files[i];
            if !self.selected.remove(i, f) {
                self.selected.insert(i, f);
            }
        }
    }
}

fn sort_view(view: &mut Vec<usize>, lib: &Library, sort: Sort) {
    let files = &lib.files;
    if sort.key == SortKey::Name {
        // Lowercasing in the comparator would allocate n log n times.
        let mut keyed: Vec<(String, usize)> = view
            .iter()
            .map(|&i| (files[i].name().to_lowercase(), i))
            .collect();
        keyed.sort_by(|a, b| {
            let o = a.0.cmp(&b.0);
            if sort.desc { o.reverse() } else { o }
        });
        *view = keyed.into_iter().map(|(_, i)| i).collect();
    } else if sort.key != SortKey::Created || sort.desc {
        view.sort_by(|a, b| {
            let (fa, fb) = (&files[*a], &files[*b]);
            // An unknown size (`null`) sorts after every known one, in both directions.
            if sort.key == SortKey::Size && fa.size.is_none() != fb.size.is_none() {
                return fa.size.is_none().cmp(&fb.size.is_none());
            }
            let o = match sort.key {
                SortKey::Created | SortKey::Name => fa.created_at.0.cmp(&fb.created_at.0),
                SortKey::Updated => fa.updated_at.0.cmp(&fb.updated_at.0),
                SortKey::Folder => fa.file_path.cmp(&fb.file_path),
                SortKey::Size => fa.size.cmp(&fb.size),
                SortKey::Tags => fa.tags.len().cmp(&fb.tags.len()),
            };
            if sort.desc { o.reverse() } else { o }
        });
    }
}
