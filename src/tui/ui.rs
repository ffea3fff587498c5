//! Rendering: one function per pane and dialog. Rows are built for the visible window only;
//! all outside text goes through `untrusted` (escaped, cut).

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};

use super::entry::Entry;
use super::keymap::{Command, Context};
use super::preview::PreviewState;
use super::state::{
    AiDialog, AiRemoval, EditorRow, ExtState, Form, Input, InputKind, JobStatus, Mode, Pane,
    SortKey, State, VocabView,
};
use super::theme::Theme;
use crate::text::untrusted;

/// Below this the layout cannot show the panes usefully.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 20;

/// Where the panes go.
#[derive(Debug, Clone, Copy)]
pub struct Areas {
    pub header: Rect,
    pub list: Rect,
    pub editor: Rect,
    /// The preview block (empty when the preview is off), above the editor.
    pub preview: Rect,
    pub bar: Rect,
}

/// The preview block's height: a third of the body, 8 to 16 rows.
fn preview_height(body: Rect) -> u16 {
    (body.height / 3)
        .clamp(8, 16)
        .min(body.height.saturating_sub(6))
}

/// The screen's panes; `preview` splits a preview block off the top of the editor column.
pub fn areas(area: Rect, preview: bool) -> Areas {
    let [header, body, bar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(area);
    let list_share = if area.width < 110 { 66 } else { 64 };
    let [list, editor] = Layout::horizontal([
        Constraint::Percentage(list_share),
        Constraint::Percentage(100 - list_share),
    ])
    .areas(body);
    let (preview, editor) = if preview {
        let [p, e] = Layout::vertical([
            Constraint::Length(preview_height(editor)),
            Constraint::Min(3),
        ])
        .areas(editor);
        (p, e)
    } else {
        (Rect::default(), editor)
    };
    Areas {
        header,
        list,
        editor,
        preview,
        bar,
    }
}

/// Where the thumbnail goes: the preview block inside its border.
pub fn preview_inner(area: Rect) -> Rect {
    Block::bordered().inner(areas(area, true).preview)
}

/// The number of file rows the list shows for a terminal of this size.
pub fn list_rows(area: Rect) -> usize {
    usize::from(areas(area, false).list.height.saturating_sub(3))
}

pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut v = n as f64;
    let mut u = 0;
    while v >= 1024.0 && u < UNITS.len() - 1 {
        v /= 1024.0;
        u += 1;
    }
    if u == 0 {
        format!("{n} B")
    } else {
        format!("{v:.1} {}", UNITS[u])
    }
}

fn theme(s: &State) -> Theme {
    Theme { mono: s.mono }
}

pub fn render(f: &mut Frame, s: &State) {
    let area = f.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        let msg = format!(
            "Terminal too small: {}×{}. iktag needs at least {MIN_WIDTH}×{MIN_HEIGHT}.",
            area.width, area.height
        );
        f.render_widget(Paragraph::new(msg).wrap(Wrap { trim: true }), area);
        return;
    }
    let a = areas(area, s.preview_on);
    render_header(f, s, a.header);
    render_list(f, s, a.list);
    if s.preview_on {
        render_preview(f, s, a.preview);
    }
    render_editor(f, s, a.editor);
    render_bar(f, s, a.bar);
    match &s.mode {
        Mode::Normal => {}
        Mode::Input(i) => render_input(f, s, i, area),
        Mode::Help { scroll } => render_help(f, s, *scroll, area),
        Mode::Sort { cursor } => render_sort(f, s, *cursor, area),
        Mode::Ai(d) => render_ai(f, s, d, area),
        Mode::Form(form) => render_form(f, s, form, area),
        Mode::Confirm { message, .. } => render_confirm(f, s, message, area),
        Mode::Delete { ids, typed } => render_delete(f, s, ids, typed, area),
        Mode::Tasks { cursor } => render_tasks(f, s, *cursor, area),
        Mode::Vocab(v) => render_vocab(f, s, v, area),
        Mode::Copy => {}
        Mode::Profiles { cursor } => render_profiles(f, s, *cursor, area),
    }
}

