//! Redis, shared by replicas: the L2 cache and the shared rate limiter use it.
//!
//! Every call has the `redis.timeout_ms` deadline (100 ms by default) and goes
//! through the Redis circuit breaker, so a dead Redis costs callers at most one
//! deadline per call until the circuit opens, and nothing after. Callers treat
//! every error as "Redis is not there" and carry on with local state. All keys
//! get `redis.key_prefix`, so tests and environments can share one server.

use std::sync::Arc;
use std::time::Duration;

use deadpool_redis::redis::{AsyncCommands, cmd};
use deadpool_redis::{Config, Pool, PoolConfig, Runtime, Timeouts};

use crate::config::{BreakerSettings, RedisSettings};
use crate::resilience::{BreakerError, CircuitBreaker};

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("redis unavailable: circuit open")]
    CircuitOpen,
    #[error("redis call timed out after {0:?}")]
    Timeout(Duration),
    #[error("redis pool: {0}")]
    Pool(#[from] deadpool_redis::PoolError),
    #[error("redis: {0}")]
    Command(#[from] deadpool_redis::redis::RedisError),
}

impl From<BreakerError<RedisError>> for RedisError {
    fn from(err: BreakerError<RedisError>) -> Self {
        match err {
            BreakerError::Open => Self::CircuitOpen,
            BreakerError::Timeout(after) => Self::Timeout(after),
            BreakerError::Inner(inner) => inner,
        }
    }
}

#[derive(Clone)]
pub struct RedisStore {
    pool: Pool,
    breaker: Arc<CircuitBreaker>,
    timeout: Duration,
    prefix: Arc<str>,
}

impl RedisStore {
    /// Builds the pool without connecting.
    pub fn new(settings: &RedisSettings, breaker: &BreakerSettings) -> anyhow::Result<Self> {
        let timeout = Duration::from_millis(settings.timeout_ms);
        let mut config = Config::from_url(settings.url.expose());
        config.pool = Some(PoolConfig {
            max_size: settings.pool_size,
            timeouts: Timeouts {
                wait: Some(timeout),
                create: Some(timeout),
                recycle: Some(timeout),
            },
            ..PoolConfig::default()
        });
        let pool = config
            .create_pool(Some(Runtime::Tokio1))
            .map_err(|err| anyhow::anyhow!("invalid redis settings: {err}"))?;
        Ok(Self {
            pool,
            breaker: Arc::new(CircuitBreaker::from_settings("redis", breaker)),
            timeout,
            prefix: Arc::from(settings.key_prefix.as_str()),
        })
    }

    /// The deadline of every call (`redis.timeout_ms`).
    pub fn timeout(&self) -> Duration {
        self.timeout
    }

    pub fn breaker(&self) -> &CircuitBreaker {
        &self.breaker
    }

    /// The full key for `suffix`, e.g. `glidepath:v1:result:{hash}`.
    pub fn key(&self, suffix: &str) -> String {
        format!("{}{suffix}", self.prefix)
    }

    pub async fn ping(&self, deadline: Duration) -> Result<(), RedisError> {
        self.guarded(deadline, async |conn| {
            cmd("PING").query_async::<String>(conn).await.map(drop)
        })
        .await
    }

    pub async fn get(&self, suffix: &str) -> Result<Option<Vec<u8>>, RedisError> {
        let key = self.key(suffix);
        self.guarded(self.timeout, async |conn| conn.get(&key).await)
            .await
    }

    pub async fn set_ex(
        &self,
        suffix: &str,
        value: &[u8],
        ttl: Duration,
    ) -> Result<(), RedisError> {
        let key = self.key(suffix);
        let seconds = ttl.as_secs().max(1);
        self.guarded(self.timeout, async |conn| {
            conn.set_ex(&key, value, seconds).await
        })
        .await
    }

    pub async fn delete(&self, suffix: &str) -> Result<(), RedisError> {
        let key = self.key(suffix);
        self.guarded(self.timeout, async |conn| conn.del(&key).await)
            .await
    }

    /// Runs one command on a pooled connection under `deadline` and the breaker.
    /// Public so the cache and the limiter can run their own scripts.
    pub async fn guarded<T, F>(&self, deadline: Duration, command: F) -> Result<T, RedisError>
    where
        F: AsyncFnOnce(
            &mut deadpool_redis::Connection,
        ) -> Result<T, deadpool_redis::redis::RedisError>,
    {
        let call = async {
            let mut conn = self.pool.get().await?;
            Ok::<T, RedisError>(command(&mut conn).await?)
        };
        self.breaker
            .call(deadline, call)
            .await
            .map_err(RedisError::from)
    }

    pub fn close(&self) {
        self.pool.close();
    }
}
