//! `GET /v1/files`: query parameters, filters, sorting and paging.

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;

use super::{QueryParams, json_bytes};
use crate::model::{CustomMetadataField, FileDetails, FileKind, FolderDetails, Timestamp};
use crate::sandbox::Shared;
use crate::sandbox::error::SandboxError;
use crate::sandbox::media::UrlEndpoint;
use crate::sandbox::search::{self, EvalContext};
use crate::sandbox::store::Store;

#[derive(Clone, Copy, PartialEq, Eq)]
enum TypeFilter {
    File,
    FileVersion,
    Folder,
    All,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum SortKey {
    Name,
    Created,
    Updated,
    Height,
    Width,
    Size,
    Relevance,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileTypeFilter {
    All,
    Image,
    NonImage,
}

struct ListParams {
    kind: TypeFilter,
    sort: SortKey,
    descending: bool,
    path: Option<String>,
    file_type: FileTypeFilter,
    limit: usize,
    skip: usize,
    query: Option<search::Query>,
    tags: Option<Vec<String>>,
    name: Option<String>,
}

fn parse_list_params(
    raw: Option<&str>,
    store_fields: &[CustomMetadataField],
) -> Result<ListParams, SandboxError> {
    let params = QueryParams::parse(raw);
    let get = |key: &str| params.get(key);

    let kind = parse_type(get("type"))?;
    let (descending, sort) = match get("sort") {
        None => (false, SortKey::Created),
        Some(s) => parse_sort(s).ok_or_else(|| {
            SandboxError::bad_request("Your request contains invalid value for sort parameters.")
        })?,
    };
    let file_type = parse_file_type(get("fileType"))?;
    let limit = parse_limit(get("limit"))?;
    let skip = parse_skip(get("skip"))?;
    let query = parse_query(get("searchQuery"), store_fields)?;
    let path = get("path").filter(|p| !p.is_empty()).map(folder_key);
    // Legacy parameters, ignored when searchQuery is present (as the API documents).
    let (kind, tags, name) = match &query {
        Some(q) => (
            if q.mentions_type() {
                TypeFilter::All
            } else {
                TypeFilter::File
            },
            None,
            None,
        ),
        None => (
            kind,
            get("tags").map(|t| {
                t.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            }),
            get("name").map(str::to_owned),
        ),
    };
    Ok(ListParams {
        kind,
        sort,
        descending,
        path,
        file_type,
        limit,
        skip,
        query,
        tags,
        name,
    })
}

fn parse_type(v: Option<&str>) -> Result<TypeFilter, SandboxError> {
    match v {
        None | Some("file") => Ok(TypeFilter::File),
        Some("file-version") => Ok(TypeFilter::FileVersion),
        Some("folder") => Ok(TypeFilter::Folder),
        Some("all") => Ok(TypeFilter::All),
        Some(_) => Err(SandboxError::bad_request(
            "Your request contains invalid value for type parameter. Please provide one of the following: file, file-version, folder, all.",
        )),
    }
}

fn parse_file_type(v: Option<&str>) -> Result<FileTypeFilter, SandboxError> {
    match v {
        None | Some("all") => Ok(FileTypeFilter::All),
        Some("image") => Ok(FileTypeFilter::Image),
        Some("non-image") => Ok(FileTypeFilter::NonImage),
        Some(_) => Err(SandboxError::bad_request(
            "Your request contains invalid value for fileType parameter. Please provide one of the following: all, image, non-image.",
        )),
    }
}

/// `limit`: 1 to 1000, 1000 when absent.
fn parse_limit(v: Option<&str>) -> Result<usize, SandboxError> {
    let Some(v) = v else { return Ok(1000) };
    let n = parse_int(v, "limit")?;
    match usize::try_from(n) {
        Ok(limit @ 1..=1000) => Ok(limit),
        _ if n < 1 => Err(SandboxError::bad_request(format!(
            "Minimum value of limit parameter is 1. Value sent is {v}."
        ))),
        _ => Err(SandboxError::bad_request(format!(
            "Maximum value of limit parameter is 1000. Value sent is {v}."
        ))),
    }
}

/// `skip`: 0 or more, 0 when absent.
fn parse_skip(v: Option<&str>) -> Result<usize, SandboxError> {
    let Some(v) = v else { return Ok(0) };
    let n = parse_int(v, "skip")?;
    if n < 0 {
        return Err(SandboxError::bad_request(format!(
            "The value of skip parameter should be greater than or equal to 0. Value sent is {v}."
        )));
    }
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

/// `searchQuery`, parsed and checked against the defined custom metadata fields.
fn parse_query(
    v: Option<&str>,
    store_fields: &[CustomMetadataField],
) -> Result<Option<search::Query>, SandboxError> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(q) => {
            let parsed = search::parse(q).map_err(|e| SandboxError::bad_request(e.message))?;
            parsed
                .validate(store_fields)
                .map_err(|e| SandboxError::bad_request(e.message))?;
            Ok(Some(parsed))
        }
    }
}

fn parse_int(v: &str, name: &str) -> Result<i64, SandboxError> {
    v.trim().parse::<i64>().map_err(|_| {
        SandboxError::bad_request(format!(
            "Your request contains invalid value for {name} parameter. It should be an integer. Value sent is {v}."
        ))
    })
}

fn parse_sort(s: &str) -> Option<(bool, SortKey)> {
    let (desc, key) = if let Some(k) = s.strip_prefix("ASC_") {
        (false, k)
    } else if let Some(k) = s.strip_prefix("DESC_") {
        (true, k)
    } else {
        return None;
    };
    let key = match key {
        "NAME" => SortKey::Name,
        "CREATED" => SortKey::Created,
        "UPDATED" => SortKey::Updated,
        "HEIGHT" => SortKey::Height,
        "WIDTH" => SortKey::Width,
        "SIZE" => SortKey::Size,
        "RELEVANCE" => SortKey::Relevance,
        _ => return None,
    };
    Some((desc, key))
}

/// Normalises a folder path to `/a/b/` form (leading and trailing slash).
pub fn folder_key(p: &str) -> String {
    let trimmed = p.trim_matches('/');
    if trimmed.is_empty() {
        "/".to_owned()
    } else {
        format!("/{trimmed}/")
    }
}

/// The folder that contains a folder, in `/a/` form.
fn folder_parent(folder_path: &str) -> String {
    let trimmed = folder_path.trim_matches('/');
    match trimmed.rfind('/') {
        Some(i) => folder_key(&trimmed[..i]),
        None => "/".to_owned(),
    }
}

#[derive(Clone, Copy)]
enum Item<'a> {
    File(&'a FileDetails),
    Folder(&'a FolderDetails),
}

/// A list page as answered: files with their URLs on the request's endpoint.
struct Page<'a> {
    items: &'a [Item<'a>],
    endpoint: &'a UrlEndpoint,
}

