//! What every request handler can reach: settings, storage and the lifecycle.

use std::sync::Arc;

use crate::config::Settings;
use crate::lifecycle::Lifecycle;
use crate::rate_limit::RateLimiter;
use crate::simulations::Simulations;
use crate::storage::audit::DenialTally;
use crate::storage::{Database, RedisStore};

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Database,
    /// `None` when `redis.enabled` is false.
    pub redis: Option<RedisStore>,
    pub lifecycle: Arc<Lifecycle>,
    pub simulations: Arc<Simulations>,
    pub limiter: Arc<RateLimiter>,
    pub trusted_proxies: Arc<Vec<ipnet::IpNet>>,
    /// Failed authentications and rate-limit denials, written to the audit log in tallies.
    pub denials: Arc<DenialTally>,
}

impl AppState {
    /// Builds the pools without connecting; nothing here waits on a dependency.
    pub fn new(settings: Settings) -> anyhow::Result<Self> {
        let db = Database::connect_lazy(&settings.database, &settings.breaker)?;
        let redis = settings
            .redis
            .enabled
            .then(|| RedisStore::new(&settings.redis, &settings.breaker))
            .transpose()?;
        let simulations = Arc::new(Simulations::new(&settings, db.clone(), redis.clone())?);
        let limiter = Arc::new(RateLimiter::new(
            &settings.rate_limit,
            settings.audit.ip_salt.expose(),
            redis.clone(),
        ));
        let trusted_proxies = Arc::new(settings.rate_limit.trusted_networks());
        let denials = Arc::new(DenialTally::new(db.clone()));
        let flushing = Arc::downgrade(&denials);
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(60));
            every.tick().await;
            loop {
                every.tick().await;
                let Some(denials) = flushing.upgrade() else {
                    break;
                };
                denials.flush().await;
            }
        });
        Ok(Self {
            settings: Arc::new(settings),
            db,
            redis,
            lifecycle: Arc::new(Lifecycle::default()),
            simulations,
            limiter,
            trusted_proxies,
            denials,
        })
    }

    /// Closes the pools; in-flight calls finish first.
    pub async fn close(&self) {
        if let Some(redis) = &self.redis {
            redis.close();
        }
        self.denials.flush().await;
        self.simulations.close().await;
        self.db.close().await;
    }
}
