//! Shared test harness: `spawn_app` on a random port with its own SQLite file, and
//! real PostgreSQL / Redis on 127.0.0.1 when they are there.
//!
//! Outside CI a test that needs PostgreSQL or Redis skips, loudly, when the
//! service is down. Under `CI=true` a missing service fails the test.
#![allow(dead_code)] // each test binary uses a different part

pub mod server;

use std::collections::HashMap;
use std::net::TcpStream;
use std::time::Duration;

use glidepath::app::startup::Application;
use glidepath::config::Settings;
use glidepath::state::AppState;
use sqlx::Connection;
use tempfile::TempDir;
use tokio::sync::oneshot;

pub const POSTGRES_ADMIN_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
pub const REDIS_URL: &str = "redis://127.0.0.1:6379";
/// A local port nothing listens on: the "dependency is down" case.
pub const CLOSED_PORT: u16 = 1;

pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Handles a missing service or tool: fail under CI, skip (loudly) elsewhere.
pub fn service_missing(service: &str, why: impl std::fmt::Display) {
    if in_ci() {
        panic!("{service} is required under CI=true but is unavailable: {why}");
    }
    eprintln!(
        "\n*** SKIPPED: {service} is unavailable ({why}); install or start it to run this test ***\n"
    );
}

/// Points the instance at a PostgreSQL that is not there, with a short query deadline.
pub fn database_down(vars: &mut HashMap<String, String>) {
    vars.insert(
        "APP__DATABASE__URL".into(),
        format!("postgres://postgres@127.0.0.1:{CLOSED_PORT}/glidepath"),
    );
    vars.insert("APP__DATABASE__QUERY_TIMEOUT_MS".into(), "300".into());
}

/// Variables for a development instance on a random loopback port with its own SQLite file.
pub fn test_vars(dir: &TempDir) -> HashMap<String, String> {
    HashMap::from([
        ("APP_ENV".into(), "development".into()),
        ("APP__SERVER__HOST".into(), "127.0.0.1".into()),
        ("APP__SERVER__PORT".into(), "0".into()),
        (
            "APP__DATABASE__URL".into(),
            format!("sqlite://{}/glidepath.db", dir.path().display()),
        ),
        ("APP__LOG__LEVEL".into(), "warn".into()),
    ])
}

pub fn settings_with(
    dir: &TempDir,
    customize: impl FnOnce(&mut HashMap<String, String>),
) -> Settings {
    let mut vars = test_vars(dir);
    customize(&mut vars);
    Settings::load(&vars).expect("test settings are valid")
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub state: AppState,
    pub client: reqwest::Client,
    stop: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _dir: TempDir,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request sent")
    }

    /// Waits (up to 10 s) until `/startup` answers 200.
    pub async fn wait_started(&self) {
        for _ in 0..200 {
            if self.get("/startup").await.status() == 200 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the app did not finish starting in 10 s");
    }

    /// Triggers the shutdown sequence and waits for the server to exit.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.server
            .take()
            .expect("server running")
            .await
            .expect("server task joined")
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(customize: impl FnOnce(&mut HashMap<String, String>)) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let settings = settings_with(&dir, customize);
    let app = Application::build(settings).await.expect("app builds");
    let port = app.port();
    let state = app.state().clone();
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        state,
        client: reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .expect("http client"),
        stop: Some(stop),
        server: Some(server),
        _dir: dir,
    }
}

/// A fresh PostgreSQL database for one test, dropped when the guard goes.
pub struct PgDatabase {
    pub url: String,
    name: String,
}

