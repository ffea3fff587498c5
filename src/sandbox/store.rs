//! The sandbox's store: an in-memory index for queries, and `SQLite` for durability
//! when the library lives on disk (`--data`).
//!
//! Every mutation is computed on copies, written to `SQLite` in one transaction and only
//! then swapped into memory. A bulk call therefore lands completely or not at all, even
//! if the process is killed mid-call (`SQLite`'s WAL makes the commit atomic), and the
//! in-memory view never shows a change the database does not hold. An ephemeral store
//! has no database (nothing would ever read it back): its mutations are the swap alone.
//!
//! A store can also be filled while it serves: [`Store::filling`] starts one with its
//! folders and fields and no files, [`Store::append`] adds files in the store's order,
//! and [`Store::is_complete`] says whether the library is all there yet.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension, params};

use crate::model::{CustomMetadataField, FileDetails, FolderDetails, Timestamp};
use crate::sandbox::seed::{self, Library};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS files   (id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS folders (id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fields  (id TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta    (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
";

/// Errors from the storage layer (disk, corrupt rows).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sandbox database error: {0}")]
    Db(#[from] rusqlite::Error),
    #[error("sandbox database holds a corrupt {table} row {id:?}: {source}")]
    Corrupt {
        table: &'static str,
        id: String,
        source: serde_json::Error,
    },
    #[error("cannot start filling the library: {0}")]
    Fill(String),
    #[error("cannot create the data directory {dir}: {source}")]
    DataDir { dir: String, source: std::io::Error },
}

/// All the sandbox's data. Reads take `&self`; writes take `&mut self` and are atomic.
pub struct Store {
    /// `None` for an ephemeral store.
    conn: Option<Mutex<Connection>>,
    /// Files in ascending (createdAt, fileId) order: the API's default sort.
    files: Vec<FileDetails>,
    index: HashMap<IdKey, usize>,
    folders: Vec<FolderDetails>,
    /// The custom metadata fields in use.
    fields: Vec<CustomMetadataField>,
    /// Deleted fields: listed only when asked for, their names never reused.
    deleted_fields: Vec<CustomMetadataField>,
    /// False while [`Store::append`] is still adding files.
    complete: bool,
}

impl Store {
    /// Opens (or creates) `DIR/sandbox.db`, or an ephemeral store when `dir` is `None`.
    pub fn open(dir: Option<&Path>) -> Result<Store, StoreError> {
        let Some(dir) = dir else {
            return Ok(Store::filling(Vec::new(), Vec::new(), 0).finished());
        };
        std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
            dir: dir.display().to_string(),
            source,
        })?;
        let conn = Connection::open(dir.join("sandbox.db"))?;
        // Larger pages keep a file's JSON (~1 KB) off overflow pages. This only takes
        // effect on a new database, and must come before WAL is switched on.
        conn.pragma_update(None, "page_size", 16_384)?;
        // WAL + NORMAL: a commit is atomic and survives a killed process.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        let files = load_table::<FileDetails>(&conn, "files")?;
        let folders = load_table::<FolderDetails>(&conn, "folders")?;
        let (deleted_fields, fields) = load_table::<StoredField>(&conn, "fields")?
            .into_iter()
            .partition::<Vec<_>, _>(|f| f.deleted);
        let mut store = Store {
            conn: Some(Mutex::new(conn)),
            files,
            index: HashMap::new(),
            folders,
            fields: fields.into_iter().map(|f| f.field).collect(),
            deleted_fields: deleted_fields.into_iter().map(|f| f.field).collect(),
            complete: true,
        };
        store.reorder();
        Ok(store)
    }

    /// An ephemeral store to be filled by [`Store::append`] (room for `capacity` files),
    /// incomplete until [`Store::finish`].
    pub fn filling(
        folders: Vec<FolderDetails>,
        fields: Vec<CustomMetadataField>,
        capacity: usize,
    ) -> Store {
        let mut store = Store {
            conn: None,
            files: Vec::with_capacity(capacity),
            index: HashMap::with_capacity(capacity),
            folders,
            fields,
            deleted_fields: Vec::new(),
            complete: false,
        };
        store.reorder();
        store
    }

    /// Adds files that sort after every file already stored, in the store's order
    /// (memory only: an ephemeral store).
    pub fn append(&mut self, files: Vec<FileDetails>) {
        debug_assert!(self.conn.is_none(), "append is for ephemeral stores");
        debug_assert!(
            self.files
                .last()
                .into_iter()
                .chain(&files)
                .is_sorted_by(|a, b| order_key(a) <= order_key(b)),
            "appended files come in the store's order"
        );
        self.index.reserve(files.len());
        for f in files {
            self.index.insert(IdKey::of(&f.file_id), self.files.len());
            self.files.push(f);
        }
    }

    /// Sets the folders of a store that is still filling.
    pub fn set_folders(&mut self, folders: Vec<FolderDetails>) {
        debug_assert!(!self.complete, "folders are set while filling");
        self.folders = folders;
        self.folders
            .sort_by(|a, b| a.folder_path.cmp(&b.folder_path));
    }

    /// Marks the library complete: every file has been appended.
    pub fn finish(&mut self) {
        self.complete = true;
    }

    fn finished(mut self) -> Store {
        self.finish();
        self
    }

    /// False while files are still being appended: a read that needs the whole library
    /// must wait (see [`super::AppState::library_complete`]).
    pub fn is_complete(&self) -> bool {
        self.complete
    }

    /// True until something has been seeded into this database (an ephemeral store is
    /// never seeded when it opens).
    pub fn is_seeded(&self) -> Result<bool, StoreError> {
        let Some(conn) = self.lock() else {
            return Ok(false);
        };
        let v: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'seeded'", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(v.is_some())
    }

    /// Replaces the whole library (one transaction) and marks the database seeded.
    pub fn load(&mut self, lib: Library) -> Result<(), StoreError> {
        if let Some(mut conn) = self.lock() {
            write_library(&mut conn, &lib)?;
        }
        self.files = lib.files;
        self.folders = lib.folders;
        self.fields = lib.fields;
        self.deleted_fields.clear();
        self.complete = true;
        self.reorder();
        Ok(())
    }

    pub fn files(&self) -> &[FileDetails] {
        &self.files
    }

    pub fn folders(&self) -> &[FolderDetails] {
        &self.folders
    }

    /// The custom metadata fields in use (not deleted).
    pub fn fields(&self) -> &[CustomMetadataField] {
        &self.fields
    }

    /// The deleted custom metadata fields.
    pub fn deleted_fields(&self) -> &[CustomMetadataField] {
        &self.deleted_fields
    }

    /// Where a file sits in [`Store::files`].
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(&IdKey::of(id)).copied()
    }

    pub fn file(&self, id: &str) -> Option<&FileDetails> {
        self.index
            .get(&IdKey::of(id))
            .and_then(|&i| self.files.get(i))
    }

    /// Ids among `ids` that name no file, in request order.
    pub fn missing(&self, ids: &[String]) -> Vec<String> {
        ids.iter()
            .filter(|id| !self.index.contains_key(&IdKey::of(id)))
            .cloned()
            .collect()
    }

    /// Writes new versions of existing files atomically. Each is stamped with a fresh
    /// `updatedAt` and URLs. Returns the stored copies.
    pub fn update_files(
        &mut self,
        mut changed: Vec<FileDetails>,
    ) -> Result<Vec<FileDetails>, StoreError> {
        let now = Timestamp::now();
        for f in &mut changed {
            f.updated_at = now.max(f.created_at);
            seed::refresh_urls(f);
        }
        if let Some(mut conn) = self.lock() {
            let tx = conn.transaction()?;
            {
                let mut up = tx.prepare_cached("UPDATE files SET body = ?2 WHERE id = ?1")?;
                for f in &changed {
                    up.execute(params![f.file_id, to_json(f)])?;
                }
            }
            tx.commit()?;
        }
        for f in &changed {
            if let Some(&i) = self.index.get(&IdKey::of(&f.file_id))
                && let Some(slot) = self.files.get_mut(i)
            {
                *slot = f.clone();
            }
        }
        Ok(changed)
    }

    /// Deletes files atomically (all of `ids` or none).
    pub fn delete_files(&mut self, ids: &[String]) -> Result<(), StoreError> {
        if let Some(mut conn) = self.lock() {
            let tx = conn.transaction()?;
            {
                let mut del = tx.prepare_cached("DELETE FROM files WHERE id = ?1")?;
                for id in ids {
                    del.execute(params![id])?;
                }
            }
            tx.commit()?;
        }
        let gone: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
        self.files.retain(|f| !gone.contains(f.file_id.as_str()));
        self.reindex();
        Ok(())
    }

    /// Adds a custom metadata field definition.
    pub fn add_field(&mut self, field: CustomMetadataField) -> Result<(), StoreError> {
        if let Some(conn) = self.lock() {
            conn.execute(
                "INSERT INTO fields (id, body) VALUES (?1, ?2)",
                params![field.id, to_json(&field)],
            )?;
        }
        self.fields.push(field);
        Ok(())
    }

    /// Replaces a field in use (the one with `field.id`) with `field`.
    pub fn update_field(&mut self, field: CustomMetadataField) -> Result<(), StoreError> {
        let Some(i) = self.fields.iter().position(|f| f.id == field.id) else {
            return Ok(());
        };
        self.write_field(&field, false)?;
        self.fields[i] = field;
        Ok(())
    }

    /// Marks a field in use deleted: it keeps its row (and its name), flagged.
    pub fn delete_field(&mut self, id: &str) -> Result<(), StoreError> {
        let Some(i) = self.fields.iter().position(|f| f.id == id) else {
            return Ok(());
        };
        self.write_field(&self.fields[i], true)?;
        let field = self.fields.remove(i);
        self.deleted_fields.push(field);
        Ok(())
    }

    fn write_field(&self, field: &CustomMetadataField, deleted: bool) -> Result<(), StoreError> {
        if let Some(conn) = self.lock() {
            let row = StoredField {
                field: field.clone(),
                deleted,
            };
            conn.execute(
                "UPDATE fields SET body = ?2 WHERE id = ?1",
                params![field.id, to_json(&row)],
            )?;
        }
        Ok(())
    }

    /// The database, if the store has one.
    fn lock(&self) -> Option<std::sync::MutexGuard<'_, Connection>> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions
        // roll back on drop), so a poisoned lock is safe to reuse.
        self.conn
            .as_ref()
            .map(|c| c.lock().unwrap_or_else(std::sync::PoisonError::into_inner))
    }

    fn reorder(&mut self) {
        sort_files(&mut self.files);
        self.folders
            .sort_by(|a, b| a.folder_path.cmp(&b.folder_path));
        self.reindex();
    }

    fn reindex(&mut self) {
        let mut index = HashMap::with_capacity(self.files.len());
        for (i, f) in self.files.iter().enumerate() {
            index.insert(IdKey::of(&f.file_id), i);
        }
        self.index = index;
    }
}

