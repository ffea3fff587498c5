//! `T`: the tag vocabulary — every tag and AI tag with its file count and near-duplicate
//! spellings; show a tag's files, mark tags, rename, merge or remove everywhere (staged).

use std::collections::{BTreeSet, HashMap};

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph};

use super::{Confirm, ConfirmAction, Modal, Prompt, Reply, Transition};
use crate::jobs::Operation;
use crate::text::{shown, untrusted};
use crate::tui::keymap::Command;
use crate::tui::model::{State, files_label};
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{block, fit_spans, fit_title};

/// One row of the vocabulary view.
#[derive(Debug, Clone, PartialEq)]
pub struct VocabRow {
    pub tag: String,
    pub files: usize,
    pub ai: bool,
    /// The other spellings of this tag in the library (near-duplicates).
    pub near: Vec<String>,
}

/// The tag vocabulary view (`T`).
#[derive(Debug, Clone, PartialEq)]
pub struct VocabView {
    pub rows: Vec<VocabRow>,
    pub cursor: usize,
    pub by_name: bool,
    pub marked: BTreeSet<String>,
}

/// Rows a page key moves.
const PAGE: usize = 20;

impl VocabView {
    /// The library's vocabulary, by count (or by name).
    pub fn new(s: &State, by_name: bool) -> VocabView {
        let v = crate::vocab::Vocabulary::build(s.lib.files.iter().map(|f| {
            (
                f.tags.iter().collect(),
                f.ai_tags.iter().map(|a| a.name.as_str()).collect(),
            )
        }));
        let mut near: HashMap<&str, Vec<String>> = HashMap::new();
        for g in &v.near_duplicates {
            for t in &g.tags {
                near.insert(
                    &t.tag,
                    g.tags
                        .iter()
                        .filter(|x| x.tag != t.tag)
                        .map(|x| x.tag.clone())
                        .collect(),
                );
            }
        }
        let mut rows: Vec<VocabRow> = v
            .tags
            .iter()
            .map(|t| VocabRow {
                tag: t.tag.clone(),
                files: t.files,
                ai: false,
                near: near.get(t.tag.as_str()).cloned().unwrap_or_default(),
            })
            .chain(v.ai_tags.iter().map(|t| VocabRow {
                tag: t.tag.clone(),
                files: t.files,
                ai: true,
                near: Vec::new(),
            }))
            .collect();
        if by_name {
            rows.sort_by_key(|r| (r.ai, r.tag.to_lowercase()));
        }
        VocabView {
            rows,
            cursor: 0,
            by_name,
            marked: BTreeSet::new(),
        }
    }

