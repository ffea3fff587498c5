//! Stopping: a handle that, once stopped, makes every wait of the calls it governs end at
//! once (and keeps new calls from starting), while an answer already on its way is still
//! read and recorded.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::Notify;

/// Cancels a running job (or any work a [`Client`](super::Client) made with
/// [`Client::stopped_by`](super::Client::stopped_by) does): no new call starts, every
/// rate-limit or retry wait ends at once, calls in flight finish and are recorded.
#[derive(Debug, Clone, Default)]
pub struct CancelHandle(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    flag: AtomicBool,
    notify: Notify,
}

impl CancelHandle {
    pub fn cancel(&self) {
        self.0.flag.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.0.flag.load(Ordering::SeqCst)
    }

    /// Resolves once [`cancel`](Self::cancel) has been called (at once if it was).
    pub async fn cancelled(&self) {
        loop {
            let notified = self.0.notify.notified();
            let mut notified = std::pin::pin!(notified);
            // Registered before the flag is read: a cancel in between still wakes us.
            notified.as_mut().enable();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn every_waiter_wakes_and_a_late_one_returns_at_once() {
        let c = CancelHandle::default();
        let waiters: Vec<_> = (0..3)
            .map(|_| {
                let c = c.clone();
                tokio::spawn(async move { c.cancelled().await })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(20)).await;
        c.cancel();
        for w in waiters {
            tokio::time::timeout(Duration::from_secs(5), w)
                .await
                .expect("woken")
                .expect("joined");
        }
        tokio::time::timeout(Duration::from_millis(100), c.cancelled())
            .await
            .expect("already cancelled");
    }
}
