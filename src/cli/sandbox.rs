//! `iktag sandbox` and `iktag demo`.

use std::fmt::Write as _;
use std::io::Write;
use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;

use clap::Args;

use super::CliError;
use crate::sandbox::faults::{self, FaultConfig};
use crate::sandbox::{SandboxConfig, SeedSource, open_store};
use crate::text::count;

#[derive(Debug, Args)]
pub struct SandboxArgs {
    /// Address to listen on; port 0 picks a free port
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: String,
    /// Allow listening on a non-loopback address (exposes the sandbox to the network)
    #[arg(long)]
    pub public: bool,
    /// Keep the library in DIR/sandbox.db; it survives restarts
    #[arg(long, value_name = "DIR", conflicts_with = "ephemeral")]
    pub data: Option<PathBuf>,
    /// Keep the library in memory only (the default without --data)
    #[arg(long)]
    pub ephemeral: bool,
    /// Seed a new library from a JSON array in the GET /v1/files response shape
    #[arg(long, value_name = "FILE", group = "library")]
    pub seed: Option<PathBuf>,
    /// Seed a new library with N generated files (deterministic)
    #[arg(long, value_name = "N", group = "library")]
    pub files: Option<usize>,
    /// Start with an empty library
    #[arg(long, group = "library")]
    pub empty: bool,
    /// Generator seed for --files
    #[arg(long, value_name = "N", default_value_t = 42, requires = "files")]
    pub files_seed: u64,
    #[command(flatten)]
    pub faults: FaultArgs,
}

#[derive(Debug, Args, Clone, Default)]
pub struct FaultArgs {
    /// Added latency per request in ms: 50, or a range 10..200
    #[arg(long, value_name = "MS", value_parser = faults::parse_latency)]
    pub latency: Option<(u64, u64)>,
    /// Probability (0-1) that a file in a bulk call fails (207), or that a PATCH/DELETE fails (500)
    #[arg(long, value_name = "F", value_parser = faults::parse_rate, default_value_t = 0.0)]
    pub fail_rate: f64,
    /// Probability (0-1) that a whole request fails with 500, 502 or 503
    #[arg(long, value_name = "F", value_parser = faults::parse_rate, default_value_t = 0.0)]
    pub error_rate: f64,
    /// Requests per second before 429 (e.g. 10/s)
    #[arg(long, value_name = "N/s", value_parser = faults::parse_rate_limit)]
    pub rate_limit: Option<u32>,
    /// Probability (0-1) that a connection is dropped without a response
    #[arg(long, value_name = "F", value_parser = faults::parse_rate, default_value_t = 0.0)]
    pub reset_rate: f64,
    /// Probability (0-1) that an auto-tagging extension answers "pending" and adds its AI
    /// tags later (after --pending-ms)
    #[arg(long, value_name = "F", value_parser = faults::parse_rate, default_value_t = 0.0)]
    pub pending_rate: f64,
    /// How long a pending extension takes, in ms
    #[arg(long, value_name = "MS", default_value_t = 2000)]
    pub pending_ms: u64,
    /// Seed for the fault RNG, for reproducible runs
    #[arg(long, value_name = "N")]
    pub rng_seed: Option<u64>,
}

