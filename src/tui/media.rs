//! Where thumbnails may come from. A file's `thumbnail` URL is outside data: it is fetched
//! without credentials, redirects stay on the same origin or go to https, and addresses in
//! private, loopback or link-local ranges are refused unless the API itself is on one (the
//! sandbox, or a proxy on the local network). That holds for names too: the thumbnail
//! client's resolver drops the private addresses a name resolves to (`localtest.me`).

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use url::{Host, Url};

/// Is this host a literal address (or `localhost`) that only the local machine or network
/// can reach?
pub fn is_private(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(d) => {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d == "localhost" || d.ends_with(".localhost")
        }
        Host::Ipv4(ip) => is_private_ip(IpAddr::V4(*ip)),
        Host::Ipv6(ip) => is_private_ip(IpAddr::V6(*ip)),
    }
}

fn is_private_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                // 100.64.0.0/10, carrier-grade NAT.
                || (v4.octets()[0] == 100 && (v4.octets()[1] & 0xc0) == 64)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_private_ip(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                // fc00::/7 unique local, fe80::/10 link-local.
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// The thumbnail policy for a library whose API is at `base`.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// The API itself is on a private address: local thumbnails are expected.
    local_ok: bool,
}

impl Policy {
    pub fn for_base(base: &Url) -> Policy {
        Policy {
            local_ok: base.host().is_some_and(|h| is_private(&h)),
        }
    }

    /// May a thumbnail be fetched from `url`? The reason when not.
    pub fn check(self, url: &Url) -> Result<(), String> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err("the thumbnail URL is not http(s)".into());
        }
        match url.host() {
            None => Err("the thumbnail URL has no host".into()),
            Some(h) if !self.local_ok && is_private(&h) => Err(format!(
                "the thumbnail points at a private address ({h}); refused"
            )),
            Some(_) => Ok(()),
        }
    }

    /// May a thumbnail request that started at `from` follow a redirect to `to`? Only to the
    /// same origin, or to https, and never to a refused address.
    pub fn redirect_ok(self, from: &Url, to: &Url) -> bool {
        (to.origin() == from.origin() || to.scheme() == "https") && self.check(to).is_ok()
    }
}

/// Resolves thumbnail hosts, keeping only the addresses the policy allows: a name that
/// resolves only to private addresses is an error before any connection. (Literal addresses
/// are not resolved; [`Policy::check`] refuses those.)
struct Resolver {
    policy: Policy,
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let local_ok = self.policy.local_ok;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let all: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let shown = crate::text::untrusted(&host, 80);
            if all.is_empty() {
                return Err(format!("thumbnail host {shown} has no addresses").into());
            }
            let kept: Vec<SocketAddr> = all
                .into_iter()
                .filter(|a| local_ok || !is_private_ip(a.ip()))
                .collect();
            if kept.is_empty() {
                return Err(
                    format!("thumbnail host {shown} resolves only to private addresses").into(),
                );
            }
            Ok(Box::new(kept.into_iter()) as reqwest::dns::Addrs)
        })
    }
}

/// The client for thumbnails: no credentials, short timeouts, at most three redirects that
/// [`Policy::redirect_ok`] allows, and names resolved by [`Resolver`].
pub fn client(policy: Policy) -> reqwest::Client {
    let redirects = reqwest::redirect::Policy::custom(move |attempt| {
        let first = attempt.previous().first().cloned();
        if attempt.previous().len() > 3 {
            attempt.error("more than 3 redirects")
        } else if first.is_some_and(|from| policy.redirect_ok(&from, attempt.url())) {
            attempt.follow()
        } else {
            attempt.stop()
        }
    });
    reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .connect_timeout(Duration::from_secs(5))
        .redirect(redirects)
        .dns_resolver(Resolver { policy })
        .build()
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn private_ranges_are_refused_unless_the_api_is_local_too() {
        let public = Policy::for_base(&url("https://api.imagekit.io"));
        for bad in [
            "http://127.0.0.1/x.png",
            "http://10.1.2.3/x.png",
            "http://192.168.0.9/x.png",
            "http://172.16.5.5/x.png",
            "http://169.254.169.254/latest/meta-data",
            "http://100.64.0.1/x.png",
            "http://localhost:8080/x.png",
            "http://[::1]/x.png",
            "http://[fd00::1]/x.png",
            "http://[fe80::1]/x.png",
            "http://[::ffff:10.0.0.1]/x.png",
            "file:///etc/passwd",
        ] {
            assert!(public.check(&url(bad)).is_err(), "{bad}");
        }
        for good in ["https://ik.imagekit.io/demo/x.png", "http://8.8.8.8/x.png"] {
            assert!(public.check(&url(good)).is_ok(), "{good}");
        }
        let sandbox = Policy::for_base(&url("http://127.0.0.1:4000"));
        assert!(
            sandbox
                .check(&url("http://127.0.0.1:4000/demo/x.png"))
                .is_ok()
        );
        assert!(sandbox.check(&url("http://10.1.2.3/x.png")).is_ok());
    }

    #[test]
    fn redirects_stay_on_the_origin_or_go_to_https() {
        let p = Policy::for_base(&url("https://api.imagekit.io"));
        let from = url("http://cdn.example.com/a.png");
        assert!(p.redirect_ok(&from, &url("http://cdn.example.com/b.png")));
        assert!(p.redirect_ok(&from, &url("https://other.example.net/b.png")));
        assert!(!p.redirect_ok(&from, &url("http://other.example.net/b.png")));
        assert!(!p.redirect_ok(
            &url("https://cdn.example.com/a.png"),
            &url("http://cdn.example.com/a.png")
        ));
        assert!(!p.redirect_ok(&from, &url("https://169.254.169.254/x")));
    }

    /// `localhost` stands for any name that resolves to a private address (`localtest.me`):
    /// the client itself refuses it, before connecting, even when [`Policy::check`] is not
    /// asked first; for the sandbox it is fetched.
    #[tokio::test]
    async fn names_that_resolve_to_private_addresses_are_refused_before_connecting() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let hits = Arc::new(AtomicUsize::new(0));
        let counted = hits.clone();
        let app = axum::Router::new().route(
            "/x.jpg",
            axum::routing::get(move || {
                counted.fetch_add(1, Ordering::SeqCst);
                async { "thumbnail" }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        let thumb = format!("http://localhost:{port}/x.jpg");

        let public = client(Policy::for_base(&url("https://api.imagekit.io")));
        let e = public.get(&thumb).send().await.unwrap_err();
        let mut said = e.to_string();
        let mut cause: &dyn std::error::Error = &e;
        while let Some(next) = cause.source() {
            said = format!("{said}: {next}");
            cause = next;
        }
        assert!(
            said.contains("thumbnail host localhost resolves only to private addresses"),
            "{said}"
        );
        assert_eq!(hits.load(Ordering::SeqCst), 0, "nothing reached the server");

        let sandbox = client(Policy::for_base(&url("http://127.0.0.1:4000")));
        let body = sandbox.get(&thumb).send().await.unwrap().text().await;
        assert_eq!(body.unwrap(), "thumbnail");
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    }
}
