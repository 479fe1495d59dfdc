//! The deployment files agree with the service: every metric the Grafana dashboard and the
//! alert rules use is one a running instance exports, and the probe paths and ports in the
//! Kubernetes, ECS and Docker files are the service's. (`scripts/validate-deploy.sh` checks the
//! files' syntax and schemas.)

mod common;

use std::collections::BTreeSet;

use common::spawn_app_with;
use serde_json::{Value, json};

const DASHBOARD: &str = include_str!("../deploy/grafana/glidepath.json");
const ALERTS: &str = include_str!("../deploy/prometheus/alerts.yml");
const DEPLOYMENT: &str = include_str!("../deploy/k8s/base/deployment.yaml");
const ECS: &str = include_str!("../deploy/ecs/glidepath.yaml");
const DOCKERFILE: &str = include_str!("../Dockerfile");

/// PromQL words that are not metric names.
const PROMQL: &[&str] = &[
    "by",
    "without",
    "on",
    "ignoring",
    "group_left",
    "group_right",
    "bool",
    "and",
    "or",
    "unless",
    "offset",
    "le",
    "inf",
    "nan",
];

/// The metric names an expression reads: identifiers outside label matchers, grouping
/// clauses and strings that are not function calls or PromQL keywords.
fn metric_names(expr: &str) -> BTreeSet<String> {
    let mut cleaned = String::new();
    let mut depth_brace = 0;
    let mut in_string = false;
    for c in expr.chars() {
        match c {
            '"' => in_string = !in_string,
            _ if in_string => {}
            '{' => depth_brace += 1,
            '}' => depth_brace -= 1,
            _ if depth_brace > 0 => {}
            '[' => cleaned.push_str(" ["),
            c => cleaned.push(c),
        }
    }
    // Drop `by (…)` and `without (…)` label lists.
    for keyword in ["by", "without"] {
        while let Some(at) = find_word(&cleaned, keyword) {
            let rest = &cleaned[at + keyword.len()..];
            let open = rest.find('(').map(|i| at + keyword.len() + i);
            let close = open.and_then(|o| cleaned[o..].find(')').map(|i| o + i));
            match (open, close) {
                (Some(_), Some(close)) => cleaned.replace_range(at..=close, " "),
                _ => break,
            }
        }
    }
    let mut names = BTreeSet::new();
    let chars: Vec<char> = cleaned.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '_' | ':'))
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            let before = chars[..start].iter().rev().find(|c| !c.is_whitespace());
            let after = chars[i..].iter().find(|c| !c.is_whitespace());
            let is_call = after == Some(&'(');
            let is_duration = before.is_some_and(|c| c.is_ascii_digit());
            if !is_call && !is_duration && !PROMQL.contains(&word.as_str()) {
                names.insert(word);
            }
        } else if c.is_ascii_digit() {
            // A number or a duration (5m, 1e-9): skip it whole.
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || matches!(chars[i], '.' | '-'))
            {
                i += 1;
            }
        } else {
            i += 1;
        }
    }
    names
}

