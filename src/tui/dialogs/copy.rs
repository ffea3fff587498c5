//! `y`: which value of the targets to put on the clipboard (OSC 52).

use super::Reply;
use crate::tui::keymap::Command;
use crate::tui::model::State;
use crate::tui::msg::{Effect, Msg};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CopyMenu;

/// A copy key copies and closes; any other key closes.
pub fn handle(s: &mut State, msg: &Msg) -> Reply {
    let Msg::Cmd(cmd) = msg else {
        return Reply::close();
    };
    let ids = s.targets();
    let files: Vec<_> = ids.iter().filter_map(|id| s.file(id)).collect();
    let (what, text): (&str, Vec<String>) = match cmd {
        Command::CopyIds => ("id", files.iter().map(|f| f.file_id.clone()).collect()),
        Command::CopyPaths => (
            "path",
            files.iter().map(|f| f.file_path.to_string()).collect(),
        ),
        Command::CopyNames => ("name", files.iter().map(|f| f.name().to_owned()).collect()),
        Command::CopyTags => ("tag list", files.iter().map(|f| f.tags.joined()).collect()),
        Command::CopyUrls => {
            s.status = format!(
                "fetching the URLs of {} to copy…",
                crate::text::count(ids.len(), "file")
            );
            return Reply::close().with(vec![Effect::CopyUrls(ids)]);
        }
        _ => return Reply::close(),
    };
    s.status = format!(
        "copied {} to the clipboard (OSC 52)",
        crate::text::count(text.len(), what)
    );
    Reply::close().with(vec![Effect::Copy(text.join("\n"))])
}