/// The focused file's thumbnail, or what stands in for it.
fn render_preview(f: &mut Frame, s: &State, area: Rect) {
    let t = theme(s);
    let focused = s.focused();
    let state = focused.and_then(|file| s.previews.get(&file.file_id));
    let title = match state {
        Some(PreviewState::Ready(th)) => {
            format!(" preview · {}×{} {} ", th.width, th.height, th.format)
        }
        _ => " preview ".to_owned(),
    };
    let block = Block::bordered().title(title).border_style(t.dim());
    let inner = block.inner(area);
    f.render_widget(block, area);
    let note = |f: &mut Frame, text: String| {
        f.render_widget(
            Paragraph::new(Line::styled(text, t.dim())).wrap(Wrap { trim: true }),
            inner,
        );
    };
    match (focused, state) {
        (None, _) => note(f, "no file".into()),
        (Some(_), Some(PreviewState::Ready(th))) if th.cells == (inner.width, inner.height) => {
            f.render_widget(ratatui_image::Image::new(&th.protocol), inner);
        }
        (Some(_), Some(PreviewState::Ready(_))) => note(f, "resizing…".into()),
        (Some(_), Some(PreviewState::Unavailable(why))) => note(f, untrusted(why, 200)),
        (Some(_), _) => note(f, "loading preview…".into()),
    }
}

fn render_profiles(f: &mut Frame, s: &State, cursor: usize, area: Rect) {
    let t = theme(s);
    let mut lines = Vec::new();
    for (i, p) in s.profiles.iter().enumerate() {
        let current = s.profile.as_ref() == Some(&p.name);
        let text = format!(
            " {} {:<16} {}{}",
            if current { "▸" } else { " " },
            untrusted(&p.name, 16),
            untrusted(&p.base_url, 40),
            if p.read_only { "  read-only" } else { "" }
        );
        lines.push(Line::styled(
            text,
            if i == cursor {
                t.cursor()
            } else {
                Style::new()
            },
        ));
    }
    lines.push(Line::styled(
        " Enter switches (the library reloads) · Esc closes",
        t.dim(),
    ));
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let r = centered(area, 76, h);
    dialog(f, s, r, " profiles ".into(), lines);
}

