//! Listings: [`ListQuery`], the [`Pager`] over `GET /v1/files`, and [`Client::details_of`].

use std::collections::HashSet;
use std::hash::BuildHasher as _;
use std::sync::Arc;

use reqwest::Method;

use super::flight::{InFlight, Tasks};
use super::{ApiError, Client, Reply};
use crate::model::{Asset, FileDetails};

/// How many list requests a listing keeps in flight unless told otherwise
/// ([`ListQuery::in_flight`], [`Client::details_of_with`]).
pub const LIST_IN_FLIGHT: usize = 4;

/// Ids per `id IN [...]` search in [`Client::details_of`] (keeps the URL well under 8 KB).
pub const DETAILS_CHUNK: usize = 100;

/// Parameters of `GET /v1/files`. The default sort is `ASC_CREATED`, which is stable
/// enough for `skip` paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListQuery {
    pub search_query: Option<String>,
    pub path: Option<String>,
    pub sort: String,
    pub kind: Option<String>,
    pub file_type: Option<String>,
    pub page_size: usize,
    pub skip: usize,
    /// Stop after this many items (`None`: everything).
    pub max_items: Option<usize>,
    /// Page requests kept in flight at most (at least 1; default [`LIST_IN_FLIGHT`]).
    pub in_flight: usize,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            search_query: None,
            path: None,
            sort: "ASC_CREATED".into(),
            kind: None,
            file_type: None,
            page_size: 1000,
            skip: 0,
            max_items: None,
            in_flight: LIST_IN_FLIGHT,
        }
    }
}

/// Walks a listing page by page, keeping up to [`ListQuery::in_flight`] page requests in
/// flight. Pages come out strictly in order; the first page shorter than the limit it asked
/// for ends the listing, and pages already requested past it are dropped unread. The first
/// page goes out alone (a listing that fits one page costs one request); once it is full,
/// the window opens. The first failing page ends the listing with its error, after the
/// pages before it. Dropping the pager cancels what is still in flight; `fetched()` is the
/// progress.
///
/// A server that breaks paging ends the listing with [`ApiError::Paging`] instead of
/// running on: a page longer than its limit, a page with no item not seen before (`skip`
/// ignored: the same page again and again), or more than
/// [`ClientOptions::max_listing`](super::ClientOptions) items.
pub struct Pager {
    client: Client,
    query: Arc<ListQuery>,
    /// Skip of the next page to request.
    next_skip: usize,
    /// Items asked for so far (for `max_items`).
    requested: usize,
    /// Requests in flight, oldest first, with the limit each asked for. Each page is parsed
    /// when it is handed out, one at a time (parsing several at once on several threads
    /// leaves the allocator holding more memory, for no gain while waiting on the network).
    pending: Tasks<(usize, usize, Result<Reply, ApiError>)>,
    /// Hashes of every id handed out (8 bytes an item), to notice a page brings none new.
    seen: HashSet<u64>,
    window: InFlight,
    /// A full page has been handed out: the window may open past the first request.
    opened: bool,
    fetched: usize,
    done: bool,
    /// Items that could not be read (the rest of their page still loads).
    undecodable: Vec<Undecodable>,
}

/// A listing item that could not be read as a file or folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Undecodable {
    /// Its position in the whole listing.
    pub index: usize,
    pub file_id: Option<String>,
    pub reason: String,
}

impl std::fmt::Display for Undecodable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "item {}", self.index)?;
        if let Some(id) = &self.file_id {
            write!(f, " (fileId {id})")?;
        }
        write!(f, " could not be read: {}", self.reason)
    }
}

