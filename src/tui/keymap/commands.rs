//! Everything a key can be bound to, with the name `keymap.toml` uses and what the help says.
//! One table: the parser, the help overlay, the action bar and the dialog hints read it.

/// A command. The views and dialogs receive these, never raw keys.
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
    Reload,
    Problems,
    /// Problems view: stage the fix of the group under the cursor.
    FixProblem,
    // Inside dialogs.
    /// Enter: do what the dialog is for.
    Accept,
    /// Esc: close the dialog without doing anything.
    Close,
    /// `y` in a confirmation.
    Yes,
    /// Tab in a prompt: take the highlighted completion.
    Complete,
    DeleteChar,
    ClearLine,
    DeleteWord,
    /// The auto-tagging source (google / aws).
    SwitchSource,
    /// Vocabulary view: mark a tag and its near-duplicates.
    MarkNear,
    Rename,
    Merge,
    RemoveEverywhere,
    SortCreated,
    SortUpdated,
    SortName,
    SortFolder,
    SortSize,
    SortTags,
    CopyIds,
    CopyPaths,
    CopyNames,
    CopyTags,
    CopyUrls,
}

struct Info {
    cmd: Command,
    name: &'static str,
    description: &'static str,
}

const fn info(cmd: Command, name: &'static str, description: &'static str) -> Info {
    Info {
        cmd,
        name,
        description,
    }
}

/// Every command, in the order the help lists them.
const TABLE: &[Info] = &[
    info(Command::Help, "help", "this help"),
    info(Command::Quit, "quit", "quit"),
    info(
        Command::Suspend,
        "suspend",
        "suspend to the shell (fg resumes)",
    ),
    info(
        Command::Tasks,
        "tasks",
        "task panel: jobs, per-file errors, retry, cancel",
    ),
    info(
        Command::Filter,
        "filter",
        "filter shown files: words, tag:x, ai:x, !negate",
    ),
    info(
        Command::Search,
        "search",
        "server search (ImageKit searchQuery)",
    ),
    info(Command::Sort, "sort", "sort menu"),
    info(
        Command::SwitchPane,
        "switch_pane",
        "switch between file list and tag editor",
    ),
    info(Command::Down, "down", "move down"),
    info(Command::Up, "up", "move up"),
    info(Command::PageDown, "page_down", "page down"),
    info(Command::PageUp, "page_up", "page up"),
    info(Command::Top, "top", "first file"),
    info(Command::Bottom, "bottom", "last file"),
    info(Command::Toggle, "toggle_select", "select / unselect"),
    info(
        Command::Range,
        "range_select",
        "range select: mark, move, press again",
    ),
    info(Command::SelectAll, "select_all", "select all shown"),
    info(
        Command::Invert,
        "invert_selection",
        "invert selection of shown files",
    ),
    info(
        Command::Clear,
        "clear",
        "clear range, selection, then filter",
    ),
    info(
        Command::AddTag,
        "add_tag",
        "stage: add a tag (with completion)",
    ),
    info(Command::RemoveTag, "remove_tag", "stage: remove a tag"),
    info(
        Command::RemoveAi,
        "remove_ai_tags",
        "stage AI-tag work: remove, promote to tags, run auto-tagging",
    ),
    info(
        Command::Edit,
        "edit_details",
        "stage: edit description, coordinates, metadata",
    ),
    info(
        Command::Delete,
        "delete",
        "delete files (confirm with the count)",
    ),
    info(
        Command::Apply,
        "apply",
        "apply staged changes (starts jobs)",
    ),
    info(Command::Discard, "discard", "discard staged changes"),
    info(
        Command::Retry,
        "retry_failed",
        "retry exactly the files that failed",
    ),
    info(Command::Undo, "undo", "undo the last tag job"),
    info(Command::Cancel, "cancel_job", "cancel the running job"),
    info(
        Command::Vocabulary,
        "vocabulary",
        "tag vocabulary: counts, near-duplicates, rename, merge",
    ),
    info(
        Command::Copy,
        "copy",
        "copy id, path, name, tags or URL (OSC 52: works over SSH)",
    ),
    info(
        Command::Preview,
        "preview",
        "show or hide the focused file's thumbnail",
    ),
    info(
        Command::Profiles,
        "profiles",
        "switch to another profile of the config file",
    ),
    info(
        Command::Problems,
        "problems",
        "tag rules: violations by rule; Enter shows the files, f stages a fix",
    ),
    info(
        Command::FixProblem,
        "fix_problem",
        "stage the fix of the problem under the cursor",
    ),
    info(
        Command::Reload,
        "reload",
        "load the library again from the server",
    ),
    info(
        Command::Accept,
        "accept",
        "do it (pick, stage, switch, show)",
    ),
    info(Command::Close, "close", "close without doing anything"),
    info(Command::Yes, "yes", "yes, do it"),
    info(
        Command::Complete,
        "complete",
        "take the highlighted completion",
    ),
    info(
        Command::DeleteChar,
        "delete_char",
        "delete the last character",
    ),
    info(Command::ClearLine, "clear_line", "clear the field"),
    info(Command::DeleteWord, "delete_word", "delete the last word"),
    info(
        Command::SwitchSource,
        "switch_source",
        "switch the auto-tagging source",
    ),
    info(
        Command::MarkNear,
        "mark_near",
        "mark the tag and its near-duplicates",
    ),
    info(Command::Rename, "rename", "rename the tag (staged)"),
    info(
        Command::Merge,
        "merge",
        "merge the marked tags into one (staged)",
    ),
    info(
        Command::RemoveEverywhere,
        "remove_everywhere",
        "remove the tag from every file (staged)",
    ),
    info(Command::SortCreated, "sort_created", "sort by created"),
    info(Command::SortUpdated, "sort_updated", "sort by updated"),
    info(Command::SortName, "sort_name", "sort by name"),
    info(Command::SortFolder, "sort_folder", "sort by folder"),
    info(Command::SortSize, "sort_size", "sort by size"),
    info(Command::SortTags, "sort_tags", "sort by number of tags"),
    info(Command::CopyIds, "copy_ids", "copy the file ids"),
    info(Command::CopyPaths, "copy_paths", "copy the paths"),
    info(Command::CopyNames, "copy_names", "copy the names"),
    info(Command::CopyTags, "copy_tags", "copy the tag lists"),
    info(
        Command::CopyUrls,
        "copy_urls",
        "copy the URLs (fetched first)",
    ),
];

impl Command {
    fn info(self) -> &'static Info {
        TABLE.iter().find(|i| i.cmd == self).unwrap_or(&TABLE[0])
    }

    /// Every command, in help order.
    pub fn all() -> impl Iterator<Item = Command> {
        TABLE.iter().map(|i| i.cmd)
    }

    /// The name used in `keymap.toml`.
    pub fn name(self) -> &'static str {
        self.info().name
    }

    /// What the help overlay says.
    pub fn description(self) -> &'static str {
        self.info().description
    }

    pub(super) fn from_name(s: &str) -> Option<Command> {
        TABLE.iter().find(|i| i.name == s).map(|i| i.cmd)
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

    /// Changes the library: refused in read-only mode, wherever the key is pressed (the one
    /// read-only check; the help and the hints leave these out there).
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
                | Command::Rename
                | Command::Merge
                | Command::RemoveEverywhere
                | Command::FixProblem
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_has_one_unique_name() {
        let names: Vec<&str> = Command::all().map(Command::name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(names.len(), unique.len());
        for c in Command::all() {
            assert_eq!(Command::from_name(c.name()), Some(c));
        }
    }
}