fn render_header(f: &mut Frame, s: &State, area: Rect) {
    let t = theme(s);
    let mut spans = vec![Span::styled(" iktag ", t.heading())];
    if s.demo {
        spans.push(Span::styled(" DEMO ", t.demo()));
        spans.push(Span::raw(" "));
    }
    if let Some(p) = &s.profile {
        spans.push(Span::styled(format!(" {} ", untrusted(p, 24)), t.heading()));
    }
    if s.read_only {
        spans.push(Span::styled(" READ-ONLY ", t.demo()));
        spans.push(Span::raw(" "));
    }
    let loading = if s.loading { " (loading…)" } else { "" };
    let mut text = format!(" {} files{loading}", s.files.len());
    if s.view.len() != s.files.len() {
        text.push_str(&format!(" · {} shown", s.view.len()));
    }
    text.push_str(&format!(" · {} selected", s.selected.len()));
    text.push_str(&format!(
        " · sort {} {}",
        s.sort.key.label(),
        if s.sort.desc { "↓" } else { "↑" }
    ));
    if !s.filter.is_empty() {
        text.push_str(&format!(" · filter “{}”", untrusted(&s.filter, 30)));
    }
    if let Some((q, _)) = &s.search {
        text.push_str(&format!(" · search “{}”", untrusted(q, 40)));
    }
    spans.push(Span::raw(text));
    if let Some(e) = &s.load_error {
        spans.push(Span::styled(
            format!(" · listing failed: {}", untrusted(e, 80)),
            t.failed(),
        ));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn block(s: &State, title: String, focused: bool) -> Block<'static> {
    let b = Block::default().borders(Borders::ALL).title(title);
    if focused {
        b.border_style(theme(s).focus_border())
    } else {
        b
    }
}

fn render_list(f: &mut Frame, s: &State, area: Rect) {
    let t = theme(s);
    let rows_visible = usize::from(area.height.saturating_sub(3));
    let end = (s.offset + rows_visible).min(s.view.len());
    let range = s.anchor.map(|a| (a.min(s.cursor), a.max(s.cursor)));
    let rows: Vec<Row> = s.view[s.offset.min(end)..end]
        .iter()
        .enumerate()
        .map(|(i, &fi)| {
            let file = &s.files[fi];
            let pos = s.offset + i;
            let selected = s.selected.contains(&file.file_id);
            let failed = s.errors.contains_key(&file.file_id);
            let pending = matches!(s.ext.get(&file.file_id), Some(ExtState::Pending { .. }));
            // Readable without colour: ✗ failed, ⧗ auto-tagging pending, ● selected.
            let badge = match (failed, pending, selected) {
                (true, _, _) => Span::styled("✗", t.failed()),
                (false, true, _) => Span::styled("⧗", t.dim()),
                (false, false, true) => Span::styled("●", t.selected()),
                _ => Span::raw(" "),
            };
            let ai = file
                .ai_tags
                .iter()
                .map(|a| a.name.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let mut style = Style::new();
            if selected {
                style = style.patch(t.selected());
            }
            if range.is_some_and(|(lo, hi)| (lo..=hi).contains(&pos)) {
                style = style.patch(t.range());
            }
            if pos == s.cursor {
                style = style.patch(t.cursor());
            }
            Row::new(vec![
                Cell::from(badge),
                Cell::from(untrusted(file.name(), 80)),
                Cell::from(untrusted(file.folder(), 60)),
                Cell::from(untrusted(&file.tags.joined(), 80)),
                Cell::from(untrusted(&ai, 40)),
                Cell::from(human_size(file.size)),
                Cell::from(file.updated_at.0.format("%Y-%m-%d").to_string()),
            ])
            .style(style)
        })
        .collect();
    let title = if s.view.is_empty() {
        if s.loading {
            " files — loading… ".to_owned()
        } else if s.files.is_empty() {
            " files — the library is empty ".to_owned()
        } else {
            " files — nothing matches (esc clears the filter) ".to_owned()
        }
    } else {
        format!(" files {}/{} ", s.cursor + 1, s.view.len())
    };
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Fill(6),
            Constraint::Fill(2),
            Constraint::Fill(3),
            Constraint::Fill(2),
            Constraint::Length(9),
            Constraint::Length(10),
        ],
    )
    .header(
        Row::new(vec![
            "", "name", "folder", "tags", "AI tags", "size", "updated",
        ])
        .style(t.heading().patch(t.range())),
    )
    .block(block(s, title, s.focus == Pane::List));
    f.render_widget(table, area);
}

