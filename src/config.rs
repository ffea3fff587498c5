//! Configuration: profiles, where the key comes from, and where files live.
//!
//! `config.toml` lives in `$IKTAG_CONFIG_DIR`, else the platform's config directory
//! (Linux: `$XDG_CONFIG_HOME/iktag`, else `~/.config/iktag`). Job journals live in
//! `$IKTAG_STATE_DIR`, else the platform's state directory (Linux: `$XDG_STATE_HOME/iktag`,
//! else `~/.local/state/iktag`). See [`config_dir`] and [`state_dir`].
//!
//! The key comes from a profile's `key_env` / `key_file`, else `IMAGEKIT_PRIVATE_KEY`;
//! never from the command line. It never appears in a message, a log or a `Debug`.

use std::collections::BTreeMap;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::ClientOptions;
use crate::jobs::policy::{CONCURRENCY_DEFAULT, CONCURRENCY_MAX, CONCURRENCY_MIN};

/// The private key. `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Secret(s.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(redacted)")
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    default_profile: Option<String>,
    #[serde(default)]
    profiles: BTreeMap<String, Profile>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Profile {
    base_url: Option<String>,
    key_env: Option<String>,
    key_file: Option<PathBuf>,
    #[serde(default)]
    read_only: bool,
    concurrency: Option<i64>,
    // Read as any value so that a wrong type gets the same message (key, value, range) as
    // an out-of-range number.
    max_answer_mb: Option<toml::Value>,
    max_listing: Option<toml::Value>,
    max_rate_limit_wait: Option<toml::Value>,
    max_call_minutes: Option<toml::Value>,
}

/// `max_answer_mb`: the largest answer read, in MB.
pub const MAX_ANSWER_MB: RangeInclusive<u64> = 1..=4096;
/// `max_listing`: the most files one listing hands out.
pub const MAX_LISTING: RangeInclusive<u64> = 1000..=100_000_000;
/// `max_rate_limit_wait`: the longest rate-limit window waited out, in seconds.
pub const MAX_RATE_LIMIT_WAIT: RangeInclusive<u64> = 1..=3600;
/// `max_call_minutes`: the longest one call may take, attempts and waits included.
pub const MAX_CALL_MINUTES: RangeInclusive<u64> = 1..=120;

/// The API client's limits against a broken or hostile server, settable per profile
/// (`max_answer_mb`, `max_listing`, `max_rate_limit_wait`, `max_call_minutes`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest answer body read, in MB (64).
    pub max_answer_mb: u64,
    /// The most files one listing hands out (5 000 000).
    pub max_listing: usize,
    /// The longest rate-limit window waited out (2 minutes).
    pub max_rate_limit_wait: Duration,
    /// The longest one call may take, every attempt and wait included (10 minutes).
    pub max_call_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_answer_mb: 64,
            max_listing: 5_000_000,
            max_rate_limit_wait: Duration::from_secs(120),
            max_call_time: Duration::from_secs(600),
        }
    }
}

impl Limits {
    /// The client's options for `base_url` and `key` with these limits: the one place
    /// where the CLI, the terminal UI and the sandbox's UI build them.
    pub fn client_options(&self, base_url: url::Url, key: impl Into<String>) -> ClientOptions {
        let mut o = ClientOptions::new(base_url, key);
        o.max_body = self.max_answer_mb * 1024 * 1024;
        o.max_listing = self.max_listing;
        o.max_rate_limit_window = self.max_rate_limit_wait;
        o.max_call_time = self.max_call_time;
        o
    }

    /// A profile's limits; the message (key, value, allowed range) when one is wrong.
    fn from_profile(p: &Profile) -> Result<Limits, String> {
        let d = Limits::default();
        let listing = limit("max_listing", p.max_listing.as_ref(), &MAX_LISTING, "files")?;
        Ok(Limits {
            max_answer_mb: limit(
                "max_answer_mb",
                p.max_answer_mb.as_ref(),
                &MAX_ANSWER_MB,
                "megabytes",
            )?
            .unwrap_or(d.max_answer_mb),
            max_listing: listing
                .and_then(|n| usize::try_from(n).ok())
                .unwrap_or(d.max_listing),
            max_rate_limit_wait: limit(
                "max_rate_limit_wait",
                p.max_rate_limit_wait.as_ref(),
                &MAX_RATE_LIMIT_WAIT,
                "seconds",
            )?
            .map_or(d.max_rate_limit_wait, Duration::from_secs),
            max_call_time: limit(
                "max_call_minutes",
                p.max_call_minutes.as_ref(),
                &MAX_CALL_MINUTES,
                "minutes",
            )?
            .map_or(d.max_call_time, |m| Duration::from_secs(m * 60)),
        })
    }
}

