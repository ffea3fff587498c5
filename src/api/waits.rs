//! What the client's calls are waiting for, so a person can see it: every wait (a
//! rate-limit window, a retry's backoff, an answer) is on the board while it lasts, and
//! [`Client::waiting`](super::Client::waiting) picks the one worth showing.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

/// Waits shorter than this are not shown.
pub const SHOWN_AFTER: Duration = Duration::from_secs(2);

/// What a call waits for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WaitKind {
    /// The account is rate limited: every call waits for the window to close.
    RateLimit,
    /// The next attempt after a failed one (`after`: what failed).
    Retry {
        attempt: u32,
        of: u32,
        after: String,
    },
    /// The server's answer to a request that has been sent.
    Answer { host: String, timeout: Duration },
}

#[derive(Debug)]
struct Entry {
    kind: WaitKind,
    since: Instant,
    until: Option<Instant>,
}

/// Every wait in progress, shared by a client and its clones.
#[derive(Debug, Default, Clone)]
pub(super) struct Board(Arc<Mutex<Inner>>);

#[derive(Debug, Default)]
struct Inner {
    next: u64,
    entries: HashMap<u64, Entry>,
}

/// A wait on the board; it leaves the board when dropped (however the wait ends).
pub(super) struct Ticket {
    board: Board,
    id: u64,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        self.board.lock().entries.remove(&self.id);
    }
}

impl Board {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Puts a wait on the board until the returned ticket is dropped.
    pub(super) fn enter(&self, kind: WaitKind, until: Option<Instant>) -> Ticket {
        let mut inner = self.lock();
        inner.next += 1;
        let id = inner.next;
        let since = Instant::now();
        inner.entries.insert(id, Entry { kind, since, until });
        Ticket {
            board: self.clone(),
            id,
        }
    }

    /// The wait worth showing now, if any: a rate-limit window first, then a retry, then a
    /// slow answer; each only once it is (or will be) longer than [`SHOWN_AFTER`].
    pub(super) fn worth_showing(&self, now: Instant) -> Option<Waiting> {
        let inner = self.lock();
        let rank = |k: &WaitKind| match k {
            WaitKind::RateLimit => 0,
            WaitKind::Retry { .. } => 1,
            WaitKind::Answer { .. } => 2,
        };
        let long = |e: &Entry| match e.until {
            Some(until) => until > now && until.duration_since(e.since) > SHOWN_AFTER,
            None => now.duration_since(e.since) > SHOWN_AFTER,
        };
        let shown: Vec<(&u64, &Entry)> = inner.entries.iter().filter(|(_, e)| long(e)).collect();
        let (id, e) = shown.iter().min_by_key(|(id, e)| {
            // Among waits of one kind: the one that ends last, else the oldest.
            let end = e.until.map_or(Duration::ZERO, |u| u.duration_since(now));
            (rank(&e.kind), std::cmp::Reverse(end), e.since, **id)
        })?;
        let calls = shown
            .iter()
            .filter(|(_, o)| rank(&o.kind) == rank(&e.kind))
            .count();
        Some(Waiting {
            id: **id,
            kind: e.kind.clone(),
            calls,
            elapsed: now.duration_since(e.since),
            left: e.until.map(|u| u.duration_since(now)),
        })
    }
}

/// A wait as shown to a person ([`fmt::Display`]): what for, and how long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting {
    /// Which wait this is: a new id is a new wait.
    pub id: u64,
    pub kind: WaitKind,
    /// Calls waiting for the same kind of thing.
    pub calls: usize,
    pub elapsed: Duration,
    /// Time left, for waits with an end.
    pub left: Option<Duration>,
}

impl fmt::Display for Waiting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let left = countdown(self.left.unwrap_or_default());
        match &self.kind {
            WaitKind::RateLimit => write!(
                f,
                "ImageKit rate limit (429): the next call goes out in {left}"
            )?,
            WaitKind::Retry { attempt, of, after } => {
                write!(f, "{after}: attempt {attempt} of {of} in {left}")?;
            }
            WaitKind::Answer { host, timeout } => write!(
                f,
                "waiting for {host} to answer: {} so far (gives up after {})",
                countdown(self.elapsed),
                countdown(*timeout)
            )?,
        }
        if self.calls > 1 {
            write!(f, " · {} calls waiting", self.calls)?;
        }
        Ok(())
    }
}

/// A countdown as a person reads it: `4 s`, `1 min 05 s`, `2 h 10 min`.
pub fn countdown(d: Duration) -> String {
    let s = d.as_secs() + u64::from(d.subsec_millis() >= 500);
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min {:02} s", s / 60, s % 60),
        _ => format!("{} h {:02} min", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_waits_are_not_shown_and_a_rate_limit_comes_first() {
        let board = Board::default();
        let now = Instant::now();
        let short = board.enter(WaitKind::RateLimit, Some(now + Duration::from_secs(1)));
        assert_eq!(board.worth_showing(now), None, "a 1 s window is not shown");
        drop(short);
        let retry = WaitKind::Retry {
            attempt: 2,
            of: 5,
            after: "ImageKit answered 503".into(),
        };
        let _r = board.enter(retry, Some(now + Duration::from_secs(8)));
        let shown = board.worth_showing(now).expect("an 8 s backoff is shown");
        assert_eq!(
            shown.to_string(),
            "ImageKit answered 503: attempt 2 of 5 in 8 s"
        );
        let _a = board.enter(WaitKind::RateLimit, Some(now + Duration::from_secs(65)));
        let _b = board.enter(WaitKind::RateLimit, Some(now + Duration::from_secs(30)));
        let shown = board.worth_showing(now).expect("shown");
        assert_eq!(
            shown.to_string(),
            "ImageKit rate limit (429): the next call goes out in 1 min 05 s · 2 calls waiting"
        );
    }

    #[test]
    fn a_wait_leaves_the_board_when_its_ticket_drops() {
        let board = Board::default();
        let now = Instant::now();
        let host = "api.imagekit.io".to_owned();
        let t = board.enter(
            WaitKind::Answer {
                host,
                timeout: Duration::from_secs(60),
            },
            None,
        );
        let later = now + Duration::from_secs(12);
        assert_eq!(
            board.worth_showing(later).map(|w| w.to_string()).as_deref(),
            Some("waiting for api.imagekit.io to answer: 12 s so far (gives up after 1 min 00 s)")
        );
        drop(t);
        assert_eq!(board.worth_showing(later), None);
        assert_eq!(countdown(Duration::from_secs(7830)), "2 h 10 min");
    }
}
