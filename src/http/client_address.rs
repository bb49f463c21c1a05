//! The client's address, derived once and used everywhere (login throttle,
//! verify-page rate limit, audit log).
//!
//! By default the TCP peer is the client and forwarding headers are ignored:
//! anyone can write them. Only when the peer is one of the trusted proxies
//! (`ZHIJIANG_TRUSTED_PROXIES`) is the forwarding header read, right to left:
//! each trusted proxy appends the address it received the request from, so the
//! first address from the right that is not itself a trusted proxy is the
//! client. Whatever a client wrote further left is never believed.

pub use crate::net::{Cidr, ForwardedHeader, Proxies};
use actix_web::HttpRequest;
#[cfg(test)]
use actix_web::http::header::HeaderMap;
use std::net::IpAddr;

/// The derived client address of `req`, or the unspecified address when the
/// request has no peer (only in unit tests of handlers).
pub fn client_address(req: &HttpRequest) -> IpAddr {
    let peer = req.peer_addr().map(|a| a.ip()).unwrap_or(IpAddr::V4([0, 0, 0, 0].into()));
    match req.app_data::<actix_web::web::Data<crate::state::AppState>>() {
        Some(state) => state.config.proxies.client(peer, req.headers()),
        None => peer.to_canonical(),
    }
}

/// The part of a client address that throttles count: an IPv4 address, or the
/// /64 network of an IPv6 address (one subscriber usually holds a whole /64).
pub fn throttle_key(address: IpAddr) -> String {
    match address.to_canonical() {
        IpAddr::V4(a) => a.to_string(),
        IpAddr::V6(_) => Cidr::parse(&format!("{address}/64")).map(|c| c.to_string()).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::http::header::{HeaderName, HeaderValue};

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(HeaderName::from_static(name), HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn proxies(list: &str, header: ForwardedHeader) -> Proxies {
        Proxies {
            trusted: Proxies::parse_list(list).unwrap(),
            header,
        }
    }

    #[test]
    fn cidrs_parse_and_match() {
        let block = Cidr::parse("10.1.2.3/8").unwrap();
        assert_eq!(block.to_string(), "10.0.0.0/8");
        assert!(block.contains(ip("10.200.0.1")));
        assert!(block.contains(ip("::ffff:10.0.0.9")));
        assert!(!block.contains(ip("11.0.0.1")));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
        assert!(Cidr::parse("2001:db8::/32").unwrap().contains(ip("2001:db8:ffff::1")));
        assert!(!Cidr::parse("2001:db8::/32").unwrap().contains(ip("10.0.0.1")));
        assert!(Cidr::parse("192.168.1.1").unwrap().contains(ip("192.168.1.1")));
        assert!(!Cidr::parse("192.168.1.1").unwrap().contains(ip("192.168.1.2")));
        for bad in ["10.0.0.0/33", "nonsense", "10.0.0/8", "::1/129", "1.2.3.4/x"] {
            assert!(Cidr::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn headers_are_ignored_unless_the_peer_is_trusted() {
        let p = proxies("10.0.0.0/8", ForwardedHeader::XForwardedFor);
        let h = headers(&[("x-forwarded-for", "1.2.3.4")]);
        assert_eq!(p.client(ip("203.0.113.9"), &h), ip("203.0.113.9"));
        assert_eq!(Proxies::default().client(ip("10.0.0.1"), &h), ip("10.0.0.1"));
    }

    #[test]
    fn the_first_untrusted_hop_from_the_right_is_the_client() {
        let p = proxies("10.0.0.0/8, 192.168.0.1", ForwardedHeader::XForwardedFor);
        // The client forged the left entry; proxies appended the rest.
        let h = headers(&[("x-forwarded-for", "6.6.6.6, 198.51.100.7"), ("x-forwarded-for", "192.168.0.1")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("198.51.100.7"));
        // Ports and brackets as some proxies write them.
        let h = headers(&[("x-forwarded-for", "[2001:db8::7]:443")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("2001:db8::7"));
        // Nothing but proxies: the farthest one.
        let h = headers(&[("x-forwarded-for", "192.168.0.1")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("192.168.0.1"));
        // An unreadable hop stops the walk at the last address vouched for.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, garbage, 192.168.0.1")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("192.168.0.1"));
        // The other header is not read.
        let h = headers(&[("forwarded", "for=5.5.5.5")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("10.0.0.2"));
    }

    #[test]
    fn rfc_7239_forwarded_is_read_when_chosen() {
        let p = proxies("10.0.0.0/8", ForwardedHeader::Forwarded);
        let h = headers(&[(
            "forwarded",
            "for=6.6.6.6, for=\"[2001:db8:cafe::17]:4711\";proto=https, for=10.0.0.5;by=10.0.0.1",
        )]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("2001:db8:cafe::17"));
        let h = headers(&[("forwarded", "for=unknown"), ("x-forwarded-for", "5.5.5.5")]);
        assert_eq!(p.client(ip("10.0.0.2"), &h), ip("10.0.0.2"));
    }

    #[test]
    fn ipv6_clients_are_throttled_per_64() {
        assert_eq!(throttle_key(ip("2001:db8:1:2:3:4:5:6")), "2001:db8:1:2::/64");
        assert_eq!(throttle_key(ip("::ffff:1.2.3.4")), "1.2.3.4");
    }
}
