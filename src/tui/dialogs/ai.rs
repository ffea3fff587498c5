//! `A`: AI-tag work for the targets — remove all, remove below a confidence, promote to tags
//! at or above one, run auto-tagging, or remove chosen names. Everything is staged.

use std::collections::{BTreeMap, BTreeSet};

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::Reply;
use crate::jobs::AutoTagParams;
use crate::text::{count, shown};
use crate::tui::keymap::Command;
use crate::tui::model::State;
use crate::tui::model::staging::{AiRemoval, staged_for, staging_targets};
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{centered, dialog};

/// A row of the dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AiRow {
    RemoveAll,
    RemoveBelow,
    Promote,
    /// Run auto-tagging (the source switches on this row).
    AutoTag,
    MaxTags,
    MinConfidence,
    /// One of the targets' AI tag names (index into `names`).
    Name(usize),
}

impl AiRow {
    /// The rows above the names, in order.
    pub const FIXED: [AiRow; 6] = [
        AiRow::RemoveAll,
        AiRow::RemoveBelow,
        AiRow::Promote,
        AiRow::AutoTag,
        AiRow::MaxTags,
        AiRow::MinConfidence,
    ];

    /// The rows that start auto-tagging on Enter.
    fn auto_tags(self) -> bool {
        matches!(self, AiRow::AutoTag | AiRow::MaxTags | AiRow::MinConfidence)
    }
}

/// An AI tag name of the targets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiName {
    pub name: String,
    /// Targets that have it.
    pub files: usize,
    pub checked: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct AiDialog {
    pub names: Vec<AiName>,
    /// A row position: `AiRow::FIXED`, then the names.
    pub cursor: usize,
    pub below: String,
    pub promote: String,
    /// Auto-tagging with AWS Rekognition instead of Google Vision.
    pub aws: bool,
    pub max_tags: String,
    pub min_confidence: String,
    pub error: Option<String>,
}

const BAD_CONFIDENCE: &str = "type a confidence between 0 and 100, e.g. 50";

fn confidence(text: &str) -> Option<f64> {
    text.parse::<f64>()
        .ok()
        .filter(|c| (0.0..=100.0).contains(c))
}

impl AiDialog {
    /// For these targets; names staged for removal are checked.
    pub fn new(s: &State, ids: &[String]) -> AiDialog {
        let mut names: BTreeMap<&str, usize> = BTreeMap::new();
        for f in ids.iter().filter_map(|id| s.file(id)) {
            for t in &f.ai_tags {
                *names.entry(&t.name).or_default() += 1;
            }
        }
        let staged: BTreeSet<String> = match s.staged.as_ref().and_then(|x| x.ai.as_ref()) {
            Some(AiRemoval::Names(n)) => n.clone(),
            _ => BTreeSet::new(),
        };
        let none = names.is_empty();
        AiDialog {
            names: names
                .into_iter()
                .map(|(n, files)| AiName {
                    name: n.to_owned(),
                    files,
                    checked: staged.contains(n),
                })
                .collect(),
            // On the first name, or on "remove all" when the files have none.
            cursor: if none { 0 } else { AiRow::FIXED.len() },
            below: String::new(),
            promote: String::new(),
            aws: false,
            max_tags: AutoTagParams::MAX_TAGS_DEFAULT.to_string(),
            min_confidence: AutoTagParams::MIN_CONFIDENCE_DEFAULT.to_string(),
            error: None,
        }
    }

    /// The row under the cursor.
    pub fn row(&self) -> AiRow {
        match AiRow::FIXED.get(self.cursor) {
            Some(row) => *row,
            None => AiRow::Name(self.cursor - AiRow::FIXED.len()),
        }
    }

    fn rows(&self) -> usize {
        AiRow::FIXED.len() + self.names.len()
    }

    /// The text field under the cursor, if it is one.
    fn field(&mut self) -> Option<&mut String> {
        match self.row() {
            AiRow::RemoveBelow => Some(&mut self.below),
            AiRow::Promote => Some(&mut self.promote),
            AiRow::MaxTags => Some(&mut self.max_tags),
            AiRow::MinConfidence => Some(&mut self.min_confidence),
            _ => None,
        }
    }

    /// On a number field: characters are typed into it.
    pub fn typing(&self) -> bool {
        matches!(
            self.row(),
            AiRow::RemoveBelow | AiRow::Promote | AiRow::MaxTags | AiRow::MinConfidence
        )
    }

