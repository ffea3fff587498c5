//! The `searchQuery` language of `GET /v1/files`: parser, validator and evaluator.
//!
//! `ImageKit`'s query language is Lucene-like (see `IMAGEKIT-API.md` §3.1.1):
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
//!
//! The pipeline, one submodule per stage: `lex` (characters to tokens), `parser`
//! (tokens to conditions, using `fields` for field names and operators), `compile`
//! (each condition's values checked and read into the predicates of `ast`),
//! `validate` (custom metadata against its definitions) and `eval` (matching files
//! and folders).

mod ast;
mod compile;
mod eval;
mod fields;
mod lex;
mod parser;
mod validate;

#[cfg(test)]
mod tests;

use std::fmt;

use crate::model::{CustomMetadataField, FileDetails, FolderDetails, Timestamp};

use self::ast::Node;
use self::eval::Item;

/// Longest accepted query, in characters.
pub const MAX_QUERY_CHARS: usize = 10_000;
/// Deepest accepted nesting of parentheses.
pub const MAX_DEPTH: usize = 64;
/// Most values accepted in one `IN [...]` list.
pub const MAX_LIST_LEN: usize = 1_000;

const ERROR_PREFIX: &str = "Invalid search query: ";

/// Results of parsing, compiling and validating.
type PResult<T> = Result<T, SearchError>;

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
    let toks = lex::lex(&chars)?;
    let root = parser::parse_tokens(&chars, toks)?;
    Ok(Query { root })
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

    /// The only ids that can match, when the query pins them (`id IN [...]`, alone or
    /// joined by `AND` to other conditions): a server answers those by lookup, not a scan.
    pub fn required_ids(&self) -> Option<&[String]> {
        self.root.required_ids()
    }
}