/// A `fields` row: the definition, and `"deleted": true` once it is deleted (rows
/// written before fields could be deleted have no flag).
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredField {
    #[serde(flatten)]
    field: CustomMetadataField,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    deleted: bool,
}

/// A file id as the index keeps it: an ObjectId-like id (24 lowercase hex digits, as
/// every generated and `ImageKit` id is) as its number, without an allocation per file;
/// any other id as text. Each id has exactly one key.
#[derive(PartialEq, Eq, Hash)]
enum IdKey {
    Hex(u128),
    Text(Box<str>),
}

impl IdKey {
    fn of(id: &str) -> IdKey {
        if id.len() == 24
            && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            && let Ok(n) = u128::from_str_radix(id, 16)
        {
            IdKey::Hex(n)
        } else {
            IdKey::Text(id.into())
        }
    }
}

/// What the store orders files by.
fn order_key(f: &FileDetails) -> (Timestamp, &str) {
    (f.created_at, &f.file_id)
}

/// Sorts files by [`order_key`], stably. Files are large: this sorts their positions,
/// then moves each file once, and does nothing when they are in order already (a
/// generated library is built in order).
fn sort_files(files: &mut [FileDetails]) {
    if files.is_sorted_by(|a, b| order_key(a) <= order_key(b)) {
        return;
    }
    // `order[j]`: where the file that belongs at j is now. Ties keep their positions.
    let mut keys: Vec<_> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (order_key(f), i))
        .collect();
    keys.sort_unstable();
    let mut order: Vec<usize> = keys.into_iter().map(|(_, i)| i).collect();
    // Follow each cycle of the permutation, marking slots done as they are filled.
    for start in 0..files.len() {
        let mut at = start;
        while order[at] != at {
            let from = order[at];
            order[at] = at;
            if from == start {
                break;
            }
            files.swap(at, from);
            at = from;
        }
    }
}

