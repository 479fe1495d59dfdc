//! Persistence: the SQL database (SQLite or PostgreSQL, one portable schema) and
//! Redis, each behind its own circuit breaker and deadline.

pub mod api_keys;
pub mod audit;
pub mod comparisons;
mod database;
mod redis;
pub mod simulations;

pub use database::{Backend, Database, StorageError, budgeted};
pub use redis::{RedisError, RedisStore};

/// Now as the schema's timestamp text: UTC, microseconds, lexically ordered.
pub fn timestamp_now() -> String {
    chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S%.6fZ")
        .to_string()
}
