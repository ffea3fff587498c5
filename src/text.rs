//! Display-safe text. Everything that came from a server (names, tags, error strings) is
//! untrusted: control and bidi characters are escaped before it reaches a terminal, a log,
//! the clipboard or stdout.

use std::fmt::Write as _;

/// True for characters that can rewrite or reorder what a terminal shows.
fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
        )
}

/// Escapes control and bidi characters as `\u{..}` (and `\n`, `\t`, `\r` as themselves,
/// escaped), and cuts the text at `max` characters with an ellipsis.
pub fn untrusted(s: &str, max: usize) -> String {
    let mut out = String::with_capacity(s.len().min(max + 8));
    for (n, c) in s.chars().enumerate() {
        if n >= max {
            out.push('…');
            break;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_dangerous(c) => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out
}

/// A JSON value as a person reads it: strings without quotes, arrays as `a, b`.
pub fn json_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => {
            items.iter().map(json_text).collect::<Vec<_>>().join(", ")
        }
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi_and_truncates() {
        assert_eq!(untrusted("plain tag", 100), "plain tag");
        assert_eq!(untrusted("a\u{1b}[31mred", 100), "a\\u{1b}[31mred");
        assert_eq!(
            untrusted("evil\u{202E}gpj.exe", 100),
            "evil\\u{202e}gpj.exe"
        );
        assert_eq!(untrusted("two\nlines", 100), "two\\nlines");
        assert_eq!(untrusted("abcdef", 3), "abc…");
        assert_eq!(untrusted("été", 100), "été");
    }
}

/// `n` with the noun in the right number: `1 file`, `2 files`, `0 files`. `noun` is the
/// singular; `-s` makes the plural (pass `("entry", "entries")`-style pairs to
/// [`count_irregular`] for the rest).
pub fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `count` for nouns whose plural is not `-s`.
pub fn count_irregular(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

#[cfg(test)]
mod count_tests {
    use super::*;

    #[test]
    fn one_is_singular_and_everything_else_plural() {
        assert_eq!(count(1, "file"), "1 file");
        assert_eq!(count(0, "file"), "0 files");
        assert_eq!(count(28, "change"), "28 changes");
        assert_eq!(count_irregular(1, "entry", "entries"), "1 entry");
        assert_eq!(count_irregular(3, "entry", "entries"), "3 entries");
    }
}
