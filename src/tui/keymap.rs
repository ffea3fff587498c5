//! Key bindings as data: the defaults are a table, `keymap.toml` in the config directory
//! overrides parts of it, and the help overlay and the action bar are generated from it.
//!
//! ```toml
//! [global]
//! "Q" = "quit"
//! [list]
//! "x" = "delete"     # bind another key
//! "D" = "none"       # unbind a default
//! ```
//!
//! Keys inside dialogs and prompts (Enter, Esc, Tab, arrows, typing) are fixed.

use std::collections::HashMap;
use std::path::Path;

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Everything a key can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Command {
    Help,
    Quit,
    Suspend,
    Tasks,
    Filter,
    Search,
    Sort,
    SwitchPane,
    Down,
    Up,
    PageDown,
    PageUp,
    Top,
    Bottom,
    Toggle,
    Range,
    SelectAll,
    Invert,
    Clear,
    AddTag,
    RemoveTag,
    RemoveAi,
    Edit,
    Delete,
    Apply,
    Discard,
    Retry,
    Undo,
    Cancel,
    Vocabulary,
    Copy,
    Preview,
    Profiles,
}

impl Command {
    pub const ALL: [Command; 33] = [
        Command::Help,
        Command::Quit,
        Command::Suspend,
        Command::Tasks,
        Command::Filter,
        Command::Search,
        Command::Sort,
        Command::SwitchPane,
        Command::Down,
        Command::Up,
        Command::PageDown,
        Command::PageUp,
        Command::Top,
        Command::Bottom,
        Command::Toggle,
        Command::Range,
        Command::SelectAll,
        Command::Invert,
        Command::Clear,
        Command::AddTag,
        Command::RemoveTag,
        Command::RemoveAi,
        Command::Edit,
        Command::Delete,
        Command::Apply,
        Command::Discard,
        Command::Retry,
        Command::Undo,
        Command::Cancel,
        Command::Vocabulary,
        Command::Copy,
        Command::Preview,
        Command::Profiles,
    ];

    /// The name used in `keymap.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Command::Help => "help",
            Command::Quit => "quit",
            Command::Suspend => "suspend",
            Command::Tasks => "tasks",
            Command::Filter => "filter",
            Command::Search => "search",
            Command::Sort => "sort",
            Command::SwitchPane => "switch_pane",
            Command::Down => "down",
            Command::Up => "up",
            Command::PageDown => "page_down",
            Command::PageUp => "page_up",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Toggle => "toggle_select",
            Command::Range => "range_select",
            Command::SelectAll => "select_all",
            Command::Invert => "invert_selection",
            Command::Clear => "clear",
            Command::AddTag => "add_tag",
            Command::RemoveTag => "remove_tag",
            Command::RemoveAi => "remove_ai_tags",
            Command::Edit => "edit_details",
            Command::Delete => "delete",
            Command::Apply => "apply",
            Command::Discard => "discard",
            Command::Retry => "retry_failed",
            Command::Undo => "undo",
            Command::Cancel => "cancel_job",
            Command::Vocabulary => "vocabulary",
            Command::Copy => "copy",
            Command::Preview => "preview",
            Command::Profiles => "profiles",
        }
    }

    /// What the help overlay says.
    pub fn description(self) -> &'static str {
        match self {
            Command::Help => "this help",
            Command::Quit => "quit",
            Command::Suspend => "suspend to the shell (fg resumes)",
            Command::Tasks => "task panel: jobs, per-file errors, retry, cancel",
            Command::Filter => "filter shown files: words, tag:x, ai:x, !negate",
            Command::Search => "server search (ImageKit searchQuery)",
            Command::Sort => "sort menu",
            Command::SwitchPane => "switch between file list and tag editor",
            Command::Down => "move down",
            Command::Up => "move up",
            Command::PageDown => "page down",
            Command::PageUp => "page up",
            Command::Top => "first file",
            Command::Bottom => "last file",
            Command::Toggle => "select / unselect",
            Command::Range => "range select: mark, move, press again",
            Command::SelectAll => "select all shown",
            Command::Invert => "invert selection of shown files",
            Command::Clear => "clear range, selection, then filter",
            Command::AddTag => "stage: add a tag (with completion)",
            Command::RemoveTag => "stage: remove a tag",
            Command::RemoveAi => "stage AI-tag work: remove, promote to tags, run auto-tagging",
            Command::Edit => "stage: edit description, coordinates, metadata",
            Command::Delete => "delete files (confirm with the count)",
            Command::Apply => "apply staged changes (starts jobs)",
            Command::Discard => "discard staged changes",
            Command::Retry => "retry exactly the files that failed",
            Command::Undo => "undo the last tag job",
            Command::Cancel => "cancel the running job",
            Command::Vocabulary => "tag vocabulary: counts, near-duplicates, rename, merge",
            Command::Copy => "copy id, path, name, tags or URL (OSC 52: works over SSH)",
            Command::Preview => "show or hide the focused file's thumbnail",
            Command::Profiles => "switch to another profile of the config file",
        }
    }

    /// Short label for the action bar (`None`: not shown there).
    pub fn label(self) -> Option<&'static str> {
        Some(match self {
            Command::Help => "help",
            Command::Quit => "quit",
            Command::Tasks => "tasks",
            Command::Filter => "filter",
            Command::Search => "search",
            Command::Sort => "sort",
            Command::SwitchPane => "pane",
            Command::Toggle => "select",
            Command::Range => "range",
            Command::AddTag => "add tag",
            Command::RemoveTag => "remove tag",
            Command::RemoveAi => "AI tags",
            Command::Edit => "edit",
            Command::Delete => "delete",
            Command::Apply => "apply",
            Command::Discard => "discard",
            Command::Retry => "retry failed",
            Command::Undo => "undo",
            Command::Cancel => "cancel job",
            Command::Vocabulary => "vocabulary",
            _ => return None,
        })
    }

    /// Changes the library: gone in read-only mode.
    pub fn destructive(self) -> bool {
        matches!(
            self,
            Command::AddTag
                | Command::RemoveTag
                | Command::RemoveAi
                | Command::Edit
                | Command::Delete
                | Command::Apply
                | Command::Retry
                | Command::Undo
        )
    }

    fn from_name(s: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == s)
    }
}