/// Replaces every table's rows with `lib` and marks the database seeded, in one
/// transaction.
///
/// The transaction goes through a rollback journal rather than the WAL: a library is
/// seeded into a new, (nearly) empty database, so the journal stays small and each page
/// is written once, where the WAL would write it twice (log, then checkpoint). The
/// commit is just as atomic; the database is back in WAL mode afterwards.
fn write_library(conn: &mut Connection, lib: &Library) -> Result<(), StoreError> {
    let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0))?;
    conn.pragma_update(None, "journal_mode", "DELETE")?;
    // Room for the transaction's pages, so they are written out once, at the commit.
    conn.pragma_update(None, "cache_size", -262_144)?;
    let written = write_rows(conn, lib);
    conn.pragma_update(None, "cache_size", -2_000)?;
    conn.pragma_update(None, "journal_mode", &mode)?;
    written
}

fn write_rows(conn: &mut Connection, lib: &Library) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute_batch("DELETE FROM files; DELETE FROM folders; DELETE FROM fields;")?;
    {
        // In key order, each row lands at the end of the table's B-tree.
        let mut files: Vec<&FileDetails> = lib.files.iter().collect();
        files.sort_unstable_by(|a, b| a.file_id.cmp(&b.file_id));
        let mut ins = tx.prepare("INSERT INTO files (id, body) VALUES (?1, ?2)")?;
        let mut inserted = Ok(());
        for_each_json(&files, |f, body| {
            inserted = ins.execute(params![f.file_id, body]).map(drop);
            inserted.is_ok()
        });
        inserted?;
        let mut ins = tx.prepare("INSERT INTO folders (id, body) VALUES (?1, ?2)")?;
        for f in &lib.folders {
            ins.execute(params![f.folder_id, to_json(f)])?;
        }
        let mut ins = tx.prepare("INSERT INTO fields (id, body) VALUES (?1, ?2)")?;
        for f in &lib.fields {
            ins.execute(params![f.id, to_json(f)])?;
        }
    }
    tx.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES ('seeded', ?1)",
        params![Timestamp::now().to_string()],
    )?;
    tx.commit()?;
    Ok(())
}

