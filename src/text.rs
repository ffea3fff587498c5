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

/// `1022.2 KB`.
pub fn human_size(n: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    #[allow(clippy::cast_precision_loss)] // a display value, one decimal
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

/// How a value the server did not give (`null` or left out) is shown: one em dash.
pub const UNKNOWN: &str = "—";

/// A file size for people (`1.2 MB`), or `—` when unknown.
pub fn size_text(n: Option<u64>) -> String {
    n.map_or_else(|| UNKNOWN.to_owned(), human_size)
}

/// `1200×800`; an unknown side is `—` (`1200×—`), both unknown is a single `—`.
pub fn dimensions_text(width: Option<u32>, height: Option<u32>) -> String {
    let side = |v: Option<u32>| v.map_or_else(|| UNKNOWN.to_owned(), |v| v.to_string());
    if width.is_none() && height.is_none() {
        UNKNOWN.to_owned()
    } else {
        format!("{}×{}", side(width), side(height))
    }
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

    #[test]
    fn unknown_sizes_and_dimensions_are_a_dash() {
        assert_eq!(size_text(None), "—");
        assert_eq!(size_text(Some(0)), "0 B");
        assert_eq!(size_text(Some(1536)), "1.5 KB");
        assert_eq!(dimensions_text(None, None), "—");
        assert_eq!(dimensions_text(Some(1200), None), "1200×—");
        assert_eq!(dimensions_text(Some(1200), Some(800)), "1200×800");
    }
}

// ---- On screen: one cell per control character, and cutting to a display width. ----

use std::borrow::Cow;
use unicode_segmentation::UnicodeSegmentation as _;
use unicode_width::UnicodeWidthStr as _;

/// What a character that must not reach the terminal is drawn as: C0 controls and DEL as
/// their Unicode control pictures (`␛`, `␇`, `␊`), C1 controls, bidi overrides and line
/// separators as `�`. `None` for everything else.
fn picture(c: char) -> Option<char> {
    match c {
        '\0'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)),
        '\u{7f}' => Some('␡'),
        '\u{2028}' | '\u{2029}' => Some('�'),
        c if is_dangerous(c) => Some('�'),
        _ => None,
    }
}

/// Untrusted text for the TUI: every control character becomes one visible cell (its
/// control picture, or `�`), bidi controls are neutralised the same way, everything else is
/// kept. Borrows when there is nothing to replace. (`untrusted` is for logs and stdout.)
pub fn on_screen(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| picture(c).is_some()) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| picture(c).unwrap_or(c)).collect())
}

/// [`on_screen`] cut with `…` to at most `max` cells: the TUI's `untrusted`.
pub fn shown(s: &str, max: usize) -> String {
    fit(&on_screen(s), max).into_owned()
}

/// Cells one grapheme takes, as the terminal draws it.
fn cells(g: &str) -> usize {
    g.width()
}

/// The display width of `s`, grapheme by grapheme (wide characters count 2).
pub fn width(s: &str) -> usize {
    s.graphemes(true).map(cells).sum()
}

/// The longest prefix of whole graphemes that takes at most `w` cells, and its width.
fn head(s: &str, w: usize) -> (&str, usize) {
    let mut used = 0;
    for (i, g) in s.grapheme_indices(true) {
        let gw = cells(g);
        if used + gw > w {
            return (&s[..i], used);
        }
        used += gw;
    }
    (s, used)
}

/// The longest suffix of whole graphemes that takes at most `w` cells, and its width.
fn tail(s: &str, w: usize) -> (&str, usize) {
    let mut used = 0;
    for (i, g) in s.grapheme_indices(true).rev() {
        let gw = cells(g);
        if used + gw > w {
            return (&s[i + g.len()..], used);
        }
        used += gw;
    }
    (s, used)
}

/// `s` cut to at most `w` cells, ending with `…` when it was cut. Never splits a grapheme
/// (a wide character that does not fit leaves its cell empty instead).
pub fn fit(s: &str, w: usize) -> Cow<'_, str> {
    if width(s) <= w {
        return Cow::Borrowed(s);
    }
    if w == 0 {
        return Cow::Borrowed("");
    }
    Cow::Owned(format!("{}…", head(s, w - 1).0))
}

/// `s` in at most `w` cells with its middle replaced by `…`: a quarter of the room for the
/// start, the rest for the end (where names differ and the extension is).
pub fn elide_middle(s: &str, w: usize) -> Cow<'_, str> {
    if width(s) <= w {
        return Cow::Borrowed(s);
    }
    if w <= 1 {
        return fit(s, w);
    }
    let room = w - 1;
    let (end, used) = tail(s, room - room / 4);
    let (start, _) = head(s, room - used);
    Cow::Owned(format!("{start}…{end}"))
}

/// A path in at most `w` cells that keeps its last part (the file name, or a folder's last
/// folder): `/products/ja…/navy-detail.png`. When even the last part does not fit, its
/// middle goes: `navy-de…ail.png`.
pub fn elide_path(path: &str, w: usize) -> Cow<'_, str> {
    if width(path) <= w {
        return Cow::Borrowed(path);
    }
    let body = path.strip_suffix('/').unwrap_or(path);
    let Some(cut) = body.rfind('/') else {
        return elide_middle(path, w);
    };
    let (dir, last) = path.split_at(cut);
    let last_w = width(last);
    if last_w < w {
        return Cow::Owned(format!("{}…{last}", head(dir, w - last_w - 1).0));
    }
    elide_middle(&last[1..], w)
}