/// "auto-tagging: …" for the targets that ran an auto-tagging job: each file's
/// `extensionStatus` as it came back (pending ones are re-read until their tags arrive).
fn extension_line(s: &State, targets: &[String]) -> Option<Line<'static>> {
    let t = theme(s);
    let (mut ok, mut pending, mut failed) = (0, 0, 0);
    let mut waiting: Option<&Vec<String>> = None;
    for e in targets.iter().filter_map(|id| s.ext.get(id)) {
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
    if targets.len() == 1 {
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

fn render_editor(f: &mut Frame, s: &State, area: Rect) {
    let t = theme(s);
    let targets = s.targets();
    let staged = s.staged.as_ref().filter(|st| st.ids == targets);
    let mut lines: Vec<Line> = Vec::new();
    let focused_editor = s.focus == Pane::Editor;
    let single: Option<&Entry> = if targets.len() == 1 {
        s.file(&targets[0])
    } else {
        None
    };
    let title = match (single, targets.len()) {
        (Some(file), _) => format!(" {} ", untrusted(file.name(), 40)),
        (None, 0) => " no file ".to_owned(),
        (None, n) => format!(" {n} selected files "),
    };
    if let Some(file) = single {
        lines.push(Line::styled(untrusted(&file.file_path, 200), t.dim()));
    }
    // Server errors of the targets (the first few).
    for id in targets.iter().take(200) {
        if let Some((_, err)) = s.errors.get(id) {
            let who = if single.is_some() {
                String::new()
            } else {
                s.file(id)
                    .map(|f| format!("{}: ", untrusted(f.name(), 30)))
                    .unwrap_or_default()
            };
            lines.push(Line::styled(
                format!("✗ failed: {who}{}", untrusted(err, 300)),
                t.failed(),
            ));
            if lines.len() > 4 {
                break;
            }
        }
    }
    if let Some(line) = extension_line(s, &targets) {
        lines.push(line);
    }
    let m = targets.len();
    let rows = if targets.is_empty() {
        Vec::new()
    } else {
        s.editor_rows()
    };
    let mut ai_header = false;
    lines.push(Line::styled("tags", t.heading()));
    if !rows.iter().any(|r| matches!(r, EditorRow::Tag(..))) {
        lines.push(Line::styled("  (none)", t.dim()));
    }
    for (i, row) in rows.iter().enumerate() {
        let cur = focused_editor && i == s.editor_cursor;
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
                    Span::styled(format!("{mark} {}", untrusted(tag, 60)), style),
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
                out.push(Span::styled(
                    format!("{mark} {}", untrusted(name, 40)),
                    style,
                ));
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
        if cur {
            line = line.patch_style(t.cursor());
        }
        lines.push(line);
    }
    if !ai_header && !targets.is_empty() {
        lines.push(Line::styled("AI tags", t.heading()));
        lines.push(Line::styled("  (none)", t.dim()));
    }
    if let Some(file) = single {
        lines.push(Line::styled("details", t.heading()));
        lines.push(Line::raw(format!(
            "  coordinates {}",
            file.custom_coordinates
                .as_deref()
                .map(|c| untrusted(c, 40))
                .unwrap_or_else(|| "—".into())
        )));
        let meta = file.custom_metadata();
        for def in &s.fields {
            if let Some(v) = meta.get(&def.name) {
                lines.push(Line::raw(format!(
                    "  {}: {}",
                    untrusted(&def.label, 30),
                    untrusted(&crate::text::json_text(v), 60)
                )));
            }
        }
        for (k, v) in &meta {
            if !s.fields.iter().any(|d| &d.name == k) {
                lines.push(Line::raw(format!(
                    "  {}: {}",
                    untrusted(k, 30),
                    untrusted(&crate::text::json_text(v), 60)
                )));
            }
        }
        if let Some(d) = &file.description() {
            lines.push(Line::raw(format!("  description: {}", untrusted(d, 200))));
        }
    }
    if let Some(st) = staged {
        lines.push(Line::styled(
            format!("staged for {} files (w apply · X discard)", st.ids.len()),
            t.heading(),
        ));
        for tag in &st.add {
            lines.push(Line::styled(
                format!("  + {}", untrusted(tag, 60)),
                t.added(),
            ));
        }
        for tag in &st.remove {
            lines.push(Line::styled(
                format!("  − {}", untrusted(tag, 60)),
                t.removed(),
            ));
        }
        match &st.ai {
            Some(AiRemoval::All) => lines.push(Line::styled("  − all AI tags", t.removed())),
            Some(AiRemoval::Below(c)) => {
                lines.push(Line::styled(format!("  − AI tags below {c}%"), t.removed()))
            }
            Some(AiRemoval::Names(n)) => lines.push(Line::styled(
                format!(
                    "  − AI {}",
                    untrusted(&n.iter().cloned().collect::<Vec<_>>().join(", "), 80)
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
            lines.push(Line::styled(
                format!("  ~ {k}: {}", untrusted(&crate::text::json_text(v), 80)),
                t.added(),
            ));
        }
    } else if let Some(st) = s.staged.as_ref().filter(|st| !st.ids.is_empty()) {
        lines.push(Line::styled(
            format!(
                "{} changes staged for {} other files",
                st.count(),
                st.ids.len()
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
                format!("{} ({} files)", untrusted(&text, 80), ids.len()),
                style,
            ));
        }
    }
    // Keep the editor cursor visible.
    let height = usize::from(area.height.saturating_sub(2));
    let cursor_line = if focused_editor {
        s.editor_cursor + 3
    } else {
        0
    };
    let scroll = cursor_line.saturating_sub(height.saturating_sub(1));
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(scroll).unwrap_or(u16::MAX), 0))
            .block(block(s, title, focused_editor)),
        area,
    );
}

/// The key hints for the normal mode, generated from the keymap.
fn hints(s: &State) -> Vec<(String, &'static str)> {
    let ctx = s.context();
    let mut cmds = vec![];
    if s.running().is_some() {
        cmds.push(Command::Cancel);
    }
    if s.staged.is_some() {
        cmds.extend([Command::Apply, Command::Discard]);
    }
    if !s.errors.is_empty() {
        cmds.push(Command::Retry);
    }
    match ctx {
        Context::Editor => cmds.extend([
            Command::RemoveTag,
            Command::AddTag,
            Command::RemoveAi,
            Command::Edit,
            Command::SwitchPane,
        ]),
        _ => cmds.extend([
            Command::Toggle,
            Command::Range,
            Command::AddTag,
            Command::RemoveTag,
            Command::RemoveAi,
            Command::Edit,
            Command::Delete,
            Command::Filter,
            Command::Search,
            Command::Sort,
        ]),
    }
    cmds.extend([Command::Undo, Command::Tasks, Command::Help, Command::Quit]);
    cmds.into_iter()
        .filter(|c| !(s.read_only && c.destructive()))
        .filter_map(|c| {
            let key = s.keymap.first_key(ctx, c)?;
            let label = match (c, ctx) {
                (Command::RemoveTag, Context::Editor) => "toggle removal",
                _ => c.label()?,
            };
            Some((key, label))
        })
        .collect()
}

fn mode_hints(mode: &Mode) -> Option<&'static str> {
    Some(match mode {
        Mode::Normal => return None,
        Mode::Input(i) => match i.kind {
            InputKind::Filter => "type to filter · enter keep · esc restore",
            InputKind::Search => "enter search · empty enter clears · esc close",
            _ => "enter stage · tab complete · ↑↓ choose · esc cancel",
        },
        Mode::Help { .. } => "j/k scroll · any other key closes",
        Mode::Sort { .. } => "letter or enter picks · same key again reverses · esc close",
        Mode::Ai(_) => "↑↓ move · space check/switch · type numbers · enter stage · esc cancel",
        Mode::Form(_) => "↑↓/tab field · type to edit · ^U clear · enter stage · esc cancel",
        Mode::Confirm { .. } => "y confirm · any other key cancels",
        Mode::Delete { .. } => "type the count, enter · any other key cancels",
        Mode::Tasks { .. } => "↑↓ job · r retry failed · c cancel · esc close",
        Mode::Copy => "copy: i id · p path · n name · t tags · u URL · any other key cancels",
        Mode::Profiles { .. } => "↑↓ profile · enter switch · esc close",
        Mode::Vocab(_) => {
            "enter show files · space mark · n mark near-duplicates · m merge marked · r rename · D remove everywhere · s sort · esc"
        }
    })
}

fn job_line(s: &State) -> Vec<Span<'static>> {
    let t = theme(s);
    let mut spans = Vec::new();
    let shown = s
        .running()
        .or_else(|| s.jobs.iter().rev().find(|j| j.status != JobStatus::Queued));
    if let Some(j) = shown {
        let queued = s
            .jobs
            .iter()
            .filter(|x| x.status == JobStatus::Queued)
            .count();
        let mut text = match j.status {
            JobStatus::Running => format!("▶ {} {}/{}", j.title(), j.done, j.total),
            JobStatus::Cancelled => format!(
                "■ {} cancelled {}/{}",
                j.title(),
                j.done.saturating_sub(j.cancelled),
                j.total
            ),
            _ => format!("✓ {} {}/{}", j.title(), j.done, j.total),
        };
        if let Some((rate, eta)) = j.rate(s.now) {
            text.push_str(&format!(" · {rate:.0}/s"));
            if j.status == JobStatus::Running {
                text.push_str(&format!(" · ETA {}", eta_text(eta)));
            }
        }
        if queued > 0 {
            text.push_str(&format!(" · {queued} queued"));
        }
        spans.push(Span::raw(text));
        if j.failed > 0 {
            spans.push(Span::styled(format!(" · {} failed", j.failed), t.failed()));
        }
        if let (JobStatus::Running, Some(k)) = (
            j.status,
            s.keymap.first_key(Context::Global, Command::Cancel),
        ) {
            spans.push(Span::raw(format!(" · {k} cancel")));
        }
    }
    if let Some(st) = &s.staged {
        if !spans.is_empty() {
            spans.push(Span::raw(" │ "));
        }
        spans.push(Span::styled(
            format!("staged: {}", crate::tui::state::staged_label(st)),
            t.added(),
        ));
    }
    if !s.status.is_empty() {
        if !spans.is_empty() {
            spans.push(Span::raw(" │ "));
        }
        spans.push(Span::raw(untrusted(&s.status, 200)));
    }
    spans
}

