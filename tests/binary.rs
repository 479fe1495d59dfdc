//! The real `glidepath` binary: signals, log lines, and the CLI commands.

mod common;

use std::time::Duration;

use common::server::{Server, command};
use nix::sys::signal::Signal;
use serde_json::Value;

#[tokio::test]
async fn sigterm_turns_ready_503_then_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::started(&dir, |cmd| {
        cmd.env("APP__SERVER__DRAIN_DELAY_MS", "1500");
    })
    .await;
    assert_eq!(
        reqwest::get(server.url("/ready")).await.unwrap().status(),
        200
    );

    server.signal(Signal::SIGTERM);
    tokio::time::sleep(Duration::from_millis(300)).await;

    let ready = reqwest::get(server.url("/ready"))
        .await
        .expect("still accepting while draining");
    assert_eq!(ready.status(), 503);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "draining");
    assert_eq!(
        reqwest::get(server.url("/health")).await.unwrap().status(),
        200
    );

    let status = server.wait_exit(Duration::from_secs(15)).await;
    assert!(
        status.success(),
        "exit status {status}: {}",
        server.output()
    );
    assert!(
        server.output().contains("shutdown complete"),
        "{}",
        server.output()
    );
}

#[tokio::test]
async fn sigint_also_shuts_down_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::started(&dir, |_| {}).await;

    server.signal(Signal::SIGINT);

    assert!(server.wait_exit(Duration::from_secs(15)).await.success());
}

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

#[tokio::test]
async fn json_log_lines_carry_the_request_id_the_callers_trace_id_and_no_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::started(&dir, |cmd| {
        cmd.env("APP__LOG__FORMAT", "json")
            .env("APP__LOG__LEVEL", "info")
            .env("SENTRY_DSN", "http://topsecretdsnkey@127.0.0.1:9/1")
            .env("APP__REDIS__URL", "redis://:redispassword77@127.0.0.1:1");
    })
    .await;

    let response = reqwest::Client::new()
        .get(server.url("/api/v1/nothing-here"))
        .header("x-request-id", "log-shape-test-1")
        .header("authorization", "Bearer gp_live_supersecretapikey")
        .send()
        .await
        .unwrap();
    // Authentication comes first: a key that is not ours is a 401 on any route.
    assert_eq!(response.status(), 401);
    server.wait_started().await;
    let plan = serde_json::json!({"name": "Private plan name", "current_age": 65, "end_age": 90,
        "portfolio": {"balance": 600000}, "spending": {"annual": 25000},
        "simulation": {"scenarios": 200, "seed": 3}});
    for expected_cache in ["miss", "hit-l1"] {
        let created = reqwest::Client::new()
            .post(server.url("/api/v1/simulations"))
            .header("x-request-id", format!("log-shape-post-{expected_cache}"))
            // Traces are not exported here; the caller's trace id is still logged.
            .header("traceparent", format!("00-{TRACE_ID}-00f067aa0ba902b7-01"))
            .json(&plan)
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
    }
    // Malformed HTTP (no Host, then not HTTP at all) is a client's mistake: no error line.
    for raw in [
        &b"GET /health HTTP/1.1\r\n\r\n"[..],
        b"\x16\x03\x01garbage\r\n\r\n",
    ] {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", server.port))
            .await
            .unwrap();
        stream.write_all(raw).await.unwrap();
        let mut answer = [0u8; 12];
        let _ = stream.read(&mut answer).await;
        assert_eq!(&answer, b"HTTP/1.1 400");
    }
    server.signal(Signal::SIGTERM);
    server.wait_exit(Duration::from_secs(15)).await;

    let output = server.output();
    assert!(
        !output.contains(r#""level":"error""#),
        "an error line for a client's mistake: {output}"
    );
    let lines: Vec<Value> = output
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|_| panic!("not a JSON line: {line}"))
        })
        .collect();
    // A refusal (here a 401) has no line of its own at info: refusals are told once a
    // second per reason, at warn, with their count (the last flush runs at shutdown).
    assert!(
        !lines
            .iter()
            .any(|line| line["request_id"] == "log-shape-test-1"
                && matches!(line["level"].as_str(), Some("info" | "warn" | "error"))),
        "a refusal logged a line of its own: {output}"
    );
    let refused = lines
        .iter()
        .find(|line| line["message"] == "requests refused" && line["reason"] == "unauthorized")
        .unwrap_or_else(|| panic!("no line for the refusals: {output}"));
    assert_eq!(refused["level"], "warn");
    assert_eq!(refused["status"], 401);
    assert_eq!(refused["count"], 1);
    for cache in ["miss", "hit-l1"] {
        let id = format!("log-shape-post-{cache}");
        let line = lines
            .iter()
            .find(|line| {
                line["request_id"] == id.as_str() && line["message"] == "request completed"
            })
            .unwrap_or_else(|| panic!("no completion line for {id}: {output}"));
        for key in [
            "timestamp",
            "level",
            "target",
            "message",
            "method",
            "duration_ms",
        ] {
            assert!(!line[key].is_null(), "{key} missing from {line}");
        }
        assert_eq!(line["level"], "info");
        assert_eq!(line["status"], 201);
        assert_eq!(line["route"], "/api/v1/simulations");
        assert_eq!(line["scenarios"], 200);
        assert_eq!(line["years"], 25);
        assert_eq!(line["cache"], cache);
        assert_eq!(line["trace_id"], TRACE_ID);
    }
    for secret in [
        "topsecretdsnkey",
        "redispassword77",
        "supersecretapikey",
        "Private plan name",
    ] {
        assert!(!output.contains(secret), "{secret} leaked into the logs");
    }
}

