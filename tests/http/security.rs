//! Rate limits, API keys and private history, through real servers (and a real Redis).

use crate::support as common;

use common::{
    CLOSED_PORT, TestApp, header, redis_keys, redis_url, started_app_with, unique_prefix,
};
use glidepath::storage::{api_keys, audit};
use serde_json::{Value, json};

/// `n` requests pass, each saying what is left, and the next is a coded 429.
async fn assert_exactly(app: &TestApp, n: u32, headers: &[(&str, &str)]) {
    for i in 0..n {
        let response = app.get_with("/api/v1/assumptions", headers).await;
        assert_eq!(response.status(), 200, "request {}", i + 1);
        assert_eq!(header(&response, "ratelimit-limit"), n.to_string());
        assert_eq!(
            header(&response, "ratelimit-remaining"),
            (n - i - 1).to_string()
        );
    }
    let refused = app.get_with("/api/v1/assumptions", headers).await;
    assert_eq!(refused.status(), 429);
    assert!(header(&refused, "retry-after").parse::<u64>().unwrap() >= 1);
    assert_eq!(header(&refused, "ratelimit-remaining"), "0");
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"]["code"], "rate_limited");
}

async fn key(app: &TestApp, tier: &str) -> (String, String) {
    let (key, secret) = api_keys::create(&app.state.db, "test", tier).await.unwrap();
    (key.id, secret)
}

#[tokio::test]
async fn anonymous_callers_get_exactly_their_budget_and_probes_are_exempt() {
    let app = started_app_with(|vars| {
        vars.insert("APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE".into(), "5".into());
    })
    .await;
    assert_exactly(&app, 5, &[]).await;
    for path in ["/health", "/ready", "/startup", "/metrics"] {
        let response = app.get_with(path, &[]).await;
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            !response.headers().contains_key("ratelimit-limit"),
            "{path}"
        );
    }
    // The denial is tallied into the audit log, not written per request.
    app.get_with("/api/v1/assumptions", &[]).await;
    app.state.denials.flush().await;
    let entries = audit::recent(&app.state.db, 10).await.unwrap();
    let denied = entries
        .iter()
        .find(|e| e.entry.action == "rate_limit.denied")
        .expect("a tally entry");
    assert_eq!(denied.entry.target.as_deref(), Some("2 requests"));
    assert_eq!(denied.entry.outcome, "denied");
}

#[tokio::test]
async fn a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing() {
    let app = started_app_with(|vars| {
        vars.insert("APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE".into(), "2".into());
    })
    .await;
    for (i, spoof) in ["1.1.1.1", "2.2.2.2", "3.3.3.3"].into_iter().enumerate() {
        let response = app
            .get_with("/api/v1/assumptions", &[("x-forwarded-for", spoof)])
            .await;
        assert_eq!(response.status(), if i < 2 { 200 } else { 429 }, "{spoof}");
    }

    // Behind a trusted proxy, each forwarded client has its own budget.
    let proxied = app_behind_proxy().await;
    for client in ["198.51.100.1", "198.51.100.2"] {
        for _ in 0..2 {
            let ok = proxied
                .get_with("/api/v1/assumptions", &[("x-forwarded-for", client)])
                .await;
            assert_eq!(ok.status(), 200, "{client}");
        }
    }
    let over = proxied
        .get_with(
            "/api/v1/assumptions",
            &[("x-forwarded-for", "198.51.100.1")],
        )
        .await;
    assert_eq!(over.status(), 429);
}

async fn app_behind_proxy() -> TestApp {
    started_app_with(|vars| {
        vars.insert("APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE".into(), "2".into());
        vars.insert(
            "APP__RATE_LIMIT__TRUSTED_PROXIES".into(),
            "127.0.0.1/32".into(),
        );
    })
    .await
}

