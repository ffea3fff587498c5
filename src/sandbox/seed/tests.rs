use super::*;

fn valid_metadata(lib: &Library) {
    for f in &lib.files {
        for (k, v) in &f.custom_metadata {
            let field = lib
                .fields
                .iter()
                .find(|d| &d.name == k)
                .unwrap_or_else(|| panic!("{}: field {k} is defined", f.name));
            let ok = match field.schema.kind {
                FieldType::Text | FieldType::Textarea => v.is_string(),
                FieldType::Number => v.is_number(),
                FieldType::Boolean => v.is_boolean(),
                FieldType::Date => v.as_str().is_some_and(looks_like_date),
                FieldType::SingleSelect => field
                    .schema
                    .select_options
                    .as_ref()
                    .is_some_and(|o| o.contains(v)),
                FieldType::MultiSelect => v.as_array().is_some_and(|items| {
                    items.iter().all(|i| {
                        field
                            .schema
                            .select_options
                            .as_ref()
                            .is_some_and(|o| o.contains(i))
                    })
                }),
            };
            assert!(ok, "{}: {k} = {v} fits {:?}", f.name, field.schema.kind);
        }
    }
}

#[test]
fn demo_library_is_realistic_and_valid() {
    let lib = demo();
    assert!(lib.files.len() >= 250, "{} files", lib.files.len());
    let ids: HashSet<&str> = lib.files.iter().map(|f| f.file_id.as_str()).collect();
    assert_eq!(ids.len(), lib.files.len(), "unique ids");
    valid_metadata(&lib);
    let tags: HashSet<&str> = lib
        .files
        .iter()
        .flat_map(|f| f.tags.iter().map(String::as_str))
        .collect();
    for messy in ["summer-sale", "Summer Sale", "summersale"] {
        assert!(tags.contains(messy), "demo has the near-duplicate {messy}");
    }
    assert!(
        lib.files.iter().any(|f| f.tags.is_empty()),
        "some files are untagged"
    );
    assert!(
        lib.files
            .iter()
            .flat_map(|f| &f.ai_tags)
            .any(|t| t.confidence < 50.0),
        "some AI tags have low confidence"
    );
    // The model round-trips the asset losslessly.
    let raw: Vec<Value> = serde_json::from_str(DEMO_LIBRARY).unwrap();
    for (f, raw) in lib.files.iter().zip(&raw) {
        assert_eq!(&serde_json::to_value(f).unwrap(), raw, "{}", f.name);
    }
}

#[test]
fn generator_is_deterministic_and_realistic() {
    let a = generate(3000, 7);
    let b = generate(3000, 7);
    let c = generate(3000, 8);
    assert_eq!(a.files, b.files);
    assert_ne!(a.files, c.files);
    assert_eq!(a.files.len(), 3000);
    let ids: HashSet<&str> = a.files.iter().map(|f| f.file_id.as_str()).collect();
    assert_eq!(ids.len(), 3000);
    let untagged = a.files.iter().filter(|f| f.tags.is_empty()).count();
    assert!((300..=600).contains(&untagged), "~15% untagged: {untagged}");
    let images = a.files.iter().filter(|f| f.file_type == "image").count();
    let ai = a.files.iter().filter(|f| !f.ai_tags.is_empty()).count();
    assert!(
        ai * 100 / images >= 45 && ai * 100 / images <= 70,
        "AI tags on ~60% of images: {ai}/{images}"
    );
    valid_metadata(&a);
    let folders: HashSet<String> = a
        .folders
        .iter()
        .map(|f| format!("{}/", f.folder_path))
        .collect();
    assert!(a.folders.len() > 50, "{} folders", a.folders.len());
    for f in &a.files {
        assert!(
            folders.contains(f.folder()),
            "{} has its folder",
            f.file_path
        );
        if let Some(c) = &f.custom_coordinates {
            let n: Vec<u32> = c.split(',').map(|x| x.parse().unwrap()).collect();
            assert!(
                n[0] + n[2] <= f.width.unwrap() && n[1] + n[3] <= f.height.unwrap(),
                "{c} inside {:?}x{:?}",
                f.width,
                f.height
            );
        }
        assert!(f.updated_at >= f.created_at);
    }
    // Long tail: the most common tag is far more common than the median one.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for t in a.files.iter().flat_map(|f| &f.tags) {
        *counts.entry(t).or_default() += 1;
    }
    let mut v: Vec<usize> = counts.values().copied().collect();
    v.sort_unstable();
    assert!(v[v.len() - 1] > 10 * v[v.len() / 2], "long tail: {v:?}");
}

