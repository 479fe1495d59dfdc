//! Admission control for engine work: a fixed set of engine threads, one permit per
//! thread, and a bounded queue in front of them.
//!
//! A simulation first takes a permit, waiting in the queue until its deadline if all are
//! taken; a full queue refuses at once ([`AdmissionError::Overloaded`], which the API
//! answers with 503 and `Retry-After`). The work itself runs on a dedicated rayon pool, never
//! on actix's async workers, and the engine's own parallel loops stay on that pool. Its
//! threads run at a lower scheduling priority (nice 10), so under a flood of simulations
//! the HTTP workers still get the CPU first and probes stay fast.
//!
//! The permit travels with the job: a caller that gives up (client gone, request deadline)
//! does not free the slot before the engine does.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{Notify, OwnedSemaphorePermit, Semaphore, oneshot};

use crate::config::SimulationSettings;
use crate::telemetry::metrics as m;

/// Niceness of the engine threads: below the HTTP workers (0), above idle work.
const ENGINE_NICE: libc::c_int = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AdmissionError {
    #[error("every engine thread is busy and the queue is full")]
    Overloaded,
    #[error("the deadline passed while waiting for an engine thread")]
    Timeout,
    #[error("the engine job panicked")]
    Panicked,
}

pub struct Admission {
    pool: rayon::ThreadPool,
    permits: Arc<Semaphore>,
    max_queue: usize,
    queued: AtomicUsize,
    /// Told once for each slot that frees (a job done, a caller leaving the queue).
    room: Arc<Notify>,
    /// `simulation.queue_wait_ms`.
    patience: Duration,
}

impl Admission {
    pub fn new(settings: &SimulationSettings) -> anyhow::Result<Self> {
        let threads = match settings.workers {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("engine-{i}"))
            .start_handler(|_| lower_priority())
            .build()?;
        metrics::gauge!(m::SIMULATIONS_IN_FLIGHT).set(0.0);
        metrics::gauge!(m::SIMULATION_QUEUE_DEPTH).set(0.0);
        Ok(Self {
            pool,
            permits: Arc::new(Semaphore::new(threads)),
            max_queue: settings.queue_depth,
            queued: AtomicUsize::new(0),
            room: Arc::new(Notify::new()),
            patience: Duration::from_millis(settings.queue_wait_ms),
        })
    }

    /// Engine threads, which is also the number of simulations that run at once.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Engine threads free now.
    pub fn idle_threads(&self) -> usize {
        self.permits.available_permits()
    }

    /// Every engine thread busy and the queue full: a new job would be refused now.
    pub fn is_full(&self) -> bool {
        self.idle_threads() == 0 && self.queued.load(Ordering::Acquire) >= self.max_queue
    }

    /// Waits, doing nothing, up to `simulation.queue_wait_ms` for room for a job; `false`
    /// when none came. Each slot that frees wakes one waiter, so a crowd of callers that
    /// ignore `Retry-After` waits its turn instead of spinning on refusals.
    pub async fn wait_for_room(&self) -> bool {
        if self.patience.is_zero() {
            return !self.is_full();
        }
        let until = tokio::time::Instant::now() + self.patience;
        while self.is_full() {
            if tokio::time::timeout_at(until, self.room.notified())
                .await
                .is_err()
            {
                return !self.is_full();
            }
        }
        true
    }

    /// Runs `job` on an engine thread once a permit is free, or refuses.
    pub async fn run<T, F>(&self, deadline: Instant, job: F) -> Result<T, AdmissionError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = self.acquire(deadline).await?;
        let (done, result) = oneshot::channel();
        let room = Arc::clone(&self.room);
        self.pool.spawn(move || {
            let running = GaugeGuard::new(m::SIMULATIONS_IN_FLIGHT);
            let outcome = std::panic::catch_unwind(AssertUnwindSafe(job));
            // Free the slot before answering, so the caller never sees it still taken.
            drop(running);
            drop(permit);
            room.notify_one();
            let _ = done.send(outcome);
        });
        match result.await {
            Ok(Ok(value)) => Ok(value),
            // The panic hook has already logged and reported it.
            Ok(Err(_)) | Err(_) => Err(AdmissionError::Panicked),
        }
    }

    async fn acquire(&self, deadline: Instant) -> Result<OwnedSemaphorePermit, AdmissionError> {
        if let Ok(permit) = self.permits.clone().try_acquire_owned() {
            return Ok(permit);
        }
        if self.queued.fetch_add(1, Ordering::AcqRel) >= self.max_queue {
            self.queued.fetch_sub(1, Ordering::AcqRel);
            return Err(AdmissionError::Overloaded);
        }
        let _waiting = QueueGuard::enter(&self.queued, &self.room);
        let wait = self.permits.clone().acquire_owned();
        match tokio::time::timeout_at(deadline.into(), wait).await {
            Ok(Ok(permit)) => Ok(permit),
            Ok(Err(_closed)) => Err(AdmissionError::Overloaded),
            Err(_elapsed) => Err(AdmissionError::Timeout),
        }
    }
}

