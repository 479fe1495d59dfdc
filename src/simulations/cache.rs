//! The two-tier cache of computed documents (simulation results, analyses), keyed by hash.
//!
//! L1 is an in-process moka cache weighted by document bytes (`cache.l1_capacity_mb`, TTL
//! `cache.ttl_seconds`). L2 is Redis (`{prefix}v1:result:{hash}` or `{prefix}v1:analysis:{hash}`,
//! same TTL), shared by the replicas. A lookup goes L1 → L2 → the caller's fallback (the engine, or the database),
//! and concurrent lookups of one hash share a single fallback: N identical requests run the
//! engine once. Redis errors count as misses (`cache_requests_total{tier="l2",result="error"}`)
//! and never reach the client; the Redis circuit breaker keeps a dead Redis cheap.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use actix_web::web::Bytes;
use moka::future::Cache;
use tracing::Instrument;

use super::document::ResultDoc;
use crate::config::CacheSettings;
use crate::storage::{RedisError, RedisStore};
use crate::telemetry::metrics as m;

/// Where a result came from, as the `X-Cache` header says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheTier {
    L1,
    L2,
    Miss,
}

impl CacheTier {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::L1 => "hit-l1",
            Self::L2 => "hit-l2",
            Self::Miss => "miss",
        }
    }

    fn from_u8(value: u8) -> Self {
        match value {
            0 => Self::L1,
            1 => Self::L2,
            _ => Self::Miss,
        }
    }
}

/// A document the cache can hold: its JSON bytes travel to Redis and back.
pub trait Cacheable: Send + Sync + Sized + 'static {
    /// The Redis key namespace, e.g. `v1:result:`.
    const L2_PREFIX: &'static str;
    fn body(&self) -> &Bytes;
    /// Bytes held in memory, for the L1 weigher.
    fn weight(&self) -> u32;
    /// A document read back from Redis.
    fn from_l2(hash: &str, body: Bytes) -> Result<Self, serde_json::Error>;
}

impl Cacheable for ResultDoc {
    const L2_PREFIX: &'static str = "v1:result:";

    fn body(&self) -> &Bytes {
        &self.body
    }

    fn weight(&self) -> u32 {
        ResultDoc::weight(self)
    }

    fn from_l2(hash: &str, body: Bytes) -> Result<Self, serde_json::Error> {
        ResultDoc::parse(hash.to_string(), body, false)
    }
}

pub type ResultCache = TieredCache<ResultDoc>;

pub struct TieredCache<T> {
    l1: Cache<String, Arc<T>>,
    redis: Option<RedisStore>,
    ttl: Duration,
}

fn l2_key<T: Cacheable>(hash: &str) -> String {
    format!("{}{hash}", T::L2_PREFIX)
}

fn count(tier: &'static str, result: &'static str) {
    metrics::counter!(m::CACHE_REQUESTS_TOTAL, "tier" => tier, "result" => result).increment(1);
}

impl<T: Cacheable> TieredCache<T> {
    /// A cache with `share` of `cache.l1_capacity_mb`.
    pub fn new(settings: &CacheSettings, share: f64, redis: Option<RedisStore>) -> Self {
        let ttl = Duration::from_secs(settings.ttl_seconds);
        let capacity = settings.l1_capacity_mb as f64 * share * 1024.0 * 1024.0;
        let l1 = Cache::builder()
            .max_capacity(capacity as u64)
            .weigher(|_hash: &String, doc: &Arc<T>| doc.weight())
            .time_to_live(ttl)
            .build();
        Self { l1, redis, ttl }
    }

    /// The document for `hash` from L1, L2 or, failing both, `fallback`, whose result is
    /// then cached in both tiers. Concurrent callers for one hash wait for one fallback and
    /// share its result or its error.
    pub async fn get_or_insert_with<E, Fut>(
        &self,
        hash: &str,
        fallback: impl FnOnce() -> Fut,
    ) -> Result<(Arc<T>, CacheTier), Arc<E>>
    where
        Fut: Future<Output = Result<T, E>>,
        E: Send + Sync + 'static,
    {
        // A miss's fallback (the engine, say) runs inside this span.
        let span = tracing::info_span!("cache", tier = tracing::field::Empty);
        let tier = AtomicU8::new(CacheTier::L1 as u8);
        let entry = self
            .l1
            .entry_by_ref(hash)
            .or_try_insert_with(async {
                if let Some(doc) = self.l2_get(hash).await {
                    tier.store(CacheTier::L2 as u8, Ordering::Relaxed);
                    return Ok(Arc::new(doc));
                }
                let doc = fallback().await?;
                tier.store(CacheTier::Miss as u8, Ordering::Relaxed);
                self.l2_put(hash, &doc).await;
                Ok(Arc::new(doc))
            })
            .instrument(span.clone())
            .await?;
        let tier = if entry.is_fresh() {
            count("l1", "miss");
            CacheTier::from_u8(tier.load(Ordering::Relaxed))
        } else {
            count("l1", "hit");
            CacheTier::L1
        };
        span.record("tier", tier.as_str());
        Ok((entry.into_value(), tier))
    }

    /// The document for `hash` if L1 or L2 holds it (an L2 copy is kept in L1 then).
    pub async fn get(&self, hash: &str) -> Option<Arc<T>> {
        if let Some(doc) = self.l1.get(hash).await {
            return Some(doc);
        }
        let doc = Arc::new(self.l2_get(hash).await?);
        self.l1.insert(hash.to_string(), doc.clone()).await;
        Some(doc)
    }

    async fn l2_get(&self, hash: &str) -> Option<T> {
        let redis = self.redis.as_ref()?;
        match redis.get(&l2_key::<T>(hash)).await {
            Ok(Some(bytes)) => match T::from_l2(hash, Bytes::from(bytes)) {
                Ok(doc) => {
                    count("l2", "hit");
                    Some(doc)
                }
                Err(err) => {
                    count("l2", "error");
                    tracing::warn!(error = %err, hash, "unreadable result in Redis; recomputing");
                    None
                }
            },
            Ok(None) => {
                count("l2", "miss");
                None
            }
            // An open circuit is Redis known to be down: the lookup was not tried.
            Err(RedisError::CircuitOpen) => {
                count("l2", "skipped");
                None
            }
            Err(err) => {
                count("l2", "error");
                tracing::debug!(error = %err, "Redis cache lookup failed; carrying on without it");
                None
            }
        }
    }

    async fn l2_put(&self, hash: &str, doc: &T) {
        let Some(redis) = &self.redis else { return };
        if let Err(err) = redis.set_ex(&l2_key::<T>(hash), doc.body(), self.ttl).await {
            tracing::debug!(error = %err, "Redis cache write failed; carrying on without it");
        }
    }

    /// Drops every L1 entry (tests, and an operator's escape hatch). L2 keeps its copies.
    pub fn clear_l1(&self) {
        self.l1.invalidate_all();
    }
}
