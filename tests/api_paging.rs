//! Pipelined listing against a real sandbox: several pages in flight, handed out in order,
//! every file once, stopping at the first short page, through 429s and errors.

mod common;

use std::time::{Duration, Instant};

use common::*;
use iktag::api::{ApiError, Client, LIST_IN_FLIGHT, ListQuery};
use iktag::model::Asset;
use serde_json::{Value, json};

const FILES: usize = 2500;

/// The server's own order: every item (files and folders), read a page at a time with
/// plain HTTP, one request after another.
async fn server_order(h: &Harness) -> Vec<String> {
    let mut all = Vec::new();
    loop {
        let page = h
            .list_ids(&format!("sort=ASC_CREATED&limit=1000&skip={}", all.len()))
            .await;
        let n = page.len();
        all.extend(page);
        if n < 1000 {
            return all;
        }
    }
}

fn id_of(a: &Asset) -> String {
    match a {
        Asset::File(f) => f.file_id.clone(),
        Asset::Folder(f) => f.folder_id.clone(),
    }
}

/// Every page the pager hands out, as ids, and the error that ended it (if any).
async fn pages(c: &Client, q: ListQuery) -> (Vec<Vec<String>>, Option<ApiError>) {
    let mut pager = c.list(q);
    let mut out = Vec::new();
    loop {
        match pager.next_page().await {
            Ok(Some(page)) => out.push(page.iter().map(id_of).collect()),
            Ok(None) => return (out, None),
            Err(e) => return (out, Some(e)),
        }
    }
}

/// `GET /_sandbox/requests` once the count has settled: pages requested past the end are
/// let finish after the listing returns, so wait until the count stops moving.
async fn settled_log(h: &Harness, at_least: u64) -> Value {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = h.get("/_sandbox/requests").await.body;
    loop {
        tokio::time::sleep(Duration::from_millis(150)).await;
        let now = h.get("/_sandbox/requests").await.body;
        let total = now["total"].as_u64().unwrap();
        let answered = now["recent"].as_array().unwrap().len() as u64;
        if (now == last && total >= at_least && answered == total) || Instant::now() > deadline {
            return now;
        }
        last = now;
    }
}

/// The page requests a listing made: (total, how many were `GET /v1/files` answered 200).
async fn list_requests(h: &Harness, at_least: u64) -> (u64, usize) {
    let log = settled_log(h, at_least).await;
    let ok = log["recent"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["method"] == "GET" && r["path"] == "/v1/files" && r["status"] == 200)
        .count();
    (log["total"].as_u64().unwrap(), ok)
}

#[tokio::test]
async fn every_file_once_in_the_servers_order_with_many_pages_in_flight() {
    let h = Harness::generated(FILES, 11).await;
    let c = h.client();
    let want = server_order(&h).await;
    assert!(want.len() >= FILES, "{} items", want.len());
    let total = want.len();

    for (page_size, in_flight) in [(1000, LIST_IN_FLIGHT), (7, LIST_IN_FLIGHT), (7, 16)] {
        let (got, err) = pages(
            &c,
            ListQuery {
                page_size,
                in_flight,
                ..Default::default()
            },
        )
        .await;
        assert!(err.is_none(), "{err:?}");
        let sizes: Vec<usize> = got.iter().map(Vec::len).collect();
        let mut expected = vec![page_size; total / page_size];
        if total % page_size > 0 {
            expected.push(total % page_size);
        }
        assert_eq!(sizes, expected, "limit {page_size}, {in_flight} in flight");
        let flat: Vec<String> = got.into_iter().flatten().collect();
        assert!(
            flat == want,
            "limit {page_size}, {in_flight} in flight: the server's order, each item once \
             (first difference at {:?})",
            flat.iter().zip(&want).position(|(a, b)| a != b)
        );
    }

    // collect_files: the same files, folders left out.
    let files = c
        .list(ListQuery {
            page_size: 7,
            ..Default::default()
        })
        .collect_files()
        .await
        .unwrap();
    assert_eq!(files.len(), FILES);
    let file_ids: Vec<String> = files.into_iter().map(|f| f.file_id).collect();
    let want_files: Vec<String> = h
        .list_ids("type=file&limit=1000")
        .await
        .into_iter()
        .chain(h.list_ids("type=file&limit=1000&skip=1000").await)
        .chain(h.list_ids("type=file&limit=1000&skip=2000").await)
        .collect();
    assert_eq!(file_ids, want_files);
}

