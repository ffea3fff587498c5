//! Media delivery: files' `url` / `thumbnail` point at the sandbox, which serves them
//! publicly (no key, no faults), over loopback HTTP.

mod common;

use common::*;
use iktag::sandbox::SeedSource;
use iktag::sandbox::faults::FaultConfig;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

async fn demo() -> Harness {
    Harness::with(SeedSource::Demo, FaultConfig::default()).await
}

/// The first demo file with this mime type.
fn first_with_mime<'a>(list: &'a Value, mime: &str) -> &'a Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|f| f["mime"] == mime)
        .unwrap_or_else(|| panic!("the demo library has a {mime} file"))
}

fn has_magic(content_type: &str, b: &[u8]) -> bool {
    match content_type {
        "image/jpeg" => b.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => b.starts_with(&[0x89, 0x50, 0x4E, 0x47]),
        "image/webp" => b.len() > 12 && b.starts_with(b"RIFF") && &b[8..12] == b"WEBP",
        "image/gif" => b.starts_with(b"GIF8"),
        _ => false,
    }
}

struct Fetched {
    status: u16,
    content_type: String,
    headers: reqwest::header::HeaderMap,
    bytes: Vec<u8>,
}

/// GET without any Authorization header.
async fn fetch(h: &Harness, url: &str) -> Fetched {
    let resp = h.http.get(url).send().await.expect("request");
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let bytes = resp.bytes().await.expect("body").to_vec();
    Fetched {
        status,
        content_type,
        headers,
        bytes,
    }
}

/// Sends raw request bytes (no client-side URL normalisation) and returns the status.
async fn raw_status(h: &Harness, target: &[u8]) -> u16 {
    let mut s = tokio::net::TcpStream::connect(h.sandbox.addr)
        .await
        .expect("connect");
    let mut req = b"GET ".to_vec();
    req.extend_from_slice(target);
    req.extend_from_slice(
        format!(
            " HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            h.sandbox.addr
        )
        .as_bytes(),
    );
    s.write_all(&req).await.expect("write");
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.expect("read");
    let line = String::from_utf8_lossy(&out);
    line.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("an HTTP response: {line}"))
}

#[tokio::test]
async fn urls_and_thumbnails_point_at_the_sandbox_in_every_response() {
    let h = demo().await;
    let prefix = format!("{}/demo/", h.base);
    let list = h.get("/v1/files").await;
    assert_eq!(list.status, 200);
    let files = list.body.as_array().unwrap();
    assert!(!files.is_empty());
    for f in files {
        let url = f["url"].as_str().unwrap();
        let thumb = f["thumbnail"].as_str().unwrap();
        assert!(url.starts_with(&prefix), "{url}");
        assert!(
            thumb.starts_with(&format!("{prefix}tr:n-ik_ml_thumbnail/")),
            "{thumb}"
        );
        let ms = f["updatedAt"].as_str().unwrap();
        assert!(url.contains("?updatedAt="), "{url} ({ms})");
    }

    let id = files[0]["fileId"].as_str().unwrap();
    let d = h.details(id).await;
    assert_eq!(d["url"], files[0]["url"]);
    assert!(d["thumbnail"].as_str().unwrap().starts_with(&prefix));

    let p = h
        .patch(&format!("/v1/files/{id}/details"), json!({"tags": ["x"]}))
        .await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(p.body["url"].as_str().unwrap().starts_with(&prefix));
    assert!(p.body["thumbnail"].as_str().unwrap().starts_with(&prefix));
    assert_ne!(p.body["url"], d["url"], "a new updatedAt");

    // The endpoint is the address the client used.
    let r = h
        .send(
            h.http
                .get(h.url("/v1/files?limit=1"))
                .basic_auth(KEY, None::<&str>)
                .header("host", "localhost:4321"),
        )
        .await;
    let url = r.body[0]["url"].as_str().unwrap();
    assert!(url.starts_with("http://localhost:4321/demo/"), "{url}");
    // A Host that is not a host falls back to the bound address.
    let r = h
        .send(
            h.http
                .get(h.url("/v1/files?limit=1"))
                .basic_auth(KEY, None::<&str>)
                .header("host", "evil\"/<x>"),
        )
        .await;
    let url = r.body[0]["url"].as_str().unwrap();
    assert!(url.starts_with(&prefix), "{url}");
}