/// A queued caller: counted in `simulation_queue_depth` until it leaves, however it leaves;
/// its leaving makes room for one more.
struct QueueGuard<'a>(&'a AtomicUsize, &'a Notify);

impl<'a> QueueGuard<'a> {
    /// The caller has already been counted in `queued`.
    fn enter(queued: &'a AtomicUsize, room: &'a Notify) -> Self {
        metrics::gauge!(m::SIMULATION_QUEUE_DEPTH).increment(1.0);
        Self(queued, room)
    }
}

impl Drop for QueueGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
        self.1.notify_one();
        metrics::gauge!(m::SIMULATION_QUEUE_DEPTH).decrement(1.0);
    }
}

struct GaugeGuard(&'static str);

impl GaugeGuard {
    fn new(name: &'static str) -> Self {
        metrics::gauge!(name).increment(1.0);
        Self(name)
    }
}

impl Drop for GaugeGuard {
    fn drop(&mut self) {
        metrics::gauge!(self.0).decrement(1.0);
    }
}

/// Lowers the calling thread's priority. Best effort: a refusal only costs latency.
fn lower_priority() {
    // On Linux, PRIO_PROCESS with who = 0 applies to the calling thread only.
    // SAFETY: setpriority has no memory-safety preconditions.
    let _ = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, ENGINE_NICE) };
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn admission(workers: usize, queue_depth: usize) -> Admission {
        Admission::new(&SimulationSettings {
            max_scenarios: 1000,
            timeout_ms: 5000,
            workers,
            queue_depth,
            queue_wait_ms: 300,
        })
        .unwrap()
    }

    fn soon(ms: u64) -> Instant {
        Instant::now() + Duration::from_millis(ms)
    }

    #[tokio::test]
    async fn runs_the_job_off_the_async_thread() {
        let admission = admission(1, 1);
        let name = admission
            .run(soon(5000), || {
                std::thread::current().name().map(str::to_string)
            })
            .await
            .unwrap();
        assert_eq!(name.as_deref(), Some("engine-0"));
    }

    #[tokio::test]
    async fn a_full_queue_refuses_and_a_waiter_past_its_deadline_times_out() {
        let admission = Arc::new(admission(1, 1));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let busy = tokio::spawn({
            let admission = admission.clone();
            async move {
                admission
                    .run(soon(10_000), move || hold.recv().unwrap())
                    .await
            }
        });
        while admission.permits.available_permits() > 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let queued = tokio::spawn({
            let admission = admission.clone();
            async move { admission.run(soon(200), || ()).await }
        });
        while admission.queued.load(Ordering::Acquire) == 0 {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        assert_eq!(
            admission.run(soon(5000), || ()).await,
            Err(AdmissionError::Overloaded)
        );
        assert_eq!(queued.await.unwrap(), Err(AdmissionError::Timeout));
        assert_eq!(admission.queued.load(Ordering::Acquire), 0);
        release.send(()).unwrap();
        busy.await.unwrap().unwrap();
        assert_eq!(admission.run(soon(5000), || 7).await, Ok(7));
    }

    #[tokio::test]
    async fn a_panicking_job_is_an_error_and_frees_its_permit() {
        let admission = admission(1, 0);
        let result = admission.run(soon(5000), || panic!("engine bug")).await;
        assert_eq!(result, Err::<(), _>(AdmissionError::Panicked));
        assert_eq!(admission.permits.available_permits(), 1);
    }

    /// A caller finding the queue full waits for room without work; a freed slot lets one
    /// waiter in, and with none freed it gives up after `queue_wait_ms`.
    #[tokio::test]
    async fn a_full_queue_lets_one_waiter_in_per_freed_slot() {
        let admission = Arc::new(admission(1, 0));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let running = tokio::spawn({
            let admission = Arc::clone(&admission);
            async move { admission.run(soon(5000), move || hold.recv().ok()).await }
        });
        while admission.idle_threads() > 0 {
            tokio::task::yield_now().await;
        }
        assert!(admission.is_full());
        let started = Instant::now();
        assert!(
            !admission.wait_for_room().await,
            "room appeared from nowhere"
        );
        assert!(started.elapsed() >= Duration::from_millis(300));
        let waiter = tokio::spawn({
            let admission = Arc::clone(&admission);
            async move { admission.wait_for_room().await }
        });
        tokio::time::sleep(Duration::from_millis(50)).await;
        release.send(()).unwrap();
        assert!(
            waiter.await.unwrap(),
            "the freed slot did not let the waiter in"
        );
        running.await.unwrap().unwrap();
    }
}