#[tokio::test]
async fn the_listing_stops_at_the_first_short_page() {
    let h = Harness::generated(FILES, 11).await;
    let c = h.client();
    let total = server_order(&h).await.len();
    assert_eq!(total, FILES);
    // The first short page is number s = 2500 / limit (0-based). The first page goes out
    // alone; once it is full, each page handed out sends the one `in_flight` pages after
    // it, so a listing whose first short page is s >= 1 makes exactly s + in_flight
    // requests, the last in_flight - 1 of them past the end (answered, dropped unread).
    let cases = [
        // (limit, in flight, max_items, requests, pages handed out)
        (1000, 4, None, 2 + 4, 3),
        (1000, 1, None, 2 + 1, 3),
        (7, 4, None, 357 + 4, 358),
        // 2500 = 5 × 500: the short page is the empty sixth one.
        (500, 4, None, 5 + 4, 5),
        // Never more than max_items asked for: no request past it.
        (1000, 4, Some(2000), 2, 2),
        (1000, 4, Some(2200), 3, 3),
    ];
    for (page_size, in_flight, max_items, requests, handed_out) in cases {
        h.reset_requests().await;
        let (got, err) = pages(
            &c,
            ListQuery {
                page_size,
                in_flight,
                max_items,
                ..Default::default()
            },
        )
        .await;
        assert!(err.is_none(), "{err:?}");
        assert_eq!(
            got.len(),
            handed_out,
            "limit {page_size}, {in_flight} in flight"
        );
        let n = got.iter().map(Vec::len).sum::<usize>();
        assert_eq!(n, max_items.unwrap_or(total).min(total));
        let (sent, ok) = list_requests(&h, requests as u64).await;
        assert_eq!(
            (sent, ok),
            (requests as u64, requests),
            "limit {page_size}, {in_flight} in flight, max {max_items:?}: requests sent"
        );
    }
    // A listing that fits one page (a search matching nothing here) is one request.
    h.reset_requests().await;
    let some = c
        .list(ListQuery {
            search_query: Some(r#"name = "nothing-is-called-this""#.into()),
            ..Default::default()
        })
        .collect_files()
        .await
        .unwrap();
    assert!(some.is_empty());
    assert_eq!(list_requests(&h, 1).await, (1, 1));
}

#[tokio::test]
async fn a_rate_limited_listing_still_returns_every_file_once_in_order() {
    let h = Harness::generated(FILES, 11).await;
    let c = h.client();
    let want = server_order(&h).await;
    h.reset_requests().await;
    // 10 requests a second; the listing needs about 30: it runs into 429s (with
    // X-RateLimit-Reset) over and over and must wait them out.
    let r = h.put_faults(json!({"rateLimit": 10})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let (got, err) = pages(
        &c,
        ListQuery {
            page_size: 100,
            ..Default::default()
        },
    )
    .await;
    h.put_faults(json!({})).await;
    assert!(err.is_none(), "{err:?}");
    let flat: Vec<String> = got.into_iter().flatten().collect();
    assert!(flat == want, "every item once, in the server's order");
    let log = settled_log(&h, 1).await;
    let limited = log["recent"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == 429)
        .count();
    assert!(limited > 0, "the sandbox answered 429s: {log}");

    // details_of through the same limit: the same files as without it.
    let ids: Vec<String> = c
        .list(ListQuery::default())
        .collect_files()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.file_id)
        .rev()
        .take(1000)
        .collect();
    let free = c.details_of(&ids).await.unwrap();
    h.put_faults(json!({"rateLimit": 4})).await;
    let limited = c.details_of_with(&ids, 8).await.unwrap();
    h.put_faults(json!({})).await;
    assert_eq!(limited, free);
}

#[tokio::test]
async fn the_first_failing_page_ends_the_listing_after_the_pages_before_it() {
    let h = Harness::generated(FILES, 11).await;
    let want = server_order(&h).await;
    // No waiting out 429s: a page that gets one fails with it.
    let c = h.client_with(|o| o.max_rate_limit_waits = 0);
    // 3 requests a second: the first page (alone) and two of the four sent after it pass.
    h.put_faults(json!({"rateLimit": 3})).await;
    let (got, err) = pages(
        &c,
        ListQuery {
            page_size: 100,
            ..Default::default()
        },
    )
    .await;
    h.put_faults(json!({})).await;
    let err = err.expect("a page was refused");
    assert!(matches!(err, ApiError::RateLimited { .. }), "{err}");
    assert!(
        (1..=3).contains(&got.len()),
        "the pages before the first refused one: {}",
        got.len()
    );
    let flat: Vec<String> = got.into_iter().flatten().collect();
    assert_eq!(
        flat,
        want[..flat.len()],
        "a prefix of the listing, in order"
    );
}

#[tokio::test]
async fn details_of_keeps_several_searches_in_flight_and_the_same_result() {
    let h = Harness::generated(FILES, 11).await;
    let c = h.client();
    let mut ids: Vec<String> = c
        .list(ListQuery::default())
        .collect_files()
        .await
        .unwrap()
        .into_iter()
        .map(|f| f.file_id)
        .collect();
    ids.reverse();
    ids.insert(150, UNKNOWN.to_owned());

    h.reset_requests().await;
    let one_by_one = c.details_of_with(&ids, 1).await.unwrap();
    // 2 501 ids: 26 searches of 100, each one request.
    assert_eq!(list_requests(&h, 26).await, (26, 26));
    assert_eq!(one_by_one.len(), FILES, "the unknown id is absent");

    for in_flight in [4, 8, 64] {
        h.reset_requests().await;
        let piped = c.details_of_with(&ids, in_flight).await.unwrap();
        assert!(
            piped == one_by_one,
            "{in_flight} in flight: same files, same order"
        );
        assert_eq!(list_requests(&h, 26).await, (26, 26), "no extra request");
    }
    assert!(c.details_of(&ids).await.unwrap() == one_by_one);

    // The first failing search (in order) is the error: one request a second, so the
    // first search passes and the next ones are refused.
    h.put_faults(json!({"rateLimit": 1})).await;
    let strict = h.client_with(|o| o.max_rate_limit_waits = 0);
    let e = strict.details_of(&ids).await.unwrap_err();
    h.put_faults(json!({})).await;
    assert!(matches!(e, ApiError::RateLimited { .. }), "{e}");
}