impl Serialize for Page<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        for item in self.items {
            match item {
                Item::File(f) => seq.serialize_element(&self.endpoint.serve(f))?,
                Item::Folder(f) => seq.serialize_element(f)?,
            }
        }
        seq.end()
    }
}

impl Item<'_> {
    fn cmp_by(&self, other: &Item<'_>, key: SortKey) -> std::cmp::Ordering {
        let num = |i: &Item<'_>| -> u64 {
            match i {
                Item::File(f) => match key {
                    // Sandbox files always carry real values; an unknown one sorts as 0.
                    SortKey::Height => f.height.map_or(0, u64::from),
                    SortKey::Width => f.width.map_or(0, u64::from),
                    SortKey::Size => f.size.unwrap_or(0),
                    _ => 0,
                },
                Item::Folder(_) => 0,
            }
        };
        let created = |i: &Item<'_>| match i {
            Item::File(f) => f.created_at,
            Item::Folder(f) => f.created_at,
        };
        let primary = match key {
            SortKey::Name => self.name().cmp(other.name()),
            SortKey::Created | SortKey::Relevance => created(self).cmp(&created(other)),
            SortKey::Updated => self.updated().cmp(&other.updated()),
            SortKey::Height | SortKey::Width | SortKey::Size => num(self).cmp(&num(other)),
        };
        primary
            .then_with(|| created(self).cmp(&created(other)))
            .then_with(|| self.id().cmp(other.id()))
    }

    fn name(&self) -> &str {
        match self {
            Item::File(f) => &f.name,
            Item::Folder(f) => &f.name,
        }
    }

    fn id(&self) -> &str {
        match self {
            Item::File(f) => &f.file_id,
            Item::Folder(f) => &f.folder_id,
        }
    }

    fn updated(&self) -> Timestamp {
        match self {
            Item::File(f) => f.updated_at,
            Item::Folder(f) => f.updated_at,
        }
    }
}

