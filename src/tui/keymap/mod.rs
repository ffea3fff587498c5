//! Key bindings as data: the defaults are a table, `keymap.toml` in the config directory
//! overrides parts of it, and the help overlay, the action bar and the dialog hints are
//! generated from it.
//!
//! ```toml
//! [global]
//! "Q" = "quit"
//! [list]
//! "x" = "delete"     # bind another key
//! "D" = "none"       # unbind a default
//! [vocabulary]
//! "M" = "merge"      # dialogs have their own sections
//! [confirm]
//! "enter" = "yes"
//! ```
//!
//! In prompts and fields, printable characters are typed; only keys such as Enter, Esc, Tab,
//! arrows and Ctrl- combinations are looked up there.

mod commands;
mod defaults;
mod key;

use std::collections::HashMap;
use std::path::Path;

use ratatui::crossterm::event::KeyEvent;

pub use self::commands::Command;
pub use self::key::Key;
pub use super::error::KeymapError;

/// Where a binding applies: the two panes (whose bindings win over global ones) and one
/// context per dialog (its own bindings only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Context {
    Global,
    List,
    Editor,
    Help,
    Prompt,
    Sort,
    Ai,
    Form,
    Confirm,
    Delete,
    Tasks,
    Vocabulary,
    Problems,
    Copy,
    Profiles,
}

impl Context {
    pub const ALL: [Context; 15] = [
        Context::Global,
        Context::List,
        Context::Editor,
        Context::Help,
        Context::Prompt,
        Context::Sort,
        Context::Ai,
        Context::Form,
        Context::Confirm,
        Context::Delete,
        Context::Tasks,
        Context::Vocabulary,
        Context::Problems,
        Context::Copy,
        Context::Profiles,
    ];

    /// The section name in `keymap.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Context::Global => "global",
            Context::List => "list",
            Context::Editor => "editor",
            Context::Help => "help",
            Context::Prompt => "prompt",
            Context::Sort => "sort",
            Context::Ai => "ai",
            Context::Form => "form",
            Context::Confirm => "confirm",
            Context::Delete => "delete",
            Context::Tasks => "tasks",
            Context::Vocabulary => "vocabulary",
            Context::Problems => "problems",
            Context::Copy => "copy",
            Context::Profiles => "profiles",
        }
    }

    /// What the help overlay calls it.
    pub fn title(self) -> &'static str {
        match self {
            Context::Global | Context::List => "file list",
            Context::Editor => "tag editor (tab)",
            Context::Help => "this help",
            Context::Prompt => "prompts (filter, search, tags)",
            Context::Sort => "sort menu",
            Context::Ai => "AI-tag dialog",
            Context::Form => "details form",
            Context::Confirm => "confirmations",
            Context::Delete => "delete dialog",
            Context::Tasks => "task panel",
            Context::Vocabulary => "tag vocabulary",
            Context::Problems => "problems view (tag rules)",
            Context::Copy => "copy menu",
            Context::Profiles => "profiles",
        }
    }

    /// A pane: global bindings apply here too.
    fn is_pane(self) -> bool {
        matches!(self, Context::Global | Context::List | Context::Editor)
    }
}

/// The bindings in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Keymap {
    /// `None`: unbound here on purpose (`"none"`), which hides a global binding of the key
    /// in a pane.
    bindings: HashMap<(Context, Key), Option<Command>>,
    /// The keys shown for each command where it runs, in display order: worked out once
    /// when the bindings change, read on every frame (bar, hints, help).
    shown: HashMap<(Context, Command), Vec<String>>,
}

impl Default for Keymap {
    fn default() -> Self {
        let bindings = defaults::DEFAULTS
            .iter()
            .filter_map(|(ctx, k, c)| Some(((*ctx, Key::parse(k).ok()?), Some(*c))))
            .collect();
        let mut map = Keymap {
            bindings,
            shown: HashMap::new(),
        };
        map.index();
        map
    }
}