#[tokio::test]
async fn api_keys_get_their_tiers_budget_and_bad_keys_a_coded_401() {
    let app = started_app_with(|vars| {
        vars.insert("APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE".into(), "100".into());
        vars.insert("APP__RATE_LIMIT__TIERS__TINY".into(), "3".into());
    })
    .await;
    let (id, secret) = key(&app, "tiny").await;
    let bearer = format!("Bearer {secret}");
    assert_exactly(&app, 3, &[("authorization", &bearer)]).await;
    // The anonymous budget is separate.
    assert_eq!(app.get_with("/api/v1/assumptions", &[]).await.status(), 200);

    let unknown = format!("Bearer gpk_{}", "0".repeat(64));
    let bad_headers: [&[u8]; 6] = [
        b"Basic dXNlcjpwYXNz",
        b"Bearer",
        b"Bearer gpk_short",
        b"bearer  ",
        unknown.as_bytes(),
        b"Bearer gpk_\xff\xfe",
    ];
    for bad in bad_headers {
        let response = app
            .client
            .get(app.url("/api/v1/assumptions"))
            .header(
                "authorization",
                reqwest::header::HeaderValue::from_bytes(bad).unwrap(),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{:?}", String::from_utf8_lossy(bad));
        assert!(header(&response, "www-authenticate").starts_with("Bearer"));
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["error"]["code"], "unauthorized");
        assert!(!body.to_string().contains("gpk_0000"), "{body}");
    }
    assert!(api_keys::revoke(&app.state.db, &id).await.unwrap());
    let revoked = app
        .get_with("/api/v1/assumptions", &[("authorization", &bearer)])
        .await;
    assert_eq!(revoked.status(), 401);
}

#[tokio::test]
async fn simulations_made_with_a_key_are_private_to_it_and_listed_in_pages() {
    let app = started_app_with(|_| {}).await;
    let (_, mine) = key(&app, "free").await;
    let (_, theirs) = key(&app, "free").await;
    let (mine, theirs) = (format!("Bearer {mine}"), format!("Bearer {theirs}"));
    let plan = |spending: u32| {
        json!({"current_age": 65, "end_age": 90, "portfolio": {"balance": 900_000},
               "spending": {"annual": spending}, "simulation": {"scenarios": 100}})
    };
    let post = |body: Value, auth: Option<String>| {
        let mut request = app.client.post(app.url("/api/v1/simulations")).json(&body);
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 201);
            response.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        }
    };
    let mut ids = Vec::new();
    for spending in [30_000, 31_000, 32_000] {
        ids.push(post(plan(spending), Some(mine.clone())).await);
    }
    let public = post(plan(33_000), None).await;

    let path = format!("/api/v1/simulations/{}", ids[0]);
    assert_eq!(
        app.get_with(&path, &[("authorization", &mine)])
            .await
            .status(),
        200
    );
    assert_eq!(
        app.get_with(&path, &[("authorization", &theirs)])
            .await
            .status(),
        404
    );
    assert_eq!(app.get_with(&path, &[]).await.status(), 404);
    assert_eq!(
        app.get_with(&format!("{path}/percentiles.csv"), &[])
            .await
            .status(),
        404
    );
    let public_path = format!("/api/v1/simulations/{public}");
    assert_eq!(
        app.get_with(&public_path, &[("authorization", &theirs)])
            .await
            .status(),
        200
    );
    assert_eq!(app.get_with(&public_path, &[]).await.status(), 200);

    let page: Value = app
        .get_with("/api/v1/simulations?limit=2", &[("authorization", &mine)])
        .await
        .json()
        .await
        .unwrap();
    let listed: Vec<&str> = page["simulations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["id"].as_str().unwrap())
        .collect();
    assert_eq!(listed, [ids[2].as_str(), ids[1].as_str()], "newest first");
    let cursor = page["next_cursor"].as_str().unwrap();
    let rest: Value = app
        .get_with(
            &format!("/api/v1/simulations?limit=2&cursor={cursor}"),
            &[("authorization", &mine)],
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rest["simulations"][0]["id"], ids[0].as_str());
    assert_eq!(rest["simulations"].as_array().unwrap().len(), 1);
    assert!(rest["next_cursor"].is_null());

    let theirs_page: Value = app
        .get_with("/api/v1/simulations", &[("authorization", &theirs)])
        .await
        .json()
        .await
        .unwrap();
    assert!(theirs_page["simulations"].as_array().unwrap().is_empty());
    assert_eq!(app.get_with("/api/v1/simulations", &[]).await.status(), 401);
    let bad = app
        .get_with(
            "/api/v1/simulations?cursor=zz&limit=500",
            &[("authorization", &mine)],
        )
        .await;
    assert_eq!(bad.status(), 422);
}

