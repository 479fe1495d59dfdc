//! Start-up validation. A bad setting stops the service with a message that names
//! the setting (and the variable that usually sets it), never a half-working start.

use std::fmt;

use tracing_subscriber::EnvFilter;

use super::{Environment, Settings};

/// Why the settings were refused.
#[derive(Debug)]
pub struct ConfigError {
    /// The offending setting, e.g. `database.url`.
    pub key: String,
    pub message: String,
}

impl ConfigError {
    pub fn invalid(key: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            key: key.into(),
            message: message.into(),
        }
    }

    /// Wraps an error of the `config` crate, whose messages already name the key.
    pub(super) fn from_source(err: config::ConfigError) -> Self {
        let key = match &err {
            config::ConfigError::Type { key: Some(key), .. } => key.clone(),
            config::ConfigError::NotFound(key) => key.clone(),
            _ => "settings".to_string(),
        };
        Self::invalid(key, err.to_string())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hint = match self.key.as_str() {
            "database.url" => " (set DATABASE_URL or APP__DATABASE__URL)",
            "redis.url" => " (set REDIS_URL or APP__REDIS__URL)",
            "server.port" => " (set PORT or APP__SERVER__PORT)",
            "sentry.dsn" => " (set SENTRY_DSN)",
            _ => "",
        };
        write!(f, "invalid setting `{}`{hint}: {}", self.key, self.message)
    }
}

impl std::error::Error for ConfigError {}

type Check = Result<(), ConfigError>;

fn in_range<T: PartialOrd + std::fmt::Debug>(
    key: &str,
    value: T,
    range: std::ops::RangeInclusive<T>,
) -> Check {
    ensure(range.contains(&value), key, || {
        format!(
            "{value:?} is outside {:?}..={:?}",
            range.start(),
            range.end()
        )
    })
}

fn ensure(ok: bool, key: &str, message: impl FnOnce() -> String) -> Check {
    if ok {
        Ok(())
    } else {
        Err(ConfigError::invalid(key, message()))
    }
}

impl Settings {
    pub(super) fn validate(&self) -> Check {
        self.validate_ranges()?;
        self.validate_urls()?;
        self.validate_plan_defaults()?;
        if self.environment == Environment::Production {
            self.validate_production()?;
        }
        Ok(())
    }

    /// The defaults must themselves make a valid plan, or users would get errors about fields
    /// they never sent. Each strategy is tried, so each one's defaults are checked.
    fn validate_plan_defaults(&self) -> Check {
        use crate::engine::plan::{Limits, PlanInput, StrategyName};
        let d = &self.plan_defaults;
        in_range(
            "plan_defaults.strategy.floor_fraction",
            d.strategy.floor_fraction,
            0.0..=1.0,
        )?;
        for strategy in StrategyName::ALL {
            let mut input = PlanInput {
                current_age: Some(60),
                end_age: Some(90),
                ..PlanInput::default()
            };
            input.portfolio.balance = Some(1_000_000.0);
            input.spending.annual = Some(40_000.0);
            input.spending.strategy = Some(strategy);
            if strategy == StrategyName::Cape {
                input.market.model = Some(crate::engine::plan::MarketModel::Historical);
            }
            let limits = Limits {
                max_scenarios: self.simulation.max_scenarios,
                this_year: None,
            };
            if let Err(errors) = input.normalize(d, limits) {
                let e = &errors[0];
                let key = match e.path.as_str() {
                    "allocation" | "allocation.stocks" | "allocation.bonds" => {
                        "plan_defaults.stocks".to_owned()
                    }
                    "allocation.cash" => "plan_defaults.cash".to_owned(),
                    "fees.expense_ratio" => "plan_defaults.expense_ratio".to_owned(),
                    "tax.effective_rate" => "plan_defaults.tax_rate".to_owned(),
                    path => match path.strip_prefix("spending.") {
                        Some(field) => format!("plan_defaults.strategy.{field}"),
                        None => format!("plan_defaults.{path}"),
                    },
                };
                return Err(ConfigError::invalid(key, e.message.clone()));
            }
        }
        Ok(())
    }

