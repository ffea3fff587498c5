//! `e`: the details form — description, custom coordinates and the library's custom metadata
//! fields, checked like the server checks them, staged on Enter.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use serde_json::{Map, Value};

use super::Reply;
use crate::model::{CustomMetadataField, FieldType};
use crate::text::{count, elide_middle, on_screen, shown, width};
use crate::tui::entry::Entry;
use crate::tui::keymap::Command;
use crate::tui::model::State;
use crate::tui::model::staging::staged_for;
use crate::tui::msg::Msg;
use crate::tui::theme::Theme;
use crate::tui::view::widgets::{centered, dialog, dialog_height};

#[derive(Debug, Clone, PartialEq)]
pub enum FieldTarget {
    Description,
    Coordinates,
    Metadata(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FormField {
    pub label: String,
    pub target: FieldTarget,
    pub kind: Option<FieldType>,
    /// What may be typed (type, options, bounds).
    pub hint: String,
    pub original: String,
    /// The selection has different values.
    pub mixed: bool,
    pub text: String,
    pub error: Option<String>,
}

/// The detail editor (`e`).
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub ids: Vec<String>,
    pub fields: Vec<FormField>,
    pub cursor: usize,
}

impl Form {
    pub fn handle(&mut self, s: &mut State, msg: &Msg) -> Reply {
        let n = self.fields.len();
        match msg {
            Msg::Cmd(Command::Close) => return Reply::close(),
            Msg::Cmd(Command::Down) => self.cursor = (self.cursor + 1) % n,
            Msg::Cmd(Command::Up) => self.cursor = (self.cursor + n - 1) % n,
            Msg::Cmd(Command::DeleteChar) => {
                self.fields[self.cursor].text.pop();
            }
            Msg::Cmd(Command::ClearLine) => self.fields[self.cursor].text.clear(),
            &Msg::Type(c) => {
                let field = &mut self.fields[self.cursor];
                if field.text.chars().count() < 2000 {
                    field.text.push(c);
                }
                field.error = None;
            }
            Msg::Paste(line) => self.fields[self.cursor].text.push_str(line),
            Msg::Cmd(Command::Accept) if save_form(s, self) => return Reply::close(),
            _ => {}
        }
        Reply::stay()
    }

    pub fn render(&self, f: &mut Frame, t: Theme, area: Rect) {
        const WIDTH: u16 = 90;
        // Labels take what the longest needs, up to two fifths of the box (then lose their middle).
        let inner = usize::from(WIDTH.min(area.width).saturating_sub(2));
        let label_w = self
            .fields
            .iter()
            .map(|x| width(&on_screen(&x.label)))
            .max()
            .unwrap_or(0)
            .clamp(11, (inner * 2 / 5).max(11));
        let indent = " ".repeat(label_w + 1);
        let mut lines = Vec::new();
        for (i, field) in self.fields.iter().enumerate() {
            let cur = i == self.cursor;
            let value = if field.mixed && field.text.is_empty() {
                "(mixed — type to set all)".to_owned()
            } else {
                shown(&field.text, 300)
            };
            let style = if cur { t.cursor() } else { Style::new() };
            let label = elide_middle(&on_screen(&field.label), label_w).into_owned();
            let gap = " ".repeat(label_w.saturating_sub(width(&label)));
            lines.push(Line::from(vec![
                Span::styled(format!("{gap}{label} "), t.heading()),
                Span::styled(format!("{value}{}", if cur { "▏" } else { "" }), style),
            ]));
            if let Some(e) = &field.error {
                lines.push(Line::styled(
                    format!("{indent}✗ {}", shown(e, 1000)),
                    t.failed(),
                ));
            } else if cur {
                lines.push(Line::styled(
                    format!("{indent}{}", shown(&field.hint, 1000)),
                    t.dim(),
                ));
            }
        }
        let h = dialog_height(&lines, WIDTH.min(area.width)).min(area.height.saturating_sub(2));
        let r = centered(area, WIDTH, h);
        dialog(
            f,
            t,
            r,
            format!(" edit details of {} ", count(self.ids.len(), "file")),
            lines,
        );
    }
}

fn common_value(values: impl Iterator<Item = String>) -> (String, bool) {
    let mut first: Option<String> = None;
    for v in values {
        match &first {
            None => first = Some(v),
            Some(f) if *f != v => return (String::new(), true),
            Some(_) => {}
        }
    }
    (first.unwrap_or_default(), false)
}

fn metadata_text(v: Option<&Value>) -> String {
    v.map(crate::text::json_text).unwrap_or_default()
}

fn field_hint(f: &CustomMetadataField) -> String {
    let sc = &f.schema;
    let opts = sc
        .select_options
        .as_ref()
        .map(|o| {
            o.iter()
                .map(|v| metadata_text(Some(v)))
                .collect::<Vec<_>>()
                .join(" | ")
        })
        .unwrap_or_default();
    match sc.kind {
        FieldType::Text | FieldType::Textarea => "text".into(),
        FieldType::Number => match (&sc.min_value, &sc.max_value) {
            (Some(a), Some(b)) => format!("number {a}–{b}"),
            _ => "number".into(),
        },
        FieldType::Date => "date YYYY-MM-DD".into(),
        FieldType::Boolean => "true | false".into(),
        FieldType::SingleSelect => format!("one of {opts}"),
        FieldType::MultiSelect => format!("comma-separated: {opts}"),
    }
}

pub fn new_form(s: &State, ids: Vec<String>) -> Form {
    let files: Vec<&Entry> = ids.iter().filter_map(|id| s.file(id)).collect();
    let mut fields = Vec::new();
    let (desc, mixed) = common_value(files.iter().map(|f| f.description().unwrap_or_default()));
    fields.push(FormField {
        label: "description".into(),
        target: FieldTarget::Description,
        kind: None,
        hint: "text".into(),
        original: desc.clone(),
        mixed,
        text: desc,
        error: None,
    });
    let (coords, mixed) = common_value(files.iter().map(|f| {
        f.custom_coordinates
            .as_deref()
            .unwrap_or_default()
            .to_owned()
    }));
    fields.push(FormField {
        label: "coordinates".into(),
        target: FieldTarget::Coordinates,
        kind: None,
        hint: "x,y,width,height (empty clears)".into(),
        original: coords.clone(),
        mixed,
        text: coords,
        error: None,
    });
    let metas: Vec<Map<String, Value>> = files.iter().map(|f| f.custom_metadata()).collect();
    for def in &s.lib.fields {
        let (v, mixed) = common_value(metas.iter().map(|m| metadata_text(m.get(&def.name))));
        fields.push(FormField {
            label: def.label.clone(),
            target: FieldTarget::Metadata(def.name.clone()),
            kind: Some(def.schema.kind),
            hint: field_hint(def),
            original: v.clone(),
            mixed,
            text: v,
            error: None,
        });
    }
    Form {
        ids,
        fields,
        cursor: 0,
    }
}

/// Turns typed text into a metadata value of the field's type, checked like the server does.
fn metadata_value(def: &CustomMetadataField, text: &str) -> Result<Value, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(Value::Null);
    }
    let option = |item: &str| -> Value {
        def.schema
            .select_options
            .as_ref()
            .and_then(|o| o.iter().find(|v| metadata_text(Some(v)) == item).cloned())
            .unwrap_or_else(|| Value::String(item.to_owned()))
    };
    let v = match def.schema.kind {
        FieldType::Text | FieldType::Textarea | FieldType::Date => Value::String(t.to_owned()),
        FieldType::Number => {
            let n: f64 = t.parse().map_err(|_| format!("{t:?} is not a number"))?;
            serde_json::Number::from_f64(n)
                .map(Value::Number)
                .ok_or_else(|| format!("{t:?} is not a finite number"))?
        }
        FieldType::Boolean => match t.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Value::Bool(true),
            "false" | "no" | "n" | "0" => Value::Bool(false),
            _ => return Err("type true or false".into()),
        },
        FieldType::SingleSelect => option(t),
        FieldType::MultiSelect => Value::Array(
            t.split(',')
                .map(str::trim)
                .filter(|x| !x.is_empty())
                .map(option)
                .collect(),
        ),
    };
    crate::model::check_field_value(&def.schema, &v)?;
    Ok(v)
}