fn eta_text(secs: f64) -> String {
    let secs = secs.max(0.0).round() as u64;
    if secs >= 3600 {
        format!("{}h{:02}m", secs / 3600, secs / 60 % 60)
    } else if secs >= 60 {
        format!("{}m{:02}s", secs / 60, secs % 60)
    } else {
        format!("{secs}s")
    }
}

fn render_bar(f: &mut Frame, s: &State, area: Rect) {
    let t = theme(s);
    let keys = match mode_hints(&s.mode) {
        Some(h) => Line::raw(h),
        None => {
            let mut spans = Vec::new();
            for (i, (k, label)) in hints(s).into_iter().enumerate() {
                if i > 0 {
                    spans.push(Span::raw(" · "));
                }
                spans.push(Span::styled(k, t.key()));
                spans.push(Span::raw(format!(" {label}")));
            }
            Line::from(spans)
        }
    };
    f.render_widget(Paragraph::new(vec![Line::from(job_line(s)), keys]), area);
}

fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

fn dialog(f: &mut Frame, s: &State, r: Rect, title: String, lines: Vec<Line>) {
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block(s, title, true)),
        r,
    );
}

fn render_input(f: &mut Frame, s: &State, i: &Input, area: Rect) {
    let t = theme(s);
    let n = s.targets().len();
    let title = match i.kind {
        InputKind::Filter => format!(" filter {} of {} files ", s.view.len(), s.files.len()),
        InputKind::Search if i.busy => " server search — searching… ".to_owned(),
        InputKind::Search => {
            " server search (searchQuery, e.g. tags IN [\"sale\"] AND size > 1mb) ".to_owned()
        }
        InputKind::AddTag => format!(" add a tag to {n} files "),
        InputKind::RemoveTag => format!(" remove a tag from {n} files "),
        InputKind::MergeInto => format!(
            " rename / merge {} into (enter) ",
            untrusted(&s.vocab_merge.join(", "), 50)
        ),
    };
    let mut lines = vec![Line::raw(format!("{}▏", untrusted(&i.text, 500)))];
    if let Some(e) = &i.error {
        lines.push(Line::styled(untrusted(e, 400), t.failed()));
    }
    let comps = i.completions(8);
    for (n, (tag, count)) in comps.iter().enumerate() {
        let style = if n == i.choice {
            t.cursor()
        } else {
            Style::new()
        };
        lines.push(Line::styled(
            format!("  {}  ({count})", untrusted(tag, 60)),
            style,
        ));
    }
    let h = (lines.len() as u16 + 2).max(3) + u16::from(i.error.is_some());
    let r = centered(area, 76, h);
    dialog(f, s, r, title, lines);
}