/// A whole number within `range`, or the message naming `key`, the value and the range.
fn limit(
    key: &str,
    value: Option<&toml::Value>,
    range: &RangeInclusive<u64>,
    unit: &str,
) -> Result<Option<u64>, String> {
    let Some(v) = value else {
        return Ok(None);
    };
    match v.as_integer().and_then(|n| u64::try_from(n).ok()) {
        Some(n) if range.contains(&n) => Ok(Some(n)),
        _ => Err(format!(
            "{key} must be a whole number of {unit} between {} and {}, got {}",
            range.start(),
            range.end(),
            crate::text::untrusted(&v.to_string(), 40)
        )),
    }
}

/// A profile as the TUI lists it (no key material).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInfo {
    pub name: String,
    /// Where it points (`https://api.imagekit.io` when not set).
    pub base_url: String,
    pub read_only: bool,
}

/// The profiles of the config file, by name; none when there is no (readable) file.
pub fn profiles(env: &dyn Env) -> Vec<ProfileInfo> {
    let Ok(dir) = config_dir(env) else {
        return Vec::new();
    };
    let Ok(file) = read_file(&dir.join("config.toml")) else {
        return Vec::new();
    };
    file.profiles
        .into_iter()
        .map(|(name, p)| ProfileInfo {
            name,
            base_url: p
                .base_url
                .unwrap_or_else(|| "https://api.imagekit.io".to_owned()),
            read_only: p.read_only,
        })
        .collect()
}

/// Everything a command needs to talk to `ImageKit`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub profile: Option<String>,
    pub base_url: url::Url,
    pub key: Secret,
    pub read_only: bool,
    pub concurrency: usize,
    /// The API client's limits (see [`Settings::client_options`]).
    pub limits: Limits,
    pub config_path: PathBuf,
    pub state_dir: PathBuf,
}

/// Why the configuration cannot be used. Every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}: {message}")]
    File { path: String, message: String },
    #[error("no profile {name:?} in {path}; profiles defined: {known}")]
    NoProfile {
        name: String,
        path: String,
        known: String,
    },
    #[error("{0}")]
    Key(String),
    #[error("{0}")]
    BaseUrl(String),
    #[error("cannot find a home directory: set HOME, or IKTAG_CONFIG_DIR and IKTAG_STATE_DIR")]
    NoHome,
}

/// The process environment, or a fixed map in tests.
pub trait Env {
    fn var(&self, name: &str) -> Option<String>;
}

/// The real environment.
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok().filter(|v| !v.is_empty())
    }
}

impl Env for BTreeMap<&str, &str> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(|v| (*v).to_owned())
            .filter(|v| !v.is_empty())
    }
}

/// The platform's directories for iktag (the `directories` crate): on Linux and the BSDs
/// `$XDG_CONFIG_HOME/iktag` and `$XDG_STATE_HOME/iktag` (else `~/.config/iktag`,
/// `~/.local/state/iktag`); on macOS `~/Library/Application Support/iktag`; on Windows
/// `%APPDATA%\iktag\config` and `%LOCALAPPDATA%\iktag\data`. These read the process
/// environment; `IKTAG_CONFIG_DIR` / `IKTAG_STATE_DIR` (read through `env`) come first.
fn project() -> Result<directories::ProjectDirs, ConfigError> {
    directories::ProjectDirs::from("", "", "iktag").ok_or(ConfigError::NoHome)
}

/// Where iktag kept its files on macOS before it used the platform's directories
/// (`~/.config/iktag`, `~/.local/state/iktag`): still used when only they exist.
fn legacy(sub: &[&str], marker: &str, platform: PathBuf) -> PathBuf {
    if !cfg!(target_os = "macos") || platform.join(marker).exists() {
        return platform;
    }
    let Some(home) = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()) else {
        return platform;
    };
    let old = sub.iter().fold(home, |p, s| p.join(s));
    if old.join(marker).exists() {
        old
    } else {
        platform
    }
}

