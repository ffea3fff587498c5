//! Property tests: the parser never panics, and expressions compose.

use super::*;

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
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Expr::And(Box::new(a), Box::new(b))),
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
