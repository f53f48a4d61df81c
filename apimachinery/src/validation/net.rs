//! Upstream's checks of network values (IP addresses, CIDRs, ports) as field errors with
//! its messages.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::field::{self, Path};

/// An IPv4 or IPv6 address.
pub fn ip(path: &Path, value: &str) -> field::ErrorList {
    match value.parse::<IpAddr>() {
        Ok(_) => Vec::new(),
        Err(_) => vec![field::Error::invalid(path, value, "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")],
    }
}

/// An IPv4 address.
pub fn ipv4(path: &Path, value: &str) -> field::ErrorList {
    match value.parse::<Ipv4Addr>() {
        Ok(_) => Vec::new(),
        Err(_) => vec![field::Error::invalid(path, value, "must be a valid IPv4 address")],
    }
}

/// An IPv6 address.
pub fn ipv6(path: &Path, value: &str) -> field::ErrorList {
    match value.parse::<Ipv6Addr>() {
        Ok(_) => Vec::new(),
        Err(_) => vec![field::Error::invalid(path, value, "must be a valid IPv6 address")],
    }
}

/// Whether `value` is an IPv6 address.
pub fn is_ipv6(value: &str) -> bool {
    value.parse::<Ipv6Addr>().is_ok()
}

/// An address usable as an endpoint or external IP: not unspecified, loopback or link-local,
/// as upstream's `ValidateNonSpecialIP`.
pub fn non_special_ip(path: &Path, value: &str) -> field::ErrorList {
    let Ok(address) = value.parse::<IpAddr>() else {
        return vec![field::Error::invalid(path, value, "must be a valid IP address")];
    };
    let (link_local, link_local_multicast) = match address {
        IpAddr::V4(v4) => (v4.is_link_local(), v4.octets()[..3] == [224, 0, 0]),
        IpAddr::V6(v6) => ((v6.segments()[0] & 0xffc0) == 0xfe80, (v6.segments()[0] & 0xff0f) == 0xff02),
    };
    let mut errors = Vec::new();
    if address.is_unspecified() {
        errors.push(field::Error::invalid(path, value, format!("may not be unspecified ({value})")));
    }
    if address.is_loopback() {
        errors.push(field::Error::invalid(path, value, "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
    }
    if link_local {
        errors.push(field::Error::invalid(path, value, "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
    }
    if link_local_multicast {
        errors.push(field::Error::invalid(path, value, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
    }
    errors
}

/// A CIDR such as `10.0.0.0/8`.
pub fn cidr(path: &Path, value: &str) -> field::ErrorList {
    let valid = value.split_once('/').is_some_and(|(address, bits)| match (address.parse::<IpAddr>(), bits.parse::<u8>()) {
        (Ok(IpAddr::V4(_)), Ok(bits)) => bits <= 32,
        (Ok(IpAddr::V6(_)), Ok(bits)) => bits <= 128,
        _ => false,
    });
    if valid { Vec::new() } else { vec![field::Error::invalid(path, value, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")] }
}

/// A port number, 1 to 65535.
pub fn port_number(value: i64) -> Vec<String> {
    if (1..=65535).contains(&value) { Vec::new() } else { vec!["must be between 1 and 65535, inclusive".to_owned()] }
}

/// A port name (IANA service name): at most 15 lowercase alphanumerics and single hyphens,
/// with a letter.
pub fn port_name(value: &str) -> Vec<String> {
    let mut errors = Vec::new();
    if value.len() > 15 {
        errors.push("must be no more than 15 characters".to_owned());
    }
    if !value.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        errors.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_owned());
    }
    if !value.bytes().any(|b| b.is_ascii_lowercase()) {
        errors.push("must contain at least one letter (a-z)".to_owned());
    }
    if value.contains("--") {
        errors.push("must not contain consecutive hyphens".to_owned());
    }
    if value.starts_with('-') || value.ends_with('-') {
        errors.push("must not begin or end with a hyphen".to_owned());
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        let at = Path::new("ip");
        assert!(ip(&at, "10.0.0.1").is_empty() && ip(&at, "2001:db8::1").is_empty());
        assert_eq!(ip(&at, "10.0.0").len(), 1);
        assert!(ipv4(&at, "::1").len() == 1 && ipv6(&at, "10.0.0.1").len() == 1);
        assert!(non_special_ip(&at, "10.1.2.3").is_empty());
        let messages = |v: &str| non_special_ip(&at, v).into_iter().map(|e| e.detail).collect::<Vec<_>>();
        assert_eq!(messages("127.0.0.1"), ["may not be in the loopback range (127.0.0.0/8, ::1/128)"]);
        assert_eq!(messages("0.0.0.0"), ["may not be unspecified (0.0.0.0)"]);
        assert_eq!(messages("169.254.1.1"), ["may not be in the link-local range (169.254.0.0/16, fe80::/10)"]);
        assert_eq!(messages("fe80::1"), ["may not be in the link-local range (169.254.0.0/16, fe80::/10)"]);
        assert_eq!(messages("224.0.0.5"), ["may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"]);
        assert!(cidr(&at, "10.0.0.0/8").is_empty() && cidr(&at, "10.0.0.0/33").len() == 1 && cidr(&at, "10.0.0.0").len() == 1);
    }

    #[test]
    fn ports() {
        assert!(port_number(80).is_empty() && port_number(0).len() == 1 && port_number(65536).len() == 1);
        assert!(port_name("http").is_empty() && port_name("web-8080").is_empty());
        assert_eq!(port_name("8080"), ["must contain at least one letter (a-z)"]);
        assert_eq!(port_name("-a--b"), ["must not contain consecutive hyphens", "must not begin or end with a hyphen"]);
    }
}
