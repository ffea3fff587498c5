//! The tag editor: the targets' tags and AI tags with counts, their details, errors,
//! auto-tagging status and the staged diff. It scrolls to keep its cursor visible.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::widgets::block;
use crate::text::{count, elide_middle, on_screen, shown};
use crate::tui::entry::Entry;
use crate::tui::model::State;
use crate::tui::model::{AiRemoval, Badge, EditorRow, ExtState, Pane, Staged};
use crate::tui::theme::Theme;

/// What the editor is about: the targets, and the one file when there is one.
/// Nothing here walks the selection: counts come from the selection's own aggregates.
struct Subject<'a> {
    count: usize,
    single: Option<&'a Entry>,
    staged: Option<&'a Staged>,
}

pub fn render(f: &mut Frame, s: &State, t: Theme, area: Rect) {
    let count = s.target_count();
    let single = if count == 1 { s.single_target() } else { None };
    let title = match (single, count) {
        (Some(file), _) => format!(
            " {} ",
            elide_middle(
                &on_screen(file.name()),
                usize::from(area.width.saturating_sub(4))
            )
        ),
        (None, 0) => " no file ".to_owned(),
        (None, n) => format!(" {n} selected files "),
    };
    let sub = Subject {
        count,
        single,
        staged: s.staged_for_targets(),
    };
    let mut lines = head(s, t, &sub);
    let cursor_line = rows(s, t, &sub, &mut lines);
    details(s, t, &sub, &mut lines);
    staged_lines(s, t, &sub, &mut lines);
    let focused = s.focus == Pane::Editor;
    let inner = Block::bordered().inner(area);
    let scroll = if focused {
        scroll_for(&lines, cursor_line, inner.width, inner.height)
    } else {
        0
    };
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(block(t, title, focused)),
        area,
    );
}

/// The scroll (in screen rows) that keeps the cursor's line in view: the rows the lines up
/// to it take when wrapped to `width` (as the paragraph wraps them), whatever sections
/// precede the tag rows.
fn scroll_for(lines: &[Line<'static>], cursor: Option<usize>, width: u16, height: u16) -> u16 {
    let Some(cursor) = cursor else {
        return 0;
    };
    let upto = lines[..=cursor.min(lines.len().saturating_sub(1))].to_vec();
    let bottom = Paragraph::new(upto)
        .wrap(Wrap { trim: false })
        .line_count(width.max(1));
    u16::try_from(bottom.saturating_sub(usize::from(height))).unwrap_or(u16::MAX)
}

/// The path, the targets' server errors (the first few), the auto-tagging status.
fn head(s: &State, t: Theme, sub: &Subject) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(file) = sub.single {
        lines.push(Line::styled(shown(&file.file_path, 200), t.dim()));
    }
    for (id, badge) in target_errors(s) {
        let who = if sub.single.is_some() {
            String::new()
        } else {
            s.file(id)
                .map(|f| format!("{}: ", elide_middle(&on_screen(f.name()), 80)))
                .unwrap_or_default()
        };
        lines.push(Line::styled(
            format!("✗ failed: {who}{}", shown(&badge.error, 300)),
            t.failed(),
        ));
        if lines.len() > 4 {
            break;
        }
    }
    if let Some(line) = extension_line(s, t) {
        lines.push(line);
    }
    lines
}

/// The targets' error badges, the first few by id: looked up from the smaller side (the
/// badges, or the first 200 targets), never by walking a whole selection.
fn target_errors(s: &State) -> Vec<(&str, &Badge)> {
    const SHOWN: usize = 5;
    let errors = &s.queue.errors;
    let mut found: Vec<(&str, &Badge)> = if errors.len() <= 200 {
        errors
            .iter()
            .filter(|(id, _)| s.is_target(id))
            .map(|(id, b)| (id.as_str(), b))
            .collect()
    } else if s.list.selected.is_empty() {
        s.focused()
            .and_then(|f| errors.get_key_value(&f.file_id))
            .map(|(id, b)| (id.as_str(), b))
            .into_iter()
            .collect()
    } else {
        s.selected_ids()
            .take(200)
            .filter_map(|id| errors.get_key_value(id))
            .map(|(id, b)| (id.as_str(), b))
            .collect()
    };
    found.sort_unstable_by_key(|(id, _)| *id);
    found.truncate(SHOWN);
    found
}