pub(super) async fn list_files(
    State(state): State<Shared>,
    endpoint: UrlEndpoint,
    RawQuery(raw): RawQuery,
) -> Result<Response, SandboxError> {
    // While the library is still filling, a page is answered once it is all there.
    loop {
        match list_page(&state, &endpoint, raw.as_deref()) {
            Ok(answer) => return answer,
            Err(files) => state.library_holds(files).await,
        }
    }
}

/// The answer to a list request, or how many files the store must hold before the
/// page can be answered (a library that is still filling).
fn list_page(
    state: &Shared,
    endpoint: &UrlEndpoint,
    raw: Option<&str>,
) -> Result<Result<Response, SandboxError>, usize> {
    let store = state.read_store();
    let p = match parse_list_params(raw, store.fields()) {
        Ok(p) => p,
        Err(e) => return Ok(Err(e)),
    };
    let ctx = EvalContext {
        now: Timestamp::now(),
        fields: store.fields(),
    };
    let page = Filter::new(&p, &ctx).page(&store)?;
    let body = serde_json::to_vec(&Page {
        items: &page,
        endpoint,
    })
    .map_err(|_| SandboxError::internal());
    drop(store);
    Ok(body.map(|body| json_bytes(StatusCode::OK, body)))
}

/// A list request's filters, ready to test files and folders against.
struct Filter<'a> {
    p: &'a ListParams,
    ctx: &'a EvalContext<'a>,
    /// `all` means files and folders, never file versions.
    version_wanted: bool,
    /// A searchQuery that names `type` decides the kinds itself.
    query_picks_type: bool,
}

impl<'a> Filter<'a> {
    fn new(p: &'a ListParams, ctx: &'a EvalContext<'a>) -> Self {
        Filter {
            p,
            ctx,
            version_wanted: p.kind == TypeFilter::FileVersion,
            query_picks_type: p.query.as_ref().is_some_and(search::Query::mentions_type),
        }
    }

    fn file_ok(&self, f: &FileDetails) -> bool {
        let p = self.p;
        if !self.query_picks_type && (f.kind == FileKind::FileVersion) != self.version_wanted {
            return false;
        }
        let type_ok = match p.file_type {
            FileTypeFilter::All => true,
            FileTypeFilter::Image => f.file_type == "image",
            FileTypeFilter::NonImage => f.file_type != "image",
        };
        if !type_ok {
            return false;
        }
        if let Some(path) = &p.path
            && f.folder() != path
        {
            return false;
        }
        if let Some(tags) = &p.tags
            && !f.tags.iter().any(|t| tags.contains(t))
        {
            return false;
        }
        if let Some(name) = &p.name
            && &f.name != name
        {
            return false;
        }
        match &p.query {
            Some(q) => q.matches_file(f, self.ctx),
            None => true,
        }
    }

    fn folder_ok(&self, f: &FolderDetails) -> bool {
        let p = self.p;
        if p.file_type == FileTypeFilter::Image {
            return false;
        }
        if let Some(path) = &p.path
            && folder_parent(&f.folder_path) != *path
        {
            return false;
        }
        if let Some(name) = &p.name
            && &f.name != name
        {
            return false;
        }
        match &p.query {
            Some(q) => q.matches_folder(f, self.ctx),
            None => p.tags.is_none(),
        }
    }

