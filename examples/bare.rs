//! The baseline for the `/health` throughput target: a bare actix-web handler with
//! the same body and worker count as Glidepath, but none of its middleware.
//!
//! `cargo run --release --example bare -- PORT [WORKERS]`; see `scripts/bench-http.sh`.

use actix_web::{App, HttpResponse, HttpServer, web};

async fn health() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

#[actix_web::main]
async fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let port: u16 = args.get(1).and_then(|p| p.parse().ok()).unwrap_or(18090);
    let workers: usize = args.get(2).and_then(|w| w.parse().ok()).unwrap_or(0);
    let mut server = HttpServer::new(|| App::new().route("/health", web::get().to(health)));
    if workers > 0 {
        server = server.workers(workers);
    }
    server.bind(("127.0.0.1", port))?.run().await
}