#[tokio::test]
async fn thumbnails_of_images_are_served_publicly_in_their_format() {
    let h = demo().await;
    let list = h.get("/v1/files").await.body;
    for (mime, want) in [
        ("image/jpeg", "image/jpeg"),
        ("image/png", "image/png"),
        ("image/webp", "image/webp"),
        ("image/svg+xml", "image/png"),
    ] {
        let f = first_with_mime(&list, mime);
        for key in ["thumbnail", "url"] {
            let url = f[key].as_str().unwrap();
            let r = fetch(&h, url).await;
            assert_eq!(r.status, 200, "{mime} {key} {url}");
            assert_eq!(r.content_type, want, "{mime} {key}");
            assert!(has_magic(want, &r.bytes), "{mime} {key}: magic number");
            assert_eq!(
                r.headers["cache-control"], "public, max-age=31536000",
                "{mime}"
            );
            assert_eq!(
                r.headers["content-length"],
                r.bytes.len().to_string().as_str()
            );
        }
    }
    // Percent-encoded paths (spaces, non-ASCII, parentheses) resolve to their file.
    let encoded: Vec<&Value> = list
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let p = f["filePath"].as_str().unwrap();
            f["fileType"] == "image" && (p.contains(' ') || !p.is_ascii())
        })
        .collect();
    assert!(!encoded.is_empty(), "the demo has such paths");
    for f in encoded {
        let url = f["thumbnail"].as_str().unwrap();
        assert!(url.contains('%'), "{url}");
        assert_eq!(fetch(&h, url).await.status, 200, "{url}");
    }
    // Same file, same picture.
    let f = first_with_mime(&list, "image/jpeg");
    let url = f["thumbnail"].as_str().unwrap();
    assert_eq!(fetch(&h, url).await.bytes, fetch(&h, url).await.bytes);
}

#[tokio::test]
async fn media_ignores_faults_and_a_wrong_key() {
    let h = demo().await;
    let list = h.get("/v1/files").await.body;
    let url = first_with_mime(&list, "image/png")["thumbnail"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = h.put_faults(json!({"errorRate": 1.0, "rngSeed": 1})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(h.get("/v1/files").await.status / 100, 5, "the API fails");
    let r = fetch(&h, &url).await;
    assert_eq!(r.status, 200, "media is not fault-injected");
    let r = h
        .http
        .get(&url)
        .basic_auth("private_wrong", None::<&str>)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "media ignores credentials");
}

#[tokio::test]
async fn non_images_unknown_and_hostile_paths_are_404() {
    let h = demo().await;
    let list = h.get("/v1/files").await.body;
    for mime in ["application/pdf", "video/mp4"] {
        let f = first_with_mime(&list, mime);
        for key in ["thumbnail", "url"] {
            let r = fetch(&h, f[key].as_str().unwrap()).await;
            assert_eq!(r.status, 404, "{mime} {key}");
            assert!(!r.bytes.is_empty(), "a message");
        }
    }
    for path in [
        "/demo/nope/missing.jpg",
        "/demo/tr:n-ik_ml_thumbnail/nope/missing.jpg?updatedAt=1",
        "/demo/tr:n-ik_ml_thumbnail/",
    ] {
        assert_eq!(fetch(&h, &h.url(path)).await.status, 404, "{path}");
    }
    let long = format!("/demo/{}.jpg", "a/".repeat(6000));
    for target in [
        b"/demo/tr:n-ik_ml_thumbnail/%2e%2e/%00/..%2f".to_vec(),
        b"/demo/tr:n-ik_ml_thumbnail/../../etc/passwd".to_vec(),
        b"/demo/%ff%fe%fd.jpg".to_vec(),
        b"/demo/%".to_vec(),
        b"/demo/tr:/%zz".to_vec(),
        b"/demo//////".to_vec(),
        long.into_bytes(),
    ] {
        let status = raw_status(&h, &target).await;
        assert_eq!(
            status,
            404,
            "{}",
            String::from_utf8_lossy(&target[..target.len().min(80)])
        );
    }
    // The sandbox still answers afterwards.
    assert_eq!(h.get("/v1/files?limit=1").await.status, 200);
}