/// `s` padded with spaces to `w` cells (cut with `…` first when it is wider).
pub fn pad(s: &str, w: usize) -> String {
    let s = fit(s, w);
    let gap = w.saturating_sub(width(&s));
    format!("{s}{:gap$}", "")
}

/// `s` broken into lines of at most `w` cells at spaces; a word longer than a line is broken
/// between graphemes. Always at least one line.
pub fn wrap(s: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in s.split(' ').filter(|x| !x.is_empty()) {
        let mut word = word;
        let mut ww = width(word);
        if used > 0 && used + 1 + ww <= w {
            line.push(' ');
            line.push_str(word);
            used += 1 + ww;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
        }
        while ww > w {
            let (part, pw) = head(word, w);
            let part = if part.is_empty() {
                // A grapheme wider than the line: it goes on a line of its own.
                word.graphemes(true).next().unwrap_or_default()
            } else {
                part
            };
            lines.push(part.to_owned());
            word = &word[part.len()..];
            ww -= pw.max(width(part));
        }
        line.push_str(word);
        used = ww;
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod screen_tests {
    use super::*;

    #[test]
    fn each_control_character_is_one_visible_cell_and_bidi_is_neutralised() {
        assert_eq!(on_screen("plain"), Cow::Borrowed("plain"));
        assert_eq!(
            on_screen("\u{1b}]0;PWNED\u{7}title.jpg"),
            "␛]0;PWNED␇title.jpg"
        );
        assert_eq!(on_screen("a\nb\tc\rd\u{7f}"), "a␊b␉c␍d␡");
        assert_eq!(on_screen("evil\u{202e}gpj.exe"), "evil�gpj.exe");
        assert_eq!(on_screen("\u{9b}31m\u{2066}x\u{2028}"), "�31m�x�");
        let shown = on_screen("\u{1b}[31mred\u{202e}\u{7}");
        assert_eq!(width(&shown), shown.chars().count(), "one cell each");
        assert!(!shown.chars().any(is_dangerous));
    }

    #[test]
    fn fit_cuts_with_an_ellipsis_and_never_inside_a_wide_character() {
        assert_eq!(fit("alpine-storm", 20), "alpine-storm");
        assert_eq!(fit("alpine-storm", 12), "alpine-storm");
        assert_eq!(fit("alpine-storm", 8), "alpine-…");
        assert_eq!(fit("alpine", 1), "…");
        assert_eq!(fit("alpine", 0), "");
        // 日本語 is 6 cells: in 4 only one wide character and the ellipsis fit (3 cells).
        assert_eq!(fit("日本語", 4), "日…");
        assert_eq!(fit("日本語", 5), "日本…");
        assert_eq!(width(&fit("日本語", 4)), 3);
        // A grapheme (e + combining acute; a ZWJ family) is kept whole.
        assert_eq!(fit("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
        assert_eq!(fit("🐍🐍🐍", 4), "🐍…");
        for w in 0..12 {
            assert!(width(&fit("a日b本c語🐍d", w)) <= w, "{w}");
        }
    }

    #[test]
    fn the_middle_goes_and_the_end_stays() {
        assert_eq!(elide_middle("short.jpg", 9), "short.jpg");
        assert_eq!(
            elide_middle("alpine-storm-shell-navy-front.jpg", 16),
            "alp…vy-front.jpg"
        );
        assert_eq!(
            width(&elide_middle("alpine-storm-shell-navy-front.jpg", 16)),
            16
        );
        assert_eq!(elide_middle("日本語日本語", 7), "日…本語");
        for w in 0..14 {
            assert!(width(&elide_middle("a日b本c語🐍d.png", w)) <= w, "{w}");
        }
    }

    #[test]
    fn a_path_keeps_its_file_name_and_loses_its_middle() {
        let p = "/products/jackets/alpine-storm-shell/alpine-storm-shell-navy-detail.png";
        assert_eq!(elide_path(p, 100), p);
        assert_eq!(
            elide_path(p, 50),
            "/products/jack…/alpine-storm-shell-navy-detail.png"
        );
        assert_eq!(width(&elide_path(p, 50)), 50);
        assert_eq!(elide_path(p, 37), "/…/alpine-storm-shell-navy-detail.png");
        // The name alone is wider: its middle goes, its end (colour, view, extension) stays.
        assert_eq!(elide_path(p, 20), "alpi…navy-detail.png");
        // A folder keeps its last folder.
        assert_eq!(
            elide_path("/products/jackets/alpine-storm-shell/", 26),
            "/prod…/alpine-storm-shell/"
        );
        assert_eq!(elide_path("/日本/語語語/写真.jpg", 12), "/…/写真.jpg");
        for w in 0..30 {
            assert!(width(&elide_path("/日本/語語語/写真🐍.jpg", w)) <= w, "{w}");
        }
    }

    #[test]
    fn pad_and_wrap_count_cells() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("日本", 5), "日本 ");
        assert_eq!(pad("abcdef", 4), "abc…");
        assert_eq!(
            wrap(
                "copy id, path, name, tags or URL (OSC 52: works over SSH)",
                24
            ),
            [
                "copy id, path, name,",
                "tags or URL (OSC 52:",
                "works over SSH)"
            ]
        );
        assert_eq!(wrap("abcdefgh", 3), ["abc", "def", "gh"]);
        assert_eq!(wrap("日本語", 3), ["日", "本", "語"]);
        assert_eq!(wrap("", 5), [""]);
    }
}