/// `config.toml`'s directory.
pub fn config_dir(env: &dyn Env) -> Result<PathBuf, ConfigError> {
    if let Some(d) = env.var("IKTAG_CONFIG_DIR") {
        return Ok(PathBuf::from(d));
    }
    let platform = project()?.config_dir().to_path_buf();
    Ok(legacy(&[".config", "iktag"], "config.toml", platform))
}

/// Where job journals go (`jobs/` inside it) and the terminal UI's log.
pub fn state_dir(env: &dyn Env) -> Result<PathBuf, ConfigError> {
    if let Some(d) = env.var("IKTAG_STATE_DIR") {
        return Ok(PathBuf::from(d));
    }
    let p = project()?;
    // Only Linux has a state directory; elsewhere it is the local data directory.
    let platform = p
        .state_dir()
        .unwrap_or_else(|| p.data_local_dir())
        .to_path_buf();
    Ok(legacy(&[".local", "state", "iktag"], "jobs", platform))
}

/// Resolves settings from the real environment and config file.
pub fn resolve(profile: Option<&str>) -> Result<Settings, ConfigError> {
    resolve_with(profile, &ProcessEnv)
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

fn read_file(path: &Path) -> Result<File, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(File::default()),
        Err(e) => {
            return Err(ConfigError::File {
                path: path.display().to_string(),
                message: format!("cannot read it: {e}"),
            });
        }
    };
    toml::from_str::<File>(&text).map_err(|e| {
        let at = e
            .span()
            .map(|s| {
                let (l, c) = line_col(&text, s.start);
                format!("line {l}, column {c}: ")
            })
            .unwrap_or_default();
        ConfigError::File {
            path: path.display().to_string(),
            message: format!(
                "{at}{}. Profiles take base_url, key_env, key_file, read_only, concurrency, max_answer_mb, max_listing, max_rate_limit_wait, max_call_minutes.",
                e.message().trim_end_matches('.')
            ),
        }
    })
}

/// Resolves settings against any environment (tests pass a map).
pub fn resolve_with(profile: Option<&str>, env: &dyn Env) -> Result<Settings, ConfigError> {
    let dir = config_dir(env)?;
    let path = dir.join("config.toml");
    let file = read_file(&path)?;
    let shown = path.display().to_string();
    let name = profile
        .map(str::to_owned)
        .or_else(|| env.var("IKTAG_PROFILE"))
        .or_else(|| file.default_profile.clone());
    let prof = match &name {
        None => Profile::default(),
        Some(n) => file
            .profiles
            .get(n)
            .cloned()
            .ok_or_else(|| ConfigError::NoProfile {
                name: n.clone(),
                path: shown.clone(),
                known: if file.profiles.is_empty() {
                    "none".to_owned()
                } else {
                    file.profiles.keys().cloned().collect::<Vec<_>>().join(", ")
                },
            })?,
    };
    let in_profile = name
        .as_ref()
        .map(|n| format!(" (profile {n:?} in {shown})"))
        .unwrap_or_default();
    // For errors that already name the file.
    let profile_label = name
        .as_ref()
        .map_or_else(|| "the file".to_owned(), |n| format!("profile {n:?}"));

    let concurrency = match prof.concurrency.map(usize::try_from) {
        None => CONCURRENCY_DEFAULT,
        Some(Ok(c)) if (CONCURRENCY_MIN..=CONCURRENCY_MAX).contains(&c) => c,
        Some(_) => {
            return Err(ConfigError::File {
                path: shown,
                message: format!(
                    "{profile_label}: concurrency must be between {CONCURRENCY_MIN} and {CONCURRENCY_MAX}, got {}",
                    prof.concurrency.unwrap_or_default()
                ),
            });
        }
    };

    let limits = Limits::from_profile(&prof).map_err(|message| ConfigError::File {
        path: shown.clone(),
        message: format!("{profile_label}: {message}"),
    })?;

    let raw_url = prof
        .base_url
        .clone()
        .or_else(|| env.var("IMAGE_KIT_BASE_URL"))
        .unwrap_or_else(|| "https://api.imagekit.io".to_owned());
    let base_url = url::Url::parse(raw_url.trim()).map_err(|e| {
        ConfigError::BaseUrl(format!("invalid base URL {raw_url:?}{in_profile}: {e}"))
    })?;
    let loopback = crate::api::is_loopback(&base_url);
    match base_url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(ConfigError::BaseUrl(format!(
                "refusing to send the private key over plain HTTP to {}{in_profile}; use https:// (plain http is only allowed for loopback addresses such as the sandbox)",
                base_url.host_str().unwrap_or("?")
            )));
        }
        other => {
            return Err(ConfigError::BaseUrl(format!(
                "base URL {raw_url:?} uses {other}://; use https://"
            )));
        }
    }

    let key = match (&prof.key_env, &prof.key_file) {
        (Some(_), Some(_)) => {
            return Err(ConfigError::File {
                path: shown,
                message: format!("{profile_label} sets both key_env and key_file; keep one"),
            });
        }
        (Some(var), None) => env.var(var).ok_or_else(|| {
            ConfigError::Key(format!(
                "the environment variable {var} named by key_env{in_profile} is not set"
            ))
        })?,
        (None, Some(file)) => read_key_file(&expand(file, &dir, env))?,
        (None, None) => env
            .var("IMAGEKIT_PRIVATE_KEY")
            .ok_or_else(|| no_key(name.as_deref(), &file, &shown))?,
    };
    Ok(Settings {
        profile: name,
        base_url,
        key: Secret(key.trim().to_owned()),
        read_only: prof.read_only,
        concurrency,
        limits,
        config_path: path,
        state_dir: state_dir(env)?,
    })
}