fn render_help(f: &mut Frame, s: &State, scroll: u16, area: Rect) {
    let t = theme(s);
    let mut lines = Vec::new();
    for (ctx, name) in [
        (Context::List, "file list"),
        (Context::Editor, "tag editor (tab)"),
    ] {
        lines.push(Line::styled(name, t.heading()));
        let global_only = ctx == Context::Editor;
        for (keys, desc) in s.keymap.help(ctx, s.read_only) {
            // The editor section lists only what differs from the list.
            if global_only
                && s.keymap
                    .help(Context::List, s.read_only)
                    .iter()
                    .any(|(k, d)| *k == keys && *d == desc)
            {
                continue;
            }
            lines.push(Line::from(vec![
                Span::styled(format!("  {keys:<16}"), t.key()),
                Span::raw(desc),
            ]));
        }
    }
    lines.push(Line::styled(
        "dialogs: enter confirms, esc cancels; keys can be changed in keymap.toml",
        t.dim(),
    ));
    let r = centered(area, 76, area.height.saturating_sub(2));
    let more = lines.len() > usize::from(r.height.saturating_sub(2));
    let scroll = scroll.min(
        u16::try_from(lines.len())
            .unwrap_or(u16::MAX)
            .saturating_sub(r.height.saturating_sub(2)),
    );
    let title = if more {
        " keys (j/k scroll, any other key closes) "
    } else {
        " keys (any key closes) "
    };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(lines)
            .scroll((scroll, 0))
            .block(block(s, title.into(), true)),
        r,
    );
}

