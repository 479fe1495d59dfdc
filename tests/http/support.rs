//! What the HTTP tests share: a started app, requests, and named plans.

use std::collections::HashMap;

use serde_json::{Value, json};

pub use crate::common::*;

/// An app whose migrations have run, so results can be stored. Debug-build analyses take a
/// second or more on a busy machine, so the simulation deadline is a minute unless
/// `customize` says otherwise.
pub async fn started_app_with(customize: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
    let app = spawn_app_with(|vars| {
        vars.insert("APP__SIMULATION__TIMEOUT_MS".into(), "60000".into());
        customize(vars);
    })
    .await;
    app.wait_started().await;
    app
}

pub async fn started_app() -> TestApp {
    started_app_with(|_| {}).await
}

impl TestApp {
    /// `POST path` with a JSON body.
    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// `POST /api/v1/simulations`.
    pub async fn post_plan(&self, plan: &Value) -> reqwest::Response {
        self.post_json("/api/v1/simulations", plan).await
    }

    /// Runs `plan` as the holder of API key `key` (anonymously without one) and returns
    /// the stored result, which must be a 201.
    pub async fn create(&self, plan: &Value, key: Option<&str>) -> Value {
        let mut request = self.client.post(self.url("/api/v1/simulations")).json(plan);
        if let Some(key) = key {
            request = request.bearer_auth(key);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let body = response.text().await.expect("a body");
        assert_eq!(status, 201, "{body}");
        serde_json::from_str(&body).expect("a JSON result")
    }

    /// How many simulations are stored.
    pub async fn simulations_stored(&self) -> i64 {
        self.count("SELECT COUNT(*) AS n FROM simulations").await
    }

    /// How many comparisons are stored.
    pub async fn comparisons_stored(&self) -> i64 {
        self.count("SELECT COUNT(*) AS n FROM comparisons").await
    }

    async fn count(&self, query: &'static str) -> i64 {
        use sqlx::Row;
        sqlx::query(query)
            .fetch_one(self.state.db.pool())
            .await
            .expect("the count")
            .try_get("n")
            .expect("a number")
    }

    /// The percentiles CSV of simulation `id`.
    pub async fn csv(&self, id: &str) -> String {
        let url = self.url(&format!("/api/v1/simulations/{id}/percentiles.csv"));
        let response = self.client.get(url).send().await.expect("request sent");
        response.text().await.expect("a body")
    }

    /// The result page of simulation `id`, parsed.
    /// The result page with its analysis: once it is ready, the page draws it in place
    /// (the script fetches `/s/{id}/analysis` meanwhile; a reload does the same).
    pub async fn result_page(&self, id: &str) -> scraper::Html {
        let get = |path: String| async move {
            let page = self
                .client
                .get(self.url(&path))
                .send()
                .await
                .expect("request sent");
            assert_eq!(page.status(), 200, "{path}");
            page.text().await.expect("a body")
        };
        let first = get(format!("/s/{id}")).await;
        if first.contains("data-fragment=") {
            get(format!("/s/{id}/analysis")).await;
            let again = get(format!("/s/{id}")).await;
            assert!(!again.contains("data-fragment="), "the analysis is ready");
            return scraper::Html::parse_document(&again);
        }
        scraper::Html::parse_document(&first)
    }

    /// `POST /simulate` as the browser form posts it, without following the redirect.
    pub async fn post_form<K: serde::Serialize, V: serde::Serialize>(
        &self,
        form: &[(K, V)],
    ) -> reqwest::Response {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a client")
            .post(self.url("/simulate"))
            .header("accept", "text/html")
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    /// The words of the PDF at `path`, one space between them (`pdftotext -layout`).
    pub async fn pdf_words(&self, path: &str) -> String {
        let pdf = self
            .client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
            .bytes()
            .await
            .expect("a body");
        let dir = tempfile::tempdir().expect("a scratch folder");
        let file = dir.path().join("report.pdf");
        std::fs::write(&file, &pdf).expect("written");
        let out = std::process::Command::new("pdftotext")
            .args(["-layout", file.to_str().expect("utf-8"), "-"])
            .output()
            .expect("pdftotext runs");
        String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// `GET path` with extra headers.
    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
        let mut request = self.client.get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        request.send().await.expect("request sent")
    }
}

/// A response header that must be there, as text.
pub fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().expect("a text header").to_string())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// The keys in the Redis at `url` that match `pattern`.
pub async fn redis_keys(url: &str, pattern: &str) -> Vec<String> {
    use deadpool_redis::redis::AsyncCommands;
    let client = deadpool_redis::redis::Client::open(url).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    conn.keys(pattern).await.unwrap()
}

/// Named plans, as an API client sends them.
pub mod plans {
    use super::*;

    /// Saving for five more years, with Social Security and a new roof: most of the contract.
    pub fn household(annual: f64) -> Value {
        json!({
            "name": "API test",
            "current_age": 60, "retirement_age": 65, "end_age": 95,
            "portfolio": { "balance": 1_000_000, "annual_contribution": 20_000 },
            "spending": { "strategy": "constant_dollar", "annual": annual },
            "income": [ { "name": "Social Security", "annual": 24_000, "start_age": 67 } ],
            "events": [ { "name": "New roof", "age": 70, "amount": -30_000 } ],
            "simulation": { "scenarios": 500, "seed": 42 }
        })
    }

    /// Guardrails with a pension of sorts: what the PDF report is checked on.
    pub fn guardrails() -> Value {
        json!({
            "name": "Report plan",
            "current_age": 55, "retirement_age": 60, "end_age": 95,
            "portfolio": {"balance": 900000, "annual_contribution": 20000},
            "spending": {"strategy": "guardrails", "annual": 48000},
            "income": [{"name": "Social Security", "annual": 24000, "start_age": 67}],
            "simulation": {"scenarios": 1000, "seed": 7}
        })
    }

    /// Saving, then spending $50,000: what the analysis is checked on.
    pub fn saver() -> Value {
        json!({
            "current_age": 60, "retirement_age": 65, "end_age": 95,
            "portfolio": {"balance": 800_000, "annual_contribution": 15_000},
            "spending": {"annual": 50_000},
            "simulation": {"scenarios": 1000, "seed": 3}
        })
    }
}

/// The text of every element `selector` matches in `doc`, joined by spaces.
pub fn text_of(doc: &scraper::Html, selector: &str) -> String {
    let selector = scraper::Selector::parse(selector).expect("a selector");
    doc.select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}
