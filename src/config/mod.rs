//! Settings, 12-factor style.
//!
//! Layers, later wins:
//! 1. `config/default.toml`
//! 2. `config/{APP_ENV}.toml` (`development` when `APP_ENV` is unset)
//! 3. the conventional variables `PORT`, `DATABASE_URL`, `REDIS_URL`, `SENTRY_DSN`
//! 4. `APP__SECTION__KEY` variables (`APP__DATABASE__POOL_SIZE=8`)
//!
//! The TOML files are compiled into the binary, so a container needs nothing but
//! environment variables. This is the only module that reads the environment, and
//! it takes the variables as an argument so tests can layer without touching the
//! process environment. [`Settings::load`] validates; see `validate.rs`.

mod secret;
mod validate;

use std::collections::HashMap;
use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use secret::Secret;
pub use validate::ConfigError;

const DEFAULT_TOML: &str = include_str!("../../config/default.toml");
const DEVELOPMENT_TOML: &str = include_str!("../../config/development.toml");
const STAGING_TOML: &str = include_str!("../../config/staging.toml");
const PRODUCTION_TOML: &str = include_str!("../../config/production.toml");

/// Conventional platform variables and the key each one sets.
const CONVENTIONAL_VARS: [(&str, &str); 4] = [
    ("PORT", "SERVER__PORT"),
    ("DATABASE_URL", "DATABASE__URL"),
    ("REDIS_URL", "REDIS__URL"),
    ("SENTRY_DSN", "SENTRY__DSN"),
];

/// List-valued keys, given in env vars as comma-separated values.
const LIST_KEYS: [&str; 1] = ["rate_limit.trusted_proxies"];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Staging,
    Production,
}

impl Environment {
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" | "" => Ok(Self::Development),
            "staging" => Ok(Self::Staging),
            "production" | "prod" => Ok(Self::Production),
            other => Err(ConfigError::invalid(
                "APP_ENV",
                format!("`{other}` is not one of development, staging, production"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Development => "development",
            Self::Staging => "staging",
            Self::Production => "production",
        }
    }

    fn overlay(self) -> &'static str {
        match self {
            Self::Development => DEVELOPMENT_TOML,
            Self::Staging => STAGING_TOML,
            Self::Production => PRODUCTION_TOML,
        }
    }
}

impl fmt::Display for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Settings {
    /// Filled from `APP_ENV`, never from the files.
    #[serde(default = "default_environment")]
    pub environment: Environment,
    pub debug: bool,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub redis: RedisSettings,
    pub cache: CacheSettings,
    pub simulation: SimulationSettings,
    pub report: ReportSettings,
    pub audit: AuditSettings,
    /// What fills a plan's omitted fields: assumptions shown to users, not advice.
    pub plan_defaults: crate::engine::PlanDefaults,
    pub rate_limit: RateLimitSettings,
    pub sentry: SentrySettings,
    pub log: LogSettings,
    pub probes: ProbeSettings,
    pub breaker: BreakerSettings,
}