/// Calls `row` with each file and its JSON, in order, until it returns `false`. The JSON
/// is written by other threads meanwhile, a chunk of files at a time.
fn for_each_json(files: &[&FileDetails], mut row: impl FnMut(&FileDetails, &str) -> bool) {
    const CHUNK: usize = 1024;
    let chunks: Vec<&[&FileDetails]> = files.chunks(CHUNK).collect();
    let workers = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .saturating_sub(1)
        .clamp(1, 4)
        .min(chunks.len());
    if workers == 0 {
        return;
    }
    std::thread::scope(|s| {
        // Worker w writes chunks w, w + workers, …; reading the workers in turn gives
        // the chunks in order. Bounded: a few chunks ahead of the inserts at most.
        let receivers: Vec<_> = (0..workers)
            .map(|w| {
                let (tx, rx) = std::sync::mpsc::sync_channel::<JsonChunk>(4);
                let chunks = &chunks;
                s.spawn(move || {
                    for chunk in chunks.iter().skip(w).step_by(workers) {
                        if tx.send(JsonChunk::of(chunk)).is_err() {
                            return;
                        }
                    }
                });
                rx
            })
            .collect();
        for (k, chunk) in chunks.iter().enumerate() {
            let Ok(json) = receivers[k % workers].recv() else {
                return;
            };
            for (f, body) in chunk.iter().zip(json.bodies()) {
                if !row(f, body) {
                    return;
                }
            }
        }
    });
}