impl FaultArgs {
    fn config(&self) -> FaultConfig {
        FaultConfig {
            latency_ms: self.latency,
            fail_rate: self.fail_rate,
            error_rate: self.error_rate,
            rate_limit: self.rate_limit,
            reset_rate: self.reset_rate,
            pending_rate: self.pending_rate,
            pending_ms: Some(self.pending_ms),
            rng_seed: self.rng_seed,
            lose_answers: Vec::new(),
        }
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Address to listen on; port 0 picks a free port
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:0")]
    pub listen: String,
    /// Only serve the demo library: print its address (and key) like `iktag sandbox`, and
    /// how to reach it, until Ctrl-C
    #[arg(long)]
    pub no_tui: bool,
    /// Use N generated files instead of the demo library
    #[arg(long, value_name = "N", conflicts_with = "seed")]
    pub files: Option<usize>,
    /// Use a library from a JSON array in the GET /v1/files response shape
    #[arg(long, value_name = "FILE")]
    pub seed: Option<PathBuf>,
    #[command(flatten)]
    pub faults: FaultArgs,
}

/// Resolves `--listen`, refusing non-loopback addresses unless `public`.
pub fn listen_addr(spec: &str, public: bool) -> Result<SocketAddr, CliError> {
    let addr = match spec.parse::<SocketAddr>() {
        Ok(a) => a,
        Err(_) => spec
            .to_socket_addrs()
            .ok()
            .and_then(|mut it| it.next())
            .ok_or_else(|| {
                CliError::usage(format!(
                    "invalid --listen address {spec:?}: expected HOST:PORT such as 127.0.0.1:8080 (port 0 picks a free port)"
                ))
            })?,
    };
    if !addr.ip().is_loopback() && !public {
        return Err(CliError::usage(format!(
            "refusing to listen on {addr}: it is not a loopback address and would expose the sandbox to the network. Pass --public if that is what you want."
        )));
    }
    Ok(addr)
}

/// The key: `IMAGEKIT_PRIVATE_KEY`, or a generated one (returned with `true`).
fn key_from_env() -> (String, bool) {
    match std::env::var("IMAGEKIT_PRIVATE_KEY") {
        Ok(k) if !k.trim().is_empty() => (k.trim().to_owned(), false),
        _ => {
            let mut rng = fastrand::Rng::new();
            let tail: String = std::iter::repeat_with(|| rng.alphanumeric())
                .take(28)
                .collect();
            (format!("private_sandbox_{tail}"), true)
        }
    }
}

pub async fn run(args: SandboxArgs) -> Result<(), CliError> {
    let listen = listen_addr(&args.listen, args.public)?;
    let seed = if let Some(path) = args.seed {
        SeedSource::File(path)
    } else if let Some(files) = args.files {
        SeedSource::Generate {
            files,
            seed: args.files_seed,
        }
    } else if args.empty {
        SeedSource::Empty
    } else {
        SeedSource::Demo
    };
    let (key, generated) = key_from_env();
    let cfg = SandboxConfig {
        listen,
        data_dir: args.data,
        seed,
        key,
        faults: args.faults.config(),
    };
    serve(cfg, generated, false).await
}

pub async fn demo(args: DemoArgs, common: super::targets::Common) -> Result<(), CliError> {
    let listen = listen_addr(&args.listen, false)?;
    let (key, generated) = key_from_env();
    let seed = match (&args.seed, args.files) {
        (Some(p), _) => SeedSource::File(p.clone()),
        (None, Some(n)) => SeedSource::Generate { files: n, seed: 42 },
        (None, None) => SeedSource::Demo,
    };
    let cfg = SandboxConfig {
        listen,
        data_dir: None,
        seed,
        key,
        faults: args.faults.config(),
    };
    if args.no_tui {
        return serve(cfg, generated, true).await;
    }
    // The sandbox runs in-process on a loopback port; the TUI talks to it over HTTP
    // through the same client it uses for ImageKit. A generated library is served while
    // it is built, so the first rows show at once.
    let sandbox = crate::sandbox::Sandbox::start_filling(cfg.clone()).await?;
    let url = url::Url::parse(&sandbox.base_url()).map_err(|e| CliError::failed(e.to_string()))?;
    // The demo has no profile: the default limits.
    let options = crate::config::Limits::default().client_options(url.clone(), cfg.key.clone());
    let client = crate::api::Client::new(options)
        // The demo's own client failing is not the user's configuration: exit 1.
        .map_err(|e| CliError::failed(e.to_string()))?;
    let opts = crate::tui::TuiOptions {
        demo: true,
        read_only: common.read_only,
        concurrency: common
            .concurrency
            .map_or(crate::jobs::policy::CONCURRENCY_DEFAULT, usize::from),
        state_dir: crate::config::state_dir(&crate::config::ProcessEnv).ok(),
        keymap: crate::tui::load_keymap()?,
        mouse: crate::tui::mouse_from_env(),
        profile: None,
        profiles: crate::config::profiles(&crate::config::ProcessEnv),
        // Marked as the demo: its jobs can never be undone or resumed anywhere else.
        library: Some(crate::jobs::Library::new(
            url.as_str(),
            None,
            &cfg.key,
            true,
        )),
        // The demo library comes with rules it breaks, so the problems view has work.
        rules: Some(std::sync::Arc::new(demo_rules()?)),
    };
    let result = crate::tui::run(client, opts).await;
    sandbox.stop().await;
    Ok(result?)
}

async fn serve(cfg: SandboxConfig, generated_key: bool, demo: bool) -> Result<(), CliError> {
    cfg.faults.validate().map_err(CliError::usage)?;
    let started = std::time::Instant::now();
    let (store, seeded) = open_store(&cfg)?;
    let (files, folders) = (store.files().len(), store.folders().len());
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .map_err(|e| CliError::failed(format!("cannot listen on {}: {e}", cfg.listen)))?;
    let sandbox =
        crate::sandbox::Sandbox::serve(listener, store, cfg.key.clone(), cfg.faults.clone())?;
    tracing::info!(
        files,
        folders,
        seeded_now = seeded,
        data = %cfg.data_dir.as_ref().map_or("memory (ephemeral)".to_owned(), |d| d.display().to_string()),
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        "sandbox ready"
    );
    {
        let mut out = std::io::stdout().lock();
        let mut lines = format!("IMAGE_KIT_BASE_URL={}\n", sandbox.base_url());
        if generated_key {
            let _ = writeln!(lines, "IMAGEKIT_PRIVATE_KEY={}", cfg.key);
        }
        out.write_all(lines.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| CliError::failed(format!("cannot write to stdout: {e}")))?;
    }
    if demo {
        eprintln!("{}", demo_note(&count(files, "file"), &sandbox.base_url()));
    }
    shutdown_signal().await;
    tracing::info!("stopping the sandbox");
    sandbox.stop().await;
    Ok(())
}

/// What `iktag demo --no-tui` tells the user after the two ready lines.
fn demo_note(files: &str, base_url: &str) -> String {
    format!(
        "\nThe demo library ({files}) is served at {base_url} until Ctrl-C.\n\
         In another terminal, export the lines above, then use it like any library:\n  \
         iktag                       # the terminal UI\n  \
         iktag ls --limit 5\n  \
         curl -su \"$IMAGEKIT_PRIVATE_KEY:\" \"$IMAGE_KIT_BASE_URL/v1/files?limit=5\"\n"
    )
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// The demo's rules (assets/demo-rules.toml, built in).
pub fn demo_rules() -> Result<crate::lint::Rules, CliError> {
    crate::lint::Rules::parse(
        include_str!("../../assets/demo-rules.toml"),
        std::path::Path::new("assets/demo-rules.toml"),
    )
    .map_err(|e| CliError::failed(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_refuses_public_addresses_without_the_flag() {
        assert!(listen_addr("127.0.0.1:0", false).is_ok());
        assert!(listen_addr("[::1]:0", false).is_ok());
        let e = listen_addr("0.0.0.0:8080", false).unwrap_err();
        assert_eq!(e.code, super::super::EXIT_USAGE);
        assert!(e.message.contains("--public"), "{}", e.message);
        assert!(listen_addr("0.0.0.0:8080", true).is_ok());
        assert!(listen_addr("not an address", false).is_err());
    }
}
