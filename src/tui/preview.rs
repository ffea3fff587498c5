//! Thumbnail previews: fetched from the file's `thumbnail` URL, decoded and encoded for the
//! terminal (kitty / sixel / iTerm2, or half-blocks) off the UI thread, cached per file.
//!
//! The thumbnail host is a CDN, not the API: requests carry no credentials, are bounded in
//! size and time, and only `http(s)` URLs are fetched.

use super::error::PreviewError;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use image::{DynamicImage, ImageFormat, ImageReader, Limits};
use ratatui::layout::Size;
use ratatui_image::Resize;
use ratatui_image::picker::{Picker, ProtocolType};
use ratatui_image::protocol::Protocol;

use crate::api::Client;

/// Largest thumbnail body accepted.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// Largest decoded image side accepted.
const MAX_SIDE: u32 = 8192;
/// Previews kept in memory.
pub const CACHE: usize = 64;

/// A decoded, terminal-encoded thumbnail.
#[derive(Clone)]
pub struct Thumb {
    /// Pixel size of the thumbnail as served.
    pub width: u32,
    pub height: u32,
    /// `jpeg`, `png`, `webp`, `gif`.
    pub format: &'static str,
    /// The cell area it was encoded for.
    pub cells: (u16, u16),
    pub protocol: Arc<Protocol>,
}

impl std::fmt::Debug for Thumb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Thumb({}x{} {} for {}x{} cells)",
            self.width, self.height, self.format, self.cells.0, self.cells.1
        )
    }
}

impl PartialEq for Thumb {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.protocol, &other.protocol)
    }
}

/// What the preview pane has for a file.
#[derive(Debug, Clone, PartialEq)]
pub enum PreviewState {
    Loading,
    Ready(Thumb),
    /// Nothing to show, and why (not an image, no thumbnail, fetch or decode error).
    Unavailable(String),
}

/// Previews by file id, oldest dropped first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PreviewCache {
    map: HashMap<String, PreviewState>,
    order: VecDeque<String>,
}

impl PreviewCache {
    pub fn get(&self, id: &str) -> Option<&PreviewState> {
        self.map.get(id)
    }

    pub fn insert(&mut self, id: String, state: PreviewState) {
        if self.map.insert(id.clone(), state).is_none() {
            self.order.push_back(id);
        }
        while self.order.len() > CACHE {
            if let Some(old) = self.order.pop_front() {
                self.map.remove(&old);
            }
        }
    }

