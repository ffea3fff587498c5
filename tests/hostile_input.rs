//! Property tests: arbitrary bodies, queries and ids never panic the sandbox or produce a 5xx.

mod common;

use common::*;
use proptest::prelude::*;
use serde_json::{Value, json};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        (-1e6f64..1e6).prop_map(|n| json!(n)),
        ".{0,20}".prop_map(Value::String),
        prop_oneof![
            Just(LOGO),
            Just(AVATAR),
            Just(UNKNOWN),
            Just("all"),
            Just("google-auto-tagging"),
            Just("10,10,20,20"),
        ]
        .prop_map(|s| Value::String(s.to_owned())),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::vec(
                (
                    prop_oneof![
                        Just("fileIds".to_owned()),
                        Just("tags".to_owned()),
                        Just("AITags".to_owned()),
                        Just("customMetadata".to_owned()),
                        Just("customCoordinates".to_owned()),
                        Just("removeAITags".to_owned()),
                        Just("extensions".to_owned()),
                        Just("publish".to_owned()),
                        Just("name".to_owned()),
                        Just("maxTags".to_owned()),
                        Just("minConfidence".to_owned()),
                        Just("isPublished".to_owned()),
                        Just("schema".to_owned()),
                        Just("type".to_owned()),
                        ".{0,8}",
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_json_bodies_get_a_4xx_or_success_never_5xx(body in json_value(), which in 0usize..6) {
        let rt = runtime();
        rt.block_on(async {
            let h = Harness::start().await;
            let path = match which {
                0 => "/v1/files/addTags".to_owned(),
                1 => "/v1/files/removeTags".to_owned(),
                2 => "/v1/files/removeAITags".to_owned(),
                3 => "/v1/files/batch/deleteByFileIds".to_owned(),
                4 => "/v1/customMetadataFields".to_owned(),
                _ => format!("/v1/files/{LOGO}/details"),
            };
            let r = if which == 5 { h.patch(&path, body.clone()).await } else { h.post(&path, body.clone()).await };
            prop_assert!(r.status < 500, "{path} {body} -> {} {}", r.status, r.body);
            prop_assert!(r.body.is_null() || r.body.is_object() || r.body.is_array());
            // The server is still healthy afterwards.
            prop_assert_eq!(h.get("/v1/files?limit=1").await.status, 200);
            Ok(())
        })?;
    }

    #[test]
    fn arbitrary_bytes_and_query_strings_never_5xx(bytes in prop::collection::vec(any::<u8>(), 0..200), query in ".{0,60}", id in ".{0,30}") {
        let rt = runtime();
        rt.block_on(async {
            let h = Harness::start().await;
            let r = h.send(h.http.post(h.url("/v1/files/addTags")).basic_auth(KEY, None::<&str>).body(bytes.clone())).await;
            prop_assert!(r.status == 400, "raw bytes -> {}", r.status);
            let r = h.get(&format!("/v1/files?searchQuery={}&sort={}", q(&query), q(&query))).await;
            prop_assert!(r.status < 500, "query {query:?} -> {}", r.status);
            let r = h.get(&format!("/v1/files?searchQuery={}", q(&query))).await;
            prop_assert!(r.status == 200 || r.status == 400, "query {query:?} -> {}", r.status);
            let id_path: String = form_urlencoded::byte_serialize(id.as_bytes()).collect();
            let r = h.get(&format!("/v1/files/{id_path}/details")).await;
            // "." and ".." are dot segments: the URL is normalised before it is sent, so the
            // request reaches another route (never a 5xx, which is what matters here).
            let dots = id == "." || id == "..";
            prop_assert!(
                r.status == 400 || r.status == 404 || (dots && r.status < 500),
                "id {id:?} -> {}",
                r.status
            );
            Ok(())
        })?;
    }
}
