//! The real `glidepath` binary as a server: started on a free port with a clean
//! environment, its output collected as it comes.

use std::io::Read;
use std::net::TcpListener;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

pub const BIN: &str = env!("CARGO_BIN_EXE_glidepath");

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A command with a clean environment: development, loopback, its own SQLite file.
pub fn command(dir: &tempfile::TempDir, port: u16) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("APP_ENV", "development")
        .env("APP__SERVER__HOST", "127.0.0.1")
        .env("PORT", port.to_string())
        .env(
            "APP__DATABASE__URL",
            format!("sqlite://{}/glidepath.db", dir.path().display()),
        )
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// A running server whose output is collected as it comes.
pub struct Server {
    pub child: Child,
    pub port: u16,
    output: Arc<Mutex<String>>,
}

impl Server {
    /// Starts the binary on a free port with `customize` applied to its command,
    /// and waits until `/startup` answers 200.
    pub async fn started(dir: &tempfile::TempDir, customize: impl FnOnce(&mut Command)) -> Self {
        let port = free_port();
        let mut cmd = command(dir, port);
        customize(&mut cmd);
        let mut server = Self::start(cmd, port);
        server.wait_started().await;
        server
    }

    pub fn start(mut cmd: Command, port: u16) -> Self {
        let mut child = cmd.spawn().expect("binary starts");
        let output = Arc::new(Mutex::new(String::new()));
        for mut stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let sink = Arc::clone(&output);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buf) {
                    if n == 0 {
                        break;
                    }
                    sink.lock()
                        .unwrap()
                        .push_str(&String::from_utf8_lossy(&buf[..n]));
                }
            });
        }
        Self {
            child,
            port,
            output,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub async fn wait_started(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let started = reqwest::get(self.url("/startup")).await;
            if started.is_ok_and(|res| res.status() == 200) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("server exited early with {status}: {}", self.output());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("server did not start: {}", self.output());
    }

    pub fn signal(&self, signal: Signal) {
        kill(Pid::from_raw(self.child.id() as i32), signal).expect("signal delivered");
    }

    pub async fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // Let the reader threads drain the pipes.
                tokio::time::sleep(Duration::from_millis(50)).await;
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "server did not exit: {}",
                self.output()
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    pub fn output(&self) -> String {
        self.output.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
