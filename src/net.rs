//! Trusted proxies and address blocks (`ZHIJIANG_TRUSTED_PROXIES`): which
//! address a request came from when it passed through proxies. Plain data
//! and parsing, read by `config`; `http::client_address` applies it to
//! requests.

use actix_web::http::header::HeaderMap;
use std::net::{IpAddr, Ipv6Addr, SocketAddr};

/// An address block such as `10.0.0.0/8`, `2001:db8::/32`, or one address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    network: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `address` or `address/prefix`; the reason is a short phrase.
    pub fn parse(text: &str) -> Result<Cidr, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (text, None),
        };
        let address: IpAddr = address
            .parse()
            .map_err(|_| format!("`{text}` is not an IP address or CIDR block"))?;
        let address = address.to_canonical();
        let bits = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= bits)
                .ok_or_else(|| format!("`{text}` has a prefix length outside 0..={bits}"))?,
        };
        Ok(Cidr {
            network: mask(address, prefix),
            prefix,
        })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        address.is_ipv4() == self.network.is_ipv4() && mask(address, self.prefix) == self.network
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

/// `address` with every bit after the first `prefix` cleared.
fn mask(address: IpAddr, prefix: u8) -> IpAddr {
    match address {
        IpAddr::V4(a) => {
            let bits = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
            IpAddr::V4((u32::from(a) & bits).into())
        }
        IpAddr::V6(a) => {
            let bits = if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix)) };
            IpAddr::V6((u128::from(a) & bits).into())
        }
    }
}

/// Which header the trusted proxies write. Only that one is read: a proxy
/// appends to its own header and passes the other through untouched, so
/// reading both would let a client choose its address.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ForwardedHeader {
    #[default]
    XForwardedFor,
    /// RFC 7239 `Forwarded: for=...`.
    Forwarded,
}

/// The trusted proxies and the header they write.
#[derive(Clone, Debug, Default)]
pub struct Proxies {
    pub trusted: Vec<Cidr>,
    pub header: ForwardedHeader,
}

impl Proxies {
    /// Parses the comma-separated list of `ZHIJIANG_TRUSTED_PROXIES`.
    pub fn parse_list(text: &str) -> Result<Vec<Cidr>, String> {
        text.split(',').filter(|s| !s.trim().is_empty()).map(Cidr::parse).collect()
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.trusted.iter().any(|c| c.contains(address))
    }

    /// The client of a request that came from `peer` with `headers`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let hops = match self.header {
            ForwardedHeader::XForwardedFor => header_list(headers, "x-forwarded-for", Some),
            ForwardedHeader::Forwarded => header_list(headers, "forwarded", forwarded_for),
        };
        // Right to left: the nearest hop first. `nearest` is the last address
        // we could vouch for, used if a hop cannot be read.
        let mut nearest = peer;
        for hop in hops.iter().rev() {
            let Some(address) = parse_hop(hop) else {
                return nearest;
            };
            if !self.trusts(address) {
                return address;
            }
            nearest = address;
        }
        nearest
    }
}

/// Every comma-separated item of every `name` header, in order, mapped by `pick`.
fn header_list<'a>(headers: &'a HeaderMap, name: &str, pick: impl Fn(&'a str) -> Option<&'a str>) -> Vec<&'a str> {
    headers
        .get_all(name)
        .flat_map(|v| v.to_str().unwrap_or("").split(','))
        .map(str::trim)
        .filter_map(pick)
        .collect()
}

/// The `for=` value of one `Forwarded` element (`for=1.2.3.4;proto=https`).
fn forwarded_for(element: &str) -> Option<&str> {
    let value = element.split(';').find_map(|pair| {
        let (name, value) = pair.split_once('=')?;
        name.trim().eq_ignore_ascii_case("for").then(|| value.trim())
    });
    // An element without `for=` still is a hop; keep it so it stops the walk.
    Some(value.unwrap_or(""))
}

/// An address as proxies write it: `1.2.3.4`, `1.2.3.4:80`, `"[2001:db8::1]:80"`, `2001:db8::1`.
fn parse_hop(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(address) = text.parse::<IpAddr>() {
        return Some(address.to_canonical());
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(socket.ip().to_canonical());
    }
    text.strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .and_then(|t| t.parse::<Ipv6Addr>().ok())
        .map(|a| IpAddr::V6(a).to_canonical())
}
