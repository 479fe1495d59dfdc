//! Config layering, overrides and the refusals that keep a bad deploy from starting.

use std::collections::HashMap;

use glidepath::config::{Environment, LogFormat, Settings};

fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn load(pairs: &[(&str, &str)]) -> Settings {
    Settings::load(&vars(pairs)).unwrap_or_else(|err| panic!("{err}"))
}

fn refusal(pairs: &[(&str, &str)]) -> String {
    match Settings::load(&vars(pairs)) {
        Ok(_) => panic!("settings {pairs:?} were accepted"),
        Err(err) => err.to_string(),
    }
}

const PG: &str = "postgres://app:s3cret@db:5432/glidepath";

#[test]
fn development_is_the_default_with_sqlite_and_no_redis() {
    let settings = load(&[]);

    assert_eq!(settings.environment, Environment::Development);
    assert!(settings.debug);
    assert_eq!(settings.log.format, LogFormat::Pretty);
    assert!(settings.log.level.starts_with("debug"));
    assert_eq!(settings.database.url.expose(), "sqlite://data/glidepath.db");
    assert_eq!(settings.database.pool_size, 5);
    assert!(!settings.redis.enabled);
    assert_eq!(settings.cache.ttl_seconds, 600);
    assert_eq!(settings.cache.l1_capacity_mb, 64);
    assert_eq!(settings.simulation.max_scenarios, 1000);
    assert_eq!(settings.rate_limit.anonymous_per_minute, 0);
}

#[test]
fn staging_layers_its_file_over_the_defaults() {
    let settings = load(&[("APP_ENV", "staging"), ("DATABASE_URL", PG)]);

    assert_eq!(settings.environment, Environment::Staging);
    assert!(!settings.debug);
    assert_eq!(settings.log.format, LogFormat::Json);
    assert_eq!(settings.log.level, "info");
    assert_eq!(settings.cache.ttl_seconds, 1800);
    assert_eq!(settings.cache.l1_capacity_mb, 256);
    assert_eq!(settings.simulation.max_scenarios, 5000);
    assert_eq!(settings.rate_limit.anonymous_per_minute, 100);
    assert_eq!(settings.database.pool_size, 10);
    assert!(settings.redis.enabled);
    // Untouched by staging.toml, so still the default.
    assert_eq!(settings.redis.timeout_ms, 100);
}

#[test]
fn production_has_the_production_table() {
    let settings = load(&[("APP_ENV", "production"), ("DATABASE_URL", PG)]);

    assert_eq!(settings.log.level, "warn");
    assert_eq!(settings.cache.ttl_seconds, 3600);
    assert_eq!(settings.cache.l1_capacity_mb, 500);
    assert_eq!(settings.simulation.max_scenarios, 10_000);
    assert_eq!(settings.rate_limit.anonymous_per_minute, 60);
    assert_eq!(settings.database.pool_size, 20);
}

#[test]
fn app_variables_override_files_and_conventional_variables() {
    let settings = load(&[
        ("PORT", "9000"),
        ("APP__DATABASE__POOL_SIZE", "7"),
        ("APP__RATE_LIMIT__TRUSTED_PROXIES", "10.0.0.0/8,192.168.1.1"),
        ("APP__REDIS__ENABLED", "true"),
        ("REDIS_URL", "redis://cache:6379"),
    ]);

    assert_eq!(settings.server.port, 9000);
    assert_eq!(settings.database.pool_size, 7);
    assert_eq!(
        settings.rate_limit.trusted_proxies,
        ["10.0.0.0/8", "192.168.1.1"]
    );
    assert_eq!(settings.redis.url.expose(), "redis://cache:6379");

    let both = load(&[("PORT", "9000"), ("APP__SERVER__PORT", "9100")]);
    assert_eq!(
        both.server.port, 9100,
        "APP__ wins over the conventional variable"
    );
}

#[test]
fn production_refuses_sqlite() {
    let message = refusal(&[
        ("APP_ENV", "production"),
        ("DATABASE_URL", "sqlite://data/x.db"),
    ]);
    assert!(
        message.contains("`database.url`") && message.contains("PostgreSQL"),
        "{message}"
    );
}