/// Where a binding applies. List and editor bindings win over global ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    List,
    Editor,
}

impl Context {
    fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Editor => "editor",
        }
    }
}

/// A key with its modifiers (Shift is folded into the character).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub fn from_event(k: &KeyEvent) -> Key {
        Key {
            code: match k.code {
                KeyCode::BackTab => KeyCode::BackTab,
                c => c,
            },
            ctrl: k.modifiers.contains(KeyModifiers::CONTROL),
            alt: k.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses `q`, `G`, `?`, `ctrl-a`, `alt-x`, `space`, `tab`, `enter`, `esc`, `up`, `pgdn`, `f1`…
    pub fn parse(s: &str) -> Result<Key, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = s;
        loop {
            let lower = rest.to_ascii_lowercase();
            if rest.chars().count() > 1 && lower.starts_with("ctrl-") {
                ctrl = true;
                rest = &rest[5..];
            } else if rest.chars().count() > 1 && lower.starts_with("alt-") {
                alt = true;
                rest = &rest[4..];
            } else {
                break;
            }
        }
        let code = match rest.to_ascii_lowercase().as_str() {
            "space" => KeyCode::Char(' '),
            "tab" => KeyCode::Tab,
            "backtab" | "shift-tab" => KeyCode::BackTab,
            "enter" | "return" => KeyCode::Enter,
            "esc" | "escape" => KeyCode::Esc,
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            "insert" => KeyCode::Insert,
            f if f.len() >= 2 && f.starts_with('f') && f[1..].parse::<u8>().is_ok() => {
                let n: u8 = f[1..].parse().unwrap_or(0);
                if !(1..=12).contains(&n) {
                    return Err(format!("unknown key {s:?}: function keys are f1…f12"));
                }
                KeyCode::F(n)
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_control() => {
                        // ctrl-A and ctrl-a are the same key to a terminal.
                        KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c })
                    }
                    _ => {
                        return Err(format!(
                            "unknown key {s:?}: use one character (\"x\", \"G\", \"?\"), a name (space, tab, enter, esc, up, down, left, right, pgup, pgdn, home, end, backspace, delete, f1…f12), optionally with ctrl- or alt-"
                        ));
                    }
                }
            }
        };
        Ok(Key { code, ctrl, alt })
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.ctrl {
            f.write_str("^")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) if self.ctrl => write!(f, "{}", c.to_ascii_uppercase()),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("PgUp"),
            KeyCode::PageDown => f.write_str("PgDn"),
            KeyCode::Home => f.write_str("Home"),
            KeyCode::End => f.write_str("End"),
            KeyCode::Backspace => f.write_str("backspace"),
            KeyCode::Delete => f.write_str("del"),
            KeyCode::Insert => f.write_str("ins"),
            KeyCode::F(n) => write!(f, "F{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

const DEFAULTS: &[(Context, &str, Command)] = &[
    (Context::Global, "?", Command::Help),
    (Context::Global, "f1", Command::Help),
    (Context::Global, "q", Command::Quit),
    (Context::Global, "ctrl-z", Command::Suspend),
    (Context::Global, "t", Command::Tasks),
    (Context::Global, "/", Command::Filter),
    (Context::Global, ":", Command::Search),
    (Context::Global, "s", Command::Sort),
    (Context::Global, "tab", Command::SwitchPane),
    (Context::Global, "backtab", Command::SwitchPane),
    (Context::Global, "j", Command::Down),
    (Context::Global, "down", Command::Down),
    (Context::Global, "k", Command::Up),
    (Context::Global, "up", Command::Up),
    (Context::Global, "+", Command::AddTag),
    (Context::Global, "-", Command::RemoveTag),
    (Context::Global, "A", Command::RemoveAi),
    (Context::Global, "e", Command::Edit),
    (Context::Global, "D", Command::Delete),
    (Context::Global, "w", Command::Apply),
    (Context::Global, "ctrl-s", Command::Apply),
    (Context::Global, "X", Command::Discard),
    (Context::Global, "R", Command::Retry),
    (Context::Global, "u", Command::Undo),
    (Context::Global, "c", Command::Cancel),
    (Context::Global, "T", Command::Vocabulary),
    (Context::Global, "y", Command::Copy),
    (Context::Global, "p", Command::Preview),
    (Context::Global, "P", Command::Profiles),
    (Context::Global, "esc", Command::Clear),
    (Context::List, "pgdn", Command::PageDown),
    (Context::List, "ctrl-d", Command::PageDown),
    (Context::List, "pgup", Command::PageUp),
    (Context::List, "ctrl-u", Command::PageUp),
    (Context::List, "g", Command::Top),
    (Context::List, "home", Command::Top),
    (Context::List, "G", Command::Bottom),
    (Context::List, "end", Command::Bottom),
    (Context::List, "space", Command::Toggle),
    (Context::List, "v", Command::Range),
    (Context::List, "ctrl-a", Command::SelectAll),
    (Context::List, "ctrl-r", Command::Invert),
    (Context::Editor, "d", Command::RemoveTag),
    (Context::Editor, "delete", Command::RemoveTag),
    (Context::Editor, "enter", Command::Edit),
];

/// The bindings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    bindings: HashMap<(Context, Key), Command>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = DEFAULTS
            .iter()
            .map(|(ctx, k, c)| ((*ctx, Key::parse(k).expect("default keys parse")), *c))
            .collect();
        Keymap { bindings }
    }
}