impl Keymap {
    /// The defaults with the overrides of a `keymap.toml` text applied.
    pub fn with_overrides(text: &str) -> Result<Keymap, KeymapError> {
        let table: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| KeymapError::Invalid(e.to_string()))?;
        let mut map = Keymap::default();
        for (section, value) in table {
            let ctx = Context::ALL
                .into_iter()
                .find(|c| c.name() == section)
                .ok_or_else(|| {
                    let names: Vec<String> = Context::ALL
                        .iter()
                        .map(|c| format!("[{}]", c.name()))
                        .collect();
                    KeymapError::Invalid(format!(
                        "unknown section [{section}]: use {}",
                        names.join(", ")
                    ))
                })?;
            let toml::Value::Table(keys) = value else {
                return Err(KeymapError::Invalid(format!(
                    "[{section}] must be a table of \"key\" = \"command\""
                )));
            };
            for (key, command) in keys {
                map.bind(ctx, &section, &key, &command)?;
            }
        }
        map.index();
        Ok(map)
    }

    fn bind(
        &mut self,
        ctx: Context,
        section: &str,
        key: &str,
        command: &toml::Value,
    ) -> Result<(), KeymapError> {
        let k = Key::parse(key).map_err(|e| KeymapError::Invalid(format!("[{section}] {e}")))?;
        let Some(name) = command.as_str() else {
            return Err(KeymapError::Invalid(format!(
                "[{section}] {key:?}: the command must be a string"
            )));
        };
        if name == "none" {
            // In a pane, the key stays unbound even where `[global]` binds it.
            if ctx == Context::Global {
                self.bindings.remove(&(ctx, k));
            } else {
                self.bindings.insert((ctx, k), None);
            }
            return Ok(());
        }
        let c = Command::from_name(name).ok_or_else(|| {
            let names: Vec<&str> = Command::all().map(Command::name).collect();
            KeymapError::Invalid(format!(
                "[{section}] {key:?} = {name:?}: unknown command; commands are none, {}",
                names.join(", ")
            ))
        })?;
        self.bindings.insert((ctx, k), Some(c));
        Ok(())
    }

    /// Loads `keymap.toml` from `dir` if it exists; errors name the file and say what to fix.
    pub fn load(dir: &Path) -> Result<Keymap, KeymapError> {
        let path = dir.join("keymap.toml");
        match std::fs::read_to_string(&path) {
            Ok(text) => Keymap::with_overrides(&text).map_err(|e| KeymapError::InFile {
                path,
                message: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Keymap::default()),
            Err(source) => Err(KeymapError::Read { path, source }),
        }
    }

    /// The command for a key in a context: a pane's own bindings (an unbinding included),
    /// then global ones; a dialog's own bindings only.
    pub fn lookup(&self, ctx: Context, key: &KeyEvent) -> Option<Command> {
        let k = Key::from_event(key);
        let own = self.bindings.get(&(ctx, k));
        if ctx.is_pane() {
            own.or_else(|| self.bindings.get(&(Context::Global, k)))
                .copied()
                .flatten()
        } else {
            own.copied().flatten()
        }
    }

    /// The keys that run `command` in `ctx`, in display order.
    pub fn keys_for(&self, ctx: Context, command: Command) -> &[String] {
        self.shown.get(&(ctx, command)).map_or(&[], Vec::as_slice)
    }

    /// Works out `shown` from the bindings.
    fn index(&mut self) {
        self.shown.clear();
        for ctx in Context::ALL {
            for ((c, k), cmd) in &self.bindings {
                let Some(cmd) = cmd else { continue };
                // A pane also runs global keys, unless it binds (or unbinds) the key itself.
                let reaches = *c == ctx
                    || (ctx.is_pane()
                        && *c == Context::Global
                        && !self.bindings.contains_key(&(ctx, *k)));
                if reaches {
                    self.shown
                        .entry((ctx, *cmd))
                        .or_default()
                        .push(k.to_string());
                }
            }
        }
        // Arrows and esc first (they need no learning), then the shortest, lowercase first.
        let known = |k: &str| ["↑", "↓", "←", "→", "esc"].contains(&k);
        for keys in self.shown.values_mut() {
            keys.sort_by_key(|k| {
                let upper = k.chars().any(char::is_uppercase);
                (!known(k), k.chars().count(), upper, k.clone())
            });
            keys.dedup();
        }
    }

    /// Help rows: (keys, description) for every command reachable in `ctx`.
    pub fn help(&self, ctx: Context, read_only: bool) -> Vec<(String, &'static str)> {
        Command::all()
            .filter(|c| !(read_only && c.destructive()))
            .filter_map(|c| {
                let keys = self.keys_for(ctx, c);
                (!keys.is_empty()).then(|| (keys.join(" "), c.description()))
            })
            .collect()
    }

    /// The first key of a command in `ctx`, for the action bar and the dialog hints.
    pub fn first_key(&self, ctx: Context, command: Command) -> Option<String> {
        self.keys_for(ctx, command).first().cloned()
    }

    /// A hint line for a context: `key label` for each command that has a key there (and is
    /// allowed), joined with ` · `.
    pub fn hint(&self, ctx: Context, items: &[(Command, &str)], read_only: bool) -> String {
        items
            .iter()
            .filter(|(c, _)| !(read_only && c.destructive()))
            .filter_map(|(c, label)| Some(format!("{} {label}", self.first_key(ctx, *c)?)))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};

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
        // D is unbound in the list, which hides its global binding there (and in help);
        // the editor still has it.
        assert_eq!(m.lookup(Context::List, &ev(KeyCode::Char('D'), none)), None);
        assert_eq!(m.keys_for(Context::List, Command::Delete), ["x"]);
        assert_eq!(
            m.lookup(Context::Editor, &ev(KeyCode::Char('D'), none)),
            Some(Command::Delete)
        );
        let help = m.help(Context::List, false);
        assert!(
            help.iter()
                .any(|(k, d)| k == "x" && d.starts_with("delete")),
            "{help:?}"
        );
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
        let e = Keymap::with_overrides("[list]\n\"x\" = \"explode\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown command") && e.contains("delete"), "{e}");
        let e = Keymap::with_overrides("[list]\n\"ctrl-\" = \"quit\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown key"), "{e}");
        let e = Keymap::with_overrides("[lists]\n").unwrap_err().to_string();
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
    #[test]
    fn dialog_keys_are_their_own_and_remappable() {
        let none = KeyModifiers::NONE;
        let m = Keymap::default();
        // A dialog does not fall back to the global keys.
        assert_eq!(
            m.lookup(Context::Confirm, &ev(KeyCode::Char('q'), none)),
            None
        );
        assert_eq!(
            m.lookup(Context::Vocabulary, &ev(KeyCode::Char('m'), none)),
            Some(Command::Merge)
        );
        let m = Keymap::with_overrides(
            "[vocabulary]\n\"M\" = \"merge\"\n\"m\" = \"none\"\n[confirm]\n\"enter\" = \"yes\"\n",
        )
        .unwrap();
        assert_eq!(
            m.lookup(Context::Vocabulary, &ev(KeyCode::Char('M'), none)),
            Some(Command::Merge)
        );
        assert_eq!(
            m.lookup(Context::Vocabulary, &ev(KeyCode::Char('m'), none)),
            None
        );
        assert_eq!(
            m.lookup(Context::Confirm, &ev(KeyCode::Enter, none)),
            Some(Command::Yes)
        );
        assert_eq!(
            m.hint(Context::Vocabulary, &[(Command::Merge, "merge")], false),
            "M merge"
        );
        assert_eq!(
            m.hint(Context::Vocabulary, &[(Command::Merge, "merge")], true),
            ""
        );
    }
}