/// A page's items: all of them when the page reads as a whole, else one by one, keeping
/// those that read and reporting the others. Also the number of items the server sent.
fn decode_page(
    reply: &Reply,
    skip: usize,
) -> Result<(Vec<Asset>, usize, Vec<Undecodable>), ApiError> {
    if let Ok(page) = serde_json::from_slice::<Vec<Asset>>(&reply.body) {
        let n = page.len();
        return Ok((page, n, Vec::new()));
    }
    let items: Vec<serde_json::Value> = Client::parse(reply, "file list")?;
    let n = items.len();
    let (mut page, mut bad) = (Vec::with_capacity(n), Vec::new());
    for (i, v) in items.into_iter().enumerate() {
        let file_id = v
            .get("fileId")
            .and_then(serde_json::Value::as_str)
            .map(|id| crate::text::untrusted(id, 40));
        let folder = v.get("type").and_then(serde_json::Value::as_str) == Some("folder");
        // The reason names the field that did not read (`size: invalid type: …`).
        let read = if folder {
            serde_path_to_error::deserialize(v).map(Asset::Folder)
        } else {
            serde_path_to_error::deserialize(v).map(|f| Asset::File(Box::new(f)))
        };
        match read {
            Ok(a) => page.push(a),
            Err(e) => {
                let item = Undecodable {
                    index: skip + i,
                    file_id,
                    reason: crate::text::untrusted(&e.to_string(), 200),
                };
                tracing::warn!(%item, "listing item skipped");
                bad.push(item);
            }
        }
    }
    Ok((page, n, bad))
}

impl Pager {
    /// The next page, or `None` when the listing is exhausted.
    pub async fn next_page(&mut self) -> Result<Option<Vec<Asset>>, ApiError> {
        if self.done {
            return Ok(None);
        }
        self.fill();
        let Some(next) = self.pending.next().await else {
            // Nothing left to ask for (`max_items` reached exactly).
            self.done = true;
            return Ok(None);
        };
        let parsed = next.and_then(|(skip, limit, reply)| {
            let (page, sent, bad) = decode_page(&reply?, skip)?;
            self.check(skip, limit, sent, &page)?;
            self.undecodable.extend(bad);
            Ok((limit, sent, page))
        });
        let (limit, sent, page) = match parsed {
            Ok(page) => page,
            Err(e) => {
                self.done = true;
                self.pending.abort_all();
                return Err(e);
            }
        };
        self.fetched += sent;
        if sent < limit {
            self.done = true;
            // Requests past the end: let them finish (they are sent) and drop their pages.
            self.pending.detach_all();
        } else {
            self.opened = true;
            self.window.observe(self.client.throttled());
        }
        if sent == 0 {
            return Ok(None);
        }
        Ok(Some(page))
    }

    /// The items skipped so far because they could not be read.
    pub fn undecodable(&self) -> &[Undecodable] {
        &self.undecodable
    }

    /// Sends page requests until the window is full or nothing is left to ask for.
    fn fill(&mut self) {
        let cap = if self.opened { self.window.size() } else { 1 };
        while self.pending.len() < cap {
            let mut limit = self.query.page_size.clamp(1, 1000);
            if let Some(max) = self.query.max_items {
                limit = limit.min(max.saturating_sub(self.requested));
            }
            if limit == 0 {
                return;
            }
            let (client, query, skip) = (self.client.clone(), self.query.clone(), self.next_skip);
            self.pending
                .spawn(async move { (skip, limit, client.list_page(&query, skip, limit).await) });
            self.next_skip += limit;
            self.requested += limit;
        }
    }

    /// The listing invariants, for the page asked with `skip` and `limit` (the server sent
    /// `sent` items, `page` are those that could be read); records its ids.
    fn check(
        &mut self,
        skip: usize,
        limit: usize,
        sent: usize,
        page: &[Asset],
    ) -> Result<(), ApiError> {
        let base = self.client.base_url();
        if sent > limit {
            return Err(ApiError::Paging(format!(
                "the server sent {sent} files for limit {limit} (skip {skip}); ImageKit never sends more than asked, so check the base URL ({base}) and any proxy in between"
            )));
        }
        if sent > 0 && page.is_empty() {
            return Err(ApiError::Paging(format!(
                "none of the {sent} items the server sent for skip {skip} could be read as files; check the base URL ({base}) and any proxy in between"
            )));
        }
        let mut new = false;
        for a in page {
            let id = match a {
                Asset::File(f) => &f.file_id,
                Asset::Folder(f) => &f.folder_id,
            };
            new |= self.seen.insert(self.seen.hasher().hash_one(id));
        }
        if !page.is_empty() && !new {
            return Err(ApiError::Paging(format!(
                "the server sent the same {} files again for skip {skip}: it seems to ignore `skip`, and the listing would never end; check the base URL ({base}) and that no proxy rewrites the query",
                page.len()
            )));
        }
        let cap = self.client.opts.max_listing;
        if self.fetched + sent > cap {
            return Err(ApiError::Paging(format!(
                "the listing passed {cap} files (the cap for one listing) and the server was still sending more; narrow it with a search or a path, or check the base URL ({base}) and any proxy in between (a profile's `max_listing` raises the cap)"
            )));
        }
        Ok(())
    }

