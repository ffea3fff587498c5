//! Rendering: one function per pane. Rows are built for the visible window only.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};

use super::state::{Mode, State};
use crate::text::untrusted;

/// Below this the layout cannot show the panes usefully.
pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 20;

/// The number of list rows for a terminal of this size (header, borders, action bar).
pub fn list_rows(area: Rect) -> usize {
    usize::from(area.height.saturating_sub(5))
}

fn human_size(n: u64) -> String {
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
    let [header, body, bar] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(2),
    ])
    .areas(area);
    let list_share = if area.width < 110 { 70 } else { 62 };
    let [list, editor] = Layout::horizontal([
        Constraint::Percentage(list_share),
        Constraint::Percentage(100 - list_share),
    ])
    .areas(body);
    render_header(f, s, header);
    render_list(f, s, list);
    render_editor(f, s, editor);
    render_bar(f, s, bar);
    match &s.mode {
        Mode::Prompt { add, input } => render_prompt(f, s, *add, input, area),
        Mode::Help => render_help(f, area),
        Mode::Normal => {}
    }
}

fn render_header(f: &mut Frame, s: &State, area: Rect) {
    let mut spans = vec![Span::styled(
        " iktag ",
        Style::new().add_modifier(Modifier::BOLD),
    )];
    if s.demo {
        spans.push(Span::styled(
            " DEMO ",
            Style::new().add_modifier(Modifier::REVERSED),
        ));
    }
    let loading = if s.loading { " · loading…" } else { "" };
    spans.push(Span::raw(format!(
        " {} files{loading} · {} selected",
        s.files.len(),
        s.selected.len()
    )));
    if let Some(e) = &s.load_error {
        spans.push(Span::raw(format!(
            " · listing failed: {}",
            untrusted(e, 80)
        )));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_list(f: &mut Frame, s: &State, area: Rect) {
    let rows_visible = usize::from(area.height.saturating_sub(3));
    let end = (s.offset + rows_visible).min(s.files.len());
    let rows: Vec<Row> = s.files[s.offset.min(end)..end]
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let idx = s.offset + i;
            let selected = s.selected.contains(&file.file_id);
            // Readable without colour: ✗ failed, ● selected.
            let badge = match (s.errors.contains_key(&file.file_id), selected) {
                (true, _) => "✗",
                (false, true) => "●",
                _ => " ",
            };
            let tags = untrusted(&file.tags.join(", "), 60);
            let ai = file.ai_tags.len();
            let mut style = Style::new();
            if selected {
                style = style.add_modifier(Modifier::BOLD);
            }
            if idx == s.cursor {
                style = style.add_modifier(Modifier::REVERSED);
            }
            Row::new(vec![
                Cell::from(badge),
                Cell::from(untrusted(&file.name, 60)),
                Cell::from(untrusted(file.folder(), 40)),
                Cell::from(tags),
                Cell::from(if ai == 0 {
                    String::new()
                } else {
                    ai.to_string()
                }),
                Cell::from(human_size(file.size)),
                Cell::from(file.updated_at.0.format("%Y-%m-%d").to_string()),
            ])
            .style(style)
        })
        .collect();
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Fill(4),
            Constraint::Fill(2),
            Constraint::Fill(3),
            Constraint::Length(2),
            Constraint::Length(9),
            Constraint::Length(10),
        ],
    )
    .header(
        Row::new(vec!["", "name", "folder", "tags", "AI", "size", "updated"])
            .style(Style::new().add_modifier(Modifier::UNDERLINED)),
    )
    .block(Block::default().borders(Borders::ALL).title(" files "));
    f.render_widget(table, area);
}