#[test]
fn production_refuses_a_missing_database_url() {
    let message = refusal(&[("APP_ENV", "production")]);
    assert!(
        message.contains("`database.url`") && message.contains("DATABASE_URL"),
        "{message}"
    );
}

#[test]
fn production_refuses_redis_disabled() {
    let message = refusal(&[
        ("APP_ENV", "production"),
        ("DATABASE_URL", PG),
        ("APP__REDIS__ENABLED", "false"),
    ]);
    assert!(message.contains("`redis.enabled`"), "{message}");
}

#[test]
fn production_refuses_debug() {
    let message = refusal(&[
        ("APP_ENV", "production"),
        ("DATABASE_URL", PG),
        ("APP__DEBUG", "true"),
    ]);
    assert!(message.contains("`debug`"), "{message}");
}

#[test]
fn bad_values_are_refused_with_the_setting_named() {
    let cases: [(&[(&str, &str)], &str); 7] = [
        (&[("APP_ENV", "prod-eu")], "APP_ENV"),
        (&[("APP__SERVER__PORT", "http")], "server.port"),
        (&[("APP__DATABASE__POOL_SIZE", "0")], "database.pool_size"),
        (&[("DATABASE_URL", "mysql://x")], "database.url"),
        (&[("APP__LOG__LEVEL", "loud")], "log.level"),
        (
            &[("APP__RATE_LIMIT__TRUSTED_PROXIES", "10.0.0.0/99")],
            "rate_limit.trusted_proxies",
        ),
        (&[("SENTRY_DSN", "not a dsn")], "sentry.dsn"),
    ];
    for (pairs, key) in cases {
        let message = refusal(pairs);
        assert!(message.contains(key), "{pairs:?}: {message}");
    }
}

#[test]
fn secrets_are_redacted_in_debug_and_in_the_printed_config() {
    let settings = load(&[
        ("DATABASE_URL", "postgres://app:s3cret@db:5432/glidepath"),
        ("APP__REDIS__URL", "redis://:r3dispass@cache:6379"),
        ("SENTRY_DSN", "https://publickey123@o1.ingest.sentry.io/42"),
    ]);

    let debug = format!("{settings:?}");
    let printed = settings.to_redacted_toml();

    for shown in [&debug, &printed] {
        for secret in ["s3cret", "r3dispass", "publickey123"] {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
    }
    assert!(
        printed.contains("db:5432/glidepath"),
        "hosts stay visible: {printed}"
    );
    assert_eq!(
        settings.database.url.expose(),
        "postgres://app:s3cret@db:5432/glidepath"
    );
}

#[test]
fn plan_defaults_in_the_config_file_are_the_documented_ones() {
    let settings = load(&[]);
    assert_eq!(
        settings.plan_defaults,
        glidepath::engine::PlanDefaults::default()
    );
}

#[test]
fn plan_defaults_can_be_overridden_per_environment_variable() {
    let settings = load(&[("APP__PLAN_DEFAULTS__MARKET__STOCKS__MEAN", "0.07")]);
    assert_eq!(settings.plan_defaults.market.stocks.mean, 0.07);
}

#[test]
fn plan_defaults_that_make_an_invalid_plan_are_refused_with_the_key_named() {
    let message = refusal(&[("APP__PLAN_DEFAULTS__MARKET__STOCKS__VOLATILITY", "3")]);
    assert!(
        message.contains("plan_defaults.market.stocks.volatility"),
        "{message}"
    );
    let message = refusal(&[("APP__PLAN_DEFAULTS__STRATEGY__ADJUSTMENT", "0.9")]);
    assert!(
        message.contains("plan_defaults.strategy.adjustment"),
        "{message}"
    );
    let message = refusal(&[("APP__PLAN_DEFAULTS__STOCKS", "0.9")]);
    assert!(message.contains("plan_defaults.stocks"), "{message}");
}
