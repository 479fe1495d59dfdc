//! JSON API v1 through a real server: the contract of `docs/api.md`, validation, caching
//! (single flight, L1, a real Redis as L2 shared by two instances, Redis dying), admission
//! control, storage on SQLite and PostgreSQL, and the database being down.

use crate::support as common;

use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{
    CLOSED_PORT, PgDatabase, TcpProxy, TestApp, header, plans, redis_keys, redis_url,
    spawn_app_with, started_app, started_app_with, unique_prefix,
};
use serde_json::{Value, json};
use sqlx::Row;

const SIMULATIONS: &str = "/api/v1/simulations";

/// A plan no other test (or earlier run) has asked for, so it misses every cache.
fn unique_plan() -> Value {
    let mut plan = plans::household(40_000.0);
    plan["simulation"]["seed"] = json!(rand::random_range(1..1u64 << 52));
    plan
}

async fn created(app: &TestApp, body: &Value) -> (String, Value) {
    let response = app.post_plan(body).await;
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    let cache = header(&response, "x-cache").to_string();
    (cache, response.json().await.unwrap())
}

#[tokio::test]
async fn a_created_simulation_has_a_permalink_a_validator_and_resolves_to_the_same_body() {
    let app = started_app().await;
    let response = app.post_plan(&plans::household(40_000.0)).await;
    assert_eq!(response.status(), 201);
    assert_eq!(header(&response, "content-type"), "application/json");
    assert_eq!(header(&response, "cache-control"), "no-store");
    let location = header(&response, "location").to_string();
    let etag = header(&response, "etag").to_string();
    assert!(etag.starts_with("W/\""), "{etag}");
    let body: Value = response.json().await.unwrap();

    let id = body["id"].as_str().unwrap();
    assert_eq!(id.len(), 32);
    assert!(
        id.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
    assert_eq!(location, format!("{SIMULATIONS}/{id}"));
    chrono::DateTime::parse_from_rfc3339(body["created_at"].as_str().unwrap()).unwrap();
    assert_eq!(body["engine_version"], glidepath::engine::ENGINE_VERSION);
    assert_eq!(body["seed"], 42);
    assert_eq!(body["scenarios"], 500);
    assert_eq!(body["years"], 35);
    // The body's shape and numbers are pinned by `contract`; here, what HTTP adds.
    assert!(body["elapsed_ms"].as_f64().unwrap() > 0.0);

    let fetched = app.get(&location).await;
    assert_eq!(fetched.status(), 200);
    assert_eq!(header(&fetched, "etag"), etag);
    let fetched: Value = fetched.json().await.unwrap();
    assert_eq!(fetched, body);
}

#[tokio::test]
async fn an_invalid_plan_lists_every_bad_field_and_stores_nothing() {
    let app = started_app().await;
    let bad = json!({
        "current_age": 70, "end_age": 65,
        "portfolio": { "balance": 5 },
        "allocation": { "stocks": 0.9, "bonds": 0.4 },
        "spending": { "annual": -1 },
        "simulation": { "scenarios": 5 }
    });
    let response = app.post_plan(&bad).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "validation_failed");
    let paths: HashSet<&str> = body["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    for path in [
        "end_age",
        "portfolio.balance",
        "allocation",
        "spending.annual",
        "simulation.scenarios",
    ] {
        assert!(
            paths.iter().any(|p| p.starts_with(path)),
            "{path} missing from {paths:?}"
        );
    }
    assert!(body["error"]["request_id"].is_string());

    // A typo is named by its path; a syntax error is a 400 pointing at the body.
    let typo = app
        .post_plan(&json!({"current_age": 60, "end_age": 90, "spending": {"anual": 1}}))
        .await;
    assert_eq!(typo.status(), 422);
    let typo: Value = typo.json().await.unwrap();
    assert_eq!(typo["error"]["fields"][0]["path"], "spending.anual");
    let syntax = app
        .client
        .post(app.url(SIMULATIONS))
        .header("content-type", "application/json")
        .body("{\"current_age\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(syntax.status(), 400);
    let syntax: Value = syntax.json().await.unwrap();
    assert_eq!(syntax["error"]["code"], "malformed_request");
    assert_eq!(syntax["error"]["fields"][0]["path"], "body");
    let text = app
        .client
        .post(app.url(SIMULATIONS))
        .header("content-type", "text/plain")
        .body(plans::household(40_000.0).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(text.status(), 415);

    let rows = app.simulations_stored().await;
    assert_eq!(rows, 0);
    assert_eq!(app.state.simulations.engine_runs(), 0);
}

#[tokio::test]
async fn concurrent_identical_requests_run_the_engine_once() {
    let app = started_app().await;
    let body = unique_plan();
    let requests = (0..16).map(|_| app.post_plan(&body));
    let responses = futures_util::future::join_all(requests).await;
    let mut ids = HashSet::new();
    let mut misses = 0;
    for response in responses {
        assert_eq!(response.status(), 201);
        misses += usize::from(header(&response, "x-cache") == "miss");
        let body: Value = response.json().await.unwrap();
        ids.insert(body["id"].as_str().unwrap().to_string());
    }
    assert_eq!(app.state.simulations.engine_runs(), 1);
    assert_eq!(misses, 1);
    assert_eq!(ids.len(), 16, "every request gets its own id");
}

/// The number `sql` (a `COUNT(*) AS n` query) reads in the app's database.
async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query(sql)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap()
        .try_get("n")
        .unwrap()
}

/// Rows in `simulations` and audit entries of any action.
async fn stored_and_audited(app: &TestApp) -> (i64, i64) {
    (
        app.simulations_stored().await,
        count(app, "SELECT COUNT(*) AS n FROM audit_log").await,
    )
}

#[tokio::test]
async fn a_preview_stores_nothing_is_rate_limited_and_warms_the_cache() {
    let app = started_app_with(|vars| {
        vars.insert("APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE".into(), "3".into());
    })
    .await;
    let plan = unique_plan();
    let response = app.post_json("/api/v1/previews", &plan).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-cache"), "miss");
    assert_eq!(header(&response, "cache-control"), "no-store");
    assert_eq!(header(&response, "ratelimit-remaining"), "2");
    assert!(response.headers().get("location").is_none());
    let preview: Value = response.json().await.unwrap();
    assert!(preview.get("id").is_none() && preview.get("created_at").is_none());
    assert_eq!(preview["plan"]["current_age"], plan["current_age"]);
    assert!(preview["success_probability"].is_number());
    // A bad plan is the same coded 422, listing every field.
    let bad = app
        .post_json(
            "/api/v1/previews",
            &json!({"current_age": 70, "end_age": 60, "spending": {"annual": -1}}),
        )
        .await;
    assert_eq!(bad.status(), 422);
    let bad: Value = bad.json().await.unwrap();
    assert_eq!(bad["error"]["code"], "validation_failed");
    assert!(bad["error"]["fields"].as_array().unwrap().len() >= 2);
    // Nothing stored, nothing audited (the server flushes its denial tally on its own).
    assert_eq!(stored_and_audited(&app).await, (0, 0));

    // The same plan run for real is answered from the cache and is the preview plus an id.
    let (cache, created) = created(&app, &plan).await;
    assert_eq!(cache, "hit-l1");
    assert_eq!(app.state.simulations.engine_runs(), 1);
    let mut without_id = created.clone();
    let object = without_id.as_object_mut().unwrap();
    object.remove("id");
    object.remove("created_at");
    assert_eq!(without_id, preview);
    assert_eq!(stored_and_audited(&app).await, (1, 1));
    // The budget is shared with every other route: the fourth request is refused.
    let refused = app.post_json("/api/v1/previews", &plan).await;
    assert_eq!(refused.status(), 429);
    let refused: Value = refused.json().await.unwrap();
    assert_eq!(refused["error"]["code"], "rate_limited");
}

#[tokio::test]
async fn get_answers_304_to_a_matching_if_none_match_and_serves_csv() {
    let app = started_app().await;
    let (_, body) = created(&app, &plans::household(45_000.0)).await;
    let path = format!("{SIMULATIONS}/{}", body["id"].as_str().unwrap());
    let first = app.get(&path).await;
    let etag = header(&first, "etag").to_string();
    assert!(header(&first, "cache-control").contains("immutable"));
    let not_modified = app
        .client
        .get(app.url(&path))
        .header("if-none-match", format!("\"other\", {etag}"))
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), 304);
    assert_eq!(header(&not_modified, "etag"), etag);
    assert!(not_modified.bytes().await.unwrap().is_empty());
    let stale = app
        .client
        .get(app.url(&path))
        .header("if-none-match", "W/\"other\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);

    let csv = app.get(&format!("{path}/percentiles.csv")).await;
    assert_eq!(csv.status(), 200);
    assert_eq!(header(&csv, "content-type"), "text/csv; charset=utf-8");
    assert!(header(&csv, "content-disposition").contains(".csv"));
    let csv_etag = header(&csv, "etag").to_string();
    let text = csv.text().await.unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 1 + 35);
    assert_eq!(rows[0][0..3], ["year", "age", "balance_p5"]);
    assert_eq!(rows[0][16..], ["ran_out_share", "below_floor_share"]);
    // By the last year, the share that ran out is the JSON's `ran_out.probability`.
    let last: f64 = rows[35][16].parse().unwrap();
    let ran_out = body["ran_out"]["probability"].as_f64().unwrap();
    assert!((last - ran_out).abs() <= 0.00005, "{last} vs {ran_out}");
    for (year, row) in rows[1..].iter().enumerate() {
        assert_eq!(row[1], (60 + year).to_string());
        for (column, name) in rows[0].iter().enumerate().take(16).skip(2) {
            let (series, band) = name.split_once('_').unwrap();
            let expected = body[format!("{series}_percentiles")][band][year]
                .as_f64()
                .unwrap();
            let got: f64 = row[column].parse().unwrap();
            assert!(
                (got - expected).abs() <= 0.005 + 1e-9,
                "{name} year {year}: {got} vs {expected}"
            );
        }
    }
    let csv_again = app
        .client
        .get(app.url(&format!("{path}/percentiles.csv")))
        .header("if-none-match", csv_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(csv_again.status(), 304);
}

