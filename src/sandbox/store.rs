//! The sandbox's durable store: `SQLite` for durability, an in-memory index for queries.
//!
//! Every mutation is computed on copies, written to `SQLite` in one transaction and only
//! then swapped into memory. A bulk call therefore lands completely or not at all, even
//! if the process is killed mid-call (`SQLite`'s WAL makes the commit atomic), and the
//! in-memory view never shows a change the database does not hold.

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
    #[error("cannot create the data directory {dir}: {source}")]
    DataDir { dir: String, source: std::io::Error },
}

/// All the sandbox's data. Reads take `&self`; writes take `&mut self` and are atomic.
pub struct Store {
    conn: Mutex<Connection>,
    /// Files in ascending (createdAt, fileId) order: the API's default sort.
    files: Vec<FileDetails>,
    index: HashMap<String, usize>,
    folders: Vec<FolderDetails>,
    fields: Vec<CustomMetadataField>,
}

impl Store {
    /// Opens (or creates) `DIR/sandbox.db`, or an in-memory database when `dir` is `None`.
    pub fn open(dir: Option<&Path>) -> Result<Store, StoreError> {
        let conn = match dir {
            Some(dir) => {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::DataDir {
                    dir: dir.display().to_string(),
                    source,
                })?;
                let conn = Connection::open(dir.join("sandbox.db"))?;
                // WAL + NORMAL: a commit is atomic and survives a killed process.
                conn.pragma_update(None, "journal_mode", "WAL")?;
                conn.pragma_update(None, "synchronous", "NORMAL")?;
                conn
            }
            None => Connection::open_in_memory()?,
        };
        conn.execute_batch(SCHEMA)?;
        let files = load_table::<FileDetails>(&conn, "files")?;
        let folders = load_table::<FolderDetails>(&conn, "folders")?;
        let fields = load_table::<CustomMetadataField>(&conn, "fields")?;
        let mut store = Store {
            conn: Mutex::new(conn),
            files,
            index: HashMap::new(),
            folders,
            fields,
        };
        store.reorder();
        Ok(store)
    }

    /// True until something has been seeded into this database.
    pub fn is_seeded(&self) -> Result<bool, StoreError> {
        let conn = self.lock();
        let v: Option<String> = conn
            .query_row("SELECT value FROM meta WHERE key = 'seeded'", [], |r| {
                r.get(0)
            })
            .optional()?;
        Ok(v.is_some())
    }

    /// Replaces the whole library (one transaction) and marks the database seeded.
    pub fn load(&mut self, lib: Library) -> Result<(), StoreError> {
        {
            let mut conn = self.lock();
            let tx = conn.transaction()?;
            tx.execute_batch("DELETE FROM files; DELETE FROM folders; DELETE FROM fields;")?;
            {
                let mut ins = tx.prepare("INSERT INTO files (id, body) VALUES (?1, ?2)")?;
                for f in &lib.files {
                    ins.execute(params![f.file_id, to_json(f)])?;
                }
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
        }
        self.files = lib.files;
        self.folders = lib.folders;
        self.fields = lib.fields;
        self.reorder();
        Ok(())
    }

    pub fn files(&self) -> &[FileDetails] {
        &self.files
    }

    pub fn folders(&self) -> &[FolderDetails] {
        &self.folders
    }

    pub fn fields(&self) -> &[CustomMetadataField] {
        &self.fields
    }

    pub fn file(&self, id: &str) -> Option<&FileDetails> {
        self.index.get(id).and_then(|&i| self.files.get(i))
    }

    /// Ids among `ids` that name no file, in request order.
    pub fn missing(&self, ids: &[String]) -> Vec<String> {
        ids.iter()
            .filter(|id| !self.index.contains_key(id.as_str()))
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
        {
            let mut conn = self.lock();
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
            if let Some(&i) = self.index.get(&f.file_id)
                && let Some(slot) = self.files.get_mut(i)
            {
                *slot = f.clone();
            }
        }
        Ok(changed)
    }

    /// Deletes files atomically (all of `ids` or none).
    pub fn delete_files(&mut self, ids: &[String]) -> Result<(), StoreError> {
        {
            let mut conn = self.lock();
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
        self.lock().execute(
            "INSERT INTO fields (id, body) VALUES (?1, ?2)",
            params![field.id, to_json(&field)],
        )?;
        self.fields.push(field);
        Ok(())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        // A panic while holding the lock cannot leave SQLite half-written (transactions
        // roll back on drop), so a poisoned lock is safe to reuse.
        self.conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn reorder(&mut self) {
        self.files
            .sort_by(|a, b| (a.created_at, &a.file_id).cmp(&(b.created_at, &b.file_id)));
        self.folders
            .sort_by(|a, b| a.folder_path.cmp(&b.folder_path));
        self.reindex();
    }

    fn reindex(&mut self) {
        self.index = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.file_id.clone(), i))
            .collect();
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
