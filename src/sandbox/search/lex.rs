//! The lexer: characters to tokens with their spans.

use super::SearchError;

#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tok {
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Cmp(Cmp),
    /// A double-quoted string, unescaped.
    Str(String),
    /// A bare token: identifier, keyword, number, boolean, date, relative date.
    Word(String),
    Eof,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cmp {
    Eq,
    Colon,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A token and its span `[pos, end)` in characters.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Token {
    pub(super) tok: Tok,
    pub(super) pos: usize,
    pub(super) end: usize,
}

/// Characters that end a bare token.
fn is_special(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')' | '[' | ']' | ',' | '=' | '<' | '>' | ':' | '"' | '!'
        )
}

pub(super) fn lex(chars: &[char]) -> Result<Vec<Token>, SearchError> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let start = i;
        let next = chars.get(i + 1).copied();
        let (tok, len) = match c {
            '(' => (Tok::LParen, 1),
            ')' => (Tok::RParen, 1),
            '[' => (Tok::LBracket, 1),
            ']' => (Tok::RBracket, 1),
            ',' => (Tok::Comma, 1),
            '=' => (Tok::Cmp(Cmp::Eq), 1),
            ':' => (Tok::Cmp(Cmp::Colon), 1),
            '<' if next == Some('=') => (Tok::Cmp(Cmp::Le), 2),
            '<' => (Tok::Cmp(Cmp::Lt), 1),
            '>' if next == Some('=') => (Tok::Cmp(Cmp::Ge), 2),
            '>' => (Tok::Cmp(Cmp::Gt), 1),
            '!' if next == Some('=') => {
                return Err(SearchError::new(format!(
                    "'!=' at position {start} is not supported; use 'NOT ='"
                )));
            }
            '\'' => {
                return Err(SearchError::new(format!(
                    "single quotes are not supported (at position {start}); put strings in double quotes"
                )));
            }
            '"' => {
                let (s, end) = lex_string(chars, start)?;
                out.push(Token {
                    tok: Tok::Str(s),
                    pos: start,
                    end,
                });
                i = end;
                continue;
            }
            _ if is_special(c) => {
                return Err(SearchError::new(format!(
                    "unexpected character '{c}' at position {start}"
                )));
            }
            _ => {
                // A bare token. A ':' inside a token that starts with a digit and sits
                // between digits belongs to a time (`2020-01-01T10:20:30`).
                let numeric = c.is_ascii_digit();
                let mut j = i;
                let mut word = String::new();
                while let Some(&d) = chars.get(j) {
                    let time_colon = d == ':'
                        && numeric
                        && j > start
                        && chars.get(j - 1).is_some_and(char::is_ascii_digit)
                        && chars.get(j + 1).is_some_and(char::is_ascii_digit);
                    if is_special(d) && !time_colon {
                        break;
                    }
                    word.push(d);
                    j += 1;
                }
                (Tok::Word(word), j - start)
            }
        };
        out.push(Token {
            tok,
            pos: start,
            end: start + len,
        });
        i = start + len;
    }
    Ok(out)
}

/// Lexes a double-quoted string starting at `start` (the quote); returns the
/// unescaped text and the index just past the closing quote.
fn lex_string(chars: &[char], start: usize) -> Result<(String, usize), SearchError> {
    let mut s = String::new();
    let mut i = start + 1;
    loop {
        match chars.get(i) {
            None => {
                return Err(SearchError::new(format!(
                    "unterminated string starting at position {start}"
                )));
            }
            Some('"') => return Ok((s, i + 1)),
            Some('\\') => match chars.get(i + 1) {
                Some(&e @ ('"' | '\\')) => {
                    s.push(e);
                    i += 2;
                }
                None => {
                    return Err(SearchError::new(format!(
                        "unterminated string starting at position {start}"
                    )));
                }
                Some(other) => {
                    return Err(SearchError::new(format!(
                        "invalid escape '\\{other}' at position {i} in the string starting at position {start} (only \\\" and \\\\ are allowed)"
                    )));
                }
            },
            Some(&c) => {
                s.push(c);
                i += 1;
            }
        }
    }
}
