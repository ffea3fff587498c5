//! The sandbox: a local ImageKit-compatible HTTP server.
//!
//! Request path: request id → request log → auth → fault layer → handler → store transaction.
//! The request log ([`requests`]) counts `/v1` requests only, whatever their outcome.
//! `/_sandbox/*` admin routes skip the fault layer but still need the key.
//! Media URLs (`/demo/…`, see [`media`]) are public, like a CDN: no key, no faults.

pub mod api;
pub mod auth;
pub mod error;
pub mod extensions;
pub mod faults;
pub mod media;
pub mod requests;
pub mod search;
pub mod seed;
pub mod store;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, RwLock, RwLockReadGuard, RwLockWriteGuard, Weak};

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use tokio::net::TcpListener;

use self::error::SandboxError;
use self::faults::{FaultConfig, Faults};
use self::requests::{LoggedRequest, RequestLog, RequestsReport};
use self::store::Store;

/// Where the library comes from when the database is new.
#[derive(Debug, Clone, PartialEq)]
pub enum SeedSource {
    /// The shipped demo library.
    Demo,
    /// A JSON array in the list-response shape.
    File(PathBuf),
    /// N generated files (deterministic).
    Generate { files: usize, seed: u64 },
    /// Nothing.
    Empty,
}

/// Everything needed to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    pub listen: SocketAddr,
    /// `None` keeps everything in memory.
    pub data_dir: Option<PathBuf>,
    pub seed: SeedSource,
    pub key: String,
    pub faults: FaultConfig,
}

impl SandboxConfig {
    /// An in-memory sandbox on an ephemeral loopback port.
    pub fn ephemeral(key: impl Into<String>, seed: SeedSource) -> Self {
        SandboxConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: None,
            seed,
            key: key.into(),
            faults: FaultConfig::default(),
        }
    }
}

/// Shared server state.
pub struct AppState {
    store: RwLock<Store>,
    pub key: String,
    pub faults: Faults,
    /// Every `/v1` request, counted and logged by [`requests::record`].
    pub requests: RequestLog,
    next_request: AtomicU64,
    /// The bound address, once serving (media URLs fall back to it without a `Host`).
    local_addr: OnceLock<SocketAddr>,
    /// How far a filling store is; every change wakes the requests waiting for more of
    /// the library. Updated after the store.
    filled: tokio::sync::watch::Sender<Filled>,
}

/// How much of the library is in the store.
#[derive(Debug, Clone, Copy)]
struct Filled {
    files: usize,
    complete: bool,
}

pub type Shared = Arc<AppState>;

impl AppState {
    pub fn read_store(&self) -> RwLockReadGuard<'_, Store> {
        // Store mutations swap in new state only after a commit, so a poisoned lock
        // still guards consistent data.
        self.store
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub fn write_store(&self) -> RwLockWriteGuard<'_, Store> {
        self.store
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Waits until the whole library is in the store (at once, unless
    /// [`Sandbox::start_filling`] is still adding files).
    pub async fn library_complete(&self) {
        let _ = self.filled.subscribe().wait_for(|f| f.complete).await;
    }

    /// Waits until the store holds at least `files` files, or the whole library.
    pub async fn library_holds(&self, files: usize) {
        let _ = self
            .filled
            .subscribe()
            .wait_for(|f| f.complete || f.files >= files)
            .await;
    }

    /// Adds files to a filling store (see [`Store::append`]) and wakes the requests
    /// waiting for them.
    pub fn append_files(&self, files: Vec<crate::model::FileDetails>) {
        let n = files.len();
        self.write_store().append(files);
        self.filled.send_modify(|f| f.files += n);
    }

    /// Marks a filling store complete and wakes every request waiting for the library.
    pub fn finish_library(&self) {
        self.write_store().finish();
        self.filled.send_modify(|f| f.complete = true);
    }

    /// The address [`Sandbox::serve`] is listening on (`None` for a bare [`app`]).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.local_addr.get().copied()
    }
}

/// Errors that stop the sandbox from starting.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("cannot read seed file {path}: {source}")]
    SeedRead {
        path: String,
        source: std::io::Error,
    },
    #[error("seed file {path}: {source}")]
    Seed {
        path: String,
        source: seed::SeedError,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("invalid fault settings: {0}")]
    Faults(String),
}