fn default_environment() -> Environment {
    Environment::Development
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub workers: usize,
    pub drain_delay_ms: u64,
    pub shutdown_timeout_seconds: u64,
    pub request_timeout_seconds: u64,
    /// How long a request body may take to arrive, whole (408 `request_timeout` after).
    pub body_timeout_seconds: u64,
    pub body_limit_bytes: usize,
    pub hsts_max_age_seconds: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DatabaseSettings {
    pub url: Secret,
    pub pool_size: u32,
    pub run_migrations: bool,
    pub query_timeout_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RedisSettings {
    pub enabled: bool,
    pub url: Secret,
    pub pool_size: usize,
    pub timeout_ms: u64,
    pub key_prefix: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CacheSettings {
    pub ttl_seconds: u64,
    pub l1_capacity_mb: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SimulationSettings {
    pub max_scenarios: u32,
    pub timeout_ms: u64,
    pub workers: usize,
    pub queue_depth: usize,
    /// How long an API request waits, its body unread, for room in a full queue before it
    /// gets 503 `overloaded`.
    pub queue_wait_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportSettings {
    /// Deadline of one PDF render; a slower one gets 504 `timeout`.
    pub timeout_ms: u64,
    /// In-process cache of rendered PDFs, by result, simulation and paper.
    pub cache_mb: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditSettings {
    pub ip_salt: Secret,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RateLimitSettings {
    pub anonymous_per_minute: u32,
    pub trusted_proxies: Vec<String>,
    /// Requests per minute per API key, by tier name.
    pub tiers: std::collections::BTreeMap<String, u32>,
}

impl RateLimitSettings {
    /// `trusted_proxies` as networks (an address alone is a one-address network); entries
    /// that are neither are left out here and refused by validation.
    pub fn trusted_networks(&self) -> Vec<ipnet::IpNet> {
        self.trusted_proxies
            .iter()
            .filter_map(|cidr| parse_network(cidr))
            .collect()
    }
}

fn parse_network(cidr: &str) -> Option<ipnet::IpNet> {
    cidr.parse::<ipnet::IpNet>().ok().or_else(|| {
        cidr.parse::<std::net::IpAddr>()
            .ok()
            .map(ipnet::IpNet::from)
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SentrySettings {
    pub dsn: Secret,
    pub traces_sample_rate: f32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Json,
    Pretty,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LogSettings {
    pub level: String,
    pub format: LogFormat,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProbeSettings {
    pub timeout_ms: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BreakerSettings {
    pub failure_threshold: u32,
    pub open_seconds: u64,
}

impl Settings {
    /// Loads and validates the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::load(&std::env::vars().collect())
    }

    /// Loads and validates the settings from the given variables.
    pub fn load(vars: &HashMap<String, String>) -> Result<Self, ConfigError> {
        let environment = Environment::parse(vars.get("APP_ENV").map_or("", String::as_str))?;

        let conventional: config::Map<String, String> = CONVENTIONAL_VARS
            .iter()
            .filter_map(|(var, key)| {
                let value = vars.get(*var)?;
                (!value.is_empty()).then(|| (key.to_string(), value.clone()))
            })
            .collect();
        let prefixed: config::Map<String, String> = vars
            .iter()
            .filter(|(name, _)| name.starts_with("APP__"))
            .map(|(name, value)| (name.clone(), value.clone()))
            .collect();

        let mut app_vars = config::Environment::with_prefix("APP")
            .prefix_separator("__")
            .separator("__")
            .list_separator(",")
            .try_parsing(true)
            .source(Some(prefixed));
        for key in LIST_KEYS {
            app_vars = app_vars.with_list_parse_key(key);
        }

        let raw = config::Config::builder()
            .add_source(config::File::from_str(
                DEFAULT_TOML,
                config::FileFormat::Toml,
            ))
            .add_source(config::File::from_str(
                environment.overlay(),
                config::FileFormat::Toml,
            ))
            .add_source(
                config::Environment::default()
                    .separator("__")
                    .try_parsing(true)
                    .source(Some(conventional)),
            )
            .add_source(app_vars)
            .set_override("environment", environment.as_str())
            .map_err(ConfigError::from_source)?
            .build()
            .map_err(ConfigError::from_source)?;

        let settings: Settings = raw.try_deserialize().map_err(ConfigError::from_source)?;
        settings.validate()?;
        Ok(settings)
    }

    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.server.request_timeout_seconds)
    }

    pub fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.server.body_timeout_seconds)
    }

    pub fn query_timeout(&self) -> Duration {
        Duration::from_millis(self.database.query_timeout_ms)
    }

    pub fn redis_timeout(&self) -> Duration {
        Duration::from_millis(self.redis.timeout_ms)
    }

    pub fn probe_timeout(&self) -> Duration {
        Duration::from_millis(self.probes.timeout_ms)
    }

    /// The settings as TOML with every secret redacted (`glidepath config`).
    pub fn to_redacted_toml(&self) -> String {
        toml::to_string_pretty(self).unwrap_or_else(|err| format!("# cannot render: {err}\n"))
    }
}