impl PgDatabase {
    /// `None` (after a loud skip notice) when PostgreSQL is not reachable outside CI.
    pub async fn create() -> Option<Self> {
        let mut admin = match sqlx::PgConnection::connect(POSTGRES_ADMIN_URL).await {
            Ok(conn) => conn,
            Err(err) => {
                service_missing("PostgreSQL", err);
                return None;
            }
        };
        let name = format!("glidepath_test_{}", uuid::Uuid::new_v4().simple());
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .expect("create test database");
        Some(Self {
            url: format!("postgres://postgres@127.0.0.1:5432/{name}"),
            name,
        })
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let name = self.name.clone();
        // Drop runs outside async; use a private runtime on a helper thread.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .ok()?;
            rt.block_on(async {
                let mut admin = sqlx::PgConnection::connect(POSTGRES_ADMIN_URL).await.ok()?;
                sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(&mut admin)
                .await
                .ok()
            })
        })
        .join();
    }
}

/// The local Redis URL, or `None` (after a loud skip notice) outside CI when it is down.
pub fn redis_url() -> Option<&'static str> {
    match TcpStream::connect_timeout(&"127.0.0.1:6379".parse().unwrap(), Duration::from_secs(1)) {
        Ok(_) => Some(REDIS_URL),
        Err(err) => {
            service_missing("Redis", err);
            None
        }
    }
}

/// A key prefix no other test uses.
pub fn unique_prefix() -> String {
    format!("glidepath:test:{}:", uuid::Uuid::new_v4().simple())
}

/// The tables the migrations create.
pub const SCHEMA_TABLES: [&str; 5] = [
    "api_keys",
    "audit_log",
    "comparisons",
    "results",
    "simulations",
];

/// Fails unless every table of the schema is in `tables`.
pub fn assert_schema_tables(tables: &[String]) {
    for table in SCHEMA_TABLES {
        assert!(
            tables.iter().any(|t| t == table),
            "{table} missing from {tables:?}"
        );
    }
}

/// A TCP proxy on a random loopback port, to take a dependency away mid-test: `stop` closes
/// the listener and every open connection, `start` listens again on the same port, and
/// `black_hole` keeps every connection open but forwards nothing, as a dead network path does.
pub struct TcpProxy {
    pub port: u16,
    target: std::net::SocketAddr,
    task: Option<tokio::task::JoinHandle<()>>,
    hole: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl TcpProxy {
    pub async fn start(target: std::net::SocketAddr) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut proxy = Self {
            port,
            target,
            task: None,
            hole: Default::default(),
        };
        proxy.serve(listener);
        proxy
    }

    /// While `on`, bytes in either direction are swallowed and new connections are accepted
    /// but never forwarded. Connections that carried swallowed bytes stay broken after.
    pub fn black_hole(&self, on: bool) {
        self.hole.store(on, std::sync::atomic::Ordering::SeqCst);
    }

    fn serve(&mut self, listener: tokio::net::TcpListener) {
        use std::sync::atomic::Ordering;
        let target = self.target;
        let hole = self.hole.clone();
        self.task = Some(tokio::spawn(async move {
            let mut connections = tokio::task::JoinSet::new();
            while let Ok((inbound, _)) = listener.accept().await {
                let hole = hole.clone();
                connections.spawn(async move {
                    while hole.load(Ordering::SeqCst) {
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    }
                    let Ok(outbound) = tokio::net::TcpStream::connect(target).await else {
                        return;
                    };
                    let (client_read, client_write) = inbound.into_split();
                    let (server_read, server_write) = outbound.into_split();
                    tokio::join!(
                        pump(client_read, server_write, hole.clone()),
                        pump(server_read, client_write, hole),
                    );
                });
            }
        }));
    }

    /// Closes the listener and cuts every connection (the JoinSet aborts them on drop).
    pub async fn stop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            let _ = task.await;
        }
    }

    pub async fn restart(&mut self) {
        let listener = tokio::net::TcpListener::bind(("127.0.0.1", self.port))
            .await
            .unwrap();
        self.serve(listener);
    }
}

/// Copies `from` to `to`, swallowing what arrives while the proxy is a black hole.
async fn pump(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    hole: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if hole.load(std::sync::atomic::Ordering::SeqCst) {
            continue;
        }
        if to.write_all(&buf[..n]).await.is_err() {
            return;
        }
    }
}
