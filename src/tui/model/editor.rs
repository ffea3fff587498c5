//! The tag editor's rows: the targets' tags (and staged additions) with how many targets
//! have each, then their AI tag names. The cursor moves over these rows.

use std::collections::BTreeMap;

use super::State;
use crate::tui::keymap::Command;

/// A row of the tag editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditorRow {
    /// Tag and how many of the targets have it.
    Tag(String, usize),
    Ai(String, usize),
}

impl State {
    /// The rows of the tag editor the cursor can be on: tags, then AI tag names.
    /// With a selection the counts are the selection's own (kept as it changes), so this
    /// costs O(distinct tags), not O(selected files).
    pub fn editor_rows(&self) -> Vec<EditorRow> {
        let mut tags: BTreeMap<&str, usize> = BTreeMap::new();
        let mut ai: BTreeMap<&str, usize> = BTreeMap::new();
        if self.list.selected.is_empty() {
            if let Some(f) = self.focused() {
                for t in &f.tags {
                    *tags.entry(t).or_default() += 1;
                }
                for t in &f.ai_tags {
                    *ai.entry(&t.name).or_default() += 1;
                }
            }
        } else {
            let sel = &self.list.selected;
            tags.extend(sel.tag_counts().iter().map(|(t, n)| (&**t, *n)));
            ai.extend(sel.ai_counts().iter().map(|(t, n)| (&**t, *n)));
        }
        let mut rows: Vec<EditorRow> = tags
            .into_iter()
            .map(|(t, n)| EditorRow::Tag(t.to_owned(), n))
            .collect();
        if let Some(st) = &self.staged {
            for t in &st.add {
                if !rows
                    .iter()
                    .any(|r| matches!(r, EditorRow::Tag(x, _) if x == t))
                {
                    rows.push(EditorRow::Tag(t.clone(), 0));
                }
            }
        }
        rows.extend(ai.into_iter().map(|(t, n)| EditorRow::Ai(t.to_owned(), n)));
        rows
    }
}

/// Up and down in the editor. False: not an editor movement.
pub fn moves(s: &mut State, cmd: Command) -> bool {
    match cmd {
        Command::Down => {
            let n = s.editor_rows().len();
            s.editor_cursor = (s.editor_cursor + 1).min(n.saturating_sub(1));
        }
        Command::Up => s.editor_cursor = s.editor_cursor.saturating_sub(1),
        _ => return false,
    }
    true
}