impl Settings {
    /// The API client's options: this profile's URL, key and limits.
    pub fn client_options(&self) -> ClientOptions {
        self.limits
            .client_options(self.base_url.clone(), self.key.expose())
    }
}

/// No key anywhere: name the profiles when the file has some and none was chosen.
fn no_key(name: Option<&str>, file: &File, shown: &str) -> ConfigError {
    if name.is_none() && !file.profiles.is_empty() {
        let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        return ConfigError::Key(format!(
            "no profile chosen and no IMAGEKIT_PRIVATE_KEY: {shown} defines {} ({}); pick one with --profile NAME (or IKTAG_PROFILE, or default_profile = \"NAME\" in the file)",
            crate::text::count(known.len(), "profile"),
            known.join(", ")
        ));
    }
    ConfigError::Key(format!(
        "no ImageKit private key: set IMAGEKIT_PRIVATE_KEY, or configure key_env / key_file in a profile of {shown}"
    ))
}

fn expand(p: &Path, config_dir: &Path, env: &dyn Env) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~")
        && let Some(h) = env
            .var("HOME")
            .map(PathBuf::from)
            .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
    {
        return h.join(rest);
    }
    if p.is_relative() {
        config_dir.join(p)
    } else {
        p.to_path_buf()
    }
}

fn read_key_file(path: &Path) -> Result<String, ConfigError> {
    let shown = path.display();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let meta = std::fs::metadata(path)
            .map_err(|e| ConfigError::Key(format!("cannot read key file {shown}: {e}")))?;
        let mode = meta.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Err(ConfigError::Key(format!(
                "key file {shown} is readable by other users (mode {mode:o}); run: chmod 600 {shown}"
            )));
        }
    }
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::Key(format!("cannot read key file {shown}: {e}")))?;
    let key = text.trim();
    if key.is_empty() {
        return Err(ConfigError::Key(format!("key file {shown} is empty")));
    }
    Ok(key.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "private_s3cret_value";

    fn env<'a>(dir: &'a str, extra: &[(&'a str, &'a str)]) -> BTreeMap<&'a str, &'a str> {
        let mut m: BTreeMap<&str, &str> = [
            ("IKTAG_CONFIG_DIR", dir),
            ("IKTAG_STATE_DIR", dir),
            ("HOME", dir),
        ]
        .into();
        m.extend(extra.iter().copied());
        m
    }

    fn write(dir: &Path, text: &str) {
        std::fs::write(dir.join("config.toml"), text).unwrap();
    }

    fn err(r: Result<Settings, ConfigError>) -> String {
        let e = r.unwrap_err();
        let s = format!("{e} {e:?}");
        assert!(!s.contains(KEY), "the key leaked: {s}");
        e.to_string()
    }

    #[test]
    fn defaults_without_a_file() {
        let d = tempfile::tempdir().unwrap();
        let ds = d.path().to_str().unwrap();
        let s = resolve_with(None, &env(ds, &[("IMAGEKIT_PRIVATE_KEY", KEY)])).unwrap();
        assert_eq!(s.base_url.as_str(), "https://api.imagekit.io/");
        assert_eq!(s.key.expose(), KEY);
        assert_eq!(s.concurrency, 8);
        assert!(!format!("{s:?}").contains(KEY));
        let e = err(resolve_with(None, &env(ds, &[])));
        assert!(e.contains("IMAGEKIT_PRIVATE_KEY"), "{e}");
    }

    #[test]
    fn profiles_select_url_key_and_limits_with_clear_errors() {
        let d = tempfile::tempdir().unwrap();
        let ds = d.path().to_str().unwrap();
        write(
            d.path(),
            "default_profile = \"dev\"\n[profiles.dev]\nbase_url = \"http://127.0.0.1:9\"\nkey_env = \"DEV_KEY\"\nconcurrency = 3\nread_only = true\n[profiles.prod]\nkey_file = \"prod.key\"\n",
        );
        let s = resolve_with(None, &env(ds, &[("DEV_KEY", KEY)])).unwrap();
        assert_eq!(
            (s.base_url.as_str(), s.concurrency, s.read_only),
            ("http://127.0.0.1:9/", 3, true)
        );
        let e = err(resolve_with(None, &env(ds, &[])));
        assert!(e.contains("DEV_KEY") && e.contains("dev"), "{e}");
        let e = err(resolve_with(Some("stage"), &env(ds, &[("DEV_KEY", KEY)])));
        assert!(e.contains("stage") && e.contains("dev, prod"), "{e}");

        let key = d.path().join("prod.key");
        std::fs::write(&key, format!("{KEY}\n")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
            let e = err(resolve_with(Some("prod"), &env(ds, &[])));
            assert!(e.contains("chmod 600") && e.contains("644"), "{e}");
            std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let s = resolve_with(Some("prod"), &env(ds, &[])).unwrap();
        assert_eq!(s.key.expose(), KEY);
    }

    #[test]
    fn bad_files_name_the_line_and_plain_http_is_loopback_only() {
        let d = tempfile::tempdir().unwrap();
        let ds = d.path().to_str().unwrap();
        write(
            d.path(),
            "[profiles.prod]\nbase_url = \"https://api.imagekit.io\"\nkeyfile = \"x\"\n",
        );
        let e = err(resolve_with(Some("prod"), &env(ds, &[])));
        assert!(
            e.contains("line 3") && e.contains("keyfile") && e.contains("config.toml"),
            "{e}"
        );
        write(d.path(), "[profiles.p]\nconcurrency = 0\n");
        let e = err(resolve_with(
            Some("p"),
            &env(ds, &[("IMAGEKIT_PRIVATE_KEY", KEY)]),
        ));
        assert_eq!(
            e,
            format!(
                "config file {}: profile \"p\": concurrency must be between 1 and 64, got 0",
                d.path().join("config.toml").display()
            )
        );
        write(
            d.path(),
            "[profiles.p]\nkey_env = \"A\"\nkey_file = \"b\"\n",
        );
        let path = d.path().join("config.toml").display().to_string();
        assert_eq!(
            err(resolve_with(Some("p"), &env(ds, &[]))),
            format!("config file {path}: profile \"p\" sets both key_env and key_file; keep one")
        );
        write(d.path(), "");
        for ok in [
            "http://127.0.0.1:8080",
            "http://[::1]:1",
            "http://localhost:2",
            "https://example.com",
        ] {
            assert!(
                resolve_with(
                    None,
                    &env(
                        ds,
                        &[("IMAGEKIT_PRIVATE_KEY", KEY), ("IMAGE_KIT_BASE_URL", ok)]
                    )
                )
                .is_ok(),
                "{ok}"
            );
        }
        let e = err(resolve_with(
            None,
            &env(
                ds,
                &[
                    ("IMAGEKIT_PRIVATE_KEY", KEY),
                    ("IMAGE_KIT_BASE_URL", "http://example.com"),
                ],
            ),
        ));
        assert!(e.contains("plain HTTP") && e.contains("https://"), "{e}");
    }

    #[test]
    fn limits_come_from_the_profile_within_their_ranges() {
        let d = tempfile::tempdir().unwrap();
        let ds = d.path().to_str().unwrap();
        let e = env(ds, &[("IMAGEKIT_PRIVATE_KEY", KEY)]);
        // Unset: the client's own defaults.
        let s = resolve_with(None, &e).unwrap();
        assert_eq!(s.limits, Limits::default());
        let (o, n) = (
            s.client_options(),
            ClientOptions::new(s.base_url.clone(), KEY),
        );
        assert_eq!(
            (
                o.max_body,
                o.max_listing,
                o.max_rate_limit_window,
                o.max_call_time
            ),
            (
                n.max_body,
                n.max_listing,
                n.max_rate_limit_window,
                n.max_call_time
            )
        );
        write(
            d.path(),
            "[profiles.p]\nmax_answer_mb = 1\nmax_listing = 100000000\nmax_rate_limit_wait = 3600\nmax_call_minutes = 120\n",
        );
        let o = resolve_with(Some("p"), &e).unwrap().client_options();
        assert_eq!(
            (
                o.max_body,
                o.max_listing,
                o.max_rate_limit_window,
                o.max_call_time
            ),
            (
                1024 * 1024,
                100_000_000,
                Duration::from_secs(3600),
                Duration::from_secs(7200)
            )
        );
        assert_eq!(o.key, KEY);
        let path = d.path().join("config.toml").display().to_string();
        for (line, said) in [
            (
                "max_answer_mb = 0",
                "max_answer_mb must be a whole number of megabytes between 1 and 4096, got 0",
            ),
            (
                "max_answer_mb = 4097",
                "max_answer_mb must be a whole number of megabytes between 1 and 4096, got 4097",
            ),
            (
                "max_answer_mb = \"big\"",
                "max_answer_mb must be a whole number of megabytes between 1 and 4096, got \"big\"",
            ),
            (
                "max_listing = 999",
                "max_listing must be a whole number of files between 1000 and 100000000, got 999",
            ),
            (
                "max_listing = -5",
                "max_listing must be a whole number of files between 1000 and 100000000, got -5",
            ),
            (
                "max_rate_limit_wait = 3601",
                "max_rate_limit_wait must be a whole number of seconds between 1 and 3600, got 3601",
            ),
            (
                "max_call_minutes = 0",
                "max_call_minutes must be a whole number of minutes between 1 and 120, got 0",
            ),
            (
                "max_rate_limit_wait = 1.5",
                "max_rate_limit_wait must be a whole number of seconds between 1 and 3600, got 1.5",
            ),
        ] {
            write(d.path(), &format!("[profiles.p]\n{line}\n"));
            assert_eq!(
                err(resolve_with(Some("p"), &e)),
                format!("config file {path}: profile \"p\": {said}"),
                "{line}"
            );
        }
    }

    #[test]
    fn profiles_but_none_chosen_and_no_key_lists_them() {
        let d = tempfile::tempdir().unwrap();
        let ds = d.path().to_str().unwrap();
        write(
            d.path(),
            "[profiles.alpha]\nkey_env = \"A\"\n[profiles.beta]\nkey_env = \"B\"\n",
        );
        assert_eq!(
            err(resolve_with(None, &env(ds, &[]))),
            format!(
                "no profile chosen and no IMAGEKIT_PRIVATE_KEY: {} defines 2 profiles (alpha, beta); pick one with --profile NAME (or IKTAG_PROFILE, or default_profile = \"NAME\" in the file)",
                d.path().join("config.toml").display()
            )
        );
        // The key in the environment still works without a profile.
        assert!(resolve_with(None, &env(ds, &[("IMAGEKIT_PRIVATE_KEY", KEY)])).is_ok());
    }
}