    fn validate_ranges(&self) -> Check {
        let s = self;
        in_range("database.pool_size", s.database.pool_size, 2..=1000)?;
        in_range("redis.pool_size", s.redis.pool_size, 1..=1000)?;
        in_range(
            "server.body_limit_bytes",
            s.server.body_limit_bytes,
            1024..=16 * 1024 * 1024,
        )?;
        in_range(
            "simulation.max_scenarios",
            s.simulation.max_scenarios,
            10..=10_000,
        )?;
        in_range("simulation.workers", s.simulation.workers, 0..=1024)?;
        in_range(
            "simulation.queue_depth",
            s.simulation.queue_depth,
            0..=100_000,
        )?;
        in_range(
            "simulation.queue_wait_ms",
            s.simulation.queue_wait_ms,
            0..=60_000,
        )?;
        in_range(
            "sentry.traces_sample_rate",
            s.sentry.traces_sample_rate,
            0.0..=1.0,
        )?;
        for (key, value) in [
            ("redis.timeout_ms", s.redis.timeout_ms),
            ("database.query_timeout_ms", s.database.query_timeout_ms),
            ("probes.timeout_ms", s.probes.timeout_ms),
            (
                "server.request_timeout_seconds",
                s.server.request_timeout_seconds,
            ),
            ("server.body_timeout_seconds", s.server.body_timeout_seconds),
            ("simulation.timeout_ms", s.simulation.timeout_ms),
            ("cache.l1_capacity_mb", s.cache.l1_capacity_mb),
            ("report.timeout_ms", s.report.timeout_ms),
            ("report.cache_mb", s.report.cache_mb),
            (
                "breaker.failure_threshold",
                u64::from(s.breaker.failure_threshold),
            ),
        ] {
            ensure(value > 0, key, || "must be positive".into())?;
        }
        ensure(!s.redis.key_prefix.is_empty(), "redis.key_prefix", || {
            "must not be empty".into()
        })?;
        validate_log_level(&s.log.level)?;
        ensure(!s.rate_limit.tiers.is_empty(), "rate_limit.tiers", || {
            "needs at least one tier".into()
        })?;
        // The shared limiter keeps time in microseconds: at most one request per µs.
        const MAX_PER_MINUTE: u32 = 60_000_000;
        in_range(
            "rate_limit.anonymous_per_minute",
            s.rate_limit.anonymous_per_minute,
            0..=MAX_PER_MINUTE,
        )?;
        for (tier, &per_minute) in &s.rate_limit.tiers {
            in_range(
                &format!("rate_limit.tiers.{tier}"),
                per_minute,
                1..=MAX_PER_MINUTE,
            )?;
        }
        for cidr in &s.rate_limit.trusted_proxies {
            super::parse_network(cidr).ok_or_else(|| {
                ConfigError::invalid(
                    "rate_limit.trusted_proxies",
                    format!("`{cidr}` is not an IP address or CIDR"),
                )
            })?;
        }
        Ok(())
    }

    fn validate_urls(&self) -> Check {
        let db = self.database.url.expose();
        ensure(!db.trim().is_empty(), "database.url", || {
            format!("is required in {}", self.environment)
        })?;
        ensure(
            ["sqlite:", "postgres:", "postgresql:"]
                .iter()
                .any(|scheme| db.starts_with(scheme)),
            "database.url",
            || "must start with sqlite:, postgres: or postgresql:".into(),
        )?;
        if self.redis.enabled {
            let redis = self.redis.url.expose();
            ensure(
                redis.starts_with("redis://") || redis.starts_with("rediss://"),
                "redis.url",
                || "must start with redis:// or rediss:// when redis.enabled is true".into(),
            )?;
        }
        let dsn = &self.sentry.dsn;
        if !dsn.is_empty() {
            dsn.expose()
                .parse::<sentry::types::Dsn>()
                .map_err(|err| ConfigError::invalid("sentry.dsn", err.to_string()))?;
        }
        Ok(())
    }

    fn validate_production(&self) -> Check {
        ensure(!self.debug, "debug", || {
            "must be false in production".into()
        })?;
        ensure(self.database.is_postgres(), "database.url", || {
            "production requires PostgreSQL (postgres://...)".into()
        })?;
        ensure(self.redis.enabled, "redis.enabled", || {
            "production requires Redis (shared cache and rate limits)".into()
        })
    }
}

/// A level (`info`) or directives (`info,sqlx=warn`). `EnvFilter` alone would take
/// a typo such as `loud` as a target name and silently log nothing.
fn validate_log_level(level: &str) -> Check {
    const LEVELS: [&str; 6] = ["off", "error", "warn", "info", "debug", "trace"];
    let is_level = |word: &str| LEVELS.contains(&word.trim().to_ascii_lowercase().as_str());
    let well_formed = level
        .split(',')
        .all(|directive| match directive.rsplit_once('=') {
            Some((target, lvl)) => !target.trim().is_empty() && is_level(lvl),
            None => is_level(directive),
        });
    let parsed = EnvFilter::try_new(level).map_err(|err| err.to_string());
    match (well_formed, parsed) {
        (true, Ok(_)) => Ok(()),
        (_, Err(err)) => Err(ConfigError::invalid(
            "log.level",
            format!("`{level}`: {err}"),
        )),
        (false, Ok(_)) => Err(ConfigError::invalid(
            "log.level",
            format!(
                "`{level}` is not a level (off, error, warn, info, debug, trace) or target=level list"
            ),
        )),
    }
}

impl super::DatabaseSettings {
    pub fn is_postgres(&self) -> bool {
        let url = self.url.expose();
        url.starts_with("postgres:") || url.starts_with("postgresql:")
    }
}