#[test]
fn list_json_round_trips_and_rejects_bad_seeds_clearly() {
    let lib = generate(200, 1);
    let json = serde_json::to_string(&lib.files).unwrap();
    let back = from_list_json(&json).unwrap();
    assert_eq!(back.files, lib.files);
    assert_eq!(back.folders.len(), lib.folders.len());
    valid_metadata(&back);

    let e = from_list_json(r#"{"files": []}"#).unwrap_err().to_string();
    assert!(e.contains("JSON array") && e.contains("object"), "{e}");
    let e = from_list_json(r#"[{"fileId":"abc","name":"a.jpg","createdAt":"2020-01-01T00:00:00.000Z","updatedAt":"2020-01-01T00:00:00.000Z"}]"#)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("entry 0") && e.contains("abc") && e.contains("filePath"),
        "{e}"
    );
    let one = serde_json::to_value(&lib.files[0]).unwrap();
    let e = from_list_json(&serde_json::to_string(&vec![one.clone(), one]).unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("entry 1") && e.contains("twice"), "{e}");
    assert!(from_list_json("[1]").is_err());
    assert!(from_list_json("not json").is_err());
}

#[test]
fn urls_carry_updated_at_and_encode_the_path() {
    let mut f = generate(1, 3).files.remove(0);
    f.file_path = "/blog/Café menu.jpg".to_owned();
    f.updated_at = Timestamp::from_millis(1_700_000_000_123);
    refresh_urls(&mut f);
    assert_eq!(
        f.url,
        "https://ik.imagekit.io/demo/blog/Caf%C3%A9%20menu.jpg?updatedAt=1700000000123"
    );
    assert!(f.thumbnail.contains("/tr:n-ik_ml_thumbnail/blog/"));
    assert_eq!(object_id("x").len(), 24);
    assert_ne!(object_id("x"), object_id("y"));
}

/// FNV-1a of the generated library as JSON: any change to what the generator draws, or
/// in what order, changes it.
fn fingerprint(lib: &Library) -> u64 {
    let json = serde_json::to_string(&(&lib.files, &lib.folders, &lib.fields)).unwrap();
    id_hashes(format_args!("{json}")).0
}

#[test]
fn generator_output_is_pinned() {
    // Recorded from the sequential generator; the parallel one must match it byte for byte.
    assert_eq!(
        fingerprint(&generate(3000, 7)),
        8_396_743_034_995_703_666,
        "generate(3000, 7)"
    );
    assert_eq!(
        fingerprint(&generate(1, 3)),
        1_743_579_460_079_386_313,
        "generate(1, 3)"
    );
}

#[test]
fn the_store_order_plan_builds_the_sorted_library() {
    let mut expected = generate(5000, 11);
    expected
        .files
        .sort_by(|a, b| (a.created_at, &a.file_id).cmp(&(b.created_at, &b.file_id)));
    let plan = Plan::new(5000, 11).sorted();
    assert_eq!(plan.len(), 5000);
    assert_eq!(plan.folders(), &expected.folders[..]);
    assert_eq!(plan.folders(), &folders_for(&expected.files)[..]);
    let lib = plan.library();
    assert_eq!(lib.files, expected.files);

    // Chunks come in order, at most CHUNK at a time, and emit can stop the build.
    let plan = Plan::new(3 * CHUNK + 5, 2).sorted();
    let mut sizes = Vec::new();
    plan.build(|files| {
        sizes.push(files.len());
        true
    });
    assert_eq!(sizes, [CHUNK, CHUNK, CHUNK, 5]);
    let mut calls = 0;
    plan.build(|_| {
        calls += 1;
        false
    });
    assert_eq!(calls, 1, "stops when emit says so");
    assert!(Plan::new(0, 1).is_empty());
    assert!(generate(0, 1).files.is_empty());
}
