//! What every request handler can reach: settings, storage and the lifecycle.

use std::sync::Arc;

use crate::config::Settings;
use crate::lifecycle::Lifecycle;
use crate::simulations::Simulations;
use crate::storage::{Database, RedisStore};

#[derive(Clone)]
pub struct AppState {
    pub settings: Arc<Settings>,
    pub db: Database,
    /// `None` when `redis.enabled` is false.
    pub redis: Option<RedisStore>,
    pub lifecycle: Arc<Lifecycle>,
    pub simulations: Arc<Simulations>,
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
        Ok(Self {
            settings: Arc::new(settings),
            db,
            redis,
            lifecycle: Arc::new(Lifecycle::default()),
            simulations,
        })
    }

    /// Closes the pools; in-flight calls finish first.
    pub async fn close(&self) {
        if let Some(redis) = &self.redis {
            redis.close();
        }
        self.simulations.close().await;
        self.db.close().await;
    }
}