fn render_sort(f: &mut Frame, s: &State, cursor: usize, area: Rect) {
    let t = theme(s);
    let lines = SortKey::ALL
        .iter()
        .enumerate()
        .map(|(i, k)| {
            let current = if *k == s.sort.key {
                if s.sort.desc { " ↓" } else { " ↑" }
            } else {
                ""
            };
            let style = if i == cursor {
                t.cursor()
            } else {
                Style::new()
            };
            Line::styled(format!(" {}  {}{current}", k.letter(), k.label()), style)
        })
        .collect();
    let r = centered(area, 30, SortKey::ALL.len() as u16 + 2);
    dialog(f, s, r, " sort by ".into(), lines);
}

fn render_ai(f: &mut Frame, s: &State, d: &AiDialog, area: Rect) {
    let t = theme(s);
    let n = s.targets().len();
    let style = |i: usize| {
        if i == d.cursor {
            t.cursor()
        } else {
            Style::new()
        }
    };
    let mut lines = vec![
        Line::styled(" remove all AI tags", style(0)),
        Line::styled(
            format!(
                " remove those below confidence: {}▏ %",
                untrusted(&d.below, 8)
            ),
            style(1),
        ),
        Line::styled(
            format!(
                " promote to tags those at or above: {}▏ %",
                untrusted(&d.promote, 8)
            ),
            style(2),
        ),
        Line::styled(
            format!(
                " run auto-tagging with: {}  (space switches)",
                if d.aws {
                    "◂ aws ▸"
                } else {
                    "◂ google ▸"
                }
            ),
            style(3),
        ),
        Line::styled(
            format!("   max tags: {}▏ (1-30)", untrusted(&d.max_tags, 8)),
            style(4),
        ),
        Line::styled(
            format!("   min confidence: {}▏ %", untrusted(&d.min_confidence, 8)),
            style(5),
        ),
    ];
    if let Some(e) = &d.error {
        lines.push(Line::styled(format!("   {e}"), t.failed()));
    }
    if d.names.is_empty() {
        lines.push(Line::styled(" (these files have no AI tags)", t.dim()));
    }
    for (i, (name, count, checked)) in d.names.iter().enumerate() {
        lines.push(Line::styled(
            format!(
                " [{}] {}  {count}/{n}",
                if *checked { "x" } else { " " },
                untrusted(name, 50)
            ),
            style(i + super::state::AI_NAMES),
        ));
    }
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let r = centered(area, 64, h);
    dialog(f, s, r, format!(" AI tags of {n} files "), lines);
}

fn render_form(f: &mut Frame, s: &State, form: &Form, area: Rect) {
    let t = theme(s);
    let mut lines = Vec::new();
    for (i, field) in form.fields.iter().enumerate() {
        let cur = i == form.cursor;
        let shown = if field.mixed && field.text.is_empty() {
            "(mixed — type to set all)".to_owned()
        } else {
            untrusted(&field.text, 300)
        };
        let style = if cur { t.cursor() } else { Style::new() };
        lines.push(Line::from(vec![
            Span::styled(format!("{:>14} ", untrusted(&field.label, 14)), t.heading()),
            Span::styled(format!("{shown}{}", if cur { "▏" } else { "" }), style),
        ]));
        if let Some(e) = &field.error {
            lines.push(Line::styled(
                format!("{:>15}✗ {}", "", untrusted(e, 200)),
                t.failed(),
            ));
        } else if cur {
            lines.push(Line::styled(
                format!("{:>15}{}", "", untrusted(&field.hint, 200)),
                t.dim(),
            ));
        }
    }
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    let r = centered(area, 90, h);
    dialog(
        f,
        s,
        r,
        format!(" edit details of {} files ", form.ids.len()),
        lines,
    );
}

fn render_confirm(f: &mut Frame, s: &State, message: &str, area: Rect) {
    let t = theme(s);
    let lines = vec![
        Line::raw(untrusted(message, 400)),
        Line::raw(""),
        Line::styled("y: yes · any other key: no (default)", t.key()),
    ];
    let r = centered(area, 70, 7);
    dialog(f, s, r, " confirm ".into(), lines);
}

