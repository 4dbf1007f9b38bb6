//! Which `Host` names the preview server answers to, and the LAN addresses it prints.
//!
//! Takes the bind address; gives the allowlist that defends against DNS rebinding (a page on
//! `evil.example` resolving its name to 127.0.0.1 sends `Host: evil.example`, which is refused)
//! and, for a non-loopback bind, the machine's network addresses. Reads them from `ip -o addr`
//! or `/proc/net/fib_trie`, with no extra crate; never sends a packet.

use std::net::IpAddr;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// How often the LAN addresses are read again when an unknown `Host` arrives (DHCP renewals).
const REFRESH: Duration = Duration::from_secs(10);

/// The names and addresses the server answers to.
#[derive(Debug)]
pub struct Hosts {
    /// Always accepted: loopback names, the bind address, the machine's host name.
    fixed: Vec<String>,
    /// The machine's LAN addresses when bound to all interfaces, with when they were read.
    lan: Option<RwLock<(Instant, Vec<String>)>>,
}

impl Hosts {
    /// The allowlist for a server bound to `bind`.
    pub fn new(bind: IpAddr) -> Hosts {
        let mut fixed: Vec<String> =
            ["localhost", "127.0.0.1", "::1"].iter().map(|s| s.to_string()).collect();
        if !bind.is_unspecified() {
            fixed.push(bind.to_string());
        }
        if !bind.is_loopback()
            && let Some(name) = host_name()
        {
            fixed.push(format!("{name}.local"));
            fixed.push(name);
        }
        let lan = bind.is_unspecified().then(|| RwLock::new((Instant::now(), names(&lan_addresses(bind)))));
        Hosts { fixed, lan }
    }

    /// True when a request naming `host` (already parsed and lower-cased) is answered.
    pub fn allows(&self, host: &str) -> bool {
        if self.fixed.iter().any(|h| h == host) {
            return true;
        }
        let Some(lan) = &self.lan else {
            return false;
        };
        let stale = {
            let guard = lan.read().unwrap_or_else(std::sync::PoisonError::into_inner);
            if guard.1.iter().any(|h| h == host) {
                return true;
            }
            guard.0.elapsed() > REFRESH
        };
        if !stale {
            return false;
        }
        let fresh = names(&lan_addresses(IpAddr::from([0, 0, 0, 0])));
        let ok = fresh.iter().any(|h| h == host);
        let mut guard = lan.write().unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = (Instant::now(), fresh);
        ok
    }
}

fn names(addrs: &[IpAddr]) -> Vec<String> {
    addrs.iter().map(ToString::to_string).collect()
}

/// The machine's non-loopback addresses that a server bound to `bind` is reachable at: IPv4
/// for `0.0.0.0`, IPv4 and IPv6 for `::`, just `bind` for a specific address.
pub fn lan_addresses(bind: IpAddr) -> Vec<IpAddr> {
    if !bind.is_unspecified() {
        return if bind.is_loopback() { Vec::new() } else { vec![bind] };
    }
    let mut found = from_ip_command().unwrap_or_else(from_fib_trie);
    found.retain(|a| !a.is_loopback() && !a.is_unspecified() && !is_link_local_v6(a));
    if bind.is_ipv4() {
        found.retain(IpAddr::is_ipv4);
    }
    found.sort();
    found.dedup();
    found
}

fn is_link_local_v6(a: &IpAddr) -> bool {
    matches!(a, IpAddr::V6(v6) if (v6.segments()[0] & 0xffc0) == 0xfe80)
}

/// Addresses from `ip -o addr show`, one interface address a line (`… inet 192.168.1.5/24 …`).
fn from_ip_command() -> Option<Vec<IpAddr>> {
    let out = std::process::Command::new("ip")
        .args(["-o", "addr", "show"])
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    Some(parse_ip_addr(&String::from_utf8_lossy(&out.stdout)))
}

/// Parses the output of `ip -o addr show`.
pub fn parse_ip_addr(text: &str) -> Vec<IpAddr> {
    let mut found = Vec::new();
    for line in text.lines() {
        let mut words = line.split_whitespace();
        while let Some(w) = words.next() {
            if (w == "inet" || w == "inet6")
                && let Some(addr) = words.next()
                && let Ok(ip) = addr.split('/').next().unwrap_or("").parse::<IpAddr>()
            {
                found.push(ip);
            }
        }
    }
    found
}

/// IPv4 addresses from `/proc/net/fib_trie` (`|-- 192.168.1.5` followed by `/32 host LOCAL`).
fn from_fib_trie() -> Vec<IpAddr> {
    std::fs::read_to_string("/proc/net/fib_trie").map(|t| parse_fib_trie(&t)).unwrap_or_default()
}

/// Parses `/proc/net/fib_trie`.
pub fn parse_fib_trie(text: &str) -> Vec<IpAddr> {
    let mut found = Vec::new();
    let mut last: Option<IpAddr> = None;
    for line in text.lines() {
        let t = line.trim_start_matches([' ', '|', '+', '-']).trim();
        if let Ok(ip) = t.parse::<IpAddr>() {
            last = Some(ip);
        } else if t.contains("host LOCAL")
            && let Some(ip) = last
        {
            found.push(ip);
        }
    }
    found
}

fn host_name() -> Option<String> {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").ok()?;
    let name = name.trim().to_ascii_lowercase();
    (!name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.'))
        .then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_names_only_by_default() {
        let h = Hosts::new(IpAddr::from([127, 0, 0, 1]));
        for ok in ["localhost", "127.0.0.1", "::1"] {
            assert!(h.allows(ok), "{ok}");
        }
        for bad in ["evil.example", "127.0.0.1.nip.io", "localhost.evil", "0.0.0.0"] {
            assert!(!h.allows(bad), "{bad}");
        }
    }

    #[test]
    fn reads_addresses_from_ip_and_fib_trie() {
        let ip = "1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever\n\
                  2: eth0    inet 192.168.1.5/24 brd 192.168.1.255 scope global eth0\n\
                  2: eth0    inet6 fe80::1/64 scope link\n";
        let got = parse_ip_addr(ip);
        assert!(got.contains(&"192.168.1.5".parse().expect("ip")));
        assert!(got.contains(&"127.0.0.1".parse().expect("ip")));
        let trie = "Main:\n  +-- 0.0.0.0/0 3 0 5\n     |-- 10.0.0.7\n        /32 host LOCAL\n     |-- 10.0.0.255\n        /32 link BROADCAST\n";
        assert_eq!(parse_fib_trie(trie), vec!["10.0.0.7".parse::<IpAddr>().expect("ip")]);
    }

    #[test]
    fn a_specific_bind_is_its_own_lan_address() {
        let a: IpAddr = "192.168.1.5".parse().expect("ip");
        assert_eq!(lan_addresses(a), vec![a]);
        assert!(lan_addresses(IpAddr::from([127, 0, 0, 1])).is_empty());
    }
}