#[tokio::test]
async fn healthcheck_command_reports_the_server_state() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::started(&dir, |_| {}).await;

    let port = server.port;
    let up = command(&dir, port).arg("healthcheck").output().unwrap();
    drop(server);
    let down = command(&dir, port).arg("healthcheck").output().unwrap();

    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    assert_eq!(down.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&down.stderr).contains("unhealthy"));
}

#[test]
fn config_command_prints_settings_with_secrets_redacted() {
    let dir = tempfile::tempdir().unwrap();
    let output = command(&dir, 8080)
        .env(
            "DATABASE_URL",
            "postgres://app:dbpassword1@db.internal:5432/glidepath",
        )
        .env_remove("APP__DATABASE__URL")
        .arg("config")
        .output()
        .unwrap();

    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(output.status.success());
    assert!(!printed.contains("dbpassword1"), "{printed}");
    assert!(printed.contains("db.internal:5432/glidepath"), "{printed}");
    assert!(
        printed.contains("environment = \"development\""),
        "{printed}"
    );
}

#[test]
fn invalid_config_refuses_to_start_naming_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let output = command(&dir, 8080)
        .env("APP_ENV", "production")
        .arg("serve")
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(78));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("`database.url`"), "{stderr}");
}

#[tokio::test]
async fn migrate_command_prepares_sqlite_and_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();

    let first = command(&dir, 8080).arg("migrate").output().unwrap();
    let second = command(&dir, 8080).arg("migrate").output().unwrap();

    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(dir.path().join("glidepath.db").exists());
}