    pub fn fetched(&self) -> usize {
        self.fetched
    }

    /// All remaining files (folders are skipped).
    pub async fn collect_files(mut self) -> Result<Vec<FileDetails>, ApiError> {
        let mut out = Vec::new();
        while let Some(page) = self.next_page().await? {
            out.extend(page.into_iter().filter_map(|a| match a {
                Asset::File(f) => Some(*f),
                Asset::Folder(_) => None,
            }));
        }
        Ok(out)
    }
}

impl Client {
    async fn list_page(&self, q: &ListQuery, skip: usize, limit: usize) -> Result<Reply, ApiError> {
        let mut url = self.url(&["v1", "files"]);
        {
            let mut qp = url.query_pairs_mut();
            if let Some(s) = &q.search_query {
                qp.append_pair("searchQuery", s);
            }
            if let Some(p) = &q.path {
                qp.append_pair("path", p);
            }
            if let Some(t) = &q.kind {
                qp.append_pair("type", t);
            }
            if let Some(t) = &q.file_type {
                qp.append_pair("fileType", t);
            }
            qp.append_pair("sort", &q.sort);
            qp.append_pair("limit", &limit.to_string());
            qp.append_pair("skip", &skip.to_string());
        }
        self.send(Method::GET, url, None).await
    }

    /// A pager over `GET /v1/files`.
    pub fn list(&self, query: ListQuery) -> Pager {
        Pager {
            client: self.clone(),
            next_skip: query.skip,
            requested: 0,
            pending: Tasks::default(),
            window: InFlight::new(query.in_flight, self.throttled()),
            opened: false,
            seen: HashSet::default(),
            query: Arc::new(query),
            fetched: 0,
            done: false,
            undecodable: Vec::new(),
        }
    }

    /// Current details of many files, [`DETAILS_CHUNK`] ids per search (`id IN [...]`),
    /// [`LIST_IN_FLIGHT`] searches in flight. Ids that do not exist are simply absent from
    /// the result.
    pub async fn details_of(&self, ids: &[String]) -> Result<Vec<FileDetails>, ApiError> {
        self.details_of_with(ids, LIST_IN_FLIGHT).await
    }

    /// [`details_of`](Self::details_of) with up to `in_flight` searches at once. The result
    /// is the same whatever `in_flight` is: chunk by chunk in order, each in the server's
    /// order; the first failing chunk (in order) is the error.
    pub async fn details_of_with(
        &self,
        ids: &[String],
        in_flight: usize,
    ) -> Result<Vec<FileDetails>, ApiError> {
        let mut chunks = ids.chunks(DETAILS_CHUNK);
        let mut window = InFlight::new(in_flight, self.throttled());
        let mut pending = Tasks::default();
        let mut out = Vec::with_capacity(ids.len());
        loop {
            while pending.len() < window.size() {
                let Some(chunk) = chunks.next() else { break };
                let list: Vec<String> = chunk
                    .iter()
                    .map(|id| serde_json::Value::String(id.clone()).to_string())
                    .collect();
                let pager = self.list(ListQuery {
                    search_query: Some(format!("id IN [{}]", list.join(", "))),
                    ..Default::default()
                });
                let asked: HashSet<String> = chunk.iter().cloned().collect();
                pending.spawn(collect_asked(pager, asked));
            }
            match pending.next().await {
                None => return Ok(out),
                Some(Ok(Ok(files))) => out.extend(files),
                // Dropping `pending` cancels the searches after the failed one.
                Some(Ok(Err(e)) | Err(e)) => return Err(e),
            }
            window.observe(self.throttled());
        }
    }
}

/// The files of one `id IN [...]` search that were asked for, each once: stops asking for
/// pages as soon as it has them all (a server that ignores the search sends full pages of
/// other files), and drops files it did not ask for.
async fn collect_asked(
    mut pager: Pager,
    mut asked: HashSet<String>,
) -> Result<Vec<FileDetails>, ApiError> {
    let mut out = Vec::new();
    while !asked.is_empty() {
        let Some(page) = pager.next_page().await? else {
            break;
        };
        for a in page {
            if let Asset::File(f) = a
                && asked.remove(&f.file_id)
            {
                out.push(*f);
            }
        }
    }
    Ok(out)
}
