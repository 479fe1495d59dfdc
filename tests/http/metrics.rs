//! `/metrics`: Prometheus text with route-template labels, process metrics and build info.

use crate::support as common;

use common::spawn_app;

#[tokio::test]
async fn metrics_expose_http_process_and_build_series() {
    let app = spawn_app().await;
    app.wait_started().await;
    app.get("/health").await;
    app.get("/api/v1/simulations/3f2a9c").await;
    app.get("/no/such/page/3f2a9c").await;
    let plan = serde_json::json!({"current_age": 65, "end_age": 90,
        "portfolio": {"balance": 800000}, "spending": {"annual": 30000},
        "simulation": {"scenarios": 100, "seed": 5}});
    let created = app
        .client
        .post(app.url("/api/v1/simulations"))
        .json(&plan)
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);

    let response = app.get("/metrics").await;

    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4"),
    );
    let text = response.text().await.unwrap();
    let expected = [
        r#"http_requests_total{method="GET",route="/health",status="200"}"#,
        r#"http_requests_total{method="GET",route="unmatched",status="404"}"#,
        r#"http_requests_total{method="GET",route="/api/v1/simulations/{id}",status="404"}"#,
        r#"simulations_total{outcome="completed"}"#,
        "simulation_duration_seconds_bucket{",
        "simulation_paths_total ",
        "simulations_in_flight ",
        "simulation_queue_depth ",
        r#"cache_requests_total{tier="l1",result="miss"}"#,
        r#"http_request_duration_seconds_bucket{method="GET",route="/health",status="200",le="0.001"}"#,
        "# TYPE http_request_duration_seconds histogram",
        "# HELP http_requests_total ",
        "process_resident_memory_bytes ",
        "process_open_fds ",
        "process_cpu_seconds_total ",
        concat!(
            r#"build_info{version=""#,
            env!("CARGO_PKG_VERSION"),
            r#"",commit=""#
        ),
    ];
    for series in expected {
        assert!(text.contains(series), "missing {series} in:\n{text}");
    }
    assert!(
        !text.contains("3f2a9c"),
        "raw paths must never become labels"
    );
}

/// Made-up method names, even ones the rate limit refuses, all count as `other`: a flood of
/// them adds no series.
#[tokio::test]
async fn invented_methods_do_not_grow_the_series() {
    let app = spawn_app().await;
    app.wait_started().await;
    let series = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with("http_request") && l.contains("method=\"other\""))
            .count()
    };
    let send = |i: usize| {
        let method = reqwest::Method::from_bytes(format!("X{i}").as_bytes()).unwrap();
        app.client.request(method, app.url("/health")).send()
    };
    send(0).await.unwrap();
    send(1).await.unwrap();
    let before = series(&app.get("/metrics").await.text().await.unwrap());
    assert!(before > 0, "an invented method is counted as `other`");
    for i in 2..200 {
        send(i).await.unwrap();
    }
    let text = app.get("/metrics").await.text().await.unwrap();
    assert_eq!(series(&text), before, "the series grew");
    assert!(
        !text.lines().any(|l| l.contains("method=\"X")),
        "an invented method became a label"
    );
}