/// The tag rows, then the AI tag rows. Returns the line the cursor is on.
fn rows(s: &State, t: Theme, sub: &Subject, lines: &mut Vec<Line<'static>>) -> Option<usize> {
    let (single, staged, m) = (sub.single, sub.staged, sub.count);
    let rows = if sub.count == 0 {
        Vec::new()
    } else {
        s.editor_rows()
    };
    let mut cursor_line = None;
    let mut ai_header = false;
    lines.push(Line::styled("tags", t.heading()));
    if !rows.iter().any(|r| matches!(r, EditorRow::Tag(..))) {
        lines.push(Line::styled("  (none)", t.dim()));
    }
    for (i, row) in rows.iter().enumerate() {
        let mut line = match row {
            EditorRow::Tag(tag, n) => {
                let (mark, style) = match staged {
                    Some(st) if st.add.contains(tag) => ("+", t.added()),
                    Some(st) if st.remove.contains(tag) => ("−", t.removed()),
                    _ => (" ", Style::new()),
                };
                let count = if m > 1 {
                    format!("  {n}/{m}")
                } else {
                    String::new()
                };
                Line::from(vec![
                    Span::styled(format!("{mark} {}", shown(tag, 60)), style),
                    Span::styled(count, t.dim()),
                ])
            }
            EditorRow::Ai(name, n) => {
                let mut out = Vec::new();
                if !ai_header {
                    ai_header = true;
                    lines.push(Line::styled("AI tags", t.heading()));
                }
                let removed = staged.is_some_and(|st| match &st.ai {
                    Some(AiRemoval::All) => true,
                    Some(AiRemoval::Names(names)) => names.contains(name),
                    Some(AiRemoval::Below(c)) => single.is_some_and(|f| {
                        f.ai_tags
                            .iter()
                            .any(|a| &a.name == name && a.confidence < *c)
                    }),
                    None => false,
                });
                let (mark, style) = if removed {
                    ("−", t.removed())
                } else {
                    (" ", Style::new())
                };
                out.push(Span::styled(format!("{mark} {}", shown(name, 40)), style));
                if let Some(file) = single {
                    if let Some(a) = file.ai_tags.iter().find(|a| &a.name == name) {
                        out.push(Span::styled(
                            format!("  {:.1}% {}", a.confidence, a.source.label()),
                            t.dim(),
                        ));
                    }
                } else {
                    out.push(Span::styled(format!("  {n}/{m}"), t.dim()));
                }
                Line::from(out)
            }
        };
        if i == s.editor_cursor {
            cursor_line = Some(lines.len());
            if s.focus == Pane::Editor {
                line = line.patch_style(t.cursor());
            }
        }
        lines.push(line);
    }
    if !ai_header && sub.count > 0 {
        lines.push(Line::styled("AI tags", t.heading()));
        lines.push(Line::styled("  (none)", t.dim()));
    }
    cursor_line
}

/// One file's coordinates, custom metadata and description.
fn details(s: &State, t: Theme, sub: &Subject, lines: &mut Vec<Line<'static>>) {
    let single = sub.single;
    if let Some(file) = single {
        lines.push(Line::styled("details", t.heading()));
        lines.push(Line::raw(format!(
            "  coordinates {}",
            file.custom_coordinates
                .as_deref()
                .map_or_else(|| "—".into(), |c| shown(c, 40))
        )));
        let meta = file.custom_metadata();
        for def in &s.lib.fields {
            if let Some(v) = meta.get(&def.name) {
                lines.push(Line::raw(format!(
                    "  {}: {}",
                    shown(&def.label, 30),
                    shown(&crate::text::json_text(v), 60)
                )));
            }
        }
        for (k, v) in &meta {
            if !s.lib.fields.iter().any(|d| &d.name == k) {
                lines.push(Line::raw(format!(
                    "  {}: {}",
                    shown(k, 30),
                    shown(&crate::text::json_text(v), 60)
                )));
            }
        }
        if let Some(d) = &file.description() {
            lines.push(Line::raw(format!("  description: {}", shown(d, 200))));
        }
    }
}