#[tokio::test]
async fn unknown_ids_are_coded_404s() {
    let app = started_app().await;
    for id in ["0123456789abcdef0123456789abcdef", "nope", "'%20OR%201=1"] {
        for suffix in ["", "/percentiles.csv"] {
            let response = app.get(&format!("{SIMULATIONS}/{id}{suffix}")).await;
            assert_eq!(response.status(), 404, "{id}{suffix}");
            let body: Value = response.json().await.unwrap();
            assert_eq!(body["error"]["code"], "not_found");
        }
    }
}

/// The storage writer hands its connection back, so the pool closes and shutdown ends.
async fn shut_down_promptly(app: TestApp) {
    tokio::time::timeout(Duration::from_secs(10), app.shutdown())
        .await
        .expect("shutdown finished")
        .unwrap();
}

/// Rows in the three tables after two requests for one plan and one for another.
async fn assert_stored_once_per_result(app: &TestApp) {
    let (_, first) = created(app, &plans::household(41_000.0)).await;
    let (cache, second) = created(app, &plans::household(41_000.0)).await;
    assert_eq!(cache, "hit-l1");
    assert_ne!(first["id"], second["id"]);
    created(app, &plans::household(42_000.0)).await;
    let count = |table: &'static str| {
        let sql = match table {
            "results" => "SELECT COUNT(*) AS n FROM results",
            "simulations" => "SELECT COUNT(*) AS n FROM simulations",
            _ => "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'simulation.create'",
        };
        count(app, sql)
    };
    assert_eq!(count("results").await, 2);
    assert_eq!(count("simulations").await, 3);
    assert_eq!(count("audit_log").await, 3);
    // Concurrent requests share transactions (group commit); every one is still stored.
    let bodies: Vec<Value> = (0..20)
        .map(|i| plans::household(43_000.0 + f64::from(i % 2) * 1000.0))
        .collect();
    let responses = futures_util::future::join_all(bodies.iter().map(|b| app.post_plan(b))).await;
    assert!(responses.iter().all(|r| r.status() == 201));
    assert_eq!(count("results").await, 4);
    assert_eq!(count("simulations").await, 23);
    assert_eq!(count("audit_log").await, 23);
    let audit = glidepath::storage::audit::recent(&app.state.db, 1)
        .await
        .unwrap();
    assert_eq!(audit[0].entry.actor, "anonymous");
    assert_eq!(audit[0].entry.outcome, "success");
    assert_eq!(
        audit[0].entry.client_ip_hash.as_ref().map(String::len),
        Some(64)
    );
    assert!(audit[0].entry.request_id.is_some());

    // Served from the database alone once L1 forgets it.
    app.state.simulations.cache().clear_l1();
    let response = app
        .get(&format!("{SIMULATIONS}/{}", first["id"].as_str().unwrap()))
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-cache"), "miss");
    let fetched: Value = response.json().await.unwrap();
    assert_eq!(fetched, first);
}