fn render_delete(f: &mut Frame, s: &State, ids: &[String], typed: &str, area: Rect) {
    let t = theme(s);
    let n = ids.len();
    let mut lines = vec![Line::styled(
        format!("Delete {n} files from the library? This cannot be undone."),
        t.failed(),
    )];
    for id in ids.iter().take(5) {
        let name = s
            .file(id)
            .map(|f| untrusted(&f.file_path, 70))
            .unwrap_or_else(|| untrusted(id, 40));
        lines.push(Line::raw(format!("  {name}")));
    }
    if n > 5 {
        lines.push(Line::styled(format!("  … and {} more", n - 5), t.dim()));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!(
        "Type {n} and press enter to delete: {}▏",
        untrusted(typed, 12)
    )));
    lines.push(Line::styled(
        "[ Cancel ] is the default: esc or any other key cancels",
        t.key(),
    ));
    let r = centered(area, 78, lines.len() as u16 + 2);
    dialog(f, s, r, " delete ".into(), lines);
}

fn render_tasks(f: &mut Frame, s: &State, cursor: usize, area: Rect) {
    let t = theme(s);
    let mut lines = Vec::new();
    if s.jobs.is_empty() {
        lines.push(Line::styled("no jobs yet", t.dim()));
    }
    for (i, j) in s.jobs.iter().enumerate() {
        let state = match j.status {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Done => "done",
            JobStatus::Cancelled => "cancelled",
        };
        let rate = j
            .rate(s.now)
            .map(|(r, _)| format!(" · {r:.0}/s"))
            .unwrap_or_default();
        let style = if i == cursor {
            t.cursor()
        } else {
            Style::new()
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "#{:<3} {:<30} {:<9} {}/{} · {} ok · {} skipped · {} missing{rate}",
                    j.id,
                    untrusted(&j.title(), 30),
                    state,
                    j.done,
                    j.total,
                    j.succeeded.len(),
                    j.skipped,
                    j.missing
                ),
                style,
            ),
            Span::styled(
                if j.pending > 0 {
                    format!(" · {} pending", j.pending)
                } else {
                    String::new()
                },
                t.dim(),
            ),
            Span::styled(
                if j.failed > 0 {
                    format!(" · {} failed", j.failed)
                } else {
                    String::new()
                },
                t.failed(),
            ),
            Span::styled(
                if j.conflicts > 0 {
                    format!(" · {} changed since: left alone", j.conflicts)
                } else {
                    String::new()
                },
                t.failed(),
            ),
        ]));
    }
    if let Some(j) = s.jobs.get(cursor)
        && !j.errors.is_empty()
    {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!(
                "failed and conflicting files of #{} (r retries failed ones):",
                j.id
            ),
            t.heading(),
        ));
        for (_, name, err) in j.errors.iter().take(50) {
            lines.push(Line::from(vec![
                Span::styled("✗ ", t.failed()),
                Span::raw(format!("{}: {}", untrusted(name, 40), untrusted(err, 200))),
            ]));
        }
        if j.errors.len() > 50 {
            lines.push(Line::styled(
                format!("… and {} more", j.errors.len() - 50),
                t.dim(),
            ));
        }
    }
    let r = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(4),
    );
    dialog(f, s, r, " tasks ".into(), lines);
}

fn render_vocab(f: &mut Frame, s: &State, v: &VocabView, area: Rect) {
    let t = theme(s);
    let r = centered(
        area,
        area.width.saturating_sub(4),
        area.height.saturating_sub(2),
    );
    let height = usize::from(r.height.saturating_sub(2));
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
                Span::raw(untrusted(&row.tag, 50)),
            ];
            if !row.near.is_empty() {
                spans.push(Span::styled(
                    format!("  ≈ {}", untrusted(&row.near.join(" · "), 80)),
                    t.dim(),
                ));
            }
            let line = Line::from(spans);
            if i == v.cursor {
                line.patch_style(t.cursor())
            } else {
                line
            }
        })
        .collect();
    let title = format!(
        " tag vocabulary · {} tags · {} with near-duplicates · sorted by {} · {} marked ",
        v.rows.iter().filter(|x| !x.ai).count(),
        groups,
        if v.by_name { "name" } else { "count" },
        v.marked.len()
    );
    f.render_widget(Clear, r);
    f.render_widget(Paragraph::new(lines).block(block(s, title, true)), r);
}