fn render_editor(f: &mut Frame, s: &State, area: Rect) {
    let mut lines: Vec<Line> = Vec::new();
    let title;
    if s.selected.len() > 1 {
        title = format!(" {} selected files ", s.selected.len());
        let chosen: Vec<&crate::model::FileDetails> = s
            .files
            .iter()
            .filter(|f| s.selected.contains(&f.file_id))
            .collect();
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for file in &chosen {
            for t in &file.tags {
                *counts.entry(t.as_str()).or_default() += 1;
            }
        }
        lines.push(Line::styled(
            "tags",
            Style::new().add_modifier(Modifier::BOLD),
        ));
        for (t, n) in counts {
            lines.push(Line::raw(format!(
                "  {}  {n}/{}",
                untrusted(t, 40),
                chosen.len()
            )));
        }
    } else if let Some(file) = s.focused() {
        title = format!(" {} ", untrusted(&file.name, 40));
        lines.push(Line::raw(untrusted(&file.file_path, 200)));
        if let Some(err) = s.errors.get(&file.file_id) {
            lines.push(Line::styled(
                format!("✗ failed: {}", untrusted(err, 200)),
                Style::new().add_modifier(Modifier::BOLD),
            ));
        }
        lines.push(Line::styled(
            "tags",
            Style::new().add_modifier(Modifier::BOLD),
        ));
        if file.tags.is_empty() {
            lines.push(Line::raw("  (none)"));
        }
        for t in &file.tags {
            lines.push(Line::raw(format!("  {}", untrusted(t, 60))));
        }
        lines.push(Line::styled(
            "AI tags",
            Style::new().add_modifier(Modifier::BOLD),
        ));
        if file.ai_tags.is_empty() {
            lines.push(Line::raw("  (none)"));
        }
        for t in &file.ai_tags {
            let source = if t.source.starts_with("google") {
                "google"
            } else {
                "aws"
            };
            lines.push(Line::raw(format!(
                "  {} {:.1}% {source}",
                untrusted(&t.name, 40),
                t.confidence
            )));
        }
        if let Some(c) = &file.custom_coordinates {
            lines.push(Line::raw(format!("coordinates {}", untrusted(c, 40))));
        }
        for (k, v) in &file.custom_metadata {
            lines.push(Line::raw(format!(
                "{}: {}",
                untrusted(k, 30),
                untrusted(&v.to_string(), 60)
            )));
        }
    } else {
        title = " no file ".into();
    }
    f.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(Block::default().borders(Borders::ALL).title(title)),
        area,
    );
}

fn render_bar(f: &mut Frame, s: &State, area: Rect) {
    let keys = if s.read_only {
        "↑↓ move · space select · ^A all · esc clear · ? help · q quit · read-only"
    } else {
        "↑↓ move · space select · ^A all · + add tag · - remove tag · R retry · ? help · q quit"
    };
    let job = match &s.job {
        Some(j) if j.running => format!("{}: {}/{} · {} failed", j.name, j.done, j.total, j.failed),
        Some(j) if j.failed > 0 => format!(
            "{}: done · {} failed — R retry failed · {}",
            j.name, j.failed, s.status
        ),
        Some(j) => format!("{}: done · {}", j.name, s.status),
        None => s.status.clone(),
    };
    f.render_widget(Paragraph::new(vec![Line::raw(job), Line::raw(keys)]), area);
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

fn render_prompt(f: &mut Frame, s: &State, add: bool, input: &str, area: Rect) {
    let r = centered(area, 60, 3);
    let n = s.targets().len();
    let title = if add {
        format!(" add a tag to {n} files (enter, esc) ")
    } else {
        format!(" remove a tag from {n} files (enter, esc) ")
    };
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(format!("{}▏", untrusted(input, 200)))
            .block(Block::default().borders(Borders::ALL).title(title)),
        r,
    );
}

fn render_help(f: &mut Frame, area: Rect) {
    let r = centered(area, 56, 14);
    let text = [
        "↑/↓ j/k      move",
        "PgUp/PgDn    page (also ^u / ^d)",
        "g/G          first / last",
        "space        select / unselect",
        "^A  esc      select all / clear",
        "+   -        add / remove a tag on the selection",
        "R            retry the files that failed",
        "?            this help",
        "q  ^C        quit",
    ];
    f.render_widget(Clear, r);
    f.render_widget(
        Paragraph::new(text.iter().map(|l| Line::raw(*l)).collect::<Vec<_>>()).block(
            Block::default()
                .borders(Borders::ALL)
                .title(" keys (any key closes) "),
        ),
        r,
    );
}