#[tokio::test]
async fn sqlite_stores_each_result_once_and_a_row_per_request() {
    let app = started_app().await;
    assert_stored_once_per_result(&app).await;
    shut_down_promptly(app).await;
}

#[tokio::test]
async fn postgres_stores_each_result_once_and_a_row_per_request() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let url = db.url.clone();
    let app = started_app_with(|vars| {
        vars.insert("APP__DATABASE__URL".into(), url);
    })
    .await;
    assert_stored_once_per_result(&app).await;
    shut_down_promptly(app).await;
}

/// An app on `db` reached through `proxy`, with its query timeout and breaker window, and
/// the path of one simulation stored before anything goes wrong.
async fn behind_proxy(
    db: &PgDatabase,
    proxy: &TcpProxy,
    query_timeout_ms: u32,
    open_seconds: u32,
) -> (TestApp, String) {
    let url = db.url.replace(":5432/", &format!(":{}/", proxy.port));
    let app = started_app_with(move |vars| {
        vars.insert("APP__DATABASE__URL".into(), url);
        vars.insert(
            "APP__DATABASE__QUERY_TIMEOUT_MS".into(),
            query_timeout_ms.to_string(),
        );
        vars.insert(
            "APP__BREAKER__OPEN_SECONDS".into(),
            open_seconds.to_string(),
        );
    })
    .await;
    let (_, before) = created(&app, &plans::household(40_000.0)).await;
    let path = format!("{SIMULATIONS}/{}", before["id"].as_str().unwrap());
    (app, path)
}

