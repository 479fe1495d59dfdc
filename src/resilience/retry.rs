//! Bounded retries with exponential backoff and full jitter.

use std::future::Future;
use std::time::Duration;

/// `attempts` tries in all; the wait before try `n + 1` is random in `[0, base · 2ⁿ]`,
/// capped at `max_delay`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    pub attempts: u32,
    pub base: Duration,
    pub max_delay: Duration,
}

impl Backoff {
    /// The house default for remote calls: at most 3 tries.
    pub const DEFAULT: Backoff = Backoff {
        attempts: 3,
        base: Duration::from_millis(50),
        max_delay: Duration::from_secs(2),
    };

    /// The ceiling of the wait after `failures` failed tries (before jitter).
    pub fn ceiling(&self, failures: u32) -> Duration {
        let factor = 1u32
            .checked_shl(failures.saturating_sub(1))
            .unwrap_or(u32::MAX);
        self.base.saturating_mul(factor).min(self.max_delay)
    }

    /// Runs `op` until it succeeds, `retryable` says no, or the tries are used up.
    pub async fn retry<T, E, F, Fut>(
        &self,
        mut op: F,
        retryable: impl Fn(&E) -> bool,
    ) -> Result<T, E>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        let mut failures = 0;
        loop {
            match op().await {
                Ok(value) => return Ok(value),
                Err(err) => {
                    failures += 1;
                    if failures >= self.attempts || !retryable(&err) {
                        return Err(err);
                    }
                    let ceiling = self.ceiling(failures);
                    tokio::time::sleep(ceiling.mul_f64(rand::random::<f64>())).await;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    const FAST: Backoff = Backoff {
        attempts: 3,
        base: Duration::from_millis(1),
        max_delay: Duration::from_millis(4),
    };

    #[test]
    fn ceiling_doubles_then_caps() {
        assert_eq!(FAST.ceiling(1), Duration::from_millis(1));
        assert_eq!(FAST.ceiling(2), Duration::from_millis(2));
        assert_eq!(FAST.ceiling(3), Duration::from_millis(4));
        assert_eq!(FAST.ceiling(40), Duration::from_millis(4));
    }

    #[tokio::test]
    async fn gives_up_after_the_configured_attempts() {
        let calls = Cell::new(0);
        let result: Result<(), &str> = FAST
            .retry(
                || {
                    calls.set(calls.get() + 1);
                    async { Err("down") }
                },
                |_| true,
            )
            .await;
        assert_eq!(result, Err("down"));
        assert_eq!(calls.get(), 3);
    }

    #[tokio::test]
    async fn stops_at_the_first_success() {
        let calls = Cell::new(0);
        let result = FAST
            .retry(
                || {
                    calls.set(calls.get() + 1);
                    let n = calls.get();
                    async move { if n < 2 { Err("flaky") } else { Ok(n) } }
                },
                |_| true,
            )
            .await;
        assert_eq!(result, Ok(2));
    }

    #[tokio::test]
    async fn does_not_retry_permanent_errors() {
        let calls = Cell::new(0);
        let result: Result<(), &str> = FAST
            .retry(
                || {
                    calls.set(calls.get() + 1);
                    async { Err("constraint violated") }
                },
                |_| false,
            )
            .await;
        assert!(result.is_err());
        assert_eq!(calls.get(), 1);
    }
}
