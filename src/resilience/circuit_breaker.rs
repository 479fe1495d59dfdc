//! A consecutive-failure circuit breaker.
//!
//! Closed: calls pass; `failure_threshold` failures in a row open the circuit.
//! Open: calls fail at once with [`BreakerError::Open`] for `open_for`.
//! Half-open: after that, exactly one trial call passes. Success closes the
//! circuit, failure opens it for another `open_for`. A trial that is cancelled
//! (its future dropped) counts as a failure, so the breaker can never be stuck.
//! The open window runs from the opening: calls let through before it, failing late
//! (a black-holed dependency fails every call at its deadline), do not restart it.
//!
//! Every call runs under a deadline; a timeout is a failure. State changes are
//! logged once each and exported as `circuit_breaker_open{dependency}`.

use std::future::Future;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::telemetry::metrics as m;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CircuitState {
    Closed,
    Open,
    HalfOpen,
}

#[derive(Debug)]
enum State {
    Closed { failures: u32 },
    Open { until: Instant },
    HalfOpen,
}

#[derive(Debug, thiserror::Error)]
pub enum BreakerError<E> {
    #[error("circuit open")]
    Open,
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    #[error(transparent)]
    Inner(E),
}

#[derive(Debug)]
pub struct CircuitBreaker {
    dependency: &'static str,
    failure_threshold: u32,
    open_for: Duration,
    state: Mutex<State>,
}

impl CircuitBreaker {
    pub fn new(dependency: &'static str, failure_threshold: u32, open_for: Duration) -> Self {
        metrics::gauge!(m::CIRCUIT_BREAKER_OPEN, "dependency" => dependency).set(0.0);
        Self {
            dependency,
            failure_threshold: failure_threshold.max(1),
            open_for,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    pub fn from_settings(
        dependency: &'static str,
        settings: &crate::config::BreakerSettings,
    ) -> Self {
        Self::new(
            dependency,
            settings.failure_threshold,
            Duration::from_secs(settings.open_seconds),
        )
    }

    pub fn state(&self) -> CircuitState {
        match *self.lock() {
            State::Closed { .. } => CircuitState::Closed,
            State::Open { until } if Instant::now() >= until => CircuitState::HalfOpen,
            State::Open { .. } => CircuitState::Open,
            State::HalfOpen => CircuitState::HalfOpen,
        }
    }

    /// Runs `fut` under `deadline` if the circuit lets it through.
    pub async fn call<T, E, F>(&self, deadline: Duration, fut: F) -> Result<T, BreakerError<E>>
    where
        F: Future<Output = Result<T, E>>,
    {
        let mut permit = self.admit()?;
        let outcome = match tokio::time::timeout(deadline, fut).await {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(err)) => Err(BreakerError::Inner(err)),
            Err(_) => Err(BreakerError::Timeout(deadline)),
        };
        permit.finish(outcome.is_ok());
        outcome
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means a panic elsewhere; the state itself is always valid.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn admit<E>(&self) -> Result<Permit<'_>, BreakerError<E>> {
        let mut state = self.lock();
        let trial = match *state {
            State::Closed { .. } => false,
            State::Open { until } if Instant::now() >= until => {
                *state = State::HalfOpen;
                true
            }
            State::Open { .. } | State::HalfOpen => return Err(BreakerError::Open),
        };
        Ok(Permit {
            breaker: self,
            trial,
            finished: false,
        })
    }

    fn record(&self, trial: bool, success: bool) {
        let mut state = self.lock();
        let was_open = !matches!(*state, State::Closed { .. });
        *state = match (success, trial, &*state) {
            (true, _, _) => State::Closed { failures: 0 },
            (false, false, State::Closed { failures }) => {
                let failures = failures + 1;
                if failures >= self.failure_threshold {
                    State::Open {
                        until: Instant::now() + self.open_for,
                    }
                } else {
                    State::Closed { failures }
                }
            }
            // A late failure of a call let through before the circuit opened: the open
            // window runs from the opening, so it is not restarted.
            (false, false, &State::Open { until }) => State::Open { until },
            (false, false, State::HalfOpen) => State::HalfOpen,
            (false, true, _) => State::Open {
                until: Instant::now() + self.open_for,
            },
        };
        let is_open = !matches!(*state, State::Closed { .. });
        drop(state);
        if is_open != was_open {
            metrics::gauge!(m::CIRCUIT_BREAKER_OPEN, "dependency" => self.dependency)
                .set(if is_open { 1.0 } else { 0.0 });
            if is_open {
                tracing::warn!(
                    dependency = self.dependency,
                    open_for_s = self.open_for.as_secs(),
                    "circuit opened"
                );
            } else {
                tracing::info!(dependency = self.dependency, "circuit closed");
            }
        }
    }
}

struct Permit<'a> {
    breaker: &'a CircuitBreaker,
    trial: bool,
    finished: bool,
}