/// The staged diff for the targets (or a note that other files have changes staged), and
/// the vocabulary changes staged.
fn staged_lines(s: &State, t: Theme, sub: &Subject, lines: &mut Vec<Line<'static>>) {
    let staged = sub.staged;
    if let Some(st) = staged {
        lines.push(Line::styled(
            format!(
                "staged for {} (w apply · X discard)",
                count(st.ids.len(), "file")
            ),
            t.heading(),
        ));
        for tag in &st.add {
            lines.push(Line::styled(format!("  + {}", shown(tag, 60)), t.added()));
        }
        for tag in &st.remove {
            lines.push(Line::styled(format!("  − {}", shown(tag, 60)), t.removed()));
        }
        match &st.ai {
            Some(AiRemoval::All) => lines.push(Line::styled("  − all AI tags", t.removed())),
            Some(AiRemoval::Below(c)) => {
                lines.push(Line::styled(format!("  − AI tags below {c}%"), t.removed()));
            }
            Some(AiRemoval::Names(n)) => lines.push(Line::styled(
                format!(
                    "  − AI {}",
                    shown(&n.iter().cloned().collect::<Vec<_>>().join(", "), 80)
                ),
                t.removed(),
            )),
            None => {}
        }
        if let Some(c) = st.promote {
            lines.push(Line::styled(
                format!("  + AI tags ≥ {c}% become tags"),
                t.added(),
            ));
        }
        if let Some(p) = &st.auto_tag {
            lines.push(Line::styled(
                format!(
                    "  + auto-tag: {}, ≤ {} tags ≥ {}%",
                    p.source, p.max_tags, p.min_confidence
                ),
                t.added(),
            ));
        }
        for (k, v) in &st.details {
            detail_lines(s, k, v, t, lines);
        }
    } else if let Some(st) = s.staged.as_ref().filter(|st| !st.ids.is_empty()) {
        lines.push(Line::styled(
            format!(
                "{} staged for {} (not these)",
                count(st.count(), "change"),
                count(st.ids.len(), "other file")
            ),
            t.heading(),
        ));
    }
    if let Some(st) = s.staged.as_ref().filter(|st| !st.vocab.is_empty()) {
        lines.push(Line::styled(
            "staged in the vocabulary (w · X)",
            t.heading(),
        ));
        for (op, ids) in &st.vocab {
            let (text, style) = match op {
                crate::jobs::Operation::MergeTags { from, into } => {
                    (format!("  ⇒ {} → {into}", from.join(", ")), t.added())
                }
                crate::jobs::Operation::RemoveTags { tags } => {
                    (format!("  − {} everywhere", tags.join(", ")), t.removed())
                }
                other => (format!("  {}", other.name()), t.added()),
            };
            lines.push(Line::styled(
                format!("{} ({})", shown(&text, 80), count(ids.len(), "file")),
                style,
            ));
        }
    }
}

/// A staged details change as a person reads it: one line per custom metadata field, by
/// its label (`~ Approved: false`, `~ Usage rights: (unset)`), not the request's JSON.
fn detail_lines(
    s: &State,
    key: &str,
    v: &serde_json::Value,
    t: Theme,
    lines: &mut Vec<Line<'static>>,
) {
    let value_text = |v: &serde_json::Value| {
        if v.is_null() {
            "(unset)".to_owned()
        } else {
            shown(&crate::text::json_text(v), 80)
        }
    };
    if let ("customMetadata", serde_json::Value::Object(m)) = (key, v) {
        for (name, value) in m {
            let label = s
                .lib
                .fields
                .iter()
                .find(|f| &f.name == name)
                .map_or(name.as_str(), |f| f.label.as_str());
            lines.push(Line::styled(
                format!("  ~ {}: {}", shown(label, 40), value_text(value)),
                t.added(),
            ));
        }
        return;
    }
    let label = match key {
        "customCoordinates" => "coordinates",
        other => other,
    };
    lines.push(Line::styled(
        format!("  ~ {label}: {}", value_text(v)),
        t.added(),
    ));
}

/// "auto-tagging: …" for the targets that ran an auto-tagging job: each file's
/// `extensionStatus` as it came back (pending ones are re-read until their tags arrive).
fn extension_line(s: &State, t: Theme) -> Option<Line<'static>> {
    let (mut ok, mut pending, mut failed) = (0, 0, 0);
    let mut waiting: Option<&Vec<String>> = None;
    // From the smaller side: the files with a status, or the targets.
    let ext = &s.autotag.ext;
    let states: Box<dyn Iterator<Item = &ExtState>> = if ext.len() <= s.target_count() {
        Box::new(ext.iter().filter(|(id, _)| s.is_target(id)).map(|(_, e)| e))
    } else if s.list.selected.is_empty() {
        Box::new(s.focused().and_then(|f| ext.get(&f.file_id)).into_iter())
    } else {
        Box::new(s.selected_ids().filter_map(|id| ext.get(id)))
    };
    for e in states {
        match e {
            ExtState::Success => ok += 1,
            ExtState::Failed => failed += 1,
            ExtState::Pending { extensions, .. } => {
                pending += 1;
                waiting = Some(extensions);
            }
        }
    }
    if ok + pending + failed == 0 {
        return None;
    }
    if s.target_count() == 1 {
        let (text, style) = match (ok, waiting) {
            (1, _) => ("success: AI tags added".to_owned(), t.added()),
            (_, Some(exts)) => (
                format!("pending ({}): checking for the AI tags…", exts.join(", ")),
                t.dim(),
            ),
            _ => ("failed".to_owned(), t.failed()),
        };
        return Some(Line::styled(format!("auto-tagging: {text}"), style));
    }
    let mut parts = Vec::new();
    for (n, word) in [(ok, "success"), (pending, "pending"), (failed, "failed")] {
        if n > 0 {
            parts.push(format!("{n} {word}"));
        }
    }
    Some(Line::styled(
        format!("auto-tagging: {}", parts.join(" · ")),
        if failed > 0 { t.failed() } else { t.dim() },
    ))
}
