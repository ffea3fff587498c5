//! Basic auth as `ImageKit` does it: the private key is the username; any password is accepted.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;

use super::Shared;
use super::error::SandboxError;

/// What an `Authorization` header says about the caller.
#[derive(Debug, PartialEq, Eq)]
pub enum Credentials {
    Missing,
    Key(String),
}

/// Extracts the private key from `Authorization: Basic base64(key:password)`.
/// The spec also lists `Basic <raw key>`; that is accepted too.
pub fn credentials(value: Option<&str>) -> Credentials {
    let Some(v) = value else {
        return Credentials::Missing;
    };
    let Some(rest) = v
        .strip_prefix("Basic ")
        .or_else(|| v.strip_prefix("basic "))
    else {
        return Credentials::Missing;
    };
    let rest = rest.trim();
    if rest.is_empty() {
        return Credentials::Missing;
    }
    match base64::engine::general_purpose::STANDARD.decode(rest) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(s) => match s.split_once(':') {
                Some((user, _password)) if !user.is_empty() => Credentials::Key(user.to_owned()),
                Some(_) => Credentials::Missing,
                None => Credentials::Key(rest.to_owned()),
            },
            Err(_) => Credentials::Key(rest.to_owned()),
        },
        Err(_) => Credentials::Key(rest.to_owned()),
    }
}

/// Constant-time comparison, so the key cannot be guessed byte by byte from timings.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

pub async fn require_key(State(state): State<Shared>, req: Request, next: Next) -> Response {
    let header = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    match credentials(header) {
        Credentials::Missing => SandboxError::new(
            StatusCode::UNAUTHORIZED,
            "Your request does not contain private API key.",
        )
        .into_response(),
        Credentials::Key(k) if same(&k, &state.key) => next.run(req).await,
        Credentials::Key(_) => SandboxError::new(
            StatusCode::FORBIDDEN,
            "Your account cannot be authenticated.",
        )
        .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn basic(s: &str) -> String {
        format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(s)
        )
    }

    #[test]
    fn username_is_the_key_and_password_is_ignored() {
        assert_eq!(
            credentials(Some(&basic("private_k:"))),
            Credentials::Key("private_k".into())
        );
        assert_eq!(
            credentials(Some(&basic("private_k:do_not_set"))),
            Credentials::Key("private_k".into())
        );
        assert_eq!(
            credentials(Some("Basic private_raw")),
            Credentials::Key("private_raw".into())
        );
        assert_eq!(credentials(None), Credentials::Missing);
        assert_eq!(credentials(Some("Bearer x")), Credentials::Missing);
        assert_eq!(credentials(Some(&basic(":pw"))), Credentials::Missing);
        assert_eq!(credentials(Some("Basic ")), Credentials::Missing);
    }
}