async fn redis_app(url: &str, prefix: &str, per_minute: u32) -> TestApp {
    let (url, prefix) = (url.to_string(), prefix.to_string());
    started_app_with(move |vars| {
        vars.insert("APP__REDIS__ENABLED".into(), "true".into());
        vars.insert("APP__REDIS__URL".into(), url);
        vars.insert("APP__REDIS__KEY_PREFIX".into(), prefix);
        vars.insert(
            "APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE".into(),
            per_minute.to_string(),
        );
    })
    .await
}

#[tokio::test]
async fn two_instances_on_one_redis_share_one_budget() {
    let Some(url) = redis_url() else { return };
    let prefix = unique_prefix();
    let first = redis_app(url, &prefix, 4).await;
    let second = redis_app(url, &prefix, 4).await;
    let mut remaining = Vec::new();
    for app in [&first, &second, &first, &second] {
        let response = app.get_with("/api/v1/assumptions", &[]).await;
        assert_eq!(response.status(), 200);
        remaining.push(header(&response, "ratelimit-remaining"));
    }
    assert_eq!(remaining, ["3", "2", "1", "0"]);
    assert_eq!(
        first.get_with("/api/v1/assumptions", &[]).await.status(),
        429
    );
    assert_eq!(
        second.get_with("/api/v1/assumptions", &[]).await.status(),
        429
    );
    // The bucket is keyed by the address's salted hash, never by the address.
    let keys = redis_keys(url, &format!("{prefix}*")).await;
    assert!(keys.iter().any(|k| k.contains("ratelimit:ip:")), "{keys:?}");
    assert!(!keys.iter().any(|k| k.contains("127.0.0.1")), "{keys:?}");
}

#[tokio::test]
async fn with_redis_down_the_local_limit_still_holds() {
    let app = redis_app(
        &format!("redis://127.0.0.1:{CLOSED_PORT}"),
        &unique_prefix(),
        3,
    )
    .await;
    assert_exactly(&app, 3, &[]).await;
}

#[tokio::test]
async fn hsts_is_sent_when_configured() {
    let plain = started_app_with(|_| {}).await;
    let response = plain.get_with("/health", &[]).await;
    assert!(!response.headers().contains_key("strict-transport-security"));
    let https = started_app_with(|vars| {
        vars.insert(
            "APP__SERVER__HSTS_MAX_AGE_SECONDS".into(),
            "31536000".into(),
        );
    })
    .await;
    for path in ["/health", "/api/v1/assumptions", "/no/such/page"] {
        let response = https.get_with(path, &[]).await;
        assert_eq!(
            header(&response, "strict-transport-security"),
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
}

#[tokio::test]
async fn browsers_get_an_html_429_page_and_api_clients_the_coded_body() {
    let app = started_app_with(|vars| {
        vars.insert("APP__RATE_LIMIT__ANONYMOUS_PER_MINUTE".into(), "1".into());
    })
    .await;
    let html = [("accept", "text/html,application/xhtml+xml")];
    app.get_with("/", &html).await;
    let page = app
        .get_with(
            "/",
            &[("accept", "text/html"), ("x-request-id", "html-429-test")],
        )
        .await;
    assert_eq!(page.status(), 429);
    assert_eq!(header(&page, "content-type"), "text/html; charset=utf-8");
    assert!(header(&page, "retry-after").parse::<u64>().unwrap() >= 1);
    assert_eq!(header(&page, "ratelimit-limit"), "1");
    assert!(header(&page, "content-security-policy").contains("default-src 'self'"));
    let text = page.text().await.unwrap();
    assert!(text.contains("<h1>Too many requests</h1>"), "{text}");
    assert!(
        text.contains("html-429-test"),
        "the request id is on the page: {text}"
    );
    // The JSON API answers JSON whatever the Accept header says.
    let api = app.get_with("/api/v1/assumptions", &html).await;
    assert_eq!(api.status(), 429);
    assert_eq!(
        api.json::<Value>().await.unwrap()["error"]["code"],
        "rate_limited"
    );
}