#[tokio::test]
async fn migrate_command_prepares_postgres() {
    let Some(db) = common::PgDatabase::create().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();

    let output = command(&dir, 8080)
        .env("APP__DATABASE__URL", &db.url)
        .arg("migrate")
        .output()
        .unwrap();

    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(&db.url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    common::assert_schema_tables(&tables);
}

#[test]
fn migrate_command_fails_when_the_database_is_unreachable() {
    let dir = tempfile::tempdir().unwrap();
    let output = command(&dir, 8080)
        .env(
            "APP__DATABASE__URL",
            format!("postgres://postgres@127.0.0.1:{}/none", common::CLOSED_PORT),
        )
        .env("APP__DATABASE__QUERY_TIMEOUT_MS", "1000")
        .arg("migrate")
        .output()
        .unwrap();

    assert_eq!(output.status.code(), Some(1));
}

#[tokio::test]
async fn api_keys_command_creates_lists_and_revokes_with_an_audit_trail() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| command(&dir, 8080).args(args).output().unwrap();

    let created = run(&[
        "api-keys",
        "create",
        "--name",
        "Acme planner",
        "--tier",
        "standard",
    ]);
    assert!(
        created.status.success(),
        "{}",
        String::from_utf8_lossy(&created.stderr)
    );
    let secret = String::from_utf8(created.stdout)
        .unwrap()
        .trim()
        .to_string();
    assert!(
        glidepath::storage::api_keys::looks_like_key(&secret),
        "{secret}"
    );

    let listed = String::from_utf8(run(&["api-keys", "list"]).stdout).unwrap();
    assert!(
        listed.contains("Acme planner") && listed.contains("active"),
        "{listed}"
    );
    assert!(
        !listed.contains(&secret[4..]),
        "list never shows the secret"
    );
    let id = listed.split('\t').next().unwrap().to_string();
    assert!(id.starts_with("key_"), "{listed}");

    let unknown_tier = run(&["api-keys", "create", "--name", "x", "--tier", "platinum"]);
    assert_eq!(unknown_tier.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown_tier.stderr).contains("free, standard"));

    assert!(run(&["api-keys", "revoke", &id]).status.success());
    assert_eq!(run(&["api-keys", "revoke", &id]).status.code(), Some(2));
    let listed = String::from_utf8(run(&["api-keys", "list"]).stdout).unwrap();
    assert!(listed.contains("revoked"), "{listed}");

    let settings = common::settings_with(&dir, |_| {});
    let db =
        glidepath::storage::Database::connect_lazy(&settings.database, &settings.breaker).unwrap();
    let audit = glidepath::storage::audit::recent(&db, 10).await.unwrap();
    let actions: Vec<(&str, &str)> = audit
        .iter()
        .map(|e| (e.entry.action.as_str(), e.entry.outcome.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("api_key.revoke", "failed"),
            ("api_key.revoke", "success"),
            ("api_key.create", "success")
        ]
    );
    assert!(audit.iter().all(|e| e.entry.actor == "operator"));
}

/// Keep-alive clients posting across SIGTERM lose no request: while draining, every response
/// closes its connection, and a client told so moves on (behind a load balancer, to another
/// replica), so none sends on a kept-open connection that the listener's close resets. A
/// refused connection is safe to retry elsewhere; a request sent and never answered is not.
#[tokio::test]
async fn keep_alive_clients_lose_no_request_across_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Server::started(&dir, |cmd| {
        cmd.env("APP__SERVER__DRAIN_DELAY_MS", "1500")
            .env("APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE", "0")
            .env("APP__LOG__LEVEL", "warn");
    })
    .await;
    let url = server.url("/api/v1/simulations");
    let plan = serde_json::json!({"current_age": 65, "end_age": 70,
        "portfolio": {"balance": 600000}, "spending": {"annual": 25000},
        "simulation": {"scenarios": 10, "seed": 3}});
    let clients: Vec<_> = (0..8)
        .map(|_| {
            let (url, plan) = (url.clone(), plan.clone());
            tokio::spawn(async move {
                let client = reqwest::Client::builder()
                    .timeout(Duration::from_secs(10))
                    .build()
                    .unwrap();
                let (mut answered, mut closing, mut lost) = (0u32, 0u32, Vec::new());
                loop {
                    match client.post(&url).json(&plan).send().await {
                        Ok(response) => {
                            answered += 1;
                            let close = response
                                .headers()
                                .get("connection")
                                .is_some_and(|v| v == "close");
                            closing += u32::from(close);
                            assert_eq!(response.status(), 201);
                            let _ = response.bytes().await;
                            if close {
                                break;
                            }
                        }
                        Err(err) if err.is_connect() => break,
                        Err(err) => lost.push(format!("{err:?}")),
                    }
                }
                (answered, closing, lost)
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(400)).await;
    server.signal(Signal::SIGTERM);
    let status = server.wait_exit(Duration::from_secs(20)).await;
    assert!(status.success(), "{}", server.output());
    let (mut answered, mut closing, mut lost) = (0, 0, Vec::new());
    for client in clients {
        let (a, c, l) = client.await.unwrap();
        answered += a;
        closing += c;
        lost.extend(l);
    }
    assert!(
        lost.is_empty(),
        "{} requests got no answer: {lost:?}",
        lost.len()
    );
    assert!(answered > 8, "only {answered} answered");
    assert_eq!(
        closing, 8,
        "every client was told to move on while draining"
    );
}