    /// The requested page of matching items, in the requested order. While the store is
    /// still filling, a page it may not hold all of yet is `Err(files)`: ask again once
    /// the store holds that many files.
    fn page<'s>(&self, store: &'s Store) -> Result<Vec<Item<'s>>, usize> {
        let p = self.p;
        let want_files = p.kind != TypeFilter::Folder;
        let want_folders = matches!(p.kind, TypeFilter::Folder | TypeFilter::All);
        if !want_folders && matches!(p.sort, SortKey::Created | SortKey::Relevance) {
            let page = self.page_in_stored_order(store, want_files);
            // Files are appended in the stored order, so a full ascending page of the
            // files present is the page the whole library gives.
            if store.is_complete() || (!p.descending && page.len() == p.limit) {
                Ok(page)
            } else if p.descending {
                Err(usize::MAX)
            } else {
                Err(self.files_needed(store, page.len()))
            }
        } else if store.is_complete() {
            Ok(self.page_sorted(store, want_files, want_folders))
        } else {
            Err(usize::MAX)
        }
    }

    /// How many files a filling store should hold before an ascending page that came
    /// out `short` is tried again.
    fn files_needed(&self, store: &Store, short: usize) -> usize {
        let p = self.p;
        let have = store.files().len();
        let wanted = p.skip.saturating_add(p.limit);
        let matched = if short > 0 {
            p.skip + short
        } else {
            store.files().iter().filter(|f| self.file_ok(f)).count()
        };
        if matched == have {
            // Every file matches (a plain listing): exactly the files up to the page.
            wanted
        } else {
            // A filter: how many files the page takes is unknown; doubling keeps the
            // rescans of the growing store linear in all.
            wanted.max(have.saturating_mul(2))
        }
    }

    /// The files that can match, in stored order: all of them, or when the query pins
    /// the ids (`id IN [...]`, how clients read back a batch) only those, looked up.
    /// A store still filling is scanned, since a pinned id may not be there yet.
    fn candidates<'s>(&self, store: &'s Store) -> Candidates<'s> {
        let files = store.files();
        match self.p.query.as_ref().and_then(search::Query::required_ids) {
            Some(ids) if store.is_complete() => {
                let mut at: Vec<usize> = ids.iter().filter_map(|id| store.position(id)).collect();
                at.sort_unstable();
                at.dedup();
                Candidates::Picked(files, at.into_iter())
            }
            _ => Candidates::All(files.iter()),
        }
    }

    /// Files are kept in ascending (createdAt, id) order, so the default sort needs no
    /// sorting and can stop as soon as the page is full.
    fn page_in_stored_order<'s>(&self, store: &'s Store, want_files: bool) -> Vec<Item<'s>> {
        let p = self.p;
        let files = self.candidates(store);
        let iter: Box<dyn Iterator<Item = &FileDetails>> = if !want_files {
            Box::new(std::iter::empty())
        } else if p.descending {
            Box::new(files.rev())
        } else {
            Box::new(files)
        };
        iter.filter(|f| self.file_ok(f))
            .skip(p.skip)
            .take(p.limit)
            .map(Item::File)
            .collect()
    }

    fn page_sorted<'s>(
        &self,
        store: &'s Store,
        want_files: bool,
        want_folders: bool,
    ) -> Vec<Item<'s>> {
        let p = self.p;
        let mut all: Vec<Item<'_>> = Vec::new();
        if want_folders {
            all.extend(
                store
                    .folders()
                    .iter()
                    .filter(|f| self.folder_ok(f))
                    .map(Item::Folder),
            );
        }
        if want_files {
            all.extend(
                self.candidates(store)
                    .filter(|f| self.file_ok(f))
                    .map(Item::File),
            );
        }
        let order = |a: &Item<'_>, b: &Item<'_>| {
            let o = a.cmp_by(b, p.sort);
            if p.descending { o.reverse() } else { o }
        };
        // Only the requested page needs sorting: partition it out first (O(n)).
        let wanted = p.skip.saturating_add(p.limit);
        if wanted < all.len() {
            all.select_nth_unstable_by(wanted, order);
            all.truncate(wanted);
        }
        all.sort_unstable_by(order);
        all.into_iter().skip(p.skip).take(p.limit).collect()
    }
}

/// Files to test against a list request, in stored order (see [`Filter::candidates`]).
enum Candidates<'s> {
    All(std::slice::Iter<'s, FileDetails>),
    Picked(&'s [FileDetails], std::vec::IntoIter<usize>),
}

impl<'s> Iterator for Candidates<'s> {
    type Item = &'s FileDetails;

    fn next(&mut self) -> Option<&'s FileDetails> {
        match self {
            Candidates::All(it) => it.next(),
            Candidates::Picked(files, at) => at.next().and_then(|i| files.get(i)),
        }
    }
}

impl DoubleEndedIterator for Candidates<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        match self {
            Candidates::All(it) => it.next_back(),
            Candidates::Picked(files, at) => at.next_back().and_then(|i| files.get(i)),
        }
    }
}