/// The JSON of a chunk of files, in one buffer.
struct JsonChunk {
    text: String,
    ends: Vec<usize>,
}

impl JsonChunk {
    fn of(files: &[&FileDetails]) -> JsonChunk {
        let mut buf = Vec::with_capacity(files.len() * 1024);
        let mut ends = Vec::with_capacity(files.len());
        for f in files {
            // Serialising our own model types cannot fail (no non-string map keys).
            let _ = serde_json::to_writer(&mut buf, f);
            ends.push(buf.len());
        }
        // serde_json writes UTF-8.
        let text = String::from_utf8(buf).unwrap_or_default();
        JsonChunk { text, ends }
    }

    fn bodies(&self) -> impl Iterator<Item = &str> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        starts
            .zip(self.ends.iter().copied())
            .map(|(a, b)| self.text.get(a..b).unwrap_or_default())
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> String {
    // Serialising our own model types to a String cannot fail (no non-string map keys).
    serde_json::to_string(v).unwrap_or_default()
}

fn load_table<T: serde::de::DeserializeOwned>(
    conn: &Connection,
    table: &'static str,
) -> Result<Vec<T>, StoreError> {
    let mut stmt = conn.prepare(&format!("SELECT id, body FROM {table}"))?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for row in rows {
        let (id, body) = row?;
        let v = serde_json::from_str(&body).map_err(|source| StoreError::Corrupt {
            table,
            id,
            source,
        })?;
        out.push(v);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(files: &[FileDetails]) -> Vec<&str> {
        files.iter().map(|f| f.file_id.as_str()).collect()
    }

    #[test]
    fn files_sort_stably_by_created_then_id() {
        let mut files = seed::generate(600, 5).files;
        // Ties: equal createdAt (ordered by id) and equal (createdAt, id) (kept in place).
        for f in files.iter_mut().step_by(3) {
            f.created_at = Timestamp::from_millis(1_600_000_000_000);
        }
        let twin = FileDetails {
            name: "twin".to_owned(),
            ..files[10].clone()
        };
        files.insert(400, twin);
        let mut expected = files.clone();
        expected.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
        sort_files(&mut files);
        assert_eq!(files, expected);
        sort_files(&mut files);
        assert_eq!(files, expected, "sorted input stays as it is");
    }

    #[test]
    fn ephemeral_store_mutates_in_memory_and_keys_ids_exactly() {
        let mut store = Store::open(None).unwrap();
        assert!(!store.is_seeded().unwrap());
        assert!(store.is_complete());
        let mut lib = seed::generate(50, 9);
        lib.files[3].file_id = "not-an-object-id".to_owned();
        store.load(lib).unwrap();
        let first = store.files()[0].clone();
        assert!(store.file(&first.file_id).is_some());
        assert!(store.file("not-an-object-id").is_some());
        assert!(
            store.file(&first.file_id.to_uppercase()).is_none(),
            "ids are case-sensitive"
        );
        assert_eq!(
            store.missing(&[first.file_id.clone(), "f".repeat(24)]),
            ["f".repeat(24)]
        );
        let mut changed = first.clone();
        changed.tags = vec!["changed".to_owned()];
        store.update_files(vec![changed]).unwrap();
        assert_eq!(store.file(&first.file_id).unwrap().tags, ["changed"]);
        store
            .delete_files(std::slice::from_ref(&first.file_id))
            .unwrap();
        assert!(store.file(&first.file_id).is_none());
        assert_eq!(store.files().len(), 49);
        assert!(
            store
                .files()
                .is_sorted_by(|a, b| order_key(a) <= order_key(b))
        );
    }

    #[test]
    fn a_filling_store_is_incomplete_until_finished() {
        let plan = seed::Plan::new(3000, 4).sorted();
        let mut store = Store::filling(Vec::new(), seed::generated_fields(), plan.len());
        store.set_folders(plan.folders().to_vec());
        assert!(!store.is_complete());
        plan.build(|files| {
            store.append(files);
            true
        });
        assert!(!store.is_complete());
        store.finish();
        assert!(store.is_complete());
        let mut whole = Store::open(None).unwrap();
        whole.load(seed::generate(3000, 4)).unwrap();
        assert_eq!(store.files(), whole.files());
        assert_eq!(store.folders(), whole.folders());
        let last = &whole.files()[2999].file_id;
        assert_eq!(store.file(last), whole.file(last));
    }

    #[test]
    fn a_seeded_database_reopens_in_order_and_in_wal_mode() {
        let dir = tempfile::tempdir().unwrap();
        let lib = seed::generate(2500, 6);
        let mut store = Store::open(Some(dir.path())).unwrap();
        assert!(!store.is_seeded().unwrap());
        store.load(lib.clone()).unwrap();
        assert!(store.is_seeded().unwrap());
        let mode: String = store
            .lock()
            .unwrap()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
        let files = store.files().to_vec();
        let mut changed = files[7].clone();
        changed.tags = vec!["kept".to_owned()];
        store.update_files(vec![changed]).unwrap();
        drop(store);

        let store = Store::open(Some(dir.path())).unwrap();
        assert!(store.is_seeded().unwrap());
        assert_eq!(ids(store.files()), ids(&files));
        assert_eq!(store.files()[7].tags, ["kept"]);
        assert_eq!(store.files()[8], files[8]);
        assert_eq!(store.folders(), &folders_sorted(lib.folders)[..]);
        // Fields come back in id order, as before.
        let mut fields = lib.fields;
        fields.sort_by(|a, b| a.id.cmp(&b.id));
        assert_eq!(store.fields(), &fields[..]);
    }

    #[test]
    fn updated_and_deleted_fields_survive_a_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(Some(dir.path())).unwrap();
        store.load(seed::generate(10, 3)).unwrap();
        let mut brand = store.fields()[0].clone();
        let price = store.fields()[1].clone();
        brand.label = "Maker".to_owned();
        store.update_field(brand.clone()).unwrap();
        store.delete_field(&price.id).unwrap();
        assert!(store.fields().iter().all(|f| f.id != price.id));
        assert_eq!(store.deleted_fields(), std::slice::from_ref(&price));
        drop(store);

        let store = Store::open(Some(dir.path())).unwrap();
        assert_eq!(store.deleted_fields(), std::slice::from_ref(&price));
        assert!(store.fields().contains(&brand), "the new label is kept");
        assert!(store.fields().iter().all(|f| f.id != price.id));
        assert_eq!(store.fields().len(), seed::generated_fields().len() - 1);
    }

    fn folders_sorted(mut folders: Vec<FolderDetails>) -> Vec<FolderDetails> {
        folders.sort_by(|a, b| a.folder_path.cmp(&b.folder_path));
        folders
    }
}
