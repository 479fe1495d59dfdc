//! Where the process is in its life: starting, serving, draining.
//!
//! `/startup` answers 200 once [`Lifecycle::mark_started`] has been called
//! (migrations done, warm-up done). After SIGTERM, [`Lifecycle::start_draining`]
//! makes `/ready` answer 503 at once, while requests are still served until the
//! drain delay has passed and the listener closes.

use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Default)]
pub struct Lifecycle {
    started: AtomicBool,
    draining: AtomicBool,
}

impl Lifecycle {
    pub fn mark_started(&self) {
        self.started.store(true, Ordering::Release);
    }

    pub fn is_started(&self) -> bool {
        self.started.load(Ordering::Acquire)
    }

    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::Release);
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Acquire)
    }
}