#[tokio::test]
async fn a_database_lost_mid_test_gives_503s_without_ids_and_recovers() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let mut proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let (app, path) = behind_proxy(&db, &proxy, 500, 1).await;

    proxy.stop().await;
    for _ in 0..3 {
        let response = app.post_plan(&plans::household(40_000.0)).await;
        assert_eq!(response.status(), 503);
        assert!(response.headers().contains_key("retry-after"));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "storage_unavailable", "{body}");
        assert!(body.get("id").is_none());
    }
    assert_eq!(app.get(&path).await.status(), 503);

    proxy.restart().await;
    let mut recovered = false;
    for _ in 0..40 {
        if app.post_plan(&plans::household(40_000.0)).await.status() == 201 {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(recovered, "no recovery after the database came back");
    assert_eq!(app.get(&path).await.status(), 200);
    let rows = app.simulations_stored().await;
    assert_eq!(rows, 2, "only the answered requests left rows");
    app.shutdown().await.unwrap();
}

/// A black-holed database (connections kept, nothing forwarded): no request waits longer
/// than the query timeout plus 10%, nothing is stored for the refused, and the service is
/// back within `breaker.open_seconds` of the database's return, through the trial call.
#[tokio::test]
async fn a_black_holed_database_costs_one_timeout_a_request_and_recovers_in_seconds() {
    let Some(db) = PgDatabase::create().await else {
        return;
    };
    let proxy = TcpProxy::start("127.0.0.1:5432".parse().unwrap()).await;
    let (app, path) = behind_proxy(&db, &proxy, 800, 2).await;
    app.state.simulations.cache().clear_l1();

    proxy.black_hole(true);
    let budget = Duration::from_millis(880 + 300); // the timeout plus 10%, plus slack
    // Concurrent writes queue behind each other at the writer: still, no request waits
    // more than one budget.
    for round in 0..3 {
        let tasks: Vec<_> = (0..5)
            .map(|i| {
                let client = app.client.clone();
                let plan = (i < 4).then(unique_plan);
                let url = app.url(if plan.is_some() { SIMULATIONS } else { &path });
                tokio::spawn(async move {
                    let started = std::time::Instant::now();
                    let response = match plan {
                        Some(plan) => client.post(url).json(&plan).send().await,
                        None => client.get(url).send().await,
                    }
                    .unwrap();
                    let status = response.status();
                    let body: Value = response.json().await.unwrap();
                    (status, body, started.elapsed())
                })
            })
            .collect();
        for task in tasks {
            let (status, body, waited) = task.await.unwrap();
            assert_eq!(status, 503, "round {round}: {body}");
            assert!(waited <= budget, "round {round}: waited {waited:?}");
            assert_eq!(body["error"]["code"], "storage_unavailable", "{body}");
        }
    }

    proxy.black_hole(false);
    let back = std::time::Instant::now();
    let mut recovered = None;
    while back.elapsed() < Duration::from_secs(10) {
        if app.post_plan(&unique_plan()).await.status() == 201 {
            recovered = Some(back.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let recovered = recovered.expect("no recovery within 10 s of the database's return");
    // The open window (2 s here) plus one query timeout for a stale connection.
    assert!(
        recovered <= Duration::from_secs(4),
        "recovered after {recovered:?}"
    );
    assert_eq!(app.get(&path).await.status(), 200);
    assert_eq!(app.get("/ready").await.status(), 200);
    // Counted on the database itself: the app's pool may still hold a broken connection.
    let mut direct = <sqlx::PgConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM simulations")
        .fetch_one(&mut direct)
        .await
        .unwrap();
    assert_eq!(rows, 2, "only the answered requests left rows");
    app.shutdown().await.unwrap();
}

#[tokio::test]
async fn with_the_database_down_a_post_is_503_storage_unavailable_and_hands_out_no_id() {
    let app = spawn_app_with(common::database_down).await;
    let response = app.post_plan(&plans::household(40_000.0)).await;
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "storage_unavailable");
    assert!(body.get("id").is_none() && body["error"].get("id").is_none());
    assert!(!body.to_string().contains("127.0.0.1"), "{body}");
}

async fn redis_app(url: &str, prefix: &str) -> TestApp {
    let (url, prefix) = (url.to_string(), prefix.to_string());
    started_app_with(move |vars| {
        vars.insert("APP__REDIS__ENABLED".into(), "true".into());
        vars.insert("APP__REDIS__URL".into(), url);
        vars.insert("APP__REDIS__KEY_PREFIX".into(), prefix);
    })
    .await
}

#[tokio::test]
async fn two_instances_share_results_through_one_redis() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix();
    let first = redis_app(url, &prefix).await;
    let second = redis_app(url, &prefix).await;
    let body = unique_plan();
    let (cache, computed) = created(&first, &body).await;
    assert_eq!(cache, "miss");
    let (cache, shared) = created(&second, &body).await;
    assert_eq!(cache, "hit-l2");
    assert_eq!(second.state.simulations.engine_runs(), 0);
    assert_eq!(
        shared["success_probability"],
        computed["success_probability"]
    );
    assert_eq!(
        shared["balance_percentiles"],
        computed["balance_percentiles"]
    );
    // The second instance stored the result in its own database: its id resolves there.
    second.state.simulations.cache().clear_l1();
    let path = format!("{SIMULATIONS}/{}", shared["id"].as_str().unwrap());
    let response = second.get(&path).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "x-cache"), "hit-l2");
    let key = format!("{prefix}v1:result:");
    let keys: Vec<String> = redis_keys(url, &format!("{key}*")).await;
    assert_eq!(keys.len(), 1, "{keys:?}");
}