/// Opens the store and seeds it if it is new. Returns the store and whether it was seeded now.
pub fn open_store(cfg: &SandboxConfig) -> Result<(Store, bool), StartError> {
    let mut store = Store::open(cfg.data_dir.as_deref())?;
    if store.is_seeded()? {
        return Ok((store, false));
    }
    let lib = match &cfg.seed {
        SeedSource::Demo => seed::demo(),
        // Built in the store's order, so the store has nothing left to sort.
        SeedSource::Generate { files, seed } => seed::Plan::new(*files, *seed).sorted().library(),
        SeedSource::Empty => seed::Library {
            files: Vec::new(),
            folders: Vec::new(),
            fields: Vec::new(),
        },
        SeedSource::File(path) => {
            let text = std::fs::read_to_string(path).map_err(|source| StartError::SeedRead {
                path: path.display().to_string(),
                source,
            })?;
            seed::from_list_json(&text).map_err(|source| StartError::Seed {
                path: path.display().to_string(),
                source,
            })?
        }
    };
    store.load(lib)?;
    Ok((store, true))
}

/// Builds the whole HTTP app around a store.
pub fn app(store: Store, key: String, faults: FaultConfig) -> (Router, Shared) {
    let filled = Filled {
        files: store.files().len(),
        complete: store.is_complete(),
    };
    let state: Shared = Arc::new(AppState {
        store: RwLock::new(store),
        key,
        faults: Faults::new(faults),
        requests: RequestLog::new(),
        next_request: AtomicU64::new(1),
        local_addr: OnceLock::new(),
        filled: tokio::sync::watch::Sender::new(filled),
    });
    // Auth first: ImageKit limits and fails requests per account, so a request
    // without a valid key gets its 401/403 whatever faults are switched on.
    let v1 = api::routes()
        .layer(middleware::from_fn_with_state(
            state.clone(),
            faults::inject,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_key,
        ));
    let admin = Router::new()
        .route("/_sandbox/faults", get(get_faults).put(put_faults))
        .route(
            "/_sandbox/requests",
            get(get_requests).delete(delete_requests),
        )
        .route("/_sandbox/requests/detail", get(get_request_detail))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_key,
        ));
    let router = Router::new()
        .merge(v1)
        .merge(admin)
        .merge(media::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Outside auth and faults, so 401/403 and injected faults are counted too.
        .layer(middleware::from_fn_with_state(
            state.clone(),
            requests::record,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), request_id))
        .with_state(state.clone());
    (router, state)
}

async fn not_found() -> SandboxError {
    SandboxError::new(
        StatusCode::NOT_FOUND,
        "This endpoint does not exist on the iktag sandbox. It serves the media-library API under /v1 (files, details, tags, AI tags, delete, customMetadataFields).",
    )
}

async fn method_not_allowed() -> SandboxError {
    SandboxError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "This HTTP method is not allowed on this endpoint.",
    )
}

async fn get_faults(State(state): State<Shared>) -> Json<faults::FaultsReport> {
    Json(state.faults.report())
}

async fn put_faults(
    State(state): State<Shared>,
    body: axum::body::Bytes,
) -> Result<Json<FaultConfig>, SandboxError> {
    let cfg: FaultConfig = serde_json::from_slice(&body).map_err(|e| {
        SandboxError::bad_request(format!(
            "Invalid fault settings: {e}. Expected {{\"latencyMs\":[min,max],\"failRate\":0.1,\"errorRate\":0,\"rateLimit\":10,\"resetRate\":0,\"rngSeed\":1}} (all optional)."
        ))
    })?;
    cfg.validate()
        .map_err(|e| SandboxError::bad_request(format!("Invalid fault settings: {e}.")))?;
    tracing::info!(?cfg, "fault settings changed");
    state.faults.set(cfg.clone());
    Ok(Json(cfg))
}

async fn get_requests(State(state): State<Shared>) -> Json<RequestsReport> {
    Json(state.requests.report())
}

async fn get_request_detail(State(state): State<Shared>) -> Json<requests::DetailReport> {
    Json(state.requests.detail())
}

async fn delete_requests(State(state): State<Shared>) -> StatusCode {
    state.requests.reset();
    StatusCode::NO_CONTENT
}

/// Adds `x-ik-requestId` to every response.
async fn request_id(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let n = state.next_request.fetch_add(1, Ordering::Relaxed);
    let id = format!(
        "{:08x}-{:04x}-4000-8000-{:012x}",
        std::process::id(),
        (n >> 48) & 0xffff,
        n & 0xffff_ffff_ffff
    );
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let mut resp = next.run(req).await;
    tracing::debug!(%method, %path, status = resp.status().as_u16(), request_id = %id, "request");
    if let Ok(v) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert("x-ik-requestId", v);
    }
    resp
}

/// A running sandbox.
pub struct Sandbox {
    pub addr: SocketAddr,
    pub key: String,
    pub state: Shared,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

async fn bind(addr: SocketAddr) -> Result<TcpListener, StartError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })
}