    pub fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        let rows = self.rows();
        let row = self.row();
        match msg {
            Msg::Cmd(Command::Close) => return Reply::close(),
            Msg::Cmd(Command::Down) => self.cursor = (self.cursor + 1) % rows,
            Msg::Cmd(Command::Up) => self.cursor = (self.cursor + rows - 1) % rows,
            Msg::Cmd(Command::Toggle) => match row {
                AiRow::Name(i) => {
                    if let Some(n) = self.names.get_mut(i) {
                        n.checked = !n.checked;
                    }
                }
                AiRow::AutoTag => self.aws = !self.aws,
                _ => {}
            },
            Msg::Cmd(Command::SwitchSource) if row == AiRow::AutoTag => self.aws = !self.aws,
            &Msg::Type(c) => {
                let fraction = matches!(row, AiRow::RemoveBelow | AiRow::Promote);
                if c.is_ascii_digit() || (c == '.' && fraction) {
                    if let Some(field) = self.field()
                        && field.len() < 8
                    {
                        field.push(c);
                    }
                    self.error = None;
                }
            }
            Msg::Cmd(Command::DeleteChar) => {
                if let Some(field) = self.field() {
                    field.pop();
                }
            }
            Msg::Cmd(Command::Accept) => return self.stage(s, row),
            _ => {}
        }
        Reply::stay()
    }

    /// Enter: stages what the row says, or shows why it cannot.
    fn stage(&mut self, s: &mut State, row: AiRow) -> Reply {
        if row.auto_tags() {
            let source = if self.aws { "aws" } else { "google" };
            match AutoTagParams::parse(source, &self.max_tags, &self.min_confidence) {
                Ok(p) => {
                    if let Some(ids) = staging_targets(s) {
                        staged_for(s, &ids).auto_tag = Some(p);
                    }
                    return Reply::close();
                }
                Err(e) => {
                    self.error = Some(e);
                    return Reply::stay();
                }
            }
        }
        if row == AiRow::Promote {
            let Some(c) = confidence(&self.promote) else {
                self.error = Some(BAD_CONFIDENCE.into());
                return Reply::stay();
            };
            if let Some(ids) = staging_targets(s) {
                staged_for(s, &ids).promote = Some(c);
            }
            return Reply::close();
        }
        let removal = match row {
            AiRow::RemoveAll => AiRemoval::All,
            AiRow::RemoveBelow => {
                if let Some(c) = confidence(&self.below) {
                    AiRemoval::Below(c)
                } else {
                    self.error = Some(BAD_CONFIDENCE.into());
                    return Reply::stay();
                }
            }
            _ => {
                let mut names: BTreeSet<String> = self
                    .names
                    .iter()
                    .filter(|n| n.checked)
                    .map(|n| n.name.clone())
                    .collect();
                if let (true, AiRow::Name(i)) = (names.is_empty(), row)
                    && let Some(n) = self.names.get(i)
                {
                    names.insert(n.name.clone());
                }
                if names.is_empty() {
                    return Reply::stay();
                }
                AiRemoval::Names(names)
            }
        };
        if let Some(ids) = staging_targets(s) {
            staged_for(s, &ids).ai = Some(removal);
        }
        Reply::close()
    }

    pub fn render(&self, f: &mut Frame, s: &State, t: Theme, area: Rect) {
        let n = s.target_count();
        let style = |row: AiRow| {
            if row == self.row() {
                t.cursor()
            } else {
                Style::new()
            }
        };
        let source = if self.aws {
            "◂ aws ▸"
        } else {
            "◂ google ▸"
        };
        // The typing cursor only in the number field under the cursor row.
        let caret = |row: AiRow| if row == self.row() { "▏" } else { "" };
        let mut lines = vec![
            Line::styled(" remove all AI tags", style(AiRow::RemoveAll)),
            Line::styled(
                format!(
                    " remove those below confidence: {}{} %",
                    shown(&self.below, 8),
                    caret(AiRow::RemoveBelow)
                ),
                style(AiRow::RemoveBelow),
            ),
            Line::styled(
                format!(
                    " promote to tags those at or above: {}{} %",
                    shown(&self.promote, 8),
                    caret(AiRow::Promote)
                ),
                style(AiRow::Promote),
            ),
            Line::styled(
                format!(" run auto-tagging with: {source}  (space switches)"),
                style(AiRow::AutoTag),
            ),
            Line::styled(
                format!(
                    "   max tags: {}{} (1-30)",
                    shown(&self.max_tags, 8),
                    caret(AiRow::MaxTags)
                ),
                style(AiRow::MaxTags),
            ),
            Line::styled(
                format!(
                    "   min confidence: {}{} %",
                    shown(&self.min_confidence, 8),
                    caret(AiRow::MinConfidence)
                ),
                style(AiRow::MinConfidence),
            ),
        ];
        if let Some(e) = &self.error {
            lines.push(Line::styled(format!("   {e}"), t.failed()));
        }
        if self.names.is_empty() {
            lines.push(Line::styled(" (these files have no AI tags)", t.dim()));
        }
        for (i, name) in self.names.iter().enumerate() {
            lines.push(Line::styled(
                format!(
                    " [{}] {}  {}/{n}",
                    if name.checked { "x" } else { " " },
                    shown(&name.name, 50),
                    name.files
                ),
                style(AiRow::Name(i)),
            ));
        }
        let h = u16::try_from(lines.len() + 2)
            .unwrap_or(u16::MAX)
            .min(area.height.saturating_sub(2));
        let title = format!(" AI tags of {} ", count(n, "file"));
        dialog(f, t, centered(area, 64, h), title, lines);
    }
}
