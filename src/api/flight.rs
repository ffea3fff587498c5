//! Requests in flight for one listing: the tasks, oldest first, and how many may be out.

use std::collections::VecDeque;

use tokio::task::JoinHandle;

use super::ApiError;

/// How many requests a listing may have in flight: `max` while the account is not rate
/// limited, halved on every 429 the client reports (the client's shared 429 window
/// meanwhile holds every request back for `X-RateLimit-Reset`), and widened again by one
/// after each window's worth of replies without a 429.
#[derive(Debug, Clone)]
pub(super) struct InFlight {
    max: usize,
    size: usize,
    /// The client's 429 count at the last look.
    seen: u64,
    /// Replies since the last change of size.
    clean: usize,
}

impl InFlight {
    /// `throttled`: the client's 429 count now (only later ones shrink the window).
    pub(super) fn new(max: usize, throttled: u64) -> InFlight {
        let max = max.max(1);
        InFlight {
            max,
            size: max,
            seen: throttled,
            clean: 0,
        }
    }

    pub(super) fn size(&self) -> usize {
        self.size
    }

    /// After a reply, with the client's 429 count now.
    pub(super) fn observe(&mut self, throttled: u64) {
        if throttled != self.seen {
            self.seen = throttled;
            self.size = (self.size / 2).max(1);
            self.clean = 0;
        } else if self.size < self.max {
            self.clean += 1;
            if self.clean >= self.size {
                self.size += 1;
                self.clean = 0;
            }
        }
    }
}

/// Spawned requests, answered in the order they were sent. Dropping it cancels the ones
/// still running.
pub(super) struct Tasks<T> {
    queue: VecDeque<JoinHandle<T>>,
}

impl<T> Default for Tasks<T> {
    fn default() -> Self {
        Tasks {
            queue: VecDeque::new(),
        }
    }
}

impl<T: Send + 'static> Tasks<T> {
    pub(super) fn spawn(&mut self, f: impl Future<Output = T> + Send + 'static) {
        self.queue.push_back(tokio::spawn(f));
    }

    pub(super) fn len(&self) -> usize {
        self.queue.len()
    }

    /// The oldest request's result, waiting for it; `None` when none is left.
    pub(super) async fn next(&mut self) -> Option<Result<T, ApiError>> {
        let task = self.queue.pop_front()?;
        Some(match task.await {
            Ok(v) => Ok(v),
            Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
            Err(_) => Err(ApiError::Network {
                host: "ImageKit".into(),
                detail: "the request was cancelled (the program is stopping)".into(),
                timeout: false,
            }),
        })
    }

    /// Cancels every request still running.
    pub(super) fn abort_all(&mut self) {
        for t in self.queue.drain(..) {
            t.abort();
        }
    }

    /// Lets the requests still running finish on their own, unread.
    pub(super) fn detach_all(&mut self) {
        self.queue.clear();
    }
}

impl<T> Drop for Tasks<T> {
    fn drop(&mut self) {
        for t in &self.queue {
            t.abort();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::InFlight;

    #[test]
    fn window_halves_on_each_new_429_and_grows_back_slowly() {
        let mut w = InFlight::new(4, 7);
        assert_eq!(w.size(), 4);
        w.observe(7);
        assert_eq!(w.size(), 4, "no new 429: stays at the maximum");
        w.observe(8);
        assert_eq!(w.size(), 2);
        w.observe(10);
        assert_eq!(w.size(), 1);
        w.observe(11);
        assert_eq!(w.size(), 1, "never below one");
        // One window's worth of clean replies widens it by one.
        w.observe(11);
        assert_eq!(w.size(), 2);
        w.observe(11);
        assert_eq!(w.size(), 2);
        w.observe(11);
        assert_eq!(w.size(), 3);
        for _ in 0..10 {
            w.observe(11);
        }
        assert_eq!(w.size(), 4, "not past the maximum");
        assert_eq!(InFlight::new(0, 0).size(), 1, "at least one");
    }
}
