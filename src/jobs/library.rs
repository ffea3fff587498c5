//! Which library a job ran against: base URL, profile and a fingerprint of the key.
//!
//! Undo, resume and retry run only against the library a job ran on. The fingerprint is a
//! short keyed hash (HMAC-SHA-256 under a fixed label, first 8 bytes): two journals can be
//! compared without either holding the key or anything it could be recovered from.

use std::fmt::Write as _;

use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The library a job ran against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Library {
    pub base_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// [`fingerprint`] of the private key.
    pub key_id: String,
    /// The embedded sandbox of `iktag demo` (gone when that process ends).
    #[serde(default)]
    pub demo: bool,
}

/// A short keyed hash of the private key: 16 hex digits, never the key.
pub fn fingerprint(key: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"iktag library fingerprint v1")
        .expect("HMAC takes a key of any length");
    mac.update(key.as_bytes());
    mac.finalize().into_bytes()[..8]
        .iter()
        .fold(String::with_capacity(16), |mut hex, b| {
            let _ = write!(hex, "{b:02x}");
            hex
        })
}

fn normal(url: &str) -> &str {
    url.trim_end_matches('/')
}

impl Library {
    pub fn new(base_url: &str, profile: Option<&str>, key: &str, demo: bool) -> Library {
        Library {
            base_url: normal(base_url).to_owned(),
            profile: profile.map(str::to_owned),
            key_id: fingerprint(key),
            demo,
        }
    }

    /// Same server, same account (the profile name is only a label).
    pub fn same_as(&self, other: &Library) -> bool {
        normal(&self.base_url) == normal(&other.base_url)
            && self.key_id == other.key_id
            && self.demo == other.demo
    }

    /// `http://… (profile prod, key 1a2b…)`, or the demo sandbox.
    pub fn describe(&self) -> String {
        if self.demo {
            return format!("the demo sandbox of `iktag demo` at {}", self.base_url);
        }
        let profile = self
            .profile
            .as_deref()
            .map(|p| format!("profile {}, ", crate::text::untrusted(p, 40)))
            .unwrap_or_default();
        format!("{} ({profile}key {})", self.base_url, self.key_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_short_stable_and_hide_the_key() {
        let key = "private_abcdefghijklmnop";
        let f = fingerprint(key);
        assert_eq!(f.len(), 16);
        assert_eq!(f, fingerprint(key));
        assert_ne!(f, fingerprint("private_abcdefghijklmnoq"));
        assert!(!f.contains("abc"));
        let a = Library::new("http://127.0.0.1:1/", Some("p"), key, false);
        let b = Library::new("http://127.0.0.1:1", None, key, false);
        assert!(a.same_as(&b), "the profile name is only a label");
        assert!(!a.same_as(&Library::new("http://127.0.0.1:2", None, key, false)));
        assert!(!a.same_as(&Library::new("http://127.0.0.1:1", None, "other", false)));
        assert!(!a.same_as(&Library::new("http://127.0.0.1:1", None, key, true)));
        assert!(!a.describe().contains(key));
    }
}
