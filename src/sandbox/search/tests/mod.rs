use super::*;
use proptest::prelude::*;
use serde_json::{Value, json};

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
    if let (Some(b), Value::Object(e)) = (base.as_object_mut(), extra) {
        for (k, v) in e {
            b.insert(k, v);
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
    // An unknown (`null`) size or dimension matches no comparison.
    let u = file(json!({"size": null, "width": null}));
    for q in [
        "size > 0",
        "size < 1mb",
        "size = 0",
        "width >= 0",
        "width NOT = 801",
    ] {
        assert!(!m(q, &u), "{q}");
    }
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
    let g = file(json!({"isPublished": false, "isPrivateFile": false, "hasAlpha": false}));
    assert!(m(
        "published = false AND private = false AND transparency = false",
        &g
    ));
    // Unknown (`null` or left out) is neither true nor false.
    let u = file(json!({"isPrivateFile": null}));
    for q in [
        "private = false",
        "private = true",
        "private NOT = true",
        "transparency = false",
    ] {
        assert!(!m(q, &u), "{q}");
    }
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
    assert!(m(r"size = 100 OR size = 1 AND size = 2", &f));
    assert!(!m(r"(size = 100 OR size = 1) AND size = 2", &f));
    assert!(!m(r"size = 1 AND size = 2 OR size = 3", &f));
    assert!(m(r"size = 1 AND size = 2 OR size = 100", &f));
    assert!(m(r"((((size = 100))))", &f));
    assert!(m(
        r#"(size < "1mb" AND width > 500) OR (tags IN ["summer-sale","banner"]) OR size = 100"#,
        &f
    ));
    assert!(!m(r"size = 100 AND (size = 1 OR size = 2)", &f));
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
/// Lexing and grammar: strings, operators, lists, parentheses, AND / OR.
fn syntax_errors_say_what_and_where() {
    assert_errors(&[
        (
            "createdAt > ",
            &["expected a value after '>'", "position 12", "end of query"],
        ),
        (
            "name = \"x\" AND tags IN [\"unterminated",
            &["unterminated string starting at position 24"],
        ),
        (
            "(name = \"x\"",
            &["unbalanced parenthesis: '(' at position 0 is never closed"],
        ),
        (
            "name = \"x\")",
            &["unbalanced parenthesis: ')' at position 10 has no matching '('"],
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
        ("   ", &["empty"]),
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
    ]);
}

#[test]
/// Unknown fields, and operators or values a known field does not take.
fn field_and_value_errors_say_what_and_where() {
    assert_errors(&[
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
            "size : 5",
            &[
                "operator ':' is not supported for field 'size' at position 5",
                "supported: =",
            ],
        ),
        (
            "size = \"big\"",
            &["'size' needs a number or a size like \"10kb\", got \"big\" at position 7"],
        ),
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
            &["'type' needs \"file\", \"file-version\" or \"folder\", got \"image\" at position 7"],
        ),
        (
            "name = photo",
            &["'name' needs a quoted string, got photo at position 7"],
        ),
        (
            "name = [\"a\"]",
            &["'=' takes a single value, found a list at position 7", "IN"],
        ),
        (
            "name HAS \"--\"",
            &["'HAS' needs at least one word", "position 9"],
        ),
        (
            "\"customMetadata.\" = 1",
            &["missing field name after 'customMetadata.' at position 0"],
        ),
        (
            "size > 1e5",
            &["'size' needs a number or a size like \"10kb\", got 1e5 at position 7"],
        ),
        ("name = \"a\" AND # ", &["unknown field '#' at position 15"]),
    ]);
}

/// Each query fails with an "Invalid search query" message containing every needle.
fn assert_errors(cases: &[(&str, &[&str])]) {
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
    assert!(
        verr(r#""customMetadata.colour" = "red""#).contains(
            "unknown custom metadata field 'colour' at position 0; did you mean 'colors'?"
        )
    );
    assert!(verr(r#""customMetadata.colour" = "red""#).contains("defined fields: brand, price"));
    assert!(verr(r#"name = "a" AND "customMetadata.price" : "1""#)
        .contains("operator ':' is not supported for custom metadata field 'price' (Number) at position 38"));
    assert!(
        verr(r#""customMetadata.price" > "cheap""#).contains(
            "'customMetadata.price' (Number) needs a number, got \"cheap\" at position 25"
        )
    );
    assert!(verr(r#""customMetadata.brand" = 5"#).contains("needs a quoted string"));
    assert!(verr(r#""customMetadata.onSale" = "maybe""#).contains("needs true or false"));
    assert!(verr(r#""customMetadata.launch" < "soon""#).contains("needs a date"));
    assert!(verr(r#""customMetadata.colors" = "red""#).contains("operator '=' is not supported"));
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

mod props;
