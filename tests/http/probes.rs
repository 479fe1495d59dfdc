//! Kubernetes probes against a real server on a random port.

use crate::support as common;

use common::{CLOSED_PORT, PgDatabase, spawn_app, spawn_app_with};
use serde_json::Value;

async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON body")
}

#[tokio::test]
async fn health_answers_ok_without_touching_dependencies() {
    // Database and Redis both unreachable: liveness must not care.
    let app = spawn_app_with(|vars| {
        vars.insert(
            "APP__DATABASE__URL".into(),
            format!("postgres://postgres@127.0.0.1:{CLOSED_PORT}/none"),
        );
        vars.insert("APP__REDIS__ENABLED".into(), "true".into());
        vars.insert(
            "APP__REDIS__URL".into(),
            format!("redis://127.0.0.1:{CLOSED_PORT}"),
        );
    })
    .await;

    let response = app.get("/health").await;

    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["status"], "ok");
}

#[tokio::test]
async fn startup_turns_200_once_sqlite_migrations_have_run() {
    let app = spawn_app().await;

    app.wait_started().await;
    let response = app.get("/startup").await;

    assert_eq!(response.status(), 200);
    assert_eq!(json(response).await["status"], "started");
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    common::assert_schema_tables(&tables);
}

#[tokio::test]
async fn ready_lists_the_database_check_with_latency() {
    let app = spawn_app().await;
    app.wait_started().await;

    let response = app.get("/ready").await;

    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["status"], "ready");
    assert_eq!(body["checks"][0]["name"], "database");
    assert_eq!(body["checks"][0]["status"], "up");
    assert!(body["checks"][0]["latency_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(
        body["checks"].as_array().unwrap().len(),
        1,
        "redis is off in development"
    );
}

#[tokio::test]
async fn redis_down_means_degraded_but_still_ready() {
    let app = spawn_app_with(|vars| {
        vars.insert("APP__REDIS__ENABLED".into(), "true".into());
        vars.insert(
            "REDIS_URL".into(),
            format!("redis://127.0.0.1:{CLOSED_PORT}"),
        );
    })
    .await;
    app.wait_started().await;

    let response = app.get("/ready").await;

    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["status"], "degraded");
    let redis = body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "redis")
        .unwrap();
    assert_eq!(redis["status"], "down");
    assert!(redis["error"].as_str().is_some_and(|e| !e.is_empty()));
}

#[tokio::test]
async fn database_down_means_not_ready_and_not_started() {
    let app = spawn_app_with(|vars| {
        vars.insert(
            "DATABASE_URL".into(),
            format!("postgres://postgres@127.0.0.1:{CLOSED_PORT}/none"),
        );
        vars.remove("APP__DATABASE__URL");
    })
    .await;

    let ready = app.get("/ready").await;
    let startup = app.get("/startup").await;

    assert_eq!(ready.status(), 503);
    assert_eq!(startup.status(), 503);
    let body = json(ready).await;
    assert_eq!(body["checks"][0]["name"], "database");
    assert_eq!(body["checks"][0]["status"], "down");
}

#[tokio::test]
async fn database_down_after_start_turns_ready_503() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let app = spawn_app_with(|vars| {
        vars.insert("APP__DATABASE__URL".into(), db.url.clone());
    })
    .await;
    app.wait_started().await;
    assert_eq!(app.get("/ready").await.status(), 200);

    // Closing the pool is what the app sees when its database goes away for good.
    app.state.db.close().await;
    let response = app.get("/ready").await;

    assert_eq!(response.status(), 503);
    assert_eq!(json(response).await["status"], "unavailable");
}

#[tokio::test]
async fn draining_turns_ready_503_while_requests_are_still_served() {
    let app = spawn_app().await;
    app.wait_started().await;

    app.state.lifecycle.start_draining();

    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(json(ready).await["status"], "draining");
    assert_eq!(app.get("/health").await.status(), 200);
}

#[tokio::test]
async fn graceful_shutdown_lets_the_server_exit_cleanly() {
    let app = spawn_app_with(|vars| {
        vars.insert("APP__SERVER__DRAIN_DELAY_MS".into(), "50".into());
    })
    .await;
    app.wait_started().await;
    let address = app.url("/health");

    app.shutdown().await.expect("server exits without error");

    assert!(
        reqwest::get(address).await.is_err(),
        "listener is closed after shutdown"
    );
}

#[tokio::test]
async fn ready_with_a_live_redis_lists_both_checks_up() {
    let Some(redis) = common::redis_url() else {
        return;
    };
    let app = spawn_app_with(|vars| {
        vars.insert("APP__REDIS__ENABLED".into(), "true".into());
        vars.insert("REDIS_URL".into(), redis.into());
        vars.insert("APP__REDIS__KEY_PREFIX".into(), common::unique_prefix());
    })
    .await;
    app.wait_started().await;

    let response = app.get("/ready").await;

    assert_eq!(response.status(), 200);
    let body = json(response).await;
    assert_eq!(body["status"], "ready");
    let statuses: Vec<(&str, &str)> = body["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["status"].as_str().unwrap()))
        .collect();
    assert_eq!(statuses, [("database", "up"), ("redis", "up")]);
}

#[tokio::test]
async fn shutdown_lets_an_in_flight_request_finish() {
    // A "Redis" that accepts connections and never answers keeps /ready busy.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    let app = spawn_app_with(|vars| {
        vars.insert("APP__REDIS__ENABLED".into(), "true".into());
        vars.insert(
            "REDIS_URL".into(),
            format!("redis://127.0.0.1:{silent_port}"),
        );
        vars.insert("APP__REDIS__TIMEOUT_MS".into(), "1500".into());
        vars.insert("APP__PROBES__TIMEOUT_MS".into(), "1500".into());
    })
    .await;
    app.wait_started().await;
    let in_flight = tokio::spawn(app.client.get(app.url("/ready")).send());
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;

    let started = std::time::Instant::now();
    app.shutdown().await.expect("clean shutdown");
    let response = in_flight
        .await
        .unwrap()
        .expect("the in-flight request got its answer");

    assert!(
        started.elapsed() >= std::time::Duration::from_millis(800),
        "shutdown waited for it"
    );
    assert_eq!(response.status(), 503);
    assert_eq!(json(response).await["status"], "draining");
    drop(silent);
}
