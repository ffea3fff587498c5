//! The `searchQuery` language of `GET /v1/files`: parser, validator and evaluator.
//!
//! ImageKit's query language is Lucene-like (see `IMAGEKIT-API.md` §3.1.1):
//!
//! ```text
//! query      := or
//! or         := and ( OR and )*
//! and        := primary ( AND primary )*
//! primary    := '(' or ')' | condition
//! condition  := field operator [ value | '[' value ( ',' value )* ']' ]
//! field      := identifier | "quoted.field"
//! operator   := = | : | < | <= | > | >= | IN | NOT IN | NOT = | HAS | EXISTS | NOT EXISTS
//! value      := "string" | number | true | false | bare-token (dates: 2020-01-01, 7d)
//! ```
//!
//! Keywords are case-insensitive; `AND` binds tighter than `OR`. Everything that can
//! be decided from the text alone (field names, operator support, value types of the
//! built-in fields, dates, sizes) is checked and pre-computed by [`parse`], so that
//! evaluating a query against a file allocates nothing. Custom metadata fields depend
//! on the account's field definitions and are checked by [`Query::validate`].
//!
//! Every error names what is wrong and where, as a 0-based character offset:
//! `Invalid search query: expected a value after '>' at position 12, found end of query`.

use std::cmp::Ordering;
use std::fmt;

use chrono::NaiveDate;
use serde_json::{Map, Value};

use crate::model::{
    CustomMetadataField, FieldType, FileDetails, FileKind, FolderDetails, Timestamp,
};

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 10_000;
/// Deepest accepted nesting of parentheses.
pub const MAX_DEPTH: usize = 64;
/// Most values accepted in one `IN [...]` list.
pub const MAX_LIST_LEN: usize = 1_000;

const ERROR_PREFIX: &str = "Invalid search query: ";
const OPERATORS: &str = "=, :, <, <=, >, >=, IN, NOT IN, NOT =, HAS, EXISTS, NOT EXISTS";
const MINUTE_MS: i64 = 60_000;
const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;
/// Relative dates are capped at about 300 000 years, far beyond any real timestamp.
const MAX_RELATIVE_MS: f64 = 1e16;
/// Longest piece of the query quoted back in an error message, in characters.
const MAX_QUOTED_CHARS: usize = 40;

// ---------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------

/// A malformed or unsupported query. `message` is ready to be sent to the client.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchError {
    pub message: String,
}

impl SearchError {
    fn new(what: impl fmt::Display) -> Self {
        SearchError {
            message: format!("{ERROR_PREFIX}{what}"),
        }
    }
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SearchError {}

/// What evaluation needs besides the item: the clock (for relative dates such as
/// `7d`) and the custom metadata field definitions.
#[derive(Debug, Clone, Copy)]
pub struct EvalContext<'a> {
    pub now: Timestamp,
    pub fields: &'a [CustomMetadataField],
}

/// A parsed `searchQuery`.
#[derive(Debug, Clone)]
pub struct Query {
    root: Node,
}

/// Parses a `searchQuery`. Built-in fields are fully checked here; custom metadata
/// fields are checked against their definitions by [`Query::validate`].
pub fn parse(input: &str) -> Result<Query, SearchError> {
    if input.chars().nth(MAX_QUERY_CHARS).is_some() {
        let len = input.chars().count();
        return Err(SearchError::new(format!(
            "the query is {len} characters long; the maximum is {MAX_QUERY_CHARS}"
        )));
    }
    if input.trim().is_empty() {
        return Err(SearchError::new(
            "the query is empty; expected a condition such as name = \"photo.jpg\"",
        ));
    }
    let chars: Vec<char> = input.chars().collect();
    let toks = lex(&chars)?;
    let mut parser = Parser {
        chars: &chars,
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
        Tok::Eof => Ok(Query { root }),
        Tok::RParen => Err(SearchError::new(format!(
            "unbalanced parenthesis: ')' at position {} has no matching '('",
            t.pos
        ))),
        _ => Err(SearchError::new(format!(
            "expected 'AND' or 'OR' at position {}, found {}{}",
            t.pos,
            parser.describe(t),
            parser.combinator_hint(t)
        ))),
    }
}

impl std::str::FromStr for Query {
    type Err = SearchError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

impl Query {
    /// Checks customMetadata field names, operators and value types against the
    /// definitions; errors read like parse errors.
    pub fn validate(&self, fields: &[CustomMetadataField]) -> Result<(), SearchError> {
        self.root.validate(fields)
    }

    /// Does the file (or file version) match?
    pub fn matches_file(&self, f: &FileDetails, ctx: &EvalContext) -> bool {
        self.root.eval(Item::File(f), ctx)
    }

    /// Does the folder match? Only `name`, `type`, `path`, `id`, `createdAt` and
    /// `updatedAt` apply to folders; any other condition is false (its `NOT` form true).
    pub fn matches_folder(&self, f: &FolderDetails, ctx: &EvalContext) -> bool {
        self.root.eval(Item::Folder(f), ctx)
    }

    /// True if the query constrains `type` anywhere (then the server includes
    /// folders and versions in the candidates).
    pub fn mentions_type(&self) -> bool {
        self.root.mentions_type()
    }
}

// ---------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum Tok {
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
enum Cmp {
    Eq,
    Colon,
    Lt,
    Le,
    Gt,
    Ge,
}

/// A token and its span `[pos, end)` in characters.
#[derive(Debug, Clone, PartialEq)]
struct Token {
    tok: Tok,
    pos: usize,
    end: usize,
}

/// Characters that end a bare token.
fn is_special(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '(' | ')' | '[' | ']' | ',' | '=' | '<' | '>' | ':' | '"' | '!'
        )
}