impl Keymap {
    /// The defaults with the overrides of a `keymap.toml` text applied.
    pub fn with_overrides(text: &str) -> Result<Keymap, String> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
        let mut map = Keymap::default();
        for (section, value) in table {
            let ctx = [Context::Global, Context::List, Context::Editor]
                .into_iter()
                .find(|c| c.name() == section)
                .ok_or_else(|| {
                    format!("unknown section [{section}]: use [global], [list] or [editor]")
                })?;
            let toml::Value::Table(keys) = value else {
                return Err(format!(
                    "[{section}] must be a table of \"key\" = \"command\""
                ));
            };
            for (key, command) in keys {
                let k = Key::parse(&key).map_err(|e| format!("[{section}] {e}"))?;
                let Some(name) = command.as_str() else {
                    return Err(format!("[{section}] {key:?}: the command must be a string"));
                };
                if name == "none" {
                    map.bindings.remove(&(ctx, k));
                    continue;
                }
                let c = Command::from_name(name).ok_or_else(|| {
                    format!(
                        "[{section}] {key:?} = {name:?}: unknown command; commands are none, {}",
                        Command::ALL.map(Command::name).join(", ")
                    )
                })?;
                map.bindings.insert((ctx, k), c);
            }
        }
        Ok(map)
    }

    /// Loads `keymap.toml` from `dir` if it exists; errors name the file and say what to fix.
    pub fn load(dir: &Path) -> Result<Keymap, String> {
        let path = dir.join("keymap.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Keymap::with_overrides(&text).map_err(|e| {
                format!(
                    "{}: {e}\nFix or remove the file to use the default keys.",
                    path.display()
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Keymap::default()),
            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
        }
    }

    /// The command for a key in a context (the context's own bindings first, then global).
    pub fn lookup(&self, ctx: Context, key: &KeyEvent) -> Option<Command> {
        let k = Key::from_event(key);
        self.bindings
            .get(&(ctx, k))
            .or_else(|| self.bindings.get(&(Context::Global, k)))
            .copied()
    }

    /// The keys that run `command` in `ctx` (its own and global bindings), shortest first.
    pub fn keys_for(&self, ctx: Context, command: Command) -> Vec<String> {
        let mut keys: Vec<String> = self
            .bindings
            .iter()
            .filter(|((c, _), cmd)| {
                **cmd == command && (*c == ctx || *c == Context::Global) && self.reaches(*c, ctx)
            })
            .filter(|((c, k), _)| {
                // A global key shadowed by a context binding does not run it here.
                *c == ctx || !self.bindings.contains_key(&(ctx, *k))
            })
            .map(|((_, k), _)| k.to_string())
            .collect();
        keys.sort_by_key(|k| (k.chars().count(), k.clone()));
        keys.dedup();
        keys
    }

    fn reaches(&self, binding: Context, ctx: Context) -> bool {
        binding == Context::Global || binding == ctx
    }

    /// Help rows: (keys, description) for every command reachable in `ctx`.
    pub fn help(&self, ctx: Context, read_only: bool) -> Vec<(String, &'static str)> {
        Command::ALL
            .into_iter()
            .filter(|c| !(read_only && c.destructive()))
            .filter_map(|c| {
                let keys = self.keys_for(ctx, c);
                (!keys.is_empty()).then(|| (keys.join(" "), c.description()))
            })
            .collect()
    }

    /// The first key of a command in `ctx`, for the action bar.
    pub fn first_key(&self, ctx: Context, command: Command) -> Option<String> {
        self.keys_for(ctx, command).into_iter().next()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(c: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(c, m)
    }

    #[test]
    fn defaults_cover_the_documented_keys() {
        let m = Keymap::default();
        let none = KeyModifiers::NONE;
        for (code, ctx, want) in [
            (KeyCode::Char('?'), Context::List, Command::Help),
            (KeyCode::Char('q'), Context::Editor, Command::Quit),
            (KeyCode::Char('/'), Context::List, Command::Filter),
            (KeyCode::Char(':'), Context::List, Command::Search),
            (KeyCode::Char(' '), Context::List, Command::Toggle),
            (KeyCode::Tab, Context::List, Command::SwitchPane),
            (KeyCode::Char('+'), Context::List, Command::AddTag),
            (KeyCode::Char('-'), Context::List, Command::RemoveTag),
            (KeyCode::Char('A'), Context::List, Command::RemoveAi),
            (KeyCode::Char('e'), Context::List, Command::Edit),
            (KeyCode::Char('D'), Context::List, Command::Delete),
            (KeyCode::Char('R'), Context::List, Command::Retry),
            (KeyCode::Char('u'), Context::List, Command::Undo),
            (KeyCode::Char('t'), Context::List, Command::Tasks),
            (KeyCode::Char('v'), Context::List, Command::Range),
        ] {
            assert_eq!(m.lookup(ctx, &ev(code, none)), Some(want), "{code:?}");
        }
        // Shift is folded into the character, as terminals report it.
        assert_eq!(
            m.lookup(Context::List, &ev(KeyCode::Char('G'), KeyModifiers::SHIFT)),
            Some(Command::Bottom)
        );
        assert_eq!(
            m.lookup(
                Context::List,
                &ev(KeyCode::Char('a'), KeyModifiers::CONTROL)
            ),
            Some(Command::SelectAll)
        );
    }

    #[test]
    fn overrides_rebind_unbind_and_reject_nonsense() {
        let m = Keymap::with_overrides(
            "[list]\n\"x\" = \"delete\"\n\"D\" = \"none\"\n[global]\n\"ctrl-q\" = \"quit\"\n",
        )
        .unwrap();
        let none = KeyModifiers::NONE;
        assert_eq!(
            m.lookup(Context::List, &ev(KeyCode::Char('x'), none)),
            Some(Command::Delete)
        );
        // D is unbound in the list, but still bound globally.
        assert_eq!(
            m.lookup(Context::List, &ev(KeyCode::Char('D'), none)),
            Some(Command::Delete)
        );
        assert_eq!(m.keys_for(Context::List, Command::Delete), ["D", "x"]);
        assert_eq!(
            m.lookup(
                Context::Editor,
                &ev(KeyCode::Char('q'), KeyModifiers::CONTROL)
            ),
            Some(Command::Quit)
        );
        // Untouched defaults stay.
        assert_eq!(
            m.lookup(Context::List, &ev(KeyCode::Char('j'), none)),
            Some(Command::Down)
        );
        let e = Keymap::with_overrides("[list]\n\"x\" = \"explode\"\n").unwrap_err();
        assert!(e.contains("unknown command") && e.contains("delete"), "{e}");
        let e = Keymap::with_overrides("[list]\n\"ctrl-\" = \"quit\"\n").unwrap_err();
        assert!(e.contains("unknown key"), "{e}");
        let e = Keymap::with_overrides("[lists]\n").unwrap_err();
        assert!(e.contains("[lists]"), "{e}");
        assert!(Keymap::with_overrides("[list\n").is_err());
    }

    #[test]
    fn help_is_generated_and_read_only_drops_destructive_commands() {
        let m = Keymap::default();
        let help = m.help(Context::List, false);
        assert!(help.iter().any(|(k, d)| k == "D" && d.contains("delete")));
        let ro = m.help(Context::List, true);
        assert!(!ro.iter().any(|(_, d)| d.contains("delete")));
        assert!(ro.iter().any(|(k, _)| k == "/"));
    }
}