#[tokio::test]
async fn a_dead_redis_costs_nothing_but_l2() {
    let app = redis_app(
        &format!("redis://127.0.0.1:{CLOSED_PORT}"),
        &unique_prefix(),
    )
    .await;
    let body = unique_plan();
    for expected in ["miss", "hit-l1", "hit-l1"] {
        let (cache, _) = created(&app, &body).await;
        assert_eq!(cache, expected);
    }
    let ready = app.get("/ready").await;
    assert_eq!(ready.status(), 200);
    assert_eq!(ready.json::<Value>().await.unwrap()["status"], "degraded");
}

/// A private redis-server on a free port, killed when dropped.
struct OwnRedis {
    child: Child,
    url: String,
}

impl OwnRedis {
    async fn start() -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn();
        let child = match child {
            Ok(child) => child,
            Err(err) if common::in_ci() => panic!("redis-server is required under CI: {err}"),
            Err(err) => {
                eprintln!("\n*** SKIPPED: cannot start redis-server ({err}) ***\n");
                return None;
            }
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Some(Self {
                    child,
                    url: format!("redis://127.0.0.1:{port}"),
                });
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("redis-server did not start on port {port}");
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for OwnRedis {
    fn drop(&mut self) {
        self.stop();
    }
}

#[tokio::test]
async fn redis_stopped_mid_test_is_served_around() {
    let Some(mut redis) = OwnRedis::start().await else {
        return;
    };
    let app = redis_app(&redis.url, &unique_prefix()).await;
    let first = unique_plan();
    assert_eq!(created(&app, &first).await.0, "miss");
    app.state.simulations.cache().clear_l1();
    assert_eq!(created(&app, &first).await.0, "hit-l2");

    redis.stop();
    // L1 still answers, and new plans are computed, without a single error to the client.
    assert_eq!(created(&app, &first).await.0, "hit-l1");
    for _ in 0..8 {
        assert_eq!(created(&app, &unique_plan()).await.0, "miss");
    }
    app.state.simulations.cache().clear_l1();
    assert_eq!(created(&app, &first).await.0, "miss");
    // By now the circuit is open: lookups are skipped, not failed.
    let metrics = app.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"cache_requests_total{tier="l2",result="skipped"}"#),
        "{metrics}"
    );
}

#[tokio::test]
async fn a_full_queue_answers_503_overloaded_and_a_slow_run_504() {
    let app = started_app_with(|vars| {
        vars.insert("APP__SIMULATION__WORKERS".into(), "1".into());
        vars.insert("APP__SIMULATION__QUEUE_DEPTH".into(), "0".into());
        vars.insert("APP__SIMULATION__QUEUE_WAIT_MS".into(), "0".into());
        vars.insert("APP__SIMULATION__MAX_SCENARIOS".into(), "10000".into());
    })
    .await;
    let mut slow = plans::household(40_000.0);
    slow["current_age"] = json!(20);
    slow["end_age"] = json!(120);
    slow["simulation"] = json!({ "scenarios": 10_000, "seed": rand::random_range(1..1u64 << 52) });
    let running = tokio::spawn({
        let client = app.client.clone();
        let url = app.url(SIMULATIONS);
        let slow = slow.clone();
        async move { client.post(url).json(&slow).send().await.unwrap().status() }
    });
    while app.state.simulations.admission().idle_threads() > 0 {
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let refused = app.post_plan(&unique_plan()).await;
    // Refused before the body is read: even a body that is not JSON gets the 503.
    let unread = app
        .client
        .post(app.url(SIMULATIONS))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let still_running = app.state.simulations.admission().idle_threads() == 0;
    if still_running {
        assert_eq!(refused.status(), 503);
        assert_eq!(header(&refused, "retry-after"), "1");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["error"]["code"], "overloaded");
        assert_eq!(
            unread.status(),
            503,
            "the body was parsed while the queue was full"
        );
    } else {
        eprintln!("the slow simulation finished before the second request; overload not observed");
    }
    assert_eq!(running.await.unwrap(), 201);

    let strict = started_app_with(|vars| {
        vars.insert("APP__SIMULATION__TIMEOUT_MS".into(), "1".into());
        vars.insert("APP__SIMULATION__MAX_SCENARIOS".into(), "10000".into());
    })
    .await;
    let response = strict.post_plan(&slow).await;
    assert_eq!(response.status(), 504);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["error"]["code"], "timeout");
}

