//! Protection around remote dependencies (the database, Redis): deadlines, a
//! circuit breaker per dependency, and bounded retries with exponential backoff.

mod circuit_breaker;
mod retry;

pub use circuit_breaker::{BreakerError, CircuitBreaker, CircuitState};
pub use retry::Backoff;
