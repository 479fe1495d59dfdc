//! Token-bucket rate limits (GCRA): per client IP for anonymous callers
//! (`rate_limit.anonymous_per_minute`, 0 = off) and per API key by tier
//! (`rate_limit.tiers`). A budget of N a minute lets N requests through at once and refills
//! one every 60/N seconds.
//!
//! With Redis on, one atomic Lua script keeps each bucket in Redis, so all replicas share one
//! budget. When Redis fails (its 100 ms deadline, its circuit breaker), the in-process
//! limiter (governor, the same algorithm) takes over; the switch is logged once per change of
//! state and counted in `rate_limit_fallbacks_total`.
//!
//! A client address is never a key: buckets are keyed by its SHA-256 with the deployment's
//! `audit.ip_salt`, as the audit log records it, so Redis holds no raw address. The salt is
//! the configured one (the same on every replica, so the replicas share each bucket).

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use deadpool_redis::redis::cmd;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter as Governor};
use sha2::{Digest, Sha256};

use crate::config::RateLimitSettings;
use crate::storage::RedisStore;
use crate::telemetry::metrics as m;

type Local =
    Governor<String, DefaultKeyedStateStore<String>, DefaultClock, StateInformationMiddleware>;

/// Whose budget a request spends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    Ip(std::net::IpAddr),
    Key { id: String, tier: String },
}

/// The outcome of one check, with what the `RateLimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    pub limit: u32,
    pub remaining: u32,
    /// Until the bucket is full again.
    pub reset: Duration,
    /// Until the next request would pass (denied requests only).
    pub retry_after: Duration,
}

struct Bucket {
    per_minute: u32,
    local: Local,
}

impl Bucket {
    fn new(per_minute: u32) -> Option<Self> {
        let n = NonZeroU32::new(per_minute)?;
        Some(Self {
            per_minute,
            local: Governor::keyed(Quota::per_minute(n))
                .with_middleware::<StateInformationMiddleware>(),
        })
    }

    /// At least 1 µs: the shared limiter counts in microseconds (settings cap the budget).
    fn interval(&self) -> Duration {
        (Duration::from_secs(60) / self.per_minute).max(Duration::from_micros(1))
    }

    fn check_local(&self, key: &str) -> Decision {
        let interval = self.interval();
        match self.local.check_key(&key.to_string()) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Decision {
                    allowed: true,
                    limit: self.per_minute,
                    remaining,
                    reset: interval * (self.per_minute - remaining),
                    retry_after: Duration::ZERO,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Decision {
                    allowed: false,
                    limit: self.per_minute,
                    remaining: 0,
                    reset: interval * self.per_minute,
                    retry_after: wait,
                }
            }
        }
    }
}

/// GCRA in one atomic step. KEYS[1]: the bucket. ARGV[1]: the emission interval in
/// microseconds; ARGV[2]: the burst. Returns {allowed, remaining, retry_after_us, reset_us}.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + interval
local allow_at = new_tat - burst * interval
if now < allow_at then
  return {0, 0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.max(1, math.ceil((new_tat - now) / 1000)))
return {1, math.floor((now - allow_at) / interval), 0, new_tat - now}
";

pub struct RateLimiter {
    anonymous: Option<Bucket>,
    tiers: HashMap<String, Bucket>,
    redis: Option<RedisStore>,
    /// Whether the last shared check reached Redis, to log changes once.
    shared: AtomicBool,
    /// `audit.ip_salt` as configured (possibly empty).
    ip_salt: Vec<u8>,
}

impl RateLimiter {
    pub fn new(settings: &RateLimitSettings, ip_salt: &str, redis: Option<RedisStore>) -> Self {
        Self {
            anonymous: Bucket::new(settings.anonymous_per_minute),
            tiers: settings
                .tiers
                .iter()
                .filter_map(|(tier, &n)| Bucket::new(n).map(|b| (tier.clone(), b)))
                .collect(),
            redis,
            shared: AtomicBool::new(true),
            ip_salt: ip_salt.as_bytes().to_vec(),
        }
    }

    /// The bucket key of a client address: its salted SHA-256, never the address.
    fn ip_key(&self, ip: std::net::IpAddr) -> String {
        let mut hasher = Sha256::new();
        hasher.update(b"ratelimit\0");
        hasher.update(&self.ip_salt);
        hasher.update(ip.to_string().as_bytes());
        format!("ip:{}", hex::encode(hasher.finalize()))
    }

    /// `None` when no limit applies to the subject.
    pub async fn check(&self, subject: &Subject) -> Option<Decision> {
        let (bucket, key, label) = match subject {
            Subject::Ip(ip) => (self.anonymous.as_ref()?, self.ip_key(*ip), "anonymous"),
            Subject::Key { id, tier } => (self.tiers.get(tier)?, format!("key:{id}"), "api_key"),
        };
        let decision = match &self.redis {
            Some(redis) => match self.check_shared(redis, bucket, &key).await {
                Some(decision) => decision,
                None => bucket.check_local(&key),
            },
            None => bucket.check_local(&key),
        };
        if !decision.allowed {
            metrics::counter!(m::RATE_LIMITED_TOTAL, "subject" => label).increment(1);
        }
        Some(decision)
    }

    async fn check_shared(
        &self,
        redis: &RedisStore,
        bucket: &Bucket,
        key: &str,
    ) -> Option<Decision> {
        let redis_key = redis.key(&format!("v1:ratelimit:{key}"));
        let interval = bucket.interval().as_micros() as u64;
        let burst = bucket.per_minute;
        let result = redis
            .guarded(redis.timeout(), async |conn| {
                // EVAL rather than EVALSHA: the script is small, and a restarted Redis
                // needs no reloading.
                cmd("EVAL")
                    .arg(GCRA)
                    .arg(1)
                    .arg(&redis_key)
                    .arg(interval)
                    .arg(burst)
                    .query_async::<(u8, u32, u64, u64)>(conn)
                    .await
            })
            .await;
        match result {
            Ok((allowed, remaining, retry_us, reset_us)) => {
                if !self.shared.swap(true, Ordering::AcqRel) {
                    tracing::info!("rate limits are shared through Redis again");
                }
                Some(Decision {
                    allowed: allowed == 1,
                    limit: burst,
                    remaining,
                    reset: Duration::from_micros(reset_us),
                    retry_after: Duration::from_micros(retry_us),
                })
            }
            Err(err) => {
                metrics::counter!(m::RATE_LIMIT_FALLBACKS_TOTAL).increment(1);
                if self.shared.swap(false, Ordering::AcqRel) {
                    tracing::warn!(error = %err, "Redis unreachable; rate limits are per replica until it is back");
                }
                None
            }
        }
    }
}