fn lex(chars: &[char]) -> Result<Vec<Token>, SearchError> {
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

// ---------------------------------------------------------------------------------
// AST
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Node {
    And(Vec<Node>),
    Or(Vec<Node>),
    Cond(Box<Cond>),
}

/// One `field op value` condition: `pred` is the positive form (`=`, `IN`,
/// `EXISTS`); `negate` turns it into `NOT =`, `NOT IN`, `NOT EXISTS`.
#[derive(Debug, Clone)]
struct Cond {
    negate: bool,
    pred: Pred,
}

#[derive(Debug, Clone)]
enum Pred {
    Name(TextPred),
    Id(TextPred),
    Tags(TagPred),
    /// Bit set of [`TYPE_FILE`], [`TYPE_VERSION`], [`TYPE_FOLDER`].
    Type(u8),
    Date(DateField, DatePred),
    Num(NumField, NumPred),
    /// Lowercase extensions.
    Format(Vec<String>),
    Flag(FlagField, bool),
    Path(PathPred),
    Meta(Box<MetaCond>),
}

const TYPE_FILE: u8 = 1;
const TYPE_VERSION: u8 = 2;
const TYPE_FOLDER: u8 = 4;

#[derive(Debug, Clone)]
enum TextPred {
    /// `=` / `IN`: exact, case-sensitive.
    OneOf(StrSet),
    /// `:`: case-sensitive prefix.
    Prefix(String),
    /// `HAS`: every needle word (lowercase) is a word of the value.
    Has(Vec<Needle>),
}

#[derive(Debug, Clone)]
enum TagPred {
    /// `=` / `IN`: the file has one of these tags (or AI tags).
    OneOf(StrSet),
    /// `HAS`: some tag contains all these words (lowercase).
    Has(Vec<Needle>),
    /// `EXISTS`: the file has at least one tag or AI tag.
    Exists,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateField {
    Created,
    Updated,
}

#[derive(Debug, Clone)]
enum DatePred {
    /// `=` / `IN`: the timestamp falls in one of the values' ranges.
    OneOf(Vec<DateVal>),
    Cmp(Order, DateVal),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NumField {
    Size,
    Width,
    Height,
}

#[derive(Debug, Clone)]
enum NumPred {
    OneOf(Vec<f64>),
    Cmp(Order, f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FlagField {
    Private,
    Published,
    Transparency,
}

#[derive(Debug, Clone)]
enum PathPred {
    /// `=` / `IN`: the item's folder is one of these (without trailing slash; root is "").
    OneOf(Vec<String>),
    /// `:`: the item's folder is this folder or below it (without trailing slash).
    Under(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Order {
    Lt,
    Le,
    Gt,
    Ge,
}

impl Order {
    fn accepts(self, o: Ordering) -> bool {
        match self {
            Order::Lt => o == Ordering::Less,
            Order::Le => o != Ordering::Greater,
            Order::Gt => o == Ordering::Greater,
            Order::Ge => o != Ordering::Less,
        }
    }

    fn test<T: PartialOrd>(self, a: T, b: T) -> bool {
        a.partial_cmp(&b).is_some_and(|o| self.accepts(o))
    }
}

/// A date value: absolute (`2020-01-01`, `2020-01-01T10:00:00Z`) or relative to now
/// (`7d`). Comparisons use its instant; `=` uses its range.
#[derive(Debug, Clone, Copy, PartialEq)]
enum DateVal {
    /// `start` in epoch milliseconds; `len` is the precision written (a day for a
    /// date, a second for `HH:MM:SS`, ...), which `=` matches in full.
    Abs { start: i64, len: i64 },
    /// `ago` milliseconds before now; `=` matches the UTC `unit` (hour or day) holding
    /// that instant.
    Rel { ago: i64, unit: i64 },
}

impl DateVal {
    fn instant(self, now: i64) -> i64 {
        match self {
            DateVal::Abs { start, .. } => start,
            DateVal::Rel { ago, .. } => now.saturating_sub(ago),
        }
    }

    fn contains(self, t: i64, now: i64) -> bool {
        let (from, to) = match self {
            DateVal::Abs { start, len } => (start, start.saturating_add(len)),
            DateVal::Rel { ago, unit } => {
                let at = now.saturating_sub(ago);
                let from = at.saturating_sub(at.rem_euclid(unit.max(1)));
                (from, from.saturating_add(unit))
            }
        };
        t >= from && t < to
    }
}

/// A sorted, deduplicated set of strings; lookups allocate nothing.
#[derive(Debug, Clone)]
struct StrSet(Vec<String>);

/// Sets up to this size are scanned; larger ones are binary-searched.
const LINEAR_SET_MAX: usize = 8;

impl StrSet {
    fn new(mut v: Vec<String>) -> Self {
        // Shorter first, then bytewise: most probes are rejected on length alone.
        v.sort_unstable_by(|a, b| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        v.dedup();
        StrSet(v)
    }

    fn contains(&self, s: &str) -> bool {
        if self.0.len() <= LINEAR_SET_MAX {
            self.0.iter().any(|p| p == s)
        } else {
            self.0
                .binary_search_by(|p| p.len().cmp(&s.len()).then_with(|| p.as_str().cmp(s)))
                .is_ok()
        }
    }
}

/// A condition on `customMetadata.<key>` or `embeddedMetadata.<key>`. Its meaning
/// depends on the field definitions, so values are kept in every plausible form.
#[derive(Debug, Clone)]
struct MetaCond {
    source: MetaSource,
    key: String,
    field_pos: usize,
    /// Positive operator (`NOT` forms are carried by [`Cond::negate`]).
    op: Op,
    /// Operator as written (`NOT IN`), for messages.
    written_op: Op,
    op_pos: usize,
    values: Vec<Lit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MetaSource {
    Custom,
    Embedded,
}

/// A literal with its pre-computed readings.
#[derive(Debug, Clone)]
struct Lit {
    pos: usize,
    /// The literal as written, for messages.
    shown: String,
    kind: RawKind,
    /// Unescaped text (for numbers and booleans, as written).
    text: String,
    num: Option<f64>,
    boolean: Option<bool>,
    date: Option<DateVal>,
    /// Lowercase words, for `HAS`.
    words: Vec<Needle>,
}

// ---------------------------------------------------------------------------------
// Fields and operators
// ---------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
enum Field {
    Name,
    Tags,
    Type,
    CreatedAt,
    UpdatedAt,
    Size,
    Width,
    Height,
    Format,
    Private,
    Published,
    Transparency,
    Path,
    Id,
    Custom(String),
    Embedded(String),
}

const BUILTIN_FIELDS: [(&str, Field); 14] = [
    ("name", Field::Name),
    ("tags", Field::Tags),
    ("type", Field::Type),
    ("createdAt", Field::CreatedAt),
    ("updatedAt", Field::UpdatedAt),
    ("size", Field::Size),
    ("width", Field::Width),
    ("height", Field::Height),
    ("format", Field::Format),
    ("private", Field::Private),
    ("published", Field::Published),
    ("transparency", Field::Transparency),
    ("path", Field::Path),
    ("id", Field::Id),
];

const CUSTOM_PREFIX: &str = "customMetadata.";
const EMBEDDED_PREFIX: &str = "embeddedMetadata.";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Op {
    Eq,
    NotEq,
    Prefix,
    Lt,
    Le,
    Gt,
    Ge,
    In,
    NotIn,
    Has,
    Exists,
    NotExists,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::NotEq => "NOT =",
            Op::Prefix => ":",
            Op::Lt => "<",
            Op::Le => "<=",
            Op::Gt => ">",
            Op::Ge => ">=",
            Op::In => "IN",
            Op::NotIn => "NOT IN",
            Op::Has => "HAS",
            Op::Exists => "EXISTS",
            Op::NotExists => "NOT EXISTS",
        }
    }

    fn is_negated(self) -> bool {
        matches!(self, Op::NotEq | Op::NotIn | Op::NotExists)
    }

    fn positive(self) -> Op {
        match self {
            Op::NotEq => Op::Eq,
            Op::NotIn => Op::In,
            Op::NotExists => Op::Exists,
            other => other,
        }
    }

    fn order(self) -> Option<Order> {
        match self {
            Op::Lt => Some(Order::Lt),
            Op::Le => Some(Order::Le),
            Op::Gt => Some(Order::Gt),
            Op::Ge => Some(Order::Ge),
            _ => None,
        }
    }
}

const OPS_TEXT: &[Op] = &[Op::Eq, Op::Prefix, Op::In, Op::NotEq, Op::NotIn, Op::Has];
const OPS_TAGS: &[Op] = &[
    Op::Eq,
    Op::In,
    Op::NotEq,
    Op::NotIn,
    Op::Has,
    Op::Exists,
    Op::NotExists,
];
const OPS_SET: &[Op] = &[Op::Eq, Op::In, Op::NotEq, Op::NotIn];
const OPS_ORDERED: &[Op] = &[
    Op::Eq,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::In,
    Op::NotEq,
    Op::NotIn,
];
const OPS_BOOL: &[Op] = &[Op::Eq, Op::NotEq];
const OPS_PATH: &[Op] = &[Op::Eq, Op::Prefix, Op::In, Op::NotEq, Op::NotIn];
const OPS_EMBEDDED: &[Op] = &[
    Op::Eq,
    Op::Prefix,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::In,
    Op::NotEq,
    Op::NotIn,
    Op::Has,
    Op::Exists,
    Op::NotExists,
];

const CUSTOM_OPS_TEXT: &[Op] = &[
    Op::Eq,
    Op::Prefix,
    Op::In,
    Op::NotEq,
    Op::NotIn,
    Op::Has,
    Op::Exists,
    Op::NotExists,
];
const CUSTOM_OPS_ORDERED: &[Op] = &[
    Op::Eq,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::In,
    Op::NotEq,
    Op::NotIn,
    Op::Exists,
    Op::NotExists,
];
const CUSTOM_OPS_BOOL: &[Op] = &[Op::Eq, Op::NotEq, Op::Exists, Op::NotExists];
const CUSTOM_OPS_SINGLE: &[Op] = &[
    Op::Eq,
    Op::Prefix,
    Op::In,
    Op::NotEq,
    Op::NotIn,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::Exists,
    Op::NotExists,
];
const CUSTOM_OPS_MULTI: &[Op] = &[Op::In, Op::NotIn, Op::Exists, Op::NotExists];

impl Field {
    fn label(&self) -> String {
        match self {
            Field::Custom(k) => format!("{CUSTOM_PREFIX}{k}"),
            Field::Embedded(k) => format!("{EMBEDDED_PREFIX}{k}"),
            other => BUILTIN_FIELDS
                .iter()
                .find(|(_, f)| f == other)
                .map(|(n, _)| (*n).to_owned())
                .unwrap_or_default(),
        }
    }

    /// Operators accepted at parse time (custom fields are narrowed by `validate`).
    fn ops(&self) -> &'static [Op] {
        match self {
            Field::Name => OPS_TEXT,
            Field::Tags => OPS_TAGS,
            Field::Type | Field::Format | Field::Id => OPS_SET,
            Field::CreatedAt | Field::UpdatedAt | Field::Size | Field::Width | Field::Height => {
                OPS_ORDERED
            }
            Field::Private | Field::Published | Field::Transparency => OPS_BOOL,
            Field::Path => OPS_PATH,
            Field::Custom(_) | Field::Embedded(_) => OPS_EMBEDDED,
        }
    }
}

fn custom_ops(t: FieldType) -> &'static [Op] {
    match t {
        FieldType::Text | FieldType::Textarea => CUSTOM_OPS_TEXT,
        FieldType::Number | FieldType::Date => CUSTOM_OPS_ORDERED,
        FieldType::Boolean => CUSTOM_OPS_BOOL,
        FieldType::SingleSelect => CUSTOM_OPS_SINGLE,
        FieldType::MultiSelect => CUSTOM_OPS_MULTI,
    }
}

fn field_type_name(t: FieldType) -> &'static str {
    match t {
        FieldType::Text => "Text",
        FieldType::Textarea => "Textarea",
        FieldType::Number => "Number",
        FieldType::Date => "Date",
        FieldType::Boolean => "Boolean",
        FieldType::SingleSelect => "SingleSelect",
        FieldType::MultiSelect => "MultiSelect",
    }
}

fn op_list(ops: &[Op]) -> String {
    ops.iter()
        .map(|o| o.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn known_fields() -> String {
    let mut s: Vec<&str> = BUILTIN_FIELDS.iter().map(|(n, _)| *n).collect();
    s.push("\"customMetadata.<field>\"");
    s.push("\"embeddedMetadata.<key>\"");
    s.join(", ")
}

/// `strip_prefix`, ignoring ASCII case; never slices inside a character.
fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    if head.eq_ignore_ascii_case(prefix) {
        s.get(prefix.len()..)
    } else {
        None
    }
}

/// Levenshtein distance on lowercase characters, for "did you mean" hints.
fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().flat_map(char::to_lowercase).collect();
    let b: Vec<char> = b.chars().flat_map(char::to_lowercase).collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = Vec::with_capacity(b.len() + 1);
        cur.push(i + 1);
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(usize::MAX / 2) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(usize::MAX / 2) + 1;
            let ins = cur.get(j).copied().unwrap_or(usize::MAX / 2) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

fn did_you_mean<'a>(word: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    if word.chars().count() > 40 {
        return String::new();
    }
    candidates
        .map(|c| (edit_distance(word, c), c))
        .filter(|(d, c)| *d <= 2 && *d < c.chars().count())
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| format!("; did you mean '{c}'?"))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------
// Parser
// ---------------------------------------------------------------------------------

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
struct RawVal {
    kind: RawKind,
    /// Unescaped text (numbers, booleans and bare tokens as written).
    text: String,
    pos: usize,
    /// As written, shortened, for messages.
    shown: String,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum RawKind {
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

type PResult<T> = Result<T, SearchError>;

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

    fn combinator_hint(&self, t: &Token) -> &'static str {
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
                        self.combinator_hint(&close)
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
fn is_number_text(s: &str, signed: bool) -> bool {
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

// ---------------------------------------------------------------------------------
// Compiling conditions
// ---------------------------------------------------------------------------------

fn needs(label: &str, what: &str, v: &RawVal) -> SearchError {
    SearchError::new(format!(
        "'{label}' needs {what}, got {} at position {}",
        v.shown, v.pos
    ))
}

fn text_value(label: &str, v: RawVal) -> PResult<String> {
    if v.kind == RawKind::Str {
        Ok(v.text)
    } else {
        Err(quote_hint(needs(label, "a quoted string", &v), &v))
    }
}

/// Adds "put it in double quotes" to an error about an unquoted word.
fn quote_hint(mut e: SearchError, v: &RawVal) -> SearchError {
    if v.kind != RawKind::Str {
        e.message.push_str(" (strings go in double quotes)");
    }
    e
}

fn num_value(label: &str, v: &RawVal) -> PResult<f64> {
    match v.kind {
        RawKind::Num(n) => Ok(n),
        RawKind::Str if is_number_text(v.text.trim(), true) => v
            .text
            .trim()
            .parse::<f64>()
            .map_err(|_| needs(label, "a number", v)),
        _ => Err(needs(label, "a number", v)),
    }
}

fn size_value(label: &str, v: &RawVal) -> PResult<f64> {
    match v.kind {
        RawKind::Num(n) => Ok(n),
        RawKind::Str | RawKind::Bare => {
            parse_size(&v.text).ok_or_else(|| needs(label, "a number or a size like \"10kb\"", v))
        }
        RawKind::Bool(_) => Err(needs(label, "a number or a size like \"10kb\"", v)),
    }
}

fn date_value(label: &str, v: &RawVal) -> PResult<DateVal> {
    let parsed = match v.kind {
        RawKind::Str | RawKind::Bare => parse_date(&v.text),
        _ => None,
    };
    parsed.ok_or_else(|| {
        needs(
            label,
            "a date like 2020-01-01 or 2020-01-01T12:00:00, or a relative time like 7d (h, d, w, m, y)",
            v,
        )
    })
}

fn bool_value(label: &str, v: &RawVal) -> PResult<bool> {
    match v.kind {
        RawKind::Bool(b) => Ok(b),
        RawKind::Str if v.text.eq_ignore_ascii_case("true") => Ok(true),
        RawKind::Str if v.text.eq_ignore_ascii_case("false") => Ok(false),
        _ => Err(needs(label, "true or false", v)),
    }
}

fn has_words(label: &str, v: RawVal) -> PResult<Vec<Needle>> {
    let pos = v.pos;
    let shown = v.shown.clone();
    let s = text_value(label, v)?;
    let w = needles(&s);
    if w.is_empty() {
        return Err(SearchError::new(format!(
            "'HAS' needs at least one word (letters or digits), got {shown} at position {pos}"
        )));
    }
    Ok(w)
}

fn needles(s: &str) -> Vec<Needle> {
    words(s).map(Needle::new).collect()
}

fn first(values: Vec<RawVal>) -> Option<RawVal> {
    values.into_iter().next()
}

/// Turns `field op values` into an evaluable predicate, checking value types.
fn compile(
    field: &Field,
    label: &str,
    op: Op,
    field_pos: usize,
    op_pos: usize,
    values: Vec<RawVal>,
) -> PResult<Pred> {
    let pos_op = op.positive();
    let one = |values: Vec<RawVal>| -> PResult<RawVal> {
        first(values).ok_or_else(|| {
            SearchError::new(format!(
                "expected a value after '{}' at position {op_pos}",
                op.as_str()
            ))
        })
    };
    Ok(match field {
        Field::Name | Field::Id => {
            let p = match pos_op {
                Op::Prefix => TextPred::Prefix(text_value(label, one(values)?)?),
                Op::Has => TextPred::Has(has_words(label, one(values)?)?),
                _ => TextPred::OneOf(StrSet::new(
                    values
                        .into_iter()
                        .map(|v| text_value(label, v))
                        .collect::<PResult<_>>()?,
                )),
            };
            if *field == Field::Name {
                Pred::Name(p)
            } else {
                Pred::Id(p)
            }
        }
        Field::Tags => Pred::Tags(match pos_op {
            Op::Exists => TagPred::Exists,
            Op::Has => TagPred::Has(has_words(label, one(values)?)?),
            _ => TagPred::OneOf(StrSet::new(
                values
                    .into_iter()
                    .map(|v| text_value(label, v))
                    .collect::<PResult<_>>()?,
            )),
        }),
        Field::Type => {
            let mut mask = 0;
            for v in &values {
                let bit = match v.text.to_ascii_lowercase().as_str() {
                    "file" if v.kind == RawKind::Str => TYPE_FILE,
                    "file-version" if v.kind == RawKind::Str => TYPE_VERSION,
                    "folder" if v.kind == RawKind::Str => TYPE_FOLDER,
                    _ => {
                        return Err(quote_hint(
                            needs(label, "\"file\", \"file-version\" or \"folder\"", v),
                            v,
                        ));
                    }
                };
                mask |= bit;
            }
            Pred::Type(mask)
        }
        Field::CreatedAt | Field::UpdatedAt => {
            let which = if *field == Field::CreatedAt {
                DateField::Created
            } else {
                DateField::Updated
            };
            let dates = values
                .iter()
                .map(|v| date_value(label, v))
                .collect::<PResult<Vec<_>>>()?;
            match (pos_op.order(), dates.first()) {
                (Some(o), Some(d)) => Pred::Date(which, DatePred::Cmp(o, *d)),
                _ => Pred::Date(which, DatePred::OneOf(dates)),
            }
        }
        Field::Size | Field::Width | Field::Height => {
            let which = match field {
                Field::Size => NumField::Size,
                Field::Width => NumField::Width,
                _ => NumField::Height,
            };
            let nums = values
                .iter()
                .map(|v| {
                    if which == NumField::Size {
                        size_value(label, v)
                    } else {
                        num_value(label, v)
                    }
                })
                .collect::<PResult<Vec<_>>>()?;
            match (pos_op.order(), nums.first()) {
                (Some(o), Some(n)) => Pred::Num(which, NumPred::Cmp(o, *n)),
                _ => Pred::Num(which, NumPred::OneOf(nums)),
            }
        }
        Field::Format => Pred::Format(
            values
                .into_iter()
                .map(|v| {
                    text_value(label, v).map(|s| s.trim_start_matches('.').to_ascii_lowercase())
                })
                .collect::<PResult<_>>()?,
        ),
        Field::Private | Field::Published | Field::Transparency => {
            let which = match field {
                Field::Private => FlagField::Private,
                Field::Published => FlagField::Published,
                _ => FlagField::Transparency,
            };
            Pred::Flag(which, bool_value(label, &one(values)?)?)
        }
        Field::Path => {
            let norm = |v: RawVal| text_value(label, v).map(|s| normalize_folder(&s));
            match pos_op {
                Op::Prefix => Pred::Path(PathPred::Under(norm(one(values)?)?)),
                _ => Pred::Path(PathPred::OneOf(
                    values.into_iter().map(norm).collect::<PResult<_>>()?,
                )),
            }
        }
        Field::Custom(key) | Field::Embedded(key) => {
            let source = if matches!(field, Field::Custom(_)) {
                MetaSource::Custom
            } else {
                MetaSource::Embedded
            };
            if pos_op == Op::Has {
                // Needs words whatever the field turns out to be.
                for v in &values {
                    has_words(label, v.clone())?;
                }
            }
            Pred::Meta(Box::new(MetaCond {
                source,
                key: key.clone(),
                field_pos,
                op: pos_op,
                written_op: op,
                op_pos,
                values: values.into_iter().map(lit).collect(),
            }))
        }
    })
}

fn lit(v: RawVal) -> Lit {
    let (num, boolean) = match v.kind {
        RawKind::Num(n) => (Some(n), None),
        RawKind::Bool(b) => (None, Some(b)),
        RawKind::Str | RawKind::Bare => {
            let t = v.text.trim();
            let num = if is_number_text(t, true) {
                t.parse::<f64>().ok().filter(|n| n.is_finite())
            } else {
                None
            };
            let boolean = if t.eq_ignore_ascii_case("true") {
                Some(true)
            } else if t.eq_ignore_ascii_case("false") {
                Some(false)
            } else {
                None
            };
            (num, boolean)
        }
    };
    let date = match v.kind {
        RawKind::Str | RawKind::Bare => parse_date(&v.text),
        _ => None,
    };
    Lit {
        pos: v.pos,
        shown: v.shown,
        kind: v.kind,
        words: needles(&v.text),
        text: v.text,
        num,
        boolean,
        date,
    }
}

/// `/a/b/`, `a/b`, `/a/b` all become `/a/b`; the root becomes "".
fn normalize_folder(s: &str) -> String {
    let t = s.trim_end_matches('/');
    if t.is_empty() {
        String::new()
    } else if t.starts_with('/') {
        t.to_owned()
    } else {
        format!("/{t}")
    }
}

/// `"10kb"`, `"2.5 MB"`, `"1024"`; units are powers of 1024.
fn parse_size(s: &str) -> Option<f64> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let num = t.get(..split)?;
    let unit = t.get(split..)?.trim();
    if !is_number_text(num, false) {
        return None;
    }
    let n: f64 = num.parse().ok()?;
    let k = 1024.0_f64;
    let mult = match unit.to_ascii_lowercase().as_str() {
        "" | "b" | "byte" | "bytes" => 1.0,
        "k" | "kb" | "kib" => k,
        "m" | "mb" | "mib" => k * k,
        "g" | "gb" | "gib" => k * k * k,
        "t" | "tb" | "tib" => k * k * k * k,
        _ => return None,
    };
    let bytes = n * mult;
    bytes.is_finite().then_some(bytes)
}

/// An ISO date/time or a relative time (`12h`, `7d`, `2w`, `1m`, `1y`).
fn parse_date(s: &str) -> Option<DateVal> {
    let s = s.trim();
    if let Some((start, len)) = parse_abs_date(s) {
        return Some(DateVal::Abs { start, len });
    }
    let unit_char = s.chars().last()?;
    let (unit_ms, eq_unit) = match unit_char.to_ascii_lowercase() {
        'h' => (HOUR_MS, HOUR_MS),
        'd' => (DAY_MS, DAY_MS),
        'w' => (7 * DAY_MS, DAY_MS),
        'm' => (30 * DAY_MS, DAY_MS),
        'y' => (365 * DAY_MS, DAY_MS),
        _ => return None,
    };
    let num = s.get(..s.len() - 1)?.trim_end();
    if !is_number_text(num, false) {
        return None;
    }
    let n: f64 = num.parse().ok()?;
    // Truncation to whole milliseconds is intended; the cap keeps it in range.
    #[allow(clippy::cast_possible_truncation)]
    let ago = (n * unit_ms as f64).min(MAX_RELATIVE_MS) as i64;
    Some(DateVal::Rel { ago, unit: eq_unit })
}

/// `YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|±HH:MM]` → (epoch ms, precision in ms).
/// Without a zone the time is UTC.
fn parse_abs_date(s: &str) -> Option<(i64, i64)> {
    let b = s.as_bytes();
    let digits = |from: usize, n: usize| -> Option<u32> {
        let part = b.get(from..from + n)?;
        part.iter().try_fold(0u32, |acc, d| {
            d.is_ascii_digit()
                .then(|| acc * 10 + u32::from(d.wrapping_sub(b'0')))
        })
    };
    let at = |i: usize, c: u8| b.get(i) == Some(&c);
    let year = digits(0, 4)?;
    if !at(4, b'-') || !at(7, b'-') {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, digits(5, 2)?, digits(8, 2)?)?;
    if b.len() == 10 {
        let t = date.and_hms_opt(0, 0, 0)?.and_utc().timestamp_millis();
        return Some((t, DAY_MS));
    }
    if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
        return None;
    }
    let hour = digits(11, 2)?;
    if !at(13, b':') {
        return None;
    }
    let minute = digits(14, 2)?;
    let mut i = 16;
    let mut len = MINUTE_MS;
    let mut second = 0;
    if at(i, b':') {
        second = digits(i + 1, 2)?;
        i += 3;
        len = 1_000;
    }
    let mut milli = 0;
    if at(i, b'.') {
        i += 1;
        let mut n = 0;
        while let Some(d) = b.get(i).filter(|d| d.is_ascii_digit()) {
            if n < 3 {
                milli = milli * 10 + u32::from(d.wrapping_sub(b'0'));
            }
            n += 1;
            i += 1;
        }
        if n == 0 {
            return None;
        }
        for _ in n..3 {
            milli *= 10;
        }
        len = 1;
    }
    let mut offset_ms = 0i64;
    match b.get(i) {
        None => {}
        Some(b'Z' | b'z') => i += 1,
        Some(&sign @ (b'+' | b'-')) => {
            let oh = digits(i + 1, 2)?;
            i += 3;
            if at(i, b':') {
                i += 1;
            }
            let om = digits(i, 2)?;
            i += 2;
            if oh > 23 || om > 59 {
                return None;
            }
            offset_ms = (i64::from(oh) * 60 + i64::from(om)) * MINUTE_MS;
            if sign == b'-' {
                offset_ms = -offset_ms;
            }
        }
        Some(_) => return None,
    }
    if i != b.len() {
        return None;
    }
    let t = date
        .and_hms_milli_opt(hour, minute, second, milli)?
        .and_utc()
        .timestamp_millis();
    Some((t - offset_ms, len))
}

// ---------------------------------------------------------------------------------
// Validation against custom metadata definitions
// ---------------------------------------------------------------------------------

impl Node {
    fn validate(&self, fields: &[CustomMetadataField]) -> PResult<()> {
        match self {
            Node::And(v) | Node::Or(v) => v.iter().try_for_each(|n| n.validate(fields)),
            Node::Cond(c) => match &c.pred {
                Pred::Meta(m) if m.source == MetaSource::Custom => m.validate(fields),
                _ => Ok(()),
            },
        }
    }

    fn mentions_type(&self) -> bool {
        match self {
            Node::And(v) | Node::Or(v) => v.iter().any(Node::mentions_type),
            Node::Cond(c) => matches!(c.pred, Pred::Type(_)),
        }
    }
}

impl MetaCond {
    fn validate(&self, fields: &[CustomMetadataField]) -> PResult<()> {
        let label = format!("{CUSTOM_PREFIX}{}", self.key);
        let Some(def) = fields.iter().find(|d| d.name == self.key) else {
            let defined = if fields.is_empty() {
                "no custom metadata fields are defined".to_owned()
            } else {
                format!(
                    "defined fields: {}",
                    fields
                        .iter()
                        .map(|d| d.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            let hint = did_you_mean(&self.key, fields.iter().map(|d| d.name.as_str()));
            return Err(SearchError::new(format!(
                "unknown custom metadata field '{}' at position {}{hint} ({defined})",
                self.key, self.field_pos
            )));
        };
        let kind = def.schema.kind;
        let type_name = field_type_name(kind);
        let ops = custom_ops(kind);
        if !ops.contains(&self.written_op) {
            return Err(SearchError::new(format!(
                "operator '{}' is not supported for custom metadata field '{}' ({type_name}) at position {} (supported: {})",
                self.written_op.as_str(),
                self.key,
                self.op_pos,
                op_list(ops)
            )));
        }
        for v in &self.values {
            let ok = match kind {
                FieldType::Text | FieldType::Textarea => v.kind == RawKind::Str,
                FieldType::Number => v.num.is_some(),
                FieldType::Date => v.date.is_some(),
                FieldType::Boolean => v.boolean.is_some(),
                FieldType::SingleSelect if self.op.order().is_some() => v.num.is_some(),
                FieldType::SingleSelect if self.op == Op::Prefix => v.kind == RawKind::Str,
                FieldType::SingleSelect | FieldType::MultiSelect => v.kind != RawKind::Bare,
            };
            if !ok {
                let what = match kind {
                    FieldType::Text | FieldType::Textarea => "a quoted string",
                    FieldType::Number => "a number",
                    FieldType::Date => "a date like \"2020-01-01\" or a relative time like \"7d\"",
                    FieldType::Boolean => "true or false",
                    FieldType::SingleSelect if self.op.order().is_some() => {
                        "a number for a comparison"
                    }
                    FieldType::SingleSelect if self.op == Op::Prefix => "a quoted string",
                    FieldType::SingleSelect | FieldType::MultiSelect => {
                        "a quoted string, a number or true/false"
                    }
                };
                return Err(SearchError::new(format!(
                    "'{label}' ({type_name}) needs {what}, got {} at position {}",
                    v.shown, v.pos
                )));
            }
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------
// Evaluation (no allocation per item)
// ---------------------------------------------------------------------------------

#[derive(Clone, Copy)]
enum Item<'a> {
    File(&'a FileDetails),
    Folder(&'a FolderDetails),
}

impl Node {
    fn eval(&self, item: Item<'_>, ctx: &EvalContext) -> bool {
        match self {
            Node::And(v) => v.iter().all(|n| n.eval(item, ctx)),
            Node::Or(v) => v.iter().any(|n| n.eval(item, ctx)),
            Node::Cond(c) => c.pred.eval(item, ctx) != c.negate,
        }
    }
}

impl Pred {
    fn eval(&self, item: Item<'_>, ctx: &EvalContext) -> bool {
        let now = ctx.now.millis();
        match (self, item) {
            (Pred::Name(p), Item::File(f)) => p.eval(&f.name),
            (Pred::Name(p), Item::Folder(f)) => p.eval(&f.name),
            (Pred::Id(p), Item::File(f)) => p.eval(&f.file_id),
            (Pred::Id(p), Item::Folder(f)) => p.eval(&f.folder_id),
            (Pred::Type(mask), Item::File(f)) => {
                let bit = match f.kind {
                    FileKind::File => TYPE_FILE,
                    FileKind::FileVersion => TYPE_VERSION,
                };
                mask & bit != 0
            }
            (Pred::Type(mask), Item::Folder(_)) => mask & TYPE_FOLDER != 0,
            (Pred::Date(which, p), item) => {
                let (created, updated) = match item {
                    Item::File(f) => (f.created_at, f.updated_at),
                    Item::Folder(f) => (f.created_at, f.updated_at),
                };
                let t = match which {
                    DateField::Created => created.millis(),
                    DateField::Updated => updated.millis(),
                };
                match p {
                    DatePred::OneOf(v) => v.iter().any(|d| d.contains(t, now)),
                    DatePred::Cmp(o, d) => o.test(t, d.instant(now)),
                }
            }
            (Pred::Path(p), Item::File(f)) => p.eval(f.folder()),
            (Pred::Path(p), Item::Folder(f)) => p.eval(folder_parent(&f.folder_path)),
            (Pred::Tags(p), Item::File(f)) => p.eval(f),
            (Pred::Num(which, p), Item::File(f)) => {
                // u64 → f64 is exact below 2^53 bytes (8 PiB).
                #[allow(clippy::cast_precision_loss)]
                let x = match which {
                    NumField::Size => f.size as f64,
                    NumField::Width => f64::from(f.width),
                    NumField::Height => f64::from(f.height),
                };
                match p {
                    NumPred::OneOf(v) => v.contains(&x),
                    NumPred::Cmp(o, n) => o.test(x, *n),
                }
            }
            (Pred::Format(v), Item::File(f)) => {
                let ext = f.name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
                v.iter().any(|x| ext.eq_ignore_ascii_case(x))
            }
            (Pred::Flag(which, want), Item::File(f)) => {
                let have = match which {
                    FlagField::Private => f.is_private_file,
                    FlagField::Published => f.is_published,
                    FlagField::Transparency => f.has_alpha,
                };
                have == *want
            }
            (Pred::Meta(m), Item::File(f)) => {
                let map = match m.source {
                    MetaSource::Custom => Some(&f.custom_metadata),
                    MetaSource::Embedded => f.embedded_metadata.as_ref().and_then(Value::as_object),
                };
                m.eval(map, ctx)
            }
            // Fields that do not apply to folders.
            (
                Pred::Tags(_) | Pred::Num(..) | Pred::Format(_) | Pred::Flag(..) | Pred::Meta(_),
                Item::Folder(_),
            ) => false,
        }
    }
}

/// The folder holding a folder (`/a/b/` for `/a/b/c` or `/a/b/c/`).
fn folder_parent(path: &str) -> &str {
    let t = path.trim_end_matches('/');
    match t.rfind('/') {
        Some(i) => t.get(..=i).unwrap_or("/"),
        None => "/",
    }
}

impl TextPred {
    fn eval(&self, s: &str) -> bool {
        match self {
            TextPred::OneOf(set) => set.contains(s),
            TextPred::Prefix(p) => s.starts_with(p.as_str()),
            TextPred::Has(needles) => contains_words(s, needles),
        }
    }
}

impl TagPred {
    fn eval(&self, f: &FileDetails) -> bool {
        let tags = f.tags.iter().map(String::as_str);
        let ai = f.ai_tags.iter().map(|t| t.name.as_str());
        match self {
            TagPred::OneOf(set) => {
                tags.into_iter().any(|t| set.contains(t)) || ai.into_iter().any(|t| set.contains(t))
            }
            TagPred::Has(needles) => {
                tags.into_iter().any(|t| contains_words(t, needles))
                    || ai.into_iter().any(|t| contains_words(t, needles))
            }
            TagPred::Exists => !f.tags.is_empty() || !f.ai_tags.is_empty(),
        }
    }
}

impl PathPred {
    fn eval(&self, folder: &str) -> bool {
        let folder = folder.trim_end_matches('/');
        match self {
            PathPred::OneOf(v) => v.iter().any(|p| p == folder),
            PathPred::Under(p) => folder
                .strip_prefix(p.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/')),
        }
    }
}

/// The words of `s`: maximal runs of letters and digits (ASCII bytes are classified
/// without decoding).
fn words(s: &str) -> Words<'_> {
    Words { s, i: 0 }
}

struct Words<'a> {
    s: &'a str,
    i: usize,
}

impl Words<'_> {
    /// Is the character at byte `i` a letter or digit, and how long is it?
    fn class_at(&self, i: usize) -> Option<(bool, usize)> {
        let b = *self.s.as_bytes().get(i)?;
        if b.is_ascii() {
            Some((b.is_ascii_alphanumeric(), 1))
        } else {
            let c = self.s.get(i..)?.chars().next()?;
            Some((c.is_alphanumeric(), c.len_utf8()))
        }
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let (word, len) = self.class_at(self.i)?;
            if word {
                break;
            }
            self.i += len;
        }
        let start = self.i;
        while let Some((true, len)) = self.class_at(self.i) {
            self.i += len;
        }
        self.s.get(start..self.i)
    }
}

/// A `HAS` needle word, lowercase.
#[derive(Debug, Clone)]
struct Needle {
    lower: String,
    ascii: bool,
}

impl Needle {
    fn new(word: &str) -> Self {
        let lower: String = word.chars().flat_map(char::to_lowercase).collect();
        let ascii = lower.is_ascii();
        Needle { lower, ascii }
    }

    /// Is `word` this needle, ignoring case?
    fn matches(&self, word: &str) -> bool {
        if self.ascii && word.is_ascii() {
            word.eq_ignore_ascii_case(&self.lower)
        } else {
            word.chars()
                .flat_map(char::to_lowercase)
                .eq(self.lower.chars())
        }
    }
}

/// Does `s` contain every needle as a whole word, ignoring case?
fn contains_words(s: &str, needles: &[Needle]) -> bool {
    needles.iter().all(|n| words(s).any(|w| n.matches(w)))
}

impl MetaCond {
    /// The positive form of the condition (negation is applied by the caller).
    fn eval(&self, map: Option<&Map<String, Value>>, ctx: &EvalContext) -> bool {
        let v = map.and_then(|m| m.get(self.key.as_str()));
        let v = match v {
            None | Some(Value::Null) => None,
            Some(Value::Array(a)) if a.is_empty() => None,
            Some(v) => Some(v),
        };
        let Some(v) = v else { return false };
        let now = ctx.now.millis();
        let ty = match self.source {
            MetaSource::Custom => ctx
                .fields
                .iter()
                .find(|d| d.name == self.key)
                .map(|d| d.schema.kind),
            MetaSource::Embedded => None,
        };
        match self.op {
            Op::Exists => true,
            Op::Eq | Op::In => self
                .values
                .iter()
                .any(|l| any_scalar(v, |x| scalar_eq(ty, l, x, now))),
            Op::Prefix => self.values.iter().any(|l| {
                any_scalar(v, |x| {
                    x.as_str().is_some_and(|s| s.starts_with(l.text.as_str()))
                })
            }),
            Op::Has => self.values.iter().any(|l| {
                any_scalar(v, |x| {
                    x.as_str().is_some_and(|s| contains_words(s, &l.words))
                })
            }),
            op => match op.order() {
                Some(o) => self.values.iter().any(|l| {
                    any_scalar(v, |x| {
                        scalar_cmp(ty, l, x, now).is_some_and(|c| o.accepts(c))
                    })
                }),
                None => false,
            },
        }
    }
}

/// Applies `f` to a scalar, or to each scalar of an array (multi-select values).
fn any_scalar(v: &Value, f: impl Fn(&Value) -> bool) -> bool {
    match v {
        Value::Array(a) => a.iter().any(|x| !x.is_array() && !x.is_object() && f(x)),
        Value::Object(_) => false,
        x => f(x),
    }
}

fn scalar_eq(ty: Option<FieldType>, l: &Lit, x: &Value, now: i64) -> bool {
    if ty == Some(FieldType::Date) {
        return match (l.date, x.as_str().and_then(parse_abs_date)) {
            (Some(d), Some((t, _))) => d.contains(t, now),
            _ => false,
        };
    }
    match x {
        Value::String(s) => match l.kind {
            RawKind::Str | RawKind::Bare => *s == l.text,
            // A number or boolean against a string value: compare as written, or
            // numerically for numeric strings.
            RawKind::Num(n) => *s == l.text || number_of(s) == Some(n),
            RawKind::Bool(b) => s.eq_ignore_ascii_case(if b { "true" } else { "false" }),
        },
        Value::Number(n) => l.num.is_some_and(|want| n.as_f64() == Some(want)),
        Value::Bool(b) => l.boolean == Some(*b),
        _ => false,
    }
}

fn number_of(s: &str) -> Option<f64> {
    let t = s.trim();
    if is_number_text(t, true) {
        t.parse().ok()
    } else {
        None
    }
}

/// Orders the metadata value `x` against the literal, if they are comparable.
fn scalar_cmp(ty: Option<FieldType>, l: &Lit, x: &Value, now: i64) -> Option<Ordering> {
    let date_cmp = || -> Option<Ordering> {
        let d = l.date?;
        let (t, _) = parse_abs_date(x.as_str()?.trim())?;
        Some(t.cmp(&d.instant(now)))
    };
    if ty == Some(FieldType::Date) {
        return date_cmp();
    }
    match x {
        Value::Number(n) => n.as_f64()?.partial_cmp(&l.num?),
        Value::String(s) => match (l.num, number_of(s)) {
            (Some(want), Some(have)) => have.partial_cmp(&want),
            _ => date_cmp(),
        },
        _ => None,
    }
}

// ---------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const NOW: &str = "2024-06-15T12:00:00.000Z";

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn file(extra: Value) -> FileDetails {
        let mut base = json!({
            "fileId": "f1",
            "type": "file",
            "name": "red-shoe.jpg",
            "filePath": "/products/shoes/red-shoe.jpg",
            "tags": null,
            "AITags": null,
            "createdAt": "2024-01-10T08:30:00.000Z",
            "updatedAt": "2024-06-14T12:00:00.000Z",
        });
        if let (Some(b), Some(e)) = (base.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        serde_json::from_value(base).unwrap()
    }

    fn folder(path: &str) -> FolderDetails {
        let name = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
        serde_json::from_value(json!({
            "type": "folder",
            "folderId": "d1",
            "name": name,
            "folderPath": path,
            "createdAt": "2024-01-10T08:30:00.000Z",
            "updatedAt": "2024-01-10T08:30:00.000Z",
        }))
        .unwrap()
    }

    fn defs() -> Vec<CustomMetadataField> {
        serde_json::from_value(json!([
            {"id": "1", "name": "brand", "label": "Brand", "schema": {"type": "Text"}},
            {"id": "2", "name": "price", "label": "Price", "schema": {"type": "Number"}},
            {"id": "3", "name": "launch", "label": "Launch", "schema": {"type": "Date"}},
            {"id": "4", "name": "onSale", "label": "On sale", "schema": {"type": "Boolean"}},
            {"id": "5", "name": "size", "label": "Size", "schema": {"type": "SingleSelect",
                "selectOptions": ["S", "M", "L", 10, 20]}},
            {"id": "6", "name": "colors", "label": "Colors", "schema": {"type": "MultiSelect",
                "selectOptions": ["red", "green", "blue"]}},
            {"id": "7", "name": "notes", "label": "Notes", "schema": {"type": "Textarea"}},
        ]))
        .unwrap()
    }

    /// Parses, validates against `defs()` and evaluates `q` on `f` at `NOW`.
    fn m(q: &str, f: &FileDetails) -> bool {
        let fields = defs();
        let query = parse(q).unwrap_or_else(|e| panic!("{q}: {e}"));
        query
            .validate(&fields)
            .unwrap_or_else(|e| panic!("{q}: {e}"));
        query.matches_file(
            f,
            &EvalContext {
                now: ts(NOW),
                fields: &fields,
            },
        )
    }

    fn mf(q: &str, f: &FolderDetails) -> bool {
        let fields = defs();
        parse(q)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .matches_folder(
                f,
                &EvalContext {
                    now: ts(NOW),
                    fields: &fields,
                },
            )
    }

    fn err(q: &str) -> String {
        match parse(q) {
            Ok(_) => panic!("{q:?} should not parse"),
            Err(e) => e.message,
        }
    }

    fn verr(q: &str) -> String {
        match parse(q)
            .unwrap_or_else(|e| panic!("{q}: {e}"))
            .validate(&defs())
        {
            Ok(()) => panic!("{q:?} should not validate"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn name_operators() {
        let f = file(json!({}));
        assert!(m(r#"name = "red-shoe.jpg""#, &f));
        assert!(!m(r#"name = "Red-shoe.jpg""#, &f), "= is case-sensitive");
        assert!(m(r#"name : "red""#, &f));
        assert!(!m(r#"name : "RED""#, &f), ": is case-sensitive");
        assert!(!m(r#"name : "shoe""#, &f), ": is a prefix match");
        assert!(m(r#"name IN ["a.jpg", "red-shoe.jpg"]"#, &f));
        assert!(!m(r#"name NOT IN ["a.jpg", "red-shoe.jpg"]"#, &f));
        assert!(m(r#"name NOT = "a.jpg""#, &f));
        assert!(m(r#"name HAS "SHOE""#, &f), "HAS ignores case");
        assert!(m(r#"name HAS "shoe red""#, &f), "all words, any order");
        assert!(!m(r#"name HAS "sho""#, &f), "HAS matches whole words");
        assert!(!m(r#"name HAS "blue shoe""#, &f));
    }

    #[test]
    fn escapes_in_strings() {
        let f = file(json!({"name": "say \"hi\" \\ bye.png"}));
        assert!(m(r#"name = "say \"hi\" \\ bye.png""#, &f));
    }

    #[test]
    fn tags_match_tags_and_ai_tags() {
        let f = file(json!({
            "tags": ["summer-sale", "Banner"],
            "AITags": [{"name": "Shoe", "confidence": 90.0, "source": "google-auto-tagging"}],
        }));
        let bare = file(json!({}));
        assert!(m(r#"tags IN ["x", "summer-sale"]"#, &f));
        assert!(m(r#"tags IN ["Shoe"]"#, &f), "AI tag names count");
        assert!(!m(r#"tags IN ["banner"]"#, &f), "IN is exact");
        assert!(m(r#"tags NOT IN ["x", "y"]"#, &f));
        assert!(!m(r#"tags NOT IN ["Banner"]"#, &f));
        assert!(m(r#"tags = "Banner""#, &f));
        assert!(m(r#"tags NOT = "banner""#, &f));
        assert!(
            m(r#"tags HAS "sale""#, &f),
            "tokenised: summer-sale has the word sale"
        );
        assert!(m(r#"tags HAS "SHOE""#, &f));
        assert!(!m(r#"tags HAS "boot""#, &f));
        assert!(m("tags EXISTS", &f));
        assert!(!m("tags NOT EXISTS", &f));
        assert!(!m("tags EXISTS", &bare));
        assert!(m("tags NOT EXISTS", &bare));
        assert!(m(r#"tags NOT IN ["x"]"#, &bare));
        let ai_only = file(json!({
            "AITags": [{"name": "Dog", "confidence": 50.0, "source": "aws-auto-tagging"}],
        }));
        assert!(m("tags EXISTS", &ai_only));
    }

    #[test]
    fn type_field() {
        let f = file(json!({}));
        let v = file(json!({"type": "file-version"}));
        let d = folder("/products/");
        assert!(m(r#"type = "file""#, &f));
        assert!(!m(r#"type = "file""#, &v));
        assert!(m(r#"type IN ["file-version", "folder"]"#, &v));
        assert!(m(r#"type NOT = "folder""#, &f));
        assert!(mf(r#"type = "folder""#, &d));
        assert!(!mf(r#"type NOT IN ["folder"]"#, &d));
        assert!(parse(r#"type = "folder""#).unwrap().mentions_type());
        assert!(
            parse(r#"name = "a" OR (size > 1 AND type IN ["file"])"#)
                .unwrap()
                .mentions_type()
        );
        assert!(!parse(r#"name = "type""#).unwrap().mentions_type());
    }

    #[test]
    fn absolute_dates() {
        // created 2024-01-10T08:30:00Z
        let f = file(json!({}));
        assert!(m("createdAt > 2024-01-01", &f));
        assert!(m(r#"createdAt > "2024-01-01""#, &f));
        assert!(!m("createdAt < 2024-01-10", &f));
        assert!(m("createdAt >= 2024-01-10T08:30:00", &f));
        assert!(!m("createdAt > 2024-01-10T08:30:00Z", &f));
        assert!(m("createdAt <= 2024-01-10T08:30:00.000Z", &f));
        assert!(!m(
            r#"createdAt < "2024-01-10T09:30:00+01:00" OR size < 0"#,
            &f
        ));
        assert!(m(r#"createdAt <= "2024-01-10T09:30:00+01:00""#, &f));
        assert!(
            m("createdAt = 2024-01-10", &f),
            "= with a date matches the whole day"
        );
        assert!(!m("createdAt = 2024-01-11", &f));
        assert!(
            m("createdAt = 2024-01-10T08:30:00", &f),
            "= matches the whole second"
        );
        assert!(!m("createdAt = 2024-01-10T08:31:00", &f));
        assert!(m("createdAt IN [2023-01-01, 2024-01-10]", &f));
        assert!(m("createdAt NOT IN [2023-01-01]", &f));
        assert!(m("createdAt NOT = 2023-01-01", &f));
        assert!(m("updatedAt > 2024-06-14", &f));
        assert!(!m("updatedAt < 2024-06-14", &f));
    }

    #[test]
    fn relative_dates_use_now() {
        // now 2024-06-15T12:00Z; updated 2024-06-14T12:00Z; created 2024-01-10.
        let f = file(json!({}));
        assert!(m("updatedAt > 2d", &f));
        assert!(m("updatedAt > 25h", &f));
        assert!(!m("updatedAt > 23h", &f));
        assert!(m(r#"updatedAt > "1w""#, &f));
        assert!(m("createdAt < 1m", &f), "a month is 30 days");
        assert!(m("createdAt > 6m", &f));
        assert!(m("createdAt > 1y", &f));
        assert!(!m("createdAt > 5D", &f), "units are case-insensitive");
        assert!(
            m("updatedAt = 1d", &f),
            "= matches the UTC day of that instant"
        );
        assert!(!m("updatedAt = 2d", &f));
        // The same query at a different `now` gives a different answer.
        let q = parse("updatedAt > 2d").unwrap();
        let later = EvalContext {
            now: ts("2024-07-01T00:00:00Z"),
            fields: &[],
        };
        assert!(!q.matches_file(&f, &later));
    }

    #[test]
    fn size_units_and_dimensions() {
        let f = file(json!({"size": 1_572_864, "width": 800, "height": 600}));
        assert!(m(r#"size > "1mb""#, &f));
        assert!(m(r#"size < "2 MB""#, &f));
        assert!(m(r#"size = "1.5mb""#, &f));
        assert!(m(r#"size >= "1536kb""#, &f));
        assert!(m("size = 1572864", &f));
        assert!(m(r#"size < "0.01gb""#, &f));
        assert!(m(r#"size IN [1, "1.5MB"]"#, &f));
        assert!(m(r#"size NOT IN ["1kb"]"#, &f));
        assert!(m("size > 1mb", &f), "an unquoted size is accepted too");
        assert!(!m(r#"size > "10kb" AND size < "1mb""#, &f));
        assert!(m("width > 500 AND height <= 600", &f));
        assert!(!m("height < 600", &f));
        assert!(m("width = 800.0", &f));
        assert!(m(r#"width = "800""#, &f));
        assert!(m("width NOT = 801", &f));
        assert!(m("width > -1", &f));
    }

    #[test]
    fn format_and_flags() {
        let f = file(json!({"name": "Logo.PNG", "isPrivateFile": true, "hasAlpha": true}));
        assert!(m(r#"format = "png""#, &f));
        assert!(m(r#"format = "PNG""#, &f));
        assert!(m(r#"format IN ["jpg", "png"]"#, &f));
        assert!(!m(r#"format NOT IN ["jpg", "png"]"#, &f));
        assert!(m(r#"format NOT = "jpg""#, &f));
        assert!(m("private = true", &f));
        assert!(!m("private = false", &f));
        assert!(m("private NOT = false", &f));
        assert!(m("published = TRUE", &f), "published defaults to true");
        assert!(m("transparency = true", &f));
        let g = file(json!({"isPublished": false}));
        assert!(m(
            "published = false AND private = false AND transparency = false",
            &g
        ));
    }

    #[test]
    fn path_and_id() {
        let f = file(json!({})); // in /products/shoes/
        assert!(m(r#"path = "/products/shoes""#, &f));
        assert!(m(r#"path = "/products/shoes/""#, &f));
        assert!(!m(r#"path = "/products""#, &f), "= is one folder level");
        assert!(m(r#"path : "/products""#, &f), ": includes subfolders");
        assert!(m(r#"path : "/products/""#, &f));
        assert!(m(r#"path : "/""#, &f));
        assert!(!m(r#"path : "/prod""#, &f), ": stops at segment boundaries");
        assert!(m(r#"path IN ["/a", "/products/shoes"]"#, &f));
        assert!(m(r#"path NOT = "/products""#, &f));
        assert!(m(r#"path NOT IN ["/a"]"#, &f));
        let root = file(json!({"filePath": "/x.jpg"}));
        assert!(m(r#"path = "/""#, &root));
        assert!(!m(r#"path : "/products""#, &root));
        assert!(m(r#"id = "f1""#, &f));
        assert!(m(r#"id IN ["f0", "f1"]"#, &f));
        assert!(m(r#"id NOT IN ["f0"]"#, &f));
        assert!(!m(r#"id NOT = "f1""#, &f));
    }

    #[test]
    fn folders() {
        let d = folder("/products/shoes");
        assert!(mf(r#"name = "shoes""#, &d));
        assert!(mf(r#"name HAS "SHOES""#, &d));
        assert!(
            mf(r#"path = "/products""#, &d),
            "a folder's path is its parent"
        );
        assert!(mf(r#"path : "/""#, &d));
        assert!(!mf(r#"path = "/products/shoes""#, &d));
        assert!(mf(r#"id = "d1""#, &d));
        assert!(mf("createdAt < 1d", &d));
        assert!(
            !mf(r#"tags IN ["x"]"#, &d),
            "other fields are false on folders"
        );
        assert!(mf(r#"tags NOT IN ["x"]"#, &d), "and their NOT forms true");
        assert!(!mf("size > 0", &d));
        assert!(mf("size NOT = 0", &d));
        assert!(!mf(r#""customMetadata.brand" = "Nike""#, &d));
        assert!(mf(r#"type = "folder" AND name : "sh""#, &d));
        assert!(mf(r#"path = "/""#, &folder("/top/")));
    }

    #[test]
    fn precedence_and_parentheses() {
        let f = file(json!({"size": 100}));
        // a OR b AND c  ==  a OR (b AND c)
        assert!(m(r#"size = 100 OR size = 1 AND size = 2"#, &f));
        assert!(!m(r#"(size = 100 OR size = 1) AND size = 2"#, &f));
        assert!(!m(r#"size = 1 AND size = 2 OR size = 3"#, &f));
        assert!(m(r#"size = 1 AND size = 2 OR size = 100"#, &f));
        assert!(m(r#"((((size = 100))))"#, &f));
        assert!(m(
            r#"(size < "1mb" AND width > 500) OR (tags IN ["summer-sale","banner"]) OR size = 100"#,
            &f
        ));
        assert!(!m(r#"size = 100 AND (size = 1 OR size = 2)"#, &f));
    }

    #[test]
    fn keywords_are_case_insensitive() {
        let f = file(json!({"tags": ["a"], "size": 5}));
        assert!(m(r#"tags in ["a"] and size > 1"#, &f));
        assert!(m(r#"tags Not In ["b"] oR size > 100"#, &f));
        assert!(m(r#"name not = "x" AND tags exists"#, &f));
        assert!(m(r#"tags has "A" And name nOt = "y""#, &f));
        assert!(m("published = True AND tags not exists OR size = 5", &f));
        assert!(m(r#"Name = "red-shoe.jpg" AND CREATEDAT > 2020-01-01"#, &f));
    }

    #[test]
    fn tight_spacing_and_unicode() {
        let f = file(json!({"name": "café crème.jpg", "tags": ["été"]}));
        assert!(m(r#"name:"café"AND(tags IN["été"])"#, &f));
        assert!(m(r#"name HAS "CRÈME""#, &f));
        assert!(m("createdAt>2024-01-10T08:00:00Z", &f));
        assert!(m("createdAt>=2024-01-10T08:30", &f));
    }

    #[test]
    fn custom_metadata() {
        let f = file(json!({"customMetadata": {
            "brand": "Nike Air", "price": 120, "launch": "2024-03-01T00:00:00.000Z",
            "onSale": true, "size": "M", "colors": ["red", "blue"], "notes": "Limited edition",
        }}));
        let g = file(json!({"customMetadata": {"size": 20, "price": "99.5"}}));
        assert!(m(r#""customMetadata.brand" = "Nike Air""#, &f));
        assert!(m(r#""customMetadata.brand" : "Nike""#, &f));
        assert!(m(r#""customMetadata.brand" HAS "air""#, &f));
        assert!(m(r#""customMetadata.brand" IN ["Adidas", "Nike Air"]"#, &f));
        assert!(m(r#""customMetadata.brand" NOT = "Adidas""#, &f));
        assert!(m(r#""customMetadata.notes" HAS "EDITION""#, &f));
        assert!(m(
            r#""customMetadata.price" > 100 AND "customMetadata.price" <= 120"#,
            &f
        ));
        assert!(m(r#""customMetadata.price" IN [1, 120]"#, &f));
        assert!(
            m(r#""customMetadata.price" < 100"#, &g),
            "numeric strings compare as numbers"
        );
        assert!(m(r#""customMetadata.launch" > "2024-02-01""#, &f));
        assert!(m(r#""customMetadata.launch" = "2024-03-01""#, &f));
        assert!(m(r#""customMetadata.launch" > 1y"#, &f));
        assert!(m(r#""customMetadata.onSale" = true"#, &f));
        assert!(!m(r#""customMetadata.onSale" = false"#, &f));
        assert!(m(r#""customMetadata.size" = "M""#, &f));
        assert!(m(r#""customMetadata.size" > 10"#, &g));
        assert!(
            !m(r#""customMetadata.size" > 10"#, &f),
            "non-numeric value never compares"
        );
        assert!(m(r#""customMetadata.colors" IN ["green", "blue"]"#, &f));
        assert!(!m(r#""customMetadata.colors" NOT IN ["red"]"#, &f));
        assert!(m(r#""customMetadata.brand" EXISTS"#, &f));
        assert!(m(r#""customMetadata.brand" NOT EXISTS"#, &g));
        assert!(
            m(r#""customMetadata.brand" NOT = "Nike Air""#, &g),
            "missing value: NOT = holds"
        );
        assert!(!m(r#""customMetadata.brand" = "Nike Air""#, &g));
        assert!(
            m(r#"customMetadata.brand = "Nike Air""#, &f),
            "bare field name accepted"
        );
    }

    #[test]
    fn embedded_metadata() {
        let f = file(json!({"embeddedMetadata": {
            "Keywords": ["beach", "sunset"], "ISO": 200, "Make": "Canon",
        }}));
        assert!(m(r#""embeddedMetadata.Keywords" IN ["sunset"]"#, &f));
        assert!(m(r#""embeddedMetadata.Make" = "Canon""#, &f));
        assert!(m(r#""embeddedMetadata.ISO" = 200"#, &f));
        assert!(m(r#""embeddedMetadata.ISO" >= 100"#, &f));
        assert!(m(r#""embeddedMetadata.Make" EXISTS"#, &f));
        assert!(m(r#""embeddedMetadata.Lens" NOT EXISTS"#, &f));
        assert!(!m(r#""embeddedMetadata.Make" EXISTS"#, &file(json!({}))));
    }

    #[test]
    fn error_messages_say_what_and_where() {
        let cases: &[(&str, &[&str])] = &[
            (
                "createdAt > ",
                &["expected a value after '>'", "position 12", "end of query"],
            ),
            (
                "colour = \"red\"",
                &[
                    "unknown field 'colour' at position 0",
                    "known fields: name, tags",
                ],
            ),
            (
                "nmae = \"x\"",
                &["unknown field 'nmae'", "did you mean 'name'?"],
            ),
            (
                "name = \"x\" AND tags IN [\"unterminated",
                &["unterminated string starting at position 24"],
            ),
            (
                "size : 5",
                &[
                    "operator ':' is not supported for field 'size' at position 5",
                    "supported: =",
                ],
            ),
            (
                "(name = \"x\"",
                &["unbalanced parenthesis: '(' at position 0 is never closed"],
            ),
            (
                "name = \"x\")",
                &["unbalanced parenthesis: ')' at position 10 has no matching '('"],
            ),
            (
                "size = \"big\"",
                &["'size' needs a number or a size like \"10kb\", got \"big\" at position 7"],
            ),
            ("AND name = \"x\"", &["unexpected 'AND' at position 0"]),
            (
                "name = \"x\" AND",
                &["expected a condition after 'AND' at position 14, found end of query"],
            ),
            (
                "name \"x\"",
                &[
                    "expected an operator after 'name' at position 5",
                    "found \"x\"",
                ],
            ),
            ("tags IN \"x\"", &["expected '[' after 'IN' at position 8"]),
            (
                "tags IN [\"a\" \"b\"]",
                &["expected ',' or ']' at position 13"],
            ),
            (
                "tags IN [\"a\",]",
                &["expected a value after ',' at position 13, found ']'"],
            ),
            ("tags IN []", &["the list at position 8 is empty"]),
            (
                "tags IN [\"a\"",
                &["unterminated list: '[' at position 8 is never closed"],
            ),
            (
                "name = \"a\" name = \"b\"",
                &["expected 'AND' or 'OR' at position 11, found 'name'"],
            ),
            (
                "name NOT \"a\"",
                &["expected '=', 'IN' or 'EXISTS' after 'NOT' at position 9"],
            ),
            (
                "name != \"a\"",
                &["'!=' at position 5 is not supported; use 'NOT ='"],
            ),
            ("name = 'a'", &["single quotes", "position 7"]),
            (
                "createdAt > yesterday",
                &["'createdAt' needs a date", "got yesterday at position 12"],
            ),
            (
                "createdAt > 2024-02-30",
                &["'createdAt' needs a date", "position 12"],
            ),
            (
                "private = yes",
                &["'private' needs true or false, got yes at position 10"],
            ),
            (
                "type = \"image\"",
                &[
                    "'type' needs \"file\", \"file-version\" or \"folder\", got \"image\" at position 7",
                ],
            ),
            (
                "name = photo",
                &["'name' needs a quoted string, got photo at position 7"],
            ),
            (
                "name = [\"a\"]",
                &["'=' takes a single value, found a list at position 7", "IN"],
            ),
            ("name = \"a\\q\"", &["invalid escape '\\q' at position 9"]),
            (
                "()",
                &[
                    "unexpected ')' at position 1",
                    "expected a condition after '('",
                ],
            ),
            (
                "tags EXISTS \"x\"",
                &["expected 'AND' or 'OR' at position 12"],
            ),
            (
                "name HAS \"--\"",
                &["'HAS' needs at least one word", "position 9"],
            ),
            ("   ", &["empty"]),
            (
                "\"customMetadata.\" = 1",
                &["missing field name after 'customMetadata.' at position 0"],
            ),
            (
                "size > 1e5",
                &["'size' needs a number or a size like \"10kb\", got 1e5 at position 7"],
            ),
            (
                "NOT name = \"a\"",
                &[
                    "unexpected 'NOT' at position 0",
                    "NOT goes after the field name",
                ],
            ),
            ("name = \"a\" && size > 1", &["position 11", "use AND / OR"]),
            (
                "tags IN [[\"a\"]]",
                &["lists cannot be nested (at position 9)"],
            ),
            ("name = \"a\" AND # ", &["unknown field '#' at position 15"]),
        ];
        for (q, needles) in cases {
            let e = err(q);
            assert!(e.starts_with("Invalid search query: "), "{q:?} → {e}");
            for n in *needles {
                assert!(e.contains(n), "{q:?} → {e:?} lacks {n:?}");
            }
        }
    }

    #[test]
    fn positions_are_character_offsets() {
        // 'é' and '日本' are multi-byte; positions count characters.
        let e = err("name = \"é\" AND 日本 = 1");
        assert!(e.contains("unknown field '日本' at position 15"), "{e}");
        let e = err("name = \"日本語");
        assert!(
            e.contains("unterminated string starting at position 7"),
            "{e}"
        );
    }

    #[test]
    fn validation_against_definitions() {
        assert!(verr(r#""customMetadata.colour" = "red""#).contains(
            "unknown custom metadata field 'colour' at position 0; did you mean 'colors'?"
        ));
        assert!(
            verr(r#""customMetadata.colour" = "red""#).contains("defined fields: brand, price")
        );
        assert!(verr(r#"name = "a" AND "customMetadata.price" : "1""#)
            .contains("operator ':' is not supported for custom metadata field 'price' (Number) at position 38"));
        assert!(verr(r#""customMetadata.price" > "cheap""#).contains(
            "'customMetadata.price' (Number) needs a number, got \"cheap\" at position 25"
        ));
        assert!(verr(r#""customMetadata.brand" = 5"#).contains("needs a quoted string"));
        assert!(verr(r#""customMetadata.onSale" = "maybe""#).contains("needs true or false"));
        assert!(verr(r#""customMetadata.launch" < "soon""#).contains("needs a date"));
        assert!(
            verr(r#""customMetadata.colors" = "red""#).contains("operator '=' is not supported")
        );
        assert!(verr(r#""customMetadata.size" > "L""#).contains("needs a number for a comparison"));
        assert!(verr(r#""customMetadata.onSale" HAS "x""#).contains("'HAS' is not supported"));
        let none = parse(r#""customMetadata.x" EXISTS"#).unwrap().validate(&[]);
        assert!(
            none.unwrap_err()
                .message
                .contains("no custom metadata fields are defined")
        );
        // Built-in fields never need definitions.
        assert!(parse("size > 1").unwrap().validate(&[]).is_ok());
    }

    #[test]
    fn limits() {
        let long = format!("name = \"{}\"", "a".repeat(MAX_QUERY_CHARS));
        assert!(err(&long).contains("maximum is 10000"));
        let deep = format!("{}name = \"a\"{}", "(".repeat(65), ")".repeat(65));
        assert!(err(&deep).contains("too deeply nested"), "{}", err(&deep));
        let ok = format!("{}name = \"a\"{}", "(".repeat(64), ")".repeat(64));
        assert!(parse(&ok).is_ok());
        assert!(err(&"(".repeat(MAX_QUERY_CHARS)).contains("too deeply nested"));
        let list: Vec<String> = (0..1001).map(|i| format!("\"t{i}\"")).collect();
        let q = format!("tags IN [{}]", list.join(","));
        assert!(err(&q).contains("too many values in the list at position 8"));
        let list: Vec<String> = (0..1000).map(|i| format!("\"t{i}\"")).collect();
        assert!(parse(&format!("tags IN [{}]", list.join(","))).is_ok());
        // Long OR chains are iterative, not recursive.
        let chain = vec!["size = 1"; 800].join(" OR ");
        assert!(parse(&chain).is_ok());
    }

    #[test]
    fn search_error_is_an_error() {
        let e = parse("").unwrap_err();
        let as_dyn: &dyn std::error::Error = &e;
        assert_eq!(as_dyn.to_string(), e.message);
        assert!("size > 1".parse::<Query>().is_ok());
    }

    #[test]
    fn date_parsing() {
        assert_eq!(
            parse_abs_date("2020-01-01"),
            Some((ts("2020-01-01T00:00:00Z").millis(), DAY_MS))
        );
        assert_eq!(
            parse_abs_date("2020-01-01T12:12:12.5"),
            Some((ts("2020-01-01T12:12:12.500Z").millis(), 1))
        );
        assert_eq!(
            parse_abs_date("2020-01-01T12:12:12-02:00"),
            Some((ts("2020-01-01T14:12:12Z").millis(), 1000))
        );
        for bad in [
            "2020-1-01",
            "2020-13-01",
            "2020-01-01T25:00",
            "2020-01-01T",
            "2020-01-01Tx",
            "20200101",
        ] {
            assert_eq!(parse_abs_date(bad), None, "{bad}");
        }
        assert_eq!(parse_size("2.5 MB"), Some(2.5 * 1024.0 * 1024.0));
        assert_eq!(parse_size("10kb"), Some(10240.0));
        assert_eq!(parse_size("1gb"), Some(1024.0 * 1024.0 * 1024.0));
        assert_eq!(parse_size("12"), Some(12.0));
        assert_eq!(parse_size("big"), None);
        assert_eq!(parse_size("1..5mb"), None);
    }

    // ---- property tests ----

    const SOUP: &[&str] = &[
        "name",
        "tags",
        "type",
        "createdAt",
        "updatedAt",
        "size",
        "width",
        "height",
        "format",
        "private",
        "published",
        "transparency",
        "path",
        "id",
        "colour",
        "\"customMetadata.brand\"",
        "\"customMetadata.price\"",
        "\"customMetadata.colors\"",
        "\"customMetadata.launch\"",
        "\"customMetadata.nope\"",
        "\"embeddedMetadata.ISO\"",
        "customMetadata.",
        "=",
        ":",
        "<",
        "<=",
        ">",
        ">=",
        "IN",
        "NOT",
        "HAS",
        "EXISTS",
        "AND",
        "OR",
        "and",
        "or",
        "not",
        "in",
        "(",
        ")",
        "[",
        "]",
        ",",
        "\"a\"",
        "\"summer-sale\"",
        "\"1mb\"",
        "\"2020-01-01\"",
        "7d",
        "12H",
        "2020-01-01",
        "2020-01-01T10:20:30Z",
        "true",
        "false",
        "5",
        "-3.5",
        "1e400",
        "99999999999999999999y",
        "\"",
        "\\",
        "!=",
        "!",
        "'",
        "é",
        "日本",
        "\"/products\"",
        "\"/\"",
        "\"file\"",
        "\"folder\"",
        "\"file-version\"",
        "\"\\\"x\\\\\"",
        "\"\"",
        "#",
        ".",
        "-",
        "&&",
    ];

    fn soup() -> impl Strategy<Value = String> {
        prop::collection::vec((prop::sample::select(SOUP), any::<bool>()), 0..40).prop_map(|v| {
            v.into_iter()
                .map(|(t, space)| if space { format!("{t} ") } else { t.to_owned() })
                .collect()
        })
    }

    const STR: &str = r#""a"|"red-shoe.jpg"|"summer sale"|"é"|"M"|"x\"y""#;
    const NUM: &str = r#"5|120|-3.5|0|"1mb"|"2.5 KB"|1024"#;
    const DATE: &str = r#""2024-01-10"|2024-01-10T08:30:00Z|7d|"12h"|1y|2020-02-29"#;
    const BOOL: &str = "true|FALSE|\"true\"";
    const ANY: &str = r#""a"|5|true|"2024-01-10"|7d|"M"|"/""#;
    /// Field, its operators, and values that suit it (separated by '|').
    const SOUP_FIELDS: &[(&str, &str, &str)] = &[
        ("name", "= : IN NOTIN NOT= HAS", STR),
        ("tags", "= IN NOTIN NOT= HAS EXISTS NOTEXISTS", STR),
        (
            "type",
            "= IN NOTIN NOT=",
            r#""file"|"folder"|"file-version""#,
        ),
        ("createdAt", "= < <= > >= IN NOTIN NOT=", DATE),
        ("updatedAt", "= < <= > >= IN NOTIN NOT=", DATE),
        ("size", "= < <= > >= IN NOTIN NOT=", NUM),
        ("width", "= < <= > >= IN", NUM),
        ("height", "= < <= > >= NOT=", NUM),
        ("format", "= IN NOTIN NOT=", r#""jpg"|"PNG"|".gif""#),
        ("private", "= NOT=", BOOL),
        ("published", "= NOT=", BOOL),
        ("transparency", "=", BOOL),
        (
            "path",
            "= : IN NOTIN NOT=",
            r#""/products"|"/"|"products/shoes/"|"/x""#,
        ),
        ("id", "= IN NOTIN NOT=", r#""f1"|"d1""#),
        (
            "\"customMetadata.brand\"",
            "= : IN NOTIN NOT= HAS EXISTS NOTEXISTS",
            STR,
        ),
        (
            "\"customMetadata.price\"",
            "= < <= > >= IN NOTIN NOT= EXISTS",
            NUM,
        ),
        (
            "\"customMetadata.launch\"",
            "= < <= > >= IN NOT= NOTEXISTS",
            DATE,
        ),
        ("\"customMetadata.onSale\"", "= NOT= EXISTS", BOOL),
        (
            "\"customMetadata.size\"",
            "= : IN NOTIN NOT= < > EXISTS",
            ANY,
        ),
        ("\"customMetadata.colors\"", "IN NOTIN EXISTS", ANY),
        (
            "\"embeddedMetadata.ISO\"",
            "= : < > IN NOTIN HAS EXISTS NOTEXISTS",
            ANY,
        ),
    ];

    /// Mostly well-formed queries (clauses of field, operator, value joined by AND/OR,
    /// some parenthesised) with an occasional token dropped or duplicated, so that
    /// the parser, the compiler and the evaluator are all reached.
    fn structured_soup() -> impl Strategy<Value = String> {
        let clause = (
            any::<bool>(),
            prop::sample::select(SOUP_FIELDS),
            any::<prop::sample::Index>(),
            prop::collection::vec(any::<prop::sample::Index>(), 1..4),
        )
            .prop_map(|(paren, (f, ops, values), op_at, picks)| {
                let ops: Vec<&str> = ops.split(' ').collect();
                let values: Vec<&str> = values.split('|').collect();
                let op = ops.get(op_at.index(ops.len())).copied().unwrap_or("=");
                let list: Vec<&str> = picks
                    .iter()
                    .filter_map(|i| values.get(i.index(values.len())).copied())
                    .collect();
                let v = list.first().copied().unwrap_or("\"a\"");
                let body = match op {
                    "EXISTS" => format!("{f} EXISTS"),
                    "NOTEXISTS" => format!("{f} NOT EXISTS"),
                    "IN" => format!("{f} IN [{}]", list.join(", ")),
                    "NOTIN" => format!("{f} NOT IN [{}]", list.join(",")),
                    "NOT=" => format!("{f} NOT = {v}"),
                    _ => format!("{f} {op} {v}"),
                };
                if paren { format!("({body})") } else { body }
            });
        let clauses = prop::collection::vec((clause, prop::bool::ANY), 1..6).prop_map(|v| {
            let mut out = String::new();
            for (i, (c, and)) in v.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(if and { " AND " } else { " or " });
                }
                out.push_str(&c);
            }
            out
        });
        (clauses, 0..8u8, any::<prop::sample::Index>()).prop_map(|(q, mutation, at)| {
            let toks: Vec<&str> = q.split(' ').collect();
            let i = at.index(toks.len().max(1));
            let mut toks: Vec<String> = toks.into_iter().map(str::to_owned).collect();
            match mutation {
                0 if !toks.is_empty() => {
                    toks.remove(i);
                }
                1 => {
                    if let Some(t) = toks.get(i).cloned() {
                        toks.insert(i, t);
                    }
                }
                _ => {}
            }
            toks.join(" ")
        })
    }

    fn sample_items() -> (Vec<FileDetails>, FolderDetails) {
        let files = vec![
            file(json!({})),
            file(json!({
                "type": "file-version", "name": "x", "filePath": "x", "size": 2048,
                "tags": ["a", "summer-sale"],
                "AITags": [{"name": "é", "confidence": 1.0, "source": "s"}],
                "customMetadata": {"brand": "a", "price": "5", "colors": ["a", 1], "launch": "bad"},
                "embeddedMetadata": {"ISO": 5},
            })),
            file(
                json!({"customMetadata": {"brand": 5, "price": [1, 2], "launch": "2020-01-01"},
                "embeddedMetadata": [1]}),
            ),
        ];
        (files, folder("/products/"))
    }

    fn eval_all(q: &Query) {
        let (files, d) = sample_items();
        let fields = defs();
        for now in ["1970-01-01T00:00:00Z", NOW] {
            let ctx = EvalContext {
                now: ts(now),
                fields: &fields,
            };
            for f in &files {
                let _ = q.matches_file(f, &ctx);
            }
            let _ = q.matches_folder(&d, &ctx);
        }
        let _ = q.validate(&fields);
        let _ = q.mentions_type();
    }

    /// Valid leaf conditions, for the compositional property.
    const LEAVES: &[&str] = &[
        r#"name = "red-shoe.jpg""#,
        r#"name : "x""#,
        r#"tags IN ["a"]"#,
        "tags EXISTS",
        r#"size > "1kb""#,
        "createdAt > 7d",
        "updatedAt < 2024-01-01",
        r#"type = "file-version""#,
        r#"path : "/products""#,
        "private = false",
        r#""customMetadata.brand" = "a""#,
        r#""customMetadata.price" NOT IN [5]"#,
    ];

    #[derive(Debug, Clone)]
    enum Expr {
        Leaf(usize),
        And(Box<Expr>, Box<Expr>),
        Or(Box<Expr>, Box<Expr>),
    }

    fn expr() -> impl Strategy<Value = Expr> {
        let leaf = (0..LEAVES.len()).prop_map(Expr::Leaf);
        leaf.prop_recursive(5, 32, 2, |inner| {
            prop_oneof![
                (inner.clone(), inner.clone())
                    .prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
                (inner.clone(), inner).prop_map(|(a, b)| Expr::Or(Box::new(a), Box::new(b))),
            ]
        })
    }

    fn render(e: &Expr) -> String {
        match e {
            Expr::Leaf(i) => LEAVES.get(*i).copied().unwrap_or_default().to_owned(),
            Expr::And(a, b) => format!("({} and {})", render(a), render(b)),
            Expr::Or(a, b) => format!("({} OR {})", render(a), render(b)),
        }
    }

    fn expected(e: &Expr, f: &FileDetails, ctx: &EvalContext) -> bool {
        match e {
            Expr::Leaf(i) => parse(LEAVES.get(*i).copied().unwrap_or_default())
                .unwrap()
                .matches_file(f, ctx),
            Expr::And(a, b) => expected(a, f, ctx) && expected(b, f, ctx),
            Expr::Or(a, b) => expected(a, f, ctx) || expected(b, f, ctx),
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics_on_arbitrary_text(s in "\\PC{0,200}") {
            if let Ok(q) = parse(&s) {
                eval_all(&q);
            }
        }

        #[test]
        fn parse_never_panics_on_any_chars(s in any::<String>()) {
            if let Ok(q) = parse(&s) {
                eval_all(&q);
            }
        }

        #[test]
        fn parse_never_panics_on_token_soup(s in soup()) {
            match parse(&s) {
                Ok(q) => eval_all(&q),
                Err(e) => {
                    prop_assert!(e.message.starts_with(ERROR_PREFIX));
                    prop_assert!(e.message.contains("position") || e.message.contains("empty"), "{}", e.message);
                }
            }
        }

        #[test]
        fn structured_soup_parses_or_fails_cleanly(s in structured_soup()) {
            match parse(&s) {
                Ok(q) => eval_all(&q),
                Err(e) => {
                    prop_assert!(e.message.starts_with(ERROR_PREFIX));
                    prop_assert!(e.message.contains("position"), "{}", e.message);
                }
            }
        }

        #[test]
        fn and_or_compose(e in expr()) {
            let q = render(&e);
            let parsed = parse(&q);
            prop_assert!(parsed.is_ok(), "{q}: {parsed:?}");
            let parsed = parsed.unwrap();
            prop_assert!(parsed.validate(&defs()).is_ok());
            let (files, _) = sample_items();
            let fields = defs();
            let ctx = EvalContext { now: ts(NOW), fields: &fields };
            for f in &files {
                prop_assert_eq!(parsed.matches_file(f, &ctx), expected(&e, f, &ctx), "{}", q);
            }
        }
    }
}
