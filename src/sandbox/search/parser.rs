//! The recursive-descent parser: tokens to conditions.

use super::ast::{Cond, Node};
use super::compile::compile;
use super::fields::{
    BUILTIN_FIELDS, CUSTOM_PREFIX, EMBEDDED_PREFIX, Field, Op, did_you_mean, known_fields, op_list,
    strip_prefix_ci,
};
use super::lex::{Cmp, Tok, Token};
use super::{MAX_DEPTH, MAX_LIST_LEN, PResult, SearchError};

const OPERATORS: &str = "=, :, <, <=, >, >=, IN, NOT IN, NOT =, HAS, EXISTS, NOT EXISTS";
/// Longest piece of the query quoted back in an error message, in characters.
const MAX_QUOTED_CHARS: usize = 40;

/// Parses the tokens of a whole query into its root node.
pub(super) fn parse_tokens(chars: &[char], toks: Vec<Token>) -> PResult<Node> {
    let mut parser = Parser {
        chars,
        eof: Token {
            tok: Tok::Eof,
            pos: chars.len(),
            end: chars.len(),
        },
        toks,
        i: 0,
        depth: 0,
    };
    let root = parser.parse_or(Ctx::Start)?;
    let t = parser.peek();
    match &t.tok {
        Tok::Eof => Ok(root),
        Tok::RParen => Err(SearchError::new(format!(
            "unbalanced parenthesis: ')' at position {} has no matching '('",
            t.pos
        ))),
        _ => Err(SearchError::new(format!(
            "expected 'AND' or 'OR' at position {}, found {}{}",
            t.pos,
            parser.describe(t),
            Parser::combinator_hint(t)
        ))),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kw {
    And,
    Or,
    Not,
    In,
    Has,
    Exists,
}

fn keyword(t: &Tok) -> Option<Kw> {
    let Tok::Word(w) = t else { return None };
    [
        ("AND", Kw::And),
        ("OR", Kw::Or),
        ("NOT", Kw::Not),
        ("IN", Kw::In),
        ("HAS", Kw::Has),
        ("EXISTS", Kw::Exists),
    ]
    .into_iter()
    .find(|(k, _)| w.eq_ignore_ascii_case(k))
    .map(|(_, kw)| kw)
}

/// What came before the condition being parsed, for messages.
#[derive(Debug, Clone, Copy)]
enum Ctx {
    Start,
    After(&'static str),
}

/// A value as parsed, before it is interpreted for a field.
#[derive(Debug, Clone)]
pub(super) struct RawVal {
    pub(super) kind: RawKind,
    /// Unescaped text (numbers, booleans and bare tokens as written).
    pub(super) text: String,
    pub(super) pos: usize,
    /// As written, shortened, for messages.
    pub(super) shown: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum RawKind {
    Str,
    Num(f64),
    Bool(bool),
    Bare,
}

struct Parser<'s> {
    chars: &'s [char],
    toks: Vec<Token>,
    eof: Token,
    i: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> &Token {
        self.toks.get(self.i).unwrap_or(&self.eof)
    }

    fn bump(&mut self) -> Token {
        let t = self.peek().clone();
        if self.i < self.toks.len() {
            self.i += 1;
        }
        t
    }

    /// The token's source text, quoted and shortened, or "end of query".
    fn describe(&self, t: &Token) -> String {
        if t.tok == Tok::Eof {
            return "end of query".to_owned();
        }
        let src = self.source(t);
        if matches!(t.tok, Tok::Str(_)) {
            src
        } else {
            format!("'{src}'")
        }
    }

    fn source(&self, t: &Token) -> String {
        let span = self.chars.get(t.pos..t.end).unwrap_or_default();
        let mut s: String = span.iter().take(MAX_QUOTED_CHARS).collect();
        if span.len() > MAX_QUOTED_CHARS {
            s.push('…');
        }
        s
    }

    fn combinator_hint(t: &Token) -> &'static str {
        match &t.tok {
            Tok::Word(w) if w == "&&" || w == "||" => " (use AND / OR)",
            Tok::Word(_) | Tok::Str(_) => " (conditions must be joined with AND or OR)",
            _ => "",
        }
    }

    fn parse_or(&mut self, ctx: Ctx) -> PResult<Node> {
        let mut items = vec![self.parse_and(ctx)?];
        while keyword(&self.peek().tok) == Some(Kw::Or) {
            self.bump();
            items.push(self.parse_and(Ctx::After("'OR'"))?);
        }
        Ok(collapse(items, Node::Or))
    }

    fn parse_and(&mut self, ctx: Ctx) -> PResult<Node> {
        let mut items = vec![self.parse_primary(ctx)?];
        while keyword(&self.peek().tok) == Some(Kw::And) {
            self.bump();
            items.push(self.parse_primary(Ctx::After("'AND'"))?);
        }
        Ok(collapse(items, Node::And))
    }

    fn parse_primary(&mut self, ctx: Ctx) -> PResult<Node> {
        let t = self.peek().clone();
        let expected = match ctx {
            Ctx::Start => "expected a field name or '('".to_owned(),
            Ctx::After(what) => format!("expected a condition after {what}"),
        };
        match &t.tok {
            Tok::LParen => {
                self.bump();
                if self.depth >= MAX_DEPTH {
                    return Err(SearchError::new(format!(
                        "too deeply nested: more than {MAX_DEPTH} levels of parentheses at position {}",
                        t.pos
                    )));
                }
                self.depth += 1;
                let inner = self.parse_or(Ctx::After("'('"))?;
                self.depth -= 1;
                let close = self.peek().clone();
                match close.tok {
                    Tok::RParen => {
                        self.bump();
                        Ok(inner)
                    }
                    Tok::Eof => Err(SearchError::new(format!(
                        "unbalanced parenthesis: '(' at position {} is never closed",
                        t.pos
                    ))),
                    _ => Err(SearchError::new(format!(
                        "expected 'AND', 'OR' or ')' at position {}, found {}{}",
                        close.pos,
                        self.describe(&close),
                        Self::combinator_hint(&close)
                    ))),
                }
            }
            Tok::Eof => Err(SearchError::new(format!(
                "{expected} at position {}, found end of query",
                t.pos
            ))),
            Tok::Word(_) if keyword(&t.tok).is_some() => {
                let hint = if keyword(&t.tok) == Some(Kw::Not) {
                    " (NOT goes after the field name: tags NOT IN [\"a\"], name NOT = \"b\", tags NOT EXISTS)"
                } else {
                    ""
                };
                Err(SearchError::new(format!(
                    "unexpected {} at position {} ({expected}){hint}",
                    self.describe(&t),
                    t.pos
                )))
            }
            Tok::Word(_) | Tok::Str(_) => self.parse_condition(),
            Tok::RParen if self.depth == 0 => Err(SearchError::new(format!(
                "unbalanced parenthesis: ')' at position {} has no matching '('",
                t.pos
            ))),
            _ => Err(SearchError::new(format!(
                "unexpected {} at position {} ({expected})",
                self.describe(&t),
                t.pos
            ))),
        }
    }

    fn parse_condition(&mut self) -> PResult<Node> {
        let ft = self.bump();
        let field = self.resolve_field(&ft)?;
        let label = field.label();
        let (op, op_pos) = self.parse_op(&label, &ft)?;
        if !field.ops().contains(&op) {
            return Err(SearchError::new(format!(
                "operator '{}' is not supported for field '{label}' at position {op_pos} (supported: {})",
                op.as_str(),
                op_list(field.ops())
            )));
        }
        let values = self.parse_values(op)?;
        let pred = compile(&field, &label, op, ft.pos, op_pos, values)?;
        Ok(Node::Cond(Box::new(Cond {
            negate: op.is_negated(),
            pred,
        })))
    }

    fn resolve_field(&self, t: &Token) -> PResult<Field> {
        let name = match &t.tok {
            Tok::Word(w) | Tok::Str(w) => w.as_str(),
            _ => "",
        };
        if let Some((_, f)) = BUILTIN_FIELDS
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            return Ok(f.clone());
        }
        for (prefix, custom) in [(CUSTOM_PREFIX, true), (EMBEDDED_PREFIX, false)] {
            if let Some(key) = strip_prefix_ci(name, prefix) {
                if key.is_empty() {
                    return Err(SearchError::new(format!(
                        "missing field name after '{prefix}' at position {}",
                        t.pos
                    )));
                }
                return Ok(if custom {
                    Field::Custom(key.to_owned())
                } else {
                    Field::Embedded(key.to_owned())
                });
            }
        }
        let hint = did_you_mean(
            name,
            BUILTIN_FIELDS
                .iter()
                .map(|(n, _)| *n)
                .chain(["customMetadata", "embeddedMetadata"]),
        );
        let shown = self.source(t);
        let shown = shown.trim_matches('"');
        Err(SearchError::new(format!(
            "unknown field '{shown}' at position {}{hint} (known fields: {})",
            t.pos,
            known_fields()
        )))
    }

    fn parse_op(&mut self, label: &str, field_tok: &Token) -> PResult<(Op, usize)> {
        let t = self.bump();
        let op = match &t.tok {
            Tok::Cmp(c) => match c {
                Cmp::Eq => Op::Eq,
                Cmp::Colon => Op::Prefix,
                Cmp::Lt => Op::Lt,
                Cmp::Le => Op::Le,
                Cmp::Gt => Op::Gt,
                Cmp::Ge => Op::Ge,
            },
            tok => match keyword(tok) {
                Some(Kw::In) => Op::In,
                Some(Kw::Has) => Op::Has,
                Some(Kw::Exists) => Op::Exists,
                Some(Kw::Not) => {
                    let n = self.bump();
                    match (&n.tok, keyword(&n.tok)) {
                        (Tok::Cmp(Cmp::Eq), _) => Op::NotEq,
                        (_, Some(Kw::In)) => Op::NotIn,
                        (_, Some(Kw::Exists)) => Op::NotExists,
                        _ => {
                            return Err(SearchError::new(format!(
                                "expected '=', 'IN' or 'EXISTS' after 'NOT' at position {}, found {}",
                                n.pos,
                                self.describe(&n)
                            )));
                        }
                    }
                }
                _ => {
                    let quoted_hint = if matches!(field_tok.tok, Tok::Str(_)) {
                        " (a quoted string here is read as a field name)"
                    } else {
                        ""
                    };
                    return Err(SearchError::new(format!(
                        "expected an operator after '{label}' at position {}, found {} (operators: {OPERATORS}){quoted_hint}",
                        t.pos,
                        self.describe(&t)
                    )));
                }
            },
        };
        Ok((op, t.pos))
    }

    fn parse_values(&mut self, op: Op) -> PResult<Vec<RawVal>> {
        match op {
            Op::Exists | Op::NotExists => Ok(Vec::new()),
            Op::In | Op::NotIn => {
                let open = self.bump();
                if open.tok != Tok::LBracket {
                    return Err(SearchError::new(format!(
                        "expected '[' after '{}' at position {}, found {} ({} takes a list like [\"a\", \"b\"])",
                        op.as_str(),
                        open.pos,
                        self.describe(&open),
                        op.as_str()
                    )));
                }
                if self.peek().tok == Tok::RBracket {
                    return Err(SearchError::new(format!(
                        "the list at position {} is empty; '{}' needs at least one value",
                        open.pos,
                        op.as_str()
                    )));
                }
                let mut values = Vec::new();
                let mut after = "'['";
                loop {
                    if values.len() >= MAX_LIST_LEN {
                        return Err(SearchError::new(format!(
                            "too many values in the list at position {} (the maximum is {MAX_LIST_LEN})",
                            open.pos
                        )));
                    }
                    values.push(self.parse_scalar(after, Some(open.pos))?);
                    let sep = self.bump();
                    match sep.tok {
                        Tok::Comma => after = "','",
                        Tok::RBracket => return Ok(values),
                        Tok::Eof => {
                            return Err(SearchError::new(format!(
                                "unterminated list: '[' at position {} is never closed",
                                open.pos
                            )));
                        }
                        _ => {
                            return Err(SearchError::new(format!(
                                "expected ',' or ']' at position {}, found {}",
                                sep.pos,
                                self.describe(&sep)
                            )));
                        }
                    }
                }
            }
            _ => {
                if self.peek().tok == Tok::LBracket {
                    let t = self.peek();
                    return Err(SearchError::new(format!(
                        "'{}' takes a single value, found a list at position {}; use IN [...] to match any of several values",
                        op.as_str(),
                        t.pos
                    )));
                }
                let after = match op {
                    Op::Eq => "'='",
                    Op::NotEq => "'NOT ='",
                    Op::Prefix => "':'",
                    Op::Lt => "'<'",
                    Op::Le => "'<='",
                    Op::Gt => "'>'",
                    Op::Ge => "'>='",
                    _ => "'HAS'",
                };
                Ok(vec![self.parse_scalar(after, None)?])
            }
        }
    }

    fn parse_scalar(&mut self, after: &str, list_open: Option<usize>) -> PResult<RawVal> {
        let t = self.peek().clone();
        let shown = self.source(&t);
        let kind = match &t.tok {
            Tok::Str(_) => RawKind::Str,
            Tok::Word(w) if keyword(&t.tok).is_none() => {
                if w.eq_ignore_ascii_case("true") {
                    RawKind::Bool(true)
                } else if w.eq_ignore_ascii_case("false") {
                    RawKind::Bool(false)
                } else if is_number_text(w, true) {
                    match w.parse::<f64>() {
                        Ok(n) if n.is_finite() => RawKind::Num(n),
                        _ => {
                            return Err(SearchError::new(format!(
                                "number '{shown}' at position {} is too large",
                                t.pos
                            )));
                        }
                    }
                } else {
                    RawKind::Bare
                }
            }
            Tok::LBracket if list_open.is_some() => {
                return Err(SearchError::new(format!(
                    "lists cannot be nested (at position {})",
                    t.pos
                )));
            }
            Tok::Eof if list_open.is_some() => {
                return Err(SearchError::new(format!(
                    "unterminated list: '[' at position {} is never closed",
                    list_open.unwrap_or_default()
                )));
            }
            _ => {
                return Err(SearchError::new(format!(
                    "expected a value after {after} at position {}, found {}",
                    t.pos,
                    self.describe(&t)
                )));
            }
        };
        self.bump();
        let text = match t.tok {
            Tok::Str(s) | Tok::Word(s) => s,
            _ => String::new(),
        };
        let shown = if kind == RawKind::Str {
            shown
        } else {
            text.chars().take(MAX_QUOTED_CHARS).collect()
        };
        Ok(RawVal {
            kind,
            text,
            pos: t.pos,
            shown,
        })
    }
}

fn collapse(mut items: Vec<Node>, make: fn(Vec<Node>) -> Node) -> Node {
    if items.len() == 1
        && let Some(n) = items.pop()
    {
        return n;
    }
    make(items)
}

/// `-?digits(.digits)?` (the sign only if `signed`).
pub(super) fn is_number_text(s: &str, signed: bool) -> bool {
    let s = if signed {
        s.strip_prefix('-').unwrap_or(s)
    } else {
        s
    };
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}