fn find_word(text: &str, word: &str) -> Option<usize> {
    text.match_indices(word).map(|(i, _)| i).find(|&i| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
            && !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

fn dashboard_exprs() -> Vec<String> {
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, v) in map {
                    match (key.as_str(), v) {
                        ("expr", Value::String(expr)) => out.push(expr.clone()),
                        ("query", Value::String(q)) | ("definition", Value::String(q)) => {
                            // label_values(metric, label)
                            if let Some(inner) = q.strip_prefix("label_values(") {
                                out.push(inner.split(',').next().unwrap_or_default().to_string());
                            }
                        }
                        _ => walk(v, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let dashboard: Value = serde_json::from_str(DASHBOARD).expect("the dashboard is JSON");
    let mut out = Vec::new();
    walk(&dashboard, &mut out);
    out
}

fn alert_exprs() -> Vec<String> {
    ALERTS
        .lines()
        .filter_map(|line| line.trim().strip_prefix("expr:"))
        .map(|expr| expr.trim().to_string())
        .collect()
}

#[test]
fn metric_names_are_read_from_promql() {
    let names = metric_names(
        r#"histogram_quantile(0.95, sum by (le) (rate(http_request_duration_seconds_bucket{route="/x"}[5m]))) > 2 and on() max by (dependency) (circuit_breaker_open) == 1e-9"#,
    );
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "circuit_breaker_open",
            "http_request_duration_seconds_bucket"
        ]
    );
}

#[tokio::test]
async fn dashboards_and_alerts_use_only_exported_metrics() {
    let app = spawn_app_with(|vars| {
        vars.insert("APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE".into(), "5".into());
        vars.insert("APP__SIMULATION__TIMEOUT_MS".into(), "60000".into());
    })
    .await;
    app.wait_started().await;
    // Exercise what registers the labelled series: a simulation, its PDF, readiness, and a
    // request over the rate limit.
    let plan = json!({"current_age": 60, "end_age": 90, "portfolio": {"balance": 800000},
                      "spending": {"annual": 36000}, "simulation": {"scenarios": 100}});
    let created: Value = app
        .client
        .post(app.url("/api/v1/simulations"))
        .json(&plan)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["id"].as_str().expect("created");
    let pdf = app.get(&format!("/s/{id}/report.pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(app.get("/ready").await.status(), 200);
    let mut limited = false;
    for _ in 0..10 {
        if app.get("/api/v1/assumptions").await.status() == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "the rate limit never answered 429");

    let text = app.get("/metrics").await.text().await.unwrap();
    let mut exported = BTreeSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let mut parts = rest.split_whitespace();
            let (Some(name), Some(kind)) = (parts.next(), parts.next()) else {
                continue;
            };
            exported.insert(name.to_string());
            if kind == "histogram" || kind == "summary" {
                for suffix in ["_bucket", "_sum", "_count"] {
                    exported.insert(format!("{name}{suffix}"));
                }
            }
        }
    }
    let mut used = BTreeSet::new();
    for expr in dashboard_exprs().iter().chain(&alert_exprs()) {
        used.extend(metric_names(expr));
    }
    assert!(used.len() >= 12, "only {used:?} found in the files");
    let unknown: Vec<&String> = used.difference(&exported).collect();
    assert!(
        unknown.is_empty(),
        "the dashboard or alerts use metrics the service does not export: {unknown:?}\nexported: {exported:?}"
    );
    app.shutdown().await.unwrap();
}

#[tokio::test]
async fn probe_paths_and_ports_in_the_manifests_are_the_services() {
    let app = spawn_app_with(|_| {}).await;
    app.wait_started().await;
    let port = glidepath::config::Settings::load(&Default::default())
        .expect("default settings")
        .server
        .port;
    assert_eq!(port, 8080);
    assert!(DEPLOYMENT.contains(&format!("containerPort: {port}")));
    assert!(DOCKERFILE.contains(&format!("EXPOSE {port}")));
    assert!(ECS.contains(&format!("ContainerPort: {port}")));
    for path in ["/startup", "/ready", "/health"] {
        assert!(
            DEPLOYMENT.contains(&format!("path: {path}")),
            "{path} is not probed"
        );
        assert_eq!(app.get(path).await.status(), 200, "{path}");
    }
    assert!(ECS.contains("HealthCheckPath: /health"));
    assert!(DOCKERFILE.contains(r#"CMD ["/usr/local/bin/glidepath", "healthcheck"]"#));
    // The memory alert's limit is the container's.
    assert!(DEPLOYMENT.contains("memory: 1Gi"));
    assert!(ALERTS.contains("0.8 * 1073741824"));
    // The preStop sleep matches the drain delay, inside the grace period.
    let settings = glidepath::config::Settings::load(
        &[("APP_ENV".to_string(), "production".to_string())]
            .into_iter()
            .chain([(
                "DATABASE_URL".to_string(),
                "postgres://u@db/glidepath".to_string(),
            )])
            .collect(),
    )
    .expect("production settings");
    let drain = settings.server.drain_delay_ms / 1000;
    assert!(DEPLOYMENT.contains(&format!("seconds: {drain}")));
    assert!(DEPLOYMENT.contains("terminationGracePeriodSeconds: 45"));
    assert!(45 >= drain + settings.server.shutdown_timeout_seconds);
    app.shutdown().await.unwrap();
}