#[tokio::test]
async fn history_models_run_through_the_api() {
    let app = started_app().await;
    let mut historical = plans::household(40_000.0);
    historical["market"] = json!({"model": "historical"});
    let (_, body) = created(&app, &historical).await;
    assert_eq!(body["plan"]["market"]["model"], "historical");
    assert_eq!(body["plan"]["market"]["wrap_around"], false);
    let periods = body["historical"]["periods"].as_array().unwrap();
    assert_eq!(periods.len() as u64, body["scenarios"].as_u64().unwrap());
    assert_eq!(periods.len(), 152 - 35 + 1);
    assert_eq!(periods[0]["start_year"], 1871);
    assert_eq!(periods[0]["balance"].as_array().unwrap().len(), 35);
    assert!(body["historical"]["worst"].as_array().unwrap().len() <= 10);

    let mut bootstrap = plans::household(40_000.0);
    bootstrap["market"] = json!({"model": "bootstrap", "block_years": 5});
    let (_, body) = created(&app, &bootstrap).await;
    assert_eq!(body["plan"]["market"]["block_years"], 5);
    assert!(body.get("historical").is_none());

    let mut wrong = plans::household(40_000.0);
    wrong["market"] = json!({"model": "lognormal", "block_years": 5});
    let response = app.post_plan(&wrong).await;
    assert_eq!(response.status(), 422);

    let sets: Value = app.get("/api/v1/assumptions").await.json().await.unwrap();
    let names: Vec<&str> = sets["sets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["defaults", "us_history"]);
    assert_eq!(sets["sets"][0]["stocks"]["mean"], 0.09);
    let fitted = sets["sets"][1]["stocks"]["mean"].as_f64().unwrap();
    assert!((fitted - 0.1066).abs() < 0.001, "{fitted}");
    // A fitted set drops straight into a plan's market.
    let mut fitted_plan = plans::household(40_000.0);
    let set = &sets["sets"][1];
    fitted_plan["market"] = json!({
        "stocks": set["stocks"], "bonds": set["bonds"], "cash": set["cash"],
        "inflation": set["inflation"], "correlations": set["correlations"]
    });
    created(&app, &fitted_plan).await;
}

#[tokio::test]
async fn the_served_openapi_document_is_the_committed_one() {
    let app = started_app().await;
    let response = app.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), 200);
    let served = response.text().await.unwrap();
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/openapi.json");
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(committed_path, &served).unwrap();
    }
    let committed = std::fs::read_to_string(committed_path).unwrap();
    assert!(
        served == committed,
        "docs/openapi.json is stale: run `UPDATE_OPENAPI=1 cargo test --test http openapi` \
         or `cargo run -- openapi > docs/openapi.json`"
    );
    let doc: Value = serde_json::from_str(&served).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    for path in [
        "/api/v1/simulations",
        "/api/v1/simulations/{id}",
        "/api/v1/simulations/{id}/percentiles.csv",
        "/api/v1/assumptions",
        "/api/v1/openapi.json",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} undocumented");
    }
}