impl Sandbox {
    /// Opens the store, binds, and serves in the background on the current tokio runtime.
    pub async fn start(cfg: SandboxConfig) -> Result<Sandbox, StartError> {
        cfg.faults.validate().map_err(StartError::Faults)?;
        let (store, _) = open_store(&cfg)?;
        let listener = bind(cfg.listen).await?;
        Self::serve(listener, store, cfg.key, cfg.faults)
    }

    /// Like [`Sandbox::start`], but a generated in-memory library (`--files N` without
    /// `--data`) is served while it is being built: the store fills in its own
    /// `(createdAt, fileId)` order, a default-order page is answered as soon as it is
    /// there, and every other request waits for the whole library (see `api`), so no
    /// answer ever shows a partial library as if it were all of it. Other libraries
    /// start as with [`Sandbox::start`].
    pub async fn start_filling(cfg: SandboxConfig) -> Result<Sandbox, StartError> {
        let (SeedSource::Generate { files, seed }, None) = (&cfg.seed, &cfg.data_dir) else {
            return Self::start(cfg).await;
        };
        let (files, seed) = (*files, *seed);
        cfg.faults.validate().map_err(StartError::Faults)?;
        // The folders come with the plan (see `fill`); until then nothing that lists
        // folders is answered.
        let store = Store::filling(Vec::new(), seed::generated_fields(), files);
        let listener = bind(cfg.listen).await?;
        let sandbox = Self::serve(listener, store, cfg.key, cfg.faults)?;
        let state = Arc::downgrade(&sandbox.state);
        std::thread::Builder::new()
            .name("sandbox-fill".to_owned())
            .spawn(move || fill(files, seed, &state))
            .map_err(|e| StartError::Store(store::StoreError::Fill(e.to_string())))?;
        Ok(sandbox)
    }

    /// Serves an already-opened store on an already-bound listener.
    pub fn serve(
        listener: TcpListener,
        store: Store,
        key: String,
        faults: FaultConfig,
    ) -> Result<Sandbox, StartError> {
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            source,
        })?;
        let (router, state) = app(store, key.clone(), faults);
        let _ = state.local_addr.set(addr);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let serve = axum::serve(listener, router).with_graceful_shutdown(async move {
                let _ = rx.await;
            });
            if let Err(e) = serve.await {
                tracing::error!(error = %e, "sandbox server stopped");
            }
        });
        Ok(Sandbox {
            addr,
            key,
            state,
            shutdown: Some(tx),
            task,
        })
    }

    /// `http://127.0.0.1:PORT`: what `IMAGE_KIT_BASE_URL` should be.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many `/v1` requests have reached the sandbox since it started (or the last
    /// [`reset_requests`](Self::reset_requests)), whatever their outcome.
    pub fn requests(&self) -> u64 {
        self.state.requests.total()
    }

    /// The last [`requests::RECENT`] `/v1` requests, oldest first.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.state.requests.recent()
    }

    /// [`request_log`](Self::request_log) with each request's times and injected fault.
    pub fn request_detail(&self) -> Vec<requests::DetailedRequest> {
        self.state.requests.detail().recent
    }

    /// Sets the request count back to 0 and empties the log.
    pub fn reset_requests(&self) {
        self.state.requests.reset();
    }

    /// Stops accepting, finishes in-flight requests, and waits for the server to end.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Plans the generated library, then builds its files into a filling store chunk by
/// chunk, in the store's order, and marks it complete. Stops early once the sandbox is
/// gone.
fn fill(files: usize, seed: u64, state: &Weak<AppState>) {
    /// Completes the store even if building panics: requests waiting for the library
    /// then get what there is instead of waiting forever.
    struct Finish<'a>(&'a Weak<AppState>);
    impl Drop for Finish<'_> {
        fn drop(&mut self) {
            if std::thread::panicking() {
                tracing::error!("building the generated library failed; serving what was built");
            }
            if let Some(state) = self.0.upgrade() {
                state.finish_library();
            }
        }
    }
    let _finish = Finish(state);
    let started = std::time::Instant::now();
    let plan = seed::Plan::new(files, seed).sorted();
    match state.upgrade() {
        Some(state) => state.write_store().set_folders(plan.folders().to_vec()),
        None => return,
    }
    let mut stopped = false;
    plan.build(|files| {
        let Some(state) = state.upgrade() else {
            stopped = true;
            return false;
        };
        state.append_files(files);
        true
    });
    if !stopped {
        tracing::info!(
            files = plan.len(),
            ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            "generated library complete"
        );
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}
