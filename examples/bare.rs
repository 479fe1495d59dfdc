//! The baseline for the `/health` throughput target: a bare actix-web handler with
//! the same body and worker count as Glidepath, but none of its middleware.
//!
//! `cargo run --release --example bare -- 18090`; see `scripts/bench-http.sh`.

use actix_web::{App, HttpResponse, HttpServer, web};

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(18090);
    HttpServer::new(|| App::new().route("/health", web::get().to(health)))
        .bind(("127.0.0.1", port))?
        .run()
        .await
}