    pub fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        let last = self.rows.len().saturating_sub(1);
        let row = self.rows.get(self.cursor).cloned();
        match msg {
            Msg::Cmd(Command::Close) => return Reply::close(),
            Msg::Cmd(Command::Down) => self.cursor = (self.cursor + 1).min(last),
            Msg::Cmd(Command::Up) => self.cursor = self.cursor.saturating_sub(1),
            Msg::Cmd(Command::PageDown) => self.cursor = (self.cursor + PAGE).min(last),
            Msg::Cmd(Command::PageUp) => self.cursor = self.cursor.saturating_sub(PAGE),
            Msg::Cmd(Command::Top) => self.cursor = 0,
            Msg::Cmd(Command::Bottom) => self.cursor = last,
            Msg::Cmd(Command::Sort) => {
                let marked = std::mem::take(&mut self.marked);
                *self = VocabView::new(s, !self.by_name);
                self.marked = marked;
            }
            Msg::Cmd(Command::Toggle) => {
                if let Some(r) = row.filter(|r| !r.ai)
                    && !self.marked.remove(&r.tag)
                {
                    self.marked.insert(r.tag);
                }
                self.cursor = (self.cursor + 1).min(last);
            }
            Msg::Cmd(Command::MarkNear) => {
                // Mark this tag and its near-duplicates, ready for a merge.
                if let Some(r) = row.filter(|r| !r.ai) {
                    self.marked.insert(r.tag);
                    self.marked.extend(r.near);
                }
            }
            Msg::Cmd(Command::Accept) => {
                if let Some(r) = row {
                    show_files(s, &r);
                    return Reply::close();
                }
            }
            &Msg::Cmd(c @ (Command::Rename | Command::Merge)) => return self.rename(s, c, row),
            Msg::Cmd(Command::RemoveEverywhere) => return remove_everywhere(s, row),
            _ => {}
        }
        Reply::stay()
    }

    /// `r` renames the tag under the cursor, `m` merges the marked ones (or that tag): asks
    /// for the new name over the view.
    fn rename(&self, s: &mut State, c: Command, row: Option<VocabRow>) -> Reply {
        let from: Vec<String> = if c == Command::Merge && !self.marked.is_empty() {
            self.marked.iter().cloned().collect()
        } else if let Some(r) = row.filter(|r| !r.ai) {
            vec![r.tag]
        } else {
            s.status = "AI tags cannot be renamed; promote or remove them instead".into();
            return Reply::stay();
        };
        // Suggest the most used spelling among them first.
        let mut candidates: Vec<(String, usize)> = self
            .rows
            .iter()
            .filter(|r| !r.ai && from.contains(&r.tag))
            .map(|r| (r.tag.clone(), r.files))
            .collect();
        candidates.extend(
            s.lib
                .vocabulary(None)
                .into_iter()
                .filter(|c| !from.contains(&c.0)),
        );
        Reply::to(Transition::Push(Modal::Prompt(Prompt::merge(
            from, candidates,
        ))))
    }

    pub fn render(&self, f: &mut Frame, t: Theme, area: Rect) {
        let v = self;
        // Below the header, above the bar's two rows: what the view does is reported on
        // the status line, which stays in sight.
        let r = Rect::new(
            area.x + 2.min(area.width / 2),
            area.y + 1,
            area.width.saturating_sub(4),
            area.height.saturating_sub(3),
        );
        let height = usize::from(r.height.saturating_sub(2));
        let inner = usize::from(r.width.saturating_sub(2));
        let start = v.cursor.saturating_sub(height.saturating_sub(1));
        let groups = v.rows.iter().filter(|x| !x.near.is_empty()).count();
        let lines: Vec<Line> = v
            .rows
            .iter()
            .enumerate()
            .skip(start)
            .take(height)
            .map(|(i, row)| {
                let mark = if v.marked.contains(&row.tag) {
                    "●"
                } else {
                    " "
                };
                let kind = if row.ai { "AI " } else { "   " };
                let mut spans = vec![
                    Span::styled(mark, t.selected()),
                    Span::raw(format!(" {kind}{:>7}  ", row.files)),
                    Span::raw(shown(&row.tag, inner)),
                ];
                if !row.near.is_empty() {
                    spans.push(Span::styled(
                        format!("  ≈ {}", shown(&row.near.join(" · "), inner)),
                        t.dim(),
                    ));
                }
                let line = Line::from(fit_spans(spans, inner));
                if i == v.cursor {
                    line.patch_style(t.cursor())
                } else {
                    line
                }
            })
            .collect();
        // What is cut first when the box is narrow: the near-duplicate count.
        let title = format!(
            " tag vocabulary · {} tags · {} marked · sorted by {} · {} with near-duplicates ",
            v.rows.iter().filter(|x| !x.ai).count(),
            v.marked.len(),
            if v.by_name { "name" } else { "count" },
            groups,
        );
        let title = fit_title(title, r.width);
        f.render_widget(Clear, r);
        f.render_widget(Paragraph::new(lines).block(block(t, title, true)), r);
    }
}

/// Enter: the files with this tag, through the filter.
fn show_files(s: &mut State, r: &VocabRow) {
    let term = crate::tui::filter::tag_term(&r.tag);
    let term = if r.ai {
        term.replacen("tag:", "ai:", 1)
    } else {
        term
    };
    s.list.set_filter(&mut s.lib, &term);
    s.status = format!(
        "showing the {} with {}",
        files_label(s.list.view.len()),
        untrusted(&r.tag, 40)
    );
}

/// `D`: asks over the view whether to stage removing the tag from every file.
fn remove_everywhere(s: &mut State, row: Option<VocabRow>) -> Reply {
    let Some(r) = row.filter(|r| !r.ai) else {
        s.status = "AI tags are removed with A (per file) or by confidence".into();
        return Reply::stay();
    };
    let ids = s.lib.files_with(std::slice::from_ref(&r.tag));
    let message = format!(
        "Stage removing “{}” from {} everywhere? It runs on w, and u undoes it.",
        untrusted(&r.tag, 60),
        files_label(ids.len())
    );
    let op = Operation::RemoveTags { tags: vec![r.tag] };
    let confirm = Confirm::new(message, ConfirmAction::StageVocab { op, ids });
    Reply::to(Transition::Push(Modal::Confirm(confirm)))
}