    pub fn remove(&mut self, id: &str) {
        if self.map.remove(id).is_some() {
            self.order.retain(|x| x != id);
        }
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// The graphics protocol for previews, decided without reading stdin:
/// `IKTAG_GRAPHICS=halfblocks|kitty|sixel|iterm2` forces one; `query` asks the terminal
/// (only for terminals that answer: an unanswered query would eat the next keystrokes);
/// otherwise the terminal is recognised from `TERM` / `TERM_PROGRAM`, else half-blocks.
pub fn picker_from_env() -> Picker {
    let var = |k: &str| std::env::var(k).unwrap_or_default();
    let mode = var("IKTAG_GRAPHICS").to_ascii_lowercase();
    match mode.as_str() {
        "halfblocks" | "blocks" => return Picker::halfblocks(),
        "query" => {
            return Picker::from_query_stdio().unwrap_or_else(|e| {
                tracing::info!(error = %e, "terminal graphics query failed; using half-blocks");
                Picker::halfblocks()
            });
        }
        _ => {}
    }
    // Deprecated in favour of the stdin query, which is exactly what this avoids.
    #[allow(deprecated)]
    let mut picker = Picker::from_fontsize(font_size());
    let protocol = match mode.as_str() {
        "kitty" => Some(ProtocolType::Kitty),
        "sixel" => Some(ProtocolType::Sixel),
        "iterm2" => Some(ProtocolType::Iterm2),
        _ => guess_protocol(
            &var("TERM"),
            &var("TERM_PROGRAM"),
            !var("KITTY_WINDOW_ID").is_empty(),
        ),
    };
    if let Some(p) = protocol {
        picker.set_protocol_type(p);
    }
    picker
}

/// Terminals known to draw images, by what they announce (these survive SSH: `TERM` is
/// forwarded). `None`: half-blocks, or what ratatui-image saw (tmux, iTerm2).
pub fn guess_protocol(term: &str, term_program: &str, kitty_window: bool) -> Option<ProtocolType> {
    let term = term.to_ascii_lowercase();
    if kitty_window || term.contains("kitty") || term.contains("ghostty") {
        return Some(ProtocolType::Kitty);
    }
    match term_program {
        "iTerm.app" | "WezTerm" => return Some(ProtocolType::Iterm2),
        "ghostty" => return Some(ProtocolType::Kitty),
        _ => {}
    }
    if term.starts_with("foot") || term.contains("mlterm") || term.contains("sixel") {
        return Some(ProtocolType::Sixel);
    }
    None
}

/// The cell size in pixels, from the terminal's window size (8×16 when it does not say).
fn font_size() -> ratatui_image::FontSize {
    if let Ok(ws) = ratatui::crossterm::terminal::window_size()
        && ws.columns > 0
        && ws.rows > 0
        && ws.width > 0
        && ws.height > 0
    {
        return ratatui_image::FontSize::new(ws.width / ws.columns, ws.height / ws.rows);
    }
    ratatui_image::FontSize::new(8, 16)
}

/// Decodes a thumbnail (JPEG, PNG, WebP, GIF), refusing oversized images.
pub fn decode(bytes: &[u8]) -> Result<(DynamicImage, &'static str), PreviewError> {
    let reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(PreviewError::Read)?;
    let format = match reader.format() {
        Some(ImageFormat::Jpeg) => "jpeg",
        Some(ImageFormat::Png) => "png",
        Some(ImageFormat::WebP) => "webp",
        Some(ImageFormat::Gif) => "gif",
        _ => return Err(PreviewError::Format),
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    let mut reader = reader;
    reader.limits(limits);
    let img = reader.decode().map_err(|e| PreviewError::Decode {
        format,
        why: e.to_string(),
    })?;
    Ok((img, format))
}

/// Encodes a decoded image for the terminal, fitted into `cells` (columns, rows).
pub fn encode(
    picker: &Picker,
    img: DynamicImage,
    format: &'static str,
    cells: (u16, u16),
) -> Result<Thumb, PreviewError> {
    let (width, height) = (img.width(), img.height());
    let protocol = picker
        .new_protocol(img, Size::new(cells.0, cells.1), Resize::Scale(None))
        .map_err(|e| PreviewError::Draw(e.to_string()))?;
    Ok(Thumb {
        width,
        height,
        format,
        cells,
        protocol: Arc::new(protocol),
    })
}

/// The client for thumbnails of the library at `base` (see [`super::media`]).
pub fn media_client(base: &url::Url) -> reqwest::Client {
    super::media::client(super::media::Policy::for_base(base))
}

/// Reads the file's details, fetches its thumbnail and prepares it for `cells`.
pub async fn load(
    client: &Client,
    media: &reqwest::Client,
    picker: &Picker,
    id: &str,
    cells: (u16, u16),
) -> PreviewState {
    match load_inner(client, media, picker, id, cells).await {
        Ok(t) => PreviewState::Ready(t),
        Err(why) => PreviewState::Unavailable(why.to_string()),
    }
}

async fn load_inner(
    client: &Client,
    media: &reqwest::Client,
    picker: &Picker,
    id: &str,
    cells: (u16, u16),
) -> Result<Thumb, PreviewError> {
    let f = client
        .get_details(id)
        .await
        .map_err(|e| PreviewError::Details(e.to_string()))?;
    if f.file_type != "image" {
        let what = match f.mime {
            Some(mime) if !mime.is_empty() => mime,
            _ => f.file_type.clone(),
        };
        return Err(PreviewError::NotAnImage(crate::text::untrusted(&what, 40)));
    }
    let url = url::Url::parse(&f.thumbnail).map_err(|_| PreviewError::NoUrl)?;
    super::media::Policy::for_base(client.base_url())
        .check(&url)
        .map_err(PreviewError::Refused)?;
    let bytes = fetch(media, url).await?;
    let picker = picker.clone();
    tokio::task::spawn_blocking(move || {
        let (img, format) = decode(&bytes)?;
        encode(&picker, img, format, cells)
    })
    .await
    .map_err(|e| PreviewError::Task(e.to_string()))?
}

async fn fetch(media: &reqwest::Client, url: url::Url) -> Result<Vec<u8>, PreviewError> {
    let host = url.host_str().unwrap_or("").to_owned();
    let mut resp = media
        .get(url)
        .send()
        .await
        .map_err(|e| PreviewError::Fetch {
            host: host.clone(),
            why: short(&e),
        })?;
    if !resp.status().is_success() {
        return Err(PreviewError::Status(resp.status().as_u16()));
    }
    if resp.content_length().is_some_and(|n| n > MAX_BYTES as u64) {
        return Err(PreviewError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp
        .chunk()
        .await
        .map_err(|e| PreviewError::BrokeOff(short(&e)))?
    {
        body.extend_from_slice(&chunk);
        if body.len() > MAX_BYTES {
            return Err(PreviewError::TooLarge);
        }
    }
    Ok(body)
}

/// The error's deepest cause, which says most (`connection refused`, `thumbnail host
/// … resolves only to private addresses`).
fn short(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    crate::text::untrusted(&cause.to_string(), 160)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cache_keeps_the_newest_previews() {
        let mut c = PreviewCache::default();
        for i in 0..(CACHE + 5) {
            c.insert(format!("f{i}"), PreviewState::Loading);
        }
        assert_eq!(c.len(), CACHE);
        assert!(c.get("f0").is_none());
        assert!(c.get(&format!("f{}", CACHE + 4)).is_some());
        c.remove("f10");
        assert!(c.get("f10").is_none());
    }

    #[test]
    fn terminals_are_recognised_by_what_they_announce() {
        assert_eq!(
            guess_protocol("xterm-kitty", "", false),
            Some(ProtocolType::Kitty)
        );
        assert_eq!(
            guess_protocol("xterm-256color", "", true),
            Some(ProtocolType::Kitty)
        );
        assert_eq!(
            guess_protocol("xterm-ghostty", "", false),
            Some(ProtocolType::Kitty)
        );
        assert_eq!(
            guess_protocol("xterm-256color", "iTerm.app", false),
            Some(ProtocolType::Iterm2)
        );
        assert_eq!(
            guess_protocol("xterm-256color", "WezTerm", false),
            Some(ProtocolType::Iterm2)
        );
        assert_eq!(guess_protocol("foot", "", false), Some(ProtocolType::Sixel));
        assert_eq!(guess_protocol("xterm-256color", "", false), None);
        assert_eq!(guess_protocol("screen-256color", "tmux", false), None);
    }

    #[test]
    fn every_format_the_sandbox_serves_decodes_and_draws() {
        let picker = Picker::halfblocks();
        for (bytes, format) in [
            (&include_bytes!("../../assets/previews/02.jpg")[..], "jpeg"),
            (&include_bytes!("../../assets/previews/02.png")[..], "png"),
            (&include_bytes!("../../assets/previews/02.webp")[..], "webp"),
            (&include_bytes!("../../assets/previews/01.gif")[..], "gif"),
        ] {
            let (img, f) = decode(bytes).expect(format);
            assert_eq!(f, format);
            assert!(img.width() >= 32 && img.height() >= 32);
            let t = encode(&picker, img, f, (30, 10)).expect(format);
            assert_eq!(t.cells, (30, 10));
        }
    }

    #[test]
    fn garbage_and_unknown_formats_are_errors_not_panics() {
        assert!(decode(b"").is_err());
        assert!(decode(b"\x89PNG\r\n\x1a\n broken").is_err());
        assert!(decode(b"<svg xmlns='http://www.w3.org/2000/svg'/>").is_err());
    }
}