impl Permit<'_> {
    fn finish(&mut self, success: bool) {
        self.finished = true;
        self.breaker.record(self.trial, success);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.finished && self.trial {
            self.breaker.record(true, false);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEADLINE: Duration = Duration::from_millis(50);

    async fn fail(breaker: &CircuitBreaker) -> Result<(), BreakerError<&'static str>> {
        breaker.call(DEADLINE, async { Err::<(), _>("down") }).await
    }

    async fn succeed(breaker: &CircuitBreaker) -> Result<u8, BreakerError<&'static str>> {
        breaker.call(DEADLINE, async { Ok(7) }).await
    }

    #[tokio::test]
    async fn opens_after_threshold_consecutive_failures() {
        let breaker = CircuitBreaker::new("test", 5, Duration::from_secs(30));
        for _ in 0..4 {
            assert!(matches!(
                fail(&breaker).await,
                Err(BreakerError::Inner("down"))
            ));
        }
        assert_eq!(breaker.state(), CircuitState::Closed);
        assert!(fail(&breaker).await.is_err());
        assert_eq!(breaker.state(), CircuitState::Open);
        assert!(matches!(succeed(&breaker).await, Err(BreakerError::Open)));
    }

    #[tokio::test]
    async fn a_success_resets_the_failure_count() {
        let breaker = CircuitBreaker::new("test", 3, Duration::from_secs(30));
        fail(&breaker).await.ok();
        fail(&breaker).await.ok();
        assert_eq!(succeed(&breaker).await.ok(), Some(7));
        fail(&breaker).await.ok();
        fail(&breaker).await.ok();
        assert_eq!(breaker.state(), CircuitState::Closed);
    }

    #[tokio::test]
    async fn half_open_allows_one_trial_that_closes_on_success() {
        let breaker = CircuitBreaker::new("test", 1, Duration::from_millis(20));
        fail(&breaker).await.ok();
        assert_eq!(breaker.state(), CircuitState::Open);
        tokio::time::sleep(Duration::from_millis(30)).await;
        assert_eq!(breaker.state(), CircuitState::HalfOpen);
        assert_eq!(succeed(&breaker).await.ok(), Some(7));
        assert_eq!(breaker.state(), CircuitState::Closed);
    }

    #[tokio::test]
    async fn failed_trial_reopens_and_concurrent_calls_are_refused() {
        let breaker = CircuitBreaker::new("test", 1, Duration::from_millis(20));
        fail(&breaker).await.ok();
        tokio::time::sleep(Duration::from_millis(30)).await;
        let slow_trial = breaker.call(DEADLINE, async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            Err::<(), _>("still down")
        });
        let (trial, concurrent) = tokio::join!(slow_trial, async {
            tokio::task::yield_now().await;
            succeed(&breaker).await
        });
        assert!(matches!(trial, Err(BreakerError::Inner("still down"))));
        assert!(matches!(concurrent, Err(BreakerError::Open)));
        assert_eq!(breaker.state(), CircuitState::Open);
    }

    #[tokio::test]
    async fn timeouts_count_as_failures() {
        let breaker = CircuitBreaker::new("test", 1, Duration::from_secs(30));
        let slow = breaker.call(Duration::from_millis(5), async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            Ok::<_, &str>(())
        });
        assert!(matches!(slow.await, Err(BreakerError::Timeout(_))));
        assert_eq!(breaker.state(), CircuitState::Open);
    }

    #[tokio::test]
    async fn a_cancelled_trial_does_not_wedge_the_breaker() {
        let breaker = CircuitBreaker::new("test", 1, Duration::from_millis(10));
        fail(&breaker).await.ok();
        tokio::time::sleep(Duration::from_millis(15)).await;
        let trial = breaker.call(
            Duration::from_secs(5),
            std::future::pending::<Result<(), &str>>(),
        );
        assert!(
            tokio::time::timeout(Duration::from_millis(5), trial)
                .await
                .is_err()
        );
        assert_eq!(breaker.state(), CircuitState::Open);
        tokio::time::sleep(Duration::from_millis(15)).await;
        assert_eq!(succeed(&breaker).await.ok(), Some(7));
    }

    /// Calls let through before the circuit opened and failing after it (at their deadline,
    /// as against a black-holed database) do not restart the open window.
    #[tokio::test]
    async fn late_failures_do_not_restart_the_open_window() {
        let breaker = CircuitBreaker::new("test", 1, Duration::from_millis(200));
        let started = Instant::now();
        // The hanging call is let through first; the failure then opens the circuit.
        let (late, first) = tokio::join!(
            breaker.call(
                Duration::from_millis(100),
                std::future::pending::<Result<(), &str>>()
            ),
            fail(&breaker)
        );
        assert!(matches!(first, Err(BreakerError::Inner("down"))));
        assert!(matches!(late, Err(BreakerError::Timeout(_))));
        // Opened at 0 for 200 ms; the late failure at 100 ms leaves it so.
        tokio::time::sleep_until((started + Duration::from_millis(250)).into()).await;
        assert_eq!(breaker.state(), CircuitState::HalfOpen);
    }
}
