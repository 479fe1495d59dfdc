//! The two-tier result cache, keyed by result hash.
//!
//! L1 is an in-process moka cache weighted by document bytes (`cache.l1_capacity_mb`, TTL
//! `cache.ttl_seconds`). L2 is Redis (`{prefix}v1:result:{hash}`, same TTL), shared by the
//! replicas. A lookup goes L1 → L2 → the caller's fallback (the engine, or the database),
//! and concurrent lookups of one hash share a single fallback: N identical requests run the
//! engine once. Redis errors count as misses (`cache_requests_total{tier="l2",result="error"}`)
//! and never reach the client; the Redis circuit breaker keeps a dead Redis cheap.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use actix_web::web::Bytes;
use moka::future::Cache;

use super::document::ResultDoc;
use crate::config::CacheSettings;
use crate::storage::RedisStore;
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

pub struct ResultCache {
    l1: Cache<String, Arc<ResultDoc>>,
    redis: Option<RedisStore>,
    ttl: Duration,
}

fn l2_key(hash: &str) -> String {
    format!("v1:result:{hash}")
}

fn count(tier: &'static str, result: &'static str) {
    metrics::counter!(m::CACHE_REQUESTS_TOTAL, "tier" => tier, "result" => result).increment(1);
}

impl ResultCache {
    pub fn new(settings: &CacheSettings, redis: Option<RedisStore>) -> Self {
        let ttl = Duration::from_secs(settings.ttl_seconds);
        let l1 = Cache::builder()
            .max_capacity(settings.l1_capacity_mb.saturating_mul(1024 * 1024))
            .weigher(|_hash: &String, doc: &Arc<ResultDoc>| doc.weight())
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
    ) -> Result<(Arc<ResultDoc>, CacheTier), Arc<E>>
    where
        Fut: Future<Output = Result<ResultDoc, E>>,
        E: Send + Sync + 'static,
    {
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
                self.l2_put(&doc).await;
                Ok(Arc::new(doc))
            })
            .await?;
        let tier = if entry.is_fresh() {
            count("l1", "miss");
            CacheTier::from_u8(tier.load(Ordering::Relaxed))
        } else {
            count("l1", "hit");
            CacheTier::L1
        };
        Ok((entry.into_value(), tier))
    }

    async fn l2_get(&self, hash: &str) -> Option<ResultDoc> {
        let redis = self.redis.as_ref()?;
        match redis.get(&l2_key(hash)).await {
            Ok(Some(bytes)) => {
                match ResultDoc::parse(hash.to_string(), Bytes::from(bytes), false) {
                    Ok(doc) => {
                        count("l2", "hit");
                        Some(doc)
                    }
                    Err(err) => {
                        count("l2", "error");
                        tracing::warn!(error = %err, hash, "unreadable result in Redis; recomputing");
                        None
                    }
                }
            }
            Ok(None) => {
                count("l2", "miss");
                None
            }
            Err(err) => {
                count("l2", "error");
                tracing::debug!(error = %err, "Redis cache lookup failed; carrying on without it");
                None
            }
        }
    }

    async fn l2_put(&self, doc: &ResultDoc) {
        let Some(redis) = &self.redis else { return };
        if let Err(err) = redis.set_ex(&l2_key(&doc.hash), &doc.body, self.ttl).await {
            tracing::debug!(error = %err, "Redis cache write failed; carrying on without it");
        }
    }

    /// Drops every L1 entry (tests, and an operator's escape hatch). L2 keeps its copies.
    pub fn clear_l1(&self) {
        self.l1.invalidate_all();
    }
}