/// Validates the form and stages its changed fields. False (with errors on the fields) when
/// something is invalid.
fn save_form(s: &mut State, f: &mut Form) -> bool {
    let mut body = Map::new();
    let mut meta = Map::new();
    let mut ok = true;
    for field in &mut f.fields {
        field.error = None;
        let changed = if field.mixed {
            !field.text.is_empty()
        } else {
            field.text != field.original
        };
        if !changed {
            continue;
        }
        match &field.target {
            FieldTarget::Description => {
                body.insert("description".into(), Value::String(field.text.clone()));
            }
            FieldTarget::Coordinates => {
                let t = field.text.trim();
                if t.is_empty() {
                    body.insert("customCoordinates".into(), Value::Null);
                    continue;
                }
                let mut norm = None;
                for file in f.ids.iter().filter_map(|id| s.file(id)) {
                    match crate::model::parse_coordinates(t, file.width, file.height) {
                        Ok(n) => norm = Some(n),
                        Err(e) => {
                            field.error = Some(format!("{}: {e}", file.name()));
                            ok = false;
                            break;
                        }
                    }
                }
                if let Some(n) = norm
                    && field.error.is_none()
                {
                    body.insert("customCoordinates".into(), Value::String(n));
                }
            }
            FieldTarget::Metadata(name) => {
                let Some(def) = s.lib.fields.iter().find(|d| &d.name == name) else {
                    continue;
                };
                match metadata_value(def, &field.text) {
                    Ok(v) => {
                        meta.insert(name.clone(), v);
                    }
                    Err(e) => {
                        field.error = Some(e);
                        ok = false;
                    }
                }
            }
        }
    }
    if !ok {
        if let Some(i) = f.fields.iter().position(|x| x.error.is_some()) {
            f.cursor = i;
        }
        return false;
    }
    if !meta.is_empty() {
        body.insert("customMetadata".into(), Value::Object(meta));
    }
    if body.is_empty() {
        s.status = "no detail changed".into();
        return true;
    }
    let ids = f.ids.clone();
    let st = staged_for(s, &ids);
    for (k, v) in body {
        if k == "customMetadata"
            && let (Some(Value::Object(old)), Value::Object(new)) = (st.details.get_mut(&k), &v)
        {
            old.extend(new.clone());
            continue;
        }
        st.details.insert(k, v);
    }
    true
}
