//! The client's address: the peer, unless the peer is a trusted proxy
//! (`rate_limit.trusted_proxies`); then the right-most `X-Forwarded-For` entry that is not
//! a trusted proxy. A client cannot spoof its address by sending `X-Forwarded-For` itself:
//! from an untrusted peer the header is ignored.

use std::net::IpAddr;

use actix_web::http::header::HeaderMap;
use ipnet::IpNet;

pub fn resolve(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpNet]) -> Option<IpAddr> {
    let is_trusted = |ip: &IpAddr| trusted.iter().any(|net| net.contains(ip));
    let peer = peer?;
    if !is_trusted(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|entry| entry.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|ip| !is_trusted(ip))
            .unwrap_or(peer),
    )
}

#[cfg(test)]
mod tests {
    use actix_web::http::header::{HeaderName, HeaderValue};

    use super::*;

    fn networks(cidrs: &[&str]) -> Vec<IpNet> {
        crate::config::RateLimitSettings {
            anonymous_per_minute: 60,
            trusted_proxies: cidrs.iter().map(|c| c.to_string()).collect(),
            tiers: Default::default(),
        }
        .trusted_networks()
    }

    fn xff(value: &'static str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(
            HeaderName::from_static("x-forwarded-for"),
            HeaderValue::from_static(value),
        );
        map
    }

    #[test]
    fn an_untrusted_peer_cannot_spoof_its_address() {
        let trusted = networks(&["10.0.0.0/8"]);
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(resolve(Some(peer), &xff("1.2.3.4"), &trusted), Some(peer));
    }

    #[test]
    fn behind_trusted_proxies_the_rightmost_untrusted_entry_counts() {
        let trusted = networks(&["10.0.0.0/8", "192.0.2.1"]);
        let peer: IpAddr = "10.1.2.3".parse().unwrap();
        // The client forged the first entry; the proxies appended the rest.
        let headers = xff("6.6.6.6, 198.51.100.7, 192.0.2.1");
        assert_eq!(
            resolve(Some(peer), &headers, &trusted),
            Some("198.51.100.7".parse().unwrap())
        );
        assert_eq!(resolve(Some(peer), &HeaderMap::new(), &trusted), Some(peer));
    }
}
