//! `glidepath healthcheck`: GET /health on the local port, for Docker's
//! HEALTHCHECK and ECS. Container images carry no curl, so this speaks just
//! enough HTTP/1.1 over a plain socket.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::time::Duration;

/// Ok when `/health` answers 200 within `timeout`. `host` is `server.host`: a
/// wildcard address (the default `0.0.0.0`) is reached through loopback.
pub fn check(host: &str, port: u16, timeout: Duration) -> Result<(), String> {
    let ip = match host.parse::<IpAddr>() {
        Ok(ip) if !ip.is_unspecified() => ip,
        _ => IpAddr::V4(Ipv4Addr::LOCALHOST),
    };
    let addr = SocketAddr::from((ip, port));
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|err| format!("connect {addr}: {err}"))?;
    stream
        .set_read_timeout(Some(timeout))
        .map_err(|err| err.to_string())?;
    stream
        .set_write_timeout(Some(timeout))
        .map_err(|err| err.to_string())?;
    stream
        .write_all(b"GET /health HTTP/1.1\r\nHost: localhost\r\nUser-Agent: glidepath-healthcheck\r\nConnection: close\r\n\r\n")
        .map_err(|err| format!("send: {err}"))?;
    let mut head = [0u8; 64];
    let read = stream
        .read(&mut head)
        .map_err(|err| format!("read: {err}"))?;
    let status_line = String::from_utf8_lossy(&head[..read]);
    let status = status_line.split_whitespace().nth(1).unwrap_or("");
    if status == "200" {
        Ok(())
    } else {
        Err(format!(
            "unexpected answer: {}",
            status_line.lines().next().unwrap_or("")
        ))
    }
}
